/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: checksum and compression of bodies (dipc_codec_seal.h). The
 * CRC32C against a bit-by-bit reference at every length and alignment;
 * seal/open round trips (plain, CRC, LZ4, both) of the benchmark batch;
 * every single-bit flip of a sealed body refused by the CRC; every
 * truncation and thousands of garbled LZ4 bodies refused (or decoded)
 * without a write past the output buffer (exact heap buffers and guard
 * bytes; the ASan build runs this too); the compression threshold, the
 * size limit, argument errors; the mbuf wrappers and the generated
 * validate_mbuf(). No EAL.
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

#define GUARD 64
#define GUARD_BYTE 0xa5

/* CRC32C one bit at a time, straight from the definition. */
static uint32_t
crc32c_ref(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

/* xorshift64*: a fixed sequence, so that every run tests the same bodies. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/* The benchmark batch of docs/examples/bench.schema: compressible. */
static uint32_t
build_batch(uint8_t *buf, uint32_t room)
{
	struct dipc_codec_builder b;
	char key[8][16], val[8][32];
	struct dipc_codec_kv kv[8];
	uint32_t i, k, len = 0;
	void *recs;

	assert_int_equal(bench_batch_build_init(&b, buf, room), 0);
	bench_batch_set_shard(b.body, 4);
	recs = bench_batch_add_records(&b, 32);
	assert_non_null(recs);
	for (i = 0; i < 32; i++) {
		void *rec = bench_record_at_mut(recs, i);

		bench_record_set_id(rec, 1000 + i);
		bench_record_set_ts_ns(rec, 34200000000000ull + i);
		for (k = 0; k < 8; k++) {
			kv[k].key = key[k];
			kv[k].key_len = (uint32_t)snprintf(key[k], sizeof(key[k]), "key%u", k);
			kv[k].value = val[k];
			kv[k].value_len = (uint32_t)snprintf(val[k], sizeof(val[k]), "value-%u-%u",
							     i, k);
		}
		assert_int_equal(bench_record_set_attrs(&b, rec, kv, 8), 0);
	}
	assert_int_equal(dipc_codec_build_finish(&b, &len), 0);
	return len;
}

static void
hdr_init(struct dipc_msg_hdr *h)
{
	memset(h, 0, sizeof(*h));
	h->magic = DIPC_MSG_MAGIC;
	h->version = DIPC_MSG_VERSION;
	h->flags = DIPC_MSG_F_REQUEST;
	h->method = BENCH_BATCH_ID;
}

/* A heap buffer of room + GUARD bytes, the guard filled. */
static uint8_t *
guarded(uint32_t room)
{
	uint8_t *p = malloc((size_t)room + GUARD);

	assert_non_null(p);
	memset(p, GUARD_BYTE, (size_t)room + GUARD);
	return p;
}

static void
assert_guard(const uint8_t *p, uint32_t room)
{
	uint32_t i;

	for (i = 0; i < GUARD; i++)
		assert_int_equal(p[room + i], GUARD_BYTE);
}

static void
test_crc32c(void **state)
{
	uint8_t buf[128 + 8];
	uint32_t len, off;

	(void)state;
	assert_int_equal(dipc_codec_crc32c("123456789", 9), 0xe3069283u);
	assert_int_equal(dipc_codec_crc32c(NULL, 0), 0);
	/* 32 bytes of zeros: RFC 3720, B.4. */
	memset(buf, 0, 32);
	assert_int_equal(dipc_codec_crc32c(buf, 32), 0x8a9136aau);
	memset(buf, 0xff, 32);
	assert_int_equal(dipc_codec_crc32c(buf, 32), 0x62a8ab43u);
	for (len = 0; len < sizeof(buf); len++)
		buf[len] = (uint8_t)rng();
	for (off = 0; off < 8; off++)
		for (len = 0; len + off <= sizeof(buf); len++)
			assert_int_equal(dipc_codec_crc32c(buf + off, len),
					 crc32c_ref(buf + off, len));
}

/* Plain and CRC only, in place and copied. */
static void
test_seal_plain(void **state)
{
	static uint8_t body[65536], out[65536];
	struct dipc_msg_hdr h;
	const void *plain;
	uint32_t len, plen;

	(void)state;
	len = build_batch(body, sizeof(body));
	hdr_init(&h);
	h.flags |= DIPC_MSG_F_CSUM | DIPC_MSG_F_COMPRESSED; /* stale: cleared */
	h.csum = 123;
	assert_int_equal(dipc_codec_seal(&h, body, len, body, len, 0, 0), 0);
	assert_int_equal(h.flags, DIPC_MSG_F_REQUEST);
	assert_int_equal(h.csum, 0);
	assert_int_equal(h.body_len, len);
	assert_int_equal(h.method, BENCH_BATCH_ID);
	assert_int_equal(dipc_codec_open(&h, body, len, NULL, 0, &plain, &plen), 0);
	assert_ptr_equal(plain, body);
	assert_int_equal(plen, len);

	/* CRC in place: the body is untouched, csum is its CRC32C. */
	assert_int_equal(dipc_codec_seal(&h, body, len, body, len, DIPC_CODEC_SEAL_F_CSUM, 0), 0);
	assert_int_equal(h.flags, DIPC_MSG_F_REQUEST | DIPC_MSG_F_CSUM);
	assert_int_equal(h.csum, crc32c_ref(body, len));
	assert_int_equal(bench_batch_validate(body, len, NULL), DIPC_CODEC_OK);
	assert_int_equal(dipc_codec_open(&h, body, len, NULL, 0, &plain, &plen), 0);
	assert_ptr_equal(plain, body);

	/* CRC, copied to another buffer. */
	memset(out, 0, sizeof(out));
	assert_int_equal(dipc_codec_seal(&h, body, len, out, len, DIPC_CODEC_SEAL_F_CSUM, 0), 0);
	assert_memory_equal(out, body, len);
	assert_int_equal(dipc_codec_open(&h, out, len, NULL, 0, &plain, &plen), 0);
	assert_ptr_equal(plain, out);

	/* LZ4 asked, but not over the threshold: in place is fine. */
	assert_int_equal(dipc_codec_seal(&h, body, len, body, len,
					 DIPC_CODEC_SEAL_F_LZ4 | DIPC_CODEC_SEAL_F_CSUM, len), 0);
	assert_int_equal(h.flags, DIPC_MSG_F_REQUEST | DIPC_MSG_F_CSUM);
	assert_int_equal(h.body_len, len);

	/* An empty body. */
	assert_int_equal(dipc_codec_seal(&h, NULL, 0, out, 0, DIPC_CODEC_SEAL_F_ALL, 0), 0);
	assert_int_equal(h.body_len, 0);
	assert_int_equal(h.csum, 0);
	assert_int_equal(dipc_codec_open(&h, out, 0, NULL, 0, &plain, &plen), 0);
	assert_int_equal(plen, 0);
}

/* LZ4 (with and without CRC): bytes on the wire and the round trip. */
static void
test_seal_lz4(void **state)
{
	static uint8_t body[65536], out[65536];
	struct dipc_msg_hdr h;
	const void *plain;
	uint32_t len, plen, clen, opts;
	uint8_t *dec;

	(void)state;
	len = build_batch(body, sizeof(body));
	for (opts = DIPC_CODEC_SEAL_F_LZ4; opts <= DIPC_CODEC_SEAL_F_ALL; opts++) {
		if ((opts & DIPC_CODEC_SEAL_F_LZ4) == 0)
			continue;
		hdr_init(&h);
		assert_int_equal(dipc_codec_seal(&h, body, len, out, sizeof(out), opts, 0), 0);
		clen = h.body_len;
		assert_true(clen < len / 2); /* keys repeat: it compresses */
		assert_int_equal(h.flags & DIPC_MSG_F_COMPRESSED, DIPC_MSG_F_COMPRESSED);
		/* Bytes 0..3: the plain length, little-endian. */
		assert_int_equal(out[0] | out[1] << 8 | out[2] << 16 | (uint32_t)out[3] << 24, len);
		if (opts & DIPC_CODEC_SEAL_F_CSUM) {
			assert_int_equal(h.flags & DIPC_MSG_F_CSUM, DIPC_MSG_F_CSUM);
			/* The CRC covers the body as sent: length and LZ4 block. */
			assert_int_equal(h.csum, crc32c_ref(out, clen));
		} else {
			assert_int_equal(h.flags & DIPC_MSG_F_CSUM, 0);
			assert_int_equal(h.csum, 0);
		}
		/* Exactly the room it needs. */
		dec = guarded(len);
		assert_int_equal(dipc_codec_open(&h, out, clen, dec, len, &plain, &plen), 0);
		assert_ptr_equal(plain, dec);
		assert_int_equal(plen, len);
		assert_memory_equal(dec, body, len);
		assert_guard(dec, len);
		assert_int_equal(bench_batch_validate(plain, plen, NULL), DIPC_CODEC_OK);
		/* One byte short: the limit. Nothing written. */
		memset(dec, GUARD_BYTE, (size_t)len + GUARD);
		assert_int_equal(dipc_codec_open(&h, out, clen, dec, len - 1, &plain, &plen),
				 -EMSGSIZE);
		assert_guard(dec, 0);
		free(dec);
	}
	/* Room for the body but not its compressed form: sent plain. */
	hdr_init(&h);
	assert_int_equal(dipc_codec_seal(&h, body, len, out, len, DIPC_CODEC_SEAL_F_LZ4, 0), 0);
	assert_int_equal(h.flags & DIPC_MSG_F_COMPRESSED, DIPC_MSG_F_COMPRESSED);
	clen = h.body_len;
	assert_int_equal(dipc_codec_seal(&h, body, len, out, clen - 1, DIPC_CODEC_SEAL_F_LZ4, 0),
			 -ENOSPC);
	assert_int_equal(h.body_len, clen); /* unchanged */
}

/* Compressed only over the threshold, and only when it gets shorter. */
static void
test_threshold(void **state)
{
	static uint8_t body[4096], out[8192];
	struct dipc_msg_hdr h;
	uint32_t len = 1000, i;

	(void)state;
	memset(body, 'a', sizeof(body));
	hdr_init(&h);
	/* body_len == threshold: not over it. */
	assert_int_equal(dipc_codec_seal(&h, body, len, out, sizeof(out), DIPC_CODEC_SEAL_F_LZ4,
					 len), 0);
	assert_int_equal(h.flags & DIPC_MSG_F_COMPRESSED, 0);
	assert_int_equal(h.body_len, len);
	assert_memory_equal(out, body, len);
	/* One over. */
	assert_int_equal(dipc_codec_seal(&h, body, len, out, sizeof(out), DIPC_CODEC_SEAL_F_LZ4,
					 len - 1), 0);
	assert_int_equal(h.flags & DIPC_MSG_F_COMPRESSED, DIPC_MSG_F_COMPRESSED);
	assert_true(h.body_len < 32);
	/* Without the option, never. */
	assert_int_equal(dipc_codec_seal(&h, body, len, out, sizeof(out), DIPC_CODEC_SEAL_F_CSUM,
					 0), 0);
	assert_int_equal(h.flags & DIPC_MSG_F_COMPRESSED, 0);
	/* Random bytes do not compress: sent as they are, never longer. */
	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)rng();
	assert_int_equal(dipc_codec_seal(&h, body, sizeof(body), out, sizeof(out),
					 DIPC_CODEC_SEAL_F_LZ4, 0), 0);
	assert_int_equal(h.flags & DIPC_MSG_F_COMPRESSED, 0);
	assert_int_equal(h.body_len, sizeof(body));
	assert_memory_equal(out, body, sizeof(body));
	/* Tiny bodies (5 bytes or fewer) cannot get shorter. */
	for (len = 0; len <= 5; len++) {
		memset(body, 0, len);
		assert_int_equal(dipc_codec_seal(&h, body, len, out, sizeof(out),
						 DIPC_CODEC_SEAL_F_LZ4, 0), 0);
		assert_int_equal(h.flags & DIPC_MSG_F_COMPRESSED, 0);
		assert_int_equal(h.body_len, len);
	}
}

