// SPDX-License-Identifier: GPL-2.0
/*
 * config.c: a good file read value by value, the example file, keyring
 * lookups, and bad files each refused with the expected FILE:LINE: message
 * and never with the key in it.  Run from tests/ (run.sh does).
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config.h"
#include "tap.h"

static bool psk_is(const struct buf *b, const void *want, size_t len)
{
	return b && b->len == len && !memcmp(b->data, want, len);
}

static struct ipaddr A(const char *s)
{
	struct ipaddr a;

	ipaddr_parse(s, &a);
	return a;
}

/* 1-24. tests/conf/good.conf */
static void test_good(void)
{
	char err[512] = "";
	struct config *cfg = config_load("conf/good.conf", err, sizeof(err));
	const struct cfg_ike_profile *ike;
	const struct cfg_ipsec_profile *esp;
	const struct cfg_tunnel *t, *t6;
	const struct cfg_keyring *kr;
	struct ike_id id;
	char s[IKE_ID_STRLEN], f[256];

	CHECK(cfg != NULL, "good.conf loads%s%s", err[0] ? ": " : "", err);
	if (!cfg)
		return;
	/* 1. globals */
	CHECK(cfg->max_ike_sa == 200 && cfg->max_half_open == 20, "globals");
	CHECK(cfg->ike_port == 500 && cfg->natt_port == 4500 && cfg->retransmit_ms == 4000 &&
	      cfg->retransmit_tries == 5 && !strcmp(cfg->control, CFG_DEFAULT_CONTROL),
	      "daemon globals default to 500, 4500, 4 s x 5, " CFG_DEFAULT_CONTROL);
	/* 2. counts */
	CHECK(cfg->nkeyrings == 1 && cfg->nike_profiles == 2 && cfg->nipsec_profiles == 2 &&
	      cfg->ntunnels == 2 && cfg->ntemplates == 1, "one keyring, 2+2 profiles, 2 tunnels, 1 template");

	/* 3-8. keyring entries */
	kr = &cfg->keyrings[0];
	CHECK(kr->npeers == 5 && !strcmp(kr->name, "site-keys"), "keyring site-keys has 5 peers");
	CHECK(!kr->peers[0].by_id && kr->peers[0].prefix.len == 24 &&
	      psk_is(kr->peers[0].local, "net-key", 7) && psk_is(kr->peers[0].remote, "net-key", 7),
	      "peer 192.0.2.0/24: one key both ways");
	CHECK(psk_is(kr->peers[1].local, "host key with \"quotes\" and # hash", 33),
	      "peer 192.0.2.2: quoted key with escapes and '#'");
	CHECK(kr->peers[2].by_id && psk_is(kr->peers[2].local, "\x00\xff\x10", 3),
	      "peer fqdn:gw9.example.net: hex key");
	CHECK(kr->peers[3].id.wildcard && psk_is(kr->peers[3].local, "local-key", 9) &&
	      psk_is(kr->peers[3].remote, "remote-key", 10), "peer fqdn:*.example.net: two keys");
	CHECK(!kr->peers[4].by_id && kr->peers[4].prefix.addr.family == 0, "peer any");

	/* 9-14. config_find_psk: identity first, then the longest prefix */
	{
		struct ipaddr a2 = A("192.0.2.2"), a7 = A("192.0.2.7"), other = A("198.51.100.1");
		struct ipaddr v6 = A("2001:db8::7");
		struct ike_id gw9, x, org;

		ike_id_parse("fqdn:gw9.example.net", &gw9, false);
		ike_id_parse("fqdn:X.Example.NET", &x, false);
		ike_id_parse("fqdn:gw.example.org", &org, false);
		CHECK(config_find_psk(kr, &a2, NULL) == &kr->peers[1], "192.0.2.2: its own /32");
		CHECK(config_find_psk(kr, &a7, NULL) == &kr->peers[0], "192.0.2.7: the /24");
		CHECK(config_find_psk(kr, &other, NULL) == &kr->peers[4], "198.51.100.1: any");
		CHECK(config_find_psk(kr, &a2, &gw9) == &kr->peers[2], "exact identity beats address");
		CHECK(config_find_psk(kr, &a2, &x) == &kr->peers[3], "wildcard identity, any case");
		CHECK(config_find_psk(kr, &a7, &org) == &kr->peers[0], "no identity match: address");
		CHECK(config_find_psk(kr, &v6, NULL) == &kr->peers[4], "an IPv6 peer: any");
	}

	/* 15-17. ike-profile ike1, and the defaults */
	ike = &cfg->ike_profiles[0];
	proposal_format(&ike->props[1], f, sizeof(f));
	CHECK(ike->nprops == 2 && !strcmp(f, "aes128-sha256-prfsha256-curve25519"),
	      "ike1 proposals, continued over a line: %s", f);
	CHECK(ike->lifetime == 28800 && ike->keyring == kr && ike->dpd == DPD_PERIODIC &&
	      ike->dpd_interval == 30 && ike->dpd_retries == 5, "ike1 lifetime, keyring, dpd");
	CHECK_STR(ike_id_str(&ike->local_id, s, sizeof(s)), "email:ops@example.net", "ike1 local-id");
	CHECK_STR(ike_id_str(&ike->remote_id, s, sizeof(s)), "fqdn:*.example.net", "ike1 remote-id");
	ike = &cfg->ike_profiles[1];
	proposal_format(&ike->props[0], f, sizeof(f));
	CHECK(ike->nprops == 2 && !strcmp(f, "aes256gcm16-prfsha384-ecp384") &&
	      ike->lifetime == 86400 && ike->dpd == DPD_OFF && ike->local_id.type == IKE_ID_ANY &&
	      ike->remote_id.type == IKE_ID_ANY, "ike-defaults: IOS-like defaults");

	/* 18-20. ipsec-profiles */
	esp = &cfg->ipsec_profiles[0];
	proposal_format(&esp->props[0], f, sizeof(f));
	CHECK(esp->nprops == 3 && !strcmp(f, "aes256gcm16-ecp256-esn"), "esp1: pfs added: %s", f);
	proposal_format(&esp->props[2], f, sizeof(f));
	CHECK(!strcmp(f, "3des-sha1-modp2048") && esp->pfs == IKE_DH_ECP256,
	      "esp1: a proposal with its own group keeps it: %s", f);
	CHECK(esp->life_kilobytes == 100000 && esp->life_seconds == 1800 &&
	      esp->replay_window == 0 && esp->idle_time == 300 && esp->responder_only,
	      "esp1 lifetimes, replay off, idle, responder-only");
	esp = &cfg->ipsec_profiles[1];
	CHECK(esp->nprops == 2 && esp->life_seconds == 3600 && esp->life_kilobytes == 4608000 &&
	      esp->replay_window == 64 && esp->idle_time == 0 && !esp->responder_only &&
	      esp->pfs == IKE_DH_NONE, "esp-defaults: 3600 s, 4608000 KB, window 64");

	/* 21-24. tunnels and the template */
	t = config_find_tunnel(cfg, "vti1");
	CHECK(t && t->npeers == 3 && t->peers[0].is_default && !t->peers[1].is_default &&
	      ipaddr_equal(&t->peers[2].addr, &(struct ipaddr){ 0 }) == false &&
	      t->ike == &cfg->ike_profiles[0] && t->ipsec == &cfg->ipsec_profiles[0],
	      "vti1: three peers in order, the first the default, profiles resolved");
	t6 = config_find_tunnel(cfg, "vti6");
	CHECK(t6 && t6->local.family == AF_INET6 && t6->ike == &cfg->ike_profiles[1],
	      "vti6: IPv6 outer addresses");
	CHECK(!config_find_tunnel(cfg, "vt1") && !config_find_tunnel(cfg, "vti2"),
	      "templates and unknown names are not tunnels");
	t = &cfg->templates[0];
	ike_id_parse("fqdn:a.branch.example.net", &id, false);
	CHECK(t->is_template && t->nmatch_peer == 2 && t->match_peer[1].len == 32 &&
	      t->nmatch_id == 2 && ike_id_match(&t->match_id[0], &id) &&
	      t->match_id[1].type == IKE_ID_KEY_ID && t->match_id[1].len == 2,
	      "template vt1: match-peer list, match-identity patterns");
	CHECK(!strcmp(t->clone_name, "va%d-hub") && t->reverse_route && t->route_distance == 20 &&
	      t->route_tag == 4242, "template vt1: clone-name, route injection on, distance, tag");
	config_free(cfg);
}

