/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: every byte of -j output goes through it, so
 * quoting, escaping, commas and indentation are decided in one place.
 */
#ifndef KVTI_JSON_H
#define KVTI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	bool pretty;
	int depth;
	bool after_key;			/* a key was written, its value is due */
	bool first[JSON_MAX_DEPTH];	/* nothing written yet at this level */
};

void json_init(struct json *j, FILE *f, bool pretty);

void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);

void json_key(struct json *j, const char *key);
void json_string(struct json *j, const char *s);
void json_uint(struct json *j, uint64_t v);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);

/* "key": value in one call, for the common case inside an object. */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_uint(struct json *j, const char *key, uint64_t v);
void json_kv_bool(struct json *j, const char *key, bool v);

/* Writes s as a quoted JSON string; exposed for the unit test. */
void json_write_string(FILE *f, const char *s);

#endif /* KVTI_JSON_H */
