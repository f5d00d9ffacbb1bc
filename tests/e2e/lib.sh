# Shared helpers for the end-to-end suites: each suite sources this, gets a private temp store,
# and calls the real binary ($LEVER). A failed expectation prints what happened and exits 1.
set -u
: "${LEVER:?LEVER must name the lever binary}"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lever-e2e.XXXXXX")
export LEVER_STORE="$TMP/store"
export LEVER_USER=e2e
export NO_COLOR=1
export TZ=UTC
# Typed loads check that the model keeps every stored field (lever/store/typed.hpp).
export LEVER_MODEL_CHECK=1
trap 'rm -rf "$TMP"' EXIT
FAILS=0
PASSES=0
# For suites that run one athlete several times in a few seconds to test something else: the plan's
# rest days and sessions per week are overridden as a clinician would (the rule has its own suite,
# test_progression.sh, which moves the clock instead).
REST_OVERRIDE=(--override-rest --reason "e2e: sessions back to back; the rest rule is tested in test_progression")

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { PASSES=$((PASSES + 1)); }

# run CMD...: runs lever with stdout in $OUT, stderr in $ERR and the exit code in $RC; WRAP (an
# array, empty by default) is a command lever runs under, e.g. (faketime "2026-12-01 10:00:00").
WRAP=()
run() {
  "${WRAP[@]}" "$LEVER" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

# expect CODE CMD...: runs lever and checks the exit code.
expect() {
  local want=$1
  shift
  run "$@"
  if [ "$RC" -ne "$want" ]; then
    fail "lever $* exited $RC, expected $want
  stdout: ${OUT:0:400}
  stderr: ${ERR:0:400}"
    return 1
  fi
  pass
}

# has TEXT WHERE: WHERE (e.g. "$ERR") contains TEXT.
has() {
  if [[ "$2" != *"$1"* ]]; then
    fail "expected to find '$1' in: ${2:0:400}"
    return 1
  fi
  pass
}

# lacks TEXT WHERE: WHERE does not contain TEXT.
lacks() {
  if [[ "$2" == *"$1"* ]]; then
    fail "did not expect '$1' in: ${2:0:400}"
    return 1
  fi
  pass
}

# same A B LABEL: two values are equal.
same() {
  if [ "$1" != "$2" ]; then
    fail "$3: got '$1', expected '$2'"
    return 1
  fi
  pass
}

# Suites that repeat an action (kills, concurrency) size themselves by time, not by a count: a slow
# build (the sanitizers) or a loaded machine runs fewer rounds in the same time instead of running
# past ctest's timeout. Each suite still requires its floor (the rounds that prove its property) and
# stops at a ceiling. LEVER_BUDGET_SCALE multiplies every budget (0.5 for a quick local run, 5 for a
# soak); the floors never change.
#
# budget_start SECONDS: starts this suite's budget (scaled).
budget_start() {
  BUDGET_S=$(awk -v s="$1" -v k="${LEVER_BUDGET_SCALE:-1}" 'BEGIN { v = s * k; printf "%d", v < 1 ? 1 : v }')
  BUDGET_T0=$SECONDS
}

# budget_left: true while the budget started by budget_start has time left.
budget_left() { [ $((SECONDS - BUDGET_T0)) -lt "$BUDGET_S" ]; }

# budget_used: seconds spent since budget_start.
budget_used() { echo $((SECONDS - BUDGET_T0)); }

# keep_stores: with LEVER_KEEP_STORES set, copies every store this suite made (each directory under
# $TMP holding a store.json) to $LEVER_KEEP_STORES/<suite>/, so CI can check what real runs wrote
# with an independent schema validator (tests/schema). A store that `lever store check` rejects was
# broken on purpose by its suite, so it is left out (and named). Without the variable, nothing happens.
keep_stores() {
  [ -n "${LEVER_KEEP_STORES:-}" ] || return 0
  local dest s
  dest="$LEVER_KEEP_STORES/$(basename "$0" .sh)"
  while IFS= read -r s; do
    if ! "$LEVER" --store "$s" store check >/dev/null 2>&1; then
      echo "keep_stores: ${s#"$TMP"/} fails 'lever store check'; not kept" >&2
      continue
    fi
    mkdir -p "$dest/${s#"$TMP"}" && cp -a "$s/." "$dest/${s#"$TMP"}/"
  done < <(find "$TMP" -name store.json -printf '%h\n' 2>/dev/null)
}

# finish: prints the tally in the plain form CI reads and exits non-zero on any failure.
finish() {
  keep_stores
  echo "$PASSES passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
