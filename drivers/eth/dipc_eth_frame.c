/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The eth transport's frame layer (dipc_eth_frame.h, docs/WIRE.md):
 * parse and check received frames, reassemble messages sent as several
 * frames, build frames from messages without copying them.
 */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_memcpy.h>
#include <rte_random.h>
#include <rte_udp.h>

#include "dipc_eth_frame.h"

RTE_LOG_REGISTER_DEFAULT(dipc_eth_logtype, NOTICE);
#define ETH_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_eth_logtype, "dipc eth: " fmt "\n", ##__VA_ARGS__)

/* The 80 bytes of headers of a frame, as on the wire (no padding: the
 * IPv4, UDP and dipc headers are packed structures). */
struct frame_hdrs {
	struct rte_ether_hdr eth;
	struct rte_ipv4_hdr ip;
	struct rte_udp_hdr udp;
	struct dipc_eth_hdr d;
};

DIPC_STATIC_ASSERT(sizeof(struct frame_hdrs) == DIPC_ETH_HDR_LEN, "80 bytes of headers");
DIPC_STATIC_ASSERT(offsetof(struct frame_hdrs, d) == 42, "dipc header at 42");

/* A private copy of them, aligned for the checksum loops. */
union frame_copy {
	struct frame_hdrs h;
	uint8_t b[DIPC_ETH_HDR_LEN];
	uint64_t align_;
};

#define UDP_DIPC_LEN (DIPC_ETH_L4_LEN + DIPC_ETH_DIPC_LEN)
#define FRAME_TTL 64

static const char *const drop_names[DIPC_ETH_DROP_MAX] = {
	[DIPC_ETH_OK] = "ok",
	[DIPC_ETH_DROP_BAD_MBUF] = "bad_mbuf",
	[DIPC_ETH_DROP_TRUNCATED] = "truncated",
	[DIPC_ETH_DROP_VLAN] = "vlan",
	[DIPC_ETH_DROP_ARP] = "arp",
	[DIPC_ETH_DROP_ETHERTYPE] = "ethertype",
	[DIPC_ETH_DROP_DST_MAC] = "dst_mac",
	[DIPC_ETH_DROP_IP_VERSION] = "ip_version",
	[DIPC_ETH_DROP_IP_IHL] = "ip_ihl",
	[DIPC_ETH_DROP_IP_CSUM] = "ip_csum",
	[DIPC_ETH_DROP_IP_LEN] = "ip_len",
	[DIPC_ETH_DROP_IP_FRAGMENT] = "ip_fragment",
	[DIPC_ETH_DROP_IP_PROTO] = "ip_proto",
	[DIPC_ETH_DROP_SRC_ADDR] = "src_addr",
	[DIPC_ETH_DROP_DST_IP] = "dst_ip",
	[DIPC_ETH_DROP_OVERSIZE] = "oversize",
	[DIPC_ETH_DROP_UDP_PORT] = "udp_port",
	[DIPC_ETH_DROP_UDP_LEN] = "udp_len",
	[DIPC_ETH_DROP_UDP_CSUM] = "udp_csum",
	[DIPC_ETH_DROP_MAGIC] = "magic",
	[DIPC_ETH_DROP_VERSION] = "version",
	[DIPC_ETH_DROP_TYPE] = "type",
	[DIPC_ETH_DROP_FLAGS] = "flags",
	[DIPC_ETH_DROP_FRAG_LEN] = "frag_len",
	[DIPC_ETH_DROP_MSG_SHORT] = "msg_short",
	[DIPC_ETH_DROP_MSG_TOO_BIG] = "msg_too_big",
	[DIPC_ETH_DROP_FRAG_RANGE] = "frag_range",
	[DIPC_ETH_DROP_FRAG_EMPTY] = "frag_empty",
	[DIPC_ETH_DROP_HEAD_SHORT] = "head_short",
	[DIPC_ETH_DROP_CTRL_FRAG] = "ctrl_frag",
	[DIPC_ETH_DROP_DUP] = "dup",
	[DIPC_ETH_DROP_OVERLAP] = "overlap",
	[DIPC_ETH_DROP_MSG_LEN] = "msg_len",
	[DIPC_ETH_DROP_TOO_MANY_SEGS] = "too_many_segs",
	[DIPC_ETH_DROP_TABLE_FULL] = "table_full",
	[DIPC_ETH_DROP_HELD_FULL] = "held_full",
};

const char *
dipc_eth_drop_name(unsigned int reason)
{
	if (reason >= DIPC_ETH_DROP_MAX)
		return "unknown";
	return drop_names[reason];
}

int
dipc_eth_frame_cfg_check(const struct dipc_eth_frame_cfg *cfg)
{
	if (cfg->mtu < DIPC_ETH_MTU_MIN || cfg->mtu > DIPC_ETH_MTU_MAX ||
	    cfg->max_msg_len < DIPC_MSG_HDR_LEN || cfg->max_msg_len > DIPC_ETH_MSG_MAX(cfg->mtu) ||
	    cfg->udp_port == 0 || (cfg->flags & ~(uint32_t)DIPC_ETH_F_ALL) != 0)
		return -EINVAL;
	return 0;
}

