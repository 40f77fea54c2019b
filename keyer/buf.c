// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - growable byte buffers that wipe what they held (buf.h).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "buf.h"

struct buf *buf_new(size_t hint)
{
	struct buf *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	if (hint && buf_reserve(b, hint) < 0) {
		free(b);
		return NULL;
	}
	return b;
}

struct buf *buf_from(const void *p, size_t len)
{
	struct buf *b = buf_new(len ? len : 1);

	if (!b)
		return NULL;
	buf_add(b, p, len);
	return b;
}

struct buf *buf_dup(const struct buf *src)
{
	return buf_from(src->data, src->len);
}

struct buf *buf_from_hex(const char *hex)
{
	size_t max = strlen(hex) / 2 + 1, len;
	struct buf *b = buf_new(max);

	if (!b)
		return NULL;
	if (hex_decode(hex, b->data, max, &len) < 0) {
		buf_free(b);
		return NULL;
	}
	b->len = len;
	return b;
}

void buf_free(struct buf *b)
{
	if (!b)
		return;
	if (b->data) {
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	free(b);
}

/*
 * Make room for @more bytes.  A move copies into fresh memory and wipes
 * the old block, so no stale copy of a secret survives in the heap.
 */
int buf_reserve(struct buf *b, size_t more)
{
	size_t cap;
	uint8_t *p;

	if (b->failed)
		return -1;
	if (more <= b->cap - b->len)
		return 0;
	if (more > SIZE_MAX / 2 - b->len)
		goto fail;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + more)
		cap *= 2;
	p = malloc(cap);
	if (!p)
		goto fail;
	if (b->data) {
		memcpy(p, b->data, b->len);
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->failed = true;
	return -1;
}

/* Extend by @n bytes and return them (unset), or NULL once failed. */
uint8_t *buf_grow(struct buf *b, size_t n)
{
	uint8_t *p;

	if (buf_reserve(b, n) < 0)
		return NULL;
	p = b->data + b->len;
	b->len += n;
	return p;
}

void buf_add(struct buf *b, const void *src, size_t len)
{
	uint8_t *p = buf_grow(b, len);

	if (p && len)
		memcpy(p, src, len);
}

void buf_add_zero(struct buf *b, size_t len)
{
	uint8_t *p = buf_grow(b, len);

	if (p && len)
		memset(p, 0, len);
}

void buf_add_u8(struct buf *b, uint8_t v)
{
	buf_add(b, &v, 1);
}

void buf_add_u16(struct buf *b, uint16_t v)
{
	uint8_t *p = buf_grow(b, 2);

	if (p)
		put_u16(p, v);
}

void buf_add_u32(struct buf *b, uint32_t v)
{
	uint8_t *p = buf_grow(b, 4);

	if (p)
		put_u32(p, v);
}

void buf_add_u64(struct buf *b, uint64_t v)
{
	uint8_t *p = buf_grow(b, 8);

	if (p)
		put_u64(p, v);
}

/* Shorten to @len bytes, wiping what is cut off. */
void buf_truncate(struct buf *b, size_t len)
{
	if (len >= b->len)
		return;
	OPENSSL_cleanse(b->data + len, b->len - len);
	b->len = len;
}

bool buf_ok(const struct buf *b)
{
	return b && !b->failed;
}

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode hex digits into @out, skipping spaces and colons so vectors can
 * be pasted as printed in RFCs; an optional 0x prefix is allowed.
 */
int hex_decode(const char *hex, uint8_t *out, size_t max, size_t *len)
{
	size_t n = 0;
	int hi = -1, v;

	if (hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X'))
		hex += 2;
	for (; *hex; hex++) {
		if (*hex == ' ' || *hex == ':' || *hex == '\n' || *hex == '\t')
			continue;
		v = hex_nibble(*hex);
		if (v < 0)
			return -1;
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= max)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		return -1;
	*len = n;
	return 0;
}
