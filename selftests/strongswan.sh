#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 1200
#
# kvti-keyer <-> strongSwan 5.9 (charon, kernel-netlink: native XFRM on an
# xfrm interface, if_id 42, configured by swanctl over its vici socket).
# For each proposal pair, kvti initiates once and charon once; a ping
# crosses both ways and the SPIs agree between the kvti module and XFRM;
# the CHILD SA is rekeyed (CREATE_CHILD_SA, with PFS for one pair) once by
# each side and the new SAs agree again; then the IKE SA, by the side that
# did not initiate it, its CHILD SA carried over untouched; all the rekeys
# under a steady ping that must lose nothing.
# In each, the keyer's key derivation is fed what the exchange used (SPIs
# and nonces as sniffed on s0, the DH secret from charon's key-material
# log) and must give charon's SKEYSEED, SK_* and CHILD SA keys and the keys
# in XFRM's states (ikekdf.py; keys stay in files under $D, never printed).
# A wrong PSK fails with AUTHENTICATION_FAILED and installs nothing on
# either side; proposals that do not meet fail with NO_PROPOSAL_CHOSEN.
# Then a strongSwan branch offering its LAN to a kvti hub's template (hub()).
# Last, charon behind a masquerading NAT: ESP in UDP both ways (natted()).
#
#   ns k (kvti-keyer)                              ns s (charon)
#   vti1 198.51.100.1 ======== ESP ========= xfrm42 198.51.100.2 (if_id 42)
#   veth k0 192.0.2.1   <--- IKE UDP 500 --->  veth s0 192.0.2.2
#
# charon runs in its own mount namespace with a private /run (it always
# writes /var/run/charon.pid), its own strongswan.conf and vici socket,
# mobike = no, and never rekeys (rekey_time = 0, rand_time = 0).

source "$(dirname "$0")/lib.sh"

KEYER=$KVTI_ROOT/keyer/kvti-keyer
CTL=$KVTI_ROOT/keyer/keyer-ctl
KDFCHECK=$KVTI_ROOT/keyer/tests/bin/kdfcheck
IKEKDF=$KVTI_ROOT/selftests/ikekdf.py
CHARON=/usr/lib/ipsec/charon
[ -x "$KEYER" ] && [ -x "$CTL" ] || skip_all "kvti-keyer not built (make -C keyer)"
[ -x "$CHARON" ] && command -v swanctl >/dev/null || skip_all "strongSwan (charon, swanctl) not installed"
command -v jq >/dev/null || skip_all "jq is needed"
modprobe -a xfrm_user xfrm_interface esp4 esp6 sha512_generic drbg 2>/dev/null

D=$(mktemp -d /tmp/strongswan.XXXXXX)
at_exit rm -rf "$D"
at_exit sh -c "kill -9 \$(cat $D/*.pid 2>/dev/null) 2>/dev/null"
VICI=unix://$D/charon.vici
K="ip netns exec k"
S="ip netns exec s"
# kvti's address, and charon's as kvti sees it (the NAT's, at the end)
KADDR=192.0.2.1 SADDR=192.0.2.2

ns_add k s
ip link add k0 netns k type veth peer name s0 netns s
$K ip addr add 192.0.2.1/24 dev k0
$S ip addr add 192.0.2.2/24 dev s0
$K ip link set k0 up
$S ip link set s0 up
kvti -n k tunnel add vti1 local 192.0.2.1 remote 192.0.2.2
$K ip link set vti1 addrgenmode none
$K ip link set vti1 up
$K ip addr add 198.51.100.1/32 peer 198.51.100.2/32 dev vti1
$S ip link add xfrm42 type xfrm dev s0 if_id 42
$S ip link set xfrm42 up
$S ip addr add 198.51.100.2/32 peer 198.51.100.1/32 dev xfrm42

