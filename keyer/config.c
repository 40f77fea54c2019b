// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the configuration file parser (config.h).
 *
 * Lexically the file is words, "quoted strings", { } = , and statement
 * ends (newline or ';'); '#' starts a comment outside strings.  A statement
 * is `key = value[, value...]`, where a value is one or more words
 * ("3600 seconds"), or an object `KIND NAME { statements }`; a keyring
 * nests `peer SELECTOR { statements }`.  Everything is checked while
 * reading, and references between objects once the whole file is read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include <linux/kvti.h>

#include "config_int.h"

/* Which keys a block has set, to refuse a non-repeatable key set twice. */
struct seen {
	const char	*key[24];
	int		 line[24];
	size_t		 n;
};

int cfg_error(struct parser *ps, int line, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	if (ps->failed)
		return -1;
	ps->failed = true;
	if (!ps->err || !ps->errlen)
		return -1;
	snprintf(ps->err, ps->errlen, "%s:%d: ", ps->file, line);
	n = strlen(ps->err);
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static bool is_special(char c)
{
	return c == '{' || c == '}' || c == '=' || c == ',' || c == ';' ||
	       c == '#' || c == '"';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int lex_string(struct parser *ps, struct token *t)
{
	char c;

	ps->p++;	/* the opening quote */
	for (;;) {
		if (ps->p == ps->end || *ps->p == '\n')
			return cfg_error(ps, t->line, "unterminated string");
		c = *ps->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (ps->p == ps->end || (*ps->p != '"' && *ps->p != '\\'))
				return cfg_error(ps, t->line,
						 "only \\\" and \\\\ may be escaped in a string");
			c = *ps->p++;
		}
		if (t->len + 1 >= TOK_MAX)
			return cfg_error(ps, t->line, "string longer than %d bytes", TOK_MAX - 1);
		t->text[t->len++] = c;
	}
	t->kind = T_STRING;
	return 0;
}

static int lex(struct parser *ps, struct token *t)
{
	char c;

	t->len = 0;
	for (;;) {
		while (ps->p < ps->end && is_space(*ps->p))
			ps->p++;
		if (ps->p < ps->end && *ps->p == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
			continue;
		}
		break;
	}
	t->line = ps->line;
	if (ps->p == ps->end) {
		t->kind = T_EOF;
		goto done;
	}
	c = *ps->p;
	if (c == '\0')
		return cfg_error(ps, t->line, "NUL byte in file");
	if (c == '"') {
		if (lex_string(ps, t) < 0)
			return -1;
		goto done;
	}
	if (is_special(c) || c == '\n') {
		ps->p++;
		t->text[t->len++] = c;
		t->kind = c == '{' ? T_LBRACE : c == '}' ? T_RBRACE : c == '=' ? T_EQ :
			  c == ',' ? T_COMMA : T_EOS;
		if (c == '\n')
			ps->line++;
		goto done;
	}
	while (ps->p < ps->end && !is_space(*ps->p) && !is_special(*ps->p) &&
	       *ps->p != '\n' && *ps->p != '\0') {
		if (t->len + 1 >= TOK_MAX)
			return cfg_error(ps, t->line, "word longer than %d bytes", TOK_MAX - 1);
		t->text[t->len++] = *ps->p++;
	}
	t->kind = T_WORD;
done:
	t->text[t->len] = '\0';
	return 0;
}

static struct token *peek(struct parser *ps)
{
	if (!ps->have_tok) {
		if (lex(ps, &ps->tok) < 0) {
			ps->tok.kind = T_EOF;
			ps->tok.len = 0;
			ps->tok.text[0] = '\0';
		}
		ps->have_tok = true;
	}
	return &ps->tok;
}

static void next(struct parser *ps)
{
	peek(ps);
	ps->have_tok = false;
}

static void wipe_token(struct parser *ps)
{
	OPENSSL_cleanse(ps->tok.text, sizeof(ps->tok.text));
}

static void skip_eos(struct parser *ps)
{
	while (!ps->failed && peek(ps)->kind == T_EOS)
		next(ps);
}

static const char *describe(const struct token *t)
{
	switch (t->kind) {
	case T_EOF:	return "end of file";
	case T_EOS:	return t->text[0] == ';' ? "';'" : "end of line";
	case T_LBRACE:	return "'{'";
	case T_RBRACE:	return "'}'";
	case T_EQ:	return "'='";
	case T_COMMA:	return "','";
	default:	return "a value";
	}
}

/*
 * After `key =`: comma-separated groups of words up to the end of the
 * statement; a closing '}' ends it too and is left for the block.
 */
static int parse_value(struct parser *ps, struct value *v, const char *key)
{
	struct token *t;
	size_t g;

	v->ngroups = 0;
	v->used = 0;
	memset(v->nwords, 0, sizeof(v->nwords));
	for (;;) {
		t = peek(ps);
		if (ps->failed)
			return -1;
		if (t->kind == T_WORD || t->kind == T_STRING) {
			if (v->ngroups == 0)
				v->ngroups = 1;
			g = v->ngroups - 1;
			if (v->nwords[g] >= VAL_WORDS)
				return cfg_error(ps, t->line, "%s: too many words in one value",
						 key);
			if (t->len + 1 > VAL_ARENA - v->used)
				return cfg_error(ps, t->line, "%s: value too long", key);
			memcpy(v->arena + v->used, t->text, t->len + 1);
			v->word[g][v->nwords[g]] = v->arena + v->used;
			v->quoted[g][v->nwords[g]++] = t->kind == T_STRING;
			v->used += t->len + 1;
			wipe_token(ps);
			next(ps);
			continue;
		}
		if (t->kind == T_COMMA) {
			if (v->ngroups == 0 || v->nwords[v->ngroups - 1] == 0)
				return cfg_error(ps, t->line, "%s: empty value before ','", key);
			if (v->ngroups >= VAL_GROUPS)
				return cfg_error(ps, t->line, "%s: more than %d values", key,
						 VAL_GROUPS);
			v->ngroups++;
			next(ps);
			skip_eos(ps);	/* a line ending in ',' goes on */
			continue;
		}
		if (t->kind == T_EOS || t->kind == T_EOF || t->kind == T_RBRACE) {
			if (v->ngroups == 0)
				return cfg_error(ps, t->line, "%s: expected a value after '='",
						 key);
			if (v->nwords[v->ngroups - 1] == 0)
				return cfg_error(ps, t->line, "%s: expected a value after ','",
						 key);
			return 0;
		}
		return cfg_error(ps, t->line, "%s: unexpected %s in a value", key, describe(t));
	}
}

static void wipe_value(struct value *v)
{
	OPENSSL_cleanse(v->arena, sizeof(v->arena));
}

static int check_seen(struct parser *ps, struct seen *seen, const char *key,
		      int line, bool repeatable)
{
	size_t i;

	for (i = 0; i < seen->n && !repeatable; i++)
		if (!strcmp(seen->key[i], key))
			return cfg_error(ps, line, "'%s' set twice (first at line %d)", key,
					 seen->line[i]);
	if (seen->n < ARRAY_SIZE(seen->key)) {
		seen->key[seen->n] = key;
		seen->line[seen->n++] = line;
	}
	return 0;
}

static int dispatch(struct parser *ps, const struct key_handler *table, size_t n,
		    struct seen *seen, void *obj, const char *kw, const char *kind,
		    const char *name, const struct value *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(table[i].key, kw)) {
			if (check_seen(ps, seen, table[i].key, v->line, table[i].repeatable) < 0)
				return -1;
			return table[i].fn(ps, obj, v, table[i].key);
		}
	return cfg_error(ps, v->line, "unknown setting '%s' in %s '%s'", kw, kind, name);
}

