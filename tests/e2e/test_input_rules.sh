#!/usr/bin/env bash
# Issue 14, numbers and text: every numeric option states its range in --help and in its man page
# and refuses nan; text from names and notes is shown escaped in tables and messages, exact in
# JSON; CSV cells that a spreadsheet would run as a formula are neutralised, numbers are not.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
MAN="$LEVER_SOURCE_DIR/man"
ESC=$'\e' BEL=$'\a' CR=$'\r'

# --- ranges in --help and the man page, for every option whose type is a number
subcommands() { awk '/^Subcommands:/ {on=1; next} on && /^  [a-z]/ {print $1} on && /^$/ {on=0}' <<<"$1"; }
numeric_options() {  # HELP-TEXT: "option<TAB>range" for every option typed as a number
  python3 - "$1" <<'PY'
import re, sys
kinds = r"N|KG|KMH|PCT|HZ|S|SPM|DAYS|CM|X|BAUD|N/S|INT|UINT|FLOAT"
lines = []
for line in sys.argv[1].splitlines():  # a long option line puts its description on the next line
    if re.match(r"^\s{20,}\S", line) and lines:
        lines[-1] += " " + line.strip()
    else:
        lines.append(line)
for line in lines:
    m = re.match(r"^\s+(?:-\w,)?(--[a-z][a-z0-9-]*)\s+(?:" + kinds + r")(?:=\S*)?(?:\s|$)(.*)$", line)
    if not m:
        continue
    r = re.search(r"\((-?[0-9.]+(?:-| to )-?[0-9.]+[^()]*)\)\s*$", m.group(2))
    print(m.group(1) + "\t" + (r.group(1) if r else "NONE"))
PY
}
checked=0
run --help
for cmd in $(subcommands "$OUT"); do
  page="$MAN/lever-$cmd.1"
  [ -f "$page" ] || continue
  mantext=$(mandoc -T ascii "$page" | col -b | tr -s ' \n\t' '   ')
  run "$cmd" --help
  helps=("$OUT")
  for sub in $(subcommands "$OUT"); do
    run "$cmd" "$sub" --help
    helps+=("$OUT")
  done
  for help in "${helps[@]}"; do
    while IFS=$'\t' read -r opt range; do
      [ -n "$opt" ] || continue
      checked=$((checked + 1))
      if [ "$range" = NONE ]; then fail "lever $cmd: $opt takes a number but its --help states no range"; continue; fi
      pass
      has "$range" "$mantext" || echo "  (the range of $opt, $range, is missing from lever-$cmd.1)" >&2
    done < <(numeric_options "$help")
  done
done
[ "$checked" -ge 40 ] && pass || fail "only $checked numeric options found in the --help texts"

# --- every numeric option refuses nan, naming the option (exit 2, before anything runs)
expect 0 athlete add ann --mass 70
while read -r opt args; do
  run $args "$opt" nan
  if [ "$RC" = 2 ] && [[ "$ERR" == *"$opt"* ]]; then pass; else fail "lever $args $opt nan: exit $RC: ${ERR:0:200}"; fi
done <<'ROWS'
--mass athlete add zed
--cadence athlete edit ann
--baseline-pain athlete edit ann
--recent athlete show ann
--pain-before run ann
--support run ann --pain-before 1
--speed run ann --pain-before 1
--incline run ann --pain-before 1
--minutes run ann --pain-before 1
--sample-rate run ann --pain-before 1
--telemetry-period run ann --pain-before 1
--loop-hz run ann --pain-before 1
--tolerance calibrate --port sim: --yes
--frame-height calibrate --port sim: --yes
--due-days calibrate --port sim: --yes
--sweep-points calibrate --port sim: --yes
--consecutive plan new ann
--speed plan new ann
--step plan override ann --reason x
--step plan resume ann --reason x
--due-within report units
--rate unit watch --port sim:
--count unit watch --port sim:
--seconds unit watch --port sim:
--support unit drive --port sim:
--speed unit drive --port sim: --support 5
--incline unit drive --port sim: --support 5
--seconds unit drive --port sim: --support 5
--rate unit drive --port sim: --support 5
--lower-rate unit drive --port sim: --support 5
--rate unit lower --port sim:
--seed sim --tcp 127.0.0.1:0
--time-scale sim --tcp 127.0.0.1:0
--mass sim --tcp 127.0.0.1:0
--cadence sim --tcp 127.0.0.1:0
--gain-error sim --tcp 127.0.0.1:0
--offset-error sim --tcp 127.0.0.1:0
--baud sim --tcp 127.0.0.1:0
--seconds sim --tcp 127.0.0.1:0
ROWS

