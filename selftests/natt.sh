#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 300
#
# ESP in UDP (RFC 3948) on a UDP socket user space owns (natt.py hold
# stands in for the IKE daemon: it binds port 4500 and passes its fd with
# "kvti tunnel set ... encap udp fd N").  kvti against Linux XFRM
# ("encap espinudp 4500 4500", a UDP_ENCAP socket) both ways over IPv4 and
# IPv6, with a capture showing UDP and no protocol 50; kvti against kvti
# through a NAT that rewrites the source port; the socket's traffic that
# is not ESP (IKE behind the non-ESP marker reaches the holder, NAT
# keepalives vanish, unknown SPIs raise INVALID_SPI); the holder closing its
# socket and a new one taking over; refused sockets; rmmod while a
# holder's socket carries traffic, after which it is a plain UDP socket.
#
#   ns a (behind NAT)           ns n (NAT)                 ns k (kvti)                  ns x (XFRM)
#   vti1 198.51.100.12 ================ ESP in UDP ======= vti2 198.51.100.11
#                                                          vti1 198.51.100.1 ===== xfrm42 198.51.100.2
#                                                          vti6 198.51.100.5 ===== xfrm43 198.51.100.6
#   a0 203.0.113.2 ---- n0 203.0.113.1  n1 192.0.2.130 ---- k1 192.0.2.129
#   holder 203.0.113.2:4500     masquerade to :40000       k0 192.0.2.1 ---------- x0 192.0.2.2
#                                                          2001:db8::1             2001:db8::2
#                                                          holders 0.0.0.0:4500,   UDP_ENCAP sockets
#                                                          [2001:db8::1]:4500      0.0.0.0:4500, [::]:4500

source "$(dirname "$0")/lib.sh"

modprobe -a xfrm_user xfrm_interface esp4 esp6 nf_tables nft_chain_nat nft_masq 2>/dev/null
ns_add k x n a
K="ip netns exec k"
X="ip netns exec x"
A="ip netns exec a"
NATT="python3 $KVTI_ROOT/selftests/natt.py"
LOG=$(mktemp -d)
at_exit rm -rf "$LOG"

GCM="rfc4106(gcm(aes))"
KA=0x000102030405060708090a0b0c0d0e0f10111213
KB=0x202122232425262728292a2b2c2d2e2f30313233
KC=0x404142434445464748494a4b4c4d4e4f50515253
KD=0x606162636465666768696a6b6c6d6e6f70717273

# --- the wires (ip -batch: every process costs under emulation)
ip link add k0 netns k type veth peer name x0 netns x
ip link add k1 netns k type veth peer name n1 netns n
ip link add n0 netns n type veth peer name a0 netns a
ip -n k -batch - <<'EOF'
addr add 192.0.2.1/25 dev k0
addr add 2001:db8::1/64 dev k0 nodad
addr add 192.0.2.129/25 dev k1
link set k0 up
link set k1 up
EOF
ip -n x -batch - <<'EOF'
addr add 192.0.2.2/25 dev x0
addr add 2001:db8::2/64 dev x0 nodad
link set x0 up
EOF
ip -n n -batch - <<'EOF'
addr add 192.0.2.130/25 dev n1
addr add 203.0.113.1/24 dev n0
link set n0 up
link set n1 up
EOF
ip -n a -batch - <<'EOF'
addr add 203.0.113.2/24 dev a0
link set a0 up
route add default via 203.0.113.1
EOF
ip netns exec n sysctl -qw net.ipv4.ip_forward=1
# The NAT maps a's port 4500 to 40000, so the public side must send there.
ip netns exec n nft -f - <<'EOF'
table ip nat {
	chain post {
		type nat hook postrouting priority 100;
		oifname "n1" meta l4proto udp masquerade to :40000
	}
}
EOF

