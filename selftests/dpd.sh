#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 900
#
# Dead peer detection, on-demand (IOS's default: "crypto isakmp keepalive
# 10 2", ../shared/cisco/003_ef38c4bc03a0bd55.txt, "IPsec Dead Peer
# Detection Periodic Message Option"), judged by the module's per-SA idle
# times: g1 sends no check while the tunnel is quiet ("If a router has no
# traffic to send, it never sends a DPD message") nor while replies come
# back; when g2 vanishes under a ping, g1 checks, sends the check four
# times 2 s apart, declares g2 dead, deletes the IKE and CHILD SAs and the
# tunnel loses its carrier; when g2 is back, traffic brings the tunnel up
# again (ACQUIRE) and g2 drops its stale SAs on INITIAL_CONTACT.  Then the
# idle timer (IOS "set security-association idletime"): 60 s without
# traffic and g1 deletes the CHILD SA, and the IKE SA with its last CHILD.
# Last, invalid-SPI recovery: g2 loses its inbound SA; off, it tells no
# one; on, it sends N(INVALID_SPI) and g1 replaces the CHILD SA.
#
#   ns g1 (keyer g1, dpd)                             ns g2 (keyer g2)
#   vti1 198.51.100.1 ====== ESP, IPv4 outer ====== vti1 198.51.100.2
#   veth e1 192.0.2.1      <--- IKE UDP 500 --->     veth e2 192.0.2.2

source "$(dirname "$0")/lib.sh"
source "$KVTI_ROOT/selftests/keyer_lib.sh"

kvti_gateways

