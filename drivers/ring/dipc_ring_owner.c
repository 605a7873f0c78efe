/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ring transport's owner maps (dipc_ring_owner.h): which addresses are
 * objects of a pool, and who holds each. Built once, when the pool is
 * created; the fast path is inline in the header.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_mempool.h>

#include "dipc_ring_owner.h"

/*
 * The tables in anonymous private pages, zeroed, as the rest of the
 * server's own state (server_zalloc()): no other process maps them, and a
 * server that exits without freeing (dipc-server leaves its memory to the
 * kernel) leaves no heap behind.
 */
static void *
table_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void
table_free(void *p, size_t len)
{
	if (p != NULL)
		munmap(p, len);
}

int
dipc_ring_owner_map_build(struct dipc_ring_owner_map *pm, void *const *objs, uint32_t nb_objs)
{
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	uint32_t i, n = 0;
	size_t w;

	memset(pm, 0, sizeof(*pm));
	if (nb_objs == 0)
		return -EINVAL;
	for (i = 0; i < nb_objs; i++) {
		uintptr_t a = (uintptr_t)objs[i];

		if (a % RTE_CACHE_LINE_SIZE != 0)
			return -EINVAL;
		lo = RTE_MIN(lo, a);
		hi = RTE_MAX(hi, a);
	}
	pm->base = lo;
	pm->span = hi + RTE_CACHE_LINE_SIZE - lo;
	pm->nb_words = pm->span / RTE_CACHE_LINE_SIZE / 64 + 1;
	pm->nb_alloc = nb_objs;
	pm->objects = table_alloc(pm->nb_words * sizeof(uint64_t));
	pm->rank = table_alloc(pm->nb_words * sizeof(uint32_t));
	pm->owner = table_alloc(nb_objs * sizeof(uint16_t));
	pm->obj_lines = table_alloc(nb_objs * sizeof(uint32_t));
	if (pm->objects == NULL || pm->rank == NULL || pm->owner == NULL ||
	    pm->obj_lines == NULL) {
		dipc_ring_owner_map_free(pm);
		return -ENOMEM;
	}
	for (i = 0; i < nb_objs; i++) {
		uintptr_t line = ((uintptr_t)objs[i] - lo) / RTE_CACHE_LINE_SIZE;

		pm->objects[line / 64] |= 1ull << (line % 64);
	}
	/* Index objects in address order: the rank of their bit. */
	for (w = 0; w < pm->nb_words; w++) {
		uint64_t bits = pm->objects[w];

		pm->rank[w] = n;
		while (bits != 0 && n < nb_objs) {
			pm->obj_lines[n++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits));
			bits &= bits - 1;
		}
	}
	pm->nb_objs = n;
	if (n != nb_objs) { /* an address given twice */
		dipc_ring_owner_map_free(pm);
		return -EINVAL;
	}
	return 0;
}

struct obj_list {
	void **objs;
	uint32_t n, max;
};

static void
collect_obj(struct rte_mempool *mp __rte_unused, void *arg, void *obj,
	    unsigned int idx __rte_unused)
{
	struct obj_list *l = arg;

	if (l->n < l->max)
		l->objs[l->n++] = obj;
}

int
dipc_ring_owner_map_create(struct dipc_ring_owner_map *pm, struct rte_mempool *mp)
{
	struct obj_list l = { .max = mp->size };
	int ret;

	l.objs = calloc(mp->size, sizeof(void *));
	if (l.objs == NULL)
		return -ENOMEM;
	rte_mempool_obj_iter(mp, collect_obj, &l);
	ret = l.n == mp->size ? dipc_ring_owner_map_build(pm, l.objs, l.n) : -EINVAL;
	free(l.objs);
	if (ret != 0)
		return ret;
	pm->pool = mp;
	pm->buf_offset = sizeof(struct rte_mbuf) + rte_pktmbuf_priv_size(mp);
	pm->buf_len = rte_pktmbuf_data_room_size(mp);
	return 0;
}

void
dipc_ring_owner_map_free(struct dipc_ring_owner_map *pm)
{
	table_free(pm->objects, pm->nb_words * sizeof(uint64_t));
	table_free(pm->rank, pm->nb_words * sizeof(uint32_t));
	table_free(pm->owner, pm->nb_alloc * sizeof(uint16_t));
	table_free(pm->obj_lines, pm->nb_alloc * sizeof(uint32_t));
	memset(pm, 0, sizeof(*pm));
}

unsigned int
dipc_ring_owner_collect(const struct dipc_ring_owner_map *pm, uint16_t owner, void **objs)
{
	unsigned int i, k = 0;

	for (i = 0; i < pm->nb_objs; i++) {
		if (pm->owner[i] != owner)
			continue;
		pm->owner[i] = DIPC_RING_OWNER_SERVER;
		objs[k++] = (void *)(pm->base + (uintptr_t)pm->obj_lines[i] * RTE_CACHE_LINE_SIZE);
	}
	return k;
}

uint32_t
dipc_ring_owner_lent(const struct dipc_ring_owner_map *pm)
{
	uint32_t i, n = 0;

	for (i = 0; i < pm->nb_objs; i++)
		n += pm->owner[i] != DIPC_RING_OWNER_SERVER;
	return n;
}
