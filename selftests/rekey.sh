#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 900
#
# CHILD SA rekeying between two kvti-keyers through the module (RFC 7296
# 1.3.3, 2.8): the module's EXPIRE(soft) on a byte lifetime makes a keyer
# rekey with CREATE_CHILD_SA while a ping flood crosses the tunnel, and not
# one echo is lost (make-before-break: the responder's new outbound SA waits
# for the DELETE of the old one); the old SAs leave both kernels; a rekey
# asked by hand from either side; and a real collision (2.8.1): both
# keyers rekey while their IKE datagrams are held (nft), so that both
# requests are out before either arrives, both ends agree by the lowest
# nonce which new CHILD SA is redundant, and one CHILD SA is left, the same
# on both sides; then both rekey the IKE SA the same way: each answers
# the other TEMPORARY_FAILURE, both retry at jittered times, one IKE SA is
# left, the CHILD SA carried over and no echo lost.  Then g1
# responder-only: a capture shows it sends no IKE_SA_INIT nor
# CREATE_CHILD_SA request over several byte lifetimes while g2's rekeys
# succeed.  Then a soak: 20 rekeys in 40 s under pings, nothing lost,
# memory and SA counts flat.  Last, g2 restarted with testing options
# plays the peers of strongSwan #1458 (DELETE of the CHILD being rekeyed
# before the answer), #1896 (our lost request refused after the peer's
# own rekey) and #2945 (the same CHILD rekeyed twice): one CHILD SA is
# left each time, the right one, and traffic flows; both keyers initiate
# at once (libreswan #2184): one IKE SA is left, the same; and an IKE
# rekey never answered (libreswan #514) ends with one IKE and one CHILD
# SA once the peer is back.
#
#   ns g1 (keyer g1)                                  ns g2 (keyer g2)
#   vti1 198.51.100.1 ====== ESP, IPv4 outer ====== vti1 198.51.100.2
#   veth e1 192.0.2.1      <--- IKE UDP 500 --->     veth e2 192.0.2.2
#
# No check depends on timing: waits poll with generous limits.

source "$(dirname "$0")/lib.sh"
source "$KVTI_ROOT/selftests/keyer_lib.sh"

kvti_gateways

# 2560 kilobytes is IOS's smallest byte lifetime; the keyer asks the module
# for EXPIRE(soft) at 85-90% of it, jittered per SA.
conf() {
	local me=$1 peer=$((3 - $1))

	cat >"$D/g$me.conf" <<-EOF
	retransmit-timeout = 1000
	retransmit-tries = ${TRIES:-6}
	keyring k { peer 192.0.2.$peer { pre-shared-key = "rekey.sh key" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k }
	ipsec-profile esp { proposals = aes256gcm16-esn; lifetime = 3600 seconds, 2560 kilobytes${RO:+; responder-only = yes} }
	tunnel vti1 { local = 192.0.2.$me; peer = 192.0.2.$peer; ike-profile = ike; ipsec-profile = esp }
	EOF
}
conf 1
conf 2
all_spis() { kvti -n g$1 -j sa show dev vti1 | jq -r '[.[].spi] | sort | join(" ")'; }
# one_child "OLD SPIS": 2 SAs on each side, paired both ways, none of OLD SPIS
one_child() {
	local s
	both_have vti1 2 && pair 1 2 vti1 && pair 2 1 vti1 || return 1
	for s in $(all_spis 1); do
		case " $1 " in *" $s "*) return 1 ;; esac
	done
}
n_logged() { grep -c -- "$2" "$D/g$1.log"; }
ike_spis() { ctl "$1" show | jq -r '[.ike_sas[] | .spi_i + "/" + .spi_r] | join(" ")'; }
# ike_rekeyed OLD: one established IKE SA on each side, the same one, not OLD
ike_rekeyed() {
	local a b
	a=$(ike_spis 1) b=$(ike_spis 2)
	[ -n "$a" ] && [ "${a#* }" = "$a" ] && [ "$a" = "$b" ] && [ "$a" != "$1" ] &&
		ike_up 1 vti1 && ike_up 2 vti1
}
# flood N COUNT INTERVAL SIZE: ping from gN, prints "sent received";
# INTERVAL is stretched KVTI_SLOW times
flood() {
	local i
	i=$(awk -v i="$3" -v s="$KVTI_SLOW" 'BEGIN { printf "%.3f", i * s }')
	ip netns exec g$1 ping -q -c "$2" -i "$i" -s "$4" -W 5 198.51.100.$((3 - $1)) |
		sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p'
}

