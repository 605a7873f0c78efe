/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_ETH_CONN_H
#define DIPC_ETH_CONN_H

/**
 * @file
 * The eth transport's connection layer: the payloads of its control
 * frames (every frame type but DATA and ACK; ACK is defined on the wire
 * but not sent: a request's answer and the ack field of every frame do
 * its work, docs/WIRE.md, "Reliability") and the admission's proofs.
 *
 * Admission over the wire, four frames:
 *   client HELLO     -> (versions, window, largest message, client nonce)
 *   server CHALLENGE <- (version chosen, client nonce, server nonce, issued)
 *   client PROOF     -> (what it asks for, both nonces, issued,
 *                        HMAC-SHA256 under the token of all of it and of
 *                        both ends' addresses)
 *   server WELCOME   <- (connection id and generation in the frame header,
 *                        what is granted, HMAC-SHA256 under the token: the
 *                        server proves it knows the token too)
 *   or server REFUSE <- (a status and a short reason)
 * The token never travels. The server keeps no state between CHALLENGE
 * and PROOF: its nonce is a cookie, the first 8 bytes of HMAC-SHA256
 * under a secret drawn at server start of (client nonce, issued, client
 * address and port), recomputed and compared when the PROOF comes, and
 * accepted for a limited age (so a flood of HELLOs costs the server no
 * memory, and a PROOF cannot be replayed later or from another address).
 *
 * Encoders write the little-endian wire form into a caller's buffer;
 * decoders read a received payload (untrusted: its length and every field
 * are checked) into a host structure the caller uses instead. The MACs
 * use OpenSSL's libcrypto (HMAC with EVP_sha256, CRYPTO_memcmp to
 * compare). No function allocates from the DPDK heap, takes a lock or
 * logs. Internal to dipc's own processes (not installed).
 */

#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>

#include "dipc_token.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Connection protocol versions this build speaks (HELLO's range must hold one). */
#define DIPC_ETH_PROTO_VERSION 1

/** REFUSE and CLOSE carry errno values below this: what the client's
 *  connect and calls return, so that a caller can tell a wrong token from
 *  a full server. */
#define DIPC_ETH_ERRNO_MAX 4096

/** Bytes of an HMAC-SHA256. */
#define DIPC_ETH_MAC_LEN 32

/** Payload sizes on the wire (exact: a payload of another length is refused). */
#define DIPC_ETH_HELLO_LEN 24
#define DIPC_ETH_CHALLENGE_LEN 32
#define DIPC_ETH_PROOF_LEN (32 + DIPC_ETH_MAC_LEN)
#define DIPC_ETH_WELCOME_LEN (16 + DIPC_ETH_MAC_LEN)
/** REFUSE: 8 bytes, then a reason of up to DIPC_ETH_REASON_LEN - 1 bytes
 *  (NUL-padded on the wire to the payload's end; length 8..8 + DIPC_ETH_REASON_LEN;
 *  a payload of exactly 8 bytes has an empty reason). */
#define DIPC_ETH_REFUSE_MIN_LEN 8
#define DIPC_ETH_REASON_LEN 64
#define DIPC_ETH_PING_LEN 16
#define DIPC_ETH_CLOSE_LEN 8

/** Client HELLO: what it speaks and asks for. */
struct dipc_eth_hello {
	uint16_t min_version;  /**< oldest protocol version it speaks, >= 1 */
	uint16_t max_version;  /**< newest, >= min_version */
	uint16_t window;       /**< messages it asks to have in flight, >= 1 */
	uint16_t flags;        /**< 0 (none defined; others refused) */
	uint64_t client_nonce; /**< fresh random, not 0 */
	uint32_t max_msg_len;  /**< largest message it sends or accepts, >= 24 (a dipc header) */
	/* 4 reserved bytes on the wire: 0 when sent, ignored when received. */
};

/** Server CHALLENGE. */
struct dipc_eth_challenge {
	uint16_t version;      /**< protocol version chosen, within the HELLO's range */
	uint16_t flags;        /**< 0 */
	uint64_t client_nonce; /**< the HELLO's, echoed */
	uint64_t server_nonce; /**< the cookie (dipc_eth_cookie()), not 0 */
	uint64_t issued;       /**< when the cookie was made, in the server's clock (ms) */
	/* 4 reserved bytes after flags on the wire. */
};

