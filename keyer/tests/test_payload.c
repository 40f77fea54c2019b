// SPDX-License-Identifier: GPL-2.0
/*
 * payload.c: building and parsing messages, hand-written malformed
 * messages, every truncation of valid messages, and seeded random
 * mutations (KEYER_FUZZ_SEED, KEYER_FUZZ_ITER to change them).  The test
 * build runs under ASan and UBSan, so "no crash" is checked by the build;
 * the checks here add that whatever the parser accepts lies inside the
 * buffer it was given.
 */
#include <stdbool.h>
#include <stdint.h>

#include "ikesa.h"	/* compiles the state declarations the daemon will use */
#include "payload.h"
#include "proposal.h"
#include "tap.h"

#define SPII 0x1122334455667788ULL
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* An IKE_SA_INIT request as strongSwan would send one, plus an unknown payload. */
static struct buf *build_init(void)
{
	struct ike_header h = { SPII, 0, 0, IKEV2_VERSION, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, 0 };
	struct ike_proposal props[4];
	struct ike_builder bld;
	struct buf *b = buf_new(512);
	uint8_t ke[32], nonce[32], natd[20], vid[16];
	size_t n = 0;

	memset(ke, 0x11, sizeof(ke));
	memset(nonce, 0x22, sizeof(nonce));
	memset(natd, 0x33, sizeof(natd));
	memset(vid, 0x44, sizeof(vid));
	proposal_parse_list("aes256gcm16-prfsha384-ecp384-x25519, aes128-aes256-sha256-sha1-modp2048",
			    IKE_PROTO_IKE, props, 4, &n, NULL, 0);
	ike_build_msg(&bld, b, &h);
	ike_add_sa(&bld, props, n);
	ike_add_ke(&bld, IKE_DH_CURVE25519, ke, sizeof(ke));
	ike_add_nonce(&bld, nonce, sizeof(nonce));
	ike_add_notify(&bld, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, natd, sizeof(natd));
	ike_add_notify(&bld, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, natd, sizeof(natd));
	ike_add_payload(&bld, 200, false, vid, 8);	/* unknown, not critical: skipped */
	ike_add_vendor(&bld, vid, sizeof(vid));
	ike_add_notify(&bld, 0, NULL, 0, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, NULL, 0);
	if (ike_build_done(&bld) < 0) {
		printf("Bail out! cannot build IKE_SA_INIT\n");
		exit(2);
	}
	return b;
}

