#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# SIGHUP: a keyer reads its configuration again and applies it tunnel by
# tunnel (keyer/reload.c).  Two kvti-keyers over loopback, decoupled
# backend, as keyers.sh.  Usage: reload.sh KVTI-KEYER KEYER-CTL
#
#     keyer A (initiates)                     keyer B (--passive)
#   vti1 127.0.0.2  <------- IKE ------->  127.0.0.3 vti1
#   vti2 127.0.0.4  <------- IKE ------->  127.0.0.5 vti2   removed from A
#   vti3 127.0.0.6  <------- IKE ------->  127.0.0.7 vti3   added to both
#   ctl $T/a.sock        ports $PORT, $PORT+1        ctl $T/b.sock
#
# Checks: an unchanged tunnel keeps its SPIs (IKE and CHILD); a removed one
# is deleted with DELETE (the peer logs it, both drop it); an added one
# comes up; a changed one (ESP proposals) is re-established with new SPIs;
# a broken file is refused with FILE:LINE and the old configuration keeps
# running; and both keyers still exit cleanly (ASan: nothing leaked).
set -u

KEYER=$(readlink -f "$1")
CTL=$(readlink -f "$2")
. "$(dirname "$0")/lib.sh"
need_jq reload.sh
in_netns "$0" "$@"
workdir reload
ports 15600 7

# conf NAME SIDE(a|b) ESP-PROPOSALS-OF-VTI1 TUNNEL-NUMBERS...
conf() {
	f=$T/$1.conf side=$2 esp=$3
	shift 3
	{
		echo "ike-port = $PORT"
		echo "nat-t-port = $((PORT + 1))"
		echo "retransmit-timeout = 1000"
		echo "retransmit-tries = 2"
		echo "keyring k {"
		for t in 1 2 3; do
			echo "	peer 127.0.0.$((2 * t + 1)) { pre-shared-key = \"reload key $t\" }"
			echo "	peer 127.0.0.$((2 * t)) { pre-shared-key = \"reload key $t\" }"
		done
		echo "}"
		echo "ike-profile ike { proposals = chacha20poly1305-prfsha256-x25519; keyring = k }"
		echo "ipsec-profile esp1 { proposals = $esp }"
		echo "ipsec-profile esp { proposals = aes256gcm16 }"
		for t in "$@"; do
			if [ "$side" = a ]; then l=$((2 * t)) p=$((2 * t + 1)); else l=$((2 * t + 1)) p=$((2 * t)); fi
			e=esp
			[ "$t" = 1 ] && e=esp1
			echo "tunnel vti$t { local = 127.0.0.$l; peer = 127.0.0.$p; ike-profile = ike; ipsec-profile = $e }"
		done
	} >"$f"
}