/* Every single-bit flip of a sealed body, compressed or not, is refused. */
static void
test_bitflip(void **state)
{
	static uint8_t body[65536], out[65536];
	struct dipc_msg_hdr h;
	const void *plain;
	uint32_t len, plen, i, lz4;
	uint8_t *dec;

	(void)state;
	len = build_batch(body, sizeof(body));
	dec = guarded(len);
	for (lz4 = 0; lz4 < 2; lz4++) {
		hdr_init(&h);
		assert_int_equal(dipc_codec_seal(&h, body, len, out, sizeof(out),
						 DIPC_CODEC_SEAL_F_CSUM |
						 (lz4 ? DIPC_CODEC_SEAL_F_LZ4 : 0), 0), 0);
		assert_int_equal(dipc_codec_open(&h, out, h.body_len, dec, len, &plain, &plen), 0);
		for (i = 0; i < h.body_len * 8; i++) {
			out[i / 8] ^= (uint8_t)(1u << (i % 8));
			assert_int_equal(dipc_codec_open(&h, out, h.body_len, dec, len, &plain,
							 &plen), -EBADMSG);
			out[i / 8] ^= (uint8_t)(1u << (i % 8));
		}
		/* And of the csum itself. */
		for (i = 0; i < 32; i++) {
			h.csum ^= 1u << i;
			assert_int_equal(dipc_codec_open(&h, out, h.body_len, dec, len, &plain,
							 &plen), -EBADMSG);
			h.csum ^= 1u << i;
		}
		/* A body cut by one byte. */
		assert_int_equal(dipc_codec_open(&h, out, h.body_len - 1, dec, len, &plain, &plen),
				 -EBADMSG);
	}
	assert_guard(dec, len);
	free(dec);
}

