#!/usr/bin/env bash
# listctl_stats.sh: listctl stats on real lists: every counter line, attachment bytes counted
# from DataDir/archives/LIST without following symbolic links, all lists without an argument,
# a list named by its address, article/period/page counts after an import, and exit 65 for an
# unknown list. Counting itself: test_stats.
set -u
ctl=$LM_BUILD_DIR/listctl/listctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'DataDir %s/data\nSyslog no\n' "$tmp" >"$tmp/listmilter.conf"
L() { "$ctl" -c "$tmp/listmilter.conf" "$@"; }
fail=0
expect() { # expect NAME PATTERN FILE
	if grep -qx -- "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1: no line '$2' in:"; cat "$3"; fail=1; fi
}
L create demo@example.org >/dev/null && L create other@example.org >/dev/null || exit 1
att=$tmp/data/archives/demo/attachments/20260101/abcd1234
mkdir -p "$att"
head -c 1000 /dev/zero >"$att/a.bin"
head -c 234 /dev/zero >"$att/b.txt"
head -c 5000 /dev/zero >"$tmp/outside"
ln -s "$tmp/outside" "$att/link"

L stats demo >"$tmp/one"; rc=$?
[ $rc -eq 0 ] || { echo "FAIL stats demo: exit $rc"; fail=1; }
expect list 'list demo' "$tmp/one"
for c in posts held rejected discarded tempfails; do expect "$c" "$c 0" "$tmp/one"; done
expect attachment-bytes 'attachment_bytes 1234' "$tmp/one"
expect attachment-files 'attachment_files 2' "$tmp/one"
db=$(awk '$1 == "database_bytes" { print $2 }' "$tmp/one")
[ "${db:-0}" -gt 0 ] || { echo "FAIL database_bytes is '$db'"; fail=1; }
expect archive-bytes "archive_bytes $((db + 1234))" "$tmp/one"

# two posts in two months: 2 article pages + 4 indexes per period + the table of contents
cat >"$tmp/two.mbox" <<'MBOX'
From alice@example.net Mon Jan  6 10:00:00 2025
From: Alice <alice@example.net>
To: demo@example.org
Subject: first
Date: Mon, 6 Jan 2025 10:00:00 +0000
Message-ID: <one@example.net>

hello

From bob@example.net Mon Feb  3 10:00:00 2025
From: Bob <bob@example.net>
To: demo@example.org
Subject: second
Date: Mon, 3 Feb 2025 10:00:00 +0000
Message-ID: <two@example.net>

world

MBOX
L import demo "$tmp/two.mbox" >/dev/null || { echo "FAIL import"; fail=1; }
L stats demo >"$tmp/pages"
expect articles 'articles 2' "$tmp/pages"
expect periods 'periods 2' "$tmp/pages"
expect pages 'pages 11' "$tmp/pages"
expect imports-are-not-posts 'posts 0' "$tmp/pages"

L stats Demo@Example.org >"$tmp/addr" || fail=1
expect by-address 'list demo' "$tmp/addr"
L stats >"$tmp/all" || fail=1
expect all-demo 'list demo' "$tmp/all"
expect all-other 'list other' "$tmp/all"
expect other-empty 'attachment_bytes 0' "$tmp/all"

L stats nosuch >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 65 ] && grep -q 'no such list "nosuch"' "$tmp/out"; then echo "ok   unknown list"; else
	echo "FAIL unknown list: exit $rc"; cat "$tmp/out"; fail=1; fi
L stats a b >/dev/null 2>&1; rc=$?
[ $rc -eq 64 ] && echo "ok   usage" || { echo "FAIL usage: exit $rc"; fail=1; }
exit $fail
