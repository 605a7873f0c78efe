/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: a remote client built on the client library's eth
 * transport alone (dipc_client.h: the API a local client uses), driven by
 * tests/test_eth_api.c. Its own DPDK primary (dipc_client_eal_init_remote())
 * with one ethdev port given to EAL (a vdev).
 *
 *   dipc_eth_lib_client [EAL args] -- --peer A[:P] --ip A [--token FILE] [--port NAME]
 *       [--calls N] [--max-body B] [--rounds N] [--oneway N] [--conns N] [--window W]
 *       [--retry-ms R] [--timeout-ms T] [--request-timeout-ms T] [--transport N]
 *       [--limits] [--hold] [--give-up N]
 *
 * --transport N: the raw value of opts.transport (default eth), to see an
 * unknown one refused.
 * In order, on each of --conns connections (one process, one port):
 * --calls echo calls with bodies of random sizes up to --max-body (over
 * one segment: a chain from dipc_client_msg_alloc_wait()), each answer
 * checked byte for byte; --rounds windowed rounds (the whole window of
 * 64-byte requests allocated in bulk, sent in one burst, every answer
 * received and matched by stream id); --oneway one-way messages;
 * --limits: the window's and the size limits' errors (ENOBUFS one past
 * the window, then served again once the requests are freed; ENOSPC past
 * the largest message; EINVAL for unknown flags). --hold: then
 * dipc_client_check() until it reports an error, printed. --give-up N
 * (one connection; the test stops the server first): print "waiting",
 * keep the connection alive until SIGUSR1, then send N requests in one
 * burst and expect each back as the library's DIPC_STATUS_TIMED_OUT
 * answer (its stream id, once), then a call that returns ETIMEDOUT.
 *
 * Lines for the test: "eth-lib: connected slot S window W max_body B
 * max_chain C", "eth-lib: connect failed: ERRNAME: text", "eth-lib: N calls
 * ok", "eth-lib: R rounds ok", "eth-lib: M one-way sent", "eth-lib: limits
 * ok", "eth-lib: check: ERRNAME", "eth-lib: N given up ok", "eth-lib: closed".
 *
 * Exit codes: 0 done, 1 a wrong or missing answer, 2 usage, 3 connect
 * failed, 4 --hold ended with the error printed.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_random.h>

#include "dipc_client.h"
#include "dipc_codec_mbuf.h"
#include "dipc_msg.h"

#define SAY(fmt, ...) do { printf("eth-lib: " fmt "\n", ##__VA_ARGS__); fflush(stdout); } while (0)
#define MAX_CONNS 8
#define CALL_MS 10000

static const char *
errname(int e)
{
	switch (e < 0 ? -e : e) {
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ESHUTDOWN: return "ESHUTDOWN";
	case ECONNRESET: return "ECONNRESET";
	case EHOSTDOWN: return "EHOSTDOWN";
	case ENOBUFS: return "ENOBUFS";
	case ENOSPC: return "ENOSPC";
	case EBUSY: return "EBUSY";
	case ENODEV: return "ENODEV";
	case EPROTO: return "EPROTO";
	case ENETDOWN: return "ENETDOWN";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	default: return "other";
	}
}

static unsigned int
number(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	return errno != 0 || *end != '\0' || end == s || v >= UINT32_MAX ? UINT32_MAX :
									   (unsigned int)v;
}

static uint8_t
pattern(uint32_t off, uint32_t stream)
{
	return (uint8_t)(off * 31 + stream);
}

/* One echo call of @len bytes, checked. 0, or -1 (said why). */
static int
echo_call(struct dipc_client *c, uint32_t len)
{
	uint8_t chunk[4096];
	struct rte_mbuf *req, *rsp;
	uint32_t stream, off, i;
	int ret;

	req = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, len, 0, CALL_MS);
	if (req == NULL) {
		SAY("alloc of %u bytes: %s", len, errname(rte_errno));
		return -1;
	}
	stream = dipc_msg_hdr(req)->stream_id;
	for (off = 0; off < len; off += i) {
		uint32_t k = RTE_MIN(len - off, (uint32_t)sizeof(chunk));

		for (i = 0; i < k; i++)
			chunk[i] = pattern(off + i, stream);
		dipc_codec_mbuf_copy_in(req, DIPC_MSG_HDR_LEN + off, chunk, k);
	}
	ret = dipc_client_call(c, req, &rsp, CALL_MS);
	if (ret != 0) {
		SAY("call of %u bytes: %s", len, errname(ret));
		return -1;
	}
	if (rsp->pkt_len != DIPC_MSG_HDR_LEN + len || dipc_msg_hdr(rsp)->stream_id != stream ||
	    (dipc_msg_hdr(rsp)->flags & DIPC_MSG_F_ERROR)) {
		SAY("answer of %u bytes: pkt_len %u stream %u flags %#x", len, rsp->pkt_len,
		    dipc_msg_hdr(rsp)->stream_id, dipc_msg_hdr(rsp)->flags);
		dipc_client_msg_free(c, rsp);
		return -1;
	}
	for (off = 0; off < len; off += i) {
		uint32_t k = RTE_MIN(len - off, (uint32_t)sizeof(chunk));

		dipc_codec_mbuf_copy_out(rsp, DIPC_MSG_HDR_LEN + off, k, chunk);
		for (i = 0; i < k; i++)
			if (chunk[i] != pattern(off + i, stream)) {
				SAY("answer differs at byte %u of %u", off + i, len);
				dipc_client_msg_free(c, rsp);
				return -1;
			}
	}
	dipc_client_msg_free(c, rsp);
	return 0;
}

