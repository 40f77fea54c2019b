// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz inject - every allocation of a request fails once, in turn.
 *
 * The kernel's per-task fault injection (/proc/thread-self/fail-nth,
 * Documentation/fault-injection/fault-injection.rst) makes the N-th
 * injectable allocation of this thread fail, whatever it is: the
 * request's own skb, genl's attribute table, the tunnel's netdev, its
 * kobjects, an SA's transform, the echo reply, the ack.  For each
 * operation below, N = 1, 2, ... is written just before the one request
 * is sent; after its answer fail-nth is read back: 0 means the fault
 * fired, anything else means the request ran out of allocations before
 * reaching the N-th, and the sweep of that operation ends.
 *
 * After every attempt the namespace is looked at with faults off: a
 * refused request left nothing (no tunnel in the dump, no netdev by that
 * name, no SA, no SPI reservation), a request that succeeded despite the
 * fault made a whole object (every attribute as asked, the echo reply
 * names it, carrier and MTU follow its SAs), and nothing else changed.
 * Then the baseline is restored, so that every N starts from the same
 * state.  Any difference is printed with the operation's name and N:
 * "nlfuzz inject -o OP" replays it.
 *
 * The caller sets up the injection knobs (failslab and fail_page_alloc:
 * ignore-gfp-wait N, so GFP_KERNEL allocations fail too; verbose 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/genetlink.h>

#include "nlfuzz.h"

/* Names of the tunnels the sweep makes (all under FZ_PREFIX "i"). */
#define B4	FZ_PREFIX "ib4"		/* IPv4 base tunnel, SAs go here */
#define B6	FZ_PREFIX "ib6"		/* IPv6 base tunnel */
#define BS	FZ_PREFIX "is"		/* TUNNEL_SET's tunnel */
#define TN	FZ_PREFIX "in"		/* TUNNEL_NEW's tunnel */
#define TD	FZ_PREFIX "id"		/* TUNNEL_DEL's tunnel */

#define SPI_IN		0x7a000100u	/* inbound SAs of the sweep */
#define SPI_OUT		0x7b000100u
#define SPI_RESV	0x7c000100u	/* SPI_ALLOC's one-SPI range */

#define PROBE_N		1000000u	/* fail-nth that no request reaches */

static int problems;

#define BAD(x, ...) do {						\
	fprintf(stderr, "nlfuzz inject: %s N=%u: ", (x)->op->name, (x)->n);	\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	problems++;							\
} while (0)

struct inj;

struct inj_op {
	const char *name;
	/* Before each attempt, faults off: make what the request acts on. */
	int (*prepare)(struct inj *x);
	/* The request itself. */
	void (*build)(struct inj *x, struct req *q);
	/* After it, faults off: judge, then restore the baseline. */
	void (*verify)(struct inj *x);
};

/* A tunnel as the dump shows it. */
struct tinfo {
	uint32_t ifindex;
	char name[16];
	uint8_t local[16], remote[16];
	int alen;
	uint32_t key, mtu, replay;
	uint8_t df;
	bool has_key;
	int carrier;
};

struct inj {
	struct nlsock s;		/* faults off: setup, checks, restore */
	int fail_fd;			/* /proc/thread-self/fail-nth */
	bool verbose;
	const struct inj_op *op;
	unsigned int n;
	unsigned int sites;		/* -r: allocations of a fault-free run */
	unsigned int cut;		/* -t: the N the time budget stopped at */
	bool probing;			/* the fault-free first run */
	uint32_t b4, b6, bs;		/* ifindex of the base tunnels */
	uint32_t mtu_sa4;		/* B4's MTU with the sweep's outbound SA */
	uint32_t prepared_id;		/* SA_DEL's SA, TUNNEL_DEL's tunnel */
	/* What the attempt got. */
	int outcome;			/* 0 acked ok, -errno refused */
	bool acked;
	bool fired;
	unsigned int left;		/* fail-nth read back */
	uint32_t echo_id;		/* SA_ID / IFINDEX / SPI of the reply */
	int ndata;
	/* The namespace before the sweep of this op. */
	struct recs tuns0, sas0;
	/* Counters of this op. */
	uint64_t attempts, faults, ok, refused, noack;
	uint64_t err[ERRNO_MAX];
};

/* ---- fail-nth ---- */

static int fail_set(struct inj *x, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(x->fail_fd, buf, (size_t)len, 0) == len ? 0 : -errno;
}

/* What is left of the count: 0 if the fault fired.  Resets it. */
static unsigned int fail_left(struct inj *x)
{
	char buf[16] = { 0 };
	unsigned int left;

	if (pread(x->fail_fd, buf, sizeof(buf) - 1, 0) <= 0)
		return 1;
	left = (unsigned int)strtoul(buf, NULL, 10);
	if (left)
		fail_set(x, 0);
	return left;
}

/* ---- looking at the namespace, faults off ---- */

static void tinfo_cb(const struct nlmsghdr *nh, void *arg)
{
	struct recs *out = arg;
	struct tinfo *t;
	const char *name;
	struct tb tb;

	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->v = realloc(out->v, (size_t)out->cap * sizeof(*t));
		if (!out->v)
			exit(2);
	}
	t = memset((struct tinfo *)out->v + out->n++, 0, sizeof(*t));
	nl_parse_genl(&tb, nh);
	t->ifindex = tb_u32(&tb, KVTI_A_IFINDEX, 0);
	name = tb_str(&tb, KVTI_A_IFNAME);
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "?");
	if (tb.a[KVTI_A_LOCAL]) {
		t->alen = tb.a[KVTI_A_LOCAL]->nla_len - NLA_HDRLEN;
		if (t->alen > 16)
			t->alen = 16;
		memcpy(t->local, (const char *)tb.a[KVTI_A_LOCAL] + NLA_HDRLEN,
		       (size_t)t->alen);
	}
	if (tb.a[KVTI_A_REMOTE] && t->alen &&
	    tb.a[KVTI_A_REMOTE]->nla_len - NLA_HDRLEN == t->alen)
		memcpy(t->remote, (const char *)tb.a[KVTI_A_REMOTE] + NLA_HDRLEN,
		       (size_t)t->alen);
	t->has_key = tb.a[KVTI_A_KEY] != NULL;
	t->key = tb_u32(&tb, KVTI_A_KEY, 0);
	t->mtu = tb_u32(&tb, KVTI_A_MTU, 0);
	t->replay = tb_u32(&tb, KVTI_A_REPLAY_WINDOW, 0);
	t->df = tb_u8(&tb, KVTI_A_DF_MODE, 0xff);
	t->carrier = tb.a[KVTI_A_CARRIER] ? tb_u8(&tb, KVTI_A_CARRIER, 0) : -1;
}

