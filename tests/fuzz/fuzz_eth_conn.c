/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the eth transport's connection layer (drivers/eth/
 * dipc_eth_conn.h) on control payloads a peer could send: every decoder
 * on bytes of any content and length, the encoders on what they accept,
 * and the cookie and MAC checks on decoded PROOFs and WELCOMEs. No EAL.
 *
 * Input: 1 control byte c, then the payload (copied to a heap buffer of
 * exactly its length, so that ASan reports a read past it).
 *   c % 7    the decoder: HELLO, CHALLENGE, PROOF, WELCOME, REFUSE,
 *            PING (and PONG), CLOSE
 *   c / 7    knobs (0..36) for the checks: the cookie's clock and age,
 *            which MAC bit to flip
 * Properties (abort() when broken):
 *   - a payload is accepted exactly when an independent model of the
 *     documented rules (docs/WIRE.md, "Control frames"), on the raw
 *     little-endian bytes, accepts it, and the decoded fields are the
 *     model's reading;
 *   - a refused payload leaves the output structure unchanged;
 *   - an accepted payload encodes back to the same bytes (reserved bytes
 *     aside, which the encoder writes 0; a REFUSE to its shortest form,
 *     the input's first bytes, the input's rest being NUL padding), into
 *     a heap buffer of exactly that length, and one byte less is
 *     -ENOSPC with nothing written;
 *   - a decoded PROOF: the cookie check gives the model's verdict (not
 *     its cookie: -EACCES; then the age, the future included); with the
 *     right cookie put in, the verdict follows the clock alone; the MAC
 *     check passes exactly with the MAC dipc_eth_proof_mac() computes,
 *     and fails with one bit of it flipped; the same for a WELCOME.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_byteorder.h>

#include "dipc_eth_conn.h"
#include "dipc_msg.h"

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz_eth_conn: %s:%d: property broken: %s\n", \
				__FILE__, __LINE__, #cond);                          \
			abort();                                                     \
		}                                                                    \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum ptype { T_HELLO, T_CHALLENGE, T_PROOF, T_WELCOME, T_REFUSE, T_PING, T_CLOSE, T_NB };

union payload {
	struct dipc_eth_hello hello;
	struct dipc_eth_challenge challenge;
	struct dipc_eth_proof proof;
	struct dipc_eth_welcome welcome;
	struct dipc_eth_refuse refuse;
	struct dipc_eth_ping ping;
	struct dipc_eth_close close;
};

static const struct dipc_token token = { 0x0123456789abcdefull, 0xfedcba9876543210ull };
static const struct dipc_eth_cookie_key cookie_key = { { 'd', 'i', 'p', 'c', '-', 'f', 'u', 'z' } };
static const struct dipc_eth_ends ends = {
	RTE_BE32(0x0a000001), RTE_BE32(0x0a000002), RTE_BE16(40000), RTE_BE16(7117),
};

static uint64_t
le(const uint8_t *b, unsigned int width)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < width; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

/* The documented rules on the raw bytes: 1 accepted, 0 refused. */
static int
model(enum ptype t, const uint8_t *b, size_t len)
{
	size_t i, n;

	switch (t) {
	case T_HELLO:
		return len == 24 && le(b, 2) >= 1 && le(b + 2, 2) >= le(b, 2) &&
		       le(b + 4, 2) >= 1 && le(b + 6, 2) == 0 && le(b + 8, 8) != 0 &&
		       le(b + 16, 4) >= 24;
	case T_CHALLENGE:
		return len == 32 && le(b, 2) >= 1 && le(b + 2, 2) == 0 && le(b + 8, 8) != 0 &&
		       le(b + 16, 8) != 0;
	case T_PROOF:
		return len == 64 && le(b, 2) >= 1 && le(b + 2, 2) >= 1 && le(b + 4, 4) >= 24 &&
		       le(b + 8, 8) != 0 && le(b + 16, 8) != 0;
	case T_WELCOME:
		return len == 48 && le(b, 2) >= 1 && le(b + 2, 2) >= 1 && le(b + 4, 4) >= 24 &&
		       le(b + 8, 4) >= 1;
	case T_REFUSE:
		if (len < 8 || len > 72 || le(b, 4) == 0 || le(b, 4) >= DIPC_ETH_ERRNO_MAX)
			return 0;
		n = len - 8;
		for (i = 0; i < n && b[8 + i] != 0; i++)
			if (b[8 + i] < 0x20 || b[8 + i] > 0x7e)
				return 0;
		if (n > 0 && i == n)
			return 0;
		for (; i < n; i++)
			if (b[8 + i] != 0)
				return 0;
		return 1;
	case T_PING:
		return len == 16;
	case T_CLOSE:
		return len == 8 && le(b, 4) < DIPC_ETH_ERRNO_MAX;
	default:
		return 0;
	}
}

