/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * map<K, V> fields (tests/codec/maps.schema, mapevo_v1/v2.schema): the
 * region byte by byte, round trip, the three table widths, every
 * truncation, every kind of bad table with its error, builder errors,
 * sizes, JSON, evolution both ways, and the fast validator pass never
 * accepting what the precise pass refuses. Bodies under test are heap
 * copies of exactly their length, so the ASan build sees any overread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define DIPC_CODEC_NO_MBUF
#include "maps.h"
#include "mapevo_v1.h"
#include "mapevo_v2.h"
#include "codec_test_util.h"

#define ROOM 1024

static enum dipc_codec_err
validate_exact(const uint8_t *body, uint32_t len, struct dipc_codec_error *err)
{
	uint8_t *copy = exact_copy(body, len);
	enum dipc_codec_err r = mp_doc_validate(copy, len, err);

	free(copy);
	return r;
}

/* The document of the layout comment below. */
static uint32_t
build_doc(uint8_t *buf, uint32_t room)
{
	static const uint8_t tagval[2] = {0x00, 0xff}, revkey[1] = {0x01};
	struct dipc_codec_kv labels[2] = {
		{"a", 1, "xy", 2},
		{"", 0, "z", 1},
	};
	struct dipc_codec_kv tags[1] = {{"k", 1, tagval, 2}};
	struct dipc_codec_kv rev[1] = {{revkey, 1, "one", 3}};
	struct dipc_codec_builder b;
	uint32_t len = 0;
	void *items;

	assert_int_equal(mp_doc_build_init(&b, buf, room), 0);
	mp_doc_set_kind(b.body, 7);
	assert_int_equal(mp_doc_set_labels(&b, labels, 2), 0);
	items = mp_doc_add_items(&b, 2);
	assert_non_null(items);
	mp_item_set_id(mp_item_at_mut(items, 0), 1);
	assert_int_equal(mp_item_set_tags(&b, mp_item_at_mut(items, 0), tags, 1), 0);
	mp_item_set_id(mp_item_at_mut(items, 1), 2);
	assert_int_equal(mp_item_set_tags(&b, mp_item_at_mut(items, 1), NULL, 0), 0);
	assert_int_equal(mp_doc_set_rev(&b, rev, 1), 0);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	return len;
}

static const uint8_t doc_bytes[] = {
	/* 0x00: fixed_len 32, kind 7, labels (32, 7), items (40, 24), rev (69, 6) */
	0x20, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x20, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
	0x28, 0x00, 0x00, 0x00, 0x18, 0x00, 0x00, 0x00,
	0x45, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
	/* 0x20: labels: header 2 entries, width 0; lengths (1, 2) (0, 1);
	 * "a" "xy" "" "z"; padding to 4 */
	0x08, 0x21, 0x10, 'a', 'x', 'y', 'z', 0x00,
	/* 0x28: items[0]: id 1, tags (64, 5); items[1]: id 2, tags (0, 0) */
	0x01, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00,
	0x05, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 0x40: items[0].tags: 1 entry, lengths (1, 2), "k", 00 ff;
	 * 0x45: rev: 1 entry, lengths (1, 3), 01, "one" */
	0x04, 0x21, 'k', 0x00, 0xff, 0x04, 0x31, 0x01,
	'o', 'n', 'e',
};

