#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dipc-udpbench on 127.0.0.1, no namespaces: a server on a port the kernel
# chooses, then a client about a second in each mode (and briefly busy-
# polling) with --json: the JSON well formed, a nonzero rate, nothing lost
# or bad, pingpong's percentiles in order and its --hist-csv written. A
# second server on the same port fails (exit 1); the server stops on
# SIGTERM with exit status 0; a client then finds no server (exit 1, not a
# hang); bad options exit 2 with a message. No timing is asserted: the
# client waits 30 s for an echo before it counts it lost, so a loaded
# machine makes no loss.
#
# Usage: udpbench.sh PATH-TO-dipc-udpbench
set -uo pipefail

bin=${1:?usage: udpbench.sh PATH-TO-dipc-udpbench}
work=$(mktemp -d /tmp/dipc-udpbench-test.XXXXXX) || exit 1
server=""
fails=0

# Only the server this script started, by its pid.
cleanup() {
	if [ -n "$server" ]; then
		kill -KILL "$server" 2>/dev/null
		wait "$server" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "udpbench: FAILED: $*"
	fails=$((fails + 1))
}

# The server, not pinned: any CPU of a CI machine.
"$bin" --role server --bind 127.0.0.1:0 --cpu -1 >"$work/server.log" 2>&1 &
server=$!
port=""
for _ in $(seq 200); do
	port=$(sed -n 's/^dipc-udpbench: server ready on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' \
		"$work/server.log")
	[ -n "$port" ] && break
	kill -0 "$server" 2>/dev/null || break
	sleep 0.05
done
if [ -z "$port" ]; then
	cat "$work/server.log"
	echo "udpbench: FAILED: the server did not start"
	exit 1
fi
echo "udpbench: server on 127.0.0.1:$port (pid $server)"

# check_json MODE JSON: the figures a run must have, whatever the machine.
check_json() {
	python3 - "$1" "$2" <<'PY'
import json, sys
mode, text = sys.argv[1], sys.argv[2]
lines = text.strip().splitlines()
if len(lines) != 1:
    sys.exit("not one line of JSON: %r" % text)
d = json.loads(lines[0])
errors = []
for k, want in (("tool", "dipc-udpbench"), ("mode", mode), ("size", 64), ("lost", 0),
                ("bad", 0)):
    if d.get(k) != want:
        errors.append("%s is %r, not %r" % (k, d.get(k), want))
for k in ("messages", "msgs_per_s", "mb_per_s", "gbit_per_s", "sent", "echoed",
          "duration_s"):
    if not isinstance(d.get(k), (int, float)) or d[k] <= 0:
        errors.append("%s is %r, not above 0" % (k, d.get(k)))
if d.get("echoed", 0) > d.get("sent", 0):
    errors.append("more echoed than sent")
if mode == "pingpong":
    lat = d.get("lat_ns", {})
    v = [lat.get(k) for k in ("min", "p50", "p90", "p99", "p999", "max")]
    if None in v or v != sorted(v) or v[0] <= 0:
        errors.append("lat_ns not in order: %r" % lat)
if errors:
    sys.exit("; ".join(errors))
PY
}

client=("$bin" --role client --peer "127.0.0.1:$port" --cpu -1 --timeout-ms 30000 --json)
for mode in pingpong window; do
	extra=()
	[ "$mode" = pingpong ] && extra=(--hist-csv "$work/hist.csv")
	out=$("${client[@]}" --mode "$mode" --duration 1 --warmup 0.2 "${extra[@]}" \
		2>"$work/client.err")
	st=$?
	if [ "$st" -ne 0 ]; then
		fail "client --mode $mode: exit status $st: $(cat "$work/client.err")"
		continue
	fi
	if err=$(check_json "$mode" "$out" 2>&1); then
		echo "udpbench: $mode: ok: $out"
	else
		fail "client --mode $mode: $err"
	fi
done
if ! head -1 "$work/hist.csv" 2>/dev/null | grep -q '^kind,lo_ns,hi_ns,count'; then
	fail "pingpong --hist-csv: no histogram in $work/hist.csv"
