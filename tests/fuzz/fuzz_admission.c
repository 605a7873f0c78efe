/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: admission on the control lcore (lib/server/
 * dipc_admission.c), from the bytes a client sends on the admission socket
 * to the decision: admission_parse() on a HELLO and a PROOF of any length
 * and content, then admission_decide() on what parsed, with any policy and
 * any credentials the kernel could report. Properties checked on every
 * input:
 * - a message is accepted only if it is exactly one struct dipc_admit_msg
 *   with the magic, version and type expected, and a HELLO only with a
 *   positive pid and a version range; what is accepted is copied unchanged;
 * - a stopping server refuses with ESHUTDOWN; a client of another server
 *   (epoch) with ECONNRESET; a pid that is not the caller's (SO_PEERCRED)
 *   with EPERM, as a uid and gid the rules do not allow;
 * - with no rule, the server's own uid and root are allowed, nobody else;
 * - an admission grants the newest version in both ranges, a window of at
 *   most conn_mbufs (and at most what was asked), a depth of at most the
 *   ring's capacity; version refusals happen exactly when the ranges do
 *   not meet;
 * - with a token required, a right proof is admitted and a wrong one
 *   refused with EACCES.
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

/* The fixed part of an input: the server's side and the kernel's word. */
struct input {
	uint16_t pol_min, pol_max;
	uint32_t conn_mbufs, ring_capacity;
	uint64_t epoch, nonce;
	int32_t peer_pid;
	uint32_t peer_uid, peer_gid, server_uid;
	uint32_t ids[4];  /* allow rules: uids[0..1], gids[2..3] */
	uint8_t nb_ids;   /* bits 0-1: uids listed, bits 2-3: gids listed */
	uint8_t flags;    /* 1 stopping, 2 token required, 4 prove right,
			   * 8 pid honest, 16 epoch right, 32 well-formed */
	uint8_t hello_len;
};

