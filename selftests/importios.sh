#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 600
#
# kvti import-ios brings tunnels up: the IOS configurations of
# tools/kvti/tests/ios/ (after the configuration examples of Cisco's
# guides; test_import.sh compares their output on the host) are imported
# as they are, g1 runs the setup.sh and keyer.conf they give, unchanged,
# and g2 is a kvti peer configured by hand, as the guide's other router
# mirrors the first.  The rest of the IOS router (its LAN and loopback
# interfaces) is made by the test.  For each: the IKE SA comes up with what
# the import says, the CHILD SAs carry the profile's settings into the
# kernel, and pings cross the tunnel between the LANs through the routes
# the import made.
#
#  1. static-ikev1.cfg, the guide's "Static Virtual Tunnel Interface with
#     IPsec: Example" (C7206): "crypto isakmp policy 1 / encr 3des /
#     authentication pre-share / group 2", "crypto isakmp key Cisco12345
#     address 0.0.0.0 0.0.0.0", "crypto IPsec transform-set T1 esp-3des
#     esp-sha-hmac", "ip route 10.0.36.0 255.255.255.0 Tunnel0": IKEv1 as
#     IKEv2 (3des-sha1-modp2048), ESP 3DES-SHA1, periodic DPD.
#
#     ns g1 (imported: 7200-3)                 ns g2 (kvti, by hand: c1750)
#     vti0 198.51.100.1/24 ==== ESP ==== vti0 198.51.100.2/24
#     lan0 203.0.113.1/25                       lan0 203.0.113.129/25
#     e1 192.0.2.1  <------ IKE, ESP ------>    e2 192.0.2.2
#
#  2. static-ikev2.cfg, a branch with "set peer 192.0.2.2 default / set
#     peer 192.0.2.3" (IPsec Preferred Peer: "set peer 10.1.1.1 default"),
#     PFS, lifetimes, "set security-association replay window-size 1024",
#     "idle-time 600 default", its own and its hub's keys (pre-shared-key
#     local / remote), IPv4 and IPv6 routes, one by a next hop.  g2 is hub
#     A, the default peer; hub B (192.0.2.3) does not answer.
#
#     ns g1 (imported: branch1)                ns g2 (kvti, by hand: hub A)
#     vti1 198.51.100.1/30 ==== ESP ==== vti1 198.51.100.2/30
#          2001:db8:ffff::1/64                       2001:db8:ffff::2/64
#     lan0 203.0.113.1/26, 2001:db8:1::1/64     lan0 203.0.113.129/25,
#                                                    203.0.113.65/26, 2001:db8:2::1/48
#     e1 192.0.2.1  <------ IKE, ESP ------>    e2 192.0.2.2
#
#  3. hub-dvti.cfg, "interface Virtual-Template1 type tunnel" with an IKEv2
#     profile's "virtual-template 1": g1 is the hub, g2 a branch offering
#     its LAN (local-networks); the hub clones dvti1 and routes the branch's
#     LAN to it (set reverse-route distance 5, tag 100).
#
#     ns g1 (imported: hub)                    ns g2 (kvti, by hand: b2)
#     template vt1, clone dvti1 ==== ESP ==== vti1
#     lo0 198.51.100.1/32 (Loopback0)           lan0 203.0.113.65/32
#     e1 192.0.2.1  <------ IKE, ESP ------>    e2 192.0.2.2

