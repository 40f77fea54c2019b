// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven KEYWORD VALUE parsing.  Two steps, so that a usage error
 * anywhere on the line (exit 2) is reported before anything is looked up in
 * the system or sent to the kernel (exit 1).
 *
 * Keys (ARG_KEY) are only checked here, never decoded into struct args and
 * never echoed in a message; args_put() decodes each straight into the
 * request and wipes its scratch copy.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <netlink/attr.h>

#include "kvti.h"

_Static_assert(KVTI_A_MAX < ARGS_MAX_ATTR, "struct args holds one bit per attribute");

static const struct arg_spec *find_spec(const struct arg_spec *specs, size_t n,
					const char *word)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(specs[i].word, word))
			return &specs[i];
	return NULL;
}

static int bad_number(const struct kvti_ctx *ctx, const char *word,
		      const char *val, uint64_t min, uint64_t max)
{
	return out_usage_error(ctx, "invalid %s \"%s\": expected an integer %llu..%llu",
			       word, val, (unsigned long long)min,
			       (unsigned long long)max);
}

/* "aead KEYHEX" for a value of a keyword with several, else the keyword. */
static const char *value_name(const struct arg_spec *s, const struct arg_spec *part,
			      char *buf, size_t len)
{
	if (part == s && !s->label)
		return s->word;
	snprintf(buf, len, "%s %s", s->word, part == s ? s->label : part->word);
	return buf;
}

static int bad_key(const struct kvti_ctx *ctx, const char *name, int err)
{
	const char *why = "expected 0x followed by hexadecimal digits";

	if (err == -EILSEQ)
		why = "an odd number of hexadecimal digits";
	else if (err == -ERANGE)
		why = "longer than the tool's limit of 512 bytes";
	/* The value itself is never shown: it may be most of a real key. */
	return out_usage_error(ctx, "invalid %s: %s", name, why);
}

static int parse_value(const struct kvti_ctx *ctx, const char *name,
		       const struct arg_spec *s, char *val, struct arg_value *v)
{
	uint64_t max = s->kind == ARG_U16 ? UINT16_MAX : UINT32_MAX;
	struct kvti_addr addr;
	char expected[128];
	size_t i, len;
	int idx, ret;

	switch (s->kind) {
	case ARG_FLAG:
		v->u = 1;
		return KVTI_EXIT_OK;
	case ARG_ENUM:
		idx = parse_enum(val, s->names, s->nnames);
		if (idx >= 0) {
			v->u = idx;
			return KVTI_EXIT_OK;
		}
		expected[0] = '\0';
		for (i = 0; i < s->nnames; i++) {
			if (!s->names[i])
				continue;
			len = strlen(expected);
			snprintf(expected + len, sizeof(expected) - len, "%s%s",
				 len ? "|" : "", s->names[i]);
		}
		return out_usage_error(ctx, "invalid %s \"%s\": expected %s",
				       name, val, expected);
	case ARG_U16:
	case ARG_U32:
		if (parse_uint(val, max, &v->u))
			return bad_number(ctx, name, val, 0, max);
		return KVTI_EXIT_OK;
	case ARG_S32:
		/* Negative numbers too: whether one is a usable fd is the
		 * kernel's to say (it names the attribute).
		 */
		if (parse_uint(val[0] == '-' ? val + 1 : val,
			       val[0] == '-' ? (uint64_t)INT32_MAX + 1 : INT32_MAX,
			       &v->u))
			return out_usage_error(ctx, "invalid %s \"%s\": expected an integer %d..%d",
					       name, val, INT32_MIN, INT32_MAX);
		if (val[0] == '-')
			v->u = (uint64_t)-(int64_t)v->u;
		return KVTI_EXIT_OK;
	case ARG_SPI:
		if (parse_uint(val, UINT32_MAX, &v->u) || !v->u)
			return bad_number(ctx, name, val, 1, UINT32_MAX);
		return KVTI_EXIT_OK;
	case ARG_ADDR:
		if (parse_addr(val, &addr))
			return out_usage_error(ctx, "invalid %s \"%s\": expected an IPv4 or IPv6 address",
					       name, val);
		memcpy(v->addr, addr.bytes, addr.len);
		v->addr_len = addr.len;
		return KVTI_EXIT_OK;
	case ARG_IFINDEX:
	case ARG_IFNAME:
	case ARG_LINK:
		if (parse_ifname(val))
			return out_usage_error(ctx, "invalid %s \"%s\": expected a name of 1..%d characters",
					       name, val, KVTI_IFNAMSIZ - 1);
		v->str = val;
		return KVTI_EXIT_OK;
	case ARG_STRING:
		if (!val[0])
			return out_usage_error(ctx, "invalid %s \"\": expected a name", name);
		v->str = val;
		return KVTI_EXIT_OK;
	case ARG_KEY:
		v->str = val;
		v->secret = true;
		ret = parse_hexkey(val, NULL, ARGS_KEY_MAX, &len);
		if (ret)
			return bad_key(ctx, name, ret);
		return KVTI_EXIT_OK;
	case ARG_LIFE:
		break;
	}
	return out_usage_error(ctx, "internal error: bad kind for %s", s->word);
}