static void
test_layout(void **state)
{
	uint8_t buf[ROOM];
	uint32_t len;

	(void)state;
	assert_int_equal(MP_DOC_FIXED_SIZE, 32);
	assert_int_equal(MP_DOC_LABELS_OFFSET, 8);
	assert_int_equal(MP_ITEM_SIZE, 12);
	assert_int_equal(MP_ITEM_ALIGN, 4);
	len = build_doc(buf, sizeof(buf));
	assert_int_equal(len, sizeof(doc_bytes));
	assert_memory_equal(buf, doc_bytes, sizeof(doc_bytes));
	/* Top-level regions only, then the nested map by hand. */
	/* Top-level regions (labels, pad, items, rev), then with the nested map. */
	assert_int_equal(mp_doc_size(2, 4, 2, 2, 1, 4, 3), 32 + 7 + 1 + 24 + 6);
	assert_int_equal(dipc_codec_size_add_map(dipc_codec_size_add_map(dipc_codec_size_add(
		dipc_codec_size_add_map(32, 2, 4, 2), 24, 4), 1, 3, 2), 1, 4, 3), len);
	/* Header, table by the longest string, strings. */
	assert_int_equal(dipc_codec_map_len(0, 0, 0), 0);
	assert_int_equal(dipc_codec_map_len(2, 4, 2), 1 + 2 + 4);
	assert_int_equal(dipc_codec_map_len(2, 30, 15), 1 + 2 + 30);
	assert_int_equal(dipc_codec_map_len(2, 30, 16), 1 + 4 + 30);
	assert_int_equal(dipc_codec_map_len(1, 255, 255), 1 + 2 + 255);
	assert_int_equal(dipc_codec_map_len(1, 256, 256), 1 + 4 + 256);
	assert_int_equal(dipc_codec_map_len(1, 65536, 65536), 1 + 8 + 65536);
	assert_int_equal(dipc_codec_map_len(63, 0, 0), 1 + 63);
	assert_int_equal(dipc_codec_map_len(64, 0, 0), 5 + 64);
}

static void
test_roundtrip(void **state)
{
	uint8_t buf[ROOM];
	struct dipc_codec_map m;
	struct dipc_codec_kv e;
	struct dipc_codec_error err;
	const uint8_t *body;
	const void *items;
	const char *v;
	uint32_t len, n, l;
	char json[256];

	(void)state;
	len = build_doc(buf, sizeof(buf));
	body = exact_copy(buf, len);
	assert_int_equal(mp_doc_validate(body, len, &err), DIPC_CODEC_OK);
	assert_true(mp__fast_validate_doc(body, len));
	assert_int_equal(mp_doc_get_kind(body), 7);
	assert_int_equal(mp_doc_get_labels(body, &m), 2);
	assert_int_equal(m.count, 2);
	assert_int_equal(m.code, 0);
	v = dipc_codec_map_key(&m, 0, &l);
	assert_int_equal(l, 1);
	assert_memory_equal(v, "a", 1);
	v = dipc_codec_map_value(&m, 0, &l);
	assert_int_equal(l, 2);
	assert_memory_equal(v, "xy", 2);
	dipc_codec_map_key(&m, 1, &l);
	assert_int_equal(l, 0);
	dipc_codec_map_at(&m, 1, &e);
	assert_int_equal(e.key_len, 0);
	assert_int_equal(e.value_len, 1);
	assert_memory_equal(e.value, "z", 1);
	v = dipc_codec_map_find(&m, "", 0, &l);
	assert_non_null(v);
	assert_memory_equal(v, "z", l);
	assert_null(dipc_codec_map_find(&m, "b", 1, &l));
	items = mp_doc_get_items(body, &n);
	assert_int_equal(n, 2);
	assert_int_equal(mp_item_get_id(mp_item_at(items, 1)), 2);
	assert_int_equal(mp_item_get_tags(body, mp_item_at(items, 0), &m), 1);
	dipc_codec_map_at(&m, 0, &e);
	assert_int_equal(e.value_len, 2);
	assert_int_equal(((const uint8_t *)e.value)[1], 0xff);
	assert_int_equal(mp_item_get_tags(body, mp_item_at(items, 1), &m), 0);
	assert_int_equal(mp_doc_get_rev(body, &m), 1);
	v = dipc_codec_map_value(&m, 0, &l);
	assert_int_equal(l, 3);
	assert_memory_equal(v, "one", 3);
	assert_int_equal(mp_doc_to_json(body, json, sizeof(json)),
			 strlen("{\"kind\":7,\"labels\":{\"a\":\"xy\",\"\":\"z\"},\"items\":[{\"id\":1,"
				"\"tags\":{\"k\":\"00ff\"}},{\"id\":2,\"tags\":{}}],\"rev\":{\"01\":\"one\"}}"));
	assert_string_equal(json, "{\"kind\":7,\"labels\":{\"a\":\"xy\",\"\":\"z\"},\"items\":[{\"id\":1,"
			    "\"tags\":{\"k\":\"00ff\"}},{\"id\":2,\"tags\":{}}],\"rev\":{\"01\":\"one\"}}");
	free((void *)(uintptr_t)body);
}

