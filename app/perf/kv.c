/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kv: the key-value service (README "Key-value service") under a mix of
 * GETs and PUTs. Preloads --keys keys with one PUT each, then keeps
 * --window requests in flight per connection, each a GET with probability
 * --get-ratio (else a PUT of --value-size bytes) of a key drawn uniformly,
 * and reports ops/s and latency percentiles for each kind.
 *
 * Values say what they are: a PUT's value starts with its key number, a
 * sequence number of that key's PUTs and the writer (this process's pid),
 * and the rest is a pattern of the three. With --verify, every GET's
 * value must be whole (its key, the pattern of its header) and, if this
 * process wrote it, no older than the last PUT of that key acknowledged
 * before the GET was sent (with one connection, which the server serves in
 * order), nor newer than the last one sent: what this client last PUT,
 * allowing for PUTs still in flight. Values written by
 * another dipc-perf on the same keys are checked for being whole only, so
 * several can run at once and catch a torn value.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_pause.h>

#include "dipc_codec_mbuf.h"
#include "kv.h" /* generated from docs/examples/kv.schema */
#include "perf.h"

#define KV_KEY_FMT "key:%08" PRIu32
#define KV_KEY_LEN 12
#define KV_VALUE_HDR 12 /* key number u32, sequence u32, writer u32 */
#define KV_BUF (1u << 20) /* largest body handled: values in chains too */

enum { OP_GET = 0, OP_PUT = 1, OP_MAX };
static const char *const op_names[OP_MAX] = { "get", "put" };

/* One request in flight, by stream id (responses come back in order on a
 * connection, so a table of twice the window never wraps onto a live one). */
struct kv_track {
	uint32_t stream_id;
	uint32_t key;
	uint32_t seq;      /* PUT: its sequence; GET: the oldest acceptable */
	uint8_t op;
	uint64_t t0;
};

struct kv_conn {
	struct kv_track *track;
	uint32_t mask;
	uint32_t in_flight;
};

struct kv_state {
	const struct perf_opts *o;
	struct kv_conn conn[PERF_MAX_CONNS];
	uint32_t *sent_seq;  /* [keys]: newest PUT sent */
	uint32_t *acked_seq; /* [keys]: newest PUT acknowledged */
	uint64_t rng;
	uint32_t writer;     /* this process, in the values it writes */
	uint64_t ops[OP_MAX];
	uint64_t not_found, busy;
	struct perf_hist hist[OP_MAX];
	struct perf_hist all;
	int preload;         /* preloading: every key once, in order */
	uint32_t next_key;   /* the next key to preload */
	uint32_t max_body;   /* largest body in one segment */
	uint8_t rsp[KV_BUF];   /* an opened (decompressed) response */
	uint8_t raw[KV_BUF];   /* a chained response, copied out */
	uint8_t value[KV_BUF]; /* a PUT's value, before it is copied in */
	uint8_t body[KV_BUF];  /* a chained PUT's body, before it is copied in */
};

/* The run's state, printed after kv_run() returns and kept (with what it
 * points to) until the process exits. */
static struct kv_state state;

