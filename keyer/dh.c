// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - Diffie-Hellman for IKE (declared in crypto.h): x25519
 * (RFC 8031), the RFC 5903 ECP groups and the RFC 3526 MODP groups, in the
 * KE payload encodings IKE uses, with the peer checks RFC 7296 2.12 asks for.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/dh.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "crypto.h"

#define DH_MAX_PUB	512	/* modp4096 */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum dh_kind { DH_X25519, DH_ECP, DH_MODP };

static const struct dh_group {
	uint16_t	 id;
	enum dh_kind	 kind;
	const char	*name;		/* OpenSSL group name */
	int		 nid;		/* ECP only */
	uint16_t	 pub_len;	/* KE data: x||y for ECP (RFC 5903 7) */
} dh_groups[] = {
	{ IKE_DH_MODP2048, DH_MODP, "modp_2048", 0, 256 },
	{ IKE_DH_MODP3072, DH_MODP, "modp_3072", 0, 384 },
	{ IKE_DH_MODP4096, DH_MODP, "modp_4096", 0, 512 },
	{ IKE_DH_ECP256, DH_ECP, "P-256", NID_X9_62_prime256v1, 64 },
	{ IKE_DH_ECP384, DH_ECP, "P-384", NID_secp384r1, 96 },
	{ IKE_DH_ECP521, DH_ECP, "P-521", NID_secp521r1, 132 },
	{ IKE_DH_CURVE25519, DH_X25519, "X25519", 0, 32 },
};

struct dh {
	const struct dh_group	*g;
	EVP_PKEY		*key;
	uint8_t			 pub[DH_MAX_PUB];
};

static const struct dh_group *find_group(uint16_t id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dh_groups); i++)
		if (dh_groups[i].id == id)
			return &dh_groups[i];
	return NULL;
}

bool dh_supported(uint16_t group)
{
	return find_group(group) != NULL;
}

size_t dh_public_len(uint16_t group)
{
	const struct dh_group *g = find_group(group);

	return g ? g->pub_len : 0;
}

static const char *key_type(const struct dh_group *g)
{
	return g->kind == DH_X25519 ? "X25519" : g->kind == DH_ECP ? "EC" : "DH";
}

/* Fill dh->pub in the IKE encoding of the group. */
static int load_public(struct dh *dh)
{
	uint8_t pt[1 + DH_MAX_PUB];
	BIGNUM *y = NULL;
	size_t len = 0;
	int ok = 0;

	switch (dh->g->kind) {
	case DH_X25519:
		len = dh->g->pub_len;
		ok = EVP_PKEY_get_raw_public_key(dh->key, dh->pub, &len) &&
		     len == dh->g->pub_len;
		break;
	case DH_ECP:
		/* RFC 5903 7: x | y, without the SEC1 0x04 prefix. */
		ok = EVP_PKEY_get_octet_string_param(dh->key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY,
						     pt, sizeof(pt), &len) &&
		     len == 1u + dh->g->pub_len && pt[0] == POINT_CONVERSION_UNCOMPRESSED;
		if (ok)
			memcpy(dh->pub, pt + 1, dh->g->pub_len);
		break;
	case DH_MODP:
		ok = EVP_PKEY_get_bn_param(dh->key, OSSL_PKEY_PARAM_PUB_KEY, &y) &&
		     BN_bn2binpad(y, dh->pub, dh->g->pub_len) == dh->g->pub_len;
		BN_free(y);
		break;
	}
	return ok ? 0 : -1;
}

static struct dh *dh_alloc(uint16_t group)
{
	const struct dh_group *g = find_group(group);
	struct dh *dh;

	if (!g)
		return NULL;
	dh = calloc(1, sizeof(*dh));
	if (dh)
		dh->g = g;
	return dh;
}

struct dh *dh_new(uint16_t group)
{
	struct dh *dh = dh_alloc(group);
	EVP_PKEY_CTX *ctx = NULL;
	OSSL_PARAM params[2];

	if (!dh)
		return NULL;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, key_type(dh->g), NULL);
	if (!ctx || EVP_PKEY_keygen_init(ctx) <= 0)
		goto fail;
	if (dh->g->kind != DH_X25519) {
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
							     (char *)dh->g->name, 0);
		params[1] = OSSL_PARAM_construct_end();
		if (!EVP_PKEY_CTX_set_params(ctx, params))
			goto fail;
	}
	if (EVP_PKEY_generate(ctx, &dh->key) <= 0 || load_public(dh) < 0)
		goto fail;
	EVP_PKEY_CTX_free(ctx);
	return dh;
fail:
	EVP_PKEY_CTX_free(ctx);
	dh_free(dh);
	return NULL;
}

/* Build an EC or MODP key from OSSL_PARAMs (@selection: public or pair). */
static EVP_PKEY *key_fromdata(const struct dh_group *g, OSSL_PARAM_BLD *bld, int selection)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;

	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, g->name, 0))
		return NULL;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, key_type(g), NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, selection, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);	/* clears the private key it held */
	return key;
}

/* The peer's KE data as an EVP_PKEY of our group; NULL if malformed. */
static EVP_PKEY *peer_key(const struct dh_group *g, const uint8_t *data, size_t len)
{
	uint8_t pt[1 + DH_MAX_PUB];
	OSSL_PARAM_BLD *bld;
	EVP_PKEY *key = NULL;
	BIGNUM *y = NULL;
	int ok = 0;

	if (len != g->pub_len)
		return NULL;
	if (g->kind == DH_X25519)
		return EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, data, len);
	bld = OSSL_PARAM_BLD_new();
	if (!bld)
		return NULL;
	if (g->kind == DH_ECP) {
		pt[0] = POINT_CONVERSION_UNCOMPRESSED;
		memcpy(pt + 1, data, len);
		ok = OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, len + 1);
	} else {
		y = BN_bin2bn(data, (int)len, NULL);
		ok = y && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y);
	}
	if (ok)
		key = key_fromdata(g, bld, EVP_PKEY_PUBLIC_KEY);
	OSSL_PARAM_BLD_free(bld);
	BN_free(y);
	return key;
}

