#!/usr/bin/env bash
# postfix_chroot.sh: INSTALL's Postfix recipe, for real: smtpd and cleanup chrooted as on
# Debian, the socket in a set-group-id postfix directory below the queue directory, the daemon
# running as a user outside group postfix with UMask 002, Postfix naming the socket
# unix:/listmilter/listmilter.sock in smtpd_milters and non_smtpd_milters, list addresses made
# valid by sink aliases (a real list post still reaches only its member), and
# milter_default_action = tempfail answering 451 when the daemon is
# down. With strace, every system call the daemon makes must pass the unit's SystemCallFilter.
# Runs in its own network namespace (loopback only); needs root and Postfix.
set -u
if [ -z "${LM_IN_NETNS:-}" ]; then
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
	for c in postfix postalias swaks unshare setpriv; do
		command -v $c >/dev/null || { echo "SKIP: $c is not installed"; exit 77; }
	done
	LM_IN_NETNS=1 exec unshare --net --mount --uts bash "$0" "$@"
fi
ip link set lo up
hostname lists.test
bin=$LM_BUILD_DIR/milter/listmilter
B=$(mktemp -d /tmp/lm-postfix.XXXXXX)
chmod 755 "$B"
mpid='' tpid=''
cleanup() {
	postfix -c "$B/pfx/etc" stop >/dev/null 2>&1
	[ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$tpid" 2>/dev/null
	rm -rf "$B"
}
trap cleanup EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

mkdir -p "$B/pfx/etc" "$B/pfx/queue" "$B/pfx/data" "$B/pfx/log" "$B/data"
chown postfix:postfix "$B/pfx/data"
# This instance is the default one inside the namespace (sendmail(1) run by an unprivileged
# user reads /etc/postfix): a private copy of /etc/postfix, bind-mounted over it.
cp -a /etc/postfix/. "$B/pfx/etc/"
rm -f "$B/pfx/etc/main.cf"
mount --bind "$B/pfx/etc" /etc/postfix
chown nobody:nogroup "$B/data"
cat >"$B/pfx/etc/main.cf" <<CF
compatibility_level = 3.6
config_directory = $B/pfx/etc
queue_directory = $B/pfx/queue
data_directory = $B/pfx/data
mail_owner = postfix
setgid_group = postdrop
myhostname = lists.test
mydomain = lists.test
myorigin = \$myhostname
mydestination = lists.test
alias_maps = hash:$B/pfx/etc/aliases
alias_database = hash:$B/pfx/etc/aliases
local_recipient_maps = \$alias_maps
recipient_delimiter = +
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
biff = no
maillog_file = $B/pfx/log/maillog
maillog_file_prefixes = $B/pfx/log
smtpd_milters = unix:/listmilter/listmilter.sock
non_smtpd_milters = unix:/listmilter/listmilter.sock
milter_default_action = tempfail
milter_protocol = 6
CF
# Debian's chroot column: smtpd and cleanup run in the queue directory
cat >"$B/pfx/etc/master.cf" <<'CF'
127.0.0.1:2525 inet n   -       y       -       -       smtpd
pickup    unix  n       -       y       60      1       pickup
cleanup   unix  n       -       y       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
cat >"$B/pfx/etc/aliases" <<'AL'
listmilter-sink: /dev/null
demo: listmilter-sink
demo-bounces: listmilter-sink
demo-owner: listmilter-sink
team: listmilter-sink
team-bounces: listmilter-sink
m1: listmilter-sink
AL
postalias -c "$B/pfx/etc" "$B/pfx/etc/aliases" || exit 1
postfix -c "$B/pfx/etc" check >/dev/null 2>&1

# The socket directory of listmilter-postfix.tmpfiles: listmilter:postfix 2750. The daemon's
# user (nobody here) is not in group postfix: the directory's group carries over.
sockdir=$B/pfx/queue/listmilter
install -d -o nobody -g postfix -m 2750 "$sockdir"
id -nG nobody | grep -qw postfix && { echo "SKIP: nobody is in group postfix"; exit 77; }
cat >"$B/listmilter.conf" <<CONF
DataDir $B/data
Socket local:$sockdir/listmilter.sock
UMask 002
Syslog no
CONF
# a real list: the post to team@ must reach its member m1 (itself a sink alias here) and
# never the list address, although team@ is an alias too (INSTALL 4.4)
ctl() { setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$LM_BUILD_DIR/listctl/listctl" -c "$B/listmilter.conf" "$@" >>"$B/ctl.log" 2>&1; }
ctl create team@lists.test && ctl member add team alice@example.net m1@lists.test &&
	ctl member set team alice@example.net nomail=yes || { bad "listctl:"; cat "$B/ctl.log"; }
# With strace and systemd-analyze at hand the daemon runs traced, and every system call it
# makes must pass listmilter.service's SystemCallFilter (see check_syscalls below).
trace=()
command -v strace >/dev/null && command -v systemd-analyze >/dev/null &&
	trace=(strace -f -qq -o "$B/strace.out")
start_milter() {
	ASAN_OPTIONS=detect_leaks=0 "${trace[@]}" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups "$bin" -f -c "$B/listmilter.conf" >>"$B/milter.log" 2>&1 &
	tpid=$! mpid=$!
	if [ ${#trace[@]} -gt 0 ]; then # the daemon is strace's child
		mpid=
		for _ in $(seq 50); do mpid=$(pgrep -P "$tpid" | head -1); [ -n "$mpid" ] && break; sleep 0.1; done
	fi
	for _ in $(seq 50); do [ -S "$sockdir/listmilter.sock" ] && return 0; sleep 0.1; done
	bad "listmilter did not create its socket:"; cat "$B/milter.log"; return 1
}
start_milter || exit 1
mode=$(stat -c '%A %U %G' "$sockdir/listmilter.sock")
[ "$mode" = "srwxrwxr-x nobody postfix" ] && ok "socket is $mode" || bad "socket is $mode"

postfix -c "$B/pfx/etc" start >/dev/null 2>&1 || { bad "postfix start:"; cat "$B/pfx/log/maillog"; exit 1; }
for _ in $(seq 50); do swaks --server 127.0.0.1 --port 2525 --quit-after CONNECT >/dev/null 2>&1 && break; sleep 0.2; done

send() { # send RCPT: the SMTP dialogue in $B/swaks.out
	swaks --server 127.0.0.1 --port 2525 --helo client.test --from alice@example.net \
		--to "$1" --header "Subject: test" --body "hello" >"$B/swaks.out" 2>&1
}
send demo@lists.test && grep -q '^<- *250 .*queued as' "$B/swaks.out" &&
	ok "post to the list address accepted through the milter" ||
	{ bad "post to demo@lists.test:"; cat "$B/swaks.out"; }
send demo-bounces+x=y@lists.test && ok "demo-bounces+cookie is a valid recipient" ||
	{ bad "post to demo-bounces+cookie:"; tail -5 "$B/swaks.out"; }
send nosuch@lists.test
grep -q '^<\*\* *550 .*User unknown' "$B/swaks.out" && ok "unknown address refused at RCPT" ||
	{ bad "unknown address:"; tail -5 "$B/swaks.out"; }
# non_smtpd_milters: a local submission goes through cleanup's (chrooted) milter connection
printf 'Subject: local\n\nhello\n' | sendmail -C "$B/pfx/etc" -f alice@lists.test demo@lists.test
for _ in $(seq 50); do
	[ "$(grep -c 'orig_to=<demo@lists.test>.*status=sent' "$B/pfx/log/maillog")" -ge 2 ] && break
	sleep 0.2
done
n=$(grep -c 'orig_to=<demo@lists.test>.*status=sent' "$B/pfx/log/maillog")
[ "$n" -ge 2 ] && ok "SMTP and local posts delivered ($n)" || bad "only $n deliveries to demo"
if grep -qiE 'milter.*(warning|error)|warning:.*milter|Permission denied|No such file' \
	"$B/pfx/log/maillog"; then
	bad "milter warnings in the Postfix log:"; grep -iE 'milter|denied|No such' "$B/pfx/log/maillog"
else
	ok "no milter warnings in the Postfix log"
fi

send team@lists.test
for _ in $(seq 50); do
	grep -q 'orig_to=<m1@lists.test>.*status=sent' "$B/pfx/log/maillog" && break
	sleep 0.2
done
if grep -q 'orig_to=<m1@lists.test>.*status=sent' "$B/pfx/log/maillog" &&
	! grep -q 'orig_to=<team@lists.test>' "$B/pfx/log/maillog"; then
	ok "list post fanned out to the member, not to the list's sink alias"
else
	bad "list post:"; grep -E 'team|m1' "$B/pfx/log/maillog"; cat "$B/swaks.out"
fi

# Notices: the daemon runs sendmail(1) under NoNewPrivileges, so postdrop's set-group-id bit
# is ignored; systemd/postfix.conf gives the service group postdrop instead. Both halves:
notice() { # notice EXTRA-SETPRIV-ARGS...: submit as nobody with no_new_privs
	# postdrop retries a maildrop it cannot write for ever: give up after 10 seconds
	printf 'Subject: notice\n\nheld\n' | timeout 10 setpriv --no-new-privs --reuid=nobody \
		--regid=nogroup "$@" sendmail -f demo-bounces@lists.test demo-owner@lists.test \
		>"$B/notice.out" 2>&1
}
if notice --clear-groups; then
	bad "sendmail(1) worked without group postdrop: the drop-in would not be needed"
elif grep -q 'maildrop.*Permission denied' "$B/notice.out"; then
	ok "without group postdrop sendmail(1) fails under NoNewPrivileges (maildrop)"
else
	bad "sendmail(1) without group postdrop failed for another reason:"; cat "$B/notice.out"
fi
if notice --groups="$(getent group postdrop | cut -d: -f3)"; then
	for _ in $(seq 50); do
		grep -q 'orig_to=<demo-owner@lists.test>.*status=sent' "$B/pfx/log/maillog" && break
		sleep 0.2
	done
	grep -q 'orig_to=<demo-owner@lists.test>.*status=sent' "$B/pfx/log/maillog" &&
		ok "with SupplementaryGroups=postdrop sendmail(1) works under NoNewPrivileges" ||
		bad "the notice submitted with group postdrop was not delivered"
else
	bad "sendmail(1) with group postdrop:"; cat "$B/notice.out"
fi

# the daemon down: Postfix must defer, not deliver around the milter
kill -TERM "$mpid"; wait "$tpid" 2>/dev/null; mpid='' tpid=''
send demo@lists.test
grep -q '^<\*\* *451 4.7.1' "$B/swaks.out" && ok "daemon down: 451 4.7.1 (tempfail)" ||
	{ bad "daemon down:"; tail -5 "$B/swaks.out"; }
# The unit allows @system-service minus @privileged and @resources: expand the groups with
# systemd-analyze and compare with what the daemon called (after its execve).
expand() { # expand @GROUP...: the system calls, one per line
	local g
	for g in "$@"; do
		# the first line names the group itself
		systemd-analyze syscall-filter "$g" | sed '1d; s/^ *//; /^#/d; /^$/d' | while read -r c; do
			case $c in @*) expand "$c" ;; *) echo "$c" ;; esac
		done
	done
}
if [ ${#trace[@]} -gt 0 ]; then
	expand @system-service | sort -u >"$B/allowed"
	expand @privileged @resources | sort -u >"$B/denied"
	awk '/execve\(".*\/listmilter"/ { on = 1 } on && $2 ~ /^[a-z_0-9]+\(/ {
		sub(/\(.*/, "", $2); print $2 }' "$B/strace.out" | sort -u >"$B/called"
	bad_calls=$( (comm -23 "$B/called" "$B/allowed"; comm -12 "$B/called" "$B/denied") | sort -u)
	if [ ! -s "$B/called" ]; then
		bad "no system calls traced"
	elif [ -z "$bad_calls" ]; then
		ok "all $(wc -l <"$B/called") system calls of the daemon pass the unit's SystemCallFilter"
	else
		bad "system calls the unit would refuse: $(echo $bad_calls)"
	fi
fi
[ $fail -eq 0 ] || { echo "--- maillog"; cat "$B/pfx/log/maillog"; echo "--- milter"; cat "$B/milter.log"; }
exit $fail
