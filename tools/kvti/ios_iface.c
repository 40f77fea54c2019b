// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: interfaces, static routes, host names.
 *
 * Every interface's addresses are kept, since "tunnel source
 * GigabitEthernet0/0" and "ip unnumbered Loopback0" name one.  A Tunnel
 * or a "Virtual-Template N type tunnel" is IPsec once it has "tunnel mode
 * ipsec ipv4|ipv6" or "tunnel protection": only then are its lines that
 * kvti cannot carry over reported (a GRE tunnel without protection is
 * none of our business).  Routes are kept as read and written once it is
 * known which interfaces are IPsec tunnels.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "ios.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The letters of an interface name ("GigabitEthernet" of GigabitEthernet0/0). */
static size_t type_len(const char *name)
{
	size_t n = 0;

	while ((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= 'A' && name[n] <= 'Z') ||
	       name[n] == '-')
		n++;
	return n;
}

/*
 * Does @ref name the interface @name?  IOS takes an unambiguous
 * abbreviation of the type in any case: Gi0/0, gig0/0, Tu0, lo0.
 */
bool ios_iface_ref_eq(const char *ref, const char *name)
{
	size_t rt = type_len(ref), nt = type_len(name);

	return rt >= 2 && rt <= nt && !strncasecmp(ref, name, rt) &&
	       !strcasecmp(ref + rt, name + nt);
}

struct ios_iface *ios_iface_find(struct ios *ios, const char *ref)
{
	size_t i;

	for (i = 0; i < ios->nifaces; i++)
		if (!strcasecmp(ios->ifaces[i].name, ref))
			return &ios->ifaces[i];
	for (i = 0; i < ios->nifaces; i++)
		if (ios_iface_ref_eq(ref, ios->ifaces[i].name))
			return &ios->ifaces[i];
	return NULL;
}

const struct ios_addr *ios_host_find(const struct ios *ios, const char *name)
{
	size_t i;

	for (i = 0; i < ios->nhosts; i++)
		if (!strcasecmp(ios->hosts[i].name, name))
			return &ios->hosts[i].addr;
	return NULL;
}

/* "Tunnel 0" as one word, as IOS shows it: the index after, or 0. */
static int iface_word(const struct ios_line *l, int i, char *out)
{
	if (i >= l->n || !type_len(l->w[i]))
		return 0;
	if (!l->w[i][type_len(l->w[i])] && i + 1 < l->n &&
	    l->w[i + 1][0] >= '0' && l->w[i + 1][0] <= '9') {
		snprintf(out, IOS_NAME, "%s%s", l->w[i], l->w[i + 1]);
		return i + 2;
	}
	ios_copy_name(out, l->w[i]);
	return i + 1;
}

/* --- global commands ---------------------------------------------------- */

static void cmd_hostname(struct ios *ios, const struct ios_line *l, int arg)
{
	if (arg < l->n)
		ios_copy_name(ios->hostname, l->w[arg]);
	ios_begin(ios, IOS_CTX_SKIP, NULL);
}

static void cmd_domain(struct ios *ios, const struct ios_line *l, int arg)
{
	if (arg < l->n)
		ios_copy_name(ios->domain, l->w[arg]);
	ios_begin(ios, IOS_CTX_SKIP, NULL);
}

/* ip host NAME [PORT] ADDR..., ipv6 host NAME [PORT] ADDR...: the first address */
static void cmd_host(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_host *h;
	struct ios_addr a;
	int i;

	ios_begin(ios, IOS_CTX_SKIP, NULL);
	for (i = arg + 1; i < l->n && ios_parse_addr(l->w[i], &a); i++)
		;
	if (arg >= l->n || i >= l->n || strlen(l->w[arg]) >= IOS_NAME)
		return;
	h = ios_grow(&ios->hosts, &ios->nhosts, &ios->cap_hosts, sizeof(*h));
	ios_copy_name(h->name, l->w[arg]);
	h->addr = a;
}

