#!/bin/bash
# Injected I/O errors (tests/shim/iofail.c): every write path of lever, with every errno a disk can
# give and a sweep over the calls each command makes. Each time: exit 1, a message naming the errno
# text and the store file plus a hint, no temp files, `store check` clean, and every record that
# existed before (acknowledged) still there, logs only ever appended to. A session whose telemetry
# cannot be written stops with the unit holding.
source "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/run_lib.sh"
unset LEVER_PORT LEVER_LOCK_TIMEOUT
SHIM="$LEVER_BUILD_DIR/tests/liblever_iofail.so"
# Under ASan the shim comes before the sanitizer runtime in the preload list; that is fine here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
[ -f "$SHIM" ] || { fail "no shim at $SHIM"; finish; exit 1; }
SIM='sim:?clock=virtual'
ERRNOS=(EIO ENOSPC EROFS EDQUOT)
declare -A ETEXT=([EIO]="Input/output error" [ENOSPC]="No space left on device" [EROFS]="Read-only file system"
                  [EDQUOT]="Disk quota exceeded")
WRITE_OPS=open,write,fsync,fdatasync,rename,ftruncate,mkdir
# Each sweep has a time budget (lib.sh: budget_start): where a run of lever is slow (the sanitizers
# make it ten times slower, a loaded machine more) every STRIDE-th call is tried, so the sweep fits.
budget_start 20
SWEEP_BUDGET=$BUDGET_S  # seconds, scaled by LEVER_BUDGET_SCALE

# --- the store every case starts from
expect 0 athlete add ann --mass 75 --cadence 164
expect 0 athlete add bob --mass 80
expect 0 plan new ann --severity moderate
expect 0 log-pain ann 2 --when before
expect 0 calibrate --port "$SIM" --yes --reference 20kg
expect 0 run ann "${REST_OVERRIDE[@]}" --port "$SIM" --pain-before 1 --support 20 --speed 8 --minutes 0.5
expect 0 store check
BASE="$TMP/base"
cp -a "$LEVER_STORE" "$BASE"
printf 'athlete_id,score,when\nann,3,after\nbob,2,after\nann,4,next-day\n' >"$TMP/ok.csv"

restore() {
  rm -rf "$LEVER_STORE"
  cp -a "$BASE" "$LEVER_STORE"
}

# faulty ENV... -- ARGS: runs lever under the shim with the given LEVER_IOFAIL_* settings.
faulty() {
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env LD_PRELOAD="$SHIM" "${envs[@]}" "$LEVER" "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

# verify WHAT ERRNO: the checks after one injected fault.
verify() {
  local what=$1 e=$2
  if [ "$RC" = 1 ]; then
    [[ "$ERR" == *"${ETEXT[$e]}"* && "$ERR" == *"$LEVER_STORE/"* && "$ERR" == *"lever: hint: "* ]] && pass ||
      fail "$what: the message does not name the errno, the file and a remedy: ${ERR:0:400}"
  elif [ "$RC" = 0 ]; then
    # A fault in a call whose failure is harmless (the lock's pid note) or in the audit append,
    # which must then warn: the change itself is saved.
    if grep -q "audit" "$TMP/err"; then
      grep -q "lever: warning: the change is saved, but the audit log could not be written" "$TMP/err" && pass ||
        fail "$what: an audit failure without its warning: ${ERR:0:300}"
    fi
  else
    fail "$what: exit $RC, expected 1 (I/O error) or 0: ${ERR:0:300}"
  fi
  lacks "internal error" "$ERR" || echo "  in $what" >&2
  local tmpfiles
  tmpfiles=$(find "$LEVER_STORE" -name '.*.tmp-*')
  [ -z "$tmpfiles" ] && pass || fail "$what: temp files left: $tmpfiles"
  "$LEVER" store check >"$TMP/chk.out" 2>"$TMP/chk.err" && pass ||
    fail "$what: store check failed afterwards: $(cat "$TMP/chk.out" "$TMP/chk.err" | head -5)"
  # Every record that was there before is still there; logs were only appended to.
  local f size bad=""
  while IFS= read -r f; do
    if [ ! -f "$LEVER_STORE/$f" ]; then bad+=" $f(missing)"; continue; fi
    case "$f" in
      *.ndjson)
        size=$(stat -c %s "$BASE/$f")
        cmp -s -n "$size" "$BASE/$f" "$LEVER_STORE/$f" || bad+=" $f(rewritten)"
        ;;
    esac
  done < <(cd "$BASE" && find . -type f ! -name '.lock' ! -name '*.lock' | sed 's|^\./||')
  [ -z "$bad" ] && pass || fail "$what: acknowledged records lost:$bad"
}

# sweep NAME ARGS...: runs ARGS once counting its store calls, then once per call (every STRIDE-th,
# STRIDE from the time the counting run took and the sweep's budget)
# with that call and every later one failing (a disk that stays full or read-only), rotating the
# errno, and once per call with only that call failing (a transient error).
sweep() {
  local name=$1
  shift
  restore
  rm -f "$TMP/calls"
  local t0 trial_ms
  t0=$(date +%s%N)
  faulty LEVER_IOFAIL_OP=$WRITE_OPS LEVER_IOFAIL_AFTER=0 LEVER_IOFAIL_LOG="$TMP/calls" -- "$@"
  "$LEVER" store check >/dev/null 2>&1
  restore
  trial_ms=$(( ($(date +%s%N) - t0) / 1000000 + 1 ))  # one trial: the command, the check, the restore
  same "$RC" 0 "$name without faults"
  local calls
  calls=$(wc -l <"$TMP/calls" 2>/dev/null || echo 0)
  [ "$calls" -gt 0 ] && pass || fail "$name: the shim saw no store calls"
  local STRIDE=$(( (calls * 2 * trial_ms + SWEEP_BUDGET * 1000 - 1) / (SWEEP_BUDGET * 1000) ))
  [ "$STRIDE" -ge 1 ] || STRIDE=1
  echo "$name: $calls store calls, every $STRIDE tried ($trial_ms ms a trial)"
  local n e mode
  for ((n = 1; n <= calls; n += STRIDE)); do
    for mode in 0 1; do
      e=${ERRNOS[$(((n + mode) % 4))]}
      restore
      faulty LEVER_IOFAIL_OP=$WRITE_OPS LEVER_IOFAIL_ERRNO="$e" LEVER_IOFAIL_AFTER="$n" LEVER_IOFAIL_COUNT="$mode" -- "$@"
      verify "$name, call $n ($(sed -n "${n}p" "$TMP/calls" | cut -d' ' -f2-3)) $e count=$mode" "$e"
    done
  done
}

