/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: libFuzzer target for the version 1 message header
 * (lib/msg/dipc_msg.h). The input becomes the data of a hand-built mbuf (no
 * EAL, no mempool) and goes through dipc_msg_validate_request(),
 * dipc_msg_validate_response(), dipc_msg_make_error() and dipc_msg_init().
 * Every property below aborts when broken, so libFuzzer reports it.
 *
 * Input layout: 4 control bytes, then the message bytes.
 *   c[0] bit 0     data_len covers only part of the bytes (cut by c[2])
 *   c[0] bits 1-2  pkt_len: = data_len, + 1 + c[2], - 1 - c[2] (wraps),
 *                  or c[2] | c[3] << 8
 *   c[0] bits 3-4  segments: 1, 1, 2 or 3 (real chained segments)
 *   c[0] bits 5-7  status given to dipc_msg_make_error() (mod STATUS_MAX)
 *   c[1] bits 0-4  data_off / 4 (the header stays 4-byte aligned, as the
 *                  struct requires; a pktmbuf data_off is 128)
 *   c[3]           data_len of each chained segment
 * The buffer is exactly data_off + max(bytes, 24) long (an mbuf always has
 * room for a header), on the heap, so ASan catches any access past it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dipc_msg.h"

#define CTL_LEN 4
#define MAX_SEGS 3

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_msg: %s:%d: property broken: %s\n", \
			__FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/*
 * The validation rules as the header documents them, on raw little-endian
 * bytes rather than on struct dipc_msg_hdr: the first failing check wins,
 * in the order length (whole header), magic, version, flags, length.
 */
static enum dipc_status
model_validate(const struct rte_mbuf *m, int response)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint8_t mask = response ? DIPC_MSG_F_REQUEST | DIPC_MSG_F_RESPONSE :
				  DIPC_MSG_F_REQUEST | DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR;
	uint8_t dir = response ? DIPC_MSG_F_RESPONSE : DIPC_MSG_F_REQUEST;

	if (m->data_len < 24)
		return DIPC_STATUS_BAD_LENGTH;
	if (memcmp(p, "DIPC", 4) != 0)
		return DIPC_STATUS_BAD_MAGIC;
	if (p[4] != 1)
		return DIPC_STATUS_BAD_VERSION;
	if ((p[5] & 0xc0) != 0 || (p[5] & mask) != dir)
		return DIPC_STATUS_BAD_FLAGS;
	if (m->nb_segs == 1)
		return m->pkt_len == m->data_len && le32(p + 16) == (uint32_t)m->data_len - 24 ?
			DIPC_STATUS_OK : DIPC_STATUS_BAD_LENGTH;
	/* A chain (the server walked it before): bytes past the first
	 * segment, at most 64 segments, body_len from pkt_len. */
	if (m->nb_segs == 0 || m->nb_segs > 64 || m->next == NULL || m->pkt_len <= m->data_len ||
	    le32(p + 16) != m->pkt_len - 24)
		return DIPC_STATUS_BAD_LENGTH;
	return DIPC_STATUS_OK;
}

/* What an accepted message must look like, stated directly. */
static void
check_accepted(const struct rte_mbuf *m, uint8_t dir)
{
	const struct dipc_msg_hdr *h = rte_pktmbuf_mtod(m, const struct dipc_msg_hdr *);

	CHECK(m->data_len >= DIPC_MSG_HDR_LEN);
	CHECK(h->body_len + DIPC_MSG_HDR_LEN == m->pkt_len);
	CHECK(m->nb_segs >= 1 && m->nb_segs <= DIPC_MSG_MAX_SEGS);
	if (m->nb_segs == 1)
		CHECK(m->pkt_len == m->data_len);
	else
		CHECK(m->next != NULL && m->pkt_len > m->data_len);
	CHECK(h->magic == DIPC_MSG_MAGIC);
	CHECK(h->version == DIPC_MSG_VERSION);
	CHECK((h->flags & ~DIPC_MSG_F_ALL) == 0);
	CHECK((h->flags & (DIPC_MSG_F_REQUEST | DIPC_MSG_F_RESPONSE)) == dir);
	if (dir == DIPC_MSG_F_REQUEST)
		CHECK((h->flags & DIPC_MSG_F_ERROR) == 0);
}

static void
check_status_str(unsigned int status)
{
	const char *s = dipc_msg_status_str(status);

	CHECK(s != NULL && s[0] != '\0');
	if (status >= DIPC_STATUS_MAX)
		CHECK(strcmp(s, "unknown status") == 0);
	else
		CHECK(strcmp(s, "unknown status") != 0);
}

