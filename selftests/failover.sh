#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 600
#
# Preferred-peer failover with traffic: g1's tunnel lists g2 (default) and
# then g3, two gateways that serve the same inner address.  IOS
# (../shared/cisco/003_ef38c4bc03a0bd55.txt, "Default peer"): "DPD detects
# the failure of a device quickly and resets the peer list so that the
# default peer is tried for the next attempted connection", and "If the
# default peer is unresponsive, the next peer in the peer list becomes the
# current peer".  The module sends ESP to the tunnel's remote address, so
# the keyer must point vti1 at whichever peer its IKE SA is with: when g2
# dies (DPD), traffic makes g1 try its default g2 again, then g3, and
# pings cross again, now with g3; once g3 goes away too and g2 is back,
# g1 returns to g2.
#
#   ns g1 192.0.2.1, vti1 198.51.100.1 --+-- ns g2 192.0.2.2, vti1 198.51.100.2
#                                        `-- ns g3 192.0.2.3, vti1 198.51.100.2
#   (a bridge br0 in ns sw joins them)

source "$(dirname "$0")/lib.sh"
source "$KVTI_ROOT/selftests/keyer_lib.sh"

ns_add sw g1 g2 g3
ip -n sw link add br0 type bridge
ip -n sw link set br0 up
for n in 1 2 3; do
	ip link add e0 netns g$n type veth peer name p$n netns sw
	ip -n sw link set p$n master br0 up
	ip -n g$n -b - <<-EOF
	link set lo up
	addr add 192.0.2.$n/24 dev e0
	link set e0 up
	EOF
	# g1 starts pointed at g2; g2 and g3 at g1.
	kvti -n g$n tunnel add vti1 local 192.0.2.$n remote 192.0.2.$([ $n = 1 ] && echo 2 || echo 1)
	ip -n g$n -b - <<-EOF
	link set vti1 addrgenmode none
	link set vti1 up
	addr add 198.51.100.$([ $n = 1 ] && echo 1 || echo 2)/32 peer 198.51.100.$([ $n = 1 ] && echo 2 || echo 1)/32 dev vti1
	EOF
done
cat >"$D/g1.conf" <<EOF
retransmit-timeout = 1000
retransmit-tries = 2
keyring k { peer 192.0.2.0/24 { pre-shared-key = "failover.sh key" } }
ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k; dpd = 10 2 periodic }
ipsec-profile esp { proposals = aes256gcm16-esn }
tunnel vti1 { local = 192.0.2.1; peer = 192.0.2.2 default; peer = 192.0.2.3
	ike-profile = ike; ipsec-profile = esp }
EOF
for n in 2 3; do
	cat >"$D/g$n.conf" <<-EOF
	keyring k { peer 192.0.2.1 { pre-shared-key = "failover.sh key" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k }
	ipsec-profile esp { proposals = aes256gcm16-esn; responder-only = yes }
	tunnel vti1 { local = 192.0.2.$n; peer = 192.0.2.1; ike-profile = ike; ipsec-profile = esp }
	EOF
done
remote() { kvti -n g1 -j tunnel show vti1 | jq -r '.[0].remote'; }
g1_up_with() { # PEER: an established IKE SA with it, and vti1 pointed there
	local j
	j=$(ctl 1 show) || return 1
	jq -e --arg p "$1" '[.ike_sas[] | select(.state == "established" and .peer == $p
		and any(.child_sas[]; .state == "installed"))] | length == 1' <<<"$j" >/dev/null &&
		[ "$(remote)" = "$1" ]
}
ping12() { ip netns exec g1 ping -q -c 2 -i 0.3 -W $((3 * KVTI_SLOW)) 198.51.100.2; }
# Re-initiation is traffic-driven (ACQUIRE), as IOS: a ping, then look.
failed_over_to() { ip netns exec g1 ping -q -c 1 -W 1 198.51.100.2 >/dev/null; g1_up_with "$1"; }
rx() { kvti -n g$1 -j -s tunnel show vti1 | jq '.[0].stats.rx_packets'; }

check "g2 starts" start 2
check "g3 starts" start 3
check "g1 starts" start 1
check "g1 comes up with its default peer g2" eventually 60 g1_up_with 192.0.2.2
check "pings cross, to g2" ping12
g3rx=$(rx 3)

kill -9 "$(cat "$D/g2.pid")"
wait "$(cat "$D/g2.pid")" 2>/dev/null
ip -n g2 link set e0 down
check "g2 dies: DPD moves g1 to the next peer, g3, and vti1's remote with it" \
	eventually 60 failed_over_to 192.0.2.3
check "pings cross again, now to g3" ping12
check "... and g3 decrypted them" sh -c "[ $(rx 3) -gt $g3rx ]"
check_match "g1 logged the move" "trying the next peer, 192\.0\.2\.3" "$(cat "$D/g1.log")"

ip -n g2 link set e0 up
kvti -n g2 sa flush dev vti1
check "g2 comes back" start 2
kill -9 "$(cat "$D/g3.pid")"
wait "$(cat "$D/g3.pid")" 2>/dev/null
ip -n g3 link set e0 down
check "g3 dies: g1 goes back to its default peer g2" eventually 60 failed_over_to 192.0.2.2
check "pings cross, to g2 again" ping12
check "no kernel refusal logged" sh -c "! grep -E 'kernel: .*refused|backend refused' $D/g1.log"
check "g1 exits 0 on SIGTERM" stop 1
check "g2 exits 0 on SIGTERM" stop 2

if [ "$__kvti_failed" != 0 ]; then
	echo "    # --- g1 log (tail)"
	tail -n 40 "$D/g1.log" | sed 's/^/    # /'
fi
finish
