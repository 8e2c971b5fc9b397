#!/usr/bin/env bash
# import_bench.sh: speed of `listctl import` on a synthetic mbox (default 100,000 posts, threads,
# folded headers, some multipart), against baselines measured in the same run on the same file:
# a raw sequential read (cat) and a From_-line split (grep -c).
# usage: bench/import_bench.sh [BUILD_DIR] [MESSAGES] [ATTACH_EVERY]   (a Release build, not ASan)
# ATTACH_EVERY: every Nth post carries an attachment the scrubber stores (default 10; 0: none).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build-rel}
n=${2:-100000}
attach=${3:-10}
listctl=$build/listctl/listctl
[ -x "$listctl" ] || { echo "no $listctl: cmake -S . -B build-rel -DCMAKE_BUILD_TYPE=Release && cmake --build build-rel" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$n" "$attach" >"$tmp/bench.mbox" <<'PY'
import sys, random
n, attach = int(sys.argv[1]), int(sys.argv[2]); random.seed(42)
words = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua From the start").split()
out = sys.stdout
base = 1549283696
for i in range(n):
    t = base + i * 97
    parent = random.randrange(i) if i and random.random() < 0.6 else None
    subj = "Topic %d" % (parent % 5000 if parent is not None else i % 5000)
    out.write("From user%d@example.com %s\n" % (i % 700, __import__("time").strftime("%a %b %e %H:%M:%S %Y", __import__("time").gmtime(t))))
    out.write("From: User %d <user%d@example.com>\n" % (i % 700, i % 700))
    out.write("Subject: %s[Bench] %s\n" % ("Re: " if parent is not None else "", subj))
    out.write("Date: %s\n" % __import__("email.utils").utils.formatdate(t))
    out.write("Message-ID: <msg%d@example.com>\n" % i)
    if parent is not None:
        out.write("In-Reply-To: <msg%d@example.com>\n" % parent)
        out.write("References: <msg%d@example.com>\n <msg%d@example.com>\n" % (parent // 2, parent))
    body = "\n".join(" ".join(random.choice(words) for _ in range(12)) for _ in range(20))
    if attach and i % attach == 0:
        out.write('MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b%d"\n\n' % i)
        out.write("--b%d\nContent-Type: text/plain; charset=us-ascii\n\n%s\n" % (i, body))
        out.write("--b%d\nContent-Type: application/octet-stream; name=\"x.bin\"\n"
                  "Content-Transfer-Encoding: base64\n\nAAECAwQFBgcICQoLDA0ODw==\n--b%d--\n\n" % (i, i))
    else:
        out.write("Content-Type: text/plain; charset=us-ascii\n\n%s\n\n" % body)
PY
size=$(stat -c %s "$tmp/bench.mbox")
printf 'DataDir %s/data\nSyslog no\n' "$tmp" >"$tmp/bench.conf"
"$listctl" -c "$tmp/bench.conf" create bench@example.com 'subject_prefix=[Bench] ' >/dev/null

now() { date +%s.%N; }
t0=$(now); cat "$tmp/bench.mbox" >/dev/null; t1=$(now)
grep -c '^From ' "$tmp/bench.mbox" >"$tmp/count"; t2=$(now)
"$listctl" -c "$tmp/bench.conf" import bench "$tmp/bench.mbox" 2>"$tmp/err" | tail -1; t3=$(now)
t4=$(now); "$listctl" -c "$tmp/bench.conf" import bench "$tmp/bench.mbox" 2>>"$tmp/err" | tail -1; t5=$(now)

python3 - "$n" "$size" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" \
	"$([ "$attach" -gt 0 ] && echo "every ${attach}th post" || echo none)" <<'PY'
import sys
n, size = int(sys.argv[1]), int(sys.argv[2])
t0, t1, t2, t3, t4, t5 = map(float, sys.argv[3:9])
read, split, imp, again = t1 - t0, t2 - t1, t3 - t2, t5 - t4
print("synthetic mbox: %d messages, %.1f MB, attachments: %s" % (n, size / 1e6, sys.argv[9]))
print("baseline raw read (cat):    %8.3f s  %10.0f msg/s" % (read, n / read))
print("baseline From_ split (grep):%8.3f s  %10.0f msg/s" % (split, n / split))
print("listctl import:             %8.3f s  %10.0f msg/s  (%.1fx the raw read, %.1fx the split)"
      % (imp, n / imp, imp / read, imp / split))
print("listctl import again (all retries, dedupe only): %.3f s  %.0f msg/s" % (again, n / again))
print("target 5000 msg/s: %s" % ("met" if n / imp >= 5000 else "NOT met"))
PY
if [ -s "$tmp/err" ]; then echo "stderr of the import:"; head -5 "$tmp/err"; fi
