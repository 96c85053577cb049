"""A /stream reader written with Debian's python3-websocket (websocket-client), for the witness test.

Reads --count reports from the console's /stream, closes after --break-after of them and
reconnects with after=<the last _id seen> (the first time with the key in the Authorization
header, the second as the first message), and checks what it got: every report exactly once and
in order (ids rising; each device's seq one by one from 1), each as stored (_id, time, identity;
no auth). Prints one JSON line per connection, then the verdict; exits 0 when everything held.

    stream_reader.py --port 9801 --key <key> --since <epoch ms> --count 100000 --break-after 50000
"""
import argparse
import json
import sys
import time

import websocket

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--since", type=int, required=True)
parser.add_argument("--count", type=int, required=True)
parser.add_argument("--break-after", type=int, required=True)
parser.add_argument("--timeout", type=float, default=30.0, help="seconds without a message before giving up")
args = parser.parse_args()

url = "ws://127.0.0.1:%d/stream" % args.port
started = time.monotonic()
state = {
    "reports": 0,
    "last_id": None,
    "next_seq": {},
    "repeated": 0,
    "out_of_order": 0,
    "gaps": 0,
    "bad_shape": 0,
}


def say(**line):
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def check(report):
    """One report: its id after the last one's, its seq the next of its device's."""
    as_stored = isinstance(report.get("_id"), str) and "time" in report and "identity" in report
    if not as_stored or "auth" in report:
        state["bad_shape"] += 1
    last = state["last_id"]
    if last is not None and report["_id"] <= last:
        state["out_of_order"] += 1
    state["last_id"] = report["_id"]
    device = report["device"]
    expected = state["next_seq"].get(device, 1)
    seq = report["seq"]
    if seq < expected:
        state["repeated"] += 1
    elif seq > expected:
        state["gaps"] += 1
    state["next_seq"][device] = max(expected, seq + 1)
    state["reports"] += 1


def read(ws, until):
    """Reads until `until` reports in all, or the console goes quiet or closes."""
    while state["reports"] < until:
        opcode, data = ws.recv_data()
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            code = int.from_bytes(data[:2], "big") if len(data) >= 2 else None
            say(event="closed by the console", code=code, reason=data[2:].decode("utf-8", "replace"))
            return False
        check(json.loads(data))
    return True


# skip_utf8_validation: json.loads decodes (and so checks) every message anyway; websocket-client's
# own check is pure Python without wsaccel, and would cost more than the rest of the reading.
first = websocket.create_connection(
    "%s?since=%d" % (url, args.since),
    header=["Authorization: Bearer %s" % args.key],
    timeout=args.timeout,
    skip_utf8_validation=True,
)
say(event="connected")
ok = read(first, args.break_after)
first.close()
first_count = state["reports"]
say(event="disconnected", reports=first_count, last=state["last_id"])

if ok:
    second = websocket.create_connection(
        "%s?after=%s" % (url, state["last_id"]), timeout=args.timeout, skip_utf8_validation=True
    )
    second.send(json.dumps({"key": args.key}))
    say(event="reconnected", after=state["last_id"])
    ok = read(second, args.count)
    second.close()

faults = state["repeated"] + state["out_of_order"] + state["gaps"] + state["bad_shape"]
say(
    event="done",
    reports=state["reports"],
    first=first_count,
    second=state["reports"] - first_count,
    last=state["last_id"],
    devices={device: seq - 1 for device, seq in state["next_seq"].items()},
    repeated=state["repeated"],
    outOfOrder=state["out_of_order"],
    gaps=state["gaps"],
    badShape=state["bad_shape"],
    seconds=round(time.monotonic() - started, 2),
)
sys.exit(0 if ok and faults == 0 and state["reports"] == args.count else 1)
