/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CODEC_SEAL_H
#define DIPC_CODEC_SEAL_H

/**
 * @file
 * Integrity and size options of a message body, chosen per message by the
 * header flags DIPC_MSG_F_CSUM and DIPC_MSG_F_COMPRESSED
 * (lib/msg/dipc_msg.h). docs/SCHEMA.md ("Checksum and compression") has
 * the bytes:
 * @code
 *  plain body:       | body (body_len bytes)                                   |
 *  compressed body:  | original length u32 LE | LZ4 block (body_len - 4 bytes) |
 *  CSUM:             header csum = CRC32C (Castagnoli) of the body_len bytes
 *                    that follow the header, as sent (after compression)
 * @endcode
 * A sender builds a body (<pkg>_<msg>_build_init(), in place or in a
 * scratch buffer) and seals it with dipc_codec_seal(): the CRC32C goes to
 * the header's csum, and a body longer than a threshold is LZ4-compressed
 * when that makes it shorter. A receiver opens it with dipc_codec_open():
 * the CRC is checked, a compressed body is decompressed into a buffer of
 * the caller's, and then the generated validator runs on the plain body.
 * Neither allocates: every buffer is the caller's.
 */

#include <stdint.h>
#include <string.h>

#include <rte_hash_crc.h>

#include "dipc_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/** dipc_codec_seal() option: put a CRC32C of the body as sent in the header. */
#define DIPC_CODEC_SEAL_F_CSUM 0x1u
/** dipc_codec_seal() option: LZ4-compress a body longer than the threshold. */
#define DIPC_CODEC_SEAL_F_LZ4 0x2u
/** Every dipc_codec_seal() option. */
#define DIPC_CODEC_SEAL_F_ALL 0x3u
/** Bytes before the LZ4 block of a compressed body: the plain length, u32 LE. */
#define DIPC_CODEC_LZ4_HDR_LEN 4u
/** Largest plain body a compressed body may announce (LZ4's own limit). */
#define DIPC_CODEC_LZ4_MAX 0x7E000000u

/**
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78, initial value and
 * final XOR 0xFFFFFFFF: the CRC of iSCSI, ext4 and SCTP) of @p len bytes
 * at any alignment, with DPDK's rte_hash_crc_*byte() (the SSE4.2 crc32
 * instruction where the CPU has it, DPDK's tables otherwise). The CRC of
 * "123456789" is 0xE3069283.
 *
 * @param buf
 *   The bytes (may be NULL when @p len is 0).
 * @param len
 *   Their number.
 * @return
 *   The CRC32C.
 */
static inline uint32_t
dipc_codec_crc32c(const void *buf, uint32_t len)
{
	const uint8_t *p = (const uint8_t *)buf;
	uint32_t crc = 0xffffffffu;
	uint64_t v8;
	uint32_t v4;
	uint16_t v2;

	/* memcpy loads: rte_hash_crc() itself dereferences a uint64_t pointer,
	 * which a body at an odd offset would make undefined. */
	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&v8, p, sizeof(v8));
		crc = rte_hash_crc_8byte(v8, crc);
	}
	if (len & 4) {
		memcpy(&v4, p, sizeof(v4));
		crc = rte_hash_crc_4byte(v4, crc);
		p += 4;
	}
	if (len & 2) {
		memcpy(&v2, p, sizeof(v2));
		crc = rte_hash_crc_2byte(v2, crc);
		p += 2;
	}
	if (len & 1)
		crc = rte_hash_crc_1byte(*p, crc);
	return ~crc;
}

/**
 * Seal a body: compress it if asked and worth it, checksum it if asked,
 * and describe the result in the message header.
 *
 * With DIPC_CODEC_SEAL_F_LZ4, a body longer than @p compress_over bytes is
 * written as its length (u32 LE) and an LZ4 block, but only if that is
 * shorter than the body; otherwise (and always without the option) the
 * body is written as it is. The result is never longer than @p body_len,
 * so @p room >= @p body_len always suffices. With DIPC_CODEC_SEAL_F_CSUM,
 * the CRC32C of the @p out bytes written goes to h->csum.
 *
 * @param h
 *   The message header. Sets body_len to the bytes written at @p out,
 *   DIPC_MSG_F_COMPRESSED and DIPC_MSG_F_CSUM as applied (cleared
 *   otherwise), csum to the CRC32C or 0. Other fields are not touched.
 * @param body
 *   The plain body.
 * @param body_len
 *   Its length.
 * @param out
 *   Where the body as sent goes, usually right after the header. May be
 *   @p body itself (nothing is copied), unless the body is to be
 *   compressed; otherwise it must not overlap @p body.
 * @param room
 *   Bytes at @p out.
 * @param opts
 *   DIPC_CODEC_SEAL_F_* bits.
 * @param compress_over
 *   With DIPC_CODEC_SEAL_F_LZ4: bodies of more than this many bytes are
 *   compressed (when it makes them shorter).
 * @return
 *   0; -EINVAL for a NULL pointer, an unknown option, or a body to
 *   compress that is @p out itself; -ENOSPC when the result does not fit
 *   @p room (h is then not changed).
 */
int dipc_codec_seal(struct dipc_msg_hdr *h, const void *body, uint32_t body_len, void *out,
		    uint32_t room, uint32_t opts, uint32_t compress_over);

/**
 * Open a received body: check its CRC32C if the header has
 * DIPC_MSG_F_CSUM, and decompress it into @p buf if it has
 * DIPC_MSG_F_COMPRESSED. Then validate the plain body with the generated
 * <pkg>_<msg>_validate().
 *
 * Reads only the @p body_len bytes at @p body and writes only inside
 * [@p buf, @p buf + @p room), whatever the input. Of a plain body nothing is
 * copied: *plain is @p body.
 *
 * @param h
 *   The header (validated by dipc_msg_validate_request() or _response()).
 * @param body
 *   The body as received.
 * @param body_len
 *   Its length (dipc_codec_mbuf_body() gives both).
 * @param buf
 *   Where a compressed body is decompressed; may be NULL if @p room is 0.
 *   Must not overlap @p body.
 * @param room
 *   Bytes at @p buf: the largest plain body accepted.
 * @param[out] plain
 *   The plain body (@p body or @p buf).
 * @param[out] plain_len
 *   Its length.
 * @return
 *   0;
 *   -EBADMSG: the CRC32C of the body differs from the header's csum;
 *   -EPROTO: the compressed body is malformed: shorter than its 4-byte
 *   length, an LZ4 block that does not decode, or decodes to another
 *   length than announced;
 *   -EMSGSIZE: the announced plain length is over @p room (nothing is
 *   decompressed);
 *   -EINVAL: a NULL pointer.
 */
int dipc_codec_open(const struct dipc_msg_hdr *h, const void *body, uint32_t body_len,
		    void *buf, uint32_t room, const void **plain, uint32_t *plain_len);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_CODEC_SEAL_H */
