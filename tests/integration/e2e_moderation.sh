#!/usr/bin/env bash
# e2e_moderation.sh: Mailman's moderation rules decided during the SMTP dialogue, through a
# private Postfix with listmilter attached (private network namespace, smtp-sink as the far
# end): non-member reject texts (550 5.7.1), reject_these_nonmembers ^regex, moderated member
# reject with member_moderation_notice, accept_these_nonmembers, implicit destination and
# emergency holds (250, nothing delivered), and the Approved: password (delivered, header gone).
# With the argument "sendmail" the same runs through a private Sendmail 8.17 instead.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/harness.sh"
h_require_archive
h_init "$@"
mta=${1:-postfix}
command -v smtp-sink >/dev/null || h_skip "smtp-sink (postfix) not installed"
command -v swaks >/dev/null || h_skip "swaks not installed"

h_start_sink
if [ "$mta" = sendmail ]; then
	command -v m4 >/dev/null || h_skip "m4 not installed"
	h_sendmail_tree || h_skip "cannot get sendmail 8.17 (apt-get download sendmail-bin failed)"
	h_milter_conf "inet:$H_MILTER_INET_PORT@127.0.0.1"
	h_start_milter
	h_sendmail_start "inet:$H_MILTER_INET_PORT@127.0.0.1"
	P=$H_SENDMAIL_PORT
else
	h_milter_conf "unix:$B/run/listmilter.sock"
	h_start_milter
	h_postfix_start "unix:$B/run/listmilter.sock"
	P=$H_POSTFIX_PORT
fi
L=mod@$H_DOMAIN

h_ctl create "$L" generic_nonmember_action=reject moderator_password=pw1 \
	real_name=Mod >/dev/null || h_die "listctl create failed"
h_ctl member add mod ann@a.test mo@m.test >/dev/null || h_die "listctl member add failed"
h_ctl member set mod mo@m.test moderate=yes || h_die "listctl member set failed"
h_ctl set mod member_moderation_action=1 "member_moderation_notice=Moderated here, sorry." ||
	h_die "listctl set failed"

# post FROM TAG [TO [EXTRA-HEADER]]: one post; the transcript is in $B/swaks.out
post() {
	local from=$1 tag=$2 to=${3:-$L} extra=${4:-}
	{
		printf 'From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@e2e.test>\r\n' \
			"$from" "$to" "$tag" "$tag"
		[ -n "$extra" ] && printf '%s\r\n' "$extra"
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n'
		printf 'body of %s\r\n' "$tag"
	} >"$B/$tag.eml"
	h_swaks "$P" --from "$from" --to "$L" --data @"$B/$tag.eml"
}
got_250() { grep -qE "<- *250 .*(queued|accepted)" "$B/swaks.out"; }
got() { grep -qE -- "<\*\* *$1" "$B/swaks.out"; }
delivered() { h_sink_wait_grep "body of $1" 1 "${2:-20}"; }
absent() { ! h_sink_grep "body of $1" >/dev/null; }

post stranger@x.test nonmember
h_expect "non-member: 550 5.7.1 with Mailman's text" \
	got "550[ -]5\.7\.1 Your message has been rejected, probably because you are not subscribed"

h_ctl set mod generic_nonmember_action=hold "reject_these_nonmembers=^spam[0-9]*@" ||
	h_die "listctl set failed"
post spam7@x.test regexreject
h_expect "reject_these_nonmembers ^regex: 550 5.7.1" got "550[ -]5\.7\.1 "
post stranger@x.test nonmemberhold
h_expect "non-member held: 250" got_250

post mo@m.test moderated
h_expect "moderated member: 550 5.7.1 member_moderation_notice" \
	got "550[ -]5\.7\.1 Moderated here, sorry\."

h_ctl set mod "accept_these_nonmembers=^friend@" || h_die "listctl set failed"
post friend@f.test friend
h_expect "accept_these_nonmembers: 250" got_250
h_expect "accept_these_nonmembers: delivered" delivered friend

post ann@a.test implicit other@elsewhere.test
h_expect "implicit destination held: 250" got_250

post stranger@x.test approved "$L" "Approved: pw1"
h_expect "Approved: password: 250" got_250
h_expect "Approved: password: delivered" delivered approved
f=$(h_sink_grep "body of approved" | head -1)
h_expect "the Approved: header is removed" bash -c "! grep -qi '^Approved:' '$f'"

h_ctl set mod emergency=yes || h_die "listctl set failed"
post ann@a.test emergency
h_expect "emergency hold: 250" got_250
post stranger@x.test emergencyapproved "$L" "Approved: pw1"
h_expect "emergency: an approved post still goes out" delivered emergencyapproved

h_ctl set mod emergency=no || h_die "listctl set failed"
post ann@a.test marker0 "$L"
h_expect "a member's post is delivered" delivered marker0
sleep 1
# a tag ends at a non-letter or the line's end, which tells "emergency" from
# "emergencyapproved"; the first check shows the pattern does find delivered posts
h_expect "(the check below finds delivered posts)" bash -c \
	"grep -lE 'body of (friend|approved)([^a-z]|$)' $B/sink/dump/* | grep -q ."
h_expect "held and refused posts reached nobody" bash -c \
	"! grep -lE 'body of (nonmember|regexreject|nonmemberhold|moderated|implicit|emergency)([^a-z]|$)' \
	$B/sink/dump/* 2>/dev/null | grep -q ."
exit $H_FAILED
