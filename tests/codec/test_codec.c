/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the generated codec of tests/codec/alltypes.schema (every
 * field type): layout byte by byte, round trip of every type and of nested
 * and variable fields, the validator against every truncation and every
 * kind of bad reference and value (each with its error and field path), the
 * builder against every room too small, the JSON printer and the mbuf glue.
 * Buffers under test are heap copies of exactly their length, so the ASan
 * build catches any read or write outside them. No EAL.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "alltypes.h"
#include "codec_test_util.h"

#define ROOM 4096

/* Offsets in the message built by build_every(), checked by test_layout. */
struct every_refs {
	uint32_t len;           /* body length */
	uint32_t string_off;    /* a_string's region */
	uint32_t fills_off;
	uint32_t names_off;
	uint32_t records_off;
	uint32_t attrs0_off;    /* records[0].attrs */
};

static void
fill_fill(void *f, uint64_t price, const char *venue, enum t_all_color side)
{
	t_all_fill_set_price(f, price);
	t_all_fill_set_qty(f, (uint32_t)price * 10);
	t_all_fill_set_venue(f, venue, strlen(venue));
	t_all_fill_set_last(f, price % 2 == 1);
	t_all_fill_set_side(f, side);
	t_all_point_set_x(t_all_fill_mut_at(f), (int32_t)-price);
	t_all_point_set_y(t_all_fill_mut_at(f), (int32_t)price);
}

/*
 * The message of the round-trip tests: every field set, variable fields in
 * schema order (depth first). Returns the builder's finish result.
 */
static int
build_every(uint8_t *buf, uint32_t room, struct every_refs *refs)
{
	static const uint8_t octets[3] = {1, 2, 3};
	static const uint8_t bytes[3] = {0, 1, 0xff};
	struct dipc_codec_builder b;
	uint8_t *body;
	void *fills, *names, *blobs, *recs, *rec, *attrs, *tags;
	uint32_t len = 0;
	int ret;

	memset(refs, 0, sizeof(*refs));
	ret = t_all_every_build_init(&b, buf, room);
	if (ret != 0)
		return dipc_codec_build_finish(&b, &len);
	body = b.body;
	t_all_every_set_a_u8(body, 0xfe);
	t_all_every_set_a_u16(body, 0xfedc);
	t_all_every_set_a_u32(body, 0xfedcba98u);
	t_all_every_set_a_u64(body, 0xfedcba9876543210ull);
	t_all_every_set_a_i8(body, -2);
	t_all_every_set_a_i16(body, -300);
	t_all_every_set_a_i32(body, -70000);
	t_all_every_set_a_i64(body, INT64_MIN + 1);
	t_all_every_set_a_f32(body, 1.5f);
	t_all_every_set_a_f64(body, -2.25);
	t_all_every_set_a_bool(body, true);
	t_all_every_set_a_color(body, t_all_color_BLUE);
	t_all_every_set_a_big(body, t_all_big_HUGE);
	t_all_every_set_a_chars(body, "abcdefg", 7);
	t_all_every_set_a_octets(body, octets, sizeof(octets));
	t_all_point_set_x(t_all_every_mut_a_point(body), -1);
	t_all_point_set_y(t_all_every_mut_a_point(body), 2);
	fill_fill(t_all_every_mut_a_fill(body), 7, "XNAS", t_all_color_RED);

	refs->string_off = b.len;
	t_all_every_set_a_string(&b, "hello \"w\"\n", 10);
	t_all_every_set_a_bytes(&b, bytes, sizeof(bytes));
	fills = t_all_every_add_fills(&b, 3);
	if (fills != NULL) {
		refs->fills_off = (uint32_t)((uint8_t *)fills - body);
		fill_fill(t_all_fill_at_mut(fills, 0), 100, "A", t_all_color_NONE);
		fill_fill(t_all_fill_at_mut(fills, 1), 101, "BBBBB", t_all_color_GREEN);
		fill_fill(t_all_fill_at_mut(fills, 2), 102, "", t_all_color_BLUE);
	}
	names = t_all_every_add_names(&b, 3);
	if (names != NULL) {
		refs->names_off = (uint32_t)((uint8_t *)names - body);
		dipc_codec_build_string_at(&b, names, 0, "", 0);
		dipc_codec_build_string_at(&b, names, 1, "one", 3);
		dipc_codec_build_string_at(&b, names, 2, "two", 3);
	}
	blobs = t_all_every_add_blobs(&b, 2);
	if (blobs != NULL) {
		dipc_codec_build_bytes_at(&b, blobs, 0, "\xaa", 1);
		dipc_codec_build_bytes_at(&b, blobs, 1, NULL, 0);
	}
	recs = t_all_every_add_records(&b, 2);
	if (recs != NULL) {
		refs->records_off = (uint32_t)((uint8_t *)recs - body);
		rec = t_all_record_at_mut(recs, 0);
		t_all_record_set_id(rec, 1);
		attrs = t_all_record_add_attrs(&b, rec, 2);
		if (attrs != NULL) {
			refs->attrs0_off = (uint32_t)((uint8_t *)attrs - body);
			t_all_pair_set_key(&b, t_all_pair_at_mut(attrs, 0), "k0", 2);
			t_all_pair_set_value(&b, t_all_pair_at_mut(attrs, 0), "v0", 2);
			t_all_pair_set_key(&b, t_all_pair_at_mut(attrs, 1), "k1", 2);
			t_all_pair_set_value(&b, t_all_pair_at_mut(attrs, 1), "value1", 6);
		}
		tags = t_all_record_add_tags(&b, rec, 1);
		if (tags != NULL)
			dipc_codec_build_string_at(&b, tags, 0, "t", 1);
		rec = t_all_record_at_mut(recs, 1);
		t_all_record_set_id(rec, 2);
		t_all_record_add_attrs(&b, rec, 0);
		tags = t_all_record_add_tags(&b, rec, 2);
		if (tags != NULL) {
			dipc_codec_build_string_at(&b, tags, 0, "x", 1);
			dipc_codec_build_string_at(&b, tags, 1, "y", 1);
		}
	}
	ret = dipc_codec_build_finish(&b, &len);
	refs->len = len;
	return ret;
}

static enum dipc_codec_err
validate_exact(const uint8_t *body, uint32_t len, struct dipc_codec_error *err)
{
	uint8_t *copy = exact_copy(body, len);
	enum dipc_codec_err r = t_all_every_validate(copy, len, err);

	free(copy);
	return r;
}

static void
test_layout(void **state)
{
	uint8_t buf[ROOM];
	struct every_refs r;
	uint32_t i;

	(void)state;
	assert_int_equal(build_every(buf, sizeof(buf), &r), 0);
	/* Prefix: fixed_len (u16 LE), reserved 0. */
	assert_int_equal(buf[0] | buf[1] << 8, T_ALL_EVERY_FIXED_SIZE);
	assert_int_equal(buf[2], 0);
	assert_int_equal(buf[3], 0);
	/* Scalars little-endian at their offsets, naturally aligned. */
	assert_int_equal(T_ALL_EVERY_A_U8_OFFSET, 4);
	assert_int_equal(buf[4], 0xfe);
	assert_int_equal(T_ALL_EVERY_A_U16_OFFSET, 6);
	assert_memory_equal(buf + 6, "\xdc\xfe", 2);
	assert_int_equal(T_ALL_EVERY_A_U32_OFFSET, 8);
	assert_memory_equal(buf + 8, "\x98\xba\xdc\xfe", 4);
	assert_int_equal(T_ALL_EVERY_A_U64_OFFSET, 16);
	assert_memory_equal(buf + 16, "\x10\x32\x54\x76\x98\xba\xdc\xfe", 8);
	assert_int_equal(T_ALL_EVERY_A_I8_OFFSET, 24);
	assert_int_equal(buf[24], 0xfe);
	assert_int_equal(T_ALL_EVERY_A_I16_OFFSET, 26);
	assert_int_equal(T_ALL_EVERY_A_I32_OFFSET, 28);
	assert_int_equal(T_ALL_EVERY_A_I64_OFFSET, 32);
	assert_int_equal(T_ALL_EVERY_A_F32_OFFSET, 40);
	assert_memory_equal(buf + 40, "\x00\x00\xc0\x3f", 4); /* 1.5f */
	assert_int_equal(T_ALL_EVERY_A_F64_OFFSET, 48);
	assert_int_equal(T_ALL_EVERY_A_BOOL_OFFSET, 56);
	assert_int_equal(buf[56], 1);
	assert_int_equal(T_ALL_EVERY_A_COLOR_OFFSET, 57);
	assert_int_equal(buf[57], 0xff);
	assert_int_equal(T_ALL_EVERY_A_BIG_OFFSET, 60);
	assert_int_equal(T_ALL_EVERY_A_CHARS_OFFSET, 64);
	assert_memory_equal(buf + 64, "abcdefg", 7);
	assert_int_equal(T_ALL_EVERY_A_OCTETS_OFFSET, 71);
	assert_int_equal(T_ALL_EVERY_A_POINT_OFFSET, 76);
	assert_int_equal(T_ALL_EVERY_A_FILL_OFFSET, 88);
	assert_int_equal(T_ALL_FILL_SIZE, 32);
	assert_int_equal(T_ALL_FILL_ALIGN, 8);
	assert_int_equal(T_ALL_PAIR_SIZE, 16);
	assert_int_equal(T_ALL_RECORD_SIZE, 24);
	assert_int_equal(T_ALL_EVERY_A_STRING_OFFSET, 120);
	assert_int_equal(T_ALL_EVERY_RECORDS_OFFSET, 160);
	assert_int_equal(T_ALL_EVERY_FIXED_SIZE, 168);
	assert_int_equal(T_ALL_EVERY_MIN_FIXED_SIZE, 168);
	/* Padding is zero. */
	for (i = 58; i < 60; i++)
		assert_int_equal(buf[i], 0);
	/* a_string: (offset, length) right after the fixed block. */
	assert_int_equal(r.string_off, T_ALL_EVERY_FIXED_SIZE);
	assert_int_equal(dipc_codec_ld_u32(buf + 120), 168);
	assert_int_equal(dipc_codec_ld_u32(buf + 124), 10);
	assert_memory_equal(buf + 168, "hello \"w\"\n", 10);
	/* a_bytes right after it; the fills array aligned to 8. */
	assert_int_equal(dipc_codec_ld_u32(buf + 128), 178);
	assert_int_equal(dipc_codec_ld_u32(buf + 132), 3);
	assert_int_equal(r.fills_off, 184);
	assert_int_equal(dipc_codec_ld_u32(buf + 136), 184);
	assert_int_equal(dipc_codec_ld_u32(buf + 140), 3 * 32);
	assert_int_equal(buf[181], 0); /* padding */
	/* names: array of references, then the strings, in order. */
	assert_int_equal(r.names_off, 280);
	assert_int_equal(dipc_codec_ld_u32(buf + 280), 0);      /* "" is (0, 0) */
	assert_int_equal(dipc_codec_ld_u32(buf + 284), 0);
	assert_int_equal(dipc_codec_ld_u32(buf + 288), 304);
	assert_int_equal(dipc_codec_ld_u32(buf + 292), 3);
	/* ... and so on, depth first, to the last string "y" (docs/SCHEMA.md). */
	assert_int_equal(r.records_off, 336);
	assert_int_equal(r.attrs0_off, 384);
	assert_int_equal(r.len, 458);
	assert_int_equal(buf[457], 'y');
}

static void
test_roundtrip(void **state)
{
	uint8_t buf[ROOM];
	struct every_refs r;
	struct dipc_codec_error err;
	const uint8_t *body;
	const void *a, *p, *rec;
	const char *s;
	const uint8_t *o;
	uint32_t n, len, i;

	(void)state;
	assert_int_equal(build_every(buf, sizeof(buf), &r), 0);
	body = exact_copy(buf, r.len);
	assert_int_equal(t_all_every_validate(body, r.len, &err), DIPC_CODEC_OK);
	assert_int_equal(t_all_every_get_a_u8(body), 0xfe);
	assert_int_equal(t_all_every_get_a_u16(body), 0xfedc);
	assert_int_equal(t_all_every_get_a_u32(body), 0xfedcba98u);
	assert_true(t_all_every_get_a_u64(body) == 0xfedcba9876543210ull);
	assert_int_equal(t_all_every_get_a_i8(body), -2);
	assert_int_equal(t_all_every_get_a_i16(body), -300);
	assert_int_equal(t_all_every_get_a_i32(body), -70000);
	assert_true(t_all_every_get_a_i64(body) == INT64_MIN + 1);
	assert_true(t_all_every_get_a_f32(body) == 1.5f);
	assert_true(t_all_every_get_a_f64(body) == -2.25);
	assert_true(t_all_every_get_a_bool(body));
	assert_int_equal(t_all_every_get_a_color(body), t_all_color_BLUE);
	assert_int_equal(t_all_every_get_a_big(body), t_all_big_HUGE);
	assert_memory_equal(t_all_every_get_a_chars(body), "abcdefg", T_ALL_EVERY_A_CHARS_LEN);
	assert_memory_equal(t_all_every_get_a_octets(body), "\1\2\3", T_ALL_EVERY_A_OCTETS_LEN);
	p = t_all_every_get_a_point(body);
	assert_int_equal(t_all_point_get_x(p), -1);
	assert_int_equal(t_all_point_get_y(p), 2);
	p = t_all_every_get_a_fill(body);
	assert_int_equal(t_all_fill_get_price(p), 7);
	assert_int_equal(t_all_fill_get_qty(p), 70);
	assert_memory_equal(t_all_fill_get_venue(p), "XNAS\0", 5);
	assert_true(t_all_fill_get_last(p));
	assert_int_equal(t_all_fill_get_side(p), t_all_color_RED);
	assert_int_equal(t_all_point_get_x(t_all_fill_get_at(p)), -7);
	/* Variable fields: pointers into the body, no copy. */
	s = t_all_every_get_a_string(body, &len);
	assert_int_equal(len, 10);
	assert_ptr_equal(s, (const char *)body + T_ALL_EVERY_FIXED_SIZE);
	assert_memory_equal(s, "hello \"w\"\n", 10);
	o = t_all_every_get_a_bytes(body, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(o, "\0\1\377", 3);
	a = t_all_every_get_fills(body, &n);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		p = t_all_fill_at(a, i);
		assert_int_equal(t_all_fill_get_price(p), 100 + i);
		assert_int_equal(t_all_point_get_y(t_all_fill_get_at(p)), 100 + i);
	}
	assert_memory_equal(t_all_fill_get_venue(t_all_fill_at(a, 1)), "BBBBB", 5);
	assert_int_equal(t_all_fill_get_side(t_all_fill_at(a, 1)), t_all_color_GREEN);
	a = t_all_every_get_names(body, &n);
	assert_int_equal(n, 3);
	dipc_codec_string_at(body, a, 0, &len);
	assert_int_equal(len, 0);
	s = dipc_codec_string_at(body, a, 2, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(s, "two", 3);
	a = t_all_every_get_blobs(body, &n);
	assert_int_equal(n, 2);
	o = dipc_codec_bytes_at(body, a, 0, &len);
	assert_int_equal(len, 1);
	assert_int_equal(o[0], 0xaa);
	a = t_all_every_get_records(body, &n);
	assert_int_equal(n, 2);
	rec = t_all_record_at(a, 0);
	assert_int_equal(t_all_record_get_id(rec), 1);
	p = t_all_record_get_attrs(body, rec, &n);
	assert_int_equal(n, 2);
	s = t_all_pair_get_key(body, t_all_pair_at(p, 1), &len);
	assert_int_equal(len, 2);
	assert_memory_equal(s, "k1", 2);
	o = t_all_pair_get_value(body, t_all_pair_at(p, 1), &len);
	assert_int_equal(len, 6);
	assert_memory_equal(o, "value1", 6);
	p = t_all_record_get_tags(body, rec, &n);
	assert_int_equal(n, 1);
	s = dipc_codec_string_at(body, p, 0, &len);
	assert_memory_equal(s, "t", len);
	rec = t_all_record_at(a, 1);
	assert_int_equal(t_all_record_get_id(rec), 2);
	t_all_record_get_attrs(body, rec, &n);
	assert_int_equal(n, 0);
	p = t_all_record_get_tags(body, rec, &n);
	assert_int_equal(n, 2);
	s = dipc_codec_string_at(body, p, 1, &len);
	assert_memory_equal(s, "y", len);
	free((void *)(uintptr_t)body);
}

/* Limits of every scalar type, special floats, empty variable fields. */
static void
test_roundtrip_limits(void **state)
{
	uint8_t buf[ROOM];
	struct dipc_codec_builder b;
	uint32_t len, n;
	const void *a;
	int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		assert_int_equal(t_all_every_build_init(&b, buf, sizeof(buf)), 0);
		t_all_every_set_a_u8(b.body, k ? UINT8_MAX : 0);
		t_all_every_set_a_u16(b.body, k ? UINT16_MAX : 0);
		t_all_every_set_a_u32(b.body, k ? UINT32_MAX : 0);
		t_all_every_set_a_u64(b.body, k ? UINT64_MAX : 0);
		t_all_every_set_a_i8(b.body, k ? INT8_MAX : INT8_MIN);
		t_all_every_set_a_i16(b.body, k ? INT16_MAX : INT16_MIN);
		t_all_every_set_a_i32(b.body, k ? INT32_MAX : INT32_MIN);
		t_all_every_set_a_i64(b.body, k ? INT64_MAX : INT64_MIN);
		t_all_every_set_a_f32(b.body, k ? INFINITY : -0.0f);
		t_all_every_set_a_f64(b.body, k ? NAN : -INFINITY);
		t_all_every_set_a_bool(b.body, k);
		t_all_every_set_a_chars(b.body, "much too long for seven", 23);
		assert_int_equal(t_all_every_set_a_string(&b, NULL, 0), 0);
		assert_non_null(t_all_every_add_fills(&b, 0));
		assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
		assert_int_equal(len, T_ALL_EVERY_FIXED_SIZE);
		assert_int_equal(t_all_every_validate(buf, len, NULL), DIPC_CODEC_OK);
		assert_int_equal(t_all_every_get_a_u8(buf), k ? UINT8_MAX : 0);
		assert_int_equal(t_all_every_get_a_u16(buf), k ? UINT16_MAX : 0);
		assert_int_equal(t_all_every_get_a_u32(buf), k ? UINT32_MAX : 0);
		assert_true(t_all_every_get_a_u64(buf) == (k ? UINT64_MAX : 0));
		assert_int_equal(t_all_every_get_a_i8(buf), k ? INT8_MAX : INT8_MIN);
		assert_int_equal(t_all_every_get_a_i16(buf), k ? INT16_MAX : INT16_MIN);
		assert_int_equal(t_all_every_get_a_i32(buf), k ? INT32_MAX : INT32_MIN);
		assert_true(t_all_every_get_a_i64(buf) == (k ? INT64_MAX : INT64_MIN));
		if (k) {
			assert_true(isinf(t_all_every_get_a_f32(buf)));
			assert_true(isnan(t_all_every_get_a_f64(buf)));
		} else {
			assert_true(signbit(t_all_every_get_a_f32(buf)));
			assert_true(isinf(t_all_every_get_a_f64(buf)));
		}
		assert_int_equal(t_all_every_get_a_bool(buf), k);
		assert_memory_equal(t_all_every_get_a_chars(buf), "much to", 7);
		t_all_every_get_a_string(buf, &n);
		assert_int_equal(n, 0);
		a = t_all_every_get_fills(buf, &n);
		assert_non_null(a);
		assert_int_equal(n, 0);
		t_all_every_get_records(buf, &n);
		assert_int_equal(n, 0);
	}
	/* A message with no fields is its prefix. */
	assert_int_equal(t_all_empty_build_init(&b, buf, 4), 0);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(len, 4);
	assert_memory_equal(buf, "\4\0\0\0", 4);
	assert_int_equal(t_all_empty_validate(buf, 4, NULL), DIPC_CODEC_OK);
	assert_int_equal(t_all_empty_size(), 4);
}

/* Every cut of a valid message is refused, and nothing outside is read. */
static void
test_truncation(void **state)
{
	uint8_t buf[ROOM];
	struct every_refs r;
	struct dipc_codec_error err;
	uint32_t cut;

	(void)state;
	assert_int_equal(build_every(buf, sizeof(buf), &r), 0);
	assert_int_equal(validate_exact(buf, r.len, &err), DIPC_CODEC_OK);
	for (cut = 0; cut < r.len; cut++) {
		enum dipc_codec_err e = validate_exact(buf, cut, &err);

		if (cut < T_ALL_EVERY_FIXED_SIZE) {
			assert_int_equal(e, DIPC_CODEC_E_BODY_SHORT);
			assert_int_equal(err.value, cut);
			assert_int_equal(err.len, cut < 4 ? 4 : T_ALL_EVERY_FIXED_SIZE);
		} else {
			assert_true(e == DIPC_CODEC_E_REF_OFFSET || e == DIPC_CODEC_E_REF_LENGTH);
			assert_int_equal(err.body_len, cut);
		}
		assert_int_equal(err.code, e);
		assert_true(err.depth >= 1);
		assert_string_equal(err.path[err.depth - 1].name, "every");
	}
}

/* A valid message with one 32-bit word (or byte) replaced. */
static enum dipc_codec_err
patched(const uint8_t *orig, uint32_t len, uint32_t at, uint32_t v, int width,
	struct dipc_codec_error *err)
{
	uint8_t *copy = exact_copy(orig, len);
	enum dipc_codec_err r;

	if (width == 4)
		dipc_codec_st_u32(copy + at, v);
	else if (width == 2)
		dipc_codec_st_u16(copy + at, (uint16_t)v);
	else
		copy[at] = (uint8_t)v;
	r = t_all_every_validate(copy, len, err);
	free(copy);
	return r;
}

