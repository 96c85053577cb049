"""A device that reports to Lookout's MQTT broker, written with Debian's python3-paho-mqtt.

Usage: mqtt_device.py <port> <username> <password or -> <device-id>

Connects (MQTT 3.1.1), subscribes to its error topic, publishes at QoS 1 a JSON report, a
field report and a line of bad JSON, and prints one JSON line per event on stdout: the CONNACK's
return code, each PUBACK as it arrives (by the order it was sent) and each message on its error
topic. A refused CONNECT: its return code, and exit 0. Exits 0 once every publish is acknowledged and the error reply is in, 3 on a timeout.
"""

import json
import sys
import threading

import paho.mqtt.client as mqtt

port, username, password, device = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
TIMEOUT = 10


def say(**event):
    print(json.dumps(event), flush=True)


connected = threading.Event()
subscribed = threading.Event()
error_seen = threading.Event()
acked = {}
all_acked = threading.Event()


refused = []


def on_connect(client, userdata, flags, rc):
    say(event="connack", rc=rc)
    if rc != 0:
        refused.append(rc)
    connected.set()


def on_subscribe(client, userdata, mid, granted):
    say(event="suback", granted=list(granted))
    subscribed.set()


def on_publish(client, userdata, mid):
    acked[mid] = True
    say(event="puback", mid=mid)
    if len(acked) == 3:
        all_acked.set()


def on_message(client, userdata, message):
    say(event="message", topic=message.topic, payload=message.payload.decode())
    error_seen.set()


client = mqtt.Client(client_id="py-" + device, clean_session=True, protocol=mqtt.MQTTv311)
if password != "-":
    client.username_pw_set(username, password)
client.on_connect = on_connect
client.on_subscribe = on_subscribe
client.on_publish = on_publish
client.on_message = on_message
client.connect("127.0.0.1", port, keepalive=30)
client.loop_start()
try:
    if not connected.wait(TIMEOUT):
        sys.exit(3)
    if refused:
        sys.exit(0)
    topic = "lookout/" + device
    client.subscribe(topic + "/error", qos=1)
    if not subscribed.wait(TIMEOUT):
        sys.exit(3)
    for where, payload in [
        (topic, json.dumps({"temp": 21.5, "seq": 1})),
        (topic + "/rpm", "1200"),
        (topic, "{not json"),
    ]:
        client.publish(where, payload, qos=1)
    if not all_acked.wait(TIMEOUT) or not error_seen.wait(TIMEOUT):
        sys.exit(3)
finally:
    client.disconnect()
    client.loop_stop()
