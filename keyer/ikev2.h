/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - IKEv2 protocol constants: RFC 7296 and the IANA "Internet
 * Key Exchange Version 2 (IKEv2) Parameters" registry.  Only numbers live
 * here; the structures that carry them are in payload.h.  All multi-byte
 * fields are big-endian on the wire.
 */
#ifndef KEYER_IKEV2_H
#define KEYER_IKEV2_H

#define IKEV2_VERSION		0x20	/* major 2, minor 0 */
#define IKEV2_MAJOR(v)		((v) >> 4)
#define IKEV2_KEYPAD		"Key Pad for IKEv2"	/* RFC 7296 2.15 */
#define IKEV2_KEYPAD_LEN	17

#define IKE_PORT		500
#define IKE_NATT_PORT		4500
#define IKE_NON_ESP_MARKER_LEN	4	/* RFC 3948: 4 zero bytes before IKE on 4500 */

/* Fixed sizes of the wire headers. */
enum ike_sizes {
	IKE_HDR_LEN		= 28,	/* SPIi, SPIr, next, ver, exch, flags, msgid, len */
	IKE_GEN_HDR_LEN		= 4,	/* next payload, C|reserved, length */
	IKE_PROP_HDR_LEN	= 8,	/* last/more, rsvd, len, num, proto, spi size, #xf */
	IKE_XF_HDR_LEN		= 8,	/* last/more, rsvd, len, type, rsvd, id */
	IKE_ATTR_HDR_LEN	= 4,
	IKE_TS_HDR_LEN		= 8,	/* type, proto, len, start port, end port */
	IKE_NONCE_MIN		= 16,	/* RFC 7296 2.10: at least 128 bits */
	IKE_NONCE_MAX		= 256,	/* ... and at most 2048 bits */
	IKE_MSG_MIN_RECEIVE	= 1280,	/* 2: every implementation accepts this */
};

/* Exchange types (header byte 18). */
enum ike_exchange_type {
	IKE_SA_INIT		= 34,
	IKE_AUTH		= 35,
	IKE_CREATE_CHILD_SA	= 36,
	IKE_INFORMATIONAL	= 37,
	IKE_SESSION_RESUME	= 38,	/* RFC 5723 */
	IKE_INTERMEDIATE	= 43,	/* RFC 9242 */
};

/* Header flags (byte 19). */
enum ike_hdr_flags {
	IKE_FLAG_INITIATOR	= 0x08,	/* sent by the original initiator of the IKE SA */
	IKE_FLAG_VERSION	= 0x10,	/* sender speaks a higher major version */
	IKE_FLAG_RESPONSE	= 0x20,
};

/* Payload types (next-payload field). */
enum ike_payload_type {
	IKE_PL_NONE	= 0,
	IKE_PL_SA	= 33,
	IKE_PL_KE	= 34,
	IKE_PL_IDi	= 35,
	IKE_PL_IDr	= 36,
	IKE_PL_CERT	= 37,
	IKE_PL_CERTREQ	= 38,
	IKE_PL_AUTH	= 39,
	IKE_PL_NONCE	= 40,
	IKE_PL_NOTIFY	= 41,
	IKE_PL_DELETE	= 42,
	IKE_PL_VENDOR	= 43,
	IKE_PL_TSi	= 44,
	IKE_PL_TSr	= 45,
	IKE_PL_SK	= 46,
	IKE_PL_CP	= 47,
	IKE_PL_EAP	= 48,
	IKE_PL_GSPM	= 49,	/* RFC 6467 */
	IKE_PL_SKF	= 53,	/* RFC 7383 encrypted fragment */
};
#define IKE_PL_CRITICAL		0x80	/* the C bit, first bit after next-payload */

/* Protocol IDs (proposals, notify, delete). */
enum ike_protocol {
	IKE_PROTO_NONE	= 0,
	IKE_PROTO_IKE	= 1,
	IKE_PROTO_AH	= 2,
	IKE_PROTO_ESP	= 3,
};

/* Proposal and transform substructure "last" markers (3.3.1, 3.3.2). */
#define IKE_PROP_LAST		0
#define IKE_PROP_MORE		2
#define IKE_XF_LAST		0
#define IKE_XF_MORE		3