cat >"$D/strongswan.conf" <<EOF
charon {
	port = 500
	port_nat_t = 4500
	install_routes = no
	install_virtual_ip = no
	retransmit_timeout = 2
	retransmit_tries = 4
	# NAT-keepalives every 2 s when behind a NAT (the last section)
	keep_alive = 2
	# Only what the test uses: loading Debian's whole plugin set took
	# charon half a minute to start under TCG.
	load = random nonce openssl kdf kernel-netlink socket-default vici
	plugins {
		vici {
			socket = $VICI
		}
	}
	filelog {
		charon {
			path = $D/charon.log
			default = 1
			ike = 2
			knl = 2
			flush_line = yes
		}
		# Key material (ike 4: DH secret, SKEYSEED, SK_*; chd 4: CHILD SA
		# keys) for ikekdf.py, apart from the log that diagnostics print.
		keymat {
			path = $D/keymat.log
			default = 0
			ike = 4
			chd = 4
			flush_line = yes
		}
	}
}
EOF

# charon in ns s, own mount namespace and /run; waits for the vici socket.
start_charon() {
	local i
	rm -f "$D/charon.vici"
	$S unshare -m sh -c "mount -t tmpfs tmpfs /run && \
		STRONGSWAN_CONF=$D/strongswan.conf exec $CHARON" >/dev/null 2>>"$D/charon.err" &
	echo $! >"$D/charon.pid"
	for ((i = 0; i < 600; i++)); do
		[ -S "$D/charon.vici" ] && return 0
		sleep 0.1
	done
	return 1
}

# swan_conf IKE ESP PSK [LOCAL_TS]: charon's connection to the keyer, loaded
# over vici; it offers LOCAL_TS (default 0.0.0.0/0) for its side.
swan_conf() {
	cat >"$D/swanctl.conf" <<-EOF
	connections {
		kvti {
			version = 2
			local_addrs = 192.0.2.2
			remote_addrs = $KADDR
			proposals = $1
			mobike = no
			rekey_time = 0
			reauth_time = 0
			dpd_delay = 0
			local {
				auth = psk
				id = 192.0.2.2
			}
			remote {
				auth = psk
				id = $KADDR
			}
			children {
				net {
					local_ts = ${4:-0.0.0.0/0}
					remote_ts = 0.0.0.0/0
					esp_proposals = $2
					if_id_in = 42
					if_id_out = 42
					mode = tunnel
					start_action = none
					rekey_time = 0
					rand_time = 0
				}
			}
		}
	}
	secrets {
		ike-kvti {
			id = $KADDR
			secret = "$3"
		}
	}
	EOF
	# swanctl also looks for credential folders beside the file: noise.
	$S swanctl --load-all --noprompt --file "$D/swanctl.conf" --uri "$VICI" 2>"$D/swanctl.err" |
		tee "$D/swanctl.out" | grep -q "loaded connection .kvti." ||
		{ cat "$D/swanctl.out" "$D/swanctl.err"; return 1; }
}

