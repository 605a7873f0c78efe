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
#include "dipc_shm.h"

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

/**
 * @internal
 * The server's end of one ring of a connection, for the side of the ring
 * the server alone works (it consumes requests and given-back mbufs, it
 * produces responses and lent mbufs). The ring sits in hugepage memory the
 * client can write, header included, so the server keeps the ring's
 * geometry and its own index here, in private memory, and reads from the
 * shared ring only the client's index (once per operation, clamped to the
 * capacity) and the entries it dequeues. It writes its index back for the
 * client, which works its side with rte_ring's own SP/SC functions on the
 * same layout. A client that scribbles on the ring's header or indices can
 * then confuse only itself: every access stays inside the ring's entries.
 */
struct dipc_ring_end {
	struct rte_ring *r;   /**< the shared ring */
	void **objs;          /**< its entries (just after the header) */
	uint32_t mask;        /**< private copies of the geometry */
	uint32_t capacity;
	uint32_t head;        /**< the server's own index (cons or prod) */
	uint32_t peer_bad;    /**< times the client's index made no sense */
	int flags;            /**< the ring's flags, as created */
};

/**
 * @internal
 * Bind @p e to @p r, reading its geometry once (the primary, before the
 * ring is given to any client), and start at index 0 (rte_ring_reset()).
 */
void dipc_ring_end_init(struct dipc_ring_end *e, struct rte_ring *r);

/**
 * @internal
 * Reset the ring and the server's index (no client may use it meanwhile),
 * and write its header back as created (size, mask, capacity, flags, the
 * single-producer/consumer sync types), so that a client that scribbled on
 * it leaves nothing for the next one to trip on.
 */
void dipc_ring_end_reset(struct dipc_ring_end *e);

/** @internal Entries the client produced that the server has not taken. */
static __rte_always_inline uint32_t
dipc_ring_end_count(struct dipc_ring_end *e)
{
	uint32_t n = __atomic_load_n(&e->r->prod.tail, __ATOMIC_ACQUIRE) - e->head;

	if (unlikely(n > e->capacity)) {
		e->peer_bad++;
		n = e->capacity; /* a lie: what is read stays in the ring */
	}
	return n;
}

/** @internal Entries waiting, as another lcore of the server sees them
 *  (a snapshot: the owner may be taking them meanwhile). */
static __rte_always_inline uint32_t
dipc_ring_end_waiting(const struct dipc_ring_end *e)
{
	uint32_t n = __atomic_load_n(&e->r->prod.tail, __ATOMIC_ACQUIRE) -
		     __atomic_load_n(&e->head, __ATOMIC_RELAXED);

	return RTE_MIN(n, e->capacity);
}

/** @internal Entries the server produced that the client has not taken,
 *  as another lcore of the server sees them (a snapshot). */
static __rte_always_inline uint32_t
dipc_ring_end_unread(const struct dipc_ring_end *e)
{
	uint32_t n = __atomic_load_n(&e->head, __ATOMIC_RELAXED) -
		     __atomic_load_n(&e->r->cons.tail, __ATOMIC_ACQUIRE);

	return RTE_MIN(n, e->capacity);
}

/** @internal Room the server has to produce into. */
static __rte_always_inline uint32_t
dipc_ring_end_free(struct dipc_ring_end *e)
{
	uint32_t used = e->head - __atomic_load_n(&e->r->cons.tail, __ATOMIC_ACQUIRE);

	if (unlikely(used > e->capacity)) {
		e->peer_bad++;
		return 0; /* the client says it took more than there was */
	}
	return e->capacity - used;
}

/**
 * @internal
 * Take up to @p n entries (the server consumes). Each entry is read once.
 *
 * @return
 *   Number taken.
 */
static __rte_always_inline unsigned int
dipc_ring_end_dequeue(struct dipc_ring_end *e, void **obj, unsigned int n)
{
	uint32_t avail = dipc_ring_end_count(e), idx, i;

	n = RTE_MIN(n, avail);
	if (n == 0)
		return 0;
	idx = e->head & e->mask;
	for (i = 0; i < n; i++)
		obj[i] = e->objs[(idx + i) & e->mask];
	e->head += n;
	/* Release: the entries are read before the client may reuse them. */
	e->r->cons.head = e->head;
	__atomic_store_n(&e->r->cons.tail, e->head, __ATOMIC_RELEASE);
	return n;
}

/**
 * @internal
 * Put up to @p n entries (the server produces).
 *
 * @return
 *   Number put; the caller keeps the rest.
 */
static __rte_always_inline unsigned int
dipc_ring_end_enqueue(struct dipc_ring_end *e, void *const *obj, unsigned int n)
{
	uint32_t room = dipc_ring_end_free(e), idx, i;

	n = RTE_MIN(n, room);
	if (n == 0)
		return 0;
	idx = e->head & e->mask;
	for (i = 0; i < n; i++)
		e->objs[(idx + i) & e->mask] = obj[i];
	e->head += n;
	/* Release: the entries are written before the client sees them. */
	e->r->prod.head = e->head;
	__atomic_store_n(&e->r->prod.tail, e->head, __ATOMIC_RELEASE);
	return n;
}

#ifdef __cplusplus
}
#endif

#endif /* DIPC_RING_TRANSPORT_H */
