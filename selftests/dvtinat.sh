#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 600
#
# Two branches behind one masquerading NAT against a hub's template: to the
# hub they are one address (the NAT's) on two ports.  Each must get a clone
# of its own (IOS: a virtual-access interface per IKE session; "The
# dynamic interface is created at the end of IKE Phase 1",
# ../shared/cisco/003_ef38c4bc03a0bd55.txt), carrying ESP in UDP to its own
# port, with its own injected route; one branch leaving takes only its
# clone along, and a branch that restarts behind the NAT (INITIAL_CONTACT)
# replaces its own clone without touching the other's; when the NAT maps a
# branch to another address and port, its clone follows (same netdev, new
# remote and port).  Then bad input: a template block with no netdev, and
# one naming a static tunnel, each refuse the peer, count it, and create
# nothing.
#
#   ns b1 192.0.2.1, LAN 198.51.100.1 --+
#                                        +-- ns nat 192.0.2.254 | 203.0.113.254
#   ns b2 192.0.2.2, LAN 198.51.100.2 --+        masquerade (ports 40000-40099)
#                                                     |
#   ns hub 203.0.113.2, template vt (match-peer 203.0.113.254), LAN 198.51.100.100

source "$(dirname "$0")/lib.sh"
source "$KVTI_ROOT/selftests/nskeyer_lib.sh"
command -v nft >/dev/null || skip_all "nft is needed"

ns_add hub nat b1 b2
ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
ip -n nat link add br0 type bridge
ip -n nat addr add 192.0.2.254/24 dev br0
ip -n nat link set br0 up
for n in 1 2; do
	ip link add e0 netns b$n type veth peer name h$n netns nat
	ip -n nat link set h$n master br0 up
	ip -n b$n -b - <<-EOF
	link set lo up
	addr add 192.0.2.$n/24 dev e0
	link set e0 up
	route add default via 192.0.2.254
	link add lan0 type dummy
	addr add 198.51.100.$n/32 dev lan0
	link set lan0 up
	EOF
done
ip link add n2 netns nat type veth peer name e0 netns hub
ip -n nat addr add 203.0.113.254/24 dev n2
ip -n nat link set n2 up
ip -n hub -b - <<EOF
link set lo up
addr add 203.0.113.2/24 dev e0
link set e0 up
link add lan0 type dummy
addr add 198.51.100.100/32 dev lan0
link set lan0 up
EOF
nat_rules() { # FIRST-LAST: the port range the branches are mapped into
	ip netns exec nat nft -f - <<-EOF
	flush ruleset
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "n2" ip saddr 192.0.2.0/24 meta l4proto udp masquerade to :$1
		}
	}
	EOF
}
check "the NAT masquerades both branches into ports 40000-40099" nat_rules 40000-40099

kvti -n hub tunnel add vt local 203.0.113.2 template
cat >"$D/hub.conf" <<EOF
retransmit-timeout = 1000
keyring k { peer any { pre-shared-key = "dvtinat.sh key" } }
ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k }
ipsec-profile esp { proposals = aes256gcm16-esn }
template vt { local = 203.0.113.2; match-peer = 203.0.113.254; clone-name = dvti%d
	ike-profile = ike; ipsec-profile = esp }
