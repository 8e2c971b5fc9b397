#!/usr/bin/env bash
# postfix_throughput.sh: Postfix's throughput with listmilter attached against the same
# private Postfix without it, in one run, inside a private network namespace (loopback only).
# smtp-source drives 10 sessions of 5 KB posts to a list of 50 members; the ratio of the
# message rates is printed against two baselines measured in the same run: Postfix relaying
# the post to the bare list address (1 recipient), and Postfix expanding the list itself
# through a virtual alias to the same 50 members (the same delivery work without a milter). Durable archiving is on (every post is appended with an fsync'd
# LMDB commit; concurrent connections share commits through dbenv_write's group commit).
#
#   bench/postfix_throughput.sh [BUILD_DIR [MESSAGES]]     (as root; default build-rel, 1000)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
export LM_BUILD_DIR=${1:-${LM_BUILD_DIR:-$top/build-rel}} LM_SOURCE_DIR=$top
N=${2:-${LM_BENCH_MESSAGES:-1000}}
. "$top/tests/integration/lib/harness.sh"
h_init "$@"
command -v smtp-source >/dev/null || h_skip "smtp-source (postfix) not installed"

h_start_sink
h_milter_conf "unix:$B/run/listmilter.sock"
sed -i 's/^LogLevel debug/LogLevel info/' "$B/listmilter.conf"
h_start_milter
h_postfix_start "unix:$B/run/listmilter.sock"
postconf -c "$H_PFX/etc" -e "maillog_file = /dev/null" "maillog_file_prefixes = /dev" \
	"default_process_limit = 100" >/dev/null
h_ctl create bench@$H_DOMAIN archive=${LM_BENCH_ARCHIVE:-yes} >/dev/null || h_die "cannot create the list"
members=()
for i in $(seq -w 1 50); do members+=("member$i@sink$((10#$i % 5)).test"); done
h_ctl member add bench "${members[@]}" >/dev/null || h_die "cannot add members"

# run LABEL: N posts from member01 in 10 sessions; sets SMTP_S and E2E_S (seconds)
run() {
	local t0 t1 t2
	h_sink_clear
	t0=$(date +%s.%N)
	smtp-source -d -s 10 -m "$N" -l 5120 -M client.test -f member01@sink1.test \
		-t bench@$H_DOMAIN 127.0.0.1:$H_POSTFIX_PORT >"$B/source-$1.out" 2>&1 ||
		h_die "smtp-source failed: $(tail -3 "$B/source-$1.out")"
	t1=$(date +%s.%N)
	h_sink_wait "$N" 600 || h_die "$1: only $(h_sink_count) of $N messages reached the sink"
	t2=$(date +%s.%N)
	SMTP_S=$(echo "$t1 - $t0" | bc -l)
	E2E_S=$(echo "$t2 - $t0" | bc -l)
	printf '%-12s %6d posts  SMTP %7.1f msg/s  end-to-end %7.1f msg/s\n' "$1" "$N" \
		"$(echo "$N / $SMTP_S" | bc -l)" "$(echo "$N / $E2E_S" | bc -l)"
}

# The same fan-out done by Postfix itself: a virtual alias from the list to its 50 members.
printf 'bench@%s %s\n' "$H_DOMAIN" "$(IFS=,; echo "${members[*]}")" >"$B/valias"

switch_milter() { # on|off|alias
	local v="" a=""
	[ "$1" = on ] && v="unix:$B/run/listmilter.sock"
	[ "$1" = alias ] && a="texthash:$B/valias"
	postconf -c "$H_PFX/etc" -e "smtpd_milters = $v" "virtual_alias_maps = $a" >/dev/null
	postfix -c "$H_PFX/etc" reload >/dev/null 2>&1
	sleep 2
}

switch_milter off
run no-milter
base_smtp=$SMTP_S base_e2e=$E2E_S
switch_milter alias
run alias-50
alias_smtp=$SMTP_S alias_e2e=$E2E_S
switch_milter on
if [ -n "${LM_BENCH_PERF:-}" ]; then # where the milter's time goes (perf report below)
	perf record -F 999 -g -p "$H_MILTER_PID" -o "$B/perf.data" >/dev/null 2>&1 &
	perf_pid=$!
fi
run listmilter
if [ -n "${LM_BENCH_PERF:-}" ]; then
	kill -INT "$perf_pid"; wait "$perf_pid"
	perf report -i "$B/perf.data" --stdio --no-children --sort symbol 2>/dev/null | grep -v '^$' | grep '%' | head -25
	ps -o pid,time,nlwp,cmd -p "$H_MILTER_PID"
fi
fanout=$(grep -h "^X-Rcpt-Args" "$B"/sink/dump/* | wc -l)
printf 'ratio listmilter / no milter (1 recipient):        SMTP %.2f, end-to-end %.2f\n' \
	"$(echo "$base_smtp / $SMTP_S" | bc -l)" "$(echo "$base_e2e / $E2E_S" | bc -l)"
printf 'ratio listmilter / Postfix alias to the 50 members: SMTP %.2f, end-to-end %.2f  (target >= 0.75)\n' \
	"$(echo "$alias_smtp / $SMTP_S" | bc -l)" "$(echo "$alias_e2e / $E2E_S" | bc -l)"
echo "listmilter delivered $fanout member copies for $N posts," \
	"archived $(grep -c 'list=bench .*action=accept reason=".*archived"$' "$B/milter.log") of them"
exit 0
