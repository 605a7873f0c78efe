/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-iceoryx-bench: the iceoryx publish/subscribe baseline (Eclipse
 * iceoryx 2.0, its C binding), for a later comparison with dipc's own
 * pub/sub. One process per role, so that a script starts one publisher and
 * 1, 4 or 16 subscribers (tools/iceoryx-bench.sh); all of them talk to one
 * RouDi daemon (iox-roudi), which this program never starts:
 *
 *   pub  loans a chunk, writes a header (sequence number, CLOCK_MONOTONIC
 *        timestamp, phase, size) and a byte pattern derived from the
 *        sequence number into it, publishes it; as fast as it can, or at
 *        --rate. It starts once it has a subscriber (or once --start-file
 *        exists), publishes --warmup seconds of warm-up messages, then
 *        --duration seconds of measured ones, then one end message that
 *        tells the subscribers what was measured. It reports messages
 *        published per second, and per message the wall time and its own
 *        thread's CPU time (CLOCK_THREAD_CPUTIME_ID).
 *   sub  busy-polls (take, release) until the end message; reports the
 *        measured messages it received per second (over the publisher's
 *        measured interval), those it lost (sequence numbers missing) and
 *        the gaps they made, the publish-to-take latency, and with
 *        --verify every payload byte checked against the pattern.
 *
 *   dipc-iceoryx-bench --role pub [--size N] [--duration S] [--warmup S] [--rate R]
 *                      [--start-file PATH] [common options]
 *   dipc-iceoryx-bench --role sub [--verify] [--queue N] [common options]
 *   common: [--topic NAME] [--history N] [--policy drop-oldest|block] [--cpu N]
 *           [--timeout S] [--json]
 *
 * RouDi: iox_runtime_init() of iceoryx 2.0 waits up to 60 s for RouDi and
 * then aborts the process. So before it, this program connects a datagram
 * socket to RouDi's (/tmp/roudi, a name compiled into iceoryx 2.0: there is
 * no domain or instance option): no socket, or nobody behind it, and it
 * says how to start RouDi and exits 1 at once. The registration itself is
 * bounded by --timeout (SIGALRM), in case RouDi dies in between.
 *
 * Subscribers falling behind (--policy, given to both roles):
 *   drop-oldest  (iceoryx's default) a subscriber's queue (--queue, at most
 *                256 chunks) overflows by dropping its oldest chunk; the
 *                publisher never waits; the subscriber sees the gaps;
 *   block        the publisher's publish waits (spinning with yield) until
 *                every subscriber's queue has room: nothing is lost, and
 *                the slowest subscriber sets the rate.
 * A publisher with drop-oldest and a subscriber with block are never
 * connected (RouDi refuses the pair); a blocking publisher drops for a
 * drop-oldest subscriber.
 *
 * Percentiles use dipc-perf's histogram (app/perf/hist.c), as dipc-udpbench's.
 */
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <iceoryx_binding_c/config.h>
#include <iceoryx_binding_c/enums.h>
#include <iceoryx_binding_c/log.h>
#include <iceoryx_binding_c/publisher.h>
#include <iceoryx_binding_c/runtime.h>
#include <iceoryx_binding_c/subscriber.h>
#include <iceoryx_binding_c/types.h>

#include "hist.h"

#define TOOL "dipc-iceoryx-bench"
/* RouDi's socket: IOX_UDS_SOCKET_PATH_PREFIX + IPC_CHANNEL_ROUDI_NAME (iceoryx 2.0). */
#define ROUDI_SOCKET "/tmp/roudi"
/* The largest chunk of RouDi's built-in configuration (its 4 MB mempool). */
#define MAX_SIZE (4u << 20)
/* A service description's strings: IOX_CONFIG_SERVICE_STRING_SIZE - 1. */
#define MAX_TOPIC 100u

enum phase {
	PHASE_WARMUP = 1,
	PHASE_MEASURED = 2,
	PHASE_END = 3,
};

/* The first bytes of every message; the pattern fills the rest. */
struct bench_hdr {
	uint64_t seq;   /* 0, 1, 2... in publishing order, the end message included */
	uint64_t ts_ns; /* CLOCK_MONOTONIC when the message was written, before its publish */
	uint32_t phase; /* enum phase */
	uint32_t size;  /* payload bytes, this header included */
};

/* After the header of the end message (no pattern there). */
struct bench_end {
	uint64_t first_seq; /* the first measured message */
	uint64_t count;     /* measured messages: first_seq .. first_seq + count - 1 */
	uint64_t start_ns;  /* the publisher's measured interval */
	uint64_t end_ns;
};

_Static_assert(sizeof(struct bench_hdr) == 24, "the header the man page describes");

static const char *role;
static const char *topic = "dipc-bench";
static const char *policy = "drop-oldest";
static const char *start_file;
static uint32_t size = 64, queue_cap, history;
static double duration = 5, warmup = 1, rate, timeout_s = 30;
static int cpu = -2; /* -2: the role's default; -1: not pinned */
static int json, verify;
/* The first option given that the other role does not take, if any. */
static const char *pub_only, *sub_only;
static int queue_given;

static volatile sig_atomic_t stop;
/* The publisher's runtime is up: iox_runtime_shutdown() may be called. */
static volatile sig_atomic_t pub_runtime;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* This thread's CPU time, ns. */
static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
sleep_ns(uint64_t ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};

	nanosleep(&ts, NULL);
}

