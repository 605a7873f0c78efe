# SPDX-License-Identifier: BSD-3-Clause
# Shell helpers shared by the tools/ scripts. Source it; it defines:
#   start_bg LOG READY-TEXT CMD...  start CMD in the background, its output in
#                                   LOG; wait up to 10 s (DIPC_START_TIMEOUT_S)
#                                   for READY-TEXT in LOG; sets $server to its pid
#   stop_bg                         SIGTERM $server, wait up to 10 s, then
#                                   SIGKILL; only the pid we started
#   probe_ns PROBE-BIN              the cache-line ping-pong probe's median
#                                   round trip, ns (dipc-cacheprobe --json)

server=""

start_bg() {
	local log=$1 ready=$2
	shift 2
	# Empty it here: the background child truncates it only when it runs,
	# and a READY-TEXT left by an earlier server in the same LOG would pass.
	: >"$log"
	"$@" >"$log" 2>&1 &
	server=$!
	for _ in $(seq $((${DIPC_START_TIMEOUT_S:-10} * 20))); do
		grep -q "$ready" "$log" && return 0
		kill -0 "$server" 2>/dev/null || break
		sleep 0.05
	done
	cat "$log" >&2
	echo "$(basename "$0"): did not start: $*" >&2
	return 1
}

stop_bg() {
	[ -n "$server" ] || return 0
	kill -TERM "$server" 2>/dev/null || true
	for _ in $(seq 100); do kill -0 "$server" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$server" 2>/dev/null || true
	wait "$server" 2>/dev/null || true
	server=""
}

probe_ns() {
	"$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["rtt_ns"]["median"])'
}
