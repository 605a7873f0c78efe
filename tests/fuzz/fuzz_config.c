/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: libFuzzer target for the server configuration parser
 * (lib/config). Each input is used twice:
 *   1. as an INI file: written to /tmp/dipc-fuzz-config-PID.ini (one path
 *      per process) and loaded over the defaults with dipc_config_load(),
 *      then dipc_config_check();
 *   2. as a command line: split on NUL and newline into argv[1..] for
 *      dipc_config_parse_args().
 * Every property below aborts when broken, so libFuzzer reports it.
 *
 * A --config value is never opened as given (the fuzzer could name
 * /dev/zero or a FIFO): "@" stands for this input's INI file, any other
 * value starting with '@' for a valid INI file written at start-up, and
 * anything else for a file that does not exist.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_log.h>

#include "dipc_config.h"

#define MAX_ARGS 64
#define ERR_LEN 512
/* Filled into err buffers, to see what a call wrote. */
#define ERR_FILL 0x5a
#define MISSING_DIR "/nonexistent-dipc-fuzz/"

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz_config: %s:%d: property broken: %s\n", \
			__FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char prog[] = "dipc-server";
static char ini_path[160];
static char good_path[160];
static char dump_path[160];

static void
remove_files(void)
{
	unlink(ini_path);
	unlink(good_path);
	unlink(dump_path);
}

static void
write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	CHECK(f != NULL);
	CHECK(fwrite(data, 1, size, f) == size);
	CHECK(fclose(f) == 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dipc_server_config cfg;
	const char *dir;
	FILE *f;

	RTE_SET_USED(argc);
	RTE_SET_USED(argv);
	/* rte_cfgfile logs every line it rejects; the fuzzer checks the
	 * returned messages instead. */
	rte_log_set_global_level(RTE_LOG_EMERG);

	dir = getenv("TMPDIR");
	if (dir == NULL || dir[0] == '\0' || strlen(dir) > 100)
		dir = "/tmp";
	snprintf(ini_path, sizeof(ini_path), "%s/dipc-fuzz-config-%d.ini", dir, (int)getpid());
	snprintf(good_path, sizeof(good_path), "%s/dipc-fuzz-config-%d-good.ini", dir,
		 (int)getpid());
	snprintf(dump_path, sizeof(dump_path), "%s/dipc-fuzz-config-%d-dump.ini", dir,
		 (int)getpid());
	atexit(remove_files);

	/* A valid file with values off the defaults, for --config @good. */
	dipc_config_defaults(&cfg);
	cfg.pool_size = 1024;
	cfg.pool_cache = 64;
	cfg.ring_size = 64;
	cfg.idle = DIPC_IDLE_BUSY;
	f = fopen(good_path, "w");
	CHECK(f != NULL);
	dipc_config_dump(f, &cfg);
	CHECK(fclose(f) == 0);
	return 0;
}

static bool
is_pow2(uint32_t v)
{
	return v != 0 && (v & (v - 1)) == 0;
}

/* Every field in its documented range (dipc_config.h). */
static void
check_ranges(const struct dipc_server_config *c)
{
	CHECK(c->max_conns >= 1 && c->max_conns <= 65534);
	CHECK(c->warm_conns <= 65534);
	CHECK(c->grow_step >= 1 && c->grow_step <= 4096);
	CHECK(c->conn_mbufs >= 8 && c->conn_mbufs <= 65536);
	CHECK(memchr(c->token_file, '\0', sizeof(c->token_file)) != NULL);
	CHECK(c->workers <= 127);
	CHECK(is_pow2(c->ring_size) && c->ring_size >= 64 && c->ring_size <= 65536);
	CHECK(c->pool_size >= 1024 && c->pool_size <= 4194304);
	CHECK(c->pool_cache <= 512);
	CHECK(c->data_room >= 256 && c->data_room <= 65535);
	CHECK(c->burst >= 1 && c->burst <= 512);
	CHECK(c->idle == DIPC_IDLE_BUSY || c->idle == DIPC_IDLE_BACKOFF);
	CHECK(c->idle_spins <= 100000000);
	CHECK(c->idle_sleep_us >= 1 && c->idle_sleep_us <= 100000);
	CHECK(c->control_poll_us >= 10 && c->control_poll_us <= 1000000);
	CHECK(c->control_idle_poll_us >= 10 && c->control_idle_poll_us <= 1000000);
	CHECK(c->drain_ms <= 60000);
	CHECK(c->heartbeat_ms >= 10 && c->heartbeat_ms <= 60000);
	CHECK(c->stall_ms >= 1 && c->stall_ms <= 3600000);
	CHECK(c->rebalance_ms <= 60000);
	CHECK(c->stall_policy == DIPC_STALL_REPORT || c->stall_policy == DIPC_STALL_DISCONNECT);
}

