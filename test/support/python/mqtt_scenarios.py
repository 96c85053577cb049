"""MQTT 3.1.1 scenarios a plant's own tools rely on, run against any broker with Debian's
python3-paho-mqtt, to hold two brokers' answers side by side.

Usage: mqtt_scenarios.py <port> <scenario>
Scenarios: retained, will, qos2, downgrade, wildcards, session, keepalive, identifier.

Prints, once the scenario is over, one JSON line per client: what it was granted, told at
CONNACK and sent, in the order it came. Only what the protocol makes deterministic is printed
(one client's messages in order; never an interleaving of two clients), so two conformant
brokers print the same lines; the one timing that varies (keepalive) is its own line. Exits 0
when done, 3 when something awaited did not come within TIMEOUT seconds.

"Nothing more came" is never a sleep: a client waits for a marker that must come after all the
rest (the same publisher, topic and QoS [MQTT-4.6.0-5], or its own publish when only one
publisher is involved), or for the count it must get, and what arrived by then is all there was.
"""

import json
import socket
import struct
import sys
import threading
import time

import paho.mqtt.client as mqtt

PORT, SCENARIO = int(sys.argv[1]), sys.argv[2]
TIMEOUT = 10


def say(**line):
    print(json.dumps(line), flush=True)


class Timeout(Exception):
    pass


class Peer:
    """One paho client on its own network thread, keeping what it is told."""

    def __init__(self, who, client_id=None, clean_session=True, will=None, keepalive=30):
        self.who = who
        self.client = mqtt.Client(
            client_id=client_id or "scenario-" + who,
            clean_session=clean_session,
            protocol=mqtt.MQTTv311,
        )
        if will is not None:
            self.client.will_set(*will)
        self.keepalive = keepalive
        self.changed = threading.Condition()
        self.connacks = []
        self.subacks = []
        self.messages = []
        self.acked = set()
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message
        self.client.on_publish = self._on_publish

    def _record(self, what, value):
        with self.changed:
            what.append(value)
            self.changed.notify_all()

    def _on_connect(self, client, userdata, flags, rc):
        self._record(self.connacks, {"rc": rc, "session_present": flags["session present"]})

    def _on_subscribe(self, client, userdata, mid, granted):
        self._record(self.subacks, list(granted))

    def _on_message(self, client, userdata, m):
        self._record(
            self.messages,
            {"topic": m.topic, "payload": m.payload.decode(), "qos": m.qos, "retain": int(m.retain)},
        )

    def _on_publish(self, client, userdata, mid):
        with self.changed:
            self.acked.add(mid)
            self.changed.notify_all()

    def until(self, check, what):
        with self.changed:
            if not self.changed.wait_for(check, TIMEOUT):
                raise Timeout(f"{self.who}: {what}")

    def connect(self):
        before = len(self.connacks)
        self.client.connect("127.0.0.1", PORT, keepalive=self.keepalive)
        self.client.loop_start()
        self.until(lambda: len(self.connacks) > before, "no CONNACK")
        return self

    def subscribe(self, *filters):
        """Subscribes to each (filter, qos) in one SUBSCRIBE and waits for its SUBACK."""
        before = len(self.subacks)
        self.client.subscribe(list(filters))
        self.until(lambda: len(self.subacks) > before, "no SUBACK")
        return self

    def publish(self, topic, payload, qos=1, retain=False):
        """Publishes and, at QoS 1 or 2, waits for the flow to complete (PUBACK or PUBCOMP)."""
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        if qos > 0:
            self.until(lambda: info.mid in self.acked, f"no acknowledgement of {topic}")

    def publish_all(self, publishes):
        """Publishes many at once (paho keeps them in order) and waits for every one's flow."""
        mids = [self.client.publish(t, p, qos=q).mid for t, p, q in publishes]
        self.until(lambda: all(mid in self.acked for mid in mids), "not every publish acknowledged")

    def until_message(self, topic, payload):
        self.until(
            lambda: any(m["topic"] == topic and m["payload"] == payload for m in self.messages),
            f"no {payload!r} on {topic}",
        )

    def settle(self, topic):
        """Publishes a marker to `topic` (one it subscribes to) and waits for it to come back."""
        marker = "marker-" + self.who
        self.publish(topic, marker)
        self.until_message(topic, marker)

    def disconnect(self):
        self.client.disconnect()
        self.client.loop_stop()

    def report(self, **extra):
        say(
            who=self.who,
            connacks=self.connacks,
            subacks=self.subacks,
            messages=[m for m in self.messages if not m["topic"].startswith("end/")],
            **extra,
        )


