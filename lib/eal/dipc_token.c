/* SPDX-License-Identifier: BSD-3-Clause */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dipc_token.h"
#include "eal_private.h"

static inline uint64_t
rotl(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline uint64_t
load_le64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* One SipRound over the state v[0..3]. */
static inline void
sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = rotl(v[2], 32);
}

uint64_t
dipc_siphash24(uint64_t k0, uint64_t k1, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
		k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull,
	};
	uint64_t m, last = (uint64_t)len << 56;
	size_t i, tail = len % 8;

	for (i = 0; i + 8 <= len; i += 8) {
		m = load_le64(p + i);
		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	for (i = 0; i < tail; i++)
		last |= (uint64_t)p[len - tail + i] << (8 * i);
	v[3] ^= last;
	sipround(v);
	sipround(v);
	v[0] ^= last;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static int
token_load(const char *path, int private_only, struct dipc_token *t, char *err, size_t errlen);

int
dipc_token_load(const char *path, int private_only, struct dipc_token *t, char *err,
		size_t errlen)
{
	char buf[1024];
	int ret = token_load(path, private_only, t, buf, sizeof(buf));

	if (ret != 0) {
		EAL_LOG(DEBUG, "%s", buf);
		if (err != NULL && errlen != 0)
			snprintf(err, errlen, "%s", buf);
	}
	return ret;
}

static int
token_load(const char *path, int private_only, struct dipc_token *t, char *err, size_t errlen)
{
	uint8_t buf[DIPC_TOKEN_MAX_LEN];
	struct stat st;
	ssize_t n;
	size_t len;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "token file %s: cannot open: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "token file %s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (private_only && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, errlen,
			 "token file %s: group or others may access it (mode %04o): "
			 "chmod 600 %s", path, (unsigned int)(st.st_mode & 07777), path);
		close(fd);
		return -EPERM;
	}
	n = read(fd, buf, sizeof(buf));
	ret = n < 0 ? -errno : 0;
	close(fd);
	if (ret != 0) {
		snprintf(err, errlen, "token file %s: cannot read: %s", path, strerror(-ret));
		return ret;
	}
	len = (size_t)n;
	while (len > 0 && isspace(buf[len - 1]))
		len--;
	if (len < DIPC_TOKEN_MIN_LEN) {
		snprintf(err, errlen,
			 "token file %s: holds %zu bytes, needs at least %d "
			 "(e.g. head -c 32 /dev/urandom | base64 > %s)",
			 path, len, DIPC_TOKEN_MIN_LEN, path);
		return -EINVAL;
	}
	/* Two fixed keys turn any length of secret into a 128-bit key. */
	t->k0 = dipc_siphash24(0x6469706320746f6bull, 0x656e206b65792030ull, buf, len);
	t->k1 = dipc_siphash24(0x6469706320746f6bull, 0x656e206b65792031ull, buf, len);
	explicit_bzero(buf, sizeof(buf)); /* the secret does not linger on the stack */
	return 0;
}

uint64_t
dipc_token_mac(const struct dipc_token *t, uint64_t nonce, uint32_t slot, int32_t pid)
{
	uint8_t msg[16];
	unsigned int i;

	for (i = 0; i < 8; i++)
		msg[i] = (uint8_t)(nonce >> (8 * i));
	for (i = 0; i < 4; i++) {
		msg[8 + i] = (uint8_t)(slot >> (8 * i));
		msg[12 + i] = (uint8_t)((uint32_t)pid >> (8 * i));
	}
	return dipc_siphash24(t->k0, t->k1, msg, sizeof(msg));
}
