/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - the one buffer type: messages being built, decrypted
 * payloads, nonces, DH secrets and keys all live in a struct buf.
 *
 * Because secrets and ordinary bytes share the type, every buffer is wiped
 * (OPENSSL_cleanse) when it is freed, truncated or moved by growth; nothing
 * is ever realloc()ed in place, which would leave a copy behind.  Wiping a
 * few kilobytes of IKE message costs nothing next to a DH operation.
 *
 * Appends are sticky on failure: after an allocation fails, b->failed is
 * set and later appends do nothing, so a builder can append a whole
 * message and check once at the end (buf_ok()).
 */
#ifndef KEYER_BUF_H
#define KEYER_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t	*data;
	size_t	 len;
	size_t	 cap;
	bool	 failed;	/* an append ran out of memory */
};

/* A borrowed view of bytes, e.g. one key inside a buffer of key material. */
struct chunk {
	const uint8_t	*p;
	size_t		 len;
};

/* buf.c */
struct buf *buf_new(size_t hint);
struct buf *buf_from(const void *p, size_t len);
struct buf *buf_from_hex(const char *hex);
struct buf *buf_dup(const struct buf *b);
void buf_free(struct buf *b);
int buf_reserve(struct buf *b, size_t more);
uint8_t *buf_grow(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t len);
void buf_add_zero(struct buf *b, size_t len);
void buf_add_u8(struct buf *b, uint8_t v);
void buf_add_u16(struct buf *b, uint16_t v);
void buf_add_u32(struct buf *b, uint32_t v);
void buf_add_u64(struct buf *b, uint64_t v);
void buf_truncate(struct buf *b, size_t len);
bool buf_ok(const struct buf *b);
int hex_decode(const char *hex, uint8_t *out, size_t max, size_t *len);

static inline struct chunk chunk_of(const struct buf *b)
{
	struct chunk c = { b ? b->data : NULL, b ? b->len : 0 };

	return c;
}

static inline uint16_t get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t get_u64(const uint8_t *p)
{
	return (uint64_t)get_u32(p) << 32 | get_u32(p + 4);
}

static inline void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline void put_u32(uint8_t *p, uint32_t v)
{
	put_u16(p, v >> 16);
	put_u16(p + 2, v & 0xffff);
}

static inline void put_u64(uint8_t *p, uint64_t v)
{
	put_u32(p, v >> 32);
	put_u32(p + 4, v & 0xffffffff);
}

#endif /* KEYER_BUF_H */
