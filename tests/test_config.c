/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/config: defaults, INI loading (good and bad lines),
 * dipc_config_set, argument parsing, the cross-option check, usage and the
 * dump/load round trip.
 *
 * Usage: test_config [PATH-TO-dipc-server.ini]
 * (or DIPC_CONFIG_INI in the environment; default config/dipc-server.ini).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <rte_common.h>

#include "dipc_config.h"

static const char *default_ini = "config/dipc-server.ini";
static char tmpdir[256];

/* Write content to tmpdir/name; the full path goes to path. */
static void
write_file(const char *name, const char *content, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(content, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int
remove_entry(const char *path, const struct stat *sb __rte_unused, int flag __rte_unused,
	     struct FTW *ftw __rte_unused)
{
	return remove(path);
}

static int
group_setup(void **state __rte_unused)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/dipc-test-config-XXXXXX",
		 getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state __rte_unused)
{
	return nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void
assert_defaults(const struct dipc_server_config *cfg)
{
	struct dipc_server_config def;

	dipc_config_defaults(&def);
	assert_memory_equal(cfg, &def, sizeof(def));
}

static void
test_defaults(void **state __rte_unused)
{
	struct dipc_server_config cfg;
	char err[256];

	memset(&cfg, 0xa5, sizeof(cfg));
	dipc_config_defaults(&cfg);
	assert_int_equal(cfg.max_conns, 1024);
	assert_int_equal(cfg.warm_conns, 16);
	assert_int_equal(cfg.grow_step, 32);
	assert_int_equal(cfg.conn_mbufs, 2048);
	assert_int_equal(cfg.heartbeat_ms, 200);
	assert_int_equal(cfg.stall_ms, 1000);
	assert_int_equal(cfg.stall_policy, DIPC_STALL_REPORT);
	assert_int_equal(cfg.kv_enabled, 1);
	assert_int_equal(cfg.kv_keys, 8192);
	assert_int_equal(cfg.kv_value_max, 0);
	assert_string_equal(cfg.token_file, "");
	assert_int_equal(cfg.workers, 0);
	assert_int_equal(cfg.ring_size, 1024);
	assert_int_equal(cfg.pool_size, 65535);
	assert_int_equal(cfg.pool_cache, 256);
	assert_int_equal(cfg.data_room, 2176);
	assert_int_equal(cfg.burst, 32);
	assert_int_equal(cfg.idle, DIPC_IDLE_BACKOFF);
	assert_int_equal(cfg.idle_spins, 10000);
	assert_int_equal(cfg.idle_sleep_us, 20);
	assert_int_equal(cfg.control_poll_us, 100);
	assert_int_equal(cfg.control_idle_poll_us, 2000);
	assert_int_equal(cfg.drain_ms, 1000);
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), 0);
}

static void
test_default_file(void **state __rte_unused)
{
	struct dipc_server_config cfg;
	char err[512] = "";
	int ret;

	/* Start from something else so that every option must be in the file. */
	memset(&cfg, 0, sizeof(cfg));
	ret = dipc_config_load(&cfg, default_ini, err, sizeof(err));
	if (ret != 0)
		fail_msg("%s", err);
	assert_defaults(&cfg);
}

static void
test_good_lines(void **state __rte_unused)
{
	static const char ini[] =
		"# hash comment, even with = in it\n"
		"; semicolon comment\n"
		"\n"
		"   \t\n"
		"[worker]\n"
		"idle=busy\n"
		"  burst   =   64   ; trailing comment\n"
		"\n"
		"  [ server ]  \n"
		"max_connections\t=\t128\r\n"
		"workers = 0007\n"
		"[ring]\n"
		"# size = 64\n"
		"size = 65536\n"
		"[control]\n"
		"drain_ms = 0\n";
	struct dipc_server_config cfg, want;
	char path[PATH_MAX], err[512] = "";
	int ret;

	write_file("good.ini", ini, path, sizeof(path));
	dipc_config_defaults(&cfg);
	ret = dipc_config_load(&cfg, path, err, sizeof(err));
	if (ret != 0)
		fail_msg("%s", err);

	dipc_config_defaults(&want);
	want.idle = DIPC_IDLE_BUSY;
	want.burst = 64;
	want.max_conns = 128;
	want.workers = 7;
	want.ring_size = 65536;
	want.drain_ms = 0;
	assert_memory_equal(&cfg, &want, sizeof(want));

	/* An empty file changes nothing. */
	write_file("empty.ini", "", path, sizeof(path));
	assert_int_equal(dipc_config_load(&cfg, path, err, sizeof(err)), 0);
	assert_memory_equal(&cfg, &want, sizeof(want));
}