static void
test_bad_refs(void **state)
{
	uint8_t buf[ROOM];
	struct every_refs r;
	struct dipc_codec_error e = { .code = DIPC_CODEC_OK };
	char path[512];
	const uint32_t s = T_ALL_EVERY_A_STRING_OFFSET;  /* a_string's reference */
	const uint32_t fl = T_ALL_EVERY_FILLS_OFFSET;
	uint32_t rec0;

	(void)state;
	assert_int_equal(build_every(buf, sizeof(buf), &r), 0);

	/* Offset inside the fixed block, past the body, empty but not 0. */
	assert_int_equal(patched(buf, r.len, s, 100, 4, &e), DIPC_CODEC_E_REF_OFFSET);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.a_string");
	assert_int_equal(e.at, s);
	assert_int_equal(e.value, 100);
	assert_int_equal(e.len, 10);
	assert_int_equal(patched(buf, r.len, s, 0, 4, &e), DIPC_CODEC_E_REF_OFFSET);
	assert_int_equal(patched(buf, r.len, s, T_ALL_EVERY_FIXED_SIZE - 1, 4, &e),
			 DIPC_CODEC_E_REF_OFFSET);
	assert_int_equal(patched(buf, r.len, s, r.len + 1, 4, &e), DIPC_CODEC_E_REF_OFFSET);
	assert_int_equal(patched(buf, r.len, s, UINT32_MAX, 4, &e), DIPC_CODEC_E_REF_OFFSET);
	assert_int_equal(patched(buf, r.len, s + 4, 0, 4, &e), DIPC_CODEC_E_REF_OFFSET);
	assert_int_equal(e.value, T_ALL_EVERY_FIXED_SIZE);
	assert_int_equal(e.len, 0);
	/* Offset at the very end with a length: past the body. */
	assert_int_equal(patched(buf, r.len, s, r.len, 4, &e), DIPC_CODEC_E_REF_LENGTH);
	/* Lengths that run past the body, and that overflow 32 bits. */
	assert_int_equal(patched(buf, r.len, s + 4, r.len, 4, &e), DIPC_CODEC_E_REF_LENGTH);
	assert_int_equal(patched(buf, r.len, s + 4, r.len - T_ALL_EVERY_FIXED_SIZE + 1, 4, &e),
			 DIPC_CODEC_E_REF_LENGTH);
	assert_int_equal(patched(buf, r.len, s + 4, UINT32_MAX - T_ALL_EVERY_FIXED_SIZE, 4, &e),
			 DIPC_CODEC_E_REF_LENGTH);
	assert_int_equal(patched(buf, r.len, s + 4, UINT32_MAX - T_ALL_EVERY_FIXED_SIZE + 1, 4, &e),
			 DIPC_CODEC_E_REF_OVERFLOW);
	assert_int_equal(patched(buf, r.len, s + 4, UINT32_MAX, 4, &e), DIPC_CODEC_E_REF_OVERFLOW);
	assert_int_equal(e.value, T_ALL_EVERY_FIXED_SIZE);
	assert_int_equal(e.len, UINT32_MAX);
	assert_int_equal(patched(buf, r.len, fl + 4, 0x80000000u, 4, &e), DIPC_CODEC_E_REF_LENGTH);
	/* Overlap: a_bytes starting inside a_string; a_string growing over a_bytes. */
	assert_int_equal(patched(buf, r.len, s + 8, T_ALL_EVERY_FIXED_SIZE + 9, 4, &e),
			 DIPC_CODEC_E_REF_OVERLAP);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.a_bytes");
	assert_int_equal(e.len, T_ALL_EVERY_FIXED_SIZE + 10);
	assert_int_equal(patched(buf, r.len, s + 4, 11, 4, &e), DIPC_CODEC_E_REF_OVERLAP);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.a_bytes");
	/* Two references to the same bytes, and an earlier field pointing back. */
	assert_int_equal(patched(buf, r.len, s + 8, T_ALL_EVERY_FIXED_SIZE, 4, &e),
			 DIPC_CODEC_E_REF_OVERLAP);
	assert_int_equal(patched(buf, r.len, fl, T_ALL_EVERY_FIXED_SIZE, 4, &e),
			 DIPC_CODEC_E_REF_OVERLAP);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.fills");
	/* An array: misaligned, and a length that is not whole elements. */
	assert_int_equal(patched(buf, r.len, fl, r.fills_off + 4, 4, &e), DIPC_CODEC_E_REF_ALIGN);
	assert_int_equal(e.len, 8);
	assert_int_equal(patched(buf, r.len, fl + 4, 95, 4, &e), DIPC_CODEC_E_ARRAY_LENGTH);
	assert_int_equal(e.value, 95);
	assert_int_equal(e.len, 32);
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_NAMES_OFFSET + 4, 20, 4, &e),
			 DIPC_CODEC_E_ARRAY_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.names");
	/* Inside arrays: the path names the element. */
	assert_int_equal(patched(buf, r.len, r.names_off + 8 + 4, 1000, 4, &e),
			 DIPC_CODEC_E_REF_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.names[1]");
	assert_int_equal(patched(buf, r.len, r.names_off + 4, 1, 4, &e), DIPC_CODEC_E_REF_OFFSET);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.names[0]");
	rec0 = r.records_off;
	assert_int_equal(patched(buf, r.len, rec0 + 8, r.attrs0_off + 1, 4, &e),
			 DIPC_CODEC_E_REF_ALIGN);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.records[0].attrs");
	/* records[0].attrs[1].key pointing back into attrs[0]'s key. */
	assert_int_equal(patched(buf, r.len, r.attrs0_off + 16, r.attrs0_off + 32, 4, &e),
			 DIPC_CODEC_E_REF_OVERLAP);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.records[0].attrs[1].key");
	assert_int_equal(e.at, r.attrs0_off + 16);
	/* records[1].tags: past the end. */
	assert_int_equal(patched(buf, r.len, rec0 + 24 + 16 + 4, 1000, 4, &e),
			 DIPC_CODEC_E_REF_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.records[1].tags");
	/* The cursor also forbids pointing at a parent's own elements. */
	assert_int_equal(patched(buf, r.len, rec0 + 8, rec0, 4, &e), DIPC_CODEC_E_REF_OVERLAP);
}

static void
test_bad_values(void **state)
{
	uint8_t buf[ROOM];
	struct every_refs r;
	struct dipc_codec_error e = { .code = DIPC_CODEC_OK };
	char path[512];

	(void)state;
	assert_int_equal(build_every(buf, sizeof(buf), &r), 0);
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_A_BOOL_OFFSET, 2, 1, &e),
			 DIPC_CODEC_E_BOOL);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.a_bool");
	assert_int_equal(e.value, 2);
	assert_int_equal(e.at, T_ALL_EVERY_A_BOOL_OFFSET);
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_A_BOOL_OFFSET, 0, 1, &e), DIPC_CODEC_OK);
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_A_COLOR_OFFSET, 3, 1, &e),
			 DIPC_CODEC_E_ENUM);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.a_color");
	assert_int_equal(e.value, 3);
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_A_COLOR_OFFSET, 2, 1, &e), DIPC_CODEC_OK);
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_A_BIG_OFFSET, 1, 4, &e), DIPC_CODEC_E_ENUM);
	assert_int_equal(e.value, 1);
	/* In a nested struct and in an array element. */
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_A_FILL_OFFSET + T_ALL_FILL_LAST_OFFSET,
				 0x80, 1, &e), DIPC_CODEC_E_BOOL);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.a_fill.last");
	assert_int_equal(patched(buf, r.len, r.fills_off + 2 * 32 + T_ALL_FILL_SIDE_OFFSET, 9, 1,
				 &e), DIPC_CODEC_E_ENUM);
	assert_string_equal(path_text(&e, path, sizeof(path)), "every.fills[2].side");
	assert_int_equal(e.at, r.fills_off + 2 * 32 + T_ALL_FILL_SIDE_OFFSET);
	/* Padding and the reserved prefix half are not checked. */
	assert_int_equal(patched(buf, r.len, 58, 0xff, 1, &e), DIPC_CODEC_OK);
	assert_int_equal(patched(buf, r.len, 2, 0xffff, 2, &e), DIPC_CODEC_OK);
}