/* Transform types (3.3.2). */
enum ike_xf_type {
	IKE_XF_ENCR	= 1,
	IKE_XF_PRF	= 2,
	IKE_XF_INTEG	= 3,
	IKE_XF_DH	= 4,	/* "Key Exchange Method" since RFC 9370 */
	IKE_XF_ESN	= 5,
	IKE_XF_TYPES	= 6,	/* one past the last type we know */
};

/* Transform type 1: encryption algorithms. */
enum ike_encr {
	IKE_ENCR_DES_IV64	= 1,
	IKE_ENCR_DES		= 2,
	IKE_ENCR_3DES		= 3,
	IKE_ENCR_NULL		= 11,	/* ESP only (RFC 2410) */
	IKE_ENCR_AES_CBC	= 12,
	IKE_ENCR_AES_CTR	= 13,
	IKE_ENCR_AES_CCM_8	= 14,
	IKE_ENCR_AES_CCM_12	= 15,
	IKE_ENCR_AES_CCM_16	= 16,
	IKE_ENCR_AES_GCM_8	= 18,
	IKE_ENCR_AES_GCM_12	= 19,
	IKE_ENCR_AES_GCM_16	= 20,
	IKE_ENCR_NULL_AES_GMAC	= 21,	/* ESP only (RFC 4543) */
	IKE_ENCR_CAMELLIA_CBC	= 23,
	IKE_ENCR_CHACHA20_POLY1305 = 28,	/* RFC 7634 */
};

/* Transform type 2: pseudo-random functions. */
enum ike_prf {
	IKE_PRF_HMAC_MD5	= 1,
	IKE_PRF_HMAC_SHA1	= 2,
	IKE_PRF_AES128_XCBC	= 4,
	IKE_PRF_HMAC_SHA2_256	= 5,
	IKE_PRF_HMAC_SHA2_384	= 6,
	IKE_PRF_HMAC_SHA2_512	= 7,
	IKE_PRF_AES128_CMAC	= 8,
};

/* Transform type 3: integrity algorithms. */
enum ike_integ {
	IKE_INTEG_NONE			= 0,
	IKE_INTEG_HMAC_MD5_96		= 1,
	IKE_INTEG_HMAC_SHA1_96		= 2,
	IKE_INTEG_AES_XCBC_96		= 5,
	IKE_INTEG_AES_CMAC_96		= 8,
	IKE_INTEG_HMAC_SHA2_256_128	= 12,
	IKE_INTEG_HMAC_SHA2_384_192	= 13,
	IKE_INTEG_HMAC_SHA2_512_256	= 14,
};

/* Transform type 4: Diffie-Hellman groups. */
enum ike_dh {
	IKE_DH_NONE	= 0,
	IKE_DH_MODP768	= 1,
	IKE_DH_MODP1024	= 2,
	IKE_DH_MODP1536	= 5,
	IKE_DH_MODP2048	= 14,	/* RFC 3526 */
	IKE_DH_MODP3072	= 15,
	IKE_DH_MODP4096	= 16,
	IKE_DH_MODP6144	= 17,
	IKE_DH_MODP8192	= 18,
	IKE_DH_ECP256	= 19,	/* RFC 5903 */
	IKE_DH_ECP384	= 20,
	IKE_DH_ECP521	= 21,
	IKE_DH_CURVE25519 = 31,	/* RFC 8031 */
	IKE_DH_CURVE448	= 32,
};

/* Transform type 5: extended sequence numbers. */
enum ike_esn {
	IKE_ESN_NO	= 0,
	IKE_ESN_YES	= 1,
};

/* Transform attributes (3.3.5). */
#define IKE_ATTR_TV		0x8000	/* AF bit: 2-byte value follows the type */
#define IKE_ATTR_KEY_LENGTH	14	/* bits, always TV */

/* Identification types (3.5). */
enum ike_id_type {
	IKE_ID_ANY		= 0,	/* ours: matches anything; never on the wire */
	IKE_ID_IPV4_ADDR	= 1,
	IKE_ID_FQDN		= 2,
	IKE_ID_RFC822_ADDR	= 3,	/* "USER_FQDN": user@example.net */
	IKE_ID_IPV6_ADDR	= 5,
	IKE_ID_DER_ASN1_DN	= 9,
	IKE_ID_DER_ASN1_GN	= 10,
	IKE_ID_KEY_ID		= 11,
	IKE_ID_NULL		= 13,	/* RFC 7619 */
};

