#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of a million-entry Windows base layer (issue 15 part 2): peak memory of the commands whose cost grows
# with the number of entries, and the listing speed against general tar listers, measured in one run on the same
# uncompressed tar (~2.3 GB for 1M entries):
#   - `inspect --json` (summary only; target <= 150 MiB peak RSS),
#   - `tree` as text (target <= 250 MiB),
#   - `inspect --json --entries` and `tree --json`, which stream their documents (target <= 300 MiB),
#   - `inspect --json --no-hash` against `bsdtar -tf` (target <= 1.2x) and GNU `tar -tf`,
#   - the app opening the layer (offscreen, until its first screenshot) against `tree`, which builds the same
#     index (target <= 2x time and <= 2x memory).
#
# usage: tests/bench/million.sh [BUILD_DIR]          (default: build/)
# environment: WORK=DIR    keep the generated layer there and reuse it on the next run
#              ENTRIES=N   entries in the layer (default 1000000)
#              REPEAT=N    timed runs of the speed comparison; the fastest counts (default 3). Memory runs once.
# The layer comes from tests/bench/millionlayer.py (backuptar-style Windows entries with Go-style PAX records).
# Not run by ctest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cli=$build/app/cli/layerscope-cli
app=$build/app/gui/layerscope
entries=${ENTRIES:-1000000}
repeat=${REPEAT:-3}

source "$here/benchlib.sh"
bench_setup million.sh bsdtar tar python3 /usr/bin/time

layer=$work/million-$entries.tar
if [ ! -s "$layer" ]; then
    echo "generating $(basename "$layer") ($entries entries) ..."
    python3 "$here/millionlayer.py" --entries "$entries" --manifest "$work/million-$entries.json" > "$layer.tmp"
    mv "$layer.tmp" "$layer"
fi
cat "$layer" > /dev/null # same page-cache state for every tool

# Memory: once each, output to a file (the streamed documents are several GB for a million entries).
peak() { # peak NAME COMMAND...: runs it, checks the exit status, prints the peak RSS in MiB
    local name=$1 t rss status
    shift
    echo "measuring $name ..." >&2
    read -r t rss status < <(measure "$@")
    [ "$status" = 0 ] || { echo "million.sh: $name exited $status" >&2; exit 1; }
    echo "$((rss / 1024)) $t"
}
read -r mem_inspect t_inspect < <(peak "inspect --json" sh -c "'$cli' inspect --json '$layer' > '$work/inspect.json'")
read -r mem_tree t_tree < <(peak "tree" sh -c "'$cli' tree '$layer' > /dev/null")
read -r mem_entries t_entries < <(peak "inspect --json --entries" \
    sh -c "'$cli' inspect --json --entries '$layer' > /dev/null")
read -r mem_treejson t_treejson < <(peak "tree --json" sh -c "'$cli' tree --json '$layer' > /dev/null")
if [ -x "$app" ]; then
    read -r mem_app t_app < <(peak "app" env QT_QPA_PLATFORM=offscreen "$app" --screenshot "$work/shots" "$layer")
fi

# And it must be right: the counts the generator wrote, a Windows base layer, no problems.
python3 - "$work/inspect.json" "$work/million-$entries.json" <<'PY'
import json, sys
report, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ok = report["counts"] == truth["counts"] and report["layout"] == "windows-base" and not report["problems"]
print(f"inspect result: {report['counts']['entries']} entries, layout {report['layout']}, "
      f"{len(report['problems'])} problems ({'as generated' if ok else 'WRONG: expected %s' % truth['counts']})")
sys.exit(0 if ok else 1)
PY

# Speed: best of $repeat.
echo "measuring bsdtar -tf ..."
read -r t_bsdtar rss_bsdtar _ < <(best sh -c "bsdtar -tf '$layer' > /dev/null")
echo "measuring tar -tf ..."
read -r t_gnutar rss_gnutar _ < <(best sh -c "tar --warning=no-unknown-keyword -tf '$layer' > /dev/null")
echo "measuring inspect --json --no-hash ..."
read -r t_nohash rss_nohash _ < <(best sh -c "'$cli' inspect --json --no-hash '$layer' > /dev/null")

size=$(stat -c %s "$layer")
echo
echo "== layerscope-cli at a million entries =="
echo "input: $((size / 1048576)) MiB tar, $entries entries"
echo "inspect --json:               $t_inspect s, peak RSS $mem_inspect MiB   (target <= 150 MiB)"
echo "tree (text):                  $t_tree s, peak RSS $mem_tree MiB   (target <= 250 MiB)"
echo "inspect --json --entries:     $t_entries s, peak RSS $mem_entries MiB   (target <= 300 MiB)"
echo "tree --json:                  $t_treejson s, peak RSS $mem_treejson MiB   (target <= 300 MiB)"
echo "bsdtar -tf:                   $t_bsdtar s, peak RSS $((rss_bsdtar / 1024)) MiB"
echo "tar -tf (GNU):                $t_gnutar s, peak RSS $((rss_gnutar / 1024)) MiB"
echo "inspect --json --no-hash:     $t_nohash s, peak RSS $((rss_nohash / 1024)) MiB"
echo "ratio inspect --no-hash / bsdtar -tf:   $(calc "$t_nohash / $t_bsdtar")x   (target <= 1.2x)"
echo "ratio inspect --no-hash / GNU tar -tf:  $(calc "$t_nohash / $t_gnutar")x"
if [ -n "${t_app:-}" ]; then
    echo "app open (offscreen):         $t_app s, peak RSS $mem_app MiB"
    echo "ratio app / tree:             $(calc "$t_app / $t_tree")x time, $(calc "$mem_app / $mem_tree")x memory   (target <= 2x)"
fi
