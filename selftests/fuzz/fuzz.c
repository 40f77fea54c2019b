// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - one fuzz worker: pick a command, build its valid skeleton from
 * what the worker knows of the kernel's tunnels and SAs, mutate it (or
 * not: valid requests build the state that mutated ones then poke at),
 * send it, read the answer, learn from it.
 *
 * What a worker knows is a guess: other workers delete and flush behind
 * its back, and a mutated request may act on something else than its
 * skeleton named.  Every few hundred requests the worker refreshes its
 * view from dumps and keeps the namespace from filling up.  Nothing is
 * concluded from the guess; check.c looks at the kernel alone.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "nlfuzz.h"

struct wctx {
	const struct fuzz_opts *o;
	struct nlsock s;
	struct rng r;
	struct world w;
	struct stats *st;
	uint64_t n;			/* requests sent */
	uint64_t next_resync;
	unsigned char buf[MSG_MAX];
};

/* Limits that keep a long run from filling the namespace. */
#define OWN_TUNNELS_MAX	8
#define SAS_MAX		800
#define RESYNC_EVERY	300

static bool own_name(const struct world *w, const char *name)
{
	char prefix[16];

	snprintf(prefix, sizeof(prefix), FZ_PREFIX "%dt", w->worker);
	return !strncmp(name, prefix, strlen(prefix));
}

static void learn_tunnel(struct world *w, const struct tb *tb)
{
	uint32_t ifindex = tb_u32(tb, KVTI_A_IFINDEX, 0);
	const char *name = tb_str(tb, KVTI_A_IFNAME);
	struct tun *t = NULL;

	if (!ifindex || !name || strlen(name) >= sizeof(t->name))
		return;
	for (int i = 0; i < w->ntun; i++)
		if (w->tun[i].ifindex == ifindex)
			t = &w->tun[i];
	if (!t) {
		if (w->ntun == W_TUN)
			return;
		t = &w->tun[w->ntun++];
		memset(t, 0, sizeof(*t));
		t->mine = own_name(w, name);
	}
	t->ifindex = ifindex;
	strcpy(t->name, name);
	t->tmpl = tb->a[KVTI_A_TEMPLATE] != NULL;
	if (tb->a[KVTI_A_LOCAL])
		t->v6 = tb->a[KVTI_A_LOCAL]->nla_len == NLA_HDRLEN + 16;
}

static void learn_sa(struct world *w, struct rng *r, const struct tb *tb)
{
	struct sa s = {
		.id = tb_u32(tb, KVTI_A_SA_ID, 0),
		.ifindex = tb_u32(tb, KVTI_A_IFINDEX, 0),
		.spi = tb_u32(tb, KVTI_A_SA_SPI, 0),
		.dir = tb_u8(tb, KVTI_A_SA_DIR, 0),
	};

	if (!s.id)
		return;
	for (int i = 0; i < w->nsa; i++)
		if (w->sa[i].id == s.id)
			return;
	if (w->nsa < W_SA)
		w->sa[w->nsa++] = s;
	else
		w->sa[rnd(r, W_SA)] = s;
}

