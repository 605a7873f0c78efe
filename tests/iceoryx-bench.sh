#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dipc-iceoryx-bench with a RouDi of the test's own (tools/iceoryx-lib.sh):
#   - no RouDi (no socket, then a socket file nobody is bound to): the
#     publisher and a subscriber exit 1 at once with the message that says
#     how to start one;
#   - bad usages exit 2 with a message, nothing on stdout;
#   - one publisher and two --verify subscribers, drop-oldest, about a
#     second: every subscriber got the end message and measured messages,
#     no payload mismatch, the publisher's rate and ns per message above 0;
#   - the same with --policy block and 4 KB messages: nothing lost at all;
#   - a --policy block subscriber with a drop-oldest publisher: RouDi does
#     not connect them, and the subscriber says so after its --timeout;
#   - RouDi stopped: its files are gone, and so are the benchmark's.
# No timing is asserted. Every wait is bounded; processes are stopped by
# their pids, RouDi last, on any exit. Exit 77 (skipped) when iox-roudi is
# missing or another RouDi answers on /tmp/roudi (iceoryx 2.0 has one per
# machine).
#
# Usage: iceoryx-bench.sh PATH-TO-dipc-iceoryx-bench
set -uo pipefail

bin=${1:?usage: iceoryx-bench.sh PATH-TO-dipc-iceoryx-bench}
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/iceoryx-lib.sh"
command -v iox-roudi >/dev/null ||
	{ echo "iceoryx-bench: SKIP: iox-roudi missing (apt-get install iceoryx)"; exit 77; }
iox_begin || { echo "iceoryx-bench: SKIP: another RouDi runs"; exit 77; }
work=$(mktemp -d /tmp/dipc-iceoryx-test.XXXXXX) || exit 1
stale=""
fails=0
cleanup() {
	iox_end
	[ -n "$stale" ] && rm -f /tmp/roudi
	rm -rf "$work"
}
trap cleanup EXIT

fail() {
	echo "iceoryx-bench: FAILED: $*"
	fails=$((fails + 1))
}

# no_roudi WHAT ROLE: exit status 1 within 10 s, the message on stderr.
no_roudi() {
	local what=$1 role=$2 st
	iox_spawn "$work/none.out" "$work/none.err" "$bin" --role "$role" --cpu -1 --timeout 5
	if ! iox_wait_exit 10 "$iox_pid"; then
		fail "$what: --role $role still runs after 10 s"
		iox_stop "$iox_pid"
		return
	fi
	wait "$iox_pid"
	st=$?
	if [ "$st" -ne 1 ] || ! grep -q "no RouDi at /tmp/roudi .*iox-roudi" "$work/none.err" ||
		[ "$(wc -l <"$work/none.err")" -ne 1 ]; then
		fail "$what: --role $role: exit status $st, stderr: $(cat "$work/none.err")"
	else
		echo "iceoryx-bench: $what: --role $role: ok: $(cat "$work/none.err")"
	fi
}

# 1. No RouDi: no socket; then a socket file that nobody is bound to.
if [ ! -e /tmp/roudi ]; then
	no_roudi "no RouDi" pub
	no_roudi "no RouDi" sub
	stale=1
	python3 -c 'import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/tmp/roudi")
s.close()' || fail "cannot make a stale /tmp/roudi"
fi
if [ -S /tmp/roudi ]; then
	no_roudi "a stale /tmp/roudi" pub
	grep -q "Connection refused" "$work/none.err" || fail "stale /tmp/roudi: not ECONNREFUSED"
fi
if [ -n "$stale" ]; then
	rm -f /tmp/roudi
	stale=""
fi

# 2. Bad usage: exit status 2, a message naming the tool, nothing on stdout.
bad_args=(
	""
	"--role bogus"
	"--role pub --size 23"
	"--role pub --size 4194305"
	"--role pub --duration 0"
	"--role pub --warmup -1"
	"--role pub --rate x"
	"--role pub --policy sometimes"
	"--role pub --history 17"
	"--role pub --timeout 0"
	"--role pub --cpu x"
	"--role pub --topic"
	"--role pub --verify"
	"--role pub --queue 8"
	"--role sub --queue 0"
	"--role sub --queue 257"
	"--role sub --size 64"
	"--role sub --duration 1"
	"--role sub --start-file x"
	"--role sub --bogus"
)
bad_fails=0
for a in "${bad_args[@]}"; do
	# shellcheck disable=SC2086
	"$bin" $a >"$work/bad.out" 2>"$work/bad.err"
	st=$?
	if [ "$st" -ne 2 ] || [ -s "$work/bad.out" ] || ! grep -q '^dipc-iceoryx-bench: ' "$work/bad.err"
	then
		fail "'$a': exit status $st (not 2), stderr: $(head -1 "$work/bad.err")"
		bad_fails=$((bad_fails + 1))
	fi
done
[ "$bad_fails" -eq 0 ] && echo "iceoryx-bench: ${#bad_args[@]} bad usages: exit status 2 with a message"

# 3. A RouDi of our own: 64 B chunks and 4 KB ones.
iox_config "$work/roudi.toml" 64 512 4096 512
iox_start_roudi "$work/roudi.toml" "$work/roudi.log" || exit 1
echo "iceoryx-bench: RouDi pid $iox_roudi_pid"

