#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The connection pool's figures (docs/PERFORMANCE.md), with dipc-perf
# against one dipc-server (-l 0-1: control lcore on CPU 0, worker on CPU 1;
# the client on CPU 0):
#   - windowed echo throughput and ping-pong p50/p99 at 1, 64 and 1024
#     connections; RUNS rounds, the three counts interleaved in each round,
#     a fresh server per measurement and a cache-line ping-pong probe
#     (dipc-cacheprobe, no server running) before each;
#   - kill -9 of a client under load to its slot free again, over KILLS
#     kills (dipc-perf --mode reclaim);
#   - admission, connect to first response, over CONNECTS connections
#     (dipc-perf --mode connect).
# Prints every run and a markdown table of medians and spreads.
#
# Usage: tools/pool-bench.sh [--runs N] [--duration S] [--kills N] [--connects N]
#          [--idle busy|backoff]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/app"
runs=5; duration=2; kills=100; connects=1000; idle=busy
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--kills) kills=$2; shift 2 ;;
	--connects) connects=$2; shift 2 ;;
	--idle) idle=$2; shift 2 ;;
	*) echo "pool-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
for f in dipc-server dipc-perf dipc-cacheprobe; do
	[ -x "$bin/$f" ] || { echo "pool-bench: $bin/$f missing: run tools/setup.sh" >&2; exit 1; }
done
prefix=dipcpool_$$
work=$(mktemp -d /tmp/dipc-pool.XXXXXX)
. "$top/tools/lib.sh"
trap 'stop_bg; rm -rf "/var/run/dpdk/$prefix" "$work"' EXIT

probe() {
	"$bin/dipc-cacheprobe" --json |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["rtt_ns"]["median"])'
}

serve() {
	start_bg "$work/server.log" "dipc-server: ready" "$bin/dipc-server" -l 0-1 \
		--file-prefix "$prefix" -- --idle "$idle" || exit 1
}

perf() { # label args...
	local label=$1
	shift
	taskset -c 0 "$bin/dipc-perf" --file-prefix "$prefix" -- --json "$@" >"$work/out.json" ||
		{ echo "pool-bench: dipc-perf $* failed" >&2; cat "$work/out.json" >&2; exit 1; }
	python3 - "$label" "$work/out.json" >>"$work/results" <<'PY'
import json, sys
d = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
lat = d.get("lat_ns", {})
print(json.dumps({"label": sys.argv[1], "msgs_per_s": d.get("msgs_per_s"),
                  "p50": lat.get("p50"), "p99": lat.get("p99"), "probe": float(sys.argv[3])
                  if len(sys.argv) > 3 else None}))
PY
	tail -n 1 "$work/results"
}

for r in $(seq "$runs"); do
	for n in 1 64 1024; do
		p=$(probe)
		serve
		perf "tput_$n" --mode throughput --connections "$n" --window 32 \
			--duration "$duration" --warmup 0.5
		stop_bg
		sed -i '$ s/"probe": null/"probe": '"$p"'/' "$work/results"
		p=$(probe)
		serve
		perf "lat_$n" --mode latency --connections "$n" --duration "$duration" --warmup 0.5
		stop_bg
		sed -i '$ s/"probe": null/"probe": '"$p"'/' "$work/results"
	done
	echo "pool-bench: round $r of $runs done" >&2
done

p=$(probe)
serve
perf reclaim --mode reclaim --count "$kills"
sed -i '$ s/"probe": null/"probe": '"$p"'/' "$work/results"
perf connect --mode connect --count "$connects"
stop_bg

python3 - "$work/results" "$runs" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def col(label, key):
    return [r[key] for r in rows if r["label"] == label and r[key] is not None]
def fmt(v):
    return f"{statistics.median(v):,.0f} ({min(v):,.0f}..{max(v):,.0f})" if v else "n/a"
probes = [r["probe"] for r in rows if r["probe"] is not None]
print(f"\nruns: {sys.argv[2]}; cache-line probe rtt ns: median {statistics.median(probes):.0f}, "
      f"range {min(probes):.0f}..{max(probes):.0f}\n")
print("| connections | throughput msg/s, median (min..max) | vs 1 connection | p50 ns | p99 ns |")
print("|---|---|---|---|---|")
base = statistics.median(col("tput_1", "msgs_per_s"))
for n in (1, 64, 1024):
    t = col(f"tput_{n}", "msgs_per_s")
    print(f"| {n} | {fmt(t)} | {statistics.median(t) / base:.2f}x | "
          f"{fmt(col(f'lat_{n}', 'p50'))} | {fmt(col(f'lat_{n}', 'p99'))} |")
for label, what in (("reclaim", "kill -9 to slot free"), ("connect", "connect to first response")):
    r = [x for x in rows if x["label"] == label][0]
    print(f"\n{what}: p50 {r['p50']:,} ns, p99 {r['p99']:,} ns")
PY
