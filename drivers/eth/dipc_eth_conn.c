/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The eth transport's connection layer (dipc_eth_conn.h): the control
 * payloads byte by byte (docs/WIRE.md, "Control frames") and the
 * admission's cookie and MACs.
 *
 * Every wire form is written and read one field at a time at its offset,
 * little-endian, never by copying a host structure: the structures have
 * padding and the host's layout is not the wire's.
 */
#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "dipc_eth_conn.h"
#include "dipc_msg.h"

/* The MACs' labels, without their NUL: a proof can never be taken for a
 * welcome (or the reverse), nor for a later version's. */
static const char proof_label[] = "dipc-eth-proof-v1";
static const char welcome_label[] = "dipc-eth-welcome-v1";
#define PROOF_LABEL_LEN (sizeof(proof_label) - 1)
#define WELCOME_LABEL_LEN (sizeof(welcome_label) - 1)

/* Bytes of each payload before its MAC, and of struct dipc_eth_ends on the wire. */
#define PROOF_BODY_LEN (DIPC_ETH_PROOF_LEN - DIPC_ETH_MAC_LEN)
#define WELCOME_BODY_LEN (DIPC_ETH_WELCOME_LEN - DIPC_ETH_MAC_LEN)
#define ENDS_LEN 12
/* What the cookie covers: client nonce, issued, client address and port. */
#define COOKIE_IN_LEN (8 + 8 + 4 + 2)
/* The HMACs' inputs. */
#define PROOF_IN_LEN (PROOF_LABEL_LEN + PROOF_BODY_LEN + ENDS_LEN)
#define WELCOME_IN_LEN (WELCOME_LABEL_LEN + 8 + 8 + 4 + 4 + WELCOME_BODY_LEN + ENDS_LEN)

_Static_assert(PROOF_BODY_LEN == 32, "PROOF: 32 bytes before the MAC");
_Static_assert(WELCOME_BODY_LEN == 16, "WELCOME: 16 bytes before the MAC");
_Static_assert(DIPC_ETH_REFUSE_MIN_LEN + DIPC_ETH_REASON_LEN <= 256,
	       "a REFUSE fits a control frame (DIPC_ETH_CTRL_MAX_LEN)");
_Static_assert(DIPC_ETH_PROOF_LEN <= 256 && DIPC_ETH_WELCOME_LEN <= 256,
	       "payloads fit a control frame");

/* Little-endian and network-order fields, one byte at a time: no
 * alignment asked of the buffer, the same bytes on any host. */
static void
put_le16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *b, uint32_t v)
{
	put_le16(b, (uint16_t)v);
	put_le16(b + 2, (uint16_t)(v >> 16));
}

static void
put_le64(uint8_t *b, uint64_t v)
{
	put_le32(b, (uint32_t)v);
	put_le32(b + 4, (uint32_t)(v >> 32));
}

static uint16_t
get_le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | (uint16_t)(b[1] << 8));
}

static uint32_t
get_le32(const uint8_t *b)
{
	return get_le16(b) | ((uint32_t)get_le16(b + 2) << 16);
}

static uint64_t
get_le64(const uint8_t *b)
{
	return get_le32(b) | ((uint64_t)get_le32(b + 4) << 32);
}

static void
put_be16(uint8_t *b, rte_be16_t v)
{
	uint16_t h = rte_be_to_cpu_16(v);

	b[0] = (uint8_t)(h >> 8);
	b[1] = (uint8_t)h;
}

static void
put_be32(uint8_t *b, rte_be32_t v)
{
	uint32_t h = rte_be_to_cpu_32(v);

	b[0] = (uint8_t)(h >> 24);
	b[1] = (uint8_t)(h >> 16);
	b[2] = (uint8_t)(h >> 8);
	b[3] = (uint8_t)h;
}

/* The 12 bytes of @e as the MACs cover them: client address, server
 * address, client port, server port, each in network order. */
static void
ends_put(uint8_t *b, const struct dipc_eth_ends *e)
{
	put_be32(b, e->client_ip);
	put_be32(b + 4, e->server_ip);
	put_be16(b + 8, e->client_port);
	put_be16(b + 10, e->server_port);
}

/* The field checks, shared by each encoder (it refuses what the decoder
 * would) and decoder. */