/* Blocks. */

enum obj_kind { OBJ_KEYRING, OBJ_IKE, OBJ_IPSEC, OBJ_TUNNEL, OBJ_TEMPLATE };

static const char *const kind_names[] = {
	"keyring", "ike-profile", "ipsec-profile", "tunnel", "template",
};

static bool is_object_kind(const char *word)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kind_names); i++)
		if (!strcmp(word, kind_names[i]))
			return true;
	return false;
}

/* Expect `=` after a key and read the value. */
static int statement(struct parser *ps, struct value *v, const char *kw, int line)
{
	struct token *t = peek(ps);

	if (t->kind != T_EQ)
		return cfg_error(ps, t->line, "expected '=' after '%s', got %s", kw, describe(t));
	next(ps);
	v->line = line;
	return parse_value(ps, v, kw);
}

/*
 * The statements of one block up to its '}'.  @peer_fn, if set, handles
 * nested `peer SELECTOR { }` (keyrings).
 */
static int block(struct parser *ps, const struct key_handler *keys, size_t nkeys,
		 void *obj, const char *kind, const char *name, int open_line,
		 int (*peer_fn)(struct parser *ps, void *obj, const char *sel, int line),
		 struct value *v)
{
	struct seen seen = { .n = 0 };
	char kw[64], sel[IKE_ID_STRLEN];
	struct token *t;
	int line, err;

