// SPDX-License-Identifier: GPL-2.0
/*
 * The JSON reader (jparse.h): recursive descent over a bounded depth.
 * Strings are unescaped into UTF-8 (\uXXXX, surrogate pairs included);
 * a NUL byte in a string is refused, as the tool handles C strings.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jparse.h"

#define JP_MAX_DEPTH	32

struct reader {
	const char *p, *start, *end;
	char *err;
	size_t errlen;
	int depth;
};

static void *fail(struct reader *r, const char *what)
{
	if (!r->err[0])
		snprintf(r->err, r->errlen, "%s at byte %td", what, r->p - r->start);
	return NULL;
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool word(struct reader *r, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, w, n))
		return false;
	r->p += n;
	return true;
}

static int hex4(struct reader *r, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	if (r->end - r->p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = *r->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote; a malloc()ed string, or NULL. */
static char *string(struct reader *r)
{
	const char *q;
	char *s, *o;

	r->p++;
	/* Unescaped never grows: \uXXXX (6 bytes) makes at most 4. */
	for (q = r->p; q < r->end && *q != '"'; q++)
		if (*q == '\\')
			q++;
	if (q >= r->end)
		return fail(r, "unterminated string");
	s = malloc((size_t)(q - r->p) + 1);
	if (!s)
		return fail(r, "out of memory");
	for (o = s; *r->p != '"'; ) {
		unsigned char c = (unsigned char)*r->p++;
		unsigned int cp, lo;

		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		switch (*r->p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u':
			if (hex4(r, &cp) < 0 || !cp)
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (!word(r, "\\u") || hex4(r, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				goto bad;
			}
			o += put_utf8(o, cp);
			break;
		default:
			goto bad;
		}
	}
	r->p++;
	*o = '\0';
	return s;
bad:
	free(s);
	return fail(r, "bad string");
}

static struct jp_node *value(struct reader *r);

/* Elements or members up to @close; @object: "key": value pairs. */
static struct jp_node *container(struct reader *r, struct jp_node *n, char close, bool object)
{
	struct jp_node **tail = &n->child, *e;
	char *key = NULL;

	r->p++;
	if (++r->depth > JP_MAX_DEPTH)
		goto err;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return n;
	}
	for (;;) {
		skip_ws(r);
		if (object) {
			if (r->p >= r->end || *r->p != '"' || !(key = string(r)))
				goto err;
			skip_ws(r);
			if (r->p >= r->end || *r->p++ != ':')
				goto err;
		}
		e = value(r);
		if (!e)
			goto err;
		e->key = key;
		key = NULL;
		*tail = e;
		tail = &e->next;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			r->depth--;
			return n;
		}
		goto err;
	}
err:
	free(key);
	jp_free(n);
	return fail(r, r->depth > JP_MAX_DEPTH ? "nested too deep" :
		       object ? "bad object" : "bad array");
}

static struct jp_node *value(struct reader *r)
{
	struct jp_node *n;

	skip_ws(r);
	if (r->p >= r->end)
		return fail(r, "unexpected end");
	n = calloc(1, sizeof(*n));
	if (!n)
		return fail(r, "out of memory");
	switch (*r->p) {
	case '{':
		n->type = JP_OBJECT;
		return container(r, n, '}', true);
	case '[':
		n->type = JP_ARRAY;
		return container(r, n, ']', false);
	case '"':
		n->type = JP_STR;
		n->str = string(r);
		if (!n->str)
			break;
		return n;
	case 't':
	case 'f':
		n->type = JP_BOOL;
		n->b = *r->p == 't';
		if (!word(r, n->b ? "true" : "false"))
			break;
		return n;
	case 'n':
		if (!word(r, "null"))
			break;
		return n;
	default:
		n->type = JP_NUM;
		if (*r->p < '0' || *r->p > '9')
			break;
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
			uint64_t d = (uint64_t)(*r->p++ - '0');

			if (n->num > (UINT64_MAX - d) / 10)
				goto bad_num;
			n->num = n->num * 10 + d;
		}
		if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E'))
			goto bad_num;
		return n;
	}
	free(n);
	return fail(r, "bad value");
bad_num:
	free(n);
	return fail(r, "not an unsigned integer");
}

struct jp_node *jp_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct reader r = { text, text, text + len, err, errlen, 0 };
	struct jp_node *n;

	err[0] = '\0';
	if (memchr(text, '\0', len))
		return fail(&r, "NUL byte");
	n = value(&r);
	if (!n)
		return NULL;
	skip_ws(&r);
	if (r.p != r.end) {
		jp_free(n);
		return fail(&r, "trailing text");
	}
	return n;
}

void jp_free(struct jp_node *n)
{
	struct jp_node *next;

	for (; n; n = next) {
		next = n->next;
		jp_free(n->child);
		free(n->key);
		free(n->str);
		free(n);
	}
}

const struct jp_node *jp_get(const struct jp_node *obj, const char *key)
{
	const struct jp_node *e;

	if (!obj || obj->type != JP_OBJECT)
		return NULL;
	for (e = obj->child; e; e = e->next)
		if (!strcmp(e->key, key))
			return e;
	return NULL;
}

const char *jp_str(const struct jp_node *obj, const char *key)
{
	const struct jp_node *n = jp_get(obj, key);

	return n && n->type == JP_STR ? n->str : "";
}

uint64_t jp_uint(const struct jp_node *obj, const char *key)
{
	const struct jp_node *n = jp_get(obj, key);

	return n && n->type == JP_NUM ? n->num : 0;
}

bool jp_bool(const struct jp_node *obj, const char *key)
{
	const struct jp_node *n = jp_get(obj, key);

	return n && n->type == JP_BOOL && n->b;
}

void jp_emit(struct json *j, const struct jp_node *n)
{
	const struct jp_node *e;

	switch (n->type) {
	case JP_NULL: json_null(j); return;
	case JP_BOOL: json_bool(j, n->b); return;
	case JP_NUM: json_uint(j, n->num); return;
	case JP_STR: json_string(j, n->str); return;
	case JP_ARRAY:
		json_begin_array(j);
		for (e = n->child; e; e = e->next)
			jp_emit(j, e);
		json_end_array(j);
		return;
	case JP_OBJECT:
		json_begin_object(j);
		for (e = n->child; e; e = e->next) {
			json_key(j, e->key);
			jp_emit(j, e);
		}
		json_end_object(j);
		return;
	}
}
