#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every installed header, and a header dipc-schemac generates, compiles as
# C++ on its own: g++ -Wall -Wextra -Werror, as C++11 and as g++'s default
# (gnu++17). (C++20 is left out: DPDK 22.11's own rte_spinlock.h is refused
# there, -Wvolatile.) Only the headers given are on the include path, as
# in an installed include/dipc, so a public header that needs an internal
# one fails here too.
#
# Usage: check_cxx.sh CXX HEADER...
set -euo pipefail

cxx=$1
shift
dpdk_cflags=$(pkg-config --cflags libdpdk)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/include"
cp "$@" "$tmp/include/"
fails=0
for h in "$@"; do
	name=$(basename "$h")
	printf '#include <%s>\n#include <%s>\nint main() { return 0; }\n' "$name" "$name" \
		>"$tmp/t.cpp"
	for std in c++11 gnu++17; do
		# shellcheck disable=SC2086
		if ! out=$("$cxx" -std=$std -Wall -Wextra -Werror -c -o "$tmp/t.o" \
			-I"$tmp/include" $dpdk_cflags "$tmp/t.cpp" 2>&1); then
			echo "check_cxx: FAILED: $name as $std:"
			echo "$out" | head -20
			fails=$((fails + 1))
		fi
	done
	echo "check_cxx: $name ok"
done
exit $((fails != 0))
