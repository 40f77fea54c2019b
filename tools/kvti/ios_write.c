// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: keyer.conf(5) and setup.sh, printed from what
 * ios_resolve() worked out.  Each object says which IOS lines it comes
 * from; keys are written only here, quoted as keyer.conf wants them.
 */
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "ios.h"

/* --- keyer.conf --------------------------------------------------------- */

/* A note, folded at about 96 columns. */
static void note_out(const struct ios *ios, const struct ios_diag *n, FILE *f)
{
	char text[700];
	const char *p = text, *brk;
	size_t width = 88;

	(void)ios;
	if (n->line)
		snprintf(text, sizeof(text), "line %d: %s", n->line, n->text);
	else
		snprintf(text, sizeof(text), "%s", n->text);
	fputs("# note: ", f);
	while (strlen(p) > width) {
		for (brk = p + width; brk > p && *brk != ' '; brk--)
			;
		if (brk == p)
			break;
		fprintf(f, "%.*s\n#   ", (int)(brk - p), p);
		p = brk + 1;
	}
	fprintf(f, "%s\n", p);
}

/* A key, quoted as keyer.conf wants: \" and \\ are its only escapes. */
static void quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void keyring_out(const struct ios *ios, const struct ios_keyring *kr, FILE *f)
{
	size_t i;

	if (kr == ios->keyrings)
		fprintf(f, "# crypto isakmp key (line %d)\n", kr->line);
	else if (kr >= ios->keyrings && kr < ios->keyrings + ios->nkeyrings)
		fprintf(f, "# crypto %skeyring %s%s%s (line %d)\n", kr->ikev2 ? "ikev2 " : "",
			kr->name, kr->vrf[0] ? " vrf " : "", kr->vrf, kr->line);
	else
		fprintf(f, "# the keys of %s\n", kr->name);
	fprintf(f, "keyring %s {\n", kr->out);
	for (i = 0; i < kr->npsk; i++) {
		const struct ios_psk *p = &kr->psk[i];

		if (!strcmp(p->local, p->remote)) {
			fprintf(f, "\tpeer %s { pre-shared-key = ", p->sel);
			quote(f, p->local);
			fprintf(f, " }\t# line %d\n", p->line);
			continue;
		}
		fprintf(f, "\tpeer %s {\t# line %d\n\t\tpre-shared-key-local = ", p->sel, p->line);
		quote(f, p->local);
		fputs("\n\t\tpre-shared-key-remote = ", f);
		quote(f, p->remote);
		fputs("\n\t}\n", f);
	}
	fputs("}\n\n", f);
}

static void ike_out(const struct ios *ios, const struct ios_ikeprof *k, FILE *f)
{
	size_t i;

	if (k->implicit)
		fputs("# IKEv1 without a crypto isakmp profile", f);
	else
		fprintf(f, "# crypto %s profile %s (line %d)", k->ikev2 ? "ikev2" : "isakmp",
			k->name, k->line);
	for (i = 0; !k->ikev2 && i < ios->npolicies; i++)
		if (!ios->policies[i].bad)
			fprintf(f, ", policy %lu (line %d)", ios->policies[i].prio,
				ios->policies[i].line);
	if (!k->ikev2 && !k->has_dpd && ios->keepalive)
		fprintf(f, ", keepalive (line %d)", ios->keepalive_line);
	fputc('\n', f);
	fprintf(f, "ike-profile %s {\n", k->out);
	if (k->props_out[0])
		fprintf(f, "\tproposals = %s\n", k->props_out);
	fprintf(f, "\tlifetime = %lu\n", k->life_out);
	if (k->local_id_out[0])
		fprintf(f, "\tlocal-id = %s\n", k->local_id_out);
	if (k->remote_id_out[0])
		fprintf(f, "\tremote-id = %s\n", k->remote_id_out);
	fprintf(f, "\tkeyring = %s\n", k->keyring_out);
	if (k->dpd_mode)
		fprintf(f, "\tdpd = %lu %lu %s\n", k->dpd_i, k->dpd_r, k->dpd_mode);
	fputs("}\n\n", f);
}