	for (;;) {
		skip_eos(ps);
		t = peek(ps);
		if (ps->failed)
			return -1;
		if (t->kind == T_RBRACE) {
			next(ps);
			return 0;
		}
		if (t->kind == T_EOF)
			return cfg_error(ps, t->line, "missing '}' for %s '%s' opened at line %d",
					 kind, name, open_line);
		if (t->kind != T_WORD)
			return cfg_error(ps, t->line, "expected a setting in %s '%s', got %s", kind,
					 name, describe(t));
		if (t->len >= sizeof(kw))
			return cfg_error(ps, t->line, "unknown setting in %s '%s'", kind, name);
		memcpy(kw, t->text, t->len + 1);
		line = t->line;
		next(ps);
		if (peer_fn && !strcmp(kw, "peer")) {
			t = peek(ps);
			if (t->kind != T_WORD || t->len >= sizeof(sel))
				return cfg_error(ps, t->line,
						 "peer: expected an address, prefix or "
						 "identity, got %s",
						 describe(t));
			memcpy(sel, t->text, t->len + 1);
			next(ps);
			if (peer_fn(ps, obj, sel, line) < 0)
				return -1;
			continue;
		}
		if (is_object_kind(kw) && peek(ps)->kind == T_WORD)
			return cfg_error(ps, line,
					 "found %s inside %s '%s' (opened at line %d): "
					 "is a '}' missing?",
					 kw, kind, name, open_line);
		err = statement(ps, v, kw, line);
		if (!err)
			err = dispatch(ps, keys, nkeys, &seen, obj, kw, kind, name, v);
		wipe_value(v);
		if (err)
			return -1;
		t = peek(ps);
		if (t->kind != T_EOS && t->kind != T_RBRACE && t->kind != T_EOF)
			return cfg_error(ps, t->line, "expected end of line, got %s", describe(t));
	}
}

static void *grow(void **arr, size_t *n, size_t size)
{
	void *p = realloc(*arr, (*n + 1) * size);

	if (!p)
		return NULL;
	*arr = p;
	memset((char *)p + *n * size, 0, size);
	return (char *)p + (*n)++ * size;
}

static int keyring_peer(struct parser *ps, void *obj, const char *sel, int line)
{
	struct cfg_keyring *kr = obj;
	struct psk_state st = { 0 };
	struct value *v;
	struct token *t;
	char what[80];
	int err;

	st.psk = grow((void **)&kr->peers, &kr->npeers, sizeof(*kr->peers));
	if (!st.psk)
		return cfg_error(ps, line, "out of memory");
	st.psk->line = line;
	if (ipprefix_parse(sel, &st.psk->prefix) == 0) {
		st.psk->by_id = false;
	} else if (ike_id_parse(sel, &st.psk->id, true) == 0) {
		/* "any" is a prefix of no family: every address of both. */
		st.psk->by_id = st.psk->id.type != IKE_ID_ANY;
	} else {
		return cfg_error(ps, line,
				 "peer: expected an address, PREFIX/LEN, any or an identity "
				 "(fqdn:, email:, key-id:), got '%s'",
				 sel);
	}
	t = peek(ps);
	if (t->kind != T_LBRACE)
		return cfg_error(ps, t->line, "expected '{' after 'peer %s', got %s", sel,
				 describe(t));
	next(ps);
	snprintf(what, sizeof(what), "peer %s", sel);
	v = malloc(sizeof(*v));
	if (!v)
		return cfg_error(ps, line, "out of memory");
	err = block(ps, cfg_psk_keys, cfg_npsk_keys, &st, "keyring", kr->name, line, NULL, v);
	OPENSSL_cleanse(v, sizeof(*v));
	free(v);
	if (err)
		return -1;
	if (!st.psk->local || !st.psk->remote)
		return cfg_error(ps, line, "%s in keyring '%s' needs pre-shared-key%s", what,
				 kr->name,
				 st.psk->local	  ? "-remote"
				 : st.psk->remote ? "-local"
						  : "");
	return 0;
}

