/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Admission over the Unix socket DIPC_ADMIT_SOCK_NAME in the EAL runtime
 * directory (see dipc_shm_admit.h), on the control
 * lcore: accept, read HELLO, send CHALLENGE, read PROOF, decide, open a
 * slot, send RESULT. The kernel says who connected (SO_PEERCRED), so a
 * client cannot claim another process's pid, and the server chooses the
 * slot, so no client writes into a slot that is not yet its own. Every
 * socket is non-blocking and in the control lcore's epoll set; a
 * handshake that does not finish within ADMIT_TIMEOUT_MS is dropped.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>

#include "dipc_admission.h"
#include "server_private.h"

/* A client gets this long to finish its handshake. */
#define ADMIT_TIMEOUT_MS 2000
/* Connections accepted per control pass: a flood cannot starve the rest. */
#define ADMIT_ACCEPT_BURST 16

/* Send one admission message; a client that cannot take it is gone. */
static int
admit_send(int fd, const struct dipc_admit_msg *m)
{
	return send(fd, m, sizeof(*m), MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)sizeof(*m) ?
		       0 : -EPIPE;
}

static void
admit_msg_init(struct dipc_admit_msg *m, uint16_t type)
{
	memset(m, 0, sizeof(*m));
	m->magic = DIPC_ADMIT_MAGIC;
	m->version = DIPC_ADMIT_VERSION;
	m->type = type;
}

/* Answer a refusal and forget the handshake. */
static void
hs_refuse(struct dipc_server *s, struct server_handshake *hs, int reason)
{
	struct dipc_admit_msg m;

	admit_msg_init(&m, DIPC_ADMIT_RESULT);
	m.result.status = reason;
	m.result.epoch = s->shm->epoch;
	admit_send(hs->fd, &m);
	s->ctl.refused++;
	server_handshake_drop(s, hs);
}

void
server_handshake_drop(struct dipc_server *s, struct server_handshake *hs)
{
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, hs->fd, NULL);
	close(hs->fd);
	hs->fd = -1;
	s->nb_handshakes--;
}

int
server_admit_open(struct dipc_server *s)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = SERVER_EV(SERVER_EV_LISTEN, 0) };
	unsigned int i;
	mode_t old;
	int fd, ret;

	for (i = 0; i < SERVER_MAX_HANDSHAKES; i++)
		s->hs[i].fd = -1;
	if (snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/%s", rte_eal_get_runtime_dir(),
		     DIPC_ADMIT_SOCK_NAME) >= (int)sizeof(sa.sun_path)) {
		SERVER_LOG(ERR, "admission socket path %s/%s is too long",
			   rte_eal_get_runtime_dir(), DIPC_ADMIT_SOCK_NAME);
		return -ENAMETOOLONG;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* The primary owns the prefix (EAL's lock on its config file): a
	 * socket file left there is a dead server's. */
	unlink(sa.sun_path);
	old = umask(0077); /* owner only, as the hugepage files */
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret != 0 || listen(fd, 128) != 0 || epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		ret = -errno;
		SERVER_LOG(ERR, "cannot listen on %s: %s", sa.sun_path, strerror(errno));
		close(fd);
		unlink(sa.sun_path);
		return ret;
	}
	snprintf(s->admit_path, sizeof(s->admit_path), "%s", sa.sun_path);
	s->listen_fd = fd;
	return 0;
}

void
server_admit_close(struct dipc_server *s)
{
	unsigned int i;

	for (i = 0; i < SERVER_MAX_HANDSHAKES; i++)
		if (s->hs[i].fd >= 0)
			server_handshake_drop(s, &s->hs[i]);
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		s->listen_fd = -1;
		unlink(s->admit_path);
	}
}

