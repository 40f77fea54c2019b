// SPDX-License-Identifier: GPL-2.0
/*
 * proposal.c: strongSwan syntax, choosing between ours and the peer's,
 * the initiator's check of the answer, and the names kvti's SA_NEW takes.
 */
#include <stdbool.h>
#include <stdint.h>

#include "payload.h"
#include "proposal.h"
#include "tap.h"

/* 1-22. Parsing: the canonical form back, or the error. */
static void test_parse(void)
{
	static const struct {
		const char *text;
		uint8_t proto;
		const char *want;	/* proposal_format(), or the error */
		bool ok;
	} cases[] = {
		/* 1 */ { "aes256gcm16-prfsha384-ecp384", IKE_PROTO_IKE,
			  "aes256gcm16-prfsha384-ecp384", true },
		/* 2: the PRF follows the integrity algorithm */
		{ "aes128-sha256-x25519", IKE_PROTO_IKE, "aes128-sha256-prfsha256-curve25519", true },
		/* 3 */ { "aes256-sha512-modp4096", IKE_PROTO_IKE, "aes256-sha512-prfsha512-modp4096", true },
		/* 4 */ { "chacha20poly1305-prfsha256-x25519", IKE_PROTO_IKE,
			  "chacha20poly1305-prfsha256-curve25519", true },
		/* 5: several of a kind, in order; duplicates dropped */
		{ "AES128-aes256-sha256-sha1-sha256-modp2048-ecp256", IKE_PROTO_IKE,
		  "aes128-aes256-sha256-sha1-prfsha256-prfsha1-modp2048-ecp256", true },
		/* 6 */ { "aes128gcm16-esn", IKE_PROTO_ESP, "aes128gcm16-esn", true },
		/* 7: ESN defaults to off (not printed) */
		{ "aes256-sha256", IKE_PROTO_ESP, "aes256-sha256", true },
		/* 8 */ { "aes128-sha1", IKE_PROTO_ESP, "aes128-sha1", true },
		/* 9 */ { "3des-sha1", IKE_PROTO_ESP, "3des-sha1", true },
		/* 10 */ { "null-sha256", IKE_PROTO_ESP, "null-sha256", true },
		/* 11: PFS group in an ESP proposal */
		{ "aes128gcm16-ecp256-esn-noesn", IKE_PROTO_ESP, "aes128gcm16-ecp256-esn", true },
		/* 12 */ { "aes256gmac", IKE_PROTO_ESP, "aes256gmac", true },
		/* 13 */ { "aes256gcm16-ecp384", IKE_PROTO_IKE,
			   "'aes256gcm16-ecp384' needs a PRF with an AEAD cipher (e.g. prfsha256)", false },
		/* 14 */ { "aes128-x25519", IKE_PROTO_IKE,
			   "'aes128-x25519' needs an integrity algorithm (e.g. sha256)", false },
		/* 15 */ { "aes128-sha256", IKE_PROTO_IKE,
			   "'aes128-sha256' needs a DH group (e.g. ecp384)", false },
		/* 16 */ { "aes256gcm16-sha256-prfsha256-ecp384", IKE_PROTO_IKE,
			   "'aes256gcm16-sha256-prfsha256-ecp384': an AEAD cipher takes no integrity "
			   "algorithm", false },
		/* 17 */ { "aes128-aes128gcm16-sha256-ecp256", IKE_PROTO_IKE,
			   "'aes128-aes128gcm16-sha256-ecp256' mixes AEAD and non-AEAD ciphers; "
			   "make them two proposals", false },
		/* 18 */ { "aes128-sha256-prfsha256", IKE_PROTO_ESP,
			   "'prfsha256' is not valid in an ESP proposal", false },
		/* 19 */ { "aes128-sha256-blowfish", IKE_PROTO_ESP, "unknown algorithm 'blowfish'", false },
		/* 20 */ { "  ", IKE_PROTO_IKE, "empty proposal", false },
		/* 21 */ { "aes128--sha256", IKE_PROTO_ESP, "empty algorithm in 'aes128--sha256'", false },
		/* 22 */ { "aes128-sha256-ecp256-esn", IKE_PROTO_IKE,
			   "'esn' is not valid in an IKE proposal", false },
	};
	struct ike_proposal p;
	char out[256], err[256];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = out[0] = '\0';
		rc = proposal_parse(cases[i].text, cases[i].proto, &p, err, sizeof(err));
		if (rc == 0)
			proposal_format(&p, out, sizeof(out));
		CHECK(cases[i].ok ? rc == 0 : rc < 0, "parse '%s' %s", cases[i].text,
		      cases[i].ok ? "succeeds" : "fails");
		CHECK_STR(cases[i].ok ? out : err, cases[i].want, "  gives: %s", cases[i].want);
	}

	/* 23. a list, numbered from 1; too many is refused */
	{
		struct ike_proposal list[PROPOSAL_MAX + 1];
		size_t n;

		CHECK(proposal_parse_list("aes128gcm16, aes256-sha256 ,3des-sha1", IKE_PROTO_ESP,
					  list, PROPOSAL_MAX, &n, err, sizeof(err)) == 0 && n == 3 &&
		      list[0].num == 1 && list[2].num == 3 && list[1].spi_size == 4,
		      "a list of three ESP proposals");
		CHECK(proposal_parse_list("aes128gcm16, aes128gcm16, aes128gcm16", IKE_PROTO_ESP,
					  list, 2, &n, err, sizeof(err)) < 0, "more than the maximum");
		CHECK(proposal_parse_list("aes128gcm16,", IKE_PROTO_ESP, list, 2, &n, err,
					  sizeof(err)) < 0, "a trailing comma");
	}
	/* 24. DH names */
	CHECK(proposal_dh_lookup("ecp384") == IKE_DH_ECP384 && proposal_dh_lookup("x25519") == 31 &&
	      proposal_dh_lookup("none") == 0 && proposal_dh_lookup("sha256") < 0 &&
	      proposal_dh_lookup("modp1024") < 0, "DH group names");
}