# check_run NAME POLICY: the publisher's and two subscribers' JSON.
check_run() {
	python3 - "$1" "$2" "$work/pub.json" "$work/sub-1.json" "$work/sub-2.json" <<'PY'
import json, sys
name, policy, files = sys.argv[1], sys.argv[2], sys.argv[3:]
errors = []
def one(f):
    lines = open(f).read().strip().splitlines()
    if len(lines) != 1:
        sys.exit("%s: not one line of JSON: %r" % (f, lines))
    return json.loads(lines[0])
pub, subs = one(files[0]), [one(f) for f in files[1:]]
for k in ("messages", "msgs_per_s", "cpu_ns_per_msg", "wall_ns_per_msg", "duration_s"):
    if not isinstance(pub.get(k), (int, float)) or pub[k] <= 0:
        errors.append("pub %s is %r, not above 0" % (k, pub.get(k)))
if pub.get("policy") != policy or pub.get("role") != "pub":
    errors.append("pub: %r" % pub)
for i, s in enumerate(subs, 1):
    for k, want in (("role", "sub"), ("policy", policy), ("verify", True), ("ended", True),
                    ("bad", 0), ("old", 0), ("published", pub.get("messages"))):
        if s.get(k) != want:
            errors.append("sub %d: %s is %r, not %r" % (i, k, s.get(k), want))
    if not s.get("messages", 0) > 0 or not s.get("msgs_per_s", 0) > 0:
        errors.append("sub %d received no measured message: %r" % (i, s))
    if s.get("messages", 0) + s.get("lost", -1) != pub.get("messages"):
        errors.append("sub %d: messages %r + lost %r != published %r"
                      % (i, s.get("messages"), s.get("lost"), pub.get("messages")))
    if policy == "block" and (s.get("lost") != 0 or s.get("gaps") != 0):
        errors.append("sub %d lost %r in %r gaps with --policy block"
                      % (i, s.get("lost"), s.get("gaps")))
if errors:
    sys.exit("; ".join(errors))
print("%s: pub %d msg/s; subs %s" % (name, pub["msgs_per_s"],
      ", ".join("%d msg/s, lost %d" % (s["msgs_per_s"], s["lost"]) for s in subs)))
PY
}

# run NAME POLICY SIZE: one publisher, two subscribers, about a second.
run() {
	local name=$1 policy=$2 size=$3 topic="t$$-$1" pub subs=() i st out
	rm -f "$work/go"
	iox_spawn "$work/pub.json" "$work/pub.log" "$bin" --role pub --topic "$topic" \
		--policy "$policy" --size "$size" --duration 1 --warmup 0.3 --cpu -1 \
		--start-file "$work/go" --timeout 60 --json
	pub=$iox_pid
	for i in 1 2; do
		iox_spawn "$work/sub-$i.json" "$work/sub-$i.log" "$bin" --role sub --topic "$topic" \
			--policy "$policy" --verify --cpu -1 --timeout 60 --json
		subs+=("$iox_pid")
	done
	if ! iox_wait_text 60 "subscribed" "$work/sub-1.log" "$work/sub-2.log" ||
		! iox_wait_text 60 "offering" "$work/pub.log"; then
		fail "$name: not started in 60 s: $(cat "$work/pub.log" "$work"/sub-*.log)"
		return
	fi
	: >"$work/go"
	if ! iox_wait_exit 120 "$pub" "${subs[@]}"; then
		fail "$name: still running after 120 s"
		return
	fi
	for i in "$pub" "${subs[@]}"; do
		wait "$i"
		st=$?
		[ "$st" -eq 0 ] || fail "$name: pid $i exit status $st: $(cat "$work"/*.log)"
	done
	if out=$(check_run "$name" "$policy" 2>&1); then
		echo "iceoryx-bench: $out"
	else
		fail "$name: $out"
	fi
}

run drop-oldest drop-oldest 64
run block block 4096

# 4. Incompatible policies: RouDi does not connect a blocking subscriber to
# a publisher that drops; the subscriber gives up after --timeout (2 s).
iox_spawn "$work/pub.json" "$work/pub.log" "$bin" --role pub --topic "x$$" --cpu -1 \
	--timeout 60 --start-file "$work/never"
pub=$iox_pid
iox_spawn "$work/sub.json" "$work/sub.log" "$bin" --role sub --topic "x$$" --policy block \
	--cpu -1 --timeout 2
sub=$iox_pid
if ! iox_wait_exit 30 "$sub"; then
	fail "incompatible policies: the subscriber still runs after 30 s"
else
	wait "$sub"
	st=$?
	if [ "$st" -ne 1 ] || ! grep -q "no message within 2.0 s.*does not connect" "$work/sub.log"; then
		fail "incompatible policies: exit status $st, $(cat "$work/sub.log")"
	else
		echo "iceoryx-bench: incompatible policies: ok"
	fi
fi
iox_stop "$pub"

# 5. RouDi stops on SIGTERM and takes its files; the benchmark's are gone.
roudi=$iox_roudi_pid
kill -TERM "$roudi"
if ! iox_wait_exit 20 "$roudi"; then
	fail "RouDi still runs 20 s after SIGTERM"
else
	wait "$roudi"
	iox_roudi_pid=""
	left=$(ls -d /tmp/roudi /dev/shm/iceoryx_mgmt "/tmp/dipc-iox-"*"-$pub" 2>/dev/null)
	if [ -n "$left" ]; then
		fail "left behind: $left"
	else
		echo "iceoryx-bench: RouDi stopped, its files gone"
	fi
fi

if [ "$fails" -ne 0 ]; then
	echo "iceoryx-bench: $fails failure(s)"
	exit 1
fi
echo "iceoryx-bench: ok"
