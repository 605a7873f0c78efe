/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The eth transport's fault injection (drivers/eth/dipc_eth_fault.h) on
 * real ethdev ports: two net_ring ports joined back to back (what A
 * sends on its queue, B receives), real mbufs and mempools in ordinary
 * memory (EAL --no-huge --no-shconf), no hugepage.
 *
 * Shows, on the receive side (faults on B) and on the transmit side
 * (faults on A): with loss=100% no frame arrives (on transmit: only
 * fillers); with no fault every frame arrives once and in order; with
 * dup=100% every frame twice; with reordering every frame once but not in
 * order; the same seed makes the same decisions and another seed others;
 * a mix of all three loses nothing it did not count; frames still held at
 * detach freed with it; every mbuf back in its pool after detach. The spec parser takes good specs and refuses
 * bad ones with a message.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dipc_eth_fault.h"
#include "dipc_eth_port.h"

#define POOL_MBUFS 4095
#define FRAMES 600
#define TEST_TYPE 0x0800
#define FILLER_TYPE 0x88B5

static struct rte_mempool *pool;
static uint16_t port_a, port_b;

static int
group_setup(void **state)
{
	char *args[] = { "test_eth_fault", "--no-huge", "--no-shconf", "-m", "256", "--no-pci",
			 "-l", "0", "--no-telemetry", "--log-level=lib.eal:error", NULL };
	struct rte_ring *ab, *ba;
	struct dipc_eth_port_conf c;
	struct dipc_eth_port_info info;
	char err[256];
	int ia, ib;

	(void)state;
	if (rte_eal_init(RTE_DIM(args) - 1, args) < 0)
		return -1;
	/* No per-lcore cache: the available count is exact. */
	pool = rte_pktmbuf_pool_create("eth_fault", POOL_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       SOCKET_ID_ANY);
	ab = rte_ring_create("fault_ab", 2048, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	ba = rte_ring_create("fault_ba", 2048, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (pool == NULL || ab == NULL || ba == NULL)
		return -1;
	ia = rte_eth_from_rings("fault_a", &ba, 1, &ab, 1, SOCKET_ID_ANY);
	ib = rte_eth_from_rings("fault_b", &ab, 1, &ba, 1, SOCKET_ID_ANY);
	if (ia < 0 || ib < 0)
		return -1;
	port_a = (uint16_t)ia;
	port_b = (uint16_t)ib;
	memset(&c, 0, sizeof(c));
	c.nb_rxq = 1;
	c.nb_txq = 1;
	c.nb_rxd = 512;
	c.nb_txd = 512;
	c.mtu = 1500;
	c.rx_pool = pool;
	c.socket_id = SOCKET_ID_ANY;
	c.port_id = port_a;
	c.mac.addr_bytes[0] = 0x02;
	c.mac.addr_bytes[5] = 0x0a;
	if (dipc_eth_port_start(&c, &info, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	c.port_id = port_b;
	c.mac.addr_bytes[5] = 0x0b;
	if (dipc_eth_port_start(&c, &info, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	dipc_eth_port_close(port_a);
	dipc_eth_port_close(port_b);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return 0;
}

/* A frame carrying its number (after an Ethernet header). */
static struct rte_mbuf *
frame(uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	uint8_t *p;

	assert_non_null(m);
	p = (uint8_t *)rte_pktmbuf_append(m, 64);
	assert_non_null(p);
	memset(p, 0, 64);
	p[12] = TEST_TYPE >> 8;
	p[13] = TEST_TYPE & 0xff;
	memcpy(p + 14, &seq, sizeof(seq));
	return m;
}

struct run {
	uint32_t seq[4 * FRAMES];  /* numbers in the order they arrived */
	unsigned int n;
	unsigned int fillers;
	struct dipc_eth_fault_stats rx, tx;
};

/* Receive on B what is there, a few calls more than a held frame waits. */
static void
drain(struct run *r, unsigned int calls)
{
	struct rte_mbuf *pkts[32];
	unsigned int c, i, n;

	for (c = 0; c < calls; c++) {
		n = rte_eth_rx_burst(port_b, 0, pkts, RTE_DIM(pkts));
		for (i = 0; i < n; i++) {
			const uint8_t *p = rte_pktmbuf_mtod(pkts[i], const uint8_t *);
			uint16_t type = (uint16_t)(p[12] << 8 | p[13]);

			if (type == FILLER_TYPE) {
				assert_int_equal(pkts[i]->pkt_len, 60);
				r->fillers++;
			} else {
				assert_int_equal(type, TEST_TYPE);
				assert_true(r->n < RTE_DIM(r->seq));
				memcpy(&r->seq[r->n++], p + 14, sizeof(uint32_t));
			}
			rte_pktmbuf_free(pkts[i]);
		}
	}
}

/*
 * FRAMES frames from A to B in bursts of 1 to 8, with the faults of
 * @spec on B's receive queue (dir rx), A's transmit queue (dir tx) or
 * both, everything received; then detached, and every mbuf back.
 */
static void
run(const char *spec, struct run *r)
{
	struct dipc_eth_fault_conf conf, side;
	struct dipc_eth_fault *fa = NULL, *fb = NULL;
	struct rte_mbuf *pkts[8];
	char err[256];
	unsigned int seq = 0, k, b = 0;

	memset(r, 0, sizeof(*r));
	assert_int_equal(dipc_eth_fault_parse(spec, &conf, err, sizeof(err)), 0);
	if (conf.dir & DIPC_ETH_FAULT_TX) {
		side = conf;
		side.dir = DIPC_ETH_FAULT_TX;
		fa = dipc_eth_fault_attach(port_a, 1, 1, &side, err, sizeof(err));
		if (fa == NULL)
			fail_msg("attach: %s", err);
	}
	if (conf.dir & DIPC_ETH_FAULT_RX) {
		side = conf;
		side.dir = DIPC_ETH_FAULT_RX;
		fb = dipc_eth_fault_attach(port_b, 1, 1, &side, err, sizeof(err));
		if (fb == NULL)
			fail_msg("attach: %s", err);
	}
	while (seq < FRAMES) {
		unsigned int nb = RTE_MIN(1 + b % 8, FRAMES - seq), sent = 0;

		b++;
		for (k = 0; k < nb; k++)
			pkts[k] = frame(seq++);
		while (sent < nb)
			sent += rte_eth_tx_burst(port_a, 0, pkts + sent, (uint16_t)(nb - sent));
		drain(r, 1);
	}
	/* A transmit call with no frame sends what waits; then receive until
	 * every frame held on receive is out. */
	rte_eth_tx_burst(port_a, 0, pkts, 0);
	drain(r, DIPC_ETH_FAULT_HOLD_CALLS + 2);
	if (fa != NULL)
		dipc_eth_fault_stats(fa, NULL, &r->tx);
	if (fb != NULL)
		dipc_eth_fault_stats(fb, &r->rx, NULL);
	assert_int_equal(r->rx.held, 0);
	assert_int_equal(r->tx.held, 0);
	dipc_eth_fault_detach(fa);
	dipc_eth_fault_detach(fb);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
}

static unsigned int
count_of(const struct run *r, uint32_t seq)
{
	unsigned int i, c = 0;

	for (i = 0; i < r->n; i++)
		c += r->seq[i] == seq;
	return c;
}

static int
in_order(const struct run *r)
{
	unsigned int i;

	for (i = 1; i < r->n; i++)
		if (r->seq[i] < r->seq[i - 1])
			return 0;
	return 1;
}

static void
test_parse(void **state)
{
	static const char *const bad[] = {
		"", "loss", "loss=", "=1%", "loss=1", "loss=0.5", "loss=101%", "loss=100.01%",
		"loss=1.23456%", "loss=1%%", "loss= 1%", "loss=-1%", "loss=1%,loss=2%", "foo=1%",
		"dir=up", "dir=", "dir=rxtx", "seed=abc", "seed=-1", "seed=1x", ",loss=1%",
		"loss=1%,", "loss=1%,,dup=1%", "seed=18446744073709551616", "LOSS=1%",
		"loss=.5%", "loss=5.%",
	};
	struct dipc_eth_fault_conf c, keep;
	char err[256], d[128];
	unsigned int i;

	(void)state;
	assert_int_equal(dipc_eth_fault_parse("loss=1%,dup=0.5%,reorder=1%,seed=42,dir=rx", &c,
					      err, sizeof(err)), 0);
	assert_int_equal(c.loss_ppm, 10000);
	assert_int_equal(c.dup_ppm, 5000);
	assert_int_equal(c.reorder_ppm, 10000);
	assert_int_equal(c.seed, 42);
	assert_int_equal(c.dir, DIPC_ETH_FAULT_RX);
	assert_string_equal(dipc_eth_fault_describe(&c, d, sizeof(d)),
			    "loss 1%, dup 0.5%, reorder 1%, seed 42, rx");
	/* Defaults: both sides, seed 1; 0 without its %; 100%; 4 decimals. */
	assert_int_equal(dipc_eth_fault_parse("loss=0", &c, err, sizeof(err)), 0);
	assert_int_equal(c.loss_ppm, 0);
	assert_int_equal(c.dir, DIPC_ETH_FAULT_RX | DIPC_ETH_FAULT_TX);
	assert_int_equal(c.seed, 1);
	assert_int_equal(dipc_eth_fault_parse("dir=tx,seed=0x10,loss=100%,reorder=0.0001%", &c,
					      err, sizeof(err)), 0);
	assert_int_equal(c.loss_ppm, DIPC_ETH_FAULT_PPM_MAX);
	assert_int_equal(c.reorder_ppm, 1);
	assert_int_equal(c.seed, 16);
	assert_int_equal(c.dir, DIPC_ETH_FAULT_TX);
	assert_string_equal(dipc_eth_fault_describe(&c, d, sizeof(d)),
			    "loss 100%, dup 0%, reorder 0.0001%, seed 16, tx");
	assert_int_equal(dipc_eth_fault_parse("dup=12.5%,dir=both", &c, err, sizeof(err)), 0);
	assert_int_equal(c.dup_ppm, 125000);
	/* Each bad one refused with a message, the conf untouched. */
	memset(&keep, 0x5a, sizeof(keep));
	for (i = 0; i < RTE_DIM(bad); i++) {
		c = keep;
		err[0] = '\0';
		if (dipc_eth_fault_parse(bad[i], &c, err, sizeof(err)) != -EINVAL)
			fail_msg("'%s' was taken", bad[i]);
		assert_true(strlen(err) > 10);
		assert_memory_equal(&c, &keep, sizeof(c));
	}
	assert_int_equal(dipc_eth_fault_parse(NULL, &c, NULL, 0), -EINVAL);
}

static void
test_attach_refused(void **state)
{
	struct dipc_eth_fault_conf c = { .loss_ppm = 1, .dir = DIPC_ETH_FAULT_RX, .seed = 1 };
	char err[256];

	(void)state;
	assert_null(dipc_eth_fault_attach(999, 1, 1, &c, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	assert_null(dipc_eth_fault_attach(port_b, 2, 1, &c, err, sizeof(err)));
	assert_int_equal(rte_errno, EINVAL);
	assert_non_null(strstr(err, "queues"));
	c.dir = 0;
	assert_null(dipc_eth_fault_attach(port_b, 1, 1, &c, err, sizeof(err)));
	c.dir = DIPC_ETH_FAULT_RX;
	c.loss_ppm = DIPC_ETH_FAULT_PPM_MAX + 1;
	assert_null(dipc_eth_fault_attach(port_b, 1, 1, &c, err, sizeof(err)));
	dipc_eth_fault_detach(NULL);
}

static void
test_all_lost(void **state)
{
	static struct run r;

	(void)state;
	run("loss=100%,dir=rx", &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.fillers, 0);
	assert_int_equal(r.rx.frames, FRAMES);
	assert_int_equal(r.rx.dropped, FRAMES);
	/* On transmit, each frame's place goes to a filler. */
	run("loss=100%,dir=tx", &r);
	assert_int_equal(r.n, 0);
	assert_int_equal(r.fillers, FRAMES);
	assert_int_equal(r.tx.dropped, FRAMES);
	assert_int_equal(r.tx.fillers, FRAMES);
}

static void
test_no_fault_in_order(void **state)
{
	static struct run r;
	const char *const specs[] = { "loss=0,seed=3,dir=rx", "loss=0%,dup=0,dir=tx",
				      "reorder=0%,dir=both" };
	unsigned int i, k;

	(void)state;
	for (k = 0; k < RTE_DIM(specs); k++) {
		run(specs[k], &r);
		assert_int_equal(r.n, FRAMES);
		for (i = 0; i < FRAMES; i++)
			assert_int_equal(r.seq[i], i);
		assert_int_equal(r.fillers, 0);
		assert_int_equal(r.rx.dropped + r.rx.duplicated + r.rx.reordered, 0);
		assert_int_equal(r.tx.dropped + r.tx.duplicated + r.tx.reordered, 0);
	}
}

static void
test_all_twice(void **state)
{
	static struct run r;
	const char *const specs[] = { "dup=100%,dir=rx", "dup=100%,dir=tx" };
	unsigned int i, k;

	(void)state;
	for (k = 0; k < RTE_DIM(specs); k++) {
		run(specs[k], &r);
		assert_int_equal(r.n, 2 * FRAMES);
		for (i = 0; i < FRAMES; i++)
			if (count_of(&r, i) != 2)
				fail_msg("%s: frame %u came %u times", specs[k], i, count_of(&r, i));
		assert_int_equal(r.rx.duplicated + r.tx.duplicated, FRAMES);
		assert_int_equal(r.fillers, 0);
	}
}

static void
test_reorder_loses_nothing(void **state)
{
	static struct run r;
	const char *const specs[] = { "reorder=10%,seed=5,dir=rx", "reorder=10%,seed=5,dir=tx" };
	unsigned int i, k;

	(void)state;
	for (k = 0; k < RTE_DIM(specs); k++) {
		run(specs[k], &r);
		for (i = 0; i < FRAMES; i++)
			if (count_of(&r, i) != 1)
				fail_msg("%s: frame %u came %u times", specs[k], i, count_of(&r, i));
		assert_false(in_order(&r));
		assert_true(r.rx.reordered + r.tx.reordered > FRAMES / 20);
		assert_true(r.rx.reordered + r.tx.reordered < FRAMES / 5);
		assert_int_equal(r.n, FRAMES);
		/* Transmit: a frame held gives its place to a waiting one, or
		 * to a filler. */
		assert_int_equal(r.fillers, r.tx.fillers);
	}
}

static void
test_same_seed_same_decisions(void **state)
{
	static struct run a, b, c;
	const char *const dirs[] = { "rx", "tx" };
	char s1[128], s2[128];
	unsigned int k;

	(void)state;
	for (k = 0; k < RTE_DIM(dirs); k++) {
		snprintf(s1, sizeof(s1), "loss=20%%,dup=20%%,reorder=20%%,seed=7,dir=%s", dirs[k]);
		snprintf(s2, sizeof(s2), "loss=20%%,dup=20%%,reorder=20%%,seed=8,dir=%s", dirs[k]);
		run(s1, &a);
		run(s1, &b);
		run(s2, &c);
		assert_int_equal(a.n, b.n);
		assert_memory_equal(a.seq, b.seq, a.n * sizeof(a.seq[0]));
		assert_memory_equal(&a.rx, &b.rx, sizeof(a.rx));
		assert_memory_equal(&a.tx, &b.tx, sizeof(a.tx));
		assert_true(a.n != c.n || memcmp(a.seq, c.seq, a.n * sizeof(a.seq[0])) != 0);
	}
}

/* Frames still held at detach are freed with it: every mbuf back. */
static void
test_detach_frees_held(void **state)
{
	static struct run r;
	struct dipc_eth_fault_conf conf;
	struct dipc_eth_fault_stats st;
	struct dipc_eth_fault *f;
	struct rte_mbuf *pkts[8], *in[32];
	char err[256];
	unsigned int k, n;

	(void)state;
	/* Receive: every frame held; one call holds them all. */
	assert_int_equal(dipc_eth_fault_parse("reorder=100%,dir=rx", &conf, err, sizeof(err)), 0);
	f = dipc_eth_fault_attach(port_b, 1, 1, &conf, err, sizeof(err));
	assert_non_null(f);
	for (k = 0; k < RTE_DIM(pkts); k++)
		pkts[k] = frame(k);
	assert_int_equal(rte_eth_tx_burst(port_a, 0, pkts, RTE_DIM(pkts)), RTE_DIM(pkts));
	assert_int_equal(rte_eth_rx_burst(port_b, 0, in, RTE_DIM(in)), 0);
	dipc_eth_fault_stats(f, &st, NULL);
	assert_int_equal(st.held, RTE_DIM(pkts));
	dipc_eth_fault_detach(f);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
	/* Transmit: each frame held gives its place to the one held before
	 * it (the first to a filler); the last is still held at detach. */
	assert_int_equal(dipc_eth_fault_parse("reorder=100%,dir=tx", &conf, err, sizeof(err)), 0);
	f = dipc_eth_fault_attach(port_a, 1, 1, &conf, err, sizeof(err));
	assert_non_null(f);
	for (k = 0; k < RTE_DIM(pkts); k++)
		pkts[k] = frame(k);
	assert_int_equal(rte_eth_tx_burst(port_a, 0, pkts, RTE_DIM(pkts)), RTE_DIM(pkts));
	dipc_eth_fault_stats(f, NULL, &st);
	assert_int_equal(st.held, 1);
	assert_int_equal(st.fillers, 1);
	memset(&r, 0, sizeof(r));
	drain(&r, 2);
	assert_int_equal(r.fillers, 1);
	assert_int_equal(r.n, RTE_DIM(pkts) - 1);
	for (n = 0; n < r.n; n++)
		assert_int_equal(r.seq[n], n);
	dipc_eth_fault_detach(f);
	assert_int_equal(rte_mempool_avail_count(pool), POOL_MBUFS);
}

/* All three at once, both sides: what arrived is what was sent, less
 * what was counted dropped, plus what was counted copied. */
static void
test_mix_accounted(void **state)
{
	static struct run r;
	uint64_t dropped, dup;

	(void)state;
	run("loss=5%,dup=5%,reorder=5%,seed=11,dir=both", &r);
	dropped = r.rx.dropped + r.tx.dropped;
	dup = r.rx.duplicated + r.tx.duplicated;
	assert_true(dropped > 0 && dup > 0 && r.rx.reordered > 0 && r.tx.reordered > 0);
	/* B received what A sent (fillers too), and passed on what it did
	 * not drop, with its copies. */
	assert_int_equal(r.rx.frames, FRAMES - r.tx.dropped + dup - r.rx.duplicated + r.tx.fillers);
	assert_int_equal(r.n + r.fillers, r.rx.frames - r.rx.dropped + r.rx.duplicated);
	assert_true(dropped < FRAMES / 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_attach_refused),
		cmocka_unit_test(test_all_lost),
		cmocka_unit_test(test_no_fault_in_order),
		cmocka_unit_test(test_all_twice),
		cmocka_unit_test(test_reorder_loses_nothing),
		cmocka_unit_test(test_same_seed_same_decisions),
		cmocka_unit_test(test_mix_accounted),
		cmocka_unit_test(test_detach_frees_held),
	};

	return cmocka_run_group_tests_name("eth-fault", tests, group_setup, group_teardown);
}
