/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: unit tests of the version 1 message header: writing it in
 * place, validating each field, and turning a request into an error
 * response. Pure logic on hand-built mbufs: no EAL, no hugepages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dipc_msg.h"

#define BUF_LEN 2176

struct test_mbuf {
	struct rte_mbuf m;
	uint8_t buf[BUF_LEN];
};

static struct rte_mbuf *
mbuf_fresh(struct test_mbuf *t)
{
	memset(t, 0, sizeof(*t));
	t->m.buf_addr = t->buf;
	t->m.buf_len = BUF_LEN;
	t->m.nb_segs = 1;
	rte_pktmbuf_reset(&t->m);
	return &t->m;
}

/* A valid echo request of @body_len bytes. */
static struct rte_mbuf *
request(struct test_mbuf *t, uint32_t body_len)
{
	struct rte_mbuf *m = mbuf_fresh(t);

	assert_int_equal(dipc_msg_init(m, DIPC_MSG_F_REQUEST, DIPC_METHOD_ECHO, 42, body_len), 0);
	return m;
}

static void
test_init_layout(void **state)
{
	struct test_mbuf t;
	struct rte_mbuf *m;
	const uint8_t *p;

	(void)state;
	m = mbuf_fresh(&t);
	assert_int_equal(dipc_msg_init(m, DIPC_MSG_F_REQUEST | DIPC_MSG_F_ONEWAY, 0x0102,
				       0x0a0b0c0d, 100), 0);
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	/* Byte for byte, little-endian, as documented. */
	assert_memory_equal(p, "DIPC", 4);
	assert_int_equal(p[4], DIPC_MSG_VERSION);
	assert_int_equal(p[5], DIPC_MSG_F_REQUEST | DIPC_MSG_F_ONEWAY);
	assert_int_equal(p[6], 0x02);
	assert_int_equal(p[7], 0x01);
	assert_int_equal(p[8] | p[9] | p[10] | p[11], 0); /* status, reserved */
	assert_int_equal(p[12], 0x0d);
	assert_int_equal(p[15], 0x0a);
	assert_int_equal(p[16], 100);
	assert_int_equal(p[20] | p[21] | p[22] | p[23], 0); /* csum */
	assert_int_equal(m->data_len, DIPC_MSG_HDR_LEN + 100);
	assert_int_equal(m->pkt_len, DIPC_MSG_HDR_LEN + 100);
	assert_ptr_equal(dipc_msg_body(m), p + DIPC_MSG_HDR_LEN);
}

static void
test_init_too_big(void **state)
{
	struct test_mbuf t;
	struct rte_mbuf *m = mbuf_fresh(&t);
	uint32_t room = rte_pktmbuf_tailroom(m) - DIPC_MSG_HDR_LEN;

	(void)state;
	assert_int_equal(dipc_msg_init(m, DIPC_MSG_F_REQUEST, 1, 1, room + 1), -ENOSPC);
	assert_int_equal(dipc_msg_init(m, DIPC_MSG_F_REQUEST, 1, 1, UINT32_MAX), -ENOSPC);
	assert_int_equal(m->data_len, 0);
	assert_int_equal(dipc_msg_init(m, DIPC_MSG_F_REQUEST, 1, 1, room), 0);
}

static void
test_validate_ok(void **state)
{
	struct test_mbuf t;

	(void)state;
	assert_int_equal(dipc_msg_validate_request(request(&t, 0)), DIPC_STATUS_OK);
	assert_int_equal(dipc_msg_validate_request(request(&t, 64)), DIPC_STATUS_OK);
	assert_int_equal(dipc_msg_validate_request(request(&t, 2000)), DIPC_STATUS_OK);
}

