/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the eth transport's frame layer (drivers/eth/
 * dipc_eth_frame.h) on what a NIC could hand the server: frames of any
 * bytes and length through dipc_eth_frame_rx() (parse, strip, reassembly),
 * with the table's expiry and flushes in between, and messages of any
 * length and segmentation sent through dipc_eth_frame_build() and back.
 * EAL runs once, on ordinary memory (--no-huge --no-shconf), for real
 * mempools. A received frame's bytes are, by default, in a heap buffer of
 * exactly its length attached to the mbuf as an external buffer, so that
 * ASan reports any read past the frame.
 *
 * Input: 1 configuration byte, then records until the input ends.
 *   c[0] bits 0-1  MTU: 90 (the smallest), 200, 1500, 9000
 *        bit 2     destination MAC configured (else any)
 *        bit 3     destination IP configured (else any)
 *        bits 4-5  max_msg_len: the MTU's largest, 24, 1000, half the largest
 *        bits 6-7  reassembly table: 2 or 8 entries, 64 or 96 mbufs held;
 *                  partial messages expire after TIMEOUT (16) ticks
 * A record is an op byte, then its arguments:
 *   op & 3 == 0  a raw frame: 2-byte length L, a byte x, L bytes (fewer
 *                if the input ends); op bit 2 makes its lengths (IP, UDP,
 *                frag_len) those of a frame of L - (x >> 6) bytes, bit 3
 *                its IP checksum right, bit 4 its ethertype, IP version
 *                and protocol, UDP port, magic and version those of a
 *                dipc frame; bits 5-7 the receive (scattering, mbuf kind,
 *                checksum flags: rx_frame(), with x)
 *   op & 3 == 1  a well-formed frame from 12 bytes of fields: connection
 *                (4 of them, 2 generations), message (8), type (DATA or
 *                any byte), 3-byte msg_len, 3-byte frag_off, 2-byte
 *                frag_len, a flags byte (frag_len past the MTU, frag_off
 *                near 2^32, frag_len past 1 KB); its payload a function of (connection,
 *                generation, message, offset), so that every message it
 *                completes is checked byte for byte; op bit 2 a UDP
 *                checksum, bits 5-7 the receive, one more byte
 *   op & 3 == 2  time passes (op >> 2 ticks: 0..63) and dipc_eth_reasm_expire()
 *   op & 3 == 3  op bit 2 clear: flush one connection (op >> 3);
 *                set: a message round trip: 2-byte length (at most
 *                RT_MAX), 1 byte of segment size, flags (UDP checksum,
 *                order reversed, the receive)
 * Properties (abort() when broken):
 *   - every accepted frame's fields are within the limits: a known type,
 *     DATA msg_len in [24, max_msg_len], other types whole and at most
 *     DIPC_ETH_CTRL_MAX_LEN, frag_off + frag_len <= msg_len, frag_len at
 *     most the MTU's payload, the configured port, MAC and IP;
 *   - a well-formed frame gets exactly the verdict of an independent
 *     model of the documented checks; every frame the parse accepts gets
 *     the verdict of an independent model of the reassembly table (linear
 *     arrays: entries, fragments in offset order, held mbufs, the oldest
 *     expired to make room), which also says which frame completes a
 *     message, what expiry and flushes free, and how many partials and
 *     mbufs the table holds after every step;
 *   - every message that comes out has pkt_len == msg_len, segments whose
 *     data_len add up to it (none empty), nb_segs equal to their count and
 *     at most 64,
 *     a DATA head of at least 24 bytes, 8-byte aligned if it could be
 *     moved; a well-formed frames' message has the right bytes; a round
 *     trip gives back the message byte for byte (unless the table had no
 *     room);
 *   - the counters agree with what was fed and returned; the table never
 *     holds more entries or mbufs than its limits;
 *   - after the input, once the table is flushed, every pool is full and
 *     every external buffer freed (no mbuf leaked or freed twice).
 */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "dipc_eth_frame.h"

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz_eth_frame: %s:%d: property broken: %s\n", \
				__FILE__, __LINE__, #cond);                          \
			abort();                                                     \
		}                                                                    \
	} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RX_MBUFS 1024
#define MSG_MBUFS 256
#define HDR_MBUFS 256
#define IND_MBUFS 512
#define RX_ROOM (9014 + 64)
#define PORT 7117
#define LOCAL_IP 0x0a000002u
#define PEER_IP 0x0a000001u
#define MAX_FRAMES 64
#define TIMEOUT 16
/* Largest round-trip message: 64 frames at MTU 200, a few at 1500. */
#define RT_MAX 12288
/* Well-formed frames' connections; round trips'; raw frames never have
 * the top bit of conn_id set, so neither meets them. */
#define WF_CONN 0x80000000u
#define RT_CONN 0xc0000000u