/* New connections on the listening socket: a handshake each. */
void
server_admit_accept(struct dipc_server *s)
{
	unsigned int n, i;

	for (n = 0; n < ADMIT_ACCEPT_BURST; n++) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
		struct server_handshake *hs = NULL;
		socklen_t len = sizeof(struct ucred);
		int fd;

		fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return; /* EAGAIN: no more; anything else: try next pass */
		for (i = 0; i < SERVER_MAX_HANDSHAKES && hs == NULL; i++)
			if (s->hs[i].fd < 0)
				hs = &s->hs[i];
		if (hs == NULL) {
			/* Too many at once: the client retries until its timeout. */
			struct dipc_admit_msg m;

			admit_msg_init(&m, DIPC_ADMIT_RESULT);
			m.result.status = -EAGAIN;
			admit_send(fd, &m);
			close(fd);
			continue;
		}
		memset(hs, 0, sizeof(*hs));
		hs->fd = fd;
		s->nb_handshakes++;
		/* Who is at the other end, by the kernel's word. */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &hs->cred, &len) != 0 ||
		    len != sizeof(hs->cred)) {
			server_handshake_drop(s, hs);
			continue;
		}
		hs->deadline = rte_get_timer_cycles() + rte_get_timer_hz() / 1000 * ADMIT_TIMEOUT_MS;
		ev.data.u64 = SERVER_EV(SERVER_EV_HANDSHAKE, (uint32_t)(hs - s->hs));
		if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
			server_handshake_drop(s, hs);
	}
}

/* The free slot with rings of the lowest index, growing the pool of slots
 * if there is none; SERVER_NO_SLOT if the pool is at its most. */
uint32_t
server_free_slot(struct dipc_server *s)
{
	uint32_t i;

	for (;;) {
		for (i = 0; i < s->nb_ready; i++)
			if (s->slots[i].state == SLOT_FREE &&
			    dipc_shm_load_state(&s->slots[i].conn->state) == DIPC_CONN_FREE)
				return i;
		if (server_try_grow(s) != 0)
			return SERVER_NO_SLOT;
	}
}

/* The PROOF came: decide, and admit on a slot or refuse. */
static void
hs_decide(struct dipc_server *s, struct server_handshake *hs, int stopping)
{
	struct admission_policy pol = {
		.version_min = s->shm->msg_version_min, .version_max = s->shm->msg_version_max,
		.conn_mbufs = s->cfg.conn_mbufs, .ring_capacity = s->ring_capacity,
		.epoch = s->shm->epoch, .stopping = stopping,
		.token_required = s->token_required, .token = &s->token,
		.server_uid = (uint32_t)getuid(),
	};
	struct admission_result res;
	struct dipc_admit_msg m;
	uint32_t slot;

	pol.nb_uids = s->nb_allow_uids;
	pol.nb_gids = s->nb_allow_gids;
	memcpy(pol.allow_uids, s->allow_uids, sizeof(pol.allow_uids));
	memcpy(pol.allow_gids, s->allow_gids, sizeof(pol.allow_gids));
	admission_decide(&hs->req, &pol, &res);
	switch (res.why) {
	case ADMISSION_OK:
		break;
	case ADMISSION_SHUTDOWN:
		s->ctl.refused_shutdown++;
		return hs_refuse(s, hs, res.reason);
	case ADMISSION_PID:
		SERVER_LOG(NOTICE, "refused a client that says it is pid %d: the kernel says "
				   "pid %d (uid %u)", hs->req.pid, hs->req.peer_pid, hs->req.peer_uid);
		s->ctl.refused_pid++;
		return hs_refuse(s, hs, res.reason);
	case ADMISSION_UID:
		SERVER_LOG(NOTICE, "refused pid %d: uid %u and gid %u are not allowed "
				   "(server.allow_uids, server.allow_gids)", hs->req.peer_pid,
			   hs->req.peer_uid, hs->req.peer_gid);
		s->ctl.refused_uid++;
		return hs_refuse(s, hs, res.reason);
	case ADMISSION_VERSION:
		SERVER_LOG(NOTICE, "refused pid %d: protocol versions %u..%u, served %u..%u",
			   hs->req.peer_pid, hs->req.version_min, hs->req.version_max,
			   pol.version_min, pol.version_max);
		s->ctl.refused_version++;
		return hs_refuse(s, hs, res.reason);
	case ADMISSION_TOKEN:
		SERVER_LOG(NOTICE, "refused pid %d: %s token", hs->req.peer_pid,
			   hs->req.token_mac == 0 ? "no" : "wrong");
		s->ctl.refused_token++;
		return hs_refuse(s, hs, res.reason);
	case ADMISSION_RESTARTED:
		s->ctl.refused_proto++;
		return hs_refuse(s, hs, res.reason);
	}
	slot = server_free_slot(s);
	if (slot == SERVER_NO_SLOT) {
		s->ctl.refused_full++;
		return hs_refuse(s, hs, -EBUSY);
	}
	if (server_slot_open(s, slot, &res, hs) != 0)
		return hs_refuse(s, hs, -EAGAIN);
	admit_msg_init(&m, DIPC_ADMIT_RESULT);
	m.result.slot = slot;
	m.result.generation = s->slots[slot].generation;
	m.result.version = res.version;
	m.result.window = res.window;
	m.result.depth = res.depth;
	m.result.epoch = s->shm->epoch;
	/* The socket is the slot's now (server_slot_open()); the handshake
	 * ends without closing it. */
	hs->fd = -1;
	s->nb_handshakes--;
	if (admit_send(s->slots[slot].sock, &m) != 0)
		server_slot_lost(s, slot); /* it gave up meanwhile */
}

