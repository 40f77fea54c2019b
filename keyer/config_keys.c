// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the settings of each configuration object: how a value is
 * read and which range it must be in (defaults are set where an object
 * starts, in config.c).  Messages name the setting and what was expected;
 * a pre-shared key is never part of one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <linux/kvti.h>

#include "config_int.h"

/* The single word of a value, or an error naming what was expected. */
static const char *one_word(struct parser *ps, const struct value *v, const char *key,
			    const char *what)
{
	if (v->ngroups != 1 || v->nwords[0] != 1) {
		cfg_error(ps, v->line, "%s: expected %s", key, what);
		return NULL;
	}
	return v->word[0][0];
}

static int parse_uint(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int get_uint(struct parser *ps, const char *s, int line, const char *key,
		    uint64_t min, uint64_t max, uint64_t *out)
{
	if (parse_uint(s, out) < 0 || *out < min || *out > max)
		return cfg_error(ps, line, "%s: expected a number in %llu..%llu, got '%s'", key,
				 (unsigned long long)min, (unsigned long long)max, s);
	return 0;
}

/* KEY = N, one number in MIN..MAX. */
static int get_number(struct parser *ps, const struct value *v, const char *key, uint32_t min,
		      uint32_t max, uint32_t *out)
{
	const char *s = one_word(ps, v, key, "a number");
	uint64_t n;

	if (!s || get_uint(ps, s, v->line, key, min, max, &n) < 0)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

static int get_bool(struct parser *ps, const struct value *v, const char *key, bool *out)
{
	const char *s = one_word(ps, v, key, "yes or no");

	if (!s)
		return -1;
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "true") || !strcasecmp(s, "on"))
		*out = true;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "false") || !strcasecmp(s, "off"))
		*out = false;
	else
		return cfg_error(ps, v->line, "%s: expected yes or no, got '%s'", key, s);
	return 0;
}

