#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of reading the NTFS inside a virtual disk (issue 12): `layerscope-cli inspect --json` (opening: the
# volume read into the tree index), `tree --no-hash` and `tree --json --no-hash DISK.vhdx` (the listing; `tree`
# hashes every file's data unless told not to, which is timed on its own) against
# libfsntfs's own lister `fsntfsinfo -H` and ntfs-3g's `ntfsls -R` on the same volume, measured in one run, with peak
# memory per entry against `tree --json` of a layer tar of the same size. fsntfsinfo and ntfsls read the raw volume
# (neither opens a VHDX); LayerScope reads it through the VHDX, which is more work. Goal: faster than both.
#
# usage: tests/bench/disk.sh [BUILD_DIR]          (default: build/)
# environment: WORK=DIR   keep the generated disk there and reuse it on the next run
#              FILES=N    files on the volume (default 100000)
#              REPEAT=N   timed runs per command; the fastest counts (default 3)
# The disk comes from tests/bench/bigntfs.py (libntfs-3g, no mount). Not run by ctest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cli=$build/app/cli/layerscope-cli
files=${FILES:-100000}
repeat=${REPEAT:-3}

source "$here/benchlib.sh"
bench_setup disk.sh fsntfsinfo ntfsls mkntfs qemu-img python3 /usr/bin/time

disk=$work/ntfs-$files
if [ ! -s "$disk.vhdx" ]; then
    echo "generating a volume of $files files ..."
    python3 "$here/bigntfs.py" "$disk" "$files"
fi
entries=$(python3 -c "import json; print(json.load(open('$disk.json'))['entries'])")

echo "measuring layerscope-cli tree --no-hash ..."
read -r t_text rss_text status < <(best sh -c "'$cli' tree --no-hash '$disk.vhdx' > '$work/tree.txt'")
[ "$status" = 0 ] || { echo "disk.sh: tree exited $status" >&2; exit 1; }
echo "measuring layerscope-cli tree --json --no-hash ..."
read -r t_tree rss_tree status < <(best sh -c "'$cli' tree --json --no-hash '$disk.vhdx' > '$work/tree.json'")
[ "$status" = 0 ] || { echo "disk.sh: tree exited $status" >&2; exit 1; }
echo "measuring layerscope-cli tree --json (every file's data read and hashed) ..."
read -r t_hashed rss_hashed status < <(best sh -c "'$cli' tree --json '$disk.vhdx' > /dev/null")
[ "$status" = 0 ] || { echo "disk.sh: tree (hashed) exited $status" >&2; exit 1; }
echo "measuring layerscope-cli inspect --json ..."
read -r t_inspect rss_inspect status < <(best sh -c "'$cli' inspect --json '$disk.vhdx' > '$work/inspect.json'")
[ "$status" = 0 ] || { echo "disk.sh: inspect exited $status" >&2; exit 1; }
echo "measuring fsntfsinfo -H ..."
read -r t_fsntfs rss_fsntfs _ < <(best sh -c "fsntfsinfo -H '$disk.raw' > '$work/fsntfsinfo.txt'")
echo "measuring ntfsls -R ..."
read -r t_ntfsls rss_ntfsls _ < <(best sh -c "ntfsls -R -a '$disk.raw' > '$work/ntfsls.txt'")
echo "measuring ntfsls -R -l ..."
read -r t_ntfsls_l rss_ntfsls_l _ < <(best sh -c "ntfsls -R -a -l '$disk.raw' > /dev/null")

# And it must be right: every entry the generator made, and as many names as ntfsls lists.
python3 - "$work/inspect.json" "$work/ntfsls.txt" "$entries" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
listed = sum(1 for line in open(sys.argv[2], encoding="utf-8", errors="replace")
             if line.strip() and line.strip() not in (".", "..") and not line.startswith("/"))
counts = report["volume"]["counts"]
ok = counts["entries"] == int(sys.argv[3]) == listed and not report["volume"]["problems"]
print(f"inspect: {counts['entries']} entries ({counts['hardlinks']} hard links), ntfsls: {listed} names, "
      f"generated: {sys.argv[3]} ({'agree' if ok else 'DISAGREE'})")
sys.exit(0 if ok else 1)
PY

echo
echo "== the NTFS inside a VHDX, $entries entries =="
echo "layerscope-cli tree --no-hash:        $t_text s, peak RSS $((rss_text / 1024)) MiB (one line per entry: type, attributes, size, time, path)"
echo "layerscope-cli tree --json --no-hash: $t_tree s, peak RSS $((rss_tree / 1024)) MiB ($(calc "$rss_tree * 1024 / $entries" 0) B/entry, the process's own ~15 MiB included)"
echo "layerscope-cli tree --json (hashed):  $t_hashed s, peak RSS $((rss_hashed / 1024)) MiB"
echo "layerscope-cli inspect --json: $t_inspect s, peak RSS $((rss_inspect / 1024)) MiB"
echo "fsntfsinfo -H (raw volume):   $t_fsntfs s, peak RSS $((rss_fsntfs / 1024)) MiB"
echo "ntfsls -R (raw volume):       $t_ntfsls s, peak RSS $((rss_ntfsls / 1024)) MiB   (names from the folder indexes only)"
echo "ntfsls -R -l (raw volume):    $t_ntfsls_l s, peak RSS $((rss_ntfsls_l / 1024)) MiB   (opens every file record, as we do)"
for pair in "inspect --json:$t_inspect" "tree --no-hash:$t_text" "tree --json --no-hash:$t_tree"; do
    name=${pair%:*} t=${pair##*:}
    echo "$name against fsntfsinfo -H: $(calc "$t / $t_fsntfs")x, ntfsls -R: $(calc "$t / $t_ntfsls")x, ntfsls -R -l: $(calc "$t / $t_ntfsls_l")x   (goal < 1x)"
done
