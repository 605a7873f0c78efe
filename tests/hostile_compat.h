/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_HOSTILE_COMPAT_H
#define DIPC_HOSTILE_COMPAT_H

/*
 * Included (-include, tests/meson.build) in tests/dipc_hostile_client.c,
 * which was written when an allocation waited up to 200 ms for the server
 * to lend more mbufs: it sends thousands of requests before it reads an
 * answer, and takes "no mbuf" as a failure ("a well-behaved server always
 * has one for us"). An allocation now never waits (ENOBUFS at once); the
 * client's intent is the waiting variant's, so its calls are mapped here to
 * "try, then wait for the lend". The same change in the file itself (its
 * must_alloc() and flood_without_reading() calling
 * dipc_client_msg_alloc_wait()) makes this header unnecessary.
 */

#include <errno.h>

#include <rte_errno.h>

#include "dipc_client.h"

#define HOSTILE_ALLOC_WAIT_MS 5000

static inline struct rte_mbuf *
hostile_alloc_waiting(struct dipc_client *c, uint16_t method, uint32_t body_len)
{
	struct rte_mbuf *m = dipc_client_msg_alloc(c, method, body_len);

	if (m == NULL && rte_errno == ENOBUFS)
		m = dipc_client_msg_alloc_wait(c, method, body_len, 0, HOSTILE_ALLOC_WAIT_MS);
	return m;
}

static inline int
hostile_alloc_bulk_waiting(struct dipc_client *c, struct rte_mbuf **m, unsigned int n,
			   uint16_t method, uint32_t body_len, unsigned int flags)
{
	unsigned int i;
	int ret = dipc_client_msg_alloc_bulk(c, m, n, method, body_len, flags);

	if (ret != -ENOBUFS)
		return ret;
	for (i = 0; i < n; i++) {
		m[i] = dipc_client_msg_alloc_wait(c, method, body_len, flags,
						  HOSTILE_ALLOC_WAIT_MS);
		if (m[i] == NULL) {
			dipc_client_msg_free_bulk(c, m, i);
			return -ENOBUFS;
		}
	}
	return 0;
}

#define dipc_client_msg_alloc hostile_alloc_waiting
#define dipc_client_msg_alloc_bulk hostile_alloc_bulk_waiting

#endif /* DIPC_HOSTILE_COMPAT_H */
