/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CODEC_MBUF_H
#define DIPC_CODEC_MBUF_H

/**
 * @file
 * mbuf glue of the dipc codec: a body is the bytes after the 24-byte
 * message header (lib/msg/dipc_msg.h) of a one-segment message. The
 * generated headers wrap these per message (<pkg>_<msg>_mbuf_build_init(),
 * <pkg>_<msg>_validate_mbuf()); define DIPC_CODEC_NO_MBUF before including
 * a generated header to leave them (and DPDK) out.
 */

#include <rte_mbuf.h>

#include "dipc_codec.h"
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
