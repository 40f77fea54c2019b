/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - IKEv2 message parser and builder (RFC 7296 section 3).
 *
 * Parsing is in two steps.  ike_msg_parse() proves the header and the
 * generic payload chain (every length inside the datagram, the SK payload
 * last and running to the end) and records each payload as a pointer and a
 * length into the caller's buffer; nothing is copied, so the buffer must
 * outlive the struct ike_msg.  After the SK payload is decrypted
 * (crypto.h), ike_msg_parse_inner() adds the inner chain the same way.
 * The typed decoders (ike_parse_sa() ...) then prove the inside of one
 * payload when the state machine needs it.  Every function here reads only
 * inside [buf, buf + len) for any input; tests/test_payload.c checks that
 * under ASan with every truncation and random mutations.
 *
 * Building appends to a struct buf and patches the next-payload and length
 * fields as payloads are added; see struct ike_builder.
 */
#ifndef KEYER_PAYLOAD_H
#define KEYER_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "ikev2.h"

/* How much of a message we keep; beyond these a message is refused. */
enum ike_limits {
	IKE_MAX_PAYLOADS	= 64,	/* outer and inner together */
	IKE_MAX_PROPOSALS	= 32,
	IKE_MAX_TRANSFORMS	= 64,	/* per proposal; strongSwan's defaults send ~40 */
	IKE_MAX_TS		= 16,	/* per TS payload */
	IKE_MAX_SPI_SIZE	= 8,
};

/* Parser results; the comment says what the caller should do. */
enum ike_parse_err {
	IKE_OK = 0,
	IKE_E_SHORT	= -1,	/* a header or length runs past the data: drop */
	IKE_E_LENGTH	= -2,	/* IKE header length != datagram, trailing bytes: drop */
	IKE_E_VERSION	= -3,	/* major version != 2: INVALID_MAJOR_VERSION if > 2 */
	IKE_E_SYNTAX	= -4,	/* structurally invalid: INVALID_SYNTAX or drop */
	IKE_E_LIMIT	= -5,	/* more than we keep (enum ike_limits): drop */
};

/* ike_hdr_check(): what a datagram's header says to do with it. */
enum ike_hdr_verdict {
	IKE_HDR_OK,		/* IKEv2, lengths agree: look up its IKE SA */
	IKE_HDR_DROP,		/* drop and count */
	IKE_HDR_BAD_VERSION,	/* a later major version's request: INVALID_MAJOR_VERSION */
};

struct ike_header {
	uint64_t	ispi;
	uint64_t	rspi;
	uint8_t		next;		/* first payload */
	uint8_t		version;	/* major << 4 | minor */
	uint8_t		exchange;	/* enum ike_exchange_type */
	uint8_t		flags;		/* enum ike_hdr_flags */
	uint32_t	msgid;
	uint32_t	length;
};

/* One payload of a parsed message: its generic header and its body. */
struct ike_payload {
	uint8_t		 type;
	uint8_t		 next;		/* as received; for SK the first inner type */
	bool		 critical;
	bool		 inner;		/* decrypted from the SK payload */
	size_t		 offset;	/* of the generic header, in its buffer */
	const uint8_t	*body;		/* after the 4-byte generic header */
	size_t		 len;		/* body length */
};

struct ike_msg {
	struct ike_header	hdr;
	const uint8_t		*raw;	/* the whole datagram */
	size_t			 raw_len;
	struct ike_payload	 pl[IKE_MAX_PAYLOADS];	/* known types, in order */
	size_t			 npl;
	const struct ike_payload *sk;	/* the SK payload, if any (the last outer) */
	uint8_t			 unsupported_critical;	/* first unknown type with C set */
	unsigned int		 skipped;	/* unknown non-critical payloads */
};

/* Typed views of single payloads; pointers point into the message. */
struct ike_transform {
	uint8_t		type;		/* enum ike_xf_type */
	uint16_t	id;
	uint16_t	keylen;		/* bits, 0 = no KEY_LENGTH attribute */
	bool		unknown_attr;	/* an attribute we do not understand: 3.3.6 */
};

struct ike_proposal {
	uint8_t			num;	/* 1.. as numbered by the sender */
	uint8_t			proto;	/* enum ike_protocol */
	uint8_t			spi_size;
	uint8_t			spi[IKE_MAX_SPI_SIZE];
	uint8_t			nxf;
	struct ike_transform	xf[IKE_MAX_TRANSFORMS];
};

struct ike_sa_payload {
	size_t			nprop;
	struct ike_proposal	prop[IKE_MAX_PROPOSALS];
};

struct ike_ke {
	uint16_t	 group;
	const uint8_t	*data;
	size_t		 len;
};

struct ike_id_payload {
	uint8_t		 type;		/* enum ike_id_type */
	const uint8_t	*data;
	size_t		 len;
	const uint8_t	*body;		/* RestOfIDPayload, what AUTH signs (2.15) */
	size_t		 body_len;
};

struct ike_auth {
	uint8_t		 method;	/* enum ike_auth_method */
	const uint8_t	*data;
	size_t		 len;
};

