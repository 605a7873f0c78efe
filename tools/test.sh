#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole test suite: set up (packages, hugepages), build, and run every
# unit, integration and tools test; then the unit and integration tests
# with ASan+UBSan (the tools suite runs benchmark scripts: not there); then static
# analysis (tools/static-analysis.sh) and the line-coverage gate
# (tools/coverage.sh), one counted test each; then 12 s of each libFuzzer
# target (tools/fuzz.sh), one counted test each. Ends with one line counting
# the test cases of all of them: "tests: N passed, N failed".
#
# Usage: tools/test.sh [--no-sanitize]
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
sanitize=true
[ "${1:-}" = "--no-sanitize" ] && sanitize=false
builds=("$top/build")

"$top/tools/setup.sh" || exit 1
meson test -C "$top/build" --print-errorlogs
rc=$?

if $sanitize; then
	builds+=("$top/build-asan")
	"$top/tools/setup.sh" --build-dir "$top/build-asan" --sanitize || exit 1
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C "$top/build-asan" --print-errorlogs --no-suite tools
	rc=$((rc | $?))
fi

# Whole-tree checks, one counted test each (added to the count below).
steps_passed=0
steps_failed=0
step() {
	if "$@"; then
		steps_passed=$((steps_passed + 1))
	else
		steps_failed=$((steps_failed + 1))
		rc=$((rc | 1))
	fi
}
step "$top/tools/static-analysis.sh"
step "$top/tools/coverage.sh"

# libFuzzer targets, a short run each (tools/fuzz.sh, docs/FUZZING.md): one
# counted test per target, or one failure if the fuzzers cannot run at all.
fuzz_log=$(mktemp)
"$top/tools/fuzz.sh" --seconds 12 2>&1 | tee "$fuzz_log"
fuzz_rc=${PIPESTATUS[0]}
fuzz_counts=$(sed -n 's/^fuzz: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$fuzz_log" | tail -n 1)
rm -f "$fuzz_log"
read -r fuzz_passed fuzz_failed <<<"${fuzz_counts:-0 0}"
if [ "$fuzz_rc" -ne 0 ]; then
	rc=$((rc | 1))
	[ "$fuzz_failed" -gt 0 ] || fuzz_failed=1
fi
steps_passed=$((steps_passed + fuzz_passed))
steps_failed=$((steps_failed + fuzz_failed))

# Count cmocka cases from meson's JSON logs; an executable that died before
# cmocka's summary counts as one failure, a skipped one (exit 77) as skipped.
STEPS_PASSED=$steps_passed STEPS_FAILED=$steps_failed python3 - "${builds[@]}" <<'PY'
import json, os, re, sys
passed = int(os.environ["STEPS_PASSED"])
failed = int(os.environ["STEPS_FAILED"])
skipped = 0
for build in sys.argv[1:]:
    for line in open(f"{build}/meson-logs/testlog.json"):
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
