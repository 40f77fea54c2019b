# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the tests whose keyers run in namespaces named after their
# role (hub, spokes, branches: dvti.sh, dvtinat.sh, fvrf.sh); keyer_lib.sh
# is the g1/g2 flavour.  Source after lib.sh: it sets KEYER, CTL and D (a
# work directory, removed at exit, as are the keyers left running), or
# skips the test when the keyer or jq is missing.  The keyer of namespace
# NAME reads $D/NAME.conf, logs to $D/NAME.log, answers on $D/NAME.sock.

KEYER=$KVTI_ROOT/keyer/kvti-keyer
CTL=$KVTI_ROOT/keyer/keyer-ctl
[ -x "$KEYER" ] && [ -x "$CTL" ] || skip_all "kvti-keyer not built (make -C keyer)"
command -v jq >/dev/null || skip_all "jq is needed"
D=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
at_exit rm -rf "$D"
at_exit sh -c "kill -9 \$(cat $D/*.pid 2>/dev/null) 2>/dev/null"

launch() { # NAME: its keyer, in the background
	rm -f "$D/$1.sock"
	ip netns exec "$1" "$KEYER" -c "$D/$1.conf" -f -d -s "$D/$1.sock" \
		>/dev/null 2>>"$D/$1.log" &
	echo $! >"$D/$1.pid"
}
wait_sock() { # NAME: its control socket is there
	local i
	for ((i = 0; i < 100 * KVTI_SLOW; i++)); do
		[ -S "$D/$1.sock" ] && return 0
		sleep 0.1
	done
	return 1
}
start() { launch "$1" && wait_sock "$1"; }
ctl() { "$CTL" "$D/$1.sock" "$2" ${3:+"$3"}; }
stop() { # NAME: SIGTERM, and its exit status
	local pid st=0
	pid=$(cat "$D/$1.pid")
	kill -TERM "$pid"
	wait "$pid" || st=$?
	return $st
}
# keyer_tails N NAME...: the last N lines of each log, as TAP comments.
keyer_tails() {
	local n=$1 name
	shift
	for name; do
		echo "    # --- $name log (tail)"
		tail -n "$n" "$D/$name.log" | sed 's/^/    # /'
	done
}