static int dump_tinfo(struct inj *x, struct recs *out)
{
	struct reply r;
	struct req q;
	int err;

	out->n = 0;
	req_init(&q, x->s.family, KVTI_CMD_TUNNEL_GET, NLM_F_DUMP);
	err = req_do(&x->s, &q, tinfo_cb, out, &r);
	return err ? err : out->n;
}

static const struct tinfo *tinfo_find(const struct recs *t, const char *name)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(((struct tinfo *)t->v)[i].name, name))
			return (struct tinfo *)t->v + i;
	return NULL;
}

static const struct sa_rec *sa_find_rec(const struct recs *s, uint32_t ifindex,
					uint8_t dir, uint32_t spi)
{
	for (int i = 0; i < s->n; i++) {
		const struct sa_rec *a = (struct sa_rec *)s->v + i;

		if (a->ifindex == ifindex && a->dir == dir && a->spi == spi)
			return a;
	}
	return NULL;
}

/* Is tunnel @name in rtnetlink's kvti links? */
static bool rtnl_has(const char *name)
{
	struct recs links = { 0 };
	bool found = false;

	if (rtnl_kvti_links(&links) >= 0)
		for (int i = 0; i < links.n; i++)
			found |= !strcmp(((struct tun_rec *)links.v)[i].name, name);
	recs_free(&links);
	return found;
}

/*
 * Tunnel @name: 1 if the genl dump, if_nametoindex() and rtnetlink all
 * have it, 0 if none does; a problem otherwise.  *@t gets its record.
 */
static int tunnel_state(struct inj *x, const char *name, struct tinfo *t)
{
	struct recs tuns = { 0 };
	const struct tinfo *f;
	unsigned int idx = if_nametoindex(name);
	bool in_rtnl = rtnl_has(name);
	int err = dump_tinfo(x, &tuns), ret;

	if (err < 0) {
		BAD(x, "tunnel dump: %s", errno_name(-err));
		recs_free(&tuns);
		return -1;
	}
	f = tinfo_find(&tuns, name);
	if (f && t)
		*t = *f;
	if (!f && !idx && !in_rtnl) {
		ret = 0;
	} else if (f && idx == f->ifindex && in_rtnl) {
		ret = 1;
	} else {
		BAD(x, "tunnel %s half there: genl dump %s (ifindex %u), if_nametoindex %u, rtnetlink %s",
		    name, f ? "lists it" : "does not list it", f ? f->ifindex : 0,
		    idx, in_rtnl ? "lists it" : "does not list it");
		ret = -1;
	}
	recs_free(&tuns);
	return ret;
}

static bool same_sa_set(const struct recs *a, const struct recs *b)
{
	if (a->n != b->n)
		return false;
	for (int i = 0; i < a->n; i++) {
		const struct sa_rec *s = (struct sa_rec *)a->v + i;
		bool found = false;

		for (int j = 0; j < b->n && !found; j++)
			found = ((struct sa_rec *)b->v)[j].id == s->id;
		if (!found)
			return false;
	}
	return true;
}

/*
 * The namespace is as it was before this op's sweep: same tunnels (by
 * name and ifindex), same SAs (by id), and the base tunnels' carrier
 * and MTU as they were.  Run after the restore of each attempt.
 */
static void check_baseline(struct inj *x)
{
	struct recs tuns = { 0 }, sas = { 0 };
	int err = dump_tinfo(x, &tuns);

	if (err >= 0)
		err = dump_sas(&x->s, 0, 0, -1, &sas, NULL);
	if (err < 0) {
		BAD(x, "dump after restoring: %s", errno_name(-err));
		goto out;
	}
	if (tuns.n != x->tuns0.n)
		BAD(x, "%d tunnels after restoring, %d before", tuns.n, x->tuns0.n);
	for (int i = 0; i < x->tuns0.n; i++) {
		const struct tinfo *a = (struct tinfo *)x->tuns0.v + i;
		const struct tinfo *b = tinfo_find(&tuns, a->name);

		if (!b || b->ifindex != a->ifindex)
			BAD(x, "tunnel %s (ifindex %u) is gone or renumbered", a->name,
			    a->ifindex);
		else if (b->mtu != a->mtu || b->carrier != a->carrier)
			BAD(x, "tunnel %s: MTU %u carrier %d, before %u and %d",
			    a->name, b->mtu, b->carrier, a->mtu, a->carrier);
	}
	if (!same_sa_set(&sas, &x->sas0))
		BAD(x, "%d SAs after restoring, %d before, or other ids", sas.n,
		    x->sas0.n);
out:
	recs_free(&tuns);
	recs_free(&sas);
}

/* ---- requests with faults off ---- */

static void echo_cb(const struct nlmsghdr *nh, void *arg)
{
	struct tb tb;

	nl_parse_genl(&tb, nh);
	*(uint32_t *)arg = tb_u32(&tb, KVTI_A_SA_ID,
				  tb_u32(&tb, KVTI_A_SA_SPI,
					 tb_u32(&tb, KVTI_A_IFINDEX, 0)));
}

static int plain(struct inj *x, const struct req *q, uint32_t *echo,
		 const char *what)
{
	struct reply r;
	int err;

	if (echo)
		*echo = 0;
	err = req_do(&x->s, q, echo ? echo_cb : NULL, echo, &r);
	if (err && what)
		BAD(x, "%s (faults off): %s%s%s", what, errno_name(-err),
		    r.has_msg ? ": " : "", r.has_msg ? r.msg : "");
	return err;
}

