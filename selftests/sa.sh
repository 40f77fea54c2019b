#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SA database through the tool and the genl family: add, show, delete,
# flush; what is refused and why; keys never come back; carrier follows the
# outbound SA; make-before-break with several SAs per direction; SPI_ALLOC;
# counters.  Two kvti gateways, so every packet is kvti's on both ends.
#
#   ns g1                                         ns g2
#   vti1 198.51.100.1 ====== ESP ======= vti1 198.51.100.2
#   veth e1 192.0.2.1  <--------------->  veth e2 192.0.2.2

source "$(dirname "$0")/lib.sh"

kvti_gateways
G1="ip netns exec g1"
G2="ip netns exec g2"
NLRAW="python3 $KVTI_ROOT/selftests/nlraw.py"

KA=0x11111111111111111111111111111111aaaaaaaa
KB=0x22222222222222222222222222222222bbbbbbbb
KC=0x33333333333333333333333333333333cccccccc
GCM="rfc4106(gcm(aes))"

sa_json() { kvti -n "$1" -j -s sa show; }
# operstate moves through linkwatch, which may run up to a second later
operstate_is() { ip -n "$1" -j link show "$2" | jq -e --arg s "$3" '.[0].operstate == $s'; }

# 1. carrier follows the outbound SA
check_eq "no carrier before any SA" false "$(kvti -n g1 -j tunnel show vti1 | jq -r '.[0].carrier')"
eventually 5 operstate_is g1 vti1 DORMANT
check_match "ip link: DORMANT (RFC 2863: waiting for the keyer)" "state DORMANT" "$($G1 ip link show vti1)"
check "inbound SA on g1" kvti -n g1 sa add dev vti1 dir in spi 0x2001 aead "$GCM" $KB 128
check_eq "still no carrier with only an inbound SA" false \
	"$(kvti -n g1 -j tunnel show vti1 | jq -r '.[0].carrier')"
check "outbound SA on g1" kvti -n g1 sa add dev vti1 dir out spi 0x1001 aead "$GCM" $KA 128
check_eq "carrier with an outbound SA" true "$(kvti -n g1 -j tunnel show vti1 | jq -r '.[0].carrier')"
eventually 5 operstate_is g1 vti1 UP
check_match "ip link agrees: state UP" "state UP" "$($G1 ip link show vti1)"
check "g2's SAs" kvti -n g2 sa add dev vti1 dir in spi 0x1001 aead "$GCM" $KA 128
check "g2's SAs (out)" kvti -n g2 sa add dev vti1 dir out spi 0x2001 aead "$GCM" $KB 128
check "ping through kvti on both ends" $G1 ping -c 3 -i 0.2 -W 2 198.51.100.2

# 2. what show says, and what it never says
j=$(sa_json g1)
check_eq "two SAs on g1" 2 "$(jq length <<<"$j")"
out=$(jq -c '.[] | select(.dir=="out")' <<<"$j")
check_eq "outbound spi" 4097 "$(jq -r .spi <<<"$out")"
check_eq "outbound algorithm" "$GCM" "$(jq -r .aead <<<"$out")"
check_eq "key length reported, salt excluded" 128 "$(jq -r .enc_key_bits <<<"$out")"
check_eq "icv bits" 128 "$(jq -r .icv_bits <<<"$out")"
check_eq "three packets sent" 3 "$(jq -r .stats.tx_packets <<<"$out")"
check_eq "sequence number 3" 3 "$(jq -r .seq_out <<<"$out")"
in=$(jq -c '.[] | select(.dir=="in")' <<<"$j")
check_eq "three received" 3 "$(jq -r .stats.rx_packets <<<"$in")"
check_eq "replay top 3" 3 "$(jq -r .replay_top <<<"$in")"
check_eq "replay window: the tunnel default" 64 "$(jq -r .replay_window <<<"$in")"
check_eq "packets against the lifetime" 3 "$(jq -r .lifetime.current.packets <<<"$in")"
for ns in g1 g2; do
	dump="$(kvti -n $ns -j -s sa show; kvti -n $ns -s sa show; ip netns exec $ns $NLRAW --dump SA_GET 2>&1)"
	check_fail "no key material in $ns's dumps" grep -qiE "1111111111111111|2222222222222222|aaaaaaaa|bbbbbbbb" <<<"$dump"
done
check_match "human output names the SPI in hex" "0x00001001" "$(kvti -n g1 sa show)"
check_eq "filter by spi" 1 "$(kvti -n g1 -j sa show spi 0x1001 | jq length)"

