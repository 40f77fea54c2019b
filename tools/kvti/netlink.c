// SPDX-License-Identifier: GPL-2.0
/*
 * Generic netlink requests with extended ACKs.
 *
 * Why our own receive loop: libnl 3.7 hands an error callback only the
 * struct nlmsgerr, without the length of the message around it, and
 * ignores the error code and extack carried by NLMSG_DONE at the end of a
 * failed dump.  We need both, so we send and receive on libnl's socket
 * ourselves and use libnl only to build and parse attributes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
#include <netlink/socket.h>

#include "netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static void set_error(struct kvti_nl_error *err, int error, const char *msg)
{
	memset(err, 0, sizeof(*err));
	err->error = error;
	if (msg)
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

static const char *type_name(const struct kvti_attr_space *space,
			     unsigned int type, char *buf, size_t len)
{
	if (space && type <= space->max && space->names[type])
		return space->names[type];
	snprintf(buf, len, "type %u", type);
	return buf;
}

/*
 * Finds the attribute at byte offset off of the request and names it; an
 * offset inside a known nest descends into it ("INNER in OUTER").  Returns
 * the space of the attribute's children (for MISS_NEST), or NULL.
 */
static const struct kvti_attr_space *
describe(const struct nlmsghdr *req, uint32_t off,
	 const struct kvti_attr_space *space, char *buf, size_t len)
{
	const unsigned char *base = (const unsigned char *)req;
	uint32_t pos = NLMSG_HDRLEN + GENL_HDRLEN, end = req->nlmsg_len;
	char outer[64] = "", tmp[32];

	while (pos + NLA_HDRLEN <= end) {
		const struct nlattr *a = (const struct nlattr *)(base + pos);
		unsigned int type = a->nla_type & NLA_TYPE_MASK;
		const struct kvti_attr_space *child = NULL;
		const char *name;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > end - pos)
			break;
		if (off < pos || off >= pos + a->nla_len) {
			pos += NLA_ALIGN(a->nla_len);
			continue;
		}
		name = type_name(space, type, tmp, sizeof(tmp));
		if (space && space->nests && type <= space->max)
			child = space->nests[type];
		if (off >= pos + NLA_HDRLEN && child) {
			snprintf(outer, sizeof(outer), "%s", name);
			space = child;
			end = pos + a->nla_len;
			pos += NLA_HDRLEN;
			continue;
		}
		if (outer[0])
			snprintf(buf, len, "%s in %s", name, outer);
		else
			snprintf(buf, len, "%s", name);
		return child;
	}
	snprintf(buf, len, "at offset %u", off);
	return NULL;
}

void kvti_nl_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
		       const struct kvti_attr_space *space,
		       struct kvti_nl_error *err)
{
	const unsigned char *data = NLMSG_DATA(nlh);
	uint32_t len, pos;
	bool has_offs = false, has_miss = false, has_nest = false;
	uint32_t offs = 0, miss_type = 0, miss_nest = 0;
	int32_t error;

	memset(err, 0, sizeof(*err));
	if (nlh->nlmsg_len < NLMSG_HDRLEN)
		goto bad;
	len = nlh->nlmsg_len - NLMSG_HDRLEN;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = (const struct nlmsgerr *)data;

		if (len < sizeof(*e))
			goto bad;
		error = e->error;
		pos = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < NLMSG_HDRLEN)
				goto bad;
			pos += e->msg.nlmsg_len - NLMSG_HDRLEN;
		}
	} else {
		/* NLMSG_DONE: an int, the dump's result, may follow. */
		error = 0;
		if (len >= sizeof(error))
			memcpy(&error, data, sizeof(error));
		pos = sizeof(error);
	}
	/* The kernel sends negative errnos; be lenient with others. */
	err->error = error > 0 ? -error : error;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	for (pos = NLMSG_ALIGN(pos); pos + NLA_HDRLEN <= len;) {
		const struct nlattr *a = (const struct nlattr *)(data + pos);
		const unsigned char *p = data + pos + NLA_HDRLEN;
		uint32_t plen = a->nla_len - NLA_HDRLEN;
		uint32_t u32 = 0;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len - pos)
			break;
		if (plen >= sizeof(u32))
			memcpy(&u32, p, sizeof(u32));
		switch (a->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			snprintf(err->msg, sizeof(err->msg), "%.*s",
				 (int)strnlen((const char *)p, plen), p);
			break;
		case NLMSGERR_ATTR_OFFS:
			has_offs = plen >= sizeof(u32);
			offs = u32;
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			has_miss = plen >= sizeof(u32);
			miss_type = u32;
			break;
		case NLMSGERR_ATTR_MISS_NEST:
			has_nest = plen >= sizeof(u32);
			miss_nest = u32;
			break;
		}
		pos += NLA_ALIGN(a->nla_len);
	}

	if (has_offs && req) {
		describe(req, offs, space, err->attr, sizeof(err->attr));
	} else if (has_miss) {
		const struct kvti_attr_space *inner = space;
		char nest[64] = "", tmp[32];

		if (has_nest && req)
			inner = describe(req, miss_nest, space, nest, sizeof(nest));
		err->missing = true;
		snprintf(err->attr, sizeof(err->attr), "%s%s%s",
			 type_name(inner, miss_type, tmp, sizeof(tmp)),
			 nest[0] ? " in " : "", nest);
	}
	return;