static int
hello_ok(const struct dipc_eth_hello *p)
{
	return p->min_version >= 1 && p->max_version >= p->min_version && p->window >= 1 &&
	       p->flags == 0 && p->client_nonce != 0 && p->max_msg_len >= DIPC_MSG_HDR_LEN;
}

/* The CHALLENGE's version is checked against the HELLO's range by the
 * client, which knows it; here only what any HELLO allows. */
static int
challenge_ok(const struct dipc_eth_challenge *p)
{
	return p->version >= 1 && p->flags == 0 && p->client_nonce != 0 &&
	       p->server_nonce != 0;
}

static int
proof_ok(const struct dipc_eth_proof *p)
{
	return p->version >= 1 && p->window >= 1 && p->max_msg_len >= DIPC_MSG_HDR_LEN &&
	       p->client_nonce != 0 && p->server_nonce != 0;
}

/* "1..asked" and "24..asked": what was asked is the client's to compare. */
static int
welcome_ok(const struct dipc_eth_welcome *p)
{
	return p->version >= 1 && p->window >= 1 && p->max_msg_len >= DIPC_MSG_HDR_LEN &&
	       p->heartbeat_ms >= 1;
}

static int
reason_char_ok(char c)
{
	return c >= 0x20 && c <= 0x7e;
}

/* Length of a REFUSE's reason (printable ASCII, NUL within the array), or -1. */
static int
reason_len(const struct dipc_eth_refuse *p)
{
	int i;

	for (i = 0; i < DIPC_ETH_REASON_LEN; i++) {
		if (p->reason[i] == '\0')
			return i;
		if (!reason_char_ok(p->reason[i]))
			return -1;
	}
	return -1;
}

static int
refuse_status_ok(uint32_t status)
{
	return status != 0 && status < DIPC_ETH_ERRNO_MAX;
}

/* Wire bytes 0..31 of a PROOF (the part its MAC covers). */
static void
proof_put_body(uint8_t *b, const struct dipc_eth_proof *p)
{
	put_le16(b, p->version);
	put_le16(b + 2, p->window);
	put_le32(b + 4, p->max_msg_len);
	put_le64(b + 8, p->client_nonce);
	put_le64(b + 16, p->server_nonce);
	put_le64(b + 24, p->issued);
}

/* Wire bytes 0..15 of a WELCOME, reserved bytes 0. */
static void
welcome_put_body(uint8_t *b, const struct dipc_eth_welcome *p)
{
	put_le16(b, p->version);
	put_le16(b + 2, p->window);
	put_le32(b + 4, p->max_msg_len);
	put_le32(b + 8, p->heartbeat_ms);
	put_le16(b + 12, p->queue);
	put_le16(b + 14, 0);
}

int
dipc_eth_hello_encode(const struct dipc_eth_hello *p, uint8_t *buf, size_t len)
{
	if (!hello_ok(p))
		return -EINVAL;
	if (len < DIPC_ETH_HELLO_LEN)
		return -ENOSPC;
	put_le16(buf, p->min_version);
	put_le16(buf + 2, p->max_version);
	put_le16(buf + 4, p->window);
	put_le16(buf + 6, p->flags);
	put_le64(buf + 8, p->client_nonce);
	put_le32(buf + 16, p->max_msg_len);
	put_le32(buf + 20, 0);
	return DIPC_ETH_HELLO_LEN;
}

int
dipc_eth_hello_decode(const uint8_t *buf, size_t len, struct dipc_eth_hello *p)
{
	struct dipc_eth_hello h;

	if (len != DIPC_ETH_HELLO_LEN)
		return -EINVAL;
	memset(&h, 0, sizeof(h));
	h.min_version = get_le16(buf);
	h.max_version = get_le16(buf + 2);
	h.window = get_le16(buf + 4);
	h.flags = get_le16(buf + 6);
	h.client_nonce = get_le64(buf + 8);
	h.max_msg_len = get_le32(buf + 16);
	/* 20..23 reserved: ignored, so that a later version may use them. */
	if (!hello_ok(&h))
		return -EINVAL;
	*p = h;
	return 0;
}

