// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the netlink helper: first extended ACKs built by hand as the
 * kernel lays them out (echoed request, TLVs), then live requests to nlctrl,
 * the generic netlink controller every kernel has, which needs no module.
 */
#include <errno.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "kvti.h"
#include "test.h"

static unsigned char ack[4096] __attribute__((aligned(8)));

/* Offset of the first attribute of type `type` (at top level) in req. */
static uint32_t offset_of(const struct nlmsghdr *req, int type)
{
	uint32_t pos = NLMSG_HDRLEN + GENL_HDRLEN;

	while (pos < req->nlmsg_len) {
		const struct nlattr *a = (const void *)((const char *)req + pos);

		if ((a->nla_type & NLA_TYPE_MASK) == type)
			return pos;
		pos += NLA_ALIGN(a->nla_len);
	}
	return 0;
}

static void tlv(size_t *pos, int type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(ack + *pos);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy(ack + *pos + NLA_HDRLEN, data, len);
	*pos += NLA_ALIGN(a->nla_len);
}

/*
 * An NLMSG_ERROR for req with error, an extack message (or NULL) and up to
 * two u32 TLVs (type 0 = none), echoing the request unless capped.
 */
static const struct nlmsghdr *make_error(const struct nlmsghdr *req, int error,
					 bool capped, const char *text,
					 int t1, uint32_t v1, int t2, uint32_t v2)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)ack;
	struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t pos, echo = capped ? sizeof(*req) : req->nlmsg_len;

	memset(ack, 0, sizeof(ack));
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = (capped ? NLM_F_CAPPED : 0) | (text || t1 ? NLM_F_ACK_TLVS : 0);
	e->error = error;
	memcpy(&e->msg, req, echo);
	pos = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e) - sizeof(*req) + echo);
	if (text)
		tlv(&pos, NLMSGERR_ATTR_MSG, text, strlen(text) + 1);
	if (t1)
		tlv(&pos, t1, &v1, sizeof(v1));
	if (t2)
		tlv(&pos, t2, &v2, sizeof(v2));
	nlh->nlmsg_len = pos;
	return nlh;
}

static const char *line(const struct kvti_nl_error *e)
{
	static char buf[512];

	out_format_nl_error(e, buf, sizeof(buf));
	return buf;
}

