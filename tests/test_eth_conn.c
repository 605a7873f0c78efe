/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the eth transport's connection layer (drivers/eth/
 * dipc_eth_conn.h), no EAL: every control payload round trip, the wire
 * bytes of a HELLO and a PROOF against hand-written arrays (docs/WIRE.md,
 * "Control frames"), every wrong length and each out-of-range field
 * refused, reserved bytes written 0 and ignored, REFUSE reasons; the
 * cookie (inputs, age, address, bit flips); the PROOF and WELCOME MACs
 * (token, fields, ends), with known answers computed apart from this code
 * (openssl dgst -sha256 -mac HMAC on the documented bytes).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <rte_byteorder.h>

#include "dipc_eth_conn.h"
#include "dipc_msg.h"

/* Longer than any control frame's payload (DIPC_ETH_CTRL_MAX_LEN, 256). */
#define BUF_LEN 300

enum ptype { T_HELLO, T_CHALLENGE, T_PROOF, T_WELCOME, T_REFUSE, T_PING, T_CLOSE, T_NB };

static const char *const type_names[T_NB] = {
	"hello", "challenge", "proof", "welcome", "refuse", "ping", "close",
};

union payload {
	struct dipc_eth_hello hello;
	struct dipc_eth_challenge challenge;
	struct dipc_eth_proof proof;
	struct dipc_eth_welcome welcome;
	struct dipc_eth_refuse refuse;
	struct dipc_eth_ping ping;
	struct dipc_eth_close close;
};

static int
encode(enum ptype t, const union payload *p, uint8_t *buf, size_t len)
{
	switch (t) {
	case T_HELLO: return dipc_eth_hello_encode(&p->hello, buf, len);
	case T_CHALLENGE: return dipc_eth_challenge_encode(&p->challenge, buf, len);
	case T_PROOF: return dipc_eth_proof_encode(&p->proof, buf, len);
	case T_WELCOME: return dipc_eth_welcome_encode(&p->welcome, buf, len);
	case T_REFUSE: return dipc_eth_refuse_encode(&p->refuse, buf, len);
	case T_PING: return dipc_eth_ping_encode(&p->ping, buf, len);
	case T_CLOSE: return dipc_eth_close_encode(&p->close, buf, len);
	default: fail(); return 0;
	}
}

static int
decode(enum ptype t, const uint8_t *buf, size_t len, union payload *p)
{
	switch (t) {
	case T_HELLO: return dipc_eth_hello_decode(buf, len, &p->hello);
	case T_CHALLENGE: return dipc_eth_challenge_decode(buf, len, &p->challenge);
	case T_PROOF: return dipc_eth_proof_decode(buf, len, &p->proof);
	case T_WELCOME: return dipc_eth_welcome_decode(buf, len, &p->welcome);
	case T_REFUSE: return dipc_eth_refuse_decode(buf, len, &p->refuse);
	case T_PING: return dipc_eth_ping_decode(buf, len, &p->ping);
	case T_CLOSE: return dipc_eth_close_decode(buf, len, &p->close);
	default: fail(); return 0;
	}
}

/* Fixed lengths; a REFUSE's here is the longest. */
static size_t
wire_len(enum ptype t)
{
	static const size_t len[T_NB] = {
		DIPC_ETH_HELLO_LEN, DIPC_ETH_CHALLENGE_LEN, DIPC_ETH_PROOF_LEN,
		DIPC_ETH_WELCOME_LEN, DIPC_ETH_REFUSE_MIN_LEN + DIPC_ETH_REASON_LEN,
		DIPC_ETH_PING_LEN, DIPC_ETH_CLOSE_LEN,
	};

	return len[t];
}

/* Field by field (the structures have padding: no memcmp). */
static void
assert_payload_equal(enum ptype t, const union payload *a, const union payload *b)
{
	switch (t) {
	case T_HELLO:
		assert_int_equal(a->hello.min_version, b->hello.min_version);
		assert_int_equal(a->hello.max_version, b->hello.max_version);
		assert_int_equal(a->hello.window, b->hello.window);
		assert_int_equal(a->hello.flags, b->hello.flags);
		assert_true(a->hello.client_nonce == b->hello.client_nonce);
		assert_int_equal(a->hello.max_msg_len, b->hello.max_msg_len);
		break;
	case T_CHALLENGE:
		assert_int_equal(a->challenge.version, b->challenge.version);
		assert_int_equal(a->challenge.flags, b->challenge.flags);
		assert_true(a->challenge.client_nonce == b->challenge.client_nonce);
		assert_true(a->challenge.server_nonce == b->challenge.server_nonce);
		assert_true(a->challenge.issued == b->challenge.issued);
		break;
	case T_PROOF:
		assert_int_equal(a->proof.version, b->proof.version);
		assert_int_equal(a->proof.window, b->proof.window);
		assert_int_equal(a->proof.max_msg_len, b->proof.max_msg_len);
		assert_true(a->proof.client_nonce == b->proof.client_nonce);
		assert_true(a->proof.server_nonce == b->proof.server_nonce);
		assert_true(a->proof.issued == b->proof.issued);
		assert_memory_equal(a->proof.mac, b->proof.mac, DIPC_ETH_MAC_LEN);
		break;
	case T_WELCOME:
		assert_int_equal(a->welcome.version, b->welcome.version);
		assert_int_equal(a->welcome.window, b->welcome.window);
		assert_int_equal(a->welcome.max_msg_len, b->welcome.max_msg_len);
		assert_int_equal(a->welcome.heartbeat_ms, b->welcome.heartbeat_ms);
		assert_int_equal(a->welcome.queue, b->welcome.queue);
		assert_memory_equal(a->welcome.mac, b->welcome.mac, DIPC_ETH_MAC_LEN);
		break;
	case T_REFUSE:
		assert_int_equal(a->refuse.status, b->refuse.status);
		assert_string_equal(a->refuse.reason, b->refuse.reason);
		break;
	case T_PING:
		assert_true(a->ping.stamp == b->ping.stamp);
		assert_true(a->ping.seq == b->ping.seq);
		break;
	case T_CLOSE:
		assert_int_equal(a->close.status, b->close.status);
		break;
	default:
		fail();
	}
}

