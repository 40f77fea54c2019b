// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz - a generic netlink fuzzer for the kvti family, and SA churn.
 *
 *   nlfuzz fuzz [-t SECONDS] [-n COUNT] [-s SEED] [-w WORKERS] [-U] [-q] [-v]
 *   nlfuzz churn [-c COUNT] [-T TUNNELS] [-w WORKERS] [-s SEED] [-k] [-v]
 *   nlfuzz inject [-v] [-m MAX_N] [-o OPS] [-r] [-t SECONDS]
 *   nlfuzz modload [-v] [-m MAX_N] [-r] [-t SECONDS] KO
 *
 * fuzz: WORKERS processes send valid, mutated and garbage requests for
 * every kvti command (events and unknown numbers too) until SECONDS or
 * COUNT requests, while the parent listens to the events group.  Then,
 * unless -U, the parent checks the SA and tunnel tables for consistency,
 * runs a sequential add/find/delete phase, deletes every tunnel it did
 * not find at the start and checks that none is left.  -U: the caller has
 * no CAP_NET_ADMIN over the namespace; every kvti request must be refused
 * and the events group must not be joinable.
 *
 * inject and modload make the N-th allocation of one request (of one
 * finit_module) fail, for N = 1, 2, ... (inject.c, modload.c).
 *
 * The seed is printed first: "-s SEED" replays each worker's requests.
 * Exit status: 0 consistent, 1 inconsistent or a rule broken, 2 usage or
 * setup error.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "nlfuzz.h"

const char *prog = "nlfuzz";

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Memory the workers write and the parent reads after they exit. */
void *shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("nlfuzz: mmap");
		exit(2);
	}
	return p;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: %s fuzz [-t SECONDS] [-n COUNT] [-s SEED] [-w WORKERS] [-U] [-q] [-v]\n"
		"       %s churn [-c COUNT] [-T TUNNELS] [-w WORKERS] [-s SEED] [-k] [-v]\n"
		"       %s inject [-v] [-m MAX_N] [-o OP[,OP...]] [-r] [-t SECONDS]\n"
		"       %s modload [-v] [-m MAX_N] [-r] [-t SECONDS] KO\n"
		"  fuzz   random and mutated requests for every kvti command, then\n"
		"         consistency checks and cleanup of the tunnels it made\n"
		"         -U  unprivileged: everything must be refused\n"
		"         -q  no events listener\n"
		"  churn  SA add/del cycles on TUNNELS tunnels (default 3), COUNT\n"
		"         cycles (default 100000); -k keeps the tunnels\n"
		"  inject  each request of each operation with its 1st, 2nd, ...\n"
		"         allocation failing (fail-nth), up to MAX_N (default 2000);\n"
		"         -o OPS: only these (names as in the summary lines)\n"
		"         -r: N from a fault-free run's allocation count down to 1\n"
		"         -t: at most SECONDS per operation (the summary says where\n"
		"         it stopped)\n"
		"  modload finit_module(KO) with its 1st, 2nd, ... allocation\n"
		"         failing, until it loads; -r, -t as for inject\n",
		prog, prog, prog, prog);
	exit(2);
}

static uint64_t parse_num(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s)
		usage();
	return v;
}

static uint64_t random_seed(void)
{
	uint64_t s;

	if (getrandom(&s, sizeof(s), 0) != sizeof(s))
		s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	return s;
}

/* ---- the events group, drained by the parent while workers run ---- */

struct events {
	struct nlsock s;
	bool on;
	uint64_t n[__KVTI_CMD_MAX + 1];
	uint64_t odd;
	uint64_t enobufs;
};

static int events_open(struct events *ev, uint16_t family, uint32_t grp)
{
	int err = nl_open(&ev->s, NETLINK_GENERIC, NULL);

	ev->s.family = family;
	if (!err)
		err = nl_join(&ev->s, grp);
	ev->on = !err;
	return err;
}

static void events_drain(struct events *ev, int timeout_ms)
{
	struct pollfd p = { .fd = ev->s.fd, .events = POLLIN };

	if (!ev->on) {
		poll(NULL, 0, timeout_ms);
		return;
	}
	if (poll(&p, 1, timeout_ms) <= 0)
		return;
	for (;;) {
		ssize_t n = recv(ev->s.fd, ev->s.rx, sizeof(ev->s.rx), MSG_DONTWAIT);
		struct nlmsghdr *nh;

		if (n < 0) {
			if (errno == ENOBUFS) {
				ev->enobufs++;
				continue;
			}
			return;
		}
		for (nh = (struct nlmsghdr *)ev->s.rx; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			const struct genlmsghdr *gh = NLMSG_DATA(nh);

			if (nh->nlmsg_type != ev->s.family ||
			    nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
			    gh->cmd < KVTI_CMD_EV_EXPIRE || gh->cmd > KVTI_CMD_MAX) {
				ev->odd++;
				continue;
			}
			ev->n[gh->cmd]++;
		}
	}
}

