#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tunnel netdevs and the genl TUNNEL_* commands: create and delete with
# ip link and with kvti, every attribute round-trips, bad input is refused
# with a message that names the attribute and changes nothing, privileges,
# and namespaces.
#
#   ns "a" (kvti tunnels, no traffic)       ns "b" (kvti tunnels)
#   +-----------------------------+         +----------------------+
#   | vti1 vti2 vti6 tmpl0 dvti1  |         | vti2 (same name as a) |
#   +-----------------------------+         +----------------------+
#
# Nothing here carries packets; the data plane tests do.

source "$(dirname "$0")/lib.sh"

ns_add a b
A="ip netns exec a"
KA="kvti -n a"
NLRAW="$A python3 $KVTI_ROOT/selftests/nlraw.py"

# 1. ip link add makes a bare tunnel with the flags a tunnel needs
check "ip link add type kvti" $A ip link add vti1 type kvti
link=$($A ip -d -j link show vti1)
check_match "vti1 is POINTOPOINT,NOARP" 'POINTOPOINT.*NOARP|NOARP.*POINTOPOINT' \
	"$(jq -r '.[0].flags | join(",")' <<<"$link")"
check_eq "vti1 link type is none" none "$(jq -r '.[0].link_type' <<<"$link")"
check_eq "vti1 link kind is kvti" kvti "$(jq -r '.[0].linkinfo.info_kind' <<<"$link")"
check_eq "vti1 default mtu: 1500 - IPv4 - worst ESP" 1407 "$(jq -r '.[0].mtu' <<<"$link")"
check_eq "vti1 is listed by kvti tunnel show" vti1 \
	"$($KA -j tunnel show | jq -r '.[].ifname')"
check_eq "a bare tunnel has no remote" null "$($KA -j tunnel show vti1 | jq -r '.[0].remote')"
check "kvti tunnel set configures a bare tunnel" \
	$KA tunnel set vti1 local 192.0.2.1 remote 198.51.100.1
check_eq "ip link set mtu is honoured" 1300 \
	"$($A ip link set vti1 mtu 1300 && $KA -j t s vti1 | jq -r '.[0].mtu')"
check "ip link del removes it" $A ip link del vti1
check_fail "vti1 is gone" $A ip link show vti1

# 2. kvti tunnel add: every attribute round-trips through show -j
check "tunnel add with every option" $KA tunnel add vti2 local 192.0.2.1 \
	remote 198.51.100.2 key 7 mtu 1400 df-bit set replay-window 1024
j=$($KA -j tunnel show vti2)
check_eq "ifname" vti2 "$(jq -r '.[0].ifname' <<<"$j")"
check_eq "ifindex matches ip link" "$($A cat /sys/class/net/vti2/ifindex)" \
	"$(jq -r '.[0].ifindex' <<<"$j")"
check_eq "local" 192.0.2.1 "$(jq -r '.[0].local' <<<"$j")"
check_eq "remote" 198.51.100.2 "$(jq -r '.[0].remote' <<<"$j")"
check_eq "key" 7 "$(jq -r '.[0].key' <<<"$j")"
check_eq "mtu" 1400 "$(jq -r '.[0].mtu' <<<"$j")"
check_eq "mtu as the netdev sees it" 1400 "$($A cat /sys/class/net/vti2/mtu)"
check_eq "df-bit" set "$(jq -r '.[0].df_bit' <<<"$j")"
check_eq "replay-window" 1024 "$(jq -r '.[0].replay_window' <<<"$j")"
check_eq "not a template" false "$(jq -r '.[0].template' <<<"$j")"
check_eq "encap none" none "$(jq -r '.[0].encap' <<<"$j")"
check_eq "no carrier without an SA" false "$(jq -r '.[0].carrier' <<<"$j")"

check "tunnel set changes df-bit, key, replay-window, mtu" \
	$KA tunnel set vti2 df-bit clear key 4294967295 replay-window 0 mtu 9000
