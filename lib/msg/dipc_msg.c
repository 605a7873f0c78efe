/* SPDX-License-Identifier: BSD-3-Clause */
#include "dipc_msg.h"

static const char *const status_names[DIPC_STATUS_MAX] = {
	[DIPC_STATUS_OK] = "ok",
	[DIPC_STATUS_BAD_MAGIC] = "bad magic",
	[DIPC_STATUS_BAD_VERSION] = "unsupported protocol version",
	[DIPC_STATUS_BAD_LENGTH] = "body length does not match the message",
	[DIPC_STATUS_BAD_FLAGS] = "bad flags",
	[DIPC_STATUS_UNKNOWN_METHOD] = "unknown method",
	[DIPC_STATUS_SHUTTING_DOWN] = "server shutting down",
	[DIPC_STATUS_BAD_MBUF] = "mbuf metadata corrupted",
	[DIPC_STATUS_TIMED_OUT] = "no answer in time: the request may or may not have run",
};

const char *
dipc_msg_status_str(unsigned int status)
{
	if (status >= DIPC_STATUS_MAX)
		return "unknown status";
	return status_names[status];
}