/* 25. the example shipped with the keyer */
static void test_example(void)
{
	char err[512] = "";
	struct config *cfg = config_load("../keyer.conf.example", err, sizeof(err));

	CHECK(cfg && cfg->ntunnels == 1 && cfg->ntemplates == 1, "keyer.conf.example loads%s%s",
	      err[0] ? ": " : "", err);
	config_free(cfg);
}

/* Objects the bad cases can refer to; appended after each case's text. */
#define BASE "\nkeyring k { peer any { pre-shared-key = \"s3cret-psk\" } }\n" \
	     "ike-profile i { keyring = k }\nipsec-profile e { }\n"

/* 26-66. Bad files: the first problem, FILE:LINE: message, no key. */
static void test_bad(void)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		/* 26 */ { "tunnel vti1 {\n local = 192.0.2.1\n peer = 192.0.2.2\n ike-profile = nope\n"
			   " ipsec-profile = e\n}\n",
			   "bad.conf:4: tunnel 'vti1': ike-profile 'nope' is not defined" },
		/* 27 */ { "tunnel vti1 { local = 192.0.2.1; peer = 192.0.2.2; ike-profile = i\n"
			   "  ipsec-profile = esp9 }",
			   "bad.conf:2: tunnel 'vti1': ipsec-profile 'esp9' is not defined" },
		/* 28 */ { "ike-profile x {\n keyring = nokr\n}",
			   "bad.conf:2: ike-profile 'x': keyring 'nokr' is not defined" },
		/* 29 */ { "ike-profile x {\n lifetime = 3600\n}",
			   "bad.conf:1: ike-profile 'x' needs a keyring" },
		/* 30 */ { "tunnel vti1 { local = 192.0.2.1; peer = 192.0.2.2; ike-profile = i;"
			   " ipsec-profile = e }\ntemplate vti1 { }",
			   "bad.conf:2: duplicate tunnel or template 'vti1' (first defined at line 1)" },
		/* 31 */ { "keyring k { }",
			   "bad.conf:2: duplicate keyring 'k' (first defined at line 1)" },
		/* 32 */ { "ike-profile x {\n keyring = k\n lifetime = 60\n}",
			   "bad.conf:3: lifetime: expected a number in 120..86400, got '60'" },
		/* 33 */ { "ipsec-profile x { replay-window = 5000 }",
			   "bad.conf:1: replay-window: expected 0 (disable) or 32..4096, got '5000'" },
		/* 34 */ { "ipsec-profile x {\n\n idle-time = 30 }",
			   "bad.conf:3: idle-time: expected a number in 60..86400, got '30'" },
		/* 35 */ { "ipsec-profile x {\n lifetme = 3600\n}",
			   "bad.conf:2: unknown setting 'lifetme' in ipsec-profile 'x'" },
		/* 36 */ { "ipsec-profile x {\n lifetime 3600\n}",
			   "bad.conf:2: expected '=' after 'lifetime', got a value" },
		/* 37 */ { "tunnel vti9 {\n local = 192.0.2.1\n",
			   "bad.conf:4: found keyring inside tunnel 'vti9' (opened at line 1): "
			   "is a '}' missing?" },
		/* 38 */ { "ike-profile x {\n local-id = \"fqdn:gw\n}",
			   "bad.conf:2: unterminated string" },
		/* 39 */ { "ipsec-profile x {\n proposals = aes128gcm16,\n  aes512-sha256\n}",
			   "bad.conf:2: proposals: unknown algorithm 'aes512'" },
		/* 40 */ { "tunnel v { local = 192.0.2.1\n peer = 192.0.2.2\n peer = 192.0.2.3 default\n}",
			   "bad.conf:3: peer: only the first peer can be the default" },
		/* 41 */ { "tunnel v {\n local = 192.0.2.1\n peer = 2001:db8::2\n ike-profile = i\n"
			   " ipsec-profile = e\n}",
			   "bad.conf:3: tunnel 'v': peer 2001:db8::2 is not in the address family of local" },
		/* 42 */ { "tunnel v {\n local = 192.0.2.256\n}",
			   "bad.conf:2: local: expected an IPv4 or IPv6 address, got '192.0.2.256'" },
		/* 43 */ { "keyring k2 {\n peer 192.0.2.9 { pre-shared-key = 0xs3cret-psk }\n}",
			   "bad.conf:2: pre-shared-key: not valid hex (the key is not shown)" },
		/* 44 */ { "keyring k2 {\n peer 192.0.2.9 {\n }\n}",
			   "bad.conf:2: peer 192.0.2.9 in keyring 'k2' needs pre-shared-key" },
		/* 45 */ { "keyring k2 {\n peer 192.0.2.9 { pre-shared-key-local = \"s3cret-psk\" }\n}",
			   "bad.conf:2: peer 192.0.2.9 in keyring 'k2' needs pre-shared-key-remote" },
		/* 46 */ { "keyring k2 {\n peer 192.0.2.9 {\n  pre-shared-key = \"s3cret-psk\"\n"
			   "  pre-shared-key-local = \"s3cret-psk\"\n }\n}",
			   "bad.conf:4: pre-shared-key-local: cannot be combined with pre-shared-key" },
		/* 47 */ { "keyring k2 {\n peer 192.0.2.9 { pre-shared-key \"s3cret-psk\" }\n}",
			   "bad.conf:2: expected '=' after 'pre-shared-key', got a value" },
		/* 48 */ { "keyring k2 {\n peer gw.example.net { pre-shared-key = x }\n}",
			   "bad.conf:2: peer: expected an address, PREFIX/LEN, any or an identity "
			   "(fqdn:, email:, key-id:), got 'gw.example.net'" },
		/* 49 */ { "ike-profile x {\n keyring = k\n lifetime = 3600\n lifetime = 7200\n}",
			   "bad.conf:4: 'lifetime' set twice (first at line 3)" },
		/* 50 */ { "tunel vti1 {\n}", "bad.conf:1: unknown object 'tunel' (expected keyring, "
			   "ike-profile, ipsec-profile, tunnel, template or a global setting)" },
		/* 51 */ { "tunnel v {\n local = 192.0.2.1\n ike-profile = i\n ipsec-profile = e\n}",
			   "bad.conf:1: tunnel 'v' needs at least one peer" },
		/* 52 */ { "ike-profile x {\n keyring = k\n dpd = 10 1 periodic\n}",
			   "bad.conf:3: dpd retries: expected a number in 2..60, got '1'" },
		/* 53 */ { "tunnel averyveryverylongname { }",
			   "bad.conf:1: tunnel name 'averyveryverylongname' must be 1..15 characters" },
		/* 54 */ { "tunnel a { local = 192.0.2.1; peer = 192.0.2.2; ike-profile = i;"
			   " ipsec-profile = e }\ntunnel b { local = 192.0.2.1\n peer = 192.0.2.2\n"
			   " ike-profile = i; ipsec-profile = e }",
			   "bad.conf:3: tunnel 'b': peer 192.0.2.2 with local 192.0.2.1 is already used "
			   "by tunnel 'a' (line 1)" },
		/* 55 */ { "ipsec-profile x {\n lifetime =\n}",
			   "bad.conf:2: lifetime: expected a value after '='" },
		/* 56 */ { "ipsec-profile x { pfs = group5 }",
			   "bad.conf:1: pfs: expected none or a DH group (modp2048, modp3072, modp4096, "
			   "ecp256, ecp384, ecp521, x25519), got 'group5'" },
		/* 57 */ { "max-sa = 3", "bad.conf:1: unknown setting 'max-sa'" },
		/* 58 */ { "max-ike-sa = 10\nmax-ike-sa = 20",
			   "bad.conf:2: 'max-ike-sa' set twice (first at line 1)" },
		/* 59 */ { "ipsec-profile x { responder-only = maybe }",
			   "bad.conf:1: responder-only: expected yes or no, got 'maybe'" },
		/* 60 */ { "ike-profile x { keyring = k; remote-id = fqdn: }",
			   "bad.conf:1: remote-id: expected any, an address, fqdn:NAME, email:USER@NAME "
			   "or key-id:ID, got 'fqdn:'" },
		/* 61 */ { "ike-port = 0", "bad.conf:1: ike-port: expected a number in 1..65535, got '0'" },
		/* 62 */ { "ike-port = 4500", "bad.conf:1: ike-port and nat-t-port must differ" },
		/* 63 */ { "retransmit-timeout = 5", "bad.conf:1: retransmit-timeout: expected a number "
			   "in 10..60000, got '5'" },
		/* 64 */ { "control-socket = run/k.sock", "bad.conf:1: control-socket: expected an "
			   "absolute path of at most 107 bytes" },
		{ "template t {\n clone-name = dvti\n}", "bad.conf:2: clone-name: expected a name "
			   "with one %d, at most 10 other characters, got 'dvti'" },
		{ "template t { clone-name = d%d%d }", "bad.conf:1: clone-name: expected a name "
			   "with one %d, at most 10 other characters, got 'd%d%d'" },
		{ "template t { clone-name = dynamicvtis%d }", "bad.conf:1: clone-name: expected a "
			   "name with one %d, at most 10 other characters, got 'dynamicvtis%d'" },
		{ "template t { clone-name = a/%d }",
			   "bad.conf:1: clone-name: '/' cannot be in an interface name" },
		{ "tunnel t {\n fvrf = inet:a\n}",
			   "bad.conf:2: fvrf: ':' cannot be in an interface name" },
		{ "template t { fvrf = a-very-long-vrf-name }",
			   "bad.conf:1: fvrf: 'a-very-long-vrf-name' is longer than 15 characters" },
		{ "template t { route-tag = 70000 }",
			   "bad.conf:1: route-tag: expected a number in 1..65535, got '70000'" },
		{ "template t { route-distance = 0 }",
			   "bad.conf:1: route-distance: expected a number in 1..255, got '0'" },
		{ "template t { reverse-route = sometimes }",
			   "bad.conf:1: reverse-route: expected yes or no, got 'sometimes'" },
		{ "tunnel v { local-networks = 10.0.0.0/33 }", "bad.conf:1: local-networks: "
			   "expected an address or PREFIX/LEN, got '10.0.0.0/33'" },
		{ "tunnel v { local-networks = 10.0.0.0/8 10.1.0.0/16 }", "bad.conf:1: "
			   "local-networks: expected prefixes separated by ','" },
	};
	char err[512], *text;
	struct config *cfg;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].text) + sizeof(BASE);

		text = malloc(len);
		snprintf(text, len, "%s%s", cases[i].text, BASE);
		err[0] = '\0';
		cfg = config_parse("bad.conf", text, strlen(text), err, sizeof(err));
		CHECK(!cfg, "bad case %zu refused", i + 1);
		CHECK_STR(err, cases[i].want, "  with: %s", cases[i].want);
		CHECK(!strstr(err, "s3cret"), "  and without the key");
		config_free(cfg);
		free(text);
	}

	/* 65. a block still open at the end of the file */
	text = "tunnel vti9 {\n local = 192.0.2.1\n";
	cfg = config_parse("bad.conf", text, strlen(text), err, sizeof(err));
	CHECK(!cfg, "an unclosed block is refused");
	CHECK_STR(err, "bad.conf:3: missing '}' for tunnel 'vti9' opened at line 1",
		  "  at the end of the file");

	/* 66. the same from a file, and a file that is not there */
	cfg = config_load("conf/bad-reference.conf", err, sizeof(err));
	CHECK(!cfg, "bad-reference.conf refused");
	CHECK_STR(err, "conf/bad-reference.conf:8: tunnel 'vti1': ipsec-profile 'missing' is "
		  "not defined", "  with its file name and line");
	cfg = config_load("conf/no-such.conf", err, sizeof(err));
	CHECK(!cfg, "a missing file is refused");
	CHECK_STR(err, "conf/no-such.conf: No such file or directory", "  with errno's text");
}

