#!/bin/bash
# Safety reactions over a real pty against the simulator process: a killed host, Ctrl-C, the hardware
# e-stop, a pulled cable, a silent unit and an overload. Each ends with the unit in its safe state
# (belt stopped under control, support held, no automatic resume) and the documented exit code.
source "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/device_lib.sh"
unset LEVER_PORT

ms() { date +%s%3N; }

# last_status PORT FIELD: one fresh status field from the unit.
last_status() {
  "$LEVER" unit watch --port "$1" --count 2 2>/dev/null | tail -1 | python3 -c "import json,sys; print(json.load(sys.stdin)['$2'])"
}

# check_held PORT STATE SUPPORT: the unit is in STATE with the belt stopped and the support held near SUPPORT.
check_held() {
  "$LEVER" unit watch --port "$1" --count 10 >"$TMP/held" 2>&1 || { fail "watch failed: $(cat "$TMP/held")"; return; }
  python3 - "$TMP/held" "$2" "$3" <<'PY' && pass || fail "unit not held safely: $(tail -2 "$TMP/held")"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
want, support = sys.argv[2], float(sys.argv[3])
assert all(r["state"] == want for r in rows), [r["state"] for r in rows]
assert all(r["speed_cmd_kmh"] == 0 for r in rows)
targets = {r["support_target_n"] for r in rows}
assert len(targets) == 1, targets                        # held: not moving at all
assert abs(targets.pop() - support) < 10, rows[-1]        # where it was: never dropped
speeds = [r["speed_kmh"] for r in rows]
assert all(b <= a + 1e-9 for a, b in zip(speeds, speeds[1:])), speeds  # decelerating only
PY
}

# --- 1. the host process is killed mid-run: the unit holds within its watchdog time (300 ms)
start_sim "$TMP/s1.log" --pty "$TMP/u1" --nvram "$TMP/nv1.json"
"$LEVER" unit drive --port "pty:$TMP/u1" --support 60 --speed 4 --seconds 60 >"$TMP/d1.out" 2>"$TMP/d1.err" &
HOST=$!
wait_for 10 grep -q '"support_target_n":60.0' "$TMP/d1.out" || fail "drive did not reach 60 N: $(cat "$TMP/d1.err")"
KILLED=$(ms)
kill -9 "$HOST"
wait "$HOST" 2>/dev/null
wait_for 5 grep -q "RUN -> HOLD (link" "$TMP/s1.log" || fail "no HOLD after the host died: $(cat "$TMP/s1.log")"
HELD=$(ms)
ELAPSED=$((HELD - KILLED))
echo "host killed -> unit HOLD seen after ${ELAPSED} ms (watchdog 300 ms + polling)"
[ "$ELAPSED" -lt 1500 ] && pass || fail "HOLD took ${ELAPSED} ms"
check_held "pty:$TMP/u1" HOLD 60
expect 3 unit drive --port "pty:$TMP/u1" --support 20
has "refused ARM" "$ERR"     # no automatic resume, not even by a new host
expect 0 unit lower --port "pty:$TMP/u1" --rate 20
same "$(last_status "pty:$TMP/u1" state)" "IDLE" "released after lower"

# --- 1b. the same with a status tool polling the unit all the while (a second terminal running
# `lever unit watch` in a loop): a listener never feeds the watchdog, so the unit still holds.
# (Before 2026-12-01 each watch asked for a status rate, a command that feeds it, and kept the belt
# running for as long as the polling went on.)
start_sim "$TMP/s7.log" --pty "$TMP/u7" --nvram "$TMP/nv7.json"
"$LEVER" unit drive --port "pty:$TMP/u7" --support 60 --speed 4 --seconds 60 >"$TMP/d7.out" 2>"$TMP/d7.err" &
HOST=$!
wait_for 10 grep -q '"support_target_n":60.0' "$TMP/d7.out" || fail "drive did not reach 60 N: $(cat "$TMP/d7.err")"
( while :; do "$LEVER" unit watch --port "pty:$TMP/u7" --count 1 >/dev/null 2>&1; done ) &
POLLER=$!
sleep 0.5
kill -9 "$HOST"
wait "$HOST" 2>/dev/null
wait_for 5 grep -q "RUN -> HOLD (link" "$TMP/s7.log" && pass || fail "a polling status tool kept the unit running after its host died: $(tail -3 "$TMP/s7.log")"
kill "$POLLER" 2>/dev/null
pkill -P "$POLLER" 2>/dev/null  # its watch, which holds the port
wait "$POLLER" 2>/dev/null
wait_for 5 bash -c "! pgrep -f \"unit watch --port pty:$TMP/u7\" >/dev/null"
expect 0 unit lower --port "pty:$TMP/u7" --rate 20

