/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Fault injection on an ethdev port (dipc_eth_fault.h says what and why):
 * RX and TX callbacks with a state per queue, touched only by the lcore
 * that polls that queue.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dipc_eth_fault.h"

/* Mbufs of the module's own pool (transmit copies and fillers). */
#define FAULT_POOL_MBUFS 2047
/* A filler frame: Ethernet's shortest. */
#define FAULT_FILLER_LEN 60
#define FAULT_FILLER_TYPE 0x88B5

/* A frame waiting in a queue's state: held back, or a copy. */
struct fault_held {
	struct rte_mbuf *m;
	uint32_t age;   /* receive calls since it was held */
};

/* One queue's state: only the lcore polling the queue touches it. */
struct fault_q {
	struct dipc_eth_fault *f;
	const struct rte_eth_rxtx_callback *cb;
	uint64_t rng;
	uint16_t queue;
	unsigned int nb_held;
	struct fault_held held[DIPC_ETH_FAULT_HOLD_MAX];
	struct dipc_eth_fault_stats st;  /* written by that lcore alone */
} __rte_cache_aligned;

struct dipc_eth_fault {
	uint16_t port;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	struct dipc_eth_fault_conf conf;
	struct rte_ether_addr mac;
	struct rte_mempool *pool;  /* transmit copies and fillers; NULL without dir tx */
	struct fault_q *rxq;       /* [nb_rxq] */
	struct fault_q *txq;       /* [nb_txq] */
};

static void
say(char *err, size_t errlen, const char *fmt, ...) __rte_format_printf(3, 4);

static void
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* splitmix64: the seed's expansion, and each queue's generator. Its own,
 * so that a seed gives the same decisions on every run (rte_rand() is
 * seeded per process). */
static inline uint64_t
fault_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* One decision at @ppm per million: a draw whatever the rate, so that a
 * frame's decisions do not depend on the other rates. */
static inline int
fault_roll(struct fault_q *q, uint32_t ppm)
{
	uint64_t r = fault_next(&q->rng);

	return (uint32_t)(((r >> 32) * DIPC_ETH_FAULT_PPM_MAX) >> 32) < ppm;
}

static inline void
st_add(uint64_t *c, uint64_t n)
{
	__atomic_store_n(c, *c + n, __ATOMIC_RELAXED);
}

/* A rate: digits, at most four decimals, '%' (optional for 0 alone), at
 * most 100%: in parts per million. */
static int
parse_rate(const char *v, size_t len, uint32_t *ppm)
{
	uint64_t whole = 0, frac = 0;
	size_t i = 0, nd = 0, nf = 0;

	while (i < len && v[i] >= '0' && v[i] <= '9' && nd < 4) {
		whole = whole * 10 + (uint64_t)(v[i] - '0');
		i++;
		nd++;
	}
	if (nd == 0)
		return -EINVAL;
	if (i < len && v[i] == '.') {
		i++;
		while (i < len && v[i] >= '0' && v[i] <= '9' && nf < 4) {
			frac = frac * 10 + (uint64_t)(v[i] - '0');
			i++;
			nf++;
		}
		if (nf == 0)
			return -EINVAL;
	}
	while (nf < 4) {
		frac *= 10;
		nf++;
	}
	if (i < len && v[i] == '%') {
		i++;
	} else if (whole != 0 || frac != 0) {
		return -EINVAL;  /* "1" or "0.5": a fraction or a percentage? */
	}
	if (i != len)
		return -EINVAL;
	/* Percent with four decimals: ppm = whole * 10^4 + frac. */
	if (whole > 100 || (whole == 100 && frac != 0))
		return -EINVAL;
	*ppm = (uint32_t)(whole * 10000 + frac);
	return 0;
}

static int
parse_u64(const char *v, size_t len, uint64_t *out)
{
	char buf[32], *end;
	unsigned long long x;

	if (len == 0 || len >= sizeof(buf) || v[0] == '-' || v[0] == '+' || v[0] == ' ')
		return -EINVAL;
	memcpy(buf, v, len);
	buf[len] = '\0';
	errno = 0;
	x = strtoull(buf, &end, 0);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*out = x;
	return 0;
}

