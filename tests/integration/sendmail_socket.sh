#!/usr/bin/env bash
# sendmail_socket.sh: INSTALL's Sendmail recipe, for real: the INPUT_MAIL_FILTER line exactly as
# INSTALL gives it (S=local:/run/listmilter/listmilter.sock, F=T, T=S:4m;R:4m;E:10m), the
# daemon as an unprivileged user in a 0750 /run/listmilter (Sendmail's safe-path check passes),
# list addresses made valid by sink aliases, and F=T answering 4xx while the daemon is down.
# Runs in its own network, mount and UTS namespace (loopback only, a private /run and
# /etc/hosts); Sendmail comes from the .debs in /var/cache/listmilter-test/debs, unpacked here.
set -u
debs=${LM_SENDMAIL_DEBS:-/var/cache/listmilter-test/debs}
if [ -z "${LM_IN_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
	for c in m4 swaks unshare setpriv dpkg-deb; do
		command -v $c >/dev/null || { echo "SKIP: $c is not installed"; exit 77; }
	done
	ls "$debs"/sendmail-bin_*.deb "$debs"/sendmail-cf_*.deb >/dev/null 2>&1 ||
		{ echo "SKIP: no sendmail-bin/sendmail-cf .debs in $debs"; exit 77; }
	LM_IN_NETNS=1 exec unshare --net --mount --uts bash "$0" "$@"
fi
ip link set lo up
hostname lists.test
bin=$LM_BUILD_DIR/milter/listmilter
# Sendmail refuses files below a world-writable directory such as /tmp: work in a private /run
mount -t tmpfs -o mode=755 tmpfs /run
B=/run/lm-sendmail
mkdir -m 755 "$B"
mpid='' spid=''
cleanup() {
	[ -n "$spid" ] && kill "$spid" 2>/dev/null
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
	rm -rf "$B"
}
trap cleanup EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

# private hosts and resolver: nothing is looked up outside the namespace
printf '127.0.0.1 lists.test localhost\n::1 lists.test localhost\n' >"$B/hosts"
printf 'hosts: files\npasswd: files\ngroup: files\n' >"$B/nsswitch.conf"
printf 'nameserver 127.0.0.1\n' >"$B/resolv.conf"
for f in hosts nsswitch.conf resolv.conf; do mount --bind "$B/$f" "/etc/$f"; done

mkdir -p "$B/sm/root" "$B/sm/mqueue" "$B/sm/cmqueue" "$B/data"
chmod 700 "$B/sm/mqueue"
for d in "$debs"/sendmail-bin_*.deb "$debs"/sendmail-cf_*.deb; do dpkg-deb -x "$d" "$B/sm/root"; done
sm=$B/sm/root/usr/libexec/sendmail/sendmail
[ -x "$sm" ] || sm=$(find "$B/sm/root" -type f -name sendmail -perm -u+x | head -1)
cf=$B/sm/root/usr/share/sendmail/cf
printf 'listmilter-sink: /dev/null\ndemo: listmilter-sink\ndemo-bounces: listmilter-sink\n' >"$B/sm/aliases"
cat >"$B/sm/lists.mc" <<MC
include(\`$cf/m4/cf.m4')
OSTYPE(\`linux')
define(\`confDOMAIN_NAME', \`lists.test')
define(\`confDONT_PROBE_INTERFACES', \`true')
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')
define(\`confTO_IDENT', \`0')
define(\`QUEUE_DIR', \`$B/sm/mqueue')
define(\`MSP_QUEUE_DIR', \`$B/sm/cmqueue')
define(\`confPID_FILE', \`$B/sm/sendmail.pid')
define(\`STATUS_FILE', \`$B/sm/statistics')
define(\`ALIAS_FILE', \`$B/sm/aliases')
define(\`confSERVICE_SWITCH_FILE', \`$B/sm/service.switch')
FEATURE(\`nocanonify')
FEATURE(\`accept_unresolvable_domains')
FEATURE(\`no_default_msa')
DAEMON_OPTIONS(\`Port=2527, Addr=127.0.0.1, Name=MTA, Family=inet')
INPUT_MAIL_FILTER(\`listmilter', \`S=local:/run/listmilter/listmilter.sock, F=T, T=S:4m;R:4m;E:10m')dnl
MAILER(\`local')
MAILER(\`smtp')
MC
printf 'hosts files\naliases files\n' >"$B/sm/service.switch"
m4 "$B/sm/lists.mc" >"$B/sm/lists.cf" 2>"$B/sm/m4.err" || { bad "m4:"; cat "$B/sm/m4.err"; exit 1; }
printf 'Cwlists.test\n' >>"$B/sm/lists.cf"
"$sm" -C "$B/sm/lists.cf" -bi >"$B/sm/newaliases.out" 2>&1 ||
	{ bad "newaliases:"; cat "$B/sm/newaliases.out"; exit 1; }

# /run/listmilter as systemd's RuntimeDirectory makes it: 0750, owned by the daemon's user
install -d -o nobody -g nogroup -m 0750 /run/listmilter
chown nobody:nogroup "$B/data"
cat >"$B/listmilter.conf" <<CONF
DataDir $B/data
Socket local:/run/listmilter/listmilter.sock
UMask 002
Syslog no
CONF
ASAN_OPTIONS=detect_leaks=0 setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$bin" -f -c "$B/listmilter.conf" >"$B/milter.log" 2>&1 &
mpid=$!
for _ in $(seq 50); do [ -S /run/listmilter/listmilter.sock ] && break; sleep 0.1; done
[ -S /run/listmilter/listmilter.sock ] || { bad "no socket:"; cat "$B/milter.log"; exit 1; }

"$sm" -C "$B/sm/lists.cf" -bD -q1m -L sm-lists >"$B/sm/sendmail.out" 2>&1 &
spid=$!
for _ in $(seq 100); do swaks --server 127.0.0.1 --port 2527 --quit-after CONNECT >/dev/null 2>&1 && break; sleep 0.2; done
grep -q 'unsafe' "$B/sm/sendmail.out" && bad "Sendmail calls the socket unsafe:" && cat "$B/sm/sendmail.out"

send() {
	swaks --server 127.0.0.1 --port 2527 --helo client.test --from alice@example.net \
		--to "$1" --header "Subject: test" --body "hello" >"$B/swaks.out" 2>&1
}
send demo@lists.test && grep -q '^<- *250 .*accepted' "$B/swaks.out" &&
	ok "post to the list address accepted through the milter" ||
	{ bad "post to demo@lists.test:"; cat "$B/swaks.out" "$B/sm/sendmail.out"; }
send nosuch@lists.test
grep -q '^<\*\* *550 .*User unknown' "$B/swaks.out" && ok "unknown address refused at RCPT" ||
	{ bad "unknown address:"; tail -5 "$B/swaks.out"; }

kill -TERM "$mpid"; wait "$mpid" 2>/dev/null; mpid=
send demo@lists.test
grep -qE '^<\*\* *4[0-9][0-9] ' "$B/swaks.out" && ok "daemon down, F=T: $(grep -E '^<\*\* *4' "$B/swaks.out" | head -1 | sed 's/^<\*\* *//')" ||
	{ bad "daemon down:"; tail -5 "$B/swaks.out"; }
exit $fail
