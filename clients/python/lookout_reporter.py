"""Send a device's reports to a Lookout console (ingest protocol v1), at least once.

Standard library only, Python 3.8+, thread-safe. The same semantics as the Node reporter
(``lookout/reporter``):

* every report gets a ``seq`` -- the first from the clock in microseconds, then counting up --
  and is kept until the console acknowledges it; after a reconnect the unacknowledged ones are
  sent again and the console drops the duplicates;
* reconnects with capped exponential backoff and full jitter;
* keeps at most ``max_buffer`` reports and drops the oldest beyond that (counted, and reported to
  ``on_error``): memory never grows without bound; optionally mirrored to ``buffer_path`` so the
  reports survive a restart of the device process;
* a report the console rejects (``bad_json``, ``invalid_field``, ``unauthorized``...) is not
  retried; ``unavailable`` (the console could not store it) is retried after a reconnect.

Usage::

    from lookout_reporter import Reporter
    reporter = Reporter("192.168.1.10", 9800, "pi-7")
    reporter.report({"temperature": 48.2})
    reporter.flush(timeout=10)
    reporter.close()
"""

import json
import os
import random
import socket
import threading
import time
from collections import OrderedDict

__all__ = ["Reporter", "ReporterError"]


class ReporterError(Exception):
    """An error reply of the console (``code``, ``message``, ``seq``), or ``buffer_full``."""

    def __init__(self, code, message, seq=None):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.seq = seq


