#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The connection pool's figures (docs/PERFORMANCE.md), with dipc-perf
# against one dipc-server (-l 0-1: control lcore on CPU 0, worker on CPU 1;
# the client on CPU 0):
#   - windowed echo throughput and ping-pong p50/p99 at 1, 64 and 1024
#     connections; RUNS rounds, the three counts interleaved in each round,
#     a fresh server per measurement and a cache-line ping-pong probe
#     (dipc-cacheprobe, no server running) before each;
#   - kill -9 of a client under load to its slot free again, over KILLS
#     kills (dipc-perf --mode reclaim), split into the kernel's part (kill
#     to the process gone: it has exited, its parent can reap it) and
#     dipc's (gone to slot free), the parent's waitpid() timed apart; with
#     --load N, N more client processes make echo calls all along; the
#     probe before and after;
#   - admission, connect to first response, over CONNECTS connections
#     (dipc-perf --mode connect).
# Prints every run and a markdown table of medians and spreads.
#
# Usage: tools/pool-bench.sh [--runs N] [--duration S] [--kills N] [--connects N]
#          [--idle busy|backoff] [--load N] [--client-cpus LIST] [--reclaim-only]
#          [--server-args "ARGS"] [--no-sys-nice]
#   --load N           load clients during the reclaim measurement (default 0)
#   --client-cpus LIST CPUs of dipc-perf and the clients it starts (default 0;
#                      0-1 lets the kernel spread them over both CPUs)
#   --reclaim-only     only the reclaim measurement (no throughput, latency or
#                      admission runs)
#   --server-args ARGS more dipc-server options, e.g. "--lcore-priority 10"
#   --no-sys-nice      the server without CAP_SYS_NICE (setpriv), as a user
#                      would run it: lcore_priority has no effect
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/app"
runs=5; duration=2; kills=100; connects=1000; idle=busy; load=0; client_cpus=0; only_reclaim=false
server_args=""; wrap=()
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--kills) kills=$2; shift 2 ;;
	--connects) connects=$2; shift 2 ;;
	--idle) idle=$2; shift 2 ;;
	--load) load=$2; shift 2 ;;
	--client-cpus) client_cpus=$2; shift 2 ;;
	--reclaim-only) only_reclaim=true; shift ;;
	--server-args) server_args=$2; shift 2 ;;
	--no-sys-nice) wrap=(setpriv --bounding-set -sys_nice --inh-caps -sys_nice); shift ;;
	*) echo "pool-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done
for f in dipc-server dipc-perf dipc-cacheprobe; do
	[ -x "$bin/$f" ] || { echo "pool-bench: $bin/$f missing: run tools/setup.sh" >&2; exit 1; }
done
prefix=dipcpool_$$
work=$(mktemp -d /tmp/dipc-pool.XXXXXX)
. "$top/tools/lib.sh"
trap 'stop_bg; rm -rf "/var/run/dpdk/$prefix" "$work"' EXIT

probe() {
	probe_ns "$bin/dipc-cacheprobe"
}

serve() {
	start_bg "$work/server.log" "dipc-server: ready" ${wrap[@]+"${wrap[@]}"} "$bin/dipc-server" -l 0-1 \
		--file-prefix "$prefix" -- --idle "$idle" $server_args || exit 1
}

perf() { # label args...
	local label=$1
	shift
	${prefix_cmd:-} taskset -c "$cpus" "$bin/dipc-perf" --file-prefix "$prefix" -- --json "$@" >"$work/out.json" ||
		{ echo "pool-bench: dipc-perf $* failed" >&2; cat "$work/out.json" >&2; exit 1; }
	python3 - "$label" "$work/out.json" >>"$work/results" <<'PY'
import json, sys
d = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
lat = d.get("lat_ns", {})
row = {"label": sys.argv[1], "msgs_per_s": d.get("msgs_per_s"),
       "p50": lat.get("p50"), "p99": lat.get("p99"), "probe": float(sys.argv[3])
       if len(sys.argv) > 3 else None}
for k in ("messages", "errors", "load_clients", "observer", "free_at_first_look",
          "kill_to_gone_ns", "gone_to_free_ns", "reap_ns"):
    if k in d:
        row[k] = d[k]
row["max"] = lat.get("max")
print(json.dumps(row))
PY
	tail -n 1 "$work/results"
}