EOF
for n in 1 2; do
	kvti -n b$n tunnel add vti1 local 192.0.2.$n remote 203.0.113.2
	ip -n b$n -b - <<-EOF
	link set vti1 addrgenmode none
	link set vti1 up
	route add 198.51.100.100/32 dev vti1 src 198.51.100.$n
	EOF
	cat >"$D/b$n.conf" <<-EOF
	retransmit-timeout = 1000
	keyring k { peer 203.0.113.2 { pre-shared-key = "dvtinat.sh key" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k
		local-id = fqdn:b$n.branch.example.net }
	ipsec-profile esp { proposals = aes256gcm16-esn }
	tunnel vti1 { local = 192.0.2.$n; peer = 203.0.113.2; local-networks = 198.51.100.$n/32
		ike-profile = ike; ipsec-profile = esp }
	EOF
done

clones() { # "NAME REMOTE ENCAP DPORT" per clone, sorted
	kvti -n hub -j tunnel show |
		jq -r '[.[] | select(.from == "vt") | "\(.ifname) \(.remote) \(.encap) \(.dport)"] | sort | .[]'
}
n_clones() { clones | wc -l; }
up() { [ "$(kvti -n "$1" -j sa show dev vti1 | jq length)" = 2 ]; }
clone_of() { # N: the clone whose injected route is branch N's LAN
	ip -n hub route show proto 201 | awk -v lan="198.51.100.$1" '$1 == lan { print $3 }'
}
bping() { ip netns exec "b$1" ping -q -c 2 -W $((3 * KVTI_SLOW)) -I "198.51.100.$1" 198.51.100.100; }

check "hub keyer starts" start hub
check "branch 1 starts" start b1
check "branch 2 starts" start b2
both_up() { up b1 && up b2 && [ "$(n_clones)" = 2 ]; }
check "both branches up" eventually 60 both_up
check_eq "two clones, both to the NAT's address, in UDP to two ports" \
	"2 203.0.113.254 udp 2" \
	"$(clones | awk '{ n++; a[$2]; e[$3]; p[$4] } END { printf "%d %s %s %d", n, (length(a) == 1 ? $2 : "?"), (length(e) == 1 ? $3 : "?"), length(p) }')"
c1=$(clone_of 1) c2=$(clone_of 2)
check "each branch's LAN is routed via its own clone ($c1, $c2)" \
	sh -c "[ -n '$c1' ] && [ -n '$c2' ] && [ '$c1' != '$c2' ]"
check "branch 1's LAN reaches the hub" bping 1
check "branch 2's LAN reaches the hub" bping 2
check_eq "the hub keeps both IKE SAs (no crossed-SA cleanup between them)" 2 \
	"$("$CTL" "$D/hub.sock" show | jq '[.ike_sas[] | select(.state == "established")] | length')"

# Branch 2 crashes and restarts: INITIAL_CONTACT removes its old IKE SA
# and clone (same address, same identity); branch 1's, with another
# identity, stays.
ifindex() { ip -n hub -j link show dev "$1" 2>/dev/null | jq '.[0].ifindex'; }
i2=$(ifindex "$c2")
kill -9 "$(cat "$D/b2.pid")"
wait "$(cat "$D/b2.pid")" 2>/dev/null
kvti -n b2 sa flush dev vti1
check "branch 2 restarts" start b2
fresh() {
	local c
	c=$(clone_of 2)
	[ -n "$c" ] && [ "$(ifindex "$c")" != "$i2" ] && [ "$(n_clones)" = 2 ] && up b2
}
check "branch 2 gets a fresh clone, its old one is gone, two clones in all" eventually 60 fresh
check_eq "branch 1 kept its clone" "$c1" "$(clone_of 1)"
check "branch 1 still reaches the hub" bping 1
check "branch 2 reaches the hub again" bping 2

# The NAT maps branch 1 to another address and port (a NAT pool, or an
# ISP renumbering it): RFC 7296 2.23, the hub follows the branch's next
# IKE message, and the clone's ESP with it; the clone stays the same.
ip -n nat addr add 203.0.113.253/24 dev n2
remap_b1() { # the rule must go in; conntrack -D fails when it finds nothing
	ip netns exec nat nft insert rule ip nat post \
		oifname "n2" ip saddr 192.0.2.1 meta l4proto udp snat to 203.0.113.253:40100-40199 ||
		return 1
	ip netns exec nat conntrack -D -s 192.0.2.1 >/dev/null 2>&1
	return 0
}
check "the NAT now maps branch 1 to 203.0.113.253:40100-40199" remap_b1
i1=$(ifindex "$c1")
check "branch 1 rekeys its CHILD SA through the new mapping" ctl b1 rekey vti1
b1_moved() { clones | grep -q "^$c1 203\.0\.113\.253 udp 401[0-9][0-9]$"; }
check "branch 1's clone now sends to 203.0.113.253, a port in 40100-40199" eventually 60 b1_moved
check_eq "... the same clone (no new netdev)" "$i1" "$(ifindex "$c1")"
check_eq "... and still two clones" 2 "$(n_clones)"
check "branch 1 reaches the hub after the move" bping 1
check "branch 2 still reaches the hub" bping 2
check_match "the hub logged the move" "clone $c1: peer 203.0.113.254 port 400[0-9]+ now 203.0.113.253 port 401[0-9]+" \
	"$(cat "$D/hub.log")"
nat_rules 40000-40099 && ip netns exec nat conntrack -D -s 192.0.2.1 >/dev/null 2>&1

check "branch 1: its keyer exits 0 on SIGTERM" stop b1
check "only branch 1's clone goes" eventually 30 sh -c \
	"[ -z \"\$(ip -n hub route show proto 201 | grep '^198\.51\.100\.1 ')\" ] && [ \$(kvti -n hub -j tunnel show | jq '[.[] | select(.from == \"vt\")] | length') = 1 ]"
check "branch 2 still reaches the hub" bping 2
check "no kernel refusal logged" sh -c "! grep -hE 'kernel: .*refused|backend refused' $D/*.log"
check "hub keyer exits 0 on SIGTERM" stop hub
stop b2

# --- bad templates: refused, counted, nothing created -----------------------
# A template block whose netdev does not exist, and one naming a static
# tunnel (not a template): the peer they accept is refused at IKE_AUTH
# (AUTHENTICATION_FAILED), the refusal is counted, and no netdev appears.
kvti -n hub tunnel add plain local 203.0.113.2 remote 192.0.2.99
links0=$(ip -n hub -o link show | wc -l)
bad_template() { # NAME
	sed "s/^template vt {/template $1 {/" "$D/hub.conf" >"$D/hub-bad.conf"
	mv "$D/hub-bad.conf" "$D/hub.conf"
	start hub && start b1 || return 1
	eventually 30 logged_refusal "$1"
}
logged_refusal() { grep -q "template $1: no clone for peer" "$D/hub.log"; }
refused() { "$CTL" "$D/hub.sock" stats | jq '.clones_refused'; }
check "a template with no netdev: the peer is refused" bad_template ghost
check_eq "... counted as a refused clone" 1 "$(refused)"
check_eq "... and no netdev made" "$links0" "$(ip -n hub -o link show | wc -l)"
check "... the branch was told (AUTHENTICATION_FAILED)" \
	grep -q "AUTHENTICATION_FAILED" "$D/b1.log"
stop b1
stop hub
sed -i "s/^template ghost {/template vt {/" "$D/hub.conf"
check "a template block naming a static tunnel: the peer is refused" bad_template plain
check_eq "... counted as a refused clone" 1 "$(refused)"
check_eq "... and no netdev made" "$links0" "$(ip -n hub -o link show | wc -l)"
check_match "... the module said why" "not a kvti template" "$(cat "$D/hub.log")"
stop b1
stop hub

[ "$__kvti_failed" = 0 ] || keyer_tails 30 hub b1 b2
finish