/* Ones' complement sum helpers: 32-bit accumulation, 16-bit fold. */
static inline uint16_t
cksum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The non-complemented sum of @p len bytes of a chain from byte @p off of
 * its first segment @p m (the caller checked that they are there). As
 * rte_raw_cksum_mbuf(), but each segment's sum is folded before a
 * segment that starts at an odd position swaps its bytes: DPDK 22.11's
 * version truncates the 32-bit sum to 16 bits there and loses carries.
 */
static uint16_t
cksum_chain(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	uint32_t sum = 0, done = 0;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (m != NULL && done < len) {
		uint32_t n = RTE_MIN((uint32_t)m->data_len - off, len - done);
		uint16_t s = cksum_fold(__rte_raw_cksum(rte_pktmbuf_mtod_offset(m, const void *, off),
							n, 0));

		if (done & 1)
			s = rte_bswap16(s);
		sum += s;
		done += n;
		off = 0;
		m = m->next;
	}
	return cksum_fold(sum);
}

/*
 * Copy the first @p n bytes of a frame into @p dst, across segments. The
 * caller checked the chain (its segments hold pkt_len >= n bytes).
 */
static void
copy_head(const struct rte_mbuf *m, uint8_t *dst, uint32_t n)
{
	while (n > 0 && m != NULL) {
		uint32_t k = RTE_MIN((uint32_t)m->data_len, n);

		memcpy(dst, rte_pktmbuf_mtod(m, const uint8_t *), k);
		dst += k;
		n -= k;
		m = m->next;
	}
}

/* A chain's segments agree with its nb_segs and @p pkt_len (the walk
 * stops at nb_segs segments). */
static int
chain_ok(const struct rte_mbuf *m, uint32_t pkt_len)
{
	uint32_t nb_segs = m->nb_segs, n = 0;
	uint64_t sum = 0;

	for (; m != NULL; m = m->next) {
		if (++n > nb_segs)
			return 0;
		sum += m->data_len;
	}
	return n == nb_segs && sum == pkt_len;
}

static inline int
ip_unicast_src(rte_be32_t a)
{
	uint32_t h = rte_be_to_cpu_32(a);

	/* 0.0.0.0, 224.0.0.0/4 (multicast), 255.255.255.255. */
	return h != 0 && (h & 0xf0000000u) != 0xe0000000u && h != 0xffffffffu;
}

enum dipc_eth_drop
dipc_eth_frame_parse(const struct dipc_eth_frame_cfg *cfg, const struct rte_mbuf *m,
		     struct dipc_eth_frame_info *fi)
{
	union frame_copy c;
	const struct frame_hdrs *h = &c.h;
	uint64_t ol_flags = m->ol_flags;
	uint32_t pkt_len = m->pkt_len;
	uint32_t n, ip_len, udp_len, msg_len, frag_off;
	uint16_t frag_len, ether_type, frag_field, csum;
	uint8_t type;

	/* The mbuf: the NIC's, but checked once so that what follows may
	 * trust pkt_len for the copy and the checksum walk. */
	if (likely(m->next == NULL)) {
		if (unlikely(m->nb_segs != 1 || pkt_len != m->data_len))
			return DIPC_ETH_DROP_BAD_MBUF;
	} else if (!chain_ok(m, pkt_len)) {
		return DIPC_ETH_DROP_BAD_MBUF;
	}

	/* Every header byte, once, into private memory. */
	n = RTE_MIN(pkt_len, (uint32_t)DIPC_ETH_HDR_LEN);
	if (likely(m->data_len >= n))
		rte_memcpy(c.b, rte_pktmbuf_mtod(m, const void *), n);
	else
		copy_head(m, c.b, n);

	/* Ethernet II. */
	if (unlikely(n < DIPC_ETH_L2_LEN))
		return DIPC_ETH_DROP_TRUNCATED;
	ether_type = rte_be_to_cpu_16(h->eth.ether_type);
	if (unlikely(ether_type == RTE_ETHER_TYPE_VLAN || ether_type == RTE_ETHER_TYPE_QINQ ||
		     ether_type == RTE_ETHER_TYPE_QINQ1 || ether_type == RTE_ETHER_TYPE_QINQ2 ||
		     ether_type == RTE_ETHER_TYPE_QINQ3 ||
		     (ol_flags & (RTE_MBUF_F_RX_VLAN_STRIPPED | RTE_MBUF_F_RX_QINQ_STRIPPED)) != 0))
		return DIPC_ETH_DROP_VLAN;
	if (unlikely(ether_type != RTE_ETHER_TYPE_IPV4))
		return ether_type == RTE_ETHER_TYPE_ARP ? DIPC_ETH_DROP_ARP :
							  DIPC_ETH_DROP_ETHERTYPE;
	if (!rte_is_zero_ether_addr(&cfg->local_mac) &&
	    !rte_is_same_ether_addr(&h->eth.dst_addr, &cfg->local_mac))
		return DIPC_ETH_DROP_DST_MAC;
	rte_ether_addr_copy(&h->eth.src_addr, &fi->src_mac);
	rte_ether_addr_copy(&h->eth.dst_addr, &fi->dst_mac);

