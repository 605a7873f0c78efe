/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_INFO_H
#define DIPC_INFO_H

/**
 * @file
 * A read-only snapshot of a running dipc server, taken from its shared
 * memory: identity and uptime, admission counters, workers, the open
 * connections with their queue depths, the pools, and the validation
 * counters. dipc-info (a secondary process) and the server's /dipc/
 * telemetry commands both print what dipc_info_collect() fills, so they
 * show the same figures. Every counter comes from what the server
 * publishes from its own memory (the memzone DIPC_STATS_MZ_NAME), except
 * those marked client-reported, which a client writes into its own slot.
 *
 * Collecting writes nothing into the server's shared objects and creates
 * nothing: it looks objects up by name and reads them. Counters are read
 * while the server runs, so the snapshot is not atomic across fields.
 */

#include <stdint.h>

#include <rte_mempool.h>

#include "dipc_shm.h"
#include "dipc_shm_stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Most mbuf pools (size classes) a snapshot lists. */
#define DIPC_INFO_MAX_POOLS 16

/** One open connection (a slot not FREE). */
struct dipc_info_conn {
	uint32_t slot;         /**< slot index */
	uint32_t state;        /**< enum dipc_conn_state */
	int32_t pid;           /**< client process (the kernel's word, at admission) */
	uint32_t uid;          /**< its uid (the kernel's word) */
	uint32_t gid;          /**< its gid (the kernel's word) */
	uint32_t worker;       /**< owning worker index */
	uint32_t generation;   /**< admissions on this slot */
	uint32_t transport;    /**< enum dipc_transport (dipc_info_transport_name()) */
	uint32_t window;       /**< granted mbufs in flight */
	uint32_t depth;        /**< granted ring depth (0 over eth) */
	uint32_t req_queued;   /**< requests waiting in the request ring */
	uint32_t rsp_queued;   /**< responses waiting in the response ring */
	uint32_t alloc_queued; /**< lent mbufs the client has not taken yet */
	uint32_t free_queued;  /**< mbufs given back, not yet taken by the server */
	uint64_t rx_msgs;      /**< requests the server dequeued */
	uint64_t tx_msgs;      /**< responses the server enqueued */
	uint64_t invalid_msgs; /**< requests rejected (answered with an error or dropped) */
	uint64_t stalls;       /**< polls the response ring was full */
	uint64_t given_back;   /**< mbufs the client gave back */
	uint64_t lend_refused; /**< asks for more mbufs beyond the window */
	uint64_t bad_chains;   /**< chained requests dropped whole */
	uint32_t lent;         /**< mbufs lent to it now */
	/** Requests the client enqueued: client-reported (read from the
	 *  client's own slot, which it may write anything into). */
	uint64_t client_tx;
	/** Responses the client dequeued: client-reported. */
	uint64_t client_rx;
	/** ns since the client's last heartbeat; -1 if it never beat
	 *  (client-reported). */
	int64_t heartbeat_age_ns;
};

/** One worker lcore. */
struct dipc_info_worker {
	uint32_t index;       /**< worker index */
	uint32_t lcore;       /**< lcore id */
	uint32_t nb_conns;    /**< open connections it owns */
	uint64_t polls;       /**< passes over its connections */
	uint64_t busy_polls;  /**< passes that found work */
	uint64_t idle_sleeps; /**< sleeps when idle */
	uint64_t rx_msgs;     /**< requests on the connections it owns now */
	uint64_t tx_msgs;     /**< responses on the connections it owns now */
	uint64_t invalid;     /**< requests it answered with an error */
	uint64_t dropped;     /**< pointers it did not touch */
};

/** One mbuf pool (size class): DIPC_POOL_NAME and its siblings. */
struct dipc_info_pool {
	char name[RTE_MEMPOOL_NAMESIZE]; /**< dipc_pool_N */
	uint32_t size;       /**< mbufs */
	uint32_t avail;      /**< in the pool (ring and lcore caches) */
	uint32_t in_use;     /**< size - avail: lent, in flight, held by the server */
	uint32_t data_room;  /**< bytes per mbuf, headroom included */
};

