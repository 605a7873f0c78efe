/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client for tests/test_chain.c: size classes and mbuf chains end to end.
 *
 *   dipc_chain_client [EAL args] -- echo       echo at every class boundary and
 *                                               large chains, checked byte by byte
 *   dipc_chain_client [EAL args] -- hostile    send bad chains (a segment not lent,
 *                                               not an mbuf, loops, lying nb_segs or
 *                                               pkt_len, too many segments)
 *   dipc_chain_client [EAL args] -- grow       responses built by the server (of
 *                                               every class, chains) to small requests
 *   dipc_chain_client [EAL args] -- hold N     hold N chains (sent and received,
 *                                               and allocated) and wait to be killed
 *
 * Prints "<mode> ok ..." and exits 0 on success; any failed check prints
 * "FAIL: ..." and exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_errno.h>
#include <rte_mbuf.h>

#include "dipc_chain_hook.h"
#include "dipc_client.h"
#include "dipc_codec_mbuf.h"

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("FAIL: %s:%d: ", __FILE__, __LINE__);           \
			printf(__VA_ARGS__);                                   \
			printf("\n");                                          \
			fflush(stdout);                                        \
			exit(1);                                               \
		}                                                              \
	} while (0)

static uint8_t *want_buf, *got_buf;

static void
pattern(uint8_t *p, uint32_t len, uint32_t seed)
{
	uint32_t i, x = seed * 2654435761u + 1;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

/* Segments a body of @len takes, as the client lays out a chain. */
static unsigned int
expect_segs(struct dipc_client *c, uint32_t len)
{
	uint32_t room = dipc_client_max_body(c) + DIPC_MSG_HDR_LEN;
	uint64_t total = (uint64_t)len + DIPC_MSG_HDR_LEN;

	return (unsigned int)((total + room - 1) / room);
}

/* The class a one-segment body of @len must be in. */
static unsigned int
expect_class(struct dipc_client *c, uint32_t len)
{
	unsigned int k;

	for (k = 0; k < dipc_client_nb_classes(c) && dipc_client_class_max_body(c, k) < len; k++)
		;
	return k;
}

static struct rte_mbuf *
make(struct dipc_client *c, uint32_t len, uint32_t seed)
{
	/* Larger classes are lent on demand: wait for them. */
	struct rte_mbuf *m = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, len, 0, 5000);
	char name[RTE_MEMPOOL_NAMESIZE];

	CHECK(m != NULL, "alloc_chain(%u): %s", len, rte_strerror(rte_errno));
	CHECK(m->nb_segs == expect_segs(c, len), "body %u: %u segments, expected %u", len,
	      m->nb_segs, expect_segs(c, len));
	CHECK(m->pkt_len == len + DIPC_MSG_HDR_LEN, "pkt_len %u for body %u", m->pkt_len, len);
	if (m->nb_segs == 1) {
		snprintf(name, sizeof(name), "dipc_pool_%u", expect_class(c, len));
		CHECK(strcmp(m->pool->name, name) == 0, "body %u in %s, expected %s", len,
		      m->pool->name, name);
	}
	pattern(want_buf, len, seed);
	CHECK(dipc_codec_mbuf_copy_in(m, 0, want_buf, len) == 0, "copy_in %u", len);
	if (getenv("CHAIN_DEBUG"))
		printf("make %u: flags %x method %u segs %u data_len %u pkt_len %u\n", len,
		       dipc_msg_hdr(m)->flags, dipc_msg_hdr(m)->method, m->nb_segs, m->data_len,
		       m->pkt_len);
	return m;
}

static void
check_rsp(struct dipc_client *c, struct rte_mbuf *r, uint32_t len, uint32_t seed)
{
	CHECK(!(dipc_msg_hdr(r)->flags & DIPC_MSG_F_ERROR), "body %u: error status %u flags %x segs %u", len,
	      dipc_msg_hdr(r)->status, dipc_msg_hdr(r)->flags, r->nb_segs);
	CHECK(dipc_msg_hdr(r)->body_len == len, "response body %u for %u",
	      dipc_msg_hdr(r)->body_len, len);
	CHECK(r->nb_segs == expect_segs(c, len), "response of %u: %u segments", len, r->nb_segs);
	CHECK(dipc_codec_mbuf_body_len(r) == len, "response holds %u of %u",
	      dipc_codec_mbuf_body_len(r), len);
	pattern(want_buf, len, seed);
	memset(got_buf, 0, len);
	CHECK(dipc_codec_mbuf_copy_out(r, 0, len, got_buf) == 0, "copy_out %u", len);
	CHECK(memcmp(want_buf, got_buf, len) == 0, "body of %u differs", len);
}