class Reporter:
    def __init__(self, host, port, device, token=None, buffer_path=None, max_buffer=10000,
                 max_in_flight=500, backoff_initial=0.25, backoff_max=30.0, on_error=None,
                 on_connect=None):
        self.host = host
        self.port = port
        self.device = device
        self.token = token
        self.buffer_path = buffer_path
        self.max_buffer = max_buffer
        self.max_in_flight = max_in_flight
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.on_error = on_error
        self.on_connect = on_connect

        self._cond = threading.Condition()
        self._queue = OrderedDict()  # seq -> line (bytes), oldest first
        self._in_flight = set()
        self._stats = {"sent": 0, "acked": 0, "rejected": 0, "dropped": 0}
        self._next_seq = time.time_ns() // 1000
        self._closed = False
        self._sock = None
        self._connection = 0  # bumps on every connection, so a stale reader can tell
        self._spill = None
        self._last_compaction = time.monotonic()
        self._restore()
        self._thread = threading.Thread(target=self._run, name="lookout-reporter", daemon=True)
        self._thread.start()

    # -- the caller's side -------------------------------------------------------------------

    def report(self, data):
        """Queues a report (a dict of payload fields); returns its seq. Never blocks on the network."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the reporter is closed")
            seq = self._next_seq
            self._next_seq += 1
            fields = dict(data)
            fields["device"] = self.device
            fields["seq"] = seq
            fields.setdefault("ts", int(time.time() * 1000))
            if self.token is not None:
                fields["auth"] = self.token
            line = (json.dumps(fields, separators=(",", ":")) + "\n").encode("utf-8")
            self._queue[seq] = line
            if self._spill is not None:
                self._spill.write(line)
                self._spill.flush()
            dropped = []
            while len(self._queue) > self.max_buffer:
                oldest, _ = self._queue.popitem(last=False)
                self._in_flight.discard(oldest)
                self._stats["dropped"] += 1
                dropped.append(oldest)
            self._cond.notify_all()
        for oldest in dropped:
            self._error(ReporterError("buffer_full", "buffer of %d reports full: dropped the oldest" % self.max_buffer, oldest))
        return seq

    def flush(self, timeout=None):
        """Waits until every report queued so far is acknowledged or rejected. True if it is."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._queue:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
            return True

    @property
    def stats(self):
        with self._cond:
            return dict(self._stats, queued=len(self._queue))

    def close(self):
        """Stops sending; unacknowledged reports stay in the buffer file, if there is one."""
        with self._cond:
            self._closed = True
            sock = self._sock
            self._cond.notify_all()
        if sock is not None:
            _close_quietly(sock)
        self._thread.join(timeout=5)
        with self._cond:
            self._compact()
            if self._spill is not None:
                self._spill.close()
                self._spill = None

    # -- the background thread ---------------------------------------------------------------

    def _run(self):
        attempt = 0
        while True:
            with self._cond:
                if self._closed:
                    return
            try:
                sock = socket.create_connection((self.host, self.port), timeout=10)
            except OSError:
                attempt += 1
                ceiling = min(self.backoff_max, self.backoff_initial * (2 ** min(attempt, 30)))
                self._sleep(random.uniform(0, ceiling))
                continue
            attempt = 0
            sock.settimeout(None)
            with self._cond:
                self._sock = sock
                self._connection += 1
                connection = self._connection
            if self.on_connect is not None:
                self.on_connect()
            reader = threading.Thread(target=self._read, args=(sock, connection), daemon=True)
            reader.start()
            self._send(sock, connection)
            _close_quietly(sock)
            reader.join(timeout=5)
            with self._cond:
                self._sock = None
                self._in_flight.clear()  # their acks will not come: sent again next time

    def _send(self, sock, connection):
        """Sends queued reports oldest first, within the in-flight window, until the connection ends."""
        while True:
            with self._cond:
                while True:
                    if self._closed or connection != self._connection or self._sock is not sock:
                        return
                    batch = []
                    if len(self._in_flight) < self.max_in_flight:
                        for seq, line in self._queue.items():
                            if seq in self._in_flight:
                                continue
                            batch.append(line)
                            self._in_flight.add(seq)
                            if len(self._in_flight) >= self.max_in_flight:
                                break
                    if batch:
                        self._stats["sent"] += len(batch)
                        break
                    self._cond.wait(1.0)
                    if time.monotonic() - self._last_compaction > 1.0:
                        self._compact()
            try:
                sock.sendall(b"".join(batch))  # blocks while the socket is full: backpressure
            except OSError:
                return

    def _read(self, sock, connection):
        stream = sock.makefile("rb")
        try:
            for raw in stream:
                try:
                    reply = json.loads(raw)
                except ValueError:
                    continue
                self._on_reply(reply)
        except OSError:
            pass
        finally:
            with self._cond:
                if self._connection == connection:
                    self._sock = None  # tells the sender this connection is over
                self._cond.notify_all()

    def _on_reply(self, reply):
        error = None
        with self._cond:
            if "ack" in reply:
                seq = reply["ack"]
                if self._queue.pop(seq, None) is not None:
                    self._stats["acked"] += 1
                self._in_flight.discard(seq)
            else:
                seq = reply.get("seq")
                code = reply.get("error", "unknown")
                if code == "unavailable":
                    self._in_flight.discard(seq)  # kept: sent again after the reconnect
                    if self._sock is not None:
                        _close_quietly(self._sock)
                elif seq is not None:
                    self._queue.pop(seq, None)
                    self._in_flight.discard(seq)
                    self._stats["rejected"] += 1
                else:
                    self._stats["rejected"] += 1
                error = ReporterError(code, reply.get("message", ""), seq)
            if self.buffer_path is not None and time.monotonic() - self._last_compaction > 1.0:
                self._compact()
            self._cond.notify_all()
        if error is not None:
            self._error(error)

    # -- helpers -----------------------------------------------------------------------------

    def _error(self, error):
        if self.on_error is not None:
            try:
                self.on_error(error)
            except Exception:  # a careless callback must not stop the reporter
                pass

    def _sleep(self, seconds):
        with self._cond:
            if not self._closed:
                self._cond.wait(seconds)

    def _restore(self):
        if self.buffer_path is None:
            return
        try:
            with open(self.buffer_path, "rb") as f:
                for raw in f:
                    try:
                        seq = json.loads(raw).get("seq")
                    except ValueError:
                        continue  # a line cut short by a crash
                    if isinstance(seq, int):
                        self._queue[seq] = raw if raw.endswith(b"\n") else raw + b"\n"
                        self._next_seq = max(self._next_seq, seq + 1)
        except FileNotFoundError:
            pass
        self._compact()

    def _compact(self):
        """Rewrites the buffer file with just the unacknowledged reports. Call with the lock held."""
        self._last_compaction = time.monotonic()
        if self.buffer_path is None:
            return
        if self._spill is not None:
            self._spill.close()
        tmp = self.buffer_path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(b"".join(self._queue.values()))
        os.replace(tmp, self.buffer_path)
        self._spill = None if self._closed else open(self.buffer_path, "ab")


def _close_quietly(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
