/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memzone.h>

#include "dipc_ring_transport.h"

RTE_LOG_REGISTER(dipc_ring_logtype, dipc.drv.ring, NOTICE);
#define RING_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_ring_logtype, "dipc ring: " fmt "\n", ##__VA_ARGS__)

static const char *const ring_fmts[] = {
	DIPC_REQ_RING_FMT, DIPC_RSP_RING_FMT, DIPC_ALLOC_RING_FMT, DIPC_FREE_RING_FMT,
};

static struct rte_ring **
ring_ptr(struct dipc_ring_conn *rings, unsigned int i)
{
	struct rte_ring **p[] = { &rings->req, &rings->rsp, &rings->alloc, &rings->free };

	return p[i];
}

int
dipc_ring_conn_create(unsigned int slot, unsigned int size, int socket_id,
		      struct dipc_ring_conn *rings)
{
	const unsigned int flags = RING_F_SP_ENQ | RING_F_SC_DEQ;
	char name[RTE_RING_NAMESIZE];
	unsigned int i;
	int ret;

	memset(rings, 0, sizeof(*rings));
	for (i = 0; i < RTE_DIM(ring_fmts); i++) {
		snprintf(name, sizeof(name), ring_fmts[i], slot);
		*ring_ptr(rings, i) = rte_ring_create(name, size, socket_id, flags);
		if (*ring_ptr(rings, i) == NULL) {
			ret = -rte_errno;
			RING_LOG(ERR, "cannot create ring %s (size %u, socket %d): %s", name, size,
				 socket_id, rte_strerror(-ret));
			dipc_ring_conn_free(rings);
			rte_errno = -ret;
			return ret;
		}
	}
	return 0;
}

void
dipc_ring_conn_free(struct dipc_ring_conn *rings)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(ring_fmts); i++) {
		rte_ring_free(*ring_ptr(rings, i));
		*ring_ptr(rings, i) = NULL;
	}
}

int
dipc_ring_conn_lookup(unsigned int slot, struct dipc_ring_conn *rings)
{
	char name[RTE_RING_NAMESIZE];
	unsigned int i;

	for (i = 0; i < RTE_DIM(ring_fmts); i++) {
		snprintf(name, sizeof(name), ring_fmts[i], slot);
		*ring_ptr(rings, i) = rte_ring_lookup(name);
		if (*ring_ptr(rings, i) == NULL)
			return -ENOENT;
	}
	return 0;
}

struct dipc_shm *
dipc_ring_shm_lookup(void)
{
	const struct rte_memzone *mz = rte_memzone_lookup(DIPC_SHM_MZ_NAME);
	struct dipc_shm *shm;

	if (mz == NULL) {
		rte_errno = ENOENT;
		return NULL;
	}
	shm = mz->addr;
	if (mz->len < sizeof(*shm) || shm->magic != DIPC_SHM_MAGIC) {
		rte_errno = EPROTO;
		return NULL;
	}
	if (shm->abi_version != DIPC_SHM_ABI_VERSION) {
		rte_errno = EPROTONOSUPPORT;
		return NULL;
	}
	if (mz->len < sizeof(*shm) + (size_t)shm->max_conns * sizeof(shm->conns[0])) {
		rte_errno = EPROTO;
		return NULL;
	}
	return shm;
}
