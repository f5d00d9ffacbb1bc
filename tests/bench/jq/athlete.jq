# The sessions and week-by-week rows of `lever report athlete ID --json`, computed by jq from the same
# files (tests/bench/jq/athlete.sh). Weeks are UTC Monday weeks (run lever with TZ=UTC to compare).
# Input: every session document (a stream). Arguments: $id, $athlete (the document, in an array),
# $plan (the plan, in an array, or empty), $pain (the athlete's pain log).
include "common";

def num: if type == "number" then . else null end;
def week_of: (. / 86400 | floor) as $d | ($d - (($d + 3) % 7)) * 86400;  # 1970-01-01 was a Thursday
def mean(f): [.[] | f | numbers] | if length > 0 then add / length else null end;

[inputs | select(.athlete_id == $id)
 | {id, started_at, status, plan_step, stop_reason,
    run_minutes: (if (.run_minutes | type) == "number" then .run_minutes
                  elif (.run_s | type) == "number" then .run_s / 60
                  elif (.duration_s | type) == "number" then .duration_s / 60 else 0 end),
    support_pct: (.support_pct | num), measured_support_pct: (.measured_support_pct | num),
    knee_load: (.knee_load | num),
    max_pain_during: (.max_pain_during | num | if . == null then null else floor end),
    t: (.started_at | ts)}] as $sessions
| [$pain[] | {t: (.at | ts), score: (.score // 0), when}] as $pain_facts
| [($plan[0].history // [])[]
   | {t: (.at | ts),
      text: ((if .kind == "decision" then (if (.decision | type) == "string" then .decision else "decision" end)
              else .kind end) + ": " + (.reason // ""))}] as $decisions
| $athlete[0].mass_kg as $mass
| [$sessions[].t, $pain_facts[].t, $decisions[].t] as $times
| [$sessions[] | select(.knee_load != null) | {t, load: .knee_load}] as $loads
| ([$loads[].t] | min) as $first_load
| def window($fin; $days): [$loads[] | select(.t > $fin - $days * 86400 and .t <= $fin) | .load] | add // 0;
{sessions: ($sessions | sort_by(.started_at) | map(del(.t) | . + {session_id: .id, run_min: .run_minutes})),
 weeks: (if ($times | length) == 0 then []
   else [range(($times | min | week_of); ($times | max) + 1; 7 * 86400)] as $starts
   | reduce $starts[] as $w ({prev: null, rows: []};
       ($w + 7 * 86400) as $fin
       | [$sessions[] | select(.t >= $w and .t < $fin)] as $ss
       | [$pain_facts[] | select(.t >= $w and .t < $fin)] as $ps
       | ([$ss[] | .knee_load | numbers]) as $wl
       | ($wl | add // 0) as $load
       | ($ss | mean(.support_pct)) as $sup
       | (window($fin - 1; 28) / 4) as $chronic
       | ([$ss[].max_pain_during, ($ps[] | select(.when == "during") | .score)] | map(numbers) | max) as $worst
       | .rows += [{week_start: ($w | strftime("%Y-%m-%d")), sessions: ($ss | length),
                    run_minutes: ((([$ss[].run_minutes] | add // 0) * 10 | round) / 10),
                    run_min: ((([$ss[].run_minutes] | add // 0) * 10 | round) / 10),
                    mean_support_pct: $sup, mean_measured_support_pct: ($ss | mean(.measured_support_pct)),
                    mean_effective_mass_kg: (if $sup == null then null else $mass * (1 - $sup / 100) end),
                    knee_load: (if ($wl | length) > 0 then $load else null end),
                    knee_load_change_pct: (if ($wl | length) > 0 and .prev != null and .prev > 0
                                           then ($load - .prev) / .prev * 100 else null end),
                    acute_chronic_ratio: (if $chronic > 0 and $first_load != null and $fin - 1 >= $first_load + 28 * 86400
                                          then window($fin - 1; 7) / $chronic else null end),
                    worst_pain_during: $worst,
                    mean_next_day_pain: ([$ps[] | select(.when == "next-day")] | mean(.score)),
                    decisions: [$decisions[] | select(.t >= $w and .t < $fin) | .text]}]
       | .prev = (if ($wl | length) > 0 then $load elif ($ss | length) == 0 then 0 else .prev end))
   | .rows end)}
