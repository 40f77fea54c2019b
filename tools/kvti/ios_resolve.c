// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: from the model read to what is written.
 *
 * ios_resolve() follows the references of each IPsec tunnel (its ipsec
 * profile, the IKE profile behind it, keyrings, transform sets, the
 * interface its source names, the addresses of its peers) and reports
 * what is missing; it names the keyer.conf objects and works out their
 * settings, so that the writers (ios_write.c) only print.  Only objects
 * a tunnel uses are written.
 *
 *   interface TunnelN           tunnel vtiN { ... }, kvti tunnel add vtiN
 *   interface Virtual-TemplateN template vtN { ... }, kvti tunnel add vtN
 *     type tunnel                 ... template; clones dvti1, dvti2, ...
 *     tunnel vrf V                fvrf = V, ... dev V (ios_vrf.c)
 *   crypto ipsec profile P      ipsec-profile P
 *   crypto ikev2 profile P      ike-profile P
 *   crypto isakmp profile P     ike-profile P (IKEv2 with the same settings)
 *   no isakmp profile           ike-profile ikev1-default: the isakmp
 *                               policies, keys and keepalive
 *   ip route N M TunnelN        ip route add N/LEN dev vtiN
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "ios.h"

#define DEFAULT_IKEV1	"ikev1-default"

/* --- names -------------------------------------------------------------- */

static bool ike_taken(const struct ios *ios, const char *name)
{
	size_t i;

	for (i = 0; i < ios->nikeprofs; i++)
		if (!strcmp(ios->ikeprofs[i].out, name))
			return true;
	return false;
}

static bool ipsec_taken(const struct ios *ios, const char *name)
{
	size_t i;

	for (i = 0; i < ios->nipsecprofs; i++)
		if (!strcmp(ios->ipsecprofs[i].out, name))
			return true;
	return false;
}

static bool keyring_taken(const struct ios *ios, const char *name)
{
	size_t i;

	for (i = 0; i < ios->nkeyrings; i++)
		if (!strcmp(ios->keyrings[i].out, name))
			return true;
	for (i = 0; i < ios->nmerged; i++)
		if (!strcmp(ios->merged[i].out, name))
			return true;
	return false;
}

/*
 * A keyer.conf name for an IOS one: letters, digits, '-', '_', '.', at
 * most 31 characters, unique among its kind ("-2", "-3"... if not).
 */
