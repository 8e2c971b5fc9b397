# harness.sh: shared pieces of the end-to-end tests: a private network, mount, UTS and PID
# namespace (loopback only), smtp-sink, listmilter as an unprivileged user, a private Postfix
# and a private Sendmail 8.17 unpacked from Debian's packages. Sourced by e2e_*.sh.
#
# Use:  . lib/harness.sh; h_init "$@"   (re-executes the script inside the namespaces)
# Everything runs under $B; all processes die with the namespace's PID 1 at the end.

H_SINK_PORT=2526
H_POSTFIX_PORT=2525
H_SENDMAIL_PORT=2527
H_MILTER_INET_PORT=2530
H_DOMAIN=lists.test
H_HOST=mx.lists.test
H_DEB_CACHE=${LM_DEB_CACHE:-/var/cache/listmilter-test/debs}

h_log() { echo "[$(date +%T)] $*"; }
h_skip() { echo "SKIP: $*"; exit 77; }
h_fail() { echo "FAIL: $*"; H_FAILED=1; }
h_die() { echo "FATAL: $*"; h_dump_logs; exit 1; }

# Run the calling script again inside new namespaces; PID namespace init kills everything left.
h_init() {
	[ "$(id -u)" -eq 0 ] || h_skip "needs root (network namespaces, a private Postfix)"
	: "${LM_BUILD_DIR:?LM_BUILD_DIR not set}" "${LM_SOURCE_DIR:?LM_SOURCE_DIR not set}"
	if [ -z "${LM_IN_NS:-}" ]; then
		command -v unshare >/dev/null || h_skip "unshare not installed"
		LM_IN_NS=1 exec unshare --net --mount --uts --pid --fork --mount-proc \
			bash "$0" "$@"
	fi
	set -u
	H_FAILED=0
	if [ -n "${LM_E2E_DIR:-}" ]; then
		B=$LM_E2E_DIR
		rm -rf "$B" && mkdir -p "$B"
	else
		B=$(mktemp -d /tmp/lm-e2e.XXXXXX)
	fi
	chmod 755 "$B"
	trap h_cleanup EXIT
	ip link set lo up || h_die "cannot bring up loopback"
	h_private_etc
	mkdir -p "$B/run" "$B/data" "$B/sink/dump" "$B/log"
	chown nobody:postfix "$B/run" "$B/data" && chmod 750 "$B/run" "$B/data"
	chown nobody:nogroup "$B/sink/dump"
	H_BIN=$LM_BUILD_DIR/milter/listmilter
	H_CTL=$LM_BUILD_DIR/listctl/listctl
	[ -x "$H_BIN" ] && [ -x "$H_CTL" ] || h_die "build listmilter and listctl first"
}

# Host name and resolver files of our own, so nothing looks anything up off the machine.
h_private_etc() {
	mount --make-rprivate / 2>/dev/null
	mkdir -p "$B/etc"
	printf '127.0.0.1 %s localhost\n::1 localhost\n' "$H_HOST" >"$B/etc/hosts"
	printf 'hosts: files\npasswd: files\ngroup: files\nshadow: files\n' >"$B/etc/nsswitch.conf"
	printf 'nameserver 127.0.0.1\n' >"$B/etc/resolv.conf"
	local f
	for f in hosts nsswitch.conf resolv.conf; do
		mount --bind "$B/etc/$f" "/etc/$f" || h_die "cannot bind-mount /etc/$f"
	done
	hostname "$H_HOST"
}

