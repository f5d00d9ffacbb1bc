#!/usr/bin/env bash
# The schemas describe what lever really writes, judged by ajv (an independent JSON Schema 2020-12
# validator, tests/schema/validate.mjs), not by lever's own validator: the demo plus a few commands
# write every kind of record, ajv accepts all of them, and a record broken in one field is caught.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
V="$LEVER_SOURCE_DIR/tests/schema"
S="$LEVER_SOURCE_DIR/schemas"
if [ ! -d "$V/node_modules/ajv" ]; then
  fail "ajv is not installed: run 'npm ci --prefix tests/schema' (bash .ci/setup does)"
  finish; exit 1
fi
validate() {  # validate [--undocumented] PATH...: runs the validator, output in $VOUT and exit code in $VRC
  VOUT=$(node "$V/validate.mjs" "$S" "$@" 2>&1)
  VRC=$?
}

# The validator's table of collections is the store's own (src/store/collections.cpp), row by row.
table=$(node "$V/validate.mjs" --table)
want=$(sed -nE 's/^ *\{"([a-z]+)", "([a-z]+)", "([a-z-]+\.schema\.json)", (true|false),.*/\1 \2 \3 \4/p' \
  "$LEVER_SOURCE_DIR/src/store/collections.cpp" | sed -e 's/ true$/ log/' -e 's/ false$/ document/')
same "$(wc -l <<<"$want")" "9" "collections.cpp rows read"
same "$table" "$want" "validate.mjs collection table vs src/store/collections.cpp"

# Records from real runs: the demo (unit, calibration, athlete, plan, a session with its telemetry
# on the simulator's virtual clock, pain, audit), then a store template, plan decisions and pain
# entries with every symptom field.
D="$TMP/demo"
expect 0 -q demo --dir "$D"
expect 0 --json --store "$D" plan template show return-to-run
sed 's/"id": "return-to-run"/"id": "clinic-a"/' <<<"$OUT" >"$TMP/clinic-a.json"
expect 0 --store "$D" plan template add "$TMP/clinic-a.json"
expect 0 --store "$D" plan override ann --step 2 --reason "tolerating well"
expect 0 --store "$D" plan suspend ann --reason "away"
expect 0 --store "$D" plan resume ann --reason "back"
expect 0 --store "$D" athlete edit ann --flag review --note "check cadence"
expect 0 --store "$D" log-pain ann 3 --when after --at -2h --swelling mild --theatre-sign --stairs \
  --grinding --stiffness --note "after stairs"
printf 'athlete_id,score,when,at\nann,2,before,2026-11-20T08:00:00Z\nann,4,during,2026-11-20T08:20:00Z\n' >"$TMP/pain.csv"
expect 0 --store "$D" log-pain --import "$TMP/pain.csv"
expect 0 --store "$D" store check

validate --undocumented "$D"
same "$VRC" "0" "ajv accepts every record lever wrote, each field named by its schema ($(tail -1 <<<"$VOUT"))"
[ "$VRC" -eq 0 ] || echo "$VOUT" | head -20 >&2
lacks "undocumented" "$VOUT"
lacks "named by no schema" "$VOUT"
kinds=$(grep '^kinds:' <<<"$VOUT")
for k in store $(cut -d' ' -f1 <<<"$table"); do
  if [[ " ${kinds#kinds:} " =~ \ $k=[1-9] ]]; then pass; else fail "no $k record was validated: $kinds"; fi
done
has "0 invalid" "$VOUT"

# Every record schema refuses a field it does not name, so a field lever starts writing without
# documenting it fails both validators (and the suites that run 'lever store check').
for s in $(cut -d' ' -f3 <<<"$table") store.schema.json; do
  same "$(jq '.additionalProperties' "$S/$s")" "false" "$s refuses unnamed fields"
