/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CODEC_MBUF_H
#define DIPC_CODEC_MBUF_H

/**
 * @file
 * mbuf glue of the dipc codec: a body is the bytes after the 24-byte
 * message header (lib/msg/dipc_msg.h) of a one-segment message. The
 * generated headers wrap these per message (<pkg>_<msg>_mbuf_build_init(),
 * <pkg>_<msg>_validate_mbuf()); define DIPC_CODEC_NO_MBUF before including
 * a generated header to leave them (and DPDK) out. A body sent with a
 * checksum or compressed (dipc_codec_seal.h) is sealed with
 * dipc_codec_mbuf_seal() and opened with dipc_codec_mbuf_open().
 */

#include <rte_mbuf.h>

#include "dipc_codec.h"
#include "dipc_codec_seal.h"
#include "dipc_msg.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Body of a message, in place.
 *
 * @param m
 *   A message mbuf of at least DIPC_MSG_HDR_LEN bytes.
 * @param[out] body_len
 *   The body length the mbuf holds: the header's body_len if the first
 *   segment holds that many bytes after the header, else what it holds (so
 *   a validator given the result never reads past the segment).
 * @return
 *   The first body byte.
 */
static inline const void *
dipc_codec_mbuf_body(const struct rte_mbuf *m, uint32_t *body_len)
{
	const struct dipc_msg_hdr *h = rte_pktmbuf_mtod(m, const struct dipc_msg_hdr *);
	uint32_t held = m->data_len > DIPC_MSG_HDR_LEN ? m->data_len - DIPC_MSG_HDR_LEN : 0;

	*body_len = h->body_len < held ? h->body_len : held;
	return rte_pktmbuf_mtod_offset(m, const void *, DIPC_MSG_HDR_LEN);
}

/**
 * @internal
 * What the generated <pkg>_<msg>_validate_mbuf() checks before the body:
 * with DIPC_MSG_F_CSUM, the body's CRC32C against the header's csum; with
 * DIPC_MSG_F_COMPRESSED, nothing can be validated in place (the body must
 * be opened first). @p name is the message, for the error path.
 */
static inline enum dipc_codec_err
__dipc_codec_mbuf_check(const struct rte_mbuf *m, const void *body, uint32_t body_len,
			const char *name, struct dipc_codec_error *err)
{
	const struct dipc_msg_hdr *h = rte_pktmbuf_mtod(m, const struct dipc_msg_hdr *);
	struct __dipc_codec_vstate st;
	struct dipc_codec_error dummy;
	enum dipc_codec_err r;
	uint32_t crc;

	if ((h->flags & (DIPC_MSG_F_CSUM | DIPC_MSG_F_COMPRESSED)) == 0)
		return DIPC_CODEC_OK;
	st.body = body;
	st.body_len = body_len;
	st.fixed_len = body_len >= 2 ? dipc_codec_ld_u16(body) : 0;
	st.cursor = 0;
	st.err = err != NULL ? err : &dummy;
	if ((h->flags & DIPC_MSG_F_COMPRESSED) != 0) {
		st.fixed_len = 0;
		r = __dipc_codec_fail(&st, DIPC_CODEC_E_COMPRESSED, st.body, h->flags, 0);
		return __dipc_codec_path(&st, r, name, DIPC_CODEC_NO_INDEX);
	}
	crc = dipc_codec_crc32c(body, body_len);
	if (crc == h->csum)
		return DIPC_CODEC_OK;
	r = __dipc_codec_fail(&st, DIPC_CODEC_E_CSUM, st.body, crc, h->csum);
	return __dipc_codec_path(&st, r, name, DIPC_CODEC_NO_INDEX);
}

/**
 * Seal the body of a message (dipc_codec_seal()): write @p body after the
 * header of @p m, compressed and checksummed as @p opts asks, and set the
 * header and the mbuf's lengths.
 *
 * @param m
 *   A one-segment message whose first segment holds its header
 *   (dipc_msg_init(), or a <pkg>_<msg>_mbuf_build_init() builder finished).
 * @param body
 *   The plain body: the message's own body (built in place: only
 *   DIPC_CODEC_SEAL_F_CSUM then, or LZ4 on a body not over the threshold),
 *   or a buffer elsewhere.
 * @param body_len
 *   Its length.
 * @param opts
 *   DIPC_CODEC_SEAL_F_* bits.
 * @param compress_over
 *   Compress bodies longer than this (with DIPC_CODEC_SEAL_F_LZ4).
 * @return
 *   0, or dipc_codec_seal()'s error (-ENOSPC: no room in the segment; the
 *   message is then not changed; -EINVAL).
 */
