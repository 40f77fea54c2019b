// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the IKE SA table: creation, lookup by the SPIs of a
 * message, the start of an initiation, and the end of an SA (its CHILD
 * SAs and kernel SAs first).  See ikesa.h for the lifetime rule.
 *
 * Lookup (3.1): the Initiator flag of a message says whether its sender
 * is the original initiator.  If it is, we are the responder and our SPI
 * is SPIr (0 only in an IKE_SA_INIT request, found by SPIi and address
 * when it is retransmitted); otherwise we initiated and our SPI is SPIi.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvti.h>

#include "keyer.h"

static size_t bucket(uint64_t spi)
{
	spi ^= spi >> 32;
	spi ^= spi >> 16;
	return (size_t)(spi ^ (spi >> 8)) % SA_BUCKETS;
}

static bool spi_in_use(struct keyer *k, uint64_t spi)
{
	struct ike_sa *sa;

	LIST_FOREACH(sa, &k->by_ispi[bucket(spi)], by_ispi)
		if (sa->ispi == spi)
			return true;
	LIST_FOREACH(sa, &k->by_rspi[bucket(spi)], by_rspi)
		if (sa->rspi == spi)
			return true;
	return false;
}

/* A fresh SPI of ours: random, not zero, not already one of ours. */
static int new_spi(struct keyer *k, uint64_t *spi)
{
	int tries;

	for (tries = 0; tries < 8; tries++) {
		if (crypto_random(spi, sizeof(*spi)) < 0)
			return -1;
		if (*spi && !spi_in_use(k, *spi))
			return 0;
	}
	return -1;
}

static void half_open_fire(struct timer *t)
{
	struct ike_sa *sa = container_of(t, struct ike_sa, half_open);

	sa_destroy(sa, "no IKE_AUTH after IKE_SA_INIT");
}

/*
 * An initiator's SA gets a new SPIi; a responder's takes the peer's
 * @ispi and gets a new SPIr at once (the IKE_SA_INIT answer carries it).
 */
struct ike_sa *sa_new(struct keyer *k, enum ike_role role, const struct cfg_tunnel *t,
		      const struct ipaddr *local, const struct ipaddr *remote, uint64_t ispi)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	uint64_t spi;

	if (!sa || new_spi(k, &spi) < 0) {
		free(sa);
		return NULL;
	}
	sa->k = k;
	sa->role = role;
	sa->state = role == IKE_ROLE_INITIATOR ? IKE_S_INIT_SENT : IKE_S_INIT_DONE;
	sa->tunnel = t;
	snprintf(sa->ifname, sizeof(sa->ifname), "%s", t->name);
	sa->local = *local;
	sa->remote = *remote;
	memcpy(sa->vrf, t->fvrf, sizeof(sa->vrf));
	sa->lport = sa->rport = k->cfg->ike_port;
	sa->created_ms = sa->last_recv_ms = loop_now();
	sa->half_open.fire = half_open_fire;
	sa->rekey.fire = ike_rekey_fire;
	sa->dpd.fire = dpd_fire;
	sa->natka.fire = nat_keepalive_fire;
	TAILQ_INIT(&sa->queue);
	LIST_INIT(&sa->children);
	if (role == IKE_ROLE_INITIATOR) {
		sa->ispi = spi;
	} else {
		sa->ispi = ispi;
		sa->rspi = spi;
		LIST_INSERT_HEAD(&k->by_rspi[bucket(spi)], sa, by_rspi);
		sa->hashed_rspi = true;
	}
	LIST_INSERT_HEAD(&k->by_ispi[bucket(sa->ispi)], sa, by_ispi);
	LIST_INSERT_HEAD(&k->sas, sa, all);
	return sa;
}

/* The initiator learns SPIr from the IKE_SA_INIT answer. */
void sa_set_rspi(struct ike_sa *sa, uint64_t rspi)
{
	sa->rspi = rspi;
}

