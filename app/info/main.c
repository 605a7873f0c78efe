/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-info: attach to a running dipc-server as a DPDK secondary and print
 * its state, like dpdk-proc-info: identity and uptime, admission counters,
 * workers, open connections, pools, validation counters. Read-only: it
 * claims no slot, writes nothing into the server's shared objects and
 * creates none.
 *
 *   dipc-info [EAL args] -- [--watch S [--count N]] [--json]
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "dipc_eal.h"
#include "dipc_info.h"
#include "dipc_shm.h"
#include "dipc_shm_stats.h"

/* Exit statuses. */
#define EXIT_USAGE 2
#define EXIT_NO_SERVER 3

struct info_opts {
	double watch_s;     /* 0: once */
	uint64_t count;     /* refreshes with --watch; 0: until stopped */
	int json;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig __rte_unused)
{
	stop = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: dipc-info [EAL args] -- [--watch S [--count N]] [--json]\n"
		"  Attaches to the dipc-server on the EAL file prefix (default '%s';\n"
		"  give --file-prefix=NAME before '--' for another) as a DPDK secondary\n"
		"  and prints its state. It changes nothing in the server.\n"
		"Options:\n"
		"  --watch S   print again every S seconds (0 < S <= 86400) until ^C\n"
		"  --count N   with --watch: stop after N reports\n"
		"  --json      one JSON object per report (one line each)\n"
		"  --help\n"
		"Exit status: 0 ok; 1 error (layout version mismatch, server went away);\n"
		"2 bad usage; 3 no dipc server on that file prefix.\n",
		DIPC_DEFAULT_FILE_PREFIX);
}

