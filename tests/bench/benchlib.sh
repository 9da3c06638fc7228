# SPDX-License-Identifier: Apache-2.0
# Shared by the benchmark scripts: timing with peak memory, best-of-N, decimal arithmetic. Expects $work and
# $repeat to be set by the caller.

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