/* Validate both ways; neither validator may change the mbuf or its data. */
static void
check_validators(const struct rte_mbuf *m, const uint8_t *buf, size_t buf_len)
{
	struct rte_mbuf before;
	enum dipc_status req, rsp;
	uint8_t *copy = malloc(buf_len);

	CHECK(copy != NULL);
	memcpy(copy, buf, buf_len);
	memcpy(&before, m, sizeof(before));

	req = dipc_msg_validate_request(m);
	rsp = dipc_msg_validate_response(m);

	CHECK(memcmp(&before, m, sizeof(before)) == 0);
	CHECK(memcmp(copy, buf, buf_len) == 0);
	free(copy);

	CHECK(req == model_validate(m, 0));
	CHECK(rsp == model_validate(m, 1));
	/* Only the direction differs: a message is never both. */
	CHECK(req != DIPC_STATUS_OK || rsp == DIPC_STATUS_BAD_FLAGS);
	CHECK(rsp != DIPC_STATUS_OK || req == DIPC_STATUS_BAD_FLAGS);
	if (req == DIPC_STATUS_OK)
		check_accepted(m, DIPC_MSG_F_REQUEST);
	if (rsp == DIPC_STATUS_OK)
		check_accepted(m, DIPC_MSG_F_RESPONSE);
	check_status_str(req);
	check_status_str(rsp);
	if (m->data_len >= DIPC_MSG_HDR_LEN)
		check_status_str(le16(rte_pktmbuf_mtod(m, const uint8_t *) + 8));
}

/* The error response of the current message; returns it as 24 bytes. */
static void
check_make_error(struct rte_mbuf *m, struct rte_mbuf *segs, unsigned int nb_chained,
		 enum dipc_status status, const uint8_t *buf, size_t buf_len, uint8_t *out)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t data_off = m->data_off;
	void *buf_addr = m->buf_addr;
	uint32_t stream_id = 0;
	uint16_t method = 0;
	uint8_t *copy = malloc(buf_len);
	unsigned int i;

	CHECK(copy != NULL);
	memcpy(copy, buf, buf_len);
	if (m->data_len >= DIPC_MSG_HDR_LEN) {
		stream_id = le32(p + 12);
		method = le16(p + 6);
	}

	dipc_msg_make_error(m, status);

	CHECK(dipc_msg_validate_response(m) == DIPC_STATUS_OK);
	CHECK(dipc_msg_validate_request(m) == DIPC_STATUS_BAD_FLAGS);
	check_accepted(m, DIPC_MSG_F_RESPONSE);
	CHECK(m->buf_addr == buf_addr && m->data_off == data_off);
	CHECK(m->data_len == DIPC_MSG_HDR_LEN && m->pkt_len == DIPC_MSG_HDR_LEN);
	CHECK(m->nb_segs == 1 && m->next == NULL);
	/* Byte for byte, as documented. */
	CHECK(memcmp(p, "DIPC", 4) == 0);
	CHECK(p[4] == DIPC_MSG_VERSION);
	CHECK(p[5] == (DIPC_MSG_F_RESPONSE | DIPC_MSG_F_ERROR));
	CHECK(le16(p + 6) == method);
	CHECK(le16(p + 8) == (uint16_t)status);
	CHECK(le16(p + 10) == 0);
	CHECK(le32(p + 12) == stream_id);
	CHECK(le32(p + 16) == 0);
	CHECK(le32(p + 20) == 0);
	/* Only the header is written: headroom and old body are untouched. */
	CHECK(memcmp(copy, buf, data_off) == 0);
	CHECK(memcmp(copy + data_off + DIPC_MSG_HDR_LEN, buf + data_off + DIPC_MSG_HDR_LEN,
		     buf_len - data_off - DIPC_MSG_HDR_LEN) == 0);
	free(copy);
	/* The chain was released exactly once (refcnt 2 -> 1, never freed). */
	for (i = 0; i < nb_chained; i++)
		CHECK(rte_mbuf_refcnt_read(&segs[i]) == 1);
	memcpy(out, p, DIPC_MSG_HDR_LEN);
}

