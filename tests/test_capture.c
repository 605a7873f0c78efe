/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Description: message capture end to end. A real dipc-server, capture
 * turned on and off over its rte_telemetry socket (/dipc/capture), real
 * clients exchanging known messages, and the pcapng file read back with
 * tshark and the dissector tools/dipc.lua: every message present, in
 * order, each header field as sent. Also the error answers of the command
 * (bad path, bad slot, stop without start, ...) with the server still
 * serving, and a capture completed by the server's shutdown.
 *
 * Exits 77 (skip) when hugepages cannot be had or tshark is not installed
 * (tools/setup.sh installs it).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "dipc_eal.h"
#include "harness.h"

#define DIM(a) (sizeof(a) / sizeof((a)[0]))

static const char *lua_script;

/* Connect to the server's telemetry socket and read its greeting. */
static int
tel_connect(const struct harness *h)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 20 };
	char dir[256], buf[1024];
	ssize_t n;
	int fd;

	assert_int_equal(dipc_eal_runtime_dir(h->prefix, dir, sizeof(dir)), 0);
	assert_true(snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/dpdk_telemetry.v2", dir) <
		    (int)sizeof(sun.sun_path));
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		fprintf(stderr, "cannot connect to %s: %s\n", sun.sun_path, strerror(errno));
		fail();
	}
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"version\":\"DPDK"));
	return fd;
}

/* Send one command; the answer (JSON) goes to @out. */
static void
tel_cmd(int fd, const char *cmd, char *out, size_t len)
{
	ssize_t n;

	assert_int_equal(send(fd, cmd, strlen(cmd), 0), (ssize_t)strlen(cmd));
	n = recv(fd, out, len - 1, 0);
	if (n <= 0) {
		fprintf(stderr, "no answer to %s: %s\n", cmd, n < 0 ? strerror(errno) : "EOF");
		fail();
	}
	out[n] = '\0';
	printf("  %s -> %s\n", cmd, out);
}

/* The answer to @cmd must contain each of the NULL-terminated strings. */
static void
expect_answer(int fd, const char *cmd, ...)
{
	char out[4096];
	const char *want;
	int missing = 0;
	va_list ap;

	tel_cmd(fd, cmd, out, sizeof(out));
	va_start(ap, cmd);
	while ((want = va_arg(ap, const char *)) != NULL) {
		if (strstr(out, want) == NULL) {
			fprintf(stderr, "answer to %s lacks '%s': %s\n", cmd, want, out);
			missing++;
		}
	}
	va_end(ap);
	assert_int_equal(missing, 0);
}

/* The value of "key":N in a JSON answer. */
static long
json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	assert_non_null(p);
	return strtol(p + strlen(pat), NULL, 10);
}

/* Is tshark in $PATH (where execvp() will look)? */
static int
tshark_installed(void)
{
	const char *path = getenv("PATH");
	char dirs[4096], file[4200], *save = NULL, *d;

	snprintf(dirs, sizeof(dirs), "%s", path != NULL ? path : "/usr/bin:/bin");
	for (d = strtok_r(dirs, ":", &save); d != NULL; d = strtok_r(NULL, ":", &save)) {
		snprintf(file, sizeof(file), "%s/tshark", d);
		if (access(file, X_OK) == 0)
			return 1;
	}
	return 0;
}

#define NB_FIELDS 15
/* Fields asked of tshark, in this order. */
static const char *const fields[NB_FIELDS] = {
	"dipc.slot", "dipc.direction", "dipc.magic", "dipc.version", "dipc.flags",
	"dipc.method", "dipc.status", "dipc.reserved", "dipc.stream_id", "dipc.body_len",
	"dipc.csum", "dipc.body", "frame.packet_flags_direction", "frame.interface_queue",
	"frame.number",
};
enum { F_SLOT, F_DIR, F_MAGIC, F_VERSION, F_FLAGS, F_METHOD, F_STATUS, F_RESERVED, F_STREAM,
       F_BODY_LEN, F_CSUM, F_BODY, F_PCAP_DIR, F_QUEUE, F_NUMBER };

struct frame {
	char f[NB_FIELDS][2200];
};

