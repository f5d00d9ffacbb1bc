#!/usr/bin/env bash
# The store's boundaries (issue 14): nothing in a store is followed out of it. A symlink (to a file,
# to a directory, dangling), a directory, a FIFO where any record, log, the audit log, store.json,
# .lock, a journal, the cache or the simulator's memory belongs is refused with exit 5 naming it,
# the thing it points to keeps its content and mode, and `store check` names it; so are loose modes
# and duplicate record IDs. A path that is not a store is exit 4, a --store path is never created by
# a write, a store from a newer lever is never written to, a damaged journal is named with the fix,
# and a 200,000-line import gets 200,000 distinct record IDs.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
unset LEVER_PORT
export LEVER_LOCK_TIMEOUT=2
SIM='sim:?clock=virtual'
# Nothing here may wait on a FIFO: every lever runs under a timeout (exit 124 = it hung).
WRAP=(timeout 60)

# --- the base store: every kind of record
expect 0 athlete add ann --mass 75 --cadence 164
expect 0 athlete add bob --mass 80
expect 0 plan new ann --severity moderate
expect 0 log-pain ann 2 --when before
expect 0 calibrate --port "$SIM" --yes --reference 20kg
expect 0 --json run ann --port "$SIM" --pain-before 1 --support 20 --speed 8 --minutes 0.2 --override-rest --reason e2e
SID=$(jq -r .session_id <<<"$OUT")
expect 0 report athlete ann  # builds cache/sessions.index
TEMPLATE=$(ls "$LEVER_SOURCE_DIR/src/plan/templates" | head -1)
sed 's/"id": "[^"]*"/"id": "clinic-a"/' "$LEVER_SOURCE_DIR/src/plan/templates/$TEMPLATE" >"$TMP/clinic-a.json"
expect 0 plan template add "$TMP/clinic-a.json"
expect 0 store check
CAL=$(basename "$(ls "$LEVER_STORE"/calibrations/*.json | head -1)" .json)
AUDIT=$(basename "$(ls "$LEVER_STORE"/audit/*.ndjson | tail -1)")
[ -n "$SID" ] && [ -n "$CAL" ] && [ -f "$LEVER_STORE/cache/sessions.index" ] && [ -f "$LEVER_STORE/sim/sim-0001.json" ] &&
  pass || fail "the base store lacks a record kind: $(cd "$LEVER_STORE" && find . | sort | tr '\n' ' ')"
BASE="$TMP/base"
cp -a "$LEVER_STORE" "$BASE"
S="$TMP/s"

# fresh: the store under test is a new copy of the base store.
fresh() {
  rm -rf "$S"
  cp -a "$BASE" "$S"
}
# bait FILE: a file outside the store for a link to point at: readable by all, ending in a line
# with no newline (what a log append would take for a torn tail and cut).
bait() {
  printf 'outside the store\nlast line, no newline' >"$1"
  chmod 644 "$1"
}
# intact FILE WHAT: the bait is as it was: content and mode.
intact() {
  same "$(cat "$1")" "$(printf 'outside the store\nlast line, no newline')" "$2: the file outside the store"
  same "$(stat -c %a "$1")" "644" "$2: the mode of the file outside the store"
}
# refused CODE TEXT ARGS...: lever --store $S ARGS exits CODE and names TEXT on stderr with a hint.
refused() {
  local code=$1 text=$2
  shift 2
  expect "$code" --store "$S" "$@" || return 1
  has "$text" "$ERR"
  has "lever: hint: " "$ERR"
  [ -z "$OUT" ] && pass || fail "lever $*: refused but printed data: ${OUT:0:200}"
}
# checked TEXT...: store check exits 5 and names each TEXT.
checked() {
  expect 5 --store "$S" store check
  local t
  for t in "$@"; do has "$t" "$OUT$ERR"; done
}

