// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - main: options, configuration, the loop, signals, shutdown.
 *
 *   kvti-keyer [-c FILE] [--check] [-f] [-d] [--decoupled] [-s SOCKET]
 *              [--passive] [--drop-responses N] [--drop-create-child N]
 *
 * SIGTERM and SIGINT end the daemon cleanly: every established IKE SA is
 * deleted with a DELETE, answers are awaited for at most SHUTDOWN_MS, the
 * kernel SAs go with their IKE SAs.  A second signal ends it at once.
 * SIGHUP reads the configuration again (reload.c).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "config.h"
#include "keyer.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kvti-keyer [-c FILE] [--check] [-f] [-d] [--decoupled] [-s SOCKET]\n"
		"                  [--passive]\n"
		"  -c, --config FILE   configuration (default " CFG_DEFAULT_PATH ")\n"
		"      --check         check the configuration and exit\n"
		"  -f, --foreground    stay in the foreground, log to stderr\n"
		"  -d, --debug         log debug messages too\n"
		"      --decoupled     keep SAs in the keyer, not in the kvti module\n"
		"  -s, --socket PATH   control socket (default: the config's control-socket)\n"
		"      --passive       initiate only when told (control: up TUNNEL)\n"
		"      --drop-responses N   testing: ignore the first N responses\n"
		"      --drop-create-child N  testing: ignore the first N CREATE_CHILD_SA requests\n"
		"      --delete-after-rekey   testing: DELETE a CHILD SA the peer rekeys at once\n"
		"      --rekey-twice   testing: rekey each CHILD SA twice before deleting it\n");
}

/* Delete every IKE SA, then stop once they are gone (or at the deadline). */
static void shutdown_keyer(struct keyer *k)
{
	struct ike_sa *sa, *next;

	if (k->stopping) {
		k->loop.stop = true;
		return;
	}
	log_info("shutting down");
	notify("STOPPING=1");
	k->stopping = true;
	for (sa = LIST_FIRST(&k->sas); sa; sa = next) {
		next = LIST_NEXT(sa, all);
		sa_delete(sa);
	}
	timer_set(&k->loop, &k->stop_timer, SHUTDOWN_MS);
}

static void stop_fire(struct timer *t)
{
	struct keyer *k = container_of(t, struct keyer, stop_timer);

	k->loop.stop = true;
}

static void signal_ready(struct loop_fd *lf, uint32_t events)
{
	struct keyer *k = container_of(lf, struct keyer, sig);
	struct signalfd_siginfo si;

	(void)events;
	while (read(lf->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			notify("RELOADING=1");
			reload(k, k->cfg_path);
			notify("READY=1");
		} else
			shutdown_keyer(k);
	}
}

/* After every event: free destroyed SAs; stop once shutdown has emptied the table. */
static void after_event(void *arg)
{
	struct keyer *k = arg;

	sa_reap(k);
	if (k->nretired)
		reload_reap(k);
	if (k->stopping && LIST_EMPTY(&k->sas))
		k->loop.stop = true;
}

static int setup_signals(struct keyer *k)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	k->sig.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (k->sig.fd < 0)
		return -1;
	k->sig.ready = signal_ready;
	return loop_add(&k->loop, &k->sig);
}

/* What is left at exit goes without a DELETE; its kernel SAs go too. */
static void teardown(struct keyer *k)
{
	while (!LIST_EMPTY(&k->sas))
		sa_destroy(LIST_FIRST(&k->sas), "keyer stopped");
	sa_reap(k);
	reload_reap(k);
	control_close(k);
	net_close(k);
	if (k->be_ctx)
		k->be->close(k->be_ctx);
	if (k->sig.fd > 0)
		close(k->sig.fd);
	loop_fini(&k->loop);
	config_free(k->cfg);
	peer_free(k);
	free(k->cfg_path);
}

