// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - dead peer detection with Cisco's semantics: the
 * ike-profile's `dpd = SECONDS RETRY on-demand|periodic`, IOS's
 * "crypto isakmp keepalive seconds [retries] [periodic | on-demand]"
 * (../shared/cisco/003_ef38c4bc03a0bd55.txt, "IPsec Dead Peer Detection
 * Periodic Message Option").  The liveness check is IKEv2's empty
 * INFORMATIONAL request (RFC 7296 1.4).
 *
 *  periodic   one every SECONDS, unless the peer sent us an IKE message
 *             meanwhile ("the router will send a hello message every 10
 *             seconds (unless, of course, the router receives a hello
 *             message from the peer)").
 *  on-demand  only when the tunnel sent ESP within the last SECONDS and
 *             received none for SECONDS (the module's per-SA idle times),
 *             and nothing came over IKE either: "if a router has to send
 *             outbound traffic and the liveliness of the peer is
 *             questionable, the router sends a DPD message".
 *
 * Unanswered, it is sent again every RETRY seconds, four transmissions in
 * all ("resend the message every 20 seconds (four transmissions
 * altogether)"); then the peer is dead: every IKE SA with it and their
 * CHILD SAs, kernel SAs included, are deleted without a DELETE (the peer
 * cannot answer), and the tunnel's carrier drops with its last outbound SA.
 * Traffic routed into the tunnel then makes the module ACQUIRE, and the
 * keyer initiates again.
 * A request of ours already out probes the peer by its retransmissions, so
 * no check is sent beside it.
 */
#include <inttypes.h>

#include "keyer.h"

#define DPD_TRANSMISSIONS	4	/* the first and three retries */

void dpd_arm(struct ike_sa *sa, uint64_t delay_ms)
{
	const struct cfg_ike_profile *p = sa->tunnel->ike;

	if (p->dpd == DPD_OFF || sa->state != IKE_S_ESTABLISHED)
		return;
	timer_set(&sa->k->loop, &sa->dpd, delay_ms ? delay_ms : (uint64_t)p->dpd_interval * 1000);
}

/* On-demand: did we send within @ms and receive nothing for as long? */
static bool questionable(struct ike_sa *sa, uint64_t ms)
{
	struct keyer *k = sa->k;
	const struct child_sa *c;
	uint64_t in, out;
	bool sent = false, received = false;

	if (!k->be->sa_idle)
		return false;
	LIST_FOREACH(c, &sa->children, entry) {
		if (c->state == CHILD_S_INSTALLING)
			continue;
		if (k->be->sa_idle(k->be_ctx, sa->ifname, c->kid_in, &in) == 0 &&
		    in * 1000 < ms)
			received = true;
		if (c->out_installed &&
		    k->be->sa_idle(k->be_ctx, sa->ifname, c->kid_out, &out) == 0 &&
		    out * 1000 < ms)
			sent = true;
	}
	return sent && !received;
}

void dpd_fire(struct timer *t)
{
	struct ike_sa *sa = container_of(t, struct ike_sa, dpd);
	const struct cfg_ike_profile *p = sa->tunnel->ike;
	uint64_t interval = (uint64_t)p->dpd_interval * 1000, now = loop_now();
	struct ike_xchg *x;

	if (sa->state != IKE_S_ESTABLISHED || p->dpd == DPD_OFF)
		return;
	if (sa->active || !TAILQ_EMPTY(&sa->queue)) {
		dpd_arm(sa, 0);
		return;
	}
	if (now - sa->last_recv_ms < interval) {
		dpd_arm(sa, sa->last_recv_ms + interval - now);
		return;
	}
	if (p->dpd == DPD_ON_DEMAND && !questionable(sa, interval)) {
		dpd_arm(sa, 0);
		return;
	}
	x = xchg_new(sa, XCHG_DPD);
	if (!x) {
		dpd_arm(sa, 0);
		return;
	}
	x->retry_ms = p->dpd_retries * 1000;
	x->max_tries = DPD_TRANSMISSIONS - 1;
	log_debug("%s: dpd: liveness check (%s)", sa_name(sa),
		  p->dpd == DPD_PERIODIC ? "periodic" : "on-demand: sending, nothing received");
	msg_queue(sa, x);
	/* Re-armed when it is answered (info.c). */
}

/* The checks went unanswered: everything with this peer goes. */
void dpd_dead(struct ike_sa *sa)
{
	struct keyer *k = sa->k;
	const struct cfg_ike_profile *p = sa->tunnel->ike;
	struct ike_sa *o, *next;
	struct child_sa *c;
	char peer[ADDR_STRLEN + 8];
	size_t nike = 0, nchild = 0;

	sa_peer(sa, peer);
	if (!sa->tunnel->is_template)
		peer_reset(k, sa->tunnel, true);
	for (o = LIST_FIRST(&k->sas); o; o = next) {
		next = LIST_NEXT(o, all);
		/* @sa stays readable on the dead list until the loop reaps it. */
		if (o != sa && !sa_same_endpoint(o, sa))
			continue;
		LIST_FOREACH(c, &o->children, entry)
			nchild++;
		nike++;
		/* sa_destroy() moves @o to the dead list: @next stays valid. */
		sa_destroy(o, "dead peer (DPD)");
	}
	k->st.dead_peers++;
	log_info("dpd: peer %s dead: %u liveness checks %u s apart unanswered; %zu IKE SA%s and "
		 "%zu CHILD SA%s deleted", peer, DPD_TRANSMISSIONS, p->dpd_retries, nike,
		 nike == 1 ? "" : "s", nchild, nchild == 1 ? "" : "s");
}
