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
import select
import socket
import threading
import time
from collections import OrderedDict

__all__ = ["Reporter", "ReporterError"]

MAX_LINE_BYTES = 64 * 1024  # the console's default line limit


class ReporterError(Exception):
    """An error reply of the console (``code``, ``message``, ``seq``), or ``buffer_full``."""

    def __init__(self, code, message, seq=None):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message
        self.seq = seq


class Reporter:
    def __init__(self, host, port, device, token=None, buffer_path=None, max_buffer=10000,
                 max_in_flight=500, backoff_initial=0.25, backoff_max=30.0, ack_timeout=30.0,
                 on_error=None, on_connect=None, on_disconnect=None):
        self.host = host
        self.port = port
        self.device = device
        self.token = token
        self.buffer_path = buffer_path
        self.max_buffer = max_buffer
        self.max_in_flight = max_in_flight
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.ack_timeout = ack_timeout
        self.on_error = on_error
        self.on_connect = on_connect
        self.on_disconnect = on_disconnect

        self._cond = threading.Condition()
        self._queue = OrderedDict()  # seq -> line (bytes), oldest first
        self._in_flight = set()
        self._stats = {"sent": 0, "acked": 0, "rejected": 0, "dropped": 0}
        self._next_seq = time.time_ns() // 1000
        self._closed = False
        self._sock = None
        self._connection = 0  # bumps on every connection, so a stale reader can tell
        self._spill = None
        self._spill_lines = 0
        self._attempt = 0
        self._last_compaction = time.monotonic()
        self._last_reply = time.monotonic()
        self._restore()
        self._thread = threading.Thread(target=self._run, name="lookout-reporter", daemon=True)
        self._thread.start()

    # -- the caller's side -------------------------------------------------------------------

    def report(self, data):
        """Queues a report (a dict of payload fields); returns its seq. Never blocks on the network.

        Raises ValueError for a report the console could never take (not JSON -- NaN included --
        or over the line limit), so it is never queued and retried in vain.
        """
        with self._cond:
            if self._closed:
                raise RuntimeError("the reporter is closed")
            seq = self._next_seq
            fields = dict(data)
            fields["device"] = self.device
            fields["seq"] = seq
            fields.setdefault("ts", int(time.time() * 1000))
            if self.token is not None:
                fields["auth"] = self.token
            try:
                line = (json.dumps(fields, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")
            except TypeError as error:
                raise ValueError("a report must be JSON: %s" % error)
            if len(line) - 1 > MAX_LINE_BYTES:
                raise ValueError("a report must serialise to at most %d bytes" % MAX_LINE_BYTES)
            self._next_seq += 1
            self._queue[seq] = line
            self._spill_write(line)
            dropped = []
            while len(self._queue) > self.max_buffer:
                oldest, _ = self._queue.popitem(last=False)
                self._in_flight.discard(oldest)
                self._stats["dropped"] += 1
                dropped.append(oldest)
            if self._spill is not None and self._spill_lines > 2 * self.max_buffer + 100:
                self._compact()
            self._cond.notify_all()
        for oldest in dropped:
            self._error(ReporterError("buffer_full", "buffer of %d reports full: dropped the oldest" % self.max_buffer, oldest))
        return seq

    def flush(self, timeout=None):
        """Waits until every report queued before this call is acknowledged, rejected or dropped
        (later ones need not be). True if they are, False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            up_to = self._next_seq
            while self._queue and next(iter(self._queue)) < up_to:
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
        while True:
            with self._cond:
                if self._closed:
                    return
            try:
                sock = socket.create_connection((self.host, self.port), timeout=10)
            except OSError:
                self._backoff()
                continue
            sock.settimeout(None)
            # A console host that lost power sends no reset: keepalive and the ack timeout notice.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            with self._cond:
                self._sock = sock
                self._connection += 1
                connection = self._connection
                self._last_reply = time.monotonic()
            self._call(self.on_connect)
            reader = threading.Thread(target=self._read, args=(sock, connection), daemon=True)
            reader.start()
            self._send(sock, connection)
            _close_quietly(sock)
            reader.join(timeout=5)
            with self._cond:
                self._sock = None
                self._in_flight.clear()  # their acks will not come: sent again next time
            self._call(self.on_disconnect)
            self._backoff()  # reset only by an ack: a console that stores nothing is not hammered

    def _backoff(self):
        with self._cond:
            self._attempt += 1
            ceiling = min(self.backoff_max, self.backoff_initial * (2 ** min(self._attempt - 1, 30)))
        self._sleep(random.uniform(0, ceiling))

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
                    if self._in_flight and time.monotonic() - self._last_reply > self.ack_timeout:
                        return  # the connection is taken for dead: reconnect, send again
            try:
                sock.sendall(b"".join(batch))  # blocks while the socket is full: backpressure
            except OSError:
                return

    def _read(self, sock, connection):
        buffered = b""
        try:
            while True:
                with self._cond:
                    if self._closed or self._connection != connection:
                        return
                ready, _, _ = select.select([sock], [], [], 1.0)
                if not ready:
                    continue
                chunk = sock.recv(65536)
                if not chunk:
                    return
                buffered += chunk
                *lines, buffered = buffered.split(b"\n")
                for raw in lines:
                    try:
                        reply = json.loads(raw)
                    except ValueError:
                        continue
                    self._on_reply(reply)
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                if self._connection == connection:
                    self._sock = None  # tells the sender this connection is over
                self._cond.notify_all()

    def _on_reply(self, reply):
        error = None
        with self._cond:
            self._last_reply = time.monotonic()
            if "ack" in reply:
                seq = reply["ack"]
                if self._queue.pop(seq, None) is not None:
                    self._stats["acked"] += 1
                self._in_flight.discard(seq)
                self._attempt = 0
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
        self._call(self.on_error, error)

    @staticmethod
    def _call(callback, *args):
        if callback is not None:
            try:
                callback(*args)
            except Exception:  # a careless callback must not stop the reporter
                pass

    def _spill_write(self, line):
        if self._spill is None:
            return
        try:
            self._spill.write(line)
            self._spill.flush()
            self._spill_lines += 1
        except OSError as error:
            self._error(ReporterError("buffer_file", "buffer file: %s" % error))

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
        except OSError as error:
            self._error(ReporterError("buffer_file", "buffer file: %s" % error))
        while len(self._queue) > self.max_buffer:
            self._queue.popitem(last=False)
            self._stats["dropped"] += 1
        self._compact()

    def _compact(self):
        """Rewrites the buffer file with just the unacknowledged reports. Call with the lock held."""
        self._last_compaction = time.monotonic()
        if self.buffer_path is None:
            return
        try:
            if self._spill is not None:
                self._spill.close()
                self._spill = None
            tmp = self.buffer_path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(b"".join(self._queue.values()))
            os.replace(tmp, self.buffer_path)
            self._spill_lines = len(self._queue)
            if not self._closed:
                self._spill = open(self.buffer_path, "ab")
        except OSError as error:
            self._error(ReporterError("buffer_file", "buffer file: %s" % error))


def _close_quietly(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass
