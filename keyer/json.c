// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the JSON emitter (json.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

void json_init(struct json *j, struct buf *b)
{
	memset(j, 0, sizeof(*j));
	j->b = b;
	j->first[0] = true;
}

static void add_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;

	buf_add_u8(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf_add_u8(b, '\\');
			buf_add_u8(b, *p);
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_add(b, "\\u00", 4);
			buf_add_u8(b, hex[*p >> 4]);
			buf_add_u8(b, hex[*p & 15]);
		} else {
			buf_add_u8(b, *p);
		}
	}
	buf_add_u8(b, '"');
}

/* The separator and key before a value. */
static void member(struct json *j, const char *key)
{
	if (!j->first[j->depth])
		buf_add_u8(j->b, ',');
	j->first[j->depth] = false;
	if (key) {
		add_str(j->b, key);
		buf_add_u8(j->b, ':');
	}
}

void json_open(struct json *j, const char *key, char kind)
{
	member(j, key);
	if (j->depth + 1 >= JSON_MAX_DEPTH) {
		j->failed = true;
		return;
	}
	buf_add_u8(j->b, (uint8_t)kind);
	j->closer[++j->depth] = kind == '{' ? '}' : ']';
	j->first[j->depth] = true;
}

void json_close(struct json *j)
{
	if (j->depth == 0) {
		j->failed = true;
		return;
	}
	buf_add_u8(j->b, (uint8_t)j->closer[j->depth--]);
}

void json_str(struct json *j, const char *key, const char *v)
{
	member(j, key);
	add_str(j->b, v ? v : "");
}

void json_uint(struct json *j, const char *key, uint64_t v)
{
	char s[24];

	member(j, key);
	snprintf(s, sizeof(s), "%" PRIu64, v);
	buf_add(j->b, s, strlen(s));
}

void json_bool(struct json *j, const char *key, bool v)
{
	member(j, key);
	buf_add(j->b, v ? "true" : "false", v ? 4 : 5);
}

void json_hex32(struct json *j, const char *key, uint32_t v)
{
	char s[12];

	snprintf(s, sizeof(s), "0x%08" PRIx32, v);
	json_str(j, key, s);
}

void json_hex64(struct json *j, const char *key, uint64_t v)
{
	char s[20];

	snprintf(s, sizeof(s), "0x%016" PRIx64, v);
	json_str(j, key, s);
}

int json_done(struct json *j)
{
	buf_add_u8(j->b, '\n');
	return j->failed || j->depth || !buf_ok(j->b) ? -1 : 0;
}
