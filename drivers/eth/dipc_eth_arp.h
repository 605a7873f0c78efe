/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_ETH_ARP_H
#define DIPC_ETH_ARP_H

/**
 * @file
 * ARP for the eth transport, so that two hosts find each other without
 * the kernel: a neighbour table (IPv4 address to MAC address; static
 * entries from the configuration, learned entries that age), answers to
 * requests for the port's own address, and requests for a peer's.
 *
 * A received ARP frame is untrusted: its 42 bytes are copied out of the
 * mbuf once and checked (Ethernet for IPv4, hardware and protocol lengths,
 * operation, a unicast sender MAC, a sender address that is not 0,
 * multicast or broadcast) before anything is learned or answered. Only
 * frames that concern this host teach the table (RFC 826's rule: a
 * request for our address, or any frame from a sender already known);
 * a static entry is never overwritten.
 *
 * Not thread-safe: one lcore owns a table (the server's control lcore,
 * the client's own thread). No function allocates after
 * dipc_eth_neigh_create().
 */

#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bytes of an ARP frame for IPv4 over Ethernet: 14 + 28 (no padding counted). */
#define DIPC_ETH_ARP_LEN 42

/** A neighbour table (opaque). */
struct dipc_eth_neigh;

/** What dipc_eth_arp_input() did with a frame. Negative: dropped, why. */
enum dipc_eth_arp_result {
	DIPC_ETH_ARP_REPLY = 1,   /**< a request for our address: the mbuf is now the reply, send it */
	DIPC_ETH_ARP_DONE = 0,    /**< read (maybe learned from); the caller frees the mbuf */
	DIPC_ETH_ARP_TRUNCATED = -1, /**< shorter than 42 bytes */
	DIPC_ETH_ARP_FORMAT = -2,    /**< not Ethernet/IPv4 ARP (htype, ptype, hlen, plen) */
	DIPC_ETH_ARP_OP = -3,        /**< neither request nor reply */
	DIPC_ETH_ARP_SENDER = -4,    /**< sender MAC a group address, or sender IP 0, multicast or broadcast */
	DIPC_ETH_ARP_NOT_OURS = -5,  /**< about other hosts: ignored */
	DIPC_ETH_ARP_CONFLICT = -6,  /**< someone else claims our address: not learned, not answered */
};

/** Number of result slots in struct dipc_eth_arp_stats (index: -result). */
#define DIPC_ETH_ARP_NB_DROPS 7

/** Counters of one table's owner. */
struct dipc_eth_arp_stats {
	uint64_t rx;            /**< ARP frames given to dipc_eth_arp_input() */
	uint64_t replies_sent;  /**< requests for our address answered */
	uint64_t requests_sent; /**< requests built by dipc_eth_arp_request() */
	uint64_t learned;       /**< entries added or refreshed from frames */
	uint64_t table_full;    /**< senders not learned for want of room */
	uint64_t drops[DIPC_ETH_ARP_NB_DROPS]; /**< per negative result (slot 0 unused) */
};

/** This host's side of ARP on a port: private, set once. */
struct dipc_eth_arp_cfg {
	struct rte_ether_addr mac; /**< the port's MAC */
	rte_be32_t ip;             /**< the port's IPv4 address (network order), not 0 */
};

/**
 * Create a neighbour table.
 *
 * @param entries
 *   Entries at most, 1..65536.
 * @param ttl
 *   Age after which a learned entry is no longer used, in the unit of the
 *   @p now arguments (e.g. TSC cycles); static entries never age.
 * @param socket_id
 *   NUMA socket of its memory (SOCKET_ID_ANY).
 * @return
 *   The table, or NULL with rte_errno set (EINVAL, ENOMEM).
 */
struct dipc_eth_neigh *dipc_eth_neigh_create(unsigned int entries, uint64_t ttl, int socket_id);

/**
 * Free a neighbour table.
 *
 * @param t
 *   The table, or NULL.
 */
void dipc_eth_neigh_free(struct dipc_eth_neigh *t);

