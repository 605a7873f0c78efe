#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: set up, start dipc-server with default EAL arguments, run
# dipc-perf against it as a DPDK secondary (latency, then windowed
# throughput, then one-way streaming, then the key-value service), print
# the results, stop the server.
#
# Usage: tools/run-main.sh [--duration S]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
duration=5
[ "${1:-}" = "--duration" ] && duration=$2

"$top/tools/setup.sh"
bin="$top/build/app"
log=$(mktemp /tmp/dipc-server.XXXXXX.log)
. "$top/tools/lib.sh"
trap 'stop_bg; rm -f "$log"' EXIT

# Default EAL arguments (every lcore: lcore 0 controls, lcore 1 works);
# back off when idle, as this may be a small shared machine.
start_bg "$log" "dipc-server: ready" "$bin/dipc-server" -- --idle backoff
grep "dipc-server: ready" "$log"

# The client shares CPU 0 with the control lcore, which mostly sleeps; the
# worker keeps CPU 1.
for mode in latency throughput oneway; do
	taskset -c 0 "$bin/dipc-perf" -- --mode "$mode" --duration "$duration" --verify
done
# The key-value service: 1000 keys preloaded, then 90% GETs and 10% PUTs
# of 64-byte values, every GET's value checked.
taskset -c 0 "$bin/dipc-perf" -- --mode kv --duration "$duration" --get-ratio 0.9 \
	--keys 1000 --value-size 64 --verify

stop_bg
echo
sed -n '/stopping/,$p' "$log"
