# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the tests that run kvti-keyer on the two gateways g1 and g2
# of lib.sh's kvti_gateways (ike.sh, rekey.sh, dpd.sh, ...), on
# nskeyer_lib.sh with N for namespace gN.  Source after lib.sh: it sets
# KEYER, CTL and D (a work directory, removed at exit), or skips the test
# when the keyer is not built; keyer gN reads $D/gN.conf, logs to
# $D/gN.log, answers on $D/gN.sock.

source "$KVTI_ROOT/selftests/nskeyer_lib.sh"

start() { local n=$1; shift; ns_start "g$n" "$@"; }	# N [OPTION...]
stop() { ns_stop "g$1"; }	# N: SIGTERM, and its exit status
ctl() { ns_ctl "g$1" "$2" ${3:+"$3"}; }	# N CMD [ARG]
n_sa() { kvti -n g$1 -j sa show dev "$2" | jq length; }	# N DEV
n_sa_is() { [ "$(n_sa "$1" "$2")" = "$3" ]; }
both_have() { n_sa_is 1 "$1" "$2" && n_sa_is 2 "$1" "$2"; }	# DEV COUNT
spis() { kvti -n g$1 -j sa show dev "$2" | jq -r ".[] | select(.dir == \"$3\") | .spi" | sort; }
# pair FROM TO DEV: FROM's outbound SPIs are TO's inbound SPIs.
pair() { local o; o=$(spis "$1" "$3" out); [ -n "$o" ] && [ "$o" = "$(spis "$2" "$3" in)" ]; }
ike_up() { # N DEV: an established IKE SA for the tunnel
	ctl "$1" show | jq -e ".ike_sas | map(select(.tunnel == \"$2\" and .state == \"established\")) | length == 1"
}
ping_ok() { ip netns exec g$1 ping -q -c 3 -i 0.2 -W 2 "$2"; }	# N ADDR
logged() { grep -Eq -- "$2" "$D/g$1.log"; }
# no_kernel_refusal: neither keyer logged the module refusing a request
# (printed if one did)
no_kernel_refusal() { ! grep -E 'kernel: .*refused|backend refused' "$D/g1.log" "$D/g2.log"; }

# xfer N ADDR: a TCP transfer from gN to ADDR (in the other netns), sha256
# compared at both ends.
xfer() {
	local from=$1 to=$((3 - $1)) addr=$2 port=$((5000 + RANDOM % 1000)) r s i pid
	ip netns exec g$to python3 "$KVTI_ROOT/selftests/tcp_xfer.py" recv "$addr" $port \
		>"$D/recv.out" 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q ready "$D/recv.out" && break
		sleep 0.1
	done
	s=$(ip netns exec g$from python3 "$KVTI_ROOT/selftests/tcp_xfer.py" send "$addr" $port 2000000)
	wait $pid
	r=$(grep -v ready "$D/recv.out")
	echo "sent $s received $r"
	[ -n "$s" ] && [ "$s" = "$r" ]
}

# keyer_logs [ERE]: after a failed check, the last 40 lines of both keyers'
# logs (those matching ERE, if given), for the diagnosis.
keyer_logs() {
	local n
	[ "$__kvti_failed" != 0 ] || return 0
	for n in 1 2; do
		echo "    # --- keyer g$n log (tail${1:+, lines matching $1})"
		grep -E -- "${1:-.}" "$D/g$n.log" | tail -n 40 | sed 's/^/    # /'
	done
}
