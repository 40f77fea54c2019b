/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - the one JSON emitter (control socket answers).  Values are
 * appended to a struct buf; commas and string escapes are handled here and
 * nowhere else.  A NULL key means an array element.
 */
#ifndef KEYER_JSON_H
#define KEYER_JSON_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

#define JSON_MAX_DEPTH	16

struct json {
	struct buf	*b;
	int		 depth;
	bool		 first[JSON_MAX_DEPTH];
	char		 closer[JSON_MAX_DEPTH];
	bool		 failed;	/* too deep; the buffer has its own flag */
};

/* json.c */
void json_init(struct json *j, struct buf *b);
void json_open(struct json *j, const char *key, char kind);	/* '{' or '[' */
void json_close(struct json *j);
void json_str(struct json *j, const char *key, const char *v);
void json_uint(struct json *j, const char *key, uint64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_hex32(struct json *j, const char *key, uint32_t v);	/* "0x%08x" */
void json_hex64(struct json *j, const char *key, uint64_t v);	/* "0x%016llx" */
int json_done(struct json *j);	/* newline; 0 if balanced and complete */

#endif /* KEYER_JSON_H */
