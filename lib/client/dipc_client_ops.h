/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CLIENT_OPS_H
#define DIPC_CLIENT_OPS_H

/*
 * The client library's transport seam (internal: not installed). The
 * shared-memory ring transport is the library's own code, reached
 * directly (its send and receive are inline in dipc_client.h); a
 * connection of any other transport sets core.ops, and every public
 * function of dipc_client.h hands the call to these functions. The table
 * lives in process-private memory: nothing shared holds a pointer.
 *
 * A transport's connection struct starts with struct dipc_client_core, so
 * that a struct dipc_client * is one of them too.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "dipc_client.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What dipc_client_window() and the other getters ask a transport. */
enum dipc_client_limit {
	DIPC_CLIENT_LIMIT_WINDOW,
	DIPC_CLIENT_LIMIT_DEPTH,
	DIPC_CLIENT_LIMIT_MAX_BODY,
	DIPC_CLIENT_LIMIT_MAX_CHAIN_BODY,
	DIPC_CLIENT_LIMIT_NB_CLASSES,
	DIPC_CLIENT_LIMIT_CLASS_MAX_BODY, /* of the class given */
	DIPC_CLIENT_LIMIT_STREAM_ID,
	DIPC_CLIENT_LIMIT_SLOT,
};

/** A transport's functions; each has the contract of the public function
 *  of the same name in dipc_client.h. */
struct dipc_client_ops {
	uint16_t (*send_burst)(struct dipc_client *c, struct rte_mbuf **m, uint16_t n);
	uint16_t (*recv_burst)(struct dipc_client *c, struct rte_mbuf **m, uint16_t n);
	/** One message of any length up to max_chain_body; @p wait_ms 0:
	 *  never waits (ENOBUFS at once). NULL with rte_errno set. */
	struct rte_mbuf *(*msg_alloc)(struct dipc_client *c, uint16_t method, uint32_t body_len,
				      unsigned int flags, unsigned int wait_ms);
	int (*msg_alloc_bulk)(struct dipc_client *c, struct rte_mbuf **m, unsigned int n,
			      uint16_t method, uint32_t body_len, unsigned int flags);
	void (*msg_free)(struct dipc_client *c, struct rte_mbuf *m);
	int (*check)(struct dipc_client *c);
	int (*close)(struct dipc_client *c);
	uint32_t (*limit)(const struct dipc_client *c, enum dipc_client_limit what,
			  unsigned int cls);
	void (*stats)(const struct dipc_client *c, struct dipc_client_stats *st);
};

/**
 * The eth transport's connect (drivers/eth/dipc_eth_client.c, built into
 * this library): @p o->transport is DIPC_CLIENT_TRANSPORT_ETH. NULL with
 * rte_errno set.
 */
struct dipc_client *dipc_eth_client_connect(const struct dipc_client_opts *o);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_CLIENT_OPS_H */
