#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 600
#
# Front-door VRFs (FVRF, IOS "tunnel vrf"): the outer side of a tunnel or a
# template in a Linux VRF, so that IKE and ESP are routed by that VRF's
# table and the keyring is selected by it.  IOS
# (../shared/cisco/003_ef38c4bc03a0bd55.txt, "VRF-Aware IPsec"): "the local
# endpoint of the IPsec tunnel belongs to the FVRF while the source and
# destination addresses of the inside packet belong to the IVRF", "The
# IPSec encapsulated packet is then forwarded using the FVRF routing
# table", and of "crypto keyring NAME vrf FVRF": "The key in the keyring is
# searched if the local endpoint is in FVRF."
#
# Two customers share nothing but the hub: each has its own outer VRF on
# the hub with the SAME outer address (198.51.100.1), the same branch
# address (198.51.100.2), the same branch LAN (203.0.113.77), and its own
# pre-shared key.  Both come up, each on a clone of its customer's template
# whose underlay is that customer's FVRF and whose inner side is that
# customer's IVRF; each reaches its own hub network only.  That both keys
# work from one peer address proves the keyring was chosen by the VRF the
# IKE_SA_INIT arrived in.  Branch B is itself a static tunnel with an
# FVRF (its uplink in VRF wan).
#
#   ns hub: inet-a (VRF, table 201) wa 198.51.100.1/24 -- ns ba e0 198.51.100.2
#           inet-b (VRF, table 202) wb 198.51.100.1/24 -- ns bb e0 198.51.100.2
#                                                         (in VRF wan, table 10)
#           cust-a (VRF, table 101): 192.0.2.10, template vta (fvrf inet-a)
#           cust-b (VRF, table 102): 192.0.2.20, template vtb (fvrf inet-b)
#   branches: LAN 203.0.113.77, vti1 -> 198.51.100.1, route 192.0.2.0/24

source "$(dirname "$0")/lib.sh"
source "$KVTI_ROOT/selftests/nskeyer_lib.sh"
modprobe vrf 2>/dev/null
ns_add fvrf-probe
ip -n fvrf-probe link add probe-vrf type vrf table 4242 2>/dev/null ||
	skip_all "the kernel has no VRF device (module vrf)"
ip netns del fvrf-probe

# --- the hub ---------------------------------------------------------------
ns_add hub ba bb
ip -n hub -b - <<EOF
link add inet-a type vrf table 201
link add inet-b type vrf table 202
link add cust-a type vrf table 101
link add cust-b type vrf table 102
link set inet-a up
link set inet-b up
link set cust-a up
link set cust-b up
link add wa type veth peer name e0 netns ba
link add wb type veth peer name e0 netns bb
link set wa master inet-a up
link set wb master inet-b up
addr add 198.51.100.1/24 dev wa
addr add 198.51.100.1/24 dev wb
link add la type dummy
link set la master cust-a up
addr add 192.0.2.10/32 dev la
link add lb type dummy
link set lb master cust-b up
addr add 192.0.2.20/32 dev lb
route add unreachable default table 101 metric 4278198272
route add unreachable default table 102 metric 4278198272
route add unreachable default table 201 metric 4278198272
route add unreachable default table 202 metric 4278198272
EOF
# The templates are made without an underlay: the keyer sets it from fvrf.
kvti -n hub tunnel add vta local 198.51.100.1 template
kvti -n hub tunnel add vtb local 198.51.100.1 template
ip -n hub link set vta master cust-a
ip -n hub link set vtb master cust-b
cat >"$D/hub.conf" <<EOF
retransmit-timeout = 1000
keyring ka { peer 198.51.100.2 { pre-shared-key = "customer A's key" } }
keyring kb { peer 198.51.100.2 { pre-shared-key = "customer B's key" } }
ike-profile ikea { proposals = aes256gcm16-prfsha384-x25519; keyring = ka }
ike-profile ikeb { proposals = aes256gcm16-prfsha384-x25519; keyring = kb }
ipsec-profile esp { proposals = aes256gcm16-esn }
template vta { local = 198.51.100.1; fvrf = inet-a; clone-name = cust-a%d
	ike-profile = ikea; ipsec-profile = esp }
template vtb { local = 198.51.100.1; fvrf = inet-b; clone-name = cust-b%d
	ike-profile = ikeb; ipsec-profile = esp }