/* interface NAME [type tunnel]; "interface Tunnel 0" is Tunnel0 */
static void cmd_interface(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f;
	char name[IOS_NAME];
	size_t t;
	int i = iface_word(l, arg, name);
	bool type_tunnel = i && i + 2 == l->n && ios_kw(l->w[i], "type") &&
			   ios_kw(l->w[i + 1], "tunnel");

	if (!i) {
		ios_begin(ios, IOS_CTX_SKIP, NULL);
		return;
	}
	f = ios_iface_find(ios, name);
	if (!f || strcasecmp(f->name, name)) {
		f = ios_grow(&ios->ifaces, &ios->nifaces, &ios->cap_ifaces, sizeof(*f));
		ios_copy_name(f->name, name);
		f->line = l->no;
	}
	t = type_len(name);
	if (t == strlen("tunnel") && !strncasecmp(name, "tunnel", t) && name[t]) {
		f->kind = IOS_IF_TUNNEL;
		snprintf(f->dev, sizeof(f->dev), "vti%.11s", name + t);
	} else if (t == strlen("virtual-template") && !strncasecmp(name, "virtual-template", t) &&
		   name[t] && type_tunnel) {
		f->kind = IOS_IF_TEMPLATE;
		snprintf(f->dev, sizeof(f->dev), "vt%.12s", name + t);
	}
	ios_begin(ios, IOS_CTX_IFACE, f);
	ios->owner = (int)(f - ios->ifaces) + 1;
}

/*
 * ip route [vrf V] NET MASK {IF [NH] | NH} [DIST] [tag T] [permanent]
 *	[name N] [track N]
 * ipv6 route [vrf V] NET/LEN {IF [NH] | NH} [DIST] [tag T] [name N]
 */
static void route(struct ios *ios, const struct ios_line *l, int arg, bool v6)
{
	struct ios_route r = { .line = l->no };
	unsigned int plen;
	int i = arg;

	ios_begin(ios, IOS_CTX_SKIP, NULL);
	ios_line_text(l, r.text, sizeof(r.text));
	if (i + 1 < l->n && ios_kw(l->w[i], "vrf")) {
		ios_copy_name(r.vrf, l->w[i + 1]);
		i += 2;
	}
	if (v6) {
		if (i >= l->n || ios_parse_prefix(l->w[i], &r.dst) || r.dst.family != AF_INET6)
			return;
		i++;
	} else {
		if (i + 1 >= l->n || ios_parse_addr(l->w[i], &r.dst) ||
		    r.dst.family != AF_INET || ios_mask_len(l->w[i + 1], &plen))
			return;
		r.dst.plen = plen;
		i += 2;
	}
	if (i < l->n && ios_parse_addr(l->w[i], &r.via)) {
		i = iface_word(l, i, r.iface);
		if (!i)
			return;
		if (i < l->n && !ios_parse_addr(l->w[i], &r.via))
			i++;
	} else {
		i++;
	}
	for (; i < l->n; i++) {
		if (!ios_number(l->w[i], 1, 255, &r.distance))
			continue;
		if (ios_kw(l->w[i], "permanent"))
			continue;
		if (i + 1 < l->n && ios_kw(l->w[i], "name")) {
			ios_copy_name(r.name, l->w[++i]);
			continue;
		}
		if (i + 1 < l->n && ios_kw(l->w[i], "tag") &&
		    !ios_number(l->w[i + 1], 0, 4294967295UL, &r.tag)) {
			i++;
			if (r.tag > 65535)
				snprintf(r.bad, sizeof(r.bad), "tag %lu: a Linux realm is at most 65535",
					 r.tag);
			continue;
		}
		snprintf(r.bad, sizeof(r.bad), "\"%s\" has no kvti equivalent", l->w[i]);
		break;
	}
	*(struct ios_route *)ios_grow(&ios->routes, &ios->nroutes, &ios->cap_routes,
				      sizeof(r)) = r;
}

static void cmd_ip_route(struct ios *ios, const struct ios_line *l, int arg)
{
	route(ios, l, arg, false);
}

static void cmd_ipv6_route(struct ios *ios, const struct ios_line *l, int arg)
{
	route(ios, l, arg, true);
}

