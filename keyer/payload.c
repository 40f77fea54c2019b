// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - IKEv2 message parser and builder (payload.h).
 *
 * The rule for every parser below: a length or count is compared with the
 * bytes that remain before anything it describes is read, and "remaining"
 * is always an unsigned subtraction of a smaller number from a larger one.
 */
#include <string.h>

#include "payload.h"

/* Types defined by RFC 7296: the C bit is ignored for these (2.5). */
bool ike_payload_known(uint8_t type)
{
	return type >= IKE_PL_SA && type <= IKE_PL_EAP;
}

int ike_hdr_parse(struct ike_header *hdr, const uint8_t *p, size_t len)
{
	if (len < IKE_HDR_LEN)
		return IKE_E_SHORT;
	hdr->ispi = get_u64(p);
	hdr->rspi = get_u64(p + 8);
	hdr->next = p[16];
	hdr->version = p[17];
	hdr->exchange = p[18];
	hdr->flags = p[19];
	hdr->msgid = get_u32(p + 20);
	hdr->length = get_u32(p + 24);
	if (IKEV2_MAJOR(hdr->version) != 2)
		return IKE_E_VERSION;
	if (hdr->length < IKE_HDR_LEN)
		return IKE_E_LENGTH;
	return IKE_OK;
}

/*
 * The first look at a datagram, before any IKE SA is looked up (msg_recv()).
 * Only a request of a later major version earns an answer (2.5, 3.1:
 * INVALID_MAJOR_VERSION, our version in its header); IKEv1 and anything
 * marked as a response are dropped without one, so that two nodes can never
 * answer each other's answers.  The header layout is the same in every
 * version, so its length field must still match the datagram.
 */
enum ike_hdr_verdict ike_hdr_check(struct ike_header *hdr, const uint8_t *p, size_t len)
{
	int err = ike_hdr_parse(hdr, p, len);

	if (err == IKE_E_VERSION && IKEV2_MAJOR(hdr->version) > 2 &&
	    !(hdr->flags & IKE_FLAG_RESPONSE) && hdr->length == len)
		return IKE_HDR_BAD_VERSION;
	if (err || hdr->length != len)
		return IKE_HDR_DROP;
	return IKE_HDR_OK;
}

/*
 * The unprotected notify that answers an IKEv2 message no IKE SA of ours
 * claims (1.5, 2.21.4), or 0 for none.  Only a request that would have
 * been encrypted gets INVALID_IKE_SPI: an IKE_SA_INIT request either
 * starts an SA or is refused by init.c, and a response is never answered.
 */
uint16_t ike_orphan_notify(const struct ike_header *hdr)
{
	if (hdr->flags & IKE_FLAG_RESPONSE)
		return 0;
	switch (hdr->exchange) {
	case IKE_AUTH:
	case IKE_CREATE_CHILD_SA:
	case IKE_INFORMATIONAL:
		return IKE_N_INVALID_IKE_SPI;
	}
	return 0;
}

/*
 * Walk one payload chain of @len bytes at @p, starting with type @type.
 * @base is the offset of @p in the buffer it belongs to (for ->offset).
 * An SK payload ends the outer chain and must run to its end; inside SK
 * another SK is a syntax error.
 */
static int parse_chain(struct ike_msg *msg, uint8_t type, const uint8_t *p,
		       size_t len, size_t base, bool inner)
{
	size_t off = 0, plen;
	struct ike_payload *pl;
	uint8_t next;
	bool crit;

	while (type != IKE_PL_NONE) {
		if (len - off < IKE_GEN_HDR_LEN)
			return IKE_E_SHORT;
		next = p[off];
		crit = p[off + 1] & IKE_PL_CRITICAL;
		plen = get_u16(p + off + 2);
		if (plen < IKE_GEN_HDR_LEN || plen > len - off)
			return IKE_E_SHORT;

		if (!ike_payload_known(type)) {
			/* 2.5: skip it, unless its sender said we must not. */
			if (crit && !msg->unsupported_critical)
				msg->unsupported_critical = type;
			msg->skipped++;
		} else {
			if (type == IKE_PL_SK && (inner || plen != len - off))
				return IKE_E_SYNTAX;
			if (msg->npl >= IKE_MAX_PAYLOADS)
				return IKE_E_LIMIT;
			pl = &msg->pl[msg->npl++];
			pl->type = type;
			pl->next = next;
			pl->critical = crit;
			pl->inner = inner;
			pl->offset = base + off;
			pl->body = p + off + IKE_GEN_HDR_LEN;
			pl->len = plen - IKE_GEN_HDR_LEN;
			if (type == IKE_PL_SK) {
				msg->sk = pl;
				return IKE_OK;	/* next names the first inner payload */
			}
		}
		off += plen;
		type = next;
	}
	return off == len ? IKE_OK : IKE_E_LENGTH;
}

