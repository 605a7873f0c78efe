/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP for the eth transport (dipc_eth_arp.h): a neighbour table, answers
 * for the port's own address, requests for a peer's.
 */
#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "dipc_eth_arp.h"

/* An Ethernet frame carrying IPv4 ARP, as on the wire. */
struct arp_frame {
	struct rte_ether_hdr eth;
	struct rte_arp_hdr arp;
};

_Static_assert(sizeof(struct arp_frame) == DIPC_ETH_ARP_LEN, "42 bytes");

enum neigh_state {
	NEIGH_FREE = 0,
	NEIGH_LEARNED,
	NEIGH_STATIC,
};

struct neigh_entry {
	rte_be32_t ip;
	uint8_t state; /* enum neigh_state */
	struct rte_ether_addr mac;
	uint64_t seen; /* when learned or last refreshed */
};

/* Open addressing with linear probing; entries are never removed (an aged
 * entry is reused by its own address, or stays until refreshed), so a
 * probe stops at the first free entry. */
struct dipc_eth_neigh {
	uint32_t mask; /* entries - 1, entries a power of two >= 2 * asked */
	uint32_t count;
	uint32_t max;  /* entries asked for: count stays at or below it */
	uint64_t ttl;
	struct neigh_entry e[];
};

static const char *const result_names[DIPC_ETH_ARP_NB_DROPS] = {
	[0] = "done",
	[-DIPC_ETH_ARP_TRUNCATED] = "truncated",
	[-DIPC_ETH_ARP_FORMAT] = "format",
	[-DIPC_ETH_ARP_OP] = "op",
	[-DIPC_ETH_ARP_SENDER] = "sender",
	[-DIPC_ETH_ARP_NOT_OURS] = "not_ours",
	[-DIPC_ETH_ARP_CONFLICT] = "conflict",
};

const char *
dipc_eth_arp_result_name(int result)
{
	if (result == DIPC_ETH_ARP_REPLY)
		return "reply";
	if (result > 0 || result <= -DIPC_ETH_ARP_NB_DROPS)
		return "unknown";
	return result_names[-result];
}

int
dipc_eth_ip_is_host(rte_be32_t ip)
{
	uint32_t h = rte_be_to_cpu_32(ip);

	return h != 0 && (h & 0xf0000000u) != 0xe0000000u && h != 0xffffffffu;
}

static int
mac_is_host(const struct rte_ether_addr *mac)
{
	return rte_is_unicast_ether_addr(mac) && !rte_is_zero_ether_addr(mac);
}

struct dipc_eth_neigh *
dipc_eth_neigh_create(unsigned int entries, uint64_t ttl, int socket_id)
{
	struct dipc_eth_neigh *t;
	uint32_t size;

	if (entries == 0 || entries > 65536) {
		rte_errno = EINVAL;
		return NULL;
	}
	size = rte_align32pow2(entries * 2);
	t = rte_zmalloc_socket("dipc_eth_neigh", sizeof(*t) + size * sizeof(t->e[0]),
			       RTE_CACHE_LINE_SIZE, socket_id);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->mask = size - 1;
	t->max = entries;
	t->ttl = ttl;
	return t;
}

void
dipc_eth_neigh_free(struct dipc_eth_neigh *t)
{
	rte_free(t);
}

static uint32_t
neigh_hash(rte_be32_t ip)
{
	/* Addresses of one subnet differ in their low bits (the last bytes
	 * in network order): a multiplicative hash spreads them. */
	return (uint32_t)(((uint64_t)rte_be_to_cpu_32(ip) * 0x9e3779b1u) >> 16);
}

/* The entry of @ip, or the free entry where it would go (NULL: neither,
 * the table is full and @ip is not in it). */
static struct neigh_entry *
neigh_slot(const struct dipc_eth_neigh *t, rte_be32_t ip)
{
	uint32_t i = neigh_hash(ip) & t->mask, n;

	for (n = 0; n <= t->mask; n++, i = (i + 1) & t->mask) {
		const struct neigh_entry *e = &t->e[i];

		if (e->state == NEIGH_FREE || e->ip == ip)
			return (struct neigh_entry *)(uintptr_t)e;
	}
	return NULL;
}