check "keyer g2 starts (passive)" start 2 --passive
check "keyer g1 starts and initiates" start 1
check "vti1: one CHILD SA, paired" eventually 60 one_child ""

# --- 1. soft byte expiry under a ping flood: rekeys, nothing lost -------
spis0=$(all_spis 1)
soft='child-sa rekeying .*soft lifetime'
r0=$(($(n_logged 1 "$soft") + $(n_logged 2 "$soft")))
res=$(flood 1 4000 0.005 1400)
r1=$(($(n_logged 1 "$soft") + $(n_logged 2 "$soft")))
echo "    # 4000 echoes of 1428 bytes (about 5.6 MB each way): sent/received $res; CHILD SAs rekeyed: $((r1 - r0))"
check "flood: the soft byte lifetime made the keyers rekey at least twice ($((r1 - r0)))" \
	test $((r1 - r0)) -ge 2
check "flood: every echo answered across the rekeys ($res)" test "${res% *}" = 4000 -a "${res#* }" = 4000
check "flood: the module's EXPIRE(soft) events were logged" grep -q 'kernel: soft expire' "$D/g1.log" "$D/g2.log"
check "flood: one CHILD SA left, none of the first SPIs" eventually 30 one_child "$spis0"
check "flood: no refusal by the kernel logged" no_kernel_refusal

# --- 2. by hand, from each side, under pings -----------------------------
for n in 1 2; do
	spis0=$(all_spis 1)
	ip netns exec g1 ping -q -c 60 -i 0.05 -W 5 198.51.100.2 >"$D/ping.out" &
	pid=$!
	sleep 0.5
	check "g$n rekey vti1" ctl $n rekey vti1
	check "g$n's rekey: one CHILD SA, new SPIs, paired" eventually 30 one_child "$spis0"
	wait $pid
	check "g$n's rekey: no echo lost ($(grep -o '[0-9]* received' "$D/ping.out"))" \
		grep -q ' 60 received' "$D/ping.out"
done

# --- 3. collisions: each end's request reaches the other first -----------
# Forced with nft, not with a delay raced against processes starting:
# block N all|answers|none: gN drops every IKE datagram it sends (UDP 500),
# only its answers (the IKE header's R flag), or nothing.  ESP passes.
block() {
	local what='udp dport 500'
	case $2 in
	none) ip netns exec g$1 nft delete table inet hold; return ;;
	answers) what='udp dport 500 @th,216,8 & 0x20 == 0x20' ;;	# UDP 8 + flags at 19
	esac
	printf 'table inet hold; delete table inet hold; table inet hold { chain out { type filter hook output priority 0; %s drop; }; }\n' \
		"$what" | ip netns exec g$1 nft -f -
}
# both_logged PATTERN G1-COUNT G2-COUNT: each keyer logged PATTERN anew
both_logged() { [ "$(n_logged 1 "$1")" -gt "$2" ] && [ "$(n_logged 2 "$1")" -gt "$3" ]; }
counts() { echo "$(n_logged 1 "$1") $(n_logged 2 "$1")"; }
# crossed CMD SENT [ANSWERED]: control CMD vti1 on both keyers with all
# IKE blocked, until both logged SENT anew (their requests are out); with
# ANSWERED, then only answers blocked until both logged ANSWERED anew
# (each has handled the other's request, retransmitted); then nothing
# blocked: the retransmissions are answered from the cache, so each end
# has the other's request before the answer to its own.
crossed() {
	local s a st=0
	s=$(counts "$2") a=$(counts "${3:-^$}")
	block 1 all && block 2 all || return 1
	ctl 1 "$1" vti1 >/dev/null
	ctl 2 "$1" vti1 >/dev/null
	eventually 20 both_logged "$2" $s || st=1
	if [ -n "$3" ] && [ $st = 0 ]; then
		block 1 answers && block 2 answers || st=1
		eventually 40 both_logged "$3" $a || st=1
	fi
	block 1 none
	block 2 none
	return $st
}

