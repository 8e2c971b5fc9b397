-- protocol.lua: listmilter against miltertest, for protocol cases a real MTA rarely produces:
-- a list and another recipient in one transaction, an abort in the middle of a message and a
-- second message on the same connection, a header block past MaxHeaderBytes, mail that is not
-- list traffic (released at the first header), and the end-of-message fan-out requests.
-- Run by tests/integration/miltertest.sh, which starts the filter and sets LM_MT_SOCK.

local sock = os.getenv("LM_MT_SOCK")
local failed = 0

local function check(what, ok)
	if ok then
		mt.echo("ok   " .. what)
	else
		mt.echo("FAIL " .. what)
		failed = failed + 1
	end
end

local function connect()
	local conn = mt.connect(sock, 40, 0.25)
	assert(conn ~= nil, "cannot connect to " .. tostring(sock))
	assert(mt.conninfo(conn, "client.test", "127.0.0.1") == nil)
	assert(mt.getreply(conn) == SMFIR_CONTINUE)
	return conn
end

local function start(conn, qid, from)
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	assert(mt.mailfrom(conn, from) == nil)
	return mt.getreply(conn)
end

local function rcpt(conn, addr)
	assert(mt.rcptto(conn, addr) == nil)
	return mt.getreply(conn)
end

local function post(conn, qid, subject)
	for _, h in ipairs({{"From", "Ann Poster <ann@a.test>"}, {"To", "team@lists.test"},
	                    {"Subject", subject}, {"Message-ID", "<" .. qid .. "@a.test>"}}) do
		assert(mt.header(conn, h[1], h[2]) == nil)
		assert(mt.getreply(conn) == SMFIR_CONTINUE)
	end
	assert(mt.eoh(conn) == nil)
	assert(mt.getreply(conn) == SMFIR_CONTINUE)
	assert(mt.bodystring(conn, "Hello list.\r\n") == nil)
	assert(mt.getreply(conn) == SMFIR_CONTINUE)
	assert(mt.eom(conn) == nil)
	return mt.getreply(conn)
end

-- 1. list first, then an ordinary recipient and a second list: both deferred (452 4.5.3)
local conn = connect()
check("MAIL FROM continues", start(conn, "MTQID1", "<ann@a.test>") == SMFIR_CONTINUE)
check("list recipient accepted", rcpt(conn, "<team@lists.test>") == SMFIR_CONTINUE)
check("ordinary recipient deferred", rcpt(conn, "<outsider@x.test>") == SMFIR_REPLYCODE)
check("second list deferred", rcpt(conn, "<other@lists.test>") == SMFIR_REPLYCODE)

-- 2. abort in the middle of the headers; the next message on this connection starts clean
assert(mt.header(conn, "From", "ann@a.test") == nil)
assert(mt.getreply(conn) == SMFIR_CONTINUE)
assert(mt.abort(conn) == nil)
check("second MAIL FROM after abort", start(conn, "MTQID2", "<ann@a.test>") == SMFIR_CONTINUE)
check("ordinary recipient first", rcpt(conn, "<outsider@x.test>") == SMFIR_CONTINUE)
check("then a list is deferred", rcpt(conn, "<team@lists.test>") == SMFIR_REPLYCODE)
assert(mt.header(conn, "From", "ann@a.test") == nil)
check("not list traffic: released at the first header", mt.getreply(conn) == SMFIR_ACCEPT)
assert(mt.abort(conn) == nil)

-- 3. a member post: the list address is replaced by the members, sender by list-bounces
check("third MAIL FROM", start(conn, "MTQID3", "<ann@a.test>") == SMFIR_CONTINUE)
check("list recipient", rcpt(conn, "<team@lists.test>") == SMFIR_CONTINUE)
check("member post accepted at EOM", post(conn, "MTQID3", "protocol test") == SMFIR_ACCEPT)
check("list address removed", mt.eom_check(conn, MT_RCPTDELETE, "<team@lists.test>"))
check("ann added", mt.eom_check(conn, MT_RCPTADD, "<ann@a.test>"))
check("bob added", mt.eom_check(conn, MT_RCPTADD, "<bob@b.test>"))
check("nomail carl not added", not mt.eom_check(conn, MT_RCPTADD, "<carl@c.test>"))
mt.disconnect(conn)

-- 4. a header block past MaxHeaderBytes (1K here) is rejected with 552 5.3.4
conn = connect()
check("fourth MAIL FROM", start(conn, "MTQID4", "<ann@a.test>") == SMFIR_CONTINUE)
check("list recipient", rcpt(conn, "<team@lists.test>") == SMFIR_CONTINUE)
-- (several fields: miltertest itself crashes on one very long field)
local replies = {}
for i = 1, 4 do
	assert(mt.header(conn, "X-Filler-" .. i, string.rep("x", 300)) == nil)
	replies[i] = mt.getreply(conn)
end
check("fields under the limit continue", replies[1] == SMFIR_CONTINUE and replies[3] == SMFIR_CONTINUE)
check("the field past MaxHeaderBytes is rejected", replies[4] == SMFIR_REPLYCODE)
mt.disconnect(conn)

if failed > 0 then
	error(failed .. " checks failed")
end
