"""A push client written with Debian's python3-socketio, for the interop test.

Registers on /push, prints one JSON line per thing that happens, answers every message with a
receipt, and exits once it has received the number of messages given as its second argument.
"""
import json
import sys
import threading

import socketio

url, expected, uid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
done = threading.Event()
say_lock = threading.Lock()  # handlers run on several threads: one whole line at a time
received = []
answered = []
sio = socketio.Client()


def say(**event):
    with say_lock:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()


@sio.on('_register', namespace='/push')
def on_register(payload):
    say(event='_register', token=payload['token'])


@sio.on('message', namespace='/push')
def on_message(message):
    received.append(message)
    say(event='message', message=message)

    def receipt_answered(answer):
        say(event='receipt', id=message['id'], answer=answer)
        answered.append(message['id'])
        if len(answered) >= expected:
            done.set()

    sio.emit('report', {'id': message['id'], 'status': 'read'}, namespace='/push', callback=receipt_answered)
    return True  # acknowledges the message: the console marks it delivered


sio.connect(url, namespaces=['/push'])
answer = sio.call('register', {'uid': uid, 'name': 'python client'}, namespace='/push', timeout=10)
say(event='registered', answer=answer)
ok = done.wait(timeout=20)
sio.disconnect()
say(event='done' if ok else 'timeout')
sys.exit(0 if ok else 1)
