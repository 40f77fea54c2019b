// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - CHILD SAs: the ESP proposal and traffic selectors carried
 * in IKE_AUTH, KEYMAT (2.17), and the two kernel SAs through the backend.
 *
 * Traffic selectors (2.9): a static VTI routes, so its policy is "any":
 * 0.0.0.0/0 and ::/0, every protocol and port.  It proposes exactly that.
 * As responder it narrows what a peer proposes to the intersection with
 * that policy, which is what the peer proposed (a policy-based peer's
 * configured flows); as initiator it accepts any answer inside what it
 * proposed.  Routing, not selectors, decides what enters the tunnel.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/kvti.h>

#include "keyer.h"

/* Our policy: everything, in both families. */
size_t ts_any(struct ike_ts *out)
{
	memset(out, 0, 2 * sizeof(*out));
	out[0].type = IKE_TS_IPV4_ADDR_RANGE;
	out[0].alen = 4;
	out[0].eport = 65535;
	memset(out[0].end, 0xff, 4);
	out[1].type = IKE_TS_IPV6_ADDR_RANGE;
	out[1].alen = 16;
	out[1].eport = 65535;
	memset(out[1].end, 0xff, 16);
	return 2;
}

static bool ts_valid(const struct ike_ts *t)
{
	if (!((t->type == IKE_TS_IPV4_ADDR_RANGE && t->alen == 4) ||
	      (t->type == IKE_TS_IPV6_ADDR_RANGE && t->alen == 16)))
		return false;
	return t->sport <= t->eport && memcmp(t->start, t->end, t->alen) <= 0;
}

/* @a intersected with @b into @out; false if they do not meet. */
static bool ts_intersect(const struct ike_ts *a, const struct ike_ts *b, struct ike_ts *out)
{
	if (!ts_valid(a) || !ts_valid(b) || a->type != b->type)
		return false;
	if (a->ipproto && b->ipproto && a->ipproto != b->ipproto)
		return false;
	memset(out, 0, sizeof(*out));
	out->type = a->type;
	out->alen = a->alen;
	out->ipproto = a->ipproto ? a->ipproto : b->ipproto;
	out->sport = a->sport > b->sport ? a->sport : b->sport;
	out->eport = a->eport < b->eport ? a->eport : b->eport;
	memcpy(out->start, memcmp(a->start, b->start, a->alen) > 0 ? a->start : b->start, a->alen);
	memcpy(out->end, memcmp(a->end, b->end, a->alen) < 0 ? a->end : b->end, a->alen);
	return out->sport <= out->eport && memcmp(out->start, out->end, out->alen) <= 0;
}

static bool ts_same(const struct ike_ts *a, const struct ike_ts *b)
{
	return a->type == b->type && a->alen == b->alen && a->ipproto == b->ipproto &&
	       a->sport == b->sport && a->eport == b->eport &&
	       !memcmp(a->start, b->start, a->alen) && !memcmp(a->end, b->end, a->alen);
}

/* Exactly our policy, in its order: nothing was narrowed. */
static bool ts_is_any(const struct ike_ts *ts, size_t n)
{
	struct ike_ts any[2];

	ts_any(any);
	return n == 2 && ts_same(&ts[0], &any[0]) && ts_same(&ts[1], &any[1]);
}

/*
 * Every non-empty intersection of a @peer selector with a @policy one,
 * without duplicates, at most @max (2.9).  0 means TS_UNACCEPTABLE.
 */
size_t ts_narrow(const struct ike_ts *policy, size_t npolicy, const struct ike_ts *peer,
		 size_t npeer, struct ike_ts *out, size_t max)
{
	struct ike_ts t;
	size_t i, j, k, n = 0;

	for (i = 0; i < npeer; i++)
		for (j = 0; j < npolicy; j++) {
			if (!ts_intersect(&peer[i], &policy[j], &t))
				continue;
			for (k = 0; k < n && !ts_same(&out[k], &t); k++)
				;
			if (k == n && n < max)
				out[n++] = t;
		}
	return n;
}

