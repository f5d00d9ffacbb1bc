#!/usr/bin/env bash
# Concurrency: 8 processes appending 50 entries each at once give exactly 400 intact entries.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
"$LEVER" athlete add ann --mass 70 >/dev/null 2>&1 || fail "setup"
export LEVER_LOCK_TIMEOUT=60
for w in $(seq 1 8); do
  (
    for k in $(seq 1 50); do
      "$LEVER" -q log-pain ann $((k % 11)) --note "w$w-$k" >/dev/null 2>>"$TMP/errors" || echo "w$w-$k" >>"$TMP/failed"
    done
  ) &
done
wait
same "$(cat "$TMP/failed" 2>/dev/null | wc -l)" "0" "failed appends"
same "$(wc -l <"$LEVER_STORE/pain/ann.ndjson")" "400" "entries in the log"
same "$(jq -r .note "$LEVER_STORE/pain/ann.ndjson" | sort -u | wc -l)" "400" "distinct entries"
same "$(jq -r .id "$LEVER_STORE/pain/ann.ndjson" | sort -u | wc -l)" "400" "unique IDs"
expect 0 store check

# A writer that cannot get the lock in time says the store is busy (exit 7).
exec 9>"$LEVER_STORE/.lock"
flock -x 9
LEVER_LOCK_TIMEOUT=0.3 expect 7 log-pain ann 2
has "busy" "$ERR"
flock -u 9
expect 0 log-pain ann 2
finish