EOF

# --- the branches ------------------------------------------------------------
for ns in ba bb; do
	ip -n "$ns" -b - <<-EOF
	link set lo up
	link add lan0 type dummy
	addr add 203.0.113.77/32 dev lan0
	link set lan0 up
	EOF
done
ip -n ba -b - <<EOF
addr add 198.51.100.2/24 dev e0
link set e0 up
EOF
ip -n bb -b - <<EOF
link add wan type vrf table 10
link set wan up
link set e0 master wan up
addr add 198.51.100.2/24 dev e0
route add unreachable default table 10 metric 4278198272
EOF
kvti -n ba tunnel add vti1 local 198.51.100.2 remote 198.51.100.1
kvti -n bb tunnel add vti1 local 198.51.100.2 remote 198.51.100.1
for ns in ba bb; do
	ip -n "$ns" -b - <<-EOF
	link set vti1 addrgenmode none
	link set vti1 up
	route add 192.0.2.0/24 dev vti1 src 203.0.113.77
	EOF
done
branch_conf() { # KEY [FVRF]
	cat <<-EOF
	retransmit-timeout = 1000
	keyring k { peer 198.51.100.1 { pre-shared-key = "$1" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k }
	ipsec-profile esp { proposals = aes256gcm16-esn }
	tunnel vti1 {
		local = 198.51.100.2
		${2:+fvrf = $2}
		peer = 198.51.100.1
		local-networks = 203.0.113.77/32
		ike-profile = ike
		ipsec-profile = esp
	}
	EOF
}
branch_conf "customer A's key" >"$D/ba.conf"
branch_conf "customer B's key" wan >"$D/bb.conf"

# --- the module: the underlay (KVTI_A_LINK) ----------------------------------
check_fail_msg "tunnel set dev: a missing device is refused by the tool" "no such device" \
	kvti -n hub tunnel set vta dev nosuchdev
check_fail_msg "... a kvti tunnel as underlay is refused by the kernel" \
	"KVTI_A_LINK: a kvti tunnel cannot carry" kvti -n hub tunnel set vta dev vtb
check_eq "... and nothing changed" null "$(kvti -n hub -j tunnel show vta | jq '.[0].dev')"
# Two tunnels between the same addresses are one too many, unless their
# underlays differ (two FVRFs may reuse addresses).
kvti -n hub tunnel add t1 local 198.51.100.1 remote 198.51.100.2 dev inet-a
check_fail_msg "a second tunnel with the same endpoints and underlay is refused" \
	"another tunnel already has these endpoints" \
	kvti -n hub tunnel add t2 local 198.51.100.1 remote 198.51.100.2 dev inet-a
check "... with another underlay it is accepted" \
	kvti -n hub tunnel add t2 local 198.51.100.1 remote 198.51.100.2 dev inet-b
check_match "tunnel show names the underlay" "^t2: local 198\.51\.100\.1 remote 198\.51\.100\.2 dev inet-b " \
	"$(kvti -n hub tunnel show t2)"
check "tunnel set dev none clears it" kvti -n hub tunnel set t1 dev none
check_eq "... (json: no dev)" null "$(kvti -n hub -j tunnel show t1 | jq '.[0].dev')"
kvti -n hub tunnel del t1
kvti -n hub tunnel del t2

# --- two customers, one address plan -----------------------------------------
check "hub keyer starts" start hub
check_eq "it set each template's underlay to its fvrf" "inet-a inet-b" \
	"$(kvti -n hub -j tunnel show | jq -r '[.[] | select(.ifname == "vta" or .ifname == "vtb") | .dev] | join(" ")')"
check "branch A starts" start ba
check "branch B starts (a static tunnel with fvrf wan)" start bb
check_eq "branch B's keyer set vti1's underlay to wan" wan \
	"$(kvti -n bb -j tunnel show vti1 | jq -r '.[0].dev')"
vclone() { # TEMPLATE: its clone's name
	kvti -n hub -j tunnel show | jq -r --arg t "$1" '.[] | select(.from == $t) | .ifname'
}
branch_up() { [ "$(kvti -n "$1" -j sa show dev vti1 | jq length)" = 2 ]; }
both_up() { [ -n "$(vclone vta)" ] && [ -n "$(vclone vtb)" ] && branch_up ba && branch_up bb; }
check "both customers up from the same peer address, each with its own key" eventually 60 both_up
ca=$(vclone vta) cb=$(vclone vtb)
check_eq "the clones connect the same addresses, each through its customer's FVRF" \
	"198.51.100.1 198.51.100.2 inet-a | 198.51.100.1 198.51.100.2 inet-b" \
	"$(kvti -n hub -j tunnel show | jq -r --arg a "$ca" --arg b "$cb" \
		'[.[] | select(.ifname == $a or .ifname == $b) | "\(.local) \(.remote) \(.dev)"] | sort | join(" | ")')"
check_eq "... and sit in their customer's IVRF ($ca in cust-a, $cb in cust-b)" "cust-a cust-b" \
	"$(ip -n hub -j link show dev "$ca" | jq -r '.[0].master') $(ip -n hub -j link show dev "$cb" | jq -r '.[0].master')"
check_eq "the hub's IKE SAs: one per template, each in its FVRF" "vta inet-a | vtb inet-b" \
	"$(ctl hub show | jq -r '[.ike_sas[] | select(.state == "established") | "\(.template) \(.fvrf)"] | sort | join(" | ")')"
check_eq "the main table knows no outer route: IKE and ESP used the FVRFs' tables" "" \
	"$(ip -n hub route show table main | grep 198.51.100)"
check_match "203.0.113.77 is routed in table 101 via $ca" "^203\.0\.113\.77 dev $ca " \
	"$(ip -n hub route show table 101 proto 201)"
check_match "... and in table 102 via $cb" "^203\.0\.113\.77 dev $cb " \
	"$(ip -n hub route show table 102 proto 201)"
bping() { ip netns exec "$1" ping -q -c 2 -W $((3 * KVTI_SLOW)) -I 203.0.113.77 "$2"; }
check "branch A reaches customer A's network 192.0.2.10" bping ba 192.0.2.10
check "branch B reaches customer B's network 192.0.2.20" bping bb 192.0.2.20
check_fail "branch A does not reach customer B's 192.0.2.20" bping ba 192.0.2.20
check_fail "branch B does not reach customer A's 192.0.2.10" bping bb 192.0.2.10
rx() { kvti -n hub -j -s tunnel show "$1" | jq '.[0].stats.rx_packets'; }
check "ESP was decrypted on both clones" sh -c "[ $(rx "$ca") -gt 0 ] && [ $(rx "$cb") -gt 0 ]"
# ESP to customer A's SPI and address that arrives in customer B's FVRF is
# not A's: dropped as an unknown SPI before any decryption (no auth drop).
st() { kvti -n hub -j -s tunnel show "$1" | jq ".[0].stats.$2"; }
spi_a=$(kvti -n hub -j sa show dev "$ca" | jq -r '.[] | select(.dir == "in") | .spi')
u0=$(st "$ca" drop_unknown_spi) a0=$(st "$ca" drop_auth)
ip netns exec bb python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"wan")
s.sendto(struct.pack("!II", int(sys.argv[1], 0), 1) + bytes(48), ("198.51.100.1", 0))' "$spi_a"
check "ESP for A's SPI arriving in B's FVRF is dropped as an unknown SPI" \
	eventually 5 sh -c "[ \$(kvti -n hub -j -s tunnel show $ca | jq .[0].stats.drop_unknown_spi) = $((u0 + 1)) ]"
check_eq "... and never reached decryption (no auth drop)" "$a0" "$(st "$ca" drop_auth)"
check "no kernel refusal logged" sh -c "! grep -hE 'kernel: .*refused|backend refused|no socket for' $D/*.log"

# --- one customer leaves ------------------------------------------------------
check "branch A: its keyer exits 0 on SIGTERM" stop ba
check "A's clone goes, B's stays" eventually 30 sh -c \
	"! ip -n hub link show $ca 2>/dev/null && ip -n hub link show $cb >/dev/null"
check "branch B still reaches its network" bping bb 192.0.2.20
check "hub keyer exits 0 on SIGTERM" stop hub
# The uplinks go before the namespace: a VRF dismantled with its netns
# complains that it cannot cycle its slaves.
ip -n hub link del wa
ip -n hub link del wb
check "branch B keyer exits 0 on SIGTERM" stop bb

[ "$__kvti_failed" = 0 ] || keyer_tails 40 hub ba bb
finish
