// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - IKE cryptography over OpenSSL 3 EVP (crypto.h).
 *
 * Functions return 0 on success and -1 on any failure, including a failed
 * integrity check: the caller drops the message and counts it, and the
 * reason never reaches the peer (RFC 7296 2.21.2).
 */
#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto.h"

#define AEAD_NONCE_LEN	12	/* salt(4) | IV(8), RFC 5282 4 and RFC 7634 2 */

/*
 * IKE encryption transforms.  AES-GCM and ChaCha20-Poly1305 take 4 more
 * bytes of SK_e as the nonce salt; they need no padding (block 1), but the
 * pad length byte is still there.
 */
static const struct encr_alg encr_algs[] = {
	{ IKE_ENCR_AES_CBC, 128, "AES-128-CBC", 16, 0, 16, 16, 0 },
	{ IKE_ENCR_AES_CBC, 192, "AES-192-CBC", 24, 0, 16, 16, 0 },
	{ IKE_ENCR_AES_CBC, 256, "AES-256-CBC", 32, 0, 16, 16, 0 },
	{ IKE_ENCR_3DES, 0, "DES-EDE3-CBC", 24, 0, 8, 8, 0 },
	{ IKE_ENCR_AES_GCM_16, 128, "AES-128-GCM", 16, 4, 1, 8, 16 },
	{ IKE_ENCR_AES_GCM_16, 192, "AES-192-GCM", 24, 4, 1, 8, 16 },
	{ IKE_ENCR_AES_GCM_16, 256, "AES-256-GCM", 32, 4, 1, 8, 16 },
	{ IKE_ENCR_AES_GCM_12, 128, "AES-128-GCM", 16, 4, 1, 8, 12 },
	{ IKE_ENCR_AES_GCM_12, 256, "AES-256-GCM", 32, 4, 1, 8, 12 },
	{ IKE_ENCR_AES_GCM_8, 128, "AES-128-GCM", 16, 4, 1, 8, 8 },
	{ IKE_ENCR_AES_GCM_8, 256, "AES-256-GCM", 32, 4, 1, 8, 8 },
	{ IKE_ENCR_CHACHA20_POLY1305, 0, "ChaCha20-Poly1305", 32, 4, 1, 8, 16 },
};

static const struct prf_alg prf_algs[] = {
	{ IKE_PRF_HMAC_SHA1, "SHA1", 20 },
	{ IKE_PRF_HMAC_SHA2_256, "SHA256", 32 },
	{ IKE_PRF_HMAC_SHA2_384, "SHA384", 48 },
	{ IKE_PRF_HMAC_SHA2_512, "SHA512", 64 },
};

static const struct integ_alg integ_algs[] = {
	{ IKE_INTEG_HMAC_SHA1_96, "SHA1", 20, 12 },
	{ IKE_INTEG_HMAC_SHA2_256_128, "SHA256", 32, 16 },
	{ IKE_INTEG_HMAC_SHA2_384_192, "SHA384", 48, 24 },
	{ IKE_INTEG_HMAC_SHA2_512_256, "SHA512", 64, 32 },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const struct encr_alg *crypto_encr(uint16_t id, uint16_t keybits)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(encr_algs); i++)
		if (encr_algs[i].id == id && encr_algs[i].keybits == keybits)
			return &encr_algs[i];
	return NULL;
}

const struct prf_alg *crypto_prf(uint16_t id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prf_algs); i++)
		if (prf_algs[i].id == id)
			return &prf_algs[i];
	return NULL;
}

const struct integ_alg *crypto_integ(uint16_t id)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(integ_algs); i++)
		if (integ_algs[i].id == id)
			return &integ_algs[i];
	return NULL;
}

int crypto_random(void *p, size_t len)
{
	if (len > INT_MAX)
		return -1;
	return RAND_bytes(p, (int)len) == 1 ? 0 : -1;
}

/* HMAC over the concatenation of @parts; *outlen gets the digest size. */
static int hmac(const char *md, struct chunk key, const struct chunk *parts,
		size_t nparts, uint8_t *out, size_t *outlen)
{
	static EVP_MAC *mac;	/* fetched once; the keyer has one thread */
	static const uint8_t empty[1];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	int ok = 0;
	size_t i;

	if (!mac && !(mac = EVP_MAC_fetch(NULL, "HMAC", NULL)))
		return -1;
	ctx = EVP_MAC_CTX_new(mac);
	if (!ctx)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key.p ? key.p : empty, key.len, params))
		goto out;
	for (i = 0; i < nparts; i++)
		if (parts[i].len && !EVP_MAC_update(ctx, parts[i].p, parts[i].len))
			goto out;
	ok = EVP_MAC_final(ctx, out, outlen, CRYPTO_MAX_PRF_LEN);
