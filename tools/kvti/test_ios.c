// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of kvti import-ios's small parsers: netmasks, prefixes,
 * interface abbreviations, DH groups, keyword matching, and the masking
 * of keys in the lines a diagnostic echoes.  test_import.sh runs whole
 * configurations.
 */
#include <sys/socket.h>

#include "ios.h"
#include "test.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *mask;
	int ret;
	unsigned int plen;
} masks[] = {
	/* 1. a host */
	{ "255.255.255.255", 0, 32 },
	/* 2. a /24 */
	{ "255.255.255.0", 0, 24 },
	/* 3. a /25 */
	{ "255.255.255.128", 0, 25 },
	/* 4. any */
	{ "0.0.0.0", 0, 0 },
	/* 5. a hole: refused */
	{ "255.0.255.0", -1, 0 },
	/* 6. a wildcard mask (ACL style): refused */
	{ "0.0.0.255", -1, 0 },
	/* 7. not an address */
	{ "255.255.255", -1, 0 },
};

static const struct {
	const char *in;
	int ret;
	int family;
	unsigned int plen;
	const char *out;
} prefixes[] = {
	/* 1. IPv6 as IOS writes it */
	{ "2001:db8:1::/48", 0, AF_INET6, 48, "2001:db8:1::/48" },
	/* 2. an IPv6 host */
	{ "2001:db8::1/128", 0, AF_INET6, 128, "2001:db8::1/128" },
	/* 3. IPv4 with a length */
	{ "192.0.2.0/24", 0, AF_INET, 24, "192.0.2.0/24" },
	/* 4. a length beyond the family's */
	{ "192.0.2.0/33", -1, 0, 0, NULL },
	/* 5. no length */
	{ "2001:db8::1", -1, 0, 0, NULL },
	/* 6. junk after the length */
	{ "2001:db8::/48x", -1, 0, 0, NULL },
	/* 7. an empty length */
	{ "2001:db8::/", -1, 0, 0, NULL },
};

static const struct {
	const char *ref, *name;
	bool eq;
} ifaces[] = {
	/* 1. the full name, another case */
	{ "gigabitethernet0/0", "GigabitEthernet0/0", true },
	/* 2. IOS's short form */
	{ "Gi0/0", "GigabitEthernet0/0", true },
	/* 3. another unit */
	{ "Gi0/1", "GigabitEthernet0/0", false },
	/* 4. Tu0 is Tunnel0 */
	{ "Tu0", "Tunnel0", true },
	/* 5. one letter is too short to tell */
	{ "T0", "Tunnel0", false },
	/* 6. a subinterface */
	{ "Gi0/0.100", "GigabitEthernet0/0.100", true },
	/* 7. not a prefix of the type */
	{ "Lo0", "GigabitEthernet0", false },
	/* 8. Tunnel1 is not Tunnel10 */
	{ "Tunnel1", "Tunnel10", false },
	/* 9. a longer type than the name's */
	{ "Loopbacks0", "Loopback0", false },
};

static const struct {
	unsigned long group;
	const char *name;
	bool weak;
} groups[] = {
	/* 1. group 14 */
	{ 14, "modp2048", false },
	/* 2. group 19 */
	{ 19, "ecp256", false },
	/* 3. group 20 */
	{ 20, "ecp384", false },
	/* 4. group 21 */
	{ 21, "ecp521", false },
	/* 5. group 31 */
	{ 31, "x25519", false },
	/* 6. group 2: not offered, modp2048 stands in */
	{ 2, "modp2048", true },
	/* 7. group 5 likewise */
	{ 5, "modp2048", true },
	/* 8. group 24 likewise */
	{ 24, "modp2048", true },
	/* 9. no such group */
	{ 17, NULL, false },
};