/* Open a compressed body from an exact heap copy into an exact, guarded
 * buffer: returns what open returns. */
static int
open_exact(const uint8_t *src, uint32_t n, uint32_t room, uint32_t *plen)
{
	struct dipc_msg_hdr h;
	uint8_t *in = malloc(n > 0 ? n : 1);
	uint8_t *dec = guarded(room);
	const void *plain = NULL;
	int ret;

	assert_non_null(in);
	memcpy(in, src, n);
	hdr_init(&h);
	h.flags |= DIPC_MSG_F_COMPRESSED;
	*plen = UINT32_MAX;
	ret = dipc_codec_open(&h, in, n, dec, room, &plain, plen);
	assert_guard(dec, room);
	assert_memory_equal(in, src, n);
	if (ret == 0) {
		assert_ptr_equal(plain, dec);
		assert_true(*plen <= room);
	}
	free(dec);
	free(in);
	return ret;
}

static void
test_lz4_truncated(void **state)
{
	static uint8_t body[65536], out[65536];
	struct dipc_msg_hdr h;
	uint32_t len, clen, n, plen;

	(void)state;
	len = build_batch(body, sizeof(body));
	hdr_init(&h);
	assert_int_equal(dipc_codec_seal(&h, body, len, out, sizeof(out), DIPC_CODEC_SEAL_F_LZ4,
					 0), 0);
	clen = h.body_len;
	assert_int_equal(open_exact(out, clen, len, &plen), 0);
	assert_int_equal(plen, len);
	/* Every cut: refused, whatever the room. */
	for (n = 0; n < clen; n++) {
		assert_int_equal(open_exact(out, n, len, &plen), -EPROTO);
		assert_int_equal(open_exact(out, n, len + 100, &plen), -EPROTO);
	}
	/* A length that is not what the block decodes to. */
	dipc_codec_st_u32(out, len - 1);
	assert_int_equal(open_exact(out, clen, len, &plen), -EPROTO);
	dipc_codec_st_u32(out, len + 1);
	assert_int_equal(open_exact(out, clen, len + 1, &plen), -EPROTO);
	assert_int_equal(open_exact(out, clen, len, &plen), -EMSGSIZE);
	dipc_codec_st_u32(out, 0);
	assert_int_equal(open_exact(out, clen, len, &plen), -EPROTO);
	/* Over the limit, and over LZ4's own limit. */
	dipc_codec_st_u32(out, UINT32_MAX);
	assert_int_equal(open_exact(out, clen, len, &plen), -EMSGSIZE);
	{
		struct dipc_msg_hdr hh;
		const void *plain;
		uint8_t dummy[8];

		hdr_init(&hh);
		hh.flags |= DIPC_MSG_F_COMPRESSED;
		/* A room claimed larger than LZ4 can fill: refused before use. */
		assert_int_equal(dipc_codec_open(&hh, out, clen, dummy, UINT32_MAX, &plain, &plen),
				 -EPROTO);
	}
	/* The smallest valid block: an empty body. */
	{
		const uint8_t empty[5] = {0, 0, 0, 0, 0};

		assert_int_equal(open_exact(empty, 5, 0, &plen), 0);
		assert_int_equal(plen, 0);
		assert_int_equal(open_exact(empty, 4, 0, &plen), -EPROTO);
	}
}