/* A map of count entries, the first one's value vlen bytes long: table
 * width code 'code', header of 'hdr' bytes. */
static void
wide(uint32_t count, uint32_t vlen, uint32_t code, uint32_t hdr)
{
	uint32_t room = vlen + 16 * count + 256, len = 0, l, i, off;
	uint8_t *buf = malloc(room), *body;
	char *val = malloc(vlen);
	struct dipc_codec_kv *kv = calloc(count + 1, sizeof(*kv));
	struct dipc_codec_builder b;
	struct dipc_codec_error err;
	struct dipc_codec_map_iter it;
	struct dipc_codec_map m;
	struct dipc_codec_kv e;
	const char *v;

	assert_non_null(buf);
	assert_non_null(val);
	assert_non_null(kv);
	for (i = 0; i < vlen; i++)
		val[i] = (char)('a' + i % 26);
	kv[0] = (struct dipc_codec_kv){"big", 3, val, vlen};
	for (i = 1; i <= count; i++)
		kv[i] = (struct dipc_codec_kv){"k", 1, "v", 1};
	assert_int_equal(mp_doc_build_init(&b, buf, room), 0);
	mp_doc_set_kind(b.body, 1);
	assert_int_equal(mp_doc_set_labels(&b, kv, count), 0);
	assert_int_equal(mp_doc_set_rev(&b, kv + count, 1), 0);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	off = dipc_codec_ld_u32(buf + 8);
	body = exact_copy(buf, len);
	assert_int_equal(mp_doc_validate(body, len, &err), DIPC_CODEC_OK);
	/* The fast pass takes maps of fewer than 64 entries. */
	assert_int_equal(mp__fast_validate_doc(body, len), count < 64);
	assert_int_equal(mp_doc_get_labels(body, &m), count);
	assert_int_equal(m.code, code);
	assert_int_equal(m.tab, body + off + hdr);
	assert_int_equal(dipc_codec_ld_u32(body + 12),
			 dipc_codec_map_len(count, 3 + vlen + 2ull * (count - 1), vlen));
	dipc_codec_map_iter(&it, &m);
	assert_true(dipc_codec_map_next(&it, &e));
	assert_int_equal(e.value_len, vlen);
	assert_memory_equal(e.value, val, vlen);
	for (i = 1; i < count; i++) {
		assert_true(dipc_codec_map_next(&it, &e));
		assert_int_equal(e.key_len, 1);
		assert_memory_equal(e.value, "v", 1);
	}
	assert_false(dipc_codec_map_next(&it, &e));
	v = dipc_codec_map_value(&m, count - 1, &l);
	assert_int_equal(l, count > 1 ? 1 : vlen);
	assert_memory_equal(v, count > 1 ? "v" : val, 1);
	/* The first key one byte longer: the lengths no longer add up. */
	if (code == 0)
		body[off + hdr] = (uint8_t)(4 | vlen << 4);
	else if (code == 1)
		body[off + hdr] = 4;
	else if (code == 2)
		dipc_codec_st_u16(body + off + hdr, 4);
	else
		dipc_codec_st_u32(body + off + hdr, 4);
	assert_false(mp__fast_validate_doc(body, len));
	assert_int_equal(mp_doc_validate(body, len, &err), DIPC_CODEC_E_MAP_LENGTH);
	assert_int_equal(err.at, off);
	assert_int_equal(err.value, 4 + vlen + 2ull * (count - 1));
	assert_int_equal(err.len, 3 + vlen + 2ull * (count - 1));
	free(body);
	free(buf);
	free(val);
	free(kv);
}

