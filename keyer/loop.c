// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the event loop: one epoll, one timerfd armed for the
 * earliest timer of the heap (timer.c).  Handlers run to completion; after
 * each, @after runs (sa_reap: free what the handler destroyed).
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "keyer.h"

uint64_t loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Point the timerfd at the first deadline, if it moved. */
static void rearm(struct loop *l)
{
	struct timer *t = timer_heap_first(&l->timers);
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };
	uint64_t when = t ? t->when_ms : 0;

	if (when == l->armed_ms)
		return;
	l->armed_ms = when;
	if (when) {
		/* Absolute, so a late rearm cannot push a deadline back. */
		its.it_value.tv_sec = (time_t)(when / 1000);
		its.it_value.tv_nsec = (long)(when % 1000) * 1000000;
	}
	if (timerfd_settime(l->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		log_err("timerfd_settime: %s", strerror(errno));
}

int timer_set(struct loop *l, struct timer *t, uint64_t delay_ms)
{
	int err = timer_heap_set(&l->timers, t, loop_now() + delay_ms);

	if (err)
		log_err("out of memory for a timer");
	rearm(l);
	return err;
}

void timer_stop(struct loop *l, struct timer *t)
{
	timer_heap_del(&l->timers, t);
	rearm(l);
}

/* Run every timer that is due; each may arm or stop others. */
static void timers_ready(struct loop_fd *lf, uint32_t events)
{
	struct loop *l = container_of(lf, struct loop, tlfd);
	uint64_t expirations, now = loop_now();
	struct timer *t;

	(void)events;
	if (read(l->tfd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		log_err("timerfd read: %s", strerror(errno));
	l->armed_ms = 0;
	while ((t = timer_heap_first(&l->timers)) && t->when_ms <= now) {
		timer_heap_del(&l->timers, t);
		t->fire(t);
	}
	l->armed_ms = 1;	/* force rearm() to write the timerfd */
	rearm(l);
}

int loop_init(struct loop *l)
{
	memset(l, 0, sizeof(*l));
	l->tfd = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return -1;
	l->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (l->tfd < 0)
		goto err_close_epoll;
	l->tlfd.fd = l->tfd;
	l->tlfd.ready = timers_ready;
	if (loop_add(l, &l->tlfd) < 0)
		goto err_close_timer;
	return 0;

err_close_timer:
	close(l->tfd);
err_close_epoll:
	close(l->epfd);
	return -1;
}

void loop_fini(struct loop *l)
{
	timer_heap_free(&l->timers);
	if (l->tfd >= 0)
		close(l->tfd);
	if (l->epfd >= 0)
		close(l->epfd);
	l->tfd = l->epfd = -1;
}

int loop_add(struct loop *l, struct loop_fd *lf)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = lf };

	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, lf->fd, &ev);
}

void loop_del(struct loop *l, struct loop_fd *lf)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, lf->fd, NULL);
}

int loop_run(struct loop *l, void (*after)(void *arg), void *arg)
{
	struct epoll_event ev[16];
	int n, i;

	while (!l->stop) {
		n = epoll_wait(l->epfd, ev, ARRAY_SIZE(ev), -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			log_err("epoll_wait: %s", strerror(errno));
			return -1;
		}
		for (i = 0; i < n; i++) {
			struct loop_fd *lf = ev[i].data.ptr;

			lf->ready(lf, ev[i].events);
			if (after)
				after(arg);
		}
	}
	return 0;
}
