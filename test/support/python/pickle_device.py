"""A legacy device that reports to Lookout's pickle port as the seed design's did:
socket.send(pickle.dumps(report)), no framing, no reply read. Debian's python3, stdlib only.

Usage: pickle_device.py <port> reports <token or ->   sends protocols 2, 3, 4 and 5, one report
                                                      per send, then 20 coalesced in one send
       pickle_device.py <port> evil <marker-path>     sends a pickle whose __reduce__ would run
                                                      os.system('touch <marker-path>'), then a
                                                      report

Prints one JSON line per event on stdout ({"event": "sent", ...}, {"event": "closed"}) and
exits 0; 3 when the console did not close an evil connection within 10 s.
"""

import datetime
import json
import os
import pickle
import socket
import sys

port, mode, arg = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def say(**event):
    print(json.dumps(event), flush=True)


def report(protocol, n):
    value = {
        "device": "py-%d" % protocol,
        "seq": n,
        "proto": protocol,
        "temp": 21.5,
        "count": 7,
        "big": 2**70,
        "neg": -(2**64),
        "ok": True,
        "off": False,
        "none": None,
        "name": "Kühlraum ❄ 北",
        "raw": b"\x00\x01\xfe",
        "nested": {"list": [1, 2.25, "x", [None]], "tuple": (1, "a")},
        "at": datetime.datetime(2026, 12, 2, 14, 3, 4, 500000),
    }
    if arg != "-":
        value["auth"] = arg
    return pickle.dumps(value, protocol=protocol)


s = socket.create_connection(("127.0.0.1", port))
if mode == "reports":
    for protocol in (2, 3, 4, 5):
        s.sendall(report(protocol, 0))
        say(event="sent", protocol=protocol)
    s.sendall(b"".join(report(4, n) for n in range(1, 21)))
    say(event="sent", coalesced=20)
    s.close()
    sys.exit(0)


class Evil:
    def __reduce__(self):
        return (os.system, ("touch " + arg,))


s.sendall(pickle.dumps({"device": "evil", "payload": Evil()}, protocol=4))
say(event="sent", evil=True)
s.sendall(pickle.dumps({"device": "after-evil"}, protocol=4))
s.settimeout(10)
try:
    while s.recv(1024):
        pass
    say(event="closed")
except (ConnectionResetError, BrokenPipeError):
    say(event="closed")
except socket.timeout:
    say(event="timeout")
    sys.exit(3)
