#!/usr/bin/env bash
# daemon_notify.sh: under Type=notify the real daemon says READY=1 once its milter socket
# exists, RELOADING=1 and READY=1 around a SIGUSR1 reload, and STOPPING=1 when SIGTERM ends
# it. A python3 datagram socket plays systemd.
set -u
bin=$LM_BUILD_DIR/milter/listmilter
command -v python3 >/dev/null || { echo "SKIP: python3 is missing"; exit 77; }
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mkdir "$tmp/data"
cat >"$tmp/listmilter.conf" <<CONF
DataDir $tmp/data
Socket local:$tmp/milter.sock
Syslog no
CONF
python3 - "$tmp/notify" "$tmp/msgs" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "w") as out:
    while True:
        m = s.recv(4096).decode()
        out.write(m.replace("\n", "|") + "\n")
        out.flush()
        if m.startswith("STOPPING=1"):
            break
PY
listener=$!
for _ in $(seq 50); do [ -S "$tmp/notify" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$tmp/notify "$bin" -f -c "$tmp/listmilter.conf" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do
	grep -q READY "$tmp/msgs" 2>/dev/null && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
fail=0
if grep -qx "READY=1|STATUS=local:$tmp/milter.sock" "$tmp/msgs" && [ -S "$tmp/milter.sock" ]; then
	echo "ok   READY=1 with the socket in place"
else
	echo "FAIL READY: got:"; cat "$tmp/msgs" "$tmp/err"; fail=1
fi
# reload: RELOADING=1 with the monotonic time, then READY=1 again
kill -USR1 "$pid"
for _ in $(seq 50); do [ "$(grep -c '^READY=1' "$tmp/msgs")" -ge 2 ] && break; sleep 0.1; done
if grep -qE '^RELOADING=1\|MONOTONIC_USEC=[0-9]+$' "$tmp/msgs" &&
	[ "$(grep -c '^READY=1' "$tmp/msgs")" -ge 2 ]; then
	echo "ok   SIGUSR1: RELOADING=1 with MONOTONIC_USEC, then READY=1"
else
	echo "FAIL reload notifications: got:"; cat "$tmp/msgs" "$tmp/err"; fail=1
fi
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
pid=
# the listener ends with STOPPING=1; if that never comes, do not wait for its timeout
for _ in $(seq 50); do kill -0 "$listener" 2>/dev/null || break; sleep 0.1; done
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null
if grep -qx "STOPPING=1" "$tmp/msgs" && [ "$rc" -eq 0 ]; then
	echo "ok   STOPPING=1 after SIGTERM, exit 0"
else
	echo "FAIL STOPPING (exit $rc): got:"; cat "$tmp/msgs" "$tmp/err"; fail=1
fi
exit $fail
