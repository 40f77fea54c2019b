// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - rekeying the IKE SA with CREATE_CHILD_SA (RFC 7296 1.3.2,
 * 2.18): a new IKE SA with new SPIs and a fresh DH, SKEYSEED = prf(SK_d
 * (old), g^ir (new) | Ni | Nr) with the old SA's PRF; the CHILD SAs move to
 * it untouched (their kernel SAs stay as they are: no traffic notices), and
 * the rekey's initiator then DELETEs the old IKE SA.
 *
 *	HDR, SK {SA (proto IKE, 8-byte SPI), Ni, KEi}  -->
 *	<--  HDR, SK {SA, Nr, KEr}
 *
 * Triggered by the ike-profile's lifetime (at 85-90% of it, jittered) or
 * `rekey-ike TUNNEL`.  A responder-only tunnel never rekeys: its IKE SA is
 * deleted when its lifetime ends, unless the peer rekeyed it first.
 *
 * Exchanges in flight: we start an IKE rekey only when the old SA has no
 * request of ours outstanding or queued and no CHILD SA half made; while
 * ours is out, a CREATE_CHILD_SA from the peer (an IKE or CHILD rekey) is
 * answered TEMPORARY_FAILURE, and our rekey answered with it is tried again
 * after a few seconds.  So both ends rekeying at once both fail and retry
 * at jittered times, instead of resolving by nonces as 2.8.1 allows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyer.h"

#define IKE_REKEY_RETRY_MS	3000	/* + up to as much again */
#define IKE_REKEYED_WAIT_MS	30000	/* the old SA, if its DELETE never comes */

/* Arm the soft lifetime: 85-90% of the ike-profile's lifetime. */
void ike_rekey_arm(struct ike_sa *sa)
{
	uint64_t soft = life_soft((uint64_t)sa->tunnel->ike->lifetime * 1000);

	if (soft)
		timer_set(&sa->k->loop, &sa->rekey, soft);
}

static bool busy(const struct ike_sa *sa)
{
	const struct child_sa *c;

	if (sa->active || !TAILQ_EMPTY(&sa->queue))
		return true;
	LIST_FOREACH(c, &sa->children, entry)
		if (c->state == CHILD_S_INSTALLING || c->state == CHILD_S_REKEYING)
			return true;
	return false;
}

/* Start rekeying @sa; later if it is busy. */
int ike_rekey(struct ike_sa *sa, const char *why)
{
	struct ike_xchg *x;

	if (sa->state != IKE_S_ESTABLISHED || sa->ike_rekeying)
		return 0;
	if (busy(sa)) {
		timer_set(&sa->k->loop, &sa->rekey, delay_jittered(IKE_REKEY_RETRY_MS));
		return 0;
	}
	x = xchg_new(sa, XCHG_IKE_REKEY);
	if (!x)
		return -1;
	sa->ike_rekeying = true;
	log_info("ike-sa rekeying %s spi 0x%016" PRIx64 "/0x%016" PRIx64 ": %s", sa_name(sa),
		 sa->ispi, sa->rspi, why);
	msg_queue(sa, x);
	return 0;
}

void ike_rekey_fire(struct timer *t)
{
	struct ike_sa *sa = container_of(t, struct ike_sa, rekey);
	uint64_t life = (uint64_t)sa->tunnel->ike->lifetime * 1000;
	uint64_t age = loop_now() - sa->created_ms;

	if (sa->state == IKE_S_REKEYED) {
		sa_destroy(sa, "rekeyed (its DELETE never came)");
		return;
	}
	if (!sa_never_initiates(sa)) {
		ike_rekey(sa, "lifetime");
		return;
	}
	/* Responder-only or a clone: the peer rekeys, or the SA ends with its lifetime. */
	if (age >= life) {
		log_info("%s: IKE SA lifetime over and the peer did not rekey it", sa_name(sa));
		sa_delete(sa);
	} else {
		timer_set(&sa->k->loop, &sa->rekey, life - age);
	}
}

/* The new SA's keys from the old one's SK_d and this exchange. */
static int derive(struct ike_sa *old, struct ike_sa *n, struct chunk gir)
{
	struct buf *skeyseed = NULL;
	int rc;

	rc = crypto_skeyseed_rekey(old->keys.prf, old->keys.d, gir, chunk_of(n->ni),
				   chunk_of(n->nr), &skeyseed);
	if (rc == 0)
		rc = crypto_ike_keys(&n->keys, &n->suite, chunk_of(skeyseed), chunk_of(n->ni),
				     chunk_of(n->nr), n->ispi, n->rspi);
	buf_free(skeyseed);
	return rc;
}

