// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - mutations: of a request's attribute list before it is laid out
 * (drop, duplicate, retype, shorten, lengthen, replace any one attribute,
 * nest garbage, change header fields), and of the laid-out bytes (lying
 * lengths, truncation anywhere, trailing garbage, a flipped byte).
 */
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "nlfuzz.h"

/* Index of the A_END closing the nest opened at @i, or l->n. */
static int nest_end(const struct alist *l, int i)
{
	int depth = 0;

	for (int j = i; j < l->n; j++) {
		if (l->a[j].kind == A_BEGIN)
			depth++;
		else if (l->a[j].kind == A_END && --depth == 0)
			return j;
	}
	return l->n;
}

static void a_remove(struct alist *l, int from, int to)
{
	if (to >= l->n)
		to = l->n - 1;
	memmove(&l->a[from], &l->a[to + 1], (size_t)(l->n - to - 1) * sizeof(l->a[0]));
	l->n -= to - from + 1;
}

/* Makes room for one attribute at @at; returns it, or NULL if full. */
static struct attr *a_insert(struct alist *l, int at)
{
	if (l->n >= ALIST_MAX)
		return NULL;
	memmove(&l->a[at + 1], &l->a[at], (size_t)(l->n - at) * sizeof(l->a[0]));
	l->n++;
	memset(&l->a[at], 0, offsetof(struct attr, data));
	return &l->a[at];
}

/* A random attribute that is not an A_END, or -1. */
static int pick_attr(struct rng *r, const struct alist *l, bool leaf_only)
{
	int idx[ALIST_MAX], n = 0;

	for (int i = 0; i < l->n; i++)
		if (l->a[i].kind == A_LEAF ||
		    (!leaf_only && l->a[i].kind == A_BEGIN))
			idx[n++] = i;
	return n ? idx[rnd(r, n)] : -1;
}

static uint16_t random_type(struct rng *r)
{
	switch (rnd(r, 6)) {
	case 0:
		return 0;
	case 1:
		return (uint16_t)(KVTI_A_MAX + 1 + rnd(r, 8));
	case 2:
		return (uint16_t)rng_next(r);
	default:
		return (uint16_t)(1 + rnd(r, KVTI_A_MAX));
	}
}

static void extreme(struct rng *r, struct attr *a)
{
	static const uint64_t v[] = {
		0, 1, 2, 31, 32, 63, 64, 67, 68, 255, 256, 4096, 4097, 65400,
		65401, 65535, 65536, 86400, 86401, 0x7fffffff, 0x80000000,
		0xffffffff, 0x100000000ULL, 315360000, 315360001,
		0x7fffffffffffffffULL, 0xffffffffffffffffULL,
	};
	uint64_t x = v[rnd(r, sizeof(v) / sizeof(v[0]))];

	switch (a->len) {
	case 1: a->data[0] = (uint8_t)x; break;
	case 2: { uint16_t y = (uint16_t)x; memcpy(a->data, &y, 2); break; }
	case 4: { uint32_t y = (uint32_t)x; memcpy(a->data, &y, 4); break; }
	case 8: memcpy(a->data, &x, 8); break;
	default:
		a->len = 4;
		memcpy(a->data, &x, 4);
		break;
	}
}

static void weird_string(struct rng *r, struct attr *a)
{
	static const char *const s[] = {
		"", "%d", "fz%d", "fz%d%d", ".", "..", "a/b", "a:b", " ", "\x01",
		"fz0t0", "lo", "kvti0", "0123456789abcde", "0123456789abcdef",
		"rfc4106(gcm(aes))", "gcm(aes)", "rfc4106(gcm(aes)", "cbc(aes)",
		"hmac(sha256)", "authenc(hmac(sha256),cbc(aes))", "nosuch(alg)",
		"rfc4543(gcm(aes))", "ecb(cipher_null)", "hmac(md5)",
		"rfc7539esp(chacha20,poly1305)", "cbc(des3_ede)", "\xc3\xa9t\xc3\xa9",
	};
	uint32_t k = rnd(r, 10);

	if (k < 6) {
		const char *p = s[rnd(r, sizeof(s) / sizeof(s[0]))];

		a->len = (uint16_t)(strlen(p) + 1);
		memcpy(a->data, p, a->len);
	} else if (k < 8) {
		/* Long, printable, maybe without its NUL. */
		a->len = (uint16_t)(1 + rnd(r, 200));
		for (int i = 0; i < a->len; i++)
			a->data[i] = (unsigned char)('a' + rnd(r, 26));
		if (chance(r, 50))
			a->data[a->len - 1] = 0;
	} else if (k < 9) {
		/* A NUL in the middle. */
		a->len = 8;
		memcpy(a->data, "fz0\0t0\0", 8);
	} else {
		/* No NUL at all. */
		a->len = (uint16_t)(1 + rnd(r, 15));
		memset(a->data, 'x', a->len);
	}
}

