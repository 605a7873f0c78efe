/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CLIENT_CORE_H
#define DIPC_CLIENT_CORE_H

/**
 * @file
 * @internal
 * The part of a client connection that the inline burst functions of
 * dipc_client.h read and write. Do not include this file directly, and do
 * not use these fields: include dipc_client.h.
 */

#include <stdint.h>

#include <rte_ring.h>

#ifdef __cplusplus
extern "C" {
#endif

struct dipc_client_ops;

/**
 * @internal The first member of struct dipc_client: the fast path's state,
 * on one cache line.
 */
struct dipc_client_core {
	struct rte_ring *req; /**< requests, client -> server (single producer) */
	struct rte_ring *rsp; /**< responses, server -> client (single consumer) */
	/** The connection's request count in shared memory (client-written). */
	uint64_t *tx_msgs;
	/** The connection's response count in shared memory (client-written). */
	uint64_t *rx_msgs;
	/** Mbufs lent to the connection that are on the client's side: free
	 *  in its stash or in the caller's hands. */
	uint32_t held;
	/** Chains in the caller's hands: while there are none, a send counts
	 *  one mbuf per message without reading the caller's mbufs. */
	uint32_t chains_out;
	/** NULL for the shared-memory ring transport, whose fast path is the
	 *  inline code of dipc_client.h; another transport's functions
	 *  (a process-private table, e.g. the eth transport's). */
	const struct dipc_client_ops *ops;
};

#ifdef __cplusplus
}
#endif

#endif /* DIPC_CLIENT_CORE_H */