cpus=0
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "pool-bench: load average before: $(loadavg)" >&2
$only_reclaim && runs=0
for r in $(seq "$runs"); do
	for n in 1 64 1024; do
		p=$(probe)
		serve
		perf "tput_$n" --mode throughput --connections "$n" --window 32 \
			--duration "$duration" --warmup 0.5
		stop_bg
		sed -i '$ s/"probe": null/"probe": '"$p"'/' "$work/results"
		p=$(probe)
		serve
		perf "lat_$n" --mode latency --connections "$n" --duration "$duration" --warmup 0.5
		stop_bg
		sed -i '$ s/"probe": null/"probe": '"$p"'/' "$work/results"
	done
	echo "pool-bench: round $r of $runs done" >&2
done

# CPU time of the whole machine, and of one process (ticks).
busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
proc_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
p=$(probe)
serve
cpus=$client_cpus
m0=$(busy_ticks); s0=$(proc_ticks "$server")
# /usr/bin/time: dipc-perf's CPU time with its clients' (it reaps them).
perf_time() { /usr/bin/time -f "%U %S" -o "$work/perf.time" "$@"; }
prefix_cmd=perf_time perf reclaim --mode reclaim --count "$kills" --load "$load"
m1=$(busy_ticks); s1=$(proc_ticks "$server")
read -r pu ps <"$work/perf.time"
other=$(python3 -c "
hz = $(getconf CLK_TCK); total = ($m1 - $m0) / hz; ours = ($s1 - $s0) / hz + $pu + $ps
print(f'{total:.1f} CPU-s busy in all, {ours:.1f} ours (server, dipc-perf, its clients), '
      f'{max(total - ours, 0):.1f} other programs ({max(total - ours, 0) / total * 100:.0f}%)')")
echo "pool-bench: during the reclaim run: $other" >&2
cpus=0
sed -i '$ s/"probe": null/"probe": '"$p"'/' "$work/results"
if ! $only_reclaim; then
	perf connect --mode connect --count "$connects"
fi
stop_bg
grep -h "cannot run the lcores" "$work/server.log" >&2 || true
p_after=$(probe)
echo "pool-bench: load average after: $(loadavg)" >&2

python3 - "$work/results" "$runs" "$p_after" "$load" "$client_cpus" "$idle" "$other" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
runs, p_after, load, cpus, idle = int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
other = sys.argv[7]
def col(label, key):
    return [r[key] for r in rows if r["label"] == label and r[key] is not None]
def fmt(v):
    return f"{statistics.median(v):,.0f} ({min(v):,.0f}..{max(v):,.0f})" if v else "n/a"
probes = [r["probe"] for r in rows if r["probe"] is not None] + [p_after]
print(f"\nruns: {runs}; cache-line probe rtt ns: median {statistics.median(probes):.0f}, "
      f"range {min(probes):.0f}..{max(probes):.0f} ({len(probes)} probes, the last after "
      f"the reclaim run)\n")
if runs > 0:
    print("| connections | throughput msg/s, median (min..max) | vs 1 connection | p50 ns | p99 ns |")
    print("|---|---|---|---|---|")
    base = statistics.median(col("tput_1", "msgs_per_s"))
    for n in (1, 64, 1024):
        t = col(f"tput_{n}", "msgs_per_s")
        print(f"| {n} | {fmt(t)} | {statistics.median(t) / base:.2f}x | "
              f"{fmt(col(f'lat_{n}', 'p50'))} | {fmt(col(f'lat_{n}', 'p99'))} |")
r = [x for x in rows if x["label"] == "reclaim"][0]
ms = lambda v: f"{v / 1e6:.2f} ms"
print(f"\nkill -9 to slot free, {r.get('messages')} kills ({r.get('errors')} not freed within 10 s), "
      f"{load} load clients, clients on CPUs {cpus}, server idle {idle}, "
      f"observer {r.get('observer')}:")
print("\n| part | p50 | p90 | p99 | max |")
print("|---|---|---|---|---|")
for key, what in (("kill_to_gone_ns", "kill to process gone (kernel)"),
                  ("gone_to_free_ns", "gone to slot free (dipc)"),
                  ("reap_ns", "waitpid() reap of the zombie (kernel, apart)")):
    p = r.get(key)
    if p:
        print(f"| {what} | {ms(p['p50'])} | {ms(p['p90'])} | {ms(p['p99'])} | {ms(p['max'])} |")
print(f"| kill to slot free (total) | {ms(r['p50'])} | | {ms(r['p99'])} | {ms(r['max'])} |")
print(f"\nslot already free at the observer's first look after the process was gone: "
      f"{r.get('free_at_first_look')} of {r.get('messages')}")
print(f"machine during the reclaim run: {other}")
c = [x for x in rows if x["label"] == "connect"]
if c:
    print(f"\nconnect to first response: p50 {c[0]['p50']:,} ns, p99 {c[0]['p99']:,} ns")
PY
