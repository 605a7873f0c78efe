/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SERVER_PRIVATE_H
#define DIPC_SERVER_PRIVATE_H

#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>

#include <rte_branch_prediction.h>
#include <rte_log.h>
#include <rte_rcu_qsbr.h>
#include <rte_memzone.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dipc_admission.h"
#include "dipc_ring_owner.h"
#include "dipc_server_transport.h"
#include "dipc_shm_stats.h"
#include "dipc_eal.h"
#include "dipc_server.h"
#include "dipc_token.h"

extern int dipc_server_logtype;
#define SERVER_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_server_logtype, "dipc-server: " fmt "\n", ##__VA_ARGS__)

/* Largest burst a worker handles; the config caps burst to this. */
#define SERVER_MAX_BURST 512


/* Why a dequeued pointer was not handled as a message, beyond the header
 * statuses of enum dipc_status. */
enum server_drop_reason {
	SERVER_DROP_NOT_MBUF = 0, /* not an object of the dipc pool: never touched */
	SERVER_DROP_NOT_LENT,     /* not lent to this connection (someone else's,
				   * already taken back, or the same one twice) */
	SERVER_DROP_BAD_CHAIN,    /* a chain that failed a check: dropped whole,
				   * the segments taken back, the rest untouched */
	SERVER_DROP_MAX
};

/* The pool maps: one per size class (DIPC_MAX_CLASSES at most, the first
 * nb_classes in use), then the eth transport's receive pool, whose mbufs
 * are never lent to a client: the ring transport's checks (map_of() looks
 * at the first nb_classes) never accept one, and the core's slow paths put
 * one back in its own pool by its class index. */
#define SERVER_ETH_CLASS DIPC_MAX_CLASSES
#define SERVER_NB_MAPS (DIPC_MAX_CLASSES + 1)

/* Slot indices must fit the ring transport's owner tables. */
#define SERVER_MAX_CONNS DIPC_RING_MAX_SLOTS

/* Words a transport can have the worker watch per connection. */
#define SERVER_MAX_WATCH 3

/* Mbufs lent to a connection at admission, before it asks for more. */
#define SERVER_INITIAL_LEND 16

/* Control lcore's own view of a slot; the shared state word is only a
 * request from the client, checked against this. */
enum server_slot_state {
	SLOT_FREE = 0,
	SLOT_ACTIVE,  /* admitted, owned by a worker */
	SLOT_CLOSING, /* taken from its worker; waiting for the worker to quiesce */
	SLOT_REVOKED, /* taken from its worker (client stopped reading); its mbufs
		       * stay lent until the client closes or dies */
	SLOT_MOVING,  /* taken from its worker; given to move_to once it quiesced */
};

/*
 * A connection's counters, kept by the server in its own memory: the
 * worker that owns the slot writes them (the control lcore once the worker
 * let go), the control lcore publishes a copy for dipc-info
 * (dipc_shm_stats.conns), and the report reads them here. Never read back
 * from shared memory, which a client can write.
 */
struct server_conn_counters {
	uint64_t rx_msgs;      /* requests dequeued */
	uint64_t tx_msgs;      /* responses enqueued */
	uint64_t invalid_msgs; /* requests answered with an error, or not touched */
	uint64_t rsp_full;     /* polls that read nothing: the response ring was full */
	uint64_t given_back;   /* mbufs the client gave back on its free ring */
	uint64_t lend_refused; /* asks for mbufs beyond the window */
	uint64_t bad_chains;   /* chained requests dropped whole */
};

/*
 * Per-slot state private to the server process (its own heap: no other
 * process maps it). Decisions come from here; the shared slot is only
 * what the client asks for, and what the server publishes.
 */