/* Pin the calling thread (the one that publishes or takes) to CPU @c. */
static int
pin(int c)
{
	cpu_set_t set;

	if (c < 0)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(c, &set);
	if (sched_setaffinity(0, sizeof(set), &set) != 0) {
		fprintf(stderr, TOOL ": cannot run on CPU %d: %s\n", c, strerror(errno));
		return -1;
	}
	return 0;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
	/*
	 * Wakes a publisher blocked on a full subscriber queue (--policy
	 * block). Once the runtime exists this only stores an atomic flag
	 * (iceoryx 2.0 meant it for signal handlers); iceoryx's keep-alive
	 * thread then asks RouDi to release the publisher.
	 */
	if (pub_runtime)
		iox_runtime_shutdown();
}

/* SIGALRM during iox_runtime_init(): RouDi did not answer in time. */
static void
on_alarm(int sig)
{
	static const char msg[] = TOOL ": RouDi did not register this process within --timeout:"
				  " is iox-roudi running and healthy?\n";
	ssize_t n;

	(void)sig;
	n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	_exit(1);
}

/*
 * SIGABRT: iceoryx's error handler asserts on a severe error (its log line
 * above says which): a hint for the usual one, then the abort goes on.
 */
static void
on_abort(int sig)
{
	static const char msg[] = TOOL ": iceoryx aborted this process (its message above);"
				  " a chunk larger than RouDi's largest mempool does that: give"
				  " iox-roudi a config (-c FILE) with a mempool of --size bytes\n";
	ssize_t n;

	n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)n;
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Whether a RouDi listens on its socket: 0, or -1 with the reason and how
 * to start one said. A datagram socket's connect() succeeds only on a bound
 * socket; a file left by a RouDi that died gives ECONNREFUSED.
 */
static int
roudi_check(void)
{
	struct sockaddr_un sa;
	int fd, e;

	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror(TOOL ": socket");
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, ROUDI_SOCKET, sizeof(ROUDI_SOCKET));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		return 0;
	}
	e = errno;
	close(fd);
	fprintf(stderr, TOOL ": no RouDi at " ROUDI_SOCKET " (%s): start one first, e.g. 'iox-roudi &'"
		" (Debian package iceoryx), or run tools/iceoryx-bench.sh\n", strerror(e));
	return -1;
}

/* iox_runtime_init() with this process's own name, bounded by --timeout. */
static int
runtime_init(void)
{
	struct sigaction sa;
	char name[64];

	if (roudi_check() != 0)
		return -1;
	/* iceoryx's own log: warnings and errors only, on its stream (stderr). */
	iox_set_loglevel(Iceoryx_LogLevel_Warn);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) != 0) {
		perror(TOOL ": sigaction");
		return -1;
	}
	/* Unique on the machine: RouDi refuses a second runtime of one name. */
	snprintf(name, sizeof(name), "dipc-iox-%s-%ld", role, (long)getpid());
	alarm((unsigned int)timeout_s + 1);
	iox_runtime_init(name);
	alarm(0);
	sa.sa_handler = on_abort;
	if (sigaction(SIGABRT, &sa, NULL) != 0) {
		perror(TOOL ": sigaction");
		return -1;
	}
	return 0;
}

