/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CODEC_TEST_UTIL_H
#define DIPC_CODEC_TEST_UTIL_H

/*
 * Helpers shared by the codec tests (after cmocka.h and dipc_codec.h).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A heap copy of exactly @len bytes, so that ASan flags any read past the
 * body (a stack or static buffer would have room after it). */
static __attribute__((noinline, unused)) uint8_t *
exact_copy(const uint8_t *src, uint32_t len)
{
	uint8_t *p = malloc(len > 0 ? len : 1);

	assert_non_null(p);
	if (len > 0)
		memcpy(p, src, len);
	return p;
}

/* xorshift64*: a fixed sequence, so that every run tests the same
 * bodies. */
static __attribute__((unused)) uint64_t
rng(void)
{
	static uint64_t state = 0x9e3779b97f4a7c15ull;

	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545f4914f6cdd1dull;
}

/* Change one to three random bytes of @p (@len > 0): each to a random
 * value, or a small step from what it was. */
static __attribute__((unused)) void
mutate_bytes(uint8_t *p, uint32_t len)
{
	uint32_t k;

	for (k = 0; k < 1 + rng() % 3; k++) {
		uint32_t at = (uint32_t)(rng() % len);

		p[at] = (rng() % 2) ? (uint8_t)rng() : (uint8_t)(p[at] + (rng() % 5) - 2);
	}
}

/* The field path of an error: its formatted text up to the first ':'. */
static __attribute__((unused)) const char *
path_text(const struct dipc_codec_error *e, char *buf, size_t size)
{
	char *colon;

	dipc_codec_error_format(e, buf, size);
	colon = strchr(buf, ':');
	if (colon != NULL)
		*colon = '\0';
	return buf;
}

#endif /* DIPC_CODEC_TEST_UTIL_H */