# The environment is input too: a port from LEVER_PORT follows the text rule.
LEVER_PORT="sim:${ESC}[2J" expect 2 unit info
has 'LEVER_PORT contains a control character (\x1b)' "$ERR"
lacks "$ESC" "$ERR"

# --- free text keeps control characters; tables and messages show them escaped; JSON is exact
NOTE="${ESC}[31mred${BEL} over${CR}written"
expect 0 athlete add eve --mass 60 --name "Eve Example" --note "$NOTE"
lacks "$ESC" "$ERR"
expect 0 athlete show eve
for c in "$ESC" "$BEL" "$CR"; do lacks "$c" "$OUT"; done
has '\x1b[31mred\x07 over\rwritten' "$OUT"
expect 0 --json athlete show eve
same "$(python3 -c 'import json,sys; print(json.load(sys.stdin)["note"] == sys.argv[1])' "$NOTE" <<<"$OUT")" True "the note in JSON, exact"
# A name already in the store with control characters (an older lever wrote it) is shown escaped.
python3 - "$LEVER_STORE/athletes/eve.json" <<'PY'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["name"] = "Eve\u001b]0;pwned\u0007\r\u009b2J"
json.dump(d, open(p, "w"), indent=2)
PY
expect 0 athlete list
for c in "$ESC" "$BEL" "$CR" $'\xc2\x9b'; do lacks "$c" "$OUT"; done
has 'Eve\x1b]0;pwned\x07\r\u009b2J' "$OUT"
expect 0 --format ndjson athlete list
has '\u001b]0;pwned\u0007\r' "$OUT"
# Messages on stderr: the reason comes back in a note, escaped.
expect 0 plan new ann
expect 0 plan suspend ann --reason "knee${ESC}[2J${BEL} swollen"
lacks "$ESC" "$ERR"
lacks "$BEL" "$ERR"
has 'knee\x1b[2J\x07 swollen' "$ERR"
expect 0 plan history ann
lacks "$ESC" "$OUT"
has 'knee\x1b[2J\x07 swollen' "$OUT"
expect 0 plan resume ann --reason "settled"
# Pain notes imported from a file keep their control characters, shown escaped.
printf 'athlete_id,score,note\nann,2,"tab\there\rand\x1b[1mbold"\n' >"$TMP/ctl.csv"
expect 0 log-pain --import "$TMP/ctl.csv"
expect 0 report pain ann
lacks "$ESC" "$OUT"
has 'tab\there\rand\x1b[1mbold' "$OUT"

# --- CSV: formula cells neutralised with a single quote, numbers left alone
expect 0 athlete add mal --mass 81 --cadence 170 --name "@SUM(A1:A9)" --note "=HYPERLINK(\"http://example.invalid\",\"x\")"
expect 0 --format csv athlete show mal
has "'@SUM(A1:A9)" "$OUT"
has "\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"x\"\")\"" "$OUT"
has ",81.0," "$OUT"
expect 0 --format csv athlete list
has "'@SUM(A1:A9)" "$OUT"
lacks ",@SUM" "$OUT"
for note in "+cmd|' /C calc'!A0" "-2+3" $'\t=1' "@x"; do
  expect 0 log-pain mal 3 --note "$note"
done
expect 0 log-pain mal 4 --note "-3"
expect 0 --format csv report pain mal
has "'+cmd|' /C calc'!A0" "$OUT"
has "'-2+3" "$OUT"
has "'@x" "$OUT"
has "'"$'\t'"=1" "$OUT"
has ",-3," "$OUT"
lacks "'-3" "$OUT"
# JSON keeps the exact text.
expect 0 --json report pain mal
has '"note": "-2+3"' "$OUT"
lacks "'-2+3" "$OUT"
finish