h_cleanup() {
	local rc=$?
	[ "$H_FAILED" -ne 0 ] && rc=1
	[ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && h_dump_logs
	[ -n "${H_PFX:-}" ] && postfix -c "$H_PFX/etc" stop >/dev/null 2>&1
	[ -f "$B/sendmail.pid" ] && kill "$(head -1 "$B/sendmail.pid")" 2>/dev/null
	h_stop_milter
	[ -f "$B/sink.pid" ] && kill "$(cat "$B/sink.pid")" 2>/dev/null
	if { [ "$rc" -eq 0 ] || [ "$rc" -eq 77 ]; } && [ -z "${LM_KEEP:-}" ]; then
		rm -rf "$B"
	else
		echo "kept $B"
	fi
	exit "$rc"
}

h_dump_logs() {
	local f
	for f in "$B/milter.log" "$B/log/maillog" "$B/sendmail.log"; do
		[ -s "$f" ] && { echo "---- $f (tail)"; tail -40 "$f"; }
	done
}

h_start_sink() {
	setsid smtp-sink -u nobody -c -d "$B/sink/dump/%H%M%S." 127.0.0.1:$H_SINK_PORT 256 \
		>"$B/sink.out" 2>&1 &
	echo $! >"$B/sink.pid"
	h_wait_port $H_SINK_PORT || h_die "smtp-sink did not start"
}

h_wait_port() { # PORT: wait until something listens on 127.0.0.1:PORT
	local i
	for i in $(seq 1 100); do
		(exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# h_milter_conf SOCKETSPEC: the site configuration the tests use.
h_milter_conf() {
	cat >"$B/listmilter.conf" <<EOC
DataDir $B/data
Socket $1
UserID nobody:postfix
UMask 007
PidFile $B/run/listmilter.pid
Syslog no
LogLevel debug
BodyMemoryLimit 16K
MaxHeaderBytes 8K
EOC
}

# listctl as the milter's user, so LMDB files stay theirs.
h_ctl() {
	setpriv --reuid=nobody --regid=postfix --clear-groups "$H_CTL" -c "$B/listmilter.conf" "$@"
}

# Start listmilter as root: it writes its pid file, then drops to nobody:postfix itself.
h_start_milter() {
	setsid "$H_BIN" -f -c "$B/listmilter.conf" >>"$B/milter.log" 2>&1 &
	H_MILTER_PID=$!
	local i
	for i in $(seq 1 100); do
		grep -q "starting on" "$B/milter.log" 2>/dev/null && return 0
		kill -0 "$H_MILTER_PID" 2>/dev/null || h_die "listmilter exited at start"
		sleep 0.1
	done
	h_die "listmilter did not start"
}

h_stop_milter() {
	[ -n "${H_MILTER_PID:-}" ] || return 0
	kill -TERM "$H_MILTER_PID" 2>/dev/null
	local i
	for i in $(seq 1 100); do
		kill -0 "$H_MILTER_PID" 2>/dev/null || { H_MILTER_PID=; return 0; }
		sleep 0.1
	done
	kill -KILL "$H_MILTER_PID" 2>/dev/null
	H_MILTER_PID=
}

# h_postfix_start MILTERSPEC: a private Postfix (notes 2.3), chroot off, smtpd on loopback.
h_postfix_start() {
	H_PFX=$B/pfx
	mkdir -p "$H_PFX/etc" "$H_PFX/queue" "$H_PFX/data"
	chown postfix:postfix "$H_PFX/data" && chmod 700 "$H_PFX/data"
	cat >"$H_PFX/etc/main.cf" <<EOC
compatibility_level = 3.6
config_directory = $H_PFX/etc
queue_directory = $H_PFX/queue
data_directory = $H_PFX/data
mail_owner = postfix
setgid_group = postdrop
myhostname = $H_HOST
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
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:$H_SINK_PORT
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
smtp_host_lookup = native
biff = no
maillog_file = $H_PFX/log/maillog
maillog_file_prefixes = $H_PFX/log
smtpd_milters = $1
milter_default_action = tempfail
milter_protocol = 6
EOC
	mkdir -p "$H_PFX/log"
	ln -sf "$H_PFX/log/maillog" "$B/log/maillog"
	cat >"$H_PFX/etc/master.cf" <<EOC
127.0.0.1:$H_POSTFIX_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOC
	postfix -c "$H_PFX/etc" check >/dev/null 2>&1
	postfix -c "$H_PFX/etc" start >/dev/null 2>&1 || h_die "postfix did not start"
	h_wait_port $H_POSTFIX_PORT || h_die "postfix smtpd not listening"
}

# Sendmail 8.17 from Debian's packages (sendmail-bin conflicts with postfix): unpacked once.
h_sendmail_tree() {
	H_SM_ROOT=$H_DEB_CACHE/root
	[ -x "$H_SM_ROOT/usr/libexec/sendmail/sendmail" ] && return 0
	mkdir -p "$H_DEB_CACHE" && (cd "$H_DEB_CACHE" &&
		{ ls sendmail-bin_*.deb >/dev/null 2>&1 ||
			apt-get download sendmail-bin sendmail-cf sendmail-base >/dev/null 2>&1; } &&
		for d in sendmail-bin_*.deb sendmail-cf_*.deb sendmail-base_*.deb; do
			dpkg-deb -x "$d" root || exit 1
		done) || return 1
	[ -x "$H_SM_ROOT/usr/libexec/sendmail/sendmail" ]
}

# h_sendmail_start MILTERSPEC (S= value, e.g. inet:2530@127.0.0.1)
h_sendmail_start() {
	local sm=$B/sm
	mkdir -p "$sm/mqueue" "$sm/cmqueue"
	chmod 700 "$sm/mqueue"
	printf 'hosts files\naliases files\n' >"$sm/service.switch"
	cat >"$sm/e2e.mc" <<EOC
include(\`$H_SM_ROOT/usr/share/sendmail/cf/m4/cf.m4')
OSTYPE(\`linux')
define(\`confDOMAIN_NAME', \`$H_HOST')
define(\`confSERVICE_SWITCH_FILE', \`$sm/service.switch')
define(\`confHOSTS_FILE', \`/etc/hosts')
define(\`confDONT_PROBE_INTERFACES', \`true')
define(\`confBIND_OPTS', \`-DNSRCH -DEFNAMES')
define(\`confTO_IDENT', \`0')
dnl a busy test machine must not make sendmail refuse or queue (load average is system-wide)
define(\`confREFUSE_LA', \`10000')
define(\`confQUEUE_LA', \`10000')
define(\`confDELAY_LA', \`0')
define(\`QUEUE_DIR', \`$sm/mqueue')
define(\`MSP_QUEUE_DIR', \`$sm/cmqueue')
define(\`confPID_FILE', \`$B/sendmail.pid')
define(\`STATUS_FILE', \`$sm/statistics')
define(\`ALIAS_FILE', \`')
define(\`SMART_HOST', \`relay:[127.0.0.1]')
define(\`RELAY_MAILER_ARGS', \`TCP \$h $H_SINK_PORT')
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $H_SINK_PORT')
define(\`confMILTER_MACROS_EOM', \`i')
FEATURE(\`nocanonify')
FEATURE(\`accept_unresolvable_domains')
FEATURE(\`promiscuous_relay')
FEATURE(\`no_default_msa')
DAEMON_OPTIONS(\`Port=$H_SENDMAIL_PORT, Addr=127.0.0.1, Name=MTA-e2e, Family=inet')
INPUT_MAIL_FILTER(\`listmilter', \`S=$1, F=T, T=C:5s;S:30s;R:30s;E:5m')
MAILER(\`smtp')
EOC
	m4 "$sm/e2e.mc" >"$sm/e2e.cf" 2>"$sm/m4.err" || h_die "m4 failed: $(cat "$sm/m4.err")"
	touch "$sm/statistics"
	"$H_SM_ROOT/usr/libexec/sendmail/sendmail" -C "$sm/e2e.cf" -bd -q10s -L sm-e2e \
		-O LogLevel=14 >"$B/sendmail.log" 2>&1 || h_die "sendmail did not start"
	h_wait_port $H_SENDMAIL_PORT || h_die "sendmail not listening"
}

# h_swaks PORT ARGS...: one SMTP transaction; the transcript is in $B/swaks.out.
h_swaks() {
	local port=$1
	shift
	swaks --server 127.0.0.1 --port "$port" --helo client.test --timeout 60 "$@" \
		>"$B/swaks.out" 2>&1
}

# Sink transactions: one file each. h_sink_wait N [SECONDS]: wait for at least N files.
h_sink_count() { find "$B/sink/dump" -type f | wc -l; }
h_sink_wait() {
	local i n=$1 t=${2:-30}
	for i in $(seq 1 $((t * 10))); do
		[ "$(h_sink_count)" -ge "$n" ] && return 0
		sleep 0.1
	done
	return 1
}
# h_sink_wait_grep PATTERN [N [SECONDS]]: wait until N sink files hold PATTERN.
h_sink_wait_grep() {
	local i n=${2:-1} t=${3:-30}
	for i in $(seq 1 $((t * 10))); do
		[ "$(h_sink_grep "$1" | wc -l)" -ge "$n" ] && return 0
		sleep 0.1
	done
	return 1
}
# h_sink_grep PATTERN: the sink files holding PATTERN (extended regex).
h_sink_grep() { grep -lE -- "$1" "$B"/sink/dump/* 2>/dev/null; }
h_sink_clear() { find "$B/sink/dump" -type f -delete; }

h_expect() { # h_expect DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok   $what"; else h_fail "$what"; fi
}

# Kept for the scripts that call it: the archive side is always built in now.
h_require_archive() { :; }
