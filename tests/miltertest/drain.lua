-- drain.lua: SIGTERM while a transaction is open: the daemon stops within libmilter's 5 s
-- check interval instead of waiting for a message that libmilter no longer serves.
-- Run by tests/integration/miltertest.sh (LM_MT_SOCK, LM_MT_PID).

local sock, pid = os.getenv("LM_MT_SOCK"), os.getenv("LM_MT_PID")
local conn = mt.connect(sock, 40, 0.25)
assert(conn ~= nil, "cannot connect")
assert(mt.conninfo(conn, "client.test", "127.0.0.1") == nil)
assert(mt.getreply(conn) == SMFIR_CONTINUE)
mt.macro(conn, SMFIC_MAIL, "i", "DRAINQID")
assert(mt.mailfrom(conn, "<ann@a.test>") == nil)
assert(mt.getreply(conn) == SMFIR_CONTINUE)
assert(mt.rcptto(conn, "<team@lists.test>") == nil)
assert(mt.getreply(conn) == SMFIR_CONTINUE)
for _, h in ipairs({{"From", "ann@a.test"}, {"To", "team@lists.test"}, {"Subject", "drain"}}) do
	assert(mt.header(conn, h[1], h[2]) == nil)
	assert(mt.getreply(conn) == SMFIR_CONTINUE)
end
assert(mt.eoh(conn) == nil)
assert(mt.getreply(conn) == SMFIR_CONTINUE)

-- stop the daemon in the middle of the message: libmilter stops serving this (idle)
-- connection, so the MTA would apply milter_default_action (tempfail) and the client retry;
-- the daemon must not hang on the open transaction. miltertest.sh checks the log.
assert(os.execute("kill -TERM " .. pid))
mt.sleep(8)
mt.echo("ok   SIGTERM sent with a transaction open")