/* "10.0.0.0-10.0.0.255", with "/proto[ports]" when not any. */
const char *ts_str(const struct ike_ts *ts, char *out, size_t len)
{
	struct ipaddr s = { 0 }, e = { 0 };
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	int n;

	if (!ts_valid(ts)) {
		snprintf(out, len, "type%u", ts->type);
		return out;
	}
	s.family = e.family = ts->alen == 4 ? AF_INET : AF_INET6;
	memcpy(s.a, ts->start, ts->alen);
	memcpy(e.a, ts->end, ts->alen);
	n = snprintf(out, len, "%s-%s", ipaddr_str(&s, a), ipaddr_str(&e, b));
	if (n > 0 && (size_t)n < len && (ts->ipproto || ts->sport || ts->eport != 65535))
		snprintf(out + n, len - (size_t)n, "/%u[%u-%u]", ts->ipproto, ts->sport, ts->eport);
	return out;
}

/* A CHILD SA with its inbound SPI reserved in the backend. */
struct child_sa *child_new(struct ike_sa *sa)
{
	struct keyer *k = sa->k;
	struct child_sa *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	if (k->be->spi_alloc(k->be_ctx, sa->ifname, &c->spi_in) < 0) {
		log_warn("%s: the backend has no SPI for a CHILD SA", sa_name(sa));
		free(c);
		return NULL;
	}
	c->spi_reserved = true;
	c->ike = sa;
	c->state = CHILD_S_INSTALLING;
	c->created_ms = loop_now();
	LIST_INSERT_HEAD(&sa->children, c, entry);
	return c;
}

/* Forget a CHILD SA whose kernel SAs are gone or never were. */
void child_free(struct child_sa *c)
{
	struct keyer *k = c->ike->k;

	if (c->spi_reserved && k->be->spi_free)
		k->be->spi_free(k->be_ctx, c->ike->ifname, c->spi_in);
	LIST_REMOVE(c, entry);
	free(c);
}

void child_delete(struct child_sa *c, const char *why)
{
	struct ike_sa *sa = c->ike;
	struct keyer *k = sa->k;

	if (c->state != CHILD_S_INSTALLING) {
		k->be->sa_del(k->be_ctx, sa->ifname, c->kid_in);
		k->be->sa_del(k->be_ctx, sa->ifname, c->kid_out);
		log_info("child-sa deleted %s spi in 0x%08" PRIx32 " out 0x%08" PRIx32 ": %s",
			 sa_name(sa), c->spi_in, c->spi_out, why);
	}
	child_free(c);
}

struct child_sa *child_by_spi_out(struct ike_sa *sa, uint32_t spi)
{
	struct child_sa *c;

	LIST_FOREACH(c, &sa->children, entry)
		if (c->spi_out == spi && c->state != CHILD_S_INSTALLING)
			return c;
	return NULL;
}

struct child_sa *child_by_spi_in(struct ike_sa *sa, uint32_t spi)
{
	struct child_sa *c;

	LIST_FOREACH(c, &sa->children, entry)
		if (c->spi_in == spi)
			return c;
	return NULL;
}

/*
 * The ipsec-profile's proposals as IKE_AUTH carries them: with our SPI and
 * without DH, which only CREATE_CHILD_SA uses (1.2: PFS groups there).
 */
static size_t auth_proposals(const struct cfg_ipsec_profile *p, uint32_t spi,
			     struct ike_proposal *out)
{
	size_t i, j, n;

	for (i = 0; i < p->nprops; i++) {
		out[i] = p->props[i];
		for (j = 0, n = 0; j < out[i].nxf; j++)
			if (out[i].xf[j].type != IKE_XF_DH)
				out[i].xf[n++] = out[i].xf[j];
		out[i].nxf = (uint8_t)n;
		out[i].spi_size = 4;
		put_u32(out[i].spi, spi);
	}
	return p->nprops;
}

