# scenario.sh: the end-to-end checks both MTAs must pass, given an MTA listening on $1 with
# listmilter attached. Sourced after harness.sh; uses h_* helpers. Sets H_FAILED on failure.

# The lists: team (archived; carl gets no mail) and other.
s_lists() {
	h_ctl create team@$H_DOMAIN archive=yes max_message_size=0 >/dev/null || h_die "listctl create team failed"
	h_ctl create other@$H_DOMAIN >/dev/null || h_die "listctl create other failed"
	h_ctl member add team "Ann Poster <ann@a.test>" bob@b.test carl@c.test >/dev/null ||
		h_die "listctl add failed"
	h_ctl member set team carl@c.test nomail=yes || h_die "listctl member failed"
	h_ctl member add other dave@d.test ann@a.test >/dev/null || h_die "listctl add failed"
	mkdir -p "$B/data/archives/team" && chown nobody:postfix "$B/data/archives/team"
}

# s_msg FILE MSGID SUBJECT BODY [EXTRA-HEADER]: a plain text post from Ann.
s_msg() {
	{
		printf 'From: Ann Poster <ann@a.test>\r\nTo: team@%s\r\n' "$H_DOMAIN"
		printf 'Subject: %s\r\nMessage-ID: <%s>\r\n' "$3" "$2"
		printf 'Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n'
		[ -n "${5:-}" ] && printf '%s\r\n' "$5"
		printf 'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n'
		printf '%s\r\n' "$4"
	} >"$1"
}

# s_msg_attach FILE MSGID: a post with a small binary attachment.
s_msg_attach() {
	{
		printf 'From: Ann Poster <ann@a.test>\r\nTo: team@%s\r\n' "$H_DOMAIN"
		printf 'Subject: with attachment\r\nMessage-ID: <%s>\r\n' "$2"
		printf 'Date: Wed, 25 Nov 2026 11:00:00 +0000\r\nMIME-Version: 1.0\r\n'
		printf 'Content-Type: multipart/mixed; boundary="BOUNDARY42"\r\n\r\n'
		printf -- '--BOUNDARY42\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n'
		printf 'See the attached file.\r\n\r\n'
		printf -- '--BOUNDARY42\r\nContent-Type: application/octet-stream; name="data.bin"\r\n'
		printf 'Content-Transfer-Encoding: base64\r\n'
		printf 'Content-Disposition: attachment; filename="data.bin"\r\n\r\n'
		head -c 3000 /dev/urandom | base64
		printf -- '\r\n--BOUNDARY42--\r\n'
	} >"$1"
}

s_swaks_ok() { grep -q "<- *250 .*" "$B/swaks.out" && ! grep -qE "<\*\* *[45][0-9][0-9] " "$B/swaks.out" ; }
s_swaks_has() { grep -qE -- "$1" "$B/swaks.out"; }

# s_delivered FILE-PATTERN: the newest sink file that matches PATTERN.
s_last() { ls -t $(h_sink_grep "$1") 2>/dev/null | head -1; }

s_member_post() {
	local port=$1 f
	s_msg "$B/m1.eml" "first@a.test" "first post" "first post body"
	h_swaks "$port" --from ann@a.test --to team@$H_DOMAIN --data @"$B/m1.eml"
	h_expect "member post accepted (250)" s_swaks_ok
	h_expect "member post reaches the sink" h_sink_wait_grep "first post body"
	f=$(s_last "first post body")
	h_expect "envelope sender is team-bounces" grep -q "X-Mail-Args: <team-bounces@$H_DOMAIN>" "$f"
	h_expect "delivered to ann" grep -q "X-Rcpt-Args: <ann@a.test>" $(h_sink_grep "first post body")
	h_expect "delivered to bob" grep -q "X-Rcpt-Args: <bob@b.test>" $(h_sink_grep "first post body")
	h_expect "not to nomail carl" bash -c "! grep -q 'carl@c.test' $(h_sink_grep 'first post body' | tr '\n' ' ')"
	h_expect "not to the list address" bash -c "! grep -q 'X-Rcpt-Args: <team@' $(h_sink_grep 'first post body' | tr '\n' ' ')"
	h_expect "Subject prefixed (CookHeaders)" grep -q "^Subject: \[Team\] first post" "$f"
	h_expect "X-BeenThere and List-Id" bash -c "grep -q '^X-BeenThere: team@$H_DOMAIN' $f && grep -q '^List-Id: <team.$H_DOMAIN>' $f"
	h_expect "footer appended (Decorate)" grep -q "^Team mailing list" "$f"
	h_expect "archived (log)" grep -q 'list=team from=<ann@a.test> action=accept reason="posting allowed; 2 recipients, archived"$' "$B/milter.log"
}

