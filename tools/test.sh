#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole test suite, as CI runs it (.ci/run): set up (packages,
# hugepages) and build; every unit, integration and tools test in the plain
# build; the unit and integration tests again in one ASan+UBSan build that
# also counts line coverage (-O0, gcov), so that the suite runs once for
# both and the coverage gate (tools/coverage.sh --report-only) reads that
# run; static analysis (tools/static-analysis.sh); 12 s of each libFuzzer
# target (tools/fuzz.sh). Static analysis needs CPU but no hugepages: it
# runs niced beside the tests, which wait on their servers and clients most
# of the time; the ASan and the fuzzers' builds are compiled, niced, while
# the plain tests run; the fuzzers run once the tests are done, and then
# nothing is niced any more (a machine loaded by others must not starve
# it). Ends with one line counting the test cases of all of them:
# "tests: N passed, N failed, N skipped" (static analysis, the coverage
# gate and each fuzz target count as one test each).
#
# Each step's wall time is printed as it ends ("test.sh: [  S s] ...") and
# the background steps' output follows theirs. Logs: build/test-logs/.
#
# Usage: tools/test.sh [--no-sanitize]   (no ASan build: no ASan tests, and
#        the coverage gate builds and runs the suite in build-cov instead)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
sanitize=true
[ "${1:-}" = "--no-sanitize" ] && sanitize=false
builds=("$top/build")
start=$SECONDS
rc=0

stamp() { printf 'test.sh: [%4d s] %s\n' $((SECONDS - start)) "$*"; }

# Back to the normal priority: a process and everything it has started.
unnice() {
	local p
	for p in $(pgrep -P "$1"); do
		unnice "$p"
	done
	renice -n 0 -p "$1" >/dev/null 2>&1
}

# 1. Packages, hugepages, the plain build.
"$top/tools/setup.sh" || exit 1
stamp "setup and plain build done"
logs="$top/build/test-logs"
rm -rf "$logs"
mkdir -p "$logs"
# Only this run's results are counted.
rm -f "$top/build/meson-logs/testlog.json" "$top/build-asan/meson-logs/testlog.json"

# 2. In the background, niced so that the tests come first: static
# analysis. Its status goes to a file; its output is shown at the end.
bg() {
	local name=$1 nice=$2
	shift 2
	( nice -n "$nice" "$@" >"$logs/$name.log" 2>&1; echo $? >"$logs/$name.rc"
	  printf '%d\n' $((SECONDS - start)) >"$logs/$name.end" ) &
}
bg static-analysis 19 "$top/tools/static-analysis.sh"
sa_pid=$!

# 3. The ASan+UBSan (and coverage) build, then the fuzzers' (clang), both
# compiled beside the plain tests.
if $sanitize; then
	builds+=("$top/build-asan")
	bg build-asan 10 "$top/tools/setup.sh" --build-only --build-dir "$top/build-asan" \
		--sanitize --coverage
	asan_build_pid=$!
fi
after=""
$sanitize && after="$logs/build-asan.rc"
bg build-fuzz 19 bash -c 'while [ -n "$1" ] && [ ! -f "$1" ]; do sleep 1; done
	exec "$2" --build-only' _ "$after" "$top/tools/fuzz.sh"
fuzz_build_pid=$!

# 4. The plain build's tests: integration groups two at a time.
meson test -C "$top/build" --print-errorlogs >"$logs/test-plain.log" 2>&1
plain_rc=$?
if [ "$plain_rc" -eq 0 ]; then
	sed -n '/^ *[0-9]*\/[0-9]* /p; /^Ok:/,/^Timeout:/p' "$logs/test-plain.log"
else
	cat "$logs/test-plain.log"
	rc=1
fi
stamp "plain tests done (exit $plain_rc)"

# 5. The same unit and integration tests under ASan+UBSan, counting lines
# (at -O0, several times slower: three times meson's time limits and the
# harness's wait bounds, and 200,000 echo calls instead of a million).
# They wait for their build: no longer niced.
if $sanitize; then
	unnice "$asan_build_pid"
	wait "$asan_build_pid"
	if [ "$(cat "$logs/build-asan.rc")" -ne 0 ]; then
		cat "$logs/build-asan.log"
		stamp "ASan build FAILED"
		rc=1
	else
		stamp "ASan+coverage build done (it had ended at $(cat "$logs/build-asan.end") s)"
		find "$top/build-asan" -name '*.gcda' -delete
		DIPC_TEST_ECHO_CALLS=200000 DIPC_TEST_WAIT_SCALE=3 \
		ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			meson test -C "$top/build-asan" --print-errorlogs --no-suite tools \
			--timeout-multiplier 3 >"$logs/test-asan.log" 2>&1
		asan_rc=$?
		if [ "$asan_rc" -eq 0 ]; then
			sed -n '/^ *[0-9]*\/[0-9]* /p; /^Ok:/,/^Timeout:/p' "$logs/test-asan.log"
		else
			cat "$logs/test-asan.log"
			rc=1
		fi
		stamp "ASan tests done (exit $asan_rc)"
	fi
