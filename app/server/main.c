/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dipc-server: the DPDK primary that hosts dipc's shared memory, worker
 * lcores and built-in services.
 *
 *   dipc-server [EAL args] -- [--config FILE] [--OPTION VALUE ...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "cleanup.h"
#include "dipc_config.h"
#include "dipc_eal.h"
#include "dipc_eal_files.h"
#include "dipc_shm.h"
#include "dipc_server.h"
#include "kv_service.h"

/* 32 TiB: above ASan's shadow (which ends below 16 TiB), far from mmap's
 * top-down area near 128 TiB. */
#define DIPC_BASE_VIRTADDR "0x200000000000"

static struct dipc_server *server;
static struct kv_service *kv;
static volatile sig_atomic_t stop_early;
/* EAL's --file-prefix and --huge-dir, for the clean-up at exit. */
static const char *eal_prefix, *eal_huge_dir;

/* SIGUSR1: print the counters (dipc_server_dump()) on the next control pass. */
static void
on_dump_signal(int sig __rte_unused)
{
	if (server != NULL) {
		/* NOLINTNEXTLINE(bugprone-signal-handler,cert-sig30-c): stores one sig_atomic_t */
		dipc_server_request_dump(server);
	}
}

static void
on_signal(int sig __rte_unused)
{
	/* Only set flags: this runs inside whatever the process was doing. */
	stop_early = 1;
	if (server != NULL) {
		/* NOLINTNEXTLINE(bugprone-signal-handler,cert-sig30-c): stores one sig_atomic_t */
		dipc_server_stop(server);
	}
}

/* MB of hugepage memory reserved at start (default pool: about 160 MB). */
#define DIPC_SOCKET_MEM "256"

static int
init_eal(int argc, char **argv)
{
	static const struct dipc_eal_default defs[] = {
		{ "--proc-type=primary", { "--proc-type", NULL } },
		{ "--file-prefix=" DIPC_DEFAULT_FILE_PREFIX, { "--file-prefix", NULL } },
		/* No NIC transport yet: do not grab PCI devices. */
		{ "--no-pci", { "--no-pci", "-a", "-b", "--allow" } },
		/* Secondaries must map hugepage memory at the primary's addresses.
		 * EAL's default hint lands next to the shared libraries, where a
		 * client's own mappings (or ASan's shadow) often already are; a
		 * fixed base high in the address space is free in every process. */
		{ "--base-virtaddr=" DIPC_BASE_VIRTADDR, { "--base-virtaddr", NULL } },
		/* Reserve hugepage memory up front, beyond what the pool and the
		 * first rings take: a secondary's own small allocations (EAL's
		 * service cores, a client's mempool objects) then come from
		 * memory already there, instead of asking this process to map
		 * more, which fails if it is stopped or busy. */
		{ "--socket-mem=" DIPC_SOCKET_MEM, { "--socket-mem", "-m", "--legacy-mem", NULL } },
	};
	char *args[DIPC_EAL_MAX_ARGS + 1];
	const char *prefix;
	int n, pid, ret;

	n = dipc_eal_args_merge(argc, argv, defs, RTE_DIM(defs), args);
	if (n < 0) {
		fprintf(stderr, "dipc-server: too many EAL arguments\n");
		return -E2BIG;
	}
	prefix = dipc_eal_arg_value(n, args, "--file-prefix");
	eal_prefix = prefix;
	eal_huge_dir = dipc_eal_arg_value(n, args, "--huge-dir");
	/* With -h/--help, rte_eal_init() prints the usage and exits. */
	pid = dipc_eal_help_wanted(n, args) ? 0 : dipc_eal_primary_pid(prefix);
	if (pid > 0) {
		fprintf(stderr, "dipc-server: another DPDK primary (pid %d) already runs on file "
				"prefix '%s'; stop it or give this server another --file-prefix\n",
			pid, prefix);
		return -EEXIST;
	}
	ret = rte_eal_init(n, args);
	if (ret < 0) {
		fprintf(stderr, "dipc-server: cannot initialise DPDK EAL (%s).\n"
				"  Check the EAL arguments above, and that 2 MB hugepages are "
				"reserved and mounted:\n"
				"    grep Huge /proc/meminfo; dpdk-hugepages.py -s\n"
				"  To reserve them as root: tools/setup.sh, or "
				"dpdk-hugepages.py -p 2M --setup 1G\n",
			rte_strerror(rte_errno));
		return -EINVAL;
	}
	return dipc_eal_argc(argc, argv);
}

/* After EAL's usage, for -h/--help before "--" (rte_eal_init() prints both). */
static void
usage_hook(const char *prgname __rte_unused)
{
	dipc_config_usage(stdout, "dipc-server");
}

int
main(int argc, char **argv)
{
	struct dipc_server_config cfg;
	char err[512];
	int ret, skip, help = 0;
	unsigned int in_use;

	/* The run directory and hugepage files are ours alone (DESIGN: trust). */
	umask(077);
	/* dipc-server --cleanup [--file-prefix P]: a dead server's files. */
	if (server_cleanup_requested(argc, argv))
		return server_cleanup_main(argc, argv);

	/* Parse the application arguments before EAL, so a bad option costs
	 * no hugepage and --help works on any machine. */
	skip = dipc_eal_argc(argc, argv);
	dipc_config_defaults(&cfg);
	if (skip < argc) {
		argv[skip] = argv[0];
		ret = dipc_config_parse_args(&cfg, argc - skip, argv + skip, &help, err,
					     sizeof(err));
		argv[skip] = (char *)(uintptr_t)"--";
		if (ret != 0) {
			fprintf(stderr, "dipc-server: %s\n", err);
			fprintf(stderr, "Try 'dipc-server -- --help'.\n");
			return 2;
		}
	}
	if (help) {
		dipc_config_usage(stdout, "dipc-server");
		server_cleanup_usage(stdout);
		return 0;
	}
	if (dipc_config_check(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "dipc-server: %s\n", err);
		return 2;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_dump_signal);

	rte_set_application_usage_hook(usage_hook);
	ret = init_eal(argc, argv);
	if (ret < 0)
		return 1;
	/* Ahead of the clients that share their CPUs (server.lcore_priority). */
	ret = 0;
	if (cfg.lcore_priority != 0) {
		ret = dipc_eal_lcores_init();
		if (ret == 0)
			ret = dipc_eal_lcores_nice(-(int)cfg.lcore_priority);
	}
	if (ret != 0)
		fprintf(stderr, "dipc-server: cannot run the lcores at nice -%u (%s): they keep "
				"their priority; run as root or with CAP_SYS_NICE, or set "
				"lcore_priority to 0\n", cfg.lcore_priority, strerror(-ret));

	server = dipc_server_create(&cfg);
	if (server == NULL) {
		fprintf(stderr, "dipc-server: cannot create the server: %s\n",
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		server_cleanup_at_exit(eal_prefix, eal_huge_dir);
		return 1;
	}
	if (cfg.kv_enabled) {
		struct kv_service_config kc = {
			.keys = cfg.kv_keys,
			.value_max = cfg.kv_value_max,
			/* The default value_max: what one class 0 mbuf carries,
			 * so memory does not follow the largest class. */
			.body_max = cfg.data_room - RTE_PKTMBUF_HEADROOM - DIPC_MSG_HDR_LEN,
			.chain_max = dipc_server_max_chain_body(server),
			.socket = (int)rte_socket_id(),
		};

		kv = kv_create(&kc, dipc_server_rcu(server), err, sizeof(err));
		if (kv == NULL || kv_register(kv, server) != 0) {
			fprintf(stderr, "dipc-server: key-value service: %s\n",
				kv == NULL ? err : "cannot register its methods");
			kv_free(kv);
			dipc_server_free(server);
			rte_eal_cleanup();
			server_cleanup_at_exit(eal_prefix, eal_huge_dir);
			return 1;
		}
	}
	if (stop_early)
		dipc_server_stop(server);
#ifdef DIPC_SERVER_TEST_HOOK
	/* Test builds only (tests/meson.build): register test methods. */
	DIPC_SERVER_TEST_HOOK(server);
#endif
	if (kv != NULL)
		kv_report(stdout, kv);
	printf("dipc-server: ready: pid %d, %u worker(s), %u connections, ring %u, pool %u x %u B, "
	       "idle %s\n",
	       getpid(), dipc_server_nb_workers(server), cfg.max_conns, cfg.ring_size, cfg.pool_size, cfg.data_room,
	       cfg.idle == DIPC_IDLE_BUSY ? "busy" : "backoff");
	fflush(stdout);

	ret = dipc_server_run(server);
	dipc_server_dump(stdout, server);
	/* Mbufs lent to clients that are still connected are accounted for;
	 * anything else missing is a leak. */
	in_use = dipc_server_mbufs_in_use(server) - dipc_server_mbufs_lent(server);
	if (in_use != 0)
		printf("dipc-server: %u mbufs were not returned to the pool\n", in_use);
	/*
	 * Exit without freeing DPDK memory: the kernel takes the pages back
	 * with the process. EAL's release (the rte_free()s of kv_free() and
	 * dipc_server_free(), then rte_eal_cleanup()) frees page by page, each
	 * under the exclusive flock of the hugetlbfs directory that every DPDK
	 * process on the machine needs to start, and under the prefix's
	 * shared rwlocks, which a client killed inside DPDK can leave held for
	 * ever: on a loaded machine that took tens of seconds and held up
	 * every other DPDK process's start meanwhile. Instead: drop our own
	 * flocks on the prefix's files, then remove them all under one lock
	 * of the directory (or say who still maps them).
	 */
	dipc_server_close(server);
	fflush(stdout);
	if (dipc_eal_files_drop_own(eal_prefix, eal_huge_dir, NULL) < 0)
		printf("dipc-server: cannot list its own open files; its hugepage files may stay\n");
	server_cleanup_at_exit(eal_prefix, eal_huge_dir);
	printf("dipc-server: stopped\n");
	return ret == 0 ? 0 : 1;
}
