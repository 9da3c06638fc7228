#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of `layerscope-cli squash` (issue 17) beside `layerscope-cli inspect --json` of the same image, measured
# in one run, with peak memory and the peak temporary space beside the output. Squash reads every layer up to the
# top of the range once to build the trees (as inspect does, without hashing files), reads the range's layers a
# second time — all at once, merged straight into the output — and writes the squashed layer (gzip for an OCI
# output, staged beside the output) and copies the kept layers' blobs. So it is expected to cost roughly inspect +
# one more decompression of the range + one compression of the result, with temporary space at most the output's.
#
# usage: tests/bench/squash.sh [BUILD_DIR]          (default: build/)
# environment: WORK=DIR   keep the generated image there and reuse it on the next run
#              FILES=N    files per layer (default 30000: ~650 MB uncompressed per layer)
#              REPEAT=N   timed runs per command; the fastest counts (default 3)
# The image is an OCI layout of three layers from tests/bench/difflayers.py: "a" as the base, "b" on top (rewrites
# nearly every file), then "a" again (rewrites them back), so squashing 1..2 keeps about one layer's worth of data.
# Not run by ctest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cli=$build/app/cli/layerscope-cli
files=${FILES:-30000}
repeat=${REPEAT:-3}

source "$here/benchlib.sh"
bench_setup squash.sh igzip python3 /usr/bin/time

difflayers_image "a:Apply image 10.0.20348.2113" "b:cmd /S /C rewrite every file" "a:cmd /S /C rewrite them back"

echo "measuring layerscope-cli inspect --json ..."
read -r t_inspect rss_inspect status < <(best sh -c "'$cli' inspect --json '$image' > '$work/inspect.json'")
[ "$status" = 0 ] || { echo "squash.sh: inspect exited $status" >&2; exit 1; }
echo "measuring layerscope-cli squash (OCI output, gzip layer) ..."
read -r t_oci rss_oci status < <(best sh -c "'$cli' squash --force --json '$image' -o '$work/squashed' > '$work/squash.json'")
[ "$status" = 0 ] || { echo "squash.sh: squash exited $status" >&2; exit 1; }
echo "measuring layerscope-cli squash --format layer (plain tar) ..."
read -r t_layer rss_layer status < <(best sh -c "'$cli' squash --force --format layer '$image' -o '$work/squashed.tar' > /dev/null")
[ "$status" = 0 ] || { echo "squash.sh: squash --format layer exited $status" >&2; exit 1; }

# Temporary space: the hidden files and folders beside the output (the staged layer, spill files, the output's own
# temporary name), sampled every 20 ms during one more OCI run; the output counts once it is in place.
echo "measuring the temporary space of squash (OCI output) ..."
rm -rf "$work/squashed"
"$cli" squash --json "$image" -o "$work/squashed" > "$work/squash.json" &
squash_pid=$!
peak_temp=0
while kill -0 "$squash_pid" 2>/dev/null; do
    now=$( (du -sb "$work"/.[!.]* "$work"/..?* 2>/dev/null || true) | awk '{ s += $1 } END { print s + 0 }')
    [ "$now" -gt "$peak_temp" ] && peak_temp=$now
    sleep 0.02
done
wait "$squash_pid" || { echo "squash.sh: squash exited $?" >&2; exit 1; }
output_size=$(du -sb "$work/squashed" | cut -f1)
spilled=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["spilledBytes"])' "$work/squash.json")

# And it must be right: the squashed image verifies and shows the same merged tree.
"$cli" verify "$image" > /dev/null
"$cli" verify "$work/squashed" > /dev/null || { echo "squash.sh: the squashed image does not verify" >&2; exit 1; }
"$cli" tree --merged --json "$image" | python3 -c 'import json,sys; e=json.load(sys.stdin)["entries"]; [x.pop("layer") for x in e]; json.dump(e, open(sys.argv[1], "w"))' "$work/tree-a.json"
"$cli" tree --merged --json "$work/squashed" | python3 -c 'import json,sys; e=json.load(sys.stdin)["entries"]; [x.pop("layer") for x in e]; json.dump(e, open(sys.argv[1], "w"))' "$work/tree-b.json"
cmp -s "$work/tree-a.json" "$work/tree-b.json" || { echo "squash.sh: merged trees differ" >&2; exit 1; }

stored=$(( 2 * $(stat -c %s "$work/a.tar.gz") + $(stat -c %s "$work/b.tar.gz") ))
tar=$(python3 -c 'import json,sys; print(sum(l["uncompressedSize"] for l in json.load(open(sys.argv[1]))["layers"]))' "$work/inspect.json")
entries=$(python3 -c 'import json,sys; print(sum(l["counts"]["entries"] for l in json.load(open(sys.argv[1]))["layers"]))' "$work/inspect.json")
squashed=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["entries"], r["whiteouts"])' "$work/squash.json")
echo
echo "== layerscope-cli squash benchmark =="
echo "input: 3 layers, $((stored / 1048576)) MiB gzip, $((tar / 1048576)) MiB tar, $entries entries; squashed layer: ${squashed% *} entries, ${squashed#* } whiteouts"
echo "inspect --json:               $t_inspect s, peak RSS $((rss_inspect / 1024)) MiB"
echo "squash (oci, gzip):           $t_oci s, peak RSS $((rss_oci / 1024)) MiB"
echo "squash --format layer (tar):  $t_layer s, peak RSS $((rss_layer / 1024)) MiB"
echo "peak temporary space:         $((peak_temp / 1048576)) MiB beside an output of $((output_size / 1048576)) MiB (spilled $spilled bytes)"
echo "ratio squash oci / inspect:   $(calc "$t_oci / $t_inspect")x"
echo "ratio squash tar / inspect:   $(calc "$t_layer / $t_inspect")x"
echo "merged tree of the squashed image: identical; verify: ok"
