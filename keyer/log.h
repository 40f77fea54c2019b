/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvti-keyer - logging: one line per event, to stderr in the foreground
 * and to syslog (daemon facility) otherwise.  Callers never pass a key, a
 * PSK or a nonce; SPIs and addresses are what identifies an event.
 */
#ifndef KEYER_LOG_H
#define KEYER_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* log.c */
void log_init(bool to_stderr, bool debug);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif /* KEYER_LOG_H */
