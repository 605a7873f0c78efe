/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_SERVER_PRIVATE_H
#define DIPC_SERVER_PRIVATE_H

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
	uint8_t closing;           /* control: REMOVE sent, waiting for detach */
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
	/* Worker-written counters, read by the control lcore for reports. */
	uint64_t polls;
	uint64_t busy_polls;
	uint64_t idle_sleeps;
} __rte_cache_aligned;

struct server_method {
	dipc_server_handler_t fn;
	void *arg;
};

struct dipc_server {
	struct dipc_server_config cfg;
	const struct rte_memzone *mz;
	struct dipc_shm *shm;
	struct rte_mempool *pool;
	struct server_slot *slots;
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
	volatile int stop_requested; /* set by dipc_server_stop() */
	volatile int workers_quit;   /* set by the control lcore */
	int running;
};

/* lcore_function_t of a worker lcore; arg is its struct server_worker. */
int dipc_server_worker_main(void *arg);

#endif /* DIPC_SERVER_PRIVATE_H */
