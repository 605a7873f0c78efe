# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Shell helpers for a RouDi of one's own, shared by tools/iceoryx-bench.sh
# and tests/iceoryx-bench.sh. Source it; it defines:
#   iox_answers                  0 when a RouDi answers on /tmp/roudi
#   iox_begin                    1 (said) when one does; else notes which of
#                                RouDi's fixed files exist already
#   iox_config FILE SIZE COUNT...  a RouDi config with a mempool of COUNT
#                                chunks of SIZE bytes per pair
#   iox_start_roudi CONFIG LOG   iox-roudi -c CONFIG, output in LOG; waits
#                                up to 20 s for it to be ready; sets
#                                $iox_roudi_pid; 0, or 1 (said)
#   iox_spawn OUT ERR CMD...     CMD in the background, its stdout in OUT and
#                                stderr in ERR; its pid in $iox_pid, and
#                                recorded for iox_end
#   iox_wait_text SECS TEXT FILE...  up to SECS for TEXT in every FILE: 0, or 1
#   iox_wait_exit SECS PID...    up to SECS for every PID to exit: 0, or 1
#   iox_stop PID                 SIGTERM, up to 10 s, then SIGKILL, reaped
#   iox_end                      stops what iox_spawn started that still
#                                runs, then RouDi ($iox_roudi_pid, if still
#                                set); once a RouDi was started, removes its
#                                fixed files that iox_begin did not see; and
#                                the sockets the spawned processes left
# Only pids started through these helpers are ever signalled.
#
# iceoryx 2.0 (Debian 12's) has one RouDi per machine: its socket
# /tmp/roudi, its locks /tmp/roudi.lock and /tmp/iox-unique-roudi.lock and
# its shared memory /dev/shm/iceoryx_mgmt and /dev/shm/<group> are names
# compiled in (no domain id before iceoryx 3). A RouDi removes them on
# SIGTERM; each runtime (dipc-iceoryx-bench names its own
# dipc-iox-pub-PID or dipc-iox-sub-PID) has a socket and a lock in /tmp,
# which a process killed before its exit leaves behind.

iox_roudi_pid=""
iox_roudi_started=""
iox_pids=()
iox_present=()
iox_fixed=(/tmp/roudi /tmp/roudi.lock /tmp/iox-unique-roudi.lock /dev/shm/iceoryx_mgmt
	"/dev/shm/$(id -gn)")

iox_answers() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
try:
    s.connect("/tmp/roudi")
except OSError:
    sys.exit(1)' 2>/dev/null
}

iox_begin() {
	local f
	if iox_answers; then
		echo "$(basename "$0"): a RouDi already answers on /tmp/roudi: iceoryx 2.0 has one" \
			"per machine (fixed names, no domain id); stop it first" >&2
		return 1
	fi
	iox_present=()
	for f in "${iox_fixed[@]}"; do
		[ -e "$f" ] && iox_present+=("$f")
	done
	return 0
}

iox_config() {
	local file=$1
	shift
	{
		printf '[general]\nversion = 1\n\n[[segment]]\n'
		while [ $# -ge 2 ]; do
			printf '\n[[segment.mempool]]\nsize = %d\ncount = %d\n' "$1" "$2"
			shift 2
		done
	} >"$file"
}

iox_wait_text() {
	local secs=$1 text=$2 f missing
	shift 2
	for _ in $(seq $((secs * 20))); do
		missing=0
		for f in "$@"; do
			grep -q "$text" "$f" 2>/dev/null || { missing=1; break; }
		done
		[ "$missing" -eq 0 ] && return 0
		sleep 0.05
	done
	return 1
}

iox_wait_exit() {
	local secs=$1 p alive
	shift
	for _ in $(seq $((secs * 10))); do
		alive=0
		for p in "$@"; do
			kill -0 "$p" 2>/dev/null && { alive=1; break; }
		done
		[ "$alive" -eq 0 ] && return 0
		sleep 0.1
	done
	return 1
}

iox_stop() {
	local pid=$1
	kill -TERM "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	return 0
}

iox_start_roudi() {
	local config=$1 log=$2
	iox-roudi -c "$config" -l warning >"$log" 2>&1 &
	iox_roudi_pid=$!
	iox_roudi_started=1
	if ! iox_wait_text 20 "RouDi is ready for clients" "$log"; then
		cat "$log" >&2
		echo "$(basename "$0"): iox-roudi did not start within 20 s" >&2
		return 1
	fi
	return 0
}

iox_spawn() {
	local out=$1 err=$2
	shift 2
	"$@" >"$out" 2>"$err" &
	iox_pid=$!
	iox_pids+=("$iox_pid")
}

iox_end() {
	local p f
	for p in "${iox_pids[@]}"; do
		kill -0 "$p" 2>/dev/null && iox_stop "$p"
	done
	# RouDi last: on SIGTERM it also stops the runtimes it knows.
	[ -n "$iox_roudi_pid" ] && iox_stop "$iox_roudi_pid"
	iox_roudi_pid=""
	if [ -n "$iox_roudi_started" ]; then
		for f in "${iox_fixed[@]}"; do
			[[ " ${iox_present[*]} " == *" $f "* ]] || rm -f "$f"
		done
	fi
	for p in "${iox_pids[@]}"; do
		rm -f "/tmp/dipc-iox-pub-$p" "/tmp/dipc-iox-pub-$p.lock" \
			"/tmp/dipc-iox-sub-$p" "/tmp/dipc-iox-sub-$p.lock"
	done
	iox_pids=()
}