static void out_name(struct ios *ios, char *out, const char *in, int line,
		     bool (*taken)(const struct ios *, const char *))
{
	char base[IOS_KNAME], cand[IOS_KNAME];
	size_t i, len = strlen(in);
	int n = 2;

	if (len > IOS_KNAME - 4)
		len = IOS_KNAME - 4;
	for (i = 0; i < len; i++) {
		char c = in[i];

		base[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ? c : '-';
	}
	base[len] = '\0';
	if (!len || !strcmp(base, ".") || !strcmp(base, ".."))
		snprintf(base, sizeof(base), "ios");
	/* @out is the object's own slot, still empty: it takes no name from itself */
	out[0] = '\0';
	snprintf(cand, sizeof(cand), "%s", base);
	while (taken(ios, cand) && n < 1000)
		snprintf(cand, sizeof(cand), "%.24s-%d", base, n++ % 1000);
	memcpy(out, cand, sizeof(cand));
	if (strcmp(out, in))
		ios_note(ios, line, "%s is called %s in keyer.conf", in, out);
}

/* --- addresses ---------------------------------------------------------- */

static const char *fam_name(int family)
{
	return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* An address or an "ip host" name of the file, of @family. */
static bool host_addr(struct ios *ios, const char *host, int family, int line,
		      const char *what, struct ios_addr *out)
{
	const struct ios_addr *h;

	if (ios_parse_addr(host, out)) {
		h = ios_host_find(ios, host);
		if (!h) {
			ios_unresolved(ios, line, "%s %s: kvti needs an address (no ip host %s "
				       "in the file)", what, host, host);
			return false;
		}
		*out = *h;
	}
	if (out->family != family) {
		ios_unresolved(ios, line, "%s %s: not %s, as the tunnel mode says", what, host,
			       fam_name(family));
		return false;
	}
	out->plen = family == AF_INET ? 32 : 128;
	return true;
}

/* An interface's address of @family: the primary IPv4, the first global IPv6. */
static bool iface_addr(struct ios *ios, const char *ref, int family, int line,
		       const char *what, struct ios_addr *out)
{
	struct ios_iface *f = ios_iface_find(ios, ref);
	int i;

	if (!f) {
		ios_unresolved(ios, line, "%s %s: no interface %s in the file", what, ref, ref);
		return false;
	}
	if (family == AF_INET && f->naddr4) {
		*out = f->addr4[0];
		out->plen = 32;
		return true;
	}
	for (i = 0; family == AF_INET6 && i < f->naddr6; i++) {
		if (f->addr6[i].a[0] == 0xfe && (f->addr6[i].a[1] & 0xc0) == 0x80)
			continue;
		*out = f->addr6[i];
		out->plen = 128;
		return true;
	}
	ios_unresolved(ios, line, "%s %s: %s has no %s address in the file%s", what, ref,
		       f->name, fam_name(family),
		       family == AF_INET && f->addr_dynamic ? " (it is dhcp or negotiated)" : "");
	return false;
}

static bool source_addr(struct ios *ios, const char *ref, int family, int line,
			const char *what, struct ios_addr *out)
{
	if (!ios_parse_addr(ref, out)) {
		if (out->family == family)
			return true;
		ios_unresolved(ios, line, "%s %s: not %s, as the tunnel mode says", what, ref,
			       fam_name(family));
		return false;
	}
	return iface_addr(ios, ref, family, line, what, out);
}

/* --- the objects a tunnel uses ------------------------------------------ */

static void append(char *buf, size_t len, const char *sep, const char *word)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? sep : "", word);
}

