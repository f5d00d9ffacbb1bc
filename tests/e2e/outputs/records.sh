# shellcheck shell=bash
# Captures of the record commands (athlete, log-pain, plan, devices, unit, store check) for
# tests/e2e/test_output_fields.sh, in stores whose states make every nullable field both null and set.
# Sourced by that suite: $D (the demo store, LEVER_STORE), $A2 (an athlete with only a mass), $U (the
# demo's unit), capture and the lib.sh helpers are set there.

# --- athletes: minimal ($A2), the demo's ann, and one with every field and flags (a blocking one with a
# note, review without); add/edit print the athlete they wrote.
expect 0 -q athlete add full --mass 80 --name "Full Record" --cadence 170 --side both --baseline-pain 2 --note "every field"
# (its plan is made before a blocking flag refuses one)
capture output/plan-summary json,ndjson,csv plan new full --replace --consecutive 3 --speed 7
expect 0 -q athlete edit full --flag suspected-meniscal --flag-note "McMurray positive"
expect 0 -q athlete edit full --flag review
capture output/athlete-row json athlete add add-json --mass 70
capture output/athlete-row ndjson athlete add add-ndjson --mass 70 --name "N D" --side left
capture output/athlete-row csv athlete add add-csv --mass 70 --cadence 160 --note "a, \"quoted\" note"
capture output/athlete-row json,ndjson,csv athlete edit full --mass 81
capture output/athlete-row json,ndjson,csv athlete edit "$A2" --mass 70
capture output/athlete-row json,ndjson,csv athlete list
capture output/athlete-row csv athlete show full
capture output/athlete-row csv athlete show "$A2"

# --- pain: an entry with every symptom, one with none; corrections of both kinds; an import.
capture output/pain-entry json,ndjson,csv log-pain ann 3 --when during --swelling mild --theatre-sign --stairs --grinding \
  --stiffness --note "every field" --session "$S1"
capture output/pain-entry json,ndjson,csv log-pain "$A2" 1 --when before
for f in json ndjson csv; do
  expect 0 --json log-pain full 5 --when after && id=$(jq -r .id <<<"$OUT")
  capture output/pain-correction "$f" log-pain --void "$id" --reason "logged for the wrong athlete"
  expect 0 --json log-pain full 6 --when after && id=$(jq -r .id <<<"$OUT")
  capture output/pain-correction "$f" log-pain --amend "$id" 4 --reason "typed 6 for 4" --swelling none --note "amended"
  expect 0 --json log-pain "$A2" 7 --when after && id=$(jq -r .id <<<"$OUT")
  capture output/pain-correction "$f" log-pain --amend "$id" 2 --reason "typed 7 for 2"
  expect 0 --json log-pain ann 2 --when during && id=$(jq -r .id <<<"$OUT")
  capture output/pain-correction "$f" log-pain --amend "$id" 1 --reason "wrong session" --when after --at -1h --session "$S1"
done
printf 'athlete_id,score,when,at,swelling,note\n%s,2,next-day,2026-11-20T08:00:00+00:00,none,imported\n%s,1,before,2026-11-21T08:00:00+00:00,,\n' \
  "$A2" "$A2" >"$TMP/pain-import.csv"
capture output/pain-entry json,ndjson,csv log-pain --import "$TMP/pain-import.csv"
# recent pain with an amended entry (amended_by set) and without pain at all
expect 0 -q athlete add no-pain --mass 60
capture output/athlete-show json,ndjson athlete show full
capture output/athlete-show json,ndjson athlete show "$A2"
capture output/athlete-show json,ndjson athlete show no-pain
capture output/athlete-show json,ndjson athlete show ann

# --- plans: ann's (the demo's, with a session), the minimal athlete's (no cadence: no targets, no
# load; then a clinician's actions), the full athlete's, and one imported without mass or unit.
capture output/plan-summary json,ndjson,csv plan new "$A2" --replace --severity mild --profile trek
capture output/plan-show json,ndjson plan show ann
capture output/plan-show json,ndjson plan show "$A2"
capture output/plan-step csv plan show ann
capture output/plan-step csv plan show "$A2"
capture output/plan-next json,ndjson,csv plan next ann
capture output/plan-next json,ndjson,csv plan next "$A2"
# Imported plans: one that records neither the mass nor a unit, sets every rule and has a step note and
# an engine re-decision in its history; one with no history at all.
expect 0 -q athlete add imported --mass 65
expect 0 -q athlete add bare --mass 65
expect 0 --json plan export "$A2"
jq --arg s "$S1" '.athlete_id = "imported" | .id = "imported" | del(.mass_kg) | .unit_id = null
  | .rules = {consecutive_required: 2, follow_up_min_h: 12, follow_up_window_h: 36, follow_up_deadline_h: 48,
              after_min_min: 30, after_max_min: 90, weekly_trend: false, trend_threshold_points: 1.5}
  | .steps[0].note = "start gently"
  | .history += [{id: "h-redecided", at: .created_at, kind: "decision", by: "engine", requested_by: "e2e",
                  decision: "hold", session_id: $s, from_step: 1, to_step: 1, acceptable: true, review: false,
                  reason: "held: corrected evidence", redecision: true, supersedes: [.history[0].id]}]' \
  <<<"$OUT" >"$TMP/plan-imported.json"
