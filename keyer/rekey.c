// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - CHILD SA rekeying with CREATE_CHILD_SA (RFC 7296 1.3.3, 2.8):
 * make-before-break, so that no packet is lost either way, and the
 * collisions of 2.8.1 and 2.25.1.
 *
 * Initiator (the module's EXPIRE(soft) on one of the CHILD's SAs, or
 * `rekey` on the control socket): a new CHILD with a fresh inbound SPI and
 *	HDR, SK {N(REKEY_SA), SA, Ni, [KEi], TSi, TSr}
 * naming the old CHILD by our inbound SPI.  On the answer both new kernel
 * SAs go in at once (the peer installed its inbound before answering, and
 * the module sends on the newest outbound SA), then a DELETE of the old
 * CHILD.  When that is answered the old kernel SAs stay REKEY_GRACE_MS
 * longer, for packets the peer sent on them just before it switched.
 *
 * Responder: the new inbound SA goes in before the answer
 *	HDR, SK {SA, Nr, [KEr], TSi, TSr}
 * but the outbound is held back (child_sa.pending_out) until the
 * initiator's DELETE of the old CHILD arrives, or REKEY_OUT_WAIT_MS at most:
 * until the initiator has read the answer it cannot decrypt the new SA.
 *
 * Collisions.  Both ends rekey the same CHILD (2.8.1): each answers the
 * other's request as usual; when our own exchange completes and the peer
 * has made a successor too, the new CHILD made with the lowest of the four
 * nonces is redundant and its maker deletes it.  Ours: its outbound is
 * never switched to, we DELETE it and leave the old CHILD to the peer.
 * Theirs: we DELETE the old CHILD as usual, and the peer deletes its own.
 * A request to rekey a CHILD we are deleting gets TEMPORARY_FAILURE, one we
 * do not have CHILD_SA_NOT_FOUND (2.25.1); our request answered with
 * TEMPORARY_FAILURE is tried again after REKEY_RETRY_MS (plus jitter).
 *
 * A CREATE_CHILD_SA that proposes an IKE SA goes to ikerekey.c; one that
 * rekeys nothing makes a new CHILD SA if the IKE SA has none (a static VTI
 * takes one), and is answered NO_ADDITIONAL_SAS otherwise.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyer.h"

#define REKEY_GRACE_MS		2000	/* old kernel SAs after the DELETE is answered */
#define REKEY_OUT_WAIT_MS	10000	/* responder: outbound held back at most */
#define REKEY_RETRY_MS		2000	/* after TEMPORARY_FAILURE, + up to as much again */

/* The new CHILD that replaces @old and that @who made, if any. */
static struct child_sa *successor(struct child_sa *old, bool we_made)
{
	struct child_sa *c;

	LIST_FOREACH(c, &old->ike->children, entry)
		if (c->replaces == old && c->we_initiated == we_made && !c->redundant)
			return c;
	return NULL;
}

/*
 * The peer's new CHILD @c will not be used: it lost a collision (2.8.1),
 * or the peer rekeyed the same old CHILD again (strongSwan #2945).  Its
 * outbound is never installed, and its maker deletes it (or its hard
 * lifetime does).
 */
static void supersede(struct child_sa *c)
{
	c->redundant = true;
	buf_free(c->pending_out);
	c->pending_out = NULL;
	timer_stop(&c->ike->k->loop, &c->out_wait);
}

static uint16_t pfs_group(const struct child_sa *old)
{
	const struct cfg_ipsec_profile *ip = old->ike->tunnel->ipsec;

	if (old->rekey_dh && proposal_offers_dh(ip->props, ip->nprops, old->rekey_dh))
		return old->rekey_dh;
	return proposal_first_dh(ip->props, ip->nprops);
}

/*
 * The peer's new CHILD for the CHILD that @n replaced, once that one is
 * gone (the peer deleted it, or its grace ran out): found by its SPI.
 */
static struct child_sa *successor_gone(const struct child_sa *n)
{
	struct child_sa *c;