spis0=$(all_spis 1)
c0=$(($(n_logged 1 'rekey collision') + $(n_logged 2 'rekey collision')))
lo0=$(counts 'ours has the lowest nonce') hi0=$(counts "the peer's .* has the lowest nonce")
ip netns exec g1 ping -q -c 60 -i 0.1 -W 5 198.51.100.2 >"$D/ping.out" &
pid=$!
sleep 0.5
check "collision: both rekey vti1; each answers the other's request before its own answer comes" \
	crossed rekey 'child-sa rekeying' 'child-sa installed .*(rekey)'
check "collision: one CHILD SA left, new SPIs, paired" eventually 60 one_child "$spis0"
# The end whose answer comes first resolves it; if that is the loser, it
# deletes its new CHILD before the winner sees its own answer, and only
# the loser logs the collision.  Never may both claim the same role.
c1=$(($(n_logged 1 'rekey collision') + $(n_logged 2 'rekey collision')))
check "collision: resolved by the lowest nonce ($((c1 - c0)) of the 2 keyers logged it)" \
	test $((c1 - c0)) -ge 1
lo1=$(counts 'ours has the lowest nonce') hi1=$(counts "the peer's .* has the lowest nonce")
gained() { set -- $1 $2; [ $(($3 - $1)) -gt 0 ] && echo 1 || echo 0; [ $(($4 - $2)) -gt 0 ] && echo 1 || echo 0; }
agree() { # one side at most lost, one at most won, never the same side both
	local l h
	l=$(gained "$lo0" "$lo1" | tr -d '\n') h=$(gained "$hi0" "$hi1" | tr -d '\n')
	[ "$l" != 11 ] && [ "$h" != 11 ] && [ "$l" != "$h" -o "$l" = 00 ]
}
check "collision: the keyers agree which new CHILD SA is redundant" agree
wait $pid
check "collision: no echo lost ($(grep -o '[0-9]* received' "$D/ping.out"))" \
	grep -q ' 60 received' "$D/ping.out"
# Both rekey the IKE SA at once: each, its own rekey out, answers the
# other's TEMPORARY_FAILURE, and both try again 3-6 s later at jittered
# times until one goes first (ikerekey.c); the CHILD SA moves untouched.
ike0=$(ike_spis 1)
spis0=$(all_spis 1)
t0=$(($(n_logged 1 'answered TEMPORARY_FAILURE') + $(n_logged 2 'answered TEMPORARY_FAILURE')))
ip netns exec g1 ping -q -c 150 -i 0.1 -W 5 198.51.100.2 >"$D/ping.out" &
pid=$!
sleep 0.5
check "IKE collision: both rekey the IKE SA; each answers the other's request first" \
	crossed rekey-ike 'ike-sa rekeying' 'answered TEMPORARY_FAILURE'
check "IKE collision: one IKE SA on each side, the same, new SPIs" eventually 60 ike_rekeyed "$ike0"
t1=$(($(n_logged 1 'answered TEMPORARY_FAILURE') + $(n_logged 2 'answered TEMPORARY_FAILURE')))
check "IKE collision: both answered the other TEMPORARY_FAILURE ($((t1 - t0)) in all)" \
	test $((t1 - t0)) -ge 2