int
dipc_eth_fault_parse(const char *spec, struct dipc_eth_fault_conf *conf, char *err,
		     size_t errlen)
{
	struct dipc_eth_fault_conf c = { .dir = DIPC_ETH_FAULT_RX | DIPC_ETH_FAULT_TX, .seed = 1 };
	unsigned int seen = 0;
	const char *p = spec;

	if (spec == NULL || *spec == '\0' || conf == NULL) {
		say(err, errlen, "empty fault spec (e.g. loss=1%%,dup=0.5%%,seed=42,dir=both)");
		return -EINVAL;
	}
	for (;;) {
		const char *end = strchr(p, ','), *eq;
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p), klen, vlen;
		const char *v;
		unsigned int bit;
		int ret = 0;

		eq = memchr(p, '=', len);
		if (len == 0 || eq == NULL || eq == p) {
			say(err, errlen, "fault spec: '%.*s' is not key=value", (int)len, p);
			return -EINVAL;
		}
		klen = (size_t)(eq - p);
		v = eq + 1;
		vlen = len - klen - 1;
#define KEY(k) (klen == sizeof(k) - 1 && memcmp(p, k, klen) == 0)
		if (KEY("loss")) {
			bit = 1;
			ret = parse_rate(v, vlen, &c.loss_ppm);
		} else if (KEY("dup")) {
			bit = 2;
			ret = parse_rate(v, vlen, &c.dup_ppm);
		} else if (KEY("reorder")) {
			bit = 4;
			ret = parse_rate(v, vlen, &c.reorder_ppm);
		} else if (KEY("seed")) {
			bit = 8;
			ret = parse_u64(v, vlen, &c.seed);
		} else if (KEY("dir")) {
			bit = 16;
			if (vlen == 2 && memcmp(v, "rx", 2) == 0)
				c.dir = DIPC_ETH_FAULT_RX;
			else if (vlen == 2 && memcmp(v, "tx", 2) == 0)
				c.dir = DIPC_ETH_FAULT_TX;
			else if (vlen == 4 && memcmp(v, "both", 4) == 0)
				c.dir = DIPC_ETH_FAULT_RX | DIPC_ETH_FAULT_TX;
			else
				ret = -EINVAL;
		} else {
			say(err, errlen, "fault spec: unknown key '%.*s' (loss, dup, reorder, seed, "
				"dir)", (int)klen, p);
			return -EINVAL;
		}
#undef KEY
		if (seen & bit) {
			say(err, errlen, "fault spec: '%.*s' given twice", (int)klen, p);
			return -EINVAL;
		}
		seen |= bit;
		if (ret != 0) {
			say(err, errlen, "fault spec: bad value '%.*s' for %.*s (%s)", (int)vlen, v,
			    (int)klen, p,
			    bit == 8 ? "a 64-bit number" :
			    bit == 16 ? "rx, tx or both" :
					"a percentage 0..100%% with at most 4 decimals, e.g. 0.5%%");
			return -EINVAL;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	*conf = c;
	return 0;
}

static void
fmt_rate(char *b, size_t len, uint32_t ppm)
{
	uint32_t whole = ppm / 10000, frac = ppm % 10000;
	int n;

	if (frac == 0) {
		snprintf(b, len, "%u%%", whole);
		return;
	}
	n = snprintf(b, len, "%u.%04u", whole, frac);
	/* No trailing zeros: 0.5%, not 0.5000%. */
	while (n > 0 && (size_t)n < len && b[n - 1] == '0')
		b[--n] = '\0';
	if ((size_t)n + 1 < len) {
		b[n] = '%';
		b[n + 1] = '\0';
	}
}

char *
dipc_eth_fault_describe(const struct dipc_eth_fault_conf *conf, char *buf, size_t len)
{
	char l[16], d[16], r[16];

	fmt_rate(l, sizeof(l), conf->loss_ppm);
	fmt_rate(d, sizeof(d), conf->dup_ppm);
	fmt_rate(r, sizeof(r), conf->reorder_ppm);
	snprintf(buf, len, "loss %s, dup %s, reorder %s, seed %" PRIu64 ", %s", l, d, r,
		 conf->seed,
		 conf->dir == DIPC_ETH_FAULT_RX ? "rx" :
		 conf->dir == DIPC_ETH_FAULT_TX ? "tx" : "rx and tx");
	return buf;
}

/*
 * Receive: drop, hold back, copy; then release what earlier calls held
 * (once a frame that came after it is passed on, or after
 * DIPC_ETH_FAULT_HOLD_CALLS calls), within the caller's @max.
 */
static uint16_t
fault_rx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb, uint16_t max,
	 void *arg)
{
	struct fault_q *q = arg;
	const struct dipc_eth_fault_conf *c = &q->f->conf;
	struct rte_mbuf *copies[DIPC_ETH_FAULT_HOLD_MAX];
	unsigned int i, w = 0, old = q->nb_held, nb_copies = 0, k, kept;
	uint64_t dropped = 0, reordered = 0, dup = 0, no_room = 0, released = 0;

	RTE_SET_USED(port);
	RTE_SET_USED(queue);
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i];
		int loss = fault_roll(q, c->loss_ppm), hold = fault_roll(q, c->reorder_ppm);
		int copy = fault_roll(q, c->dup_ppm);

		if (loss) {
			rte_pktmbuf_free(m);
			dropped++;
			continue;
		}
		if (hold) {
			if (q->nb_held < DIPC_ETH_FAULT_HOLD_MAX) {
				q->held[q->nb_held].m = m;
				q->held[q->nb_held].age = 0;
				q->nb_held++;
				reordered++;
				continue;
			}
			no_room++;
		}
		pkts[w++] = m;
		if (copy) {
			/* From the frame's own pool: the receiver's mbufs only. */
			struct rte_mbuf *d = nb_copies < RTE_DIM(copies) ?
				rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX) : NULL;

			if (d != NULL) {
				copies[nb_copies++] = d;
				dup++;
			} else {
				no_room++;
			}
		}
	}
	/* The copies after the burst's frames. */
	for (k = 0; k < nb_copies; k++) {
		if (w < max)
			pkts[w++] = copies[k];
		else if (q->nb_held < DIPC_ETH_FAULT_HOLD_MAX)
			q->held[q->nb_held++] = (struct fault_held){ .m = copies[k], .age = 0 };
		else
			rte_pktmbuf_free(copies[k]);
	}
	/* What earlier calls held: after the frames that overtook it. */
	for (k = 0, kept = 0; k < q->nb_held; k++) {
		struct fault_held *h = &q->held[k];

		if (k < old && w < max && (w > 0 || h->age >= DIPC_ETH_FAULT_HOLD_CALLS)) {
			pkts[w++] = h->m;
			released++;
			continue;
		}
		if (k < old)
			h->age++;
		q->held[kept++] = *h;
	}
	q->nb_held = kept;
	st_add(&q->st.frames, nb);
	if (dropped | reordered | dup | no_room | released) {
		st_add(&q->st.dropped, dropped);
		st_add(&q->st.reordered, reordered);
		st_add(&q->st.duplicated, dup);
		st_add(&q->st.no_room, no_room);
		st_add(&q->st.released, released);
	}
	__atomic_store_n(&q->st.held, q->nb_held, __ATOMIC_RELAXED);
	return (uint16_t)w;
}

