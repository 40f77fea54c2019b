#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 900
#
# kvti-keyer <-> kvti-keyer: two gateways, each with its own keyer keying
# static kvti tunnels through the module (the genl backend), PSK.  Each side
# initiates; ping and a TCP transfer cross; the SPIs in both kernels pair up;
# a DELETE from either side empties both kernels; a keyer killed with
# SIGKILL and started again brings the tunnel back with INITIAL_CONTACT and
# leaves no stale SA on the other side; traffic on a tunnel without an SA
# makes the module ask (ACQUIRE) and the keyer initiate; a rekey the peer
# refuses leaves the CHILD SA to its hard expiry in the module, which takes
# it down over IKE; `kvti session show` lists
# the CHILD SAs with the module's counters, which move with a ping; SIGHUP
# with a tunnel removed from the file deletes its SAs from both kernels, and
# with it added again flushes what was left on it before keying it.
#
#   ns g1 (keyer g1)                                  ns g2 (keyer g2)
#   vti1 198.51.100.1 ====== ESP, IPv4 outer ====== vti1 198.51.100.2
#   vti6 203.0.113.1  ====== ESP, IPv6 outer ====== vti6 203.0.113.2
#   veth e1 192.0.2.1      <--- IKE UDP 500 --->     veth e2 192.0.2.2
#           2001:db8::1                                      2001:db8::2
#
# Waiting is by polling with a generous limit; no check depends on timing.

source "$(dirname "$0")/lib.sh"
source "$KVTI_ROOT/selftests/keyer_lib.sh"

kvti_gateways
ip -n g1 addr add 2001:db8::1/64 dev e1 nodad
ip -n g2 addr add 2001:db8::2/64 dev e2 nodad
kvti -n g1 tunnel add vti6 local 2001:db8::1 remote 2001:db8::2
kvti -n g2 tunnel add vti6 local 2001:db8::2 remote 2001:db8::1
for n in 1 2; do
	ip -n g$n link set vti6 addrgenmode none
	ip -n g$n link set vti6 up
	ip -n g$n addr add 203.0.113.$n/32 peer 203.0.113.$((3 - n))/32 dev vti6
done

# conf N [no6]: keyer gN's configuration, both tunnels (or vti1 only).
conf() {
	local me=$1 peer=$((3 - $1)) v6=1 pfs=
	[ "${2:-}" = no6 ] && v6=
	# g1 wants PFS on vti6 and g2 has none: IKE_AUTH's CHILD SA (no KE)
	# comes up, every rekey is refused (NO_PROPOSAL_CHOSEN), see 5.
	[ "$me" = 1 ] && pfs=ecp256

	cat >"$D/g$me.conf" <<-EOF
	retransmit-timeout = 1000
	retransmit-tries = 6
	keyring k {
		peer 192.0.2.$peer { pre-shared-key = "ike.sh v4 key" }
		peer 2001:db8::$peer { pre-shared-key = "ike.sh v6 key" }
	}
	ike-profile ike { proposals = aes256gcm16-prfsha384-ecp384; keyring = k }
	ipsec-profile esp { proposals = aes256gcm16-esn, aes128-sha256; replay-window = 1024 }
	ipsec-profile esp6 { proposals = aes128-sha256; lifetime = 3600 seconds, 2560 kilobytes${pfs:+; pfs = $pfs} }
	tunnel vti1 { local = 192.0.2.$me; peer = 192.0.2.$peer; ike-profile = ike; ipsec-profile = esp }
	${v6:+tunnel vti6 { local = 2001:db8::$me; peer = 2001:db8::$peer; ike-profile = ike; ipsec-profile = esp6 \}}
	EOF
}

conf 1
conf 2

# --- 1. g2 waits, g1 initiates at start; time to the first ping ---------
check "keyer g2 starts (kvti backend, passive)" start 2 --passive
t0=${EPOCHREALTIME/./}
check "keyer g1 starts and initiates its tunnels" start 1
first=
for ((i = 0; i < 300; i++)); do
	if ip netns exec g1 ping -q -c 1 -W 1 198.51.100.2 >/dev/null 2>&1; then
		first=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
		break
	fi
	sleep 0.1
done
check "a ping crosses vti1 after g1's keyer starts" test -n "$first"
echo "    # keyer start to first ping through vti1: ${first:-never} ms"
for n in 1 2; do
	grep -E "retransmit|ike-sa|child-sa|warning|error" "$D/g$n.log" | head -n 8 | sed "s/^/    # g$n: /"