fi
# Busy-polling, briefly: the MSG_DONTWAIT paths.
if out=$("${client[@]}" --mode window --window 8 --busy --duration 0.3 --warmup 0.1 \
	2>"$work/client.err") && err=$(check_json window "$out" 2>&1); then
	echo "udpbench: window --busy: ok"
else
	fail "client --mode window --busy: ${err:-$(cat "$work/client.err")}"
fi

# The port is taken: a second server says so and fails.
"$bin" --role server --bind "127.0.0.1:$port" --cpu -1 >"$work/second.log" 2>&1
st=$?
if [ "$st" -ne 1 ] || ! grep -q "cannot bind 127.0.0.1:$port" "$work/second.log"; then
	fail "a second server on port $port: exit status $st, $(cat "$work/second.log")"
else
	echo "udpbench: port in use: ok"
fi

# SIGTERM: the server prints its count and exits 0 (within 10 s).
kill -TERM "$server"
for _ in $(seq 100); do
	kill -0 "$server" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$server" 2>/dev/null && echo "udpbench: the server outlived SIGTERM by 10 s: SIGKILL"
kill -KILL "$server" 2>/dev/null
wait "$server"
st=$?
server=""
if [ "$st" -ne 0 ] || ! grep -q "datagrams echoed" "$work/server.log"; then
	fail "server after SIGTERM: exit status $st, $(cat "$work/server.log")"
else
	echo "udpbench: server stop: ok: $(tail -1 "$work/server.log")"
fi

# No server any more: the client gives up (5 s of probes), exit status 1.
"${client[@]}" --duration 0.2 --warmup 0 --timeout-ms 100 >"$work/none.out" 2>&1
st=$?
if [ "$st" -ne 1 ] || ! grep -q "no echo from" "$work/none.out"; then
	fail "client without a server: exit status $st, $(cat "$work/none.out")"
else
	echo "udpbench: no server: ok"
fi

# Bad usage: exit status 2, a message naming the tool, nothing on stdout.
bad_args=(
	""
	"--role bogus"
	"--role server"
	"--role client"
	"--role client --peer 127.0.0.1"
	"--role client --peer 127.0.0.1:0"
	"--role client --peer 256.0.0.1:7000"
	"--role client --peer ::1:7000"
	"--role client --peer 127.0.0.1:70000"
	"--role client --peer 127.0.0.1:7000 --size 0"
	"--role client --peer 127.0.0.1:7000 --size 7"
	"--role client --peer 127.0.0.1:7000 --size 65508"
	"--role client --peer 127.0.0.1:7000 --mode stream"
	"--role client --peer 127.0.0.1:7000 --window 8"
	"--role client --peer 127.0.0.1:7000 --mode window --window 0"
	"--role client --peer 127.0.0.1:7000 --mode window --hist-csv x"
	"--role client --peer 127.0.0.1:7000 --duration -1"
	"--role client --peer 127.0.0.1:7000 --timeout-ms 0"
	"--role client --peer 127.0.0.1:7000 --cpu x"
	"--role client --peer 127.0.0.1:7000 --bogus"
	"--role client --peer 127.0.0.1:7000 --size"
	"--role client --bind 127.0.0.1:7000 --peer 127.0.0.1:7000"
	"--role server --bind 127.0.0.1:7000 --json"
	"--role server --bind 127.0.0.1:7000 --mode window"
)
bad_fails=0
for a in "${bad_args[@]}"; do
	# shellcheck disable=SC2086
	"$bin" $a >"$work/bad.out" 2>"$work/bad.err"
	st=$?
	if [ "$st" -ne 2 ] || [ -s "$work/bad.out" ] || ! grep -q '^dipc-udpbench: ' "$work/bad.err"; then
		fail "'$a': exit status $st (not 2), stderr: $(head -1 "$work/bad.err")"
		bad_fails=$((bad_fails + 1))
	fi
done
[ "$bad_fails" -eq 0 ] && echo "udpbench: ${#bad_args[@]} bad usages: exit status 2 with a message"

if [ "$fails" -ne 0 ]; then
	echo "udpbench: $fails failure(s)"
	exit 1
fi
echo "udpbench: ok"
