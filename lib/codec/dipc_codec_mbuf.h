/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CODEC_MBUF_H
#define DIPC_CODEC_MBUF_H

/**
 * @file
 * mbuf glue of the dipc codec: a body is the bytes after the 24-byte
 * message header (lib/msg/dipc_msg.h), in one segment or, past the
 * largest size class, across a chain (see "Chains" below: copy-out,
 * copy-in, read, and a validator that takes a chain). The
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
	memset(&dummy, 0, sizeof(dummy)); /* code DIPC_CODEC_OK */
	st.body = (const uint8_t *)body;
	st.body_len = body_len;
	st.fixed_len = body_len >= 2 ? dipc_codec_ld_u16(st.body) : 0;
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

/*
 * Chains. A body larger than the largest size class travels as a chain of
 * mbufs: the first segment holds the header and the start of the body, the
 * next ones the rest (docs/DESIGN-NOTES.md, "Size classes and chains").
 * Offsets below are body offsets (0 = the first byte after the header),
 * the same offsets the codec's (offset, length) references hold; the
 * functions work on one segment too. Every walk follows m->next at most
 * DIPC_MSG_MAX_SEGS times and reads only the bytes each segment holds
 * (data_len), so a chain shorter than it claims is an error, never a read
 * past a segment.
 */

/**
 * @internal
 * Find body offset @p off in the chain: the segment holding it and the
 * offset inside that segment's data. Returns NULL if the chain holds
 * fewer than @p off bytes of body (or exactly @p off: nothing at it).
 */
static inline const struct rte_mbuf *
__dipc_codec_mbuf_seek(const struct rte_mbuf *m, uint32_t off, uint32_t *seg_off)
{
	uint64_t at = (uint64_t)off + DIPC_MSG_HDR_LEN; /* from the first data byte */
	unsigned int segs = 0;

	while (m != NULL && segs < DIPC_MSG_MAX_SEGS) {
		if (at < m->data_len) {
			*seg_off = (uint32_t)at;
			return m;
		}
		at -= m->data_len;
		m = m->next;
		segs++;
	}
	return NULL;
}

/**
 * Copy @p len body bytes from body offset @p off of a message (one segment
 * or a chain) into @p dst.
 *
 * @param m
 *   The message (head segment).
 * @param off
 *   Body offset of the first byte.
 * @param len
 *   Bytes to copy (0 copies nothing and succeeds for any @p off up to the
 *   body held).
 * @param dst
 *   Room for @p len bytes.
 * @return
 *   0, or -ERANGE if the segments hold fewer than @p off + @p len body
 *   bytes (then @p dst may hold a part).
 */
static inline int
dipc_codec_mbuf_copy_out(const struct rte_mbuf *m, uint32_t off, uint32_t len, void *dst)
{
	uint8_t *d = (uint8_t *)dst;
	uint32_t in, n;

	if (len == 0)
		return 0;
	m = __dipc_codec_mbuf_seek(m, off, &in);
	/* Segments after the one found: at most DIPC_MSG_MAX_SEGS in all, and
	 * the seek took at least one of the budget, so this stays bounded. */
	for (unsigned int segs = 0; m != NULL && segs < DIPC_MSG_MAX_SEGS; segs++) {
		n = RTE_MIN((uint32_t)(m->data_len - in), len);
		memcpy(d, rte_pktmbuf_mtod_offset(m, const uint8_t *, in), n);
		d += n;
		len -= n;
		if (len == 0)
			return 0;
		in = 0;
		m = m->next;
	}
	return -ERANGE;
}

/**
 * Copy @p len bytes from @p src into a message's body at body offset
 * @p off (one segment or a chain, e.g. from dipc_client_msg_alloc_chain()).
 *
 * @return
 *   0, or -ERANGE if the segments hold fewer than @p off + @p len body
 *   bytes (data_len bounds every segment; nothing past it is written).
 */
