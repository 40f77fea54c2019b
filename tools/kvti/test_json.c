// SPDX-License-Identifier: GPL-2.0
/* Unit test of the JSON emitter: escaping, then structure. */
#include "json.h"
#include "test.h"

static char *buf;
static size_t len;

static FILE *open_buf(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static const struct {
	const char *in;
	const char *out;
} strings[] = {
	/* 1. plain ASCII passes through */
	{ "vti1", "\"vti1\"" },
	/* 2. the empty string */
	{ "", "\"\"" },
	/* 3. quote and backslash */
	{ "a\"b\\c", "\"a\\\"b\\\\c\"" },
	/* 4. the short escapes */
	{ "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
	/* 5. other control characters as \u00XX, DEL too */
	{ "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
	/* 6. '/' needs no escape */
	{ "a/b", "\"a/b\"" },
	/* 7. valid 2-, 3- and 4-byte UTF-8 passes through */
	{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"" },
	/* 8. a lone continuation byte becomes U+FFFD */
	{ "a\x80z", "\"a\\ufffdz\"" },
	/* 9. a truncated sequence at the end */
	{ "a\xe2\x82", "\"a\\ufffd\\ufffd\"" },
	/* 10. an overlong encoding of '/' */
	{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
	/* 11. a UTF-16 surrogate encoded in UTF-8 */
	{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
	/* 12. beyond U+10FFFF */
	{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
};

int main(void)
{
	struct json j;
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		f = open_buf();
		json_write_string(f, strings[i].in);
		fclose(f);
		CHECK_STR(buf, strings[i].out, "string case %zu", i + 1);
	}

	/* 13. compact: nested containers, every scalar kind */
	f = open_buf();
	json_init(&j, f, false);
	json_begin_array(&j);
	json_begin_object(&j);
	json_kv_string(&j, "ifname", "vti1");
	json_kv_uint(&j, "ifindex", 18446744073709551615ULL);
	json_key(&j, "neg");
	json_int(&j, -5);
	json_kv_bool(&j, "template", false);
	json_key(&j, "none");
	json_null(&j);
	json_key(&j, "stats");
	json_begin_object(&j);
	json_kv_uint(&j, "rx_packets", 0);
	json_end_object(&j);
	json_key(&j, "list");
	json_begin_array(&j);
	json_uint(&j, 1);
	json_bool(&j, true);
	json_end_array(&j);
	json_end_object(&j);
	json_begin_object(&j);
	json_end_object(&j);
	json_end_array(&j);
	fclose(f);
	CHECK_STR(buf, "[{\"ifname\":\"vti1\",\"ifindex\":18446744073709551615,"
		  "\"neg\":-5,\"template\":false,\"none\":null,"
		  "\"stats\":{\"rx_packets\":0},\"list\":[1,true]},{}]\n",
		  "compact nesting");

	/* 14. an empty top-level array */
	f = open_buf();
	json_init(&j, f, false);
	json_begin_array(&j);
	json_end_array(&j);
	fclose(f);
	CHECK_STR(buf, "[]\n", "empty array");

	/* 15. pretty: two-space indent, "key": value, empty containers inline */
	f = open_buf();
	json_init(&j, f, true);
	json_begin_array(&j);
	json_begin_object(&j);
	json_kv_string(&j, "a", "x");
	json_key(&j, "b");
	json_begin_object(&j);
	json_kv_uint(&j, "c", 1);
	json_end_object(&j);
	json_key(&j, "d");
	json_begin_array(&j);
	json_end_array(&j);
	json_end_object(&j);
	json_end_array(&j);
	fclose(f);
	CHECK_STR(buf, "[\n  {\n    \"a\": \"x\",\n    \"b\": {\n      \"c\": 1\n    },\n"
		  "    \"d\": []\n  }\n]\n", "pretty nesting");

	/* 16. keys are escaped like values */
	f = open_buf();
	json_init(&j, f, false);
	json_begin_object(&j);
	json_kv_string(&j, "k\"\n", "v");
	json_end_object(&j);
	fclose(f);
	CHECK_STR(buf, "{\"k\\\"\\n\":\"v\"}\n", "escaped key");

	free(buf);
	return test_done();
}