int cfg_get_name(struct parser *ps, const char *s, int line, const char *what, char *out,
		 size_t size)
{
	size_t i, len = strlen(s);

	if (len == 0 || len >= size)
		return cfg_error(ps, line, "%s name '%s' must be 1..%zu characters", what, s,
				 size - 1);
	for (i = 0; i < len; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return cfg_error(ps, line,
					 "%s name '%s': use letters, digits, '-', '_', '.'", what,
					 s);
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return cfg_error(ps, line, "%s name '%s' is not allowed", what, s);
	memcpy(out, s, len + 1);
	return 0;
}

static int get_ref(struct parser *ps, const struct value *v, const char *key,
		   char *out, int *line)
{
	const char *s = one_word(ps, v, key, "a name");

	if (!s)
		return -1;
	*line = v->line;
	return cfg_get_name(ps, s, v->line, key, out, CFG_NAME_MAX);
}

static int get_addr(struct parser *ps, const char *s, int line, const char *key, struct ipaddr *out)
{
	if (ipaddr_parse(s, out) < 0)
		return cfg_error(ps, line, "%s: expected an IPv4 or IPv6 address, got '%s'", key,
				 s);
	return 0;
}

static int get_proposals(struct parser *ps, const struct value *v, const char *key,
			 uint8_t proto, struct ike_proposal *out, size_t *n)
{
	char msg[200];
	size_t g;

	*n = 0;
	if (v->ngroups > PROPOSAL_MAX)
		return cfg_error(ps, v->line, "%s: at most %d proposals", key, PROPOSAL_MAX);
	for (g = 0; g < v->ngroups; g++) {
		if (v->nwords[g] != 1)
			return cfg_error(ps, v->line, "%s: expected proposals separated by ','",
					 key);
		if (proposal_parse(v->word[g][0], proto, &out[g], msg, sizeof(msg)) < 0)
			return cfg_error(ps, v->line, "%s: %s", key, msg);
		out[g].num = (uint8_t)(g + 1);
	}
	*n = v->ngroups;
	return 0;
}

/* A PSK: a "quoted string" is taken as is, an unquoted 0x... as hex. */
static int get_psk(struct parser *ps, const struct value *v, const char *key,
		   struct buf **out)
{
	const char *s;
	struct buf *b;

	if (v->ngroups != 1 || v->nwords[0] != 1)
		return cfg_error(ps, v->line, "%s: expected one key (quote it if it has spaces)",
				 key);
	s = v->word[0][0];
	if (*out)
		return cfg_error(ps, v->line, "%s: set twice", key);
	if (!v->quoted[0][0] && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		b = buf_from_hex(s);
	else
		b = buf_from(s, strlen(s));
	if (!b)
		return cfg_error(ps, v->line, "%s: not valid hex (the key is not shown)", key);
	if (b->len == 0) {
		buf_free(b);
		return cfg_error(ps, v->line, "%s: empty key", key);
	}
	*out = b;
	return 0;
}

/* keyring ... { peer SELECTOR { ... } } */

static int key_psk(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct psk_state *st = obj;

	if (st->one)
		return cfg_error(ps, v->line,
				 "%s: cannot be combined with pre-shared-key-local/-remote", key);
	if (get_psk(ps, v, key, &st->psk->local) < 0)
		return -1;
	st->psk->remote = buf_dup(st->psk->local);
	if (!st->psk->remote)
		return cfg_error(ps, v->line, "out of memory");
	st->both = true;
	return 0;
}

static int key_psk_local(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct psk_state *st = obj;

	if (st->both)
		return cfg_error(ps, v->line, "%s: cannot be combined with pre-shared-key", key);
	st->one = true;
	return get_psk(ps, v, key, &st->psk->local);
}

static int key_psk_remote(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct psk_state *st = obj;

	if (st->both)
		return cfg_error(ps, v->line, "%s: cannot be combined with pre-shared-key", key);
	st->one = true;
	return get_psk(ps, v, key, &st->psk->remote);
}

const struct key_handler cfg_psk_keys[] = {
	{ "pre-shared-key", false, key_psk },
	{ "pre-shared-key-local", false, key_psk_local },
	{ "pre-shared-key-remote", false, key_psk_remote },
};
const size_t cfg_npsk_keys = ARRAY_SIZE(cfg_psk_keys);

/* ike-profile */

static int key_ike_proposals(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_ike_profile *p = obj;

	return get_proposals(ps, v, key, IKE_PROTO_IKE, p->props, &p->nprops);
}

static int key_ike_lifetime(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_ike_profile *p = obj;
	uint64_t n;

	if (v->ngroups != 1 || v->nwords[0] > 2 ||
	    (v->nwords[0] == 2 && strcasecmp(v->word[0][1], "seconds")))
		return cfg_error(ps, v->line, "%s: expected SECONDS", key);
	if (get_uint(ps, v->word[0][0], v->line, key, 120, 86400, &n) < 0)
		return -1;
	p->lifetime = (uint32_t)n;
	return 0;
}

static int get_id(struct parser *ps, const struct value *v, const char *key,
		  struct ike_id *out, bool pattern)
{
	const char *s = one_word(ps, v, key, "an identity");

	if (!s)
		return -1;
	if (ike_id_parse(s, out, pattern) < 0)
		return cfg_error(ps, v->line,
				 "%s: expected %san address, fqdn:NAME, email:USER@NAME "
				 "or key-id:ID, got '%s'",
				 key, pattern ? "any, " : "", s);
	return 0;
}

static int key_local_id(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	return get_id(ps, v, key, &((struct cfg_ike_profile *)obj)->local_id, false);
}

static int key_remote_id(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	return get_id(ps, v, key, &((struct cfg_ike_profile *)obj)->remote_id, true);
}

static int key_keyring(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_ike_profile *p = obj;

	return get_ref(ps, v, key, p->keyring_name, &p->keyring_line);
}

/* dpd = off | INTERVAL RETRIES [on-demand|periodic]  (IOS: dpd 10 2 on-demand) */
static int key_dpd(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_ike_profile *p = obj;
	uint64_t interval, retries;
	const char *mode;

	if (v->ngroups == 1 && v->nwords[0] == 1 && !strcasecmp(v->word[0][0], "off")) {
		p->dpd = DPD_OFF;
		return 0;
	}
	if (v->ngroups != 1 || v->nwords[0] < 2 || v->nwords[0] > 3)
		return cfg_error(ps, v->line,
				 "%s: expected off or INTERVAL RETRIES [on-demand|periodic]", key);
	if (get_uint(ps, v->word[0][0], v->line, "dpd interval", 10, 3600, &interval) < 0 ||
	    get_uint(ps, v->word[0][1], v->line, "dpd retries", 2, 60, &retries) < 0)
		return -1;
	mode = v->nwords[0] == 3 ? v->word[0][2] : "on-demand";
	if (!strcasecmp(mode, "on-demand"))
		p->dpd = DPD_ON_DEMAND;
	else if (!strcasecmp(mode, "periodic"))
		p->dpd = DPD_PERIODIC;
	else
		return cfg_error(ps, v->line, "%s: expected on-demand or periodic, got '%s'", key,
				 mode);
	p->dpd_interval = (uint32_t)interval;
	p->dpd_retries = (uint32_t)retries;
	return 0;
}

const struct key_handler cfg_ike_keys[] = {
	{ "proposals", false, key_ike_proposals },
	{ "lifetime", false, key_ike_lifetime },
	{ "local-id", false, key_local_id },
	{ "remote-id", false, key_remote_id },
	{ "keyring", false, key_keyring },
	{ "dpd", false, key_dpd },
};
const size_t cfg_nike_keys = ARRAY_SIZE(cfg_ike_keys);

/* ipsec-profile */

static int key_esp_proposals(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_ipsec_profile *p = obj;

	return get_proposals(ps, v, key, IKE_PROTO_ESP, p->props, &p->nprops);
}

/* lifetime = N [seconds], N kilobytes  (IOS: 120..86400 s, 2560..4294967295 KB) */
static int key_esp_lifetime(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_ipsec_profile *p = obj;
	bool secs = false, kb = false;
	const char *unit;
	uint64_t n;
	size_t g;

	for (g = 0; g < v->ngroups; g++) {
		if (v->nwords[g] > 2)
			return cfg_error(ps, v->line, "%s: expected N seconds and/or N kilobytes",
					 key);
		unit = v->nwords[g] == 2 ? v->word[g][1] : "seconds";
		if (!strcasecmp(unit, "seconds") && !secs) {
			if (get_uint(ps, v->word[g][0], v->line, "lifetime seconds", 120, 86400,
				     &n) < 0)
				return -1;
			p->life_seconds = n;
			secs = true;
		} else if (!strcasecmp(unit, "kilobytes") && !kb) {
			if (get_uint(ps, v->word[g][0], v->line, "lifetime kilobytes",
				     2560, UINT32_MAX, &n) < 0)
				return -1;
			p->life_kilobytes = n;
			kb = true;
		} else {
			return cfg_error(ps, v->line,
					 "%s: expected N seconds and/or N kilobytes, got '%s'", key,
					 unit);
		}
	}
	return 0;
}

static int key_pfs(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_ipsec_profile *p = obj;
	const char *s = one_word(ps, v, key, "a DH group");
	uint64_t n;
	int group;

	if (!s)
		return -1;
	group = proposal_dh_lookup(s);
	/* IOS spells them "group14", "group19"... */
	if (group < 0 && !strncasecmp(s, "group", 5) && !parse_uint(s + 5, &n) &&
	    n <= UINT16_MAX && dh_supported((uint16_t)n))
		group = (int)n;
	if (group < 0)
		return cfg_error(ps, v->line,
				 "%s: expected none or a DH group (modp2048, modp3072, "
				 "modp4096, ecp256, ecp384, ecp521, x25519), got '%s'",
				 key, s);
	p->pfs = (uint16_t)group;
	return 0;
}

static int key_replay(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_ipsec_profile *p = obj;
	const char *s = one_word(ps, v, key, "a window size");
	uint64_t n;

	if (!s)
		return -1;
	if (!strcasecmp(s, "disable") || !strcasecmp(s, "off")) {
		p->replay_window = 0;
		return 0;
	}
	if (parse_uint(s, &n) < 0 || (n && (n < KVTI_REPLAY_MIN || n > KVTI_REPLAY_MAX)))
		return cfg_error(ps, v->line, "%s: expected 0 (disable) or %d..%d, got '%s'", key,
				 KVTI_REPLAY_MIN, KVTI_REPLAY_MAX, s);
	p->replay_window = (uint32_t)n;
	return 0;
}

static int key_idle(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_ipsec_profile *p = obj;
	const char *s = one_word(ps, v, key, "seconds");
	uint64_t n;

	if (!s)
		return -1;
	if (!strcasecmp(s, "off") || !strcmp(s, "0")) {
		p->idle_time = 0;
		return 0;
	}
	if (get_uint(ps, s, v->line, key, 60, 86400, &n) < 0)
		return -1;
	p->idle_time = (uint32_t)n;
	return 0;
}

static int key_responder_only(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	return get_bool(ps, v, key, &((struct cfg_ipsec_profile *)obj)->responder_only);
}

const struct key_handler cfg_ipsec_keys[] = {
	{ "proposals", false, key_esp_proposals },
	{ "lifetime", false, key_esp_lifetime },
	{ "pfs", false, key_pfs },
	{ "replay-window", false, key_replay },
	{ "idle-time", false, key_idle },
	{ "responder-only", false, key_responder_only },
};
const size_t cfg_nipsec_keys = ARRAY_SIZE(cfg_ipsec_keys);

/* tunnel and template */

static int key_local(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	const char *s = one_word(ps, v, key, "an address");

	return s ? get_addr(ps, s, v->line, key, &((struct cfg_tunnel *)obj)->local) : -1;
}

/* peer = ADDR [default]; in order, the first may be the default (IOS set peer) */
static int key_peer(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_tunnel *t = obj;
	struct cfg_peer *p;
	size_t i;

	if (v->ngroups != 1 || v->nwords[0] > 2 ||
	    (v->nwords[0] == 2 && strcasecmp(v->word[0][1], "default")))
		return cfg_error(ps, v->line, "%s: expected ADDRESS [default]", key);
	if (t->npeers >= CFG_MAX_PEERS)
		return cfg_error(ps, v->line, "%s: at most %d peers per tunnel", key,
				 CFG_MAX_PEERS);
	p = &t->peers[t->npeers];
	if (get_addr(ps, v->word[0][0], v->line, key, &p->addr) < 0)
		return -1;
	for (i = 0; i < t->npeers; i++)
		if (ipaddr_equal(&t->peers[i].addr, &p->addr))
			return cfg_error(ps, v->line, "%s: %s is already listed (line %d)", key,
					 v->word[0][0], t->peers[i].line);
	p->is_default = v->nwords[0] == 2;
	if (p->is_default && t->npeers)
		return cfg_error(ps, v->line, "%s: only the first peer can be the default", key);
	p->line = v->line;
	t->npeers++;
	return 0;
}

static int key_ike_profile(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_tunnel *t = obj;

	return get_ref(ps, v, key, t->ike_name, &t->ike_line);
}

static int key_ipsec_profile(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_tunnel *t = obj;

	return get_ref(ps, v, key, t->ipsec_name, &t->ipsec_line);
}

/* PREFIX[, PREFIX...] appended to @list (@n of at most @max). */
static int get_prefixes(struct parser *ps, const struct value *v, const char *key,
			struct ipprefix *list, size_t *n, size_t max)
{
	size_t g;

	for (g = 0; g < v->ngroups; g++) {
		if (v->nwords[g] != 1)
			return cfg_error(ps, v->line, "%s: expected prefixes separated by ','",
					 key);
		if (*n >= max)
			return cfg_error(ps, v->line, "%s: at most %zu prefixes", key, max);
		if (ipprefix_parse(v->word[g][0], &list[*n]) < 0)
			return cfg_error(ps, v->line,
					 "%s: expected an address or PREFIX/LEN, got '%s'", key,
					 v->word[g][0]);
		(*n)++;
	}
	return 0;
}

static int key_match_peer(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_tunnel *t = obj;

	return get_prefixes(ps, v, key, t->match_peer, &t->nmatch_peer, CFG_MAX_MATCH);
}

static int key_match_id(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_tunnel *t = obj;

	if (t->nmatch_id >= CFG_MAX_MATCH)
		return cfg_error(ps, v->line, "%s: at most %d identities", key, CFG_MAX_MATCH);
	if (get_id(ps, v, key, &t->match_id[t->nmatch_id], true) < 0)
		return -1;
	t->nmatch_id++;
	return 0;
}

/* local-networks = PREFIX[, PREFIX...]: what we offer as TSi (default any) */
static int key_local_nets(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_tunnel *t = obj;

	return get_prefixes(ps, v, key, t->local_nets, &t->nlocal_nets, CFG_MAX_NETS);
}

/* Refuses the characters the kernel refuses in an interface name. */
static int check_ifname_chars(struct parser *ps, const struct value *v, const char *key,
			      const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] <= ' ' || s[i] > '~')
			return cfg_error(ps, v->line, "%s: '%c' cannot be in an interface name",
					 key, s[i]);
	return 0;
}

