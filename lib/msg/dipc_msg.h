/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_MSG_H
#define DIPC_MSG_H

/**
 * @file
 * dipc message header, protocol version 1.
 *
 * Every dipc message is an mbuf whose data starts with a fixed 24-byte
 * header, followed by the body. Writers fill the header in place and readers
 * validate it in place; nothing is copied or allocated. All fields are
 * little-endian (the only byte order dipc runs on today; the eth transport
 * will convert at the wire).
 *
 * Byte layout:
 * @code
 *  0      4       5      6        8        10        12          16         20      24
 *  | magic | vers. | flags | method | status | reserved | stream_id | body_len | csum |
 * @endcode
 *
 * The fast-path helpers are inline; the only out-of-line symbol is
 * dipc_msg_status_str().
 */

#include <stdint.h>
#include <stddef.h>

#include <rte_common.h>
#include <rte_mbuf.h>

#ifdef __cplusplus
extern "C" {
#endif

/** "DIPC" read as a little-endian 32-bit integer. */
#define DIPC_MSG_MAGIC 0x43504944u
/** Protocol version written by this build. */
#define DIPC_MSG_VERSION 1

/** Message is a request (client to server). */
#define DIPC_MSG_F_REQUEST  0x01
/** Message is a response (server to client). */
#define DIPC_MSG_F_RESPONSE 0x02
/** Response carries an error status; the body is empty. */
#define DIPC_MSG_F_ERROR    0x04
/** Request expects no response. */
#define DIPC_MSG_F_ONEWAY   0x08
/** Header csum holds a CRC32C of the body as sent (lib/codec: dipc_codec_seal()). */
#define DIPC_MSG_F_CSUM     0x10
/** Body is an LZ4 block after its 4-byte plain length (lib/codec: dipc_codec_seal()). */
#define DIPC_MSG_F_COMPRESSED 0x20
/** The flags that say how a body is sealed (lib/codec: dipc_codec_seal()). */
#define DIPC_MSG_F_SEAL_BITS (DIPC_MSG_F_CSUM | DIPC_MSG_F_COMPRESSED)
/** Every flag bit that version 1 defines. */
#define DIPC_MSG_F_ALL 0x3f

/** Built-in methods. 0 is never a valid method. */
enum dipc_method {
	DIPC_METHOD_ECHO = 1, /**< returns the request body unchanged */
	DIPC_METHOD_SINK = 2, /**< one-way; the body is discarded */
};

/** Status codes carried in responses. */
enum dipc_status {
	DIPC_STATUS_OK = 0,
	DIPC_STATUS_BAD_MAGIC = 1,      /**< magic is not DIPC_MSG_MAGIC */
	DIPC_STATUS_BAD_VERSION = 2,    /**< protocol version not supported */
	DIPC_STATUS_BAD_LENGTH = 3,     /**< body_len disagrees with the mbuf */
	DIPC_STATUS_BAD_FLAGS = 4,      /**< not a request, or unknown flag bits */
	DIPC_STATUS_UNKNOWN_METHOD = 5, /**< no handler for the method */
	DIPC_STATUS_SHUTTING_DOWN = 6,  /**< server is stopping */
	DIPC_STATUS_BAD_MBUF = 7,       /**< mbuf metadata corrupted (repaired by the server) */
	/**
	 * No answer came in time: made by the client library, never sent by
	 * a server, when a transport that sends requests again (eth) gives a
	 * request up. The request may or may not have run.
	 */
	DIPC_STATUS_TIMED_OUT = 8,
	DIPC_STATUS_MAX
};

/** Message header, at offset 0 of the first segment's data. */
struct dipc_msg_hdr {
	uint32_t magic;     /**< DIPC_MSG_MAGIC */
	uint8_t version;    /**< DIPC_MSG_VERSION */
	uint8_t flags;      /**< DIPC_MSG_F_* */
	uint16_t method;    /**< enum dipc_method or a registered service */
	uint16_t status;    /**< enum dipc_status; 0 in requests */
	uint16_t reserved;  /**< 0; ignored by readers */
	uint32_t stream_id; /**< chosen by the client, echoed in the response */
	uint32_t body_len;  /**< bytes after the header */
	uint32_t csum;      /**< CRC32C of the body when DIPC_MSG_F_CSUM */
};

/** Size of the version 1 header in bytes. */
#define DIPC_MSG_HDR_LEN 24

/**
 * Most segments of one message. A body larger than the largest size class
 * travels as a chain of mbufs (the header in the first segment); the
 * server drops a longer chain whole, so this bounds the walk.
 */
#define DIPC_MSG_MAX_SEGS 64

/** A compile-time check at file scope, in C (C11) and C++ (C++11) alike. */
#ifdef __cplusplus
#define DIPC_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define DIPC_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif

DIPC_STATIC_ASSERT(sizeof(struct dipc_msg_hdr) == DIPC_MSG_HDR_LEN, "header is 24 bytes");
DIPC_STATIC_ASSERT(offsetof(struct dipc_msg_hdr, stream_id) == 12, "stream_id at 12");
DIPC_STATIC_ASSERT(offsetof(struct dipc_msg_hdr, body_len) == 16, "body_len at 16");
DIPC_STATIC_ASSERT(offsetof(struct dipc_msg_hdr, csum) == 20, "csum at 20");

/**
 * Header of a message, in place.
 *
 * @param m
 *   An mbuf whose first segment holds at least DIPC_MSG_HDR_LEN bytes.
 * @return
 *   Pointer to the header inside the mbuf data.
 */
static __rte_always_inline struct dipc_msg_hdr *
dipc_msg_hdr(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, struct dipc_msg_hdr *);
}