/* Load content; expect -EINVAL, "PATH:" + msg, and cfg left at defaults. */
static void
check_bad(const char *content, const char *msg)
{
	struct dipc_server_config cfg;
	char path[PATH_MAX], want[PATH_MAX + 256], err[PATH_MAX + 256] = "";

	write_file("bad.ini", content, path, sizeof(path));
	dipc_config_defaults(&cfg);
	assert_int_equal(dipc_config_load(&cfg, path, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:%s", path, msg);
	assert_string_equal(err, want);
	assert_defaults(&cfg);
}

static void
test_bad_lines(void **state __rte_unused)
{
	char line[512];

	check_bad("[ring]\nsize = abc\n",
		  "2: key 'ring.size': 'abc' is not a number");
	check_bad("[ring]\nsize = 12x\n",
		  "2: key 'ring.size': '12x' is not a number");
	check_bad("[server]\n; comment\nworkers = -1\n",
		  "3: key 'server.workers': -1 is out of range 0..127");
	check_bad("[ring]\nsize = 32\n",
		  "2: key 'ring.size': 32 is out of range 64..65536");
	check_bad("[ring]\n\nsize = 99999\n",
		  "3: key 'ring.size': 99999 is out of range 64..65536");
	check_bad("[mempool]\nmbufs = 99999999999999999999999\n",
		  "2: key 'mempool.mbufs': 99999999999999999999999 is out of range 1024..4194304");
	check_bad("[ring]\nsize = 1000\n",
		  "2: key 'ring.size': 1000 is not a power of two");
	check_bad("[worker]\nburst = 8\nidle = fast\n",
		  "3: key 'worker.idle': 'fast' is not one of busy, backoff");
	check_bad("[ring]\nsize = 64\nsiz = 3\n",
		  "3: key 'ring.siz': unknown key");
	check_bad("[server]\nsize = 64\n",
		  "2: key 'server.size': unknown key");
	check_bad("; comment\n[foo]\nsize = 64\n",
		  "2: unknown section [foo]");
	check_bad("[ring]\nsize = 64\n\nsize = 128\n",
		  "4: key 'ring.size': duplicate key (first set on line 2)");
	check_bad("[worker]\nburst =\n",
		  "2: key 'worker.burst': empty value");
	check_bad("[worker]\nburst = ; nothing\n",
		  "2: key 'worker.burst': empty value");
	check_bad("[worker]\nburst 32\n",
		  "2: expected '[section]', 'key = value' or a comment");
	check_bad("size = 64\n",
		  "1: key 'size' is outside any section");
	check_bad("[ring]\n= 64\n",
		  "2: no key before '='");
	check_bad("[ring\nsize = 64\n",
		  "1: section header has no ']'");
	check_bad("[ring] x\n",
		  "1: unexpected text after section header");
	check_bad("[ring]\nsize = 64\n[worker]\n[ring]\n",
		  "4: duplicate section [ring]");
	/* The first bad line wins, whether a value or a syntax problem. */
	check_bad("[ring]\nsize = 100\n[worker]\nburst = 0\nfoo = 1\n",
		  "2: key 'ring.size': 100 is not a power of two");
	check_bad("[worker]\nburst = 1\nidle = busy\nidle_spins = x\nidle_sleep_us = 0\n",
		  "4: key 'worker.idle_spins': 'x' is not a number");
	check_bad("[worker]\nburst = 1\nfoo = 2\nidle = x\n",
		  "3: key 'worker.foo': unknown key");
	/* Longer than rte_cfgfile can read. */
	memset(line, ' ', sizeof(line));
	memcpy(line, "[ring]\n;", 8); /* NOLINT(bugprone-not-null-terminated-result): on purpose */
	memcpy(line + sizeof(line) - 2, "\n", 2);
	check_bad(line, "2: line is longer than 320 characters");
}

static void
test_missing_file(void **state __rte_unused)
{
	struct dipc_server_config cfg;
	char path[PATH_MAX], want[PATH_MAX + 64], err[PATH_MAX + 64] = "";

	snprintf(path, sizeof(path), "%s/does-not-exist.ini", tmpdir);
	dipc_config_defaults(&cfg);
	assert_int_equal(dipc_config_load(&cfg, path, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: cannot open: %s", path, strerror(ENOENT));
	assert_string_equal(err, want);
	assert_defaults(&cfg);
	/* A NULL/0 error buffer is allowed. */
	assert_int_equal(dipc_config_load(&cfg, path, NULL, 0), -ENOENT);
}

/* Input that is not a config file at all, or lines rte_cfgfile would
 * mangle: refused with where and why. */
static void
test_odd_input(void **state __rte_unused)
{
	struct dipc_server_config cfg;
	char path[PATH_MAX], err[PATH_MAX + 256] = "", value[300], *argv[3];
	int help = 0;
	FILE *f;

	dipc_config_defaults(&cfg);
	/* A directory opens but cannot be read. */
	assert_int_equal(dipc_config_load(&cfg, tmpdir, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "cannot read"));
	assert_defaults(&cfg);

	/* A NUL byte inside a line. */
	snprintf(path, sizeof(path), "%s/nul.ini", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fwrite("[ring]\nsize = 1\0" "024\n", 1, 18, f);
	fclose(f);
	assert_int_equal(dipc_config_load(&cfg, path, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "nul.ini:2: line contains a NUL byte"));
	unlink(path);

	/* A value longer than rte_cfgfile keeps. */
	memset(value, '1', sizeof(value));
	value[260] = '\0';
	snprintf(err, sizeof(err), "[ring]\nsize = %s\n", value);
	check_bad(err, "2: key 'ring.size': value is longer than 255 characters");

	/* An option name longer than any option. */
	memset(value, 'x', sizeof(value));
	value[0] = '-';
	value[1] = '-';
	value[200] = '\0';
	argv[0] = (char *)(uintptr_t)"dipc-server";
	argv[1] = value;
	argv[2] = NULL;
	assert_int_equal(dipc_config_parse_args(&cfg, 2, argv, &help, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown option '--xxx"));
	assert_defaults(&cfg);
}

/* Every option by both names. */
static const struct {
	const char *cli;
	const char *ini;
	const char *value;
	size_t offset;
	uint32_t expect;
} names[] = {
	{ "max-connections", "server.max_connections", "4096",
	  offsetof(struct dipc_server_config, max_conns), 4096 },
	{ "warm-connections", "server.warm_connections", "65534",
	  offsetof(struct dipc_server_config, warm_conns), 65534 },
	{ "grow-step", "server.grow_step", "4096",
	  offsetof(struct dipc_server_config, grow_step), 4096 },
	{ "conn-mbufs", "server.conn_mbufs", "65536",
	  offsetof(struct dipc_server_config, conn_mbufs), 65536 },
	{ "workers", "server.workers", "127", offsetof(struct dipc_server_config, workers), 127 },
	{ "lcore-priority", "server.lcore_priority", "19",
	  offsetof(struct dipc_server_config, lcore_priority), 19 },
	{ "ring-size", "ring.size", "64", offsetof(struct dipc_server_config, ring_size), 64 },
	{ "mbufs", "mempool.mbufs", "4194304",
	  offsetof(struct dipc_server_config, pool_size), 4194304 },
	{ "mbuf-cache", "mempool.cache", "0", offsetof(struct dipc_server_config, pool_cache), 0 },
	{ "data-room", "mempool.data_room", "65535",
	  offsetof(struct dipc_server_config, data_room), 65535 },
	{ "class1-data-room", "mempool.class1_data_room", "16512",
	  offsetof(struct dipc_server_config, class_data_room[0]), 16512 },
	{ "class1-mbufs", "mempool.class1_mbufs", "1024",
	  offsetof(struct dipc_server_config, class_pool_size[0]), 1024 },
	{ "class2-data-room", "mempool.class2_data_room", "65535",
	  offsetof(struct dipc_server_config, class_data_room[1]), 65535 },
	{ "class2-mbufs", "mempool.class2_mbufs", "4194304",
	  offsetof(struct dipc_server_config, class_pool_size[1]), 4194304 },
	{ "class3-data-room", "mempool.class3_data_room", "0",
	  offsetof(struct dipc_server_config, class_data_room[2]), 0 },
	{ "class3-mbufs", "mempool.class3_mbufs", "64",
	  offsetof(struct dipc_server_config, class_pool_size[2]), 64 },
	{ "burst", "worker.burst", "512", offsetof(struct dipc_server_config, burst), 512 },
	{ "idle", "worker.idle", "busy", offsetof(struct dipc_server_config, idle),
	  DIPC_IDLE_BUSY },
	{ "idle-spins", "worker.idle_spins", "100000000",
	  offsetof(struct dipc_server_config, idle_spins), 100000000 },
	{ "idle-sleep-us", "worker.idle_sleep_us", "100000",
	  offsetof(struct dipc_server_config, idle_sleep_us), 100000 },
	{ "control-poll-us", "control.poll_us", "10",
	  offsetof(struct dipc_server_config, control_poll_us), 10 },
	{ "control-idle-poll-us", "control.idle_poll_us", "1000000",
	  offsetof(struct dipc_server_config, control_idle_poll_us), 1000000 },
	{ "drain-ms", "control.drain_ms", "60000",
	  offsetof(struct dipc_server_config, drain_ms), 60000 },
	{ "heartbeat-ms", "control.heartbeat_ms", "10",
	  offsetof(struct dipc_server_config, heartbeat_ms), 10 },
	{ "stall-ms", "control.stall_ms", "3600000",
	  offsetof(struct dipc_server_config, stall_ms), 3600000 },
	{ "stall-policy", "control.stall_policy", "disconnect",
	  offsetof(struct dipc_server_config, stall_policy), DIPC_STALL_DISCONNECT },
	{ "kv", "kv.enabled", "0", offsetof(struct dipc_server_config, kv_enabled), 0 },
	{ "kv-keys", "kv.keys", "4194304", offsetof(struct dipc_server_config, kv_keys), 4194304 },
	{ "kv-value-max", "kv.value_max", "16777216",
	  offsetof(struct dipc_server_config, kv_value_max), 16777216 },
};

static void
test_set(void **state __rte_unused)
{
	struct dipc_server_config cfg, want;
	char err[256];
	unsigned int i, n;

	_Static_assert(sizeof(enum dipc_idle_policy) == sizeof(uint32_t), "enum is 32-bit");
	for (i = 0; i < RTE_DIM(names); i++) {
		for (n = 0; n < 2; n++) {
			dipc_config_defaults(&cfg);
			want = cfg;
			memcpy((char *)&want + names[i].offset, &names[i].expect, sizeof(uint32_t));
			assert_int_equal(dipc_config_set(&cfg, n == 0 ? names[i].cli : names[i].ini,
							 names[i].value, err, sizeof(err)), 0);
			assert_memory_equal(&cfg, &want, sizeof(want));
		}
	}

	dipc_config_defaults(&cfg);
	assert_int_equal(dipc_config_set(&cfg, "idle", "busy", err, sizeof(err)), 0);
	assert_int_equal(dipc_config_set(&cfg, "worker.idle", "backoff", err, sizeof(err)), 0);
	assert_int_equal(cfg.idle, DIPC_IDLE_BACKOFF);

	assert_int_equal(dipc_config_set(&cfg, "ring-size", "1000", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--ring-size: 1000 is not a power of two");
	assert_int_equal(dipc_config_set(&cfg, "ring.size", "abc", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--ring-size: 'abc' is not a number");
	assert_int_equal(dipc_config_set(&cfg, "burst", "", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--burst: '' is not a number");
	assert_int_equal(dipc_config_set(&cfg, "burst", "-3", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--burst: -3 is out of range 1..512");
	assert_int_equal(dipc_config_set(&cfg, "idle", "fast", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--idle: 'fast' is not one of busy, backoff");
	assert_int_equal(dipc_config_set(&cfg, "x", "1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown option 'x'");
	assert_int_equal(dipc_config_set(&cfg, "ring.", "1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "unknown option 'ring.'");
	assert_defaults(&cfg);

	assert_defaults(&cfg);

	/* Lists of ids: stored as given, checked number by number. */
	assert_int_equal(dipc_config_set(&cfg, "allow-uids", "0, 1000,65534", err, sizeof(err)), 0);
	assert_string_equal(cfg.allow_uids, "0, 1000,65534");
	assert_int_equal(dipc_config_set(&cfg, "server.allow_gids", "4294967294", err, sizeof(err)),
			 0);
	assert_string_equal(cfg.allow_gids, "4294967294");
	assert_int_equal(dipc_config_set(&cfg, "allow-uids", "", err, sizeof(err)), 0);
	assert_string_equal(cfg.allow_uids, "");
	assert_int_equal(dipc_config_set(&cfg, "allow-uids", "1,,2", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "--allow-uids: '1,,2' is not a list of at most 16 ids "
				 "(numbers below 4294967295, comma-separated)");
	assert_int_equal(dipc_config_set(&cfg, "allow-gids", "4294967295", err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(dipc_config_set(&cfg, "allow-gids", "-1", err, sizeof(err)), -EINVAL);
	assert_int_equal(dipc_config_set(&cfg, "allow-gids", "root", err, sizeof(err)), -EINVAL);
	assert_int_equal(dipc_config_set(&cfg, "allow-gids", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,"
				 "15,16,17", err, sizeof(err)), -EINVAL);
	assert_string_equal(cfg.allow_gids, "4294967294"); /* refusals change nothing */
	{
		uint32_t ids[DIPC_CONFIG_MAX_IDS];

		assert_int_equal(dipc_config_parse_ids(" 7 ,8", ids, DIPC_CONFIG_MAX_IDS), 2);
		assert_int_equal(ids[0], 7);
		assert_int_equal(ids[1], 8);
		assert_int_equal(dipc_config_parse_ids("  ", ids, DIPC_CONFIG_MAX_IDS), 0);
		assert_int_equal(dipc_config_parse_ids("7,", ids, DIPC_CONFIG_MAX_IDS), -EINVAL);
		assert_int_equal(dipc_config_parse_ids("99999999999", ids, DIPC_CONFIG_MAX_IDS),
				 -EINVAL);
		assert_int_equal(dipc_config_parse_ids("1,2", ids, 1), -EINVAL);
	}
	dipc_config_defaults(&cfg);

	/* A short error buffer truncates but stays terminated. */
	assert_int_equal(dipc_config_set(&cfg, "ring-size", "1000", err, 8), -EINVAL);
	assert_string_equal(err, "--ring-");
}

/* Run parse_args over a NULL-terminated list; checks help is 0 or 1. */
static int
parse(struct dipc_server_config *cfg, int *help, char *err, size_t errlen, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)(uintptr_t)"dipc-server";
	va_start(ap, errlen);
	while ((argv[argc] = va_arg(ap, char *)) != NULL)
		argc++;
	va_end(ap);
	assert_true(argc < (int)RTE_DIM(argv));
	*help = -1;
	return dipc_config_parse_args(cfg, argc, argv, help, err, errlen);
}

static void
test_parse_args(void **state __rte_unused)
{
	struct dipc_server_config cfg, want;
	char path[PATH_MAX], missing[PATH_MAX], arg[PATH_MAX + 16], msg[PATH_MAX + 64];
	char err[PATH_MAX + 256] = "";
	int help, round, ret;

	write_file("args.ini", "[ring]\nsize = 4096\n[worker]\nburst = 64\nidle = busy\n",
		   path, sizeof(path));

	/* Twice, to show no hidden state (getopt's optind) is kept. */
	for (round = 0; round < 2; round++) {
		dipc_config_defaults(&cfg);
		ret = parse(&cfg, &help, err, sizeof(err), "--ring-size", "256", "--config", path,
			    "--idle=backoff", "--mbufs=2048", "--ring.size=128", "--burst", "16",
			    "--burst", "8", NULL);
		if (ret != 0)
			fail_msg("%s", err);
		assert_int_equal(help, 0);
		dipc_config_defaults(&want);
		want.ring_size = 128; /* command line wins; the last one too */
		want.burst = 8;
		want.idle = DIPC_IDLE_BACKOFF;
		want.pool_size = 2048;
		assert_memory_equal(&cfg, &want, sizeof(want));
	}

	/* --config=FILE form; the file alone. */
	snprintf(arg, sizeof(arg), "--config=%s", path);
	dipc_config_defaults(&cfg);
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), arg, NULL), 0);
	assert_int_equal(cfg.ring_size, 4096);
	assert_int_equal(cfg.burst, 64);
	assert_int_equal(cfg.idle, DIPC_IDLE_BUSY);

	/* No arguments: nothing changes. */
	dipc_config_defaults(&cfg);
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), NULL), 0);
	assert_int_equal(help, 0);
	assert_defaults(&cfg);

	/* Errors leave cfg alone. */
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--burst", "4", "--bogus", "1",
			       NULL), -EINVAL);
	assert_string_equal(err, "unknown option '--bogus'");
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--bogus=1", NULL), -EINVAL);
	assert_string_equal(err, "unknown option '--bogus'");
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--burst", "4", "--burst", NULL),
			 -EINVAL);
	assert_string_equal(err, "option '--burst' requires a value");
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--config", NULL), -EINVAL);
	assert_string_equal(err, "option '--config' requires a value");
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--burst=0", NULL), -EINVAL);
	assert_string_equal(err, "--burst: 0 is out of range 1..512");
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--burst", "4", "stray", NULL),
			 -EINVAL);
	assert_string_equal(err, "unexpected argument 'stray'");
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "-x", NULL), -EINVAL);
	assert_string_equal(err, "unexpected argument '-x'");
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--config", path, "--config", path,
			       NULL), -EINVAL);
	assert_string_equal(err, "option '--config' given more than once");
	/*
	 * dipc_config_check() runs after the options. Within the option ranges
	 * (mbufs >= 1024, cache <= 512) it cannot fail: the smallest pool takes
	 * the largest cache (512 * 1.5 = 768 <= 1024).
	 */
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--mbufs", "1024", "--mbuf-cache",
			       "512", NULL), 0);
	assert_int_equal(cfg.pool_size, 1024);
	assert_int_equal(cfg.pool_cache, 512);
	dipc_config_defaults(&cfg);
	snprintf(missing, sizeof(missing), "%s/missing.ini", tmpdir);
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--config", missing, NULL), -ENOENT);
	assert_defaults(&cfg);

	/* A bad file reports its own file:line. */
	write_file("args-bad.ini", "[ring]\nsize = 3\n", path, sizeof(path));
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--ring-size", "64", "--config", path,
			       NULL), -EINVAL);
	snprintf(msg, sizeof(msg), "%s:2: key 'ring.size': 3 is out of range 64..65536", path);
	assert_string_equal(err, msg);
	assert_defaults(&cfg);

	/* --help and -h: help = 1, 0 returned, nothing applied, even with errors. */
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--burst", "4", "--help", NULL), 0);
	assert_int_equal(help, 1);
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "-h", "--bogus", NULL), 0);
	assert_int_equal(help, 1);
	assert_defaults(&cfg);
	assert_int_equal(parse(&cfg, &help, err, sizeof(err), "--help=1", NULL), -EINVAL);
	assert_string_equal(err, "option '--help' takes no value");
}

static void
test_check(void **state __rte_unused)
{
	struct dipc_server_config cfg;
	char err[256] = "";

	dipc_config_defaults(&cfg);
	/* DPDK's rule: cache_size * 1.5 <= n. 682 * 1.5 = 1023 fits 1024 mbufs. */
	cfg.pool_size = 1024;
	cfg.pool_cache = 682;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), 0);
	cfg.pool_cache = 683;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "mbuf cache 683 is too large for 1024 mbufs (at most pool_size / 1.5)");
	cfg.pool_size = 512;
	cfg.pool_cache = 512;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "mbuf cache 512 is too large for 512 mbufs (at most pool_size / 1.5)");
	cfg.pool_size = 768;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), 0);
	cfg.pool_size = 4194304;
	cfg.pool_cache = 512;
	assert_int_equal(dipc_config_check(&cfg, NULL, 0), 0);
}