struct server_slot {
	/* The connection's transport: its per-slot state (for the
	 * transport's functions only), and its index in server_transports[]. */
	void *tq;
	uint16_t transport;
	/* Words in shared memory the transport asked the worker to watch:
	 * while each still holds the value the transport last saw, the
	 * connection has nothing new and its rx_burst() is not called (an
	 * idle poll is these loads and compares, no call). Set by the
	 * transport's open() and refreshed by its rx_burst(); 0 words: call
	 * rx_burst() on every poll. The core only compares them. */
	uint8_t nb_watch;
	uint32_t watch_seen[SERVER_MAX_WATCH];
	const volatile uint32_t *watch[SERVER_MAX_WATCH];
	struct dipc_shm_conn *conn;
	int socket;
	/* Private copies taken at admission: what a client writes into its
	 * shared slot afterwards cannot steer the control lcore. */
	uint32_t worker;           /* index of the owning worker */
	int32_t client_pid;        /* pid admitted (from the kernel: SO_PEERCRED) */
	uint32_t client_uid;       /* its uid and gid, from the kernel too */
	uint32_t client_gid;
	int pidfd;                 /* the client process, to see it die; -1 if none */
	int sock;                  /* its admission socket, open while it is; -1 if none */
	uint32_t generation;       /* admissions on this slot, as published */
	uint8_t state;             /* enum server_slot_state, control lcore only */
	uint8_t dead;              /* control: the client died without closing */
	uint64_t qs_token;         /* control: RCU token taken after the removal */
	uint64_t uses;             /* control: admissions on this slot */
	uint64_t stall_since;      /* worker: ns (monotonic) responses began to wait; 0 */
	uint8_t stall_reported;    /* control: this stall was reported */
	uint32_t move_to;          /* control: worker a MOVING slot goes to */
	uint64_t last_rx;          /* control: rx_msgs at the last balance check */
	uint64_t load;             /* control: messages since the last balance check */
	struct server_conn_counters cnt;
};

/*
 * A chain's segments as the worker took and checked them, or as a handler
 * built them (dipc_server_rsp_alloc()): pointers, classes, data offsets
 * and lengths read once or set by the server. Every later step works from
 * this list, never from the segments' next pointers, which a client can
 * rewrite at any time.
 */
struct server_chain {
	uint16_t nb;
	uint8_t cls[DIPC_MSG_MAX_SEGS];
	uint16_t off[DIPC_MSG_MAX_SEGS];
	uint16_t len[DIPC_MSG_MAX_SEGS];
	struct rte_mbuf *seg[DIPC_MSG_MAX_SEGS];
};

/*
 * The worker's stages, for its cycle counters (meson -Dworker_cycles=true,
 * a benchmark build: tools/cycles.sh). In other builds the counters and
 * the TSC reads are compiled out.
 */
enum server_cycle_stage {
	SERVER_CYC_PREP,    /* lends asked for, given-back mbufs, room, the dequeue */
	SERVER_CYC_TAKE,    /* admit(): take, pointer and field checks, the header */
	SERVER_CYC_HANDLER, /* dispatch(): the method's handler */
	SERVER_CYC_ANSWER,  /* the answer built in place, or the drop */
	SERVER_CYC_SEND,    /* lend the answers, enqueue them, lend the client more */
	SERVER_CYC_MAX
};

struct server_worker_cycles {
	uint64_t stage[SERVER_CYC_MAX]; /* TSC cycles spent in each stage */
	uint64_t busy;                  /* cycles of the passes that found work */
	uint64_t msgs;                  /* requests dequeued */
};

#ifdef DIPC_WORKER_CYCLES
#define SERVER_CYC_START(var) uint64_t var = rte_rdtsc()
#define SERVER_CYC_MARK(w, var, which) do { \
		uint64_t now_ = rte_rdtsc(); \
		(w)->cyc.stage[which] += now_ - (var); \
		(var) = now_; \
	} while (0)
#else
#define SERVER_CYC_START(var) (void)0
#define SERVER_CYC_MARK(w, var, which) do { } while (0)
#endif

struct server_worker {
	struct dipc_server *s;
	unsigned int lcore;
	unsigned int index;
	int socket;
	/*
	 * The slots this worker polls, written only by the control lcore (an
	 * entry, then nb_slots with release) and read by the worker on every
	 * pass. A removed slot may still be polled in the pass that was under
	 * way: the control lcore waits for the worker's next quiescent state
	 * (RCU) before it touches the slot.
	 */
	uint32_t nb_slots;
	uint32_t *slots;      /* [max_conns] */
	struct rte_mbuf **scratch; /* [SERVER_MAX_BURST]: lends */
	/* The transport of each slot, by index (server_transports[]). */
	const struct server_transport_ops *const *transports;
	/* The requests of one burst as taken (private copies), and the chains
	 * of request i (2i) and of the answer a handler built for it (2i+1). */
	struct dipc_server_msg *msgs; /* [burst] */
	struct server_chain *chains;  /* [2 * burst] */
	/* This worker's counters (polls, invalid and dropped messages), in
	 * private memory; the control lcore publishes them into the shared
	 * memzone DIPC_STATS_MZ_NAME for dipc-info and telemetry. */
	struct dipc_shm_worker_stats st;
	/* Non-NULL while a capture runs (dipc_capture.c): set and cleared by
	 * the capture controller, loaded once per received burst. */
	struct dipc_capture *capture;
	struct server_worker_cycles cyc; /* counted only with DIPC_WORKER_CYCLES */
	/* A transport's per-pass work (server_transport_ops.worker_poll), or
	 * NULL; set before the workers start. */
	unsigned int (*poll_hook)(struct server_worker *w);
} __rte_cache_aligned;

