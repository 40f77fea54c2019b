#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 600
#
# NAT traversal (RFC 7296 2.23, RFC 3948) between two keyers, g1 behind a
# masquerading NAT that maps its ports into 40000-40099: IKE_SA_INIT's
# NAT_DETECTION hashes show the NAT to both, g1 floats to 4500 for
# IKE_AUTH, both tunnels switch to ESP in UDP (the module hooks the keyer's
# NAT-T socket), traffic flows both ways, a capture at g2 shows ESP only in
# UDP and g1's NAT-keepalives; when the NAT loses its mapping (conntrack
# flushed, a new port range) g2 follows g1's next IKE message to the new
# port and traffic flows again.
#
#   ns g1 (keyer, initiates)    ns nat                    ns g2 (keyer, passive)
#   vti1 198.51.100.1 ======== ESP in UDP 4500 ========== vti1 198.51.100.2
#   e1 192.0.2.1 ---- n1 192.0.2.254 | n2 203.0.113.254 ---- e2 203.0.113.2
#                          masquerade to :40000-40099

source "$(dirname "$0")/lib.sh"
source "$KVTI_ROOT/selftests/keyer_lib.sh"
command -v nft >/dev/null && command -v conntrack >/dev/null ||
	skip_all "nft and conntrack are needed (make deps)"

ns_add g1 nat g2
ip link add e1 netns g1 type veth peer name n1 netns nat
ip link add e2 netns g2 type veth peer name n2 netns nat
ip -n g1 addr add 192.0.2.1/24 dev e1
ip -n nat addr add 192.0.2.254/24 dev n1
ip -n nat addr add 203.0.113.254/24 dev n2
ip -n g2 addr add 203.0.113.2/24 dev e2
for l in g1/e1 nat/n1 nat/n2 g2/e2; do ip -n "${l%/*}" link set "${l#*/}" up; done
ip -n g1 route add default via 192.0.2.254
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
nat_rules() { # FIRST-LAST: the port range g1's flows are mapped into
	ip netns exec nat nft -f - <<-EOF
	flush ruleset
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "n2" ip saddr 192.0.2.0/24 meta l4proto udp masquerade to :$1
		}
	}
	EOF
}
check "the NAT masquerades g1 into ports 40000-40099" nat_rules 40000-40099

kvti -n g1 tunnel add vti1 local 192.0.2.1 remote 203.0.113.2
kvti -n g2 tunnel add vti1 local 203.0.113.2 remote 203.0.113.254
for n in 1 2; do
	ip -n g$n link set vti1 addrgenmode none
	ip -n g$n link set vti1 up
	ip -n g$n addr add 198.51.100.$n/32 peer 198.51.100.$((3 - n))/32 dev vti1
done

