#!/usr/bin/env bash
# End to end: athletes and the pain log through the real binary, including the bad input a tired
# clinician or a broken script gives. Each failure names the command and what came back.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"

expect 0 --version; has "lever " "$OUT"
expect 0 --help; has "athlete" "$OUT"; has "log-pain" "$OUT"
expect 0 athlete --help; has "add" "$OUT"
expect 0 log-pain --help; has "--theatre-sign" "$OUT"
expect 2 frobnicate
expect 2 athlete add ann
has "--mass" "$ERR"

# Adding and showing, with units people type.
expect 0 athlete add ann --mass 165lb --name "Ann Example" --cadence 164 --side left --baseline-pain 1
expect 0 --json athlete show ann
same "$(jq -r .mass_kg <<<"$OUT")" "74.84" "mass converted from pounds"
same "$(jq -r .side <<<"$OUT")" "left" "side"
expect 0 --units imperial athlete show ann; has "165.0 lb" "$OUT"
expect 5 athlete add ann --mass 70; has "already exists" "$ERR"
expect 2 athlete add bob --mass 900; has "20-300" "$ERR"
expect 2 athlete add bob --mass heavy; has "heavy" "$ERR"
expect 2 athlete add ../etc --mass 70; has "invalid athlete ID" "$ERR"
expect 2 athlete add a/b --mass 70; has "'/'" "$ERR"
expect 2 athlete add Ann --mass 70; has "lower case" "$ERR"
expect 4 athlete show nobody; has "no athlete 'nobody'" "$ERR"; has "lever athlete list" "$ERR"
[ ! -e "$LEVER_STORE/etc.json" ] && [ ! -e "$TMP/etc.json" ] && pass || fail "a file escaped the store"

