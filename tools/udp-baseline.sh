#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Kernel UDP between two network namespaces joined by a veth pair: the
# baseline of dipc's eth transport over veth + net_af_packet between two
# namespaces. Two namespaces of its own (names from this shell's pid), a
# veth pair between them (server 10.77.0.1/24, client 10.77.0.2/24 by
# default), dipc-udpbench's server in one (CPU 1) and its client in the
# other (CPU 0): pingpong (round-trip p50, p90, p99, p99.9, max) and window
# (msg/s, Gbit/s of echoed payload), each with the datagrams lost. The
# veth pair keeps the kernel's defaults (offloads, qdisc, MTU 1500).
#
# Whatever happens (an error, ^C), the server is stopped by its pid and
# both namespaces deleted (the veth pair goes with them). Must run as root.
#
# Usage: tools/udp-baseline.sh [--build-dir D] [--duration S] [--warmup S]
#          [--size N] [--window W] [--cpus CLIENT,SERVER] [--server-ip A]
#          [--client-ip A] [--port P] [--busy] [--json]
#   --busy   server and client busy-poll (MSG_DONTWAIT), as dipc's workers do
#   --json   the clients' JSON lines (dipc-udpbench --json) instead of text
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
duration=5; warmup=1; size=64; window=32; cpus=0,1
server_ip=10.77.0.1; client_ip=10.77.0.2; port=7000; busy=(); json=()
while [ $# -gt 0 ]; do
	case "$1" in
	--build-dir) build=$(realpath -m "$2"); shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--warmup) warmup=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--server-ip) server_ip=$2; shift 2 ;;
	--client-ip) client_ip=$2; shift 2 ;;
	--port) port=$2; shift 2 ;;
	--busy) busy=(--busy); shift ;;
	--json) json=(--json); shift ;;
	-h|--help) sed -n '3,20p' "$0"; exit 0 ;;
	*) echo "udp-baseline: unknown option '$1'" >&2; exit 2 ;;
	esac
done
die() { echo "udp-baseline: $*" >&2; exit 1; }
[[ "$cpus" =~ ^[0-9]+,[0-9]+$ ]] || { echo "udp-baseline: --cpus '$cpus': CLIENT,SERVER" >&2; exit 2; }
cpu_client=${cpus%,*}
cpu_server=${cpus#*,}
[ "$(id -u)" -eq 0 ] || die "must run as root (ip netns, veth)"
bin="$build/app/dipc-udpbench"
[ -x "$bin" ] || die "$bin missing: build first (meson setup $build && ninja -C $build)"
command -v ip >/dev/null || die "ip missing (iproute2)"

ns_server="dipcudp$$-srv"
ns_client="dipcudp$$-cli"
veth_server="du$$s"
veth_client="du$$c"
work=$(mktemp -d /tmp/dipc-udp-baseline.XXXXXX)
created=()
. "$top/tools/lib.sh"
cleanup() {
	local ns
	stop_bg
	# Only the namespaces this run made; their veth ends go with them.
	for ns in "${created[@]}"; do
		ip netns del "$ns" 2>/dev/null || echo "udp-baseline: cannot delete namespace $ns" >&2
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for ns in "$ns_server" "$ns_client"; do
	ip netns add "$ns" || die "cannot create network namespace $ns"
	created+=("$ns")
done
ip link add "$veth_server" netns "$ns_server" type veth peer name "$veth_client" \
	netns "$ns_client" || die "cannot create the veth pair $veth_server-$veth_client"
ip -n "$ns_server" addr add "$server_ip/24" dev "$veth_server"
ip -n "$ns_client" addr add "$client_ip/24" dev "$veth_client"
for ns in "$ns_server" "$ns_client"; do
	ip -n "$ns" link set lo up
done
ip -n "$ns_server" link set "$veth_server" up
ip -n "$ns_client" link set "$veth_client" up

echo "udp-baseline: namespaces $ns_server ($server_ip, $veth_server, CPU $cpu_server)" \
	"and $ns_client ($client_ip, $veth_client, CPU $cpu_client), $size B," \
	"${duration} s after ${warmup} s${busy:+, busy-polling}"
# ip netns exec execs the program: $server is dipc-udpbench's own pid.
start_bg "$work/server.log" "server ready" ip netns exec "$ns_server" "$bin" --role server \
	--bind "$server_ip:$port" --cpu "$cpu_server" "${busy[@]}" || die "the server did not start"
cat "$work/server.log"

for mode in pingpong window; do
	extra=()
	[ "$mode" = window ] && extra=(--window "$window")
	ip netns exec "$ns_client" "$bin" --role client --peer "$server_ip:$port" \
		--mode "$mode" "${extra[@]}" --size "$size" --duration "$duration" \
		--warmup "$warmup" --cpu "$cpu_client" "${busy[@]}" "${json[@]}" ||
		die "the $mode client failed"
done
stop_bg
cat "$work/server.log"
