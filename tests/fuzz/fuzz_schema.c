/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: libFuzzer target for the generated codec validator (headers
 * written by dipc-schemac from tests/codec/alltypes.schema, evo_v1.schema,
 * evo_v2.schema, maps.schema and docs/examples/bench.schema). The input is
 * a message body, copied to a heap buffer of exactly its length so that
 * ASan catches any access past it, and validated as t_all.every,
 * evo1.item, evo2.item, mp.doc and the five benchmark messages (among them
 * deep, seven levels of nested arrays, and labels, arrays of strings and
 * maps). Every property below aborts when broken, so libFuzzer reports it:
 *   - the fast pass of each validator accepts only what its precise pass
 *     accepts, and validate() returns what the precise pass returns;
 *   - a validator never writes to the body, and returns what it put in
 *     the error (code, a path ending in the message name, an offset inside
 *     the body); the error text formats within bounds;
 *   - the prefix rules as documented (body_len < 4, fixed_len below the
 *     version 1 block or past the body) give the documented codes;
 *   - a body evo2 (newer schema) accepts, evo1 (older schema) accepts too;
 *   - on an accepted body every getter is safe (the JSON printer calls them
 *     all) and the printer is snprintf-exact at every size tried;
 *   - an accepted every (or doc) body rebuilt through getters and the
 *     builder fits in no more room than the input, validates, and prints
 *     the same JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIPC_CODEC_NO_MBUF
#include "alltypes.h"
#include "bench.h"
#include "evo_v1.h"
#include "evo_v2.h"
#include "maps.h"

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_schema: %s:%d: property broken: %s\n", \
			__FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What every validator promises about its error. */
static void
check_error(enum dipc_codec_err r, const struct dipc_codec_error *e, const char *msg,
	    uint32_t body_len, uint32_t min_fixed)
{
	char text[1024];
	int n;

	if (r == DIPC_CODEC_OK)
		return;
	CHECK(r > DIPC_CODEC_OK && r < DIPC_CODEC_E_MAX);
	CHECK(e->code == r);
	CHECK(e->depth >= 1 && e->depth <= DIPC_CODEC_PATH_MAX);
	CHECK(strcmp(e->path[e->depth - 1].name, msg) == 0);
	CHECK(e->body_len == body_len);
	CHECK(e->at == 0 || e->at < body_len);
	/* The prefix rules, as docs/SCHEMA.md states them. */
	if (body_len < DIPC_CODEC_PREFIX_LEN)
		CHECK(r == DIPC_CODEC_E_BODY_SHORT && e->len == DIPC_CODEC_PREFIX_LEN);
	else if (e->fixed_len < min_fixed)
		CHECK(r == DIPC_CODEC_E_FIXED_SHORT);
	else if (e->fixed_len > body_len)
		CHECK(r == DIPC_CODEC_E_BODY_SHORT);
	else
		CHECK(r != DIPC_CODEC_E_BODY_SHORT && r != DIPC_CODEC_E_FIXED_SHORT);
	if (r >= DIPC_CODEC_E_REF_OFFSET && r <= DIPC_CODEC_E_ARRAY_LENGTH)
		CHECK((uint64_t)e->at + DIPC_CODEC_REF_LEN <= body_len);
	n = dipc_codec_error_format(e, text, sizeof(text));
	CHECK(n > 0 && (size_t)n < sizeof(text) && strlen(text) == (size_t)n);
	CHECK(strncmp(text, msg, strlen(msg)) == 0 || e->path_cut);
}

/* JSON at the exact size, one byte short, and with no buffer. */
static void
check_json(size_t (*to_json)(const void *, char *, size_t), const uint8_t *body, char **out)
{
	size_t len = to_json(body, NULL, 0);
	char *full = malloc(len + 1), *cut;

	CHECK(full != NULL);
	CHECK(to_json(body, full, len + 1) == len);
	CHECK(strlen(full) == len && len >= 2 && full[0] == '{' && full[len - 1] == '}');
	cut = malloc(len);
	CHECK(cut != NULL);
	CHECK(to_json(body, cut, len) == len);
	CHECK(strlen(cut) == len - 1 && memcmp(cut, full, len - 1) == 0);
	free(cut);
	*out = full;
}

static size_t
every_json(const void *b, char *buf, size_t size)
{
	return t_all_every_to_json(b, buf, size);
}

static size_t
evo1_json(const void *b, char *buf, size_t size)
{
	return evo1_item_to_json(b, buf, size);
}

