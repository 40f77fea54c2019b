// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the message layer (RFC 7296 2.1-2.3): message IDs with a
 * window of one each way, our requests retransmitted with back-off until
 * answered or given up, the peer's requests answered once and the answer
 * kept, so that a retransmitted request gets the same bytes again without
 * being processed twice.  Exchanges plug in through ops[]: build a
 * request's payloads, take its response, answer a request.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "keyer.h"

struct xchg_ops {
	uint8_t	  exchange;
	int	(*build)(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b);
	void	(*response)(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg);
};

static const struct xchg_ops ops[] = {
	[XCHG_IKE_SA_INIT] = { IKE_SA_INIT, init_build, init_response },
	[XCHG_IKE_AUTH] = { IKE_AUTH, auth_build, auth_response },
	[XCHG_CHILD_REKEY] = { IKE_CREATE_CHILD_SA, rekey_build, rekey_response },
	[XCHG_CHILD_CREATE] = { IKE_CREATE_CHILD_SA, rekey_build, rekey_response },
	[XCHG_IKE_REKEY] = { IKE_CREATE_CHILD_SA, ike_rekey_build, ike_rekey_response },
	[XCHG_DELETE_CHILD] = { IKE_INFORMATIONAL, info_build, info_response },
	[XCHG_DELETE_IKE] = { IKE_INFORMATIONAL, info_build, info_response },
	[XCHG_LIVENESS] = { IKE_INFORMATIONAL, info_build, info_response },
	[XCHG_DPD] = { IKE_INFORMATIONAL, info_build, info_response },
	[XCHG_INVALID_SPI] = { IKE_INFORMATIONAL, info_build, info_response },
	[XCHG_AUTH_FAILED] = { IKE_INFORMATIONAL, info_build, info_response },
};

/* Where a request's message ID puts it: 2.3 with a window of one. */
enum msg_window msg_window(uint32_t peer_msgid, bool cached, uint32_t msgid)
{
	if (msgid == peer_msgid)
		return WIN_NEW;
	if (cached && msgid + 1 == peer_msgid)
		return WIN_RETRANSMIT;
	return WIN_DROP;
}

/* base * 1.8^n milliseconds (strongSwan's schedule), at most an hour. */
uint64_t msg_retransmit_delay(uint32_t base_ms, unsigned int n)
{
	uint64_t d = base_ms;

	while (n-- && d < 3600000)
		d = d * 9 / 5;
	return d < 3600000 ? d : 3600000;
}

const char *exchange_name(uint8_t type)
{
	switch (type) {
	case IKE_SA_INIT: return "IKE_SA_INIT";
	case IKE_AUTH: return "IKE_AUTH";
	case IKE_CREATE_CHILD_SA: return "CREATE_CHILD_SA";
	case IKE_INFORMATIONAL: return "INFORMATIONAL";
	default: return "exchange?";
	}
}

