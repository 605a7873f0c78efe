#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# --help and -h of every tool: exit status 0, the tool's usage on stdout,
# no server needed. A DPDK tool takes them before "--" (or with no "--"),
# where it prints EAL's usage and then its own, as DPDK applications do,
# and after "--", where it prints its own; the EAL file prefix, when given,
# is one no process uses. The other tools take them as their options.
#
# Usage: check_help.sh EAL_TOOL... -- OTHER_TOOL...
set -uo pipefail

eal_tools=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	eal_tools+=("$1")
	shift
done
shift
other_tools=("$@")
prefix="dipc-help-$$"
fails=0

check() {
	local tool=$1 eal=$2 out st name
	shift 2
	name=$(basename "$tool")
	out=$("$tool" "$@" 2>/dev/null)
	st=$?
	if [ $st -ne 0 ]; then
		echo "check_help: FAILED: $name $*: exit status $st"
		fails=$((fails + 1))
		return
	fi
	if ! grep -q "$name" <<<"$out" || ! grep -qi "usage" <<<"$out"; then
		echo "check_help: FAILED: $name $*: no usage of $name on stdout"
		fails=$((fails + 1))
		return
	fi
	if [ "$eal" = eal ] && ! grep -q "EAL common options" <<<"$out"; then
		echo "check_help: FAILED: $name $*: no EAL usage"
		fails=$((fails + 1))
		return
	fi
	echo "check_help: $name $*: ok"
}

for t in "${eal_tools[@]}"; do
	check "$t" eal --help
	check "$t" eal -h
	check "$t" eal --file-prefix="$prefix" --help
	check "$t" app -- --help
	check "$t" app -- -h
	check "$t" app --file-prefix="$prefix" -- --help
done
for t in "${other_tools[@]}"; do
	check "$t" none --help
	check "$t" none -h
done
exit $((fails != 0))