/**
 * Add or replace a static entry (from the configuration).
 *
 * @param t
 *   The table.
 * @param ip
 *   IPv4 address (network order): not 0, multicast or broadcast.
 * @param mac
 *   Its MAC address: unicast, not zero.
 * @return
 *   0, -EINVAL (an address above is not one a host has), -ENOSPC (table full).
 */
int dipc_eth_neigh_add_static(struct dipc_eth_neigh *t, rte_be32_t ip,
			      const struct rte_ether_addr *mac);

/**
 * Look an address up.
 *
 * @param t
 *   The table.
 * @param ip
 *   IPv4 address (network order).
 * @param now
 *   Current time, in the table's ttl unit.
 * @param[out] mac
 *   Its MAC address, when found.
 * @return
 *   0 (static, or learned less than ttl ago), -ENOENT (unknown, or aged:
 *   ask again with dipc_eth_arp_request()).
 */
int dipc_eth_neigh_lookup(const struct dipc_eth_neigh *t, rte_be32_t ip, uint64_t now,
			  struct rte_ether_addr *mac);

/**
 * Entries in use (static and learned, aged ones included).
 *
 * @param t
 *   The table.
 * @return
 *   Number of entries.
 */
unsigned int dipc_eth_neigh_count(const struct dipc_eth_neigh *t);

/**
 * Take a received ARP frame (dipc_eth_frame_parse() said DIPC_ETH_DROP_ARP).
 *
 * Learns the sender when the frame concerns this host (a request for
 * @p cfg's address, or a sender the table knows: refreshed) and the
 * sender's address is not ours. A request for our address is turned
 * into the reply in place when @p m is one direct segment held once,
 * otherwise built in a new mbuf from @p pool (then @p m stays the
 * caller's to free and *reply is the new mbuf).
 *
 * @param cfg
 *   This host's MAC and address on the port.
 * @param t
 *   The neighbour table.
 * @param m
 *   The frame. Not freed here.
 * @param now
 *   Current time, in the table's ttl unit.
 * @param pool
 *   Pool for a reply that cannot be written in place (may be NULL: then
 *   no reply in that case, counted as DIPC_ETH_ARP_DONE).
 * @param[out] reply
 *   With DIPC_ETH_ARP_REPLY: the reply to send, @p m itself or a new mbuf.
 * @param st
 *   Counters (may be NULL).
 * @return
 *   enum dipc_eth_arp_result.
 */
int dipc_eth_arp_input(const struct dipc_eth_arp_cfg *cfg, struct dipc_eth_neigh *t,
		       struct rte_mbuf *m, uint64_t now, struct rte_mempool *pool,
		       struct rte_mbuf **reply, struct dipc_eth_arp_stats *st);

/**
 * Build a broadcast request for @p ip's MAC address.
 *
 * @param cfg
 *   This host's MAC and address on the port.
 * @param ip
 *   The address asked for (network order).
 * @param pool
 *   Pool of the new mbuf (at least 42 bytes of data room past the headroom).
 * @param st
 *   Counters (may be NULL).
 * @return
 *   The request (42 bytes), or NULL with rte_errno set: EINVAL (@p ip 0,
 *   multicast or broadcast), ENOBUFS (pool empty), ENOSPC (data room).
 */
struct rte_mbuf *dipc_eth_arp_request(const struct dipc_eth_arp_cfg *cfg, rte_be32_t ip,
				      struct rte_mempool *pool, struct dipc_eth_arp_stats *st);

/**
 * Name of a dipc_eth_arp_input() result, for counters and logs.
 *
 * @param result
 *   Any value.
 * @return
 *   A constant string ("unknown" outside the enum).
 */
const char *dipc_eth_arp_result_name(int result);

/**
 * Whether an IPv4 address may be a host's: not 0.0.0.0, 224.0.0.0/4 or
 * 255.255.255.255.
 *
 * @param ip
 *   The address (network order).
 * @return
 *   1 or 0.
 */
int dipc_eth_ip_is_host(rte_be32_t ip);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_ETH_ARP_H */