bad:
	set_error(err, -EBADMSG, "malformed acknowledgement from the kernel");
}

/*
 * Receives one datagram into *buf, growing it to fit; flags may add
 * MSG_DONTWAIT.  The old buffer is wiped when it is replaced: an error
 * echoes the request, keys and all.
 */
static ssize_t recv_one(int fd, unsigned char **buf, size_t *cap, int flags)
{
	struct sockaddr_nl peer;
	socklen_t alen;
	ssize_t n;

	for (;;) {
		n = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC | flags);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if ((size_t)n > *cap) {
			unsigned char *p = malloc(n);

			if (!p)
				return -ENOMEM;
			if (*buf)
				explicit_bzero(*buf, *cap);
			free(*buf);
			*buf = p;
			*cap = n;
		}
		alen = sizeof(peer);
		n = recvfrom(fd, *buf, *cap, flags, (struct sockaddr *)&peer, &alen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (alen != sizeof(peer) || peer.nl_pid != 0)
			continue;	/* not from the kernel */
		return n;
	}
}

int kvti_nl_request(struct kvti_nl *nl, struct nl_msg *msg,
		    kvti_nl_reply_fn fn, void *arg)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *req = nlmsg_hdr(msg), *nlh;
	int fd = nl_socket_get_fd(nl->sk), fn_err = 0;
	unsigned char *buf = NULL;
	size_t cap = 0;
	bool done = false;
	ssize_t n;

	memset(&nl->err, 0, sizeof(nl->err));
	if (!req->nlmsg_type)
		req->nlmsg_type = nl->family;
	nl_complete_msg(nl->sk, msg);
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;

	do {
		n = sendto(fd, req, req->nlmsg_len, 0,
			   (struct sockaddr *)&kernel, sizeof(kernel));
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		set_error(&nl->err, -errno, NULL);
		return nl->err.error;
	}

	while (!done) {
		n = recv_one(fd, &buf, &cap, 0);
		if (n < 0) {
			set_error(&nl->err, n, NULL);
			break;
		}
		for (nlh = (struct nlmsghdr *)buf; !done && NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;	/* an old request's leftovers */
			switch (nlh->nlmsg_type) {
			case NLMSG_NOOP:
				break;
			case NLMSG_OVERRUN:
				set_error(&nl->err, -EOVERFLOW, NULL);
				done = true;
				break;
			case NLMSG_ERROR:
			case NLMSG_DONE:
				kvti_nl_parse_ack(nlh, req, nl->attrs, &nl->err);
				done = true;
				break;
			default:
				/* After a bad reply, drain the rest unseen. */
				if (fn && !fn_err)
					fn_err = fn(nlh, arg);
			}
		}
	}
	if (buf)
		explicit_bzero(buf, cap);
	free(buf);
	if (!nl->err.error && fn_err)
		set_error(&nl->err, fn_err, fn_err == -EBADMSG ?
			  "malformed reply from the kernel" : NULL);
	return nl->err.error;
}

void kvti_nl_msg_free(struct nl_msg *msg)
{
	if (!msg)
		return;
	/* libnl allocates a message once, at its maximum size. */
	explicit_bzero(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
	nlmsg_free(msg);
}

int kvti_nl_join(struct kvti_nl *nl, uint32_t grp)
{
	int fd = nl_socket_get_fd(nl->sk);

	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp,
		       sizeof(grp)) < 0) {
		set_error(&nl->err, -errno, NULL);
		return nl->err.error;
	}
	return 0;
}

