// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - requests for the kvti family: a valid skeleton of every command,
 * built as a list of attributes so that mutate.c can drop, duplicate,
 * retype, shorten, lengthen or replace any one of them before the list is
 * laid out by req_build().
 *
 * Everything random comes from one xorshift64* state per worker, so a seed
 * replays a worker's stream of requests exactly (not their interleaving).
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>

#include "nlfuzz.h"

void rng_seed(struct rng *r, uint64_t seed)
{
	r->s = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)((rng_next(r) >> 32) % n) : 0;
}

bool chance(struct rng *r, unsigned int percent)
{
	return rnd(r, 100) < percent;
}

void rnd_bytes(struct rng *r, void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n--)
		*p++ = (unsigned char)rng_next(r);
}

static const char *const cmd_names[] = {
	[KVTI_CMD_UNSPEC] = "UNSPEC",
	[KVTI_CMD_TUNNEL_NEW] = "TUNNEL_NEW",
	[KVTI_CMD_TUNNEL_DEL] = "TUNNEL_DEL",
	[KVTI_CMD_TUNNEL_SET] = "TUNNEL_SET",
	[KVTI_CMD_TUNNEL_GET] = "TUNNEL_GET",
	[KVTI_CMD_SA_NEW] = "SA_NEW",
	[KVTI_CMD_SA_DEL] = "SA_DEL",
	[KVTI_CMD_SA_GET] = "SA_GET",
	[KVTI_CMD_SA_FLUSH] = "SA_FLUSH",
	[KVTI_CMD_SPI_ALLOC] = "SPI_ALLOC",
	[KVTI_CMD_STATS_GET] = "STATS_GET",
	[KVTI_CMD_STATS_CLEAR] = "STATS_CLEAR",
	[KVTI_CMD_EV_EXPIRE] = "EV_EXPIRE",
	[KVTI_CMD_EV_ACQUIRE] = "EV_ACQUIRE",
	[KVTI_CMD_EV_INVALID_SPI] = "EV_INVALID_SPI",
	[KVTI_CMD_EV_REPLAY] = "EV_REPLAY",
	[KVTI_CMD_EV_IDLE] = "EV_IDLE",
	[KVTI_CMD_EV_TUNNEL_NEW] = "EV_TUNNEL_NEW",
	[KVTI_CMD_EV_TUNNEL_DEL] = "EV_TUNNEL_DEL",
};

const char *cmd_name(unsigned int cmd)
{
	static __thread char buf[16];

	if (cmd < sizeof(cmd_names) / sizeof(cmd_names[0]) && cmd_names[cmd])
		return cmd_names[cmd];
	snprintf(buf, sizeof(buf), "CMD_%u", cmd);
	return buf;
}

/* How often each command is fuzzed: SAs most, since they carry the most. */
uint8_t gen_pick_cmd(struct rng *r)
{
	static const struct { uint8_t cmd; uint8_t weight; } w[] = {
		{ KVTI_CMD_TUNNEL_NEW, 9 },  { KVTI_CMD_TUNNEL_DEL, 4 },
		{ KVTI_CMD_TUNNEL_SET, 6 },  { KVTI_CMD_TUNNEL_GET, 5 },
		{ KVTI_CMD_SA_NEW, 26 },     { KVTI_CMD_SA_DEL, 14 },
		{ KVTI_CMD_SA_GET, 9 },      { KVTI_CMD_SA_FLUSH, 2 },
		{ KVTI_CMD_SPI_ALLOC, 6 },   { KVTI_CMD_STATS_GET, 4 },
		{ KVTI_CMD_STATS_CLEAR, 2 }, { KVTI_CMD_EV_EXPIRE, 1 },
		{ KVTI_CMD_EV_ACQUIRE, 1 },  { KVTI_CMD_EV_INVALID_SPI, 1 },
		{ KVTI_CMD_EV_REPLAY, 1 },   { KVTI_CMD_EV_IDLE, 1 },
		{ KVTI_CMD_EV_TUNNEL_NEW, 1 }, { KVTI_CMD_EV_TUNNEL_DEL, 1 },
		{ KVTI_CMD_UNSPEC, 1 },      { __KVTI_CMD_MAX, 1 },
		{ 255, 1 },
	};
	unsigned int total = 0, x;
	size_t i;

	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		total += w[i].weight;
	x = rnd(r, total);
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		if (x < w[i].weight)
			break;
		x -= w[i].weight;
	}
	if (w[i].cmd == __KVTI_CMD_MAX)
		return (uint8_t)(__KVTI_CMD_MAX + rnd(r, 255 - __KVTI_CMD_MAX));
	return w[i].cmd;
}