done
check "g1 logs the backend as kvti" logged 1 "backend kvti"
check "vti1: IKE SA established on g1" eventually 30 ike_up 1 vti1
check "vti1: IKE SA established on g2" eventually 30 ike_up 2 vti1
check "vti1: 2 kernel SAs on each side" eventually 30 both_have vti1 2
check "vti1: g1 out SPI = g2 in SPI" pair 1 2 vti1
check "vti1: g2 out SPI = g1 in SPI" pair 2 1 vti1
check_eq "vti1: the kernel SAs carry ESN and AES-GCM" "true rfc4106(gcm(aes))" \
	"$(kvti -n g1 -j sa show dev vti1 | jq -r '.[0] | "\(.esn) \(.aead)"')"
check_eq "vti1: the profile's replay window reached the kernel" 1024 \
	"$(kvti -n g2 -j sa show dev vti1 | jq -r '.[] | select(.dir == "in") | .replay_window')"
check "vti1: ping g1 -> g2" ping_ok 1 198.51.100.2
check "vti1: ping g2 -> g1" ping_ok 2 198.51.100.1
check "vti1: TCP g1 -> g2, sha256 matches" xfer 1 198.51.100.2
check "vti1: TCP g2 -> g1, sha256 matches" xfer 2 198.51.100.1
check_match "vti1: the traffic went through ESP (g2 inbound SA counted it)" '^[1-9][0-9]{3,}$' \
	"$(kvti -n g2 -j -s sa show dev vti1 | jq -r '[.[] | select(.dir == "in") | .stats.rx_packets] | add')"
check "vti6 (IPv6 outer): up too, 2 SAs each side" eventually 30 both_have vti6 2
check "vti6: AES-CBC with HMAC-SHA256-128 in the kernel" sh -c \
	"[ \"\$(kvti -n g1 -j sa show dev vti6 | jq -r '.[0] | \"\(.enc) \(.auth) \(.icv_bits)\"')\" = 'cbc(aes) hmac(sha256) 128' ]"
check "vti6: ping g2 -> g1" ping_ok 2 203.0.113.1
check "vti6: TCP g1 -> g2, sha256 matches" xfer 1 203.0.113.2

# --- 2. DELETE from the responder, then g2 initiates, DELETE from g1 -----
check "vti1: down on g2 (responder)" ctl 2 down vti1
check "vti1: DELETE from g2 empties both kernels" eventually 30 both_have vti1 0
check "vti6: untouched by vti1's DELETE" both_have vti6 2
t0=${EPOCHREALTIME/./}
check "vti1: up on g2 (now the initiator)" ctl 2 up vti1
first=
for ((i = 0; i < 300; i++)); do
	if ip netns exec g2 ping -q -c 1 -W 1 198.51.100.1 >/dev/null 2>&1; then
		first=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
		break
	fi
	sleep 0.1
done
echo "    # warm (crypto modules loaded): 'up' to first ping through vti1: ${first:-never} ms"
check "vti1: 2 kernel SAs on each side again" eventually 30 both_have vti1 2
check_eq "vti1: g2 is the initiator" initiator \
	"$(ctl 2 show | jq -r '.ike_sas[] | select(.tunnel == "vti1") | .role')"
check "vti1: SPIs pair up (g1 -> g2)" pair 1 2 vti1
check "vti1: SPIs pair up (g2 -> g1)" pair 2 1 vti1
check "vti1: ping g2 -> g1" ping_ok 2 198.51.100.1
check "vti1: ping g1 -> g2" ping_ok 1 198.51.100.2
check "vti1: down on g1" ctl 1 down vti1
check "vti1: DELETE from g1 empties both kernels" eventually 30 both_have vti1 0
check "vti1: no IKE SA left on g2" sh -c \
	"[ \"\$('$CTL' $D/g2.sock show | jq '[.ike_sas[] | select(.tunnel == \"vti1\")] | length')\" = 0 ]"

# --- 3. ACQUIRE: traffic on a tunnel without SA starts IKE ---------------
# g2 is passive: only the module's ACQUIRE can make it initiate.
ip netns exec g2 ping -q -c 1 -W 1 198.51.100.1 >/dev/null 2>&1
check "vti1: a packet without SA on g2 -> ACQUIRE -> g2 initiates" eventually 30 both_have vti1 2
check_eq "vti1: g2 initiated" initiator \
	"$(ctl 2 show | jq -r '.ike_sas[] | select(.tunnel == "vti1") | .role')"
check "vti1: ping g2 -> g1 after ACQUIRE" ping_ok 2 198.51.100.1