static void
echo_one(struct dipc_client *c, uint32_t len, uint32_t seed)
{
	struct rte_mbuf *m = make(c, len, seed), *r;
	int ret = dipc_client_call(c, m, &r, 5000);

	CHECK(ret == 0, "call with body %u: %s", len, dipc_client_strerror(ret));
	check_rsp(c, r, len, seed);
	dipc_client_msg_free(c, r);
}

static int
mode_echo(struct dipc_client *c)
{
	uint32_t sizes[64], n = 0, i, round, maxb = dipc_client_max_body(c);
	uint32_t maxc = dipc_client_max_chain_body(c), room = maxb + DIPC_MSG_HDR_LEN;
	struct rte_mbuf *burst[8], *r[8];
	unsigned int k, sent, got;

	for (k = 0; k < dipc_client_nb_classes(c); k++) {
		sizes[n++] = dipc_client_class_max_body(c, k) - 1;
		sizes[n++] = dipc_client_class_max_body(c, k);
		sizes[n++] = dipc_client_class_max_body(c, k) + 1;
	}
	sizes[n++] = 0;
	sizes[n++] = 2 * room - DIPC_MSG_HDR_LEN;     /* two full segments */
	sizes[n++] = 2 * room - DIPC_MSG_HDR_LEN + 1; /* one byte in a third */
	sizes[n++] = 5 * room + 3;
	sizes[n++] = maxc - 1;
	sizes[n++] = maxc;
	/* Past the largest class, alloc refuses; past the chain limit, both. */
	CHECK(dipc_client_msg_alloc(c, DIPC_METHOD_ECHO, maxb + 1) == NULL && rte_errno == ENOSPC,
	      "alloc of %u over max_body", maxb + 1);
	CHECK(dipc_client_msg_alloc_chain(c, DIPC_METHOD_ECHO, maxc + 1, 0) == NULL &&
	      rte_errno == ENOSPC, "alloc_chain over max_chain_body");
	for (round = 0; round < 3; round++)
		for (i = 0; i < n; i++)
			echo_one(c, sizes[i], round * 1000 + i);
	/* A burst of chains: several in the rings at once. */
	for (round = 0; round < 4; round++) {
		for (i = 0; i < RTE_DIM(burst); i++)
			burst[i] = make(c, 2 * room + i, 77 + i);
		sent = 0;
		while (sent < RTE_DIM(burst))
			sent += dipc_client_send_burst(c, burst + sent,
						       (uint16_t)(RTE_DIM(burst) - sent));
		for (got = 0; got < RTE_DIM(r);) {
			got += dipc_client_recv_burst(c, r + got, (uint16_t)(RTE_DIM(r) - got));
			CHECK(dipc_client_check(c) == 0, "server gone");
		}
		for (i = 0; i < RTE_DIM(r); i++) {
			uint32_t idx = dipc_msg_hdr(r[i])->body_len - 2 * room;

			CHECK(idx < RTE_DIM(burst), "unexpected body %u", dipc_msg_hdr(r[i])->body_len);
			check_rsp(c, r[i], 2 * room + idx, 77 + idx);
		}
		dipc_client_msg_free_bulk(c, r, RTE_DIM(r));
	}
	printf("echo ok: %u sizes, largest class body %u, chain body %u, classes %u\n", n, maxb,
	       maxc, dipc_client_nb_classes(c));
	return 0;
}

/* Responses the server builds with dipc_server_rsp_alloc() (test build of
 * the server, tests/dipc_chain_hook.c): each class boundary and chains. */