/* 67. identities print and match as documented */
static void test_identities(void)
{
	static const struct {
		const char *pattern, *id;
		bool match;
	} cases[] = {
		{ "any", "fqdn:gw1.example.net", true },
		{ "fqdn:gw1.example.net", "fqdn:GW1.example.net", true },
		{ "fqdn:*.example.net", "fqdn:gw1.example.net", true },
		{ "fqdn:*.example.net", "fqdn:example.net", false },
		{ "fqdn:*.example.net", "email:gw1@example.net", false },
		{ "email:*@example.net", "email:ops@example.net", true },
		{ "192.0.2.1", "address:192.0.2.1", true },
		{ "2001:db8::1", "2001:db8::2", false },
		{ "key-id:0x0102", "key-id:0x0102", true },
		{ "key-id:branch7", "key-id:0x6272616e636837", true },
	};
	struct ike_id p, id;
	char s[IKE_ID_STRLEN];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(ike_id_parse(cases[i].pattern, &p, true) == 0 &&
		      ike_id_parse(cases[i].id, &id, false) == 0 &&
		      ike_id_match(&p, &id) == cases[i].match, "%s %s %s", cases[i].pattern,
		      cases[i].match ? "matches" : "does not match", cases[i].id);
	ike_id_parse("key-id:0x00ff", &id, false);
	CHECK_STR(ike_id_str(&id, s, sizeof(s)), "key-id:0x00ff", "binary key-id prints as hex");
	ike_id_parse("2001:db8::1", &id, false);
	CHECK_STR(ike_id_str(&id, s, sizeof(s)), "2001:db8::1", "an IPv6 identity prints");
	CHECK(ike_id_parse("any", &id, false) < 0 && ike_id_parse("email:nobody", &id, false) < 0 &&
	      ike_id_parse("gw.example.net", &id, false) < 0, "invalid identities refused");
}

