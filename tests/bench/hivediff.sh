#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of `layerscope-cli hive diff` (issue 13) on two ~50 MB hives that differ in a known set of edits,
# measured in one run against the reference way of comparing hives on Linux: dump both with hivexml
# (libhivex-bin) and compare the dumps with diff(1). Targets: ours <= 1 s whole-process, and well
# ahead of the reference.
#
# usage: tests/bench/hivediff.sh [BUILD_DIR]          (default: build/)
# environment: WORK=DIR     keep the generated hives there and reuse them on the next run
#              HIVE_GROUPS=N HIVE_KEYS=N   hive shape (default 40 x 370 keys of 8 values: about 50 MB)
#              REPEAT=N     timed runs per tool; the fastest counts (default 3)
# Not run by ctest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cli=$build/app/cli/layerscope-cli
groups=${HIVE_GROUPS:-40}
keys=${HIVE_KEYS:-370}
repeat=${REPEAT:-3}

for tool in /usr/bin/python3 hivexml /usr/bin/time diff; do
    command -v "$tool" >/dev/null || { echo "hivediff.sh: $tool is required (python3-hivex, libhivex-bin)" >&2; exit 2; }
done
[ -x "$cli" ] || { echo "hivediff.sh: $cli not built (cmake --build $build --target layerscope-cli)" >&2; exit 2; }

work=${WORK:-$(mktemp -d /tmp/layerscope-hivebench.XXXXXX)}
mkdir -p "$work"
echo "work folder: $work"
source "$here/benchlib.sh"

# --- inputs: A, and B = A with 100 edits made by hivex ----------------------------------------------------------
if [ ! -s "$work/a.hive" ]; then
    echo "generating a.hive ($groups x $keys keys) ..."
    /usr/bin/python3 "$here/bighive.py" "$work/a.hive" --groups "$groups" --keys "$keys"
fi
if [ ! -s "$work/b.hive" ]; then
    edits=$(/usr/bin/python3 - "$groups" "$keys" <<'PY'
import json, sys
groups, keys = int(sys.argv[1]), int(sys.argv[2])
e = []
for i in range(25):
    g, k = (i * 7) % groups, (i * 131) % keys
    e.append({"op": "set-value", "path": f"Vendor{g:03d}\\Component{k:05d}", "name": "Version", "type": 4,
              "hex": "ffffffff"})
    e.append({"op": "delete-value", "path": f"Vendor{g:03d}\\Component{(k + 1) % keys:05d}", "name": "Notes"})
    e.append({"op": "add-key", "path": f"Vendor{g:03d}\\Added{i:03d}"})
    e.append({"op": "delete-key", "path": f"Vendor{(g + 1) % groups:03d}\\Component{(k + 2) % keys:05d}"})
print(json.dumps(e))
PY
)
    /usr/bin/python3 "$root/tests/fixtures/hiveedit.py" "$work/a.hive" "$work/b.hive" "$edits"
fi
ls -l "$work/a.hive" "$work/b.hive"

# --- the check: exactly the 100 edits -----------------------------------------------------------------------------
"$cli" hive diff --json "$work/a.hive" "$work/b.hive" >"$work/ours.json" || true
/usr/bin/python3 - "$work/ours.json" <<'PY'
import collections, json, sys
j = json.load(open(sys.argv[1]))
kinds = collections.Counter(c["kind"] for c in j["changes"])
print("hive diff found:", dict(kinds))
expected = {"value-changed": 25, "value-removed": 25, "key-added": 25, "key-removed": 25}
if dict(kinds) != expected:
    sys.exit(f"hivediff.sh: expected {expected}")
PY

# --- timing ---------------------------------------------------------------------------------------------------------
reference() {
    hivexml "$work/a.hive" >"$work/a.xml"
    hivexml "$work/b.hive" >"$work/b.xml"
    diff "$work/a.xml" "$work/b.xml" >"$work/xml.diff" || [ $? -eq 1 ]
}
export -f reference
export work

read -r ours_s ours_kib ours_status < <(best sh -c "'$cli' hive diff --json '$work/a.hive' '$work/b.hive' > '$work/ours.json'")
[ "$ours_status" = 1 ] || { echo "hivediff.sh: hive diff exited $ours_status (expected 1)" >&2; exit 1; }
read -r ref_s ref_kib _ < <(best bash -c reference)

size=$(stat -c %s "$work/a.hive")
echo
printf "%-44s %8s %10s\n" "tool" "seconds" "peak MiB"
printf "%-44s %8s %10s\n" "layerscope-cli hive diff --json" "$ours_s" "$(calc "$ours_kib / 1024" 0)"
printf "%-44s %8s %10s\n" "hivexml x2 + diff (reference)" "$ref_s" "$(calc "$ref_kib / 1024" 0)"
echo
echo "hive size: $(calc "$size / 1048576" 1) MiB each"
echo "ratio ours / reference: $(calc "$ours_s / $ref_s" 3)   (target: < 1)"
echo "ours: ${ours_s} s   (target: <= 1 s)"
