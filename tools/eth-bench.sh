#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The eth transport against its baselines, measured in the same run on the
# same machine, runs interleaved (A B, B A, ...), a cache-line ping-pong
# probe before and after each run. Must run as root.
#
#   --link memif     one dipc-server with a net_memif port (worker CPU 1,
#                    control lcore CPU 0; a 16 KB size class for the
#                    ring transport's larger bodies); dipc-perf on CPU 0 calls it
#                    through the shared-memory ring transport (a secondary)
#                    and through the eth transport (its own primary with
#                    the other memif end): ping-pong latency and windowed
#                    echo at each --sizes. With --zero-copy, dipc-perf's
#                    memif end runs zero-copy (zero-copy=yes: its own mbufs
#                    are memif's buffers, so its side copies nothing; this
#                    needs hugepages and --single-file-segments).
#   --link afpacket  two network namespaces of its own joined by a veth
#                    pair; the server in one on net_af_packet, dipc-perf in
#                    the other on net_af_packet (eth), against dipc-udpbench
#                    (kernel UDP sockets, busy-polling, 8 MB socket buffers:
#                    a window of 16 KB datagrams overflows the default) between
#                    the same two namespaces: ping-pong and windowed echo.
#
# Prints a markdown table of medians, spreads and ratios; raw JSON lines go
# to --out.
#
# Usage: tools/eth-bench.sh [--link memif|afpacket] [--zero-copy] [--runs N]
#          [--duration S] [--sizes 64,1024,16384] [--window W] [--out FILE]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/app"
link=memif
runs=5
duration=3
sizes=64,1024,16384
window=32
zero_copy=no
out=$(mktemp /tmp/dipc-eth-bench.XXXXXX.jsonl)
while [ $# -gt 0 ]; do
	case "$1" in
	--link) link=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	--zero-copy) zero_copy=yes; shift ;;
	--out) out=$2; shift 2 ;;
	-h|--help) sed -n '3,29p' "$0"; exit 0 ;;
	*) echo "eth-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
case "$link" in memif|afpacket) ;; *) echo "eth-bench: --link memif or afpacket" >&2; exit 2 ;; esac
[ "$zero_copy" = no ] || [ "$link" = memif ] ||
	{ echo "eth-bench: --zero-copy is a memif option" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "eth-bench: must run as root" >&2; exit 1; }
: >"$out"
for b in dipc-server dipc-perf dipc-cacheprobe dipc-udpbench; do
	[ -x "$bin/$b" ] || { echo "eth-bench: $bin/$b missing: run tools/setup.sh" >&2; exit 1; }
done