static void
test_lz4_garbled(void **state)
{
	static uint8_t body[65536], out[65536], bad[65536];
	struct dipc_msg_hdr h;
	uint32_t len, clen, plen, t, k, n;
	int ret, ok = 0;

	(void)state;
	len = build_batch(body, sizeof(body));
	hdr_init(&h);
	assert_int_equal(dipc_codec_seal(&h, body, len, out, sizeof(out), DIPC_CODEC_SEAL_F_LZ4,
					 0), 0);
	clen = h.body_len;
	for (t = 0; t < 3000; t++) {
		memcpy(bad, out, clen);
		n = 1 + (uint32_t)(rng() % 4);
		for (k = 0; k < n; k++) /* bytes of the block, not the length */
			bad[4 + rng() % (clen - 4)] = (uint8_t)rng();
		ret = open_exact(bad, clen, len, &plen);
		assert_true(ret == 0 || ret == -EPROTO);
		if (ret == 0) {
			assert_int_equal(plen, len);
			ok++;
		}
	}
	/* Random blocks, announcing lengths up to 4 KB. */
	for (t = 0; t < 3000; t++) {
		n = 4 + (uint32_t)(rng() % 200);
		for (k = 0; k < n; k++)
			bad[k] = (uint8_t)rng();
		dipc_codec_st_u32(bad, (uint32_t)(rng() % 4096));
		ret = open_exact(bad, n, 4096, &plen);
		assert_true(ret == 0 || ret == -EPROTO);
	}
	print_message("garbled LZ4 blocks that still decoded to the announced length: %d of 3000\n",
		      ok);
}

