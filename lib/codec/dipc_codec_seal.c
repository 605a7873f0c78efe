/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Checksum and compression of message bodies (dipc_codec_seal.h): the CRC32C
 * is DPDK's, the compression liblz4's block format. No allocation: LZ4 keeps
 * its compression state on the stack (LZ4_HEAPMODE 0, liblz4's default), and
 * every output buffer is the caller's.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <lz4.h>

#include <rte_log.h>

#include "dipc_codec.h"
#include "dipc_codec_seal.h"

/* dipc.codec: why a body was refused, at DEBUG (the caller gets the code). */
RTE_LOG_REGISTER_DEFAULT(dipc_codec_logtype, NOTICE);
#define CODEC_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_codec_logtype, "dipc codec: " fmt "\n", ##__VA_ARGS__)

/*
 * Compress @p body into out + 4 if the result, with its 4-byte length, is
 * shorter than the body and fits @p room. Returns the sealed length, or 0
 * when the body stays as it is.
 */
static uint32_t
seal_lz4(const void *body, uint32_t body_len, uint8_t *out, uint32_t room)
{
	uint32_t cap;
	int n;

	if (body_len <= DIPC_CODEC_LZ4_HDR_LEN + 1 || body_len > DIPC_CODEC_LZ4_MAX ||
	    room <= DIPC_CODEC_LZ4_HDR_LEN)
		return 0;
	/* At least one byte shorter than the body: LZ4 stops (returns 0) as
	 * soon as its output would not fit, so an incompressible body costs
	 * one attempt, never a longer message. */
	cap = body_len - DIPC_CODEC_LZ4_HDR_LEN - 1;
	if (cap > room - DIPC_CODEC_LZ4_HDR_LEN)
		cap = room - DIPC_CODEC_LZ4_HDR_LEN;
	n = LZ4_compress_default(body, (char *)out + DIPC_CODEC_LZ4_HDR_LEN, (int)body_len,
				 (int)cap);
	if (n <= 0)
		return 0;
	dipc_codec_st_u32(out, body_len);
	return DIPC_CODEC_LZ4_HDR_LEN + (uint32_t)n;
}

int
dipc_codec_seal(struct dipc_msg_hdr *h, const void *body, uint32_t body_len, void *out,
		uint32_t room, uint32_t opts, uint32_t compress_over)
{
	uint8_t flags;
	uint32_t len = 0;

	if (h == NULL || out == NULL || (body == NULL && body_len != 0) ||
	    (opts & ~DIPC_CODEC_SEAL_F_ALL) != 0)
		return -EINVAL;
	flags = h->flags & (uint8_t)~(DIPC_MSG_F_CSUM | DIPC_MSG_F_COMPRESSED);
	if ((opts & DIPC_CODEC_SEAL_F_LZ4) != 0 && body_len > compress_over) {
		if (out == body)
			return -EINVAL;
		len = seal_lz4(body, body_len, out, room);
		if (len != 0)
			flags |= DIPC_MSG_F_COMPRESSED;
	}
	if (len == 0) {
		if (body_len > room)
			return -ENOSPC;
		if (out != body && body_len != 0)
			memmove(out, body, body_len);
		len = body_len;
	}
	h->csum = 0;
	if ((opts & DIPC_CODEC_SEAL_F_CSUM) != 0) {
		flags |= DIPC_MSG_F_CSUM;
		h->csum = dipc_codec_crc32c(out, len);
	}
	h->flags = flags;
	h->body_len = len;
	return 0;
}

int
dipc_codec_open(const struct dipc_msg_hdr *h, const void *body, uint32_t body_len, void *buf,
		uint32_t room, const void **plain, uint32_t *plain_len)
{
	uint32_t orig;
	int n;

	if (h == NULL || plain == NULL || plain_len == NULL || (body == NULL && body_len != 0) ||
	    (buf == NULL && room != 0))
		return -EINVAL;
	if ((h->flags & DIPC_MSG_F_CSUM) != 0 && dipc_codec_crc32c(body, body_len) != h->csum) {
		CODEC_LOG(DEBUG, "stream %u: body CRC32C differs from the header's", h->stream_id);
		return -EBADMSG;
	}
	if ((h->flags & DIPC_MSG_F_COMPRESSED) == 0) {
		*plain = body;
		*plain_len = body_len;
		return 0;
	}
	if (body_len < DIPC_CODEC_LZ4_HDR_LEN) {
		CODEC_LOG(DEBUG, "stream %u: compressed body of %u bytes has no length",
			  h->stream_id, body_len);
		return -EPROTO;
	}
	orig = dipc_codec_ld_u32(body);
	if (orig > room) {
		CODEC_LOG(DEBUG, "stream %u: opens to %u bytes, room for %u", h->stream_id, orig,
			  room);
		return -EMSGSIZE;
	}
	if (orig > DIPC_CODEC_LZ4_MAX || body_len - DIPC_CODEC_LZ4_HDR_LEN > DIPC_CODEC_LZ4_MAX) {
		CODEC_LOG(DEBUG, "stream %u: LZ4 block past the largest size", h->stream_id);
		return -EPROTO;
	}
	/* The capacity is the announced length, not the room: a block that
	 * decodes to more is refused without writing past it. */
	n = LZ4_decompress_safe((const char *)body + DIPC_CODEC_LZ4_HDR_LEN, buf,
				(int)(body_len - DIPC_CODEC_LZ4_HDR_LEN), (int)orig);
	if (n < 0 || (uint32_t)n != orig) {
		CODEC_LOG(DEBUG, "stream %u: LZ4 block does not decode to %u bytes", h->stream_id,
			  orig);
		return -EPROTO;
	}
	*plain = buf;
	*plain_len = orig;
	return 0;
}