/* "CPU N", or "not pinned", for the reports. */
static const char *
cpu_text(void)
{
	static char text[32];

	if (cpu < 0)
		return "not pinned";
	snprintf(text, sizeof(text), "CPU %d", cpu);
	return text;
}

/* The payload's byte @i of message @seq (i >= the header). */
static inline uint8_t
pattern(uint64_t seq, uint32_t i)
{
	return (uint8_t)(seq * 131u + i);
}

static void
fill(uint8_t *p, uint64_t seq, uint32_t n)
{
	uint8_t base = (uint8_t)(seq * 131u);
	uint32_t i;

	/* A form the compiler vectorizes: base + i, truncated. */
	for (i = (uint32_t)sizeof(struct bench_hdr); i < n; i++)
		p[i] = (uint8_t)(base + i);
}

static const char *
alloc_text(enum iox_AllocationResult r)
{
	switch (r) {
	case AllocationResult_NO_MEMPOOLS_AVAILABLE:
		return "no mempools";
	case AllocationResult_RUNNING_OUT_OF_CHUNKS:
		return "out of chunks";
	case AllocationResult_TOO_MANY_CHUNKS_ALLOCATED_IN_PARALLEL:
		return "too many chunks loaned at once";
	case AllocationResult_INVALID_CHUNK:
		return "invalid chunk";
	case AllocationResult_INVALID_PARAMETER_FOR_USER_PAYLOAD_OR_USER_HEADER:
		return "invalid payload size or alignment";
	case AllocationResult_INVALID_PARAMETER_FOR_CHUNK:
	case AllocationResult_INVALID_PARAMETER_FOR_REQUEST_HEADER:
		return "invalid parameter";
	case AllocationResult_SUCCESS:
		return "success";
	case AllocationResult_UNDEFINED_ERROR:
	default:
		return "undefined error";
	}
}

/*
 * A chunk of @n bytes. Out of chunks (subscribers hold them all) is waited
 * out and counted in @retries, up to --timeout; anything else is an error.
 */
static void *
loan(iox_pub_t pub, uint32_t n, uint64_t *retries)
{
	enum iox_AllocationResult r;
	uint64_t limit = 0;
	void *p = NULL;

	for (;;) {
		r = iox_pub_loan_chunk(pub, &p, n);
		if (r == AllocationResult_SUCCESS)
			return p;
		if (r != AllocationResult_RUNNING_OUT_OF_CHUNKS || stop)
			break;
		if (limit == 0)
			limit = now_ns() + (uint64_t)(timeout_s * 1e9);
		else if (now_ns() >= limit)
			break;
		(*retries)++;
		sched_yield();
	}
	fprintf(stderr, TOOL ": cannot loan a chunk of %u B: %s%s\n", n, alloc_text(r),
		r == AllocationResult_RUNNING_OUT_OF_CHUNKS ? " for --timeout" : "");
	return NULL;
}

/*
 * The publisher waits for --start-file, if given, then for a subscriber's
 * queue attached: 0, or -1 said. Subscribers registered before the file
 * appears are attached by RouDi in the same discovery pass as the first.
 */
static int
await_start(iox_pub_t pub)
{
	uint64_t limit = now_ns() + (uint64_t)(timeout_s * 1e9);
	int file = start_file == NULL;
	struct stat st;

	while (!stop && now_ns() < limit) {
		if (!file)
			file = stat(start_file, &st) == 0;
		if (file && iox_pub_has_subscribers(pub))
			return 0;
		sleep_ns(1000000);
	}
	if (stop)
		return -1;
	if (!file)
		fprintf(stderr, TOOL ": no %s after %.1f s\n", start_file, timeout_s);
	else
		fprintf(stderr, TOOL ": no subscriber of '%s' after %.1f s\n", topic, timeout_s);
	return -1;
}

