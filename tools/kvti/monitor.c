// SPDX-License-Identifier: GPL-2.0
/*
 * kvti monitor: prints the events of the family's "events" group, one line
 * (with -j one JSON object) each, as they arrive, until SIGINT or SIGTERM.
 * Events belong to a network namespace: -n picks which one to watch.
 *
 * Signals are blocked except while waiting in ppoll(), so a signal can
 * never slip in between checking the flag and going to sleep.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>
#include <netlink/socket.h>

#include "kvti.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

/*
 * Handles sig and blocks it.  Even when inherited as ignored: a script's
 * background jobs start with SIGINT ignored, and `kill -INT` is how many
 * scripts stop a monitor they started.
 */
static void catch_signal(int sig, sigset_t *blocked)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	sigaddset(blocked, sig);
}

static int on_event(struct nlmsghdr *nlh, void *arg)
{
	struct kvti_ctx *ctx = arg;
	struct kvti_event ev;
	struct kvti_tunnel *t = &ev.tunnel;
	char name[IF_NAMESIZE];

	if (kvti_decode_event(nlh, &ev)) {
		fflush(stdout);
		if (nlh->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN)
			fprintf(stderr, "Warning: malformed event (command %u) skipped\n",
				((struct genlmsghdr *)nlmsg_data(nlh))->cmd);
		else
			fputs("Warning: truncated event skipped\n", stderr);
		return 0;
	}
	/* A clone names its template, looked up now: it may be gone later. */
	if (ev.cmd == KVTI_CMD_EV_TUNNEL_NEW && t->template_ifindex &&
	    !if_indextoname(t->template_ifindex, t->from))
		snprintf(t->from, sizeof(t->from), "if%u", t->template_ifindex);
	if (ev.cmd == KVTI_CMD_EV_TUNNEL_NEW && t->link &&
	    if_indextoname(t->link, name))
		snprintf(t->dev, sizeof(t->dev), "%s", name);
	out_event(ctx, &ev);
	return 0;
}

static int listen_events(struct kvti_ctx *ctx, struct kvti_nl *nl)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk), .events = POLLIN };
	sigset_t blocked, waiting;
	int ret;

	sigemptyset(&blocked);
	catch_signal(SIGINT, &blocked);
	catch_signal(SIGTERM, &blocked);
	sigprocmask(SIG_BLOCK, &blocked, &waiting);
	sigdelset(&waiting, SIGINT);
	sigdelset(&waiting, SIGTERM);

	while (!stop) {
		if (ppoll(&pfd, 1, NULL, &waiting) < 0) {
			if (errno == EINTR)
				continue;
			out_error("waiting for events: %s", strerror(errno));
			return KVTI_EXIT_FAIL;
		}
		ret = kvti_nl_read_events(nl, on_event, ctx);
		if (ret == -ENOBUFS) {
			/* The kernel dropped some; say so and go on, as ip monitor. */
			fflush(stdout);
			fputs("Warning: events lost: the socket's receive buffer overflowed\n",
			      stderr);
		} else if (ret < 0) {
			out_error("receiving events: %s", strerror(-ret));
			return KVTI_EXIT_FAIL;
		}
	}
	return KVTI_EXIT_OK;
}

/* The usage of the object: a one-row table, so that help works as elsewhere. */
static const struct kvti_command monitor_row[] = {
	{ "", 0, NULL, "" },
};

int kvti_monitor_main(struct kvti_ctx *ctx, int argc, char **argv)
{
	struct kvti_nl *nl;

	ctx->object = "monitor";
	ctx->cmds = monitor_row;
	ctx->ncmds = ARRAY_SIZE(monitor_row);
	ctx->cmd = &monitor_row[0];
	if (argc > 0 && !strcmp(argv[0], "help")) {
		out_usage(ctx, stdout);
		return KVTI_EXIT_OK;
	}
	if (argc > 0)
		return out_usage_error(ctx, "unexpected \"%s\"", argv[0]);

	nl = kvti_ctx_nl(ctx);
	if (!nl)
		return KVTI_EXIT_FAIL;
	if (!nl->mcgrp_events) {
		out_error("the kvti family has no \"%s\" multicast group", KVTI_MCGRP_EVENTS);
		return KVTI_EXIT_FAIL;
	}
	if (kvti_nl_join(nl, nl->mcgrp_events)) {
		out_error("cannot join the \"%s\" multicast group: %s", KVTI_MCGRP_EVENTS,
			  strerror(-nl->err.error));
		return KVTI_EXIT_FAIL;
	}
	return listen_events(ctx, nl);
}