static void
test_widths(void **state)
{
	(void)state;
	wide(1, 15, 0, 1);
	wide(2, 16, 1, 1);
	wide(1, 255, 1, 1);
	wide(1, 300, 2, 1);
	wide(1, 70000, 3, 1);
	wide(63, 20, 1, 1);
	wide(64, 20, 1, 5);
	wide(200, 3, 0, 5);
}

static void
test_truncation(void **state)
{
	uint8_t buf[ROOM];
	struct dipc_codec_error err;
	char path[256];
	uint32_t len, cut;

	(void)state;
	len = build_doc(buf, sizeof(buf));
	for (cut = 0; cut < len; cut++) {
		enum dipc_codec_err e = validate_exact(buf, cut, &err);
		const char *want;

		if (cut < MP_DOC_FIXED_SIZE) {
			assert_int_equal(e, DIPC_CODEC_E_BODY_SHORT);
			continue;
		}
		if (cut == 39) {
			/* Labels end at 39; items start at 40, past the body. */
			assert_int_equal(e, DIPC_CODEC_E_REF_OFFSET);
			assert_string_equal(path_text(&err, path, sizeof(path)), "doc.items");
			continue;
		}
		want = cut < 39 ? "doc.labels" : cut < 64 ? "doc.items" :
		       cut < 69 ? "doc.items[0].tags" : "doc.rev";
		assert_int_equal(e, DIPC_CODEC_E_REF_LENGTH);
		assert_string_equal(path_text(&err, path, sizeof(path)), want);
	}
}

/* The valid document with one byte (or 32-bit word) replaced. */
static enum dipc_codec_err
patched(uint32_t at, uint32_t v, int width, struct dipc_codec_error *err)
{
	uint8_t buf[ROOM], *copy;
	uint32_t len = build_doc(buf, sizeof(buf));
	enum dipc_codec_err r;

	copy = exact_copy(buf, len);
	if (width == 4)
		dipc_codec_st_u32(copy + at, v);
	else
		copy[at] = (uint8_t)v;
	assert_false(mp__fast_validate_doc(copy, len));
	r = mp_doc_validate(copy, len, err);
	assert_int_equal(mp__validate_slow_doc(copy, len, NULL), r);
	free(copy);
	return r;
}

