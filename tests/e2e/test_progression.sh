#!/usr/bin/env bash
# Trustworthy progression (domain.md, "Evidence" and "Progression engine"), through the real binary
# with the clock moved by faketime, for every profile: decisions are current before the belt moves,
# red flags count at any time, follow-ups count only inside their windows, rest days and sessions per
# week hold, one athlete runs one session, corrections re-decide, and unreadable evidence stops the
# engine. Each row runs on a fresh store: athlete ann (75 kg), a moderate plan of the profile, a
# calibrated simulated unit; day N means 2026-12-0N.
. "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
command -v faketime >/dev/null || { fail "faketime is not installed (bash .ci/setup installs it)"; finish; exit 1; }
# faketime preloads its library before a sanitizer build's runtime; that order is fine here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
SIM='sim:?clock=virtual&seed=7'
declare -A LIMIT=([seed]=4 [trek]=2 [silbernagel]=5)

# at_expect CODE DAY HH:MM ARGS...: lever ARGS at that moment (faketime), checking the exit code
# (OUT, ERR and RC as lib.sh's run sets them).
at_expect() {
  local want=$1 day=$2 hm=$3
  shift 3
  WRAP=(faketime "2026-12-0$day $hm:00")
  expect "$want" "$@" || echo "  in row $ROW, on day $day $hm" >&2
  WRAP=()
}
# setup PROFILE: a fresh store for one row.
setup() {
  export LEVER_STORE="$TMP/$ROW/store"
  at_expect 0 1 07:00 athlete add ann --mass 75 --cadence 164 --baseline-pain 0
  at_expect 0 1 07:01 plan new ann --severity moderate --profile "$1"
  at_expect 0 1 07:02 -q calibrate --port "$SIM" --yes --reference 20kg
}
# session DAY HH:MM [ARGS...]: a plan session on the simulated unit; its ID in SID.
session() {
  local day=$1 hm=$2
  shift 2
  at_expect 0 "$day" "$hm" --json run ann --port "$SIM" --pain-before 0 "$@"
  SID=$(jq -r .session_id <<<"$OUT")
}
# follow_ups PROFILE DAY SCORE: the follow-ups the profile needs for the session of DAY (10:00).
follow_ups() {
  [ "$1" = trek ] && at_expect 0 "$2" 10:45 log-pain ann "$3" --when after --session "$SID"
  at_expect 0 $(($2 + 1)) 08:00 log-pain ann "$3" --when next-day --session "$SID"
}
check() { has "$1" "$2" || echo "  in row $ROW" >&2; }

