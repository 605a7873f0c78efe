/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * throughput: windowed echo, --window requests in flight per connection,
 * sent and received in bursts. oneway: one-way requests to the sink as fast
 * as the server takes them.
 */
#include <errno.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "perf.h"

struct window_state {
	uint32_t in_flight;
};

/* Fill up to @n requests, send them; returns how many went out. */
static uint32_t
send_some(const struct perf_opts *o, struct dipc_client *c, uint32_t n, int oneway)
{
	struct rte_mbuf *m[PERF_MAX_BURST];
	uint32_t i;
	uint16_t sent;

	if (dipc_client_msg_alloc_bulk(c, m, n, oneway ? DIPC_METHOD_SINK : DIPC_METHOD_ECHO,
				       o->size, oneway ? DIPC_MSG_F_ONEWAY : 0) != 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (o->verify)
			perf_fill(dipc_msg_body(m[i]), o->size, dipc_msg_hdr(m[i])->stream_id);
		else
			*(uint8_t *)dipc_msg_body(m[i]) = (uint8_t)i;
	}
	sent = dipc_client_send_burst(c, m, (uint16_t)n);
	/* The ring was full: hand back what did not fit. */
	if (sent < n)
		dipc_client_msg_free_bulk(c, m + sent, n - sent);
	return sent;
}

static uint32_t
recv_some(const struct perf_opts *o, struct dipc_client *c, uint32_t n, uint64_t *errors)
{
	struct rte_mbuf *m[PERF_MAX_BURST];
	const struct dipc_msg_hdr *h;
	uint16_t got, i;

	got = dipc_client_recv_burst(c, m, (uint16_t)n);
	for (i = 0; i < got; i++) {
		h = dipc_msg_hdr(m[i]);
		if ((h->flags & DIPC_MSG_F_ERROR) || h->body_len != o->size ||
		    (o->verify && perf_check(m[i], o->size, h->stream_id) != 0))
			(*errors)++;
	}
	dipc_client_msg_free_bulk(c, m, got);
	return got;
}

static int
stream_run(const struct perf_opts *o, struct dipc_client **conns, struct perf_result *r,
	   int oneway)
{
	struct window_state win[PERF_MAX_CONNS] = { 0 };
	uint64_t start = rte_rdtsc(), warm_end = start + perf_cycles(o->warmup);
	uint64_t end = warm_end + perf_cycles(o->duration), now, done = 0, idle = 0;
	int measuring = o->warmup <= 0, ret;
	uint32_t i, n, room;

	for (;;) {
		uint32_t progress = 0;

		for (i = 0; i < o->connections; i++) {
			struct dipc_client *c = conns[i];

			if (oneway) {
				n = send_some(o, c, o->burst, 1);
				done += n;
				progress += n;
				continue;
			}
			n = recv_some(o, c, o->burst, &r->errors);
			win[i].in_flight -= n;
			done += n;
			progress += n;
			room = o->window - win[i].in_flight;
			if (room != 0) {
				n = send_some(o, c, RTE_MIN(room, o->burst), 0);
				win[i].in_flight += n;
				progress += n;
			}
		}
		if (progress == 0) {
			/* Nothing moved: is the server still there? */
			if (++idle % 1024 == 0) {
				ret = perf_check_server(conns, o->connections);
				if (ret != 0) {
					r->server_status = ret;
					break;
				}
			}
			rte_pause();
			continue;
		}
		idle = 0;
		now = rte_rdtsc();
		if (!measuring) {
			if (now >= warm_end) {
				measuring = 1;
				start = now;
				/* A full --duration even if the warm-up ran late
				 * (a descheduled client on a loaded machine). */
				end = now + perf_cycles(o->duration);
				done = 0;
			}
			continue;
		}
		if (o->count != 0 ? done >= o->count : now >= end)
			break;
	}
	r->elapsed_s = perf_ns(rte_rdtsc() - start) / 1e9;
	r->messages = done;

	/* Collect what is still in flight so every mbuf goes home. */
	if (!oneway && r->server_status == 0) {
		uint64_t deadline = rte_rdtsc() + perf_cycles(o->timeout_ms / 1000.0);
		uint64_t late_errors = 0;

		for (i = 0; i < o->connections; i++)
			while (win[i].in_flight != 0 && rte_rdtsc() < deadline)
				win[i].in_flight -= recv_some(o, conns[i], o->burst, &late_errors);
		r->errors += late_errors;
	}
	return 0;
}

static int
throughput_run(const struct perf_opts *o, struct dipc_client **conns, struct perf_result *r)
{
	return stream_run(o, conns, r, 0);
}

static int
oneway_run(const struct perf_opts *o, struct dipc_client **conns, struct perf_result *r)
{
	return stream_run(o, conns, r, 1);
}

const struct perf_mode perf_mode_throughput = {
	.name = "throughput",
	.help = "windowed echo: --window requests in flight per connection, in bursts",
	.run = throughput_run,
};

const struct perf_mode perf_mode_oneway = {
	.name = "oneway",
	.help = "one-way requests to the sink service, in bursts, as fast as taken",
	.run = oneway_run,
};