/* EC key pair from a known scalar: the public point is d * G. */
static EVP_PKEY *ecp_keypair(const struct dh_group *g, const BIGNUM *d)
{
	uint8_t pt[1 + DH_MAX_PUB];
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(g->nid);
	EC_POINT *q = grp ? EC_POINT_new(grp) : NULL;
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY *key = NULL;
	size_t len;

	if (q && bld && EC_POINT_mul(grp, q, d, NULL, NULL, NULL) &&
	    (len = EC_POINT_point2oct(grp, q, POINT_CONVERSION_UNCOMPRESSED,
				      pt, sizeof(pt), NULL)) > 0 &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pt, len))
		key = key_fromdata(g, bld, EVP_PKEY_KEYPAIR);
	OSSL_PARAM_BLD_free(bld);
	EC_POINT_free(q);
	EC_GROUP_free(grp);
	return key;
}

/* MODP key pair from a known exponent: y = g^x mod p of the named group. */
static EVP_PKEY *modp_keypair(const struct dh_group *g, const BIGNUM *x)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	BIGNUM *p = NULL, *gen = NULL, *y = BN_new();
	EVP_PKEY *params = NULL, *key = NULL;
	BN_CTX *bnctx = BN_CTX_new();

	if (!bld || !y || !bnctx)
		goto out;
	params = key_fromdata(g, bld, EVP_PKEY_KEY_PARAMETERS);
	OSSL_PARAM_BLD_free(bld);
	bld = OSSL_PARAM_BLD_new();
	if (!params || !bld ||
	    !EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_P, &p) ||
	    !EVP_PKEY_get_bn_param(params, OSSL_PKEY_PARAM_FFC_G, &gen) ||
	    !BN_mod_exp(y, gen, x, p, bnctx))
		goto out;
	if (OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, x) &&
	    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PUB_KEY, y))
		key = key_fromdata(g, bld, EVP_PKEY_KEYPAIR);
out:
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_free(params);
	BN_free(p);
	BN_free(gen);
	BN_free(y);
	BN_CTX_free(bnctx);
	return key;
}

/*
 * A key pair with a given private value: the scalar for x25519 (32 bytes,
 * RFC 7748) or ECP (big-endian), the exponent for MODP.  For known-answer
 * tests; the daemon always uses dh_new().
 */
struct dh *dh_new_private(uint16_t group, const uint8_t *priv, size_t len)
{
	struct dh *dh = dh_alloc(group);
	BIGNUM *d = NULL;

	if (!dh || len > INT_MAX)
		goto fail;
	if (dh->g->kind == DH_X25519) {
		dh->key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv, len);
	} else {
		d = BN_bin2bn(priv, (int)len, NULL);
		if (!d)
			goto fail;
		dh->key = dh->g->kind == DH_ECP ? ecp_keypair(dh->g, d) : modp_keypair(dh->g, d);
		BN_clear_free(d);
	}
	if (!dh->key || load_public(dh) < 0)
		goto fail;
	return dh;
fail:
	dh_free(dh);
	return NULL;
}

uint16_t dh_group(const struct dh *dh)
{
	return dh->g->id;
}

struct chunk dh_public(const struct dh *dh)
{
	return (struct chunk){ dh->pub, dh->g->pub_len };
}

/*
 * g^ir from the peer's KE data.  The peer value is validated by OpenSSL
 * (point on the curve; 1 < y < p-1 and in the subgroup for MODP), as RFC
 * 7296 2.12 and RFC 6989 ask.  The secret has a fixed length: the x
 * coordinate for ECP (RFC 5903 7), the modulus length with leading zeros
 * for MODP (2.14), 32 bytes for x25519, which must not be all zero (RFC
 * 8031 2.1).
 */
int dh_derive(struct dh *dh, const uint8_t *peer, size_t len, struct buf **secret)
{
	static const uint8_t zero[32];
	EVP_PKEY *pkey = peer_key(dh->g, peer, len);
	EVP_PKEY_CTX *ctx = NULL;
	struct buf *s = NULL;
	size_t want, slen;

	*secret = NULL;
	want = dh->g->kind == DH_ECP ? dh->g->pub_len / 2u : dh->g->pub_len;
	if (!pkey)
		return -1;
	ctx = EVP_PKEY_CTX_new_from_pkey(NULL, dh->key, NULL);
	if (!ctx || EVP_PKEY_derive_init(ctx) <= 0)
		goto fail;
	if (dh->g->kind == DH_MODP && EVP_PKEY_CTX_set_dh_pad(ctx, 1) <= 0)
		goto fail;
	if (EVP_PKEY_derive_set_peer_ex(ctx, pkey, 1) <= 0 ||
	    EVP_PKEY_derive(ctx, NULL, &slen) <= 0 || slen != want)
		goto fail;
	s = buf_new(slen);
	if (!s || EVP_PKEY_derive(ctx, s->data, &slen) <= 0 || slen != want)
		goto fail;
	s->len = slen;
	if (dh->g->kind == DH_X25519 && CRYPTO_memcmp(s->data, zero, 32) == 0)
		goto fail;
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	*secret = s;
	return 0;
fail:
	buf_free(s);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(pkey);
	return -1;
}

void dh_free(struct dh *dh)
{
	if (!dh)
		return;
	EVP_PKEY_free(dh->key);
	free(dh);
}