check_eq "IKE collision: the CHILD SA moved untouched" "$spis0" "$(all_spis 1)"
wait $pid
check "IKE collision: no echo lost ($(grep -o '[0-9]* received' "$D/ping.out"))" \
	grep -q ' 150 received' "$D/ping.out"
check "collision: the tunnel still answers" ping_ok 1 198.51.100.2

# --- 4. responder-only (../shared/cisco/001_1f826fb90b264e82.txt: "it will
# not initiate IKE main, aggressive, or quick modes ... nor will it rekey
# IKE and IPsec SAs"): g1 is responder-only, g2 does all of it.  A
# capture on the wire proves g1 sent no IKE_SA_INIT (34) nor
# CREATE_CHILD_SA (36) request over several byte lifetimes.
RO=1 conf 1
kill -HUP "$(cat "$D/g1.pid")"
check "responder-only: g1 reloads, vti1 torn down and left to g2" eventually 30 logged 1 \
	"reload: tunnel vti1 changed.*responder-only, waiting for the peer"
eventually 30 both_have vti1 0
ip netns exec g2 python3 "$KVTI_ROOT/selftests/ikekdf.py" sniff e2 "$D/ro.sniff" &
sniff_pid=$!
eventually 10 test -e "$D/ro.sniff"	# it opens the file once it listens
check "responder-only: 'up' refused on g1" sh -c \
	"'$CTL' $D/g1.sock up vti1 | jq -e '.error | test(\"responder-only\")'"
check "responder-only: g2 brings vti1 up" ctl 2 up vti1
check "responder-only: one CHILD SA, paired" eventually 60 one_child ""
spis0=$(all_spis 1)
r0=$(n_logged 2 "$soft")
g1r0=$(n_logged 1 'child-sa rekeying')
res=$(flood 1 4000 0.005 1400)
check "responder-only: the byte lifetime ran out at least twice, g2 rekeyed ($(($(n_logged 2 "$soft") - r0)))" \
	test $(($(n_logged 2 "$soft") - r0)) -ge 2
check "responder-only: g1's soft expiries started nothing" test "$(n_logged 1 'child-sa rekeying')" = "$g1r0"
check "responder-only: 'rekey' refused on g1" sh -c \
	"'$CTL' $D/g1.sock rekey vti1 | jq -e '.error | test(\"responder-only\")'"
check "responder-only: every echo answered ($res)" test "${res% *}" = 4000 -a "${res#* }" = 4000
check "responder-only: one CHILD SA left, new SPIs, paired" eventually 30 one_child "$spis0"
kill $sniff_pid 2>/dev/null
wait $sniff_pid 2>/dev/null
python3 "$KVTI_ROOT/selftests/ikekdf.py" list "$D/ro.sniff" >"$D/ro.txt"
g1_req=$(grep -c '^192.0.2.1 3[46] request' "$D/ro.txt")
g2_init=$(grep -c '^192.0.2.2 34 request' "$D/ro.txt")
g2_cc=$(grep -c '^192.0.2.2 36 request' "$D/ro.txt")
echo "    # captured on e2: $(wc -l <"$D/ro.txt") IKE messages; from g1: $g1_req IKE_SA_INIT/CREATE_CHILD_SA requests; from g2: $g2_init IKE_SA_INIT and $g2_cc CREATE_CHILD_SA requests"
check "responder-only: the capture holds no IKE_SA_INIT nor CREATE_CHILD_SA request from g1" \
	test "$g1_req" = 0
check "responder-only: ... and g2's IKE_SA_INIT and at least 2 CREATE_CHILD_SA requests" \
	test "$g2_init" -ge 1 -a "$g2_cc" -ge 2

# --- 5. soak: a rekey every 2 s under 20 echoes a second ------------------
# g1 back to normal first.  Nothing lost; the keyers' memory and the
# module's SA count flat from start to end.  make check does 8 rekeys (16
# s); make check-long (KVTI_LONG) 150, five minutes.
SOAK=8
[ -z "$KVTI_LONG" ] || SOAK=150
conf 1
kill -HUP "$(cat "$D/g1.pid")"
check "soak: g1 reloads without responder-only and keys vti1 again" eventually 30 logged 1 \
	"reload: tunnel vti1 changed.*initiating"
