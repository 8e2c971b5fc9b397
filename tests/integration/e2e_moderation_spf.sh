#!/usr/bin/env bash
# e2e_moderation_spf.sh: moderation inside the running daemon with SPF, through a private
# Postfix, dnsmasq serving SPF records on 127.0.0.1:53 and smtp-sink, in a private network
# namespace: Received-SPF on top of delivered posts; a non-member held with Mailman's notice
# to the moderator, listctl approve (one delivery, archived once), listctl reject (notice to
# the poster), listctl discard (queue empty); an SPF-failing member held ("SPF fail", no
# notice to the forged sender) or refused 550 5.7.23; max_message_size holds; an email
# approval token works once; log_decision() lines; the "posts" counter.
# The non-member 550 5.7.1 reject texts are e2e_moderation.sh's.
# With the argument "sendmail" the same runs through a private Sendmail 8.17 instead.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/harness.sh"
h_init "$@"
mta=${1:-postfix}
command -v smtp-sink >/dev/null || h_skip "smtp-sink (postfix) not installed"
command -v swaks >/dev/null || h_skip "swaks not installed"
command -v dnsmasq >/dev/null || h_skip "dnsmasq not installed"

# DNS: SPF records on loopback; every other .test name is NXDOMAIN at once.
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$B/etc/resolv.conf"
dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
	--listen-address=127.0.0.1 --port=53 --user=root --pid-file="$B/dnsmasq.pid" \
	--local=/test/ --server=/down.test/127.0.0.9#5399 \
	--txt-record=pass.test,"v=spf1 ip4:127.0.0.1 -all" \
	--txt-record=fail.test,"v=spf1 -all" \
	--log-facility="$B/dnsmasq.log" &
for _ in $(seq 50); do [ -s "$B/dnsmasq.pid" ] && break; sleep 0.1; done
[ -s "$B/dnsmasq.pid" ] || h_die "dnsmasq did not start"

h_start_sink
if [ "$mta" = sendmail ]; then
	command -v m4 >/dev/null || h_skip "m4 not installed"
	h_sendmail_tree || h_skip "cannot get sendmail 8.17 (apt-get download sendmail-bin failed)"
	P=$H_SENDMAIL_PORT
	h_milter_conf "inet:$H_MILTER_INET_PORT@127.0.0.1"
else
	P=$H_POSTFIX_PORT
	h_milter_conf "unix:$B/run/listmilter.sock"
fi
{
	echo "SPFCheckLoopback yes"
	echo "SendmailCommand $here/lib/smtp_inject.sh $P"
} >>"$B/listmilter.conf"
h_start_milter
if [ "$mta" = sendmail ]; then
	h_sendmail_start "inet:$H_MILTER_INET_PORT@127.0.0.1"
else
	h_postfix_start "unix:$B/run/listmilter.sock"
fi
L=spf@$H_DOMAIN

h_ctl create "$L" real_name=Spf moderator=mod@pass.test moderator_password=pw1 \
	generic_nonmember_action=hold >/dev/null || h_die "listctl create failed"
h_ctl member add spf ann@pass.test bob@pass.test eve@fail.test dan@down.test >/dev/null ||
	h_die "listctl member add failed"
mkdir -p "$B/data/archives/spf" && chown nobody:postfix "$B/data/archives/spf"

