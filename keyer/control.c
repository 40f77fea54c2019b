// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the control socket: a Unix stream socket, mode 0600 (root
 * only when the daemon runs as root).  One request line per connection,
 * one JSON answer, then the keyer closes it:
 *
 *   show                  IKE SAs and their CHILD SAs
 *   sas                   the backend's SAs (decoupled: key fingerprints)
 *   stats                 packets, retransmissions, replays, drops by reason
 *   up TUNNEL             initiate
 *   down TUNNEL           DELETE the tunnel's IKE SA
 *   clear [PEER|TUNNEL]   DELETE the IKE SAs (all, or a peer's, or a
 *                         tunnel's) and initiate again where we may
 *   delete-child TUNNEL   DELETE its CHILD SAs, keep the IKE SA
 *   rekey TUNNEL          rekey its CHILD SAs now (CREATE_CHILD_SA)
 *   rekey-ike TUNNEL      rekey its IKE SA now (CREATE_CHILD_SA)
 *   liveness TUNNEL       an empty INFORMATIONAL
 *
 * Clients are trusted to be root and quick: the answer is written with a
 * one-second timeout, and a request line must arrive in one read or a few.
 */
#define _GNU_SOURCE	/* struct in6_pktinfo, accept4() */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "keyer.h"

#define CTL_LINE_MAX	256

struct ctl_client {
	struct loop_fd		 lfd;
	struct keyer		*k;
	size_t			 len;
	char			 line[CTL_LINE_MAX];
	LIST_ENTRY(ctl_client)	 entry;
};

struct control {
	struct loop_fd		 lfd;
	struct keyer		*k;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	LIST_HEAD(, ctl_client)	 clients;
};

static const char *const drop_names[DROP_MAX] = {
	[DROP_SHORT] = "short", [DROP_NOT_IKE] = "not_ike", [DROP_HEADER] = "header",
	[DROP_PARSE] = "parse", [DROP_NO_SA] = "no_sa", [DROP_MSGID] = "message_id",
	[DROP_UNEXPECTED] = "unexpected_response", [DROP_DECRYPT] = "integrity",
	[DROP_STATE] = "state", [DROP_NO_TUNNEL] = "no_tunnel",
	[DROP_EXCHANGE] = "exchange_type", [DROP_ADMISSION] = "admission",
	[DROP_TESTING] = "testing", [DROP_STALE] = "stale_init",
};

static void show_stats(struct keyer *k, struct json *j)
{
	size_t i;

	json_uint(j, "rx", k->st.rx);
	json_uint(j, "tx", k->st.tx);
	net_drops_refresh(k);
	json_uint(j, "rx_overflow", k->st.rx_overflow);
	json_uint(j, "retransmits", k->st.retransmits);
	json_uint(j, "replays", k->st.replays);
	json_uint(j, "give_ups", k->st.give_ups);
	json_uint(j, "unprotected_notifies", k->st.unprotected);
	json_uint(j, "unprotected_rate_limited", k->st.unprotected_limited);
	json_uint(j, "cookies_sent", k->st.cookies_sent);
	json_uint(j, "cookies_bad", k->st.cookies_bad);
	json_uint(j, "dead_peers", k->st.dead_peers);
	json_uint(j, "nat_keepalives", k->st.keepalives);
	json_uint(j, "peer_floats", k->st.floats);
	json_uint(j, "clones_created", k->st.clones_created);
	json_uint(j, "clones_refused", k->st.clones_refused);
	json_open(j, "drops", '{');
	for (i = 0; i < DROP_MAX; i++)
		json_uint(j, drop_names[i], k->st.drops[i]);
	json_close(j);
}

/* The tunnel's live IKE SA, if any. */
static struct ike_sa *tunnel_sa(struct keyer *k, const struct cfg_tunnel *t)
{
	struct ike_sa *sa;

	struct ike_sa *any = NULL;

	/* An IKE rekey in progress makes two: the established one is live. */
	LIST_FOREACH(sa, &k->sas, all)
		if (sa->tunnel == t) {
			if (sa->state == IKE_S_ESTABLISHED)
				return sa;
			if (!any)
				any = sa;
		}
	return any;
}

/* A dynamic VTI's clone by name: its peer's live IKE SA, if any. */
static struct ike_sa *clone_sa(struct keyer *k, const char *ifname)
{
	struct ike_sa *sa, *any = NULL;

	LIST_FOREACH(sa, &k->sas, all)
		if (sa->clone && !strcmp(sa->ifname, ifname)) {
			if (sa->state == IKE_S_ESTABLISHED)
				return sa;
			if (!any)
				any = sa;
		}
	return any;
}

static const char *act(struct keyer *k, const char *cmd, const char *arg)
{
	const struct cfg_tunnel *t = arg ? config_find_tunnel(k->cfg, arg) : NULL;
	struct ike_sa *sa;
	struct child_sa *c;
	struct ike_xchg *x;

	if (t) {
		sa = tunnel_sa(k, t);
	} else {
		/* A clone: down, liveness, delete-child act on its peer's IKE SA. */
		sa = arg ? clone_sa(k, arg) : NULL;
		if (!sa)
			return "no such tunnel";
		if (!strcmp(cmd, "up") || !strcmp(cmd, "rekey") || !strcmp(cmd, "rekey-ike"))
			return "a dynamic VTI's clone never initiates: its peer does";
	}
	if (!strcmp(cmd, "up")) {
		if (t->ipsec->responder_only)
			return "the tunnel is responder-only";
		/* Up but without a CHILD SA (deleted alone): a new one on it. */
		if (sa && sa->state == IKE_S_ESTABLISHED && !child_live(sa))
			return child_create(sa, "asked to") < 0 ? "out of memory" : NULL;
		return sa_initiate(k, t) < 0 ? "cannot initiate (see the log)" : NULL;
	}
	if (!sa)
		return "the tunnel has no IKE SA";
	if (!strcmp(cmd, "down")) {
		sa_delete(sa);
		return NULL;
	}
	if (sa->state != IKE_S_ESTABLISHED)
		return "the IKE SA is not established";
	if (!strcmp(cmd, "liveness")) {
		x = xchg_new(sa, XCHG_LIVENESS);
		if (!x)
			return "out of memory";
		msg_queue(sa, x);
		return NULL;
	}
	if (!strcmp(cmd, "rekey-ike")) {
		if (sa->tunnel->ipsec->responder_only)
			return "the tunnel is responder-only: the peer rekeys";
		if (sa->ike_rekeying)
			return "an IKE rekey is already in progress";
		return ike_rekey(sa, "asked to") < 0 ? "out of memory" : NULL;
	}
	if (!strcmp(cmd, "rekey")) {
		struct child_sa *next;
		size_t n = 0;

		if (sa->tunnel->ipsec->responder_only)
			return "the tunnel is responder-only: the peer rekeys";
		/* rekey_child() adds successors to the list: the installed ones first. */
		for (c = LIST_FIRST(&sa->children); c; c = next) {
			next = LIST_NEXT(c, entry);
			if (c->state == CHILD_S_INSTALLED && !c->replaces && rekey_child(c, "asked to") == 0)
				n++;
		}
		return n ? NULL : "no installed CHILD SA to rekey";
	}
	/* delete-child */
	LIST_FOREACH(c, &sa->children, entry) {
		if (c->state != CHILD_S_INSTALLED)
			continue;
		x = xchg_new(sa, XCHG_DELETE_CHILD);
		if (!x)
			return "out of memory";
		c->state = CHILD_S_DELETING;
		x->spi = c->spi_in;
		msg_queue(sa, x);
	}
	return NULL;
}

/*
 * IOS `clear crypto session`: each IKE SA matching @arg (an address or a
 * tunnel name; NULL: all) is deleted with DELETE, and a static tunnel
 * that is not responder-only is initiated again at once (even --passive:
 * this is being told to).  A clone of a template waits for its peer.
 */
static const char *clear(struct keyer *k, const char *arg, struct json *j)
{
	const struct cfg_tunnel *redo[64];
	struct ike_sa *sa, *next;
	size_t n = 0, nredo = 0, i;
	struct ipaddr peer;
	bool by_addr = arg && ipaddr_parse(arg, &peer) == 0;

	for (sa = LIST_FIRST(&k->sas); sa; sa = next) {
		next = LIST_NEXT(sa, all);
		if (arg && (by_addr ? !ipaddr_equal(&sa->remote, &peer) : strcmp(sa_name(sa), arg)))
			continue;
		if (sa->state == IKE_S_DELETING)
			continue;
		if (!sa->tunnel->is_template && !sa->tunnel->ipsec->responder_only &&
		    nredo < ARRAY_SIZE(redo))
			redo[nredo++] = sa->tunnel;
		/* sa_delete() may destroy at once: @next stays valid (dead list). */
		sa_delete(sa);
		n++;
	}
	if (arg && !n)
		return by_addr ? "no IKE SA with that peer" : "no IKE SA on that tunnel";
	for (i = 0; i < nredo; i++)
		sa_initiate(k, redo[i]);
	json_uint(j, "cleared", n);
	return NULL;
}

static void answer(struct keyer *k, char *line, struct buf *out)
{
	char *cmd, *arg, *save = NULL;
	const char *err = NULL;
	struct json j;

	json_init(&j, out);
	json_open(&j, NULL, '{');
	cmd = strtok_r(line, " \t\r\n", &save);
	arg = cmd ? strtok_r(NULL, " \t\r\n", &save) : NULL;
	if (!cmd) {
		err = "empty request";
	} else if (!strcmp(cmd, "show")) {
		sa_show(k, &j);
	} else if (!strcmp(cmd, "sas")) {
		json_str(&j, "backend", k->be->name);
		if (k->be->dump)
			k->be->dump(k->be_ctx, &j);
	} else if (!strcmp(cmd, "stats")) {
		show_stats(k, &j);
	} else if (!strcmp(cmd, "clear")) {
		err = clear(k, arg, &j);
		if (!err)
			json_bool(&j, "ok", true);
	} else if (!strcmp(cmd, "up") || !strcmp(cmd, "down") || !strcmp(cmd, "liveness") ||
		   !strcmp(cmd, "delete-child") || !strcmp(cmd, "rekey") ||
		   !strcmp(cmd, "rekey-ike")) {
		err = act(k, cmd, arg);
		if (!err)
			json_bool(&j, "ok", true);
	} else {
		err = "unknown command (show, sas, stats, up, down, clear, delete-child, rekey, "
		      "rekey-ike, liveness)";
	}
	if (err)
		json_str(&j, "error", err);
	json_close(&j);
	json_done(&j);
}

static void client_done(struct ctl_client *cl)
{
	LIST_REMOVE(cl, entry);
	loop_del(&cl->k->loop, &cl->lfd);
	close(cl->lfd.fd);
	free(cl);
}

static void client_ready(struct loop_fd *lf, uint32_t events)
{
	struct ctl_client *cl = container_of(lf, struct ctl_client, lfd);
	struct timeval tv = { 1, 0 };
	struct buf *out;
	size_t off;
	ssize_t n;

	(void)events;
	n = read(lf->fd, cl->line + cl->len, sizeof(cl->line) - 1 - cl->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		cl->len += (size_t)n;
		cl->line[cl->len] = '\0';
		if (!strchr(cl->line, '\n') && cl->len < sizeof(cl->line) - 1)
			return;	/* more to come */
	}
	if (n < 0 || cl->len == 0) {
		client_done(cl);
		return;
	}
	out = buf_new(4096);
	if (out) {
		answer(cl->k, cl->line, out);
		/* Blocking now, bounded: the answer is small and the client waits for it. */
		fcntl(lf->fd, F_SETFL, 0);
		setsockopt(lf->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		for (off = 0; buf_ok(out) && off < out->len; off += (size_t)n) {
			n = send(lf->fd, out->data + off, out->len - off, MSG_NOSIGNAL);
			if (n <= 0)
				break;
		}
		buf_free(out);
	}
	client_done(cl);
}

static void listener_ready(struct loop_fd *lf, uint32_t events)
{
	struct control *ctl = container_of(lf, struct control, lfd);
	struct ctl_client *cl;
	int fd;

	(void)events;
	fd = accept4(lf->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	cl = calloc(1, sizeof(*cl));
	if (!cl) {
		close(fd);
		return;
	}
	cl->k = ctl->k;
	cl->lfd.fd = fd;
	cl->lfd.ready = client_ready;
	if (loop_add(&ctl->k->loop, &cl->lfd) < 0) {
		close(fd);
		free(cl);
		return;
	}
	LIST_INSERT_HEAD(&ctl->clients, cl, entry);
}

/*
 * The default /run/kvti/ may not exist yet on a gateway started by hand
 * (systemd makes it, RuntimeDirectory=): one level is made, root-only.
 */
static void make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0700) == 0)
		log_info("made %s for the control socket", dir);
}