# keyer_conf IKE ESP PSK
keyer_conf() {
	cat >"$D/keyer.conf" <<-EOF
	retransmit-timeout = 2000
	retransmit-tries = 3
	keyring k { peer $SADDR { pre-shared-key = "$3" } }
	ike-profile ike { proposals = $1; keyring = k }
	ipsec-profile esp { proposals = $2 }
	tunnel vti1 { local = $KADDR; peer = $SADDR; ike-profile = ike; ipsec-profile = esp }
	EOF
}
start_keyer() {
	local i
	rm -f "$D/keyer.sock" "$D/keyer.log"
	$K "$KEYER" -c "$D/keyer.conf" -f -d --passive -s "$D/keyer.sock" \
		>/dev/null 2>>"$D/keyer.log" &
	echo $! >"$D/keyer.pid"
	for ((i = 0; i < 200; i++)); do
		[ -S "$D/keyer.sock" ] && return 0
		sleep 0.1
	done
	return 1
}
stop_keyer() {
	local pid
	pid=$(cat "$D/keyer.pid")
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -f "$D/keyer.pid"
}
ctl() { "$CTL" "$D/keyer.sock" "$1" ${2:+"$2"}; }
# snap: the SAs as kvti and XFRM see them, in two processes (a poll that
# ran a dozen, jq and sort in pipes, took seconds under TCG): NK and NX
# count them; KIN, KOUT are kvti's SPIs by direction, XIN, XOUT XFRM's to
# and from kvti; " 0x%08x" each, in dump order.
snap() {
	local a b c d rest dst=
	NK=0 NX=0 KIN= KOUT= XIN= XOUT=
	while read -r a b c d rest; do
		[ "$c" = spi ] || continue
		NK=$((NK + 1))
		if [ "$b" = in ]; then KIN+=" $d"; else KOUT+=" $d"; fi
	done < <(kvti -n k sa show dev vti1)
	while read -r a b c d rest; do
		case $a in
		src) dst=$d ;;
		proto)
			NX=$((NX + 1))
			if [ "$dst" = "$KADDR" ]; then XIN+=" $d"; else XOUT+=" $d"; fi ;;
		esac
	done < <(ip -n s xfrm state)
}
# same_set "A" "B": the same words, in any order
same_set() {
	local x
	[ "$(set -- $1; echo $#)" = "$(set -- $2; echo $#)" ] || return 1
	for x in $1; do
		case " $2 " in *" $x "*) ;; *) return 1 ;; esac
	done
}
installed() { snap; [ $NK = 2 ] && [ $NX = 2 ]; }
empty() { snap; [ $NK = 0 ] && [ $NX = 0 ]; }
spis_agree() { snap; [ -n "$KIN" ] && same_set "$KIN" "$XIN" && same_set "$KOUT" "$XOUT"; }
kvti_spis() { snap; echo $KIN $KOUT; }
ping_ok() { ip netns exec $1 ping -q -c 3 -i 0.2 -W 2 "$2"; }
# rekeyed "OLD SPIS": one CHILD SA on each side, agreeing, none of OLD SPIS in kvti
rekeyed() {
	local x
	snap
	[ $NK = 2 ] && [ $NX = 2 ] && [ -n "$KIN" ] && [ "$KIN" = "$XIN" ] &&
		[ "$KOUT" = "$XOUT" ] || return 1
	case $KIN$KOUT in *" "*" "*" "*) return 1 ;; esac
	for x in $KIN $KOUT; do
		case " $1 " in *" $x "*) return 1 ;; esac
	done
}
# the keyer's IKE SPIs, "I/R" per IKE SA
kvti_ike() { ctl show | jq -r '[.ike_sas[] | .spi_i + "/" + .spi_r] | join(" ")'; }
# charon's, the same way (swanctl --list-sas: "kvti: #2, ESTABLISHED, IKEv2, 1234...abcd_i 5678..._r*")
swan_ike() {
	$S swanctl --list-sas --ike kvti --uri "$VICI" 2>/dev/null |
		sed -n 's/^kvti: #[0-9]*, ESTABLISHED, IKEv2, \([0-9a-f]*\)_i[*]* \([0-9a-f]*\)_r[*]*$/0x\1\/0x\2/p' |
		paste -sd' '
}
# ike_rekeyed "OLD": one IKE SA on each side, the same one, not OLD
ike_rekeyed() {
	local k s
	k=$(kvti_ike) s=$(swan_ike)
	[ -n "$k" ] && [ "$k" != "$1" ] && [ "${k#* }" = "$k" ] && [ "$k" = "$s" ]
}
# flood_start: 20 echoes a second kvti -> strongSwan until flood_gaps, which
# stops it and prints ping_gaps (lib.sh).
flood_start() {
	$K ping -i 0.05 -W 2 198.51.100.2 >"$D/flood.out" 2>&1 &
	echo $! >"$D/flood.pid"
}
flood_gaps() {
	local pid
	pid=$(cat "$D/flood.pid")
	kill -INT "$pid"
	wait "$pid" 2>/dev/null
	rm -f "$D/flood.pid"
	ping_gaps "$D/flood.out"
}
klogged() { grep -Eq -- "$1" "$D/keyer.log"; }
clogged() { grep -Eq -- "$1" "$D/charon.log"; }
dump_logs() {
	echo "--- keyer"; tail -n 30 "$D/keyer.log"
	echo "--- charon"; tail -n 60 "$D/charon.log"
}

check "charon starts in ns s" start_charon
# Every IKE datagram on charon's side of the wire, for ikekdf.py.
$S python3 "$IKEKDF" sniff s0 "$D/ike.sniff" &
echo $! >"$D/sniff.pid"