#  4. hub-vrf-ikev1.cfg, the guide's "VRF-Aware IPsec with Dynamic VTI:
#     Example" with IKEv1 (crypto keyring, crypto isakmp profile with
#     "virtual-template 1", "self-identity fqdn"): the template and its
#     clones in VRF test-vti1 (table 100), the branch's LAN routed there.
#     Skipped without VRF support in the kernel.
#
#     ns g1 (imported: c7206)                  ns g2 (kvti, by hand: a branch)
#     VRF test-vti1: vt1, dvti1 ==== ESP ==== vti1
#          lo0 198.51.100.1/32 (Loopback0)      lan0 203.0.113.77/32
#     e1 192.0.2.1  <------ IKE, ESP ------>    e2 192.0.2.2
#
#  5. hub-fvrf.cfg, two customers behind front-door VRFs ("tunnel vrf
#     INET-A", "crypto keyring KEYS-A vrf INET-A", "match identity address
#     ... INET-A"), each template also in its customer's inside VRF: g1 is
#     the hub, whose two uplinks (GigabitEthernet0/1.10 and .20 in the
#     file) have the same address; the test enslaves them to their FVRFs,
#     as setup.sh's comment asks.  g2 and g3 are branches with the same
#     addresses and LAN, each with its customer's key: both come up (the
#     keyring chosen by the FVRF), each on a clone of its customer's
#     template with that FVRF as underlay and in that IVRF, and each
#     reaches its own customer's loopback only.
#
#     ns g1 (imported: pe-hub)                         ns g2 (kvti: branch A)
#     VRF CUST-A: vt1, clone, lo10 198.51.100.1 == ESP == vti1, lan0 203.0.113.77
#     VRF INET-A: e1 192.0.2.1  <---- IKE, ESP ---->   e2 192.0.2.2
#                                                      ns g3 (kvti: branch B)
#     VRF CUST-B: vt2, clone, lo20 198.51.100.2 == ESP == vti1, lan0 203.0.113.77
#     VRF INET-B: e1b 192.0.2.1 <---- IKE, ESP ---->   e3 192.0.2.2

source "$(dirname "$0")/lib.sh"
source "$KVTI_ROOT/selftests/keyer_lib.sh"

FIX=$KVTI_ROOT/tools/kvti/tests/ios

# gateways: fresh g1 and g2 joined by veth, no tunnel yet
gateways() {
	ns_add g1 g2
	ip link add e1 netns g1 type veth peer name e2 netns g2
	ip -n g1 addr add 192.0.2.1/24 dev e1
	ip -n g2 addr add 192.0.2.2/24 dev e2
	ip -n g1 link set e1 up
	ip -n g2 link set e2 up
	ip -n g1 link add lan0 type dummy
	ip -n g2 link add lan0 type dummy
	ip -n g1 link set lan0 up
	ip -n g2 link set lan0 up
}

# import N FIXTURE: import it into $D/FIXTURE, run its setup.sh in g1, and
# make its keyer.conf g1's, as they are.
import() {
	rm -rf "$D/$1"
	kvti import-ios -o "$D/$1" "$FIX/$1.cfg" &&
		ip netns exec g1 "$D/$1/setup.sh" &&
		cp "$D/$1/keyer.conf" "$D/g1.conf"
}

# ping_from N SRC DST: three echoes from SRC in gN to DST
ping_from() { ip netns exec g$1 ping -q -c 3 -i 0.2 -W 2 -I "$2" "$3"; }
sa_field() { kvti -n g$1 -j sa show dev "$2" | jq -r "[.[] | select(.dir == \"$3\") | $4] | .[0]"; }
# ike_field N PEER FIELD: of gN's IKE SA with PEER
ike_field() { ctl "$1" show | jq -r ".ike_sas[] | select(.peer == \"$2\") | $3"; }
# has_route N ERE [SELECTOR...]: one of gN's routes (ip route show SELECTOR) matches
has_route() {
	local n=$1 re=$2
	shift 2
	ip -n g$n route show "$@" | grep -Eq -- "$re"
}
has_route6() { ip -n g$1 -6 route show | grep -Eq -- "$2"; }

stop_both() {
	stop 1
	stop 2
}

# --- 1. static-ikev1.cfg --------------------------------------------------
gateways
ip -n g1 addr add 203.0.113.1/25 dev lan0
check "static-ikev1: import, setup.sh in g1" import static-ikev1
check "static-ikev1: vti0 made from Tunnel0, 198.51.100.1/24 on it" \
	has_route 1 '^198.51.100.0/24 dev vti0'
