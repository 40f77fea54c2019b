# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for kvti selftests.  Every test starts with
#	source "$(dirname "$0")/lib.sh"
# and ends with `finish`.  Each check prints one nested TAP line, indented
# by four spaces ("    ok 3 - tunnel add refuses duplicate name"); a
# failed check also prints what it ran and the command's output as
# "    # " lines.  The runner (run_tests.sh) turns the test's exit status
# into the top-level TAP line: 0 pass, 4 skip (kselftest), anything else fail.
#
#   check "desc" CMD [ARG...]              passes if CMD exits 0
#   check_fail "desc" CMD [ARG...]         passes if CMD exits non-zero
#   check_fail_msg "desc" ERE CMD [ARG...] passes if CMD exits non-zero and
#                                          a line of its stderr matches ERE
#   check_eq "desc" EXPECTED ACTUAL        passes if the strings are equal
#   check_match "desc" ERE ACTUAL          passes if ACTUAL matches ERE
#                                          (bash =~, the whole string)
#   ns_add NAME...                         fresh netns with lo up, deleted at exit
#   at_exit CMD [ARG...]                   run at exit, before namespaces go
#   json_get PATH <<<"$json"               jq -r PATH (null prints "null")
#   eventually SECONDS CMD [ARG...]        polls CMD until it exits 0, at most
#                                          SECONDS x KVTI_SLOW; its status
#   skip_all "reason"                      skip the whole test (exit 4)
#   finish                                 print the plan, exit 0 or 1
#
# CMD runs in the test's own shell (so it may be a shell function) with the
# check's stdin: check "import" kvti import-ios - <<<"$cfg" works.
# Exports KVTI_ROOT (the repo) and puts $KVTI_ROOT/tools/kvti on PATH.

KVTI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The module under test (make check-debug loads one built for its kernel).
KVTI_KO=${KVTI_KO:-$KVTI_ROOT/kmod/kvti.ko}
# How much slower things are: 6 on the debug kernel (run_tests.sh exports
# KVTI_DEBUG_KERNEL), else 1.  Fixed listening windows scale by it.
KVTI_SLOW=${KVTI_DEBUG_KERNEL:+6}
KVTI_SLOW=${KVTI_SLOW:-1}
# make check-long exports KVTI_LONG=1: soak and scale tests run their long
# versions (make check keeps short ones).
KVTI_LONG=${KVTI_LONG:-}
export KVTI_ROOT
export PATH="$KVTI_ROOT/tools/kvti:$PATH"

__kvti_checks=0
__kvti_failed=0
__kvti_ns=()
__kvti_at_exit=()
__kvti_tmp=$(mktemp -d "${TMPDIR:-/tmp}/kvti-test.XXXXXX")

# Print "    # " + each line of stdin.
__kvti_diag() { sed 's/^/    # /'; }

__kvti_result() { # OK(0|1) DESC
	__kvti_checks=$((__kvti_checks + 1))
	if [ "$1" = 0 ]; then
		echo "    ok $__kvti_checks - $2"
	else
		__kvti_failed=$((__kvti_failed + 1))
		echo "    not ok $__kvti_checks - $2"
	fi
}

