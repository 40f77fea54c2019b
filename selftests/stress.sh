#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 400
#
# Short stress: SAs replaced make-before-break under a steady ping stream
# (nothing may be lost), SAs flushed and dumped under a flood, rmmod while
# traffic flows through asynchronous crypto, tunnels added and deleted next
# to one carrying traffic, and a namespace deleted under a flood.  The runner fails the
# test on any WARN, BUG or Oops in the kernel log.
#
#   ns g1                                           ns g2
#   vti1 198.51.100.1 ============ ESP ============ vti1 198.51.100.2
#   veth e1 192.0.2.1  <------------------------->  veth e2 192.0.2.2

source "$(dirname "$0")/lib.sh"

ROUNDS=${KVTI_STRESS_ROUNDS:-20}
kvti_gateways
G1="ip netns exec g1"
G2="ip netns exec g2"

GCM="rfc4106(gcm(aes))"
key() { printf '0x%040x' "$1"; }
# g1 on pcrypt(): every request completes later, from a padata worker, so
# g1's packets are in flight in crypto when SAs go and when kvti unloads.
# (Both ends are kvti: native XFRM must not meet the instance, see
# cryptoalg.py.)  The instance is unregistered at the end.
CRYPTOALG="python3 $KVTI_ROOT/selftests/cryptoalg.py"
modprobe -a pcrypt algif_aead crypto_user 2>/dev/null
ASYNC=$($CRYPTOALG async "$GCM")
check_match "a pcrypt instance of $GCM" "^pcrypt\\(" "$ASYNC"

kvti -n g1 sa add dev vti1 dir out spi 0x1000 aead "$ASYNC" "$(key 1)" 128
kvti -n g2 sa add dev vti1 dir in spi 0x1000 aead "$GCM" "$(key 1)" 128
kvti -n g2 sa add dev vti1 dir out spi 0x2000 aead "$GCM" "$(key 2)" 128
kvti -n g1 sa add dev vti1 dir in spi 0x2000 aead "$ASYNC" "$(key 2)" 128

# 1. make-before-break under traffic: new inbound first, then the new
# outbound takes over, then the old pair goes.  Not one ping may be lost.
$G1 ping -c 600 -i 0.01 -W 3 -q 198.51.100.2 >"$__kvti_tmp/ping" 2>&1 &
ping_pid=$!
old=0x1000
for i in $(seq 1 "$ROUNDS"); do
	new=$(printf '0x%x' $((0x1000 + i)))
	kvti -n g2 sa add dev vti1 dir in spi $new aead "$GCM" "$(key $((100 + i)))" 128
	kvti -n g1 sa add dev vti1 dir out spi $new aead "$ASYNC" "$(key $((100 + i)))" 128
	sleep 0.1
	kvti -n g1 sa del dev vti1 dir out spi $old
	sleep 0.1
	kvti -n g2 sa del dev vti1 dir in spi $old
	old=$new
done
wait $ping_pid
check_match "$ROUNDS rekeys under traffic, no ping lost" " 0% packet loss" "$(cat "$__kvti_tmp/ping")"
check_eq "one outbound SA left on g1" 1 \
	"$(kvti -n g1 -j sa show | jq '[.[] | select(.dir=="out")] | length')"
check_eq "it is the last one" $((0x1000 + ROUNDS)) \
	"$(kvti -n g1 -j sa show | jq '.[] | select(.dir=="out") | .spi')"

# 2. flush, re-add and dump while a flood runs through the tunnel (ping
# -f with a deadline: it needs no answer to finish)
$G1 ping -f -s 512 -w 6 198.51.100.2 >/dev/null 2>&1 &
flood=$!
for i in $(seq 1 10); do
	kvti -n g1 sa flush dev vti1
	kvti -n g1 sa add dev vti1 dir out spi 0x3000 aead "$ASYNC" "$(key 3)" 128
	kvti -n g1 -s sa show >/dev/null
	kvti -n g1 stats show >/dev/null
