#!/usr/bin/env bash
# End to end: the reports that exist without sessions (athlete, pain, clinic, units), their formats,
# de-identification, time windows, the HTML page, and bad input.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
"$LEVER" -q athlete add ann --mass 75 --name "Ann Example" --cadence 164 --side left >/dev/null
"$LEVER" -q athlete add ben --mass 82 >/dev/null
"$LEVER" -q plan new ann --severity moderate >/dev/null 2>&1 || fail "plan new"
"$LEVER" -q log-pain ann 2 --when next-day --at -8d --note "private words" >/dev/null
"$LEVER" -q log-pain ann 3 --when during --at -2d >/dev/null

expect 0 report athlete ann
has "Week by week" "$OUT"; has "Ann Example" "$OUT"; has "20.0 %" "$OUT"
expect 0 --json report athlete ann
same "$(jq -r .athlete.id <<<"$OUT")" "ann" "athlete id"
same "$(jq -r .plan.support_pct <<<"$OUT")" "20" "plan support"
same "$(jq '[.weeks[].worst_pain_during | select(. != null)] | max' <<<"$OUT")" "3" "worst pain during"
expect 0 --format csv report athlete ann
same "$(head -1 <<<"$OUT" | cut -d, -f1-4 | tr -d '\r')" "athlete_id,week_start,sessions,run_minutes" "csv header"
expect 0 --json report athlete ann --since -5d
same "$(jq '[.weeks[].mean_next_day_pain | select(. != null)] | length' <<<"$OUT")" "0" "--since leaves the older log out"

# De-identified: a stable pseudonym, no name, no notes.
expect 0 --json report athlete ann --deidentify
p1=$(jq -r .athlete.id <<<"$OUT")
lacks "Ann Example" "$OUT"; lacks '"ann"' "$OUT"
expect 0 --json report athlete ann --deidentify
same "$(jq -r .athlete.id <<<"$OUT")" "$p1" "pseudonym is stable"
same "$(jq -c '.athlete.name' <<<"$OUT")" "null" "no name when de-identified (present, null)"
expect 0 --json report athlete ben
same "$(jq -c '[.athlete.name, .athlete.side, .plan, .since]' <<<"$OUT")" "[null,null,null,null]" "unknown fields are null, never absent"
expect 0 --format csv report pain ann --deidentify
lacks "private words" "$OUT"; has "$p1" "$OUT"
expect 0 --format ndjson report pain ann
has "private words" "$OUT"
same "$(wc -l <<<"$OUT")" "2" "two pain entries"

# HTML: one self-contained page with charts, no scripts or external resources.
expect 0 report athlete ann --html "$TMP/ann.html"
html=$(cat "$TMP/ann.html")
has "<svg" "$html"; has "during-run limit 4/10" "$html"; lacks "<script" "$html"; lacks "http://" "${html//http:\/\/www.w3.org\/2000\/svg/}"
same "$(stat -c %a "$TMP/ann.html")" "644" "report file mode"

# The clinic overview and units.
expect 0 --json report clinic
same "$(jq '.athletes | length' <<<"$OUT")" "2" "two athletes in the overview"
same "$(jq -r '.athletes[] | select(.athlete_id == "ann") | .plan_status' <<<"$OUT")" "active" "plan status"
same "$(jq -r '.athletes[] | select(.athlete_id == "ben") | .plan_status' <<<"$OUT")" "none" "no plan"
expect 0 report clinic --html "$TMP/clinic.html"
has "Clinic overview" "$(cat "$TMP/clinic.html")"
expect 0 report units
# A record the overviews cannot read is left out with a warning naming it, never silently.
printf '{"schema_version": 1, "id": "cat", "mass_kg": ' >"$LEVER_STORE/athletes/cat.json"
mkdir -p -m 700 "$LEVER_STORE/units"
printf '{"schema_version": 1, "id": "u9"' >"$LEVER_STORE/units/u9.json"
chmod 600 "$LEVER_STORE/athletes/cat.json" "$LEVER_STORE/units/u9.json"
expect 0 --json report clinic
same "$(jq '.athletes | length' <<<"$OUT")" "2" "the damaged athlete is left out"
has "athlete 'cat' is left out" "$ERR"; has "athletes/cat.json" "$ERR"; has "unit 'u9' is left out" "$ERR"
expect 0 report units
has "unit 'u9' is left out" "$ERR"
rm "$LEVER_STORE/athletes/cat.json" "$LEVER_STORE/units/u9.json"

# Bad input.
expect 4 report athlete nobody; has "nobody" "$ERR"
expect 2 report athlete ../x
expect 2 report athlete ann --since yesterday-ish
expect 2 report athlete ann --since -1d --until -5d; has "--since is after --until" "$ERR"
expect 2 report
expect 1 report athlete ann --html /nonexistent-dir/x.html; has "nonexistent-dir" "$ERR"
finish
