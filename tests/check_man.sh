#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Each man page (docs/man) names every option its tool's --help lists.
#
# Usage: check_man.sh MAN_DIR TOOL...   (each TOOL a path to the program)
set -euo pipefail

man_dir=$1
shift
fails=0
for tool in "$@"; do
	name=$(basename "$tool")
	page="$man_dir/$name.1"
	if [ ! -f "$page" ]; then
		echo "check_man: FAILED: no man page $page"
		fails=$((fails + 1))
		continue
	fi
	# The application's own usage, after "--" (no EAL, no server needed).
	usage=$("$tool" -- --help 2>&1 || "$tool" --help 2>&1 || true)
	opts=$(grep -oE -- '--[a-z][a-z0-9-]*' <<<"$usage" | sort -u)
	missing=""
	for o in $opts; do
		roff=${o//-/\\-}
		grep -qF -- "$roff" "$page" || missing="$missing $o"
	done
	if [ -n "$missing" ]; then
		echo "check_man: FAILED: $page does not describe:$missing"
		fails=$((fails + 1))
	else
		echo "check_man: $name: $(wc -w <<<"$opts") options, all in $page"
	fi
done
exit $((fails != 0))
