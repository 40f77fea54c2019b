/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader, for the keyer's control-socket answers (kvti
 * session): the whole text into a tree of nodes, then lookups by key.
 * Input is trusted only as far as being well-formed is checked; depth is
 * bounded.  Numbers are kept as unsigned 64-bit integers (all the keyer
 * sends); anything else numeric is refused.
 */
#ifndef KVTI_JPARSE_H
#define KVTI_JPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"

enum jp_type { JP_NULL, JP_BOOL, JP_NUM, JP_STR, JP_ARRAY, JP_OBJECT };

struct jp_node {
	enum jp_type type;
	char *key;		/* member name, inside an object */
	char *str;		/* JP_STR */
	uint64_t num;		/* JP_NUM */
	bool b;			/* JP_BOOL */
	struct jp_node *child;	/* JP_ARRAY, JP_OBJECT: first element */
	struct jp_node *next;	/* next sibling */
};

/* NULL on error, with what and where (byte offset) in err. */
struct jp_node *jp_parse(const char *text, size_t len, char *err, size_t errlen);
void jp_free(struct jp_node *n);
const struct jp_node *jp_get(const struct jp_node *obj, const char *key);
const char *jp_str(const struct jp_node *obj, const char *key);	/* "" if absent */
uint64_t jp_uint(const struct jp_node *obj, const char *key);	/* 0 if absent */
bool jp_bool(const struct jp_node *obj, const char *key);
/* Writes n through the emitter (a member's key is the caller's business). */
void jp_emit(struct json *j, const struct jp_node *n);

#endif /* KVTI_JPARSE_H */
