// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: IKEv2, FlexVPN's blocks.
 *
 *   crypto ikev2 proposal/policy  IKE proposals of the IKEv2 profiles (those
 *                                 of the policies that apply to a tunnel)
 *   crypto ikev2 keyring          a keyring, one selector per address or
 *                                 identity of each peer
 *   crypto ikev2 profile          an ike-profile
 *
 * An algorithm of a list that kvti-keyer lacks (des, md5) is left out with
 * a note; a list with none it has is reported.
 */
#include <string.h>
#include <sys/socket.h>

#include "ios.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* crypto ikev2 proposal "encryption" */
static const struct ios_alg enc2[] = {
	{ "aes-cbc-128", "aes128", false },
	{ "aes-cbc-192", "aes192", false },
	{ "aes-cbc-256", "aes256", false },
	{ "aes-gcm-128", "aes128gcm16", true },
	{ "aes-gcm-192", "aes192gcm16", true },
	{ "aes-gcm-256", "aes256gcm16", true },
	{ "3des", "3des", false },
	{ "des", NULL, false },
};

static const struct ios_alg prf2[] = {
	{ "sha1", "prfsha1", false },
	{ "sha256", "prfsha256", false },
	{ "sha384", "prfsha384", false },
	{ "sha512", "prfsha512", false },
	{ "md5", NULL, false },
};

static void cmd_cookie(struct ios *ios, const struct ios_line *l, int arg)
{
	(void)arg;
	ios_note(ios, l->no, "kvti-keyer sends COOKIEs on its own under load "
		 "(max-half-open limits half-open SAs)");
}

/* --- proposals and policies ---------------------------------------------- */

