/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: the example schemas of docs/examples, compiled by the meson
 * rule. The worked example of docs/SCHEMA.md byte for byte (the same bytes
 * as the document), its version 1 reading; the key-value messages; and the
 * three benchmark messages (an RPC request, an order event with 8 fills, a
 * batch of 32 records with a map of 8 entries each) built, validated and
 * read back. No EAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "kv.h"
#include "order.h"

/* docs/SCHEMA.md, "A worked example". */
static const uint8_t order_bytes[80] = {
	0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x30, 0x00, 0x00, 0x00,
	0x20, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x41, 0x42, 0x43, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x58, 0x4e, 0x41, 0x53,
	0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x49, 0x45, 0x58, 0x00,
};

static void
test_order_example(void **state)
{
	uint8_t buf[256];
	struct dipc_codec_builder b;
	char json[256];
	uint32_t len, n;
	const void *f;
	const char *s;
	void *fills;

	(void)state;
	assert_int_equal(ex_order_event_build_init(&b, buf, sizeof(buf)), 0);
	ex_order_event_set_order_id(b.body, 7);
	ex_order_event_set_side(b.body, ex_side_BUY);
	assert_int_equal(ex_order_event_set_symbol(&b, "ABC", 3), 0);
	fills = ex_order_event_add_fills(&b, 2);
	assert_non_null(fills);
	ex_fill_set_price(ex_fill_at_mut(fills, 0), 100);
	ex_fill_set_qty(ex_fill_at_mut(fills, 0), 1);
	ex_fill_set_venue(ex_fill_at_mut(fills, 0), "XNAS", 4);
	ex_fill_set_price(ex_fill_at_mut(fills, 1), -5);
	ex_fill_set_qty(ex_fill_at_mut(fills, 1), 2);
	ex_fill_set_venue(ex_fill_at_mut(fills, 1), "IEX", 3);
	ex_order_event_set_flags(b.body, 0x11);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(len, sizeof(order_bytes));
	assert_memory_equal(buf, order_bytes, sizeof(order_bytes));
	assert_int_equal(ex_order_event_size(3, 2), len);
	assert_int_equal(ex_order_event_validate(order_bytes, len, NULL), DIPC_CODEC_OK);
	ex_order_event_to_json(order_bytes, json, sizeof(json));
	assert_string_equal(json, "{\"order_id\":7,\"side\":\"BUY\",\"symbol\":\"ABC\",\"fills\":"
			    "[{\"price\":100,\"qty\":1,\"venue\":\"XNAS\"},"
			    "{\"price\":-5,\"qty\":2,\"venue\":\"IEX\"}],\"flags\":17}");
	/* As a version 1 writer would send it: fixed block of 36, no flags. */
	memcpy(buf, order_bytes, len);
	dipc_codec_st_u16(buf, EX_ORDER_EVENT_MIN_FIXED_SIZE);
	assert_int_equal(ex_order_event_validate(buf, len, NULL), DIPC_CODEC_OK);
	assert_int_equal(ex_order_event_get_flags(buf), 0);
	s = ex_order_event_get_symbol(buf, &n);
	assert_memory_equal(s, "ABC", n);
	f = ex_order_event_get_fills(buf, &n);
	assert_int_equal(n, 2);
	assert_int_equal(ex_fill_get_price(ex_fill_at(f, 1)), -5);
}

static void
test_kv(void **state)
{
	uint8_t buf[512];
	struct dipc_codec_builder b;
	uint32_t len, n;
	const uint8_t *p;

	(void)state;
	assert_int_equal(kv_put_req_build_init(&b, buf, sizeof(buf)), 0);
	kv_put_req_set_ttl_s(b.body, 60);
	kv_put_req_set_if_absent(b.body, true);
	assert_int_equal(kv_put_req_set_key(&b, "user:42", 7), 0);
	assert_int_equal(kv_put_req_set_value(&b, "{\"name\":\"ada\"}", 14), 0);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(kv_put_req_validate(buf, len, NULL), DIPC_CODEC_OK);
	assert_int_equal(len, kv_put_req_size(7, 14));
	p = kv_put_req_get_value(buf, &n);
	assert_memory_equal(p, "{\"name\":\"ada\"}", n);
	assert_int_equal(kv_get_rsp_build_init(&b, buf, sizeof(buf)), 0);
	kv_get_rsp_set_status(b.body, kv_kv_status_NOT_FOUND);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(kv_get_rsp_validate(buf, len, NULL), DIPC_CODEC_OK);
	assert_int_equal(kv_get_rsp_get_status(buf), kv_kv_status_NOT_FOUND);
	kv_get_rsp_get_value(buf, &n);
	assert_int_equal(n, 0);
	assert_int_equal(KV_GET_REQ_ID, 16);
	assert_int_equal(KV_DELETE_RSP_ID, 21);
}

