#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmark of `layerscope-cli inspect --json` (issue 2), measured in one run against reference tools on the same
# gzip layer:
#   - `igzip -dc > /dev/null`: the decompression floor (inspect also parses, hashes every file and the whole
#     stream; target <= 1.3x),
#   - `bsdtar -tf`: a general tar lister that reads the same bytes (target: inspect is faster),
#   - peak memory (`/usr/bin/time -v`) for the full layer and for a quarter of it: it must not grow with the data.
#
# usage: tests/bench/inspect.sh [BUILD_DIR]          (default: build/)
# environment: WORK=DIR   keep the generated layer there and reuse it on the next run
#              FILES=N    files in the layer (default 60000: ~1.3 GB uncompressed, ~0.7 GB gzip)
#              REPEAT=N   timed runs per tool; the fastest counts (default 3)
# The layer comes from tests/bench/difflayers.py (backuptar-style Windows entries with PAX records). Not run by
# ctest.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
cli=$build/app/cli/layerscope-cli
files=${FILES:-60000}
repeat=${REPEAT:-3}

source "$here/benchlib.sh"
bench_setup inspect.sh igzip bsdtar python3 /usr/bin/time

generate() { # generate NAME FILES
    if [ ! -s "$work/$1.tar.gz" ]; then
        echo "generating $1.tar.gz ($2 files) ..."
        python3 "$here/difflayers.py" a --files "$2" --manifest "$work/$1.json" | igzip -1 -c > "$work/$1.tar.gz.tmp"
        mv "$work/$1.tar.gz.tmp" "$work/$1.tar.gz"
    fi
}
generate layer "$files"
generate quarter $((files / 4))
cat "$work/layer.tar.gz" "$work/quarter.tar.gz" > /dev/null # same page-cache state for every tool

echo "measuring igzip -dc ..."
read -r t_igzip rss_igzip _ < <(best sh -c "igzip -dc '$work/layer.tar.gz' > /dev/null")
echo "measuring bsdtar -tf ..."
read -r t_bsdtar rss_bsdtar _ < <(best sh -c "bsdtar -tf '$work/layer.tar.gz' > /dev/null")
echo "measuring layerscope-cli inspect --json ..."
read -r t_ls rss_ls status_ls < <(best sh -c "'$cli' inspect --json '$work/layer.tar.gz' > '$work/inspect.json'")
[ "$status_ls" = 0 ] || { echo "inspect.sh: layerscope-cli inspect exited $status_ls" >&2; exit 1; }
read -r t_quarter rss_quarter _ < <(measure sh -c "'$cli' inspect --json '$work/quarter.tar.gz' > /dev/null")
read -r t_nohash rss_nohash _ < <(best sh -c "'$cli' inspect --json --no-hash '$work/layer.tar.gz' > /dev/null")

# And it must be right: the entry count the generator wrote.
python3 - "$work/inspect.json" "$work/layer.json" <<'PY'
import json, sys
report, truth = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
ok = report["counts"]["entries"] == truth["entries"]
print(f"inspect result: {report['counts']['entries']} entries, layout {report['layout']} "
      f"({'as generated' if ok else 'WRONG: expected %d' % truth['entries']})")
sys.exit(0 if ok else 1)
PY

entries=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["entries"])' "$work/layer.json")
size=$(stat -c %s "$work/layer.tar.gz")
uncompressed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["uncompressedSize"])' "$work/inspect.json")
echo
echo "== layerscope-cli inspect benchmark =="
echo "input: $((size / 1048576)) MiB gzip, $((uncompressed / 1048576)) MiB tar, $entries entries"
echo "igzip -dc:                    $t_igzip s, peak RSS $((rss_igzip / 1024)) MiB"
echo "bsdtar -tf:                   $t_bsdtar s, peak RSS $((rss_bsdtar / 1024)) MiB"
echo "inspect --json (hashing):     $t_ls s, peak RSS $((rss_ls / 1024)) MiB"
echo "inspect --json --no-hash:     $t_nohash s, peak RSS $((rss_nohash / 1024)) MiB"
echo "inspect of a quarter layer:   $t_quarter s, peak RSS $((rss_quarter / 1024)) MiB"
echo "ratio inspect / igzip:        $(calc "$t_ls / $t_igzip")x   (target <= 1.3x)"
echo "ratio inspect / bsdtar -tf:   $(calc "$t_ls / $t_bsdtar")x   (target < 1)"
