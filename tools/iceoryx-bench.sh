#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# iceoryx publish/subscribe fan-out, the baseline of dipc's pub/sub to come:
# a RouDi of its own (iox-roudi with a config this script writes: one
# mempool for --size chunks and one for the end message), then for 1, 4
# and 16 subscribers (--fanout), --runs runs each of one dipc-iceoryx-bench
# publisher and K subscribers, for --duration seconds after --warmup; the
# fan-outs interleaved within each run (1, 4, 16, 1, 4, 16...). With two
# CPUs the publisher is pinned to CPU 1 and every subscriber to CPU 0 (they
# share it, busy-polling); --cpus PUB,SUB changes that.
#
# Prints a markdown table: per fan-out the median (min..max) of the
# messages/s each subscriber received (over every subscriber of every run),
# the publisher's messages/s and its CPU and wall ns per message (over the
# runs), and each subscriber's lost messages and gaps. Every subscriber
# runs with --verify unless --no-verify.
#
# iceoryx 2.0 (Debian 12) has one RouDi per machine: its socket
# /tmp/roudi, locks /tmp/roudi.lock and /tmp/iox-unique-roudi.lock, and
# shared memory /dev/shm/iceoryx_mgmt and /dev/shm/<group> are names
# compiled in (no domain id before iceoryx 3). So this script refuses to
# run when another RouDi answers on /tmp/roudi. Whatever happens (an
# error, ^C), it stops the processes it started, by their pids (RouDi
# last), and removes the files of those names that were not there before
# it started, with the sockets of the benchmark processes it started.
#
# Usage: tools/iceoryx-bench.sh [--runs N] [--duration S] [--warmup S]
#          [--size N] [--fanout "1 4 16"] [--policy drop-oldest|block]
#          [--rate R] [--queue N] [--cpus PUB,SUB] [--no-verify]
#          [--build-dir D] [--out FILE.md] [--raw FILE.jsonl]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
runs=3; duration=5; warmup=1; size=64; fanout="1 4 16"; policy=drop-oldest; rate=0
queue=256; cpus=1,0; verify=(--verify); out=""; raw=""
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--warmup) warmup=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--fanout) fanout=$2; shift 2 ;;
	--policy) policy=$2; shift 2 ;;
	--rate) rate=$2; shift 2 ;;
	--queue) queue=$2; shift 2 ;;
	--cpus) cpus=$2; shift 2 ;;
	--no-verify) verify=(); shift ;;
	--build-dir) build=$(realpath -m "$2"); shift 2 ;;
	--out) out=$2; shift 2 ;;
	--raw) raw=$2; shift 2 ;;
	-h|--help) sed -n '3,32p' "$0"; exit 0 ;;
	*) echo "iceoryx-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
