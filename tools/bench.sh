#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dipc against the raw-ring baseline, measured in the same run on the same
# machine. Each run starts one server at a time, pinned (server worker on
# CPU 1, client on CPU 0), and measures ping-pong latency, one-way streaming
# and windowed request/response; runs alternate which system goes first
# (A B, B A, ...). A cache-line ping-pong probe is recorded beside each run.
# Prints a markdown table of medians, spreads and ratios; raw JSON lines go
# to the file given with --out.
#
# Usage: tools/bench.sh [--runs N] [--duration S] [--size N] [--out FILE]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/app"
runs=5
duration=3
size=64
out=$(mktemp /tmp/dipc-bench.XXXXXX.jsonl)
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
: >"$out"
for b in dipc-server dipc-perf dipc-ringbench dipc-cacheprobe; do
	[ -x "$bin/$b" ] || { echo "bench: $bin/$b missing: run tools/setup.sh" >&2; exit 1; }
done

log=$(mktemp /tmp/dipc-bench-server.XXXXXX.log)
. "$top/tools/lib.sh"
cleanup() {
	stop_bg
	rm -f "$log" /dev/hugepages/dipcbench*map_* 2>/dev/null || true
	rm -rf /var/run/dpdk/dipcbench /var/run/dpdk/dipcbench_rb
}
trap cleanup EXIT

start_server() { # ready-text cmd...
	start_bg "$log" "$@" || exit 1
}

tag() { # system run json -> json with system and run added
	python3 -c 'import json,sys; d=json.loads(sys.argv[3]); d["system"]=sys.argv[1]; d["run"]=int(sys.argv[2]); print(json.dumps(d))' "$@"
}

run_raw() {
	local run=$1 mode
	start_server "server: ready" "$bin/dipc-ringbench" -l 1 --file-prefix dipcbench_rb --no-pci -- \
		--role server
	for mode in pingpong oneway window; do
		tag raw "$run" "$("$bin/dipc-ringbench" -l 0 --file-prefix dipcbench_rb --no-pci -- \
			--role client --mode "$mode" --size "$size" --burst 32 --window 32 \
			--duration "$duration" --warmup 1 --json)" >>"$out"
	done
	stop_bg
}

run_dipc() {
	local run=$1 mode
	start_server "dipc-server: ready" "$bin/dipc-server" -l 0-1 --file-prefix dipcbench -- \
		--idle busy
	for mode in latency oneway throughput; do
		tag dipc "$run" "$(taskset -c 0 "$bin/dipc-perf" --file-prefix dipcbench -- \
			--mode "$mode" --size "$size" --burst 32 --window 32 \
			--duration "$duration" --warmup 1 --json)" >>"$out"
	done
	stop_bg
}

for run in $(seq "$runs"); do
	tag probe "$run" "$("$bin/dipc-cacheprobe" --cpus 0,1 --json)" >>"$out"
	if [ $((run % 2)) -eq 1 ]; then
		run_raw "$run"; run_dipc "$run"
	else
		run_dipc "$run"; run_raw "$run"
	fi
	tag probe "$run" "$("$bin/dipc-cacheprobe" --cpus 0,1 --json)" >>"$out"
	echo "bench: run $run of $runs done" >&2
done

python3 - "$out" "$size" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
size = sys.argv[2]
def series(system, mode, key):
    out = {}
    for r in rows:
        if r.get("system") != system or r.get("mode") != mode:
            continue
        v = r
        for k in key.split("."):
            v = v[k]
        out[r["run"]] = float(v)
    return out
def fmt(xs, unit):
    xs = sorted(xs.values())
    return f"{statistics.median(xs):,.0f} {unit} ({xs[0]:,.0f}–{xs[-1]:,.0f})"
probe = sorted(r["rtt_ns"]["median"] for r in rows if r["system"] == "probe")
print(f"| metric ({size} B body) | raw ring: median (min–max) | dipc: median (min–max) | "
      "dipc/raw, ratio of medians | per-run ratios | target |")
print("|---|---|---|---|---|---|")
specs = [
    ("ping-pong RTT p50", "pingpong", "latency", "lat_ns.p50", "ns", "≤ 1.5x"),
    ("ping-pong RTT p99", "pingpong", "latency", "lat_ns.p99", "ns", "≤ 2x"),
    ("ping-pong RTT p99.9", "pingpong", "latency", "lat_ns.p999", "ns", "–"),
    ("one-way stream, burst 32", "oneway", "oneway", "msgs_per_s", "msg/s", "≥ 0.5x"),
    ("windowed echo, window 32, burst 32", "window", "throughput", "msgs_per_s", "msg/s", "≥ 0.5x"),
]
for name, rmode, dmode, key, unit, target in specs:
    r, d = series("raw", rmode, key), series("dipc", dmode, key)
    ratios = sorted(d[k] / r[k] for k in r if k in d and r[k] > 0)
    ratio = statistics.median(d.values()) / statistics.median(r.values())
    print(f"| {name} | {fmt(r, unit)} | {fmt(d, unit)} | {ratio:.2f}x | "
          f"{ratios[0]:.2f}–{ratios[-1]:.2f} | {target} |")
print(f"\ncache-line ping-pong probe (CPU 0 <-> 1), {len(probe)} samples around the runs: "
      f"median {statistics.median(probe):.0f} ns, min {probe[0]:.0f}, max {probe[-1]:.0f}")
print(f"raw results: {sys.argv[1]}")
PY
