# SPDX-License-Identifier: GPL-2.0
#
# What the keyer's host test scripts share (keyers.sh, reload.sh,
# session.sh, install.sh): TAP lines, polling by the clock, a work
# directory, and starting and stopping kvti-keyer on the decoupled
# backend.  Sourced (POSIX sh, set -u) right after the script's arguments
# are read:
#   need_jq SCRIPT             bail out without jq
#   in_netns "$0" "$@"         run again in a user + network namespace when
#                              unshare allows it (KEYERS_IN_NETNS=1 there)
#   workdir NAME               $T, the keyers in it killed at exit; kept
#                              when a check failed
#   ports BASE SALT            $PORT: BASE in our own namespace (lo up),
#                              else a spread one on the host's loopback
#   ok STATUS DESC, check DESC CMD..., eventually SECONDS CMD...
#   start NAME [OPTIONS...]    $T/NAME.conf, socket $T/NAME.sock, log
#                              $T/NAME.log; $START_OPTS go first
#   stop NAME                  SIGTERM; exit status 0 is a check (ASan)

n=0
failed=0
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

need_jq() {
	command -v jq >/dev/null && return 0
	echo "Bail out! $1 reads the keyer's JSON with jq: apt-get install jq"
	exit 1
}

in_netns() {
	if [ -z "${KEYERS_IN_NETNS:-}" ] && unshare -rn true 2>/dev/null; then
		KEYERS_IN_NETNS=1 exec unshare -rn sh "$@"
	fi
}

workdir() {
	T=$(mktemp -d "/tmp/$1.XXXXXX")
	trap 'kill -9 $(cat "$T"/*.pid 2>/dev/null) 2>/dev/null; [ $failed -eq 0 ] && rm -rf "$T"' EXIT
}

ports() {
	if [ -n "${KEYERS_IN_NETNS:-}" ]; then
		PORT=$1
		ip link set lo up
	else
		PORT=$((20000 + ($$ + $2) % 20000))
	fi
}

ok() {	# ok CONDITION-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

check() {	# check DESCRIPTION COMMAND...
	d=$1
	shift
	"$@"
	ok $? "$d"
}

eventually() {	# eventually SECONDS COMMAND...: by the clock, not by tries
	end=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge $end ] && return 1
		sleep 0.05
	done
}

start() {	# start NAME [OPTIONS...]
	name=$1
	shift
	rm -f "$T/$name.sock"
	"$KEYER" -c "$T/$name.conf" -f -d --decoupled ${START_OPTS:-} -s "$T/$name.sock" "$@" \
		2>>"$T/$name.log" &
	echo $! >"$T/$name.pid"
	i=0
	while [ ! -S "$T/$name.sock" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

stop() {	# stop NAME: SIGTERM, and the keyer must exit 0 (ASan: no leak)
	pid=$(cat "$T/$1.pid")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	st=$?
	rm -f "$T/$1.pid"
	ok $st "keyer $1 exits cleanly on SIGTERM (status $st)"
}
