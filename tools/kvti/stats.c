// SPDX-License-Identifier: GPL-2.0
/*
 * kvti stats [show|clear] [dev NAME]: the tunnels' counters.  STATS_GET
 * answers as TUNNEL_GET does; clearing a tunnel's counters clears its SAs'
 * counters too (the kernel's rule).
 */
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/genl.h>

#include "kvti.h"

static const struct arg_spec stats_args[] = {
	ARG("dev",		KVTI_A_IFNAME,		ARG_IFNAME),
};

/* Builds cmd's request from [dev NAME]: one tunnel, or all (a dump). */
static struct nl_msg *stats_request(struct kvti_ctx *ctx, int argc, char **argv,
				    uint8_t cmd, bool dump, int *ret)
{
	struct nl_msg *msg;
	struct args a;

	*ret = args_parse(ctx, stats_args, ARRAY_SIZE(stats_args), argc, argv, &a);
	if (*ret)
		return NULL;
	msg = kvti_request(cmd, dump && !ARGS_HAS(&a, KVTI_A_IFNAME) ? NLM_F_DUMP : 0,
			   ARGS_HAS(&a, KVTI_A_IFNAME) ? a.v[KVTI_A_IFNAME].str : NULL);
	*ret = msg ? KVTI_EXIT_OK : KVTI_EXIT_FAIL;
	return msg;
}

static int stats_show(struct kvti_ctx *ctx, int argc, char **argv)
{
	struct kvti_tunnel_list list = { 0 };
	struct nl_msg *msg;
	size_t i;
	int ret;

	msg = stats_request(ctx, argc, argv, KVTI_CMD_STATS_GET, true, &ret);
	if (!msg)
		return ret;
	ret = kvti_run(ctx, msg, kvti_tunnel_collect, &list);
	if (!ret) {
		out_begin_list(ctx);
		for (i = 0; i < list.n; i++)
			out_tunnel_stats(ctx, &list.v[i]);
		out_end_list(ctx);
	}
	free(list.v);
	return ret;
}

static int stats_clear(struct kvti_ctx *ctx, int argc, char **argv)
{
	struct nl_msg *msg;
	int ret;

	msg = stats_request(ctx, argc, argv, KVTI_CMD_STATS_CLEAR, false, &ret);
	if (!msg)
		return ret;
	return kvti_run(ctx, msg, NULL, NULL);
}

static const struct kvti_command stats_cmds[] = {
	{ "show", 1, stats_show, "show [dev NAME]" },
	{ "clear", 1, stats_clear, "clear [dev NAME]" },
};

int kvti_stats_main(struct kvti_ctx *ctx, int argc, char **argv)
{
	char *args[argc + 2];

	/* "kvti stats dev vti1" is show: the command word is optional. */
	if (argc > 0 && !strcmp(argv[0], "dev")) {
		args[0] = "show";
		memcpy(args + 1, argv, argc * sizeof(*argv));
		args[argc + 1] = NULL;
		argv = args;
		argc++;
	}
	return kvti_dispatch(ctx, "stats", stats_cmds, ARRAY_SIZE(stats_cmds),
			     argc, argv);
}
