#!/usr/bin/env bash
# The README's main job: `lever demo` runs every step in a fresh store, which then passes its check.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
expect 0 demo --dir "$TMP/demo"
has "Week by week" "$OUT"; has "[8/8]" "$ERR"; has "Done. The store is at $TMP/demo" "$ERR"
has "session complete" "$ERR"
expect 0 --store "$TMP/demo" store check
expect 0 --store "$TMP/demo" --json calibrate history sim-0001
same "$(jq -r '.[-1].result' <<<"$OUT")" "pass" "the demo's calibration passed"
expect 0 --store "$TMP/demo" --json report athlete ann
same "$(jq '.sessions | length' <<<"$OUT")" "1" "one session"
same "$(jq -r '.sessions[0].status' <<<"$OUT")" "completed" "session completed"
expect 2 demo --dir "$TMP/demo"; has "not empty" "$ERR"
finish