static struct rte_mempool *rx_pool, *msg_pool, *hdr_pool, *ind_pool;
static struct dipc_eth_reasm *tables[4];
static const unsigned int table_entries[4] = { 2, 8, 2, 8 };
static const unsigned int table_held[4] = { 64, 64, 96, 96 };
static const struct rte_ether_addr local_mac = { { 0x02, 0, 0, 0, 0, 0x02 } };
static const struct rte_ether_addr peer_mac = { { 0x02, 0, 0, 0, 0, 0x01 } };
static uint64_t ext_live; /* external buffers not yet freed */
/* The segments of the last frame rx_frame() made. */
static struct {
	unsigned int nb;
	uint32_t len[3];
} shape;
/* Payload bytes: byte i of a pattern is pat[i % PAT_LEN], whatever the
 * offset it starts at (memcpy and memcmp, no byte loop in the fuzzer's
 * instrumented code). */
#define PAT_LEN 65536u
static uint8_t pat[2 * PAT_LEN];

/*
 * An independent model of the reassembly table as dipc_eth_frame.h
 * documents it: linear arrays, no hash. It predicts the verdict of every
 * frame the parse accepted, which ones complete a message, what expiry and
 * flushes free, and how many partials and mbufs the table holds.
 */
struct model_entry {
	int used;
	uint64_t order;  /* creation: the oldest goes first */
	uint64_t born;
	uint32_t conn_id, conn_gen, seq, msg_len, have;
	unsigned int nb_segs, nf;
	uint32_t off[DIPC_ETH_MAX_FRAGS], len[DIPC_ETH_MAX_FRAGS];
};

struct model {
	struct model_entry e[8];
	unsigned int nb, max_held, held, used;
	uint64_t order;
};