check "soak: one CHILD SA, paired" eventually 60 one_child ""
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$D/g$1.pid")/status"; }
asked='child-sa rekeying .*asked to'
for n in 1 2; do ctl $n rekey vti1 >/dev/null; eventually 30 one_child ""; done	# warm up
rss10=$(rss 1) rss20=$(rss 2)
sas0=$(($(kvti -n g1 -j sa show | jq length) + $(kvti -n g2 -j sa show | jq length)))
k0=$(($(n_logged 1 "$asked") + $(n_logged 2 "$asked")))
ip netns exec g1 ping -q -c $((SOAK * 40 + 100)) -i 0.05 -W 5 198.51.100.2 >"$D/ping.out" &
pid=$!
for i in $(seq 1 $SOAK); do
	ctl $((i % 2 + 1)) rekey vti1 >/dev/null
	sleep 2
done
wait $pid
k1=$(($(n_logged 1 "$asked") + $(n_logged 2 "$asked")))
check "soak: one CHILD SA left on each side, paired" eventually 30 one_child ""
rss11=$(rss 1) rss21=$(rss 2)
sas1=$(($(kvti -n g1 -j sa show | jq length) + $(kvti -n g2 -j sa show | jq length)))
echo "    # soak: $((k1 - k0)) rekeys in $((SOAK * 2)) s under $(grep -o '[0-9]* packets transmitted, [0-9]* received' "$D/ping.out"); keyer RSS g1 $rss10 -> $rss11 kB, g2 $rss20 -> $rss21 kB; module SAs $sas0 -> $sas1"
check "soak: at least $((SOAK * 3 / 4)) rekeys done ($((k1 - k0)))" test $((k1 - k0)) -ge $((SOAK * 3 / 4))
check "soak: no echo lost" grep -q " $((SOAK * 40 + 100)) received" "$D/ping.out"
check "soak: the module holds as many SAs as before ($sas0 -> $sas1)" test "$sas1" = "$sas0"
check "soak: keyer memory flat (growth under 256 kB: g1 $((rss11 - rss10)), g2 $((rss21 - rss20)))" \
	test $((rss11 - rss10)) -lt 256 -a $((rss21 - rss20)) -lt 256

# --- 6. peers that misbehave as in the strongSwan threads ----------------
# g2 restarts with a testing option that makes it the peer of the thread;
# g1 is the keyer under test.  README's "Rekey threads" maps each thread
# to its test.
no_ike1() { ! ike_up 1 vti1; }
restart2() { # OPTIONS...: g2 again with OPTIONS, g1 keys vti1 to it
	stop 2 || true
	eventually 30 no_ike1 || return 1
	start 2 --passive "$@" || return 1
	ctl 1 up vti1 >/dev/null && eventually 60 one_child ""
}
# pinged N: a ping of N echoes at 20/s from g1 in the background ($pid)
pinged() {
	ip netns exec g1 ping -q -c "$1" -i 0.05 -W 5 198.51.100.2 >"$D/ping.out" &
	pid=$!
	sleep 0.5
}
received() { grep -o '[0-9]* received' "$D/ping.out"; }

# strongSwan #1458: the peer answers our rekey and DELETEs the CHILD being
# rekeyed at once; the DELETE arrives first.  2.25.1: answer the DELETE,
# then install the new CHILD from the answer.  (strongSwan 5.8 deleted
# both and the tunnel was dead.)
check "#1458: g2 again with --delete-after-rekey" restart2 --delete-after-rekey
spis0=$(all_spis 1)
n0=$(n_logged 1 'went meanwhile')
pinged 60
check "#1458: g1 rekey vti1" ctl 1 rekey vti1
check "#1458: one CHILD SA left, new SPIs, paired" eventually 30 one_child "$spis0"
check "#1458: g1 took the DELETE first, then installed the new CHILD SA" \
	test "$(n_logged 1 'went meanwhile')" = $((n0 + 1))
