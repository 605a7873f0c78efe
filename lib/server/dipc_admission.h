/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_ADMISSION_H
#define DIPC_ADMISSION_H

/*
 * The control lcore's admission decision as a pure function: everything it
 * reads from the client's shared slot comes in a snapshot, everything it
 * grants goes out in a result. Nothing here touches shared memory, so the
 * decision can be tested and fuzzed alone (tests/fuzz/fuzz_admission.c).
 */

#include <stdint.h>

#include "dipc_token.h"

/* What the client wrote into its slot, copied once by the control lcore. */
struct admission_request {
	uint32_t slot;
	int32_t pid;
	uint16_t version_min;
	uint16_t version_max;
	uint32_t want_window; /* 0 = the most */
	uint32_t want_depth;  /* 0 = the ring's capacity */
	uint64_t nonce;       /* the slot's nonce, written by the server */
	uint64_t token_mac;
};

/* What the server offers. */
struct admission_policy {
	uint16_t version_min;
	uint16_t version_max;
	uint32_t conn_mbufs;      /* largest window */
	uint32_t ring_capacity;   /* usable entries of each ring */
	int stopping;
	int token_required;
	const struct dipc_token *token;
};

/* The decision: reason 0 and the grants, or a negative errno to refuse. */
struct admission_result {
	int reason; /* 0, -ESHUTDOWN, -EPROTONOSUPPORT, -EACCES */
	uint16_t version;
	uint32_t window;
	uint32_t depth;
};

void admission_decide(const struct admission_request *req, const struct admission_policy *pol,
		      struct admission_result *res);

#endif /* DIPC_ADMISSION_H */
