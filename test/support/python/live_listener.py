"""A /live viewer written with Debian's python3-socketio, for the interop test.

Connects to /live with the key given, prints one JSON line per event it gets, and exits when its
stdin closes (0) or after the seconds given as its third argument (1). A refused handshake is
printed as the connect_error's data, and the script exits 2.

    live_listener.py http://127.0.0.1:9801 <key> <seconds>
"""
import json
import sys
import threading

import socketio

url, key, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
EVENTS = ['hello', 'devices', 'clients', 'reports', 'metrics', 'missed']
stdin_closed = threading.Event()
settled = threading.Event()  # the namespace answered: connected or refused
refused = threading.Event()
say_lock = threading.Lock()  # handlers run on several threads: one whole line at a time
sio = socketio.Client()


finished = False  # the verdict line is the last: an event still in a handler thread is not printed


def say(final=False, **line):
    global finished
    with say_lock:
        if finished:
            return
        finished = final
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


def listen(event):
    # python-socketio hands every packet to its own thread, so lines may come out in another order
    # than the events arrived in; the spec asserts no order within one burst for that reason.
    @sio.on(event, namespace='/live')
    def handler(payload):
        say(event=event, data=payload)


for name in EVENTS:
    listen(name)


@sio.on('connect', namespace='/live')
def on_connect():
    say(event='connected')
    settled.set()


@sio.on('connect_error', namespace='/live')
def on_connect_error(data):
    # Socket.IO v4 refuses with { message, data }: data carries the console's `code`.
    say(event='connect_error', data=data)
    refused.set()
    settled.set()


def watch_stdin():
    sys.stdin.read()
    stdin_closed.set()


threading.Thread(target=watch_stdin, daemon=True).start()
# wait=False, then our own wait: connect()'s own wait would sit out its whole timeout after a
# refusal before it raises.
sio.connect(url, auth={'key': key}, namespaces=['/live'], wait=False)
if not settled.wait(timeout=seconds) or refused.is_set():
    sio.disconnect()
    say(final=True, event='refused' if refused.is_set() else 'timeout')
    sys.exit(2 if refused.is_set() else 1)
closed = stdin_closed.wait(timeout=seconds)
sio.disconnect()
say(final=True, event='done' if closed else 'timeout')
sys.exit(0 if closed else 1)