hup() { kill -HUP "$(cat "$T/$1.pid")"; }
ctl() { "$CTL" "$T/$1.sock" "$2" ${3:+"$3"}; }
logged() { grep -q -- "$2" "$T/$1.log"; }
# state NAME TUNNEL: the IKE SA's state ("" if none); ike NAME TUNNEL: its SPIs
state() { ctl "$1" show | jq -r ".ike_sas[] | select(.tunnel == \"$2\") | .state"; }
up() { [ "$(state "$1" "$2")" = established ] && [ "$(n_child "$1" "$2")" = 1 ]; }
gone() { [ -z "$(state "$1" "$2")" ]; }
n_child() { ctl "$1" show | jq "[.ike_sas[] | select(.tunnel == \"$2\") | .child_sas[] |
	select(.state == \"installed\")] | length"; }
spis() { ctl "$1" show | jq -c "[.ike_sas[] | select(.tunnel == \"$2\") |
	.spi_i, .spi_r, (.child_sas[] | .spi_in, .spi_out)]"; }
n_kernel() { ctl "$1" sas | jq "[.sas[] | select(.tunnel == \"$2\")] | length"; }

# 1. Both keyers with vti1 and vti2; A initiates both at start.
conf a a aes256gcm16 1 2
conf b b aes256gcm16 1 2
start b --passive
start a
check "start: vti1 and vti2 up on both" eventually 30 sh -c \
	"$(command -v jq) --version >/dev/null &&
	 [ \"\$('$CTL' $T/a.sock show | jq '[.ike_sas[] | select(.state == \"established\")] | length')\" = 2 ] &&
	 [ \"\$('$CTL' $T/b.sock sas | jq '.sas | length')\" = 4 ]"
a1=$(spis a vti1)
b1=$(spis b vti1)
check "start: A's and B's view of vti1 agree ($a1)" sh -c \
	"[ '$(echo "$a1" | jq -c '.[0:2] + [.[3], .[2]]')' = '$b1' ] && [ '$a1' != '[]' ]"

# 2. B learns vti3 (passive: it waits); A drops vti2 and gains vti3.
conf b b aes256gcm16 1 2 3
hup b
check "B: vti3 added, passive" eventually 10 logged b "reload: tunnel vti3 added: passive"
check "B: vti1 unchanged" logged b "reload: tunnel vti1 unchanged: 1 IKE SA kept"
conf a a aes256gcm16 1 3
hup a
check "A: one line for vti1: unchanged" eventually 10 logged a \
	"reload: tunnel vti1 unchanged: 1 IKE SA kept"
check "A: one line for vti2: removed, its IKE SA deleted" logged a \
	"reload: tunnel vti2 removed: 1 IKE SA deleted"
check "A: one line for vti3: added, initiating" logged a "reload: tunnel vti3 added: initiating"
check "vti2: B hears the DELETE" eventually 30 logged b "ike-sa down vti2 .*deleted by the peer"
check "vti2: gone from A's and B's IKE SAs" eventually 30 sh -c \
	"[ -z \"\$('$CTL' $T/a.sock show | jq -r '.ike_sas[] | select(.tunnel == \"vti2\") | .state')\" ] &&
	 [ -z \"\$('$CTL' $T/b.sock show | jq -r '.ike_sas[] | select(.tunnel == \"vti2\") | .state')\" ]"
check "vti2: no SA left in either backend" sh -c "[ $(n_kernel a vti2) = 0 ] && [ $(n_kernel b vti2) = 0 ]"
check "vti3: up on A" eventually 30 up a vti3
check "vti3: up on B" eventually 30 up b vti3
check "vti3: 2 SAs in each backend" sh -c "[ $(n_kernel a vti3) = 2 ] && [ $(n_kernel b vti3) = 2 ]"
check "vti1: same IKE and CHILD SPIs on A after the reload" test "$(spis a vti1)" = "$a1"
check "vti1: same on B" test "$(spis b vti1)" = "$b1"
check "vti1: no DELETE, no new CHILD SA logged for it" sh -c \
	"[ \$(grep -c 'child-sa installed vti1' $T/a.log) = 1 ] && ! grep -q 'ike-sa down vti1' $T/a.log $T/b.log"
ctl a liveness vti1 >/dev/null
check "vti1: still alive (liveness answered)" eventually 30 logged a "liveness vti1 peer .*: alive"

# 3. A changes vti1's ESP proposals (B takes one of them): torn down, made again.
conf a a "aes128gcm16, aes256gcm16" 1 3
hup a
check "A: vti1 changed: ipsec-profile, re-established" eventually 10 logged a \
	"reload: tunnel vti1 changed (ipsec-profile; 1 IKE SA deleted): initiating"
check "A: vti3 unchanged" logged a "reload: tunnel vti3 unchanged: 1 IKE SA kept"
check "vti1: up again on A" eventually 30 up a vti1
check "vti1: B has exactly one IKE SA and 2 SAs for it" eventually 30 sh -c \
	"[ \"\$('$CTL' $T/b.sock show | jq '[.ike_sas[] | select(.tunnel == \"vti1\")] | length')\" = 1 ] &&
	 [ \"\$('$CTL' $T/b.sock sas | jq '[.sas[] | select(.tunnel == \"vti1\")] | length')\" = 2 ]"
check "vti1: new SPIs" test "$(spis a vti1)" != "$a1"
a1=$(spis a vti1)
a3=$(spis a vti3)

# 4. A broken file: refused with FILE:LINE, the running configuration stays.
cp "$T/a.conf" "$T/a.good"
printf 'tunnel vti4 {\n  local = 127.0.0.8\n  peer = not-an-address\n}\n' >>"$T/a.conf"
line=$(($(wc -l <"$T/a.good") + 3))
hup a
check "broken file: A logs FILE:LINE ($T/a.conf:$line) and keeps running" eventually 10 sh -c \
	"grep -q 'reload: $T/a.conf:$line: .*; keeping the running configuration' $T/a.log"
check "broken file: A's SAs are untouched" sh -c \
	"[ '$(spis a vti1)' = '$a1' ] && [ '$(spis a vti3)' = '$a3' ] && kill -0 $(cat "$T/a.pid")"
check "broken file: no tunnel decision logged for it" sh -c \
	"[ \$(grep -c 'reload: tunnel vti3 unchanged' $T/a.log) = 1 ]"
ctl a down vti3 >/dev/null
check "broken file: the old configuration still works (down, up vti3)" eventually 30 gone a vti3
ctl a up vti3 >/dev/null
check "... vti3 up again" eventually 30 up a vti3
check "no pre-shared key in the logs" sh -c "! grep -q 'reload key' $T/a.log $T/b.log"

stop a
stop b
echo "1..$n"
[ $failed -eq 0 ] || echo "# $failed of $n failed (logs were in $T)"
[ $failed -eq 0 ]