static void put_v4(struct alist *l, uint16_t type, uint32_t a)
{
	uint32_t be = htonl(a);

	a_put(l, type, &be, 4);
}

static void put_v6(struct alist *l, uint16_t type, const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	a_put(l, type, &a, sizeof(a));
}

static void tunnel_req(struct inj *x, struct req *q, const char *name,
		       bool v6, uint8_t last)
{
	char remote[40];

	req_init(q, x->s.family, KVTI_CMD_TUNNEL_NEW, NLM_F_ECHO);
	a_str(&q->l, KVTI_A_IFNAME, name);
	if (v6) {
		snprintf(remote, sizeof(remote), "2001:db8:1::%x", last);
		put_v6(&q->l, KVTI_A_LOCAL, "2001:db8::1");
		put_v6(&q->l, KVTI_A_REMOTE, remote);
	} else {
		put_v4(&q->l, KVTI_A_LOCAL, 0xc0000201);	/* 192.0.2.1 */
		put_v4(&q->l, KVTI_A_REMOTE, 0xcb007100 | last);	/* 203.0.113.x */
	}
	a_u32(&q->l, KVTI_A_KEY, 0x1000u + last);
}

static int tunnel_make(struct inj *x, const char *name, bool v6, uint8_t last,
		       uint32_t *ifindex)
{
	struct req q;

	tunnel_req(x, &q, name, v6, last);
	return plain(x, &q, ifindex, "TUNNEL_NEW");
}

static int tunnel_del_name(struct inj *x, const char *name)
{
	struct req q;

	req_init(&q, x->s.family, KVTI_CMD_TUNNEL_DEL, 0);
	a_str(&q.l, KVTI_A_IFNAME, name);
	return plain(x, &q, NULL, "TUNNEL_DEL");
}

enum alg { ALG_GCM, ALG_CHACHA, ALG_CBC };

static void sa_req(struct inj *x, struct req *q, uint32_t ifindex,
		   uint8_t dir, uint32_t spi, enum alg alg, bool esn)
{
	unsigned char key[64];

	memset(key, 0x5a, sizeof(key));
	req_init(q, x->s.family, KVTI_CMD_SA_NEW, NLM_F_ECHO);
	a_u32(&q->l, KVTI_A_IFINDEX, ifindex);
	a_u8(&q->l, KVTI_A_SA_DIR, dir);
	a_u32(&q->l, KVTI_A_SA_SPI, spi);
	switch (alg) {
	case ALG_GCM:
		a_str(&q->l, KVTI_A_SA_AEAD_ALG, "rfc4106(gcm(aes))");
		a_put(&q->l, KVTI_A_SA_ENC_KEY, key, 20);
		a_u32(&q->l, KVTI_A_SA_ICV_BITS, 128);
		break;
	case ALG_CHACHA:
		a_str(&q->l, KVTI_A_SA_AEAD_ALG, "rfc7539esp(chacha20,poly1305)");
		a_put(&q->l, KVTI_A_SA_ENC_KEY, key, 36);
		a_u32(&q->l, KVTI_A_SA_ICV_BITS, 128);
		break;
	case ALG_CBC:
		a_str(&q->l, KVTI_A_SA_ENC_ALG, "cbc(aes)");
		a_put(&q->l, KVTI_A_SA_ENC_KEY, key, 16);
		a_str(&q->l, KVTI_A_SA_AUTH_ALG, "hmac(sha256)");
		a_put(&q->l, KVTI_A_SA_AUTH_KEY, key, 32);
		a_u32(&q->l, KVTI_A_SA_ICV_BITS, 128);
		break;
	}
	if (esn)
		a_flag(&q->l, KVTI_A_SA_ESN);
	if (dir == KVTI_DIR_IN)
		a_u32(&q->l, KVTI_A_SA_REPLAY_WINDOW, 1024);
	a_begin(&q->l, KVTI_A_SA_LIFE_HARD);
	a_u64(&q->l, KVTI_LIFE_BYTES, 1ULL << 40);
	a_end(&q->l);
	a_u32(&q->l, KVTI_A_SA_IDLE_TIME, 3600);
}

static int sa_del_id(struct inj *x, uint32_t id)
{
	struct req q;

	req_init(&q, x->s.family, KVTI_CMD_SA_DEL, 0);
	a_u32(&q.l, KVTI_A_SA_ID, id);
	return plain(x, &q, NULL, "SA_DEL");
}

/*
 * Is @spi free in the namespace (no inbound SA, no reservation)?  Asks
 * SPI_ALLOC for exactly that SPI; if it was free it is reserved now, and
 * an inbound SA made and deleted on it gives the reservation back.
 */
static bool spi_free(struct inj *x, uint32_t spi)
{
	uint32_t got = 0, id = 0;
	struct reply r;
	struct req q;
	int err;

	req_init(&q, x->s.family, KVTI_CMD_SPI_ALLOC, 0);
	a_u32(&q.l, KVTI_A_SPI_MIN, spi);
	a_u32(&q.l, KVTI_A_SPI_MAX, spi);
	err = req_do(&x->s, &q, echo_cb, &got, &r);
	if (err == -EADDRINUSE)
		return false;
	if (err || got != spi) {
		BAD(x, "SPI_ALLOC of 0x%x (faults off): %s, got 0x%x", spi,
		    errno_name(-err), got);
		return false;
	}
	sa_req(x, &q, x->b4, KVTI_DIR_IN, spi, ALG_GCM, false);
	if (!plain(x, &q, &id, "SA_NEW on a reserved SPI"))
		sa_del_id(x, id);
	return true;
}

/* ---- the operations ---- */

