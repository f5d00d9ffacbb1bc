#!/bin/bash
# lever run in real time against the simulator as a separate process over a pty: a short session,
# Ctrl-C (SIGINT -> 130), a hardware e-stop, and lever killed with SIGKILL (the unit holds by its
# watchdog; the session is recovered as incomplete). Assertions read the simulator's own report.
source "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/device_lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/run_lib.sh"
unset LEVER_PORT
SHORT=(--pain-before 1 --support 5 --speed 4)

expect 0 athlete add ann --mass 75 --cadence 164
calibrate_fixture 'sim:?clock=virtual'  # the same memory the simulator process loads
start_sim "$TMP/sim1.log" --pty "$TMP/u1"
P="pty:$TMP/u1"

# unit_state PORT: the state the simulator reports (IDLE, HOLD, ...), and its support target.
unit_state() {
  "$LEVER" --json unit info --port "$1" | python3 -c 'import json,sys; d=json.load(sys.stdin)["last_status"]; print(d["state"], d["support_measured_n"] > 20)'
}

# --- a short real-time session completes: belt stopped, support released, unit idle
expect 0 run ann "${SHORT[@]}" --minutes 0.05 --port "$P"
S=$(session_file)
same "$(py 'd["status"], d["clock"]' "$S")" "completed real" "pty session"
same "$(unit_state "$P")" "IDLE False" "unit after a completed session"

# has_samples N: at least N telemetry samples are stored.
has_samples() { [ "$(cat "$LEVER_STORE"/telemetry/*.ndjson 2>/dev/null | wc -l)" -ge "$1" ]; }

# --- Ctrl-C: HOLD at once, support held, session saved as stopped, exit 130
rm -f "$LEVER_STORE"/telemetry/*.ndjson
"$LEVER" run ann "${SHORT[@]}" --minutes 5 --port "$P" </dev/null >"$TMP/out" 2>"$TMP/err" &
RUN=$!
wait_for 20 has_samples 4 || fail "no telemetry from the running session: $(cat "$TMP/err")"
kill -INT "$RUN"
wait "$RUN"
same "$?" "130" "SIGINT exit code"
S=$(session_file)
same "$(py 'd["status"], d["stop_reason"], d["final_state"]' "$S")" "stopped user HOLD" "session after Ctrl-C"
same "$(unit_state "$P")" "HOLD True" "unit holds the support after Ctrl-C"
expect 0 unit lower --port "$P" --rate 20
stop_pid "$SIM_PID"

# --- SIGKILL: the unit's watchdog holds; the next lever marks the session incomplete
start_sim "$TMP/sim2.log" --pty "$TMP/u2"
P="pty:$TMP/u2"
rm -f "$LEVER_STORE"/telemetry/*.ndjson
"$LEVER" run ann "${SHORT[@]}" --minutes 5 --port "$P" </dev/null >"$TMP/out" 2>"$TMP/err" &
RUN=$!
wait_for 20 has_samples 3 || fail "no telemetry before the kill: $(cat "$TMP/err")"
kill -KILL "$RUN"
wait "$RUN" 2>/dev/null
S=$(session_file)
SID=$(py 'd["id"]' "$S")
same "$(py 'd["status"]' "$S")" "running" "session left running by the killed lever"
held() { [ "$(unit_state "$P" 2>/dev/null)" = "HOLD True" ]; }
wait_for 10 held || fail "the unit did not hold the support after the host died: $(unit_state "$P")"
N=$(wc -l <"$LEVER_STORE/telemetry/$SID.ndjson")
expect 3 run ann "${SHORT[@]}" --minutes 1 --port "$P" </dev/null
has "marked incomplete" "$ERR"
same "$(py 'd["status"], d["stop_reason"]' "$LEVER_STORE/sessions/$SID.json")" "incomplete lever-killed" "recovered session"
[ "$N" -ge 3 ] && pass || fail "telemetry lost: $N samples"
expect 0 unit lower --port "$P" --rate 20
stop_pid "$SIM_PID"

# --- a hardware e-stop mid-run over the pty
start_sim "$TMP/sim3.log" --pty "$TMP/u3" --faults estop=30s@4s
P="pty:$TMP/u3"
expect 3 run ann "${SHORT[@]}" --minutes 1 --port "$P"
S=$(session_file)
same "$(py 'd["status"], d["stop_reason"]' "$S")" "stopped e-stop" "e-stop session"
same "$(unit_state "$P" | cut -d' ' -f1)" "ESTOP" "unit latched in ESTOP"
stop_pid "$SIM_PID"
expect 0 store check
finish