/* Parse @text into one of a few static lists (@slot), so tests stay short. */
static struct ike_proposal *plist(int slot, const char *text, uint8_t proto, size_t *n)
{
	static struct ike_proposal lists[2][PROPOSAL_MAX];
	struct ike_proposal *p = lists[slot];
	char err[200];
	size_t i;

	if (proposal_parse_list(text, proto, p, PROPOSAL_MAX, n, err, sizeof(err)) < 0) {
		printf("Bail out! %s: %s\n", text, err);
		exit(2);
	}
	for (i = 0; i < *n; i++)	/* a peer's proposals carry its SPI */
		if (proto == IKE_PROTO_ESP)
			put_u32(p[i].spi, 0xc0de0000 + (uint32_t)i);
	return p;
}

/* 25-40. Choosing, table-driven. */
static void test_select(void)
{
	static const struct {
		const char *name;
		uint8_t proto;
		const char *ours, *peer;
		unsigned int flags;
		const char *want;	/* chosen, formatted; NULL = NO_PROPOSAL_CHOSEN */
		uint8_t num;		/* the peer's proposal number echoed */
		uint8_t peer_proto;	/* if not ours */
	} cases[] = {
		/* 25. our order wins over the peer's */
		{ "ours first", IKE_PROTO_IKE,
		  "aes256gcm16-prfsha384-ecp384, aes128-sha256-x25519",
		  "aes128-sha256-x25519, aes256gcm16-prfsha384-ecp384", 0,
		  "aes256gcm16-prfsha384-ecp384", 2, 0 },
		/* 26. within a type, our first algorithm the peer offers */
		{ "ours first within a type", IKE_PROTO_IKE, "aes256-aes128-sha256-ecp256",
		  "aes128-aes256-sha1-sha256-modp2048-ecp256", 0,
		  "aes256-sha256-prfsha256-ecp256", 1, 0 },
		/* 27 */ { "nothing in common", IKE_PROTO_IKE, "aes256gcm16-prfsha384-ecp384",
			   "aes128-sha256-modp2048", 0, NULL, 0, 0 },
		/* 28. key lengths must agree */
		{ "aes128 is not aes256", IKE_PROTO_IKE, "aes128-sha256-ecp256",
		  "aes256-sha256-ecp256", 0, NULL, 0, 0 },
		/* 29 */ { "PRF must agree", IKE_PROTO_IKE, "aes256gcm16-prfsha384-ecp384",
			   "aes256gcm16-prfsha256-ecp384", 0, NULL, 0, 0 },
		/* 30 */ { "ESP with ESN", IKE_PROTO_ESP, "aes128gcm16-esn", "aes128gcm16-esn-noesn", 0,
			   "aes128gcm16-esn", 1, 0 },
		/* 31 */ { "ESN demanded, not offered", IKE_PROTO_ESP, "aes128gcm16",
			   "aes128gcm16-esn", 0, NULL, 0, 0 },
		/* 32. CREATE_CHILD_SA: the peer wants PFS, we have none */
		{ "PFS missing", IKE_PROTO_ESP, "aes256-sha256", "aes256-sha256-ecp384", 0, NULL, 0, 0 },
		/* 33. IKE_AUTH: DH ignored on both sides, none in the answer */
		{ "PFS ignored in IKE_AUTH", IKE_PROTO_ESP, "aes256-sha256-modp2048",
		  "aes256-sha256-ecp384", PROP_SKIP_DH, "aes256-sha256", 1, 0 },
		/* 34 */ { "PFS agreed", IKE_PROTO_ESP, "aes256-sha256-ecp384-modp2048",
			   "aes256-sha256-modp2048", 0, "aes256-sha256-modp2048", 1, 0 },
		/* 35. we want PFS, the peer offers none */
		{ "PFS refused by peer", IKE_PROTO_ESP, "aes256-sha256-ecp384", "aes256-sha256", 0,
		  NULL, 0, 0 },
		/* 36 */ { "legacy 3DES", IKE_PROTO_ESP, "aes128-sha1, 3des-sha1", "3des-sha1", 0,
			   "3des-sha1", 1, 0 },
		/* 37 */ { "IKE proposal against ESP", IKE_PROTO_IKE, "aes128-sha256-ecp256",
			   "aes128-sha256", 0, NULL, 0, IKE_PROTO_ESP },
	};
	struct proposal_choice ch;
	char out[256];
	size_t i, no, np;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ike_proposal *ours = plist(0, cases[i].ours, cases[i].proto, &no);
		struct ike_proposal *peer = plist(1, cases[i].peer, cases[i].peer_proto ?
						  cases[i].peer_proto : cases[i].proto, &np);
		int rc = proposal_select(ours, no, peer, np, cases[i].flags, &ch);

		out[0] = '\0';
		if (rc == 0)
			proposal_format(&ch.reply, out, sizeof(out));
		if (!cases[i].want) {
			CHECK(rc < 0, "select %s: NO_PROPOSAL_CHOSEN", cases[i].name);
			continue;
		}
		CHECK(rc == 0 && ch.reply.num == cases[i].num, "select %s: proposal %u",
		      cases[i].name, cases[i].num);
		CHECK_STR(out, cases[i].want, "select %s: %s", cases[i].name, cases[i].want);
	}

	/* 38. the peer's SPI is kept apart; the reply's is for us to fill */
	{
		struct ike_proposal *ours = plist(0, "aes256gcm16", IKE_PROTO_ESP, &no);
		struct ike_proposal *peer = plist(1, "aes128gcm16, aes256gcm16", IKE_PROTO_ESP, &np);

		CHECK(proposal_select(ours, no, peer, np, 0, &ch) == 0 && ch.peer_spi_size == 4 &&
		      get_u32(ch.peer_spi) == 0xc0de0001 && ch.reply.spi_size == 4 &&
		      get_u32(ch.reply.spi) == 0 && ch.suite.encr == IKE_ENCR_AES_GCM_16 &&
		      ch.suite.encr_bits == 256 && ch.suite.esn == 0 && ch.suite.integ == 0,
		      "ESP choice: peer SPI, suite");
	}

	/* 39. transforms the peer marks oddly */
	{
		struct ike_proposal *ours = plist(0, "aes128-sha256-ecp256", IKE_PROTO_IKE, &no);
		struct ike_proposal *peer = plist(1, "aes128-sha256-ecp256, aes128-sha256-ecp256",
						  IKE_PROTO_IKE, &np);

		/* 39a. an unknown transform type makes the proposal unacceptable (3.3.6) */
		peer[0].xf[peer[0].nxf++] = (struct ike_transform){ 6, 1, 0, false };
		CHECK(proposal_select(ours, no, peer, np, 0, &ch) == 0 && ch.reply.num == 2,
		      "a proposal with transform type 6 is passed over");
		/* 39b. a transform with an unknown attribute is not offered */
		peer[1].xf[0].unknown_attr = true;
		CHECK(proposal_select(ours, no, peer, np, 0, &ch) < 0,
		      "AES with an unknown attribute does not match");
		/* 39c. IKE proposals in IKE_SA_INIT carry no SPI; in a rekey, 8 bytes */
		peer = plist(1, "aes128-sha256-ecp256", IKE_PROTO_IKE, &np);
		peer[0].spi_size = 8;
		CHECK(proposal_select(ours, no, peer, np, 0, &ch) < 0 &&
		      proposal_select(ours, no, peer, np, PROP_IKE_REKEY, &ch) == 0 &&
		      ch.peer_spi_size == 8, "IKE SPI size 0 initially, 8 in a rekey");
	}

	/* 40. a peer that sends INTEG NONE with an AEAD, or leaves ESN out */
	{
		struct ike_proposal *ours = plist(0, "aes256gcm16-prfsha256-ecp256", IKE_PROTO_IKE, &no);
		struct ike_proposal *peer = plist(1, "aes256gcm16-prfsha256-ecp256", IKE_PROTO_IKE, &np);

		peer[0].xf[peer[0].nxf++] = (struct ike_transform){ IKE_XF_INTEG, 0, 0, false };
		CHECK(proposal_select(ours, no, peer, np, 0, &ch) == 0 && ch.suite.integ == 0 &&
		      ch.suite.prf == IKE_PRF_HMAC_SHA2_256 && ch.suite.dh == IKE_DH_ECP256,
		      "AEAD with an explicit INTEG NONE");
		ours = plist(0, "aes256gcm16", IKE_PROTO_ESP, &no);
		peer = plist(1, "aes256gcm16", IKE_PROTO_ESP, &np);
		peer[0].nxf--;	/* drop the ESN transform (it sorts last) */
		CHECK(peer[0].xf[peer[0].nxf].type == IKE_XF_ESN &&
		      proposal_select(ours, no, peer, np, 0, &ch) == 0 && ch.suite.esn == 0 &&
		      ch.reply.nxf == 2, "no ESN transform from the peer means no ESN");
	}
}