/* A valid payload of each type; @top: the largest value of every field
 * instead of ordinary ones. */
static void
valid(enum ptype t, int top, union payload *p)
{
	unsigned int i;

	memset(p, 0, sizeof(*p));
	switch (t) {
	case T_HELLO:
		p->hello.min_version = top ? UINT16_MAX : 2;
		p->hello.max_version = top ? UINT16_MAX : 3;
		p->hello.window = top ? UINT16_MAX : 64;
		p->hello.client_nonce = top ? UINT64_MAX : 0x1122334455667788ull;
		p->hello.max_msg_len = top ? UINT32_MAX : 65536;
		break;
	case T_CHALLENGE:
		p->challenge.version = top ? UINT16_MAX : 1;
		p->challenge.client_nonce = top ? UINT64_MAX : 0x1122334455667788ull;
		p->challenge.server_nonce = top ? UINT64_MAX : 0x99aabbccddeeff01ull;
		p->challenge.issued = top ? UINT64_MAX : 0x18c2d4e6f70ull;
		break;
	case T_PROOF:
		p->proof.version = top ? UINT16_MAX : 1;
		p->proof.window = top ? UINT16_MAX : 64;
		p->proof.max_msg_len = top ? UINT32_MAX : 65536;
		p->proof.client_nonce = top ? UINT64_MAX : 0x1122334455667788ull;
		p->proof.server_nonce = top ? UINT64_MAX : 0x99aabbccddeeff01ull;
		p->proof.issued = top ? UINT64_MAX : 0x18c2d4e6f70ull;
		for (i = 0; i < DIPC_ETH_MAC_LEN; i++)
			p->proof.mac[i] = top ? 0xff : (uint8_t)(0xa0 + i);
		break;
	case T_WELCOME:
		p->welcome.version = top ? UINT16_MAX : 1;
		p->welcome.window = top ? UINT16_MAX : 32;
		p->welcome.max_msg_len = top ? UINT32_MAX : 32768;
		p->welcome.heartbeat_ms = top ? UINT32_MAX : 100;
		p->welcome.queue = top ? UINT16_MAX : 3;
		for (i = 0; i < DIPC_ETH_MAC_LEN; i++)
			p->welcome.mac[i] = top ? 0xff : (uint8_t)(0x40 + i);
		break;
	case T_REFUSE:
		p->refuse.status = top ? DIPC_ETH_ERRNO_MAX - 1 : EPROTONOSUPPORT;
		if (top) {
			/* The longest reason, every printable character. */
			for (i = 0; i < DIPC_ETH_REASON_LEN - 1; i++)
				p->refuse.reason[i] = (char)(0x20 + (i * 3) % 95);
		} else {
			strcpy(p->refuse.reason, "no common version");
		}
		break;
	case T_PING:
		p->ping.stamp = top ? UINT64_MAX : 123456789;
		p->ping.seq = top ? UINT64_MAX : 42;
		break;
	case T_CLOSE:
		p->close.status = top ? DIPC_ETH_ERRNO_MAX - 1 : 0;
		break;
	default:
		fail();
	}
}

/* The payload of @t encoded: its length. */
static size_t
valid_bytes(enum ptype t, uint8_t *buf)
{
	union payload p;
	int n;

	valid(t, 0, &p);
	memset(buf, 0, BUF_LEN);
	n = encode(t, &p, buf, BUF_LEN);
	assert_true(n > 0);
	return (size_t)n;
}

