/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memzone.h>

#include "dipc_ring_transport.h"

RTE_LOG_REGISTER_DEFAULT(dipc_ring_logtype, NOTICE);
#define RING_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_ring_logtype, "dipc ring: " fmt "\n", ##__VA_ARGS__)

static const char *const ring_fmts[] = {
	DIPC_REQ_RING_FMT, DIPC_RSP_RING_FMT, DIPC_ALLOC_RING_FMT, DIPC_FREE_RING_FMT,
};
#define RINGS_PER_SLOT RTE_DIM(ring_fmts)

static struct rte_ring **
ring_ptr(struct dipc_ring_conn *rings, unsigned int i)
{
	struct rte_ring **p[] = { &rings->req, &rings->rsp, &rings->alloc, &rings->free };

	return p[i];
}

const struct rte_memzone *
dipc_ring_zone_create(unsigned int zone, unsigned int nb_slots, unsigned int ring_size,
		      int socket_id)
{
	const unsigned int flags = RING_F_SP_ENQ | RING_F_SC_DEQ;
	ssize_t ring_len = rte_ring_get_memsize(ring_size);
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;
	unsigned int i, k, slot;

	if (ring_len < 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	snprintf(name, sizeof(name), DIPC_RING_ZONE_FMT, zone);
	mz = rte_memzone_reserve_aligned(name, (size_t)ring_len * RINGS_PER_SLOT * nb_slots,
					 socket_id, 0, RTE_CACHE_LINE_SIZE);
	if (mz == NULL) {
		RING_LOG(ERR, "cannot reserve memzone %s for %u slots: %s", name, nb_slots,
			 rte_strerror(rte_errno));
		return NULL;
	}
	for (i = 0; i < nb_slots; i++) {
		slot = zone * nb_slots + i;
		for (k = 0; k < RINGS_PER_SLOT; k++) {
			struct rte_ring *r = (struct rte_ring *)((char *)mz->addr +
				(size_t)ring_len * (i * RINGS_PER_SLOT + k));
			char rname[RTE_RING_NAMESIZE];

			snprintf(rname, sizeof(rname), ring_fmts[k], slot);
			if (rte_ring_init(r, rname, ring_size, flags) != 0) {
				rte_memzone_free(mz);
				rte_errno = EINVAL;
				return NULL;
			}
		}
	}
	return mz;
}

int
dipc_ring_conn_get(const struct dipc_shm *shm, unsigned int slot, struct dipc_ring_conn *rings)
{
	ssize_t ring_len = rte_ring_get_memsize(shm->ring_size);
	unsigned int per_zone = shm->slots_per_zone, i, k;
	char name[RTE_MEMZONE_NAMESIZE];
	const struct rte_memzone *mz;

	if (ring_len < 0 || per_zone == 0 || slot >= shm->max_conns)
		return -EPROTO;
	snprintf(name, sizeof(name), DIPC_RING_ZONE_FMT, slot / per_zone);
	mz = rte_memzone_lookup(name);
	if (mz == NULL)
		return -ENOENT;
	if (mz->len < (size_t)ring_len * RINGS_PER_SLOT * per_zone)
		return -EPROTO;
	i = slot % per_zone;
	for (k = 0; k < RINGS_PER_SLOT; k++) {
		struct rte_ring *r = (struct rte_ring *)((char *)mz->addr +
			(size_t)ring_len * (i * RINGS_PER_SLOT + k));

		if (r->size != shm->ring_size)
			return -EPROTO;
		*ring_ptr(rings, k) = r;
	}
	return 0;
}

void
dipc_ring_end_init(struct dipc_ring_end *e, struct rte_ring *r)
{
	e->r = r;
	e->objs = (void **)(r + 1);
	e->mask = r->mask;
	e->capacity = r->capacity;
	e->flags = r->flags;
	e->peer_bad = 0;
	dipc_ring_end_reset(e);
}

void
dipc_ring_end_reset(struct dipc_ring_end *e)
{
	struct rte_ring *r = e->r;

	r->flags = e->flags;
	r->size = e->mask + 1;
	r->mask = e->mask;
	r->capacity = e->capacity;
	r->prod.sync_type = RTE_RING_SYNC_ST;
	r->cons.sync_type = RTE_RING_SYNC_ST;
	rte_ring_reset(r);
	e->head = 0;
}