/* 41-45. The initiator checks the responder's single choice. */
static void test_check_reply(void)
{
	struct ike_proposal *ours, *reply;
	struct proposal_choice ch;
	size_t no, nr;

	ours = plist(0, "aes256gcm16-prfsha384-ecp384, aes128-sha256-x25519", IKE_PROTO_IKE, &no);
	/* 41 */
	reply = plist(1, "aes128-sha256-x25519", IKE_PROTO_IKE, &nr);
	CHECK(proposal_check_reply(ours, no, reply, nr, 0, &ch) == 0 &&
	      ch.suite.dh == IKE_DH_CURVE25519 && ch.suite.integ == IKE_INTEG_HMAC_SHA2_256_128,
	      "a reply we offered is accepted");
	/* 42 */
	reply = plist(1, "aes128-sha256-ecp384", IKE_PROTO_IKE, &nr);
	CHECK(proposal_check_reply(ours, no, reply, nr, 0, &ch) < 0,
	      "a combination we did not offer is refused");
	/* 43 */
	reply = plist(1, "aes128-sha256-x25519-ecp384", IKE_PROTO_IKE, &nr);
	CHECK(proposal_check_reply(ours, no, reply, nr, 0, &ch) < 0,
	      "two DH groups in a reply are refused");
	/* 44 */
	reply = plist(1, "aes128-sha256-x25519, aes128-sha256-x25519", IKE_PROTO_IKE, &nr);
	CHECK(proposal_check_reply(ours, no, reply, nr, 0, &ch) < 0, "two proposals are refused");
	/* 45. the group to start with; the groups we accept on INVALID_KE_PAYLOAD */
	CHECK(proposal_first_dh(ours, no) == IKE_DH_ECP384 &&
	      proposal_offers_dh(ours, no, IKE_DH_CURVE25519) &&
	      !proposal_offers_dh(ours, no, IKE_DH_MODP2048), "first and offered DH groups");
}

