/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "dipc_admission.h"

int
admission_parse(const void *buf, size_t len, uint16_t type, struct dipc_admit_msg *out)
{
	struct dipc_admit_msg m;

	if (len != sizeof(m))
		return -EPROTO;
	memcpy(&m, buf, sizeof(m));
	if (m.magic != DIPC_ADMIT_MAGIC || m.version != DIPC_ADMIT_VERSION || m.type != type)
		return -EPROTO;
	if (type == DIPC_ADMIT_HELLO &&
	    (m.hello.pid <= 0 || m.hello.msg_version_min > m.hello.msg_version_max))
		return -EPROTO;
	*out = m;
	return 0;
}

static int
listed(uint32_t id, const uint32_t *ids, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n && i < ADMISSION_MAX_IDS; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

static int
allowed(const struct admission_request *req, const struct admission_policy *pol)
{
	if (pol->nb_uids == 0 && pol->nb_gids == 0)
		return req->peer_uid == 0 || req->peer_uid == pol->server_uid;
	return listed(req->peer_uid, pol->allow_uids, pol->nb_uids) ||
	       listed(req->peer_gid, pol->allow_gids, pol->nb_gids);
}

static void
refuse(struct admission_result *res, enum admission_refusal why, int reason)
{
	res->why = why;
	res->reason = reason;
}

void
admission_decide(const struct admission_request *req, const struct admission_policy *pol,
		 struct admission_result *res)
{
	uint16_t version = req->version_max < pol->version_max ? req->version_max :
								 pol->version_max;

	memset(res, 0, sizeof(*res));
	if (pol->stopping)
		return refuse(res, ADMISSION_SHUTDOWN, -ESHUTDOWN);
	if (req->epoch != pol->epoch)
		return refuse(res, ADMISSION_RESTARTED, -ECONNRESET);
	/* The kernel's word against the client's: a client that names
	 * another process (to be watched for death in its place) is refused. */
	if (req->pid <= 0 || req->pid != req->peer_pid)
		return refuse(res, ADMISSION_PID, -EPERM);
	if (!allowed(req, pol))
		return refuse(res, ADMISSION_UID, -EPERM);
	/* The newest version both speak, if the ranges meet at all. */
	if (req->version_min > req->version_max || version < req->version_min ||
	    version < pol->version_min)
		return refuse(res, ADMISSION_VERSION, -EPROTONOSUPPORT);
	if (pol->token_required &&
	    (pol->token == NULL ||
	     req->token_mac != dipc_token_mac(pol->token, req->nonce, 0, req->pid)))
		return refuse(res, ADMISSION_TOKEN, -EACCES);
	res->version = version;
	res->window = req->want_window == 0 || req->want_window > pol->conn_mbufs ?
			      pol->conn_mbufs : req->want_window;
	res->depth = req->want_depth == 0 || req->want_depth > pol->ring_capacity ?
			     pol->ring_capacity : req->want_depth;
}
