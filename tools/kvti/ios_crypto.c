// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: what the crypto blocks share (ios_ikev1.c, ios_ikev2.c,
 * ios_ipsec.c): algorithm and DH group names, numbers and addresses as
 * IOS writes them, keys, the profiles' identities and local addresses,
 * lookups by name, and the crypto commands that belong to no block.
 *
 * kvti-keyer speaks IKEv2 only: an IKEv1 configuration is carried over as
 * the IKEv2 configuration with the same algorithms, keys and timers.  DH
 * groups 1, 2, 5 and 22..24, which the keyer does not offer (RFC 8247:
 * MUST NOT and SHOULD NOT), become modp2048 with a note: the peer has to
 * change its configuration for IKEv2 anyway.  DES and MD5, which cannot
 * be replaced without the peer noticing, are reported.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ios.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* --- algorithms --------------------------------------------------------- */

/* "integrity" of crypto ikev2 proposal, "hash" of crypto isakmp policy */
const struct ios_alg ios_integ_algs[] = {
	{ "sha", "sha1", false },
	{ "sha1", "sha1", false },
	{ "sha256", "sha256", false },
	{ "sha384", "sha384", false },
	{ "sha512", "sha512", false },
	{ "md5", NULL, false },
};
const size_t ios_ninteg_algs = N_OF(ios_integ_algs);

const struct ios_alg *ios_find_alg(const struct ios_alg *t, size_t n, const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ios_kw(word, t[i].ios))
			return &t[i];
	return NULL;
}

/*
 * IOS DH group numbers.  @weak: a group the keyer does not offer, for
 * which modp2048 stands in.
 */
const char *ios_dh_name(unsigned long group, bool *weak)
{
	static const struct {
		unsigned long group;
		const char *name;
	} groups[] = {
		{ 14, "modp2048" }, { 15, "modp3072" }, { 16, "modp4096" },
		{ 19, "ecp256" }, { 20, "ecp384" }, { 21, "ecp521" }, { 31, "x25519" },
	};
	size_t i;

	*weak = false;
	for (i = 0; i < N_OF(groups); i++)
		if (groups[i].group == group)
			return groups[i].name;
	if (group == 1 || group == 2 || group == 5 || (group >= 22 && group <= 24)) {
		*weak = true;
		return "modp2048";
	}
	return NULL;
}

/* What a group the keyer lacks is, for notes: "modp1024" for group 2. */
const char *ios_dh_bits(unsigned long group)
{
	static const char *const bits[] = {
		[1] = "modp768", [2] = "modp1024", [5] = "modp1536", [22] = "modp1024s160",
		[23] = "modp2048s224", [24] = "modp2048s256",
	};

	return group < sizeof(bits) / sizeof(bits[0]) && bits[group] ? bits[group] : "?";
}

/* A group number, or NULL (reported); a weak one is noted. */
const char *ios_dh_group(struct ios *ios, const struct ios_line *l, const char *word)
{
	unsigned long g;
	const char *name;
	bool weak;

	if (ios_number(word, 1, 99, &g) || !(name = ios_dh_name(g, &weak))) {
		ios_unsupported(ios, l, "DH group %s: kvti-keyer offers 14, 15, 16, 19, 20, 21, 31",
				word ? word : "(none)");
		return NULL;
	}
	if (weak)
		ios_note(ios, l->no, "DH group %lu (%s) is not offered by kvti-keyer: %s instead; "
			 "configure the peer alike", g, ios_dh_bits(g), name);
	return name;
}

/* --- numbers, addresses ------------------------------------------------- */

/* A number in MIN..MAX, or a report naming what it was. */
bool ios_want_number(struct ios *ios, const struct ios_line *l, int i, const char *what,
		   unsigned long min, unsigned long max, unsigned long *out)
{
	if (i < l->n && !ios_number(l->w[i], min, max, out))
		return true;
	ios_unsupported(ios, l, "%s: expected %lu..%lu", what, min, max);
	return false;
}

bool ios_no_more(struct ios *ios, const struct ios_line *l, int i)
{
	if (i >= l->n)
		return true;
	ios_unsupported(ios, l, "unexpected \"%s\"", l->w[i]);
	return false;
}

void ios_copy_name(char *dst, const char *src)
{
	snprintf(dst, IOS_NAME, "%s", src);
}

/*
 * ADDRESS [MASK] at @i as a keyer selector: a host as its address, a
 * prefix as ADDR/LEN; 0.0.0.0 alone means any IPv4 address, as in IOS.
 * "ipv6 X/LEN" too.  Returns the index after it, 0 if malformed.
 */
int ios_address_sel(const struct ios_line *l, int i, struct ios_addr *a)
{
	unsigned int plen;

	if (i < l->n && ios_kw(l->w[i], "ipv6"))
		return i + 1 < l->n && !ios_parse_prefix(l->w[i + 1], a) ? i + 2 : 0;
	if (i < l->n && strchr(l->w[i], '/'))
		return !ios_parse_prefix(l->w[i], a) ? i + 1 : 0;
	if (i >= l->n || ios_parse_addr(l->w[i], a))
		return 0;
	if (i + 1 < l->n && !ios_mask_len(l->w[i + 1], &plen)) {
		a->plen = plen;
		return i + 2;
	}
	if (a->family == AF_INET && !a->a[0] && !a->a[1] && !a->a[2] && !a->a[3])
		a->plen = 0;
	return i + 1;
}