# kdf_agrees IKE ESP: the keyer's KDF on the last exchange's inputs (ikekdf.py)
kdf_agrees() {
	$S ip -o xfrm state >"$D/xfrm.txt"
	python3 "$IKEKDF" check "$D/ike.sniff" "$D/keymat.log" "$D/xfrm.txt" "$KDFCHECK" \
		"$1" "$2" 192.0.2.1 >"$D/kdf.txt" 2>&1
}

# pair IKE ESP KVTI-ESP WHO: kvti and charon bring vti1/xfrm42 up, WHO initiates.
pair() {
	local ike=$1 esp=$2 kesp=$3 who=$4 tag="$1 / esp $2, $4 initiates" f0=$__kvti_failed
	local ini=
	keyer_conf "$ike" "$kesp" "strongswan.sh $ike"
	start_keyer
	check "$tag: swanctl loads the connection" swan_conf "$ike" "$esp" "strongswan.sh $ike"
	if [ "$who" = kvti ]; then
		ctl up vti1 >/dev/null
	else
		$S swanctl --initiate --child net --timeout 60 --uri "$VICI" >/dev/null 2>&1 &
		ini=$!
	fi
	check "$tag: 2 SAs in kvti and 2 in XFRM" eventually 60 installed
	check "$tag: SPIs agree between kvti and XFRM" spis_agree
	check "$tag: ping kvti -> strongSwan" ping_ok k 198.51.100.2
	check "$tag: ping strongSwan -> kvti" ping_ok s 198.51.100.1
	check "$tag: keyer's KDF on the exchange's inputs gives charon's and XFRM's keys" \
		kdf_agrees "$ike" "$kesp"
	__kvti_diag <"$D/kdf.txt"
	check_eq "$tag: keyer's IKE SA established" established \
		"$(ctl show | jq -r '.ike_sas[0].state')"
	[ -z "$ini" ] || wait "$ini"
	# Every rekey below happens under a steady ping: none may lose an echo.
	flood_start
	# CHILD SA rekey (CREATE_CHILD_SA), kvti asking, then charon.
	spis0=$(kvti_spis)
	ctl rekey vti1 >/dev/null
	check "$tag: kvti rekeys the CHILD SA: 2 new SAs in kvti and in XFRM, SPIs agree" \
		eventually 30 rekeyed "$spis0"
	check "$tag: ping kvti -> strongSwan after kvti's rekey" ping_ok k 198.51.100.2
	spis0=$(kvti_spis)
	$S swanctl --rekey --child net --uri "$VICI" >/dev/null 2>&1
	check "$tag: charon rekeys the CHILD SA: 2 new SAs in kvti and in XFRM, SPIs agree" \
		eventually 30 rekeyed "$spis0"
	check "$tag: ping strongSwan -> kvti after charon's rekey" ping_ok s 198.51.100.1
	# IKE SA rekey by the side that did not initiate it (so both directions
	# per proposal): new IKE SPIs on both sides, the CHILD SA untouched, and a
	# CHILD rekey over the new IKE SA still agrees.
	ike0=$(kvti_ike)
	spis0=$(kvti_spis)
	if [ "$who" = kvti ]; then
		$S swanctl --rekey --ike kvti --uri "$VICI" >/dev/null 2>&1
		check "$tag: charon rekeys the IKE SA: one IKE SA on each side, new SPIs, the same" \
			eventually 30 ike_rekeyed "$ike0"
	else
		ctl rekey-ike vti1 >/dev/null
		check "$tag: kvti rekeys the IKE SA: one IKE SA on each side, new SPIs, the same" \
			eventually 30 ike_rekeyed "$ike0"
	fi
	check_eq "$tag: the CHILD SA kept its SPIs through it" "$spis0" \
		"$(kvti_spis)"
	ctl rekey vti1 >/dev/null
	check "$tag: a CHILD rekey over the new IKE SA agrees with XFRM" eventually 30 rekeyed "$spis0"
	gaps=$(flood_gaps)
	check_match "$tag: 20 echoes/s through 3 CHILD and 1 IKE rekeys: none lost ($gaps)" \
		'^0 of [1-9][0-9]*$' "$gaps"
	check "$tag: ping kvti -> strongSwan at the end" ping_ok k 198.51.100.2
	stop_keyer
	check "$tag: kvti's DELETE on exit empties both sides" eventually 30 empty
	$S swanctl --terminate --ike kvti --force --uri "$VICI" >/dev/null 2>&1
	[ "$__kvti_failed" = "$f0" ] || dump_logs | __kvti_diag
}