static int
parse_args(int argc, char **argv, struct info_opts *o)
{
	static const struct option longopts[] = {
		{ "watch", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	char *end;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'w':
			o->watch_s = strtod(optarg, &end);
			if (end == optarg || *end != '\0' || !(o->watch_s > 0 && o->watch_s <= 86400)) {
				fprintf(stderr, "dipc-info: --watch: '%s' is not a number of seconds "
						"above 0 and at most 86400\n", optarg);
				return -EINVAL;
			}
			break;
		case 'c':
			errno = 0;
			v = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-' || v == 0) {
				fprintf(stderr, "dipc-info: --count: '%s' is not a number above 0\n",
					optarg);
				return -EINVAL;
			}
			o->count = v;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "dipc-info: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (o->count != 0 && o->watch_s == 0) {
		fprintf(stderr, "dipc-info: --count needs --watch\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * Attach as a secondary with the defaults a client uses (no PCI, no
 * telemetry socket of its own, an lcore id no server uses). Returns 0, or
 * an exit status.
 */
static int
attach(int argc, char **argv, const char **prefix_out)
{
	static char lcores_arg[128];
	static const struct dipc_eal_default defs[] = {
		{ "--proc-type=secondary", { "--proc-type", NULL } },
		{ "--file-prefix=" DIPC_DEFAULT_FILE_PREFIX, { "--file-prefix", NULL } },
		{ "--no-pci", { "--no-pci", "-a", "-b", "--allow" } },
		{ "--no-telemetry", { "--no-telemetry", "--telemetry", NULL } },
		{ "--log-level=lib.eal:error", { "--log-level", NULL } },
		{ lcores_arg, { "-l", "--lcores", "-c", NULL } },
	};
	char lcores[96], *args[DIPC_EAL_MAX_ARGS + 1];
	const char *prefix;
	cpu_set_t cpus;
	int n, pid, cpu, len = 0;

	/* Any CPU this process may use, under a high lcore id. */
	if (sched_getaffinity(0, sizeof(cpus), &cpus) != 0)
		CPU_ZERO(&cpus);
	for (cpu = 0; cpu < CPU_SETSIZE && len < (int)sizeof(lcores) - 8; cpu++)
		if (CPU_ISSET(cpu, &cpus))
			len += snprintf(lcores + len, sizeof(lcores) - len, "%s%d", len ? "," : "",
					cpu);
	snprintf(lcores_arg, sizeof(lcores_arg), "--lcores=%d@(%s)",
		 RTE_MAX_LCORE - 1 - (int)(getpid() % 32), len ? lcores : "0");
	n = dipc_eal_args_merge(argc, argv, defs, RTE_DIM(defs), args);
	if (n < 0) {
		fprintf(stderr, "dipc-info: too many EAL arguments\n");
		return EXIT_USAGE;
	}
	prefix = dipc_eal_arg_value(n, args, "--file-prefix");
	if (prefix == NULL)
		prefix = DIPC_DEFAULT_FILE_PREFIX;
	*prefix_out = prefix;
	/* Before EAL: a secondary with no primary would fail less clearly.
	 * With -h/--help, rte_eal_init() prints the usage and exits. */
	pid = dipc_eal_help_wanted(n, args) ? 1 : dipc_eal_primary_pid(prefix);
	if (pid <= 0) {
		fprintf(stderr, "dipc-info: no dipc server is running on file prefix '%s'%s%s.\n"
				"  Start one (dipc-server --file-prefix=%s), or give dipc-info the "
				"server's prefix: dipc-info --file-prefix=NAME\n",
			prefix, pid < 0 ? ": " : "", pid < 0 ? strerror(-pid) : "", prefix);
		return EXIT_NO_SERVER;
	}
	if (rte_eal_init(n, args) < 0) {
		fprintf(stderr, "dipc-info: cannot attach to the server (pid %d, file prefix '%s') "
				"as a DPDK secondary: %s\n", pid, prefix, rte_strerror(rte_errno));
		return 1;
	}
	return 0;
}

static void
json_u64(const char *key, uint64_t v, int *first)
{
	printf("%s\"%s\":%" PRIu64, *first ? "" : ",", key, v);
	*first = 0;
}

/* A JSON string: the prefix is the user's, and may hold anything. */
static void
json_string(const char *str)
{
	const unsigned char *p;

	putchar('"');
	for (p = (const unsigned char *)str; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* The eth port: ,"eth":{...} (printed only when the server has one). */
static void
print_json_eth(const struct dipc_shm_eth_stats *e)
{
	const uint8_t *ip = (const uint8_t *)&e->ip;
	unsigned int r;
	int f = 1;

	printf(",\"eth\":{\"port\":%u,\"driver\":", e->port_id);
	json_string(e->driver);
	printf(",\"mac\":\"%02x:%02x:%02x:%02x:%02x:%02x\",\"ip\":\"%u.%u.%u.%u\","
	       "\"udp_port\":%u,\"mtu\":%u,\"offloads\":%u,\"pool_size\":%u,\"pool_free\":%u,"
	       "\"kept\":%u",
	       e->mac[0], e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5], ip[0], ip[1],
	       ip[2], ip[3], e->udp_port, e->mtu, e->offloads, e->pool_size, e->pool_free, e->kept);
	f = 0;
	json_u64("frames_in", e->frames_in, &f);
	json_u64("frames_out", e->frames_out, &f);
	json_u64("msgs_in", e->msgs_in, &f);
	json_u64("msgs_reassembled", e->msgs_reassembled, &f);
	json_u64("partials_expired", e->partials_expired, &f);
	json_u64("hellos", e->hellos, &f);
	json_u64("challenges", e->challenges, &f);
	json_u64("proofs", e->proofs, &f);
	json_u64("admitted", e->admitted, &f);
	json_u64("refused", e->refused, &f);
	json_u64("pings_in", e->pings_in, &f);
	json_u64("pongs_out", e->pongs_out, &f);
	json_u64("closes_in", e->closes_in, &f);
	json_u64("silent", e->silent, &f);
	json_u64("bad_control", e->bad_control, &f);
	json_u64("control_not_sent", e->ctl_tx_dropped, &f);
	json_u64("arp_in", e->arp_in, &f);
	json_u64("arp_replies", e->arp_replies, &f);
	printf(",\"dropped\":{");
	f = 1;
	for (r = 1; r < e->nb_drop; r++)
		json_u64(e->drop_names[r], e->drops[r], &f);
	printf("}}");
}

static void
print_json(const struct dipc_info *in, const char *prefix)
{
	unsigned int i, r;
	int f;

	printf("{\"tool\":\"dipc-info\",\"file_prefix\":");
	json_string(prefix);
	printf(",\"server\":{");
	printf("\"pid\":%d,\"state\":\"%s\",\"abi_version\":%u,\"epoch\":%" PRIu64
	       ",\"uptime_s\":%.3f,\"heartbeat_age_ms\":%.3f,\"max_connections\":%u,"
	       "\"slots_ready\":%u,\"workers\":%u,\"ring_size\":%u,\"pool_size\":%u,"
	       "\"data_room\":%u,\"conn_mbufs\":%u,\"heartbeat_ms\":%u,\"token_required\":%s,"
	       "\"msg_version_min\":%u,\"msg_version_max\":%u,\"memzones\":%u},",
	       in->server_pid, dipc_info_state_name(in->state), in->abi_version, in->epoch,
	       (double)in->uptime_ns / 1e9, (double)in->heartbeat_age_ns / 1e6, in->max_conns,
	       in->nb_ready, in->nb_workers, in->ring_size, in->pool_size, in->data_room,
	       in->conn_mbufs, in->heartbeat_ms, in->token_required ? "true" : "false",
	       in->msg_version_min, in->msg_version_max, in->nb_memzones);
	printf("\"admission\":{");
	f = 1;
	json_u64("admitted", in->control.admitted, &f);
	json_u64("refused", in->control.refused, &f);
	json_u64("refused_version", in->control.refused_version, &f);
	json_u64("refused_token", in->control.refused_token, &f);
	json_u64("refused_shutdown", in->control.refused_shutdown, &f);
	json_u64("refused_full", in->control.refused_full, &f);
	json_u64("refused_pid", in->control.refused_pid, &f);
	json_u64("refused_uid", in->control.refused_uid, &f);
	json_u64("refused_proto", in->control.refused_proto, &f);
	json_u64("slots_created", in->control.slots_created, &f);
	json_u64("grow_failed", in->control.grow_failed, &f);
	json_u64("bad_slot_state", in->control.bad_slot_state, &f);
	json_u64("reused", in->control.reused, &f);
	json_u64("closed", in->control.closed, &f);
	json_u64("dead", in->control.dead, &f);
	json_u64("stalled", in->control.stalled, &f);
	json_u64("stall_closed", in->control.stall_closed, &f);
	json_u64("moved", in->control.moved, &f);
	json_u64("reclaimed_mbufs", in->control.reclaimed_mbufs, &f);
	printf("},\"messages\":{");
	f = 1;
	json_u64("rx", in->rx_msgs, &f);
	json_u64("tx", in->tx_msgs, &f);
	json_u64("invalid", in->invalid_msgs, &f);
	json_u64("rsp_full", in->rsp_full, &f);
	json_u64("given_back", in->given_back, &f);
	printf(",\"invalid_by_status\":{");
	f = 1;
	for (r = 1; r < in->nb_status; r++)
		if (dipc_info_status_key(r) != NULL)
			json_u64(dipc_info_status_key(r), in->invalid_by_status[r], &f);
	printf("},\"dropped\":{");
	f = 1;
	for (r = 0; r < in->nb_drop; r++)
		if (dipc_info_drop_key(r) != NULL)
			json_u64(dipc_info_drop_key(r), in->dropped[r], &f);
	printf("}},\"workers\":[");
	for (i = 0; i < in->nb_workers; i++) {
		const struct dipc_info_worker *w = &in->workers[i];

		printf("%s{\"index\":%u,\"lcore\":%u,\"connections\":%u,\"polls\":%" PRIu64
		       ",\"busy_polls\":%" PRIu64 ",\"idle_sleeps\":%" PRIu64 ",\"rx\":%" PRIu64
		       ",\"tx\":%" PRIu64 ",\"invalid\":%" PRIu64 ",\"dropped\":%" PRIu64 "}",
		       i ? "," : "", w->index, w->lcore, w->nb_conns, w->polls, w->busy_polls,
		       w->idle_sleeps, w->rx_msgs, w->tx_msgs, w->invalid, w->dropped);
	}
	printf("],\"connections\":[");
	for (i = 0; i < in->nb_conns; i++) {
		const struct dipc_info_conn *c = &in->conns[i];

		/* client_tx, client_rx and heartbeat_age_ms are what the client
		 * writes into its own slot: client-reported, not the server's. */
		printf("%s{\"slot\":%u,\"state\":\"%s\",\"transport\":\"%s\",\"pid\":%d,"
		       "\"uid\":%u,\"gid\":%u,\"worker\":%u,\"generation\":%u,\"window\":%u,\"depth\":%u,\"lent\":%u,"
		       "\"rx\":%" PRIu64 ",\"tx\":%" PRIu64 ",\"client_tx\":%" PRIu64
		       ",\"client_rx\":%" PRIu64 ",\"invalid\":%" PRIu64 ",\"stalls\":%" PRIu64
		       ",\"given_back\":%" PRIu64 ",\"lend_refused\":%" PRIu64
		       ",\"bad_chains\":%" PRIu64 ",\"req_queued\":%u,\"rsp_queued\":%u,"
		       "\"alloc_queued\":%u,\"free_queued\":%u,\"client_reported\":"
		       "[\"client_tx\",\"client_rx\",\"heartbeat_age_ms\"],\"heartbeat_age_ms\":",
		       i ? "," : "", c->slot, dipc_info_conn_state_name(c->state),
		       dipc_info_transport_name(c->transport), c->pid, c->uid, c->gid, c->worker, c->generation, c->window, c->depth, c->lent, c->rx_msgs,
		       c->tx_msgs, c->client_tx, c->client_rx, c->invalid_msgs, c->stalls,
		       c->given_back, c->lend_refused, c->bad_chains, c->req_queued, c->rsp_queued,
		       c->alloc_queued, c->free_queued);
		if (c->heartbeat_age_ns < 0)
			printf("null}");
		else
			printf("%.3f}", (double)c->heartbeat_age_ns / 1e6);
	}
	printf("],\"pools\":[");
	for (i = 0; i < in->nb_pools; i++) {
		const struct dipc_info_pool *p = &in->pools[i];

		printf("%s{\"name\":\"%s\",\"size\":%u,\"in_use\":%u,\"free\":%u,\"data_room\":%u}",
		       i ? "," : "", p->name, p->size, p->in_use, p->avail, p->data_room);
	}
	printf("]");
	if (in->eth.active)
		print_json_eth(&in->eth);
	printf("}\n");
}

/* The eth port's lines. */
static void
print_text_eth(const struct dipc_shm_eth_stats *e)
{
	const uint8_t *ip = (const uint8_t *)&e->ip;
	unsigned int r;
	int any = 0;

	printf("\n  eth port %u (%s) %02x:%02x:%02x:%02x:%02x:%02x %u.%u.%u.%u udp %u, MTU %u, "
	       "pool %u of %u free (%u kept for answers)\n", e->port_id, e->driver, e->mac[0],
	       e->mac[1], e->mac[2], e->mac[3], e->mac[4], e->mac[5], ip[0], ip[1], ip[2], ip[3],
	       e->udp_port, e->mtu, e->pool_free, e->pool_size, e->kept);
	printf("  eth frames: in %" PRIu64 ", out %" PRIu64 "; messages in %" PRIu64
	       " (reassembled %" PRIu64 ", partials expired %" PRIu64 ")\n", e->frames_in,
	       e->frames_out, e->msgs_in, e->msgs_reassembled, e->partials_expired);
	printf("  eth admission: hellos %" PRIu64 ", proofs %" PRIu64 ", admitted %" PRIu64
	       ", refused %" PRIu64 "; pings in %" PRIu64 ", closes in %" PRIu64
	       ", silent peers %" PRIu64 ", bad control frames %" PRIu64 "; ARP in %" PRIu64
	       ", answered %" PRIu64 "\n", e->hellos, e->proofs, e->admitted, e->refused,
	       e->pings_in, e->closes_in, e->silent, e->bad_control, e->arp_in, e->arp_replies);
	printf("  eth dropped:");
	for (r = 1; r < e->nb_drop; r++)
		if (e->drops[r] != 0) {
			printf("%s %s %" PRIu64, any ? "," : "", e->drop_names[r], e->drops[r]);
			any = 1;
		}
	printf("%s\n", any ? "" : " none");
}

static void
print_text(const struct dipc_info *in, const char *prefix)
{
	unsigned int i, r;
	int any;

	printf("dipc-info: server pid %d on file prefix '%s': %s, up %.1f s, epoch %" PRIu64
	       ", last heartbeat %.1f ms ago\n",
	       in->server_pid, prefix, dipc_info_state_name(in->state),
	       (double)in->uptime_ns / 1e9, in->epoch, (double)in->heartbeat_age_ns / 1e6);
	printf("  config:     %u connections at most (%u slots with rings), %u worker(s), "
	       "ring %u, pool %u x %u B, window up to %u mbufs, token %s\n",
	       in->max_conns, in->nb_ready, in->nb_workers, in->ring_size, in->pool_size,
	       in->data_room, in->conn_mbufs, in->token_required ? "required" : "not required");
	printf("  admission:  admitted %" PRIu64 " (on reused slots %" PRIu64 "), refused %" PRIu64
	       " (version %" PRIu64 ", token %" PRIu64 ", shutting down %" PRIu64
	       ", no free slot %" PRIu64 ", forged pid %" PRIu64 ", uid/gid %" PRIu64
	       ", bad handshake %" PRIu64 "), closed %" PRIu64 " (dead %" PRIu64 ")\n",
	       in->control.admitted, in->control.reused, in->control.refused,
	       in->control.refused_version, in->control.refused_token,
	       in->control.refused_shutdown, in->control.refused_full, in->control.refused_pid,
	       in->control.refused_uid, in->control.refused_proto, in->control.closed,
	       in->control.dead);
	printf("  health:     not reading %" PRIu64 " (disconnected %" PRIu64 "), moved %" PRIu64
	       ", mbufs taken back %" PRIu64 "\n",
	       in->control.stalled, in->control.stall_closed, in->control.moved,
	       in->control.reclaimed_mbufs);
	printf("  messages:   rx %" PRIu64 ", tx %" PRIu64 ", invalid %" PRIu64
	       ", response ring full %" PRIu64 ", mbufs given back %" PRIu64 "\n",
	       in->rx_msgs, in->tx_msgs, in->invalid_msgs, in->rsp_full, in->given_back);
	printf("  rejected:  ");
	any = 0;
	for (r = 1; r < in->nb_status; r++)
		if (dipc_info_status_key(r) != NULL) {
			printf("%s %s %" PRIu64, any ? "," : "", dipc_info_status_key(r),
			       in->invalid_by_status[r]);
			any = 1;
		}
	for (r = 0; r < in->nb_drop; r++)
		if (dipc_info_drop_key(r) != NULL)
			printf(", %s %" PRIu64, dipc_info_drop_key(r), in->dropped[r]);
	printf("\n\n  %-6s %-5s %-6s %-12s %-6s %-12s %-12s %-12s\n", "worker", "lcore", "conns",
	       "polls", "busy%", "idle sleeps", "rx", "tx");
	for (i = 0; i < in->nb_workers; i++) {
		const struct dipc_info_worker *w = &in->workers[i];

		printf("  %-6u %-5u %-6u %-12" PRIu64 " %-6.1f %-12" PRIu64 " %-12" PRIu64
		       " %-12" PRIu64 "\n",
		       w->index, w->lcore, w->nb_conns, w->polls,
		       w->polls ? 100.0 * (double)w->busy_polls / (double)w->polls : 0.0,
		       w->idle_sleeps, w->rx_msgs, w->tx_msgs);
	}
	printf("\n  connections: %u open\n", in->nb_conns);
	if (in->nb_conns != 0)
		printf("  %-5s %-9s %-5s %-8s %-6s %-6s %-10s %-10s %-7s %-6s %-5s %-5s %s\n",
		       "slot", "state", "via", "pid", "uid", "worker", "rx", "tx", "invalid",
		       "stalls", "reqq", "rspq", "heartbeat (client-reported)");
	for (i = 0; i < in->nb_conns; i++) {
		const struct dipc_info_conn *c = &in->conns[i];
		char hb[32];

		if (c->heartbeat_age_ns < 0)
			snprintf(hb, sizeof(hb), "never");
		else
			snprintf(hb, sizeof(hb), "%.1f ms ago", (double)c->heartbeat_age_ns / 1e6);
		printf("  %-5u %-9s %-5s %-8d %-6u %-6u %-10" PRIu64 " %-10" PRIu64 " %-7" PRIu64
		       " %-6" PRIu64 " %-5u %-5u %s\n",
		       c->slot, dipc_info_conn_state_name(c->state),
		       dipc_info_transport_name(c->transport), c->pid, c->uid, c->worker,
		       c->rx_msgs, c->tx_msgs, c->invalid_msgs, c->stalls, c->req_queued,
		       c->rsp_queued, hb);
	}
	printf("\n  %-16s %-10s %-10s %-10s %s\n", "pool", "size", "in use", "free", "data room");
	for (i = 0; i < in->nb_pools; i++)
		printf("  %-16s %-10u %-10u %-10u %u\n", in->pools[i].name, in->pools[i].size,
		       in->pools[i].in_use, in->pools[i].avail, in->pools[i].data_room);
	if (in->eth.active)
		print_text_eth(&in->eth);
}

/* One report. Returns 0, or an exit status. */
static int
report(const struct info_opts *o, const char *prefix, int *server_state, int32_t *server_pid,
       int seen)
{
	struct dipc_info info;
	unsigned int tries;
	int ret;

	/* A server still starting has its shared state but not yet its
	 * counters: give it a moment. */
	for (tries = 0;; tries++) {
		ret = dipc_info_collect(&info);
		if (ret != -EAGAIN || tries == 50 || stop)
			break;
		usleep(20000);
	}
	switch (ret) {
	case 0:
		break;
	case -ENOENT:
		if (seen) {
			/* It was there a moment ago: it stopped and freed it. */
			fprintf(stderr, "dipc-info: the dipc server on file prefix '%s' has exited\n",
				prefix);
			*server_state = DIPC_SERVER_STOPPED;
			return 1;
		}
		fprintf(stderr, "dipc-info: the DPDK primary on file prefix '%s' is not a dipc "
				"server (it has no memzone %s)\n", prefix, DIPC_SHM_MZ_NAME);
		return EXIT_NO_SERVER;
	case -EPROTONOSUPPORT:
		fprintf(stderr, "dipc-info: the dipc server on file prefix '%s' has shared-memory "
				"layout version %u; this dipc-info reads version %u: use the "
				"dipc-info built with that server\n",
			prefix, info.abi_version, (unsigned int)DIPC_SHM_ABI_VERSION);
		return 1;
	case -EAGAIN:
		fprintf(stderr, "dipc-info: the dipc server on file prefix '%s' is still starting "
				"(no memzone %s yet)\n", prefix, DIPC_STATS_MZ_NAME);
		return 1;
	default:
		fprintf(stderr, "dipc-info: cannot read the dipc server's shared memory on file "
				"prefix '%s': %s\n", prefix, strerror(-ret));
		return 1;
	}
	if (o->json)
		print_json(&info, prefix);
	else
		print_text(&info, prefix);
	fflush(stdout);
	*server_state = (int)info.state;
	*server_pid = info.server_pid;
	dipc_info_free(&info);
	return 0;
}

/* Is @pid a process that still runs (not gone, not a zombie)? Its EAL
 * lock goes before it has finished freeing, so this, not the lock, says
 * when it no longer needs us. */
static int
process_alive(int32_t pid)
{
	char path[64], buf[256], *p;
	size_t n;
	FILE *f;

	if (pid <= 0 || (kill(pid, 0) != 0 && errno == ESRCH))
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ...": the state follows the last ')'. */
	p = strrchr(buf, ')');
	return p == NULL || p[1] == '\0' || p[2] != 'Z';
}

/* Sleep @s seconds, or less if a signal stops us. */
static void
nap(double s)
{
	double left = s;

	while (left > 0 && !stop) {
		double step = left < 0.1 ? left : 0.1;
		struct timespec ts = { 0, (long)(step * 1e9) };

		nanosleep(&ts, NULL);
		left -= step;
	}
}

/* After EAL's usage, for -h/--help before "--" (rte_eal_init() prints both). */
static void
usage_hook(const char *prgname __rte_unused)
{
	usage(stdout);
}

int
main(int argc, char **argv)
{
	struct info_opts o = { 0 };
	const char *prefix = DIPC_DEFAULT_FILE_PREFIX;
	int skip, status, state = DIPC_SERVER_RUNNING;
	int32_t server_pid = 0;
	uint64_t n = 0;

	/* Application arguments first: a bad one costs no attach. */
	skip = dipc_eal_argc(argc, argv);
	if (skip < argc) {
		/* getopt wants a program name in front: lend it the "--" slot. */
		argv[skip] = argv[0];
		if (parse_args(argc - skip, argv + skip, &o) != 0)
			return EXIT_USAGE;
		argv[skip] = (char *)(uintptr_t)"--";
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	rte_set_application_usage_hook(usage_hook);
	status = attach(argc, argv, &prefix);
	if (status != 0)
		return status;

	for (;;) {
		status = report(&o, prefix, &state, &server_pid, n != 0);
		n++;
		if (status != 0 || o.watch_s == 0 || stop || (o.count != 0 && n >= o.count))
			break;
		/* A stopping server frees its shared memory soon: let go now. */
		if (state == DIPC_SERVER_STOPPING || state == DIPC_SERVER_STOPPED) {
			fprintf(stderr, "dipc-info: the server is %s; stopped watching\n",
				dipc_info_state_name((uint32_t)state));
			break;
		}
		nap(o.watch_s);
		/* Its memory may go with it: do not read it once it is gone. */
		if (!stop && dipc_eal_primary_pid(prefix) <= 0) {
			fprintf(stderr, "dipc-info: the dipc server on file prefix '%s' has exited\n",
				prefix);
			state = DIPC_SERVER_STOPPED;
			status = 1;
			break;
		}
	}
	/* A server that stops frees its memory and asks every attached
	 * process to follow (EAL's memory sync, answered by our EAL thread),
	 * holding EAL's memory lock meanwhile. Stay attached until it has
	 * gone, so it gets its answers rather than waiting for them to time
	 * out; then leave without our own clean-up, which would need that
	 * lock (what we allocated goes with the hugepage files). */
	if (state == DIPC_SERVER_STOPPING || state == DIPC_SERVER_STOPPED) {
		for (n = 0; n < 300 && process_alive(server_pid); n++)
			nap(0.05);
		return status;
	}
	dipc_eal_cleanup_bounded(5, status, NULL);
	return status;
}