static int
mode_grow(struct dipc_client *c)
{
	uint32_t sizes[64], n = 0, i, maxb = dipc_client_max_body(c), in[2];
	uint32_t room = maxb + DIPC_MSG_HDR_LEN;
	struct rte_mbuf *m, *r;
	unsigned int k;
	int ret;

	for (k = 0; k < dipc_client_nb_classes(c); k++) {
		sizes[n++] = dipc_client_class_max_body(c, k);
		sizes[n++] = dipc_client_class_max_body(c, k) + 1;
	}
	sizes[n++] = 0;
	sizes[n++] = 3 * room + 5;
	sizes[n++] = 64 * room - DIPC_MSG_HDR_LEN; /* the server's largest */
	for (i = 0; i < n; i++) {
		m = dipc_client_msg_alloc(c, 200, sizeof(in));
		CHECK(m != NULL, "alloc");
		in[0] = sizes[i];
		in[1] = 500 + i;
		memcpy(dipc_msg_body(m), in, sizeof(in));
		ret = dipc_client_call(c, m, &r, 5000);
		CHECK(ret == 0, "grow %u: %s", sizes[i], dipc_client_strerror(ret));
		check_rsp(c, r, sizes[i], 500 + i);
		dipc_client_msg_free(c, r);
	}
	/* One byte past the largest chain: answered with an error. */
	m = dipc_client_msg_alloc(c, 200, sizeof(in));
	CHECK(m != NULL, "alloc");
	in[0] = 64 * room - DIPC_MSG_HDR_LEN + 1;
	memcpy(dipc_msg_body(m), in, sizeof(in));
	CHECK(dipc_client_call(c, m, &r, 5000) == 0, "grow past the limit");
	CHECK(dipc_msg_hdr(r)->status == DIPC_STATUS_BAD_LENGTH, "status %u",
	      dipc_msg_hdr(r)->status);
	dipc_client_msg_free(c, r);
	/* A handler's error statuses: its own, except the client library's
	 * TIMED_OUT, and values past the enum, answered UNKNOWN_METHOD. */
	{
		static const int32_t ret_of[] = { -DIPC_STATUS_BAD_FLAGS, -DIPC_STATUS_TIMED_OUT,
						  -DIPC_STATUS_MAX, -1000, 77 };
		static const uint16_t want[] = { DIPC_STATUS_BAD_FLAGS, DIPC_STATUS_UNKNOWN_METHOD,
						 DIPC_STATUS_UNKNOWN_METHOD,
						 DIPC_STATUS_UNKNOWN_METHOD,
						 DIPC_STATUS_UNKNOWN_METHOD };

		for (i = 0; i < RTE_DIM(ret_of); i++) {
			m = dipc_client_msg_alloc(c, DIPC_CHAIN_METHOD_RETURN, sizeof(ret_of[i]));
			CHECK(m != NULL, "alloc");
			memcpy(dipc_msg_body(m), &ret_of[i], sizeof(ret_of[i]));
			ret = dipc_client_call(c, m, &r, 5000);
			CHECK(ret == 0, "return %d: %s", ret_of[i], dipc_client_strerror(ret));
			CHECK((dipc_msg_hdr(r)->flags & DIPC_MSG_F_ERROR) &&
			      dipc_msg_hdr(r)->status == want[i], "return %d: status %u",
			      ret_of[i], dipc_msg_hdr(r)->status);
			dipc_client_msg_free(c, r);
		}
	}
	printf("grow ok: %u sizes\n", n);
	return 0;
}

/* Send a chain the server must drop, then prove the connection still works. */
static void
send_bad(struct dipc_client *c, struct rte_mbuf *m, const char *what)
{
	while (dipc_client_send_burst(c, &m, 1) == 0)
		CHECK(dipc_client_check(c) == 0, "server gone sending %s", what);
	echo_one(c, 100, 5); /* behind it in the ring: the bad one was handled */
	printf("sent bad chain: %s\n", what);
}