for P in seed trek silbernagel; do
  L=${LIMIT[$P]}

  ROW="$P: red flag logged after a session, then run"
  setup "$P"
  session 1 10:00
  at_expect 0 2 08:00 log-pain ann 0 --when next-day --session "$SID" --swelling significant
  at_expect 3 3 10:00 run ann --port "$SIM" --pain-before 0
  check "suspended" "$ERR"
  check "significant swelling" "$ERR"

  for W in before during; do
    ROW="$P: significant swelling logged $W"
    setup "$P"
    at_expect 0 1 09:30 log-pain ann 1 --when "$W" --swelling significant
    at_expect 3 1 10:00 run ann --port "$SIM" --pain-before 0
    check "significant swelling logged $W" "$ERR"
    at_expect 3 1 10:05 plan next ann
    at_expect 0 1 10:06 --json plan history ann
    same "$(jq -r '.[-1].decision' <<<"$OUT")" "suspend" "[$ROW] the decision"
  done

  ROW="$P: pain $((L + 4))/10 during with significant swelling suspends (not regress)"
  setup "$P"
  session 1 10:00
  at_expect 0 1 10:30 log-pain ann $((L + 4)) --when during --session "$SID" --swelling significant
  at_expect 3 2 10:00 plan next ann
  at_expect 0 2 10:01 --json plan history ann
  same "$(jq -r '[.[] | select(.kind == "decision")] | .[0].decision' <<<"$OUT")" "suspend" "[$ROW] first decision"

  ROW="$P: follow-up felt before the session"
  setup "$P"
  at_expect 0 1 08:00 log-pain ann 0 --when next-day
  session 1 10:00
  [ "$P" = trek ] && at_expect 0 1 10:45 log-pain ann 0 --when after --session "$SID"
  at_expect 0 4 10:00 plan next ann
  check "held at" "$OUT"
  check "no 24-h log after the 2026-12-01 session" "$OUT"

  ROW="$P: follow-up too early (2 h after)"
  setup "$P"
  session 1 10:00
  at_expect 0 1 12:00 log-pain ann 0 --when next-day --session "$SID"
  check "will not count as the response to session $SID" "$ERR"
  check "8-36 h" "$ERR"
  at_expect 0 4 10:00 plan next ann
  check "no 24-h log after the 2026-12-01 session" "$OUT"
  check "does not count" "$OUT"

  ROW="$P: follow-up too late (44 h after)"
  setup "$P"
  session 1 10:00
  at_expect 0 3 06:00 log-pain ann 0 --when next-day --session "$SID"
  check "will not count" "$ERR"
  at_expect 0 4 10:00 plan next ann
  check "no 24-h log" "$OUT"

  ROW="$P: follow-ups in their windows, no pain reported during"
  setup "$P"
  session 1 10:00
  follow_ups "$P" 1 0
  lacks "will not count" "$ERR"
  at_expect 0 2 09:00 plan next ann
  check "acceptable response to the 2026-12-01 session" "$OUT"
  check "during: not reported" "$OUT"
  lacks "during 0/10" "$OUT"
  check "1 of 2 needed" "$OUT"

  ROW="$P: a before entry above the limit refuses the run"
  setup "$P"
  at_expect 0 1 09:30 log-pain ann $((L + 1)) --when before
  at_expect 3 1 10:00 run ann --port "$SIM" --pain-before 0
  check "logged as $((L + 1))/10" "$ERR"

  ROW="$P: an amendment changes a stored decision"
  setup "$P"
  at_expect 0 1 07:10 plan override ann --step 3 --reason "tolerating well"
  session 1 10:00
  [ "$P" = trek ] && at_expect 0 1 10:45 log-pain ann 0 --when after --session "$SID"
  at_expect 0 2 08:00 --json log-pain ann 8 --when next-day --session "$SID"
  E=$(jq -r .id <<<"$OUT")
  at_expect 0 2 09:00 --json plan next ann
  same "$(jq -r '.decision, .step' <<<"$OUT" | paste -sd' ')" "regress 2" "[$ROW] before the correction"
  at_expect 0 2 09:30 log-pain --amend "$E" 0 --reason "typed 8 for 0"
  at_expect 0 2 10:00 --json plan history ann
  same "$(jq -r '.[-1] | .decision + " " + (.to_step | tostring) + " " + (.redecision | tostring)' <<<"$OUT")" "hold 3 true" "[$ROW] re-decision"
  check "re-decided after entry $E was amended" "$OUT"
  at_expect 0 2 10:05 --json plan history ann
  same "$(jq '[.[] | select(.kind == "decision")] | length' <<<"$OUT")" "2" "[$ROW] asking again stores nothing new"

  ROW="$P: report clinic shows the decision new evidence implies, stored once"
  setup "$P"
  session 1 10:00
  at_expect 0 1 12:00 --json report clinic
  same "$(jq -r '.athletes[0] | .plan_status + " " + .follow_up' <<<"$OUT")" "active due" "[$ROW] waiting for the follow-up"
  at_expect 0 2 08:00 log-pain ann 0 --when next-day --session "$SID" --swelling significant
  at_expect 0 2 09:00 --json report clinic
  same "$(jq -r '.athletes[0] | .plan_status + " " + .follow_up' <<<"$OUT")" "suspended logged" "[$ROW] after the red flag"
  check "plan decision for ann: suspended" "$ERR"
  at_expect 0 2 09:05 --json report clinic
  lacks "plan decision" "$ERR"
  at_expect 0 2 09:05 --json plan list
  same "$(jq -r '.[0].status' <<<"$OUT")" "suspended" "[$ROW] plan list"
  lacks "plan decision" "$ERR"
  at_expect 0 2 09:06 --json plan history ann
  same "$(jq '[.[] | select(.kind == "decision")] | length' <<<"$OUT")" "1" "[$ROW] asking again stores nothing new"

  ROW="$P: report clinic holds a plan once the follow-up deadline passes"
  setup "$P"
  session 1 10:00
  at_expect 0 1 12:30 log-pain ann 0 --when next-day --session "$SID"
  at_expect 0 1 13:00 --json report clinic
  same "$(jq -r '.athletes[0].follow_up' <<<"$OUT")" "due" "[$ROW] an entry 2.5 h after the session is not the next-day log"
  lacks "plan decision" "$ERR"
  at_expect 0 4 10:00 --json report clinic
  check "plan decision for ann: held at" "$ERR"
  check "no 24-h log after the 2026-12-01 session" "$ERR"
  same "$(jq -r '.athletes[0].follow_up' <<<"$OUT")" "missing" "[$ROW] the follow-up column"
  at_expect 0 4 10:01 --json plan list
  lacks "plan decision" "$ERR"