# --- every record kind: a link to a file outside, for the commands that read and write it
# rows: path in the store | a command that reads it | a command that writes it (or -)
KINDS=(
  "athletes/ann.json|athlete show ann|athlete edit ann --mass 76"
  "pain/ann.ndjson|report pain ann|log-pain ann 3"
  "plans/ann.json|plan show ann|plan suspend ann --reason away"
  "sessions/$SID.json|report session $SID|-"
  "telemetry/$SID.ndjson|report session $SID|-"
  "units/sim-0001.json|-|unit info --port $SIM"
  "calibrations/$CAL.json|calibrate history sim-0001|-"
  "templates/clinic-a.json|plan template show clinic-a|-"
  "audit/$AUDIT|-|athlete add zed --mass 70"
  "store.json|-|athlete add zed --mass 70"
  ".lock|-|athlete add zed --mass 70"
  "sim/sim-0001.json|-|unit info --port $SIM"
)
for row in "${KINDS[@]}"; do
  IFS='|' read -r rel reader writer <<<"$row"
  for shape in file dangling; do
    fresh
    bait "$TMP/bait"
    rm -f "$S/$rel"
    if [ $shape = file ]; then ln -s "$TMP/bait" "$S/$rel"; else ln -s "$TMP/nowhere" "$S/$rel"; fi
    # shellcheck disable=SC2086 # the command words split on purpose
    [ "$reader" != - ] && [ $shape = file ] && { refused 5 "$rel is a symbolic link" $reader || echo "  ($rel, $shape)" >&2; }
    # shellcheck disable=SC2086
    [ "$writer" != - ] && { refused 5 "$rel is a symbolic link" $writer || echo "  ($rel, $shape)" >&2; }
    intact "$TMP/bait" "$rel ($shape link)"
    [ ! -e "$TMP/nowhere" ] && pass || fail "$rel: a dangling link's target was created"
    [ -L "$S/$rel" ] && pass || fail "$rel: the link was replaced or removed"
    if [ "$rel" != .lock ] || [ $shape = file ]; then checked "$rel" "symbolic link"; fi
  done
done

# The session index is derived data: a link in its place is not read or written through, reports
# still work (from the sessions themselves), and store check names it.
fresh
bait "$TMP/bait"
rm "$S/cache/sessions.index"
ln -s "$TMP/bait" "$S/cache/sessions.index"
expect 0 --store "$S" report athlete ann
intact "$TMP/bait" "cache/sessions.index"
checked "cache/sessions.index" "symbolic link"

# --- a directory or a FIFO where a record file belongs
for row in "athletes/ann.json|athlete show ann|athlete edit ann --mass 76" "pain/ann.ndjson|report pain ann|log-pain ann 3" \
  "plans/ann.json|plan show ann|plan suspend ann --reason away" "audit/$AUDIT|-|athlete add zed --mass 70" \
  "store.json|-|athlete add zed --mass 70" ".lock|-|athlete add zed --mass 70"; do
  IFS='|' read -r rel reader writer <<<"$row"
  fresh
  rm -f "$S/$rel"
  mkdir "$S/$rel"
  # shellcheck disable=SC2086
  [ "$reader" != - ] && refused 5 "$rel is a directory, where lever keeps a record file" $reader
  # shellcheck disable=SC2086
  refused 5 "$rel is a directory" $writer
  checked "$rel" "a directory where lever keeps a record file"
  fresh
  rm -f "$S/$rel"
  mkfifo "$S/$rel"
  # shellcheck disable=SC2086
  [ "$reader" != - ] && refused 5 "$rel is a named pipe (FIFO)" $reader
  # shellcheck disable=SC2086
  refused 5 "$rel is a named pipe (FIFO)" $writer
  checked "$rel" "named pipe"
done
# `athletes/ann.json` a directory: the store is not healthy (it used to be called so).
fresh
rm "$S/athletes/bob.json"
mkdir "$S/athletes/bob.json"
checked "athletes/bob.json"
# A listing names it and goes on with the others (as for any unreadable athlete).
expect 0 --store "$S" athlete list; has "athletes/bob.json is a directory" "$ERR"; has "ann" "$OUT"
refused 5 "athletes/bob.json is a directory" athlete add bob --mass 80

