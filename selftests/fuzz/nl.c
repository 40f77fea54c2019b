// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - raw netlink: sockets, one request at a time, acks and extack.
 *
 * The fuzzer never lets a socket fill up: it sends one request (or one
 * batch), then reads until the kernel has answered it, discarding whatever
 * else arrives.  When it cannot know whether an answer will come (a header
 * the kernel drops silently, a request without NLM_F_ACK), it sends a
 * NLMSG_NOOP with NLM_F_ACK behind it: the kernel runs requests in order,
 * inside sendmsg(), so once that NOOP is acked everything before it has
 * been answered.  Only a dump answers later, on recvmsg(); a dump always
 * ends in NLMSG_DONE or an error, which is what is waited for then.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "nlfuzz.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

int nl_open(struct nlsock *s, int proto, struct stats *st)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int one = 1, size = 4 << 20;
	struct timespec ts;

	memset(s, 0, offsetof(struct nlsock, rx));
	s->proto = proto;
	s->st = st;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (s->fd < 0)
		return -errno;
	/* FORCE needs CAP_NET_ADMIN in the initial namespace; not fatal. */
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* Errors without a copy of the request: smaller, same information. */
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		close(s->fd);
		return -e;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->seq = (uint32_t)ts.tv_nsec ^ ((uint32_t)getpid() << 16);
	return 0;
}

void nl_close(struct nlsock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int nl_join(struct nlsock *s, uint32_t group)
{
	if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		       sizeof(group)))
		return -errno;
	return 0;
}

int nl_send_raw(struct nlsock *s, const void *buf, size_t len)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK };
	ssize_t n;

	do {
		n = sendto(s->fd, buf, len, 0, (struct sockaddr *)&to,
			   sizeof(to));
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

void nl_parse(struct tb *tb, const void *data, int len)
{
	const struct nlattr *a = data;

	memset(tb, 0, sizeof(*tb));
	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		int type = a->nla_type & NLA_TYPE_MASK;

		if (type < TB_MAX)
			tb->a[type] = a;
		len -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
}

void nl_parse_genl(struct tb *tb, const struct nlmsghdr *nh)
{
	int len = (int)nh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	if (len < 0)
		len = 0;
	nl_parse(tb, (const char *)NLMSG_DATA(nh) + GENL_HDRLEN, len);
}

static const void *payload(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static int plen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

uint32_t tb_u32(const struct tb *tb, int type, uint32_t def)
{
	uint32_t v;

	if (!tb->a[type] || plen(tb->a[type]) < 4)
		return def;
	memcpy(&v, payload(tb->a[type]), 4);
	return v;
}

uint64_t tb_u64(const struct tb *tb, int type, uint64_t def)
{
	uint64_t v;

	if (!tb->a[type] || plen(tb->a[type]) < 8)
		return def;
	memcpy(&v, payload(tb->a[type]), 8);
	return v;
}

uint8_t tb_u8(const struct tb *tb, int type, uint8_t def)
{
	if (!tb->a[type] || plen(tb->a[type]) < 1)
		return def;
	return *(const uint8_t *)payload(tb->a[type]);
}

/* A NUL-terminated string attribute, or NULL. */
const char *tb_str(const struct tb *tb, int type)
{
	const struct nlattr *a = tb->a[type];

	if (!a || plen(a) < 1 || ((const char *)payload(a))[plen(a) - 1])
		return NULL;
	return payload(a);
}

/* The extack message of an ERROR or DONE, if the kernel sent one. */
static void read_extack(const struct nlmsghdr *nh, size_t skip,
			struct reply *r)
{
	const char *msg;
	struct tb tb;
	int len;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	len = (int)nh->nlmsg_len - NLMSG_HDRLEN - (int)skip;
	if (len <= 0)
		return;
	nl_parse(&tb, (const char *)NLMSG_DATA(nh) + skip, len);
	msg = tb_str(&tb, NLMSGERR_ATTR_MSG);
	if (msg) {
		r->has_msg = true;
		snprintf(r->msg, sizeof(r->msg), "%s", msg);
	}
}

static void read_error(const struct nlmsghdr *nh, struct reply *r)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	size_t skip = sizeof(*e);

	if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
		r->err = -EBADMSG;
		return;
	}
	r->err = e->error;
	if (!(nh->nlmsg_flags & NLM_F_CAPPED))
		skip += e->msg.nlmsg_len - sizeof(e->msg);
	read_extack(nh, NLMSG_ALIGN(skip), r);
}

