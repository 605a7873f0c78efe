/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef DIPC_EAL_PRIVATE_H
#define DIPC_EAL_PRIVATE_H

/* Internal to lib/eal: not installed. */

#include <rte_log.h>

extern int dipc_eal_logtype;
#define EAL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dipc_eal_logtype, "dipc eal: " fmt "\n", ##__VA_ARGS__)

#endif /* DIPC_EAL_PRIVATE_H */