/* An object of @kind named @name, or NULL; tunnels and templates share names. */
static const void *find_object(const struct config *cfg, enum obj_kind kind,
			       const char *name, int *line)
{
	const void *found = NULL;
	size_t i;

	switch (kind) {
	case OBJ_KEYRING:
		for (i = 0; i < cfg->nkeyrings && !found; i++)
			if (!strcmp(cfg->keyrings[i].name, name)) {
				found = &cfg->keyrings[i];
				*line = cfg->keyrings[i].line;
			}
		break;
	case OBJ_IKE:
		for (i = 0; i < cfg->nike_profiles && !found; i++)
			if (!strcmp(cfg->ike_profiles[i].name, name)) {
				found = &cfg->ike_profiles[i];
				*line = cfg->ike_profiles[i].line;
			}
		break;
	case OBJ_IPSEC:
		for (i = 0; i < cfg->nipsec_profiles && !found; i++)
			if (!strcmp(cfg->ipsec_profiles[i].name, name)) {
				found = &cfg->ipsec_profiles[i];
				*line = cfg->ipsec_profiles[i].line;
			}
		break;
	case OBJ_TUNNEL:
	case OBJ_TEMPLATE:
		for (i = 0; i < cfg->ntunnels && !found; i++)
			if (!strcmp(cfg->tunnels[i].name, name)) {
				found = &cfg->tunnels[i];
				*line = cfg->tunnels[i].line;
			}
		for (i = 0; i < cfg->ntemplates && !found; i++)
			if (!strcmp(cfg->templates[i].name, name)) {
				found = &cfg->templates[i];
				*line = cfg->templates[i].line;
			}
		break;
	}
	return found;
}

static int object(struct parser *ps, enum obj_kind kind, int line, struct value *v)
{
	struct config *cfg = ps->cfg;
	const char *kname = kind_names[kind];
	char name[CFG_NAME_MAX];
	struct token *t = peek(ps);
	size_t max = kind >= OBJ_TUNNEL ? CFG_IFNAME_MAX : CFG_NAME_MAX;
	int first;
	void *obj;

	if (t->kind != T_WORD)
		return cfg_error(ps, t->line, "%s: expected a name, got %s", kname, describe(t));
	if (cfg_get_name(ps, t->text, t->line, kname, name, max) < 0)
		return -1;
	if (find_object(cfg, kind, name, &first))
		return cfg_error(ps, line, "duplicate %s '%s' (first defined at line %d)",
				 kind >= OBJ_TUNNEL ? "tunnel or template" : kname, name, first);
	next(ps);
	t = peek(ps);
	if (t->kind != T_LBRACE)
		return cfg_error(ps, t->line, "expected '{' after %s '%s', got %s", kname, name,
				 describe(t));
	next(ps);

	switch (kind) {
	case OBJ_KEYRING: {
		struct cfg_keyring *kr =
			grow((void **)&cfg->keyrings, &cfg->nkeyrings, sizeof(*kr));

		if (!kr)
			return cfg_error(ps, line, "out of memory");
		memcpy(kr->name, name, sizeof(name));
		kr->line = line;
		return block(ps, NULL, 0, kr, kname, name, line, keyring_peer, v);
	}
	case OBJ_IKE: {
		struct cfg_ike_profile *p = grow((void **)&cfg->ike_profiles,
						 &cfg->nike_profiles, sizeof(*p));

		if (!p)
			return cfg_error(ps, line, "out of memory");
		memcpy(p->name, name, sizeof(name));
		p->line = line;
		p->lifetime = 86400;
		p->local_id.type = IKE_ID_ANY;
		p->remote_id.type = IKE_ID_ANY;
		return block(ps, cfg_ike_keys, cfg_nike_keys, p, kname, name, line, NULL, v);
	}
	case OBJ_IPSEC: {
		struct cfg_ipsec_profile *p = grow((void **)&cfg->ipsec_profiles,
						   &cfg->nipsec_profiles, sizeof(*p));

		if (!p)
			return cfg_error(ps, line, "out of memory");
		memcpy(p->name, name, sizeof(name));
		p->line = line;
		p->life_seconds = 3600;
		p->life_kilobytes = 4608000;
		p->replay_window = KVTI_REPLAY_DEFAULT;
		return block(ps, cfg_ipsec_keys, cfg_nipsec_keys, p, kname, name, line, NULL, v);
	}
	case OBJ_TUNNEL:
	case OBJ_TEMPLATE: {
		bool tmpl = kind == OBJ_TEMPLATE;
		struct cfg_tunnel *t2 = tmpl ?
			grow((void **)&cfg->templates, &cfg->ntemplates, sizeof(*t2)) :
			grow((void **)&cfg->tunnels, &cfg->ntunnels, sizeof(*t2));

		if (!t2)
			return cfg_error(ps, line, "out of memory");
		memcpy(t2->name, name, CFG_IFNAME_MAX);
		t2->line = line;
		t2->is_template = tmpl;
		if (tmpl) {
			memcpy(t2->clone_name, "dvti%d", sizeof("dvti%d"));
			t2->reverse_route = true;
			t2->route_distance = 1;
		}
		obj = t2;
		return tmpl ? block(ps, cfg_template_keys, cfg_ntemplate_keys, obj, kname,
				    name, line, NULL, v) :
			      block(ps, cfg_tunnel_keys, cfg_ntunnel_keys, obj, kname,
				    name, line, NULL, v);
	}
	}
	return -1;
}