struct ike_sa *sa_lookup(struct keyer *k, const struct ike_header *h,
			 const struct ipaddr *remote)
{
	struct ike_sa *sa;

	if (h->flags & IKE_FLAG_INITIATOR) {
		if (h->rspi) {
			LIST_FOREACH(sa, &k->by_rspi[bucket(h->rspi)], by_rspi)
				if (sa->rspi == h->rspi && sa->ispi == h->ispi &&
				    sa->role == IKE_ROLE_RESPONDER)
					return sa;
			return NULL;
		}
		LIST_FOREACH(sa, &k->by_ispi[bucket(h->ispi)], by_ispi)
			if (sa->ispi == h->ispi && sa->role == IKE_ROLE_RESPONDER &&
			    ipaddr_equal(&sa->remote, remote))
				return sa;
		return NULL;
	}
	LIST_FOREACH(sa, &k->by_ispi[bucket(h->ispi)], by_ispi)
		if (sa->ispi == h->ispi && sa->role == IKE_ROLE_INITIATOR &&
		    (!sa->rspi || !h->rspi || sa->rspi == h->rspi))
			return sa;
	return NULL;
}

/* The tunnel a peer's IKE_SA_INIT is for: our address and VRF, one of its peers. */
const struct cfg_tunnel *sa_tunnel_for(struct keyer *k, const char *vrf,
				       const struct ipaddr *local, const struct ipaddr *remote)
{
	const struct config *cfg = k->cfg;
	size_t i, j;

	for (i = 0; i < cfg->ntunnels; i++) {
		const struct cfg_tunnel *t = &cfg->tunnels[i];

		if (!ipaddr_equal(&t->local, local) || strcmp(t->fvrf, vrf))
			continue;
		for (j = 0; j < t->npeers; j++)
			if (ipaddr_equal(&t->peers[j].addr, remote))
				return t;
	}
	/* Then the templates, in file order: one whose match-peer has it. */
	for (i = 0; i < cfg->ntemplates; i++) {
		const struct cfg_tunnel *t = &cfg->templates[i];

		if (!ipaddr_equal(&t->local, local) || strcmp(t->fvrf, vrf))
			continue;
		if (!t->nmatch_peer)
			return t;
		for (j = 0; j < t->nmatch_peer; j++)
			if (ipprefix_contains(&t->match_peer[j], remote))
				return t;
	}
	return NULL;
}

/*
 * Responder-only (IOS "set responder-only") and a template's clones ("no
 * tunnel protection ipsec initiate") start nothing: no CHILD SA, no rekey.
 */
bool sa_never_initiates(const struct ike_sa *sa)
{
	return sa->tunnel->ipsec->responder_only || sa->tunnel->is_template;
}

const char *sa_name(const struct ike_sa *sa)
{
	return sa->ifname[0] ? sa->ifname : "-";
}

/* "ADDR[PORT]" for logs; @out has ADDR_STRLEN + 8 bytes. */
const char *sa_peer(const struct ike_sa *sa, char *out)
{
	char a[ADDR_STRLEN];

	snprintf(out, ADDR_STRLEN + 8, "%s[%u]", ipaddr_str(&sa->remote, a), sa->rport);
	return out;
}

int sa_initiate(struct keyer *k, const struct cfg_tunnel *t)
{
	char p[ADDR_STRLEN + 8];
	struct ike_xchg *x;
	struct ike_sa *sa;
	size_t pi;

	if (k->stopping)
		return -1;
	/* One being deleted does not count: `clear` makes the next at once. */
	LIST_FOREACH(sa, &k->sas, all)
		if (sa->tunnel == t && sa->state != IKE_S_DELETING)
			return 1;	/* up or on its way */
	pi = peer_current(k, t);
	if (!config_find_psk(t->ike->keyring, &t->peers[pi].addr,
			     t->ike->remote_id.type != IKE_ID_ANY ? &t->ike->remote_id : NULL)) {
		log_warn("%s: no pre-shared key for peer %s in keyring %s", t->name,
			 ipaddr_str(&t->peers[pi].addr, p), t->ike->keyring->name);
		return -1;
	}
	sa = sa_new(k, IKE_ROLE_INITIATOR, t, &t->local, &t->peers[pi].addr, 0);
	if (!sa)
		return -1;
	sa->peer_index = pi;
	x = xchg_new(sa, XCHG_IKE_SA_INIT);
	if (!x) {
		sa_destroy(sa, "out of memory");
		return -1;
	}
	log_info("ike-sa initiate %s peer %s spi 0x%016" PRIx64, sa_name(sa), sa_peer(sa, p),
		 sa->ispi);
	msg_queue(sa, x);
	return 0;
}

