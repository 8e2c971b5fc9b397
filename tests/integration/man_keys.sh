#!/usr/bin/env bash
# man_keys.sh: documentation cannot fall behind the code: every key of common/config.c's table
# is in listmilter.conf(5) (as an entry) and in conf/listmilter.conf; every command of
# listctl/main.c's table is an entry of listctl(8); every list setting of
# archive/list_settings.c is an entry of listctl(8).
set -u
src=$LM_SOURCE_DIR
fail=0
# table rows look like {"Name", TYPE, ...} or {"name", cmd_fn, ...}
keys=$(sed -n 's/^ *{"\([A-Za-z]*\)", CT_.*/\1/p' "$src/common/config.c")
cmds=$(sed -n 's/^ *{"\([a-z-]*\)", cmd_.*/\1/p' "$src/listctl/main.c")
[ -n "$keys" ] || { echo "FAIL: no keys found in common/config.c"; exit 1; }
[ -n "$cmds" ] || { echo "FAIL: no commands found in listctl/main.c"; exit 1; }
n=0
for k in $keys; do
	n=$((n + 1))
	# an entry: ".TP" then ".B Key"
	grep -A1 '^\.TP' "$src/man/listmilter.conf.5" | grep -qx "\.B $k" ||
		{ echo "FAIL: config key $k is not an entry of man/listmilter.conf.5"; fail=1; }
	grep -qE "^#?$k([[:space:]]|\$)" "$src/conf/listmilter.conf" ||
		{ echo "FAIL: config key $k is not in conf/listmilter.conf"; fail=1; }
done
echo "checked $n configuration keys"
n=0
for c in $cmds; do
	n=$((n + 1))
	# entries as rendered: "\-" is a plain hyphen
	grep -A1 '^\.TP' "$src/man/listctl.8" | sed 's/\\-/-/g' |
		grep -qE "^\.B[IR]? \"?$c( |\"|\$)" ||
		{ echo "FAIL: listctl command $c is not an entry of man/listctl.8"; fail=1; }
done
echo "checked $n listctl commands"
if [ -f "$src/archive/list_settings.c" ]; then
	n=0
	for s in $(sed -n 's/^ *{"\([a-z_]*\)", LS_.*/\1/p' "$src/archive/list_settings.c"); do
		n=$((n + 1))
		grep -A1 '^\.TP' "$src/man/listctl.8" | grep -qx "\.B $s" ||
			{ echo "FAIL: list setting $s is not an entry of man/listctl.8"; fail=1; }
	done
	echo "checked $n list settings"
fi
exit $fail
