#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The examples built as a user builds them: install the build into a
# staging directory (meson install --destdir), copy examples/ out of the
# tree, build each with its Makefile and nothing but pkg-config (the
# staged dipc.pc and dipc-server.pc; dipc-schemac and kv.schema found
# through them), check that they link the staged shared libraries, and run
# them end to end (tests/run_examples.sh) with the staged dipc-server.
#
# Usage: tools/examples-oot.sh [--build-dir D] [--keep]
#   --keep  leave the staging directory (its path is printed)
# Exit status 0 when every example built and ran; 77 without hugepages.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"
keep=0
while [ $# -gt 0 ]; do
	case "$1" in
	--build-dir) build=$(realpath -m "$2"); shift 2 ;;
	--keep) keep=1; shift ;;
	-h|--help) sed -n '3,14p' "$0"; exit 0 ;;
	*) echo "examples-oot: unknown option '$1'" >&2; exit 2 ;;
	esac
done
work=$(mktemp -d /tmp/dipc-oot.XXXXXX)
[ "$keep" -eq 1 ] && echo "examples-oot: staging in $work" || trap 'rm -rf "$work"' EXIT

say() { echo "examples-oot: $*"; }

# 1. Install, as a package build would (already built: no rebuild here).
meson install -C "$build" --no-rebuild --destdir "$work/stage" --quiet >/dev/null
pc=$(dirname "$(find "$work/stage" -name dipc.pc | head -1)")
[ -f "$pc/dipc.pc" ] && [ -f "$pc/dipc-server.pc" ] || { say "no .pc files installed"; exit 1; }
libdir=$(cd "$pc/.." && pwd)
bindir=$(find "$work/stage" -type f -name dipc-server -printf '%h\n' | head -1)
say "installed: $(find "$work/stage" -type f | wc -l) files; pkg-config files in ${pc#"$work/stage"}"

# 2. Out of the tree, with pkg-config alone.
export PKG_CONFIG_PATH="$pc"
cp -r "$top/examples" "$work/src"
rm -f "$work/src/meson.build"
for ex in echo_client kv_client my_service; do
	[ -d "$work/src/$ex" ] || continue
	make -s -C "$work/src/$ex" >"$work/make-$ex.log" 2>&1 ||
		{ cat "$work/make-$ex.log"; say "FAILED: make in examples/$ex"; exit 1; }
	say "built examples/$ex"
done

# 3. They run on the staged shared libraries, not the tree's.
export LD_LIBRARY_PATH="$libdir"
for exe in "$work"/src/*/build/*; do
	[ -x "$exe" ] && [ -f "$exe" ] || continue
	dipc_libs=$(ldd "$exe" | grep "libdipc_" || true)
	if [ -z "$dipc_libs" ] || grep -qv " => $libdir/" <<<"$dipc_libs"; then
		ldd "$exe"
		say "FAILED: $(basename "$exe") does not load dipc's shared libraries from the stage"
		exit 1
	fi
	say "$(basename "$exe"): $(wc -l <<<"$dipc_libs") dipc libraries, all staged"
done

# 4. End to end.
args=(--server "$bindir/dipc-server" --echo "$work/src/echo_client/build/echo_client"
	--kv "$work/src/kv_client/build/kv_client")
if [ -x "$work/src/my_service/build/my_server" ]; then
	args+=(--service-server "$work/src/my_service/build/my_server"
		--service-client "$work/src/my_service/build/my_client")
fi
"$top/tests/run_examples.sh" "${args[@]}"