check "static-ikev1: ip route 203.0.113.128 255.255.255.128 Tunnel0" \
	has_route 1 '^203.0.113.128/25 dev vti0'
kvti -n g2 tunnel add vti0 local 192.0.2.2 remote 192.0.2.1
ip -n g2 link set vti0 addrgenmode none
ip -n g2 link set vti0 up
ip -n g2 addr add 198.51.100.2/24 dev vti0
ip -n g2 addr add 203.0.113.129/25 dev lan0
ip -n g2 route add 203.0.113.0/25 dev vti0
cat >"$D/g2.conf" <<EOF
keyring k { peer 192.0.2.1 { pre-shared-key = "Cisco12345" } }
ike-profile ike { proposals = 3des-sha1-modp2048; keyring = k }
ipsec-profile esp { proposals = 3des-sha1 }
tunnel vti0 { local = 192.0.2.2; peer = 192.0.2.1; ike-profile = ike; ipsec-profile = esp }
EOF
check "static-ikev1: keyer g2 (by hand) starts, passive" start 2 --passive
check "static-ikev1: keyer g1 starts with the imported keyer.conf" start 1
check "static-ikev1: IKE SA up on g1" eventually 30 ike_up 1 vti0
check "static-ikev1: 2 kernel SAs on each side" eventually 30 both_have vti0 2
check_eq "static-ikev1: g1 initiated" initiator "$(ike_field 1 192.0.2.2 .role)"
check_eq "static-ikev1: IKE 3des-sha1-modp2048 (IKEv1's policy, group 2 as modp2048)" \
	"3des-sha1-prfsha1-modp2048" "$(ike_field 1 192.0.2.2 .algorithms)"
check_eq "static-ikev1: ESP 3DES with HMAC-SHA1 in g1's kernel (transform set T1)" \
	"cbc(des3_ede) hmac(sha1)" "$(sa_field 1 vti0 out '"\(.enc) \(.auth)"')"
check "static-ikev1: ping LAN to LAN, g1 -> g2" ping_from 1 203.0.113.1 203.0.113.129
check "static-ikev1: ping LAN to LAN, g2 -> g1" ping_from 2 203.0.113.129 203.0.113.1
check "static-ikev1: ping across the tunnel's subnet" ping_from 1 198.51.100.1 198.51.100.2
check "static-ikev1: the keyers' logs have no kernel refusal" no_kernel_refusal
keyer_logs
stop_both

# --- 2. static-ikev2.cfg --------------------------------------------------
gateways
ip -n g1 addr add 203.0.113.1/26 dev lan0
ip -n g1 addr add 2001:db8:1::1/64 dev lan0 nodad
check "static-ikev2: import, setup.sh in g1" import static-ikev2
check "static-ikev2: tunnel source GigabitEthernet0/0 is 192.0.2.1, remote the default peer" \
	sh -c "kvti -n g1 tunnel show vti1 | grep -q 'local 192.0.2.1 remote 192.0.2.2'"
check_eq "static-ikev2: ip mtu 1400" 1400 "$(kvti -n g1 -j tunnel show vti1 | jq -r '.[0].mtu')"
check "static-ikev2: ip route ... Tunnel1 10: metric 10" \
	has_route 1 '^203.0.113.128/25 dev vti1 .*metric 10'
check "static-ikev2: ip route ... 198.51.100.2: via the tunnel's next hop" \
	has_route 1 '^203.0.113.64/26 via 198.51.100.2 dev vti1'