static inline int
dipc_codec_mbuf_copy_in(struct rte_mbuf *m, uint32_t off, const void *src, uint32_t len)
{
	const uint8_t *s = (const uint8_t *)src;
	struct rte_mbuf *seg;
	uint32_t in, n;

	if (len == 0)
		return 0;
	seg = (struct rte_mbuf *)(uintptr_t)__dipc_codec_mbuf_seek(m, off, &in);
	for (unsigned int segs = 0; seg != NULL && segs < DIPC_MSG_MAX_SEGS; segs++) {
		n = RTE_MIN((uint32_t)(seg->data_len - in), len);
		memcpy(rte_pktmbuf_mtod_offset(seg, uint8_t *, in), s, n);
		s += n;
		len -= n;
		if (len == 0)
			return 0;
		in = 0;
		seg = seg->next;
	}
	return -ERANGE;
}

/**
 * Read @p len body bytes at body offset @p off: in place if one segment
 * holds them all (zero copy), else copied into @p buf (as rte_pktmbuf_read()).
 *
 * @param buf
 *   Room for @p len bytes, used only when the bytes span segments.
 * @return
 *   The bytes, or NULL if the segments hold fewer than @p off + @p len.
 */
static inline const void *
dipc_codec_mbuf_read(const struct rte_mbuf *m, uint32_t off, uint32_t len, void *buf)
{
	const struct rte_mbuf *seg;
	uint32_t in;

	if (len == 0)
		return buf;
	seg = __dipc_codec_mbuf_seek(m, off, &in);
	if (seg == NULL)
		return NULL;
	if (seg->data_len - in >= len)
		return rte_pktmbuf_mtod_offset(seg, const uint8_t *, in);
	return dipc_codec_mbuf_copy_out(m, off, len, buf) == 0 ? buf : NULL;
}

/**
 * Body bytes a message holds: the header's body_len if its segments hold
 * that many after the header, else what they hold (walked, at most
 * DIPC_MSG_MAX_SEGS segments), so a validator given the result never reads
 * past the chain. The chain counterpart of dipc_codec_mbuf_body().
 */
static inline uint32_t
dipc_codec_mbuf_body_len(const struct rte_mbuf *m)
{
	const struct dipc_msg_hdr *h = rte_pktmbuf_mtod(m, const struct dipc_msg_hdr *);
	uint64_t held = 0;
	unsigned int segs;
	const struct rte_mbuf *seg = m;

	for (segs = 0; seg != NULL && segs < DIPC_MSG_MAX_SEGS; segs++, seg = seg->next)
		held += seg->data_len;
	held = held > DIPC_MSG_HDR_LEN ? held - DIPC_MSG_HDR_LEN : 0;
	return h->body_len < held ? h->body_len : (uint32_t)held;
}

/** A top-level variable field checked by dipc_codec_mbuf_validate_chain(). */
struct dipc_codec_chain_ref {
	const char *name;   /**< field name, for the error path */
	uint32_t ref_at;    /**< offset of its (offset, length) reference in the fixed
			     *   block: the generated <PKG>_<MSG>_<FIELD>_OFFSET */
	uint32_t align;     /**< alignment of the data: 1 for strings and bytes, the
			     *   element's for arrays (a power of two) */
	uint32_t elem_size; /**< element size: 1 for strings and bytes */
};

/** A chained body validated by dipc_codec_mbuf_validate_chain(). */
struct dipc_codec_chain_view {
	/** The fixed block (prefix included), fixed_len bytes: in place when
	 *  the first segment holds it, else copied into the caller's buffer.
	 *  The generated getters of fixed fields read it as a body. */
	const uint8_t *fixed;
	uint32_t fixed_len; /**< the writer's fixed block length */
	uint32_t body_len;  /**< body bytes (the header's body_len, all held) */
};

