#!/usr/bin/env bash
# seed_page.sh: the seed pipermail page (../shared/seed) reproduced from a raw post built from it
# (tests/data/scrub/seed-post.eml): listctl create, import, export, then every field compared.
set -u
seed=$LM_SOURCE_DIR/../shared/seed/pipermail-article-example.txt
if [ ! -f "$seed" ]; then
	echo "seed page not found ($seed): skipping"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'DataDir %s/data\nSyslog no\n' "$tmp" >"$tmp/conf"
ctl() { "$LM_BUILD_DIR/listctl/listctl" -c "$tmp/conf" "$@"; }
ctl create ccwg-internet-governance@icann.org real_name=ccwg-internet-governance \
	scrub_use_filename=yes archive_timezone=UTC archive_charset=utf-8 \
	archive_url=http://mm.icann.org/pipermail/ccwg-internet-governance/ >/dev/null || exit 1
ctl import ccwg-internet-governance "$LM_TESTDATA/scrub/seed-post.eml" || exit 1
ctl export ccwg-internet-governance "$tmp/www" >/dev/null || exit 1
page=$tmp/www/2019-February/000000.html
[ -f "$page" ] || { echo "FAIL: no $page"; exit 1; }
# Every attachment URL of the page must resolve below the export directory.
status=0
for url in $(grep -o 'http://mm.icann.org/pipermail/ccwg-internet-governance/attachments/[^"<]*' "$page" | sort -u); do
	f=$tmp/www/${url#http://mm.icann.org/pipermail/ccwg-internet-governance/}
	if [ -s "$f" ]; then echo "ok   attachment resolves: ${url##*/}"; else echo "FAIL: $url does not resolve"; status=1; fi
done
python3 "$LM_SOURCE_DIR/tests/integration/seed_page.py" "$page" "$seed" "$tmp/www" \
	http://mm.icann.org/pipermail/ccwg-internet-governance/ || status=1
exit $status
