#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Proof that a dipc worker lcore makes no heap call and no system call on
# its hot path, over a run of at least 1,000,000 messages:
#   - dipc-server runs with --idle busy (no idle sleeps) under an LD_PRELOAD
#     counter of malloc/calloc/realloc/memalign/free per thread
#     (tools/malloc-count.c);
#   - strace -c is attached to the worker thread alone for the whole run;
#   - dipc-perf drives windowed echo, ping-pong and one-way traffic.
# Prints the counts and exits non-zero if any is not zero. Controls show the
# instruments can see: strace must report it attached, the server's main
# thread must show heap calls, and a second server with --idle backoff must
# show the worker's idle sleeps to the same strace.
#
# Usage: tools/hotpath-proof.sh [--messages N]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/app"
preload="$top/build/tools/malloc-count.so"
messages=1000000
[ "${1:-}" = "--messages" ] && messages=$2
for f in "$bin/dipc-server" "$bin/dipc-perf" "$preload"; do
	[ -e "$f" ] || { echo "hotpath-proof: $f missing: run tools/setup.sh" >&2; exit 1; }
done
command -v strace >/dev/null || { echo "hotpath-proof: strace missing: run tools/setup.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/dipc-proof.XXXXXX)
prefix=dipcproof_$$
. "$top/tools/lib.sh"
tracer=""
cleanup() {
	[ -n "$tracer" ] && kill -INT "$tracer" 2>/dev/null || true
	[ -n "$server" ] && kill -KILL "$server" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -f /dev/hugepages/${prefix}map_* 2>/dev/null || true
	rm -rf "/var/run/dpdk/$prefix" "$work"
}
trap cleanup EXIT

start_bg "$work/server.log" "dipc-server: ready" env LD_PRELOAD="$preload" \
	MALLOC_COUNT_THREADS=rte-worker \
	"$bin/dipc-server" -l 0-1 --file-prefix "$prefix" -- --idle busy || exit 1

worker=""
for t in /proc/$server/task/*; do
	[ "$(cat "$t/comm")" = "rte-worker-1" ] && worker=$(basename "$t")
done
[ -n "$worker" ] || { echo "hotpath-proof: no rte-worker-1 thread in pid $server" >&2; exit 1; }
strace -c -p "$worker" -o "$work/strace.txt" 2>"$work/strace.err" &
tracer=$!
sleep 1 # let strace attach before traffic starts

for mode in throughput latency oneway; do
	taskset -c 0 "$bin/dipc-perf" --file-prefix "$prefix" -- --mode "$mode" \
		--count "$messages" --warmup 0 --verify
done

kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true; tracer=""
stop_bg
grep -q "attached" "$work/strace.err" || { cat "$work/strace.err"; echo "hotpath-proof: strace did not attach"; exit 1; }

# Control: the same strace on an idle backoff worker must count its sleeps.
start_bg "$work/control.log" "dipc-server: ready" "$bin/dipc-server" -l 0-1 \
	--file-prefix "$prefix" -- --idle backoff --idle-spins 0 || exit 1
cworker=""
for t in /proc/$server/task/*; do
	[ "$(cat "$t/comm")" = "rte-worker-1" ] && cworker=$(basename "$t")
done
strace -c -p "$cworker" -o "$work/control-strace.txt" 2>/dev/null &
tracer=$!
sleep 1
kill -INT "$tracer"; wait "$tracer" 2>/dev/null || true; tracer=""
stop_bg
control_calls=$(awk '$NF == "total" {print $(NF-2) ~ /^[0-9]+$/ ? $(NF-2) : $(NF-1)}' "$work/control-strace.txt")
main_allocs=$(sed -n 's/^malloc-count: tid [0-9]* (dipc-server): \([0-9]*\) allocations.*/\1/p' "$work/server.log" | head -n 1)

rx=$(sed -n 's/^dipc-server: messages rx \([0-9]*\),.*/\1/p' "$work/server.log")
allocs=$(sed -n 's/^malloc-count: tid [0-9]* (rte-worker-1): \([0-9]*\) allocations, \([0-9]*\) frees/\1 \2/p' "$work/server.log")
calls=$(awk '$NF == "total" {print $(NF-2) ~ /^[0-9]+$/ ? $(NF-2) : $(NF-1)}' "$work/strace.txt")
[ -n "$calls" ] || calls=$(grep -c '^ *[0-9]' "$work/strace.txt" || true)

echo
echo "worker thread (tid $worker, rte-worker-1) over $rx messages:"
echo "  heap calls (allocations frees): ${allocs:-missing}"
echo "  system calls (strace -c):       ${calls:-0}"
sed 's/^/    /' "$work/strace.txt"
echo "controls:"
echo "  main thread heap calls (allocations): ${main_allocs:-0}"
echo "  idle backoff worker, 1 s, system calls: ${control_calls:-0}"
[ "${main_allocs:-0}" -gt 0 ] || { echo "hotpath-proof: FAIL: the heap counter saw nothing at all"; exit 1; }
[ "${control_calls:-0}" -gt 0 ] || { echo "hotpath-proof: FAIL: strace saw no idle sleeps"; exit 1; }
[ -n "$rx" ] && [ "$rx" -ge "$messages" ] || { echo "hotpath-proof: FAIL: only ${rx:-0} messages"; exit 1; }
[ "$allocs" = "0 0" ] || { echo "hotpath-proof: FAIL: the worker used the heap"; exit 1; }
[ "${calls:-0}" = "0" ] || { echo "hotpath-proof: FAIL: the worker made system calls"; exit 1; }
echo "hotpath-proof: PASS: no heap call and no system call on the worker"
