#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs the programs of examples/ end to end, each against a server this
# script starts on its own EAL file prefix (and stops, checking that every
# mbuf came home): the echo client, the key-value client against
# dipc-server; the service's client against the service's own server.
# Used twice: on the examples built in the tree (meson test examples), and
# on the ones tools/examples-oot.sh builds out of tree from an installed
# copy with nothing but pkg-config.
#
# Usage: run_examples.sh --server DIPC_SERVER --echo ECHO_CLIENT --kv KV_CLIENT
#          [--service-server SERVER --service-client CLIENT]
# Exit status 0 when every example did what it should; 77 (skip) when no
# hugepages are free; 1 otherwise. Run it under flock /tmp/dipc-suite.lock
# when other DPDK tests may run (meson test does not take that lock).
set -euo pipefail

server_bin=""; echo_bin=""; kv_bin=""; svc_server=""; svc_client=""
while [ $# -gt 0 ]; do
	case "$1" in
	--server) server_bin=$2; shift 2 ;;
	--echo) echo_bin=$2; shift 2 ;;
	--kv) kv_bin=$2; shift 2 ;;
	--service-server) svc_server=$2; shift 2 ;;
	--service-client) svc_client=$2; shift 2 ;;
	*) echo "run_examples: unknown option '$1'" >&2; exit 2 ;;
	esac
done
[ -x "$server_bin" ] && [ -x "$echo_bin" ] && [ -x "$kv_bin" ] ||
	{ echo "run_examples: --server, --echo and --kv must name programs" >&2; exit 2; }
if [ "$(awk '/^HugePages_Free:/ {print $2}' /proc/meminfo)" -lt 128 ]; then
	echo "run_examples: SKIP: fewer than 128 free 2 MB hugepages (tools/setup.sh)"
	exit 77
fi

top=$(cd "$(dirname "$0")/.." && pwd)
prefix=dipcex_$$
work=$(mktemp -d /tmp/dipc-examples.XXXXXX)
export DIPC_START_TIMEOUT_S=${DIPC_START_TIMEOUT_S:-60}
. "$top/tools/lib.sh"
cleanup() {
	stop_bg
	rm -rf "/var/run/dpdk/$prefix" "$work"
	rm -f /dev/hugepages/"$prefix"map_* 2>/dev/null || true
}
trap cleanup EXIT
fails=0
fail() { echo "run_examples: FAILED: $*"; fails=$((fails + 1)); }

# A program's output must hold each line given (grep -F), and its status be 0.
expect() { # name log status line...
	local name=$1 log=$2 st=$3 line
	shift 3
	[ "$st" -eq 0 ] || { fail "$name exited $st"; cat "$log"; return; }
	for line in "$@"; do
		grep -qF -- "$line" "$log" || { fail "$name: no '$line' in its output"; cat "$log"; return; }
	done
	echo "run_examples: $name ok"
}

# Start a server (pinned like the tests: control lcore 0, worker lcore 1).
start() { # binary ready-text args...
	local bin=$1 ready=$2
	shift 2
	start_bg "$work/server.log" "$ready" "$bin" -l 0-1 --file-prefix="$prefix" -- "$@"
}

# Stop it; it must exit 0 with every mbuf back in its pool.
stop() { # name
	local pid=$server st=0
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" || st=$?
	server=""
	[ "$st" -eq 0 ] || fail "$1: the server exited $st"
	if ! grep -E "pool dipc_pool_0: ([0-9]+) of \1 mbufs free" "$work/server.log" >/dev/null; then
		fail "$1: not every mbuf came back"
		tail -20 "$work/server.log"
	fi
}

run() { # log program args...
	local log=$1 st=0
	shift
	taskset -c 0 "$@" >"$log" 2>&1 || st=$?
	echo "$st"
}

# dipc-server with its key-value service, for the echo and kv clients.
start "$server_bin" "dipc-server: ready" --kv 1
st=$(run "$work/echo.log" "$echo_bin" --file-prefix="$prefix" -- --count 2000 --size 100)
expect echo_client "$work/echo.log" "$st" "echo_client: 2000 echoes of 100 bytes, all matched"
# The largest body of the default size class (2176-byte rooms).
st=$(run "$work/echo2.log" "$echo_bin" --file-prefix="$prefix" -- --count 10 --size 2024)
expect "echo_client --size 2024" "$work/echo2.log" "$st" "10 echoes of 2024 bytes, all matched"
st=$(run "$work/kv.log" "$kv_bin" --file-prefix="$prefix" -- put color blue get color \
	put color green get color del color get color del color)
expect kv_client "$work/kv.log" "$st" "put color: OK, version 1" \
	"get color: OK, version 1, 4 bytes: blue" "put color: OK, version 2" \
	"get color: OK, version 2, 5 bytes: green" "del color: OK" "get color: NOT_FOUND" \
	"del color: NOT_FOUND"
# Usage errors and help, with the server up and without touching it.
st=$(run "$work/kvbad.log" "$kv_bin" --file-prefix="$prefix" -- put onlykey)
[ "$st" -eq 2 ] || fail "kv_client with a bad command exited $st, not 2"
stop "dipc-server"
# No server: the client says so.
st=$(run "$work/none.log" "$echo_bin" --file-prefix="$prefix" -- --count 1)
[ "$st" -eq 3 ] && grep -q "no dipc server is running" "$work/none.log" ||
	{ fail "echo_client with no server: status $st"; cat "$work/none.log"; }

if [ -n "$svc_server" ]; then
	start "$svc_server" "ready"
	st=$(run "$work/svc.log" "$svc_client" --file-prefix="$prefix" -- Ada Grace Ada)
	expect "service client" "$work/svc.log" "$st" \
		"Hello, Ada! You are visitor 1 of this server." \
		"Hello, Grace! You are visitor 2 of this server." \
		"Hello, Ada! You are visitor 3 of this server."
	st=$(run "$work/svc2.log" "$svc_client" --file-prefix="$prefix" -- --fr Marie)
	expect "service client --fr" "$work/svc2.log" "$st" \
		"Bonjour, Marie ! Vous êtes le visiteur 4 de ce serveur."
	# A name the handler refuses (over 64 bytes): an error answer, status 1.
	st=$(run "$work/svc3.log" "$svc_client" --file-prefix="$prefix" -- \
		"$(printf 'x%.0s' $(seq 65))")
	if [ "$st" -ne 1 ] || ! grep -q "refused: body length does not match" "$work/svc3.log"; then
		fail "service client with a long name: status $st"
		cat "$work/svc3.log"
	else
		echo "run_examples: service refusal ok"
	fi
	stop "service server"
	grep -q "my_server: greeted 4 visitors" "$work/server.log" ||
		{ fail "the service server did not count 4 visitors"; cat "$work/server.log"; }
fi

[ "$fails" -eq 0 ] && echo "run_examples: every example ok"
exit $((fails != 0))