def dropped_with_will(client_id, will):
    """Connects with a will, then closes its socket without DISCONNECT, as a crashed device."""
    client = mqtt.Client(client_id=client_id, clean_session=True, protocol=mqtt.MQTTv311)
    client.will_set(*will)
    connacked = []
    client.on_connect = lambda c, u, f, rc: connacked.append(rc)
    client.connect("127.0.0.1", PORT, keepalive=30)
    deadline = time.monotonic() + TIMEOUT
    while not connacked:
        if time.monotonic() > deadline:
            raise Timeout(f"{client_id}: no CONNACK")
        client.loop(timeout=0.1)
    client.socket().close()


def retained():
    publisher = Peer("publisher").connect()
    publisher.publish("plant/a", "on", qos=1, retain=True)
    first = Peer("first").connect().subscribe(("plant/#", 1))
    first.settle("plant/marker")
    # Live, a retained publish reaches a subscriber with retain 0 [MQTT-3.3.1-9], and so does
    # the empty one that clears it.
    publisher.publish("plant/a", "off", qos=1, retain=True)
    publisher.publish("plant/a", "", qos=1, retain=True)
    first.until_message("plant/a", "")
    # Gone before the later one's marker, which it would see too.
    first.disconnect()
    later = Peer("later").connect().subscribe(("plant/#", 1))
    later.settle("plant/marker")
    later.disconnect()
    publisher.disconnect()
    for peer in (publisher, first, later):
        peer.report()


def will():
    watcher = Peer("watcher").connect().subscribe(("plant/will", 1))
    polite = Peer("polite", will=("plant/will", "polite-gone", 1, False)).connect()
    polite.disconnect()
    dropped_with_will("scenario-crashed", ("plant/will", "crashed-gone", 1, False))
    watcher.until_message("plant/will", "crashed-gone")
    # The polite client's will, had it been sent, came before the crashed one's or before this.
    watcher.settle("plant/will")
    watcher.report()
    watcher.disconnect()


def qos2():
    exact = Peer("exact").connect().subscribe(("plant/q2", 2))
    lower = Peer("lower").connect().subscribe(("plant/q2", 1))
    publisher = Peer("publisher").connect()
    # The marker last, on the same topic at the same QoS from the same client: only then must
    # it come after the others [MQTT-4.6.0-5] (a broker's outgoing window may let another topic
    # or QoS overtake them).
    publisher.publish_all([("plant/q2", str(i), 2) for i in range(100)] + [("plant/q2", "end", 2)])
    for peer in (exact, lower):
        peer.until_message("plant/q2", "end")
        peer.report()
        peer.disconnect()
    publisher.report(completed=len(publisher.acked))
    publisher.disconnect()


def downgrade():
    """[MQTT-3.8.4-6]: a message reaches a subscription at the lower of its QoS and the one
    granted, through a wildcard filter too, retained or live."""
    publisher = Peer("publisher").connect()
    publisher.publish("plant/level/retained-2", "r2", qos=2, retain=True)
    publisher.publish("plant/level/retained-1", "r1", qos=1, retain=True)
    subscribers = [
        Peer(who).connect().subscribe((topic_filter, qos))
        for who, topic_filter, qos in [
            ("hash-0", "plant/#", 0),
            ("hash-1", "plant/#", 1),
            ("plus-1", "plant/level/+", 1),
            ("exact-1", "plant/level/live", 1),
        ]
    ]
    publisher.publish("plant/level/live", "l2", qos=2)
    for peer in subscribers:
        peer.until(lambda: len(peer.messages) == (1 if peer.who == "exact-1" else 3), "not all")
    for peer in subscribers:
        # Retained messages come on subscribing, when they come: by topic, not by arrival.
        peer.messages.sort(key=lambda m: m["topic"])
        peer.report()
        peer.disconnect()
    for topic in ("plant/level/retained-2", "plant/level/retained-1"):
        publisher.publish(topic, "", qos=1, retain=True)
    publisher.disconnect()


WILDCARD_FILTERS = {
    "one-level-temp": "plant/+/temp",
    "plant-all": "plant/#",
    "one-level": "plant/+",
    "all": "#",
    "any-status": "+/status",
    "dollar": "$plant/#",
}

WILDCARD_TOPICS = [
    "plant",
    "plant/status",
    "plant/a",
    "plant/a/temp",
    "plant/a/b",
    "plant/b/temp",
    "plant/a/b/temp",
    "plant//temp",
    "plantx/a",
    "$plant/status",
]