_Static_assert(DIPC_STATUS_MAX <= DIPC_STATS_NB_STATUS, "shared counters hold every status");
_Static_assert(SERVER_DROP_MAX <= DIPC_STATS_NB_DROP, "shared counters hold every drop reason");
_Static_assert(1 + SERVER_DROP_NOT_MBUF == DIPC_RING_NOT_MBUF &&
	       1 + SERVER_DROP_NOT_LENT == DIPC_RING_NOT_LENT,
	       "dipc_ring_take() returns 1 + the drop reason");
_Static_assert(SERVER_DROP_NOT_MBUF == DIPC_STATS_DROP_NOT_MBUF &&
	       SERVER_DROP_NOT_LENT == DIPC_STATS_DROP_NOT_LENT &&
	       SERVER_DROP_BAD_CHAIN == DIPC_STATS_DROP_BAD_CHAIN, "drop reasons as published");

/* A client on the admission socket, between accept and RESULT. */
struct server_handshake {
	int fd;                      /* -1: the entry is free */
	uint8_t step;                /* 0: waiting for HELLO, 1: for PROOF */
	struct ucred cred;           /* the kernel's word on the client */
	uint64_t deadline;           /* timer cycles */
	struct admission_request req;
};

/* Handshakes at once; more wait in the listen backlog or are told EAGAIN. */
#define SERVER_MAX_HANDSHAKES 64

/* What an event of the control lcore's epoll set is about: a kind in the
 * high half of its data, an index in the low half. */
enum server_ev_kind {
	SERVER_EV_PIDFD = 0,   /* a client process (slot index) */
	SERVER_EV_LISTEN,      /* the admission socket */
	SERVER_EV_HANDSHAKE,   /* a handshake (index in hs[]) */
	SERVER_EV_SOCK,        /* an admitted client's socket (slot index) */
};
#define SERVER_EV(kind, idx) (((uint64_t)(kind) << 32) | (uint32_t)(idx))

/* No slot: what free_slot() returns when every one is taken. */
#define SERVER_NO_SLOT UINT32_MAX

struct server_method {
	dipc_server_handler_t fn;
	void *arg;
};

struct dipc_server {
	struct dipc_server_config cfg;
	/* One pool map per size class, class 0 first (the hot path's); the
	 * classes' objects lie in disjoint address ranges. */
	struct dipc_ring_owner_map maps[SERVER_NB_MAPS];
	unsigned int nb_classes;
	uint32_t seg_room[DIPC_MAX_CLASSES]; /* bytes of data each class's mbuf holds */
	const struct rte_memzone *mz;
	struct dipc_shm *shm;
	const struct rte_memzone *stats_mz;
	struct dipc_shm_stats *stats;     /* in stats_mz */
	struct rte_mempool *pool;         /* class 0's, maps[0].pool */
	struct server_slot *slots;        /* [max_conns]; nb_ready of them have rings */
	/* Each transport's own state (server_transport_ops.setup()). */
	void *tpriv[DIPC_TRANSPORT_MAX];
	uint32_t nb_ready;
	uint64_t slow_passes;             /* control passes over half a heartbeat period */
	uint64_t grow_retry_at;           /* timer cycles; 0 = the last growth worked */
	uint64_t next_balance;            /* timer cycles of the next balance check */
	struct rte_mbuf **control_scratch; /* [largest pool size], for sweeps */
	/* Admission and control counters, published for dipc-info. */
	struct dipc_shm_control_counters ctl;
	/* The admission socket and the handshakes under way. */
	int listen_fd;
	char admit_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct server_handshake hs[SERVER_MAX_HANDSHAKES];
	unsigned int nb_handshakes;
	uint32_t ring_capacity;           /* usable entries of each ring */
	/* server.allow_uids, server.allow_gids, parsed. */
	uint32_t nb_allow_uids, nb_allow_gids;
	uint32_t allow_uids[ADMISSION_MAX_IDS];
	uint32_t allow_gids[ADMISSION_MAX_IDS];
	/* What connections that closed had counted (their slots' counters
	 * start again at the next admission). */
	struct server_conn_counters closed;
	uint64_t next_publish;            /* timer cycles of the next publish_stats() */
	/* Workers report a quiescent state after taking their commands, so a
	 * grace period after a REMOVE means the worker let go of the slot. */
	struct rte_rcu_qsbr *qsbr;
	struct dipc_token token;          /* loaded from cfg.token_file */
	int token_required;
	int epfd;                         /* epoll: pidfds and sockets (SERVER_EV()) */
	struct server_worker *workers;
	unsigned int nb_workers;
	struct server_method methods[DIPC_SERVER_MAX_METHOD + 1];
	dipc_server_report_t report;      /* a service's report lines, or NULL */
	void *report_arg;
	volatile sig_atomic_t stop_requested; /* set by dipc_server_stop(), a signal handler */
	volatile sig_atomic_t dump_requested; /* set by dipc_server_request_dump() */
	volatile int workers_quit;   /* set by the control lcore */
	int running;
	/* rte_pdump_init() done (an eth port: dpdk-dumpcap can capture it). */
	int pdump;
};

