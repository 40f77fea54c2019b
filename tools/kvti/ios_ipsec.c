// SPDX-License-Identifier: GPL-2.0
/*
 * kvti import-ios: the IPsec side.
 *
 *   crypto ipsec transform-set    one ESP proposal
 *   crypto ipsec profile          an ipsec-profile: transform sets, PFS,
 *                                 lifetimes, replay window, idle time,
 *                                 responder-only, the IKE profile, the
 *                                 preferred peers, reverse route options
 *   crypto ipsec security-association ...   the profiles' defaults
 */
#include <string.h>
#include <strings.h>

#include "ios.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* --- transform sets ----------------------------------------------------- */

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
	const char *name = ios_block_name(ios, l, arg);
	struct ios_tset *t;
	bool bad = false;
	int i;

	if (!name)
		return;
	t = ios_tset_find(ios, name);
	if (!t) {
		t = ios_grow(&ios->tsets, &ios->ntsets, &ios->cap_tsets, sizeof(*t));
		ios_copy_name(t->name, name);
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

/* --- ipsec profiles ----------------------------------------------------- */

static void cmd_ipsec_profile(struct ios *ios, const struct ios_line *l, int arg)
{
	const char *name = ios_block_name(ios, l, arg);
	struct ios_ipsecprof *p;

	if (!name)
		return;
	if (!ios_no_more(ios, l, arg + 1)) {
		ios_begin(ios, IOS_CTX_UNSUPPORTED, NULL);
		return;
	}
	p = ios_ipsecprof_find(ios, name);
	if (!p) {
		p = ios_grow(&ios->ipsecprofs, &ios->nipsecprofs, &ios->cap_ipsecprofs,
			     sizeof(*p));
		ios_copy_name(p->name, name);
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
		ios_copy_name(p->tsets[p->ntsets++], l->w[i]);
		if (!p->tset_line)
			p->tset_line = l->no;
	}
}

/* set pfs [group1 | group2 | group5 | group14 ...]; no group is group 1 */
static void cmd_set_pfs(struct ios *ios, const struct ios_line *l, int arg)
{
	struct ios_ipsecprof *p = ios->obj;
	const char *g = arg < l->n ? l->w[arg] : "group1";

	if (strncasecmp(g, "group", 5) || !ios_no_more(ios, l, arg + 1)) {
		ios_unsupported(ios, l, "expected set pfs [groupN]");
		return;
	}
	p->pfs = ios_dh_group(ios, l, g + 5);
}

/* lifetime {seconds S | kilobytes KB}, of a profile or global */
static void sa_lifetime(struct ios *ios, const struct ios_line *l, int arg,
			unsigned long long *s, unsigned long long *kb)
{
	unsigned long n;

	if (ios_kw(l->w[arg], "seconds") && arg + 2 == l->n) {
		if (ios_want_number(ios, l, arg + 1, "lifetime seconds", 120, 86400, &n))
			*s = n;
	} else if (ios_kw(l->w[arg], "kilobytes") && arg + 2 == l->n &&
		   !ios_kw(l->w[arg + 1], "disable")) {
		if (ios_want_number(ios, l, arg + 1, "lifetime kilobytes", 2560, 4294967295UL, &n))
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
		 ios_want_number(ios, l, arg + 1, "replay window", 32, 4096, &n) &&
		 ios_no_more(ios, l, arg + 2))
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

	if (!ios_want_number(ios, l, arg, "idle time", 60, 86400, &n))
		return;
	if (arg + 1 < l->n && ios_kw(l->w[arg + 1], "default"))
		arg++;
	if (ios_no_more(ios, l, arg + 1))
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
	ios_copy_name(p->ike_prof, l->w[arg]);
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
	ios_copy_name(pe->host, l->w[arg]);
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
		ios_want_number(ios, l, arg + 1, "route tag (a Linux realm)", 1, 65535, &p->rr_tag);
	else
		ios_want_number(ios, l, arg + 1, "route distance", 1, 255, &p->rr_distance);
}

static void cmd_responder_only(struct ios *ios, const struct ios_line *l, int arg)
{
	if (ios_no_more(ios, l, arg))
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

/* --- the tables --------------------------------------------------------- */

const struct ios_cmd ios_ipsec_global[] = {
	{ "crypto ipsec transform-set", cmd_tset, false, 0 },
	{ "crypto ipsec profile", cmd_ipsec_profile, false, 0 },
	{ "crypto ipsec security-association lifetime", cmd_global_lifetime, false, 0 },
	{ "crypto ipsec security-association replay", cmd_global_replay, false, 0 },
	{ "crypto ipsec security-association idle-time", cmd_global_idle, false, 0 },
	{ "crypto ipsec df-bit", cmd_global_df, false, 0 },
	{ "crypto ipsec fragmentation", cmd_fragmentation, false, 0 },
	{ "crypto ipsec nat-transparency udp-encapsulation", ios_cmd_ignore, false, 0 },
	{ "crypto ipsec client", ios_cmd_unsupported_block, false, 0 },
};
const size_t ios_nipsec_global = N_OF(ios_ipsec_global);

const struct ios_cmd ios_tset_cmds[] = {
	{ "mode", cmd_tset_mode, false, 0 },
};
const size_t ios_ntset_cmds = N_OF(ios_tset_cmds);

const struct ios_cmd ios_ipsec_profile_cmds[] = {
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
	{ "description", ios_cmd_ignore, false, 0 },
};
const size_t ios_nipsec_profile_cmds = N_OF(ios_ipsec_profile_cmds);
