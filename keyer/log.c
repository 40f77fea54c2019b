// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - logging (log.h).
 */
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