/* The inside of an IKE_AUTH request: what gets encrypted. */
static struct buf *build_auth_inner(uint8_t *first)
{
	struct ike_ts ts[2] = {
		{ IKE_TS_IPV4_ADDR_RANGE, 0, 0, 65535, 4, { 0 }, { 255, 255, 255, 255 } },
		{ IKE_TS_IPV6_ADDR_RANGE, 0, 0, 65535, 16, { 0 }, { 0 } },
	};
	const uint8_t fqdn[] = "gw1.example.net", auth[32] = { 1 }, spis[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ike_proposal props[2];
	struct ike_builder bld;
	struct buf *b = buf_new(512);
	size_t n = 0;

	memset(ts[1].end, 0xff, 16);
	proposal_parse_list("aes256gcm16-esn, aes128-sha256", IKE_PROTO_ESP, props, 2, &n, NULL, 0);
	props[0].spi[3] = 0x42;
	props[1].spi[3] = 0x42;
	ike_build_chain(&bld, b);
	ike_add_id(&bld, IKE_PL_IDi, IKE_ID_FQDN, fqdn, sizeof(fqdn) - 1);
	ike_add_notify(&bld, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_add_auth(&bld, IKE_AUTH_SHARED_KEY_MIC, auth, sizeof(auth));
	ike_add_sa(&bld, props, n);
	ike_add_ts(&bld, IKE_PL_TSi, ts, 2);
	ike_add_ts(&bld, IKE_PL_TSr, ts, 2);
	ike_add_payload(&bld, IKE_PL_CP, false, "\x01\x00\x00\x00", 4);
	ike_add_delete(&bld, IKE_PROTO_ESP, 4, spis, 2);
	if (ike_build_done(&bld) < 0) {
		printf("Bail out! cannot build IKE_AUTH inner chain\n");
		exit(2);
	}
	*first = bld.first;
	return b;
}

static bool same_proposal(const struct ike_proposal *a, const struct ike_proposal *b)
{
	size_t i;

	if (a->num != b->num || a->proto != b->proto || a->spi_size != b->spi_size ||
	    memcmp(a->spi, b->spi, a->spi_size) || a->nxf != b->nxf)
		return false;
	for (i = 0; i < a->nxf; i++)
		if (a->xf[i].type != b->xf[i].type || a->xf[i].id != b->xf[i].id ||
		    a->xf[i].keylen != b->xf[i].keylen || a->xf[i].unknown_attr != b->xf[i].unknown_attr)
			return false;
	return true;
}

/* 1-3. What the builder writes, the parser reads back. */
static void test_build_parse(void)
{
	struct buf *b = build_init(), *inner;
	struct ike_sa_payload *sa = malloc(sizeof(*sa));
	struct ike_proposal props[4];
	struct ike_notify n;
	struct ike_ts_payload ts;
	struct ike_delete d;
	struct ike_id_payload id;
	struct ike_msg m;
	struct ike_ke ke;
	struct chunk nonce;
	uint8_t first = 0;
	size_t np = 0;

	/* 1. IKE_SA_INIT request */
	CHECK(ike_msg_parse(&m, b->data, b->len) == IKE_OK, "IKE_SA_INIT parses");
	CHECK(m.hdr.ispi == SPII && m.hdr.rspi == 0 && m.hdr.exchange == IKE_SA_INIT &&
	      m.hdr.flags == IKE_FLAG_INITIATOR && m.hdr.length == b->len, "header fields");
	CHECK(m.npl == 7 && m.pl[0].type == IKE_PL_SA && m.pl[1].type == IKE_PL_KE &&
	      m.pl[2].type == IKE_PL_NONCE && m.pl[3].type == IKE_PL_NOTIFY &&
	      m.pl[5].type == IKE_PL_VENDOR && m.pl[6].type == IKE_PL_NOTIFY,
	      "payloads in order, the unknown one left out (%zu)", m.npl);
	CHECK(m.skipped == 1 && m.unsupported_critical == 0 && !m.sk,
	      "one unknown non-critical payload skipped");
	proposal_parse_list("aes256gcm16-prfsha384-ecp384-x25519, aes128-aes256-sha256-sha1-modp2048",
			    IKE_PROTO_IKE, props, 4, &np, NULL, 0);
	CHECK(ike_parse_sa(&m.pl[0], sa) == IKE_OK && sa->nprop == 2 &&
	      same_proposal(&sa->prop[0], &props[0]) && same_proposal(&sa->prop[1], &props[1]) &&
	      sa->prop[0].num == 1 && sa->prop[1].num == 2 && sa->prop[0].xf[0].keylen == 256,
	      "SA: proposals, transforms and key lengths as built");
	CHECK(ike_parse_ke(&m.pl[1], &ke) == IKE_OK && ke.group == IKE_DH_CURVE25519 &&
	      ke.len == 32 && ke.data[0] == 0x11, "KE: group 31, 32 bytes");
	CHECK(ike_parse_nonce(&m.pl[2], &nonce) == IKE_OK && nonce.len == 32, "Nonce: 32 bytes");
	CHECK(ike_msg_find_notify(&m, IKE_N_NAT_DETECTION_DESTINATION_IP, &n) == &m.pl[4] &&
	      n.len == 20 && n.spi_size == 0, "NAT_DETECTION_DESTINATION_IP found by type");
	CHECK(ike_msg_find_notify(&m, IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, &n) && n.len == 0,
	      "an empty notify");
	CHECK(!ike_msg_find_notify(&m, IKE_N_COOKIE, &n), "no COOKIE");
	CHECK(ike_msg_count(&m, IKE_PL_NOTIFY) == 3, "three notifies");

	/* 2. an inner chain: first type, every payload decodes */
	inner = build_auth_inner(&first);
	{
		/* A one-payload SK message to hang the chain on. */
		struct ike_header h = { SPII, 2, 0, IKEV2_VERSION, IKE_AUTH, IKE_FLAG_INITIATOR, 1, 0 };
		struct ike_builder bld;
		struct buf *outer = buf_new(64);

		ike_build_msg(&bld, outer, &h);
		ike_add_payload(&bld, IKE_PL_SK, false, "\0\0\0\0", 4);
		ike_build_done(&bld);
		outer->data[IKE_HDR_LEN] = first;
		CHECK(first == IKE_PL_IDi, "chain builder records the first type");
		CHECK(ike_msg_parse(&m, outer->data, outer->len) == IKE_OK && m.sk &&
		      m.sk->next == IKE_PL_IDi && m.sk->len == 4, "SK outer frame");
		CHECK(ike_msg_parse_inner(&m, inner->data, inner->len) == IKE_OK && m.npl == 9,
		      "inner chain: %zu payloads", m.npl);
		CHECK(ike_parse_id(ike_msg_find(&m, IKE_PL_IDi, NULL), &id) == IKE_OK &&
		      id.type == IKE_ID_FQDN && id.len == 15 && id.body_len == 19 &&
		      !memcmp(id.data, "gw1.example.net", 15), "IDi: fqdn");
		CHECK(ike_parse_ts(ike_msg_find(&m, IKE_PL_TSr, NULL), &ts) == IKE_OK &&
		      ts.nts == 2 && ts.ts[0].alen == 4 && ts.ts[0].end[3] == 255 &&
		      ts.ts[1].alen == 16 && ts.ts[1].end[15] == 0xff && ts.ts[1].eport == 65535,
		      "TSr: 0.0.0.0/0 and ::/0");
		CHECK(ike_parse_sa(ike_msg_find(&m, IKE_PL_SA, NULL), sa) == IKE_OK &&
		      sa->nprop == 2 && sa->prop[1].proto == IKE_PROTO_ESP &&
		      sa->prop[1].spi_size == 4 && sa->prop[1].spi[3] == 0x42, "SAi2: ESP with SPIs");
		CHECK(ike_parse_delete(ike_msg_find(&m, IKE_PL_DELETE, NULL), &d) == IKE_OK &&
		      d.nspi == 2 && d.spis[7] == 8, "Delete: two ESP SPIs");
		CHECK(ike_msg_find(&m, IKE_PL_CP, NULL) && ike_msg_find_notify(&m, IKE_N_INITIAL_CONTACT, &n),
		      "CP kept (not decoded), INITIAL_CONTACT found");
		buf_free(outer);
	}

	/* 3. nothing can follow the SK payload */
	{
		struct ike_header h = { SPII, 2, 0, IKEV2_VERSION, IKE_AUTH, IKE_FLAG_INITIATOR, 1, 0 };
		struct ike_builder bld;
		struct buf *x = buf_new(64);

		ike_build_msg(&bld, x, &h);
		ike_add_sk(&bld, IKE_PL_IDi);
		ike_add_nonce(&bld, (const uint8_t *)"0123456789abcdef", 16);
		CHECK(ike_build_done(&bld) < 0, "a payload after SK fails the build");
		buf_free(x);
	}
	buf_free(b);
	buf_free(inner);
	free(sa);
}

/* A message: header with a correct length, then @chain_hex. */
static struct buf *raw_msg(uint8_t first, const char *chain_hex)
{
	struct buf *chain = hexbuf(chain_hex), *b = buf_new(IKE_HDR_LEN + chain->len);

	buf_add_u64(b, SPII);
	buf_add_u64(b, 0);
	buf_add_u8(b, first);
	buf_add_u8(b, IKEV2_VERSION);
	buf_add_u8(b, IKE_SA_INIT);
	buf_add_u8(b, IKE_FLAG_INITIATOR);
	buf_add_u32(b, 0);
	buf_add_u32(b, (uint32_t)(IKE_HDR_LEN + chain->len));
	buf_add(b, chain->data, chain->len);
	buf_free(chain);
	return b;
}

#define NONCE16 "000102030405060708090a0b0c0d0e0f"

/* 4-18. Hand-written messages, good and bad. */
static void test_malformed_messages(void)
{
	static const struct {
		const char *name;
		uint8_t first;
		const char *chain;
		int err;
		size_t npl;
		uint8_t critical;
	} cases[] = {
		/* 4 */ { "no payloads", 0, "", IKE_OK, 0, 0 },
		/* 5 */ { "one nonce", IKE_PL_NONCE, "00000014" NONCE16, IKE_OK, 1, 0 },
		/* 6 */ { "payload length 3", IKE_PL_NONCE, "00000003", IKE_E_SHORT, 0, 0 },
		/* 7 */ { "payload longer than the message", IKE_PL_NONCE, "00000020" NONCE16,
			  IKE_E_SHORT, 0, 0 },
		/* 8 */ { "a byte after the last payload", IKE_PL_NONCE, "00000014" NONCE16 "00",
			  IKE_E_LENGTH, 0, 0 },
		/* 9 */ { "next payload promised, none there", IKE_PL_NONCE, "29000014" NONCE16,
			  IKE_E_SHORT, 0, 0 },
		/* 10 */ { "unknown critical payload", 200, "28800008aabbccdd" "00000014" NONCE16,
			   IKE_OK, 1, 200 },
		/* 11 */ { "unknown non-critical payload", 200, "28000008aabbccdd" "00000014" NONCE16,
			   IKE_OK, 1, 0 },
		/* 12 */ { "known payload with C set", IKE_PL_NONCE, "00800014" NONCE16, IKE_OK, 1, 0 },
		/* 13 */ { "SK not last", IKE_PL_SK, "2300000c0102030405060708" "00000004",
			   IKE_E_SYNTAX, 0, 0 },
		/* 14 */ { "SK last", IKE_PL_SK, "2300000c0102030405060708", IKE_OK, 1, 0 },
		/* 15 */ { "SK after a payload", IKE_PL_NONCE, "2e000014" NONCE16 "00000008aabbccdd",
			   IKE_OK, 2, 0 },
	};
	struct ike_msg m;
	struct buf *b;
	size_t i;
	int err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		b = raw_msg(cases[i].first, cases[i].chain);
		err = ike_msg_parse(&m, b->data, b->len);
		CHECK(err == cases[i].err && (err || (m.npl == cases[i].npl &&
						    m.unsupported_critical == cases[i].critical)),
		      "%s: %s", cases[i].name, ike_strerror(err));
		buf_free(b);
	}

	/* 16. more payloads than we keep */
	{
		struct buf *c = buf_new(1024);
		char *hex;
		size_t k;

		for (k = 0; k < IKE_MAX_PAYLOADS + 1; k++)
			buf_add(c, k < IKE_MAX_PAYLOADS ? "\x2b\x00\x00\x05\x01" : "\x00\x00\x00\x05\x01", 5);
		hex = malloc(c->len * 2 + 1);
		for (k = 0; k < c->len; k++)
			sprintf(hex + 2 * k, "%02x", c->data[k]);
		b = raw_msg(IKE_PL_VENDOR, hex);
		CHECK(ike_msg_parse(&m, b->data, b->len) == IKE_E_LIMIT, "%d vendor IDs: too many",
		      IKE_MAX_PAYLOADS + 1);
		buf_free(b);
		buf_free(c);
		free(hex);
	}

	/* 17. header: versions and lengths */
	b = raw_msg(0, "");
	b->data[17] = 0x10;
	CHECK(ike_msg_parse(&m, b->data, b->len) == IKE_E_VERSION, "IKEv1 header refused");
	b->data[17] = 0x30;
	CHECK(ike_msg_parse(&m, b->data, b->len) == IKE_E_VERSION, "major version 3 refused");
	b->data[17] = 0x21;
	CHECK(ike_msg_parse(&m, b->data, b->len) == IKE_OK, "minor version 1 accepted");
	b->data[27] = 29;
	CHECK(ike_msg_parse(&m, b->data, b->len) == IKE_E_LENGTH, "header length > datagram");
	b->data[27] = 27;
	CHECK(ike_msg_parse(&m, b->data, b->len) == IKE_E_LENGTH, "header length < 28");
	CHECK(ike_msg_parse(&m, b->data, 27) == IKE_E_SHORT, "27-byte datagram");
	buf_free(b);

	/* 18. parse_inner needs an SK payload */
	b = raw_msg(0, "");
	ike_msg_parse(&m, b->data, b->len);
	CHECK(ike_msg_parse_inner(&m, b->data, 0) == IKE_E_SYNTAX, "no SK, no inner chain");
	buf_free(b);
}

/* A payload of @type over @hex, for the typed decoders. */
static int decode(uint8_t type, const char *hex, void *out)
{
	struct buf *b = hexbuf(hex);
	struct ike_payload pl = { type, 0, false, false, 0, b->data, b->len };
	int err = IKE_E_SYNTAX;

	switch (type) {
	case IKE_PL_SA:		err = ike_parse_sa(&pl, out); break;
	case IKE_PL_KE:		err = ike_parse_ke(&pl, out); break;
	case IKE_PL_NONCE:	err = ike_parse_nonce(&pl, out); break;
	case IKE_PL_IDi:	err = ike_parse_id(&pl, out); break;
	case IKE_PL_AUTH:	err = ike_parse_auth(&pl, out); break;
	case IKE_PL_NOTIFY:	err = ike_parse_notify(&pl, out); break;
	case IKE_PL_DELETE:	err = ike_parse_delete(&pl, out); break;
	case IKE_PL_TSi:	err = ike_parse_ts(&pl, out); break;
	}
	buf_free(b);
	return err;
}

#define PROP_HDR(more, len, nxf)	"0" more "000" len "0101" "00" nxf
#define XF_AES256(more)			more "00000c01000014800e0100"
#define XF_ECP256			"0000000804000013"

/* 19-46. The typed decoders, table-driven. */
static void test_decoders(void)
{
	static const struct {
		const char *name;
		uint8_t type;
		const char *body;
		int err;
	} cases[] = {
		/* 19 */ { "SA: one proposal", IKE_PL_SA,
			   PROP_HDR("0", "01c", "02") XF_AES256("03") XF_ECP256, IKE_OK },
		/* 20 */ { "SA: last proposal marked more", IKE_PL_SA,
			   PROP_HDR("2", "01c", "02") XF_AES256("03") XF_ECP256, IKE_E_SYNTAX },
		/* 21 */ { "SA: more proposals promised", IKE_PL_SA,
			   PROP_HDR("2", "01c", "02") XF_AES256("03") XF_ECP256 "00", IKE_E_SHORT },
		/* 22 */ { "SA: 3 transforms counted, 2 there", IKE_PL_SA,
			   PROP_HDR("0", "01c", "03") XF_AES256("03") XF_ECP256, IKE_E_SYNTAX },
		/* 23 */ { "SA: 1 transform counted, 2 there", IKE_PL_SA,
			   PROP_HDR("0", "01c", "01") XF_AES256("03") XF_ECP256, IKE_E_SYNTAX },
		/* 24 */ { "SA: first transform marked last", IKE_PL_SA,
			   PROP_HDR("0", "01c", "02") XF_AES256("00") XF_ECP256, IKE_E_SYNTAX },
		/* 25 */ { "SA: TLV attribute runs out", IKE_PL_SA,
			   PROP_HDR("0", "014", "01") "0000000c01000014000e0010", IKE_E_SHORT },
		/* 26 */ { "SA: half an attribute", IKE_PL_SA,
			   PROP_HDR("0", "012", "01") "0000000a01000014800e", IKE_E_SHORT },
		/* 27 */ { "SA: unknown TV attribute kept", IKE_PL_SA,
			   PROP_HDR("0", "014", "01") "0000000c0100001480010001", IKE_OK },
		/* 28 */ { "SA: SPI size 9", IKE_PL_SA,
			   "00000011010109000102030405060708090000", IKE_E_SYNTAX },
		/* 29 */ { "SA: SPI past the proposal", IKE_PL_SA, "0000000803010400", IKE_E_SHORT },
		/* 30 */ { "SA: proposal length 7", IKE_PL_SA, "0000000701010000", IKE_E_SHORT },
		/* 31 */ { "SA: empty", IKE_PL_SA, "", IKE_E_SYNTAX },
		/* 32 */ { "SA: transform length 7", IKE_PL_SA,
			   PROP_HDR("0", "00f", "01") "00000007010000", IKE_E_SHORT },
		/* 33 */ { "KE: no data", IKE_PL_KE, "00130000", IKE_E_SHORT },
		/* 34 */ { "KE: one byte", IKE_PL_KE, "0013000001", IKE_OK },
		/* 35 */ { "Nonce: 15 bytes", IKE_PL_NONCE, "000102030405060708090a0b0c0d0e", IKE_E_SYNTAX },
		/* 36 */ { "Nonce: 16 bytes", IKE_PL_NONCE, NONCE16, IKE_OK },
		/* 37 */ { "ID: IPv4 with 5 bytes", IKE_PL_IDi, "01000000c000020101", IKE_E_SYNTAX },
		/* 38 */ { "ID: IPv4", IKE_PL_IDi, "01000000c0000201", IKE_OK },
		/* 39 */ { "ID: type only", IKE_PL_IDi, "02000000", IKE_E_SHORT },
		/* 40 */ { "AUTH: no data", IKE_PL_AUTH, "02000000", IKE_E_SHORT },
		/* 41 */ { "Notify: SPI past the end", IKE_PL_NOTIFY, "030840000102", IKE_E_SHORT },
		/* 42 */ { "Notify: ESP SPI + data", IKE_PL_NOTIFY, "0304000b01020304ff", IKE_OK },
		/* 43 */ { "Delete: ESP, 7 bytes for 2 SPIs", IKE_PL_DELETE, "0304000201020304050607",
			   IKE_E_SYNTAX },
		/* 44 */ { "Delete: IKE with an SPI size", IKE_PL_DELETE, "0104000101020304", IKE_E_SYNTAX },
		/* 45 */ { "Delete: IKE", IKE_PL_DELETE, "01000000", IKE_OK },
		/* 46 */ { "TS: none", IKE_PL_TSi, "00000000", IKE_E_SYNTAX },
		/* 47 */ { "TS: IPv4 range of IPv6 size", IKE_PL_TSi,
			   "01000000" "07000028" "0000ffff" "00000000000000000000000000000000"
			   "ffffffffffffffffffffffffffffffff",
			   IKE_E_SYNTAX },
		/* 48 */ { "TS: two counted, one there", IKE_PL_TSi,
			   "02000000070000100000ffff00000000ffffffff", IKE_E_SHORT },
		/* 49 */ { "TS: bytes after the last", IKE_PL_TSi,
			   "01000000070000100000ffff00000000ffffffff00", IKE_E_SYNTAX },
		/* 50 */ { "TS: unknown type kept", IKE_PL_TSi, "01000000090000080000ffff", IKE_OK },
	};
	union {
		struct ike_sa_payload sa;
		struct ike_ts_payload ts;
		struct ike_ke ke;
		struct chunk c;
		struct ike_id_payload id;
		struct ike_auth auth;
		struct ike_notify n;
		struct ike_delete d;
	} *out = malloc(sizeof(*out));
	size_t i;
	int err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = decode(cases[i].type, cases[i].body, out);
		CHECK(err == cases[i].err, "%s: %s", cases[i].name, ike_strerror(err));
	}
	decode(IKE_PL_SA, PROP_HDR("0", "014", "01") "0000000c0100001480010001", out);
	CHECK(out->sa.prop[0].xf[0].unknown_attr && out->sa.prop[0].xf[0].keylen == 0,
	      "SA: the unknown attribute marks the transform");
	decode(IKE_PL_SA, PROP_HDR("0", "01c", "02") XF_AES256("03") XF_ECP256, out);
	CHECK(out->sa.nprop == 1 && out->sa.prop[0].xf[0].keylen == 256 &&
	      out->sa.prop[0].xf[1].type == IKE_XF_DH && out->sa.prop[0].xf[1].id == 19,
	      "SA: AES-256, ECP-256");
	free(out);
}

