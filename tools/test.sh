#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole test suite: set up (packages, hugepages), build, and run every
# unit and integration test; then the same with ASan+UBSan. Ends with one
# line counting the test cases of both runs: "tests: N passed, N failed".
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
		meson test -C "$top/build-asan" --print-errorlogs
	rc=$((rc | $?))
fi

# Count cmocka cases from meson's JSON logs; an executable that died before
# cmocka's summary counts as one failure, a skipped one (exit 77) as skipped.
python3 - "${builds[@]}" <<'PY'
import json, re, sys
passed = failed = skipped = 0
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