void sa_established(struct ike_sa *sa)
{
	char p[ADDR_STRLEN + 8], l[IKE_ID_STRLEN], r[IKE_ID_STRLEN];

	sa->state = IKE_S_ESTABLISHED;
	timer_stop(&sa->k->loop, &sa->half_open);
	ike_rekey_arm(sa);
	dpd_arm(sa, 0);
	nat_keepalive_arm(sa);
	if (!sa->tunnel->is_template)
		peer_up(sa->k, sa->tunnel);
	log_info("ike-sa up %s peer %s %s spi 0x%016" PRIx64 "/0x%016" PRIx64
		 " %s local-id %s remote-id %s%s",
		 sa_name(sa), sa_peer(sa, p),
		 sa->role == IKE_ROLE_INITIATOR ? "initiator" : "responder",
		 sa->ispi, sa->rspi, sa->algs, ike_id_str(&sa->local_id, l, sizeof(l)),
		 ike_id_str(&sa->remote_id, r, sizeof(r)),
		 sa->initial_contact ? " initial-contact" : "");
}

/*
 * Both ends initiated at once and both IKE SAs came up, each with its
 * CHILD SA (libreswan #2184): both ends must keep the same one.  As 2.8.1
 * settles a CHILD rekey collision by nonce, the IKE SA with the lower
 * initiator SPI (known to both) goes, and its initiator deletes it; the
 * other end waits for that DELETE.  Called once @sa's CHILD is in.
 */
/* Whether @a and @b are with the same peer: addresses and front-door VRF. */
static bool same_peer(const struct ike_sa *a, const struct ike_sa *b)
{
	return ipaddr_equal(&a->remote, &b->remote) && ipaddr_equal(&a->local, &b->local) &&
	       !strcmp(a->vrf, b->vrf);
}

/* ... and behind a NAT the same port too: another port is another branch. */
bool sa_same_endpoint(const struct ike_sa *a, const struct ike_sa *b)
{
	return same_peer(a, b) &&
	       (!(a->nat_remote || b->nat_remote) || a->rport == b->rport);
}

void sa_crossed(struct ike_sa *sa)
{
	char p[ADDR_STRLEN + 8];
	struct ike_sa *o, *gone;

	/* A template never initiates: two SAs are two branches (one NAT). */
	if (sa->tunnel->is_template)
		return;
	LIST_FOREACH(o, &sa->k->sas, all) {
		if (o == sa || o->tunnel != sa->tunnel || o->state != IKE_S_ESTABLISHED ||
		    !same_peer(o, sa))
			continue;
		gone = o->ispi < sa->ispi ? o : sa;
		log_info("ike-sa crossed %s peer %s: both ends initiated; spi 0x%016" PRIx64
			 " has the lower initiator SPI and goes, deleted by %s", sa_name(sa),
			 sa_peer(sa, p), gone->ispi,
			 gone->role == IKE_ROLE_INITIATOR ? "us" : "the peer");
		if (gone->role == IKE_ROLE_INITIATOR)
			sa_delete(gone);
		return;
	}
}

/* Tell the peer, then go; a half-open SA just goes. */
void sa_delete(struct ike_sa *sa)
{
	struct ike_xchg *x;

	if (sa->state == IKE_S_DELETING || sa->state == IKE_S_DEAD)
		return;
	if (sa->state != IKE_S_ESTABLISHED) {
		sa_destroy(sa, "deleted before it was up");
		return;
	}
	sa->state = IKE_S_DELETING;
	x = xchg_new(sa, XCHG_DELETE_IKE);
	if (!x) {
		sa_destroy(sa, "deleted (out of memory for DELETE)");
		return;
	}
	msg_queue(sa, x);
}

