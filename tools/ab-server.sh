#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A/B of two dipc-server variants with the same client: runs dipc-perf in
# one mode against A, then B, N pairs, one server at a time (-l 0-1,
# --idle busy, client on CPU 0), and reads the cache-line probe before each
# run while no server is up. Prints each run, and the median, min and max
# of each side.
#
# A variant is a server binary plus extra application options, e.g. the
# binary of another commit (build it in a git worktree) or the same binary
# with another setting:
#   tools/ab-server.sh --mode throughput --a-bin /tmp/dipc-server-old
#   tools/ab-server.sh --mode latency --a-args "--control-idle-poll-us 100"
# When the shared-memory layout changed between the two, give each side its
# own dipc-perf too (--a-perf/--b-perf, from the same build as the server).
#
# Usage: tools/ab-server.sh --mode latency|throughput|oneway [--metric M] [--pairs N]
#          [--duration S] [--a-bin PATH] [--a-args "..."] [--a-perf PATH]
#          [--b-bin PATH] [--b-args "..."] [--b-perf PATH]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/app"
mode=""; pairs=6; duration=2; metric=""
a_bin="$bin/dipc-server"; b_bin="$bin/dipc-server"; a_args=""; b_args=""
a_perf="$bin/dipc-perf"; b_perf="$bin/dipc-perf"
while [ $# -gt 0 ]; do
	case "$1" in
	--mode) mode=$2; shift 2 ;;
	--pairs) pairs=$2; shift 2 ;;
	--metric) metric=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--a-bin) a_bin=$2; shift 2 ;;
	--a-args) a_args=$2; shift 2 ;;
	--b-bin) b_bin=$2; shift 2 ;;
	--b-args) b_args=$2; shift 2 ;;
	--a-perf) a_perf=$2; shift 2 ;;
	--b-perf) b_perf=$2; shift 2 ;;
	*) echo "ab-server: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ -n "$mode" ] || { echo "ab-server: --mode is required" >&2; exit 2; }
# Latency modes report a percentile of lat_ns (p50, p90, p99, p999, max),
# the others messages per second.
[ -n "$metric" ] || { [ "$mode" = latency ] && metric=p50 || metric=msgs_per_s; }
prefix=dipcab_$$
work=$(mktemp -d /tmp/dipc-ab.XXXXXX)
. "$top/tools/lib.sh"
trap 'stop_bg; rm -rf "/var/run/dpdk/$prefix" "$work"' EXIT

run() { # label server args perf
	local probe value
	probe=$(probe_ns "$bin/dipc-cacheprobe")
	# shellcheck disable=SC2086
	start_bg "$work/server.log" "dipc-server: ready" "$2" -l 0-1 --file-prefix "$prefix" -- \
		--idle busy $3 || exit 1
	value=$(taskset -c 0 "$4" --file-prefix "$prefix" -- --mode "$mode" \
		--duration "$duration" --warmup 0.5 --json |
		python3 -c 'import json,sys; d=json.load(sys.stdin); m=sys.argv[1]; print(int(d[m] if m in d else d["lat_ns"][m]))' "$metric")
	stop_bg
	echo "$1 probe=$probe $metric=$value" | tee -a "$work/results"
}

for _ in $(seq "$pairs"); do
	run A "$a_bin" "$a_args" "$a_perf"
	run B "$b_bin" "$b_args" "$b_perf"
done
python3 - "$work/results" "$metric" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
val = {k: [float(r[2].split("=")[1]) for r in rows if r[0] == k] for k in "AB"}
unit = "msg/s" if sys.argv[2] == "msgs_per_s" else f"ns ({sys.argv[2]})"
a, b = statistics.median(val["A"]), statistics.median(val["B"])
print(f"median A {a:,.0f} {unit} (min {min(val['A']):,.0f}, max {max(val['A']):,.0f}), "
      f"median B {b:,.0f} {unit} (min {min(val['B']):,.0f}, max {max(val['B']):,.0f}), "
      f"B/A {b / a:.3f}")
PY
