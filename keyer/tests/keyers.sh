#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Two kvti-keyers talking IKEv2 over loopback, decoupled backend (the SAs
# stay in each keyer; `sas` on the control socket shows them with a key
# fingerprint, never a key).  Usage: keyers.sh KVTI-KEYER KEYER-CTL
#
#     keyer A                                   keyer B
#   127.0.0.2 / 2001:db8::2  <-- IKE (UDP) -->  127.0.0.3 / 2001:db8::3
#   ctl: $T/a.sock            ports $PORT,     ctl: $T/b.sock
#                             $PORT+1 (NAT-T)
#
# The script runs itself in a private network namespace (unshare -rn)
# when it can, where the IPv6 addresses can be added to lo; without one,
# IPv4 runs on the host's loopback and the IPv6 cases are skipped.
# Every check prints a TAP line; the exit status is 1 if any failed.
set -u

KEYER=$(readlink -f "$1")
CTL=$(readlink -f "$2")
. "$(dirname "$0")/lib.sh"
IKEMSG=$(readlink -f "$(dirname "$0")/../../selftests")	# ikemsg.py
need_jq keyers.sh
in_netns "$0" "$@"
workdir keyers
ports 15500 0
have6=0
if [ -n "${KEYERS_IN_NETNS:-}" ]; then
	ip addr add 2001:db8::2/128 dev lo nodad && ip addr add 2001:db8::3/128 dev lo nodad &&
		have6=1
fi
# Both keyers start passive: each check brings vti1 up with ctl up
START_OPTS=--passive

# conf NAME LOCAL PEER PSK IKE-PROPOSALS ESP-PROPOSALS
conf() {
	cat >"$T/$1.conf" <<-EOC
	ike-port = $PORT
	nat-t-port = $((PORT + 1))
	retransmit-timeout = 1000
	retransmit-tries = 2
	keyring k { peer $3 { pre-shared-key = "$4" } }
	ike-profile ike { proposals = $5; keyring = k ${DPD:+; dpd = $DPD} }
	ipsec-profile esp { proposals = $6 ${PFS:+; pfs = $PFS} }
	tunnel vti1 { local = $2; peer = $3; ike-profile = ike; ipsec-profile = esp }
	EOC
}

kill9() {
	pid=$(cat "$T/$1.pid")
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	rm -f "$T/$1.pid"
}

ctl() { "$CTL" "$T/$1.sock" "$2" ${3:+"$3"}; }

n_ike() { ctl "$1" show | jq '[.ike_sas[] | select(.state == "established")] | length'; }
n_sas() { ctl "$1" sas | jq '.sas | length'; }
is() { [ "$($1 "$2")" = "$3" ]; }
logged() { grep -q -- "$2" "$T/$1.log"; }

# The SA pairs match: A's outbound is B's inbound, same SPI and key fingerprint.
pair() {	# pair FROM TO
	out=$(ctl "$1" sas | jq -r '.sas[] | select(.dir == "out") | .spi + " " + .key_fingerprint')
	in=$(ctl "$2" sas | jq -r '.sas[] | select(.dir == "in") | .spi + " " + .key_fingerprint')
	[ -n "$out" ] && [ "$out" = "$in" ]
}

