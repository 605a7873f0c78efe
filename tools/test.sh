#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole test suite: set up (packages, hugepages), build, and run every
# unit and integration test; then the same with ASan+UBSan.
#
# Usage: tools/test.sh [--no-sanitize]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
sanitize=true
[ "${1:-}" = "--no-sanitize" ] && sanitize=false

"$top/tools/setup.sh"
meson test -C "$top/build" --print-errorlogs

if $sanitize; then
	"$top/tools/setup.sh" --build-dir "$top/build-asan" --sanitize
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		meson test -C "$top/build-asan" --print-errorlogs
fi
