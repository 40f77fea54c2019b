// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven tests of kmod/replay.c (anti-replay window, ESN inference),
 * built and run on the host by `make check`.  Prints TAP 13.
 */
#include <inttypes.h>
#include <stdio.h>
#include "../../kmod/replay.c"

static int failed, n;

static void ok(int cond, const char *what, uint64_t a, uint64_t b)
{
	n++;
	if (cond) {
		printf("ok %d - %s\n", n, what);
	} else {
		failed++;
		printf("not ok %d - %s (got %" PRIu64 ", want %" PRIu64 ")\n",
		       n, what, a, b);
	}
}

struct step {
	uint64_t seq;
	enum kvti_replay_verdict want;
};

struct window_case {
	const char *name;
	u32 size;
	struct step steps[16];
};

/* Each case feeds its steps through advance() in order. */
static const struct window_case windows[] = {
	/* 1. in-order packets are accepted, a repeat is a duplicate */
	{ "in order, then repeat", 64,
	  { { 1, KVTI_REPLAY_OK }, { 2, KVTI_REPLAY_OK }, { 3, KVTI_REPLAY_OK },
	    { 2, KVTI_REPLAY_DUP }, { 0, 0 } } },
	/* 2. sequence number 0 is never valid */
	{ "zero", 64, { { 0, KVTI_REPLAY_ZERO } } },
	/* 3. reordering inside the window is fine, outside it is old */
	{ "reorder within window", 64,
	  { { 100, KVTI_REPLAY_OK }, { 37, KVTI_REPLAY_OK }, { 36, KVTI_REPLAY_OLD },
	    { 99, KVTI_REPLAY_OK }, { 99, KVTI_REPLAY_DUP }, { 0, 0 } } },
	/* 4. window of 32: exactly 32 packets back is old, 31 is fine */
	{ "edge of a 32 window", 32,
	  { { 64, KVTI_REPLAY_OK }, { 33, KVTI_REPLAY_OK }, { 32, KVTI_REPLAY_OLD },
	    { 0, 0 } } },
	/* 5. a jump of more than the window clears all history */
	{ "big jump", 64,
	  { { 5, KVTI_REPLAY_OK }, { 5000, KVTI_REPLAY_OK }, { 4937, KVTI_REPLAY_OK },
	    { 4936, KVTI_REPLAY_OLD }, { 5, KVTI_REPLAY_OLD }, { 0, 0 } } },
	/* 6. bits of an old word are not mistaken for new ones after wrap */
	{ "ring reuse", 64,
	  { { 1, KVTI_REPLAY_OK }, { 129, KVTI_REPLAY_OK }, { 65, KVTI_REPLAY_OLD },
	    { 66, KVTI_REPLAY_OK }, { 130, KVTI_REPLAY_OK }, { 0, 0 } } },
	/* 7. window off: anything but 0 goes, even repeats */
	{ "window off", 0,
	  { { 7, KVTI_REPLAY_OK }, { 7, KVTI_REPLAY_OK }, { 1, KVTI_REPLAY_OK },
	    { 0, 0 } } },
	/* 8. the largest window keeps 4096 packets */
	{ "window 4096", 4096,
	  { { 10000, KVTI_REPLAY_OK }, { 5905, KVTI_REPLAY_OK },
	    { 5904, KVTI_REPLAY_OLD }, { 5905, KVTI_REPLAY_DUP }, { 0, 0 } } },
	/* 9. ESN-sized numbers across the 2^32 boundary */
	{ "across 2^32", 64,
	  { { 0xfffffffeULL, KVTI_REPLAY_OK }, { 0x100000001ULL, KVTI_REPLAY_OK },
	    { 0xffffffffULL, KVTI_REPLAY_OK }, { 0xfffffffeULL, KVTI_REPLAY_DUP },
	    { 0x100000000ULL, KVTI_REPLAY_OK }, { 0, 0 } } },
};

struct infer_case {
	const char *name;
	u32 size;
	uint64_t top;
	u32 seq_lo;
	bool esn;
	uint64_t want;
};

static const struct infer_case infers[] = {
	/* 1. no ESN: the high half is always 0 */
	{ "no esn", 64, 0x500000000ULL, 7, false, 7 },
	/* 2. ESN, window inside one subspace, number in the window */
	{ "esn same subspace", 64, 0x300001000ULL, 0x1000 - 10, true, 0x300000ff6ULL },
	/* 3. ESN, below the window bottom: the next subspace */
	{ "esn wrapped ahead", 64, 0x3ffffff00ULL, 5, true, 0x400000005ULL },
	/* 4. ESN, window straddles: a large low half is the previous subspace */
	{ "esn straddle behind", 64, 0x400000010ULL, 0xfffffff0U, true, 0x3fffffff0ULL },
	/* 5. ESN, window straddles: a small low half stays in this subspace */
	{ "esn straddle ahead", 64, 0x400000010ULL, 0x20, true, 0x400000020ULL },
	/* 6. ESN at the very start: nothing lies below subspace 0 */
	{ "esn start", 64, 0, 0xfffffff0U, true, 0xfffffff0ULL },
	/* 7. ESN with the window off infers with 64 */
	{ "esn window off", 0, 0x1fffffff0ULL, 3, true, 0x200000003ULL },
};

int main(void)
{
	unsigned int i, j;

	printf("TAP version 13\n");
	for (i = 0; i < sizeof(windows) / sizeof(windows[0]); i++) {
		const struct window_case *c = &windows[i];
		struct kvti_replay r;
		char what[128];

		kvti_replay_init(&r, c->size);
		for (j = 0; j < 16; j++) {
			const struct step *s = &c->steps[j];
			enum kvti_replay_verdict pre, got;

			if (!s->seq && j)
				break;
			pre = kvti_replay_check(&r, s->seq);
			got = kvti_replay_advance(&r, s->seq);
			snprintf(what, sizeof(what), "%s: step %u seq %#" PRIx64,
				 c->name, j + 1, s->seq);
			ok(got == s->want && pre == got, what, got, s->want);
		}
	}
	for (i = 0; i < sizeof(infers) / sizeof(infers[0]); i++) {
		const struct infer_case *c = &infers[i];
		struct kvti_replay r;
		uint64_t got;

		kvti_replay_init(&r, c->size);
		r.top = c->top;
		got = kvti_replay_infer(&r, c->seq_lo, c->esn);
		ok(got == c->want, c->name, got, c->want);
	}
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