int kvti_nl_read_events(struct kvti_nl *nl, kvti_nl_reply_fn fn, void *arg)
{
	int fd = nl_socket_get_fd(nl->sk), ret = 0;
	unsigned char *buf = NULL;
	struct nlmsghdr *nlh;
	size_t cap = 0;
	ssize_t n;

	for (;;) {
		n = recv_one(fd, &buf, &cap, MSG_DONTWAIT);
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			break;
		if (n < 0) {
			ret = n;
			break;
		}
		for (nlh = (struct nlmsghdr *)buf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			/* Only the family's own messages; no request is pending. */
			if (nlh->nlmsg_type != nl->family)
				continue;
			ret = fn(nlh, arg);
			if (ret)
				break;
		}
		if (ret)
			break;
	}
	free(buf);
	return ret;
}

struct nl_msg *kvti_nl_msg(uint8_t cmd, uint8_t version, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	/* Family id 0 is a placeholder, filled in by kvti_nl_request(). */
	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0, 0, flags,
				cmd, version)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

struct family_reply {
	const char *mcgrp;
	struct kvti_nl *nl;
	bool found;
};

static int parse_family(struct nlmsghdr *nlh, void *arg)
{
	static struct nla_policy grp_policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
		[CTRL_ATTR_MCAST_GRP_NAME] = { .type = NLA_STRING },
		[CTRL_ATTR_MCAST_GRP_ID] = { .type = NLA_U32 },
	};
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *grp[CTRL_ATTR_MCAST_GRP_MAX + 1];
	struct family_reply *r = arg;
	struct nlattr *pos;
	int rem;

	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 ||
	    !tb[CTRL_ATTR_FAMILY_ID] || nla_len(tb[CTRL_ATTR_FAMILY_ID]) < 2)
		return -EBADMSG;
	r->nl->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (tb[CTRL_ATTR_VERSION] && nla_len(tb[CTRL_ATTR_VERSION]) >= 4)
		r->nl->version = nla_get_u32(tb[CTRL_ATTR_VERSION]);
	r->found = true;
	if (!r->mcgrp || !tb[CTRL_ATTR_MCAST_GROUPS])
		return 0;
	nla_for_each_nested(pos, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
		if (nla_parse_nested(grp, CTRL_ATTR_MCAST_GRP_MAX, pos,
				     grp_policy) < 0)
			return -EBADMSG;
		if (grp[CTRL_ATTR_MCAST_GRP_NAME] && grp[CTRL_ATTR_MCAST_GRP_ID] &&
		    !strcmp(nla_get_string(grp[CTRL_ATTR_MCAST_GRP_NAME]), r->mcgrp))
			r->nl->mcgrp_events = nla_get_u32(grp[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

int kvti_nl_open(struct kvti_nl *nl, const char *family, const char *mcgrp,
		 const struct kvti_attr_space *attrs)
{
	struct family_reply r = { .mcgrp = mcgrp, .nl = nl };
	struct nl_msg *msg;
	int one = 1, zero = 0, fd, ret;

	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		set_error(&nl->err, -ENOMEM, NULL);
		return -ENOMEM;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		set_error(&nl->err, -EIO, NULL);
		snprintf(nl->err.msg, sizeof(nl->err.msg),
			 "cannot open generic netlink socket: %s",
			 nl_geterror(ret));
		return nl->err.error;
	}
	fd = nl_socket_get_fd(nl->sk);
	/*
	 * Ask for extack TLVs, and for the whole request echoed back in
	 * errors (no CAP_ACK) so that an offset can always be checked against
	 * what was sent.  Kernels without these options just ignore them.
	 */
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &zero, sizeof(zero));

	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL,
				 0, 0, CTRL_CMD_GETFAMILY, 1) ||
	    nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, family) < 0) {
		nlmsg_free(msg);
		set_error(&nl->err, -ENOMEM, NULL);
		return -ENOMEM;
	}
	ret = kvti_nl_request(nl, msg, parse_family, &r);
	nlmsg_free(msg);
	if (!ret && !r.found) {
		set_error(&nl->err, -ENOENT, NULL);
		ret = -ENOENT;
	}
	nl->attrs = attrs;
	return ret;
}

void kvti_nl_close(struct kvti_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}
