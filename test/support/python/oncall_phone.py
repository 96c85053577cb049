"""An on-call phone written with Debian's python3-socketio, for the alarms end-to-end test.

Registers on /push as the uid given, prints one JSON line per thing that happens, and answers
the first alarm message ("raised") with the receipt `ack` and a comment: the phone's way of
acknowledging. Exits once it has seen as many alarm messages as its second argument says.
"""
import json
import sys
import threading

import socketio

url, expected, uid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
done = threading.Event()
say_lock = threading.Lock()  # handlers run on several threads: one whole line at a time
seen = []
sio = socketio.Client()


def say(**event):
    with say_lock:
        sys.stdout.write(json.dumps(event) + "\n")
        sys.stdout.flush()


@sio.on('message', namespace='/push')
def on_message(message):
    data = message.get('data')
    if not isinstance(data, dict) or data.get('type') != 'alarm':
        return True
    with say_lock:
        seen.append(message['id'])
        first = len(seen) == 1
    say(event='alarm', message=message)
    if first and data.get('event') == 'raised':

        def acked(answer):
            say(event='ack-answered', id=message['id'], answer=answer)

        sio.emit(
            'report',
            {'id': message['id'], 'status': 'ack', 'comment': 'on my way'},
            namespace='/push',
            callback=acked,
        )
    if len(seen) >= expected:
        done.set()
    return True  # acknowledges the message: the console marks it delivered


sio.connect(url, namespaces=['/push'])
answer = sio.call('register', {'uid': uid, 'name': 'on-call phone'}, namespace='/push', timeout=10)
say(event='registered', answer=answer)
ok = done.wait(timeout=30)
sio.sleep(0.5)  # the last receipt's answer
sio.disconnect()
say(event='done' if ok else 'timeout')
sys.exit(0 if ok else 1)