static void events_print(const struct events *ev)
{
	uint64_t total = 0;

	if (!ev->on)
		return;
	for (int i = 0; i <= KVTI_CMD_MAX; i++)
		total += ev->n[i];
	printf("nlfuzz: events %llu (", (unsigned long long)total);
	for (int i = KVTI_CMD_EV_EXPIRE, first = 1; i <= KVTI_CMD_MAX; i++) {
		if (!ev->n[i])
			continue;
		printf("%s%s %llu", first ? "" : ", ", cmd_name((unsigned int)i),
		       (unsigned long long)ev->n[i]);
		first = 0;
	}
	printf("), ENOBUFS %llu, not events %llu\n",
	       (unsigned long long)ev->enobufs, (unsigned long long)ev->odd);
}

/* ---- fuzz mode ---- */

static void summary(const struct fuzz_opts *o, const struct stats *sum,
		    double dt)
{
	printf("nlfuzz: seed %llu, %llu messages, ok %llu, refused %llu (",
	       (unsigned long long)o->seed, (unsigned long long)sum->sent,
	       (unsigned long long)sum->ok, (unsigned long long)sum->refused);
	for (int e = 0, first = 1; e < ERRNO_MAX; e++) {
		if (!sum->err[e])
			continue;
		printf("%s%s %llu", first ? "" : ", ", e ? errno_name(e) : "other",
		       (unsigned long long)sum->err[e]);
		first = 0;
	}
	printf(")\n");
	printf("nlfuzz: %.0f messages/s over %.1f s with %d workers; unanswered %llu, batched %llu, lost %llu, ENOBUFS %llu, replies %llu, trims %llu\n",
	       dt > 0 ? sum->sent / dt : 0.0, dt, o->workers,
	       (unsigned long long)sum->extra[3],
	       (unsigned long long)sum->extra[0],
	       (unsigned long long)sum->lost,
	       (unsigned long long)sum->enobufs,
	       (unsigned long long)sum->replies,
	       (unsigned long long)sum->extra[1]);
	printf("nlfuzz: ok/refused by command:");
	for (int i = 0; i <= __KVTI_CMD_MAX; i++)
		if (sum->cmd_ok[i] || sum->cmd_refused[i])
			printf(" %s %llu/%llu", i < __KVTI_CMD_MAX ?
			       cmd_name((unsigned int)i) : "beyond",
			       (unsigned long long)sum->cmd_ok[i],
			       (unsigned long long)sum->cmd_refused[i]);
	printf("\n");
	if (sum->no_extack)
		printf("nlfuzz: %llu refusals by kvti without an extack message; first: %s\n",
		       (unsigned long long)sum->no_extack, sum->no_extack_first);
}