reset_logs() { rm -f "$T"/*.log; }

spis() { ctl "$1" sas | jq -r '[.sas[].spi] | sort | join(" ")'; }
ike_spis() { ctl "$1" show | jq -r '[.ike_sas[] | .spi_i + "/" + .spi_r] | join(" ")'; }
# ike_rekeyed "OLD": one established IKE SA on each side, the same, not OLD
ike_rekeyed() {
	[ "$(ctl a show | jq '.ike_sas | length')" = 1 ] &&
		[ "$(ctl b show | jq '.ike_sas | length')" = 1 ] && [ "$(n_ike a)" = 1 ] &&
		[ "$(ike_spis a)" = "$(ike_spis b)" ] && [ "$(ike_spis a)" != "$1" ]
}
# rekeyed "OLD SPIS": one CHILD (2 SAs) on each side, paired, none of OLD SPIS
rekeyed() {
	[ "$(n_sas a)" = 2 ] && [ "$(n_sas b)" = 2 ] && pair a b && pair b a || return 1
	for s in $(spis a); do
		case " $1 " in *" $s "*) return 1 ;; esac
	done
}

# up SUITE ESP FAMILY INITIATOR DELETER CHOSEN: one full life of a tunnel
up() {
	suite=$1 esp=$2 fam=$3 ini=$4 del=$5 chosen=$6
	if [ "$fam" = 6 ]; then a=2001:db8::2 b=2001:db8::3; else a=127.0.0.2 b=127.0.0.3; fi
	resp=b
	[ "$ini" = b ] && resp=a
	reset_logs
	conf a $a $b "psk $suite" "$suite" "$esp"
	conf b $b $a "psk $suite" "$suite" "$esp"
	start a
	start b
	tag="IPv$fam $suite/$esp, $ini initiates"
	ctl $ini up vti1 >/dev/null
	check "$tag: IKE SA up on both" eventually 30 sh -c \
		"[ \"\$('$CTL' $T/a.sock show | jq '.ike_sas[0].state')\" = '\"established\"' ] &&
		 [ \"\$('$CTL' $T/b.sock sas | jq '.sas | length')\" = 2 ]"
	check "$tag: 2 SAs each side" sh -c "[ $(n_sas a) = 2 ] && [ $(n_sas b) = 2 ]"
	check "$tag: a->b SPI and keys match" pair a b
	check "$tag: b->a SPI and keys match" pair b a
	check "$tag: both chose $chosen" sh -c "[ \"\$('$CTL' $T/a.sock show | jq -r '.ike_sas[0].algorithms')\" = '$chosen' ] &&
		[ \"\$('$CTL' $T/b.sock show | jq -r '.ike_sas[0].algorithms')\" = '$chosen' ]"
	check "$tag: roles" sh -c "[ \"\$('$CTL' $T/$ini.sock show | jq -r '.ike_sas[0].role')\" = initiator ] &&
		[ \"\$('$CTL' $T/$resp.sock show | jq -r '.ike_sas[0].role')\" = responder ]"
	check "$tag: CHILD SA logged on both" sh -c "grep -q 'child-sa installed' $T/a.log && grep -q 'child-sa installed' $T/b.log"
	# CHILD SA rekey (CREATE_CHILD_SA) asked of the other end than the IKE initiator
	spis0=$(spis a)
	ctl $resp rekey vti1 >/dev/null
	check "$tag: CHILD rekey from $resp: 2 new SAs each side, pairs match, old ones gone" \
		eventually 30 rekeyed "$spis0"
	check "$tag: CHILD rekey logged on both, outbound switched on $ini after the DELETE" sh -c \
		"grep -q 'child-sa installed .*(rekey)' $T/a.log && grep -q 'child-sa installed .*(rekey)' $T/b.log &&
		 grep -q 'child-sa outbound switched' $T/$ini.log"
	# IKE SA rekey (from the deleter, sometimes the IKE responder): new SPIs, the CHILD SAs move
	# untouched, and a CHILD rekey over the new IKE SA (its SK_d) pairs up.
	ike0=$(ike_spis a)
	spis0=$(spis a)
	ctl $del rekey-ike vti1 >/dev/null
	check "$tag: IKE rekey from $del: one IKE SA each side, new SPIs, the same on both" \
		eventually 30 ike_rekeyed "$ike0"
	check "$tag: ... its CHILD SAs moved untouched" sh -c "[ \"$(spis a)\" = '$spis0' ]"
	ctl $resp rekey vti1 >/dev/null
	check "$tag: a CHILD rekey over the new IKE SA: keys match (same SK_d on both)" \
		eventually 30 rekeyed "$spis0"
	# liveness, then a CHILD SA deleted alone, then the IKE SA
	ctl $del liveness vti1 >/dev/null
	check "$tag: liveness answered" eventually 30 logged $del "liveness vti1 peer .*: alive"
	ctl $del delete-child vti1 >/dev/null
	check "$tag: DELETE of the CHILD SA from $del empties both backends" eventually 30 sh -c \
		"[ \"\$('$CTL' $T/a.sock sas | jq '.sas | length')\" = 0 ] &&
		 [ \"\$('$CTL' $T/b.sock sas | jq '.sas | length')\" = 0 ]"
	check "$tag: ... and keeps the IKE SA" sh -c "[ $(n_ike a) = 1 ] && [ $(n_ike b) = 1 ]"
	ctl $del up vti1 >/dev/null
	check "$tag: up on the childless IKE SA: a new CHILD SA (CREATE_CHILD_SA), keys match" \
		eventually 30 rekeyed ""
	ctl $del delete-child vti1 >/dev/null
	check "$tag: ... deleted again" eventually 30 sh -c \
		"[ \"\$('$CTL' $T/a.sock sas | jq '.sas | length')\" = 0 ] &&
		 [ \"\$('$CTL' $T/b.sock sas | jq '.sas | length')\" = 0 ]"
	ctl $del down vti1 >/dev/null
	check "$tag: DELETE of the IKE SA from $del" eventually 30 sh -c \
		"[ \"\$('$CTL' $T/a.sock show | jq '.ike_sas | length')\" = 0 ] &&
		 [ \"\$('$CTL' $T/b.sock show | jq '.ike_sas | length')\" = 0 ]"
	check "$tag: 'deleted by the peer' logged on the other side" sh -c \
		"grep -q 'ike-sa down.*deleted by the peer' $T/a.log || grep -q 'ike-sa down.*deleted by the peer' $T/b.log"
	stop a
	stop b
	check "$tag: no pre-shared key in the logs" sh -c "! grep -q 'psk $suite' $T/a.log $T/b.log"
}

S1=aes256gcm16-prfsha384-ecp384 E1=aes256gcm16-esn
S2=aes128-sha256-modp2048 E2=aes128-sha256
S3=chacha20poly1305-prfsha256-x25519 E3=chacha20poly1305

# What `show` prints: canonical names, every transform.
C1=$S1 C2=aes128-sha256-prfsha256-modp2048 C3=chacha20poly1305-prfsha256-curve25519

up $S1 $E1 4 a a $C1
up $S2 $E2 4 b a $C2
up $S3 $E3 4 a b $C3
if [ $have6 = 1 ]; then
	up $S1 $E1 6 b b $C1
	up $S3 $E3 6 a a $C3
else
	echo "# SKIP IPv6: no network namespace for the addresses"
fi

# CHILD rekey with PFS: the ipsec-profile's group in CREATE_CHILD_SA (KE).
reset_logs
PFS=ecp256 conf a 127.0.0.2 127.0.0.3 k $S1 $E2
PFS=ecp256 conf b 127.0.0.3 127.0.0.2 k $S1 $E2
start a
start b
ctl a up vti1 >/dev/null
check "PFS: tunnel up" eventually 30 sh -c "[ \"\$('$CTL' $T/b.sock sas | jq '.sas | length')\" = 2 ]"
spis0=$(spis a)
ctl a rekey vti1 >/dev/null
check "PFS: CHILD rekey with ecp256: new SAs, pairs match, old gone" eventually 30 rekeyed "$spis0"
spis0=$(spis a)
ctl b rekey vti1 >/dev/null
check "PFS: ... and again from the responder" eventually 30 rekeyed "$spis0"
stop a
stop b

# Both ends rekey the same CHILD, but one finishes first (2.25.1): each end
# ignores the first CREATE_CHILD_SA request it gets, as if lost, so both
# requests are out; A's retransmission reaches B first and B answers it,
# A deletes the old CHILD, and B's retransmission finds it being deleted:
# TEMPORARY_FAILURE, and B gives its rekey up.  (Requests crossing on the
# wire, 2.8.1's lowest nonce, need latency: selftests/ike.sh, with netem.)
reset_logs
conf a 127.0.0.2 127.0.0.3 k $S3 $E3
conf b 127.0.0.3 127.0.0.2 k $S3 $E3
start a --drop-create-child 1
start b --drop-create-child 1
ctl b up vti1 >/dev/null
check "rekey race: tunnel up" eventually 30 sh -c \
	"[ \"\$('$CTL' $T/a.sock sas | jq '.sas | length')\" = 2 ]"
spis0=$(spis a)
ctl a rekey vti1 >/dev/null
eventually 10 sh -c "[ \"\$('$CTL' $T/b.sock stats | jq .drops.testing)\" = 1 ]"
ctl b rekey vti1 >/dev/null
check "rekey race: each end dropped one request (the test did what it says)" eventually 10 sh -c \
	"[ \"\$('$CTL' $T/a.sock stats | jq .drops.testing)\" = 1 ]"
check "rekey race: one CHILD left, pairs match, the old one gone" eventually 30 rekeyed "$spis0"
check "rekey race: A answered B's late request with TEMPORARY_FAILURE, B gave up" eventually 10 sh -c \
	"grep -q 'CREATE_CHILD_SA answered TEMPORARY_FAILURE' $T/a.log &&
	 grep -q 'child-sa rekey failed .*TEMPORARY_FAILURE' $T/b.log"
sleep 3
check "rekey race: still one CHILD after B's retry time (nothing left to retry)" rekeyed "$spis0"
stop a
stop b

# Preferred peer and dead peer detection.  A's tunnel lists 127.0.0.9
# (the default, where nobody answers) then B; DPD periodic (IOS "crypto
# isakmp keepalive 10 2 periodic").  A tries the default, gives up after
# its retransmissions and moves on to B ("If the default peer is
# unresponsive, the next peer in the peer list becomes the current peer").
# Then B is frozen (SIGSTOP): A's check goes unanswered, is sent again every
# 2 s, "four transmissions altogether", B is declared dead, its IKE and
# CHILD SAs go, and the next attempt goes to the default peer again.
reset_logs
cat >"$T/a.conf" <<-EOC
	ike-port = $PORT
	nat-t-port = $((PORT + 1))
	retransmit-timeout = 1000
	retransmit-tries = 2
	keyring k { peer 127.0.0.0/8 { pre-shared-key = "k" } }
	ike-profile ike { proposals = $S3; keyring = k; dpd = 10 2 periodic }
	ipsec-profile esp { proposals = $E3 }
	tunnel vti1 {
		local = 127.0.0.2
		peer = 127.0.0.9 default
		peer = 127.0.0.3
		ike-profile = ike
		ipsec-profile = esp
	}
EOC
conf b 127.0.0.3 127.0.0.2 k $S3 $E3
start a --passive
start b
ctl a up vti1 >/dev/null
check "preferred peer: the default 127.0.0.9 is tried first" logged a "ike-sa initiate vti1 peer 127.0.0.9"
check "preferred peer: unanswered, A moves on to B" eventually 30 logged a "trying the next peer, 127.0.0.3"
check "preferred peer: the tunnel comes up with B" eventually 30 sh -c \
	"[ \"\$('$CTL' $T/b.sock sas | jq '.sas | length')\" = 2 ]"
check "dpd: A's periodic check is answered while B lives" eventually 30 logged a "dpd: peer .* alive"
kill -STOP "$(cat "$T/b.pid")"
check "dpd: B frozen: A declares it dead" eventually 40 logged a \
	"dpd: peer 127.0.0.3.* dead: 4 liveness checks 2 s apart unanswered; 1 IKE SA and 1 CHILD SA deleted"
check "dpd: ... after 3 retransmissions of the check" sh -c \
	"[ \$(grep -c 'INFORMATIONAL request [1-9][0-9]* retransmitted' $T/a.log) = 3 ]"
check "dpd: A holds no IKE SA and no SA, counts one dead peer" sh -c \
	"[ $(n_ike a) = 0 ] && [ \"\$('$CTL' $T/a.sock sas | jq '.sas | length')\" = 0 ] &&
	 [ \"\$('$CTL' $T/a.sock stats | jq .dead_peers)\" = 1 ]"
check "preferred peer: after the dead peer, the next attempt goes to the default" \
	logged a "the next attempt goes to 127.0.0.9 (the default peer)"
ctl a up vti1 >/dev/null
check "preferred peer: ... and does" eventually 10 sh -c \
	"[ \$(grep -c 'ike-sa initiate vti1 peer 127.0.0.9' $T/a.log) = 2 ]"
kill -CONT "$(cat "$T/b.pid")"
stop a
stop b

# A wrong pre-shared key: AUTHENTICATION_FAILED, nothing installed anywhere.
reset_logs
conf a 127.0.0.2 127.0.0.3 "right key" $S1 $E1
conf b 127.0.0.3 127.0.0.2 "wrong key" $S1 $E1
start a
start b
ctl a up vti1 >/dev/null
check "wrong PSK: the initiator hears AUTHENTICATION_FAILED" eventually 30 logged a \
	"auth failed vti1 .*AUTHENTICATION_FAILED"
check "wrong PSK: the responder's AUTH check fails" eventually 30 logged b "auth failed vti1 .*does not verify"
check "wrong PSK: no IKE SA, no SA on either side" sh -c \
	"[ $(n_ike a) = 0 ] && [ $(n_ike b) = 0 ] && [ $(n_sas a) = 0 ] && [ $(n_sas b) = 0 ]"
check "wrong PSK: no SPI left reserved" sh -c \
	"[ \"\$('$CTL' $T/a.sock sas | jq .reserved_spis)\" = 0 ]"
stop a
stop b

# IKE proposals that do not meet: NO_PROPOSAL_CHOSEN in IKE_SA_INIT.
reset_logs
conf a 127.0.0.2 127.0.0.3 k $S2 $E1
conf b 127.0.0.3 127.0.0.2 k $S1 $E1
start a
start b
ctl a up vti1 >/dev/null
check "IKE proposal mismatch: the initiator hears NO_PROPOSAL_CHOSEN" eventually 30 logged a \
	"ike-sa failed vti1 .*refused with NO_PROPOSAL_CHOSEN"
check "IKE proposal mismatch: the responder logs what was offered" logged b \
	"NO_PROPOSAL_CHOSEN (peer offered aes128-sha256-prfsha256-modp2048)"
check "IKE proposal mismatch: nothing installed" sh -c "[ $(n_sas a) = 0 ] && [ $(n_sas b) = 0 ]"
stop a
stop b

# ESP proposals that do not meet: the IKE SA comes up, the CHILD SA does not.
reset_logs
conf a 127.0.0.2 127.0.0.3 k $S1 $E2
conf b 127.0.0.3 127.0.0.2 k $S1 $E3
start a
start b
ctl a up vti1 >/dev/null
check "ESP proposal mismatch: NO_PROPOSAL_CHOSEN on both" eventually 30 sh -c \
	"grep -q 'child-sa failed vti1 .*NO_PROPOSAL_CHOSEN' $T/a.log &&
	 grep -q 'child-sa failed vti1 .*NO_PROPOSAL_CHOSEN' $T/b.log"
check "ESP proposal mismatch: the IKE SA is deleted, nothing installed" eventually 30 sh -c \
	"[ \"\$('$CTL' $T/b.sock show | jq '.ike_sas | length')\" = 0 ] &&
	 [ \"\$('$CTL' $T/a.sock sas | jq '.sas | length')\" = 0 ] &&
	 [ \"\$('$CTL' $T/b.sock sas | jq '.sas | length')\" = 0 ]"
stop a
stop b

# INVALID_KE_PAYLOAD: A's first KE is ecp384, B takes only x25519.
reset_logs
conf a 127.0.0.2 127.0.0.3 k aes256gcm16-prfsha384-ecp384-x25519 $E1
conf b 127.0.0.3 127.0.0.2 k aes256gcm16-prfsha384-x25519 $E1
start a
start b
ctl a up vti1 >/dev/null
check "INVALID_KE_PAYLOAD: the initiator retries with x25519 and gets up" eventually 30 sh -c \
	"[ \"\$('$CTL' $T/a.sock sas | jq '.sas | length')\" = 2 ]"
check "INVALID_KE_PAYLOAD: logged on both" sh -c \
	"grep -q 'asks for DH group curve25519, retrying' $T/a.log &&
	 grep -q 'sent KE for DH group 20, asking for curve25519' $T/b.log"
check "INVALID_KE_PAYLOAD: keys match" pair a b
stop a
stop b

# A lost response: A ignores B's first answer and retransmits; B answers
# from its cache without making a second IKE SA.
reset_logs
conf a 127.0.0.2 127.0.0.3 k $S3 $E3
conf b 127.0.0.3 127.0.0.2 k $S3 $E3
start a --drop-responses 1
start b
ctl a up vti1 >/dev/null
check "retransmission: the tunnel comes up" eventually 30 sh -c \
	"[ \"\$('$CTL' $T/b.sock sas | jq '.sas | length')\" = 2 ]"
check "retransmission: A retransmitted once" sh -c "[ \"\$('$CTL' $T/a.sock stats | jq .retransmits)\" = 1 ]"
check "retransmission: B answered from its cache once" sh -c \
	"[ \"\$('$CTL' $T/b.sock stats | jq .replays)\" = 1 ]"
check "retransmission: B has one IKE SA" sh -c "[ \"\$('$CTL' $T/b.sock show | jq '.ike_sas | length')\" = 1 ]"
check "retransmission: keys match" pair b a

# The responder dies: A's liveness check goes unanswered, A gives up.
kill9 b
ctl a liveness vti1 >/dev/null
check "dead peer: A gives up after its retransmissions" eventually 30 logged a \
	"retransmit give-up vti1 peer 127.0.0.3.*INFORMATIONAL .*after 2 retransmissions"
check "dead peer: A's IKE SA and kernel SAs are gone" sh -c \
	"[ $(n_sas a) = 0 ] && [ \"\$('$CTL' $T/a.sock show | jq '.ike_sas | length')\" = 0 ]"

# INITIAL_CONTACT: B comes back with no memory and says so; A drops the stale SA.
start b
ctl a up vti1 >/dev/null
eventually 30 sh -c "[ \"\$('$CTL' $T/b.sock sas | jq '.sas | length')\" = 2 ]"
kill9 b
start b
ctl b up vti1 >/dev/null
check "INITIAL_CONTACT: A removes the stale IKE SA" eventually 30 logged a \
	"INITIAL_CONTACT from 127.0.0.3.*1 stale IKE SA removed"
check "INITIAL_CONTACT: one IKE SA and two SAs left on A" sh -c \
	"[ \"\$('$CTL' $T/a.sock show | jq '.ike_sas | length')\" = 1 ] && [ $(n_sas a) = 2 ]"
check "INITIAL_CONTACT: and they match B's" pair a b

# Shutdown: SIGTERM deletes the IKE SA on the way out.
stop b
check "SIGTERM: B's DELETE reached A" eventually 30 sh -c \
	"[ \"\$('$CTL' $T/a.sock show | jq '.ike_sas | length')\" = 0 ] && [ \"\$('$CTL' $T/a.sock sas | jq '.sas | length')\" = 0 ]"
stop a

# Hand-made datagrams (python3): malformed ones are dropped and counted by
# reason; the ones RFC 7296 answers get the answer, unprotected, SPIs and
# message ID copied: an unknown critical payload UNSUPPORTED_CRITICAL_PAYLOAD
# (2.5), a later major version INVALID_MAJOR_VERSION (2.5, 3.1), a request
# for an IKE SA we do not have INVALID_IKE_SPI (1.5, 2.21.4), rate-limited;
# a response, or IKEv1, never gets anything.
if command -v python3 >/dev/null; then
	reset_logs
	start b
	python3 - "$PORT" >"$T/answers" <<-'EOP'
	import os, socket, struct, sys, time
	port = int(sys.argv[1])
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind(("127.0.0.2", 0))
	b = ("127.0.0.3", port)
	def hdr(ispi, rspi, nxt, exch, flags, msgid, body, ver=0x20):
	    return struct.pack("!QQBBBBII", ispi, rspi, nxt, ver, exch, flags, msgid,
	                       28 + len(body)) + body
	def answers(wait=0.5):
	    s.settimeout(wait)
	    got = []
	    try:
	        while True:
	            got.append(s.recvfrom(2048)[0])
	            s.settimeout(0.2)
	    except socket.timeout:
	        return got
	def show(name, got):
	    out = []
	    for m in got:
	        ispi, rspi, nxt, ver, exch, flags, msgid, ln = struct.unpack("!QQBBBBII", m[:28])
	        n = m[28:]
	        nt = struct.unpack("!H", n[6:8])[0] if nxt == 41 and len(n) >= 8 else -1
	        data = n[8:].hex() if len(n) > 8 else "-"
	        out.append("%x/%x %x %d %x %d N%d %s" % (ispi, rspi, ver, exch, flags, msgid, nt, data))
	    print(name + ": " + (" | ".join(out) if out else "none"))
	s.sendto(b"\x01" * 10, b)                                  # short
	s.sendto(hdr(1, 0, 0, 34, 8, 0, b"")[:27] + b"\x00" * 5, b) # length lies
	s.sendto(hdr(1, 0, 0, 34, 8, 0, b"")[:24] + struct.pack("!I", 999), b)
	s.sendto(b"\xaa\xbb\xcc\xdd" + b"\x00" * 28, ("127.0.0.3", port + 1))  # ESP on NAT-T
	show("malformed", answers())
	sk = struct.pack("!BBH", 0, 0, 4 + 16) + os.urandom(16)
	s.sendto(hdr(7, 9, 46, 35, 8, 1, sk), b)                    # no such SA
	show("unknown SPI request", answers())
	s.sendto(hdr(7, 9, 46, 37, 0x28, 5, sk), b)                 # ... a response
	show("unknown SPI response", answers())
	s.sendto(hdr(0x11, 0, 46, 37, 0, 3, sk), b)                 # ... from the responder
	show("unknown SPI request, I clear", answers())
	s.sendto(hdr(21, 0, 0, 34, 8, 0, b"", ver=0x30), b)          # IKEv3
	show("major version 3", answers())
	s.sendto(hdr(22, 0, 0, 34, 0x28, 0, b"", ver=0x30), b)       # ... a response
	show("major version 3 response", answers())
	s.sendto(hdr(23, 0, 0, 2, 0, 0, b"", ver=0x10), b)           # IKEv1 main mode
	show("major version 1", answers())
	ispi = 0x3c3c3c3c3c3c3c3c
	crit = struct.pack("!BBH", 0, 0x80, 8) + b"\x00" * 4        # type 60, critical
	s.sendto(hdr(ispi, 0, 60, 34, 8, 0, crit), b)
	show("unknown critical payload", answers())
	time.sleep(1.2)                                             # the bucket refills
	for i in range(40):
	    s.sendto(hdr(100 + i, 9, 46, 37, 8, 2, sk), b)
	print("burst of 40: %d answered" % len(answers(1)))
	EOP
	sed 's/^/# /' "$T/answers"
	answered() { grep -qx -- "$1: $2" "$T/answers"; }
	check "malformed datagrams: no answer" answered malformed none
	check "request for an unknown IKE SA: INVALID_IKE_SPI, SPIs and message ID copied" \
		answered "unknown SPI request" "7/9 20 37 20 1 N4 -"
	check "response for an unknown IKE SA: no answer" answered "unknown SPI response" none
	check "request from a responder for an unknown IKE SA: INVALID_IKE_SPI with I set" \
		answered "unknown SPI request, I clear" "11/0 20 37 28 3 N4 -"
	check "major version 3: INVALID_MAJOR_VERSION from version 2.0, SPIs copied" \
		answered "major version 3" "15/0 20 34 20 0 N5 -"
	check "major version 3 response: no answer" answered "major version 3 response" none
	check "IKEv1: no answer" answered "major version 1" none
	check "unknown critical payload: UNSUPPORTED_CRITICAL_PAYLOAD naming type 60" \
		answered "unknown critical payload" "3c3c3c3c3c3c3c3c/0 20 34 20 0 N1 3c"
	burst=$(sed -n 's/^burst of 40: \([0-9]*\) answered$/\1/p' "$T/answers")
	check "40 requests for unknown IKE SAs at once: rate-limited to about 10 answers ($burst)" \
		[ "${burst:-0}" -ge 5 -a "${burst:-99}" -le 15 ]
	unprot=$(ctl b stats | jq -c '[.unprotected_notifies, .unprotected_rate_limited]')
	check "unprotected notifies counted: 3 + $burst sent, $((40 - ${burst:-0})) held back by the limit ($unprot)" \
		[ "$unprot" = "[$((3 + ${burst:-0})),$((40 - ${burst:-0}))]" ]
	drops=$(ctl b stats | jq -c '[.drops.short, .drops.header, .drops.no_sa, .drops.not_ike]')
	check "malformed datagrams dropped and counted by reason ($drops)" [ "$drops" = "[1,5,43,1]" ]
	check "and no IKE SA made of any" is n_ike b 0
	stop b

	# max-half-open = 1: a second IKE_SA_INIT is refused while one hangs.
	printf 'max-half-open = 1\n' >>"$T/b.conf"
	start b
	answer=$(PYTHONPATH="$IKEMSG" python3 - "$PORT" <<-'EOP'
	import socket, sys
	from ikemsg import sa_init
	port = int(sys.argv[1])
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind(("127.0.0.2", 0))
	s.settimeout(1)
	got = []
	for ispi in (11, 12):
	    s.sendto(sa_init(ispi), ("127.0.0.3", port))
	    try:
	        m, _ = s.recvfrom(4096)
	        got.append("answered" if m[16] == 33 else "refused")
	    except socket.timeout:
	        got.append("dropped")
	print(" ".join(got))
	EOP
	)
	check "max-half-open 1: the first IKE_SA_INIT answered, the second dropped ($answer)" \
		[ "$answer" = "answered dropped" ]
	check "max-half-open 1: counted as admission drops" sh -c \
		"[ \"\$('$CTL' $T/b.sock stats | jq .drops.admission)\" = 1 ]"
	stop b

	# Cookies (2.6): with max-half-open 4, two hanging IKE_SA_INITs make B
	# ask for a COOKIE; a request that brings it back (and only the right
	# one) is answered, and keyer A, handed one, still brings vti1 up.
	conf a 127.0.0.2 127.0.0.3 "cookie key" $S3 $E3
	conf b 127.0.0.3 127.0.0.2 "cookie key" $S3 $E3
	printf 'max-half-open = 4\n' >>"$T/b.conf"
	start b
	answer=$(PYTHONPATH="$IKEMSG" python3 - "$PORT" <<-'EOP'
	import os, socket, sys
	from ikemsg import sa_init, answer
	port = int(sys.argv[1])
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind(("127.0.0.2", 0))
	s.settimeout(1)
	def init(ispi, ni, cookie=None):
	    return sa_init(ispi, ni, cookie)
	def ask(m):
	    s.sendto(m, ("127.0.0.3", port))
	    try:
	        r, _ = s.recvfrom(4096)
	    except socket.timeout:
	        return "dropped", None
	    return answer(r)
	got = [ask(init(21, os.urandom(32)))[0], ask(init(22, os.urandom(32)))[0]]
	ni = os.urandom(32)
	what, cookie = ask(init(23, ni))
	got.append(what)
	if cookie:
	    bad = bytes([cookie[0]]) + bytes(b ^ 1 for b in cookie[1:])
	    got.append(ask(init(23, ni, bad))[0])
	    got.append(ask(init(23, os.urandom(32), cookie))[0])   # bound to Ni
	    got.append(ask(init(23, ni, cookie))[0])
	    got.append("%d bytes" % len(cookie))
	print(" ".join(got))
	EOP
	)
	check "cookies: 2 half-open of 4, then COOKIE; a wrong one or another Ni: COOKIE again; the right one answered ($answer)" \
		[ "$answer" = "answered answered cookie cookie cookie answered 17 bytes" ]
	cookies=$(ctl b stats | jq -c '[.cookies_sent, .cookies_bad]')
	check "cookies: 3 sent, 2 that came back did not verify, counted in stats ($cookies)" \
		[ "$cookies" = "[3,2]" ]
	start a
	ctl a up vti1 >/dev/null
	check "cookies: keyer A, handed a COOKIE, brings the tunnel up" eventually 30 sh -c \
		"[ \"\$('$CTL' $T/a.sock show | jq -r '.ike_sas[0].state')\" = established ]"
	check "cookies: B logged that it asked" logged b "answered with a COOKIE"
	check "cookies: the one A was handed counted too" \
		[ "$(ctl b stats | jq .cookies_sent)" = 4 ]
	stop a
	stop b
else
	echo "# SKIP hand-made datagrams: no python3"
fi

# --check: a bad file is refused with its line.
printf 'ike-port = 70000\n' >"$T/bad.conf"
out=$("$KEYER" --check -c "$T/bad.conf" 2>&1)
st=$?
check "--check refuses a bad file with FILE:LINE" sh -c \
	"[ $st -ne 0 ] && [ \"$out\" = \"$T/bad.conf:1: ike-port: expected a number in 1..65535, got '70000'\" ]"
check "the control client says when the keyer is down" sh -c \
	"! '$CTL' $T/a.sock show 2>&1 | grep -q . || '$CTL' $T/a.sock show 2>&1 | grep -q 'not running'"

echo "1..$n"
[ $failed -eq 0 ] || echo "# $failed of $n failed (logs were in $T)"
[ $failed -eq 0 ]
