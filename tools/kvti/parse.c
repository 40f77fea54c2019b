// SPDX-License-Identifier: GPL-2.0
/*
 * Strict parsers for what users type.  Nothing here prints or exits: each
 * returns 0 or a negative errno and the caller words the complaint.
 *
 * Stricter than strtoul(3) on purpose: no sign, no leading blanks, no
 * trailing junk, no silent octal ("010" is ten); 0x... is hexadecimal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "kvti.h"

static int digit_value(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < (int)base ? v : -1;
}

int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	bool overflow = false;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = digit_value(*s, base);
		if (d < 0)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			overflow = true;	/* keep going: junk beats range */
		else
			v = v * base + d;
	}
	if (overflow || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_addr(const char *s, struct kvti_addr *addr)
{
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, s, addr->bytes) == 1) {
		addr->family = AF_INET;
		addr->len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr->bytes) == 1) {
		addr->family = AF_INET6;
		addr->len = 16;
		return 0;
	}
	return -EINVAL;
}

/*
 * Only what cannot be sent is refused here: the kernel attribute holds
 * fewer than KVTI_IFNAMSIZ bytes.  Which characters a name may hold is the
 * kernel's decision (dev_valid_name()), and it says so with an extack.
 */
int parse_ifname(const char *s)
{
	size_t len = strlen(s);

	if (!len)
		return -EINVAL;
	if (len >= KVTI_IFNAMSIZ)
		return -ERANGE;
	return 0;
}

/*
 * A word too short for any row it prefixes is still reported as ambiguous
 * when it prefixes two: "kvti s" could be sa or stats, not "unknown".
 */
const struct kvti_command *parse_cmd(const char *word, const struct kvti_command *table,
				 size_t n, bool *ambiguous)
{
	const struct kvti_command *found = NULL;
	size_t len = strlen(word), i, prefixed = 0;

	*ambiguous = false;
	for (i = 0; i < n; i++)
		if (!strcmp(word, table[i].name))
			return &table[i];
	for (i = 0; i < n; i++) {
		if (!len || strncmp(word, table[i].name, len))
			continue;
		prefixed++;
		if (len < table[i].abbrev)
			continue;
		if (found) {
			*ambiguous = true;
			return NULL;
		}
		found = &table[i];
	}
	if (!found && prefixed > 1)
		*ambiguous = true;
	return found;
}

int parse_enum(const char *word, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] && !strcmp(word, names[i]))
			return (int)i;
	return -EINVAL;
}

/*
 * KEYHEX: "0x" and an even number of hex digits, either case; "0x" alone is
 * the empty key (ecb(cipher_null)).  With out NULL only checks and measures.
 * Never says which digit was wrong: the caller must not echo a key.
 */
int parse_hexkey(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t digits, i;
	int hi, lo;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return -EINVAL;
	s += 2;
	digits = strlen(s);
	for (i = 0; i < digits; i++)
		if (digit_value(s[i], 16) < 0)
			return -EINVAL;
	if (digits % 2)
		return -EILSEQ;
	if (digits / 2 > cap)
		return -ERANGE;
	for (i = 0; out && i < digits / 2; i++) {
		hi = digit_value(s[2 * i], 16);
		lo = digit_value(s[2 * i + 1], 16);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = digits / 2;
	return 0;
}
