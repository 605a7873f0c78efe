/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include <rte_cycles.h>

#include "perf.h"

uint64_t
perf_cycles(double seconds)
{
	return (uint64_t)(seconds * (double)rte_get_tsc_hz());
}

double
perf_ns(uint64_t cycles)
{
	return (double)cycles * 1e9 / (double)rte_get_tsc_hz();
}

/* A cheap pattern that differs per stream and per byte position. */
void
perf_fill(void *body, uint32_t len, uint32_t stream_id)
{
	uint8_t *p = body;
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(stream_id * 31u + i * 7u);
}

int
perf_check(const struct rte_mbuf *m, uint32_t len, uint32_t stream_id)
{
	uint32_t off = DIPC_MSG_HDR_LEN, i = 0;

	/* An answer may be a chain (the eth transport reassembles frames
	 * into one): every segment's bytes, the header's skipped. */
	if (m->pkt_len != DIPC_MSG_HDR_LEN + len)
		return -1;
	for (; m != NULL; m = m->next, off = 0) {
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
		uint32_t k;

		if (off > m->data_len)
			return -1;
		for (k = off; k < m->data_len && i < len; k++, i++)
			if (p[k] != (uint8_t)(stream_id * 31u + i * 7u))
				return -1;
	}
	return i == len ? 0 : -1;
}

int
perf_check_server(struct dipc_client **conns, uint32_t n)
{
	uint32_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = dipc_client_check(conns[i]);
		if (ret != 0)
			return ret;
	}
	return 0;
}
