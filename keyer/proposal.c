// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - proposal syntax, selection and kernel names (proposal.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "proposal.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum { FOR_IKE = 1, FOR_ESP = 2, FOR_BOTH = 3 };

/* strongSwan's keywords; the first of a type/id/keylen is the canonical name. */
static const struct keyword {
	const char	*name;
	uint8_t		 type;
	uint16_t	 id;
	uint16_t	 keybits;
	uint8_t		 where;
	bool		 aead;		/* an ENCR that needs no INTEG */
} keywords[] = {
	{ "aes128", IKE_XF_ENCR, IKE_ENCR_AES_CBC, 128, FOR_BOTH, false },
	{ "aes192", IKE_XF_ENCR, IKE_ENCR_AES_CBC, 192, FOR_BOTH, false },
	{ "aes256", IKE_XF_ENCR, IKE_ENCR_AES_CBC, 256, FOR_BOTH, false },
	{ "aes", IKE_XF_ENCR, IKE_ENCR_AES_CBC, 128, FOR_BOTH, false },
	{ "3des", IKE_XF_ENCR, IKE_ENCR_3DES, 0, FOR_BOTH, false },
	{ "aes128gcm16", IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128, FOR_BOTH, true },
	{ "aes192gcm16", IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 192, FOR_BOTH, true },
	{ "aes256gcm16", IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256, FOR_BOTH, true },
	{ "aes128gcm128", IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128, FOR_BOTH, true },
	{ "aes256gcm128", IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256, FOR_BOTH, true },
	{ "aes128gcm", IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 128, FOR_BOTH, true },
	{ "aes256gcm", IKE_XF_ENCR, IKE_ENCR_AES_GCM_16, 256, FOR_BOTH, true },
	{ "aes128gcm12", IKE_XF_ENCR, IKE_ENCR_AES_GCM_12, 128, FOR_BOTH, true },
	{ "aes256gcm12", IKE_XF_ENCR, IKE_ENCR_AES_GCM_12, 256, FOR_BOTH, true },
	{ "aes128gcm96", IKE_XF_ENCR, IKE_ENCR_AES_GCM_12, 128, FOR_BOTH, true },
	{ "aes256gcm96", IKE_XF_ENCR, IKE_ENCR_AES_GCM_12, 256, FOR_BOTH, true },
	{ "aes128gcm8", IKE_XF_ENCR, IKE_ENCR_AES_GCM_8, 128, FOR_BOTH, true },
	{ "aes256gcm8", IKE_XF_ENCR, IKE_ENCR_AES_GCM_8, 256, FOR_BOTH, true },
	{ "aes128gcm64", IKE_XF_ENCR, IKE_ENCR_AES_GCM_8, 128, FOR_BOTH, true },
	{ "aes256gcm64", IKE_XF_ENCR, IKE_ENCR_AES_GCM_8, 256, FOR_BOTH, true },
	{ "chacha20poly1305", IKE_XF_ENCR, IKE_ENCR_CHACHA20_POLY1305, 0, FOR_BOTH, true },
	{ "null", IKE_XF_ENCR, IKE_ENCR_NULL, 0, FOR_ESP, false },
	{ "aes128gmac", IKE_XF_ENCR, IKE_ENCR_NULL_AES_GMAC, 128, FOR_ESP, true },
	{ "aes192gmac", IKE_XF_ENCR, IKE_ENCR_NULL_AES_GMAC, 192, FOR_ESP, true },
	{ "aes256gmac", IKE_XF_ENCR, IKE_ENCR_NULL_AES_GMAC, 256, FOR_ESP, true },

	{ "sha1", IKE_XF_INTEG, IKE_INTEG_HMAC_SHA1_96, 0, FOR_BOTH, false },
	{ "sha", IKE_XF_INTEG, IKE_INTEG_HMAC_SHA1_96, 0, FOR_BOTH, false },
	{ "sha256", IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, FOR_BOTH, false },
	{ "sha2_256", IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_256_128, 0, FOR_BOTH, false },
	{ "sha384", IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_384_192, 0, FOR_BOTH, false },
	{ "sha2_384", IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_384_192, 0, FOR_BOTH, false },
	{ "sha512", IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_512_256, 0, FOR_BOTH, false },
	{ "sha2_512", IKE_XF_INTEG, IKE_INTEG_HMAC_SHA2_512_256, 0, FOR_BOTH, false },

	{ "prfsha1", IKE_XF_PRF, IKE_PRF_HMAC_SHA1, 0, FOR_IKE, false },
	{ "prfsha256", IKE_XF_PRF, IKE_PRF_HMAC_SHA2_256, 0, FOR_IKE, false },
	{ "prfsha384", IKE_XF_PRF, IKE_PRF_HMAC_SHA2_384, 0, FOR_IKE, false },
	{ "prfsha512", IKE_XF_PRF, IKE_PRF_HMAC_SHA2_512, 0, FOR_IKE, false },

	{ "modp2048", IKE_XF_DH, IKE_DH_MODP2048, 0, FOR_BOTH, false },
	{ "modp3072", IKE_XF_DH, IKE_DH_MODP3072, 0, FOR_BOTH, false },
	{ "modp4096", IKE_XF_DH, IKE_DH_MODP4096, 0, FOR_BOTH, false },
	{ "ecp256", IKE_XF_DH, IKE_DH_ECP256, 0, FOR_BOTH, false },
	{ "ecp384", IKE_XF_DH, IKE_DH_ECP384, 0, FOR_BOTH, false },
	{ "ecp521", IKE_XF_DH, IKE_DH_ECP521, 0, FOR_BOTH, false },
	{ "curve25519", IKE_XF_DH, IKE_DH_CURVE25519, 0, FOR_BOTH, false },
	{ "x25519", IKE_XF_DH, IKE_DH_CURVE25519, 0, FOR_BOTH, false },

	{ "esn", IKE_XF_ESN, IKE_ESN_YES, 0, FOR_ESP, false },
	{ "noesn", IKE_XF_ESN, IKE_ESN_NO, 0, FOR_ESP, false },
};

