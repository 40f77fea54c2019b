/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic netlink plumbing: open a socket, resolve a family, send one request
 * and feed every reply to a callback, and keep what the kernel said when it
 * refused (errno, extack message, and which attribute it objected to).
 *
 * libnl-3 (3.7 in Debian 12) builds messages and parses attributes for us,
 * but has no extended-ACK support, so the receive loop here is our own.
 */
#ifndef KVTI_NETLINK_H
#define KVTI_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <netlink/msg.h>

/*
 * Names of one attribute enum, to turn an extack offset into words.  nests
 * (optional) gives, by type, the space of a nested attribute's children.
 */
struct kvti_attr_space {
	const char *const *names;
	unsigned int max;
	const struct kvti_attr_space *const *nests;
};

/* How the last request ended. */
struct kvti_nl_error {
	int error;		/* 0, or a negative errno */
	char msg[256];		/* extack text ("" if none); a warning if !error */
	char attr[128];		/* the attribute it names ("" if none) */
	bool missing;		/* attr was required and absent */
};

struct kvti_nl {
	struct nl_sock *sk;
	uint16_t family;	/* genl family id */
	uint32_t version;	/* the kernel's family version */
	uint32_t mcgrp_events;	/* id of the "events" group, 0 if none */
	const struct kvti_attr_space *attrs;
	struct kvti_nl_error err;
};

/* Called for each reply of a request; returns 0 or a negative errno. */
typedef int (*kvti_nl_reply_fn)(struct nlmsghdr *nlh, void *arg);

/*
 * Opens a generic netlink socket with extended ACKs on and resolves family
 * (and the id of multicast group mcgrp, if not NULL).  Returns 0, -ENOENT if
 * the family does not exist, or another negative errno; nl->err says more.
 */
int kvti_nl_open(struct kvti_nl *nl, const char *family, const char *mcgrp,
		 const struct kvti_attr_space *attrs);
void kvti_nl_close(struct kvti_nl *nl);

/*
 * A request for the opened family (its id is filled in when sent).  flags
 * are NLM_F_* beyond REQUEST and ACK, which are always set.  NULL on ENOMEM.
 */
struct nl_msg *kvti_nl_msg(uint8_t cmd, uint8_t version, int flags);

/* Overwrites msg's buffer with zeros (requests may carry keys) and frees it. */
void kvti_nl_msg_free(struct nl_msg *msg);

/*
 * Sends msg and reads until the kernel's ACK, error or end of dump, calling
 * fn (if not NULL) for every other reply.  Returns 0 or a negative errno;
 * on error, nl->err holds the details.  Does not free msg.
 */
int kvti_nl_request(struct kvti_nl *nl, struct nl_msg *msg,
		    kvti_nl_reply_fn fn, void *arg);

/* Joins the multicast group grp (an id).  0 or a negative errno. */
int kvti_nl_join(struct kvti_nl *nl, uint32_t grp);

/*
 * Reads, without waiting, every message queued on the socket and calls fn
 * for each one of the family (multicast events).  Returns 0 once nothing
 * is left, or a negative errno: -ENOBUFS means the kernel dropped events
 * because the socket's buffer was full; reading may go on after it.
 */
int kvti_nl_read_events(struct kvti_nl *nl, kvti_nl_reply_fn fn, void *arg);

/*
 * Decodes an NLMSG_ERROR or NLMSG_DONE message into err, naming attributes
 * by looking them up in req (our copy of the request) under space.  Pure;
 * exposed for the unit test.
 */
void kvti_nl_parse_ack(const struct nlmsghdr *nlh, const struct nlmsghdr *req,
		       const struct kvti_attr_space *space,
		       struct kvti_nl_error *err);

#endif /* KVTI_NETLINK_H */
