# Helpers for the device suites (sourced after lib.sh): start a simulator process on a pty or TCP
# port, wait for conditions with a timeout (never a bare sleep), and stop what we started by PID.
SIM_PIDS=()

# wait_for SECONDS CMD...: polls CMD every 50 ms until it succeeds; returns 1 on timeout.
wait_for() {
  local limit=$1
  shift
  local end=$((SECONDS + limit))
  until "$@"; do
    if [ "$SECONDS" -ge "$end" ]; then return 1; fi
    sleep 0.05
  done
}

# start_sim LOG ARGS...: runs `lever sim ARGS` in the background, logging to LOG; sets SIM_PID.
start_sim() {
  local log=$1
  shift
  : >"$log"
  "$LEVER" sim "$@" 2>"$log" &
  SIM_PID=$!
  SIM_PIDS+=("$SIM_PID")
  wait_for 10 grep -q "serving on" "$log" || fail "simulator did not start: $(cat "$log")"
}

# patient_unit NVRAM MS: creates a simulated unit's memory at NVRAM with a watchdog of MS ms, for
# real-time suites whose subject is not the watchdog: on a loaded machine a starved host or
# simulator process can miss the unit's 300 ms, and the test would then judge the scheduler.
patient_unit() {
  "$LEVER" unit info --port "sim:?nvram=$1" >/dev/null 2>&1 &&
    python3 - "$1" "$2" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["limits"]["watchdog_ms"] = int(sys.argv[2])
json.dump(m, open(sys.argv[1], "w"), indent=2)
PY
}

# stop_pid PID: ends a process we started and reaps it.
stop_pid() {
  kill "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  return 0
}

cleanup_sims() {
  for p in "${SIM_PIDS[@]}"; do stop_pid "$p"; done
}
trap 'cleanup_sims; rm -rf "$TMP"' EXIT

# free_port: a TCP port nothing listens on now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
