#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: the main job, inside the test VM.  Two gateways, each a
# network namespace with a kvti tunnel and its own kvti-keyer, negotiate
# IKEv2 (pre-shared key) and carry ping and an iperf3 TCP transfer between the LANs
# behind them, then show their sessions (kvti session show), SAs and counters.
# Then a hub with a dynamic VTI: a virtual template cloned for each of two
# branches, with the routes to their LANs injected.
#
#   lan1 203.0.113.0/25        gw1                          gw2        lan2 203.0.113.128/25
#   [h1 .10] --- [.1 vti1 198.51.100.1] ==ESP== [198.51.100.2 vti1 .129] --- [h2 .138]
#                  wan 192.0.2.1  <------------ veth ----------->  192.0.2.2
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$ROOT/tools/kvti:$PATH

for ns in h1 gw1 gw2 h2; do
	ip netns add $ns
	ip -n $ns link set lo up
done

ip link add wan netns gw1 type veth peer name wan netns gw2
ip link add lan netns gw1 type veth peer name eth0 netns h1
ip link add lan netns gw2 type veth peer name eth0 netns h2
ip -n gw1 addr add 192.0.2.1/24 dev wan
ip -n gw2 addr add 192.0.2.2/24 dev wan
ip -n gw1 addr add 203.0.113.1/25 dev lan
ip -n gw2 addr add 203.0.113.129/25 dev lan
ip -n h1 addr add 203.0.113.10/25 dev eth0
ip -n h2 addr add 203.0.113.138/25 dev eth0
for ns in gw1 gw2; do
	ip -n $ns link set wan up
	ip -n $ns link set lan up
	ip netns exec $ns sysctl -qw net.ipv4.ip_forward=1
done
for ns in h1 h2; do ip -n $ns link set eth0 up; done
ip -n h1 route add default via 203.0.113.1
ip -n h2 route add default via 203.0.113.129

# Each gateway runs its own kvti-keyer, which negotiates IKEv2 with the
# other (PSK) and installs the CHILD SAs in the module.  gw2 only answers;
# gw1 initiates as soon as it starts.
KEYER=$ROOT/keyer/kvti-keyer
D=$(mktemp -d /tmp/demo.XXXXXX)
trap 'kill $(cat $D/*.pid 2>/dev/null) 2>/dev/null; sleep 1; rm -rf $D;
      for ns in h1 gw1 gw2 h2 hub br1 br2; do ip netns del $ns 2>/dev/null; done' EXIT
