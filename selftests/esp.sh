#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 600
#
# ESP interoperability with Linux's own XFRM: kvti on one side, a native
# xfrm interface on the other, the same SPIs and keys.  Every algorithm of
# SPEC §5, with and without ESN, IPv4 and IPv6 outer, IPv4 and IPv6 inner.
# A ping through the tunnel proves both directions; counters on both sides
# prove the packets really went through ESP and not around it.
#
#   ns k (kvti)                                   ns x (native XFRM)
#   vti1 198.51.100.1 / 2001:db8:100::1           xfrm42 198.51.100.2 / 2001:db8:100::2
#     |  kvti SAs                                   |  ip xfrm state/policy if_id 42
#   veth k0 192.0.2.1 / 2001:db8::1  <------->  veth x0 192.0.2.2 / 2001:db8::2

source "$(dirname "$0")/lib.sh"

modprobe -a xfrm_user xfrm_interface esp4 esp6 sha512_generic drbg 2>/dev/null
ns_add k x
K="ip netns exec k"
X="ip netns exec x"

ip link add k0 netns k type veth peer name x0 netns x
$K ip addr add 192.0.2.1/24 dev k0
$K ip addr add 2001:db8::1/64 dev k0 nodad
$X ip addr add 192.0.2.2/24 dev x0
$X ip addr add 2001:db8::2/64 dev x0 nodad
$K ip link set k0 up
$X ip link set x0 up

$X ip link add xfrm42 type xfrm dev x0 if_id 42
$X ip link set xfrm42 up
$X ip addr add 198.51.100.2/32 peer 198.51.100.1/32 dev xfrm42
$X ip addr add 2001:db8:100::2/128 peer 2001:db8:100::1/128 dev xfrm42 nodad
# Native side: policies for both inner families, for the given outer pair.
native_policies() { # LOCAL REMOTE
	local dir src dst fam
	$X ip xfrm policy flush
	for fam in 0.0.0.0/0 ::/0; do
		$X ip xfrm policy add dir out src $fam dst $fam if_id 42 \
			tmpl src "$1" dst "$2" proto esp reqid 1 mode tunnel
		$X ip xfrm policy add dir in src $fam dst $fam if_id 42 \
			tmpl src "$2" dst "$1" proto esp reqid 1 mode tunnel
	done
}

# key material: fixed, test-only
K16=0x000102030405060708090a0b0c0d0e0f
K20=0x000102030405060708090a0b0c0d0e0f10111213
K32=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
K36=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223
K24=0x000102030405060708090a0b0c0d0e0f1011121314151617
A20=0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3
A32=0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf
A64=${A32}c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf

# name | kvti algorithm words | ip xfrm algorithm words
CASES=(
"gcm128|aead rfc4106(gcm(aes)) $K20 128|aead rfc4106(gcm(aes)) $K20 128"
"gcm256|aead rfc4106(gcm(aes)) $K36 128|aead rfc4106(gcm(aes)) $K36 128"
"gcm128-icv64|aead rfc4106(gcm(aes)) $K20 64|aead rfc4106(gcm(aes)) $K20 64"
"chacha20poly1305|aead rfc7539esp(chacha20,poly1305) $K36 128|aead rfc7539esp(chacha20,poly1305) $K36 128"
"gmac128|aead rfc4543(gcm(aes)) $K20 128|aead rfc4543(gcm(aes)) $K20 128"
"cbc-sha1|enc cbc(aes) $K16 auth hmac(sha1) $A20 96|enc cbc(aes) $K16 auth-trunc hmac(sha1) $A20 96"
"cbc256-sha256|enc cbc(aes) $K32 auth hmac(sha256) $A32 128|enc cbc(aes) $K32 auth-trunc hmac(sha256) $A32 128"
"cbc256-sha384|enc cbc(aes) $K32 auth hmac(sha384) ${A64:0:98} 192|enc cbc(aes) $K32 auth-trunc hmac(sha384) ${A64:0:98} 192"
"cbc256-sha512|enc cbc(aes) $K32 auth hmac(sha512) $A64 256|enc cbc(aes) $K32 auth-trunc hmac(sha512) $A64 256"
"3des-sha1|enc cbc(des3_ede) $K24 auth hmac(sha1) $A20 96|enc cbc(des3_ede) $K24 auth-trunc hmac(sha1) $A20 96"
"null-sha256|enc ecb(cipher_null) 0x auth hmac(sha256) $A32 128|enc ecb(cipher_null) EMPTY auth-trunc hmac(sha256) $A32 128"
)

