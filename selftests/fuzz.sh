#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 360
#
# The genl fuzzer (selftests/fuzz/nlfuzz) against the kvti family, three
# times: as root; as an unprivileged user who owns a user namespace and a
# network namespace in it (GENL_UNS_ADMIN_PERM lets that user configure
# its own namespace, so the whole family is open to it); and as an
# unprivileged user against the test's namespace, where everything must be
# refused.  nlfuzz checks the SA and tunnel tables itself after each
# privileged run and deletes the tunnels it made; this script checks what
# is left with ip and kvti.  Then nlfuzz is killed mid-run and its
# namespace deleted under what it made, and what nlfuzz once found is
# asked directly.  The runner fails the test on any WARN, BUG or Oops in
# the kernel log.
#
#   ns fz1 (root's, init user namespace)       user+net ns (nobody's, unshare -U -r -n)
#   vti1 192.0.2.1 -> 198.51.100.1, 2 SAs      fz<w>t<n>: nlfuzz's own
#   vti2 2001:db8::1 -> 2001:db8:1::1
#   fz<w>t<n>: nlfuzz's own, gone at the end   ns fz2: nlfuzz killed mid-run, ns deleted
#
# KVTI_FUZZ_SECONDS: fuzzing time in all (default 40), split 50/35/15
# (plus 6 s before the kill);
# KVTI_FUZZ_SEED: replay a seed (printed by every run).

source "$(dirname "$0")/lib.sh"

NLFUZZ=$KVTI_ROOT/selftests/fuzz/nlfuzz
TOTAL=${KVTI_FUZZ_SECONDS:-40}
T_ROOT=$((TOTAL * 50 / 100))
T_USERNS=$((TOTAL * 35 / 100))
T_UNPRIV=$((TOTAL * 15 / 100))
[ "$T_ROOT" -ge 4 ] || T_ROOT=4
[ "$T_USERNS" -ge 3 ] || T_USERNS=3
[ "$T_UNPRIV" -ge 2 ] || T_UNPRIV=2
SEED=()
[ -z "${KVTI_FUZZ_SEED:-}" ] || SEED=(-s "$KVTI_FUZZ_SEED")
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
GCM="rfc4106(gcm(aes))"
KEY=0x11111111111111111111111111111111aaaaaaaa

[ -x "$NLFUZZ" ] || skip_all "$NLFUZZ is not built (make)"

# Runs nlfuzz, shows its summary lines, passes if it exits 0; on failure
# the end of its output follows.
run_fuzz() { # DESC LOG CMD...
	local desc=$1 log=$2 rc=0
	shift 2
	"$@" >"$log" 2>&1 || rc=$?
	grep -a '^nlfuzz' "$log" | sed 's/^/    # /'
	check_eq "$desc" 0 "$rc"
	[ "$rc" = 0 ] || tail -n 40 "$log" | grep -av '^nlfuzz' | sed 's/^/    # /'
}

kvti_links() { # NETNS -> names of its kvti netdevs, sorted, one line
	ip -n "$1" -j -d link show type kvti | jq -r '.[].ifname' | sort | xargs
}

sa_state() { # NETNS -> its SAs and tunnels, without what time changes
	kvti -n "$1" -j sa show | jq -c 'map(del(.age, .idle, .lifetime.current.seconds))'
	kvti -n "$1" -j tunnel show
}

ns_add fz1
kvti -n fz1 tunnel add vti1 local 192.0.2.1 remote 198.51.100.1
kvti -n fz1 tunnel add vti2 local 2001:db8::1 remote 2001:db8:1::1
kvti -n fz1 sa add dev vti1 dir out spi 0x1000 aead "$GCM" $KEY 128
kvti -n fz1 sa add dev vti1 dir in spi 0x1001 aead "$GCM" $KEY 128

# 1. root, two workers, next to tunnels and SAs of the test's own.  nlfuzz
# may delete those too (it fuzzes whatever it finds); it must delete
# everything it made.
run_fuzz "fuzz as root in fz1 for ${T_ROOT}s: consistent" "$__kvti_tmp/root.log" \
	ip netns exec fz1 "$NLFUZZ" fuzz -t "$T_ROOT" -w 2 "${SEED[@]}"
left=$(kvti_links fz1 | tr ' ' '\n' | grep -vxE 'vti1|vti2' | xargs)
check_eq "ip link: no kvti netdev of nlfuzz left in fz1" "" "$left"
check "sa flush in fz1" kvti -n fz1 sa flush
check_eq "SA dump empty after flush" 0 "$(kvti -n fz1 -j sa show | jq length)"

