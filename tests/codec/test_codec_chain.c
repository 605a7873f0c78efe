/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The codec across mbuf chains (lib/codec/dipc_codec_mbuf.h, "Chains"):
 * copy-out, copy-in and read over segments; the chain validator on a kv
 * put_req split at every byte boundary (two and three segments), every
 * truncation, references past the body, a lying header, CRC32C across
 * segments. Segments are plain heap buffers of exactly the bytes they hold
 * (no headroom, no tailroom), so ASan sees any read past one. No EAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kv.h"

#define MAX_MSG 4096

/* A chain of up to 4 segments over the bytes of one message. */
struct chain {
	struct rte_mbuf seg[4];
	uint8_t *data[4];
	unsigned int n;
};

/* Split @msg (header + body, @len bytes) at the @nb_cuts offsets in @cuts
 * (ascending, each in 0..len). The header must stay whole in the first
 * segment, as dipc requires, so the first cut is at least 24. */
static struct rte_mbuf *
chain_make(struct chain *c, const uint8_t *msg, uint32_t len, const uint32_t *cuts,
	   unsigned int nb_cuts)
{
	uint32_t start = 0, end;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	c->n = nb_cuts + 1;
	for (i = 0; i < c->n; i++) {
		end = i < nb_cuts ? cuts[i] : len;
		/* One byte at least so malloc gives a distinct buffer. */
		c->data[i] = malloc(end - start != 0 ? end - start : 1);
		assert_non_null(c->data[i]);
		memcpy(c->data[i], msg + start, end - start);
		c->seg[i].buf_addr = c->data[i];
		c->seg[i].buf_len = (uint16_t)(end - start);
		c->seg[i].data_off = 0;
		c->seg[i].data_len = (uint16_t)(end - start);
		c->seg[i].nb_segs = 1;
		c->seg[i].next = i + 1 < c->n ? &c->seg[i + 1] : NULL;
		start = end;
	}
	c->seg[0].nb_segs = (uint16_t)c->n;
	c->seg[0].pkt_len = len;
	return &c->seg[0];
}

static void
chain_free(struct chain *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++)
		free(c->data[i]);
}

static const struct dipc_codec_chain_ref put_refs[] = {
	{ "key", KV_PUT_REQ_KEY_OFFSET, 1, 1 },
	{ "value", KV_PUT_REQ_VALUE_OFFSET, 1, 1 },
};

/* A put_req message (header + body) with a 13-byte key and a 150-byte
 * value; returns its length. */
static uint32_t
build_put(uint8_t *msg, uint8_t *key, uint8_t *value, uint8_t flags)
{
	struct dipc_codec_builder b;
	struct dipc_msg_hdr *h = (struct dipc_msg_hdr *)msg;
	uint32_t body_len, i;

	for (i = 0; i < 13; i++)
		key[i] = (uint8_t)('a' + i);
	for (i = 0; i < 150; i++)
		value[i] = (uint8_t)(i * 7 + 1);
	assert_int_equal(kv_put_req_build_init(&b, msg + DIPC_MSG_HDR_LEN, MAX_MSG), 0);
	kv_put_req_set_ttl_s(b.body, 60);
	kv_put_req_set_if_absent(b.body, true);
	assert_int_equal(kv_put_req_set_key(&b, key, 13), 0);
	assert_int_equal(kv_put_req_set_value(&b, value, 150), 0);
	assert_int_equal(dipc_codec_build_finish(&b, &body_len), 0);
	memset(h, 0, sizeof(*h));
	h->magic = DIPC_MSG_MAGIC;
	h->version = DIPC_MSG_VERSION;
	h->flags = DIPC_MSG_F_REQUEST | flags;
	h->method = KV_PUT_REQ_ID;
	h->body_len = body_len;
	if (flags & DIPC_MSG_F_CSUM)
		h->csum = dipc_codec_crc32c(msg + DIPC_MSG_HDR_LEN, body_len);
	return DIPC_MSG_HDR_LEN + body_len;
}

/* Validate and read every field of a chained put_req; check them. */
static void
check_put(const struct rte_mbuf *m, const uint8_t *key, const uint8_t *value)
{
	static uint8_t fixed[DIPC_CODEC_FIXED_MAX];
	struct dipc_codec_chain_view v;
	struct dipc_codec_error e;
	uint32_t off[2], len[2];
	uint8_t buf[256];
	const void *p;

	/* An if the analyzer can follow: cmocka's failing assert returns. */
	if (dipc_codec_mbuf_validate_chain(m, "put_req", KV_PUT_REQ_MIN_FIXED_SIZE, put_refs, 2,
					   off, len, fixed, &v, &e) != DIPC_CODEC_OK || v.fixed == NULL) {
		fail_msg("chained put_req refused: %s at %u", dipc_codec_err_str(e.code), e.at);
		return;
	}
	assert_int_equal(v.fixed_len, KV_PUT_REQ_FIXED_SIZE);
	assert_int_equal(kv_put_req_get_ttl_s(v.fixed), 60);
	assert_true(kv_put_req_get_if_absent(v.fixed));
	assert_int_equal(len[0], 13);
	assert_int_equal(len[1], 150);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(dipc_codec_mbuf_copy_out(m, off[0], len[0], buf), 0);
	assert_memory_equal(buf, key, 13);
	p = dipc_codec_mbuf_read(m, off[1], len[1], buf);
	assert_non_null(p);
	assert_memory_equal(p, value, 150);
}

