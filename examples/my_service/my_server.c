/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * my_server: a dipc server of your own. It is a DPDK primary that embeds
 * the dipc server library (shared memory, admission, worker lcores) and
 * registers the greeter service's handler (handlers.c) for method 100.
 * Clients are any dipc clients on the same EAL file prefix (my_client).
 *
 *   my_server [EAL options] -- [dipc server options]
 *
 * The dipc server options are dipc-server's (--max-connections, --workers,
 * --idle busy, ... and --config FILE; see --help), parsed by the library.
 * The main lcore runs the control loop; every other lcore is a worker.
 *
 * Build, against an installed dipc:
 *   $(pkg-config --variable=schemac dipc) greeter.schema -o greeter.h
 *   cc -O2 -I. -o my_server my_server.c handlers.c \
 *       $(pkg-config --cflags --libs dipc-server)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>

#include <dipc_config.h>
#include <dipc_eal.h>
#include <dipc_server.h>

#include "greeter_service.h"

static struct dipc_server *server;

/* SIGINT, SIGTERM: stop serving (async-signal-safe: it sets a flag). */
static void
on_signal(int sig __rte_unused)
{
	if (server != NULL) {
		/* NOLINTNEXTLINE(bugprone-signal-handler,cert-sig30-c): it stores one flag */
		dipc_server_stop(server);
	}
}

static void
usage_hook(const char *prog __rte_unused)
{
	dipc_config_usage(stdout, "my_server");
}

/*
 * EAL as a dipc server wants it, unless the command line says otherwise:
 * the file prefix clients look for, no PCI devices, and a fixed base
 * address for hugepage memory that every client process can map too.
 */
static int
init_eal(int argc, char **argv)
{
	static const struct dipc_eal_default defs[] = {
		{ "--proc-type=primary", { "--proc-type", NULL } },
		{ "--file-prefix=dipc", { "--file-prefix", NULL } },
		{ "--no-pci", { "--no-pci", "-a", "-b", "--allow" } },
		{ "--base-virtaddr=0x200000000000", { "--base-virtaddr", NULL } },
	};
	char *args[DIPC_EAL_MAX_ARGS + 1];
	const char *prefix;
	int n, pid;

	n = dipc_eal_args_merge(argc, argv, defs, RTE_DIM(defs), args);
	if (n < 0)
		return -1;
	/* One primary per file prefix: say so before EAL touches anything. */
	prefix = dipc_eal_arg_value(n, args, "--file-prefix");
	pid = dipc_eal_help_wanted(n, args) ? 0 : dipc_eal_primary_pid(prefix);
	if (pid > 0) {
		fprintf(stderr, "my_server: a DPDK primary (pid %d) already runs on file "
				"prefix '%s'\n", pid, prefix);
		return -1;
	}
	rte_set_application_usage_hook(usage_hook);
	if (rte_eal_init(n, args) < 0) {
		fprintf(stderr, "my_server: cannot initialise EAL: %s (are 2 MB hugepages "
				"reserved? dpdk-hugepages.py -s)\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct dipc_server_config cfg;
	struct greeter_state greeter;
	char err[512];
	int skip, help = 0, ret;

	/* Hugepage files and run directory for this user alone. */
	umask(077);

	/* The server options (after "--") first: a bad one costs no EAL. */
	dipc_config_defaults(&cfg);
	skip = dipc_eal_argc(argc, argv);
	if (skip < argc) {
		argv[skip] = argv[0]; /* the parser wants a program name first */
		ret = dipc_config_parse_args(&cfg, argc - skip, argv + skip, &help, err,
					     sizeof(err));
		argv[skip] = (char *)(uintptr_t)"--";
		if (ret != 0) {
			fprintf(stderr, "my_server: %s\n", err);
			return 2;
		}
	}
	if (help) {
		dipc_config_usage(stdout, "my_server");
		return 0;
	}
	if (dipc_config_check(&cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "my_server: %s\n", err);
		return 2;
	}

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (init_eal(argc, argv) != 0)
		return 1;

	/* The shared objects clients attach to; then our methods. */
	server = dipc_server_create(&cfg);
	if (server == NULL) {
		fprintf(stderr, "my_server: cannot create the server: %s\n",
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	ret = greeter_register(server, &greeter);
	if (ret != 0) {
		fprintf(stderr, "my_server: cannot register the greeter: %s\n", strerror(-ret));
		dipc_server_free(server);
		rte_eal_cleanup();
		return 1;
	}
	printf("my_server: ready: %u worker(s)\n", dipc_server_nb_workers(server));
	fflush(stdout);

	/* Until SIGINT or SIGTERM: admit clients, serve, then drain. */
	ret = dipc_server_run(server);
	printf("my_server: greeted %lu visitors\n", (unsigned long)greeter.visitors);
	dipc_server_dump(stdout, server);
	dipc_server_free(server);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