/* 75-94. The first look (ike_hdr_check) and the answer to an orphan message. */
static void test_header_verdicts(void)
{
	static const struct {
		const char *name;
		uint8_t version, exchange, flags;
		int len_delta;		/* header length field minus datagram length */
		size_t cut;		/* datagram shorter than the header: bytes kept */
		enum ike_hdr_verdict want;
		uint16_t orphan;	/* ike_orphan_notify() when the verdict is OK */
	} cases[] = {
		/* 75 */ { "IKEv2 IKE_SA_INIT request", 0x20, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, 0,
			   IKE_HDR_OK, 0 },
		/* 76 */ { "minor version 2.1", 0x21, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, 0,
			   IKE_HDR_OK, 0 },
		/* 77 */ { "IKE_AUTH request: INVALID_IKE_SPI if orphan", 0x20, IKE_AUTH,
			   IKE_FLAG_INITIATOR, 0, 0, IKE_HDR_OK, IKE_N_INVALID_IKE_SPI },
		/* 78 */ { "CREATE_CHILD_SA request from the responder", 0x20, IKE_CREATE_CHILD_SA,
			   0, 0, 0, IKE_HDR_OK, IKE_N_INVALID_IKE_SPI },
		/* 79 */ { "INFORMATIONAL request", 0x20, IKE_INFORMATIONAL, IKE_FLAG_INITIATOR, 0, 0,
			   IKE_HDR_OK, IKE_N_INVALID_IKE_SPI },
		/* 80 */ { "INFORMATIONAL response: never answered", 0x20, IKE_INFORMATIONAL,
			   IKE_FLAG_RESPONSE, 0, 0, IKE_HDR_OK, 0 },
		/* 81 */ { "IKE_AUTH response: never answered", 0x20, IKE_AUTH,
			   IKE_FLAG_RESPONSE | IKE_FLAG_INITIATOR, 0, 0, IKE_HDR_OK, 0 },
		/* 82 */ { "unknown exchange 99 request: not ours to answer", 0x20, 99,
			   IKE_FLAG_INITIATOR, 0, 0, IKE_HDR_OK, 0 },
		/* 83 */ { "major 3 request: INVALID_MAJOR_VERSION", 0x30, IKE_SA_INIT,
			   IKE_FLAG_INITIATOR, 0, 0, IKE_HDR_BAD_VERSION, 0 },
		/* 84 */ { "major 15 INFORMATIONAL request", 0xf0, IKE_INFORMATIONAL, 0, 0, 0,
			   IKE_HDR_BAD_VERSION, 0 },
		/* 85 */ { "major 3 response: dropped", 0x30, IKE_SA_INIT, IKE_FLAG_RESPONSE, 0, 0,
			   IKE_HDR_DROP, 0 },
		/* 86 */ { "major 3, length lies: dropped", 0x30, IKE_SA_INIT, IKE_FLAG_INITIATOR, 4, 0,
			   IKE_HDR_DROP, 0 },
		/* 87 */ { "IKEv1 (major 1): dropped, never answered", 0x10, 2, 0, 0, 0,
			   IKE_HDR_DROP, 0 },
		/* 88 */ { "major 0: dropped", 0x00, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, 0,
			   IKE_HDR_DROP, 0 },
		/* 89 */ { "length field larger than the datagram", 0x20, IKE_AUTH,
			   IKE_FLAG_INITIATOR, 1, 0, IKE_HDR_DROP, 0 },
		/* 90 */ { "length field smaller than the datagram", 0x20, IKE_AUTH,
			   IKE_FLAG_INITIATOR, -1, 0, IKE_HDR_DROP, 0 },
		/* 91 */ { "length field 0xffffffff", 0x20, IKE_AUTH, IKE_FLAG_INITIATOR,
			   INT32_MAX, 0, IKE_HDR_DROP, 0 },
		/* 92 */ { "27 bytes: a header cut short", 0x20, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, 27,
			   IKE_HDR_DROP, 0 },
		/* 93 */ { "nothing at all", 0x20, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, 1,
			   IKE_HDR_DROP, 0 },
		/* 94 */ { "major 3 cut to 20 bytes", 0x30, IKE_SA_INIT, IKE_FLAG_INITIATOR, 0, 20,
			   IKE_HDR_DROP, 0 },
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf *b = raw_msg(IKE_PL_NONCE, "00000014" NONCE16), *copy;
		size_t len = cases[i].cut ? cases[i].cut - 1 : b->len;
		enum ike_hdr_verdict v;
		struct ike_header h;

		b->data[17] = cases[i].version;
		b->data[18] = cases[i].exchange;
		b->data[19] = cases[i].flags;
		put_u32(b->data + 24, cases[i].len_delta == INT32_MAX ? UINT32_MAX :
			(uint32_t)((long)b->len + cases[i].len_delta));
		copy = buf_from(b->data, len);	/* exact size: ASan sees an overread */
		v = ike_hdr_check(&h, copy->data, len);
		CHECK(v == cases[i].want &&
		      (v != IKE_HDR_OK || ike_orphan_notify(&h) == cases[i].orphan),
		      "%s: verdict %d, orphan answer %u", cases[i].name, v,
		      v == IKE_HDR_OK ? ike_orphan_notify(&h) : 0);
		buf_free(copy);
		buf_free(b);
	}
}