pair aes256gcm16-prfsha384-ecp384 aes256gcm16 aes256gcm16 kvti
pair aes256gcm16-prfsha384-ecp384 aes256gcm16 aes256gcm16 strongswan
# ESP with modp2048: PFS in the rekeys (a KE in CREATE_CHILD_SA).
pair aes128-sha256-modp2048 aes128-sha256-modp2048 aes128-sha256-modp2048 kvti
pair aes128-sha256-modp2048 aes128-sha256-modp2048 aes128-sha256-modp2048 strongswan
pair chacha20poly1305-prfsha256-x25519 chacha20poly1305 chacha20poly1305 kvti
pair chacha20poly1305-prfsha256-x25519 chacha20poly1305 chacha20poly1305 strongswan

# A wrong pre-shared key, kvti initiating: AUTHENTICATION_FAILED, nothing installed.
f0=$__kvti_failed
keyer_conf aes256gcm16-prfsha384-ecp384 aes256gcm16 "the right key"
start_keyer
check "wrong PSK: swanctl loads the connection" swan_conf aes256gcm16-prfsha384-ecp384 aes256gcm16 "a wrong key"
ctl up vti1 >/dev/null
check "wrong PSK (kvti initiates): the keyer hears AUTHENTICATION_FAILED" \
	eventually 60 klogged "auth failed vti1 .*AUTHENTICATION_FAILED"
check "wrong PSK (kvti initiates): charon logs the failed authentication" \
	eventually 30 clogged "MAC mismatched|N\\(AUTH_FAILED\\)"
check "wrong PSK (kvti initiates): nothing installed on either side" empty
# ... and charon initiating.
$S swanctl --initiate --child net --timeout 30 --uri "$VICI" >/dev/null 2>&1
check "wrong PSK (charon initiates): the keyer refuses the AUTH" \
	eventually 30 klogged "auth failed vti1"
check "wrong PSK (charon initiates): charon hears AUTHENTICATION_FAILED" \
	eventually 30 clogged "received AUTHENTICATION_FAILED"
check "wrong PSK (charon initiates): nothing installed on either side" empty
stop_keyer
[ "$__kvti_failed" = "$f0" ] || dump_logs | __kvti_diag

# Proposals that do not meet.
f0=$__kvti_failed
keyer_conf aes128-sha256-modp2048 aes128-sha256 "proposals"
start_keyer
check "mismatch: swanctl loads the connection" swan_conf aes256gcm16-prfsha384-ecp384 aes256gcm16 "proposals"
ctl up vti1 >/dev/null
check "IKE proposal mismatch (kvti initiates): NO_PROPOSAL_CHOSEN" \
	eventually 60 klogged "ike-sa failed vti1 .*NO_PROPOSAL_CHOSEN"
$S swanctl --initiate --child net --timeout 30 --uri "$VICI" >/dev/null 2>&1
check "IKE proposal mismatch (charon initiates): charon hears NO_PROPOSAL_CHOSEN" \
	eventually 30 clogged "received NO_PROPOSAL_CHOSEN"
check "IKE proposal mismatch: nothing installed on either side" empty
stop_keyer
[ "$__kvti_failed" = "$f0" ] || dump_logs | __kvti_diag