/**
 * Body of a message, in place.
 *
 * @param m
 *   A message mbuf.
 * @return
 *   Pointer to the first body byte.
 */
static __rte_always_inline void *
dipc_msg_body(struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod_offset(m, void *, DIPC_MSG_HDR_LEN);
}

/**
 * Write a header in place and size the mbuf for the body.
 *
 * The mbuf must be freshly allocated or reset (one segment, data_len 0).
 *
 * @param m
 *   The message mbuf.
 * @param flags
 *   DIPC_MSG_F_* bits.
 * @param method
 *   Method id.
 * @param stream_id
 *   Stream id to carry.
 * @param body_len
 *   Body length in bytes; the caller fills the body afterwards.
 * @return
 *   0 on success, -ENOSPC if header plus body do not fit the first segment.
 */
static __rte_always_inline int
dipc_msg_init(struct rte_mbuf *m, uint8_t flags, uint16_t method, uint32_t stream_id,
	      uint32_t body_len)
{
	uint32_t room = rte_pktmbuf_tailroom(m);
	struct dipc_msg_hdr *h;

	if (room < DIPC_MSG_HDR_LEN || body_len > room - DIPC_MSG_HDR_LEN)
		return -ENOSPC;
	h = dipc_msg_hdr(m);
	h->magic = DIPC_MSG_MAGIC;
	h->version = DIPC_MSG_VERSION;
	h->flags = flags;
	h->method = method;
	h->status = DIPC_STATUS_OK;
	h->reserved = 0;
	h->stream_id = stream_id;
	h->body_len = body_len;
	h->csum = 0;
	m->data_len = (uint16_t)(DIPC_MSG_HDR_LEN + body_len);
	m->pkt_len = m->data_len;
	return 0;
}

/**
 * @internal
 * Checks shared by requests and responses: a whole header in the first
 * segment, magic, version, known flag bits, the direction bits masked by
 * @p dir_mask equal to @p dir, and body_len matching the mbuf exactly:
 * data_len of one segment, pkt_len of a chain (at most DIPC_MSG_MAX_SEGS
 * segments, whose walk the server checked against nb_segs and pkt_len).
 */
