/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_TEST_ADMIT_RAW_H
#define DIPC_TEST_ADMIT_RAW_H

/*
 * The admission handshake spoken by hand, for test clients that must say
 * what the client library never says (another protocol version, another
 * pid, malformed messages): see dipc_shm_admit.h.
 * Blocking calls with a receive timeout; for a process after rte_eal_init()
 * (the socket is in its EAL runtime directory).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_eal.h>

#include "dipc_shm.h"
#include "dipc_shm_admit.h"

/* Connect to the admission socket; the fd, or -errno. */
static inline int
admit_raw_open(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 10 };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", rte_eal_get_runtime_dir(),
		 DIPC_ADMIT_SOCK_NAME);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static inline void
admit_raw_init(struct dipc_admit_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->magic = DIPC_ADMIT_MAGIC;
	m->version = DIPC_ADMIT_VERSION;
	m->type = type;
}

/* Send @len bytes (any content) and wait for the answer into @rsp.
 * Returns 0, -ECONNRESET if the server closed, -errno otherwise. */
static inline int
admit_raw_xfer(int fd, const void *msg, size_t len, struct dipc_admit_msg *rsp)
{
	ssize_t n;

	memset(rsp, 0, sizeof(*rsp));
	if (send(fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -errno;
	n = recv(fd, rsp, sizeof(*rsp), 0);
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(*rsp) ? 0 : -ECONNRESET;
}

/* A HELLO as the library sends it, with the pid and versions given. */
static inline void
admit_raw_hello(struct dipc_admit_msg *m, int32_t pid, uint16_t vmin, uint16_t vmax,
		uint64_t epoch)
{
	admit_raw_init(m, DIPC_ADMIT_HELLO);
	m->hello.pid = pid;
	m->hello.msg_version_min = vmin;
	m->hello.msg_version_max = vmax;
	m->hello.epoch = epoch;
}

#endif /* DIPC_TEST_ADMIT_RAW_H */
