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
#include <rte_memzone.h>
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
 * Create a ring zone (primary only): one memzone, DIPC_RING_ZONE_FMT, that
 * holds the four rings of @p nb_slots consecutive slots, starting at slot
 * zone * nb_slots. One memzone per zone rather than per ring: EAL has a
 * fixed number of memzones (RTE_MAX_MEMZONE), far fewer than four per
 * connection for thousands of connections.
 *
 * @param zone
 *   Zone index; names the memzone.
 * @param nb_slots
 *   Slots per zone (dipc_shm.slots_per_zone).
 * @param ring_size
 *   Entries per ring, a power of two; the usable capacity is size - 1.
 * @param socket_id
 *   NUMA socket of the lcores that use the rings.
 * @return
 *   The memzone, or NULL with rte_errno set.
 */
const struct rte_memzone *dipc_ring_zone_create(unsigned int zone, unsigned int nb_slots,
						unsigned int ring_size, int socket_id);

/**
 * Find the rings of one slot (any process), in its zone.
 *
 * @param shm
 *   The server's shared state (ring size, slots per zone).
 * @param slot
 *   Slot index; its zone must exist.
 * @param[out] rings
 *   The rings.
 * @return
 *   0, -ENOENT if the slot's zone does not exist, -EPROTO if what is there
 *   is not rings of the expected size.
 */
int dipc_ring_conn_get(const struct dipc_shm *shm, unsigned int slot,
		       struct dipc_ring_conn *rings);

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
