// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - anti-replay window and ESN inference; see replay.h.
 */
#ifdef __KERNEL__
#include <linux/string.h>
#else
#include <string.h>
#endif
#include "replay.h"

void kvti_replay_init(struct kvti_replay *r, u32 size)
{
	memset(r, 0, sizeof(*r));
	r->size = size;
	r->words = (size + 63) / 64 + 1;
}

/*
 * The 64-bit sequence number a received packet most likely carries, from
 * its low 32 bits and the window (RFC 4303 appendix A2.2).  Without ESN
 * the high half is always 0.  With the window off, a window of 64 is
 * assumed for the inference only.
 */
u64 kvti_replay_infer(const struct kvti_replay *r, u32 seq_lo, bool esn)
{
	u32 w = r->size ? r->size : 64;
	u32 tl = (u32)r->top, th = (u32)(r->top >> 32);
	u32 bottom = tl - w + 1;	/* wraps on purpose */

	if (!esn)
		return seq_lo;
	if (tl >= w - 1) {
		/* The window lies within one 2^32 subspace. */
		if (seq_lo >= bottom)
			return (u64)th << 32 | seq_lo;
		return (u64)(th + 1) << 32 | seq_lo;
	}
	/* The window straddles two subspaces; at th == 0 nothing is below. */
	if (seq_lo >= bottom && th)
		return (u64)(th - 1) << 32 | seq_lo;
	return (u64)th << 32 | seq_lo;
}

static u64 *word_of(struct kvti_replay *r, u64 seq)
{
	return &r->ring[(seq / 64) % r->words];
}

enum kvti_replay_verdict kvti_replay_check(const struct kvti_replay *r,
					   u64 seq)
{
	if (!seq)
		return KVTI_REPLAY_ZERO;
	if (!r->size || seq > r->top)
		return KVTI_REPLAY_OK;
	if (r->top - seq >= r->size)
		return KVTI_REPLAY_OLD;
	if (r->ring[(seq / 64) % r->words] & (1ULL << (seq % 64)))
		return KVTI_REPLAY_DUP;
	return KVTI_REPLAY_OK;
}

/* Records an authenticated packet; checks again, as another CPU may have
 * recorded the same number since the pre-check.
 */
enum kvti_replay_verdict kvti_replay_advance(struct kvti_replay *r, u64 seq)
{
	enum kvti_replay_verdict v = kvti_replay_check(r, seq);

	if (v != KVTI_REPLAY_OK)
		return v;
	if (!r->size) {
		if (seq > r->top)
			r->top = seq;
		return KVTI_REPLAY_OK;
	}
	if (seq > r->top) {
		u64 from = r->top / 64, to = seq / 64, i;

		if (to - from >= r->words) {
			memset(r->ring, 0, sizeof(r->ring[0]) * r->words);
		} else {
			for (i = from + 1; i <= to; i++)
				r->ring[i % r->words] = 0;
		}
		r->top = seq;
	}
	*word_of(r, seq) |= 1ULL << (seq % 64);
	return KVTI_REPLAY_OK;
}