/* ---- attribute lists ---- */

static struct attr *a_new(struct alist *l)
{
	if (l->n >= ALIST_MAX)
		return NULL;
	memset(&l->a[l->n], 0, offsetof(struct attr, data));
	return &l->a[l->n++];
}

void a_put(struct alist *l, uint16_t type, const void *data, size_t len)
{
	struct attr *a = a_new(l);

	if (!a)
		return;
	if (len > ATTR_DATA_MAX)
		len = ATTR_DATA_MAX;
	a->type = type;
	a->kind = A_LEAF;
	a->len = (uint16_t)len;
	if (len)
		memcpy(a->data, data, len);
}

void a_u8(struct alist *l, uint16_t type, uint8_t v)
{
	a_put(l, type, &v, 1);
}

void a_u16(struct alist *l, uint16_t type, uint16_t v)
{
	a_put(l, type, &v, 2);
}

void a_u32(struct alist *l, uint16_t type, uint32_t v)
{
	a_put(l, type, &v, 4);
}

void a_u64(struct alist *l, uint16_t type, uint64_t v)
{
	a_put(l, type, &v, 8);
}

void a_str(struct alist *l, uint16_t type, const char *s)
{
	a_put(l, type, s, strlen(s) + 1);
}

void a_flag(struct alist *l, uint16_t type)
{
	a_put(l, type, NULL, 0);
}

void a_begin(struct alist *l, uint16_t type)
{
	struct attr *a = a_new(l);

	if (a) {
		a->type = type | NLA_F_NESTED;
		a->kind = A_BEGIN;
	}
}

void a_end(struct alist *l)
{
	struct attr *a = a_new(l);

	if (a)
		a->kind = A_END;
}

void req_init(struct req *q, uint16_t family, uint8_t cmd, uint16_t flags)
{
	q->type = family;
	q->flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	q->cmd = cmd;
	q->version = KVTI_GENL_VERSION;
	q->reserved = 0;
	q->l.n = 0;
	snprintf(q->what, sizeof(q->what), "%s", cmd_name(cmd));
}

void req_note(struct req *q, const char *fmt, const char *arg)
{
	size_t n = strlen(q->what);

	if (n + 2 < sizeof(q->what)) {
		q->what[n++] = ' ';
		snprintf(q->what + n, sizeof(q->what) - n, fmt, arg);
	}
}

/*
 * Lays @q out in @buf: headers, then the attributes, nests closed by
 * their A_END (or at the end, if a mutation dropped it).  The offset of
 * every attribute header goes to @attr_off, for gen_raw_mutate().
 */
size_t req_build(const struct req *q, uint32_t seq, void *buf, size_t size,
		 size_t *attr_off, int *n_off)
{
	unsigned char *p = buf;
	struct nlmsghdr *nh = buf;
	struct genlmsghdr *gh = (void *)(p + NLMSG_HDRLEN);
	size_t stack[8], len = NLMSG_HDRLEN + GENL_HDRLEN;
	int depth = 0, nat = 0;

	memset(p, 0, len);
	gh->cmd = q->cmd;
	gh->version = q->version;
	gh->reserved = q->reserved;
	for (int i = 0; i < q->l.n; i++) {
		const struct attr *a = &q->l.a[i];
		struct nlattr *na = (void *)(p + len);

		if (a->kind == A_END) {
			if (depth) {
				size_t at = stack[--depth];
				struct nlattr *open = (void *)(p + at);

				open->nla_len = (uint16_t)(len - at);
			}
			continue;
		}
		if (len + NLA_HDRLEN + NLA_ALIGN(a->len) > size)
			break;
		if (attr_off && nat < ALIST_MAX)
			attr_off[nat++] = len;
		na->nla_type = a->type;
		if (a->kind == A_BEGIN) {
			na->nla_len = NLA_HDRLEN;
			if (depth < 8)
				stack[depth++] = len;
			len += NLA_HDRLEN;
			continue;
		}
		na->nla_len = (uint16_t)(NLA_HDRLEN + a->len);
		memcpy(p + len + NLA_HDRLEN, a->data, a->len);
		memset(p + len + NLA_HDRLEN + a->len, 0,
		       NLA_ALIGN(a->len) - a->len);
		len += NLA_HDRLEN + NLA_ALIGN(a->len);
	}
	while (depth) {
		size_t at = stack[--depth];

		((struct nlattr *)(p + at))->nla_len = (uint16_t)(len - at);
	}
	nh->nlmsg_len = (uint32_t)len;
	nh->nlmsg_type = q->type;
	nh->nlmsg_flags = q->flags;
	nh->nlmsg_seq = seq;
	if (n_off)
		*n_off = nat;
	return len;
}