/* Run tshark with the dissector on @file, printing @fields (tab-separated,
 * one line per frame) into @out. */
static void
run_tshark(const struct harness *h, const char *file, const char *const *flds, int nb,
	   const char *out)
{
	char err[512], lua[600];
	const char *argv[8 + 2 * NB_FIELDS];
	int n = 0, i, st, fd;
	pid_t pid;

	assert_true(nb <= NB_FIELDS);
	snprintf(err, sizeof(err), "%s/tshark.err", h->dir);
	snprintf(lua, sizeof(lua), "lua_script:%s", lua_script);
	argv[n++] = "tshark";
	argv[n++] = "-X";
	argv[n++] = lua;
	argv[n++] = "-r";
	argv[n++] = file;
	argv[n++] = "-T";
	argv[n++] = "fields";
	for (i = 0; i < nb; i++) {
		argv[n++] = "-e";
		argv[n++] = flds[i];
	}
	argv[n] = NULL;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 1);
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		dup2(fd, 2);
		execvp("tshark", (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		struct harness_proc p = { 0 };

		snprintf(p.log, sizeof(p.log), "%s", err);
		harness_dump_log(&p);
		fail_msg("tshark failed on %s", file);
	}
}

/* Split a tab-separated line into at most @nb fields of @fr. */
static void
split_line(char *line, struct frame *fr, int nb)
{
	char *p = line, *tab;
	int i;

	line[strcspn(line, "\n")] = '\0';
	memset(fr, 0, sizeof(*fr));
	for (i = 0; i < nb; i++) {
		tab = strchr(p, '\t');
		if (tab != NULL)
			*tab = '\0';
		assert_true(strlen(p) < sizeof(fr->f[i]));
		memcpy(fr->f[i], p, strlen(p) + 1);
		if (tab == NULL)
			break;
		p = tab + 1;
	}
}

/* Read @file with tshark and the dissector into @frames (at most @max);
 * returns how many frames tshark printed. */
static int
read_capture(const struct harness *h, const char *file, struct frame *frames, int max)
{
	static char line[NB_FIELDS * 2200];
	char out[512];
	int n = 0;
	FILE *f;

	snprintf(out, sizeof(out), "%s/tshark.out", h->dir);
	run_tshark(h, file, fields, NB_FIELDS, out);
	f = fopen(out, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		assert_true(n < max);
		split_line(line, &frames[n], NB_FIELDS);
		n++;
	}
	fclose(f);
	return n;
}

/* What dipc_test_client's fill() puts in a body, as tshark prints bytes. */
static void
body_hex(char *buf, size_t len, uint32_t body_len, uint32_t seed)
{
	uint32_t i;

	buf[0] = '\0';
	for (i = 0; i < body_len && 2 * i + 2 < len; i++)
		snprintf(buf + (size_t)2 * i, 3, "%02x", (uint8_t)(seed + i * 13u));
}

/* Frame @fr must be the request (or response) of an echo call on @slot
 * with stream id @stream and a body of @body_len bytes filled from @seed. */
static void
expect_echo_frame(const struct frame *fr, unsigned int slot, int response, unsigned int stream,
		  uint32_t body_len, uint32_t seed)
{
	char want[64], body[2100];

	snprintf(want, sizeof(want), "%u", slot);
	assert_string_equal(fr->f[F_SLOT], want);
	assert_string_equal(fr->f[F_QUEUE], want);
	assert_string_equal(fr->f[F_DIR], response ? "response" : "request");
	assert_string_equal(fr->f[F_PCAP_DIR], response ? "0x00000002" : "0x00000001");
	assert_string_equal(fr->f[F_MAGIC], "0x43504944");
	assert_string_equal(fr->f[F_VERSION], "1");
	assert_string_equal(fr->f[F_FLAGS], response ? "0x02" : "0x01");
	assert_string_equal(fr->f[F_METHOD], "1");
	assert_string_equal(fr->f[F_STATUS], "0");
	assert_string_equal(fr->f[F_RESERVED], "0x0000");
	snprintf(want, sizeof(want), "%u", stream);
	assert_string_equal(fr->f[F_STREAM], want);
	snprintf(want, sizeof(want), "%u", body_len);
	assert_string_equal(fr->f[F_BODY_LEN], want);
	assert_string_equal(fr->f[F_CSUM], "0x00000000");
	body_hex(body, sizeof(body), body_len, seed);
	assert_string_equal(fr->f[F_BODY], body);
}