wait $pid
check "#1458: the tunnel carries on ($(received) of 60 during the rekey)" ping_ok 1 198.51.100.2

# strongSwan #1896: both rekey at once, g1's request is lost, and its
# retransmission reaches g2 after g2's own rekey: g2 answers
# TEMPORARY_FAILURE (it is deleting the CHILD) and DELETEs the old CHILD.
# g1 must then send on g2's new CHILD at once, not after DPD or the next
# rekey (strongSwan 5.9 never installed that outbound SA).
refusals() { grep -cE 'rekey failed .*(TEMPORARY_FAILURE|CHILD_SA_NOT_FOUND)' "$D/g1.log"; }
refused_since() { [ "$(refusals)" -gt "$1" ]; }
g2_dropped_one() { ctl 2 stats | jq -e '.drops.testing == 1'; }
check "#1896: g2 again, ignoring the first CREATE_CHILD_SA it receives" \
	restart2 --drop-create-child 1
# Both requests out with all IKE blocked; then g2's IKE flows while g1's
# stays blocked until g1 has answered g2's request; then g1's first
# request to reach g2 is the one g2 ignores, and the next is refused.
spis0=$(all_spis 1)
f0=$(refusals)
pinged 100
s=$(counts 'child-sa rekeying') a=$(counts 'child-sa installed .*(rekey)')
block 1 all
block 2 all
ctl 1 rekey vti1 >/dev/null
ctl 2 rekey vti1 >/dev/null
check "#1896: both rekey vti1 with all IKE blocked" eventually 20 both_logged 'child-sa rekeying' $s
block 2 none
g1_answered() { [ "$(n_logged 1 'child-sa installed .*(rekey)')" -gt "${a% *}" ]; }
check "#1896: g2's IKE unblocked: g1 answers g2's request (g1 still blocked)" eventually 40 g1_answered
block 1 none
check "#1896: one CHILD SA left, new SPIs, paired" eventually 30 one_child "$spis0"
check "#1896: g2 dropped the first request of g1's it received" g2_dropped_one
check "#1896: g1's next retransmission was refused (TEMPORARY_FAILURE or CHILD_SA_NOT_FOUND)" \
	eventually 40 refused_since "$f0"
wait $pid
check "#1896: no echo lost ($(received))" grep -q ' 100 received' "$D/ping.out"

# strongSwan #2945: the peer rekeys the same CHILD twice before deleting
# it, then deletes the old CHILD and the first replacement.  The second
# replacement must be the one left (strongSwan crashed when the first
# went, 5 minutes later).
check "#2945: g2 again with --rekey-twice" restart2 --rekey-twice
spis0=$(all_spis 1)
pinged 60
check "#2945: g2 rekey vti1 (twice)" ctl 2 rekey vti1
check "#2945: one CHILD SA left, new SPIs, paired" eventually 30 one_child "$spis0"
sup=$(sed -n 's/.*rekeyed again by the peer: \(0x[0-9a-f]*\) supersedes.*/\1/p' "$D/g1.log" | tail -n1)
check_eq "#2945: g1 keeps the second replacement" "$sup" "$(printf '0x%08x' "$(spis 1 vti1 in)")"
check "#2945: g2 deleted its first replacement" logged 2 'was replaced again by'
wait $pid
check "#2945: no echo lost ($(received))" grep -q ' 60 received' "$D/ping.out"
check "#2945: g1 still answers its control socket" ctl 1 show