# 2. nobody, root of a user namespace with its own network namespace.
# Everything happens inside one unshare: the namespaces die with it.
check "nobody may create a user namespace" "${NOBODY[@]}" unshare -U -r -n true
inner='set -u
	"$1" fuzz -t "$2" -w 2 ${3:+-s "$3"}
	rc=$?
	echo "nlfuzz-userns: kvti links left: [$(ip -j -d link show type kvti | jq -r ".[].ifname" | xargs)]"
	kvti sa flush && echo "nlfuzz-userns: SAs after flush: $(kvti -j sa show | jq length)"
	exit $rc'
run_fuzz "fuzz as nobody in its own user and network namespace for ${T_USERNS}s: consistent" \
	"$__kvti_tmp/userns.log" "${NOBODY[@]}" unshare -U -r -n \
	bash -c "$inner" inner "$NLFUZZ" "$T_USERNS" "${KVTI_FUZZ_SEED:-}"
check_eq "no kvti netdev left in nobody's namespace" \
	"nlfuzz-userns: kvti links left: []" \
	"$(grep -a '^nlfuzz-userns: kvti links' "$__kvti_tmp/userns.log")"
check_eq "nobody's SA dump empty after flush" "nlfuzz-userns: SAs after flush: 0" \
	"$(grep -a '^nlfuzz-userns: SAs' "$__kvti_tmp/userns.log")"

# 3. nobody in the initial user namespace, against fz1 and its SAs: every
# kvti request refused (EPERM, or EINVAL/EOPNOTSUPP before the permission
# check), no events either, and nothing changed.
kvti -n fz1 sa add dev vti1 dir out spi 0x2000 aead "$GCM" $KEY 128 2>/dev/null ||
	kvti -n fz1 tunnel add vti3 local 192.0.2.3 remote 198.51.100.3
before=$(sa_state fz1)
run_fuzz "fuzz as nobody in fz1 for ${T_UNPRIV}s: everything refused" \
	"$__kvti_tmp/unpriv.log" \
	ip netns exec fz1 "${NOBODY[@]}" "$NLFUZZ" fuzz -U -t "$T_UNPRIV" -w 2 "${SEED[@]}"
check_eq "nothing changed in fz1" "$before" "$(sa_state fz1)"

# 4. killed mid-run, with requests and dumps in flight, then its namespace
# deleted with whatever it had made: tunnels, SAs, reserved SPIs.
ns_add fz2
setsid ip netns exec fz2 "$NLFUZZ" fuzz -t 600 -w 3 "${SEED[@]}" \
	>"$__kvti_tmp/killed.log" 2>&1 &
pid=$!
sleep 6
check "nlfuzz still running after 6 s" kill -0 $pid
kill -KILL -- -$pid
wait $pid 2>/dev/null
grep -a '^nlfuzz' "$__kvti_tmp/killed.log" | sed 's/^/    # /'
check "delete fz2 with what nlfuzz left in it" ip netns del fz2
fz2_gone=$SECONDS

# 5. what nlfuzz found, asked directly (the runner judges the kernel log)
NLRAW="python3 $KVTI_ROOT/selftests/nlraw.py"
for c in 0x80000000 0xffffffff; do
	check_eq "SA dump from cursor $c: empty, and no WARN" "" \
		"$(ip netns exec fz1 $NLRAW --dump SA_GET SA_CURSOR=u32:$c 2>&1)"
done
check_fail_msg "TUNNEL_NEW named fz%d%d: refused with a message" "KVTI_A_IFNAME: one %d" \
	ip netns exec fz1 $NLRAW TUNNEL_NEW IFNAME=str:fz%d%d LOCAL=ip:192.0.2.9 \
	REMOTE=ip:198.51.100.9
check "TUNNEL_NEW named fzp%d: numbered by the kernel" \
	ip netns exec fz1 $NLRAW TUNNEL_NEW IFNAME=str:fzp%d LOCAL=ip:192.0.2.9 \
	REMOTE=ip:198.51.100.9
check "and it is fzp0" ip -n fz1 link del fzp0
check_fail_msg "nobody cannot join the events group" "Operation not permitted" \
	ip netns exec fz1 "${NOBODY[@]}" $NLRAW --listen 1

# fz2's tunnels go in a workqueue; one that is still referenced makes the
# core complain after 10 s.
wait_s=$((fz2_gone + 12 - SECONDS))
[ "$wait_s" -le 0 ] || sleep "$wait_s"
check_eq "no netdev waited for its references" 0 \
	"$(dmesg | grep -c 'waiting for .* to become free')"

finish