	/* IPv4, without options, not fragmented, UDP. */
	if (unlikely(n < DIPC_ETH_L2_LEN + DIPC_ETH_L3_LEN))
		return DIPC_ETH_DROP_TRUNCATED;
	if (unlikely((h->ip.version_ihl >> 4) != 4))
		return DIPC_ETH_DROP_IP_VERSION;
	if (unlikely((h->ip.version_ihl & RTE_IPV4_HDR_IHL_MASK) != RTE_IPV4_MIN_IHL))
		return DIPC_ETH_DROP_IP_IHL;
	switch (ol_flags & RTE_MBUF_F_RX_IP_CKSUM_MASK) {
	case RTE_MBUF_F_RX_IP_CKSUM_GOOD:
	case RTE_MBUF_F_RX_IP_CKSUM_NONE: /* "the integrity of the header is verified" */
		break;
	case RTE_MBUF_F_RX_IP_CKSUM_BAD:
		return DIPC_ETH_DROP_IP_CSUM;
	default:
		if (rte_raw_cksum(&h->ip, DIPC_ETH_L3_LEN) != 0xffff)
			return DIPC_ETH_DROP_IP_CSUM;
		break;
	}
	ip_len = rte_be_to_cpu_16(h->ip.total_length);
	if (unlikely(ip_len != pkt_len - DIPC_ETH_L2_LEN))
		return DIPC_ETH_DROP_IP_LEN;
	frag_field = rte_be_to_cpu_16(h->ip.fragment_offset);
	if (unlikely((frag_field & (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)) != 0))
		return DIPC_ETH_DROP_IP_FRAGMENT;
	if (unlikely(h->ip.next_proto_id != IPPROTO_UDP))
		return DIPC_ETH_DROP_IP_PROTO;
	if (unlikely(rte_is_multicast_ether_addr(&h->eth.src_addr) ||
		     !ip_unicast_src(h->ip.src_addr)))
		return DIPC_ETH_DROP_SRC_ADDR;
	if (cfg->local_ip != 0 && h->ip.dst_addr != cfg->local_ip)
		return DIPC_ETH_DROP_DST_IP;
	if (unlikely(ip_len > cfg->mtu))
		return DIPC_ETH_DROP_OVERSIZE;
	fi->src_ip = h->ip.src_addr;
	fi->dst_ip = h->ip.dst_addr;

	/* UDP. */
	if (unlikely(n < DIPC_ETH_L2_LEN + DIPC_ETH_L3_LEN + DIPC_ETH_L4_LEN))
		return DIPC_ETH_DROP_TRUNCATED;
	if (h->udp.dst_port != cfg->udp_port)
		return DIPC_ETH_DROP_UDP_PORT;
	udp_len = rte_be_to_cpu_16(h->udp.dgram_len);
	if (unlikely(udp_len != ip_len - DIPC_ETH_L3_LEN))
		return DIPC_ETH_DROP_UDP_LEN;
	if (unlikely(n < DIPC_ETH_HDR_LEN))
		return DIPC_ETH_DROP_TRUNCATED;
	csum = h->udp.dgram_cksum;
	if (csum != 0) { /* 0: none sent (IPv4) */
		switch (ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) {
		case RTE_MBUF_F_RX_L4_CKSUM_GOOD:
		case RTE_MBUF_F_RX_L4_CKSUM_NONE:
			break;
		case RTE_MBUF_F_RX_L4_CKSUM_BAD:
			return DIPC_ETH_DROP_UDP_CSUM;
		default: {
			/* Pseudo-header and headers from the copy, the payload
			 * (at an even offset) from the frame. */
			uint32_t sum = rte_ipv4_phdr_cksum(&h->ip, 0);

			sum += rte_raw_cksum(&h->udp, UDP_DIPC_LEN);
			sum += cksum_chain(m, DIPC_ETH_HDR_LEN, pkt_len - DIPC_ETH_HDR_LEN);
			if (cksum_fold(sum) != 0xffff)
				return DIPC_ETH_DROP_UDP_CSUM;
			break;
		}
		}
	}
	fi->src_port = h->udp.src_port;
	fi->dst_port = h->udp.dst_port;

