#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The codec benchmark with the standard settings of docs/PERFORMANCE.md:
# builds dipc-codec-perf if needed (build/, ninja -j2), runs it pinned to one
# CPU with 5 runs of 0.2 s per figure, and prints its table. With --save F
# the run's JSON is kept in F too; --summary F1 F2 ... prints, from saved
# runs, the median of their medians per figure, the range of those medians,
# and the targets computed from the medians of medians (no new run).
#
# Usage: tools/codec-bench.sh [--cpu N] [--runs N] [--min-time S] [--save FILE]
#                              [--build-dir DIR]
#        tools/codec-bench.sh --summary FILE...
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
cpu=""
runs=5
min_time=0.2
save=""

summary() {
	python3 - "$@" <<'PY'
import json, statistics, sys
docs = [json.load(open(f)) for f in sys.argv[1:]]
figs = ("encode", "validate_read", "read")
rows, order = {}, []
for d in docs:
    for r in d["results"]:
        k = (r["msg"], r["format"])
        if k not in rows:
            rows[k] = {"bytes": r["bytes"]}
            order.append(k)
        for f in figs:
            if f in r:
                rows[k].setdefault(f, []).append(r[f]["median_ns"])
def med(k, f):
    return statistics.median(rows[k][f])
print(f"{len(docs)} runs of dipc-codec-perf; per figure: median of the runs' medians "
      "(lowest..highest median), ns per message")
msgs = []
for m, _ in order:
    if m not in msgs:
        msgs.append(m)
for m in msgs:
    print(f"\n{m}")
    print(f"  {'format':<11} {'bytes':>6} {'%json':>6}  {'encode ns':<24} {'validate+read ns':<24} "
          f"{'read ns':<22} {'enc/json':>8} {'v+r/json':>8}")
    j = (m, "json")
    for k in [k for k in order if k[0] == m]:
        r = rows[k]
        cells = []
        for f in figs:
            if f in r:
                cells.append(f"{med(k, f):.1f} ({min(r[f]):.1f}..{max(r[f]):.1f})")
            else:
                cells.append("- (no validation)")
        vr = f"{med(j, 'validate_read') / med(k, 'validate_read'):7.1f}x" if "validate_read" in r else f"{'-':>8}"
        print(f"  {k[1]:<11} {r['bytes']:>6} {100 * r['bytes'] / rows[j]['bytes']:5.0f}%  "
              f"{cells[0]:<24} {cells[1]:<24} {cells[2]:<22} "
              f"{med(j, 'encode') / med(k, 'encode'):7.2f}x {vr}")
    d, p = (m, "dipc"), (m, "packed")
    print(f"  dipc read / packed read: {med(d, 'read') / med(p, 'read'):.2f}x; "
          f"dipc validate+read / packed read: {med(d, 'validate_read') / med(p, 'read'):.2f}x")
print("\ntargets (dipc, from the medians of medians)")
tests = [
    ("validate+read >= 50x faster than cJSON parse+read",
     lambda m: med((m, "json"), "validate_read") / med((m, "dipc"), "validate_read"), lambda v: v >= 50, "x"),
    ("validate+read <= 2x the packed-struct read",
     lambda m: med((m, "dipc"), "validate_read") / med((m, "packed"), "read"), lambda v: v <= 2, "x"),
    ("validate+read <= 1.5x the packed-struct read (issue 14)",
     lambda m: med((m, "dipc"), "validate_read") / med((m, "packed"), "read"), lambda v: v <= 1.5, "x"),
    ("encode faster than protobuf-c",
     lambda m: med((m, "protobuf-c"), "encode") / med((m, "dipc"), "encode"), lambda v: v > 1, "x"),
    ("encode faster than msgpack-c",
     lambda m: med((m, "msgpack-c"), "encode") / med((m, "dipc"), "encode"), lambda v: v > 1, "x"),
    ("encoded size <= 60% of compact JSON",
     lambda m: 100 * rows[(m, "dipc")]["bytes"] / rows[(m, "json")]["bytes"], lambda v: v <= 60, "%"),
]
print(f"  {'target':<56}" + "".join(f" {m:<18}" for m in msgs))
for text, val, ok, unit in tests:
    line = f"  {text:<56}"
    for m in msgs:
        v = val(m)
        line += f" {(f'{v:.0f}' if unit == '%' else f'{v:.2f}') + unit + (' met' if ok(v) else ' MISSED'):<18}"
    print(line)
PY
}

while [ $# -gt 0 ]; do
	case "$1" in
	--cpu) cpu=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--min-time) min_time=$2; shift 2 ;;
	--save) save=$2; shift 2 ;;
	--build-dir) build=$(realpath -m "$2"); shift 2 ;;
	--summary) shift; [ $# -gt 0 ] || { echo "codec-bench: --summary needs files" >&2; exit 2; }
		summary "$@"; exit 0 ;;
	-h|--help) sed -n '3,13p' "$0"; exit 0 ;;
	*) echo "codec-bench: unknown option '$1'" >&2; exit 2 ;;
	esac
done

exe="$build/app/codec-perf/dipc-codec-perf"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" >/dev/null ||
		{ echo "codec-bench: meson setup failed (see $build/meson-logs/meson-log.txt)" >&2; exit 1; }
fi
ninja -C "$build" -j2 app/codec-perf/dipc-codec-perf >/dev/null 2>&1 || {
	grep -A3 'dipc-codec-perf' "$build/meson-logs/meson-log.txt" | grep -i 'not built\|missing' >&2 ||
		ninja -C "$build" -j2 app/codec-perf/dipc-codec-perf >&2
	echo "codec-bench: cannot build dipc-codec-perf (tools/setup.sh installs what it needs)" >&2
	exit 1
}
args=(--runs "$runs" --min-time "$min_time")
[ -n "$cpu" ] && args+=(--cpu "$cpu")
echo "codec-bench: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(uname -r)"
echo "codec-bench: $exe ${args[*]}"
if [ -n "$save" ]; then
	"$exe" "${args[@]}" --json >"$save"
	summary "$save"
else
	"$exe" "${args[@]}"
fi
