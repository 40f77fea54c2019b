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
/* A prefix as a selector: every protocol and port. */
static void ts_from_prefix(const struct ipprefix *p, struct ike_ts *out)
{
	size_t alen = ipaddr_len(&p->addr), i;

	memset(out, 0, sizeof(*out));
	out->type = alen == 4 ? IKE_TS_IPV4_ADDR_RANGE : IKE_TS_IPV6_ADDR_RANGE;
	out->alen = (uint8_t)alen;
	out->eport = 65535;
	for (i = 0; i < alen; i++) {
		unsigned int bits = p->len > i * 8 ? p->len - i * 8 : 0;
		uint8_t host = bits >= 8 ? 0 : (uint8_t)(0xff >> bits);

		out->start[i] = p->addr.a[i] & (uint8_t)~host;
		out->end[i] = p->addr.a[i] | host;
	}
}

/*
 * Our policy for one side: the tunnel's local-networks for ours if it has
 * any (a branch offering its LAN to a hub's template), else everything.
 */
size_t ts_policy(const struct ike_sa *sa, bool ours, struct ike_ts *out)
{
	const struct cfg_tunnel *t = sa->tunnel;
	size_t i;

	if (!ours || !t->nlocal_nets)
		return ts_any(out);
	for (i = 0; i < t->nlocal_nets; i++)
		ts_from_prefix(&t->local_nets[i], &out[i]);
	return t->nlocal_nets;
}

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
	c->retire.fire = rekey_retire_fire;
	c->out_wait.fire = rekey_out_wait_fire;
	c->retry.fire = rekey_retry_fire;
	c->created_ms = loop_now();
	LIST_INSERT_HEAD(&sa->children, c, entry);
	return c;
}

/* Forget a CHILD SA whose kernel SAs are gone or never were. */
void child_free(struct child_sa *c)
{
	struct keyer *k = c->ike->k;

	struct child_sa *o;

	if (c->spi_reserved && k->be->spi_free)
		k->be->spi_free(k->be_ctx, c->ike->ifname, c->spi_in);
	timer_stop(&k->loop, &c->retire);
	timer_stop(&k->loop, &c->out_wait);
	timer_stop(&k->loop, &c->retry);
	buf_free(c->pending_out);
	buf_free(c->min_nonce);
	LIST_REMOVE(c, entry);
	/* A successor being negotiated or installed no longer replaces it. */
	LIST_FOREACH(o, &c->ike->children, entry)
		if (o->replaces == c)
			o->replaces = NULL;
	free(c);
}