int ike_msg_parse(struct ike_msg *msg, const uint8_t *buf, size_t len)
{
	int err;

	memset(msg, 0, offsetof(struct ike_msg, pl));
	msg->npl = 0;
	msg->sk = NULL;
	msg->unsupported_critical = 0;
	msg->skipped = 0;
	err = ike_hdr_parse(&msg->hdr, buf, len);
	if (err)
		return err;
	if (msg->hdr.length != len)
		return IKE_E_LENGTH;
	msg->raw = buf;
	msg->raw_len = len;
	return parse_chain(msg, msg->hdr.next, buf + IKE_HDR_LEN,
			   len - IKE_HDR_LEN, IKE_HDR_LEN, false);
}

/* Add the decrypted chain of msg->sk (padding already removed). */
int ike_msg_parse_inner(struct ike_msg *msg, const uint8_t *plain, size_t len)
{
	if (!msg->sk)
		return IKE_E_SYNTAX;
	return parse_chain(msg, msg->sk->next, plain, len, 0, true);
}

const struct ike_payload *ike_msg_find(const struct ike_msg *msg, uint8_t type,
				       const struct ike_payload *after)
{
	size_t i = after ? (size_t)(after - msg->pl) + 1 : 0;

	for (; i < msg->npl; i++)
		if (msg->pl[i].type == type)
			return &msg->pl[i];
	return NULL;
}

/* The first well-formed notify of @type, decoded into @n. */
const struct ike_payload *ike_msg_find_notify(const struct ike_msg *msg,
					      uint16_t type, struct ike_notify *n)
{
	const struct ike_payload *pl = NULL;

	while ((pl = ike_msg_find(msg, IKE_PL_NOTIFY, pl)))
		if (!ike_parse_notify(pl, n) && n->type == type)
			return pl;
	return NULL;
}

size_t ike_msg_count(const struct ike_msg *msg, uint8_t type)
{
	size_t i, n = 0;

	for (i = 0; i < msg->npl; i++)
		n += msg->pl[i].type == type;
	return n;
}

/* Transform attributes (3.3.5): only KEY_LENGTH, in TV form, is known. */
static int parse_attrs(struct ike_transform *xf, const uint8_t *p, size_t len)
{
	size_t off = 0, alen;
	uint16_t type;

	while (off < len) {
		if (len - off < IKE_ATTR_HDR_LEN)
			return IKE_E_SHORT;
		type = get_u16(p + off);
		if (type & IKE_ATTR_TV) {
			if ((type & ~IKE_ATTR_TV) == IKE_ATTR_KEY_LENGTH && !xf->keylen)
				xf->keylen = get_u16(p + off + 2);
			else
				xf->unknown_attr = true;
			off += IKE_ATTR_HDR_LEN;
			continue;
		}
		alen = get_u16(p + off + 2);
		if (alen > len - off - IKE_ATTR_HDR_LEN)
			return IKE_E_SHORT;
		xf->unknown_attr = true;
		off += IKE_ATTR_HDR_LEN + alen;
	}
	return IKE_OK;
}

/* The transforms of one proposal: exactly @count, filling @len exactly. */
static int parse_transforms(struct ike_proposal *prop, unsigned int count,
			    const uint8_t *p, size_t len)
{
	struct ike_transform *xf;
	size_t off = 0, xlen;
	unsigned int i;
	int err;

	if (count > IKE_MAX_TRANSFORMS)
		return IKE_E_LIMIT;
	for (i = 0; i < count; i++) {
		if (len - off < IKE_XF_HDR_LEN)
			return IKE_E_SHORT;
		xlen = get_u16(p + off + 2);
		if (xlen < IKE_XF_HDR_LEN || xlen > len - off)
			return IKE_E_SHORT;
		if (p[off] != (i + 1 < count ? IKE_XF_MORE : IKE_XF_LAST))
			return IKE_E_SYNTAX;
		xf = &prop->xf[i];
		memset(xf, 0, sizeof(*xf));
		xf->type = p[off + 4];
		xf->id = get_u16(p + off + 6);
		err = parse_attrs(xf, p + off + IKE_XF_HDR_LEN, xlen - IKE_XF_HDR_LEN);
		if (err)
			return err;
		off += xlen;
	}
	prop->nxf = (uint8_t)count;
	return off == len ? IKE_OK : IKE_E_SYNTAX;
}

