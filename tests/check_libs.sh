#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The installable libraries as a user links them:
#   - each shared library has the soname libdipc_X.so.MAJOR.MINOR and
#     exports exactly the symbols its version.map lists, in node DIPC_1;
#   - no library writes to stderr itself (each logs through its DPDK
#     logtype): no stderr, perror or abort in lib/ or drivers/ sources.
#
# Usage: check_libs.sh SOURCE_DIR BUILD_DIR SOVERSION
set -euo pipefail

src=$1
build=$2
soversion=$3
fails=0

fail() { echo "check_libs: FAILED: $*"; fails=$((fails + 1)); }

for map in "$src"/lib/*/version.map "$src"/drivers/*/version.map; do
	dir=$(dirname "$map")
	name=$(basename "$dir")
	case "$dir" in
	*/drivers/*) lib=libdipc_drv_$name.so ;;
	*) lib=libdipc_$name.so ;;
	esac
	so="$build/$lib"
	if [ ! -e "$so" ]; then
		fail "$lib not built"
		continue
	fi
	soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[ "$soname" = "$lib.$soversion" ] || fail "$lib: soname '$soname', want $lib.$soversion"
	want=$(sed -n 's/^[[:space:]]*\(_*dipc_[a-z0-9_]*\);.*/\1/p' "$map" | sort)
	have=$(nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^DIPC_1$' |
		sed 's/@@DIPC_1$//' | sort)
	if [ "$want" != "$have" ]; then
		fail "$lib: exported symbols differ from $map:"
		diff <(echo "$want") <(echo "$have") | sed 's/^/  /' || true
	fi
	if nm -D --defined-only "$so" | awk '{print $3}' | grep -v '^DIPC_1$' |
		grep -qv '@@DIPC_1$'; then
		fail "$lib: a symbol outside version node DIPC_1"
	fi
	echo "check_libs: $lib: soname $soname, $(echo "$have" | wc -l) symbols, as version.map"
done

# Libraries log through their logtype; the application decides what to print.
if grep -nE '\b(stderr|perror|abort) *[(,)]' "$src"/lib/*/*.c "$src"/drivers/*/*.c; then
	fail "a library writes to stderr or aborts by itself (lines above)"
fi

[ "$fails" -eq 0 ] && echo "check_libs: ok"
exit $((fails != 0))