/* The PRF that goes with an integrity algorithm when none is given. */
static const uint16_t prf_for_integ[][2] = {
	{ IKE_INTEG_HMAC_SHA1_96, IKE_PRF_HMAC_SHA1 },
	{ IKE_INTEG_HMAC_SHA2_256_128, IKE_PRF_HMAC_SHA2_256 },
	{ IKE_INTEG_HMAC_SHA2_384_192, IKE_PRF_HMAC_SHA2_384 },
	{ IKE_INTEG_HMAC_SHA2_512_256, IKE_PRF_HMAC_SHA2_512 },
};

static const struct keyword *find_keyword(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		if (strlen(keywords[i].name) == len &&
		    !strncasecmp(keywords[i].name, name, len))
			return &keywords[i];
	return NULL;
}

static const struct keyword *keyword_of(uint8_t type, uint16_t id, uint16_t keybits)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		if (keywords[i].type == type && keywords[i].id == id &&
		    keywords[i].keybits == keybits)
			return &keywords[i];
	return NULL;
}

static bool is_aead(uint16_t encr)
{
	return encr == IKE_ENCR_AES_GCM_8 || encr == IKE_ENCR_AES_GCM_12 ||
	       encr == IKE_ENCR_AES_GCM_16 || encr == IKE_ENCR_CHACHA20_POLY1305 ||
	       encr == IKE_ENCR_NULL_AES_GMAC;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static size_t count_type(const struct ike_proposal *p, uint8_t type)
{
	size_t i, n = 0;

	for (i = 0; i < p->nxf; i++)
		n += p->xf[i].type == type;
	return n;
}

static bool has_xf(const struct ike_proposal *p, const struct ike_transform *xf)
{
	size_t i;

	for (i = 0; i < p->nxf; i++)
		if (p->xf[i].type == xf->type && p->xf[i].id == xf->id &&
		    p->xf[i].keylen == xf->keylen && !p->xf[i].unknown_attr)
			return true;
	return false;
}

static int add_xf(struct ike_proposal *p, uint8_t type, uint16_t id, uint16_t keybits)
{
	struct ike_transform xf = { type, id, keybits, false };

	if (has_xf(p, &xf))
		return 0;
	if (p->nxf >= IKE_MAX_TRANSFORMS)
		return -1;
	p->xf[p->nxf++] = xf;
	return 0;
}

/* Transform types in the order we send them. */
static const uint8_t type_order[] = { IKE_XF_ENCR, IKE_XF_INTEG, IKE_XF_PRF, IKE_XF_DH,
				      IKE_XF_ESN };

static void sort_by_type(struct ike_proposal *p)
{
	struct ike_transform tmp[IKE_MAX_TRANSFORMS];
	size_t i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(type_order); i++)
		for (j = 0; j < p->nxf; j++)
			if (p->xf[j].type == type_order[i])
				tmp[n++] = p->xf[j];
	memcpy(p->xf, tmp, n * sizeof(tmp[0]));
	p->nxf = (uint8_t)n;
}