/* A filler for a transmit burst: 60 bytes that go nowhere a dipc peer
 * takes (dipc_eth_fault.h). */
static struct rte_mbuf *
filler(const struct dipc_eth_fault *f)
{
	static const struct rte_ether_addr dst = {
		.addr_bytes = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e }
	};
	static const char note[] = "dipc fault: frame dropped";
	struct rte_mbuf *m = rte_pktmbuf_alloc(f->pool);
	struct rte_ether_hdr *eh;
	char *p;

	if (m == NULL)
		return NULL;
	p = rte_pktmbuf_append(m, FAULT_FILLER_LEN);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, FAULT_FILLER_LEN);
	eh = (struct rte_ether_hdr *)p;
	eh->dst_addr = dst;
	eh->src_addr = f->mac;
	eh->ether_type = rte_cpu_to_be_16(FAULT_FILLER_TYPE);
	/* The note with its NUL, zeros after it. */
	memcpy(p + sizeof(*eh), note, sizeof(note));
	return m;
}

/* A frame to take the place of one taken out of a transmit burst: one
 * waiting (the oldest), or a filler. */
static struct rte_mbuf *
tx_stand_in(struct fault_q *q, uint64_t *released, uint64_t *fillers)
{
	struct rte_mbuf *m;

	if (q->nb_held != 0) {
		m = q->held[0].m;
		q->nb_held--;
		memmove(&q->held[0], &q->held[1], q->nb_held * sizeof(q->held[0]));
		(*released)++;
		return m;
	}
	m = filler(q->f);
	if (m != NULL)
		(*fillers)++;
	return m;
}