static void ipsec_out(const struct ios *ios, const struct ios_ipsecprof *p, FILE *f)
{
	(void)ios;
	fprintf(f, "# crypto ipsec profile %s (line %d)\n", p->name, p->line);
	fprintf(f, "ipsec-profile %s {\n", p->out);
	fprintf(f, "\tproposals = %s\n", p->props_out);
	fprintf(f, "\tlifetime = %llu seconds, %llu kilobytes\n", p->life_s_out, p->life_kb_out);
	if (p->pfs)
		fprintf(f, "\tpfs = %s\n", p->pfs);
	if (p->replay_out == 0)
		fputs("\treplay-window = disable\n", f);
	else if (p->replay_out > 0)
		fprintf(f, "\treplay-window = %ld\n", p->replay_out);
	if (p->idle_out)
		fprintf(f, "\tidle-time = %lu\n", p->idle_out);
	if (p->responder_only)
		fputs("\tresponder-only = yes\n", f);
	fputs("}\n\n", f);
}

static void tunnel_out(const struct ios *ios, const struct ios_iface *f, FILE *out)
{
	const struct ios_ikeprof *k = f->ike_prof;
	char a[64];
	int i;

	(void)ios;
	fprintf(out, "# interface %s (line %d)\n", f->name, f->line);
	fprintf(out, "%s %s {\n", f->kind == IOS_IF_TEMPLATE ? "template" : "tunnel", f->dev);
	fprintf(out, "\tlocal = %s\n", ios_addr_str(&f->local, false, a, sizeof(a)));
	if (f->fvrf[0])
		fprintf(out, "\tfvrf = %s\t# tunnel vrf, line %d\n", f->fvrf, f->fvrf_line);
	for (i = 0; i < f->npeers; i++)
		fprintf(out, "\tpeer = %s%s\n", ios_addr_str(&f->peers[i], false, a, sizeof(a)),
			!i && f->peer_default ? " default" : "");
	for (i = 0; f->kind == IOS_IF_TEMPLATE && !k->match_none && i < k->nmatch; i++) {
		const struct ios_match *m = &k->match[i];

		if (k->match_by_peer)
			fprintf(out, "\tmatch-peer = %s\n",
				ios_addr_str(&m->prefix, true, a, sizeof(a)));
		else
			fprintf(out, "\tmatch-identity = %s\n", m->id);
	}
	if (f->kind == IOS_IF_TEMPLATE) {
		fputs("\tclone-name = dvti%d\n", out);
		if (f->ipsec_prof->rr_distance)
			fprintf(out, "\troute-distance = %lu\n", f->ipsec_prof->rr_distance);
		if (f->ipsec_prof->rr_tag)
			fprintf(out, "\troute-tag = %lu\n", f->ipsec_prof->rr_tag);
	}
	fprintf(out, "\tike-profile = %s\n", k->out);
	fprintf(out, "\tipsec-profile = %s\n", f->ipsec_prof->out);
	fputs("}\n\n", out);
}