int main(int argc, char **argv)
{
	enum { OPT_CHECK = 256, OPT_DECOUPLED, OPT_PASSIVE, OPT_DROP, OPT_DROP_CC, OPT_DEL_REKEYED,
	       OPT_REKEY_TWICE };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "decoupled", no_argument, NULL, OPT_DECOUPLED },
		{ "socket", required_argument, NULL, 's' },
		{ "passive", no_argument, NULL, OPT_PASSIVE },
		{ "drop-responses", required_argument, NULL, OPT_DROP },
		{ "drop-create-child", required_argument, NULL, OPT_DROP_CC },
		{ "delete-after-rekey", no_argument, NULL, OPT_DEL_REKEYED },
		{ "rekey-twice", no_argument, NULL, OPT_REKEY_TWICE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file = CFG_DEFAULT_PATH, *sock = NULL;
	bool check = false, foreground = false, debug = false, decoupled = false;
	struct keyer k;
	char err[512];
	size_t i;
	int c, rc = 1;

	memset(&k, 0, sizeof(k));
	while ((c = getopt_long(argc, argv, "c:fds:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': file = optarg; break;
		case OPT_CHECK: check = true; break;
		case 'f': foreground = true; break;
		case 'd': debug = true; break;
		case OPT_DECOUPLED: decoupled = true; break;
		case 's': sock = optarg; break;
		case OPT_PASSIVE: k.passive = true; break;
		case OPT_DROP: k.drop_responses = (unsigned int)strtoul(optarg, NULL, 10); break;
		case OPT_DROP_CC: k.drop_create_child = (unsigned int)strtoul(optarg, NULL, 10); break;
		case OPT_DEL_REKEYED: k.delete_after_rekey = true; break;
		case OPT_REKEY_TWICE: k.rekey_twice = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (sock && sock[0] != '/') {
		/* The daemon changes to / and must find it again at exit. */
		fprintf(stderr, "kvti-keyer: the control socket path must be absolute\n");
		return 2;
	}
	k.cfg = config_load(file, err, sizeof(err));
	if (!k.cfg) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (check) {
		printf("%s: ok (%zu tunnels, %zu templates)\n", file, k.cfg->ntunnels,
		       k.cfg->ntemplates);
		config_free(k.cfg);
		return 0;
	}
	log_init(true, debug);
	/* The daemon changes to /: SIGHUP must find the file again. */
	k.cfg_path = realpath(file, NULL);
	if (!k.cfg_path) {
		log_err("%s: %s", file, strerror(errno));
		config_free(k.cfg);
		return 1;
	}
	LIST_INIT(&k.sas);
	LIST_INIT(&k.dead);
	LIST_INIT(&k.clones);
	for (i = 0; i < SA_BUCKETS; i++) {
		LIST_INIT(&k.by_ispi[i]);
		LIST_INIT(&k.by_rspi[i]);
	}
	k.stop_timer.fire = stop_fire;
	k.be = decoupled ? &backend_decoupled : &backend_kvti;
	if (loop_init(&k.loop) < 0) {
		log_err("event loop: %s", strerror(errno));
		config_free(k.cfg);
		free(k.cfg_path);
		return 1;
	}
	if (setup_signals(&k) < 0) {
		log_err("signals: %s", strerror(errno));
		goto out;
	}
	if (k.be->open(&k, &k.be_ctx) < 0) {
		log_err("backend %s cannot start", k.be->name);
		goto out;
	}
	if (net_open(&k) < 0 || control_open(&k, sock ? sock : k.cfg->control) < 0)
		goto out;
	if (!foreground) {
		if (daemon(0, 0) < 0) {
			log_err("daemon: %s", strerror(errno));
			goto out;
		}
		log_init(false, debug);
	}
	log_info("started: %zu tunnels, backend %s, ports %u/%u", k.cfg->ntunnels, k.be->name,
		 k.cfg->ike_port, k.cfg->natt_port);
	notify("READY=1");
	if (!k.passive)
		for (i = 0; i < k.cfg->ntunnels; i++)
			if (!k.cfg->tunnels[i].ipsec->responder_only)
				sa_initiate(&k, &k.cfg->tunnels[i]);
	rc = loop_run(&k.loop, after_event, &k) < 0 ? 1 : 0;
	log_info("stopped");
out:
	teardown(&k);
	return rc;
}