static size_t
evo2_json(const void *b, char *buf, size_t size)
{
	return evo2_item_to_json(b, buf, size);
}

static size_t
doc_json(const void *b, char *buf, size_t size)
{
	return mp_doc_to_json(b, buf, size);
}

static size_t
rpc_json(const void *b, char *buf, size_t size)
{
	return bench_rpc_request_to_json(b, buf, size);
}

static size_t
order_json(const void *b, char *buf, size_t size)
{
	return bench_order_event_to_json(b, buf, size);
}

static size_t
batch_json(const void *b, char *buf, size_t size)
{
	return bench_batch_to_json(b, buf, size);
}

static size_t
deep_json(const void *b, char *buf, size_t size)
{
	return bench_deep_to_json(b, buf, size);
}

static size_t
labels_json(const void *b, char *buf, size_t size)
{
	return bench_labels_to_json(b, buf, size);
}

/*
 * One benchmark message: validate() is the precise pass's verdict, the
 * fast pass accepts only what the precise pass accepts, the error is what
 * check_error() wants, and an accepted body prints snprintf-exact JSON.
 */
#define CHECK_BENCH(M, NAME, FIXED, JSON) do { \
	struct dipc_codec_error be; \
	enum dipc_codec_err br = bench_##M##_validate(body, len, &be); \
	char *bj; \
 \
	CHECK(bench__validate_slow_##M(body, len, NULL) == br); \
	CHECK(!bench__fast_validate_##M(body, len) || br == DIPC_CODEC_OK); \
	CHECK(bench_##M##_validate(body, len, NULL) == br); \
	check_error(br, &be, NAME, len, FIXED); \
	if (br == DIPC_CODEC_OK) { \
		check_json(JSON, body, &bj); \
		free(bj); \
	} \
} while (0)

/* A map read entry by entry into kv (room for its count) and appended. */
static int
copy_map(const struct dipc_codec_map *m, struct dipc_codec_kv **kv)
{
	uint32_t j;

	*kv = malloc(sizeof(**kv) * (m->count > 0 ? m->count : 1));
	CHECK(*kv != NULL);
	for (j = 0; j < m->count; j++)
		dipc_codec_map_at(m, j, &(*kv)[j]);
	return 0;
}

/* Every field of a doc through getters and the builder, depth first. */
static uint32_t
copy_doc(const uint8_t *src, uint8_t *dst, uint32_t room)
{
	struct dipc_codec_builder b;
	struct dipc_codec_map m;
	struct dipc_codec_kv *kv;
	const void *a;
	uint32_t n, i, len;
	void *d;

	CHECK(mp_doc_build_init(&b, dst, room) == 0);
	mp_doc_set_kind(dst, mp_doc_get_kind(src));
	mp_doc_get_labels(src, &m);
	copy_map(&m, &kv);
	CHECK(mp_doc_set_labels(&b, kv, m.count) == 0);
	free(kv);
	a = mp_doc_get_items(src, &n);
	d = mp_doc_add_items(&b, n);
	CHECK(d != NULL);
	for (i = 0; i < n; i++) {
		mp_item_set_id(mp_item_at_mut(d, i), mp_item_get_id(mp_item_at(a, i)));
		mp_item_get_tags(src, mp_item_at(a, i), &m);
		copy_map(&m, &kv);
		CHECK(mp_item_set_tags(&b, mp_item_at_mut(d, i), kv, m.count) == 0);
		free(kv);
	}
	mp_doc_get_rev(src, &m);
	copy_map(&m, &kv);
	CHECK(mp_doc_set_rev(&b, kv, m.count) == 0);
	free(kv);
	CHECK(dipc_codec_build_finish(&b, &len) == 0);
	return len;
}

static void
copy_fill(void *d, const void *s)
{
	t_all_fill_set_price(d, t_all_fill_get_price(s));
	t_all_fill_set_qty(d, t_all_fill_get_qty(s));
	t_all_fill_set_venue(d, t_all_fill_get_venue(s), T_ALL_FILL_VENUE_LEN);
	t_all_fill_set_last(d, t_all_fill_get_last(s));
	t_all_fill_set_side(d, t_all_fill_get_side(s));
	t_all_point_set_x(t_all_fill_mut_at(d), t_all_point_get_x(t_all_fill_get_at(s)));
	t_all_point_set_y(t_all_fill_mut_at(d), t_all_point_get_y(t_all_fill_get_at(s)));
}

/* An array of strings (or bytes): appended element by element. */
static void
copy_strings(struct dipc_codec_builder *b, void *d, const uint8_t *src, const void *a,
	     uint32_t n)
{
	uint32_t i, len;

	CHECK(d != NULL);
	for (i = 0; i < n; i++) {
		const char *s = dipc_codec_string_at(src, a, i, &len);

		CHECK(dipc_codec_build_string_at(b, d, i, s, len) == 0);
	}
}

/* Every field read with a getter and written with the builder, depth first. */
static uint32_t
copy_every(const uint8_t *src, uint8_t *dst, uint32_t room)
{
	struct dipc_codec_builder b;
	const void *a, *p;
	uint32_t n, m, len, i, k;
	const char *s;
	void *d, *e;

	CHECK(t_all_every_build_init(&b, dst, room) == 0);
	t_all_every_set_a_u8(dst, t_all_every_get_a_u8(src));
	t_all_every_set_a_u16(dst, t_all_every_get_a_u16(src));
	t_all_every_set_a_u32(dst, t_all_every_get_a_u32(src));
	t_all_every_set_a_u64(dst, t_all_every_get_a_u64(src));
	t_all_every_set_a_i8(dst, t_all_every_get_a_i8(src));
	t_all_every_set_a_i16(dst, t_all_every_get_a_i16(src));
	t_all_every_set_a_i32(dst, t_all_every_get_a_i32(src));
	t_all_every_set_a_i64(dst, t_all_every_get_a_i64(src));
	t_all_every_set_a_f32(dst, t_all_every_get_a_f32(src));
	t_all_every_set_a_f64(dst, t_all_every_get_a_f64(src));
	t_all_every_set_a_bool(dst, t_all_every_get_a_bool(src));
	t_all_every_set_a_color(dst, t_all_every_get_a_color(src));
	t_all_every_set_a_big(dst, t_all_every_get_a_big(src));
	t_all_every_set_a_chars(dst, t_all_every_get_a_chars(src), T_ALL_EVERY_A_CHARS_LEN);
	t_all_every_set_a_octets(dst, t_all_every_get_a_octets(src), T_ALL_EVERY_A_OCTETS_LEN);
	p = t_all_every_get_a_point(src);
	t_all_point_set_x(t_all_every_mut_a_point(dst), t_all_point_get_x(p));
	t_all_point_set_y(t_all_every_mut_a_point(dst), t_all_point_get_y(p));
	copy_fill(t_all_every_mut_a_fill(dst), t_all_every_get_a_fill(src));
	s = t_all_every_get_a_string(src, &len);
	CHECK(t_all_every_set_a_string(&b, s, len) == 0);
	p = t_all_every_get_a_bytes(src, &len);
	CHECK(t_all_every_set_a_bytes(&b, p, len) == 0);
	a = t_all_every_get_fills(src, &n);
	d = t_all_every_add_fills(&b, n);
	CHECK(d != NULL);
	for (i = 0; i < n; i++)
		copy_fill(t_all_fill_at_mut(d, i), t_all_fill_at(a, i));
	a = t_all_every_get_names(src, &n);
	copy_strings(&b, t_all_every_add_names(&b, n), src, a, n);
	a = t_all_every_get_blobs(src, &n);
	copy_strings(&b, t_all_every_add_blobs(&b, n), src, a, n);
	a = t_all_every_get_records(src, &n);
	d = t_all_every_add_records(&b, n);
	CHECK(d != NULL);
	for (i = 0; i < n; i++) {
		const void *rs = t_all_record_at(a, i);
		void *rd = t_all_record_at_mut(d, i);
		const void *pairs = t_all_record_get_attrs(src, rs, &m);

		t_all_record_set_id(rd, t_all_record_get_id(rs));
		e = t_all_record_add_attrs(&b, rd, m);
		CHECK(e != NULL);
		for (k = 0; k < m; k++) {
			s = t_all_pair_get_key(src, t_all_pair_at(pairs, k), &len);
			CHECK(t_all_pair_set_key(&b, t_all_pair_at_mut(e, k), s, len) == 0);
			p = t_all_pair_get_value(src, t_all_pair_at(pairs, k), &len);
			CHECK(t_all_pair_set_value(&b, t_all_pair_at_mut(e, k), p, len) == 0);
		}
		p = t_all_record_get_tags(src, rs, &m);
		copy_strings(&b, t_all_record_add_tags(&b, rd, m), src, p, m);
	}
	CHECK(dipc_codec_build_finish(&b, &len) == 0);
	return len;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dipc_codec_error e1, e2, e3, e4;
	enum dipc_codec_err r1, r2, r3, r4;
	uint32_t len = (uint32_t)size;
	uint8_t *body, *orig;
	char *json, *json2;

	if (size > 65536)
		return -1;
	body = malloc(size > 0 ? size : 1);
	orig = malloc(size > 0 ? size : 1);
	CHECK(body != NULL && orig != NULL);
	if (size > 0) {
		memcpy(body, data, size);
		memcpy(orig, data, size);
	}

	r1 = t_all_every_validate(body, len, &e1);
	r2 = evo1_item_validate(body, len, &e2);
	r3 = evo2_item_validate(body, len, &e3);
	r4 = mp_doc_validate(body, len, &e4);
	CHECK(size == 0 || memcmp(body, orig, size) == 0);
	/* The fast pass is never wrong; the precise pass has the last word. */
	CHECK(t_all__validate_slow_every(body, len, NULL) == r1);
	CHECK(evo1__validate_slow_item(body, len, NULL) == r2);
	CHECK(evo2__validate_slow_item(body, len, NULL) == r3);
	CHECK(mp__validate_slow_doc(body, len, NULL) == r4);
	CHECK(!t_all__fast_validate_every(body, len) || r1 == DIPC_CODEC_OK);
	CHECK(!evo1__fast_validate_item(body, len) || r2 == DIPC_CODEC_OK);
	CHECK(!evo2__fast_validate_item(body, len) || r3 == DIPC_CODEC_OK);
	CHECK(!mp__fast_validate_doc(body, len) || r4 == DIPC_CODEC_OK);
	check_error(r4, &e4, "doc", len, MP_DOC_MIN_FIXED_SIZE);
	check_error(r1, &e1, "every", len, T_ALL_EVERY_MIN_FIXED_SIZE);
	check_error(r2, &e2, "item", len, EVO1_ITEM_MIN_FIXED_SIZE);
	check_error(r3, &e3, "item", len, EVO2_ITEM_MIN_FIXED_SIZE);
	/* The same verdict without an error struct. */
	CHECK(t_all_every_validate(body, len, NULL) == r1);
	/* A newer reader is never more lenient than an older one. */
	if (r3 == DIPC_CODEC_OK)
		CHECK(r2 == DIPC_CODEC_OK);
	CHECK_BENCH(rpc_request, "rpc_request", BENCH_RPC_REQUEST_MIN_FIXED_SIZE, rpc_json);
	CHECK_BENCH(order_event, "order_event", BENCH_ORDER_EVENT_MIN_FIXED_SIZE, order_json);
	CHECK_BENCH(batch, "batch", BENCH_BATCH_MIN_FIXED_SIZE, batch_json);
	CHECK_BENCH(deep, "deep", BENCH_DEEP_MIN_FIXED_SIZE, deep_json);
	CHECK_BENCH(labels, "labels", BENCH_LABELS_MIN_FIXED_SIZE, labels_json);
	CHECK(size == 0 || memcmp(body, orig, size) == 0);

	if (r2 == DIPC_CODEC_OK) {
		check_json(evo1_json, body, &json);
		free(json);
	}
	if (r3 == DIPC_CODEC_OK) {
		check_json(evo2_json, body, &json);
		free(json);
	}
	if (r1 == DIPC_CODEC_OK) {
		uint8_t *copy = malloc(len);
		uint32_t copy_len;

		CHECK(copy != NULL);
		check_json(every_json, body, &json);
		/* Canonical form: no gaps, so never longer than the input. */
		copy_len = copy_every(body, copy, len);
		CHECK(copy_len <= len);
		CHECK(t_all_every_validate(copy, copy_len, NULL) == DIPC_CODEC_OK);
		check_json(every_json, copy, &json2);
		CHECK(strcmp(json, json2) == 0);
		free(json2);
		free(json);
		free(copy);
	}
	if (r4 == DIPC_CODEC_OK) {
		uint8_t *copy = malloc(len);
		uint32_t copy_len;

		CHECK(copy != NULL);
		check_json(doc_json, body, &json);
		copy_len = copy_doc(body, copy, len);
		CHECK(copy_len <= len);
		CHECK(mp_doc_validate(copy, copy_len, NULL) == DIPC_CODEC_OK);
		check_json(doc_json, copy, &json2);
		CHECK(strcmp(json, json2) == 0);
		free(json2);
		free(json);
		free(copy);
	}
	CHECK(size == 0 || memcmp(body, orig, size) == 0);
	free(orig);
	free(body);
	return 0;
}
