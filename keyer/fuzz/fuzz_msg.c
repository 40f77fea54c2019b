// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a datagram as the keyer receives it (msg_recv(), the
 * NAT-T marker already stripped).  The header check and the orphan answer
 * that msg.c applies before any SA is looked up, the whole payload chain,
 * every payload's decoder and proposal matching (fuzz.h).  When the
 * message carries an SK payload, it is also opened with fixed AES-CBC /
 * HMAC-SHA2-256 keys after the fuzzer's bytes got a correct ICV patched
 * in, so that decryption, the pad length and the inner chain are reached
 * from an outer message as well (fuzz_inner.c goes at the inner chain
 * directly).
 *
 *   make -C keyer fuzz-check        30 s from the seed corpus (make check)
 *   keyer/fuzz/bin/fuzz_msg CRASH   replay one input
 */
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

/* Patch a correct HMAC-SHA2-256-128 over the message into its last 16 bytes. */
static void seal_icv(uint8_t *p, size_t len)
{
	const struct prf_alg *sha256 = crypto_prf(IKE_PRF_HMAC_SHA2_256);
	uint8_t mac[CRYPTO_MAX_PRF_LEN];
	struct chunk covered = { p, len - 16 };
	struct chunk ka = p[19] & IKE_FLAG_INITIATOR ? keys.ai : keys.ar;

	if (crypto_prf_once(sha256, ka, &covered, 1, mac) == 0)
		memcpy(p + len - 16, mac, 16);
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

	/* The same bytes with a valid ICV: through decryption to the inner chain. */
	copy = buf_from(data, size);
	if (!copy)
		return 0;
	if (size >= IKE_HDR_LEN + 16 && ike_msg_parse(&msg, copy->data, copy->len) == IKE_OK &&
	    msg.sk) {
		seal_icv(copy->data, copy->len);
		if (crypto_sk_unprotect(&keys, &msg, &plain) == 0) {
			r[0] = (struct fuzz_region){ copy->data, copy->len };
			r[1] = (struct fuzz_region){ plain->data, plain->len };
			if (plain->len >= msg.sk->len)
				abort();
			if (ike_msg_parse_inner(&msg, plain->data, plain->len) == IKE_OK)
				fuzz_decode_all(&msg, r, 2);
			buf_free(plain);
		}
	}
	buf_free(copy);
	return 0;
}
