// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - after the storm: does the kernel's state hold together?
 *
 * Nothing here trusts what the workers believe they did (several of them
 * flush and delete each other's objects).  The checks are independent:
 * two dumps in a row agree; every dumped SA is found again by id and by
 * SPI, on a tunnel that the tunnel dump, the stats dump and rtnetlink all
 * list under the same name; inbound SPIs are unique in the namespace; a
 * tunnel has carrier exactly when it has an outbound SA; the dump's
 * tunnel, SPI and cursor filters return exactly the matching subset.
 * Then a sequential phase adds, finds and removes SAs whose ids it knows.
 *
 * SAs with a hard lifetime in seconds may expire between two looks; they
 * are allowed to vanish, never to appear or change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nlfuzz.h"

static int problems;

#define BAD(...) do {							\
	fprintf(stderr, "nlfuzz: inconsistent: " __VA_ARGS__);		\
	fputc('\n', stderr);						\
	problems++;							\
} while (0)

static void *recs_push(struct recs *r, size_t size)
{
	if (r->n == r->cap) {
		int cap = r->cap ? 2 * r->cap : 64;
		void *v = realloc(r->v, (size_t)cap * size);

		if (!v) {
			perror("nlfuzz: realloc");
			exit(2);
		}
		r->v = v;
		r->cap = cap;
	}
	return memset((char *)r->v + (size_t)r->n++ * size, 0, size);
}

void recs_free(struct recs *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static void sa_cb(const struct nlmsghdr *nh, void *arg)
{
	struct sa_rec *s;
	const char *name;
	struct tb tb, life;

	nl_parse_genl(&tb, nh);
	s = recs_push(arg, sizeof(*s));
	s->id = tb_u32(&tb, KVTI_A_SA_ID, 0);
	s->ifindex = tb_u32(&tb, KVTI_A_IFINDEX, 0);
	s->spi = tb_u32(&tb, KVTI_A_SA_SPI, 0);
	s->dir = tb_u8(&tb, KVTI_A_SA_DIR, 0xff);
	name = tb_str(&tb, KVTI_A_IFNAME);
	snprintf(s->ifname, sizeof(s->ifname), "%s", name ? name : "?");
	if (tb.a[KVTI_A_SA_LIFE_HARD]) {
		const struct nlattr *a = tb.a[KVTI_A_SA_LIFE_HARD];

		nl_parse(&life, (const char *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN);
		s->hard_secs = tb_u64(&life, KVTI_LIFE_SECONDS, 0) != 0;
	}
}

/* SA_GET dump with the given filters (0 / -1: none).  Returns the count. */
int dump_sas(struct nlsock *s, uint32_t ifindex, uint32_t spi,
	     int64_t cursor, struct recs *out, struct reply *r)
{
	struct reply tmp;
	struct req q;
	int err;

	if (!r)
		r = &tmp;
	req_init(&q, s->family, KVTI_CMD_SA_GET, NLM_F_DUMP);
	if (ifindex)
		a_u32(&q.l, KVTI_A_IFINDEX, ifindex);
	if (spi)
		a_u32(&q.l, KVTI_A_SA_SPI, spi);
	if (cursor >= 0)
		a_u32(&q.l, KVTI_A_SA_CURSOR, (uint32_t)cursor);
	out->n = 0;
	err = req_do(s, &q, sa_cb, out, r);
	return err ? err : out->n;
}

static void tun_cb(const struct nlmsghdr *nh, void *arg)
{
	struct tun_rec *t;
	const char *name;
	struct tb tb;

	nl_parse_genl(&tb, nh);
	t = recs_push(arg, sizeof(*t));
	t->ifindex = tb_u32(&tb, KVTI_A_IFINDEX, 0);
	name = tb_str(&tb, KVTI_A_IFNAME);
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "?");
	t->tmpl = tb.a[KVTI_A_TEMPLATE] != NULL;
	t->tmpl_ifindex = tb_u32(&tb, KVTI_A_TEMPLATE_IFINDEX, 0);
	t->carrier = tb.a[KVTI_A_CARRIER] ? tb_u8(&tb, KVTI_A_CARRIER, 0) : -1;
}

/* TUNNEL_GET or STATS_GET dump.  Returns the count. */
int dump_tunnels(struct nlsock *s, uint8_t cmd, struct recs *out)
{
	struct reply r;
	struct req q;
	int err;

	req_init(&q, s->family, cmd, NLM_F_DUMP);
	out->n = 0;
	err = req_do(s, &q, tun_cb, out, &r);
	return err ? err : out->n;
}

static void link_cb(const struct nlmsghdr *nh, void *arg)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(nh);
	const char *name, *kind;
	struct tb tb, li;
	struct tun_rec *t;
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ifi));

	if (nh->nlmsg_type != RTM_NEWLINK || len < 0)
		return;
	nl_parse(&tb, (const char *)ifi + NLMSG_ALIGN(sizeof(*ifi)), len);
	if (!tb.a[IFLA_LINKINFO])
		return;
	nl_parse(&li, (const char *)tb.a[IFLA_LINKINFO] + NLA_HDRLEN,
		 tb.a[IFLA_LINKINFO]->nla_len - NLA_HDRLEN);
	kind = tb_str(&li, IFLA_INFO_KIND);
	if (!kind || strcmp(kind, KVTI_LINK_KIND))
		return;
	name = tb_str(&tb, IFLA_IFNAME);
	t = recs_push(arg, sizeof(*t));
	t->ifindex = (uint32_t)ifi->ifi_index;
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "?");
	t->carrier = -1;
}