static int top_level(struct parser *ps, struct value *v)
{
	struct seen seen = { .n = 0 };
	char kw[64];
	struct token *t;
	size_t i;
	int line, err;

	for (;;) {
		skip_eos(ps);
		t = peek(ps);
		if (ps->failed)
			return -1;
		if (t->kind == T_EOF)
			return 0;
		if (t->kind != T_WORD)
			return cfg_error(ps, t->line, "expected an object or a setting, got %s",
					 describe(t));
		if (t->len >= sizeof(kw))
			return cfg_error(ps, t->line, "unknown object or setting");
		memcpy(kw, t->text, t->len + 1);
		line = t->line;
		next(ps);
		for (i = 0; i < ARRAY_SIZE(kind_names); i++)
			if (!strcmp(kw, kind_names[i]))
				break;
		if (i < ARRAY_SIZE(kind_names)) {
			if (object(ps, (enum obj_kind)i, line, v) < 0)
				return -1;
			continue;
		}
		if (peek(ps)->kind != T_EQ)
			return cfg_error(
				ps, line,
				"unknown object '%s' (expected keyring, ike-profile, "
				"ipsec-profile, tunnel, template or a global setting)",
				kw);
		err = statement(ps, v, kw, line);
		if (!err) {
			for (i = 0; i < cfg_nglobal_keys; i++)
				if (!strcmp(kw, cfg_global_keys[i].key))
					break;
			if (i == cfg_nglobal_keys)
				err = cfg_error(ps, line, "unknown setting '%s'", kw);
			else if (!(err = check_seen(ps, &seen, cfg_global_keys[i].key, line,
						    false)))
				err = cfg_global_keys[i].fn(ps, ps->cfg, v, kw);
		}
		wipe_value(v);
		if (err)
			return -1;
	}
}

/* Cross-object checks and defaults, once everything is read. */

