// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - NAT traversal (RFC 7296 2.23, RFC 3948), once IKE_SA_INIT's
 * NAT_DETECTION hashes (init.c) say a NAT is in the path:
 *
 *  float      the initiator moves to the NAT-T port (4500) for IKE_AUTH
 *             and everything after, with the non-ESP marker (net.c); the
 *             responder follows the first protected message that comes in
 *             on its NAT-T port.
 *  encap      before a CHILD SA's kernel SAs go in, the tunnel is switched
 *             to ESP in UDP from our NAT-T port to the peer's (mapped)
 *             port, and the module hooks our NAT-T socket, whose fd goes
 *             with TUNNEL_SET, to take the ESP arriving there (the ovpn
 *             and L2TP model).  Without a NAT, raw ESP.
 *  follow     with the peer behind a NAT, a protected message (not a
 *             retransmission) from another address or port moves the IKE
 *             SA there, and the tunnel's ESP with it: the NAT's mapping
 *             changed.  Never without a NAT (2.23: "MUST NOT" otherwise).
 *  keepalive  behind a NAT ourselves, a one-byte 0xff datagram to the
 *             peer when the tunnel sent nothing for nat-keepalive seconds
 *             (20 by default, RFC 3948 2.3), so the NAT's mapping outlives
 *             quiet periods.
 */
#include <inttypes.h>

#include "keyer.h"

static bool nat_seen(const struct ike_sa *sa)
{
	return sa->nat_local || sa->nat_remote;
}

/* Initiator, IKE_SA_INIT answered: to the NAT-T port before IKE_AUTH. */
void nat_float(struct ike_sa *sa)
{
	const struct config *cfg = sa->k->cfg;
	char p[ADDR_STRLEN + 8];

	if (!nat_seen(sa) || sa->lport == cfg->natt_port)
		return;
	sa->lport = cfg->natt_port;
	if (sa->rport == cfg->ike_port)
		sa->rport = cfg->natt_port;
	log_info("%s: NAT detected %s: floating to port %u, peer %s", sa_name(sa),
		 sa->nat_local ? "in front of us" : "in front of the peer", sa->lport,
		 sa_peer(sa, p));
}

/* How @sa's tunnel carries ESP: in UDP (with the NAT-T socket) behind a NAT. */
void nat_encap_of(struct ike_sa *sa, struct kernel_encap *e)
{
	e->udp = nat_seen(sa);
	e->sport = sa->lport;
	e->dport = sa->rport;
	e->fd = e->udp ? net_natt_fd(sa->k, sa->vrf, &sa->local) : -1;
	e->remote = NULL;
}

/* The tunnel's ESP as the IKE SA's path says: in UDP behind a NAT. */
int nat_encap_sync(struct ike_sa *sa)
{
	struct keyer *k = sa->k;
	struct kernel_encap e;
	char p[ADDR_STRLEN + 8];

	if (!k->be->tunnel_encap)
		return 0;
	e.udp = nat_seen(sa);
	if (sa->encap_set && sa->encap_udp == e.udp && (!e.udp || sa->encap_dport == sa->rport) &&
	    ipaddr_equal(&sa->encap_remote, &sa->remote))
		return 0;
	nat_encap_of(sa, &e);
	/* The tunnel also points at this peer: the module sends ESP to the
	 * tunnel's remote.  A static tunnel's is the first peer of its list
	 * until a failover moves on; a clone's is the peer it was made for.
	 * Either changes when the NAT in front of the peer maps it to another
	 * address.
	 */
	e.remote = &sa->remote;
	if (k->be->tunnel_encap(k->be_ctx, sa->ifname, &e) < 0)
		return -1;
	if (sa->clone)
		clone_moved(sa->clone, &sa->remote, sa->nat_remote ? sa->rport : 0);
	if (e.udp || (sa->encap_set && sa->encap_udp))
		log_info("%s: ESP %s peer %s", sa_name(sa),
			 e.udp ? "in UDP (NAT-T)" : "raw (no NAT)", sa_peer(sa, p));
	sa->encap_set = true;
	sa->encap_udp = e.udp;
	sa->encap_dport = e.dport;
	sa->encap_remote = sa->remote;
	return 0;
}

/* A protected message from @pkt arrived (not a retransmission). */
void nat_follow(struct ike_sa *sa, const struct packet *pkt)
{
	const struct config *cfg = sa->k->cfg;
	char was[ADDR_STRLEN + 8], now[ADDR_STRLEN + 8];
	bool floated = pkt->lport == cfg->natt_port && sa->lport != cfg->natt_port;

	if (!floated && (!sa->nat_remote || (ipaddr_equal(&pkt->remote, &sa->remote) &&
					     pkt->rport == sa->rport)))
		return;
	if (!floated && pkt->lport != sa->lport)
		return;	/* an old port's straggler: the SA has moved on */
	sa_peer(sa, was);
	sa->lport = pkt->lport;
	sa->remote = pkt->remote;
	sa->rport = pkt->rport;
	if (floated) {
		log_info("%s: peer %s floated to port %u, now %s", sa_name(sa), was, sa->lport,
			 sa_peer(sa, now));
	} else {
		sa->k->st.floats++;
		log_info("%s: peer moved behind its NAT: %s -> %s", sa_name(sa), was,
			 sa_peer(sa, now));
	}
	if (sa->encap_set && !LIST_EMPTY(&sa->children))
		nat_encap_sync(sa);
}

/*
 * Did one of the tunnel's outbound SAs send within the last @s seconds?
 * Its ESP went in UDP through the same NAT mapping and kept it alive.
 */
static bool esp_sent_within(struct ike_sa *sa, uint32_t s)
{
	const struct backend_ops *be = sa->k->be;
	const struct child_sa *c;
	uint64_t idle;

	if (!be->sa_idle)
		return false;
	LIST_FOREACH(c, &sa->children, entry)
		if (c->out_installed &&
		    be->sa_idle(sa->k->be_ctx, sa->ifname, c->kid_out, &idle) == 0 && idle < s)
			return true;
	return false;
}

/*
 * RFC 3948 2.3: a keepalive only when nothing else went to the peer for
 * the interval, as IOS does; traffic through the tunnel refreshes the
 * mapping by itself.
 */
void nat_keepalive_fire(struct timer *t)
{
	struct ike_sa *sa = container_of(t, struct ike_sa, natka);
	uint32_t every = sa->k->cfg->nat_keepalive;

	if (sa->state != IKE_S_ESTABLISHED || !every)
		return;
	if (!esp_sent_within(sa, every))
		net_keepalive(sa->k, sa->vrf, &sa->local, &sa->remote, sa->rport);
	nat_keepalive_arm(sa);
}

void nat_keepalive_arm(struct ike_sa *sa)
{
	uint32_t every = sa->k->cfg->nat_keepalive;

	if (!sa->nat_local || !every || sa->lport != sa->k->cfg->natt_port)
		return;
	timer_set(&sa->k->loop, &sa->natka, (uint64_t)every * 1000);
}