# --- 4. SIGKILL g1's keyer, start it again: INITIAL_CONTACT --------------
old_in=$(spis 2 vti1 in)
kill -KILL "$(cat "$D/g1.pid")"
wait "$(cat "$D/g1.pid")" 2>/dev/null
check_eq "killed keyer: its kernel SAs stay behind on g1" 2 "$(n_sa 1 vti1)"
check "keyer g1 starts again (passive)" start 1 --passive
check "g1 flushed what the dead keyer left (0 SAs on vti1)" eventually 30 n_sa_is 1 vti1 0
check "vti1: up on g1" ctl 1 up vti1
check "vti1: g2 logs INITIAL_CONTACT removing the stale IKE SA" \
	eventually 30 logged 2 "INITIAL_CONTACT from .*: 1 stale IKE SA removed"
check "vti1: 2 kernel SAs on each side, no stale one" eventually 30 both_have vti1 2
check_eq "vti1: one IKE SA on g2" 1 \
	"$(ctl 2 show | jq '[.ike_sas[] | select(.tunnel == "vti1")] | length')"
check "vti1: g2's inbound SPI is a new one" test "$(spis 2 vti1 in)" != "$old_in"
check "vti1: SPIs pair up after the restart (g1 -> g2)" pair 1 2 vti1
check "vti1: SPIs pair up after the restart (g2 -> g1)" pair 2 1 vti1
check "vti1: ping g1 -> g2 after the restart" ping_ok 1 198.51.100.2
check "vti6: also back (g1 up vti6)" sh -c "'$CTL' $D/g1.sock up vti6 >/dev/null"
check "vti6: 2 kernel SAs on each side, no stale one" eventually 30 both_have vti6 2
check "vti6: ping g1 -> g2" ping_ok 1 203.0.113.2

# --- 5. a rekey refused (PFS only on g1), then the hard expiry (vti6: 2560
# kilobytes) deletes the CHILD SA over IKE
ip netns exec g1 ping -q -f -c 3000 -s 1400 -w 90 203.0.113.2 >/dev/null 2>&1
check "vti6: the soft byte expiry's rekey is refused: NO_PROPOSAL_CHOSEN (PFS on one side only)" \
	eventually 30 sh -c "grep -q 'child-sa rekey failed vti6 .*NO_PROPOSAL_CHOSEN' $D/g1.log $D/g2.log"
check "vti6: a hard byte expiry is logged by a keyer" eventually 30 sh -c \
	"grep -q 'kernel: hard expire' $D/g1.log $D/g2.log"
check "vti6: ... and the CHILD SA leaves both kernels (DELETE over IKE)" eventually 30 both_have vti6 0
check "vti6: ... while the IKE SA stays" ike_up 1 vti6
no_child() { ctl "$1" show | jq -e '[.ike_sas[] | select(.tunnel == "vti6") | .child_sas[]] | length == 0'; }
no_children() { no_child 1 && no_child 2; }
check "vti6: neither keyer holds the CHILD SA any more" eventually 30 no_children
check "vti6: the CHILD SA's deletion is logged by both keyers" eventually 30 sh -c \
	"grep -q 'child-sa deleted vti6' $D/g1.log && grep -q 'child-sa deleted vti6' $D/g2.log"
check "vti1: untouched by vti6's expiry" both_have vti1 2

# --- 6. kvti session show: CHILD SAs with the module's counters ----------
session() { kvti -n g$1 --socket "$D/g$1.sock" "${@:2}"; }	# N ARGS
# counter N DEV in|out: packets of the tunnel's CHILD SA, as kvti session says
counter() {
	local k=rx_packets
	[ "$3" = out ] && k=tx_packets
	session "$1" -j session show "$2" | jq -r ".[0].child_sas[0].sa_$3.stats.$k"
}
check "session show (g1): vti1 established, initiator or responder" sh -c \
	"kvti -n g1 --socket $D/g1.sock session show vti1 | grep -Eq '^vti1: peer 192\.0\.2\.2\[500\] established, (initiator|responder), '"
in0=$(counter 1 vti1 in) out0=$(counter 1 vti1 out)
check "session show -j (g1): vti1's CHILD SA has counters ($in0 in, $out0 out)" sh -c \
	"[ -n '$in0' ] && [ '$in0' != null ] && [ -n '$out0' ] && [ '$out0' != null ]"
check_eq "session show -j (g1): the outbound SPI is the kernel's" \
	"$(printf '0x%08x' "$(spis 1 vti1 out)")" \
	"$(session 1 -j session show vti1 | jq -r '.[0].child_sas[0].spi_out')"
check_eq "session show -j (g1): the inbound SA's kernel id is the kernel's" \
	"$(kvti -n g1 -j sa show dev vti1 | jq '.[] | select(.dir == "in") | .id')" \
	"$(session 1 -j session show vti1 | jq '.[0].child_sas[0].sa_in.id')"
ping_ok 1 198.51.100.2 >/dev/null
in1=$(counter 1 vti1 in) out1=$(counter 1 vti1 out)
check "session show: after 3 pings g1 -> g2, out moved by 3 ($out0 -> $out1)" \
	test "$out1" -ge $((out0 + 3))