	/* The dipc frame header. */
	if (unlikely(rte_le_to_cpu_16(h->d.magic) != DIPC_ETH_MAGIC))
		return DIPC_ETH_DROP_MAGIC;
	if (unlikely(h->d.version != DIPC_ETH_VERSION))
		return DIPC_ETH_DROP_VERSION;
	type = h->d.type;
	if (unlikely(type == 0 || type >= DIPC_ETH_T_MAX))
		return DIPC_ETH_DROP_TYPE;
	if (unlikely(h->d.flags != 0))
		return DIPC_ETH_DROP_FLAGS;
	frag_len = rte_le_to_cpu_16(h->d.frag_len);
	if (unlikely(frag_len != udp_len - UDP_DIPC_LEN))
		return DIPC_ETH_DROP_FRAG_LEN;
	msg_len = rte_le_to_cpu_32(h->d.msg_len);
	frag_off = rte_le_to_cpu_32(h->d.frag_off);
	if (likely(type == DIPC_ETH_T_DATA)) {
		if (unlikely(msg_len < DIPC_MSG_HDR_LEN))
			return DIPC_ETH_DROP_MSG_SHORT;
		if (unlikely(msg_len > cfg->max_msg_len))
			return DIPC_ETH_DROP_MSG_TOO_BIG;
	} else if (unlikely(msg_len > DIPC_ETH_CTRL_MAX_LEN)) {
		return DIPC_ETH_DROP_MSG_TOO_BIG;
	}
	if (unlikely((uint64_t)frag_off + frag_len > msg_len))
		return DIPC_ETH_DROP_FRAG_RANGE;
	if (likely(type == DIPC_ETH_T_DATA)) {
		if (unlikely(frag_len == 0))
			return DIPC_ETH_DROP_FRAG_EMPTY;
		if (unlikely(frag_off == 0 && frag_len < DIPC_MSG_HDR_LEN))
			return DIPC_ETH_DROP_HEAD_SHORT;
	} else if (unlikely(frag_off != 0 || frag_len != msg_len)) {
		return DIPC_ETH_DROP_CTRL_FRAG;
	}
	fi->type = type;
	fi->credits = rte_le_to_cpu_16(h->d.credits);
	fi->conn_id = rte_le_to_cpu_32(h->d.conn_id);
	fi->conn_gen = rte_le_to_cpu_32(h->d.conn_gen);
	fi->seq = rte_le_to_cpu_32(h->d.seq);
	fi->ack = rte_le_to_cpu_32(h->d.ack);
	fi->msg_len = msg_len;
	fi->frag_off = frag_off;
	fi->frag_len = frag_len;
	return DIPC_ETH_OK;
}

/*
 * Reassembly.
 *
 * A table of @nb entries, each a partial message: its key (conn_id,
 * conn_gen, seq), msg_len, when its first fragment came, and its
 * fragments sorted by offset (never overlapping, all within msg_len, so
 * that bytes held == msg_len means whole). Entries in use are in a hash
 * (buckets of singly linked indices, a random seed) and on an age list
 * in the order they were created (expiry walks it from the oldest);
 * free entries on a free list. One allocation, at create.
 */
#define NIL UINT32_MAX

struct reasm_frag {
	struct rte_mbuf *head; /* the fragment's first segment, headers stripped */
	struct rte_mbuf *tail; /* its last segment */
	uint32_t off;
	uint16_t len;
	uint16_t nb_segs;
};

struct reasm_entry {
	uint32_t conn_id;
	uint32_t conn_gen;
	uint32_t seq;
	uint32_t msg_len;
	uint64_t born;     /* @now of the first fragment */
	uint32_t have;     /* payload bytes held */
	uint16_t nb_frags;
	uint16_t nb_segs;
	uint32_t hnext;    /* next in the bucket */
	uint32_t bucket;
	uint32_t prev;     /* age list (or free list: next only) */
	uint32_t next;
	struct reasm_frag frag[DIPC_ETH_MAX_FRAGS];
};

struct dipc_eth_reasm {
	uint32_t nb;        /* entries */
	uint32_t mask;      /* buckets - 1 */
	uint32_t seed;
	uint32_t used;
	uint32_t held;      /* segments held */
	uint32_t max_held;
	uint64_t timeout;
	uint32_t free_head;
	uint32_t age_head;  /* oldest */
	uint32_t age_tail;  /* youngest */
	uint32_t *bucket;
	struct reasm_entry *e;
};

struct dipc_eth_reasm *
dipc_eth_reasm_create(unsigned int entries, unsigned int max_held, uint64_t timeout,
		      int socket_id)
{
	struct dipc_eth_reasm *r;
	uint32_t nb_buckets, i;
	size_t sz;

	if (entries == 0 || entries > 65536 || max_held < DIPC_ETH_MAX_FRAGS) {
		rte_errno = EINVAL;
		return NULL;
	}
	nb_buckets = rte_align32pow2(entries * 2);
	sz = RTE_ALIGN_CEIL(sizeof(*r), RTE_CACHE_LINE_SIZE) +
	     RTE_ALIGN_CEIL(sizeof(uint32_t) * nb_buckets, RTE_CACHE_LINE_SIZE) +
	     sizeof(struct reasm_entry) * entries;
	r = rte_zmalloc_socket("dipc_eth_reasm", sz, RTE_CACHE_LINE_SIZE, socket_id);
	if (r == NULL) {
		ETH_LOG(ERR, "cannot allocate a reassembly table of %u entries (%zu bytes)",
			entries, sz);
		rte_errno = ENOMEM;
		return NULL;
	}
	r->bucket = (uint32_t *)((char *)r + RTE_ALIGN_CEIL(sizeof(*r), RTE_CACHE_LINE_SIZE));
	r->e = (struct reasm_entry *)((char *)r->bucket +
				      RTE_ALIGN_CEIL(sizeof(uint32_t) * nb_buckets,
						     RTE_CACHE_LINE_SIZE));
	r->nb = entries;
	r->mask = nb_buckets - 1;
	r->seed = (uint32_t)rte_rand();
	r->max_held = max_held;
	r->timeout = timeout;
	for (i = 0; i < nb_buckets; i++)
		r->bucket[i] = NIL;
	for (i = 0; i < entries; i++)
		r->e[i].next = i + 1 < entries ? i + 1 : NIL;
	r->free_head = 0;
	r->age_head = NIL;
	r->age_tail = NIL;
	return r;
}