done
B="$TMP/broken"
cp -a "$D" "$B"
sf=$(ls "$B"/sessions/*.json | head -1)
jq '.zz_extra = 1' "$sf" >"$TMP/s.json" && cp "$TMP/s.json" "$sf"
validate "$B"
same "$VRC" "1" "ajv rejects a session field no schema names"
has "$sf:1: session: / must NOT have additional properties {\"additionalProperty\":\"zz_extra\"}" "$VOUT"
expect 5 --store "$B" store check
has "zz_extra" "$OUT"
validate --undocumented "$B"
has "undocumented session: /zz_extra" "$VOUT"
lacks "undocumented athlete" "$VOUT"
# A nested one too (inside the session's programme), by both validators.
jq '.program.phases[0].zz_pace = 1' "$D/sessions/$(basename "$sf")" >"$sf"
validate --undocumented "$B"
same "$VRC" "1" "ajv rejects an unnamed field in a session's programme phase"
has "undocumented session: /program/phases/*/zz_pace" "$VOUT"
expect 5 --store "$B" store check
has "zz_pace" "$OUT"
cp -a "$D/sessions/." "$B/sessions/"
# Where a schema allows other fields (the store's hand-set configuration), plain validation passes
# but --undocumented, as CI runs it, fails on a field it does not name ...
jq '.config.zz_pref = 1' "$D/store.json" >"$B/store.json"
validate "$B"
same "$VRC" "0" "a hand-set store setting is allowed"
validate --undocumented "$B"
same "$VRC" "1" "--undocumented fails on a store setting no schema names"
has "undocumented store: /config/zz_pref" "$VOUT"
# ... while an audit entry's details, free-form by design (they differ per action), are not listed.
cp -a "$D/store.json" "$B/store.json"
al=$(ls "$B"/audit/*.ndjson | head -1)
awk 'NR == 1 { sub(/"details":\{/, "\"details\":{\"zz_fact\":1,") } { print }' "$D/audit/$(basename "$al")" >"$al"
has '"zz_fact":1' "$(head -1 "$al")"
validate --undocumented "$B"
same "$VRC" "0" "audit details are free-form"
lacks "undocumented audit" "$VOUT"
rm -rf "$B"

# A record broken in one field is caught, named by file and line, and lever's own check agrees.
B="$TMP/broken"
cp -a "$D" "$B"
jq '.mass_kg = "heavy"' "$D/athletes/ann.json" >"$B/athletes/ann.json"
validate "$B"
same "$VRC" "1" "ajv rejects an athlete whose mass is a string"
has "$B/athletes/ann.json:1: athlete: /mass_kg must be number" "$VOUT"
has "1 invalid" "$VOUT"
expect 5 --store "$B" store check
has "athletes/ann.json" "$OUT"

cp -a "$D/athletes/ann.json" "$B/athletes/ann.json"
log="$B/pain/ann.ndjson"
awk 'NR == 2 { sub(/"score":[0-9]+/, "\"score\":11") } { print }' "$D/pain/ann.ndjson" >"$log"
validate "$B"
same "$VRC" "1" "ajv rejects a pain score of 11"
has "$log:2: pain: /score must be <= 10" "$VOUT"
expect 5 --store "$B" store check

# An unfinished last line of a log (a crash mid-append) is noted but is no record, as lever sees it.
cp -a "$D/pain/ann.ndjson" "$log"
printf '{"id":"torn"' >>"$log"
validate "$B"
same "$VRC" "0" "a torn last line is not an invalid record"
has "$log:$(($(wc -l <"$D/pain/ann.ndjson") + 1)): note: pain: unfinished last line" "$VOUT"
expect 0 --store "$B" store check
has "unfinished last line" "$OUT"
# So is a temporary file a crash left behind (the next writer removes it).
echo '{"id": "ann", "mass' >"$B/athletes/.ann.json.tmp-Ab12Cd"
validate "$B"
same "$VRC" "0" "a crash's leftover temporary file is not an invalid record"
has "athletes/.ann.json.tmp-Ab12Cd: note: a crash's leftover temporary file" "$VOUT"
# A file no schema describes is reported.
echo '{}' >"$B/notes.json"
validate "$B"
same "$VRC" "1" "a stray file in the store"
has "$B/notes.json: not part of a lever store" "$VOUT"
validate "$TMP/nowhere"
same "$VRC" "2" "a missing store is a usage error"
rm -rf "$B"  # broken on purpose: not a store for CI's run of the validator over kept stores
finish
