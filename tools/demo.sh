#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: the main job, inside the test VM.  Two gateways, each a
# network namespace with a kvti tunnel and its own kvti-keyer, negotiate
# IKEv2 (pre-shared key) and carry ping and an iperf3 TCP transfer between the LANs
# behind them, then show their sessions (kvti session show), SAs and counters.
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
      for ns in h1 gw1 gw2 h2; do ip netns del $ns 2>/dev/null; done' EXIT
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
