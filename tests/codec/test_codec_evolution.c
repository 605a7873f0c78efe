/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: schema evolution with two generated versions of one schema
 * (tests/codec/evo_v1.schema, and evo_v2.schema which appends fields of
 * versions 2 and 3). A reader built from the older schema ignores what it
 * does not know; a reader built from the newer one reads defaults for what
 * an older writer did not send; a fixed block that ends inside a known
 * field is refused. Bodies are exact heap copies (ASan). No EAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evo_v1.h"
#include "evo_v2.h"

#define ROOM 1024

static uint8_t *
exact_copy(const uint8_t *src, uint32_t len)
{
	uint8_t *p = malloc(len);

	assert_non_null(p);
	memcpy(p, src, len);
	return p;
}

/* A version 1 writer: id 41, name "old", flags 3, two tags. */
static uint32_t
build_v1(uint8_t *buf)
{
	struct dipc_codec_builder b;
	void *tags;
	uint32_t len;

	assert_int_equal(evo1_item_build_init(&b, buf, ROOM), 0);
	evo1_item_set_id(b.body, 41);
	assert_int_equal(evo1_item_set_name(&b, "old", 3), 0);
	evo1_item_set_flags(b.body, 3);
	tags = evo1_item_add_tags(&b, 2);
	assert_non_null(tags);
	evo1_tag_set_k(evo1_tag_at_mut(tags, 0), 1);
	assert_int_equal(evo1_tag_set_v(&b, evo1_tag_at_mut(tags, 0), "one", 3), 0);
	evo1_tag_set_k(evo1_tag_at_mut(tags, 1), 2);
	assert_int_equal(evo1_tag_set_v(&b, evo1_tag_at_mut(tags, 1), "two", 3), 0);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	return len;
}

/* A version 3 writer: every field, variable ones in schema order. */
static uint32_t
build_v2(uint8_t *buf)
{
	struct dipc_codec_builder b;
	void *tags;
	uint32_t len;

	assert_int_equal(evo2_item_build_init(&b, buf, ROOM), 0);
	evo2_item_set_id(b.body, 42);
	assert_int_equal(evo2_item_set_name(&b, "new", 3), 0);
	evo2_item_set_flags(b.body, 5);
	tags = evo2_item_add_tags(&b, 1);
	assert_non_null(tags);
	evo2_tag_set_k(evo2_tag_at_mut(tags, 0), 7);
	assert_int_equal(evo2_tag_set_v(&b, evo2_tag_at_mut(tags, 0), "seven", 5), 0);
	evo2_item_set_stamp(b.body, 123456789012345ull);
	assert_int_equal(evo2_item_set_note(&b, "a note", 6), 0);
	tags = evo2_item_add_extra(&b, 1);
	assert_non_null(tags);
	evo2_tag_set_k(evo2_tag_at_mut(tags, 0), 8);
	assert_int_equal(evo2_tag_set_v(&b, evo2_tag_at_mut(tags, 0), "eight", 5), 0);
	evo2_item_set_urgent(b.body, true);
	evo2_item_set_lvl(b.body, evo2_level_HIGH);
	evo2_item_set_code(b.body, "\x0a\x0b\x0c\x0d", 4);
	evo2_tag_set_k(evo2_item_mut_main(b.body), 9);
	assert_int_equal(evo2_tag_set_v(&b, evo2_item_mut_main(b.body), "nine", 4), 0);
	assert_int_equal(evo2_item_set_blob(&b, "\xff", 1), 0);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	return len;
}

static void
test_layouts_agree(void **state)
{
	(void)state;
	/* Version 1 fields sit where version 1 put them. */
	assert_int_equal(EVO1_ITEM_FIXED_SIZE, 28);
	assert_int_equal(EVO2_ITEM_MIN_FIXED_SIZE, EVO1_ITEM_FIXED_SIZE);
	assert_int_equal(EVO1_ITEM_ID_OFFSET, EVO2_ITEM_ID_OFFSET);
	assert_int_equal(EVO1_ITEM_NAME_OFFSET, EVO2_ITEM_NAME_OFFSET);
	assert_int_equal(EVO1_ITEM_FLAGS_OFFSET, EVO2_ITEM_FLAGS_OFFSET);
	assert_int_equal(EVO1_ITEM_TAGS_OFFSET, EVO2_ITEM_TAGS_OFFSET);
	assert_int_equal(EVO2_ITEM_STAMP_OFFSET, 32);
	assert_int_equal(EVO2_ITEM_EXTRA_OFFSET, 48);
	assert_int_equal(EVO2_ITEM_URGENT_OFFSET, 56);
	assert_int_equal(EVO2_ITEM_MAIN_OFFSET, 64);
	assert_int_equal(EVO2_ITEM_FIXED_SIZE, 84);
	assert_int_equal(EVO1_ITEM_VERSION, 1);
	assert_int_equal(EVO2_ITEM_VERSION, 3);
	assert_int_equal(EVO1_ITEM_ID, EVO2_ITEM_ID);
}