/* Every split into two segments, and a sample of three, of a valid put. */
static void
test_split_every_byte(void **state)
{
	uint8_t msg[MAX_MSG], key[13], value[150];
	uint32_t len = build_put(msg, key, value, 0), a, b, cuts[2];
	struct chain c;
	struct rte_mbuf *m;

	(void)state;
	for (a = DIPC_MSG_HDR_LEN; a <= len; a++) {
		cuts[0] = a;
		m = chain_make(&c, msg, len, cuts, 1);
		check_put(m, key, value);
		chain_free(&c);
	}
	for (a = DIPC_MSG_HDR_LEN; a <= len; a += 3) {
		for (b = a; b <= len; b += 5) {
			cuts[0] = a;
			cuts[1] = b;
			m = chain_make(&c, msg, len, cuts, 2);
			check_put(m, key, value);
			chain_free(&c);
		}
	}
}

/* copy_out/copy_in/read at every offset and length over a 3-segment chain. */
static void
test_copy_every_range(void **state)
{
	uint8_t msg[DIPC_MSG_HDR_LEN + 64], out[64], in[64];
	uint32_t cuts[2] = { DIPC_MSG_HDR_LEN + 10, DIPC_MSG_HDR_LEN + 37 }, off, n, i;
	struct chain c;
	struct rte_mbuf *m;
	const uint8_t *p;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i ^ 0x5a);
	m = chain_make(&c, msg, sizeof(msg), cuts, 2);
	for (off = 0; off <= 64; off++) {
		for (n = 0; off + n <= 64; n++) {
			memset(out, 0, sizeof(out));
			assert_int_equal(dipc_codec_mbuf_copy_out(m, off, n, out), 0);
			assert_memory_equal(out, msg + DIPC_MSG_HDR_LEN + off, n);
			p = dipc_codec_mbuf_read(m, off, n, out);
			assert_non_null(p);
			assert_memory_equal(p, msg + DIPC_MSG_HDR_LEN + off, n);
		}
		/* One byte past the end, from every offset. */
		assert_int_equal(dipc_codec_mbuf_copy_out(m, off, 64 - off + 1, out), -ERANGE);
		assert_null(dipc_codec_mbuf_read(m, off, 64 - off + 1, out));
	}
	assert_int_equal(dipc_codec_mbuf_copy_out(m, UINT32_MAX, 1, out), -ERANGE);
	/* In place when one segment holds the bytes. */
	assert_ptr_equal(dipc_codec_mbuf_read(m, 0, 10, out), c.data[0] + DIPC_MSG_HDR_LEN);
	assert_ptr_equal(dipc_codec_mbuf_read(m, 10, 27, out), c.data[1]);
	assert_ptr_equal(dipc_codec_mbuf_read(m, 11, 27, out), out); /* spans: copied */
	for (i = 0; i < 64; i++)
		in[i] = (uint8_t)(200 - i);
	assert_int_equal(dipc_codec_mbuf_copy_in(m, 5, in, 50), 0);
	assert_int_equal(dipc_codec_mbuf_copy_out(m, 5, 50, out), 0);
	assert_memory_equal(out, in, 50);
	assert_int_equal(dipc_codec_mbuf_copy_in(m, 60, in, 5), -ERANGE);
	/* The header's body_len, capped at what the segments hold. */
	((struct dipc_msg_hdr *)c.data[0])->body_len = 1000;
	assert_int_equal(dipc_codec_mbuf_body_len(m), 64);
	((struct dipc_msg_hdr *)c.data[0])->body_len = 63;
	assert_int_equal(dipc_codec_mbuf_body_len(m), 63);
	chain_free(&c);
}

/* Every truncation of the chain (the last segment cut short while the
 * header keeps its body_len) is BODY_SHORT; the validator never reads
 * past what the segments hold (ASan). With the header shortened to match,
 * the right body error comes out, as for a flat body. */
