#!/usr/bin/env bash
# Benchmark (not a test), issue #7: `lever report clinic` and `lever report athlete` on a large
# clinic store (1,000 athletes, 50,000 sessions, 200,000 pain entries) against jq computing the same
# aggregates from the same files (tests/bench/jq, checked equal by tests/e2e/test_report_jq.sh).
# Targets: lever at least 10 times faster than jq, and report clinic under one second. Measured as a
# clinic runs them (the session index, cache/sessions.index, in place and current), and once more
# with the index removed before every run (the first report after it is lost).
# The store is generated once and kept (BENCH_STORE, default build/bench-store beside the binary).
# Usage: tests/bench/bench_report.sh [path/to/lever]   (needs hyperfine and jq)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
LEVER=$(readlink -f "${1:-${LEVER:-build/lever}}")
GEN=$(dirname "$LEVER")/tests/gen_store
STORE=${BENCH_STORE:-$(dirname "$LEVER")/bench-store}
RUNS=${BENCH_RUNS:-10}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export TZ=UTC NO_COLOR=1

if [ ! -e "$STORE/.complete" ] || [ "$GEN" -nt "$STORE/.complete" ]; then
  rm -rf "$STORE"
  "$GEN" "$STORE" 1000 50000 200000 >&2
  touch "$STORE/.complete"
fi
ATH=ath-0421

. "$(dirname "$0")/lib.sh"
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$TMP/r.json" \
  "env LEVER_STORE=$STORE $LEVER --json report clinic" \
  "env LEVER_STORE=$STORE $LEVER --json report athlete $ATH" >/dev/null 2>&1
lc=$(median 0); la=$(median 1); lcc=$(cpu 0); lac=$(cpu 1)
# The first report after the index is lost (or after every session changed): it reads every file.
hyperfine --warmup 1 --runs "$RUNS" --prepare "rm -rf $STORE/cache" --export-json "$TMP/r.json" \
  "env LEVER_STORE=$STORE $LEVER --json report clinic" \
  "env LEVER_STORE=$STORE $LEVER --json report athlete $ATH" >/dev/null 2>&1
lc0=$(median 0); la0=$(median 1)
hyperfine -N --warmup 1 --runs "$(( RUNS < 5 ? RUNS : 5 ))" --export-json "$TMP/r.json" \
  "bash $here/jq/clinic.sh $STORE" \
  "bash $here/jq/athlete.sh $STORE $ATH" >/dev/null 2>&1
jc=$(median 0); ja=$(median 1); jcc=$(cpu 0); jac=$(cpu 1)
header
row "report clinic (50k sessions) vs jq" "$(ms "$lc")" "$(ms "$jc")" "$(ratio "$lc" "$jc" 2)"
row "report athlete (50k sessions) vs jq" "$(ms "$la")" "$(ms "$ja")" "$(ratio "$la" "$ja" 2)"
row "report clinic, no session index yet, vs jq" "$(ms "$lc0")" "$(ms "$jc")" "$(ratio "$lc0" "$jc" 2)"
row "report athlete, no session index yet, vs jq" "$(ms "$la0")" "$(ms "$ja")" "$(ratio "$la0" "$ja" 2)"
row "report clinic CPU time (user+sys) vs jq" "$(ms "$lcc")" "$(ms "$jcc")" "$(ratio "$lcc" "$jcc" 2)"
row "report athlete CPU time (user+sys) vs jq" "$(ms "$lac")" "$(ms "$jac")" "$(ratio "$lac" "$jac" 2)"
row "report clinic vs the 1 s target" "$(ms "$lc")" "$(ms 1)" "$(ratio "$lc" 1 2)"