static int
run_pub(void)
{
	iox_pub_storage_t storage;
	iox_pub_options_t opts;
	struct bench_hdr *h;
	struct bench_end *e;
	iox_pub_t pub;
	uint64_t seq = 0, warm = 0, count = 0, retries = 0, first_seq = 0;
	uint64_t t, t0, warm_end, end, start_ns = 0, end_ns = 0, cpu0 = 0, cpu1 = 0;
	uint64_t interval = rate > 0 ? (uint64_t)(1e9 / rate) : 0, due;
	uint32_t end_size = (uint32_t)(sizeof(struct bench_hdr) + sizeof(struct bench_end));
	double wall_s, cpu_per, wall_per, mps;
	int measuring = 0, ret = 1;

	if (runtime_init() != 0)
		return 1;
	pub_runtime = 1;
	iox_pub_options_init(&opts);
	opts.historyCapacity = history;
	opts.offerOnCreate = true;
	opts.subscriberTooSlowPolicy = strcmp(policy, "block") == 0 ?
		ConsumerTooSlowPolicy_WAIT_FOR_CONSUMER : ConsumerTooSlowPolicy_DISCARD_OLDEST_DATA;
	pub = iox_pub_init(&storage, "dipc-iceoryx-bench", topic, "data", &opts);
	/* Progress on stderr: stdout holds the result alone (--json: one line). */
	fprintf(stderr, TOOL ": pub offering '%s', %u B, policy %s, history %u, %s\n", topic, size,
		policy, history, cpu_text());
	if (pin(cpu) != 0 || await_start(pub) != 0)
		goto out;

	t0 = now_ns();
	warm_end = t0 + (uint64_t)(warmup * 1e9);
	end = UINT64_MAX;
	due = t0;
	for (;;) {
		t = now_ns();
		if (!measuring && t >= warm_end) {
			/* From the first measured message on (a blocked warm-up may end late). */
			measuring = 1;
			first_seq = seq;
			start_ns = t;
			end = t + (uint64_t)(duration * 1e9);
			cpu0 = cpu_ns();
		}
		if (measuring && (t >= end || stop)) {
			end_ns = t;
			cpu1 = cpu_ns();
			break;
		}
		if (stop)
			break;
		if (interval != 0) {
			/* Paced: sleep until this message is due (late ones go at once). */
			if (t < due) {
				sleep_ns(due - t);
				t = now_ns();
			}
			due += interval;
		}
		h = loan(pub, size, &retries);
		if (h == NULL)
			goto out;
		fill((uint8_t *)h, seq, size);
		h->seq = seq++;
		h->ts_ns = t;
		h->phase = measuring ? PHASE_MEASURED : PHASE_WARMUP;
		h->size = size;
		iox_pub_publish_chunk(pub, h);
		if (measuring)
			count++;
		else
			warm++;
	}
	if (!measuring) {
		fprintf(stderr, TOOL ": stopped during the warm-up\n");
		goto out;
	}
	/* The end: what was measured. It is the newest message, so drop-oldest keeps it. */
	h = loan(pub, end_size, &retries);
	if (h == NULL)
		goto out;
	memset(h, 0, end_size);
	h->seq = seq;
	h->ts_ns = now_ns();
	h->phase = PHASE_END;
	h->size = end_size;
	e = (struct bench_end *)(h + 1);
	e->first_seq = first_seq;
	e->count = count;
	e->start_ns = start_ns;
	e->end_ns = end_ns;
	iox_pub_publish_chunk(pub, h);

	wall_s = (double)(end_ns - start_ns) / 1e9;
	mps = wall_s > 0 ? (double)count / wall_s : 0;
	cpu_per = count != 0 ? (double)(cpu1 - cpu0) / (double)count : 0;
	wall_per = count != 0 ? (double)(end_ns - start_ns) / (double)count : 0;
	if (json)
		printf("{\"tool\":\"" TOOL "\",\"role\":\"pub\",\"topic\":\"%s\",\"size\":%u,"
		       "\"policy\":\"%s\",\"history\":%u,\"cpu\":%d,\"rate\":%.0f,"
		       "\"duration_s\":%.3f,\"warmup_messages\":%" PRIu64 ",\"messages\":%" PRIu64
		       ",\"msgs_per_s\":%.0f,\"cpu_ns_per_msg\":%.1f,\"wall_ns_per_msg\":%.1f,"
		       "\"cpu_s\":%.3f,\"loan_retries\":%" PRIu64 ",\"subscribers\":%s}\n",
		       topic, size, policy, history, cpu, rate, wall_s, warm, count, mps, cpu_per,
		       wall_per, (double)(cpu1 - cpu0) / 1e9, retries,
		       iox_pub_has_subscribers(pub) ? "true" : "false");
	else
		printf(TOOL " pub '%s', %u B, %s, policy %s: %" PRIu64 " messages in %.3f s,"
		       " %.0f msg/s; per message %.1f ns CPU, %.1f ns wall; loan retries %" PRIu64
		       "\n",
		       topic, size, cpu_text(), policy, count, wall_s, mps, cpu_per, wall_per,
		       retries);
	ret = 0;
out:
	fflush(stdout);
	iox_pub_deinit(pub);
	return ret;
}

