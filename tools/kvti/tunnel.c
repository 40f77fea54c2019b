// SPDX-License-Identifier: GPL-2.0
/*
 * kvti tunnel add|set|del|show: the tunnel netdevs.
 *
 * The tool checks syntax and the ranges of the attribute types; what makes
 * a sensible tunnel (families match, MTU in range, a template has no
 * remote) is the kernel's call, and its extack says what is wrong.
 */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netlink/genl/genl.h>

#include "kvti.h"

static const struct arg_spec tunnel_args[] = {
	ARG("local",		KVTI_A_LOCAL,		ARG_ADDR),
	ARG("remote",		KVTI_A_REMOTE,		ARG_ADDR),
	ARG("key",		KVTI_A_KEY,		ARG_U32),
	ARG("mtu",		KVTI_A_MTU,		ARG_U32),
	ARG_WORDS("df-bit",	KVTI_A_DF_MODE,		kvti_df_names),
	ARG("replay-window",	KVTI_A_REPLAY_WINDOW,	ARG_U32),
	ARG_WORDS("encap",	KVTI_A_ENCAP,		kvti_encap_names),
	ARG("sport",		KVTI_A_ENCAP_SPORT,	ARG_U16),
	ARG("dport",		KVTI_A_ENCAP_DPORT,	ARG_U16),
	ARG("fd",		KVTI_A_ENCAP_FD,	ARG_S32),
	ARG("template",		KVTI_A_TEMPLATE,	ARG_FLAG),
	ARG("from",		KVTI_A_TEMPLATE_IFINDEX, ARG_IFINDEX),
	ARG("dev",		KVTI_A_LINK,		ARG_LINK),
};

/* Checks NAME, the first argument of every subcommand but show. */
static int need_name(const struct kvti_ctx *ctx, int argc, char **argv)
{
	int ret;

	if (argc < 1)
		return out_usage_error(ctx, "missing tunnel NAME");
	ret = parse_ifname(argv[0]);
	if (ret == -ERANGE)
		return out_usage_error(ctx, "tunnel name \"%s\" too long (at most %d characters)",
				       argv[0], KVTI_IFNAMSIZ - 1);
	if (ret)
		return out_usage_error(ctx, "empty tunnel name");
	return KVTI_EXIT_OK;
}

/* add and set: NAME followed by the options of tunnel_args. */
static int tunnel_change(struct kvti_ctx *ctx, int argc, char **argv,
			 uint8_t cmd)
{
	struct nl_msg *msg;
	struct args a;
	int ret;

	ret = need_name(ctx, argc, argv);
	if (!ret)
		ret = args_parse(ctx, tunnel_args, ARRAY_SIZE(tunnel_args),
				 argc - 1, argv + 1, &a);
	if (ret)
		return ret;
	if ((ARGS_HAS(&a, KVTI_A_ENCAP_SPORT) || ARGS_HAS(&a, KVTI_A_ENCAP_DPORT)) &&
	    !(ARGS_HAS(&a, KVTI_A_ENCAP) && a.v[KVTI_A_ENCAP].u == KVTI_ENCAP_UDP))
		return out_usage_error(ctx, "sport and dport go with \"encap udp\"");
	if (ARGS_HAS(&a, KVTI_A_ENCAP_FD) &&
	    !(ARGS_HAS(&a, KVTI_A_ENCAP) && a.v[KVTI_A_ENCAP].u == KVTI_ENCAP_UDP))
		return out_usage_error(ctx, "fd goes with \"encap udp\"");
	if (ARGS_HAS(&a, KVTI_A_TEMPLATE) && ARGS_HAS(&a, KVTI_A_TEMPLATE_IFINDEX))
		return out_usage_error(ctx, "a tunnel is either a template or made from one");

	/* Name lookups happen in the target namespace. */
	if (kvti_enter_netns(ctx))
		return KVTI_EXIT_FAIL;
	msg = kvti_request(cmd, 0, argv[0]);
	if (!msg)
		return KVTI_EXIT_FAIL;
	ret = args_put(msg, tunnel_args, ARRAY_SIZE(tunnel_args), &a);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return kvti_run(ctx, msg, NULL, NULL);
}

/*
 * No NLM_F_CREATE/EXCL: those bits mean something else to generic netlink
 * (they overlap the GET modifiers), and the kernel refuses them as
 * "ambiguous or reserved bits".  NEW fails if the name exists anyway.
 */