/* The whole window in one burst, every answer matched. */
static int
window_round(struct dipc_client *c)
{
	uint32_t w = dipc_client_window(c), first, got = 0, sent = 0, i;
	struct rte_mbuf *m[256], *r[32];
	uint8_t seen[256] = { 0 };
	uint64_t deadline = rte_get_tsc_cycles() + rte_get_tsc_hz() / 1000 * CALL_MS;
	unsigned int idle = 0;
	int ret;

	w = RTE_MIN(w, (uint32_t)RTE_DIM(m));
	ret = dipc_client_msg_alloc_bulk(c, m, w, DIPC_METHOD_ECHO, 64, 0);
	if (ret != 0) {
		SAY("bulk alloc of %u: %s", w, errname(ret));
		return -1;
	}
	first = dipc_msg_hdr(m[0])->stream_id;
	for (i = 0; i < w; i++)
		memset(dipc_msg_body(m[i]), (int)(first + i), 64);
	while (sent < w)
		sent += dipc_client_send_burst(c, m + sent, (uint16_t)(w - sent));
	while (got < w) {
		uint16_t n = dipc_client_recv_burst(c, r, RTE_DIM(r)), k;

		for (k = 0; k < n; k++) {
			uint32_t s = dipc_msg_hdr(r[k])->stream_id - first;
			const uint8_t *b = dipc_msg_body(r[k]);

			if (s >= w || seen[s] || r[k]->pkt_len != DIPC_MSG_HDR_LEN + 64 ||
			    b[0] != (uint8_t)(first + s) || b[63] != (uint8_t)(first + s)) {
				SAY("window answer out of place: stream %u", s + first);
				dipc_client_msg_free(c, r[k]);
				return -1;
			}
			seen[s] = 1;
			dipc_client_msg_free(c, r[k]);
		}
		got += n;
		if (n != 0) {
			idle = 0;
			continue;
		}
		ret = dipc_client_check(c);
		if (ret != 0) {
			SAY("window round: %s", errname(ret));
			return -1;
		}
		/* A lost answer comes again after the retry time: wait for it
		 * as a call does (its timeout), backing off when idle. */
		if (rte_get_tsc_cycles() > deadline) {
			SAY("window round: %u of %u answers in %u ms", got, w, CALL_MS);
			return -1;
		}
		if (++idle > 1000)
			rte_delay_us_sleep(50);
	}
	return 0;
}

static int
limits(struct dipc_client *c)
{
	uint32_t w = dipc_client_window(c), i;
	struct rte_mbuf *m[257], *x;
	int ret;

	if (w >= RTE_DIM(m))
		return -1;
	for (i = 0; i < w; i++) {
		m[i] = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, 8);
		if (m[i] == NULL) {
			SAY("alloc %u of the window %u: %s", i, w, errname(rte_errno));
			return -1;
		}
	}
	x = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, 8);
	if (x != NULL || rte_errno != ENOBUFS) {
		SAY("alloc past the window: %s", x != NULL ? "an mbuf" : errname(rte_errno));
		return -1;
	}
	ret = dipc_client_msg_alloc_bulk(c, m + w, 1, DIPC_METHOD_ECHO, 8, 0);
	if (ret != -ENOBUFS) {
		SAY("bulk alloc past the window: %d", ret);
		return -1;
	}
	/* Freed unsent: their stream ids are finished, the window free again. */
	dipc_client_msg_free_bulk(c, m, w);
	if (echo_call(c, 100) != 0)
		return -1;
	x = dipc_client_msg_alloc_chain(c, DIPC_METHOD_ECHO, dipc_client_max_chain_body(c) + 1, 0);
	if (x != NULL || rte_errno != ENOSPC) {
		SAY("alloc past the largest message: %s", x != NULL ? "an mbuf" : errname(rte_errno));
		return -1;
	}
	x = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, dipc_client_max_body(c) + 1);
	if (x != NULL || rte_errno != ENOSPC) {
		SAY("one segment past max_body: %s", x != NULL ? "an mbuf" : errname(rte_errno));
		return -1;
	}
	x = dipc_client_msg_alloc_chain(c, DIPC_METHOD_ECHO, 8, 0x80);
	if (x != NULL || rte_errno != EINVAL) {
		SAY("unknown flags: %s", x != NULL ? "an mbuf" : errname(rte_errno));
		return -1;
	}
	/* The largest message, each way. */
	if (echo_call(c, dipc_client_max_chain_body(c)) != 0)
		return -1;
	SAY("limits ok");
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: dipc_eth_lib_client [EAL] -- --peer A[:P] --ip A [--token FILE] "
			"[--port NAME] [--calls N] [--max-body B] [--rounds N] [--oneway N] "
			"[--conns N] [--window W] [--retry-ms R] [--timeout-ms T] [--transport N] [--limits] "
			"[--hold] [--request-timeout-ms T] [--give-up N]\n");
}