out:
	EVP_MAC_CTX_free(ctx);
	return ok ? 0 : -1;
}

int crypto_prf_once(const struct prf_alg *prf, struct chunk key,
		    const struct chunk *parts, size_t nparts, uint8_t *out)
{
	size_t len;

	if (hmac(prf->md, key, parts, nparts, out, &len) < 0 || len != prf->len)
		return -1;
	return 0;
}

/*
 * prf+ (2.13): T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n), output
 * T1 | T2 | ... cut to @len.  The counter is one byte: at most 255 blocks.
 */
int crypto_prf_plus(const struct prf_alg *prf, struct chunk key,
		    const struct chunk *seed, size_t nseed, uint8_t *out, size_t len)
{
	struct chunk parts[2 + 4];
	uint8_t t[CRYPTO_MAX_PRF_LEN], ctr;
	size_t done = 0, n, i, np;
	int err = 0;

	if (nseed > 4 || len > 255u * prf->len)
		return -1;
	for (ctr = 1; done < len; ctr++) {
		np = 0;
		if (ctr > 1)
			parts[np++] = (struct chunk){ t, prf->len };
		for (i = 0; i < nseed; i++)
			parts[np++] = seed[i];
		parts[np++] = (struct chunk){ &ctr, 1 };
		err = crypto_prf_once(prf, key, parts, np, t);
		if (err)
			break;
		n = len - done < prf->len ? len - done : prf->len;
		memcpy(out + done, t, n);
		done += n;
	}
	OPENSSL_cleanse(t, sizeof(t));
	return err;
}

static struct buf *prf_to_buf(const struct prf_alg *prf, struct chunk key,
			      const struct chunk *parts, size_t nparts)
{
	struct buf *b = buf_new(prf->len);

	if (!b || crypto_prf_once(prf, key, parts, nparts, b->data) < 0) {
		buf_free(b);
		return NULL;
	}
	b->len = prf->len;
	return b;
}

/* SKEYSEED = prf(Ni | Nr, g^ir) (2.14) */
int crypto_skeyseed(const struct prf_alg *prf, struct chunk ni, struct chunk nr,
		    struct chunk gir, struct buf **skeyseed)
{
	struct buf *key = buf_new(ni.len + nr.len);

	*skeyseed = NULL;
	if (!key)
		return -1;
	buf_add(key, ni.p, ni.len);
	buf_add(key, nr.p, nr.len);
	if (buf_ok(key))
		*skeyseed = prf_to_buf(prf, chunk_of(key), &gir, 1);
	buf_free(key);
	return *skeyseed ? 0 : -1;
}

/*
 * IKE SA rekey (2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr),
 * computed with the old SA's PRF as strongSwan and libreswan do; the new
 * PRF then runs prf+ in crypto_ike_keys().
 */
int crypto_skeyseed_rekey(const struct prf_alg *old_prf, struct chunk old_sk_d,
			  struct chunk gir, struct chunk ni, struct chunk nr,
			  struct buf **skeyseed)
{
	struct chunk parts[3] = { gir, ni, nr };

	*skeyseed = prf_to_buf(old_prf, old_sk_d, parts, 3);
	return *skeyseed ? 0 : -1;
}

static struct chunk take(const struct buf *km, size_t *off, size_t len)
{
	struct chunk c = { km->data + *off, len };

	*off += len;
	return c;
}

/* {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) */
int crypto_ike_keys(struct ike_keys *k, const struct ike_suite *suite,
		    struct chunk skeyseed, struct chunk ni, struct chunk nr,
		    uint64_t spii, uint64_t spir)
{
	uint8_t spis[16];
	struct chunk seed[3] = { ni, nr, { spis, sizeof(spis) } };
	size_t a_len, e_len, total, off = 0;

	memset(k, 0, sizeof(*k));
	k->encr = crypto_encr(suite->encr, suite->encr_bits);
	k->prf = crypto_prf(suite->prf);
	if (!k->encr || !k->prf)
		return -1;
	if (!k->encr->icv_len) {
		k->integ = crypto_integ(suite->integ);
		if (!k->integ)
			return -1;
	} else if (suite->integ != IKE_INTEG_NONE) {
		return -1;	/* 3.3.3: no integrity transform with an AEAD */
	}
	a_len = k->integ ? k->integ->key_len : 0;
	e_len = k->encr->key_len + k->encr->salt_len;
	total = 3 * k->prf->len + 2 * a_len + 2 * e_len;
	put_u64(spis, spii);
	put_u64(spis + 8, spir);

	k->km = buf_new(total);
	if (!k->km || crypto_prf_plus(k->prf, skeyseed, seed, 3, k->km->data, total) < 0) {
		crypto_ike_keys_clear(k);
		return -1;
	}
	k->km->len = total;
	k->d = take(k->km, &off, k->prf->len);
	k->ai = take(k->km, &off, a_len);
	k->ar = take(k->km, &off, a_len);
	k->ei = take(k->km, &off, e_len);
	k->er = take(k->km, &off, e_len);
	k->pi = take(k->km, &off, k->prf->len);
	k->pr = take(k->km, &off, k->prf->len);
	return 0;
}