static inline uint32_t
reasm_bucket(const struct dipc_eth_reasm *r, uint32_t conn_id, uint32_t conn_gen, uint32_t seq)
{
	return rte_jhash_3words(conn_id, conn_gen, seq, r->seed) & r->mask;
}

/* Unlink entry @i from its bucket and the age list, free its mbufs, and
 * put it on the free list. */
static void
reasm_release(struct dipc_eth_reasm *r, uint32_t i, int free_mbufs)
{
	struct reasm_entry *e = &r->e[i];
	uint32_t *p = &r->bucket[e->bucket];
	unsigned int k;

	while (*p != i)
		p = &r->e[*p].hnext;
	*p = e->hnext;
	if (e->prev != NIL)
		r->e[e->prev].next = e->next;
	else
		r->age_head = e->next;
	if (e->next != NIL)
		r->e[e->next].prev = e->prev;
	else
		r->age_tail = e->prev;
	if (free_mbufs)
		for (k = 0; k < e->nb_frags; k++)
			rte_pktmbuf_free(e->frag[k].head);
	r->held -= e->nb_segs;
	r->used--;
	e->nb_frags = 0;
	e->nb_segs = 0;
	e->next = r->free_head;
	r->free_head = i;
}

void
dipc_eth_reasm_free(struct dipc_eth_reasm *r)
{
	if (r == NULL)
		return;
	dipc_eth_reasm_flush(r, NULL);
	rte_free(r);
}

unsigned int
dipc_eth_reasm_partials(const struct dipc_eth_reasm *r)
{
	return r->used;
}

unsigned int
dipc_eth_reasm_held(const struct dipc_eth_reasm *r)
{
	return r->held;
}

unsigned int
dipc_eth_reasm_expire(struct dipc_eth_reasm *r, uint64_t now, struct dipc_eth_stats *st)
{
	unsigned int n = 0;

	while (r->age_head != NIL) {
		const struct reasm_entry *e = &r->e[r->age_head];

		if (now < e->born || now - e->born < r->timeout)
			break;
		reasm_release(r, r->age_head, 1);
		n++;
	}
	if (st != NULL)
		st->partials_expired += n;
	return n;
}

unsigned int
dipc_eth_reasm_flush_conn(struct dipc_eth_reasm *r, uint32_t conn_id, struct dipc_eth_stats *st)
{
	uint32_t i = r->age_head;
	unsigned int n = 0;

	while (i != NIL) {
		uint32_t next = r->e[i].next;

		if (r->e[i].conn_id == conn_id) {
			reasm_release(r, i, 1);
			n++;
		}
		i = next;
	}
	if (st != NULL)
		st->partials_flushed += n;
	return n;
}

unsigned int
dipc_eth_reasm_flush(struct dipc_eth_reasm *r, struct dipc_eth_stats *st)
{
	unsigned int n = 0;

	while (r->age_head != NIL) {
		reasm_release(r, r->age_head, 1);
		n++;
	}
	if (st != NULL)
		st->partials_flushed += n;
	return n;
}

/*
 * Strip the 80 bytes of headers in place. They may span segments (a
 * scattered receive whose first segments are short): whole leading
 * segments are freed, the new first segment inherits the packet fields.
 * The frame holds at least 80 bytes and its chain was checked by the
 * parse. Returns the message's first segment.
 */
static struct rte_mbuf *
frame_strip(struct rte_mbuf *m)
{
	uint32_t left = DIPC_ETH_HDR_LEN;

	while (unlikely(m->data_len <= left && m->next != NULL)) {
		struct rte_mbuf *n = m->next;

		left -= m->data_len;
		n->pkt_len = m->pkt_len - m->data_len;
		n->nb_segs = (uint16_t)(m->nb_segs - 1);
		n->port = m->port;
		n->packet_type = m->packet_type;
		n->hash = m->hash;
		n->ol_flags = (n->ol_flags & (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)) |
			      (m->ol_flags & ~(RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL));
		m->next = NULL;
		m->nb_segs = 1;
		rte_pktmbuf_free_seg(m);
		m = n;
	}
	rte_pktmbuf_adj(m, (uint16_t)left);
	return m;
}

/*
 * A message's first segment starts 8-byte aligned: lib/msg reads struct
 * dipc_msg_hdr in place. It does when the frame did (80 bytes of headers);
 * when it does not (a PMD whose data_off is not a multiple of 8, a receive
 * scattered inside the headers), the segment's bytes move down within its
 * own buffer (one segment's copy, counted), if the mbuf is ours alone.
 */
static inline void
head_align(struct rte_mbuf *m, struct dipc_eth_stats *st)
{
	const uint16_t mis = (uint16_t)(rte_pktmbuf_mtod(m, uintptr_t) & 7);

	if (likely(mis == 0))
		return;
	if (RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1 && m->data_off >= mis) {
		memmove(rte_pktmbuf_mtod_offset(m, char *, -(int)mis),
			rte_pktmbuf_mtod(m, char *), m->data_len);
		m->data_off = (uint16_t)(m->data_off - mis);
		st->msgs_realigned++;
	}
}