conf() {
	local me=$1 peer=$((3 - $1)) dpd= idle=
	[ "$me" = 1 ] && dpd="; dpd = 10 2 on-demand"
	[ "$me" = 1 ] && [ -n "${2:-}" ] && idle="; idle-time = $2"
	cat >"$D/g$me.conf" <<-EOF
	${ISR:+invalid-spi-recovery = yes}
	retransmit-timeout = 1000
	retransmit-tries = 6
	keyring k { peer 192.0.2.$peer { pre-shared-key = "dpd.sh key" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k$dpd }
	ipsec-profile esp { proposals = aes256gcm16-esn$idle }
	tunnel vti1 { local = 192.0.2.$me; peer = 192.0.2.$peer; ike-profile = ike; ipsec-profile = esp }
	EOF
}
conf 1
conf 2
checks() { grep -c 'dpd: liveness check' "$D/g1.log"; }
no_carrier() { ip -n g1 link show vti1 | grep -q NO-CARRIER; }

check "keyer g2 starts (passive)" start 2 --passive
check "keyer g1 starts and initiates" start 1
check "vti1: one CHILD SA, paired" eventually 60 sh -c \
	"[ \$(kvti -n g1 -j sa show dev vti1 | jq length) = 2 ] && [ \$(kvti -n g2 -j sa show dev vti1 | jq length) = 2 ]"

# --- 1. quiet tunnel, then traffic both ways: no check --------------------
sleep $((12 * KVTI_SLOW))
check "quiet for 12 s: no liveness check sent ($(checks))" test "$(checks)" = 0
ip netns exec g1 ping -q -c 60 -i 0.2 -W 2 198.51.100.2 >/dev/null
check "12 s of pings answered: still no check ($(checks))" test "$(checks)" = 0

# --- 2. g2 vanishes under a ping: checked, dead, SAs gone, carrier down ---
ip -n g2 link set e2 down
t0=$(date +%s.%N)
ip netns exec g1 ping -q -c 400 -i 0.1 -W 1 198.51.100.2 >/dev/null 2>&1 &
ping_pid=$!
check "g2 gone, g1 sending: g1 checks and declares g2 dead" eventually 60 logged 1 \
	"dpd: peer 192.0.2.2\\[500\\] dead: 4 liveness checks 2 s apart unanswered; 1 IKE SA and 1 CHILD SA deleted"
took=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.0f", $2 - $1 }')
# The bound: inbound idle for SECONDS (10), then the check found at the
# next tick (up to 10 more), then 3 retries 2 s apart and the last wait (8).
echo "    # g2 declared dead $took s after its link went down (bound 10 + 10 + 4 x 2 = 28 s)"
check "... within the bound ($took s <= 28 s, times KVTI_SLOW=$KVTI_SLOW, + 5 s of polling)" \
	test "$took" -le $((28 * KVTI_SLOW + 5))
check "the check was on-demand: g1 was sending and received nothing" \
	logged 1 "dpd: liveness check \\(on-demand: sending, nothing received\\)"
check "... and sent 4 times (3 retransmissions)" sh -c \
	"[ \$(grep -c 'INFORMATIONAL request .* retransmitted' $D/g1.log) = 3 ]"
check "g1's kernel holds no SA for vti1" n_sa_is 1 vti1 0
check "g1's vti1 lost its carrier" no_carrier
check "g1's keyer counts one dead peer" sh -c "[ \$('$CTL' $D/g1.sock stats | jq .dead_peers) = 1 ]"
kill $ping_pid 2>/dev/null
wait $ping_pid 2>/dev/null

# --- 3. g2 back: traffic brings the tunnel up again ----------------------
ip -n g2 link set e2 up
check "g2 back: a ping from g1 (ACQUIRE) brings vti1 up again" eventually 60 ping_ok 1 198.51.100.2
check "g2 dropped its stale SAs on g1's INITIAL_CONTACT" eventually 30 logged 2 \
	"INITIAL_CONTACT from .*: 1 stale IKE SA removed"
check "one CHILD SA on each side again, paired" eventually 30 sh -c \
	"[ \$(kvti -n g1 -j sa show dev vti1 | jq length) = 2 ] && [ \$(kvti -n g2 -j sa show dev vti1 | jq length) = 2 ]"

# --- 4. idle timer: 60 s without traffic either way ------------------------
# IOS "set security-association idletime": the IPsec SAs of an idle peer
# are deleted; the IKE SA goes with its last CHILD SA.  g1's ipsec-profile
# gets idle-time = 60 by a reload (the tunnel is keyed again with it).
conf 1 60
kill -HUP "$(cat "$D/g1.pid")"
check "reload: vti1 changed, keyed again with the idle timer" eventually 30 logged 1 \
	"reload: tunnel vti1 changed"
check "one CHILD SA on each side with it" eventually 30 sh -c \
	"[ \$(kvti -n g1 -j sa show dev vti1 | jq length) = 2 ] && [ \$(kvti -n g2 -j sa show dev vti1 | jq length) = 2 ] &&
	 [ \$(kvti -n g1 -j sa show dev vti1 | jq '[.[] | select(.idle_time == 60)] | length') = 2 ]"
check "no traffic for 60 s: g1 deletes the idle CHILD SA" eventually 120 logged 1 \
	"child-sa idle vti1 .*: no traffic for 60 s, deleting"
check "... and the IKE SA with it" eventually 30 logged 1 "ike-sa idle vti1 .*: its last CHILD SA went idle"
check "both kernels hold no SA for vti1, neither keyer an IKE SA" eventually 30 sh -c \
	"[ \$(kvti -n g1 -j sa show dev vti1 | jq length) = 0 ] && [ \$(kvti -n g2 -j sa show dev vti1 | jq length) = 0 ] &&
	 [ \$('$CTL' $D/g1.sock show | jq '.ike_sas | length') = 0 ] && [ \$('$CTL' $D/g2.sock show | jq '.ike_sas | length') = 0 ]"
check "traffic brings vti1 up again" eventually 60 ping_ok 1 198.51.100.2

# --- 5. invalid-SPI recovery (IOS "crypto isakmp invalid-spi-recovery") --
# g2 loses its inbound SA (deleted by hand); g1's ESP then carries an SPI
# g2's module does not know.  Off (the default): g2 tells nobody.  On: g2
# sends N(INVALID_SPI) over the IKE SA, g1 makes a new CHILD SA and deletes
# the lost one, and traffic flows again.
in2=$(spis 2 vti1 in)
check "g2's inbound SA deleted by hand (only there)" kvti -n g2 sa del dev vti1 dir in spi "$in2"
ip netns exec g1 ping -q -c 5 -i 0.2 -W 1 198.51.100.2 >/dev/null 2>&1
sleep $((3 * KVTI_SLOW))
check "recovery off: g2's module saw the unknown SPI, g2 sent nothing" sh -c \
	"grep -q 'unknown SPI 0x.* (recovery off)' $D/g2.log && ! grep -q 'invalid-spi' $D/g1.log $D/g2.log"
ISR=1 conf 2
kill -HUP "$(cat "$D/g2.pid")"
check "g2 reloads with invalid-spi-recovery on, vti1 kept" eventually 30 logged 2 \
	"reload: tunnel vti1 unchanged: 1 IKE SA kept"
ip netns exec g1 ping -q -c 5 -i 0.2 -W 1 198.51.100.2 >/dev/null 2>&1
check "recovery on: g2 tells g1 over IKE (N(INVALID_SPI))" eventually 30 logged 2 \
	"invalid-spi vti1 peer 192.0.2.1: ESP with unknown SPI 0x.*; telling the peer"
check "g1 replaces the CHILD SA the peer lost" eventually 30 logged 1 \
	"invalid-spi vti1 peer .* has no SA for our 0x.*; replacing the CHILD SA"
replaced() { both_have vti1 2 && pair 1 2 vti1 && pair 2 1 vti1 && [ "$(spis 1 vti1 out)" != "$in2" ]; }
check "one CHILD SA on each side again, paired, the lost SPI gone" eventually 60 replaced
check "pings cross again" ping_ok 1 198.51.100.2

check "keyer g1 exits 0 on SIGTERM" stop 1
check "keyer g2 exits 0 on SIGTERM" stop 2
keyer_logs

finish
