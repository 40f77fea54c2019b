#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: the main job, inside the test VM.  Two gateways, each a
# network namespace with a kvti tunnel, keyed by hand (the keyer will take
# over this part), carry ping and an iperf3 TCP transfer between the LANs
# behind them, then show their SAs and counters.
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
trap 'for ns in h1 gw1 gw2 h2; do ip netns del $ns 2>/dev/null; done' EXIT

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

# Keys for the demo only (16-byte AES key + 4-byte salt); the keyer
# negotiates real ones.
KEY_A=0x4a6f686e446f65206b65797320666f7220646d6f
KEY_B=0x4a616e65446f65206b65797320666f7220646d6f

echo "== gw1 and gw2: kvti tunnels, AES-GCM-128 SAs with ESN"
set -e
kvti -n gw1 tunnel add vti1 local 192.0.2.1 remote 192.0.2.2 replay-window 1024
kvti -n gw2 tunnel add vti1 local 192.0.2.2 remote 192.0.2.1 replay-window 1024
kvti -n gw1 sa add dev vti1 dir out spi 0x1001 aead 'rfc4106(gcm(aes))' $KEY_A 128 esn
kvti -n gw2 sa add dev vti1 dir in spi 0x1001 aead 'rfc4106(gcm(aes))' $KEY_A 128 esn
kvti -n gw2 sa add dev vti1 dir out spi 0x2002 aead 'rfc4106(gcm(aes))' $KEY_B 128 esn
kvti -n gw1 sa add dev vti1 dir in spi 0x2002 aead 'rfc4106(gcm(aes))' $KEY_B 128 esn
for ns in gw1 gw2; do ip -n $ns link set vti1 up; done
ip -n gw1 addr add 198.51.100.1/32 peer 198.51.100.2/32 dev vti1
ip -n gw2 addr add 198.51.100.2/32 peer 198.51.100.1/32 dev vti1
ip -n gw1 route add 203.0.113.128/25 dev vti1
ip -n gw2 route add 203.0.113.0/25 dev vti1
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
	echo "== $ns: kvti sa show -s"
	kvti -n $ns -s sa show
	echo "== $ns: kvti stats"
	kvti -n $ns stats show
done