# 3. refusals: clear message, nothing changed
before=$(kvti -n g1 -j sa show | jq -c 'map(del(.age, .idle, .lifetime.current.seconds))')
check_fail_msg "duplicate inbound SPI in the namespace" "KVTI_A_SA_SPI.*already uses" \
	kvti -n g1 sa add dev vti1 dir in spi 0x2001 aead "$GCM" $KC 128
check_fail_msg "reserved SPI" "KVTI_A_SA_SPI.*reserved" \
	kvti -n g1 sa add dev vti1 dir in spi 255 aead "$GCM" $KC 128
check_fail_msg "unknown AEAD" "KVTI_A_SA_AEAD_ALG.*no such" \
	kvti -n g1 sa add dev vti1 dir in spi 0x3001 aead "gcm(nosuch)" $KC 128
check_fail_msg "an AEAD that is not ESP's" "KVTI_A_SA_AEAD_ALG.*8-byte IV" \
	kvti -n g1 sa add dev vti1 dir in spi 0x3001 aead "gcm(aes)" 0x11111111111111111111111111111111 128
check_fail_msg "wrong key length" "KEY.*length" \
	kvti -n g1 sa add dev vti1 dir in spi 0x3001 aead "$GCM" 0x1122 128
check_fail_msg "unsupported ICV" "KVTI_A_SA_ICV_BITS" \
	kvti -n g1 sa add dev vti1 dir in spi 0x3001 aead "$GCM" $KC 100
check_fail_msg "unknown hash" "no such pair" \
	kvti -n g1 sa add dev vti1 dir in spi 0x3001 enc "cbc(aes)" 0x11111111111111111111111111111111 auth "hmac(nosuch)" 0x11 96
check_fail_msg "replay window out of range" "KVTI_A_SA_REPLAY_WINDOW" \
	kvti -n g1 sa add dev vti1 dir in spi 0x3001 aead "$GCM" $KC 128 replay-window 5000
check_fail_msg "soft lifetime above hard" "KVTI_A_SA_LIFE_SOFT" \
	kvti -n g1 sa add dev vti1 dir in spi 0x3001 aead "$GCM" $KC 128 lifetime packets 10 soft 20
check_fail_msg "no SA on a template" "template carries no traffic" \
	sh -c "kvti -n g1 tunnel add tmpl0 local 192.0.2.1 template &&
	       kvti -n g1 sa add dev tmpl0 dir in spi 0x3001 aead '$GCM' $KC 128"
check_fail_msg "no SA on a bare tunnel" "needs local and remote" \
	sh -c "ip -n g1 link add bare0 type kvti &&
	       kvti -n g1 sa add dev bare0 dir in spi 0x3001 aead '$GCM' $KC 128"