# --- XFRM in x: xfrm42 (IPv4 outer), xfrm43 (IPv6 outer), UDP encap
xfrm_pair() { # IF_ID LOCAL(kvti) REMOTE(XFRM) SPI_TO_X SPI_TO_K OA
	local t="reqid $1 mode tunnel" s="proto esp reqid $1 mode tunnel if_id $1 flag af-unspec"
	echo "xfrm policy add dir out src 0.0.0.0/0 dst 0.0.0.0/0 if_id $1 tmpl src $3 dst $2 proto esp $t"
	echo "xfrm policy add dir in src 0.0.0.0/0 dst 0.0.0.0/0 if_id $1 tmpl src $2 dst $3 proto esp $t"
	echo "xfrm state add src $2 dst $3 spi $4 $s aead $GCM $KA 128 encap espinudp 4500 4500 $6"
	echo "xfrm state add src $3 dst $2 spi $5 $s aead $GCM $KB 128 encap espinudp 4500 4500 $6"
}
check "XFRM side: interfaces, policies and states with encap espinudp" ip -n x -batch - <<EOF
link add xfrm42 type xfrm dev x0 if_id 42
link add xfrm43 type xfrm dev x0 if_id 43
link set xfrm42 up
link set xfrm43 up
addr add 198.51.100.2/32 peer 198.51.100.1/32 dev xfrm42
addr add 198.51.100.6/32 peer 198.51.100.5/32 dev xfrm43
$(xfrm_pair 42 192.0.2.1 192.0.2.2 0x1001 0x2001 0.0.0.0)
$(xfrm_pair 43 2001:db8::1 2001:db8::2 0x1006 0x2006 ::)
EOF

# --- kvti: vti1 and vti6 against XFRM, vti2 to a behind the NAT; and a
tunnel() { # NS NAME LOCAL REMOTE DPORT SPI_OUT KEY_OUT SPI_IN KEY_IN IN_ADDR PEER_ADDR
	kvti -n $1 tunnel add $2 local $3 remote $4 encap udp sport 4500 dport $5 &&
	kvti -n $1 sa add dev $2 dir out spi $6 aead "$GCM" $7 128 &&
	kvti -n $1 sa add dev $2 dir in spi $8 aead "$GCM" $9 128 &&
	printf '%s\n' "link set $2 addrgenmode none up" \
		"addr add ${10}/32 peer ${11}/32 dev $2" | ip -n $1 -batch -
}
check "kvti tunnels with encap udp (no socket yet)" eval '
	tunnel k vti1 192.0.2.1 192.0.2.2 4500 0x1001 $KA 0x2001 $KB 198.51.100.1 198.51.100.2 &&
	tunnel k vti6 2001:db8::1 2001:db8::2 4500 0x1006 $KA 0x2006 $KB 198.51.100.5 198.51.100.6 &&
	tunnel k vti2 192.0.2.129 192.0.2.130 40000 0x4001 $KD 0x3001 $KC 198.51.100.11 198.51.100.12 &&
	tunnel a vti1 203.0.113.2 192.0.2.129 4500 0x3001 $KC 0x4001 $KD 198.51.100.12 198.51.100.11'
check_match "tunnel show: encap udp, no socket" \
	"encap udp sport 4500 dport 4500 socket none" "$(kvti -n k tunnel show vti1)"

# hold NS LOGNAME ADDR [-- CMD...]...: a holder in the background; waits
# for it to be ready (its commands run by then)
hold() {
	local ns=$1 log=$LOG/$2
	shift 2
	ip netns exec "$ns" $NATT hold "$@" >"$log" 2>&1 &
	echo $! >"$log.pid"
	disown $!
	eventually 30 grep -q '^ready' "$log"
}
# kset NS TUNNEL FD [encap udp options]: a holder's command to attach its
# socket FD ({fd0}, {fd1}...)
kset() { echo -- kvti -n "$1" tunnel set "$2" encap udp "${@:4}" fd "$3"; }
tstat() { kvti -n "$1" -j -s tunnel show "$2" | jq -r ".[0].stats.$3"; }
socket_of() { kvti -n "$1" -j tunnel show "$2" | jq -r '.[0].socket'; }

hold x xfrm --encap 0.0.0.0,:: 4500
# One socket for both of k's IPv4 tunnels, as one IKE daemon on 4500 has;
# another for the IPv6 one.
K_HOLD=(0.0.0.0,2001:db8::1 4500 $(kset k vti1 {fd0}) $(kset k vti2 {fd0} sport 4500 dport 40000)
	$(kset k vti6 {fd1}))
check "holder in k attaches 0.0.0.0:4500 to vti1 and vti2, [2001:db8::1]:4500 to vti6" \
	hold k k4 "${K_HOLD[@]}"
check_eq "all three attachments succeeded" "rc=0 rc=0 rc=0" "$(grep '^rc=' "$LOG/k4" | xargs)"
check "holder in a attaches its socket" hold a a4 203.0.113.2 4500 $(kset a vti1 {fd0})
check_match "tunnel show: socket attached" \
	"encap udp sport 4500 dport 4500 socket attached" "$(kvti -n k tunnel show vti1)"
