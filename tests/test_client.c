/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: unit tests of the client API that need no server: using it
 * before EAL is initialised, NULL arguments, error texts. No EAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_errno.h>

#include "dipc_client.h"

static void
test_connect_before_eal(void **state)
{
	(void)state;
	rte_errno = 0;
	assert_null(dipc_client_connect(10));
	assert_int_equal(rte_errno, EINVAL);
}

static void
test_null_arguments(void **state)
{
	struct rte_mbuf *rsp;

	(void)state;
	assert_int_equal(dipc_client_close(NULL), -EINVAL);
	assert_int_equal(dipc_client_call(NULL, NULL, &rsp, 10), -EINVAL);
	assert_int_equal(dipc_client_stats(NULL, NULL), -EINVAL);
}

static void
test_error_texts(void **state)
{
	static const int codes[] = { ECONNREFUSED, ESHUTDOWN, ECONNRESET, EBUSY,
				     EPROTONOSUPPORT, ETIMEDOUT, EPROTO, ENODEV, ENETDOWN,
				     EHOSTUNREACH };
	unsigned int i, j;

	(void)state;
	/* Each dipc condition has its own text, whatever the sign. */
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		assert_string_equal(dipc_client_strerror(codes[i]),
				    dipc_client_strerror(-codes[i]));
		for (j = 0; j < i; j++)
			assert_string_not_equal(dipc_client_strerror(codes[i]),
						dipc_client_strerror(codes[j]));
	}
	assert_string_equal(dipc_client_strerror(0), "success");
	assert_string_equal(dipc_client_strerror(ENOENT), strerror(ENOENT));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_connect_before_eal),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_error_texts),
	};

	return cmocka_run_group_tests_name("client", tests, NULL, NULL);
}
