/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the control lcore's admission decision
 * (lib/server/dipc_admission.c) on any slot snapshot and server policy a
 * client could provoke. Properties checked on every input:
 * - a stopping server refuses with ESHUTDOWN;
 * - an admission grants the newest version in both ranges, a window of at
 *   most conn_mbufs (and of at most what was asked), a depth of at most
 *   the ring's capacity;
 * - with a token required, a right proof is admitted (versions allowing)
 *   and a wrong one refused with EACCES;
 * - version refusals happen exactly when the ranges do not meet.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dipc_admission.h"

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__,    \
				__LINE__, #cond);                                    \
			abort();                                                     \
		}                                                                    \
	} while (0)

struct input {
	uint32_t slot;
	int32_t pid;
	uint16_t req_min, req_max, pol_min, pol_max;
	uint32_t want_window, want_depth, conn_mbufs, ring_capacity;
	uint64_t nonce, token_mac;
	uint8_t flags; /* bit 0 stopping, bit 1 token required, bit 2 prove right */
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dipc_token token = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
	struct admission_request req;
	struct admission_policy pol;
	struct admission_result res;
	struct input in;
	uint16_t lo, hi;
	int meet;

	if (size < sizeof(in))
		return 0;
	memcpy(&in, data, sizeof(in));
	req = (struct admission_request){
		.slot = in.slot, .pid = in.pid, .version_min = in.req_min,
		.version_max = in.req_max, .want_window = in.want_window,
		.want_depth = in.want_depth, .nonce = in.nonce, .token_mac = in.token_mac,
	};
	if (in.flags & 4)
		req.token_mac = dipc_token_mac(&token, req.nonce, req.slot, req.pid);
	/* A server's own policy is sane: a version range, a window and a
	 * capacity of at least one. */
	pol = (struct admission_policy){
		.version_min = in.pol_min < in.pol_max ? in.pol_min : in.pol_max,
		.version_max = in.pol_min < in.pol_max ? in.pol_max : in.pol_min,
		.conn_mbufs = in.conn_mbufs | 1, .ring_capacity = in.ring_capacity | 1,
		.stopping = in.flags & 1, .token_required = (in.flags & 2) != 0, .token = &token,
	};
	admission_decide(&req, &pol, &res);

	lo = req.version_min > pol.version_min ? req.version_min : pol.version_min;
	hi = req.version_max < pol.version_max ? req.version_max : pol.version_max;
	meet = req.version_min <= req.version_max && lo <= hi;
	if (pol.stopping) {
		CHECK(res.reason == -ESHUTDOWN);
		return 0;
	}
	CHECK(res.reason == 0 || res.reason == -EPROTONOSUPPORT || res.reason == -EACCES);
	CHECK((res.reason == -EPROTONOSUPPORT) == !meet);
	if (!meet)
		return 0;
	if (pol.token_required)
		CHECK((res.reason == -EACCES) ==
		      (req.token_mac != dipc_token_mac(&token, req.nonce, req.slot, req.pid)));
	else
		CHECK(res.reason == 0);
	if (pol.token_required && (in.flags & 4))
		CHECK(res.reason == 0);
	if (res.reason != 0)
		return 0;
	CHECK(res.version == hi);
	CHECK(res.window >= 1 && res.window <= pol.conn_mbufs);
	CHECK(req.want_window == 0 || res.window <= req.want_window);
	CHECK(res.depth >= 1 && res.depth <= pol.ring_capacity);
	CHECK(req.want_depth == 0 || res.depth <= req.want_depth);
	return 0;
}