static void read_done(const struct nlmsghdr *nh, struct reply *r)
{
	int e = 0;

	if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		memcpy(&e, NLMSG_DATA(nh), sizeof(e));
	r->err = e;
	r->done = true;
	read_extack(nh, NLMSG_ALIGN(sizeof(int)), r);
}

static int send_noop(struct nlsock *s, uint32_t *seq)
{
	struct nlmsghdr nh = {
		.nlmsg_len = NLMSG_HDRLEN,
		.nlmsg_type = NLMSG_NOOP,
		.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
	};

	nh.nlmsg_seq = *seq = ++s->seq;
	return nl_send_raw(s, &nh, sizeof(nh));
}

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Reads until the kernel has answered @seq (an ERROR, or DONE for a dump)
 * and, if a NOOP had to be sent to flush the socket, until that is acked.
 * @seq 0 waits for nothing but the NOOP (see nl_sync).  Data messages for
 * @seq go to @fn.  Returns 0 when the wait ended cleanly (r->acked tells
 * whether @seq was answered), or a negative errno.
 */
static int wait_for(struct nlsock *s, uint32_t seq, uint32_t sync,
		    reply_fn fn, void *arg, struct reply *r)
{
	int64_t deadline = ms_now() + WAIT_MS;

	for (;;) {
		struct nlmsghdr *nh;
		ssize_t n;
		int left;

		n = recv(s->fd, s->rx, sizeof(s->rx), MSG_DONTWAIT);
		if (n < 0) {
			struct pollfd p = { .fd = s->fd, .events = POLLIN };

			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Something was dropped, maybe our answer. */
				if (s->st)
					s->st->enobufs++;
				if (!sync && send_noop(s, &sync))
					return -errno;
				continue;
			}
			if (errno != EAGAIN)
				return -errno;
			left = (int)(deadline - ms_now());
			if (left > 0 && poll(&p, 1, left) >= 0)
				continue;
			if (sync)
				return -ETIMEDOUT;
			/* No answer: make sure the socket is empty. */
			if (s->st && seq)
				s->st->lost++;
			if (send_noop(s, &sync))
				return -errno;
			deadline = ms_now() + WAIT_MS;
			continue;
		}
		for (nh = (struct nlmsghdr *)s->rx; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (sync && nh->nlmsg_seq == sync &&
			    nh->nlmsg_type == NLMSG_ERROR)
				return 0;
			if (!seq || nh->nlmsg_seq != seq || r->acked)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				read_error(nh, r);
				r->acked = true;
			} else if (nh->nlmsg_type == NLMSG_DONE) {
				read_done(nh, r);
				r->acked = true;
			} else if (nh->nlmsg_type >= NLMSG_MIN_TYPE) {
				r->ndata++;
				if (s->st)
					s->st->replies++;
				if (fn)
					fn(nh, arg);
			}
			if (r->acked && !sync)
				return 0;
		}
	}
}

/* For a request that will be answered: an ERROR, or for a dump a DONE. */
int nl_wait(struct nlsock *s, uint32_t seq, reply_fn fn, void *arg,
	    struct reply *r)
{
	memset(r, 0, sizeof(*r));
	return wait_for(s, seq, 0, fn, arg, r);
}

/*
 * For a request that may or may not be answered (no NLM_F_ACK, or a header
 * the kernel may skip): whatever answer it gets has been read, with the
 * data going to @fn, once the NOOP sent behind it is acked.
 */
int nl_wait_sync(struct nlsock *s, uint32_t seq, reply_fn fn, void *arg,
		 struct reply *r)
{
	uint32_t sync;

	memset(r, 0, sizeof(*r));
	if (send_noop(s, &sync))
		return -errno;
	return wait_for(s, seq, sync, fn, arg, r);
}

/* Makes sure everything sent so far has been answered and read. */
int nl_sync(struct nlsock *s)
{
	struct reply r = { 0 };
	uint32_t sync;

	if (send_noop(s, &sync))
		return -errno;
	return wait_for(s, 0, sync, NULL, NULL, &r);
}

