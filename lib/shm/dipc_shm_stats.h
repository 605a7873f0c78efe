/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SHM_STATS_H
#define DIPC_SHM_STATS_H

/**
 * @file
 * The memzone DIPC_STATS_MZ_NAME: what the server counts, created and
 * written by the server alone, read by dipc-info and telemetry.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#include "dipc_shm.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Room for the header statuses (enum dipc_status) in the counters below. */
#define DIPC_STATS_NB_STATUS 16
/** Room for the reasons a dequeued pointer was not a message (not answerable). */
#define DIPC_STATS_NB_DROP 4
/** Index in dipc_shm_worker_stats.dropped: not an object of the dipc pool. */
#define DIPC_STATS_DROP_NOT_MBUF 0
/** Index in dipc_shm_worker_stats.dropped: an mbuf not lent to that connection. */
#define DIPC_STATS_DROP_NOT_LENT 1
/** A chain that failed a check: its body dropped whole, its head answered. */
#define DIPC_STATS_DROP_BAD_CHAIN 2

/** Room for the eth transport's drop reasons in dipc_shm_eth_stats. */
#define DIPC_STATS_NB_ETH_DROP 48
/** Room for a drop reason's name, NUL included. */
#define DIPC_STATS_DROP_NAME_LEN 16

/**
 * The eth transport's port and counters (all zero without a port),
 * published by the control lcore from the server's own memory: the frame
 * layer's and the transport's counters summed over the workers. The drop
 * reasons come with their names, so that a reader needs no eth code.
 */
struct dipc_shm_eth_stats {
	uint32_t active;        /**< 1: the server has an eth port */
	uint16_t port_id;       /**< its ethdev port */
	uint16_t mtu;           /**< IP MTU */
	uint8_t mac[6];         /**< its MAC address */
	uint16_t udp_port;      /**< UDP port of dipc frames (host order) */
	uint32_t ip;            /**< its IPv4 address (network order) */
	uint32_t offloads;      /**< DIPC_ETH_PORT_OFL_* in use */
	char driver[32];        /**< the port's driver */
	uint64_t frames_in;     /**< frames received */
	uint64_t frames_out;    /**< frames sent (answers and control frames) */
	uint64_t msgs_in;       /**< whole messages received */
	uint64_t msgs_reassembled; /**< ... of which made of several frames */
	uint64_t partials_expired; /**< partial messages whose rest never came */
	uint64_t hellos, challenges, proofs; /**< admission frames */
	uint64_t admitted, refused;          /**< admissions over the wire */
	uint64_t pings_in, pongs_out, closes_in; /**< heartbeats and closes from peers */
	uint64_t silent;        /**< connections closed: their peer went silent */
	uint64_t bad_control;   /**< control frames malformed or out of place */
	uint64_t ctl_tx_dropped; /**< control frames that could not be sent */
	uint64_t arp_in, arp_replies; /**< ARP frames received, requests answered */
	uint32_t pool_size;     /**< mbufs of the port's own pool */
	uint32_t pool_free;     /**< ... in it now */
	uint32_t nb_drop;       /**< entries of drops[] and drop_names[] in use */
	uint32_t kept;          /**< mbufs of the pool kept for answers that may be sent
				 *   again (was reserved, 0, in layout 8's first servers) */
	uint64_t drops[DIPC_STATS_NB_ETH_DROP]; /**< frames dropped, by reason */
	char drop_names[DIPC_STATS_NB_ETH_DROP][DIPC_STATS_DROP_NAME_LEN]; /**< their names */
} __rte_cache_aligned;

/**
 * One worker's counters, written only by that worker (plain increments on
 * lines no other lcore writes), read by anyone: dipc-info, telemetry.
 */
struct dipc_shm_worker_stats {
	uint32_t lcore;       /**< lcore id (set before the worker starts) */
	uint32_t index;       /**< worker index, as in dipc_shm_conn.worker */
	uint64_t polls;       /**< passes over its connections */
	uint64_t busy_polls;  /**< ... of which found work */
	uint64_t idle_sleeps; /**< sleeps when idle (idle = backoff) */
	/** Requests answered with this error status (enum dipc_status). */
	uint64_t invalid[DIPC_STATS_NB_STATUS];
	/** Pointers from a client's ring not touched, by DIPC_STATS_DROP_*. */
	uint64_t dropped[DIPC_STATS_NB_DROP];
} __rte_cache_aligned;

/**
 * A connection as the server sees it, published by the control lcore from
 * its own memory (every millisecond or so) for dipc-info and telemetry.
 * Never read back by the server.
 */
