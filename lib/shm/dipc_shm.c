/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>

#include <rte_errno.h>
#include <rte_memzone.h>

#include "dipc_shm.h"

struct dipc_shm *
dipc_shm_lookup(void)
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
	if (mz->len < sizeof(*shm) + (size_t)shm->max_conns * sizeof(shm->conns[0]) ||
	    shm->slots_per_zone == 0) {
		rte_errno = EPROTO;
		return NULL;
	}
	return shm;
}
