// SPDX-License-Identifier: GPL-2.0
/* Unit test of the strict parsers and of command-word matching. */
#include <errno.h>
#include <sys/socket.h>

#include "kvti.h"
#include "test.h"

static const struct {
	const char *in;
	uint64_t max;
	int ret;
	uint64_t out;
} numbers[] = {
	/* 1. zero */
	{ "0", UINT32_MAX, 0, 0 },
	/* 2. the u32 maximum */
	{ "4294967295", UINT32_MAX, 0, 4294967295ULL },
	/* 3. one beyond it */
	{ "4294967296", UINT32_MAX, -ERANGE, 0 },
	/* 4. hexadecimal, either case */
	{ "0xffffFFFF", UINT32_MAX, 0, 4294967295ULL },
	/* 5. 0X prefix */
	{ "0X10", UINT32_MAX, 0, 16 },
	/* 6. no octal: leading zeros are decimal */
	{ "010", UINT32_MAX, 0, 10 },
	/* 7. a bare prefix */
	{ "0x", UINT32_MAX, -EINVAL, 0 },
	/* 8. the empty string */
	{ "", UINT32_MAX, -EINVAL, 0 },
	/* 9. a sign */
	{ "-1", UINT32_MAX, -EINVAL, 0 },
	/* 10. a plus sign */
	{ "+1", UINT32_MAX, -EINVAL, 0 },
	/* 11. leading blank */
	{ " 1", UINT32_MAX, -EINVAL, 0 },
	/* 12. trailing junk */
	{ "12abc", UINT32_MAX, -EINVAL, 0 },
	/* 13. trailing blank */
	{ "12 ", UINT32_MAX, -EINVAL, 0 },
	/* 14. hex digits without a prefix */
	{ "ff", UINT32_MAX, -EINVAL, 0 },
	/* 15. u16 range */
	{ "65535", UINT16_MAX, 0, 65535 },
	/* 16. beyond u16 */
	{ "65536", UINT16_MAX, -ERANGE, 0 },
	/* 17. beyond u64: range, not wrap-around */
	{ "18446744073709551616", UINT64_MAX, -ERANGE, 0 },
	/* 18. u64 maximum */
	{ "18446744073709551615", UINT64_MAX, 0, UINT64_MAX },
	/* 19. huge and junk: junk wins, as the clearer complaint */
	{ "99999999999999999999x", UINT64_MAX, -EINVAL, 0 },
};

static const struct {
	const char *in;
	int family;
} addrs[] = {
	/* 1. IPv4 */
	{ "192.0.2.1", AF_INET },
	/* 2. IPv6 */
	{ "2001:db8::1", AF_INET6 },
	/* 3. IPv4-mapped IPv6 is IPv6 */
	{ "::ffff:192.0.2.1", AF_INET6 },
	/* 4. short IPv4 forms are refused */
	{ "192.0.2", 0 },
	/* 5. a prefix is not an address */
	{ "192.0.2.0/24", 0 },
	/* 6. nor is a name */
	{ "localhost", 0 },
	/* 7. nor a scoped address */
	{ "fe80::1%eth0", 0 },
	/* 8. nor trailing junk */
	{ "192.0.2.1x", 0 },
};

static int nop(struct kvti_ctx *ctx, int argc, char **argv)
{
	(void)ctx; (void)argc; (void)argv;
	return 0;
}

static const struct kvti_command table[] = {
	{ "show", 1, nop, "" },
	{ "add", 1, nop, "" },
	{ "set", 2, nop, "" },
	{ "del", 1, nop, "" },
	{ "delete", 4, nop, NULL },
	{ "sa", 2, nop, "" },
	{ "stats", 2, nop, "" },
};

