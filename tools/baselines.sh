#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# dipc next to what a user would otherwise use, in the same run, same
# pinning, same message sizes (64 B, 1 KB, 16 KB by default):
#   dipc    dipc-server (-l 0-1: control lcore CPU 0, worker CPU 1, --idle
#           busy) and dipc-perf on CPU 0: latency (echo ping-pong) and
#           oneway (streaming to the sink);
#   uds     dipc-udsbench: a SOCK_STREAM socketpair between two processes,
#           client CPU 0, server CPU 1: ping-pong and streaming;
#   node    tools/node-ipc-bench.js: Node.js child_process IPC with JSON
#           messages (process.send), parent CPU 0, child CPU 1.
# For each figure (round-trip p50 and p99, streaming msg/s and MB/s) it
# prints the median and spread over --runs, and dipc's ratio to each
# baseline. Systems are interleaved (odd runs dipc, uds, node; even runs
# the reverse), and the cache-line ping-pong probe (dipc-cacheprobe) is
# recorded before every size of every run. A body above the default mbuf
# data room (2176 B: at most 2024 B of body) needs a larger one: the server
# then runs with --data-room SIZE+152 --mbufs 8191 (one mbuf per message;
# fewer mbufs so the pool fits the hugepages), and the table says so.
#
# dipc passes bodies by reference: dipc-perf writes one byte of each body
# and the echo returns the same mbuf; the baselines copy every byte through
# the kernel (uds) or serialise it (node). --dipc-verify makes dipc-perf
# fill every body and check every echoed byte instead.
#
# --short runs everything once for 0.5 s, checks that every figure was
# produced and that dipc-perf's --json-file FILE, --hist-csv and --procs output is
# well formed, and that tools/plot.sh draws its plots from this run's dipc-perf
# results (the CI test 'tools/baselines-short'); it asserts no timing.
#
# Usage: tools/baselines.sh [--runs N] [--duration S] [--warmup S]
#          [--sizes "64 1024 16384"] [--build-dir D] [--out FILE.md]
#          [--raw FILE.jsonl] [--dipc-verify] [--short]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
runs=5; duration=3; warmup=1; sizes="64 1024 16384"; out=""; raw=""; short=false
verify=""
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--warmup) warmup=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	--build-dir) build=$(realpath -m "$2"); shift 2 ;;
	--out) out=$2; shift 2 ;;
	--raw) raw=$2; shift 2 ;;
	--dipc-verify) verify=--verify; shift ;;
	--short) short=true; runs=1; duration=0.5; warmup=0.1; shift ;;
	-h|--help) sed -n '3,35p' "$0"; exit 0 ;;
	*) echo "baselines: unknown option '$1'" >&2; exit 2 ;;
	esac
done
bin="$build/app"
for b in dipc-server dipc-perf dipc-udsbench dipc-cacheprobe; do
	[ -x "$bin/$b" ] || { echo "baselines: $bin/$b missing: run tools/setup.sh" >&2; exit 1; }
done
command -v node >/dev/null ||
	{ echo "baselines: node missing: tools/setup.sh installs Debian's nodejs" >&2; exit 1; }
command -v taskset >/dev/null || { echo "baselines: taskset missing (util-linux)" >&2; exit 1; }

prefix=dipcbase_$$
work=$(mktemp -d /tmp/dipc-baselines.XXXXXX)
if [ -z "$raw" ]; then
	if $short; then raw="$work/raw.jsonl"; else raw=$(mktemp /tmp/dipc-baselines.XXXXXX.jsonl); fi
fi
: >"$raw"
# A loaded CI machine can take longer than lib.sh's 10 s to start a server.
export DIPC_START_TIMEOUT_S=${DIPC_START_TIMEOUT_S:-60}
. "$top/tools/lib.sh"
cleanup() {
	stop_bg
	rm -rf "/var/run/dpdk/$prefix" "$work"
	rm -f /dev/hugepages/"$prefix"map_* 2>/dev/null || true
}
trap cleanup EXIT

tag() { # system run size json -> one line with them added
	python3 -c 'import json,sys
d = json.loads(sys.argv[4].strip().splitlines()[-1])
d.update(system=sys.argv[1], run=int(sys.argv[2]), bsize=int(sys.argv[3]))
print(json.dumps(d))' "$@" >>"$raw"
}

fail() { echo "baselines: $*" >&2; exit 1; }

# Server options for a body of $1 bytes: the default data room holds 2024.
# --short (CI, maybe a loaded or sanitized build) also lengthens the
# heartbeat: the control lcore shares CPU 0 with the spinning client, and a
# starved one must not read as a dead server there.
server_opts() {
	local o=""
	if [ "$1" -gt 2024 ]; then
		o="--data-room $(($1 + 152)) --mbufs 8191"
	fi
	if $short; then
		o="$o --heartbeat-ms 2000"
	fi
	echo "$o"
}