static inline enum dipc_eth_drop
drop(struct rte_mbuf *m, enum dipc_eth_drop why, struct dipc_eth_stats *st)
{
	rte_pktmbuf_free(m);
	st->drops[why]++;
	return why;
}

/* Link a whole entry's fragments into one chain and free the entry. */
static struct rte_mbuf *
reasm_complete(struct dipc_eth_reasm *r, uint32_t i)
{
	struct reasm_entry *e = &r->e[i];
	struct rte_mbuf *head = e->frag[0].head;
	unsigned int k;

	for (k = 0; k + 1 < e->nb_frags; k++)
		e->frag[k].tail->next = e->frag[k + 1].head;
	head->pkt_len = e->msg_len;
	head->nb_segs = e->nb_segs;
	reasm_release(r, i, 0);
	return head;
}

/* A new entry for a first fragment, or NIL when the table is full (after
 * expiring its oldest entry if that one is old enough). */
static uint32_t
reasm_new(struct dipc_eth_reasm *r, const struct dipc_eth_frame_info *fi, uint32_t b,
	  uint64_t now, struct dipc_eth_stats *st)
{
	struct reasm_entry *e;
	uint32_t i;

	if (r->free_head == NIL) {
		e = &r->e[r->age_head];
		if (now < e->born || now - e->born < r->timeout)
			return NIL;
		reasm_release(r, r->age_head, 1);
		st->partials_expired++;
	}
	i = r->free_head;
	e = &r->e[i];
	r->free_head = e->next;
	e->conn_id = fi->conn_id;
	e->conn_gen = fi->conn_gen;
	e->seq = fi->seq;
	e->msg_len = fi->msg_len;
	e->born = now;
	e->have = 0;
	e->nb_frags = 0;
	e->nb_segs = 0;
	e->bucket = b;
	e->hnext = r->bucket[b];
	r->bucket[b] = i;
	e->next = NIL;
	e->prev = r->age_tail;
	if (r->age_tail != NIL)
		r->e[r->age_tail].next = i;
	else
		r->age_head = i;
	r->age_tail = i;
	r->used++;
	return i;
}

enum dipc_eth_drop
dipc_eth_reasm_input(struct dipc_eth_reasm *r, struct rte_mbuf *m,
		     const struct dipc_eth_frame_info *fi, uint64_t now, struct rte_mbuf **out,
		     struct dipc_eth_stats *st)
{
	const uint32_t off = fi->frag_off, len = fi->frag_len;
	struct reasm_entry *e;
	struct reasm_frag *f;
	uint32_t b, i, p, nb_segs;

	*out = NULL;
	m = frame_strip(m);
	nb_segs = m->nb_segs;
	if (unlikely(off == 0 && fi->type == DIPC_ETH_T_DATA && m->data_len < DIPC_MSG_HDR_LEN))
		return drop(m, DIPC_ETH_DROP_HEAD_SHORT, st);
	if (unlikely(nb_segs > DIPC_ETH_MAX_FRAGS))
		return drop(m, DIPC_ETH_DROP_TOO_MANY_SEGS, st);
	if (off == 0)
		head_align(m, st);

	/* A whole message in one frame: no table. */
	if (likely(off == 0 && len == fi->msg_len)) {
		st->msgs_in++;
		*out = m;
		return DIPC_ETH_OK;
	}

	b = reasm_bucket(r, fi->conn_id, fi->conn_gen, fi->seq);
	for (i = r->bucket[b]; i != NIL; i = r->e[i].hnext) {
		e = &r->e[i];
		if (e->conn_id == fi->conn_id && e->conn_gen == fi->conn_gen && e->seq == fi->seq)
			break;
	}
	if (i == NIL) {
		if (r->held + nb_segs > r->max_held)
			return drop(m, DIPC_ETH_DROP_HELD_FULL, st);
		i = reasm_new(r, fi, b, now, st);
		if (i == NIL)
			return drop(m, DIPC_ETH_DROP_TABLE_FULL, st);
	}
	e = &r->e[i];
	if (unlikely(fi->msg_len != e->msg_len))
		return drop(m, DIPC_ETH_DROP_MSG_LEN, st);
	/* Where it goes: after every fragment that starts before it. */
	for (p = 0; p < e->nb_frags && e->frag[p].off < off; p++)
		;
	if (p < e->nb_frags && e->frag[p].off == off && e->frag[p].len == len)
		return drop(m, DIPC_ETH_DROP_DUP, st);
	if ((p > 0 && e->frag[p - 1].off + e->frag[p - 1].len > off) ||
	    (p < e->nb_frags && off + len > e->frag[p].off))
		return drop(m, DIPC_ETH_DROP_OVERLAP, st);
	if (e->nb_segs + nb_segs > DIPC_ETH_MAX_FRAGS)
		return drop(m, DIPC_ETH_DROP_TOO_MANY_SEGS, st);
	/* The fragment that completes a message is taken even at the limit:
	 * it frees what the message held at once (else a table of nearly
	 * whole messages would wait for their expiry). */
	if (r->held + nb_segs > r->max_held && e->have + len != e->msg_len)
		return drop(m, DIPC_ETH_DROP_HELD_FULL, st);