fi

# 6. The tests are done (but for coverage.sh's own run with --no-sanitize):
# static analysis at the normal priority again, and the fuzzers, 12 s a
# target, beside it.
unnice "$sa_pid"
unnice "$fuzz_build_pid"
wait "$fuzz_build_pid"
bg fuzz 0 "$top/tools/fuzz.sh" --seconds 12
fuzz_pid=$!

# Whole-tree checks, one counted test each (added to the count below).
steps_passed=0
steps_failed=0
count_step() {
	if [ "$1" -eq 0 ]; then
		steps_passed=$((steps_passed + 1))
	else
		steps_failed=$((steps_failed + 1))
		rc=$((rc | 1))
	fi
}

# 7. Line coverage of lib/ + drivers/ (gate 90%): from the ASan run's
# counts, or, without it, a coverage build of its own.
if $sanitize; then
	if [ -f "$logs/test-asan.log" ]; then
		"$top/tools/coverage.sh" --build-dir "$top/build-asan" --report-only \
			>"$logs/coverage.log" 2>&1
		cov_rc=$?
	else
		echo "coverage: no ASan run to read" >"$logs/coverage.log"
		cov_rc=1
	fi
else
	"$top/tools/coverage.sh" >"$logs/coverage.log" 2>&1
	cov_rc=$?
fi
grep -E '^coverage: ' "$logs/coverage.log"
[ "$cov_rc" -eq 0 ] || sed -n '/^uncovered lines/,$p' "$logs/coverage.log" | tail -n 60
count_step "$cov_rc"
stamp "coverage done (exit $cov_rc)"

# 8. The background steps.
wait "$sa_pid"
cat "$logs/static-analysis.log"
count_step "$(cat "$logs/static-analysis.rc")"
stamp "static analysis had ended at $(cat "$logs/static-analysis.end") s"

# libFuzzer targets (tools/fuzz.sh, docs/FUZZING.md): one counted test per
# target, or one failure if the fuzzers cannot run at all.
wait "$fuzz_pid"
cat "$logs/build-fuzz.log" "$logs/fuzz.log"
fuzz_rc=$(cat "$logs/fuzz.rc")
fuzz_counts=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$logs/fuzz.log" | tail -n 1)
read -r fuzz_passed fuzz_failed <<<"${fuzz_counts:-0 0}"
if [ "$fuzz_rc" -ne 0 ]; then
	rc=$((rc | 1))
	[ "$fuzz_failed" -gt 0 ] || fuzz_failed=1
fi
steps_passed=$((steps_passed + fuzz_passed))
steps_failed=$((steps_failed + fuzz_failed))
stamp "fuzzers had ended at $(cat "$logs/fuzz.end") s"

# Count cmocka cases from meson's JSON logs; an executable that died before
# cmocka's summary counts as one failure, a skipped one (exit 77) as skipped.
STEPS_PASSED=$steps_passed STEPS_FAILED=$steps_failed python3 - "${builds[@]}" <<'PY'
import json, os, re, sys
passed = int(os.environ["STEPS_PASSED"])
failed = int(os.environ["STEPS_FAILED"])
skipped = 0
for build in sys.argv[1:]:
    try:
        log = open(f"{build}/meson-logs/testlog.json")
    except OSError:
        failed += 1  # its tests did not run
        continue
    for line in log:
        t = json.loads(line)
        out = (t.get("stdout") or "") + (t.get("stderr") or "")
        if t["result"] == "SKIP":
            skipped += 1
            continue
        p = re.findall(r"^\[  PASSED  \] (\d+) test", out, re.M)
        f = re.findall(r"^\[  FAILED  \] (\d+) test", out, re.M)
        if not p and not f:
            failed += t["result"] != "OK"
            passed += t["result"] == "OK"
            continue
        passed += sum(map(int, p))
        failed += sum(map(int, f))
        if t["result"] != "OK" and not f:
            failed += 1
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
