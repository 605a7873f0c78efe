/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ping-pong: one echo round trip at a time, each one timed from the
 * allocation of the request to the free of the response, everything a
 * client pays per call (dipc-ringbench times the same span).
 */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_pause.h>

#include "perf.h"

/* One round trip on @c; returns 0, 1 for a bad answer, or -errno. */
static int
round_trip(const struct perf_opts *o, struct dipc_client *c, uint64_t *cycles)
{
	struct rte_mbuf *m, *rsp;
	const struct dipc_msg_hdr *h;
	uint64_t t0;
	uint32_t sid;
	int ret;

	t0 = rte_rdtsc_precise();
	m = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, o->size);
	/* Only the first message of a larger size class waits for the
	 * server to lend (an allocation itself never waits). */
	if (m == NULL)
		m = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, o->size, 0, o->timeout_ms);
	if (m == NULL)
		return -rte_errno;
	sid = dipc_msg_hdr(m)->stream_id;
	if (o->verify)
		perf_fill(dipc_msg_body(m), o->size, sid);
	else
		*(volatile uint8_t *)dipc_msg_body(m) = (uint8_t)sid;
	ret = dipc_client_call(c, m, &rsp, o->timeout_ms);
	if (ret != 0)
		return ret;
	h = dipc_msg_hdr(rsp);
	ret = (h->flags & DIPC_MSG_F_ERROR) || h->body_len != o->size ||
	      (o->verify && perf_check(rsp, o->size, sid) != 0);
	dipc_client_msg_free(c, rsp);
	*cycles = rte_rdtsc_precise() - t0;
	return ret;
}

static int
latency_run(const struct perf_opts *o, struct dipc_client **conns, struct perf_result *r)
{
	uint64_t start = rte_rdtsc(), warm_end = start + perf_cycles(o->warmup);
	uint64_t end = warm_end + perf_cycles(o->duration), cycles = 0, now;
	uint32_t i = 0;
	int measuring = o->warmup <= 0, ret;

	for (;;) {
		ret = round_trip(o, conns[i], &cycles);
		if (++i == o->connections)
			i = 0;
		if (ret < 0) {
			r->server_status = ret;
			break;
		}
		now = rte_rdtsc();
		if (!measuring) {
			if (now >= warm_end) {
				measuring = 1;
				start = now;
				/* A full --duration even if the warm-up ran late
				 * (a descheduled client on a loaded machine). */
				end = now + perf_cycles(o->duration);
			}
			continue;
		}
		r->errors += (uint64_t)ret;
		r->messages++;
		hist_add(r->hist, (uint64_t)perf_ns(cycles));
		if (o->count != 0 ? r->messages >= o->count : now >= end)
			break;
	}
	r->elapsed_s = perf_ns(rte_rdtsc() - start) / 1e9;
	return 0;
}

const struct perf_mode perf_mode_latency = {
	.name = "latency",
	.help = "echo ping-pong, one round trip at a time; latency histogram",
	.run = latency_run,
};