static void
test_bad_tables(void **state)
{
	struct dipc_codec_error e = { .code = DIPC_CODEC_OK };
	char path[256], text[256];

	(void)state;
	/* Header: a table past the region (7 entries of 1 byte + header > 7). */
	assert_int_equal(patched(0x20, 0x1c, 1, &e), DIPC_CODEC_E_MAP_TABLE);
	assert_int_equal(e.at, 0x20);
	assert_int_equal(e.value, 8);
	assert_int_equal(e.len, 7);
	assert_string_equal(path_text(&e, path, sizeof(path)), "doc.labels");
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "doc.labels: map table past its region: needs 8, has 7 "
			    "(map at body offset 32)");
	/* A 5-byte header with a count below 64 (count 2 in bytes 1..4). */
	{
		uint8_t buf[ROOM], *copy;
		uint32_t len = build_doc(buf, sizeof(buf));

		copy = exact_copy(buf, len);
		copy[0x20] = 0;
		dipc_codec_st_u32(copy + 0x21, 2);
		assert_false(mp__fast_validate_doc(copy, len));
		assert_int_equal(mp_doc_validate(copy, len, &e), DIPC_CODEC_E_MAP_TABLE);
		assert_int_equal(e.value, 64);
		assert_int_equal(e.len, 2);
		free(copy);
	}
	/* Lengths that do not add up: 3 entries; width code 1; a key 1 longer. */
	assert_int_equal(patched(0x20, 0x0c, 1, &e), DIPC_CODEC_E_MAP_LENGTH);
	assert_int_equal(e.value, 3 + 1 + 7);
	assert_int_equal(e.len, 3);
	assert_int_equal(patched(0x20, 0x09, 1, &e), DIPC_CODEC_E_MAP_LENGTH);
	assert_int_equal(patched(0x21, 0x22, 1, &e), DIPC_CODEC_E_MAP_LENGTH);
	assert_int_equal(e.at, 0x20);
	assert_int_equal(e.value, 5);
	assert_int_equal(e.len, 4);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "doc.labels: map strings do not fill their region: lengths add "
			    "up to 5, strings area 4 (map at body offset 32)");
	assert_int_equal(patched(0x22, 0x00, 1, &e), DIPC_CODEC_E_MAP_LENGTH);
	assert_int_equal(e.value, 3);
	/* In a struct in an array; in the last map. */
	assert_int_equal(patched(0x41, 0x31, 1, &e), DIPC_CODEC_E_MAP_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)), "doc.items[0].tags");
	assert_int_equal(patched(0x40, 0x08, 1, &e), DIPC_CODEC_E_MAP_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)), "doc.items[0].tags");
	assert_int_equal(patched(0x46, 0x41, 1, &e), DIPC_CODEC_E_MAP_LENGTH);
	assert_string_equal(path_text(&e, path, sizeof(path)), "doc.rev");
	/* The reference itself: empty with an offset; overlapping the tags;
	 * past the body. */
	assert_int_equal(patched(12, 0, 4, &e), DIPC_CODEC_E_REF_OFFSET);
	assert_string_equal(path_text(&e, path, sizeof(path)), "doc.labels");
	assert_int_equal(patched(24, 0x44, 4, &e), DIPC_CODEC_E_REF_OVERLAP);
	assert_string_equal(path_text(&e, path, sizeof(path)), "doc.rev");
	assert_int_equal(patched(28, 7, 4, &e), DIPC_CODEC_E_REF_LENGTH);
	/* A region of 1 to 4 bytes whose header asks for a 5-byte one. */
	assert_int_equal(patched(0x20, 0x00, 1, &e), DIPC_CODEC_E_MAP_TABLE);
}

static void
test_builder_errors(void **state)
{
	struct dipc_codec_kv kv[1] = {{NULL, 1, "v", 1}};
	struct dipc_codec_builder b;
	uint8_t buf[64];
	uint32_t len = 0;

	(void)state;
	assert_int_equal(mp_doc_build_init(&b, buf, sizeof(buf)), 0);
	assert_int_equal(mp_doc_set_labels(&b, NULL, 1), -EINVAL);
	assert_int_equal(dipc_codec_build_finish(&b, &len), -EINVAL);
	assert_int_equal(mp_doc_build_init(&b, buf, sizeof(buf)), 0);
	assert_int_equal(mp_doc_set_labels(&b, kv, 1), -EINVAL);
	kv[0] = (struct dipc_codec_kv){"k", 1, NULL, 1};
	assert_int_equal(mp_doc_build_init(&b, buf, sizeof(buf)), 0);
	assert_int_equal(mp_doc_set_labels(&b, kv, 1), -EINVAL);
	/* Room for the fixed block and 7 bytes: a map of 8 does not fit. */
	kv[0] = (struct dipc_codec_kv){"ab", 2, "cdefg", 5};
	assert_int_equal(mp_doc_build_init(&b, buf, 32 + 7), 0);
	assert_int_equal(mp_doc_set_labels(&b, kv, 1), -ENOSPC);
	assert_int_equal(mp_doc_set_rev(&b, kv, 1), -ENOSPC);
	assert_int_equal(dipc_codec_build_finish(&b, &len), -ENOSPC);
	assert_int_equal(mp_doc_build_init(&b, buf, 32 + 9), 0);
	assert_int_equal(mp_doc_set_labels(&b, kv, 1), 0);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(len, 41);
	assert_int_equal(mp_doc_validate(buf, len, NULL), DIPC_CODEC_OK);
}