# Flags block runs; editing is audited.
expect 0 athlete edit ann --flag suspected-meniscal --flag-note "McMurray positive"
expect 0 --json athlete show ann
same "$(jq -r .blocked <<<"$OUT")" "true" "blocking flag"
same "$(jq -r '.flags[0].note' <<<"$OUT")" "McMurray positive" "flag note"
expect 0 athlete edit ann --clear-flag suspected-meniscal --mass 74
expect 0 --json athlete show ann
same "$(jq -r .blocked <<<"$OUT")" "false" "flag cleared"
same "$(jq -r .mass_kg <<<"$OUT")" "74" "mass edited"
expect 2 athlete edit ann --flag broken-leg
audit=$(cat "$LEVER_STORE"/audit/*.ndjson)
has '"action":"athlete.edit"' "$audit"; has '"user":"e2e"' "$audit"

# Logging pain: the stored entry comes back as JSON.
expect 0 --json log-pain ann 3 --when during --swelling mild --theatre-sign --note "felt ok"
same "$(jq -r .score <<<"$OUT")" "3" "score stored"
same "$(jq -r .theatre_sign <<<"$OUT")" "true" "theatre sign stored"
same "$(jq -r .by <<<"$OUT")" "e2e" "author stored"
expect 0 --json log-pain ann 2 --when next-day --at -24h
expect 0 --format csv log-pain ann 1 --at 2026-01-05T08:00:00+01:00
has "2026-01-05T07:00:00+00:00" "$OUT"
for bad in 11 -1 4.5 four; do expect 2 log-pain ann -- "$bad"; has "score" "$ERR"; done
expect 4 log-pain nobody 3; has "nobody" "$ERR"
expect 2 log-pain ../x 3; has "not a valid ID" "$ERR"
expect 2 log-pain ann 3 --at 2099-01-01; has "future" "$ERR"
expect 2 log-pain ann 3 --at "25/11/2026"; has "ISO 8601" "$ERR"
expect 2 log-pain ann 3 --when someday
expect 4 log-pain ann 3 --session s-nope; has "no session" "$ERR"
expect 2 log-pain ann
expect 0 --json athlete show ann
same "$(jq '.recent_pain | length' <<<"$OUT")" "3" "three entries logged, none from bad input"

# Formats are machine-readable and stable.
expect 0 --format ndjson athlete list
same "$(jq -r .id <<<"$OUT")" "ann" "ndjson list"
expect 0 --format csv athlete list
same "$(head -1 <<<"$OUT" | tr -d '\r')" "id,name,mass_kg,cadence_spm,side,flags" "csv header"
# Every field in every state: what was never recorded is null, in the list and in show.
expect 0 -q athlete add bare --mass 60
expect 0 --json athlete list
same "$(jq -c '.[] | select(.id == "bare") | [.name, .cadence_spm, .side, .baseline_pain, .note]' <<<"$OUT")" "[null,null,null,null,null]" "unset fields are null"
same "$(jq -r '.[] | select(.id == "ann") | .baseline_pain' <<<"$OUT")" "1" "baseline pain in the list"
expect 0 --json athlete show bare
same "$(jq -c '[.name, .note, .baseline_pain, .recent_pain]' <<<"$OUT")" "[null,null,null,[]]" "show: unset fields are null"
expect 0 --json log-pain bare 2
same "$(jq -c '[.session_id, .swelling, .note, .amended_by]' <<<"$OUT")" "[null,null,null,null]" "pain entry: unset fields are null"
expect 0 athlete list; has "Ann Example" "$OUT"

# Import: all or nothing, with line and field for every problem.
{
  echo "athlete_id,score,when,at,note"
  for i in $(seq 1 10000); do
    if [ "$i" -eq 5000 ]; then echo "ann,eleven,after,-1h,bad"; else echo "ann,$((i % 11)),after,-1h,\"n, $i\""; fi
  done
} >"$TMP/big.csv"
before=$(wc -l <"$LEVER_STORE/pain/ann.ndjson")
expect 5 log-pain --import "$TMP/big.csv"
has "line 5001, field score" "$ERR"; has "nothing was imported" "$ERR"
same "$(wc -l <"$LEVER_STORE/pain/ann.ndjson")" "$before" "nothing imported after a bad line"
sed -i 's/^ann,eleven/ann,10/' "$TMP/big.csv"
expect 0 log-pain --import "$TMP/big.csv"
same "$(wc -l <"$LEVER_STORE/pain/ann.ndjson")" "$((before + 10000))" "all 10000 imported"
printf '{"athlete_id":"ann","score":4,"when":"during"}\n{"athlete_id":"ann","score":99}\n{"athlete_id":"zed","score":1}\n' >"$TMP/p.ndjson"
expect 5 log-pain --import "$TMP/p.ndjson"
has "line 2, field score" "$ERR"; has "line 3, field athlete_id" "$ERR"
expect 0 --json log-pain --import - <<<'{"athlete_id":"ann","score":4,"when":"during"}'
expect 4 log-pain --import "$TMP/missing.csv"
expect 2 log-pain ann 3 --import "$TMP/p.ndjson"
expect 0 store check

# A damaged document names the file; other documents keep working.
expect 0 athlete add cat --mass 60
echo '{"schema_version":1,"id":"bob","mass_kg":"heavy"}' >"$LEVER_STORE/athletes/bob.json"
expect 5 athlete show bob; has "athletes/bob.json" "$ERR"
expect 0 athlete show cat
expect 0 athlete list; has "athletes/bob.json" "$ERR"; has "cat" "$OUT"
expect 5 store check; has "athletes/bob.json" "$OUT"
rm "$LEVER_STORE/athletes/bob.json"

# Permissions: the store is private health data.
same "$(stat -c %a "$LEVER_STORE")" "700" "store directory mode"
same "$(stat -c %a "$LEVER_STORE/athletes/ann.json")" "600" "document mode"
same "$(stat -c %a "$LEVER_STORE/pain/ann.ndjson")" "600" "log mode"

# A store on a read-only file system, and a full disk: clear errors, nothing half-written.
if mkdir -p "$TMP/ro" && mount -t tmpfs -o size=1m tmpfs "$TMP/ro" 2>/dev/null; then
  LEVER_STORE="$TMP/ro/store" "$LEVER" athlete add ann --mass 70 >/dev/null 2>&1
  mount -o remount,ro "$TMP/ro"
  LEVER_STORE="$TMP/ro/store" expect 1 log-pain ann 3; has "read-only" "$ERR"
  umount "$TMP/ro"
  mount -t tmpfs -o size=64k tmpfs "$TMP/ro"
  export LEVER_STORE="$TMP/ro/store"
  expect 0 athlete add ann --mass 70
  n=0
  while "$LEVER" log-pain ann 3 --note "$(head -c 1500 /dev/zero | tr '\0' x)" >/dev/null 2>"$TMP/err"; do n=$((n + 1)); [ $n -gt 1000 ] && break; done
  has "disk is full" "$(cat "$TMP/err")"
  lines=$(wc -l <"$LEVER_STORE/pain/ann.ndjson")
  same "$lines" "$n" "every acknowledged entry is present after the disk filled"
  same "$(tail -c 1 "$LEVER_STORE/pain/ann.ndjson" | od -An -c | tr -d ' ')" '\n' "no torn line after a full disk"
  expect 0 store check
  export LEVER_STORE="$TMP/store"
  umount "$TMP/ro"
else
  echo "note: cannot mount tmpfs here (not root?): read-only and full-disk checks skipped"
fi
finish