for n in 1 2; do
	cat >"$D/gw$n.conf" <<-EOF
	keyring demo { peer 192.0.2.$((3 - n)) { pre-shared-key = "kvti make run demo" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-ecp384; keyring = demo }
	ipsec-profile esp { proposals = aes128gcm16-esn; replay-window = 1024 }
	tunnel vti1 { local = 192.0.2.$n; peer = 192.0.2.$((3 - n)); ike-profile = ike; ipsec-profile = esp }
	EOF
done

echo "== gw1 and gw2: kvti tunnels, keyed by kvti-keyer (IKEv2, PSK)"
set -e
kvti -n gw1 tunnel add vti1 local 192.0.2.1 remote 192.0.2.2 replay-window 1024
kvti -n gw2 tunnel add vti1 local 192.0.2.2 remote 192.0.2.1 replay-window 1024
for ns in gw1 gw2; do ip -n $ns link set vti1 up; done
ip -n gw1 addr add 198.51.100.1/32 peer 198.51.100.2/32 dev vti1
ip -n gw2 addr add 198.51.100.2/32 peer 198.51.100.1/32 dev vti1
ip -n gw1 route add 203.0.113.128/25 dev vti1
ip -n gw2 route add 203.0.113.0/25 dev vti1
set +e
ip netns exec gw2 "$KEYER" -c "$D/gw2.conf" -f --passive -s "$D/gw2.sock" 2>"$D/gw2.log" &
echo $! >"$D/gw2.pid"
for i in $(seq 100); do [ -S "$D/gw2.sock" ] && break; sleep 0.1; done
t0=${EPOCHREALTIME/./}
ip netns exec gw1 "$KEYER" -c "$D/gw1.conf" -f -s "$D/gw1.sock" 2>"$D/gw1.log" &
echo $! >"$D/gw1.pid"
up=
for i in $(seq 300); do
	if ip netns exec h1 ping -c 1 -W 1 203.0.113.138 >/dev/null 2>&1; then
		up=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
		break
	fi
	sleep 0.1
done
echo "== keyer logs"
sed 's/^/gw1 /' "$D/gw1.log"
sed 's/^/gw2 /' "$D/gw2.log"
[ -n "$up" ] || { echo "the tunnel did not come up"; exit 1; }
echo "== first packet h1 -> h2 through the tunnel ${up} ms after gw1's keyer started"
for n in 1 2; do
	echo "== gw$n: kvti session show (the keyer's IKE and CHILD SAs)"
	kvti -n gw$n --socket "$D/gw$n.sock" session show
done
set +e
kvti -n gw1 tunnel show

echo "== ping h1 -> h2 through the tunnel"
ip netns exec h1 ping -c 3 -i 0.3 203.0.113.138 || exit 1

echo "== iperf3 TCP h1 -> h2, 5 seconds"
ip netns exec h2 iperf3 -s -1 -D -B 203.0.113.138 >/dev/null
sleep 1
ip netns exec h1 iperf3 -c 203.0.113.138 -t 5 -f m | grep -E 'sender|receiver' || exit 1

echo "== what went over the wire: ESP only"
ip -n gw1 -s link show wan | sed -n '1p;3,6p'

for ns in gw1 gw2; do
	echo "== $ns: kvti -s session show (IKE view, the module's counters per CHILD SA)"
	kvti -n $ns --socket "$D/$ns.sock" -s session show
	echo "== $ns: kvti sa show -s"
	kvti -n $ns -s sa show
	echo "== $ns: kvti stats"
	kvti -n $ns stats show
done

# --- a hub with a dynamic VTI and two branches -----------------------------
#   br1 (192.0.2.11, LAN 203.0.113.65) \
#                                        >-- hub 192.0.2.10: template vt, LAN 198.51.100.10
#   br2 (192.0.2.12, LAN 203.0.113.66) /     clones dvti1, dvti2 with routes to the LANs
echo
echo "== hub: a virtual template (kvti tunnel add vt ... template); branches br1, br2"
for ns in hub br1 br2; do
	ip netns add $ns
	ip -n $ns link set lo up
done
ip -n hub link add br0 type bridge
ip -n hub addr add 192.0.2.10/24 dev br0
ip -n hub link set br0 up
ip -n hub link add lan0 type dummy
ip -n hub addr add 198.51.100.10/32 dev lan0
ip -n hub link set lan0 up
kvti -n hub tunnel add vt local 192.0.2.10 template
cat >"$D/hub.conf" <<EOF
keyring branches { peer 192.0.2.0/24 { pre-shared-key = "kvti make run hub" } }
ike-profile hub { proposals = aes256gcm16-prfsha384-x25519; keyring = branches; dpd = 10 2 periodic }
ipsec-profile esp { proposals = aes128gcm16-esn }
template vt { local = 192.0.2.10; match-peer = 192.0.2.0/24; match-identity = fqdn:*.branch.example.net
	clone-name = dvti%d; route-distance = 5; route-tag = 100; ike-profile = hub; ipsec-profile = esp }
EOF
ip netns exec hub "$KEYER" -c "$D/hub.conf" -f -s "$D/hub.sock" 2>"$D/hub.log" &
echo $! >"$D/hub.pid"
for n in 1 2; do
	ip link add h-br$n netns hub type veth peer name wan netns br$n
	ip -n hub link set h-br$n master br0 up
	ip -n br$n addr add 192.0.2.1$n/24 dev wan
	ip -n br$n link set wan up
	ip -n br$n link add lan0 type dummy
	ip -n br$n addr add 203.0.113.6$((4 + n))/32 dev lan0
	ip -n br$n link set lan0 up
	kvti -n br$n tunnel add vti1 local 192.0.2.1$n remote 192.0.2.10
	ip -n br$n link set vti1 up
	ip -n br$n route add 198.51.100.0/24 dev vti1 src 203.0.113.6$((4 + n))
	cat >"$D/br$n.conf" <<-EOF
	keyring k { peer 192.0.2.10 { pre-shared-key = "kvti make run hub" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k; local-id = fqdn:br$n.branch.example.net }
	ipsec-profile esp { proposals = aes128gcm16-esn }
	tunnel vti1 { local = 192.0.2.1$n; peer = 192.0.2.10; local-networks = 203.0.113.6$((4 + n))/32
		ike-profile = ike; ipsec-profile = esp }
	EOF
done
for i in $(seq 100); do [ -S "$D/hub.sock" ] && break; sleep 0.1; done
for n in 1 2; do
	ip netns exec br$n "$KEYER" -c "$D/br$n.conf" -f -s "$D/br$n.sock" 2>"$D/br$n.log" &
	echo $! >"$D/br$n.pid"
done
for i in $(seq 300); do
	[ "$(kvti -n hub -j tunnel show | grep -o '"from":"vt"' | wc -l)" = 2 ] &&
		[ "$(ip -n hub route show proto 201 | wc -l)" = 2 ] && break
	sleep 0.2
done
for n in 1 2; do
	echo "== br$n: ping from its LAN 203.0.113.6$((4 + n)) to the hub's LAN"
	ip netns exec br$n ping -c 2 -i 0.3 -I 203.0.113.6$((4 + n)) 198.51.100.10
done
echo "== hub: kvti tunnel show (the template and its clones)"
kvti -n hub tunnel show
echo "== hub: ip route show proto 201 (injected for the clones)"
ip -n hub route show proto 201
echo "== hub: kvti session show --cisco"
kvti -n hub --socket "$D/hub.sock" session show --cisco
echo "== the hub's keyer log"
sed 's/^/hub /' "$D/hub.log"