static void cmd_skip(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)l;
	(void)arg;
	ios_begin(ios, IOS_CTX_SKIP, NULL);
}

const struct ios_cmd ios_global_iface[] = {
	{ "hostname", cmd_hostname, false, 0 },
	{ "ip domain name", cmd_domain, false, 0 },
	{ "ip domain-name", cmd_domain, false, 0 },
	{ "ip host", cmd_host, false, 0 },
	{ "ipv6 host", cmd_host, false, 0 },
	{ "interface", cmd_interface, false, 0 },
	{ "ip route", cmd_ip_route, false, 0 },
	{ "ipv6 route", cmd_ipv6_route, false, 0 },
	{ "end", cmd_skip, false, 1 },
};
const size_t ios_nglobal_iface = N_OF(ios_global_iface);

/* --- interface commands ------------------------------------------------- */

static struct ios_iface *cur(struct ios *ios)
{
	return ios->obj;
}

/* Reported only if the interface turns out to be an IPsec tunnel. */
static void tunnel_unsupported(struct ios *ios, const struct ios_line *l, const char *why)
{
	ios_unsupported(ios, l, "%s", why);
	ios->diags[ios->ndiags - 1].owner = ios->owner;
}

/* ip address ADDR MASK [secondary] | dhcp | negotiated */
static void cmd_ip_address(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);
	struct ios_addr a;
	unsigned int plen;
	bool secondary = arg + 3 == l->n && ios_kw(l->w[arg + 2], "secondary");

	if (arg < l->n && (ios_kw(l->w[arg], "dhcp") || ios_kw(l->w[arg], "negotiated"))) {
		f->addr_dynamic = true;
		return;
	}
	if ((arg + 2 != l->n && !secondary) || ios_parse_addr(l->w[arg], &a) ||
	    a.family != AF_INET || ios_mask_len(l->w[arg + 1], &plen)) {
		if (f->kind != IOS_IF_OTHER)
			tunnel_unsupported(ios, l, "expected ip address ADDRESS MASK [secondary]");
		return;
	}
	a.plen = plen;
	if (!secondary) {
		/* a new primary replaces the old one */
		if (f->naddr4)
			f->addr4[0] = a;
		else
			f->addr4[f->naddr4++] = a;
	} else if (f->naddr4 && f->naddr4 < IOS_LIST) {
		f->addr4[f->naddr4++] = a;
	}
}

/* ipv6 address X/LEN (eui-64, link-local and anycast are left to Linux) */
static void cmd_ipv6_address(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);
	struct ios_addr a;

	if (arg + 1 != l->n || ios_parse_prefix(l->w[arg], &a) || a.family != AF_INET6) {
		if (f->kind != IOS_IF_OTHER && !(arg + 2 == l->n &&
						 ios_kw(l->w[arg + 1], "link-local")))
			tunnel_unsupported(ios, l, "expected ipv6 address X/LEN");
		return;
	}
	if (f->naddr6 < IOS_LIST)
		f->addr6[f->naddr6++] = a;
}

static void cmd_unnumbered(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);

	if (!iface_word(l, arg, f->unnumbered))
		return;
	f->unnumbered_line = l->no;
}

/* ip vrf forwarding V, vrf forwarding V: the tunnel's inside VRF (IVRF) */
static void cmd_vrf_forwarding(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);

	if (arg + 1 != l->n)
		return;
	if (strlen(l->w[arg]) >= IOS_DEV) {
		tunnel_unsupported(ios, l, "a VRF netdev name has at most 15 characters");
		return;
	}
	ios_copy_name(f->vrf, l->w[arg]);
	f->vrf_line = l->no;
}

static void cmd_ip_mtu(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);

	if (arg + 1 != l->n || ios_number(l->w[arg], 68, 65535, &f->mtu))
		tunnel_unsupported(ios, l, "expected ip mtu 68..65535");
}

static void cmd_tunnel_source(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);
	struct ios_addr a;

	if (arg + 1 == l->n && !ios_parse_addr(l->w[arg], &a))
		ios_copy_name(f->source, l->w[arg]);
	else if (!iface_word(l, arg, f->source)) {
		tunnel_unsupported(ios, l, "expected tunnel source ADDRESS|INTERFACE");
		return;
	}
	f->source_line = l->no;
}