/* clone-name = PATTERN: one %d, e.g. dvti%d (IOS Virtual-AccessN) */
static int key_clone_name(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_tunnel *t = obj;
	const char *s = one_word(ps, v, key, "a name with one %d");
	const char *d;

	if (!s)
		return -1;
	d = strstr(s, "%d");
	if (!d || strstr(d + 2, "%") || strchr(s, '%') != d || strlen(s) - 2 + 5 >= CFG_IFNAME_MAX)
		return cfg_error(ps, v->line,
				 "%s: expected a name with one %%d, at most %d other characters, "
				 "got '%s'", key, CFG_IFNAME_MAX - 1 - 5, s);
	if (check_ifname_chars(ps, v, key, s))
		return -1;
	memcpy(t->clone_name, s, strlen(s) + 1);
	return 0;
}

/* fvrf = DEVICE (IOS "tunnel vrf"): the VRF the outer side lives in */
static int key_fvrf(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct cfg_tunnel *t = obj;
	const char *s = one_word(ps, v, key, "a VRF device name");

	if (!s)
		return -1;
	if (strlen(s) >= CFG_IFNAME_MAX)
		return cfg_error(ps, v->line, "%s: '%s' is longer than %d characters",
				 key, s, CFG_IFNAME_MAX - 1);
	if (check_ifname_chars(ps, v, key, s))
		return -1;
	memcpy(t->fvrf, s, strlen(s) + 1);
	return 0;
}