run_dipc() { # run size
	local run=$1 size=$2 mode j opts
	opts=$(server_opts "$size")
	# shellcheck disable=SC2086
	start_bg "$work/server.log" "dipc-server: ready" "$bin/dipc-server" -l 0-1 \
		--file-prefix "$prefix" -- --idle busy $opts || exit 1
	for mode in latency oneway; do
		j=$(taskset -c 0 "$bin/dipc-perf" --file-prefix "$prefix" -- --mode "$mode" \
			--size "$size" --burst 32 --duration "$duration" --warmup "$warmup" \
			--timeout 10000 $verify --json) || fail "dipc-perf --mode $mode --size $size failed"
		tag dipc "$run" "$size" "$(python3 -c 'import json,sys
d = json.loads(sys.argv[1].strip().splitlines()[-1]); d["server_opts"] = sys.argv[2]
print(json.dumps(d))' "$j" "--idle busy $opts")"
	done
	if $short && [ "$size" = "$(echo "$sizes" | awk '{print $1}')" ]; then
		check_perf_outputs
	fi
	stop_bg
}

run_uds() {
	local run=$1 size=$2 mode j
	for mode in pingpong stream; do
		j=$("$bin/dipc-udsbench" --mode "$mode" --size "$size" --cpus 0,1 \
			--duration "$duration" --warmup "$warmup" --json) ||
			fail "dipc-udsbench --mode $mode --size $size failed"
		tag uds "$run" "$size" "$j"
	done
}

run_node() {
	local run=$1 size=$2 mode j
	for mode in pingpong stream; do
		j=$(timeout 120 node "$top/tools/node-ipc-bench.js" --mode "$mode" --size "$size" \
			--cpus 0,1 --duration "$duration" --warmup "$warmup" --json) ||
			fail "node-ipc-bench --mode $mode --size $size failed"
		tag node "$run" "$size" "$j"
	done
}

# --short: dipc-perf's files and --procs, against the server that is up.
# --count, not --duration: each process stops after that many messages, so
# every check below has messages to look at however loaded the machine is.
check_perf_outputs() {
	taskset -c 0 "$bin/dipc-perf" --file-prefix "$prefix" -- --mode latency --procs 2 \
		--timeout 10000 --connections 2 --count 2000 --warmup 0 --json-file "$work/perf.json" \
		--hist-csv "$work/perf.csv" >"$work/perf.txt" ||
		fail "dipc-perf --procs 2 --json-file FILE --hist-csv FILE failed"
	taskset -c 0 "$bin/dipc-perf" --file-prefix "$prefix" -- --mode throughput --procs 2 \
		--timeout 10000 --count 20000 --warmup 0 --json >"$work/perf2.json" ||
		fail "dipc-perf --mode throughput --procs 2 failed"
	python3 - "$work/perf.json" "$work/perf.csv" "$work/perf2.json" <<'PY' ||
import csv, json, sys
d = json.load(open(sys.argv[1]))
for k in ("tool", "mode", "size", "procs", "connections", "messages", "msgs_per_s", "lat_ns"):
    assert k in d, f"--json: no '{k}' in {d}"
assert d["procs"] == 2 and d["connections"] == 4 and d["connections_per_proc"] == 2, d
assert d["messages"] == 2 * 2000, d  # --count per process, summed
lat = d["lat_ns"]
assert 0 < lat["min"] <= lat["p50"] <= lat["p99"] <= lat["p999"] <= lat["max"], lat
assert d["messages"] > 0 and d["errors"] == 0, d
rows = list(csv.DictReader(open(sys.argv[2])))
buckets = [r for r in rows if r["kind"] == "bucket"]
pcts = {r["percentile"]: int(r["value_ns"]) for r in rows if r["kind"] == "percentile"}
assert sum(int(r["count"]) for r in buckets) == d["messages"], "bucket counts != messages"
assert all(int(r["lo_ns"]) < int(r["hi_ns"]) for r in buckets), "bucket bounds"
assert all(int(a["hi_ns"]) <= int(b["lo_ns"]) for a, b in zip(buckets, buckets[1:])), "order"
assert abs(float(buckets[-1]["cumulative"]) - 1.0) < 1e-9, "cumulative does not reach 1"
assert pcts["50"] == lat["p50"] and pcts["99"] == lat["p99"], (pcts, lat)
t = json.loads(open(sys.argv[3]).read().strip().splitlines()[-1])
assert t["procs"] == 2 and t["connections"] == 2 and t["msgs_per_s"] > 0, t
print(f"baselines: dipc-perf --procs 2: {d['messages']} round trips over {d['connections']} "
      f"connections; --json, --hist-csv ({len(buckets)} buckets) well formed")
PY
		fail "dipc-perf's --json/--hist-csv output is not well formed"
}

probe() { # run size
	tag probe "$1" "$2" "$("$bin/dipc-cacheprobe" --cpus 0,1 --json)"
}