/* Data answering a request: remember tunnels, SAs and reserved SPIs. */
static void learn(const struct nlmsghdr *nh, void *arg)
{
	struct wctx *c = arg;
	const struct genlmsghdr *gh = NLMSG_DATA(nh);
	struct tb tb;

	if (nh->nlmsg_type != c->s.family ||
	    nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return;
	if (c->o->unpriv)
		c->st->kvti_ok++;	/* nothing may answer with data */
	nl_parse_genl(&tb, nh);
	switch (gh->cmd) {
	case KVTI_CMD_TUNNEL_NEW:
	case KVTI_CMD_TUNNEL_SET:
	case KVTI_CMD_TUNNEL_GET:
	case KVTI_CMD_STATS_GET:
		learn_tunnel(&c->w, &tb);
		break;
	case KVTI_CMD_SA_NEW:
	case KVTI_CMD_SA_GET:
		learn_sa(&c->w, &c->r, &tb);
		break;
	case KVTI_CMD_SPI_ALLOC:
		if (c->w.nspi < W_SPI && tb_u32(&tb, KVTI_A_SA_SPI, 0))
			c->w.spi[c->w.nspi++] = tb_u32(&tb, KVTI_A_SA_SPI, 0);
		break;
	default:
		break;
	}
}

/* A top-level u32 attribute of @q as it was sent, or 0. */
static uint32_t q_u32(const struct req *q, uint16_t type)
{
	uint32_t v = 0;

	for (int i = 0; i < q->l.n; i++)
		if (q->l.a[i].kind == A_LEAF && q->l.a[i].type == type &&
		    q->l.a[i].len == 4)
			memcpy(&v, q->l.a[i].data, 4);
	return v;
}

static struct tun *q_tunnel(struct world *w, const struct req *q)
{
	uint32_t ifindex = q_u32(q, KVTI_A_IFINDEX);

	for (int i = 0; i < w->ntun; i++) {
		if (ifindex && w->tun[i].ifindex == ifindex)
			return &w->tun[i];
		for (int k = 0; !ifindex && k < q->l.n; k++)
			if (q->l.a[k].type == KVTI_A_IFNAME &&
			    q->l.a[k].len == strlen(w->tun[i].name) + 1 &&
			    !memcmp(q->l.a[k].data, w->tun[i].name, q->l.a[k].len))
				return &w->tun[i];
	}
	return NULL;
}

static void forget_sas_of(struct world *w, uint32_t ifindex)
{
	for (int i = 0; i < w->nsa; i++)
		if (!ifindex || w->sa[i].ifindex == ifindex)
			w->sa[i--] = w->sa[--w->nsa];
}

/* A request was accepted: forget what it removed. */
static void forget(struct world *w, const struct req *q)
{
	struct tun *t = q_tunnel(w, q);
	uint32_t id;

	switch (q->cmd) {
	case KVTI_CMD_TUNNEL_DEL:
		if (t) {
			forget_sas_of(w, t->ifindex);
			*t = w->tun[--w->ntun];
		}
		break;
	case KVTI_CMD_SA_DEL:
		id = q_u32(q, KVTI_A_SA_ID);
		for (int i = 0; i < w->nsa; i++)
			if (w->sa[i].id == id ||
			    (!id && t && w->sa[i].ifindex == t->ifindex &&
			     w->sa[i].spi == q_u32(q, KVTI_A_SA_SPI)))
				w->sa[i--] = w->sa[--w->nsa];
		break;
	case KVTI_CMD_SA_FLUSH:
		if (t || (!q_u32(q, KVTI_A_IFINDEX) && q->l.n == 0))
			forget_sas_of(w, t ? t->ifindex : 0);
		break;
	default:
		break;
	}
}

/*
 * Refreshes the worker's view from dumps, and trims: its own tunnels
 * beyond OWN_TUNNELS_MAX, tunnels the kernel named (kvti%d) by worker 0,
 * and the SAs when the namespace holds more than SAS_MAX.
 */
static void resync(struct wctx *c, const struct tun *pre, int npre)
{
	struct world *w = &c->w;
	struct recs sas = { 0 };
	struct tun all[64];
	int n = list_tunnels(&c->s, all, 64), own = 0, anon = 0;

	if (n < 0)
		return;
	w->ntun = 0;
	for (int i = 0; i < npre && w->ntun < W_TUN; i++)
		w->tun[w->ntun++] = pre[i];
	for (int i = 0; i < n; i++) {
		bool is_pre = false, mine = own_name(w, all[i].name);
		bool named = !strncmp(all[i].name, FZ_PREFIX, strlen(FZ_PREFIX));
		struct reply r;
		struct req q;

		for (int k = 0; k < npre; k++)
			is_pre |= pre[k].ifindex == all[i].ifindex;
		if (is_pre)
			continue;
		if ((mine && ++own > OWN_TUNNELS_MAX) ||
		    (!named && c->w.worker == 0 && ++anon > 2)) {
			req_init(&q, c->s.family, KVTI_CMD_TUNNEL_DEL, 0);
			a_u32(&q.l, KVTI_A_IFINDEX, all[i].ifindex);
			req_do(&c->s, &q, NULL, NULL, &r);
			c->st->extra[1]++;
			continue;
		}
		if (w->ntun < W_TUN && (mine || chance(&c->r, 25))) {
			all[i].mine = mine;
			w->tun[w->ntun++] = all[i];
		}
	}

	n = dump_sas(&c->s, 0, 0, -1, &sas, NULL);
	w->nsa = 0;
	for (int i = 0; i < sas.n; i++) {
		const struct sa_rec *s = (const struct sa_rec *)sas.v + i;
		struct sa x = { s->id, s->ifindex, s->spi, s->dir };

		if (w->nsa < W_SA)
			w->sa[w->nsa++] = x;
		else
			w->sa[rnd(&c->r, W_SA)] = x;
	}
	if (n > SAS_MAX) {
		struct reply r;
		struct req q;

		req_init(&q, c->s.family, KVTI_CMD_SA_FLUSH, 0);
		for (int i = 0; i < w->ntun; i++) {
			if (w->tun[i].mine) {
				a_u32(&q.l, KVTI_A_IFINDEX, w->tun[i].ifindex);
				break;
			}
		}
		req_do(&c->s, &q, NULL, NULL, &r);
		c->st->extra[1]++;
		forget_sas_of(w, 0);
	}
	recs_free(&sas);
}

/* A refusal by kvti itself (not the netlink or genl core) without an
 * extack message: the spec wants every refusal to name its attribute.
 */
static void note_no_extack(struct wctx *c, const struct req *q,
			   const struct reply *r)
{
	c->st->no_extack++;
	if (!c->st->no_extack_first[0])
		snprintf(c->st->no_extack_first, sizeof(c->st->no_extack_first),
			 "worker %d request %llu: %s -> %s", c->w.worker,
			 (unsigned long long)c->n, q->what, errno_name(-r->err));
}

/* Several requests in one send; their answers are read and dropped. */
static void batch(struct wctx *c)
{
	size_t len = 0;
	int k = 2 + (int)rnd(&c->r, 3);
	struct req q;

	for (int i = 0; i < k; i++) {
		gen_skeleton(&c->r, &c->w, c->s.family, gen_pick_cmd(&c->r), &q);
		if (chance(&c->r, 50))
			gen_mutate(&c->r, &q);
		/* A dump would answer after the NOOP that syncs the batch. */
		q.flags &= (uint16_t)~NLM_F_DUMP;
		len += NLMSG_ALIGN(req_build(&q, ++c->s.seq, c->buf + len,
					     sizeof(c->buf) - len, NULL, NULL));
		if (sizeof(c->buf) - len < 2048)
			break;
	}
	c->st->sent += (uint64_t)k;
	c->st->extra[0] += (uint64_t)k;
	c->n += (uint64_t)k;
	if (!nl_send_raw(&c->s, c->buf, len))
		nl_sync(&c->s);
}

static void one(struct wctx *c)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)c->buf;
	const struct genlmsghdr *gh = NLMSG_DATA(nh);
	size_t off[ALIST_MAX], len;
	bool hv, kvti, dump, certain;
	struct reply r;
	struct req q;
	int noff, err;
	uint32_t seq;

	gen_skeleton(&c->r, &c->w, c->s.family, gen_pick_cmd(&c->r), &q);
	if (chance(&c->r, 65))
		gen_mutate(&c->r, &q);
	if (!c->o->unpriv && chance(&c->r, 3)) {
		batch(c);
		return;
	}
	seq = ++c->s.seq;
	len = req_build(&q, seq, c->buf, sizeof(c->buf), off, &noff);
	if (chance(&c->r, 12))
		len = gen_raw_mutate(&c->r, c->buf, len, sizeof(c->buf), off,
				     noff, q.what, sizeof(q.what));

	/* What will the kernel make of it?  See netlink_rcv_skb(). */
	hv = len >= NLMSG_HDRLEN && nh->nlmsg_len >= NLMSG_HDRLEN &&
	     nh->nlmsg_len <= len;
	kvti = hv && (nh->nlmsg_flags & NLM_F_REQUEST) &&
	       nh->nlmsg_type == c->s.family &&
	       nh->nlmsg_len >= NLMSG_LENGTH(GENL_HDRLEN);
	dump = kvti && (nh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
	certain = hv && ((nh->nlmsg_flags & NLM_F_ACK) || dump);

	c->st->sent++;
	c->n++;
	err = nl_send_raw(&c->s, c->buf, len);
	if (err) {
		/* EMSGSIZE and the like: the kernel saw nothing. */
		c->st->extra[2]++;
		return;
	}
	if (certain)
		err = nl_wait(&c->s, seq, learn, c, &r);
	else
		err = nl_wait_sync(&c->s, seq, learn, c, &r);
	if (!err && hv && len >= NLMSG_ALIGN(nh->nlmsg_len) + NLMSG_HDRLEN)
		err = nl_sync(&c->s);	/* the rest may have been parsed too */
	if (err)
		c->st->lost++;
	if (!r.acked)
		c->st->extra[3]++;	/* unanswered, as expected or not */
	stats_count(c->st, &r);

	if (kvti && r.acked) {
		unsigned int k = gh->cmd < __KVTI_CMD_MAX ? gh->cmd : __KVTI_CMD_MAX;

		if (r.err)
			c->st->cmd_refused[k]++;
		else
			c->st->cmd_ok[k]++;
	}
	if (kvti && gh->cmd >= KVTI_CMD_TUNNEL_NEW &&
	    gh->cmd <= KVTI_CMD_STATS_CLEAR) {
		if (c->o->unpriv && r.acked && !r.err) {
			c->st->kvti_ok++;
			fprintf(stderr, "nlfuzz: worker %d request %llu accepted without privilege: %s\n",
				c->w.worker, (unsigned long long)c->n, q.what);
		}
		if (r.acked && r.err && !r.has_msg && !gh->reserved &&
		    r.err != -EPERM && r.err != -ENOMEM && r.err != -EOPNOTSUPP)
			note_no_extack(c, &q, &r);
	}
	if (kvti && r.acked && !r.err && !r.done)
		forget(&c->w, &q);
	if (c->o->verbose)
		fprintf(stderr, "w%d #%llu %s -> %s%s%s\n", c->w.worker,
			(unsigned long long)c->n, q.what,
			!r.acked ? "no answer" : r.err ? errno_name(-r.err) : "ok",
			r.has_msg ? ": " : "", r.has_msg ? r.msg : "");
}