check "static-ikev2: ipv6 route 2001:db8:2::/48 Tunnel1" has_route6 1 '^2001:db8:2::/48 dev vti1'
kvti -n g2 tunnel add vti1 local 192.0.2.2 remote 192.0.2.1
ip -n g2 link set vti1 addrgenmode none
ip -n g2 link set vti1 up
ip -n g2 addr add 198.51.100.2/30 dev vti1
ip -n g2 addr add 2001:db8:ffff::2/64 dev vti1 nodad
ip -n g2 addr add 203.0.113.129/25 dev lan0
ip -n g2 addr add 203.0.113.65/26 dev lan0
ip -n g2 addr add 2001:db8:2::1/48 dev lan0 nodad
ip -n g2 route add 203.0.113.0/26 dev vti1
ip -n g2 route add 2001:db8:1::/64 dev vti1
cat >"$D/g2.conf" <<EOF
keyring k {
	peer 192.0.2.1 {
		pre-shared-key-local = "HubA-Proves-Itself"
		pre-shared-key-remote = "Branch1-Proves-Itself"
	}
}
ike-profile ike { proposals = aes256-sha256-ecp256; remote-id = fqdn:branch1.example.net; keyring = k }
ipsec-profile esp { proposals = aes256gcm16; pfs = ecp256 }
tunnel vti1 { local = 192.0.2.2; peer = 192.0.2.1; ike-profile = ike; ipsec-profile = esp }
EOF
check "static-ikev2: keyer g2 (hub A) starts, passive" start 2 --passive
check "static-ikev2: keyer g1 starts with the imported keyer.conf" start 1
check "static-ikev2: IKE SA up on g1" eventually 30 ike_up 1 vti1
check "static-ikev2: 2 kernel SAs on each side" eventually 30 both_have vti1 2
check_eq "static-ikev2: with the default peer, hub A (set peer 192.0.2.2 default)" \
	vti1 "$(ike_field 1 192.0.2.2 .tunnel)"
check_eq "static-ikev2: g1's identity (identity local fqdn branch1.example.net)" \
	fqdn:branch1.example.net "$(ike_field 2 192.0.2.1 .remote_id)"
check_eq "static-ikev2: IKE of crypto ikev2 proposal PROP-CBC that hub A also has" \
	"aes256-sha256-prfsha256-ecp256" "$(ike_field 1 192.0.2.2 .algorithms)"
check_eq "static-ikev2: ESP AES-GCM (transform set TS-GCM esp-gcm 256)" "rfc4106(gcm(aes))" \
	"$(sa_field 1 vti1 out .aead)"
check_match "static-ikev2: ... with a 256-bit key" '^(256|288)$' "$(sa_field 1 vti1 out .enc_key_bits)"
check_eq "static-ikev2: replay window-size 1024 in g1's inbound SA" 1024 \
	"$(sa_field 1 vti1 in .replay_window)"
check_eq "static-ikev2: idle-time 600 on g1's SAs" 600 "$(sa_field 1 vti1 in .idle_time)"
check_eq "static-ikev2: lifetime seconds 1800 (hard) on g1's SAs" 1800 \
	"$(sa_field 1 vti1 out .lifetime.hard.seconds)"
check "static-ikev2: ping LAN to hub LAN (route metric 10)" ping_from 1 203.0.113.1 203.0.113.129
check "static-ikev2: ping LAN to hub LAN (route via 198.51.100.2)" \
	ping_from 1 203.0.113.1 203.0.113.65
check "static-ikev2: ping IPv6 LAN to hub LAN" ping_from 1 2001:db8:1::1 2001:db8:2::1
check "static-ikev2: ping hub to branch LAN" ping_from 2 203.0.113.129 203.0.113.1
check "static-ikev2: the keyers' logs have no kernel refusal" no_kernel_refusal
keyer_logs
stop_both

# --- 3. hub-dvti.cfg --------------------------------------------------------
gateways
ip -n g1 link add lo0 type dummy
ip -n g1 link set lo0 up
ip -n g1 addr add 198.51.100.1/32 dev lo0
check "hub-dvti: import, setup.sh in g1" import hub-dvti
check_eq "hub-dvti: vt1 is a template on 192.0.2.1" "192.0.2.1 true" \
	"$(kvti -n g1 -j tunnel show vt1 | jq -r '.[0] | "\(.local) \(.template)"')"
