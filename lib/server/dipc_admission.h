/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_ADMISSION_H
#define DIPC_ADMISSION_H

/*
 * The control lcore's admission as pure functions: the messages a client
 * sends on the admission socket are parsed and checked here, and the
 * decision is taken on a snapshot (what the client said, what the kernel
 * said of it, what the server offers), its grants going out in a result.
 * Nothing here touches shared memory or a socket, so both can be tested
 * and fuzzed alone (tests/fuzz/fuzz_admission.c).
 */

#include <stddef.h>
#include <stdint.h>

#include "dipc_shm.h"
#include "dipc_shm_admit.h"
#include "dipc_token.h"

/* Most uids and gids an allow rule lists (server.allow_uids, allow_gids). */
#define ADMISSION_MAX_IDS 16

/*
 * Check one received admission message: exactly one struct dipc_admit_msg,
 * its magic, version and the expected type, and for a HELLO sane values (a
 * positive pid, a version range that is a range). Copies it to @out only
 * if it is good. Returns 0, or -EPROTO.
 */
int admission_parse(const void *buf, size_t len, uint16_t type, struct dipc_admit_msg *out);

/* What the client said (HELLO, PROOF) and what the kernel said of it. */
struct admission_request {
	int32_t pid;          /* the pid the client says it has */
	int32_t peer_pid;     /* SO_PEERCRED: the pid it has */
	uint32_t peer_uid;    /* SO_PEERCRED */
	uint32_t peer_gid;    /* SO_PEERCRED */
	uint16_t version_min;
	uint16_t version_max;
	uint32_t want_window; /* 0 = the most */
	uint32_t want_depth;  /* 0 = the ring's capacity */
	uint64_t epoch;       /* the dipc_shm epoch the client mapped */
	uint64_t nonce;       /* the CHALLENGE's, chosen by the server */
	uint64_t token_mac;
};

/* What the server offers, and whom it admits. */
struct admission_policy {
	uint16_t version_min;
	uint16_t version_max;
	uint32_t conn_mbufs;      /* largest window */
	uint32_t ring_capacity;   /* usable entries of each ring */
	uint64_t epoch;           /* this server's */
	int stopping;
	int token_required;
	const struct dipc_token *token;
	/* uid/gid rules: with none listed, the server's own uid and root are
	 * admitted; with some, a uid in allow_uids or a gid in allow_gids. */
	uint32_t server_uid;
	uint32_t nb_uids, nb_gids;
	uint32_t allow_uids[ADMISSION_MAX_IDS];
	uint32_t allow_gids[ADMISSION_MAX_IDS];
};

/* Why a request was refused (the counters are per reason). */
enum admission_refusal {
	ADMISSION_OK = 0,
	ADMISSION_SHUTDOWN,  /* -ESHUTDOWN */
	ADMISSION_RESTARTED, /* -ECONNRESET: the client mapped another server */
	ADMISSION_PID,       /* -EPERM: the HELLO's pid is not the caller's */
	ADMISSION_UID,       /* -EPERM: uid and gid not allowed */
	ADMISSION_VERSION,   /* -EPROTONOSUPPORT */
	ADMISSION_TOKEN,     /* -EACCES */
};

/* The decision: reason 0 and the grants, or a negative errno to refuse. */
struct admission_result {
	int reason;                 /* 0 or the errno above, negated */
	enum admission_refusal why;
	uint16_t version;
	uint32_t window;
	uint32_t depth;
};

/*
 * Decide on one request. Refusals in this order: stopping, another
 * server, a lying pid, uid/gid rules, versions, token.
 */
void admission_decide(const struct admission_request *req, const struct admission_policy *pol,
		      struct admission_result *res);

#endif /* DIPC_ADMISSION_H */
