/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - IKE cryptography over OpenSSL 3 EVP: Diffie-Hellman, PRF,
 * prf+, the IKE and CHILD SA key derivations, PSK authentication, NAT
 * detection hashes and the SK (encrypted) payload.
 *
 * Every secret this file produces (DH shared secrets, SKEYSEED, key
 * material) is a struct buf, wiped when freed.  Private DH keys stay inside
 * OpenSSL, which clears them when the EVP_PKEY is freed.
 *
 * Which SK keys protect a message is read from the message itself: the
 * Initiator flag in its header (RFC 7296 3.1) means the original initiator
 * sent it, so SK_ei/SK_ai apply; otherwise SK_er/SK_ar.
 */
#ifndef KEYER_CRYPTO_H
#define KEYER_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "payload.h"

#define CRYPTO_MAX_PRF_LEN	64	/* HMAC-SHA2-512 */
#define CRYPTO_MAX_ICV_LEN	32	/* HMAC-SHA2-512-256 */

/* An encryption transform as the SK payload uses it. */
struct encr_alg {
	uint16_t	 id;		/* enum ike_encr */
	uint16_t	 keybits;	/* KEY_LENGTH attribute; 0 = none on the wire */
	const char	*evp;		/* OpenSSL cipher name */
	uint8_t		 key_len;	/* cipher key bytes */
	uint8_t		 salt_len;	/* AEAD: bytes of SK_e after the key (nonce salt) */
	uint8_t		 block_len;	/* padding unit */
	uint8_t		 iv_len;	/* IV carried in the payload */
	uint8_t		 icv_len;	/* AEAD tag; 0 if an integrity transform is needed */
};

struct prf_alg {
	uint16_t	 id;		/* enum ike_prf */
	const char	*md;		/* OpenSSL digest name for HMAC */
	uint8_t		 len;		/* output = preferred key length */
};

struct integ_alg {
	uint16_t	 id;		/* enum ike_integ */
	const char	*md;
	uint8_t		 key_len;
	uint8_t		 icv_len;	/* truncated output */
};

/* The transforms an IKE SA runs with, one per type (as negotiated). */
struct ike_suite {
	uint16_t	encr;
	uint16_t	encr_bits;
	uint16_t	prf;
	uint16_t	integ;		/* IKE_INTEG_NONE with an AEAD */
	uint16_t	dh;
	uint8_t		esn;		/* CHILD SAs only */
};

/* IKE SA keys (2.14): views into one buffer of key material. */
struct ike_keys {
	const struct encr_alg	*encr;
	const struct integ_alg	*integ;		/* NULL with an AEAD */
	const struct prf_alg	*prf;
	struct buf		*km;		/* SK_d|SK_ai|SK_ar|SK_ei|SK_er|SK_pi|SK_pr */
	struct chunk		 d, ai, ar, ei, er, pi, pr;
	uint64_t		 iv_seq;	/* next AEAD IV we send; never repeats */
};

/*
 * CHILD SA keys (2.17), named by the direction of the traffic they protect:
 * ei/ai carry initiator-to-responder, er/ar the other way.  For AEADs the
 * encryption key ends with the 4-byte salt, as the kernel wants it.
 */
struct child_keys {
	struct buf	*km;
	struct chunk	 ei, ai, er, ar;
};

struct dh;	/* a DH/ECDH key pair of one group (opaque) */

/* crypto.c: algorithms */
const struct encr_alg *crypto_encr(uint16_t id, uint16_t keybits);
const struct prf_alg *crypto_prf(uint16_t id);
const struct integ_alg *crypto_integ(uint16_t id);
int crypto_random(void *p, size_t len);

/* dh.c: Diffie-Hellman (x25519, RFC 5903 ECP, RFC 3526 MODP) */
bool dh_supported(uint16_t group);
size_t dh_public_len(uint16_t group);
struct dh *dh_new(uint16_t group);
struct dh *dh_new_private(uint16_t group, const uint8_t *priv, size_t len);
uint16_t dh_group(const struct dh *dh);
struct chunk dh_public(const struct dh *dh);
int dh_derive(struct dh *dh, const uint8_t *peer, size_t len, struct buf **secret);
void dh_free(struct dh *dh);

/* crypto.c: PRF and key derivation */
int crypto_prf_once(const struct prf_alg *prf, struct chunk key,
		    const struct chunk *parts, size_t nparts, uint8_t *out);
int crypto_prf_plus(const struct prf_alg *prf, struct chunk key,
		    const struct chunk *seed, size_t nseed, uint8_t *out, size_t len);
int crypto_skeyseed(const struct prf_alg *prf, struct chunk ni, struct chunk nr,
		    struct chunk gir, struct buf **skeyseed);
int crypto_skeyseed_rekey(const struct prf_alg *old_prf, struct chunk old_sk_d,
			  struct chunk gir, struct chunk ni, struct chunk nr,
			  struct buf **skeyseed);
int crypto_ike_keys(struct ike_keys *k, const struct ike_suite *suite,
		    struct chunk skeyseed, struct chunk ni, struct chunk nr,
		    uint64_t spii, uint64_t spir);
void crypto_ike_keys_clear(struct ike_keys *k);
int crypto_child_keys(struct child_keys *c, const struct prf_alg *prf,
		      struct chunk sk_d, struct chunk gir, struct chunk ni,
		      struct chunk nr, size_t enc_len, size_t integ_len);
void crypto_child_keys_clear(struct child_keys *c);

/* crypto.c: authentication and NAT detection */
int crypto_psk_auth(const struct prf_alg *prf, struct chunk psk,
		    struct chunk real_msg, struct chunk nonce, struct chunk sk_p,
		    struct chunk id_body, uint8_t *out);
bool crypto_psk_verify(const struct prf_alg *prf, struct chunk psk,
		       struct chunk real_msg, struct chunk nonce, struct chunk sk_p,
		       struct chunk id_body, const uint8_t *auth, size_t auth_len);
int crypto_natd_hash(uint64_t spii, uint64_t spir, const uint8_t *addr,
		     size_t alen, uint16_t port, uint8_t *out);

/* crypto.c: the SK payload (3.14, RFC 5282, RFC 7634) */
int crypto_aead(const struct encr_alg *alg, bool encrypt, const uint8_t *key,
		const uint8_t *nonce, struct chunk aad, const uint8_t *in,
		size_t len, uint8_t *out, uint8_t *tag);
size_t crypto_sk_overhead(const struct ike_keys *k, size_t plain_len);
int crypto_sk_protect(struct ike_keys *k, struct buf *msg, size_t sk_off,
		      const uint8_t *plain, size_t len);
int crypto_sk_protect_iv(const struct ike_keys *k, struct buf *msg, size_t sk_off,
			 const uint8_t *plain, size_t len, const uint8_t *iv);
int crypto_sk_unprotect(const struct ike_keys *k, const struct ike_msg *msg,
			struct buf **plain);

#endif /* KEYER_CRYPTO_H */
