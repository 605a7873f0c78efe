/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_TOKEN_H
#define DIPC_TOKEN_H

/**
 * @file
 * The admission token: a secret shared by the server and its clients
 * through a file, proven without ever being written to shared memory.
 *
 * The token never travels. In the admission handshake (the server's
 * dipc_admit socket) the server sends a fresh random nonce; a client
 * proves it knows the token with dipc_token_mac(token, nonce, 0, pid), a
 * keyed SipHash-2-4, and the server checks it. A MAC seen by another
 * process is worth nothing elsewhere: every handshake has its own nonce.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Fewest bytes of secret a token file must hold. */
#define DIPC_TOKEN_MIN_LEN 16
/** Most bytes of a token file that are read. */
#define DIPC_TOKEN_MAX_LEN 4096

/** A loaded token: the 128-bit key derived from the file's content. */
struct dipc_token {
	uint64_t k0;
	uint64_t k1;
};

/**
 * Load a token file.
 *
 * The secret is the file's content without trailing white space; it must
 * be at least DIPC_TOKEN_MIN_LEN bytes.
 *
 * @param path
 *   The token file.
 * @param private_only
 *   Nonzero (the server): refuse a file that group or others may read or
 *   write, as ssh does for keys.
 * @param[out] t
 *   The token.
 * @param err
 *   Buffer for a message naming the file and what is wrong.
 * @param errlen
 *   Size of @p err.
 * @return
 *   0; -ENOENT/-EACCES/... (cannot open), -EPERM (mode too open), -EINVAL
 *   (not a regular file, too short).
 */
int dipc_token_load(const char *path, int private_only, struct dipc_token *t, char *err,
		    size_t errlen);

/**
 * The proof of a token for one admission.
 *
 * @return
 *   SipHash-2-4 under the token's key of (nonce, slot, pid), little-endian.
 */
uint64_t dipc_token_mac(const struct dipc_token *t, uint64_t nonce, uint32_t slot,
			int32_t pid);

/**
 * SipHash-2-4 of @p len bytes at @p data under the key (@p k0, @p k1), as
 * specified by Aumasson and Bernstein (64-bit output).
 */
uint64_t dipc_siphash24(uint64_t k0, uint64_t k1, const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* DIPC_TOKEN_H */
