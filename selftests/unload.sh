#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module unload and namespace teardown with tunnels present.
#
#   ns u1: vti0 (v4), tmpl0 + its clone    ns u2: vti0 (v6)    ns u3: vti0 (ip link)
#
# rmmod must delete every kvti netdev in every namespace, without a WARN
# (the runner checks dmesg after each test); deleting a namespace must
# delete its tunnels (the module's pernet exit WARNs if one is left).
# The module is loaded again at the end for the tests that follow.

source "$(dirname "$0")/lib.sh"

KO=$KVTI_KO
ns_add u1 u2 u3 u4

check "tunnels in u1" kvti -n u1 tunnel add vti0 local 192.0.2.1 remote 198.51.100.1
check "template in u1" kvti -n u1 tunnel add tmpl0 local 192.0.2.1 template
check "clone in u1" kvti -n u1 tunnel add dvti0 remote 198.51.100.9 from tmpl0
check "tunnel in u2" kvti -n u2 tunnel add vti0 local 2001:db8::1 remote 2001:db8::2
check "tunnel in u3" ip -n u3 link add vti0 type kvti
check "tunnel in u4" kvti -n u4 tunnel add vti0 local 192.0.2.1 remote 198.51.100.1

# A namespace that goes away takes its tunnels along.
check "delete namespace u4 with a tunnel in it" ip netns del u4
check "module still has its genl family" kvti -n u1 tunnel show

check "rmmod with tunnels in three namespaces" rmmod kvti
for ns in u1 u2 u3; do
	check_eq "no kvti netdev left in $ns" 0 \
		"$(ip -n $ns -j -d link show | jq '[.[] | select(.linkinfo.info_kind == "kvti")] | length')"
	check_eq "only lo left in $ns" "lo" "$(ip -n $ns -j link show | jq -r '.[].ifname' | xargs)"
done
check_fail "the genl family is gone" kvti -n u1 tunnel show

check "insmod again" insmod "$KO"
check "and it works" kvti -n u1 tunnel add vti0 local 192.0.2.1 remote 198.51.100.1
check "ip link del" ip -n u1 link del vti0

finish
