// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - addresses, prefixes and identities (addr.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "addr.h"
#include "buf.h"
#include "ikev2.h"

int ipaddr_parse(const char *s, struct ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -1;
}

size_t ipaddr_len(const struct ipaddr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

bool ipaddr_equal(const struct ipaddr *a, const struct ipaddr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, ipaddr_len(a));
}

/* "ADDR" (a host prefix) or "ADDR/LEN"; host bits are cleared. */
int ipprefix_parse(const char *s, struct ipprefix *out)
{
	char addr[ADDR_STRLEN + 1], *end;
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s), i;
	unsigned long len;

	if (alen > ADDR_STRLEN)
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (ipaddr_parse(addr, &out->addr) < 0)
		return -1;
	len = 8 * ipaddr_len(&out->addr);
	if (slash) {
		if (!isdigit((unsigned char)slash[1]))
			return -1;
		len = strtoul(slash + 1, &end, 10);
		if (*end || len > 8 * ipaddr_len(&out->addr))
			return -1;
	}
	out->len = (uint8_t)len;
	for (i = 0; i < 16; i++) {
		if (len >= 8) {
			len -= 8;
			continue;
		}
		out->addr.a[i] &= (uint8_t)(0xff00 >> len);
		len = 0;
	}
	return 0;
}

bool ipprefix_contains(const struct ipprefix *p, const struct ipaddr *a)
{
	size_t bytes = p->len / 8, bits = p->len % 8;

	if (p->addr.family != a->family)
		return false;
	if (memcmp(p->addr.a, a->a, bytes))
		return false;
	return !bits || !((p->addr.a[bytes] ^ a->a[bytes]) & (0xff00 >> bits));
}

const char *ipaddr_str(const struct ipaddr *a, char *out)
{
	if (!inet_ntop(a->family, a->a, out, ADDR_STRLEN))
		strcpy(out, "?");
	return out;
}

static int set_data(struct ike_id *id, const void *p, size_t len)
{
	if (len == 0 || len > IKE_ID_MAX)
		return -1;
	memcpy(id->data, p, len);
	id->len = (uint16_t)len;
	return 0;
}

void ike_id_from_addr(struct ike_id *out, const struct ipaddr *a)
{
	memset(out, 0, sizeof(*out));
	out->type = a->family == AF_INET ? IKE_ID_IPV4_ADDR : IKE_ID_IPV6_ADDR;
	out->len = (uint16_t)ipaddr_len(a);
	memcpy(out->data, a->a, out->len);
}

int ike_id_parse(const char *s, struct ike_id *out, bool pattern)
{
	static const struct {
		const char *prefix;
		uint8_t type;
	} kinds[] = {
		{ "fqdn:", IKE_ID_FQDN },
		{ "email:", IKE_ID_RFC822_ADDR },
		{ "user-fqdn:", IKE_ID_RFC822_ADDR },
		{ "key-id:", IKE_ID_KEY_ID },
		{ "address:", 0 },
	};
	struct ipaddr a;
	const char *v = s;
	size_t i, len;

	memset(out, 0, sizeof(*out));
	if (!strcasecmp(s, "any")) {
		out->type = IKE_ID_ANY;
		return pattern ? 0 : -1;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strncasecmp(s, kinds[i].prefix, strlen(kinds[i].prefix))) {
			v = s + strlen(kinds[i].prefix);
			out->type = kinds[i].type;
			break;
		}
	if (!out->type) {
		if (ipaddr_parse(v, &a) < 0)
			return -1;
		ike_id_from_addr(out, &a);
		return 0;
	}
	if (out->type == IKE_ID_KEY_ID && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		if (hex_decode(v, out->data, IKE_ID_MAX, &len) < 0 || !len)
			return -1;
		out->len = (uint16_t)len;
		return 0;
	}
	if (pattern && v[0] == '*' &&
	    ((out->type == IKE_ID_FQDN && v[1] == '.') ||
	     (out->type == IKE_ID_RFC822_ADDR && v[1] == '@'))) {
		out->wildcard = true;
		v++;
	}
	if (out->type == IKE_ID_RFC822_ADDR && !out->wildcard && !strchr(v, '@'))
		return -1;
	return set_data(out, v, strlen(v));
}

int ike_id_from_wire(struct ike_id *out, uint8_t type, const uint8_t *data, size_t len)
{
	memset(out, 0, sizeof(*out));
	out->type = type;
	if (type == IKE_ID_ANY)
		return -1;
	return set_data(out, data, len);
}

static bool text_type(uint8_t type)
{
	return type == IKE_ID_FQDN || type == IKE_ID_RFC822_ADDR;
}

bool ike_id_match(const struct ike_id *pat, const struct ike_id *id)
{
	if (pat->type == IKE_ID_ANY)
		return true;
	if (pat->type != id->type)
		return false;
	if (pat->wildcard)
		return id->len > pat->len &&
		       !strncasecmp((const char *)id->data + id->len - pat->len,
				    (const char *)pat->data, pat->len);
	if (pat->len != id->len)
		return false;
	if (text_type(pat->type))
		return !strncasecmp((const char *)pat->data, (const char *)id->data, pat->len);
	return !memcmp(pat->data, id->data, pat->len);
}

/* Printable form; non-printable bytes make it hex (key-id:0x...). */
const char *ike_id_str(const struct ike_id *id, char *out, size_t len)
{
	const char *kind = "";
	char addr[ADDR_STRLEN];
	struct ipaddr a = { 0 };
	bool printable = true;
	size_t i, used;

	switch (id->type) {
	case IKE_ID_ANY:
		snprintf(out, len, "any");
		return out;
	case IKE_ID_IPV4_ADDR:
	case IKE_ID_IPV6_ADDR:
		a.family = id->type == IKE_ID_IPV4_ADDR ? AF_INET : AF_INET6;
		if (id->len != ipaddr_len(&a))
			break;
		memcpy(a.a, id->data, id->len);
		snprintf(out, len, "%s", ipaddr_str(&a, addr));
		return out;
	case IKE_ID_FQDN:
		kind = "fqdn:";
		break;
	case IKE_ID_RFC822_ADDR:
		kind = "email:";
		break;
	case IKE_ID_KEY_ID:
		kind = "key-id:";
		break;
	default:
		break;
	}
	for (i = 0; i < id->len; i++)
		if (!isgraph(id->data[i]))
			printable = false;
	if (!*kind)
		snprintf(out, len, "id%u:", id->type);
	else
		snprintf(out, len, "%s%s", kind, id->wildcard ? "*" : "");
	used = strlen(out);
	if (printable) {
		snprintf(out + used, len - used, "%.*s", (int)id->len, (const char *)id->data);
		return out;
	}
	snprintf(out + used, len - used, "0x");
	for (i = 0, used += 2; i < id->len && used + 3 <= len; i++, used += 2)
		snprintf(out + used, len - used, "%02x", id->data[i]);
	return out;
}
