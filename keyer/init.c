// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - IKE_SA_INIT (RFC 7296 1.2): proposals, KE, nonces and NAT
 * detection, both roles.  The responder keeps no state for a request it
 * refuses (NO_PROPOSAL_CHOSEN, INVALID_KE_PAYLOAD); the initiator retries
 * with the group a responder asks for, and with a COOKIE it is handed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "keyer.h"

/* Our NAT_DETECTION_SOURCE_IP and _DESTINATION_IP (2.23). */
static void add_natd(struct ike_sa *sa, struct ike_builder *b, uint64_t rspi)
{
	uint8_t h[IKE_NATD_HASH_LEN];

	if (crypto_natd_hash(sa->ispi, rspi, sa->local.a, ipaddr_len(&sa->local), sa->lport, h) == 0)
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h,
			       sizeof(h));
	if (crypto_natd_hash(sa->ispi, rspi, sa->remote.a, ipaddr_len(&sa->remote), sa->rport,
			     h) == 0)
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h,
			       sizeof(h));
}

/* The peer's NAT detection hashes against the addresses we see (nat.c acts). */
static void check_natd(struct ike_sa *sa, const struct ike_msg *msg, uint64_t rspi)
{
	uint8_t want_src[IKE_NATD_HASH_LEN], want_dst[IKE_NATD_HASH_LEN];
	bool any_src = false, src_ok = false, any_dst = false, dst_ok = false;
	const struct ike_payload *pl = NULL;
	char p[ADDR_STRLEN + 8];
	struct ike_notify n;

	if (crypto_natd_hash(sa->ispi, rspi, sa->remote.a, ipaddr_len(&sa->remote), sa->rport,
			     want_src) < 0 ||
	    crypto_natd_hash(sa->ispi, rspi, sa->local.a, ipaddr_len(&sa->local), sa->lport,
			     want_dst) < 0)
		return;
	while ((pl = ike_msg_find(msg, IKE_PL_NOTIFY, pl))) {
		if (ike_parse_notify(pl, &n))
			continue;
		if (n.type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			any_src = true;
			src_ok |= n.len == IKE_NATD_HASH_LEN && !memcmp(n.data, want_src, n.len);
		} else if (n.type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			any_dst = true;
			dst_ok |= n.len == IKE_NATD_HASH_LEN && !memcmp(n.data, want_dst, n.len);
		}
	}
	sa->nat_remote = any_src && !src_ok;
	sa->nat_local = any_dst && !dst_ok;
	if (sa->nat_local || sa->nat_remote)
		log_debug("%s: NAT detected %s peer %s", sa_name(sa),
			  sa->nat_local ? "in front of us, talking to" : "in front of",
			  sa_peer(sa, p));
}

/* SKEYSEED and the IKE SA's keys, from the peer's KE; the DH key goes. */
static int derive(struct ike_sa *sa, const struct ike_ke *ke)
{
	struct buf *gir = NULL, *skeyseed = NULL;
	const struct prf_alg *prf = crypto_prf(sa->suite.prf);
	int rc = -1;

	if (!prf || dh_derive(sa->dh, ke->data, ke->len, &gir) < 0)
		goto out;
	if (crypto_skeyseed(prf, chunk_of(sa->ni), chunk_of(sa->nr), chunk_of(gir), &skeyseed) < 0)
		goto out;
	if (crypto_ike_keys(&sa->keys, &sa->suite, chunk_of(skeyseed), chunk_of(sa->ni),
			    chunk_of(sa->nr), sa->ispi, sa->rspi) < 0)
		goto out;
	rc = 0;
out:
	buf_free(gir);
	buf_free(skeyseed);
	dh_free(sa->dh);
	sa->dh = NULL;
	return rc;
}

struct buf *nonce_new(void)
{
	struct buf *b = buf_new(IKE_NONCE_LEN);

	if (b && crypto_random(b->data, IKE_NONCE_LEN) == 0) {
		b->len = IKE_NONCE_LEN;
		return b;
	}
	buf_free(b);
	return NULL;
}