/* The decoded fields are the bytes' reading. */
static void
check_fields(enum ptype t, const union payload *p, const uint8_t *b, size_t len)
{
	switch (t) {
	case T_HELLO:
		CHECK(p->hello.min_version == le(b, 2) && p->hello.max_version == le(b + 2, 2) &&
		      p->hello.window == le(b + 4, 2) && p->hello.flags == le(b + 6, 2) &&
		      p->hello.client_nonce == le(b + 8, 8) &&
		      p->hello.max_msg_len == le(b + 16, 4));
		break;
	case T_CHALLENGE:
		CHECK(p->challenge.version == le(b, 2) && p->challenge.flags == le(b + 2, 2) &&
		      p->challenge.client_nonce == le(b + 8, 8) &&
		      p->challenge.server_nonce == le(b + 16, 8) &&
		      p->challenge.issued == le(b + 24, 8));
		break;
	case T_PROOF:
		CHECK(p->proof.version == le(b, 2) && p->proof.window == le(b + 2, 2) &&
		      p->proof.max_msg_len == le(b + 4, 4) &&
		      p->proof.client_nonce == le(b + 8, 8) &&
		      p->proof.server_nonce == le(b + 16, 8) && p->proof.issued == le(b + 24, 8));
		CHECK(memcmp(p->proof.mac, b + 32, DIPC_ETH_MAC_LEN) == 0);
		break;
	case T_WELCOME:
		CHECK(p->welcome.version == le(b, 2) && p->welcome.window == le(b + 2, 2) &&
		      p->welcome.max_msg_len == le(b + 4, 4) &&
		      p->welcome.heartbeat_ms == le(b + 8, 4) && p->welcome.queue == le(b + 12, 2));
		CHECK(memcmp(p->welcome.mac, b + 16, DIPC_ETH_MAC_LEN) == 0);
		break;
	case T_REFUSE:
		CHECK(p->refuse.status == le(b, 4));
		/* The reason: the bytes up to the first NUL, NUL-terminated in
		 * the structure, the rest of the array zero. */
		CHECK(strnlen(p->refuse.reason, DIPC_ETH_REASON_LEN) < DIPC_ETH_REASON_LEN);
		CHECK(len == 8 || strncmp(p->refuse.reason, (const char *)b + 8, len - 8) == 0);
		break;
	case T_PING:
		CHECK(p->ping.stamp == le(b, 8) && p->ping.seq == le(b + 8, 8));
		break;
	case T_CLOSE:
		CHECK(p->close.status == le(b, 4));
		break;
	default:
		CHECK(0);
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
	default: CHECK(0); return 0;
	}
}

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
	default: CHECK(0); return 0;
	}
}

/* Reserved bytes: [off, off + n) of each type (n 0: none). */
static void
reserved(enum ptype t, size_t *off, size_t *n)
{
	static const size_t r[T_NB][2] = {
		[T_HELLO] = { 20, 4 }, [T_CHALLENGE] = { 4, 4 }, [T_WELCOME] = { 14, 2 },
		[T_REFUSE] = { 4, 4 }, [T_CLOSE] = { 4, 4 },
	};

	*off = r[t][0];
	*n = r[t][1];
}

/* Encode back: the input's bytes but the reserved ones (0 here), into an
 * exact buffer; one byte less refused, nothing written. */
static void
check_round_trip(enum ptype t, const union payload *p, const uint8_t *in, size_t len)
{
	size_t want = len, off, n, i;
	uint8_t *out;
	int ret;

	if (t == T_REFUSE)
		want = 8 + strlen(p->refuse.reason) + 1;
	CHECK(want >= 8);
	out = malloc(want);
	CHECK(out != NULL);
	memset(out, 0xee, want);
	CHECK(encode(t, p, out, want - 1) == -ENOSPC);
	for (i = 0; i < want; i++)
		CHECK(out[i] == 0xee);
	ret = encode(t, p, out, want);
	CHECK(ret >= 0 && (size_t)ret == want);
	reserved(t, &off, &n);
	for (i = 0; i < want; i++) {
		if (i >= off && i < off + n)
			CHECK(out[i] == 0);
		else if (i < len)
			CHECK(out[i] == in[i]);
		else
			CHECK(t == T_REFUSE && len == 8 && i == 8 && out[i] == 0);
	}
	/* A REFUSE's input past its shortest form was NUL padding. */
	for (i = want; i < len; i++)
		CHECK(in[i] == 0);
	free(out);
}

