// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the timer heap (timer.h).
 */
#include <stdlib.h>

#include "timer.h"

static void place(struct timer_heap *h, size_t i, struct timer *t)
{
	h->v[i] = t;
	t->heap_index = i;
}

static void sift_up(struct timer_heap *h, size_t i)
{
	struct timer *t = h->v[i];

	while (i > 0 && h->v[(i - 1) / 2]->when_ms > t->when_ms) {
		place(h, i, h->v[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	place(h, i, t);
}

static void sift_down(struct timer_heap *h, size_t i)
{
	struct timer *t = h->v[i];
	size_t c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->when_ms < h->v[c]->when_ms)
			c++;
		if (h->v[c]->when_ms >= t->when_ms)
			break;
		place(h, i, h->v[c]);
		i = c;
	}
	place(h, i, t);
}

/* Arm @t for @when_ms (not 0), or move it there if it is armed already. */
int timer_heap_set(struct timer_heap *h, struct timer *t, uint64_t when_ms)
{
	struct timer **v;

	if (!when_ms)
		when_ms = 1;
	if (timer_armed(t)) {
		t->when_ms = when_ms;
		sift_up(h, t->heap_index);
		sift_down(h, t->heap_index);
		return 0;
	}
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 64;

		v = realloc(h->v, cap * sizeof(*v));
		if (!v)
			return -1;
		h->v = v;
		h->cap = cap;
	}
	t->when_ms = when_ms;
	place(h, h->n++, t);
	sift_up(h, h->n - 1);
	return 0;
}

void timer_heap_del(struct timer_heap *h, struct timer *t)
{
	size_t i = t->heap_index;

	if (!timer_armed(t) || i >= h->n || h->v[i] != t)
		return;
	t->when_ms = 0;
	h->n--;
	if (i == h->n)
		return;
	place(h, i, h->v[h->n]);
	sift_up(h, i);
	sift_down(h, h->v[i]->heap_index);
}

struct timer *timer_heap_first(const struct timer_heap *h)
{
	return h->n ? h->v[0] : NULL;
}

void timer_heap_free(struct timer_heap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
