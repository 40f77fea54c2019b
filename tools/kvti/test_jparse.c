// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the JSON reader (kvti session reads the keyer with it):
 * what it accepts is re-emitted compactly and compared; what it refuses
 * must be refused, never crash.
 */
#include "jparse.h"
#include "test.h"

static const struct {
	const char *in;
	const char *out;	/* NULL: refused */
} cases[] = {
	/* 1. the keyer's shape: objects, arrays, strings, numbers, booleans */
	{ "{\"ike_sas\":[{\"tunnel\":\"vti1\",\"age\":12,\"esn\":true,\"c\":[]}]}",
	  "{\"ike_sas\":[{\"tunnel\":\"vti1\",\"age\":12,\"esn\":true,\"c\":[]}]}" },
	/* 2. white space anywhere between tokens, and a final newline */
	{ " { \"a\" : [ 1 , 2 ] , \"b\" : null }\n", "{\"a\":[1,2],\"b\":null}" },
	/* 3. the largest u64 */
	{ "18446744073709551615", "18446744073709551615" },
	/* 4. one more overflows */
	{ "18446744073709551616", NULL },
	/* 5. negative and fractional numbers are not the keyer's */
	{ "-1", NULL },
	{ "1.5", NULL },
	/* 7. escapes, \u with a surrogate pair, into UTF-8 and back */
	{ "\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\"", "\"a\\\"b\\\\c/d\\n\xc3\xa9\xf0\x9f\x98\x80\"" },
	/* 8. a lone low surrogate, \u0000, an unknown escape */
	{ "\"\\udc00\"", NULL },
	{ "\"\\u0000\"", NULL },
	{ "\"\\x\"", NULL },
	/* 11. a raw control character in a string */
	{ "\"a\nb\"", NULL },
	/* 12. truncations */
	{ "{\"a\":", NULL },
	{ "[1,", NULL },
	{ "\"abc", NULL },
	{ "\"abc\\", NULL },
	{ "\"\\u12", NULL },
	{ "tru", NULL },
	/* 18. trailing text, a trailing comma, a missing colon */
	{ "{} {}", NULL },
	{ "[1,]", NULL },
	{ "{\"a\" 1}", NULL },
	/* 21. a key that is not a string */
	{ "{a:1}", NULL },
	/* 22. nothing at all */
	{ "", NULL },
};

int main(void)
{
	char err[128], *buf = NULL;
	struct jp_node *n;
	struct json j;
	size_t i, len;
	FILE *f;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = jp_parse(cases[i].in, strlen(cases[i].in), err, sizeof(err));
		if (!cases[i].out) {
			CHECK(!n && err[0], "case %zu refused (%s)", i + 1, err);
			jp_free(n);
			continue;
		}
		CHECK(n != NULL, "case %zu parses%s%s", i + 1, n ? "" : ": ", n ? "" : err);
		if (!n)
			continue;
		f = open_memstream(&buf, &len);
		json_init(&j, f, false);
		jp_emit(&j, n);
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		CHECK_STR(buf, cases[i].out, "case %zu re-emitted", i + 1);
		free(buf);
		buf = NULL;
		jp_free(n);
	}

	/* 23. nesting: 32 levels are fine, 33 are not */
	for (i = 32; i <= 33; i++) {
		char deep[80];

		memset(deep, '[', i);
		memset(deep + i, ']', i);
		n = jp_parse(deep, 2 * i, err, sizeof(err));
		CHECK((n != NULL) == (i == 32), "%zu levels %s", i, n ? "accepted" : err);
		jp_free(n);
	}

	/* 24. lookups: present, absent, wrong type */
	n = jp_parse("{\"s\":\"x\",\"u\":7,\"b\":true}", 24, err, sizeof(err));
	CHECK(n && !strcmp(jp_str(n, "s"), "x") && jp_uint(n, "u") == 7 && jp_bool(n, "b"),
	      "lookups by key");
	CHECK(n && !strcmp(jp_str(n, "u"), "") && !jp_uint(n, "s") && !jp_bool(n, "none") &&
	      !jp_get(n, "none"), "absent or mistyped keys give empty values");
	jp_free(n);
	return test_done();
}