/* Add or update @ip; static entries win. Returns 0, -ENOSPC. */
static int
neigh_set(struct dipc_eth_neigh *t, rte_be32_t ip, const struct rte_ether_addr *mac,
	  enum neigh_state state, uint64_t now)
{
	struct neigh_entry *e = neigh_slot(t, ip);

	if (e == NULL || (e->state == NEIGH_FREE && t->count >= t->max))
		return -ENOSPC;
	if (e->state == NEIGH_FREE) {
		t->count++;
		e->ip = ip;
	} else if (e->state == NEIGH_STATIC && state != NEIGH_STATIC) {
		return 0;
	}
	e->state = (uint8_t)state;
	rte_ether_addr_copy(mac, &e->mac);
	e->seen = now;
	return 0;
}

int
dipc_eth_neigh_add_static(struct dipc_eth_neigh *t, rte_be32_t ip,
			  const struct rte_ether_addr *mac)
{
	if (t == NULL || mac == NULL || !dipc_eth_ip_is_host(ip) || !mac_is_host(mac))
		return -EINVAL;
	return neigh_set(t, ip, mac, NEIGH_STATIC, 0);
}

int
dipc_eth_neigh_lookup(const struct dipc_eth_neigh *t, rte_be32_t ip, uint64_t now,
		      struct rte_ether_addr *mac)
{
	const struct neigh_entry *e = neigh_slot(t, ip);

	if (e == NULL || e->state == NEIGH_FREE)
		return -ENOENT;
	if (e->state == NEIGH_LEARNED && now - e->seen >= t->ttl)
		return -ENOENT;
	rte_ether_addr_copy(&e->mac, mac);
	return 0;
}

unsigned int
dipc_eth_neigh_count(const struct dipc_eth_neigh *t)
{
	return t->count;
}

static int
count(struct dipc_eth_arp_stats *st, int result)
{
	if (st != NULL && result < 0)
		st->drops[-result]++;
	return result;
}

/* Write the 42 bytes of an ARP frame at @at. */
static void
arp_write(uint8_t *at, const struct rte_ether_addr *eth_dst, uint16_t op,
	  const struct rte_ether_addr *sha, rte_be32_t sip, const struct rte_ether_addr *tha,
	  rte_be32_t tip)
{
	struct arp_frame f;

	rte_ether_addr_copy(eth_dst, &f.eth.dst_addr);
	rte_ether_addr_copy(sha, &f.eth.src_addr);
	f.eth.ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	f.arp.arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	f.arp.arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	f.arp.arp_hlen = RTE_ETHER_ADDR_LEN;
	f.arp.arp_plen = sizeof(rte_be32_t);
	f.arp.arp_opcode = rte_cpu_to_be_16(op);
	rte_ether_addr_copy(sha, &f.arp.arp_data.arp_sha);
	f.arp.arp_data.arp_sip = sip;
	rte_ether_addr_copy(tha, &f.arp.arp_data.arp_tha);
	f.arp.arp_data.arp_tip = tip;
	memcpy(at, &f, sizeof(f));
}

/* Room for a new 42-byte frame in @pool's mbufs: the data room past the
 * headroom. */
static struct rte_mbuf *
arp_alloc(struct rte_mempool *pool)
{
	struct rte_mbuf *m;

	if (rte_pktmbuf_data_room_size(pool) < RTE_PKTMBUF_HEADROOM + DIPC_ETH_ARP_LEN) {
		rte_errno = ENOSPC;
		return NULL;
	}
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL) {
		rte_errno = ENOBUFS;
		return NULL;
	}
	m->data_len = DIPC_ETH_ARP_LEN;
	m->pkt_len = DIPC_ETH_ARP_LEN;
	return m;
}

int
dipc_eth_arp_input(const struct dipc_eth_arp_cfg *cfg, struct dipc_eth_neigh *t,
		   struct rte_mbuf *m, uint64_t now, struct rte_mempool *pool,
		   struct rte_mbuf **reply, struct dipc_eth_arp_stats *st)
{
	struct arp_frame f;
	const void *p;
	rte_be32_t sip, tip;
	struct rte_ether_addr sha;
	uint16_t op;
	int for_us, known;
	struct rte_mbuf *r;