j=$($KA -j tunnel show vti2)
check_eq "df-bit after set" clear "$(jq -r '.[0].df_bit' <<<"$j")"
check_eq "key after set (u32 max)" 4294967295 "$(jq -r '.[0].key' <<<"$j")"
check_eq "replay-window 0 (off)" 0 "$(jq -r '.[0].replay_window' <<<"$j")"
check_eq "mtu after set" 9000 "$(jq -r '.[0].mtu' <<<"$j")"
check_eq "remote untouched by set" 198.51.100.2 "$(jq -r '.[0].remote' <<<"$j")"
check "tunnel set mtu 0 derives it again" $KA tunnel set vti2 mtu 0
check_eq "derived mtu" 1407 "$($KA -j tunnel show vti2 | jq -r '.[0].mtu')"

check "IPv6 tunnel add" $KA tunnel add vti6 local 2001:db8::1 remote 2001:db8:1::2 \
	encap udp sport 4501 dport 4502
j=$($KA -j tunnel show vti6)
check_eq "IPv6 local" 2001:db8::1 "$(jq -r '.[0].local' <<<"$j")"
check_eq "IPv6 remote" 2001:db8:1::2 "$(jq -r '.[0].remote' <<<"$j")"
check_eq "IPv6 default mtu: 1500 - IPv6 - UDP - worst ESP" 1379 "$(jq -r '.[0].mtu' <<<"$j")"
check_eq "no key reported when none set" null "$(jq -r '.[0].key' <<<"$j")"
check_eq "encap udp" udp "$(jq -r '.[0].encap' <<<"$j")"
check_eq "sport" 4501 "$(jq -r '.[0].sport' <<<"$j")"
check_eq "dport" 4502 "$(jq -r '.[0].dport' <<<"$j")"
check_eq "default df-bit copy" copy "$(jq -r '.[0].df_bit' <<<"$j")"
check_eq "default replay-window 64" 64 "$(jq -r '.[0].replay_window' <<<"$j")"

check "template add" $KA tunnel add tmpl0 local 192.0.2.1 template mtu 1380
check_eq "template flag" true "$($KA -j tunnel show tmpl0 | jq -r '.[0].template')"
check_eq "template has no remote" null "$($KA -j tunnel show tmpl0 | jq -r '.[0].remote')"
check "clone from template" $KA tunnel add dvti1 remote 203.0.113.9 from tmpl0
j=$($KA -j tunnel show dvti1)
check_eq "clone names its template" tmpl0 "$(jq -r '.[0].from' <<<"$j")"
check_eq "clone inherits local" 192.0.2.1 "$(jq -r '.[0].local' <<<"$j")"
check_eq "clone inherits mtu" 1380 "$(jq -r '.[0].mtu' <<<"$j")"
check_eq "clone is not a template" false "$(jq -r '.[0].template' <<<"$j")"
check_fail_msg "template with clones is not deleted by kvti" "clones" \
	$KA tunnel del tmpl0

# 3. bad input: refused with a message naming the attribute, nothing changes
before=$($KA -j tunnel show)
check_fail_msg "missing remote" "KVTI_A_REMOTE.*required" \
	$KA tunnel add bad0 local 192.0.2.1
check_fail_msg "missing local" "KVTI_A_LOCAL.*required" \
	$KA tunnel add bad0 remote 192.0.2.1
check_fail_msg "mixed address families" "same address family" \
	$KA tunnel add bad0 local 192.0.2.1 remote 2001:db8::2
check_fail_msg "set cannot mix families either" "same address family" \
	$KA tunnel set vti2 remote 2001:db8::2
check_fail_msg "template with a remote" "template has no remote" \
	$KA tunnel add bad0 local 192.0.2.1 remote 198.51.100.7 template
check_fail_msg "multicast remote" "KVTI_A_REMOTE: not a unicast" \
	$KA tunnel add bad0 local 192.0.2.1 remote 224.0.0.1