/* @n takes over from @old: identities, addresses, CHILD SAs, timers. */
static void take_over(struct ike_sa *old, struct ike_sa *n)
{
	struct child_sa *c;
	char p[ADDR_STRLEN + 8];

	snprintf(n->ifname, sizeof(n->ifname), "%s", old->ifname);
	clone_share(old, n);
	n->peer_index = old->peer_index;
	n->lport = old->lport;
	n->rport = old->rport;
	n->nat_local = old->nat_local;
	n->nat_remote = old->nat_remote;
	n->encap_set = old->encap_set;
	n->encap_remote = old->encap_remote;
	n->encap_udp = old->encap_udp;
	n->encap_dport = old->encap_dport;
	n->local_id = old->local_id;
	n->remote_id = old->remote_id;
	n->initial_contact = old->initial_contact;
	while ((c = LIST_FIRST(&old->children))) {
		LIST_REMOVE(c, entry);
		c->ike = n;
		LIST_INSERT_HEAD(&n->children, c, entry);
	}
	old->state = IKE_S_REKEYED;
	old->successor = n;
	n->state = IKE_S_ESTABLISHED;
	ike_rekey_arm(n);
	dpd_arm(n, 0);
	nat_keepalive_arm(n);
	timer_stop(&old->k->loop, &old->dpd);
	timer_stop(&old->k->loop, &old->natka);
	log_info("ike-sa rekeyed %s peer %s spi 0x%016" PRIx64 "/0x%016" PRIx64
		 " -> 0x%016" PRIx64 "/0x%016" PRIx64 " %s", sa_name(n), sa_peer(n, p),
		 old->ispi, old->rspi, n->ispi, n->rspi, n->algs);
}

/* Our IKE proposals, each with @spi (2.18: 8 bytes). */
static size_t ike_proposals(const struct cfg_ike_profile *ike, uint64_t spi,
			    struct ike_proposal *out)
{
	size_t i;

	for (i = 0; i < ike->nprops; i++) {
		out[i] = ike->props[i];
		out[i].spi_size = 8;
		put_u64(out[i].spi, spi);
	}
	return ike->nprops;
}

int ike_rekey_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b)
{
	const struct cfg_ike_profile *ike = sa->tunnel->ike;
	struct ike_proposal *props;
	struct ike_sa *n;
	struct chunk pub;
	uint16_t dh;
	size_t np;

	/* The new SA is made now for its SPI; it is not live until the answer. */
	n = sa_new(sa->k, IKE_ROLE_INITIATOR, sa->tunnel, &sa->local, &sa->remote, 0);
	props = malloc(PROPOSAL_MAX * sizeof(*props));
	dh = x->rekey_dh ? x->rekey_dh : sa->suite.dh;
	if (!n || !props || !(n->ni = nonce_new()) || !(x->dh = dh_new(dh))) {
		free(props);
		if (n)
			sa_destroy(n, "out of memory");
		sa->ike_rekeying = false;
		return 1;
	}
	n->state = IKE_S_INIT_SENT;
	n->rekey_of = sa;
	x->new_sa = n;
	np = ike_proposals(ike, n->ispi, props);
	ike_add_sa(b, props, np);
	ike_add_nonce(b, n->ni->data, n->ni->len);
	pub = dh_public(x->dh);
	ike_add_ke(b, dh, pub.p, pub.len);
	free(props);
	return 0;
}

void ike_rekey_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg)
{
	const struct cfg_ike_profile *ike = sa->tunnel->ike;
	struct ike_sa *n = x->new_sa;
	const struct ike_payload *pl = NULL;
	struct proposal_choice choice;
	struct ike_sa_payload *sap = NULL;
	struct buf *gir = NULL;
	struct chunk nr;
	struct ike_notify nt;
	struct ike_ke ke;
	struct ike_xchg *q;
	const char *why = NULL;

	x->new_sa = NULL;
	sa->ike_rekeying = false;
	if (!n)
		return;
	n->rekey_of = NULL;
	while ((pl = ike_msg_find(msg, IKE_PL_NOTIFY, pl))) {
		if (ike_parse_notify(pl, &nt) || nt.type > IKE_N_ERROR_MAX)
			continue;
		sa_destroy(n, "the rekey was refused");
		log_info("ike-sa rekey failed %s: the peer answered %s", sa_name(sa),
			 notify_name(nt.type));
		if (nt.type == IKE_N_INVALID_KE_PAYLOAD && nt.len == 2 &&
		    proposal_offers_dh(ike->props, ike->nprops, get_u16(nt.data)) &&
		    !x->rekey_dh) {
			q = xchg_new(sa, XCHG_IKE_REKEY);
			if (q) {
				q->rekey_dh = get_u16(nt.data);
				sa->ike_rekeying = true;
				msg_queue(sa, q);
			}
		} else if (nt.type == IKE_N_TEMPORARY_FAILURE ||
			   nt.type == IKE_N_INVALID_KE_PAYLOAD) {
			timer_set(&sa->k->loop, &sa->rekey, delay_jittered(IKE_REKEY_RETRY_MS));
		}
		return;
	}
	sap = malloc(sizeof(*sap));
	pl = ike_msg_find(msg, IKE_PL_SA, NULL);
	if (!sap || !pl || ike_parse_sa(pl, sap) ||
	    proposal_check_reply(ike->props, ike->nprops, sap->prop, sap->nprop, PROP_IKE_REKEY,
				 &choice) < 0 || choice.peer_spi_size != 8 ||
	    choice.suite.dh != dh_group(x->dh))
		why = "the peer chose what we did not offer";
	else if (!(pl = ike_msg_find(msg, IKE_PL_NONCE, NULL)) || ike_parse_nonce(pl, &nr) ||
		 !(pl = ike_msg_find(msg, IKE_PL_KE, NULL)) || ike_parse_ke(pl, &ke) ||
		 ke.group != dh_group(x->dh) || dh_derive(x->dh, ke.data, ke.len, &gir) < 0)
		why = "no usable nonce or KE in the answer";
	if (!why) {
		n->suite = choice.suite;
		proposal_format(&choice.reply, n->algs, sizeof(n->algs));
		sa_set_rspi(n, get_u64(choice.peer_spi));
		n->nr = buf_from(nr.p, nr.len);
		if (!n->nr || derive(sa, n, chunk_of(gir)) < 0)
			why = "cannot derive the new keys";
	}
	buf_free(gir);
	free(sap);
	if (why) {
		log_info("ike-sa rekey failed %s: %s", sa_name(sa), why);
		sa_destroy(n, why);
		return;
	}
	take_over(sa, n);
	/* Our queued requests go over the new SA; the old one only says goodbye. */
	while ((q = TAILQ_FIRST(&sa->queue))) {
		TAILQ_REMOVE(&sa->queue, q, entry);
		q->ike = n;
		TAILQ_INSERT_TAIL(&n->queue, q, entry);
	}
	q = xchg_new(sa, XCHG_DELETE_IKE);
	if (q)
		msg_queue(sa, q);
	else
		sa_destroy(sa, "rekeyed");
	msg_kick(n);
}