kvti -n g2 tunnel add vti1 local 192.0.2.2 remote 192.0.2.1
ip -n g2 link set vti1 addrgenmode none
ip -n g2 link set vti1 up
ip -n g2 addr add 203.0.113.65/32 dev lan0
ip -n g2 route add 198.51.100.1/32 dev vti1
cat >"$D/g2.conf" <<EOF
keyring k { peer 192.0.2.1 { pre-shared-key = "Branch-Shared-Key" } }
ike-profile ike {
	proposals = aes256gcm16-prfsha384-ecp384
	local-id = fqdn:b2.branch.example.net
	remote-id = fqdn:hub.example.net
	keyring = k
}
ipsec-profile esp { proposals = aes256gcm16 }
tunnel vti1 {
	local = 192.0.2.2
	peer = 192.0.2.1
	local-networks = 203.0.113.65/32
	ike-profile = ike
	ipsec-profile = esp
}
EOF
check "hub-dvti: keyer g1 (the hub) starts with the imported keyer.conf" start 1
check "hub-dvti: keyer g2 (a branch) starts and initiates" start 2
check "hub-dvti: the hub clones dvti1 for the branch" eventually 30 ip -n g1 link show dvti1
check "hub-dvti: the clone has the branch's SAs" eventually 30 n_sa_is 1 dvti1 2
check "hub-dvti: route to the branch's LAN, metric 5 realm 100, proto 201" \
	eventually 10 has_route 1 '^203.0.113.65 dev dvti1 .*metric 5 .*realms? (0/)?100' proto 201
check_eq "hub-dvti: the branch proved fqdn:b2.branch.example.net (match identity remote fqdn domain)" \
	fqdn:b2.branch.example.net "$(ike_field 1 192.0.2.2 .remote_id)"
check "hub-dvti: ping branch LAN -> hub Loopback0" ping_from 2 203.0.113.65 198.51.100.1
check "hub-dvti: the keyers' logs have no kernel refusal" no_kernel_refusal
keyer_logs
stop_both

# --- 4. hub-vrf-ikev1.cfg ---------------------------------------------------
# The guide's VRF-aware DVTI: the template in VRF test-vti1, its clones
# too, the injected route in the VRF's table, Loopback0 in the VRF.
modprobe vrf 2>/dev/null
ns_add vrf-probe
if ! ip -n vrf-probe link add probe type vrf table 4242 2>/dev/null; then
	echo "    # hub-vrf-ikev1: skipped, the kernel has no VRF (module vrf)"
	finish
fi
ip netns del vrf-probe
gateways
check "hub-vrf-ikev1: import, setup.sh in g1" import hub-vrf-ikev1
check "hub-vrf-ikev1: VRF test-vti1 made, table 100" \
	sh -c "ip -n g1 -d link show test-vti1 | grep -q 'vrf table 100'"
check "hub-vrf-ikev1: vt1 in it (ip vrf forwarding test-vti1)" \
	sh -c "ip -n g1 link show vt1 | grep -q 'master test-vti1'"
ip -n g1 link add lo0 type dummy
ip -n g1 link set lo0 master test-vti1
ip -n g1 link set lo0 up
ip -n g1 addr add 198.51.100.1/32 dev lo0
kvti -n g2 tunnel add vti1 local 192.0.2.2 remote 192.0.2.1
ip -n g2 link set vti1 addrgenmode none
ip -n g2 link set vti1 up
ip -n g2 addr add 203.0.113.77/32 dev lan0
ip -n g2 route add 198.51.100.1/32 dev vti1
cat >"$D/g2.conf" <<EOF
keyring k { peer 192.0.2.1 { pre-shared-key = "vpn1-branches" } }
ike-profile ike { proposals = aes256-sha256-modp2048; remote-id = fqdn:c7206.example.net; keyring = k }
ipsec-profile esp { proposals = aes256-sha1 }
tunnel vti1 {
	local = 192.0.2.2
	peer = 192.0.2.1
	local-networks = 203.0.113.77/32
	ike-profile = ike
	ipsec-profile = esp
}
EOF
check "hub-vrf-ikev1: keyer g1 (the hub) starts with the imported keyer.conf" start 1
check "hub-vrf-ikev1: keyer g2 (a branch) starts and initiates" start 2
check "hub-vrf-ikev1: the hub clones dvti1, in VRF test-vti1" eventually 30 \
	sh -c "ip -n g1 link show dvti1 | grep -q 'master test-vti1'"