void ios_write_conf(struct ios *ios, FILE *f)
{
	size_t i;

	fprintf(f, "# keyer.conf(5) by kvti import-ios from %s%s%s%s; lines are its lines.\n",
		ios->file, ios->hostname[0] ? " (hostname " : "", ios->hostname,
		ios->hostname[0] ? ")" : "");
	fputs("# Make the tunnels first (setup.sh), then: kvti-keyer --check -c keyer.conf\n", f);
	if (ios->uses_ikev1) {
		struct ios_diag n = {
			.text = (char *)"the configuration is IKEv1 (crypto isakmp), and "
				"kvti-keyer speaks IKEv2 only: its policies, keys, profiles and "
				"keepalives became the IKEv2 proposals, keyrings, profiles and DPD "
				"below; the peer must use IKEv2 with the same settings",
		};
		note_out(ios, &n, f);
	}
	for (i = 0; i < ios->nnotes; i++)
		note_out(ios, &ios->notes[i], f);
	fputc('\n', f);
	if (ios->max_sa)
		fprintf(f, "max-ike-sa = %lu\n", ios->max_sa);
	if (ios->max_half_open)
		fprintf(f, "max-half-open = %lu\n", ios->max_half_open);
	if (ios->nat_keepalive)
		fprintf(f, "nat-keepalive = %lu\n", ios->nat_keepalive);
	if (ios->invalid_spi)
		fputs("invalid-spi-recovery = yes\n", f);
	if (ios->max_sa || ios->max_half_open || ios->nat_keepalive || ios->invalid_spi)
		fputc('\n', f);
	for (i = 0; i < ios->nkeyrings; i++)
		if (ios->keyrings[i].out[0])
			keyring_out(ios, &ios->keyrings[i], f);
	for (i = 0; i < ios->nmerged; i++)
		keyring_out(ios, &ios->merged[i], f);
	for (i = 0; i < ios->nikeprofs; i++)
		if (ios->ikeprofs[i].used && ios->ikeprofs[i].usable)
			ike_out(ios, &ios->ikeprofs[i], f);
	for (i = 0; i < ios->nipsecprofs; i++)
		if (ios->ipsecprofs[i].used && ios->ipsecprofs[i].usable)
			ipsec_out(ios, &ios->ipsecprofs[i], f);
	for (i = 0; i < ios->nifaces; i++)
		if (ios->ifaces[i].usable)
			tunnel_out(ios, &ios->ifaces[i], f);
}

static int vrf_table(const struct ios *ios, const char *vrf)
{
	int i;

	for (i = 0; i < ios->nvrfs; i++)
		if (!strcmp(ios->vrfs[i], vrf))
			return 100 + i;
	return 0;
}

/* --- setup.sh ----------------------------------------------------------- */

/*
 * The uplink holding the tunnel's local address must be in its FVRF for
 * the keyer to bind IKE there.  Which Linux interface that is, setup.sh
 * cannot tell (IOS's interface names are not Linux's): it says so, and
 * names the IOS interface when the file puts the tunnel source in the VRF.
 */
static void fvrf_setup(const struct ios *ios, const struct ios_iface *f, FILE *out)
{
	const struct ios_iface *src = NULL;
	struct ios_addr x;
	char a[64];

	if (f->source[0] && ios_parse_addr(f->source, &x))
		src = ios_iface_find((struct ios *)ios, f->source);
	fprintf(out, "# tunnel vrf %s (line %d): the uplink that holds %s must be in VRF %s\n"
		"# before kvti-keyer starts: ip link set UPLINK master %s\n", f->fvrf, f->fvrf_line,
		ios_addr_str(&f->local, false, a, sizeof(a)), f->fvrf, f->fvrf);
	if (src && !strcmp(src->vrf, f->fvrf))
		fprintf(out, "# UPLINK is %s here (ip vrf forwarding %s, line %d), by its Linux "
			"name:\n# ip link set %s master %s\n", src->name, src->vrf, src->vrf_line,
			src->name, f->fvrf);
}