static void
test_truncations(void **state)
{
	static uint8_t fixed[DIPC_CODEC_FIXED_MAX];
	uint8_t msg[MAX_MSG], key[13], value[150];
	uint32_t len = build_put(msg, key, value, 0), cut, cuts[1], off[2], l[2];
	struct dipc_codec_chain_view v;
	struct dipc_codec_error e, fe;
	struct dipc_msg_hdr *h = (struct dipc_msg_hdr *)msg;
	uint32_t full = h->body_len;
	enum dipc_codec_err r, flat;
	struct chain c;
	struct rte_mbuf *m;

	(void)state;
	for (cut = DIPC_MSG_HDR_LEN; cut < len; cut++) {
		cuts[0] = DIPC_MSG_HDR_LEN + (cut - DIPC_MSG_HDR_LEN) / 2;
		h->body_len = full;
		m = chain_make(&c, msg, cut, cuts, 1);
		r = dipc_codec_mbuf_validate_chain(m, "put_req", KV_PUT_REQ_MIN_FIXED_SIZE,
						   put_refs, 2, off, l, fixed, &v, &e);
		assert_int_equal(r, DIPC_CODEC_E_BODY_SHORT);
		assert_int_equal(e.len, full);
		assert_int_equal(e.value, cut - DIPC_MSG_HDR_LEN);
		chain_free(&c);
		/* The header agrees with the cut: the same verdict as flat. */
		h->body_len = cut - DIPC_MSG_HDR_LEN;
		m = chain_make(&c, msg, cut, cuts, 1);
		r = dipc_codec_mbuf_validate_chain(m, "put_req", KV_PUT_REQ_MIN_FIXED_SIZE,
						   put_refs, 2, off, l, fixed, &v, &e);
		flat = kv_put_req_validate(msg + DIPC_MSG_HDR_LEN, h->body_len, &fe);
		assert_int_not_equal(r, DIPC_CODEC_OK);
		assert_int_equal(r, flat);
		assert_int_equal(e.at, fe.at);
		chain_free(&c);
	}
	h->body_len = full;
}

/* References past the body, overflowing, overlapping, into the fixed
 * block: each with its error, whichever segment holds the reference. */
static void
test_bad_refs(void **state)
{
	static uint8_t fixed[DIPC_CODEC_FIXED_MAX];
	uint8_t msg[MAX_MSG], key[13], value[150];
	uint32_t len = build_put(msg, key, value, 0), body_len = len - DIPC_MSG_HDR_LEN;
	uint8_t *vref = msg + DIPC_MSG_HDR_LEN + KV_PUT_REQ_VALUE_OFFSET;
	uint8_t *kref = msg + DIPC_MSG_HDR_LEN + KV_PUT_REQ_KEY_OFFSET;
	uint32_t off[2], l[2], cuts[1], split, vo = dipc_codec_ld_u32(vref);
	struct dipc_codec_chain_view v;
	struct dipc_codec_error e;
	struct chain c;
	struct rte_mbuf *m;
	struct {
		uint8_t *ref;
		uint32_t o, l;
		enum dipc_codec_err want;
	} cases[] = {
		{ vref, 0, 0, DIPC_CODEC_E_REF_OFFSET },          /* filled below */
		{ vref, 0, 0, DIPC_CODEC_E_REF_LENGTH },
		{ vref, 0, UINT32_MAX, DIPC_CODEC_E_REF_OVERFLOW },
		{ vref, 4, 1, DIPC_CODEC_E_REF_OFFSET },          /* inside the fixed block */
		{ kref, 0, 0, DIPC_CODEC_E_REF_OFFSET },
	};
	unsigned int i;

	(void)state;
	cases[0].o = body_len + 1;
	cases[0].l = 1;
	cases[1].o = vo;
	cases[1].l = body_len - vo + 1; /* one byte past pkt_len */
	cases[2].o = vo;
	cases[4].o = body_len + 8;
	cases[4].l = 2;
	for (i = 0; i < RTE_DIM(cases); i++) {
		uint8_t saved[8];

		memcpy(saved, cases[i].ref, 8);
		dipc_codec_st_u32(cases[i].ref, cases[i].o);
		dipc_codec_st_u32(cases[i].ref + 4, cases[i].l);
		/* The fixed block whole in the first segment, or split across. */
		for (split = DIPC_MSG_HDR_LEN + 8; split <= DIPC_MSG_HDR_LEN + 40; split += 8) {
			cuts[0] = split;
			m = chain_make(&c, msg, len, cuts, 1);
			assert_int_equal(dipc_codec_mbuf_validate_chain(m, "put_req",
						KV_PUT_REQ_MIN_FIXED_SIZE, put_refs, 2, off, l,
						fixed, &v, &e), cases[i].want);
			assert_int_equal(e.at, (uint32_t)(cases[i].ref - msg - DIPC_MSG_HDR_LEN));
			assert_int_equal(e.depth, 2);
			assert_string_equal(e.path[1].name, "put_req");
			chain_free(&c);
		}
		memcpy(cases[i].ref, saved, 8);
	}
	/* Value before key: overlap. */
	{
		uint32_t ko = dipc_codec_ld_u32(kref);

		dipc_codec_st_u32(vref, ko);
		cuts[0] = DIPC_MSG_HDR_LEN + 30;
		m = chain_make(&c, msg, len, cuts, 1);
		assert_int_equal(dipc_codec_mbuf_validate_chain(m, "put_req",
					KV_PUT_REQ_MIN_FIXED_SIZE, put_refs, 2, off, l, fixed, &v,
					&e), DIPC_CODEC_E_REF_OVERLAP);
		assert_string_equal(e.path[0].name, "value");
		chain_free(&c);
		dipc_codec_st_u32(vref, vo);
	}
}