# Where the failing check was called from, and what it ran.
__kvti_where() { # CMD...
	local i=1
	while [ "${FUNCNAME[$i]:-}" != "" ] && [[ ${FUNCNAME[$i]} == check* ]]; do
		i=$((i + 1))
	done
	printf '%s:%s:' "$(basename "${BASH_SOURCE[$i]:-$0}")" "${BASH_LINENO[$((i - 1))]}"
	[ $# = 0 ] || printf ' %q' "$@"
	echo
}

__kvti_show_output() {
	if [ -s "$__kvti_tmp/out" ]; then
		echo "stdout:"; cat "$__kvti_tmp/out"
	fi
	if [ -s "$__kvti_tmp/err" ]; then
		echo "stderr:"; cat "$__kvti_tmp/err"
	fi
}

# A check that took 3 s or more says how long, so a slow suite shows where.
check() { # DESC CMD...
	local desc=$1 rc=0 t0=${EPOCHREALTIME/./} t
	shift
	"$@" >"$__kvti_tmp/out" 2>"$__kvti_tmp/err" || rc=$?
	__kvti_result $((rc != 0)) "$desc"
	t=$(((${EPOCHREALTIME/./} - t0) / 100000))
	[ $t -lt 30 ] || echo "    # $((t / 10)).$((t % 10)) s"
	if [ $rc != 0 ]; then
		{ __kvti_where "$@"; echo "exit status $rc, expected 0"; __kvti_show_output; } |
			__kvti_diag
	fi
	return 0
}

check_fail() { # DESC CMD...
	local desc=$1 rc=0
	shift
	"$@" >"$__kvti_tmp/out" 2>"$__kvti_tmp/err" || rc=$?
	__kvti_result $((rc == 0)) "$desc"
	if [ $rc = 0 ]; then
		{ __kvti_where "$@"; echo "exit status 0, expected failure"; __kvti_show_output; } |
			__kvti_diag
	fi
	return 0
}

check_fail_msg() { # DESC ERE CMD...
	local desc=$1 re=$2 rc=0 ok=1
	shift 2
	"$@" >"$__kvti_tmp/out" 2>"$__kvti_tmp/err" || rc=$?
	if [ $rc != 0 ] && grep -Eq -- "$re" "$__kvti_tmp/err"; then
		ok=0
	fi
	__kvti_result $ok "$desc"
	if [ $ok != 0 ]; then
		{
			__kvti_where "$@"
			if [ $rc = 0 ]; then
				echo "exit status 0, expected failure"
			else
				echo "exit status $rc, but no line of stderr matches /$re/"
			fi
			__kvti_show_output
		} | __kvti_diag
	fi
	return 0
}

check_eq() { # DESC EXPECTED ACTUAL
	local ok=0
	[ "$2" == "$3" ] || ok=1
	__kvti_result $ok "$1"
	if [ $ok != 0 ]; then
		{ __kvti_where; echo "expected: '$2'"; echo "actual:   '$3'"; } | __kvti_diag
	fi
	return 0
}

check_match() { # DESC ERE ACTUAL
	local ok=0
	[[ $3 =~ $2 ]] || ok=1
	__kvti_result $ok "$1"
	if [ $ok != 0 ]; then
		{ __kvti_where; echo "pattern: /$2/"; echo "actual:  '$3'"; } | __kvti_diag
	fi
	return 0
}

json_get() { # PATH <<<JSON
	jq -r "$1"
}

at_exit() { # CMD...
	local cmd
	printf -v cmd '%q ' "$@"
	__kvti_at_exit+=("$cmd")
}

ns_add() { # NAME...
	local ns
	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null
		if ! ip netns add "$ns" || ! ip -n "$ns" link set lo up; then
			echo "    # ns_add: cannot create netns $ns" >&2
			exit 1
		fi
		__kvti_ns+=("$ns")
	done
}

# ns_del_watched NAME...: delete the namespaces with the kernel's
# "waiting for DEV to become free" interval at 1 s, and wait 6 s, so that
# a device left referenced is in dmesg by the time this returns.
ns_del_watched() {
	local old ns rc=0
	old=$(cat /proc/sys/net/core/netdev_unregister_timeout_secs)
	echo 1 >/proc/sys/net/core/netdev_unregister_timeout_secs
	for ns in "$@"; do
		ip netns del "$ns" || rc=1
	done
	sleep 6
	echo "$old" >/proc/sys/net/core/netdev_unregister_timeout_secs
	return $rc
}

__kvti_cleanup() {
	local i ns pids
	for ((i = ${#__kvti_at_exit[@]} - 1; i >= 0; i--)); do
		eval "${__kvti_at_exit[$i]}" >/dev/null 2>&1
	done
	for ns in "${__kvti_ns[@]}"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$__kvti_tmp"
}
trap __kvti_cleanup EXIT

skip_all() { # REASON
	echo "    1..0 # SKIP $*"
	exit 4
}

finish() {
	echo "    1..$__kvti_checks"
	if [ "$__kvti_checks" = 0 ]; then
		echo "    # no checks ran: a test that cannot fail is a failed test"
		exit 1
	fi
	echo "    # $((__kvti_checks - __kvti_failed)) passed, $__kvti_failed failed"
	[ "$__kvti_failed" = 0 ] && exit 0
	exit 1
}

# eventually SECONDS CMD...: CMD every 0.2 s until it succeeds (0) or the
# time is up (1); longer on the debug kernel.
eventually() {
	local limit=$(($1 * 5 * KVTI_SLOW)) i=0
	shift
	until "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge $limit ] && return 1
		sleep 0.2
	done
}

# ping_gaps FILE: of a ping's output, "LOST of LAST": echoes missing below
# the last one answered (those still in flight when it stopped are not lost).
ping_gaps() {
	awk -F'icmp_seq=' '/bytes from .*icmp_seq=/ { split($2, a, " "); got[a[1]] = 1; if (a[1] + 0 > max) max = a[1] + 0 }
		END { n = 0; for (i = 1; i <= max; i++) if (!(i in got)) n++; print n " of " max + 0 }' "$1"
}

# kvti_gateways: the two-gateway topology several tests share.
#
#   ns g1                                         ns g2
#   vti1 198.51.100.1 ====== ESP ======= vti1 198.51.100.2
#        2001:db8:100::1                      2001:db8:100::2
#   veth e1 192.0.2.1  <--------------->  veth e2 192.0.2.2
#
# Tunnels have no SA yet and no IPv6 link-local address (addrgenmode
# none), so that no DAD or router solicitation joins the packets tests
# count.  IPv6 addresses go on after "up": Linux 6.1 adds no route to an
# IPv6 peer configured while the link is down.
kvti_gateways() {
	ns_add g1 g2
	ip link add e1 netns g1 type veth peer name e2 netns g2
	ip -n g1 addr add 192.0.2.1/24 dev e1
	ip -n g2 addr add 192.0.2.2/24 dev e2
	ip -n g1 link set e1 up
	ip -n g2 link set e2 up
	kvti -n g1 tunnel add vti1 local 192.0.2.1 remote 192.0.2.2
	kvti -n g2 tunnel add vti1 local 192.0.2.2 remote 192.0.2.1
	local n a b
	for n in 1 2; do
		a=$n b=$((3 - n))
		ip -n g$n link set vti1 addrgenmode none
		ip -n g$n link set vti1 up
		ip -n g$n addr add 198.51.100.$a/32 peer 198.51.100.$b/32 dev vti1
		ip -n g$n addr add 2001:db8:100::$a/128 peer 2001:db8:100::$b/128 dev vti1 nodad
	done
}