static void
test_validate_each_bad_field(void **state)
{
	struct test_mbuf t;
	struct rte_mbuf *m;

	(void)state;
	m = request(&t, 8);
	m->data_len = DIPC_MSG_HDR_LEN - 1;
	m->pkt_len = m->data_len;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_LENGTH);

	m = request(&t, 8);
	dipc_msg_hdr(m)->magic ^= 1;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_MAGIC);

	m = request(&t, 8);
	dipc_msg_hdr(m)->version = 2;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_VERSION);
	dipc_msg_hdr(m)->version = 0;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_VERSION);

	m = request(&t, 8);
	dipc_msg_hdr(m)->flags = DIPC_MSG_F_RESPONSE;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_FLAGS);
	dipc_msg_hdr(m)->flags = 0;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_FLAGS);
	dipc_msg_hdr(m)->flags = DIPC_MSG_F_REQUEST | DIPC_MSG_F_RESPONSE;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_FLAGS);
	dipc_msg_hdr(m)->flags = DIPC_MSG_F_REQUEST | DIPC_MSG_F_ERROR;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_FLAGS);
	dipc_msg_hdr(m)->flags = DIPC_MSG_F_REQUEST | 0x40;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_FLAGS);

	m = request(&t, 8);
	dipc_msg_hdr(m)->body_len = 9;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_LENGTH);
	dipc_msg_hdr(m)->body_len = 7;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_LENGTH);
	dipc_msg_hdr(m)->body_len = UINT32_MAX;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_LENGTH);

	m = request(&t, 8);
	m->pkt_len++;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_LENGTH);

	m = request(&t, 8);
	m->nb_segs = 2;
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_BAD_LENGTH);
}

static void
test_make_error(void **state)
{
	struct test_mbuf t;
	struct rte_mbuf *m;
	struct dipc_msg_hdr *h;

	(void)state;
	m = request(&t, 100);
	dipc_msg_hdr(m)->magic = 0;
	dipc_msg_make_error(m, DIPC_STATUS_BAD_MAGIC);
	h = dipc_msg_hdr(m);
	assert_int_equal(h->magic, DIPC_MSG_MAGIC);
	assert_int_equal(h->flags, DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR);
	assert_int_equal(h->status, DIPC_STATUS_BAD_MAGIC);
	assert_int_equal(h->stream_id, 42);
	assert_int_equal(h->method, DIPC_METHOD_ECHO);
	assert_int_equal(h->body_len, 0);
	assert_int_equal(m->data_len, DIPC_MSG_HDR_LEN);
	assert_int_equal(dipc_msg_validate_response(m), DIPC_STATUS_OK);

	/* Too short to hold a header: nothing of it can be trusted. */
	m = request(&t, 100);
	m->data_len = 3;
	m->pkt_len = 3;
	dipc_msg_make_error(m, DIPC_STATUS_BAD_LENGTH);
	assert_int_equal(dipc_msg_hdr(m)->stream_id, 0);
	assert_int_equal(dipc_msg_hdr(m)->method, 0);
	assert_int_equal(dipc_msg_validate_response(m), DIPC_STATUS_OK);
}

static void
test_validate_response(void **state)
{
	struct test_mbuf t;
	struct rte_mbuf *m;

	(void)state;
	m = request(&t, 16);
	assert_int_equal(dipc_msg_validate_response(m), DIPC_STATUS_BAD_FLAGS);
	dipc_msg_hdr(m)->flags = DIPC_MSG_F_RESPONSE;
	assert_int_equal(dipc_msg_validate_response(m), DIPC_STATUS_OK);
	dipc_msg_hdr(m)->body_len = 17;
	assert_int_equal(dipc_msg_validate_response(m), DIPC_STATUS_BAD_LENGTH);
}

static void
test_status_names(void **state)
{
	unsigned int s;

	(void)state;
	for (s = 0; s < DIPC_STATUS_MAX; s++) {
		assert_non_null(dipc_msg_status_str(s));
		assert_string_not_equal(dipc_msg_status_str(s), "unknown status");
	}
	assert_string_equal(dipc_msg_status_str(DIPC_STATUS_MAX), "unknown status");
	assert_string_equal(dipc_msg_status_str(65535), "unknown status");
	assert_string_equal(dipc_msg_status_str(DIPC_STATUS_BAD_MAGIC), "bad magic");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_layout),
		cmocka_unit_test(test_init_too_big),
		cmocka_unit_test(test_validate_ok),
		cmocka_unit_test(test_validate_each_bad_field),
		cmocka_unit_test(test_make_error),
		cmocka_unit_test(test_validate_response),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests_name("msg", tests, NULL, NULL);
}