/* Size classes: default off; on without gaps, ascending, at least 64 mbufs. */
static void
test_check_classes(void **state __rte_unused)
{
	struct dipc_server_config cfg;
	char err[256] = "";

	dipc_config_defaults(&cfg);
	assert_int_equal(cfg.data_room, 2176);
	assert_int_equal(cfg.class_data_room[0], 0);
	assert_int_equal(cfg.class_pool_size[0], 0);
	assert_int_equal(cfg.class_data_room[2], 0);
	cfg.class_data_room[0] = 16512;
	cfg.class_pool_size[0] = 1024;
	cfg.class_data_room[1] = 65535;
	cfg.class_pool_size[1] = 64;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), 0);
	cfg.class_pool_size[1] = 63;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "class2_mbufs 63 is too small: a size class needs at least 64 mbufs");
	cfg.class_pool_size[1] = 256;
	cfg.class_data_room[1] = 16512;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "class2_data_room 16512 must be larger than the previous class's 16512");
	cfg.class_data_room[0] = 2176;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "class1_data_room 2176 must be larger than the previous class's 2176");
	cfg.class_data_room[0] = 0;
	cfg.class_pool_size[0] = 0;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "size class 2 is set but class 1 is not: classes are numbered "
				 "without gaps");
	/* A class with a room but no mbufs is refused too, not silently off. */
	dipc_config_defaults(&cfg);
	cfg.class_data_room[0] = 4096;
	assert_int_equal(dipc_config_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "class1_mbufs 0 is too small: a size class needs at least 64 mbufs");
}

