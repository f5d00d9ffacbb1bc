#!/usr/bin/env bash
# End-to-end: lever plan against the real binary (templates, new, show, next, history, override,
# suspend/resume, export/import/validate) and its exit codes on bad input.
. "$(dirname "$0")/lib.sh"

ago() { date -u -d "-$1" +%Y-%m-%dT%H:%M:%SZ; }

# session ID DAYS_AGO STEP MAX_PAIN_DURING: writes a plan session summary as 'lever run' would
# (DAYS_AGO 0 = starting now).
session() {
  mkdir -p -m 700 "$LEVER_STORE/sessions"
  cat >"$LEVER_STORE/sessions/$1.json" <<JSON
{"schema_version": 1, "id": "$1", "athlete_id": "ann", "started_at": "$(ago "$2 days")",
 "ended_at": "$(ago "$2 days -1 minute")", "status": "completed", "plan_step": $3,
 "support_pct": 20.0, "measured_support_pct": 19.1, "max_pain_during": $4}
JSON
  chmod 600 "$LEVER_STORE/sessions/$1.json"
}

# Unknown athlete, bad profile, bad severity.
expect 4 plan new ghost
has "no athlete 'ghost'" "$ERR"
expect 0 athlete add ann --mass 75 --cadence 164
expect 2 plan new ann --profile bogus
has "unknown pain-monitoring profile 'bogus'" "$ERR"
expect 3 plan new ann --severity severe
has "not a candidate" "$ERR"
expect 2 plan new ann --severity extreme
expect 4 plan show ann
has "has no plan" "$ERR"

# Blocking flags are refused.
expect 0 athlete add bob --mass 80
expect 0 athlete edit bob --flag suspected-ligament --flag-note "positive Lachman"
expect 3 plan new bob
has "suspected-ligament" "$ERR"

# Templates.
expect 0 --format csv plan templates
has "return-to-run,built-in,13,15" "$OUT"

# A unit that cannot deliver 20 % of 75 kg (147 N) refuses the moderate plan, naming the numbers.
mkdir -p -m 700 "$LEVER_STORE/units"
cat >"$LEVER_STORE/units/u1.json" <<JSON
{"schema_version": 1, "id": "u1", "serial": "U1", "firmware": "1.0", "protocol_version": 1,
 "limits": {"max_support_force_n": 133, "max_support_slew_n_per_s": 50, "max_speed_kmh": 20,
            "max_accel_kmh_per_s": 1, "max_incline_pct": 15, "min_incline_pct": 0},
 "last_seen_at": "$(ago "1 day")"}
JSON
chmod 600 "$LEVER_STORE/units/u1.json"
expect 3 plan new ann
has "step 1 needs 147 N of support (20 % of 75 kg) but unit u1 gives at most 133 N" "$ERR"
expect 4 plan new ann --unit nosuch
expect 0 plan new ann --severity mild
has "checked against unit u1" "$ERR"
expect 5 plan new ann --severity mild
has "already has a plan" "$ERR"
rm "$LEVER_STORE/units/u1.json"
expect 0 plan new ann --replace
# The sessions below lie in the past: date the plan 10 days back (export, edit, import) so they count.
expect 0 plan export ann
sed -E "s/\"(created_at|updated_at|at)\": \"[^\"]*\"/\"\1\": \"$(ago "10 days")\"/" <<<"$OUT" >"$TMP/dated.json"
expect 0 plan import "$TMP/dated.json" --replace
expect 0 --format csv plan show ann
has "step,current,support_pct,support_force_n,effective_mass_kg,run_min,walk_min,duration_min,speed_kmh" "$OUT"
has "1,true,20.0,147.1,60.0,4,1,20,8.0,172," "$OUT"  # 75 kg at 20 % runs as 60.0 kg
expect 0 --json plan show ann
has '"load_per_session"' "$OUT"
expect 0 plan list
has "ann" "$OUT"

# The next session and the decisions behind it.
expect 0 --format csv plan next ann
has "ann,1,15,20.0,147.1," "$OUT"
session s1 6 1 2
expect 0 log-pain ann 0 --when next-day --session s1 --at "$(ago "5 days")"
session s2 4 1 3
expect 0 log-pain ann 0 --when next-day --session s2 --at "$(ago "3 days")"
expect 0 --json plan next ann
has '"step": 2' "$OUT"
has '"decision": "progress"' "$OUT"
has "progressed from 20 % (step 1) to 20 % (step 2)" "$OUT"
expect 0 --format csv plan history ann
same "$(grep -c "^[^,]*,decision," <<<"$OUT")" 2 "decisions after two sessions"
# Idempotent: asking again decides nothing new.
expect 0 plan next ann
expect 0 --format csv plan history ann
same "$(grep -c "^[^,]*,decision," <<<"$OUT")" 2 "decisions after asking again"

# A missing next-day log holds once its window has passed.
session s3 3 2 1
expect 0 --json plan next ann
has '"decision": "hold"' "$OUT"
has "no 24-h log after the" "$OUT"

