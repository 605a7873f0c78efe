#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The worker's CPU cost per message, in TSC cycles, by stage: prep (lends
# asked for, given-back mbufs, room, the dequeue), take (take, pointer and
# field checks, the header), handler, answer (built in place, or the
# drop), send (lend, enqueue, lend more), other (the rest of its busy
# passes). Built with the worker's counters compiled in (meson
# -Dworker_cycles=true, in build-cycles/: the counters read the TSC at each
# stage, so the total is somewhat above the plain build's cost; the plain
# build has none of it). For each mode (latency: ping-pong; throughput:
# windowed echo, window 32; oneway: burst 32), N runs of one server
# (-l 0-1, --idle busy) and dipc-perf on CPU 0, 64-byte bodies; the
# cache-line probe is read before each run. Prints each run and a
# markdown table of the median (min..max) of each stage.
#
# --link memif: the same over the eth transport. The server has a
# net_memif port and dipc-perf is a remote client (its own primary on
# --no-huge, the other memif end); the port's receive burst, the frames'
# parse and reassembly fall in "other", their framing and the port's
# transmit in "send". The memif PMD's copies are in these figures: a NIC's
# DMA does that work without the CPU.
#
# Usage: tools/cycles.sh [--runs N] [--duration S] [--size N]
#          [--modes "latency throughput oneway"] [--link ring|memif]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bdir="$top/build-cycles"
runs=5; duration=3; size=64; modes="latency throughput oneway"; link=ring
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--modes) modes=$2; shift 2 ;;
	--link) link=$2; shift 2 ;;
	-h|--help) sed -n '3,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "cycles: unknown option '$1'" >&2; exit 2 ;;
	esac
done
case "$link" in ring|memif) ;; *) echo "cycles: --link ring or memif" >&2; exit 2 ;; esac
if [ ! -d "$bdir" ]; then
	meson setup "$bdir" "$top" -Dworker_cycles=true -Dtests=false -Dcodec_perf=disabled \
		>/dev/null || { echo "cycles: meson setup $bdir failed" >&2; exit 1; }
fi
ninja -C "$bdir" >/dev/null || { echo "cycles: build of $bdir failed" >&2; exit 1; }
probe_bin="$top/build/app/dipc-cacheprobe"
[ -x "$probe_bin" ] || probe_bin="$bdir/app/dipc-cacheprobe"

prefix=dipccyc_$$
work=$(mktemp -d /tmp/dipc-cycles.XXXXXX)
. "$top/tools/lib.sh"
trap 'stop_bg; rm -rf "/var/run/dpdk/$prefix" "$work"; rm -f /dev/hugepages/${prefix}map_*' EXIT

server_args=(-l 0-1 --file-prefix "$prefix" -- --idle busy)
client_args=(--file-prefix "$prefix" --)
if [ "$link" = memif ]; then
	head -c 32 /dev/urandom | base64 >"$work/token"
	chmod 600 "$work/token"
	server_args=(-l 0-1 --file-prefix "$prefix" --vdev="net_memif0,role=server,socket=/$prefix.sock"
		-- --idle busy --token-file "$work/token" --eth-port net_memif0 --eth-ip 10.77.0.1)
	client_args=(--no-huge -m 512 --no-pci --vdev="net_memif0,role=client,socket=/$prefix.sock"
		-- --transport eth --peer 10.77.0.1 --local-ip 10.77.0.2 --token-file "$work/token")
fi

for run in $(seq "$runs"); do
	for mode in $modes; do
		probe=$(probe_ns "$probe_bin")
		start_bg "$work/server.log" "dipc-server: ready" "$bdir/app/dipc-server" \
			"${server_args[@]}" || exit 1
		taskset -c 0 "$bdir/app/dipc-perf" "${client_args[@]}" --mode "$mode" \
			--size "$size" --burst 32 --window 32 --duration "$duration" --warmup 0.5 \
			--json >"$work/perf.json" 2>"$work/perf.err" ||
			{ cat "$work/perf.err" >&2; echo "cycles: dipc-perf failed" >&2; exit 1; }
		stop_bg
		line=$(grep "worker 0 cycles per message" "$work/server.log") ||
			{ cat "$work/server.log" >&2; echo "cycles: no cycle counts in the report" >&2; exit 1; }
		echo "$mode run $run probe=$probe ${line#*message: }" | tee -a "$work/results"
	done
done
python3 - "$work/results" <<'PY'
import re, statistics, sys
rows = {}
for l in open(sys.argv[1]):
    mode = l.split()[0]
    vals = dict(re.findall(r"(\w+)[ =]([0-9.]+)", l))
    rows.setdefault(mode, []).append(vals)
stages = ["prep", "take", "handler", "answer", "send", "other", "total"]
print()
print("| mode | " + " | ".join(stages) + " | probe ns |")
print("|---" * (len(stages) + 2) + "|")
for mode, rs in rows.items():
    cells = []
    for k in stages + ["probe"]:
        v = [float(r[k]) for r in rs]
        cells.append(f"{statistics.median(v):.0f} ({min(v):.0f}..{max(v):.0f})")
    print(f"| {mode} | " + " | ".join(cells) + " |")
PY