static int fuzz_main(struct fuzz_opts *o)
{
	struct stats *st = shared_alloc(sizeof(*st) * (size_t)o->workers);
	struct tun pre[W_TUN];
	struct events ev = { 0 };
	struct stats sum = { 0 };
	struct nlsock s;
	struct rng rng;
	uint32_t grp = 0;
	int npre = 0, running = 0, rc = 0, err;
	double t0, dt;

	printf("nlfuzz: fuzz seed %llu, %d workers, at most %u s and %llu messages (0: no limit)%s\n",
	       (unsigned long long)o->seed, o->workers, o->seconds,
	       (unsigned long long)o->count, o->unpriv ? ", unprivileged" : "");
	fflush(stdout);
	rng_seed(&rng, o->seed);
	err = nl_open(&s, NETLINK_GENERIC, NULL);
	if (!err)
		err = nl_resolve(&s, KVTI_GENL_NAME, &grp);
	if (err) {
		fprintf(stderr, "nlfuzz: resolving the kvti genl family: %s\n",
			errno_name(-err));
		return 2;
	}
	if (o->unpriv) {
		struct recs t = { 0 };

		err = dump_tunnels(&s, KVTI_CMD_TUNNEL_GET, &t);
		recs_free(&t);
		if (err != -EPERM) {
			fprintf(stderr, "nlfuzz: -U, but a tunnel dump gave %s, not EPERM\n",
				err < 0 ? errno_name(-err) : "tunnels");
			return 1;
		}
	} else {
		npre = list_tunnels(&s, pre, W_TUN);
		if (npre < 0) {
			fprintf(stderr, "nlfuzz: tunnel dump: %s\n", errno_name(-npre));
			return 2;
		}
	}
	if (o->events && grp) {
		err = events_open(&ev, s.family, grp);
		if (o->unpriv && !err) {
			fprintf(stderr, "nlfuzz: an unprivileged socket joined the events group\n");
			rc = 1;
		} else if (!o->unpriv && err) {
			fprintf(stderr, "nlfuzz: joining the events group: %s\n",
				errno_name(-err));
			rc = 1;
		}
	}

	t0 = now_s();
	for (int w = 0; w < o->workers; w++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("nlfuzz: fork");
			return 2;
		}
		if (pid == 0) {
			nl_close(&s);
			if (ev.on)
				nl_close(&ev.s);
			_exit(fuzz_worker(o, w, &st[w], pre, npre));
		}
		running++;
	}
	while (running) {
		int status;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			running--;
			if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				fprintf(stderr, "nlfuzz: a worker %s %d\n",
					WIFEXITED(status) ? "exited" : "died of signal",
					WIFEXITED(status) ? WEXITSTATUS(status) :
							    WTERMSIG(status));
				rc = 1;
			}
			continue;
		}
		events_drain(&ev, 200);
	}
	dt = now_s() - t0;
	events_drain(&ev, 0);
	for (int w = 0; w < o->workers; w++)
		stats_add(&sum, &st[w]);
	summary(o, &sum, dt);
	events_print(&ev);
	if (sum.lost) {
		fprintf(stderr, "nlfuzz: %llu requests got no answer within %d s\n",
			(unsigned long long)sum.lost, WAIT_MS / 1000);
		rc = 1;
	}
	if (sum.no_extack)
		rc = 1;
	if (ev.odd) {
		fprintf(stderr, "nlfuzz: %llu messages on the events group were not events\n",
			(unsigned long long)ev.odd);
		rc = 1;
	}
	if (o->unpriv) {
		if (sum.kvti_ok) {
			fprintf(stderr, "nlfuzz: %llu kvti requests were accepted without privilege\n",
				(unsigned long long)sum.kvti_ok);
			rc = 1;
		}
		if (!sum.err[EPERM]) {
			fprintf(stderr, "nlfuzz: -U, but nothing was refused with EPERM\n");
			rc = 1;
		}
		return rc;
	}

	if (check_consistency(&s, "after fuzzing"))
		rc = 1;
	if (check_sequential(&s, &rng))
		rc = 1;
	if (cleanup_tunnels(&s, pre, npre))
		rc = 1;
	if (check_consistency(&s, "after cleanup"))
		rc = 1;
	nl_close(&s);
	printf("nlfuzz: %s\n", rc ? "FAILED" : "consistent");
	return rc;
}

int main(int argc, char **argv)
{
	struct fuzz_opts fo = { .workers = 2, .events = true };
	struct churn_opts co = { .count = 100000, .tunnels = 3, .workers = 1 };
	struct inject_opts io = { .max_n = 2000 };
	bool have_seed = false;
	enum { FUZZ, CHURN, INJECT, MODLOAD } mode;
	uint64_t seed = 0;
	int c;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "fuzz"))
		mode = FUZZ;
	else if (!strcmp(argv[1], "churn"))
		mode = CHURN;
	else if (!strcmp(argv[1], "inject"))
		mode = INJECT;
	else if (!strcmp(argv[1], "modload"))
		mode = MODLOAD;
	else
		usage();
	argv++;
	argc--;
	while ((c = getopt(argc, argv, "t:n:s:w:c:T:m:o:rkUqvh")) != -1) {
		switch (c) {
		case 'm':
			io.max_n = (unsigned int)parse_num(optarg);
			if (!io.max_n)
				usage();
			break;
		case 'o':
			io.ops = optarg;
			break;
		case 'r':
			io.reverse = true;
			break;
		case 't':
			fo.seconds = io.seconds = (unsigned int)parse_num(optarg);
			break;
		case 'n':
			fo.count = parse_num(optarg);
			break;
		case 's':
			seed = parse_num(optarg);
			have_seed = true;
			break;
		case 'w':
			fo.workers = co.workers = (int)parse_num(optarg);
			if (fo.workers < 1 || fo.workers > MAX_WORKERS)
				usage();
			break;
		case 'c':
			co.count = parse_num(optarg);
			break;
		case 'T':
			co.tunnels = (int)parse_num(optarg);
			if (co.tunnels < 1 || co.tunnels > 16)
				usage();
			break;
		case 'k':
			co.keep = true;
			break;
		case 'U':
			fo.unpriv = true;
			break;
		case 'q':
			fo.events = false;
			break;
		case 'v':
			fo.verbose = co.verbose = io.verbose = true;
			break;
		default:
			usage();
		}
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mode == MODLOAD) {
		if (optind != argc - 1)
			usage();
		return modload_run(argv[optind], &io);
	}
	if (optind != argc)
		usage();
	if (mode == INJECT)
		return inject_run(&io);
	if (!have_seed)
		seed = random_seed() % 1000000000000ULL;
	fo.seed = co.seed = seed;
	if (mode == CHURN)
		return churn_run(&co);
	if (!fo.seconds && !fo.count)
		fo.seconds = 30;
	return fuzz_main(&fo);
}
