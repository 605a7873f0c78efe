#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Smoke test of dipc-codec-perf (behaviour, not speed: no timing is
# checked). With a few iterations it must finish with status 0, which it
# only does when every format (dipc, dipc+lz4, packed, cJSON, protobuf-c,
# msgpack-c) decodes each of the five messages to the native values
# (a digest of every byte of every field, checked before timing); its JSON
# must hold every format and message with a size and the three figures;
# the table must print; and bad options must be refused with status 2.
#
# Usage: codec_perf_smoke.sh PATH-TO-dipc-codec-perf
set -uo pipefail

exe=${1:?usage: $0 PATH-TO-dipc-codec-perf}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail() { echo "codec-perf smoke: FAILED: $*" >&2; exit 1; }

"$exe" --runs 1 --iters 3 --json >"$out" || fail "--json run exited $?"
python3 - "$out" <<'PY' || fail "JSON output"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["check"] == "ok", d["check"]
formats = {"dipc", "dipc+lz4", "packed", "json", "protobuf-c", "msgpack-c"}
msgs = {"rpc_request", "order_event", "batch", "deep", "labels"}
seen = set()
for r in d["results"]:
    seen.add((r["msg"], r["format"]))
    assert r["bytes"] > 0, r
    for m in ("encode", "read") + (() if r["format"] == "packed" else ("validate_read",)):
        f = r[m]
        assert f["iters"] == 3 and len(f["runs_ns"]) == 1 and f["median_ns"] > 0, (r["format"], m)
assert seen == {(m, f) for m in msgs for f in formats}, seen
assert len(d["targets"]) == 6 * len(msgs)
# The sizes do not depend on timing: dipc against compact JSON, as measured.
size = {(r["msg"], r["format"]): r["bytes"] for r in d["results"]}
for m in msgs:
    assert size[(m, "dipc+lz4")] <= size[(m, "dipc")], m
print("codec-perf smoke: JSON ok:", ", ".join(f"{m} dipc {size[(m, 'dipc')]} B json {size[(m, 'json')]} B"
                                               for m in sorted(msgs)))
PY
"$exe" --runs 2 --iters 2 >"$out" || fail "table run exited $?"
grep -q '^check: every format decodes to the native values of all 5 messages$' "$out" ||
	fail "no check line in the table"
grep -q '^encoded size <= 60% of compact JSON' "$out" || fail "no targets in the table"
for bad in "--runs 0" "--iters x" "--cpu -1" "--min-time 0" "--bogus" "extra"; do
	# shellcheck disable=SC2086
	"$exe" $bad >/dev/null 2>&1
	rc=$?
	[ $rc -eq 2 ] || fail "'$bad' gave status $rc, expected 2"
done
echo "codec-perf smoke: ok"