/* ---- skeletons ---- */

void tun_name(char *buf, int worker, unsigned int n)
{
	snprintf(buf, 16, FZ_PREFIX "%dt%u", worker, n % 100000);
}

static void put_addr(struct alist *l, struct rng *r, uint16_t type, bool v6,
		     bool local)
{
	if (v6) {
		struct in6_addr a;

		inet_pton(AF_INET6, local ? "2001:db8::1" : "2001:db8:1::", &a);
		a.s6_addr[15] = (uint8_t)(1 + rnd(r, local ? 4 : 250));
		a_put(l, type, &a, sizeof(a));
	} else {
		uint32_t a = local ? htonl(0xc0000200 | (1 + rnd(r, 4))) :
				     htonl((chance(r, 50) ? 0xc6336400 : 0xcb007100) |
					   (1 + rnd(r, 250)));

		a_put(l, type, &a, sizeof(a));
	}
}

/* A tunnel of the world, preferring the worker's own; NULL if none. */
static struct tun *pick_tun(struct rng *r, struct world *w, bool want_plain)
{
	int i, tries;

	if (!w->ntun)
		return NULL;
	for (tries = 0; tries < 8; tries++) {
		struct tun *t = &w->tun[rnd(r, w->ntun)];

		if (want_plain && t->tmpl)
			continue;
		if (t->mine || chance(r, 30))
			return t;
	}
	i = rnd(r, w->ntun);
	return &w->tun[i];
}

/* Names the tunnel: mostly by name, sometimes by index, or both. */
static void put_tun(struct alist *l, struct rng *r, struct world *w,
		    const struct tun *t)
{
	char name[16];
	uint32_t x = rnd(r, 100);

	if (!t) {
		/* Nobody known: another worker's tunnel, or nothing. */
		tun_name(name, (int)rnd(r, 4), rnd(r, 8));
		a_str(l, KVTI_A_IFNAME, name);
		return;
	}
	(void)w;
	if (x < 65) {
		a_str(l, KVTI_A_IFNAME, t->name);
	} else if (x < 92) {
		a_u32(l, KVTI_A_IFINDEX, t->ifindex);
	} else {
		a_u32(l, KVTI_A_IFINDEX, t->ifindex);
		a_str(l, KVTI_A_IFNAME, t->name);
	}
}

static void tunnel_options(struct alist *l, struct rng *r)
{
	static const uint32_t mtus[] = { 0, 68, 1280, 1400, 1438, 9000, 65400 };
	static const uint32_t windows[] = { 0, 32, 64, 1024, 4096 };

	if (chance(r, 40))
		a_u32(l, KVTI_A_KEY, rnd(r, 4) ? (uint32_t)rng_next(r) : 0);
	if (chance(r, 25))
		a_u32(l, KVTI_A_MTU, mtus[rnd(r, 7)]);
	if (chance(r, 25))
		a_u8(l, KVTI_A_DF_MODE, (uint8_t)rnd(r, 3));
	if (chance(r, 25))
		a_u32(l, KVTI_A_REPLAY_WINDOW, windows[rnd(r, 5)]);
	if (chance(r, 15)) {
		a_u8(l, KVTI_A_ENCAP, (uint8_t)rnd(r, 2));
		if (chance(r, 50))
			a_u16(l, KVTI_A_ENCAP_SPORT, (uint16_t)(1 + rnd(r, 65535)));
		if (chance(r, 50))
			a_u16(l, KVTI_A_ENCAP_DPORT, 4500);
	}
}