/* TUNNEL_NEW: all of it or none of it. */
static void verify_tunnel_new(struct inj *x, const char *name, bool v6)
{
	struct tinfo t;
	int st = tunnel_state(x, name, &t);

	if (st < 0)
		goto restore;
	if (x->acked && !x->outcome && !st)
		BAD(x, "TUNNEL_NEW succeeded but no tunnel %s exists", name);
	if (x->acked && x->outcome && st)
		BAD(x, "TUNNEL_NEW refused (%s) but tunnel %s exists (ifindex %u)",
		    errno_name(-x->outcome), name, t.ifindex);
	if (st && x->acked && !x->outcome && x->echo_id != t.ifindex)
		BAD(x, "TUNNEL_NEW echoed ifindex %u (%d replies), the tunnel has %u",
		    x->echo_id, x->ndata, t.ifindex);
	if (st && (t.alen != (v6 ? 16 : 4) || !t.has_key || t.key != 0x1000u + 0x42 ||
		   t.carrier != 0 || t.mtu < 1280))
		BAD(x, "tunnel %s incomplete: address length %d, key %s0x%x, carrier %d, MTU %u",
		    name, t.alen, t.has_key ? "" : "none ", t.key, t.carrier, t.mtu);
restore:
	if (if_nametoindex(name) || st > 0)
		tunnel_del_name(x, name);
}

static void build_tunnel_new4(struct inj *x, struct req *q)
{
	tunnel_req(x, q, TN, false, 0x42);
}

static void build_tunnel_new6(struct inj *x, struct req *q)
{
	tunnel_req(x, q, TN, true, 0x42);
}

static void verify_tunnel_new4(struct inj *x)
{
	verify_tunnel_new(x, TN, false);
}

static void verify_tunnel_new6(struct inj *x)
{
	verify_tunnel_new(x, TN, true);
}

/* TUNNEL_SET: every attribute changed, or none. */
struct tset {
	uint32_t remote, key, mtu, replay;
	uint8_t df;
};

static const struct tset set_a = { 0xcb007150, 0x1050, 1200, 64, 0 };
static const struct tset set_b = { 0xcb007151, 0x1051, 1400, 1024, 1 };

static void tset_req(struct inj *x, struct req *q, const struct tset *v)
{
	req_init(q, x->s.family, KVTI_CMD_TUNNEL_SET, NLM_F_ECHO);
	a_u32(&q->l, KVTI_A_IFINDEX, x->bs);
	put_v4(&q->l, KVTI_A_REMOTE, v->remote);
	a_u32(&q->l, KVTI_A_KEY, v->key);
	a_u32(&q->l, KVTI_A_MTU, v->mtu);
	a_u32(&q->l, KVTI_A_REPLAY_WINDOW, v->replay);
	a_u8(&q->l, KVTI_A_DF_MODE, v->df);
}

static bool tset_is(const struct tinfo *t, const struct tset *v)
{
	uint32_t remote;

	memcpy(&remote, t->remote, 4);
	return ntohl(remote) == v->remote && t->key == v->key &&
	       t->mtu == v->mtu && t->replay == v->replay && t->df == v->df;
}

static void build_tunnel_set(struct inj *x, struct req *q)
{
	tset_req(x, q, &set_b);
}

static void verify_tunnel_set(struct inj *x)
{
	struct tinfo t;
	struct req q;
	bool a, b;

	if (tunnel_state(x, BS, &t) != 1) {
		BAD(x, "tunnel %s is gone after TUNNEL_SET", BS);
		return;
	}
	a = tset_is(&t, &set_a);
	b = tset_is(&t, &set_b);
	if (!a && !b)
		BAD(x, "TUNNEL_SET %s applied in part: remote %u.%u.%u.%u key 0x%x MTU %u replay %u df %u",
		    x->outcome ? "refused" : "acked", t.remote[0], t.remote[1],
		    t.remote[2], t.remote[3], t.key, t.mtu, t.replay, t.df);
	else if (x->acked && !x->outcome && !b)
		BAD(x, "TUNNEL_SET succeeded but changed nothing");
	else if (x->acked && x->outcome && b)
		BAD(x, "TUNNEL_SET refused (%s) but applied", errno_name(-x->outcome));
	tset_req(x, &q, &set_a);
	plain(x, &q, NULL, "TUNNEL_SET back");
}

/* SA_NEW: a whole SA, or nothing; carrier and MTU follow. */
struct sa_case {
	const char *op;
	bool v6;
	uint8_t dir;
	enum alg alg;
	bool esn;
};

static const struct sa_case sa_cases[] = {
	{ "sa_new_gcm_out", false, KVTI_DIR_OUT, ALG_GCM, false },
	{ "sa_new_gcm_in_v6", true, KVTI_DIR_IN, ALG_GCM, false },
	{ "sa_new_chacha_in", false, KVTI_DIR_IN, ALG_CHACHA, false },
	{ "sa_new_cbc_esn_out", true, KVTI_DIR_OUT, ALG_CBC, true },
	{ "sa_new_cbc_esn_in", false, KVTI_DIR_IN, ALG_CBC, true },
};

static const struct sa_case *sa_case_of(const struct inj *x)
{
	for (size_t i = 0; i < sizeof(sa_cases) / sizeof(sa_cases[0]); i++)
		if (!strcmp(sa_cases[i].op, x->op->name))
			return &sa_cases[i];
	return &sa_cases[0];
}

static uint32_t case_spi(const struct sa_case *c)
{
	return c->dir == KVTI_DIR_IN ? SPI_IN : SPI_OUT;
}

static void build_sa_new(struct inj *x, struct req *q)
{
	const struct sa_case *c = sa_case_of(x);

	sa_req(x, q, c->v6 ? x->b6 : x->b4, c->dir, case_spi(c), c->alg, c->esn);
}

