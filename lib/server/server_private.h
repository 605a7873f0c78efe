/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SERVER_PRIVATE_H
#define DIPC_SERVER_PRIVATE_H

#include <signal.h>

#include <rte_log.h>
#include <rte_memzone.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "dipc_ring_transport.h"
#include "dipc_server.h"

extern int dipc_server_logtype;
#define SERVER_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_server_logtype, "dipc-server: " fmt "\n", ##__VA_ARGS__)

/* Largest burst a worker handles; the config caps burst to this. */
#define SERVER_MAX_BURST 512

/* Commands from the control lcore to a worker, in its command ring:
 * (command << 24) | slot. */
enum worker_cmd {
	WORKER_CMD_ADD = 1,    /* start polling the slot */
	WORKER_CMD_REMOVE = 2, /* stop polling, drain the request ring, detach */
};
#define WORKER_CMD(cmd, slot) (((uint32_t)(cmd) << 24) | (slot))

/*
 * Which addresses are objects of the dipc pool, so a worker can check a
 * pointer from a client's ring before it touches it: one bit per cache
 * line of the pool's span, set where an object (an mbuf) starts.
 */
struct server_pool_map {
	uintptr_t base;       /* lowest object */
	uintptr_t span;       /* bytes from base to past the highest object */
	uint64_t *objects;    /* [span / 64 / 64 + 1] */
	size_t nb_words;
	struct rte_mempool *pool;
	uint32_t buf_offset;  /* buf_addr - mbuf: sizeof(struct rte_mbuf) + priv */
	uint16_t buf_len;
};

/* Why a dequeued pointer was not handled as a message, beyond the header
 * statuses of enum dipc_status. */
enum server_drop_reason {
	SERVER_DROP_NOT_MBUF = 0, /* not an object of the dipc pool: never touched */
	SERVER_DROP_DUPLICATE,    /* already in this worker's hands */
	SERVER_DROP_MAX
};

/* Control lcore's own view of a slot; the shared state word is only a
 * request from the client, checked against this. */
enum server_slot_state {
	SLOT_FREE = 0,
	SLOT_ACTIVE,  /* admitted, owned by a worker */
	SLOT_CLOSING, /* REMOVE sent to the worker */
};

/* Per-slot state private to the server process. The pending array belongs
 * to the worker that owns the slot while it is ACTIVE. */
struct server_slot {
	struct rte_ring *req;
	struct rte_ring *rsp;
	struct dipc_shm_conn *conn;
	int socket;
	/* Private copies taken at admission: what a client writes into its
	 * shared slot afterwards cannot steer the control lcore. */
	uint32_t worker;           /* index of the owning worker */
	int32_t client_pid;        /* pid admitted */
	uint16_t nb_pending;       /* responses the ring had no room for */
	uint8_t state;             /* enum server_slot_state, control lcore only */
	uint32_t detached;         /* worker: stopped polling (process-private, so
				    * no client can fake it) */
	struct rte_mbuf **pending; /* [burst] */
};

struct server_worker {
	struct dipc_server *s;
	unsigned int lcore;
	unsigned int index;
	int socket;
	struct rte_ring *cmd; /* control -> worker, uint32 elements */
	uint32_t nb_slots;    /* slots[] in use; worker-owned */
	uint32_t nb_assigned; /* control's count, for balancing */
	uint32_t *slots;      /* [max_conns] */
	uint64_t *held;       /* pool-map-sized bitmap: mbufs in this worker's hands */
	struct rte_mbuf **scratch; /* [ring_size], for draining */
	/* Worker-written counters, read by the control lcore for reports. */
	uint64_t polls;
	uint64_t busy_polls;
	uint64_t idle_sleeps;
	uint64_t invalid[DIPC_STATUS_MAX];   /* answered with this error status */
	uint64_t dropped[SERVER_DROP_MAX];   /* not answerable, by reason */
} __rte_cache_aligned;

struct server_method {
	dipc_server_handler_t fn;
	void *arg;
};

struct dipc_server {
	struct dipc_server_config cfg;
	struct server_pool_map pool_map;
	const struct rte_memzone *mz;
	struct dipc_shm *shm;
	struct rte_mempool *pool;
	struct server_slot *slots;
	uint64_t *control_seen;           /* pool-map bitmap, all zero between drains */
	struct rte_mbuf **control_scratch; /* [ring_size] */
	uint64_t bad_slot_state;          /* shared slot states a client corrupted */
	struct server_worker *workers;
	unsigned int nb_workers;
	struct server_method methods[DIPC_SERVER_MAX_METHOD + 1];
	/* Counters of closed connections, folded in by the control lcore. */
	struct {
		uint64_t rx_msgs;
		uint64_t tx_msgs;
		uint64_t invalid_msgs;
		uint64_t rsp_full;
	} closed;
	volatile sig_atomic_t stop_requested; /* set by dipc_server_stop(), a signal handler */
	volatile int workers_quit;   /* set by the control lcore */
	int running;
};

/* Bit of an object in a pool-map-sized bitmap; the caller has checked the
 * address is inside the span. */
static __rte_always_inline uint64_t
server_map_bit(const struct server_pool_map *pm, const void *p, size_t *word)
{
	uintptr_t line = ((uintptr_t)p - pm->base) / RTE_CACHE_LINE_SIZE;

	*word = line / 64;
	return 1ull << (line % 64);
}

/* Is @p the start of an object of the dipc pool? Reads only the map. */
static __rte_always_inline int
server_mbuf_is_object(const struct server_pool_map *pm, const void *p)
{
	uintptr_t off = (uintptr_t)p - pm->base;
	size_t word;
	uint64_t bit;

	if (off >= pm->span || off % RTE_CACHE_LINE_SIZE != 0)
		return 0;
	bit = server_map_bit(pm, p, &word);
	return (pm->objects[word] & bit) != 0;
}

/*
 * Are the metadata fields of an mbuf of our pool what a message of dipc
 * v1 must have? Reads the first cache line only, each field once.
 */
static __rte_always_inline int
server_mbuf_fields_ok(const struct server_pool_map *pm, const struct rte_mbuf *m)
{
	uint32_t data_off = m->data_off, data_len = m->data_len;

	return m->buf_addr == (const char *)m + pm->buf_offset && m->buf_len == pm->buf_len &&
	       m->pool == pm->pool && rte_mbuf_refcnt_read(m) == 1 && m->nb_segs == 1 &&
	       m->pkt_len == data_len && data_off + data_len <= pm->buf_len;
}

/* Put every metadata field back to what the pool gave out, so the mbuf
 * can be answered and freed safely. */
void server_mbuf_repair(const struct server_pool_map *pm, struct rte_mbuf *m);

/*
 * Drain a ring a client could write to: free each entry that is an mbuf of
 * our pool (repaired first if needed) exactly once, skip the rest.
 * @seen is a pool-map bitmap whose set bits are mbufs the caller holds
 * (they are skipped as duplicates); it is returned unchanged. @scratch has
 * room for a ring's capacity. Returns the entries dequeued.
 */
unsigned int server_drain_untrusted(const struct server_pool_map *pm, struct rte_ring *r,
				    uint64_t *seen, struct rte_mbuf **scratch);

/* lcore_function_t of a worker lcore; arg is its struct server_worker. */
int dipc_server_worker_main(void *arg);

#endif /* DIPC_SERVER_PRIVATE_H */