static void
test_errors(void **state)
{
	uint8_t body[64] = {0}, out[64];
	struct dipc_msg_hdr h;
	const void *plain;
	uint32_t plen;

	(void)state;
	hdr_init(&h);
	assert_int_equal(dipc_codec_seal(NULL, body, 8, out, 64, 0, 0), -EINVAL);
	assert_int_equal(dipc_codec_seal(&h, NULL, 8, out, 64, 0, 0), -EINVAL);
	assert_int_equal(dipc_codec_seal(&h, body, 8, NULL, 64, 0, 0), -EINVAL);
	assert_int_equal(dipc_codec_seal(&h, body, 8, out, 64, 4, 0), -EINVAL);
	/* Compressing in place is not possible. */
	assert_int_equal(dipc_codec_seal(&h, body, 64, body, 64, DIPC_CODEC_SEAL_F_LZ4, 0),
			 -EINVAL);
	assert_int_equal(dipc_codec_seal(&h, body, 64, out, 63, 0, 0), -ENOSPC);
	assert_int_equal(h.body_len, 0);
	assert_int_equal(h.flags, DIPC_MSG_F_REQUEST);
	assert_int_equal(dipc_codec_open(NULL, body, 8, out, 64, &plain, &plen), -EINVAL);
	assert_int_equal(dipc_codec_open(&h, NULL, 8, out, 64, &plain, &plen), -EINVAL);
	assert_int_equal(dipc_codec_open(&h, body, 8, NULL, 64, &plain, &plen), -EINVAL);
	assert_int_equal(dipc_codec_open(&h, body, 8, out, 64, NULL, &plen), -EINVAL);
	assert_int_equal(dipc_codec_open(&h, body, 8, out, 64, &plain, NULL), -EINVAL);
	h.flags |= DIPC_MSG_F_COMPRESSED;
	assert_int_equal(dipc_codec_open(&h, body, 3, out, 64, &plain, &plen), -EPROTO);
}

struct test_mbuf {
	struct rte_mbuf m;
	uint8_t buf[8192];
};

static struct rte_mbuf *
mbuf_new(struct test_mbuf *t)
{
	struct rte_mbuf *m = &t->m;

	memset(t, 0, sizeof(*t));
	m->buf_addr = t->buf;
	m->buf_len = sizeof(t->buf);
	m->nb_segs = 1;
	rte_pktmbuf_reset(m);
	return m;
}