struct dipc_shm_conn_stats {
	uint32_t state;        /**< enum dipc_conn_state, the server's view; FREE if unused */
	int32_t pid;           /**< the client's pid (the kernel's word) */
	uint32_t uid;          /**< its uid and gid (the kernel's word) */
	uint32_t gid;
	uint32_t worker;       /**< owning worker index */
	uint32_t generation;   /**< admissions on this slot */
	uint32_t window;       /**< granted mbufs in flight */
	uint32_t depth;        /**< granted ring depth */
	uint32_t lent;         /**< mbufs lent to it now */
	/**
	 * Entries waiting in each of its transport's queues (the ring
	 * transport: request, response, alloc and free rings), from the
	 * server's own index and the client's: a client that scribbles on its
	 * ring can make these wrong, never larger than the queue.
	 */
	uint32_t req_queued;
	uint32_t rsp_queued;   /**< see req_queued */
	uint32_t alloc_queued; /**< see req_queued */
	uint32_t free_queued;  /**< see req_queued */
	uint32_t transport;    /**< enum dipc_transport of the connection */
	uint64_t rx_msgs;      /**< requests dequeued */
	uint64_t tx_msgs;      /**< responses enqueued */
	uint64_t invalid_msgs; /**< requests answered with an error or not touched */
	uint64_t rsp_full;     /**< polls that read nothing: response ring full */
	uint64_t given_back;   /**< mbufs the client gave back */
	uint64_t lend_refused; /**< asks for mbufs beyond its share */
	uint64_t bad_chains;   /**< chained requests dropped whole */
} __rte_cache_aligned;

/**
 * The memzone DIPC_STATS_MZ_NAME: what the server counts, published by
 * it; created and written only by the server. Kept apart from dipc_shm
 * (the table clients use) so that a client's own slot holds nothing the
 * server reports as its own figure.
 */
struct dipc_shm_stats {
	uint64_t magic;       /**< DIPC_SHM_MAGIC */
	uint32_t abi_version; /**< DIPC_SHM_ABI_VERSION */
	uint32_t nb_workers;  /**< entries in workers[] */
	uint32_t nb_status;   /**< DIPC_STATS_NB_STATUS */
	uint32_t nb_drop;     /**< DIPC_STATS_NB_DROP */
	uint32_t max_conns;   /**< entries in the connection table (dipc_shm_stats_conns()) */
	uint32_t reserved;

	/** Admission and control counters. */
	struct dipc_shm_control_counters {
		uint64_t admitted;
		uint64_t refused;          /**< all refusals, of which: */
		uint64_t refused_version;  /**< no common protocol version */
		uint64_t refused_token;    /**< no or wrong token proof */
		uint64_t refused_shutdown; /**< server stopping */
		uint64_t refused_full;     /**< no free slot */
		uint64_t refused_pid;      /**< the pid in HELLO was not the caller's */
		uint64_t refused_uid;      /**< uid and gid not allowed */
		uint64_t refused_proto;    /**< malformed or late admission messages */
		uint64_t slots_created;    /**< slots with rings (nb_ready) */
		uint64_t stalled;          /**< clients found not reading (reported) */
		uint64_t stall_closed;     /**< ... of which disconnected by policy */
		uint64_t moved;            /**< connections moved to another worker */
		uint64_t reused;           /**< admissions onto a slot used before */
		uint64_t closed;
		uint64_t dead;             /**< connections whose process died */
		uint64_t reclaimed_mbufs;  /**< mbufs taken back from closed connections */
		uint64_t grow_failed;      /**< attempts to add slots that failed (memory) */
		uint64_t bad_slot_state;   /**< shared slot states a client corrupted */
	} control __rte_cache_aligned;

	/** What connections that closed had counted (their slots' counters
	 *  start again at the next admission). */
	struct {
		uint64_t rx_msgs;
		uint64_t tx_msgs;
		uint64_t invalid_msgs;
		uint64_t rsp_full;
		uint64_t given_back;
	} closed __rte_cache_aligned;

	/** The eth transport's port, if any. */
	struct dipc_shm_eth_stats eth;

	struct dipc_shm_worker_stats workers[] __rte_cache_aligned; /**< nb_workers */
	/* Then, cache-aligned, max_conns struct dipc_shm_conn_stats:
	 * dipc_shm_stats_conns(). */
};

/** Bytes of the memzone DIPC_STATS_MZ_NAME for @p nb_workers and @p max_conns. */
static inline size_t
dipc_shm_stats_size(uint32_t nb_workers, uint32_t max_conns)
{
	return RTE_ALIGN_CEIL(sizeof(struct dipc_shm_stats) +
				      (size_t)nb_workers * sizeof(struct dipc_shm_worker_stats),
			      RTE_CACHE_LINE_SIZE) +
	       (size_t)max_conns * sizeof(struct dipc_shm_conn_stats);
}

/** The connection table of the memzone DIPC_STATS_MZ_NAME. */
static inline struct dipc_shm_conn_stats *
dipc_shm_stats_conns(const struct dipc_shm_stats *st)
{
	return (struct dipc_shm_conn_stats *)(uintptr_t)((const char *)st +
		RTE_ALIGN_CEIL(sizeof(*st) + (size_t)st->nb_workers *
					     sizeof(struct dipc_shm_worker_stats),
			       RTE_CACHE_LINE_SIZE));
}

#ifdef __cplusplus
}
#endif

#endif /* DIPC_SHM_STATS_H */