/* 95-110. Nested lengths and counts at their limits: no overflow, no overread. */
static void test_lying_lengths(void)
{
	static const struct {
		const char *name;
		uint8_t type;
		const char *body;
		int err;
	} cases[] = {
		/* 95 */ { "SA: proposal length 0xffff", IKE_PL_SA,
			   "0000ffff01010001" "0000000801000014", IKE_E_SHORT },
		/* 96 */ { "SA: transform length 0xffff", IKE_PL_SA,
			   PROP_HDR("0", "010", "01") "0000ffff01000014", IKE_E_SHORT },
		/* 97 */ { "SA: attribute length 0xffff", IKE_PL_SA,
			   PROP_HDR("0", "014", "01") "0000000c01000014000effff", IKE_E_SHORT },
		/* 98 */ { "SA: 255 transforms counted", IKE_PL_SA,
			   PROP_HDR("0", "010", "ff") "0000000801000014", IKE_E_LIMIT },
		/* 99 */ { "SA: transform count 0", IKE_PL_SA,
			   PROP_HDR("0", "010", "00") "0000000801000014", IKE_E_SYNTAX },
		/* 100 */ { "SA: SPI size 255", IKE_PL_SA, "0000000c0101ff0101020304", IKE_E_SYNTAX },
		/* 101 */ { "SA: proposal header only, 1 transform promised", IKE_PL_SA,
			   "0000000801010001", IKE_E_SHORT },
		/* 102 */ { "KE: group only, 0xffff", IKE_PL_KE, "ffff0000", IKE_E_SHORT },
		/* 103 */ { "Notify: SPI size 255", IKE_PL_NOTIFY, "03ff4000" "01020304", IKE_E_SHORT },
		/* 104 */ { "Notify: header only", IKE_PL_NOTIFY, "000040", IKE_E_SHORT },
		/* 105 */ { "Delete: 65535 ESP SPIs, 4 there", IKE_PL_DELETE, "0304ffff01020304",
			   IKE_E_SYNTAX },
		/* 106 */ { "Delete: SPI size 255 x 65535", IKE_PL_DELETE, "03ffffff01020304",
			   IKE_E_SYNTAX },
		/* 107 */ { "Delete: ESP with no SPI", IKE_PL_DELETE, "03040000", IKE_E_SYNTAX },
		/* 108 */ { "TS: 255 selectors counted", IKE_PL_TSi,
			   "ff000000070000100000ffff00000000ffffffff", IKE_E_LIMIT },
		/* 109 */ { "TS: selector length 0xffff", IKE_PL_TSi,
			   "0100000007000fff0000ffff00000000ffffffff", IKE_E_SHORT },
		/* 110 */ { "TS: selector length 7", IKE_PL_TSi,
			   "01000000070000070000ffff", IKE_E_SHORT },
	};
	union {
		struct ike_sa_payload sa;
		struct ike_ts_payload ts;
		struct ike_ke ke;
		struct ike_notify n;
		struct ike_delete d;
	} *out = malloc(sizeof(*out));
	size_t i;
	int err;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		err = decode(cases[i].type, cases[i].body, out);
		CHECK(err == cases[i].err, "%s: %s", cases[i].name, ike_strerror(err));
	}
	free(out);
}