prefix="dipcethb$$"
work=$(mktemp -d /tmp/dipc-eth-bench.XXXXXX)
token="$work/token"
head -c 32 /dev/urandom | base64 >"$token"
chmod 600 "$token"
ns_s="${prefix}s"
ns_c="${prefix}c"
created=()
. "$top/tools/lib.sh"
cleanup() {
	local ns
	stop_bg
	for ns in "${created[@]}"; do
		ip netns del "$ns" 2>/dev/null || echo "eth-bench: cannot delete namespace $ns" >&2
	done
	rm -rf "$work" /dev/hugepages/"$prefix"*map_* /var/run/dpdk/"$prefix" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tag() { # system run json -> json with system and run added
	python3 -c 'import json,sys; d=json.loads(sys.argv[3]); d["system"]=sys.argv[1]; d["run"]=int(sys.argv[2]); print(json.dumps(d))' "$@"
}

perf_args=(--duration "$duration" --warmup 1 --window "$window" --burst 32 --timeout 10000
	--token-file "$token" --json)
remote_eal=(--no-huge -m 512 --no-pci)
memif_zc=
if [ "$zero_copy" = yes ]; then
	# memif shares the client's memory with the server by its file
	# descriptors: hugepages (its own, --in-memory), one file per list.
	remote_eal=(-m 256 --single-file-segments --no-pci)
	memif_zc=",zero-copy=yes"
fi

if [ "$link" = memif ]; then
	start_bg "$work/server.log" "dipc-server: ready" "$bin/dipc-server" -l 0-1 \
		--file-prefix "$prefix" --vdev="net_memif0,role=server,socket=/$prefix.sock" -- \
		--idle busy --token-file "$token" --eth-port net_memif0 --eth-ip 10.77.0.1 \
		--class1-data-room 16640 --class1-mbufs 2048 ||
		exit 1
	run_ring() { # run
		local size mode
		for size in ${sizes//,/ }; do
			for mode in latency throughput; do
				tag ring "$1" "$(taskset -c 0 "$bin/dipc-perf" --file-prefix "$prefix" -- \
					--mode "$mode" --size "$size" "${perf_args[@]}")" >>"$out"
			done
		done
	}
	run_eth() { # run
		local size mode
		for size in ${sizes//,/ }; do
			for mode in latency throughput; do
				tag eth "$1" "$(taskset -c 0 "$bin/dipc-perf" "${remote_eal[@]}" \
					--vdev="net_memif0,role=client,socket=/$prefix.sock$memif_zc" -- \
					--transport eth --peer 10.77.0.1 --local-ip 10.77.0.2 \
					--mode "$mode" --size "$size" "${perf_args[@]}" 2>/dev/null)" >>"$out"
			done
		done
	}
	base=ring
else
	for ns in "$ns_s" "$ns_c"; do
		ip netns add "$ns"
		created+=("$ns")
		ip -n "$ns" link set lo up
	done
	ip link add "${prefix}vs" netns "$ns_s" type veth peer name "${prefix}vc" netns "$ns_c"
	ip -n "$ns_s" addr add 10.77.0.1/24 dev "${prefix}vs"
	ip -n "$ns_c" addr add 10.77.0.2/24 dev "${prefix}vc"
	ip -n "$ns_s" link set "${prefix}vs" up
	ip -n "$ns_c" link set "${prefix}vc" up
	run_eth() { # run: dipc-server in ns_s on af_packet, dipc-perf in ns_c
		local size mode
		start_bg "$work/server.log" "dipc-server: ready" ip netns exec "$ns_s" \
			"$bin/dipc-server" -l 0-1 --file-prefix "$prefix" \
			--vdev="net_af_packet0,iface=${prefix}vs" -- --idle busy --token-file "$token" \
			--eth-port net_af_packet0 --eth-ip 10.77.0.3 || exit 1
		for size in ${sizes//,/ }; do
			for mode in latency throughput; do
				tag eth "$1" "$(ip netns exec "$ns_c" taskset -c 0 "$bin/dipc-perf" \
					"${remote_eal[@]}" --vdev="net_af_packet0,iface=${prefix}vc" -- \
					--transport eth --peer 10.77.0.3 --local-ip 10.77.0.4 \
					--mode "$mode" --size "$size" "${perf_args[@]}" 2>/dev/null)" >>"$out"
			done
		done
		stop_bg
	}
	run_ring() { # run: the kernel's UDP sockets between the same namespaces
		local size mode extra
		start_bg "$work/server.log" "server ready" ip netns exec "$ns_s" "$bin/dipc-udpbench" \
			--role server --bind 10.77.0.1:7000 --cpu 1 --busy --sockbuf 8388608 || exit 1
		for size in ${sizes//,/ }; do
			for mode in pingpong window; do
				extra=()
				[ "$mode" = window ] && extra=(--window "$window")
				tag udp "$1" "$(ip netns exec "$ns_c" "$bin/dipc-udpbench" --role client \
					--peer 10.77.0.1:7000 --mode "$mode" "${extra[@]}" --size "$size" \
					--duration "$duration" --warmup 1 --cpu 0 --busy --sockbuf 8388608 \
					--json)" >>"$out"
			done
		done
		stop_bg
	}
	base=udp
fi

for run in $(seq "$runs"); do
	tag probe "$run" "$("$bin/dipc-cacheprobe" --cpus 0,1 --json)" >>"$out"
	if [ $((run % 2)) -eq 1 ]; then
		run_ring "$run"; run_eth "$run"
	else
		run_eth "$run"; run_ring "$run"
	fi
	tag probe "$run" "$("$bin/dipc-cacheprobe" --cpus 0,1 --json)" >>"$out"
	echo "eth-bench: run $run of $runs done" >&2
done
stop_bg

python3 - "$out" "$base" "$link" "$zero_copy" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
base, link, zc = sys.argv[2], sys.argv[3], sys.argv[4] == "yes"
mode_of = {("ring", "lat"): "latency", ("ring", "win"): "throughput",
           ("eth", "lat"): "latency", ("eth", "win"): "throughput",
           ("udp", "lat"): "pingpong", ("udp", "win"): "window"}
def series(system, kind, size, key):
    out = {}
    for r in rows:
        if r.get("system") != system or r.get("mode") != mode_of[(system, kind)] or \
           int(r.get("size", -1)) != size:
            continue
        v = r
        for k in key.split("."):
            v = v[k]
        out[r["run"]] = float(v)
    return out
def fmt(xs, unit):
    xs = sorted(xs.values())
    return f"{statistics.median(xs):,.0f} {unit} ({xs[0]:,.0f}–{xs[-1]:,.0f})"
sizes = sorted({int(r["size"]) for r in rows if r.get("system") == "eth"})
name = {"ring": "ring transport", "udp": "kernel UDP"}[base]
target = {"memif": {"lat": "≤ 3x", "win": "≥ 0.3x"}, "afpacket": {"lat": "–", "win": "–"}}[link]
over = f"{link}, zero-copy client" if zc else link
print(f"| metric | {name}: median (min–max) | eth over {over}: median (min–max) | "
      f"eth/{base}, ratio of medians | per-run ratios | target |")
print("|---|---|---|---|---|---|")
for size in sizes:
    for kind, label, key, unit in (("lat", "RTT p50", "lat_ns.p50", "ns"),
                                   ("lat", "RTT p99", "lat_ns.p99", "ns"),
                                   ("win", "windowed echo", "msgs_per_s", "msg/s")):
        b, e = series(base, kind, size, key), series("eth", kind, size, key)
        if not b or not e:
            continue
        ratios = sorted(e[k] / b[k] for k in b if k in e and b[k] > 0)
        ratio = statistics.median(e.values()) / statistics.median(b.values())
        t = target[kind] if label != "RTT p99" else "–"
        print(f"| {label}, {size} B | {fmt(b, unit)} | {fmt(e, unit)} | {ratio:.2f}x | "
              f"{ratios[0]:.2f}–{ratios[-1]:.2f} | {t} |")
probe = sorted(r["rtt_ns"]["median"] for r in rows if r["system"] == "probe")
print(f"\ncache-line ping-pong probe (CPU 0 <-> 1), {len(probe)} samples around the runs: "
      f"median {statistics.median(probe):.0f} ns, min {probe[0]:.0f}, max {probe[-1]:.0f}")
print(f"raw results: {sys.argv[1]}")
PY