static bool has_item(const char *list, const char *item)
{
	size_t n = strlen(item);
	const char *p = list;

	while ((p = strstr(p, item))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static void resolve_ipsec(struct ios *ios, struct ios_ipsecprof *p)
{
	char one[64];
	int i;

	out_name(ios, p->out, p->name, p->line, ipsec_taken);
	for (i = 0; i < p->ntsets; i++) {
		struct ios_tset *t = ios_tset_find(ios, p->tsets[i]);

		if (!t || !t->usable)
			continue;
		snprintf(one, sizeof(one), "%s%s%s", t->enc, t->integ ? "-" : "",
			 t->integ ? t->integ : "");
		if (!has_item(p->props_out, one))
			append(p->props_out, sizeof(p->props_out), ", ", one);
	}
	if (!p->ntsets) {
		ios_note(ios, p->line, "crypto ipsec profile %s has no transform set: IOS's "
			 "defaults (esp-aes esp-sha-hmac, esp-3des esp-sha-hmac)", p->name);
		snprintf(p->props_out, sizeof(p->props_out), "aes128-sha1, 3des-sha1");
	}
	if (!p->props_out[0])
		return;		/* its transform sets were reported */
	p->life_s_out = p->life_s ? p->life_s : ios->life_s ? ios->life_s : 3600;
	p->life_kb_out = p->life_kb ? p->life_kb : ios->life_kb ? ios->life_kb : 4608000;
	p->replay_out = p->replay >= 0 ? p->replay : ios->replay;
	p->idle_out = p->idle ? p->idle : ios->idle;
	p->usable = true;
}

/* A keyring made for the output: @kr's keys added to it, each selector once. */
static void merge_into(struct ios_keyring *to, const struct ios_keyring *kr)
{
	struct ios_psk *p;
	size_t i, j;

	for (i = 0; i < kr->npsk; i++) {
		for (j = 0; j < to->npsk && strcmp(to->psk[j].sel, kr->psk[i].sel); j++)
			;
		if (j < to->npsk)
			continue;
		p = ios_grow(&to->psk, &to->npsk, &to->cap, sizeof(*p));
		*p = kr->psk[i];
		p->local = ios_strdup(kr->psk[i].local);
		p->remote = ios_strdup(kr->psk[i].remote);
	}
}

/*
 * The keyring of an IKE profile: the one it names, all it names merged
 * into one, or for IKEv1 without one every crypto keyring and the crypto
 * isakmp keys, as IOS searches them; keys in an IKEv2 profile itself make
 * a keyring for any peer.
 */
static bool resolve_keyring(struct ios *ios, struct ios_ikeprof *k)
{
	const struct ios_keyring *use[IOS_LIST + 1];
	struct ios_keyring *kr;
	const char *vrf = "";
	struct ios_psk *p;
	size_t i, n = 0;

	if (k->psk_local || k->psk_remote) {
		if (!k->psk_local || !k->psk_remote) {
			ios_unresolved(ios, k->psk_line, "crypto ikev2 profile %s: a key for "
				       "authentication %s pre-share too is needed", k->name,
				       k->psk_local ? "remote" : "local");
			return false;
		}
		kr = ios_grow(&ios->merged, &ios->nmerged, &ios->cap_merged, sizeof(*kr));
		snprintf(kr->name, sizeof(kr->name), "%s-keys", k->out);
		kr->line = k->psk_line;
		out_name(ios, kr->out, kr->name, 0, keyring_taken);
		p = ios_grow(&kr->psk, &kr->npsk, &kr->cap, sizeof(*p));
		p->line = k->psk_line;
		snprintf(p->sel, sizeof(p->sel), "any");
		p->local = ios_strdup(k->psk_local);
		p->remote = ios_strdup(k->psk_remote);
		snprintf(k->keyring_out, sizeof(k->keyring_out), "%s", kr->out);
		return true;
	}
	for (i = 0; i < (size_t)k->nkeyrings; i++) {
		kr = ios_keyring_find(ios, k->keyrings[i], k->ikev2);
		if (!kr) {
			ios_unresolved(ios, k->keyring_line, "keyring %s: no crypto %skeyring %s in "
				       "the file", k->keyrings[i], k->ikev2 ? "ikev2 " : "",
				       k->keyrings[i]);
			return false;
		}
		use[n++] = kr;
	}
	if (!n && k->ikev2) {
		ios_unresolved(ios, k->line, "crypto ikev2 profile %s has no keyring local",
			       k->name);
		return false;
	}
	if (!n && !ios_vrf_of_profile(ios, k, &vrf))
		return false;
	for (i = 0; !n && i < ios->nkeyrings && n < IOS_LIST + 1; i++) {
		kr = &ios->keyrings[i];
		if (kr->ikev2 || !kr->npsk)
			continue;
		if (!strcmp(kr->vrf, vrf))
			use[n++] = kr;
		else if (vrf[0] && !kr->vrf[0])
			ios_note(ios, kr->line, "crypto %s%s: global keys, which IOS does not use "
				 "for IKE in vrf %s: left out of %s", kr == ios->keyrings ?
				 "isakmp key" : "keyring ", kr == ios->keyrings ? "" : kr->name, vrf,
				 k->out);
	}
	if (n == 1) {
		kr = (struct ios_keyring *)use[0];
		if (!kr->out[0])
			out_name(ios, kr->out, kr == ios->keyrings ? "isakmp-keys" : kr->name,
				 0, keyring_taken);
	} else if (n > 1) {
		kr = ios_grow(&ios->merged, &ios->nmerged, &ios->cap_merged, sizeof(*kr));
		snprintf(kr->name, sizeof(kr->name), "%s-keys", k->out);
		out_name(ios, kr->out, kr->name, 0, keyring_taken);
		for (i = 0; i < n; i++)
			merge_into(kr, use[i]);
	} else {
		kr = NULL;
	}
	if (!kr || !kr->npsk) {
		if (vrf[0])
			ios_unresolved(ios, k->implicit ? 0 : k->line, "no pre-shared key for IKE "
				       "in vrf %s (crypto keyring NAME vrf %s)", vrf, vrf);
		else if (k->implicit)
			ios_unresolved(ios, 0, "no pre-shared key for IKE (crypto isakmp key or "
				       "crypto keyring)");
		else
			ios_unresolved(ios, k->line, "crypto %s profile %s: no pre-shared key "
				       "in its keyring", k->ikev2 ? "ikev2" : "isakmp", k->name);
		return false;
	}
	snprintf(k->keyring_out, sizeof(k->keyring_out), "%s", kr->out);
	return true;
}

/* One IKEv2 proposal of IOS as one or two of the keyer (GCM and CBC apart). */
static void prop2_out(struct ios *ios, const struct ios_prop2 *p, char *list, size_t len,
		      int *count)
{
	char one[256];
	int pass, i;

	for (pass = 0; pass < 2; pass++) {
		bool aead = pass == 0, any = false;

		one[0] = '\0';
		for (i = 0; i < p->nenc; i++)
			if ((strstr(p->enc[i], "gcm") != NULL) == aead) {
				append(one, sizeof(one), "-", p->enc[i]);
				any = true;
			}
		if (!any)
			continue;
		for (i = 0; !aead && i < p->ninteg; i++)
			append(one, sizeof(one), "-", p->integ[i]);
		for (i = 0; i < p->nprf; i++)
			append(one, sizeof(one), "-", p->prf[i]);
		for (i = 0; i < p->ndh; i++)
			append(one, sizeof(one), "-", p->dh[i]);
		if (has_item(list, one))
			continue;
		if (*count == 16) {
			ios_note(ios, p->line, "kvti-keyer takes 16 proposals per profile: "
				 "%s left out", one);
			continue;
		}
		append(list, len, ", ", one);
		(*count)++;
	}
}

/* Does a tunnel using @k have @a as its local address? */
static bool used_from(const struct ios *ios, const struct ios_ikeprof *k,
		      const struct ios_addr *a)
{
	size_t i;

	for (i = 0; i < ios->nifaces; i++)
		if (ios->ifaces[i].ike_prof == k && ios_addr_eq(&ios->ifaces[i].local, a))
			return true;
	return false;
}

/*
 * IKEv2: the proposals of the crypto ikev2 policies that apply to the
 * profile's tunnels, those matching their local address first.
 */
static void ikev2_proposals(struct ios *ios, struct ios_ikeprof *k)
{
	int pass, j, l, count = 0;
	size_t i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ios->npols2; i++) {
			const struct ios_pol2 *pol = &ios->pols2[i];
			bool match = false;

			for (l = 0; l < pol->nlocal; l++)
				match |= used_from(ios, k, &pol->local[l]);
			if (pass == 0 ? !match : pol->nlocal != 0)
				continue;
			if (pol->fvrf[0] && !ios_vrf_used_by(ios, k, pol->fvrf))
				continue;
			for (j = 0; j < pol->nprops; j++) {
				const struct ios_prop2 *p = ios_prop2_find(ios, pol->props[j]);

				if (p && !p->bad)
					prop2_out(ios, p, k->props_out, sizeof(k->props_out),
						  &count);
			}
		}
	if (!k->props_out[0])
		ios_note(ios, k->line, "crypto ikev2 profile %s: no crypto ikev2 policy with "
			 "a proposal applies: kvti-keyer's default proposals", k->name);
}

/* IKEv1: every isakmp policy, by priority, as an IKEv2 proposal. */
static void ikev1_proposals(struct ios *ios, struct ios_ikeprof *k)
{
	const struct ios_policy *best;
	unsigned long last = 0, life = 0;
	char one[64];
	size_t i, n;
	int line = 0;

	for (n = 0; n < ios->npolicies; n++) {
		best = NULL;
		for (i = 0; i < ios->npolicies; i++)
			if (ios->policies[i].prio > last &&
			    (!best || ios->policies[i].prio < best->prio))
				best = &ios->policies[i];
		if (!best)
			break;
		last = best->prio;
		if (best->bad || !best->enc || !best->integ || !best->dh)
			continue;
		snprintf(one, sizeof(one), "%s-%s-%s", best->enc, best->integ, best->dh);
		if (!has_item(k->props_out, one))
			append(k->props_out, sizeof(k->props_out), ", ", one);
		if (!life || best->lifetime < life) {
			life = best->lifetime;
			line = best->line;
		}
	}
	if (!k->props_out[0])
		ios_note(ios, 0, "no usable crypto isakmp policy: kvti-keyer's default "
			 "proposals");
	k->life_out = life ? life : 86400;
	if (k->life_out < 120) {
		ios_note(ios, line, "an IKE SA lifetime of %lu s is below kvti-keyer's "
			 "120: 120", k->life_out);
		k->life_out = 120;
	}
}

/*
 * IOS accepts a peer if any "match identity" does.  kvti-keyer checks an
 * identity against one remote-id, and a template accepts what its
 * match-peer prefixes and match-identity patterns both allow.  So: one
 * identity is the remote-id; prefixes alone are match-peer; names and
 * host addresses are match-identity; prefixes with names, or 0.0.0.0,
 * restrict nothing beyond the keyring.
 */
static void resolve_match(struct ios *ios, struct ios_ikeprof *k)
{
	int i, nprefix = 0, nid = 0;
	bool any = false;

	for (i = 0; i < k->nmatch; i++) {
		any |= k->match[i].any;
		nid += !k->match[i].any && k->match[i].id[0];
		nprefix += !k->match[i].any && !k->match[i].id[0];
	}
	k->match_by_peer = nprefix > 0;
	k->match_none = any || (nprefix && nid);
	if (k->match_none && k->nmatch > 1)
		ios_note(ios, k->line, "%s accepts a peer by %s; kvti cannot combine them: "
			 "the keyring decides who is accepted", k->name,
			 any ? "any address" : "address prefix or by name");
	if (nid == 1 && !nprefix && !any)
		for (i = 0; i < k->nmatch; i++)
			if (k->match[i].id[0])
				snprintf(k->remote_id_out, sizeof(k->remote_id_out), "%s",
					 k->match[i].id);
	if (nid > 1 && !nprefix && !any)
		ios_note(ios, k->line, "%s matches %d identities and kvti-keyer's remote-id is "
			 "one: any (templates: match-identity); each peer's key in the keyring "
			 "still authenticates it", k->name, nid);
}

static void resolve_ike(struct ios *ios, struct ios_ikeprof *k)
{
	out_name(ios, k->out, k->implicit ? DEFAULT_IKEV1 : k->name, k->line, ike_taken);
	if (k->ikev2) {
		ikev2_proposals(ios, k);
		k->life_out = k->lifetime ? k->lifetime : 86400;
		if (k->has_dpd) {
			k->dpd_mode = k->dpd_periodic ? "periodic" : "on-demand";
			k->dpd_i = k->dpd_interval;
			k->dpd_r = k->dpd_retries;
		} else if (ios->dpd2) {
			k->dpd_mode = ios->dpd2_periodic ? "periodic" : "on-demand";
			k->dpd_i = ios->dpd2_i;
			k->dpd_r = ios->dpd2_r;
		}
	} else {
		ios->uses_ikev1 = true;
		ikev1_proposals(ios, k);
		if (k->has_dpd) {
			k->dpd_mode = ios->keepalive_periodic ? "periodic" : "on-demand";
			k->dpd_i = k->dpd_interval;
			k->dpd_r = k->dpd_retries;
		} else if (ios->keepalive) {
			k->dpd_mode = ios->keepalive_periodic ? "periodic" : "on-demand";
			k->dpd_i = ios->keepalive_s;
			k->dpd_r = ios->keepalive_r;
		}
	}
	/* our identity: an fqdn without a name is the router's host name */
	snprintf(k->local_id_out, sizeof(k->local_id_out), "%s", k->local_id);
	if (!k->ikev2 && !k->local_id[0] && ios->isakmp_id_hostname)
		snprintf(k->local_id_out, sizeof(k->local_id_out), "fqdn:");
	if (!strcmp(k->local_id_out, "fqdn:")) {
		if (!ios->hostname[0]) {
			ios_unresolved(ios, k->line, "the identity is the host name, and the file "
				       "has no hostname");
			return;
		}
		snprintf(k->local_id_out, sizeof(k->local_id_out), "fqdn:%.44s%s%.44s", ios->hostname,
			 ios->domain[0] ? "." : "", ios->domain);
	}
	resolve_match(ios, k);
	k->usable = resolve_keyring(ios, k);
}

/* --- tunnels ------------------------------------------------------------ */

static long unit_of(const char *name)
{
	const char *p = name;

	while (*p && (*p < '0' || *p > '9'))
		p++;
	return *p ? strtol(p, NULL, 10) : -1;
}

static struct ios_ikeprof *implicit_profile(struct ios *ios)
{
	size_t i;

	for (i = 0; i < ios->nikeprofs; i++)
		if (ios->ikeprofs[i].implicit)
			return &ios->ikeprofs[i];
	return NULL;
}

/* Which IKE profile: the template's (virtual-template N), the ipsec profile's, IKEv1's. */
static struct ios_ikeprof *ike_of(struct ios *ios, struct ios_iface *f, struct ios_ipsecprof *p)
{
	struct ios_ikeprof *k = NULL;
	size_t i;
	int n = 0;

	for (i = 0; f->kind == IOS_IF_TEMPLATE && i < ios->nikeprofs; i++)
		if (ios->ikeprofs[i].vt == f->unit && n++ == 0)
			k = &ios->ikeprofs[i];
	if (n > 1)
		ios_note(ios, f->line, "%d profiles name virtual-template %ld: kvti's template "
			 "has one, %s", n, f->unit, k->name);
	if (!k && p->ike_prof[0]) {
		k = ios_ikeprof_find(ios, p->ike_prof, p->ike_prof_v2);
		if (!k)
			ios_unresolved(ios, p->ike_prof_line, "set %s-profile %s: no crypto %s "
				       "profile %s in the file", p->ike_prof_v2 ? "ikev2" : "isakmp",
				       p->ike_prof, p->ike_prof_v2 ? "ikev2" : "isakmp", p->ike_prof);
		return k;
	}
	return k ? k : implicit_profile(ios);
}

static bool add_peer(struct ios_iface *f, const struct ios_addr *a)
{
	int i;

	for (i = 0; i < f->npeers; i++)
		if (ios_addr_eq(&f->peers[i], a))
			return false;
	if (f->npeers < IOS_LIST)
		f->peers[f->npeers++] = *a;
	return true;
}

/* The peers of a static tunnel: set peer ... [default], tunnel destination. */
static bool tunnel_peers(struct ios *ios, struct ios_iface *f, int family)
{
	struct ios_ipsecprof *p = f->ipsec_prof;
	struct ios_addr a;
	bool ok = true;
	int i;

	for (i = 0; i < p->npeers; i++) {
		if (!host_addr(ios, p->peers[i].host, family, p->peers[i].line, "set peer", &a))
			ok = false;
		else
			add_peer(f, &a);
	}
	f->peer_default = p->npeers && p->peers[0].is_default;
	if (f->dest[0]) {
		if (!host_addr(ios, f->dest, family, f->dest_line, "tunnel destination", &a))
			return false;
		if (add_peer(f, &a) && f->npeers > 1)
			ios_note(ios, f->dest_line, "%s: tunnel destination %s is not among the "
				 "set peers of %s: tried last", f->name, f->dest, p->name);
	}
	if (!f->npeers && ok) {
		ios_unresolved(ios, f->line, "%s has no tunnel destination", f->name);
		return false;
	}
	return ok;
}

static bool tunnel_local(struct ios *ios, struct ios_iface *f, int family)
{
	struct ios_ikeprof *k = f->ike_prof;

	if (f->source[0])
		return source_addr(ios, f->source, family, f->source_line, "tunnel source",
				   &f->local);
	if (f->kind == IOS_IF_TEMPLATE && k && k->local_addr.family) {
		if (k->local_addr.family != family) {
			ios_unresolved(ios, k->local_line, "the local address of %s is not %s, "
				       "as the tunnel mode of %s says", k->name, fam_name(family),
				       f->name);
			return false;
		}
		f->local = k->local_addr;
		return true;
	}
	if (f->kind == IOS_IF_TEMPLATE && k && k->local_if[0])
		return iface_addr(ios, k->local_if, family, k->local_line, "local address",
				  &f->local);
	if (f->kind == IOS_IF_TEMPLATE && f->unnumbered[0] &&
	    iface_addr(ios, f->unnumbered, family, f->unnumbered_line, "ip unnumbered",
		       &f->local)) {
		ios_note(ios, f->line, "%s has no tunnel source: its IKE and ESP use the address "
			 "of %s (ip unnumbered)", f->name, f->unnumbered);
		return true;
	}
	ios_unresolved(ios, f->line, "%s has no tunnel source: kvti needs the local address",
		       f->name);
	return false;
}

/* A tunnel or template: everything it names, before the profiles are resolved. */
static void resolve_iface(struct ios *ios, struct ios_iface *f)
{
	int family = f->mode == 6 ? AF_INET6 : AF_INET;
	struct ios_ipsecprof *p;
	bool ok;

	f->unit = unit_of(f->name);
	if (!f->mode)
		return;		/* GRE with protection: reported */
	if (!f->protection[0]) {
		ios_unresolved(ios, f->line, "%s has no tunnel protection ipsec profile",
			       f->name);
		return;
	}
	p = ios_ipsecprof_find(ios, f->protection);
	if (!p) {
		ios_unresolved(ios, f->protection_line, "tunnel protection ipsec profile %s: no "
			       "crypto ipsec profile %s in the file", f->protection,
			       f->protection);
		return;
	}
	f->ipsec_prof = p;
	f->ike_prof = ike_of(ios, f, p);
	if (!f->ike_prof)
		return;
	p->used = true;
	f->ike_prof->used = true;
	if (f->kind == IOS_IF_TUNNEL) {
		ok = tunnel_peers(ios, f, family);
	} else {
		ok = true;
		if (p->npeers)
			ios_note(ios, p->peers[0].line, "set peer: a virtual template has no peers "
				 "of its own; left out for %s", f->name);
	}
	ok &= tunnel_local(ios, f, family);
	f->df_out = f->df ? f->df : ios->df;
	ios_vrf_tunnel(ios, f);
	f->usable = ok;
}

static const struct ios_keyring *keyring_named(const struct ios *ios, const char *out)
{
	size_t i;

	for (i = 0; i < ios->nkeyrings; i++)
		if (!strcmp(ios->keyrings[i].out, out))
			return &ios->keyrings[i];
	for (i = 0; i < ios->nmerged; i++)
		if (!strcmp(ios->merged[i].out, out))
			return &ios->merged[i];
	return NULL;
}

/*
 * Has the keyring a key for @peer?  By address, or maybe by identity,
 * which only the peer's IKE_AUTH tells.
 */
static bool has_key_for(const struct ios_keyring *kr, const struct ios_addr *peer)
{
	struct ios_addr a;
	size_t i;

	for (i = 0; kr && i < kr->npsk; i++) {
		const char *sel = kr->psk[i].sel;

		if (!strcmp(sel, "any"))
			return true;
		if (!ios_parse_addr(sel, &a) && ios_addr_eq(&a, peer))
			return true;
		if (!ios_parse_prefix(sel, &a) && ios_prefix_contains(&a, peer))
			return true;
		if (strchr(sel, ':') && ios_parse_addr(sel, &a) && ios_parse_prefix(sel, &a))
			return true;	/* fqdn:, email:, key-id:, address: */
	}
	return false;
}

/* Every peer of a static tunnel has a key, or the tunnel cannot come up. */
static void check_keys(struct ios *ios, struct ios_iface *f)
{
	const struct ios_keyring *kr = keyring_named(ios, f->ike_prof->keyring_out);
	char a[64];
	int i;

	for (i = 0; i < f->npeers; i++)
		if (!has_key_for(kr, &f->peers[i]))
			ios_unresolved(ios, f->line, "%s: no pre-shared key for peer %s in keyring "
				       "%s", f->name, ios_addr_str(&f->peers[i], false, a, sizeof(a)),
				       f->ike_prof->keyring_out);
}

/* Routes into IPsec tunnels: by name, or by a next hop on a tunnel's subnet. */
static void resolve_routes(struct ios *ios)
{
	size_t i, j;
	int a;

	for (i = 0; i < ios->nroutes; i++) {
		struct ios_route *r = &ios->routes[i];
		struct ios_iface *f = r->iface[0] ? ios_iface_find(ios, r->iface) : NULL;

		/* a route into a tunnel the file lacks (Tu is only Tunnel) */
		if (r->iface[0] && !f && !strncasecmp(r->iface, "tu", 2))
			ios_unresolved(ios, r->line, "%s: no interface %s in the file", r->text,
				       r->iface);
		for (j = 0; !r->iface[0] && r->via.family && j < ios->nifaces; j++) {
			struct ios_iface *g = &ios->ifaces[j];

			if (g->kind != IOS_IF_TUNNEL || !g->ipsec)
				continue;
			for (a = 0; a < g->naddr4; a++)
				if (ios_prefix_contains(&g->addr4[a], &r->via))
					f = g;
			for (a = 0; a < g->naddr6; a++)
				if (ios_prefix_contains(&g->addr6[a], &r->via))
					f = g;
		}
		if (!f || f->kind == IOS_IF_OTHER || !f->ipsec)
			continue;
		if (f->kind == IOS_IF_TEMPLATE) {
			ios_unsupported_at(ios, r->line, r->text, "kvti routes to a template's "
					   "clones by reverse route injection");
			continue;
		}
		if (r->bad[0]) {
			ios_unsupported_at(ios, r->line, r->text, "%s", r->bad);
			continue;
		}
		if (r->vrf[0] && strcmp(r->vrf, f->vrf)) {
			ios_unresolved(ios, r->line, "%s: %s is not in VRF %s", r->text, f->name,
				       r->vrf);
			continue;
		}
		r->to = f;
	}
}

void ios_resolve(struct ios *ios)
{
	struct ios_ikeprof *k;
	size_t i;

	k = ios_grow(&ios->ikeprofs, &ios->nikeprofs, &ios->cap_ikeprofs, sizeof(*k));
	k->implicit = true;
	k->vt = -1;
	snprintf(k->name, sizeof(k->name), "%s", DEFAULT_IKEV1);
	for (i = 0; i < ios->nifaces; i++)
		if (ios->ifaces[i].kind != IOS_IF_OTHER && ios->ifaces[i].ipsec)
			resolve_iface(ios, &ios->ifaces[i]);
	for (i = 0; i < ios->nipsecprofs; i++)
		if (ios->ipsecprofs[i].used)
			resolve_ipsec(ios, &ios->ipsecprofs[i]);
		else
			ios_note(ios, ios->ipsecprofs[i].line, "crypto ipsec profile %s protects "
				 "no tunnel: left out", ios->ipsecprofs[i].name);
	for (i = 0; i < ios->nikeprofs; i++)
		if (ios->ikeprofs[i].used)
			resolve_ike(ios, &ios->ikeprofs[i]);
		else if (!ios->ikeprofs[i].implicit)
			ios_note(ios, ios->ikeprofs[i].line, "crypto %s profile %s is used by no "
				 "tunnel: left out", ios->ikeprofs[i].ikev2 ? "ikev2" : "isakmp",
				 ios->ikeprofs[i].name);
	for (i = 0; i < ios->nifaces; i++) {
		struct ios_iface *f = &ios->ifaces[i];

		if (f->kind == IOS_IF_OTHER || !f->ipsec)
			continue;
		if (f->usable && (!f->ipsec_prof->usable || !f->ike_prof->usable))
			f->usable = false;
		if (f->usable && f->kind == IOS_IF_TUNNEL)
			check_keys(ios, f);
		if (f->usable)
			ios_vrf_check(ios, f);
		if (!f->usable)
			ios_note(ios, f->line, "%s is left out: see what was reported", f->name);
	}
	for (i = 1; i < ios->nkeyrings; i++) {
		struct ios_keyring *kr = &ios->keyrings[i];

		if (ios_vrf_keyring_unused(ios, kr) && !kr->out[0])
			out_name(ios, kr->out, kr->name, 0, keyring_taken);
	}
	resolve_routes(ios);
	ios_sort_diags(ios->diags, ios->ndiags);
	ios_sort_diags(ios->notes, ios->nnotes);
}

