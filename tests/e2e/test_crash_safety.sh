#!/usr/bin/env bash
# Crash safety: writers killed with SIGKILL at random points, many times. Afterwards `store check`
# passes, every entry the CLI acknowledged is present, documents are whole, and an interrupted
# import is either complete or absent once the next writer has run.
# Each part runs for a time budget (lib.sh: budget_start), not a count, with a floor of kills that
# interrupted a write (and a ceiling), so a sanitizer build runs fewer rounds rather than time out.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
RANDOM=4242  # reproducible kill points
MIN_INTERRUPTED=20  # kills that landed before the write was acknowledged: the property's floor
MAX_ROUNDS=400

"$LEVER" athlete add ann --mass 70 >/dev/null 2>&1 || fail "setup"
# Kill points are spread over 1.5 times one write's duration, measured here, so the test bites
# both on a fast build and under a sanitizer that makes every run ten times slower.
t0=$(date +%s%N)
for _ in 1 2 3; do "$LEVER" -q log-pain ann 0 --note calibration >/dev/null 2>&1; done
span_us=$(( ($(date +%s%N) - t0) / 2000 ))  # 1.5 x the mean of three runs, in microseconds
[ "$span_us" -gt 1000 ] || span_us=1000
delay() { local us=$(( (RANDOM * 32768 + RANDOM) % ${1:-$span_us} )); printf '%d.%06d' $((us / 1000000)) $((us % 1000000)); }
acked="$TMP/acked"
: >"$acked"
# interrupted: rounds so far whose kill landed before the acknowledgement.
interrupted() { echo $(( $1 - $(wc -l <"$acked") )); }
budget_start 45
i=0
while [ "$i" -lt "$MAX_ROUNDS" ] && { budget_left || [ "$(interrupted "$i")" -lt "$MIN_INTERRUPTED" ]; }; do
  i=$((i + 1))
  "$LEVER" -q --format ndjson log-pain ann $((i % 11)) --note "round $i" >"$TMP/o.$i" 2>/dev/null &
  pid=$!
  # Kill somewhere between start-up and completion (a few ms); some runs finish first.
  sleep "$(delay)"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # Acknowledged = the entry was printed (lever prints only after the entry is durable).
  id=$(jq -r '.id // empty' "$TMP/o.$i" 2>/dev/null)
  [ -n "$id" ] && echo "$id" >>"$acked"
  rm -f "$TMP/o.$i"
done
ROUNDS=$i
n_acked=$(wc -l <"$acked")
echo "log-pain: $ROUNDS rounds in $(budget_used) s; $n_acked acknowledged before the kill, $((ROUNDS - n_acked)) interrupted"
[ "$n_acked" -gt 0 ] && pass || fail "no run was acknowledged: the kill points are all too early to test anything"
[ $((ROUNDS - n_acked)) -ge "$MIN_INTERRUPTED" ] && pass ||
  fail "only $((ROUNDS - n_acked)) of $ROUNDS kills interrupted a write (floor $MIN_INTERRUPTED): the kill points are too late to test anything"
expect 0 store check
while read -r id; do
  grep -q "\"id\":\"$id\"" "$LEVER_STORE/pain/ann.ndjson" || fail "acknowledged entry $id is missing"
done <"$acked"
# Every stored line is a whole record (a torn tail may exist only until the next write).
"$LEVER" log-pain ann 0 --note "after the crashes" >/dev/null 2>&1 || fail "write after crashes"
bad=$(jq -c . "$LEVER_STORE/pain/ann.ndjson" 2>&1 >/dev/null | head -1)
same "$bad" "" "every line of the pain log parses"

# Whole-document writes: edits killed mid-way leave either the old or the new document.
budget_start 20
i=0
while [ "$i" -lt "$MAX_ROUNDS" ] && { budget_left || [ "$i" -lt "$MIN_INTERRUPTED" ]; }; do
  i=$((i + 1))
  "$LEVER" athlete edit ann --mass $((60 + i % 40)) --note "edit $i" >/dev/null 2>&1 &
  pid=$!
  sleep "$(delay)"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  jq -e '.mass_kg >= 60' "$LEVER_STORE/athletes/ann.json" >/dev/null || fail "athlete document damaged after kill $i"
done
echo "athlete edit: $i kills in $(budget_used) s"
expect 0 store check

# Imports: killed at random points, each is all or nothing after recovery.
budget_start 30
i=0
while [ "$i" -lt 40 ] && { budget_left || [ "$i" -lt 8 ]; }; do
  i=$((i + 1))
  {
    echo "athlete_id,score,note"
    for k in $(seq 1 2000); do echo "ann,$((k % 11)),import-$i"; done
  } >"$TMP/imp.csv"
  "$LEVER" -q log-pain --import "$TMP/imp.csv" >/dev/null 2>&1 &
  pid=$!
  sleep "$(delay $((span_us * 12)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  "$LEVER" -q athlete edit ann --note "recovery $i" >/dev/null 2>&1 || fail "writer after killed import $i"
  got=$(grep -c "\"note\":\"import-$i\"" "$LEVER_STORE/pain/ann.ndjson")
  if [ "$got" -ne 0 ] && [ "$got" -ne 2000 ]; then fail "import $i is partial: $got of 2000 entries"; else pass; fi
  [ "$got" -eq 0 ] && echo "$i" >>"$TMP/imports_cut"
done
cut_imports=$(wc -l <"$TMP/imports_cut" 2>/dev/null || echo 0)
echo "imports: $i killed in $(budget_used) s; $cut_imports of them before they committed"
expect 0 store check
finish
