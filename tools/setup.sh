#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Prepare a Debian 12 machine for dipc and build it. Idempotent.
#   1. install what is missing from Debian's archive;
#   2. reserve 2 MB hugepages and mount hugetlbfs;
#   3. meson setup + ninja.
#
# Usage: tools/setup.sh [--build-dir DIR] [--sanitize] [--coverage] [--no-build]
#                       [--build-only] [--pages N]
#   --sanitize    ASan+UBSan build
#   --coverage    gcov counters too (-Db_coverage, -O0, atomic counters), read
#                 by tools/coverage.sh --report-only after the tests ran
#   --build-only  step 3 only (packages and hugepages are done)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$top/build"
sanitize=false
coverage=false
do_build=true
prepare=true
pages=${DIPC_HUGEPAGES:-512}

while [ $# -gt 0 ]; do
	case "$1" in
	--build-dir) build_dir=$2; shift 2 ;;
	--sanitize) sanitize=true; shift ;;
	--coverage) coverage=true; shift ;;
	--no-build) do_build=false; shift ;;
	--build-only) prepare=false; shift ;;
	--pages) pages=$2; shift 2 ;;
	-h|--help) sed -n '3,15p' "$0"; exit 0 ;;
	*) echo "setup: unknown option '$1'" >&2; exit 2 ;;
	esac
done

say() { echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }

# Steps 1 and 2 (not with --build-only).
if $prepare; then
[ "$(id -u)" -eq 0 ] || die "run as root: installing packages and reserving hugepages need it"

# 1. Packages. dpdk-hugepages.py is in 'dpdk'; pyelftools lets DPDK's
# python tools read binaries; linux-perf and strace serve the hot-path proof;
# liblz4 compresses message bodies (lib/codec); cJSON, protobuf-c (and its
# compiler) and msgpack-c are what dipc-codec-perf compares the codec with;
# tshark reads message captures back (tests/test_capture.c, tools/dipc.lua);
# nodejs is a baseline of tools/baselines.sh; gnuplot-nox draws tools/plot.sh;
# libssl-dev is libcrypto's HMAC-SHA256 for the eth transport's admission
# proofs (drivers/eth/dipc_eth_conn.c); iproute2 makes the network
# namespaces and veth pair of the af_packet test (tests/test_eth.c);
# iceoryx (iox-roudi), its C binding and cmake (which meson asks for the
# binding: Debian ships no .pc file) are the publish/subscribe baseline
# (app/iceoryx-bench, tools/iceoryx-bench.sh).
packages="dpdk libdpdk-dev dpdk-dev libnuma-dev libcmocka-dev meson ninja-build pkg-config
	gcc libc6-dev libhugetlbfs-bin python3 python3-pyelftools strace gdb util-linux procps cppcheck clang-tidy gcovr clang-14 libclang-rt-14-dev
	liblz4-dev libssl-dev libcjson-dev libprotobuf-c-dev protobuf-c-compiler libmsgpack-dev tshark
	nodejs gnuplot-nox iproute2 iceoryx libiceoryx-binding-c-dev cmake"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	say "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq </dev/null || die "apt-get update failed: is Debian's archive reachable?"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing </dev/null >/dev/null ||
		die "apt-get install failed for:$missing"
else
	say "packages: all present"
fi

# 2. Hugepages.
huge_free() { awk '/^HugePages_Free:/ {print $2}' /proc/meminfo; }
huge_total() { awk '/^HugePages_Total:/ {print $2}' /proc/meminfo; }
if [ "$(huge_total)" -lt "$pages" ]; then
	say "reserving $pages x 2 MB hugepages"
	dpdk-hugepages.py -p 2M -r "$((pages * 2))M" 2>/dev/null ||
		echo "$pages" > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages || true
fi
if ! grep -q '^[^ ]* [^ ]* hugetlbfs ' /proc/mounts; then
	say "mounting hugetlbfs on /dev/hugepages"
	mkdir -p /dev/hugepages
	mount -t hugetlbfs -o pagesize=2M nodev /dev/hugepages ||
		die "cannot mount hugetlbfs on /dev/hugepages"
fi
if [ "$(huge_free)" -lt 128 ]; then
	cat >&2 <<MSG
setup: error: only $(huge_free) free 2 MB hugepages ($(huge_total) reserved); dipc needs
  at least 128 free (a server with the default config uses about 100).
  The kernel could not find enough contiguous memory, or other programs hold them.
  Try, as root:
    dpdk-hugepages.py -s                      # who has what
    sync; echo 3 > /proc/sys/vm/drop_caches; dpdk-hugepages.py -p 2M -r 1G
  or reserve them at boot: add 'hugepages=512' to the kernel command line.
  Stale files of crashed DPDK processes can be removed with: dpdk-hugepages.py -c
MSG
	exit 1
fi
say "hugepages: $(huge_free) of $(huge_total) free, mounted on $(awk '$3 == "hugetlbfs" {print $2; exit}' /proc/mounts)"
fi # $prepare

# 3. Build.
$do_build || exit 0
opts=(-Dsanitize="$sanitize")
# As tools/coverage.sh builds: every line keeps its own code (-O0); the
# server counts from several threads at once (atomic counters).
$coverage && opts+=(-Db_coverage=true -Dbuildtype=debug -Dc_args=-fprofile-update=atomic)
if [ ! -f "$build_dir/build.ninja" ]; then
	meson setup "$build_dir" "$top" "${opts[@]}" >/dev/null ||
		die "meson setup failed (see $build_dir/meson-logs/meson-log.txt)"
else
	meson configure "$build_dir" "${opts[@]}" >/dev/null
fi
ninja -C "$build_dir" >/dev/null || { ninja -C "$build_dir"; die "build failed"; }
say "built in $build_dir"
