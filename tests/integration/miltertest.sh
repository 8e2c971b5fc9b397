#!/usr/bin/env bash
# miltertest.sh: runs every tests/miltertest/*.lua script against a real listmilter (started
# as nobody:postfix with a small list) inside a private network namespace.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/harness.sh"
command -v miltertest >/dev/null || h_skip "miltertest not installed"
h_init "$@"
h_milter_conf "inet:$H_MILTER_INET_PORT@127.0.0.1"
sed -i "s/^MaxHeaderBytes .*/MaxHeaderBytes 1K/" "$B/listmilter.conf"
h_ctl create team@lists.test archive=no >/dev/null || h_die "listctl create failed"
h_ctl create other@lists.test archive=no >/dev/null || h_die "listctl create failed"
h_ctl member add team ann@a.test bob@b.test carl@c.test >/dev/null || h_die "listctl add failed"
h_ctl member set team carl@c.test nomail=yes || h_die "listctl member failed"
export LM_MT_SOCK="inet:$H_MILTER_INET_PORT@127.0.0.1"
# a fresh daemon per script (drain.lua stops its own)
for s in "$LM_SOURCE_DIR"/tests/miltertest/${LM_MT_ONLY:-*}.lua; do
	echo "== $(basename "$s")"
	: >"$B/milter.log"
	h_start_milter
	export LM_MT_PID=$H_MILTER_PID
	(cd "$B" && miltertest -w -s "$s") || h_fail "$(basename "$s")"
	h_stop_milter
	if [ "$(basename "$s")" = drain.lua ]; then
		h_expect "SIGTERM with a transaction open: the daemon stopped by itself" \
			grep -q "NOQUEUE: stopped" "$B/milter.log"
		h_expect "SIGTERM: nothing half-done was accepted" bash -c "! grep -q 'DRAINQID: list=.* action=accept' $B/milter.log"
	fi
done
exit $H_FAILED