static int tunnel_add(struct kvti_ctx *ctx, int argc, char **argv)
{
	return tunnel_change(ctx, argc, argv, KVTI_CMD_TUNNEL_NEW);
}

static int tunnel_set(struct kvti_ctx *ctx, int argc, char **argv)
{
	return tunnel_change(ctx, argc, argv, KVTI_CMD_TUNNEL_SET);
}

static int tunnel_del(struct kvti_ctx *ctx, int argc, char **argv)
{
	struct nl_msg *msg;
	int ret;

	ret = need_name(ctx, argc, argv);
	if (ret)
		return ret;
	if (argc > 1)
		return out_usage_error(ctx, "unexpected \"%s\"", argv[1]);
	msg = kvti_request(KVTI_CMD_TUNNEL_DEL, 0, argv[0]);
	if (!msg)
		return KVTI_EXIT_FAIL;
	return kvti_run(ctx, msg, NULL, NULL);
}

/* One TUNNEL_GET (or STATS_GET) reply, appended to the list. */
int kvti_tunnel_collect(struct nlmsghdr *nlh, void *arg)
{
	struct kvti_tunnel_list *list = arg;
	int ret;

	if (list->n == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 8;
		struct kvti_tunnel *v = realloc(list->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		list->v = v;
		list->cap = cap;
	}
	ret = kvti_decode_tunnel(nlh, &list->v[list->n]);
	if (!ret)
		list->n++;
	return ret;
}

/*
 * A clone names its template: from the same dump if there, else the
 * system.  The underlay device (dev) is named by the system.
 */
static void name_templates(struct kvti_tunnel_list *list)
{
	struct kvti_tunnel *t;
	char name[IF_NAMESIZE];
	size_t i, k;

	for (i = 0; i < list->n; i++) {
		t = &list->v[i];
		if (t->link && if_indextoname(t->link, name))
			snprintf(t->dev, sizeof(t->dev), "%s", name);
		if (!t->template_ifindex)
			continue;
		for (k = 0; k < list->n; k++)
			if (list->v[k].ifindex == t->template_ifindex)
				break;
		if (k < list->n)
			snprintf(t->from, sizeof(t->from), "%s", list->v[k].ifname);
		else if (if_indextoname(t->template_ifindex, name))
			snprintf(t->from, sizeof(t->from), "%s", name);
		else
			snprintf(t->from, sizeof(t->from), "if%u", t->template_ifindex);
	}
}

static int tunnel_show(struct kvti_ctx *ctx, int argc, char **argv)
{
	struct kvti_tunnel_list list = { 0 };
	struct nl_msg *msg;
	size_t i;
	int ret;

	if (argc > 0) {
		ret = need_name(ctx, argc, argv);
		if (ret)
			return ret;
		if (argc > 1)
			return out_usage_error(ctx, "unexpected \"%s\"", argv[1]);
		msg = kvti_request(KVTI_CMD_TUNNEL_GET, 0, argv[0]);
	} else {
		msg = kvti_request(KVTI_CMD_TUNNEL_GET, NLM_F_DUMP, NULL);
	}
	if (!msg)
		return KVTI_EXIT_FAIL;

	/* Collect first: a failed request prints nothing on stdout. */
	ret = kvti_run(ctx, msg, kvti_tunnel_collect, &list);
	if (!ret) {
		name_templates(&list);
		out_begin_list(ctx);
		for (i = 0; i < list.n; i++)
			out_tunnel(ctx, &list.v[i]);
		out_end_list(ctx);
	}
	free(list.v);
	return ret;
}

static const struct kvti_command tunnel_cmds[] = {
	{ "show", 1, tunnel_show, "show [NAME]" },
	{ "add", 1, tunnel_add,
	  "add NAME [local ADDR] [remote ADDR] [key N] [mtu N]\n"
	  "[df-bit copy|set|clear] [replay-window N]\n"
	  "[encap none|udp [sport N] [dport N] [fd N]] [dev DEV|none]\n"
	  "[template | from TEMPLATE]" },
	{ "set", 2, tunnel_set, "set NAME [OPTIONS as for add]" },
	{ "del", 1, tunnel_del, "del NAME" },
	{ "delete", 4, tunnel_del, NULL },	/* as ip(8) spells it */
};

int kvti_tunnel_main(struct kvti_ctx *ctx, int argc, char **argv)
{
	return kvti_dispatch(ctx, "tunnel", tunnel_cmds, ARRAY_SIZE(tunnel_cmds),
			     argc, argv);
}