static void verify_sa_new(struct inj *x)
{
	const struct sa_case *c = sa_case_of(x);
	uint32_t ifindex = c->v6 ? x->b6 : x->b4;
	struct recs sas = { 0 };
	const struct sa_rec *s;
	struct tinfo t;
	int n;

	n = dump_sas(&x->s, ifindex, 0, -1, &sas, NULL);
	if (n < 0) {
		BAD(x, "SA dump: %s", errno_name(-n));
		goto out;
	}
	s = sa_find_rec(&sas, ifindex, c->dir, case_spi(c));
	if (n > 1 || (n == 1 && !s))
		BAD(x, "%d SAs on the tunnel, expected at most the sweep's", n);
	if (x->acked && !x->outcome && !s)
		BAD(x, "SA_NEW succeeded but the SA is not dumped");
	if (x->acked && x->outcome && s)
		BAD(x, "SA_NEW refused (%s) but SA %u exists", errno_name(-x->outcome),
		    s->id);
	if (s && x->acked && !x->outcome && x->echo_id != s->id)
		BAD(x, "SA_NEW echoed SA id %u (%d replies), the SA has id %u",
		    x->echo_id, x->ndata, s->id);
	if (tunnel_state(x, c->v6 ? B6 : B4, &t) != 1) {
		BAD(x, "base tunnel is gone");
	} else if (c->dir == KVTI_DIR_OUT && t.carrier != (s != NULL)) {
		BAD(x, "carrier %d %s an outbound SA", t.carrier,
		    s ? "with" : "without");
	} else if (!c->v6 && c->dir == KVTI_DIR_OUT && s && t.mtu != x->mtu_sa4) {
		/* Without it, the MTU stays what it was: check_baseline(). */
		BAD(x, "MTU %u with the outbound SA; %u expected", t.mtu,
		    x->mtu_sa4);
	}
	if (s)
		sa_del_id(x, s->id);
	/* A refused inbound SA must not keep its SPI: it is free again. */
	if (c->dir == KVTI_DIR_IN && !spi_free(x, case_spi(c)))
		BAD(x, "SPI 0x%x is still taken after SA_NEW %s", case_spi(c),
		    s ? "and SA_DEL" : "was refused");
out:
	recs_free(&sas);
}

/* SPI_ALLOC of a one-SPI range: reserved exactly when it said so. */
static void build_spi_alloc(struct inj *x, struct req *q)
{
	req_init(q, x->s.family, KVTI_CMD_SPI_ALLOC, 0);
	a_u32(&q->l, KVTI_A_SPI_MIN, SPI_RESV);
	a_u32(&q->l, KVTI_A_SPI_MAX, SPI_RESV);
}

static void verify_spi_alloc(struct inj *x)
{
	uint32_t id = 0;
	struct req q;
	bool was_free = spi_free(x, SPI_RESV);

	if (x->acked && !x->outcome && x->echo_id != SPI_RESV)
		BAD(x, "SPI_ALLOC answered 0x%x (%d replies), not 0x%x", x->echo_id,
		    x->ndata, SPI_RESV);
	if (x->acked && !x->outcome && was_free)
		BAD(x, "SPI_ALLOC succeeded but the SPI is not reserved");
	if (x->acked && x->outcome && !was_free)
		BAD(x, "SPI_ALLOC refused (%s) but the SPI stays reserved",
		    errno_name(-x->outcome));
	if (!was_free) {
		/* Give the reservation back: an SA takes it over. */
		sa_req(x, &q, x->b4, KVTI_DIR_IN, SPI_RESV, ALG_GCM, false);
		if (!plain(x, &q, &id, "SA_NEW on the reserved SPI"))
			sa_del_id(x, id);
	}
}

/* Dumps: whatever they delivered is right, and nothing changed. */
static void build_sa_dump(struct inj *x, struct req *q)
{
	req_init(q, x->s.family, KVTI_CMD_SA_GET, NLM_F_DUMP);
}

static void build_sa_dump_dev(struct inj *x, struct req *q)
{
	req_init(q, x->s.family, KVTI_CMD_SA_GET, NLM_F_DUMP);
	a_str(&q->l, KVTI_A_IFNAME, BS);
}

static void build_tunnel_dump(struct inj *x, struct req *q)
{
	req_init(q, x->s.family, KVTI_CMD_TUNNEL_GET, NLM_F_DUMP);
}

static void verify_dump(struct inj *x)
{
	int want = !strcmp(x->op->name, "tunnel_dump") ? x->tuns0.n : x->sas0.n;

	if (!strcmp(x->op->name, "sa_dump_dev")) {
		want = 0;
		for (int i = 0; i < x->sas0.n; i++)
			want += ((struct sa_rec *)x->sas0.v)[i].ifindex == x->bs;
	}
	/* A dump can only be short if it ended in an error. */
	if (x->acked && !x->outcome && x->ndata != want)
		BAD(x, "dump completed with %d entries, %d exist", x->ndata, want);
	if (x->ndata > want)
		BAD(x, "dump delivered %d entries, only %d exist", x->ndata, want);
}

/* The SAs the dumps walk: one of each kind, on the TUNNEL_SET tunnel
 * (whose sweep is over by then), so that B4 and B6 stay without SAs.
 */
static int prepare_dump_sas(struct inj *x)
{
	static bool done;
	uint32_t id;
	struct req q;

	if (done)
		return 0;
	done = true;
	sa_req(x, &q, x->bs, KVTI_DIR_IN, 0x7d000100, ALG_GCM, false);
	if (plain(x, &q, &id, "SA_NEW for the dumps"))
		return -1;
	sa_req(x, &q, x->bs, KVTI_DIR_OUT, 0x7d000101, ALG_CBC, true);
	if (plain(x, &q, &id, "SA_NEW for the dumps"))
		return -1;
	sa_req(x, &q, x->bs, KVTI_DIR_IN, 0x7d000102, ALG_CHACHA, false);
	return plain(x, &q, &id, "SA_NEW for the dumps") ? -1 : 0;
}

/* SA_DEL of an outbound SA: gone with the carrier, or untouched. */
static int prepare_sa_del(struct inj *x)
{
	struct req q;

	sa_req(x, &q, x->b4, KVTI_DIR_OUT, SPI_OUT, ALG_GCM, false);
	return plain(x, &q, &x->prepared_id, "SA_NEW to delete") ? -1 : 0;
}

