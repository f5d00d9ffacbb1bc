#!/usr/bin/env bash
# End to end: `lever report session` and `lever report calibration` on a store built by `lever demo`
# (a simulated unit calibrated, an athlete, a session with telemetry): formats, stable columns,
# de-identification, damaged or missing telemetry, failed and aborted calibrations, bad input.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
unset LEVER_PORT
"$LEVER" demo --dir "$LEVER_STORE" >/dev/null 2>&1 || fail "lever demo"
SID=$(basename "$(ls "$LEVER_STORE"/sessions/*.json)" .json)
TEL="$LEVER_STORE/telemetry/$SID.ndjson"
samples=$(wc -l <"$TEL")
"$LEVER" -q log-pain ann 3 --when during --session "$SID" >/dev/null || fail "log-pain during"

# --- session: the table for people
expect 0 report session "$SID"
has "Session:" "$OUT"; has "$SID" "$OUT"; has "Ann Example" "$OUT"; has "Support set:" "$OUT"
has "Pain check-ins" "$OUT"; has "Trace, minute by minute" "$OUT"; has "run 1/4" "$OUT"
same "$ERR" "" "no warnings for an intact session"

# json: one document with the summary and the whole trace
expect 0 --json report session "$SID"
same "$(jq -r .session.status <<<"$OUT")" "completed" "status"
same "$(jq -r .session.athlete_id <<<"$OUT")" "ann" "athlete"
same "$(jq -r .session.unit_id <<<"$OUT")" "sim-0001" "unit"
same "$(jq -r .session.plan_step <<<"$OUT")" "1" "plan step"
same "$(jq -r .session.pain_before <<<"$OUT")" "1" "pain before"
same "$(jq -r .session.max_pain_during <<<"$OUT")" "3" "the during check-in counts"
same "$(jq -r .session.exit_code <<<"$OUT")" "0" "exit code"
same "$(jq '.trace | length' <<<"$OUT")" "$samples" "every telemetry sample in the trace"
same "$(jq '.session.telemetry_samples' <<<"$OUT")" "$samples" "sample count"
same "$(jq -c '[.pain[].when]' <<<"$OUT")" '["before","during"]' "pain check-ins in order"
same "$(jq '[.trace_minutes[] | select(.phase == "run 1/4")] | length' <<<"$OUT")" "4" "four minutes of run 1/4"
same "$(jq '[.trace[].t_s] == ([.trace[].t_s] | sort)' <<<"$OUT")" "true" "trace in time order"
same "$(jq '.warnings | length' <<<"$OUT")" "0" "no warnings"

# csv and ndjson: the trace samples with stable columns
expect 0 --format csv report session "$SID"
same "$(head -1 <<<"$OUT" | tr -d '\r')" \
  "session_id,t_s,at,phase,state,support_target_pct,support_measured_pct,support_target_n,support_measured_n,speed_cmd_kmh,speed_kmh,incline_pct,cadence_spm,faults" \
  "trace csv header"
same "$(($(wc -l <<<"$OUT") - 1))" "$samples" "one csv row per sample"
expect 0 --format ndjson report session "$SID"
same "$(wc -l <<<"$OUT")" "$samples" "one ndjson line per sample"
same "$(head -1 <<<"$OUT" | jq -r '.session_id, .phase' | tr '\n' ' ')" "$SID warm-up " "first sample"

# de-identified: the athlete's pseudonym (the same as in the athlete report), no name, no message
expect 0 --json report athlete ann --deidentify
pseud=$(jq -r .athlete.id <<<"$OUT")
expect 0 --json report session "$SID" --deidentify
same "$(jq -r .session.athlete_id <<<"$OUT")" "$pseud" "session pseudonym matches the athlete report"
same "$(jq -r .deidentified <<<"$OUT")" "true" "marked de-identified"
lacks "Ann Example" "$OUT"; lacks '"ann"' "$OUT"; lacks "session complete" "$OUT"
expect 0 report session "$SID" --deidentify --html "$TMP/anon.html"
lacks "Ann Example" "$(cat "$TMP/anon.html")"; has "$pseud" "$(cat "$TMP/anon.html")"

# a torn last telemetry line: reported with a warning, the intact samples kept
cp "$TEL" "$TMP/tel.bak"
printf '{"t_s": 99' >>"$TEL"
expect 0 --json report session "$SID"
has "damaged" "$ERR"; has "unfinished last line" "$ERR"
same "$(jq '.trace | length' <<<"$OUT")" "$samples" "intact samples kept"
same "$(jq '.warnings | length' <<<"$OUT")" "1" "the warning is in the document too"
# missing telemetry: the summary still comes, with a warning
rm "$TEL"
expect 0 report session "$SID"
has "no telemetry" "$ERR"; has "Status:" "$OUT"; has "completed" "$OUT"
expect 0 --format csv report session "$SID"
same "$(wc -l <<<"$OUT")" "1" "csv: header only without telemetry"
cp "$TMP/tel.bak" "$TEL"

