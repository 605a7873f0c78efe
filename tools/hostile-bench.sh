#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Does a hostile client slow down its well-behaved neighbours? Runs dipc-perf
# ping-pong against one dipc-server, in turn: undisturbed (A); while
# tests/dipc_hostile_client loops through its misbehaviours (B); and, as the
# controls, while a well-behaved neighbour runs windowed echo (C), and
# while a neighbour only sleeps and wakes every 10 us as the hostile client
# does between its messages, touching no dipc object (D). N rounds of
# A B C D; prints p50/p99 medians and the ratios. Then checks the server
# counted the attacks and got every mbuf back.
#
# The machine has 2 CPUs: the worker has CPU 1, and the measured client
# shares CPU 0 with the neighbour in B, C and D. C shows what sharing the
# CPU and the worker with a busy neighbour costs, D what a neighbour's
# sleep-wake pattern costs through the scheduler alone; B against D is
# what the misbehaviour itself costs.
#
# Usage: tools/hostile-bench.sh [--pairs N] [--duration S] [--pause-ms M]
#   --pairs: rounds of A B C (default 5); --pause-ms: hostile pause between its rounds
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build"
pairs=5; duration=3; pause_ms=100
while [ $# -gt 0 ]; do
	case "$1" in
	--pairs) pairs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--pause-ms) pause_ms=$2; shift 2 ;;
	*) echo "hostile-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
prefix=dipchb_$$
work=$(mktemp -d /tmp/dipc-hostile-bench.XXXXXX)
. "$top/tools/lib.sh"
hostile=""
cleanup() {
	[ -n "$hostile" ] && kill -KILL "$hostile" 2>/dev/null || true
	stop_bg
	rm -f /dev/hugepages/${prefix}map_* 2>/dev/null || true
	rm -rf "/var/run/dpdk/$prefix" "$work"
}
trap cleanup EXIT

start_bg "$work/server.log" "dipc-server: ready" "$bin/app/dipc-server" -l 0-1 \
	--file-prefix "$prefix" -- --idle busy || exit 1

measure() { # label
	taskset -c 0 "$bin/app/dipc-perf" --file-prefix "$prefix" -- --mode latency \
		--duration "$duration" --warmup 0.5 --verify --json |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(sys.argv[1], d["lat_ns"]["p50"], d["lat_ns"]["p99"], d["messages"], d["errors"])' "$1" \
		>>"$work/results"
	# Every echo is checked byte for byte: a neighbour's answer must be its own.
	if [ "$(tail -n 1 "$work/results" | awk '{print $5}')" != "0" ]; then
		echo "hostile-bench: FAIL: bad echoes in run $1"; exit 1
	fi
}

for i in $(seq "$pairs"); do
	measure A
	taskset -c 0 "$bin/tests/dipc_hostile_client" --file-prefix "$prefix" -- "$i" 100000 \
		"$pause_ms" >"$work/hostile.log" 2>&1 &
	hostile=$!
	sleep 0.3
	measure B
	# It finishes its round and closes, so what it held goes back.
	kill -TERM "$hostile" 2>/dev/null || true
	wait "$hostile" || { cat "$work/hostile.log"; echo "hostile-bench: hostile client failed"; exit 1; }
	hostile=""
	rounds=$(grep -c "hostile: corrupted state" "$work/hostile.log" || true)
	taskset -c 0 "$bin/app/dipc-perf" --file-prefix "$prefix" -- --mode throughput \
		--duration "$((duration + 1))" --warmup 0 >/dev/null 2>&1 &
	hostile=$!
	sleep 0.3
	measure C
	wait "$hostile" || true
	taskset -c 0 "$bin/tests/dipc_hostile_client" --file-prefix "$prefix" -- 1 0 \
		>/dev/null 2>&1 &
	hostile=$!
	sleep 0.3
	measure D
	kill -TERM "$hostile" 2>/dev/null || true
	wait "$hostile" || true
	hostile=""
	echo "hostile-bench: round $i done (hostile rounds during B: $rounds)" >&2
done
stop_bg

python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def col(label, i):
    return sorted(float(r[i]) for r in rows if r[0] == label)
def fmt(x):
    return f"{statistics.median(x):,.0f} ({x[0]:,.0f}–{x[-1]:,.0f})"
print("| ping-pong, 64 B | A: alone, median (min–max) | B: next to the hostile client | "
      "C: next to a busy good client | D: next to a sleep-wake loop | B/A | C/A | D/A | B/D |")
print("|---|---|---|---|---|---|---|---|---|")
for name, i in (("p50 ns", 1), ("p99 ns", 2)):
    a, b, c, d = col("A", i), col("B", i), col("C", i), col("D", i)
    ma, mb, mc, md = (statistics.median(x) for x in (a, b, c, d))
    print(f"| {name} | {fmt(a)} | {fmt(b)} | {fmt(c)} | {fmt(d)} | {mb / ma:.2f}x | "
          f"{mc / ma:.2f}x | {md / ma:.2f}x | {mb / md:.2f}x |")
PY
grep -E "rejected|corrupted|pool dipc_pool_0" "$work/server.log"
grep -q "pool dipc_pool_0: \([0-9]*\) of \1 mbufs free" "$work/server.log" ||
	{ echo "hostile-bench: FAIL: mbufs lost"; exit 1; }
