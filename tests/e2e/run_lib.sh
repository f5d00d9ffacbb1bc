# Helpers for the run suites (sourced after lib.sh and device_lib.sh).

# calibrate_fixture PORT [DUE_DAYS]: makes the unit on PORT "calibrated" for the gate: reads its
# calibration with `lever unit info --json` and writes a passing calibration record
# (schemas/calibration.schema.json) into the store, due DUE_DAYS from now (default 30; negative =
# overdue). A factory-fresh simulated unit has never been calibrated (empty date): its memory in the
# store (sim/<id>.json) gets a calibration date first, as a technician's calibration would leave it.
# For a simulator process, call it with the sim: port before starting the process (same memory).
calibrate_fixture() {
  local port=$1 due=${2:-+30}
  "$LEVER" --json unit info --port "$port" >"$TMP/unit.json" 2>"$TMP/unit.err" || { fail "unit info: $(cat "$TMP/unit.err")"; return 1; }
  local id
  id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$TMP/unit.json")
  if [ -f "$LEVER_STORE/sim/$id.json" ] && python3 - "$LEVER_STORE/sim/$id.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
if m["calibration"]["calibrated_at"]:
    sys.exit(1)
m["calibration"]["calibrated_at"] = "20261124T120000Z"
json.dump(m, open(sys.argv[1], "w"), indent=2)
PY
  then
    "$LEVER" --json unit info --port "$port" >"$TMP/unit.json" 2>"$TMP/unit.err" || { fail "unit info: $(cat "$TMP/unit.err")"; return 1; }
  fi
  python3 - "$TMP/unit.json" "$LEVER_STORE" "$due" <<'PY'
import json, sys, os, datetime
u = json.load(open(sys.argv[1]))
store, due = sys.argv[2], int(sys.argv[3])
now = datetime.datetime.now(datetime.timezone.utc)
c = u["calibration"]
rid = "cal-fixture-" + u["id"]
doc = {"schema_version": 1, "id": rid, "unit_id": u["id"], "serial": u["serial"], "firmware": u["firmware"],
       "kind": "calibration", "result": "pass", "started_at": (now - datetime.timedelta(days=1)).isoformat(timespec="seconds"),
       "finished_at": now.isoformat(timespec="seconds"), "technician": "fixture",
       "calibration": {"zero_counts": c["zero_counts"], "gain_n_per_count": c["gain_n_per_count"],
                       "act_gain": c["actuator_gain"], "act_offset_n": c["actuator_offset_n"],
                       "calibrated_at": c.get("calibrated_at") or "-"},
       "due_at": (now + datetime.timedelta(days=due)).isoformat(timespec="seconds")}
os.makedirs(os.path.join(store, "calibrations"), mode=0o700, exist_ok=True)
path = os.path.join(store, "calibrations", rid + ".json")
with open(path, "w") as f:
    json.dump(doc, f)
os.chmod(path, 0o600)
PY
}

# py EXPR FILE: evaluates a Python expression over the JSON document in FILE (bound to d).
py() {
  python3 -c "import json,sys; d=json.load(open(sys.argv[2])); print($1)" "$1" "$2"
}

# session_file: the newest session document in the store.
session_file() {
  ls -t "$LEVER_STORE"/sessions/*.json 2>/dev/null | head -1
}
