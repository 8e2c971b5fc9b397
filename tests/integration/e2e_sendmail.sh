#!/usr/bin/env bash
# e2e_sendmail.sh: listmilter attached to a private Sendmail 8.17 (INPUT_MAIL_FILTER with
# F=T, unpacked from Debian's packages because sendmail-bin conflicts with postfix) and
# smtp-sink as the far end, inside a private network namespace: the same checks as Postfix.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/harness.sh"
. "$here/lib/scenario.sh"
# the download (apt-get, once, cached) has to happen before the namespace cuts the network
if [ -z "${LM_IN_NS:-}" ] && [ "$(id -u)" -eq 0 ]; then
	h_sendmail_tree || h_skip "cannot get sendmail 8.17 (apt-get download sendmail-bin failed)"
fi
h_init "$@"
command -v smtp-sink >/dev/null || h_skip "smtp-sink (postfix) not installed"
command -v swaks >/dev/null && command -v m4 >/dev/null || h_skip "swaks or m4 not installed"
h_sendmail_tree || h_skip "cannot get sendmail 8.17 (apt-get download sendmail-bin failed)"

h_start_sink
# sendmail refuses unix sockets below world-writable directories such as /tmp: use TCP
h_milter_conf "inet:$H_MILTER_INET_PORT@127.0.0.1"
echo "SendmailCommand $here/lib/smtp_inject.sh $H_SENDMAIL_PORT" >>"$B/listmilter.conf"
h_start_milter
h_sendmail_start "inet:$H_MILTER_INET_PORT@127.0.0.1"
s_all $H_SENDMAIL_PORT
s_hold_approve $H_SENDMAIL_PORT
h_expect "queue ids are sendmail's in the milter log" grep -qE "^listmilter: [0-9A-Za-z]{14}: list=[a-z]+ from=<[^>]*> action=accept " "$B/milter.log"
exit $H_FAILED