static void
test_usage(void **state __rte_unused)
{
	char *buf = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f;

	f = open_memstream(&buf, &len);
	assert_non_null(f);
	dipc_config_usage(f, "dipc-server");
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(buf, "Usage: dipc-server"));
	assert_non_null(strstr(buf, "--config FILE"));
	assert_non_null(strstr(buf, "--help"));
	for (i = 0; i < RTE_DIM(names); i++) {
		char opt[64];

		snprintf(opt, sizeof(opt), "--%s ", names[i].cli);
		assert_non_null(strstr(buf, opt));
		snprintf(opt, sizeof(opt), " %s: ", names[i].ini);
		assert_non_null(strstr(buf, opt));
	}
	assert_non_null(strstr(buf, "ring.size: power of two 64..65536, default 1024"));
	assert_non_null(strstr(buf, "worker.idle: busy or backoff, default backoff"));
	free(buf);
}

static void
test_dump_roundtrip(void **state __rte_unused)
{
	struct dipc_server_config cfg, back;
	char path[PATH_MAX], err[PATH_MAX + 256] = "";
	unsigned int round;
	FILE *f;
	int ret;

	for (round = 0; round < 2; round++) {
		dipc_config_defaults(&cfg);
		if (round == 1) {
			cfg.max_conns = 1;
			cfg.workers = 127;
			cfg.ring_size = 65536;
			cfg.pool_size = 4194304;
			cfg.pool_cache = 0;
			cfg.data_room = 256;
			cfg.burst = 512;
			cfg.idle = DIPC_IDLE_BUSY;
			cfg.idle_spins = 0;
			cfg.idle_sleep_us = 100000;
			cfg.control_poll_us = 10;
			cfg.drain_ms = 60000;
		}
		snprintf(path, sizeof(path), "%s/dump.ini", tmpdir);
		f = fopen(path, "w");
		assert_non_null(f);
		dipc_config_dump(f, &cfg);
		assert_int_equal(fclose(f), 0);

		/* Load over a zeroed struct, so every field must be in the dump. */
		memset(&back, 0, sizeof(back));
		ret = dipc_config_load(&back, path, err, sizeof(err));
		if (ret != 0)
			fail_msg("%s", err);
		assert_memory_equal(&back, &cfg, sizeof(cfg));
	}
}