static void
test_bench_messages(void **state)
{
	static uint8_t buf[65536];
	struct dipc_codec_builder b;
	struct dipc_codec_error e;
	char key[8][16], val[8][32];
	struct dipc_codec_kv kv[8];
	struct dipc_codec_map map;
	uint64_t size;
	uint32_t len, n, m, i, k;
	void *fills, *recs;
	const void *r, *a;
	const char *s;

	(void)state;
	/* 1. RPC request. */
	assert_int_equal(bench_rpc_request_build_init(&b, buf, 65536), 0);
	bench_rpc_request_set_request_id(b.body, 1);
	bench_rpc_request_set_deadline_ns(b.body, 2);
	bench_rpc_request_set_method(b.body, 3);
	bench_rpc_request_set_idempotent(b.body, true);
	bench_rpc_request_set_service(&b, "accounts", 8);
	bench_rpc_request_set_caller(&b, "gateway-7", 9);
	bench_rpc_request_set_trace_id(&b, "4bf92f3577b34da6", 16);
	bench_rpc_request_set_payload(&b, "0123456789abcdef", 16);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(len, bench_rpc_request_size(8, 9, 16, 16));
	assert_int_equal(bench_rpc_request_validate(buf, len, &e), DIPC_CODEC_OK);
	s = bench_rpc_request_get_caller(buf, &n);
	assert_memory_equal(s, "gateway-7", n);

	/* 2. Order event with 8 fills. */
	assert_int_equal(bench_order_event_build_init(&b, buf, 65536), 0);
	bench_order_event_set_order_id(b.body, 99);
	bench_order_event_set_side(b.body, bench_side_SELL);
	bench_order_event_set_symbol(&b, "MSFT", 4);
	bench_order_event_set_account(&b, "ACC-001", 7);
	bench_order_event_set_client_order_id(&b, "c-123456", 8);
	fills = bench_order_event_add_fills(&b, 8);
	assert_non_null(fills);
	for (i = 0; i < 8; i++) {
		bench_fill_set_price(bench_fill_at_mut(fills, i), 1000 + i);
		bench_fill_set_qty(bench_fill_at_mut(fills, i), i);
		bench_fill_set_venue(bench_fill_at_mut(fills, i), "XNYS", 4);
	}
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(len, bench_order_event_size(4, 7, 8, 8));
	assert_int_equal(bench_order_event_validate(buf, len, &e), DIPC_CODEC_OK);
	a = bench_order_event_get_fills(buf, &n);
	assert_int_equal(n, 8);
	assert_int_equal(bench_fill_get_price(bench_fill_at(a, 7)), 1007);

	/* 3. Batch of 32 records, a map of 8 entries each (depth first). */
	assert_int_equal(bench_batch_build_init(&b, buf, 65536), 0);
	bench_batch_set_shard(b.body, 4);
	recs = bench_batch_add_records(&b, 32);
	assert_non_null(recs);
	size = bench_batch_size(32);
	for (i = 0; i < 32; i++) {
		void *rec = bench_record_at_mut(recs, i);
		uint64_t bytes = 0;
		uint32_t longest = 0;

		bench_record_set_id(rec, i);
		for (k = 0; k < 8; k++) {
			kv[k].key = key[k];
			kv[k].key_len = (uint32_t)snprintf(key[k], sizeof(key[k]), "key%u", k);
			kv[k].value = val[k];
			kv[k].value_len = (uint32_t)snprintf(val[k], sizeof(val[k]), "value-%u-%u",
							     i, k);
			bytes += kv[k].key_len + kv[k].value_len;
			longest = kv[k].value_len > longest ? kv[k].value_len : longest;
		}
		assert_int_equal(bench_record_set_attrs(&b, rec, kv, 8), 0);
		size = dipc_codec_size_add_map(size, 8, bytes, longest);
	}
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(len, size);
	assert_int_equal(bench_batch_validate(buf, len, &e), DIPC_CODEC_OK);
	r = bench_batch_get_records(buf, &n);
	assert_int_equal(n, 32);
	m = bench_record_get_attrs(buf, bench_record_at(r, 31), &map);
	assert_int_equal(m, 8);
	s = dipc_codec_map_value(&map, 7, &n);
	assert_int_equal(n, 10);
	assert_memory_equal(s, "value-31-7", n);
	s = dipc_codec_map_key(&map, 0, &n);
	assert_int_equal(n, 4);
	assert_memory_equal(s, "key0", n);
	s = dipc_codec_map_find(&map, "key3", 4, &n);
	assert_non_null(s);
	assert_memory_equal(s, "value-31-3", n);
	assert_null(dipc_codec_map_find(&map, "key", 3, &n));
	/* Record 1's map written before record 0's is refused: references
	 * must follow schema order, depth first. */
	assert_int_equal(bench_batch_build_init(&b, buf, 65536), 0);
	recs = bench_batch_add_records(&b, 2);
	kv[0].key = "k";
	kv[0].key_len = 1;
	assert_int_equal(bench_record_set_attrs(&b, bench_record_at_mut(recs, 1), kv, 1), 0);
	assert_int_equal(bench_record_set_attrs(&b, bench_record_at_mut(recs, 0), kv, 1), 0);
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	assert_int_equal(bench_batch_validate(buf, len, &e), DIPC_CODEC_E_REF_OVERLAP);
	assert_string_equal(e.path[0].name, "attrs");
	assert_int_equal(e.path[0].index, DIPC_CODEC_NO_INDEX);
	assert_int_equal(e.path[1].index, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_example),
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_bench_messages),
	};

	return cmocka_run_group_tests_name("codec-examples", tests, NULL, NULL);
}