	memmove(&e->frag[p + 1], &e->frag[p], sizeof(e->frag[0]) * (e->nb_frags - p));
	f = &e->frag[p];
	f->head = m;
	f->tail = rte_pktmbuf_lastseg(m);
	f->off = off;
	f->len = (uint16_t)len;
	f->nb_segs = (uint16_t)nb_segs;
	e->nb_frags++;
	e->nb_segs = (uint16_t)(e->nb_segs + nb_segs);
	e->have += len;
	r->held += nb_segs;
	if (e->have < e->msg_len)
		return DIPC_ETH_OK;
	/* No overlap and all within msg_len: the bytes held are every byte. */
	*out = reasm_complete(r, i);
	st->msgs_in++;
	st->msgs_reassembled++;
	return DIPC_ETH_OK;
}

enum dipc_eth_drop
dipc_eth_frame_rx(const struct dipc_eth_frame_cfg *cfg, struct dipc_eth_reasm *r,
		  struct rte_mbuf *m, uint64_t now, struct dipc_eth_frame_info *fi,
		  struct rte_mbuf **out, struct dipc_eth_stats *st)
{
	enum dipc_eth_drop why;

	st->frames_in++;
	why = dipc_eth_frame_parse(cfg, m, fi);
	if (unlikely(why != DIPC_ETH_OK)) {
		*out = NULL;
		return drop(m, why, st);
	}
	return dipc_eth_reasm_input(r, m, fi, now, out, st);
}

/*
 * Transmit.
 */

/* The headers every frame of a message shares; per frame, the lengths,
 * frag_off and the checksums follow. */
static void
hdrs_init(union frame_copy *c, const struct dipc_eth_frame_tmpl *t, uint32_t msg_len)
{
	struct frame_hdrs *h = &c->h;

	memset(c, 0, sizeof(*c));
	rte_ether_addr_copy(&t->dst_mac, &h->eth.dst_addr);
	rte_ether_addr_copy(&t->src_mac, &h->eth.src_addr);
	h->eth.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	h->ip.version_ihl = RTE_IPV4_VHL_DEF;
	h->ip.fragment_offset = RTE_BE16(RTE_IPV4_HDR_DF_FLAG);
	h->ip.time_to_live = FRAME_TTL;
	h->ip.next_proto_id = IPPROTO_UDP;
	h->ip.src_addr = t->src_ip;
	h->ip.dst_addr = t->dst_ip;
	h->udp.src_port = t->src_port;
	h->udp.dst_port = t->dst_port;
	h->d.magic = rte_cpu_to_le_16(DIPC_ETH_MAGIC);
	h->d.version = DIPC_ETH_VERSION;
	h->d.type = t->type;
	h->d.credits = rte_cpu_to_le_16(t->credits);
	h->d.conn_id = rte_cpu_to_le_32(t->conn_id);
	h->d.conn_gen = rte_cpu_to_le_32(t->conn_gen);
	h->d.seq = rte_cpu_to_le_32(t->seq);
	h->d.ack = rte_cpu_to_le_32(t->ack);
	h->d.msg_len = rte_cpu_to_le_32(msg_len);
}

/*
 * Write one frame's headers at the start of @p f (whose first segment
 * has 80 bytes for them and whose payload of @p frag_len bytes follows),
 * with the checksums and offload fields.
 */
static void
hdrs_write(const struct dipc_eth_frame_cfg *cfg, union frame_copy *c, struct rte_mbuf *f,
	   uint32_t frag_off, uint16_t frag_len)
{
	struct frame_hdrs *h = &c->h;
	uint8_t *dst = rte_pktmbuf_mtod(f, uint8_t *);

	h->ip.total_length = rte_cpu_to_be_16((uint16_t)(DIPC_ETH_IP_OVERHEAD + frag_len));
	h->ip.hdr_checksum = 0;
	h->udp.dgram_len = rte_cpu_to_be_16((uint16_t)(UDP_DIPC_LEN + frag_len));
	h->udp.dgram_cksum = 0;
	h->d.frag_off = rte_cpu_to_le_32(frag_off);
	h->d.frag_len = rte_cpu_to_le_16(frag_len);
	f->ol_flags &= RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL;
	f->tx_offload = 0;
	if (cfg->flags & DIPC_ETH_F_TX_IP_CKSUM_OFFLOAD) {
		f->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		f->l2_len = DIPC_ETH_L2_LEN;
		f->l3_len = DIPC_ETH_L3_LEN;
	} else {
		h->ip.hdr_checksum = rte_ipv4_cksum(&h->ip);
	}
	rte_memcpy(dst, c->b, DIPC_ETH_HDR_LEN);
	if (cfg->flags & DIPC_ETH_F_TX_UDP_CKSUM) {
		uint32_t sum = rte_ipv4_phdr_cksum(&h->ip, 0);
		uint16_t ck;

		sum += rte_raw_cksum(&h->udp, UDP_DIPC_LEN);
		sum += cksum_chain(f, DIPC_ETH_HDR_LEN, frag_len);
		ck = (uint16_t)~cksum_fold(sum);
		if (ck == 0)
			ck = 0xffff; /* 0 means none */
		memcpy(dst + offsetof(struct frame_hdrs, udp.dgram_cksum), &ck, sizeof(ck));
	}
}

