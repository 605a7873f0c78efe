/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-codec-perf: encoded size, encode time, validate-and-read time and
 * read time of the benchmark messages in every format (codec_perf.h),
 * pinned to one CPU, as timed loops repeated over several runs; median and
 * spread per figure, ratios to JSON, dipc's read against the packed struct,
 * and the targets. Before anything is timed, every format's decoded
 * message is checked against the native values (a full digest of every
 * byte of every field); a mismatch is exit status 1.
 */
#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <msgpack.h>
#include <protobuf-c/protobuf-c.h>

#include "codec_perf.h"

#define MAX_RUNS 101
#define ROOM 65536

enum metric {
	M_ENCODE,
	M_VREAD,
	M_READ,
	M_NB
};

static const char *const metric_names[M_NB] = { "encode", "validate_read", "read" };

static const struct pf_format *const formats[] = {
	&pf_format_dipc, &pf_format_dipc_lz4, &pf_format_packed, &pf_format_json,
	&pf_format_protobuf, &pf_format_msgpack,
};
#define NB_FORMATS (sizeof(formats) / sizeof(formats[0]))
enum { F_DIPC, F_LZ4, F_PACKED, F_JSON, F_PB, F_MP };

struct cell {
	struct pf_ctx ctx;      /* the timed loops' */
	struct pf_ctx keep;     /* the decoded message of the read loop */
	bool ctx_up, keep_up;
	uint8_t *buf;           /* the encoded message */
	size_t len;             /* its length, hdr_bytes included */
	void *decoded;
	uint64_t iters[M_NB];
	double ns[M_NB][MAX_RUNS];
	double med[M_NB], min[M_NB], max[M_NB];
};

static struct cell cells[PF_NB_MSGS][NB_FORMATS];
static volatile uint64_t sink;
static uint8_t scratch[ROOM];

static unsigned int opt_runs = 5;
static uint64_t opt_iters;
static double opt_min_time = 0.2;
static int opt_cpu = -1;
static bool opt_json;

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: dipc-codec-perf [--runs N] [--iters N | --min-time S] [--cpu N] [--json]\n"
		"  --runs N       timed runs per figure, interleaved over formats (default 5, max %d)\n"
		"  --iters N      iterations per timed run (default: what --min-time needs)\n"
		"  --min-time S   seconds per timed run when --iters is not given (default 0.2)\n"
		"  --cpu N        CPU to pin to (default: the last one this process may use)\n"
		"  --json         one JSON object instead of the table\n"
		"Every format's decoding is checked against the native values first;\n"
		"exit status 0 ok, 1 a check failed, 2 usage or set-up error.\n", MAX_RUNS);
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* One timed loop of @p n iterations: the elapsed ns, or -1 if the work
 * failed (an encode of another length, a decode that refused). */
static double
time_loop(enum pf_msg msg, size_t f, enum metric m, uint64_t n)
{
	const struct pf_codec *k = &formats[f]->msgs[msg];
	struct cell *c = &cells[msg][f];
	double t0, t1;
	uint64_t r;
	bool ok;

	t0 = now_ns();
	switch (m) {
	case M_ENCODE:
		r = k->encode_loop(&c->ctx, pf_sample(msg), scratch, ROOM, n);
		ok = r == n * c->len;
		break;
	case M_VREAD:
		r = k->decode_read_loop(&c->ctx, c->buf, c->len, n);
		ok = r != UINT64_MAX;
		break;
	default:
		r = k->read_loop(c->decoded, n);
		ok = true;
		break;
	}
	t1 = now_ns();
	sink += r;
	return ok ? t1 - t0 : -1;
}

static bool
measured(size_t f, enum metric m)
{
	return m != M_VREAD || !formats[f]->no_validation;
}

static int
pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0) {
		if (sched_getaffinity(0, sizeof(set), &set) != 0)
			return -errno;
		for (cpu = CPU_SETSIZE - 1; cpu >= 0 && !CPU_ISSET(cpu, &set); cpu--)
			;
		if (cpu < 0)
			return -EINVAL;
	}
	if (cpu >= CPU_SETSIZE)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0)
		return -errno;
	opt_cpu = cpu;
	return 0;
}

static int
parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "iters", required_argument, NULL, 'i' },
		{ "min-time", required_argument, NULL, 't' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int o;

	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		errno = 0;
		switch (o) {
		case 'r': {
			unsigned long v = strtoul(optarg, &end, 10);

			if (errno != 0 || *end != '\0' || v < 1 || v > MAX_RUNS)
				goto bad;
			opt_runs = (unsigned int)v;
			break;
		}
		case 'i':
			opt_iters = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || opt_iters < 1 || opt_iters > (1ull << 40))
				goto bad;
			break;
		case 't':
			opt_min_time = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || !(opt_min_time > 0 && opt_min_time <= 60))
				goto bad;
			break;
		case 'c': {
			long v = strtol(optarg, &end, 10);

			if (errno != 0 || *end != '\0' || v < 0 || v >= CPU_SETSIZE)
				goto bad;
			opt_cpu = (int)v;
			break;
		}
		case 'j':
			opt_json = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "dipc-codec-perf: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -EINVAL;
	}
	return 0;
