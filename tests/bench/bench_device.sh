#!/bin/bash
# Device benchmarks over a pseudo-terminal at 115200 baud against `lever sim` (paced to the line).
# Usage: tests/bench/bench_device.sh [path/to/lever] [SECONDS]   (SECONDS of the sustained-rate run,
# default 60; BENCH_SECONDS too). Progress goes to stderr; stdout is the run_all.sh table: the highest
# status rate sustained with zero lost frames as a share of the line rate (baseline: the 90 % target),
# command round trip median/p99 (no target) and SIGINT -> stop frame median/p99 (baseline: the 10 ms target).
set -u
LEVER=$(readlink -f "${1:-${LEVER:-build/lever}}")
SECS=${2:-${BENCH_SECONDS:-60}}
BENCH="$(dirname "$LEVER")/tests/bench_device"
TMP=$(mktemp -d)
SIM=
trap '[ -n "$SIM" ] && kill "$SIM" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

start_sim() {
  [ -n "$SIM" ] && { kill "$SIM" 2>/dev/null; wait "$SIM" 2>/dev/null; }
  rm -f "$TMP/nv.json"
  : >"$TMP/sim.log"  # truncate before the start: the child truncating it races with the wait below
  "$LEVER" --store "$TMP/store" sim --pty "$TMP/unit" --nvram "$TMP/nv.json" 2>"$TMP/sim.log" &
  SIM=$!
  for _ in $(seq 200); do grep -q "serving on" "$TMP/sim.log" && return 0; sleep 0.05; done
  echo "simulator did not start: $(cat "$TMP/sim.log")" >&2
  exit 1
}

echo >&2 "== status rate (5 s probes while running at 8 km/h, heartbeats at 20 Hz)"
passed=()
for hz in 20 40 60 65 70 72 74 76 78 80 90 100; do
  start_sim
  if "$BENCH" rate "pty:$TMP/unit" "$hz" 5 >&2; then passed+=("$hz"); else break; fi
done
# The sustained run starts at the highest passing probe and steps down until a run loses nothing.
for ((i = ${#passed[@]} - 1; i >= 0; i--)); do
  hz=${passed[$i]}
  echo >&2 "sustained run at $hz Hz for $SECS s:"
  start_sim
  if "$BENCH" rate "pty:$TMP/unit" "$hz" "$SECS" >"$TMP/rate"; then
    cat "$TMP/rate" >&2
    line=$(grep -o '= [0-9.]* % of the line' "$TMP/rate" | awk '{print $2}')
    sustained=$hz
    break
  fi
done

echo >&2 "== command round trip"
start_sim
rtt=$("$BENCH" rtt "pty:$TMP/unit" 500) || exit 1
echo >&2 "$rtt"

echo >&2 "== SIGINT to stop frame"
start_sim
sig=$("$BENCH" sigint "pty:$TMP/unit" 200) || exit 1
echo >&2 "$sig"

. "$(dirname "$0")/lib.sh"
num() { grep -o "$1 [0-9.]*" <<<"$2" | awk '{print $2}'; }
header
if [ -n "${sustained:-}" ]; then
  row "status sustained ${SECS} s lossless (${sustained} Hz), % of line" "${line} %" "90 %" "$(ratio "$line" 90)"
else
  row "status sustained ${SECS} s lossless, % of line" "none" "90 %" "-"
fi
m=$(num median "$rtt"); p=$(num p99 "$rtt")
row "command round trip, median (no target)" "${m} ms" "-" "-"
row "command round trip, p99 (no target)" "${p} ms" "-" "-"
m=$(num median "$sig"); p=$(num p99 "$sig")
row "SIGINT to stop frame (device path), median" "${m} ms" "10.0 ms" "$(ratio "$m" 10)"
row "SIGINT to stop frame (device path), p99" "${p} ms" "10.0 ms" "$(ratio "$p" 10)"
