#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run the libFuzzer targets of tests/fuzz, each over its seed corpus for a
# bounded time or number of runs, and print how many inputs each executed.
# Sets up the clang build (build-fuzz, -Dfuzz=true) if needed. New corpus
# entries, logs and crash inputs go to a scratch directory, never into the
# repository. Ends with "fuzz: N passed, N failed" (one per target).
#
# Usage: tools/fuzz.sh [--seconds N | --runs N]
#                      [--target msg|config|schema|seal|admission|eth_frame|eth_conn]
#                      [--build-dir DIR] [--work-dir DIR] [--build-only] [--timeout S]
#   --seconds N   run each target for N seconds (default 30)
#   --runs N      run each target for N inputs instead
#   --timeout S   an input running S seconds of wall time is a finding
#                 (default 10; a niced run on a loaded machine needs more)
#   --target T    only this target (repeatable; default all)
#   --build-only  set up and build the targets, run nothing
#   --work-dir D  scratch directory, kept (default: a fresh one under /tmp,
#                 removed when every target passes)
# Exit status: 0 no finding, 1 a finding or a target that did not run,
# 2 usage.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$top/build-fuzz"
limit="-max_total_time=30"
timeout=10
targets=()
work=""
keep=false
build_only=false
cc=${DIPC_FUZZ_CC:-clang-14}

usage() { sed -n '4,22p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "fuzz: error: $*" >&2; exit 1; }
number() { [[ "$2" =~ ^[0-9]+$ ]] || { echo "fuzz: $1 needs a number" >&2; exit 2; }; }

while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) number "$1" "${2:-}"; limit="-max_total_time=$2"; shift 2 ;;
	--runs) number "$1" "${2:-}"; limit="-runs=$2"; shift 2 ;;
	--target) targets+=("${2:-}"); shift 2 ;;
	--build-dir) build_dir=${2:-}; shift 2 ;;
	--work-dir) work=${2:-}; keep=true; shift 2 ;;
	--build-only) build_only=true; shift ;;
	--timeout) number "$1" "${2:-}"; timeout=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) echo "fuzz: unknown option '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
[ ${#targets[@]} -gt 0 ] || targets=(msg config schema seal admission eth_frame eth_conn)

# Largest input per target: a header and a body of any interesting shape;
# a few INI lines (320 characters at most each) or command-line words; a
# codec body with room for nested variable fields; a control byte and a
# sealed (compressed) body; the admission target's fixed part (72 bytes)
# and two messages of up to twice 48 bytes each; for the frame layer,
# records of frames: 1 KB holds 70 well-formed 14-byte ones (past the 64
# segments of a message and the table's limits) or raw frames of up to
# 1 KB (larger frames come from the well-formed records and round trips;
# 4096 made each input several times slower for the same checks); for
# the connection layer, a control byte and a payload past the 256 bytes a
# control frame carries (every length a decoder may be given).
max_len() {
	case "$1" in
	msg) echo 1024 ;;
	config) echo 4096 ;;
	schema) echo 4096 ;;
	seal) echo 4096 ;;
	admission) echo 512 ;;
	eth_frame) echo 1024 ;;
	eth_conn) echo 300 ;;
	*) return 1 ;;
	esac
}
for t in "${targets[@]}"; do
	max_len "$t" >/dev/null || { echo "fuzz: unknown target '$t'" >&2; exit 2; }
done

# 1. The clang build (tools/setup.sh installs clang-14 and libclang-rt-14-dev).
command -v "$cc" >/dev/null ||
	die "$cc not found: run tools/setup.sh --no-build as root, or apt-get install clang-14 libclang-rt-14-dev"
if [ ! -f "$build_dir/build.ninja" ]; then
	echo "fuzz: setting up $build_dir with $cc"
	CC=$cc meson setup "$build_dir" "$top" -Dfuzz=true -Dtests=false >/dev/null ||
		die "meson setup failed (see $build_dir/meson-logs/meson-log.txt)"
else
	meson configure "$build_dir" -Dfuzz=true >/dev/null ||
		die "$build_dir cannot build the fuzzers (set up with CC=$cc?)"
fi
exes=()
for t in "${targets[@]}"; do
	exes+=("tests/fuzz/fuzz_$t")
done
ninja -C "$build_dir" "${exes[@]}" >/dev/null || { ninja -C "$build_dir" "${exes[@]}"; die "build failed"; }
if $build_only; then
	echo "fuzz: built ${exes[*]} in $build_dir"
	exit 0
fi

# 2. Scratch space. The config target writes its INI files to $TMPDIR:
# tmpfs makes it several times faster than a disk-backed /tmp.
if [ -z "$work" ]; then
	work=$(mktemp -d /tmp/dipc-fuzz.XXXXXX) || die "cannot create a scratch directory"
fi
mkdir -p "$work" || die "cannot create $work"
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	export TMPDIR=/dev/shm
fi

# 3. Run each target; libFuzzer ends with "Done N runs in S second(s)".
passed=0
failed=0
for t in "${targets[@]}"; do
	exe="$build_dir/tests/fuzz/fuzz_$t"
	log="$work/$t.log"
	mkdir -p "$work/corpus-$t"
	"$exe" "$limit" -max_len="$(max_len "$t")" -timeout="$timeout" -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/$t-" \
		"$work/corpus-$t" "$top/tests/fuzz/corpus/$t" >"$log" 2>&1
	ret=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -n 1)
	if [ $ret -eq 0 ] && [ -n "$runs" ]; then
		echo "fuzz: $t: $runs, no finding ($(ls "$work/corpus-$t" | wc -l) inputs in the scratch corpus)"
		passed=$((passed + 1))
		continue
	fi
	failed=$((failed + 1))
	last=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -n 1)
	echo "fuzz: $t: FAILED (exit $ret) after ${last:-0} runs; log: $log"
	grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz_[a-z]+: )|runtime error|Test unit written' "$log" |
		head -n 10 | sed 's/^/fuzz:   /'
	keep=true
done

if $keep; then
	echo "fuzz: logs, new corpus entries and crash inputs in $work"
else
	rm -rf "$work"
fi
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
