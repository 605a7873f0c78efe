/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_CHAIN_HOOK_H
#define DIPC_CHAIN_HOOK_H

/* Test methods of dipc_chain_server (tests/dipc_chain_hook.c). */
#define DIPC_CHAIN_METHOD_GROW 200
#define DIPC_CHAIN_METHOD_RETURN 201

struct dipc_server;

/* Register the test methods on @s (before dipc_server_run()). */
void dipc_chain_test_hook(struct dipc_server *s);

#endif /* DIPC_CHAIN_HOOK_H */