/* A path option: set from a file, from the command line, empty, too long. */
static void
test_path_option(void **state __rte_unused)
{
	struct dipc_server_config cfg;
	char path[PATH_MAX], err[512] = "", longpath[400], ini[1024];
	char *argv[3] = { (char *)(uintptr_t)"dipc-server", NULL, NULL };
	int help = 0;

	dipc_config_defaults(&cfg);
	assert_string_equal(cfg.token_file, "");
	write_file("token.ini", "[server]\ntoken_file = /etc/dipc/token\n", path, sizeof(path));
	assert_int_equal(dipc_config_load(&cfg, path, err, sizeof(err)), 0);
	assert_string_equal(cfg.token_file, "/etc/dipc/token");
	/* Empty means none, and is allowed for a path only. */
	write_file("token.ini", "[server]\ntoken_file =\n", path, sizeof(path));
	assert_int_equal(dipc_config_load(&cfg, path, err, sizeof(err)), 0);
	assert_string_equal(cfg.token_file, "");
	argv[1] = (char *)(uintptr_t)"--token-file=/run/dipc.token";
	assert_int_equal(dipc_config_parse_args(&cfg, 2, argv, &help, err, sizeof(err)), 0);
	assert_string_equal(cfg.token_file, "/run/dipc.token");

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(dipc_config_set(&cfg, "token-file", longpath, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "--token-file: path is longer than 255 characters"));
	assert_string_equal(cfg.token_file, "/run/dipc.token");
	longpath[240] = '\0'; /* the file scan catches it before the option does */
	snprintf(ini, sizeof(ini), "[server]\ntoken_file = %s%s\n", longpath, longpath + 200);
	write_file("token.ini", ini, path, sizeof(path));
	assert_int_equal(dipc_config_load(&cfg, path, err, sizeof(err)), -EINVAL);
	if (strstr(err, ":2: key 'server.token_file': value is longer than 255") == NULL)
		fail_msg("got: %s (%s)", err, cfg.token_file);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_default_file),
		cmocka_unit_test(test_good_lines),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_odd_input),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_parse_args),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_check_classes),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_dump_roundtrip),
		cmocka_unit_test(test_path_option),
	};

	if (argc > 1)
		default_ini = argv[1];
	else if (getenv("DIPC_CONFIG_INI") != NULL)
		default_ini = getenv("DIPC_CONFIG_INI");
	return cmocka_run_group_tests_name("config", tests, group_setup, group_teardown);
}
