#!/usr/bin/env bash
# man_pages.sh: every manual page renders with man --warnings at 80 columns without a single
# groff warning, and carries the sections every page must have.
set -u
man_dir=$LM_SOURCE_DIR/man
command -v man >/dev/null || { echo "SKIP: man is not installed (man-db)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pages=("$man_dir"/*.[0-9])
[ -e "${pages[0]}" ] || { echo "FAIL: no pages in $man_dir"; exit 1; }
for page in "${pages[@]}"; do
	name=$(basename "$page")
	if ! MANWIDTH=80 MAN_KEEP_FORMATTING=0 man --warnings -l "$page" >"$tmp/out" 2>"$tmp/err"; then
		echo "FAIL $name: man failed"; cat "$tmp/err"; fail=1; continue
	fi
	if [ -s "$tmp/err" ]; then
		echo "FAIL $name: warnings:"; cat "$tmp/err"; fail=1
	else
		echo "ok   $name renders without warnings ($(wc -l <"$tmp/out") lines)"
	fi
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS FILES SIGNALS "EXIT STATUS" DIAGNOSTICS \
		SECURITY "SEE ALSO"; do
		col -bx <"$tmp/out" | grep -q "^$s\$" || { echo "FAIL $name: no section $s"; fail=1; }
	done
done
exit $fail