void ios_sel_of(const struct ios_addr *a, char *buf, size_t len)
{
	ios_addr_str(a, a->plen != (a->family == AF_INET ? 32u : 128u), buf, len);
}

/* --- lookups ------------------------------------------------------------ */

struct ios_keyring *ios_keyring_find(struct ios *ios, const char *name, bool ikev2)
{
	size_t i;

	for (i = 1; i < ios->nkeyrings; i++)
		if (ios->keyrings[i].ikev2 == ikev2 && !strcmp(ios->keyrings[i].name, name))
			return &ios->keyrings[i];
	return NULL;
}

struct ios_ikeprof *ios_ikeprof_find(struct ios *ios, const char *name, bool ikev2)
{
	size_t i;

	for (i = 0; i < ios->nikeprofs; i++)
		if (ios->ikeprofs[i].ikev2 == ikev2 && !strcmp(ios->ikeprofs[i].name, name))
			return &ios->ikeprofs[i];
	return NULL;
}

struct ios_tset *ios_tset_find(struct ios *ios, const char *name)
{
	size_t i;

	for (i = 0; i < ios->ntsets; i++)
		if (!strcmp(ios->tsets[i].name, name))
			return &ios->tsets[i];
	return NULL;
}

struct ios_ipsecprof *ios_ipsecprof_find(struct ios *ios, const char *name)
{
	size_t i;

	for (i = 0; i < ios->nipsecprofs; i++)
		if (!strcmp(ios->ipsecprofs[i].name, name))
			return &ios->ipsecprofs[i];
	return NULL;
}

struct ios_prop2 *ios_prop2_find(struct ios *ios, const char *name)
{
	size_t i;

	for (i = 0; i < ios->nprops2; i++)
		if (!strcmp(ios->props2[i].name, name))
			return &ios->props2[i];
	return NULL;
}

/* A block's NAME at @arg, or a report; IOS re-enters a block by name. */
const char *ios_block_name(struct ios *ios, const struct ios_line *l, int arg)
{
	if (arg < l->n && strlen(l->w[arg]) < IOS_NAME)
		return l->w[arg];
	ios_unsupported(ios, l, "expected a NAME of at most %d characters", IOS_NAME - 1);
	ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
	return NULL;
}

/* --- keys --------------------------------------------------------------- */

/*
 * [0|6] KEY at @i: the index of KEY, or -1 if reported.  A type 6 key is
 * encrypted with the router's master key, which the file does not hold.
 */
int ios_key_word(struct ios *ios, const struct ios_line *l, int i, bool type_needs_more)
{
	if (i + 1 < l->n && strlen(l->w[i]) == 1 && strchr("067", l->w[i][0]) &&
	    (!type_needs_more || i + 2 < l->n)) {
		if (l->w[i][0] != '0') {
			ios_unsupported(ios, l, "an encrypted (type %s) key: give it in clear "
					"(type 0) to import it", l->w[i]);
			return -1;
		}
		i++;
	}
	if (i >= l->n) {
		ios_unsupported(ios, l, "expected a KEY");
		return -1;
	}
	return i;
}

void ios_add_psk(struct ios_keyring *kr, int line, const char *sel, const char *local,
		    const char *remote)
{
	struct ios_psk *p = ios_grow(&kr->psk, &kr->npsk, &kr->cap, sizeof(*p));

	p->line = line;
	snprintf(p->sel, sizeof(p->sel), "%s", sel);
	p->local = ios_strdup(local);
	p->remote = ios_strdup(remote);
}

/* --- commands of several blocks ------------------------------------------ */

void ios_cmd_ignore(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)ios;
	(void)l;
	(void)arg;
}

void ios_cmd_max_sa(struct ios *ios, const struct ios_line *l, int arg)
{
	unsigned long n;

	if (ios_want_number(ios, l, arg, "limit", 1, 1000000, &n) && ios_no_more(ios, l, arg + 1))
		ios->max_sa = n;
}

void ios_cmd_max_half_open(struct ios *ios, const struct ios_line *l, int arg)
{
	unsigned long n;

	if (ios_want_number(ios, l, arg, "limit", 1, 1000000, &n) && ios_no_more(ios, l, arg + 1))
		ios->max_half_open = n;
}

void ios_cmd_nat_keepalive(struct ios *ios, const struct ios_line *l, int arg)
{
	unsigned long s;

	if (ios_want_number(ios, l, arg, "NAT keepalive seconds", 5, 3600, &s) && ios_no_more(ios, l, arg + 1))
		ios->nat_keepalive = s;
}

