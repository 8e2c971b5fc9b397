#!/usr/bin/env bash
# held_postfix.sh: listctl approve and reject hand mail to a real, private Postfix through
# SendmailCommand (sendmail -C DIR), inside its own network namespace; smtp-sink on loopback
# receives it. Checks the envelope, the approval header on top of the byte-exact post, and
# the refusal notice. No milter here: the milter's side has its own end-to-end tests.
set -u
bin=$LM_BUILD_DIR
if [ "$(id -u)" -ne 0 ] || ! command -v postfix >/dev/null || ! command -v smtp-sink >/dev/null
then
	echo "SKIP: needs root, postfix and smtp-sink"; exit 77
fi
if [ "${HELD_IN_NETNS:-}" != 1 ]; then
	HELD_IN_NETNS=1 exec unshare --net --mount --uts bash "$0" "$@"
fi
ip link set lo up

B=$(mktemp -d /tmp/lm-heldpfx.XXXXXX)
sinkpid=
cleanup() {
	postfix -c "$B/pfx/etc" stop >/dev/null 2>&1
	[ -n "$sinkpid" ] && kill "$sinkpid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$B"
}
trap cleanup EXIT
chmod 755 "$B"
mkdir -p "$B/pfx/etc" "$B/pfx/queue" "$B/pfx/data" "$B/pfx/log" "$B/sink" "$B/data"
chown postfix:postfix "$B/pfx/data" && chmod 700 "$B/pfx/data"
cat >"$B/pfx/etc/main.cf" <<CF
compatibility_level = 3.6
config_directory = $B/pfx/etc
queue_directory = $B/pfx/queue
data_directory = $B/pfx/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.lists.test
mydomain = lists.test
myorigin = \$myhostname
mydestination =
local_recipient_maps =
local_transport = error:local delivery disabled
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:2526
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtp_host_lookup = native
biff = no
maillog_file = $B/pfx/log/maillog
maillog_file_prefixes = $B/pfx/log
CF
cat >"$B/pfx/etc/master.cf" <<'CF'
pickup    unix  n       -       n       1       1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
mkdir -p "$B/sink/dump" && chown nobody:nogroup "$B/sink/dump"
smtp-sink -u nobody -d "$B/sink/dump/%H%M%S." 127.0.0.1:2526 64 >"$B/sink/out" 2>&1 &
sinkpid=$!
postfix -c "$B/pfx/etc" check >/dev/null 2>&1
if ! postfix -c "$B/pfx/etc" start >/dev/null 2>&1; then
	echo "FAIL: postfix did not start"; cat "$B/pfx/log/maillog"; exit 1
fi

printf 'DataDir %s/data\nSyslog no\nSendmailCommand /usr/sbin/sendmail -C %s/pfx/etc\n' \
	"$B" "$B" >"$B/ctl.conf"
ctl() { "$bin/listctl/listctl" -c "$B/ctl.conf" "$@"; }
fail=0
ctl create test@lists.test owner=boss@lists.test real_name=Test >/dev/null || fail=1
printf 'From: Poster <poster@src.test>\nTo: test@lists.test\nSubject: Held one\nMessage-ID: <h1@src.test>\n\nLine one\n\x01 odd byte \xff\n.\n..dots\n' >"$B/post1"
printf 'From: poster@src.test\nTo: test@lists.test\nSubject: Held two\n\nPlease reject me\n' >"$B/post2"
id1=$("$bin/tests/hold_post" "$B/data/db" test poster@src.test test@lists.test \
	poster@src.test "Held one" "Post by non-member to a members-only list" <"$B/post1")
id2=$("$bin/tests/hold_post" "$B/data/db" test poster@src.test test@lists.test \
	poster@src.test "Held two" "Post by non-member to a members-only list" <"$B/post2")
ctl held test | grep -q "^$id1	poster@src.test	Held one	" || { echo "FAIL: held listing"; ctl held test; fail=1; }
ctl approve test "$id1" || { echo "FAIL: approve"; fail=1; }
ctl reject test "$id2" "Not for this list" || { echo "FAIL: reject"; fail=1; }
[ -z "$(ctl held test)" ] || { echo "FAIL: posts still held"; fail=1; }

# wait for both deliveries at the sink
for _ in $(seq 100); do
	[ "$(ls "$B/sink/dump" | wc -l)" -ge 2 ] && break
	sleep 0.2
done
approved=$(grep -l 'X-Listmilter-Approved: ' "$B/sink/dump"/* 2>/dev/null | head -1)
notice=$(grep -l 'Subject: Request to mailing list Test rejected' "$B/sink/dump"/* 2>/dev/null | head -1)
if [ -z "$approved" ]; then
	echo "FAIL: the approved post did not arrive"; ls -l "$B/sink/dump"; tail "$B/pfx/log/maillog"; fail=1
else
	grep -q '^X-Mail-Args: <poster@src.test>' "$approved" || { echo "FAIL: envelope sender"; fail=1; }
	grep -q '^X-Rcpt-Args: <test@lists.test>' "$approved" || { echo "FAIL: recipient"; fail=1; }
	# the post's header lines and body arrive as they were (the sink dumps CRLF lines and
	# ends the dump with an empty line; Postfix adds its own Received/Date/Message-Id)
	tr -d '\r' <"$approved" | sed -n '/^X-Listmilter-Approved: /,$p' | tail -n +2 |
		grep -av '^Received: \|^	by \|^	for \|^	id \|^Date: \|^Message-Id: ' |
		sed '$ { /^$/ d }' >"$B/got1"
	if ! cmp -s "$B/post1" "$B/got1"; then
		echo "FAIL: approved post differs"; diff <(od -c "$B/post1") <(od -c "$B/got1") | head; fail=1
	else
		echo "ok   approved post re-injected through Postfix with its envelope and bytes"
	fi
fi
if [ -z "$notice" ]; then
	echo "FAIL: the refusal notice did not arrive"; fail=1
else
	grep -q '^X-Mail-Args: <test-bounces@lists.test>' "$notice" || { echo "FAIL: notice sender"; fail=1; }
	grep -q '^X-Rcpt-Args: <poster@src.test>' "$notice" || { echo "FAIL: notice recipient"; fail=1; }
	grep -q '"Not for this list"' "$notice" || { echo "FAIL: notice reason"; fail=1; }
	echo "ok   refusal notice delivered to the poster from list-bounces"
fi
exit $fail