static inline int
dipc_codec_mbuf_seal(struct rte_mbuf *m, const void *body, uint32_t body_len, uint32_t opts,
		     uint32_t compress_over)
{
	uint32_t room = (uint32_t)m->buf_len - m->data_off;
	int ret;

	if (m->data_len < DIPC_MSG_HDR_LEN || room < DIPC_MSG_HDR_LEN)
		return -EINVAL;
	ret = dipc_codec_seal(dipc_msg_hdr(m), body, body_len, dipc_msg_body(m),
			      room - DIPC_MSG_HDR_LEN, opts, compress_over);
	if (ret != 0)
		return ret;
	m->data_len = (uint16_t)(DIPC_MSG_HDR_LEN + dipc_msg_hdr(m)->body_len);
	m->pkt_len = m->data_len;
	return 0;
}

/**
 * Open the body of a received message (dipc_codec_open()): check its
 * CRC32C, decompress it into @p buf; then validate the result with
 * <pkg>_<msg>_validate(*body, *body_len, &err).
 *
 * @param m
 *   The message, its header validated by dipc_msg.
 * @param buf
 *   Room for a decompressed body (NULL if @p room is 0).
 * @param room
 *   Bytes at @p buf: the largest plain body accepted.
 * @param[out] body
 *   The plain body: in the mbuf, or @p buf.
 * @param[out] body_len
 *   Its length.
 * @return
 *   As dipc_codec_open(): 0, -EBADMSG (CRC), -EPROTO (bad compressed
 *   body), -EMSGSIZE (over @p room), -EINVAL.
 */
static inline int
dipc_codec_mbuf_open(const struct rte_mbuf *m, void *buf, uint32_t room, const void **body,
		     uint32_t *body_len)
{
	uint32_t len;
	const void *b = dipc_codec_mbuf_body(m, &len);

	return dipc_codec_open(rte_pktmbuf_mtod(m, const struct dipc_msg_hdr *), b, len, buf, room,
			       body, body_len);
}

/**
 * @internal
 * Write a header (body_len 0 for now) and start a body builder on the
 * room after it. Used by the generated <pkg>_<msg>_mbuf_build_init().
 */
static inline int
__dipc_codec_mbuf_build_init(struct rte_mbuf *m, struct dipc_codec_builder *b, uint8_t flags,
			     uint16_t method, uint32_t stream_id, uint32_t fixed_size)
{
	int ret = dipc_msg_init(m, flags, method, stream_id, 0);

	if (ret != 0) {
		b->body = NULL;
		b->room = 0;
		b->len = 0;
		b->err = ret;
		return ret;
	}
	return __dipc_codec_build_init(b, dipc_msg_body(m), rte_pktmbuf_tailroom(m), fixed_size);
}

/**
 * Finish a message built with a <pkg>_<msg>_mbuf_build_init() builder: set
 * the header's body_len and the mbuf's lengths.
 *
 * @param m
 *   The message mbuf.
 * @param b
 *   Its builder.
 * @return
 *   0, or the builder's error (-ENOSPC, -EINVAL); the mbuf then holds a
 *   header with an empty body.
 */
static inline int
dipc_codec_mbuf_build_finish(struct rte_mbuf *m, const struct dipc_codec_builder *b)
{
	uint32_t len;
	int ret = dipc_codec_build_finish(b, &len);

	if (ret != 0)
		return ret;
	dipc_msg_hdr(m)->body_len = len;
	m->data_len = (uint16_t)(DIPC_MSG_HDR_LEN + len);
	m->pkt_len = m->data_len;
	return 0;
}

#ifdef __cplusplus
}
#endif

#endif /* DIPC_CODEC_MBUF_H */