/* 111-116. Generic payload headers that lie, in the outer and the inner chain. */
static void test_lying_chains(void)
{
	static const struct {
		const char *name;
		uint8_t first;
		const char *chain;
		int err;
	} cases[] = {
		/* 111 */ { "payload length 0", IKE_PL_NONCE, "00000000" NONCE16, IKE_E_SHORT },
		/* 112 */ { "payload length 0xffff", IKE_PL_NONCE, "0000ffff" NONCE16, IKE_E_SHORT },
		/* 113 */ { "unknown payload with length 0xffff", 200, "0000ffff", IKE_E_SHORT },
		/* 114 */ { "unknown critical payload, length 2", 200, "00800002", IKE_E_SHORT },
		/* 115 */ { "SK inside SK", IKE_PL_SK, "00000008aabbccdd", IKE_E_SYNTAX },
		/* 116 */ { "three bytes of a header", IKE_PL_NONCE, "000000", IKE_E_SHORT },
	};
	static const uint8_t outer_sk[] = {
		1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 9,
		IKE_PL_SK, IKEV2_VERSION, IKE_AUTH, IKE_FLAG_INITIATOR, 0, 0, 0, 1,
		0, 0, 0, IKE_HDR_LEN + IKE_GEN_HDR_LEN, 0, 0, 0, IKE_GEN_HDR_LEN,
	};
	struct ike_msg m;
	size_t i;
	int err, ierr;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		struct buf *b = raw_msg(cases[i].first, cases[i].chain);
		struct buf *chain = hexbuf(cases[i].chain);

		err = ike_msg_parse(&m, b->data, b->len);
		/* the same chain inside an SK payload */
		ike_msg_parse(&m, outer_sk, sizeof(outer_sk));
		m.pl[0].next = cases[i].first;
		ierr = ike_msg_parse_inner(&m, chain->data, chain->len);
		CHECK(ierr == cases[i].err &&
		      (err == cases[i].err || (cases[i].first == IKE_PL_SK && err == IKE_OK)),
		      "%s: outer %s, inner %s", cases[i].name, ike_strerror(err), ike_strerror(ierr));
		buf_free(chain);
		buf_free(b);
	}
}