static int
mode_hostile(struct dipc_client *c)
{
	struct dipc_client *c2 = dipc_client_connect(2000);
	uint32_t len = 2 * (dipc_client_max_body(c) + DIPC_MSG_HDR_LEN) + 1; /* 3 segments */
	struct rte_mbuf *m, *seg1, *seg2, *x;
	unsigned int bad = 0;

	CHECK(c2 != NULL, "second connection: %s", dipc_client_strerror(rte_errno));
	/* A segment lent to another connection. */
	m = make(c, len, 1);
	seg1 = m->next;
	seg2 = seg1->next;
	x = dipc_client_msg_alloc_wait(c2, DIPC_METHOD_ECHO, dipc_client_max_body(c2), 0, 5000);
	CHECK(x != NULL, "alloc on c2");
	seg1->next = x;
	dipc_client_msg_free(c, seg2);
	send_bad(c, m, "segment lent to another connection"), bad++;
	dipc_client_msg_free(c2, x); /* untouched by the server: still c2's */

	/* A pointer into the middle of an mbuf: not an object of any pool. */
	m = make(c, len, 2);
	seg1 = m->next;
	seg2 = seg1->next;
	seg1->next = (struct rte_mbuf *)((char *)seg2 + 64);
	dipc_client_msg_free(c, seg2);
	send_bad(c, m, "segment not an mbuf"), bad++;

	/* Loops: back to the head, within nb_segs and past it. */
	m = make(c, len, 3);
	m->next->next->next = m;
	send_bad(c, m, "loop to the head, nb_segs 3"), bad++;
	m = make(c, len, 4);
	m->next->next->next = m->next;
	m->nb_segs = 40;
	send_bad(c, m, "loop to segment 1, nb_segs 40"), bad++;

	/* nb_segs lying, both ways; pkt_len lying; too many segments. */
	m = make(c, len, 5);
	m->nb_segs = 2;
	send_bad(c, m, "nb_segs 2 for 3"), bad++;
	m = make(c, len, 6);
	m->nb_segs = 4;
	send_bad(c, m, "nb_segs 4 for 3"), bad++;
	m = make(c, len, 7);
	m->pkt_len += 1;
	send_bad(c, m, "pkt_len one too many"), bad++;
	m = make(c, len, 8);
	m->nb_segs = DIPC_MSG_MAX_SEGS + 1;
	send_bad(c, m, "nb_segs over DIPC_MSG_MAX_SEGS"), bad++;

	/* A good chain still echoes. */
	echo_one(c, len, 9);
	dipc_client_close(c2);
	printf("hostile ok: %u bad chains sent\n", bad);
	fflush(stdout);
	return 0;
}

static int
mode_hold(struct dipc_client *c, unsigned int n)
{
	uint32_t len = 2 * (dipc_client_max_body(c) + DIPC_MSG_HDR_LEN) + 1;
	struct rte_mbuf *m, *r;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++) {
		if (getenv("CHAIN_DEBUG"))
			printf("hold round %u\n", i);
		m = make(c, len, i);
		ret = dipc_client_call(c, m, &r, 5000);
		CHECK(ret == 0, "call: %s", dipc_client_strerror(ret));
		(void)r; /* held: never freed */
		m = make(c, len + i, i); /* allocated, never sent */
		(void)m;
		m = dipc_client_msg_alloc_wait(c, DIPC_METHOD_ECHO, dipc_client_max_body(c), 0,
					       5000);
		CHECK(m != NULL, "alloc of the largest class");
	}
	printf("holding %u chains\n", n);
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

int
main(int argc, char **argv)
{
	struct dipc_client *c;
	int n, ret = 1;

	n = dipc_client_eal_init(argc, argv);
	if (n < 0)
		return 2;
	argc -= n;
	argv += n;
	if (argc < 2) {
		fprintf(stderr, "usage: dipc_chain_client [EAL] -- echo|hostile|hold N\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	c = dipc_client_connect(2000);
	CHECK(c != NULL, "connect: %s", dipc_client_strerror(rte_errno));
	want_buf = malloc(dipc_client_max_chain_body(c) + 1);
	got_buf = malloc(dipc_client_max_chain_body(c) + 1);
	CHECK(want_buf != NULL && got_buf != NULL, "malloc");
	if (strcmp(argv[1], "echo") == 0)
		ret = mode_echo(c);
	else if (strcmp(argv[1], "grow") == 0)
		ret = mode_grow(c);
	else if (strcmp(argv[1], "hostile") == 0)
		ret = mode_hostile(c);
	else if (strcmp(argv[1], "hold") == 0 && argc > 2)
		ret = mode_hold(c, (unsigned int)strtoul(argv[2], NULL, 10));
	dipc_client_close(c);
	free(want_buf);
	free(got_buf);
	return ret;
}
