/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_RING_OWNER_H
#define DIPC_RING_OWNER_H

/**
 * @file
 * @internal
 * Exact ownership of the ring transport's mbufs, for the server.
 *
 * A client of the ring transport never takes from or puts into a pool
 * itself: the server lends it every mbuf it holds and takes each one back
 * (a request, a given-back mbuf, or a sweep when the connection ends). An
 * owner map tells, for one pool, whether an address is one of its objects
 * (without reading the address: the check is on private memory alone) and
 * who holds each object: the server, or the client of one connection slot.
 * So a pointer from a client's ring is checked before it is touched, an
 * mbuf is taken back once, and a closed connection's mbufs all come back,
 * wherever they were.
 *
 * The map lives in the server's private memory, which no client maps. The
 * owner table of an object is written by the worker lcore that owns the
 * slot and, once that worker let go of the slot, by the control lcore.
 *
 * dipc_ring_owner_map_build() and the inline functions need no EAL: the
 * unit test (tests/test_ring_owner.c) runs them on plain memory.
 */

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_mbuf.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Holder of an object: the server (in the pool, or in its hands). */
#define DIPC_RING_OWNER_SERVER 0
/** Holder of an object: the client of connection slot @p slot. */
#define DIPC_RING_OWNER_SLOT(slot) ((uint16_t)((slot) + 1))
/** Most connection slots an owner table can tell apart. */
#define DIPC_RING_MAX_SLOTS 65534
/** What dipc_ring_obj_index() returns for an address that is no object. */
#define DIPC_RING_NO_OBJECT UINT32_MAX

/** What dipc_ring_take() made of a pointer. */
enum dipc_ring_take_result {
	DIPC_RING_TAKEN = 0,    /**< an object lent to the owner: now the server's */
	DIPC_RING_NOT_MBUF = 1, /**< not an object of the map's pool: never touched */
	DIPC_RING_NOT_LENT = 2, /**< an object, not lent to that owner (someone
				 *   else's, taken back already, or twice in a burst) */
};

/** The objects of one mbuf pool and who holds each. */
struct dipc_ring_owner_map {
	uintptr_t base;       /**< lowest object */
	uintptr_t span;       /**< bytes from base to past the highest object */
	/**
	 * Which cache lines of the span start an object, one bit per line,
	 * and the number of objects below each word, so that an object's
	 * index is a rank (its address order among the pool's objects).
	 */
	uint64_t *objects;    /**< [nb_words] */
	uint32_t *rank;       /**< [nb_words]: objects in the words before */
	size_t nb_words;
	/**
	 * Who holds each object, by index: DIPC_RING_OWNER_SERVER or
	 * DIPC_RING_OWNER_SLOT(). Two bytes per object, not per cache line of
	 * the span: the table is written all over as mbufs are lent, so its
	 * size is resident memory.
	 */
	uint16_t *owner;      /**< [nb_objs] */
	uint32_t *obj_lines;  /**< [nb_objs]: line of each object, by index, for sweeps */
	uint32_t nb_objs;
	uint32_t nb_alloc;    /**< objects the owner and obj_lines tables were made for */
	struct rte_mempool *pool; /**< the pool (NULL for a map built on plain memory) */
	uint32_t buf_offset;  /**< buf_addr - mbuf: sizeof(struct rte_mbuf) + priv */
	uint16_t buf_len;     /**< each mbuf's buffer, headroom included */
};

/**
 * Build the map of @p nb_objs objects at the cache-line aligned addresses
 * @p objs (any order), all held by the server; no EAL needed. The map's
 * arrays are heap memory of this process (dipc_ring_owner_map_free()).
 *
 * @return
 *   0, -EINVAL (an address not cache-line aligned, or twice), -ENOMEM.
 */
int dipc_ring_owner_map_build(struct dipc_ring_owner_map *pm, void *const *objs,
			      uint32_t nb_objs);

/**
 * Build the map of the objects of the mbuf pool @p mp, with its buffer
 * geometry (dipc_ring_owner_map_build()).
 *
 * @return
 *   0, or -errno.
 */
int dipc_ring_owner_map_create(struct dipc_ring_owner_map *pm, struct rte_mempool *mp);

/** Free a map's arrays (not the pool); the map is zeroed. */
void dipc_ring_owner_map_free(struct dipc_ring_owner_map *pm);

/**
 * Index of the object of @p pm that starts at @p p, or DIPC_RING_NO_OBJECT.
 * Reads only the map, never @p p.
 */