/* Does [p, p + len) lie inside [base, base + size)? */
static bool inside(const uint8_t *p, size_t len, const uint8_t *base, size_t size)
{
	return p >= base && p <= base + size && len <= (size_t)(base + size - p);
}

/* Run every decoder on every payload; what they return must stay inside. */
static bool decode_all(const struct ike_msg *m, const uint8_t *base, size_t size,
		       const uint8_t *ibase, size_t isize, struct ike_sa_payload *sa)
{
	struct ike_ts_payload ts;
	struct ike_id_payload id;
	struct ike_notify n;
	struct ike_delete d;
	struct ike_auth a;
	struct ike_ke ke;
	struct chunk c;
	bool ok = true;
	size_t i;

	for (i = 0; i < m->npl; i++) {
		const struct ike_payload *pl = &m->pl[i];
		const uint8_t *b = pl->inner ? ibase : base;
		size_t s = pl->inner ? isize : size;

		ok &= inside(pl->body, pl->len, b, s);
		switch (pl->type) {
		case IKE_PL_SA:
			ike_parse_sa(pl, sa);
			break;
		case IKE_PL_KE:
			if (!ike_parse_ke(pl, &ke))
				ok &= inside(ke.data, ke.len, b, s);
			break;
		case IKE_PL_NONCE:
			if (!ike_parse_nonce(pl, &c))
				ok &= inside(c.p, c.len, b, s);
			break;
		case IKE_PL_IDi:
		case IKE_PL_IDr:
			if (!ike_parse_id(pl, &id))
				ok &= inside(id.data, id.len, b, s) && inside(id.body, id.body_len, b, s);
			break;
		case IKE_PL_AUTH:
			if (!ike_parse_auth(pl, &a))
				ok &= inside(a.data, a.len, b, s);
			break;
		case IKE_PL_NOTIFY:
			if (!ike_parse_notify(pl, &n))
				ok &= inside(n.spi, n.spi_size, b, s) && inside(n.data, n.len, b, s);
			break;
		case IKE_PL_DELETE:
			if (!ike_parse_delete(pl, &d))
				ok &= inside(d.spis, (size_t)d.nspi * d.spi_size, b, s);
			break;
		case IKE_PL_TSi:
		case IKE_PL_TSr:
			ike_parse_ts(pl, &ts);
			break;
		}
	}
	return ok;
}

