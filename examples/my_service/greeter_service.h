/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef GREETER_SERVICE_H
#define GREETER_SERVICE_H

#include <stdint.h>

#include <dipc_server.h>

/* What the handlers share: written by every worker lcore at once. */
struct greeter_state {
	uint64_t visitors;
};

/* Register the service's methods on a server not yet running: 0 or -errno. */
int greeter_register(struct dipc_server *s, struct greeter_state *st);

#endif /* GREETER_SERVICE_H */
