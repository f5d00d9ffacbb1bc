#!/bin/bash
# The bad-input catalogue (tests/e2e/bad_inputs.tsv): every row is one refused invocation with its
# documented exit code and the words its message must use to name the problem. Rows run against a
# prepared store (athletes, a plan, a session, a calibration) and a damaged copy of it; afterwards
# both stores must be exactly as they were (nothing written by a refused command) and the good one
# must still pass `lever store check`.
source "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/run_lib.sh"
# No default port: rows that need a unit name one, and one row checks the "no port" refusal.
unset LEVER_PORT LEVER_LOCK_TIMEOUT
SIM='sim:?clock=virtual'

# --- the prepared store: what a clinic has after a week
expect 0 athlete add ann --mass 75 --cadence 164 --name "Ann Example"
expect 0 athlete add bob --mass 80
expect 0 plan new ann --severity moderate
expect 0 log-pain ann 2 --when before
expect 0 calibrate --port "$SIM" --yes --reference 20kg
expect 0 --json run ann --port "$SIM" --pain-before 1 --support 20 --speed 8 --minutes 1
SID=$(py 'd["session_id"]' /dev/stdin <<<"$OUT")
expect 0 store check
[ -n "$SID" ] && pass || fail "no session id from the prepared run"

# --- a damaged copy: one document that is not JSON, one that breaks its schema, a torn-free log
# line that is not JSON, and a store written by a newer lever.
BAD="$TMP/bad"
cp -a "$LEVER_STORE" "$BAD"
printf '{"schema_version": 1, "id": "cat", "mass_kg": ' >"$BAD/athletes/cat.json"
printf '{"schema_version": 1, "id": "dan", "mass_kg": "heavy", "flags": [], "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z"}\n' >"$BAD/athletes/dan.json"
printf 'this line is not JSON\n' >>"$BAD/pain/ann.ndjson"
sed 's/"schema_version": 1/"schema_version": 1, "current_step": "two"/' "$LEVER_STORE/plans/ann.json" >"$BAD/plans/bob.json"
chmod 600 "$BAD"/athletes/*.json "$BAD"/plans/*.json
NEWER="$TMP/newer"
cp -a "$LEVER_STORE" "$NEWER"
sed -i 's/"schema_version": 1/"schema_version": 99/' "$NEWER/athletes/bob.json"
NOTDIR="$TMP/notdir"
echo "a file, not a store" >"$NOTDIR"

# --- input files the rows refer to ($IN/NAME)
IN="$TMP/in"
mkdir -p "$IN"
w() { printf "$2" >"$IN/$1"; }
w empty.csv ''
w nohead.csv 'ann,3\n'
w badcol.csv 'athlete_id,score,colour\nann,3,red\n'
w noscore.csv 'athlete_id,when\nann,after\n'
w score11.csv 'athlete_id,score\nann,11\n'
w scoreneg.csv 'athlete_id,score\nann,-1\n'
w ghost.csv 'athlete_id,score\nghost,3\n'
w badid.csv 'athlete_id,score\nAnn Smith,3\n'
w fields.csv 'athlete_id,score\nann,3,after\n'
w quote.csv 'athlete_id,score,note\nann,3,"never closed\n'
w mixed.csv 'athlete_id,score\nann,3\nann,4\nann,x\nbob,2\n'
w future.csv 'athlete_id,score,at\nann,3,2999-01-01T00:00:00Z\n'
w old.csv 'athlete_id,score,at\nann,3,1970-01-01T00:00:00Z\n'
w baddate.csv 'athlete_id,score,at\nann,3,2026-02-30T10:00:00Z\n'
w badwhen.csv 'athlete_id,score,when\nann,3,yesterday\n'
w badswell.csv 'athlete_id,score,swelling\nann,3,huge\n'
w badbool.csv 'athlete_id,score,theatre_sign\nann,3,maybe\n'
w nosess.csv 'athlete_id,score,session_id\nann,3,s-nope\n'
w othersess.csv "athlete_id,score,session_id\nbob,3,$SID\n"
w float.csv 'athlete_id,score\nann,3.5\n'
w blank.csv 'athlete_id,score\nann,\n'
w bad.ndjson '{"athlete_id": "ann", "score": 3\n'
w array.ndjson '[1, 2, 3]\n'
w unknown.ndjson '{"athlete_id": "ann", "score": 3, "mood": "sad"}\n'
w nan.ndjson '{"athlete_id": "ann", "score": "NaN"}\n'
w huge.ndjson '{"athlete_id": "ann", "score": 1e999}\n'
w float.ndjson '{"athlete_id": "ann", "score": 2.5}\n'
w noathlete.ndjson '{"score": 2}\n'
w mixed.ndjson '{"athlete_id": "ann", "score": 2}\n{"athlete_id": "ann", "score": 12}\n'
w csvasnd.csv '{"athlete_id": "ann", "score": 2}\n'
python3 -c 'import random, sys; r = random.Random(7); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(3000)))' >"$IN/binary.dat"  # fixed bytes: the same refusal every run
w notjson.json '{"phases": [\n'
w empty.json ''
w array.json '[]\n'
w nophases.json '{}\n'
w zerophases.json '{"phases": []}\n'
w decline.json '{"phases": [{"duration_s": 60, "support_pct": 20, "speed_kmh": 5, "incline_pct": -3}]}\n'
w support150.json '{"phases": [{"duration_s": 60, "support_pct": 150, "speed_kmh": 5, "incline_pct": 0}]}\n'
w speed99.json '{"phases": [{"duration_s": 60, "support_pct": 20, "speed_kmh": 99, "incline_pct": 0}]}\n'
w dur0.json '{"phases": [{"duration_s": 0, "support_pct": 20, "speed_kmh": 5, "incline_pct": 0}]}\n'
w durstr.json '{"phases": [{"duration_s": "ten", "support_pct": 20, "speed_kmh": 5, "incline_pct": 0}]}\n'
w extra.json '{"phases": [{"duration_s": 60, "support_pct": 20, "speed_kmh": 5, "incline_pct": 0, "turbo": true}]}\n'
w kindless.json '{"id": "x"}\n'
w badplan.json '{"kind": "lever-plan", "schema_version": 1}\n'
w badtmpl.json '{"kind": "lever-template", "schema_version": 1, "id": "mine"}\n'
w builtin.json "$(sed 's/%/%%/g' "$LEVER_SOURCE_DIR/src/plan/templates/$(ls "$LEVER_SOURCE_DIR/src/plan/templates" | head -1)")"
# safety record (issue 14): a simulator log that is a symbolic link to a file elsewhere
echo "not the simulator's" >"$TMP/elsewhere.log"
ln -s "$TMP/elsewhere.log" "$IN/log-link"
# issue 14, numbers and text: one number rule, one text rule (files for the rows at the end of the table)
w n-nan.csv 'athlete_id,score\nann,3\nann,nan\n'
w n-inf.csv 'athlete_id,score\nann,inf\n'
w n-hex.csv 'athlete_id,score\nann,0x5\n'
w n-nan.ndjson '{"athlete_id": "ann", "score": NaN}\n'
w n-1e999str.ndjson '{"athlete_id": "ann", "score": 2}\n{"athlete_id": "ann", "score": "1e999"}\n'
w n-1e999.json '{"phases": [{"duration_s": 1e999, "support_pct": 20, "speed_kmh": 5, "incline_pct": 0}]}\n'
w n-nanstr.json '{"phases": [{"duration_s": "nan", "support_pct": 20, "speed_kmh": 5, "incline_pct": 0}]}\n'
w t-latin1.csv 'athlete_id,score,note\nann,3,ok\nann,4,caf\xe9 au lait\n'
w t-latin1.ndjson '{"athlete_id": "ann", "score": 2}\n{"athlete_id": "ann", "score": 3, "note": "caf\xe9"}\n'
w t-idesc.csv 'athlete_id,score\n"ann\x1b[2J",3\n'
w t-phaseesc.json '{"phases": [{"name": "\\u001b[2Jwarm", "duration_s": 60, "support_pct": 20, "speed_kmh": 5, "incline_pct": 0}]}\n'
w t-namebel.json '{"name": "ding\\u0007", "phases": [{"duration_s": 60, "support_pct": 20, "speed_kmh": 5, "incline_pct": 0}]}\n'
w t-latin1.json '{"name": "caf\xe9", "phases": [{"duration_s": 60, "support_pct": 20, "speed_kmh": 5, "incline_pct": 0}]}\n'
sed 's/"schema_version": 1/"schema_version": 1e999/' "$LEVER_STORE/plans/ann.json" >"$IN/n-1e999plan.json"
# --- store boundaries (issue 14): copies of the prepared store ($SB/NAME), each with one link, directory,
# FIFO, loose mode, duplicate ID, damaged journal or newer store.json where a record belongs; the
# file outside that the links point at must be untouched afterwards (checked at the end).
SB="$TMP/sb"
mkdir -p "$SB"
printf 'outside the store\nno newline' >"$SB/outside.txt"
chmod 644 "$SB/outside.txt"
SB_OUTSIDE=$(stat -c %a "$SB/outside.txt"; sha256sum <"$SB/outside.txt")
sb() { cp -a "$LEVER_STORE" "$SB/$1"; }
# sb_link STORE PATH: PATH in a fresh copy of the store is a link to the file outside.
sb_link() { sb "$1"; rm -rf "${SB:?}/$1/$2"; ln -s "$SB/outside.txt" "$SB/$1/$2"; }
# sb_dirlink STORE DIR: DIR of a fresh copy is a link to a copy of it outside the store.
sb_dirlink() { sb "$1"; mv "$SB/$1/$2" "$SB/$1-$2-outside"; ln -s "$SB/$1-$2-outside" "$SB/$1/$2"; }
SB_MONTH=$(basename "$(ls "$LEVER_STORE"/audit/*.ndjson | tail -1)")
SB_CAL=$(basename "$(ls "$LEVER_STORE"/calibrations/*.json | head -1)")
sb_link pain pain/ann.ndjson
sb_link ath athletes/bob.json
ln -s "$SB/nowhere" "$SB/ath/athletes/zed.json"
sb_link plan plans/ann.json
sb_link sess "sessions/$SID.json"
sb_link tel "telemetry/$SID.ndjson"
sb_link cal "calibrations/$SB_CAL"
sb_link unit units/sim-0001.json
sb_link audit "audit/$SB_MONTH"
sb_link lock .lock
sb_link sj store.json
sb_dirlink dpain pain
sb_dirlink dath athletes
sb_dirlink daudit audit
sb_dirlink dplan plans
sb athdir
rm "$SB/athdir/athletes/bob.json" && mkdir "$SB/athdir/athletes/bob.json"
sb fifo
rm "$SB/fifo/pain/ann.ndjson" && mkfifo "$SB/fifo/pain/ann.ndjson"
sb pfile
rm -r "$SB/pfile/pain" && echo "not a directory" >"$SB/pfile/pain"
sb jbad
mkdir -p "$SB/jbad/journal" && printf 'not json\n' >"$SB/jbad/journal/batch-x.ndjson"
chmod 600 "$SB/jbad/journal/batch-x.ndjson"
sb jlink
mkdir -p "$SB/jlink/journal" && ln -s "$SB/outside.txt" "$SB/jlink/journal/batch-y.ndjson"
sb mode
chmod 644 "$SB/mode/athletes/ann.json"
sb dup
tail -1 "$SB/dup/pain/ann.ndjson" >>"$SB/dup/pain/ann.ndjson"
sb newer
sed -i 's/"schema_version": 1/"schema_version": 999/' "$SB/newer/store.json"
mkdir -p "$SB/empty"
w sb-ok.csv 'athlete_id,score\nann,3\n'
printf '%s\n' "$(cat "$LEVER_STORE/plans/ann.json")" | sed 's/"athlete_id": "ann"/"athlete_id": "ghost"/; s/"id": "ann"/"id": "ghost"/' >"$IN/ghostplan.json"
cp "$LEVER_STORE/plans/ann.json" "$IN/annplan.json"
mkdir -p "$IN/adir"
chmod 000 "$IN/adir"
touch "$IN/unreadable.csv"
chmod 000 "$IN/unreadable.csv"
if [ "$(id -u)" = 0 ]; then ROOT=1; else ROOT=0; fi

# checksums ROOT: every file and directory under a store with its content hash (the lock file and
# the simulator's memory lock are excluded: taking a lock is not a change; so is the reports' session
# index, cache/, derived from the sessions and rebuilt from them).
checksums() {
  (cd "$1" && find . -path ./cache -prune -o -type d -print | sort &&
    find . -path ./cache -prune -o -type f ! -name '.lock' ! -name '*.json.lock' -print0 | sort -z | xargs -0 sha256sum)
}
BEFORE_GOOD=$(checksums "$LEVER_STORE")
BEFORE_BAD=$(checksums "$BAD")

# --- the catalogue
TABLE="$LEVER_SOURCE_DIR/tests/e2e/bad_inputs.tsv"
ROWS=0
declare -A SEEN
while IFS=$'\t' read -r id code stdin stdout pattern args; do
  [[ -z "$id" || "$id" == \#* || "$id" == id ]] && continue
  ROWS=$((ROWS + 1))
  [ -n "${SEEN[$id]:-}" ] && fail "row id $id appears twice in the catalogue"
  SEEN[$id]=1
  # Rows that read a file the test user cannot read only mean something when not root.
  if [[ "$args" == *unreadable* || "$args" == *adir* ]] && [ "$ROOT" = 1 ]; then continue; fi
  eval "set -- $args"
  if [ "$stdin" = - ]; then
    "$LEVER" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
  else
    "$LEVER" "$@" <"$IN/$stdin" >"$TMP/out" 2>"$TMP/err"
  fi
  RC=$?
  ERR=$(tr -d '\0' <"$TMP/err")
  OUT=$(tr -d '\0' <"$TMP/out")
  what="[$id] lever $args"
  [ -n "${LEVER_BAD_INPUTS_SHOW:-}" ] && echo "$id $RC: $(grep -a -m1 "^lever: error" "$TMP/err")"
  if [ "$RC" != "$code" ]; then
    fail "$what: exit $RC, expected $code; stderr: ${ERR:0:300}"
    continue
  fi
  grep -aqiE -- "$pattern" "$TMP/err" && pass || fail "$what: stderr does not match /$pattern/: ${ERR:0:300}"
  if [ "$code" != 0 ]; then
    grep -aq "^lever: error: " "$TMP/err" && pass || fail "$what: no 'lever: error:' line: ${ERR:0:300}"
  fi
  lacks "internal error" "$ERR" || echo "  in $what" >&2
  if [ "$stdout" = empty ] && [ -n "$OUT" ]; then fail "$what: refused but printed on stdout: ${OUT:0:200}"; fi
done <"$TABLE"
[ "$ROWS" -ge 120 ] && pass || fail "the catalogue has $ROWS rows; it should have at least 120"
echo "catalogue: $ROWS rows"

# --- nothing changed, nothing damaged
same "$(checksums "$LEVER_STORE")" "$BEFORE_GOOD" "the prepared store after every refused command"
same "$(checksums "$BAD")" "$BEFORE_BAD" "the damaged store after every refused command"
[ ! -e "$TMP/notdir" ] || [ -f "$TMP/notdir" ] && pass || fail "the non-directory store path was replaced"
# store boundaries (issue 14): nothing outside a store was touched through a link, nothing created
same "$(stat -c %a "$SB/outside.txt"; sha256sum <"$SB/outside.txt")" "$SB_OUTSIDE" "the file outside the stores the links point at"
[ ! -e "$SB/nowhere" ] && [ ! -e "$TMP/typo" ] && pass || fail "a dangling link's target or a mistyped --store was created"
same "$(ls -A "$SB/empty")" "" "an empty directory named with --store after refused writes"
expect 0 store check
chmod 700 "$IN/adir"
finish