int
dipc_eth_challenge_encode(const struct dipc_eth_challenge *p, uint8_t *buf, size_t len)
{
	if (!challenge_ok(p))
		return -EINVAL;
	if (len < DIPC_ETH_CHALLENGE_LEN)
		return -ENOSPC;
	put_le16(buf, p->version);
	put_le16(buf + 2, p->flags);
	put_le32(buf + 4, 0);
	put_le64(buf + 8, p->client_nonce);
	put_le64(buf + 16, p->server_nonce);
	put_le64(buf + 24, p->issued);
	return DIPC_ETH_CHALLENGE_LEN;
}

int
dipc_eth_challenge_decode(const uint8_t *buf, size_t len, struct dipc_eth_challenge *p)
{
	struct dipc_eth_challenge c;

	if (len != DIPC_ETH_CHALLENGE_LEN)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.version = get_le16(buf);
	c.flags = get_le16(buf + 2);
	/* 4..7 reserved. */
	c.client_nonce = get_le64(buf + 8);
	c.server_nonce = get_le64(buf + 16);
	c.issued = get_le64(buf + 24);
	if (!challenge_ok(&c))
		return -EINVAL;
	*p = c;
	return 0;
}

int
dipc_eth_proof_encode(const struct dipc_eth_proof *p, uint8_t *buf, size_t len)
{
	if (!proof_ok(p))
		return -EINVAL;
	if (len < DIPC_ETH_PROOF_LEN)
		return -ENOSPC;
	proof_put_body(buf, p);
	memcpy(buf + PROOF_BODY_LEN, p->mac, DIPC_ETH_MAC_LEN);
	return DIPC_ETH_PROOF_LEN;
}

int
dipc_eth_proof_decode(const uint8_t *buf, size_t len, struct dipc_eth_proof *p)
{
	struct dipc_eth_proof f;

	if (len != DIPC_ETH_PROOF_LEN)
		return -EINVAL;
	memset(&f, 0, sizeof(f));
	f.version = get_le16(buf);
	f.window = get_le16(buf + 2);
	f.max_msg_len = get_le32(buf + 4);
	f.client_nonce = get_le64(buf + 8);
	f.server_nonce = get_le64(buf + 16);
	f.issued = get_le64(buf + 24);
	memcpy(f.mac, buf + PROOF_BODY_LEN, DIPC_ETH_MAC_LEN);
	if (!proof_ok(&f))
		return -EINVAL;
	*p = f;
	return 0;
}

int
dipc_eth_welcome_encode(const struct dipc_eth_welcome *p, uint8_t *buf, size_t len)
{
	if (!welcome_ok(p))
		return -EINVAL;
	if (len < DIPC_ETH_WELCOME_LEN)
		return -ENOSPC;
	welcome_put_body(buf, p);
	memcpy(buf + WELCOME_BODY_LEN, p->mac, DIPC_ETH_MAC_LEN);
	return DIPC_ETH_WELCOME_LEN;
}

int
dipc_eth_welcome_decode(const uint8_t *buf, size_t len, struct dipc_eth_welcome *p)
{
	struct dipc_eth_welcome w;

	if (len != DIPC_ETH_WELCOME_LEN)
		return -EINVAL;
	memset(&w, 0, sizeof(w));
	w.version = get_le16(buf);
	w.window = get_le16(buf + 2);
	w.max_msg_len = get_le32(buf + 4);
	w.heartbeat_ms = get_le32(buf + 8);
	w.queue = get_le16(buf + 12);
	/* 14..15 reserved. */
	memcpy(w.mac, buf + WELCOME_BODY_LEN, DIPC_ETH_MAC_LEN);
	if (!welcome_ok(&w))
		return -EINVAL;
	*p = w;
	return 0;
}

int
dipc_eth_refuse_encode(const struct dipc_eth_refuse *p, uint8_t *buf, size_t len)
{
	int n = reason_len(p);
	size_t total;

	if (!refuse_status_ok(p->status) || n < 0)
		return -EINVAL;
	/* The reason and its NUL, no padding: the shortest form. */
	total = DIPC_ETH_REFUSE_MIN_LEN + (size_t)n + 1;
	if (len < total)
		return -ENOSPC;
	put_le32(buf, p->status);
	put_le32(buf + 4, 0);
	memcpy(buf + DIPC_ETH_REFUSE_MIN_LEN, p->reason, (size_t)n);
	buf[DIPC_ETH_REFUSE_MIN_LEN + n] = 0;
	return (int)total;
}

