// SPDX-License-Identifier: GPL-2.0
/*
 * kvti - per-CPU counters, one per enum kvti_stat, for tunnels and SAs.
 *
 * Each CPU writes only its own copy (data path, BH off or softirq);
 * readers sum all copies under the u64_stats retry loop.
 */
#include <linux/percpu.h>
#include <linux/string.h>

#include "kvti.h"

void kvti_stats_add(struct kvti_pcpu_stats __percpu *stats,
		    enum kvti_stat what, u64 n)
{
	struct kvti_pcpu_stats *s = get_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	s->c[what] += n;
	u64_stats_update_end(&s->syncp);
	put_cpu_ptr(stats);
}

/* Sums every counter over all CPUs into sum[__KVTI_STAT_MAX]. */
void kvti_stats_sum(struct kvti_pcpu_stats __percpu *stats, u64 *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(u64) * __KVTI_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct kvti_pcpu_stats *s = per_cpu_ptr(stats, cpu);
		u64 snap[__KVTI_STAT_MAX];
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(snap, s->c, sizeof(snap));
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < __KVTI_STAT_MAX; i++)
			sum[i] += snap[i];
	}
}

/*
 * Zeroes the counters.  A packet counted on another CPU at the same moment
 * may survive the clear; for an operator's "clear counters" that is fine.
 */
void kvti_stats_zero(struct kvti_pcpu_stats __percpu *stats)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kvti_pcpu_stats *s = per_cpu_ptr(stats, cpu);

		local_bh_disable();
		u64_stats_update_begin(&s->syncp);
		memset(s->c, 0, sizeof(s->c));
		u64_stats_update_end(&s->syncp);
		local_bh_enable();
	}
}