static void
test_fixed_len(void **state)
{
	uint8_t buf[ROOM];
	struct every_refs r;
	struct dipc_codec_error e = { .code = DIPC_CODEC_OK };
	char text[256];

	(void)state;
	assert_int_equal(build_every(buf, sizeof(buf), &r), 0);
	assert_int_equal(patched(buf, r.len, 0, T_ALL_EVERY_FIXED_SIZE - 1, 2, &e),
			 DIPC_CODEC_E_FIXED_SHORT);
	assert_int_equal(e.value, T_ALL_EVERY_FIXED_SIZE - 1);
	assert_int_equal(e.len, T_ALL_EVERY_MIN_FIXED_SIZE);
	assert_int_equal(patched(buf, r.len, 0, 0, 2, &e), DIPC_CODEC_E_FIXED_SHORT);
	assert_int_equal(patched(buf, r.len, 0, r.len + 1, 2, &e), DIPC_CODEC_E_BODY_SHORT);
	assert_int_equal(patched(buf, r.len, 0, 0xffff, 2, &e), DIPC_CODEC_E_BODY_SHORT);
	/* A longer fixed block (a newer writer) moves where references may point. */
	assert_int_equal(patched(buf, r.len, 0, T_ALL_EVERY_FIXED_SIZE + 1, 2, &e),
			 DIPC_CODEC_E_REF_OFFSET);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every.a_string: offset out of range: offset 168 length 10, "
			    "variable area 169..458 (reference at body offset 120)");
}

static void
test_error_format(void **state)
{
	uint8_t buf[ROOM];
	struct every_refs r;
	struct dipc_codec_error e = { .code = DIPC_CODEC_OK };
	char text[256];
	int n;

	(void)state;
	assert_int_equal(build_every(buf, sizeof(buf), &r), 0);
	assert_int_equal(validate_exact(buf, 3, &e), DIPC_CODEC_E_BODY_SHORT);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every: body too short: body length 3 < 4");
	assert_int_equal(validate_exact(buf, 100, &e), DIPC_CODEC_E_BODY_SHORT);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every: body too short: body length 100 < 168");
	assert_int_equal(patched(buf, r.len, 0, 10, 2, &e), DIPC_CODEC_E_FIXED_SHORT);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every: fixed block truncated: fixed_len 10 < 168 "
			    "(this reader's version 1)");
	assert_int_equal(validate_exact(buf, r.len - 1, &e), DIPC_CODEC_E_REF_LENGTH);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every.records[1].tags[1]: length past the end of the body: "
			    "offset 457 length 1, variable area 168..457 "
			    "(reference at body offset 448)");
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_A_STRING_OFFSET + 4, UINT32_MAX, 4, &e),
			 DIPC_CODEC_E_REF_OVERFLOW);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every.a_string: offset + length overflows: offset 168 "
			    "length 4294967295, variable area 168..458 (reference at body offset 120)");
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_A_BYTES_OFFSET, 170, 4, &e),
			 DIPC_CODEC_E_REF_OVERLAP);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every.a_bytes: overlaps the previous field: offset 170 < end "
			    "178 of the previous region (reference at body offset 128)");
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_FILLS_OFFSET, 188, 4, &e),
			 DIPC_CODEC_E_REF_ALIGN);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every.fills: array misaligned: offset 188 not a multiple of 8 "
			    "(reference at body offset 136)");
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_FILLS_OFFSET + 4, 33, 4, &e),
			 DIPC_CODEC_E_ARRAY_LENGTH);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every.fills: array length not a multiple of the element size: "
			    "length 33, element size 32 (reference at body offset 136)");
	assert_int_equal(patched(buf, r.len, T_ALL_EVERY_A_COLOR_OFFSET, 7, 1, &e),
			 DIPC_CODEC_E_ENUM);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every.a_color: bad enum value: 7 at body offset 57");
	assert_int_equal(patched(buf, r.len, r.fills_off + T_ALL_FILL_LAST_OFFSET, 2, 1, &e),
			 DIPC_CODEC_E_BOOL);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "every.fills[0].last: bad bool value: 2 at body offset 201");
	/* snprintf-style: the length of the whole text, cut in a small buffer. */
	n = dipc_codec_error_format(&e, text, 6);
	assert_int_equal(n, (int)strlen("every.fills[0].last: bad bool value: 2 at body offset 201"));
	assert_string_equal(text, "every");
	assert_int_equal(dipc_codec_error_format(&e, NULL, 0), n);
	/* A deep path keeps its innermost components. */
	e.depth = DIPC_CODEC_PATH_MAX;
	e.path_cut = true;
	for (n = 0; n < DIPC_CODEC_PATH_MAX; n++) {
		e.path[n].name = "f";
		e.path[n].index = DIPC_CODEC_NO_INDEX;
	}
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "...f.f.f.f.f.f.f.f: bad bool value: 2 at body offset 201");
	/* Every code has a text; others are unknown. */
	for (n = 0; n < DIPC_CODEC_E_MAX; n++)
		assert_string_not_equal(dipc_codec_err_str((unsigned int)n), "unknown error");
	assert_string_equal(dipc_codec_err_str(DIPC_CODEC_E_MAX), "unknown error");
	e.code = DIPC_CODEC_E_MAX;
	e.depth = 1;
	e.path_cut = false;
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "f: unknown error");
}