void crypto_ike_keys_clear(struct ike_keys *k)
{
	buf_free(k->km);
	memset(k, 0, sizeof(*k));
}

/* KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (2.17); gir.len == 0: no PFS */
int crypto_child_keys(struct child_keys *c, const struct prf_alg *prf,
		      struct chunk sk_d, struct chunk gir, struct chunk ni,
		      struct chunk nr, size_t enc_len, size_t integ_len)
{
	struct chunk seed[3];
	size_t n = 0, total = 2 * (enc_len + integ_len), off = 0;

	memset(c, 0, sizeof(*c));
	if (gir.len)
		seed[n++] = gir;
	seed[n++] = ni;
	seed[n++] = nr;
	c->km = buf_new(total ? total : 1);
	if (!c->km || crypto_prf_plus(prf, sk_d, seed, n, c->km->data, total) < 0) {
		crypto_child_keys_clear(c);
		return -1;
	}
	c->km->len = total;
	/* Initiator-to-responder first, encryption before integrity. */
	c->ei = take(c->km, &off, enc_len);
	c->ai = take(c->km, &off, integ_len);
	c->er = take(c->km, &off, enc_len);
	c->ar = take(c->km, &off, integ_len);
	return 0;
}

void crypto_child_keys_clear(struct child_keys *c)
{
	buf_free(c->km);
	memset(c, 0, sizeof(*c));
}

/*
 * AUTH for a shared key (2.15):
 *   prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
 *   SignedOctets = RealMessage | NonceOfThePeer | prf(SK_p, RestOfIDPayload)
 * The initiator signs its IKE_SA_INIT request, Nr and IDi with SK_pi; the
 * responder its response, Ni and IDr with SK_pr.  @out gets prf->len bytes.
 */
int crypto_psk_auth(const struct prf_alg *prf, struct chunk psk,
		    struct chunk real_msg, struct chunk nonce, struct chunk sk_p,
		    struct chunk id_body, uint8_t *out)
{
	static const struct chunk keypad = { (const uint8_t *)IKEV2_KEYPAD, IKEV2_KEYPAD_LEN };
	uint8_t inner[CRYPTO_MAX_PRF_LEN], maced_id[CRYPTO_MAX_PRF_LEN];
	struct chunk parts[3] = { real_msg, nonce, { maced_id, prf->len } };
	int err;

	err = crypto_prf_once(prf, psk, &keypad, 1, inner);
	if (!err)
		err = crypto_prf_once(prf, sk_p, &id_body, 1, maced_id);
	if (!err)
		err = crypto_prf_once(prf, (struct chunk){ inner, prf->len }, parts, 3, out);
	OPENSSL_cleanse(inner, sizeof(inner));
	return err;
}

bool crypto_psk_verify(const struct prf_alg *prf, struct chunk psk,
		       struct chunk real_msg, struct chunk nonce, struct chunk sk_p,
		       struct chunk id_body, const uint8_t *auth, size_t auth_len)
{
	uint8_t want[CRYPTO_MAX_PRF_LEN];
	bool ok;

