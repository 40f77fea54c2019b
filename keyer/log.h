/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - logging: one line per event, to stderr in the foreground
 * and to syslog (daemon facility) otherwise.  Callers never pass a key, a
 * PSK or a nonce; SPIs and addresses are what identifies an event.
 */
#ifndef KEYER_LOG_H
#define KEYER_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

/*
 * A rate limit for lines anyone on the network can cause (refused
 * IKE_SA_INITs under a flood): LOG_BURST in a row, then one a second; how
 * many were held back is said before the next one.
 */
#define LOG_BURST	10
#define LOG_GAP_MS	1000

struct log_limit {
	uint64_t	ms;	/* last refill; 0: never used */
	unsigned int	tokens;
	uint64_t	held;
};

/* log.c */
void log_init(bool to_stderr, bool debug);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool log_limited(struct log_limit *l, uint64_t now_ms);

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif /* KEYER_LOG_H */