/* A nest of random attributes, maybe with nests inside. */
static void nest_garbage(struct rng *r, struct alist *l, int at, int depth)
{
	static const uint16_t types[] = {
		KVTI_A_SA_LIFE_SOFT, KVTI_A_SA_LIFE_HARD, KVTI_A_STATS,
		KVTI_A_SA_STATS, KVTI_A_SA_LIFE_CUR,
	};
	struct attr *a = a_insert(l, at);
	int n = (int)rnd(r, 6);

	if (!a)
		return;
	a->kind = A_BEGIN;
	a->type = depth ? (uint16_t)rnd(r, 8) : types[rnd(r, 5)];
	if (chance(r, 85))
		a->type |= NLA_F_NESTED;
	at++;
	for (int i = 0; i < n; i++) {
		if (depth < 3 && chance(r, 20)) {
			int before = l->n;

			nest_garbage(r, l, at, depth + 1);
			at += l->n - before;
			continue;
		}
		a = a_insert(l, at);
		if (!a)
			return;
		a->kind = A_LEAF;
		a->type = (uint16_t)rnd(r, KVTI_LIFE_MAX + 3);
		if (chance(r, 10))
			a->type |= NLA_F_NESTED;
		a->len = (uint16_t)(chance(r, 60) ? 8 : rnd(r, 13));
		rnd_bytes(r, a->data, a->len);
		at++;
	}
	a = a_insert(l, at);
	if (a)
		a->kind = A_END;
}

enum mutation {
	M_DROP, M_DUP, M_RETYPE, M_SHORT, M_LONG, M_ZERO, M_GARBAGE,
	M_EXTREME, M_STRING, M_UNKNOWN, M_REPORTED, M_NEST, M_NESTFLAG,
	M_SWAP, M_FLAGS, M_VERSION, M_RESERVED, M_CMD, M_TYPE,
	M_COUNT
};

static const char *const m_names[] = {
	"drop", "dup", "retype", "short", "long", "zero", "garbage", "extreme",
	"string", "unknown", "reported", "nest", "nestflag", "swap", "flags",
	"version", "reserved", "cmd", "type",
};

/* Names of the attribute being mutated, for the -v trace. */
static void note_attr(struct req *q, int m, const struct attr *a)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%s:%u", m_names[m], a->type & NLA_TYPE_MASK);
	req_note(q, "%s", buf);
}

static void mutate_once(struct rng *r, struct req *q)
{
	static const uint16_t reported[] = {
		KVTI_A_CARRIER, KVTI_A_PAD, KVTI_A_SA_ENC_KEY_BITS,
		KVTI_A_SA_AUTH_KEY_BITS, KVTI_A_SA_REPLAY_TOP, KVTI_A_SA_AGE,
		KVTI_A_SA_IDLE, KVTI_A_EXPIRE_HARD, KVTI_A_SA_SRC,
		KVTI_A_ENCAP_FD, KVTI_A_SA_CURSOR, KVTI_A_SPI_MIN,
	};
	struct alist *l = &q->l;
	int m = (int)rnd(r, M_COUNT), i;
	struct attr *a;

	switch (m) {
	case M_DROP:
		i = pick_attr(r, l, false);
		if (i < 0)
			break;
		note_attr(q, m, &l->a[i]);
		a_remove(l, i, l->a[i].kind == A_BEGIN ? nest_end(l, i) : i);
		break;
	case M_DUP:
		i = pick_attr(r, l, true);
		a = i < 0 ? NULL : a_insert(l, i);
		if (a) {
			*a = l->a[i + 1];
			note_attr(q, m, a);
		}
		break;
	case M_RETYPE:
		i = pick_attr(r, l, false);
		if (i < 0)
			break;
		note_attr(q, m, &l->a[i]);
		l->a[i].type = (l->a[i].type & NLA_F_NESTED) | random_type(r);
		break;
	case M_SHORT:
	case M_LONG:
	case M_ZERO:
	case M_GARBAGE:
	case M_EXTREME:
	case M_STRING:
		i = pick_attr(r, l, true);
		if (i < 0)
			break;
		a = &l->a[i];
		note_attr(q, m, a);
		if (m == M_SHORT && a->len) {
			a->len = (uint16_t)rnd(r, a->len);
		} else if (m == M_LONG) {
			uint16_t add = (uint16_t)(1 + rnd(r, chance(r, 80) ? 8 : 200));

			if (a->len + add > ATTR_DATA_MAX)
				add = (uint16_t)(ATTR_DATA_MAX - a->len);
			rnd_bytes(r, a->data + a->len, add);
			a->len += add;
		} else if (m == M_ZERO) {
			a->len = 0;
		} else if (m == M_GARBAGE) {
			a->len = (uint16_t)rnd(r, 65);
			rnd_bytes(r, a->data, a->len);
		} else if (m == M_EXTREME) {
			extreme(r, a);
		} else {
			weird_string(r, a);
		}
		break;
	case M_UNKNOWN:
	case M_REPORTED:
		a = a_insert(l, (int)rnd(r, (uint32_t)l->n + 1));
		if (!a)
			break;
		a->kind = A_LEAF;
		a->type = m == M_UNKNOWN ? random_type(r) :
			  reported[rnd(r, sizeof(reported) / sizeof(reported[0]))];
		a->len = (uint16_t)(chance(r, 50) ? 4 : rnd(r, 17));
		rnd_bytes(r, a->data, a->len);
		note_attr(q, m, a);
		break;
	case M_NEST:
		i = (int)rnd(r, (uint32_t)l->n + 1);
		nest_garbage(r, l, i, 0);
		req_note(q, "%s", "nest");
		break;
	case M_NESTFLAG:
		i = pick_attr(r, l, false);
		if (i < 0)
			break;
		note_attr(q, m, &l->a[i]);
		l->a[i].type ^= NLA_F_NESTED;
		break;
	case M_SWAP:
		i = pick_attr(r, l, true);
		if (i < 0)
			break;
		{
			int j = pick_attr(r, l, true);
			struct attr tmp = l->a[i];

			l->a[i] = l->a[j];
			l->a[j] = tmp;
		}
		req_note(q, "%s", "swap");
		break;
	case M_FLAGS: {
		static const uint16_t f[] = {
			NLM_F_DUMP, NLM_F_ECHO, NLM_F_ROOT, NLM_F_MATCH,
			NLM_F_ATOMIC, NLM_F_EXCL | NLM_F_CREATE, NLM_F_APPEND,
			NLM_F_MULTI, NLM_F_DUMP_INTR, 0x8000, NLM_F_ACK,
			NLM_F_REQUEST,
		};

		q->flags ^= f[rnd(r, sizeof(f) / sizeof(f[0]))];
		req_note(q, "%s", "flags");
		break;
	}
	case M_VERSION: {
		static const uint8_t v[] = { 0, 2, 3, 0x7f, 0xff };

		q->version = v[rnd(r, 5)];
		req_note(q, "%s", "version");
		break;
	}
	case M_RESERVED:
		q->reserved = (uint16_t)(1 + rnd(r, 0xffff));
		req_note(q, "%s", "reserved");
		break;
	case M_CMD:
		q->cmd = (uint8_t)rng_next(r);
		req_note(q, "%s", cmd_name(q->cmd));
		break;
	case M_TYPE: {
		/* Control messages, and ids no genl family can have. */
		static const uint16_t t[] = {
			NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE, NLMSG_OVERRUN,
			0x0f, 0x400, 0x7fff, 0xffff,
		};

		q->type = t[rnd(r, 8)];
		req_note(q, "%s", "type");
		break;
	}
	default:
		break;
	}
}