/* Every room too small fails cleanly (-ENOSPC), never writing past it. */
static void
test_builder_room(void **state)
{
	uint8_t buf[ROOM];
	struct every_refs r, r2;
	struct dipc_codec_builder b;
	uint32_t room, len;
	uint8_t *p;

	(void)state;
	assert_int_equal(build_every(buf, sizeof(buf), &r), 0);
	for (room = 0; room <= r.len; room++) {
		p = malloc(room > 0 ? room : 1);
		assert_non_null(p);
		if (room < r.len) {
			assert_int_equal(build_every(p, room, &r2), -ENOSPC);
		} else {
			assert_int_equal(build_every(p, room, &r2), 0);
			assert_int_equal(r2.len, r.len);
			assert_memory_equal(p, buf, r.len);
		}
		free(p);
	}
	/* NULL buffer, NULL source. */
	assert_int_equal(t_all_every_build_init(&b, NULL, 100), -EINVAL);
	assert_int_equal(t_all_every_set_a_string(&b, "x", 1), -EINVAL);
	assert_null(t_all_every_add_fills(&b, 1));
	assert_int_equal(dipc_codec_build_finish(&b, &len), -EINVAL);
	assert_int_equal(t_all_every_build_init(&b, buf, sizeof(buf)), 0);
	assert_int_equal(t_all_every_set_a_string(&b, NULL, 1), -EINVAL);
	assert_int_equal(t_all_every_set_a_bytes(&b, "x", 1), -EINVAL); /* sticky */
	assert_int_equal(dipc_codec_build_finish(&b, &len), -EINVAL);
	/* Element counts whose size does not fit 32 bits. */
	assert_int_equal(t_all_every_build_init(&b, buf, sizeof(buf)), 0);
	assert_null(t_all_every_add_fills(&b, UINT32_MAX / 16));
	assert_int_equal(dipc_codec_build_finish(&b, &len), -ENOSPC);
	assert_int_equal(t_all_every_build_init(&b, buf, sizeof(buf)), 0);
	assert_null(t_all_every_add_names(&b, 1000));
	assert_int_equal(dipc_codec_build_finish(&b, &len), -ENOSPC);
}

static void
test_size(void **state)
{
	uint8_t buf[ROOM];
	struct dipc_codec_builder b;
	uint32_t len;

	(void)state;
	assert_int_equal(t_all_every_size(0, 0, 0, 0, 0, 0), T_ALL_EVERY_FIXED_SIZE);
	assert_int_equal(t_all_every_build_init(&b, buf, sizeof(buf)), 0);
	t_all_every_set_a_string(&b, "abc", 3);
	t_all_every_set_a_bytes(&b, "", 0);
	t_all_every_add_fills(&b, 2);
	t_all_every_add_names(&b, 0);
	t_all_every_add_blobs(&b, 1);
	t_all_every_add_records(&b, 3);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(t_all_every_size(3, 0, 2, 0, 1, 3), len);
	assert_int_equal(len, 168 + 3 + 5 + 64 + 8 + 72);
	/* Nested fields add with dipc_codec_size_add(). */
	assert_int_equal(dipc_codec_size_add(10, 0, 8), 10);
	assert_int_equal(dipc_codec_size_add(10, 1, 8), 17);
	assert_true(t_all_every_size(UINT32_MAX, UINT32_MAX, UINT32_MAX, 0, 0, 0) > UINT32_MAX);
	assert_int_equal(t_all_every_validate(buf, len, NULL), DIPC_CODEC_OK);
}

static const char every_json[] =
	"{\"a_u8\":254,\"a_u16\":65244,\"a_u32\":4275878552,\"a_u64\":18364758544493064720,"
	"\"a_i8\":-2,\"a_i16\":-300,\"a_i32\":-70000,\"a_i64\":-9223372036854775807,"
	"\"a_f32\":1.5,\"a_f64\":-2.25,\"a_bool\":true,\"a_color\":\"BLUE\",\"a_big\":\"HUGE\","
	"\"a_chars\":\"abcdefg\",\"a_octets\":\"010203\",\"a_point\":{\"x\":-1,\"y\":2},"
	"\"a_fill\":{\"price\":7,\"qty\":70,\"venue\":\"XNAS\",\"last\":true,\"side\":\"RED\","
	"\"at\":{\"x\":-7,\"y\":7}},"
	"\"a_string\":\"hello \\\"w\\\"\\u000a\",\"a_bytes\":\"0001ff\","
	"\"fills\":[{\"price\":100,\"qty\":1000,\"venue\":\"A\",\"last\":false,\"side\":\"NONE\","
	"\"at\":{\"x\":-100,\"y\":100}},"
	"{\"price\":101,\"qty\":1010,\"venue\":\"BBBBB\",\"last\":true,\"side\":\"GREEN\","
	"\"at\":{\"x\":-101,\"y\":101}},"
	"{\"price\":102,\"qty\":1020,\"venue\":\"\",\"last\":false,\"side\":\"BLUE\","
	"\"at\":{\"x\":-102,\"y\":102}}],"
	"\"names\":[\"\",\"one\",\"two\"],\"blobs\":[\"aa\",\"\"],"
	"\"records\":[{\"id\":1,\"attrs\":[{\"key\":\"k0\",\"value\":\"7630\"},"
	"{\"key\":\"k1\",\"value\":\"76616c756531\"}],\"tags\":[\"t\"]},"
	"{\"id\":2,\"attrs\":[],\"tags\":[\"x\",\"y\"]}]}";

