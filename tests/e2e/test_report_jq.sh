#!/usr/bin/env bash
# End to end: `lever report clinic` and `lever report athlete` against the jq programs that compute
# the same aggregates from the same files (tests/bench/jq, the benchmark's baseline). A small
# generated store, plus sessions that take lever's slow path (an escaped ID, an integer written 2.0)
# and a damaged one, so both the quick reader and the fallback are held to the same answers.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
JQ="$LEVER_SOURCE_DIR/tests/bench/jq"
"$LEVER_BUILD_DIR/tests/gen_store" "$LEVER_STORE" 12 240 960 2>/dev/null || fail "gen_store"
S=$LEVER_STORE

# Newest sessions that change the follow-up column: due (ended an hour ago, written with an
# escaped athlete ID and plan_step 2.0, valid but unusual), and missing (ended three days ago).
iso() { date -u -d "$1" +%Y-%m-%dT%H:%M:%S+00:00; }
cat >"$S/sessions/s-late-1.json" <<JSON
{"schema_version": 1, "id": "s-late-1", "athlete_id": "\u0061th-0001", "started_at": "$(iso '-90 min')",
 "ended_at": "$(iso '-60 min')", "status": "stopped", "stop_reason": "pain", "plan_step": 2.0,
 "support_pct": 15, "run_s": 600, "knee_load": 900.5, "max_pain_during": 6}
JSON
cat >"$S/sessions/s-late-2.json" <<JSON
{"schema_version": 1, "id": "s-late-2", "athlete_id": "ath-0002", "started_at": "$(iso '-3 days')",
 "status": "completed", "duration_s": 900}
JSON

# Numbers compared to 1e-6: jq and lever may add in a different order.
norm() { jq -S 'walk(if type == "number" then (. * 1e6 | round) / 1e6 else . end)'; }

expect 0 --json report clinic
lever_clinic=$(jq '.athletes' <<<"$OUT" | norm)
jq_clinic=$(bash "$JQ/clinic.sh" "$S" | norm) || fail "jq clinic baseline"
same "$lever_clinic" "$jq_clinic" "clinic rows, lever vs jq"
same "$(jq 'length' <<<"$lever_clinic")" "12" "one row per athlete"
same "$(jq -r '.[] | select(.athlete_id == "ath-0001") | .follow_up + " " + .last_session_id' <<<"$lever_clinic")" "due s-late-1" "escaped-ID session is ath-0001's newest"
same "$(jq -r '.[] | select(.athlete_id == "ath-0002") | .follow_up' <<<"$lever_clinic")" "missing" "three-day-old session without a log"
same "$(jq -r '.[] | select(.athlete_id == "ath-0003") | .follow_up' <<<"$lever_clinic")" "logged" "generated history is logged"
same "$(jq -r '.[] | select(.athlete_id == "ath-0000") | .red_flags[0]' <<<"$lever_clinic")" "suspected-meniscal" "red flag"

for a in ath-0001 ath-0004; do
  expect 0 --json report athlete "$a"
  lever_ath=$(jq '{sessions, weeks}' <<<"$OUT" | norm)
  jq_ath=$(bash "$JQ/athlete.sh" "$S" "$a" | norm) || fail "jq athlete baseline"
  same "$lever_ath" "$jq_ath" "athlete $a, lever vs jq"
