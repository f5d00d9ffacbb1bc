# Shared by the bench_*.sh scripts: the one table format run_all.sh stitches together, and
# hyperfine's exported results ($TMP/r.json) read back.

# row NAME MEDIAN BASELINE RATIO: one line of the table.
row() { printf '%-52s %12s %12s %8s\n' "$1" "$2" "$3" "$4"; }
# header: the table's first line.
header() { row "benchmark" "median" "baseline" "ratio"; }
# ratio A B [PLACES]: A / B with PLACES decimals (default 3).
ratio() { awk -v a="$1" -v b="$2" -v p="${3:-3}" 'BEGIN { printf "%." p "f", a / b }'; }
# ms SECONDS: seconds written as milliseconds.
ms() { awk -v x="$1" 'BEGIN { printf "%.2f ms", x * 1000 }'; }
# median N / cpu N: the Nth command's median wall time and mean CPU time (user + system), seconds.
median() { jq -r ".results[$1].median" "$TMP/r.json"; }
cpu() { jq -r ".results[$1] | .user + .system" "$TMP/r.json"; }  # steadier than wall time on a shared machine
