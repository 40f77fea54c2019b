#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# `kvti session show|clear|up|down` (tools/kvti/session.c) against two
# running kvti-keyers on the decoupled backend: human and -j output (read
# with jq and compared with what the control socket says), clear, up and
# down, and the keyer being down.  Usage: session.sh KVTI-KEYER KEYER-CTL KVTI
#
#     keyer A (initiates)                     keyer B (--passive)
#   vti1 127.0.0.2  <------- IKE ------->  127.0.0.3 vti1
#   ctl $T/a.sock        ports $PORT, $PORT+1        ctl $T/b.sock
#
# No module here: the counters of the CHILD SAs (the module's) are left
# out by kvti; selftests/ike.sh checks them in the VM.
set -u

KEYER=$(readlink -f "$1")
CTL=$(readlink -f "$2")
KVTI=$(readlink -f "$3")
. "$(dirname "$0")/lib.sh"
need_jq session.sh
in_netns "$0" "$@"
unset KVTI_KEYER_SOCKET
workdir session
ports 15800 13

for side in a b; do
	if [ $side = a ]; then l=127.0.0.2 p=127.0.0.3; else l=127.0.0.3 p=127.0.0.2; fi
	cat >"$T/$side.conf" <<-EOC
	ike-port = $PORT
	nat-t-port = $((PORT + 1))
	retransmit-timeout = 1000
	retransmit-tries = 2
	keyring k { peer $p { pre-shared-key = "session key" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-ecp384; keyring = k }
	ipsec-profile esp { proposals = aes128gcm16-esn }
	tunnel vti1 { local = $l; peer = $p; ike-profile = ike; ipsec-profile = esp }
	EOC
done

# k NAME ARGS...: kvti against keyer NAME, stdout in $T/out, stderr in $T/err
k() {
	name=$1
	shift
	"$KVTI" --socket "$T/$name.sock" "$@" >"$T/out" 2>"$T/err"
}
st_is() {	# st_is STATUS NAME ARGS...: exit status as wanted
	want=$1
	shift
	k "$@"
	[ $? -eq "$want" ]
}
ctl_show() { "$CTL" "$T/$1.sock" show; }
up_on() { [ "$("$KVTI" --socket "$T/$1.sock" -j session show | jq -r '.[0].state')" = established ] &&
	  [ "$("$KVTI" --socket "$T/$1.sock" -j session show | jq '.[0].child_sas | length')" = 1 ]; }
none_on() { [ "$("$KVTI" --socket "$T/$1.sock" -j session show | jq length)" = 0 ]; }

# 1. The keyer down: one clear line, exit 1, nothing on stdout.
check "keyer down: exit status 1" st_is 1 a session show
check "keyer down: 'kvti-keyer is not running (no socket at PATH)'" \
	test "$(cat "$T/err")" = "Error: kvti-keyer is not running (no socket at $T/a.sock)"
check "keyer down: nothing on stdout" test ! -s "$T/out"
KVTI_KEYER_SOCKET=$T/b.sock "$KVTI" session show >"$T/out" 2>"$T/err"
check "keyer down: \$KVTI_KEYER_SOCKET is used too" sh -c \
	"[ $? = 1 ] && grep -qF 'no socket at $T/b.sock' '$T/err'"
check "keyer down: -j, clear, up and down say so as well (exit 1)" sh -c \
	"! '$KVTI' --socket $T/a.sock -j session show 2>&1 | grep -qv 'not running' &&
	 for c in clear 'up vti1' 'down vti1'; do
		'$KVTI' --socket $T/a.sock session \$c 2>/dev/null; [ \$? = 1 ] || exit 1; done"

start b --passive
start a
check "both keyers bring vti1 up" eventually 30 up_on b

# 2. show, human: the IKE SA, then its CHILD SA with its SPIs.
k a session show
check "show: exit 0, nothing on stderr" test ! -s "$T/err"
check "show: first line 'vti1: peer 127.0.0.3[$PORT] established, initiator, Ns'" \
	grep -Eq "^vti1: peer 127\.0\.0\.3\[$PORT\] established, initiator, [0-9]+s$" "$T/out"
check "show: identities" grep -q "^  local 127.0.0.2\[$PORT\] id 127.0.0.2  remote id 127.0.0.3$" "$T/out"
spi_i=$(ctl_show a | jq -r '.ike_sas[0].spi_i')
spi_r=$(ctl_show a | jq -r '.ike_sas[0].spi_r')
check "show: IKE SPIs and algorithms as the keyer has them" \
	grep -q "^  ike spi $spi_i/$spi_r aes256gcm16-prfsha384-ecp384$" "$T/out"
check "show: the CHILD SA, its algorithms" grep -Eq "^  child installed, [0-9]+s, aes128gcm16-esn$" "$T/out"
check "show: its inbound SPI" grep -q "^    in  spi $(ctl_show a | jq -r '.ike_sas[0].child_sas[0].spi_in')$" "$T/out"
check "show: its outbound SPI" grep -q "^    out spi $(ctl_show a | jq -r '.ike_sas[0].child_sas[0].spi_out')$" "$T/out"
k b session show
check "show on B: responder" grep -Eq "^vti1: peer 127\.0\.0\.2\[$PORT\] established, responder, " "$T/out"
k a -s session show
check "show -s: traffic selectors and initial-contact" sh -c \
	"grep -q '^    ts local 0.0.0.0-255.255.255.255 ' '$T/out' && grep -q 'initial-contact' '$T/out'"
check "show -s: the keyer's counters after the sessions (cookies, dead peers, drops)" sh -c \
	"grep -Eq '^keyer: rx [1-9][0-9]* tx [1-9][0-9]* retransmits [0-9]+' '$T/out' &&
	 grep -Eq '^  cookies sent 0 bad 0  unprotected notifies [0-9]+ rate-limited [0-9]+  dead peers 0$' '$T/out' &&
	 grep -Eq '^  dropped: short [0-9]+ .* admission [0-9]+' '$T/out'"

# 2b. show --cisco: IOS's "show crypto session detail" layout.
k a session show --cisco
check "show --cisco: header, interface, status" sh -c \
	"grep -qx 'Crypto session current status' '$T/out' && grep -qx 'Interface: vti1' '$T/out' &&
	 grep -qx 'Session status: UP-ACTIVE' '$T/out'"
check "show --cisco: peer, phase 1 id, IKE SA" sh -c \
	"grep -qx 'Peer: 127.0.0.3 port $PORT' '$T/out' && grep -qx '    Phase1_id: 127.0.0.3' '$T/out' &&
	 grep -qx '    IKE SA: local 127.0.0.2/$PORT remote 127.0.0.3/$PORT Active' '$T/out'"
check "show --cisco: the flows as IOS prints them (any: 0.0.0.0/0.0.0.0, ::/0)" sh -c \
	"grep -qx '    IPSEC FLOW: permit ip 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0' '$T/out' &&
	 grep -qx '    IPSEC FLOW: permit ip ::/0 ::/0' '$T/out'"
check "show --cisco: #pkts lines per direction" sh -c \
	"grep -Eq \"^          Inbound:  #pkts dec'ed [0-9]+ drop [0-9]+ life \\(KB/Sec\\) [0-9]+/[0-9]+\$\" '$T/out' &&
	 grep -Eq \"^          Outbound: #pkts enc'ed [0-9]+ drop [0-9]+ life \\(KB/Sec\\) [0-9]+/[0-9]+\$\" '$T/out'"
check "show --cisco -j: refused (a text layout), exit 2" st_is 2 a -j session show --cisco

# 3. show -j: an array of the keyer's IKE SAs, parsed with jq.
k a -j session show
check "show -j: one IKE SA, established, initiator" test \
	"$(jq -r '[length, .[0].state, .[0].role, .[0].peer, .[0].tunnel] | join(" ")' "$T/out")" = \
	"1 established initiator 127.0.0.3 vti1"
check "show -j: IKE SPIs" test "$(jq -r '.[0].spi_i + "/" + .[0].spi_r' "$T/out")" = "$spi_i/$spi_r"
check "show -j: A's inbound SPI is B's outbound" test \
	"$(jq -r '.[0].child_sas[0].spi_in' "$T/out")" = \
	"$("$KVTI" --socket "$T/b.sock" -j session show | jq -r '.[0].child_sas[0].spi_out')"
check "show -j: identities, algorithms, age" test \
	"$(jq -r '[.[0].local_id, .[0].remote_id, .[0].algorithms, .[0].child_sas[0].algorithms, (.[0].age | type)] | join(" ")' "$T/out")" = \
	"127.0.0.2 127.0.0.3 aes256gcm16-prfsha384-ecp384 aes128gcm16-esn number"
check "show -j PEER: the peer's SA" sh -c \
	"[ \"\$('$KVTI' --socket $T/a.sock -j session show 127.0.0.3 | jq length)\" = 1 ]"
check "show -j TUNNEL: the tunnel's SA" sh -c \
	"[ \"\$('$KVTI' --socket $T/a.sock -j session show vti1 | jq length)\" = 1 ]"
check "show -j OTHER-PEER: [] and exit 0" sh -c \
	"[ \"\$('$KVTI' --socket $T/a.sock -j session show 127.0.0.9 | jq -c .)\" = '[]' ]"
check "show OTHER-PEER: says so" sh -c \
	"'$KVTI' --socket $T/a.sock session show 127.0.0.9 | grep -q 'no IKE SA with peer or tunnel 127.0.0.9'"
check "show: abbreviated (kvti se s)" sh -c "'$KVTI' --socket $T/a.sock se s | grep -q '^vti1: '"

# 4. clear PEER: deleted with DELETE and negotiated again, new SPIs.
k a session clear 127.0.0.3
check "clear PEER: exit 0, '1 IKE SA cleared'" sh -c "[ \"\$(cat $T/out)\" = '1 IKE SA cleared' ] && [ ! -s $T/err ]"
check "clear PEER: B hears the DELETE" eventually 30 grep -q "ike-sa down vti1 .*deleted by the peer" "$T/b.log"
check "clear PEER: up again with new IKE SPIs" eventually 30 sh -c \
	"[ \"\$('$KVTI' --socket $T/a.sock -j session show | jq -r '.[0].state + .[0].spi_i')\" != 'established$spi_i' ] &&
	 [ \"\$('$KVTI' --socket $T/a.sock -j session show | jq -r '.[0].state')\" = established ]"
check "clear PEER: one IKE SA on B, with a CHILD SA" eventually 30 up_on b
k a -j session clear
check "clear -j (all): {\"cleared\": 1, \"ok\": true}" test "$(jq -c '[.cleared, .ok]' "$T/out")" = "[1,true]"
check "clear (all): up again" eventually 30 up_on a
check "clear OTHER-PEER: refused, exit 1" st_is 1 a session clear 127.0.0.9
check "clear OTHER-PEER: the keyer's reason" grep -q "^Error: kvti-keyer: no IKE SA with that peer$" "$T/err"

# 5. down and up by hand.
check "down vti1: exit 0" st_is 0 a session down vti1
check "down vti1: gone on both" eventually 30 sh -c "$(command -v true) &&
	[ \"\$('$KVTI' --socket $T/a.sock -j session show | jq length)\" = 0 ] &&
	[ \"\$('$KVTI' --socket $T/b.sock -j session show | jq length)\" = 0 ]"
check "down vti1 again: exit 1, 'the tunnel has no IKE SA'" sh -c \
	"! '$KVTI' --socket $T/a.sock session down vti1 2>&1 | grep -qv 'the tunnel has no IKE SA'; 
	 '$KVTI' --socket $T/a.sock session down vti1 2>/dev/null; [ \$? = 1 ]"
check "up vti1 -j: {\"ok\": true}" sh -c \
	"[ \"\$('$KVTI' --socket $T/a.sock -j session up vti1 | jq .ok)\" = true ]"
check "up vti1: established on both" eventually 30 sh -c "'$KVTI' --socket $T/a.sock -j session show | jq -e '.[0].state == \"established\"' &&
	'$KVTI' --socket $T/b.sock -j session show | jq -e '.[0].child_sas | length == 1'"
check "up vti9: exit 1, 'no such tunnel'" sh -c \
	"'$KVTI' --socket $T/a.sock session up vti9 2>&1 | grep -q 'Error: kvti-keyer: no such tunnel'"
check "up without TUNNEL: usage error, exit 2" st_is 2 a session up

stop a
stop b
check "after the keyers stopped: exit 1, not running" sh -c \
	"'$KVTI' --socket $T/a.sock session show 2>&1 | grep -q 'kvti-keyer is not running'"
check "no pre-shared key in the logs" sh -c "! grep -q 'session key' $T/a.log $T/b.log"
echo "1..$n"
[ $failed -eq 0 ] || echo "# $failed of $n failed (logs were in $T)"
[ $failed -eq 0 ]