static void
check_init(struct rte_mbuf *m, const uint8_t *msg, size_t len, uint16_t data_off,
	   const uint8_t *buf, size_t buf_len)
{
	uint8_t flags = DIPC_MSG_F_REQUEST;
	uint32_t body_len = (uint32_t)len;
	uint32_t stream_id = 0;
	uint16_t method = 0;
	uint32_t room;
	int ret;

	/* Flags, method, stream and body length from the message itself. */
	if (len >= DIPC_MSG_HDR_LEN) {
		flags |= msg[5] & (DIPC_MSG_F_ONEWAY | DIPC_MSG_F_CSUM | DIPC_MSG_F_COMPRESSED);
		method = le16(msg + 6);
		stream_id = le32(msg + 12);
		body_len = le32(msg + 16);
	}
	m->next = NULL;
	m->nb_segs = 1;
	m->data_off = data_off;
	m->data_len = 0;
	m->pkt_len = 0;
	room = rte_pktmbuf_tailroom(m);
	CHECK(room == buf_len - data_off);

	ret = dipc_msg_init(m, flags, method, stream_id, body_len);
	if ((uint64_t)body_len + DIPC_MSG_HDR_LEN > room) {
		CHECK(ret == -ENOSPC);
		CHECK(m->data_len == 0 && m->pkt_len == 0);
		return;
	}
	CHECK(ret == 0);
	CHECK(dipc_msg_validate_request(m) == DIPC_STATUS_OK);
	CHECK(dipc_msg_validate_response(m) == DIPC_STATUS_BAD_FLAGS);
	check_accepted(m, DIPC_MSG_F_REQUEST);
	CHECK(dipc_msg_hdr(m)->flags == flags);
	CHECK(dipc_msg_hdr(m)->method == method);
	CHECK(dipc_msg_hdr(m)->stream_id == stream_id);
	CHECK(dipc_msg_hdr(m)->status == DIPC_STATUS_OK);
	CHECK(m->data_len == DIPC_MSG_HDR_LEN + body_len);
	CHECK((const uint8_t *)dipc_msg_body(m) == buf + data_off + DIPC_MSG_HDR_LEN);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_mbuf segs[MAX_SEGS];
	struct rte_mbuf *m = &segs[0];
	uint8_t seg_data[2][256];
	uint8_t err1[DIPC_MSG_HDR_LEN], err2[DIPC_MSG_HDR_LEN];
	const uint8_t *c = data, *msg;
	unsigned int nb_segs, i;
	enum dipc_status status;
	uint16_t data_off, data_len, cut;
	uint32_t pkt_len;
	size_t len, room, buf_len;
	uint8_t *buf;

	if (size < CTL_LEN || size - CTL_LEN > UINT16_MAX - 128)
		return -1;
	msg = data + CTL_LEN;
	len = size - CTL_LEN;

	data_off = (uint16_t)((c[1] & 0x1f) * 4);
	room = len < DIPC_MSG_HDR_LEN ? DIPC_MSG_HDR_LEN : len;
	buf_len = data_off + room;
	buf = malloc(buf_len);
	CHECK(buf != NULL);
	memset(buf, 0xa5, data_off);
	memset(buf + data_off, 0, room);
	memcpy(buf + data_off, msg, len);

	data_len = (uint16_t)len;
	if (c[0] & 0x01) {
		cut = c[2];
		data_len = data_len > cut ? (uint16_t)(data_len - cut) : 0;
	}
	switch ((c[0] >> 1) & 0x3) {
	case 0:
		pkt_len = data_len;
		break;
	case 1:
		pkt_len = (uint32_t)data_len + 1 + c[2];
		break;
	case 2:
		pkt_len = (uint32_t)data_len - 1 - c[2];
		break;
	default:
		pkt_len = (uint32_t)c[2] | (uint32_t)c[3] << 8;
		break;
	}
	nb_segs = (c[0] >> 3) & 0x3;
	nb_segs = nb_segs < 2 ? 1 : nb_segs;
	status = (enum dipc_status)((c[0] >> 5) % DIPC_STATUS_MAX);

	/* The mbuf, as a pktmbuf pool would hand it out, then shaped. */
	memset(segs, 0, sizeof(segs));
	for (i = 0; i < nb_segs; i++) {
		struct rte_mbuf *s = &segs[i];

		s->buf_addr = i == 0 ? buf : seg_data[i - 1];
		s->buf_len = i == 0 ? (uint16_t)buf_len : sizeof(seg_data[0]);
		s->nb_segs = 1;
		rte_pktmbuf_reset(s);
		if (i > 0) {
			/* Held twice, so freeing the chain only drops a reference
			 * and never reaches a (non-existent) mempool. */
			rte_mbuf_refcnt_set(s, 2);
			s->data_off = 0;
			s->data_len = c[3];
			segs[i - 1].next = s;
		}
	}
	m->data_off = data_off;
	m->data_len = data_len;
	m->pkt_len = pkt_len;
	m->nb_segs = (uint16_t)nb_segs;

	check_validators(m, buf, buf_len);

	check_make_error(m, &segs[1], nb_segs - 1, status, buf, buf_len, err1);
	/* An error response turned into an error response again: the same. */
	check_make_error(m, NULL, 0, status, buf, buf_len, err2);
	CHECK(memcmp(err1, err2, sizeof(err1)) == 0);

	check_init(m, msg, len, data_off, buf, buf_len);

	free(buf);
	return 0;
}