static int resolve_profiles(struct parser *ps)
{
	struct config *cfg = ps->cfg;
	char msg[200];
	size_t i;
	int line;

	for (i = 0; i < cfg->nike_profiles; i++) {
		struct cfg_ike_profile *p = &cfg->ike_profiles[i];

		if (!p->keyring_name[0])
			return cfg_error(ps, p->line, "ike-profile '%s' needs a keyring", p->name);
		p->keyring = find_object(cfg, OBJ_KEYRING, p->keyring_name, &line);
		if (!p->keyring)
			return cfg_error(ps, p->keyring_line,
					 "ike-profile '%s': keyring '%s' is not defined", p->name,
					 p->keyring_name);
		if (!p->nprops &&
		    proposal_parse_list(PROPOSAL_DEFAULT_IKE, IKE_PROTO_IKE, p->props, PROPOSAL_MAX,
					&p->nprops, msg, sizeof(msg)) < 0)
			return cfg_error(ps, p->line, "default proposals: %s", msg);
	}
	for (i = 0; i < cfg->nipsec_profiles; i++) {
		struct cfg_ipsec_profile *p = &cfg->ipsec_profiles[i];

		if (!p->nprops &&
		    proposal_parse_list(PROPOSAL_DEFAULT_ESP, IKE_PROTO_ESP, p->props,
					PROPOSAL_MAX, &p->nprops, msg, sizeof(msg)) < 0)
			return cfg_error(ps, p->line, "default proposals: %s", msg);
		proposal_set_pfs(p->props, p->nprops, p->pfs);
	}
	return 0;
}

static int resolve_tunnel(struct parser *ps, struct cfg_tunnel *t)
{
	const char *kind = t->is_template ? "template" : "tunnel";
	struct config *cfg = ps->cfg;
	char a[ADDR_STRLEN], l[ADDR_STRLEN];
	size_t i, j;
	int line;

	if (!t->local.family)
		return cfg_error(ps, t->line, "%s '%s' needs a local address", kind, t->name);
	if (!t->is_template && !t->npeers)
		return cfg_error(ps, t->line, "tunnel '%s' needs at least one peer", t->name);
	if (!t->ike_name[0])
		return cfg_error(ps, t->line, "%s '%s' needs an ike-profile", kind, t->name);
	if (!t->ipsec_name[0])
		return cfg_error(ps, t->line, "%s '%s' needs an ipsec-profile", kind, t->name);
	t->ike = find_object(cfg, OBJ_IKE, t->ike_name, &line);
	if (!t->ike)
		return cfg_error(ps, t->ike_line, "%s '%s': ike-profile '%s' is not defined", kind,
				 t->name, t->ike_name);
	t->ipsec = find_object(cfg, OBJ_IPSEC, t->ipsec_name, &line);
	if (!t->ipsec)
		return cfg_error(ps, t->ipsec_line, "%s '%s': ipsec-profile '%s' is not defined",
				 kind, t->name, t->ipsec_name);
	for (i = 0; i < t->npeers; i++)
		if (t->peers[i].addr.family != t->local.family)
			return cfg_error(ps, t->peers[i].line,
					 "tunnel '%s': peer %s is not in the "
					 "address family of local",
					 t->name, ipaddr_str(&t->peers[i].addr, a));
	/* One IKE SA cannot tell two tunnels between the same addresses apart. */
	for (j = 0; j < cfg->ntunnels && &cfg->tunnels[j] != t; j++) {
		const struct cfg_tunnel *o = &cfg->tunnels[j];
		size_t k;

		if (!ipaddr_equal(&o->local, &t->local) || strcmp(o->fvrf, t->fvrf))
			continue;
		for (i = 0; i < t->npeers; i++)
			for (k = 0; k < o->npeers; k++)
				if (ipaddr_equal(&t->peers[i].addr, &o->peers[k].addr))
					return cfg_error(
						ps, t->peers[i].line,
						"tunnel '%s': peer %s with local %s is already "
						"used by tunnel '%s' (line %d)",
						t->name, ipaddr_str(&t->peers[i].addr, a),
						ipaddr_str(&t->local, l), o->name,
						o->peers[k].line);
	}
	return 0;
}

static int resolve(struct parser *ps)
{
	struct config *cfg = ps->cfg;
	size_t i;

	if (resolve_profiles(ps) < 0)
		return -1;
	if (cfg->ike_port == cfg->natt_port)
		return cfg_error(ps, cfg->port_line, "ike-port and nat-t-port must differ");
	for (i = 0; i < cfg->ntunnels; i++)
		if (resolve_tunnel(ps, &cfg->tunnels[i]) < 0)
			return -1;
	for (i = 0; i < cfg->ntemplates; i++)
		if (resolve_tunnel(ps, &cfg->templates[i]) < 0)
			return -1;
	return 0;
}