struct sub_stats {
	uint64_t received;    /* messages taken, any phase */
	uint64_t measured;    /* measured messages taken */
	uint64_t lost;        /* measured sequence numbers never taken */
	uint64_t gaps;        /* runs of missing sequence numbers ending at a measured or the end */
	uint64_t old;         /* a sequence number not above the last (never expected) */
	uint64_t bad;         /* a payload not the pattern, or a size not the header's */
	uint64_t lost_events; /* iox_sub_has_lost_chunks() said so (queue overflowed) */
	int ended;            /* the end message came */
	struct bench_end end;
	struct perf_hist hist; /* publish-to-take, measured messages */
};

static struct sub_stats ss;

/* Whether the payload of @h is the pattern of its sequence number. */
static int
payload_ok(const struct bench_hdr *h)
{
	const uint8_t *p = (const uint8_t *)h;
	uint32_t i;

	for (i = (uint32_t)sizeof(*h); i < h->size; i++)
		if (p[i] != pattern(h->seq, i))
			return 0;
	return 1;
}

/* One message taken: counted, checked; returns 1 on the end message. */
static int
take_one(const struct bench_hdr *h, uint64_t now, uint64_t *next_seq)
{
	ss.received++;
	if (h->seq < *next_seq) {
		ss.old++;
		return 0;
	}
	if (h->seq > *next_seq && ss.received > 1 &&
	    (h->phase == PHASE_MEASURED || h->phase == PHASE_END))
		ss.gaps++;
	*next_seq = h->seq + 1;
	if (h->phase == PHASE_END) {
		if (h->size >= sizeof(*h) + sizeof(ss.end)) {
			memcpy(&ss.end, h + 1, sizeof(ss.end));
			ss.ended = 1;
		} else {
			ss.bad++;
		}
		return 1;
	}
	/* A size past any chunk would read past this one: not checked further. */
	if (h->size < sizeof(*h) || h->size > MAX_SIZE || (verify && !payload_ok(h)))
		ss.bad++;
	if (h->phase == PHASE_MEASURED) {
		ss.measured++;
		hist_add(&ss.hist, now > h->ts_ns ? now - h->ts_ns : 0);
	}
	return 0;
}

/*
 * The subscriber waits until RouDi has registered it: 0, or -1 said. With
 * iceoryx 2.0's n:m subscriber ports that needs no publisher yet; RouDi
 * attaches the queue to a matching publisher's when it offers.
 */
static int
await_subscribed(iox_sub_t sub)
{
	uint64_t limit = now_ns() + (uint64_t)(timeout_s * 1e9);

	while (!stop && now_ns() < limit) {
		if (iox_sub_get_subscription_state(sub) == SubscribeState_SUBSCRIBED)
			return 0;
		sleep_ns(1000000);
	}
	if (!stop)
		fprintf(stderr, TOOL ": RouDi did not register the subscription to '%s' within"
			" %.1f s\n", topic, timeout_s);
	return -1;
}