sweep "athlete add" athlete add zed --mass 70
sweep "athlete edit" athlete edit ann --mass 71 --flag review
sweep "log-pain" log-pain ann 3 --when after --swelling mild
sweep "log-pain import" log-pain --import "$TMP/ok.csv"
sweep "plan new" plan new bob --severity mild
sweep "plan override" plan override ann --step 2 --reason "tolerating well"
sweep "calibrate" calibrate --port "$SIM" --yes --reference 20kg
sweep "run" run ann "${REST_OVERRIDE[@]}" --port "$SIM" --pain-before 1 --support 20 --speed 8 --minutes 0.2

# --- a partial write (half the bytes land, then the disk is full) leaves no torn record
restore
faulty LEVER_IOFAIL_OP=write LEVER_IOFAIL_ERRNO=ENOSPC LEVER_IOFAIL_SHORT=1 LEVER_IOFAIL_PATH="$LEVER_STORE/pain/" -- log-pain ann 5
same "$RC" 1 "log-pain on a disk that fills mid-write"
verify "partial pain append" ENOSPC
same "$(cat "$LEVER_STORE/pain/ann.ndjson")" "$(cat "$BASE/pain/ann.ndjson")" "the pain log after a partial append"

# --- an import that fails half-way is not completed later behind the user's back
restore
faulty LEVER_IOFAIL_OP=write LEVER_IOFAIL_ERRNO=EIO LEVER_IOFAIL_PATH="$LEVER_STORE/pain/bob" -- log-pain --import "$TMP/ok.csv"
same "$RC" 1 "import with bob's log failing"
expect 0 athlete edit bob --mass 81
same "$(cat "$LEVER_STORE/pain/ann.ndjson")" "$(cat "$BASE/pain/ann.ndjson")" "ann's log after the refused import and a later write"
[ ! -s "$LEVER_STORE/pain/bob.ndjson" ] && pass || fail "the refused import reappeared in bob's log"

# --- reads that fail: a clear error, nothing written
restore
faulty LEVER_IOFAIL_OP=read LEVER_IOFAIL_ERRNO=EIO LEVER_IOFAIL_PATH="$LEVER_STORE/athletes/" -- athlete show ann
same "$RC" 1 "athlete show with the disk failing"
has "Input/output error" "$ERR"
has "athletes/ann.json" "$ERR"

# --- a session whose telemetry cannot be written stops with the unit holding (real clock: the
# writer flushes every half second), and the session record says why.
restore
faulty LEVER_IOFAIL_OP=write LEVER_IOFAIL_ERRNO=EIO LEVER_IOFAIL_COUNT=1 LEVER_IOFAIL_PATH="$LEVER_STORE/telemetry/" -- \
  --json run ann "${REST_OVERRIDE[@]}" --port 'sim:' --pain-before 1 --support 20 --speed 8 --minutes 0.5
same "$RC" 1 "run with telemetry failing"
has "the unit holds (belt stopping, support held)" "$ERR"
has "Input/output error" "$ERR"
same "$(py 'd["stop_reason"], d["final_state"], d["status"]' "$TMP/out")" "store-error HOLD stopped" "session stopped by the store error"
(( $(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["duration_s"] < 10))' "$TMP/out") )) && pass ||
  fail "the session ran on after its telemetry failed"
verify "run, telemetry failing" EIO

# --- on the virtual clock the session usually runs before the writer's first batch: it completes,
# but the lost batch still fails the command, so no script reads it as a clean success. On a slow
# machine (sanitizers, load) the batch can fail while the run is still going: then it stops holding,
# as above. Either way exit 1, the disk's error named, and a record that says which happened.
restore
faulty LEVER_IOFAIL_OP=write LEVER_IOFAIL_ERRNO=ENOSPC LEVER_IOFAIL_COUNT=1 LEVER_IOFAIL_PATH="$LEVER_STORE/telemetry/" -- \
  --json run ann "${REST_OVERRIDE[@]}" --port "$SIM" --pain-before 1 --support 20 --speed 8 --minutes 1
same "$RC" 1 "run whose telemetry batch failed"
has "No space left on device" "$ERR"
case "$(py 'd["status"], d["exit_code"]' "$TMP/out")" in
  "completed 1") has "the session completed, but some of its telemetry could not be saved" "$ERR" ;;
  "stopped 1")
    has "the unit holds (belt stopping, support held)" "$ERR"
    same "$(py 'd["stop_reason"], d["final_state"]' "$TMP/out")" "store-error HOLD" "session stopped by the store error" ;;
  *) fail "session record after a lost telemetry batch: $(py 'd["status"], d["exit_code"]' "$TMP/out")" ;;
esac
verify "run, last telemetry batch failing" ENOSPC

finish