static void build_sa_del(struct inj *x, struct req *q)
{
	req_init(q, x->s.family, KVTI_CMD_SA_DEL, 0);
	a_u32(&q->l, KVTI_A_SA_ID, x->prepared_id);
}

static void verify_sa_del(struct inj *x)
{
	struct recs sas = { 0 };
	const struct sa_rec *s;
	struct tinfo t;
	int n = dump_sas(&x->s, x->b4, 0, -1, &sas, NULL);

	if (n < 0) {
		BAD(x, "SA dump: %s", errno_name(-n));
		goto out;
	}
	s = sa_find_rec(&sas, x->b4, KVTI_DIR_OUT, SPI_OUT);
	if (s && s->id != x->prepared_id)
		BAD(x, "the SA changed id: %u, was %u", s->id, x->prepared_id);
	if (x->acked && !x->outcome && s)
		BAD(x, "SA_DEL succeeded but SA %u is still dumped", s->id);
	if (x->acked && x->outcome && !s)
		BAD(x, "SA_DEL refused (%s) but the SA is gone",
		    errno_name(-x->outcome));
	if (tunnel_state(x, B4, &t) == 1 && t.carrier != (s != NULL))
		BAD(x, "carrier %d %s its outbound SA", t.carrier,
		    s ? "with" : "without");
	if (s)
		sa_del_id(x, s->id);
out:
	recs_free(&sas);
}

/* SA_FLUSH of a tunnel with two SAs: both gone, or both there. */
static int prepare_sa_flush(struct inj *x)
{
	uint32_t id;
	struct req q;

	sa_req(x, &q, x->b6, KVTI_DIR_IN, SPI_IN, ALG_GCM, false);
	if (plain(x, &q, &id, "SA_NEW to flush"))
		return -1;
	sa_req(x, &q, x->b6, KVTI_DIR_OUT, SPI_OUT, ALG_GCM, false);
	return plain(x, &q, &id, "SA_NEW to flush") ? -1 : 0;
}

static void build_sa_flush(struct inj *x, struct req *q)
{
	req_init(q, x->s.family, KVTI_CMD_SA_FLUSH, 0);
	a_u32(&q->l, KVTI_A_IFINDEX, x->b6);
}

static void verify_sa_flush(struct inj *x)
{
	struct recs sas = { 0 };
	struct req q;
	int n = dump_sas(&x->s, x->b6, 0, -1, &sas, NULL);

	if (n < 0)
		BAD(x, "SA dump: %s", errno_name(-n));
	else if (n != 0 && n != 2)
		BAD(x, "SA_FLUSH left %d of 2 SAs", n);
	else if (x->acked && !x->outcome && n)
		BAD(x, "SA_FLUSH succeeded but %d SAs are left", n);
	else if (x->acked && x->outcome && !n)
		BAD(x, "SA_FLUSH refused (%s) but flushed", errno_name(-x->outcome));
	recs_free(&sas);
	req_init(&q, x->s.family, KVTI_CMD_SA_FLUSH, 0);
	a_u32(&q.l, KVTI_A_IFINDEX, x->b6);
	plain(x, &q, NULL, "SA_FLUSH");
}

/* TUNNEL_DEL of a tunnel with SAs: gone with them, or untouched. */
static int prepare_tunnel_del(struct inj *x)
{
	uint32_t id;
	struct req q;

	if (tunnel_make(x, TD, false, 0x43, &x->prepared_id))
		return -1;
	sa_req(x, &q, x->prepared_id, KVTI_DIR_OUT, SPI_OUT, ALG_GCM, false);
	if (plain(x, &q, &id, "SA_NEW on the tunnel to delete"))
		return -1;
	sa_req(x, &q, x->prepared_id, KVTI_DIR_IN, SPI_IN, ALG_GCM, false);
	return plain(x, &q, &id, "SA_NEW on the tunnel to delete") ? -1 : 0;
}

static void build_tunnel_del(struct inj *x, struct req *q)
{
	req_init(q, x->s.family, KVTI_CMD_TUNNEL_DEL, 0);
	a_str(&q->l, KVTI_A_IFNAME, TD);
}

static void verify_tunnel_del(struct inj *x)
{
	struct recs sas = { 0 };
	struct tinfo t;
	int st = tunnel_state(x, TD, &t), n;

	n = dump_sas(&x->s, 0, 0, -1, &sas, NULL);
	if (n >= 0) {
		n = 0;
		for (int i = 0; i < sas.n; i++)
			n += ((struct sa_rec *)sas.v)[i].ifindex == x->prepared_id;
	}
	if (st == 0 && n)
		BAD(x, "tunnel %s is gone but %d of its SAs are dumped", TD, n);
	if (st == 1 && (n != 2 || t.ifindex != x->prepared_id || t.carrier != 1))
		BAD(x, "tunnel %s kept %d of 2 SAs, ifindex %u (was %u), carrier %d",
		    TD, n, t.ifindex, x->prepared_id, t.carrier);
	if (x->acked && !x->outcome && st == 1)
		BAD(x, "TUNNEL_DEL succeeded but %s is still there", TD);
	if (x->acked && x->outcome && st == 0)
		BAD(x, "TUNNEL_DEL refused (%s) but %s is gone",
		    errno_name(-x->outcome), TD);
	recs_free(&sas);
	if (st == 1)
		tunnel_del_name(x, TD);
}

