// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz churn - SA add/del cycles as fast as the netlink round trip
 * allows, to shake out leaks and races in SA creation and teardown (the
 * crypto transform, the per-CPU counters, the RCU and workqueue frees).
 *
 * One cycle, on tunnel (cycle % tunnels): SA_NEW inbound and outbound,
 * then SA_DEL of both, one by SA_ID (from the echoed reply), the other by
 * tunnel, direction and SPI, alternating.  Every 16th cycle the inbound
 * SPI comes from SPI_ALLOC; every 8th pair is AES-CBC with HMAC-SHA256,
 * the rest AES-GCM (rfc4106, 20-byte key with its salt).  Every failure
 * is counted; the first few are printed with the kernel's message.
 *
 * Workers (-w) are processes, each on its own socket; the tunnels are
 * made by the parent (fzc0, fzc1, ...) and deleted at the end, unless -k
 * keeps them for the next run (which reuses them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/wait.h>

#include "nlfuzz.h"

#define CHURN_TUNNELS_MAX 16

struct churn {
	struct nlsock s;
	struct rng r;
	struct stats *st;
	int worker;
	bool verbose;
	uint32_t ifindex[CHURN_TUNNELS_MAX];
	int ntun;
};

static void id_cb(const struct nlmsghdr *nh, void *arg)
{
	struct tb tb;

	nl_parse_genl(&tb, nh);
	*(uint32_t *)arg = tb_u32(&tb, KVTI_A_SA_ID,
				  tb_u32(&tb, KVTI_A_SA_SPI,
					 tb_u32(&tb, KVTI_A_IFINDEX, 0)));
}

static int failed(struct churn *c, const char *what, int err,
		  const struct reply *r)
{
	c->st->refused++;
	if (-err > 0 && -err < ERRNO_MAX)
		c->st->err[-err]++;
	if (c->st->refused <= 5 || c->verbose)
		fprintf(stderr, "nlfuzz churn: worker %d cycle %llu: %s: %s%s%s\n",
			c->worker, (unsigned long long)c->st->cycles, what,
			errno_name(-err), r->has_msg ? ": " : "",
			r->has_msg ? r->msg : "");
	return err;
}

static int call(struct churn *c, const struct req *q, uint32_t *out,
		const char *what)
{
	struct reply r;
	int err;

	c->st->sent++;
	err = req_do(&c->s, q, out ? id_cb : NULL, out, &r);
	if (err)
		return failed(c, what, err, &r);
	c->st->ok++;
	return 0;
}

static int sa_new(struct churn *c, uint32_t ifindex, uint8_t dir,
		  uint32_t spi, bool cbc, uint32_t *id)
{
	struct req q;

	req_init(&q, c->s.family, KVTI_CMD_SA_NEW, NLM_F_ECHO);
	a_u32(&q.l, KVTI_A_IFINDEX, ifindex);
	a_u8(&q.l, KVTI_A_SA_DIR, dir);
	a_u32(&q.l, KVTI_A_SA_SPI, spi);
	if (cbc)
		sa_cbc(&q.l, &c->r, false);
	else
		sa_gcm(&q.l, &c->r, false);
	*id = 0;
	return call(c, &q, id, dir == KVTI_DIR_IN ? "SA_NEW in" : "SA_NEW out");
}

static int sa_del(struct churn *c, uint32_t ifindex, uint8_t dir,
		  uint32_t spi, uint32_t id, bool by_id)
{
	struct req q;

	req_init(&q, c->s.family, KVTI_CMD_SA_DEL, 0);
	if (by_id) {
		a_u32(&q.l, KVTI_A_SA_ID, id);
	} else {
		a_u32(&q.l, KVTI_A_IFINDEX, ifindex);
		a_u8(&q.l, KVTI_A_SA_DIR, dir);
		a_u32(&q.l, KVTI_A_SA_SPI, spi);
	}
	return call(c, &q, NULL, by_id ? "SA_DEL by id" : "SA_DEL by spi");
}

/* Sequential inbound SPIs per worker, below the SPI_ALLOC range. */
static uint32_t next_spi(struct churn *c, uint64_t i)
{
	return 0x01000000u * (uint32_t)(c->worker + 1) + (uint32_t)(i & 0xffffff);
}

static void cycle(struct churn *c, uint64_t i)
{
	uint32_t ifindex = c->ifindex[i % (uint64_t)c->ntun];
	uint32_t spi_in = next_spi(c, i), spi_out, id_in, id_out;
	bool cbc = i % 8 == 7, by_id = i % 2 == 0;

	if (i % 16 == 0) {
		struct req q;
		uint32_t spi = 0;

		req_init(&q, c->s.family, KVTI_CMD_SPI_ALLOC, 0);
		a_u32(&q.l, KVTI_A_SPI_MIN, 0x80000000u);
		if (!call(c, &q, &spi, "SPI_ALLOC") && spi >= 0x80000000u)
			spi_in = spi;
	}
	spi_out = spi_in ^ 0x40000000u;
	if (sa_new(c, ifindex, KVTI_DIR_IN, spi_in, cbc, &id_in))
		id_in = 0;
	if (sa_new(c, ifindex, KVTI_DIR_OUT, spi_out, cbc, &id_out))
		id_out = 0;
	if (id_in)
		sa_del(c, ifindex, KVTI_DIR_IN, spi_in, id_in, by_id);
	if (id_out)
		sa_del(c, ifindex, KVTI_DIR_OUT, spi_out, id_out, !by_id);
	c->st->cycles++;
}

static int churn_worker(const struct churn_opts *o, struct churn *c,
			uint64_t count)
{
	int err;

	rng_seed(&c->r, o->seed ^ ((uint64_t)(c->worker + 1) * 0x9e3779b97f4a7c15ULL));
	err = nl_open(&c->s, NETLINK_GENERIC, c->st);
	if (!err)
		err = nl_resolve(&c->s, KVTI_GENL_NAME, NULL);
	if (err) {
		fprintf(stderr, "nlfuzz churn: worker %d: %s\n", c->worker,
			errno_name(-err));
		return 2;
	}
	for (uint64_t i = 0; i < count; i++)
		cycle(c, i);
	nl_close(&c->s);
	return 0;
}

/* Makes fzc<i>, or reuses it if an earlier run with -k left it. */
static int make_tunnel(struct nlsock *s, int i, uint32_t *ifindex)
{
	char name[16];
	struct reply r;
	struct req q;
	int err;

	snprintf(name, sizeof(name), FZ_PREFIX "c%d", i);
	req_init(&q, s->family, KVTI_CMD_TUNNEL_NEW, NLM_F_ECHO);
	a_str(&q.l, KVTI_A_IFNAME, name);
	if (i % 3 == 2) {
		struct in6_addr l, rem;

		inet_pton(AF_INET6, "2001:db8::1", &l);
		inet_pton(AF_INET6, "2001:db8:1::", &rem);
		rem.s6_addr[15] = (uint8_t)(100 + i);
		a_put(&q.l, KVTI_A_LOCAL, &l, sizeof(l));
		a_put(&q.l, KVTI_A_REMOTE, &rem, sizeof(rem));
	} else {
		uint32_t l = htonl(0xc0000201), rem = htonl(0xc6336464 + (uint32_t)i);

		a_put(&q.l, KVTI_A_LOCAL, &l, 4);
		a_put(&q.l, KVTI_A_REMOTE, &rem, 4);
	}
	a_u32(&q.l, KVTI_A_KEY, 0xc0000u + (uint32_t)i);
	*ifindex = 0;
	err = req_do(s, &q, id_cb, ifindex, &r);
	if (err == -EEXIST) {
		req_init(&q, s->family, KVTI_CMD_TUNNEL_GET, 0);
		a_str(&q.l, KVTI_A_IFNAME, name);
		err = req_do(s, &q, id_cb, ifindex, &r);
	}
	if (err || !*ifindex)
		fprintf(stderr, "nlfuzz churn: TUNNEL_NEW %s: %s%s%s\n", name,
			errno_name(-err), r.has_msg ? ": " : "",
			r.has_msg ? r.msg : "");
	return err ? err : *ifindex ? 0 : -EPROTO;
}

int churn_run(const struct churn_opts *o)
{
	struct stats *st = shared_alloc(sizeof(*st) * (size_t)(o->workers + 1));
	struct churn c = { .verbose = o->verbose };
	struct stats sum = { 0 };
	int rc = 0, left = 0;
	double t0, dt;

	c.ntun = o->tunnels;
	printf("nlfuzz: churn seed %llu, %llu cycles on %d tunnels, %d workers\n",
	       (unsigned long long)o->seed, (unsigned long long)o->count,
	       o->tunnels, o->workers);
	fflush(stdout);
	if (nl_open(&c.s, NETLINK_GENERIC, NULL) ||
	    nl_resolve(&c.s, KVTI_GENL_NAME, NULL)) {
		fprintf(stderr, "nlfuzz churn: no kvti genl family\n");
		return 1;
	}
	for (int i = 0; i < c.ntun; i++)
		if (make_tunnel(&c.s, i, &c.ifindex[i]))
			return 1;

	t0 = now_s();
	for (int w = 0; w < o->workers; w++) {
		uint64_t count = o->count / (uint64_t)o->workers +
				 ((uint64_t)w < o->count % (uint64_t)o->workers);
		pid_t pid = fork();

		if (pid < 0) {
			perror("nlfuzz churn: fork");
			return 1;
		}
		if (pid == 0) {
			struct churn wc = c;

			wc.worker = w;
			wc.st = &st[w];
			_exit(churn_worker(o, &wc, count));
		}
	}
	for (int w = 0; w < o->workers; w++) {
		int status;

		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			rc = 1;
	}
	dt = now_s() - t0;
	for (int w = 0; w < o->workers; w++)
		stats_add(&sum, &st[w]);

	/* Nothing may be left on the churn tunnels. */
	for (int i = 0; i < c.ntun; i++) {
		struct recs sas = { 0 };
		int n = dump_sas(&c.s, c.ifindex[i], 0, -1, &sas, NULL);

		if (n != 0) {
			fprintf(stderr, "nlfuzz churn: %d SAs left on " FZ_PREFIX "c%d\n",
				n, i);
			left += n > 0 ? n : 1;
		}
		recs_free(&sas);
	}
	if (!o->keep) {
		for (int i = 0; i < c.ntun; i++) {
			struct reply r;
			struct req q;

			req_init(&q, c.s.family, KVTI_CMD_TUNNEL_DEL, 0);
			a_u32(&q.l, KVTI_A_IFINDEX, c.ifindex[i]);
			if (req_do(&c.s, &q, NULL, NULL, &r)) {
				fprintf(stderr, "nlfuzz churn: TUNNEL_DEL " FZ_PREFIX "c%d: %s\n",
					i, errno_name(-r.err));
				rc = 1;
			}
		}
	}
	nl_close(&c.s);

	printf("nlfuzz: churn seed %llu, %llu cycles (%llu requests) in %.1f s: %.0f cycles/s, errors %llu, lost %llu, left %d\n",
	       (unsigned long long)o->seed, (unsigned long long)sum.cycles,
	       (unsigned long long)sum.sent, dt, dt > 0 ? sum.cycles / dt : 0.0,
	       (unsigned long long)sum.refused, (unsigned long long)sum.lost,
	       left);
	if (sum.cycles != o->count || sum.refused || sum.lost || left)
		rc = 1;
	return rc;
}