/** A snapshot of the server. */
struct dipc_info {
	/* Identity. */
	uint32_t abi_version;     /**< the server's DIPC_SHM_ABI_VERSION */
	uint32_t state;           /**< enum dipc_server_state */
	uint64_t epoch;           /**< unique per server start */
	int32_t server_pid;       /**< the primary */
	uint64_t uptime_ns;       /**< since the server started */
	uint64_t heartbeat_age_ns; /**< since the control lcore's last pass */
	/* Configuration. */
	uint32_t max_conns, nb_ready, ring_size, nb_workers, pool_size, data_room, conn_mbufs;
	uint32_t heartbeat_ms, token_required;
	uint16_t msg_version_min, msg_version_max;
	/** Admission and control counters (dipc_shm_stats.control). */
	struct {
		uint64_t admitted, refused, refused_version, refused_token, refused_shutdown;
		uint64_t refused_full, refused_pid, refused_uid, refused_proto;
		uint64_t slots_created, stalled, stall_closed, moved, reused;
		uint64_t closed, dead, reclaimed_mbufs, grow_failed, bad_slot_state;
	} control;
	/* Messages: open connections plus those closed before. */
	uint64_t rx_msgs, tx_msgs, invalid_msgs, rsp_full, given_back;
	/** Requests answered with an error, by enum dipc_status (0 unused). */
	uint64_t invalid_by_status[DIPC_STATS_NB_STATUS];
	/** Pointers not touched, by DIPC_STATS_DROP_*. */
	uint64_t dropped[DIPC_STATS_NB_DROP];
	uint32_t nb_status; /**< statuses the server counts */
	uint32_t nb_drop;   /**< drop reasons the server counts */
	/* Tables (allocated by dipc_info_collect()). */
	uint32_t nb_conns;                /**< open connections */
	struct dipc_info_conn *conns;     /**< [nb_conns], by slot */
	struct dipc_info_worker *workers; /**< [nb_workers] */
	uint32_t nb_pools;
	struct dipc_info_pool pools[DIPC_INFO_MAX_POOLS];
	uint32_t nb_memzones;             /**< memzones in the process's view (all of EAL's) */
	/** The eth transport's port and counters (eth.active 0: none); the
	 *  names NUL-terminated and nb_drop within bounds once collected. */
	struct dipc_shm_eth_stats eth;
};

/**
 * Take a snapshot of the server on this file prefix (after rte_eal_init(),
 * primary or secondary).
 *
 * @param[out] info
 *   Filled; release with dipc_info_free().
 * @return
 *   0, or a negative errno: -ENOENT (no memzone DIPC_SHM_MZ_NAME: not a
 *   dipc server), -EPROTO (memory not laid out as expected),
 *   -EPROTONOSUPPORT (the server's layout version is not
 *   DIPC_SHM_ABI_VERSION; info->abi_version says which it is), -ENOMEM.
 */
int dipc_info_collect(struct dipc_info *info);

/** Free the tables of a snapshot. */
void dipc_info_free(struct dipc_info *info);

/** "starting", "running", "stopping", "stopped" or "unknown". */
const char *dipc_info_state_name(uint32_t state);

/** "free", "active", "closing", "revoked", "unknown". */
const char *dipc_info_conn_state_name(uint32_t state);

/** "ring", "eth" or "unknown" (enum dipc_transport). */
const char *dipc_info_transport_name(uint32_t transport);

/** A short key for an enum dipc_status ("bad_magic", ...), or NULL if unnamed. */
const char *dipc_info_status_key(unsigned int status);

/** A short key for a DIPC_STATS_DROP_* reason ("not_mbuf", ...), or NULL if unnamed. */
const char *dipc_info_drop_key(unsigned int reason);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_INFO_H */