# --- a directory of the store that is a link (to a copy outside), or a file
for row in "athletes|athlete show ann|athlete edit ann --mass 76" "pain|report pain ann|log-pain ann 3" \
  "plans|plan show ann|plan suspend ann --reason away" "sessions|report session $SID|-" \
  "audit|-|athlete add zed --mass 70" "calibrations|calibrate history sim-0001|-" "sim|-|unit info --port $SIM"; do
  IFS='|' read -r dir reader writer <<<"$row"
  fresh
  rm -rf "$TMP/outdir"
  mv "$S/$dir" "$TMP/outdir"
  chmod 755 "$TMP/outdir"
  ln -s "$TMP/outdir" "$S/$dir"
  before=$(cd "$TMP/outdir" && find . -printf '%p %m %s\n' | sort && cat ./* | sha256sum)
  # shellcheck disable=SC2086
  [ "$reader" != - ] && refused 5 "$dir is a symbolic link" $reader
  # shellcheck disable=SC2086
  [ "$writer" != - ] && refused 5 "$dir is a symbolic link" $writer
  same "$(cd "$TMP/outdir" && find . -printf '%p %m %s\n' | sort && cat ./* | sha256sum)" "$before" "$dir: the directory outside"
  checked "$dir" "symbolic link"
done
# The journal directory is checked by every write (it may hold an import to finish).
fresh
rm -rf "$S/journal"
mkdir "$TMP/outjournal"
ln -s "$TMP/outjournal" "$S/journal"
refused 5 "journal is a symbolic link" athlete add zed --mass 70
checked "journal" "symbolic link"
# A file where a directory belongs.
fresh
rm -rf "$S/pain"
echo "not a directory" >"$S/pain"
chmod 600 "$S/pain"
refused 5 "pain is a regular file, where the store keeps a directory" log-pain ann 3
checked "pain" "where the store keeps a directory"
# The store directory itself may be a link (a store kept on another disk).
mkdir -p "$TMP/disk"
rm -rf "$TMP/disk/store"
cp -a "$BASE" "$TMP/disk/store"
ln -sfn "$TMP/disk/store" "$TMP/linked"
expect 0 --store "$TMP/linked" log-pain ann 3
expect 0 --store "$TMP/linked" store check

# --- modes: health data is 0600 files in a 0700 store
fresh
chmod 644 "$S/athletes/ann.json"
checked "athletes/ann.json" "mode 644, should be 600" "chmod 600"
fresh
chmod 755 "$S/pain"
checked "pain" "mode 755, should be 700"
fresh
chmod 755 "$S"
checked "mode 755, should be 700" "chmod 700"
chmod 700 "$S"

# --- paths that are not a lever store: exit 4 with the path, for reads and writes; nothing created
expect 4 --store /etc/passwd athlete list; has "/etc/passwd is not a lever store" "$ERR"; has "lever: hint:" "$ERR"
same "$OUT" "" "nothing listed for a file"
expect 4 --store /etc/passwd athlete add zed --mass 70; has "/etc/passwd" "$ERR"
expect 4 --store "$TMP/typo" athlete list; has "no lever store at $TMP/typo" "$ERR"; has "lever store init" "$ERR"
expect 4 --store "$TMP/typo" athlete add zed --mass 70; has "no lever store at $TMP/typo" "$ERR"
expect 4 --store "$TMP/typo" store check
[ ! -e "$TMP/typo" ] && pass || fail "a write to a mistyped --store created it"
mkdir -p "$TMP/papers"
echo "minutes" >"$TMP/papers/notes.txt"
expect 4 --store "$TMP/papers" athlete list; has "has no store.json" "$ERR"
expect 4 --store "$TMP/papers" log-pain ann 3
LEVER_STORE="$TMP/papers" expect 4 athlete add zed --mass 70; has "$TMP/papers is not a lever store" "$ERR"
same "$(ls -A "$TMP/papers")" "notes.txt" "nothing written into a directory that is not a store"
mkdir -p "$TMP/empty"
chmod 755 "$TMP/empty"
expect 4 --store "$TMP/empty" athlete add zed --mass 70; has "not yet a lever store" "$ERR"; has "lever store init $TMP/empty" "$ERR"
same "$(ls -A "$TMP/empty")" "" "nothing written into an empty --store directory"
# lever store init: the way to make one; then it is a store.
expect 0 store init "$TMP/empty"; has "created a new lever store" "$ERR"
same "$(stat -c %a "$TMP/empty")" "700" "store init makes an existing empty directory private"
expect 0 --store "$TMP/empty" athlete add zed --mass 70
expect 0 store init "$TMP/empty"; has "already a lever store" "$ERR"
expect 0 --store "$TMP/empty" --json athlete list; same "$(jq length <<<"$OUT")" "1" "the store init left alone"
expect 0 store init "$TMP/new/deeper"
same "$(stat -c %a "$TMP/new/deeper")" "700" "store init makes the store private"
expect 0 --store "$TMP/new/deeper" store check
expect 2 store init "$TMP/papers"; has "other things in it" "$ERR"
expect 2 store init /etc/passwd; has "not a directory" "$ERR"
expect 2 store init
# The configured place is created by the first write: LEVER_STORE, or the XDG default.
LEVER_STORE="$TMP/configured" expect 0 athlete list
[ ! -e "$TMP/configured" ] && pass || fail "a read created the store"
LEVER_STORE="$TMP/configured" expect 0 athlete add zed --mass 70
[ -f "$TMP/configured/store.json" ] && pass || fail "LEVER_STORE was not created by the first write"
(
  unset LEVER_STORE
  export XDG_DATA_HOME="$TMP/xdg"
  expect 0 athlete list
  expect 0 athlete add zed --mass 70
  [ -f "$TMP/xdg/lever/store.json" ] && pass || fail "the XDG default was not created by the first write"
  expect 0 store path; same "$OUT" "$TMP/xdg/lever" "store path"
  finish >/dev/null
) || fail "the default-location checks (above)"
expect 0 --store "$TMP/typo2" store path; same "$OUT" "$TMP/typo2" "store path of a store that is not there yet"

# --- a store from a newer lever: read, never written to
fresh
sed -i 's/"schema_version": 1/"schema_version": 999/' "$S/store.json"
sum=$(cd "$S" && find . -type f ! -name .lock -print0 | sort -z | xargs -0 sha256sum)
refused 5 "store.json has schema_version 999" athlete add zed --mass 70
refused 5 "schema_version 999" log-pain ann 3
refused 5 "schema_version 999" store init "$S"
expect 0 --store "$S" athlete show ann
same "$(cd "$S" && find . -type f ! -name .lock -print0 | sort -z | xargs -0 sha256sum)" "$sum" "the newer store after refused writes"

# --- journals: validated on recovery; a bad one is named with the fix and blocks writes, loudly
fresh
mkdir -p "$S/journal"
printf '{"collection": "pain", "key": "../../etc", "record": {}}\n' >"$S/journal/batch-x.ndjson"
chmod 600 "$S/journal/batch-x.ndjson"
refused 5 "journal/batch-x.ndjson is damaged at line 1" log-pain ann 3
has "not a valid ID" "$ERR"; has "mv $S/journal/batch-x.ndjson" "$ERR"
checked "journal/batch-x.ndjson"
mv "$S/journal/batch-x.ndjson" "$TMP/"
expect 0 --store "$S" log-pain ann 3
# A valid one left by a crash is finished by the next write, once.
fresh
rec=$(head -1 "$S/pain/ann.ndjson" | jq -c '.id = "p-from-journal" | .score = 4')
printf '{"collection":"pain","key":"ann","record":%s}\n' "$rec" >"$S/journal/batch-y.ndjson"
chmod 600 "$S/journal/batch-y.ndjson"
expect 0 --store "$S" athlete add zed --mass 70
same "$(grep -c p-from-journal "$S/pain/ann.ndjson")" "1" "the journal's record appended once"
[ ! -e "$S/journal/batch-y.ndjson" ] && pass || fail "the finished journal is still there"

# --- record IDs: a 200,000-line import, all distinct, all valid; store check agrees. The sanitizer
# pass imports fewer lines (LEVER_BIG_IMPORT_LINES, .ci/run): it checks memory, not the generator,
# which the normal pass and a 1,000,000-ID unit test hold to uniqueness.
fresh
base=$(cat "$S"/pain/*.ndjson | wc -l)
big=${LEVER_BIG_IMPORT_LINES:-200000}
awk -v n="$big" 'BEGIN { print "athlete_id,score,when,at"; for (i = 0; i < n; i++) printf "%s,%d,after,2026-11-%02dT%02d:%02d:00Z\n", (i % 2 ? "ann" : "bob"), i % 11, 1 + i % 28, i % 24, i % 60 }' >"$TMP/big.csv"
t0=$SECONDS
WRAP=(timeout 400)  # a long import, not a hang on a FIFO
expect 0 --store "$S" log-pain --import "$TMP/big.csv"
echo "$big-line import: $((SECONDS - t0)) s"
ids=$(cat "$S"/pain/*.ndjson | jq -r .id)
same "$(wc -l <<<"$ids")" "$((base + big))" "records after the import"
same "$(sort <<<"$ids" | uniq -d | head -3)" "" "duplicate record IDs"
same "$(grep -cvE '^p-[0-9]{8}t[0-9]{9}z-[0-9a-f]{16}$' <<<"$(tail -n +$((base + 1)) <<<"$ids")")" "0" "IDs of the documented form"
expect 0 --store "$S" store check
WRAP=(timeout 60)
# A duplicate (as two stores merged by hand would make) is named with both places.
line=$(tail -1 "$S/pain/ann.ndjson")
echo "$line" >>"$S/pain/ann.ndjson"
echo "$line" | sed 's/"athlete_id":"ann"/"athlete_id":"bob"/' >>"$S/pain/bob.ndjson"
checked "appears twice (also at line" "appears twice in the store (also in pain/ann.ndjson line"
finish
