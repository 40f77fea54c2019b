#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness itself: the VM gives tests what they need (namespaces, veth,
# the kvti module and tool, a writable results share), and lib.sh's checks
# fail when they should.
#
#   ns h1                     ns h2
#   veth0 192.0.2.1/24 <----> veth0 192.0.2.2/24
#         2001:db8::1/64            2001:db8::2/64

source "$(dirname "$0")/lib.sh"

# 1. the guest: repo path, loopback, /run, debugfs, results share
check_eq "we run from the repo's selftests/" "$KVTI_ROOT/selftests" "$PWD"
check_match "loopback is up in the initial netns" 'UP' "$(ip -br link show lo)"
check_eq "/var/run is /run" /run "$(readlink -f /var/run)"
check "debugfs is mounted" mountpoint -q /sys/kernel/debug
check "the results share is writable" touch "$KVTI_RESULTS/harness.touch"

# 2. the kvti module and tool
check "kvti.ko is loaded" test -d /sys/module/kvti
check "kvti is on PATH from tools/kvti" test "$(command -v kvti)" = "$KVTI_ROOT/tools/kvti/kvti"

# 3. namespaces and veth
ns_add h1 h2
check "ip netns lists both" test "$(ip netns list | cut -d' ' -f1 | sort | xargs)" = "h1 h2"
check_match "lo is up in h1" 'UP' "$(ip -n h1 -br link show lo)"
check "veth pair across namespaces" \
	ip link add veth0 netns h1 type veth peer name veth0 netns h2
ip -n h1 addr add 192.0.2.1/24 dev veth0
ip -n h2 addr add 192.0.2.2/24 dev veth0
ip -n h1 addr add 2001:db8::1/64 dev veth0 nodad
ip -n h2 addr add 2001:db8::2/64 dev veth0 nodad
ip -n h1 link set veth0 up
ip -n h2 link set veth0 up
check "ping IPv4 over veth" ip netns exec h1 ping -c 1 -W 2 192.0.2.2
check "ping IPv6 over veth" ip netns exec h1 ping -6 -c 1 -W 2 2001:db8::2
check_eq "json_get reads ip -j" 192.0.2.2 \
	"$(ip -n h2 -j addr show veth0 | json_get '.[0].addr_info[] | select(.family=="inet") | .local')"

# 4. lib.sh fails when it should: a nested test whose checks all fail
inner=$(mktemp "${TMPDIR:-/tmp}/inner.XXXXXX.sh")
at_exit rm -f "$inner"
cat >"$inner" <<INNER
source "$KVTI_ROOT/selftests/lib.sh"
check "a" false
check_fail "b" true
check_fail_msg "c" "expected text" sh -c 'echo other text >&2; exit 1'
check_fail_msg "d" "x" true
check_eq "e" 1 2
check_match "f" '^a$' b
finish
INNER
out=$(bash "$inner" 2>&1)
check_eq "a test whose checks fail exits 1" 1 $?
check_eq "every failed check says not ok" 6 "$(grep -c '^    not ok ' <<<"$out")"
check_match "the plan is printed" $'\n    1\\.\\.6\n' "$out"
check_match "check_fail_msg shows the stderr it got" '# other text' "$out"
out=$(bash -c "source '$KVTI_ROOT/selftests/lib.sh'; skip_all 'no reason'" 2>&1)
check_eq "skip_all exits 4 (kselftest skip)" 4 $?
out=$(bash -c "source '$KVTI_ROOT/selftests/lib.sh'; finish" 2>&1)
check_eq "a test without checks fails" 1 $?

finish
