/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The keyer's test harness: TAP lines on stdout, exit status 1 if any
 * check failed.  Each test program includes this once; tests/run.sh runs
 * them all and sums up.
 */
#ifndef KEYER_TAP_H
#define KEYER_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

static int tap_count, tap_failed;

#define CHECK(cond, ...)						\
	do {								\
		tap_count++;						\
		if (cond) {						\
			printf("ok %d - ", tap_count);			\
		} else {						\
			tap_failed++;					\
			printf("not ok %d - %s:%d: ", tap_count,	\
			       __FILE__, __LINE__);			\
		}							\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	} while (0)

#define CHECK_STR(got, want, ...)					\
	do {								\
		const char *_g = (got), *_w = (want);			\
		int _ok = _g && !strcmp(_g, _w);			\
		CHECK(_ok, __VA_ARGS__);				\
		if (!_ok)						\
			printf("#   got:  %s\n#   want: %s\n",		\
			       _g ? _g : "(null)", _w);			\
	} while (0)

static inline void tap_hex(const char *tag, const uint8_t *p, size_t len)
{
	size_t i;

	printf("#   %s (%zu):", tag, len);
	for (i = 0; i < len; i++)
		printf("%s%02x", i % 32 ? "" : "\n#     ", p[i]);
	printf("\n");
}

/* Bytes against a hex string (spaces allowed), printing both on failure. */
#define CHECK_HEX(got, got_len, want_hex, ...)				\
	do {								\
		struct buf *_w = buf_from_hex(want_hex);		\
		const uint8_t *_g = (got);				\
		size_t _gl = (got_len);					\
		int _ok = _w && _g && _w->len == _gl &&			\
			  !memcmp(_g, _w->data, _gl);			\
		CHECK(_ok, __VA_ARGS__);				\
		if (!_ok) {						\
			if (_g)						\
				tap_hex("got", _g, _gl);		\
			if (_w)						\
				tap_hex("want", _w->data, _w->len);	\
		}							\
		buf_free(_w);						\
	} while (0)

/* A hex string as a fresh buffer, or exit: vectors are constants. */
static inline struct buf *hexbuf(const char *hex)
{
	struct buf *b = buf_from_hex(hex);

	if (!b) {
		printf("Bail out! bad hex constant %.40s\n", hex);
		exit(2);
	}
	return b;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tap_failed)
		printf("# %d of %d failed\n", tap_failed, tap_count);
	return tap_failed ? 1 : 0;
}

#endif /* KEYER_TAP_H */
