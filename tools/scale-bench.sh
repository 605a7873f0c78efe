#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Windowed echo (window 32, burst 32) against the number of connections and
# against the message size, with dipc-perf against one dipc-server (-l 0-1:
# control lcore on CPU 0, worker on CPU 1, --idle busy; size classes of 16
# and 64 KB so that large bodies fit one mbuf), every client process on
# CPU 0:
#   - connections: 1 (one process), and each larger count spread over
#     --procs client processes (64 = 8 x 8, 1024 = 8 x 128), 64-byte bodies;
#   - sizes: one connection, each body size, with --verify: the client
#     fills every body and checks every echo byte for byte, so Gbit/s counts
#     bytes written and read, not only bytes passed by reference (the
#     server answers in place and reads no body).
# The connection series runs without --verify, as the pool's figures do.
# RUNS rounds, every point once per round, a fresh server and a cache-line
# probe (dipc-cacheprobe, no server up) before each. Prints every run, a
# markdown table of medians (min..max) and the ratio to one connection,
# and draws the plots (tools/plot.sh) into --out/conns and --out/sizes.
#
# Usage: tools/scale-bench.sh [--runs N] [--duration S] [--procs P]
#          [--conns "1 64 1024"] [--sizes "64 1024 4096 16384 65000"] [--out DIR]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/app"
runs=3; duration=2; procs=8; conns="1 64 1024"; sizes="64 1024 4096 16384 65000"
out=$(mktemp -d /tmp/dipc-scale.XXXXXX)
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--procs) procs=$2; shift 2 ;;
	--conns) conns=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h|--help) sed -n '3,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "scale-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
for b in dipc-server dipc-perf dipc-cacheprobe; do
	[ -x "$bin/$b" ] || { echo "scale-bench: $bin/$b missing: run tools/setup.sh" >&2; exit 1; }
done
for c in $conns; do
	[ "$c" -eq 1 ] || [ $((c % procs)) -eq 0 ] ||
		{ echo "scale-bench: $c connections do not divide over $procs processes" >&2; exit 2; }
done
mkdir -p "$out"
results="$out/scale.jsonl"
: >"$results"
prefix=dipcscale_$$
log=$(mktemp /tmp/dipc-scale-server.XXXXXX.log)
. "$top/tools/lib.sh"
trap 'stop_bg; rm -rf "/var/run/dpdk/$prefix" "$log"; rm -f /dev/hugepages/${prefix}map_*' EXIT

point() { # run series conns procs size [dipc-perf options]
	local probe
	probe=$(probe_ns "$bin/dipc-cacheprobe")
	start_bg "$log" "dipc-server: ready" "$bin/dipc-server" -l 0-1 --file-prefix "$prefix" -- \
		--idle busy --class1-data-room 16512 --class1-mbufs 2048 \
		--class2-data-room 65535 --class2-mbufs 512 || exit 1
	taskset -c 0 "$bin/dipc-perf" --file-prefix "$prefix" -- --mode throughput \
		--size "$5" --burst 32 --window 32 --procs "$4" --connections $(($3 / $4)) \
		--duration "$duration" --warmup 0.5 --json "${@:6}" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); d["run"]=int(sys.argv[1]); d["series"]=sys.argv[2]; d["probe_ns"]=float(sys.argv[3]); print(json.dumps(d))' \
		"$1" "$2" "$probe" | tee -a "$results" |
		python3 -c 'import json,sys; print("run %(run)d: %(connections)d connections (%(procs)d processes), %(size)d B: %(msgs_per_s).0f msg/s, %(gbit_per_s).2f Gbit/s, probe %(probe_ns).0f ns" % json.load(sys.stdin))'
	stop_bg
}

for run in $(seq "$runs"); do
	for c in $conns; do
		point "$run" conns "$c" "$([ "$c" -eq 1 ] && echo 1 || echo "$procs")" 64
	done
	for s in $sizes; do
		point "$run" sizes 1 1 "$s" --verify
	done
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def cell(xs, f):
    return f"{f(statistics.median(xs))} ({f(min(xs))}..{f(max(xs))})"
conns = [r for r in rows if r["series"] == "conns"]
sizes = [r for r in rows if r["series"] == "sizes"]
one = [r["msgs_per_s"] for r in conns if r["connections"] == 1]
print("\n| connections (processes) | windowed echo, msg/s | vs 1 connection | probe ns |")
print("|---|---|---|---|")
for c in sorted({r["connections"] for r in conns}):
    rs = [r for r in conns if r["connections"] == c]
    v = [r["msgs_per_s"] for r in rs]
    ratio = statistics.median(v) / statistics.median(one) if one else float("nan")
    print(f"| {c} ({rs[0]['procs']}) | {cell(v, lambda x: f'{x:,.0f}')} | {ratio:.2f}x | "
          f"{cell([r['probe_ns'] for r in rs], lambda x: f'{x:.0f}')} |")
print("\n| body bytes (1 connection, --verify) | msg/s | Gbit/s (body bytes) | probe ns |")
print("|---|---|---|---|")
for s in sorted({r["size"] for r in sizes}):
    rs = [r for r in sizes if r["size"] == s]
    print(f"| {s} | {cell([r['msgs_per_s'] for r in rs], lambda x: f'{x:,.0f}')} | "
          f"{cell([r['gbit_per_s'] for r in rs], lambda x: f'{x:.2f}')} | "
          f"{cell([r['probe_ns'] for r in rs], lambda x: f'{x:.0f}')} |")
PY
# Each series plotted apart: their 64-byte points differ (--verify).
for series in conns sizes; do
	grep "\"series\": \"$series\"" "$results" >"$out/$series.jsonl" || true
	"$top/tools/plot.sh" --out "$out/$series" "$out/$series.jsonl" 2>/dev/null ||
		echo "scale-bench: no plots of $series (tools/plot.sh failed)" >&2
done
echo "results and plots: $out"
