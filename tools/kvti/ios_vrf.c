// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: VRFs.  A tunnel's front-door VRF (FVRF, IOS "tunnel
 * vrf") is where its outer packets and its IKE are routed: keyer.conf's
 * fvrf and the netdev's underlay (kvti tunnel add ... dev VRF).  Its
 * inside VRF (IVRF, "ip vrf forwarding", or an isakmp profile's "vrf") is
 * the netdev's master.  setup.sh makes one VRF device per name, whichever
 * it is to whom.
 *
 * IOS picks IKE's profile and keyring by the FVRF an exchange arrived in
 * ("crypto keyring NAME vrf V", "match identity address A M V", "match
 * fvrf V"); kvti-keyer takes the profile of the tunnel or template whose
 * fvrf matched, and with it the keyring.  So those lines carry nothing
 * over themselves: they must agree with the tunnels that use them, and
 * what does not is reported with both lines.
 */
#include <string.h>

#include "ios.h"

/* How a diagnostic names a tunnel's FVRF: "tunnel vrf V", "no tunnel vrf". */
static const char *fvrf_text(const struct ios_iface *f, char *buf, size_t len)
{
	if (!f->fvrf[0])
		return "no tunnel vrf";
	snprintf(buf, len, "tunnel vrf %s", f->fvrf);
	return buf;
}

/* The line to report a tunnel's FVRF at: its tunnel vrf, else the interface. */
static int fvrf_line(const struct ios_iface *f)
{
	return f->fvrf[0] ? f->fvrf_line : f->line;
}

static bool is_vti(const struct ios_iface *f)
{
	return f->kind != IOS_IF_OTHER && f->ipsec;
}

bool ios_vrf_used_by(const struct ios *ios, const struct ios_ikeprof *k, const char *vrf)
{
	size_t i;

	for (i = 0; i < ios->nifaces; i++)
		if (is_vti(&ios->ifaces[i]) && ios->ifaces[i].ike_prof == k &&
		    !strcmp(ios->ifaces[i].fvrf, vrf))
			return true;
	return false;
}

/*
 * The FVRF of the tunnels using @k, into @vrf ("": none): IKEv1 without a
 * keyring in its profile takes the keys bound to that VRF, as IOS searches
 * them.  False, reported, if its tunnels are in different ones: a
 * kvti-keyer profile has one keyring.
 */
bool ios_vrf_of_profile(struct ios *ios, const struct ios_ikeprof *k, const char **vrf)
{
	const struct ios_iface *first = NULL;
	char a[IOS_NAME + 16], b[IOS_NAME + 16];
	size_t i;

	*vrf = "";
	for (i = 0; i < ios->nifaces; i++) {
		const struct ios_iface *f = &ios->ifaces[i];

		if (!is_vti(f) || f->ike_prof != k)
			continue;
		if (!first) {
			first = f;
			*vrf = f->fvrf;
			continue;
		}
		if (!strcmp(f->fvrf, first->fvrf))
			continue;
		ios_unresolved(ios, fvrf_line(f), "%s: %s, but %s has %s (line %d), and both use "
			       "%s, which names no keyring: give each front-door VRF a crypto "
			       "isakmp profile with its keyring", f->name, fvrf_text(f, a, sizeof(a)),
			       first->name, fvrf_text(first, b, sizeof(b)), fvrf_line(first),
			       k->implicit ? "IKEv1 without a crypto isakmp profile" : k->name);
		return false;
	}
	return true;
}

/* A VRF setup.sh makes: an FVRF and an IVRF of the same name are one device. */
static void add_vrf(struct ios *ios, const char *vrf, enum ios_vrf_use use)
{
	int i;

	for (i = 0; i < ios->nvrfs; i++)
		if (!strcmp(ios->vrfs[i], vrf))
			break;
	if (i == ios->nvrfs) {
		if (ios->nvrfs == IOS_LIST)
			return;
		snprintf(ios->vrfs[ios->nvrfs++], IOS_DEV, "%.15s", vrf);
	}
	ios->vrf_use[i] |= use;
}

/*
 * An isakmp profile's "vrf V" is the inside VRF of the tunnels using it,
 * as if they had ip vrf forwarding V; a tunnel with another is reported.
 */
static void profile_ivrf(struct ios *ios, struct ios_iface *f)
{
	const struct ios_ikeprof *k = f->ike_prof;

	if (!k->ivrf[0])
		return;
	if (!f->vrf[0]) {
		ios_copy_name(f->vrf, k->ivrf);
		f->vrf_line = k->ivrf_line;
		ios_note(ios, k->ivrf_line, "vrf %s of crypto isakmp profile %s is the inside VRF "
			 "of %s, as ip vrf forwarding %s", k->ivrf, k->name, f->name, k->ivrf);
	} else if (strcmp(f->vrf, k->ivrf)) {
		ios_unresolved(ios, f->vrf_line, "%s: ip vrf forwarding %s, but its crypto isakmp "
			       "profile %s has vrf %s (line %d)", f->name, f->vrf, k->name, k->ivrf,
			       k->ivrf_line);
	}
}

/*
 * IOS looks the tunnel source up in the FVRF's table: an interface of the
 * file that is the source must be in it (setup.sh says to enslave it).
 */
static void source_vrf(struct ios *ios, const struct ios_iface *f)
{
	const struct ios_iface *src;
	struct ios_addr a;
	char b[IOS_NAME + 16];

	if (!f->source[0] || !ios_parse_addr(f->source, &a))
		return;
	src = ios_iface_find(ios, f->source);
	if (!src || !src->vrf[0] || !strcmp(src->vrf, f->fvrf))
		return;
	ios_unresolved(ios, fvrf_line(f), "%s: %s, but its tunnel source %s is in VRF %s "
		       "(line %d)", f->name, fvrf_text(f, b, sizeof(b)), src->name, src->vrf,
		       src->vrf_line);
}

/* A tunnel's VRFs, once its profiles are known; setup.sh makes them. */
void ios_vrf_tunnel(struct ios *ios, struct ios_iface *f)
{
	profile_ivrf(ios, f);
	source_vrf(ios, f);
	if (f->fvrf[0])
		add_vrf(ios, f->fvrf, IOS_VRF_FRONT);
	if (f->vrf[0])
		add_vrf(ios, f->vrf, IOS_VRF_INSIDE);
}

/* What picks @f's profile and keyring by FVRF in IOS agrees with its tunnel vrf. */
void ios_vrf_check(struct ios *ios, const struct ios_iface *f)
{
	const struct ios_ikeprof *k = f->ike_prof;
	char b[IOS_NAME + 16];
	int i;

	for (i = 0; !k->ikev2 && i < k->nkeyrings; i++) {
		const struct ios_keyring *kr = ios_keyring_find(ios, k->keyrings[i], false);

		if (kr && strcmp(kr->vrf, f->fvrf))
			ios_unresolved(ios, fvrf_line(f), "%s: %s, but its keyring %s (line %d) is "
				       "bound to %s%s: IOS uses a keyring only for IKE in its VRF",
				       f->name, fvrf_text(f, b, sizeof(b)), kr->name, kr->line,
				       kr->vrf[0] ? "vrf " : "no VRF", kr->vrf);
	}
	for (i = 0; i < k->nmatch; i++)
		if (k->match[i].fvrf[0] && strcmp(k->match[i].fvrf, f->fvrf))
			ios_unresolved(ios, fvrf_line(f), "%s: %s, but crypto isakmp profile %s "
				       "matches peers in vrf %s (line %d)", f->name,
				       fvrf_text(f, b, sizeof(b)), k->name, k->match[i].fvrf,
				       k->match[i].line);
	if (k->fvrf[0] && strcmp(k->fvrf, f->fvrf))
		ios_unresolved(ios, fvrf_line(f), "%s: %s, but crypto ikev2 profile %s has match "
			       "fvrf %s (line %d)", f->name, fvrf_text(f, b, sizeof(b)), k->name,
			       k->fvrf, k->fvrf_line);
}

/*
 * Is @kr bound to a VRF that is no tunnel's FVRF?  It serves none of the
 * file's tunnels; it is converted as it is, with a note.
 */
bool ios_vrf_keyring_unused(struct ios *ios, const struct ios_keyring *kr)
{
	size_t i;

	if (kr->ikev2 || !kr->vrf[0] || !kr->npsk)
		return false;
	for (i = 0; i < ios->nifaces; i++)
		if (is_vti(&ios->ifaces[i]) && !strcmp(ios->ifaces[i].fvrf, kr->vrf))
			return false;
	ios_note(ios, kr->line, "crypto keyring %s is bound to vrf %s, which is no tunnel's "
		 "tunnel vrf: converted as it is", kr->name, kr->vrf);
	return true;
}
