#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Line coverage of lib/ and drivers/ by the whole meson test suite (unit and
# integration; every process, server and clients, adds its .gcda counts).
# Builds with gcc -Db_coverage=true at -O0 in build-cov (meson's own
# b_coverage option is the coverage build option), runs the tests,
# prints a per-file table and, per function, the lines no test ran, and
# writes build-cov/coverage/index.html (annotated sources) and
# build-cov/coverage.txt. Exits 1 when the suite fails or line coverage of
# lib/ + drivers/ is under 90%, 2 when it cannot build or measure.
#
# --full: the report covers lib/, drivers/ and app/ with lines AND branches:
# per-directory and per-file line and branch figures (build-cov/
# coverage-branches.txt, gcovr --branches), branches in the HTML too. The
# gate stays on lines of lib/ + drivers/.
# --suite NAME: run only that meson test suite (repeatable); the figures are
# then partial and the gate is reported, not applied.
# --report-only: build and run nothing; report (and gate) the counts the
# last test run left in the build directory, which must have been set up
# with -Db_coverage=true and -fprofile-update=atomic (tools/test.sh does
# so for its ASan build, so that the suite runs once for both).
#
# Usage: tools/coverage.sh [--build-dir DIR] [--full] [--suite NAME]... [--report-only]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-cov"
min=90
full=false
suites=()
report_only=false

while [ $# -gt 0 ]; do
	case "$1" in
	--build-dir) build=$(realpath -m "$2"); shift 2 ;;
	--full) full=true; shift ;;
	--suite) suites+=(--suite "$2"); shift 2 ;;
	--report-only) report_only=true; shift ;;
	-h|--help) sed -n '3,25p' "$0"; exit 0 ;;
	*) echo "coverage: unknown option '$1'" >&2; exit 2 ;;
	esac
done

say() { echo "coverage: $*"; }
die() { echo "coverage: error: $*" >&2; exit 2; }

command -v gcovr >/dev/null || die "gcovr not found (apt-get install gcovr)"
start=$SECONDS

# -O0: every source line keeps its own code, so a line counts as run only
# when it ran. gcc: gcovr reads gcc's .gcda through gcov.
# Atomic counters: the server counts from several threads at once.
opts=(-Db_coverage=true -Dbuildtype=debug -Dsanitize=false -Dtests=true
	-Dc_args=-fprofile-update=atomic)
tests_rc=0
if $report_only; then
	[ -f "$build/build.ninja" ] || die "$build is not a meson build directory"
	meson introspect "$build" --buildoptions 2>/dev/null |
		python3 -c 'import json, sys; sys.exit(0 if any(o["name"] == "b_coverage" and o["value"] for o in json.load(sys.stdin)) else 1)' ||
		die "$build is not set up with -Db_coverage=true"
	[ -n "$(find "$build" -name '*.gcda' -print -quit)" ] ||
		die "no coverage counts in $build: run its tests first"
