/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_RING_TRANSPORT_H
#define DIPC_RING_TRANSPORT_H

/**
 * @file
 * The shared-memory ring transport: per-connection SP/SC rte_ring pairs in
 * hugepage memory. Slow path (create, look up, drain) is out of line; the
 * bursts are inline wrappers over rte_ring so the fast path costs nothing
 * beyond the ring itself.
 */

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dipc_ring_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The four rings of one connection slot (see dipc_ring_proto.h). */
struct dipc_ring_conn {
	struct rte_ring *req;   /**< requests, client -> server */
	struct rte_ring *rsp;   /**< responses, server -> client */
	struct rte_ring *alloc; /**< mbufs lent to the client, server -> client */
	struct rte_ring *free;  /**< mbufs given back, client -> server */
};

/**
 * Create the rings of one slot (primary only).
 *
 * @param slot
 *   Slot index; names the rings.
 * @param size
 *   Ring size, a power of two; the usable capacity is size - 1.
 * @param socket_id
 *   NUMA socket of the lcores that use the rings.
 * @param[out] rings
 *   The rings; all NULL on failure.
 * @return
 *   0, or -rte_errno of rte_ring_create() (-EEXIST, -ENOMEM, -EINVAL, ...).
 */
int dipc_ring_conn_create(unsigned int slot, unsigned int size, int socket_id,
			  struct dipc_ring_conn *rings);

/**
 * Free the rings of one slot (primary only); NULL rings are skipped.
 */
void dipc_ring_conn_free(struct dipc_ring_conn *rings);

/**
 * Look up the rings of one slot (any process).
 *
 * @return
 *   0, or -ENOENT if a ring does not exist.
 */
int dipc_ring_conn_lookup(unsigned int slot, struct dipc_ring_conn *rings);

/**
 * Look up and check the server's shared state (any process).
 *
 * @return
 *   The mapped struct dipc_shm, or NULL with rte_errno set: ENOENT (no
 *   memzone: server not started), EPROTO (bad magic), EPROTONOSUPPORT
 *   (layout version differs from DIPC_SHM_ABI_VERSION).
 */
struct dipc_shm *dipc_ring_shm_lookup(void);

/**
 * Enqueue up to @p n messages (single producer).
 *
 * @return
 *   Number enqueued; the caller still owns the rest.
 */
static __rte_always_inline uint16_t
dipc_ring_tx_burst(struct rte_ring *r, struct rte_mbuf **m, uint16_t n)
{
	return (uint16_t)rte_ring_sp_enqueue_burst(r, (void **)m, n, NULL);
}

/**
 * Dequeue up to @p n messages (single consumer).
 *
 * @return
 *   Number dequeued.
 */
static __rte_always_inline uint16_t
dipc_ring_rx_burst(struct rte_ring *r, struct rte_mbuf **m, uint16_t n)
{
	return (uint16_t)rte_ring_sc_dequeue_burst(r, (void **)m, n, NULL);
}

#ifdef __cplusplus
}
#endif

#endif /* DIPC_RING_TRANSPORT_H */
