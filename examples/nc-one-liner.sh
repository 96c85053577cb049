#!/bin/sh
# One report from a shell, no library: fire-and-forget with nc (netcat), or with bash's /dev/tcp.
#   LOOKOUT_HOST=192.168.1.10 sh examples/nc-one-liner.sh
HOST=${LOOKOUT_HOST:-127.0.0.1}
PORT=${LOOKOUT_PORT:-9800}
DEVICE=${DEVICE:-$(hostname)}
LOAD=$(cut -d ' ' -f1 /proc/loadavg)
printf '{"device":"%s","load1":%s}\n' "$DEVICE" "$LOAD" | nc -q 1 "$HOST" "$PORT"
# The same with a seq, to get an ack back (first seq from the clock in µs):
#   printf '{"device":"%s","seq":%s,"load1":%s}\n' "$DEVICE" "$(date +%s%6N)" "$LOAD" | nc -q 2 "$HOST" "$PORT"