/*
 * SA payload (3.3).  Proposal numbers are kept as sent and not required to
 * count up from 1 (a MUST for the sender that costs nothing to forgive);
 * the last/more markers and every count must agree with the lengths.
 */
int ike_parse_sa(const struct ike_payload *pl, struct ike_sa_payload *sa)
{
	const uint8_t *p = pl->body;
	size_t off = 0, len = pl->len, plen;
	struct ike_proposal *prop;
	uint8_t more = IKE_PROP_MORE;
	int err;

	sa->nprop = 0;
	if (pl->type != IKE_PL_SA || len == 0)
		return IKE_E_SYNTAX;
	while (off < len) {
		if (more != IKE_PROP_MORE)
			return IKE_E_SYNTAX;	/* data after the "last" proposal */
		if (len - off < IKE_PROP_HDR_LEN)
			return IKE_E_SHORT;
		more = p[off];
		if (more != IKE_PROP_MORE && more != IKE_PROP_LAST)
			return IKE_E_SYNTAX;
		plen = get_u16(p + off + 2);
		if (plen < IKE_PROP_HDR_LEN || plen > len - off)
			return IKE_E_SHORT;
		if (sa->nprop >= IKE_MAX_PROPOSALS)
			return IKE_E_LIMIT;
		prop = &sa->prop[sa->nprop];
		prop->num = p[off + 4];
		prop->proto = p[off + 5];
		prop->spi_size = p[off + 6];
		if (prop->spi_size > IKE_MAX_SPI_SIZE)
			return IKE_E_SYNTAX;
		if (prop->spi_size > plen - IKE_PROP_HDR_LEN)
			return IKE_E_SHORT;
		memcpy(prop->spi, p + off + IKE_PROP_HDR_LEN, prop->spi_size);
		err = parse_transforms(prop, p[off + 7],
				       p + off + IKE_PROP_HDR_LEN + prop->spi_size,
				       plen - IKE_PROP_HDR_LEN - prop->spi_size);
		if (err)
			return err;
		sa->nprop++;
		off += plen;
	}
	return more == IKE_PROP_LAST ? IKE_OK : IKE_E_SYNTAX;
}

int ike_parse_ke(const struct ike_payload *pl, struct ike_ke *ke)
{
	if (pl->type != IKE_PL_KE)
		return IKE_E_SYNTAX;
	if (pl->len < 5)
		return IKE_E_SHORT;
	ke->group = get_u16(pl->body);
	ke->data = pl->body + 4;
	ke->len = pl->len - 4;
	return IKE_OK;
}

int ike_parse_nonce(const struct ike_payload *pl, struct chunk *nonce)
{
	if (pl->type != IKE_PL_NONCE)
		return IKE_E_SYNTAX;
	if (pl->len < IKE_NONCE_MIN || pl->len > IKE_NONCE_MAX)
		return IKE_E_SYNTAX;
	nonce->p = pl->body;
	nonce->len = pl->len;
	return IKE_OK;
}

int ike_parse_id(const struct ike_payload *pl, struct ike_id_payload *id)
{
	if (pl->type != IKE_PL_IDi && pl->type != IKE_PL_IDr)
		return IKE_E_SYNTAX;
	if (pl->len < 5)
		return IKE_E_SHORT;
	id->type = pl->body[0];
	id->data = pl->body + 4;
	id->len = pl->len - 4;
	id->body = pl->body;
	id->body_len = pl->len;
	if ((id->type == IKE_ID_IPV4_ADDR && id->len != 4) ||
	    (id->type == IKE_ID_IPV6_ADDR && id->len != 16))
		return IKE_E_SYNTAX;
	return IKE_OK;
}

int ike_parse_auth(const struct ike_payload *pl, struct ike_auth *auth)
{
	if (pl->type != IKE_PL_AUTH)
		return IKE_E_SYNTAX;
	if (pl->len < 5)
		return IKE_E_SHORT;
	auth->method = pl->body[0];
	auth->data = pl->body + 4;
	auth->len = pl->len - 4;
	return IKE_OK;
}

