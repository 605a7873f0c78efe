#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Static analysis of lib/, drivers/, app/, tests/ and tools/*.c (never the
# build directories) with cppcheck and clang-tidy. Exits 0 when both are
# clean, 1 on any finding, 2 when a tool is missing or cannot run.
#   cppcheck:   --enable=warning,performance,portability, DPDK include paths
#               from pkg-config, gcc's predefined macros, suppressions with
#               reasons in tools/cppcheck-suppressions.txt;
#   clang-tidy: checks in .clang-tidy, compile commands from the build's
#               compile_commands.json, DPDK headers as system headers.
# Full logs: BUILD/cppcheck.log and BUILD/clang-tidy.log.
#
# Usage: tools/static-analysis.sh [--build-dir DIR]   (default: build-sa;
#        only its compile_commands.json is used, nothing is compiled)
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build-sa"

while [ $# -gt 0 ]; do
	case "$1" in
	--build-dir) build=$(realpath -m "$2"); shift 2 ;;
	-h|--help) sed -n '3,15p' "$0"; exit 0 ;;
	*) echo "static-analysis: unknown option '$1'" >&2; exit 2 ;;
	esac
done

say() { echo "static-analysis: $*"; }
die() { echo "static-analysis: error: $*" >&2; exit 2; }

cd "$top" || die "cannot enter $top"
cppcheck=$(command -v cppcheck) || die "cppcheck not found (apt-get install cppcheck)"
tidy=$(command -v clang-tidy-14 || command -v clang-tidy) ||
	die "clang-tidy not found (apt-get install clang-tidy)"
pkg-config --exists libdpdk || die "pkg-config cannot find libdpdk"

# compile_commands.json: meson writes it at setup and refreshes it whenever
# ninja regenerates build.ninja.
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" >/dev/null ||
		die "meson setup $build failed (see $build/meson-logs/meson-log.txt)"
fi
ninja -C "$build" build.ninja >/dev/null || die "cannot regenerate $build/build.ninja"
[ -f "$build/compile_commands.json" ] || die "no $build/compile_commands.json"

dirs=(lib drivers app tests)
jobs=$(nproc)
dpdk_inc=$(pkg-config --cflags-only-I libdpdk)
dpdk_other=$(pkg-config --cflags-only-other libdpdk)
failed=0

# 1. cppcheck. It knows no compiler: give it gcc's predefined macros for
# DPDK's -march (DPDK's headers #error without them) and DPDK's forced
# -include rte_config.h. Naming one configuration (-D) also stops it from
# trying every #ifdef combination of DPDK's headers.
start=$SECONDS
predef="$build/cppcheck-predef.h"
dpdk_cflags=$(echo " $dpdk_other " | sed 's/ -include [^ ]*//g')
# shellcheck disable=SC2086
cc $dpdk_cflags -std=gnu11 -dM -E - </dev/null >"$predef" ||
	die "cannot list the compiler's predefined macros"
rte_config=""
for i in $dpdk_inc; do
	[ -f "${i#-I}/rte_config.h" ] && { rte_config="${i#-I}/rte_config.h"; break; }
done
[ -n "$rte_config" ] || die "rte_config.h not in DPDK's include path: $dpdk_inc"
own_inc=()
for d in lib/* drivers/* tests; do
	[ -d "$d" ] && own_inc+=("-I$d")
done
# shellcheck disable=SC2086
"$cppcheck" -q -j "$jobs" --std=c11 \
	--enable=warning,performance,portability --inline-suppr --error-exitcode=1 \
	--suppressions-list=tools/cppcheck-suppressions.txt \
	--include="$predef" --include="$rte_config" -D__x86_64__ \
	-D_GNU_SOURCE -DALLOW_EXPERIMENTAL_API $dpdk_inc "${own_inc[@]}" \
	--template='{file}:{line}:{column}: {severity}: {message} [{id}]' \
	"${dirs[@]}" tools/*.c >"$build/cppcheck.log" 2>&1
rc=$?
n=$(grep -c '^[^ ].*: \(error\|warning\|style\|performance\|portability\): ' "$build/cppcheck.log")
if [ "$rc" -ne 0 ] || [ "$n" -ne 0 ]; then
	cat "$build/cppcheck.log"
	say "cppcheck: $n finding(s) (exit $rc), $((SECONDS - start)) s"
	failed=1
else
	say "cppcheck: clean, $((SECONDS - start)) s"
fi

# 2. clang-tidy, one process per translation unit, $jobs at a time. DPDK's
# directories become -isystem so that the analyzer does not report paths
# that end inside DPDK's inline functions; our headers are reported once.
start=$SECONDS
tidy_dir="$build/clang-tidy"
rm -rf "$tidy_dir"
mkdir -p "$tidy_dir"
extra=()
for i in $dpdk_inc; do
	extra+=("--extra-arg=-isystem${i#-I}")
done
# Translation units of compile_commands.json that are ours (absolute paths).
python3 - "$build/compile_commands.json" "$top" "${dirs[@]}" tools >"$tidy_dir/files" <<'PY' ||
import json, os, sys
db, top, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
seen = set()
for e in json.load(open(db)):
    f = os.path.normpath(os.path.join(e["directory"], e["file"]))
    rel = os.path.relpath(f, top)
    if rel.split(os.sep)[0] in dirs and f not in seen:
        seen.add(f)
        print(f)
PY
	die "cannot read $build/compile_commands.json"
export tidy tidy_dir build
tidy_one() {
	local log
	log="$tidy_dir/$(echo "${1#"$top"/}" | tr / _).log"
	"$tidy" -p "$build" --quiet --header-filter="^$top/(lib|drivers|app|tests|tools)/" \
		"${@:2}" "$1" >"$log" 2>&1 || echo "exit $?" >>"$log"
}
export -f tidy_one
export top
xargs -a "$tidy_dir/files" -P "$jobs" -I{} bash -c 'tidy_one "$@"' _ {} "${extra[@]}"
cat "$tidy_dir"/*.log >"$build/clang-tidy.log"
# One line per finding: paths relative to the top, a header's finding once.
findings=$(grep -h '^[^ ].*:[0-9]*:[0-9]*: \(warning\|error\): ' "$tidy_dir"/*.log |
	sed "s|^$top/||; s|^\([^:]*/\)\{0,1\}\.\./||" | sort -u)
n=$(printf '%s' "$findings" | grep -c '^')
crashed=$(grep -l '^exit [0-9]*$' "$tidy_dir"/*.log | wc -l)
if [ "$n" -ne 0 ]; then
	echo "$findings"
	say "clang-tidy: $n finding(s) in $(wc -l <"$tidy_dir/files") files, $((SECONDS - start)) s (details: $build/clang-tidy.log)"
	failed=1
elif [ "$crashed" -ne 0 ]; then
	cat "$build/clang-tidy.log"
	say "clang-tidy: failed on $crashed file(s) without a finding, $((SECONDS - start)) s"
	failed=1
else
	say "clang-tidy: clean ($(wc -l <"$tidy_dir/files") files), $((SECONDS - start)) s"
fi

if [ "$failed" -ne 0 ]; then
	say "FAILED"
	exit 1
fi
say "OK"