/* The transports built in, by index (DIPC_TRANSPORT_*). */
extern const struct server_transport_ops *const server_transports[DIPC_TRANSPORT_MAX];

/* Register the /dipc/ telemetry commands (once per process). */
void dipc_telemetry_register(void);

/* The private segment lists of a message of a burst: the request's, and
 * that of the answer a handler built for it. */
static inline struct server_chain *
server_req_chain(const struct server_worker *w, const struct dipc_server_msg *msg)
{
	return &w->chains[(size_t)2 * msg->index_];
}

static inline struct server_chain *
server_rsp_chain(const struct server_worker *w, const struct dipc_server_msg *msg)
{
	return &w->chains[(size_t)2 * msg->index_ + 1];
}

/* Free the answer a handler built for @msg (dipc_server_rsp_alloc()). */
void server_msg_free_rsp(struct dipc_server *s, struct dipc_server_msg *msg);

/* A free mbuf has no next and one segment: a PMD's raw allocation
 * (rte_mbuf_raw_alloc(), the eth transport's receive queues) relies on it. */
static inline void
server_mbuf_unchain(struct rte_mbuf *m)
{
	m->next = NULL;
	m->nb_segs = 1;
}

/* Put every segment of @c after the first back in its pool. They are the
 * server's (taken back or built by it); their fields are rewritten when
 * they are lent again. */
static inline void
server_chain_free_tail(const struct dipc_server *s, const struct server_chain *c)
{
	unsigned int i;

	for (i = 1; i < c->nb; i++) {
		server_mbuf_unchain(c->seg[i]);
		rte_mempool_put(s->maps[c->cls[i]].pool, c->seg[i]);
	}
}

/* No header could be read (too short, or the mbuf was repaired): an
 * error answer then carries method and stream id 0. */
static inline void
server_msg_no_header(struct dipc_server_msg *msg)
{
	msg->method = 0;
	msg->stream_id = 0;
	msg->flags = 0;
	msg->csum = 0;
}

/*
 * For transports: read the dipc header of a taken request once, into
 * @msg, and check it: magic, version, flags (a request, no unknown bits)
 * and body_len against the lengths the transport read (one segment:
 * data_len; a chain: pkt_len). @hdr_at is the header's place, found from
 * private facts (the pool's geometry and the data offset read once), not
 * from the mbuf's buf_addr.
 */
static __rte_always_inline enum dipc_status
server_read_header(struct dipc_server_msg *msg, uint8_t *hdr_at, uint32_t seg_data,
		   uint32_t total)
{
	struct dipc_msg_hdr h;

	if (unlikely(seg_data < DIPC_MSG_HDR_LEN)) {
		server_msg_no_header(msg);
		return DIPC_STATUS_BAD_LENGTH;
	}
	memcpy(&h, hdr_at, sizeof(h));
	msg->method = h.method;
	msg->stream_id = h.stream_id;
	msg->flags = h.flags;
	msg->csum = h.csum;
	if (unlikely(h.magic != DIPC_MSG_MAGIC))
		return DIPC_STATUS_BAD_MAGIC;
	if (unlikely(h.version != DIPC_MSG_VERSION))
		return DIPC_STATUS_BAD_VERSION;
	if (unlikely((h.flags & ~DIPC_MSG_F_ALL) != 0 ||
		     (h.flags & (DIPC_MSG_F_REQUEST | DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR)) !=
			     DIPC_MSG_F_REQUEST))
		return DIPC_STATUS_BAD_FLAGS;
	if (unlikely(h.body_len != total - DIPC_MSG_HDR_LEN))
		return DIPC_STATUS_BAD_LENGTH;
	msg->body_len = h.body_len;
	msg->seg_len = seg_data - DIPC_MSG_HDR_LEN;
	return DIPC_STATUS_OK;
}