/* The kvti netdevs of this namespace, as rtnetlink sees them. */
int rtnl_kvti_links(struct recs *out)
{
	static struct nlsock s;
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} m = {
		.nh = {
			.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg)),
			.nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_DUMP,
		},
	};
	struct reply r;
	int err;

	err = nl_open(&s, NETLINK_ROUTE, NULL);
	if (err)
		return err;
	out->n = 0;
	err = nl_request(&s, &m, sizeof(m), link_cb, out, &r);
	nl_close(&s);
	return err ? err : out->n;
}

static const struct sa_rec *find_sa(const struct recs *r, uint32_t id)
{
	const struct sa_rec *v = r->v;

	for (int i = 0; i < r->n; i++)
		if (v[i].id == id)
			return &v[i];
	return NULL;
}

static const struct tun_rec *find_tun(const struct recs *r, uint32_t ifindex)
{
	const struct tun_rec *v = r->v;

	for (int i = 0; i < r->n; i++)
		if (v[i].ifindex == ifindex)
			return &v[i];
	return NULL;
}

static bool same_sa(const struct sa_rec *a, const struct sa_rec *b)
{
	return a->id == b->id && a->ifindex == b->ifindex && a->spi == b->spi &&
	       a->dir == b->dir && !strcmp(a->ifname, b->ifname);
}

/*
 * @got must be exactly the SAs of @all that @match accepts, except that
 * SAs with a hard lifetime in seconds may be missing.
 */
static void expect_subset(const char *what, const struct recs *all,
			  const struct recs *got,
			  bool (*match)(const struct sa_rec *, const void *),
			  const void *arg)
{
	const struct sa_rec *v = all->v, *g = got->v;

	for (int i = 0; i < got->n; i++) {
		const struct sa_rec *a = find_sa(all, g[i].id);

		if (!a || !same_sa(a, &g[i]))
			BAD("%s: SA %u (spi 0x%x on %s) %s", what, g[i].id,
			    g[i].spi, g[i].ifname,
			    a ? "differs from the full dump" : "is not in the full dump");
		else if (!match(&g[i], arg))
			BAD("%s: SA %u does not match the filter", what, g[i].id);
	}
	for (int i = 0; i < all->n; i++)
		if (match(&v[i], arg) && !v[i].hard_secs &&
		    !find_sa(got, v[i].id))
			BAD("%s: SA %u (spi 0x%x on %s) is missing", what, v[i].id,
			    v[i].spi, v[i].ifname);
}

static bool match_ifindex(const struct sa_rec *s, const void *arg)
{
	return s->ifindex == *(const uint32_t *)arg;
}

static bool match_spi(const struct sa_rec *s, const void *arg)
{
	return s->spi == *(const uint32_t *)arg;
}