/* reverse-route = yes|no (IOS "reverse-route": on for a dynamic VTI) */
static int key_reverse_route(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	return get_bool(ps, v, key, &((struct cfg_tunnel *)obj)->reverse_route);
}

/* route-distance = N (IOS "set reverse-route distance"): the routes' metric */
static int key_route_distance(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	return get_number(ps, v, key, 1, 255, &((struct cfg_tunnel *)obj)->route_distance);
}

/* route-tag = N (IOS "set reverse-route tag"): the routes' realm */
static int key_route_tag(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	return get_number(ps, v, key, 1, 65535, &((struct cfg_tunnel *)obj)->route_tag);
}

const struct key_handler cfg_tunnel_keys[] = {
	{ "local", false, key_local },
	{ "fvrf", false, key_fvrf },
	{ "peer", true, key_peer },
	{ "local-networks", true, key_local_nets },
	{ "ike-profile", false, key_ike_profile },
	{ "ipsec-profile", false, key_ipsec_profile },
};
const size_t cfg_ntunnel_keys = ARRAY_SIZE(cfg_tunnel_keys);

const struct key_handler cfg_template_keys[] = {
	{ "local", false, key_local },
	{ "fvrf", false, key_fvrf },
	{ "match-peer", true, key_match_peer },
	{ "match-identity", true, key_match_id },
	{ "clone-name", false, key_clone_name },
	{ "reverse-route", false, key_reverse_route },
	{ "route-distance", false, key_route_distance },
	{ "route-tag", false, key_route_tag },
	{ "ike-profile", false, key_ike_profile },
	{ "ipsec-profile", false, key_ipsec_profile },
};
const size_t cfg_ntemplate_keys = ARRAY_SIZE(cfg_template_keys);