/* A newer reader, an older writer: defaults for what was not sent. */
static void
test_new_reads_old(void **state)
{
	uint8_t buf[ROOM];
	struct dipc_codec_error e;
	uint32_t len = build_v1(buf), n;
	uint8_t *body = exact_copy(buf, len);
	const void *p;
	const char *s;
	char json[512];

	(void)state;
	assert_int_equal(evo1_item_validate(body, len, &e), DIPC_CODEC_OK);
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_OK);
	assert_int_equal(evo2_item_get_id(body), 41);
	s = evo2_item_get_name(body, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "old", 3);
	assert_int_equal(evo2_item_get_flags(body), 3);
	p = evo2_item_get_tags(body, &n);
	assert_int_equal(n, 2);
	s = evo2_tag_get_v(body, evo2_tag_at(p, 1), &n);
	assert_memory_equal(s, "two", n);
	/* Not sent: zero, empty. */
	assert_false(evo2_item_has_stamp(body));
	assert_false(evo2_item_has_main(body));
	assert_true(evo2_item_get_stamp(body) == 0);
	evo2_item_get_note(body, &n);
	assert_int_equal(n, 0);
	evo2_item_get_extra(body, &n);
	assert_int_equal(n, 0);
	assert_false(evo2_item_get_urgent(body));
	assert_int_equal(evo2_item_get_lvl(body), evo2_level_LOW);
	assert_memory_equal(evo2_item_get_code(body), "\0\0\0\0", 4);
	p = evo2_item_get_main(body);
	assert_int_equal(evo2_tag_get_k(p), 0);
	evo2_tag_get_v(body, p, &n);
	assert_int_equal(n, 0);
	evo2_item_get_blob(body, &n);
	assert_int_equal(n, 0);
	evo2_item_to_json(body, json, sizeof(json));
	assert_string_equal(json, "{\"id\":41,\"name\":\"old\",\"flags\":3,"
			    "\"tags\":[{\"k\":1,\"v\":\"one\"},{\"k\":2,\"v\":\"two\"}],"
			    "\"stamp\":0,\"note\":\"\",\"extra\":[],\"urgent\":false,\"lvl\":\"LOW\","
			    "\"code\":\"00000000\",\"main\":{\"k\":0,\"v\":\"\"},\"blob\":\"\"}");
	free(body);
}

/* An older reader, a newer writer: the new fields are ignored. */
static void
test_old_reads_new(void **state)
{
	uint8_t buf[ROOM];
	struct dipc_codec_error e;
	uint32_t len = build_v2(buf), n;
	uint8_t *body = exact_copy(buf, len);
	const void *p;
	const char *s;
	char json[512];

	(void)state;
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_OK);
	assert_int_equal(evo1_item_validate(body, len, &e), DIPC_CODEC_OK);
	assert_int_equal(dipc_codec_fixed_len(body), EVO2_ITEM_FIXED_SIZE);
	assert_int_equal(evo1_item_get_id(body), 42);
	s = evo1_item_get_name(body, &n);
	assert_memory_equal(s, "new", n);
	assert_int_equal(evo1_item_get_flags(body), 5);
	p = evo1_item_get_tags(body, &n);
	assert_int_equal(n, 1);
	assert_int_equal(evo1_tag_get_k(evo1_tag_at(p, 0)), 7);
	evo1_item_to_json(body, json, sizeof(json));
	assert_string_equal(json, "{\"id\":42,\"name\":\"new\",\"flags\":5,"
			    "\"tags\":[{\"k\":7,\"v\":\"seven\"}]}");
	/* The new reader sees everything. */
	assert_true(evo2_item_has_main(body));
	assert_true(evo2_item_get_stamp(body) == 123456789012345ull);
	s = evo2_item_get_note(body, &n);
	assert_memory_equal(s, "a note", n);
	p = evo2_item_get_extra(body, &n);
	assert_int_equal(n, 1);
	s = evo2_tag_get_v(body, evo2_tag_at(p, 0), &n);
	assert_memory_equal(s, "eight", n);
	assert_true(evo2_item_get_urgent(body));
	assert_int_equal(evo2_item_get_lvl(body), evo2_level_HIGH);
	assert_memory_equal(evo2_item_get_code(body), "\x0a\x0b\x0c\x0d", 4);
	assert_int_equal(evo2_tag_get_k(evo2_item_get_main(body)), 9);
	s = evo2_tag_get_v(body, evo2_item_get_main(body), &n);
	assert_memory_equal(s, "nine", n);
	/* What the old reader ignores, it does not check either. */
	dipc_codec_st_u32(body + EVO2_ITEM_NOTE_OFFSET, 5000);
	body[EVO2_ITEM_LVL_OFFSET] = 7;
	assert_int_equal(evo1_item_validate(body, len, &e), DIPC_CODEC_OK);
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_E_REF_OFFSET);
	dipc_codec_st_u32(body + EVO2_ITEM_NOTE_OFFSET, len - 1);
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_E_REF_LENGTH);
	free(body);
}