static volatile sig_atomic_t go;

static void
on_usr1(int sig __rte_unused)
{
	go = 1;
}

/* --give-up: @n requests that no one answers (the server is stopped),
 * each of which must come back as the library's timed-out answer. */
static int
give_up(struct dipc_client *c, uint32_t n)
{
	struct rte_mbuf *m[256], *r[32], *rsp;
	uint8_t seen[256] = { 0 };
	uint64_t deadline;
	uint32_t first, got = 0, sent = 0;
	int ret;

	SAY("waiting");
	deadline = rte_get_tsc_cycles() + rte_get_tsc_hz() / 1000 * CALL_MS * 3;
	while (!go) {
		/* Polls: the connection stays alive on both sides. */
		ret = dipc_client_check(c);
		if (ret != 0 || rte_get_tsc_cycles() > deadline) {
			SAY("give-up: no signal (%s)", ret != 0 ? errname(ret) : "timeout");
			return -1;
		}
		rte_delay_us_sleep(1000);
	}
	n = RTE_MIN(n, (uint32_t)RTE_DIM(m));
	ret = dipc_client_msg_alloc_bulk(c, m, n, DIPC_METHOD_ECHO, 64, 0);
	if (ret != 0) {
		SAY("give-up: bulk alloc of %u: %s", n, errname(ret));
		return -1;
	}
	first = dipc_msg_hdr(m[0])->stream_id;
	while (sent < n)
		sent += dipc_client_send_burst(c, m + sent, (uint16_t)(n - sent));
	/* Receives only: a check could find the server silent first. */
	deadline = rte_get_tsc_cycles() + rte_get_tsc_hz() / 1000 * CALL_MS;
	while (got < n && rte_get_tsc_cycles() < deadline) {
		uint16_t k, nb = dipc_client_recv_burst(c, r, RTE_DIM(r));

		for (k = 0; k < nb; k++) {
			const struct dipc_msg_hdr *h = dipc_msg_hdr(r[k]);
			uint32_t s = h->stream_id - first;

			if (s >= n || seen[s] || !(h->flags & DIPC_MSG_F_ERROR) ||
			    h->status != DIPC_STATUS_TIMED_OUT || h->method != DIPC_METHOD_ECHO ||
			    h->body_len != 0 || r[k]->pkt_len != DIPC_MSG_HDR_LEN) {
				SAY("give-up: answer stream %u flags %#x status %u body %u",
				    h->stream_id, h->flags, h->status, h->body_len);
				dipc_client_msg_free(c, r[k]);
				return -1;
			}
			seen[s] = 1;
			dipc_client_msg_free(c, r[k]);
		}
		got += nb;
		if (nb == 0)
			rte_delay_us_sleep(100);
	}
	if (got != n) {
		SAY("give-up: %u of %u answers", got, n);
		return -1;
	}
	rsp = dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, 64);
	if (rsp == NULL) {
		SAY("give-up: alloc: %s", errname(rte_errno));
		return -1;
	}
	ret = dipc_client_call(c, rsp, &rsp, CALL_MS);
	if (ret != -ETIMEDOUT) {
		SAY("give-up: call: %s", ret == 0 ? "answered" : errname(ret));
		return -1;
	}
	SAY("%u given up ok", n);
	return 0;
}

