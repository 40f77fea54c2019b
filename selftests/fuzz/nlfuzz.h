/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nlfuzz - a generic netlink fuzzer and SA churn load for the kvti family.
 *
 * Table of contents, by the file that defines each part:
 *   nl.c      raw netlink sockets: framing, requests, acks, extack, dumps
 *   gen.c     random numbers, attribute lists, the valid skeleton of
 *             every command
 *   mutate.c  the mutations applied to skeletons and to their bytes
 *   fuzz.c    the fuzz workers and what they remember of the kernel's state
 *   check.c   consistency checks of the SA and tunnel tables, and cleanup
 *   churn.c   SA add/del cycles as fast as the round trip allows
 *   inject.c  fault injection: each allocation of a request fails in turn
 *   modload.c fault injection into finit_module() of kvti.ko
 *   nlfuzz.c  main: options, modes, the summary
 */
#ifndef NLFUZZ_H
#define NLFUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/kvti.h>

#define MSG_MAX		16384	/* one request, as sent */
#define RX_MAX		65536	/* one recv(); dumps come in chunks below it */
#define WAIT_MS		30000	/* an ack later than this counts as lost */
#define ERRNO_MAX	256
#define MAX_WORKERS	16

/* Tunnels the fuzzer makes are named with this prefix: fz<worker>t<n>. */
#define FZ_PREFIX	"fz"

/* ---- nl.c ---- */

/* Counters of one process, summed by the parent (shared memory). */
struct stats {
	uint64_t sent;			/* requests (batches count each member) */
	uint64_t ok;			/* acked with error 0, or dump done */
	uint64_t refused;		/* acked with an error */
	uint64_t err[ERRNO_MAX];	/* refusals by errno */
	uint64_t no_extack;		/* refused by kvti without a message */
	uint64_t lost;			/* no ack within WAIT_MS */
	uint64_t enobufs;
	uint64_t replies;		/* data messages received */
	uint64_t kvti_ok;		/* unprivileged mode: must stay 0 */
	uint64_t cycles;		/* churn */
	uint64_t extra[4];		/* mode-specific */
	/* kvti requests by command (beyond KVTI_CMD_MAX: the last slot) */
	uint64_t cmd_ok[__KVTI_CMD_MAX + 1];
	uint64_t cmd_refused[__KVTI_CMD_MAX + 1];
	/* The first kvti refusal without an extack message, to replay. */
	char no_extack_first[160];
};

/* What the kernel said to one request. */
struct reply {
	int err;			/* 0, or a negative errno */
	bool acked;			/* an ERROR or DONE for our seq arrived */
	bool done;			/* it was NLMSG_DONE (a dump ended) */
	bool has_msg;			/* the ack carried an extack message */
	char msg[128];			/* that message */
	int ndata;			/* data messages for our seq */
};

/* Called for each data message of our family answering our request. */
typedef void (*reply_fn)(const struct nlmsghdr *nh, void *arg);

struct nlsock {
	int fd;
	int proto;			/* NETLINK_GENERIC or NETLINK_ROUTE */
	uint32_t seq;
	uint16_t family;		/* kvti's genl id */
	struct stats *st;		/* may be NULL */
	unsigned char rx[RX_MAX];
};

/* A parsed attribute table: tb[type] points at the attribute or NULL. */
#define TB_MAX 64
struct tb {
	const struct nlattr *a[TB_MAX];
};

int nl_open(struct nlsock *s, int proto, struct stats *st);
void nl_close(struct nlsock *s);
int nl_resolve(struct nlsock *s, const char *name, uint32_t *mcgrp);
int nl_join(struct nlsock *s, uint32_t group);
int nl_send_raw(struct nlsock *s, const void *buf, size_t len);
int nl_wait(struct nlsock *s, uint32_t seq, reply_fn fn, void *arg,
	    struct reply *r);
int nl_sync(struct nlsock *s);
int nl_wait_sync(struct nlsock *s, uint32_t seq, reply_fn fn, void *arg,
		 struct reply *r);
int nl_request(struct nlsock *s, void *buf, size_t len, reply_fn fn,
	       void *arg, struct reply *r);
void nl_parse(struct tb *tb, const void *data, int len);
void nl_parse_genl(struct tb *tb, const struct nlmsghdr *nh);
uint32_t tb_u32(const struct tb *tb, int type, uint32_t def);
uint64_t tb_u64(const struct tb *tb, int type, uint64_t def);
uint8_t tb_u8(const struct tb *tb, int type, uint8_t def);
const char *tb_str(const struct tb *tb, int type);
void stats_count(struct stats *st, const struct reply *r);
void stats_add(struct stats *sum, const struct stats *st);
const char *errno_name(int e);

/* ---- gen.c ---- */

enum { A_LEAF, A_BEGIN, A_END };

#define ATTR_DATA_MAX	300
#define ALIST_MAX	40

struct attr {
	uint16_t type;
	uint8_t kind;			/* A_LEAF, A_BEGIN, A_END */
	uint16_t len;
	unsigned char data[ATTR_DATA_MAX];
};

struct alist {
	int n;
	struct attr a[ALIST_MAX];
};

