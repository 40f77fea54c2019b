// SPDX-License-Identifier: GPL-2.0
/*
 * kvti sa add|del|show|flush: security associations, by hand.  The keyer
 * normally installs them; this is for tests, debugging and static keys.
 *
 * Keys come from the command line and go into one request: argv's copy,
 * the request and the receive buffer (an error echoes the request) are
 * all wiped before exit, and no message ever prints a key.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "kvti.h"

/* Parses form, builds cmd's request from it and runs it. */
static int sa_simple(struct kvti_ctx *ctx, int argc, char **argv,
		     enum kvti_sa_form form, uint8_t cmd)
{
	struct nl_msg *msg;
	struct args a;
	int ret;

	ret = kvti_sa_args_parse(ctx, form, argc, argv, &a);
	if (!ret) {
		msg = kvti_request(cmd, 0, NULL);
		ret = msg ? kvti_sa_args_put(msg, form, &a) : KVTI_EXIT_FAIL;
		if (!ret)
			ret = kvti_run(ctx, msg, NULL, NULL);
		else
			kvti_nl_msg_free(msg);
	}
	args_wipe(&a);
	return ret;
}

static int sa_add(struct kvti_ctx *ctx, int argc, char **argv)
{
	/*
	 * No NLM_F_CREATE/EXCL, as for tunnels: generic netlink reads those
	 * bits as GET modifiers.  A duplicate SPI is refused anyway.
	 */
	return sa_simple(ctx, argc, argv, KVTI_SA_ADD, KVTI_CMD_SA_NEW);
}

static int sa_del(struct kvti_ctx *ctx, int argc, char **argv)
{
	return sa_simple(ctx, argc, argv, KVTI_SA_ID, KVTI_CMD_SA_DEL);
}

static int sa_flush(struct kvti_ctx *ctx, int argc, char **argv)
{
	return sa_simple(ctx, argc, argv, KVTI_SA_DEV, KVTI_CMD_SA_FLUSH);
}

struct sa_list {
	struct kvti_sa *v;
	size_t n, cap;
};

/* One SA_GET reply, appended to the list. */
static int parse_sa(struct nlmsghdr *nlh, void *arg)
{
	struct sa_list *list = arg;
	int ret;

	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 8;
		struct kvti_sa *v = realloc(list->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		list->v = v;
		list->cap = cap;
	}
	ret = kvti_decode_sa(nlh, &list->v[list->n]);
	if (!ret)
		list->n++;
	return ret;
}

/* A dump, filtered by the kernel on dev and spi. */
static int sa_show(struct kvti_ctx *ctx, int argc, char **argv)
{
	struct sa_list list = { 0 };
	struct nl_msg *msg;
	struct args a;
	size_t i;
	int ret;

	ret = kvti_sa_args_parse(ctx, KVTI_SA_FILTER, argc, argv, &a);
	if (ret)
		return ret;
	msg = kvti_request(KVTI_CMD_SA_GET, NLM_F_DUMP, NULL);
	if (!msg)
		return KVTI_EXIT_FAIL;
	ret = kvti_sa_args_put(msg, KVTI_SA_FILTER, &a);
	if (ret) {
		kvti_nl_msg_free(msg);
		return ret;
	}
	/* Collect first: a failed request prints nothing on stdout. */
	ret = kvti_run(ctx, msg, parse_sa, &list);
	if (!ret) {
		out_begin_list(ctx);
		for (i = 0; i < list.n; i++)
			out_sa(ctx, &list.v[i]);
		out_end_list(ctx);
	}
	free(list.v);
	return ret;
}

static const struct kvti_command sa_cmds[] = {
	{ "show", 1, sa_show, "show [dev NAME] [spi SPI]" },
	{ "add", 1, sa_add,
	  "add dev NAME dir in|out spi SPI\n"
	  "{ aead ALG KEYHEX ICVBITS | enc ALG KEYHEX auth ALG KEYHEX TRUNCBITS }\n"
	  "[esn] [replay-window N] [idle-time S]\n"
	  "[lifetime seconds|bytes|packets N [soft N]]..." },
	{ "del", 1, sa_del, "del dev NAME dir in|out spi SPI" },
	{ "delete", 4, sa_del, NULL },	/* as ip(8) spells it */
	{ "flush", 1, sa_flush, "flush [dev NAME]" },
};

int kvti_sa_main(struct kvti_ctx *ctx, int argc, char **argv)
{
	return kvti_dispatch(ctx, "sa", sa_cmds, ARRAY_SIZE(sa_cmds), argc, argv);
}