/* Authentication methods (3.8). */
enum ike_auth_method {
	IKE_AUTH_RSA_SIG	= 1,
	IKE_AUTH_SHARED_KEY_MIC	= 2,
	IKE_AUTH_DSS_SIG	= 3,
	IKE_AUTH_ECDSA_256	= 9,
	IKE_AUTH_ECDSA_384	= 10,
	IKE_AUTH_ECDSA_521	= 11,
	IKE_AUTH_NULL		= 13,	/* RFC 7619 */
	IKE_AUTH_DIGITAL_SIG	= 14,	/* RFC 7427 */
};

/* Traffic selector types (3.13.1). */
enum ike_ts_type {
	IKE_TS_IPV4_ADDR_RANGE	= 7,
	IKE_TS_IPV6_ADDR_RANGE	= 8,
};

/* Configuration payload types (3.15); we skip CP, but name what we skip. */
enum ike_cfg_type {
	IKE_CFG_REQUEST	= 1,
	IKE_CFG_REPLY	= 2,
	IKE_CFG_SET	= 3,
	IKE_CFG_ACK	= 4,
};

/*
 * Notify message types (3.10.1).  Below 16384 are errors: a request that
 * carries one failed; above are status notifications.
 */
enum ike_notify_type {
	IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD	= 1,
	IKE_N_INVALID_IKE_SPI			= 4,
	IKE_N_INVALID_MAJOR_VERSION		= 5,
	IKE_N_INVALID_SYNTAX			= 7,
	IKE_N_INVALID_MESSAGE_ID		= 9,
	IKE_N_INVALID_SPI			= 11,
	IKE_N_NO_PROPOSAL_CHOSEN		= 14,
	IKE_N_INVALID_KE_PAYLOAD		= 17,
	IKE_N_AUTHENTICATION_FAILED		= 24,
	IKE_N_SINGLE_PAIR_REQUIRED		= 34,
	IKE_N_NO_ADDITIONAL_SAS			= 35,
	IKE_N_INTERNAL_ADDRESS_FAILURE		= 36,
	IKE_N_FAILED_CP_REQUIRED		= 37,
	IKE_N_TS_UNACCEPTABLE			= 38,
	IKE_N_INVALID_SELECTORS			= 39,
	IKE_N_UNACCEPTABLE_ADDRESSES		= 40,
	IKE_N_UNEXPECTED_NAT_DETECTED		= 41,
	IKE_N_USE_ASSIGNED_HoA			= 42,
	IKE_N_TEMPORARY_FAILURE			= 43,
	IKE_N_CHILD_SA_NOT_FOUND		= 44,
	IKE_N_INVALID_GROUP_ID			= 45,
	IKE_N_AUTHORIZATION_FAILED		= 46,
	IKE_N_STATE_NOT_FOUND			= 47,
	IKE_N_ERROR_MAX				= 16383,

	IKE_N_INITIAL_CONTACT			= 16384,
	IKE_N_SET_WINDOW_SIZE			= 16385,
	IKE_N_ADDITIONAL_TS_POSSIBLE		= 16386,
	IKE_N_IPCOMP_SUPPORTED			= 16387,
	IKE_N_NAT_DETECTION_SOURCE_IP		= 16388,
	IKE_N_NAT_DETECTION_DESTINATION_IP	= 16389,
	IKE_N_COOKIE				= 16390,
	IKE_N_USE_TRANSPORT_MODE		= 16391,
	IKE_N_HTTP_CERT_LOOKUP_SUPPORTED	= 16392,
	IKE_N_REKEY_SA				= 16393,
	IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED	= 16394,
	IKE_N_NON_FIRST_FRAGMENTS_ALSO		= 16395,
	IKE_N_MOBIKE_SUPPORTED			= 16396,
	IKE_N_MULTIPLE_AUTH_SUPPORTED		= 16404,
	IKE_N_REDIRECT_SUPPORTED		= 16406,
	IKE_N_CHILDLESS_IKEV2_SUPPORTED		= 16418,
	IKE_N_IKEV2_FRAGMENTATION_SUPPORTED	= 16430,	/* RFC 7383 */
	IKE_N_SIGNATURE_HASH_ALGORITHMS		= 16431,	/* RFC 7427 */
};

#define IKE_NATD_HASH_LEN	20	/* SHA-1(SPIi | SPIr | IP | port), 2.23 */
#define IKE_COOKIE_MAX		64	/* 2.6: 1..64 bytes of cookie data */

#endif /* KEYER_IKEV2_H */
