# cli.sh: helpers for the command-line tests (sourced): a temporary directory, check and has.
# check NAME EXPECTED-RC COMMAND... runs the command and keeps its output in $tmp/out;
# has PATTERN greps that output. Either sets fail=1 on a mismatch; the script exits $fail.
bin=$LM_BUILD_DIR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {
	local name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $name: exit $rc, wanted $want"; cat "$tmp/out"; fail=1
	else
		echo "ok   $name"
	fi
}
has() { grep -q -- "$1" "$tmp/out" || { echo "FAIL: output lacks '$1'"; cat "$tmp/out"; fail=1; }; }
