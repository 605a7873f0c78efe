/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SERVER_TRANSPORT_H
#define DIPC_SERVER_TRANSPORT_H

/*
 * @internal
 * The server's side of a transport: what the server core (the workers'
 * loop, the control lcore) calls to move messages of a connection and to
 * look after its resources, whatever carries them. The core keeps the
 * connection slots, the size classes (pools), admission, dispatch and the
 * building of answers; a transport keeps its own per-connection state
 * (queues, what it lent and to whom) and does everything that touches it.
 *
 * A connection's transport is an index into server_transports[], kept in
 * the server's private slot and published in the shared slot
 * (dipc_shm_conn.transport): shared memory holds an index, never a
 * function pointer. The transports are built into the server library (the
 * ring transport's code lives in drivers/ring/dipc_ring_server.c) and
 * reach the core through server_private.h, as a DPDK driver reaches its
 * library through its *_driver.h.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_mbuf.h>

#include "dipc_shm.h"

struct dipc_server;
struct dipc_shm_stats;
struct server_worker;
struct server_slot;
struct server_chain;

/*
 * The answers of one poll, as the core built them, for tx_burst(): m[i]
 * is the head of answer i; chain[i] its private segment list if it is a
 * chain or was built by a handler (NULL: the one segment m[i], of class
 * cls[i]); plain is 1 when every answer is one segment of class 0. drop[]
 * are requests the core is done with (one-way, or dropped by a handler):
 * one segment each, of class 0, the server's to reuse or free.
 */
struct server_tx {
	struct rte_mbuf **m;
	const struct server_chain **chain;
	const uint8_t *cls;
	unsigned int nb;
	int plain;
	struct rte_mbuf **drop;
	unsigned int nb_drop;
};

/* What a transport can say of a connection's queues, for the published
 * counters, dipc-info and the report (snapshots: a worker may be moving
 * them meanwhile). */
struct server_depths {
	uint32_t req_waiting;   /* requests not yet taken by the server */
	uint32_t rsp_unread;    /* answers the client has not taken */
	uint32_t alloc_unread;  /* mbufs lent that the client has not taken */
	uint32_t free_waiting;  /* mbufs given back that the server has not taken */
	uint32_t lent;          /* mbufs lent to the client, all told */
	uint32_t window;        /* the most it may hold */
};

struct server_transport_ops {
	const char *name;
	/* Control lcore, once at create (after the pools and slots exist):
	 * the transport's private state for every slot; 0 or -errno. */
	int (*setup)(struct dipc_server *s);
	/* Once at destroy, after the workers stopped: frees what setup
	 * made, and what grow made in shared memory if @free_shared (no
	 * client maps it any more). Safe after a failed or partial setup. */
	void (*teardown)(struct dipc_server *s, int free_shared);
	/* Make slots [first, first + nb) usable by this transport (their
	 * queues), on NUMA socket @socket; 0, or -errno with nothing made. */
	int (*grow)(struct dipc_server *s, uint32_t first, uint32_t nb, int socket);
	/* Control lcore: start connection @slot (admitted, no worker yet)
	 * with a window of @window mbufs: fresh queues, its first mbufs lent. */
	void (*open)(struct dipc_server *s, uint32_t slot, uint32_t window);
	/* Control lcore, once nobody else touches the slot (its worker
	 * quiesced; its client closed or died): take back everything lent to
	 * it, wherever it is, and reset its queues. Returns mbufs taken back. */
	unsigned int (*close)(struct dipc_server *s, uint32_t slot);
	/* Any lcore: the connection's queue depths (struct server_depths). */
	void (*depths)(const struct dipc_server *s, uint32_t slot, struct server_depths *d);
	/*
	 * The owning worker, every pass: the connection's housekeeping, then
	 * up to @burst requests taken from the client and checked, no more
	 * than the answers it can send now. Each is described in w->msgs[i],
	 * private copies only, with msgs[i].status_ the enum dipc_status the
	 * check found (DIPC_STATUS_OK: dispatch it; otherwise answer with that
	 * error). What was not the client's to send is counted and left
	 * alone, never described. Returns the number described; counts every
	 * request taken in ss->cnt.rx_msgs.
	 */
	unsigned int (*rx_burst)(struct server_worker *w, struct server_slot *ss, uint32_t slot,
				 unsigned int burst);
	/* The owning worker, after every rx_burst() that described messages:
	 * send the answers (all fit: rx_burst counted the room), and reuse or
	 * free the dropped requests. Counts what it sent in ss->cnt.tx_msgs. */
	void (*tx_burst)(struct server_worker *w, struct server_slot *ss, uint32_t slot,
			 const struct server_tx *tx);
	/* Optional (NULL: none). Control lcore, when a close begins (before
	 * the grace period its worker's quiescence ends): stop feeding the
	 * slot, so that nothing touches it once the worker let go. */
	void (*stop)(struct dipc_server *s, uint32_t slot);
	/* Optional. The control lcore, every pass: the transport's own
	 * control work (a port's admissions, heartbeats, silent peers).
	 * Sets *busy when the pass did something. */
	void (*control)(struct dipc_server *s, int stopping, int workers_stopped, int *busy);
	/* Optional. Every worker, once per pass before its connections are
	 * polled (a port's receive queue: frames to the connections' queues).
	 * Returns the work done (0: idle). Set per worker by setup() in
	 * server_worker.poll_hook, so that a transport without one costs the
	 * pass one predictable branch. */
	unsigned int (*worker_poll)(struct server_worker *w);
	/* Optional. The transport's lines of the report (dipc_server_dump(),
	 * SIGUSR1), on the control lcore while the workers run: snapshots. */
	void (*dump)(FILE *f, const struct dipc_server *s);
	/* Optional. The control lcore, when it publishes the counters
	 * (dipc_shm_stats.h) for dipc-info and telemetry: the transport's. */
	void (*publish)(const struct dipc_server *s, struct dipc_shm_stats *st);
};

/* The transports built into the server, by index (DIPC_TRANSPORT_*). */
extern const struct server_transport_ops dipc_ring_server_ops;
extern const struct server_transport_ops dipc_eth_server_ops;

#endif /* DIPC_SERVER_TRANSPORT_H */
