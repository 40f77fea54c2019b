#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 1200
#
# Dynamic VTIs: a hub with one virtual template and $SPOKES branches (50;
# KVTI_SPOKES=N for another count), each a namespace with its own
# kvti-keyer and a static kvti tunnel that offers only its LAN as TSi.
# IOS (../shared/cisco/003_ef38c4bc03a0bd55.txt, "Dynamic Virtual Tunnel
# Interface Life Cycle"): "The dynamic interface is created at the end of
# IKE Phase 1 ... The interface is deleted when the IPsec session to the
# peer is closed", and a virtual-access interface shows "no tunnel
# protection ipsec initiate".  Checked here:
#  - every spoke comes up on a clone of its own (remote = the spoke), with
#    the route to its LAN injected (metric = route-distance, realm =
#    route-tag, proto 201); a ping from every spoke's LAN is answered;
#  - a spoke whose keyer stops (DELETE) loses exactly its clone and route;
#    one killed is declared dead by the hub's DPD within the bound and
#    loses them too; one restarted (INITIAL_CONTACT) gets a fresh clone and
#    leaves no stale one;
#  - the hub never initiates: no IKE_SA_INIT and no CREATE_CHILD_SA request
#    leaves it (nft counters), while spokes rekey on their byte lifetime and
#    traffic flows across the rekey;
#  - refused and counted, nothing created: a peer no template matches, and
#    one whose identity fails match-identity.
#
#   ns hub: template vt 192.0.2.1, LAN 198.51.100.1, bridge br0
#     |-- ns sN (N = 1..SPOKES): veth 192.0.2.(N+1), vti1 -> 192.0.2.1,
#     |   LAN 203.0.113.N (the TSi it offers)
#     |-- ns rogue: 192.0.2.250, outside match-peer (192.0.2.0/25)
#     `-- ns badid: 192.0.2.120, identity fqdn:x.other.example

source "$(dirname "$0")/lib.sh"

KEYER=$KVTI_ROOT/keyer/kvti-keyer
CTL=$KVTI_ROOT/keyer/keyer-ctl
[ -x "$KEYER" ] && [ -x "$CTL" ] || skip_all "kvti-keyer not built (make -C keyer)"
command -v jq >/dev/null || skip_all "jq is needed"
command -v nft >/dev/null || skip_all "nft is needed"
SPOKES=${KVTI_SPOKES:-50}
[ "$SPOKES" -ge 4 ] && [ "$SPOKES" -le 120 ] || skip_all "KVTI_SPOKES must be 4..120"
D=$(mktemp -d /tmp/dvti.XXXXXX)
at_exit rm -rf "$D"
at_exit sh -c "kill -9 \$(cat $D/*.pid 2>/dev/null) 2>/dev/null"

outer() { echo "192.0.2.$(($1 + 1))"; }	# spoke N's outer address
lan() { echo "203.0.113.$1"; }

# start NAME [OPTIONS]: a keyer in netns NAME, config $D/NAME.conf.
start() {
	local n=$1 i
	shift
	rm -f "$D/$n.sock"
	ip netns exec "$n" "$KEYER" -c "$D/$n.conf" -f -d -s "$D/$n.sock" "$@" \
		>/dev/null 2>>"$D/$n.log" &
	echo $! >"$D/$n.pid"
	for ((i = 0; i < 100 * KVTI_SLOW; i++)); do
		[ -S "$D/$n.sock" ] && return 0
		sleep 0.1
	done
	return 1
}
ctl() { "$CTL" "$D/$1.sock" "$2" ${3:+"$3"}; }
stop() { # NAME: SIGTERM, and its exit status
	local pid st=0
	pid=$(cat "$D/$1.pid")
	kill -TERM "$pid"
	wait "$pid" || st=$?
	return $st
}