	if (!n->replaces_spi)
		return NULL;
	LIST_FOREACH(c, &n->ike->children, entry)
		if (c != n && c->replaces_spi == n->replaces_spi && !c->we_initiated &&
		    !c->redundant && c->state == CHILD_S_INSTALLED)
			return c;
	return NULL;
}

/* Has a CHILD been made to replace @c (by either end)? */
bool rekey_replaced(const struct child_sa *c)
{
	struct child_sa *o;

	LIST_FOREACH(o, &c->ike->children, entry)
		if (o->replaces == c)
			return true;
	return false;
}

/* A CREATE_CHILD_SA request that rekeys @old, queued. */
static int queue_rekey(struct ike_sa *sa, struct child_sa *old)
{
	struct ike_xchg *x;
	struct child_sa *n;

	n = child_new(sa);
	if (!n)
		return -1;
	x = xchg_new(sa, XCHG_CHILD_REKEY);
	if (!x) {
		child_free(n);
		return -1;
	}
	n->replaces = old;
	n->replaces_spi = old->spi_in;
	n->we_initiated = true;
	x->child = n;
	msg_queue(sa, x);
	return 0;
}

/* Is a rekey of @old by us, other than @n, still being negotiated? */
static bool rekey_in_flight(const struct child_sa *old, const struct child_sa *n)
{
	const struct child_sa *c;

	LIST_FOREACH(c, &old->ike->children, entry)
		if (c != n && c->replaces == old && c->we_initiated && !c->redundant &&
		    c->state == CHILD_S_INSTALLING)
			return true;
	return false;
}

/* Is a new CHILD in to replace @c (installed, not redundant)? */
bool rekey_succeeded(const struct child_sa *c)
{
	const struct child_sa *o;

	LIST_FOREACH(o, &c->ike->children, entry)
		if (o->replaces == c && o->state == CHILD_S_INSTALLED && !o->redundant)
			return true;
	return false;
}

/* Start rekeying @old; 0 also when there is nothing to do. */
int rekey_child(struct child_sa *old, const char *why)
{
	struct ike_sa *sa = old->ike;

	if (sa_never_initiates(sa)) {
		log_debug("%s: CHILD SA 0x%08" PRIx32 " not rekeyed: %s", sa_name(sa),
			  old->spi_in, sa->clone ? "a dynamic VTI's peer rekeys" : "responder-only");
		return 0;
	}
	/* A redundant CHILD (2.8.1) is its maker's to delete, not to rekey. */
	if (old->state != CHILD_S_INSTALLED || old->redundant || sa->state != IKE_S_ESTABLISHED)
		return 0;
	if (successor(old, false))
		return 0;	/* the peer is rekeying it; its DELETE will come */
	old->state = CHILD_S_REKEYING;
	log_info("child-sa rekeying %s spi in 0x%08" PRIx32 " out 0x%08" PRIx32 ": %s",
		 sa_name(sa), old->spi_in, old->spi_out, why);
	if (queue_rekey(sa, old) < 0) {
		old->state = CHILD_S_INSTALLED;
		return -1;
	}
	/*
	 * Testing (--rekey-twice): a second request for the same CHILD before
	 * the DELETE of it, as the peers of strongSwan #2945 did.  The DELETE
	 * waits for both answers; the first new CHILD is then deleted too.
	 */
	if (sa->k->rekey_twice && queue_rekey(sa, old) == 0)
		log_info("child-sa rekeying %s spi in 0x%08" PRIx32 " a second time (--rekey-twice)",
			 sa_name(sa), old->spi_in);
	return 0;
}

/*
 * A CHILD SA for an IKE SA that has none (ACQUIRE after a DELETE of the
 * CHILD alone, an idle or INVALID_SPI replacement): CREATE_CHILD_SA
 * without REKEY_SA, the static VTI's selectors.
 */
