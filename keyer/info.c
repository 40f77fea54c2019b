// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - INFORMATIONAL (RFC 7296 1.4, 2.4, 2.21): DELETE of the IKE
 * SA or of CHILD SAs, either way; the empty request that asks whether the
 * peer is alive; AUTHENTICATION_FAILED after the responder's AUTH did not
 * verify.
 */
#include <inttypes.h>
#include <string.h>

#include "keyer.h"

#define DELETE_MAX	64	/* ESP SPIs answered per request */

int info_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b)
{
	uint8_t spi[4];

	switch (x->kind) {
	case XCHG_DELETE_IKE:
		ike_add_delete(b, IKE_PROTO_IKE, 0, NULL, 0);
		return 0;
	case XCHG_DELETE_CHILD:
		/* The CHILD SA may have gone while this waited for the window. */
		if (!child_by_spi_in(sa, x->spi))
			return 1;
		put_u32(spi, x->spi);
		ike_add_delete(b, IKE_PROTO_ESP, 4, spi, 1);
		return 0;
	case XCHG_LIVENESS:
	case XCHG_DPD:
		return 0;
	case XCHG_AUTH_FAILED:
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_AUTHENTICATION_FAILED, NULL, 0);
		return 0;
	case XCHG_INVALID_SPI:
		/* 3.10.1: the Notification Data is the SPI of the invalid packet. */
		put_u32(spi, x->spi);
		ike_add_notify(b, IKE_PROTO_ESP, NULL, 0, IKE_N_INVALID_SPI, spi, sizeof(spi));
		return 0;
	default:
		return -1;
	}
}

void info_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg)
{
	char p[ADDR_STRLEN + 8];
	struct child_sa *c;

	(void)msg;
	switch (x->kind) {
	case XCHG_DELETE_IKE:
		sa_destroy(sa, sa->state == IKE_S_REKEYED ? "rekeyed" : "deleted");
		return;
	case XCHG_DELETE_CHILD:
		c = child_by_spi_in(sa, x->spi);
		if (!c)
			return;
		/*
		 * Rekeyed: the peer may have sent on it until just now, so its
		 * inbound stays a little.  Our outbound moves to the peer's new
		 * CHILD now, if it waits: the peer has deleted this one.
		 */
		if (c->state == CHILD_S_DELETING && !c->redundant && rekey_replaced(c)) {
			rekey_successor_out(c);
			rekey_retire(c);
		} else
			child_delete(c, x->idle ? "idle" : "deleted");
		if (x->idle && LIST_EMPTY(&sa->children)) {
			log_info("ike-sa idle %s peer %s: its last CHILD SA went idle, deleting",
				 sa_name(sa), sa_peer(sa, p));
			if (!sa->tunnel->is_template)
				peer_reset(sa->k, sa->tunnel, false);
			sa_delete(sa);
		}
		return;
	case XCHG_LIVENESS:
		log_info("liveness %s peer %s: alive", sa_name(sa), sa_peer(sa, p));
		return;
	case XCHG_DPD:
		log_debug("%s: dpd: peer %s alive", sa_name(sa), sa_peer(sa, p));
		dpd_arm(sa, 0);
		return;
	case XCHG_AUTH_FAILED:
		sa_destroy(sa, "authentication failed");
		return;
	default:
		return;
	}
}

/*
 * N(INVALID_SPI): the peer got ESP from us with an SPI it does not know,
 * one of our outbound SAs.  A new CHILD SA first (its outbound is the
 * newest, so traffic moves at once), then a DELETE of the lost one.
 */
static void peer_lost_spi(struct ike_sa *sa, uint32_t spi)
{
	struct child_sa *c = child_by_spi_out(sa, spi);
	char p[ADDR_STRLEN + 8];
	struct ike_xchg *x;

	if (!c || c->state != CHILD_S_INSTALLED) {
		log_info("%s: peer %s reports INVALID_SPI 0x%08" PRIx32 ", not one of ours",
			 sa_name(sa), sa_peer(sa, p), spi);
		return;
	}
	log_info("invalid-spi %s peer %s has no SA for our 0x%08" PRIx32
		 "; replacing the CHILD SA", sa_name(sa), sa_peer(sa, p), spi);
	c->state = CHILD_S_DELETING;
	if (!sa_never_initiates(sa))
		child_create(sa, "the peer lost the CHILD SA (INVALID_SPI)");
	x = xchg_new(sa, XCHG_DELETE_CHILD);
	if (!x)
		return;
	x->spi = c->spi_in;
	msg_queue(sa, x);
}

int info_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b)
{
	const struct ike_payload *pl = NULL;
	uint8_t spis[DELETE_MAX * 4];
	char p[ADDR_STRLEN + 8];
	struct ike_delete d;
	struct ike_notify n;
	struct child_sa *c;
	bool delete_ike = false, any = false;
	uint16_t nspi = 0, i;

	while ((pl = ike_msg_find(req, IKE_PL_DELETE, pl))) {
		any = true;
		if (ike_parse_delete(pl, &d))
			continue;
		if (d.proto == IKE_PROTO_IKE) {
			delete_ike = true;
			continue;
		}
		if (d.proto != IKE_PROTO_ESP || d.spi_size != 4)
			continue;
		/* 1.4.1: the peer names its inbound SPIs, our outbound; we answer with ours. */
		for (i = 0; i < d.nspi; i++) {
			c = child_by_spi_out(sa, get_u32(d.spis + 4 * (size_t)i));
			if (!c)
				continue;
			if (nspi < DELETE_MAX)
				put_u32(spis + 4 * nspi++, c->spi_in);
			if (rekey_succeeded(c))
				rekey_retire_deleted(c);
			else
				child_delete(c, "deleted by the peer");
		}
	}
	if (delete_ike) {
		sa_destroy(sa, sa->state == IKE_S_REKEYED ? "rekeyed" : "deleted by the peer");
		return 0;	/* 1.4.1: an empty answer */
	}
	if (nspi)
		ike_add_delete(b, IKE_PROTO_ESP, 4, spis, nspi);
	if (ike_msg_find_notify(req, IKE_N_AUTHENTICATION_FAILED, &n)) {
		log_info("auth failed %s peer %s: the peer did not accept our AUTH", sa_name(sa),
			 sa_peer(sa, p));
		sa_destroy(sa, "authentication failed");
		return 0;
	}
	if (ike_msg_find_notify(req, IKE_N_INVALID_SPI, &n) && n.len == 4)
		peer_lost_spi(sa, get_u32(n.data));
	if (!any && !ike_msg_find(req, IKE_PL_NOTIFY, NULL))
		log_debug("%s: liveness check from %s answered", sa_name(sa), sa_peer(sa, p));
	return 0;
}
