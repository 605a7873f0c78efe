/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A snapshot of a running dipc server from its shared memory, for
 * dipc-info and the server's telemetry commands. Only reads: looking
 * objects up by name and loading their fields.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_log.h>
#include <rte_memzone.h>
#include <rte_mempool.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "dipc_eal.h"
#include "dipc_info.h"
#include "dipc_msg.h"
#include "dipc_shm.h"
#include "dipc_shm_stats.h"

/* dipc.info: why no snapshot could be taken, at DEBUG (the caller gets
 * the code). */
RTE_LOG_REGISTER_DEFAULT(dipc_info_logtype, NOTICE);
#define INFO_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_info_logtype, "dipc info: " fmt "\n", ##__VA_ARGS__)

/* Counters other processes write while we read: one load each, never
 * torn (aligned 64-bit). */
static inline uint64_t
rd64(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

const char *
dipc_info_state_name(uint32_t state)
{
	static const char *const names[] = {
		[DIPC_SERVER_STARTING] = "starting", [DIPC_SERVER_RUNNING] = "running",
		[DIPC_SERVER_STOPPING] = "stopping", [DIPC_SERVER_STOPPED] = "stopped",
	};

	return state < RTE_DIM(names) ? names[state] : "unknown";
}

const char *
dipc_info_conn_state_name(uint32_t state)
{
	static const char *const names[] = {
		[DIPC_CONN_FREE] = "free", [DIPC_CONN_ACTIVE] = "active",
		[DIPC_CONN_CLOSE_REQ] = "closing", [DIPC_CONN_REVOKED] = "revoked",
	};

	return state < RTE_DIM(names) ? names[state] : "unknown";
}

const char *
dipc_info_transport_name(uint32_t transport)
{
	static const char *const names[] = {
		[DIPC_TRANSPORT_RING] = "ring", [DIPC_TRANSPORT_ETH] = "eth",
	};

	return transport < RTE_DIM(names) ? names[transport] : "unknown";
}

const char *
dipc_info_status_key(unsigned int status)
{
	static const char *const keys[] = {
		[DIPC_STATUS_OK] = "ok",
		[DIPC_STATUS_BAD_MAGIC] = "bad_magic",
		[DIPC_STATUS_BAD_VERSION] = "bad_version",
		[DIPC_STATUS_BAD_LENGTH] = "bad_length",
		[DIPC_STATUS_BAD_FLAGS] = "bad_flags",
		[DIPC_STATUS_UNKNOWN_METHOD] = "unknown_method",
		[DIPC_STATUS_SHUTTING_DOWN] = "shutting_down",
		[DIPC_STATUS_BAD_MBUF] = "bad_mbuf",
	};

	return status < RTE_DIM(keys) ? keys[status] : NULL;
}

const char *
dipc_info_drop_key(unsigned int reason)
{
	static const char *const keys[] = {
		[DIPC_STATS_DROP_NOT_MBUF] = "not_mbuf",
		[DIPC_STATS_DROP_NOT_LENT] = "not_lent",
		[DIPC_STATS_DROP_BAD_CHAIN] = "bad_chain",
	};

	return reason < RTE_DIM(keys) ? keys[reason] : NULL;
}

static void
count_memzone(const struct rte_memzone *mz __rte_unused, void *arg)
{
	(*(uint32_t *)arg)++;
}

/* The shared state, checked; on a version mismatch, say which version the
 * server has (the magic and version words sit at the same offsets in
 * every layout). */
static struct dipc_shm *
find_shm(struct dipc_info *info, int *err)
{
	const struct rte_memzone *mz;
	struct dipc_shm *shm = dipc_shm_lookup();

	if (shm != NULL) {
		*err = 0;
		return shm;
	}
	*err = -rte_errno;
	if (rte_errno == EPROTONOSUPPORT) {
		mz = rte_memzone_lookup(DIPC_SHM_MZ_NAME);
		if (mz != NULL)
			info->abi_version = ((const struct dipc_shm *)mz->addr)->abi_version;
		INFO_LOG(DEBUG, "shared memory layout version %u, this build reads %u",
			 info->abi_version, DIPC_SHM_ABI_VERSION);
	} else {
		INFO_LOG(DEBUG, "no dipc shared state: %s", rte_strerror(rte_errno));
	}
	return NULL;
}

/* The workers' counters; NULL (with *err) if missing or not as expected. */
static const struct dipc_shm_stats *
find_stats(const struct dipc_shm *shm, int *err)
{
	const struct rte_memzone *mz = rte_memzone_lookup(DIPC_STATS_MZ_NAME);
	const struct dipc_shm_stats *st;

	*err = 0;
	if (mz == NULL) {
		/* Created just after the shared state: the server is starting. */
		*err = -EAGAIN;
		return NULL;
	}
	st = mz->addr;
	if (mz->len < sizeof(*st) ||
	    __atomic_load_n(&st->magic, __ATOMIC_ACQUIRE) != DIPC_SHM_MAGIC) {
		*err = -EAGAIN;
		return NULL;
	}
	if (st->abi_version != DIPC_SHM_ABI_VERSION) {
		*err = -EPROTONOSUPPORT;
		return NULL;
	}
	if (st->nb_workers != shm->nb_workers || st->nb_workers > RTE_MAX_LCORE ||
	    st->max_conns != shm->max_conns ||
	    st->nb_status > DIPC_STATS_NB_STATUS || st->nb_drop > DIPC_STATS_NB_DROP ||
	    mz->len < dipc_shm_stats_size(st->nb_workers, st->max_conns)) {
		*err = -EPROTO;
		return NULL;
	}
	return st;
}

static void
collect_pools(struct dipc_info *info)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;
	unsigned int u;

	/* Size classes are dipc_pool_0, 1, ... without gaps. */
	for (u = 0; u < DIPC_INFO_MAX_POOLS; u++) {
		struct dipc_info_pool *p = &info->pools[info->nb_pools];

		snprintf(name, sizeof(name), "dipc_pool_%u", u);
		mp = rte_mempool_lookup(name);
		if (mp == NULL)
			break;
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->size = mp->size;
		p->avail = rte_mempool_avail_count(mp);
		p->in_use = p->avail <= p->size ? p->size - p->avail : 0;
		p->data_room = rte_pktmbuf_data_room_size(mp);
		info->nb_pools++;
	}
}

