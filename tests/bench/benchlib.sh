# SPDX-License-Identifier: Apache-2.0
# Shared by the benchmark scripts: the set-up they share, timing with peak memory, best-of-N, decimal arithmetic.
# Expects $cli and $build (and, for best, $repeat) to be set by the caller.

# The start of every benchmark: the tools it needs are there, the CLI is built, and $work is the work folder ($WORK,
# kept for the next run, or a new one). bench_setup NAME TOOL...
bench_setup() {
    local name=$1 tool
    shift
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$name: $tool is required" >&2; exit 2; }
    done
    [ -x "$cli" ] || { echo "$name: $cli not built (cmake --build $build --target layerscope-cli)" >&2; exit 2; }
    work=${WORK:-$(mktemp -d "/tmp/layerscope-${name%.sh}bench.XXXXXX")}
    mkdir -p "$work"
    echo "work folder: $work"
}

# An OCI layout in $work/image of tests/bench/difflayers.py's layers "a" and "b" ($files files each, gzip), one
# layer per argument "VARIANT:created-by", base first; kept in $work for the next run. Sets $image to its path.
difflayers_image() {
    local here variant
    here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
    for variant in a b; do
        if [ ! -s "$work/$variant.tar.gz" ]; then
            echo "generating $variant.tar.gz ($files files) ..."
            python3 "$here/difflayers.py" "$variant" --files "$files" | igzip -1 -c > "$work/$variant.tar.gz.tmp"
            mv "$work/$variant.tar.gz.tmp" "$work/$variant.tar.gz"
        fi
    done
    if [ ! -s "$work/image/index.json" ]; then
        echo "assembling the OCI layout ..."
        rm -rf "$work/image"
        python3 "$here/ocilayout.py" "$work" "$@"
    fi
    cat "$work/a.tar.gz" "$work/b.tar.gz" > /dev/null # the same page-cache state for every command
    image=$work/image
}

# Arithmetic on decimals without bc (not installed everywhere): calc EXPR [DECIMALS].
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }

# Runs a command under /usr/bin/time -v; prints "<seconds> <peak RSS KiB> <exit status>".
measure() {
    local out=$work/time.txt status=0
    /usr/bin/time -v -o "$out" "$@" || status=$?
    awk -v status="$status" '
        /Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
        /Maximum resident set size/ { rss = $NF }
        END { printf "%.3f %d %d\n", s, rss, status }' "$out"
}

# The fastest of $repeat runs: "<seconds> <peak RSS KiB> <exit status>".
best() {
    local best_line="" line
    for _ in $(seq "$repeat"); do
        line=$(measure "$@")
        if [ -z "$best_line" ] || awk -v a="${line%% *}" -v b="${best_line%% *}" 'BEGIN { exit !(a < b) }'; then
            best_line=$line
        fi
    done
    echo "$best_line"
}
