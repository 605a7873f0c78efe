/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The server library's own API, in one primary process (EAL --in-memory:
 * real hugepages, no files left behind): the refusals of
 * dipc_server_create() and dipc_server_register(), including registering
 * while the server runs.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_memzone.h>

#include "dipc_config.h"
#include "dipc_eal.h"
#include "dipc_ring_proto.h"
#include "dipc_server.h"

static int
handler(struct rte_mbuf *m, void *arg)
{
	RTE_SET_USED(m);
	RTE_SET_USED(arg);
	return DIPC_HANDLER_RESPOND;
}

/* A configuration small enough for a test: 4096 mbufs, 16 slots. */
static void
small_config(struct dipc_server_config *cfg)
{
	dipc_config_defaults(cfg);
	cfg->pool_size = 4096;
	cfg->pool_cache = 64;
	cfg->max_conns = 16;
	cfg->warm_conns = 16;
	cfg->grow_step = 16;
	cfg->conn_mbufs = 256;
	cfg->drain_ms = 10;
}

static void
test_create_refuses_bad_config(void **state)
{
	struct dipc_server_config cfg;

	(void)state;
	small_config(&cfg);
	cfg.grow_step = 0;
	assert_null(dipc_server_create(&cfg));
	assert_int_equal(rte_errno, EINVAL);
	small_config(&cfg);
	cfg.max_conns = 65535; /* one more than the owner table can name */
	assert_null(dipc_server_create(&cfg));
	assert_int_equal(rte_errno, EINVAL);
	/* Nothing was created by the refusals. */
	assert_null(rte_memzone_lookup(DIPC_SHM_MZ_NAME));
}

static void
test_register_refuses_bad_method(void **state)
{
	struct dipc_server_config cfg;
	struct dipc_server *s;

	(void)state;
	small_config(&cfg);
	s = dipc_server_create(&cfg);
	assert_non_null(s);
	assert_int_equal(dipc_server_register(s, 0, handler, NULL), -EINVAL);
	assert_int_equal(dipc_server_register(s, DIPC_SERVER_MAX_METHOD + 1, handler, NULL),
			 -EINVAL);
	assert_int_equal(dipc_server_register(s, UINT16_MAX, handler, NULL), -EINVAL);
	assert_int_equal(dipc_server_register(s, 1, handler, NULL), 0);
	assert_int_equal(dipc_server_register(s, DIPC_SERVER_MAX_METHOD, handler, NULL), 0);

	/* A second server in the same process finds the first one's memzone. */
	assert_null(dipc_server_create(&cfg));
	assert_int_equal(rte_errno, EEXIST);

	dipc_server_free(s);
	assert_null(rte_memzone_lookup(DIPC_SHM_MZ_NAME));
}

struct late_register {
	struct dipc_server *s;
	const struct dipc_shm *shm;
	int ret;
	int saw_running;
};

/* Waits until the server runs, registers (must be refused), stops it. */
static void *
register_while_running(void *arg)
{
	struct late_register *lr = arg;
	unsigned int i;

	for (i = 0; i < 10000; i++) {
		if (dipc_shm_load_state(&lr->shm->state) == DIPC_SERVER_RUNNING) {
			lr->saw_running = 1;
			break;
		}
		usleep(1000);
	}
	lr->ret = dipc_server_register(lr->s, 7, handler, NULL);
	dipc_server_stop(lr->s);
	return NULL;
}

static void
test_register_refused_while_running(void **state)
{
	struct dipc_server_config cfg;
	struct late_register lr = { .ret = 1 };
	const struct rte_memzone *mz;
	pthread_t t;

	(void)state;
	small_config(&cfg);
	lr.s = dipc_server_create(&cfg);
	assert_non_null(lr.s);
	mz = rte_memzone_lookup(DIPC_SHM_MZ_NAME);
	assert_non_null(mz);
	lr.shm = mz->addr;
	assert_int_equal(pthread_create(&t, NULL, register_while_running, &lr), 0);
	assert_int_equal(dipc_server_run(lr.s), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(lr.saw_running);
	assert_int_equal(lr.ret, -EBUSY);
	assert_int_equal(dipc_server_mbufs_in_use(lr.s), 0);
	/* Once it has returned, the server may be given handlers again. */
	assert_int_equal(dipc_server_register(lr.s, 7, handler, NULL), 0);
	dipc_server_free(lr.s);
}

int
main(void)
{
	char prefix[64];
	char *eal[] = { "test_server_api", "-l", "0-1", "--in-memory", "--no-pci",
			"--no-telemetry", "-m", "128", "--log-level=lib.eal:error", prefix, NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_refuses_bad_config),
		cmocka_unit_test(test_register_refuses_bad_method),
		cmocka_unit_test(test_register_refused_while_running),
	};
	int ret;

	snprintf(prefix, sizeof(prefix), "--file-prefix=dipct_api_%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "test_server_api: EAL init failed (%s): are 2 MB hugepages "
				"reserved? (tools/setup.sh)\n", rte_strerror(rte_errno));
		return 1;
	}
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	rte_eal_cleanup();
	return ret;
}