static void
put_le(uint8_t *b, unsigned int width, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < width; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/* A struct field of @width bytes at @off, host order. */
static void
set_field(union payload *p, size_t off, unsigned int width, uint64_t v)
{
	uint8_t *f = (uint8_t *)p + off;
	uint16_t v16 = (uint16_t)v;
	uint32_t v32 = (uint32_t)v;

	switch (width) {
	case 2: memcpy(f, &v16, 2); break;
	case 4: memcpy(f, &v32, 4); break;
	case 8: memcpy(f, &v, 8); break;
	default: fail();
	}
}

static void
test_hello_wire(void **state)
{
	/* docs/WIRE.md, HELLO: min 2, max 3, window 64, flags 0, nonce,
	 * max_msg_len 65536, 4 reserved. */
	static const uint8_t want[DIPC_ETH_HELLO_LEN] = {
		0x02, 0x00, 0x03, 0x00, 0x40, 0x00, 0x00, 0x00,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	union payload p, q;
	uint8_t buf[BUF_LEN];

	(void)state;
	valid(T_HELLO, 0, &p);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(dipc_eth_hello_encode(&p.hello, buf, sizeof(buf)), DIPC_ETH_HELLO_LEN);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(buf[DIPC_ETH_HELLO_LEN], 0xee); /* nothing written past it */
	assert_int_equal(dipc_eth_hello_decode(want, sizeof(want), &q.hello), 0);
	assert_payload_equal(T_HELLO, &p, &q);
}

static void
test_proof_wire(void **state)
{
	/* docs/WIRE.md, PROOF: version 1, window 64, max_msg_len 65536,
	 * client nonce, server nonce, issued, then the 32 MAC bytes. */
	static const uint8_t want[DIPC_ETH_PROOF_LEN] = {
		0x01, 0x00, 0x40, 0x00, 0x00, 0x00, 0x01, 0x00,
		0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
		0x01, 0xff, 0xee, 0xdd, 0xcc, 0xbb, 0xaa, 0x99,
		0x70, 0x6f, 0x4e, 0x2d, 0x8c, 0x01, 0x00, 0x00,
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
		0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,
		0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf,
	};
	union payload p, q;
	uint8_t buf[BUF_LEN];

	(void)state;
	valid(T_PROOF, 0, &p);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(dipc_eth_proof_encode(&p.proof, buf, sizeof(buf)), DIPC_ETH_PROOF_LEN);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(buf[DIPC_ETH_PROOF_LEN], 0xee);
	assert_int_equal(dipc_eth_proof_decode(want, sizeof(want), &q.proof), 0);
	assert_payload_equal(T_PROOF, &p, &q);
}

/* Every payload, ordinary and largest values: encode, decode, the same
 * fields; decode, encode, the same bytes. */
static void
test_round_trips(void **state)
{
	union payload p, q;
	uint8_t buf[BUF_LEN], again[BUF_LEN];
	int t, top, n;

	(void)state;
	for (t = 0; t < T_NB; t++) {
		for (top = 0; top < 2; top++) {
			valid((enum ptype)t, top, &p);
			n = encode((enum ptype)t, &p, buf, sizeof(buf));
			if (t == T_REFUSE)
				assert_int_equal(n, DIPC_ETH_REFUSE_MIN_LEN +
						 strlen(p.refuse.reason) + 1);
			else
				assert_int_equal(n, wire_len((enum ptype)t));
			memset(&q, 0x5a, sizeof(q));
			assert_int_equal(decode((enum ptype)t, buf, (size_t)n, &q), 0);
			assert_payload_equal((enum ptype)t, &p, &q);
			assert_int_equal(encode((enum ptype)t, &q, again, sizeof(again)), n);
			assert_memory_equal(buf, again, (size_t)n);
		}
	}
	/* Every status a CLOSE may carry, every one a REFUSE may (errno values). */
	for (n = 0; n < DIPC_ETH_ERRNO_MAX; n++) {
		p.close.status = (uint32_t)n;
		assert_int_equal(dipc_eth_close_encode(&p.close, buf, sizeof(buf)),
				 DIPC_ETH_CLOSE_LEN);
		assert_int_equal(dipc_eth_close_decode(buf, DIPC_ETH_CLOSE_LEN, &q.close), 0);
		assert_int_equal(q.close.status, n);
		if (n == 0)
			continue;
		valid(T_REFUSE, 0, &p);
		p.refuse.status = (uint32_t)n;
		assert_true(dipc_eth_refuse_encode(&p.refuse, buf, sizeof(buf)) > 0);
		assert_int_equal(dipc_eth_refuse_decode(buf, DIPC_ETH_REFUSE_MIN_LEN, &q.refuse),
				 0);
		assert_int_equal(q.refuse.status, n);
	}
}

/* Each type at every length from 0 to BUF_LEN: only its own accepted
 * (a REFUSE: 8..72, its reason empty and NUL-padded). A refused payload
 * leaves the structure as it was. */
static void
test_lengths(void **state)
{
	union payload p, before;
	uint8_t buf[BUF_LEN];
	size_t len;
	int t, ret;

	(void)state;
	for (t = 0; t < T_NB; t++) {
		memset(buf, 0, sizeof(buf));
		if (t == T_REFUSE)
			put_le(buf, 4, ESHUTDOWN);
		else
			valid_bytes((enum ptype)t, buf);
		for (len = 0; len <= sizeof(buf); len++) {
			int right = t == T_REFUSE ?
				len >= DIPC_ETH_REFUSE_MIN_LEN &&
				len <= DIPC_ETH_REFUSE_MIN_LEN + DIPC_ETH_REASON_LEN :
				len == wire_len((enum ptype)t);

			memset(&p, 0xa5, sizeof(p));
			memcpy(&before, &p, sizeof(p));
			ret = decode((enum ptype)t, buf, len, &p);
			if (right) {
				assert_int_equal(ret, 0);
				continue;
			}
			if (ret != -EINVAL)
				fail_msg("%s: length %zu: %d", type_names[t], len, ret);
			assert_memory_equal(&p, &before, sizeof(p));
		}
	}
}

/* Encoders: a buffer one byte short is -ENOSPC and untouched; an exact
 * one is enough. */
static void
test_encode_room(void **state)
{
	union payload p;
	uint8_t buf[BUF_LEN];
	size_t need;
	int t;

	(void)state;
	for (t = 0; t < T_NB; t++) {
		valid((enum ptype)t, 0, &p);
		need = t == T_REFUSE ? DIPC_ETH_REFUSE_MIN_LEN + strlen(p.refuse.reason) + 1 :
				       wire_len((enum ptype)t);
		memset(buf, 0xee, sizeof(buf));
		assert_int_equal(encode((enum ptype)t, &p, buf, need - 1), -ENOSPC);
		assert_int_equal(encode((enum ptype)t, &p, buf, 0), -ENOSPC);
		assert_int_equal(buf[0], 0xee);
		assert_int_equal(encode((enum ptype)t, &p, buf, need), (int)need);
	}
}

/* One documented rule each: the field's wire offset and width, its
 * offset in the structure, and a value the rule refuses or (ok) the
 * boundary value it accepts. */
struct rule {
	size_t struct_off;
	uint64_t value;
	const char *what;
	enum ptype t;
	unsigned int wire_off, width;
	int ok;
};

#define RULE(t_, off, w, type, field, v, ok_, what_)                                 \
	{ .t = (t_), .wire_off = (off), .width = (w),                                \
	  .struct_off = offsetof(struct type, field), .value = (v), .ok = (ok_),     \
	  .what = (what_) }

static const struct rule rules[] = {
	/* The valid HELLO has min 2, max 3. */
	RULE(T_HELLO, 0, 2, dipc_eth_hello, min_version, 0, 0, "min_version 0"),
	RULE(T_HELLO, 0, 2, dipc_eth_hello, min_version, 1, 1, "min_version 1"),
	RULE(T_HELLO, 2, 2, dipc_eth_hello, max_version, 1, 0, "max_version below min"),
	RULE(T_HELLO, 2, 2, dipc_eth_hello, max_version, 2, 1, "max_version == min"),
	RULE(T_HELLO, 4, 2, dipc_eth_hello, window, 0, 0, "window 0"),
	RULE(T_HELLO, 4, 2, dipc_eth_hello, window, 1, 1, "window 1"),
	RULE(T_HELLO, 6, 2, dipc_eth_hello, flags, 1, 0, "flags bit 0"),
	RULE(T_HELLO, 6, 2, dipc_eth_hello, flags, 0x8000, 0, "flags bit 15"),
	RULE(T_HELLO, 8, 8, dipc_eth_hello, client_nonce, 0, 0, "client_nonce 0"),
	RULE(T_HELLO, 8, 8, dipc_eth_hello, client_nonce, 1, 1, "client_nonce 1"),
	RULE(T_HELLO, 16, 4, dipc_eth_hello, max_msg_len, 23, 0, "max_msg_len 23"),
	RULE(T_HELLO, 16, 4, dipc_eth_hello, max_msg_len, 24, 1, "max_msg_len 24"),
	RULE(T_CHALLENGE, 0, 2, dipc_eth_challenge, version, 0, 0, "version 0"),
	RULE(T_CHALLENGE, 2, 2, dipc_eth_challenge, flags, 1, 0, "flags bit 0"),
	RULE(T_CHALLENGE, 2, 2, dipc_eth_challenge, flags, 0x8000, 0, "flags bit 15"),
	RULE(T_CHALLENGE, 8, 8, dipc_eth_challenge, client_nonce, 0, 0, "client_nonce 0"),
	RULE(T_CHALLENGE, 16, 8, dipc_eth_challenge, server_nonce, 0, 0, "server_nonce 0"),
	RULE(T_CHALLENGE, 16, 8, dipc_eth_challenge, server_nonce, 1, 1, "server_nonce 1"),
	RULE(T_CHALLENGE, 24, 8, dipc_eth_challenge, issued, 0, 1, "issued 0"),
	RULE(T_PROOF, 0, 2, dipc_eth_proof, version, 0, 0, "version 0"),
	RULE(T_PROOF, 2, 2, dipc_eth_proof, window, 0, 0, "window 0"),
	RULE(T_PROOF, 2, 2, dipc_eth_proof, window, 1, 1, "window 1"),
	RULE(T_PROOF, 4, 4, dipc_eth_proof, max_msg_len, 23, 0, "max_msg_len 23"),
	RULE(T_PROOF, 4, 4, dipc_eth_proof, max_msg_len, 24, 1, "max_msg_len 24"),
	RULE(T_PROOF, 8, 8, dipc_eth_proof, client_nonce, 0, 0, "client_nonce 0"),
	RULE(T_PROOF, 16, 8, dipc_eth_proof, server_nonce, 0, 0, "server_nonce 0"),
	RULE(T_PROOF, 24, 8, dipc_eth_proof, issued, 0, 1, "issued 0"),
	RULE(T_WELCOME, 0, 2, dipc_eth_welcome, version, 0, 0, "version 0"),
	RULE(T_WELCOME, 2, 2, dipc_eth_welcome, window, 0, 0, "window 0"),
	RULE(T_WELCOME, 2, 2, dipc_eth_welcome, window, 1, 1, "window 1"),
	RULE(T_WELCOME, 4, 4, dipc_eth_welcome, max_msg_len, 23, 0, "max_msg_len 23"),
	RULE(T_WELCOME, 4, 4, dipc_eth_welcome, max_msg_len, 24, 1, "max_msg_len 24"),
	RULE(T_WELCOME, 8, 4, dipc_eth_welcome, heartbeat_ms, 0, 0, "heartbeat_ms 0"),
	RULE(T_WELCOME, 8, 4, dipc_eth_welcome, heartbeat_ms, 1, 1, "heartbeat_ms 1"),
	RULE(T_WELCOME, 12, 2, dipc_eth_welcome, queue, 0, 1, "queue 0"),
	RULE(T_REFUSE, 0, 4, dipc_eth_refuse, status, 0, 0, "status 0"),
	RULE(T_REFUSE, 0, 4, dipc_eth_refuse, status, 1, 1, "status 1"),
	RULE(T_REFUSE, 0, 4, dipc_eth_refuse, status, DIPC_ETH_ERRNO_MAX - 1, 1, "status MAX-1"),
	RULE(T_REFUSE, 0, 4, dipc_eth_refuse, status, DIPC_ETH_ERRNO_MAX, 0, "status MAX"),
	RULE(T_REFUSE, 0, 4, dipc_eth_refuse, status, UINT32_MAX, 0, "status 2^32-1"),
	RULE(T_CLOSE, 0, 4, dipc_eth_close, status, DIPC_ETH_ERRNO_MAX, 0, "status MAX"),
	RULE(T_CLOSE, 0, 4, dipc_eth_close, status, UINT32_MAX, 0, "status 2^32-1"),
	RULE(T_CLOSE, 0, 4, dipc_eth_close, status, DIPC_ETH_ERRNO_MAX - 1, 1, "status MAX-1"),
};

static void
test_field_rules(void **state)
{
	union payload p, q;
	uint8_t buf[BUF_LEN], out[BUF_LEN];
	unsigned int i;
	size_t len;
	int ret;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct rule *r = &rules[i];
		int want = r->ok ? 0 : -EINVAL;

		/* Received: the valid bytes with this one field changed. */
		len = valid_bytes(r->t, buf);
		put_le(buf + r->wire_off, r->width, r->value);
		memset(&q, 0xa5, sizeof(q));
		ret = decode(r->t, buf, len, &q);
		if (ret != want)
			fail_msg("%s %s: decode %d, want %d", type_names[r->t], r->what, ret, want);
		/* Sent: the encoder refuses what the decoder would, and
		 * writes nothing then. */
		valid(r->t, 0, &p);
		set_field(&p, r->struct_off, r->width, r->value);
		memset(out, 0xee, sizeof(out));
		ret = encode(r->t, &p, out, sizeof(out));
		if (r->ok) {
			if (ret != (int)len)
				fail_msg("%s %s: encode %d", type_names[r->t], r->what, ret);
			assert_memory_equal(out, buf, len);
			assert_payload_equal(r->t, &p, &q);
		} else if (ret != -EINVAL || out[0] != 0xee) {
			fail_msg("%s %s: encode %d", type_names[r->t], r->what, ret);
		}
	}
}

/* A REFUSE's reason: printable ASCII (0x20..0x7e), NUL-terminated within
 * the payload, only NULs after the terminator. */
static void
test_refuse_reason(void **state)
{
	struct dipc_eth_refuse r, q;
	uint8_t buf[BUF_LEN];
	const size_t max = DIPC_ETH_REFUSE_MIN_LEN + DIPC_ETH_REASON_LEN;
	unsigned int c;
	size_t len;

	(void)state;
	memset(buf, 0, sizeof(buf));
	put_le(buf, 4, EPROTONOSUPPORT);
	memcpy(buf + 8, "abc", 3);
	/* "abc" with its NUL, and with NUL padding to every length up to 72. */
	for (len = 12; len <= max; len++) {
		memset(&q, 0, sizeof(q));
		assert_int_equal(dipc_eth_refuse_decode(buf, len, &q), 0);
		assert_string_equal(q.reason, "abc");
		assert_int_equal(q.status, EPROTONOSUPPORT);
	}
	/* Not terminated within the payload. */
	for (len = 9; len < 12; len++)
		assert_int_equal(dipc_eth_refuse_decode(buf, len, &q), -EINVAL);
	/* Something after the terminator. */
	buf[max - 1] = 'x';
	assert_int_equal(dipc_eth_refuse_decode(buf, max, &q), -EINVAL);
	buf[max - 1] = 0;
	buf[12] = 0x01;
	assert_int_equal(dipc_eth_refuse_decode(buf, max, &q), -EINVAL);
	buf[12] = 0;
	/* Each byte that is not printable ASCII, in the reason. */
	for (c = 0; c < 256; c++) {
		int ok = c >= 0x20 && c <= 0x7e;

		buf[9] = (uint8_t)c;
		if (c == 0)
			continue; /* "a": a shorter reason */
		assert_int_equal(dipc_eth_refuse_decode(buf, 12, &q), ok ? 0 : -EINVAL);
		memset(&r, 0, sizeof(r));
		r.status = EPROTONOSUPPORT;
		memcpy(r.reason, buf + 8, 3);
		assert_int_equal(dipc_eth_refuse_encode(&r, buf + 100, 100), ok ? 12 : -EINVAL);
	}
	buf[9] = 'b';
	/* The longest reason: 63 characters and the NUL; 64 is one too many. */
	memset(buf + 8, 'z', DIPC_ETH_REASON_LEN);
	buf[max - 1] = 0;
	assert_int_equal(dipc_eth_refuse_decode(buf, max, &q), 0);
	assert_int_equal(strlen(q.reason), DIPC_ETH_REASON_LEN - 1);
	buf[max - 1] = 'z';
	assert_int_equal(dipc_eth_refuse_decode(buf, max, &q), -EINVAL);
	memset(&r, 'z', sizeof(r)); /* no NUL in the array */
	r.status = EPROTONOSUPPORT;
	assert_int_equal(dipc_eth_refuse_encode(&r, buf, sizeof(buf)), -EINVAL);
	/* 8 bytes: an empty reason; encoded, an empty reason is its NUL. */
	assert_int_equal(dipc_eth_refuse_decode(buf, DIPC_ETH_REFUSE_MIN_LEN, &q), 0);
	assert_string_equal(q.reason, "");
	memset(&r, 0, sizeof(r));
	r.status = ESHUTDOWN;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(dipc_eth_refuse_encode(&r, buf, sizeof(buf)),
			 DIPC_ETH_REFUSE_MIN_LEN + 1);
	assert_int_equal(buf[DIPC_ETH_REFUSE_MIN_LEN], 0);
	assert_int_equal(buf[DIPC_ETH_REFUSE_MIN_LEN + 1], 0xee);
}

/* Reserved bytes: 0 when written (over a buffer of 0xee), ignored when
 * received (all ones: the same fields). */
static void
test_reserved(void **state)
{
	static const struct {
		enum ptype t;
		unsigned int off, len;
	} reserved[] = {
		{ T_HELLO, 20, 4 },
		{ T_CHALLENGE, 4, 4 },
		{ T_WELCOME, 14, 2 },
		{ T_REFUSE, 4, 4 },
		{ T_CLOSE, 4, 4 },
	};
	union payload p, q;
	uint8_t buf[BUF_LEN];
	unsigned int i, j;
	int n;

	(void)state;
	for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		enum ptype t = reserved[i].t;

		valid(t, 0, &p);
		memset(buf, 0xee, sizeof(buf));
		n = encode(t, &p, buf, sizeof(buf));
		assert_true(n > 0);
		for (j = 0; j < reserved[i].len; j++)
			assert_int_equal(buf[reserved[i].off + j], 0);
		memset(buf + reserved[i].off, 0xff, reserved[i].len);
		assert_int_equal(decode(t, buf, (size_t)n, &q), 0);
		assert_payload_equal(t, &p, &q);
	}
}

