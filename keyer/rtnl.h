/* SPDX-License-Identifier: GPL-2.0 */
/* kvti-keyer - rtnetlink for dynamic VTIs: clone up, injected routes (rtnl.c). */
#ifndef KEYER_RTNL_H
#define KEYER_RTNL_H

#include <stdint.h>

#include "addr.h"

#define RTPROT_KVTI	201	/* "proto kvti" of the routes injected for clones */

struct nl_sock;

struct nl_sock *rtnl_open(void);
void rtnl_close(struct nl_sock *sk);
int rtnl_link_up(struct nl_sock *sk, const char *ifname);
/* A route to @dst via @ifname in its VRF's table (set in @table), or main. */
int rtnl_route_add(struct nl_sock *sk, const char *ifname, const struct ipprefix *dst,
		   uint32_t metric, uint32_t realm, uint32_t *table);

#endif /* KEYER_RTNL_H */