check_fail_msg "MTU too small" "KVTI_A_MTU: out of range" \
	$KA tunnel add bad0 local 192.0.2.1 remote 198.51.100.7 mtu 67
check_fail_msg "MTU too large" "KVTI_A_MTU: out of range" \
	$KA tunnel set vti2 mtu 65401
check_fail_msg "replay window between 1 and 31" "KVTI_A_REPLAY_WINDOW" \
	$KA tunnel set vti2 replay-window 16
check_fail_msg "replay window over 4096" "KVTI_A_REPLAY_WINDOW" \
	$KA tunnel set vti2 replay-window 4097
check_fail_msg "duplicate name" "already exists" \
	$KA tunnel add vti2 local 192.0.2.1 remote 198.51.100.77
check_fail_msg "same endpoints and key as vti2" "KVTI_A_REMOTE.*endpoints" \
	$KA tunnel add bad0 local 192.0.2.1 remote 198.51.100.2 key 4294967295
check "same endpoints with another key is fine" \
	$KA tunnel add vti3 local 192.0.2.1 remote 198.51.100.2 key 8
check "...and can be deleted" $KA tunnel del vti3
check_fail_msg "clone of a non-template" "not a kvti template" \
	$KA tunnel add bad0 remote 203.0.113.9 from vti2
check_fail_msg "del of an unknown tunnel" "no such device" $KA tunnel del nosuch
check_fail_msg "set on a device that is not kvti" "not a kvti tunnel" \
	$KA tunnel set lo mtu 1400
# The tool stops what it can itself, as a usage error (exit 2).
"$KVTI_ROOT/tools/kvti/kvti" -n a tunnel add bad0 local 192.0.2.1 remote 198.51.100.7 key 4294967296 2>/dev/null
check_eq "key beyond u32 is a usage error (exit 2)" 2 $?
"$KVTI_ROOT/tools/kvti/kvti" -n a tunnel add bad0 local 192.0.2.1 remote 198.51.100.7 df-bit maybe 2>/dev/null
check_eq "unknown df-bit mode is a usage error (exit 2)" 2 $?
# What the tool would not send, the kernel refuses too.
check_fail_msg "kernel: u64 key fails policy" "KVTI_A_KEY" \
	$NLRAW TUNNEL_NEW IFNAME=str:bad0 LOCAL=ip:192.0.2.1 REMOTE=ip:198.51.100.7 KEY=u64:1
check_fail_msg "kernel: attribute beyond the family" "[Uu]nknown attribute|KVTI_A_" \
	$NLRAW TUNNEL_NEW IFNAME=str:bad0 LOCAL=ip:192.0.2.1 REMOTE=ip:198.51.100.7 200=u32:1
check_fail_msg "kernel: attribute TUNNEL_NEW does not take" "Unsupported attribute.*KVTI_A_SA_SPI" \
	$NLRAW TUNNEL_NEW IFNAME=str:bad0 LOCAL=ip:192.0.2.1 REMOTE=ip:198.51.100.7 SA_SPI=u32:1
check_fail_msg "kernel: 5-byte address" "KVTI_A_LOCAL: must be 4.*16" \
	$NLRAW TUNNEL_NEW IFNAME=str:bad0 LOCAL=hex:c000020101 REMOTE=ip:198.51.100.7
check_fail_msg "kernel: df mode 3" "KVTI_A_DF_MODE" \
	$NLRAW TUNNEL_SET IFNAME=str:vti2 DF_MODE=u8:3
check_fail_msg "kernel: encap 2" "KVTI_A_ENCAP" \
	$NLRAW TUNNEL_SET IFNAME=str:vti2 ENCAP=u8:2
check_fail_msg "kernel: ports without udp encap" "KVTI_A_ENCAP_SPORT" \
	$NLRAW TUNNEL_SET IFNAME=str:vti2 ENCAP_SPORT=u16:1