struct ios_ikeprof *ios_ikeprof_new(struct ios *ios, const struct ios_line *l,
				       const char *name, bool ikev2)
{
	struct ios_ikeprof *p = ios_ikeprof_find(ios, name, ikev2);

	if (p)
		return p;
	p = ios_grow(&ios->ikeprofs, &ios->nikeprofs, &ios->cap_ikeprofs, sizeof(*p));
	ios_copy_name(p->name, name);
	p->line = l->no;
	p->ikev2 = ikev2;
	p->vt = -1;
	return p;
}

void ios_profile_keyring(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;

	if (arg >= l->n || !ios_no_more(ios, l, arg + 1))
		return;
	if (p->nkeyrings == IOS_LIST) {
		ios_unsupported(ios, l, "at most %d keyrings per profile", IOS_LIST);
		return;
	}
	ios_copy_name(p->keyrings[p->nkeyrings++], l->w[arg]);
	if (!p->keyring_line)
		p->keyring_line = l->no;
}

struct ios_match *ios_match_new(struct ios *ios, const struct ios_line *l)
{
	struct ios_ikeprof *p = ios->obj;

	if (p->nmatch == (int)N_OF(p->match)) {
		ios_unsupported(ios, l, "at most %zu identities per profile", N_OF(p->match));
		return NULL;
	}
	memset(&p->match[p->nmatch], 0, sizeof(p->match[0]));
	p->match[p->nmatch].line = l->no;
	return &p->match[p->nmatch++];
}

/*
 * match identity address ADDR [MASK] [FVRF] (IKEv1) / remote address
 * (IKEv2).  The FVRF says which front-door VRF the peer is in; kvti-keyer
 * matches a peer in the fvrf of the profile's template or tunnel, so it
 * is kept only for ios_resolve() to check against that.
 */
void ios_match_address(struct ios *ios, const struct ios_line *l, int arg, bool ikev2)
{
	struct ios_match m = { .line = l->no }, *slot;
	int i = ios_address_sel(l, arg, &m.prefix);

	if (!i) {
		ios_unsupported(ios, l, "expected ADDRESS [MASK]");
		return;
	}
	if (!ikev2 && i + 1 == l->n)
		ios_copy_name(m.fvrf, l->w[i++]);
	if (!ios_no_more(ios, l, i))
		return;
	if (m.prefix.plen == 0)
		m.any = true;
	else if (m.prefix.plen == (m.prefix.family == AF_INET ? 32u : 128u))
		ios_addr_str(&m.prefix, false, m.id, sizeof(m.id));
	slot = ios_match_new(ios, l);
	if (slot)
		*slot = m;
}

void ios_cmd_virtual_template(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;
	unsigned long n;

	if (ios_want_number(ios, l, arg, "virtual-template", 1, 200000, &n) && ios_no_more(ios, l, arg + 1)) {
		p->vt = (long)n;
		p->vt_line = l->no;
	}
}

/* local-address IF|ADDR (IKEv1), match address local [interface] IF|ADDR (IKEv2) */
void ios_local_address(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;

	if (arg >= l->n || !ios_no_more(ios, l, arg + 1))
		return;
	p->local_line = l->no;
	if (ios_parse_addr(l->w[arg], &p->local_addr))
		ios_copy_name(p->local_if, l->w[arg]);
}

void ios_cmd_local_address(struct ios *ios, const struct ios_line *l, int arg)
{
	ios_local_address(ios, l, arg);
}

/* --- commands of no block ----------------------------------------------- */

/* crypto map, crypto dynamic-map: the block is reported by its first line */
static void cmd_crypto_map(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	ios_unsupported(ios, l, "crypto maps are policy-based IPsec; kvti is route-based: "
			"configure a VTI instead");
	ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
}

void ios_cmd_unsupported_block(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	ios_unsupported(ios, l, "Easy VPN and ISAKMP peer policies have no kvti equivalent");
	ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
}

/* PKI, RSA keys, logging: not IPsec VTI configuration, skipped with their blocks */
static void cmd_skip_block(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)l;
	(void)arg;
	ios_begin(ios, IOS_CTX_SKIP, NULL);
}

/* The open block ends: a crypto ikev2 keyring's peer is stored. */
void ios_crypto_end(struct ios *ios)
{
	if (ios->ctx == IOS_CTX_PEER2 || ios->in_peer2)
		ios_peer2_flush(ios);
}

const struct ios_cmd ios_crypto_global[] = {
	{ "crypto call admission limit ike sa", ios_cmd_max_sa, false, 0 },
	{ "crypto call admission limit ike in-negotiation-sa", ios_cmd_max_half_open, false, 0 },
	{ "crypto map", cmd_crypto_map, false, 0 },
	{ "crypto dynamic-map", cmd_crypto_map, false, 0 },
	{ "crypto pki", cmd_skip_block, false, 0 },
	{ "crypto ca", cmd_skip_block, false, 0 },
	{ "crypto key", cmd_skip_block, false, 0 },
	{ "crypto logging", cmd_skip_block, false, 0 },
};
const size_t ios_ncrypto_global = N_OF(ios_crypto_global);

/* The end of the file: what IOS's defaults make of incomplete blocks. */
void ios_crypto_finish(struct ios *ios)
{
	ios_ikev1_finish(ios);
	ios_ikev2_finish(ios);
}