int
dipc_eth_refuse_decode(const uint8_t *buf, size_t len, struct dipc_eth_refuse *p)
{
	struct dipc_eth_refuse r;
	size_t i, n;

	if (len < DIPC_ETH_REFUSE_MIN_LEN || len > DIPC_ETH_REFUSE_MIN_LEN + DIPC_ETH_REASON_LEN)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	r.status = get_le32(buf);
	/* 4..7 reserved. */
	if (!refuse_status_ok(r.status))
		return -EINVAL;
	/* The reason: printable ASCII up to a NUL, then only NULs to the
	 * payload's end. It will be logged or shown: no control character,
	 * nothing hidden after the terminator. A payload of 8 bytes has no
	 * reason at all (empty). */
	n = len - DIPC_ETH_REFUSE_MIN_LEN;
	for (i = 0; i < n; i++) {
		char c = (char)buf[DIPC_ETH_REFUSE_MIN_LEN + i];

		if (c == '\0')
			break;
		if (!reason_char_ok(c))
			return -EINVAL;
		r.reason[i] = c;
	}
	if (n > 0 && i == n)
		return -EINVAL; /* not terminated within the payload */
	for (; i < n; i++)
		if (buf[DIPC_ETH_REFUSE_MIN_LEN + i] != 0)
			return -EINVAL;
	*p = r;
	return 0;
}

int
dipc_eth_ping_encode(const struct dipc_eth_ping *p, uint8_t *buf, size_t len)
{
	if (len < DIPC_ETH_PING_LEN)
		return -ENOSPC;
	put_le64(buf, p->stamp);
	put_le64(buf + 8, p->seq);
	return DIPC_ETH_PING_LEN;
}

int
dipc_eth_ping_decode(const uint8_t *buf, size_t len, struct dipc_eth_ping *p)
{
	if (len != DIPC_ETH_PING_LEN)
		return -EINVAL;
	p->stamp = get_le64(buf);
	p->seq = get_le64(buf + 8);
	return 0;
}

int
dipc_eth_close_encode(const struct dipc_eth_close *p, uint8_t *buf, size_t len)
{
	if (p->status >= DIPC_ETH_ERRNO_MAX)
		return -EINVAL;
	if (len < DIPC_ETH_CLOSE_LEN)
		return -ENOSPC;
	put_le32(buf, p->status);
	put_le32(buf + 4, 0);
	return DIPC_ETH_CLOSE_LEN;
}

int
dipc_eth_close_decode(const uint8_t *buf, size_t len, struct dipc_eth_close *p)
{
	uint32_t status;

	if (len != DIPC_ETH_CLOSE_LEN)
		return -EINVAL;
	status = get_le32(buf);
	/* 4..7 reserved. */
	if (status >= DIPC_ETH_ERRNO_MAX)
		return -EINVAL;
	p->status = status;
	return 0;
}

int
dipc_eth_cookie_key_init(struct dipc_eth_cookie_key *k)
{
	if (RAND_bytes(k->key, (int)sizeof(k->key)) != 1)
		return -EIO;
	return 0;
}

/* HMAC-SHA256 of @len bytes at @in under @key; 0, or -EIO. */
static int
conn_hmac(const uint8_t *key, int key_len, const uint8_t *in, size_t len,
	  uint8_t mac[DIPC_ETH_MAC_LEN])
{
	unsigned int mac_len = 0;

	if (HMAC(EVP_sha256(), key, key_len, in, len, mac, &mac_len) == NULL ||
	    mac_len != DIPC_ETH_MAC_LEN)
		return -EIO;
	return 0;
}

uint64_t
dipc_eth_cookie(const struct dipc_eth_cookie_key *k, uint64_t client_nonce, uint64_t issued,
		rte_be32_t client_ip, rte_be16_t client_port)
{
	uint8_t in[COOKIE_IN_LEN], mac[DIPC_ETH_MAC_LEN];
	uint64_t cookie;

	put_le64(in, client_nonce);
	put_le64(in + 8, issued);
	put_be32(in + 16, client_ip);
	put_be16(in + 20, client_port);
	if (conn_hmac(k->key, (int)sizeof(k->key), in, sizeof(in), mac) != 0)
		return 0;
	cookie = get_le64(mac);
	OPENSSL_cleanse(mac, sizeof(mac));
	/* 0 is no nonce (the decoders refuse it): give its 2^-64 share to 1. */
	return cookie != 0 ? cookie : 1;
}