int control_open(struct keyer *k, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *ctl;
	struct stat st;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_err("control socket path too long: %s", path);
		return -1;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return -1;
	strcpy(sun.sun_path, path);
	strcpy(ctl->path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto err_free;
	/* A socket left by a keyer that died; never anything else. */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	make_parent(path);
	old = umask(0077);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		goto err_close;
	}
	umask(old);
	if (chmod(path, 0600) < 0 || listen(fd, 16) < 0)
		goto err_unlink;
	ctl->k = k;
	LIST_INIT(&ctl->clients);
	ctl->lfd.fd = fd;
	ctl->lfd.ready = listener_ready;
	if (loop_add(&k->loop, &ctl->lfd) < 0)
		goto err_unlink;
	k->ctl = ctl;
	return 0;

err_unlink:
	unlink(path);
err_close:
	close(fd);
err_free:
	log_err("control socket %s: %s", path, strerror(errno));
	free(ctl);
	return -1;
}

void control_close(struct keyer *k)
{
	struct control *ctl = k->ctl;

	if (!ctl)
		return;
	while (!LIST_EMPTY(&ctl->clients))
		client_done(LIST_FIRST(&ctl->clients));
	loop_del(&k->loop, &ctl->lfd);
	close(ctl->lfd.fd);
	unlink(ctl->path);
	free(ctl);
	k->ctl = NULL;
}