/** Client PROOF. */
struct dipc_eth_proof {
	uint16_t version;      /**< the CHALLENGE's */
	uint16_t window;       /**< as in the HELLO, >= 1 */
	uint32_t max_msg_len;  /**< as in the HELLO, >= 24 */
	uint64_t client_nonce; /**< not 0 */
	uint64_t server_nonce; /**< the CHALLENGE's cookie */
	uint64_t issued;       /**< the CHALLENGE's */
	uint8_t mac[DIPC_ETH_MAC_LEN]; /**< dipc_eth_proof_mac() */
};

/** Server WELCOME (the connection's id and generation are the frame header's). */
struct dipc_eth_welcome {
	uint16_t version;      /**< protocol version of the connection */
	uint16_t window;       /**< messages the client may have in flight, 1..asked */
	uint32_t max_msg_len;  /**< largest message either side sends, 24..asked */
	uint32_t heartbeat_ms; /**< the server's heartbeat period, >= 1 */
	uint16_t queue;        /**< the server's queue serving the connection (a client
				*   that chooses its TX queue, e.g. over net_memif, sends
				*   on this one) */
	/* 2 reserved bytes on the wire. */
	uint8_t mac[DIPC_ETH_MAC_LEN]; /**< dipc_eth_welcome_mac() */
};

/** Server REFUSE. */
struct dipc_eth_refuse {
	uint32_t status;                  /**< why, an errno value, 1..DIPC_ETH_ERRNO_MAX - 1
					   *   (EACCES: wrong token; EPROTONOSUPPORT: no common
					   *   version; EAGAIN: no free connection; ESHUTDOWN:
					   *   stopping; ETIMEDOUT: challenge expired) */
	char reason[DIPC_ETH_REASON_LEN]; /**< NUL-terminated, printable ASCII only */
};

/** PING (either side), answered by a PONG with the same values (the same
 *  payload: dipc_eth_ping_encode() and dipc_eth_ping_decode() serve both). */
struct dipc_eth_ping {
	uint64_t stamp;        /**< the sender's clock, echoed */
	uint64_t seq;          /**< the sender's ping count, echoed */
};

/** CLOSE (either side). */
struct dipc_eth_close {
	uint32_t status;       /**< why: 0 for an orderly close, else an errno value
				*   below DIPC_ETH_ERRNO_MAX (ESHUTDOWN: the server stops) */
};

/** The addresses a proof binds: both ends, network order. */
struct dipc_eth_ends {
	rte_be32_t client_ip;
	rte_be32_t server_ip;
	rte_be16_t client_port;
	rte_be16_t server_port;
};

/** The server's cookie secret, drawn once at start. */
struct dipc_eth_cookie_key {
	uint8_t key[32];
};

/**
 * Encode a payload into @p buf.
 *
 * @return
 *   Bytes written (the payload's length; a REFUSE's is 8 + its reason's
 *   length + 1, the shortest form), or -EINVAL (a field the decoder would
 *   refuse), -ENOSPC (@p len too small).
 */
int dipc_eth_hello_encode(const struct dipc_eth_hello *p, uint8_t *buf, size_t len);
int dipc_eth_challenge_encode(const struct dipc_eth_challenge *p, uint8_t *buf, size_t len);
int dipc_eth_proof_encode(const struct dipc_eth_proof *p, uint8_t *buf, size_t len);
int dipc_eth_welcome_encode(const struct dipc_eth_welcome *p, uint8_t *buf, size_t len);
int dipc_eth_refuse_encode(const struct dipc_eth_refuse *p, uint8_t *buf, size_t len);
int dipc_eth_ping_encode(const struct dipc_eth_ping *p, uint8_t *buf, size_t len);
int dipc_eth_close_encode(const struct dipc_eth_close *p, uint8_t *buf, size_t len);

/**
 * Decode a received payload of @p len bytes (untrusted) into @p p.
 *
 * @return
 *   0, or -EINVAL: a length other than the type's, or a field out of the
 *   range its structure documents (versions, window, flags, nonces,
 *   lengths, a reason that is not printable ASCII or not terminated).
 *   On failure @p p is unchanged.
 */
