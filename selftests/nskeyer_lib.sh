# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the tests whose keyers run in namespaces named after their
# role (hub, spokes, branches: dvti.sh, dvtinat.sh, fvrf.sh); keyer_lib.sh
# builds the g1/g2 flavour on it.  Source after lib.sh: it sets KEYER, CTL
# and D (a work directory, removed at exit, as are the keyers left
# running), or skips the test when the keyer or jq is missing.  The keyer
# of namespace NAME reads $D/NAME.conf, logs to $D/NAME.log, answers on
# $D/NAME.sock.

KEYER=$KVTI_ROOT/keyer/kvti-keyer
CTL=$KVTI_ROOT/keyer/keyer-ctl
[ -x "$KEYER" ] && [ -x "$CTL" ] || skip_all "kvti-keyer not built (make -C keyer)"
command -v jq >/dev/null || skip_all "jq is needed"
D=$(mktemp -d "/tmp/$(basename "$0" .sh).XXXXXX")
at_exit rm -rf "$D"
at_exit sh -c "kill -9 \$(cat $D/*.pid 2>/dev/null) 2>/dev/null"

launch() { # NAME [OPTION...]: its keyer, in the background
	local name=$1
	shift
	rm -f "$D/$name.sock"
	ip netns exec "$name" "$KEYER" -c "$D/$name.conf" -f -d -s "$D/$name.sock" "$@" \
		>/dev/null 2>>"$D/$name.log" &
	echo $! >"$D/$name.pid"
}
wait_sock() { # NAME: its control socket is there (20 s, KVTI_SLOW times)
	local i
	for ((i = 0; i < 200 * KVTI_SLOW; i++)); do
		[ -S "$D/$1.sock" ] && return 0
		sleep 0.1
	done
	return 1
}
ns_start() { launch "$@" && wait_sock "$1"; }
ns_ctl() { "$CTL" "$D/$1.sock" "$2" ${3:+"$3"}; }
ns_stop() { # NAME: SIGTERM, and its exit status
	local pid st=0
	pid=$(cat "$D/$1.pid")
	kill -TERM "$pid"
	wait "$pid" || st=$?
	return $st
}
start() { ns_start "$@"; }
ctl() { ns_ctl "$@"; }
stop() { ns_stop "$@"; }
# keyer_tails N NAME...: the last N lines of each log, as TAP comments.
keyer_tails() {
	local n=$1 name
	shift
	for name; do
		echo "    # --- $name log (tail)"
		tail -n "$n" "$D/$name.log" | sed 's/^/    # /'
	done
}
