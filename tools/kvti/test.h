/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The smallest test harness: TAP lines on stdout, exit status 1 if any
 * check failed.  Each unit test includes this once.
 */
#ifndef KVTI_TEST_H
#define KVTI_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_count, test_failed;

#define CHECK(cond, ...)						\
	do {								\
		test_count++;						\
		if (cond) {						\
			printf("ok %d - ", test_count);			\
		} else {						\
			test_failed++;					\
			printf("not ok %d - %s:%d: ", test_count,	\
			       __FILE__, __LINE__);			\
		}							\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	} while (0)

#define CHECK_STR(got, want, ...)					\
	do {								\
		const char *_g = (got), *_w = (want);			\
		CHECK(_g && !strcmp(_g, _w), __VA_ARGS__);		\
		if (!_g || strcmp(_g, _w))				\
			printf("#   got:  %s\n#   want: %s\n",		\
			       _g ? _g : "(null)", _w);			\
	} while (0)

static inline int test_done(void)
{
	printf("1..%d\n", test_count);
	if (test_failed)
		printf("# %d of %d failed\n", test_failed, test_count);
	return test_failed ? 1 : 0;
}

#endif /* KVTI_TEST_H */
