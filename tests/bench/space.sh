#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of `layerscope-cli space --json` (issue 17) against `layerscope-cli inspect --json` of the same image,
# measured in one run. Both read every layer once (decompressing it and verifying its diff_id); space also hashes
# every file (for duplicate content), keeps every layer's tree, merges them and measures. Target: space <= 1.1x
# inspect. `space --no-hash` (no duplicate detection) is timed too, and peak memory of each is printed.
#
# usage: tests/bench/space.sh [BUILD_DIR]          (default: build/)
# environment: WORK=DIR   keep the generated image there and reuse it on the next run
#              FILES=N    files per layer (default 30000: ~650 MB uncompressed per layer)
#              REPEAT=N   timed runs per command; the fastest counts (default 3)
# The image is an OCI layout of two layers from tests/bench/difflayers.py: "a" as the base and "b" on top, which
# rewrites nearly every file of "a" (so about half the bytes are hidden) and differs from it in 400 places. Not run
# by ctest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cli=$build/app/cli/layerscope-cli
files=${FILES:-30000}
repeat=${REPEAT:-3}

source "$here/benchlib.sh"
bench_setup space.sh igzip python3 /usr/bin/time

difflayers_image "a:Apply image 10.0.20348.2113" "b:cmd /S /C rewrite every file"

echo "measuring layerscope-cli inspect --json ..."
read -r t_inspect rss_inspect status_inspect < <(best sh -c "'$cli' inspect --json '$image' > '$work/inspect.json'")
[ "$status_inspect" = 0 ] || { echo "space.sh: inspect exited $status_inspect" >&2; exit 1; }
echo "measuring layerscope-cli space --json ..."
read -r t_space rss_space status_space < <(best sh -c "'$cli' space --json '$image' > '$work/space.json'")
[ "$status_space" = 0 ] || { echo "space.sh: space exited $status_space" >&2; exit 1; }
echo "measuring layerscope-cli space --json --no-hash ..."
read -r t_nohash rss_nohash _ < <(best sh -c "'$cli' space --json --no-hash '$image' > /dev/null")

# And it must be consistent: every layer's bytes are either visible or hidden.
python3 - "$work/space.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ok = all(l["visibleBytes"] + l["hiddenBytes"] == l["bytes"] for l in r["layers"])
ok = ok and r["exact"]["shippedBytes"] == sum(l["bytes"] for l in r["layers"])
print(f"space result: efficiency {r['efficiency']:.4f}, shipped {r['exact']['shippedBytes'] >> 20} MiB, "
      f"hidden {r['exact']['hiddenBytes'] >> 20} MiB, {r['duplicates']['groups']} duplicate groups "
      f"({'consistent' if ok else 'INCONSISTENT'})")
sys.exit(0 if ok else 1)
PY

stored=$(( $(stat -c %s "$work/a.tar.gz") + $(stat -c %s "$work/b.tar.gz") ))
tar=$(python3 -c 'import json,sys; print(sum(l["uncompressedSize"] for l in json.load(open(sys.argv[1]))["layers"]))' "$work/inspect.json")
entries=$(python3 -c 'import json,sys; print(sum(l["counts"]["entries"] for l in json.load(open(sys.argv[1]))["layers"]))' "$work/inspect.json")
echo
echo "== layerscope-cli space benchmark =="
echo "input: 2 layers, $((stored / 1048576)) MiB gzip, $((tar / 1048576)) MiB tar, $entries entries"
echo "inspect --json:               $t_inspect s, peak RSS $((rss_inspect / 1024)) MiB"
echo "space --json:                 $t_space s, peak RSS $((rss_space / 1024)) MiB"
echo "space --json --no-hash:       $t_nohash s, peak RSS $((rss_nohash / 1024)) MiB"
echo "ratio space / inspect:        $(calc "$t_space / $t_inspect")x   (target <= 1.1x)"
echo "ratio space --no-hash / inspect: $(calc "$t_nohash / $t_inspect")x"