/*
 * "lifetime KIND N [soft N]" at argv[0]: the hard limit goes to s->attr,
 * the soft one to s->attr_soft, each a set of KVTI_LIFE_* values.  The
 * keyword repeats, once per KIND.  Sets *used to the words taken.
 */
static int parse_life(const struct kvti_ctx *ctx, const struct arg_spec *s,
		      int argc, char **argv, struct args *a, int *used)
{
	struct arg_value *hard = &a->v[s->attr], *soft = &a->v[s->attr_soft];
	char name[64];
	uint64_t v;
	int kind;

	if (argc < 3)
		return out_usage_error(ctx, "\"%s\" needs seconds|bytes|packets N", s->word);
	kind = parse_enum(argv[1], kvti_life_words, KVTI_LIFE_MAX + 1);
	if (kind < 0)
		return out_usage_error(ctx, "invalid %s kind \"%s\": expected seconds|bytes|packets",
				       s->word, argv[1]);
	snprintf(name, sizeof(name), "%s %s", s->word, argv[1]);
	if (hard->life_seen & (1U << kind))
		return out_usage_error(ctx, "\"%s\" given twice", name);
	if (parse_uint(argv[2], UINT64_MAX, &v))
		return bad_number(ctx, name, argv[2], 0, UINT64_MAX);
	hard->life[kind] = v;
	hard->life_seen |= 1U << kind;
	a->seen |= 1ULL << s->attr;
	a->by[s->attr] = s;
	*used = 3;
	if (argc < 4 || strcmp(argv[3], "soft"))
		return KVTI_EXIT_OK;
	snprintf(name, sizeof(name), "%s %s soft", s->word, argv[1]);
	if (argc < 5)
		return out_usage_error(ctx, "\"%s\" needs a value", name);
	if (parse_uint(argv[4], UINT64_MAX, &v))
		return bad_number(ctx, name, argv[4], 0, UINT64_MAX);
	soft->life[kind] = v;
	soft->life_seen |= 1U << kind;
	a->seen |= 1ULL << s->attr_soft;
	a->by[s->attr_soft] = s;
	*used = 5;
	return KVTI_EXIT_OK;
}

/* Is attr set by another keyword already, or by this one? */
static int check_free(const struct kvti_ctx *ctx, const struct arg_spec *s,
		      int attr, const struct args *a)
{
	if (!ARGS_HAS(a, attr))
		return KVTI_EXIT_OK;
	if (a->by[attr] == s)
		return out_usage_error(ctx, "\"%s\" given twice", s->word);
	return out_usage_error(ctx, "\"%s\" cannot go with \"%s\"", s->word,
			       a->by[attr]->word);
}

static int unknown_word(const struct kvti_ctx *ctx, const char *word)
{
	/* A stray 0x... is most likely a key in the wrong place: not shown. */
	if (word[0] == '0' && (word[1] == 'x' || word[1] == 'X'))
		return out_usage_error(ctx, "unexpected hexadecimal value where a keyword belongs");
	return out_usage_error(ctx, "unknown keyword \"%s\"", word);
}

int args_parse(const struct kvti_ctx *ctx, const struct arg_spec *specs,
	       size_t n, int argc, char **argv, struct args *a)
{
	const struct arg_spec *s, *part;
	char name[64], needs[128];
	int ret, nvals, used = 0;
	size_t i, len;

	memset(a, 0, sizeof(*a));
	while (argc > 0) {
		s = find_spec(specs, n, argv[0]);
		if (!s)
			return unknown_word(ctx, argv[0]);
		if (s->kind == ARG_LIFE) {
			ret = parse_life(ctx, s, argc, argv, a, &used);
			if (ret)
				return ret;
			argc -= used;
			argv += used;
			continue;
		}
		ret = check_free(ctx, s, s->attr, a);
		for (i = 0; !ret && i < s->nmore; i++)
			ret = check_free(ctx, s, s->more[i].attr, a);
		if (ret)
			return ret;
		nvals = (s->kind != ARG_FLAG) + (int)s->nmore;
		if (argc - 1 < nvals) {
			if (!s->nmore)
				return out_usage_error(ctx, "\"%s\" needs a value", s->word);
			snprintf(needs, sizeof(needs), "%s", s->label);
			for (i = 0; i < s->nmore; i++) {
				len = strlen(needs);
				snprintf(needs + len, sizeof(needs) - len, " %s",
					 s->more[i].word);
			}
			return out_usage_error(ctx, "\"%s\" needs %s", s->word, needs);
		}
		for (i = 0; i <= s->nmore; i++) {
			part = i ? &s->more[i - 1] : s;
			ret = parse_value(ctx, value_name(s, part, name, sizeof(name)),
					  part, part->kind == ARG_FLAG ? NULL : argv[i + 1],
					  &a->v[part->attr]);
			a->seen |= 1ULL << part->attr;
			a->by[part->attr] = s;
			if (ret)
				return ret;
		}
		argc -= 1 + nvals;
		argv += 1 + nvals;
	}
	return KVTI_EXIT_OK;
}