	*reply = NULL;
	if (st != NULL)
		st->rx++;
	/* Once, into private memory (across segments if need be). */
	if (m->pkt_len < DIPC_ETH_ARP_LEN)
		return count(st, DIPC_ETH_ARP_TRUNCATED);
	p = rte_pktmbuf_read(m, 0, sizeof(f), &f);
	if (p == NULL)
		return count(st, DIPC_ETH_ARP_TRUNCATED);
	if (p != &f)
		memcpy(&f, p, sizeof(f));

	if (f.eth.ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP) ||
	    f.arp.arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    f.arp.arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    f.arp.arp_hlen != RTE_ETHER_ADDR_LEN || f.arp.arp_plen != sizeof(rte_be32_t))
		return count(st, DIPC_ETH_ARP_FORMAT);
	op = rte_be_to_cpu_16(f.arp.arp_opcode);
	if (op != RTE_ARP_OP_REQUEST && op != RTE_ARP_OP_REPLY)
		return count(st, DIPC_ETH_ARP_OP);
	rte_ether_addr_copy(&f.arp.arp_data.arp_sha, &sha);
	sip = f.arp.arp_data.arp_sip;
	tip = f.arp.arp_data.arp_tip;
	if (!mac_is_host(&sha) || !mac_is_host(&f.eth.src_addr) || !dipc_eth_ip_is_host(sip))
		return count(st, DIPC_ETH_ARP_SENDER);
	if (sip == cfg->ip)
		return count(st, DIPC_ETH_ARP_CONFLICT);

	/* RFC 826: refresh a sender we know; learn a new one only from a
	 * frame addressed to our address. */
	for_us = tip == cfg->ip;
	{
		const struct neigh_entry *e = neigh_slot(t, sip);

		known = e != NULL && e->state != NEIGH_FREE;
	}
	if (!for_us && !known)
		return count(st, DIPC_ETH_ARP_NOT_OURS);
	if (neigh_set(t, sip, &sha, NEIGH_LEARNED, now) == 0) {
		if (st != NULL)
			st->learned++;
	} else if (st != NULL) {
		st->table_full++;
	}
	if (op != RTE_ARP_OP_REQUEST || !for_us)
		return DIPC_ETH_ARP_DONE;

	/* The reply, in place when the frame is ours alone to rewrite. */
	if (RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1 && m->nb_segs == 1 &&
	    m->next == NULL && m->data_len >= DIPC_ETH_ARP_LEN) {
		r = m;
		r->data_len = DIPC_ETH_ARP_LEN;
		r->pkt_len = DIPC_ETH_ARP_LEN;
		r->ol_flags = 0;
	} else {
		if (pool == NULL || (r = arp_alloc(pool)) == NULL)
			return DIPC_ETH_ARP_DONE;
	}
	arp_write(rte_pktmbuf_mtod(r, uint8_t *), &sha, RTE_ARP_OP_REPLY, &cfg->mac, cfg->ip,
		  &sha, sip);
	*reply = r;
	if (st != NULL)
		st->replies_sent++;
	return DIPC_ETH_ARP_REPLY;
}

struct rte_mbuf *
dipc_eth_arp_request(const struct dipc_eth_arp_cfg *cfg, rte_be32_t ip, struct rte_mempool *pool,
		     struct dipc_eth_arp_stats *st)
{
	static const struct rte_ether_addr bcast = {
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};
	static const struct rte_ether_addr zero;
	struct rte_mbuf *m;

	if (!dipc_eth_ip_is_host(ip)) {
		rte_errno = EINVAL;
		return NULL;
	}
	m = arp_alloc(pool);
	if (m == NULL)
		return NULL;
	arp_write(rte_pktmbuf_mtod(m, uint8_t *), &bcast, RTE_ARP_OP_REQUEST, &cfg->mac, cfg->ip,
		  &zero, ip);
	if (st != NULL)
		st->requests_sent++;
	return m;
}
