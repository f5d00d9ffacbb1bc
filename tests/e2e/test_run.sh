#!/bin/bash
# lever run against the in-process simulator on a virtual clock: pre-flight refusals, a whole plan
# session with its records and the engine hand-off, programs, pain stops, faults and the override.
source "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/device_lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/run_lib.sh"
export LEVER_PORT='sim:?clock=virtual'

expect 0 athlete add ann --mass 75 --cadence 164
expect 0 plan new ann --severity moderate

# --- pre-flight refusals, before any unit is touched
expect 4 run ghost --pain-before 1
expect 2 run ann </dev/null
has "--pain-before" "$ERR"
expect 3 run ann --pain-before 6
has "above the seed profile's limit of 4/10" "$ERR"
expect 2 run ann --pain-before 1 --support 20
has "--support, --speed and --minutes" "$ERR"

# --- dry run: the whole program and the checks, no unit
expect 0 run ann --pain-before 1 --dry-run
has "warm-up" "$OUT"
has "cool-down" "$OUT"
has "skipped" "$OUT"
expect 0 --json run ann --pain-before 1 --dry-run
same "$(echo "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["program"]["plan_step"], d["program"]["phases"][0]["kind"])')" "1 warm-up" "dry-run json"
[ ! -d "$LEVER_STORE/sessions" ] && pass || fail "a dry run wrote a session"

# --- programs: validated, errors point into the document
cat >"$TMP/bad.json" <<'J'
{"phases": [{"duration_s": 60, "support_pct": 20, "speed_kmh": 5, "incline_pct": -3}]}
J
expect 5 run ann --pain-before 1 --program "$TMP/bad.json" --dry-run
has "/phases/0/incline_pct" "$ERR"
expect 4 run ann --pain-before 1 --program "$TMP/none.json" --dry-run

# --- the calibration gate: an uncalibrated unit is refused; the override is audited
expect 3 run ann "${REST_OVERRIDE[@]}" --pain-before 1
has "no passing calibration" "$ERR"
has "--allow-uncalibrated" "$ERR"
[ ! -d "$LEVER_STORE/sessions" ] && pass || fail "a refused run wrote a session"
expect 0 run ann "${REST_OVERRIDE[@]}" --pain-before 1 --allow-uncalibrated "load cell verified by hand" --support 10 --speed 6 --minutes 2
has "calibration.override" "$(cat "$LEVER_STORE"/audit/*.ndjson)"
has "load cell verified by hand" "$(cat "$LEVER_STORE"/audit/*.ndjson)"

# --- an overdue calibration is refused
calibrate_fixture "$LEVER_PORT" -1
expect 3 run ann "${REST_OVERRIDE[@]}" --pain-before 1
has "was due on" "$ERR"
rm "$LEVER_STORE"/calibrations/*.json
calibrate_fixture "$LEVER_PORT"

# --- a setpoint beyond the unit's capacity is refused with the numbers, never clamped
expect 3 run ann "${REST_OVERRIDE[@]}" --pain-before 1 --support 40 --speed 8 --minutes 10
has "needs 294.2 N" "$ERR"

# --- a whole plan session (about 30 min of unit time in seconds)
expect 0 --json run ann "${REST_OVERRIDE[@]}" --pain-before 1
S=$(session_file)
same "$(py 'd["status"], d["plan_step"], d["stop_reason"], d["final_state"], d["clock"]' "$S")" "completed 1 None IDLE virtual" "completed session"
same "$(py 'd["duration_s"] >= d["planned_duration_s"] - 1, d["distance_km"] > 2, d["steps"] > 2000, d["knee_load"] > 0, 15 < d["measured_support_pct"] < 25' "$S")" \
  "True True True True True" "summary arithmetic"
SID=$(py 'd["id"]' "$S")
same "$(echo "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["status"], d["session_id"])')" "completed $SID" "summary json"
N=$(wc -l <"$LEVER_STORE/telemetry/$SID.ndjson")
[ "$N" -ge "$(py 'int(d["planned_duration_s"])' "$S")" ] && pass || fail "telemetry has $N samples"
has '"when":"before"' "$(grep "$SID" "$LEVER_STORE/pain/ann.ndjson")"
has "next-day" "$ERR"
has "$SID" "$(cat "$LEVER_STORE/plans/ann.json")$ERR"
expect 0 store check

# --- ndjson events for scripts
expect 0 --format ndjson run ann "${REST_OVERRIDE[@]}" --pain-before 0 --support 15 --speed 8 --minutes 1 --sample-rate 2
echo "$OUT" | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
kinds = [e["event"] for e in ev]
assert kinds[-1] == "end", kinds[-1]
assert "phase" in kinds and kinds.count("status") >= 100, kinds.count("status")
assert ev[-1]["status"] == "completed"
' && pass || fail "ndjson events: ${OUT:0:300}"

# --- pain check-ins on stdin: within the limit continues, above it stops (exit 3)
printf '2\n6\n' | "$LEVER" run ann "${REST_OVERRIDE[@]}" --pain-before 1 --support 15 --speed 8 --minutes 5 >"$TMP/out" 2>"$TMP/err"
same "$?" "3" "pain stop exit code"
S=$(session_file)
same "$(py 'd["status"], d["stop_reason"], d["max_pain_during"], d["final_state"]' "$S")" "stopped pain-limit 6 HOLD" "pain stop session"
SID=$(py 'd["id"]' "$S")
same "$(grep "$SID" "$LEVER_STORE/pain/ann.ndjson" | grep -c '"when":"during"')" "2" "during entries logged"

# --- unit faults: the unit ends safe, the session saved with the reason and the exit code
# (a stall shows while the support moves: it is injected during the ramp-up, so less support is held)
for f in "estop@40s:e-stop:3:ESTOP:100" "stall@1s:unit-fault:3:FAULT:5" "overload=1.5@40s:unit-fault:3:FAULT:100" \
         "link-timeout@40s:link-lost:6:HOLD:100" "disconnect@40s:link-lost:6::"; do
  IFS=: read -r spec reason code state support <<<"$f"
  LEVER_PORT="sim:?clock=virtual&faults=$spec" expect "$code" run ann "${REST_OVERRIDE[@]}" --pain-before 1 --support 15 --speed 8 --minutes 3
  S=$(session_file)
  same "$(py 'd["status"], d["stop_reason"]' "$S")" "stopped $reason" "fault $spec"
  [ -z "$state" ] || same "$(py "d['final_state'], d['final_support_target_n'] > $support" "$S")" "$state True" "safe state after $spec"
done
expect 0 store check
finish
