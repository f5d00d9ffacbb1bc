#!/usr/bin/env bash
# The machine formats are a contract (product.md; lever(1), OUTPUT): every command that prints data
# prints it in json, ndjson and csv with the fields its schema in schemas/output/ names, every field
# present in every state (null when not known), nothing undocumented. This suite builds stores in
# varied states with the real binary, captures every such output (tests/e2e/outputs/*.sh, one file per
# group of commands), and checks each capture with lever's own validator and with ajv.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
OUTPUTS="$TMP/outputs"
mkdir -p "$OUTPUTS"
: >"$TMP/captured"

# capture SCHEMA FORMATS ARGS...: runs `lever --format F ARGS...` for each F of FORMATS (a comma list
# of json, ndjson, csv), which must succeed, and files its standard output as
# $OUTPUTS/SCHEMA/<n>.F to be checked against schemas/SCHEMA.schema.json ("output/NAME", or a stored
# record's schema such as "plan" for a command that prints a record as stored).
capture() {
  local schema=$1 formats=$2 f n dir
  shift 2
  dir="$OUTPUTS/$schema"
  mkdir -p "$dir"
  for f in ${formats//,/ }; do
    expect 0 --format "$f" "$@" || continue
    n=$(find "$dir" -name '*.cmd' | wc -l)
    cp "$TMP/out" "$dir/$n.$f"
    printf 'lever --format %s %s\n' "$f" "$*" >"$dir/$n.$f.cmd"
  done
  printf '%s\n' "$*" >>"$TMP/captured"
}

# The stores. $D starts as the demo's (a calibrated unit, athlete ann with a plan, one session, pain);
# $A2 has only what `athlete add` requires and no plan, so every optional field is seen null.
D="$TMP/demo"
expect 0 -q demo --dir "$D"
export LEVER_STORE="$D"
A2=min
expect 0 -q athlete add "$A2" --mass 70
U=sim-0001
S1=$(basename "$(ls "$D"/sessions/*.json | head -1)" .json)
CAL1=$(basename "$(ls "$D"/calibrations/*.json | head -1)" .json)
export D A2 U S1 CAL1

for group in "$LEVER_SOURCE_DIR"/tests/e2e/outputs/*.sh; do
  [ -e "$group" ] || continue
  # shellcheck source=/dev/null
  . "$group"
done

# Every command that prints data is captured: each leaf of the command tree (read from --help) is the
# start of some capture, unless it prints no data (named here with the reason).
no_data=(
  "demo"               # its own progress on stderr; the store it makes is what the other commands print
  "sim"                # a server: its log is for people
  "store path"         # one path, for `cd "$(lever store path)"`
  "store init"         # makes a store; prints nothing but a note
  "unit hold"          # operator actions: the unit's state is what `unit watch` and `unit info` print
  "unit lower"
  "unit reset"
)
leaves() {  # leaves PREFIX...: the leaf commands under PREFIX, one per line
  local subs s
  subs=$("$LEVER" "$@" --help 2>/dev/null | sed -n '/^Subcommands:/,$p' | sed -nE 's/^  ([a-z][a-z-]*) .*/\1/p')
  # A command with subcommands may also do its own job (`lever calibrate`): it counts as a leaf too.
  if [ -z "$subs" ] || [ "$*" = "calibrate" ]; then [ $# -gt 0 ] && echo "$*"; fi
  for s in $subs; do leaves "$@" "$s"; done
}
while IFS= read -r leaf; do
  skip=0
  for x in "${no_data[@]}"; do [ "$leaf" = "$x" ] && skip=1; done
  [ $skip -eq 1 ] && continue
  if grep -qE "^$leaf( |\$)" "$TMP/captured"; then pass; else fail "no capture prints 'lever $leaf' (add one to tests/e2e/outputs/)"; fi
done < <(leaves)

# Lever's own validator over every capture; every published output schema must have been used.
checked=$(LEVER_OUTPUT_SWEEP="$OUTPUTS" LEVER_OUTPUT_SWEEP_ALL=1 \
  "$LEVER_BUILD_DIR/tests/lever_tests" -tc='LEVER_OUTPUT_SWEEP*' 2>&1)
if [ $? -eq 0 ]; then pass; else fail "captured outputs disagree with their schemas:
$(grep -vE '^(\[doctest\]|=+$|$)' <<<"$checked" | head -80)"; fi
echo "lever's validator: $(find "$OUTPUTS" -name '*.*' ! -name '*.cmd' | wc -l) outputs of $(find "$OUTPUTS" -type f ! -name '*.cmd' -printf '%h\n' | sort -u | wc -l) schemas"

# ajv, a validator independent of lever's own, over the same captures.
V="$LEVER_SOURCE_DIR/tests/schema"
if [ -d "$V/node_modules/ajv" ]; then
  vout=$(node "$V/validate.mjs" --outputs "$LEVER_SOURCE_DIR/schemas" "$OUTPUTS" 2>&1)
  if [ $? -eq 0 ]; then pass; else fail "ajv: $(head -40 <<<"$vout")"; fi
  echo "ajv: $(tail -1 <<<"$vout")"
else
  fail "ajv is not installed: run 'npm ci --prefix tests/schema' (bash .ci/setup does)"
fi

finish