static void sk_tunnel_new(struct rng *r, struct world *w, struct req *q)
{
	struct alist *l = &q->l;
	bool v6 = chance(r, 25);
	uint32_t kind = rnd(r, 20);
	char name[16];

	q->flags |= NLM_F_ECHO;
	tun_name(name, w->worker, w->next_tun++);
	if (kind)		/* 1 in 20: let the kernel pick kvti%d */
		a_str(l, KVTI_A_IFNAME, name);
	if (kind >= 14 && kind < 18) {	/* a template */
		put_addr(l, r, KVTI_A_LOCAL, v6, true);
		a_flag(l, KVTI_A_TEMPLATE);
		req_note(q, "%s", "template");
	} else if (kind >= 18) {	/* a clone of some template */
		const struct tun *t = NULL;

		for (int i = 0; i < w->ntun; i++)
			if (w->tun[i].tmpl && (!t || chance(r, 50)))
				t = &w->tun[i];
		a_u32(l, KVTI_A_TEMPLATE_IFINDEX, t ? t->ifindex : rnd(r, 64));
		put_addr(l, r, KVTI_A_REMOTE, t ? t->v6 : v6, false);
		req_note(q, "%s", "clone");
	} else {
		put_addr(l, r, KVTI_A_LOCAL, v6, true);
		put_addr(l, r, KVTI_A_REMOTE, v6, false);
	}
	tunnel_options(l, r);
}

static void sk_tunnel_set(struct rng *r, struct world *w, struct req *q)
{
	struct alist *l = &q->l;
	struct tun *t = pick_tun(r, w, false);
	bool v6 = t ? t->v6 : false;

	q->flags |= chance(r, 30) ? NLM_F_ECHO : 0;
	put_tun(l, r, w, t);
	if (chance(r, 20))
		put_addr(l, r, KVTI_A_LOCAL, v6, true);
	if (chance(r, 30) && !(t && t->tmpl))
		put_addr(l, r, KVTI_A_REMOTE, v6, false);
	tunnel_options(l, r);
}

/* AES-GCM; @vary: also other key sizes, ICVs and GMAC, else the plain
 * rfc4106(gcm(aes)) with a 20-byte key (16 and the salt) and a 128-bit ICV.
 */
void sa_gcm(struct alist *l, struct rng *r, bool vary)
{
	static const uint32_t icv[] = { 128, 128, 96, 64 };
	static const uint8_t klen[] = { 20, 20, 20, 28, 36 };
	unsigned char key[36] = { 0 };
	uint8_t n = vary ? klen[rnd(r, 5)] : 20;
	bool gmac = vary && chance(r, 10);

	rnd_bytes(r, key, n);
	a_str(l, KVTI_A_SA_AEAD_ALG, gmac ? "rfc4543(gcm(aes))" :
					    "rfc4106(gcm(aes))");
	a_put(l, KVTI_A_SA_ENC_KEY, key, n);
	/* GMAC has a 128-bit ICV only. */
	if (!vary || chance(r, 80))
		a_u32(l, KVTI_A_SA_ICV_BITS, gmac || !vary ? 128 : icv[rnd(r, 4)]);
}

/* AES-CBC; @vary: also other key sizes and hashes, else AES-128 with
 * HMAC-SHA256 (128-bit ICV).
 */
void sa_cbc(struct alist *l, struct rng *r, bool vary)
{
	static const struct { const char *name; uint8_t key; uint32_t icv; } auth[] = {
		{ "hmac(sha256)", 32, 128 }, { "hmac(sha1)", 20, 96 },
		{ "hmac(sha512)", 64, 256 }, { "hmac(sha384)", 48, 192 },
	};
	unsigned char key[64] = { 0 };
	uint32_t a = !vary || chance(r, 70) ? 0 : rnd(r, 4);
	uint8_t n = vary && chance(r, 50) ? 32 : 16;

	a_str(l, KVTI_A_SA_ENC_ALG, "cbc(aes)");
	rnd_bytes(r, key, n);
	a_put(l, KVTI_A_SA_ENC_KEY, key, n);
	a_str(l, KVTI_A_SA_AUTH_ALG, auth[a].name);
	rnd_bytes(r, key, auth[a].key);
	a_put(l, KVTI_A_SA_AUTH_KEY, key, auth[a].key);
	a_u32(l, KVTI_A_SA_ICV_BITS, auth[a].icv);
}