static void
sub_report(void)
{
	const struct perf_hist *hh = &ss.hist;
	double span = ss.ended ? (double)(ss.end.end_ns - ss.end.start_ns) / 1e9 : 0;
	double mps = span > 0 ? (double)ss.measured / span : 0;

	if (ss.ended)
		ss.lost = ss.end.count > ss.measured ? ss.end.count - ss.measured : 0;
	if (json) {
		printf("{\"tool\":\"" TOOL "\",\"role\":\"sub\",\"topic\":\"%s\",\"policy\":\"%s\","
		       "\"queue\":%u,\"history\":%u,\"cpu\":%d,\"verify\":%s,\"ended\":%s,"
		       "\"duration_s\":%.3f,\"published\":%" PRIu64 ",\"messages\":%" PRIu64
		       ",\"msgs_per_s\":%.0f,\"lost\":%" PRIu64 ",\"gaps\":%" PRIu64
		       ",\"lost_events\":%" PRIu64 ",\"old\":%" PRIu64 ",\"bad\":%" PRIu64
		       ",\"received\":%" PRIu64,
		       topic, policy, queue_cap, history, cpu, verify ? "true" : "false",
		       ss.ended ? "true" : "false", span, ss.end.count, ss.measured, mps, ss.lost,
		       ss.gaps, ss.lost_events, ss.old, ss.bad, ss.received);
		if (hh->count != 0)
			printf(",\"lat_ns\":{\"min\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
			       ",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64
			       ",\"mean\":%.0f}",
			       hh->min, hist_percentile(hh, 50), hist_percentile(hh, 90),
			       hist_percentile(hh, 99), hist_percentile(hh, 99.9), hh->max,
			       hh->sum / (double)hh->count);
		printf("}\n");
		return;
	}
	printf(TOOL " sub '%s', %s, queue %u, policy %s: %" PRIu64 " of %" PRIu64
	       " measured messages, %.0f msg/s; lost %" PRIu64 " in %" PRIu64 " gaps",
	       topic, cpu_text(), queue_cap, policy, ss.measured, ss.end.count, mps, ss.lost,
	       ss.gaps);
	if (hh->count != 0)
		printf("; publish to take ns p50 %" PRIu64 " p99 %" PRIu64 " max %" PRIu64,
		       hist_percentile(hh, 50), hist_percentile(hh, 99), hh->max);
	printf("; %s%" PRIu64 " bad, %" PRIu64 " out of order%s\n",
	       verify ? "payloads checked, " : "", ss.bad, ss.old,
	       ss.ended ? "" : "; NO END MESSAGE");
}