/* Responder: the peer rekeys the IKE SA.  0, or an error notify's type. */
uint16_t ike_rekey_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b)
{
	const struct cfg_ike_profile *ike = sa->tunnel->ike;
	struct ike_sa_payload *sap;
	struct proposal_choice choice;
	const struct ike_payload *pl;
	struct ike_sa *n = NULL;
	struct buf *gir = NULL;
	struct dh *dh = NULL;
	struct chunk ni, pub;
	struct ike_ke ke;
	uint16_t err = 0;
	uint8_t grp[2];

	if (sa->ike_rekeying || busy(sa))
		return IKE_N_TEMPORARY_FAILURE;
	sap = malloc(sizeof(*sap));
	if (!sap)
		return IKE_N_TEMPORARY_FAILURE;
	pl = ike_msg_find(req, IKE_PL_SA, NULL);
	if (!pl || ike_parse_sa(pl, sap) || !(pl = ike_msg_find(req, IKE_PL_NONCE, NULL)) ||
	    ike_parse_nonce(pl, &ni) || !(pl = ike_msg_find(req, IKE_PL_KE, NULL)) ||
	    ike_parse_ke(pl, &ke)) {
		err = IKE_N_INVALID_SYNTAX;
		goto out;
	}
	if (proposal_select(ike->props, ike->nprops, sap->prop, sap->nprop, PROP_IKE_REKEY,
			    &choice) < 0 || choice.peer_spi_size != 8) {
		err = IKE_N_NO_PROPOSAL_CHOSEN;
		goto out;
	}
	if (ke.group != choice.suite.dh) {
		put_u16(grp, choice.suite.dh);
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_INVALID_KE_PAYLOAD, grp,
			       sizeof(grp));
		goto out;
	}
	dh = dh_new(choice.suite.dh);
	n = sa_new(sa->k, IKE_ROLE_RESPONDER, sa->tunnel, &sa->local, &sa->remote,
		   get_u64(choice.peer_spi));
	if (!dh || !n || dh_derive(dh, ke.data, ke.len, &gir) < 0 ||
	    !(n->ni = buf_from(ni.p, ni.len)) || !(n->nr = nonce_new())) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto out;
	}
	n->suite = choice.suite;
	proposal_format(&choice.reply, n->algs, sizeof(n->algs));
	if (derive(sa, n, chunk_of(gir)) < 0) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto out;
	}
	choice.reply.spi_size = 8;
	put_u64(choice.reply.spi, n->rspi);
	ike_add_sa(b, &choice.reply, 1);
	ike_add_nonce(b, n->nr->data, n->nr->len);
	pub = dh_public(dh);
	ike_add_ke(b, choice.suite.dh, pub.p, pub.len);
	take_over(sa, n);
	/* The initiator DELETEs the old SA; if that never comes, it goes anyway. */
	timer_set(&sa->k->loop, &sa->rekey, IKE_REKEYED_WAIT_MS);
	n = NULL;
out:
	if (n)
		sa_destroy(n, "the rekey failed");
	dh_free(dh);
	buf_free(gir);
	free(sap);
	return err;
}