/* An error message: non-empty and NUL-terminated inside the buffer. */
static void
check_err(const char *err, size_t errlen)
{
	CHECK(errlen > 0);
	CHECK(memchr(err, '\0', errlen) != NULL);
	CHECK(err[0] != '\0');
}

/* dipc_config_check(), and that it agrees with its documented rule. */
static void
check_check(const struct dipc_server_config *cfg)
{
	char err[ERR_LEN];
	bool too_big = (uint64_t)cfg->pool_cache * 3 > (uint64_t)cfg->pool_size * 2;
	int ret;

	memset(err, ERR_FILL, sizeof(err));
	ret = dipc_config_check(cfg, err, sizeof(err));
	CHECK(ret == 0 || ret == -EINVAL);
	CHECK((ret != 0) == too_big);
	if (ret != 0)
		check_err(err, sizeof(err));
}

/*
 * Small error buffers: errlen 0 with err NULL, or a heap buffer of exactly
 * errlen bytes (ASan sees a write past it). Returns the small err, or NULL.
 */
static char *
small_err(size_t errlen)
{
	char *e;

	if (errlen == 0)
		return NULL;
	e = malloc(errlen);
	CHECK(e != NULL);
	memset(e, ERR_FILL, errlen);
	return e;
}

static void
check_small_err(const char *e, size_t errlen, int ret)
{
	if (e == NULL || ret == 0)
		return;
	CHECK(memchr(e, '\0', errlen) != NULL);
}

/* What dipc_config_dump() prints, dipc_config_load() reads back. */
static void
check_dump(const struct dipc_server_config *cfg)
{
	struct dipc_server_config back;
	char err[ERR_LEN];
	FILE *f;
	int ret;

	f = fopen(dump_path, "w");
	CHECK(f != NULL);
	dipc_config_dump(f, cfg);
	CHECK(fclose(f) == 0);
	dipc_config_defaults(&back);
	back.workers = 99; /* every option is in the dump: this goes */
	ret = dipc_config_load(&back, dump_path, err, sizeof(err));
	if (ret != 0)
		fprintf(stderr, "fuzz_config: dump not loadable: %s\n", err);
	CHECK(ret == 0);
	CHECK(memcmp(&back, cfg, sizeof(back)) == 0);
}

static void
fuzz_load(const uint8_t *data, size_t size)
{
	struct dipc_server_config cfg, before, again;
	char err[ERR_LEN];
	size_t errlen = size % 24;
	char *e;
	int ret, ret2;

	write_file(ini_path, data, size);
	dipc_config_defaults(&cfg);
	before = cfg;
	memset(err, ERR_FILL, sizeof(err));
	ret = dipc_config_load(&cfg, ini_path, err, sizeof(err));
	CHECK(ret == 0 || ret == -EINVAL);
	if (ret != 0) {
		check_err(err, sizeof(err));
		/* "PATH:LINE: ..." or "PATH: ..." */
		CHECK(strncmp(err, ini_path, strlen(ini_path)) == 0);
		CHECK(err[strlen(ini_path)] == ':');
		CHECK(memcmp(&cfg, &before, sizeof(cfg)) == 0);
	} else {
		check_ranges(&cfg);
	}
	check_check(&cfg);

	/* The same file again, with a small or no error buffer: the same. */
	dipc_config_defaults(&again);
	e = small_err(errlen);
	ret2 = dipc_config_load(&again, ini_path, e, errlen);
	CHECK(ret2 == ret);
	CHECK(memcmp(&again, &cfg, sizeof(cfg)) == 0);
	check_small_err(e, errlen, ret2);
	free(e);

	if (ret == 0)
		check_dump(&cfg);
}