check_eq "JSON: socket true on vti2 and vti6" "true true" "$(socket_of k vti2) $(socket_of k vti6)"

# --- 1. kvti <-> XFRM over IPv4, in UDP only
$K $NATT capture k0 10 $((20 * KVTI_SLOW)) 4 >"$LOG/cap4" 2>&1 &
cap=$!
eventually 30 grep -q ready "$LOG/cap4"
check "IPv4 outer: ping kvti -> XFRM" $K ping -c 3 -i 0.2 -W 2 198.51.100.2
check "IPv4 outer: ping XFRM -> kvti" $X ping -c 2 -i 0.2 -W 2 198.51.100.1
wait $cap
c=$(tail -n1 "$LOG/cap4")
check_match "capture: no IP protocol 50" "^esp=0 " "$c"
n=$(sed -n 's/.*espinudp=\([0-9]*\).*/\1/p' <<<"$c")
check_match "capture: the 10 ESP packets in UDP 4500 (or more)" "^([1-9][0-9]+)$" "$n"
check_match "capture: UDP checksum 0 on every one, both ways (as XFRM)" "csum_zero=$n " "$c"
check_match "kvti received through its inbound SA" '^[1-9]' \
	"$(kvti -n k -j -s sa show spi 0x2001 | jq -r '.[0].stats.rx_packets')"

# --- 2. kvti <-> kvti through the NAT (a's source port becomes 40000)
# k's vti2 may have sent to 192.0.2.130:40000 already (the NAT has no
# mapping then): that unreplied entry would hold the one port the
# masquerade may use, and a's flow would go untranslated.  A real NAT's
# public side cannot send first; here the NAT starts clean.
ip netns exec n conntrack -F 2>/dev/null
check "behind the NAT: ping a -> k" $A ping -c 2 -i 0.2 -W 2 198.51.100.11
check "public side: ping k -> a (to the NAT's port 40000)" $K ping -c 2 -i 0.2 -W 2 198.51.100.12
check_match "k's vti2 received from behind the NAT" '^[1-9]' "$(tstat k vti2 rx_packets)"
check_match "a's vti1 received from the public side" '^[1-9]' "$(tstat a vti1 rx_packets)"

# --- 3. what else reaches port 4500: IKE, keepalives, unknown SPIs
kvti -n k stats clear
kvti -n k monitor >"$LOG/monitor" 2>&1 &
mon=$!
sleep 1
klines=$(dmesg | wc -l)
# In this order: a keepalive, ESP with an SPI nobody has, IKE.
$X $NATT send 192.0.2.1 4500 \
	ff,0000777700000001000102030405060708090a0b0c0d0e0f,00000000494b452d74657374
check "the non-ESP marker datagram reached the holder" \
	eventually 10 grep -q "recv 00000000494b452d74657374 from 192.0.2.2" "$LOG/k4"
eventually 5 grep -q invalid-spi "$LOG/monitor"
kill -TERM $mon
wait $mon
check_fail "the keepalive did not reach the holder" grep -q "^recv ff " "$LOG/k4"
check_eq "the keepalive logged nothing" "$klines" "$(dmesg | wc -l)"
check_eq "unknown SPI in UDP counted on vti1" 1 "$(tstat k vti1 drop_unknown_spi)"
check_match "kvti monitor: INVALID_SPI with SPI and source" \
	"invalid-spi dev vti1 spi 0x00007777 from 192.0.2.2" "$(cat "$LOG/monitor")"
check_fail "and the holder never saw that ESP" grep -q "^recv 00007777" "$LOG/k4"

# --- 4. the holder closes its socket; a new one takes over
kill -TERM "$(cat "$LOG/k4.pid")"
check "the holder is gone" eventually 10 sh -c "! kill -0 $(cat "$LOG/k4.pid") 2>/dev/null"
check_eq "vti1 has no socket any more" false "$(socket_of k vti1)"
check_eq "nor have vti2 and vti6" "false false" "$(socket_of k vti2) $(socket_of k vti6)"
kvti -n k stats clear
$K ping -c 2 -i 0.2 -W 1 198.51.100.2 >/dev/null 2>&1
check_eq "vti1 still transmits without a socket" 2 "$(tstat k vti1 tx_packets)"
check "a new holder re-attaches (the ports were free)" hold k k4b "${K_HOLD[@]}"
check_eq "all three attachments succeeded" "rc=0 rc=0 rc=0" "$(grep '^rc=' "$LOG/k4b" | xargs)"
check_eq "vti1 and vti6 have a socket again" "true true" "$(socket_of k vti1) $(socket_of k vti6)"
check "ping kvti -> XFRM again" $K ping -c 2 -i 0.2 -W 2 198.51.100.2
check "ping a -> k again" $A ping -c 2 -i 0.2 -W 2 198.51.100.11