int child_create(struct ike_sa *sa, const char *why)
{
	struct ike_xchg *x;
	struct child_sa *n;

	if (sa->state != IKE_S_ESTABLISHED)
		return 0;
	n = child_new(sa);
	if (!n)
		return -1;
	x = xchg_new(sa, XCHG_CHILD_CREATE);
	if (!x) {
		child_free(n);
		return -1;
	}
	n->we_initiated = true;
	x->child = n;
	log_info("child-sa creating %s: %s", sa_name(sa), why);
	msg_queue(sa, x);
	return 0;
}

int rekey_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b)
{
	const struct cfg_ipsec_profile *ip = sa->tunnel->ipsec;
	struct child_sa *n = x->child, *old = n ? n->replaces : NULL;
	struct ike_proposal *props;
	const struct ike_ts *lts, *rts;
	struct ike_ts any[2 * IKE_MAX_TS];
	size_t nprops, nl, nr;
	uint16_t dh;
	uint8_t spi[4];
	struct chunk pub;

	if (x->kind == XCHG_CHILD_CREATE && n) {
		/* As a rekey, without the CHILD it replaces. */
		dh = proposal_first_dh(ip->props, ip->nprops);
		nl = ts_policy(sa, true, any);
		nr = ts_policy(sa, false, any + IKE_MAX_TS);
		lts = any;
		rts = any + IKE_MAX_TS;
		goto build;
	}
	if (!old || old->state != CHILD_S_REKEYING) {
		/* The old CHILD went while this waited for the window. */
		if (n)
			child_free(n);
		x->child = NULL;
		return 1;
	}
	dh = pfs_group(old);
	lts = old->we_initiated ? old->tsi : old->tsr;
	rts = old->we_initiated ? old->tsr : old->tsi;
	nl = old->we_initiated ? old->ntsi : old->ntsr;
	nr = old->we_initiated ? old->ntsr : old->ntsi;
build:
	x->nonce = nonce_new();
	if (dh != IKE_DH_NONE)
		x->dh = dh_new(dh);
	props = malloc(PROPOSAL_MAX * sizeof(*props));
	if (!x->nonce || (dh != IKE_DH_NONE && !x->dh) || !props) {
		free(props);
		return -1;
	}
	nprops = child_proposals(ip, n->spi_in, true, dh, props);
	if (old) {
		put_u32(spi, old->spi_in);
		ike_add_notify(b, IKE_PROTO_ESP, spi, sizeof(spi), IKE_N_REKEY_SA, NULL, 0);
	}
	ike_add_sa(b, props, nprops);
	ike_add_nonce(b, x->nonce->data, x->nonce->len);
	if (x->dh) {
		pub = dh_public(x->dh);
		ike_add_ke(b, dh, pub.p, pub.len);
	}
	ike_add_ts(b, IKE_PL_TSi, lts, nl);
	ike_add_ts(b, IKE_PL_TSr, rts, nr);
	free(props);
	return 0;
}

/* The old CHILD's kernel SAs go REKEY_GRACE_MS from now. */
void rekey_retire(struct child_sa *c)
{
	c->state = CHILD_S_DELETING;
	timer_set(&c->ike->k->loop, &c->retire, REKEY_GRACE_MS);
}

/*
 * The peer deleted @c, which a new CHILD replaces: our outbound moves to
 * the new CHILD and @c's goes now, but @c's inbound stays REKEY_GRACE_MS
 * for the peer's packets still on their way, or in asynchronous crypto,
 * when its DELETE overtook them.
 */
void rekey_retire_deleted(struct child_sa *c)
{
	struct keyer *k = c->ike->k;

	if (c->state == CHILD_S_DELETING && c->retire.when_ms)
		return;		/* retiring already: a repeated DELETE */
	rekey_successor_out(c);
	if (c->out_installed) {
		k->be->sa_del(k->be_ctx, c->ike->ifname, c->kid_out);
		c->out_installed = false;
	}
	log_info("child-sa 0x%08" PRIx32 " %s deleted by the peer; its inbound retires in %d ms",
		 c->spi_in, sa_name(c->ike), REKEY_GRACE_MS);
	rekey_retire(c);
}

