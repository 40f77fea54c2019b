#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 600
#
# The data plane's rules: ACQUIRE without an SA, INVALID_SPI, replay and
# authentication drops counted exactly, lifetimes (packets, seconds), idle,
# sequence number exhaustion, ESN across 2^32, MTU, DF and pre-fragmentation.
#
#   ns g1                                         ns g2
#   vti1 198.51.100.1 ====== ESP ======= vti1 198.51.100.2
#   veth e1 192.0.2.1  <--------------->  veth e2 192.0.2.2
#   (events of each namespace recorded by nlraw.py --listen)

source "$(dirname "$0")/lib.sh"

kvti_gateways
G1="ip netns exec g1"
G2="ip netns exec g2"
NLRAW="python3 $KVTI_ROOT/selftests/nlraw.py"
INJECT="python3 $KVTI_ROOT/selftests/esp_inject.py"
EV=$(mktemp -d)

KA=0x11111111111111111111111111111111aaaaaaaa
KB=0x22222222222222222222222222222222bbbbbbbb
GCM="rfc4106(gcm(aes))"

# listen NS SECONDS: record the namespace's events into $EV/NS (for
# SECONDS times KVTI_SLOW; waits up to 60 s for the listener to be ready:
# starting python takes seconds on the debug kernel)
listen() {
	ip netns exec "$1" $NLRAW --listen "$(($2 * KVTI_SLOW))" >"$EV/$1" 2>&1 &
	for _ in $(seq 600); do grep -q listening "$EV/$1" 2>/dev/null && return; sleep 0.1; done
}
events() { grep -c "$2" "$EV/$1"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
# at_times NS PATTERN [EXCLUDE]: when matching events came (seconds since
# boot, nlraw's AT=), one per line
at_times() {
	grep "$2" "$EV/$1" | grep -v "${3:-^$}" | sed -n 's/.* AT=\([0-9.]*\)$/\1/p'
}
# at_least A B SECONDS: B came at least SECONDS (less 0.1) after A
at_least() { awk -v a="$1" -v b="$2" -v s="$3" 'BEGIN { exit !(a != "" && b != "" && b - a >= s - 0.1) }'; }
tstat() { kvti -n "$1" -j -s tunnel show vti1 | jq -r ".[0].stats.$2"; }
sastat() { kvti -n "$1" -j -s sa show spi "$2" | jq -r ".[0].stats.$3"; }

# pair SPI_OUT SPI_IN [g1 options...]: g1 out/in and g2's twins
pair() {
	local o=$1 i=$2
	shift 2
	kvti -n g1 sa add dev vti1 dir out spi $o aead "$GCM" $KA 128 "$@" &&
	kvti -n g2 sa add dev vti1 dir in spi $o aead "$GCM" $KA 128 &&
	kvti -n g2 sa add dev vti1 dir out spi $i aead "$GCM" $KB 128 &&
	kvti -n g1 sa add dev vti1 dir in spi $i aead "$GCM" $KB 128
}
reset() { kvti -n g1 sa flush; kvti -n g2 sa flush; kvti -n g1 stats clear; kvti -n g2 stats clear; }

# 1. ACQUIRE: a packet routed into a tunnel without an outbound SA
listen g1 3
$G1 ping -c 3 -i 0.2 -W 1 198.51.100.2 >/dev/null 2>&1
wait
check_eq "3 packets dropped for want of an SA" 3 "$(tstat g1 drop_no_sa)"
check_eq "one ACQUIRE (rate-limited to 1/s)" 1 "$(events g1 'EV_ACQUIRE IFINDEX=[0-9]* IFNAME=vti1')"
check_match "ACQUIRE names the endpoints" "LOCAL=192.0.2.1 REMOTE=192.0.2.2" "$(cat "$EV/g1")"

# 2. INVALID_SPI: g2 sends with an SPI g1 has never heard of; kvti monitor
# shows it.
kvti -n g2 sa add dev vti1 dir out spi 0x7777 aead "$GCM" $KA 128
kvti -n g1 monitor >"$EV/monitor" 2>&1 &
mon=$!
sleep 0.5
$G2 ping -c 2 -i 0.2 -W 1 198.51.100.1 >/dev/null 2>&1
sleep 0.3
kill -TERM $mon
wait $mon
check_eq "unknown SPI counted on g1's tunnel" 2 "$(tstat g1 drop_unknown_spi)"
check_match "kvti monitor shows INVALID_SPI with SPI and source" \
	"invalid-spi dev vti1 spi 0x00007777 from 192.0.2.2" "$(cat "$EV/monitor")"
reset

# capture N FILE: the next N ESP frames g1 sends (with the ping that the
# caller starts after this returns)
capture() {
	$G1 $INJECT capture e1 "$1" "$2" >"$2.txt" &
	for _ in $(seq 600); do grep -q ready "$2.txt" 2>/dev/null && return; sleep 0.1; done
}
send() { $G1 $INJECT send e1 "$@" >/dev/null; sleep 0.3; }
intop() { kvti -n g2 -j sa show spi "$1" | jq -r '.[] | select(.dir=="in") | .replay_top'; }

# 3. replay: the same frame again is dropped, and counted, N times
pair 0x1001 0x2001
check "first ping" $G1 ping -c 1 -W 2 198.51.100.2
capture 1 "$EV/f1"
$G1 ping -c 1 -W 2 198.51.100.2 >/dev/null
wait
listen g2 4
send "$EV/f1" --count 3
wait
check_eq "3 replays dropped" 3 "$(sastat g2 0x1001 drop_replay)"
check_eq "the original was received once" 2 "$(sastat g2 0x1001 rx_packets)"
check_eq "one REPLAY event (rate-limited)" 1 "$(events g2 EV_REPLAY)"
$G1 ping -c 70 -i 0.01 -q -W 2 198.51.100.2 >/dev/null
send "$EV/f1"
check_eq "older than the 64-packet window: dropped too" 4 "$(sastat g2 0x1001 drop_replay)"

# 4. reordering and forgery, with frames g2 has not seen: g2 drops ESP on
# ingress while g1 sends five, then they are replayed by hand.
$G2 tc qdisc add dev e2 ingress
$G2 tc filter add dev e2 parent ffff: protocol ip prio 1 u32 match ip protocol 50 0xff action drop
capture 5 "$EV/f5"
$G1 ping -c 5 -i 0.1 -W 1 198.51.100.2 >/dev/null
wait
$G2 tc qdisc del dev e2 ingress
top=$(intop 0x1001)
rx=$(sastat g2 0x1001 rx_packets)
send "$EV/f5" --order 3,1,2
check_eq "reordered inside the window: all three accepted" $((rx + 3)) "$(sastat g2 0x1001 rx_packets)"
check_eq "window top is the newest of them" $((top + 3)) "$(intop 0x1001)"
send "$EV/f5" --order 4 --flip-ct
check_eq "a flipped ciphertext bit: authentication failure" 1 "$(sastat g2 0x1001 drop_auth)"
send "$EV/f5" --order 5 --flip-icv
check_eq "a flipped ICV bit: authentication failure" 2 "$(sastat g2 0x1001 drop_auth)"
check_eq "forgeries did not move the window" $((top + 3)) "$(intop 0x1001)"
send "$EV/f5" --order 4,5
check_eq "the genuine frames 4 and 5 are still accepted" $((rx + 5)) "$(sastat g2 0x1001 rx_packets)"
send "$EV/f5" --order 2
check_eq "and a repeat inside the window is a replay" 5 "$(sastat g2 0x1001 drop_replay)"
send "$EV/f1" --seq-add 1000
check_eq "an unseen sequence number with the wrong ICV: authentication failure" 3 \
	"$(sastat g2 0x1001 drop_auth)"
check "traffic goes on" $G1 ping -c 1 -W 2 198.51.100.2
reset

# 4b. window 0: anti-replay off, so a replay is accepted
kvti -n g1 sa add dev vti1 dir out spi 0x1001 aead "$GCM" $KA 128
kvti -n g2 sa add dev vti1 dir in spi 0x1001 aead "$GCM" $KA 128 replay-window 0
kvti -n g2 sa add dev vti1 dir out spi 0x2001 aead "$GCM" $KB 128
kvti -n g1 sa add dev vti1 dir in spi 0x2001 aead "$GCM" $KB 128
capture 1 "$EV/f0"
$G1 ping -c 1 -W 2 198.51.100.2 >/dev/null
wait
send "$EV/f0" --count 3
check_eq "window 0: the three replays are accepted" 4 "$(sastat g2 0x1001 rx_packets)"
check_eq "window 0: nothing counted as replay" 0 "$(sastat g2 0x1001 drop_replay)"
reset

# 5. lifetime in packets: soft once at 5, hard at 10, then gone
pair 0x1001 0x2001 lifetime packets 10 soft 5
listen g1 6
replies=$($G1 ping -c 15 -i 0.1 -W 1 198.51.100.2 | grep -c 'bytes from')
wait
check_eq "exactly 10 packets went through" 10 "$replies"
check_eq "one soft EXPIRE" 1 "$(grep EV_EXPIRE "$EV/g1" | grep -vc EXPIRE_HARD)"
check_eq "one hard EXPIRE" 1 "$(events g1 'EV_EXPIRE.*SA_SPI=0x00001001.*EXPIRE_HARD')"
check_eq "the expired SA is gone" 0 "$(kvti -n g1 -j sa show spi 0x1001 | jq length)"
check_eq "carrier dropped with it" false "$(kvti -n g1 -j tunnel show vti1 | jq -r '.[0].carrier')"
reset

# 5b. lifetime in bytes (inner bytes; an 84-byte ping): soft at 420, hard at 840
pair 0x1001 0x2001 lifetime bytes 840 soft 420
listen g1 6
replies=$($G1 ping -c 15 -i 0.1 -W 1 198.51.100.2 | grep -c 'bytes from')
wait
check_eq "exactly 10 pings' worth of bytes went through" 10 "$replies"
check_eq "one soft EXPIRE (bytes)" 1 "$(grep EV_EXPIRE "$EV/g1" | grep -vc EXPIRE_HARD)"
check_eq "one hard EXPIRE (bytes)" 1 "$(events g1 'EV_EXPIRE.*EXPIRE_HARD')"
reset

# 6. lifetime in seconds: soft at 1 s, hard at 5 s.  Judged by when the
# events came (AT=, seconds since boot), not by sleeping: a loaded host
# may take seconds to run the commands in between.
listen g1 12
t0=$(uptime_s)
pair 0x1001 0x2001 lifetime seconds 5 soft 1
wait
soft=$(at_times g1 'EV_EXPIRE.*SA_SPI=0x00001001' EXPIRE_HARD)
hard=$(at_times g1 'EV_EXPIRE.*SA_SPI=0x00001001.*EXPIRE_HARD')
check_eq "one soft EXPIRE" 1 "$(echo "$soft" | grep -c .)"
check_eq "one hard EXPIRE" 1 "$(echo "$hard" | grep -c .)"
check "soft EXPIRE no sooner than 1 s after the SA (from $t0 to $soft)" at_least "$t0" "$soft" 1
check "hard EXPIRE 4 s after the soft one: the SA outlived it (at $hard)" at_least "$soft" "$hard" 4
check_eq "gone after the hard EXPIRE" 0 "$(kvti -n g1 -j sa show spi 0x1001 | jq length)"
reset

# 7. idle: no packet either way for idle-time seconds raises IDLE once.
# Only IDLEs after the ping count: one between the SA's creation and the
# ping (a slow host) would be right, but is not what this checks.
listen g1 12
pair 0x1001 0x2001 idle-time 3
t1=$(uptime_s)
check "one ping, then silence" $G1 ping -c 1 -W 2 198.51.100.2
t2=$(uptime_s)
wait
idle=$(at_times g1 'EV_IDLE.*SA_SPI=0x00001001' | awk -v t="$t2" '$1 > t')
check_eq "one IDLE event for the outbound SA after the ping" 1 "$(echo "$idle" | grep -c .)"
check "... 3 s or more after the ping began ($t1; IDLE $idle)" at_least "$t1" "$idle" 3
check_eq "the SA stays (the keyer decides)" 1 "$(kvti -n g1 -j sa show spi 0x1001 | jq length)"
reset

# 8. sequence numbers never wrap: the last one is sent, then hard EXPIRE
kvti -n g2 sa add dev vti1 dir in spi 0x1001 aead "$GCM" $KA 128
kvti -n g2 sa add dev vti1 dir out spi 0x2001 aead "$GCM" $KB 128
kvti -n g1 sa add dev vti1 dir in spi 0x2001 aead "$GCM" $KB 128
check "outbound SA two numbers before the end" $G1 $NLRAW SA_NEW IFNAME=str:vti1 \
	SA_DIR=u8:1 SA_SPI=u32:0x1001 "SA_AEAD_ALG=str:$GCM" SA_ENC_KEY=hex:${KA#0x} \
	SA_ICV_BITS=u32:128 SA_SEQ_OUT=u64:0xfffffffe
listen g1 4
replies=$($G1 ping -c 3 -i 0.3 -W 1 198.51.100.2 | grep -c 'bytes from')
wait
check_eq "only sequence number 0xffffffff was used" 1 "$replies"
check_eq "hard EXPIRE at the end of the space" 1 "$(events g1 'EV_EXPIRE.*EXPIRE_HARD')"
check_eq "g2 saw 0xffffffff as its top" 4294967295 \
	"$(kvti -n g2 -j sa show spi 0x1001 | jq -r '.[0].replay_top')"
reset

# 9. ESN: the same start with ESN crosses 2^32 and the peer infers it
kvti -n g2 sa add dev vti1 dir in spi 0x1001 aead "$GCM" $KA 128 esn
kvti -n g2 sa add dev vti1 dir out spi 0x2001 aead "$GCM" $KB 128 esn
kvti -n g1 sa add dev vti1 dir in spi 0x2001 aead "$GCM" $KB 128 esn
check "ESN outbound SA near 2^32" $G1 $NLRAW SA_NEW IFNAME=str:vti1 \
	SA_DIR=u8:1 SA_SPI=u32:0x1001 "SA_AEAD_ALG=str:$GCM" SA_ENC_KEY=hex:${KA#0x} \
	SA_ICV_BITS=u32:128 SA_SEQ_OUT=u64:0xfffffffe SA_ESN=flag:
check "4 pings across the boundary" $G1 ping -c 4 -i 0.2 -W 2 198.51.100.2
check_eq "g2's window top is 2^32 + 2" 4294967298 \
	"$(kvti -n g2 -j sa show spi 0x1001 | jq -r '.[0].replay_top')"
reset

# 10. MTU, DF and pre-fragmentation.  Cisco's table (Pre-Fragmentation for
# IPsec VPNs): "Enabled crypto ipsec df-bit clear 1 Fragmentation occurs
# before encryption." and "Enabled crypto ipsec df-bit copy 1 Packets are
# dropped."
pair 0x1001 0x2001
mtu=$(kvti -n g1 -j tunnel show vti1 | jq -r '.[0].mtu')
check_eq "derived MTU with an AES-GCM-128 SA: 1500 - 20 - 37" 1443 "$mtu"
check "an MTU larger than the path allows" kvti -n g1 tunnel set vti1 mtu 1500
before=$(sastat g2 0x1001 rx_packets)
check "df-bit clear" kvti -n g1 tunnel set vti1 df-bit clear
check "with df-bit clear even DF packets are fragmented before encryption" \
	$G1 ping -c 1 -W 2 -M do -s 1472 198.51.100.2
check_eq "two ESP packets for one ping" $((before + 2)) "$(sastat g2 0x1001 rx_packets)"
check "df-bit copy" kvti -n g1 tunnel set vti1 df-bit copy
check "without DF it is fragmented before encryption" $G1 ping -c 1 -W 2 -M dont -s 1472 198.51.100.2
check_eq "two more ESP packets" $((before + 4)) "$(sastat g2 0x1001 rx_packets)"
out=$($G1 ping -c 1 -W 2 -M do -s 1472 198.51.100.2 2>&1)
check_match "DF packet too big: ICMP with the path's MTU" "mtu = 1443|mtu=1443" "$out"
check_eq "counted as an MTU drop" 1 "$(tstat g1 drop_mtu)"
# The outer DF bit, read off the wire.
outer_df() { # PING-OPTION
	capture 1 "$EV/df"
	$G1 ping -c 1 -W 2 $1 -s 100 198.51.100.2 >/dev/null
	wait
	sed -n 's/.* df \([01]\)$/\1/p' "$EV/df.txt"
}
check_eq "df-bit copy, inner DF: outer DF" 1 "$(outer_df '-M do')"
check_eq "df-bit copy, inner without DF: outer without" 0 "$(outer_df '-M dont')"
kvti -n g1 tunnel set vti1 df-bit set
check_eq "df-bit set: outer DF whatever the inner" 1 "$(outer_df '-M dont')"
kvti -n g1 tunnel set vti1 df-bit clear
check_eq "df-bit clear: no outer DF whatever the inner" 0 "$(outer_df '-M do')"
kvti -n g1 tunnel set vti1 df-bit copy
out=$($G1 ping -6 -c 1 -W 2 -s 1452 2001:db8:100::2 2>&1)
check_match "IPv6 too big: Packet Too Big with the MTU" "mtu[ =]*1443|too big" "$out"
check "fits again with the derived MTU" kvti -n g1 tunnel set vti1 mtu 0 df-bit copy
check "IPv6 ping of a full-size packet" $G1 ping -6 -c 1 -W 2 -s 1395 2001:db8:100::2

rm -rf "$EV"
finish