static int put_life(struct nl_msg *msg, int attr, const struct arg_value *v)
{
	struct nlattr *nest = nla_nest_start(msg, attr);
	int kind;

	if (!nest)
		return -EMSGSIZE;
	for (kind = 0; kind <= KVTI_LIFE_MAX; kind++)
		if ((v->life_seen & (1U << kind)) &&
		    nla_put_u64(msg, kind, v->life[kind]) < 0)
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int put_key(struct nl_msg *msg, int attr, const char *hex)
{
	uint8_t key[ARGS_KEY_MAX];
	size_t len;
	int ret;

	ret = parse_hexkey(hex, key, sizeof(key), &len);
	if (!ret)
		ret = nla_put(msg, attr, (int)len, key);
	explicit_bzero(key, sizeof(key));
	return ret;
}

static int put_one(struct nl_msg *msg, const struct arg_spec *s,
		   const struct arg_value *v)
{
	unsigned int ifindex;

	switch (s->kind) {
	case ARG_FLAG:
		return nla_put_flag(msg, s->attr);
	case ARG_ENUM:
		return nla_put_u8(msg, s->attr, v->u);
	case ARG_U16:
		return nla_put_u16(msg, s->attr, v->u);
	case ARG_U32:
	case ARG_SPI:
		return nla_put_u32(msg, s->attr, v->u);
	case ARG_S32:
		return nla_put_s32(msg, s->attr, (int32_t)v->u);
	case ARG_ADDR:
		return nla_put(msg, s->attr, v->addr_len, v->addr);
	case ARG_IFINDEX:
		ifindex = if_nametoindex(v->str);
		if (!ifindex) {
			out_error("no such tunnel \"%s\"", v->str);
			return -ENODEV;
		}
		return nla_put_u32(msg, s->attr, ifindex);
	case ARG_LINK:
		ifindex = strcmp(v->str, "none") ? if_nametoindex(v->str) : 0;
		if (!ifindex && strcmp(v->str, "none")) {
			out_error("no such device \"%s\"", v->str);
			return -ENODEV;
		}
		return nla_put_u32(msg, s->attr, ifindex);
	case ARG_IFNAME:
	case ARG_STRING:
		return nla_put_string(msg, s->attr, v->str);
	case ARG_KEY:
		return put_key(msg, s->attr, v->str);
	case ARG_LIFE:
		break;
	}
	return -EINVAL;
}

/* Puts one keyword's attributes: its values, or its lifetime nests. */
static int put_spec(struct nl_msg *msg, const struct arg_spec *s,
		    const struct args *a)
{
	size_t i;
	int ret;

	if (s->kind == ARG_LIFE) {
		ret = put_life(msg, s->attr, &a->v[s->attr]);
		if (!ret && ARGS_HAS(a, s->attr_soft))
			ret = put_life(msg, s->attr_soft, &a->v[s->attr_soft]);
		return ret;
	}
	ret = put_one(msg, s, &a->v[s->attr]);
	for (i = 0; ret >= 0 && i < s->nmore; i++)
		ret = put_one(msg, &s->more[i], &a->v[s->more[i].attr]);
	return ret;
}

int args_put(struct nl_msg *msg, const struct arg_spec *specs, size_t n,
	     const struct args *a)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		if (!ARGS_HAS(a, specs[i].attr) || a->by[specs[i].attr] != &specs[i])
			continue;
		ret = put_spec(msg, &specs[i], a);
		if (ret == -ENODEV)
			return KVTI_EXIT_FAIL;
		if (ret < 0) {
			out_error("cannot build request: message too long");
			return KVTI_EXIT_FAIL;
		}
	}
	return KVTI_EXIT_OK;
}

void args_wipe(struct args *a)
{
	size_t i;

	for (i = 0; i < ARGS_MAX_ATTR; i++)
		if (a->v[i].secret && a->v[i].str)
			explicit_bzero(a->v[i].str, strlen(a->v[i].str));
}
