"""Drives clients/python/lookout_reporter.py for the tests: sends --count reports, flushes, and
prints one JSON line with its stats and the error codes it was told about."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "clients", "python"))
from lookout_reporter import Reporter  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--count", type=int, default=100)
parser.add_argument("--device", default="py-rtu")
parser.add_argument("--token")
parser.add_argument("--max-buffer", type=int, default=10000)
parser.add_argument("--pace", type=float, default=0.0, help="seconds to sleep after every 100 reports")
parser.add_argument("--flush-timeout", type=float, default=60.0)
parser.add_argument("--buffer-path")
parser.add_argument("--no-flush", action="store_true")
args = parser.parse_args()

errors = []
reporter = Reporter("127.0.0.1", args.port, args.device, token=args.token, buffer_path=args.buffer_path,
                    max_buffer=args.max_buffer, backoff_initial=0.05, backoff_max=0.3,
                    on_error=lambda e: errors.append(e.code))
seqs = []
for i in range(args.count):
    seqs.append(reporter.report({"i": i, "temperature": 20.0 + i % 7}))
    if args.pace and i % 100 == 99:
        time.sleep(args.pace)
    if i % 500 == 499:
        print(json.dumps({"event": "progress", "queued": i + 1, "acked": reporter.stats["acked"]}), flush=True)
print(json.dumps({"event": "queued", "first": seqs[0] if seqs else None}), flush=True)
flushed = None if args.no_flush else reporter.flush(timeout=args.flush_timeout)
stats = reporter.stats
reporter.close()
print(json.dumps({"event": "done", "flushed": flushed, "stats": stats, "errors": errors, "seqs": seqs}), flush=True)