/* 46-57. ESP as the kernel module names it. */
static void test_kernel_names(void)
{
	static const struct {
		const char *esp;
		const char *aead, *enc, *auth;
		uint16_t enc_len, auth_len, icv;
	} cases[] = {
		/* 46 */ { "aes128gcm16", "rfc4106(gcm(aes))", NULL, NULL, 20, 0, 128 },
		/* 47 */ { "aes256gcm16", "rfc4106(gcm(aes))", NULL, NULL, 36, 0, 128 },
		/* 48 */ { "aes128gcm12", "rfc4106(gcm(aes))", NULL, NULL, 20, 0, 96 },
		/* 49 */ { "aes256gcm8", "rfc4106(gcm(aes))", NULL, NULL, 36, 0, 64 },
		/* 50 */ { "chacha20poly1305", "rfc7539esp(chacha20,poly1305)", NULL, NULL, 36, 0, 128 },
		/* 51 */ { "aes128gmac", "rfc4543(gcm(aes))", NULL, NULL, 20, 0, 128 },
		/* 52 */ { "aes256-sha256", NULL, "cbc(aes)", "hmac(sha256)", 32, 32, 128 },
		/* 53 */ { "aes128-sha1", NULL, "cbc(aes)", "hmac(sha1)", 16, 20, 96 },
		/* 54 */ { "aes192-sha384", NULL, "cbc(aes)", "hmac(sha384)", 24, 48, 192 },
		/* 55 */ { "aes256-sha512", NULL, "cbc(aes)", "hmac(sha512)", 32, 64, 256 },
		/* 56 */ { "3des-sha1", NULL, "cbc(des3_ede)", "hmac(sha1)", 24, 20, 96 },
		/* 57 */ { "null-sha256", NULL, "ecb(cipher_null)", "hmac(sha256)", 0, 32, 128 },
	};
	struct proposal_choice ch;
	struct esp_kernel_alg k;
	size_t i, n;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ike_proposal *p = plist(0, cases[i].esp, IKE_PROTO_ESP, &n);
		bool ok = proposal_select(p, n, p, n, 0, &ch) == 0 &&
			  proposal_esp_kernel(&ch.suite, &k) == 0;

		CHECK(ok && (cases[i].aead ? k.aead && !strcmp(k.aead, cases[i].aead) : !k.aead) &&
		      (cases[i].enc ? k.enc && !strcmp(k.enc, cases[i].enc) : !k.enc) &&
		      (cases[i].auth ? k.auth && !strcmp(k.auth, cases[i].auth) : !k.auth) &&
		      k.enc_key_len == cases[i].enc_len && k.auth_key_len == cases[i].auth_len &&
		      k.icv_bits == cases[i].icv,
		      "%s -> %s%s%s key %u+%u icv %u", cases[i].esp,
		      cases[i].aead ? cases[i].aead : cases[i].enc, cases[i].aead ? "" : " + ",
		      cases[i].aead ? "" : cases[i].auth, cases[i].enc_len, cases[i].auth_len,
		      cases[i].icv);
	}
}