	if (auth_len != prf->len ||
	    crypto_psk_auth(prf, psk, real_msg, nonce, sk_p, id_body, want) < 0)
		return false;
	ok = CRYPTO_memcmp(want, auth, auth_len) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

/* NAT_DETECTION_*_IP data (2.23): SHA-1(SPIi | SPIr | IP | Port) */
int crypto_natd_hash(uint64_t spii, uint64_t spir, const uint8_t *addr,
		     size_t alen, uint16_t port, uint8_t *out)
{
	uint8_t in[8 + 8 + 16 + 2];
	unsigned int len;

	if (alen != 4 && alen != 16)
		return -1;
	put_u64(in, spii);
	put_u64(in + 8, spir);
	memcpy(in + 16, addr, alen);
	put_u16(in + 16 + alen, port);
	if (!EVP_Digest(in, 18 + alen, out, &len, EVP_sha1(), NULL) ||
	    len != IKE_NATD_HASH_LEN)
		return -1;
	return 0;
}

/* The SK payload. */

/*
 * One AEAD operation with a 12-byte nonce.  Decryption (encrypt false)
 * checks @tag and fails on mismatch; encryption writes it.  @out may be @in.
 */
int crypto_aead(const struct encr_alg *alg, bool encrypt, const uint8_t *key,
		const uint8_t *nonce, struct chunk aad, const uint8_t *in,
		size_t len, uint8_t *out, uint8_t *tag)
{
	const EVP_CIPHER *cipher = EVP_get_cipherbyname(alg->evp);
	EVP_CIPHER_CTX *ctx;
	int n, ok = 0;

	if (!cipher || !alg->icv_len || len > INT_MAX || aad.len > INT_MAX)
		return -1;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -1;
	if (!EVP_CipherInit_ex(ctx, cipher, NULL, NULL, NULL, encrypt) ||
	    !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, AEAD_NONCE_LEN, NULL) ||
	    !EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, encrypt))
		goto out;
	if (!encrypt && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, alg->icv_len, tag))
		goto out;
	if (aad.len && !EVP_CipherUpdate(ctx, NULL, &n, aad.p, (int)aad.len))
		goto out;
	if (len && !EVP_CipherUpdate(ctx, out, &n, in, (int)len))
		goto out;
	if (!EVP_CipherFinal_ex(ctx, out + len, &n))
		goto out;
	if (encrypt && !EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, alg->icv_len, tag))
		goto out;
	ok = 1;
out:
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

