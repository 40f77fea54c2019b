// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - dynamic VTIs: a template's clones, one per peer, and the
 * routes injected for them.  As IOS does (../shared/cisco/
 * 003_ef38c4bc03a0bd55.txt, "Dynamic Virtual Tunnel Interface Life Cycle"):
 * "The dynamic interface is created at the end of IKE Phase 1 ... The
 * interface is deleted when the IPsec session to the peer is closed. The
 * IPsec session is closed when both IKE and IPsec SAs to the peer are
 * deleted."
 *
 *  - A peer a template accepted gets its clone when IKE_AUTH has
 *    authenticated it, before its first CHILD SA is installed (on the clone).
 *    Every IKE SA with that peer under that template holds a reference (an
 *    IKE rekey's new SA too); the last one gone deletes the clone, and the
 *    kernel drops its SAs and routes with the netdev.
 *  - A clone never initiates ("no tunnel protection ipsec initiate"): no
 *    IKE_SA_INIT on ACQUIRE (its name is no configured tunnel), no rekey of
 *    either SA (rekey.c, ikerekey.c ask clone_of()); the peer rekeys.
 *  - Reverse route injection ("set reverse-route [distance N] [tag N]"):
 *    each CHILD SA's selectors on the peer's side, when narrower than any,
 *    become routes via the clone (rtnl.c), metric = distance, realm = tag.
 *    A branch offering 0.0.0.0/0 gets no route: routing to it is the
 *    operator's (or a routing protocol's) business.
 *
 * Names come from the template's clone-name, the lowest free number first,
 * as IOS numbers its Virtual-Access interfaces.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "keyer.h"

/* @pattern ("dvti%d", checked by config_keys.c) with @n in place of %d. */
static void clone_ifname(const char *pattern, unsigned int n, char *out)
{
	const char *d = strstr(pattern, "%d");

	snprintf(out, CFG_IFNAME_MAX, "%.*s%u%s", (int)(d - pattern), pattern, n, d + 2);
}

static bool name_used(struct keyer *k, const char *name)
{
	const struct clone *cl;

	LIST_FOREACH(cl, &k->clones, entry)
		if (!strcmp(cl->ifname, name))
			return true;
	return false;
}

/* The peer's identity against the template's match-identity (any if none). */
static bool identity_accepted(const struct ike_sa *sa)
{
	const struct cfg_tunnel *t = sa->tunnel;
	size_t i;

	if (!t->nmatch_id)
		return true;
	for (i = 0; i < t->nmatch_id; i++)
		if (ike_id_match(&t->match_id[i], &sa->remote_id))
			return true;
	return false;
}

int clone_attach(struct ike_sa *sa)
{
	struct keyer *k = sa->k;
	const struct cfg_tunnel *t = sa->tunnel;
	char p[ADDR_STRLEN + 8], id[IKE_ID_STRLEN];
	struct kernel_encap e;
	struct clone *cl;
	unsigned int n;
	uint16_t port;
	int ret = -EEXIST;

	if (!identity_accepted(sa)) {
		k->st.clones_refused++;
		log_warn("template %s: peer %s identity %s matches no match-identity", t->name,
			 sa_peer(sa, p), ike_id_str(&sa->remote_id, id, sizeof(id)));
		return -1;
	}
	/* One clone per peer: its address, and behind a NAT its port too,
	 * as two branches behind one NAT share the address.
	 */
	port = sa->nat_remote ? sa->rport : 0;
	LIST_FOREACH(cl, &k->clones, entry)
		if (!strcmp(cl->tmpl, t->name) && ipaddr_equal(&cl->peer, &sa->remote) &&
		    cl->port == port) {
			cl->refs++;
			goto attached;
		}
	if (!k->be->clone_add) {
		k->st.clones_refused++;
		log_warn("template %s: the %s backend has no dynamic VTIs", t->name, k->be->name);
		return -1;
	}
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return -1;
	nat_encap_of(sa, &e);
	for (n = 1; n < 100000 && ret == -EEXIST; n++) {
		clone_ifname(t->clone_name, n, cl->ifname);
		if (!name_used(k, cl->ifname))
			ret = k->be->clone_add(k->be_ctx, t->name, cl->ifname, &sa->remote, &e);
	}
	if (ret < 0) {
		k->st.clones_refused++;
		log_warn("template %s: no clone for peer %s", t->name, sa_peer(sa, p));
		free(cl);
		return -1;
	}
	snprintf(cl->tmpl, sizeof(cl->tmpl), "%s", t->name);
	cl->peer = sa->remote;
	cl->port = port;
	cl->refs = 1;
	LIST_INSERT_HEAD(&k->clones, cl, entry);
	k->st.clones_created++;
	log_info("clone %s of %s for peer %s", cl->ifname, t->name, sa_peer(sa, p));
attached:
	sa->clone = cl;
	snprintf(sa->ifname, sizeof(sa->ifname), "%s", cl->ifname);
	return 0;
}

