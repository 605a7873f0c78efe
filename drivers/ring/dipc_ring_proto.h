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
 * Connection slot life cycle (who moves it, in brackets):
 * @code
 *  FREE --(client CAS)--> CLAIMING --(client)--> REQUESTED
 *  REQUESTED --(control)--> ACTIVE | REFUSED
 *  REFUSED --(client reads reason)--> FREE
 *  ACTIVE --(client)--> CLOSE_REQ --(control, after the worker let go)--> FREE
 *  ACTIVE --(client process dies; control)--> FREE
 *  ACTIVE --(control: client stopped reading, stall_policy disconnect)--> REVOKED
 *  REVOKED --(client closes)--> CLOSE_REQ; REVOKED --(client dies)--> FREE
 * @endcode
 *
 * When a slot goes back to FREE the server has taken back every mbuf it lent
 * to the connection, wherever it was.
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
/** Default EAL file prefix shared by server and clients. */
#define DIPC_DEFAULT_FILE_PREFIX "dipc"

/** "DIPCSHM\0" as a little-endian 64-bit integer. */
#define DIPC_SHM_MAGIC 0x004d485343504944ull
/** Version of this layout. Bumped on any incompatible change. */
#define DIPC_SHM_ABI_VERSION 3

/** Server states, in dipc_shm.state. */
enum dipc_server_state {
	DIPC_SERVER_STARTING = 0, /**< memzone created, not admitting yet */
	DIPC_SERVER_RUNNING = 1,  /**< admitting and serving */
	DIPC_SERVER_STOPPING = 2, /**< refusing new connections, draining */
	DIPC_SERVER_STOPPED = 3,  /**< workers stopped; no more responses */
};

/** Connection slot states, in dipc_shm_conn.state. */
enum dipc_conn_state {
	DIPC_CONN_FREE = 0,
	DIPC_CONN_CLAIMING = 1,  /**< a client won the slot and fills the request */
	DIPC_CONN_REQUESTED = 2, /**< waiting for the control lcore */
	DIPC_CONN_ACTIVE = 3,    /**< admitted; rings in use */
	DIPC_CONN_REFUSED = 4,   /**< refused; reason in refuse_reason */
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
	/* Admission: written by the client while CLAIMING/REQUESTED and by the
	 * control lcore while deciding; the state word orders the hand-off. */
	uint32_t state;          /**< enum dipc_conn_state */
	int32_t client_pid;      /**< pid of the client that holds the slot */
	uint16_t version_min;    /**< oldest message protocol version the client speaks */
	uint16_t version_max;    /**< newest message protocol version the client speaks */
	uint16_t worker;         /**< index of the worker that owns the slot */
	uint16_t version;        /**< granted: the version both speak (the newest) */
	int32_t refuse_reason;   /**< negative errno when REFUSED */
	uint32_t generation;     /**< bumped on every admission */
	/**
	 * Bumped by the client when it ran out of free mbufs: the owning
	 * worker then lends it more, up to the granted window. On this
	 * rarely written line so that the worker can read it every poll.
	 */
	uint32_t lend_want;
	uint32_t want_window;    /**< requests in flight the client asks for; 0 = most */
	uint32_t want_depth;     /**< ring depth the client asks for; 0 = the server's */
	uint32_t window;         /**< granted: most mbufs the connection may hold */
	uint64_t nonce;          /**< control: fresh random value, replaced after each decision */
	uint64_t token_mac;      /**< client: dipc_token_mac(token, nonce, slot, pid), or 0 */
	uint32_t depth;          /**< granted: usable entries of each ring */
	uint32_t reserved;       /**< 0 */

	/* Written only by the owning worker. */
	struct {
		uint64_t rx_msgs;      /**< requests dequeued */
		uint64_t tx_msgs;      /**< responses enqueued */
		uint64_t invalid_msgs; /**< requests that failed validation */
		uint64_t rsp_full;     /**< polls skipped because the response ring was full */
		uint64_t given_back;   /**< mbufs the client gave back on its free ring */
		uint64_t lend_refused; /**< lend_want seen with conn_mbufs already lent */
		/** Chained requests dropped whole (the head answered with
		 *  DIPC_STATUS_BAD_MBUF): a segment not lent to the connection, a
		 *  loop, more than DIPC_MSG_MAX_SEGS segments, or nb_segs/pkt_len
		 *  disagreeing with the segments walked. */
		uint64_t bad_chains;
	} server __rte_cache_aligned;

	/* Written only by the client. */
	struct {
		uint64_t tx_msgs;   /**< requests enqueued */
		uint64_t rx_msgs;   /**< responses dequeued */
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
	uint32_t slot_want;    /**< bumped by a client that found no free ready slot */
	uint32_t heartbeat_ms; /**< the control lcore beats at least this often */
	uint32_t ring_size;    /**< entries per ring */
	uint32_t nb_workers;   /**< worker lcores */
	uint32_t pool_size;    /**< mbufs in DIPC_POOL_NAME (class 0) */
	uint32_t data_room;    /**< mbuf data room of class 0, headroom included */
	uint32_t conn_mbufs;   /**< most mbufs one connection may hold (largest window) */
	uint32_t nb_classes;   /**< size classes, 1..DIPC_MAX_CLASSES */
	/** Data room of each class (headroom included), strictly ascending. */
	uint32_t class_data_room[DIPC_MAX_CLASSES];
	uint32_t class_pool_size[DIPC_MAX_CLASSES]; /**< mbufs in each class's pool */

	/* Written only by the control lcore. */
	struct {
		uint64_t admitted;
		uint64_t refused;          /**< all refusals, of which: */
		uint64_t refused_version;  /**< no common protocol version */
		uint64_t refused_token;    /**< no or wrong token proof */
		uint64_t refused_shutdown; /**< server stopping */
		uint64_t refused_full;     /**< no free slot (bumped by the client) */
		uint64_t slots_created;    /**< slots with rings (nb_ready) */
		uint64_t heartbeat;        /**< CLOCK_MONOTONIC ns of the last control pass */
		uint64_t stalled;          /**< clients found not reading (reported) */
		uint64_t stall_closed;     /**< ... of which disconnected by policy */
		uint64_t moved;            /**< connections moved to another worker */
		uint64_t reused;           /**< admissions onto a slot used before */
		uint64_t closed;
		uint64_t dead;           /**< connections whose process died */
		uint64_t reclaimed_mbufs; /**< mbufs taken back from closed connections */
	} control __rte_cache_aligned;

	struct dipc_shm_conn conns[] __rte_cache_aligned; /**< max_conns slots */
};

_Static_assert(sizeof(struct dipc_shm_conn) == 3 * RTE_CACHE_LINE_SIZE,
	       "a slot is three cache lines: admission, server, client");
_Static_assert(offsetof(struct dipc_shm_conn, reserved) + sizeof(uint32_t) ==
	       RTE_CACHE_LINE_SIZE, "the admission fields fill one cache line");

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
