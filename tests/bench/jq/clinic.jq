# The athlete rows of `lever report clinic`, computed by jq from the same files (tests/bench/jq/clinic.sh).
# Input: every session document (a stream). Arguments: $athletes, $plans (every document of each),
# $pain (the last 20 lines of every pain log), $now (epoch seconds), $grace (follow-up hours).
# A next-day entry is "logged" only inside the plan's evidence window (rules, default 8-36 h after the end).
include "common";

(reduce inputs as $s ({};
  ($s.athlete_id) as $a
  | if .[$a] == null or .[$a].started_at < $s.started_at
       or (.[$a].started_at == $s.started_at and $s.id < .[$a].id)
    then .[$a] = ($s | {id, started_at, ended_at, status}) else . end)) as $last
| ($plans | map({key: .id, value: .}) | from_entries) as $plan
| ($pain | group_by(.athlete_id) | map({key: .[0].athlete_id, value: .}) | from_entries) as $logs
| $athletes | sort_by(.id) | map(
    . as $ath
    | {athlete_id: .id, red_flags: [(.flags // [])[] | .flag], plan_status: "none", current_step: null, plan_step: null,
       support_pct: null, review: false, follow_up: "-", last_session_id: null, last_session_at: null, last_session_status: null}
    + (($plan[$ath.id]) as $p
       | if $p == null then {}
         else ($p.current_step // 1) as $step
           | {plan_status: $p.status, current_step: $step, plan_step: $step, review: ($p.review // false)}
           + ([$p.steps[] | select(.step == $step) | {support_pct}] | last // {})
         end)
    + (($last[$ath.id]) as $s
       | if $s == null then {}
         else ((if ($s.ended_at | type) == "string" then $s.ended_at else $s.started_at end) | ts) as $fin
           | {last_session_id: $s.id, last_session_at: $s.started_at, last_session_status: $s.status,
              follow_up: (($plan[$ath.id].rules // {}) as $r
                          | if any(($logs[$ath.id] // [])[]; .when == "next-day" and ((.at | ts) - $fin) as $d
                                   | $d > 0 and $d >= ($r.follow_up_min_h // 8) * 3600 and $d <= ($r.follow_up_window_h // 36) * 3600)
                          then "logged"
                          elif $now - $fin > $grace * 3600 then "missing" else "due" end)}
         end))