struct config *config_parse(const char *file, const char *text, size_t len,
			    char *err, size_t errlen)
{
	struct parser ps = {
		.file = file, .p = text, .end = text + len, .line = 1,
		.err = err, .errlen = errlen,
	};
	struct value *v = malloc(sizeof(*v));
	int rc = -1;

	if (err && errlen)
		err[0] = '\0';
	ps.cfg = calloc(1, sizeof(*ps.cfg));
	if (!v || !ps.cfg || !(ps.cfg->file = strdup(file))) {
		cfg_error(&ps, 0, "out of memory");
		goto out;
	}
	ps.cfg->ike_port = IKE_PORT;
	ps.cfg->natt_port = IKE_NATT_PORT;
	ps.cfg->retransmit_ms = 4000;
	ps.cfg->retransmit_tries = 5;
	ps.cfg->nat_keepalive = 20;
	strcpy(ps.cfg->control, CFG_DEFAULT_CONTROL);
	if (top_level(&ps, v) == 0 && !ps.failed)
		rc = resolve(&ps);
out:
	OPENSSL_cleanse(&ps.tok, sizeof(ps.tok));
	if (v)
		OPENSSL_cleanse(v, sizeof(*v));
	free(v);
	if (rc < 0 || ps.failed) {
		config_free(ps.cfg);
		return NULL;
	}
	return ps.cfg;
}

struct config *config_load(const char *path, char *err, size_t errlen)
{
	struct buf *b = buf_new(4096);
	struct config *cfg = NULL;
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f || !b) {
		snprintf(err, errlen, "%s: %s", path, f ? "out of memory" : strerror(errno));
		goto out;
	}
	for (;;) {
		if (buf_reserve(b, 4096) < 0) {
			snprintf(err, errlen, "%s: out of memory", path);
			goto out;
		}
		n = fread(b->data + b->len, 1, 4096, f);
		b->len += n;
		if (n < 4096)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	cfg = config_parse(path, (const char *)b->data, b->len, err, errlen);
out:
	if (f)
		fclose(f);
	buf_free(b);	/* the file holds PSKs: wiped */
	return cfg;
}

void config_free(struct config *cfg)
{
	size_t i, j;

	if (!cfg)
		return;
	for (i = 0; i < cfg->nkeyrings; i++) {
		for (j = 0; j < cfg->keyrings[i].npeers; j++) {
			buf_free(cfg->keyrings[i].peers[j].local);
			buf_free(cfg->keyrings[i].peers[j].remote);
		}
		free(cfg->keyrings[i].peers);
	}
	free(cfg->keyrings);
	free(cfg->ike_profiles);
	free(cfg->ipsec_profiles);
	free(cfg->tunnels);
	free(cfg->templates);
	free(cfg->file);
	free(cfg);
}

const struct cfg_tunnel *config_find_tunnel(const struct config *cfg, const char *name)
{
	const struct cfg_tunnel *t;
	int line;

	t = find_object(cfg, OBJ_TUNNEL, name, &line);
	return t && !t->is_template ? t : NULL;
}

/*
 * The keys for a peer: an identity match wins (exact before wildcard, then
 * in file order), else the longest address prefix containing the peer.
 * @peer_id is NULL while the peer's identity is not known yet (an
 * initiator before IKE_AUTH).  This is how IOS keyrings choose too: the
 * most specific entry.
 */
const struct cfg_psk *config_find_psk(const struct cfg_keyring *kr,
				      const struct ipaddr *peer,
				      const struct ike_id *peer_id)
{
	const struct cfg_psk *best = NULL, *wild = NULL;
	size_t i;

	for (i = 0; peer_id && i < kr->npeers; i++) {
		const struct cfg_psk *p = &kr->peers[i];

		if (!p->by_id || !ike_id_match(&p->id, peer_id))
			continue;
		if (!p->id.wildcard)
			return p;
		if (!wild)
			wild = p;
	}
	if (wild)
		return wild;
	for (i = 0; peer && i < kr->npeers; i++) {
		const struct cfg_psk *p = &kr->peers[i];

		if (p->by_id)
			continue;
		if (!p->prefix.addr.family || ipprefix_contains(&p->prefix, peer))
			if (!best || p->prefix.len > best->prefix.len)
				best = p;
	}
	return best;
}