static void synthetic(void)
{
	struct kvti_nl_error e;
	const struct nlmsghdr *req, *nlh;
	struct nl_msg *msg, *other;
	struct nlattr *nest;
	uint32_t off_key, off_hard, off_bytes;
	int32_t done_err[2];

	msg = kvti_nl_msg(KVTI_CMD_TUNNEL_NEW, KVTI_GENL_VERSION, 0);
	nla_put_string(msg, KVTI_A_IFNAME, "vti1");
	nla_put_u32(msg, KVTI_A_KEY, 7);
	nest = nla_nest_start(msg, KVTI_A_SA_LIFE_HARD);
	nla_put_u64(msg, KVTI_LIFE_SECONDS, 10);
	nla_put_u64(msg, KVTI_LIFE_BYTES, 20);
	nla_nest_end(msg, nest);
	req = nlmsg_hdr(msg);
	off_key = offset_of(req, KVTI_A_KEY);
	off_hard = offset_of(req, KVTI_A_SA_LIFE_HARD);
	off_bytes = off_hard + NLA_HDRLEN + NLA_ALIGN(NLA_HDRLEN + 8);

	/* 1. message and offset name the attribute */
	nlh = make_error(req, -EINVAL, false, "Attribute failed policy validation",
			 NLMSGERR_ATTR_OFFS, off_key, 0, 0);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Error: Attribute failed policy validation (attribute KVTI_A_KEY)",
		  "extack message and offset");

	/* 2. the same when the kernel capped the echo */
	nlh = make_error(req, -EINVAL, true, "Attribute failed policy validation",
			 NLMSGERR_ATTR_OFFS, off_key, 0, 0);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Error: Attribute failed policy validation (attribute KVTI_A_KEY)",
		  "capped echo");

	/* 3. an offset inside a nest names the inner attribute and the nest */
	nlh = make_error(req, -ERANGE, false, "out of range",
			 NLMSGERR_ATTR_OFFS, off_bytes, 0, 0);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Error: out of range (attribute KVTI_LIFE_BYTES in KVTI_A_SA_LIFE_HARD)",
		  "offset inside a nest");

	/* 4. no text: strerror, still with the attribute */
	nlh = make_error(req, -EINVAL, false, NULL, NLMSGERR_ATTR_OFFS, off_key, 0, 0);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Error: Invalid argument (attribute KVTI_A_KEY)", "offset without text");

	/* 5. a missing required attribute (GENL_REQ_ATTR_CHECK) */
	nlh = make_error(req, -EINVAL, false, NULL, NLMSGERR_ATTR_MISS_TYPE, KVTI_A_LOCAL, 0, 0);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Error: Invalid argument (missing attribute KVTI_A_LOCAL)",
		  "missing attribute");

	/* 6. missing inside a nest */
	nlh = make_error(req, -EINVAL, false, NULL, NLMSGERR_ATTR_MISS_TYPE, KVTI_LIFE_PACKETS,
			 NLMSGERR_ATTR_MISS_NEST, off_hard);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Error: Invalid argument "
		  "(missing attribute KVTI_LIFE_PACKETS in KVTI_A_SA_LIFE_HARD)",
		  "missing attribute in a nest");

	/* 7. plain errno, no TLVs at all */
	nlh = make_error(req, -ENODEV, false, NULL, 0, 0, 0, 0);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Error: No such device", "bare errno");

	/* 8. an offset pointing nowhere is reported as a number */
	nlh = make_error(req, -EINVAL, false, "bad", NLMSGERR_ATTR_OFFS, 4000, 0, 0);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Error: bad (attribute at offset 4000)", "stray offset");

	/* 9. an attribute type beyond the table */
	other = kvti_nl_msg(KVTI_CMD_TUNNEL_NEW, KVTI_GENL_VERSION, 0);
	nla_put_u32(other, 200, 1);
	nlh = make_error(nlmsg_hdr(other), -EINVAL, false, "Unknown attribute type",
			 NLMSGERR_ATTR_OFFS, NLMSG_HDRLEN + GENL_HDRLEN, 0, 0);
	kvti_nl_parse_ack(nlh, nlmsg_hdr(other), &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Error: Unknown attribute type (attribute type 200)",
		  "unknown attribute type");
	nlmsg_free(other);

	/* 10. a plain ACK */
	nlh = make_error(req, 0, true, NULL, 0, 0, 0, 0);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK(e.error == 0 && !e.msg[0] && !line(&e)[0], "ACK");

	/* 11. an ACK with a warning */
	nlh = make_error(req, 0, true, "mtu clamped", 0, 0, 0, 0);
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK_STR(line(&e), "Warning: mtu clamped", "ACK with a warning");

	/* 12. a failed dump: NLMSG_DONE carries the errno and a message */
	{
		struct nlmsghdr *d = (struct nlmsghdr *)ack;
		size_t pos;

		memset(ack, 0, sizeof(ack));
		d->nlmsg_type = NLMSG_DONE;
		d->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
		done_err[0] = -ENODEV;
		memcpy(NLMSG_DATA(d), done_err, sizeof(done_err[0]));
		pos = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(done_err[0]));
		tlv(&pos, NLMSGERR_ATTR_MSG, "no such tunnel", 15);
		d->nlmsg_len = pos;
		kvti_nl_parse_ack(d, req, &kvti_attr_space, &e);
		CHECK_STR(line(&e), "Error: no such tunnel", "DONE with an error");

		/* 13. a successful end of dump */
		done_err[0] = 0;
		memcpy(NLMSG_DATA(d), done_err, sizeof(done_err[0]));
		d->nlmsg_flags = NLM_F_MULTI;
		d->nlmsg_len = NLMSG_HDRLEN + sizeof(done_err[0]);
		kvti_nl_parse_ack(d, req, &kvti_attr_space, &e);
		CHECK(e.error == 0, "DONE");
	}

	/* 14. a truncated error message */
	nlh = make_error(req, -EINVAL, true, NULL, 0, 0, 0, 0);
	((struct nlmsghdr *)ack)->nlmsg_len = NLMSG_HDRLEN + 2;
	kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
	CHECK(e.error == -EBADMSG, "truncated NLMSG_ERROR");

	/* 15. an unterminated message TLV is cut at its length */
	{
		size_t pos;

		nlh = make_error(req, -EINVAL, true, NULL, 0, 0, 0, 0);
		pos = nlh->nlmsg_len;
		tlv(&pos, NLMSGERR_ATTR_MSG, "abcd", 4);
		((struct nlmsghdr *)ack)->nlmsg_len = pos;
		((struct nlmsghdr *)ack)->nlmsg_flags |= NLM_F_ACK_TLVS;
		kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
		CHECK_STR(line(&e), "Error: abcd", "unterminated message");
	}

	/* 16. a TLV running past the message is ignored */
	{
		size_t pos;

		nlh = make_error(req, -EINVAL, true, NULL, 0, 0, 0, 0);
		pos = nlh->nlmsg_len;
		tlv(&pos, NLMSGERR_ATTR_MSG, "abcd", 4);
		((struct nlattr *)(ack + nlh->nlmsg_len))->nla_len = 200;
		((struct nlmsghdr *)ack)->nlmsg_len = pos;
		((struct nlmsghdr *)ack)->nlmsg_flags |= NLM_F_ACK_TLVS;
		kvti_nl_parse_ack(nlh, req, &kvti_attr_space, &e);
		CHECK_STR(line(&e), "Error: Invalid argument", "overlong TLV");
	}
	nlmsg_free(msg);
}

