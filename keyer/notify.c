// SPDX-License-Identifier: GPL-2.0
/*
 * kvti-keyer - the systemd readiness protocol, by hand (sd_notify(3)
 * without libsystemd): one datagram of "KEY=VALUE" lines to the Unix
 * socket named by $NOTIFY_SOCKET ('@' at the start: the abstract
 * namespace).  Nothing happens without the variable, so this costs
 * nothing outside systemd; failures are ignored, as sd_notify's are.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "keyer.h"

void notify(const char *state)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = getenv("NOTIFY_SOCKET");
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, path, len);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sun,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0)
		log_debug("NOTIFY_SOCKET %s: %s", path, strerror(errno));
	close(fd);
}