def wildcards():
    subscribers = []
    for who, topic_filter in WILDCARD_FILTERS.items():
        peer = Peer(who).connect()
        # Each is told it has everything by a marker of its own; "#" sees its marker anyway.
        filters = [(topic_filter, 1)] + ([] if topic_filter == "#" else [("end/" + who, 1)])
        subscribers.append(peer.subscribe(*filters))
    publisher = Peer("publisher").connect()
    for topic in WILDCARD_TOPICS:
        publisher.publish(topic, "to " + topic)
    for peer in subscribers:
        publisher.publish("end/" + peer.who, "end")
    for peer in subscribers:
        peer.until_message("end/" + peer.who, "end")
        peer.report()
        peer.disconnect()
    publisher.disconnect()


def session():
    def device(who, clean):
        return Peer(who, client_id="scenario-device", clean_session=clean)

    away = device("away", False).connect().subscribe(("plant/queue", 1))
    away.disconnect()
    publisher = Peer("publisher").connect()
    publisher.publish_all([("plant/queue", f"while-away-{i}", 1) for i in range(10)])
    back = device("back", False).connect()
    # Still subscribed from the session. The publisher's next message on the topic, at the same
    # QoS, must come after those it sent before [MQTT-4.6.0-5], queued or not.
    publisher.publish("plant/queue", "after-return")
    back.until(lambda: len(back.messages) == 11, "not the 10 queued and the one after")
    back.disconnect()
    # A clean session ends the stored one; the next persistent connect finds none.
    fresh = device("fresh", True).connect()
    fresh.disconnect()
    again = device("again", False).connect()
    again.disconnect()
    publisher.disconnect()
    for peer in (away, back, fresh, again):
        peer.report()


def mqtt_string(text):
    data = text.encode()
    return struct.pack("!H", len(data)) + data


def raw_connect(flags, keep_alive_s, payload):
    """Says CONNECT (MQTT 3.1.1) by hand on a new socket: the socket, and the CONNACK's bytes
    (fewer than 4 if the broker closed the connection first)."""
    body = mqtt_string("MQTT") + bytes([4, flags]) + struct.pack("!H", keep_alive_s) + payload
    assert len(body) < 128  # one byte of remaining length
    conn = socket.create_connection(("127.0.0.1", PORT), timeout=TIMEOUT)
    conn.sendall(bytes([0x10, len(body)]) + body)
    connack = b""
    while len(connack) < 4:
        chunk = conn.recv(4 - len(connack))
        if not chunk:
            break
        connack += chunk
    return conn, connack


def keepalive():
    """A client that says CONNECT (keepalive 2 s, a will) by hand on a raw socket, then nothing."""
    watcher = Peer("watcher").connect().subscribe(("plant/keepalive", 1))
    keep_alive_s = 2
    # Connect flags: will QoS 1 (0x08), will (0x04), clean session (0x02).
    silent, connack = raw_connect(
        0x0E,
        keep_alive_s,
        mqtt_string("scenario-silent") + mqtt_string("plant/keepalive") + mqtt_string("silent-gone"),
    )
    if len(connack) < 4:
        raise Timeout("silent: closed before CONNACK")
    since = time.monotonic()
    try:
        closed = silent.recv(1) == b""
    except socket.timeout:
        raise Timeout("silent: never disconnected")
    closed_after = time.monotonic() - since
    watcher.until_message("plant/keepalive", "silent-gone")
    will_after = time.monotonic() - since
    silent.close()
    say(who="silent", connack=list(connack), closed_by_broker=closed)
    watcher.report()
    say(timing="keepalive", seconds=keep_alive_s, closed_after=closed_after, will_after=will_after)
    watcher.disconnect()


def unnamed(clean):
    """CONNECT by hand with an empty client id (paho refuses to send one without a clean
    session): the CONNACK's bytes, and whether the broker closed the connection after it."""
    conn, connack = raw_connect(0x02 if clean else 0x00, 30, mqtt_string(""))
    if connack[3:] == b"\x00":
        # Accepted: it says DISCONNECT, so the broker's close is its answer to that.
        conn.sendall(bytes([0xE0, 0]))
    try:
        closed = conn.recv(1) == b""
    except socket.timeout:
        raise Timeout("unnamed: neither closed nor answered")
    conn.close()
    say(who="unnamed-clean" if clean else "unnamed-persistent", connack=list(connack), closed=closed)


def identifier():
    """[MQTT-3.1.3-6, -7, -8]: an empty client id is given one with a clean session, and refused
    (identifier rejected, then closed) without."""
    unnamed(clean=True)
    unnamed(clean=False)


SCENARIOS = {
    "downgrade": downgrade,
    "identifier": identifier,
    "retained": retained,
    "will": will,
    "qos2": qos2,
    "wildcards": wildcards,
    "session": session,
    "keepalive": keepalive,
}

try:
    SCENARIOS[SCENARIO]()
except Timeout as timeout:
    print(f"timed out: {timeout}", file=sys.stderr, flush=True)
    sys.exit(3)