check_fail_msg "kernel: AEAD and enc together" "KVTI_A_SA_AEAD_ALG" \
	ip netns exec g1 $NLRAW SA_NEW IFNAME=str:vti1 SA_DIR=u8:0 SA_SPI=u32:0x3001 \
	"SA_AEAD_ALG=str:$GCM" SA_ENC_ALG=str:cbc\(aes\) SA_ENC_KEY=hex:${KC#0x} SA_ICV_BITS=u32:128
check_fail_msg "kernel: direction 2" "KVTI_A_SA_DIR" \
	ip netns exec g1 $NLRAW SA_NEW IFNAME=str:vti1 SA_DIR=u8:2 SA_SPI=u32:0x3001 \
	"SA_AEAD_ALG=str:$GCM" SA_ENC_KEY=hex:${KC#0x}
check_fail_msg "kernel: sequence number on an inbound SA" "KVTI_A_SA_SEQ_OUT" \
	ip netns exec g1 $NLRAW SA_NEW IFNAME=str:vti1 SA_DIR=u8:0 SA_SPI=u32:0x3001 \
	"SA_AEAD_ALG=str:$GCM" SA_ENC_KEY=hex:${KC#0x} SA_SEQ_OUT=u64:5
check_fail_msg "kernel: missing SPI" "KVTI_A_SA_SPI" \
	ip netns exec g1 $NLRAW SA_NEW IFNAME=str:vti1 SA_DIR=u8:0 \
	"SA_AEAD_ALG=str:$GCM" SA_ENC_KEY=hex:${KC#0x}
check_fail_msg "SA for a missing tunnel" "no such device" \
	kvti -n g1 sa add dev nosuch dir in spi 0x3001 aead "$GCM" $KC 128
check_fail_msg "kernel: SPI 0" "KVTI_A_SA_SPI.*reserved" \
	ip netns exec g1 $NLRAW SA_NEW IFNAME=str:vti1 SA_DIR=u8:0 SA_SPI=u32:0 \
	"SA_AEAD_ALG=str:$GCM" SA_ENC_KEY=hex:${KC#0x}
check_fail_msg "del of an unknown SA" "no SA with this SPI" \
	kvti -n g1 sa del dev vti1 dir in spi 0x9999
check_eq "nothing changed by refused requests" "$before" \
	"$(kvti -n g1 -j sa show | jq -c 'map(del(.age, .idle, .lifetime.current.seconds))')"
check "a third SA on g1 only" kvti -n g1 sa add dev vti1 dir in spi 0x4444 aead "$GCM" $KC 128
id=$(kvti -n g1 -j sa show spi 0x4444 | jq -r '.[0].id')
check_fail_msg "SA ids are per namespace: g2 cannot delete g1's" "no such SA" \
	ip netns exec g2 $NLRAW SA_DEL SA_ID=u32:$id
check "g1 deletes it by id" ip netns exec g1 $NLRAW SA_DEL SA_ID=u32:$id
check_fail_msg "unprivileged sa show refused" "Operation not permitted" \
	$G1 setpriv --reuid=65534 --regid=65534 --clear-groups "$KVTI_ROOT/tools/kvti/kvti" sa show

# 4. make-before-break: the newest outbound SA is used; all inbound accepted
check "second outbound SA on g1" kvti -n g1 sa add dev vti1 dir out spi 0x1002 aead "$GCM" $KC 128
check "its inbound twin on g2 (old one stays)" kvti -n g2 sa add dev vti1 dir in spi 0x1002 aead "$GCM" $KC 128
check "ping over the new SA" $G1 ping -c 2 -i 0.2 -W 2 198.51.100.2
check_eq "old outbound SA sent nothing more" 3 \
	"$(kvti -n g1 -j -s sa show spi 0x1001 | jq -r '.[0].stats.tx_packets')"
check_eq "new outbound SA sent 2" 2 \
	"$(kvti -n g1 -j -s sa show spi 0x1002 | jq -r '.[] | select(.dir=="out") | .stats.tx_packets')"
check "delete the new outbound SA" kvti -n g1 sa del dev vti1 dir out spi 0x1002
check "ping falls back to the older one" $G1 ping -c 1 -W 2 198.51.100.2
check_eq "old outbound SA sent 1 more" 4 \
	"$(kvti -n g1 -j -s sa show spi 0x1001 | jq -r '.[] | select(.dir=="out") | .stats.tx_packets')"

# 5. SPI_ALLOC: random, in range, unused, then usable
spi=$(ip netns exec g1 $NLRAW SPI_ALLOC SPI_MIN=u32:0x5000 SPI_MAX=u32:0x5fff | sed -n 's/.*=\([0-9a-f]*\)$/\1/p')
spi=$((0x${spi:6:2}${spi:4:2}${spi:2:2}${spi:0:2}))
check "allocated SPI $spi in 0x5000..0x5fff" test "$spi" -ge $((0x5000)) -a "$spi" -le $((0x5fff))
check "the allocated SPI can be installed" \
	kvti -n g1 sa add dev vti1 dir in spi $spi aead "$GCM" $KC 128
check_fail_msg "SPI_ALLOC range below 256 refused" "KVTI_A_SPI_MIN" \
	ip netns exec g1 $NLRAW SPI_ALLOC SPI_MIN=u32:1

# 6. counters: stats show and clear
check_match "stats show lists the tunnel" "vti1" "$(kvti -n g1 stats show)"
check_eq "tunnel tx so far" 6 "$(kvti -n g1 -j stats show dev vti1 | jq -r '.[0].stats.tx_packets')"
check "stats clear" kvti -n g1 stats clear dev vti1
check_eq "tunnel tx cleared" 0 "$(kvti -n g1 -j stats show dev vti1 | jq -r '.[0].stats.tx_packets')"
check_eq "SA counters cleared too" 0 \
	"$(kvti -n g1 -j -s sa show spi 0x1001 | jq -r '.[] | select(.dir=="out") | .stats.tx_packets')"

# 7. delete and flush
check "sa del" kvti -n g1 sa del dev vti1 dir in spi $spi
check "sa flush dev" kvti -n g1 sa flush dev vti1
check_eq "no SA left on g1" 0 "$(kvti -n g1 -j sa show | jq length)"
check_eq "carrier gone with the last outbound SA" false \
	"$(kvti -n g1 -j tunnel show vti1 | jq -r '.[0].carrier')"
check "sa flush (namespace)" kvti -n g2 sa flush
check_eq "no SA left on g2" 0 "$(kvti -n g2 -j sa show | jq length)"

finish