# --- the hub ------------------------------------------------------------
ns_add hub
ip -n hub link add br0 type bridge
ip -n hub addr add 192.0.2.1/24 dev br0
ip -n hub link set br0 up
ip -n hub link add lan0 type dummy
ip -n hub addr add 198.51.100.1/32 dev lan0
ip -n hub link set lan0 up
kvti -n hub tunnel add vt local 192.0.2.1 template
cat >"$D/hub.conf" <<EOF
retransmit-timeout = 1000
keyring k { peer 192.0.2.0/24 { pre-shared-key = "dvti.sh key" } }
ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k; dpd = 10 2 periodic }
ipsec-profile esp { proposals = aes256gcm16-esn; lifetime = 3600 seconds, 2560 kilobytes }
template vt {
	local = 192.0.2.1
	match-peer = 192.0.2.0/25
	match-identity = fqdn:*.branch.example.net
	clone-name = dvti%d
	route-distance = 5
	route-tag = 77
	ike-profile = ike
	ipsec-profile = esp
}
EOF
# What the hub sends on UDP 500 as a request (response flag 0x20 clear):
# IKE_SA_INIT (34) and CREATE_CHILD_SA (36).  It must send neither.
ip netns exec hub nft -f - <<'EOF'
table inet dvti {
	counter init_req {}
	counter create_req {}
	chain out {
		type filter hook output priority 0;
		udp sport 500 @th,208,8 34 @th,216,8 & 0x20 == 0 counter name init_req
		udp sport 500 @th,208,8 36 @th,216,8 & 0x20 == 0 counter name create_req
	}
}
EOF
hub_sent() { ip netns exec hub nft -j list counter inet dvti "$1" | jq '.nftables[1].counter.packets'; }