/* CBC without padding (IKE pads itself); @len is a multiple of the block. */
static int cbc(const struct encr_alg *alg, bool encrypt, const uint8_t *key,
	       const uint8_t *iv, uint8_t *data, size_t len)
{
	const EVP_CIPHER *cipher = EVP_get_cipherbyname(alg->evp);
	EVP_CIPHER_CTX *ctx;
	int n, m, ok = 0;

	if (!cipher || len > INT_MAX || len % alg->block_len)
		return -1;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -1;
	ok = EVP_CipherInit_ex(ctx, cipher, NULL, key, iv, encrypt) &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	     EVP_CipherUpdate(ctx, data, &n, data, (int)len) &&
	     EVP_CipherFinal_ex(ctx, data + n, &m) && (size_t)(n + m) == len;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

static size_t icv_len(const struct ike_keys *k)
{
	return k->encr->icv_len ? k->encr->icv_len : k->integ->icv_len;
}

static size_t pad_len(const struct ike_keys *k, size_t len)
{
	size_t b = k->encr->block_len;

	return (b - (len + 1) % b) % b;
}

/* Bytes the SK payload body adds to @plain_len bytes of inner payloads. */
size_t crypto_sk_overhead(const struct ike_keys *k, size_t plain_len)
{
	return k->encr->iv_len + pad_len(k, plain_len) + 1 + icv_len(k);
}

/*
 * Fill the SK payload opened at @sk_off (ike_add_sk(); nothing after its
 * generic header yet) with IV | encrypted(plain | padding | pad length) |
 * ICV, and set the SK payload and message lengths, which the ICV covers.
 * @msg holds exactly one message starting at offset 0.
 */
int crypto_sk_protect_iv(const struct ike_keys *k, struct buf *msg, size_t sk_off,
			 const uint8_t *plain, size_t len, const uint8_t *iv)
{
	size_t pad, ct_len, body, aad_len;
	uint8_t nonce[AEAD_NONCE_LEN];
	struct chunk ke, ka;
	uint8_t *p, *ct;
	bool from_i;

	if (!buf_ok(msg) || msg->len < IKE_HDR_LEN || sk_off + IKE_GEN_HDR_LEN != msg->len ||
	    (msg->data[sk_off] == IKE_PL_NONE && len))
		return -1;
	from_i = msg->data[19] & IKE_FLAG_INITIATOR;
	ke = from_i ? k->ei : k->er;
	ka = from_i ? k->ai : k->ar;
	pad = pad_len(k, len);
	ct_len = len + pad + 1;
	body = k->encr->iv_len + ct_len + icv_len(k);
	if (len > UINT16_MAX || IKE_GEN_HDR_LEN + body > UINT16_MAX)
		return -1;
	put_u16(msg->data + sk_off + 2, (uint16_t)(IKE_GEN_HDR_LEN + body));
	put_u32(msg->data + 24, (uint32_t)(msg->len + body));
	aad_len = msg->len;

	p = buf_grow(msg, body);
	if (!p)
		return -1;
	memcpy(p, iv, k->encr->iv_len);
	ct = p + k->encr->iv_len;
	memcpy(ct, plain, len);
	memset(ct + len, 0, pad);
	ct[len + pad] = (uint8_t)pad;

	if (k->encr->icv_len) {
		memcpy(nonce, ke.p + k->encr->key_len, k->encr->salt_len);
		memcpy(nonce + k->encr->salt_len, iv, k->encr->iv_len);
		if (crypto_aead(k->encr, true, ke.p, nonce,
				(struct chunk){ msg->data, aad_len },
				ct, ct_len, ct, ct + ct_len) < 0)
			goto fail;
	} else {
		uint8_t mac[CRYPTO_MAX_PRF_LEN];
		struct chunk covered = { msg->data, msg->len - k->integ->icv_len };
		size_t mlen;

		if (cbc(k->encr, true, ke.p, iv, ct, ct_len) < 0 ||
		    hmac(k->integ->md, ka, &covered, 1, mac, &mlen) < 0)
			goto fail;
		memcpy(ct + ct_len, mac, k->integ->icv_len);
	}
	return 0;
fail:
	buf_truncate(msg, sk_off + IKE_GEN_HDR_LEN);
	return -1;
}

/*
 * IVs: a counter for the AEADs, where the IV must never repeat under a key
 * but need not be secret (RFC 5282 3.1, RFC 7634 2); random for CBC, where
 * it must be unpredictable (3.14).
 */
int crypto_sk_protect(struct ike_keys *k, struct buf *msg, size_t sk_off,
		      const uint8_t *plain, size_t len)
{
	uint8_t iv[16];

	if (k->encr->icv_len) {
		if (k->iv_seq == UINT64_MAX)
			return -1;
		put_u64(iv, k->iv_seq++);
	} else if (crypto_random(iv, k->encr->iv_len) < 0) {
		return -1;
	}
	return crypto_sk_protect_iv(k, msg, sk_off, plain, len, iv);
}

/*
 * Check and decrypt msg->sk into *plain (padding removed), ready for
 * ike_msg_parse_inner().  The integrity check comes before any use of the
 * plaintext; a bad pad length after a good ICV is still a failure.
 */
int crypto_sk_unprotect(const struct ike_keys *k, const struct ike_msg *msg,
			struct buf **plain)
{
	const struct ike_payload *sk = msg->sk;
	size_t iv_len, tag_len, ct_len, pad;
	uint8_t nonce[AEAD_NONCE_LEN];
	const uint8_t *iv, *ct, *icv;
	struct chunk ke, ka;
	struct buf *out;
	bool from_i;

	*plain = NULL;
	if (!sk || !k->encr)
		return -1;
	iv_len = k->encr->iv_len;
	tag_len = icv_len(k);
	if (sk->len < iv_len + 1 + tag_len)
		return -1;
	ct_len = sk->len - iv_len - tag_len;
	iv = sk->body;
	ct = iv + iv_len;
	icv = ct + ct_len;
	from_i = msg->hdr.flags & IKE_FLAG_INITIATOR;
	ke = from_i ? k->ei : k->er;
	ka = from_i ? k->ai : k->ar;

	out = buf_new(ct_len);
	if (!out)
		return -1;
	if (k->encr->icv_len) {
		memcpy(nonce, ke.p + k->encr->key_len, k->encr->salt_len);
		memcpy(nonce + k->encr->salt_len, iv, iv_len);
		if (crypto_aead(k->encr, false, ke.p, nonce,
				(struct chunk){ msg->raw, sk->offset + IKE_GEN_HDR_LEN },
				ct, ct_len, out->data, (uint8_t *)icv) < 0)
			goto fail;
	} else {
		uint8_t mac[CRYPTO_MAX_PRF_LEN];
		struct chunk covered = { msg->raw, (size_t)(icv - msg->raw) };
		size_t mlen;

		if (ct_len % k->encr->block_len ||
		    hmac(k->integ->md, ka, &covered, 1, mac, &mlen) < 0 ||
		    CRYPTO_memcmp(mac, icv, tag_len) != 0)
			goto fail;
		memcpy(out->data, ct, ct_len);
		if (cbc(k->encr, false, ke.p, iv, out->data, ct_len) < 0)
			goto fail;
	}
	out->len = ct_len;
	pad = out->data[ct_len - 1];
	if (pad + 1 > ct_len)
		goto fail;
	buf_truncate(out, ct_len - pad - 1);
	*plain = out;
	return 0;
fail:
	buf_free(out);
	return -1;
}