void sa_destroy(struct ike_sa *sa, const char *why)
{
	struct keyer *k = sa->k;
	char p[ADDR_STRLEN + 8];
	struct child_sa *c;
	struct ike_xchg *x;

	if (sa->state == IKE_S_DEAD)
		return;
	if (sa->state == IKE_S_ESTABLISHED || sa->state == IKE_S_DELETING ||
	    sa->state == IKE_S_REKEYED)
		log_info("ike-sa down %s peer %s spi 0x%016" PRIx64 "/0x%016" PRIx64 ": %s",
			 sa_name(sa), sa_peer(sa, p), sa->ispi, sa->rspi, why);
	else
		log_info("ike-sa failed %s peer %s spi 0x%016" PRIx64 "/0x%016" PRIx64 ": %s",
			 sa_name(sa), sa_peer(sa, p), sa->ispi, sa->rspi, why);
	while ((c = LIST_FIRST(&sa->children)))
		child_delete(c, "its IKE SA is gone");
	/* The new SA of our IKE rekey, gone before the answer: forget it there. */
	if (sa->rekey_of && sa->rekey_of->active && sa->rekey_of->active->new_sa == sa) {
		sa->rekey_of->active->new_sa = NULL;
		sa->rekey_of->ike_rekeying = false;
	}
	timer_stop(&k->loop, &sa->half_open);
	timer_stop(&k->loop, &sa->rekey);
	timer_stop(&k->loop, &sa->dpd);
	timer_stop(&k->loop, &sa->natka);
	if (sa->active) {
		xchg_free(sa->active);
		sa->active = NULL;
	}
	while ((x = TAILQ_FIRST(&sa->queue))) {
		TAILQ_REMOVE(&sa->queue, x, entry);
		xchg_free(x);
	}
	clone_detach(sa);
	LIST_REMOVE(sa, by_ispi);
	if (sa->hashed_rspi)
		LIST_REMOVE(sa, by_rspi);
	LIST_REMOVE(sa, all);
	sa->state = IKE_S_DEAD;
	LIST_INSERT_HEAD(&k->dead, sa, all);
}

/* Free what sa_destroy() unlinked; everything secret is wiped on the way. */
void sa_reap(struct keyer *k)
{
	struct ike_sa *sa;
	int i;

	while ((sa = LIST_FIRST(&k->dead))) {
		LIST_REMOVE(sa, all);
		dh_free(sa->dh);
		buf_free(sa->ni);
		buf_free(sa->nr);
		for (i = 0; i < 2; i++)
			buf_free(sa->init_msg[i]);
		buf_free(sa->cookie);
		buf_free(sa->last_response);
		crypto_ike_keys_clear(&sa->keys);
		free(sa);
	}
}

/* INITIAL_CONTACT goes out when no other IKE SA with this peer exists. */
bool sa_first_to_peer(const struct ike_sa *sa)
{
	const struct ike_sa *o;

	LIST_FOREACH(o, &sa->k->sas, all)
		if (o != sa && same_peer(o, sa))
			return false;
	return true;
}

/*
 * The peer says this is its only IKE SA with us (2.4): the others with
 * the same addresses, VRF and identity are stale (it restarted).  They go
 * without a DELETE, which the peer could not read anyway.
 */
size_t sa_initial_contact(struct ike_sa *sa)
{
	struct ike_sa *o, *next;
	size_t n = 0;

	for (o = LIST_FIRST(&sa->k->sas); o; o = next) {
		next = LIST_NEXT(o, all);
		if (o == sa || !same_peer(o, sa))
			continue;
		if (o->state < IKE_S_ESTABLISHED || o->remote_id.type != sa->remote_id.type ||
		    o->remote_id.len != sa->remote_id.len ||
		    memcmp(o->remote_id.data, sa->remote_id.data, o->remote_id.len))
			continue;
		/* sa_destroy() moves @o to the dead list: @next stays valid. */
		sa_destroy(o, "replaced: the peer sent INITIAL_CONTACT");
		n++;
	}
	return n;
}

static const char *state_name(enum ike_state s)
{
	static const char *const names[] = {
		[IKE_S_INIT_SENT] = "init-sent", [IKE_S_INIT_DONE] = "init-done",
		[IKE_S_AUTH_SENT] = "auth-sent", [IKE_S_ESTABLISHED] = "established",
		[IKE_S_REKEYED] = "rekeyed", [IKE_S_DELETING] = "deleting",
		[IKE_S_DEAD] = "dead",
	};

	return (size_t)s < ARRAY_SIZE(names) ? names[s] : "?";
}

static void show_ts(struct json *j, const char *key, const struct ike_ts *ts, size_t n)
{
	char s[128];
	size_t i;

	json_open(j, key, '[');
	for (i = 0; i < n; i++)
		json_str(j, NULL, ts_str(&ts[i], s, sizeof(s)));
	json_close(j);
}