void rekey_retire_fire(struct timer *t)
{
	struct child_sa *c = container_of(t, struct child_sa, retire);

	child_delete(c, "rekeyed");
}

void rekey_out_wait_fire(struct timer *t)
{
	struct child_sa *c = container_of(t, struct child_sa, out_wait);

	log_info("%s: no DELETE of the rekeyed CHILD SA came; switching outbound anyway",
		 sa_name(c->ike));
	child_install_out(c);
}

void rekey_retry_fire(struct timer *t)
{
	struct child_sa *c = container_of(t, struct child_sa, retry);

	rekey_child(c, "retry after TEMPORARY_FAILURE");
}

/* @old goes: the successor the peer made may send now. */
void rekey_successor_out(struct child_sa *old)
{
	struct child_sa *c;

	LIST_FOREACH(c, &old->ike->children, entry)
		if (c->replaces == old && c->pending_out && !c->redundant)
			child_install_out(c);
}

/* Our rekey (or create, @x) failed: @old carries on (until its hard lifetime). */
static void rekey_failed(struct ike_sa *sa, struct ike_xchg *x, struct child_sa *old,
			 const char *why)
{
	struct child_sa *n = x->child;
	char p[ADDR_STRLEN + 8];

	if (x->kind == XCHG_CHILD_CREATE)
		log_info("child-sa failed %s peer %s: %s", sa_name(sa), sa_peer(sa, p), why);
	else if (old)
		log_info("child-sa rekey failed %s peer %s spi in 0x%08" PRIx32 ": %s", sa_name(sa),
			 sa_peer(sa, p), old->spi_in, why);
	else
		log_info("child-sa rekey failed %s peer %s (the old CHILD SA is gone): %s",
			 sa_name(sa), sa_peer(sa, p), why);
	child_free(n);
	x->child = NULL;
	if (old && old->state == CHILD_S_REKEYING)
		old->state = CHILD_S_INSTALLED;
}

static void queue_delete(struct ike_sa *sa, struct child_sa *c)
{
	struct ike_xchg *x = xchg_new(sa, XCHG_DELETE_CHILD);

	if (!x)
		return;
	x->spi = c->spi_in;
	msg_queue(sa, x);
}

/* Nr, [KEr] and the DH secret of an answer or a request. */
static int nonce_and_ke(const struct ike_msg *msg, struct dh *dh, struct chunk *nonce,
			struct buf **gir)
{
	const struct ike_payload *pl = ike_msg_find(msg, IKE_PL_NONCE, NULL);
	struct ike_ke ke;

	*gir = NULL;
	if (!pl || ike_parse_nonce(pl, nonce))
		return -1;
	if (!dh)
		return 0;
	pl = ike_msg_find(msg, IKE_PL_KE, NULL);
	if (!pl || ike_parse_ke(pl, &ke) || ke.group != dh_group(dh))
		return -1;
	return dh_derive(dh, ke.data, ke.len, gir);
}