# --- 2. Ctrl-C: the host sends HOLD at once and exits 130
start_sim "$TMP/s2.log" --pty "$TMP/u2" --nvram "$TMP/nv2.json"
"$LEVER" unit drive --port "pty:$TMP/u2" --support 50 --speed 4 --seconds 60 >/dev/null 2>"$TMP/d2.err" &
HOST=$!
wait_for 10 grep -q "ARMED -> RUN" "$TMP/s2.log" || fail "drive 2 did not start"
kill -INT "$HOST"
wait "$HOST"
same "$?" "130" "exit code after Ctrl-C"
has "support held" "$(cat "$TMP/d2.err")"
grep -q "RUN -> HOLD (host HOLD)" "$TMP/s2.log" && pass || fail "no host HOLD: $(cat "$TMP/s2.log")"
expect 0 unit lower --port "pty:$TMP/u2" --rate 20

# --- 3. hardware e-stop mid-run: exit 3, ESTOP latched, support held; RESET only after release
start_sim "$TMP/s3.log" --pty "$TMP/u3" --nvram "$TMP/nv3.json" --faults estop=2s@2s
expect 3 unit drive --port "pty:$TMP/u3" --support 60 --speed 4 --seconds 30
has "ESTOP" "$ERR"
has "estop" "$ERR"
check_held "pty:$TMP/u3" ESTOP 60
# Still latched: the operator may lower the runner (LOWER is accepted in ESTOP) but the unit stays ESTOP.
expect 0 unit lower --port "pty:$TMP/u3" --rate 20
has "unit is ESTOP" "$ERR"
same "$(last_status "pty:$TMP/u3" support_target_n)" "0.0" "support lowered in ESTOP"
wait_for 10 grep -q "e-stop released" "$TMP/s3.log" || fail "e-stop never released"
expect 0 unit reset --port "pty:$TMP/u3"
same "$(last_status "pty:$TMP/u3" state)" "HOLD" "reset leads to HOLD, not motion"
expect 0 unit lower --port "pty:$TMP/u3" --rate 20
same "$(last_status "pty:$TMP/u3" state)" "IDLE" "disarmed after the e-stop"

# --- 4. cable pulled mid-stream: exit 6; the unit holds on its own
start_sim "$TMP/s4.log" --pty "$TMP/u4" --nvram "$TMP/nv4.json" --faults disconnect@2s
expect 6 unit drive --port "pty:$TMP/u4" --support 60 --speed 4 --seconds 30
has "lost the link" "$ERR"
wait_for 5 grep -q "RUN -> HOLD (link" "$TMP/s4.log" && pass || fail "unit did not hold after disconnect: $(cat "$TMP/s4.log")"

# --- 5. a silent unit: the host gives up (exit 6), stops heartbeating, and the unit holds
start_sim "$TMP/s5.log" --pty "$TMP/u5" --nvram "$TMP/nv5.json" --faults silence=5s@2s
expect 6 unit drive --port "pty:$TMP/u5" --support 60 --speed 4 --seconds 30
has "stopped answering" "$ERR"
wait_for 5 grep -q "RUN -> HOLD (link" "$TMP/s5.log" && pass || fail "unit did not hold when the host gave up"

# --- 6. overload on the harness: exit 3, FAULT latched, support held not chased
start_sim "$TMP/s6.log" --pty "$TMP/u6" --nvram "$TMP/nv6.json" --faults overload@2s
expect 3 unit drive --port "pty:$TMP/u6" --support 60 --speed 4 --seconds 30
has "overload" "$ERR"
check_held "pty:$TMP/u6" FAULT 60

finish
