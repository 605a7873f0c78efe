/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memzone.h>

#include "dipc_ring_transport.h"

RTE_LOG_REGISTER(dipc_ring_logtype, dipc.drv.ring, NOTICE);
#define RING_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_ring_logtype, "dipc ring: " fmt "\n", ##__VA_ARGS__)

static void
ring_names(unsigned int slot, char *req, char *rsp)
{
	snprintf(req, RTE_RING_NAMESIZE, DIPC_REQ_RING_FMT, slot);
	snprintf(rsp, RTE_RING_NAMESIZE, DIPC_RSP_RING_FMT, slot);
}

int
dipc_ring_conn_create(unsigned int slot, unsigned int size, int socket_id,
		      struct rte_ring **req, struct rte_ring **rsp)
{
	char req_name[RTE_RING_NAMESIZE], rsp_name[RTE_RING_NAMESIZE];
	const unsigned int flags = RING_F_SP_ENQ | RING_F_SC_DEQ;
	int ret;

	ring_names(slot, req_name, rsp_name);
	*req = rte_ring_create(req_name, size, socket_id, flags);
	if (*req == NULL)
		goto fail;
	*rsp = rte_ring_create(rsp_name, size, socket_id, flags);
	if (*rsp == NULL) {
		ret = -rte_errno;
		rte_ring_free(*req);
		*req = NULL;
		rte_errno = -ret;
		goto fail;
	}
	return 0;
fail:
	RING_LOG(ERR, "cannot create rings of slot %u (size %u, socket %d): %s", slot, size,
		 socket_id, rte_strerror(rte_errno));
	return -rte_errno;
}

int
dipc_ring_conn_lookup(unsigned int slot, struct rte_ring **req, struct rte_ring **rsp)
{
	char req_name[RTE_RING_NAMESIZE], rsp_name[RTE_RING_NAMESIZE];

	ring_names(slot, req_name, rsp_name);
	*req = rte_ring_lookup(req_name);
	*rsp = rte_ring_lookup(rsp_name);
	if (*req == NULL || *rsp == NULL)
		return -ENOENT;
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