/* 51-54. Every truncation of valid messages is refused, cleanly. */
static void test_truncations(void)
{
	struct buf *init = build_init(), *inner, *copy;
	struct ike_sa_payload *sa = malloc(sizeof(*sa));
	unsigned int refused = 0, refused2 = 0, refused3 = 0, tried = 0;
	struct ike_msg m;
	uint8_t first;
	size_t n, i;

	/* 51. the datagram cut short: the header length gives it away */
	for (n = 0; n < init->len; n++) {
		copy = buf_from(init->data, n);	/* exact size: ASan sees any overread */
		refused += ike_msg_parse(&m, copy->data, n) != IKE_OK;
		buf_free(copy);
	}
	CHECK(refused == init->len, "all %zu truncations of IKE_SA_INIT refused", init->len);

	/* 52. cut short with the header length patched to match: the chain gives it away */
	for (n = IKE_HDR_LEN; n < init->len; n++) {
		copy = buf_from(init->data, n);
		put_u32(copy->data + 24, (uint32_t)n);
		refused2 += ike_msg_parse(&m, copy->data, n) != IKE_OK;
		buf_free(copy);
	}
	CHECK(refused2 == init->len - IKE_HDR_LEN,
	      "all %zu truncations with a consistent header refused", init->len - IKE_HDR_LEN);

	/* 53. the decrypted chain of IKE_AUTH cut short */
	inner = build_auth_inner(&first);
	{
		struct buf *outer = raw_msg(IKE_PL_SK, "00000004");

		outer->data[IKE_HDR_LEN] = first;
		for (n = 0; n < inner->len; n++) {
			ike_msg_parse(&m, outer->data, outer->len);
			copy = buf_from(inner->data, n);
			refused3 += ike_msg_parse_inner(&m, copy->data, n) != IKE_OK;
			buf_free(copy);
		}
		buf_free(outer);
	}
	CHECK(refused3 == inner->len, "all %zu truncations of the IKE_AUTH chain refused",
	      inner->len);

	/* 54. every payload body cut short: SA and TS refuse it, none reads outside */
	ike_msg_parse(&m, init->data, init->len);
	refused = 0;
	for (i = 0; i < m.npl; i++) {
		for (n = 0; n < m.pl[i].len; n++) {
			struct ike_msg one = { .npl = 1 };

			copy = buf_from(m.pl[i].body, n);
			one.pl[0] = m.pl[i];
			one.pl[0].body = copy->data;
			one.pl[0].len = n;
			if (!decode_all(&one, copy->data, n, NULL, 0, sa))
				refused++;
			if (m.pl[i].type == IKE_PL_SA) {
				tried++;
				refused2 = ike_parse_sa(&one.pl[0], sa);
				if (refused2 == IKE_OK)
					refused++;
			}
			buf_free(copy);
		}
	}
	CHECK(refused == 0 && tried == m.pl[0].len,
	      "payload bodies cut short: SA refuses all %u, nothing reads outside", tried);
	buf_free(init);
	buf_free(inner);
	free(sa);
}

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static void mutate(struct buf *b)
{
	static const uint8_t interesting[] = { 0, 1, 2, 3, 4, 7, 8, 0x7f, 0x80, 0xfe, 0xff };
	unsigned int k, n = 1 + rnd() % 6;
	size_t pos;

	for (k = 0; k < n && b->len; k++) {
		pos = rnd() % b->len;
		switch (rnd() % 5) {
		case 0:
			b->data[pos] ^= (uint8_t)(1 << (rnd() % 8));
			break;
		case 1:
			b->data[pos] = interesting[rnd() % sizeof(interesting)];
			break;
		case 2:
			b->data[pos] = (uint8_t)rnd();
			break;
		case 3:
			buf_truncate(b, pos);
			break;
		case 4:	/* duplicate a slice: lengths and contents shift */
			if (b->len < 4000) {
				size_t len = 1 + rnd() % 16;

				if (len > b->len - pos)
					len = b->len - pos;
				buf_reserve(b, len);
				memmove(b->data + pos + len, b->data + pos, b->len - pos);
				b->len += len;
			}
			break;
		}
	}
}