int
perf_kv_parse_ratio(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	bool percent = end != s && *end == '%' && end[1] == '\0';

	if (!percent && (end == s || *end != '\0'))
		v = -1;
	else if (percent || v > 1) /* "90%", or "90" */
		v /= 100;
	if (!(v >= 0 && v <= 1)) {
		fprintf(stderr, "dipc-perf: --get-ratio: '%s' is not a share of GETs: 0..1, "
				"or a percentage such as 90%%\n", s);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static inline uint64_t
next_rand(struct kv_state *st)
{
	/* xorshift64: cheap, and the same run each time. */
	st->rng ^= st->rng << 13;
	st->rng ^= st->rng >> 7;
	st->rng ^= st->rng << 17;
	return st->rng;
}

static inline uint8_t
pattern(uint32_t key, uint32_t seq, uint32_t writer, uint32_t i)
{
	return (uint8_t)(key * 131u + seq * 31u + writer * 17u + i * 7u);
}

static void
fill_value(const struct kv_state *st, uint8_t *v, uint32_t len, uint32_t key, uint32_t seq)
{
	uint32_t i;

	memcpy(v, &key, sizeof(key));
	memcpy(v + 4, &seq, sizeof(seq));
	memcpy(v + 8, &st->writer, sizeof(st->writer));
	for (i = KV_VALUE_HDR; i < len; i++)
		v[i] = pattern(key, seq, st->writer, i);
}

/* A GET's value: whole, of this key, and between @min_seq and what was sent. */
static int
check_value(const struct kv_state *st, const uint8_t *v, uint32_t len, uint32_t key,
	    uint32_t min_seq)
{
	uint32_t k, seq, writer, i;

	if (len < KV_VALUE_HDR)
		return -1;
	memcpy(&k, v, sizeof(k));
	memcpy(&seq, v + 4, sizeof(seq));
	memcpy(&writer, v + 8, sizeof(writer));
	if (k != key)
		return -1;
	/* Over one connection the server applies requests in order; over
	 * several, two PUTs of a key in flight at once may land in either
	 * order, so only the upper bound holds. */
	if (writer == st->writer &&
	    (len != st->o->value_size || seq > st->sent_seq[key] ||
	     (st->o->connections == 1 && seq < min_seq)))
		return -1;
	for (i = KV_VALUE_HDR; i < len; i++)
		if (v[i] != pattern(key, seq, writer, i))
			return -1;
	return 0;
}

static uint32_t
send_some(struct kv_state *st, struct dipc_client *c, struct kv_conn *kc, uint32_t n)
{
	const struct perf_opts *o = st->o;
	struct rte_mbuf *m[PERF_MAX_BURST];
	struct dipc_codec_builder b;
	char name[16]; /* KV_KEY_LEN + 1: --keys is at most 99999999 */
	uint32_t i, k = 0, key, seq, body_len;
	uint8_t op;
	uint16_t sent;

	for (i = 0; i < n; i++) {
		if (st->preload) {
			if (st->next_key >= o->keys)
				break;
			/* Taken once its request is allocated: an allocation
			 * never waits, and may fail (ENOBUFS) until the server
			 * has lent the mbufs; the key is tried again. */
			key = st->next_key;
			op = OP_PUT;
		} else {
			key = (uint32_t)(next_rand(st) % o->keys);
			op = (double)(next_rand(st) >> 11) * 0x1.0p-53 < o->get_ratio ? OP_GET :
											  OP_PUT;
		}
		snprintf(name, sizeof(name), KV_KEY_FMT, key);
		if (op == OP_GET) {
			body_len = (uint32_t)kv_get_req_size(KV_KEY_LEN);
			m[k] = dipc_client_msg_alloc(c, KV_GET_REQ_ID, body_len);
			if (m[k] == NULL)
				break;
			kv_get_req_build_init(&b, dipc_msg_body(m[k]), body_len);
			kv_get_req_set_key(&b, name, KV_KEY_LEN);
			seq = st->acked_seq[key];
		} else {
			body_len = (uint32_t)kv_put_req_size(KV_KEY_LEN, o->value_size);
			/* Over one segment: a chain, its body built aside and
			 * copied in. */
			if (body_len <= st->max_body)
				m[k] = dipc_client_msg_alloc(c, KV_PUT_REQ_ID, body_len);
			else
				m[k] = dipc_client_msg_alloc_chain(c, KV_PUT_REQ_ID, body_len, 0);
			if (m[k] == NULL)
				break;
			if (st->preload)
				st->next_key++;
			seq = ++st->sent_seq[key];
			fill_value(st, st->value, o->value_size, key, seq);
			kv_put_req_build_init(&b, body_len <= st->max_body ? dipc_msg_body(m[k]) :
									   st->body,
					      body_len);
			kv_put_req_set_key(&b, name, KV_KEY_LEN);
			kv_put_req_set_value(&b, st->value, o->value_size);
			if (body_len > st->max_body)
				dipc_codec_mbuf_copy_in(m[k], 0, st->body, body_len);
		}
		kc->track[dipc_msg_hdr(m[k])->stream_id & kc->mask] = (struct kv_track){
			.stream_id = dipc_msg_hdr(m[k])->stream_id, .key = key, .seq = seq,
			.op = op, .t0 = rte_rdtsc(),
		};
		k++;
	}
	if (k == 0)
		return 0;
	sent = dipc_client_send_burst(c, m, (uint16_t)k);
	/* The ring was full: hand back what did not fit (their stream ids
	 * and sequence numbers are simply never seen). */
	if (sent < k)
		dipc_client_msg_free_bulk(c, m + sent, k - sent);
	if (st->preload && sent < k)
		st->next_key -= k - sent;
	return sent;
}

/* Check one response against what was asked; 0 if as expected. */
static int
check_response(struct kv_state *st, struct kv_conn *kc, struct rte_mbuf *m, int measuring)
{
	const struct dipc_msg_hdr *h = dipc_msg_hdr(m);
	struct kv_track *t = &kc->track[h->stream_id & kc->mask];
	const void *body;
	const uint8_t *v;
	uint32_t len, vlen;
	uint64_t ns;
	int status;

	if (dipc_msg_validate_response(m) != DIPC_STATUS_OK || (h->flags & DIPC_MSG_F_ERROR) ||
	    t->stream_id != h->stream_id)
		return -1;
	if (measuring) {
		ns = (uint64_t)perf_ns(rte_rdtsc() - t->t0);
		hist_add(&st->hist[t->op], ns);
		hist_add(&st->all, ns);
		st->ops[t->op]++;
	}
	if (m->nb_segs == 1) {
		if (dipc_codec_mbuf_open(m, st->rsp, sizeof(st->rsp), &body, &len) != 0)
			return -1;
	} else {
		/* A chained answer (a large value): copied out, then opened. */
		len = dipc_codec_mbuf_body_len(m);
		if (len > sizeof(st->raw) || dipc_codec_mbuf_copy_out(m, 0, len, st->raw) != 0 ||
		    dipc_codec_open(h, st->raw, len, st->rsp, sizeof(st->rsp), &body, &len) != 0)
			return -1;
	}
	if (t->op == OP_PUT) {
		if (kv_put_rsp_validate(body, len, NULL) != DIPC_CODEC_OK)
			return -1;
		status = kv_put_rsp_get_status(body);
		if (status == kv_kv_status_BUSY) {
			st->busy++;
			return 0;
		}
		if (status != kv_kv_status_OK)
			return -1;
		if (t->seq > st->acked_seq[t->key])
			st->acked_seq[t->key] = t->seq;
		return 0;
	}
	if (kv_get_rsp_validate(body, len, NULL) != DIPC_CODEC_OK)
		return -1;
	status = kv_get_rsp_get_status(body);
	if (status == kv_kv_status_NOT_FOUND) {
		/* Preloaded keys are never deleted: only a key whose preload
		 * failed (BUSY) may be missing. */
		st->not_found++;
		return st->acked_seq[t->key] != 0 ? -1 : 0;
	}
	if (status != kv_kv_status_OK)
		return -1;
	v = kv_get_rsp_get_value(body, &vlen);
	if (st->o->verify && check_value(st, v, vlen, t->key, t->seq) != 0)
		return -1;
	return 0;
}

static uint32_t
recv_some(struct kv_state *st, struct dipc_client *c, struct kv_conn *kc, int measuring,
	  uint64_t *errors)
{
	struct rte_mbuf *m[PERF_MAX_BURST];
	uint16_t got, i;

	got = dipc_client_recv_burst(c, m, (uint16_t)st->o->burst);
	for (i = 0; i < got; i++)
		if (check_response(st, kc, m[i], measuring) != 0)
			(*errors)++;
	dipc_client_msg_free_bulk(c, m, got);
	kc->in_flight -= got;
	return got;
}

/* Preload every key, or run the mix until @end or @count responses;
 * returns 0 or the server's trouble (-ESHUTDOWN, -ECONNRESET). */
static int
run_loop(struct kv_state *st, struct dipc_client **conns, uint64_t *errors, int measuring,
	 uint64_t end, uint64_t count)
{
	const struct perf_opts *o = st->o;
	uint64_t done = 0, idle = 0, now;
	uint32_t i, n, room, progress;
	int ret;

	for (;;) {
		progress = 0;
		for (i = 0; i < o->connections; i++) {
			struct kv_conn *kc = &st->conn[i];

			n = recv_some(st, conns[i], kc, measuring, errors);
			done += n;
			progress += n;
			room = o->window - kc->in_flight;
			if (room != 0) {
				n = send_some(st, conns[i], kc, RTE_MIN(room, o->burst));
				kc->in_flight += n;
				progress += n;
			}
		}
		if (st->preload) {
			if (st->next_key >= o->keys) {
				/* Every preload PUT sent: wait for their answers. */
				for (i = 0; i < o->connections; i++)
					if (st->conn[i].in_flight != 0)
						break;
				if (i == o->connections)
					return 0;
			}
		} else if (progress != 0) {
			now = rte_rdtsc();
			if (count != 0 ? done >= count : now >= end)
				return 0;
		}
		if (progress != 0) {
			idle = 0;
			continue;
		}
		if (++idle % 1024 == 0) {
			ret = perf_check_server(conns, o->connections);
			if (ret != 0)
				return ret;
		}
		rte_pause();
	}
}

static void
kv_print(FILE *f, const struct perf_opts *o, const struct perf_result *r, int json)
{
	const struct kv_state *st = r->extra;
	unsigned int i;

	if (json) {
		fprintf(f, ",\"get_ratio\":%.3f,\"keys\":%u,\"value_size\":%u,\"not_found\":%" PRIu64
		       ",\"busy\":%" PRIu64, o->get_ratio, o->keys, o->value_size, st->not_found,
		       st->busy);
		for (i = 0; i < OP_MAX; i++) {
			const struct perf_hist *h = &st->hist[i];

			fprintf(f, ",\"%s\":{\"ops\":%" PRIu64 ",\"ops_per_s\":%.0f", op_names[i],
			       st->ops[i], r->elapsed_s > 0 ? (double)st->ops[i] / r->elapsed_s : 0);
			if (h->count != 0)
				fprintf(f, ",\"lat_ns\":{\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
				       ",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64 "}",
				       hist_percentile(h, 50), hist_percentile(h, 90),
				       hist_percentile(h, 99), hist_percentile(h, 99.9), h->max);
			fprintf(f, "}");
		}
		return;
	}
	fprintf(f, "  kv:          keys %u, value %u B, get ratio %.2f, verify %s; not found %" PRIu64
	       ", busy %" PRIu64 "\n", o->keys, o->value_size, o->get_ratio,
	       o->verify ? "on" : "off", st->not_found, st->busy);
	for (i = 0; i < OP_MAX; i++) {
		const struct perf_hist *h = &st->hist[i];

		fprintf(f, "  %s:         %-12" PRIu64 " %.0f ops/s", op_names[i], st->ops[i],
		       r->elapsed_s > 0 ? (double)st->ops[i] / r->elapsed_s : 0);
		if (h->count != 0)
			fprintf(f, "   latency ns p50 %" PRIu64 "  p90 %" PRIu64 "  p99 %" PRIu64
			       "  p99.9 %" PRIu64 "  max %" PRIu64, hist_percentile(h, 50),
			       hist_percentile(h, 90), hist_percentile(h, 99),
			       hist_percentile(h, 99.9), h->max);
		fprintf(f, "\n");
	}
}

static int
kv_run(const struct perf_opts *o, struct dipc_client **conns, struct perf_result *r)
{
	struct kv_state *st = &state;
	uint64_t start, late = 0, deadline;
	uint32_t i, tsize = 1;
	int ret;

	st->o = o;
	st->writer = (uint32_t)getpid();
	st->rng = 0x9e3779b97f4a7c15ull ^ st->writer;
	st->sent_seq = calloc(o->keys, sizeof(uint32_t));
	st->acked_seq = calloc(o->keys, sizeof(uint32_t));
	while (tsize < 2 * o->window)
		tsize <<= 1;
	for (i = 0; i < o->connections; i++) {
		st->conn[i].track = calloc(tsize, sizeof(struct kv_track));
		st->conn[i].mask = tsize - 1;
		if (st->conn[i].track == NULL)
			st->sent_seq = NULL; /* reported below */
	}
	if (st->sent_seq == NULL || st->acked_seq == NULL) {
		fprintf(stderr, "dipc-perf: kv: no memory for %u keys\n", o->keys);
		r->errors++;
		return -ENOMEM;
	}
	st->max_body = dipc_client_max_body(conns[0]);
	if (kv_put_req_size(KV_KEY_LEN, o->value_size) > RTE_MIN(dipc_client_max_chain_body(conns[0]),
								 KV_BUF)) {
		fprintf(stderr, "dipc-perf: kv: --value-size %u is larger than the largest PUT "
				"this server takes (%u bytes of body, chains included)\n",
			o->value_size, dipc_client_max_chain_body(conns[0]));
		r->errors++;
		return -EINVAL;
	}
	for (i = 0; i < OP_MAX; i++)
		hist_init(&st->hist[i]);
	hist_init(&st->all);
	r->extra = st;
	r->print_extra = kv_print;
	r->hist = &st->all;

	/* Preload every key once, then the warm-up, then the measured mix. */
	st->preload = 1;
	ret = run_loop(st, conns, &r->errors, 0, 0, 0);
	st->preload = 0;
	if (ret == 0 && o->warmup > 0)
		ret = run_loop(st, conns, &r->errors, 0, rte_rdtsc() + perf_cycles(o->warmup), 0);
	start = rte_rdtsc();
	if (ret == 0)
		ret = run_loop(st, conns, &r->errors, 1, start + perf_cycles(o->duration), o->count);
	r->elapsed_s = perf_ns(rte_rdtsc() - start) / 1e9;
	r->messages = st->ops[OP_GET] + st->ops[OP_PUT];
	r->server_status = ret;

	/* Collect what is still in flight so every mbuf goes home. */
	deadline = rte_rdtsc() + perf_cycles(o->timeout_ms / 1000.0);
	for (i = 0; ret == 0 && i < o->connections; i++)
		while (st->conn[i].in_flight != 0 && rte_rdtsc() < deadline)
			recv_some(st, conns[i], &st->conn[i], 0, &late);
	r->errors += late;
	return 0;
}

const struct perf_mode perf_mode_kv = {
	.name = "kv",
	.help = "key-value GET/PUT mix: --get-ratio, --keys, --value-size (preloads)",
	.run = kv_run,
};