void rekey_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg)
{
	const struct cfg_ipsec_profile *ip = sa->tunnel->ipsec;
	struct child_sa *n = x->child, *old = n ? n->replaces : NULL, *theirs, *prev;
	const struct ike_payload *pl = NULL;
	struct child_payloads *cp = NULL;
	struct proposal_choice choice;
	struct buf *gir = NULL;
	struct chunk nr;
	struct ike_notify nt;
	char why[96];
	bool lose;

	if (!n)
		return;
	while ((pl = ike_msg_find(msg, IKE_PL_NOTIFY, pl))) {
		if (ike_parse_notify(pl, &nt) || nt.type > IKE_N_ERROR_MAX)
			continue;
		if (nt.type == IKE_N_INVALID_KE_PAYLOAD && nt.len == 2 && old &&
		    proposal_offers_dh(ip->props, ip->nprops, get_u16(nt.data)) &&
		    old->rekey_dh != get_u16(nt.data)) {
			old->rekey_dh = get_u16(nt.data);
			snprintf(why, sizeof(why), "INVALID_KE_PAYLOAD: again with %s",
				 proposal_dh_name(old->rekey_dh));
			rekey_failed(sa, x, old, why);
			rekey_child(old, why);
			return;
		}
		snprintf(why, sizeof(why), "the peer answered %s", notify_name(nt.type));
		rekey_failed(sa, x, old, why);
		if (!old)
			return;
		if (nt.type == IKE_N_TEMPORARY_FAILURE)
			timer_set(&sa->k->loop, &old->retry, delay_jittered(REKEY_RETRY_MS));
		else if (nt.type == IKE_N_CHILD_SA_NOT_FOUND && old->state != CHILD_S_DELETING) {
			/* The peer has no such CHILD: ours is of no use (2.25.1). */
			old->state = CHILD_S_DELETING;
			queue_delete(sa, old);
		}
		return;
	}
	cp = malloc(sizeof(*cp));
	if (!cp || child_parse(msg, cp) < 0) {
		rekey_failed(sa, x, old, "a malformed answer");
		goto out;
	}
	if (proposal_check_reply(ip->props, ip->nprops, cp->sa.prop, cp->sa.nprop, 0,
				 &choice) < 0 ||
	    choice.suite.dh != (x->dh ? dh_group(x->dh) : IKE_DH_NONE)) {
		rekey_failed(sa, x, old, "the peer chose what we did not offer");
		goto out;
	}
	if (nonce_and_ke(msg, x->dh, &nr, &gir) < 0) {
		rekey_failed(sa, x, old, "no usable nonce or KE in the answer");
		goto out;
	}
	if (!child_take_ts(n, cp, true)) {
		rekey_failed(sa, x, old, "unacceptable traffic selectors");
		goto out;
	}
	n->suite = choice.suite;
	n->spi_out = get_u32(choice.peer_spi);
	proposal_format(&choice.reply, n->algs, sizeof(n->algs));

	/* 2.8.1: did the peer rekey it too, and whose new CHILD is redundant? */
	theirs = old ? successor(old, false) : successor_gone(n);
	lose = false;
	if (theirs) {
		struct chunk lo = nonce_cmp(chunk_of(x->nonce), nr) < 0 ? chunk_of(x->nonce) : nr;

		lose = nonce_cmp(lo, chunk_of(theirs->min_nonce)) < 0;
	}
	if (child_install(sa, n, gir ? chunk_of(gir) : (struct chunk){ NULL, 0 },
			  chunk_of(x->nonce), nr, lose) < 0) {
		rekey_failed(sa, x, old, "the backend refused the new SAs");
		goto out;
	}
	if (theirs && !lose) {
		log_info("child-sa rekey collision %s: the peer's 0x%08" PRIx32
			 " has the lowest nonce; it deletes that one", sa_name(sa), theirs->spi_in);
		supersede(theirs);
	}
	if (lose) {
		log_info("child-sa rekey collision %s: ours has the lowest nonce; deleting "
			 "0x%08" PRIx32 ", the peer's 0x%08" PRIx32 " replaces 0x%08" PRIx32,
			 sa_name(sa), n->spi_in, theirs->spi_in, n->replaces_spi);
		n->redundant = true;
		n->state = CHILD_S_DELETING;
		queue_delete(sa, n);
	} else if (!old || old->retire.when_ms) {
		/*
		 * The old CHILD went meanwhile, or retires: the peer deleted it
		 * (2.25.1, strongSwan #1458), maybe after winning a collision.
		 * The new one stays; a losing one of the peer's is its to delete.
		 */
		if (x->kind == XCHG_CHILD_REKEY)
			log_info("child-sa rekey %s: the CHILD SA it replaces went meanwhile; "
				 "0x%08" PRIx32 " carries on", sa_name(sa), n->spi_in);
	} else if (rekey_in_flight(old, n)) {
		/* Another request of ours rekeys it too (--rekey-twice): the DELETE waits. */
	} else {
		old->state = CHILD_S_DELETING;
		queue_delete(sa, old);
		/* An earlier new CHILD of ours for the same old one goes too. */
		LIST_FOREACH(prev, &sa->children, entry)
			if (prev != n && prev->replaces == old && prev->we_initiated &&
			    !prev->redundant && prev->state == CHILD_S_INSTALLED) {
				log_info("child-sa 0x%08" PRIx32 " %s was replaced again by 0x%08"
					 PRIx32 "; deleting it", prev->spi_in, sa_name(sa), n->spi_in);
				prev->redundant = true;
				prev->state = CHILD_S_DELETING;
				queue_delete(sa, prev);
			}
	}
out:
	buf_free(gir);
	free(cp);
}

