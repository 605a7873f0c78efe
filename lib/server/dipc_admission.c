/* SPDX-License-Identifier: BSD-3-Clause */
#include <errno.h>
#include <string.h>

#include "dipc_admission.h"

void
admission_decide(const struct admission_request *req, const struct admission_policy *pol,
		 struct admission_result *res)
{
	uint16_t version = req->version_max < pol->version_max ? req->version_max :
								 pol->version_max;

	memset(res, 0, sizeof(*res));
	if (pol->stopping) {
		res->reason = -ESHUTDOWN;
		return;
	}
	/* The newest version both speak, if the ranges meet at all. */
	if (req->version_min > req->version_max || version < req->version_min ||
	    version < pol->version_min) {
		res->reason = -EPROTONOSUPPORT;
		return;
	}
	if (pol->token_required &&
	    (pol->token == NULL ||
	     req->token_mac != dipc_token_mac(pol->token, req->nonce, req->slot, req->pid))) {
		res->reason = -EACCES;
		return;
	}
	res->version = version;
	res->window = req->want_window == 0 || req->want_window > pol->conn_mbufs ?
			      pol->conn_mbufs : req->want_window;
	res->depth = req->want_depth == 0 || req->want_depth > pol->ring_capacity ?
			     pol->ring_capacity : req->want_depth;
}
