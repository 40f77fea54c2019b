/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - the timer heap: every armed struct timer (ikesa.h) in one
 * binary min-heap by deadline, so the loop arms its one timerfd for the
 * first and nothing polls.  A timer knows its place in the heap
 * (->heap_index), so stopping or moving it is O(log n).
 */
#ifndef KEYER_TIMER_H
#define KEYER_TIMER_H

#include <stddef.h>
#include <stdint.h>

#include "ikesa.h"

struct timer_heap {
	struct timer	**v;
	size_t		  n, cap;
};

/* timer.c */
int timer_heap_set(struct timer_heap *h, struct timer *t, uint64_t when_ms);
void timer_heap_del(struct timer_heap *h, struct timer *t);
struct timer *timer_heap_first(const struct timer_heap *h);
void timer_heap_free(struct timer_heap *h);

static inline int timer_armed(const struct timer *t)
{
	return t->when_ms != 0;
}

#endif /* KEYER_TIMER_H */