/*
 * One open connection: what the server published of it (its view, its
 * counters, the pid and uid the kernel gave it, the queue depths of its
 * rings), and what the client itself reports (client_tx, client_rx, its
 * heartbeat: read from the client's own slot, marked as such).
 */
static void
collect_conn(struct dipc_info *info, const struct dipc_shm *shm,
	     const struct dipc_shm_conn_stats *p, uint32_t slot, uint64_t now)
{
	const struct dipc_shm_conn *c = &shm->conns[slot];
	struct dipc_info_conn *ic = &info->conns[info->nb_conns++];
	uint64_t hb;

	memset(ic, 0, sizeof(*ic));
	ic->slot = slot;
	ic->state = __atomic_load_n(&p->state, __ATOMIC_RELAXED);
	ic->pid = p->pid;
	ic->uid = p->uid;
	ic->gid = p->gid;
	ic->worker = p->worker;
	ic->generation = p->generation;
	ic->transport = p->transport;
	ic->window = p->window;
	ic->depth = p->depth;
	ic->lent = p->lent;
	ic->rx_msgs = rd64(&p->rx_msgs);
	ic->tx_msgs = rd64(&p->tx_msgs);
	ic->invalid_msgs = rd64(&p->invalid_msgs);
	ic->stalls = rd64(&p->rsp_full);
	ic->given_back = rd64(&p->given_back);
	ic->lend_refused = rd64(&p->lend_refused);
	ic->bad_chains = rd64(&p->bad_chains);
	ic->client_tx = rd64(&c->client.tx_msgs);
	ic->client_rx = rd64(&c->client.rx_msgs);
	hb = rd64(&c->client.heartbeat);
	ic->heartbeat_age_ns = hb == 0 ? -1 : now > hb ? (int64_t)(now - hb) : 0;
	ic->req_queued = p->req_queued;
	ic->rsp_queued = p->rsp_queued;
	ic->alloc_queued = p->alloc_queued;
	ic->free_queued = p->free_queued;
	info->rx_msgs += ic->rx_msgs;
	info->tx_msgs += ic->tx_msgs;
	info->invalid_msgs += ic->invalid_msgs;
	info->rsp_full += ic->stalls;
	info->given_back += ic->given_back;
	/* The worker index is the server's, but check it anyway. */
	if (ic->worker < info->nb_workers) {
		struct dipc_info_worker *w = &info->workers[ic->worker];

		w->nb_conns++;
		w->rx_msgs += ic->rx_msgs;
		w->tx_msgs += ic->tx_msgs;
	}
}