# from_is_list=2 (DMARC wrap): the members get a message/rfc822 wrapper from the list whose
# From is "Name via List", with the original post inside (its own From, no prefix).
s_wrap() {
	local port=$1 f
	h_ctl create wrapped@$H_DOMAIN archive=no from_is_list=2 >/dev/null ||
		h_die "listctl create wrapped failed"
	h_ctl member add wrapped "Ann Poster <ann@a.test>" bob@b.test >/dev/null ||
		h_die "listctl add failed"
	s_msg "$B/mw.eml" "wrap@a.test" "wrapped post" "wrapped post body"
	sed -i "s/^To: team@/To: wrapped@/" "$B/mw.eml"
	h_swaks "$port" --from ann@a.test --to wrapped@$H_DOMAIN --data @"$B/mw.eml"
	h_expect "wrapped post accepted (250)" s_swaks_ok
	h_expect "wrapped post reaches the sink" h_sink_wait_grep "wrapped post body"
	f=$(s_last "wrapped post body")
	h_expect "wrap: munged From on the wrapper" \
		grep -q "^From: Ann Poster via Wrapped <wrapped@$H_DOMAIN>" "$f"
	h_expect "wrap: a message/rfc822 part" grep -qi "^Content-Type: message/rfc822" "$f"
	h_expect "wrap: the post inside keeps its From" grep -q "^From: Ann Poster <ann@a.test>" "$f"
	h_expect "wrap: the wrapper's Subject is prefixed" grep -q "^Subject: \[Wrapped\] wrapped post" "$f"
}

# A post far past BodyMemoryLimit (16K here) is spooled to a file and delivered intact.
s_big_post() {
	local port=$1 f
	s_msg "$B/m6.eml" "big@a.test" "big post" "$(for i in $(seq 1 4000); do
		printf 'line %05d of a long post, spooled to disk by the milter\n' "$i"; done)