check "hub-vrf-ikev1: the clone has the branch's SAs" eventually 30 n_sa_is 1 dvti1 2
check_eq "hub-vrf-ikev1: the hub is fqdn:c7206.example.net (self-identity fqdn)" \
	fqdn:c7206.example.net "$(ike_field 2 192.0.2.1 .remote_id)"
check_eq "hub-vrf-ikev1: IKE of crypto isakmp policy 1" "aes256-sha256-prfsha256-modp2048" \
	"$(ike_field 2 192.0.2.1 .algorithms)"
check "hub-vrf-ikev1: the branch's LAN routed in the VRF's table" \
	eventually 10 has_route 1 '^203.0.113.77 dev dvti1' table 100 proto 201
check "hub-vrf-ikev1: ping branch LAN -> hub Loopback0 (in the VRF)" \
	ping_from 2 203.0.113.77 198.51.100.1
check "hub-vrf-ikev1: the keyers' logs have no kernel refusal" no_kernel_refusal
keyer_logs
stop_both

# --- 5. hub-fvrf.cfg --------------------------------------------------------
# Front-door VRFs: the same outer addresses twice, told apart by the VRF.
gateways
ns_add g3
ip link add e1b netns g1 type veth peer name e3 netns g3
ip -n g3 addr add 192.0.2.2/24 dev e3
ip -n g3 link set e3 up
ip -n g3 link add lan0 type dummy
ip -n g3 link set lan0 up
check "hub-fvrf: import, setup.sh in g1" import hub-fvrf
check "hub-fvrf: setup.sh asks for GigabitEthernet0/1.10 and .20 in INET-A and INET-B" sh -c \
	"grep -qx '# ip link set GigabitEthernet0/1.10 master INET-A' '$D/hub-fvrf/setup.sh' &&
	 grep -qx '# ip link set GigabitEthernet0/1.20 master INET-B' '$D/hub-fvrf/setup.sh'"
check_eq "hub-fvrf: the VRFs made, FVRFs and IVRFs, tables 100..103" \
	"INET-A 100 CUST-A 101 INET-B 102 CUST-B 103" \
	"$(ip -n g1 -d -j link show type vrf | jq -r '[.[] | "\(.ifname) \(.linkinfo.info_data.table)"] | join(" ")')"
check_eq "hub-fvrf: the templates' underlays are their FVRFs (kvti tunnel add ... dev)" \
	"vt1 INET-A | vt2 INET-B" \
	"$(kvti -n g1 -j tunnel show | jq -r '[.[] | select(.template) | "\(.ifname) \(.dev)"] | sort | join(" | ")')"
