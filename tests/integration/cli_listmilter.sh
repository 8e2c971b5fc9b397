#!/usr/bin/env bash
# cli_listmilter.sh: the command lines of listmilter and listctl: -V, -n on the shipped and on a
# broken configuration, LISTMILTER_CONF, and listctl help. No MTA and no network needed.
set -u
. "$(dirname "$0")/lib/cli.sh"
src=$LM_SOURCE_DIR

check version 0 "$bin/milter/listmilter" -V
has "listmilter 0"
has "libmilter [0-9]"
check shipped-conf 0 "$bin/milter/listmilter" -n -c "$src/conf/listmilter.conf"
has "configuration OK"
sed 's/^#* *Syslog .*/Sylsog yes/' "$src/conf/listmilter.conf" >"$tmp/bad.conf"
grep -q '^Sylsog' "$tmp/bad.conf" || echo 'Sylsog yes' >>"$tmp/bad.conf"
check misspelt-key 78 "$bin/milter/listmilter" -n -c "$tmp/bad.conf"
has 'unknown key "Sylsog"'
has "bad.conf, line"
LISTMILTER_CONF=$tmp/bad.conf check env-conf 78 "$bin/milter/listmilter" -n
has 'unknown key "Sylsog"'
check missing-conf 66 "$bin/milter/listmilter" -n -c "$tmp/none.conf"
has "cannot open"
check bad-option 64 "$bin/milter/listmilter" -x
check listctl-help 0 "$bin/listctl/listctl" help
has "usage: listctl \[-c FILE\] COMMAND"
check listctl-unknown 64 "$bin/listctl/listctl" frobnicate
has 'unknown command "frobnicate"'

# listctl create/set/show/lists against a private DataDir
printf 'DataDir %s/data\nSyslog no\n' "$tmp" >"$tmp/ctl.conf"
ctl() { "$bin/listctl/listctl" -c "$tmp/ctl.conf" "$@"; }
check create 0 ctl create Demo@Example.ORG description=Demo\ list
has "created Demo@Example.ORG"
check create-again 65 ctl create demo@example.org
has 'exists already'
check set 0 ctl set demo subject_prefix="[Demo %d] " html_sanitizer=2
check set-unknown 64 ctl set demo subjet_prefix=x
has 'unknown setting "subjet_prefix"'
check show 0 ctl show demo@example.org
has '^subject_prefix = \[Demo %d\] $'
has '^html_sanitizer = 2$'
has '^archive_url = http://example.org/pipermail/demo/$'
has '^description = Demo list$'
check lists 0 ctl lists
has '^demo$'
check show-missing 65 ctl show nosuch
exit $fail
