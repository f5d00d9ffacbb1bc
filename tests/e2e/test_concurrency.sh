#!/usr/bin/env bash
# Concurrency: 8 processes appending at once, each for a time budget (lib.sh) with a floor of 20 and
# a ceiling of 50 entries, give exactly the entries they were told were saved, each intact and once.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
"$LEVER" athlete add ann --mass 70 >/dev/null 2>&1 || fail "setup"
export LEVER_LOCK_TIMEOUT=60
budget_start 20
for w in $(seq 1 8); do
  (
    k=0
    while [ "$k" -lt 50 ] && { budget_left || [ "$k" -lt 20 ]; }; do
      k=$((k + 1))
      if "$LEVER" -q log-pain ann $((k % 11)) --note "w$w-$k" >/dev/null 2>>"$TMP/errors"; then
        echo "w$w-$k" >>"$TMP/saved.$w"
      else
        echo "w$w-$k" >>"$TMP/failed"
      fi
    done
  ) &
done
wait
total=$(cat "$TMP"/saved.* | wc -l)
echo "concurrency: 8 writers saved $total entries in $(budget_used) s"
[ "$total" -ge 160 ] && pass || fail "only $total entries saved, fewer than 8 writers x 20"
same "$(cat "$TMP/failed" 2>/dev/null | wc -l)" "0" "failed appends"
same "$(wc -l <"$LEVER_STORE/pain/ann.ndjson")" "$total" "entries in the log"
same "$(jq -r .note "$LEVER_STORE/pain/ann.ndjson" | sort)" "$(cat "$TMP"/saved.* | sort)" "the saved notes, each once"
same "$(jq -r .id "$LEVER_STORE/pain/ann.ndjson" | sort -u | wc -l)" "$total" "unique IDs"
expect 0 store check

# A writer that cannot get the lock in time says the store is busy (exit 7).
exec 9>"$LEVER_STORE/.lock"
flock -x 9
LEVER_LOCK_TIMEOUT=0.3 expect 7 log-pain ann 2
has "busy" "$ERR"
flock -u 9
expect 0 log-pain ann 2
finish