done

ROW="void: a voided red flag stays in the log; the engine's suspension waits for a clinician"
setup seed
session 1 10:00
at_expect 0 2 08:00 --json log-pain ann 0 --when next-day --session "$SID" --swelling significant
E=$(jq -r .id <<<"$OUT")
at_expect 3 2 09:00 plan next ann
at_expect 0 2 09:30 log-pain --void "$E" --reason "swelling was the other knee"
at_expect 3 2 10:00 plan next ann
check "suspended" "$ERR"
same "$(grep -c "\"corrects\":\"$E\"" "$LEVER_STORE/pain/ann.ndjson")" "1" "[$ROW] the correction record"
same "$(grep -c "\"id\":\"$E\"" "$LEVER_STORE/pain/ann.ndjson")" "1" "[$ROW] the original entry stays"
at_expect 0 2 10:10 --json report pain ann
same "$(jq --arg e "$E" '[.[] | select(.id == $e)] | length' <<<"$OUT")" "0" "[$ROW] reports use the corrected log"
at_expect 0 2 10:20 plan resume ann --reason "assessed: no effusion"
at_expect 0 3 10:00 run ann --port "$SIM" --pain-before 0
at_expect 0 3 10:10 store check

ROW="rest days: refusal names the date, override is audited"
setup seed
session 1 10:00
at_expect 3 2 10:00 run ann --port "$SIM" --pain-before 0
check "2026-12-03" "$ERR"
check "--override-rest" "$ERR"
at_expect 2 2 10:01 run ann --port "$SIM" --pain-before 0 --override-rest
at_expect 0 2 10:02 run ann --port "$SIM" --pain-before 0 --override-rest --reason "tournament week, cleared by the physio"
grep -q '"action":"session.override-rest"' "$LEVER_STORE"/audit/*.ndjson && pass || fail "[$ROW] the override is not audited"
at_expect 0 3 09:00 --json plan next ann
same "$(jq -r .not_before <<<"$OUT")" "2026-12-04" "[$ROW] next session after the overridden one"

ROW="sessions per week: a fourth in 7 days is refused"
setup seed
session 1 10:00
session 3 10:00
session 5 10:00
at_expect 3 7 09:00 run ann --port "$SIM" --pain-before 0
check "3 sessions in the last 7 days" "$ERR"
check "2026-12-08" "$ERR"
session 8 10:30

ROW="a damaged pain line stops the engine"
setup seed
session 1 10:00
follow_ups seed 1 0
printf '{"schema_version":1,"id":"p-x","athlete_id":"ann","score":11}\n' >>"$LEVER_STORE/pain/ann.ndjson"
line=$(wc -l <"$LEVER_STORE/pain/ann.ndjson")
at_expect 5 2 09:00 plan next ann
check "pain/ann.ndjson line $line" "$ERR"
check "store check" "$ERR"
at_expect 5 3 10:00 run ann --port "$SIM" --pain-before 0
at_expect 0 2 09:05 athlete show ann
check "pain/ann.ndjson line $line" "$ERR"

ROW="one athlete, one session"
setup seed
# Two real-time simulated units: the first session runs about 15 s while the second is tried.
faketime "2026-12-01 10:00:00" "$LEVER" run ann --port 'sim:?seed=3' --pain-before 0 --support 5 --speed 4 --minutes 0.15 \
  </dev/null >"$TMP/first.out" 2>"$TMP/first.err" &
first=$!
for _ in $(seq 100); do grep -q '"status":"running"' "$LEVER_STORE"/sessions/*.json 2>/dev/null && break; sleep 0.1; done
at_expect 3 1 10:00 run ann --port 'sim:?seed=4&serial=SIM-0002' --pain-before 0 --support 5 --speed 4 --minutes 0.1
check "already has a session in progress" "$ERR"
wait "$first"
same "$?" "0" "[$ROW] the first session completes"
same "$(ls "$LEVER_STORE"/sessions | wc -l)" "1" "[$ROW] one session recorded"

finish
