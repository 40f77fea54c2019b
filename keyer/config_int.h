/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - what config.c (lexer, blocks, objects, cross-checks) and
 * config_keys.c (the settings of each object) share.  Not for the rest of
 * the keyer: config.h is the interface.
 */
#ifndef KEYER_CONFIG_INT_H
#define KEYER_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum tok_kind { T_EOF, T_EOS, T_WORD, T_STRING, T_LBRACE, T_RBRACE, T_EQ, T_COMMA };

#define TOK_MAX		1024	/* longest word or string */
#define VAL_GROUPS	32	/* comma-separated values per statement */
#define VAL_WORDS	8	/* words per value */
#define VAL_ARENA	4096	/* text of one statement's values */

struct token {
	enum tok_kind	kind;
	int		line;
	size_t		len;
	char		text[TOK_MAX];
};

/* The right-hand side of one `key = ...`; may hold a PSK: wiped after use. */
struct value {
	int		 line;
	size_t		 ngroups;
	size_t		 nwords[VAL_GROUPS];
	const char	*word[VAL_GROUPS][VAL_WORDS];
	bool		 quoted[VAL_GROUPS][VAL_WORDS];
	size_t		 used;
	char		 arena[VAL_ARENA];
};

struct parser {
	const char	*file;
	const char	*p, *end;
	int		 line;
	struct token	 tok;		/* lookahead */
	bool		 have_tok;
	char		*err;
	size_t		 errlen;
	bool		 failed;
	struct config	*cfg;
};

/* The settings of one kind of block: name, repeatable, handler (config_keys.c). */
struct key_handler {
	const char	*key;
	bool		 repeatable;
	int		(*fn)(struct parser *ps, void *obj, const struct value *v, const char *key);
};

/* A keyring `peer { }` being read: which key settings it has had. */
struct psk_state {
	struct cfg_psk	*psk;
	bool		 both;		/* pre-shared-key given */
	bool		 one;		/* -local or -remote given */
};

/* config.c */
int cfg_error(struct parser *ps, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* config_keys.c */
int cfg_get_name(struct parser *ps, const char *s, int line, const char *what,
		 char *out, size_t size);
extern const struct key_handler cfg_psk_keys[], cfg_ike_keys[], cfg_ipsec_keys[],
	cfg_tunnel_keys[], cfg_template_keys[], cfg_global_keys[];
extern const size_t cfg_npsk_keys, cfg_nike_keys, cfg_nipsec_keys, cfg_ntunnel_keys,
	cfg_ntemplate_keys, cfg_nglobal_keys;

#endif /* KEYER_CONFIG_INT_H */