static void
check_proof(struct dipc_eth_proof *p, unsigned int knob)
{
	const rte_be32_t ip = ends.client_ip;
	const rte_be16_t port = ends.client_port;
	uint64_t cookie = dipc_eth_cookie(&cookie_key, p->client_nonce, p->issued, ip, port);
	/* A clock around issued (the knob's low bits: before, at, after the
	 * limit, far after) and an age. */
	uint64_t max_age = knob & 8 ? UINT64_MAX : 1000;
	uint64_t now = p->issued;
	uint8_t mac[DIPC_ETH_MAC_LEN];
	int want, ret;

	switch (knob & 7) {
	case 0: now = p->issued - 1; break;
	case 1: break;
	case 2: now = p->issued + 1000; break;
	case 3: now = p->issued + 1001; break;
	case 4: now = p->issued + (1ull << 63); break;
	default: now = p->issued ^ ((uint64_t)knob << 40); break;
	}
	CHECK(cookie != 0);
	want = now < p->issued || now - p->issued > max_age ? -ETIMEDOUT : 0;
	ret = dipc_eth_cookie_check(&cookie_key, p, ip, port, now, max_age);
	CHECK(ret == (cookie == p->server_nonce ? want : -EACCES));
	p->server_nonce = cookie;
	CHECK(dipc_eth_cookie_check(&cookie_key, p, ip, port, now, max_age) == want);
	CHECK(dipc_eth_cookie_check(&cookie_key, p, ends.server_ip, port, now, max_age) ==
	      -EACCES);

	CHECK(dipc_eth_proof_mac(&token, p, &ends, mac) == 0);
	ret = dipc_eth_proof_check(&token, p, &ends);
	CHECK(ret == (memcmp(mac, p->mac, sizeof(mac)) == 0 ? 0 : -EACCES));
	memcpy(p->mac, mac, sizeof(mac));
	CHECK(dipc_eth_proof_check(&token, p, &ends) == 0);
	p->mac[knob % DIPC_ETH_MAC_LEN] ^= (uint8_t)(1u << (knob % 8));
	CHECK(dipc_eth_proof_check(&token, p, &ends) == -EACCES);
}

static void
check_welcome(struct dipc_eth_welcome *w, unsigned int knob)
{
	const uint64_t cn = 0x1122334455667788ull, sn = 0x99aabbccddeeff01ull;
	const uint32_t id = knob, gen = 7;
	uint8_t mac[DIPC_ETH_MAC_LEN];
	int ret;

	CHECK(dipc_eth_welcome_mac(&token, w, cn, sn, id, gen, &ends, mac) == 0);
	ret = dipc_eth_welcome_check(&token, w, cn, sn, id, gen, &ends);
	CHECK(ret == (memcmp(mac, w->mac, sizeof(mac)) == 0 ? 0 : -EACCES));
	memcpy(w->mac, mac, sizeof(mac));
	CHECK(dipc_eth_welcome_check(&token, w, cn, sn, id, gen, &ends) == 0);
	CHECK(dipc_eth_welcome_check(&token, w, cn, sn, id, gen + 1, &ends) == -EACCES);
	w->mac[knob % DIPC_ETH_MAC_LEN] ^= (uint8_t)(1u << (knob % 8));
	CHECK(dipc_eth_welcome_check(&token, w, cn, sn, id, gen, &ends) == -EACCES);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union payload p;
	uint8_t before[sizeof(p)];
	enum ptype t;
	unsigned int knob;
	uint8_t *buf;
	size_t len;
	int ok, ret;

	if (size < 1)
		return 0;
	t = (enum ptype)(data[0] % T_NB);
	knob = data[0] / T_NB;
	len = size - 1;
	buf = malloc(len > 0 ? len : 1);
	CHECK(buf != NULL);
	memcpy(buf, data + 1, len);

	ok = model(t, buf, len);
	/* Bytes, padding included: a refused payload changes none of them. */
	memset(&p, 0xa5, sizeof(p));
	memcpy(before, &p, sizeof(p));
	ret = decode(t, buf, len, &p);
	CHECK(ret == 0 || ret == -EINVAL);
	CHECK((ret == 0) == ok);
	if (ret != 0) {
		CHECK(memcmp(before, (const uint8_t *)&p, sizeof(p)) == 0);
		free(buf);
		return 0;
	}
	check_fields(t, &p, buf, len);
	check_round_trip(t, &p, buf, len);
	if (t == T_PROOF)
		check_proof(&p.proof, knob);
	else if (t == T_WELCOME)
		check_welcome(&p.welcome, knob);
	free(buf);
	return 0;
}