static void
test_json(void **state)
{
	uint8_t buf[ROOM];
	struct every_refs r;
	struct dipc_codec_builder b;
	char out[4096], small[64];
	size_t n, size;
	uint32_t len;

	(void)state;
	assert_int_equal(build_every(buf, sizeof(buf), &r), 0);
	n = t_all_every_to_json(buf, out, sizeof(out));
	assert_string_equal(out, every_json);
	assert_int_equal(n, strlen(every_json));
	/* snprintf-style at every size: the same length, a NUL-terminated prefix. */
	for (size = 0; size <= n + 1; size++) {
		char *p = malloc(size > 0 ? size : 1);

		assert_non_null(p);
		assert_int_equal(t_all_every_to_json(buf, size > 0 ? p : NULL, size), n);
		if (size > 0) {
			assert_int_equal(strlen(p), size - 1 < n ? size - 1 : n);
			assert_memory_equal(p, every_json, strlen(p));
		}
		free(p);
	}
	/* Special floats, control characters, enum values without a name (unvalidated). */
	assert_int_equal(t_all_every_build_init(&b, buf, sizeof(buf)), 0);
	t_all_every_set_a_f32(b.body, NAN);
	t_all_every_set_a_f64(b.body, -INFINITY);
	dipc_codec_st_u8(b.body + T_ALL_EVERY_A_COLOR_OFFSET, 9);
	t_all_every_set_a_string(&b, "\x01\x7f\\", 3);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	t_all_every_to_json(buf, out, sizeof(out));
	assert_non_null(strstr(out, "\"a_f32\":\"NaN\",\"a_f64\":\"-Infinity\""));
	assert_non_null(strstr(out, "\"a_color\":9,"));
	assert_non_null(strstr(out, "\"a_string\":\"\\u0001\\u007f\\\\\""));
	t_all_every_set_a_f64(buf, INFINITY);
	t_all_every_set_a_f32(buf, 0.1f);
	t_all_every_to_json(buf, out, sizeof(out));
	assert_non_null(strstr(out, "\"a_f32\":0.100000001,\"a_f64\":\"Infinity\""));
	assert_int_equal(t_all_empty_build_init(&b, small, sizeof(small)), 0);
	assert_int_equal(t_all_empty_to_json(small, out, sizeof(out)), 2);
	assert_string_equal(out, "{}");
}

struct test_mbuf {
	struct rte_mbuf m;
	uint8_t buf[2176];
};

static void
test_mbuf(void **state)
{
	struct test_mbuf *t = calloc(1, sizeof(*t));
	struct dipc_codec_builder b;
	struct dipc_codec_error e = { .code = DIPC_CODEC_OK };
	struct rte_mbuf *m;
	uint32_t len;

	(void)state;
	assert_non_null(t);
	m = &t->m;
	m->buf_addr = t->buf;
	m->buf_len = sizeof(t->buf);
	m->nb_segs = 1;
	rte_pktmbuf_reset(m);
	assert_int_equal(t_all_every_mbuf_build_init(m, &b, DIPC_MSG_F_REQUEST, 77), 0);
	t_all_every_set_a_u32(b.body, 5);
	assert_int_equal(t_all_every_set_a_string(&b, "mbuf", 4), 0);
	assert_int_equal(dipc_codec_mbuf_build_finish(m, &b), 0);
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_OK);
	assert_int_equal(dipc_msg_hdr(m)->method, T_ALL_EVERY_ID);
	assert_int_equal(dipc_msg_hdr(m)->stream_id, 77);
	assert_int_equal(dipc_msg_hdr(m)->body_len, T_ALL_EVERY_FIXED_SIZE + 4);
	assert_int_equal(m->data_len, DIPC_MSG_HDR_LEN + T_ALL_EVERY_FIXED_SIZE + 4);
	assert_int_equal(t_all_every_validate_mbuf(m, &e), DIPC_CODEC_OK);
	assert_int_equal(t_all_every_get_a_u32(dipc_codec_mbuf_body(m, &len)), 5);
	assert_int_equal(len, T_ALL_EVERY_FIXED_SIZE + 4);
	/* A header body_len larger than the segment (dipc_msg refuses the
	 * header): only what the segment holds is read. */
	dipc_msg_hdr(m)->body_len = 5000;
	assert_int_equal(t_all_every_validate_mbuf(m, &e), DIPC_CODEC_OK);
	m->data_len = 30;
	assert_int_equal(t_all_every_validate_mbuf(m, &e), DIPC_CODEC_E_BODY_SHORT);
	m->data_len = 10;
	assert_int_equal(t_all_every_validate_mbuf(m, &e), DIPC_CODEC_E_BODY_SHORT);
	assert_int_equal(e.body_len, 0);
	/* No room: the builder fails and finish leaves an empty body. */
	rte_pktmbuf_reset(m);
	m->data_off = (uint16_t)(m->buf_len - DIPC_MSG_HDR_LEN - 8);
	assert_int_equal(t_all_every_mbuf_build_init(m, &b, DIPC_MSG_F_REQUEST, 1), -ENOSPC);
	assert_int_equal(dipc_codec_mbuf_build_finish(m, &b), -ENOSPC);
	assert_int_equal(m->data_len, DIPC_MSG_HDR_LEN);
	rte_pktmbuf_reset(m);
	m->data_off = (uint16_t)(m->buf_len - 8);
	assert_int_equal(t_all_every_mbuf_build_init(m, &b, DIPC_MSG_F_REQUEST, 1), -ENOSPC);
	assert_null(b.body);
	assert_int_equal(dipc_codec_mbuf_build_finish(m, &b), -ENOSPC);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_roundtrip_limits),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bad_refs),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_fixed_len),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_builder_room),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_mbuf),
	};

	return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
