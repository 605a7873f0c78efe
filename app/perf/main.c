/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-perf: a testpmd-style benchmark client for dipc-server.
 *
 *   dipc-perf [EAL args] -- --mode latency|throughput|oneway|kv [options]
 *
 * With --procs P it forks P client processes (procs.c), each a DPDK
 * secondary with its own connections, and reports their sum. With
 * --transport eth it is a remote client instead: its own DPDK primary with
 * an ethdev port (EAL's -a or --vdev), calling the server at --peer.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include "dipc_eal.h"
#include "perf.h"

static const struct perf_mode *const modes[] = {
	&perf_mode_latency,
	&perf_mode_throughput,
	&perf_mode_oneway,
	&perf_mode_connect,
	&perf_mode_reclaim,
	&perf_mode_victim,
	&perf_mode_idle,
	&perf_mode_kv,
	NULL,
};

static void
usage(FILE *f)
{
	unsigned int i;

	fprintf(f,
		"Usage: dipc-perf [EAL args] -- [options]\n"
		"  EAL args are optional: a client attaches as a DPDK secondary with defaults\n"
		"  (--file-prefix=dipc ...); give --file-prefix to reach another server.\n"
		"  With --transport eth it is its own DPDK primary (--in-memory ...): give EAL\n"
		"  the port (-a PCI, or --vdev=net_memif0,role=client ...).\n"
		"Options:\n"
		"  --mode MODE        benchmark mode (default latency):\n");
	for (i = 0; modes[i] != NULL; i++)
		if (modes[i]->help != NULL)
			fprintf(f, "                       %-11s %s\n", modes[i]->name,
				modes[i]->help);
	fprintf(f,
		"  --size N           body bytes per message (default 64)\n"
		"  --burst N          messages per send/receive burst (default 32, max %d)\n"
		"  --window N         requests in flight per connection, throughput (default 32)\n"
		"  --duration S       seconds measured (default 5)\n"
		"  --warmup S         seconds run before measuring (default 1)\n"
		"  --count N          stop after N messages instead of --duration; connect,\n"
		"                     reclaim: N connections or kills (default 1000, 100)\n"
		"  --connections N    connections per process, used in turn (default 1, max %d)\n"
		"  --procs P          P client processes, each a DPDK secondary with its own\n"
		"                     --connections, started together; results summed (default 1)\n"
		"  --timeout MS       connect and call timeout (default 1000)\n"
		"  --transport T      ring (a server on this host, default) or eth (another\n"
		"                     host, through an ethdev port: --peer and --local-ip)\n"
		"  --peer A[:P]       eth: the server's IPv4 address and UDP port (default 7117)\n"
		"  --local-ip A       eth: this host's IPv4 address on the port\n"
		"  --port NAME        eth: the ethdev port, by name or number (default: the only one)\n"
		"  --token-file FILE  the server's token (default: $DIPC_TOKEN_FILE)\n"
		"  --verify           fill bodies with a pattern and check echoes byte for byte;\n"
		"                     kv: check every GET's value against this client's PUTs\n"
		"  --get-ratio R      kv: share of GETs, 0..1 or a percentage (default 0.9)\n"
		"  --keys N           kv: keys preloaded, then read and written (default 1000)\n"
		"  --value-size B     kv: value bytes per PUT, at least 12 (default 64)\n"
		"  --load N           reclaim: N more client processes making echo calls all\n"
		"                     along (default 0, max %d)\n"
		"  --json             print one JSON object instead of the summary\n"
		"  --json-file FILE   write the JSON object to FILE, print the summary\n"
		"  --hist-csv FILE    write the latency histogram (buckets, percentiles) as CSV\n"
		"  --help\n"
		"Exit status: 0 ok; 1 bad echoes or error responses; 2 bad usage;\n"
		"3 cannot connect; 4 the server stopped or died during the run.\n",
		PERF_MAX_BURST, PERF_MAX_CONNS, PERF_MAX_PROCS);
}

static int
parse_u64(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "dipc-perf: --%s: '%s' is not a number in %" PRIu64 "..%" PRIu64
				"\n", name, s, min, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
parse_seconds(const char *name, const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end != '\0' || !(v >= 0 && v <= 86400)) {
		fprintf(stderr, "dipc-perf: --%s: '%s' is not a number of seconds in 0..86400\n",
			name, s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
parse_args(int argc, char **argv, struct perf_opts *o, const struct perf_mode **mode)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "size", required_argument, NULL, 's' },
		{ "burst", required_argument, NULL, 'b' },
		{ "window", required_argument, NULL, 'w' },
		{ "duration", required_argument, NULL, 'd' },
		{ "warmup", required_argument, NULL, 'W' },
		{ "count", required_argument, NULL, 'n' },
		{ "connections", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verify", no_argument, NULL, 'v' },
		{ "json", no_argument, NULL, 'j' },
		{ "json-file", required_argument, NULL, 'J' },
		{ "hist-csv", required_argument, NULL, 'H' },
		{ "procs", required_argument, NULL, 'P' },
		{ "get-ratio", required_argument, NULL, 'g' },
		{ "keys", required_argument, NULL, 'k' },
		{ "value-size", required_argument, NULL, 'V' },
		{ "load", required_argument, NULL, 'L' },
		{ "transport", required_argument, NULL, 'T' },
		{ "peer", required_argument, NULL, 'p' },
		{ "local-ip", required_argument, NULL, 'i' },
		{ "port", required_argument, NULL, 'o' },
		{ "token-file", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v = 0; /* copied out before ret is checked */
	int opt, i, ret = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			*mode = NULL;
			for (i = 0; modes[i] != NULL; i++)
				if (strcmp(modes[i]->name, optarg) == 0)
					*mode = modes[i];
			if (*mode == NULL) {
				fprintf(stderr, "dipc-perf: --mode: unknown mode '%s'\n", optarg);
				return -EINVAL;
			}
			break;
		case 's':
			ret = parse_u64("size", optarg, 1, 65535, &v);
			o->size = (uint32_t)v;
			break;
		case 'b':
			ret = parse_u64("burst", optarg, 1, PERF_MAX_BURST, &v);
			o->burst = (uint32_t)v;
			break;
		case 'w':
			ret = parse_u64("window", optarg, 1, 65536, &v);
			o->window = (uint32_t)v;
			break;
		case 'd':
			ret = parse_seconds("duration", optarg, &o->duration);
			break;
		case 'W':
			ret = parse_seconds("warmup", optarg, &o->warmup);
			break;
		case 'n':
			ret = parse_u64("count", optarg, 1, UINT64_MAX, &o->count);
			break;
		case 'c':
			ret = parse_u64("connections", optarg, 1, PERF_MAX_CONNS, &v);
			o->connections = (uint32_t)v;
			break;
		case 't':
			ret = parse_u64("timeout", optarg, 1, 3600000, &v);
			o->timeout_ms = (uint32_t)v;
			break;
		case 'v':
			o->verify = 1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'J':
			o->json_file = optarg;
			break;
		case 'H':
			o->hist_csv = optarg;
			break;
		case 'P':
			ret = parse_u64("procs", optarg, 1, PERF_MAX_PROCS, &v);
			o->procs = (uint32_t)v;
			break;
		case 'g':
			ret = perf_kv_parse_ratio(optarg, &o->get_ratio);
			break;
		case 'k':
			ret = parse_u64("keys", optarg, 1, 99999999, &v);
			o->keys = (uint32_t)v;
			break;
		case 'V':
			ret = parse_u64("value-size", optarg, 12, 16777216, &v);
			o->value_size = (uint32_t)v;
			break;
		case 'L':
			ret = parse_u64("load", optarg, 0, PERF_MAX_PROCS, &v);
			o->load = (uint32_t)v;
			break;
		case 'T':
			if (strcmp(optarg, "ring") == 0) {
				o->transport = DIPC_CLIENT_TRANSPORT_RING;
			} else if (strcmp(optarg, "eth") == 0) {
				o->transport = DIPC_CLIENT_TRANSPORT_ETH;
			} else {
				fprintf(stderr, "dipc-perf: --transport: '%s' is not ring or eth\n",
					optarg);
				return -EINVAL;
			}
			break;
		case 'p':
			o->peer = optarg;
			break;
		case 'i':
			o->local_ip = optarg;
			break;
		case 'o':
			o->port = optarg;
			break;
		case 'K':
			o->token_file = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
		if (ret != 0)
			return ret;
	}
	if (optind < argc) {
		fprintf(stderr, "dipc-perf: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	if (o->hist_csv != NULL && !perf_mode_has_hist(*mode)) {
		fprintf(stderr, "dipc-perf: --hist-csv: mode %s records no latency histogram\n",
			(*mode)->name);
		return -EINVAL;
	}
	if (o->load != 0 && *mode != &perf_mode_reclaim) {
		fprintf(stderr, "dipc-perf: --load: only with --mode reclaim\n");
		return -EINVAL;
	}
	if (o->transport == DIPC_CLIENT_TRANSPORT_ETH) {
		if (o->peer == NULL || o->local_ip == NULL) {
			fprintf(stderr, "dipc-perf: --transport eth needs --peer and --local-ip\n");
			return -EINVAL;
		}
		/* One process owns the port; the modes that start processes of
		 * their own are the ring transport's. */
		if (o->procs > 1 || (*mode)->own_connections) {
			fprintf(stderr, "dipc-perf: --transport eth: one process (no --procs), "
					"mode latency, throughput, oneway or kv\n");
			return -EINVAL;
		}
	} else if (o->peer != NULL || o->local_ip != NULL || o->port != NULL) {
		fprintf(stderr, "dipc-perf: --peer, --local-ip and --port are for --transport "
				"eth\n");
		return -EINVAL;
	}
	if (o->procs > 1 && (*mode)->own_connections) {
		fprintf(stderr, "dipc-perf: --procs: mode %s runs its own processes or "
				"connections; use --procs 1\n", (*mode)->name);
		return -EINVAL;
	}
	return 0;
}

int
perf_mode_has_hist(const struct perf_mode *m)
{
	return m == &perf_mode_latency || m->own_connections;
}

static void
print_json(FILE *f, const struct perf_opts *o, const struct perf_result *r)
{
	double rate = r->elapsed_s > 0 ? (double)r->messages / r->elapsed_s : 0;
	const struct perf_hist *h = r->hist;

	fprintf(f, "{\"tool\":\"dipc-perf\",\"mode\":\"%s\",\"size\":%u,\"burst\":%u,"
		"\"window\":%u,\"procs\":%u,\"connections\":%u,\"connections_per_proc\":%u,"
		"\"duration_s\":%.3f,\"messages\":%" PRIu64 ",\"errors\":%" PRIu64
		",\"msgs_per_s\":%.0f,\"mb_per_s\":%.3f,\"gbit_per_s\":%.3f",
		o->mode, o->size, o->burst, o->window, o->procs, o->connections * o->procs,
		o->connections, r->elapsed_s, r->messages, r->errors, rate,
		rate * o->size / 1e6, rate * o->size * 8 / 1e9);
	if (h != NULL && h->count != 0)
		fprintf(f, ",\"lat_ns\":{\"min\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
			",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64
			",\"mean\":%.0f}",
			h->min, hist_percentile(h, 50), hist_percentile(h, 90),
			hist_percentile(h, 99), hist_percentile(h, 99.9), h->max,
			h->sum / (double)h->count);
	if (r->print_extra != NULL)
		r->print_extra(f, o, r, 1);
	fprintf(f, "}\n");
}

/* --json-file or --hist-csv: 0, or -1 with the reason on stderr. */
static int
write_file(const char *name, const struct perf_opts *o, const struct perf_result *r, int csv)
{
	FILE *f = fopen(name, "w");
	int ret = 0;

	if (f == NULL) {
		fprintf(stderr, "dipc-perf: cannot write %s: %s\n", name, strerror(errno));
		return -1;
	}
	if (csv)
		ret = hist_write_csv(r->hist, f);
	else
		print_json(f, o, r);
	if (ferror(f))
		ret = -1;
	if (fclose(f) != 0 || ret != 0) {
		fprintf(stderr, "dipc-perf: writing %s failed\n", name);
		return -1;
	}
	return 0;
}

/* The summary, the JSON and the histogram; 0, or -1 if a file failed. */
static int
print_result(const struct perf_opts *o, const struct perf_result *r)
{
	double rate = r->elapsed_s > 0 ? (double)r->messages / r->elapsed_s : 0;
	double gbit = rate * o->size * 8 / 1e9;
	const struct perf_hist *h = r->hist;
	int ret = 0;

	if (o->json_file != NULL && write_file(o->json_file, o, r, 0) != 0)
		ret = -1;
	if (o->hist_csv != NULL && h != NULL && write_file(o->hist_csv, o, r, 1) != 0)
		ret = -1;
	if (o->json) {
		print_json(stdout, o, r);
		return ret;
	}
	printf("\n  ---------------------- dipc-perf: %s ----------------------\n", o->mode);
	if (o->procs > 1)
		printf("  processes:   %u x %u connections\n", o->procs, o->connections);
	printf("  connections: %-6u size: %u B   burst: %u   window: %u\n",
	       o->connections * o->procs, o->size, o->burst, o->window);
	printf("  messages:    %-14" PRIu64 " errors: %-10" PRIu64 " time: %.3f s\n",
	       r->messages, r->errors, r->elapsed_s);
	printf("  rate:        %.0f msg/s   %.3f Gbit/s (body bytes)\n", rate, gbit);
	if (h != NULL && h->count != 0) {
		printf("  latency ns:  min %" PRIu64 "  p50 %" PRIu64 "  p90 %" PRIu64
		       "  p99 %" PRIu64 "  p99.9 %" PRIu64 "  max %" PRIu64 "  mean %.0f\n",
		       h->min, hist_percentile(h, 50), hist_percentile(h, 90),
		       hist_percentile(h, 99), hist_percentile(h, 99.9), h->max,
		       h->sum / (double)h->count);
	}
	if (r->print_extra != NULL)
		r->print_extra(stdout, o, r, 0);
	printf("  ------------------------------------------------------------------\n");
	return ret;
}

static struct dipc_client *conns[PERF_MAX_CONNS];
static int eal_up;

int
perf_run_one(struct perf_opts *o, const struct perf_mode *mode, int argc, char **argv,
	     struct perf_result *r, struct perf_hist *hist)
{
	uint32_t i;
	int ret;

	struct dipc_client_opts co = {
		.timeout_ms = o->timeout_ms, .token_file = o->token_file,
		.transport = o->transport, .peer = o->peer, .local_ip = o->local_ip,
		.port = o->port,
	};

	if (o->transport == DIPC_CLIENT_TRANSPORT_ETH) {
		ret = dipc_client_eal_init_remote(argc, argv);
		/* Room for what a throughput run keeps in flight and the answers
		 * it has not taken yet. */
		co.window = RTE_MIN(2 * RTE_MAX(o->window, o->burst), 256u);
	} else {
		ret = dipc_client_eal_init(argc, argv);
	}
	if (ret < 0) {
		fprintf(stderr, "dipc-perf: %s\n", dipc_client_strerror(ret));
		return 3;
	}
	eal_up = 1;
	if (mode->own_connections)
		o->connections = 0;
	for (i = 0; i < o->connections; i++) {
		conns[i] = dipc_client_connect_opts(&co);
		if (conns[i] == NULL) {
			fprintf(stderr, "dipc-perf: connection %u: %s\n", i,
				dipc_client_strerror(rte_errno));
			return 3;
		}
	}
	if (o->connections != 0 && o->size > dipc_client_max_body(conns[0])) {
		fprintf(stderr, "dipc-perf: --size %u is larger than the server's largest body, "
				"%u bytes\n", o->size, dipc_client_max_body(conns[0]));
		return 2;
	}
	hist_init(hist);
	if (perf_mode_has_hist(mode))
		r->hist = hist;
	if (o->sync != NULL && perf_sync_wait(o->sync) != 0)
		return 3;
	mode->run(o, conns, r);
	if (r->server_status != 0) {
		fprintf(stderr, "dipc-perf: stopped early: %s\n",
			dipc_client_strerror(r->server_status));
		return 4;
	}
	if (r->errors != 0) {
		fprintf(stderr, "dipc-perf: %" PRIu64 " bad responses\n", r->errors);
		return 1;
	}
	return 0;
}

int
perf_finish(const struct perf_opts *o, int status)
{
	uint32_t i;

	for (i = 0; i < o->connections; i++)
		if (conns[i] != NULL)
			dipc_client_close(conns[i]);
	if (eal_up)
		dipc_eal_cleanup_bounded(5, status, NULL);
	return status;
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
	struct perf_opts o = {
		.mode = "latency", .size = 64, .burst = 32, .window = 32, .duration = 5,
		.warmup = 1, .connections = 1, .timeout_ms = 1000, .procs = 1,
		.get_ratio = 0.9, .keys = 1000, .value_size = 64,
	};
	const struct perf_mode *mode = &perf_mode_latency;
	static char *eal_args[PERF_MAX_ARGS];
	struct perf_result r = { 0 };
	static struct perf_hist hist;
	uint32_t i;
	int ret, status;

	/* Check the application arguments before attaching to the server. */
	ret = dipc_eal_argc(argc, argv);
	/* A copy: EAL may reorder argv. */
	o.eal_argc = RTE_MIN(ret, PERF_MAX_ARGS);
	for (i = 0; i < (uint32_t)o.eal_argc; i++)
		eal_args[i] = argv[i];
	o.eal_argv = eal_args;
	if (ret < argc) {
		/* getopt wants a program name in front: lend it the "--" slot. */
		argv[ret] = argv[0];
		if (parse_args(argc - ret, argv + ret, &o, &mode) != 0)
			return 2;
		argv[ret] = (char *)(uintptr_t)"--";
	}
	o.mode = mode->name;
	rte_set_application_usage_hook(usage_hook);
	if (o.window < o.burst && (mode == &perf_mode_throughput || mode == &perf_mode_kv))
		o.burst = o.window;

	if (o.procs > 1 && mode == &perf_mode_kv) {
		fprintf(stderr, "dipc-perf: --mode kv runs in one process: use --connections "
				"instead of --procs\n");
		return 2;
	}
	if (o.procs > 1) {
		status = perf_procs_run(&o, mode, argc, argv, &r, &hist);
		if (status != 3 && status != 2 && print_result(&o, &r) != 0 && status == 0)
			status = 1;
		return status;
	}
	status = perf_run_one(&o, mode, argc, argv, &r, &hist);
	/* Print what was measured even when the server stopped during it. */
	if (status != 3 && status != 2 && print_result(&o, &r) != 0 && status == 0)
		status = 1;
	return perf_finish(&o, status);
}
