#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# PNG plots from dipc-perf JSON results (dipc-perf --json-file FILE, or --json
# output saved one object per line; several files, several lines each):
#   latency-vs-connections.png   p50, p99, p99.9 of latency-mode results
#                                against the total connection count, one
#                                set of lines per message size;
#   throughput-vs-connections.png msg/s of throughput and oneway results
#                                against connections, one line per mode and size;
#   latency-vs-size.png          p50, p99, p99.9 against the body size,
#                                one set per connection count;
#   throughput-vs-size.png       Gbit/s against the body size, per mode and
#                                connection count.
# Several results at one point (repeated runs) are drawn as their median.
# A plot with no data is left out, with a note. gnuplot (gnuplot-nox from
# Debian's archive, installed by tools/setup.sh) draws them.
#
# Usage: tools/plot.sh [--out DIR] FILE.json...
set -euo pipefail

out=.
files=()
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	-h|--help) sed -n '3,20p' "$0"; exit 0 ;;
	-*) echo "plot: unknown option '$1'" >&2; exit 2 ;;
	*) files+=("$1"); shift ;;
	esac
done
[ "${#files[@]}" -gt 0 ] || { echo "plot: no JSON files given (tools/plot.sh --help)" >&2; exit 2; }
command -v gnuplot >/dev/null ||
	{ echo "plot: gnuplot missing: tools/setup.sh installs gnuplot-nox" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d /tmp/dipc-plot.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Data files (one per line of a plot) and a gnuplot script that plots them.
python3 - "$work" "$out" "${files[@]}" >"$work/plot.gp" <<'PY'
import json, os, statistics, sys
from collections import defaultdict

work, out, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = []
for p in paths:
    for n, line in enumerate(open(p), 1):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            d = json.loads(line)
        except ValueError as e:
            sys.exit(f"plot: {p}:{n}: not JSON: {e}")
        if d.get("tool") == "dipc-perf":
            rows.append(d)
if not rows:
    sys.exit("plot: no dipc-perf results in the files given")

def med(xs):
    return statistics.median(xs)

def write_series(name, points):
    path = os.path.join(work, name + ".dat")
    with open(path, "w") as f:
        for x in sorted(points):
            f.write(f"{x} " + " ".join(f"{med(v)}" for v in zip(*points[x])) + "\n")
    return path

print('set terminal pngcairo size 1000,650 noenhanced font ",10"')
print("set grid; set key outside right top; set logscale x 2")
pct = [("p50", "lat_ns.p50"), ("p99", "lat_ns.p99"), ("p99.9", "lat_ns.p999")]

def get(d, key):
    for k in key.split("."):
        d = d.get(k) if isinstance(d, dict) else None
    return d

def plot(fname, title, xlabel, ylabel, xkey, groupkey, modes, ykeys, logy):
    series = defaultdict(lambda: defaultdict(list))
    for d in rows:
        if d.get("mode") not in modes:
            continue
        ys = [get(d, k) for _, k in ykeys]
        if any(y is None for y in ys):
            continue
        series[(d["mode"], d.get(groupkey))][d.get(xkey)].append(ys)
    if not series:
        print(f"plot: {fname}: no results of mode {'/'.join(modes)}", file=sys.stderr)
        return
    print(f'set output "{os.path.join(out, fname)}"')
    print(f'set title "{title}"; set xlabel "{xlabel}"; set ylabel "{ylabel}"')
    print("set logscale y" if logy else "unset logscale y")
    parts = []
    for i, ((mode, g), pts) in enumerate(sorted(series.items(), key=lambda kv: str(kv[0]))):
        path = write_series(f"{fname}.{i}", {x: [tuple(y) for y in v] for x, v in pts.items()})
        for j, (label, _) in enumerate(ykeys):
            parts.append(f'"{path}" using 1:{j + 2} with linespoints title '
                         f'"{mode} {groupkey}={g} {label}"')
    print("plot " + ", \\\n     ".join(parts))
    print(f'print "plot: wrote {os.path.join(out, fname)}"')

plot("latency-vs-connections.png", "dipc-perf round-trip latency against connections",
     "connections (all processes)", "ns", "connections", "size", {"latency"}, pct, True)
plot("throughput-vs-connections.png", "dipc-perf throughput against connections",
     "connections (all processes)", "messages/s", "connections", "size",
     {"throughput", "oneway"}, [("msg/s", "msgs_per_s")], False)
plot("latency-vs-size.png", "dipc-perf round-trip latency against message size",
     "body bytes", "ns", "size", "connections", {"latency"}, pct, True)
plot("throughput-vs-size.png", "dipc-perf throughput against message size",
     "body bytes", "Gbit/s (body bytes)", "size", "connections", {"throughput", "oneway"},
     [("Gbit/s", "gbit_per_s")], True)
PY
gnuplot "$work/plot.gp"