/** @internal CRC32C continued over @p len more bytes (see dipc_codec_crc32c()). */
static inline uint32_t
__dipc_codec_crc32c_more(uint32_t crc, const uint8_t *p, uint32_t len)
{
	uint64_t v8;

	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&v8, p, sizeof(v8));
		crc = rte_hash_crc_8byte(v8, crc);
	}
	for (; len != 0; len--, p++)
		crc = rte_hash_crc_1byte(*p, crc);
	return crc;
}

/**
 * Validate a message body held in one segment or a chain, without copying
 * the body: the body length against what the segments hold, the CRC32C
 * with DIPC_MSG_F_CSUM (over every segment), the prefix and fixed block
 * (fixed_len at least @p min_fixed, within the body), and each reference
 * in @p refs against the body length with the codec's rules, in order
 * (after the fixed block, after the previous field, aligned, whole
 * elements; docs/SCHEMA.md, "Validation"). A reference the writer's
 * fixed block does not hold (a field added later) reads as empty.
 *
 * What it does not check: fixed fields' values (enums, bools: read them
 * through the generated getters on @p v->fixed and check as needed), and
 * references nested inside variable fields. For a message with those, copy
 * the body out (dipc_codec_mbuf_copy_out(), dipc_codec_mbuf_body_len()
 * bytes) and run the generated <pkg>_<msg>_validate() on the copy.
 *
 * Then read a field with dipc_codec_mbuf_read() or
 * dipc_codec_mbuf_copy_out() at its (off[i], len[i]): in place when one
 * segment holds it, copied when it spans segments.
 *
 * @param m
 *   The message, its header validated by dipc_msg.
 * @param name
 *   Message name, for the error path.
 * @param min_fixed
 *   The reader's version 1 fixed block size (<PKG>_<MSG>_MIN_FIXED_SIZE).
 * @param refs
 *   The top-level variable fields to check, in declaration order.
 * @param nb_refs
 *   Their number.
 * @param[out] off
 *   [nb_refs]: body offset of each field (0 if empty).
 * @param[out] len
 *   [nb_refs]: length in bytes of each field.
 * @param fixed_buf
 *   Room for DIPC_CODEC_FIXED_MAX bytes: the fixed block is copied there
 *   when the first segment does not hold it all.
 * @param[out] v
 *   The body's view, filled on success (zeroed on failure).
 * @param[out] err
 *   Filled on failure, if not NULL (at: body offset of the offending
 *   reference).
 * @return
 *   DIPC_CODEC_OK, or the first error: BODY_SHORT (the segments hold
 *   fewer bytes than the header's body_len, or than the prefix or
 *   fixed_len), FIXED_SHORT, REF_*, ARRAY_LENGTH, CSUM, COMPRESSED (open
 *   the body first).
 */
static inline enum dipc_codec_err
dipc_codec_mbuf_validate_chain(const struct rte_mbuf *m, const char *name, uint32_t min_fixed,
			       const struct dipc_codec_chain_ref *refs, unsigned int nb_refs,
			       uint32_t *off, uint32_t *len, void *fixed_buf,
			       struct dipc_codec_chain_view *v, struct dipc_codec_error *err)
{
	const struct dipc_msg_hdr *h = rte_pktmbuf_mtod(m, const struct dipc_msg_hdr *);
	uint32_t body_len = dipc_codec_mbuf_body_len(m), crc = 0xffffffffu, in;
	struct __dipc_codec_vstate st;
	struct dipc_codec_error dummy;
	const struct rte_mbuf *seg;
	uint8_t prefix[DIPC_CODEC_PREFIX_LEN];
	enum dipc_codec_err r;
	unsigned int i, segs;