static __rte_always_inline uint32_t
dipc_ring_obj_index(const struct dipc_ring_owner_map *pm, const void *p)
{
	uintptr_t off = (uintptr_t)p - pm->base, line;
	uint64_t word, bit;

	if (off >= pm->span || off % RTE_CACHE_LINE_SIZE != 0)
		return DIPC_RING_NO_OBJECT;
	line = off / RTE_CACHE_LINE_SIZE;
	word = pm->objects[line / 64];
	bit = 1ull << (line % 64);
	if ((word & bit) == 0)
		return DIPC_RING_NO_OBJECT;
	return pm->rank[line / 64] + (uint32_t)__builtin_popcountll(word & (bit - 1));
}

/**
 * Take a pointer that came from a client's ring: it must be an object of
 * the map (checked without a dereference) lent to @p owner; it then
 * belongs to the server.
 *
 * @return
 *   enum dipc_ring_take_result: DIPC_RING_TAKEN, or why it is not ours to
 *   touch (skip it).
 */
static __rte_always_inline int
dipc_ring_take(const struct dipc_ring_owner_map *pm, const void *m, uint16_t owner)
{
	uint32_t idx = dipc_ring_obj_index(pm, m);

	if (unlikely(idx == DIPC_RING_NO_OBJECT))
		return DIPC_RING_NOT_MBUF;
	if (unlikely(pm->owner[idx] != owner))
		return DIPC_RING_NOT_LENT;
	pm->owner[idx] = DIPC_RING_OWNER_SERVER;
	return DIPC_RING_TAKEN;
}

/**
 * Lend an object to @p owner (or give it back to the server, with
 * DIPC_RING_OWNER_SERVER). An address that is no object of the map (an
 * mbuf a handler answered with from a pool of its own) is not tracked.
 */
static __rte_always_inline void
dipc_ring_lend(const struct dipc_ring_owner_map *pm, const void *m, uint16_t owner)
{
	uint32_t idx = dipc_ring_obj_index(pm, m);

	if (likely(idx != DIPC_RING_NO_OBJECT))
		pm->owner[idx] = owner;
}

/**
 * Take back every object lent to @p owner: each is the server's again and
 * its address goes into @p objs (room for nb_objs), unread. Only once
 * nobody else can touch the owner's objects (its worker let go, its client
 * closed or died).
 *
 * @return
 *   The number of objects taken back.
 */
unsigned int dipc_ring_owner_collect(const struct dipc_ring_owner_map *pm, uint16_t owner,
				     void **objs);

/** Objects held by a client, any client (a snapshot while workers run). */
uint32_t dipc_ring_owner_lent(const struct dipc_ring_owner_map *pm);

/**
 * Are the metadata fields of an mbuf of the map's pool what a one-segment
 * message must have? Reads the first cache line only, each field once;
 * the data offset and length it checked are returned in @p off and
 * @p len, and only those copies may be used afterwards.
 */
static __rte_always_inline int
dipc_ring_mbuf_fields_ok(const struct dipc_ring_owner_map *pm, const struct rte_mbuf *m,
			 uint16_t *off, uint16_t *len)
{
	uint16_t data_off = m->data_off, data_len = m->data_len;

	*off = data_off;
	*len = data_len;
	return m->buf_addr == (const char *)m + pm->buf_offset && m->buf_len == pm->buf_len &&
	       m->pool == pm->pool && rte_mbuf_refcnt_read(m) == 1 && m->nb_segs == 1 &&
	       m->pkt_len == data_len && (uint32_t)data_off + data_len <= pm->buf_len;
}

/**
 * The same for one segment of a chain: ours (pool, buffer), alone
 * (refcnt 1), its data inside its buffer; nb_segs and pkt_len are the
 * chain's business.
 */
static inline int
dipc_ring_seg_fields_ok(const struct dipc_ring_owner_map *pm, const struct rte_mbuf *m,
			uint16_t *off, uint16_t *len)
{
	uint16_t o = m->data_off, l = m->data_len;

	*off = o;
	*len = l;
	return m->buf_addr == (const char *)m + pm->buf_offset && m->buf_len == pm->buf_len &&
	       m->pool == pm->pool && rte_mbuf_refcnt_read(m) == 1 &&
	       (uint32_t)o + l <= pm->buf_len;
}

/**
 * Put every metadata field of @p m back to what the pool gave out (from
 * the map, not from the mbuf), so that it can be answered, lent and freed
 * safely whatever a client wrote into it.
 */
static inline void
dipc_ring_mbuf_repair(const struct dipc_ring_owner_map *pm, struct rte_mbuf *m)
{
	/* buf_iova is left alone: nothing in dipc uses it yet, and the only
	 * way to recompute it reads the object header, also client-writable. */
	m->buf_addr = (char *)m + pm->buf_offset;
	m->buf_len = pm->buf_len;
	m->pool = pm->pool;
	m->next = NULL;
	m->nb_segs = 1;
	rte_mbuf_refcnt_set(m, 1);
	rte_pktmbuf_reset(m);
}

#ifdef __cplusplus
}
#endif

#endif /* DIPC_RING_OWNER_H */