static int
run_sub(void)
{
	iox_sub_storage_t storage;
	iox_sub_options_t opts;
	const void *p;
	iox_sub_t sub;
	enum iox_ChunkReceiveResult r;
	uint64_t next_seq = 0, last_ns, now, silence = (uint64_t)(timeout_s * 1e9);
	unsigned int idle = 0;
	int ret = 1, done = 0;

	if (runtime_init() != 0)
		return 1;
	iox_sub_options_init(&opts);
	if (queue_given)
		opts.queueCapacity = queue_cap;
	queue_cap = (uint32_t)opts.queueCapacity;
	opts.historyRequest = history;
	opts.subscribeOnCreate = true;
	opts.queueFullPolicy = strcmp(policy, "block") == 0 ?
		QueueFullPolicy_BLOCK_PRODUCER : QueueFullPolicy_DISCARD_OLDEST_DATA;
	sub = iox_sub_init(&storage, "dipc-iceoryx-bench", topic, "data", &opts);
	hist_init(&ss.hist);
	if (pin(cpu) != 0 || await_subscribed(sub) != 0)
		goto out;
	fprintf(stderr, TOOL ": sub subscribed to '%s', queue %u, policy %s, %s\n", topic,
		queue_cap, policy, cpu_text());

	last_ns = now_ns();
	while (!done) {
		r = iox_sub_take_chunk(sub, &p);
		if (r == ChunkReceiveResult_SUCCESS) {
			now = now_ns();
			done = take_one(p, now, &next_seq);
			iox_sub_release_chunk(sub, p);
			last_ns = now;
			continue;
		}
		if (r != ChunkReceiveResult_NO_CHUNK_AVAILABLE) {
			fprintf(stderr, TOOL ": take: error %d (%s)\n", (int)r,
				r == ChunkReceiveResult_TOO_MANY_CHUNKS_HELD_IN_PARALLEL ?
				"too many chunks held" : "undefined error");
			goto out;
		}
		if (iox_sub_has_lost_chunks(sub))
			ss.lost_events++;
		/*
		 * Before the first message, a poll a millisecond: subscribers
		 * waiting for the publisher's start leave the CPU they share to
		 * those still registering. Then busy: the clock and the flag
		 * now and then, so the poll stays tight.
		 */
		if (ss.received == 0)
			sleep_ns(1000000);
		else if (++idle % 1024 != 0)
			continue;
		if (stop)
			break;
		if (now_ns() - last_ns >= silence) {
			if (ss.received == 0)
				fprintf(stderr, TOOL ": no message within %.1f s: no publisher of '%s'%s\n",
					timeout_s, topic, strcmp(policy, "block") != 0 ? "" :
					" (or one with --policy drop-oldest, which RouDi does not"
					" connect to a --policy block subscriber)");
			else
				fprintf(stderr, TOOL ": no message for %.1f s: the publisher is"
					" gone\n", timeout_s);
			break;
		}
	}
	sub_report();
	/* Complete only with the end message, and every payload right. */
	ret = ss.ended && ss.bad == 0 ? 0 : 1;
out:
	fflush(stdout);
	iox_sub_deinit(sub);
	return ret;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: " TOOL " --role pub [--size %u..%u] [--duration S] [--warmup S]"
		   " [--rate R]\n"
		   "                          [--start-file PATH] [COMMON]\n"
		   "       " TOOL " --role sub [--verify] [--queue 1..%u] [COMMON]\n"
		   "  COMMON: [--topic NAME] [--history N] [--policy drop-oldest|block] [--cpu N]\n"
		   "          [--timeout S] [--json]\n",
		(unsigned int)sizeof(struct bench_hdr), MAX_SIZE,
		iox_cfg_max_subscriber_queue_capacity());
}

/* A usage error: its reason, the usage, and -1 for parse_args(). */
static int
bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, TOOL ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return -1;
}

/* An unsigned number in [lo, hi], or -1. */
static long
number(const char *v, long lo, long hi)
{
	long n;
	char *end;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return -1;
	return n;
}

/* Seconds in [lo, hi] into @d: 0, or -1. */
static int
seconds(const char *v, double lo, double hi, double *d)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(v, &end);
	if (errno != 0 || end == v || *end != '\0' || !(x >= lo && x <= hi))
		return -1;
	*d = x;
	return 0;
}

/* Whether @a is one of the options that take a value. */
static int
takes_value(const char *a)
{
	static const char *const opts[] = {
		"--role", "--size", "--duration", "--warmup", "--rate", "--start-file",
		"--queue", "--topic", "--history", "--policy", "--cpu", "--timeout",
	};
	size_t i;

	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (strcmp(a, opts[i]) == 0)
			return 1;
	return 0;
}