/* 58. Proposals survive the wire: build an SA payload, parse it, choose. */
static void test_wire_roundtrip(void)
{
	struct ike_header h = { 1, 0, 0, IKEV2_VERSION, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, 0 };
	struct ike_sa_payload *sa = malloc(sizeof(*sa));
	struct proposal_choice ch;
	struct ike_builder bld;
	struct ike_msg m;
	struct buf *b = buf_new(256);
	struct ike_proposal *ours, *theirs;
	size_t no, nt;

	theirs = plist(1, PROPOSAL_DEFAULT_IKE ", chacha20poly1305-prfsha256-x25519", IKE_PROTO_IKE, &nt);
	ike_build_msg(&bld, b, &h);
	ike_add_sa(&bld, theirs, nt);
	ike_build_done(&bld);
	ours = plist(0, "chacha20poly1305-prfsha256-x25519", IKE_PROTO_IKE, &no);
	CHECK(ike_msg_parse(&m, b->data, b->len) == IKE_OK && ike_parse_sa(&m.pl[0], sa) == IKE_OK &&
	      proposal_select(ours, no, sa->prop, sa->nprop, 0, &ch) == 0 && ch.reply.num == 3 &&
	      ch.suite.encr == IKE_ENCR_CHACHA20_POLY1305 && ch.suite.encr_bits == 0,
	      "built, parsed and chosen: proposal 3, ChaCha20-Poly1305 without a key length");
	buf_free(b);
	free(sa);
}

int main(void)
{
	test_parse();
	test_select();
	test_check_reply();
	test_kernel_names();
	test_wire_roundtrip();
	return tap_done();
}