/* One handshake's socket is readable (or hung up). */
void
server_admit_step(struct dipc_server *s, uint32_t idx, int stopping)
{
	struct server_handshake *hs = &s->hs[idx];
	struct dipc_admit_msg m;
	uint8_t buf[2 * sizeof(m)];
	ssize_t n;

	if (idx >= SERVER_MAX_HANDSHAKES || hs->fd < 0)
		return;
	n = recv(hs->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) { /* it gave up, or died */
		server_handshake_drop(s, hs);
		return;
	}
	if (hs->step == 0) {
		if (admission_parse(buf, (size_t)n, DIPC_ADMIT_HELLO, &m) != 0) {
			s->ctl.refused_proto++;
			return hs_refuse(s, hs, -EPROTO);
		}
		hs->req.pid = m.hello.pid;
		hs->req.peer_pid = hs->cred.pid;
		hs->req.peer_uid = hs->cred.uid;
		hs->req.peer_gid = hs->cred.gid;
		hs->req.version_min = m.hello.msg_version_min;
		hs->req.version_max = m.hello.msg_version_max;
		hs->req.want_window = m.hello.want_window;
		hs->req.want_depth = m.hello.want_depth;
		hs->req.epoch = m.hello.epoch;
		hs->req.nonce = server_new_nonce();
		admit_msg_init(&m, DIPC_ADMIT_CHALLENGE);
		m.challenge.nonce = hs->req.nonce;
		m.challenge.token_required = (uint32_t)s->token_required;
		if (admit_send(hs->fd, &m) != 0) {
			server_handshake_drop(s, hs);
			return;
		}
		hs->step = 1;
		return;
	}
	if (admission_parse(buf, (size_t)n, DIPC_ADMIT_PROOF, &m) != 0) {
		s->ctl.refused_proto++;
		return hs_refuse(s, hs, -EPROTO);
	}
	hs->req.token_mac = m.proof.token_mac;
	hs_decide(s, hs, stopping);
}

/* Handshakes past their time: dropped (a client that stalls mid-way
 * holds nothing but its entry). */
void
server_admit_expire(struct dipc_server *s)
{
	uint64_t now;
	unsigned int i;

	if (s->nb_handshakes == 0)
		return;
	now = rte_get_timer_cycles();
	for (i = 0; i < SERVER_MAX_HANDSHAKES; i++)
		if (s->hs[i].fd >= 0 && now > s->hs[i].deadline) {
			s->ctl.refused_proto++;
			hs_refuse(s, &s->hs[i], -ETIMEDOUT);
		}
}