int ike_parse_notify(const struct ike_payload *pl, struct ike_notify *n)
{
	if (pl->type != IKE_PL_NOTIFY)
		return IKE_E_SYNTAX;
	if (pl->len < 4)
		return IKE_E_SHORT;
	n->proto = pl->body[0];
	n->spi_size = pl->body[1];
	n->type = get_u16(pl->body + 2);
	if (n->spi_size > pl->len - 4)
		return IKE_E_SHORT;
	n->spi = pl->body + 4;
	n->data = n->spi + n->spi_size;
	n->len = pl->len - 4 - n->spi_size;
	return IKE_OK;
}

int ike_parse_delete(const struct ike_payload *pl, struct ike_delete *d)
{
	if (pl->type != IKE_PL_DELETE)
		return IKE_E_SYNTAX;
	if (pl->len < 4)
		return IKE_E_SHORT;
	d->proto = pl->body[0];
	d->spi_size = pl->body[1];
	d->nspi = get_u16(pl->body + 2);
	d->spis = pl->body + 4;
	/* Both factors are below 2^16: the product cannot overflow. */
	if ((size_t)d->spi_size * d->nspi != pl->len - 4)
		return IKE_E_SYNTAX;
	if (d->proto == IKE_PROTO_IKE ? d->spi_size != 0 :
	    d->spi_size != 4 || d->nspi == 0)
		return IKE_E_SYNTAX;
	return IKE_OK;
}

/*
 * Traffic selectors (3.13).  Types we do not know are kept with alen 0 so
 * the caller can narrow them away; their length still has to add up.
 */
int ike_parse_ts(const struct ike_payload *pl, struct ike_ts_payload *out)
{
	const uint8_t *p = pl->body;
	size_t off = 4, len = pl->len, tlen;
	unsigned int i, count;
	struct ike_ts *ts;

	out->nts = 0;
	if (pl->type != IKE_PL_TSi && pl->type != IKE_PL_TSr)
		return IKE_E_SYNTAX;
	if (len < 4)
		return IKE_E_SHORT;
	count = p[0];
	if (count == 0)
		return IKE_E_SYNTAX;
	if (count > IKE_MAX_TS)
		return IKE_E_LIMIT;
	for (i = 0; i < count; i++) {
		if (len - off < IKE_TS_HDR_LEN)
			return IKE_E_SHORT;
		tlen = get_u16(p + off + 2);
		if (tlen < IKE_TS_HDR_LEN || tlen > len - off)
			return IKE_E_SHORT;
		ts = &out->ts[i];
		memset(ts, 0, sizeof(*ts));
		ts->type = p[off];
		ts->ipproto = p[off + 1];
		ts->sport = get_u16(p + off + 4);
		ts->eport = get_u16(p + off + 6);
		if (ts->type == IKE_TS_IPV4_ADDR_RANGE)
			ts->alen = 4;
		else if (ts->type == IKE_TS_IPV6_ADDR_RANGE)
			ts->alen = 16;
		if (ts->alen) {
			if (tlen != IKE_TS_HDR_LEN + 2u * ts->alen)
				return IKE_E_SYNTAX;
			memcpy(ts->start, p + off + 8, ts->alen);
			memcpy(ts->end, p + off + 8 + ts->alen, ts->alen);
		}
		off += tlen;
	}
	out->nts = count;
	return off == len ? IKE_OK : IKE_E_SYNTAX;
}

const char *ike_strerror(int err)
{
	switch (err) {
	case IKE_OK:		return "ok";
	case IKE_E_SHORT:	return "truncated";
	case IKE_E_LENGTH:	return "length mismatch";
	case IKE_E_VERSION:	return "unsupported major version";
	case IKE_E_SYNTAX:	return "invalid syntax";
	case IKE_E_LIMIT:	return "too many elements";
	}
	return "unknown error";
}

/* Building. */

void ike_build_msg(struct ike_builder *bld, struct buf *b, const struct ike_header *hdr)
{
	uint8_t *p;

	memset(bld, 0, sizeof(*bld));
	bld->b = b;
	bld->base = b->len;
	bld->header = true;
	p = buf_grow(b, IKE_HDR_LEN);
	if (!p) {
		bld->failed = true;
		return;
	}
	put_u64(p, hdr->ispi);
	put_u64(p + 8, hdr->rspi);
	p[16] = IKE_PL_NONE;
	p[17] = hdr->version ? hdr->version : IKEV2_VERSION;
	p[18] = hdr->exchange;
	p[19] = hdr->flags;
	put_u32(p + 20, hdr->msgid);
	put_u32(p + 24, 0);
	bld->prev_next = bld->base + 16;
}