#define CTRL_NAME(x) [x] = #x
static const char *const ctrl_names[CTRL_ATTR_MAX + 1] = {
	CTRL_NAME(CTRL_ATTR_FAMILY_ID),
	CTRL_NAME(CTRL_ATTR_FAMILY_NAME),
};
static const struct kvti_attr_space ctrl_space = {
	.names = ctrl_names,
	.max = CTRL_ATTR_MAX,
};

/* Queues a GETFAMILY reply (and its ACK) on the socket, unread. */
static void send_getfamily(struct kvti_nl *nl)
{
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	usleep(100000);
}

static int count_event(struct nlmsghdr *nlh, void *arg)
{
	(void)nlh;
	(*(int *)arg)++;
	return 0;
}

static void live(void)
{
	struct kvti_nl nl;
	struct nl_msg *msg;
	int ret, events = 0;

	ret = kvti_nl_open(&nl, "nlctrl", "notify", &ctrl_space);
	if (ret == -EAFNOSUPPORT || ret == -EPERM || ret == -EACCES || ret == -EIO) {
		printf("# no generic netlink here (%d); live tests skipped\n", ret);
		kvti_nl_close(&nl);
		return;
	}
	/* 17. resolving a family that exists, with its multicast group */
	CHECK(ret == 0 && nl.family == GENL_ID_CTRL && nl.version >= 1 && nl.mcgrp_events,
	      "resolve nlctrl: id %u version %u group %u", nl.family, nl.version,
	      nl.mcgrp_events);

	/* 18. a policy violation comes back with text and the attribute */
	msg = nlmsg_alloc();
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, 0,
		    CTRL_CMD_GETFAMILY, 1);
	nla_put_u8(msg, CTRL_ATTR_FAMILY_ID, 1);	/* a u16 */
	ret = kvti_nl_request(&nl, msg, NULL, NULL);
	nlmsg_free(msg);
	CHECK(ret < 0 && ret == nl.err.error && nl.err.msg[0] &&
	      !strcmp(nl.err.attr, "CTRL_ATTR_FAMILY_ID"),
	      "live extack: %d %s", ret, line(&nl.err));

	/* 19. the socket is still in step after an error: a dump works */
	msg = nlmsg_alloc();
	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, GENL_ID_CTRL, 0, NLM_F_DUMP,
		    CTRL_CMD_GETFAMILY, 1);
	ret = kvti_nl_request(&nl, msg, NULL, NULL);
	nlmsg_free(msg);
	CHECK(ret == 0, "dump after an error");

	/* 20. joining a group; with nothing queued, reading returns at once */
	ret = kvti_nl_join(&nl, nl.mcgrp_events);
	CHECK(ret == 0, "join nlctrl's notify group (%d)", ret);
	ret = kvti_nl_read_events(&nl, count_event, &events);
	CHECK(ret == 0 && events == 0, "nothing to read, no wait (%d, %d)", ret, events);

	/* 21. only messages of the family count (a GETFAMILY reply here) */
	send_getfamily(&nl);
	nl.family = 0xffff;	/* none of the queued messages is of this type */
	ret = kvti_nl_read_events(&nl, count_event, &events);
	CHECK(ret == 0 && events == 0, "other types are skipped (%d, %d)", ret, events);
	send_getfamily(&nl);
	nl.family = GENL_ID_CTRL;
	ret = kvti_nl_read_events(&nl, count_event, &events);
	CHECK(ret == 0 && events == 1, "the family's are read, the ACK is not (%d, %d)",
	      ret, events);
	kvti_nl_close(&nl);

	/* 22. a family that does not exist */
	ret = kvti_nl_open(&nl, "kvti-test-none", NULL, NULL);
	CHECK(ret == -ENOENT, "missing family is -ENOENT (%d)", ret);
	kvti_nl_close(&nl);
}

int main(void)
{
	synthetic();
	live();
	return test_done();
}