int init_build(struct ike_sa *sa, struct ike_xchg *x, struct ike_builder *b)
{
	const struct cfg_ike_profile *ike = sa->tunnel->ike;
	struct chunk pub;

	(void)x;
	if (!sa->dh)
		sa->dh = dh_new(proposal_first_dh(ike->props, ike->nprops));
	if (!sa->ni)
		sa->ni = nonce_new();
	if (!sa->dh || !sa->ni)
		return -1;
	if (sa->cookie)	/* 2.6: first */
		ike_add_notify(b, IKE_PROTO_NONE, NULL, 0, IKE_N_COOKIE, sa->cookie->data,
			       sa->cookie->len);
	ike_add_sa(b, ike->props, ike->nprops);
	pub = dh_public(sa->dh);
	ike_add_ke(b, dh_group(sa->dh), pub.p, pub.len);
	ike_add_nonce(b, sa->ni->data, sa->ni->len);
	add_natd(sa, b, 0);
	return 0;
}

/* IKE_SA_INIT again, message ID 0 again (2.6, 1.2). */
static void retry(struct ike_sa *sa)
{
	struct ike_xchg *x = xchg_new(sa, XCHG_IKE_SA_INIT);

	if (!x) {
		sa_destroy(sa, "out of memory");
		return;
	}
	sa->next_msgid = 0;
	msg_queue(sa, x);
}

static const char *first_error(const struct ike_msg *msg, uint16_t *type)
{
	const struct ike_payload *pl = NULL;
	struct ike_notify n;

	while ((pl = ike_msg_find(msg, IKE_PL_NOTIFY, pl)))
		if (!ike_parse_notify(pl, &n) && n.type <= IKE_N_ERROR_MAX) {
			*type = n.type;
			return notify_name(n.type);
		}
	return NULL;
}

void init_response(struct ike_sa *sa, struct ike_xchg *x, const struct ike_msg *msg)
{
	const struct cfg_ike_profile *ike = sa->tunnel->ike;
	const struct ike_payload *pl_sa, *pl_ke, *pl_no;
	struct ike_sa_payload *sap = NULL;
	struct proposal_choice choice;
	char why[96], p[ADDR_STRLEN + 8];
	struct ike_notify n;
	struct chunk nonce;
	struct ike_ke ke;
	const char *err;
	uint16_t type;

	if (ike_msg_find_notify(msg, IKE_N_COOKIE, &n)) {
		if (n.len < 1 || n.len > IKE_COOKIE_MAX || sa->init_tries++ >= 3) {
			sa_destroy(sa, "bad or repeated COOKIE");
			return;
		}
		buf_free(sa->cookie);
		sa->cookie = buf_from(n.data, n.len);
		retry(sa);
		return;
	}
	if (ike_msg_find_notify(msg, IKE_N_INVALID_KE_PAYLOAD, &n)) {
		type = n.len == 2 ? get_u16(n.data) : 0;
		if (!type || type == dh_group(sa->dh) || !dh_supported(type) ||
		    !proposal_offers_dh(ike->props, ike->nprops, type) || sa->init_tries++ >= 2) {
			snprintf(why, sizeof(why), "INVALID_KE_PAYLOAD asks for DH group %u, "
				 "which we do not offer", type);
			sa_destroy(sa, why);
			return;
		}
		log_info("%s: peer %s asks for DH group %s, retrying", sa_name(sa),
			 sa_peer(sa, p), proposal_dh_name(type));
		dh_free(sa->dh);
		sa->dh = dh_new(type);
		if (!sa->dh) {
			sa_destroy(sa, "out of memory");
			return;
		}
		retry(sa);
		return;
	}
	if ((err = first_error(msg, &type))) {
		snprintf(why, sizeof(why), "IKE_SA_INIT refused with %s", err);
		sa_destroy(sa, why);
		return;
	}

	pl_sa = ike_msg_find(msg, IKE_PL_SA, NULL);
	pl_ke = ike_msg_find(msg, IKE_PL_KE, NULL);
	pl_no = ike_msg_find(msg, IKE_PL_NONCE, NULL);
	sap = malloc(sizeof(*sap));
	if (!sap || !pl_sa || !pl_ke || !pl_no || !msg->hdr.rspi || ike_parse_sa(pl_sa, sap) ||
	    ike_parse_ke(pl_ke, &ke) || ike_parse_nonce(pl_no, &nonce) ||
	    nonce.len < IKE_NONCE_MIN || nonce.len > IKE_NONCE_MAX) {
		sa_destroy(sa, "malformed IKE_SA_INIT response");
		goto out;
	}
	if (proposal_check_reply(ike->props, ike->nprops, sap->prop, sap->nprop, 0, &choice) < 0) {
		sa_destroy(sa, "the responder chose a proposal we did not make");
		goto out;
	}
	if (ke.group != choice.suite.dh || ke.group != dh_group(sa->dh)) {
		sa_destroy(sa, "the responder's KE is not of the chosen group");
		goto out;
	}
	sa_set_rspi(sa, msg->hdr.rspi);
	sa->suite = choice.suite;
	proposal_format(&choice.reply, sa->algs, sizeof(sa->algs));
	sa->nr = buf_from(nonce.p, nonce.len);
	sa->init_msg[0] = buf_dup(x->request);
	sa->init_msg[1] = buf_from(msg->raw, msg->raw_len);
	if (!sa->nr || !sa->init_msg[0] || !sa->init_msg[1] || derive(sa, &ke) < 0) {
		sa_destroy(sa, "key derivation failed");
		goto out;
	}
	check_natd(sa, msg, sa->rspi);
	nat_float(sa);
	sa->state = IKE_S_AUTH_SENT;
	x = xchg_new(sa, XCHG_IKE_AUTH);
	if (!x)
		sa_destroy(sa, "out of memory");
	else
		msg_queue(sa, x);
out:
	free(sap);
}

