/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SHM_H
#define DIPC_SHM_H

/**
 * @file
 * The server's shared state in hugepage memory: what every transport, the
 * server core and its clients share, whatever carries the messages.
 *
 * The primary creates:
 * - the memzone DIPC_SHM_MZ_NAME holding struct dipc_shm and the connection
 *   table that follows it;
 * - the memzone DIPC_STATS_MZ_NAME holding struct dipc_shm_stats (the
 *   server's counters, for dipc-info and telemetry: dipc_shm_stats.h);
 * - the mbuf pools of the size classes, DIPC_POOL_FMT by class index
 *   (class 0, DIPC_POOL_NAME, always; dipc_shm.nb_classes of them, data
 *   rooms ascending, in dipc_shm.class_data_room[]).
 *
 * A transport adds its own: the ring transport, per-connection rings in
 * ring zones (drivers/ring, dipc_ring_proto.h). Connections are admitted
 * on a Unix socket (dipc_shm_admit.h).
 *
 * A client never takes from or puts into an mbuf pool itself: every mbuf
 * it holds was lent by the server, and goes back through the server. So
 * the server knows exactly which mbufs each connection holds, and takes
 * them all back when the connection closes or its process dies.
 *
 * Secondaries look these up by name and never create or free them. Nothing
 * here holds a pointer: pools and zones are found by name, slots by index.
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
/** Name of the memzone holding struct dipc_shm_stats (dipc_shm_stats.h). */
#define DIPC_STATS_MZ_NAME "dipc_stats"
/** Default EAL file prefix shared by server and clients. */
#define DIPC_DEFAULT_FILE_PREFIX "dipc"

/** "DIPCSHM\0" as a little-endian 64-bit integer. */
#define DIPC_SHM_MAGIC 0x004d485343504944ull
/** Version of this layout (dipc_shm and dipc_shm_stats). Bumped on any
 * incompatible change. 3: dipc_shm.start_ns, the memzone DIPC_STATS_MZ_NAME;
 * 4: size classes (nb_classes, class_* and the connections' class_want);
 * 5: admission over the socket (no client-written admission fields), the
 * counters the server publishes in DIPC_STATS_MZ_NAME only; 6: the queue
 * depths in dipc_shm_conn_stats, published by the server; 7: the
 * connection's transport (dipc_shm_conn.transport); 8: the eth port's
 * counters (dipc_shm_stats.eth) and each connection's transport in
 * dipc_shm_conn_stats. */
#define DIPC_SHM_ABI_VERSION 8

/** Transports a connection can use, as dipc_shm_conn.transport holds
 * them: an index, never a function pointer (each process has its own
 * table of what a transport does). */
enum dipc_transport {
	/** Four SP/SC rte_rings per connection in hugepage memory, mbufs lent
	 *  by the server (drivers/ring). */
	DIPC_TRANSPORT_RING = 0,
	/** Ethernet frames through an ethdev port of the server, for clients
	 *  on other hosts (drivers/eth); never given to a local client. */
	DIPC_TRANSPORT_ETH = 1,
	DIPC_TRANSPORT_MAX
};

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
	uint16_t transport;      /**< enum dipc_transport of the connection */
	uint16_t reserved16;     /**< 0 */
	uint32_t reserved[8];    /**< 0 */

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
	 *  Clients that see it stand still for two heartbeat_ms, and their
	 *  connection's worker's poll count too, report the server stopped. */
	uint64_t heartbeat __rte_cache_aligned;

	struct dipc_shm_conn conns[] __rte_cache_aligned; /**< max_conns slots */
};

_Static_assert(sizeof(struct dipc_shm_conn) == 3 * RTE_CACHE_LINE_SIZE,
	       "a slot is three cache lines: admission, server, client");
_Static_assert(offsetof(struct dipc_shm_conn, reserved) + 8 * sizeof(uint32_t) ==
	       RTE_CACHE_LINE_SIZE, "the admission fields fill one cache line");

/**
 * Look up and check the server's shared state (any process).
 *
 * @return
 *   The mapped struct dipc_shm, or NULL with rte_errno set: ENOENT (no
 *   memzone: server not started), EPROTO (bad magic, or a table that does
 *   not fit its memzone), EPROTONOSUPPORT (layout version differs from
 *   DIPC_SHM_ABI_VERSION).
 */
struct dipc_shm *dipc_shm_lookup(void);

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

#endif /* DIPC_SHM_H */