# conf N PEER LOCAL: g1 sends a NAT-keepalive after 5 quiet seconds.
conf() {
	cat >"$D/g$1.conf" <<-EOF
	${4:-}
	retransmit-timeout = 1000
	retransmit-tries = 6
	keyring k { peer $2 { pre-shared-key = "ikenat.sh key" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k }
	ipsec-profile esp { proposals = aes256gcm16 }
	tunnel vti1 { local = $3; peer = $2; ike-profile = ike; ipsec-profile = esp }
	EOF
}
conf 1 203.0.113.2 192.0.2.1 "nat-keepalive = 5"
conf 2 203.0.113.254 203.0.113.2

ip netns exec g2 python3 "$KVTI_ROOT/selftests/wire.py" e2 "$D/wire" &
echo $! >"$D/wire.pid"

ike() { ctl "$1" show | jq -r ".ike_sas[0].$2"; }	# N FIELD
tunnel() { kvti -n g$1 -j tunnel show vti1 | jq -r ".[0].$2"; }	# N FIELD
installed() { both_have vti1 2 && pair 1 2 vti1 && pair 2 1 vti1; }
wire() { grep -c "^$1 " "$D/wire" || true; }	# KIND: packets seen at g2

check "keyer g2 starts (passive)" start 2 --passive
check "keyer g1 starts and initiates" start 1
check "one CHILD SA pair, the same on both sides" eventually 60 installed
check_eq "g1 sees the NAT in front of itself" true "$(ike 1 nat_local)"
check_eq "g2 sees the NAT in front of its peer" true "$(ike 2 nat_remote)"
check_eq "g1 floated to 4500 on both ends" "4500 4500" "$(ike 1 local_port) $(ike 1 peer_port)"
port=$(ike 2 peer_port)
check_match "g2 talks to the NAT's mapping of g1's port 4500 ($port)" '^400[0-9][0-9]$' "$port"
check_eq "g1's tunnel: ESP in UDP 4500 -> 4500" "udp 4500 4500" \
	"$(tunnel 1 encap) $(tunnel 1 sport) $(tunnel 1 dport)"
check_eq "g2's tunnel: ESP in UDP 4500 -> the mapped port" "udp 4500 $port" \
	"$(tunnel 2 encap) $(tunnel 2 sport) $(tunnel 2 dport)"
check "ping g1 -> g2 through the tunnel" ping_ok 1 198.51.100.2
check "ping g2 -> g1 through the tunnel" ping_ok 2 198.51.100.1
check "TCP g1 -> g2, 2 MB, sha256 equal" xfer 1 198.51.100.2
check "the capture at g2 saw ESP in UDP ($(wire esp-udp) packets)" test "$(wire esp-udp)" -gt 10
check_eq "... and no raw ESP" 0 "$(wire esp)"
check "g1's NAT-keepalives reach g2 through the NAT once the tunnel is quiet" eventually 30 \
	sh -c "grep -q '^keepalive 203.0.113.254 400[0-9][0-9] 203.0.113.2 4500 ' $D/wire"
check "g1 counts the keepalives it sent" sh -c "[ \$('$CTL' $D/g1.sock stats | jq .nat_keepalives) -ge 1 ]"
# RFC 3948 2.3, and IOS: no keepalive while ESP keeps the mapping alive.
# 3 keepalive intervals of 2 echoes a second from g1: none sent (counted
# from 2 s into the ping, so that one sent just before it does not count).
ip netns exec g1 ping -q -c 36 -i 0.5 -W 2 198.51.100.2 >/dev/null &
pid=$!
sleep 2
ka0=$(wire keepalive)
wait $pid
check_eq "no NAT-keepalive from g1 while its ESP flows (16 s)" "$ka0" "$(wire keepalive)"

# The NAT forgets g1 and maps it elsewhere: g2 follows g1's next IKE message.
check "the NAT now maps into 40100-40199" nat_rules 40100-40199
ip netns exec nat conntrack -F >/dev/null 2>&1
check "g1 rekeys the CHILD SA through the new mapping" ctl 1 rekey vti1
moved() { case $(ike 2 peer_port) in 401[0-9][0-9]) installed ;; *) false ;; esac; }
check "g2 follows g1 to its new port, one CHILD SA pair again" eventually 60 moved
port=$(ike 2 peer_port)
check_eq "g2's tunnel sends to the new port" "udp $port" "$(tunnel 2 encap) $(tunnel 2 dport)"
check "g2 counts one peer float" sh -c "[ \$('$CTL' $D/g2.sock stats | jq .peer_floats) = 1 ]"
check "ping g2 -> g1 after the move" ping_ok 2 198.51.100.1
check "ping g1 -> g2 after the move" ping_ok 1 198.51.100.2
check_eq "still no raw ESP at g2" 0 "$(wire esp)"
keyer_logs "NAT|float|ESP in|moved|encap|refused"

check "keyer g1 stops (DELETE sent)" stop 1
check "keyer g2 stops" stop 2
check_eq "no SA left in g1" 0 "$(n_sa 1 vti1)"
check_eq "no SA left in g2" 0 "$(n_sa 2 vti1)"
kill "$(cat "$D/wire.pid")" 2>/dev/null
rm -f "$D/wire.pid"
finish