# --- charon behind a NAT ---------------------------------------------------
# s0 moves behind ns sn, which masquerades 192.0.2.0/24 into 203.0.113.254
# ports 41000-41099; kvti is 203.0.113.1 and sees charon as the NAT. Charon
# initiates (nothing reaches it through the NAT otherwise): both detect the
# NAT, charon floats to 4500, XFRM and kvti exchange ESP in UDP both ways,
# charon's NAT-keepalives are taken by the module (the keyer never sees
# them), and a CHILD rekey by each side works through the NAT.
#
#   ns k: k0 203.0.113.1 -- sn1 203.0.113.254 [ns sn] sn0 192.0.2.254 -- s0 192.0.2.2 :ns s
natted() {
	local port
	f0=$__kvti_failed
	kill "$(cat "$D/sniff.pid")" 2>/dev/null
	rm -f "$D/sniff.pid"
	ns_add sn
	ip -n k link del k0
	$S ip link del xfrm42 2>/dev/null
	ip link add k0 netns k type veth peer name sn1 netns sn
	ip link add s0 netns s type veth peer name sn0 netns sn
	$K ip addr add 203.0.113.1/24 dev k0
	ip -n sn addr add 203.0.113.254/24 dev sn1
	ip -n sn addr add 192.0.2.254/24 dev sn0
	$S ip addr add 192.0.2.2/24 dev s0
	for l in k/k0 sn/sn0 sn/sn1 s/s0; do ip -n "${l%/*}" link set "${l#*/}" up; done
	$S ip route add default via 192.0.2.254
	ip netns exec sn sysctl -qw net.ipv4.ip_forward=1
	ip netns exec sn nft -f - <<-EOF
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "sn1" ip saddr 192.0.2.0/24 meta l4proto udp masquerade to :41000-41099
		}
	}
	EOF
	$S ip link add xfrm42 type xfrm dev s0 if_id 42
	$S ip link set xfrm42 up
	$S ip addr add 198.51.100.2/32 peer 198.51.100.1/32 dev xfrm42
	KADDR=203.0.113.1 SADDR=203.0.113.254
	kvti -n k tunnel set vti1 local $KADDR remote $SADDR
	$K python3 "$KVTI_ROOT/selftests/wire.py" k0 "$D/wire" &
	echo $! >"$D/wire.pid"

	keyer_conf aes256gcm16-prfsha384-ecp384 aes256gcm16 "strongswan.sh nat"
	start_keyer
	check "NAT: swanctl loads the connection" \
		swan_conf aes256gcm16-prfsha384-ecp384 aes256gcm16 "strongswan.sh nat"
	$S swanctl --initiate --child net --timeout 60 --uri "$VICI" >/dev/null 2>&1 &
	check "NAT: charon initiates: 2 SAs in kvti and 2 in XFRM" eventually 60 installed
	wait $!
	check "NAT: SPIs agree between kvti and XFRM" spis_agree
	check_eq "NAT: the keyer sees the NAT in front of charon, on port 4500" "true 4500" \
		"$(ctl show | jq -r '.ike_sas[0] | "\(.nat_remote) \(.local_port)"')"
	port=$(ctl show | jq -r '.ike_sas[0].peer_port')
	check_match "NAT: charon's port 4500 as the NAT maps it ($port)" '^410[0-9][0-9]$' "$port"
	check_eq "NAT: kvti's tunnel sends ESP in UDP 4500 -> $port" "udp 4500 $port" \
		"$(kvti -n k -j tunnel show vti1 | jq -r '.[0] | "\(.encap) \(.sport) \(.dport)"')"
	check_eq "NAT: charon's XFRM states are ESP in UDP 4500 -> 4500" 2 \
		"$(ip -n s xfrm state | grep -c 'encap type espinudp sport 4500 dport 4500')"
	check "NAT: ping kvti -> strongSwan" ping_ok k 198.51.100.2
	check "NAT: ping strongSwan -> kvti" ping_ok s 198.51.100.1
	check "NAT: k0 saw ESP in UDP" grep -q "^esp-udp 203.0.113.254 $port 203.0.113.1 4500 " "$D/wire"
	check_eq "NAT: ... and no raw ESP" 0 "$(grep -c '^esp ' "$D/wire")"
	check "NAT: charon's NAT-keepalives reach kvti" eventually 15 \
		grep -q "^keepalive 203.0.113.254 $port 203.0.113.1 4500 " "$D/wire"
	check_eq "NAT: the module took them: the keyer saw no non-IKE datagram" 0 \
		"$(ctl stats | jq .drops.not_ike)"
	spis0=$(kvti_spis)
	ctl rekey vti1 >/dev/null
	check "NAT: kvti rekeys the CHILD SA through the NAT, SPIs agree" \
		eventually 30 rekeyed "$spis0"
	spis0=$(kvti_spis)
	$S swanctl --rekey --child net --uri "$VICI" >/dev/null 2>&1
	check "NAT: charon rekeys the CHILD SA through the NAT, SPIs agree" \
		eventually 30 rekeyed "$spis0"
	check "NAT: ping strongSwan -> kvti after the rekeys" ping_ok s 198.51.100.1
	check "NAT: ping kvti -> strongSwan after the rekeys" ping_ok k 198.51.100.2
	stop_keyer
	check "NAT: kvti's DELETE on exit empties both sides" eventually 30 empty
	kill "$(cat "$D/wire.pid")" 2>/dev/null
	rm -f "$D/wire.pid"
	[ "$__kvti_failed" = "$f0" ] || dump_logs | __kvti_diag
}
# --- a strongSwan branch to a kvti hub's template ---------------------------
# The keyer as a hub: no tunnel for charon, a template vt (match-peer
# 192.0.2.2).  Charon offers only its LAN 203.0.113.99/32 (a branch's
# local_ts); the hub clones vt for it, narrows to that subset, injects the
# route to the LAN, and a ping from the LAN is answered through the clone.
hub() {
	local clone
	f0=$__kvti_failed
	# vti1 still connects 192.0.2.1 to charon, and the module refuses a
	# second tunnel between the same endpoints: a clone could not be made.
	kvti -n k tunnel set vti1 remote 192.0.2.3
	kvti -n k tunnel add vt local 192.0.2.1 template
	$S ip link add lan0 type dummy
	$S ip addr add 203.0.113.99/32 dev lan0
	$S ip link set lan0 up
	cat >"$D/keyer.conf" <<-EOF
	retransmit-timeout = 2000
	keyring k { peer 192.0.2.0/24 { pre-shared-key = "strongswan.sh hub" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-ecp384; keyring = k }
	ipsec-profile esp { proposals = aes256gcm16 }
	template vt { local = 192.0.2.1; match-peer = 192.0.2.2; ike-profile = ike; ipsec-profile = esp }
	EOF
	start_keyer
	check "hub: swanctl loads a branch offering 203.0.113.99/32" swan_conf \
		aes256gcm16-prfsha384-ecp384 aes256gcm16 "strongswan.sh hub" 203.0.113.99/32
	$S swanctl --initiate --child net --timeout 60 --uri "$VICI" >/dev/null 2>&1 &
	check "hub: charon's IKE SA lands on a clone of vt" eventually 60 sh -c \
		"kvti -n k -j tunnel show | jq -e '.[] | select(.from == \"vt\" and .remote == \"192.0.2.2\")'"
	wait $!
	clone=$(kvti -n k -j tunnel show | jq -r '.[] | select(.from == "vt") | .ifname')
	check "hub: its CHILD SA is charon's subset" sh -c \
		"$CTL $D/keyer.sock show | jq -e '.ike_sas[0].child_sas[0].ts_i == [\"203.0.113.99-203.0.113.99\"]'"
	check_match "hub: the route to charon's LAN via the clone $clone" \
		"^203\.0\.113\.99 dev $clone " "$(ip -n k route show proto 201)"
	check_eq "hub: 2 SAs on the clone" 2 "$(kvti -n k -j sa show dev "$clone" | jq length)"
	check "hub: a ping from charon's LAN to the hub is answered" \
		$S ping -q -c 3 -i 0.2 -W 2 -I 203.0.113.99 198.51.100.1
	stop_keyer
	check "hub: the keyer's exit deletes the clone" sh -c "! ip -n k link show $clone"
	check "hub: ... and its DELETE empties XFRM" eventually 30 sh -c "[ -z \"\$($S ip xfrm state)\" ]"
	kvti -n k tunnel del vt
	$S ip link del lan0
	[ "$__kvti_failed" = "$f0" ] || dump_logs | __kvti_diag
}
hub
natted

check "charon exits on SIGTERM" sh -c "kill -TERM \$(cat $D/charon.pid)"
check "no pre-shared key in the keyer's log" sh -c "! grep -q 'strongswan.sh\\|the right key' $D/keyer.log"

finish