/* Returns 0 to run, 1 after printing the help, -1 on a bad option. */
static int
parse_args(int argc, char **argv)
{
	uint64_t max_history = iox_cfg_max_publisher_history();
	int i;
	long n;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			printf("iceoryx publish/subscribe through a running RouDi (iox-roudi): one"
			       " publisher or one\nsubscriber per process, busy-polling. The publisher"
			       " reports msg/s and its CPU\nand wall ns per message; each subscriber"
			       " msg/s, lost messages and gaps.\n");
			return 1;
		}
		if (strcmp(a, "--") == 0 && i == 1)
			continue; /* as a DPDK tool's application arguments */
		if (strcmp(a, "--json") == 0) {
			json = 1;
			continue;
		}
		if (strcmp(a, "--verify") == 0) {
			verify = 1;
			if (sub_only == NULL)
				sub_only = a;
			continue;
		}
		if (!takes_value(a))
			return bad("unknown option '%s'", a);
		if (v == NULL)
			return bad("option '%s' needs a value", a);
		i++;
		if (strcmp(a, "--role") == 0) {
			if (strcmp(v, "pub") != 0 && strcmp(v, "sub") != 0)
				return bad("--role '%s': pub or sub", v);
			role = v;
		} else if (strcmp(a, "--size") == 0) {
			n = number(v, (long)sizeof(struct bench_hdr), MAX_SIZE);
			if (n < 0)
				return bad("--size '%s': %u..%u bytes (the %u-byte header included)", v,
					   (unsigned int)sizeof(struct bench_hdr), MAX_SIZE,
					   (unsigned int)sizeof(struct bench_hdr));
			size = (uint32_t)n;
			if (pub_only == NULL)
				pub_only = a;
		} else if (strcmp(a, "--duration") == 0 || strcmp(a, "--warmup") == 0) {
			if (seconds(v, strcmp(a, "--duration") == 0 ? 0.001 : 0, 86400,
				    a[2] == 'd' ? &duration : &warmup) != 0)
				return bad("%s '%s': 0..86400 seconds%s", a, v,
					   a[2] == 'd' ? " (above 0)" : "");
			if (pub_only == NULL)
				pub_only = a;
		} else if (strcmp(a, "--rate") == 0) {
			if (seconds(v, 0, 1e9, &rate) != 0)
				return bad("--rate '%s': 0 (as fast as possible)..1e9 messages/s", v);
			if (pub_only == NULL)
				pub_only = a;
		} else if (strcmp(a, "--start-file") == 0) {
			if (v[0] == '\0')
				return bad("--start-file: a path");
			start_file = v;
			if (pub_only == NULL)
				pub_only = a;
		} else if (strcmp(a, "--queue") == 0) {
			n = number(v, 1, iox_cfg_max_subscriber_queue_capacity());
			if (n < 0)
				return bad("--queue '%s': 1..%u chunks", v,
					   iox_cfg_max_subscriber_queue_capacity());
			queue_cap = (uint32_t)n;
			queue_given = 1;
			if (sub_only == NULL)
				sub_only = a;
		} else if (strcmp(a, "--topic") == 0) {
			if (v[0] == '\0' || strlen(v) > MAX_TOPIC)
				return bad("--topic '%s': 1..%u characters", v, MAX_TOPIC);
			topic = v;
		} else if (strcmp(a, "--history") == 0) {
			n = number(v, 0, (long)max_history);
			if (n < 0)
				return bad("--history '%s': 0..%" PRIu64, v, max_history);
			history = (uint32_t)n;
		} else if (strcmp(a, "--policy") == 0) {
			if (strcmp(v, "drop-oldest") != 0 && strcmp(v, "block") != 0)
				return bad("--policy '%s': drop-oldest or block", v);
			policy = v;
		} else if (strcmp(a, "--cpu") == 0) {
			n = strcmp(v, "-1") == 0 ? -1 : number(v, 0, CPU_SETSIZE - 1);
			if (n == -1 && strcmp(v, "-1") != 0)
				return bad("--cpu '%s': 0..%d, or -1 (not pinned)", v, CPU_SETSIZE - 1);
			cpu = (int)n;
		} else {
			if (seconds(v, 0.1, 3600, &timeout_s) != 0)
				return bad("--timeout '%s': 0.1..3600 seconds", v);
		}
	}
	if (role == NULL)
		return bad("--role pub or --role sub is needed");
	if (strcmp(role, "pub") == 0) {
		if (sub_only != NULL)
			return bad("%s is a subscriber option", sub_only);
		if (cpu == -2)
			cpu = 1;
		return 0;
	}
	if (pub_only != NULL)
		return bad("%s is a publisher option", pub_only);
	if (cpu == -2)
		cpu = 0;
	return 0;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	int ret = parse_args(argc, argv);

	if (ret != 0)
		return ret > 0 ? 0 : 2;
	/* No SA_RESTART: a sleep returns at once; the loops look at stop. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
		perror(TOOL ": sigaction");
		return 1;
	}
	return strcmp(role, "pub") == 0 ? run_pub() : run_sub();
}