/* Does proposal @num of the peer's, and our @ours, both offer @group? */
static bool both_offer(const struct ike_sa_payload *sap, uint8_t num,
		       const struct ike_proposal *ours, uint16_t group)
{
	size_t i;

	for (i = 0; i < sap->nprop; i++)
		if (sap->prop[i].num == num)
			return proposal_offers_dh(&sap->prop[i], 1, group) &&
			       proposal_offers_dh(ours, 1, group);
	return false;
}

/* Responder SAs waiting for their IKE_AUTH, and all SAs. */
static void count_sas(struct keyer *k, size_t *all, size_t *half)
{
	struct ike_sa *sa;

	*all = *half = 0;
	LIST_FOREACH(sa, &k->sas, all) {
		(*all)++;
		*half += sa->state == IKE_S_INIT_DONE;
	}
}

/*
 * Call admission control (max-ike-sa, max-half-open): refuse before any DH
 * work.  Silently, as IOS does; cookies (below) start before this limit.
 */
static bool admit(struct keyer *k)
{
	size_t all, half;

	count_sas(k, &all, &half);
	return (!k->cfg->max_ike_sa || all < k->cfg->max_ike_sa) &&
	       (!k->cfg->max_half_open || half < k->cfg->max_half_open);
}

/*
 * Stateless cookies (2.6).  Once half of max-half-open (COOKIE_HALF_OPEN
 * without one; never with max-half-open 1, whose limit says it all) are
 * waiting for IKE_AUTH, an IKE_SA_INIT request costs us no DH and no state
 * until it comes back with the COOKIE we hand out, which proves that its
 * source address is real.  Cookie = version of the secret | first 16 bytes
 * of HMAC-SHA2-256(secret, Ni | IPi | SPIi), the construction 2.6
 * suggests; a new secret every COOKIE_SECRET_MS, the previous one still
 * accepted so that a cookie handed out just before the change works.
 */
static bool cookies_needed(struct keyer *k)
{
	size_t all, half, limit = k->cfg->max_half_open;

	count_sas(k, &all, &half);
	limit = limit ? limit / 2 : COOKIE_HALF_OPEN;
	return limit && half >= limit;
}

/* Versions run 1..254, an even cycle: consecutive ones use both secrets. */
static uint8_t next_version(uint8_t v)
{
	return v >= 1 && v < 254 ? (uint8_t)(v + 1) : 1;
}

static int make_cookie(struct keyer *k, uint8_t version, const struct packet *pkt,
		       const struct ike_header *h, struct chunk ni, uint8_t *out)
{
	uint8_t spi[8], mac[CRYPTO_MAX_PRF_LEN];
	struct chunk parts[3] = {
		ni, { pkt->remote.a, ipaddr_len(&pkt->remote) }, { spi, sizeof(spi) },
	};
	struct chunk key = { k->cookie_secret[version & 1], sizeof(k->cookie_secret[0]) };

	put_u64(spi, h->ispi);
	if (crypto_prf_once(crypto_prf(IKE_PRF_HMAC_SHA2_256), key, parts, 3, mac) < 0)
		return -1;
	out[0] = version;
	memcpy(out + 1, mac, COOKIE_LEN - 1);
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}

