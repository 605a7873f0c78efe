#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A/B of the eth transport over net_memif: two builds' dipc-server and
# dipc-perf (each side with its own, so that a change on either end
# counts), windowed echo (--window, burst 32) from a remote dipc-perf on
# CPU 0 (--no-huge), the server's worker on CPU 1, --idle busy. For each
# of --pairs pairs and each size, A and B run in turn (A first in odd
# pairs); the cache-line probe is read before each pair. Prints each pair
# and, per size, the medians and the median of the pairs' B/A ratios
# with their spread. Must run as root.
#
# Usage: tools/eth-ab.sh --a-bin DIR --b-bin DIR [--pairs N] [--sizes 16384,64]
#          [--duration S] [--window W]
#   DIR: a build's app/ directory (dipc-server, dipc-perf).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
a_bin=""; b_bin=""; pairs=5; sizes=16384,64; duration=3; window=32
while [ $# -gt 0 ]; do
	case "$1" in
	--a-bin) a_bin=$2; shift 2 ;;
	--b-bin) b_bin=$2; shift 2 ;;
	--pairs) pairs=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	-h|--help) sed -n '3,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "eth-ab: unknown option '$1'" >&2; exit 2 ;;
	esac
done
if [ -z "$a_bin" ] || [ -z "$b_bin" ]; then
	echo "eth-ab: --a-bin and --b-bin are needed" >&2
	exit 2
fi
for d in "$a_bin" "$b_bin"; do
	for b in dipc-server dipc-perf; do
		[ -x "$d/$b" ] || { echo "eth-ab: $d/$b missing" >&2; exit 1; }
	done
done
[ "$(id -u)" -eq 0 ] || { echo "eth-ab: must run as root" >&2; exit 1; }
probe_bin="$top/build/app/dipc-cacheprobe"
[ -x "$probe_bin" ] || probe_bin="$b_bin/dipc-cacheprobe"

prefix="dipcethab$$"
work=$(mktemp -d /tmp/dipc-eth-ab.XXXXXX)
head -c 32 /dev/urandom | base64 >"$work/token"
chmod 600 "$work/token"
. "$top/tools/lib.sh"
cleanup() {
	stop_bg
	rm -rf "$work" /dev/hugepages/"$prefix"*map_* /var/run/dpdk/"$prefix" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

run() { # bin-dir size -> msgs/s on stdout
	local bin=$1 size=$2 rate
	start_bg "$work/server.log" "dipc-server: ready" "$bin/dipc-server" -l 0-1 \
		--file-prefix "$prefix" --vdev="net_memif0,role=server,socket=/$prefix.sock" -- \
		--idle busy --token-file "$work/token" --eth-port net_memif0 --eth-ip 10.77.0.1 ||
		exit 1
	rate=$(taskset -c 0 "$bin/dipc-perf" --no-huge -m 512 --no-pci \
		--vdev="net_memif0,role=client,socket=/$prefix.sock" -- --transport eth \
		--peer 10.77.0.1 --local-ip 10.77.0.2 --token-file "$work/token" --mode throughput \
		--size "$size" --duration "$duration" --warmup 1 --window "$window" --burst 32 \
		--json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["msgs_per_s"])')
	stop_bg
	echo "$rate"
}

: >"$work/results"
for pair in $(seq "$pairs"); do
	probe=$(probe_ns "$probe_bin")
	for size in ${sizes//,/ }; do
		if [ $((pair % 2)) -eq 1 ]; then
			a=$(run "$a_bin" "$size"); b=$(run "$b_bin" "$size")
		else
			b=$(run "$b_bin" "$size"); a=$(run "$a_bin" "$size")
		fi
		echo "pair $pair probe $probe size $size A $a B $b" | tee -a "$work/results"
	done
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
print()
print("| size | A msg/s: median (min..max) | B msg/s: median (min..max) | B/A per pair: median (min..max) | probe ns |")
print("|---|---|---|---|---|")
for size in dict.fromkeys(r[5] for r in rows):
    r = [(float(x[7]), float(x[9]), float(x[3])) for x in rows if x[5] == size]
    a = [x[0] for x in r]; b = [x[1] for x in r]; q = [x[1] / x[0] for x in r if x[0] > 0]
    p = [x[2] for x in r]
    print(f"| {size} B | {statistics.median(a):,.0f} ({min(a):,.0f}..{max(a):,.0f}) | "
          f"{statistics.median(b):,.0f} ({min(b):,.0f}..{max(b):,.0f}) | "
          f"{statistics.median(q):.3f} ({min(q):.3f}..{max(q):.3f}) | "
          f"{min(p):.0f}..{max(p):.0f} |")
PY
