/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: libFuzzer target for dipc_codec_open() and dipc_codec_seal()
 * (lib/codec/dipc_codec_seal.h) on arbitrary bodies. The input is one
 * control byte and a received body:
 *   bit 0  header flag DIPC_MSG_F_CSUM
 *   bit 1  header flag DIPC_MSG_F_COMPRESSED
 *   bit 2  csum: the body's right CRC32C (else a wrong one), so that the
 *          LZ4 path is reached with a checksum too
 *   bits 3..4  room for the plain body: the length a compressed body
 *          announces (bytes 0..3, capped at 1 MiB), one byte less, 4096, 0
 *   bits 5..7  threshold of the sealing round trip: 0, 16, ..., 112
 * The body is copied to a heap buffer of exactly its length, the output
 * buffer is a heap buffer of exactly the room, so ASan catches any access
 * past either. Every property below aborts when broken:
 *   - open returns 0, -EBADMSG, -EPROTO or -EMSGSIZE, and exactly the
 *     documented one for the checksum, the 4-byte length and the room;
 *   - it never changes the body; a plain body is returned in place;
 *   - a decompressed body has the announced length, within the room;
 *   - what open returns, sealed again (LZ4 over the threshold, CRC), is no
 *     longer than it, and opens back to the same bytes;
 *   - the benchmark messages' validators accept or refuse the plain body
 *     without reading past it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_seal: %s:%d: property broken: %s\n", \
			__FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#define ROOM_CAP (1u << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Seal @p plain again and open the result: the same bytes come back. */
static void
check_reseal(const uint8_t *plain, uint32_t plain_len, uint32_t threshold)
{
	struct dipc_msg_hdr h;
	uint8_t *out = malloc(plain_len > 0 ? plain_len : 1);
	uint8_t *back = malloc(plain_len > 0 ? plain_len : 1);
	const void *p;
	uint32_t n;

	CHECK(out != NULL && back != NULL);
	memset(&h, 0, sizeof(h));
	h.flags = DIPC_MSG_F_REQUEST;
	CHECK(dipc_codec_seal(&h, plain, plain_len, out, plain_len, DIPC_CODEC_SEAL_F_ALL,
			      threshold) == 0);
	CHECK(h.body_len <= plain_len);
	CHECK((h.flags & DIPC_MSG_F_CSUM) != 0 && h.csum == dipc_codec_crc32c(out, h.body_len));
	if ((h.flags & DIPC_MSG_F_COMPRESSED) != 0)
		CHECK(plain_len > threshold && h.body_len < plain_len);
	else
		CHECK(h.body_len == plain_len &&
		      (plain_len == 0 || memcmp(out, plain, plain_len) == 0));
	CHECK(dipc_codec_open(&h, out, h.body_len, back, plain_len, &p, &n) == 0);
	CHECK(n == plain_len && (plain_len == 0 || memcmp(p, plain, plain_len) == 0));
	free(back);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dipc_msg_hdr h;
	uint8_t ctl, *body, *buf;
	uint32_t len, room, announced = 0, crc, plain_len = 0, threshold;
	const void *plain = NULL;
	int ret, want;

	if (size < 1 || size - 1 > UINT32_MAX)
		return 0;
	ctl = data[0];
	len = (uint32_t)(size - 1);
	body = malloc(len > 0 ? len : 1);
	CHECK(body != NULL);
	memcpy(body, data + 1, len);
	crc = dipc_codec_crc32c(body, len);
	if (len >= DIPC_CODEC_LZ4_HDR_LEN)
		announced = dipc_codec_ld_u32(body);

	memset(&h, 0, sizeof(h));
	h.magic = DIPC_MSG_MAGIC;
	h.version = DIPC_MSG_VERSION;
	h.flags = DIPC_MSG_F_REQUEST;
	h.body_len = len;
	if (ctl & 1)
		h.flags |= DIPC_MSG_F_CSUM;
	if (ctl & 2)
		h.flags |= DIPC_MSG_F_COMPRESSED;
	h.csum = (ctl & 4) ? crc : crc ^ (0x1u | ((uint32_t)ctl << 24));
	switch ((ctl >> 3) & 3) {
	case 0: room = announced < ROOM_CAP ? announced : ROOM_CAP; break;
	case 1: room = announced == 0 ? 0 : (announced <= ROOM_CAP ? announced - 1 : ROOM_CAP); break;
	case 2: room = 4096; break;
	default: room = 0; break;
	}
	threshold = (uint32_t)(ctl >> 5) * 16;
	buf = room > 0 ? malloc(room) : NULL;
	CHECK(room == 0 || buf != NULL);

	ret = dipc_codec_open(&h, body, len, buf, room, &plain, &plain_len);
	/* The documented outcome, in the documented order. */
	if ((h.flags & DIPC_MSG_F_CSUM) != 0 && h.csum != crc)
		want = -EBADMSG;
	else if ((h.flags & DIPC_MSG_F_COMPRESSED) == 0)
		want = 0;
	else if (len < DIPC_CODEC_LZ4_HDR_LEN)
		want = -EPROTO;
	else if (announced > room)
		want = -EMSGSIZE;
	else
		want = 1; /* 0 or -EPROTO: up to LZ4 */
	if (want == 1)
		CHECK(ret == 0 || ret == -EPROTO);
	else
		CHECK(ret == want);
	CHECK(memcmp(body, data + 1, len) == 0);
	if (ret == 0) {
		if ((h.flags & DIPC_MSG_F_COMPRESSED) == 0) {
			CHECK(plain == body && plain_len == len);
		} else {
			CHECK(plain == buf && plain_len == announced && plain_len <= room);
		}
		check_reseal(plain, plain_len, threshold);
		(void)bench_rpc_request_validate(plain, plain_len, NULL);
		(void)bench_order_event_validate(plain, plain_len, NULL);
		(void)bench_batch_validate(plain, plain_len, NULL);
	}
	/* Whatever came in also seals and opens back as it was. */
	check_reseal(body, len, threshold);
	free(buf);
	free(body);
	return 0;
}