static const struct {
	const char *word;
	const char *want;	/* NULL: no match */
	bool ambiguous;
} words[] = {
	/* 1. "s" is show: set needs two letters */
	{ "s", "show", false },
	/* 2. "se" is set */
	{ "se", "set", false },
	/* 3. "sh" is show */
	{ "sh", "show", false },
	/* 4. the full name */
	{ "set", "set", false },
	/* 5. exact "sa" wins although it also prefixes nothing else */
	{ "sa", "sa", false },
	/* 6. "st" is stats */
	{ "st", "stats", false },
	/* 7. "del" exactly is del, not delete */
	{ "del", "del", false },
	/* 8. "dele" can only be delete */
	{ "dele", "delete", false },
	/* 9. "d" is del */
	{ "d", "del", false },
	/* 10. longer than the name */
	{ "showx", NULL, false },
	/* 11. the empty word */
	{ "", NULL, false },
	/* 12. unknown */
	{ "x", NULL, false },
};

/* The objects of main.c, as laid out there. */
static const struct kvti_command objects[] = {
	{ "tunnel", 1, nop, "" },
	{ "sa", 2, nop, "" },
	{ "stats", 2, nop, "" },
	{ "monitor", 1, nop, "" },
	{ "help", 1, nop, "" },
};

static const struct {
	const char *word;
	const char *want;	/* NULL: no match */
	bool ambiguous;
} object_words[] = {
	/* 1. "s" could be sa or stats: ambiguous, not unknown */
	{ "s", NULL, true },
	/* 2. "sa" exactly */
	{ "sa", "sa", false },
	/* 3. "st" is stats */
	{ "st", "stats", false },
	/* 4. "sta" too */
	{ "sta", "stats", false },
	/* 5. "m" is monitor */
	{ "m", "monitor", false },
	/* 6. "t" is tunnel */
	{ "t", "tunnel", false },
	/* 7. "se" (session, not there yet) is unknown */
	{ "se", NULL, false },
	/* 8. "sas" prefixes nothing */
	{ "sas", NULL, false },
	/* 9. "h" is help */
	{ "h", "help", false },
};

static const struct {
	const char *in;
	int ret;
	const char *bytes;	/* as hex, when ret is 0 */
} keys[] = {
	/* 1. a key */
	{ "0x00112233", 0, "00112233" },
	/* 2. either case, either prefix */
	{ "0XaBcD", 0, "abcd" },
	/* 3. "0x" alone is the empty key */
	{ "0x", 0, "" },
	/* 4. an odd number of digits */
	{ "0x123", -EILSEQ, NULL },
	/* 5. one digit */
	{ "0x1", -EILSEQ, NULL },
	/* 6. a non-hex digit */
	{ "0x12zz", -EINVAL, NULL },
	/* 7. a non-hex digit in an odd-length key: junk wins */
	{ "0x12g", -EINVAL, NULL },
	/* 8. no prefix */
	{ "1234", -EINVAL, NULL },
	/* 9. the empty string */
	{ "", -EINVAL, NULL },
	/* 10. a blank inside */
	{ "0x12 34", -EINVAL, NULL },
	/* 11. a sign */
	{ "-0x12", -EINVAL, NULL },
	/* 12. exactly the capacity (8 bytes here) */
	{ "0x0001020304050607", 0, "0001020304050607" },
	/* 13. one byte beyond it */
	{ "0x000102030405060708", -ERANGE, NULL },
};

static const struct kvti_command clash[] = {
	{ "sa", 1, nop, "" },
	{ "stats", 1, nop, "" },
};