/* Fixed block shorter than the reader's version 1 and a header body_len
 * beyond what the segments hold; CRC32C across segments; compressed. */
static void
test_header_and_csum(void **state)
{
	static uint8_t fixed[DIPC_CODEC_FIXED_MAX];
	uint8_t msg[MAX_MSG], key[13], value[150];
	uint32_t len, cuts[2], off[2], l[2], a;
	struct dipc_codec_chain_view v;
	struct dipc_codec_error e;
	struct dipc_msg_hdr *h = (struct dipc_msg_hdr *)msg;
	struct chain c;
	struct rte_mbuf *m;

	(void)state;
	len = build_put(msg, key, value, DIPC_MSG_F_CSUM);
	for (a = DIPC_MSG_HDR_LEN; a <= len; a += 7) {
		cuts[0] = a;
		cuts[1] = a + (len - a) / 2;
		m = chain_make(&c, msg, len, cuts, 2);
		check_put(m, key, value);
		chain_free(&c);
	}
	/* One bit flipped in the last segment: the CRC says so. */
	msg[len - 1] ^= 1;
	cuts[0] = DIPC_MSG_HDR_LEN + 20;
	m = chain_make(&c, msg, len, cuts, 1);
	assert_int_equal(dipc_codec_mbuf_validate_chain(m, "put_req", KV_PUT_REQ_MIN_FIXED_SIZE,
							put_refs, 2, off, l, fixed, &v, &e),
			 DIPC_CODEC_E_CSUM);
	chain_free(&c);
	msg[len - 1] ^= 1;

	len = build_put(msg, key, value, DIPC_MSG_F_COMPRESSED);
	m = chain_make(&c, msg, len, cuts, 1);
	assert_int_equal(dipc_codec_mbuf_validate_chain(m, "put_req", KV_PUT_REQ_MIN_FIXED_SIZE,
							put_refs, 2, off, l, fixed, &v, &e),
			 DIPC_CODEC_E_COMPRESSED);
	chain_free(&c);

	len = build_put(msg, key, value, 0);
	dipc_codec_st_u16(msg + DIPC_MSG_HDR_LEN, 12); /* fixed_len below v1's 28 */
	m = chain_make(&c, msg, len, cuts, 1);
	assert_int_equal(dipc_codec_mbuf_validate_chain(m, "put_req", KV_PUT_REQ_MIN_FIXED_SIZE,
							put_refs, 2, off, l, fixed, &v, &e),
			 DIPC_CODEC_E_FIXED_SHORT);
	chain_free(&c);
	dipc_codec_st_u16(msg + DIPC_MSG_HDR_LEN, KV_PUT_REQ_FIXED_SIZE);
	/* A header that claims more than the chain holds, by one byte. */
	h->body_len++;
	m = chain_make(&c, msg, len, cuts, 1);
	assert_int_equal(dipc_codec_mbuf_validate_chain(m, "put_req", KV_PUT_REQ_MIN_FIXED_SIZE,
							put_refs, 2, off, l, fixed, &v, &e),
			 DIPC_CODEC_E_BODY_SHORT);
	assert_int_equal(dipc_codec_mbuf_body_len(m), len - DIPC_MSG_HDR_LEN);
	chain_free(&c);
	h->body_len--;
	/* A segment loop is walked at most DIPC_MSG_MAX_SEGS times. */
	cuts[0] = DIPC_MSG_HDR_LEN + 20;
	m = chain_make(&c, msg, len, cuts, 1);
	c.seg[1].next = &c.seg[1];
	assert_int_equal(dipc_codec_mbuf_body_len(m), h->body_len);
	assert_int_equal(dipc_codec_mbuf_copy_out(m, 0, UINT32_MAX, fixed), -ERANGE);
	chain_free(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_every_byte),
		cmocka_unit_test(test_copy_every_range),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_bad_refs),
		cmocka_unit_test(test_header_and_csum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