int
main(int argc, char **argv)
{
	struct dipc_client_opts o = { .transport = DIPC_CLIENT_TRANSPORT_ETH };
	unsigned int calls = 0, max_body = 4000, rounds = 0, oneway = 0, nconns = 1, i, k;
	unsigned int give_ups = 0;
	struct dipc_client *conns[MAX_CONNS];
	int hold = 0, lim = 0, ret;

	ret = dipc_client_eal_init_remote(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "eth-lib: EAL: %s\n", rte_strerror(-ret));
		return 2;
	}
	argc -= ret;
	argv += ret;
	o.timeout_ms = 30000;
	for (i = 1; i < (unsigned int)argc; i++) {
		const char *a = argv[i], *v = i + 1 < (unsigned int)argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--hold") == 0) { hold = 1; continue; }
		if (strcmp(a, "--limits") == 0) { lim = 1; continue; }
		if (v == NULL) { usage(); return 2; }
		i++;
		if (strcmp(a, "--peer") == 0) o.peer = v;
		else if (strcmp(a, "--ip") == 0) o.local_ip = v;
		else if (strcmp(a, "--token") == 0) o.token_file = v;
		else if (strcmp(a, "--port") == 0) o.port = v;
		else if (strcmp(a, "--calls") == 0) calls = number(v);
		else if (strcmp(a, "--max-body") == 0) max_body = number(v);
		else if (strcmp(a, "--rounds") == 0) rounds = number(v);
		else if (strcmp(a, "--oneway") == 0) oneway = number(v);
		else if (strcmp(a, "--conns") == 0) nconns = number(v);
		else if (strcmp(a, "--window") == 0) o.window = number(v);
		else if (strcmp(a, "--retry-ms") == 0) o.retry_ms = number(v);
		else if (strcmp(a, "--timeout-ms") == 0) o.timeout_ms = number(v);
		else if (strcmp(a, "--request-timeout-ms") == 0) o.request_timeout_ms = number(v);
		else if (strcmp(a, "--give-up") == 0) give_ups = number(v);
		else if (strcmp(a, "--transport") == 0) o.transport = number(v);
		else { usage(); return 2; }
	}
	if (calls == UINT32_MAX || max_body == UINT32_MAX || rounds == UINT32_MAX ||
	    oneway == UINT32_MAX || nconns == 0 || nconns > MAX_CONNS || o.window == UINT32_MAX ||
	    o.retry_ms == UINT32_MAX || o.timeout_ms == UINT32_MAX ||
	    o.request_timeout_ms == UINT32_MAX || give_ups == UINT32_MAX) {
		usage();
		return 2;
	}
	if (give_ups != 0 && signal(SIGUSR1, on_usr1) == SIG_ERR) {
		SAY("signal: %s", strerror(errno));
		return 2;
	}
	for (k = 0; k < nconns; k++) {
		conns[k] = dipc_client_connect_opts(&o);
		if (conns[k] == NULL) {
			SAY("connect failed: %s: %s", errname(rte_errno),
			    dipc_client_strerror(rte_errno));
			return 3;
		}
		SAY("connected slot %u window %u max_body %u max_chain %u",
		    dipc_client_slot(conns[k]), dipc_client_window(conns[k]),
		    dipc_client_max_body(conns[k]), dipc_client_max_chain_body(conns[k]));
	}
	for (k = 0; k < nconns; k++) {
		struct dipc_client *c = conns[k];

		max_body = RTE_MIN(max_body, dipc_client_max_chain_body(c));
		for (i = 0; i < calls; i++)
			if (echo_call(c, (uint32_t)(rte_rand() % (max_body + 1))) != 0)
				return 1;
		if (calls != 0)
			SAY("%u calls ok", calls);
		for (i = 0; i < rounds; i++)
			if (window_round(c) != 0)
				return 1;
		if (rounds != 0)
			SAY("%u rounds ok", rounds);
		for (i = 0; i < oneway; i++) {
			struct rte_mbuf *m = dipc_client_msg_alloc_wait(c, DIPC_METHOD_SINK, 64,
									DIPC_MSG_F_ONEWAY, CALL_MS);

			if (m == NULL || dipc_client_send_burst(c, &m, 1) != 1) {
				SAY("one-way %u: %s", i, m == NULL ? errname(rte_errno) : "not sent");
				return 1;
			}
		}
		if (oneway != 0)
			SAY("%u one-way sent", oneway);
		if (lim && limits(c) != 0)
			return 1;
		if (give_ups != 0 && give_up(c, give_ups) != 0)
			return 1;
	}
	if (hold) {
		SAY("holding");
		for (;;) {
			ret = dipc_client_check(conns[0]);
			if (ret != 0) {
				SAY("check: %s", errname(ret));
				return 4;
			}
			rte_delay_us_sleep(1000);
		}
	}
	for (k = 0; k < nconns; k++) {
		struct dipc_client_stats st;

		if (dipc_client_stats(conns[k], &st) == 0)
			SAY("stats %u: tx %" PRIu64 " rx %" PRIu64 " resent %" PRIu64 " given_up %"
			    PRIu64 " late %" PRIu64 " tx_lost %" PRIu64, k, st.tx_msgs, st.rx_msgs,
			    st.resent, st.given_up, st.late_answers, st.tx_lost);
		dipc_client_close(conns[k]);
	}
	SAY("closed");
	rte_eal_cleanup();
	return 0;
}