END OF BIG POST"
	h_sink_clear
	h_swaks "$port" --from ann@a.test --to team@$H_DOMAIN --data @"$B/m6.eml"
	h_expect "big post accepted" s_swaks_ok
	h_expect "big post delivered" h_sink_wait_grep "END OF BIG POST"
	f=$(grep -l "END OF BIG POST" "$B"/sink/dump/* | xargs grep -l "X-Mail-Args: <team-bounces@" | head -1)
	h_expect "big post: the list's copy" test -n "$f"
	h_expect "big post: all 4000 lines arrived" test "$(grep -c '^line [0-9]* of a long post' "$f")" -eq 4000
}

# Headers past MaxHeaderBytes (8K here): 552 5.3.4 at the end of the data (the MTA asked for
# no replies to single headers), nothing delivered.
s_big_header() {
	local port=$1 i args=()
	for i in 1 2 3; do args+=(--add-header "X-Filler-$i: $(head -c 3000 /dev/zero | tr '\0' x)"); done
	h_sink_clear
	h_swaks "$port" --from ann@a.test --to team@$H_DOMAIN "${args[@]}" --body "filler body"
	h_expect "header block past MaxHeaderBytes: 552 5.3.4" s_swaks_has "552 5.3.4"
	sleep 1
	h_expect "oversized headers: nothing delivered" bash -c "! grep -lq 'filler body' $B/sink/dump/* 2>/dev/null"
}

s_mixed() {
	local port=$1 n
	s_msg "$B/m2.eml" "mixed@a.test" "mixed recipients" "mixed body" \
		"Cc: other@$H_DOMAIN, outsider@x.test"
	h_sink_clear
	h_swaks "$port" --from ann@a.test --to "team@$H_DOMAIN,outsider@x.test,other@$H_DOMAIN" \
		--data @"$B/m2.eml"
	h_expect "list + others: others get 452 4.5.3" s_swaks_has "452 4.5.3"
	h_expect "list + others: the list part is accepted" s_swaks_has "<- *250 .*(queued|accepted)"
	h_sink_wait_grep "mixed body"
	# the client sends the deferred recipients again, in their own transactions
	h_swaks "$port" --from ann@a.test --to outsider@x.test --data @"$B/m2.eml"
	h_expect "outsider accepted alone" s_swaks_ok
	h_swaks "$port" --from ann@a.test --to other@$H_DOMAIN --data @"$B/m2.eml"
	h_expect "second list accepted alone" s_swaks_ok
	h_sink_wait_grep "mixed body" 3
	n=$(h_sink_grep "mixed body" | wc -l)
	h_expect "three transactions delivered ($n)" test "$n" -ge 3
	h_expect "outsider got the post unmodified (sender ann)" bash -c \
		"grep -l 'X-Rcpt-Args: <outsider@x.test>' $B/sink/dump/* | xargs grep -q 'X-Mail-Args: <ann@a.test>'"
	h_expect "outsider's copy undecorated" bash -c \
		"! grep -l 'X-Rcpt-Args: <outsider@x.test>' $B/sink/dump/* | xargs grep -qE '^(X-BeenThere|Subject: \[)'"
	h_expect "other's copy has other's prefix" bash -c \
		"grep -l 'X-Rcpt-Args: <dave@d.test>' $B/sink/dump/* | xargs grep -q '^Subject: \[Other\] mixed'"
	h_expect "outsider not in a list copy" bash -c \
		"! grep -l 'X-Rcpt-Args: <outsider@x.test>' $B/sink/dump/* | xargs grep -q 'bounces@'"
	h_expect "team members got team's copy" bash -c \
		"grep -l 'X-Rcpt-Args: <bob@b.test>' $B/sink/dump/* | xargs grep -q 'X-Mail-Args: <team-bounces@'"
	h_expect "other's member got other's copy" bash -c \
		"grep -l 'X-Rcpt-Args: <dave@d.test>' $B/sink/dump/* | xargs grep -q 'X-Mail-Args: <other-bounces@'"
	h_expect "dave not in team's copy" bash -c \
		"! grep -l 'X-Rcpt-Args: <dave@d.test>' $B/sink/dump/* | xargs grep -q 'team-bounces'"
}

s_nonmember() {
	local port=$1
	h_ctl set team generic_nonmember_action=2 >/dev/null
	h_sink_clear
	h_swaks "$port" --from eve@e.test --to team@$H_DOMAIN --header "From: eve@e.test" \
		--body "spam body"
	h_expect "non-member rejected with 550 5.7.1" s_swaks_has "550 5.7.1"
	s_msg "$B/m3.eml" "loop@a.test" "looping" "loop body" "X-BeenThere: team@$H_DOMAIN"
	h_swaks "$port" --from ann@a.test --to team@$H_DOMAIN --data @"$B/m3.eml"
	h_expect "looping post answered 250" s_swaks_ok
	sleep 2
	h_expect "nothing delivered for either" test "$(h_sink_count)" -eq 0
	h_expect "loop logged" grep -q "loop (X-BeenThere)" "$B/milter.log"
}

# The acceptance case: the archive cannot be written -> 451 and nothing delivered; once the
# fault is gone the client's retry is delivered and archived once.
s_archive_fault() {
	local port=$1 n
	s_msg_attach "$B/m4.eml" "fault@a.test"
	h_sink_clear
	chmod 000 "$B/data/archives/team"
	h_swaks "$port" --from ann@a.test --to team@$H_DOMAIN --data @"$B/m4.eml"
	h_expect "archive unwritable: 451 4.3.0" s_swaks_has "451 4.3.0"
	sleep 2
	h_expect "archive unwritable: nothing delivered" test "$(h_sink_count)" -eq 0
	chmod 750 "$B/data/archives/team"
	h_swaks "$port" --from ann@a.test --to team@$H_DOMAIN --data @"$B/m4.eml"
	h_expect "retry accepted" s_swaks_ok
	h_expect "retry delivered" h_sink_wait_grep "See the attached file"
	n=$(grep -c 'list=team from=<ann@a.test> action=accept reason="posting allowed; 2 recipients, archived"$' "$B/milter.log")
	h_expect "archived exactly four times in all (first, big, mixed, this retry): $n" test "$n" -eq 4
	h_expect "the attachment was stored" bash -c "find $B/data/archives/team -type f | grep -q ."
	h_swaks "$port" --from ann@a.test --to team@$H_DOMAIN --data @"$B/m4.eml"
	h_expect "a duplicate is not archived again" grep -q "already archived" "$B/milter.log"
}

# The archive as pipermail pages: every accepted post once, the attachment linked.
s_export() {
	mkdir -p "$B/www" && chown nobody:postfix "$B/www"
	h_expect "listctl export" h_ctl export team "$B/www/team"
	h_expect "index.html written" test -s "$B/www/team/index.html"
	h_expect "a page for the first post" bash -c "grep -l '<TITLE> \[Team\] first post' $B/www/team/*/0*.html | grep -q ."
	h_expect "four articles: first, big, mixed, the faulted post once" \
		test "$(ls "$B"/www/team/*/0*.html | wc -l)" -eq 4
	h_expect "the attachment linked from its page" bash -c \
		"grep -l '<TITLE> \[Team\] with attachment' $B/www/team/*/0*.html | xargs grep -q 'attachments/20'"
}