/* A version 2 writer (fixed block up to 'extra'): the v3 fields are defaults. */
static void
test_middle_version(void **state)
{
	uint8_t buf[ROOM];
	struct dipc_codec_error e;
	uint32_t len, n;
	uint8_t *body;
	char text[256];

	(void)state;
	len = build_v2(buf);
	/* The v3 references must be empty for a v2 writer; bytes past its fixed
	 * block are a gap the reader skips (even a bad bool there). */
	dipc_codec_st_u32(buf + EVO2_ITEM_MAIN_OFFSET + 4, 0);
	dipc_codec_st_u32(buf + EVO2_ITEM_MAIN_OFFSET + 8, 0);
	dipc_codec_st_u32(buf + EVO2_ITEM_BLOB_OFFSET, 0);
	dipc_codec_st_u32(buf + EVO2_ITEM_BLOB_OFFSET + 4, 0);
	buf[EVO2_ITEM_URGENT_OFFSET] = 9;
	dipc_codec_st_u16(buf, EVO2_ITEM_URGENT_OFFSET);
	body = exact_copy(buf, len);
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_OK);
	assert_int_equal(evo1_item_validate(body, len, &e), DIPC_CODEC_OK);
	assert_true(evo2_item_has_stamp(body));
	assert_true(evo2_item_has_extra(body));
	assert_false(evo2_item_has_urgent(body));
	assert_false(evo2_item_get_urgent(body));
	assert_int_equal(evo2_tag_get_k(evo2_item_get_main(body)), 0);
	evo2_item_get_extra(body, &n);
	assert_int_equal(n, 1);

	/* A fixed block that ends inside a field the reader knows. */
	dipc_codec_st_u16(body, EVO2_ITEM_STAMP_OFFSET + 4);
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_E_FIXED_SPLIT);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_string_equal(text, "item.stamp: fixed block ends inside a field: fixed_len 36 "
			    "ends inside bytes 32..39");
	/* The old reader cannot know: for it the block just got longer. */
	assert_int_equal(evo1_item_validate(body, len, &e), DIPC_CODEC_OK);
	dipc_codec_st_u16(body, EVO2_ITEM_MAIN_OFFSET + 1);
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_E_FIXED_SPLIT);
	assert_string_equal(e.path[0].name, "main");
	/* Ending in padding (28..31) splits nothing: stamp is simply absent. */
	free(body);
	len = build_v1(buf);
	body = calloc(1, len + 3);
	assert_non_null(body);
	memcpy(body, buf, len);
	dipc_codec_st_u16(body, 31);
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_E_REF_OFFSET);
	dipc_codec_st_u16(body, EVO1_ITEM_FIXED_SIZE);
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_OK);
	/* A v1 body shorter than version 1's fixed block. */
	dipc_codec_st_u16(body, EVO1_ITEM_FIXED_SIZE - 2);
	assert_int_equal(evo2_item_validate(body, len, &e), DIPC_CODEC_E_FIXED_SHORT);
	assert_int_equal(evo1_item_validate(body, len, &e), DIPC_CODEC_E_FIXED_SHORT);
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layouts_agree),
		cmocka_unit_test(test_new_reads_old),
		cmocka_unit_test(test_old_reads_new),
		cmocka_unit_test(test_middle_version),
	};

	return cmocka_run_group_tests_name("codec-evolution", tests, NULL, NULL);
}