/* For transports: requests wait and the client reads no answers; the
 * control lcore times the stall from here. Rare, so the clock read is
 * off the fast path. */
static inline void
server_note_stall(struct server_slot *ss)
{
	ss->cnt.rsp_full++;
	if (__atomic_load_n(&ss->stall_since, __ATOMIC_RELAXED) == 0)
		__atomic_store_n(&ss->stall_since, dipc_eal_now_ns(), __ATOMIC_RELAXED);
}

/* Whether a word the slot's transport watches has moved since it last
 * looked (struct server_slot): if not, its rx_burst() would find nothing.
 * Relaxed loads: a moved word only says "call rx_burst()", which reads
 * what it needs itself. */
static __rte_always_inline int
server_watch_moved(const struct server_slot *ss)
{
	unsigned int i;

	for (i = 0; i < ss->nb_watch; i++)
		if (__atomic_load_n(ss->watch[i], __ATOMIC_RELAXED) != ss->watch_seen[i])
			return 1;
	return ss->nb_watch == 0;
}

/* For transports: requests are moving again. */
static __rte_always_inline void
server_clear_stall(struct server_slot *ss)
{
	if (unlikely(__atomic_load_n(&ss->stall_since, __ATOMIC_RELAXED) != 0))
		__atomic_store_n(&ss->stall_since, 0, __ATOMIC_RELAXED);
}

/* The client asked for mbufs beyond its share: count it, and tell the
 * client (it reads the shared word) not to wait for them. */
static inline void
server_refuse_lend(struct server_slot *ss)
{
	ss->cnt.lend_refused++;
	__atomic_store_n(&ss->conn->server.lend_refused, ss->cnt.lend_refused, __ATOMIC_RELEASE);
}

/* Admission (dipc_server_admit.c): the listening socket, new connections,
 * a handshake's next message, handshakes past their time. */
int server_admit_open(struct dipc_server *s);
void server_admit_close(struct dipc_server *s);
void server_admit_accept(struct dipc_server *s);
void server_admit_step(struct dipc_server *s, uint32_t idx, int stopping);
void server_admit_expire(struct dipc_server *s);
void server_handshake_drop(struct dipc_server *s, struct server_handshake *hs);

/* Open @slot for the client of handshake @hs with the grants of @res: its
 * rings reset, mbufs lent, a worker, its process watched; the handshake's
 * socket becomes the slot's. Returns 0, or -errno (the slot stays free). */
int server_slot_open(struct dipc_server *s, uint32_t slot, const struct admission_result *res,
		     struct server_handshake *hs);
/* The client of a slot just opened is gone before it heard of it: close. */
void server_slot_lost(struct dipc_server *s, uint32_t slot);
/* For transports whose clients are not local processes (eth): the free
 * slot a new connection gets (SERVER_NO_SLOT: none), and its opening with
 * transport @transport, a window of @window and the worker @worker (or
 * the least loaded one, -1). The transport's per-slot state for @slot is
 * set before; its open() runs once the slot's worker is set. Returns 0. */
uint32_t server_free_slot(struct dipc_server *s);
int server_slot_open_remote(struct dipc_server *s, uint32_t slot, uint16_t transport,
			    uint32_t window, int worker);
/* Such a connection ended: its peer closed (@dead 0) or went silent (1). */
void server_slot_gone(struct dipc_server *s, uint32_t slot, int dead, int workers_stopped);
/* Give grow_step more slots rings; 0 or -errno. */
int server_grow_slots(struct dipc_server *s);
/* The same, at most once a second after a failure (counted, said once). */
int server_try_grow(struct dipc_server *s);
/* A fresh random value, never 0. */
uint64_t server_new_nonce(void);

/* Zeroed memory of this process only (anonymous private pages, not
 * hugepages: no client maps it), cache-line aligned, on NUMA node
 * @socket if >= 0 and the machine has several; NULL if none. For the
 * server's own state, which must not be client-writable. */
void *server_zalloc(size_t len, int socket);
void server_free(void *p);

/* lcore_function_t of a worker lcore; arg is its struct server_worker. */
int dipc_server_worker_main(void *arg);

#endif /* DIPC_SERVER_PRIVATE_H */