int
dipc_info_collect(struct dipc_info *info)
{
	const struct dipc_shm_stats *st;
	struct dipc_shm *shm;
	uint32_t i, r, nb_ready;
	uint64_t now, t;
	int err;

	memset(info, 0, sizeof(*info));
	shm = find_shm(info, &err);
	if (shm == NULL)
		return err;
	st = find_stats(shm, &err);
	if (st == NULL)
		return err;
	now = dipc_eal_now_ns();
	info->abi_version = shm->abi_version;
	info->state = dipc_shm_load_state(&shm->state);
	info->epoch = shm->epoch;
	info->server_pid = shm->server_pid;
	info->uptime_ns = now > shm->start_ns ? now - shm->start_ns : 0;
	t = rd64(&shm->heartbeat);
	info->heartbeat_age_ns = now > t ? now - t : 0;
	info->max_conns = shm->max_conns;
	nb_ready = __atomic_load_n(&shm->nb_ready, __ATOMIC_ACQUIRE);
	info->nb_ready = RTE_MIN(nb_ready, shm->max_conns);
	info->ring_size = shm->ring_size;
	info->nb_workers = st->nb_workers;
	info->pool_size = shm->pool_size;
	info->data_room = shm->data_room;
	info->conn_mbufs = shm->conn_mbufs;
	info->heartbeat_ms = shm->heartbeat_ms;
	info->token_required = shm->token_required;
	info->msg_version_min = shm->msg_version_min;
	info->msg_version_max = shm->msg_version_max;

	/* Published by the server from its own memory, as every figure
	 * below but the client-reported ones. */
	info->control.admitted = rd64(&st->control.admitted);
	info->control.refused = rd64(&st->control.refused);
	info->control.refused_version = rd64(&st->control.refused_version);
	info->control.refused_token = rd64(&st->control.refused_token);
	info->control.refused_shutdown = rd64(&st->control.refused_shutdown);
	info->control.refused_full = rd64(&st->control.refused_full);
	info->control.refused_pid = rd64(&st->control.refused_pid);
	info->control.refused_uid = rd64(&st->control.refused_uid);
	info->control.refused_proto = rd64(&st->control.refused_proto);
	info->control.slots_created = rd64(&st->control.slots_created);
	info->control.stalled = rd64(&st->control.stalled);
	info->control.stall_closed = rd64(&st->control.stall_closed);
	info->control.moved = rd64(&st->control.moved);
	info->control.reused = rd64(&st->control.reused);
	info->control.closed = rd64(&st->control.closed);
	info->control.dead = rd64(&st->control.dead);
	info->control.reclaimed_mbufs = rd64(&st->control.reclaimed_mbufs);
	info->control.grow_failed = rd64(&st->control.grow_failed);
	info->control.bad_slot_state = rd64(&st->control.bad_slot_state);

	info->rx_msgs = rd64(&st->closed.rx_msgs);
	info->tx_msgs = rd64(&st->closed.tx_msgs);
	info->invalid_msgs = rd64(&st->closed.invalid_msgs);
	info->rsp_full = rd64(&st->closed.rsp_full);
	info->given_back = rd64(&st->closed.given_back);
	info->nb_status = st->nb_status;
	info->nb_drop = st->nb_drop;

	info->workers = calloc(RTE_MAX(info->nb_workers, 1u), sizeof(*info->workers));
	info->conns = calloc(RTE_MAX(info->nb_ready, 1u), sizeof(*info->conns));
	if (info->workers == NULL || info->conns == NULL) {
		dipc_info_free(info);
		return -ENOMEM;
	}
	for (i = 0; i < info->nb_workers; i++) {
		const struct dipc_shm_worker_stats *ws = &st->workers[i];
		struct dipc_info_worker *w = &info->workers[i];

		w->index = i;
		w->lcore = ws->lcore;
		w->polls = rd64(&ws->polls);
		w->busy_polls = rd64(&ws->busy_polls);
		w->idle_sleeps = rd64(&ws->idle_sleeps);
		for (r = 0; r < info->nb_status; r++) {
			t = rd64(&ws->invalid[r]);
			w->invalid += t;
			info->invalid_by_status[r] += t;
		}
		for (r = 0; r < info->nb_drop; r++) {
			t = rd64(&ws->dropped[r]);
			w->dropped += t;
			info->dropped[r] += t;
		}
	}
	for (i = 0; i < info->nb_ready; i++) {
		const struct dipc_shm_conn_stats *p = &dipc_shm_stats_conns(st)[i];

		if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) != DIPC_CONN_FREE)
			collect_conn(info, shm, p, i, now);
	}
	/* The eth port's counters: a snapshot (the server may be writing
	 * them); its names and count made safe to print. */
	memcpy(&info->eth, &st->eth, sizeof(info->eth));
	if (info->eth.nb_drop > DIPC_STATS_NB_ETH_DROP)
		info->eth.nb_drop = DIPC_STATS_NB_ETH_DROP;
	info->eth.driver[sizeof(info->eth.driver) - 1] = '\0';
	for (r = 0; r < DIPC_STATS_NB_ETH_DROP; r++)
		info->eth.drop_names[r][DIPC_STATS_DROP_NAME_LEN - 1] = '\0';
	collect_pools(info);
	rte_memzone_walk(count_memzone, &info->nb_memzones);
	return 0;
}

void
dipc_info_free(struct dipc_info *info)
{
	free(info->conns);
	free(info->workers);
	info->conns = NULL;
	info->workers = NULL;
	info->nb_conns = 0;
}