static void put_life(struct alist *l, struct rng *r, uint16_t type,
		     uint64_t scale)
{
	a_begin(l, type);
	if (chance(r, 60))
		a_u64(l, KVTI_LIFE_SECONDS, 3600 * scale + rnd(r, 600));
	if (chance(r, 40))
		a_u64(l, KVTI_LIFE_BYTES, ((uint64_t)4608000 << 10) * scale);
	if (chance(r, 30))
		a_u64(l, KVTI_LIFE_PACKETS, (uint64_t)1 << (30 + scale));
	a_end(l);
}

static void sk_sa_new(struct rng *r, struct world *w, struct req *q)
{
	static const uint32_t windows[] = { 0, 32, 64, 1024, 4096 };
	struct alist *l = &q->l;
	struct tun *t = pick_tun(r, w, true);
	uint8_t dir = (uint8_t)rnd(r, 2);
	uint32_t spi;

	q->flags |= NLM_F_ECHO;
	put_tun(l, r, w, t);
	a_u8(l, KVTI_A_SA_DIR, dir);
	if (dir == KVTI_DIR_IN && w->nspi && chance(r, 50)) {
		spi = w->spi[--w->nspi];
	} else {
		spi = (uint32_t)rng_next(r);
		if (spi < 0x100)
			spi += 0x100;
	}
	a_u32(l, KVTI_A_SA_SPI, spi);
	if (chance(r, 85))
		sa_gcm(l, r, true);
	else
		sa_cbc(l, r, true);
	if (chance(r, 20))
		a_flag(l, KVTI_A_SA_ESN);
	if (chance(r, 20))
		a_u32(l, KVTI_A_SA_REPLAY_WINDOW, windows[rnd(r, 5)]);
	if (chance(r, 10)) {
		/* Gone in seconds: expiry races the others' dumps and deletes. */
		if (chance(r, 50)) {
			a_begin(l, KVTI_A_SA_LIFE_SOFT);
			a_u64(l, KVTI_LIFE_SECONDS, 1);
			a_end(l);
		}
		a_begin(l, KVTI_A_SA_LIFE_HARD);
		a_u64(l, KVTI_LIFE_SECONDS, 1 + rnd(r, 4));
		a_end(l);
	} else {
		if (chance(r, 20))
			put_life(l, r, KVTI_A_SA_LIFE_SOFT, 1);
		if (chance(r, 25))
			put_life(l, r, KVTI_A_SA_LIFE_HARD, 2);
	}
	if (chance(r, 15))
		a_u32(l, KVTI_A_SA_IDLE_TIME, chance(r, 30) ? 1 + rnd(r, 3) :
							      60 + rnd(r, 86341));
	if (dir == KVTI_DIR_OUT && chance(r, 15))
		a_u64(l, KVTI_A_SA_SEQ_OUT, rnd(r, 1000));
}

/* Names an SA: by id, or by tunnel, direction and SPI. */
static void put_sa(struct alist *l, struct rng *r, struct world *w)
{
	const struct sa *s = w->nsa ? &w->sa[rnd(r, w->nsa)] : NULL;

	if (s && chance(r, 60)) {
		a_u32(l, KVTI_A_SA_ID, s->id);
		return;
	}
	if (s) {
		a_u32(l, KVTI_A_IFINDEX, s->ifindex);
		a_u8(l, KVTI_A_SA_DIR, s->dir);
		a_u32(l, KVTI_A_SA_SPI, s->spi);
		return;
	}
	if (chance(r, 50)) {
		a_u32(l, KVTI_A_SA_ID, 1 + rnd(r, 2000));
	} else {
		put_tun(l, r, w, pick_tun(r, w, true));
		a_u8(l, KVTI_A_SA_DIR, (uint8_t)rnd(r, 2));
		a_u32(l, KVTI_A_SA_SPI, 0x100 + rnd(r, 0x10000));
	}
}