/* The state of one input. */
struct run {
	struct model model;
	struct dipc_eth_frame_cfg cfg;
	struct dipc_eth_reasm *r;
	unsigned int table;
	struct dipc_eth_stats st;
	uint64_t now;
	uint64_t fed, accepted, out;
	uint64_t expected_expired;
	uint32_t rt_seq;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char *args[] = { "fuzz_eth_frame", "--no-huge", "--no-shconf", "-m", "192", "--no-pci",
			 "-l", "0", "--no-telemetry", "--log-level=*:error", NULL };
	unsigned int i;
	cpu_set_t cpus;
	int had_cpus;

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	had_cpus = sched_getaffinity(0, sizeof(cpus), &cpus) == 0;
	CHECK(rte_eal_init(RTE_DIM(args) - 1, args) >= 0);
	/* EAL pinned this thread to lcore 0's CPU: the CPUs it had before,
	 * so that libFuzzer's -jobs do not all share CPU 0. */
	if (had_cpus)
		CHECK(sched_setaffinity(0, sizeof(cpus), &cpus) == 0);
	rx_pool = rte_pktmbuf_pool_create("fz_rx", RX_MBUFS, 0, 0, RTE_PKTMBUF_HEADROOM + RX_ROOM,
					  SOCKET_ID_ANY);
	msg_pool = rte_pktmbuf_pool_create("fz_msg", MSG_MBUFS, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					   SOCKET_ID_ANY);
	hdr_pool = rte_pktmbuf_pool_create("fz_hdr", HDR_MBUFS, 0, 0,
					   RTE_PKTMBUF_HEADROOM + DIPC_ETH_HDR_LEN, SOCKET_ID_ANY);
	ind_pool = rte_pktmbuf_pool_create("fz_ind", IND_MBUFS, 0, 0, 0, SOCKET_ID_ANY);
	CHECK(rx_pool != NULL && msg_pool != NULL && hdr_pool != NULL && ind_pool != NULL);
	for (i = 0; i < RTE_DIM(pat); i++)
		pat[i] = (uint8_t)((i * 2654435761u) >> 13);
	for (i = 0; i < RTE_DIM(tables); i++) {
		tables[i] = dipc_eth_reasm_create(table_entries[i], table_held[i], TIMEOUT,
						  SOCKET_ID_ANY);
		CHECK(tables[i] != NULL);
	}
	return 0;
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
get24(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static void
put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* RFC 1071 on big-endian words (independent of DPDK's helpers). */
static uint16_t
inet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static void
ip_csum_fix(uint8_t *b)
{
	put16be(b + 24, 0);
	put16be(b + 24, (uint16_t)~inet_sum(b + 14, 20, 0));
}

static void
udp_csum_fix(uint8_t *b, uint32_t len)
{
	uint8_t ph[12];
	uint16_t ck;

	memcpy(ph, b + 26, 8);
	ph[8] = 0;
	ph[9] = 17;
	put16be(ph + 10, (uint16_t)(len - 34));
	put16be(b + 40, 0);
	ck = (uint16_t)~inet_sum(b + 34, len - 34, inet_sum(ph, 12, 0));
	put16be(b + 40, ck == 0 ? 0xffff : ck);
}

static void
ext_free(void *addr, void *opaque)
{
	free(addr);
	free(opaque);
	ext_live--;
}

/* One segment holding @p len bytes: an exact heap buffer attached as an
 * external buffer, or (@p plain) a pool mbuf's own room at @p data_off. */
static struct rte_mbuf *
seg_new(const uint8_t *b, uint32_t len, int plain, uint16_t data_off)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(rx_pool);

	CHECK(m != NULL);
	if (plain) {
		m->data_off = data_off;
		CHECK(len <= rte_pktmbuf_tailroom(m));
	} else {
		struct rte_mbuf_ext_shared_info *sh = malloc(sizeof(*sh));
		uint8_t *buf = malloc(RTE_PKTMBUF_HEADROOM + len);

		CHECK(sh != NULL && buf != NULL);
		memset(sh, 0, sizeof(*sh));
		sh->free_cb = ext_free;
		sh->fcb_opaque = sh;
		rte_mbuf_ext_refcnt_set(sh, 1);
		rte_pktmbuf_attach_extbuf(m, buf, 0, (uint16_t)(RTE_PKTMBUF_HEADROOM + len), sh);
		m->data_off = RTE_PKTMBUF_HEADROOM;
		ext_live++;
	}
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), b, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	return m;
}

/*
 * A received frame of @p len bytes. @p opt (3 bits) and @p x: bit 0 the
 * frame scattered over two or three segments cut at points from @p x
 * (the first inside the headers or past them); bit 1 plain pool mbufs at
 * a data_off from @p x (else exact external buffers); bit 2 RX checksum
 * flags from @p x (GOOD, BAD, NONE, UNKNOWN for IP and for L4).
 */
static struct rte_mbuf *
rx_frame(const uint8_t *b, uint32_t len, unsigned int opt, uint8_t x)
{
	const int plain = (opt & 2) != 0;
	const uint16_t data_off = (uint16_t)(RTE_PKTMBUF_HEADROOM - 8 + (x & 7));
	static const uint64_t ipf[4] = { RTE_MBUF_F_RX_IP_CKSUM_UNKNOWN, RTE_MBUF_F_RX_IP_CKSUM_GOOD,
					 RTE_MBUF_F_RX_IP_CKSUM_BAD, RTE_MBUF_F_RX_IP_CKSUM_NONE };
	static const uint64_t l4f[4] = { RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN, RTE_MBUF_F_RX_L4_CKSUM_GOOD,
					 RTE_MBUF_F_RX_L4_CKSUM_BAD, RTE_MBUF_F_RX_L4_CKSUM_NONE };
	struct rte_mbuf *m;

	if (!(opt & 1) || len < 2) {
		m = seg_new(b, len, plain, data_off);
		shape.nb = 1;
		shape.len[0] = len;
	} else {
		uint32_t c1 = 1 + (uint32_t)x * 7 % (len - 1);
		uint32_t c2 = c1 + 1 + (uint32_t)x * 13 % 97;
		struct rte_mbuf *s;

		m = seg_new(b, c1, plain, data_off);
		shape.len[0] = c1;
		if (c2 < len) {
			s = seg_new(b + c1, c2 - c1, plain, data_off);
			s->next = seg_new(b + c2, len - c2, plain, data_off);
			m->nb_segs = 3;
			shape.len[1] = c2 - c1;
			shape.len[2] = len - c2;
		} else {
			s = seg_new(b + c1, len - c1, plain, data_off);
			m->nb_segs = 2;
			shape.len[1] = len - c1;
		}
		shape.nb = m->nb_segs;
		m->next = s;
		m->pkt_len = len;
	}
	if (opt & 4)
		m->ol_flags |= ipf[x & 3] | l4f[(x >> 2) & 3];
	return m;
}

/* Where a well-formed frame's payload byte @p off of its message is in
 * pat[]: a function of the message (connection, generation, seq). */
static const uint8_t *
wf_bytes(uint32_t conn, uint32_t gen, uint32_t seq, uint32_t off)
{
	return pat + ((off + conn * 7919u + gen * 104729u + seq * 1299709u) % PAT_LEN);
}

/* @p n bytes at @p p equal @p want, read in pieces of at most PAT_LEN. */
static int
wf_equal(const uint8_t *p, uint32_t n, uint32_t conn, uint32_t gen, uint32_t seq, uint32_t off)
{
	while (n > 0) {
		uint32_t k = RTE_MIN(n, PAT_LEN);

		if (memcmp(p, wf_bytes(conn, gen, seq, off), k) != 0)
			return 0;
		p += k;
		off += k;
		n -= k;
	}
	return 1;
}

/* A whole message that came out: the chain rules, and its bytes when they
 * are known (well-formed frames', a round trip's). */
static void
check_msg(const struct run *run, const struct rte_mbuf *m, const struct dipc_eth_frame_info *fi,
	  const uint8_t *want)
{
	const struct rte_mbuf *s;
	uint32_t sum = 0, n = 0;

	CHECK(m->pkt_len == fi->msg_len);
	CHECK(m->nb_segs >= 1 && m->nb_segs <= DIPC_ETH_MAX_FRAGS);
	for (s = m; s != NULL; s = s->next) {
		CHECK(++n <= DIPC_ETH_MAX_FRAGS);
		/* No segment of only headers is left in the chain. */
		CHECK(s->data_len > 0 || m->pkt_len == 0);
		if (want != NULL)
			CHECK(memcmp(rte_pktmbuf_mtod(s, const uint8_t *), want + sum,
				     s->data_len) == 0);
		else if ((fi->conn_id & 0xc0000000u) == WF_CONN)
			CHECK(wf_equal(rte_pktmbuf_mtod(s, const uint8_t *), s->data_len,
				       fi->conn_id, fi->conn_gen, fi->seq, sum));
		sum += s->data_len;
	}
	CHECK(n == m->nb_segs);
	CHECK(sum == m->pkt_len);
	if (fi->type == DIPC_ETH_T_DATA) {
		CHECK(m->data_len >= DIPC_MSG_HDR_LEN);
		if (RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1)
			CHECK(rte_pktmbuf_mtod(m, uintptr_t) % 8 == 0);
	} else {
		CHECK(m->pkt_len <= DIPC_ETH_CTRL_MAX_LEN);
	}
	RTE_SET_USED(run);
}

/* What an accepted frame's fields may be. */
static void
check_fields(const struct run *run, const struct dipc_eth_frame_info *fi)
{
	const struct dipc_eth_frame_cfg *cfg = &run->cfg;

	CHECK(fi->type >= DIPC_ETH_T_DATA && fi->type < DIPC_ETH_T_MAX);
	if (fi->type == DIPC_ETH_T_DATA) {
		CHECK(fi->msg_len >= DIPC_MSG_HDR_LEN && fi->msg_len <= cfg->max_msg_len);
		CHECK(fi->frag_len > 0);
		if (fi->frag_off == 0)
			CHECK(fi->frag_len >= DIPC_MSG_HDR_LEN);
	} else {
		CHECK(fi->msg_len <= DIPC_ETH_CTRL_MAX_LEN);
		CHECK(fi->frag_off == 0 && fi->frag_len == fi->msg_len);
	}
	CHECK((uint64_t)fi->frag_off + fi->frag_len <= fi->msg_len);
	CHECK(fi->frag_len <= DIPC_ETH_FRAG_MAX(cfg->mtu));
	CHECK(fi->dst_port == cfg->udp_port);
	if (cfg->local_ip != 0)
		CHECK(fi->dst_ip == cfg->local_ip);
	if (!rte_is_zero_ether_addr(&cfg->local_mac))
		CHECK(rte_is_same_ether_addr(&fi->dst_mac, &cfg->local_mac));
	CHECK(!rte_is_multicast_ether_addr(&fi->src_mac));
}

static int
reasm_reason(enum dipc_eth_drop why)
{
	return why == DIPC_ETH_DROP_DUP || why == DIPC_ETH_DROP_OVERLAP ||
	       why == DIPC_ETH_DROP_MSG_LEN || why == DIPC_ETH_DROP_TOO_MANY_SEGS ||
	       why == DIPC_ETH_DROP_TABLE_FULL || why == DIPC_ETH_DROP_HELD_FULL ||
	       why == DIPC_ETH_DROP_HEAD_SHORT;
}

static void shape_strip(unsigned int *segs, uint32_t *first);
static enum dipc_eth_drop model_input(struct run *run, const struct dipc_eth_frame_info *fi,
				      unsigned int segs, uint32_t first, int *done);
static void model_agrees(const struct run *run);

/*
 * Feed one frame; check what comes back. Returns the verdict; *parsed
 * says whether the parse accepted it. A message is checked against
 * @p want (may be NULL) and freed.
 */
static enum dipc_eth_drop
feed(struct run *run, struct rte_mbuf *m, const uint8_t *want, int *parsed, int *completed)
{
	struct dipc_eth_frame_info fi, pfi;
	enum dipc_eth_drop pwhy, why;
	struct rte_mbuf *out = (struct rte_mbuf *)(uintptr_t)1;
	const uint32_t frame_len = m->pkt_len;
	uint64_t drops[DIPC_ETH_DROP_MAX];

	memcpy(drops, run->st.drops, sizeof(drops));
	/* The parse alone first (twice the same fields, below). */
	pwhy = dipc_eth_frame_parse(&run->cfg, m, &pfi);
	why = dipc_eth_frame_rx(&run->cfg, run->r, m, run->now, &fi, &out, &run->st);
	run->fed++;
	/* Exactly the verdict counted, once. */
	CHECK(run->st.frames_in == run->fed);
	CHECK((unsigned int)why < DIPC_ETH_DROP_MAX);
	if (why != DIPC_ETH_OK)
		drops[why]++;
	CHECK(memcmp(drops, run->st.drops, sizeof(drops)) == 0);
	*parsed = pwhy == DIPC_ETH_OK;
	*completed = 0;
	if (pwhy != DIPC_ETH_OK) {
		CHECK(why == pwhy);
	} else {
		unsigned int segs;
		uint32_t first;
		int done;

		/* Exactly the headers and the payload: no byte more. */
		CHECK(frame_len == DIPC_ETH_HDR_LEN + pfi.frag_len);
		shape_strip(&segs, &first);
		CHECK(why == model_input(run, &pfi, segs, first, &done));
		CHECK(done == (out != NULL));
		check_fields(run, &fi);
		/* The same fields both times. */
		CHECK(fi.type == pfi.type && fi.conn_id == pfi.conn_id &&
		      fi.conn_gen == pfi.conn_gen && fi.seq == pfi.seq && fi.ack == pfi.ack &&
		      fi.msg_len == pfi.msg_len && fi.frag_off == pfi.frag_off &&
		      fi.frag_len == pfi.frag_len && fi.credits == pfi.credits &&
		      fi.src_ip == pfi.src_ip && fi.src_port == pfi.src_port);
		CHECK(why == DIPC_ETH_OK || reasm_reason(why));
	}
	if (why != DIPC_ETH_OK) {
		CHECK(out == NULL);
	} else {
		run->accepted++;
		if (out != NULL) {
			run->out++;
			*completed = 1;
			check_msg(run, out, &fi, want);
			rte_pktmbuf_free(out);
		}
	}
	CHECK(run->st.msgs_in == run->out);
	model_agrees(run);
	return why;
}

/* After the 80 bytes of headers are stripped from the last frame: its
 * segments, and the first one's bytes (leading segments of headers only
 * are freed while another follows). */
static void
shape_strip(unsigned int *segs, uint32_t *first)
{
	uint32_t left = DIPC_ETH_HDR_LEN;
	unsigned int i = 0;

	while (shape.len[i] <= left && i + 1 < shape.nb) {
		left -= shape.len[i];
		i++;
	}
	*segs = shape.nb - i;
	*first = shape.len[i] - left;
}

static int
model_expired(const struct run *run, const struct model_entry *e, uint64_t now)
{
	return now >= e->born && now - e->born >= TIMEOUT;
	RTE_SET_USED(run);
}

static void
model_remove(struct model *md, struct model_entry *e)
{
	md->held -= e->nb_segs;
	md->used--;
	e->used = 0;
}

static struct model_entry *
model_oldest(struct model *md)
{
	struct model_entry *o = NULL;
	unsigned int i;

	for (i = 0; i < md->nb; i++)
		if (md->e[i].used && (o == NULL || md->e[i].order < o->order))
			o = &md->e[i];
	return o;
}

static unsigned int
model_expire(struct run *run, uint64_t now)
{
	struct model_entry *o;
	unsigned int n = 0;

	while ((o = model_oldest(&run->model)) != NULL && model_expired(run, o, now)) {
		model_remove(&run->model, o);
		n++;
	}
	return n;
}

static unsigned int
model_flush_conn(struct model *md, uint32_t conn_id, int all)
{
	unsigned int i, n = 0;

	for (i = 0; i < md->nb; i++)
		if (md->e[i].used && (all || md->e[i].conn_id == conn_id)) {
			model_remove(md, &md->e[i]);
			n++;
		}
	return n;
}

/* The verdict of dipc_eth_reasm_input() on an accepted frame of @p segs
 * segments (after the strip, the first of @p first bytes); *done says
 * whether a message comes out. */
static enum dipc_eth_drop
model_input(struct run *run, const struct dipc_eth_frame_info *fi, unsigned int segs,
	    uint32_t first, int *done)
{
	struct model *md = &run->model;
	struct model_entry *e = NULL;
	const uint32_t off = fi->frag_off, len = fi->frag_len;
	unsigned int i, p;

	*done = 0;
	if (off == 0 && fi->type == DIPC_ETH_T_DATA && first < DIPC_MSG_HDR_LEN)
		return DIPC_ETH_DROP_HEAD_SHORT;
	if (segs > DIPC_ETH_MAX_FRAGS)
		return DIPC_ETH_DROP_TOO_MANY_SEGS;
	if (off == 0 && len == fi->msg_len) {
		*done = 1;
		return DIPC_ETH_OK;
	}
	for (i = 0; i < md->nb && e == NULL; i++)
		if (md->e[i].used && md->e[i].conn_id == fi->conn_id &&
		    md->e[i].conn_gen == fi->conn_gen && md->e[i].seq == fi->seq)
			e = &md->e[i];
	if (e == NULL) {
		if (md->held + segs > md->max_held)
			return DIPC_ETH_DROP_HELD_FULL;
		if (md->used == md->nb) {
			struct model_entry *o = model_oldest(md);

			if (!model_expired(run, o, run->now))
				return DIPC_ETH_DROP_TABLE_FULL;
			model_remove(md, o);
			run->expected_expired++;
		}
		for (i = 0; md->e[i].used; i++)
			;
		e = &md->e[i];
		memset(e, 0, sizeof(*e));
		e->used = 1;
		e->order = md->order++;
		e->born = run->now;
		e->conn_id = fi->conn_id;
		e->conn_gen = fi->conn_gen;
		e->seq = fi->seq;
		e->msg_len = fi->msg_len;
		md->used++;
	}
	if (fi->msg_len != e->msg_len)
		return DIPC_ETH_DROP_MSG_LEN;
	for (p = 0; p < e->nf && e->off[p] < off; p++)
		;
	if (p < e->nf && e->off[p] == off && e->len[p] == len)
		return DIPC_ETH_DROP_DUP;
	for (i = 0; i < e->nf; i++) /* any intersection, written plainly */
		if (off < e->off[i] + e->len[i] && e->off[i] < off + len)
			return DIPC_ETH_DROP_OVERLAP;
	if (e->nb_segs + segs > DIPC_ETH_MAX_FRAGS)
		return DIPC_ETH_DROP_TOO_MANY_SEGS;
	if (md->held + segs > md->max_held && e->have + len != e->msg_len)
		return DIPC_ETH_DROP_HELD_FULL;
	memmove(&e->off[p + 1], &e->off[p], sizeof(e->off[0]) * (e->nf - p));
	memmove(&e->len[p + 1], &e->len[p], sizeof(e->len[0]) * (e->nf - p));
	e->off[p] = off;
	e->len[p] = len;
	e->nf++;
	e->nb_segs += segs;
	e->have += len;
	md->held += segs;
	if (e->have == e->msg_len) {
		model_remove(md, e);
		*done = 1;
	}
	return DIPC_ETH_OK;
}

/* The table and the model hold the same. */
static void
model_agrees(const struct run *run)
{
	CHECK(dipc_eth_reasm_partials(run->r) == run->model.used);
	CHECK(dipc_eth_reasm_held(run->r) == run->model.held);
	CHECK(run->st.partials_expired == run->expected_expired);
	CHECK(run->model.used <= table_entries[run->table]);
	CHECK(run->model.held <= table_held[run->table]);
}

/* Make a raw frame look more like a dipc frame, as the op bits say. */
static void
raw_fix(const struct run *run, uint8_t op, uint8_t x, uint8_t *b, uint32_t len)
{
	if ((op & 0x10) && len >= 80) {
		put16be(b + 12, 0x0800);
		b[14] = 0x45;
		b[20] &= 0x40; /* DF at most */
		b[21] = 0;
		b[23] = 17;
		put16be(b + 36, PORT);
		b[42] = 0x44;
		b[43] = 0x46;
		b[44] = 1;
		memcpy(b, run->cfg.local_mac.addr_bytes, 6);
		b[6] &= 0xfe;
		if (run->cfg.local_ip != 0)
			memcpy(b + 30, &run->cfg.local_ip, 4);
	}
	if ((op & 0x04) && len >= 83) {
		/* The lengths of a frame of len - 0..3 bytes: trailing bytes
		 * (Ethernet padding, a kept FCS) are not a dipc frame's. */
		const uint32_t l = len - (x >> 6);

		put16be(b + 16, (uint16_t)(l - 14));
		put16be(b + 38, (uint16_t)(l - 34));
		b[74] = (uint8_t)(l - 80);
		b[75] = (uint8_t)((l - 80) >> 8);
	}
	/* Never a well-formed frame's or a round trip's connection. */
	if (len >= 54)
		b[53] &= 0x7f;
	if ((op & 0x08) && len >= 34)
		ip_csum_fix(b);
}

/* The documented checks on a well-formed frame's fields (Ethernet, IP and
 * UDP being right): the verdict of the parse. */
static enum dipc_eth_drop
wf_model(const struct run *run, uint8_t type, uint32_t msg_len, uint32_t off, uint32_t len)
{
	if (DIPC_ETH_IP_OVERHEAD + len > run->cfg.mtu)
		return DIPC_ETH_DROP_OVERSIZE;
	if (type == 0 || type >= DIPC_ETH_T_MAX)
		return DIPC_ETH_DROP_TYPE;
	if (type == DIPC_ETH_T_DATA && msg_len < 24)
		return DIPC_ETH_DROP_MSG_SHORT;
	if (msg_len > (type == DIPC_ETH_T_DATA ? run->cfg.max_msg_len : 256))
		return DIPC_ETH_DROP_MSG_TOO_BIG;
	if ((uint64_t)off + len > msg_len)
		return DIPC_ETH_DROP_FRAG_RANGE;
	if (type == DIPC_ETH_T_DATA && len == 0)
		return DIPC_ETH_DROP_FRAG_EMPTY;
	if (type == DIPC_ETH_T_DATA && off == 0 && len < 24)
		return DIPC_ETH_DROP_HEAD_SHORT;
	if (type != DIPC_ETH_T_DATA && (off != 0 || len != msg_len))
		return DIPC_ETH_DROP_CTRL_FRAG;
	return DIPC_ETH_OK;
}

/* A well-formed frame from 12 bytes of fields. */
static void
wf_frame(struct run *run, uint8_t op, const uint8_t *a, uint8_t rx_x)
{
	static uint8_t b[80 + 65536];
	const uint32_t conn = WF_CONN | (a[0] & 3), gen = (a[0] >> 2) & 1, seq = a[1] & 7;
	const uint8_t type = a[2] < 192 ? DIPC_ETH_T_DATA : a[2];
	const uint32_t msg_len = get24(a + 3);
	const uint32_t off = get24(a + 6) | ((a[11] & 2) ? 0xff000000u : 0); /* wraps in 32 bits */
	uint32_t len = get16(a + 9), flen;
	enum dipc_eth_drop model, why;
	int parsed, completed;

	/* Mostly frames the MTU allows, of at most 1 KB unless asked (the
	 * bytes cost time, the checks are the same). */
	if (!(a[11] & 1))
		len %= RTE_MIN(DIPC_ETH_FRAG_MAX(run->cfg.mtu), (a[11] & 4) ? 65535u : 1024u) + 1;
	if (len > RX_ROOM - 80)
		len %= RX_ROOM - 80;
	flen = 80 + len;
	memset(b, 0, 80);
	memcpy(b, run->cfg.local_mac.addr_bytes, 6);
	memcpy(b + 6, peer_mac.addr_bytes, 6);
	put16be(b + 12, 0x0800);
	b[14] = 0x45;
	put16be(b + 16, (uint16_t)(flen - 14));
	b[20] = 0x40;
	b[22] = 64;
	b[23] = 17;
	b[26] = 10; /* 10.0.0.1 to 10.0.0.2 */
	b[29] = 1;
	b[30] = 10;
	b[33] = 2;
	put16be(b + 34, 40000);
	put16be(b + 36, PORT);
	put16be(b + 38, (uint16_t)(flen - 34));
	b[42] = 0x44;
	b[43] = 0x46;
	b[44] = 1;
	b[45] = type;
	put32le(b + 50, conn);
	put32le(b + 54, gen);
	put32le(b + 58, seq);
	put32le(b + 66, msg_len);
	put32le(b + 70, off);
	b[74] = (uint8_t)len;
	b[75] = (uint8_t)(len >> 8);
	memcpy(b + 80, wf_bytes(conn, gen, seq, off), len); /* len < PAT_LEN */
	ip_csum_fix(b);
	if (op & 0x04)
		udp_csum_fix(b, flen);
	model = wf_model(run, type, msg_len, off, len);
	/* Receive flags: only "good" or none, so the model holds. */
	why = feed(run, rx_frame(b, flen, (op >> 5) & 3, rx_x), NULL, &parsed, &completed);
	CHECK(parsed == (model == DIPC_ETH_OK));
	if (model != DIPC_ETH_OK)
		CHECK(why == model);
}

/* A message through the builder and back, in order or reversed. */
static void
round_trip(struct run *run, const uint8_t *a)
{
	struct dipc_eth_frame_tmpl t;
	struct rte_mbuf *frames[MAX_FRAMES], *msg = NULL, *last = NULL;
	const uint32_t frag_max = DIPC_ETH_FRAG_MAX(run->cfg.mtu);
	uint32_t len = get16(a) % (RT_MAX + 1), seg = a[2], off = 0;
	const uint8_t *want = pat + run->rt_seq * 7u % PAT_LEN;
	const uint8_t flags = a[3];
	struct dipc_eth_frame_cfg cfg = run->cfg;
	int n, k, blocked = 0, done = 0;

	if (len > cfg.max_msg_len)
		len = cfg.max_msg_len;
	if (len < DIPC_MSG_HDR_LEN)
		len = DIPC_MSG_HDR_LEN;
	/* At most 128 segments: the pools hold them and their slices. */
	seg = seg == 0 ? 2048 : seg * 8;
	seg = RTE_MAX(seg, (len + 127) / 128);
	/* The message in segments of @seg bytes (a whole header first). */
	while (off < len) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(msg_pool);
		uint32_t nlen;

		CHECK(m != NULL);
		nlen = RTE_MIN(len - off, RTE_MIN(seg, (uint32_t)rte_pktmbuf_tailroom(m)));

		if (off == 0 && nlen < DIPC_MSG_HDR_LEN)
			nlen = RTE_MIN(len, (uint32_t)DIPC_MSG_HDR_LEN);
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), want + off, nlen);
		m->data_len = (uint16_t)nlen;
		if (msg == NULL) {
			msg = m;
		} else {
			last->next = m;
			msg->nb_segs++;
		}
		last = m;
		off += nlen;
		msg->pkt_len = off;
	}
	memset(&t, 0, sizeof(t));
	t.src_mac = peer_mac;
	t.dst_mac = run->cfg.local_mac;
	t.src_ip = RTE_BE32(PEER_IP);
	t.dst_ip = run->cfg.local_ip != 0 ? run->cfg.local_ip : RTE_BE32(LOCAL_IP);
	t.src_port = RTE_BE16(40000);
	t.dst_port = run->cfg.udp_port;
	t.type = DIPC_ETH_T_DATA;
	t.conn_id = RT_CONN;
	t.seq = run->rt_seq++;
	cfg.flags = flags & DIPC_ETH_F_TX_UDP_CKSUM;
	n = dipc_eth_frame_build(&cfg, &t, msg, hdr_pool, ind_pool, frames, MAX_FRAMES, NULL);
	CHECK(n == (int)((len + frag_max - 1) / frag_max));
	/* The message's segments are the frames' now. */
	for (k = 0; k < n; k++) {
		const int j = (flags & 0x10) ? n - 1 - k : k;
		uint8_t b[RX_ROOM];
		const void *p;
		struct rte_mbuf *rx;
		int parsed, completed;
		enum dipc_eth_drop why;

		CHECK(frames[j]->pkt_len <= (uint32_t)run->cfg.mtu + DIPC_ETH_L2_LEN);
		CHECK(frames[j]->pkt_len == DIPC_ETH_HDR_LEN +
		      RTE_MIN(frag_max, len - (uint32_t)j * frag_max));
		p = rte_pktmbuf_read(frames[j], 0, frames[j]->pkt_len, b);
		CHECK(p != NULL);
		rx = rx_frame(p, frames[j]->pkt_len, (flags >> 5) & 3, flags);
		why = feed(run, rx, want, &parsed, &completed);
		CHECK(parsed);
		/* No room now, or a cut the chain rules refuse (the model
		 * said which); never anything else. */
		if (why != DIPC_ETH_OK)
			blocked = 1;
		CHECK(why == DIPC_ETH_OK || why == DIPC_ETH_DROP_TABLE_FULL ||
		      why == DIPC_ETH_DROP_HELD_FULL || why == DIPC_ETH_DROP_HEAD_SHORT ||
		      why == DIPC_ETH_DROP_TOO_MANY_SEGS);
		done += completed;
	}
	for (k = 0; k < n; k++)
		rte_pktmbuf_free(frames[k]);
	if (!blocked)
		CHECK(done == 1);
	else
		CHECK(done == 0);
	/* A partial left by a blocked round trip is never completed: flush it. */
	CHECK(dipc_eth_reasm_flush_conn(run->r, RT_CONN, &run->st) ==
	      model_flush_conn(&run->model, RT_CONN, 0));
	model_agrees(run);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t mtus[4] = { DIPC_ETH_MTU_MIN, 200, 1500, 9000 };
	static uint8_t b[65536 + 80];
	struct run run;
	size_t pos = 1;
	unsigned int i;

	if (size < 1)
		return -1;
	memset(&run, 0, sizeof(run));
	run.cfg.mtu = mtus[data[0] & 3];
	run.cfg.udp_port = RTE_BE16(PORT);
	if (data[0] & 4)
		run.cfg.local_mac = local_mac;
	if (data[0] & 8)
		run.cfg.local_ip = RTE_BE32(LOCAL_IP);
	switch ((data[0] >> 4) & 3) {
	case 0:
		run.cfg.max_msg_len = DIPC_ETH_MSG_MAX(run.cfg.mtu);
		break;
	case 1:
		run.cfg.max_msg_len = DIPC_MSG_HDR_LEN;
		break;
	case 2:
		run.cfg.max_msg_len = RTE_MIN(1000u, DIPC_ETH_MSG_MAX(run.cfg.mtu));
		break;
	default:
		run.cfg.max_msg_len = DIPC_ETH_MSG_MAX(run.cfg.mtu) / 2;
		break;
	}
	CHECK(dipc_eth_frame_cfg_check(&run.cfg) == 0);
	run.table = data[0] >> 6;
	run.r = tables[run.table];
	run.model.nb = table_entries[run.table];
	run.model.max_held = table_held[run.table];

	while (pos < size) {
		const uint8_t op = data[pos++];
		int parsed, completed;

		switch (op & 3) {
		case 0: {
			uint32_t len;
			uint8_t x;

			if (size - pos < 3)
				goto out;
			len = get16(data + pos);
			x = data[pos + 2];
			pos += 3;
			len = RTE_MIN(len, (uint32_t)(size - pos));
			len = RTE_MIN(len, (uint32_t)RX_ROOM);
			memcpy(b, data + pos, len);
			pos += len;
			raw_fix(&run, op, x, b, len);
			feed(&run, rx_frame(b, len, op >> 5, x), NULL, &parsed, &completed);
			break;
		}
		case 1:
			if (size - pos < 13)
				goto out;
			wf_frame(&run, op, data + pos, data[pos + 12]);
			pos += 13;
			break;
		case 2: {
			const uint64_t before = run.st.partials_expired;
			unsigned int n;

			run.now += op >> 2;
			n = dipc_eth_reasm_expire(run.r, run.now, &run.st);
			CHECK(run.st.partials_expired == before + n);
			CHECK(n == model_expire(&run, run.now));
			run.expected_expired += n;
			model_agrees(&run);
			break;
		}
		default:
			if (op & 4) {
				if (size - pos < 4)
					goto out;
				round_trip(&run, data + pos);
				pos += 4;
			} else {
				const uint32_t conn = WF_CONN | ((op >> 3) & 3);

				CHECK(dipc_eth_reasm_flush_conn(run.r, conn, &run.st) ==
				      model_flush_conn(&run.model, conn, 0));
				model_agrees(&run);
			}
			break;
		}
	}
out:
	CHECK(dipc_eth_reasm_flush(run.r, &run.st) == model_flush_conn(&run.model, 0, 1));
	model_agrees(&run);
	CHECK(dipc_eth_reasm_partials(run.r) == 0);
	CHECK(dipc_eth_reasm_held(run.r) == 0);
	CHECK(run.st.msgs_in == run.out);
	CHECK(run.st.msgs_reassembled <= run.st.msgs_in);
	CHECK(rte_mempool_avail_count(rx_pool) == RX_MBUFS);
	CHECK(rte_mempool_avail_count(msg_pool) == MSG_MBUFS);
	CHECK(rte_mempool_avail_count(hdr_pool) == HDR_MBUFS);
	CHECK(rte_mempool_avail_count(ind_pool) == IND_MBUFS);
	CHECK(ext_live == 0);
	for (i = 1; i < DIPC_ETH_DROP_MAX; i++)
		CHECK(dipc_eth_drop_name(i)[0] != '\0');
	return 0;
}