static void cmd_tunnel_destination(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);

	if (arg + 1 != l->n) {
		tunnel_unsupported(ios, l, "expected tunnel destination ADDRESS");
		return;
	}
	ios_copy_name(f->dest, l->w[arg]);
	f->dest_line = l->no;
}

/* tunnel mode ipsec ipv4|ipv6; anything else (gre ip, ...) is no VTI */
static void cmd_tunnel_mode(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);

	f->mode_line = l->no;
	f->mode = 0;
	if (arg + 2 == l->n && ios_kw(l->w[arg], "ipsec")) {
		if (ios_kw(l->w[arg + 1], "ipv4"))
			f->mode = 4;
		else if (ios_kw(l->w[arg + 1], "ipv6"))
			f->mode = 6;
	}
	if (!f->mode && ios_kw(l->w[arg], "ipsec")) {
		f->mode = 4;
		tunnel_unsupported(ios, l, "kvti's tunnel modes are ipsec ipv4 and ipsec ipv6");
	}
}

/* tunnel protection ipsec profile P [shared] */
static void cmd_tunnel_protection(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);
	int end = ios_match(l, arg, "ipsec profile");

	if (!end || end >= l->n) {
		tunnel_unsupported(ios, l, "expected tunnel protection ipsec profile NAME");
		return;
	}
	ios_copy_name(f->protection, l->w[end]);
	f->protection_line = l->no;
	ios_line_text(l, f->protection_text, sizeof(f->protection_text));
	if (end + 1 < l->n)
		tunnel_unsupported(ios, l, "a VTI's protection is not shared (\"must not be "
				   "configured\" with tunnel mode ipsec)");
}

/*
 * tunnel vrf V: the front-door VRF (FVRF), in which the tunnel's outer
 * packets, and so its IKE, are routed: keyer.conf's fvrf, the netdev's
 * underlay (kvti tunnel add ... dev V).
 */
static void cmd_tunnel_vrf(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);

	if (arg + 1 != l->n) {
		tunnel_unsupported(ios, l, "expected tunnel vrf NAME");
		return;
	}
	if (strlen(l->w[arg]) >= IOS_DEV) {
		tunnel_unsupported(ios, l, "a VRF netdev name has at most 15 characters");
		return;
	}
	snprintf(f->fvrf, sizeof(f->fvrf), "%s", l->w[arg]);
	f->fvrf_line = l->no;
}

static void cmd_tunnel_other(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	tunnel_unsupported(ios, l, "not a tunnel command kvti import-ios knows");
}

/* IOS's responder-only on one tunnel; kvti's is on the ipsec profile */
static void cmd_no_initiate(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	tunnel_unsupported(ios, l, "kvti's responder-only belongs to the ipsec profile: "
			   "give it responder-only");
}

/* crypto ipsec df-bit clear|set|copy on the tunnel */
static void cmd_df_bit(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_iface *f = cur(ios);

	f->df = ios_df_word(l, arg);
	if (!f->df)
		tunnel_unsupported(ios, l, "expected clear, set or copy");
}

/* crypto map on an interface, or any other crypto command there */
static void cmd_if_crypto(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	if (ios_kw(l->w[1], "map"))
		ios_unsupported(ios, l, "crypto maps are policy-based IPsec; kvti is "
				"route-based: configure a VTI instead");
	else
		ios_unsupported(ios, l, "not an interface crypto command kvti import-ios knows");
}

static void cmd_shutdown(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)l;
	(void)arg;
	cur(ios)->shutdown = true;
}

static void cmd_nothing(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)ios;
	(void)l;
	(void)arg;
}

/*
 * The commands of an interface block.  The last rows, which do nothing,
 * only keep an unindented interface command of the guides' examples
 * ("ip nat inside" between "ip address" and "tunnel source") in its block;
 * an indented line not listed is skipped anyway.
 */