/*
 * The NAT in front of @cl's peer mapped it to @peer, @port (nat.c): the
 * module's tunnel already points there; the keyer's record follows, so
 * that the peer's next IKE SA finds this clone, not a new one.
 */
void clone_moved(struct clone *cl, const struct ipaddr *peer, uint16_t port)
{
	char was[ADDR_STRLEN], now[ADDR_STRLEN];

	if (ipaddr_equal(&cl->peer, peer) && cl->port == port)
		return;
	log_info("clone %s: peer %s port %u now %s port %u", cl->ifname,
		 ipaddr_str(&cl->peer, was), cl->port,
		 ipaddr_str(peer, now), port);
	cl->peer = *peer;
	cl->port = port;
}

/* @n, an IKE rekey's new SA, shares @old's clone. */
void clone_share(struct ike_sa *old, struct ike_sa *n)
{
	if (!old->clone || n->clone)
		return;
	n->clone = old->clone;
	n->clone->refs++;
}

void clone_detach(struct ike_sa *sa)
{
	struct keyer *k = sa->k;
	struct clone *cl = sa->clone;
	char a[ADDR_STRLEN];

	if (!cl)
		return;
	sa->clone = NULL;
	if (--cl->refs)
		return;
	if (k->be->tunnel_del)
		k->be->tunnel_del(k->be_ctx, cl->ifname);
	log_info("clone %s of %s deleted: no SA left with peer %s (%zu route%s with it)",
		 cl->ifname, cl->tmpl, ipaddr_str(&cl->peer, a), cl->nroutes,
		 cl->nroutes == 1 ? "" : "s");
	LIST_REMOVE(cl, entry);
	free(cl);
}

static bool ts_everything(const struct ike_ts *ts)
{
	size_t i;

	for (i = 0; i < ts->alen; i++)
		if (ts->start[i] || ts->end[i] != 0xff)
			return false;
	return true;
}

/*
 * The largest prefix that starts at @start and ends at or before @end
 * (both @alen bytes); its length.  Host bits of @start below it are zero.
 */