	memset(&dummy, 0, sizeof(dummy)); /* code DIPC_CODEC_OK */
	/* Filled on every path, so a caller's compiler never sees it unset. */
	v->fixed = NULL;
	v->fixed_len = 0;
	v->body_len = 0;
	st.body = prefix;
	st.body_len = body_len;
	st.fixed_len = 0;
	st.cursor = 0;
	st.err = err != NULL ? err : &dummy;
	if (body_len < h->body_len) {
		r = __dipc_codec_fail(&st, DIPC_CODEC_E_BODY_SHORT, st.body, body_len, h->body_len);
		return __dipc_codec_path(&st, r, name, DIPC_CODEC_NO_INDEX);
	}
	if ((h->flags & DIPC_MSG_F_COMPRESSED) != 0) {
		r = __dipc_codec_fail(&st, DIPC_CODEC_E_COMPRESSED, st.body, h->flags, 0);
		return __dipc_codec_path(&st, r, name, DIPC_CODEC_NO_INDEX);
	}
	if ((h->flags & DIPC_MSG_F_CSUM) != 0) {
		uint32_t left = body_len;

		in = DIPC_MSG_HDR_LEN;
		for (seg = m, segs = 0; seg != NULL && segs < DIPC_MSG_MAX_SEGS && left != 0;
		     seg = seg->next, segs++, in = 0) {
			uint32_t n = RTE_MIN((uint32_t)(seg->data_len - RTE_MIN(in, seg->data_len)),
					     left);

			crc = __dipc_codec_crc32c_more(
				crc, rte_pktmbuf_mtod_offset(seg, const uint8_t *, in), n);
			left -= n;
		}
		crc ^= 0xffffffffu;
		if (crc != h->csum) {
			r = __dipc_codec_fail(&st, DIPC_CODEC_E_CSUM, st.body, crc, h->csum);
			return __dipc_codec_path(&st, r, name, DIPC_CODEC_NO_INDEX);
		}
	}
	if (body_len < DIPC_CODEC_PREFIX_LEN ||
	    dipc_codec_mbuf_copy_out(m, 0, DIPC_CODEC_PREFIX_LEN, prefix) != 0) {
		r = __dipc_codec_fail(&st, DIPC_CODEC_E_BODY_SHORT, st.body, body_len,
				      DIPC_CODEC_PREFIX_LEN);
		return __dipc_codec_path(&st, r, name, DIPC_CODEC_NO_INDEX);
	}
	r = __dipc_codec_begin(&st, prefix, body_len, min_fixed, st.err);
	if (r != DIPC_CODEC_OK)
		return __dipc_codec_path(&st, r, name, DIPC_CODEC_NO_INDEX);
	/* The fixed block, in place if the first segment holds it. */
	if ((uint32_t)m->data_len >= DIPC_MSG_HDR_LEN + st.fixed_len) {
		st.body = rte_pktmbuf_mtod_offset(m, const uint8_t *, DIPC_MSG_HDR_LEN);
	} else {
		/* Cannot fail: body_len >= fixed_len and the walk found body_len. */
		dipc_codec_mbuf_copy_out(m, 0, st.fixed_len, fixed_buf);
		st.body = (const uint8_t *)fixed_buf;
	}
	for (i = 0; i < nb_refs; i++) {
		if ((uint64_t)refs[i].ref_at + DIPC_CODEC_REF_LEN > st.fixed_len) {
			off[i] = 0; /* added after the writer's version: empty */
			len[i] = 0;
			continue;
		}
		r = __dipc_codec_check_ref(&st, st.body + refs[i].ref_at, refs[i].align,
					   refs[i].elem_size, &off[i], &len[i]);
		if (r != DIPC_CODEC_OK)
			return __dipc_codec_path(&st,
						 __dipc_codec_path(&st, r, refs[i].name,
								   DIPC_CODEC_NO_INDEX),
						 name, DIPC_CODEC_NO_INDEX);
	}
	v->fixed = st.body;
	v->fixed_len = st.fixed_len;
	v->body_len = body_len;
	return DIPC_CODEC_OK;
}

#ifdef __cplusplus
}
#endif

#endif /* DIPC_CODEC_MBUF_H */
