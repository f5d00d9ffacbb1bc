#!/bin/bash
# The production serial path (libserialport) end to end against the simulator process. libserialport
# 0.1.1 cannot open a pty by itself (device.md): a test-only LD_PRELOAD shim answers the modem-control
# ioctls, and the port path /dev/../../../<dir>/<symlink> satisfies its /sys/class/tty lookup.
source "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/device_lib.sh"
unset LEVER_PORT

SHIM="$LEVER_BUILD_DIR/tests/liblever_ptyshim.so"
[ -f "$SHIM" ] || { fail "shim not built: $SHIM"; finish; exit; }
# An ASan build wants its runtime first; the shim only wraps ioctl, so the order does not matter here.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

start_sim "$TMP/sim.log" --pty "$TMP/unit"
PORT="serial:/dev/../../..$TMP/unit?baud=115200"

# Without the shim, libserialport refuses the pty: a clear error, exit 6.
expect 6 unit info --port "$PORT"
has "cannot open" "$ERR"

LD_PRELOAD="$SHIM" expect 0 unit info --port "$PORT"
has "SIM-0001" "$OUT"
has "Compatible:       yes" "$OUT"
LD_PRELOAD="$SHIM" expect 0 unit watch --port "$PORT" --count 5 --rate 50
same "$(echo "$OUT" | wc -l)" "5" "statuses over libserialport"

# A full test drive over libserialport: arm, run, stop, lower, disarm.
LD_PRELOAD="$SHIM" expect 0 unit drive --port "$PORT" --support 30 --speed 2 --seconds 1 --lower-rate 20
grep -q "ARMED -> RUN" "$TMP/sim.log" && pass || fail "not driven: $(cat "$TMP/sim.log")"
grep -q "HOLD -> IDLE (host DISARM)" "$TMP/sim.log" && pass || fail "not released: $(cat "$TMP/sim.log")"

# Busy: a second lever on the same serial port is refused (flock on the libserialport handle).
LD_PRELOAD="$SHIM" "$LEVER" unit watch --port "$PORT" --seconds 20 >"$TMP/holder.out" 2>&1 &
HOLDER=$!
wait_for 10 test -s "$TMP/holder.out" || fail "holder never started"
LD_PRELOAD="$SHIM" expect 6 unit info --port "$PORT"
has "busy" "$ERR"
stop_pid "$HOLDER"

# Ctrl-C reaches a loop waiting on the serial port at once (it polls the port handle).
LD_PRELOAD="$SHIM" "$LEVER" unit watch --port "$PORT" --seconds 60 >"$TMP/w.out" 2>&1 &
W=$!
wait_for 10 test -s "$TMP/w.out" || fail "watch never started"
kill -INT "$W"
wait "$W"
same "$?" "130" "Ctrl-C exit code on a serial port"

finish