const char *notify_name(uint16_t type)
{
	static const struct {
		uint16_t type;
		const char *name;
	} names[] = {
		{ IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD" },
		{ IKE_N_INVALID_IKE_SPI, "INVALID_IKE_SPI" },
		{ IKE_N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION" },
		{ IKE_N_INVALID_SYNTAX, "INVALID_SYNTAX" },
		{ IKE_N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID" },
		{ IKE_N_INVALID_SPI, "INVALID_SPI" },
		{ IKE_N_NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN" },
		{ IKE_N_INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD" },
		{ IKE_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED" },
		{ IKE_N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED" },
		{ IKE_N_NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS" },
		{ IKE_N_INTERNAL_ADDRESS_FAILURE, "INTERNAL_ADDRESS_FAILURE" },
		{ IKE_N_FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED" },
		{ IKE_N_TS_UNACCEPTABLE, "TS_UNACCEPTABLE" },
		{ IKE_N_INVALID_SELECTORS, "INVALID_SELECTORS" },
		{ IKE_N_TEMPORARY_FAILURE, "TEMPORARY_FAILURE" },
		{ IKE_N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND" },
		{ IKE_N_INITIAL_CONTACT, "INITIAL_CONTACT" },
		{ IKE_N_COOKIE, "COOKIE" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].type == type)
			return names[i].name;
	return type < 16384 ? "error notify" : "status notify";
}

static void retransmit_fire(struct timer *t);

struct ike_xchg *xchg_new(struct ike_sa *sa, enum ike_xchg_kind kind)
{
	struct ike_xchg *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->kind = kind;
	x->ike = sa;
	x->retransmit.fire = retransmit_fire;
	return x;
}

void xchg_free(struct ike_xchg *x)
{
	if (!x)
		return;
	timer_stop(&x->ike->k->loop, &x->retransmit);
	if (x->new_sa) {
		/* An IKE rekey that never completed: its new SA goes too. */
		x->ike->ike_rekeying = false;
		sa_destroy(x->new_sa, "its rekey did not complete");
	}
	buf_free(x->request);
	buf_free(x->nonce);
	dh_free(x->dh);
	free(x);
}

/* An encrypted message: header, then the SK payload around @plain. */
static struct buf *seal(struct ike_sa *sa, uint8_t exchange, bool response, uint32_t msgid,
			const struct buf *plain, uint8_t first)
{
	struct ike_header h = {
		.ispi = sa->ispi, .rspi = sa->rspi, .exchange = exchange, .msgid = msgid,
		.flags = (uint8_t)((sa->role == IKE_ROLE_INITIATOR ? IKE_FLAG_INITIATOR : 0) |
				   (response ? IKE_FLAG_RESPONSE : 0)),
	};
	struct ike_builder bld;
	struct buf *b;
	size_t off;

	b = buf_new(IKE_HDR_LEN + IKE_GEN_HDR_LEN + crypto_sk_overhead(&sa->keys, plain->len) +
		    plain->len);
	if (!b)
		return NULL;
	ike_build_msg(&bld, b, &h);
	off = ike_add_sk(&bld, first);
	if (off == SIZE_MAX ||
	    crypto_sk_protect(&sa->keys, b, off, plain->data, plain->len) < 0) {
		buf_free(b);
		return NULL;
	}
	return b;
}

/* Our request as it goes on the wire; > 0 from build: nothing to send. */
static int build_request(struct ike_sa *sa, struct ike_xchg *x)
{
	const struct xchg_ops *op;
	struct ike_builder bld;
	struct buf *b;
	int rc;

	if ((size_t)x->kind >= ARRAY_SIZE(ops) || !ops[x->kind].build)
		return -1;
	op = &ops[x->kind];
	b = buf_new(1024);
	if (!b)
		return -1;
	if (op->exchange == IKE_SA_INIT) {
		struct ike_header h = {
			.ispi = sa->ispi, .exchange = IKE_SA_INIT, .msgid = x->msgid,
			.flags = IKE_FLAG_INITIATOR,
		};

		ike_build_msg(&bld, b, &h);
		rc = op->build(sa, x, &bld);
		if (rc == 0 && ike_build_done(&bld) < 0)
			rc = -1;
		if (rc)
			buf_free(b);
		else
			x->request = b;
		return rc;
	}
	ike_build_chain(&bld, b);
	rc = op->build(sa, x, &bld);
	if (rc == 0 && ike_build_done(&bld) < 0)
		rc = -1;
	if (rc == 0 && !(x->request = seal(sa, op->exchange, false, x->msgid, b, bld.first)))
		rc = -1;
	buf_free(b);
	return rc;
}

static void send_msg(struct ike_sa *sa, const struct buf *b)
{
	net_send(sa->k, sa->vrf, &sa->local, sa->lport, &sa->remote, sa->rport, b);
}

/* Send the next queued request if the window is free. */
static void kick(struct ike_sa *sa)
{
	struct keyer *k = sa->k;
	struct ike_xchg *x;
	int rc;

	while (!sa->active && sa->state != IKE_S_DEAD && (x = TAILQ_FIRST(&sa->queue))) {
		TAILQ_REMOVE(&sa->queue, x, entry);
		x->msgid = sa->next_msgid;
		rc = build_request(sa, x);
		if (rc) {
			xchg_free(x);
			if (rc < 0)
				sa_destroy(sa, "cannot build a request");
			continue;
		}
		sa->next_msgid++;
		sa->active = x;
		log_debug("%s: %s request %" PRIu32 " sent", sa_name(sa),
			  exchange_name(ops[x->kind].exchange), x->msgid);
		send_msg(sa, x->request);
		timer_set(&k->loop, &x->retransmit, x->retry_ms ? x->retry_ms :
			  msg_retransmit_delay(k->cfg->retransmit_ms, 0));
	}
}

void msg_kick(struct ike_sa *sa)
{
	kick(sa);
}

void msg_queue(struct ike_sa *sa, struct ike_xchg *x)
{
	TAILQ_INSERT_TAIL(&sa->queue, x, entry);
	kick(sa);
}

static void retransmit_fire(struct timer *t)
{
	struct ike_xchg *x = container_of(t, struct ike_xchg, retransmit);
	struct ike_sa *sa = x->ike;
	struct keyer *k = sa->k;
	char p[ADDR_STRLEN + 8];

	if (x->tries >= (x->max_tries ? x->max_tries : k->cfg->retransmit_tries)) {
		k->st.give_ups++;
		if (x->kind == XCHG_DPD) {
			dpd_dead(sa);
			return;
		}
		if (sa->role == IKE_ROLE_INITIATOR && sa->state < IKE_S_ESTABLISHED &&
		    !sa->tunnel->is_template) {
			const struct cfg_tunnel *t = sa->tunnel;

			sa_destroy(sa, "peer not responding");
			if (peer_failed(k, t))
				sa_initiate(k, t);
			return;
		}
		log_info("retransmit give-up %s peer %s: %s request %" PRIu32
			 " unanswered after %u retransmissions",
			 sa_name(sa), sa_peer(sa, p), exchange_name(ops[x->kind].exchange),
			 x->msgid, x->tries);
		sa_destroy(sa, "peer not responding");
		return;
	}
	x->tries++;
	k->st.retransmits++;
	log_debug("%s: %s request %" PRIu32 " retransmitted (%u)", sa_name(sa),
		  exchange_name(ops[x->kind].exchange), x->msgid, x->tries);
	send_msg(sa, x->request);
	timer_set(&k->loop, &x->retransmit, x->retry_ms ? x->retry_ms :
		  msg_retransmit_delay(k->cfg->retransmit_ms, x->tries));
}

/* Decrypt the SK payload into *plain and parse what it holds. */
static int open_sk(struct ike_sa *sa, struct ike_msg *msg, struct buf **plain)
{
	struct keyer *k = sa->k;

	*plain = NULL;
	if (!msg->sk || !sa->keys.encr || crypto_sk_unprotect(&sa->keys, msg, plain) < 0) {
		k->st.drops[DROP_DECRYPT]++;
		return -1;
	}
	dump_inner(msg->sk->next, (*plain)->data, (*plain)->len);
	if (ike_msg_parse_inner(msg, (*plain)->data, (*plain)->len)) {
		k->st.drops[DROP_PARSE]++;
		buf_free(*plain);
		*plain = NULL;
		return -1;
	}
	return 0;
}

static void response(struct ike_sa *sa, const struct packet *pkt, const struct ike_header *h)
{
	struct ike_xchg *x = sa->active;
	struct keyer *k = sa->k;
	struct buf *plain = NULL;
	struct ike_msg msg;

	if (!x || x->msgid != h->msgid || ops[x->kind].exchange != h->exchange) {
		k->st.drops[DROP_UNEXPECTED]++;
		return;
	}
	if (k->drop_responses) {
		k->drop_responses--;
		k->st.drops[DROP_TESTING]++;
		return;
	}
	if (ike_msg_parse(&msg, pkt->data, pkt->len)) {
		k->st.drops[DROP_PARSE]++;
		return;
	}
	if (h->exchange != IKE_SA_INIT) {
		if (open_sk(sa, &msg, &plain) < 0)
			return;
		nat_follow(sa, pkt);
	}
	sa->last_recv_ms = loop_now();
	timer_stop(&k->loop, &x->retransmit);
	sa->active = NULL;
	ops[x->kind].response(sa, x, &msg);
	xchg_free(x);
	buf_free(plain);
	kick(sa);
}

static void request(struct ike_sa *sa, const struct packet *pkt, const struct ike_header *h)
{
	struct keyer *k = sa->k;
	struct buf *plain = NULL, *out = NULL, *resp;
	struct ike_builder bld;
	struct ike_msg msg;
	int rc = -1;

	switch (msg_window(sa->peer_msgid, sa->last_response != NULL, h->msgid)) {
	case WIN_RETRANSMIT:
		/* 2.1: the same answer again, the request not processed twice. */
		k->st.replays++;
		log_debug("%s: %s request %" PRIu32 " retransmitted by the peer, answered again",
			  sa_name(sa), exchange_name(h->exchange), h->msgid);
		send_msg(sa, sa->last_response);
		return;
	case WIN_DROP:
		k->st.drops[DROP_MSGID]++;
		return;
	case WIN_NEW:
		break;
	}
	if (h->exchange == IKE_SA_INIT) {
		k->st.drops[DROP_STATE]++;
		return;
	}
	if (h->exchange == IKE_CREATE_CHILD_SA && k->drop_create_child) {
		/* Testing: as if lost on the way (rekey collisions). */
		k->drop_create_child--;
		k->st.drops[DROP_TESTING]++;
		return;
	}
	if (ike_msg_parse(&msg, pkt->data, pkt->len)) {
		k->st.drops[DROP_PARSE]++;
		return;
	}
	if (open_sk(sa, &msg, &plain) < 0)
		return;
	nat_follow(sa, pkt);
	sa->last_recv_ms = loop_now();
	out = buf_new(512);
	if (!out)
		goto done;
	ike_build_chain(&bld, out);
	if (msg.unsupported_critical) {
		/* 2.5: refuse the whole message, naming the payload type. */
		ike_add_notify(&bld, IKE_PROTO_NONE, NULL, 0, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
			       &msg.unsupported_critical, 1);
		rc = 0;
	} else {
		switch (h->exchange) {
		case IKE_AUTH:
			if (sa->role != IKE_ROLE_RESPONDER || sa->state != IKE_S_INIT_DONE) {
				k->st.drops[DROP_STATE]++;
				goto done;
			}
			rc = auth_respond(sa, &msg, &bld);
			break;
		case IKE_INFORMATIONAL:
			if (sa->state < IKE_S_AUTH_SENT) {
				k->st.drops[DROP_STATE]++;
				goto done;
			}
			rc = info_respond(sa, &msg, &bld);
			break;
		case IKE_CREATE_CHILD_SA:
			if (sa->state != IKE_S_ESTABLISHED) {
				k->st.drops[DROP_STATE]++;
				goto done;
			}
			rc = rekey_respond(sa, &msg, &bld);
			break;
		default:
			k->st.drops[DROP_EXCHANGE]++;
			goto done;
		}
	}
	if (rc < 0 || ike_build_done(&bld) < 0)
		goto done;
	/* The SA may be dead now (AUTH failed, DELETE): its keys live until the reap. */
	resp = seal(sa, h->exchange, true, h->msgid, out, bld.first);
	if (!resp) {
		log_warn("%s: cannot answer %s request %" PRIu32, sa_name(sa),
			 exchange_name(h->exchange), h->msgid);
		goto done;
	}
	buf_free(sa->last_response);
	sa->last_response = resp;
	sa->peer_msgid = h->msgid + 1;
	send_msg(sa, resp);
done:
	buf_free(out);
	buf_free(plain);
	if (sa->state != IKE_S_DEAD)
		kick(sa);
}

/*
 * An unprotected notify outside any IKE SA (1.5, 2.21.4): the request's
 * SPIs and message ID copied, the Response flag set, sent back where the
 * request came from.  Anyone who spoofs a source address can make us send
 * these, so they are rate-limited (a bucket of UNPROTECTED_BURST, one more
 * every UNPROTECTED_GAP_MS) and counted either way.
 */
static void send_unprotected(struct keyer *k, const struct packet *pkt,
			     const struct ike_header *req, uint8_t exchange, uint16_t notify)
{
	struct ike_header h = {
		.ispi = req->ispi, .rspi = req->rspi, .exchange = exchange, .msgid = req->msgid,
		.flags = (uint8_t)(IKE_FLAG_RESPONSE |
				   (req->flags & IKE_FLAG_INITIATOR ? 0 : IKE_FLAG_INITIATOR)),
	};
	uint64_t now = loop_now(), add = (now - k->unprot_ms) / UNPROTECTED_GAP_MS;
	struct ike_builder bld;
	char p[ADDR_STRLEN];
	struct buf *b;

	if (add) {
		k->unprot_tokens = add >= UNPROTECTED_BURST - k->unprot_tokens ?
				   UNPROTECTED_BURST : k->unprot_tokens + (unsigned int)add;
		k->unprot_ms = now;
	}
	if (!k->unprot_tokens) {
		k->st.unprotected_limited++;
		return;
	}
	k->unprot_tokens--;
	b = buf_new(IKE_HDR_LEN + IKE_GEN_HDR_LEN + 4);
	if (!b)
		return;
	ike_build_msg(&bld, b, &h);
	ike_add_notify(&bld, IKE_PROTO_NONE, NULL, 0, notify, NULL, 0);
	if (ike_build_done(&bld) == 0 &&
	    net_send(k, pkt->vrf, &pkt->local, pkt->lport, &pkt->remote, pkt->rport, b) == 0) {
		k->st.unprotected++;
		log_debug("%s answered to %s: %s request %" PRIu32 " (SPIs %016" PRIx64
			  " %016" PRIx64 ")", notify_name(notify), ipaddr_str(&pkt->remote, p),
			  exchange_name(req->exchange), req->msgid, req->ispi, req->rspi);
	}
	buf_free(b);
}

void msg_recv(struct keyer *k, const struct packet *pkt)
{
	struct ike_header h;
	struct ike_msg msg;
	struct ike_sa *sa;
	uint16_t notify;

	dump_datagram(pkt->data, pkt->len);
	if (pkt->len < IKE_HDR_LEN) {
		k->st.drops[DROP_SHORT]++;
		return;
	}
	switch (ike_hdr_check(&h, pkt->data, pkt->len)) {
	case IKE_HDR_OK:
		break;
	case IKE_HDR_BAD_VERSION:
		/* 2.5: dropped, and told the version we speak (in the header). */
		k->st.drops[DROP_HEADER]++;
		send_unprotected(k, pkt, &h, h.exchange, IKE_N_INVALID_MAJOR_VERSION);
		return;
	case IKE_HDR_DROP:
	default:
		k->st.drops[DROP_HEADER]++;
		return;
	}
	sa = sa_lookup(k, &h, &pkt->remote);
	if (!sa && h.exchange == IKE_SA_INIT && !(h.flags & IKE_FLAG_RESPONSE) &&
	    (h.flags & IKE_FLAG_INITIATOR) && !h.rspi && !h.msgid) {
		/* Overload (a hub's peers all at once): a new IKE_SA_INIT
		 * that waited in the queue for seconds has been sent again
		 * by now, and answering it late only starts a half-open SA
		 * whose IKE_AUTH will queue behind the same backlog.  Shed
		 * it, unparsed: the queue drains, the IKE_AUTHs of SAs
		 * already begun go first, and the fresh copy is answered.
		 */
		if (pkt->age_ms > STALE_INIT_MS) {
			k->st.drops[DROP_STALE]++;
			return;
		}
		if (ike_msg_parse(&msg, pkt->data, pkt->len)) {
			k->st.drops[DROP_PARSE]++;
			return;
		}
		init_respond(k, pkt, &msg);
		return;
	}
	if (!sa) {
		/* 2.21.4: most likely we restarted and the peer does not know yet. */
		k->st.drops[DROP_NO_SA]++;
		notify = ike_orphan_notify(&h);
		if (notify)
			send_unprotected(k, pkt, &h, IKE_INFORMATIONAL, notify);
		return;
	}
	if (h.flags & IKE_FLAG_RESPONSE)
		response(sa, pkt, &h);
	else
		request(sa, pkt, &h);
}

/* A stateless answer to an IKE_SA_INIT request: one notify, SPIr 0. */
int msg_send_plain(struct keyer *k, const struct packet *pkt, const struct ike_header *req,
		   uint16_t notify, const void *data, size_t len)
{
	struct ike_header h = {
		.ispi = req->ispi, .exchange = req->exchange, .msgid = req->msgid,
		.flags = IKE_FLAG_RESPONSE,
	};
	struct ike_builder bld;
	struct buf *b = buf_new(64);
	int rc = -1;

	if (!b)
		return -1;
	ike_build_msg(&bld, b, &h);
	ike_add_notify(&bld, IKE_PROTO_NONE, NULL, 0, notify, data, len);
	if (ike_build_done(&bld) == 0)
		rc = net_send(k, pkt->vrf, &pkt->local, pkt->lport, &pkt->remote, pkt->rport, b);
	buf_free(b);
	return rc;
}