/* One to three mutations. */
void gen_mutate(struct rng *r, struct req *q)
{
	int n = chance(r, 70) ? 1 : 2 + (int)rnd(r, 2);

	while (n--)
		mutate_once(r, q);
}

/*
 * Mutations of the laid-out message: a lying nla_len, a cut anywhere
 * (attribute, genl header, netlink header), a lying nlmsg_len, or a few
 * bytes of trailing garbage.  Returns the length to send.
 */
size_t gen_raw_mutate(struct rng *r, unsigned char *buf, size_t len,
		      size_t size, const size_t *attr_off, int n_off,
		      char *what, size_t what_size)
{
	struct nlmsghdr *nh = (void *)buf;
	size_t n = strlen(what);

	switch (rnd(r, 5)) {
	case 0:
		if (n_off) {
			static const uint16_t v[] = { 0, 1, 2, 3, 4, 5, 7, 0xffff };
			struct nlattr *a = (void *)(buf + attr_off[rnd(r, (uint32_t)n_off)]);
			uint32_t k = rnd(r, 10);

			if (k < 8)
				a->nla_len = v[k];
			else if (k == 8)
				a->nla_len = (uint16_t)(len - ((unsigned char *)a - buf) + 4);
			else
				a->nla_len += 4;
			snprintf(what + n, what_size - n, " raw:nla_len=%u",
				 a->nla_len);
			break;
		}
		/* fall through */
	case 1:
		len = rnd(r, (uint32_t)len);
		if (len >= 4 && chance(r, 70))
			nh->nlmsg_len = (uint32_t)len;
		snprintf(what + n, what_size - n, " raw:cut=%zu", len);
		break;
	case 2:
		nh->nlmsg_len = chance(r, 50) ? nh->nlmsg_len + 1 + rnd(r, 64) :
						rnd(r, nh->nlmsg_len);
		snprintf(what + n, what_size - n, " raw:nlmsg_len=%u",
			 nh->nlmsg_len);
		break;
	case 3: {
		size_t add = 1 + rnd(r, 3);

		if (len + add <= size) {
			rnd_bytes(r, buf + len, add);
			len += add;
			if (chance(r, 50))
				nh->nlmsg_len = (uint32_t)len;
		}
		snprintf(what + n, what_size - n, " raw:tail=%zu", add);
		break;
	}
	default:
		/* One random byte anywhere past the netlink header. */
		if (len > NLMSG_HDRLEN) {
			size_t at = NLMSG_HDRLEN + rnd(r, (uint32_t)(len - NLMSG_HDRLEN));

			buf[at] = (unsigned char)rng_next(r);
			snprintf(what + n, what_size - n, " raw:byte@%zu", at);
		}
		break;
	}
	return len;
}
