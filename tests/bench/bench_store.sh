#!/usr/bin/env bash
# Benchmark (not a test): the cost of logging pain must not grow with history, and start-up is
# compared with `jq -n 1` as a process start-up baseline. Prints medians and ratios.
# Usage: tests/bench/bench_store.sh [path/to/lever]   (needs hyperfine and jq)
set -euo pipefail
LEVER=${1:-${LEVER:-build/lever}}
LEVER=$(readlink -f "$LEVER")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export LEVER_USER=bench NO_COLOR=1
RUNS=${BENCH_RUNS:-60}

mk_store() {  # mk_store DIR N: a store with athlete ann and N prior pain entries
  LEVER_STORE=$1 "$LEVER" -q athlete add ann --mass 70 >/dev/null
  if [ "$2" -gt 0 ]; then
    { echo "athlete_id,score,when,at"; for i in $(seq 1 "$2"); do echo "ann,$((i % 11)),after,-2h"; done; } >"$TMP/seed.csv"
    LEVER_STORE=$1 "$LEVER" -q log-pain --import "$TMP/seed.csv" >/dev/null
  fi
}
mk_store "$TMP/empty" 0
mk_store "$TMP/full" 100000

. "$(dirname "$0")/lib.sh"
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$TMP/r.json" \
  "env LEVER_STORE=$TMP/empty $LEVER -q log-pain ann 3" \
  "env LEVER_STORE=$TMP/full $LEVER -q log-pain ann 3" >/dev/null 2>&1
e=$(median 0); f=$(median 1)
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$TMP/r.json" \
  "jq -n 1" "$LEVER --version" "env LEVER_STORE=$TMP/full $LEVER athlete show ann" >/dev/null 2>&1
j=$(median 0); v=$(median 1); s=$(median 2)
header
row "log-pain, 100k prior entries vs empty store" "$(ms "$f")" "$(ms "$e")" "$(ratio "$f" "$e" 2)"
row "lever --version vs jq -n 1" "$(ms "$v")" "$(ms "$j")" "$(ratio "$v" "$j" 2)"
row "lever athlete show (100k entries) vs jq -n 1" "$(ms "$s")" "$(ms "$j")" "$(ratio "$s" "$j" 2)"