jq '.athlete_id = "bare" | .id = "bare" | .history = [] | .rules = {}' "$TMP/plan-imported.json" >"$TMP/plan-bare.json"
capture output/plan-validation json,ndjson,csv plan validate "$TMP/plan-imported.json"
capture output/plan-summary json,ndjson,csv plan import "$TMP/plan-imported.json" --replace
capture output/plan-summary json,ndjson,csv plan import "$TMP/plan-bare.json" --replace
capture output/plan-show json,ndjson plan show imported
capture output/plan-show json,ndjson plan show bare
capture output/plan-step csv plan show imported
capture output/plan-history json,ndjson,csv plan history imported
capture output/plan-next json,ndjson,csv plan next bare

for f in json ndjson csv; do
  capture output/plan-history "$f" plan suspend "$A2" --reason "knee swelling reported by phone"
  capture output/plan-history "$f" plan resume "$A2" --reason "reviewed in clinic"
  capture output/plan-history "$f" plan override "$A2" --step 2 --reason "tolerating well"
  capture output/plan-history "$f" plan override "$A2" --decision hold --reason "wait one more session"
done
expect 0 -q plan suspend "$A2" --reason "awaiting scan"
capture output/plan-history json,ndjson,csv plan history "$A2"
# a suspended plan imported: its header names the suspension
expect 0 -q athlete add held --mass 65
expect 0 --json plan export "$A2"
jq '.athlete_id = "held" | .id = "held"' <<<"$OUT" >"$TMP/plan-held.json"
capture output/plan-summary json,ndjson,csv plan import "$TMP/plan-held.json" --replace
capture output/plan-history json,ndjson,csv plan history ann
capture output/plan-list json,ndjson,csv plan list
capture output/plan-show json,ndjson plan show full
capture output/plan-show json,ndjson plan show "$A2"
capture plan json,ndjson plan export ann
capture plan json,ndjson plan export full
expect 2 --format csv plan export ann
has "json" "$ERR"
[ -z "$OUT" ] && pass || fail "plan export --format csv printed: ${OUT:0:200}"

# --- templates: the built-in one and a store template whose steps carry their own speed and notes.
expect 0 --json plan template show return-to-run
jq '.id = "clinic-slow" | .title = "Clinic slow ladder" | .severities.mild.steps[0].speed_kmh = 6
    | .severities.moderate.steps[0].note = "first step: check the harness"' <<<"$OUT" >"$TMP/clinic-slow.json"
capture output/plan-templates json,ndjson,csv plan template add "$TMP/clinic-slow.json" --replace
capture output/plan-validation json,ndjson,csv plan validate "$TMP/clinic-slow.json"
capture output/plan-templates json,ndjson,csv plan templates
capture template json,ndjson plan template show return-to-run
capture template json,ndjson plan template show clinic-slow
capture output/plan-template-step csv plan template show return-to-run
capture output/plan-template-step csv plan template show clinic-slow

# --- devices and the unit (the in-process simulator on a virtual clock)
capture output/devices json,ndjson,csv devices
capture unit json,ndjson unit info --port "sim:?clock=virtual"
capture output/unit-info csv unit info --port "sim:?clock=virtual"
capture output/unit-status json,ndjson,csv unit watch --port "sim:?clock=virtual" --count 3
capture output/unit-status json,ndjson,csv unit drive --port "sim:?clock=virtual" --support 50 --seconds 0.2
# another unit, in a copy of the store: one with its e-stop pressed, then one lever cannot drive
cp -a "$D" "$TMP/units"
capture output/unit-status json,ndjson,csv --store "$TMP/units" unit watch --port "sim:SIM-0009?clock=virtual&faults=estop@0s" --count 2
capture output/unit-info csv --store "$TMP/units" unit info --port "sim:SIM-0009?clock=virtual&faults=estop@0s"
capture output/unit-info csv --store "$TMP/units" unit info --port "sim:SIM-0008?clock=virtual&faults=config@0s"
capture unit json,ndjson --store "$TMP/units" unit info --port "sim:SIM-0008?clock=virtual&faults=config@0s"

# --- store check: healthy (an empty list), then a copy with warnings (a stray file, a torn last line)
capture output/store-check json,ndjson,csv store check
cp -a "$D" "$TMP/warned"
echo '{}' >"$TMP/warned/athletes/notes.txt"
chmod 600 "$TMP/warned/athletes/notes.txt"
printf '{"schema_version":1,"id":"p-torn' >>"$TMP/warned/pain/$A2.ndjson"
capture output/store-check json,ndjson,csv --store "$TMP/warned" store check
# Damaged on purpose: not left for CI's sweep of the kept stores (lib.sh keep_stores keeps any store
# that `store check` passes, and warnings pass).
rm -rf "$TMP/warned"