static void sk_sa_get(struct rng *r, struct world *w, struct req *q)
{
	static const uint32_t cursors[] = {
		0, 1, 2, 0x7ffffffe, 0x7fffffff, 0x80000000, 0xffffffff,
	};
	struct alist *l = &q->l;

	if (chance(r, 35)) {
		put_sa(l, r, w);
		return;
	}
	q->flags |= NLM_F_DUMP;
	req_note(q, "%s", "dump");
	if (chance(r, 50)) {
		uint32_t c;

		if (w->nsa && chance(r, 60))
			c = w->sa[rnd(r, w->nsa)].id + rnd(r, 3) - 1;
		else if (chance(r, 70))
			c = rnd(r, 4000);
		else
			c = cursors[rnd(r, 7)];
		a_u32(l, KVTI_A_SA_CURSOR, c);
	}
	if (chance(r, 30))
		put_tun(l, r, w, pick_tun(r, w, false));
	if (chance(r, 15))
		a_u32(l, KVTI_A_SA_SPI, w->nsa ? w->sa[rnd(r, w->nsa)].spi :
					       (uint32_t)rng_next(r));
}

static void sk_spi_alloc(struct rng *r, struct req *q)
{
	struct alist *l = &q->l;
	uint32_t lo = 0x100 + rnd(r, 0x100000);

	switch (rnd(r, 6)) {
	case 0:
		break;
	case 1:
		a_u32(l, KVTI_A_SPI_MIN, lo);
		break;
	case 2:
		a_u32(l, KVTI_A_SPI_MIN, lo);
		a_u32(l, KVTI_A_SPI_MAX, lo + rnd(r, 0x1000));
		break;
	case 3:
		a_u32(l, KVTI_A_SPI_MIN, lo);
		a_u32(l, KVTI_A_SPI_MAX, lo);
		break;
	case 4:
		a_u32(l, KVTI_A_SPI_MIN, 0xffffff00);
		a_u32(l, KVTI_A_SPI_MAX, 0xffffffff);
		break;
	default:
		a_u32(l, KVTI_A_SPI_MAX, 0x100 + rnd(r, 0x300));
		break;
	}
}

/*
 * The valid request of @cmd, naming what @w knows.  Commands without an
 * operation (events, numbers beyond the enum) get a plausible body too:
 * what matters is that the kernel refuses them whatever they carry.
 */
void gen_skeleton(struct rng *r, struct world *w, uint16_t family,
		  uint8_t cmd, struct req *q)
{
	struct alist *l = &q->l;

	req_init(q, family, cmd, 0);
	switch (cmd) {
	case KVTI_CMD_TUNNEL_NEW:
		sk_tunnel_new(r, w, q);
		break;
	case KVTI_CMD_TUNNEL_DEL:
		put_tun(l, r, w, pick_tun(r, w, false));
		break;
	case KVTI_CMD_TUNNEL_SET:
		sk_tunnel_set(r, w, q);
		break;
	case KVTI_CMD_TUNNEL_GET:
	case KVTI_CMD_STATS_GET:
		if (chance(r, 50)) {
			q->flags |= NLM_F_DUMP;
			req_note(q, "%s", "dump");
		} else {
			put_tun(l, r, w, pick_tun(r, w, false));
		}
		break;
	case KVTI_CMD_SA_NEW:
		sk_sa_new(r, w, q);
		break;
	case KVTI_CMD_SA_DEL:
		put_sa(l, r, w);
		break;
	case KVTI_CMD_SA_GET:
		sk_sa_get(r, w, q);
		break;
	case KVTI_CMD_SA_FLUSH:
	case KVTI_CMD_STATS_CLEAR:
		if (chance(r, 80))
			put_tun(l, r, w, pick_tun(r, w, false));
		else
			req_note(q, "%s", "all");
		break;
	case KVTI_CMD_SPI_ALLOC:
		sk_spi_alloc(r, q);
		break;
	default:
		switch (rnd(r, 4)) {
		case 0:
			sk_sa_new(r, w, q);
			break;
		case 1:
			sk_tunnel_new(r, w, q);
			break;
		case 2:
			put_sa(l, r, w);
			break;
		default:
			if (chance(r, 50))
				q->flags |= NLM_F_DUMP;
			break;
		}
		q->cmd = cmd;
		break;
	}
}

/* Lays out a well-formed @q and sends it with nl_request(). */
int req_do(struct nlsock *s, const struct req *q, reply_fn fn, void *arg,
	   struct reply *r)
{
	unsigned char buf[MSG_MAX];
	size_t len = req_build(q, 0, buf, sizeof(buf), NULL, NULL);

	return nl_request(s, buf, len, fn, arg, r);
}
