#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The main job: set up, start dipc-server with default EAL arguments, run
# dipc-perf against it as a DPDK secondary (latency, then windowed
# throughput, then one-way streaming), print the results, stop the server.
#
# Usage: tools/run-main.sh [--duration S]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
duration=5
[ "${1:-}" = "--duration" ] && duration=$2

"$top/tools/setup.sh"
bin="$top/build/app"
log=$(mktemp /tmp/dipc-server.XXXXXX.log)
server=""

stop_server() {
	[ -n "$server" ] || return 0
	kill -TERM "$server" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	server=""
}
trap 'stop_server; rm -f "$log"' EXIT

# Default EAL arguments (every lcore: lcore 0 controls, lcore 1 works);
# back off when idle, as this may be a small shared machine.
"$bin/dipc-server" -- --idle backoff >"$log" 2>&1 &
server=$!
for _ in $(seq 150); do
	grep -q "dipc-server: ready" "$log" && break
	kill -0 "$server" 2>/dev/null || { cat "$log"; echo "run-main: dipc-server failed to start" >&2; exit 1; }
	sleep 0.1
done
grep "dipc-server: ready" "$log"

# The client shares CPU 0 with the control lcore, which mostly sleeps; the
# worker keeps CPU 1.
for mode in latency throughput oneway; do
	taskset -c 0 "$bin/dipc-perf" -- --mode "$mode" --duration "$duration" --verify
done

stop_server
echo
sed -n '/stopping/,$p' "$log"
