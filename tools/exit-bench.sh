#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# How long dipc-server takes to exit after SIGTERM once its clients are
# gone, A/B: each run starts a server (-l 0-1, default options), runs
# dipc-perf for --duration s of echo on CPU 0 and waits for it to exit,
# then sends SIGTERM and times until the process is gone (waitpid), and
# counts the hugepage files and runtime directory left behind. Runs A
# then B, N pairs; --hogs K keeps K busy loops running beside it all (a
# loaded machine). Prints each run, then the median, min and max per side.
#
#   tools/exit-bench.sh --a-bin /tmp/old/build/app/dipc-server --hogs 2
#
# Usage: tools/exit-bench.sh [--pairs N] [--hogs K] [--duration S]
#          [--a-bin PATH] [--b-bin PATH] [--perf PATH]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/app"
pairs=5; hogs=0; duration=1
a_bin="$bin/dipc-server"; b_bin="$bin/dipc-server"; perf="$bin/dipc-perf"
while [ $# -gt 0 ]; do
	case "$1" in
	--pairs) pairs=$2; shift 2 ;;
	--hogs) hogs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--a-bin) a_bin=$2; shift 2 ;;
	--b-bin) b_bin=$2; shift 2 ;;
	--perf) perf=$2; shift 2 ;;
	-h|--help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "exit-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
prefix=dipcexit_$$
work=$(mktemp -d /tmp/dipc-exit.XXXXXX)
hog_pids=()
. "$top/tools/lib.sh"
cleanup() {
	local p
	for p in "${hog_pids[@]}"; do kill "$p" 2>/dev/null || true; done
	stop_bg
	rm -rf "/var/run/dpdk/$prefix" "$work"
	rm -f /dev/hugepages/"${prefix}"map_*
}
trap cleanup EXIT

for _ in $(seq "$hogs"); do
	(while :; do :; done) &
	hog_pids+=($!)
done

run() { # label server-binary
	local t0 t1 ms left
	start_bg "$work/server.log" "dipc-server: ready" "$2" -l 0-1 --file-prefix "$prefix" -- \
		--idle backoff || exit 1
	taskset -c 0 "$perf" --file-prefix "$prefix" -- --mode throughput \
		--duration "$duration" --warmup 0 >/dev/null 2>"$work/perf.err" ||
		{ cat "$work/perf.err" >&2; exit 1; }
	t0=$(date +%s%N)
	kill -TERM "$server"
	wait "$server" || true
	t1=$(date +%s%N)
	server=""
	ms=$(( (t1 - t0) / 1000000 ))
	left=$(find /dev/hugepages -maxdepth 1 -name "${prefix}map_*" | wc -l)
	[ -d "/var/run/dpdk/$prefix" ] && left="$left + runtime dir"
	echo "$1 $ms ms, left: $left"
	echo "$ms" >>"$work/$1"
	# What one side left must not count against the other.
	rm -rf "/var/run/dpdk/$prefix"
	rm -f /dev/hugepages/"${prefix}"map_*
}

for i in $(seq "$pairs"); do
	run A "$a_bin"
	run B "$b_bin"
done
for side in A B; do
	sort -n "$work/$side" | awk -v s="$side" '{ v[NR] = $1 }
		END { printf "%s: exit after SIGTERM, median %d ms, min %d, max %d (%d runs)\n",
			s, (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR], NR }'
done
