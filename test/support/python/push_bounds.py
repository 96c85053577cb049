"""An outside witness of /push's bounds: python3-socketio, as a stranger's script would use it.

Usage: push_bounds.py <base URL> <Host header to claim>
Prints one JSON line per step: whether a client claiming that Host gets in, then (by the
console's own address) the answers to six registrations of distinct uids on one connection.
"""
import json
import sys

import socketio

base, claimed_host = sys.argv[1], sys.argv[2]


def say(**line):
    print(json.dumps(line), flush=True)


# Long-polling: its requests carry the Host given here (the WebSocket transport sends its own).
rebound = socketio.Client(reconnection=False)
try:
    rebound.connect(
        base,
        namespaces=["/push"],
        transports=["polling"],
        headers={"Host": claimed_host},
        wait_timeout=5,
    )
    say(step="rebound", connected=True)
    rebound.disconnect()
except socketio.exceptions.ConnectionError as error:
    say(step="rebound", connected=False, error=str(error))

client = socketio.Client(reconnection=False)
client.connect(base, namespaces=["/push"], transports=["websocket"], wait_timeout=5)
for i in range(6):
    answer = client.call("register", {"uid": "py-%d" % i}, namespace="/push", timeout=5)
    say(step="register", uid="py-%d" % i, answer=answer)
client.disconnect()
