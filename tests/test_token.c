/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the admission token (lib/eal/dipc_token.c): SipHash-2-4
 * against the reference vectors of its paper, and token files: good, too
 * open, too short, missing, not a file.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dipc_token.h"

static char tmpdir[64];

static void
write_token(const char *name, const char *content, mode_t mode, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_siphash_vectors(void **state)
{
	uint8_t msg[64];
	const uint64_t k0 = 0x0706050403020100ull, k1 = 0x0f0e0d0c0b0a0908ull;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)i;
	/* Key 00..0f; messages 00..(n-1), from the SipHash paper and its
	 * reference implementation's table. */
	assert_true(dipc_siphash24(k0, k1, msg, 0) == 0x726fdb47dd0e0e31ull);
	assert_true(dipc_siphash24(k0, k1, msg, 1) == 0x74f839c593dc67fdull);
	assert_true(dipc_siphash24(k0, k1, msg, 8) == 0x93f5f5799a932462ull);
	assert_true(dipc_siphash24(k0, k1, msg, 15) == 0xa129ca6149be45e5ull);
}

static void
test_token_good(void **state)
{
	struct dipc_token a, b, c;
	char path[PATH_MAX], err[512] = "";

	(void)state;
	write_token("good", "0123456789abcdef-secret\n", 0600, path, sizeof(path));
	assert_int_equal(dipc_token_load(path, 1, &a, err, sizeof(err)), 0);
	/* Trailing white space is not part of the secret. */
	write_token("good2", "0123456789abcdef-secret  \n\n", 0644, path, sizeof(path));
	assert_int_equal(dipc_token_load(path, 0, &b, err, sizeof(err)), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	write_token("other", "0123456789abcdef-secreT\n", 0600, path, sizeof(path));
	assert_int_equal(dipc_token_load(path, 1, &c, err, sizeof(err)), 0);
	assert_memory_not_equal(&a, &c, sizeof(a));
	/* The proof depends on every input. */
	assert_true(dipc_token_mac(&a, 1, 2, 3) == dipc_token_mac(&b, 1, 2, 3));
	assert_true(dipc_token_mac(&a, 1, 2, 3) != dipc_token_mac(&c, 1, 2, 3));
	assert_true(dipc_token_mac(&a, 1, 2, 3) != dipc_token_mac(&a, 2, 2, 3));
	assert_true(dipc_token_mac(&a, 1, 2, 3) != dipc_token_mac(&a, 1, 3, 3));
	assert_true(dipc_token_mac(&a, 1, 2, 3) != dipc_token_mac(&a, 1, 2, 4));
}

static void
test_token_bad(void **state)
{
	struct dipc_token t;
	char path[PATH_MAX], err[PATH_MAX + 256] = "";

	(void)state;
	/* The server refuses a file others may read; a client does not. */
	write_token("open", "0123456789abcdef\n", 0644, path, sizeof(path));
	assert_int_equal(dipc_token_load(path, 1, &t, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "group or others may access it (mode 0644): chmod 600"));
	assert_int_equal(dipc_token_load(path, 0, &t, err, sizeof(err)), 0);
	write_token("groupw", "0123456789abcdef\n", 0620, path, sizeof(path));
	assert_int_equal(dipc_token_load(path, 1, &t, err, sizeof(err)), -EPERM);

	write_token("short", "0123456789abcde \n", 0600, path, sizeof(path));
	assert_int_equal(dipc_token_load(path, 1, &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "holds 15 bytes, needs at least 16"));

	snprintf(path, sizeof(path), "%s/missing", tmpdir);
	assert_int_equal(dipc_token_load(path, 1, &t, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot open"));

	assert_int_equal(dipc_token_load(tmpdir, 0, &t, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_token_good),
		cmocka_unit_test(test_token_bad),
	};
	int ret;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/dipc-test-token-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	ret = cmocka_run_group_tests_name("token", tests, NULL, NULL);
	{
		/* Our own files only, then the directory. */
		static const char *const names[] = { "good", "good2", "other", "open",
						     "groupw", "short" };
		char path[sizeof(tmpdir) + 16];
		unsigned int i;

		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
			unlink(path);
		}
		if (rmdir(tmpdir) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return ret;
}
