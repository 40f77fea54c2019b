// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests for crypto.c.
 *
 * Published vectors are copied from the documents named at each case;
 * tests/gen_vectors.py re-checks every one of them with an independent
 * implementation before it writes vectors_gen.h, the cross-checked
 * answers for what no RFC publishes (prf+ with SHA-2 at IKE sizes, CHILD
 * KEYMAT, PSK AUTH, whole SK payloads, MODP with a leading zero).
 */
#include <stdbool.h>
#include <stdint.h>

#include "crypto.h"
#include "payload.h"
#include "tap.h"
#include "vectors_gen.h"

static struct chunk C(const struct buf *b)
{
	return chunk_of(b);
}

/* 1-6. RFC 4231 (HMAC-SHA2) and RFC 2202 (HMAC-SHA1) test cases as PRFs. */
static void test_prf(void)
{
	static const struct {
		const char *name;
		uint16_t prf;
		const char *key, *data, *mac;
	} cases[] = {
		/* 1. RFC 4231 4.2, test case 1 */
		{ "4231 tc1 sha256", IKE_PRF_HMAC_SHA2_256,
		  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
		/* 2. RFC 4231 4.2 */
		{ "4231 tc1 sha384", IKE_PRF_HMAC_SHA2_384,
		  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
		  "faea9ea9076ede7f4af152e8b2fa9cb6" },
		/* 3. RFC 4231 4.2 */
		{ "4231 tc1 sha512", IKE_PRF_HMAC_SHA2_512,
		  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
		  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
		/* 4. RFC 4231 4.3, test case 2: a key shorter than the output */
		{ "4231 tc2 sha256", IKE_PRF_HMAC_SHA2_256, "4a656665",
		  "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
		  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
		/* 5. RFC 4231 4.7, test case 6: a key longer than the block */
		{ "4231 tc6 sha256", IKE_PRF_HMAC_SHA2_256,
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaa",
		  "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
		  "65204b6579202d2048617368204b6579204669727374",
		  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
		/* 6. RFC 2202 3, test case 1 */
		{ "2202 tc1 sha1", IKE_PRF_HMAC_SHA1,
		  "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
		  "b617318655057264e28bc0b6fb378c8ef146be00" },
	};
	uint8_t out[CRYPTO_MAX_PRF_LEN];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct prf_alg *prf = crypto_prf(cases[i].prf);
		struct buf *key = hexbuf(cases[i].key), *data = hexbuf(cases[i].data);
		struct chunk parts[2] = { { data->data, 3 }, { data->data + 3, data->len - 3 } };

		CHECK(prf && crypto_prf_once(prf, C(key), &parts[0], 2, out) == 0,
		      "prf %s computes", cases[i].name);
		CHECK_HEX(out, prf ? prf->len : 0, cases[i].mac, "prf %s (data in two parts)",
			  cases[i].name);
		buf_free(key);
		buf_free(data);
	}
}

/* 7-8. x25519: RFC 7748 5.2 and 6.1 */
static void test_x25519(void)
{
	static const struct {
		const char *k, *u, *out;
	} cases[] = {
		/* 7a. RFC 7748 5.2, first vector */
		{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
		/* 7b. RFC 7748 5.2, second vector (u has its top bit set: masked) */
		{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
	};
	struct buf *s = NULL;
	uint8_t k[32], u[32];
	struct dh *dh;
	size_t i;
	int n;

	for (i = 0; i < 2; i++) {
		struct buf *kb = hexbuf(cases[i].k), *ub = hexbuf(cases[i].u);

		dh = dh_new_private(IKE_DH_CURVE25519, kb->data, kb->len);
		CHECK(dh && dh_derive(dh, ub->data, ub->len, &s) == 0, "x25519 5.2 #%zu derives", i + 1);
		CHECK_HEX(s ? s->data : NULL, s ? s->len : 0, cases[i].out, "x25519 5.2 #%zu", i + 1);
		buf_free(s);
		dh_free(dh);
		buf_free(kb);
		buf_free(ub);
	}

	/* 7c. RFC 7748 5.2, iterated: k = X25519(k, u), u = old k; 1 and 1000 times */
	memset(k, 0, 32);
	k[0] = 9;
	memcpy(u, k, 32);
	for (n = 1; n <= 1000; n++) {
		dh = dh_new_private(IKE_DH_CURVE25519, k, 32);
		if (!dh || dh_derive(dh, u, 32, &s) < 0) {
			dh_free(dh);
			break;
		}
		memcpy(u, k, 32);
		memcpy(k, s->data, 32);
		buf_free(s);
		dh_free(dh);
		if (n == 1)
			CHECK_HEX(k, 32, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079",
				  "x25519 5.2 after one iteration");
	}
	CHECK_HEX(k, 32, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51",
		  "x25519 5.2 after 1000 iterations");

	/* 8. RFC 7748 6.1: Alice and Bob */
	{
		struct buf *a = hexbuf("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
		struct buf *b = hexbuf("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
		struct dh *da = dh_new_private(IKE_DH_CURVE25519, a->data, a->len);
		struct dh *db = dh_new_private(IKE_DH_CURVE25519, b->data, b->len);
		struct buf *sa = NULL, *sb = NULL;
		uint8_t zero[32] = { 0 };

		CHECK(da && db, "x25519 6.1 keys load");
		if (da && db) {
			CHECK_HEX(dh_public(da).p, dh_public(da).len,
				  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
				  "x25519 6.1 Alice's public key");
			CHECK_HEX(dh_public(db).p, dh_public(db).len,
				  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
				  "x25519 6.1 Bob's public key");
			CHECK(dh_derive(da, dh_public(db).p, 32, &sa) == 0 &&
			      dh_derive(db, dh_public(da).p, 32, &sb) == 0, "x25519 6.1 both derive");
			CHECK_HEX(sa ? sa->data : NULL, 32, GEN_GIR, "x25519 6.1 K (Alice)");
			CHECK_HEX(sb ? sb->data : NULL, 32, GEN_GIR, "x25519 6.1 K (Bob)");
			buf_free(sb);
			sb = NULL;
			/* 8b. RFC 8031 2.1: an all-zero result (small-order u) is refused */
			CHECK(dh_derive(da, zero, 32, &sb) < 0 && !sb, "x25519 refuses u = 0");
			CHECK(dh_derive(da, zero, 31, &sb) < 0, "x25519 refuses a 31-byte value");
		}
		buf_free(sa);
		buf_free(sb);
		dh_free(da);
		dh_free(db);
		buf_free(a);
		buf_free(b);
	}
}

/* 9-10. ECP groups: RFC 5903 8.1 and 8.2 (KE data is x | y, no 0x04) */
static void test_ecp(void)
{
	static const struct {
		uint16_t group;
		const char *i, *gi, *r, *gr, *gir;
	} cases[] = {
		{ IKE_DH_ECP256,	/* 9. RFC 5903 8.1 */
		  "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
		  "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
		  "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
		  "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
		  "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
		  "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
		  "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de" },
		{ IKE_DH_ECP384,	/* 10. RFC 5903 8.2 */
		  "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655"
		  "e35b538041e649ee3faef896783ab194",
		  "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6"
		  "de3ac808acb4bdb4c88732aee95f41aa9482ed1fc0eeb9cafc4984625ccfc23f"
		  "65032149e0e144ada024181535a0f38eeb9fcff3c2c947dae69b4c634573a81c",
		  "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942"
		  "e0308312916b8ed2960e4bd55a7448fc",
		  "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d"
		  "0d1ac43a0336def96fda41d0774a3571dcfbec7aacf3196472169e838430367f"
		  "66eebe3c6e70c416dd5f0c68759dd1fff83fa40142209dff5eaad96db9e6386c",
		  "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4"
		  "d603135569b9e9d09cf5d4a270f59746" },
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		struct buf *ib = hexbuf(cases[i].i), *rb = hexbuf(cases[i].r);
		struct buf *gi = hexbuf(cases[i].gi), *gr = hexbuf(cases[i].gr);
		struct dh *di = dh_new_private(cases[i].group, ib->data, ib->len);
		struct dh *dr = dh_new_private(cases[i].group, rb->data, rb->len);
		struct buf *s1 = NULL, *s2 = NULL, *bad = NULL;
		unsigned int g = cases[i].group;

		CHECK(di && dr, "ecp group %u: keys load", g);
		if (!di || !dr)
			goto next;
		CHECK_HEX(dh_public(di).p, dh_public(di).len, cases[i].gi, "ecp %u: g^i", g);
		CHECK_HEX(dh_public(dr).p, dh_public(dr).len, cases[i].gr, "ecp %u: g^r", g);
		CHECK(dh_derive(di, gr->data, gr->len, &s1) == 0 &&
		      dh_derive(dr, gi->data, gi->len, &s2) == 0, "ecp %u: both derive", g);
		CHECK_HEX(s1 ? s1->data : NULL, s1 ? s1->len : 0, cases[i].gir, "ecp %u: g^ir x", g);
		CHECK_HEX(s2 ? s2->data : NULL, s2 ? s2->len : 0, cases[i].gir, "ecp %u: g^ri x", g);
		/* 10b. a point off the curve, and a short value, are refused */
		gr->data[gr->len - 1] ^= 1;
		CHECK(dh_derive(di, gr->data, gr->len, &bad) < 0 && !bad,
		      "ecp %u: refuses a point off the curve", g);
		CHECK(dh_derive(di, gr->data, gr->len - 1, &bad) < 0,
		      "ecp %u: refuses a short value", g);
next:
		buf_free(s1);
		buf_free(s2);
		dh_free(di);
		dh_free(dr);
		buf_free(ib);
		buf_free(rb);
		buf_free(gi);
		buf_free(gr);
	}
}

/* 11-12. MODP: group 14 known answer; every group round-trips */
static void test_modp_and_roundtrip(void)
{
	static const uint16_t groups[] = {
		IKE_DH_MODP2048, IKE_DH_MODP3072, IKE_DH_MODP4096, IKE_DH_ECP256,
		IKE_DH_ECP384, IKE_DH_ECP521, IKE_DH_CURVE25519,
	};
	struct buf *x = hexbuf(GEN_MODP_X), *gr = hexbuf(GEN_MODP_GR), *s = NULL;
	struct dh *dh = dh_new_private(IKE_DH_MODP2048, x->data, x->len);
	size_t i;

	/* 11. g^x, and g^rx with its leading zero byte kept (2.14) */
	CHECK(dh != NULL, "modp2048: key from a known exponent");
	if (dh) {
		CHECK_HEX(dh_public(dh).p, dh_public(dh).len, GEN_MODP_GX, "modp2048: g^x mod p");
		CHECK(dh_derive(dh, gr->data, gr->len, &s) == 0, "modp2048: derives");
		CHECK_HEX(s ? s->data : NULL, s ? s->len : 0, GEN_MODP_SHARED,
			  "modp2048: g^rx, 256 bytes with a leading zero");
		buf_free(s);
		s = NULL;
		/* 11b. 1 < y < p-1 (RFC 6989 2.1) */
		memset(gr->data, 0, gr->len);
		CHECK(dh_derive(dh, gr->data, gr->len, &s) < 0, "modp2048: refuses y = 0");
		gr->data[gr->len - 1] = 1;
		CHECK(dh_derive(dh, gr->data, gr->len, &s) < 0, "modp2048: refuses y = 1");
		memset(gr->data, 0xff, gr->len);
		CHECK(dh_derive(dh, gr->data, gr->len, &s) < 0, "modp2048: refuses y > p");
	}
	dh_free(dh);
	buf_free(x);
	buf_free(gr);

	/* 12. two fresh key pairs agree, with the lengths IKE wants */
	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct dh *a = dh_new(groups[i]), *b = dh_new(groups[i]);
		struct buf *sa = NULL, *sb = NULL;

		CHECK(a && b && dh_public(a).len == dh_public_len(groups[i]),
		      "group %u: key pair, public value %zu bytes", groups[i],
		      dh_public_len(groups[i]));
		if (a && b)
			CHECK(dh_derive(a, dh_public(b).p, dh_public(b).len, &sa) == 0 &&
			      dh_derive(b, dh_public(a).p, dh_public(a).len, &sb) == 0 &&
			      sa->len == sb->len && !memcmp(sa->data, sb->data, sa->len),
			      "group %u: both sides derive the same %zu-byte secret", groups[i],
			      sa ? sa->len : 0);
		buf_free(sa);
		buf_free(sb);
		dh_free(a);
		dh_free(b);
	}
	CHECK(!dh_new(IKE_DH_MODP1024) && !dh_supported(IKE_DH_MODP1024),
	      "group 2 (modp1024) is not offered");
}

/* 13. The IKEv2 KDF CAVS example, SHA-1 (SP 800-135 test; libreswan cavp) */
static void test_kdf_cavs(void)
{
	struct buf *ni = hexbuf("32b50d5f4a3763f3"), *nr = hexbuf("9206a04b26564cb1");
	struct buf *gir = hexbuf("4b2c1f971981a8ad8d0abeafabf38cf75fc8349c148142465ed9c8b516b8be52");
	struct buf *girnew = hexbuf("863f3c9d06efd39d2b907b97f8699e5dd5251ef64a2a176f36ee40c87d4f9330");
	struct buf *spis = hexbuf("34c9e7c1888687853ff77d760d2b2199");
	const struct prf_alg *prf = crypto_prf(IKE_PRF_HMAC_SHA1);
	struct buf *skeyseed = NULL, *rekey = NULL;
	uint8_t dkm[132], child[132];
	struct chunk seed[3] = { C(ni), C(nr), C(spis) };
	struct chunk sk_d = { dkm, 20 };
	struct child_keys ck;

	CHECK(crypto_skeyseed(prf, C(ni), C(nr), C(gir), &skeyseed) == 0, "cavs: SKEYSEED");
	CHECK_HEX(skeyseed ? skeyseed->data : NULL, 20,
		  "a9a7b222b59f8f48645f28a1db5b5f5d7479cba7", "cavs: SKEYSEED value");
	CHECK(skeyseed && crypto_prf_plus(prf, C(skeyseed), seed, 3, dkm, sizeof(dkm)) == 0,
	      "cavs: prf+ to 1056 bits");
	CHECK_HEX(dkm, sizeof(dkm),
		  "a14293677cc80ff8f9cc0eee30d895da9d8f405666e30ef0dfcb63c634a46002a2a63080e514a062"
		  "768b76606f9fa5e992204fc5a670bde3f10d6b027113936a5c55b648a194ae587b0088d52204b702"
		  "c979fa280870d2ed41efa9c549fd11198af1670b143d384bd275c5f594cf266b05ebadca855e4249"
		  "520a441a81157435a7a56cc4", "cavs: DKM");
	CHECK(crypto_child_keys(&ck, prf, sk_d, (struct chunk){ NULL, 0 }, C(ni), C(nr), 66, 0) == 0,
	      "cavs: CHILD SA keymat");
	memcpy(child, ck.ei.p, 66);
	memcpy(child + 66, ck.er.p, 66);
	crypto_child_keys_clear(&ck);
	CHECK_HEX(child, sizeof(child),
		  "8059e3ee8810e6c3a91bc8bcd2a7a41151b8d0e6ae239c7b38093ad85ef4c5811a8e7b5d1cdabd95"
		  "60b2d5e092d1f24e2d4b85eccdf0ad0dc9abd94b51ee71814ca6dbc8bb51b6309f5b9545c7eb35cf"
		  "5580b1e521a8fe20754a2d883ba0c2cf285f524aea6545b33106bc03e614296d319d41d4b50b3f51"
		  "0b1c0a22f3e664994d234cb4", "cavs: DKM(Child SA)");
	CHECK(crypto_child_keys(&ck, prf, sk_d, C(girnew), C(ni), C(nr), 66, 0) == 0,
	      "cavs: CHILD SA keymat with D-H");
	memcpy(child, ck.ei.p, 66);
	memcpy(child + 66, ck.er.p, 66);
	crypto_child_keys_clear(&ck);
	CHECK_HEX(child, sizeof(child),
		  "bb43244c1860ad65ee1e211ffe8bb3661750c8f89cb9f547df7f4fa61d37301628190e38c66232ea"
		  "b4b3ab14c400a5197dd3730ed4820a8a10394d51e1c0400052f63ebd36b0e7ef53aaed31eba4a508"
		  "0d7d4b5666023a8bbb5ffb7857240f9a05884d1b7d2f933708450b7b3288f1fc863ab49fa901227c"
		  "ffc06e27899c7054d56fd74c", "cavs: DKM(Child SA D-H)");
	CHECK(crypto_skeyseed_rekey(prf, sk_d, C(girnew), C(ni), C(nr), &rekey) == 0,
	      "cavs: SKEYSEED(Rekey)");
	CHECK_HEX(rekey ? rekey->data : NULL, 20, "63e81194946ebd05df7df5ebf5d8750056bf1f1d",
		  "cavs: SKEYSEED(Rekey) value");
	CHECK(crypto_prf_plus(prf, C(skeyseed), seed, 3, dkm, 255 * 20 + 1) < 0,
	      "prf+ refuses more than 255 blocks");
	buf_free(skeyseed);
	buf_free(rekey);
	buf_free(ni);
	buf_free(nr);
	buf_free(gir);
	buf_free(girnew);
	buf_free(spis);
}

/*
 * 13b. NIST's IKEv2 KDF samples for HMAC-SHA2-256 and -384 (SP 800-135
 * CAVS, "KDF IKEv2"), as NSS carries them in its gtests
 * (gtests/common/testvectors/ike-sha256-vectors.h and ike-sha384-vectors.h,
 * cases 6, 7 and 8: "these vectors are from this NIST samples"):
 * SKEYSEED = prf(Ni | Nr, g^ir), 1056 bits of prf+(SKEYSEED, Ni | Nr |
 * SPIi | SPIr), and the rekey SKEYSEED = prf(SK_d, g^ir (new) | Ni | Nr)
 * with SK_d the first PRF-length bytes of that.  gen_vectors.py re-checks
 * them.
 */
static void test_kdf_nist(void)
{
	static const struct {
		uint16_t prf;
		const char *gir, *ni, *nr, *spii, *spir, *skeyseed, *dkm, *girnew, *rekey;
	} cases[] = {
		{ IKE_PRF_HMAC_SHA2_256,
		  "0f4d257d7a58fc4545c7d7a88119eee5d5c9690c5b4c989171d3abbfd99d1d29",
		  "3f302be1abcb28e1", "8c332ee006064c9b", "40dac39e1e1a8640", "8619a1cf9a6e4c07",
		  "5f00d1bd2c58ec224b1e6b71fa0f19a1faa7a193952c444411b47c1a9d8ba6fe",
		  "0b137d669b0947d7d026d593f0305ad401ff0c471357d695778a9c7f4b4869ec"
		  "e98aca531188d16041b3bb936d2dbb3b4993a6e768a809160de45d0283f273a6"
		  "cdf6854379e31be72b8d3d1fa990cf9c5b015ca9f918a7df6253c958114a09d4"
		  "e1c19bdcd4db14b29d98db1a74ad405c588662c14a04d0d36aa4ab55e90f8986"
		  "d12d4aad",
		  "25f3b12d6f282739256e39bf54eda53b60ffcf379bb7bcc90c27b4c4c578616c",
		  "2d63f6debc92048b4fef3889c4c99ca67d6496e0fac14a2bca9a2d6566ff2398" },
		{ IKE_PRF_HMAC_SHA2_384,
		  "d3288cd87565101e88fe3bad918f31939d8dd26ff1071f8b2d7f447524e58d7c",
		  "fd1b572a8e735591", "6013b0ef88dacd3d", "2116ad07ce61f749", "24880e55f11a65b7",
		  "69fe7a1ac94adaeb711295f5fe004b1a8d6a0b65d05692758ce8ad2f7a45f59d"
		  "7d0b596f51f7dfcf3330061888f6a94f",
		  "4f904c2025c90c817ea5ff9b662a6fdb445a73b57cdf09eacd379b95e1f03cac"
		  "b04cd6deeda4f952191dd9bc1f7a9502471a648d74dc06d38112de48a42501f6"
		  "b1a3ad55c2099cd9a648e5f17e5bf3e34bf9b5953decb768a34f875fe2b78dca"
		  "0c2fcca81ec1a412006dfaed38fa06882e61f4c148105fb8e231fdb33c4d484c"
		  "001721d4",
		  "3358f620539473aee8d07e779764c4c6a9aabddc79a28e136b3bac021dbde44a",
		  "e0548c1682e13bce454026b3b1bdf42985b24e4e7408095a7c529de38c3d1fcb"
		  "04c9fe6868042a34c9614c6c99e3fcea" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct prf_alg *prf = crypto_prf(cases[i].prf);
		struct buf *ni = hexbuf(cases[i].ni), *nr = hexbuf(cases[i].nr);
		struct buf *gir = hexbuf(cases[i].gir), *girnew = hexbuf(cases[i].girnew);
		struct buf *spii = hexbuf(cases[i].spii), *spir = hexbuf(cases[i].spir);
		struct buf *skeyseed = NULL, *rekey = NULL;
		struct chunk seed[4] = { C(ni), C(nr), C(spii), C(spir) };
		unsigned int bits = prf ? prf->len * 8u : 0;
		uint8_t dkm[132];

		CHECK(prf && crypto_skeyseed(prf, C(ni), C(nr), C(gir), &skeyseed) == 0,
		      "nist sha%u: SKEYSEED", bits);
		CHECK_HEX(skeyseed ? skeyseed->data : NULL, skeyseed ? skeyseed->len : 0,
			  cases[i].skeyseed, "nist sha%u: SKEYSEED value", bits);
		CHECK(skeyseed && crypto_prf_plus(prf, C(skeyseed), seed, 4, dkm, sizeof(dkm)) == 0,
		      "nist sha%u: prf+ to 1056 bits", bits);
		CHECK_HEX(dkm, sizeof(dkm), cases[i].dkm, "nist sha%u: DKM", bits);
		CHECK(prf && crypto_skeyseed_rekey(prf, (struct chunk){ dkm, prf->len }, C(girnew),
						   C(ni), C(nr), &rekey) == 0,
		      "nist sha%u: SKEYSEED(Rekey)", bits);
		CHECK_HEX(rekey ? rekey->data : NULL, rekey ? rekey->len : 0, cases[i].rekey,
			  "nist sha%u: SKEYSEED(Rekey) value", bits);
		buf_free(skeyseed);
		buf_free(rekey);
		buf_free(ni);
		buf_free(nr);
		buf_free(gir);
		buf_free(girnew);
		buf_free(spii);
		buf_free(spir);
	}
}

/* 14. SKEYSEED and SK_* for four suites (vectors_gen.h) */
static void test_ike_keys(void)
{
	static const char *const names[7] = { "SK_d", "SK_ai", "SK_ar", "SK_ei", "SK_er",
					      "SK_pi", "SK_pr" };
	struct buf *ni = hexbuf(GEN_NI), *nr = hexbuf(GEN_NR), *gir = hexbuf(GEN_GIR);
	struct buf *girnew = hexbuf(GEN_GIR_NEW);
	size_t i, j;

	for (i = 0; i < sizeof(kdf_vectors) / sizeof(kdf_vectors[0]); i++) {
		const struct kdf_vector *v = &kdf_vectors[i];
		struct ike_suite suite = { v->encr, v->encr_bits, v->prf, v->integ, IKE_DH_CURVE25519, 0 };
		const struct prf_alg *prf = crypto_prf(v->prf);
		struct buf *skeyseed = NULL, *rekey = NULL;
		struct ike_keys k;
		struct chunk *sk[7] = { &k.d, &k.ai, &k.ar, &k.ei, &k.er, &k.pi, &k.pr };

		CHECK(crypto_skeyseed(prf, C(ni), C(nr), C(gir), &skeyseed) == 0,
		      "%s: SKEYSEED", v->name);
		CHECK_HEX(skeyseed ? skeyseed->data : NULL, skeyseed ? skeyseed->len : 0,
			  v->skeyseed, "%s: SKEYSEED value", v->name);
		CHECK(skeyseed && crypto_ike_keys(&k, &suite, C(skeyseed), C(ni), C(nr),
						  GEN_SPII, GEN_SPIR) == 0, "%s: keys", v->name);
		for (j = 0; skeyseed && j < 7; j++)
			CHECK_HEX(sk[j]->p, sk[j]->len, v->sk[j], "%s: %s", v->name, names[j]);
		CHECK(crypto_skeyseed_rekey(prf, k.d, C(girnew), C(ni), C(nr), &rekey) == 0,
		      "%s: rekey SKEYSEED", v->name);
		CHECK_HEX(rekey ? rekey->data : NULL, rekey ? rekey->len : 0, v->rekey_skeyseed,
			  "%s: rekey SKEYSEED value", v->name);
		crypto_ike_keys_clear(&k);
		buf_free(skeyseed);
		buf_free(rekey);
	}
	{
		/* 14b. an AEAD with an integrity transform, or an unknown cipher, is refused */
		struct ike_suite bad1 = { IKE_ENCR_AES_GCM_16, 128, IKE_PRF_HMAC_SHA2_256,
					  IKE_INTEG_HMAC_SHA2_256_128, 19, 0 };
		struct ike_suite bad2 = { IKE_ENCR_AES_CBC, 100, IKE_PRF_HMAC_SHA2_256,
					  IKE_INTEG_HMAC_SHA2_256_128, 19, 0 };
		struct ike_keys k;

		CHECK(crypto_ike_keys(&k, &bad1, C(gir), C(ni), C(nr), 1, 2) < 0 && !k.km,
		      "AEAD with INTEG is refused");
		CHECK(crypto_ike_keys(&k, &bad2, C(gir), C(ni), C(nr), 1, 2) < 0 && !k.km,
		      "AES with a 100-bit key is refused");
	}
	buf_free(ni);
	buf_free(nr);
	buf_free(gir);
	buf_free(girnew);
}

/* 15. CHILD SA KEYMAT, with and without PFS (vectors_gen.h) */
static void test_child_keys(void)
{
	struct buf *ni = hexbuf(GEN_NI), *nr = hexbuf(GEN_NR), *gir = hexbuf(GEN_GIR_NEW);
	size_t i;

	for (i = 0; i < sizeof(child_vectors) / sizeof(child_vectors[0]); i++) {
		const struct child_vector *v = &child_vectors[i];
		struct buf *sk_d = hexbuf(v->sk_d), *all = buf_new(256);
		struct chunk g = v->pfs ? C(gir) : (struct chunk){ NULL, 0 };
		struct child_keys ck;

		CHECK(crypto_child_keys(&ck, crypto_prf(v->prf), C(sk_d), g, C(ni), C(nr),
					v->enc_len, v->integ_len) == 0, "child %s: keymat", v->name);
		buf_add(all, ck.ei.p, ck.ei.len);
		buf_add(all, ck.ai.p, ck.ai.len);
		buf_add(all, ck.er.p, ck.er.len);
		buf_add(all, ck.ar.p, ck.ar.len);
		CHECK_HEX(all->data, all->len, v->keymat,
			  "child %s: ei | ai | er | ar in KEYMAT order", v->name);
		crypto_child_keys_clear(&ck);
		buf_free(all);
		buf_free(sk_d);
	}
	buf_free(ni);
	buf_free(nr);
	buf_free(gir);
}

/* 16. AUTH with a PSK; NAT detection hash */
static void test_auth_natd(void)
{
	const struct prf_alg *prf = crypto_prf(IKE_PRF_HMAC_SHA2_256);
	struct buf *msg = buf_new(300), *nr = hexbuf(GEN_NR), *id = hexbuf(GEN_AUTH_ID);
	struct buf *sk_pi = hexbuf(kdf_vectors[1].sk[5]), *want = hexbuf(GEN_AUTH);
	struct chunk psk = { (const uint8_t *)GEN_AUTH_PSK, strlen(GEN_AUTH_PSK) };
	struct chunk bad_psk = { (const uint8_t *)"kvti test psK", 13 };
	uint8_t auth[CRYPTO_MAX_PRF_LEN], natd[IKE_NATD_HASH_LEN];
	const uint8_t addr[4] = { 192, 0, 2, 1 };
	size_t i;

	for (i = 0; i < 300; i++)
		buf_add_u8(msg, (uint8_t)(i * 7));
	CHECK(crypto_psk_auth(prf, psk, C(msg), C(nr), C(sk_pi), C(id), auth) == 0,
	      "psk auth computes");
	CHECK_HEX(auth, prf->len, GEN_AUTH, "psk auth: prf(prf(K, pad), msg | Nr | prf(SK_pi, IDi))");
	CHECK(crypto_psk_verify(prf, psk, C(msg), C(nr), C(sk_pi), C(id), want->data, want->len),
	      "psk verify accepts the right AUTH");
	CHECK(!crypto_psk_verify(prf, bad_psk, C(msg), C(nr), C(sk_pi), C(id), want->data, want->len),
	      "psk verify refuses another key");
	CHECK(!crypto_psk_verify(prf, psk, C(msg), C(nr), C(sk_pi), C(id), want->data, want->len - 1),
	      "psk verify refuses a short AUTH");
	CHECK(crypto_natd_hash(GEN_SPII, 0, addr, 4, 500, natd) == 0, "natd hash computes");
	CHECK_HEX(natd, sizeof(natd), GEN_NATD, "natd: SHA-1(SPIi | SPIr | 192.0.2.1 | 500)");
	buf_free(msg);
	buf_free(nr);
	buf_free(id);
	buf_free(sk_pi);
	buf_free(want);
}

/* 17-19. AEAD primitives: RFC 8439 2.8.2, GCM test cases 4 and 16 */
static void test_aead(void)
{
	static const struct {
		const char *name;
		uint16_t encr, bits;
		const char *key, *nonce, *aad, *pt, *ct, *tag;
	} cases[] = {
		/* 17. RFC 8439 2.8.2 (nonce = salt 07000000 | IV 4041424344454647) */
		{ "rfc8439 2.8.2", IKE_ENCR_CHACHA20_POLY1305, 0,
		  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
		  "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7",
		  "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
		  "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
		  "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
		  "637265656e20776f756c642062652069742e",
		  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
		  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
		  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
		  "3ff4def08e4b7a9de576d26586cec64b6116",
		  "1ae10b594f09e26a7e902ecbd0600691" },
		/* 18. McGrew-Viega GCM test case 4 (AES-128, 60 bytes, AAD) */
		{ "gcm tc4", IKE_ENCR_AES_GCM_16, 128, "feffe9928665731c6d6a8f9467308308",
		  "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
		  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
		  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
		  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
		  "5bc94fbc3221a5db94fae95ae7121a47" },
		/* 19. McGrew-Viega GCM test case 16 (AES-256) */
		{ "gcm tc16", IKE_ENCR_AES_GCM_16, 256,
		  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
		  "cafebabefacedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2",
		  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
		  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
		  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
		  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
		  "76fc6ece0f4e1768cddf8853bb2d551b" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct encr_alg *alg = crypto_encr(cases[i].encr, cases[i].bits);
		struct buf *key = hexbuf(cases[i].key), *nonce = hexbuf(cases[i].nonce);
		struct buf *aad = hexbuf(cases[i].aad), *pt = hexbuf(cases[i].pt);
		uint8_t out[128], back[128], tag[16];

		CHECK(alg && crypto_aead(alg, true, key->data, nonce->data, C(aad),
					 pt->data, pt->len, out, tag) == 0, "%s: seals", cases[i].name);
		CHECK_HEX(out, pt->len, cases[i].ct, "%s: ciphertext", cases[i].name);
		CHECK_HEX(tag, 16, cases[i].tag, "%s: tag", cases[i].name);
		CHECK(crypto_aead(alg, false, key->data, nonce->data, C(aad), out, pt->len,
				  back, tag) == 0 && !memcmp(back, pt->data, pt->len),
		      "%s: opens", cases[i].name);
		tag[15] ^= 0x80;
		CHECK(crypto_aead(alg, false, key->data, nonce->data, C(aad), out, pt->len,
				  back, tag) < 0, "%s: a flipped tag bit is refused", cases[i].name);
		buf_free(key);
		buf_free(nonce);
		buf_free(aad);
		buf_free(pt);
	}
}

static void keys_for(struct ike_keys *k, const struct sk_vector *v, struct buf *ke, struct buf *ka)
{
	memset(k, 0, sizeof(*k));
	k->encr = crypto_encr(v->encr, v->encr_bits);
	k->integ = v->integ ? crypto_integ(v->integ) : NULL;
	k->ei = k->er = C(ke);
	k->ai = k->ar = C(ka);
}

/* Build the header and the open SK payload of the vectors' IKE_AUTH request. */
static size_t start_msg(struct buf *b, uint8_t flags)
{
	struct ike_header h = { GEN_SPII, GEN_SPIR, 0, IKEV2_VERSION, IKE_AUTH, flags, 1, 0 };
	struct ike_builder bld;

	ike_build_msg(&bld, b, &h);
	return ike_add_sk(&bld, IKE_PL_IDi);
}

/* 20-22. SK payloads: known answers, tampering, round trips */
static void test_sk(void)
{
	struct buf *plain = hexbuf(GEN_SK_PLAIN);
	size_t i, j;

	for (i = 0; i < sizeof(sk_vectors) / sizeof(sk_vectors[0]); i++) {
		const struct sk_vector *v = &sk_vectors[i];
		struct buf *ke = hexbuf(v->ei), *ka = hexbuf(v->ai), *iv = hexbuf(v->iv);
		struct buf *want = hexbuf(v->msg), *msg = buf_new(256), *out = NULL;
		unsigned int rejected = 0;
		struct ike_keys k;
		struct ike_msg m;
		size_t sk_off;

		keys_for(&k, v, ke, ka);
		/* 20. protect with the vector's IV gives the vector's bytes */
		sk_off = start_msg(msg, IKE_FLAG_INITIATOR);
		CHECK(crypto_sk_protect_iv(&k, msg, sk_off, plain->data, plain->len, iv->data) == 0,
		      "sk %s: protects", v->name);
		CHECK_HEX(msg->data, msg->len, v->msg, "sk %s: whole message", v->name);

		/* 21. unprotect the vector and parse what is inside */
		CHECK(ike_msg_parse(&m, want->data, want->len) == IKE_OK && m.sk,
		      "sk %s: outer parse", v->name);
		CHECK(crypto_sk_unprotect(&k, &m, &out) == 0, "sk %s: unprotects", v->name);
		CHECK_HEX(out ? out->data : NULL, out ? out->len : 0, GEN_SK_PLAIN,
			  "sk %s: plaintext, padding removed", v->name);
		CHECK(out && ike_msg_parse_inner(&m, out->data, out->len) == IKE_OK &&
		      m.npl == 3 && m.pl[1].type == IKE_PL_IDi && m.pl[2].type == IKE_PL_AUTH,
		      "sk %s: inner IDi, AUTH", v->name);
		buf_free(out);
		out = NULL;

		/* 22. every single-bit flip anywhere in the message is refused */
		for (j = 0; j < want->len * 8; j++) {
			want->data[j / 8] ^= (uint8_t)(1 << (j % 8));
			if (ike_msg_parse(&m, want->data, want->len) != IKE_OK ||
			    crypto_sk_unprotect(&k, &m, &out) < 0)
				rejected++;
			buf_free(out);
			out = NULL;
			want->data[j / 8] ^= (uint8_t)(1 << (j % 8));
		}
		CHECK(rejected == want->len * 8, "sk %s: %u of %zu bit flips refused", v->name,
		      rejected, want->len * 8);

		/* 22b. round trips of 0..40 bytes, responder to initiator, own IVs */
		rejected = 0;
		for (j = 0; j <= 40; j++) {
			struct buf *m2 = buf_new(128);
			size_t off = start_msg(m2, IKE_FLAG_RESPONSE);

			m2->data[off] = j ? IKE_PL_IDi : IKE_PL_NONE;
			if (crypto_sk_protect(&k, m2, off, plain->data, j) < 0 ||
			    m2->len != off + IKE_GEN_HDR_LEN + crypto_sk_overhead(&k, j) + j ||
			    ike_msg_parse(&m, m2->data, m2->len) != IKE_OK ||
			    crypto_sk_unprotect(&k, &m, &out) < 0 || out->len != j ||
			    memcmp(out->data, plain->data, j))
				rejected++;
			buf_free(out);
			out = NULL;
			buf_free(m2);
		}
		CHECK(rejected == 0, "sk %s: 41 round trips of 0..40 bytes", v->name);
		buf_free(ke);
		buf_free(ka);
		buf_free(iv);
		buf_free(want);
		buf_free(msg);
	}
	buf_free(plain);
}

int main(void)
{
	test_prf();
	test_x25519();
	test_ecp();
	test_modp_and_roundtrip();
	test_kdf_cavs();
	test_kdf_nist();
	test_ike_keys();
	test_child_keys();
	test_auth_natd();
	test_aead();
	test_sk();
	return tap_done();
}
