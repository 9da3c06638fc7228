#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of `layerscope-cli diff` (issue 5), measured in one run against reference tools on the same inputs:
#   - decompressing both layers with `igzip -dc` (the floor: the diff must read every byte; target <= 1.3x),
#   - `diffoscope` on the same pair when installed, bounded by `timeout` (target: far ahead),
#   - peak memory (`/usr/bin/time -v`), per entry of both trees (target: well under 300 bytes plus buffers).
#
# usage: tests/bench/diff.sh [BUILD_DIR]          (default: build/)
# environment: WORK=DIR        keep the generated layers there and reuse them on the next run
#              FILES=N         files per layer (default 60000: ~1.3 GB uncompressed, ~0.8 GB gzip each)
#              REPEAT=N        timed runs per tool; the fastest counts (default 3)
#              DIFFOSCOPE_TIMEOUT=SECONDS (default 600)
# The layers come from tests/bench/difflayers.py: backuptar-style Windows entries (PAX records), differing in
# 300 real places and 100 access times. Not run by ctest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cli=$build/app/cli/layerscope-cli
files=${FILES:-60000}
repeat=${REPEAT:-3}
diffoscope_timeout=${DIFFOSCOPE_TIMEOUT:-600}

source "$here/benchlib.sh"
bench_setup diff.sh igzip python3 /usr/bin/time

# --- inputs ---------------------------------------------------------------------------------------------------
for side in a b; do
    if [ ! -s "$work/$side.tar.gz" ] || [ ! -s "$work/$side.json" ]; then
        echo "generating $side.tar.gz ($files files) ..."
        start=$(date +%s.%N)
        python3 "$here/difflayers.py" "$side" --files "$files" --manifest "$work/$side.json" \
            | igzip -1 -n -c > "$work/$side.tar.gz.tmp"
        mv "$work/$side.tar.gz.tmp" "$work/$side.tar.gz"
        echo "  done in $(calc "$(date +%s.%N) - $start" 1) s"
    fi
done
entries_a=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entries"])' "$work/a.json")
entries_b=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entries"])' "$work/b.json")
bytes_a=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$work/a.json")
# Same page-cache state for every tool: both files read once before timing.
cat "$work/a.tar.gz" "$work/b.tar.gz" > /dev/null

# --- measuring ------------------------------------------------------------------------------------------------
echo "measuring igzip -dc of both layers ..."
read -r t_igzip rss_igzip _ < <(best sh -c "igzip -dc '$work/a.tar.gz' > /dev/null && igzip -dc '$work/b.tar.gz' > /dev/null")
echo "measuring layerscope-cli diff ..."
read -r t_ls rss_ls status_ls < <(best sh -c "'$cli' diff --json '$work/a.tar.gz' '$work/b.tar.gz' > '$work/diff.json'")

# The diff must also be right: exactly the generated differences, classified as intended.
python3 - "$work/diff.json" "$work/b.json" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
truth = json.load(open(sys.argv[2]))
s = result["summary"]
ok = s["unexpected"] == truth["unexpected"] and s["expected"] == truth["expected"]
print(f"diff result: {s['unexpected']} unexpected, {s['expected']} expected, {s['identical']} identical "
      f"({'as generated' if ok else 'WRONG: expected %d/%d' % (truth['unexpected'], truth['expected'])})")
sys.exit(0 if ok else 1)
PY
[ "$status_ls" = 1 ] || { echo "diff.sh: layerscope-cli diff exited $status_ls, expected 1" >&2; exit 1; }

diffoscope_line="not installed (apt-get install diffoscope)"
if command -v diffoscope >/dev/null; then
    echo "measuring diffoscope (at most ${diffoscope_timeout}s) ..."
    # diffoscope unpacks into TMPDIR and may spend minutes cleaning up after TERM: KILL it 30 s later and keep its
    # leftovers inside the work folder.
    mkdir -p "$work/diffoscope-tmp"
    read -r t_do rss_do status_do < <(TMPDIR=$work/diffoscope-tmp measure timeout -k 30 "$diffoscope_timeout" \
        diffoscope --no-progress --text "$work/diffoscope.txt" "$work/a.tar.gz" "$work/b.tar.gz")
    rm -rf "$work/diffoscope-tmp"
    if [ "$status_do" = 124 ] || [ "$status_do" = 137 ]; then
        diffoscope_line="did not finish within ${diffoscope_timeout} s (> $(calc "$diffoscope_timeout / $t_ls" 0)x layerscope's time)"
    else
        diffoscope_line="$t_do s, peak RSS $((rss_do / 1024)) MiB, exit $status_do — $(calc "$t_do / $t_ls" 1)x layerscope's time"
    fi
fi

# --- report ---------------------------------------------------------------------------------------------------
size_a=$(stat -c %s "$work/a.tar.gz")
size_b=$(stat -c %s "$work/b.tar.gz")
echo
echo "== layerscope-cli diff benchmark =="
echo "inputs: a.tar.gz $((size_a / 1048576)) MiB, b.tar.gz $((size_b / 1048576)) MiB (gzip);" \
     "$((bytes_a / 1048576)) MiB of file data; $entries_a / $entries_b entries"
echo "igzip -dc a + b:        $t_igzip s, peak RSS $((rss_igzip / 1024)) MiB"
echo "layerscope-cli diff:    $t_ls s, peak RSS $((rss_ls / 1024)) MiB" \
     "= $(( rss_ls * 1024 / (entries_a + entries_b) )) bytes per entry of both trees, buffers included"
echo "ratio diff / igzip:     $(calc "$t_ls / $t_igzip")x   (target <= 1.3x)"
echo "diffoscope:             $diffoscope_line"