/* Sends a well-formed request (seq filled in here) and waits for it. */
int nl_request(struct nlsock *s, void *buf, size_t len, reply_fn fn,
	       void *arg, struct reply *r)
{
	struct nlmsghdr *nh = buf;
	int err;

	nh->nlmsg_seq = ++s->seq;
	nh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	err = nl_send_raw(s, buf, len);
	if (err) {
		memset(r, 0, sizeof(*r));
		r->err = err;
		return err;
	}
	err = nl_wait(s, nh->nlmsg_seq, fn, arg, r);
	if (err)
		return err;
	if (!r->acked)
		return -ETIMEDOUT;
	return r->err;
}

struct resolve {
	uint16_t id;
	uint32_t grp;
};

static void resolve_cb(const struct nlmsghdr *nh, void *arg)
{
	struct resolve *res = arg;
	const struct nlattr *g;
	struct tb tb;
	int rem;

	nl_parse_genl(&tb, nh);
	if (tb.a[CTRL_ATTR_FAMILY_ID] && plen(tb.a[CTRL_ATTR_FAMILY_ID]) >= 2)
		memcpy(&res->id, payload(tb.a[CTRL_ATTR_FAMILY_ID]), 2);
	g = tb.a[CTRL_ATTR_MCAST_GROUPS];
	if (!g)
		return;
	/* A nest of nests, each with a name and an id. */
	rem = plen(g);
	for (const struct nlattr *e = payload(g);
	     rem >= NLA_HDRLEN && e->nla_len >= NLA_HDRLEN && e->nla_len <= rem;
	     rem -= NLA_ALIGN(e->nla_len),
	     e = (const void *)((const char *)e + NLA_ALIGN(e->nla_len))) {
		struct tb gt;
		const char *name;

		nl_parse(&gt, payload(e), plen(e));
		name = tb_str(&gt, CTRL_ATTR_MCAST_GRP_NAME);
		if (name && !strcmp(name, KVTI_MCGRP_EVENTS))
			res->grp = tb_u32(&gt, CTRL_ATTR_MCAST_GRP_ID, 0);
	}
}

/* CTRL_CMD_GETFAMILY: the family id of @name, and its events group. */
int nl_resolve(struct nlsock *s, const char *name, uint32_t *mcgrp)
{
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		struct nlattr a;
		char name[32];
	} m = { 0 };
	struct resolve res = { 0 };
	size_t nlen = strlen(name) + 1;
	struct reply r;
	int err;

	m.nh.nlmsg_type = GENL_ID_CTRL;
	m.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN + NLA_HDRLEN + nlen);
	m.gh.cmd = CTRL_CMD_GETFAMILY;
	m.gh.version = 1;
	m.a.nla_type = CTRL_ATTR_FAMILY_NAME;
	m.a.nla_len = NLA_HDRLEN + nlen;
	memcpy(m.name, name, nlen);
	err = nl_request(s, &m, NLMSG_ALIGN(m.nh.nlmsg_len), resolve_cb, &res,
			 &r);
	if (err)
		return err;
	if (!res.id)
		return -ENOENT;
	s->family = res.id;
	if (mcgrp)
		*mcgrp = res.grp;
	return 0;
}

void stats_count(struct stats *st, const struct reply *r)
{
	if (!r->acked)
		return;
	if (!r->err) {
		st->ok++;
		return;
	}
	st->refused++;
	if (-r->err > 0 && -r->err < ERRNO_MAX)
		st->err[-r->err]++;
	else
		st->err[0]++;
}

void stats_add(struct stats *sum, const struct stats *st)
{
	sum->sent += st->sent;
	sum->ok += st->ok;
	sum->refused += st->refused;
	for (int i = 0; i < ERRNO_MAX; i++)
		sum->err[i] += st->err[i];
	sum->no_extack += st->no_extack;
	sum->lost += st->lost;
	sum->enobufs += st->enobufs;
	sum->replies += st->replies;
	sum->kvti_ok += st->kvti_ok;
	sum->cycles += st->cycles;
	for (int i = 0; i < 4; i++)
		sum->extra[i] += st->extra[i];
	for (int i = 0; i <= __KVTI_CMD_MAX; i++) {
		sum->cmd_ok[i] += st->cmd_ok[i];
		sum->cmd_refused[i] += st->cmd_refused[i];
	}
	if (!sum->no_extack_first[0] && st->no_extack_first[0])
		memcpy(sum->no_extack_first, st->no_extack_first,
		       sizeof(sum->no_extack_first));
}

const char *errno_name(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}