/* Globals. */

static int key_max_ike_sa(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	return get_number(ps, v, key, 0, 1000000, &((struct config *)obj)->max_ike_sa);
}

static int key_max_half_open(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	return get_number(ps, v, key, 0, 1000000, &((struct config *)obj)->max_half_open);
}

static int key_port(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct config *cfg = obj;
	const char *s = one_word(ps, v, key, "a UDP port");
	uint64_t n;

	if (!s || get_uint(ps, s, v->line, key, 1, 65535, &n) < 0)
		return -1;
	if (!strcmp(key, "ike-port"))
		cfg->ike_port = (uint16_t)n;
	else
		cfg->natt_port = (uint16_t)n;
	cfg->port_line = v->line;
	return 0;
}

/* Milliseconds: tests shorten it; strongSwan's 4 s is the default. */
static int key_retransmit_timeout(struct parser *ps, void *obj, const struct value *v,
				  const char *key)
{
	const char *s = one_word(ps, v, key, "milliseconds");
	uint64_t n;

	if (!s || get_uint(ps, s, v->line, key, 10, 60000, &n) < 0)
		return -1;
	((struct config *)obj)->retransmit_ms = (uint32_t)n;
	return 0;
}

static int key_retransmit_tries(struct parser *ps, void *obj, const struct value *v,
				const char *key)
{
	return get_number(ps, v, key, 1, 20, &((struct config *)obj)->retransmit_tries);
}