/* 68. seeded random edits of good.conf: refused or read, never a crash (ASan) */
static void test_mutations(void)
{
	static const char junk[] = "{}=,;#\"\\\n \t0x:/*-.";
	uint64_t x = 0x6b767469ULL;
	struct buf *good = buf_new(4096), *b;
	unsigned int i, k, read_ok = 0, msg_ok = 0;
	char err[512];
	FILE *f = fopen("conf/good.conf", "r");
	size_t n;

	while (f && (n = fread(buf_grow(good, 512), 1, 512, f)) == 512)
		;
	if (f) {
		buf_truncate(good, good->len - 512 + n);
		fclose(f);
	}
	for (i = 0; i < 20000; i++) {
		struct config *cfg;

		b = buf_dup(good);
		for (k = 0; k < 1 + i % 4; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if (x % 3 == 0)
				buf_truncate(b, x % (b->len + 1));
			else if (b->len)
				b->data[(x >> 8) % b->len] = (uint8_t)junk[(x >> 32) % (sizeof(junk) - 1)];
		}
		err[0] = '\0';
		cfg = config_parse("m.conf", (const char *)b->data, b->len, err, sizeof(err));
		read_ok += cfg != NULL;
		msg_ok += cfg != NULL || !strncmp(err, "m.conf:", 7);
		config_free(cfg);
		buf_free(b);
	}
	CHECK(msg_ok == 20000, "20000 edited files: %u read, every refusal says m.conf:LINE:", read_ok);
	buf_free(good);
}

int main(void)
{
	test_good();
	test_example();
	test_bad();
	test_identities();
	test_mutations();
	return tap_done();
}