/*
 * Transmit: what earlier calls left waiting goes first, through the
 * driver itself; then each frame of the burst may be dropped or held back
 * (its place taken by a stand-in, so that the burst keeps its count), and
 * one passed on may be copied, the copy waiting for the next call.
 */
static uint16_t
fault_tx(uint16_t port, uint16_t queue, struct rte_mbuf **pkts, uint16_t nb, void *arg)
{
	struct fault_q *q = arg;
	struct dipc_eth_fault *f = q->f;
	const struct dipc_eth_fault_conf *c = &f->conf;
	uint64_t dropped = 0, reordered = 0, dup = 0, no_room = 0, released = 0, fillers = 0;
	unsigned int i;

	if (q->nb_held != 0) {
		const struct rte_eth_fp_ops *fp = &rte_eth_fp_ops[port];
		struct rte_mbuf *out[DIPC_ETH_FAULT_HOLD_MAX];
		unsigned int n = q->nb_held, sent;

		for (i = 0; i < n; i++)
			out[i] = q->held[i].m;
		sent = fp->tx_pkt_burst(fp->txq.data[queue], out, (uint16_t)n);
		q->nb_held = n - sent;
		memmove(&q->held[0], &q->held[sent], q->nb_held * sizeof(q->held[0]));
		released += sent;
	}
	for (i = 0; i < nb; i++) {
		struct rte_mbuf *m = pkts[i], *s;
		int loss = fault_roll(q, c->loss_ppm), hold = fault_roll(q, c->reorder_ppm);
		int copy = fault_roll(q, c->dup_ppm);

		if (loss || (hold && q->nb_held < DIPC_ETH_FAULT_HOLD_MAX)) {
			s = tx_stand_in(q, &released, &fillers);
			if (s == NULL) {
				no_room++;
			} else {
				pkts[i] = s;
				if (loss) {
					rte_pktmbuf_free(m);
					dropped++;
				} else {
					q->held[q->nb_held].m = m;
					q->held[q->nb_held].age = 0;
					q->nb_held++;
					reordered++;
				}
				continue;
			}
		} else if (hold) {
			no_room++;
		}
		if (copy) {
			struct rte_mbuf *d = q->nb_held < DIPC_ETH_FAULT_HOLD_MAX ?
				rte_pktmbuf_copy(m, f->pool, 0, UINT32_MAX) : NULL;

			if (d != NULL) {
				q->held[q->nb_held].m = d;
				q->held[q->nb_held].age = 0;
				q->nb_held++;
				dup++;
			} else {
				no_room++;
			}
		}
	}
	st_add(&q->st.frames, nb);
	if (dropped | reordered | dup | no_room | released | fillers) {
		st_add(&q->st.dropped, dropped);
		st_add(&q->st.reordered, reordered);
		st_add(&q->st.duplicated, dup);
		st_add(&q->st.no_room, no_room);
		st_add(&q->st.released, released);
		st_add(&q->st.fillers, fillers);
	}
	__atomic_store_n(&q->st.held, q->nb_held, __ATOMIC_RELAXED);
	return nb;
}