/* true: go on with the request; false: answered with a COOKIE or dropped. */
static bool cookie_ok(struct keyer *k, const struct packet *pkt, const struct ike_msg *msg,
		      struct chunk ni)
{
	uint8_t want[COOKIE_LEN];
	struct ike_notify n;
	char a[ADDR_STRLEN];
	uint64_t now = loop_now();

	if (!k->cookie_version || now - k->cookie_secret_ms >= COOKIE_SECRET_MS) {
		uint8_t v = next_version(k->cookie_version);

		/* The first time, both: no cookie may verify under a zero key. */
		if (crypto_random(k->cookie_secret[v & 1], sizeof(k->cookie_secret[0])) < 0 ||
		    (!k->cookie_version &&
		     crypto_random(k->cookie_secret[!(v & 1)], sizeof(k->cookie_secret[0])) < 0))
			return false;
		k->cookie_version = v;
		k->cookie_secret_ms = now;
	}
	if (ike_msg_find_notify(msg, IKE_N_COOKIE, &n)) {
		/* Ours, of this secret or the one before: the request goes on. */
		if (n.len == COOKIE_LEN && n.data[0] >= 1 && n.data[0] <= 254 &&
		    (n.data[0] == k->cookie_version ||
		     next_version(n.data[0]) == k->cookie_version) &&
		    make_cookie(k, n.data[0], pkt, &msg->hdr, ni, want) == 0 &&
		    CRYPTO_memcmp(want, n.data, COOKIE_LEN) == 0)
			return true;
		k->st.cookies_bad++;
	}
	if (!cookies_needed(k))
		return true;
	if (make_cookie(k, k->cookie_version, pkt, &msg->hdr, ni, want) < 0)
		return false;
	k->st.cookies_sent++;
	log_debug("IKE_SA_INIT from %s: answered with a COOKIE (half-open SAs)",
		  ipaddr_str(&pkt->remote, a));
	msg_send_plain(k, pkt, &msg->hdr, IKE_N_COOKIE, want, sizeof(want));
	return false;
}

/* What IKE_SA_INIT refusals log: anyone can send those, and a flood would. */
static struct log_limit refused_log;