static void
test_evolution(void **state)
{
	struct dipc_codec_kv kv[1] = {{"k", 1, "v", 1}};
	struct dipc_codec_builder b;
	struct dipc_codec_map m;
	uint8_t buf[128], *body;
	uint32_t len, l;
	const char *s;

	(void)state;
	/* A version 2 body, read by version 1: the map is a gap it skips. */
	assert_int_equal(me2_m_build_init(&b, buf, sizeof(buf)), 0);
	me2_m_set_a(b.body, 5);
	me2_m_set_s(&b, "str", 3);
	me2_m_set_attrs(&b, kv, 1);
	me2_m_set_b(b.body, 9);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	body = exact_copy(buf, len);
	assert_int_equal(me2_m_validate(body, len, NULL), DIPC_CODEC_OK);
	assert_int_equal(me1_m_validate(body, len, NULL), DIPC_CODEC_OK);
	assert_int_equal(me1_m_get_a(body), 5);
	s = me1_m_get_s(body, &l);
	assert_int_equal(l, 3);
	assert_memory_equal(s, "str", 3);
	assert_int_equal(me2_m_get_attrs(body, &m), 1);
	assert_int_equal(me2_m_get_b(body), 9);
	free(body);
	/* A version 1 body, read by version 2: an empty map, b 0. */
	assert_int_equal(me1_m_build_init(&b, buf, sizeof(buf)), 0);
	me1_m_set_a(b.body, 6);
	me1_m_set_s(&b, "x", 1);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	body = exact_copy(buf, len);
	assert_int_equal(me2_m_validate(body, len, NULL), DIPC_CODEC_OK);
	assert_false(me2_m_has_attrs(body));
	assert_int_equal(me2_m_get_attrs(body, &m), 0);
	assert_int_equal(m.count, 0);
	assert_null(dipc_codec_map_find(&m, "k", 1, &l));
	assert_int_equal(me2_m_get_b(body), 0);
	assert_int_equal(me2_m_get_a(body), 6);
	free(body);
	/* A version 2 body cut inside the map's reference (fixed_len 20). */
	assert_int_equal(me2_m_build_init(&b, buf, sizeof(buf)), 0);
	dipc_codec_st_u16(b.body, 20);
	assert_int_equal(me2_m_validate(buf, 20, NULL), DIPC_CODEC_E_FIXED_SPLIT);
}

/* Random bytes and words of the valid document replaced: whenever the
 * fast pass accepts, the precise pass accepts too, and validate() says
 * what the precise pass says. */
static void
test_fast_never_wrong(void **state)
{
	uint8_t buf[ROOM];
	uint32_t len, i;

	(void)state;
	len = build_doc(buf, sizeof(buf));
	for (i = 0; i < 50000; i++) {
		uint8_t *copy = exact_copy(buf, len);
		uint32_t cut = (rng() % 4) == 0 ? (uint32_t)(rng() % (len + 1)) : len;
		enum dipc_codec_err slow;
		bool fast;

		mutate_bytes(copy, len);
		fast = mp__fast_validate_doc(copy, cut);
		slow = mp__validate_slow_doc(copy, cut, NULL);
		if (fast)
			assert_int_equal(slow, DIPC_CODEC_OK);
		assert_int_equal(mp_doc_validate(copy, cut, NULL), slow);
		free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_widths),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_builder_errors),
		cmocka_unit_test(test_evolution),
		cmocka_unit_test(test_fast_never_wrong),
	};

	return cmocka_run_group_tests_name("codec-map", tests, NULL, NULL);
}