bad:
	fprintf(stderr, "dipc-codec-perf: bad value '%s' for --%s\n", optarg,
		opts[o == 'r' ? 0 : o == 'i' ? 1 : o == 't' ? 2 : 3].name);
	usage(stderr);
	return -EINVAL;
}

/* Encode once, decode once, compare with the native values. */
static int
setup_cell(enum pf_msg msg, size_t f)
{
	const struct pf_codec *k = &formats[f]->msgs[msg];
	struct cell *c = &cells[msg][f];
	const char *what = NULL;

	if (k->init != NULL) {
		if (k->init(&c->ctx) != 0 || (c->ctx_up = true, k->init(&c->keep) != 0)) {
			fprintf(stderr, "dipc-codec-perf: %s: cannot set up\n", formats[f]->name);
			return -ENOMEM;
		}
		c->keep_up = true;
	}
	c->buf = malloc(ROOM);
	if (c->buf == NULL)
		return -ENOMEM;
	c->len = k->encode(pf_sample(msg), c->buf, ROOM);
	if (c->len <= formats[f]->hdr_bytes)
		what = "encode failed";
	else if ((c->decoded = k->decode(&c->keep, c->buf, c->len)) == NULL)
		what = "its own encoding does not decode";
	else if (k->digest(c->decoded) != pf_sample_digest(msg))
		what = "decoded values differ from the native message";
	else if (time_loop(msg, f, M_ENCODE, 1) < 0)
		what = "encode loop wrote another length";
	else if (time_loop(msg, f, M_VREAD, 1) < 0)
		what = "decode loop refused the message";
	if (what != NULL) {
		fprintf(stderr, "dipc-codec-perf: check: %s %s: %s\n", formats[f]->name,
			pf_msg_name(msg), what);
		return -EPROTO;
	}
	return 0;
}

static void
cleanup(void)
{
	size_t m, f;

	for (m = 0; m < PF_NB_MSGS; m++) {
		for (f = 0; f < NB_FORMATS; f++) {
			const struct pf_codec *k = &formats[f]->msgs[m];
			struct cell *c = &cells[m][f];

			if (c->decoded != NULL)
				k->release(&c->keep, c->decoded);
			if (c->keep_up)
				k->fini(&c->keep);
			if (c->ctx_up)
				k->fini(&c->ctx);
			free(c->buf);
		}
	}
}

/* Iterations per run: given, or doubled until a loop takes 1/10 of
 * --min-time, then scaled to --min-time. */
