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
# With --a-bin PATH (a dipc-server of another commit, built in a git
# worktree; the same shared-memory layout, as this build's dipc-perf is
# the client of both), each round runs the sequence on that server (A)
# and then on this build's (B), and the table has both sides and B/A.
#
# Usage: tools/kv-bench.sh [--runs N] [--duration S] [--keys N] [--a-bin PATH]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=5; duration=3; keys=10000; a_bin=""
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--keys) keys=$2; shift 2 ;;
	--a-bin) a_bin=$2; shift 2 ;;
	-h|--help) sed -n '3,25p' "$0"; exit 0 ;;
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

round() { # number side server
	local r=$1 side=$2 probe
	probe=$("$bin/dipc-cacheprobe" --json)
	start_bg "$work/server.log" "dipc-server: ready" "$3" -l 0-1 \
		--file-prefix="$prefix" -- --idle busy --kv-keys "$((keys * 2))"
	{
		echo "{\"round\":$r,\"side\":\"$side\",\"name\":\"probe\",\"probe\":$probe}"
		echo "{\"round\":$r,\"side\":\"$side\",\"name\":\"echo-pp\",\"r\":$(perf --mode latency \
			--size 128)}"
		echo "{\"round\":$r,\"side\":\"$side\",\"name\":\"kv-pp\",\"r\":$(perf --mode kv --window 1 \
			--keys "$keys" --value-size 64 --get-ratio 0.9 --verify)}"
		echo "{\"round\":$r,\"side\":\"$side\",\"name\":\"echo-win\",\"r\":$(perf --mode throughput \
			--size 128 --window 64 --burst 32)}"
		echo "{\"round\":$r,\"side\":\"$side\",\"name\":\"kv-win90\",\"r\":$(perf --mode kv \
			--window 64 --burst 32 --keys "$keys" --value-size 64 --get-ratio 0.9 --verify)}"
		echo "{\"round\":$r,\"side\":\"$side\",\"name\":\"kv-win50\",\"r\":$(perf --mode kv \
			--window 64 --burst 32 --keys "$keys" --value-size 64 --get-ratio 0.5 --verify)}"
	} | tee -a "$work/rows.jsonl"
	stop_bg
}

for r in $(seq "$runs"); do
	[ -z "$a_bin" ] || round "$r" A "$a_bin"
	round "$r" B "$bin/dipc-server"
done

python3 - "$work/rows.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(v):
    return f"{statistics.median(v):,.0f} ({min(v):,.0f}..{max(v):,.0f})"
sides = [s for s in "AB" if any(r["side"] == s for r in rows)]
def col(name, get):
    vals = {s: [get(r) for r in rows if r["side"] == s and r["name"] == name] for s in sides}
    cells = [med(vals[s]) for s in sides]
    if len(sides) == 2:
        cells.append(f"{statistics.median(vals['B']) / statistics.median(vals['A']):.2f}")
    return " | ".join(cells)
head = " | ".join(("A: median (min..max)", "B: median (min..max)", "B/A") if len(sides) == 2
                  else ("median (min..max)",))
print(f"\n| figure | {head} |\n|---|{'---|' * (3 if len(sides) == 2 else 1)}")
print(f"| cache-line ping-pong probe (median rtt), ns | {col('probe', lambda r: r['probe']['rtt_ns']['median'])} |")
first = {r["name"]: r["r"] for r in rows if r["name"] != "probe"}
for name in ("echo-pp", "kv-pp", "echo-win", "kv-win90", "kv-win50"):
    x0 = first[name]
    print(f"| {name}: msg/s | {col(name, lambda r: r['r']['msgs_per_s'])} |")
    if "lat_ns" in x0:
        print(f"| {name}: p50 ns | {col(name, lambda r: r['r']['lat_ns']['p50'])} |")
        print(f"| {name}: p99 ns | {col(name, lambda r: r['r']['lat_ns']['p99'])} |")
    for op in ("get", "put"):
        if op in x0 and "lat_ns" in x0[op]:
            print(f"| {name}: {op} p50 ns | {col(name, lambda r: r['r'][op]['lat_ns']['p50'])} |")
            print(f"| {name}: {op} p99 ns | {col(name, lambda r: r['r'][op]['lat_ns']['p99'])} |")
PY