int dipc_eth_hello_decode(const uint8_t *buf, size_t len, struct dipc_eth_hello *p);
int dipc_eth_challenge_decode(const uint8_t *buf, size_t len, struct dipc_eth_challenge *p);
int dipc_eth_proof_decode(const uint8_t *buf, size_t len, struct dipc_eth_proof *p);
int dipc_eth_welcome_decode(const uint8_t *buf, size_t len, struct dipc_eth_welcome *p);
int dipc_eth_refuse_decode(const uint8_t *buf, size_t len, struct dipc_eth_refuse *p);
int dipc_eth_ping_decode(const uint8_t *buf, size_t len, struct dipc_eth_ping *p);
int dipc_eth_close_decode(const uint8_t *buf, size_t len, struct dipc_eth_close *p);

/**
 * Draw a cookie secret (RAND_bytes).
 *
 * @return
 *   0, or -EIO (no randomness).
 */
int dipc_eth_cookie_key_init(struct dipc_eth_cookie_key *k);

/**
 * The server nonce of a CHALLENGE: the first 8 bytes (little-endian) of
 * HMAC-SHA256 under @p k of (client nonce, issued: 8 bytes each,
 * little-endian; client address and port: 6 bytes, network order), never
 * 0 (0 only if libcrypto failed: no CHALLENGE may carry it,
 * dipc_eth_challenge_encode() refuses it).
 */
uint64_t dipc_eth_cookie(const struct dipc_eth_cookie_key *k, uint64_t client_nonce,
			 uint64_t issued, rte_be32_t client_ip, rte_be16_t client_port);

/**
 * Check a PROOF's cookie: it is dipc_eth_cookie() of its fields and the
 * sender's address, and @p now - issued is at most @p max_age (same
 * unit as issued; a cookie from the future is refused too).
 *
 * @return
 *   0, -EACCES (not this server's cookie for this sender, or libcrypto
 *   failed), -ETIMEDOUT (too old, or from the future).
 */
int dipc_eth_cookie_check(const struct dipc_eth_cookie_key *k, const struct dipc_eth_proof *p,
			  rte_be32_t client_ip, rte_be16_t client_port, uint64_t now,
			  uint64_t max_age);

/**
 * The MAC of a PROOF: HMAC-SHA256 under the token's 16-byte key (k0, k1
 * little-endian) of the label "dipc-eth-proof-v1", the PROOF's 32 bytes
 * before its mac field as on the wire, and @p ends (12 bytes, network
 * order, in the structure's order: client address, server address, client
 * port, server port).
 *
 * @return
 *   0, or -EIO (libcrypto failed).
 */
int dipc_eth_proof_mac(const struct dipc_token *t, const struct dipc_eth_proof *p,
		       const struct dipc_eth_ends *ends, uint8_t mac[DIPC_ETH_MAC_LEN]);

/**
 * Check a PROOF's MAC in constant time.
 *
 * @return
 *   0, -EACCES (wrong MAC: the client does not know the token, or the
 *   PROOF or the addresses were changed), -EIO.
 */
int dipc_eth_proof_check(const struct dipc_token *t, const struct dipc_eth_proof *p,
			 const struct dipc_eth_ends *ends);

/**
 * The MAC of a WELCOME: HMAC-SHA256 under the token's key of the label
 * "dipc-eth-welcome-v1", both nonces (little-endian), the connection id
 * and generation (little-endian), the WELCOME's 16 bytes before its mac
 * field as on the wire, and @p ends.
 *
 * @return
 *   0, or -EIO.
 */
int dipc_eth_welcome_mac(const struct dipc_token *t, const struct dipc_eth_welcome *w,
			 uint64_t client_nonce, uint64_t server_nonce, uint32_t conn_id,
			 uint32_t conn_gen, const struct dipc_eth_ends *ends,
			 uint8_t mac[DIPC_ETH_MAC_LEN]);

/**
 * Check a WELCOME's MAC in constant time (the client's side).
 *
 * @return
 *   0, -EACCES (not from a server that knows the token), -EIO.
 */
int dipc_eth_welcome_check(const struct dipc_token *t, const struct dipc_eth_welcome *w,
			   uint64_t client_nonce, uint64_t server_nonce, uint32_t conn_id,
			   uint32_t conn_gen, const struct dipc_eth_ends *ends);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_ETH_CONN_H */