const struct ios_cmd ios_iface_cmds[] = {
	{ "ip address", cmd_ip_address, false, 0 },
	{ "ipv6 address", cmd_ipv6_address, false, 0 },
	{ "ip unnumbered", cmd_unnumbered, false, 0 },
	{ "ip vrf forwarding", cmd_vrf_forwarding, false, 0 },
	{ "vrf forwarding", cmd_vrf_forwarding, false, 0 },
	{ "ip mtu", cmd_ip_mtu, false, 0 },
	{ "tunnel source", cmd_tunnel_source, false, 0 },
	{ "tunnel destination", cmd_tunnel_destination, false, 0 },
	{ "tunnel mode", cmd_tunnel_mode, false, 0 },
	{ "tunnel protection", cmd_tunnel_protection, false, 0 },
	{ "tunnel vrf", cmd_tunnel_vrf, false, 0 },
	{ "tunnel path-mtu-discovery", cmd_nothing, false, 0 },
	{ "tunnel", cmd_tunnel_other, false, 0 },
	{ "no tunnel protection ipsec initiate", cmd_no_initiate, false, 0 },
	{ "no tunnel", cmd_tunnel_other, true, 0 },
	{ "crypto ipsec df-bit", cmd_df_bit, true, 0 },
	{ "crypto", cmd_if_crypto, true, 0 },
	{ "shutdown", cmd_shutdown, false, 1 },
	{ "description", cmd_nothing, false, 0 },
	{ "ipv6 enable", cmd_nothing, false, 2 },
	{ "ip nat inside", cmd_nothing, false, 3 },
	{ "ip nat outside", cmd_nothing, false, 3 },
	{ "ip inspect", cmd_nothing, false, 4 },
	{ "ip access-group", cmd_nothing, false, 4 },
	{ "ip virtual-reassembly", cmd_nothing, false, 0 },
	{ "ip ospf", cmd_nothing, false, 0 },
	{ "ip tcp adjust-mss", cmd_nothing, false, 0 },
	{ "load-interval", cmd_nothing, false, 2 },
	{ "service-policy", cmd_nothing, false, 0 },
	{ "bandwidth", cmd_nothing, false, 2 },
	{ "duplex", cmd_nothing, false, 2 },
	{ "speed", cmd_nothing, false, 2 },
	{ "full-duplex", cmd_nothing, false, 1 },
};
const size_t ios_niface_cmds = N_OF(ios_iface_cmds);

/* An indented interface command not listed: nothing to do with IPsec. */
void ios_iface_unknown(struct ios *ios, const struct ios_line *l)
{
	(void)ios;
	(void)l;
}

/* Drops what was reported about a tunnel that is no IPsec tunnel. */
static void drop_owned(struct ios *ios, int owner)
{
	size_t i, j = 0;

	for (i = 0; i < ios->ndiags; i++) {
		if (ios->diags[i].owner == owner) {
			free(ios->diags[i].text);
			continue;
		}
		ios->diags[j++] = ios->diags[i];
	}
	ios->ndiags = j;
}

/* Sorts by line, keeping the order of what one line got (insertion: few). */
void ios_sort_diags(struct ios_diag *d, size_t n)
{
	struct ios_diag t;
	size_t i, j;

	for (i = 1; i < n; i++) {
		t = d[i];
		for (j = i; j > 0 && d[j - 1].line > t.line; j--)
			d[j] = d[j - 1];
		d[j] = t;
	}
}

void ios_iface_finish(struct ios *ios)
{
	size_t i;

	for (i = 0; i < ios->nifaces; i++) {
		struct ios_iface *f = &ios->ifaces[i];

		if (f->kind == IOS_IF_OTHER)
			continue;
		f->ipsec = f->mode || f->protection[0];
		if (!f->ipsec) {
			drop_owned(ios, (int)i + 1);
			continue;
		}
		if (!f->mode)
			ios_unsupported_at(ios, f->protection_line, f->protection_text,
					   "%s is a GRE tunnel: kvti is a VTI (tunnel mode ipsec "
					   "ipv4|ipv6)", f->name);
	}
	ios_sort_diags(ios->diags, ios->ndiags);
}
