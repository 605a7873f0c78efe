/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_RING_PROTO_H
#define DIPC_RING_PROTO_H

/**
 * @file
 * Shared-memory layout of the ring transport: the only coupling between the
 * dipc server (DPDK primary) and its clients (DPDK secondaries).
 *
 * The primary creates, in hugepage memory:
 * - the memzone DIPC_SHM_MZ_NAME holding struct dipc_shm and the connection
 *   table that follows it;
 * - the memzone DIPC_STATS_MZ_NAME holding struct dipc_shm_stats (the
 *   workers' counters, for dipc-info and telemetry);
 * - the mbuf pools of the size classes, DIPC_POOL_FMT by class index
 *   (class 0, DIPC_POOL_NAME, always; dipc_shm.nb_classes of them, data
 *   rooms ascending, in dipc_shm.class_data_room[]);
 * - for each connection slot i, four single-producer/single-consumer rings
 *   (in ring zones: memzones DIPC_RING_ZONE_FMT, slots_per_zone slots each,
 *   created as the pool of slots grows):
 *   requests (client -> server, DIPC_REQ_RING_FMT), responses (server ->
 *   client, DIPC_RSP_RING_FMT), mbufs the server lends the client
 *   (DIPC_ALLOC_RING_FMT) and mbufs the client gives back
 *   (DIPC_FREE_RING_FMT).
 *
 * A client never takes from or puts into the mbuf pool itself: every mbuf
 * it holds was lent by the server (alloc ring, or a response), and goes back
 * through the server (a request, or the free ring). So the server knows
 * exactly which mbufs each connection holds, and takes them all back when
 * the connection closes or its process dies.
 *
 * Secondaries look these up by name and never create or free them. Nothing
 * here holds a pointer: pools and ring zones are found by name, slots by index.
 *
 * A client asks for a connection on the admission socket
 * (DIPC_ADMIT_SOCK_NAME in the EAL runtime directory), not through shared
 * memory: the kernel tells the server who connected (SO_PEERCRED: pid,
 * uid, gid), and the server picks the slot. The socket stays open while
 * the connection lives; closing it (or dying) ends the connection.
 *
 * Connection slot life cycle (who moves it, in brackets; every move is a
 * compare-and-swap from the state the mover expects):
 * @code
 *  FREE --(control, admission on the socket)--> ACTIVE
 *  ACTIVE --(client)--> CLOSE_REQ --(control, after the worker let go)--> FREE
 *  ACTIVE --(client process dies or its socket closes; control)--> FREE
 *  ACTIVE --(control: client stopped reading, stall_policy disconnect)--> REVOKED
 *  REVOKED --(client closes)--> CLOSE_REQ; REVOKED --(client dies)--> FREE
 * @endcode
 *
 * When a slot goes back to FREE the server has taken back every mbuf it lent
 * to the connection, wherever it was. The server decides from its own
 * private view of each slot; the shared state word is only what a client
 * asks for (CLOSE_REQ) and what the server publishes.
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Name of the memzone holding struct dipc_shm. */
#define DIPC_SHM_MZ_NAME "dipc_shm"
/** Name of the mbuf pool of size class 0 (the smallest, and the default one). */
#define DIPC_POOL_NAME "dipc_pool_0"
/** Mbuf pool name template, by size class index. */
#define DIPC_POOL_FMT "dipc_pool_%u"
/** Most size classes (mbuf pools of different data rooms) a server offers. */
#define DIPC_MAX_CLASSES 4
/** Request ring name template, by slot index. */
#define DIPC_REQ_RING_FMT "dipc_req_%u"
/** Response ring name template, by slot index. */
#define DIPC_RSP_RING_FMT "dipc_rsp_%u"
/** Ring of mbufs lent to the client, by slot index. */
#define DIPC_ALLOC_RING_FMT "dipc_alc_%u"
/** Ring of mbufs the client gives back, by slot index. */
#define DIPC_FREE_RING_FMT "dipc_fre_%u"
/** Memzone holding the rings of dipc_shm.slots_per_zone slots, by zone index. */
#define DIPC_RING_ZONE_FMT "dipc_rings_%u"
/** Name of the memzone holding struct dipc_shm_stats (the workers' counters). */
#define DIPC_STATS_MZ_NAME "dipc_stats"
/** Default EAL file prefix shared by server and clients. */
#define DIPC_DEFAULT_FILE_PREFIX "dipc"

/** "DIPCSHM\0" as a little-endian 64-bit integer. */
#define DIPC_SHM_MAGIC 0x004d485343504944ull
/** Version of this layout (dipc_shm and dipc_shm_stats). Bumped on any
 * incompatible change. 3: dipc_shm.start_ns, the memzone DIPC_STATS_MZ_NAME;
 * 4: size classes (nb_classes, class_* and the connections' class_want);
 * 5: admission over the socket (no client-written admission fields), the
 * counters the server publishes in DIPC_STATS_MZ_NAME only. */
#define DIPC_SHM_ABI_VERSION 5

