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
#include "dipc_shm.h"
#include "dipc_shm_stats.h"
#include "dipc_server.h"

static int
handler(struct dipc_server_msg *msg, void *arg)
{
	RTE_SET_USED(msg);
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
	assert_int_equal(dipc_server_register(s, 1, NULL, NULL), -EINVAL);
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

static void
count_zone(const struct rte_memzone *mz, void *arg)
{
	RTE_SET_USED(mz);
	(*(unsigned int *)arg)++;
}

static unsigned int
nb_memzones(void)
{
	unsigned int n = 0;

	rte_memzone_walk(count_zone, &n);
	return n;
}

struct grow_until_full {
	struct dipc_server *s;
	struct dipc_shm *shm;
	const struct dipc_shm_stats *stats;
	uint32_t ready_after_failure;
	uint64_t failures;
	int zone_left_behind;
};

/*
 * The server keeps a warm minimum of free slots larger than the process's
 * hugepage limit allows, so it grows until growth fails; checks that the
 * failed step left no zone behind and that growth is retried (once a
 * second). The counters are the ones the server publishes.
 */
static void *
grow_until_full(void *arg)
{
	struct grow_until_full *g = arg;
	char name[RTE_MEMZONE_NAMESIZE];
	unsigned int i;
	uint64_t failed;

	for (i = 0; i < 10000 && dipc_shm_load_state(&g->shm->state) != DIPC_SERVER_RUNNING; i++)
		usleep(1000);
	for (i = 0; i < 10000 && __atomic_load_n(&g->stats->control.grow_failed,
						 __ATOMIC_ACQUIRE) == 0; i++)
		usleep(2000);
	g->ready_after_failure = __atomic_load_n(&g->shm->nb_ready, __ATOMIC_ACQUIRE);
	snprintf(name, sizeof(name), DIPC_RING_ZONE_FMT,
		 g->ready_after_failure / g->shm->slots_per_zone);
	g->zone_left_behind = rte_memzone_lookup(name) != NULL;
	/* The same step is tried again (a second later), and fails the same way. */
	failed = __atomic_load_n(&g->stats->control.grow_failed, __ATOMIC_ACQUIRE);
	for (i = 0; i < 10000 && __atomic_load_n(&g->stats->control.grow_failed,
						 __ATOMIC_ACQUIRE) == failed; i++)
		usleep(2000);
	g->failures = __atomic_load_n(&g->stats->control.grow_failed, __ATOMIC_ACQUIRE);
	dipc_server_stop(g->s);
	return NULL;
}

static void
test_growth_failure_is_undone_and_retried(void **state)
{
	struct dipc_server_config cfg;
	struct grow_until_full g = { 0 };
	unsigned int zones_before = nb_memzones();
	const struct rte_memzone *mz;
	pthread_t t;

	(void)state;
	small_config(&cfg);
	/* Zones of 64 slots x 4 rings of 16384 entries: about 34 MB each, so
	 * the process's --socket-limit stops growth after a few. */
	cfg.max_conns = 4096;
	cfg.warm_conns = 4096;
	cfg.grow_step = 64;
	cfg.ring_size = 16384;
	g.s = dipc_server_create(&cfg);
	assert_non_null(g.s);
	mz = rte_memzone_lookup(DIPC_SHM_MZ_NAME);
	assert_non_null(mz);
	g.shm = mz->addr;
	mz = rte_memzone_lookup(DIPC_STATS_MZ_NAME);
	assert_non_null(mz);
	g.stats = mz->addr;
	assert_int_equal(pthread_create(&t, NULL, grow_until_full, &g), 0);
	assert_int_equal(dipc_server_run(g.s), 0);
	assert_int_equal(pthread_join(t, NULL), 0);

	assert_true(g.failures >= 2);
	assert_true(g.ready_after_failure >= 64 && g.ready_after_failure < 4096);
	assert_int_equal(g.ready_after_failure % 64, 0);
	assert_false(g.zone_left_behind);
	assert_int_equal(g.shm->nb_ready, g.ready_after_failure);
	dipc_server_free(g.s);
	/* Every zone, the pool and the shared memzone are gone. */
	assert_int_equal(nb_memzones(), zones_before);
}

int
main(void)
{
	char prefix[64];
	char *eal[] = { "test_server_api", "-l", "0-1", "--in-memory", "--no-pci",
			"--no-telemetry", "-m", "64", "--socket-limit=160", "--log-level=lib.eal:error", prefix, NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_refuses_bad_config),
		cmocka_unit_test(test_register_refuses_bad_method),
		cmocka_unit_test(test_register_refused_while_running),
		cmocka_unit_test(test_growth_failure_is_undone_and_retried),
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