/*
 * Responder.  Returns 0 with the answer's payloads in @b, or an error
 * notify's type for msg.c to send alone.
 */
static uint16_t rekey_respond_child(struct ike_sa *sa, const struct ike_msg *req,
				    struct child_sa *old, struct ike_builder *b)
{
	const struct cfg_ipsec_profile *ip = sa->tunnel->ipsec;
	struct child_payloads *cp = malloc(sizeof(*cp));
	struct proposal_choice choice;
	struct child_sa *c = NULL;
	struct buf *nr = NULL, *gir = NULL;
	struct dh *dh = NULL;
	const struct ike_payload *pl;
	struct chunk ni, pub;
	struct ike_ke ke;
	uint16_t err = 0;
	uint8_t grp[2];

	if (!cp)
		return IKE_N_TEMPORARY_FAILURE;
	if (child_parse(req, cp) < 0 || (pl = ike_msg_find(req, IKE_PL_NONCE, NULL)) == NULL ||
	    ike_parse_nonce(pl, &ni)) {
		err = IKE_N_INVALID_SYNTAX;
		goto out;
	}
	if (proposal_select(ip->props, ip->nprops, cp->sa.prop, cp->sa.nprop, 0, &choice) < 0) {
		err = IKE_N_NO_PROPOSAL_CHOSEN;
		goto out;
	}
	if (choice.suite.dh != IKE_DH_NONE) {
		pl = ike_msg_find(req, IKE_PL_KE, NULL);
		if (!pl || ike_parse_ke(pl, &ke) || ke.group != choice.suite.dh) {
			put_u16(grp, choice.suite.dh);
			ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_INVALID_KE_PAYLOAD,
				       grp, sizeof(grp));
			goto out;
		}
		dh = dh_new(choice.suite.dh);
		if (!dh || dh_derive(dh, ke.data, ke.len, &gir) < 0) {
			err = dh ? IKE_N_INVALID_SYNTAX : IKE_N_TEMPORARY_FAILURE;
			goto out;
		}
	}
	nr = nonce_new();
	c = child_new(sa);
	if (!nr || !c) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto out;
	}
	if (!child_take_ts(c, cp, false)) {
		err = IKE_N_TS_UNACCEPTABLE;
		goto out;
	}
	c->suite = choice.suite;
	c->spi_out = get_u32(choice.peer_spi);
	c->replaces = old;
	c->replaces_spi = old ? old->spi_in : 0;
	proposal_format(&choice.reply, c->algs, sizeof(c->algs));
	/* A rekey holds the outbound back; a new CHILD has nothing to wait for. */
	if (child_install(sa, c, gir ? chunk_of(gir) : (struct chunk){ NULL, 0 }, ni,
			  chunk_of(nr), old != NULL) < 0) {
		err = IKE_N_TEMPORARY_FAILURE;
		goto out;
	}
	if (old) {
		struct child_sa *prev;

		/* The peer rekeys the same CHILD again before deleting it: the
		 * newest replaces it, the earlier one is superseded. */
		LIST_FOREACH(prev, &sa->children, entry)
			if (prev != c && prev->replaces == old && !prev->we_initiated &&
			    !prev->redundant) {
				log_info("child-sa 0x%08" PRIx32 " %s rekeyed again by the peer: "
					 "0x%08" PRIx32 " supersedes 0x%08" PRIx32, old->spi_in,
					 sa_name(sa), c->spi_in, prev->spi_in);
				supersede(prev);
			}
		timer_set(&sa->k->loop, &c->out_wait, REKEY_OUT_WAIT_MS);
		if (old->state == CHILD_S_INSTALLED)
			old->state = CHILD_S_REKEYING;
		/*
		 * Testing (--delete-after-rekey): delete the old CHILD at once,
		 * as the peer of strongSwan #1458 did.  The DELETE leaves before
		 * this answer, so the initiator sees it first.
		 */
		if (sa->k->delete_after_rekey) {
			old->state = CHILD_S_DELETING;
			queue_delete(sa, old);
		}
	}
	choice.reply.spi_size = 4;
	put_u32(choice.reply.spi, c->spi_in);
	ike_add_sa(b, &choice.reply, 1);
	ike_add_nonce(b, nr->data, nr->len);
	if (dh) {
		pub = dh_public(dh);
		ike_add_ke(b, choice.suite.dh, pub.p, pub.len);
	}
	ike_add_ts(b, IKE_PL_TSi, c->tsi, c->ntsi);
	ike_add_ts(b, IKE_PL_TSr, c->tsr, c->ntsr);
	c = NULL;
