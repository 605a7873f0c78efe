/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The server's /dipc/ telemetry commands, for dpdk-telemetry.py:
 *   /dipc/stats              identity, uptime, admission, messages, rejects
 *   /dipc/workers            per worker, one array per field
 *   /dipc/connections[,SLOT] open connections, one array per field (the
 *                            first TEL_MAX_CONNS); with SLOT, that one
 *   /dipc/pools              the mbuf pools (size classes)
 *   /dipc/eth                the eth transport's port and counters
 * They run on EAL's telemetry thread and print what dipc_info_collect()
 * reads from shared memory, so they show what dipc-info shows. Every error
 * is answered as {"error": "..."} (as /dipc/capture's are), never with a
 * negative return, which telemetry turns into a bare null.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_telemetry.h>

#include "dipc_info.h"
#include "server_private.h"

/* A reply is at most 16 KB of JSON: about this many connections fit. */
#define TEL_MAX_CONNS 48

static int
add_u64(struct rte_tel_data *d, const char *name, uint64_t v)
{
	return rte_tel_data_add_dict_u64(d, name, v);
}

/* Answer @d with {"error": "<printf>"}; returns 0 for the handler to return. */
static int __rte_format_printf(2, 3)
tel_error(struct rte_tel_data *d, const char *fmt, ...)
{
	char msg[RTE_TEL_MAX_STRING_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "error", msg);
	return 0;
}

/* The snapshot every command reads; on failure, the error answered. */
static int
tel_collect(const char *cmd, const char *params, int takes_params, struct dipc_info *info,
	    struct rte_tel_data *d)
{
	int ret;

	if (!takes_params && params != NULL && params[0] != '\0') {
		tel_error(d, "%s takes no parameters", cmd);
		return -EINVAL;
	}
	ret = dipc_info_collect(info);
	if (ret != 0) {
		tel_error(d, "cannot read the server's shared state: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

static int
tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dipc_info info;
	char key[64];
	unsigned int r;

	if (tel_collect(cmd, params, 0, &info, d) != 0)
		return 0;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "abi_version", (int)info.abi_version);
	rte_tel_data_add_dict_string(d, "state", dipc_info_state_name(info.state));
	rte_tel_data_add_dict_int(d, "server_pid", info.server_pid);
	add_u64(d, "epoch", info.epoch);
	add_u64(d, "uptime_ns", info.uptime_ns);
	add_u64(d, "heartbeat_age_ns", info.heartbeat_age_ns);
	add_u64(d, "max_connections", info.max_conns);
	add_u64(d, "slots_ready", info.nb_ready);
	add_u64(d, "open_connections", info.nb_conns);
	add_u64(d, "workers", info.nb_workers);
	add_u64(d, "ring_size", info.ring_size);
	add_u64(d, "conn_mbufs", info.conn_mbufs);
	add_u64(d, "token_required", info.token_required);
	add_u64(d, "admitted", info.control.admitted);
	add_u64(d, "refused", info.control.refused);
	add_u64(d, "refused_version", info.control.refused_version);
	add_u64(d, "refused_token", info.control.refused_token);
	add_u64(d, "refused_shutdown", info.control.refused_shutdown);
	add_u64(d, "refused_full", info.control.refused_full);
	add_u64(d, "refused_pid", info.control.refused_pid);
	add_u64(d, "refused_uid", info.control.refused_uid);
	add_u64(d, "refused_proto", info.control.refused_proto);
	add_u64(d, "grow_failed", info.control.grow_failed);
	add_u64(d, "bad_slot_state", info.control.bad_slot_state);
	add_u64(d, "slots_created", info.control.slots_created);
	add_u64(d, "reused", info.control.reused);
	add_u64(d, "closed", info.control.closed);
	add_u64(d, "dead", info.control.dead);
	add_u64(d, "stalled", info.control.stalled);
	add_u64(d, "stall_closed", info.control.stall_closed);
	add_u64(d, "moved", info.control.moved);
	add_u64(d, "reclaimed_mbufs", info.control.reclaimed_mbufs);
	add_u64(d, "rx_msgs", info.rx_msgs);
	add_u64(d, "tx_msgs", info.tx_msgs);
	add_u64(d, "invalid_msgs", info.invalid_msgs);
	add_u64(d, "rsp_full", info.rsp_full);
	add_u64(d, "given_back", info.given_back);
	for (r = 1; r < info.nb_status; r++) {
		if (dipc_info_status_key(r) == NULL)
			continue;
		snprintf(key, sizeof(key), "invalid_%s", dipc_info_status_key(r));
		add_u64(d, key, info.invalid_by_status[r]);
	}
	for (r = 0; r < info.nb_drop; r++) {
		if (dipc_info_drop_key(r) == NULL)
			continue;
		snprintf(key, sizeof(key), "dropped_%s", dipc_info_drop_key(r));
		add_u64(d, key, info.dropped[r]);
	}
	dipc_info_free(&info);
	return 0;
}

/* One array of u64 per field, @n entries, from @get. */
typedef uint64_t (*field_fn)(const void *row);

static int
add_column(struct rte_tel_data *d, const char *name, const void *rows, size_t row_len,
	   unsigned int n, field_fn get)
{
	struct rte_tel_data *a = rte_tel_data_alloc();
	unsigned int i;

	if (a == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
	for (i = 0; i < n; i++)
		rte_tel_data_add_array_u64(a, get((const char *)rows + i * row_len));
	/* keep = 0: telemetry frees it with the reply. */
	return rte_tel_data_add_dict_container(d, name, a, 0);
}

#define W(f) static uint64_t w_##f(const void *r) { return ((const struct dipc_info_worker *)r)->f; }
W(index) W(lcore) W(nb_conns) W(polls) W(busy_polls) W(idle_sleeps) W(rx_msgs) W(tx_msgs)
W(invalid) W(dropped)
#undef W

static int
tel_workers(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct dipc_info info;
	const size_t sz = sizeof(struct dipc_info_worker);
	unsigned int n;

	if (tel_collect(cmd, params, 0, &info, d) != 0)
		return 0;
	n = RTE_MIN(info.nb_workers, (uint32_t)RTE_TEL_MAX_ARRAY_ENTRIES);
	rte_tel_data_start_dict(d);
	add_u64(d, "workers", info.nb_workers);
	add_column(d, "index", info.workers, sz, n, w_index);
	add_column(d, "lcore", info.workers, sz, n, w_lcore);
	add_column(d, "connections", info.workers, sz, n, w_nb_conns);
	add_column(d, "polls", info.workers, sz, n, w_polls);
	add_column(d, "busy_polls", info.workers, sz, n, w_busy_polls);
	add_column(d, "idle_sleeps", info.workers, sz, n, w_idle_sleeps);
	add_column(d, "rx_msgs", info.workers, sz, n, w_rx_msgs);
	add_column(d, "tx_msgs", info.workers, sz, n, w_tx_msgs);
	add_column(d, "invalid", info.workers, sz, n, w_invalid);
	add_column(d, "dropped", info.workers, sz, n, w_dropped);
	dipc_info_free(&info);
	return 0;
}

#define C(f) static uint64_t c_##f(const void *r) { return ((const struct dipc_info_conn *)r)->f; }
C(slot) C(worker) C(rx_msgs) C(tx_msgs) C(invalid_msgs) C(stalls) C(req_queued) C(rsp_queued)
C(client_tx) C(client_rx)
#undef C

/* One connection, every field. */
static void
conn_dict(struct rte_tel_data *d, const struct dipc_info_conn *c)
{
	rte_tel_data_add_dict_int(d, "slot", (int)c->slot);
	rte_tel_data_add_dict_string(d, "state", dipc_info_conn_state_name(c->state));
	rte_tel_data_add_dict_string(d, "transport", dipc_info_transport_name(c->transport));
	rte_tel_data_add_dict_int(d, "pid", c->pid);
	add_u64(d, "uid", c->uid);
	add_u64(d, "gid", c->gid);
	add_u64(d, "worker", c->worker);
	add_u64(d, "generation", c->generation);
	add_u64(d, "window", c->window);
	add_u64(d, "depth", c->depth);
	add_u64(d, "req_queued", c->req_queued);
	add_u64(d, "rsp_queued", c->rsp_queued);
	add_u64(d, "alloc_queued", c->alloc_queued);
	add_u64(d, "free_queued", c->free_queued);
	add_u64(d, "rx_msgs", c->rx_msgs);
	add_u64(d, "tx_msgs", c->tx_msgs);
	add_u64(d, "invalid_msgs", c->invalid_msgs);
	add_u64(d, "stalls", c->stalls);
	add_u64(d, "given_back", c->given_back);
	add_u64(d, "lend_refused", c->lend_refused);
	add_u64(d, "bad_chains", c->bad_chains);
	add_u64(d, "lent", c->lent);
	/* What the client writes into its own slot, not the server's count. */
	rte_tel_data_add_dict_string(d, "client_reported", "client_tx client_rx heartbeat_age_ms");
	add_u64(d, "client_tx", c->client_tx);
	add_u64(d, "client_rx", c->client_rx);
	rte_tel_data_add_dict_int(d, "heartbeat_age_ms", c->heartbeat_age_ns < 0 ? -1 :
				  (int)RTE_MIN(c->heartbeat_age_ns / 1000000, (int64_t)INT32_MAX));
}

static int
tel_connections(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const size_t sz = sizeof(struct dipc_info_conn);
	struct rte_tel_data *pid, *state, *age, *via;
	struct dipc_info info;
	unsigned long slot = 0;
	unsigned int i, n;
	char *end;

	if (params != NULL && params[0] != '\0') {
		errno = 0;
		slot = strtoul(params, &end, 10);
		if (errno != 0 || *end != '\0' || end == params || params[0] == '-' ||
		    slot > SERVER_MAX_CONNS)
			return tel_error(d, "%s: '%s' is not a slot number", cmd, params);
	}
	if (tel_collect(cmd, params, 1, &info, d) != 0)
		return 0;
	if (params != NULL && params[0] != '\0' && slot >= info.max_conns) {
		dipc_info_free(&info);
		return tel_error(d, "%s: no slot %lu (the server has 0..%u)", cmd, slot,
				 info.max_conns - 1);
	}
	rte_tel_data_start_dict(d);
	if (params != NULL && params[0] != '\0') {
		for (i = 0; i < info.nb_conns && info.conns[i].slot != slot; i++)
			;
		if (i < info.nb_conns) {
			conn_dict(d, &info.conns[i]);
		} else {
			rte_tel_data_add_dict_int(d, "slot", (int)slot);
			rte_tel_data_add_dict_string(d, "state", "free");
		}
		dipc_info_free(&info);
		return 0;
	}
	n = RTE_MIN(info.nb_conns, (uint32_t)TEL_MAX_CONNS);
	add_u64(d, "open", info.nb_conns);
	add_u64(d, "shown", n);
	add_column(d, "slot", info.conns, sz, n, c_slot);
	add_column(d, "worker", info.conns, sz, n, c_worker);
	add_column(d, "rx_msgs", info.conns, sz, n, c_rx_msgs);
	add_column(d, "tx_msgs", info.conns, sz, n, c_tx_msgs);
	add_column(d, "invalid_msgs", info.conns, sz, n, c_invalid_msgs);
	add_column(d, "stalls", info.conns, sz, n, c_stalls);
	add_column(d, "req_queued", info.conns, sz, n, c_req_queued);
	add_column(d, "rsp_queued", info.conns, sz, n, c_rsp_queued);
	add_column(d, "client_tx", info.conns, sz, n, c_client_tx);
	add_column(d, "client_rx", info.conns, sz, n, c_client_rx);
	/* Signed and text columns. */
	pid = rte_tel_data_alloc();
	state = rte_tel_data_alloc();
	age = rte_tel_data_alloc();
	via = rte_tel_data_alloc();
	if (pid != NULL && state != NULL && age != NULL && via != NULL) {
		rte_tel_data_start_array(pid, RTE_TEL_INT_VAL);
		rte_tel_data_start_array(state, RTE_TEL_STRING_VAL);
		rte_tel_data_start_array(age, RTE_TEL_INT_VAL);
		rte_tel_data_start_array(via, RTE_TEL_STRING_VAL);
		for (i = 0; i < n; i++) {
			const struct dipc_info_conn *c = &info.conns[i];

			rte_tel_data_add_array_int(pid, c->pid);
			rte_tel_data_add_array_string(state, dipc_info_conn_state_name(c->state));
			rte_tel_data_add_array_string(via, dipc_info_transport_name(c->transport));
			rte_tel_data_add_array_int(age, c->heartbeat_age_ns < 0 ? -1 :
				(int)RTE_MIN(c->heartbeat_age_ns / 1000000, (int64_t)INT32_MAX));
		}
		rte_tel_data_add_dict_container(d, "pid", pid, 0);
		rte_tel_data_add_dict_container(d, "state", state, 0);
		rte_tel_data_add_dict_container(d, "heartbeat_age_ms", age, 0);
		rte_tel_data_add_dict_container(d, "transport", via, 0);
	} else {
		rte_tel_data_free(pid);
		rte_tel_data_free(state);
		rte_tel_data_free(age);
		rte_tel_data_free(via);
	}
	dipc_info_free(&info);
	return 0;
}

#define P(f) static uint64_t p_##f(const void *r) { return ((const struct dipc_info_pool *)r)->f; }
P(size) P(avail) P(in_use) P(data_room)
#undef P

static int
tel_pools(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const size_t sz = sizeof(struct dipc_info_pool);
	struct rte_tel_data *names;
	struct dipc_info info;
	unsigned int i;

	if (tel_collect(cmd, params, 0, &info, d) != 0)
		return 0;
	rte_tel_data_start_dict(d);
	add_u64(d, "pools", info.nb_pools);
	names = rte_tel_data_alloc();
	if (names != NULL) {
		rte_tel_data_start_array(names, RTE_TEL_STRING_VAL);
		for (i = 0; i < info.nb_pools; i++)
			rte_tel_data_add_array_string(names, info.pools[i].name);
		rte_tel_data_add_dict_container(d, "name", names, 0);
	}
	add_column(d, "size", info.pools, sz, info.nb_pools, p_size);
	add_column(d, "avail", info.pools, sz, info.nb_pools, p_avail);
	add_column(d, "in_use", info.pools, sz, info.nb_pools, p_in_use);
	add_column(d, "data_room", info.pools, sz, info.nb_pools, p_data_room);
	dipc_info_free(&info);
	return 0;
}

/* The eth port: {"active": 0} without one; drops as "drop_<reason>". */
static int
tel_eth(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct dipc_shm_eth_stats *e;
	struct dipc_info info;
	char key[RTE_TEL_MAX_STRING_LEN], addr[32];
	const uint8_t *ip;
	unsigned int r;

	if (tel_collect(cmd, params, 0, &info, d) != 0)
		return 0;
	e = &info.eth;
	rte_tel_data_start_dict(d);
	add_u64(d, "active", e->active);
	if (e->active) {
		ip = (const uint8_t *)&e->ip;
		add_u64(d, "port", e->port_id);
		rte_tel_data_add_dict_string(d, "driver", e->driver);
		snprintf(addr, sizeof(addr), "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0], e->mac[1],
			 e->mac[2], e->mac[3], e->mac[4], e->mac[5]);
		rte_tel_data_add_dict_string(d, "mac", addr);
		snprintf(addr, sizeof(addr), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
		rte_tel_data_add_dict_string(d, "ip", addr);
		add_u64(d, "udp_port", e->udp_port);
		add_u64(d, "mtu", e->mtu);
		add_u64(d, "offloads", e->offloads);
		add_u64(d, "pool_size", e->pool_size);
		add_u64(d, "pool_free", e->pool_free);
		add_u64(d, "kept", e->kept);
		add_u64(d, "frames_in", e->frames_in);
		add_u64(d, "frames_out", e->frames_out);
		add_u64(d, "msgs_in", e->msgs_in);
		add_u64(d, "msgs_reassembled", e->msgs_reassembled);
		add_u64(d, "partials_expired", e->partials_expired);
		add_u64(d, "hellos", e->hellos);
		add_u64(d, "challenges", e->challenges);
		add_u64(d, "proofs", e->proofs);
		add_u64(d, "admitted", e->admitted);
		add_u64(d, "refused", e->refused);
		add_u64(d, "pings_in", e->pings_in);
		add_u64(d, "pongs_out", e->pongs_out);
		add_u64(d, "closes_in", e->closes_in);
		add_u64(d, "silent", e->silent);
		add_u64(d, "bad_control", e->bad_control);
		add_u64(d, "control_not_sent", e->ctl_tx_dropped);
		add_u64(d, "arp_in", e->arp_in);
		add_u64(d, "arp_replies", e->arp_replies);
		for (r = 1; r < e->nb_drop; r++) {
			snprintf(key, sizeof(key), "drop_%s", e->drop_names[r]);
			add_u64(d, key, e->drops[r]);
		}
	}
	dipc_info_free(&info);
	return 0;
}

void
dipc_telemetry_register(void)
{
	static int done;

	/* Commands cannot be unregistered: a second server in the same
	 * process reuses them (they look the server up by name). */
	if (done)
		return;
	done = 1;
	rte_telemetry_register_cmd("/dipc/stats", tel_stats,
		"dipc server: identity, uptime, admission and message counters. No parameters");
	rte_telemetry_register_cmd("/dipc/workers", tel_workers,
		"dipc worker lcores, one array per field. No parameters");
	rte_telemetry_register_cmd("/dipc/connections", tel_connections,
		"dipc open connections, one array per field; with a slot number: that one. "
		"Parameters: [int slot]");
	rte_telemetry_register_cmd("/dipc/pools", tel_pools,
		"dipc mbuf pools: name, size, avail, in_use, data_room. No parameters");
	rte_telemetry_register_cmd("/dipc/eth", tel_eth,
		"dipc eth transport: the port and its counters, drops by reason. No parameters");
}