# What setup.sh's comment asks: e1 is GigabitEthernet0/1.10, e1b .20.
ip -n g1 link set e1 master INET-A up
ip -n g1 link set e1b master INET-B up
ip -n g1 addr add 192.0.2.1/24 dev e1b
ip -n g1 link add lo10 type dummy
ip -n g1 link set lo10 master CUST-A up
ip -n g1 addr add 198.51.100.1/32 dev lo10
ip -n g1 link add lo20 type dummy
ip -n g1 link set lo20 master CUST-B up
ip -n g1 addr add 198.51.100.2/32 dev lo20
# branch N KEY: gN a kvti branch of the hub with its customer's key
branch() {
	kvti -n g$1 tunnel add vti1 local 192.0.2.2 remote 192.0.2.1
	ip -n g$1 link set vti1 addrgenmode none
	ip -n g$1 link set vti1 up
	ip -n g$1 addr add 203.0.113.77/32 dev lan0
	ip -n g$1 route add 198.51.100.0/24 dev vti1
	cat >"$D/g$1.conf" <<-EOF
	keyring k { peer 192.0.2.1 { pre-shared-key = "$2" } }
	ike-profile ike { proposals = aes256-sha256-modp2048; keyring = k }
	ipsec-profile esp { proposals = aes256-sha256 }
	tunnel vti1 {
		local = 192.0.2.2
		peer = 192.0.2.1
		local-networks = 203.0.113.77/32
		ike-profile = ike
		ipsec-profile = esp
	}
	EOF
}
branch 2 customer-A-key
branch 3 customer-B-key
clone_of() { kvti -n g1 -j tunnel show | jq -r --arg t "$1" '.[] | select(.from == $t) | .ifname'; }
both_clones() { [ -n "$(clone_of vt1)" ] && [ -n "$(clone_of vt2)" ]; }
# vrfs_of DEV: its underlay and its master
vrfs_of() {
	echo "$(kvti -n g1 -j tunnel show "$1" | jq -r '.[0].dev')" \
		"$(ip -n g1 -j link show dev "$1" | jq -r '.[0].master')"
}
check "hub-fvrf: keyer g1 (the hub) starts with the imported keyer.conf" start 1
check "hub-fvrf: branch A (g2) starts and initiates" start 2
check "hub-fvrf: branch B (g3) starts and initiates" start 3
check "hub-fvrf: both branches up from one address, each with its key: a clone of each template" \
	eventually 60 both_clones
ca=$(clone_of vt1) cb=$(clone_of vt2)
check "hub-fvrf: $ca has branch A's SAs" eventually 30 n_sa_is 1 "$ca" 2
check "hub-fvrf: $cb has branch B's SAs" eventually 30 n_sa_is 1 "$cb" 2
check_eq "hub-fvrf: the hub's IKE SAs, each in its template's FVRF" "vt1 INET-A | vt2 INET-B" \
	"$(ctl 1 show | jq -r '[.ike_sas[] | select(.state == "established") | "\(.template) \(.fvrf)"] | sort | join(" | ")')"
check_eq "hub-fvrf: $ca (of vt1): underlay INET-A, in CUST-A" "INET-A CUST-A" "$(vrfs_of "$ca")"
check_eq "hub-fvrf: $cb (of vt2): underlay INET-B, in CUST-B" "INET-B CUST-B" "$(vrfs_of "$cb")"
check "hub-fvrf: branch A's LAN routed in CUST-A's table" \
	eventually 10 has_route 1 "^203.0.113.77 dev $ca" table 101 proto 201
check "hub-fvrf: branch B's LAN routed in CUST-B's table" \
	eventually 10 has_route 1 "^203.0.113.77 dev $cb" table 103 proto 201
check "hub-fvrf: ping branch A LAN -> customer A's Loopback10" ping_from 2 203.0.113.77 198.51.100.1
check "hub-fvrf: ping branch B LAN -> customer B's Loopback20" ping_from 3 203.0.113.77 198.51.100.2
check_fail "hub-fvrf: branch A does not reach customer B's Loopback20" \
	ping_from 2 203.0.113.77 198.51.100.2
check "hub-fvrf: the keyers' logs have no kernel refusal" \
	sh -c "! grep -E 'kernel: .*refused|backend refused' '$D/g1.log' '$D/g2.log' '$D/g3.log'"
keyer_logs
stop 3
stop_both
# The uplinks go before the namespace: a VRF dismantled with its netns
# complains that it cannot cycle its slaves.
ip -n g1 link del e1
ip -n g1 link del e1b

finish