void child_delete(struct child_sa *c, const char *why)
{
	struct ike_sa *sa = c->ike;
	struct keyer *k = sa->k;

	if (c->state != CHILD_S_INSTALLING) {
		/* Its successor's outbound first: the tunnel never goes without one. */
		rekey_successor_out(c);
		if (c->out_installed)
			k->be->sa_del(k->be_ctx, sa->ifname, c->kid_out);
		k->be->sa_del(k->be_ctx, sa->ifname, c->kid_in);
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
 * The ipsec-profile's proposals with our SPI.  IKE_AUTH carries them
 * without DH, which only CREATE_CHILD_SA uses (1.2: PFS groups there);
 * a rekey offers @dh, the group its KE is of, and no other.
 */
size_t child_proposals(const struct cfg_ipsec_profile *p, uint32_t spi, bool with_dh,
		       uint16_t dh, struct ike_proposal *out)
{
	size_t i, j, n;

	for (i = 0; i < p->nprops; i++) {
		out[i] = p->props[i];
		for (j = 0, n = 0; j < out[i].nxf; j++)
			if (out[i].xf[j].type != IKE_XF_DH ||
			    (with_dh && out[i].xf[j].id == dh))
				out[i].xf[n++] = out[i].xf[j];
		out[i].nxf = (uint8_t)n;
		out[i].spi_size = 4;
		put_u32(out[i].spi, spi);
	}
	return p->nprops;
}

/*
 * Nonces as 2.8.1 compares them: "lowest" read as the byte strings
 * compared lexicographically, a shorter prefix first (strongSwan and
 * libreswan agree on memcmp over the common length).
 */
int nonce_cmp(struct chunk a, struct chunk b)
{
	int r = memcmp(a.p, b.p, a.len < b.len ? a.len : b.len);

	if (r)
		return r;
	return a.len < b.len ? -1 : a.len > b.len;
}

/*
 * A soft lifetime: 85-90% of the hard one, jittered so that both ends
 * seldom rekey at once (CHILD SAs here, the IKE SA in ikerekey.c).
 */
uint64_t life_soft(uint64_t hard)
{
	uint32_t r = 0;

	if (!hard)
		return 0;
	crypto_random(&r, sizeof(r));
	return hard - hard / 10 - (hard / 20) * (r % 1001) / 1000;
}

/* @base plus up to as much again, at random: retries that should not meet. */
uint64_t delay_jittered(uint64_t base)
{
	uint32_t r = 0;

	crypto_random(&r, sizeof(r));
	return base + r % (base ? base : 1);
}

/* SA_NEW for one direction, from KEYMAT. */
static int add_dir(struct ike_sa *sa, struct child_sa *c, uint8_t dir, struct chunk enc,
		   struct chunk auth, uint32_t *kid)
{
	const struct cfg_ipsec_profile *ip = sa->tunnel->ipsec;
	struct keyer *k = sa->k;
	struct kernel_sa ks;

	memset(&ks, 0, sizeof(ks));
	ks.ifname = sa->ifname;
	ks.local = sa->local;
	ks.remote = sa->remote;
	ks.alg = &c->alg;
	ks.esn = c->suite.esn == IKE_ESN_YES;
	ks.replay_window = ip->replay_window;
	ks.life_seconds = ip->life_seconds;
	ks.life_kilobytes = ip->life_kilobytes;
	/* Outbound traffic drives the rekey: the peer's inbound limits match ours. */
	ks.soft_seconds = life_soft(ip->life_seconds);
	ks.soft_kilobytes = life_soft(ip->life_kilobytes);
	ks.idle_time = ip->idle_time;
	ks.dir = dir;
	ks.spi = dir == KVTI_DIR_IN ? c->spi_in : c->spi_out;
	ks.enc_key = enc;
	ks.auth_key = auth;
	return k->be->sa_add(k->be_ctx, &ks, kid);
}

/* The outbound SA a rekey responder held back (rekey.c), installed now. */
int child_install_out(struct child_sa *c)
{
	struct ike_sa *sa = c->ike;
	struct chunk enc, auth;
	char p[ADDR_STRLEN + 8];
	int ret;

	if (!c->pending_out)
		return 0;
	enc = (struct chunk){ c->pending_out->data, c->alg.enc_key_len };
	auth = (struct chunk){ c->pending_out->data + c->alg.enc_key_len, c->alg.auth_key_len };
	ret = add_dir(sa, c, KVTI_DIR_OUT, enc, auth, &c->kid_out);
	buf_free(c->pending_out);
	c->pending_out = NULL;
	timer_stop(&sa->k->loop, &c->out_wait);
	if (ret < 0) {
		log_warn("%s: the backend refused the outbound SA 0x%08" PRIx32, sa_name(sa),
			 c->spi_out);
		return -1;
	}
	c->out_installed = true;
	log_info("child-sa outbound switched %s peer %s spi out 0x%08" PRIx32, sa_name(sa),
		 sa_peer(sa, p), c->spi_out);
	return 0;
}

/*
 * KEYMAT (2.17: prf+(SK_d, [g^ir (new)] | Ni | Nr), Ni and Nr of the
 * exchange that creates the CHILD SA) and its kernel SAs, inbound first.
 * With @hold_out the outbound keys are kept for child_install_out() instead
 * (a rekey responder's make-before-break).  Keys are wiped before return.
 */
int child_install(struct ike_sa *sa, struct child_sa *c, struct chunk gir, struct chunk ni,
		  struct chunk nr, bool hold_out)
{
	/* ei/ai protect initiator-to-responder traffic: the exchange's roles. */
	bool init = c->we_initiated;
	struct keyer *k = sa->k;
	struct child_keys ck;
	struct chunk ein, ain, eout, aout, lo;
	char p[ADDR_STRLEN + 8];

	if (proposal_esp_kernel(&c->suite, &c->alg) < 0)
		return -1;
	if (crypto_child_keys(&ck, sa->keys.prf, sa->keys.d, gir, ni, nr, c->alg.enc_key_len,
			      c->alg.auth_key_len) < 0)
		return -1;
	ein = init ? ck.er : ck.ei;
	ain = init ? ck.ar : ck.ai;
	eout = init ? ck.ei : ck.er;
	aout = init ? ck.ai : ck.ar;
	lo = nonce_cmp(ni, nr) < 0 ? ni : nr;
	buf_free(c->min_nonce);
	c->min_nonce = buf_from(lo.p, lo.len);
	if (!c->min_nonce || nat_encap_sync(sa) < 0)
		goto err_keys;
	if (add_dir(sa, c, KVTI_DIR_IN, ein, ain, &c->kid_in) < 0)
		goto err_keys;
	c->spi_reserved = false;	/* the inbound SA owns it now */
	if (hold_out) {
		c->pending_out = buf_new(eout.len + aout.len);
		if (!c->pending_out)
			goto err_del_in;
		memcpy(c->pending_out->data, eout.p, eout.len);
		memcpy(c->pending_out->data + eout.len, aout.p, aout.len);
		c->pending_out->len = eout.len + aout.len;
	} else {
		if (add_dir(sa, c, KVTI_DIR_OUT, eout, aout, &c->kid_out) < 0)
			goto err_del_in;
		c->out_installed = true;
	}
	crypto_child_keys_clear(&ck);
	c->state = CHILD_S_INSTALLED;
	log_info("child-sa installed %s peer %s spi in 0x%08" PRIx32 " out 0x%08" PRIx32 " %s%s%s",
		 sa_name(sa), sa_peer(sa, p), c->spi_in, c->spi_out, c->algs,
		 ts_is_any(c->tsi, c->ntsi) && ts_is_any(c->tsr, c->ntsr) ? "" :
		 " (narrowed selectors)", c->replaces ? " (rekey)" : "");
	clone_routes(sa, c);
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
	struct ike_ts ts[IKE_MAX_TS];
	size_t n, nts;

	if (!props)
		return -1;
	n = child_proposals(sa->tunnel->ipsec, c->spi_in, false, 0, props);
	ike_add_sa(b, props, n);
	nts = ts_policy(sa, true, ts);
	ike_add_ts(b, IKE_PL_TSi, ts, nts);
	nts = ts_policy(sa, false, ts);
	ike_add_ts(b, IKE_PL_TSr, ts, nts);
	free(props);
	return 0;
}

int child_parse(const struct ike_msg *msg, struct child_payloads *cp)
{
	const struct ike_payload *pl_sa = ike_msg_find(msg, IKE_PL_SA, NULL);
	const struct ike_payload *pl_tsi = ike_msg_find(msg, IKE_PL_TSi, NULL);
	const struct ike_payload *pl_tsr = ike_msg_find(msg, IKE_PL_TSr, NULL);

	if (!pl_sa || !pl_tsi || !pl_tsr || ike_parse_sa(pl_sa, &cp->sa) ||
	    ike_parse_ts(pl_tsi, &cp->tsi) || ike_parse_ts(pl_tsr, &cp->tsr))
		return -1;
	return 0;
}

/*
 * Our policy narrowed to the peer's TSi and TSr (2.9), into @c; false when
 * either side has nothing left (TS_UNACCEPTABLE).  TSi is ours when
 * @we_initiated the exchange.
 */
bool child_take_ts(struct child_sa *c, const struct child_payloads *cp, bool we_initiated)
{
	struct ike_ts *policy = malloc(2 * IKE_MAX_TS * sizeof(*policy)), *pi, *pr;
	size_t npi, npr;

	if (!policy)
		return false;
	pi = policy;
	pr = policy + IKE_MAX_TS;
	npi = ts_policy(c->ike, we_initiated, pi);
	npr = ts_policy(c->ike, !we_initiated, pr);
	c->ntsi = ts_narrow(pi, npi, cp->tsi.ts, cp->tsi.nts, c->tsi, IKE_MAX_TS);
	c->ntsr = ts_narrow(pr, npr, cp->tsr.ts, cp->tsr.nts, c->tsr, IKE_MAX_TS);
	free(policy);
	return c->ntsi && c->ntsr;
}

/* Responder: choose, narrow, install, answer.  Returns 0 or the error notify. */
uint16_t child_respond(struct ike_sa *sa, const struct ike_msg *req, struct ike_builder *b)
{
	const struct cfg_ipsec_profile *ip = sa->tunnel->ipsec;
	struct child_payloads *cp = malloc(sizeof(*cp));
	struct proposal_choice choice;
	struct child_sa *c = NULL;
	uint16_t err = 0;

	if (!cp)
		return IKE_N_NO_ADDITIONAL_SAS;
	if (!ike_msg_find(req, IKE_PL_SA, NULL)) {
		log_info("%s: the peer asked for no CHILD SA", sa_name(sa));
		goto out;
	}
	if (child_parse(req, cp) < 0) {
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
	if (!child_take_ts(c, cp, false)) {
		err = IKE_N_TS_UNACCEPTABLE;
		goto out;
	}
	c->suite = choice.suite;
	c->spi_out = get_u32(choice.peer_spi);
	proposal_format(&choice.reply, c->algs, sizeof(c->algs));
	if (child_install(sa, c, (struct chunk){ NULL, 0 }, chunk_of(sa->ni), chunk_of(sa->nr),
			  false) < 0) {
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
	struct ike_notify n;
	uint16_t err = 0;

	while ((pl = ike_msg_find(msg, IKE_PL_NOTIFY, pl)))
		if (!ike_parse_notify(pl, &n) && n.type <= IKE_N_ERROR_MAX)
			return n.type;
	cp = malloc(sizeof(*cp));
	if (!cp)
		return IKE_N_NO_ADDITIONAL_SAS;
	if (child_parse(msg, cp) < 0) {
		err = IKE_N_INVALID_SYNTAX;
		goto out;
	}
	if (proposal_check_reply(ip->props, ip->nprops, cp->sa.prop, cp->sa.nprop, PROP_SKIP_DH,
				 &choice) < 0) {
		err = IKE_N_NO_PROPOSAL_CHOSEN;
		goto out;
	}
	/* The answer must lie inside what we proposed: nothing narrowed away. */
	if (!child_take_ts(c, cp, true) || c->ntsi != cp->tsi.nts || c->ntsr != cp->tsr.nts) {
		err = IKE_N_TS_UNACCEPTABLE;
		goto out;
	}
	c->suite = choice.suite;
	c->spi_out = get_u32(choice.peer_spi);
	proposal_format(&choice.reply, c->algs, sizeof(c->algs));
	c->we_initiated = true;
	if (child_install(sa, c, (struct chunk){ NULL, 0 }, chunk_of(sa->ni), chunk_of(sa->nr),
			  false) < 0)
		err = IKE_N_NO_ADDITIONAL_SAS;
out:
	free(cp);
	return err;
}
