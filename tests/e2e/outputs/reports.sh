# Captures of `report`, `run` and `calibrate` (sourced by tests/e2e/test_output_fields.sh, which
# defines capture, $D (the demo store, LEVER_STORE), $A2 (an athlete with only the required fields),
# $U (sim-0001, calibrated), $S1 (the demo's session) and $CAL1 (the demo's calibration record)).
# The state added here makes every nullable field of these outputs seen both null and set: an athlete
# with a name, a side and a plan whose sessions stopped (pain limit, e-stop), symptoms and an amended
# entry in the pain log, a unit whose calibration was aborted, a unit never calibrated, a
# verification check.
RB=rb
SIM1="sim:?clock=virtual"                         # sim-0001 (calibrated by the demo)
SIM2="sim:SIM-0002?clock=virtual"                 # sim-0002: one aborted calibration
SIM3="sim:SIM-0003?clock=virtual"                 # sim-0003: seen, never calibrated
REST_OK=(--override-rest --reason "output captures: sessions back to back")

# --- state
expect 0 -q athlete add "$RB" --mass 80 --name "Rb Example" --side right --cadence 170
expect 0 -q plan new "$RB" --severity mild
# A pain-limit stop (check-ins 2, then 6 over the limit), then an e-stop (a fault) on the same day.
printf '2\n6\n' | "$LEVER" -q run "$RB" --pain-before 1 --support 15 --speed 8 --minutes 3 --port "$SIM1" >/dev/null 2>&1
[ $? -eq 3 ] && pass || fail "the pain-limit run of $RB did not stop with exit 3"
expect 3 -q run "$RB" "${REST_OK[@]}" --pain-before 1 --support 15 --speed 8 --minutes 3 --port "$SIM1&faults=estop@40s" </dev/null
RB_S=$(basename "$(grep -l "\"athlete_id\": *\"$RB\"" "$D"/sessions/*.json | head -1)" .json)
expect 0 -q log-pain "$RB" 3 --when next-day --at -1h --swelling mild --theatre-sign --stairs --grinding --stiffness --note "sore on stairs"
expect 0 -q log-pain "$RB" 2 --when after --session "$RB_S"
RB_P=$(grep -v '"kind"' "$D/pain/$RB.ndjson" | tail -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
expect 0 -q log-pain --amend "$RB_P" 1 --reason "typed 2 for 1"
expect 3 -q calibrate --port "$SIM2&faults=stall@5s" --yes --reference 20kg
expect 0 -q unit info --port "$SIM3"

# --- report athlete: the document, and its weeks as rows
capture output/report-athlete json report athlete ann
capture output/report-athlete json report athlete "$RB"
capture output/report-athlete json report athlete "$A2"
capture output/report-athlete json report athlete "$RB" --deidentify --since -30d --until now
capture output/report-athlete-week ndjson,csv report athlete ann
capture output/report-athlete-week ndjson,csv report athlete "$RB" --deidentify
capture output/report-athlete-week ndjson,csv report athlete "$A2"

# --- report clinic and units
capture output/report-clinic json report clinic
capture output/report-clinic json report clinic --deidentify --until now
capture output/report-clinic-row ndjson,csv report clinic
capture output/report-clinic-row ndjson,csv report clinic --deidentify
capture output/report-units json,ndjson,csv report units
capture output/report-units json,ndjson,csv report units --due-within 365

# --- report session: completed, pain-limit stop, e-stop; de-identified
capture output/report-session json report session "$S1"
capture output/report-session json report session --deidentify "$S1"
for s in $(grep -l "\"athlete_id\": *\"$RB\"" "$D"/sessions/*.json); do
  capture output/report-session json report session "$(basename "$s" .json)"
  capture output/report-session-trace ndjson,csv report session "$(basename "$s" .json)"
done
capture output/report-session-trace ndjson,csv report session --deidentify "$S1"

# --- report calibration: a certificate, an aborted attempt, a verification check
capture output/report-calibration json report calibration "$U"
capture output/report-calibration json report calibration sim-0002
capture output/report-calibration-point ndjson,csv report calibration "$U"
capture output/report-calibration-point ndjson,csv report calibration sim-0002

# --- report pain: symptoms, notes, an amendment, an empty log, de-identified
capture output/report-pain json,ndjson,csv report pain ann
capture output/report-pain json,ndjson,csv report pain "$RB"
capture output/report-pain json,ndjson,csv report pain "$RB" --deidentify --since -30d
capture output/report-pain json,ndjson,csv report pain "$A2"

# --- calibrate: the stored record in json/ndjson, its row in csv; history as rows
capture calibration json,ndjson calibrate --port "$SIM1" --yes --reference 20kg:CERT-1 --reference 10kg --frame-height 100
capture output/calibrate-history csv calibrate --port "$SIM1" --yes --reference 20kg
capture calibration json,ndjson calibrate verify --port "$SIM1" --yes --reference 20kg
capture output/calibrate-history csv calibrate verify --port "$SIM1" --yes --reference 15kg
CHECK_ID=$(basename "$(grep -l '"kind": *"check"' "$D"/calibrations/*.json | head -1)" .json)
capture output/report-calibration json report calibration "$U" --record "$CHECK_ID"
capture output/report-calibration-point ndjson,csv report calibration "$U" --record "$CHECK_ID"
capture calibration json,ndjson calibrate show "$U"
capture calibration json,ndjson calibrate show sim-0002
capture output/calibrate-history csv calibrate show "$U"
capture output/calibrate-history csv calibrate show sim-0002
capture output/calibrate-history json,ndjson,csv calibrate history "$U"
capture output/calibrate-history json,ndjson,csv calibrate history sim-0002

# --- run: the summary (json, csv), the event stream (ndjson), the dry run
# A plan session with a check-in within the limit (pain and cadence target set), a command-line one without.
capture output/run-summary json run "$RB" "${REST_OK[@]}" --pain-before 0 --port "$SIM1" <<<"2"
capture output/run-summary json,csv run "$RB" "${REST_OK[@]}" --pain-before 0 --support 15 --speed 8 --minutes 1 --port "$SIM1" </dev/null
capture output/run-event ndjson run "$RB" "${REST_OK[@]}" --pain-before 0 --support 15 --speed 8 --minutes 1 --port "$SIM1" --sample-rate 1 </dev/null
capture output/run-dry-run json,ndjson run "$RB" "${REST_OK[@]}" --pain-before 1 --dry-run
capture output/run-dry-run json,ndjson run ann "${REST_OK[@]}" --pain-before 1 --dry-run --support 10 --speed 6 --minutes 2
capture output/run-dry-run-phase csv run "$RB" "${REST_OK[@]}" --pain-before 1 --dry-run