static const struct inj_op ops[] = {
	{ "tunnel_new4", NULL, build_tunnel_new4, verify_tunnel_new4 },
	{ "tunnel_new6", NULL, build_tunnel_new6, verify_tunnel_new6 },
	{ "tunnel_set", NULL, build_tunnel_set, verify_tunnel_set },
	{ "sa_new_gcm_out", NULL, build_sa_new, verify_sa_new },
	{ "sa_new_gcm_in_v6", NULL, build_sa_new, verify_sa_new },
	{ "sa_new_chacha_in", NULL, build_sa_new, verify_sa_new },
	{ "sa_new_cbc_esn_out", NULL, build_sa_new, verify_sa_new },
	{ "sa_new_cbc_esn_in", NULL, build_sa_new, verify_sa_new },
	{ "spi_alloc", NULL, build_spi_alloc, verify_spi_alloc },
	{ "sa_dump", prepare_dump_sas, build_sa_dump, verify_dump },
	{ "sa_dump_dev", prepare_dump_sas, build_sa_dump_dev, verify_dump },
	{ "tunnel_dump", prepare_dump_sas, build_tunnel_dump, verify_dump },
	{ "sa_del", prepare_sa_del, build_sa_del, verify_sa_del },
	{ "sa_flush", prepare_sa_flush, build_sa_flush, verify_sa_flush },
	{ "tunnel_del", prepare_tunnel_del, build_tunnel_del, verify_tunnel_del },
};

#define N_OPS (sizeof(ops) / sizeof(ops[0]))

/* ---- the sweep ---- */

/*
 * One attempt: a fresh socket (so that a dump cut short by a fault
 * leaves nothing behind for the next one), fail-nth armed just before
 * the request goes out, read back when its answer is in.  Returns 1 if
 * the fault fired, 0 if the request needed fewer than N allocations.
 */
static int attempt(struct inj *x)
{
	unsigned char buf[MSG_MAX];
	struct nlsock s;
	struct reply r;
	struct req q;
	size_t len;
	int err;

	if (x->op->prepare && x->op->prepare(x))
		return -1;
	err = nl_open(&s, NETLINK_GENERIC, NULL);
	if (err) {
		BAD(x, "socket: %s", errno_name(-err));
		return -1;
	}
	s.family = x->s.family;
	x->op->build(x, &q);
	len = req_build(&q, 0, buf, sizeof(buf), NULL, NULL);
	x->echo_id = 0;
	if (fail_set(x, x->n)) {
		BAD(x, "writing /proc/thread-self/fail-nth: %s", strerror(errno));
		nl_close(&s);
		return -1;
	}
	err = nl_request(&s, buf, len, echo_cb, &x->echo_id, &r);
	x->left = fail_left(x);
	x->fired = !x->left;
	nl_close(&s);

	/* No ack at all (its allocation failed): the outcome is unknown. */
	x->acked = r.acked;
	x->outcome = r.acked ? r.err : err;
	x->ndata = r.ndata;
	x->attempts++;
	x->faults += x->fired;
	if (!r.acked) {
		x->noack++;
		x->outcome = err ? err : -ETIMEDOUT;
	} else if (!r.err) {
		x->ok++;
	} else {
		x->refused++;
	}
	if (x->outcome && -x->outcome < ERRNO_MAX)
		x->err[-x->outcome]++;
	if (x->verbose)
		printf("nlfuzz inject: %s N=%u: %s%s%s%s, %d replies%s\n",
		       x->op->name, x->n,
		       r.acked ? (r.err ? "refused " : "ok") : "no ack: ",
		       x->outcome ? errno_name(-x->outcome) : "",
		       r.has_msg ? ": " : "", r.has_msg ? r.msg : "", r.ndata,
		       x->fired ? "" : ", fault not reached");
	if (r.acked && r.err == -EEXIST)
		BAD(x, "refused with EEXIST: something of an earlier attempt is left%s%s",
		    r.has_msg ? ": " : "", r.has_msg ? r.msg : "");
	if (r.acked && !r.has_msg && (r.err == -EINVAL || r.err == -ERANGE))
		BAD(x, "refused with %s and no message: a valid request",
		    errno_name(-r.err));
	x->op->verify(x);
	if (!x->probing)
		check_baseline(x);
	return x->fired;
}

static void op_summary(const struct inj *x, double dt)
{
	printf("nlfuzz inject: %-18s attempts %llu, faults fired %llu, ok %llu, refused %llu (",
	       x->op->name, (unsigned long long)x->attempts,
	       (unsigned long long)x->faults, (unsigned long long)x->ok,
	       (unsigned long long)x->refused);
	for (int e = 1, first = 1; e < ERRNO_MAX; e++) {
		if (!x->err[e] || e == ETIMEDOUT)
			continue;
		printf("%s%s %llu", first ? "" : ", ", errno_name(e),
		       (unsigned long long)x->err[e]);
		first = 0;
	}
	printf("), no ack %llu, %.1f s", (unsigned long long)x->noack, dt);
	if (x->sites)
		printf(", %u allocations in a fault-free run", x->sites);
	if (x->cut)
		printf(", time budget ran out at N=%u", x->cut);
	printf("\n");
}

