// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - SIGHUP: read the configuration again and apply it tunnel by
 * tunnel, with one log line per decision.
 *
 *   unchanged  its IKE and CHILD SAs stay as they are; they are pointed at
 *              the new file's copy of the tunnel
 *   removed    its IKE SA is deleted with a DELETE (CHILD SAs and kernel
 *              SAs with it)
 *   changed    (addresses, peers, profiles or what they hold, keys) deleted
 *              as if removed, then brought up again as if added
 *   added      its kernel SAs flushed (a previous keyer's), then initiated
 *              as at start, unless --passive or responder-only
 *
 * Templates are matched the same way; their clones' SAs follow them.
 *
 * A file that does not parse changes nothing: the error (FILE:LINE: what)
 * is logged and the old configuration stays.  Globals that only a restart
 * can apply (ports, control socket) keep their old values, with a warning.
 *
 * The old configuration cannot be freed at once: an SA being deleted
 * still reads its tunnel and profiles (proposals, keys) until its DELETE is
 * answered.  Replaced configurations are kept on k->retired and freed by
 * reload_reap() once no SA points into them any more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "keyer.h"

static bool buf_same(const struct buf *a, const struct buf *b)
{
	if (!a || !b)
		return a == b;
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

static bool id_same(const struct ike_id *a, const struct ike_id *b)
{
	return a->type == b->type && a->wildcard == b->wildcard && a->len == b->len &&
	       !memcmp(a->data, b->data, a->len);
}

static bool addr_same(const struct ipaddr *a, const struct ipaddr *b)
{
	return a->family == b->family && (!a->family || ipaddr_equal(a, b));
}

static bool prefix_same(const struct ipprefix *a, const struct ipprefix *b)
{
	return a->len == b->len && addr_same(&a->addr, &b->addr);
}

/* Proposals compare by their printed form: what the peer is offered. */
static bool props_same(const struct ike_proposal *a, size_t na,
		       const struct ike_proposal *b, size_t nb)
{
	char sa[256], sb[256];
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (proposal_format(&a[i], sa, sizeof(sa)) < 0 ||
		    proposal_format(&b[i], sb, sizeof(sb)) < 0 || strcmp(sa, sb))
			return false;
	}
	return true;
}

static bool keyring_same(const struct cfg_keyring *a, const struct cfg_keyring *b)
{
	size_t i;

	if (strcmp(a->name, b->name) || a->npeers != b->npeers)
		return false;
	for (i = 0; i < a->npeers; i++) {
		const struct cfg_psk *p = &a->peers[i], *q = &b->peers[i];

		if (p->by_id != q->by_id || !prefix_same(&p->prefix, &q->prefix) ||
		    !id_same(&p->id, &q->id) || !buf_same(p->local, q->local) ||
		    !buf_same(p->remote, q->remote))
			return false;
	}
	return true;
}

static bool ike_same(const struct cfg_ike_profile *a, const struct cfg_ike_profile *b)
{
	return !strcmp(a->name, b->name) && props_same(a->props, a->nprops, b->props, b->nprops) &&
	       a->lifetime == b->lifetime && id_same(&a->local_id, &b->local_id) &&
	       id_same(&a->remote_id, &b->remote_id) && a->dpd == b->dpd &&
	       a->dpd_interval == b->dpd_interval && a->dpd_retries == b->dpd_retries;
}

static bool ipsec_same(const struct cfg_ipsec_profile *a, const struct cfg_ipsec_profile *b)
{
	return !strcmp(a->name, b->name) && props_same(a->props, a->nprops, b->props, b->nprops) &&
	       a->pfs == b->pfs && a->life_seconds == b->life_seconds &&
	       a->life_kilobytes == b->life_kilobytes && a->replay_window == b->replay_window &&
	       a->idle_time == b->idle_time && a->responder_only == b->responder_only;
}

/* What differs between two versions of a tunnel, in a word; NULL: nothing. */
static const char *tunnel_change(const struct cfg_tunnel *a, const struct cfg_tunnel *b)
{
	size_t i;

	if (!addr_same(&a->local, &b->local))
		return "local address";
	if (strcmp(a->fvrf, b->fvrf))
		return "fvrf";
	if (a->npeers != b->npeers)
		return "peers";
	for (i = 0; i < a->npeers; i++)
		if (!addr_same(&a->peers[i].addr, &b->peers[i].addr) ||
		    a->peers[i].is_default != b->peers[i].is_default)
			return "peers";
	if (a->nmatch_peer != b->nmatch_peer || a->nmatch_id != b->nmatch_id)
		return "match rules";
	for (i = 0; i < a->nmatch_peer; i++)
		if (!prefix_same(&a->match_peer[i], &b->match_peer[i]))
			return "match rules";
	for (i = 0; i < a->nmatch_id; i++)
		if (!id_same(&a->match_id[i], &b->match_id[i]))
			return "match rules";
	if (a->nlocal_nets != b->nlocal_nets)
		return "local-networks";
	for (i = 0; i < a->nlocal_nets; i++)
		if (!prefix_same(&a->local_nets[i], &b->local_nets[i]))
			return "local-networks";
	if (strcmp(a->clone_name, b->clone_name) || a->reverse_route != b->reverse_route ||
	    a->route_distance != b->route_distance || a->route_tag != b->route_tag)
		return "clones and routes";
	if (!ike_same(a->ike, b->ike))
		return "ike-profile";
	if (!keyring_same(a->ike->keyring, b->ike->keyring))
		return "keyring";
	if (!ipsec_same(a->ipsec, b->ipsec))
		return "ipsec-profile";
	return NULL;
}

static const struct cfg_tunnel *find(const struct config *cfg, bool tmpl, const char *name)
{
	const struct cfg_tunnel *v = tmpl ? cfg->templates : cfg->tunnels;
	size_t i, n = tmpl ? cfg->ntemplates : cfg->ntunnels;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* Does @t live in @cfg's arrays? */
static bool owns(const struct config *cfg, const struct cfg_tunnel *t)
{
	return (t >= cfg->tunnels && t < cfg->tunnels + cfg->ntunnels) ||
	       (t >= cfg->templates && t < cfg->templates + cfg->ntemplates);
}

/* Delete (with DELETE) every IKE SA of @t, clones of a template included. */
static size_t delete_sas(struct keyer *k, const struct cfg_tunnel *t)
{
	struct ike_sa *sa, *next;
	size_t n = 0;

	for (sa = LIST_FIRST(&k->sas); sa; sa = next) {
		next = LIST_NEXT(sa, all);
		if (sa->tunnel != t)
			continue;
		/* sa_delete() may destroy at once: @next stays valid (dead list). */
		sa_delete(sa);
		n++;
	}
	return n;
}

static void repoint(struct keyer *k, const struct cfg_tunnel *from, const struct cfg_tunnel *to)
{
	struct ike_sa *sa;

	LIST_FOREACH(sa, &k->sas, all)
		if (sa->tunnel == from)
			sa->tunnel = to;
}

static size_t count_sas(struct keyer *k, const struct cfg_tunnel *t)
{
	struct ike_sa *sa;
	size_t n = 0;

	LIST_FOREACH(sa, &k->sas, all)
		if (sa->tunnel == t)
			n++;
	return n;
}

/* A tunnel new to the daemon (added, or changed and torn down): bring it up. */
static void bring_up(struct keyer *k, const struct cfg_tunnel *t, const char *what,
		     const char *why)
{
	const char *kind = t->is_template ? "template" : "tunnel";

	if (t->is_template)
		log_info("reload: %s %s %s%s: accepting peers", kind, t->name, what, why);
	else if (t->ipsec->responder_only)
		log_info("reload: %s %s %s%s: responder-only, waiting for the peer", kind,
			 t->name, what, why);
	else if (k->passive)
		log_info("reload: %s %s %s%s: passive, waiting for `up` or the peer", kind,
			 t->name, what, why);
	else {
		log_info("reload: %s %s %s%s: initiating", kind, t->name, what, why);
		sa_initiate(k, t);
	}
}

/* Globals only a restart applies: keep the running values. */
static void keep_restart_only(const struct config *old, struct config *cfg)
{
	if (old->ike_port != cfg->ike_port || old->natt_port != cfg->natt_port) {
		log_warn("reload: ike-port and nat-t-port need a restart; keeping %u/%u",
			 old->ike_port, old->natt_port);
		cfg->ike_port = old->ike_port;
		cfg->natt_port = old->natt_port;
	}
	if (strcmp(old->control, cfg->control)) {
		log_warn("reload: control-socket needs a restart; keeping %s", old->control);
		memcpy(cfg->control, old->control, sizeof(cfg->control));
	}
}

/* Apply @cfg's tunnels (or templates) against @old's. */
static void apply(struct keyer *k, const struct config *old, const struct config *cfg,
		  bool tmpl)
{
	const struct cfg_tunnel *ov = tmpl ? old->templates : old->tunnels;
	const struct cfg_tunnel *nv = tmpl ? cfg->templates : cfg->tunnels;
	size_t i, no = tmpl ? old->ntemplates : old->ntunnels;
	size_t nn = tmpl ? cfg->ntemplates : cfg->ntunnels;
	const char *kind = tmpl ? "template" : "tunnel";
	const char *why;
	char because[64];

	for (i = 0; i < no; i++) {
		const struct cfg_tunnel *o = &ov[i], *t = find(cfg, tmpl, o->name);
		size_t n;

		if (!t) {
			n = delete_sas(k, o);
			log_info("reload: %s %s removed: %zu IKE SA%s deleted", kind, o->name, n,
				 n == 1 ? "" : "s");
			continue;
		}
		why = tunnel_change(o, t);
		if (!why) {
			n = count_sas(k, o);
			repoint(k, o, t);
			log_info("reload: %s %s unchanged: %zu IKE SA%s kept", kind, o->name, n,
				 n == 1 ? "" : "s");
			continue;
		}
		n = delete_sas(k, o);
		if (strcmp(o->fvrf, t->fvrf) && k->be->tunnel_link)
			k->be->tunnel_link(k->be_ctx, t->name, t->fvrf);
		snprintf(because, sizeof(because), " (%s; %zu IKE SA%s deleted)", why, n,
			 n == 1 ? "" : "s");
		bring_up(k, t, "changed", because);
	}
	for (i = 0; i < nn; i++) {
		if (find(old, tmpl, nv[i].name))
			continue;
		/* As at start: SAs a previous keyer left on it are nobody's. */
		if (!tmpl && k->be->tunnel_flush)
			k->be->tunnel_flush(k->be_ctx, nv[i].name);
		if (nv[i].fvrf[0] && k->be->tunnel_link)
			k->be->tunnel_link(k->be_ctx, nv[i].name, nv[i].fvrf);
		bring_up(k, &nv[i], "added", "");
	}
}

void reload(struct keyer *k, const char *path)
{
	struct config *cfg, *old = k->cfg, **v;
	char err[512];

	if (k->stopping)
		return;
	log_info("reload: reading %s", path);
	cfg = config_load(path, err, sizeof(err));
	if (!cfg) {
		log_err("reload: %s; keeping the running configuration", err);
		return;
	}
	v = realloc(k->retired, (k->nretired + 1) * sizeof(*v));
	if (!v) {
		log_err("reload: out of memory; keeping the running configuration");
		config_free(cfg);
		return;
	}
	k->retired = v;
	keep_restart_only(old, cfg);
	k->cfg = cfg;
	/* New local addresses need sockets before anything is sent from them. */
	if (net_update(k) < 0)
		log_warn("reload: not listening on every new local address (see above)");
	apply(k, old, cfg, false);
	apply(k, old, cfg, true);
	k->retired[k->nretired++] = old;
	log_info("reload: done: %zu tunnels, %zu templates", cfg->ntunnels, cfg->ntemplates);
	reload_reap(k);
}

/* Free replaced configurations no SA refers to any more. */
void reload_reap(struct keyer *k)
{
	struct ike_sa *sa;
	size_t i = 0;

	while (i < k->nretired) {
		bool used = false;

		LIST_FOREACH(sa, &k->sas, all)
			if (owns(k->retired[i], sa->tunnel))
				used = true;
		LIST_FOREACH(sa, &k->dead, all)
			if (owns(k->retired[i], sa->tunnel))
				used = true;
		if (used) {
			i++;
			continue;
		}
		config_free(k->retired[i]);
		k->retired[i] = k->retired[--k->nretired];
	}
	if (!k->nretired) {
		free(k->retired);
		k->retired = NULL;
	}
}
