#!/bin/bash
# Device benchmarks over a pseudo-terminal at 115200 baud against `lever sim` (paced to the line).
# Usage: tests/bench/bench_device.sh BUILD_DIR [SECONDS]   (SECONDS of the sustained-rate run, default 60)
# Prints: the highest status rate sustained with zero lost frames and its share of the line rate;
# command round trip median/p99; SIGINT -> stop frame median/p99.
set -u
BUILD=${1:?usage: bench_device.sh BUILD_DIR [SECONDS]}
SECS=${2:-60}
LEVER="$BUILD/lever"
BENCH="$BUILD/tests/bench_device"
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

echo "== status rate (5 s probes while running at 8 km/h, heartbeats at 20 Hz)"
passed=()
for hz in 20 40 60 65 70 72 74 76 78 80 90 100; do
  start_sim
  if "$BENCH" rate "pty:$TMP/unit" "$hz" 5; then passed+=("$hz"); else break; fi
done
# The sustained run starts at the highest passing probe and steps down until a run loses nothing.
for ((i = ${#passed[@]} - 1; i >= 0; i--)); do
  hz=${passed[$i]}
  echo "sustained run at $hz Hz for $SECS s:"
  start_sim
  if "$BENCH" rate "pty:$TMP/unit" "$hz" "$SECS"; then
    echo "highest status rate sustained for $SECS s with zero lost frames: $hz Hz"
    break
  fi
done

echo "== command round trip"
start_sim
"$BENCH" rtt "pty:$TMP/unit" 500

echo "== SIGINT to stop frame"
start_sim
"$BENCH" sigint "pty:$TMP/unit" 200
