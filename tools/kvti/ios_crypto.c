// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: the crypto commands.  Each block of IOS becomes an
 * object of the model (ios.h), with every algorithm translated to the
 * keyer's name for it (keyer/proposal.c) as it is read:
 *
 *   crypto isakmp policy N        one IKE proposal of every IKEv1 profile
 *   crypto isakmp key, keyring    keyrings (the global keys are one)
 *   crypto isakmp profile         an ike-profile
 *   crypto isakmp keepalive       dpd of the IKEv1 profiles
 *   crypto ikev2 proposal/policy  IKE proposals of the IKEv2 profiles
 *   crypto ikev2 keyring          a keyring, one selector per address or
 *                                 identity of each peer
 *   crypto ikev2 profile          an ike-profile
 *   crypto ipsec transform-set    one ESP proposal
 *   crypto ipsec profile          an ipsec-profile
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

struct alg {
	const char *ios;
	const char *keyer;	/* NULL: not offered by kvti-keyer */
	bool aead;
};

/* crypto ikev2 proposal "encryption" */
static const struct alg enc2[] = {
	{ "aes-cbc-128", "aes128", false },
	{ "aes-cbc-192", "aes192", false },
	{ "aes-cbc-256", "aes256", false },
	{ "aes-gcm-128", "aes128gcm16", true },
	{ "aes-gcm-192", "aes192gcm16", true },
	{ "aes-gcm-256", "aes256gcm16", true },
	{ "3des", "3des", false },
	{ "des", NULL, false },
};

/* "integrity" of crypto ikev2 proposal, "hash" of crypto isakmp policy */
static const struct alg integ[] = {
	{ "sha", "sha1", false },
	{ "sha1", "sha1", false },
	{ "sha256", "sha256", false },
	{ "sha384", "sha384", false },
	{ "sha512", "sha512", false },
	{ "md5", NULL, false },
};

static const struct alg prf2[] = {
	{ "sha1", "prfsha1", false },
	{ "sha256", "prfsha256", false },
	{ "sha384", "prfsha384", false },
	{ "sha512", "prfsha512", false },
	{ "md5", NULL, false },
};

static const struct alg *find_alg(const struct alg *t, size_t n, const char *word)
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

static const char *const dh_bits[] = {
	[1] = "modp768", [2] = "modp1024", [5] = "modp1536", [22] = "modp1024s160",
	[23] = "modp2048s224", [24] = "modp2048s256",
};

/* A group number, or NULL (reported); a weak one is noted. */
static const char *dh_group(struct ios *ios, const struct ios_line *l, const char *word)
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
			 "configure the peer alike", g, dh_bits[g], name);
	return name;
}

/* A number in MIN..MAX, or a report naming what it was. */
static bool number(struct ios *ios, const struct ios_line *l, int i, const char *what,
		   unsigned long min, unsigned long max, unsigned long *out)
{
	if (i < l->n && !ios_number(l->w[i], min, max, out))
		return true;
	ios_unsupported(ios, l, "%s: expected %lu..%lu", what, min, max);
	return false;
}

static bool no_more(struct ios *ios, const struct ios_line *l, int i)
{
	if (i >= l->n)
		return true;
	ios_unsupported(ios, l, "unexpected \"%s\"", l->w[i]);
	return false;
}

static void copy_name(char *dst, const char *src)
{
	snprintf(dst, IOS_NAME, "%s", src);
}

/*
 * ADDRESS [MASK] at @i as a keyer selector: a host as its address, a
 * prefix as ADDR/LEN; 0.0.0.0 alone means any IPv4 address, as in IOS.
 * "ipv6 X/LEN" too.  Returns the index after it, 0 if malformed.
 */
static int address_sel(const struct ios_line *l, int i, struct ios_addr *a)
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

static void sel_of(const struct ios_addr *a, char *buf, size_t len)
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
static const char *block_name(struct ios *ios, const struct ios_line *l, int arg)
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
static int key_word(struct ios *ios, const struct ios_line *l, int i, bool type_needs_more)
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

static void add_psk(struct ios_keyring *kr, int line, const char *sel, const char *local,
		    const char *remote)
{
	struct ios_psk *p = ios_grow(&kr->psk, &kr->npsk, &kr->cap, sizeof(*p));

	p->line = line;
	snprintf(p->sel, sizeof(p->sel), "%s", sel);
	p->local = ios_strdup(local);
	p->remote = ios_strdup(remote);
}

/*
 * crypto isakmp key [0|6] KEY { address ADDR [MASK] | address ipv6 X/LEN |
 * hostname NAME } [no-xauth]
 */
static void cmd_isakmp_key(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_addr a;
	char sel[IOS_ID];
	int k = key_word(ios, l, arg, true), i;

	if (k < 0)
		return;
	i = k + 1;
	if (ios_kw(l->w[i], "address") && (i = address_sel(l, i + 1, &a))) {
		sel_of(&a, sel, sizeof(sel));
	} else if (ios_kw(l->w[k + 1], "hostname") && k + 2 < l->n) {
		snprintf(sel, sizeof(sel), "fqdn:%s", l->w[k + 2]);
		i = k + 3;
	} else {
		ios_unsupported(ios, l, "expected address ADDR [MASK] or hostname NAME");
		return;
	}
	if (i < l->n && ios_kw(l->w[i], "no-xauth"))
		i++;
	if (!no_more(ios, l, i))
		return;
	add_psk(&ios->keyrings[0], l->no, sel, l->w[k], l->w[k]);
	if (!ios->keyrings[0].line)
		ios->keyrings[0].line = l->no;
}

/* crypto keyring NAME [vrf V] */
static void cmd_keyring(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = block_name(ios, l, arg);
	struct ios_keyring *kr;

	if (!name)
		return;
	if (arg + 1 < l->n) {
		ios_unsupported(ios, l, "%s", ios_kw(l->w[arg + 1], "vrf") ?
				"front-door VRFs are not supported yet" : "expected NAME");
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	kr = ios_keyring_find(ios, name, false);
	if (!kr) {
		kr = ios_grow(&ios->keyrings, &ios->nkeyrings, &ios->cap_keyrings, sizeof(*kr));
		copy_name(kr->name, name);
		kr->line = l->no;
	}
	ios_begin(ios, IOS_CTX_KEYRING, kr);
}

/*
 * pre-shared-key { address ADDR [MASK] | address ipv6 X/LEN | hostname NAME }
 * key [0|6] KEY
 */
static void cmd_keyring_psk(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_keyring *kr = ios->obj;
	struct ios_addr a;
	char sel[IOS_ID];
	int i = arg, k;

	if (ios_kw(l->w[i], "address") && (i = address_sel(l, i + 1, &a))) {
		sel_of(&a, sel, sizeof(sel));
	} else if (ios_kw(l->w[arg], "hostname") && arg + 1 < l->n) {
		snprintf(sel, sizeof(sel), "fqdn:%s", l->w[arg + 1]);
		i = arg + 2;
	} else {
		ios_unsupported(ios, l, "expected address ADDR [MASK] or hostname NAME");
		return;
	}
	if (!ios_kw(l->w[i], "key")) {
		ios_unsupported(ios, l, "expected key KEY");
		return;
	}
	k = key_word(ios, l, i + 1, false);
	if (k < 0 || !no_more(ios, l, k + 1))
		return;
	add_psk(kr, l->no, sel, l->w[k], l->w[k]);
}

static void cmd_keyring_local(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	ios_unsupported(ios, l, "a kvti keyring belongs to the profiles that name it, "
			"not to a local address");
}

static void cmd_ignore(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)ios;
	(void)l;
	(void)arg;
}