done
same "$(jq '.sessions | length' <<<"$lever_ath")" "20" "ath-0004 has its 20 sessions"
expect 0 --json report athlete ath-0001
same "$(jq -c '.sessions[-1] | [.id, .plan_step, .run_minutes]' <<<"$OUT")" '["s-late-1",2,10]' "slow-path session read in full"
same "$(jq '[.weeks[] | select(.sessions > 0)] | length > 5' <<<"$OUT")" "true" "weeks are filled"
# Renamed fields (0.2.0): the deprecated spelling is written beside the new one, with the same value.
same "$(jq '[.sessions[] | (.session_id == .id) and (.run_min == .run_minutes)] | all' <<<"$OUT")" "true" "sessions: session_id = id, run_min = run_minutes"
same "$(jq '([.weeks[] | .run_min == .run_minutes] | all) and (.weeks | length > 0)' <<<"$OUT")" "true" "weeks: run_min = run_minutes"
same "$(jq '.plan.steps_total == .plan.steps and .plan.steps_total > 1' <<<"$OUT")" "true" "plan: steps_total = steps"
expect 0 --format ndjson report athlete ath-0001
same "$(jq -s '[.[] | .run_min == .run_minutes] | all' <<<"$OUT")" "true" "ndjson weeks: run_min = run_minutes"
expect 0 --format csv report athlete ath-0001
same "$(python3 -c 'import csv,sys; r=list(csv.DictReader(sys.stdin)); print(bool(r) and all(x["run_min"] == x["run_minutes"] for x in r), list(r[0])[-1], list(r[0])[3])' <<<"$OUT")" \
  "True run_min run_minutes" "csv weeks: run_min appended at the end, equal to run_minutes in its old place"
expect 0 --json report clinic
same "$(jq '[.athletes[] | .current_step == .plan_step] | all' <<<"$OUT")" "true" "clinic: current_step = plan_step"
expect 0 --format csv report clinic
same "$(head -1 <<<"$OUT" | tr -d '\r')" \
  "athlete_id,plan_status,plan_step,support_pct,last_session_at,last_session_status,follow_up,red_flags,review,current_step,last_session_id" \
  "clinic csv: the new columns at the end"

# Through the session index (cache/sessions.index): once the files are old enough to be indexed
# (2 s), the answers from the index are the answers from the files.
sleep 2.1
expect 0 --json report clinic
[ -s "$S/cache/sessions.index" ] || fail "the clinic report left no session index"
same "$(grep -c . "$S/cache/sessions.index")" "$(( $(ls "$S/sessions" | wc -l) + 2 ))" "every session indexed (plus header and trailer)"
expect 0 --json report clinic
# The athlete reports above brought those plans up to their evidence (stored decisions): jq reads
# the files as they are now.
jq_clinic=$(bash "$JQ/clinic.sh" "$S" | norm) || fail "jq clinic baseline"
same "$(jq '.athletes' <<<"$OUT" | norm)" "$jq_clinic" "clinic rows from the index, lever vs jq"
expect 0 --json report athlete ath-0004
same "$(jq '{sessions, weeks}' <<<"$OUT" | norm)" "$(bash "$JQ/athlete.sh" "$S" ath-0004 | norm)" "athlete from the index, lever vs jq"
# An edit in place that keeps the size and puts the modification time back (cp -p from a backup):
# only the change time moves, and the report sees the new value.
sid=$(jq -r '.sessions[0].id' <<<"$OUT")
python3 - "$S/sessions/$sid.json" <<'PY'
import os, re, sys
p = sys.argv[1]
st = os.stat(p)
text = open(p).read()
new = re.sub(r'("max_pain_during": *)(\d)', lambda m: m.group(1) + ("9" if m.group(2) != "9" else "8"), text, count=1)
assert len(new) == len(text) and new != text
with open(p, "r+") as f:
    f.write(new)
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
want=$(jq '.max_pain_during' "$S/sessions/$sid.json")
expect 0 --json report athlete ath-0004
same "$(jq --arg id "$sid" '.sessions[] | select(.id == $id) | .max_pain_during' <<<"$OUT")" "$want" "an in-place edit is seen through the index"

# A damaged session: the clinic overview leaves it out; the athlete report names it (exit 5).
before=$("$LEVER" --json report clinic | jq -c '.athletes')
printf '{"schema_version": 1, "id": "s-broken", "athlete_id": "ath-00' >"$S/sessions/s-broken.json"
expect 0 --json report clinic
same "$(jq -c '.athletes' <<<"$OUT")" "$before" "clinic unchanged by a damaged session"
expect 5 --json report athlete ath-0004
has "sessions/s-broken.json is not valid JSON" "$ERR"
has "lever store check" "$ERR"
finish
