#!/usr/bin/env bash
# cli_export.sh: listctl export end to end on the command line: import a small mbox, export,
# check the tree (TOC, period pages, index.html symlink, .txt/.txt.gz), an incremental run
# after one more post, --full leaving unchanged files alone, and usage errors.
set -u
bin=$LM_BUILD_DIR/listctl/listctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
printf 'DataDir %s/data\nSyslog no\n' "$tmp" >"$tmp/c.conf"
ctl() { "$bin" -c "$tmp/c.conf" "$@"; }
post() { # post MSGID DATE SUBJECT [IN-REPLY-TO]
	printf 'From joe@example.com Sat May  1 08:43:06 2021\nFrom: Joe <joe@example.com>\n'
	printf 'Date: %s\nSubject: %s\nMessage-ID: <%s>\n' "$2" "$3" "$1"
	[ -n "${4:-}" ] && printf 'In-Reply-To: <%s>\n' "$4"
	printf 'Content-Type: text/plain\n\nHello <b>world</b> http://example.org/x\n\n'
}
{ post a@x 'Sat, 01 May 2021 08:43:06 +0200' 'Hello'
  post b@x 'Sat, 01 May 2021 09:43:06 +0200' 'Re: Hello' a@x
  post c@x 'Tue, 01 Jun 2021 09:43:06 +0200' 'June'; } >"$tmp/in.mbox"
ctl create t@example.com archive_timezone=Europe/Berlin >/dev/null || bad create
ctl import t "$tmp/in.mbox" >/dev/null 2>&1 || bad import
ctl export t "$tmp/www" >"$tmp/out" 2>&1 && ok export || { bad export; cat "$tmp/out"; }
grep -q '2 periods, 3 articles' "$tmp/out" && ok counts || { bad counts; cat "$tmp/out"; }
for f in index.html 2021-May/000000.html 2021-May/000001.html 2021-May/thread.html \
	2021-May/subject.html 2021-May/author.html 2021-May/date.html 2021-June/000002.html \
	2021-May.txt 2021-May.txt.gz; do
	[ -f "$tmp/www/$f" ] || bad "missing $f"
done
[ "$(readlink "$tmp/www/2021-May/index.html")" = thread.html ] && ok symlink || bad symlink
grep -q '<LINK REL="Next"  HREF="000001.html">' "$tmp/www/2021-May/000000.html" && ok next ||
	bad next
grep -q '&lt;b&gt;world&lt;/b&gt; <A HREF="http://example.org/x">' \
	"$tmp/www/2021-May/000000.html" && ok body || bad body
grep -q 'CEST 2021</I>' "$tmp/www/2021-May/000000.html" && ok zone || bad zone
cmp -s <(gzip -dc "$tmp/www/2021-May.txt.gz") "$tmp/www/2021-May.txt" && ok gz || bad gz
ino=$(stat -c %i "$tmp/www/2021-June/000002.html")
post d@x 'Sat, 01 May 2021 10:43:06 +0200' 'Re: Hello' b@x >"$tmp/one.mbox"
ctl import t "$tmp/one.mbox" >/dev/null 2>&1 || bad import-one
ctl export t "$tmp/www" >"$tmp/out" 2>&1 || bad export-incremental
grep -q '1 periods, 3 articles, 9 files written, 1 unchanged' "$tmp/out" && ok incremental || { bad incremental; cat "$tmp/out"; }
[ "$(stat -c %i "$tmp/www/2021-June/000002.html")" = "$ino" ] && ok untouched || bad untouched
cmp -s <(gzip -dc "$tmp/www/2021-May.txt.gz") "$tmp/www/2021-May.txt" && ok gz-grown ||
	bad gz-grown
ctl export --full t "$tmp/www" >"$tmp/out" 2>&1 || bad full
grep -q ' 0 files written' "$tmp/out" && ok full-unchanged || { bad full-unchanged; cat "$tmp/out"; }
ctl export t >/dev/null 2>&1; [ $? -eq 64 ] && ok usage || bad usage
ctl export nosuch "$tmp/x" >/dev/null 2>&1; [ $? -eq 65 ] && ok unknown-list || bad unknown-list
exit $fail