/*
 * One proposal: keywords joined by '-'.  IKE needs an ENCR, a DH group and,
 * without an AEAD, an INTEG (the PRF then defaults to the INTEG's hash, as
 * in strongSwan); with an AEAD, a PRF and no INTEG.  ESP needs an ENCR and,
 * without an AEAD, an INTEG; DH groups there mean PFS; ESN defaults to no.
 * AEAD and non-AEAD ciphers cannot share a proposal (3.3.3): write two.
 */
int proposal_parse(const char *text, uint8_t proto, struct ike_proposal *out,
		   char *err, size_t errlen)
{
	const char *s = text, *end;
	const struct keyword *kw;
	size_t len, n_aead = 0, n_plain = 0, i, j;
	uint8_t where = proto == IKE_PROTO_IKE ? FOR_IKE : FOR_ESP;
	const char *what = proto == IKE_PROTO_IKE ? "IKE" : "ESP";

	memset(out, 0, sizeof(*out));
	out->proto = proto;
	out->spi_size = proto == IKE_PROTO_IKE ? 0 : 4;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return fail(err, errlen, "empty proposal");
	for (;;) {
		end = s + strcspn(s, "-");
		len = (size_t)(end - s);
		while (len && isspace((unsigned char)s[len - 1]))
			len--;
		if (!len)
			return fail(err, errlen, "empty algorithm in '%s'", text);
		kw = find_keyword(s, len);
		if (!kw)
			return fail(err, errlen, "unknown algorithm '%.*s'", (int)len, s);
		if (!(kw->where & where))
			return fail(err, errlen, "'%s' is not valid in an %s proposal",
				    kw->name, what);
		if (add_xf(out, kw->type, kw->id, kw->keybits) < 0)
			return fail(err, errlen, "too many algorithms in '%s'", text);
		if (kw->type == IKE_XF_ENCR && kw->aead)
			n_aead++;
		else if (kw->type == IKE_XF_ENCR)
			n_plain++;
		if (!*end)
			break;
		s = end + 1;
	}

	if (!n_aead && !n_plain)
		return fail(err, errlen, "'%s' has no encryption algorithm", text);
	if (n_aead && n_plain)
		return fail(err, errlen, "'%s' mixes AEAD and non-AEAD ciphers; "
			    "make them two proposals", text);
	if (n_aead && count_type(out, IKE_XF_INTEG))
		return fail(err, errlen, "'%s': an AEAD cipher takes no integrity algorithm", text);
	if (n_plain && !count_type(out, IKE_XF_INTEG))
		return fail(err, errlen, "'%s' needs an integrity algorithm (e.g. sha256)", text);
	if (proto == IKE_PROTO_IKE) {
		if (!count_type(out, IKE_XF_DH))
			return fail(err, errlen, "'%s' needs a DH group (e.g. ecp384)", text);
		if (n_aead && !count_type(out, IKE_XF_PRF))
			return fail(err, errlen, "'%s' needs a PRF with an AEAD cipher "
				    "(e.g. prfsha256)", text);
		if (!count_type(out, IKE_XF_PRF))
			for (i = 0; i < out->nxf; i++)
				for (j = 0; j < ARRAY_SIZE(prf_for_integ); j++)
					if (out->xf[i].type == IKE_XF_INTEG &&
					    out->xf[i].id == prf_for_integ[j][0] &&
					    add_xf(out, IKE_XF_PRF, prf_for_integ[j][1], 0) < 0)
						return fail(err, errlen, "too many algorithms");
	} else if (!count_type(out, IKE_XF_ESN) && add_xf(out, IKE_XF_ESN, IKE_ESN_NO, 0) < 0) {
		return fail(err, errlen, "too many algorithms");
	}
	sort_by_type(out);
	return 0;
}