static const struct dipc_eth_cookie_key cookie_key = { {
	0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d,
	0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x3b,
	0x3c, 0x3d, 0x3e, 0x3f,
} };
#define CLIENT_NONCE 0x1122334455667788ull
#define ISSUED 0x18c2d4e6f70ull
#define CLIENT_IP RTE_BE32(0x0a000001)   /* 10.0.0.1 */
#define SERVER_IP RTE_BE32(0x0a000002)   /* 10.0.0.2 */
#define CLIENT_PORT RTE_BE16(40000)
#define SERVER_PORT RTE_BE16(7117)

static void
test_cookie(void **state)
{
	const struct dipc_eth_cookie_key *k = &cookie_key;
	const uint64_t n = CLIENT_NONCE, t = ISSUED;
	const rte_be32_t ip = CLIENT_IP;
	const rte_be16_t port = CLIENT_PORT;
	struct dipc_eth_cookie_key k2, k3;
	uint64_t c = dipc_eth_cookie(k, n, t, ip, port);
	unsigned int i;

	(void)state;
	/* Known answer: the first 8 bytes, little-endian, of
	 *   openssl dgst -sha256 -mac HMAC -macopt hexkey:202122...3f
	 * over 8877665544332211 706f4e2d8c010000 0a000001 9c40 (client nonce
	 * and issued little-endian, address and port in network order):
	 * 16f10c6f01c312b4... */
	assert_true(c == 0xb412c3016f0cf116ull);
	assert_true(c == dipc_eth_cookie(k, n, t, ip, port));
	/* Any input changed gives another. */
	assert_true(c != dipc_eth_cookie(k, n + 1, t, ip, port));
	assert_true(c != dipc_eth_cookie(k, n, t + 1, ip, port));
	assert_true(c != dipc_eth_cookie(k, n, t, SERVER_IP, port));
	assert_true(c != dipc_eth_cookie(k, n, t, ip, RTE_BE16(40001)));
	for (i = 0; i < sizeof(k2.key) * 8; i++) {
		k2 = cookie_key;
		k2.key[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_true(c != dipc_eth_cookie(&k2, n, t, ip, port));
	}
	/* Fresh keys: drawn, different, and their cookies too. */
	assert_int_equal(dipc_eth_cookie_key_init(&k2), 0);
	assert_int_equal(dipc_eth_cookie_key_init(&k3), 0);
	assert_memory_not_equal(k2.key, k3.key, sizeof(k2.key));
	assert_true(dipc_eth_cookie(&k2, n, t, ip, port) != dipc_eth_cookie(&k3, n, t, ip, port));
	assert_true(dipc_eth_cookie(&k2, n, t, ip, port) != 0);
}

static void
cookie_proof(struct dipc_eth_proof *p, uint64_t issued)
{
	union payload u;

	valid(T_PROOF, 0, &u);
	*p = u.proof;
	p->issued = issued;
	p->server_nonce = dipc_eth_cookie(&cookie_key, p->client_nonce, issued, CLIENT_IP,
					  CLIENT_PORT);
}

static void
test_cookie_check(void **state)
{
	const uint64_t age = 5000;
	struct dipc_eth_cookie_key k2 = cookie_key;
	struct dipc_eth_proof p, q;
	unsigned int i;

	(void)state;
	cookie_proof(&p, ISSUED);
	/* Within its age: at once, at the limit. */
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &p, CLIENT_IP, CLIENT_PORT, ISSUED,
					       age), 0);
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &p, CLIENT_IP, CLIENT_PORT,
					       ISSUED + age, age), 0);
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &p, CLIENT_IP, CLIENT_PORT, ISSUED,
					       0), 0);
	/* Too old; from the future (by 1, and by almost 2^64: no wrap). */
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &p, CLIENT_IP, CLIENT_PORT,
					       ISSUED + age + 1, age), -ETIMEDOUT);
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &p, CLIENT_IP, CLIENT_PORT,
					       ISSUED - 1, age), -ETIMEDOUT);
	cookie_proof(&q, UINT64_MAX);
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &q, CLIENT_IP, CLIENT_PORT, 0,
					       UINT64_MAX - 1), -ETIMEDOUT);
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &q, CLIENT_IP, CLIENT_PORT,
					       UINT64_MAX, 0), 0);
	/* From another address, another port: not its cookie. */
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &p, SERVER_IP, CLIENT_PORT, ISSUED,
					       age), -EACCES);
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &p, CLIENT_IP, RTE_BE16(40001),
					       ISSUED, age), -EACCES);
	/* Another server's key. */
	k2.key[31] ^= 0x80;
	assert_int_equal(dipc_eth_cookie_check(&k2, &p, CLIENT_IP, CLIENT_PORT, ISSUED, age),
			 -EACCES);
	/* Each bit of the cookie flipped. */
	for (i = 0; i < 64; i++) {
		q = p;
		q.server_nonce ^= 1ull << i;
		assert_int_equal(dipc_eth_cookie_check(&cookie_key, &q, CLIENT_IP, CLIENT_PORT,
						       ISSUED, age), -EACCES);
	}
	/* The fields it covers changed: the client nonce, and issued made
	 * younger (a replay's way to stay in age) is not its cookie either. */
	q = p;
	q.client_nonce ^= 1;
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &q, CLIENT_IP, CLIENT_PORT, ISSUED,
					       age), -EACCES);
	q = p;
	q.issued = ISSUED + age;
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &q, CLIENT_IP, CLIENT_PORT,
					       ISSUED + age + 1, age), -EACCES);
	/* The rest of the PROOF is not the cookie's business. */
	q = p;
	q.window = 1;
	q.max_msg_len = 24;
	q.mac[0] ^= 1;
	assert_int_equal(dipc_eth_cookie_check(&cookie_key, &q, CLIENT_IP, CLIENT_PORT, ISSUED,
					       age), 0);
}