static uint8_t largest_block(const uint8_t *start, const uint8_t *end, size_t alen)
{
	uint8_t last[16];
	unsigned int len, i, bits = (unsigned int)alen * 8;

	for (len = 0; len < bits; len++) {
		bool aligned = true;

		/* start/len must have zero host bits, start|host <= end. */
		for (i = len; i < bits && aligned; i++)
			if (start[i / 8] & (0x80 >> (i % 8)))
				aligned = false;
		if (!aligned)
			continue;
		memcpy(last, start, alen);
		for (i = len; i < bits; i++)
			last[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		if (memcmp(last, end, alen) <= 0)
			return (uint8_t)len;
	}
	return (uint8_t)bits;
}

/* @a + 2^(bits - len), in place; false on wrap. */
static bool advance(uint8_t *a, size_t alen, unsigned int len)
{
	unsigned int bit = (unsigned int)alen * 8 - len;	/* add 1 << bit */
	int byte = (int)alen - 1 - (int)(bit / 8);
	unsigned int carry = 1u << (bit % 8);

	for (; byte >= 0 && carry; byte--) {
		carry += a[byte];
		a[byte] = (uint8_t)carry;
		carry >>= 8;
	}
	return !carry;
}

static void inject(struct ike_sa *sa, struct clone *cl, const struct ipprefix *pfx)
{
	struct keyer *k = sa->k;
	const struct cfg_tunnel *t = sa->tunnel;
	char a[ADDR_STRLEN];
	size_t i;
	int ret;

	for (i = 0; i < cl->nroutes; i++)
		if (cl->routes[i].len == pfx->len && ipaddr_equal(&cl->routes[i].addr, &pfx->addr))
			return;
	if (cl->nroutes == CLONE_ROUTES_MAX) {
		log_warn("%s: more than %d networks behind the peer; %s/%u not routed",
			 cl->ifname, CLONE_ROUTES_MAX, ipaddr_str(&pfx->addr, a), pfx->len);
		return;
	}
	ret = k->be->route_add(k->be_ctx, cl->ifname, pfx, t->route_distance, t->route_tag,
			       &cl->table);
	if (ret < 0) {
		log_warn("%s: route to %s/%u not injected: %s", cl->ifname,
			 ipaddr_str(&pfx->addr, a), pfx->len,
			 ret == -EEXIST ? "the table has one with that metric already" :
			 strerror(-ret));
		return;
	}
	cl->routes[cl->nroutes++] = *pfx;
	log_info("route %s/%u via %s injected (metric %" PRIu32 ", tag %" PRIu32 ", table %"
		 PRIu32 ")", ipaddr_str(&pfx->addr, a), pfx->len, cl->ifname, t->route_distance,
		 t->route_tag, cl->table);
}

void clone_routes(struct ike_sa *sa, const struct child_sa *c)
{
	struct clone *cl = sa->clone;
	const struct ike_ts *ts = c->we_initiated ? c->tsr : c->tsi;
	size_t n = c->we_initiated ? c->ntsr : c->ntsi, i;
	struct ipprefix pfx;
	uint8_t cur[16];
	int guard;

	if (!cl || !sa->tunnel->reverse_route || !sa->k->be->route_add)
		return;
	for (i = 0; i < n; i++) {
		if ((ts[i].alen != 4 && ts[i].alen != 16) || ts_everything(&ts[i]) ||
		    memcmp(ts[i].start, ts[i].end, ts[i].alen) > 0)
			continue;
		memcpy(cur, ts[i].start, ts[i].alen);
		/* A range is at most 2 * bits prefixes; the guard bounds a bad one. */
		for (guard = 0; guard < 256; guard++) {
			memset(&pfx, 0, sizeof(pfx));
			pfx.addr.family = ts[i].alen == 4 ? AF_INET : AF_INET6;
			memcpy(pfx.addr.a, cur, ts[i].alen);
			pfx.len = largest_block(cur, ts[i].end, ts[i].alen);
			inject(sa, cl, &pfx);
			if (!advance(cur, ts[i].alen, pfx.len) ||
			    memcmp(cur, ts[i].end, ts[i].alen) > 0)
				break;
		}
	}
}

/* In an IKE SA's `sessions` object: its clone's template and routes. */
void clone_show(const struct ike_sa *sa, struct json *j)
{
	const struct clone *cl = sa->clone;
	char a[ADDR_STRLEN], r[ADDR_STRLEN + 4];
	size_t i;

	if (!cl)
		return;
	json_str(j, "template", cl->tmpl);
	json_uint(j, "route_table", cl->table);
	json_uint(j, "route_metric", sa->tunnel->route_distance);
	json_uint(j, "route_tag", sa->tunnel->route_tag);
	json_open(j, "routes", '[');
	for (i = 0; i < cl->nroutes; i++) {
		snprintf(r, sizeof(r), "%s/%u", ipaddr_str(&cl->routes[i].addr, a),
			 cl->routes[i].len);
		json_str(j, NULL, r);
	}
	json_close(j);
}