static void
frames_free(struct rte_mbuf **frames, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(frames[i]);
}

int
dipc_eth_frame_build(const struct dipc_eth_frame_cfg *cfg, const struct dipc_eth_frame_tmpl *t,
		     struct rte_mbuf *msg, struct rte_mempool *hdr_pool,
		     struct rte_mempool *ind_pool, struct rte_mbuf **frames,
		     unsigned int nb_frames, struct dipc_eth_stats *st)
{
	const uint32_t frag_max = DIPC_ETH_FRAG_MAX(cfg->mtu);
	const uint32_t len = msg->pkt_len;
	union frame_copy c;
	struct rte_mbuf *seg, *hdr;
	uint32_t nb, i, off, pos;

	/* The message: ours, but its lengths must agree before we slice it. */
	if (t->type == 0 || t->type >= DIPC_ETH_T_MAX || !chain_ok(msg, len))
		return -EINVAL;
	if (t->type == DIPC_ETH_T_DATA) {
		if (len < DIPC_MSG_HDR_LEN)
			return -EINVAL;
		if (len > cfg->max_msg_len || len > DIPC_ETH_MSG_MAX(cfg->mtu))
			return -EMSGSIZE;
	} else if (len > DIPC_ETH_CTRL_MAX_LEN || len > frag_max) {
		return -EMSGSIZE;
	}
	nb = len <= frag_max ? 1 : (len + frag_max - 1) / frag_max;
	if (nb > nb_frames)
		return -ENOSPC;
	hdrs_init(&c, t, len);

	if (nb == 1) {
		if (RTE_MBUF_DIRECT(msg) && rte_mbuf_refcnt_read(msg) == 1 &&
		    rte_pktmbuf_headroom(msg) >= DIPC_ETH_HDR_LEN) {
			/* In place. */
			rte_pktmbuf_prepend(msg, DIPC_ETH_HDR_LEN);
			hdr = msg;
		} else {
			/* A header mbuf in front of the message. */
			if (hdr_pool == NULL || msg->nb_segs == UINT16_MAX)
				return -ENOSPC;
			hdr = rte_pktmbuf_alloc(hdr_pool);
			if (hdr == NULL)
				return -ENOBUFS;
			if (rte_pktmbuf_tailroom(hdr) < DIPC_ETH_HDR_LEN) {
				rte_pktmbuf_free(hdr);
				return -ENOSPC;
			}
			hdr->data_len = DIPC_ETH_HDR_LEN;
			hdr->pkt_len = DIPC_ETH_HDR_LEN + len;
			hdr->nb_segs = (uint16_t)(1 + msg->nb_segs);
			hdr->next = msg;
		}
		hdrs_write(cfg, &c, hdr, 0, (uint16_t)len);
		frames[0] = hdr;
		if (st != NULL) {
			st->frames_out++;
			st->msgs_out++;
		}
		return 1;
	}

	/* Several frames: a header mbuf each, then indirect slices. */
	if (hdr_pool == NULL || ind_pool == NULL)
		return -ENOSPC;
	seg = msg;
	pos = 0;
	off = 0;
	for (i = 0; i < nb; i++) {
		const uint16_t flen = (uint16_t)RTE_MIN(frag_max, len - off);
		struct rte_mbuf *prev;
		uint32_t left = flen;

		hdr = rte_pktmbuf_alloc(hdr_pool);
		if (hdr == NULL) {
			frames_free(frames, i);
			return -ENOBUFS;
		}
		if (rte_pktmbuf_tailroom(hdr) < DIPC_ETH_HDR_LEN) {
			rte_pktmbuf_free(hdr);
			frames_free(frames, i);
			return -ENOSPC;
		}
		hdr->data_len = DIPC_ETH_HDR_LEN;
		hdr->pkt_len = DIPC_ETH_HDR_LEN;
		prev = hdr;
		while (left > 0) {
			struct rte_mbuf *ind;
			uint32_t take;

			while (pos == seg->data_len) { /* sum == len: never past the end */
				seg = seg->next;
				pos = 0;
			}
			ind = rte_pktmbuf_alloc(ind_pool);
			if (ind == NULL) {
				rte_pktmbuf_free(hdr);
				frames_free(frames, i);
				return -ENOBUFS;
			}
			rte_pktmbuf_attach(ind, seg);
			take = RTE_MIN(left, (uint32_t)seg->data_len - pos);
			ind->data_off = (uint16_t)(seg->data_off + pos);
			ind->data_len = (uint16_t)take;
			ind->pkt_len = take;
			prev->next = ind;
			prev = ind;
			hdr->nb_segs++;
			hdr->pkt_len += take;
			pos += take;
			left -= take;
		}
		hdrs_write(cfg, &c, hdr, off, flen);
		frames[i] = hdr;
		off += flen;
	}
	/* The frames hold their own references to the segments. */
	rte_pktmbuf_free(msg);
	if (st != NULL) {
		st->frames_out += nb;
		st->msgs_out++;
	}
	return (int)nb;
}