check_fail_msg "kernel: set cannot make a template" "Unsupported attribute.*KVTI_A_TEMPLATE" \
	$NLRAW TUNNEL_SET IFNAME=str:vti2 TEMPLATE=flag:
check_fail_msg "kernel: name too long" "KVTI_A_IFNAME" \
	$NLRAW TUNNEL_NEW IFNAME=str:abcdefghijklmnopq LOCAL=ip:192.0.2.1 REMOTE=ip:198.51.100.7
check_fail_msg "kernel: invalid name" "not a valid interface name" \
	$NLRAW TUNNEL_NEW IFNAME=str:a/b LOCAL=ip:192.0.2.1 REMOTE=ip:198.51.100.7
check_fail_msg "kernel: del without a name" "KVTI_A_IFNAME or KVTI_A_IFINDEX" \
	$NLRAW TUNNEL_DEL
check_eq "nothing changed by any refused request" "$before" "$($KA -j tunnel show)"
check_fail "no bad0 netdev left" $A ip link show bad0

# 4. privileges: an unprivileged user is refused, and changes nothing
check_fail_msg "unprivileged add refused" "Operation not permitted" \
	$A setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$KVTI_ROOT/tools/kvti/kvti" tunnel add bad0 local 192.0.2.1 remote 198.51.100.7
check_fail_msg "unprivileged show refused" "Operation not permitted" \
	$A setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$KVTI_ROOT/tools/kvti/kvti" tunnel show
check_fail_msg "unprivileged del refused" "Operation not permitted" \
	$A setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$KVTI_ROOT/tools/kvti/kvti" tunnel del vti2
check_eq "still nothing changed" "$before" "$($KA -j tunnel show)"

# 5. namespaces: each sees its own tunnels only
check_eq "b sees no tunnels of a" "[]" "$(kvti -n b -j tunnel show | jq -c .)"
check_fail_msg "b cannot change a's tunnel" "no such device" \
	kvti -n b tunnel set vti2 mtu 1300
check_fail_msg "b cannot delete a's tunnel" "no such device" kvti -n b tunnel del vti2
check "b may use the same name" kvti -n b tunnel add vti2 local 192.0.2.1 remote 198.51.100.2
check_eq "b lists only its own" vti2 "$(kvti -n b -j tunnel show | jq -r '.[].ifname')"
check_eq "a's vti2 kept its mtu" 1407 "$($KA -j tunnel show vti2 | jq -r '.[0].mtu')"
check_eq "a lists its four tunnels" "dvti1 tmpl0 vti2 vti6" \
	"$($KA -j tunnel show | jq -r '.[].ifname' | sort | xargs)"

# 6. ip link del of a template takes its clones along
check "ip link del template" $A ip link del tmpl0
check_fail "its clone went with it" $A ip link show dvti1
check "kvti tunnel del" $KA tunnel del vti6
check_eq "a lists what is left" vti2 "$($KA -j tunnel show | jq -r '.[].ifname' | xargs)"

# 7. tunnel events reach kvti monitor in the tunnel's namespace only
kvti -n a monitor >"$__kvti_tmp/mon-a" 2>&1 &
mon_a=$!
kvti -n b monitor >"$__kvti_tmp/mon-b" 2>&1 &
mon_b=$!
sleep 0.5
check "a tunnel to watch" $KA tunnel add ev0 local 192.0.2.1 remote 198.51.100.50
check "and delete" $A ip link del ev0
sleep 0.3
kill -TERM $mon_a $mon_b
wait $mon_a $mon_b
check_match "monitor saw the new tunnel" "tunnel new ev0 .*remote 198.51.100.50" "$(cat "$__kvti_tmp/mon-a")"
check_match "monitor saw it go" "tunnel del ev0" "$(cat "$__kvti_tmp/mon-a")"
check_eq "b's monitor saw nothing of a" "" "$(cat "$__kvti_tmp/mon-b")"

finish