/** Server states, in dipc_shm.state. */
enum dipc_server_state {
	DIPC_SERVER_STARTING = 0, /**< memzone created, not admitting yet */
	DIPC_SERVER_RUNNING = 1,  /**< admitting and serving */
	DIPC_SERVER_STOPPING = 2, /**< refusing new connections, draining */
	DIPC_SERVER_STOPPED = 3,  /**< workers stopped; no more responses */
};

/** Connection slot states, in dipc_shm_conn.state (1, 2 and 4 were used
 * by admission through shared memory, before layout 5). */
enum dipc_conn_state {
	DIPC_CONN_FREE = 0,
	DIPC_CONN_ACTIVE = 3,    /**< admitted; rings in use */
	DIPC_CONN_CLOSE_REQ = 5, /**< client is done; server reclaims */
	/** The server stopped serving the connection (its client stopped
	 * reading, and policy says disconnect); its mbufs stay lent until the
	 * client closes (CLOSE_REQ) or dies. */
	DIPC_CONN_REVOKED = 6,
};

/**
 * One connection slot. Fields are grouped by writer so that no two
 * processes write the same cache line on the fast path.
 */
struct dipc_shm_conn {
	/* Grants: written by the control lcore before it publishes ACTIVE
	 * (release on state); the client reads them once it was told its slot
	 * on the admission socket. */
	uint32_t state;          /**< enum dipc_conn_state */
	uint32_t generation;     /**< bumped on every admission */
	int32_t client_pid;      /**< pid admitted (the kernel's word, SO_PEERCRED) */
	uint16_t worker;         /**< index of the worker that owns the slot */
	uint16_t version;        /**< the message version both speak (the newest) */
	uint32_t window;         /**< most mbufs the connection may hold */
	uint32_t depth;          /**< usable entries of each ring */
	/**
	 * Bumped by the client when it ran out of free mbufs: the owning
	 * worker then lends it more, up to the granted window. On this
	 * rarely written line so that the worker can read it every poll.
	 */
	uint32_t lend_want;
	uint32_t reserved[9];    /**< 0 */

	/* Written only by the owning worker: what the client must know. */
	struct {
		/** Bumped when the client asked for more mbufs than its share
		 *  (lend_want or class_want): it should not wait for them. */
		uint64_t lend_refused;
	} server __rte_cache_aligned;

	/* Written only by the client; the server reads lend_want and
	 * class_want, and reports the rest as client-reported. */
	struct {
		uint64_t tx_msgs;   /**< requests enqueued (client-reported) */
		uint64_t rx_msgs;   /**< responses dequeued (client-reported) */
		uint64_t heartbeat; /**< CLOCK_MONOTONIC ns of the client's last check */
		/**
		 * Mbufs of each size class the client asked to be lent, a running
		 * count (class 0 is not used: its lending follows lend_want). The
		 * client raises it, then bumps lend_want; the worker lends the
		 * difference from what it served, within the window, on the
		 * alloc ring, and bumps server.lend_refused if it could not.
		 */
		uint32_t class_want[DIPC_MAX_CLASSES];
	} client __rte_cache_aligned;
} __rte_cache_aligned;

/** The memzone DIPC_SHM_MZ_NAME: server identity, config snapshot, slots. */
struct dipc_shm {
	uint64_t magic;        /**< DIPC_SHM_MAGIC */
	uint32_t abi_version;  /**< DIPC_SHM_ABI_VERSION */
	uint32_t state;        /**< enum dipc_server_state */
	uint64_t epoch;        /**< unique per server start; a change means restart */
	int32_t server_pid;    /**< pid of the primary */
	uint16_t msg_version_min; /**< oldest message version served */
	uint16_t msg_version_max; /**< newest message version served */
	uint32_t token_required; /**< 1: clients must prove the token (dipc_token.h) */
	uint32_t max_conns;    /**< slots in conns[] */
	uint32_t slots_per_zone; /**< slots whose rings share one memzone */
	uint32_t nb_ready;     /**< slots 0..nb_ready-1 have rings (control, release) */
	uint32_t heartbeat_ms; /**< the control lcore beats at least this often */
	uint32_t ring_size;    /**< entries per ring */
	uint32_t nb_workers;   /**< worker lcores */
	uint32_t pool_size;    /**< mbufs in DIPC_POOL_NAME (class 0) */
	uint32_t data_room;    /**< mbuf data room of class 0, headroom included */
	uint32_t conn_mbufs;   /**< most mbufs one connection may hold (largest window) */
	uint32_t nb_classes;   /**< size classes, 1..DIPC_MAX_CLASSES */
	uint32_t reserved;     /**< 0 */
	uint64_t start_ns;     /**< CLOCK_MONOTONIC ns when the server started (uptime) */
	/** Data room of each class (headroom included), strictly ascending. */
	uint32_t class_data_room[DIPC_MAX_CLASSES];
	uint32_t class_pool_size[DIPC_MAX_CLASSES]; /**< mbufs in each class's pool */

	/** Written only by the control lcore, every pass: CLOCK_MONOTONIC ns.
	 *  Clients that see it stand still for two heartbeat_ms report the
	 *  server stopped. */
	uint64_t heartbeat __rte_cache_aligned;