int
dipc_eth_cookie_check(const struct dipc_eth_cookie_key *k, const struct dipc_eth_proof *p,
		      rte_be32_t client_ip, rte_be16_t client_port, uint64_t now,
		      uint64_t max_age)
{
	uint8_t want[8], have[8];
	uint64_t cookie = dipc_eth_cookie(k, p->client_nonce, p->issued, client_ip, client_port);
	int diff;

	if (cookie == 0)
		return -EACCES; /* libcrypto failed: not proven ours */
	/* Compared in constant time: the time taken must not tell a forger
	 * how many of a guess's leading bytes were right. */
	put_le64(want, cookie);
	put_le64(have, p->server_nonce);
	diff = CRYPTO_memcmp(want, have, sizeof(want));
	OPENSSL_cleanse(want, sizeof(want));
	if (diff != 0)
		return -EACCES;
	/* issued is ours (the cookie covers it), so a future one means the
	 * clock went back: refused as well as one too old. */
	if (now < p->issued || now - p->issued > max_age)
		return -ETIMEDOUT;
	return 0;
}

/* The token's HMAC key: k0 then k1, each little-endian. */
static void
token_key(const struct dipc_token *t, uint8_t key[16])
{
	put_le64(key, t->k0);
	put_le64(key + 8, t->k1);
}

int
dipc_eth_proof_mac(const struct dipc_token *t, const struct dipc_eth_proof *p,
		   const struct dipc_eth_ends *ends, uint8_t mac[DIPC_ETH_MAC_LEN])
{
	uint8_t key[16], in[PROOF_IN_LEN];
	int ret;

	memcpy(in, proof_label, PROOF_LABEL_LEN);
	proof_put_body(in + PROOF_LABEL_LEN, p);
	ends_put(in + PROOF_LABEL_LEN + PROOF_BODY_LEN, ends);
	token_key(t, key);
	ret = conn_hmac(key, (int)sizeof(key), in, sizeof(in), mac);
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

int
dipc_eth_proof_check(const struct dipc_token *t, const struct dipc_eth_proof *p,
		     const struct dipc_eth_ends *ends)
{
	uint8_t mac[DIPC_ETH_MAC_LEN];
	int ret = dipc_eth_proof_mac(t, p, ends, mac);

	if (ret == 0 && CRYPTO_memcmp(mac, p->mac, DIPC_ETH_MAC_LEN) != 0)
		ret = -EACCES;
	OPENSSL_cleanse(mac, sizeof(mac));
	return ret;
}

int
dipc_eth_welcome_mac(const struct dipc_token *t, const struct dipc_eth_welcome *w,
		     uint64_t client_nonce, uint64_t server_nonce, uint32_t conn_id,
		     uint32_t conn_gen, const struct dipc_eth_ends *ends,
		     uint8_t mac[DIPC_ETH_MAC_LEN])
{
	uint8_t key[16], in[WELCOME_IN_LEN], *b = in;
	int ret;

	memcpy(b, welcome_label, WELCOME_LABEL_LEN);
	b += WELCOME_LABEL_LEN;
	put_le64(b, client_nonce);
	put_le64(b + 8, server_nonce);
	put_le32(b + 16, conn_id);
	put_le32(b + 20, conn_gen);
	b += 24;
	welcome_put_body(b, w);
	ends_put(b + WELCOME_BODY_LEN, ends);
	token_key(t, key);
	ret = conn_hmac(key, (int)sizeof(key), in, sizeof(in), mac);
	OPENSSL_cleanse(key, sizeof(key));
	return ret;
}

int
dipc_eth_welcome_check(const struct dipc_token *t, const struct dipc_eth_welcome *w,
		       uint64_t client_nonce, uint64_t server_nonce, uint32_t conn_id,
		       uint32_t conn_gen, const struct dipc_eth_ends *ends)
{
	uint8_t mac[DIPC_ETH_MAC_LEN];
	int ret = dipc_eth_welcome_mac(t, w, client_nonce, server_nonce, conn_id, conn_gen,
				       ends, mac);

	if (ret == 0 && CRYPTO_memcmp(mac, w->mac, DIPC_ETH_MAC_LEN) != 0)
		ret = -EACCES;
	OPENSSL_cleanse(mac, sizeof(mac));
	return ret;
}