static int
listed(uint32_t id, const uint32_t *ids, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* What admission_parse() must accept, checked independently. */
static int
well_formed(const uint8_t *b, size_t len, uint16_t type)
{
	struct dipc_admit_msg m;

	if (len != sizeof(m))
		return 0;
	memcpy(&m, b, sizeof(m));
	if (m.magic != DIPC_ADMIT_MAGIC || m.version != DIPC_ADMIT_VERSION || m.type != type)
		return 0;
	return type != DIPC_ADMIT_HELLO ||
	       (m.hello.pid > 0 && m.hello.msg_version_min <= m.hello.msg_version_max);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dipc_token token = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
	uint8_t hello_b[2 * sizeof(struct dipc_admit_msg)], proof_b[2 * sizeof(struct dipc_admit_msg)];
	struct dipc_admit_msg hello, proof;
	struct admission_request req;
	struct admission_policy pol;
	struct admission_result res;
	size_t hello_len, proof_len;
	struct input in;
	uint16_t lo, hi;
	int meet, ok_h, ok_p, allowed;

	if (size < sizeof(in))
		return 0;
	memset(hello_b, 0, sizeof(hello_b));
	memset(proof_b, 0, sizeof(proof_b));
	memcpy(&in, data, sizeof(in));
	data += sizeof(in);
	size -= sizeof(in);
	hello_len = in.hello_len % sizeof(hello_b);
	if (hello_len > size)
		hello_len = size;
	memcpy(hello_b, data, hello_len);
	proof_len = size - hello_len < sizeof(proof_b) ? size - hello_len : sizeof(proof_b);
	memcpy(proof_b, data + hello_len, proof_len);

	/* Make most inputs reach the decision: the fuzzer's bytes, with the
	 * framing made right when asked. */
	if (in.flags & 32) {
		struct dipc_admit_msg *h = (struct dipc_admit_msg *)(void *)hello_b;

		hello_len = proof_len = sizeof(struct dipc_admit_msg);
		h->magic = DIPC_ADMIT_MAGIC;
		h->version = DIPC_ADMIT_VERSION;
		h->type = DIPC_ADMIT_HELLO;
		((struct dipc_admit_msg *)(void *)proof_b)->magic = DIPC_ADMIT_MAGIC;
		((struct dipc_admit_msg *)(void *)proof_b)->version = DIPC_ADMIT_VERSION;
		((struct dipc_admit_msg *)(void *)proof_b)->type = DIPC_ADMIT_PROOF;
	}
	memset(&hello, 0xa5, sizeof(hello));
	ok_h = admission_parse(hello_b, hello_len, DIPC_ADMIT_HELLO, &hello) == 0;
	CHECK(ok_h == well_formed(hello_b, hello_len, DIPC_ADMIT_HELLO));
	if (ok_h)
		CHECK(memcmp(&hello, hello_b, sizeof(hello)) == 0);
	ok_p = admission_parse(proof_b, proof_len, DIPC_ADMIT_PROOF, &proof) == 0;
	CHECK(ok_p == well_formed(proof_b, proof_len, DIPC_ADMIT_PROOF));
	/* A message of one type is never taken for another. */
	CHECK(admission_parse(hello_b, hello_len, DIPC_ADMIT_PROOF, &proof) != 0 || !ok_h);
	if (!ok_h || !ok_p)
		return 0;

	req = (struct admission_request){
		.pid = hello.hello.pid,
		.peer_pid = (in.flags & 8) ? hello.hello.pid : in.peer_pid,
		.peer_uid = in.peer_uid, .peer_gid = in.peer_gid,
		.version_min = hello.hello.msg_version_min,
		.version_max = hello.hello.msg_version_max,
		.want_window = hello.hello.want_window, .want_depth = hello.hello.want_depth,
		.epoch = hello.hello.epoch, .nonce = in.nonce, .token_mac = proof.proof.token_mac,
	};
	if (in.flags & 4)
		req.token_mac = dipc_token_mac(&token, req.nonce, 0, req.pid);
	/* A server's own policy is sane: a version range, a window and a
	 * capacity of at least one. */
	pol = (struct admission_policy){
		.version_min = in.pol_min < in.pol_max ? in.pol_min : in.pol_max,
		.version_max = in.pol_min < in.pol_max ? in.pol_max : in.pol_min,
		.conn_mbufs = in.conn_mbufs | 1, .ring_capacity = in.ring_capacity | 1,
		.epoch = (in.flags & 16) ? req.epoch : in.epoch,
		.stopping = in.flags & 1, .token_required = (in.flags & 2) != 0, .token = &token,
		.server_uid = in.server_uid,
		.nb_uids = in.nb_ids & 3, .nb_gids = (in.nb_ids >> 2) & 3,
	};
	memcpy(pol.allow_uids, in.ids, 2 * sizeof(uint32_t));
	memcpy(pol.allow_gids, in.ids + 2, 2 * sizeof(uint32_t));
	if (pol.nb_uids > 2)
		pol.nb_uids = 2;
	if (pol.nb_gids > 2)
		pol.nb_gids = 2;
	admission_decide(&req, &pol, &res);

	if (pol.stopping) {
		CHECK(res.reason == -ESHUTDOWN && res.why == ADMISSION_SHUTDOWN);
		return 0;
	}
	if (req.epoch != pol.epoch) {
		CHECK(res.reason == -ECONNRESET);
		return 0;
	}
	if (req.pid != req.peer_pid) {
		CHECK(res.reason == -EPERM && res.why == ADMISSION_PID);
		return 0;
	}
	allowed = pol.nb_uids == 0 && pol.nb_gids == 0 ?
		req.peer_uid == 0 || req.peer_uid == pol.server_uid :
		listed(req.peer_uid, pol.allow_uids, pol.nb_uids) ||
		listed(req.peer_gid, pol.allow_gids, pol.nb_gids);
	CHECK((res.why == ADMISSION_UID) == !allowed);
	if (!allowed) {
		CHECK(res.reason == -EPERM);
		return 0;
	}
	lo = req.version_min > pol.version_min ? req.version_min : pol.version_min;
	hi = req.version_max < pol.version_max ? req.version_max : pol.version_max;
	meet = lo <= hi;
	CHECK(res.reason == 0 || res.reason == -EPROTONOSUPPORT || res.reason == -EACCES);
	CHECK((res.reason == -EPROTONOSUPPORT) == !meet);
	if (!meet)
		return 0;
	if (pol.token_required)
		CHECK((res.reason == -EACCES) ==
		      (req.token_mac != dipc_token_mac(&token, req.nonce, 0, req.pid)));
	else
		CHECK(res.reason == 0);
	if (pol.token_required && (in.flags & 4))
		CHECK(res.reason == 0);
	if (res.reason != 0)
		return 0;
	CHECK(res.why == ADMISSION_OK);
	CHECK(res.version == hi);
	CHECK(res.window >= 1 && res.window <= pol.conn_mbufs);
	CHECK(req.want_window == 0 || res.window <= req.want_window);
	CHECK(res.depth >= 1 && res.depth <= pol.ring_capacity);
	CHECK(req.want_depth == 0 || res.depth <= req.want_depth);
	return 0;
}