out:
	if (c)
		child_free(c);
	dh_free(dh);
	buf_free(gir);
	buf_free(nr);
	free(cp);
	return err;
}

/* Has the IKE SA a CHILD SA that carries, or will? */
bool child_live(const struct ike_sa *sa)
{
	const struct child_sa *c;

	LIST_FOREACH(c, &sa->children, entry)
		if (c->state != CHILD_S_DELETING && !c->redundant)
			return true;
	return false;
}

/* Does the request's SA payload propose an IKE SA (2.18)? */
static bool is_ike_rekey(const struct ike_msg *req)
{
	const struct ike_payload *pl = ike_msg_find(req, IKE_PL_SA, NULL);
	struct ike_sa_payload *sap;
	bool ike;

	if (!pl || !(sap = malloc(sizeof(*sap))))
		return false;
	ike = !ike_parse_sa(pl, sap) && sap->nprop && sap->prop[0].proto == IKE_PROTO_IKE;
	free(sap);
	return ike;
}

int rekey_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b)
{
	struct child_sa *old = NULL;
	struct ike_notify nt;
	uint16_t err;

	if (sa->ike_rekeying) {
		/* Ours is out (ikerekey.c): the peer tries again later. */
		err = IKE_N_TEMPORARY_FAILURE;
	} else if (!ike_msg_find_notify(req, IKE_N_REKEY_SA, &nt)) {
		/* An IKE SA rekey, or a new CHILD SA: one per static VTI. */
		if (is_ike_rekey(req))
			err = ike_rekey_respond(sa, req, b);
		else if (child_live(sa))
			err = IKE_N_NO_ADDITIONAL_SAS;
		else
			err = rekey_respond_child(sa, req, NULL, b);
	} else if (nt.proto != IKE_PROTO_ESP || nt.spi_size != 4) {
		err = IKE_N_INVALID_SYNTAX;
	} else if (!(old = child_by_spi_out(sa, get_u32(nt.spi))) || old->redundant) {
		err = IKE_N_CHILD_SA_NOT_FOUND;
	} else if (old->state == CHILD_S_DELETING) {
		err = IKE_N_TEMPORARY_FAILURE;
	} else {
		err = rekey_respond_child(sa, req, old, b);
	}
	if (err) {
		log_info("%s: CREATE_CHILD_SA answered %s", sa_name(sa), notify_name(err));
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, err, NULL, 0);
	}
	return 0;
}