int main(void)
{
	const struct kvti_command *row;
	struct kvti_addr a;
	bool amb;
	uint64_t v;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(numbers); i++) {
		v = 12345;
		ret = parse_uint(numbers[i].in, numbers[i].max, &v);
		CHECK(ret == numbers[i].ret && (ret || v == numbers[i].out),
		      "number case %zu \"%s\" -> %d %llu", i + 1, numbers[i].in,
		      ret, (unsigned long long)v);
	}

	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		ret = parse_addr(addrs[i].in, &a);
		CHECK(addrs[i].family ? !ret && a.family == addrs[i].family &&
		      a.len == (addrs[i].family == AF_INET ? 4 : 16) : ret == -EINVAL,
		      "address case %zu \"%s\"", i + 1, addrs[i].in);
	}
	/* address bytes are in network order */
	parse_addr("192.0.2.1", &a);
	CHECK(a.bytes[0] == 192 && a.bytes[3] == 1, "IPv4 bytes in network order");

	/* interface names: 1..15 characters */
	CHECK(parse_ifname("vti1") == 0, "ifname vti1");
	CHECK(parse_ifname("abcdefghijklmno") == 0, "ifname of 15 characters");
	CHECK(parse_ifname("abcdefghijklmnop") == -ERANGE, "ifname of 16 characters");
	CHECK(parse_ifname("") == -EINVAL, "empty ifname");

	for (i = 0; i < ARRAY_SIZE(words); i++) {
		row = parse_cmd(words[i].word, table, ARRAY_SIZE(table), &amb);
		CHECK(words[i].want ? row && !strcmp(row->name, words[i].want) :
		      !row && amb == words[i].ambiguous,
		      "word case %zu \"%s\" -> %s", i + 1, words[i].word,
		      row ? row->name : amb ? "(ambiguous)" : "(none)");
	}
	row = parse_cmd("s", clash, ARRAY_SIZE(clash), &amb);
	CHECK(!row && amb, "a clash is reported as ambiguous");

	for (i = 0; i < ARRAY_SIZE(object_words); i++) {
		row = parse_cmd(object_words[i].word, objects, ARRAY_SIZE(objects), &amb);
		CHECK(object_words[i].want ? row && !strcmp(row->name, object_words[i].want) :
		      !row && amb == object_words[i].ambiguous,
		      "object case %zu \"%s\" -> %s", i + 1, object_words[i].word,
		      row ? row->name : amb ? "(ambiguous)" : "(none)");
	}

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		uint8_t key[8];
		char hex[2 * sizeof(key) + 1] = "";
		size_t len = 99, k;

		memset(key, 0xee, sizeof(key));
		ret = parse_hexkey(keys[i].in, key, sizeof(key), &len);
		for (k = 0; !ret && k < len; k++)
			sprintf(hex + 2 * k, "%02x", key[k]);
		CHECK(ret == keys[i].ret && (ret || (len == strlen(keys[i].bytes) / 2 &&
						      !strcmp(hex, keys[i].bytes))),
		      "key case %zu \"%s\" -> %d %s", i + 1, keys[i].in, ret, hex);
	}
	/* checking only: no output buffer, the length is still measured */
	{
		size_t len = 0;

		CHECK(parse_hexkey("0x0011", NULL, 8, &len) == 0 && len == 2,
		      "key check without an output buffer");
	}

	CHECK(parse_enum("in", kvti_dir_names, ARRAY_SIZE(kvti_dir_names)) == KVTI_DIR_IN,
	      "dir in");
	CHECK(parse_enum("out", kvti_dir_names, ARRAY_SIZE(kvti_dir_names)) == KVTI_DIR_OUT,
	      "dir out");
	CHECK(parse_enum("packets", kvti_life_words, KVTI_LIFE_MAX + 1) == KVTI_LIFE_PACKETS,
	      "lifetime kind packets");
	CHECK(parse_enum("kilobytes", kvti_life_words, KVTI_LIFE_MAX + 1) < 0,
	      "no kilobytes");

	CHECK(parse_enum("copy", kvti_df_names, ARRAY_SIZE(kvti_df_names)) == KVTI_DF_COPY,
	      "df-bit copy");
	CHECK(parse_enum("clear", kvti_df_names, ARRAY_SIZE(kvti_df_names)) == KVTI_DF_CLEAR,
	      "df-bit clear");
	CHECK(parse_enum("Copy", kvti_df_names, ARRAY_SIZE(kvti_df_names)) < 0,
	      "df-bit is case-sensitive");
	CHECK(parse_enum("udp", kvti_encap_names, ARRAY_SIZE(kvti_encap_names)) == KVTI_ENCAP_UDP,
	      "encap udp");
	return test_done();
}