check "session show: ... and in by 3, the replies ($in0 -> $in1)" test "$in1" -ge $((in0 + 3))
check "session show (g2): its inbound counter saw them too" sh -c \
	"[ \$(kvti -n g2 --socket $D/g2.sock -j session show vti1 | jq '.[0].child_sas[0].sa_in.stats.rx_packets') -ge 3 ]"
check "session show (human): the in/out lines carry packets and bytes" sh -c \
	"kvti -n g1 --socket $D/g1.sock session show vti1 | grep -Eq '^    in  spi 0x[0-9a-f]{8}  packets [0-9]+ bytes [0-9]+' &&
	 kvti -n g1 --socket $D/g1.sock session show vti1 | grep -Eq '^    out spi 0x[0-9a-f]{8}  packets [1-9][0-9]* bytes '"
session 1 -s session show >"$D/session.txt"
echo "    # kvti -s session show on g1:"
sed 's/^/    #   /' "$D/session.txt"

# --- 7. SIGHUP: vti6 removed from g1's file -> DELETE, gone from both kernels
ctl 1 down vti6 >/dev/null
eventually 30 sh -c "! '$CTL' $D/g1.sock show | jq -e '.ike_sas[] | select(.tunnel == \"vti6\")'" >/dev/null
check "vti6: up again for the reload test (g1 up vti6)" sh -c "'$CTL' $D/g1.sock up vti6 >/dev/null"
check "vti6: 2 kernel SAs on each side" eventually 30 both_have vti6 2
v1_in=$(spis 1 vti1 in) v1_out=$(spis 1 vti1 out)
conf 1 no6
kill -HUP "$(cat "$D/g1.pid")"
check "SIGHUP: g1 logs vti6 removed" eventually 30 logged 1 "reload: tunnel vti6 removed: 1 IKE SA deleted"
check "SIGHUP: g1 logs vti1 unchanged" logged 1 "reload: tunnel vti1 unchanged: 1 IKE SA kept"
check "SIGHUP: g2 hears vti6's DELETE" eventually 30 logged 2 "ike-sa down vti6 .*deleted by the peer"
check "SIGHUP: vti6's kernel SAs are gone on both sides" eventually 30 both_have vti6 0
check "SIGHUP: vti1 keeps its kernel SAs (same SPIs)" sh -c \
	"[ '$(spis 1 vti1 in)' = '$v1_in' ] && [ '$(spis 1 vti1 out)' = '$v1_out' ] && [ \$(kvti -n g2 -j sa show dev vti1 | jq length) = 2 ]"
check "SIGHUP: vti1 still carries a ping" ping_ok 1 198.51.100.2

# --- 7b. SIGHUP: vti6 back in g1's file.  An SA a previous keyer left on it
# (one added by hand stands in) is nobody's: the reload flushes it, as a
# start does, before the tunnel is keyed again.
check "vti6: a stale outbound SA added by hand on g1" sh -c \
	"kvti -n g1 sa add dev vti6 dir out spi 0x5ea1ed01 aead 'rfc4106(gcm(aes))' \
		0x11111111111111111111111111111111aaaaaaaa 128 && [ \$(kvti -n g1 -j sa show dev vti6 | jq length) = 1 ]"
conf 1
kill -HUP "$(cat "$D/g1.pid")"
check "SIGHUP: g1 logs vti6 added (passive: waits for up)" eventually 30 logged 1 \
	"reload: tunnel vti6 added: passive"
check "SIGHUP: the stale SA on vti6 is flushed" n_sa_is 1 vti6 0
check "SIGHUP: g1 up vti6 keys it again" sh -c "'$CTL' $D/g1.sock up vti6 >/dev/null"
v6_keyed() {
	both_have vti6 2 && pair 1 2 vti6 && pair 2 1 vti6 && ! spis 1 vti6 out | grep -qi 5ea1ed01
}
check "vti6: 2 kernel SAs on each side, paired, the stale SPI not among them" eventually 30 v6_keyed
check "vti6: carries a ping" ping_ok 1 203.0.113.2

# --- 8. clean exit: SIGTERM deletes everything everywhere -----------------
check "keyer g1 exits 0 on SIGTERM" stop 1
check "g1's DELETEs empty both kernels" eventually 30 sh -c \
	"[ \$(kvti -n g1 -j sa show | jq length) = 0 ] && [ \$(kvti -n g2 -j sa show | jq length) = 0 ]"
check "keyer g2 exits 0 on SIGTERM" stop 2
check "no pre-shared key in the logs" sh -c "! grep -q 'ike.sh v' $D/g1.log $D/g2.log"
check "no refusal by the kernel logged" no_kernel_refusal
keyer_logs

finish