int fuzz_worker(const struct fuzz_opts *o, int worker, struct stats *st,
		const struct tun *pre, int npre)
{
	struct wctx *c = calloc(1, sizeof(*c));
	uint64_t quota = 0;
	double end = o->seconds ? now_s() + o->seconds : 0;
	int err;

	if (!c)
		return 2;
	c->o = o;
	c->st = st;
	c->w.worker = worker;
	c->next_resync = RESYNC_EVERY;
	for (int i = 0; i < npre && c->w.ntun < W_TUN; i++)
		c->w.tun[c->w.ntun++] = pre[i];
	rng_seed(&c->r, o->seed ^ ((uint64_t)(worker + 1) * 0x9e3779b97f4a7c15ULL));
	err = nl_open(&c->s, NETLINK_GENERIC, st);
	if (!err)
		err = nl_resolve(&c->s, KVTI_GENL_NAME, NULL);
	if (err) {
		fprintf(stderr, "nlfuzz: worker %d: %s\n", worker, errno_name(-err));
		free(c);
		return 2;
	}
	if (o->count)
		quota = o->count / (uint64_t)o->workers +
			((uint64_t)worker < o->count % (uint64_t)o->workers);
	while ((!quota || c->n < quota) && (!end || now_s() < end)) {
		if (!o->unpriv && c->n >= c->next_resync) {
			resync(c, pre, npre);
			c->next_resync = c->n + RESYNC_EVERY;
		}
		one(c);
	}
	nl_close(&c->s);
	free(c);
	return 0;
}
