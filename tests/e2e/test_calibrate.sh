#!/bin/bash
# lever calibrate end to end: the in-process simulator on a virtual clock (fast), then the simulator
# as a separate process over a real pty (real time): wrong load cells found and corrected, verify
# proving it with known masses, records in every format, and every abort path leaving the old
# calibration in force and the attempt recorded.
source "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/device_lib.sh"
unset LEVER_PORT

py() { python3 -c "$1"; }
field() { echo "$1" | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"; }
cal_of() {  # the calibration in the unit's memory: unit info --json
  expect 0 --json unit info --port "$1" && field "$OUT" 'd["calibration"]["gain_n_per_count"], d["calibration"]["calibrated_at"]'
}

# --- usage: scripts must say --yes; bad references and heights are usage errors
V='sim:?clock=virtual'
expect 2 calibrate --port "$V" </dev/null
has "not a terminal" "$ERR"
has "--yes" "$ERR"
expect 2 calibrate --port "$V" --yes --reference heavy
has "bad --reference 'heavy'" "$ERR"
expect 2 calibrate --port "$V" --yes --frame-height 10
has "--frame-height: must be 30-250 cm (found 10)" "$ERR"
expect 4 calibrate show sim-0001
has "no calibration records" "$ERR"

# --- a load cell 5 % and 8 N off: verify finds it, calibrate corrects it, verify proves it
W="$V&gain-error=5%&offset-error=-8"
expect 3 --json calibrate verify --port "$W" --yes --reference 20kg
has "FAILED" "$ERR"
expect 0 --json calibrate --port "$V" --yes --reference 20kg:CERT-123 --reference 10kg --frame-height 105 --due-days 90
same "$(field "$OUT" 'd["result"], d["kind"], d["technician"], d["frame_height_cm"], d["references"][0]["certificate"]')" \
  "pass calibration e2e 105.0 CERT-123" "calibration record"
same "$(field "$OUT" 'round(d["calibration"]["gain_n_per_count"] / 0.05, 3)')" "1.05" "gain error found"
same "$(field "$OUT" 'all(abs(p["error_n"]) < 2 for p in d["verification"]["points"])')" "True" "verification within 2 N"
CAL_ID=$(field "$OUT" 'd["id"]')
expect 0 --json calibrate verify --port "$V" --yes --reference 20kg --reference 15kg
same "$(field "$OUT" 'd["kind"], d["result"], max(abs(p["error_n"]) for p in d["verification"]["points"]) < 2')" \
  "check pass True" "known masses measured within 2 N after calibrating"
expect 0 store check

# --- show and history in every format
expect 0 calibrate show sim-0001
has "Result:" "$OUT"
has "Verification" "$OUT"
expect 0 --json calibrate show sim-0001
same "$(field "$OUT" 'd["kind"]')" "check" "show: the newest record"
expect 0 --json calibrate history sim-0001
same "$(field "$OUT" '[r["result"] for r in d]')" "['fail', 'pass', 'pass']" "history, oldest first"
expect 0 --format ndjson calibrate history sim-0001
same "$(echo "$OUT" | wc -l)" "3" "ndjson lines"
expect 0 --format csv calibrate history sim-0001
has "id,unit_id,kind,result" "$(echo "$OUT" | head -1)"
has "$CAL_ID" "$OUT"
expect 0 calibrate history sim-0001
lacks "aborted" "$OUT"

# --- a stalled actuator mid-sweep: exit 3, the old calibration stays, the attempt is recorded
S='sim:SIM-0002?clock=virtual'
before=$(cal_of "$S")
expect 3 calibrate --port "$S&faults=stall@5s" --yes --reference 20kg
has "tracking" "$ERR"
same "$(cal_of "$S")" "$before" "old calibration kept after a stall"
expect 0 --json calibrate show sim-0002
same "$(field "$OUT" 'd["result"], "tracking" in d["failure_reason"]')" "aborted True" "stall recorded"

# --- link loss (the simulator's disconnect) mid-sweep: exit 6, recorded, nothing written
expect 6 calibrate --port "sim:SIM-0003?clock=virtual&faults=disconnect@6s" --yes --reference 20kg
has "lost the link" "$ERR"
expect 0 --json calibrate show sim-0003
same "$(field "$OUT" 'd["result"]')" "aborted" "link loss recorded"

# --- noise on the load cells during zero: refused with the measured noise and the limit, nothing written
N='sim:SIM-0004?clock=virtual'
before=$(cal_of "$N")
expect 3 calibrate --port "$N&faults=noise=5:30s@0s" --yes --reference 20kg
has "zero: the reading is not stable after 3 windows" "$ERR"
has "(1 sigma) above the limit 1.00 N" "$ERR"
same "$(cal_of "$N")" "$before" "old calibration kept after a noisy zero"
expect 0 --json calibrate show sim-0004
same "$(field "$OUT" 'd["result"], "noise" in d["failure_reason"], len(d["readings"])')" "fail True 0" "noisy zero recorded"
# a burst that is over by the third window: measured again and the calibration goes through
expect 0 --json calibrate --port "$N&gain-error=3%&faults=noise=5:1s@0s" --yes --reference 20kg
same "$(field "$OUT" 'd["result"], d["readings"][0]["step"], d["readings"][0]["noise_n"] < 1')" "pass zero True" "quiet window used"

# --- support drifting mid-sweep: the fit is refused with the worst point; the old calibration stays
D='sim:SIM-0005?clock=virtual'
before=$(cal_of "$D")
expect 3 calibrate --port "$D&faults=drift=8%@11s" --yes --reference 10kg --reference 20kg
has "actuator sweep readings do not lie on a line" "$ERR"
has "limit 1.00 N" "$ERR"
same "$(cal_of "$D")" "$before" "old calibration kept after a drift"
expect 0 --json calibrate show sim-0005
same "$(field "$OUT" 'd["result"], "drifted" in d["failure_reason"]')" "fail True" "drift refusal recorded"

# --- lever run's calibration gate on these units: each refusal says which check and what to do
expect 0 athlete add ann --mass 75
RUN=(--pain-before 1 --support 10 --speed 6 --minutes 1)
expect 0 --json run ann "${RUN[@]}" --port "$V"  # sim-0001: calibrated above, verified since
same "$(field "$OUT" 'd["status"]')" "completed" "a calibrated unit runs"
same "$(py "import json,glob; print(json.load(open(glob.glob('$LEVER_STORE/sessions/*.json')[0]))['calibration']['record'])")" \
  "$CAL_ID" "the session names the calibration in force"
expect 3 calibrate --port "$V&faults=noise=5:30s@0s" --yes --reference 20kg  # a later failed attempt
expect 3 run ann "${RUN[@]}" --port "$V"
has "the last calibration of unit sim-0001 on" "$ERR"
has "failed: zero: the reading is not stable" "$ERR"
has "find and fix the cause, then calibrate it" "$ERR"
has "--allow-uncalibrated REASON (audited)" "$ERR"
expect 3 run ann "${RUN[@]}" --port "$D"  # sim-0005: never calibrated successfully
has "unit sim-0005 has no passing calibration" "$ERR"
has "calibrate it: 'lever calibrate --port PORT'" "$ERR"
py "import json; p='$LEVER_STORE/sim/sim-0004.json'; m=json.load(open(p)); m['calibration']['act_gain'] += 0.01; json.dump(m, open(p, 'w'))"
expect 3 run ann "${RUN[@]}" --port "$N"  # sim-0004: its memory no longer holds what lever recorded
has "differs from the one lever recorded" "$ERR"
has "check the unit, then calibrate it" "$ERR"
lacks "calibration.override" "$(cat "$LEVER_STORE"/audit/*.ndjson)"
# the override: audited with who, which unit, the problem, the reason and the session it let run
expect 0 --json run ann "${RUN[@]}" --port "$D" --allow-uncalibrated "masses checked by hand today"
SID=$(field "$OUT" 'd["session_id"]')
same "$(cat "$LEVER_STORE"/audit/*.ndjson | py "import json,sys
for l in sys.stdin:
    a = json.loads(l)
    if a['action'] == 'calibration.override':
        d = a['details']
        print(a['user'], a['target'], d['reason'], d['session'] == '$SID', 'no passing calibration' in d['problem'])")" \
  "e2e sim-0005 masses checked by hand today True True" "override audit entry"
same "$(py "import json; print(json.load(open('$LEVER_STORE/sessions/$SID.json'))['calibration']['override']['reason'])")" \
  "masses checked by hand today" "the session records its override"

# --- the simulator as a separate process over a real pty (real time)
start_sim "$TMP/sim.log" --pty "$TMP/unit" --serial SIM-0010 --gain-error 4% --offset-error 5
P="pty:$TMP/unit"
expect 0 --json calibrate --port "$P" --yes --reference 20kg --sweep-points 3 --frame-height 120
same "$(field "$OUT" 'd["result"], round(d["calibration"]["gain_n_per_count"] / 0.05, 2)')" "pass 1.04" "pty calibration"
has "calibration written" "$(cat "$TMP/sim.log")"
expect 0 --json calibrate verify --port "$P" --yes --reference 15kg
same "$(field "$OUT" 'd["result"]')" "pass" "pty verify after calibrating"
good=$(cal_of "$P")

# Ctrl-C (SIGINT to the real process) once the unit is armed: 130, unit safe, old calibration kept
lines=$(wc -l <"$TMP/sim.log")
"$LEVER" calibrate --port "$P" --yes --reference 20kg >"$TMP/int.out" 2>"$TMP/int.err" &
CAL=$!
wait_for 30 bash -c "tail -n +$((lines + 1)) '$TMP/sim.log' | grep -q 'ARMED'" || fail "calibration never armed the unit"
kill -INT "$CAL"
wait "$CAL"
same "$?" "130" "exit code after Ctrl-C"
has "interrupted by signal 2" "$(cat "$TMP/int.err")"
after=$(tail -n +$((lines + 1)) "$TMP/sim.log")
has "-> HOLD (host HOLD)" "$after"
has "HOLD -> IDLE (host DISARM)" "$after"
lacks "calibration written" "$after"
same "$(cal_of "$P")" "$good" "old calibration kept after Ctrl-C"
expect 0 --json calibrate show sim-0010
same "$(field "$OUT" 'd["result"], "signal 2" in d["failure_reason"]')" "aborted True" "Ctrl-C recorded"

# Killing the simulator process mid-calibration: exit 6, recorded; after a restart the memory is unchanged
lines=$(wc -l <"$TMP/sim.log")
"$LEVER" calibrate --port "$P" --yes --reference 20kg >"$TMP/kill.out" 2>"$TMP/kill.err" &
CAL=$!
wait_for 30 bash -c "tail -n +$((lines + 1)) '$TMP/sim.log' | grep -q 'reference mass 20.00 kg hung'" || fail "never hung the mass"
stop_pid "$SIM_PID"
wait "$CAL"
same "$?" "6" "exit code after link loss"
expect 0 --json calibrate show sim-0010
same "$(field "$OUT" 'd["result"]')" "aborted" "link loss recorded"
start_sim "$TMP/sim2.log" --pty "$TMP/unit" --serial SIM-0010
same "$(cal_of "$P")" "$good" "old calibration kept after the simulator died"
expect 0 store check

finish
