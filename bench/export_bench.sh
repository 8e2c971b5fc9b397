#!/usr/bin/env bash
# export_bench.sh: listctl export against MHonArc and against merely writing the same files,
# all measured in this run on a synthetic mbox (bench/mkmbox). Prints ratios; run by hand.
# usage: bench/export_bench.sh [BUILD-DIR]   env: N (posts, 100000), MONTHS (120),
#        MHA_N (posts given to MHonArc, 10000; its time is scaled to N), KEEP=1 keeps the tmp dir
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build-bench}
N=${N:-100000}
MONTHS=${MONTHS:-120}
MHA_N=${MHA_N:-10000}
if [ ! -x "$build/listctl/listctl" ]; then
	cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$build" -j2 >/dev/null
fi
command -v mhonarc >/dev/null || { echo "mhonarc is missing: run scripts/setup-deps" >&2; exit 1; }
tmp=$(mktemp -d)
[ "${KEEP:-}" = 1 ] || trap 'rm -rf "$tmp"' EXIT
ctl() { "$build/listctl/listctl" -c "$tmp/listmilter.conf" "$@"; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }

printf 'DataDir %s/data\nSyslog no\n' "$tmp" >"$tmp/listmilter.conf"
"$build/bench/mkmbox" "$N" "$MONTHS" >"$tmp/all.mbox"
echo "synthetic mbox: $N posts over $MONTHS months, $(du -m "$tmp/all.mbox" | cut -f1) MB"
ctl create bench@example.com archive_timezone=UTC >/dev/null

t=$(now); ctl import bench "$tmp/all.mbox" >/dev/null; t_import=$(since "$t")
# Full export and the raw-write baseline, each twice into a fresh directory: the best run of
# each counts (the disk is shared and noisy). Nothing is deleted until the end: on ext4, file
# creation right after a mass delete is several times slower, which would skew whichever
# ran next.
t=$(now); ctl export --full bench "$tmp/out" >/dev/null; t_export=$(since "$t")
files=$(find "$tmp/out" -type f | wc -l)
t_raw=$("$build/bench/rawwrite" "$tmp/out" "$tmp/raw")
t=$(now); ctl export --full bench "$tmp/out2" >/dev/null; t2=$(since "$t")
t_export=$(echo "if ($t2 < $t_export) $t2 else $t_export" | bc -l)
t2=$("$build/bench/rawwrite" "$tmp/out" "$tmp/raw2")
t_raw=$(echo "if ($t2 < $t_raw) $t2 else $t_raw" | bc -l)

# MHonArc on the first MHA_N/2 and MHA_N posts; the growth between the two gives the exponent
# used to scale to N (at least linear): it is far too slow to run on all of them here.
mha() { # mha COUNT -> seconds
	awk -v n="$1" '/^From /{c++} c>n{exit} {print}' "$tmp/all.mbox" >"$tmp/sub$1.mbox"
	mkdir "$tmp/mha$1"
	local t0; t0=$(now)
	mhonarc -quiet -outdir "$tmp/mha$1" "$tmp/sub$1.mbox" >/dev/null
	since "$t0"
}
t_mha_half=$(mha $((MHA_N / 2)))
t_mha_sub=$(mha "$MHA_N")
k=$(echo "l($t_mha_sub / $t_mha_half) / l(2)" | bc -l)
k=$(echo "if ($k < 1) 1 else if ($k > 2) 2 else $k" | bc -l)
t_mha=$(echo "$t_mha_sub * e($k * l($N / $MHA_N))" | bc -l)

# One new post, then an incremental export.
"$build/bench/mkmbox" 1 1 "$(date -d '2014-06-15' +%s)" | sed 's/<m0@/<new0@/' >"$tmp/one.mbox"
ctl import bench "$tmp/one.mbox" >/dev/null
t=$(now); ctl export bench "$tmp/out" >/dev/null; t_inc=$(since "$t")

printf '\nimport:            %8.2f s  %8.0f posts/s   (goal >= 5000)\n' "$t_import" \
	"$(echo "$N / $t_import" | bc -l)"
printf 'export --full:     %8.2f s  (%d files)\n' "$t_export" "$files"
printf 'raw file writes:   %8.2f s  same number and sizes of files\n' "$t_raw"
printf 'MHonArc:           %8.2f s  (measured %.2f s on %d and %.2f s on %d posts; scaled\n' \
	"$t_mha" "$t_mha_half" $((MHA_N / 2)) "$t_mha_sub" "$MHA_N"
printf '                              to %d posts as n^%.2f)\n' "$N" "$k"
printf 'incremental (+1):  %8.1f ms (goal < 50 ms)\n' "$(echo "$t_inc * 1000" | bc -l)"
printf '\nratio MHonArc / export:     %6.1fx  (goal >= 50x)\n' "$(echo "$t_mha / $t_export" | bc -l)"
printf 'ratio export / raw writes:  %6.2fx  (goal <= 3x)\n' "$(echo "$t_export / $t_raw" | bc -l)"