usage_err() { echo "iceoryx-bench: $*" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage_err "--runs '$runs': a count"
[[ "$size" =~ ^[0-9]+$ ]] || usage_err "--size '$size': bytes"
[[ "$cpus" =~ ^[0-9]+,[0-9]+$ ]] || usage_err "--cpus '$cpus': PUB,SUB"
for k in $fanout; do
	[[ "$k" =~ ^[1-9][0-9]*$ ]] || usage_err "--fanout '$fanout': subscriber counts"
done
cpu_pub=${cpus%,*}
cpu_sub=${cpus#*,}
die() { echo "iceoryx-bench: $*" >&2; exit 1; }

bin="$build/app/dipc-iceoryx-bench"
[ -x "$bin" ] || die "$bin missing: install libiceoryx-binding-c-dev and cmake (tools/setup.sh)," \
	"then build (meson setup $build && ninja -C $build)"
roudi=$(command -v iox-roudi) || die "iox-roudi missing: apt-get install iceoryx (tools/setup.sh)"

. "$top/tools/iceoryx-lib.sh"
iox_begin || exit 1
work=$(mktemp -d /tmp/dipc-iceoryx-bench.XXXXXX)
[ -n "$raw" ] || raw="$work/raw.jsonl"
: >"$raw"
cleanup() {
	iox_end
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# RouDi's mempools: the payload size (an 8-byte multiple) and, when that is
# larger, 64 B for the end message (56 B). Chunks: a full queue (256), the
# history and those held need about 300 at most; 2048, within 512 MB.
chunk=$(( (size + 7) / 8 * 8 ))
count=$(( 512 * 1024 * 1024 / (chunk + 64) ))
[ "$count" -gt 2048 ] && count=2048
[ "$count" -lt 16 ] && count=16
if [ "$chunk" -gt 64 ]; then
	iox_config "$work/roudi.toml" 64 64 "$chunk" "$count"
else
	iox_config "$work/roudi.toml" "$chunk" "$count"
fi
iox_start_roudi "$work/roudi.toml" "$work/roudi.log" || exit 1

rate_text="$rate msg/s"
[ "$rate" = 0 ] && rate_text="as fast as it can"
echo "iceoryx-bench: iceoryx $("$roudi" --version 2>/dev/null | sed -n 's/^RouDi version: //p')," \
	"a RouDi of its own (pid $iox_roudi_pid) with a mempool of $count chunks of $chunk B;" \
	"$size B messages, policy $policy, queue $queue, rate $rate_text," \
	"${duration} s after ${warmup} s, $runs run(s) of fan-out $fanout"
echo "iceoryx-bench: publisher pinned to CPU $cpu_pub, all subscribers to CPU $cpu_sub" \
	"($(nproc) CPUs: the subscribers share theirs, busy-polling);" \
	"load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# One run of one publisher and @k subscribers; their JSON lines to $raw.
one_run() {
	local k=$1 run=$2 topic="b$$-$1-$2" i pub pids=() logs=()
	local go="$work/go-$k-$run" deadline
	iox_spawn "$work/pub.json" "$work/pub.log" "$bin" --role pub --topic "$topic" \
		--size "$size" --duration "$duration" --warmup "$warmup" --rate "$rate" \
		--policy "$policy" --cpu "$cpu_pub" --start-file "$go" --timeout 60 --json
	pub=$iox_pid
	iox_wait_text 30 "pub offering" "$work/pub.log" ||
		{ cat "$work/pub.log" >&2; die "fan-out $k run $run: the publisher did not start"; }
	for i in $(seq "$k"); do
		iox_spawn "$work/sub-$i.json" "$work/sub-$i.log" "$bin" --role sub --topic "$topic" \
			--policy "$policy" --queue "$queue" --cpu "$cpu_sub" --timeout 60 --json \
			"${verify[@]}"
		pids+=("$iox_pid")
		logs+=("$work/sub-$i.log")
	done
	iox_wait_text 60 "sub subscribed" "${logs[@]}" ||
		{ cat "${logs[@]}" >&2; die "fan-out $k run $run: not every subscriber registered in 60 s"; }
	: >"$go"
	# The run, the publisher's own bounds (start, loans) and a margin.
	deadline=$(python3 -c "import math; print(math.ceil($warmup + $duration) + 90)")
	iox_wait_exit "$deadline" "$pub" "${pids[@]}" ||
		die "fan-out $k run $run: still running after $deadline s"
	wait "$pub" || { cat "$work/pub.log" >&2; die "fan-out $k run $run: the publisher failed"; }
	for i in $(seq "$k"); do
		# Exit status 1 with a report (no end message, a bad payload)
		# stays in the table and its notes; no report is an error.
		wait "${pids[$((i - 1))]}" || true
		[ -s "$work/sub-$i.json" ] ||
			{ cat "$work/sub-$i.log" >&2; die "fan-out $k run $run: subscriber $i failed"; }
	done
	python3 - "$k" "$run" "$work/pub.json" "$work"/sub-*.json >>"$raw" <<'PY'
import json, sys
k, run, files = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
for f in files:
    d = json.loads(open(f).read().strip().splitlines()[-1])
    d["fanout"], d["run"] = k, run
    print(json.dumps(d))
PY
	rm -f "$work"/sub-*.json "$work"/sub-*.log "$go"
}

for run in $(seq "$runs"); do
	for k in $fanout; do
		one_run "$k" "$run"
		echo "iceoryx-bench: run $run, fan-out $k: done" >&2
	done
done

table="$work/table.md"
python3 - "$raw" "$fanout" >"$table" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
fanouts = [int(k) for k in sys.argv[2].split()]

def cell(xs, fmt="{:.0f}"):
    if not xs:
        return "-"
    m = statistics.median(xs)
    if len(xs) == 1:
        return fmt.format(m)
    return f"{fmt.format(m)} ({fmt.format(min(xs))}..{fmt.format(max(xs))})"

print("| subscribers | msg/s per subscriber | publisher msg/s | publisher CPU ns/msg "
      "| publisher wall ns/msg | lost per subscriber | gaps per subscriber |")
print("|---:|---:|---:|---:|---:|---:|---:|")
notes = []
for k in fanouts:
    pubs = [r for r in rows if r["fanout"] == k and r["role"] == "pub"]
    subs = [r for r in rows if r["fanout"] == k and r["role"] == "sub"]
    print(f"| {k} | {cell([s['msgs_per_s'] for s in subs])} "
          f"| {cell([p['msgs_per_s'] for p in pubs])} "
          f"| {cell([p['cpu_ns_per_msg'] for p in pubs], '{:.1f}')} "
          f"| {cell([p['wall_ns_per_msg'] for p in pubs], '{:.1f}')} "
          f"| {cell([s['lost'] for s in subs])} | {cell([s['gaps'] for s in subs])} |")
    unended = sum(1 for s in subs if not s["ended"])
    bad = sum(s["bad"] for s in subs)
    verified = all(s["verify"] for s in subs)
    if unended:
        notes.append(f"fan-out {k}: {unended} subscriber(s) saw no end message")
    if bad:
        notes.append(f"fan-out {k}: {bad} payload(s) not the pattern")
    elif verified and subs:
        notes.append(f"fan-out {k}: every payload received checked, none bad")
print()
print("Median (min..max): per subscriber over every subscriber of every run; the"
      " publisher's over the runs. Lost: measured messages a subscriber never took"
      " (its queue dropped them); gaps: the runs they made.")
for n in notes:
    print("- " + n)
PY
cat "$table"
[ -z "$out" ] || cp "$table" "$out"