/* `show`: every IKE SA with its CHILD SAs. */
void sa_show(struct keyer *k, struct json *j)
{
	char a[ADDR_STRLEN], id[IKE_ID_STRLEN];
	uint64_t now = loop_now();
	struct child_sa *c;
	struct ike_sa *sa;

	json_open(j, "ike_sas", '[');
	LIST_FOREACH(sa, &k->sas, all) {
		json_open(j, NULL, '{');
		json_str(j, "tunnel", sa_name(sa));
		json_str(j, "local", ipaddr_str(&sa->local, a));
		json_uint(j, "local_port", sa->lport);
		json_str(j, "peer", ipaddr_str(&sa->remote, a));
		json_uint(j, "peer_port", sa->rport);
		if (sa->vrf[0])
			json_str(j, "fvrf", sa->vrf);
		json_str(j, "role", sa->role == IKE_ROLE_INITIATOR ? "initiator" : "responder");
		json_str(j, "state", state_name(sa->state));
		json_hex64(j, "spi_i", sa->ispi);
		json_hex64(j, "spi_r", sa->rspi);
		json_str(j, "algorithms", sa->algs);
		json_str(j, "local_id", sa->local_id.type ? ike_id_str(&sa->local_id, id, sizeof(id)) : "");
		json_str(j, "remote_id", sa->remote_id.type ? ike_id_str(&sa->remote_id, id, sizeof(id)) : "");
		json_bool(j, "nat_local", sa->nat_local);
		json_bool(j, "nat_remote", sa->nat_remote);
		json_bool(j, "initial_contact", sa->initial_contact);
		json_uint(j, "age", (now - sa->created_ms) / 1000);
		clone_show(sa, j);
		json_open(j, "child_sas", '[');
		LIST_FOREACH(c, &sa->children, entry) {
			json_open(j, NULL, '{');
			json_str(j, "state", c->state == CHILD_S_INSTALLED ? "installed" :
					     c->state == CHILD_S_INSTALLING ? "installing" :
					     c->state == CHILD_S_DELETING ? "deleting" : "rekeying");
			json_hex32(j, "spi_in", c->spi_in);
			json_hex32(j, "spi_out", c->spi_out);
			json_str(j, "algorithms", c->algs);
			json_bool(j, "esn", c->suite.esn == IKE_ESN_YES);
			show_ts(j, "ts_i", c->tsi, c->ntsi);
			show_ts(j, "ts_r", c->tsr, c->ntsr);
			json_uint(j, "age", (now - c->created_ms) / 1000);
			json_close(j);
		}
		json_close(j);
		json_close(j);
	}
	json_close(j);
}

/*
 * The ipsec-profile's idle-time (IOS "set security-association idletime"):
 * one of the CHILD's kernel SAs carried nothing for that long.  If the
 * other direction did not either, the CHILD SA is deleted over IKE, and
 * when it was the IKE SA's last, the IKE SA goes too (info.c); the next
 * attempt then goes to the default peer (peer.c).
 */
static void child_idle(struct child_sa *c, uint32_t id)
{
	struct ike_sa *sa = c->ike;
	struct keyer *k = sa->k;
	uint32_t other = id == c->kid_in ? c->kid_out : c->kid_in;
	uint32_t idle_time = sa->tunnel->ipsec->idle_time;
	struct ike_xchg *x;
	uint64_t idle;

	if (k->be->sa_idle && (other != c->kid_out || c->out_installed) &&
	    k->be->sa_idle(k->be_ctx, sa->ifname, other, &idle) == 0 && idle < idle_time)
		return;	/* traffic the other way: not idle */
	log_info("child-sa idle %s spi in 0x%08" PRIx32 " out 0x%08" PRIx32
		 ": no traffic for %" PRIu32 " s, deleting", sa_name(sa), c->spi_in, c->spi_out,
		 idle_time);
	x = xchg_new(sa, XCHG_DELETE_CHILD);
	if (!x)
		return;
	c->state = CHILD_S_DELETING;
	x->spi = c->spi_in;
	x->idle = true;
	msg_queue(sa, x);
}

/*
 * Invalid-SPI recovery (IOS "crypto isakmp invalid-spi-recovery", off by
 * default: ../shared/cisco/003_ef38c4bc03a0bd55.txt, "Invalid Security
 * Parameter Index Recovery"): ESP came from a peer with an SPI the module
 * does not know.  Over the IKE SA with that peer, an INFORMATIONAL with
 * N(INVALID_SPI) tells it, at most one per INVALID_SPI_GAP_MS per IKE SA;
 * with no IKE SA, one is started (its INITIAL_CONTACT clears the peer's
 * stale SAs).  The module rate-limits the events themselves.
 */