/* KEYMAT and the two kernel SAs; the keys are wiped before returning. */
static int install(struct ike_sa *sa, struct child_sa *c)
{
	const struct cfg_ipsec_profile *ip = sa->tunnel->ipsec;
	bool init = sa->role == IKE_ROLE_INITIATOR;
	struct keyer *k = sa->k;
	struct child_keys ck;
	struct kernel_sa in, out;
	char p[ADDR_STRLEN + 8];

	if (proposal_esp_kernel(&c->suite, &c->alg) < 0)
		return -1;
	if (crypto_child_keys(&ck, sa->keys.prf, sa->keys.d, (struct chunk){ NULL, 0 },
			      chunk_of(sa->ni), chunk_of(sa->nr), c->alg.enc_key_len,
			      c->alg.auth_key_len) < 0)
		return -1;
	memset(&in, 0, sizeof(in));
	in.ifname = sa->ifname;
	in.local = sa->local;
	in.remote = sa->remote;
	in.alg = &c->alg;
	in.esn = c->suite.esn == IKE_ESN_YES;
	in.replay_window = ip->replay_window;
	in.life_seconds = ip->life_seconds;
	in.life_kilobytes = ip->life_kilobytes;
	in.idle_time = ip->idle_time;
	out = in;
	/* ei/ai protect initiator-to-responder traffic. */
	in.dir = KVTI_DIR_IN;
	in.spi = c->spi_in;
	in.enc_key = init ? ck.er : ck.ei;
	in.auth_key = init ? ck.ar : ck.ai;
	out.dir = KVTI_DIR_OUT;
	out.spi = c->spi_out;
	out.enc_key = init ? ck.ei : ck.er;
	out.auth_key = init ? ck.ai : ck.ar;
	if (k->be->sa_add(k->be_ctx, &in, &c->kid_in) < 0)
		goto err_keys;
	c->spi_reserved = false;	/* the inbound SA owns it now */
	if (k->be->sa_add(k->be_ctx, &out, &c->kid_out) < 0)
		goto err_del_in;
	crypto_child_keys_clear(&ck);
	c->state = CHILD_S_INSTALLED;
	log_info("child-sa installed %s peer %s spi in 0x%08" PRIx32 " out 0x%08" PRIx32 " %s%s",
		 sa_name(sa), sa_peer(sa, p), c->spi_in, c->spi_out, c->algs,
		 ts_is_any(c->tsi, c->ntsi) && ts_is_any(c->tsr, c->ntsr) ? "" :
		 " (narrowed selectors)");
	return 0;

err_del_in:
	k->be->sa_del(k->be_ctx, sa->ifname, c->kid_in);
err_keys:
	crypto_child_keys_clear(&ck);
	log_warn("%s: the backend refused the CHILD SA 0x%08" PRIx32, sa_name(sa), c->spi_in);
	return -1;
}

int child_add_request(struct ike_sa *sa, struct child_sa *c, struct ike_builder *b)
{
	struct ike_proposal *props = malloc(PROPOSAL_MAX * sizeof(*props));
	struct ike_ts ts[2];
	size_t n, nts;

	if (!props)
		return -1;
	n = auth_proposals(sa->tunnel->ipsec, c->spi_in, props);
	ike_add_sa(b, props, n);
	nts = ts_any(ts);
	ike_add_ts(b, IKE_PL_TSi, ts, nts);
	ike_add_ts(b, IKE_PL_TSr, ts, nts);
	free(props);
	return 0;
}

/* The SA and TS payloads of a message, decoded; heap: they are large. */
struct child_payloads {
	struct ike_sa_payload	sa;
	struct ike_ts_payload	tsi, tsr;
};

static int parse_child(const struct ike_msg *msg, struct child_payloads *cp)
{
	const struct ike_payload *pl_sa = ike_msg_find(msg, IKE_PL_SA, NULL);
	const struct ike_payload *pl_tsi = ike_msg_find(msg, IKE_PL_TSi, NULL);
	const struct ike_payload *pl_tsr = ike_msg_find(msg, IKE_PL_TSr, NULL);

	if (!pl_sa || !pl_tsi || !pl_tsr || ike_parse_sa(pl_sa, &cp->sa) ||
	    ike_parse_ts(pl_tsi, &cp->tsi) || ike_parse_ts(pl_tsr, &cp->tsr))
		return -1;
	return 0;
}