done
wait $flood
check "the tunnel still answers after the flood" kvti -n g1 -j tunnel show vti1
check_eq "one SA after the last flush and add" 1 "$(kvti -n g1 -j sa show | jq length)"

# 3. rmmod while packets are in flight through async crypto
kvti -n g2 sa add dev vti1 dir in spi 0x3000 aead "$GCM" "$(key 3)" 128
$G1 ping -f -c 100000 198.51.100.2 >/dev/null 2>&1 &
flood=$!
# The flood's first packets wait for the async AEAD's first use (seconds
# on the debug kernel): rmmod only once they go out.
flowing() { [ "$(kvti -n g1 -j -s sa show spi 0x3000 | jq -r '.[0].stats.tx_packets')" -gt 0 ]; }
check "traffic was flowing" eventually 20 flowing
check "rmmod under traffic" rmmod kvti
kill $flood 2>/dev/null
wait $flood 2>/dev/null
check_eq "no kvti netdev left" 0 "$(ip -n g1 -j -d link show | jq '[.[] | select(.linkinfo.info_kind == "kvti")] | length')"
check "insmod again for the tests that follow" insmod "$KVTI_KO"

# 4. tunnels and their SAs come and go next to a tunnel that carries light
# traffic (a ping every 20 ms through g1's asynchronous SAs): not one ping
# may be lost, and no add or delete may fail.
kvti_gateways
sa_pair() {
	kvti -n g1 sa add dev vti1 dir out spi 0x4000 aead "$ASYNC" "$(key 4)" 128 &&
	kvti -n g2 sa add dev vti1 dir in spi 0x4000 aead "$GCM" "$(key 4)" 128 &&
	kvti -n g2 sa add dev vti1 dir out spi 0x5000 aead "$GCM" "$(key 5)" 128 &&
	kvti -n g1 sa add dev vti1 dir in spi 0x5000 aead "$ASYNC" "$(key 5)" 128
}
check "SAs on the new vti1 pair" sa_pair
$G1 ping -c 300 -i 0.02 -W 3 -q 198.51.100.2 >"$__kvti_tmp/ping2" 2>&1 &
ping_pid=$!
tunnel_cycle() { # N
	local r=203.0.113.$1
	kvti -n g1 tunnel add vti2 local 192.0.2.1 remote $r &&
	kvti -n g1 sa add dev vti2 dir out spi $((0x6000 + $1)) aead "$ASYNC" "$(key 6)" 128 &&
	kvti -n g1 sa add dev vti2 dir in spi $((0x7000 + $1)) aead "$ASYNC" "$(key 7)" 128 &&
	ip -n g1 link set vti2 up &&
	kvti -n g1 tunnel del vti2
}
failed=0
for i in $(seq 1 "$ROUNDS"); do
	tunnel_cycle "$i" || failed=$((failed + 1))
done
wait $ping_pid
check_eq "$ROUNDS tunnels with SAs added and deleted beside it, none failed" 0 $failed
check_match "no ping through vti1 lost meanwhile" " 0% packet loss" "$(cat "$__kvti_tmp/ping2")"

# 5. a namespace deleted under traffic: g2 floods g1, whose kvti tunnel
# decrypts and answers through pcrypt, and g1 goes (no process keeps it);
# a device left referenced shows in dmesg within seconds.
$G2 ping -f -c 100000 198.51.100.1 >/dev/null 2>&1 &
flood=$!
sleep 1
check_match "traffic was flowing into g1" "^[1-9]" \
	"$(kvti -n g1 -j -s sa show spi 0x5000 | jq -r '.[0].stats.rx_packets')"
check "delete g1 while g2 floods it" ns_del_watched g1
kill $flood 2>/dev/null
wait $flood 2>/dev/null
check_eq "no device left referenced" 0 "$(dmesg | grep -c 'waiting for .* to become free')"
check "g2's tunnel still answers" kvti -n g2 -j -s tunnel show vti1
ip netns del g2
check "the pcrypt instance is unregistered once kvti let go" $CRYPTOALG del "$ASYNC"

finish
