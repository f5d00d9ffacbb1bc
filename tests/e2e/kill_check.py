# One round of tests/e2e/test_session_kills.sh, judged from the store and what the killed lever
# printed: prints the stage the kill hit, then one "FAIL: ..." line per broken promise.
# Usage: kill_check.py STORE OUT ERR RC PENDING  (PENDING: file of "sid telemetry_lines", rewritten)
import json
import os
import re
import sys

store, out_file, err_file, rc, pending_file = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
fails = []


def load(path):
    with open(path) as f:
        return json.load(f)


def telemetry_lines(sid):
    p = os.path.join(store, "telemetry", sid + ".ndjson")
    if not os.path.exists(p):
        return 0
    with open(p, "rb") as f:
        return f.read().count(b"\n")


def recovered_in_audit(sid):
    adir = os.path.join(store, "audit")
    for name in os.listdir(adir) if os.path.isdir(adir) else []:
        with open(os.path.join(adir, name)) as f:
            for line in f:
                if '"session.recover"' in line and json.loads(line).get("target") == sid:
                    return True
    return False


# Telemetry: every whole line is a record; only an unterminated last line may be torn (the next
# append cuts it back).
torn = 0
tdir = os.path.join(store, "telemetry")
for name in sorted(os.listdir(tdir)) if os.path.isdir(tdir) else []:
    with open(os.path.join(tdir, name), "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines[-1]:
        torn += 1
    for n, line in enumerate(lines[:-1], 1):
        try:
            json.loads(line)
        except ValueError:
            fails.append(f"telemetry/{name} line {n} is not a whole record: {line[:80]!r}")

with open(err_file) as f:
    err = f.read()
last_err = " | ".join(err.strip().splitlines()[-2:])
events = []
with open(out_file) as f:
    for line in f:
        if line.endswith("\n"):  # the line being written at the kill may be cut
            events.append(json.loads(line))
kinds = [e.get("event") for e in events]

m = re.search(r"^session (s-[0-9a-z-]+): ", err, re.M)
sid = m.group(1) if m else None
if sid is None:
    stage = "before-ack"
    if rc != 137:
        fails.append(f"lever exited {rc} without starting a session: {last_err}")
    if events:
        fails.append(f"events printed before the session was acknowledged: {kinds[:3]}")
elif "end" in kinds:
    stage = "completed"
elif "released" in kinds:
    stage = "final-write"
elif any(e.get("phase") == "stop" for e in events):
    stage = "stopping"
else:
    stage = "running"
if rc not in (0, 137):
    fails.append(f"lever exited {rc}: {last_err}")

pending = []
if os.path.exists(pending_file):
    with open(pending_file) as f:
        pending = [l.split() for l in f if l.strip()]

if sid:
    # Acknowledged: the session document exists and is whole.
    path = os.path.join(store, "sessions", sid + ".json")
    if not os.path.exists(path):
        fails.append(f"acknowledged session {sid} is missing")
    else:
        doc = load(path)
        if any(e.get("session_id") != sid for e in events):
            fails.append("an event names another session")
        if stage == "completed" and doc["status"] != "completed":
            fails.append(f"session {sid} printed its end but is stored as {doc['status']}")
        elif doc["status"] not in ("running", "completed"):
            fails.append(f"killed session {sid} stored as {doc['status']}")
        if stage in ("running", "stopping") and doc["status"] != "running":
            fails.append(f"session {sid} killed mid-run is stored as {doc['status']} "
                         f"(exit {rc}; events seen: {kinds}; stderr: {last_err}; stored stop_reason "
                         f"{doc.get('stop_reason')}, ended_at {doc.get('ended_at')}, run_s {doc.get('run_s')})")
        # The ack comes after recovery: every session an earlier lever left running is now incomplete.
        for old, n in pending:
            o = load(os.path.join(store, "sessions", old + ".json"))
            if (o["status"], o.get("stop_reason")) != ("incomplete", "lever-killed"):
                fails.append(f"session {old} left by a killed lever is {o['status']}/{o.get('stop_reason')}, not incomplete")
            if not recovered_in_audit(old):
                fails.append(f"no session.recover audit entry for {old}")
            if telemetry_lines(old) < int(n):
                fails.append(f"telemetry of {old} lost: {telemetry_lines(old)} < {n} lines")
        pending = []
        if doc["status"] == "running":
            pending.append([sid, str(telemetry_lines(sid))])
with open(pending_file, "w") as f:
    f.writelines(f"{s} {n}\n" for s, n in pending)

print(stage, torn)
for msg in fails:
    print("FAIL:", msg)