# --- the spokes ----------------------------------------------------------
# spoke NS ADDR LAN ID: a branch with a static tunnel to the hub.
spoke() {
	local ns=$1 addr=$2 net=$3 id=$4
	ns_add "$ns"
	ip link add "h-$ns" netns hub type veth peer name e0 netns "$ns"
	ip -n hub link set "h-$ns" master br0 up
	ip -n "$ns" addr add "$addr/24" dev e0
	ip -n "$ns" link set e0 up
	ip -n "$ns" link add lan0 type dummy
	ip -n "$ns" addr add "$net/32" dev lan0
	ip -n "$ns" link set lan0 up
	kvti -n "$ns" tunnel add vti1 local "$addr" remote 192.0.2.1
	ip -n "$ns" link set vti1 addrgenmode none
	ip -n "$ns" link set vti1 up
	ip -n "$ns" route add 198.51.100.0/24 dev vti1 src "$net"
	cat >"$D/$ns.conf" <<-EOF
	retransmit-timeout = 1000
	keyring k { peer 192.0.2.1 { pre-shared-key = "dvti.sh key" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k; local-id = $id }
	ipsec-profile esp { proposals = aes256gcm16-esn; lifetime = 3600 seconds, 2560 kilobytes }
	tunnel vti1 {
		local = $addr
		peer = 192.0.2.1
		local-networks = $net/32
		ike-profile = ike
		ipsec-profile = esp
	}
	EOF
}
for ((i = 1; i <= SPOKES; i++)); do
	spoke s$i "$(outer $i)" "$(lan $i)" "fqdn:s$i.branch.example.net"
done
spoke rogue 192.0.2.250 203.0.113.250 fqdn:rogue.branch.example.net
spoke badid 192.0.2.120 203.0.113.120 fqdn:x.other.example

check "hub keyer starts" start hub
t0=$(date +%s)
started=0
for ((i = 1; i <= SPOKES; i++)); do
	start s$i && started=$((started + 1))
done
check_eq "$SPOKES spoke keyers start and initiate" "$SPOKES" "$started"

clones() { kvti -n hub -j tunnel show | jq -c '[.[] | select(.from == "vt")]'; }
n_clones() { clones | jq length; }
spoke_up() { [ "$(kvti -n "$1" -j sa show dev vti1 | jq length)" = 2 ]; }
all_up() {
	local i
	[ "$(n_clones)" = "$1" ] || return 1
	for ((i = 1; i <= SPOKES; i++)); do
		[ -e "$D/s$i.gone" ] || spoke_up s$i || return 1
	done
}
check "all $SPOKES spokes up, one clone each" eventually $((120 + SPOKES)) all_up "$SPOKES"
echo "    # $SPOKES spokes up in $(($(date +%s) - t0)) s"

# The clone of spoke N, by its remote address.
clone_of() { clones | jq -r --arg r "$(outer "$1")" '.[] | select(.remote == $r) | .ifname'; }
routes() { ip -n hub -4 route show proto 201; }
route_ok() { # N: exactly one route to its LAN, via its clone, metric 5 realm 77
	local c
	c=$(clone_of "$1")
	[ -n "$c" ] && [ "$(routes | grep -c "^$(lan "$1") ")" = 1 ] &&
		routes | grep -q "^$(lan "$1") dev $c scope link metric 5 realm 77"
}
bad=0
for ((i = 1; i <= SPOKES; i++)); do
	route_ok $i || { bad=$((bad + 1)); echo "    # spoke $i: clone '$(clone_of $i)', route: $(routes | grep "^$(lan $i) ")"; }
done
check_eq "each spoke's clone has the spoke as remote and its LAN routed (metric 5, realm 77)" 0 "$bad"
check_eq "$SPOKES injected routes, no other" "$SPOKES" "$(routes | wc -l)"
check_eq "clone names come from clone-name" "$SPOKES" \
	"$(clones | jq '[.[] | select(.ifname | test("^dvti[0-9]+$"))] | length')"
check "kvti session show: spoke 1's clone, its template and route" sh -c \
	"KVTI_KEYER_SOCKET=$D/hub.sock kvti -n hub session show $(clone_of 1) |
	 grep -q 'clone of vt, routes $(lan 1)/32 (metric 5 tag 77 table 254)'"

pings() {
	local i fail=0
	for ((i = 1; i <= SPOKES; i++)); do
		[ -e "$D/s$i.gone" ] && continue
		ip netns exec s$i ping -q -c 1 -W $((2 * KVTI_SLOW)) -I "$(lan $i)" 198.51.100.1 \
			>/dev/null || { fail=$((fail + 1)); echo "spoke $i: no answer"; }
	done
	return $fail
}
check "a ping from every spoke's LAN to the hub's LAN is answered" pings

# --- refused peers: nothing created, counted ------------------------------
drops0=$(ctl hub stats | jq '.drops.no_tunnel // 0')
check "rogue (outside match-peer) starts" start rogue
check "badid (identity outside match-identity) starts" start badid
check "the hub refuses rogue at IKE_SA_INIT (counted as no_tunnel)" eventually 30 sh -c \
	"[ \$($CTL $D/hub.sock stats | jq '.drops.no_tunnel // 0') -gt $drops0 ]"
check "the hub refuses badid at IKE_AUTH (identity)" eventually 30 grep -q \
	"template vt: peer 192.0.2.120\\[500\\] identity fqdn:x.other.example matches no match-identity" \
	"$D/hub.log"
check "badid: AUTHENTICATION_FAILED to it" eventually 30 grep -q \
	"AUTHENTICATION_FAILED" "$D/badid.log"
check_eq "no clone for either" "$SPOKES" "$(n_clones)"
check_eq "the refusal counted" 1 "$(ctl hub stats | jq '.clones_refused')"
kill "$(cat "$D/rogue.pid")" "$(cat "$D/badid.pid")" 2>/dev/null

# --- rekeys by a spoke: the hub answers, never asks -------------------------
xfer() { # N: 3 MB from spoke N's LAN to the hub and back, twice
	local i p=$((6000 + RANDOM % 1000)) s r
	ip netns exec hub python3 "$KVTI_ROOT/selftests/tcp_xfer.py" serve $p >"$D/serve.out" 2>&1 &
	echo $! >"$D/serve.pid"
	sleep $((1 * KVTI_SLOW))
	for i in 1 2; do
		ip netns exec s$1 python3 "$KVTI_ROOT/selftests/tcp_xfer.py" check $p 3000000 \
			198.51.100.1 || return 1
	done
}
r0=$(grep -c 'child-sa rekeying .*soft lifetime' "$D/s3.log")
check "3 MB across spoke 3's tunnel, twice (byte lifetime 2560 KB)" xfer 3
kill "$(cat "$D/serve.pid")" 2>/dev/null
check "spoke 3 rekeyed its CHILD SA on its soft byte lifetime" eventually 30 sh -c \
	"[ \$(grep -c 'child-sa rekeying .*soft lifetime' $D/s3.log) -gt $r0 ]"
check "spoke 3: one CHILD SA again after the rekey" eventually 30 spoke_up s3
check "spoke 3 still answered after its rekey" ip netns exec s3 ping -q -c 2 -W 2 -I "$(lan 3)" 198.51.100.1
check "the hub did not rekey on a clone (it waited for the spoke)" \
	grep -q "not rekeyed: a dynamic VTI's peer rekeys" "$D/hub.log"

# --- a spoke stops: DELETE, its clone and route go --------------------------
c1=$(clone_of 1)
check "spoke 1's keyer exits 0 on SIGTERM (DELETE)" stop s1
touch "$D/s1.gone"
check "spoke 1's clone $c1 is deleted" eventually 30 sh -c "! ip -n hub link show $c1"
check "... and its route" eventually 10 sh -c "! ip -n hub route show proto 201 | grep -q '^$(lan 1) '"
check_eq "the other $((SPOKES - 1)) clones stay" $((SPOKES - 1)) "$(n_clones)"
check_eq "... and their routes" $((SPOKES - 1)) "$(routes | wc -l)"

# --- a spoke dies: the hub's DPD (periodic 10 s, 4 checks 2 s apart) --------
c2=$(clone_of 2)
kill -9 "$(cat "$D/s2.pid")"
ip -n s2 link set e0 down	# its kernel would still answer nothing over IKE
touch "$D/s2.gone"
t0=$(date +%s)
check "spoke 2 killed: the hub declares it dead" eventually 90 grep -q \
	"dpd: peer $(outer 2)\\[500\\] dead" "$D/hub.log"
took=$(($(date +%s) - t0))
echo "    # spoke 2 declared dead $took s after it died (bound 10 + 10 + 4 x 2 = 28 s)"
check "... within the bound ($took s <= 28 s, times KVTI_SLOW=$KVTI_SLOW, + 5 s)" \
	test "$took" -le $((28 * KVTI_SLOW + 5))
check "spoke 2's clone $c2 is deleted" eventually 10 sh -c "! ip -n hub link show $c2"
check "... and its route" sh -c "! ip -n hub route show proto 201 | grep -q '^$(lan 2) '"
check_eq "the other clones stay" $((SPOKES - 2)) "$(n_clones)"

# --- a spoke restarts: INITIAL_CONTACT, a fresh clone, no stale one ---------
c4=$(clone_of 4)
i4=$(ip -n hub -j link show "$c4" | jq '.[0].ifindex')
kill -9 "$(cat "$D/s4.pid")"
check "spoke 4's keyer restarted" start s4
check "spoke 4 up again" eventually 60 sh -c "grep -q 'ike-sa up .*initial-contact' $D/hub.log"
fresh() { # one clone for spoke 4, not the old netdev
	local c
	c=$(clones | jq -r --arg r "$(outer 4)" '[.[] | select(.remote == $r)] |
		if length == 1 then "\(.[0].ifname) \(.[0].ifindex)" else "" end')
	[ -n "$c" ] && [ "${c#* }" != "$i4" ]
}
check "spoke 4 has one clone, a fresh one (ifindex $i4 before)" eventually 30 fresh
check "... with its route" route_ok 4
check "spoke 4: one CHILD SA" eventually 30 spoke_up s4
check_eq "clones: one per live spoke" $((SPOKES - 2)) "$(n_clones)"
check "pings from every live spoke answered" pings

# --- never initiated -------------------------------------------------------
check_eq "the hub sent no IKE_SA_INIT request" 0 "$(hub_sent init_req)"
check_eq "the hub sent no CREATE_CHILD_SA request" 0 "$(hub_sent create_req)"
check "the hub logged no initiation" sh -c "! grep -E 'ike-sa initiate|child-sa rekeying|child-sa creating' $D/hub.log"
check "no kernel refusal logged by the hub" sh -c "! grep -E 'kernel: .*refused|backend refused' $D/hub.log"

# --- the hub stops: every clone goes ----------------------------------------
check "hub keyer exits 0 on SIGTERM" stop hub
check_eq "no clone left" 0 "$(n_clones)"
check_eq "no injected route left" 0 "$(routes | wc -l)"

if [ "$__kvti_failed" != 0 ]; then
	echo "    # --- hub log (tail)"
	tail -n 60 "$D/hub.log" | sed 's/^/    # /'
fi
finish
