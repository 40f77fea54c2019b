// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - where the fuzzer's seed corpus comes from (keyer/fuzz/).
 * With KVTI_KEYER_DUMP=DIR in its environment, a keyer built for the tests
 * (tests/obj/, compiled with -DKEYER_DUMP) writes every IKE datagram it
 * receives, and the decrypted chain of every SK payload it opens, to one
 * file each in DIR.  The daemon `make` builds has no such path at all: a
 * decrypted chain carries AUTH values and identities, which have no
 * business on a gateway's disk, and an environment variable is too easy to
 * leave set.
 *
 * Files: msg-PID-SEQ.bin holds a datagram as received (non-ESP marker
 * stripped); inner-PID-SEQ.bin holds one byte, the type of the first inner
 * payload (the SK payload's next-payload field), then the inner chain with
 * padding removed: the input format of fuzz/fuzz_inner.c.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyer.h"

#ifdef KEYER_DUMP
static void dump_file(const char *kind, uint8_t first, bool with_first,
		      const uint8_t *p, size_t len)
{
	static unsigned int seq;
	const char *dir = getenv("KVTI_KEYER_DUMP");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/%s-%ld-%04u.bin", dir, kind, (long)getpid(), seq++);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if ((with_first && write(fd, &first, 1) != 1) ||
	    write(fd, p, len) != (ssize_t)len)
		log_warn("dump: short write to %s", path);
	close(fd);
}
#endif

void dump_datagram(const uint8_t *p, size_t len)
{
#ifdef KEYER_DUMP
	dump_file("msg", 0, false, p, len);
#else
	(void)p;
	(void)len;
#endif
}

void dump_inner(uint8_t first, const uint8_t *p, size_t len)
{
#ifdef KEYER_DUMP
	dump_file("inner", first, true, p, len);
#else
	(void)first;
	(void)p;
	(void)len;
#endif
}