static void
queues_free(struct fault_q *qs, unsigned int n)
{
	unsigned int i, k;

	if (qs == NULL)
		return;
	for (i = 0; i < n; i++)
		for (k = 0; k < qs[i].nb_held; k++)
			rte_pktmbuf_free(qs[i].held[k].m);
	rte_free(qs);
}

void
dipc_eth_fault_detach(struct dipc_eth_fault *f)
{
	unsigned int i;

	if (f == NULL)
		return;
	/* The caller says no lcore is in a burst of these queues: the
	 * callbacks' memory may go at once (rte_eth_remove_rx_callback()). */
	for (i = 0; f->rxq != NULL && i < f->nb_rxq; i++)
		if (f->rxq[i].cb != NULL &&
		    rte_eth_remove_rx_callback(f->port, (uint16_t)i, f->rxq[i].cb) == 0)
			rte_free((void *)(uintptr_t)f->rxq[i].cb);
	for (i = 0; f->txq != NULL && i < f->nb_txq; i++)
		if (f->txq[i].cb != NULL &&
		    rte_eth_remove_tx_callback(f->port, (uint16_t)i, f->txq[i].cb) == 0)
			rte_free((void *)(uintptr_t)f->txq[i].cb);
	queues_free(f->rxq, f->nb_rxq);
	queues_free(f->txq, f->nb_txq);
	/* Frames of its pool still out (a driver's queue; a net_ring peer
	 * holds what it received) keep the pool: freed only when whole. */
	if (f->pool != NULL && rte_mempool_full(f->pool))
		rte_mempool_free(f->pool);
	rte_free(f);
}

static struct fault_q *
queues_new(struct dipc_eth_fault *f, unsigned int n, uint64_t side)
{
	struct fault_q *qs;
	unsigned int i;

	if (n == 0)
		return NULL;
	qs = rte_zmalloc("dipc_eth_fault_q", n * sizeof(*qs), RTE_CACHE_LINE_SIZE);
	if (qs == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		/* Each queue its own stream of the seed. */
		uint64_t s = f->conf.seed ^ (side << 56) ^ ((uint64_t)i << 40);

		qs[i].f = f;
		qs[i].queue = (uint16_t)i;
		qs[i].rng = fault_next(&s);
	}
	return qs;
}