/* 55-56. Seeded random mutations of both corpora under the sanitizers. */
static void test_mutations(void)
{
	const char *seed_env = getenv("KEYER_FUZZ_SEED"), *iter_env = getenv("KEYER_FUZZ_ITER");
	unsigned long iters = iter_env ? strtoul(iter_env, NULL, 0) : 100000;
	struct buf *corpus[2], *inner, *outer = raw_msg(IKE_PL_SK, "00000004");
	struct ike_sa_payload *sa = malloc(sizeof(*sa));
	unsigned long i, accepted = 0, bad = 0, inner_ok = 0;
	struct ike_msg m;
	uint8_t first;

	rng_state = seed_env ? strtoull(seed_env, NULL, 0) : 0x6b767469ULL;	/* "kvti" */
	printf("# mutation seed 0x%llx, %lu iterations each\n",
	       (unsigned long long)rng_state, iters);
	corpus[0] = build_init();
	corpus[1] = raw_msg(IKE_PL_NOTIFY, "2a00000c030440000102030400000008" "03040001" "01020304");
	inner = build_auth_inner(&first);
	outer->data[IKE_HDR_LEN] = first;

	for (i = 0; i < iters; i++) {
		struct buf *b = buf_dup(corpus[i % 2]), *exact;

		mutate(b);
		if (b->len >= IKE_HDR_LEN && rnd() % 2)	/* reach past the header check */
			put_u32(b->data + 24, (uint32_t)b->len);
		exact = buf_from(b->data, b->len);
		if (ike_msg_parse(&m, exact->data, exact->len) == IKE_OK) {
			accepted++;
			if (!decode_all(&m, exact->data, exact->len, NULL, 0, sa))
				bad++;
		}
		buf_free(exact);
		buf_free(b);
	}
	CHECK(bad == 0, "%lu mutated messages: %lu accepted, all payloads inside the datagram",
	      iters, accepted);

	for (i = 0; i < iters; i++) {
		struct buf *b = buf_dup(inner), *exact;

		mutate(b);
		exact = buf_from(b->data, b->len);
		ike_msg_parse(&m, outer->data, outer->len);
		if (ike_msg_parse_inner(&m, exact->data, exact->len) == IKE_OK) {
			inner_ok++;
			if (!decode_all(&m, outer->data, outer->len, exact->data, exact->len, sa))
				bad++;
		}
		buf_free(exact);
		buf_free(b);
	}
	CHECK(bad == 0, "%lu mutated IKE_AUTH chains: %lu accepted, all payloads inside",
	      iters, inner_ok);
	buf_free(corpus[0]);
	buf_free(corpus[1]);
	buf_free(inner);
	buf_free(outer);
	free(sa);
}

int main(void)
{
	test_build_parse();
	test_malformed_messages();
	test_decoders();
	test_header_verdicts();
	test_lying_lengths();
	test_lying_chains();
	test_truncations();
	test_mutations();
	return tap_done();
}
