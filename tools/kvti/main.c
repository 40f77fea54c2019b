// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - configure kvti IPsec virtual tunnel interfaces.
 *
 *	kvti [-j] [-p] [-s] [-n NETNS] OBJECT COMMAND [ARGS]
 *
 * main() reads the global options and hands the rest to an object; each
 * object is a table of subcommands run through kvti_dispatch().
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netlink/attr.h>

#include "kvti.h"

static int cmd_help(struct kvti_ctx *ctx, int argc, char **argv);

/*
 * Objects.  sa, session and stats need two letters: "kvti s" is ambiguous.
 */
static const struct kvti_command objects[] = {
	{ "tunnel", 1, kvti_tunnel_main, "tunnel { add | set | del | show } ..." },
	{ "sa", 2, kvti_sa_main, "sa { add | del | show | flush } ..." },
	{ "stats", 2, kvti_stats_main, "stats [ show | clear ] ..." },
	{ "session", 2, kvti_session_main, "session { show | clear | up | down } ..." },
	{ "monitor", 1, kvti_monitor_main, "monitor" },
	{ "import-ios", 6, kvti_import_main, "import-ios [--force] [-o DIR] FILE" },
	{ "help", 1, cmd_help, "help" },
};

static int cmd_help(struct kvti_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ctx->object = NULL;
	ctx->cmd = NULL;
	out_usage(ctx, stdout);
	return KVTI_EXIT_OK;
}

static const struct kvti_command *find_row(struct kvti_ctx *ctx, const char *what,
				       const struct kvti_command *table, size_t n,
				       const char *word)
{
	const struct kvti_command *row;
	bool ambiguous;

	row = parse_cmd(word, table, n, &ambiguous);
	if (!row)
		out_usage_error(ctx, "%s %s \"%s\"", ambiguous ? "ambiguous" : "unknown",
				what, word);
	return row;
}

/*
 * Runs the subcommand argv[0] of object; none means the first row (show).
 * "help" anywhere a subcommand or its first argument may stand prints the
 * usage on stdout.
 */
int kvti_dispatch(struct kvti_ctx *ctx, const char *object,
		  const struct kvti_command *table, size_t n, int argc, char **argv)
{
	const struct kvti_command *row;

	ctx->object = object;
	ctx->cmds = table;
	ctx->ncmds = n;
	ctx->cmd = NULL;
	if (argc > 0 && !strcmp(argv[0], "help")) {
		out_usage(ctx, stdout);
		return KVTI_EXIT_OK;
	}
	row = argc > 0 ? find_row(ctx, "command", table, n, argv[0]) : &table[0];
	if (!row)
		return KVTI_EXIT_USAGE;
	ctx->cmd = row;
	if (argc > 1 && !strcmp(argv[1], "help")) {
		out_usage(ctx, stdout);
		return KVTI_EXIT_OK;
	}
	return row->run(ctx, argc > 0 ? argc - 1 : 0, argc > 0 ? argv + 1 : argv);
}

/* -n NAME: like `ip -n`, a name under /run/netns; a path is taken as is. */
int kvti_enter_netns(struct kvti_ctx *ctx)
{
	char path[4096];
	int fd;

	if (!ctx->netns || ctx->in_netns)
		return 0;
	if (strchr(ctx->netns, '/'))
		snprintf(path, sizeof(path), "%s", ctx->netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", ctx->netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		out_error("cannot enter network namespace \"%s\": %s",
			  ctx->netns, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	ctx->in_netns = true;
	return 0;
}

struct kvti_nl *kvti_ctx_nl(struct kvti_ctx *ctx)
{
	int ret;

	if (ctx->nl_open)
		return &ctx->nl;
	if (kvti_enter_netns(ctx))
		return NULL;
	ret = kvti_nl_open(&ctx->nl, KVTI_GENL_NAME, KVTI_MCGRP_EVENTS,
			   &kvti_attr_space);
	if (ret == -ENOENT) {
		out_error("kvti module not loaded (generic netlink family \"%s\" not found)",
			  KVTI_GENL_NAME);
	} else if (ret) {
		out_nl_error(&ctx->nl);
	} else {
		ctx->nl_open = true;
		return &ctx->nl;
	}
	kvti_nl_close(&ctx->nl);
	return NULL;
}

/* A request, naming a tunnel by KVTI_A_IFNAME if ifname is not NULL. */
struct nl_msg *kvti_request(uint8_t cmd, int flags, const char *ifname)
{
	struct nl_msg *msg = kvti_nl_msg(cmd, KVTI_GENL_VERSION, flags);

	if (msg && ifname && nla_put_string(msg, KVTI_A_IFNAME, ifname) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	if (!msg)
		out_error("out of memory");
	return msg;
}

/*
 * Sends msg, wipes and frees it (it may hold keys), and reports how it
 * went as an exit status.
 */
int kvti_run(struct kvti_ctx *ctx, struct nl_msg *msg, kvti_nl_reply_fn fn, void *arg)
{
	struct kvti_nl *nl = kvti_ctx_nl(ctx);

	if (nl)
		kvti_nl_request(nl, msg, fn, arg);
	kvti_nl_msg_free(msg);
	if (!nl)
		return KVTI_EXIT_FAIL;
	return out_nl_error(nl);
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "stats", no_argument, NULL, 's' },
		{ "netns", required_argument, NULL, 'n' },
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct kvti_ctx ctx = { 0 };
	const struct kvti_command *row;
	int c, ret;

	ctx.cmds = objects;
	ctx.ncmds = ARRAY_SIZE(objects);
	opterr = 0;	/* we word the complaint ourselves */
	while ((c = getopt_long(argc, argv, "+jpsn:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctx.json = true;
			break;
		case 'p':
			ctx.pretty = true;
			break;
		case 's':
			ctx.stats = true;
			break;
		case 'n':
			ctx.netns = optarg;
			break;
		case 'S':
			ctx.socket = optarg;
			break;
		case 'h':
			return cmd_help(&ctx, 0, NULL);
		default:
			if (optopt == 'n')
				return out_usage_error(&ctx, "option -n needs a namespace NAME");
			if (optopt == 'S')
				return out_usage_error(&ctx, "option --socket needs a PATH");
			if (optopt)
				return out_usage_error(&ctx, "unknown option \"-%c\"", optopt);
			return out_usage_error(&ctx, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return out_usage_error(&ctx, "missing OBJECT");

	row = find_row(&ctx, "object", objects, ARRAY_SIZE(objects), argv[0]);
	if (!row)
		return KVTI_EXIT_USAGE;
	ret = row->run(&ctx, argc - 1, argv + 1);
	if (ctx.nl_open)
		kvti_nl_close(&ctx.nl);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: writing output: %s\n", strerror(errno));
		ret = KVTI_EXIT_FAIL;
	}
	return ret;
}