static int key_control(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	struct config *cfg = obj;
	const char *s = one_word(ps, v, key, "a path");

	if (!s)
		return -1;
	if (s[0] != '/' || strlen(s) >= sizeof(cfg->control))
		return cfg_error(ps, v->line, "%s: expected an absolute path of at most %zu bytes",
				 key, sizeof(cfg->control) - 1);
	strcpy(cfg->control, s);
	return 0;
}

/* invalid-spi-recovery = yes|no  (IOS crypto isakmp invalid-spi-recovery; off) */
static int key_isr(struct parser *ps, void *obj, const struct value *v, const char *key)
{
	return get_bool(ps, v, key, &((struct config *)obj)->invalid_spi_recovery);
}

/*
 * nat-keepalive = SECONDS  (RFC 3948 2.3: 20 by default; 0 = off). IOS's
 * "crypto isakmp nat keepalive" takes 5..3600.
 */
static int key_nat_keepalive(struct parser *ps, void *obj, const struct value *v,
			     const char *key)
{
	const char *s = one_word(ps, v, key, "seconds");
	uint64_t n;

	if (!s || get_uint(ps, s, v->line, key, 0, 3600, &n) < 0)
		return -1;
	if (n && n < 5)
		return cfg_error(ps, v->line, "%s: 0 (off) or 5..3600 seconds", key);
	((struct config *)obj)->nat_keepalive = (uint32_t)n;
	return 0;
}

const struct key_handler cfg_global_keys[] = {
	{ "max-ike-sa", false, key_max_ike_sa },
	{ "max-half-open", false, key_max_half_open },
	{ "ike-port", false, key_port },
	{ "nat-t-port", false, key_port },
	{ "retransmit-timeout", false, key_retransmit_timeout },
	{ "retransmit-tries", false, key_retransmit_tries },
	{ "control-socket", false, key_control },
	{ "invalid-spi-recovery", false, key_isr },
	{ "nat-keepalive", false, key_nat_keepalive },
};
const size_t cfg_nglobal_keys = ARRAY_SIZE(cfg_global_keys);