else
	if [ ! -f "$build/build.ninja" ]; then
		CC=gcc meson setup "$build" "$top" "${opts[@]}" >/dev/null ||
			die "meson setup failed (see $build/meson-logs/meson-log.txt)"
	else
		meson configure "$build" "${opts[@]}" >/dev/null || die "meson configure $build failed"
	fi
	ninja -C "$build" >/dev/null || { ninja -C "$build"; die "build failed"; }

	# Counts of this run only.
	find "$build" -name '*.gcda' -delete
	# The tools suite (benchmark scripts in short mode) adds no coverage of
	# lib/ the integration tests lack; without --suite it is left out.
	test_sel=("${suites[@]}")
	[ ${#suites[@]} -gt 0 ] || test_sel=(--no-suite tools)
	meson test -C "$build" --print-errorlogs "${test_sel[@]}" >"$build/coverage-tests.log" 2>&1
	tests_rc=$?
	if [ "$tests_rc" -ne 0 ]; then
		cat "$build/coverage-tests.log"
		say "the test suite failed in $build (exit $tests_rc): coverage below is partial"
	fi
fi

# gcovr filters are regexes on paths relative to --root: lib/ and drivers/
# only (not tests/, app/, tools/ nor DPDK's inline headers); --full adds app/.
filters=(--filter 'lib/' --filter 'drivers/')
$full && filters+=(--filter 'app/')
mkdir -p "$build/coverage"
gcovr --root "$top" --object-directory "$build" -j "$(nproc)" \
	"${filters[@]}" \
	--json "$build/coverage.json" \
	--txt "$build/coverage.txt" \
	--html-details "$build/coverage/index.html" --html-title "dipc coverage" ||
	die "gcovr failed"
cat "$build/coverage.txt"
if $full; then
	# The same counts, branches this time (gcovr's text report shows one metric).
	gcovr --add-tracefile "$build/coverage.json" --branches \
		--txt "$build/coverage-branches.txt" || die "gcovr --branches failed"
	cat "$build/coverage-branches.txt"
fi

# Per function, the lines no test ran; then the gate.
python3 - "$build/coverage.json" "$min" "$top" "$full" "${#suites[@]}" <<'PY'
import json, os, re, sys

data = json.load(open(sys.argv[1]))
minimum = float(sys.argv[2])
full = sys.argv[4] == "true"
partial = sys.argv[5] != "0"
if full:
    # Lines and branches per top directory.
    per = {}
    for f in data["files"]:
        d = per.setdefault(f["file"].split("/")[0], [0, 0, 0, 0])
        for ln in f["lines"]:
            if ln.get("gcovr/noncode"):
                continue
            d[0] += 1
            d[1] += ln["count"] > 0
            for b in ln.get("branches", []):
                d[2] += 1
                d[3] += b["count"] > 0
    print("lines and branches by directory:")
    for name in sorted(per):
        lt, lc, bt, bc = per[name]
        print(f"  {name + '/':9} lines {100.0 * lc / max(lt, 1):5.1f}% ({lc} of {lt})   "
              f"branches {100.0 * bc / max(bt, 1):5.1f}% ({bc} of {bt})")
total = covered = 0
print("uncovered lines, by function:")
for f in sorted(data["files"], key=lambda f: f["file"]):
    if not f["file"].startswith(("lib/", "drivers/")):
        continue  # the gate and this list: lib/ and drivers/
    # DPDK style puts a function's name at the start of a line; gcov does
    # not list the (always) inlined ones, so read the names from the source.
    funcs = []
    with open(os.path.join(sys.argv[3], f["file"])) as src:
        for n, text in enumerate(src, 1):
            m = re.match(r"([A-Za-z_]\w*)\(", text)
            if m:
                funcs.append((n, m.group(1)))
    missed = {}
    for ln in f["lines"]:
        if ln.get("gcovr/noncode"):
            continue
        total += 1
        if ln["count"] > 0:
            covered += 1
            continue
        name = "(file scope)"
        for start, fn in funcs:
            if start <= ln["line_number"]:
                name = fn
        missed.setdefault(name, []).append(ln["line_number"])
    for name, lines in sorted(missed.items(), key=lambda kv: kv[1][0]):
        ranges, first = [], None
        for i, n in enumerate(lines):
            if first is None:
                first = n
            if i + 1 == len(lines) or lines[i + 1] != n + 1:
                ranges.append(str(first) if first == n else f"{first}-{n}")
                first = None
        print(f"  {f['file']}: {name}(): {len(lines)} line(s): {','.join(ranges)}")
pct = 100.0 * covered / total if total else 0.0
verdict = "OK" if pct >= minimum else "FAILED"
if partial:
    verdict = "not applied: only part of the test suite ran (--suite)"
print(f"coverage: lib/ + drivers/: {pct:.1f}% of lines ({covered} of {total}), "
      f"minimum {minimum:.0f}%: {verdict}")
sys.exit(0 if pct >= minimum or partial else 1)
PY
gate_rc=$?
[ "$gate_rc" -le 1 ] || die "cannot read $build/coverage.json"
say "report: $build/coverage/index.html, $build/coverage.txt$($full && echo ", $build/coverage-branches.txt"); $((SECONDS - start)) s"
if [ "$tests_rc" -ne 0 ] || [ "$gate_rc" -ne 0 ]; then
	exit 1
fi
exit 0