static bool wanted(const char *list, const char *name)
{
	size_t n = strlen(name);

	if (!list)
		return true;
	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

/* The base tunnels; and B4's MTU with the outbound SA. */
static int setup(struct inj *x)
{
	struct tinfo t;
	uint32_t id;
	struct req q;

	for (const char *const *n = (const char *const[]){ TN, TD, BS, B4, B6, NULL };
	     *n; n++)
		if (if_nametoindex(*n))
			tunnel_del_name(x, *n);
	if (tunnel_make(x, B4, false, 0x40, &x->b4) ||
	    tunnel_make(x, B6, true, 0x40, &x->b6))
		return -1;
	req_init(&q, x->s.family, KVTI_CMD_TUNNEL_NEW, NLM_F_ECHO);
	a_str(&q.l, KVTI_A_IFNAME, BS);
	put_v4(&q.l, KVTI_A_LOCAL, 0xc0000201);
	put_v4(&q.l, KVTI_A_REMOTE, set_a.remote);
	a_u32(&q.l, KVTI_A_KEY, set_a.key);
	a_u32(&q.l, KVTI_A_MTU, set_a.mtu);
	a_u32(&q.l, KVTI_A_REPLAY_WINDOW, set_a.replay);
	a_u8(&q.l, KVTI_A_DF_MODE, set_a.df);
	if (plain(x, &q, &x->bs, "TUNNEL_NEW " BS))
		return -1;
	sa_req(x, &q, x->b4, KVTI_DIR_OUT, SPI_OUT, ALG_GCM, false);
	if (plain(x, &q, &id, "SA_NEW"))
		return -1;
	if (tunnel_state(x, B4, &t) != 1)
		return -1;
	x->mtu_sa4 = t.mtu;
	sa_del_id(x, id);
	return problems ? -1 : 0;
}

int inject_run(const struct inject_opts *o)
{
	struct inj x = { .verbose = o->verbose };
	uint64_t attempts = 0, faults = 0;
	double t0 = now_s();
	int nops = 0;

	printf("nlfuzz: inject, N %s %u per operation", o->reverse ?
	       "from the allocation count down, at most" : "up to", o->max_n);
	if (o->seconds)
		printf(", at most %u s per operation", o->seconds);
	printf("\n");
	if (o->ops)
		printf("nlfuzz: inject operations: %s\n", o->ops);
	for (size_t i = 0; o->ops && i < N_OPS; i++)
		nops += wanted(o->ops, ops[i].name);
	if (o->ops && !nops) {
		fprintf(stderr, "nlfuzz inject: no such operation in '%s'; there are:", o->ops);
		for (size_t i = 0; i < N_OPS; i++)
			fprintf(stderr, " %s", ops[i].name);
		fputc('\n', stderr);
		return 2;
	}
	x.fail_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (x.fail_fd < 0) {
		fprintf(stderr, "nlfuzz inject: /proc/thread-self/fail-nth: %s (no CONFIG_FAULT_INJECTION?)\n",
			strerror(errno));
		return 2;
	}
	if (nl_open(&x.s, NETLINK_GENERIC, NULL) ||
	    nl_resolve(&x.s, KVTI_GENL_NAME, NULL)) {
		fprintf(stderr, "nlfuzz inject: no kvti genl family\n");
		return 2;
	}
	x.op = &ops[0];
	if (setup(&x)) {
		fprintf(stderr, "nlfuzz inject: setting up the base tunnels failed\n");
		return 2;
	}

	for (size_t i = 0; i < N_OPS; i++) {
		double t1 = now_s();
		int fired = 1, probe_problems;

		if (!wanted(o->ops, ops[i].name))
			continue;
		x.op = &ops[i];
		x.attempts = x.faults = x.ok = x.refused = x.noack = 0;
		memset(x.err, 0, sizeof(x.err));
		x.n = 0;
		x.cut = 0;
		if (ops[i].prepare && ops[i].prepare == prepare_dump_sas &&
		    prepare_dump_sas(&x))
			return 1;
		/*
		 * A fault-free probe first: it counts the injectable
		 * allocations (fail-nth far beyond them, read back), and it
		 * brings the namespace to the state every attempt returns
		 * to (an outbound SA leaves its MTU on the tunnel).  Then the
		 * baseline is taken.  With -r, N goes down from that count,
		 * so that a time budget (-t) spends itself on the end of the
		 * request (replies, events, MTU changes) first.  An
		 * inconsistency ends this op's sweep, not the others'.
		 */
		probe_problems = problems;
		/* The dumps' probe compares with what exists: take it now. */
		if (dump_tinfo(&x, &x.tuns0) < 0 ||
		    dump_sas(&x.s, 0, 0, -1, &x.sas0, NULL) < 0) {
			BAD(&x, "dumping the baseline failed");
			break;
		}
		x.sites = 0;
		x.n = PROBE_N;
		x.probing = true;
		if (attempt(&x) == 0 && problems == probe_problems)
			x.sites = PROBE_N - x.left;
		x.probing = false;
		x.attempts = x.faults = x.ok = x.refused = x.noack = 0;
		memset(x.err, 0, sizeof(x.err));
		if (problems != probe_problems) {
			fprintf(stderr, "nlfuzz inject: %s: the fault-free request is already wrong\n",
				ops[i].name);
			op_summary(&x, now_s() - t1);
			continue;
		}
		if (dump_tinfo(&x, &x.tuns0) < 0 ||
		    dump_sas(&x.s, 0, 0, -1, &x.sas0, NULL) < 0) {
			BAD(&x, "dumping the baseline failed");
			break;
		}
		x.n = o->reverse ? x.sites + 4 : 1;
		if (x.n > o->max_n)
			x.n = o->max_n;
		for (; x.n >= 1 && x.n <= o->max_n; x.n += o->reverse ? -1 : 1) {
			int before = problems;

			if (o->seconds && now_s() - t1 > o->seconds) {
				x.cut = x.n;
				break;
			}
			fired = attempt(&x);
			if (problems > before) {
				fprintf(stderr, "nlfuzz inject: %s: inconsistent at N=%u; replay with: nlfuzz inject -v%s -o %s\n",
					ops[i].name, x.n, o->reverse ? " -r" : "", ops[i].name);
				break;
			}
			if (fired != 1 && !o->reverse)
				break;
		}
		op_summary(&x, now_s() - t1);
		if (!o->reverse && fired == 1 && x.n > o->max_n) {
			fprintf(stderr, "nlfuzz inject: %s: the fault still fired at N=%u (-m)\n",
				ops[i].name, o->max_n);
			problems++;
		}
		attempts += x.attempts;
		faults += x.faults;
		recs_free(&x.tuns0);
		recs_free(&x.sas0);
	}

	/* Leave nothing: the base tunnels go, then the whole table is checked. */
	x.op = &ops[0];
	x.n = 0;
	for (const char *const *n = (const char *const[]){ TN, TD, BS, B4, B6, NULL };
	     *n; n++)
		if (if_nametoindex(*n))
			tunnel_del_name(&x, *n);
	if (check_consistency(&x.s, "after the sweep"))
		problems++;
	nl_close(&x.s);
	close(x.fail_fd);
	printf("nlfuzz inject: total %llu attempts, %llu faults fired, %.1f s: %s\n",
	       (unsigned long long)attempts, (unsigned long long)faults,
	       now_s() - t0, problems ? "FAILED" : "consistent");
	return problems ? 1 : 0;
}
