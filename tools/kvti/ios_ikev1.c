// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: IKEv1, as IKEv2 (ios_crypto.c says why).
 *
 *   crypto isakmp policy N        one IKE proposal of every IKEv1 profile
 *   crypto isakmp key, keyring    keyrings (the global keys are one)
 *   crypto isakmp profile         an ike-profile
 *   crypto isakmp keepalive       dpd of the IKEv1 profiles
 */
#include <string.h>
#include <sys/socket.h>

#include "ios.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* --- keys ------------------------------------------------------------------ */

/*
 * crypto isakmp key [0|6] KEY { address ADDR [MASK] | address ipv6 X/LEN |
 * hostname NAME } [no-xauth]
 */
static void cmd_isakmp_key(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_addr a;
	char sel[IOS_ID];
	int k = ios_key_word(ios, l, arg, true), i;

	if (k < 0)
		return;
	i = k + 1;
	if (ios_kw(l->w[i], "address") && (i = ios_address_sel(l, i + 1, &a))) {
		ios_sel_of(&a, sel, sizeof(sel));
	} else if (ios_kw(l->w[k + 1], "hostname") && k + 2 < l->n) {
		snprintf(sel, sizeof(sel), "fqdn:%s", l->w[k + 2]);
		i = k + 3;
	} else {
		ios_unsupported(ios, l, "expected address ADDR [MASK] or hostname NAME");
		return;
	}
	if (i < l->n && ios_kw(l->w[i], "no-xauth"))
		i++;
	if (!ios_no_more(ios, l, i))
		return;
	ios_add_psk(&ios->keyrings[0], l->no, sel, l->w[k], l->w[k]);
	if (!ios->keyrings[0].line)
		ios->keyrings[0].line = l->no;
}

/*
 * crypto keyring NAME [vrf V]: with vrf, IOS searches its keys only for IKE
 * whose local endpoint is in front-door VRF V.  kvti-keyer chooses the
 * keyring through the profile of the tunnel or template whose fvrf the
 * IKE_SA_INIT arrived in, so the keyring itself is written as it is, and
 * ios_resolve() checks that its VRF is its tunnels' tunnel vrf.
 */