struct dipc_eth_fault *
dipc_eth_fault_attach(uint16_t port, uint16_t nb_rxq, uint16_t nb_txq,
		      const struct dipc_eth_fault_conf *conf, char *err, size_t errlen)
{
	static uint32_t instances;
	struct rte_eth_dev_info di;
	struct dipc_eth_fault *f;
	char name[RTE_MEMPOOL_NAMESIZE];
	uint16_t mtu = RTE_ETHER_MTU;
	unsigned int i, room;

	if (conf == NULL || (conf->dir & ~(uint32_t)(DIPC_ETH_FAULT_RX | DIPC_ETH_FAULT_TX)) ||
	    conf->dir == 0 || conf->loss_ppm > DIPC_ETH_FAULT_PPM_MAX ||
	    conf->dup_ppm > DIPC_ETH_FAULT_PPM_MAX ||
	    conf->reorder_ppm > DIPC_ETH_FAULT_PPM_MAX || !rte_eth_dev_is_valid_port(port) ||
	    rte_eth_dev_info_get(port, &di) != 0) {
		say(err, errlen, "faults: bad port %u or conf", port);
		rte_errno = EINVAL;
		return NULL;
	}
	if (!(conf->dir & DIPC_ETH_FAULT_RX))
		nb_rxq = 0;
	if (!(conf->dir & DIPC_ETH_FAULT_TX))
		nb_txq = 0;
	if (nb_rxq > di.nb_rx_queues || nb_txq > di.nb_tx_queues) {
		say(err, errlen, "faults: port %u has %u RX and %u TX queues, not %u and %u", port,
		    di.nb_rx_queues, di.nb_tx_queues, nb_rxq, nb_txq);
		rte_errno = EINVAL;
		return NULL;
	}
	f = rte_zmalloc("dipc_eth_fault", sizeof(*f), RTE_CACHE_LINE_SIZE);
	if (f == NULL)
		goto nomem;
	f->port = port;
	f->conf = *conf;
	f->nb_rxq = nb_rxq;
	f->nb_txq = nb_txq;
	if (rte_eth_macaddr_get(port, &f->mac) != 0)
		memset(&f->mac, 0, sizeof(f->mac));
	f->rxq = queues_new(f, nb_rxq, 1);
	f->txq = queues_new(f, nb_txq, 2);
	if ((nb_rxq != 0 && f->rxq == NULL) || (nb_txq != 0 && f->txq == NULL))
		goto nomem;
	if (nb_txq != 0) {
		/* Copies of whole frames in one segment, and fillers. */
		if (rte_eth_dev_get_mtu(port, &mtu) != 0)
			mtu = RTE_ETHER_MTU;
		room = RTE_ALIGN_CEIL((unsigned int)(RTE_PKTMBUF_HEADROOM + mtu + RTE_ETHER_HDR_LEN),
				      64u);
		if (room < (unsigned int)RTE_MBUF_DEFAULT_BUF_SIZE)
			room = RTE_MBUF_DEFAULT_BUF_SIZE;
		snprintf(name, sizeof(name), "dipc_flt%u_%u", port,
			 __atomic_fetch_add(&instances, 1, __ATOMIC_RELAXED));
		f->pool = rte_pktmbuf_pool_create(name, FAULT_POOL_MBUFS, 0, 0, (uint16_t)room,
						  SOCKET_ID_ANY);
		if (f->pool == NULL)
			goto nomem;
	}
	for (i = 0; i < nb_rxq; i++) {
		f->rxq[i].cb = rte_eth_add_rx_callback(port, (uint16_t)i, fault_rx, &f->rxq[i]);
		if (f->rxq[i].cb == NULL)
			goto nocb;
	}
	for (i = 0; i < nb_txq; i++) {
		f->txq[i].cb = rte_eth_add_tx_callback(port, (uint16_t)i, fault_tx, &f->txq[i]);
		if (f->txq[i].cb == NULL)
			goto nocb;
	}
	return f;
nocb:
	{
		int e = rte_errno;

		say(err, errlen, "faults: port %u: no callback: %s", port,
		    e == ENOTSUP ? "DPDK built without RTE_ETHDEV_RXTX_CALLBACKS" : rte_strerror(e));
		dipc_eth_fault_detach(f);
		rte_errno = e;
		return NULL;
	}
nomem:
	say(err, errlen, "faults: port %u: no memory", port);
	dipc_eth_fault_detach(f);
	rte_errno = ENOMEM;
	return NULL;
}

static void
sum(const struct fault_q *qs, unsigned int n, struct dipc_eth_fault_stats *o)
{
	unsigned int i;

	memset(o, 0, sizeof(*o));
	for (i = 0; i < n; i++) {
		const struct dipc_eth_fault_stats *s = &qs[i].st;

		o->frames += __atomic_load_n(&s->frames, __ATOMIC_RELAXED);
		o->dropped += __atomic_load_n(&s->dropped, __ATOMIC_RELAXED);
		o->duplicated += __atomic_load_n(&s->duplicated, __ATOMIC_RELAXED);
		o->reordered += __atomic_load_n(&s->reordered, __ATOMIC_RELAXED);
		o->released += __atomic_load_n(&s->released, __ATOMIC_RELAXED);
		o->fillers += __atomic_load_n(&s->fillers, __ATOMIC_RELAXED);
		o->no_room += __atomic_load_n(&s->no_room, __ATOMIC_RELAXED);
		o->held += __atomic_load_n(&s->held, __ATOMIC_RELAXED);
	}
}

void
dipc_eth_fault_stats(const struct dipc_eth_fault *f, struct dipc_eth_fault_stats *rx,
		     struct dipc_eth_fault_stats *tx)
{
	if (rx != NULL)
		sum(f->rxq, f->nb_rxq, rx);
	if (tx != NULL)
		sum(f->txq, f->nb_txq, tx);
}
