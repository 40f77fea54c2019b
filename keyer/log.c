// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - logging (log.h).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "log.h"

static bool use_stderr = true;
static bool want_debug;

void log_init(bool to_stderr, bool debug)
{
	use_stderr = to_stderr;
	want_debug = debug;
	if (!to_stderr)
		openlog("kvti-keyer", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_msg(int prio, const char *fmt, ...)
{
	static const char *const level[] = {
		[LOG_ERR] = "error: ", [LOG_WARNING] = "warning: ",
		[LOG_INFO] = "", [LOG_DEBUG] = "debug: ",
	};
	va_list ap;

	if (prio == LOG_DEBUG && !want_debug)
		return;
	va_start(ap, fmt);
	if (use_stderr) {
		fprintf(stderr, "kvti-keyer: %s",
			prio >= 0 && prio <= LOG_DEBUG && level[prio] ? level[prio] : "");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

/* true: skip this line (counted); false: log it. */
bool log_limited(struct log_limit *l, uint64_t now_ms)
{
	uint64_t add = l->ms ? (now_ms - l->ms) / LOG_GAP_MS : LOG_BURST;

	if (add) {
		l->tokens = add >= LOG_BURST - l->tokens ? LOG_BURST : l->tokens + (unsigned int)add;
		l->ms = now_ms ? now_ms : 1;
	}
	if (!l->tokens) {
		l->held++;
		return true;
	}
	l->tokens--;
	if (l->held) {
		log_msg(LOG_INFO, "(%" PRIu64 " more lines like the next held back: rate limit)",
			l->held);
		l->held = 0;
	}
	return false;
}