/* Responder: choose, narrow, install, answer.  Returns 0 or the error notify. */
uint16_t child_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b)
{
	const struct cfg_ipsec_profile *ip = sa->tunnel->ipsec;
	struct child_payloads *cp = malloc(sizeof(*cp));
	struct proposal_choice choice;
	struct ike_ts policy[2];
	struct child_sa *c = NULL;
	uint16_t err = 0;
	size_t np;

	if (!cp)
		return IKE_N_NO_ADDITIONAL_SAS;
	if (!ike_msg_find(req, IKE_PL_SA, NULL)) {
		log_info("%s: the peer asked for no CHILD SA", sa_name(sa));
		goto out;
	}
	if (parse_child(req, cp) < 0) {
		err = IKE_N_INVALID_SYNTAX;
		goto out;
	}
	if (proposal_select(ip->props, ip->nprops, cp->sa.prop, cp->sa.nprop, PROP_SKIP_DH,
			    &choice) < 0) {
		err = IKE_N_NO_PROPOSAL_CHOSEN;
		goto out;
	}
	c = child_new(sa);
	if (!c) {
		err = IKE_N_NO_ADDITIONAL_SAS;
		goto out;
	}
	np = ts_any(policy);
	c->ntsi = ts_narrow(policy, np, cp->tsi.ts, cp->tsi.nts, c->tsi, IKE_MAX_TS);
	c->ntsr = ts_narrow(policy, np, cp->tsr.ts, cp->tsr.nts, c->tsr, IKE_MAX_TS);
	if (!c->ntsi || !c->ntsr) {
		err = IKE_N_TS_UNACCEPTABLE;
		goto out;
	}
	c->suite = choice.suite;
	c->spi_out = get_u32(choice.peer_spi);
	proposal_format(&choice.reply, c->algs, sizeof(c->algs));
	if (install(sa, c) < 0) {
		err = IKE_N_NO_ADDITIONAL_SAS;
		goto out;
	}
	choice.reply.spi_size = 4;
	put_u32(choice.reply.spi, c->spi_in);
	ike_add_sa(b, &choice.reply, 1);
	ike_add_ts(b, IKE_PL_TSi, c->tsi, c->ntsi);
	ike_add_ts(b, IKE_PL_TSr, c->tsr, c->ntsr);
	c = NULL;
out:
	if (c)
		child_free(c);
	free(cp);
	return err;
}

/* Initiator: the responder's choice must be one we offered, its TS inside ours. */
uint16_t child_response(struct ike_sa *sa, struct child_sa *c, const struct ike_msg *msg)
{
	const struct cfg_ipsec_profile *ip = sa->tunnel->ipsec;
	const struct ike_payload *pl = NULL;
	struct child_payloads *cp;
	struct proposal_choice choice;
	struct ike_ts policy[2];
	struct ike_notify n;
	uint16_t err = 0;
	size_t np;

	while ((pl = ike_msg_find(msg, IKE_PL_NOTIFY, pl)))
		if (!ike_parse_notify(pl, &n) && n.type <= IKE_N_ERROR_MAX)
			return n.type;
	cp = malloc(sizeof(*cp));
	if (!cp)
		return IKE_N_NO_ADDITIONAL_SAS;
	if (parse_child(msg, cp) < 0) {
		err = IKE_N_INVALID_SYNTAX;
		goto out;
	}
	if (proposal_check_reply(ip->props, ip->nprops, cp->sa.prop, cp->sa.nprop, PROP_SKIP_DH,
				 &choice) < 0) {
		err = IKE_N_NO_PROPOSAL_CHOSEN;
		goto out;
	}
	np = ts_any(policy);
	c->ntsi = ts_narrow(policy, np, cp->tsi.ts, cp->tsi.nts, c->tsi, IKE_MAX_TS);
	c->ntsr = ts_narrow(policy, np, cp->tsr.ts, cp->tsr.nts, c->tsr, IKE_MAX_TS);
	if (!c->ntsi || !c->ntsr || c->ntsi != cp->tsi.nts || c->ntsr != cp->tsr.nts) {
		err = IKE_N_TS_UNACCEPTABLE;
		goto out;
	}
	c->suite = choice.suite;
	c->spi_out = get_u32(choice.peer_spi);
	proposal_format(&choice.reply, c->algs, sizeof(c->algs));
	if (install(sa, c) < 0)
		err = IKE_N_NO_ADDITIONAL_SAS;
out:
	free(cp);
	return err;
}