# a session ended by the e-stop: status, stop reason, faults and exit code, the fault placed in the trace
expect 3 run ann "${REST_OVERRIDE[@]}" --port 'sim:?clock=virtual&seed=7&faults=estop@90s' --pain-before 2
FSID=$(basename "$(ls "$LEVER_STORE"/sessions/*.json | grep -v "$SID")" .json)
expect 0 --json report session "$FSID"
same "$(jq -r '.session.status, .session.stop_reason, .session.exit_code' <<<"$OUT" | tr '\n' ' ')" "stopped e-stop 3 " "stopped session"
same "$(jq -r '.session.faults[0], .fault_onsets[0].faults' <<<"$OUT" | tr '\n' ' ')" "estop estop " "fault in summary and trace"
same "$(jq '.fault_onsets[0].t_s >= 85 and .fault_onsets[0].t_s <= 95' <<<"$OUT")" "true" "fault marked where it happened"
expect 0 report session "$FSID" --html "$TMP/fault.html"
has "Faults:                estop" "$OUT"; has "fault: estop" "$(cat "$TMP/fault.html")"

# unknown and invalid sessions
expect 4 report session s-nope; has "no session 's-nope'" "$ERR"; has "report athlete" "$ERR"
expect 2 report session ../etc
expect 2 report session

# --- calibration: the demo's passing calibration is a certificate
CAL=$(basename "$(ls "$LEVER_STORE"/calibrations/*.json)" .json)
expect 0 report calibration sim-0001
has "Calibration certificate" "$OUT"; has "Overall result:       PASS" "$OUT"; has "DEMO-CERT-10" "$OUT"
has "Verification" "$OUT"; has "load cell" "$OUT"; has "Next calibration due" "$OUT"
same "$ERR" "" "no warning for a certificate"
expect 0 --json report calibration sim-0001
same "$(jq -r '.certificate, .result, .record.id, .record.serial, .record.firmware' <<<"$OUT" | tr '\n' ' ')" \
  "true PASS $CAL SIM-0001 1.0.0-sim " "certificate"
same "$(jq -c '[.references[].certificate]' <<<"$OUT")" '["DEMO-CERT-10","DEMO-CERT-20"]' "reference certificates"
same "$(jq '.points | length' <<<"$OUT")" "5" "five verification points"
same "$(jq '[.points[] | select(.verdict == "PASS")] | length' <<<"$OUT")" "5" "all pass"
same "$(jq '.fits | length' <<<"$OUT")" "2" "load cell and actuator fits"
same "$(jq '.readings | length > 5' <<<"$OUT")" "true" "readings"
same "$(jq -r '.record.due_at != null' <<<"$OUT")" "true" "a certificate has a due date"
expect 0 --format csv report calibration sim-0001
same "$(head -1 <<<"$OUT" | tr -d '\r')" \
  "record_id,unit_id,serial,record_result,point,point_kind,mass_kg,reference_n,measured_n,error_n,tolerance_n,verdict" \
  "certificate csv header"
same "$(wc -l <<<"$OUT")" "6" "header and five points"

# an aborted calibration afterwards: the newest calibration is reported as what it is
P='sim:?clock=virtual&seed=7'
expect 3 calibrate --port "$P&faults=stall@5s" --yes --reference 20kg
expect 0 report calibration sim-0001
has "CALIBRATION ABORTED: NOT A VALID CERTIFICATE" "$OUT"; lacks "Calibration certificate" "$OUT"
has "NOT A VALID CERTIFICATE" "$ERR"
expect 0 --json report calibration sim-0001
same "$(jq -r '.certificate, .result, .record.due_at' <<<"$OUT" | tr '\n' ' ')" "false ABORTED null " "aborted record"
expect 0 report calibration sim-0001 --html "$TMP/aborted.html"
has "NOT A VALID CERTIFICATE" "$(cat "$TMP/aborted.html")"; lacks ">Calibration certificate<" "$(cat "$TMP/aborted.html")"
# the earlier certificate by its ID, and a verification check by its ID
expect 0 --json report calibration sim-0001 --record "$CAL"
same "$(jq -r '.certificate, .superseded_by' <<<"$OUT" | tr '\n' ' ')" "true null " "older certificate, not superseded by an abort"
expect 0 calibrate verify --port "$P" --yes --reference 20kg
CHK=$(basename "$(ls "$LEVER_STORE"/calibrations/chk-*.json)" .json)
expect 0 --json report calibration sim-0001 --record "$CHK"
same "$(jq -r '.certificate, .result, .record.kind' <<<"$OUT" | tr '\n' ' ')" "false PASS check " "a check is not a certificate"
has "not a calibration certificate" "$(jq -r .headline <<<"$OUT")"

# unknown units and records
expect 4 report calibration sim-9999; has "no calibration records for unit sim-9999" "$ERR"
expect 4 report calibration sim-0001 --record cal-nope; has "no calibration record 'cal-nope'" "$ERR"
expect 2 report calibration Bad/Unit
expect 0 store check
finish