/* Key 00..0f: k0 and k1 little-endian. */
static const struct dipc_token token = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
static const struct dipc_eth_ends ends = { CLIENT_IP, SERVER_IP, CLIENT_PORT, SERVER_PORT };

/* Changes of the ends a MAC must notice. */
static void
other_ends(unsigned int i, struct dipc_eth_ends *e)
{
	*e = ends;
	switch (i) {
	case 0: e->client_ip = RTE_BE32(0x0a000003); break;
	case 1: e->server_ip = RTE_BE32(0x0a000003); break;
	case 2: e->client_port = RTE_BE16(40001); break;
	case 3: e->server_port = RTE_BE16(7118); break;
	default: /* both ends swapped */
		e->client_ip = ends.server_ip;
		e->server_ip = ends.client_ip;
		e->client_port = ends.server_port;
		e->server_port = ends.client_port;
		break;
	}
}
#define NB_OTHER_ENDS 5

static void
test_proof_mac(void **state)
{
	/* openssl dgst -sha256 -mac HMAC -macopt hexkey:000102030405060708090a0b0c0d0e0f
	 * over "dipc-eth-proof-v1", the 32 wire bytes of test_proof_wire()'s
	 * PROOF, and 0a000001 0a000002 9c40 1bcd. */
	static const uint8_t kat[DIPC_ETH_MAC_LEN] = {
		0x15, 0x59, 0xc3, 0xbf, 0xfd, 0x8b, 0xd1, 0x27, 0xfa, 0xfc, 0x27, 0x3f,
		0x55, 0x4d, 0x1f, 0xa7, 0x0b, 0xac, 0x12, 0x4d, 0xd9, 0xc0, 0xc6, 0x26,
		0x00, 0x96, 0x3c, 0xec, 0x1c, 0x0f, 0x92, 0x55,
	};
	struct dipc_token t2;
	struct dipc_eth_ends e;
	struct dipc_eth_proof p, q;
	union payload u;
	uint8_t mac[DIPC_ETH_MAC_LEN];
	unsigned int i;

	(void)state;
	valid(T_PROOF, 0, &u);
	p = u.proof;
	assert_int_equal(dipc_eth_proof_mac(&token, &p, &ends, mac), 0);
	assert_memory_equal(mac, kat, sizeof(kat));
	/* The mac field is not part of what it covers. */
	memset(p.mac, 0, sizeof(p.mac));
	assert_int_equal(dipc_eth_proof_mac(&token, &p, &ends, mac), 0);
	assert_memory_equal(mac, kat, sizeof(kat));
	memcpy(p.mac, kat, sizeof(kat));
	assert_int_equal(dipc_eth_proof_check(&token, &p, &ends), 0);
	/* Another token (either half). */
	t2 = token;
	t2.k0 ^= 1;
	assert_int_equal(dipc_eth_proof_check(&t2, &p, &ends), -EACCES);
	t2 = token;
	t2.k1 ^= 1ull << 63;
	assert_int_equal(dipc_eth_proof_check(&t2, &p, &ends), -EACCES);
	/* Each field changed. */
	for (i = 0; i < 6; i++) {
		q = p;
		switch (i) {
		case 0: q.version++; break;
		case 1: q.window--; break;
		case 2: q.max_msg_len ^= 1u << 31; break;
		case 3: q.client_nonce ^= 1; break;
		case 4: q.server_nonce ^= 1ull << 40; break;
		default: q.issued++; break;
		}
		assert_int_equal(dipc_eth_proof_check(&token, &q, &ends), -EACCES);
	}
	/* Each bit of the MAC flipped. */
	for (i = 0; i < DIPC_ETH_MAC_LEN * 8; i++) {
		q = p;
		q.mac[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_equal(dipc_eth_proof_check(&token, &q, &ends), -EACCES);
	}
	/* Other ends: a proof made for one pair of addresses is worth
	 * nothing between others. */
	for (i = 0; i < NB_OTHER_ENDS; i++) {
		other_ends(i, &e);
		assert_int_equal(dipc_eth_proof_check(&token, &p, &e), -EACCES);
	}
}

static void
test_welcome_mac(void **state)
{
	/* openssl dgst -sha256 -mac HMAC -macopt hexkey:000102030405060708090a0b0c0d0e0f
	 * over "dipc-eth-welcome-v1", 8877665544332211 01ffeeddccbbaa99
	 * (both nonces), 04030201 05000000 (conn_id 0x01020304, conn_gen 5),
	 * 0100 2000 00800000 64000000 0300 0000 (version 1, window 32,
	 * max_msg_len 32768, heartbeat 100 ms, queue 3, reserved) and
	 * 0a000001 0a000002 9c40 1bcd. */
	static const uint8_t kat[DIPC_ETH_MAC_LEN] = {
		0x8f, 0x5e, 0xf7, 0xeb, 0x62, 0x8a, 0x8e, 0xde, 0x02, 0x83, 0x7c, 0x25,
		0x1a, 0x8c, 0xaa, 0x1e, 0x77, 0xfd, 0xd7, 0xca, 0x5a, 0x29, 0x9d, 0xcc,
		0xd6, 0x2b, 0x88, 0x76, 0x8d, 0xfc, 0x3a, 0x81,
	};
	const uint64_t cn = CLIENT_NONCE, sn = 0x99aabbccddeeff01ull;
	const uint32_t id = 0x01020304, gen = 5;
	struct dipc_token t2;
	struct dipc_eth_ends e;
	struct dipc_eth_welcome w, v;
	union payload u;
	uint8_t mac[DIPC_ETH_MAC_LEN];
	unsigned int i;

	(void)state;
	valid(T_WELCOME, 0, &u);
	w = u.welcome;
	assert_int_equal(dipc_eth_welcome_mac(&token, &w, cn, sn, id, gen, &ends, mac), 0);
	assert_memory_equal(mac, kat, sizeof(kat));
	memcpy(w.mac, kat, sizeof(kat));
	assert_int_equal(dipc_eth_welcome_check(&token, &w, cn, sn, id, gen, &ends), 0);
	/* Another token. */
	t2 = token;
	t2.k0 ^= 1ull << 20;
	assert_int_equal(dipc_eth_welcome_check(&t2, &w, cn, sn, id, gen, &ends), -EACCES);
	t2 = token;
	t2.k1 ^= 1;
	assert_int_equal(dipc_eth_welcome_check(&t2, &w, cn, sn, id, gen, &ends), -EACCES);
	/* Each field of the WELCOME changed. */
	for (i = 0; i < 5; i++) {
		v = w;
		switch (i) {
		case 0: v.version++; break;
		case 1: v.window--; break;
		case 2: v.max_msg_len ^= 1u << 31; break;
		case 3: v.heartbeat_ms++; break;
		default: v.queue ^= 1; break;
		}
		assert_int_equal(dipc_eth_welcome_check(&token, &v, cn, sn, id, gen, &ends),
				 -EACCES);
	}
	/* The nonces, the connection id and generation. */
	assert_int_equal(dipc_eth_welcome_check(&token, &w, cn ^ 1, sn, id, gen, &ends),
			 -EACCES);
	assert_int_equal(dipc_eth_welcome_check(&token, &w, cn, sn ^ 1, id, gen, &ends),
			 -EACCES);
	assert_int_equal(dipc_eth_welcome_check(&token, &w, sn, cn, id, gen, &ends), -EACCES);
	assert_int_equal(dipc_eth_welcome_check(&token, &w, cn, sn, id + 1, gen, &ends),
			 -EACCES);
	assert_int_equal(dipc_eth_welcome_check(&token, &w, cn, sn, id, gen + 1, &ends),
			 -EACCES);
	/* Each bit of the MAC flipped. */
	for (i = 0; i < DIPC_ETH_MAC_LEN * 8; i++) {
		v = w;
		v.mac[i / 8] ^= (uint8_t)(1u << (i % 8));
		assert_int_equal(dipc_eth_welcome_check(&token, &v, cn, sn, id, gen, &ends),
				 -EACCES);
	}
	/* Other ends. */
	for (i = 0; i < NB_OTHER_ENDS; i++) {
		other_ends(i, &e);
		assert_int_equal(dipc_eth_welcome_check(&token, &w, cn, sn, id, gen, &e),
				 -EACCES);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_wire),
		cmocka_unit_test(test_proof_wire),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_encode_room),
		cmocka_unit_test(test_field_rules),
		cmocka_unit_test(test_refuse_reason),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_cookie),
		cmocka_unit_test(test_cookie_check),
		cmocka_unit_test(test_proof_mac),
		cmocka_unit_test(test_welcome_mac),
	};

	return cmocka_run_group_tests_name("eth-conn", tests, NULL, NULL);
}
