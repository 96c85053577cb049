#!/usr/bin/env python3
"""Reports this machine's CPU, memory and temperature to a Lookout console every few seconds,
with the standard library only (Linux /proc and /sys), for Raspberry Pi class devices.

    LOOKOUT_HOST=192.168.1.10 python3 examples/python_host_reporter.py

Settings: LOOKOUT_HOST (127.0.0.1), LOOKOUT_PORT (9800), DEVICE (this host's name),
LOOKOUT_TOKEN, INTERVAL seconds (5), COUNT reports then exit (0: run until Ctrl+C).
"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
from lookout_reporter import Reporter  # noqa: E402


def cpu_times():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return idle, sum(fields)


def memory():
    info = {}
    with open("/proc/meminfo") as f:
        for line in f:
            name, value = line.split(":", 1)
            info[name] = int(value.split()[0]) * 1024
    return info["MemTotal"] - info.get("MemAvailable", info["MemFree"]), info["MemTotal"]


def temperature():
    try:
        with open("/sys/class/thermal/thermal_zone0/temp") as f:
            return int(f.read().strip()) / 1000
    except (OSError, ValueError):
        return None  # no sensor exposed (many VMs)


def main():
    env = os.environ
    reporter = Reporter(env.get("LOOKOUT_HOST", "127.0.0.1"), int(env.get("LOOKOUT_PORT", "9800")),
                        env.get("DEVICE", socket.gethostname()), token=env.get("LOOKOUT_TOKEN"),
                        on_error=lambda e: print("lookout: %s: %s" % (e.code, e.message), file=sys.stderr))
    count = int(env.get("COUNT", "0"))
    interval = float(env.get("INTERVAL", "5"))
    idle0, total0 = cpu_times()
    sent = 0
    try:
        while True:
            time.sleep(min(interval, 0.2) if sent == 0 else interval)
            idle1, total1 = cpu_times()
            busy = 1 - (idle1 - idle0) / max(1, total1 - total0)
            idle0, total0 = idle1, total1
            used, total = memory()
            reporter.report({"cpu": round(busy * 100, 1), "memUsed": used, "memTotal": total, "temperature": temperature()})
            sent += 1
            if count and sent >= count:
                break
    except KeyboardInterrupt:
        pass
    reporter.flush(timeout=10)
    reporter.close()


if __name__ == "__main__":
    main()
