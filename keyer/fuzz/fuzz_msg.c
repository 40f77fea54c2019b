// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a datagram as the keyer receives it (msg_recv(), the
 * NAT-T marker already stripped).  The header check and the orphan answer
 * that msg.c applies before any SA is looked up, the whole payload chain,
 * every payload's decoder and proposal matching (fuzz.h).  When the
 * message carries an SK payload, its body after the IV is taken as the
 * plaintext (cut to whole AES blocks, lengths patched), encrypted with
 * fixed AES-128-CBC keys and given a correct HMAC-SHA2-256-128 ICV, and the
 * message then goes through crypto_sk_unprotect() and the inner parser: so
 * the fuzzer's bytes reach the pad-length check and the inner chain from
 * an outer message too (fuzz_inner.c goes at the inner chain directly).
 *
 *   make -C keyer fuzz-check        30 s from the seed corpus (make check)
 *   keyer/fuzz/bin/fuzz_msg CRASH   replay one input
 */
#include <openssl/evp.h>

#include "crypto.h"
#include "fuzz.h"

static struct ike_keys keys;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const uint8_t seed[32] = { 1, 2, 3 }, ni[32] = { 4 }, nr[32] = { 5 };
	const struct ike_suite suite = {
		.encr = IKE_ENCR_AES_CBC, .encr_bits = 128, .prf = IKE_PRF_HMAC_SHA2_256,
		.integ = IKE_INTEG_HMAC_SHA2_256_128, .dh = IKE_DH_MODP2048,
	};

	(void)argc;
	(void)argv;
	fuzz_setup();
	if (crypto_ike_keys(&keys, &suite, (struct chunk){ seed, sizeof(seed) },
			    (struct chunk){ ni, sizeof(ni) }, (struct chunk){ nr, sizeof(nr) },
			    1, 2) < 0)
		abort();
	return 0;
}

/*
 * Turn the SK payload at @sk_off (IV, then plaintext, then 16 bytes of ICV)
 * into one crypto_sk_unprotect() accepts: whole blocks, encrypted, sealed.
 * Returns the new message length, 0 if there is no room for one block.
 */
static size_t seal(uint8_t *p, size_t len, size_t sk_off)
{
	const struct prf_alg *sha256 = crypto_prf(IKE_PRF_HMAC_SHA2_256);
	bool from_i = p[19] & IKE_FLAG_INITIATOR;
	struct chunk ke = from_i ? keys.ei : keys.er, ka = from_i ? keys.ai : keys.ar;
	size_t body = len - sk_off - IKE_GEN_HDR_LEN, ct, cut;
	uint8_t mac[CRYPTO_MAX_PRF_LEN];
	struct chunk covered;
	EVP_CIPHER_CTX *c;
	uint8_t *iv, *pt;
	int n = 0;

	if (body < 16 + 16 + 16)
		return 0;
	ct = body - 32;
	cut = ct % 16;
	ct -= cut;
	len -= cut;
	put_u32(p + 24, (uint32_t)len);
	put_u16(p + sk_off + 2, (uint16_t)(body - cut + IKE_GEN_HDR_LEN));
	iv = p + sk_off + IKE_GEN_HDR_LEN;
	pt = iv + 16;
	c = EVP_CIPHER_CTX_new();
	if (!c || !EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, ke.p, iv) ||
	    !EVP_CIPHER_CTX_set_padding(c, 0) || !EVP_EncryptUpdate(c, pt, &n, pt, (int)ct) ||
	    (size_t)n != ct) {
		EVP_CIPHER_CTX_free(c);
		return 0;
	}
	EVP_CIPHER_CTX_free(c);
	covered = (struct chunk){ p, len - 16 };
	if (crypto_prf_once(sha256, ka, &covered, 1, mac) < 0)
		return 0;
	memcpy(p + len - 16, mac, 16);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ike_msg msg;
	struct fuzz_region r[2] = { { data, size }, { NULL, 0 } };
	struct ike_header h;
	struct buf *copy, *plain = NULL;

	/* msg_recv(): the header first, and the answers given without an SA. */
	switch (ike_hdr_check(&h, data, size)) {
	case IKE_HDR_BAD_VERSION:
		if (size < IKE_HDR_LEN || IKEV2_MAJOR(h.version) <= 2 ||
		    (h.flags & IKE_FLAG_RESPONSE))
			abort();
		return 0;
	case IKE_HDR_DROP:
		if (ike_msg_parse(&msg, data, size) == IKE_OK)
			abort();	/* the parser must not accept what the check drops */
		return 0;
	case IKE_HDR_OK:
		break;
	}
	if (ike_orphan_notify(&h) && (h.flags & IKE_FLAG_RESPONSE))
		abort();	/* never an answer to an answer */
	if (ike_msg_parse(&msg, data, size) != IKE_OK)
		return 0;
	fuzz_decode_all(&msg, r, 1);
	if (!msg.sk)
		return 0;

	/* The SK body as plaintext, sealed: through decryption to the inner chain. */
	copy = buf_from(data, size);
	if (!copy)
		return 0;
	copy->len = seal(copy->data, copy->len, msg.sk->offset);
	/* (It may still be refused: the last byte, the pad length, is the fuzzer's.) */
	if (copy->len && ike_msg_parse(&msg, copy->data, copy->len) == IKE_OK && msg.sk &&
	    crypto_sk_unprotect(&keys, &msg, &plain) == 0) {
		r[0] = (struct fuzz_region){ copy->data, copy->len };
		r[1] = (struct fuzz_region){ plain->data, plain->len };
		if (plain->len >= msg.sk->len)
			abort();
		if (ike_msg_parse_inner(&msg, plain->data, plain->len) == IKE_OK)
			fuzz_decode_all(&msg, r, 2);
		buf_free(plain);
	}
	buf_free(copy);
	return 0;
}