static __rte_always_inline enum dipc_status
__dipc_msg_validate(const struct rte_mbuf *m, uint8_t dir_mask, uint8_t dir)
{
	const struct dipc_msg_hdr *h;
	uint32_t data_len = m->data_len;

	if (data_len < DIPC_MSG_HDR_LEN)
		return DIPC_STATUS_BAD_LENGTH;
	h = rte_pktmbuf_mtod(m, const struct dipc_msg_hdr *);
	if (h->magic != DIPC_MSG_MAGIC)
		return DIPC_STATUS_BAD_MAGIC;
	if (h->version != DIPC_MSG_VERSION)
		return DIPC_STATUS_BAD_VERSION;
	if ((h->flags & ~DIPC_MSG_F_ALL) != 0 || (h->flags & dir_mask) != dir)
		return DIPC_STATUS_BAD_FLAGS;
	if (likely(m->nb_segs == 1)) {
		if (m->pkt_len != data_len || h->body_len != data_len - DIPC_MSG_HDR_LEN)
			return DIPC_STATUS_BAD_LENGTH;
		return DIPC_STATUS_OK;
	}
	/* A chain: the server walked it (every segment lent, counted, summed)
	 * before it got here; the header must agree with the total, and a
	 * chain carries bytes past its first segment. */
	if (m->nb_segs == 0 || m->nb_segs > DIPC_MSG_MAX_SEGS || m->next == NULL ||
	    m->pkt_len <= data_len || h->body_len != m->pkt_len - DIPC_MSG_HDR_LEN)
		return DIPC_STATUS_BAD_LENGTH;
	return DIPC_STATUS_OK;
}

/**
 * Validate a received request in place.
 *
 * Checks, in order: the first segment holds a whole header, magic, version,
 * flags (a request, no unknown bits, no response or error bits), and that
 * body_len matches the mbuf exactly (data_len, or pkt_len of a chain). The
 * method is not checked here: which methods exist is the server's business.
 *
 * @param m
 *   The received mbuf.
 * @return
 *   DIPC_STATUS_OK, or the first DIPC_STATUS_BAD_* that applies.
 */
static __rte_always_inline enum dipc_status
dipc_msg_validate_request(const struct rte_mbuf *m)
{
	return __dipc_msg_validate(m, DIPC_MSG_F_REQUEST | DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR,
				   DIPC_MSG_F_REQUEST);
}

/**
 * Validate a received response in place (client side): as
 * dipc_msg_validate_request(), but the message must be a response (with or
 * without the error bit).
 *
 * @param m
 *   The received mbuf.
 * @return
 *   DIPC_STATUS_OK, or the first DIPC_STATUS_BAD_* that applies.
 */
static __rte_always_inline enum dipc_status
dipc_msg_validate_response(const struct rte_mbuf *m)
{
	return __dipc_msg_validate(m, DIPC_MSG_F_REQUEST | DIPC_MSG_F_RESPONSE,
				   DIPC_MSG_F_RESPONSE);
}

/**
 * Turn a request into an error response in place.
 *
 * Rewrites the header (keeping the stream id when a whole header was
 * present) and trims the body, so an error costs no allocation.
 *
 * @param m
 *   The request mbuf; it becomes the response.
 * @param status
 *   The reason.
 */
static __rte_always_inline void
dipc_msg_make_error(struct rte_mbuf *m, enum dipc_status status)
{
	struct dipc_msg_hdr *h = dipc_msg_hdr(m);
	uint32_t stream_id = 0;
	uint16_t method = 0;

	/* An mbuf shorter than a header still has the room: data_room >= 24. */
	if (m->data_len >= DIPC_MSG_HDR_LEN) {
		stream_id = h->stream_id;
		method = h->method;
	}
	if (m->nb_segs > 1) {
		rte_pktmbuf_free(m->next);
		m->next = NULL;
	}
	m->nb_segs = 1; /* also mends a (corrupt) 0 */
	h->magic = DIPC_MSG_MAGIC;
	h->version = DIPC_MSG_VERSION;
	h->flags = DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR;
	h->method = method;
	h->status = (uint16_t)status;
	h->reserved = 0;
	h->stream_id = stream_id;
	h->body_len = 0;
	h->csum = 0;
	m->data_len = DIPC_MSG_HDR_LEN;
	m->pkt_len = DIPC_MSG_HDR_LEN;
}

/**
 * Name of a status code, for logs and tools.
 *
 * @param status
 *   A status value read from a header (any value).
 * @return
 *   A constant string; "unknown status" for values outside enum dipc_status.
 */
const char *dipc_msg_status_str(unsigned int status);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_MSG_H */
