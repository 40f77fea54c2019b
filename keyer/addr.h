/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - addresses, prefixes and IKE identities: parsed from the
 * configuration, compared with what a peer presents, printed in logs.
 *
 * Identity syntax (keyer.conf(5)), close to Cisco's "identity" words:
 *   192.0.2.1, 2001:db8::1 or address:ADDR   ID_IPV4_ADDR / ID_IPV6_ADDR
 *   fqdn:gw1.example.net                      ID_FQDN
 *   email:user@example.net                    ID_RFC822_ADDR (USER_FQDN)
 *   key-id:branch7  or  key-id:0x0a0b...      ID_KEY_ID (text or hex)
 *   any                                       matches every identity
 * As a pattern (remote-id, keyring peers, templates) fqdn:*.example.net
 * and email:*@example.net match by suffix, case-insensitively.
 */
#ifndef KEYER_ADDR_H
#define KEYER_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IKE_ID_MAX		255
#define ADDR_STRLEN		46	/* INET6_ADDRSTRLEN */
#define IKE_ID_STRLEN		(16 + 2 * IKE_ID_MAX + 3)

struct ipaddr {
	uint8_t	family;		/* AF_INET, AF_INET6; 0 = unset */
	uint8_t	a[16];		/* network order; IPv4 in the first 4 bytes */
};

struct ipprefix {
	struct ipaddr	addr;	/* host bits cleared */
	uint8_t		len;
};

struct ike_id {
	uint8_t		type;		/* enum ike_id_type; IKE_ID_ANY = any */
	bool		wildcard;	/* data is a suffix after '*' */
	uint16_t	len;
	uint8_t		data[IKE_ID_MAX];
};

/* addr.c */
int ipaddr_parse(const char *s, struct ipaddr *out);
int ipprefix_parse(const char *s, struct ipprefix *out);
size_t ipaddr_len(const struct ipaddr *a);
bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b);
bool ipprefix_contains(const struct ipprefix *p, const struct ipaddr *a);
const char *ipaddr_str(const struct ipaddr *a, char *out);
int ike_id_parse(const char *s, struct ike_id *out, bool pattern);
int ike_id_from_wire(struct ike_id *out, uint8_t type, const uint8_t *data, size_t len);
void ike_id_from_addr(struct ike_id *out, const struct ipaddr *a);
bool ike_id_match(const struct ike_id *pattern, const struct ike_id *id);
const char *ike_id_str(const struct ike_id *id, char *out, size_t len);

#endif /* KEYER_ADDR_H */
