/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Test methods compiled into a test build of dipc-server (dipc_chain_server,
 * tests/meson.build) for tests/test_chain.c: a handler registered with
 * dipc_server_register() that answers with a message it builds with
 * dipc_server_rsp_alloc(), of any class or a chain.
 *
 * DIPC_CHAIN_METHOD_GROW: the request body is a u32 length L and a u32 seed;
 * the response body is L bytes of the pattern tests/dipc_chain_client.c
 * checks; L above dipc_server_max_chain_body() is answered with
 * DIPC_STATUS_BAD_LENGTH.
 *
 * DIPC_CHAIN_METHOD_RETURN: the request body is an int32 that the handler
 * returns as it is (what the worker makes of a handler's return value).
 */
#include <rte_mbuf.h>

#include "dipc_chain_hook.h"
#include "dipc_server.h"

static int
grow_handler(struct dipc_server_msg *msg, void *arg __rte_unused)
{
	uint8_t chunk[256];
	uint32_t in[2], len, seed, off, n, i, x;

	if (dipc_server_msg_read(msg, 0, sizeof(in), in) != 0)
		return -DIPC_STATUS_BAD_LENGTH;
	len = in[0];
	seed = in[1];
	if (dipc_server_rsp_alloc(msg, len) == NULL)
		return -DIPC_STATUS_BAD_LENGTH;
	/* The pattern of dipc_chain_client.c, written a chunk at a time
	 * through dipc_server_rsp_write() (which crosses segments). */
	x = seed * 2654435761u + 1;
	for (off = 0; off < len; off += n) {
		n = RTE_MIN(len - off, (uint32_t)sizeof(chunk));
		for (i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			chunk[i] = (uint8_t)(x >> 16);
		}
		if (dipc_server_rsp_write(msg, off, chunk, n) != 0)
			return -DIPC_STATUS_BAD_LENGTH;
	}
	return DIPC_HANDLER_RESPOND;
}

static int
return_handler(struct dipc_server_msg *msg, void *arg __rte_unused)
{
	int32_t v;

	if (dipc_server_msg_read(msg, 0, sizeof(v), &v) != 0)
		return -DIPC_STATUS_BAD_LENGTH;
	return v;
}

void
dipc_chain_test_hook(struct dipc_server *s)
{
	dipc_server_register(s, DIPC_CHAIN_METHOD_GROW, grow_handler, NULL);
	dipc_server_register(s, DIPC_CHAIN_METHOD_RETURN, return_handler, NULL);
}
