// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the preferred-peer walk of a static tunnel with several
 * `peer =` lines, the first of which may be the `default` (IOS "set peer
 * ADDR default", ../shared/cisco/004_4c6a753f5cb15cae.txt):
 *
 *  - initiations go to the tunnel's current peer, the first at start;
 *  - a negotiation that fails (our request's retransmissions exhausted
 *    before the IKE SA was up) moves the tunnel on to the next peer, which
 *    is tried at once; after a whole round of failures it waits for the
 *    next ACQUIRE or `up`, and starts that round where it stopped;
 *  - after DPD declared the peer dead or the idle timer took the tunnel
 *    down, the next attempt goes to the default peer: "If there is a
 *    default peer, the next time a connection is initiated, the connection
 *    is directed to the default peer instead of to the next peer in the
 *    peer list."  Without a default, DPD moves on to the next peer (the
 *    guide's "stateless failover") and idle leaves the current one ("If a
 *    default peer is not configured and there is a connection timeout, the
 *    current peer remains the one that timed out").
 *
 * The position is kept per tunnel name, so a reload that keeps the tunnel
 * keeps it too (clamped to the new list).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyer.h"

struct peer_walk {
	char	 tunnel[CFG_IFNAME_MAX];
	size_t	 cur;		/* index into the tunnel's peers */
	size_t	 failed;	/* failures in a row */
};

static struct peer_walk *walk(struct keyer *k, const struct cfg_tunnel *t)
{
	struct peer_walk *w;
	size_t i;

	for (i = 0; i < k->nwalks; i++)
		if (!strcmp(k->walks[i].tunnel, t->name))
			return &k->walks[i];
	w = realloc(k->walks, (k->nwalks + 1) * sizeof(*w));
	if (!w)
		return NULL;
	k->walks = w;
	w = &k->walks[k->nwalks++];
	memset(w, 0, sizeof(*w));
	snprintf(w->tunnel, sizeof(w->tunnel), "%s", t->name);
	return w;
}

size_t peer_current(struct keyer *k, const struct cfg_tunnel *t)
{
	struct peer_walk *w = walk(k, t);

	if (!w || !t->npeers)
		return 0;
	if (w->cur >= t->npeers)
		w->cur = 0;
	return w->cur;
}

/* The IKE SA with the current peer is up: a new round next time. */
void peer_up(struct keyer *k, const struct cfg_tunnel *t)
{
	struct peer_walk *w = walk(k, t);

	if (w)
		w->failed = 0;
}

/* A negotiation failed: true if the next peer should be tried at once. */
bool peer_failed(struct keyer *k, const struct cfg_tunnel *t)
{
	struct peer_walk *w = walk(k, t);
	char a[ADDR_STRLEN];

	if (!w || t->npeers < 2)
		return false;
	w->cur = (peer_current(k, t) + 1) % t->npeers;
	if (++w->failed >= t->npeers) {
		log_info("%s: no peer answered (%zu tried); the next attempt goes to %s", t->name,
			 w->failed, ipaddr_str(&t->peers[w->cur].addr, a));
		w->failed = 0;
		return false;
	}
	log_info("%s: trying the next peer, %s", t->name, ipaddr_str(&t->peers[w->cur].addr, a));
	return true;
}

/* The peer died (DPD) or went idle: where the next attempt goes. */
void peer_reset(struct keyer *k, const struct cfg_tunnel *t, bool dead)
{
	struct peer_walk *w = walk(k, t);
	char a[ADDR_STRLEN];

	if (!w || t->npeers < 2)
		return;
	if (t->peers[0].is_default)
		w->cur = 0;
	else if (dead)
		w->cur = (peer_current(k, t) + 1) % t->npeers;
	else
		return;
	w->failed = 0;
	log_info("%s: the next attempt goes to %s%s", t->name,
		 ipaddr_str(&t->peers[w->cur].addr, a),
		 t->peers[0].is_default && w->cur == 0 ? " (the default peer)" : "");
}

void peer_free(struct keyer *k)
{
	free(k->walks);
	k->walks = NULL;
	k->nwalks = 0;
}