/* The file a --config value stands for (see the top of this file). */
static const char *
sandbox_path(const char *v)
{
	if (v[0] != '@')
		return MISSING_DIR;
	return strcmp(v, "@") == 0 ? ini_path : good_path;
}

/*
 * Point every --config value at a file we chose, following
 * dipc_config_parse_args(): it loads a file only if every argument parsed,
 * so then "--NAME" (not --help) took the next argument as its value.
 * Returns true if a --config option was seen.
 */
static bool
sandbox_config(int argc, char **argv, char *store, size_t storelen)
{
	bool seen = false;
	size_t used = 0;
	int i, n;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--config=", 9) == 0) {
			n = snprintf(store + used, storelen - used, "--config=%s",
				     sandbox_path(a + 9));
		} else if (strcmp(a, "--config") == 0 && i + 1 < argc) {
			i++;
			n = snprintf(store + used, storelen - used, "%s", sandbox_path(argv[i]));
		} else {
			if (strncmp(a, "--", 2) == 0 && strchr(a, '=') == NULL &&
			    strcmp(a, "--help") != 0)
				i++;
			continue;
		}
		CHECK(n > 0 && (size_t)n < storelen - used);
		argv[i] = store + used;
		used += (size_t)n + 1;
		seen = true;
	}
	return seen;
}

static void
fuzz_args(const uint8_t *data, size_t size)
{
	struct dipc_server_config cfg, before, again;
	char *argv[MAX_ARGS + 1], *copy[MAX_ARGS + 1];
	char store[MAX_ARGS * (sizeof(ini_path) + 16)];
	char err[ERR_LEN];
	size_t errlen = size % 24;
	int argc = 1, ret, ret2, help = -1, help2 = -1, i;
	char *text, *s, *e;
	bool has_config;

	text = malloc(size + 1);
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	argv[0] = prog;
	/* Split on NUL and newline; empty arguments are arguments too. */
	for (s = text; argc < MAX_ARGS && s < text + size; argc++) {
		argv[argc] = s;
		while (*s != '\0' && *s != '\n')
			s++;
		*s++ = '\0';
	}
	argv[argc] = NULL;
	has_config = sandbox_config(argc, argv, store, sizeof(store));
	for (i = 0; i <= argc; i++)
		copy[i] = argv[i] == NULL ? NULL : strdup(argv[i]);

	dipc_config_defaults(&cfg);
	before = cfg;
	memset(err, ERR_FILL, sizeof(err));
	ret = dipc_config_parse_args(&cfg, argc, argv, &help, err, sizeof(err));
	CHECK(ret == 0 || ret == -EINVAL || ret == -ENOENT);
	CHECK(help == 0 || help == 1);
	CHECK(ret != -ENOENT || has_config);
	if (ret != 0 || help == 1) {
		CHECK(memcmp(&cfg, &before, sizeof(cfg)) == 0);
		CHECK(ret == 0 || help == 0);
	}
	if (ret != 0)
		check_err(err, sizeof(err));
	if (ret == 0 && help == 0) {
		/* parse_args runs dipc_config_check() before it applies. */
		check_ranges(&cfg);
		check_check(&cfg);
	}
	/* argv is read, never written. */
	for (i = 0; i <= argc; i++)
		CHECK(argv[i] == NULL ? copy[i] == NULL : strcmp(argv[i], copy[i]) == 0);

	/* Again, with a small or no error buffer and no help flag. */
	dipc_config_defaults(&again);
	e = small_err(errlen);
	ret2 = dipc_config_parse_args(&again, argc, argv, NULL, e, errlen);
	CHECK(ret2 == ret);
	CHECK(memcmp(&again, &cfg, sizeof(cfg)) == 0);
	check_small_err(e, errlen, ret2);
	free(e);
	/* Once more on top of the result: applying it twice changes nothing
	 * (every option sets a value, none adds to one). */
	if (ret == 0) {
		ret2 = dipc_config_parse_args(&again, argc, argv, &help2, err, sizeof(err));
		CHECK(ret2 == 0 && help2 == help);
		CHECK(memcmp(&again, &cfg, sizeof(cfg)) == 0);
	}

	for (i = 0; i <= argc; i++)
		free(copy[i]);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_load(data, size);
	fuzz_args(data, size);
	return 0;
}