void ike_build_chain(struct ike_builder *bld, struct buf *b)
{
	memset(bld, 0, sizeof(*bld));
	bld->b = b;
	bld->base = b->len;
	bld->prev_next = SIZE_MAX;
}

/* Open a payload: link it into the chain, write its generic header. */
static size_t begin(struct ike_builder *bld, uint8_t type, bool critical)
{
	size_t off = bld->b->len;
	uint8_t *p;

	if (bld->sealed)
		bld->failed = true;
	if (bld->failed)
		return SIZE_MAX;
	p = buf_grow(bld->b, IKE_GEN_HDR_LEN);
	if (!p) {
		bld->failed = true;
		return SIZE_MAX;
	}
	p[0] = IKE_PL_NONE;
	p[1] = critical ? IKE_PL_CRITICAL : 0;
	put_u16(p + 2, 0);
	if (bld->prev_next == SIZE_MAX)
		bld->first = type;
	else
		bld->b->data[bld->prev_next] = type;
	bld->prev_next = off;
	bld->last = off;
	return off;
}

/* Close the payload opened at @off: its length runs to the buffer's end. */
static void end(struct ike_builder *bld, size_t off)
{
	size_t len;

	if (bld->failed || off == SIZE_MAX)
		return;
	if (!buf_ok(bld->b)) {
		bld->failed = true;
		return;
	}
	len = bld->b->len - off;
	if (len > UINT16_MAX) {
		bld->failed = true;
		return;
	}
	put_u16(bld->b->data + off + 2, (uint16_t)len);
}

size_t ike_add_payload(struct ike_builder *bld, uint8_t type, bool critical,
		       const void *body, size_t len)
{
	size_t off = begin(bld, type, critical);

	if (off != SIZE_MAX)
		buf_add(bld->b, body, len);
	end(bld, off);
	return off;
}

int ike_build_done(struct ike_builder *bld)
{
	size_t len;

	if (bld->failed || !buf_ok(bld->b))
		return -1;
	len = bld->b->len - bld->base;
	if (bld->header) {
		if (len > UINT32_MAX)
			return -1;
		put_u32(bld->b->data + bld->base + 24, (uint32_t)len);
	}
	return 0;
}

static void add_transform(struct buf *b, const struct ike_transform *xf, bool last)
{
	buf_add_u8(b, last ? IKE_XF_LAST : IKE_XF_MORE);
	buf_add_u8(b, 0);
	buf_add_u16(b, xf->keylen ? IKE_XF_HDR_LEN + IKE_ATTR_HDR_LEN : IKE_XF_HDR_LEN);
	buf_add_u8(b, xf->type);
	buf_add_u8(b, 0);
	buf_add_u16(b, xf->id);
	if (xf->keylen) {
		buf_add_u16(b, IKE_ATTR_TV | IKE_ATTR_KEY_LENGTH);
		buf_add_u16(b, xf->keylen);
	}
}

/* Proposals are numbered as given in ->num (a reply echoes the peer's). */
void ike_add_sa(struct ike_builder *bld, const struct ike_proposal *props, size_t n)
{
	size_t off = begin(bld, IKE_PL_SA, false), poff, i, j;
	struct buf *b = bld->b;

	if (off == SIZE_MAX)
		return;
	for (i = 0; i < n; i++) {
		const struct ike_proposal *pr = &props[i];

		poff = b->len;
		buf_add_u8(b, i + 1 < n ? IKE_PROP_MORE : IKE_PROP_LAST);
		buf_add_u8(b, 0);
		buf_add_u16(b, 0);	/* length, patched below */
		buf_add_u8(b, pr->num);
		buf_add_u8(b, pr->proto);
		buf_add_u8(b, pr->spi_size);
		buf_add_u8(b, pr->nxf);
		buf_add(b, pr->spi, pr->spi_size);
		for (j = 0; j < pr->nxf; j++)
			add_transform(b, &pr->xf[j], j + 1 == pr->nxf);
		if (!buf_ok(b) || b->len - poff > UINT16_MAX) {
			bld->failed = true;
			return;
		}
		put_u16(b->data + poff + 2, (uint16_t)(b->len - poff));
	}
	end(bld, off);
}