# --- 5. sockets that are refused, leaving the tunnel as it was
before=$(kvti -n k -j tunnel show vti1 | jq -c '.[0] | del(.stats)')
$K $NATT refuse kvti -n k tunnel set vti1 encap udp fd {fd} >"$LOG/refuse" 2>&1
check_match "a socket with its own UDP_ENCAP: EBUSY, with the reason" \
	"busy rc=1 .*KVTI_A_ENCAP_FD: the socket already carries another encapsulation" \
	"$(grep ^busy "$LOG/refuse")"
check_match "a TCP socket" "tcp rc=1 .*KVTI_A_ENCAP_FD: not a UDP socket" "$(grep ^tcp "$LOG/refuse")"
check_match "an unbound UDP socket" "unbound rc=1 .*KVTI_A_ENCAP_FD: the socket is not bound" \
	"$(grep ^unbound "$LOG/refuse")"
check_match "an IPv6 socket for an IPv4 tunnel" \
	"v6 rc=1 .*KVTI_A_ENCAP_FD: the socket's address family" "$(grep ^v6 "$LOG/refuse")"
$X $NATT refuse kvti -n k tunnel set vti1 encap udp fd {fd} >"$LOG/refuse-x" 2>&1
check_match "a socket of another namespace" \
	"unbound rc=1 .*KVTI_A_ENCAP_FD: the socket is in another network namespace" \
	"$(grep ^unbound "$LOG/refuse-x")"
exec {pipefd}< <(:)
check_fail_msg "a pipe" "KVTI_A_ENCAP_FD: not a socket" \
	kvti -n k tunnel set vti1 encap udp fd $pipefd
exec {pipefd}<&-
check_fail_msg "fd -1" "KVTI_A_ENCAP_FD: not an open file descriptor" \
	kvti -n k tunnel set vti1 encap udp fd -1
check_eq "nothing changed on vti1" "$before" \
	"$(kvti -n k -j tunnel show vti1 | jq -c '.[0] | del(.stats)')"
check "and it still carries traffic" $K ping -c 1 -W 2 198.51.100.2

# --- 6. kvti <-> XFRM over IPv6
$K $NATT capture k0 8 $((20 * KVTI_SLOW)) 6 >"$LOG/cap6" 2>&1 &
cap=$!
eventually 30 grep -q ready "$LOG/cap6"
check "IPv6 outer: ping kvti -> XFRM" $K ping -c 2 -i 0.2 -W 2 198.51.100.6
check "IPv6 outer: ping XFRM -> kvti" $X ping -c 2 -i 0.2 -W 2 198.51.100.5
wait $cap
c=$(tail -n1 "$LOG/cap6")
n=$(sed -n 's/.*espinudp=\([0-9]*\).*/\1/p' <<<"$c")
check_match "capture: no protocol 50, 8 or more ESP in UDP" "^esp=0 espinudp=([89]|[1-9][0-9]+) " "$c"
check_match "capture: a valid UDP checksum on every one, both ways" "csum_zero=0 csum_ok=$n csum_bad=0" "$c"

# --- 7. rmmod while the holder's socket carries traffic
check_fail "before rmmod, a short datagram is not the holder's" \
	$X $NATT send 192.0.2.1 4500 68656c6c6f --wait 1
$K ping -i 0.02 -c 100 -W 1 -q 198.51.100.2 >/dev/null 2>&1 &
png=$!
sleep 0.5
check "rmmod kvti with attached sockets and traffic" rmmod kvti
wait $png
check "the holder still runs" kill -0 "$(cat "$LOG/k4b.pid")"
check "its socket is a plain UDP socket now (echo)" \
	$X $NATT send 192.0.2.1 4500 68656c6c6f --wait 3
check "the holder received it" grep -q "recv 68656c6c6f from 192.0.2.2" "$LOG/k4b"
check "insmod again" insmod "$KVTI_KO"
check "and it works" kvti -n k tunnel add vti1 local 192.0.2.1 remote 192.0.2.2

finish