static int
calibrate(enum pf_msg msg, size_t f, enum metric m)
{
	uint64_t n = 1;
	double t;

	if (opt_iters != 0) {
		cells[msg][f].iters[m] = opt_iters;
		return 0;
	}
	for (;;) {
		t = time_loop(msg, f, m, n);
		if (t < 0)
			return -EPROTO;
		if (t >= opt_min_time * 1e8 || n >= (1ull << 36))
			break;
		n *= 2;
	}
	t = (double)n * opt_min_time * 1e9 / (t > 1 ? t : 1);
	cells[msg][f].iters[m] = t < 1 ? 1 : (uint64_t)t;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
stats(struct cell *c, enum metric m)
{
	double v[MAX_RUNS];

	memcpy(v, c->ns[m], opt_runs * sizeof(double));
	qsort(v, opt_runs, sizeof(double), cmp_double);
	c->min[m] = v[0];
	c->max[m] = v[opt_runs - 1];
	c->med[m] = opt_runs % 2 ? v[opt_runs / 2] : (v[opt_runs / 2 - 1] + v[opt_runs / 2]) / 2;
}

static size_t
msg_bytes(enum pf_msg msg, size_t f)
{
	return cells[msg][f].len - formats[f]->hdr_bytes;
}

/* The targets, per message: the value and whether it is met. */
enum target {
	T_VREAD_JSON,   /* dipc validate+read >= 50x faster than JSON parse-and-read */
	T_VREAD_PACKED, /* dipc validate+read <= 2x the packed-struct read */
	T_VREAD_PACKED_15, /* the same, <= 1.5x (issue 14) */
	T_ENC_PB,       /* dipc encode faster than protobuf-c */
	T_ENC_MP,       /* dipc encode faster than msgpack-c */
	T_SIZE,         /* dipc size <= 60% of compact JSON */
	T_NB
};

static const char *const target_text[T_NB] = {
	"validate+read >= 50x faster than cJSON parse+read",
	"validate+read <= 2x the packed-struct read",
	"validate+read <= 1.5x the packed-struct read",
	"encode faster than protobuf-c",
	"encode faster than msgpack-c",
	"encoded size <= 60% of compact JSON",
};

static double
target_value(enum pf_msg msg, enum target t)
{
	const struct cell *d = &cells[msg][F_DIPC];

	switch (t) {
	case T_VREAD_JSON: return cells[msg][F_JSON].med[M_VREAD] / d->med[M_VREAD];
	case T_VREAD_PACKED:
	case T_VREAD_PACKED_15: return d->med[M_VREAD] / cells[msg][F_PACKED].med[M_READ];
	case T_ENC_PB: return cells[msg][F_PB].med[M_ENCODE] / d->med[M_ENCODE];
	case T_ENC_MP: return cells[msg][F_MP].med[M_ENCODE] / d->med[M_ENCODE];
	default: return 100.0 * (double)msg_bytes(msg, F_DIPC) / (double)msg_bytes(msg, F_JSON);
	}
}

static bool
target_met(enum target t, double v)
{
	switch (t) {
	case T_VREAD_JSON: return v >= 50;
	case T_VREAD_PACKED: return v <= 2;
	case T_VREAD_PACKED_15: return v <= 1.5;
	case T_ENC_PB:
	case T_ENC_MP: return v > 1;
	default: return v <= 60;
	}
}

static const char *
target_unit(enum target t)
{
	return t == T_SIZE ? "%" : "x";
}

static void
fig(char *out, size_t size, const struct cell *c, enum metric m)
{
	snprintf(out, size, "%.1f (%.1f..%.1f)", c->med[m], c->min[m], c->max[m]);
}

static void
print_table(void)
{
	char e[64], v[64], r[64];
	size_t m, f;
	int t;

	printf("dipc-codec-perf: CPU %d, %u runs per figure, %s; cJSON %s, protobuf-c %s, "
	       "msgpack-c %s\n", opt_cpu, opt_runs,
	       opt_iters ? "fixed iterations" : "iterations for --min-time per run", cJSON_Version(),
	       protobuf_c_version(), msgpack_version());
	printf("times: ns per message, median (min..max) over the runs\n");
	for (m = 0; m < PF_NB_MSGS; m++) {
		const struct cell *j = &cells[m][F_JSON];

		printf("\n%s\n", pf_msg_name((enum pf_msg)m));
		printf("  %-11s %6s %6s  %-28s %-28s %-26s %8s %8s\n", "format", "bytes", "%json",
		       "encode ns", "validate+read ns", "read ns", "enc/json", "v+r/json");
		for (f = 0; f < NB_FORMATS; f++) {
			const struct cell *c = &cells[m][f];

			fig(e, sizeof(e), c, M_ENCODE);
			fig(r, sizeof(r), c, M_READ);
			if (measured(f, M_VREAD))
				fig(v, sizeof(v), c, M_VREAD);
			else
				snprintf(v, sizeof(v), "- (no validation)");
			printf("  %-11s %6zu %5.0f%%  %-28s %-28s %-26s %7.2fx", formats[f]->name,
			       msg_bytes((enum pf_msg)m, f),
			       100.0 * (double)msg_bytes((enum pf_msg)m, f) /
			       (double)msg_bytes((enum pf_msg)m, F_JSON), e, v, r,
			       j->med[M_ENCODE] / c->med[M_ENCODE]);
			if (measured(f, M_VREAD))
				printf(" %7.1fx\n", j->med[M_VREAD] / c->med[M_VREAD]);
			else
				printf(" %8s\n", "-");
		}
		printf("  dipc read / packed read: %.2fx; dipc validate+read / packed read: %.2fx\n",
		       cells[m][F_DIPC].med[M_READ] / cells[m][F_PACKED].med[M_READ],
		       cells[m][F_DIPC].med[M_VREAD] / cells[m][F_PACKED].med[M_READ]);
	}
	printf("\n%-52s", "targets (dipc, ratio of medians)");
	for (m = 0; m < PF_NB_MSGS; m++)
		printf(" %-18s", pf_msg_name((enum pf_msg)m));
	printf("\n");
	for (t = 0; t < T_NB; t++) {
		printf("%-52s", target_text[t]);
		for (m = 0; m < PF_NB_MSGS; m++) {
			double x = target_value((enum pf_msg)m, (enum target)t);
			char cellv[32];

			snprintf(cellv, sizeof(cellv), "%.*f%s %s", t == T_SIZE ? 0 : 2, x,
				 target_unit((enum target)t),
				 target_met((enum target)t, x) ? "met" : "MISSED");
			printf(" %-18s", cellv);
		}
		printf("\n");
	}
}

static void
json_fig(const struct cell *c, enum metric m, bool last)
{
	unsigned int r;

	printf("\"%s\":{\"median_ns\":%.2f,\"min_ns\":%.2f,\"max_ns\":%.2f,\"iters\":%" PRIu64
	       ",\"runs_ns\":[", metric_names[m], c->med[m], c->min[m], c->max[m], c->iters[m]);
	for (r = 0; r < opt_runs; r++)
		printf("%s%.2f", r ? "," : "", c->ns[m][r]);
	printf("]}%s", last ? "" : ",");
}

static void
print_json(void)
{
	size_t m, f;
	int t, first = 1;

	printf("{\"tool\":\"dipc-codec-perf\",\"cpu\":%d,\"runs\":%u,\"iters\":%" PRIu64
	       ",\"min_time_s\":%.3f,\"check\":\"ok\",\"versions\":{\"cjson\":\"%s\","
	       "\"protobuf_c\":\"%s\",\"msgpack_c\":\"%s\"},\"results\":[",
	       opt_cpu, opt_runs, opt_iters, opt_min_time, cJSON_Version(), protobuf_c_version(),
	       msgpack_version());
	for (m = 0; m < PF_NB_MSGS; m++) {
		for (f = 0; f < NB_FORMATS; f++) {
			const struct cell *c = &cells[m][f];

			printf("%s{\"msg\":\"%s\",\"format\":\"%s\",\"bytes\":%zu,", first ? "" : ",",
			       pf_msg_name((enum pf_msg)m), formats[f]->name,
			       msg_bytes((enum pf_msg)m, f));
			first = 0;
			json_fig(c, M_ENCODE, false);
			if (measured(f, M_VREAD))
				json_fig(c, M_VREAD, false);
			json_fig(c, M_READ, true);
			printf("}");
		}
	}
	printf("],\"targets\":[");
	first = 1;
	for (t = 0; t < T_NB; t++) {
		for (m = 0; m < PF_NB_MSGS; m++) {
			double x = target_value((enum pf_msg)m, (enum target)t);

			printf("%s{\"msg\":\"%s\",\"target\":\"%s\",\"value\":%.3f,\"met\":%s}",
			       first ? "" : ",", pf_msg_name((enum pf_msg)m), target_text[t], x,
			       target_met((enum target)t, x) ? "true" : "false");
			first = 0;
		}
	}
	printf("]}\n");
}

int
main(int argc, char **argv)
{
	unsigned int r;
	size_t m, f;
	int e, ret;

	if (parse_args(argc, argv) != 0)
		return 2;
	ret = pin(opt_cpu);
	if (ret != 0) {
		fprintf(stderr, "dipc-codec-perf: cannot pin to CPU %d: %s\n", opt_cpu,
			strerror(-ret));
		return 2;
	}
	for (m = 0; m < PF_NB_MSGS; m++) {
		for (f = 0; f < NB_FORMATS; f++) {
			ret = setup_cell((enum pf_msg)m, f);
			if (ret != 0) {
				cleanup();
				return ret == -EPROTO ? 1 : 2;
			}
		}
	}
	if (!opt_json)
		printf("check: every format decodes to the native values of all %d messages\n",
		       PF_NB_MSGS);
	for (m = 0; m < PF_NB_MSGS; m++)
		for (f = 0; f < NB_FORMATS; f++)
			for (e = 0; e < M_NB; e++)
				if (measured(f, (enum metric)e) &&
				    calibrate((enum pf_msg)m, f, (enum metric)e) != 0) {
					cleanup();
					return 1;
				}
	/* Interleaved: run r of every figure before run r + 1 of any. */
	for (r = 0; r < opt_runs; r++)
		for (m = 0; m < PF_NB_MSGS; m++)
			for (f = 0; f < NB_FORMATS; f++)
				for (e = 0; e < M_NB; e++) {
					struct cell *c = &cells[m][f];
					double t;

					if (!measured(f, (enum metric)e))
						continue;
					t = time_loop((enum pf_msg)m, f, (enum metric)e, c->iters[e]);
					if (t < 0) {
						cleanup();
						return 1;
					}
					c->ns[e][r] = t / (double)c->iters[e];
				}
	for (m = 0; m < PF_NB_MSGS; m++)
		for (f = 0; f < NB_FORMATS; f++)
			for (e = 0; e < M_NB; e++)
				if (measured(f, (enum metric)e))
					stats(&cells[m][f], (enum metric)e);
	if (opt_json)
		print_json();
	else
		print_table();
	cleanup();
	return 0;
}