void init_respond(struct keyer *k, const struct packet *pkt, const struct ike_msg *msg)
{
	const struct ike_payload *pl_sa, *pl_ke, *pl_no;
	const struct cfg_ike_profile *ike;
	const struct cfg_tunnel *t;
	struct ike_sa_payload *sap = NULL;
	struct proposal_choice choice;
	struct ike_builder bld;
	struct ike_header h;
	struct ike_sa *sa;
	struct buf *resp;
	struct chunk nonce, pub;
	struct ike_ke ke;
	char a[ADDR_STRLEN], offered[256] = "";
	uint8_t group[2];
	size_t i, used;

	if (msg->unsupported_critical) {
		msg_send_plain(k, pkt, &msg->hdr, IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
			       &msg->unsupported_critical, 1);
		return;
	}
	t = sa_tunnel_for(k, pkt->vrf, &pkt->local, &pkt->remote);
	if (!t || k->stopping) {
		k->st.drops[DROP_NO_TUNNEL]++;
		log_debug("IKE_SA_INIT from %s: no tunnel has this peer", ipaddr_str(&pkt->remote, a));
		return;
	}
	/* The nonce first: a cookie is bound to it (2.6). */
	pl_no = ike_msg_find(msg, IKE_PL_NONCE, NULL);
	if (!pl_no || ike_parse_nonce(pl_no, &nonce)) {
		k->st.drops[DROP_PARSE]++;
		return;
	}
	if (!cookie_ok(k, pkt, msg, nonce))
		return;
	if (!admit(k)) {
		k->st.drops[DROP_ADMISSION]++;
		log_debug("IKE_SA_INIT from %s refused: max-ike-sa or max-half-open reached",
			  ipaddr_str(&pkt->remote, a));
		return;
	}
	ike = t->ike;
	pl_sa = ike_msg_find(msg, IKE_PL_SA, NULL);
	pl_ke = ike_msg_find(msg, IKE_PL_KE, NULL);
	pl_no = ike_msg_find(msg, IKE_PL_NONCE, NULL);
	sap = malloc(sizeof(*sap));
	if (!sap || !pl_sa || !pl_ke || !pl_no || ike_parse_sa(pl_sa, sap) ||
	    ike_parse_ke(pl_ke, &ke) || ike_parse_nonce(pl_no, &nonce) ||
	    nonce.len < IKE_NONCE_MIN || nonce.len > IKE_NONCE_MAX) {
		k->st.drops[DROP_PARSE]++;
		goto out;
	}
	if (proposal_select(ike->props, ike->nprops, sap->prop, sap->nprop, 0, &choice) < 0) {
		/* Their proposals, as far as they fit: what to fix on either side. */
		for (i = 0, used = 0; i < sap->nprop && used + 2 < sizeof(offered); i++) {
			if (i)
				offered[used++] = ',';
			offered[used] = '\0';
			if (proposal_format(&sap->prop[i], offered + used,
					    sizeof(offered) - used) < 0)
				break;
			used += strlen(offered + used);
		}
		if (!log_limited(&refused_log, loop_now()))
			log_info("ike-sa failed %s peer %s: NO_PROPOSAL_CHOSEN (peer offered %s)",
				 t->name, ipaddr_str(&pkt->remote, a), offered);
		msg_send_plain(k, pkt, &msg->hdr, IKE_N_NO_PROPOSAL_CHOSEN, NULL, 0);
		goto out;
	}
	if (ke.group != choice.suite.dh) {
		/* Take the peer's group if the chosen proposals both allow it (1.2). */
		if (both_offer(sap, choice.reply.num, &ike->props[choice.ours], ke.group) &&
		    dh_supported(ke.group)) {
			choice.suite.dh = ke.group;
			for (i = 0; i < choice.reply.nxf; i++)
				if (choice.reply.xf[i].type == IKE_XF_DH)
					choice.reply.xf[i].id = ke.group;
		} else {
			if (!log_limited(&refused_log, loop_now()))
				log_info("%s: peer %s sent KE for DH group %u, asking for %s",
					 t->name, ipaddr_str(&pkt->remote, a), ke.group,
					 proposal_dh_name(choice.suite.dh));
			put_u16(group, choice.suite.dh);
			msg_send_plain(k, pkt, &msg->hdr, IKE_N_INVALID_KE_PAYLOAD, group, 2);
			goto out;
		}
	}

	sa = sa_new(k, IKE_ROLE_RESPONDER, t, &pkt->local, &pkt->remote, msg->hdr.ispi);
	if (!sa)
		goto out;
	sa->lport = pkt->lport;
	sa->rport = pkt->rport;
	sa->suite = choice.suite;
	proposal_format(&choice.reply, sa->algs, sizeof(sa->algs));
	sa->dh = dh_new(choice.suite.dh);
	sa->ni = buf_from(nonce.p, nonce.len);
	sa->nr = nonce_new();
	sa->init_msg[0] = buf_from(msg->raw, msg->raw_len);
	resp = buf_new(1024);
	if (!sa->dh || !sa->ni || !sa->nr || !sa->init_msg[0] || !resp) {
		buf_free(resp);
		sa_destroy(sa, "out of memory");
		goto out;
	}
	pub = dh_public(sa->dh);
	h = (struct ike_header){
		.ispi = sa->ispi, .rspi = sa->rspi, .exchange = IKE_SA_INIT,
		.flags = IKE_FLAG_RESPONSE,
	};
	ike_build_msg(&bld, resp, &h);
	ike_add_sa(&bld, &choice.reply, 1);
	ike_add_ke(&bld, choice.suite.dh, pub.p, pub.len);
	ike_add_nonce(&bld, sa->nr->data, sa->nr->len);
	add_natd(sa, &bld, sa->rspi);
	check_natd(sa, msg, 0);
	if (ike_build_done(&bld) < 0 || derive(sa, &ke) < 0 ||
	    !(sa->init_msg[1] = buf_dup(resp))) {
		buf_free(resp);
		sa_destroy(sa, "key derivation failed");
		goto out;
	}
	sa->last_response = resp;
	sa->peer_msgid = 1;
	timer_set(&k->loop, &sa->half_open, HALF_OPEN_MS);
	log_debug("%s: IKE_SA_INIT from %s answered, spi 0x%016" PRIx64 "/0x%016" PRIx64,
		  t->name, ipaddr_str(&pkt->remote, a), sa->ispi, sa->rspi);
	net_send(k, sa->vrf, &sa->local, sa->lport, &sa->remote, sa->rport, resp);
out:
	free(sap);
}
