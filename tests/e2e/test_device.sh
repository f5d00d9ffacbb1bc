#!/bin/bash
# The device commands against the real simulator process over a real pty and TCP: port selection,
# identification, the unit document, the status stream, and every kind of bad port or bad unit.
source "$LEVER_SOURCE_DIR/tests/e2e/lib.sh"
source "$LEVER_SOURCE_DIR/tests/e2e/device_lib.sh"
unset LEVER_PORT

# --- port selection: explicit, never a silent simulator
expect 2 unit info
has "no unit port given" "$ERR"
has "--port" "$ERR"
expect 2 unit info --port bogus
has "unknown port 'bogus'" "$ERR"
expect 2 unit info --port 'sim:?colour=red'
has "unknown simulator option 'colour'" "$ERR"
expect 2 unit info --port 'sim:?faults=explode@3s'
has "unknown fault name" "$ERR"
expect 2 unit info --port tcp:localhost
has "expected tcp:HOST:PORT" "$ERR"
LEVER_PORT='sim:?clock=virtual' expect 0 unit info
has "SIM-0001" "$OUT"

# --- in-process simulator: identity, memory in the store, unit document valid
expect 0 --json unit info --port 'sim:?clock=virtual'
same "$(echo "$OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["compatible"], d["limits"]["max_support_force_n"], d["last_status"]["state"])')" \
  "sim-0001 True 200.0 IDLE" "unit info json"
[ -f "$LEVER_STORE/sim/sim-0001.json" ] && pass || fail "sim memory not in the store"
[ -f "$LEVER_STORE/units/sim-0001.json" ] && pass || fail "unit document not saved"
expect 0 store check

# --- the store's "port" configuration is the last resort (after --port and LEVER_PORT)
python3 - "$LEVER_STORE/store.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["config"]["port"] = "sim:?clock=virtual"; json.dump(d, open(sys.argv[1], "w"))
PY
expect 0 unit info
has "Port:             sim:?clock=virtual" "$OUT"
LEVER_PORT=bogus expect 2 unit info
has "unknown port 'bogus'" "$ERR"
expect 2 unit info --port also-bogus
has "also-bogus" "$ERR"
python3 - "$LEVER_STORE/store.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["config"].pop("port"); json.dump(d, open(sys.argv[1], "w"))
PY

# --- a simulator process on a pty
start_sim "$TMP/sim.log" --pty "$TMP/unit"
expect 0 unit info --port "pty:$TMP/unit"
has "Compatible:       yes" "$OUT"
has "IDLE" "$OUT"
expect 0 unit watch --port "pty:$TMP/unit" --count 5 --rate 50
same "$(echo "$OUT" | wc -l)" "5" "ndjson lines when piped"
same "$(echo "$OUT" | head -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')" "IDLE" "watch state"
expect 0 unit watch --port "pty:$TMP/unit" --count 3 --format csv
has "support_measured_n" "$(echo "$OUT" | head -1)"
same "$(echo "$OUT" | wc -l)" "4" "csv header + 3 rows"
expect 0 unit watch --port "pty:$TMP/unit" --count 2 --json
same "$(echo "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" "2" "json array"

# --- operator commands: HOLD is never refused; RESET outside FAULT/ESTOP is refused (exit 3)
expect 0 unit hold --port "pty:$TMP/unit"
expect 3 unit reset --port "pty:$TMP/unit"
has "refused RESET" "$ERR"

# --- busy: another lever holds the port (advisory lock)
"$LEVER" unit watch --port "pty:$TMP/unit" --seconds 20 >"$TMP/holder.out" 2>&1 &
HOLDER=$!
wait_for 10 test -s "$TMP/holder.out" || fail "holder never started"
expect 6 unit info --port "pty:$TMP/unit"
has "busy" "$ERR"
has "another lever" "$ERR"
stop_pid "$HOLDER"

# --- port that does not exist / is not a terminal
expect 4 unit info --port "pty:$TMP/nothing-here"
has "does not exist" "$ERR"
expect 4 unit info --port "/dev/ttyNOPE9"
has "does not exist" "$ERR"
expect 6 unit info --port pty:/dev/null
has "not a terminal" "$ERR"

# --- permission denied (as an unprivileged user; root bypasses permissions)
if command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups "$LEVER" --version >/dev/null 2>&1; then
  PTS=$(readlink "$TMP/unit")
  setpriv --reuid=65534 --regid=65534 --clear-groups "$LEVER" unit info --port "pty:$PTS" >"$TMP/out" 2>"$TMP/err"
  same "$?" "6" "permission denied exit code"
  has "permission denied" "$(cat "$TMP/err")"
  has "dialout" "$(cat "$TMP/err")"
else
  echo "skipped: permission-denied check (no unprivileged user can run the binary here)"
fi

# --- a unit that never answers (a pty with nobody behind it)
socat -d pty,link="$TMP/silent",raw,echo=0 pty,link="$TMP/silent-other",raw,echo=0 2>/dev/null &
SOCAT=$!
SIM_PIDS+=("$SOCAT")
wait_for 10 test -e "$TMP/silent" || fail "socat did not start"
expect 6 unit info --port "pty:$TMP/silent"
has "no answer from the unit" "$ERR"
has "powered" "$ERR"

# --- a device speaking something else entirely (NMEA-like sentences)
( while :; do printf '$GPGGA,123519,4807.038,N,01131.000,E*47\r\n'; sleep 0.01; done ) >"$TMP/silent-other" 2>/dev/null &
TALKER=$!
SIM_PIDS+=("$TALKER")
expect 6 unit info --port "pty:$TMP/silent"
has "does not speak the lever protocol" "$ERR"
stop_pid "$TALKER"
stop_pid "$SOCAT"

# --- a unit of another protocol version / message table: shown, never armed
start_sim "$TMP/sim2.log" --pty "$TMP/unit2" --faults proto=2 --nvram "$TMP/nv2.json"
expect 0 unit info --port "pty:$TMP/unit2"
has "Compatible:       no" "$OUT"
has "protocol version 2" "$ERR"
expect 3 unit drive --port "pty:$TMP/unit2" --support 20
has "refusing to arm" "$ERR"
grep -q "ARMED" "$TMP/sim2.log" && fail "an incompatible unit was armed" || pass

# --- TCP: one host at a time
PORT=$(free_port)
start_sim "$TMP/sim3.log" --tcp "127.0.0.1:$PORT" --nvram "$TMP/nv3.json"
expect 0 unit info --port "tcp:127.0.0.1:$PORT"
has "SIM-0001" "$OUT"
expect 0 unit watch --port "tcp:127.0.0.1:$PORT" --count 3
same "$(echo "$OUT" | wc -l)" "3" "tcp watch"
expect 6 unit info --port "tcp:127.0.0.1:$(free_port)"
has "cannot connect" "$ERR"

# --- devices in every format
expect 0 devices --format json
echo "$OUT" | python3 -c 'import json,sys; assert isinstance(json.load(sys.stdin), list)' && pass || fail "devices json"
expect 0 devices --format csv
has "port,description,transport,usb_vid_pid,serial_number,manufacturer" "$OUT"
expect 0 devices --format ndjson
expect 0 devices

finish
