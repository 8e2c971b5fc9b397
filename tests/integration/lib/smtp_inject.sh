#!/usr/bin/env bash
# smtp_inject.sh: a SendmailCommand for the tests: "smtp_inject.sh PORT -oi -f FROM -- RCPT..."
# with the message on stdin, handed to 127.0.0.1:PORT over SMTP (swaks). A private Postfix's
# sendmail(1) cannot be used: as non-root it only reads /etc/postfix. Exit 0 on 250, else 75.
port=$1
shift
from= rcpts=()
while [ $# -gt 0 ]; do
	case $1 in
	-oi) ;;
	-f) from=$2; shift ;;
	--) shift; rcpts=("$@"); break ;;
	esac
	shift
done
from=${from#<}; from=${from%>}
to=$(printf '%s\n' "${rcpts[@]}" | sed 's/^<//; s/>$//' | paste -sd,)
out=$(swaks --server 127.0.0.1 --port "$port" --helo inject.test --from "$from" --to "$to" \
	--data - --timeout 60 2>&1)
grep -qE "^<- *250 .*(queued|accepted)" <<<"$out" && exit 0
echo "smtp_inject: $(grep -E '^<\*\*' <<<"$out" | tail -1)" >&2
exit 75