static void
test_mbuf(void **state)
{
	static uint8_t body[65536], dec[65536];
	struct test_mbuf *t = malloc(sizeof(*t));
	struct dipc_codec_builder b;
	struct dipc_codec_error e;
	struct rte_mbuf *m;
	const void *plain;
	char text[256];
	uint32_t len, plen;

	(void)state;
	assert_non_null(t);
	len = build_batch(body, sizeof(body));

	/* Built in place, then a CRC: validate_mbuf checks it. */
	m = mbuf_new(t);
	assert_int_equal(bench_rpc_request_mbuf_build_init(m, &b, DIPC_MSG_F_REQUEST, 9), 0);
	bench_rpc_request_set_request_id(b.body, 42);
	assert_int_equal(bench_rpc_request_set_service(&b, "inventory", 9), 0);
	assert_int_equal(dipc_codec_mbuf_build_finish(m, &b), 0);
	assert_int_equal(dipc_codec_mbuf_seal(m, dipc_msg_body(m), dipc_msg_hdr(m)->body_len,
					      DIPC_CODEC_SEAL_F_CSUM, 0), 0);
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_OK);
	assert_int_equal(dipc_msg_hdr(m)->flags, DIPC_MSG_F_REQUEST | DIPC_MSG_F_CSUM);
	assert_int_equal(bench_rpc_request_validate_mbuf(m, &e), DIPC_CODEC_OK);
	assert_int_equal(bench_rpc_request_validate_mbuf(m, NULL), DIPC_CODEC_OK);
	/* One bit flipped: caught before the body is looked at. */
	((uint8_t *)dipc_msg_body(m))[50] ^= 0x10;
	assert_int_equal(bench_rpc_request_validate_mbuf(m, &e), DIPC_CODEC_E_CSUM);
	assert_int_equal(bench_rpc_request_validate_mbuf(m, NULL), DIPC_CODEC_E_CSUM);
	assert_int_equal(e.code, DIPC_CODEC_E_CSUM);
	assert_int_equal(e.len, dipc_msg_hdr(m)->csum);
	assert_int_equal(e.value, dipc_codec_crc32c(dipc_msg_body(m), dipc_msg_hdr(m)->body_len));
	assert_int_equal(e.depth, 1);
	assert_string_equal(e.path[0].name, "rpc_request");
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_non_null(strstr(text, "rpc_request: checksum mismatch: CRC32C of the "));
	assert_int_equal(dipc_codec_mbuf_open(m, NULL, 0, &plain, &plen), -EBADMSG);
	((uint8_t *)dipc_msg_body(m))[50] ^= 0x10;
	assert_int_equal(dipc_codec_mbuf_open(m, NULL, 0, &plain, &plen), 0);
	assert_ptr_equal(plain, dipc_msg_body(m));

	/* Compressed from a scratch body, then opened and validated. */
	m = mbuf_new(t);
	assert_int_equal(dipc_msg_init(m, DIPC_MSG_F_REQUEST, BENCH_BATCH_ID, 5, 0), 0);
	assert_int_equal(dipc_codec_mbuf_seal(m, body, len, DIPC_CODEC_SEAL_F_ALL, 256), 0);
	assert_int_equal(dipc_msg_validate_request(m), DIPC_STATUS_OK);
	assert_true(dipc_msg_hdr(m)->body_len < len);
	assert_int_equal(m->data_len, DIPC_MSG_HDR_LEN + dipc_msg_hdr(m)->body_len);
	assert_int_equal(bench_batch_validate_mbuf(m, &e), DIPC_CODEC_E_COMPRESSED);
	assert_int_equal(e.value, dipc_msg_hdr(m)->flags);
	dipc_codec_error_format(&e, text, sizeof(text));
	assert_non_null(strstr(text, "batch: compressed body not opened: header flags 0x31"));
	assert_int_equal(dipc_codec_mbuf_open(m, dec, sizeof(dec), &plain, &plen), 0);
	assert_int_equal(plen, len);
	assert_memory_equal(plain, body, len);
	assert_int_equal(bench_batch_validate(plain, plen, &e), DIPC_CODEC_OK);
	assert_int_equal(dipc_codec_mbuf_open(m, dec, len - 1, &plain, &plen), -EMSGSIZE);

	/* No room in the segment for the plain body; a broken mbuf. */
	m = mbuf_new(t);
	assert_int_equal(dipc_msg_init(m, DIPC_MSG_F_REQUEST, BENCH_BATCH_ID, 5, 0), 0);
	assert_int_equal(dipc_codec_mbuf_seal(m, body, (uint32_t)sizeof(t->buf),
					      DIPC_CODEC_SEAL_F_CSUM, 0), -ENOSPC);
	assert_int_equal(m->data_len, DIPC_MSG_HDR_LEN);
	m->data_len = 3;
	assert_int_equal(dipc_codec_mbuf_seal(m, body, 8, 0, 0), -EINVAL);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_seal_plain),
		cmocka_unit_test(test_seal_lz4),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_bitflip),
		cmocka_unit_test(test_lz4_truncated),
		cmocka_unit_test(test_lz4_garbled),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mbuf),
	};

	return cmocka_run_group_tests_name("codec-seal", tests, NULL, NULL);
}
