#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The key-value service's figures (docs/PERFORMANCE.md), next to plain echo
# over the same server in the same round: one dipc-server (-l 0-1, --idle
# busy: control lcore CPU 0, worker CPU 1), dipc-perf on CPU 0. Each round
# starts a fresh server after a cache-line ping-pong probe (no server up)
# and runs, on it:
#   echo-pp    echo ping-pong of a 128-byte body (the size of a GET of a
#              64-byte value's answer), the transport's own cost;
#   kv-pp      --mode kv --window 1: one request at a time, 90% GET;
#   echo-win   windowed echo, window 64, 128-byte bodies;
#   kv-win90   --mode kv --window 64, 90% GET;
#   kv-win50   --mode kv --window 64, 50% GET;
# each with --keys KEYS and 64-byte values, --verify on the kv runs (every
# GET's value checked). Prints every run and a table of medians and
# spreads (min..max over the rounds).
#
# Usage: tools/kv-bench.sh [--runs N] [--duration S] [--keys N]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=5; duration=3; keys=10000
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--keys) keys=$2; shift 2 ;;
	-h|--help) sed -n '3,20p' "$0"; exit 0 ;;
	*) echo "kv-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
bin="$top/build/app"
for f in dipc-server dipc-perf dipc-cacheprobe; do
	[ -x "$bin/$f" ] || { echo "kv-bench: $bin/$f missing: run tools/setup.sh" >&2; exit 1; }
done
. "$top/tools/lib.sh"
prefix="dipckv_$$"
work=$(mktemp -d /tmp/dipc-kv-bench.XXXXXX)
trap 'stop_bg; rm -rf "/var/run/dpdk/$prefix" "$work"' EXIT

perf() {
	taskset -c 0 "$bin/dipc-perf" --file-prefix="$prefix" -- --duration "$duration" \
		--warmup 0.5 --json "$@"
}

for r in $(seq "$runs"); do
	probe=$("$bin/dipc-cacheprobe" --json)
	start_bg "$work/server.log" "dipc-server: ready" "$bin/dipc-server" -l 0-1 \
		--file-prefix="$prefix" -- --idle busy --kv-keys "$((keys * 2))"
	{
		echo "{\"round\":$r,\"name\":\"probe\",\"probe\":$probe}"
		echo "{\"round\":$r,\"name\":\"echo-pp\",\"r\":$(perf --mode latency --size 128)}"
		echo "{\"round\":$r,\"name\":\"kv-pp\",\"r\":$(perf --mode kv --window 1 --keys "$keys" \
			--value-size 64 --get-ratio 0.9 --verify)}"
		echo "{\"round\":$r,\"name\":\"echo-win\",\"r\":$(perf --mode throughput --size 128 \
			--window 64 --burst 32)}"
		echo "{\"round\":$r,\"name\":\"kv-win90\",\"r\":$(perf --mode kv --window 64 --burst 32 \
			--keys "$keys" --value-size 64 --get-ratio 0.9 --verify)}"
		echo "{\"round\":$r,\"name\":\"kv-win50\",\"r\":$(perf --mode kv --window 64 --burst 32 \
			--keys "$keys" --value-size 64 --get-ratio 0.5 --verify)}"
	} | tee -a "$work/rows.jsonl"
	stop_bg
done

python3 - "$work/rows.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(v):
    return f"{statistics.median(v):,.0f} ({min(v):,.0f}..{max(v):,.0f})"
probe = [r["probe"] for r in rows if r["name"] == "probe"]
print("\n| figure | median (min..max) |\n|---|---|")
if probe:
    print(f"| cache-line ping-pong probe (median rtt), ns | {med([p['rtt_ns']['median'] for p in probe])} |")
for name in ("echo-pp", "kv-pp", "echo-win", "kv-win90", "kv-win50"):
    rs = [r["r"] for r in rows if r["name"] == name]
    print(f"| {name}: msg/s | {med([x['msgs_per_s'] for x in rs])} |")
    if "lat_ns" in rs[0]:
        print(f"| {name}: p50 ns | {med([x['lat_ns']['p50'] for x in rs])} |")
        print(f"| {name}: p99 ns | {med([x['lat_ns']['p99'] for x in rs])} |")
    for op in ("get", "put"):
        if op in rs[0] and "lat_ns" in rs[0][op]:
            print(f"| {name}: {op} p50 ns | {med([x[op]['lat_ns']['p50'] for x in rs])} |")
            print(f"| {name}: {op} p99 ns | {med([x[op]['lat_ns']['p99'] for x in rs])} |")
PY