# libreswan #2184: both ends initiate at once (both IKE_SA_INITs out before
# either arrives): two IKE SAs come up, each with a CHILD SA.
# Both ends keep the same one, the other's initiator deletes it; one IKE
# SA and one CHILD SA pair are left, the same on both sides.
one_ike() { # the same single established IKE SA on both sides
	local a b
	a=$(ike_spis 1) b=$(ike_spis 2)
	[ -n "$a" ] && [ "${a#* }" = "$a" ] && [ "$a" = "$b" ] && ike_up 1 vti1 && ike_up 2 vti1
}
check "#2184: g1 lets its IKE SA go" ctl 1 down vti1
check "#2184: ... and nothing is left" eventually 30 both_have vti1 0
xa=$(n_logged 1 'ike-sa crossed') xb=$(n_logged 2 'ike-sa crossed')
x0=$((xa + xb))
check "#2184: both bring vti1 up, both IKE_SA_INITs out before either arrives" \
	crossed up 'ike-sa initiate'
check "#2184: one IKE SA left, the same on both sides" eventually 60 one_ike
check "#2184: one CHILD SA pair, paired both ways" eventually 30 one_child ""
x1=$(($(n_logged 1 'ike-sa crossed') + $(n_logged 2 'ike-sa crossed')))
# The first end with both IKE SAs up settles it; if it initiated the one
# that goes, its DELETE may come before the other end has both up, and
# only one end logs the crossing.  Two that log must name the same SA.
check "#2184: the crossing was seen ($((x1 - x0)) of the 2 keyers logged it)" test $((x1 - x0)) -ge 1
crossed_spi() { [ "$(n_logged $1 'ike-sa crossed')" -gt "$2" ] &&
	grep 'ike-sa crossed' "$D/g$1.log" | tail -n1 | grep -o 'spi 0x[0-9a-f]*'; }
same_gone() {
	local a b
	a=$(crossed_spi 1 "$xa") b=$(crossed_spi 2 "$xb")
	[ -z "$a" ] || [ -z "$b" ] || [ "$a" = "$b" ]
}
check "#2184: ... and both that did named the same IKE SA to go" same_gone
check "#2184: the tunnel answers" ping_ok 1 198.51.100.2

# libreswan #514: an IKE rekey that is never answered (g2 sends nothing)
# made duplicate CHILD SAs there when a reauthentication overtook it.  No
# reauthentication races it here: after its retransmissions g1 gives the
# IKE SA up with its CHILD SA, and once g2 answers again, traffic brings
# up one IKE SA with one CHILD SA (INITIAL_CONTACT clears g2's stale
# one), never two.  g1 reloads with 3 retransmissions first (given up
# after 1 + 2 + 4 + 8 s instead of over a minute); it keeps its IKE SA.
TRIES=3 conf 1
kept='reload: tunnel vti1 unchanged: 1 IKE SA kept'
n0=$(n_logged 1 "$kept")
kill -HUP "$(cat "$D/g1.pid")"
reloaded() { [ "$(n_logged 1 "$kept")" -gt "$n0" ]; }
check "#514: g1 reloads with retransmit-tries = 3, vti1 unchanged" eventually 30 reloaded
check "#514: g2 sends no IKE" block 2 all
check "#514: g1 rekeys the IKE SA" ctl 1 rekey-ike vti1
check "#514: g1 gives the unanswered IKE SA up" eventually 60 \
	logged 1 'retransmit give-up vti1 .*CREATE_CHILD_SA'
check "#514: ... with its CHILD SA" eventually 30 n_sa_is 1 vti1 0
check "#514: g2 answers again" block 2 none
check "#514: traffic brings vti1 up again" eventually 60 ping_ok 1 198.51.100.2
check "#514: one IKE SA left, the same on both sides" eventually 60 one_ike
check "#514: one CHILD SA pair, paired both ways" eventually 30 one_child ""

check "no refusal by the kernel logged" no_kernel_refusal
check "keyer g1 exits 0 on SIGTERM" stop 1
check "keyer g2 exits 0 on SIGTERM" stop 2
check "both kernels empty after the DELETEs" eventually 30 both_have vti1 0
keyer_logs 'rekey|collision|child-sa|expire|CREATE_CHILD'

finish