/* The slot a test client printed it connected on. */
static unsigned int
client_slot(const struct harness_proc *p)
{
	char line[256];
	unsigned int slot = ~0u;
	FILE *f = fopen(p->log, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		/* NOLINTNEXTLINE(cert-err34-c): a mismatch leaves ~0u, which fails below */
		if (sscanf(line, "test-client: connected on slot %u", &slot) == 1)
			break;
	fclose(f);
	assert_true(slot != ~0u);
	return slot;
}

static void
expect_client(struct harness *h, int i, int want)
{
	int st;

	assert_true(i >= 0);
	st = harness_wait(&h->clients[i], 60000);
	if (st != want)
		harness_dump_log(&h->clients[i]);
	assert_int_equal(st, want);
}

#define NB_CALLS 40

/* Capture of all slots: N echo calls with known bodies, read back. */
static void
test_capture_known_exchange(void **state)
{
	struct harness *h = *state;
	const char *const client[] = { "calls", "40", NULL };
	static struct frame frames[2 * NB_CALLS + 1];
	char path[512], cmd[700], out[4096];
	unsigned int slot, k;
	int fd, n;

	assert_int_equal(harness_start_server(h, NULL), 0);
	fd = tel_connect(h);
	expect_answer(fd, "/dipc/capture", "\"capturing\":0", NULL);
	snprintf(path, sizeof(path), "%s/all.pcapng", h->dir);
	snprintf(cmd, sizeof(cmd), "/dipc/capture,start,%s,all", path);
	expect_answer(fd, cmd, "\"capturing\":\"", "\"slot\":\"all\"", NULL);
	expect_answer(fd, "/dipc/capture,status", "\"capturing\":1", "\"slot\":\"all\"", NULL);

	expect_client(h, harness_start_client(h, client), 0);
	slot = client_slot(&h->clients[0]);

	tel_cmd(fd, "/dipc/capture,stop", out, sizeof(out));
	assert_non_null(strstr(out, "\"stopped\":\"ok\""));
	assert_int_equal(json_num(out, "captured"), 2 * NB_CALLS);
	assert_int_equal(json_num(out, "dropped"), 0);
	assert_int_equal(json_num(out, "written"), 2 * NB_CALLS);
	assert_int_equal(json_num(out, "failed"), 0);
	expect_answer(fd, "/dipc/capture", "\"capturing\":0", NULL);

	/* Every message, in order: request k, then its response. */
	n = read_capture(h, path, frames, (int)DIM(frames));
	assert_int_equal(n, 2 * NB_CALLS);
	for (k = 0; k < NB_CALLS; k++) {
		expect_echo_frame(&frames[(size_t)2 * k], slot, 0, k + 1, k, k);
		expect_echo_frame(&frames[(size_t)2 * k + 1], slot, 1, k + 1, k, k);
	}

	/* Capture off again: the server serves on, the file stays as it was. */
	expect_client(h, harness_start_client(h, client), 0);
	assert_int_equal(read_capture(h, path, frames, (int)DIM(frames)), 2 * NB_CALLS);
	close(fd);
	assert_int_equal(harness_stop_server(h), 0);
}

/* Capture of one slot: the other connection's messages stay out. */
static void
test_capture_one_slot(void **state)
{
	struct harness *h = *state;
	/* Two connections (slots 0 and 1 on a fresh server), 3 calls each;
	 * connection i's call r has a body of (2r + i) % 257 bytes. */
	const char *const client[] = { "conns", "2", "3", NULL };
	static struct frame frames[16];
	char path[512], cmd[700], out[4096];
	unsigned int r;
	int fd, n;

	assert_int_equal(harness_start_server(h, NULL), 0);
	fd = tel_connect(h);
	snprintf(path, sizeof(path), "%s/slot1.pcapng", h->dir);
	snprintf(cmd, sizeof(cmd), "/dipc/capture,start,%s,1", path);
	expect_answer(fd, cmd, "\"slot\":1", NULL);
	expect_client(h, harness_start_client(h, client), 0);
	tel_cmd(fd, "/dipc/capture,stop", out, sizeof(out));
	assert_int_equal(json_num(out, "written"), 6);

	n = read_capture(h, path, frames, (int)DIM(frames));
	assert_int_equal(n, 6);
	for (r = 0; r < 3; r++) {
		expect_echo_frame(&frames[(size_t)2 * r], 1, 0, r + 1, 2 * r + 1, 2 * r + 1);
		expect_echo_frame(&frames[(size_t)2 * r + 1], 1, 1, r + 1, 2 * r + 1, 2 * r + 1);
	}
	close(fd);
	assert_int_equal(harness_stop_server(h), 0);
}

/* Bad commands get a clear error; the server keeps serving. */
static void
test_capture_errors(void **state)
{
	struct harness *h = *state;
	const char *const client[] = { "calls", "10", NULL };
	char cmd[700], path[512], exists[512];
	int fd;

	assert_int_equal(harness_start_server(h, NULL), 0);
	fd = tel_connect(h);
	expect_answer(fd, "/dipc/capture,stop", "\"error\":\"no capture is running\"", NULL);
	expect_answer(fd, "/dipc/capture,start", "\"error\":\"usage: /dipc/capture,start", NULL);
	expect_answer(fd, "/dipc/capture,start,relative.pcapng", "\"error\":",
		      "must be an absolute path", NULL);
	expect_answer(fd, "/dipc/capture,start,/nonexistent-dir/x.pcapng",
		      "\"error\":\"cannot create /nonexistent-dir/x.pcapng: No such file or "
		      "directory\"", NULL);
	snprintf(exists, sizeof(exists), "%s/exists.pcapng", h->dir);
	close(open(exists, O_WRONLY | O_CREAT, 0600));
	snprintf(cmd, sizeof(cmd), "/dipc/capture,start,%s", exists);
	expect_answer(fd, cmd, "\"error\":\"cannot create", "File exists", NULL);
	snprintf(path, sizeof(path), "%s/x.pcapng", h->dir);
	snprintf(cmd, sizeof(cmd), "/dipc/capture,start,%s,99999", path);
	expect_answer(fd, cmd, "\"error\":\"no slot 99999: this server has slots 0 to 1023\"",
		      NULL);
	snprintf(cmd, sizeof(cmd), "/dipc/capture,start,%s,first", path);
	expect_answer(fd, cmd, "\"error\":\"bad slot 'first': a slot number or 'all'\"", NULL);
	snprintf(cmd, sizeof(cmd), "/dipc/capture,start,%s,1,2", path);
	expect_answer(fd, cmd, "\"error\":\"too many parameters", NULL);
	expect_answer(fd, "/dipc/capture,pause", "\"error\":\"unknown action 'pause'", NULL);
	/* No failed start left a file behind, or a capture running. */
	assert_int_not_equal(access(path, F_OK), 0);
	expect_answer(fd, "/dipc/capture", "\"capturing\":0", NULL);
	expect_client(h, harness_start_client(h, client), 0);

	/* A second start while one runs is refused, and the first goes on. */
	snprintf(cmd, sizeof(cmd), "/dipc/capture,start,%s", path);
	expect_answer(fd, cmd, "\"capturing\":\"", NULL);
	expect_answer(fd, cmd, "\"error\":\"a capture to", "is running: stop it first", NULL);
	expect_client(h, harness_start_client(h, client), 0);
	expect_answer(fd, "/dipc/capture,stop", "\"written\":20", NULL);
	expect_answer(fd, "/dipc/capture,stop", "\"error\":\"no capture is running\"", NULL);
	close(fd);
	assert_int_equal(harness_stop_server(h), 0);
}

/* A capture still running when the server stops is completed. */
static void
test_capture_until_shutdown(void **state)
{
	struct harness *h = *state;
	const char *const client[] = { "calls", "5", NULL };
	static struct frame frames[16];
	char path[512], cmd[700];
	unsigned int k, slot;
	int fd;

	assert_int_equal(harness_start_server(h, NULL), 0);
	fd = tel_connect(h);
	snprintf(path, sizeof(path), "%s/shutdown.pcapng", h->dir);
	snprintf(cmd, sizeof(cmd), "/dipc/capture,start,%s", path);
	expect_answer(fd, cmd, "\"capturing\":\"", NULL);
	expect_client(h, harness_start_client(h, client), 0);
	slot = client_slot(&h->clients[0]);
	close(fd);
	assert_int_equal(harness_stop_server(h), 0);
	assert_true(harness_log_contains(&h->server, "capture: stopped"));
	assert_int_equal(read_capture(h, path, frames, (int)DIM(frames)), 10);
	for (k = 0; k < 5; k++) {
		expect_echo_frame(&frames[(size_t)2 * k], slot, 0, k + 1, k, k);
		expect_echo_frame(&frames[(size_t)2 * k + 1], slot, 1, k + 1, k, k);
	}
}

/* Under load the counts add up: every message was copied or dropped
 * (never waited for), every copy written, and the file holds them in
 * order in each direction. */
static void
test_capture_under_load_counts(void **state)
{
	struct harness *h = *state;
	/* 200 rounds of 256 pipelined echo requests, then their responses. */
	const char *const client[] = { "window", "256", "200", NULL };
	const char *const flds[] = { "dipc.direction", "dipc.stream_id" };
	const long messages = 2L * 256 * 200;
	long captured, dropped, written, frames = 0, last[2] = { 0, 0 }, nb[2] = { 0, 0 };
	char path[512], cmd[700], out[4096], tsv[512], line[256];
	struct frame fr;
	int fd, d;
	FILE *f;

	assert_int_equal(harness_start_server(h, NULL), 0);
	fd = tel_connect(h);
	snprintf(path, sizeof(path), "%s/load.pcapng", h->dir);
	snprintf(cmd, sizeof(cmd), "/dipc/capture,start,%s", path);
	expect_answer(fd, cmd, "\"capturing\":\"", NULL);
	expect_client(h, harness_start_client(h, client), 0);
	tel_cmd(fd, "/dipc/capture,stop", out, sizeof(out));
	captured = json_num(out, "captured");
	dropped = json_num(out, "dropped");
	written = json_num(out, "written");
	printf("  %ld messages: %ld copied, %ld dropped\n", messages, captured, dropped);
	assert_int_equal(captured + dropped, messages);
	assert_int_equal(written, captured);
	assert_int_equal(json_num(out, "failed"), 0);

	snprintf(tsv, sizeof(tsv), "%s/load.tsv", h->dir);
	run_tshark(h, path, flds, 2, tsv);
	f = fopen(tsv, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		long stream;

		split_line(line, &fr, 2);
		d = strcmp(fr.f[0], "response") == 0;
		assert_true(d || strcmp(fr.f[0], "request") == 0);
		stream = strtol(fr.f[1], NULL, 10);
		/* Stream ids grow by one per request: in order, gaps only
		 * where copies were dropped. */
		assert_true(stream > last[d]);
		last[d] = stream;
		nb[d]++;
		frames++;
	}
	fclose(f);
	assert_int_equal(frames, written);
	if (dropped == 0) {
		assert_int_equal(nb[0], messages / 2);
		assert_int_equal(nb[1], messages / 2);
	}
	close(fd);
	assert_int_equal(harness_stop_server(h), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		HARNESS_TEST(test_capture_known_exchange),
		HARNESS_TEST(test_capture_one_slot),
		HARNESS_TEST(test_capture_errors),
		HARNESS_TEST(test_capture_until_shutdown),
		HARNESS_TEST(test_capture_under_load_counts),
	};

	if (!tshark_installed()) {
		fprintf(stderr, "SKIP: tshark is not installed: apt-get install tshark "
				"(tools/setup.sh installs it)\n");
		return HARNESS_SKIP;
	}
	lua_script = getenv("DIPC_LUA");
	if (lua_script == NULL)
		lua_script = "tools/dipc.lua";
	return harness_main("capture", "cap", tests, sizeof(tests) / sizeof(tests[0]));
}