static bool match_cursor(const struct sa_rec *s, const void *arg)
{
	/* The kernel's ids are below 2^31; so is any cursor that finds one. */
	int64_t c = *(const int64_t *)arg;

	return c <= 0x7fffffff && s->id >= c;
}

/* SA_GET doit by id, and by tunnel + direction + SPI. */
static void check_get(struct nlsock *s, const struct sa_rec *sa, bool by_spi)
{
	struct recs got = { 0 };
	struct reply r;
	struct req q;
	int err;

	req_init(&q, s->family, KVTI_CMD_SA_GET, 0);
	if (by_spi) {
		a_u32(&q.l, KVTI_A_IFINDEX, sa->ifindex);
		a_u8(&q.l, KVTI_A_SA_DIR, sa->dir);
		a_u32(&q.l, KVTI_A_SA_SPI, sa->spi);
	} else {
		a_u32(&q.l, KVTI_A_SA_ID, sa->id);
	}
	err = req_do(s, &q, sa_cb, &got, &r);
	if (err == -ENOENT && sa->hard_secs) {
		recs_free(&got);
		return;
	}
	if (err || got.n != 1) {
		BAD("SA_GET %s of SA %u (spi 0x%x dir %u on %s): %s, %d replies",
		    by_spi ? "by spi" : "by id", sa->id, sa->spi, sa->dir,
		    sa->ifname, err ? errno_name(-err) : "ok", got.n);
	} else {
		const struct sa_rec *g = got.v;

		/* Outbound SPIs may repeat on a tunnel: any of them will do. */
		if (by_spi ? g->spi != sa->spi || g->dir != sa->dir ||
			     g->ifindex != sa->ifindex : !same_sa(g, sa))
			BAD("SA_GET %s of SA %u returned SA %u (spi 0x%x dir %u on %s)",
			    by_spi ? "by spi" : "by id", sa->id, g->id, g->spi,
			    g->dir, g->ifname);
	}
	recs_free(&got);
}