/* A message before it is laid out: header fields and attributes. */
struct req {
	uint16_t type;			/* nlmsg_type */
	uint16_t flags;
	uint8_t cmd;
	uint8_t version;
	uint16_t reserved;
	struct alist l;
	char what[96];			/* for -v and for replay notes */
};

/* xorshift64*: every worker's stream follows from the seed alone. */
struct rng {
	uint64_t s;
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
uint32_t rnd(struct rng *r, uint32_t n);	/* 0..n-1 */
bool chance(struct rng *r, unsigned int percent);
void rnd_bytes(struct rng *r, void *buf, size_t n);

void a_put(struct alist *l, uint16_t type, const void *data, size_t len);
void a_u8(struct alist *l, uint16_t type, uint8_t v);
void a_u16(struct alist *l, uint16_t type, uint16_t v);
void a_u32(struct alist *l, uint16_t type, uint32_t v);
void a_u64(struct alist *l, uint16_t type, uint64_t v);
void a_str(struct alist *l, uint16_t type, const char *s);
void a_flag(struct alist *l, uint16_t type);
void a_begin(struct alist *l, uint16_t type);
void a_end(struct alist *l);
void req_init(struct req *q, uint16_t family, uint8_t cmd, uint16_t flags);
void req_note(struct req *q, const char *fmt, const char *arg);
int req_do(struct nlsock *s, const struct req *q, reply_fn fn, void *arg,
	   struct reply *r);
size_t req_build(const struct req *q, uint32_t seq, void *buf, size_t size,
		 size_t *attr_off, int *n_off);

/* What a skeleton may refer to: the tunnels and SAs a worker knows. */
struct tun {
	char name[16];
	uint32_t ifindex;
	bool tmpl;
	bool v6;
	bool mine;
};

struct sa {
	uint32_t id;
	uint32_t ifindex;
	uint32_t spi;
	uint8_t dir;
};

#define W_TUN	24
#define W_SA	96
#define W_SPI	16

struct world {
	int worker;
	unsigned int next_tun;		/* for fz<worker>t<n> names */
	int ntun;
	struct tun tun[W_TUN];
	int nsa;
	struct sa sa[W_SA];
	int nspi;
	uint32_t spi[W_SPI];		/* from SPI_ALLOC, not yet used */
};

void gen_skeleton(struct rng *r, struct world *w, uint16_t family,
		  uint8_t cmd, struct req *q);

/* ---- mutate.c ---- */

void gen_mutate(struct rng *r, struct req *q);
size_t gen_raw_mutate(struct rng *r, unsigned char *buf, size_t len,
		      size_t size, const size_t *attr_off, int n_off,
		      char *what, size_t what_size);
uint8_t gen_pick_cmd(struct rng *r);
const char *cmd_name(unsigned int cmd);
void sa_gcm(struct alist *l, struct rng *r, bool vary);
void sa_cbc(struct alist *l, struct rng *r, bool vary);
void tun_name(char *buf, int worker, unsigned int n);

/* ---- fuzz.c ---- */

struct fuzz_opts {
	uint64_t seed;
	int workers;
	unsigned int seconds;		/* 0: no time bound */
	uint64_t count;			/* 0: no count bound; total messages */
	bool unpriv;			/* expect every kvti request refused */
	bool verbose;
	bool events;			/* listen to the events group meanwhile */
};

int fuzz_worker(const struct fuzz_opts *o, int worker, struct stats *st,
		const struct tun *pre, int npre);

/* ---- check.c ---- */

struct sa_rec {
	uint32_t id;
	uint32_t ifindex;
	uint32_t spi;
	uint8_t dir;
	bool hard_secs;			/* may expire by itself */
	char ifname[16];
};

struct tun_rec {
	uint32_t ifindex;
	char name[16];
	bool tmpl;
	uint32_t tmpl_ifindex;
	int carrier;			/* -1: not reported */
};

struct recs {
	int n, cap;
	void *v;
};

int dump_sas(struct nlsock *s, uint32_t ifindex, uint32_t spi,
	     int64_t cursor, struct recs *out, struct reply *r);
int dump_tunnels(struct nlsock *s, uint8_t cmd, struct recs *out);
int rtnl_kvti_links(struct recs *out);
void recs_free(struct recs *r);
int check_consistency(struct nlsock *s, const char *when);
int check_sequential(struct nlsock *s, struct rng *r);
int cleanup_tunnels(struct nlsock *s, const struct tun *keep, int nkeep);
int list_tunnels(struct nlsock *s, struct tun *out, int max);

/* ---- churn.c ---- */

struct churn_opts {
	uint64_t seed;
	uint64_t count;
	int tunnels;
	int workers;
	bool keep;
	bool verbose;
};

int churn_run(const struct churn_opts *o);

/* ---- inject.c ---- */

struct inject_opts {
	unsigned int max_n;		/* highest N per operation */
	const char *ops;		/* comma-separated names, NULL: all */
	unsigned int seconds;		/* time budget per operation, 0: none */
	bool reverse;			/* N from the allocation count down */
	bool verbose;
};

int inject_run(const struct inject_opts *o);

/* ---- modload.c ---- */

int modload_run(const char *ko, const struct inject_opts *o);

/* ---- nlfuzz.c ---- */

extern const char *prog;
void *shared_alloc(size_t size);
double now_s(void);

#endif /* NLFUZZ_H */