/* A comma-separated list; proposals are numbered 1.. in order. */
int proposal_parse_list(const char *text, uint8_t proto, struct ike_proposal *out,
			size_t max, size_t *n, char *err, size_t errlen)
{
	char one[256];
	const char *s = text;
	size_t len;

	*n = 0;
	for (;;) {
		len = strcspn(s, ",");
		if (len >= sizeof(one))
			return fail(err, errlen, "proposal too long");
		if (*n >= max)
			return fail(err, errlen, "more than %zu proposals", max);
		memcpy(one, s, len);
		one[len] = '\0';
		if (proposal_parse(one, proto, &out[*n], err, errlen) < 0)
			return -1;
		out[*n].num = (uint8_t)(*n + 1);
		(*n)++;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

/* Back to keywords, for logs and `kvti session show`. */
int proposal_format(const struct ike_proposal *p, char *out, size_t len)
{
	const struct keyword *kw;
	size_t i, used = 0;
	int n;

	if (len)
		out[0] = '\0';
	for (i = 0; i < p->nxf; i++) {
		const struct ike_transform *xf = &p->xf[i];

		if (xf->type == IKE_XF_ESN && xf->id == IKE_ESN_NO)
			continue;
		kw = keyword_of(xf->type, xf->id, xf->keylen);
		if (kw)
			n = snprintf(out + used, len - used, "%s%s", used ? "-" : "", kw->name);
		else
			n = snprintf(out + used, len - used, "%s%u:%u", used ? "-" : "",
				     xf->type, xf->id);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

int proposal_dh_lookup(const char *name)
{
	const struct keyword *kw = find_keyword(name, strlen(name));

	if (!strcasecmp(name, "none"))
		return IKE_DH_NONE;
	return kw && kw->type == IKE_XF_DH ? kw->id : -1;
}

const char *proposal_dh_name(uint16_t group)
{
	const struct keyword *kw = keyword_of(IKE_XF_DH, group, 0);

	return kw ? kw->name : group == IKE_DH_NONE ? "none" : "unknown";
}

/* Add a PFS group to every ESP proposal that names none (ipsec-profile pfs). */
void proposal_set_pfs(struct ike_proposal *props, size_t n, uint16_t group)
{
	size_t i;

	if (group == IKE_DH_NONE)
		return;
	for (i = 0; i < n; i++)
		if (!count_type(&props[i], IKE_XF_DH) &&
		    add_xf(&props[i], IKE_XF_DH, group, 0) == 0)
			sort_by_type(&props[i]);
}

/* The group of our first KE: the first DH of our first proposal. */
uint16_t proposal_first_dh(const struct ike_proposal *ours, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < ours[i].nxf; j++)
			if (ours[i].xf[j].type == IKE_XF_DH)
				return ours[i].xf[j].id;
	return IKE_DH_NONE;
}

/* Would we accept @group?  (INVALID_KE_PAYLOAD asks us to retry with it.) */
bool proposal_offers_dh(const struct ike_proposal *ours, size_t n, uint16_t group)
{
	struct ike_transform xf = { IKE_XF_DH, group, 0, false };
	size_t i;

	for (i = 0; i < n; i++)
		if (has_xf(&ours[i], &xf))
			return true;
	return false;
}

/*
 * The first transform of @type in @ours that @peer offers.  A type absent
 * from a proposal stands for NONE where NONE is allowed (INTEG next to an
 * AEAD, DH in ESP) and for "no" for ESN (some peers omit it).
 */
static bool pick(const struct ike_proposal *ours, const struct ike_proposal *peer,
		 uint8_t type, struct ike_transform *out)
{
	struct ike_transform none = { type, 0, 0, false };
	bool ours_has = count_type(ours, type), peer_has = count_type(peer, type);
	size_t i;

	if (!ours_has) {
		if (type == IKE_XF_PRF && ours->proto == IKE_PROTO_IKE)
			return false;
		if (peer_has && !has_xf(peer, &none))
			return false;
		*out = none;
		return true;
	}
	for (i = 0; i < ours->nxf; i++) {
		const struct ike_transform *xf = &ours->xf[i];

		if (xf->type != type)
			continue;
		if (peer_has ? has_xf(peer, xf) : xf->id == 0) {
			*out = *xf;
			return true;
		}
	}
	return false;
}

/* Can @peer, as a whole, be accepted?  3.3.6: unknown types reject it. */
static bool acceptable(const struct ike_proposal *ours, const struct ike_proposal *peer,
		       unsigned int flags)
{
	uint8_t spi_size;
	size_t i;

	if (peer->proto != ours->proto)
		return false;
	if (peer->proto == IKE_PROTO_IKE)
		spi_size = flags & PROP_IKE_REKEY ? 8 : 0;
	else
		spi_size = 4;
	if (peer->spi_size != spi_size)
		return false;
	for (i = 0; i < peer->nxf; i++) {
		uint8_t t = peer->xf[i].type;

		if (t == 0 || t >= IKE_XF_TYPES)
			return false;
		if (t == IKE_XF_PRF && peer->proto != IKE_PROTO_IKE)
			return false;
		if (t == IKE_XF_ESN && peer->proto == IKE_PROTO_IKE)
			return false;
	}
	return true;
}

static bool match_one(const struct ike_proposal *ours, const struct ike_proposal *peer,
		      unsigned int flags, struct proposal_choice *out)
{
	struct ike_transform xf[IKE_XF_TYPES];
	struct ike_proposal *r = &out->reply;
	struct ike_suite *s = &out->suite;
	size_t i;

	memset(xf, 0, sizeof(xf));
	if (!acceptable(ours, peer, flags))
		return false;
	for (i = 0; i < ARRAY_SIZE(type_order); i++) {
		uint8_t t = type_order[i];

		if (t == IKE_XF_PRF && ours->proto != IKE_PROTO_IKE)
			continue;
		if (t == IKE_XF_ESN && ours->proto == IKE_PROTO_IKE)
			continue;
		if (t == IKE_XF_DH && (flags & PROP_SKIP_DH)) {
			xf[t] = (struct ike_transform){ t, IKE_DH_NONE, 0, false };
			continue;
		}
		if (!pick(ours, peer, t, &xf[t]))
			return false;
	}
	/* An AEAD must not come with an integrity algorithm, and vice versa. */
	if (is_aead(xf[IKE_XF_ENCR].id) != (xf[IKE_XF_INTEG].id == IKE_INTEG_NONE))
		return false;

	memset(out, 0, sizeof(*out));
	r->num = peer->num;
	r->proto = peer->proto;
	r->spi_size = peer->spi_size;
	out->peer_spi_size = peer->spi_size;
	memcpy(out->peer_spi, peer->spi, peer->spi_size);
	for (i = 0; i < ARRAY_SIZE(type_order); i++) {
		uint8_t t = type_order[i];

		if ((t == IKE_XF_PRF && ours->proto != IKE_PROTO_IKE) ||
		    (t == IKE_XF_ESN && ours->proto == IKE_PROTO_IKE) ||
		    ((t == IKE_XF_INTEG || t == IKE_XF_DH) && xf[t].id == 0))
			continue;
		r->xf[r->nxf++] = xf[t];
	}
	s->encr = xf[IKE_XF_ENCR].id;
	s->encr_bits = xf[IKE_XF_ENCR].keylen;
	s->integ = xf[IKE_XF_INTEG].id;
	s->dh = xf[IKE_XF_DH].id;
	s->prf = ours->proto == IKE_PROTO_IKE ? xf[IKE_XF_PRF].id : 0;
	s->esn = ours->proto == IKE_PROTO_IKE ? 0 : (uint8_t)xf[IKE_XF_ESN].id;
	return true;
}

int proposal_select(const struct ike_proposal *ours, size_t nours,
		    const struct ike_proposal *peer, size_t npeer, unsigned int flags,
		    struct proposal_choice *out)
{
	size_t i, j;

	for (i = 0; i < nours; i++)
		for (j = 0; j < npeer; j++)
			if (match_one(&ours[i], &peer[j], flags, out)) {
				out->ours = i;
				return 0;
			}
	return -1;
}

/*
 * The initiator's check of the responder's SA payload: exactly one
 * proposal, at most one transform of each type, and a subset of ours.
 */
int proposal_check_reply(const struct ike_proposal *ours, size_t nours,
			 const struct ike_proposal *reply, size_t nreply,
			 unsigned int flags, struct proposal_choice *out)
{
	size_t t;

	if (nreply != 1)
		return -1;
	for (t = 1; t < IKE_XF_TYPES; t++)
		if (count_type(reply, (uint8_t)t) > 1)
			return -1;
	return proposal_select(ours, nours, reply, 1, flags, out);
}

/*
 * ESP as kvti's SA_NEW takes it (SPEC 5, uapi/linux/kvti.h): an AEAD by
 * crypto API name with the 4-byte salt after the key, or a cipher and an
 * HMAC as two names with the truncation in bits.
 */
int proposal_esp_kernel(const struct ike_suite *s, struct esp_kernel_alg *out)
{
	static const struct {
		uint16_t id;
		const char *name;
		uint16_t key_len, icv_bits;
	} integs[] = {
		{ IKE_INTEG_HMAC_SHA1_96, "hmac(sha1)", 20, 96 },
		{ IKE_INTEG_HMAC_SHA2_256_128, "hmac(sha256)", 32, 128 },
		{ IKE_INTEG_HMAC_SHA2_384_192, "hmac(sha384)", 48, 192 },
		{ IKE_INTEG_HMAC_SHA2_512_256, "hmac(sha512)", 64, 256 },
	};
	size_t i;

	memset(out, 0, sizeof(*out));
	switch (s->encr) {
	case IKE_ENCR_AES_GCM_16:
	case IKE_ENCR_AES_GCM_12:
	case IKE_ENCR_AES_GCM_8:
	case IKE_ENCR_NULL_AES_GMAC:
		if (s->encr_bits != 128 && s->encr_bits != 192 && s->encr_bits != 256)
			return -1;
		out->aead = s->encr == IKE_ENCR_NULL_AES_GMAC ? "rfc4543(gcm(aes))" :
			    "rfc4106(gcm(aes))";
		out->enc_key_len = s->encr_bits / 8 + 4;
		out->icv_bits = s->encr == IKE_ENCR_AES_GCM_8 ? 64 :
				s->encr == IKE_ENCR_AES_GCM_12 ? 96 : 128;
		return s->integ == IKE_INTEG_NONE ? 0 : -1;
	case IKE_ENCR_CHACHA20_POLY1305:
		out->aead = "rfc7539esp(chacha20,poly1305)";
		out->enc_key_len = 32 + 4;
		out->icv_bits = 128;
		return s->integ == IKE_INTEG_NONE ? 0 : -1;
	case IKE_ENCR_AES_CBC:
		if (s->encr_bits != 128 && s->encr_bits != 192 && s->encr_bits != 256)
			return -1;
		out->enc = "cbc(aes)";
		out->enc_key_len = s->encr_bits / 8;
		break;
	case IKE_ENCR_3DES:
		out->enc = "cbc(des3_ede)";
		out->enc_key_len = 24;
		break;
	case IKE_ENCR_NULL:
		out->enc = "ecb(cipher_null)";
		out->enc_key_len = 0;
		break;
	default:
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(integs); i++)
		if (integs[i].id == s->integ) {
			out->auth = integs[i].name;
			out->auth_key_len = integs[i].key_len;
			out->icv_bits = integs[i].icv_bits;
			return 0;
		}
	return -1;
}