# mk FROM TAG [BODY-BYTES]: write $B/TAG.eml; post FROM TAG [BODY-BYTES]: and send it to
# the list (the transcript is in $B/swaks.out)
mk() {
	local from=$1 tag=$2 pad=${3:-0}
	{
		printf 'From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s@e2e.test>\r\n' \
			"$from" "$L" "$tag" "$tag"
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n'
		printf 'body of %s\r\n' "$tag"
		# whole CRLF lines (Sendmail refuses a bare CR)
		[ "$pad" -gt 0 ] && { head -c "$pad" /dev/zero | tr '\0' 'x'; echo; } |
			fold -w 70 | sed 's/$/\r/'
	} >"$B/$tag.eml"
}
post() {
	mk "$@"
	h_swaks "$P" --from "$1" --to "$L" --data @"$B/$2.eml"
}
got_250() { grep -qE "<- *250 .*(queued|accepted)" "$B/swaks.out"; }
got() { grep -qE -- "<\*\* *$1" "$B/swaks.out"; }
delivered() { h_sink_wait_grep "body of $1([^a-z]|$)" 1 "${2:-20}"; }
# copies TAG RCPT: how many transactions delivered TAG to RCPT
copies() { grep -lE "body of $1([^a-z]|$)" "$B"/sink/dump/* 2>/dev/null |
	xargs -r grep -l "X-Rcpt-Args: <$2>" | wc -l; }
held_id() { h_ctl held spf | awk -F'\t' -v s="$1" '$3 == s { print $1; exit }'; }
# notice SUBJECT-REGEX RCPT: a sink file with that subject sent to RCPT
notice() { grep -lE "^Subject: $1" "$B"/sink/dump/* 2>/dev/null |
	xargs -r grep -l "X-Rcpt-Args: <$2>" | head -1; }
notice_wait() {
	local i
	for i in $(seq 1 200); do [ -n "$(notice "$1" "$2")" ] && return 0; sleep 0.1; done
	return 1
}
held_has() { h_ctl held spf | grep -qP "$1"; }
stat_of() { h_ctl stats spf | awk -v k="$1" '$1 == k { print $2 }'; }
decision() { grep -qE "list=spf from=<$1> action=$2 reason=\"${3:-}" "$B/milter.log"; }

# --- a member with SPF pass: delivered, Received-SPF is the top header
post ann@pass.test memberpost
h_expect "member (SPF pass): 250" got_250
h_expect "member (SPF pass): delivered" delivered memberpost
f=$(h_sink_grep "body of memberpost" | head -1)
# the first header Postfix delivered: after smtp-sink's X- lines and its own Received
top=$(awk '/^X-(Client|Helo|Mail|Rcpt)-/ { next }
	!sink && /^Received: / { sink = 1; next }
	/^[ \t]/ { next }
	{ print; exit }' "$f")
h_expect "Received-SPF: pass is the top header of the delivered copy" \
	bash -c "[[ '$top' == 'Received-SPF: pass '* ]]"
h_expect "Received-SPF names the client, the sender and the HELO name (xxfi_helo)" \
	grep -qE '^Received-SPF: pass .*client-ip=127\.0\.0\.1;.*envelope-from=<?ann@pass\.test>?;.*helo=client\.test;' "$f"
h_expect "log_decision line for the accepted post" decision ann@pass.test accept
h_expect "posts counter 1 after one accepted post" test "$(stat_of posts)" = 1

# --- DNS down (TempError): never loses mail, the member's post goes out as usual
post dan@down.test dnsdown
h_expect "SPF temperror: 250" got_250
h_expect "SPF temperror: delivered" delivered dnsdown
h_expect "SPF temperror: Received-SPF says temperror" \
	grep -q '^Received-SPF: temperror' "$(h_sink_grep 'body of dnsdown' | head -1)"

# --- ordinary mail (no list address): not SPF-checked, no header added
mk ann@pass.test ordinary
h_swaks "$P" --from ann@pass.test --to someone@else.test --data @"$B/ordinary.eml"
h_expect "ordinary mail: delivered" delivered ordinary
no_spf_header() { # FILE: it exists and has no Received-SPF
	[ -f "$1" ] && ! grep -q '^Received-SPF' "$1"
}
h_expect "ordinary mail: no Received-SPF" \
	no_spf_header "$(h_sink_grep 'body of ordinary' | head -1)"

# --- a non-member: held, the moderator notified with Mailman's subject; listctl approve
post stranger@none.test heldpost
h_expect "non-member: 250" got_250
h_expect "moderator notice: 'Spf post from stranger@none.test requires approval'" \
	notice_wait "Spf post from stranger@none.test requires approval" mod@pass.test
h_expect "log_decision line for the hold" decision stranger@none.test hold "Post by non-member"
id=$(held_id heldpost)
h_expect "listctl held shows the post ($id)" test -n "$id"
a0=$(stat_of articles)
h_expect "listctl approve $id" h_ctl approve spf "$id"
h_expect "approved post delivered" delivered heldpost
sleep 1
h_expect "approved: ann got one copy" test "$(copies heldpost ann@pass.test)" -eq 1
h_expect "approved: bob got one copy" test "$(copies heldpost bob@pass.test)" -eq 1
h_expect "approved: archived once" test "$(stat_of articles)" -eq $((a0 + 1))
h_expect "approved: gone from the queue" test -z "$(held_id heldpost)"

# --- listctl reject: the poster gets Mailman's refusal
post poster@none.test rejectme
id=$(held_id rejectme)
h_expect "second non-member post held ($id)" test -n "$id"
h_expect "listctl reject $id" h_ctl reject spf "$id" "Not on topic"
h_expect "refusal 'Request to mailing list Spf rejected' reaches the poster" \
	notice_wait "Request to mailing list Spf rejected" poster@none.test

# --- a member address failing SPF: not trusted, held as "SPF fail", no notice to the sender
post eve@fail.test forged
h_expect "SPF-failing member: 250 (held)" got_250
h_expect "listctl held shows reason SPF fail" held_has '\tforged\tSPF fail\t'
h_expect "log_decision line: action=hold reason SPF fail" decision eve@fail.test hold "SPF fail"
sleep 1
h_expect "(the poster's notice is Mailman's 'awaits moderator approval')" \
	notice_wait "Your message to Spf awaits moderator approval" poster@none.test
h_expect "no notice to the forged sender (no backscatter)" \
	test -z "$(notice "Your message to Spf awaits" eve@fail.test)"
h_expect "the forged post reached no member" bash -c "! grep -q '^Subject: \[Spf\] forged' $B/sink/dump/*"
h_ctl set spf spf_fail_action=reject || h_die "listctl set failed"
post eve@fail.test forged2
h_expect "spf_fail_action=reject: 550 5.7.23 at SMTP" got "550[ -]5\.7\.23 "
h_expect "log_decision line: action=reject" decision eve@fail.test reject "SPF fail"

# --- max_message_size (KB) holds a member's post
h_ctl set spf max_message_size=1 || h_die "listctl set failed"
post ann@pass.test bigpost 3000
h_expect "max_message_size: 250 (held)" got_250
h_expect "max_message_size: held as too big" held_has '\tbigpost\tMessage body is too big'
h_ctl set spf max_message_size=0 || h_die "listctl set failed"

# --- listctl discard empties the queue
for t in forged bigpost; do
	id=$(held_id $t)
	h_expect "listctl discard $t ($id)" h_ctl discard spf "$id"
done
h_expect "listctl held prints nothing afterwards" test -z "$(h_ctl held spf)"

# --- approval by email: "confirm TOKEN" from the moderator to spf-request, once only
post other@none.test mailapproved
h_expect "third non-member post held" test -n "$(held_id mailapproved)"
h_expect "moderator notice for it" \
	notice_wait "Spf post from other@none.test requires approval" mod@pass.test
n=$(notice "Spf post from other@none.test requires approval" mod@pass.test)
tok=$(grep -oE '^Subject: confirm [0-9a-f]+' "$n" | head -1 | awk '{print $3}')
h_expect "the notice carries a confirm token ($tok)" test -n "$tok"
a0=$(stat_of articles)
reply() {
	printf 'From: mod@pass.test\r\nTo: spf-request@%s\r\nSubject: Re: confirm %s\r\n' \
		"$H_DOMAIN" "$tok" >"$B/reply.eml"
	printf 'Approved: pw1\r\nMessage-ID: <reply%s@pass.test>\r\n\r\nok\r\n' "$1" >>"$B/reply.eml"
	h_swaks "$P" --from mod@pass.test --to "spf-request@$H_DOMAIN" --data @"$B/reply.eml"
}
reply 1
h_expect "confirm reply: 250" got_250
h_expect "email-approved post delivered" delivered mailapproved
reply 2
h_expect "the same confirm again: 250" got_250
sleep 2
h_expect "email approval: ann got exactly one copy" test "$(copies mailapproved ann@pass.test)" -eq 1
h_expect "email approval: archived exactly once" test "$(stat_of articles)" -eq $((a0 + 1))
h_expect "email approval: the queue is empty" test -z "$(h_ctl held spf)"
h_expect "posts counter: two members + two approved = 4" test "$(stat_of posts)" = 4
exit $H_FAILED
