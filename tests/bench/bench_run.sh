#!/usr/bin/env bash
# Benchmark (not a test): lever run in real time against the simulator process on a pty.
# - control-loop period jitter (median and 99th percentile of |period - nominal|) at 50 and 100 Hz,
#   as the loop measures it and stores it in the session (loop_timing);
# - time from SIGINT to the HOLD frame leaving lever (p99 over repetitions), and from a unit fault
#   (hardware e-stop) to lever's HOLD command;
# - CPU used by a real-time session (user + system time / wall time).
# Prints "benchmark median baseline ratio" rows like the other bench_*.sh (baseline: the nominal
# period for jitter, one control period for the latencies, one core for CPU).
# Usage: tests/bench/bench_run.sh [path/to/lever]   (needs python3)
set -euo pipefail
LEVER=$(readlink -f "${1:-${LEVER:-build/lever}}")
TMP=$(mktemp -d)
export LEVER_STORE=$TMP/store LEVER_USER=bench NO_COLOR=1
SECONDS_RUN=${BENCH_SECONDS:-20}
REPS=${BENCH_REPS:-8}
SIM=
cleanup() { [ -n "$SIM" ] && kill "$SIM" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

"$LEVER" -q athlete add ann --mass 75 --cadence 164 >/dev/null
start_sim() {  # start_sim NAME ARGS...: a simulator on $TMP/NAME
  local name=$1; shift
  [ -n "$SIM" ] && { kill "$SIM" 2>/dev/null; wait "$SIM" 2>/dev/null || true; }
  "$LEVER" sim --pty "$TMP/$name" "$@" 2>"$TMP/$name.log" &
  SIM=$!
  for _ in $(seq 200); do grep -q "serving on" "$TMP/$name.log" && return 0; sleep 0.05; done
  echo "simulator did not start" >&2; exit 1
}
newest() { ls -t "$LEVER_STORE"/sessions/*.json | head -1; }
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# The calibration fixture of the tests: the simulated unit's memory gets a calibration date, then a
# passing record for that calibration goes into the store.
"$LEVER" -q unit info --port 'sim:?clock=virtual' >/dev/null
python3 - "$LEVER_STORE/sim/sim-0001.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); m["calibration"]["calibrated_at"] = m["calibration"]["calibrated_at"] or "20261124T120000Z"
json.dump(m, open(sys.argv[1], "w"), indent=2)
PY
start_sim u0
"$LEVER" --json unit info --port "pty:$TMP/u0" >"$TMP/unit.json"
python3 - "$TMP/unit.json" "$LEVER_STORE" <<'PY'
import json, sys, os, datetime
u = json.load(open(sys.argv[1])); c = u["calibration"]; now = datetime.datetime.now(datetime.timezone.utc)
doc = {"schema_version": 1, "id": "cal-bench", "unit_id": u["id"], "serial": u["serial"], "firmware": u["firmware"],
       "kind": "calibration", "result": "pass", "started_at": now.isoformat(timespec="seconds"), "technician": "bench",
       "calibration": {"zero_counts": c["zero_counts"], "gain_n_per_count": c["gain_n_per_count"], "act_gain": c["actuator_gain"],
                       "act_offset_n": c["actuator_offset_n"], "calibrated_at": c.get("calibrated_at") or "-"},
       "due_at": (now + datetime.timedelta(days=30)).isoformat(timespec="seconds")}
os.makedirs(os.path.join(sys.argv[2], "calibrations"), exist_ok=True)
json.dump(doc, open(os.path.join(sys.argv[2], "calibrations", "cal-bench.json"), "w"))
PY
RUN=(run ann --pain-before 0 --support 10 --speed 6)
. "$(dirname "$0")/lib.sh"
header

for hz in 50 100; do
  start_sim "j$hz"
  /usr/bin/time -f "%e %U %S" -o "$TMP/time" "$LEVER" -q "${RUN[@]}" --minutes "$(awk -v s="$SECONDS_RUN" 'BEGIN{print s/60}')" \
    --loop-hz "$hz" --port "pty:$TMP/j$hz" </dev/null >/dev/null
  S=$(newest)
  p50=$(field "$S" 'd["loop_timing"]["period_jitter_p50_ms"]')
  p99=$(field "$S" 'd["loop_timing"]["period_jitter_p99_ms"]')
  period=$(awk -v h="$hz" 'BEGIN { printf "%.1f", 1000 / h }')
  row "loop period jitter at $hz Hz, median" "$(printf '%.3f ms' "$p50")" "$period ms" "$(ratio "$p50" "$period")"
  row "loop period jitter at $hz Hz, p99" "$(printf '%.3f ms' "$p99")" "$period ms" "$(ratio "$p99" "$period")"
  read -r wall user sys <"$TMP/time"
  cpu=$(awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", (u + s) / w * 100 }')
  row "CPU of a real-time session at $hz Hz" "$cpu %" "100 %" "$(ratio "$cpu" 100)"
done

# SIGINT -> HOLD frame written, over REPS runs.
start_sim s1
lat=()
for _ in $(seq "$REPS"); do
  rm -f "$LEVER_STORE"/telemetry/*.ndjson
  "$LEVER" -q "${RUN[@]}" --minutes 5 --port "pty:$TMP/s1" </dev/null >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 400); do [ -s "$(ls "$LEVER_STORE"/telemetry/*.ndjson 2>/dev/null | head -1)" ] && break; sleep 0.05; done
  sleep 0.5
  t0=$EPOCHREALTIME
  kill -INT "$pid"
  wait "$pid" || true
  S=$(newest)
  lat+=("$(field "$S" "(d['loop_timing']['hold_sent_unix_ns'] / 1e9 - $t0) * 1000")")
  "$LEVER" -q unit lower --port "pty:$TMP/s1" --rate 20 >/dev/null
done
read -r m p <<<"$(printf '%s\n' "${lat[@]}" | python3 -c 'import sys,math; v=sorted(float(x) for x in sys.stdin); print(v[len(v)//2], v[min(len(v)-1, math.ceil(0.99*len(v))-1)])')"
row "SIGINT to HOLD on the wire, median ($REPS runs)" "$(printf '%.2f ms' "$m")" "50.0 ms" "$(ratio "$m" 50)"
row "SIGINT to HOLD on the wire, p99" "$(printf '%.2f ms' "$p")" "50.0 ms" "$(ratio "$p" 50)"

# Hardware e-stop -> lever's HOLD command (unit status time to the command), over REPS runs.
lat=()
for i in $(seq "$REPS"); do
  start_sim "e$i" --faults estop=30s@3s
  "$LEVER" -q "${RUN[@]}" --minutes 1 --port "pty:$TMP/e$i" </dev/null >/dev/null 2>&1 || true
  lat+=("$(field "$(newest)" 'd["loop_timing"].get("fault_to_hold_ms", "nan")')")
done
read -r m p <<<"$(printf '%s\n' "${lat[@]}" | python3 -c 'import sys,math; v=sorted(float(x) for x in sys.stdin if x.strip()!="nan"); print(v[len(v)//2], v[min(len(v)-1, math.ceil(0.99*len(v))-1)])')"
row "e-stop status to HOLD command, median ($REPS runs)" "$(printf '%.2f ms' "$m")" "50.0 ms" "$(ratio "$m" 50)"
row "e-stop status to HOLD command, p99" "$(printf '%.2f ms' "$p")" "50.0 ms" "$(ratio "$p" 50)"
