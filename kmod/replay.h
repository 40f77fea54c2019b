/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti - anti-replay window with 64-bit extended sequence numbers
 * (RFC 4303 §3.4.3 and appendix A).
 *
 * Pure logic, no locking and no kernel dependencies beyond fixed-width
 * types, so that the same file is unit-tested in user space
 * (selftests/unit/replay_test.c).  The caller serialises check-and-advance
 * (sa.c holds the SA's replay lock).
 */
#ifndef _KVTI_REPLAY_H
#define _KVTI_REPLAY_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
/* User space: the unit test builds this file with the C library's types. */
#include <stdbool.h>
#include <linux/types.h>
typedef __u32 u32;
typedef __u64 u64;
#endif

#define KVTI_REPLAY_WORDS	(4096 / 64 + 1)

/*
 * The window is a ring of 64-bit words with one word more than the window
 * needs (RFC 6479): moving the top forward clears whole words, and the
 * spare word keeps the bits still inside the window intact.
 */
struct kvti_replay {
	u64 top;		/* highest authenticated sequence number, 0 = none */
	u32 size;		/* window in packets: 0 (off) or 32..4096 */
	u32 words;		/* ring length in use: size / 64 rounded up, + 1 */
	u64 ring[KVTI_REPLAY_WORDS];
};

enum kvti_replay_verdict {
	KVTI_REPLAY_OK,
	KVTI_REPLAY_DUP,	/* seen before */
	KVTI_REPLAY_OLD,	/* left of the window */
	KVTI_REPLAY_ZERO,	/* sequence number 0 is never sent */
};

void kvti_replay_init(struct kvti_replay *r, u32 size);
u64 kvti_replay_infer(const struct kvti_replay *r, u32 seq_lo, bool esn);
enum kvti_replay_verdict kvti_replay_check(const struct kvti_replay *r,
					   u64 seq);
enum kvti_replay_verdict kvti_replay_advance(struct kvti_replay *r, u64 seq);

#endif /* _KVTI_REPLAY_H */