struct ike_notify {
	uint8_t		 proto;
	uint8_t		 spi_size;
	uint16_t	 type;		/* enum ike_notify_type */
	const uint8_t	*spi;
	const uint8_t	*data;
	size_t		 len;
};

struct ike_delete {
	uint8_t		 proto;
	uint8_t		 spi_size;	/* 0 for IKE, 4 for ESP */
	uint16_t	 nspi;
	const uint8_t	*spis;		/* nspi * spi_size bytes */
};

struct ike_ts {
	uint8_t		type;		/* enum ike_ts_type; others kept with alen 0 */
	uint8_t		ipproto;	/* 0 = any */
	uint16_t	sport, eport;
	uint8_t		alen;		/* 4 or 16 */
	uint8_t		start[16], end[16];
};

struct ike_ts_payload {
	size_t		nts;
	struct ike_ts	ts[IKE_MAX_TS];
};

/*
 * The builder.  ike_build_msg() writes an IKE header; ike_build_chain()
 * starts a bare chain (the plaintext of an SK payload), whose first type
 * ends up in ->first.  Each ike_add_*() writes one payload, patches the
 * previous payload's next-payload byte and its own length.  ike_add_sk()
 * opens the SK payload last: crypto_sk_protect() fills and closes it.
 * ike_build_done() writes the message length; check it for failure.
 */
struct ike_builder {
	struct buf	*b;
	size_t		 base;		/* offset of the IKE header or chain start */
	size_t		 prev_next;	/* next-payload byte to patch; SIZE_MAX = none yet */
	size_t		 last;		/* generic header of the last payload */
	uint8_t		 first;		/* first payload type */
	bool		 header;	/* base holds an IKE header */
	bool		 sealed;	/* an SK payload was opened: no more payloads */
	bool		 failed;
};

/* payload.c: parsing */
int ike_hdr_parse(struct ike_header *hdr, const uint8_t *buf, size_t len);
enum ike_hdr_verdict ike_hdr_check(struct ike_header *hdr, const uint8_t *buf, size_t len);
uint16_t ike_orphan_notify(const struct ike_header *hdr);
int ike_msg_parse(struct ike_msg *msg, const uint8_t *buf, size_t len);
int ike_msg_parse_inner(struct ike_msg *msg, const uint8_t *plain, size_t len);
const struct ike_payload *ike_msg_find(const struct ike_msg *msg, uint8_t type,
				       const struct ike_payload *after);
const struct ike_payload *ike_msg_find_notify(const struct ike_msg *msg,
					      uint16_t type, struct ike_notify *n);
size_t ike_msg_count(const struct ike_msg *msg, uint8_t type);
bool ike_payload_known(uint8_t type);
int ike_parse_sa(const struct ike_payload *pl, struct ike_sa_payload *sa);
int ike_parse_ke(const struct ike_payload *pl, struct ike_ke *ke);
int ike_parse_nonce(const struct ike_payload *pl, struct chunk *nonce);
int ike_parse_id(const struct ike_payload *pl, struct ike_id_payload *id);
int ike_parse_auth(const struct ike_payload *pl, struct ike_auth *auth);
int ike_parse_notify(const struct ike_payload *pl, struct ike_notify *n);
int ike_parse_delete(const struct ike_payload *pl, struct ike_delete *d);
int ike_parse_ts(const struct ike_payload *pl, struct ike_ts_payload *ts);
const char *ike_strerror(int err);

/* payload.c: building */
void ike_build_msg(struct ike_builder *bld, struct buf *b, const struct ike_header *hdr);
void ike_build_chain(struct ike_builder *bld, struct buf *b);
int ike_build_done(struct ike_builder *bld);
size_t ike_add_payload(struct ike_builder *bld, uint8_t type, bool critical,
		       const void *body, size_t len);
void ike_add_sa(struct ike_builder *bld, const struct ike_proposal *props, size_t n);
void ike_add_ke(struct ike_builder *bld, uint16_t group, const uint8_t *data, size_t len);
void ike_add_nonce(struct ike_builder *bld, const uint8_t *nonce, size_t len);
void ike_add_id(struct ike_builder *bld, uint8_t pltype, uint8_t idtype,
		const uint8_t *data, size_t len);
void ike_add_auth(struct ike_builder *bld, uint8_t method, const uint8_t *data, size_t len);
void ike_add_notify(struct ike_builder *bld, uint8_t proto, const uint8_t *spi,
		    uint8_t spi_size, uint16_t type, const uint8_t *data, size_t len);
void ike_add_delete(struct ike_builder *bld, uint8_t proto, uint8_t spi_size,
		    const uint8_t *spis, uint16_t nspi);
void ike_add_ts(struct ike_builder *bld, uint8_t pltype, const struct ike_ts *ts, size_t n);
void ike_add_vendor(struct ike_builder *bld, const uint8_t *vid, size_t len);
size_t ike_add_sk(struct ike_builder *bld, uint8_t inner_first);

#endif /* KEYER_PAYLOAD_H */
