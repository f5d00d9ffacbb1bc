# Stage timing for .ci/run: `stage NAME` ends the stage before it (printing its duration) and starts
# NAME; `ctest_stage TAG CMD...` runs a ctest command line (CMD may start with a wrapper such as
# setarch) keeping its output to list the slowest tests; `stages_summary` prints every stage's
# duration and the tests that took more than 5 % of the whole run.
CI_T0=${CI_T0:-$SECONDS}
CI_LOGS=${CI_LOGS:-$(mktemp -d)}
export CI_T0 CI_LOGS
STAGE_NAME=""
STAGE_T0=$SECONDS

stage() {
  if [ -n "$STAGE_NAME" ]; then
    printf '%s\t%d\n' "$STAGE_NAME" $((SECONDS - STAGE_T0)) >>"$CI_LOGS/stages"
    echo "=== stage done: $STAGE_NAME in $((SECONDS - STAGE_T0)) s (run so far $((SECONDS - CI_T0)) s)"
  fi
  STAGE_NAME=$1
  STAGE_T0=$SECONDS
  echo "=== stage: $STAGE_NAME"
}

ctest_stage() {
  local tag=$1
  shift
  set -o pipefail
  "$@" 2>&1 | tee "$CI_LOGS/ctest-$tag.log"
}

stages_summary() {
  stage ""
  local total=$((SECONDS - CI_T0))
  echo "=== .ci/run: $total s in all"
  awk -F'\t' -v t="$total" '$1 != "" { printf "  %-28s %6d s  %5.1f %%\n", $1, $2, 100 * $2 / t }' "$CI_LOGS/stages"
  echo "=== the slowest tests (seconds, share of the whole run; * over 5 %):"
  local f
  for f in "$CI_LOGS"/ctest-*.log; do
    [ -f "$f" ] || continue
    sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) .* Passed *\([0-9.]*\) sec$/\2 \1/p' "$f" |
      sed "s/\$/ ($(basename "$f" .log | sed 's/^ctest-//'))/"
  done | awk -v t="$total" '{ printf "%8.1f %5.1f %% %s %s %s\n", $1, 100 * $1 / t, (100 * $1 / t > 5 ? "*" : " "), $2, $3 }' |
    sort -rn | head -12
}