#define INVALID_SPI_GAP_MS	10000

static void invalid_spi(struct keyer *k, const struct backend_event *ev)
{
	const struct cfg_tunnel *t = config_find_tunnel(k->cfg, ev->ifname);
	char a[ADDR_STRLEN];
	struct ike_xchg *x;
	struct ike_sa *sa;
	uint64_t now = loop_now();
	size_t i;

	ipaddr_str(&ev->src, a);
	if (!k->cfg->invalid_spi_recovery) {
		log_debug("kernel: unknown SPI 0x%08" PRIx32 " from %s on %s (recovery off)",
			  ev->spi, a, ev->ifname);
		return;
	}
	LIST_FOREACH(sa, &k->sas, all) {
		if (sa->state != IKE_S_ESTABLISHED || strcmp(sa->ifname, ev->ifname) ||
		    !ipaddr_equal(&sa->remote, &ev->src))
			continue;
		if (sa->invalid_spi_ms && now - sa->invalid_spi_ms < INVALID_SPI_GAP_MS)
			return;
		x = xchg_new(sa, XCHG_INVALID_SPI);
		if (!x)
			return;
		sa->invalid_spi_ms = now;
		x->spi = ev->spi;
		log_info("invalid-spi %s peer %s: ESP with unknown SPI 0x%08" PRIx32
			 "; telling the peer", sa_name(sa), a, ev->spi);
		msg_queue(sa, x);
		return;
	}
	if (!t || t->ipsec->responder_only)
		return;
	for (i = 0; i < t->npeers && !ipaddr_equal(&t->peers[i].addr, &ev->src); i++)
		;
	if (i == t->npeers)
		return;
	log_info("invalid-spi %s peer %s: ESP with unknown SPI 0x%08" PRIx32
		 " and no IKE SA; initiating one", t->name, a, ev->spi);
	sa_initiate(k, t);
}

/*
 * The backend's events: a hard expiry takes its CHILD SA down over IKE;
 * an ACQUIRE (traffic on a tunnel without an SA) starts an initiation.
 */
void kernel_event(struct keyer *k, const struct backend_event *ev)
{
	const struct cfg_tunnel *t;
	struct ike_xchg *x;
	struct child_sa *c;
	struct ike_sa *sa;

	switch (ev->kind) {
	case BE_EV_EXPIRE:
		if (!ev->hard) {
			/* Soft: rekey (CREATE_CHILD_SA), unless responder-only. */
			LIST_FOREACH(sa, &k->sas, all)
				LIST_FOREACH(c, &sa->children, entry)
					if (c->kid_in == ev->id ||
					    (c->out_installed && c->kid_out == ev->id)) {
						rekey_child(c, "soft lifetime");
						return;
					}
			return;
		}
		LIST_FOREACH(sa, &k->sas, all)
			LIST_FOREACH(c, &sa->children, entry)
				if ((c->kid_in == ev->id ||
				     (c->out_installed && c->kid_out == ev->id)) &&
				    c->state == CHILD_S_INSTALLED) {
					c->state = CHILD_S_DELETING;
					x = xchg_new(sa, XCHG_DELETE_CHILD);
					if (x) {
						x->spi = c->spi_in;
						msg_queue(sa, x);
					}
					return;
				}
		return;
	case BE_EV_IDLE:
		LIST_FOREACH(sa, &k->sas, all)
			LIST_FOREACH(c, &sa->children, entry)
				if ((c->kid_in == ev->id ||
				     (c->out_installed && c->kid_out == ev->id)) &&
				    c->state == CHILD_S_INSTALLED) {
					child_idle(c, ev->id);
					return;
				}
		return;
	case BE_EV_ACQUIRE:
		t = ev->ifname ? config_find_tunnel(k->cfg, ev->ifname) : NULL;
		if (!t || t->ipsec->responder_only)
			return;
		/* An IKE SA without a CHILD SA (deleted alone): make one on it. */
		LIST_FOREACH(sa, &k->sas, all)
			if (sa->tunnel == t && sa->state == IKE_S_ESTABLISHED) {
				if (!child_live(sa))
					child_create(sa, "traffic (ACQUIRE) and no CHILD SA");
				return;
			}
		sa_initiate(k, t);
		return;
	case BE_EV_INVALID_SPI:
		invalid_spi(k, ev);
		return;
	}
}