static void check_tunnel_sets(const char *what, const struct recs *a,
			      const struct recs *b)
{
	const struct tun_rec *va = a->v, *vb = b->v;

	for (int i = 0; i < a->n; i++) {
		const struct tun_rec *t = find_tun(b, va[i].ifindex);

		if (!t || strcmp(t->name, va[i].name))
			BAD("%s: tunnel %s (ifindex %u) %s", what, va[i].name,
			    va[i].ifindex, t ? "has another name" : "is missing");
	}
	for (int i = 0; i < b->n; i++)
		if (!find_tun(a, vb[i].ifindex))
			BAD("%s: tunnel %s (ifindex %u) is extra", what, vb[i].name,
			    vb[i].ifindex);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void check_filters(struct nlsock *s, const struct recs *all,
			  const struct recs *tuns)
{
	const struct tun_rec *tv = tuns->v;
	const struct sa_rec *sv = all->v;
	struct recs got = { 0 };
	uint32_t *ids;
	int64_t cursors[8];
	int err;

	for (int i = 0; i < tuns->n && i < 24; i++) {
		err = dump_sas(s, tv[i].ifindex, 0, -1, &got, NULL);
		if (err < 0)
			BAD("SA dump of tunnel %s: %s", tv[i].name, errno_name(-err));
		else
			expect_subset("SA dump by tunnel", all, &got, match_ifindex,
				      &tv[i].ifindex);
	}
	for (int i = 0; i < all->n && i < 12; i++) {
		uint32_t spi = sv[i * all->n / 12 % all->n].spi;

		if (!spi)
			continue;
		err = dump_sas(s, 0, spi, -1, &got, NULL);
		if (err < 0)
			BAD("SA dump of spi 0x%x: %s", spi, errno_name(-err));
		else
			expect_subset("SA dump by spi", all, &got, match_spi, &spi);
	}

	ids = calloc((size_t)all->n + 1, sizeof(*ids));
	for (int i = 0; i < all->n; i++)
		ids[i] = sv[i].id;
	qsort(ids, (size_t)all->n, sizeof(*ids), cmp_u32);
	cursors[0] = 0;
	cursors[1] = all->n ? ids[all->n / 2] : 1;
	cursors[2] = all->n ? ids[all->n - 1] : 2;
	cursors[3] = all->n ? (int64_t)ids[all->n - 1] + 1 : 3;
	cursors[4] = 0x7fffffff;
	cursors[5] = 0x80000000LL;
	cursors[6] = 0xfffffffeLL;
	cursors[7] = 0xffffffffLL;
	free(ids);
	for (int i = 0; i < 8; i++) {
		char what[48];

		snprintf(what, sizeof(what), "SA dump from cursor %lld",
			 (long long)cursors[i]);
		err = dump_sas(s, 0, 0, cursors[i], &got, NULL);
		if (err < 0)
			BAD("%s: %s", what, errno_name(-err));
		else
			expect_subset(what, all, &got, match_cursor, &cursors[i]);
	}
	recs_free(&got);
}

static void check_tunnel_get(struct nlsock *s, const struct tun_rec *t)
{
	struct recs got = { 0 };
	struct reply r;
	struct req q;
	int err;

	req_init(&q, s->family, KVTI_CMD_TUNNEL_GET, 0);
	a_u32(&q.l, KVTI_A_IFINDEX, t->ifindex);
	err = req_do(s, &q, tun_cb, &got, &r);
	if (err || got.n != 1 ||
	    strcmp(((struct tun_rec *)got.v)->name, t->name))
		BAD("TUNNEL_GET of %s (ifindex %u): %s, %d replies", t->name,
		    t->ifindex, err ? errno_name(-err) : "ok", got.n);
	recs_free(&got);
}

int check_consistency(struct nlsock *s, const char *when)
{
	struct recs a = { 0 }, b = { 0 }, t1 = { 0 }, t2 = { 0 }, t3 = { 0 },
		    links = { 0 };
	const struct sa_rec *av, *bv;
	const struct tun_rec *tv;
	int err;

	problems = 0;
	err = dump_sas(s, 0, 0, -1, &a, NULL);
	if (err >= 0)
		err = dump_sas(s, 0, 0, -1, &b, NULL);
	if (err < 0) {
		BAD("SA dump failed: %s", errno_name(-err));
		goto out;
	}
	av = a.v;
	bv = b.v;
	for (int i = 0; i < b.n; i++) {
		const struct sa_rec *x = find_sa(&a, bv[i].id);

		if (!x || !same_sa(x, &bv[i]))
			BAD("second SA dump: SA %u (spi 0x%x on %s) %s", bv[i].id,
			    bv[i].spi, bv[i].ifname, x ? "changed" : "appeared");
		for (int j = i + 1; j < b.n; j++) {
			if (bv[j].id == bv[i].id)
				BAD("SA id %u dumped twice", bv[i].id);
			if (bv[i].dir == KVTI_DIR_IN && bv[j].dir == KVTI_DIR_IN &&
			    bv[i].spi == bv[j].spi)
				BAD("inbound SPI 0x%x used by SAs %u and %u",
				    bv[i].spi, bv[i].id, bv[j].id);
		}
	}
	for (int i = 0; i < a.n; i++)
		if (!av[i].hard_secs && !find_sa(&b, av[i].id))
			BAD("second SA dump: SA %u (spi 0x%x on %s) vanished",
			    av[i].id, av[i].spi, av[i].ifname);

	err = dump_tunnels(s, KVTI_CMD_TUNNEL_GET, &t1);
	if (err >= 0)
		err = dump_tunnels(s, KVTI_CMD_TUNNEL_GET, &t2);
	if (err >= 0)
		err = dump_tunnels(s, KVTI_CMD_STATS_GET, &t3);
	if (err >= 0)
		err = rtnl_kvti_links(&links);
	if (err < 0) {
		BAD("tunnel dump failed: %s", errno_name(-err));
		goto out;
	}
	check_tunnel_sets("second tunnel dump", &t1, &t2);
	check_tunnel_sets("stats dump", &t1, &t3);
	check_tunnel_sets("rtnetlink's kvti links", &t1, &links);

	tv = t2.v;
	for (int i = 0; i < b.n; i++) {
		const struct tun_rec *t = find_tun(&t2, bv[i].ifindex);

		if (!t || strcmp(t->name, bv[i].ifname))
			BAD("SA %u is on %s (ifindex %u), %s", bv[i].id,
			    bv[i].ifname, bv[i].ifindex,
			    t ? "which the tunnel dump names otherwise" :
				"which the tunnel dump does not list");
	}
	for (int i = 0; i < t2.n; i++) {
		bool out = false, racy = false;

		for (int j = 0; j < b.n; j++) {
			if (bv[j].ifindex != tv[i].ifindex)
				continue;
			out |= bv[j].dir == KVTI_DIR_OUT;
			racy |= bv[j].hard_secs;
		}
		if (tv[i].carrier < 0)
			BAD("tunnel %s: no KVTI_A_CARRIER", tv[i].name);
		else if (tv[i].carrier != out && !racy)
			BAD("tunnel %s: carrier %d with%s outbound SA", tv[i].name,
			    tv[i].carrier, out ? " an" : "out an");
		if (i < 64)
			check_tunnel_get(s, &tv[i]);
	}

	for (int i = 0; i < b.n && i < 400; i++) {
		check_get(s, &bv[i], false);
		if (i % 4 == 0)
			check_get(s, &bv[i], true);
	}
	check_filters(s, &b, &t2);
	printf("nlfuzz: %s: %d SAs on %d tunnels checked, %d problems\n", when,
	       b.n, t2.n, problems);
out:
	recs_free(&a);
	recs_free(&b);
	recs_free(&t1);
	recs_free(&t2);
	recs_free(&t3);
	recs_free(&links);
	return problems;
}

/* ---- sequential phase: objects whose ids we know ---- */

struct made {
	uint32_t id;
	uint32_t spi;
	uint8_t dir;
};

static void echo_cb(const struct nlmsghdr *nh, void *arg)
{
	struct tb tb;

	nl_parse_genl(&tb, nh);
	*(uint32_t *)arg = tb_u32(&tb, KVTI_A_SA_ID, tb_u32(&tb, KVTI_A_IFINDEX, 0));
}

static void spi_cb(const struct nlmsghdr *nh, void *arg)
{
	struct tb tb;

	nl_parse_genl(&tb, nh);
	*(uint32_t *)arg = tb_u32(&tb, KVTI_A_SA_SPI, 0);
}

/* SAs (of one tunnel, or all) that cannot expire by themselves. */
static int count_stable(struct nlsock *s, uint32_t ifindex)
{
	struct recs got = { 0 };
	int n = dump_sas(s, ifindex, 0, -1, &got, NULL);

	for (int i = 0; i < got.n; i++)
		n -= ((struct sa_rec *)got.v)[i].hard_secs;
	recs_free(&got);
	return n;
}

static int carrier_of(struct nlsock *s, uint32_t ifindex)
{
	struct recs got = { 0 };
	struct reply r;
	struct req q;
	int c = -2;

	req_init(&q, s->family, KVTI_CMD_TUNNEL_GET, 0);
	a_u32(&q.l, KVTI_A_IFINDEX, ifindex);
	if (!req_do(s, &q, tun_cb, &got, &r) && got.n == 1)
		c = ((struct tun_rec *)got.v)->carrier;
	recs_free(&got);
	return c;
}

/*
 * Creates a fresh tunnel and SAs on it, finds each, removes them by id,
 * by SPI and by flush, and the tunnel last; every step is checked.
 */
int check_sequential(struct nlsock *s, struct rng *rng)
{
	struct made m[16];
	struct reply r;
	struct req q;
	struct recs got = { 0 };
	uint32_t ifindex = 0, remote = htonl(0xcb0071fe), local = htonl(0xc00002fe);
	int err, before, n;

	problems = 0;
	/* Fuzzed SAs with lifetimes of seconds may still be going. */
	before = count_stable(s, 0);
	req_init(&q, s->family, KVTI_CMD_TUNNEL_NEW, NLM_F_ECHO);
	a_str(&q.l, KVTI_A_IFNAME, FZ_PREFIX "seq");
	a_put(&q.l, KVTI_A_LOCAL, &local, 4);
	a_put(&q.l, KVTI_A_REMOTE, &remote, 4);
	a_u32(&q.l, KVTI_A_KEY, 0x5e9);
	err = req_do(s, &q, echo_cb, &ifindex, &r);
	if (err || !ifindex) {
		BAD("sequential: TUNNEL_NEW " FZ_PREFIX "seq: %s %s", errno_name(-err),
		    r.msg);
		goto out;
	}
	if (carrier_of(s, ifindex) != 0)
		BAD("sequential: a new tunnel has carrier");

	for (int i = 0; i < 16; i++) {
		uint32_t spi = 0;

		m[i].dir = i % 2 ? KVTI_DIR_OUT : KVTI_DIR_IN;
		if (m[i].dir == KVTI_DIR_IN) {
			req_init(&q, s->family, KVTI_CMD_SPI_ALLOC, 0);
			a_u32(&q.l, KVTI_A_SPI_MIN, 0x5e000000);
			a_u32(&q.l, KVTI_A_SPI_MAX, 0x5effffff);
			err = req_do(s, &q, spi_cb, &spi, &r);
			if (err || spi < 0x5e000000 || spi > 0x5effffff)
				BAD("sequential: SPI_ALLOC: %s, spi 0x%x",
				    errno_name(-err), spi);
		} else {
			spi = 0x5f000000 + (uint32_t)i;
		}
		m[i].spi = spi;
		m[i].id = 0;
		req_init(&q, s->family, KVTI_CMD_SA_NEW, NLM_F_ECHO);
		a_u32(&q.l, KVTI_A_IFINDEX, ifindex);
		a_u8(&q.l, KVTI_A_SA_DIR, m[i].dir);
		a_u32(&q.l, KVTI_A_SA_SPI, spi);
		if (i % 4 == 3)
			sa_cbc(&q.l, rng, false);
		else
			sa_gcm(&q.l, rng, false);
		err = req_do(s, &q, echo_cb, &m[i].id, &r);
		if (err || !m[i].id)
			BAD("sequential: SA_NEW spi 0x%x: %s %s", spi,
			    errno_name(-err), r.msg);
	}
	n = dump_sas(s, ifindex, 0, -1, &got, NULL);
	if (n != 16)
		BAD("sequential: %d SAs on the tunnel, not 16", n);
	for (int i = 0; i < 16; i++) {
		const struct sa_rec *f = find_sa(&got, m[i].id);

		if (!f || f->spi != m[i].spi || f->dir != m[i].dir ||
		    f->ifindex != ifindex)
			BAD("sequential: SA %u (spi 0x%x) not dumped as made",
			    m[i].id, m[i].spi);
	}
	n = count_stable(s, 0);
	if (before >= 0 && n != before + 16)
		BAD("sequential: %d SAs in the namespace, expected %d + 16", n,
		    before);
	if (carrier_of(s, ifindex) != 1)
		BAD("sequential: no carrier with outbound SAs");

	/* Half by id, a quarter by SPI, the rest by flush. */
	for (int i = 0; i < 12; i++) {
		req_init(&q, s->family, KVTI_CMD_SA_DEL, 0);
		if (i < 8) {
			a_u32(&q.l, KVTI_A_SA_ID, m[i].id);
		} else {
			a_u32(&q.l, KVTI_A_IFINDEX, ifindex);
			a_u8(&q.l, KVTI_A_SA_DIR, m[i].dir);
			a_u32(&q.l, KVTI_A_SA_SPI, m[i].spi);
		}
		err = req_do(s, &q, NULL, NULL, &r);
		if (err)
			BAD("sequential: SA_DEL of SA %u: %s %s", m[i].id,
			    errno_name(-err), r.msg);
		err = req_do(s, &q, NULL, NULL, &r);
		if (err != -ENOENT)
			BAD("sequential: second SA_DEL of SA %u: %s, not ENOENT",
			    m[i].id, errno_name(-err));
	}
	if ((n = count_stable(s, ifindex)) != 4)
		BAD("sequential: %d SAs left on the tunnel, not 4", n);
	req_init(&q, s->family, KVTI_CMD_SA_FLUSH, 0);
	a_u32(&q.l, KVTI_A_IFINDEX, ifindex);
	err = req_do(s, &q, NULL, NULL, &r);
	if (err || (n = count_stable(s, ifindex)) != 0)
		BAD("sequential: SA_FLUSH of the tunnel: %s, %d left",
		    errno_name(-err), n);
	if (carrier_of(s, ifindex) != 0)
		BAD("sequential: carrier without SAs");
	n = count_stable(s, 0);
	if (before >= 0 && n != before)
		BAD("sequential: %d SAs in the namespace after flush, not %d", n,
		    before);

	req_init(&q, s->family, KVTI_CMD_TUNNEL_DEL, 0);
	a_u32(&q.l, KVTI_A_IFINDEX, ifindex);
	err = req_do(s, &q, NULL, NULL, &r);
	if (err)
		BAD("sequential: TUNNEL_DEL: %s %s", errno_name(-err), r.msg);
	if (carrier_of(s, ifindex) != -2)
		BAD("sequential: the deleted tunnel is still found");
out:
	recs_free(&got);
	return problems;
}

/* ---- cleanup ---- */

int list_tunnels(struct nlsock *s, struct tun *out, int max)
{
	struct recs t = { 0 };
	const struct tun_rec *v;
	int n = dump_tunnels(s, KVTI_CMD_TUNNEL_GET, &t), k = 0;

	v = t.v;
	for (int i = 0; i < n && k < max; i++, k++) {
		memset(&out[k], 0, sizeof(out[k]));
		memcpy(out[k].name, v[i].name, sizeof(out[k].name));
		out[k].ifindex = v[i].ifindex;
		out[k].tmpl = v[i].tmpl;
	}
	recs_free(&t);
	return n < 0 ? n : k;
}

static bool kept(const struct tun_rec *t, const struct tun *keep, int nkeep)
{
	for (int i = 0; i < nkeep; i++)
		if (keep[i].ifindex == t->ifindex && !strcmp(keep[i].name, t->name))
			return true;
	return false;
}

/*
 * Deletes every kvti tunnel of the namespace that is not in @keep (clones
 * before templates, which refuse to go while they have clones), then
 * checks that neither kvti nor rtnetlink lists any of them, and that no SA
 * is left on them.  Returns the number of problems.
 */
int cleanup_tunnels(struct nlsock *s, const struct tun *keep, int nkeep)
{
	struct recs t = { 0 }, sas = { 0 };
	int left = 0;

	problems = 0;
	for (int round = 0; round < 8; round++) {
		const struct tun_rec *v;
		int deleted = 0;

		left = 0;
		if (dump_tunnels(s, KVTI_CMD_TUNNEL_GET, &t) < 0)
			break;
		v = t.v;
		for (int pass = 0; pass < 2; pass++) {
			for (int i = 0; i < t.n; i++) {
				struct reply r;
				struct req q;

				if (kept(&v[i], keep, nkeep) ||
				    (pass == 0) != (v[i].tmpl_ifindex != 0))
					continue;
				req_init(&q, s->family, KVTI_CMD_TUNNEL_DEL, 0);
				a_u32(&q.l, KVTI_A_IFINDEX, v[i].ifindex);
				if (!req_do(s, &q, NULL, NULL, &r))
					deleted++;
				else
					left++;
			}
		}
		if (!left)
			break;
		if (!deleted) {
			BAD("cleanup: %d tunnels cannot be deleted", left);
			break;
		}
	}
	if (dump_tunnels(s, KVTI_CMD_TUNNEL_GET, &t) >= 0) {
		const struct tun_rec *v = t.v;

		for (int i = 0; i < t.n; i++)
			if (!kept(&v[i], keep, nkeep))
				BAD("cleanup: tunnel %s still listed", v[i].name);
	}
	if (rtnl_kvti_links(&t) >= 0) {
		const struct tun_rec *v = t.v;

		for (int i = 0; i < t.n; i++)
			if (!kept(&v[i], keep, nkeep))
				BAD("cleanup: rtnetlink still has kvti link %s",
				    v[i].name);
	}
	if (dump_sas(s, 0, 0, -1, &sas, NULL) >= 0) {
		const struct sa_rec *v = sas.v;

		for (int i = 0; i < sas.n; i++) {
			bool ok = false;

			for (int k = 0; k < nkeep; k++)
				ok |= keep[k].ifindex == v[i].ifindex;
			if (!ok)
				BAD("cleanup: SA %u left on deleted tunnel %s",
				    v[i].id, v[i].ifname);
		}
	}
	recs_free(&t);
	recs_free(&sas);
	return problems;
}