static void cmd_keyring(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = ios_block_name(ios, l, arg);
	struct ios_keyring *kr;
	bool vrf = arg + 3 == l->n && ios_kw(l->w[arg + 1], "vrf");

	if (!name)
		return;
	if (arg + 1 < l->n && !vrf) {
		ios_unsupported(ios, l, "expected NAME [vrf VRF]");
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	kr = ios_keyring_find(ios, name, false);
	if (!kr) {
		kr = ios_grow(&ios->keyrings, &ios->nkeyrings, &ios->cap_keyrings, sizeof(*kr));
		ios_copy_name(kr->name, name);
		kr->line = l->no;
	}
	if (vrf)
		ios_copy_name(kr->vrf, l->w[arg + 2]);
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

	if (ios_kw(l->w[i], "address") && (i = ios_address_sel(l, i + 1, &a))) {
		ios_sel_of(&a, sel, sizeof(sel));
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
	k = ios_key_word(ios, l, i + 1, false);
	if (k < 0 || !ios_no_more(ios, l, k + 1))
		return;
	ios_add_psk(kr, l->no, sel, l->w[k], l->w[k]);
}

static void cmd_keyring_local(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	ios_unsupported(ios, l, "a kvti keyring belongs to the profiles that name it, "
			"not to a local address");
}

/* --- crypto isakmp ------------------------------------------------------ */

/* crypto isakmp policy N: IOS defaults des, sha, rsa-sig, group 1, 86400 s. */
static void cmd_policy(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_policy *p = NULL;
	unsigned long prio;
	size_t i;

	if (!ios_want_number(ios, l, arg, "priority", 1, 10000, &prio) || !ios_no_more(ios, l, arg + 1)) {
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
	if (!ios_no_more(ios, l, i)) {
		p->enc = NULL;
		p->bad = true;
	}
}

static void cmd_policy_hash(struct ios *ios, const struct ios_line *l, int arg)
{
	const struct ios_alg *a = ios_find_alg(ios_integ_algs, ios_ninteg_algs, l->w[arg]);
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
	p->dh = ios_no_more(ios, l, arg + 1) ? ios_dh_group(ios, l, l->w[arg]) : NULL;
	if (!p->dh)
		p->bad = true;
}

static void cmd_policy_lifetime(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_policy *p = ios->obj;

	if (!ios_want_number(ios, l, arg, "lifetime", 60, 86400, &p->lifetime) ||
	    !ios_no_more(ios, l, arg + 1))
		p->bad = true;
}

/* crypto isakmp keepalive SECONDS [RETRIES] [periodic | on-demand] */
static void keepalive(struct ios *ios, const struct ios_line *l, int arg, bool *periodic,
		      unsigned long *s, unsigned long *r, bool *set)
{
	int i = arg + 1;

	*r = 2;
	*periodic = false;
	if (!ios_want_number(ios, l, arg, "keepalive seconds", 10, 3600, s))
		return;
	if (i < l->n && l->w[i][0] >= '0' && l->w[i][0] <= '9' &&
	    !ios_want_number(ios, l, i++, "keepalive retries", 2, 60, r))
		return;
	if (i < l->n && (ios_kw(l->w[i], "periodic") || ios_kw(l->w[i], "on-demand")))
		*periodic = ios_kw(l->w[i++], "periodic");
	if (ios_no_more(ios, l, i))
		*set = true;
}

static void cmd_isakmp_keepalive(struct ios *ios, const struct ios_line *l, int arg)
{
	keepalive(ios, l, arg, &ios->keepalive_periodic, &ios->keepalive_s, &ios->keepalive_r,
		  &ios->keepalive);
	ios->keepalive_line = l->no;
}

static void cmd_invalid_spi(struct ios *ios, const struct ios_line *l, int arg)
{
	if (ios_no_more(ios, l, arg))
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

static void cmd_isakmp_profile(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = ios_block_name(ios, l, arg);

	if (name && ios_no_more(ios, l, arg + 1))
		ios_begin(ios, IOS_CTX_ISAKMP_PROFILE, ios_ikeprof_new(ios, l, name, false));
	else if (name)
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
}

static void cmd_match_id_address(struct ios *ios, const struct ios_line *l, int arg)
{
	ios_match_address(ios, l, arg, false);
}

/* A keyer pattern "PREFIX:NAME" from [domain] NAME at @arg (IOS host/user, fqdn/email). */
static void match_named(struct ios *ios, const struct ios_line *l, int arg, const char *kind)
{
	struct ios_match *m;
	bool domain = ios_kw(l->w[arg], "domain") && arg + 1 < l->n;
	const char *name = l->w[arg + domain];

	if (!name || !ios_no_more(ios, l, arg + domain + 1))
		return;
	m = ios_match_new(ios, l);
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

/*
 * vrf V (crypto isakmp profile): not a front-door VRF but the inside one
 * (the guide: "Maps the IPSec tunnel to a Virtual Routing and Forwarding
 * (VRF) instance"), which a virtual template's clones take as if it had
 * ip vrf forwarding V; ios_resolve() gives it to the profile's tunnels.
 */
static void cmd_profile_vrf(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;

	if (arg + 1 != l->n) {
		ios_unsupported(ios, l, "expected vrf NAME");
		return;
	}
	if (strlen(l->w[arg]) >= IOS_DEV) {
		ios_unsupported(ios, l, "a VRF netdev name has at most 15 characters");
		return;
	}
	snprintf(p->ivrf, sizeof(p->ivrf), "%s", l->w[arg]);
	p->ivrf_line = l->no;
}

/* keepalive SECONDS retry RETRIES (crypto isakmp profile) */
static void cmd_profile_keepalive(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;
	unsigned long s, r = 2;

	if (!ios_want_number(ios, l, arg, "keepalive seconds", 10, 3600, &s))
		return;
	if (arg + 1 < l->n && (!ios_kw(l->w[arg + 1], "retry") ||
			       !ios_want_number(ios, l, arg + 2, "keepalive retries", 2, 60, &r) ||
			       !ios_no_more(ios, l, arg + 3)))
		return;
	p->has_dpd = true;
	p->dpd_periodic = false;
	p->dpd_interval = s;
	p->dpd_retries = r;
}

/* --- the tables --------------------------------------------------------- */

const struct ios_cmd ios_ikev1_global[] = {
	{ "crypto isakmp policy", cmd_policy, false, 0 },
	{ "crypto isakmp key", cmd_isakmp_key, false, 0 },
	{ "crypto isakmp keepalive", cmd_isakmp_keepalive, false, 0 },
	{ "crypto isakmp nat keepalive", ios_cmd_nat_keepalive, false, 0 },
	{ "crypto isakmp invalid-spi-recovery", cmd_invalid_spi, false, 0 },
	{ "crypto isakmp identity", cmd_isakmp_identity, false, 0 },
	{ "crypto isakmp profile", cmd_isakmp_profile, false, 0 },
	{ "crypto isakmp enable", ios_cmd_ignore, false, 0 },
	{ "crypto isakmp aggressive-mode disable", ios_cmd_ignore, false, 0 },
	{ "crypto isakmp client", ios_cmd_unsupported_block, false, 0 },
	{ "crypto isakmp peer", ios_cmd_unsupported_block, false, 0 },
	{ "crypto keyring", cmd_keyring, false, 0 },
};
const size_t ios_nikev1_global = N_OF(ios_ikev1_global);

const struct ios_cmd ios_policy_cmds[] = {
	{ "encryption", cmd_policy_enc, false, 0 },
	{ "encr", cmd_policy_enc, false, 0 },
	{ "hash", cmd_policy_hash, false, 0 },
	{ "authentication", cmd_policy_auth, false, 0 },
	{ "group", cmd_policy_group, false, 0 },
	{ "lifetime", cmd_policy_lifetime, false, 0 },
};
const size_t ios_npolicy_cmds = N_OF(ios_policy_cmds);

const struct ios_cmd ios_isakmp_profile_cmds[] = {
	{ "keyring", ios_profile_keyring, false, 0 },
	{ "match identity address", cmd_match_id_address, false, 0 },
	{ "match identity host", cmd_match_id_host, false, 0 },
	{ "match identity user", cmd_match_id_user, false, 0 },
	{ "self-identity", cmd_self_identity, false, 0 },
	{ "keepalive", cmd_profile_keepalive, false, 0 },
	{ "virtual-template", ios_cmd_virtual_template, false, 0 },
	{ "local-address", ios_cmd_local_address, false, 0 },
	{ "vrf", cmd_profile_vrf, true, 0 },		/* unindented: vrf definition */
	{ "description", ios_cmd_ignore, false, 0 },
};
const size_t ios_nisakmp_profile_cmds = N_OF(ios_isakmp_profile_cmds);

const struct ios_cmd ios_keyring_cmds[] = {
	{ "pre-shared-key", cmd_keyring_psk, false, 0 },
	{ "local-address", cmd_keyring_local, false, 0 },
	{ "description", ios_cmd_ignore, false, 0 },
};
const size_t ios_nkeyring_cmds = N_OF(ios_keyring_cmds);

/*
 * The end of the file: IOS's defaults for what a policy leaves out.  An
 * isakmp policy without "encryption" is DES, without "authentication" RSA
 * signatures, without "group" DH group 1.
 */
void ios_ikev1_finish(struct ios *ios)
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
				 "offered by kvti-keyer: %s instead", head, ios_dh_bits(1), p->dh);
		}
	}
}