static void cmd_prop2(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = ios_block_name(ios, l, arg);
	struct ios_prop2 *p;

	if (!name)
		return;
	if (!ios_no_more(ios, l, arg + 1)) {
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	p = ios_prop2_find(ios, name);
	if (!p) {
		p = ios_grow(&ios->props2, &ios->nprops2, &ios->cap_props2, sizeof(*p));
		ios_copy_name(p->name, name);
		p->line = l->no;
	}
	ios_begin(ios, IOS_CTX_PROP2, p);
}

/*
 * A list of algorithms; those kvti-keyer lacks are left out with a note,
 * and a list with none it has is reported.
 */
static void alg_list(struct ios *ios, const struct ios_line *l, int arg, const struct ios_alg *t,
		     size_t nt, const char **out, int *n)
{
	struct ios_prop2 *p = ios->obj;
	const struct ios_alg *a;
	int i;

	*n = 0;
	for (i = arg; i < l->n; i++) {
		a = ios_find_alg(t, nt, l->w[i]);
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

	alg_list(ios, l, arg, ios_integ_algs, ios_ninteg_algs, p->integ, &p->ninteg);
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
		name = ios_dh_group(ios, l, l->w[i]);
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
	const char *name = ios_block_name(ios, l, arg);
	struct ios_pol2 *p = NULL;
	size_t i;

	if (!name)
		return;
	if (!ios_no_more(ios, l, arg + 1)) {
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	for (i = 0; i < ios->npols2; i++)
		if (!strcmp(ios->pols2[i].name, name))
			p = &ios->pols2[i];
	if (!p) {
		p = ios_grow(&ios->pols2, &ios->npols2, &ios->cap_pols2, sizeof(*p));
		ios_copy_name(p->name, name);
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
			ios_copy_name(p->props[p->nprops++], l->w[i]);
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

/*
 * match fvrf V (policy): the policy applies only to IKE in front-door VRF
 * V; its proposals go to the profiles whose tunnels have tunnel vrf V.
 */
static void cmd_pol2_fvrf(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_pol2 *p = ios->obj;

	if (arg + 1 != l->n) {
		ios_unsupported(ios, l, "expected match fvrf NAME|any");
		return;
	}
	ios_copy_name(p->fvrf, l->w[arg]);
}

/* --- keyrings ----------------------------------------------------------- */

static void cmd_keyring2(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = ios_block_name(ios, l, arg);
	struct ios_keyring *kr;

	if (!name)
		return;
	if (!ios_no_more(ios, l, arg + 1)) {
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	kr = ios_keyring_find(ios, name, true);
	if (!kr) {
		kr = ios_grow(&ios->keyrings, &ios->nkeyrings, &ios->cap_keyrings, sizeof(*kr));
		ios_copy_name(kr->name, name);
		kr->line = l->no;
		kr->ikev2 = true;
	}
	ios_begin(ios, IOS_CTX_KEYRING2, kr);
}

/* The peer read so far goes into its keyring, once per selector. */
void ios_peer2_flush(struct ios *ios)
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
			ios_add_psk(kr, pe->line, pe->sel[i], pe->local, pe->remote);
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
	int i = ios_address_sel(l, arg, &a);

	if (!i) {
		ios_unsupported(ios, l, "expected ADDRESS [MASK]");
		return;
	}
	if (!ios_no_more(ios, l, i))
		return;
	ios_sel_of(&a, sel, sizeof(sel));
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
	int k = ios_key_word(ios, l, arg + (local || remote), false);

	if (k < 0 || !ios_no_more(ios, l, k + 1))
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

/* --- profiles ----------------------------------------------------------- */

static void cmd_profile2(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = ios_block_name(ios, l, arg);

	if (name && ios_no_more(ios, l, arg + 1))
		ios_begin(ios, IOS_CTX_PROFILE2, ios_ikeprof_new(ios, l, name, true));
	else if (name)
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
}

static void cmd_match_remote_address(struct ios *ios, const struct ios_line *l, int arg)
{
	ios_match_address(ios, l, arg, true);
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
	m = ios_match_new(ios, l);
	if (m)
		snprintf(m->id, sizeof(m->id), "%s", id);
}

/*
 * match fvrf V (profile): the profile is for peers in front-door VRF V.
 * kvti-keyer matches peers in its tunnels' fvrf: ios_resolve() checks that
 * it is V.
 */
static void cmd_profile2_fvrf(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ikeprof *p = ios->obj;

	if (arg + 1 != l->n) {
		ios_unsupported(ios, l, "expected match fvrf NAME|any");
		return;
	}
	ios_copy_name(p->fvrf, l->w[arg]);
	p->fvrf_line = l->no;
}

static void cmd_match_local_interface(struct ios *ios, const struct ios_line *l, int arg)
{
	ios_local_address(ios, l, arg);
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
	k = ios_key_word(ios, l, arg + 2, false);
	if (k < 0 || !ios_no_more(ios, l, k + 1))
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
	ios_profile_keyring(ios, l, arg + ios_kw(l->w[arg], "local"));
}

/* dpd INTERVAL RETRY {on-demand | periodic} */
static void dpd(struct ios *ios, const struct ios_line *l, int arg, bool *set, bool *periodic,
		unsigned long *i, unsigned long *r)
{
	if (!ios_want_number(ios, l, arg, "dpd interval", 10, 3600, i) ||
	    !ios_want_number(ios, l, arg + 1, "dpd retry", 2, 60, r))
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

	if (ios_want_number(ios, l, arg, "lifetime", 120, 86400, &s) && ios_no_more(ios, l, arg + 1))
		p->lifetime = s;
}

static void cmd_profile2_nat_keepalive(struct ios *ios, const struct ios_line *l, int arg)
{
	unsigned long s;

	if (!ios_want_number(ios, l, arg, "NAT keepalive seconds", 5, 3600, &s) || !ios_no_more(ios, l, arg + 1))
		return;
	if (ios->nat_keepalive && ios->nat_keepalive != s)
		ios_note(ios, l->no, "kvti-keyer has one NAT keepalive for all peers: %lu s",
			 ios->nat_keepalive);
	else
		ios->nat_keepalive = s;
}

/* --- the tables --------------------------------------------------------- */

const struct ios_cmd ios_ikev2_global[] = {
	{ "crypto ikev2 proposal", cmd_prop2, false, 0 },
	{ "crypto ikev2 policy", cmd_pol2, false, 0 },
	{ "crypto ikev2 keyring", cmd_keyring2, false, 0 },
	{ "crypto ikev2 profile", cmd_profile2, false, 0 },
	{ "crypto ikev2 dpd", cmd_ikev2_dpd, false, 0 },
	{ "crypto ikev2 nat keepalive", ios_cmd_nat_keepalive, false, 0 },
	{ "crypto ikev2 limit max-sa", ios_cmd_max_sa, false, 0 },
	{ "crypto ikev2 limit max-in-negotiation-sa", ios_cmd_max_half_open, false, 0 },
	{ "crypto ikev2 cookie-challenge", cmd_cookie, false, 0 },
};
const size_t ios_nikev2_global = N_OF(ios_ikev2_global);

const struct ios_cmd ios_prop2_cmds[] = {
	{ "encryption", cmd_prop2_enc, false, 0 },
	{ "integrity", cmd_prop2_integ, false, 0 },
	{ "prf", cmd_prop2_prf, false, 0 },
	{ "group", cmd_prop2_group, false, 0 },
};
const size_t ios_nprop2_cmds = N_OF(ios_prop2_cmds);

const struct ios_cmd ios_pol2_cmds[] = {
	{ "proposal", cmd_pol2_proposal, false, 0 },
	{ "match address local", cmd_pol2_local, false, 0 },
	{ "match fvrf any", ios_cmd_ignore, false, 0 },
	{ "match fvrf", cmd_pol2_fvrf, false, 0 },
	{ "description", ios_cmd_ignore, false, 0 },
};
const size_t ios_npol2_cmds = N_OF(ios_pol2_cmds);

const struct ios_cmd ios_keyring2_cmds[] = {
	{ "peer", cmd_peer2, false, 0 },
	{ "description", ios_cmd_ignore, true, 0 },
};
const size_t ios_nkeyring2_cmds = N_OF(ios_keyring2_cmds);

const struct ios_cmd ios_peer2_cmds[] = {
	{ "address", cmd_peer2_address, false, 0 },
	{ "identity", cmd_peer2_identity, false, 0 },
	{ "pre-shared-key", cmd_peer2_psk, false, 0 },
	{ "hostname", cmd_peer2_hostname, false, 0 },
	{ "description", ios_cmd_ignore, false, 0 },
};
const size_t ios_npeer2_cmds = N_OF(ios_peer2_cmds);

const struct ios_cmd ios_profile2_cmds[] = {
	{ "match identity remote address", cmd_match_remote_address, false, 0 },
	{ "match identity remote", cmd_match_remote, false, 0 },
	{ "match address local interface", cmd_match_local_interface, false, 0 },
	{ "match address local", ios_cmd_local_address, false, 0 },
	{ "match fvrf any", ios_cmd_ignore, false, 0 },
	{ "match fvrf", cmd_profile2_fvrf, false, 0 },
	{ "identity local", cmd_identity_local, false, 0 },
	{ "authentication local", cmd_authentication, false, 0 },
	{ "authentication remote", cmd_authentication, false, 0 },
	{ "keyring", cmd_profile2_keyring, false, 0 },
	{ "dpd", cmd_profile2_dpd, false, 0 },
	{ "lifetime", cmd_profile2_lifetime, false, 0 },
	{ "virtual-template", ios_cmd_virtual_template, false, 0 },
	{ "nat keepalive", cmd_profile2_nat_keepalive, false, 0 },
	{ "description", ios_cmd_ignore, false, 0 },
};
const size_t ios_nprofile2_cmds = N_OF(ios_profile2_cmds);

/* The end of the file: proposals IOS would refuse as incomplete. */
void ios_ikev2_finish(struct ios *ios)
{
	char head[IOS_NAME + 40];
	size_t i;

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
