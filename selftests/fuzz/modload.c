// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz modload - loading kvti.ko with each allocation failing in turn.
 *
 * finit_module(2) of KO with /proc/thread-self/fail-nth at N = 1, 2, ...
 * until a load no longer reaches its N-th injectable allocation: the
 * N-th fails, in the module loader or in kvti_init() and whatever it
 * registers (the workqueue, the pernet device ops, the rtnl link ops, the
 * genl family, the ESP handlers).  After each failed load nothing of kvti
 * may remain: no /sys/module/kvti, no genl family "kvti".  A load that
 * succeeds although its fault fired (an allocation it can do without)
 * must be whole, genl family and all; it is unloaded with
 * delete_module(2) and the sweep goes on.  The last load, the one the
 * fault did not reach, stays (the caller unloads it when it wants);
 * leaks are kmemleak's to find, by the caller, after the sweep.
 *
 * Exit status: 0 loaded and every failure clean, 1 a failure left a
 * trace or the module never loaded, 2 setup error (already loaded, no
 * fail-nth).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "nlfuzz.h"

static int fail_write(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	return pwrite(fd, buf, (size_t)len, 0) == len ? 0 : -1;
}

static unsigned int fail_read(int fd)
{
	char buf[16] = { 0 };

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return 1;
	return (unsigned int)strtoul(buf, NULL, 10);
}

/* 1 if the kvti genl family is registered, 0 if not, -1 on error. */
static int family_present(void)
{
	struct nlsock s;
	int err = nl_open(&s, NETLINK_GENERIC, NULL);

	if (err)
		return -1;
	err = nl_resolve(&s, KVTI_GENL_NAME, NULL);
	nl_close(&s);
	return !err ? 1 : err == -ENOENT ? 0 : -1;
}

int modload_run(const char *ko, const struct inject_opts *o)
{
	unsigned int max_n = o->max_n, top = 0, cut = 0;
	bool verbose = o->verbose;
	uint64_t err[ERRNO_MAX] = { 0 };
	unsigned int n, faults = 0, failed = 0, despite = 0, attempts = 0;
	int fd, ffd, rc = 1, problems = 0;
	double t0 = now_s();

	fd = open(ko, O_RDONLY | O_CLOEXEC);
	ffd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ffd < 0) {
		fprintf(stderr, "nlfuzz modload: %s: %s\n", fd < 0 ? ko :
			"/proc/thread-self/fail-nth", strerror(errno));
		return 2;
	}
	if (!access("/sys/module/kvti", F_OK) || family_present()) {
		fprintf(stderr, "nlfuzz modload: kvti is loaded already (rmmod it first)\n");
		return 2;
	}
	/*
	 * -r: a fault-free load counts the injectable allocations, and N
	 * goes down from there, so that a time budget (-t) is spent on
	 * kvti_init(), which runs last, before the loader's own.
	 */
	if (o->reverse) {
		fail_write(ffd, 1000000);
		if (syscall(SYS_finit_module, fd, "", 0)) {
			fprintf(stderr, "nlfuzz modload: a fault-free load: %s\n",
				strerror(errno));
			return 1;
		}
		top = 1000000 - fail_read(ffd) + 4;
		fail_write(ffd, 0);
		if (syscall(SYS_delete_module, "kvti", O_NONBLOCK)) {
			perror("nlfuzz modload: delete_module");
			return 1;
		}
		if (top > max_n)
			top = max_n;
	}
	for (n = o->reverse ? top : 1; n >= 1 && n <= max_n; n += o->reverse ? -1 : 1) {
		long ret;
		int e;
		bool fired;

		if (o->seconds && now_s() - t0 > o->seconds) {
			cut = n;
			break;
		}

		if (fail_write(ffd, n)) {
			perror("nlfuzz modload: fail-nth");
			return 2;
		}
		ret = syscall(SYS_finit_module, fd, "", 0);
		e = errno;
		attempts++;
		fired = !fail_read(ffd);
		fail_write(ffd, 0);
		faults += fired;
		if (verbose)
			printf("nlfuzz modload: N=%u: %s%s\n", n,
			       ret ? strerrorname_np(e) : "loaded",
			       fired ? "" : ", fault not reached");
		if (!ret) {
			despite += fired;
			if (family_present() != 1) {
				fprintf(stderr, "nlfuzz modload: N=%u: loaded%s, but no kvti genl family\n",
					n, fired ? " despite the fault" : "");
				problems++;
				break;
			}
			if (!fired && !o->reverse) {
				rc = 0;
				break;
			}
			if (syscall(SYS_delete_module, "kvti", O_NONBLOCK)) {
				fprintf(stderr, "nlfuzz modload: N=%u: delete_module: %s\n",
					n, strerror(errno));
				problems++;
				break;
			}
			continue;
		}
		failed++;
		if (e > 0 && e < ERRNO_MAX)
			err[e]++;
		if (e == EEXIST) {
			fprintf(stderr, "nlfuzz modload: N=%u: EEXIST: kvti got loaded behind our back\n",
				n);
			return 2;
		}
		if (!fired) {
			fprintf(stderr, "nlfuzz modload: N=%u: the load failed (%s) without the injected fault\n",
				n, strerrorname_np(e));
			problems++;
			break;
		}
		if (!access("/sys/module/kvti", F_OK)) {
			fprintf(stderr, "nlfuzz modload: N=%u: /sys/module/kvti remains after a failed load (%s)\n",
				n, strerrorname_np(e));
			problems++;
		}
		if (family_present() != 0) {
			fprintf(stderr, "nlfuzz modload: N=%u: the kvti genl family remains after a failed load (%s)\n",
				n, strerrorname_np(e));
			problems++;
		}
		if (problems)
			break;
	}
	if (o->reverse && !problems) {
		/* The load that stays. */
		if (syscall(SYS_finit_module, fd, "", 0))
			fprintf(stderr, "nlfuzz modload: the final load: %s\n",
				strerror(errno));
		else if (family_present() == 1)
			rc = 0;
	}
	printf("nlfuzz modload: %u attempts, faults fired %u, loaded despite the fault %u, failed loads %u (",
	       attempts, faults, despite, failed);
	for (int e = 1, first = 1; e < ERRNO_MAX; e++) {
		if (!err[e])
			continue;
		printf("%s%s %llu", first ? "" : ", ", errno_name(e),
		       (unsigned long long)err[e]);
		first = 0;
	}
	if (o->reverse)
		printf("), N from %u down, %s, %.1f s%s\n", top,
		       rc ? "not loaded" : "then loaded", now_s() - t0,
		       cut ? ", time budget ran out" : "");
	else
		printf("), %s at N=%u, %.1f s%s\n",
		       rc ? "not loaded" : "fault not reached, loaded",
		       n > max_n ? max_n : n, now_s() - t0,
		       cut ? ", time budget ran out" : "");
	if (rc)
		fprintf(stderr, "nlfuzz modload: kvti did not load within N <= %u (-m)\n",
			max_n);
	close(ffd);
	close(fd);
	return problems || rc ? 1 : 0;
}