void ike_add_ke(struct ike_builder *bld, uint16_t group, const uint8_t *data, size_t len)
{
	size_t off = begin(bld, IKE_PL_KE, false);

	if (off == SIZE_MAX)
		return;
	buf_add_u16(bld->b, group);
	buf_add_u16(bld->b, 0);
	buf_add(bld->b, data, len);
	end(bld, off);
}

void ike_add_nonce(struct ike_builder *bld, const uint8_t *nonce, size_t len)
{
	ike_add_payload(bld, IKE_PL_NONCE, false, nonce, len);
}

/* With an ID or AUTH payload: one type byte, three reserved, data. */
static void add_typed(struct ike_builder *bld, uint8_t pltype, uint8_t type,
		      const uint8_t *data, size_t len)
{
	size_t off = begin(bld, pltype, false);

	if (off == SIZE_MAX)
		return;
	buf_add_u8(bld->b, type);
	buf_add_zero(bld->b, 3);
	buf_add(bld->b, data, len);
	end(bld, off);
}

void ike_add_id(struct ike_builder *bld, uint8_t pltype, uint8_t idtype,
		const uint8_t *data, size_t len)
{
	add_typed(bld, pltype, idtype, data, len);
}

void ike_add_auth(struct ike_builder *bld, uint8_t method, const uint8_t *data, size_t len)
{
	add_typed(bld, IKE_PL_AUTH, method, data, len);
}

void ike_add_notify(struct ike_builder *bld, uint8_t proto, const uint8_t *spi,
		    uint8_t spi_size, uint16_t type, const uint8_t *data, size_t len)
{
	size_t off = begin(bld, IKE_PL_NOTIFY, false);

	if (off == SIZE_MAX)
		return;
	buf_add_u8(bld->b, proto);
	buf_add_u8(bld->b, spi_size);
	buf_add_u16(bld->b, type);
	buf_add(bld->b, spi, spi_size);
	buf_add(bld->b, data, len);
	end(bld, off);
}

void ike_add_delete(struct ike_builder *bld, uint8_t proto, uint8_t spi_size,
		    const uint8_t *spis, uint16_t nspi)
{
	size_t off = begin(bld, IKE_PL_DELETE, false);

	if (off == SIZE_MAX)
		return;
	buf_add_u8(bld->b, proto);
	buf_add_u8(bld->b, spi_size);
	buf_add_u16(bld->b, nspi);
	buf_add(bld->b, spis, (size_t)spi_size * nspi);
	end(bld, off);
}

void ike_add_ts(struct ike_builder *bld, uint8_t pltype, const struct ike_ts *ts, size_t n)
{
	size_t off = begin(bld, pltype, false), i;

	if (off == SIZE_MAX)
		return;
	if (n == 0 || n > 255) {
		bld->failed = true;
		return;
	}
	buf_add_u8(bld->b, (uint8_t)n);
	buf_add_zero(bld->b, 3);
	for (i = 0; i < n; i++) {
		buf_add_u8(bld->b, ts[i].type);
		buf_add_u8(bld->b, ts[i].ipproto);
		buf_add_u16(bld->b, IKE_TS_HDR_LEN + 2 * ts[i].alen);
		buf_add_u16(bld->b, ts[i].sport);
		buf_add_u16(bld->b, ts[i].eport);
		buf_add(bld->b, ts[i].start, ts[i].alen);
		buf_add(bld->b, ts[i].end, ts[i].alen);
	}
	end(bld, off);
}

void ike_add_vendor(struct ike_builder *bld, const uint8_t *vid, size_t len)
{
	ike_add_payload(bld, IKE_PL_VENDOR, false, vid, len);
}

/*
 * Open the SK payload, which must come last: its next-payload byte names
 * the first payload inside.  crypto_sk_protect() appends IV, ciphertext and
 * ICV and writes the SK and message lengths.  Returns the SK payload's
 * offset, or SIZE_MAX on failure.
 */
size_t ike_add_sk(struct ike_builder *bld, uint8_t inner_first)
{
	size_t off = begin(bld, IKE_PL_SK, false);

	if (off == SIZE_MAX)
		return SIZE_MAX;
	bld->b->data[off] = inner_first;
	bld->sealed = true;
	return off;
}