	struct dipc_shm_conn conns[] __rte_cache_aligned; /**< max_conns slots */
};

/**
 * @name Admission socket
 * A client asks for a connection over a Unix socket of type
 * SOCK_SEQPACKET, one struct dipc_admit_msg per message:
 * @code
 *  client: HELLO  ->  server: CHALLENGE  ->  client: PROOF  ->  server: RESULT
 * @endcode
 * The server learns the client's pid, uid and gid from the kernel
 * (SO_PEERCRED), refuses a HELLO whose pid is not that one, admits by its
 * uid/gid rules and the token (a proof over the CHALLENGE's nonce: the
 * token itself never travels), and answers with the slot. The client
 * keeps the socket open while the connection lives.
 * @{
 */
/** Name of the admission socket in the EAL runtime directory of the prefix. */
#define DIPC_ADMIT_SOCK_NAME "dipc_admit"
/** "DIPA" read as a little-endian 32-bit integer. */
#define DIPC_ADMIT_MAGIC 0x41504944u
/** Version of the admission messages. */
#define DIPC_ADMIT_VERSION 1

/** Admission message types, in dipc_admit_msg.type. */
enum dipc_admit_type {
	DIPC_ADMIT_HELLO = 1,     /**< client: who it says it is, what it wants */
	DIPC_ADMIT_CHALLENGE = 2, /**< server: the nonce to prove the token over */
	DIPC_ADMIT_PROOF = 3,     /**< client: dipc_token_mac() over the nonce, or 0 */
	DIPC_ADMIT_RESULT = 4,    /**< server: admitted on a slot, or refused */
};

/** One admission message (little-endian, exactly this size). */
struct dipc_admit_msg {
	uint32_t magic;   /**< DIPC_ADMIT_MAGIC */
	uint16_t version; /**< DIPC_ADMIT_VERSION */
	uint16_t type;    /**< enum dipc_admit_type */
	union {
		/** DIPC_ADMIT_HELLO */
		struct {
			int32_t pid;              /**< the client's own pid */
			uint16_t msg_version_min; /**< message versions it speaks */
			uint16_t msg_version_max;
			uint32_t want_window;     /**< mbufs in flight asked; 0 = most */
			uint32_t want_depth;      /**< ring depth asked; 0 = the server's */
			uint64_t epoch;           /**< dipc_shm.epoch the client mapped */
		} hello;
		/** DIPC_ADMIT_CHALLENGE */
		struct {
			uint64_t nonce;           /**< fresh random value */
			uint32_t token_required;  /**< 1: the proof must be right */
		} challenge;
		/** DIPC_ADMIT_PROOF */
		struct {
			uint64_t token_mac;       /**< dipc_token_mac(token, nonce, 0, pid) */
		} proof;
		/** DIPC_ADMIT_RESULT */
		struct {
			int32_t status;           /**< 0, or a negative errno: why refused */
			uint32_t slot;            /**< admitted: the slot */
			uint32_t generation;      /**< its generation now */
			uint16_t version;         /**< granted message version */
			uint16_t reserved;
			uint32_t window;          /**< granted window */
			uint32_t depth;           /**< granted ring depth */
			uint64_t epoch;           /**< the server's epoch */
		} result;
		uint8_t raw[40];
	};
};
/** @} */

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
	uint32_t reserved;
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

_Static_assert(sizeof(struct dipc_shm_conn) == 3 * RTE_CACHE_LINE_SIZE,
	       "a slot is three cache lines: admission, server, client");
_Static_assert(offsetof(struct dipc_shm_conn, reserved) + 9 * sizeof(uint32_t) ==
	       RTE_CACHE_LINE_SIZE, "the admission fields fill one cache line");
_Static_assert(sizeof(struct dipc_admit_msg) == 48, "admission messages are 48 bytes");

/**
 * Load a state word written by another process.
 *
 * Acquire: the fields the writer filled before publishing the state are
 * visible once the new state is.
 */
static __rte_always_inline uint32_t
dipc_shm_load_state(const uint32_t *state)
{
	return __atomic_load_n(state, __ATOMIC_ACQUIRE);
}

/**
 * Publish a state word to another process.
 *
 * Release: every field written before this store is visible to a reader
 * that sees the new state.
 */
static __rte_always_inline void
dipc_shm_store_state(uint32_t *state, uint32_t value)
{
	__atomic_store_n(state, value, __ATOMIC_RELEASE);
}

/**
 * Move a state word from one value to another if nobody else moved it.
 *
 * @return
 *   1 if the state was @p from and is now @p to, 0 otherwise.
 */
static __rte_always_inline int
dipc_shm_cas_state(uint32_t *state, uint32_t from, uint32_t to)
{
	return __atomic_compare_exchange_n(state, &from, to, 0, __ATOMIC_ACQ_REL,
					   __ATOMIC_ACQUIRE);
}

#ifdef __cplusplus
}
#endif

#endif /* DIPC_RING_PROTO_H */