/* --- crypto isakmp ------------------------------------------------------ */

/* crypto isakmp policy N: IOS defaults des, sha, rsa-sig, group 1, 86400 s. */
static void cmd_policy(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_policy *p = NULL;
	unsigned long prio;
	size_t i;

	if (!number(ios, l, arg, "priority", 1, 10000, &prio) || !no_more(ios, l, arg + 1)) {
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	for (i = 0; i < ios->npolicies; i++)
		if (ios->policies[i].prio == prio)
			p = &ios->policies[i];
	if (!p) {
		p = ios_grow(&ios->policies, &ios->npolicies, &ios->cap_policies, sizeof(*p));
		p->prio = prio;
		p->line = l->no;
		p->integ = "sha1";
		p->lifetime = 86400;
	}
	ios_begin(ios, IOS_CTX_POLICY, p);
}

/* encryption {des | 3des | aes [128 | 192 | 256]} */
static void cmd_policy_enc(struct ios *ios, const struct ios_line *l, int arg)
{
	static const char *const aes[] = { "aes128", "aes192", "aes256" };
	struct ios_policy *p = ios->obj;
	unsigned long bits = 128;
	int i = arg + 1;

	p->enc_set = true;
	p->enc = NULL;
	if (ios_kw(l->w[arg], "3des")) {
		p->enc = "3des";
	} else if (ios_kw(l->w[arg], "aes")) {
		if (i < l->n && (ios_number(l->w[i], 128, 256, &bits) ||
				 (bits != 128 && bits != 192 && bits != 256))) {
			ios_unsupported(ios, l, "AES key length: expected 128, 192 or 256");
			p->bad = true;
			return;
		}
		i += i < l->n;
		p->enc = aes[(bits - 128) / 64];
	} else {
		ios_unsupported(ios, l, "kvti-keyer offers aes and 3des, not %s",
				arg < l->n ? l->w[arg] : "(none)");
		p->bad = true;
		return;
	}
	if (!no_more(ios, l, i)) {
		p->enc = NULL;
		p->bad = true;
	}
}

static void cmd_policy_hash(struct ios *ios, const struct ios_line *l, int arg)
{
	const struct alg *a = find_alg(integ, N_OF(integ), l->w[arg]);
	struct ios_policy *p = ios->obj;

	p->integ = NULL;
	if (!a || !a->keyer || arg + 1 != l->n) {
		ios_unsupported(ios, l, "kvti-keyer offers sha, sha256, sha384, sha512");
		p->bad = true;
		return;
	}
	p->integ = a->keyer;
}

static void cmd_policy_auth(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_policy *p = ios->obj;

	p->auth_set = true;
	p->auth_psk = ios_kw(l->w[arg], "pre-share") && arg + 1 == l->n;
	if (!p->auth_psk) {
		ios_unsupported(ios, l, "kvti-keyer authenticates with pre-shared keys only");
		p->bad = true;
	}
}

static void cmd_policy_group(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_policy *p = ios->obj;

	p->dh_set = true;
	p->dh = no_more(ios, l, arg + 1) ? dh_group(ios, l, l->w[arg]) : NULL;
	if (!p->dh)
		p->bad = true;
}

static void cmd_policy_lifetime(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_policy *p = ios->obj;

	if (!number(ios, l, arg, "lifetime", 60, 86400, &p->lifetime) ||
	    !no_more(ios, l, arg + 1))
		p->bad = true;
}

/* crypto isakmp keepalive SECONDS [RETRIES] [periodic | on-demand] */
static void keepalive(struct ios *ios, const struct ios_line *l, int arg, bool *periodic,
		      unsigned long *s, unsigned long *r, bool *set)
{
	int i = arg + 1;

	*r = 2;
	*periodic = false;
	if (!number(ios, l, arg, "keepalive seconds", 10, 3600, s))
		return;
	if (i < l->n && l->w[i][0] >= '0' && l->w[i][0] <= '9' &&
	    !number(ios, l, i++, "keepalive retries", 2, 60, r))
		return;
	if (i < l->n && (ios_kw(l->w[i], "periodic") || ios_kw(l->w[i], "on-demand")))
		*periodic = ios_kw(l->w[i++], "periodic");
	if (no_more(ios, l, i))
		*set = true;
}

static void cmd_isakmp_keepalive(struct ios *ios, const struct ios_line *l, int arg)
{
	keepalive(ios, l, arg, &ios->keepalive_periodic, &ios->keepalive_s, &ios->keepalive_r,
		  &ios->keepalive);
	ios->keepalive_line = l->no;
}

static void cmd_nat_keepalive(struct ios *ios, const struct ios_line *l, int arg)
{
	unsigned long s;

	if (number(ios, l, arg, "NAT keepalive seconds", 5, 3600, &s) && no_more(ios, l, arg + 1))
		ios->nat_keepalive = s;
}

static void cmd_invalid_spi(struct ios *ios, const struct ios_line *l, int arg)
{
	if (no_more(ios, l, arg))
		ios->invalid_spi = true;
}

/* crypto isakmp identity {address | hostname} */
static void cmd_isakmp_identity(struct ios *ios, const struct ios_line *l, int arg)
{
	if (arg + 1 == l->n && ios_kw(l->w[arg], "address"))
		ios->isakmp_id_hostname = false;
	else if (arg + 1 == l->n && ios_kw(l->w[arg], "hostname"))
		ios->isakmp_id_hostname = true;
	else
		ios_unsupported(ios, l, "kvti-keyer identifies itself by address or host name");
}

static void cmd_max_sa(struct ios *ios, const struct ios_line *l, int arg)
{
	unsigned long n;

	if (number(ios, l, arg, "limit", 1, 1000000, &n) && no_more(ios, l, arg + 1))
		ios->max_sa = n;
}

static void cmd_max_half_open(struct ios *ios, const struct ios_line *l, int arg)
{
	unsigned long n;

	if (number(ios, l, arg, "limit", 1, 1000000, &n) && no_more(ios, l, arg + 1))
		ios->max_half_open = n;
}

static void cmd_cookie(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	ios_note(ios, l->no, "kvti-keyer sends COOKIEs on its own under load "
		 "(max-half-open limits half-open SAs)");
}

static struct ios_ikeprof *new_ikeprof(struct ios *ios, const struct ios_line *l,
				       const char *name, bool ikev2)
{
	struct ios_ikeprof *p = ios_ikeprof_find(ios, name, ikev2);

	if (p)
		return p;
	p = ios_grow(&ios->ikeprofs, &ios->nikeprofs, &ios->cap_ikeprofs, sizeof(*p));
	copy_name(p->name, name);
	p->line = l->no;
	p->ikev2 = ikev2;
	p->vt = -1;
	return p;
}

static void cmd_isakmp_profile(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = block_name(ios, l, arg);

	if (name && no_more(ios, l, arg + 1))
		ios_begin(ios, IOS_CTX_ISAKMP_PROFILE, new_ikeprof(ios, l, name, false));
	else if (name)
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
}

static void cmd_profile_keyring(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;

	if (arg >= l->n || !no_more(ios, l, arg + 1))
		return;
	if (p->nkeyrings == IOS_LIST) {
		ios_unsupported(ios, l, "at most %d keyrings per profile", IOS_LIST);
		return;
	}
	copy_name(p->keyrings[p->nkeyrings++], l->w[arg]);
	if (!p->keyring_line)
		p->keyring_line = l->no;
}

static struct ios_match *new_match(struct ios *ios, const struct ios_line *l)
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

/* match identity address ADDR [MASK] [VRF] (IKEv1) / remote address (IKEv2) */
static void match_address(struct ios *ios, const struct ios_line *l, int arg, bool ikev2)
{
	struct ios_match m = { .line = l->no }, *slot;
	int i = address_sel(l, arg, &m.prefix);

	if (!i) {
		ios_unsupported(ios, l, "expected ADDRESS [MASK]");
		return;
	}
	if (!ikev2 && i < l->n) {
		ios_unsupported(ios, l, "front-door VRFs are not supported yet");
		return;
	}
	if (!no_more(ios, l, i))
		return;
	if (m.prefix.plen == 0)
		m.any = true;
	else if (m.prefix.plen == (m.prefix.family == AF_INET ? 32u : 128u))
		ios_addr_str(&m.prefix, false, m.id, sizeof(m.id));
	slot = new_match(ios, l);
	if (slot)
		*slot = m;
}

static void cmd_match_id_address(struct ios *ios, const struct ios_line *l, int arg)
{
	match_address(ios, l, arg, false);
}

/* A keyer pattern "PREFIX:NAME" from [domain] NAME at @arg (IOS host/user, fqdn/email). */
static void match_named(struct ios *ios, const struct ios_line *l, int arg, const char *kind)
{
	struct ios_match *m;
	bool domain = ios_kw(l->w[arg], "domain") && arg + 1 < l->n;
	const char *name = l->w[arg + domain];

	if (!name || !no_more(ios, l, arg + domain + 1))
		return;
	m = new_match(ios, l);
	if (!m)
		return;
	if (!domain)
		snprintf(m->id, sizeof(m->id), "%s:%s", kind, name);
	else if (!strcmp(kind, "email"))
		snprintf(m->id, sizeof(m->id), "email:*@%s", name);
	else
		snprintf(m->id, sizeof(m->id), "fqdn:*.%s", name);
}

static void cmd_match_id_host(struct ios *ios, const struct ios_line *l, int arg)
{
	match_named(ios, l, arg, "fqdn");
}

static void cmd_match_id_user(struct ios *ios, const struct ios_line *l, int arg)
{
	match_named(ios, l, arg, "email");
}

/* self-identity {address | fqdn | user-fqdn NAME} */
static void cmd_self_identity(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;

	if (ios_kw(l->w[arg], "address") && arg + 1 == l->n)
		p->local_id[0] = '\0';
	else if (ios_kw(l->w[arg], "fqdn") && arg + 1 == l->n)
		snprintf(p->local_id, sizeof(p->local_id), "fqdn:");	/* the host name */
	else if (ios_kw(l->w[arg], "user-fqdn") && arg + 2 == l->n)
		snprintf(p->local_id, sizeof(p->local_id), "email:%s", l->w[arg + 1]);
	else
		ios_unsupported(ios, l, "kvti-keyer identifies itself by address, fqdn or email");
}

/* keepalive SECONDS retry RETRIES (crypto isakmp profile) */
static void cmd_profile_keepalive(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;
	unsigned long s, r = 2;

	if (!number(ios, l, arg, "keepalive seconds", 10, 3600, &s))
		return;
	if (arg + 1 < l->n && (!ios_kw(l->w[arg + 1], "retry") ||
			       !number(ios, l, arg + 2, "keepalive retries", 2, 60, &r) ||
			       !no_more(ios, l, arg + 3)))
		return;
	p->has_dpd = true;
	p->dpd_periodic = false;
	p->dpd_interval = s;
	p->dpd_retries = r;
}

static void cmd_virtual_template(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;
	unsigned long n;

	if (number(ios, l, arg, "virtual-template", 1, 200000, &n) && no_more(ios, l, arg + 1)) {
		p->vt = (long)n;
		p->vt_line = l->no;
	}
}

/* local-address IF|ADDR (IKEv1), match address local [interface] IF|ADDR (IKEv2) */
static void local_address(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;

	if (arg >= l->n || !no_more(ios, l, arg + 1))
		return;
	p->local_line = l->no;
	if (ios_parse_addr(l->w[arg], &p->local_addr))
		copy_name(p->local_if, l->w[arg]);
}

static void cmd_local_address(struct ios *ios, const struct ios_line *l, int arg)
{
	local_address(ios, l, arg);
}

static void cmd_fvrf_unsupported(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	ios_unsupported(ios, l, "front-door VRFs are not supported yet");
}

/* --- crypto ikev2 ------------------------------------------------------- */

static void cmd_prop2(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = block_name(ios, l, arg);
	struct ios_prop2 *p;

	if (!name)
		return;
	if (!no_more(ios, l, arg + 1)) {
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	p = ios_prop2_find(ios, name);
	if (!p) {
		p = ios_grow(&ios->props2, &ios->nprops2, &ios->cap_props2, sizeof(*p));
		copy_name(p->name, name);
		p->line = l->no;
	}
	ios_begin(ios, IOS_CTX_PROP2, p);
}

/*
 * A list of algorithms; those kvti-keyer lacks are left out with a note,
 * and a list with none it has is reported.
 */
static void alg_list(struct ios *ios, const struct ios_line *l, int arg, const struct alg *t,
		     size_t nt, const char **out, int *n)
{
	struct ios_prop2 *p = ios->obj;
	const struct alg *a;
	int i;

	*n = 0;
	for (i = arg; i < l->n; i++) {
		a = find_alg(t, nt, l->w[i]);
		if (!a) {
			ios_unsupported(ios, l, "unknown algorithm \"%s\"", l->w[i]);
			p->bad = true;
			*n = 0;
			return;
		}
		if (!a->keyer)
			ios_note(ios, l->no, "%s is not offered by kvti-keyer: left out", a->ios);
		else if (*n < IOS_LIST)
			out[(*n)++] = a->keyer;
	}
	if (!*n) {
		ios_unsupported(ios, l, "no algorithm kvti-keyer offers");
		p->bad = true;
	}
}

static void cmd_prop2_enc(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_prop2 *p = ios->obj;

	alg_list(ios, l, arg, enc2, N_OF(enc2), p->enc, &p->nenc);
}

static void cmd_prop2_integ(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_prop2 *p = ios->obj;

	alg_list(ios, l, arg, integ, N_OF(integ), p->integ, &p->ninteg);
}

static void cmd_prop2_prf(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_prop2 *p = ios->obj;

	alg_list(ios, l, arg, prf2, N_OF(prf2), p->prf, &p->nprf);
}

static void cmd_prop2_group(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_prop2 *p = ios->obj;
	const char *name;
	int i, j;

	p->ndh = 0;
	for (i = arg; i < l->n; i++) {
		name = dh_group(ios, l, l->w[i]);
		if (!name) {
			p->bad = true;
			continue;
		}
		for (j = 0; j < p->ndh && strcmp(p->dh[j], name); j++)
			;
		if (j == p->ndh && p->ndh < IOS_LIST)
			p->dh[p->ndh++] = name;
	}
	if (arg >= l->n)
		ios_unsupported(ios, l, "expected DH group numbers");
}

static bool is_aead(const char *keyer_enc)
{
	return strstr(keyer_enc, "gcm") != NULL;
}

static void cmd_pol2(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = block_name(ios, l, arg);
	struct ios_pol2 *p = NULL;
	size_t i;

	if (!name)
		return;
	if (!no_more(ios, l, arg + 1)) {
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	for (i = 0; i < ios->npols2; i++)
		if (!strcmp(ios->pols2[i].name, name))
			p = &ios->pols2[i];
	if (!p) {
		p = ios_grow(&ios->pols2, &ios->npols2, &ios->cap_pols2, sizeof(*p));
		copy_name(p->name, name);
		p->line = l->no;
	}
	ios_begin(ios, IOS_CTX_POL2, p);
}

static void cmd_pol2_proposal(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_pol2 *p = ios->obj;
	int i;

	for (i = arg; i < l->n; i++) {
		if (!ios_prop2_find(ios, l->w[i])) {
			ios_unresolved(ios, l->no, "proposal %s: no crypto ikev2 proposal %s "
				       "before this line", l->w[i], l->w[i]);
			continue;
		}
		if (p->nprops < IOS_LIST)
			copy_name(p->props[p->nprops++], l->w[i]);
	}
}

static void cmd_pol2_local(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_pol2 *p = ios->obj;
	struct ios_addr a;

	if (arg + 1 != l->n || ios_parse_addr(l->w[arg], &a)) {
		ios_unsupported(ios, l, "expected an address");
		return;
	}
	if (p->nlocal < IOS_LIST)
		p->local[p->nlocal++] = a;
}

static void cmd_keyring2(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = block_name(ios, l, arg);
	struct ios_keyring *kr;

	if (!name)
		return;
	if (!no_more(ios, l, arg + 1)) {
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	kr = ios_keyring_find(ios, name, true);
	if (!kr) {
		kr = ios_grow(&ios->keyrings, &ios->nkeyrings, &ios->cap_keyrings, sizeof(*kr));
		copy_name(kr->name, name);
		kr->line = l->no;
		kr->ikev2 = true;
	}
	ios_begin(ios, IOS_CTX_KEYRING2, kr);
}

/* The peer read so far goes into its keyring, once per selector. */
static void flush_peer2(struct ios *ios)
{
	struct ios_peer2 *pe = &ios->peer2;
	struct ios_keyring *kr = ios->obj;
	int i;

	if (!ios->in_peer2)
		return;
	ios->in_peer2 = false;
	if (!pe->nsel)
		ios_unresolved(ios, pe->line, "keyring %s: peer without address or identity: "
			       "not imported", kr->name);
	else if (!pe->local || !pe->remote)
		ios_unresolved(ios, pe->line, "keyring %s: peer without %spre-shared-key: "
			       "not imported", kr->name,
			       pe->local ? "remote " : pe->remote ? "local " : "");
	else
		for (i = 0; i < pe->nsel; i++)
			add_psk(kr, pe->line, pe->sel[i], pe->local, pe->remote);
	ios_wipe_free(pe->local);
	ios_wipe_free(pe->remote);
	memset(pe, 0, sizeof(*pe));
}

static void cmd_peer2(struct ios *ios, const struct ios_line *l, int arg)
{
	if (arg + 1 != l->n) {
		ios_unsupported(ios, l, "expected peer NAME");
		return;
	}
	ios->in_peer2 = true;
	ios->peer2.line = l->no;
	ios->ctx = IOS_CTX_PEER2;
}

static void peer2_sel(struct ios *ios, const struct ios_line *l, const char *sel)
{
	struct ios_peer2 *pe = &ios->peer2;

	if (pe->nsel == (int)N_OF(pe->sel)) {
		ios_unsupported(ios, l, "at most %zu addresses and identities per peer",
				N_OF(pe->sel));
		return;
	}
	snprintf(pe->sel[pe->nsel++], IOS_ID, "%s", sel);
}

/* address ADDR [MASK] | address X/LEN */
static void cmd_peer2_address(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_addr a;
	char sel[IOS_ID];
	int i = address_sel(l, arg, &a);

	if (!i) {
		ios_unsupported(ios, l, "expected ADDRESS [MASK]");
		return;
	}
	if (!no_more(ios, l, i))
		return;
	sel_of(&a, sel, sizeof(sel));
	peer2_sel(ios, l, sel);
}

/* identity {address A | fqdn [domain] N | email [domain] N | key-id K} */
static bool identity(const struct ios_line *l, int arg, char *out, size_t len)
{
	bool domain = arg + 2 < l->n && ios_kw(l->w[arg + 1], "domain");
	const char *v = arg + 1 + domain < l->n ? l->w[arg + 1 + domain] : NULL;
	struct ios_addr a;

	if (!v || arg + 2 + domain != l->n)
		return false;
	if (ios_kw(l->w[arg], "address") && !domain && !ios_parse_addr(v, &a))
		snprintf(out, len, "address:%s", v);
	else if (ios_kw(l->w[arg], "fqdn"))
		snprintf(out, len, domain ? "fqdn:*.%s" : "fqdn:%s", v);
	else if (ios_kw(l->w[arg], "email"))
		snprintf(out, len, domain ? "email:*@%s" : "email:%s", v);
	else if (ios_kw(l->w[arg], "key-id") && !domain)
		snprintf(out, len, "key-id:%s", v);
	else
		return false;
	return true;
}

static void cmd_peer2_identity(struct ios *ios, const struct ios_line *l, int arg)
{
	char sel[IOS_ID];

	if (!identity(l, arg, sel, sizeof(sel))) {
		ios_unsupported(ios, l, "expected address, fqdn, email or key-id");
		return;
	}
	peer2_sel(ios, l, sel);
}

/* pre-shared-key [local | remote] [0 | 6] KEY */
static void cmd_peer2_psk(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_peer2 *pe = &ios->peer2;
	bool local = ios_kw(l->w[arg], "local"), remote = ios_kw(l->w[arg], "remote");
	int k = key_word(ios, l, arg + (local || remote), false);

	if (k < 0 || !no_more(ios, l, k + 1))
		return;
	if (!remote) {
		ios_wipe_free(pe->local);
		pe->local = ios_strdup(l->w[k]);
	}
	if (!local) {
		ios_wipe_free(pe->remote);
		pe->remote = ios_strdup(l->w[k]);
	}
}

static void cmd_peer2_hostname(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	ios_unsupported(ios, l, "kvti keyrings find peers by address or identity");
}

static void cmd_profile2(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = block_name(ios, l, arg);

	if (name && no_more(ios, l, arg + 1))
		ios_begin(ios, IOS_CTX_PROFILE2, new_ikeprof(ios, l, name, true));
	else if (name)
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
}

static void cmd_match_remote_address(struct ios *ios, const struct ios_line *l, int arg)
{
	match_address(ios, l, arg, true);
}

/* match identity remote {fqdn | email} [domain] NAME | key-id K */
static void cmd_match_remote(struct ios *ios, const struct ios_line *l, int arg)
{
	char id[IOS_ID];
	struct ios_match *m;

	if (!identity(l, arg, id, sizeof(id))) {
		ios_unsupported(ios, l, "expected address, fqdn, email or key-id");
		return;
	}
	m = new_match(ios, l);
	if (m)
		snprintf(m->id, sizeof(m->id), "%s", id);
}

static void cmd_match_local_interface(struct ios *ios, const struct ios_line *l, int arg)
{
	local_address(ios, l, arg);
}

/* identity local {address A | fqdn N | email N | key-id K} */
static void cmd_identity_local(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;
	char id[IOS_ID];

	if (!identity(l, arg, id, sizeof(id)) || strstr(id, "*")) {
		ios_unsupported(ios, l, "kvti-keyer identifies itself by address, fqdn, "
				"email or key-id");
		return;
	}
	/* keyer.conf writes an address identity as the address */
	snprintf(p->local_id, sizeof(p->local_id), "%s",
		 strncmp(id, "address:", 8) ? id : id + 8);
}

/* authentication {local | remote} pre-share [key [0|6] KEY] */
static void cmd_authentication(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;
	bool local = ios_kw(l->w[arg - 1], "local");
	char **slot = local ? &p->psk_local : &p->psk_remote;
	int k;

	if (!ios_kw(l->w[arg], "pre-share")) {
		ios_unsupported(ios, l, "kvti-keyer authenticates with pre-shared keys only");
		return;
	}
	if (arg + 1 == l->n)
		return;
	if (!ios_kw(l->w[arg + 1], "key")) {
		ios_unsupported(ios, l, "expected pre-share [key KEY]");
		return;
	}
	k = key_word(ios, l, arg + 2, false);
	if (k < 0 || !no_more(ios, l, k + 1))
		return;
	ios_wipe_free(*slot);
	*slot = ios_strdup(l->w[k]);
	p->psk_line = l->no;
}

static void cmd_profile2_keyring(struct ios *ios, const struct ios_line *l, int arg)
{
	if (ios_kw(l->w[arg], "aaa")) {
		ios_unsupported(ios, l, "kvti-keyer takes keys from keyer.conf only");
		return;
	}
	cmd_profile_keyring(ios, l, arg + ios_kw(l->w[arg], "local"));
}

/* dpd INTERVAL RETRY {on-demand | periodic} */
static void dpd(struct ios *ios, const struct ios_line *l, int arg, bool *set, bool *periodic,
		unsigned long *i, unsigned long *r)
{
	if (!number(ios, l, arg, "dpd interval", 10, 3600, i) ||
	    !number(ios, l, arg + 1, "dpd retry", 2, 60, r))
		return;
	if (arg + 3 != l->n ||
	    !(ios_kw(l->w[arg + 2], "on-demand") || ios_kw(l->w[arg + 2], "periodic"))) {
		ios_unsupported(ios, l, "expected dpd INTERVAL RETRY on-demand|periodic");
		return;
	}
	*periodic = ios_kw(l->w[arg + 2], "periodic");
	*set = true;
}

static void cmd_profile2_dpd(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;

	dpd(ios, l, arg, &p->has_dpd, &p->dpd_periodic, &p->dpd_interval, &p->dpd_retries);
}

static void cmd_ikev2_dpd(struct ios *ios, const struct ios_line *l, int arg)
{
	dpd(ios, l, arg, &ios->dpd2, &ios->dpd2_periodic, &ios->dpd2_i, &ios->dpd2_r);
}

static void cmd_profile2_lifetime(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;
	unsigned long s;

	if (number(ios, l, arg, "lifetime", 120, 86400, &s) && no_more(ios, l, arg + 1))
		p->lifetime = s;
}

static void cmd_profile2_nat_keepalive(struct ios *ios, const struct ios_line *l, int arg)
{
	unsigned long s;

	if (!number(ios, l, arg, "NAT keepalive seconds", 5, 3600, &s) || !no_more(ios, l, arg + 1))
		return;
	if (ios->nat_keepalive && ios->nat_keepalive != s)
		ios_note(ios, l->no, "kvti-keyer has one NAT keepalive for all peers: %lu s",
			 ios->nat_keepalive);
	else
		ios->nat_keepalive = s;
}

/* --- crypto ipsec ------------------------------------------------------- */

/* ESP transforms: encryption (by key length 128, 192, 256) or integrity. */
static const struct {
	const char *ios;
	const char *keyer[3];	/* [0] alone without a key length; NULL: not offered */
	bool enc, bits;
	const char *why;
} esp[] = {
	{ "esp-aes", { "aes128", "aes192", "aes256" }, true, true, NULL },
	{ "esp-gcm", { "aes128gcm16", "aes192gcm16", "aes256gcm16" }, true, true, NULL },
	{ "esp-gmac", { "aes128gmac", "aes192gmac", "aes256gmac" }, true, true, NULL },
	{ "esp-3des", { "3des" }, true, false, NULL },
	{ "esp-null", { "null" }, true, false, NULL },
	{ "esp-sha-hmac", { "sha1" }, false, false, NULL },
	{ "esp-sha256-hmac", { "sha256" }, false, false, NULL },
	{ "esp-sha384-hmac", { "sha384" }, false, false, NULL },
	{ "esp-sha512-hmac", { "sha512" }, false, false, NULL },
	{ "esp-des", { NULL }, true, false, "DES is not offered by kvti" },
	{ "esp-seal", { NULL }, true, false, "SEAL is not offered by kvti" },
	{ "esp-md5-hmac", { NULL }, false, false, "HMAC-MD5 is not offered by kvti" },
	{ "comp-lzs", { NULL }, false, false, "kvti does not compress (IPComp)" },
};

/* One transform at l->w[*i] (and its key length) into @t; false if reported. */
static bool transform(struct ios *ios, const struct ios_line *l, int *i, struct ios_tset *t)
{
	const char *word = l->w[*i], *name;
	unsigned long bits = 128;
	size_t j;

	if (!strncasecmp(word, "ah-", 3)) {
		ios_unsupported(ios, l, "AH (%s): kvti carries ESP only", word);
		return false;
	}
	for (j = 0; j < N_OF(esp) && !ios_kw(word, esp[j].ios); j++)
		;
	if (j == N_OF(esp)) {
		ios_unsupported(ios, l, "unknown transform \"%s\"", word);
		return false;
	}
	if (!esp[j].keyer[0]) {
		ios_unsupported(ios, l, "%s", esp[j].why);
		return false;
	}
	if (esp[j].bits && *i + 1 < l->n && !ios_number(l->w[*i + 1], 0, 999, &bits)) {
		(*i)++;
		if (bits != 128 && bits != 192 && bits != 256) {
			ios_unsupported(ios, l, "%s %lu: expected 128, 192 or 256", word, bits);
			return false;
		}
	}
	name = esp[j].keyer[esp[j].bits ? (bits - 128) / 64 : 0];
	if ((esp[j].enc && t->enc) || (!esp[j].enc && t->integ)) {
		ios_unsupported(ios, l, "two %s transforms", esp[j].enc ? "encryption" : "integrity");
		return false;
	}
	if (esp[j].enc)
		t->enc = name;
	else
		t->integ = name;
	return true;
}

/* Authenticated on its own: AES-GCM and AES-GMAC (ESP) take no integrity. */
static bool self_auth(const char *keyer_enc)
{
	return strstr(keyer_enc, "gcm") || strstr(keyer_enc, "gmac");
}

/* crypto ipsec transform-set NAME TRANSFORM... */
static void cmd_tset(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = block_name(ios, l, arg);
	struct ios_tset *t;
	bool bad = false;
	int i;

	if (!name)
		return;
	t = ios_tset_find(ios, name);
	if (!t) {
		t = ios_grow(&ios->tsets, &ios->ntsets, &ios->cap_tsets, sizeof(*t));
		copy_name(t->name, name);
	}
	t->line = l->no;
	t->enc = t->integ = NULL;
	t->usable = false;
	ios_begin(ios, IOS_CTX_TSET, t);
	for (i = arg + 1; i < l->n; i++)
		if (!transform(ios, l, &i, t))
			bad = true;
	/*
	 * What is left once the reported transforms are (--force: "ah-sha-hmac
	 * esp-aes esp-sha-hmac" imports as aes128-sha1); said only if nothing
	 * on the line was reported yet.
	 */
	if (!t->enc) {
		if (!bad)
			ios_unsupported(ios, l, "no encryption transform: kvti-keyer needs one "
					"(esp-null for none)");
	} else if (self_auth(t->enc) && t->integ) {
		if (!bad)
			ios_unsupported(ios, l, "%s authenticates on its own: no integrity "
					"transform goes with it", t->enc);
	} else if (!self_auth(t->enc) && !t->integ) {
		if (!bad)
			ios_unsupported(ios, l, "ESP without integrity: kvti-keyer needs an "
					"esp-*-hmac transform with %s", t->enc);
	} else {
		t->usable = true;
	}
}

/* mode tunnel (the only mode of a VTI: "must be configured in tunnel mode only") */
static void cmd_tset_mode(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_tset *t = ios->obj;

	if (arg + 1 == l->n && ios_kw(l->w[arg], "tunnel"))
		return;
	ios_unsupported(ios, l, "a VTI's transform set is in tunnel mode only");
	t->usable = false;
}

static void cmd_ipsec_profile(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = block_name(ios, l, arg);
	struct ios_ipsecprof *p;

	if (!name)
		return;
	if (!no_more(ios, l, arg + 1)) {
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	p = ios_ipsecprof_find(ios, name);
	if (!p) {
		p = ios_grow(&ios->ipsecprofs, &ios->nipsecprofs, &ios->cap_ipsecprofs,
			     sizeof(*p));
		copy_name(p->name, name);
		p->line = l->no;
		p->replay = -1;
	}
	ios_begin(ios, IOS_CTX_IPSEC_PROFILE, p);
}

/* set transform-set NAME... (up to six in IOS), repeatable */
static void cmd_set_tset(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ipsecprof *p = ios->obj;
	int i;

	if (arg >= l->n)
		ios_unsupported(ios, l, "expected transform set names");
	for (i = arg; i < l->n; i++) {
		if (!ios_tset_find(ios, l->w[i])) {
			ios_unresolved(ios, l->no, "set transform-set %s: no crypto ipsec "
				       "transform-set %s before this line", l->w[i], l->w[i]);
			continue;
		}
		if (p->ntsets == IOS_LIST) {
			ios_unsupported(ios, l, "at most %d transform sets", IOS_LIST);
			return;
		}
		copy_name(p->tsets[p->ntsets++], l->w[i]);
		if (!p->tset_line)
			p->tset_line = l->no;
	}
}

/* set pfs [group1 | group2 | group5 | group14 ...]; no group is group 1 */
static void cmd_set_pfs(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ipsecprof *p = ios->obj;
	const char *g = arg < l->n ? l->w[arg] : "group1";

	if (strncasecmp(g, "group", 5) || !no_more(ios, l, arg + 1)) {
		ios_unsupported(ios, l, "expected set pfs [groupN]");
		return;
	}
	p->pfs = dh_group(ios, l, g + 5);
}

/* lifetime {seconds S | kilobytes KB}, of a profile or global */
static void sa_lifetime(struct ios *ios, const struct ios_line *l, int arg,
			unsigned long long *s, unsigned long long *kb)
{
	unsigned long n;

	if (ios_kw(l->w[arg], "seconds") && arg + 2 == l->n) {
		if (number(ios, l, arg + 1, "lifetime seconds", 120, 86400, &n))
			*s = n;
	} else if (ios_kw(l->w[arg], "kilobytes") && arg + 2 == l->n &&
		   !ios_kw(l->w[arg + 1], "disable")) {
		if (number(ios, l, arg + 1, "lifetime kilobytes", 2560, 4294967295UL, &n))
			*kb = n;
	} else {
		ios_unsupported(ios, l, "kvti-keyer has lifetimes in seconds (120..86400) "
				"and kilobytes (2560..4294967295)");
	}
}

static void cmd_set_lifetime(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ipsecprof *p = ios->obj;

	sa_lifetime(ios, l, arg, &p->life_s, &p->life_kb);
}

static void cmd_global_lifetime(struct ios *ios, const struct ios_line *l, int arg)
{
	sa_lifetime(ios, l, arg, &ios->life_s, &ios->life_kb);
}

/* replay window-size N | replay disable */
static void replay(struct ios *ios, const struct ios_line *l, int arg, long *out)
{
	unsigned long n;

	if (ios_kw(l->w[arg], "disable") && arg + 1 == l->n)
		*out = 0;
	else if (ios_kw(l->w[arg], "window-size") &&
		 number(ios, l, arg + 1, "replay window", 32, 4096, &n) &&
		 no_more(ios, l, arg + 2))
		*out = (long)n;
	else if (!ios_kw(l->w[arg], "window-size"))
		ios_unsupported(ios, l, "expected replay window-size N or replay disable");
}

static void cmd_set_replay(struct ios *ios, const struct ios_line *l, int arg)
{
	replay(ios, l, arg, &((struct ios_ipsecprof *)ios->obj)->replay);
}

static void cmd_global_replay(struct ios *ios, const struct ios_line *l, int arg)
{
	replay(ios, l, arg, &ios->replay);
}

/* idle-time SECONDS [default] (the 12.3T guide spells it "idletime") */
static void idle_time(struct ios *ios, const struct ios_line *l, int arg, unsigned long *out)
{
	unsigned long n;

	if (!number(ios, l, arg, "idle time", 60, 86400, &n))
		return;
	if (arg + 1 < l->n && ios_kw(l->w[arg + 1], "default"))
		arg++;
	if (no_more(ios, l, arg + 1))
		*out = n;
}

static void cmd_set_idle(struct ios *ios, const struct ios_line *l, int arg)
{
	idle_time(ios, l, arg, &((struct ios_ipsecprof *)ios->obj)->idle);
}

static void cmd_global_idle(struct ios *ios, const struct ios_line *l, int arg)
{
	idle_time(ios, l, arg, &ios->idle);
}

static void set_profile(struct ios *ios, const struct ios_line *l, int arg, bool v2)
{
	struct ios_ipsecprof *p = ios->obj;

	if (arg + 1 != l->n) {
		ios_unsupported(ios, l, "expected a profile NAME");
		return;
	}
	copy_name(p->ike_prof, l->w[arg]);
	p->ike_prof_v2 = v2;
	p->ike_prof_line = l->no;
}

static void cmd_set_isakmp_profile(struct ios *ios, const struct ios_line *l, int arg)
{
	set_profile(ios, l, arg, false);
}

static void cmd_set_ikev2_profile(struct ios *ios, const struct ios_line *l, int arg)
{
	set_profile(ios, l, arg, true);
}

/* set peer ADDR|HOST [default]: the preferred-peer list */
static void cmd_set_peer(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ipsecprof *p = ios->obj;
	struct ios_peer *pe;
	bool dflt = arg + 2 == l->n && ios_kw(l->w[arg + 1], "default");

	if (arg >= l->n || (arg + 1 != l->n && !dflt)) {
		ios_unsupported(ios, l, "expected set peer ADDRESS [default]");
		return;
	}
	if (p->npeers == IOS_LIST) {
		ios_unsupported(ios, l, "kvti-keyer takes at most %d peers", IOS_LIST);
		return;
	}
	if (dflt && p->npeers) {
		ios_unsupported(ios, l, "only the first peer can be the default");
		return;
	}
	pe = &p->peers[p->npeers++];
	copy_name(pe->host, l->w[arg]);
	pe->is_default = dflt;
	pe->line = l->no;
}

static void cmd_set_rr(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ipsecprof *p = ios->obj;
	bool tag = ios_kw(l->w[arg], "tag");

	if (arg + 2 != l->n || !(tag || ios_kw(l->w[arg], "distance"))) {
		ios_unsupported(ios, l, "expected set reverse-route distance N or tag N");
		return;
	}
	if (tag)
		number(ios, l, arg + 1, "route tag (a Linux realm)", 1, 65535, &p->rr_tag);
	else
		number(ios, l, arg + 1, "route distance", 1, 255, &p->rr_distance);
}

static void cmd_responder_only(struct ios *ios, const struct ios_line *l, int arg)
{
	if (no_more(ios, l, arg))
		((struct ios_ipsecprof *)ios->obj)->responder_only = true;
}

/* crypto ipsec df-bit {clear | set | copy}, global and on interfaces */
const char *ios_df_word(const struct ios_line *l, int arg)
{
	static const char *const modes[] = { "clear", "set", "copy" };
	size_t i;

	for (i = 0; arg + 1 == l->n && i < N_OF(modes); i++)
		if (ios_kw(l->w[arg], modes[i]))
			return modes[i];
	return NULL;
}

static void cmd_global_df(struct ios *ios, const struct ios_line *l, int arg)
{
	ios->df = ios_df_word(l, arg);
	if (!ios->df)
		ios_unsupported(ios, l, "expected clear, set or copy");
}

static void cmd_fragmentation(struct ios *ios, const struct ios_line *l, int arg)
{
	if (arg + 1 == l->n && ios_kw(l->w[arg], "before-encryption"))
		return;	/* what kvti does: it fragments before encryption */
	ios_unsupported(ios, l, "kvti fragments before encryption only");
}

/* crypto map, crypto dynamic-map: the block is reported by its first line */
static void cmd_crypto_map(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	ios_unsupported(ios, l, "crypto maps are policy-based IPsec; kvti is route-based: "
			"configure a VTI instead");
	ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
}

static void cmd_unsupported_block(struct ios *ios, const struct ios_line *l, int arg)
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

/* --- the tables --------------------------------------------------------- */

const struct ios_cmd ios_global_crypto[] = {
	{ "crypto isakmp policy", cmd_policy, false, 0 },
	{ "crypto isakmp key", cmd_isakmp_key, false, 0 },
	{ "crypto isakmp keepalive", cmd_isakmp_keepalive, false, 0 },
	{ "crypto isakmp nat keepalive", cmd_nat_keepalive, false, 0 },
	{ "crypto isakmp invalid-spi-recovery", cmd_invalid_spi, false, 0 },
	{ "crypto isakmp identity", cmd_isakmp_identity, false, 0 },
	{ "crypto isakmp profile", cmd_isakmp_profile, false, 0 },
	{ "crypto isakmp enable", cmd_ignore, false, 0 },
	{ "crypto isakmp aggressive-mode disable", cmd_ignore, false, 0 },
	{ "crypto isakmp client", cmd_unsupported_block, false, 0 },
	{ "crypto isakmp peer", cmd_unsupported_block, false, 0 },
	{ "crypto keyring", cmd_keyring, false, 0 },
	{ "crypto ikev2 proposal", cmd_prop2, false, 0 },
	{ "crypto ikev2 policy", cmd_pol2, false, 0 },
	{ "crypto ikev2 keyring", cmd_keyring2, false, 0 },
	{ "crypto ikev2 profile", cmd_profile2, false, 0 },
	{ "crypto ikev2 dpd", cmd_ikev2_dpd, false, 0 },
	{ "crypto ikev2 nat keepalive", cmd_nat_keepalive, false, 0 },
	{ "crypto ikev2 limit max-sa", cmd_max_sa, false, 0 },
	{ "crypto ikev2 limit max-in-negotiation-sa", cmd_max_half_open, false, 0 },
	{ "crypto ikev2 cookie-challenge", cmd_cookie, false, 0 },
	{ "crypto ipsec transform-set", cmd_tset, false, 0 },
	{ "crypto ipsec profile", cmd_ipsec_profile, false, 0 },
	{ "crypto ipsec security-association lifetime", cmd_global_lifetime, false, 0 },
	{ "crypto ipsec security-association replay", cmd_global_replay, false, 0 },
	{ "crypto ipsec security-association idle-time", cmd_global_idle, false, 0 },
	{ "crypto ipsec df-bit", cmd_global_df, false, 0 },
	{ "crypto ipsec fragmentation", cmd_fragmentation, false, 0 },
	{ "crypto ipsec nat-transparency udp-encapsulation", cmd_ignore, false, 0 },
	{ "crypto ipsec client", cmd_unsupported_block, false, 0 },
	{ "crypto call admission limit ike sa", cmd_max_sa, false, 0 },
	{ "crypto call admission limit ike in-negotiation-sa", cmd_max_half_open, false, 0 },
	{ "crypto map", cmd_crypto_map, false, 0 },
	{ "crypto dynamic-map", cmd_crypto_map, false, 0 },
	{ "crypto pki", cmd_skip_block, false, 0 },
	{ "crypto ca", cmd_skip_block, false, 0 },
	{ "crypto key", cmd_skip_block, false, 0 },
	{ "crypto logging", cmd_skip_block, false, 0 },
};
const size_t ios_nglobal_crypto = N_OF(ios_global_crypto);

static const struct ios_cmd policy_cmds[] = {
	{ "encryption", cmd_policy_enc, false, 0 },
	{ "encr", cmd_policy_enc, false, 0 },
	{ "hash", cmd_policy_hash, false, 0 },
	{ "authentication", cmd_policy_auth, false, 0 },
	{ "group", cmd_policy_group, false, 0 },
	{ "lifetime", cmd_policy_lifetime, false, 0 },
};

static const struct ios_cmd isakmp_profile_cmds[] = {
	{ "keyring", cmd_profile_keyring, false, 0 },
	{ "match identity address", cmd_match_id_address, false, 0 },
	{ "match identity host", cmd_match_id_host, false, 0 },
	{ "match identity user", cmd_match_id_user, false, 0 },
	{ "self-identity", cmd_self_identity, false, 0 },
	{ "keepalive", cmd_profile_keepalive, false, 0 },
	{ "virtual-template", cmd_virtual_template, false, 0 },
	{ "local-address", cmd_local_address, false, 0 },
	{ "vrf", cmd_fvrf_unsupported, false, 0 },
	{ "description", cmd_ignore, false, 0 },
};

static const struct ios_cmd keyring_cmds[] = {
	{ "pre-shared-key", cmd_keyring_psk, false, 0 },
	{ "local-address", cmd_keyring_local, false, 0 },
	{ "description", cmd_ignore, false, 0 },
};

static const struct ios_cmd prop2_cmds[] = {
	{ "encryption", cmd_prop2_enc, false, 0 },
	{ "integrity", cmd_prop2_integ, false, 0 },
	{ "prf", cmd_prop2_prf, false, 0 },
	{ "group", cmd_prop2_group, false, 0 },
};

static const struct ios_cmd pol2_cmds[] = {
	{ "proposal", cmd_pol2_proposal, false, 0 },
	{ "match address local", cmd_pol2_local, false, 0 },
	{ "match fvrf any", cmd_ignore, false, 0 },
	{ "match fvrf", cmd_fvrf_unsupported, false, 0 },
	{ "description", cmd_ignore, false, 0 },
};

static const struct ios_cmd keyring2_cmds[] = {
	{ "peer", cmd_peer2, false, 0 },
	{ "description", cmd_ignore, true, 0 },
};

static const struct ios_cmd peer2_cmds[] = {
	{ "address", cmd_peer2_address, false, 0 },
	{ "identity", cmd_peer2_identity, false, 0 },
	{ "pre-shared-key", cmd_peer2_psk, false, 0 },
	{ "hostname", cmd_peer2_hostname, false, 0 },
	{ "description", cmd_ignore, false, 0 },
};

static const struct ios_cmd profile2_cmds[] = {
	{ "match identity remote address", cmd_match_remote_address, false, 0 },
	{ "match identity remote", cmd_match_remote, false, 0 },
	{ "match address local interface", cmd_match_local_interface, false, 0 },
	{ "match address local", cmd_local_address, false, 0 },
	{ "match fvrf any", cmd_ignore, false, 0 },
	{ "match fvrf", cmd_fvrf_unsupported, false, 0 },
	{ "identity local", cmd_identity_local, false, 0 },
	{ "authentication local", cmd_authentication, false, 0 },
	{ "authentication remote", cmd_authentication, false, 0 },
	{ "keyring", cmd_profile2_keyring, false, 0 },
	{ "dpd", cmd_profile2_dpd, false, 0 },
	{ "lifetime", cmd_profile2_lifetime, false, 0 },
	{ "virtual-template", cmd_virtual_template, false, 0 },
	{ "nat keepalive", cmd_profile2_nat_keepalive, false, 0 },
	{ "description", cmd_ignore, false, 0 },
};

static const struct ios_cmd tset_cmds[] = {
	{ "mode", cmd_tset_mode, false, 0 },
};

static const struct ios_cmd ipsec_profile_cmds[] = {
	{ "set transform-set", cmd_set_tset, false, 0 },
	{ "set pfs", cmd_set_pfs, false, 0 },
	{ "set security-association lifetime", cmd_set_lifetime, false, 0 },
	{ "set security-association replay", cmd_set_replay, false, 0 },
	{ "set security-association idle-time", cmd_set_idle, false, 0 },
	{ "set security-association idletime", cmd_set_idle, false, 0 },
	{ "set isakmp-profile", cmd_set_isakmp_profile, false, 0 },
	{ "set ikev2-profile", cmd_set_ikev2_profile, false, 0 },
	{ "set peer", cmd_set_peer, false, 0 },
	{ "set reverse-route", cmd_set_rr, false, 0 },
	{ "responder-only", cmd_responder_only, false, 0 },
	{ "description", cmd_ignore, false, 0 },
};

#define TABLE(ctx, t) [ctx] = t
const struct ios_cmd *const ios_crypto_cmds[IOS_CTX_MAX] = {
	TABLE(IOS_CTX_POLICY, policy_cmds),
	TABLE(IOS_CTX_ISAKMP_PROFILE, isakmp_profile_cmds),
	TABLE(IOS_CTX_KEYRING, keyring_cmds),
	TABLE(IOS_CTX_PROP2, prop2_cmds),
	TABLE(IOS_CTX_POL2, pol2_cmds),
	TABLE(IOS_CTX_KEYRING2, keyring2_cmds),
	TABLE(IOS_CTX_PEER2, peer2_cmds),
	TABLE(IOS_CTX_PROFILE2, profile2_cmds),
	TABLE(IOS_CTX_TSET, tset_cmds),
	TABLE(IOS_CTX_IPSEC_PROFILE, ipsec_profile_cmds),
};

const size_t ios_ncrypto_cmds[IOS_CTX_MAX] = {
	TABLE(IOS_CTX_POLICY, N_OF(policy_cmds)),
	TABLE(IOS_CTX_ISAKMP_PROFILE, N_OF(isakmp_profile_cmds)),
	TABLE(IOS_CTX_KEYRING, N_OF(keyring_cmds)),
	TABLE(IOS_CTX_PROP2, N_OF(prop2_cmds)),
	TABLE(IOS_CTX_POL2, N_OF(pol2_cmds)),
	TABLE(IOS_CTX_KEYRING2, N_OF(keyring2_cmds)),
	TABLE(IOS_CTX_PEER2, N_OF(peer2_cmds)),
	TABLE(IOS_CTX_PROFILE2, N_OF(profile2_cmds)),
	TABLE(IOS_CTX_TSET, N_OF(tset_cmds)),
	TABLE(IOS_CTX_IPSEC_PROFILE, N_OF(ipsec_profile_cmds)),
};

/* --- ends --------------------------------------------------------------- */

/* The open block ends: a crypto ikev2 keyring's peer is stored. */
void ios_crypto_end(struct ios *ios)
{
	if (ios->ctx == IOS_CTX_PEER2 || ios->in_peer2)
		flush_peer2(ios);
}

/*
 * The end of the file: what IOS defaults would make of incomplete blocks.
 * An isakmp policy without "encryption" is DES, without "authentication"
 * RSA signatures, without "group" DH group 1.
 */
void ios_crypto_finish(struct ios *ios)
{
	char head[IOS_NAME + 40];
	size_t i;
	bool weak;

	for (i = 0; i < ios->npolicies; i++) {
		struct ios_policy *p = &ios->policies[i];

		snprintf(head, sizeof(head), "crypto isakmp policy %lu", p->prio);
		if (!p->enc_set) {
			ios_unsupported_at(ios, p->line, head, "no encryption: IOS's default des "
					   "is not offered by kvti-keyer");
			p->bad = true;
		}
		if (!p->auth_set) {
			ios_unsupported_at(ios, p->line, head, "no authentication: IOS's default "
					   "rsa-sig is not offered; kvti-keyer authenticates "
					   "with pre-shared keys only");
			p->bad = true;
		}
		if (!p->dh_set) {
			p->dh = ios_dh_name(1, &weak);
			ios_note(ios, p->line, "%s: no group: IOS's default group 1 (%s) is not "
				 "offered by kvti-keyer: %s instead", head, dh_bits[1], p->dh);
		}
	}
	for (i = 0; i < ios->nprops2; i++) {
		struct ios_prop2 *p = &ios->props2[i];
		bool aead = false, plain = false;
		int j;

		for (j = 0; j < p->nenc; j++) {
			aead |= is_aead(p->enc[j]);
			plain |= !is_aead(p->enc[j]);
		}
		snprintf(head, sizeof(head), "crypto ikev2 proposal %s", p->name);
		if (p->bad)
			continue;
		if (!p->nenc || !p->ndh || (plain && !p->ninteg) || (aead && !p->nprf)) {
			ios_unsupported_at(ios, p->line, head, "incomplete: it needs encryption, "
					   "group, and integrity (CBC) or prf (GCM)");
			p->bad = true;
		} else if (aead && !plain && p->ninteg) {
			ios_unsupported_at(ios, p->line, head, "AES-GCM takes no integrity "
					   "algorithm");
			p->bad = true;
		}
	}
}