static void iface_setup(const struct ios *ios, const struct ios_iface *f, FILE *out)
{
	char a[64], b[64];
	int i;

	fprintf(out, "\n# interface %s (line %d)\n", f->name, f->line);
	fprintf(out, "kvti tunnel add %s local %s", f->dev,
		ios_addr_str(&f->local, false, a, sizeof(a)));
	if (f->kind == IOS_IF_TUNNEL)
		fprintf(out, " remote %s", ios_addr_str(&f->peers[0], false, b, sizeof(b)));
	if (f->fvrf[0])
		fprintf(out, " dev %s", f->fvrf);
	if (f->mtu)
		fprintf(out, " mtu %lu", f->mtu);
	if (f->df_out)
		fprintf(out, " df-bit %s", f->df_out);
	fputs(f->kind == IOS_IF_TEMPLATE ? " template\n" : "\n", out);
	if (f->fvrf[0])
		fvrf_setup(ios, f, out);
	if (f->vrf[0])
		fprintf(out, "ip link set %s master %s\n", f->dev, f->vrf);
	if (f->kind == IOS_IF_TEMPLATE) {
		if (f->unnumbered[0] || f->naddr4 || f->naddr6)
			fprintf(out, "# its addresses (ip unnumbered %s) are not the clones': "
				"Linux routes through them without one\n",
				f->unnumbered[0] ? f->unnumbered : "-");
		return;
	}
	/* as IOS, no IPv6 on a tunnel that has no IPv6 address */
	if (!f->naddr6)
		fprintf(out, "ip link set %s addrgenmode none\n", f->dev);
	if (f->shutdown)
		fputs("# shutdown: not set up\n", out);
	else
		fprintf(out, "ip link set %s up\n", f->dev);
	for (i = 0; i < f->naddr4; i++)
		fprintf(out, "ip addr add %s dev %s\n",
			ios_addr_str(&f->addr4[i], true, a, sizeof(a)), f->dev);
	if (!f->naddr4 && f->unnumbered[0]) {
		const struct ios_iface *u = ios_iface_find((struct ios *)ios, f->unnumbered);

		if (u && u->naddr4) {
			struct ios_addr h = u->addr4[0];

			h.plen = 32;
			fprintf(out, "ip addr add %s dev %s\t# ip unnumbered %s\n",
				ios_addr_str(&h, true, a, sizeof(a)), f->dev, f->unnumbered);
		}
	}
	for (i = 0; i < f->naddr6; i++)
		fprintf(out, "ip addr add %s dev %s nodad\n",
			ios_addr_str(&f->addr6[i], true, a, sizeof(a)), f->dev);
}

void ios_write_setup(struct ios *ios, FILE *f)
{
	char a[64];
	size_t i;
	int v;

	fprintf(f, "#!/bin/sh\n# kvti tunnels and routes by kvti import-ios from %s%s%s%s;\n"
		"# lines are its lines.  Run it once, then start kvti-keyer with its keyer.conf.\n",
		ios->file, ios->hostname[0] ? " (hostname " : "", ios->hostname,
		ios->hostname[0] ? ")" : "");
	fputs(""
	      "set -e\n"
	      "[ -d /sys/module/kvti ] || modprobe kvti\n", f);
	for (v = 0; v < ios->nvrfs; v++) {
		bool in = ios->vrf_use[v] & IOS_VRF_INSIDE, front = ios->vrf_use[v] & IOS_VRF_FRONT;

		fputc('\n', f);
		if (in)
			fprintf(f, "# ip vrf forwarding %s%s", ios->vrfs[v], front ? "," : "");
		if (front)
			fprintf(f, "%s tunnel vrf %s", in ? "" : "#", ios->vrfs[v]);
		fprintf(f, ": a VRF, table %d\n", 100 + v);
		fprintf(f, "ip link show %s >/dev/null 2>&1 || ip link add %s type vrf table %d\n",
			ios->vrfs[v], ios->vrfs[v], 100 + v);
		fprintf(f, "ip link set %s up\n", ios->vrfs[v]);
	}
	for (i = 0; i < ios->nifaces; i++)
		if (ios->ifaces[i].usable && ios->ifaces[i].kind == IOS_IF_TEMPLATE)
			iface_setup(ios, &ios->ifaces[i], f);
	for (i = 0; i < ios->nifaces; i++)
		if (ios->ifaces[i].usable && ios->ifaces[i].kind == IOS_IF_TUNNEL)
			iface_setup(ios, &ios->ifaces[i], f);
	for (i = 0; i < ios->nroutes; i++) {
		const struct ios_route *r = &ios->routes[i];

		if (!r->to || !r->to->usable)
			continue;
		fprintf(f, "\n# %s (line %d)\n", r->text, r->line);
		fprintf(f, "ip route add %s", ios_addr_str(&r->dst, true, a, sizeof(a)));
		if (r->via.family)
			fprintf(f, " via %s", ios_addr_str(&r->via, false, a, sizeof(a)));
		fprintf(f, " dev %s", r->to->dev);
		if (r->distance)
			fprintf(f, " metric %lu", r->distance);
		if (r->tag)
			fprintf(f, " realms %lu", r->tag);
		if (r->vrf[0])
			fprintf(f, " table %d", vrf_table(ios, r->vrf));
		fputc('\n', f);
	}
}
