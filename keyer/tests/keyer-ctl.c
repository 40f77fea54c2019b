// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' client for the keyer's control socket (the operator's is
 * `kvti session`, in tools/): keyer-ctl SOCKET COMMAND [ARG] sends one
 * line and prints the JSON answer.  Exit 1 if the keyer is not there.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char line[256], reply[4096];
	ssize_t n;
	int fd;

	if (argc < 3 || argc > 4 || strlen(argv[1]) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "usage: keyer-ctl SOCKET COMMAND [ARG]\n");
		return 2;
	}
	snprintf(line, sizeof(line), "%s%s%s\n", argv[2], argc == 4 ? " " : "",
		 argc == 4 ? argv[3] : "");
	strcpy(sun.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		fprintf(stderr, "keyer-ctl: the keyer is not running (%s: %s)\n", argv[1],
			strerror(errno));
		return 1;
	}
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line))
		return 1;
	while ((n = read(fd, reply, sizeof(reply))) > 0)
		fwrite(reply, 1, (size_t)n, stdout);
	close(fd);
	return n < 0;
}
