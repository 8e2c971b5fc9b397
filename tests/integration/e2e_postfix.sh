#!/usr/bin/env bash
# e2e_postfix.sh: listmilter attached to a private Postfix (smtpd_milters, unix socket owned by
# nobody:postfix with UMask 007) and smtp-sink as the far end, all inside a private network
# namespace: member posts fan out, lists and other recipients are kept apart, non-members are
# rejected, loops dropped, and an unwritable archive gives 451 until the fault is gone.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/harness.sh"
. "$here/lib/scenario.sh"
h_init "$@"
command -v postfix >/dev/null && command -v smtp-sink >/dev/null || h_skip "postfix not installed"
command -v swaks >/dev/null || h_skip "swaks not installed"

h_start_sink
h_milter_conf "unix:$B/run/listmilter.sock"
echo "SendmailCommand $here/lib/smtp_inject.sh $H_POSTFIX_PORT" >>"$B/listmilter.conf"
h_start_milter
h_expect "socket made by the milter user with UMask 007" bash -c \
	"stat -c '%U:%G %A' $B/run/listmilter.sock | grep -qx 'nobody:postfix srwxrwx---'"
h_expect "milter runs as nobody" bash -c "ps -o user= -p $H_MILTER_PID | grep -qx nobody"
h_postfix_start "unix:$B/run/listmilter.sock"
s_all $H_POSTFIX_PORT
s_hold_approve $H_POSTFIX_PORT

# SIGUSR1 reloads without dropping the socket; SIGTERM drains and exits.
kill -USR1 "$H_MILTER_PID"
sleep 0.5
h_expect "SIGUSR1 reload logged" grep -q "configuration reloaded" "$B/milter.log"
s_msg "$B/m9.eml" "after-reload@a.test" "after reload" "after reload body"
h_sink_clear
h_swaks $H_POSTFIX_PORT --from ann@a.test --to team@$H_DOMAIN --data @"$B/m9.eml"
h_expect "post after reload accepted" s_swaks_ok
h_expect "post after reload delivered" h_sink_wait_grep "after reload body"
h_stop_milter
h_expect "SIGTERM: stopped cleanly" grep -q "stopped" "$B/milter.log"
exit $H_FAILED