# An override sticks.
expect 2 plan override ann --decision hold
expect 2 plan override ann --step 1 --decision hold --reason x
expect 2 plan override ann --decision suspend --reason x
expect 0 plan override ann --step 4 --reason "tolerating well, skip ahead"
expect 0 --json plan next ann
has '"step": 4' "$OUT"
has "overridden by e2e" "$OUT"
expect 2 plan override ann --step 99 --reason x

# Suspension blocks the plan until a clinician resumes it with a reason.
expect 0 plan suspend ann --reason "knee swollen after stairs"
expect 3 plan next ann
has "suspended" "$ERR"
expect 3 plan override ann --step 2 --reason x
expect 2 plan resume ann
expect 0 plan resume ann --reason "swelling settled" --step 3
expect 0 --json plan next ann
has '"step": 3' "$OUT"

# Two unacceptable responses in a row suspend and flag the athlete for review.
sleep 1
session s4 0 3 7
session s5 0 3 8
expect 3 plan next ann
has "second unacceptable response in a row" "$ERR"
expect 0 --json athlete show ann
has '"review"' "$OUT"
expect 0 --format csv plan list
has "ann,suspended" "$OUT"
# template_id is the field's name now; the deprecated "template" carries the same value until 0.3.0.
same "$(head -1 <<<"$OUT" | tr -d '\r')" "athlete_id,status,current_step,steps_total,support_pct,profile,template_id,template,review,updated_at,latest" "csv header keeps the old name"
expect 0 --json plan list
same "$(jq -r '.[0].template_id' <<<"$OUT")" "return-to-run" "plan list template_id"
same "$(jq -r '.[0].template' <<<"$OUT")" "return-to-run" "plan list template (deprecated)"
expect 0 --format ndjson plan show ann
same "$(jq -r '[.template_id == .template, .suspension_reason != null, (.rules | has("after_min_min"))] | all' <<<"$OUT")" "true" \
  "plan show: old and new name agree; the suspension named; every rule present"

# Export, validate, import.
expect 0 plan export ann
echo "$OUT" >"$TMP/plan.json"
# A nested document has no CSV form: refused, never JSON under a CSV name.
expect 2 --format csv plan export ann
has "no CSV form" "$ERR"
same "$OUT" "" "plan export --format csv prints nothing"
expect 0 plan validate "$TMP/plan.json"
expect 0 --json plan validate "$TMP/plan.json"
same "$OUT" "[]" "a valid file: an empty list of problems"
sed 's/"current_step": [0-9]*/"current_step": 0/' "$TMP/plan.json" >"$TMP/bad-plan.json"
expect 5 plan validate "$TMP/bad-plan.json"
has "/current_step" "$ERR"
expect 5 plan import "$TMP/bad-plan.json"
expect 5 plan import "$TMP/plan.json"
has "already has a plan" "$ERR"
expect 0 plan import "$TMP/plan.json" --replace
expect 4 plan validate "$TMP/no-such-file.json"

# Templates from the store; an invalid one is refused with a JSON Pointer.
expect 0 --json plan template show return-to-run
sed 's/"id": "return-to-run"/"id": "clinic-a"/' <<<"$OUT" >"$TMP/clinic-a.json"
expect 0 plan template add "$TMP/clinic-a.json"
expect 0 --format csv plan templates
has "clinic-a,store" "$OUT"
# template show in CSV: one line per step of both ladders, not the JSON document.
expect 0 --format csv plan template show clinic-a
same "$(head -1 <<<"$OUT" | tr -d '\r')" "severity,step,support_pct,run_min,walk_min,duration_min,speed_kmh,note" "template csv header"
same "$(grep -c '^mild,' <<<"$OUT")" "$(jq '.severities.mild.steps | length' "$TMP/clinic-a.json")" "a line per mild step"
same "$(grep -c '^moderate,' <<<"$OUT")" "$(jq '.severities.moderate.steps | length' "$TMP/clinic-a.json")" "a line per moderate step"
sed 's/"incline_pct": 0/"incline_pct": -2/' "$TMP/clinic-a.json" | sed 's/"id": "clinic-a"/"id": "clinic-b"/' >"$TMP/clinic-b.json"
expect 5 plan template add "$TMP/clinic-b.json"
has "/incline_pct" "$ERR"
expect 5 plan validate "$TMP/clinic-b.json"
has "/incline_pct" "$ERR"
echo '{"kind": "lever-template", "id": "x"' >"$TMP/broken.json"
expect 5 plan validate "$TMP/broken.json"
has "not valid JSON" "$ERR"
expect 5 plan template add "$TMP/clinic-a.json"
expect 0 athlete add cy --mass 60
expect 4 plan new cy --template nosuch
expect 0 plan new cy --template clinic-a --profile trek --severity mild --speed 7.5
expect 0 --json plan show cy
has '"profile": "trek"' "$OUT"
has '"speed_kmh": 7.5' "$OUT"
expect 4 plan template show nosuch

expect 0 store check
finish
