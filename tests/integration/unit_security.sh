#!/usr/bin/env bash
# unit_security.sh: the shipped systemd units are valid (systemd-analyze verify, with ExecStart
# pointed at the binaries just built) and listmilter.service's exposure score, from
# systemd-analyze security --offline=true, is at most 2.5. Skips when systemd-analyze is absent.
set -u
LM_BUILD_DIR=$(cd "$LM_BUILD_DIR" && pwd)
units=$LM_BUILD_DIR/systemd
src=$(cd "$LM_SOURCE_DIR/systemd" && pwd)
max=2.5
if ! command -v systemd-analyze >/dev/null; then
	echo "SKIP: systemd-analyze is not installed (Debian package systemd)"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# score UNIT-FILE NAME: fail unless the exposure of the unit is at most $max
score() {
	local out s
	out=$(systemd-analyze security --offline=true "$1" 2>&1)
	s=$(printf '%s\n' "$out" | sed -n "s/.*Overall exposure level for $2: \([0-9.]*\).*/\1/p")
	if [ -z "$s" ]; then
		echo "FAIL security $2: no score in the output:"; printf '%s\n' "$out"; fail=1
	elif awk -v s="$s" -v m="$max" 'BEGIN { exit !(s <= m) }'; then
		echo "ok   security $2: exposure $s <= $max"
	else
		echo "FAIL security $2: exposure $s > $max"; printf '%s\n' "$out" | grep '✗'; fail=1
	fi
}
score "$units/listmilter.service" listmilter.service
score "$units/listmilter-export@.service" 'listmilter-export@i.service'
score "$units/listmilter-expire-held.service" listmilter-expire-held.service

# verify checks that executables exist: point the units at the build tree.
sed -e "s|[^ =]*/sbin/listmilter|$LM_BUILD_DIR/milter/listmilter|g" \
	"$units/listmilter.service" >"$tmp/listmilter.service"
sed -e "s|[^ =]*/bin/listctl|$LM_BUILD_DIR/listctl/listctl|g" \
	"$units/listmilter-export@.service" >"$tmp/listmilter-export@.service"
sed -e "s|[^ =]*/bin/listctl|$LM_BUILD_DIR/listctl/listctl|g" \
	"$units/listmilter-expire-held.service" >"$tmp/listmilter-expire-held.service"
cp "$src/listmilter-export@.timer" "$src/listmilter-expire-held.timer" "$tmp/"
cd "$tmp" || exit 1
for u in listmilter.service listmilter-export@demo.service listmilter-export@demo.timer \
	listmilter-expire-held.service listmilter-expire-held.timer; do
	if [ "${u#*@}" != "$u" ]; then
		ln -sf "$(echo "$u" | sed 's/@demo/@/')" "$u"
	fi
	if out=$(systemd-analyze verify --man=false "$tmp/$u" 2>&1) && [ -z "$out" ]; then
		echo "ok   verify $u"
	else
		echo "FAIL verify $u:"; printf '%s\n' "$out"; fail=1
	fi
done

# the MTA drop-ins (systemd/postfix.conf, sendmail.conf) load cleanly and keep the score
for d in postfix sendmail; do
	mkdir -p "$tmp/$d/listmilter.service.d"
	cp "$tmp/listmilter.service" "$tmp/$d/"
	cp "$src/$d.conf" "$tmp/$d/listmilter.service.d/"
	if out=$(cd "$tmp/$d" && systemd-analyze verify --man=false "$tmp/$d/listmilter.service" 2>&1) &&
		[ -z "$out" ]; then
		echo "ok   verify listmilter.service with the $d drop-in"
	else
		echo "FAIL verify with the $d drop-in:"; printf '%s\n' "$out"; fail=1
	fi
	score "$tmp/$d/listmilter.service" listmilter.service
done

# what the issue asks of the daemon's unit, directive by directive
unit=$units/listmilter.service
for want in '^Type=notify$' '^User=listmilter$' '^Group=listmilter$' \
	'^RuntimeDirectory=listmilter$' '^ExecStartPre=/.*/listmilter -n ' \
	'^ExecStart=/.*/listmilter -f ' '^ExecReload=/bin/kill -USR1 \$MAINPID$' \
	'^Restart=on-failure$' '^Before=.*postfix\.service' '^Before=.*sendmail\.service' \
	'^NoNewPrivileges=yes$' '^UMask=0002$'; do
	grep -qE "$want" "$unit" || { echo "FAIL listmilter.service lacks $want"; fail=1; }
done
grep -qE '^ExecStart=/.*/listctl .* export %i ' "$units/listmilter-export@.service" ||
	{ echo "FAIL the export unit does not run listctl export"; fail=1; }
grep -qE '^OnCalendar=' "$src/listmilter-export@.timer" || { echo "FAIL timer has no OnCalendar"; fail=1; }

# the sysusers and tmpfiles entries parse (systemd-sysusers/tmpfiles --cat-config is not
# offline; check the syntax by the number of fields instead)
grep -v '^#' "$src/listmilter.sysusers" | grep -qE '^u listmilter ' || { echo "FAIL sysusers"; fail=1; }
for f in "$src"/*.tmpfiles; do
	if grep -v '^#' "$f" | awk 'NF && (NF != 6 || $1 != "d") { bad = 1 } END { exit bad }'; then
		echo "ok   tmpfiles $(basename "$f")"
	else
		echo "FAIL tmpfiles $(basename "$f")"; fail=1
	fi
done
exit $fail