for run in $(seq "$runs"); do
	for size in $sizes; do
		probe "$run" "$size"
		if [ $((run % 2)) -eq 1 ]; then
			run_dipc "$run" "$size"; run_uds "$run" "$size"; run_node "$run" "$size"
		else
			run_node "$run" "$size"; run_uds "$run" "$size"; run_dipc "$run" "$size"
		fi
	done
	probe "$run" 0
	echo "baselines: run $run of $runs done" >&2
done

table="$work/table.md"
rc=0
python3 - "$raw" "$sizes" "$short" "$verify" >"$table" <<'PY' || rc=$?
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
sizes = [int(s) for s in sys.argv[2].split()]
short = sys.argv[3] == "true"
verify = sys.argv[4] != ""
MODES = {  # figure -> (dipc mode, baseline mode, key)
    "RTT p50 ns": ("latency", "pingpong", "lat_ns.p50"),
    "RTT p99 ns": ("latency", "pingpong", "lat_ns.p99"),
    "stream msg/s": ("oneway", "stream", "msgs_per_s"),
    "stream MB/s": ("oneway", "stream", "mb_per_s"),
}
def series(system, size, mode, key):
    out = []
    for r in rows:
        if r["system"] != system or r["bsize"] != size or r["mode"] != mode:
            continue
        v = r
        for k in key.split("."):
            v = v.get(k) if isinstance(v, dict) else None
        if v is not None:
            out.append(float(v))
    return out
def fmt(xs):
    if not xs:
        return "missing"
    m = statistics.median(xs)
    return f"{m:,.0f} ({min(xs):,.0f}–{max(xs):,.0f})" if m >= 100 else \
        f"{m:,.2f} ({min(xs):,.2f}–{max(xs):,.2f})"
missing = []
print("| size | figure | dipc: median (min–max) | UDS | Node.js IPC | dipc/UDS | dipc/Node |")
print("|---|---|---|---|---|---|---|")
for size in sizes:
    for fig, (dmode, bmode, key) in MODES.items():
        d = series("dipc", size, dmode, key)
        u = series("uds", size, bmode, key)
        n = series("node", size, bmode, key)
        for name, xs in (("dipc", d), ("uds", u), ("node", n)):
            if not xs or statistics.median(xs) <= 0:
                missing.append(f"{name} {size} B {fig}")
        def ratio(b):
            if not d or not b or statistics.median(b) <= 0:
                return "–"
            return f"{statistics.median(d) / statistics.median(b):.3g}x"
        print(f"| {size:,} B | {fig} | {fmt(d)} | {fmt(u)} | {fmt(n)} | {ratio(u)} | {ratio(n)} |")
probes = [r["rtt_ns"]["median"] for r in rows if r["system"] == "probe"]
runs = max(r["run"] for r in rows)
opts = sorted({(r["bsize"], r.get("server_opts", "")) for r in rows if r["system"] == "dipc"})
print()
print(f"Runs: {runs}, interleaved (odd runs dipc, UDS, Node; even runs the reverse). "
      "Ratios are of medians: for RTT below 1 means dipc is faster, for streaming above 1.")
print("dipc-server -l 0-1 (worker on CPU 1), dipc-perf on CPU 0; the baselines' client or "
      "parent on CPU 0, server or child on CPU 1.")
for size, o in opts:
    print(f"dipc-server options at {size:,} B: {o.strip()}"
          + (" (one mbuf per message: data room = body + 24 B header + 128 B headroom)"
             if "--data-room" in o else ""))
print("dipc bodies: " + ("every byte written and every echoed byte checked (--verify)." if verify
      else "passed by reference (dipc-perf writes one byte of each; no copy), while UDS copies "
      "every byte through the kernel and Node.js serialises it as JSON."))
print("dipc's worker busy-polls CPU 1 (--idle busy); the UDS and Node.js receivers block in "
      "the kernel between messages and are woken for each.")
print("dipc streaming is one-way to the sink service (burst 32), counted as sent; UDS and Node "
      "count what the receiving process got.")
if probes:
    print(f"Cache-line ping-pong probe (CPU 0 <-> 1), {len(probes)} readings: median "
          f"{statistics.median(probes):.0f} ns, min {min(probes):.0f}, max {max(probes):.0f}.")
if missing:
    print("\nMISSING figures: " + "; ".join(missing))
    sys.exit(1)
PY
cat "$table"
[ -z "$out" ] || cp "$table" "$out"
$short || echo "baselines: raw results in $raw" >&2
if [ "$rc" -ne 0 ]; then
	echo "baselines: FAILED: some figures were not produced" >&2
	exit 1
fi
if $short; then
	# tools/plot.sh end to end on this run's dipc-perf results.
	"$top/tools/plot.sh" --out "$work/plots" "$raw" >/dev/null ||
		fail "tools/plot.sh failed on this run's results"
	for p in latency-vs-size throughput-vs-size latency-vs-connections throughput-vs-connections; do
		[ -s "$work/plots/$p.png" ] || fail "tools/plot.sh drew no $p.png"
	done
	echo "baselines: --short: every figure produced; tools/plot.sh drew its four plots"
fi
exit 0