static const struct {
	const char *line;
	const char *shown;
} secrets[] = {
	/* 1. crypto isakmp key KEY address */
	{ "crypto isakmp key Cisco12345 address 0.0.0.0 0.0.0.0",
	  "crypto isakmp key <key> address 0.0.0.0 0.0.0.0" },
	/* 2. the type before an encrypted key */
	{ "crypto isakmp key 6 FLgBaJ address 192.0.2.3",
	  "crypto isakmp key 6 <key> address 192.0.2.3" },
	/* 3. a key that is one digit, no type */
	{ "crypto isakmp key 7 address 192.0.2.3", "crypto isakmp key <key> address 192.0.2.3" },
	/* 4. a keyring's key at the end */
	{ "pre-shared-key address 192.0.2.5 key 0 s3cret",
	  "pre-shared-key address 192.0.2.5 key 0 <key>" },
	/* 5. crypto ikev2 keyring: local and remote */
	{ "pre-shared-key local s3cret", "pre-shared-key local <key>" },
	{ "pre-shared-key remote 6 s3cret", "pre-shared-key remote 6 <key>" },
	/* 6. crypto ikev2 keyring: one key */
	{ "pre-shared-key s3cret", "pre-shared-key <key>" },
	/* 7. crypto ikev2 profile */
	{ "authentication remote pre-share key s3cret",
	  "authentication remote pre-share key <key>" },
	/* 8. nothing secret */
	{ "set transform-set T1", "set transform-set T1" },
	/* 9. "key" as the last word has nothing after it */
	{ "crypto isakmp key", "crypto isakmp key" },
};

static void split(char *buf, struct ios_line *l)
{
	char *save = NULL, *w;

	memset(l, 0, sizeof(*l));
	for (w = strtok_r(buf, " ", &save); w && l->n < IOS_WORDS; w = strtok_r(NULL, " ", &save))
		l->w[l->n++] = w;
}

int main(void)
{
	struct ios_line l;
	struct ios_addr a;
	char buf[256], out[256];
	unsigned int plen;
	const char *name;
	size_t i;
	bool weak;
	int ret;

	for (i = 0; i < N_OF(masks); i++) {
		plen = 99;
		ret = ios_mask_len(masks[i].mask, &plen);
		CHECK((ret == 0) == (masks[i].ret == 0) && (ret || plen == masks[i].plen),
		      "mask %zu: %s -> %d /%u", i + 1, masks[i].mask, ret, plen);
	}
	for (i = 0; i < N_OF(prefixes); i++) {
		ret = ios_parse_prefix(prefixes[i].in, &a);
		CHECK((ret == 0) == (prefixes[i].ret == 0) &&
		      (ret || (a.family == prefixes[i].family && a.plen == prefixes[i].plen)),
		      "prefix %zu: %s", i + 1, prefixes[i].in);
		if (!ret && prefixes[i].out)
			CHECK_STR(ios_addr_str(&a, true, out, sizeof(out)), prefixes[i].out,
				  "prefix %zu: printed back", i + 1);
	}
	for (i = 0; i < N_OF(ifaces); i++)
		CHECK(ios_iface_ref_eq(ifaces[i].ref, ifaces[i].name) == ifaces[i].eq,
		      "interface %zu: %s %s %s", i + 1, ifaces[i].ref,
		      ifaces[i].eq ? "is" : "is not", ifaces[i].name);
	for (i = 0; i < N_OF(groups); i++) {
		name = ios_dh_name(groups[i].group, &weak);
		CHECK((!name && !groups[i].name) ||
		      (name && groups[i].name && !strcmp(name, groups[i].name) &&
		       weak == groups[i].weak),
		      "DH group %lu -> %s%s", groups[i].group, name ? name : "none",
		      weak ? " (stands in)" : "");
	}
	for (i = 0; i < N_OF(secrets); i++) {
		snprintf(buf, sizeof(buf), "%s", secrets[i].line);
		split(buf, &l);
		ios_line_text(&l, out, sizeof(out));
		CHECK_STR(out, secrets[i].shown, "secret %zu: the key is masked", i + 1);
	}

	/* keywords: case does not matter, every word must match, none more */
	snprintf(buf, sizeof(buf), "crypto IPsec transform-set T1 esp-3des");
	split(buf, &l);
	CHECK(ios_match(&l, 0, "crypto ipsec transform-set") == 3, "match: three keywords, any case");
	CHECK(ios_match(&l, 0, "crypto ipsec profile") == 0, "match: a different third word");
	CHECK(ios_match(&l, 3, "T1 esp-3des") == 5, "match: from a later word");
	CHECK(ios_match(&l, 3, "T1 esp-3des esp-sha-hmac") == 0, "match: more keywords than words");
	return test_done();
}