# Hold and approve: listctl approve re-injects the post through SendmailCommand (here SMTP to
# the MTA, lib/smtp_inject.sh), and it passes listmilter again with its approval token.
s_hold_approve() {
	local port=$1 id
	h_ctl set team generic_nonmember_action=1 >/dev/null
	h_sink_clear
	s_msg "$B/m5.eml" "held@e.test" "held post" "held body"
	sed -i 's/^From: Ann Poster <ann@a.test>/From: Eve <eve@e.test>/' "$B/m5.eml"
	h_swaks "$port" --from eve@e.test --to team@$H_DOMAIN --data @"$B/m5.eml"
	h_expect "non-member post held: answered 250" s_swaks_ok
	h_ctl held team >"$B/held.out" 2>&1
	h_expect "listctl held shows it" grep -q "held post" "$B/held.out"
	sleep 1
	h_expect "nothing delivered while held" bash -c "! grep -lq 'held body' $B/sink/dump/* 2>/dev/null"
	id=$(awk -F'\t' '/held post/ {print $1; exit}' "$B/held.out")
	h_expect "listctl approve $id" h_ctl approve team "$id"
	h_expect "approved post delivered to the members" h_sink_wait_grep "held body"
	h_expect "approved copy came through listmilter (team-bounces)" bash -c \
		"grep -l 'held body' $B/sink/dump/* | xargs grep -q 'X-Mail-Args: <team-bounces@'"
	h_expect "approval header not delivered" bash -c \
		"! grep -l 'held body' $B/sink/dump/* | xargs grep -qi 'X-Listmilter-Approved'"
	h_expect "approved post logged" grep -q "approved by a moderator" "$B/milter.log"
}

# ArchRunner's date clobbering: a post dated 1999 is archived under the time it arrived.
s_dates() {
	local port=$1 y
	h_ctl create dated@$H_DOMAIN archive=yes >/dev/null || h_die "listctl create dated failed"
	h_ctl member add dated ann@a.test >/dev/null || h_die "listctl add failed"
	mkdir -p "$B/data/archives/dated" && chown nobody:postfix "$B/data/archives/dated"
	s_msg "$B/md.eml" "dated@a.test" "old clock" "old clock body"
	sed -i -e "s/^To: team@/To: dated@/" -e "s/^Date: .*/Date: Thu, 01 Apr 1999 10:00:00 +0000\r/" "$B/md.eml"
	h_swaks "$port" --from ann@a.test --to dated@$H_DOMAIN --data @"$B/md.eml"
	h_expect "post dated 1999 accepted (250)" s_swaks_ok
	h_expect "listctl export dated" h_ctl export dated "$B/www/dated"
	y=$(date -u +%Y)
	h_expect "archived under its arrival, not 1999" bash -c \
		"ls -d $B/www/dated/$y-* >/dev/null && ! ls -d $B/www/dated/1999-* 2>/dev/null"
}

s_all() {
	s_lists
	s_member_post "$1"
	s_wrap "$1"
	s_big_post "$1"
	s_big_header "$1"
	s_mixed "$1"
	s_nonmember "$1"
	s_archive_fault "$1"
	s_export
	s_dates "$1"
}
