"""An Android-era push client written with Debian's python3-socketio, for the interop test.

It speaks the protocol of the Flask-SocketIO monitor Lookout replaces, as its phone app did:
registers on /push with `{'data': uid}` (no acknowledgement callback), takes its token from the
`_register` event's `data`, listens for its own messages on the event named by that token and for
broadcasts on `message`, and answers each with the receipt `reporter` carrying a bare status and
no message id: `ack` for an alarm that was raised, `delivered` for anything else. Messages on
`message` that are not broadcasts (Lookout's copy of what the token event brought) it only
records. Prints one JSON line per thing that happens; exits once it has answered as many
messages as its third argument says.
"""
import json
import sys
import threading

import socketio

url, uid, expected = sys.argv[1], sys.argv[2], int(sys.argv[3])
done = threading.Event()
say_lock = threading.Lock()  # handlers run on several threads: one whole line at a time
answered = []
sio = socketio.Client()


def say(**event):
    with say_lock:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()


def answer(message):
    data = message.get('data')
    raised = isinstance(data, dict) and data.get('type') == 'alarm' and data.get('event') == 'raised'
    status = 'ack' if raised else 'delivered'
    sio.emit('reporter', status, namespace='/push')  # a bare status, no id, no callback
    say(event='reporter', status=status, data=data)
    with say_lock:
        answered.append(status)
        if len(answered) >= expected:
            done.set()


def on_own_message(message):
    say(event='token', message=message)
    answer(message)


@sio.on('_register', namespace='/push')
def on_register(payload):
    token = payload['data']
    sio.on(token, on_own_message, namespace='/push')
    say(event='_register', token=token)


@sio.on('message', namespace='/push')
def on_message(message):
    say(event='message', message=message)
    if message.get('broadcast'):
        answer(message)


sio.connect(url, namespaces=['/push'])
sio.emit('register', {'data': uid}, namespace='/push')
ok = done.wait(timeout=30)
sio.sleep(0.5)  # the last receipt on its way
sio.disconnect()
say(event='done' if ok else 'timeout')
sys.exit(0 if ok else 1)