# setup OUTER(4|6) CASE ESN(0|1): one kvti tunnel and its native twin
setup() {
	local outer=$1 esn=$4 l r kesn=() xesn=() ka xa i
	read -ra ka <<<"$2"
	read -ra xa <<<"$3"
	for i in "${!xa[@]}"; do [ "${xa[$i]}" = EMPTY ] && xa[$i]=""; done
	if [ "$outer" = 4 ]; then l=192.0.2.1 r=192.0.2.2; else l=2001:db8::1 r=2001:db8::2; fi
	if [ "$esn" = 1 ]; then kesn=(esn); xesn=(flag esn replay-window 64); fi
	$K ip link del vti1 2>/dev/null
	$X ip xfrm state flush
	native_policies "$r" "$l"
	kvti -n k tunnel add vti1 local $l remote $r || return 1
	kvti -n k sa add dev vti1 dir out spi 0x1001 "${ka[@]}" "${kesn[@]}" || return 1
	kvti -n k sa add dev vti1 dir in spi 0x2001 "${ka[@]}" "${kesn[@]}" || return 1
	$X ip xfrm state add src $l dst $r proto esp spi 0x1001 reqid 1 mode tunnel \
		if_id 42 flag af-unspec "${xesn[@]}" "${xa[@]}" || return 1
	$X ip xfrm state add src $r dst $l proto esp spi 0x2001 reqid 1 mode tunnel \
		if_id 42 flag af-unspec "${xesn[@]}" "${xa[@]}" || return 1
	$K ip link set vti1 addrgenmode none
	$K ip link set vti1 up
	# After "up": 6.1 adds no route to an IPv6 peer configured while down.
	$K ip addr add 198.51.100.1/32 peer 198.51.100.2/32 dev vti1
	$K ip addr add 2001:db8:100::1/128 peer 2001:db8:100::2/128 dev vti1 nodad
}

native_packets() { # SPI SRC DST: packets counted by the native state
	$X ip -s xfrm state list src "$2" dst "$3" proto esp spi "$1" |
		sed -n 's/.*(bytes), *\([0-9]*\)(packets).*/\1/p' | head -n1
}

for c in "${CASES[@]}"; do
	IFS='|' read -r name kalg xalg <<<"$c"
	for outer in 4 6; do
		for esn in 0 1; do
			[ "$outer" = 6 ] && [ "$esn" = 1 ] && [ "$name" != gcm128 ] && [ "$name" != cbc-sha1 ] && continue
			tag="$name outer IPv$outer${esn/1/ esn}"
			tag=${tag/ 0/}
			if ! setup $outer "$kalg" "$xalg" $esn; then
				check "$tag: setup" false
				continue
			fi
			check "$tag: ping IPv4 inner" $K ping -c 2 -i 0.2 -W 2 198.51.100.2
			if [ "$name" = gcm128 ] || [ "$name" = cbc-sha1 ]; then
				check "$tag: ping IPv6 inner" $K ping -6 -c 2 -i 0.2 -W 2 2001:db8:100::2
			fi
			j=$(kvti -n k -j -s sa show dev vti1)
			out=$(jq -r '.[] | select(.dir=="out") | .stats.tx_packets' <<<"$j")
			in=$(jq -r '.[] | select(.dir=="in") | .stats.rx_packets' <<<"$j")
			check_match "$tag: kvti sent through its outbound SA" '^[1-9]' "$out"
			check_match "$tag: kvti received through its inbound SA" '^[1-9]' "$in"
		done
	done
done

# The native side really decrypted kvti's packets (not a bypass): its
# inbound state counted them.  Checked on the last IPv4 case by SPI.
setup 4 "aead rfc4106(gcm(aes)) $K20 128" "aead rfc4106(gcm(aes)) $K20 128" 0
check "ping for the state counters" $K ping -c 3 -i 0.2 -W 2 198.51.100.2
check_eq "native inbound state counted 3 packets" 3 "$(native_packets 0x1001 192.0.2.1 192.0.2.2)"
check_eq "kvti outbound SA sent 3" 3 \
	"$(kvti -n k -j -s sa show dev vti1 | jq -r '.[] | select(.dir=="out") | .stats.tx_packets')"
check_eq "tunnel counted 3 received" 3 \
	"$(kvti -n k -j -s tunnel show vti1 | jq -r '.[0].stats.rx_packets')"
check_eq "carrier up with an outbound SA" true \
	"$(kvti -n k -j tunnel show vti1 | jq -r '.[0].carrier')"

finish
