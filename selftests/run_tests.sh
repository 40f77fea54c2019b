#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The suite runner, inside the test VM (selftests/check.sh boots it).
# Loads kvti.ko, runs each test (all of TEST_PROGS in selftests/Makefile,
# or the names given, with or without .sh) under a timeout, and prints
# TAP 13.  After each test the kernel log is read and cleared: an Oops,
# WARN, BUG, KASAN/UBSAN report, lockdep or RCU splat fails the test that
# caused it.  The last test is `module-unload` (rmmod kvti).
#
# usage: selftests/run_tests.sh [TEST...]
# A test may set its timeout in its header: "# kvti-timeout: SECONDS";
# KVTI_TEST_TIMEOUT raises every test's to at least that (long runs).
# Files in $KVTI_RESULTS: tap.txt (top-level TAP), logs/NAME.log,
# dmesg.txt (the whole kernel log, in order).
# KVTI_ALLOW_NO_MODULE=1 runs without kvti.ko, for work on the harness
# itself; by default a missing or unloadable module fails the run.
# KVTI_KO: the module to load (default kmod/kvti.ko).
#
# On a debug kernel (make check-debug: kmemleak present) tests whose header
# says "# kvti-debug: skip REASON" are skipped (they measure or move bulk
# traffic, about 75 times slower there), timeouts are multiplied by
# KVTI_TIMEOUT_SCALE (default 6 there, 1 here), and kmemleak is scanned
# before and after rmmod: an unreferenced object allocated by kvti fails.

# In-tree modules to load before kvti.ko, besides those modinfo lists:
# tunnel helpers, and the DRBG that seqiv/echainiv need (ENVIRONMENT.md).
# Failures are ignored.
KVTI_MODDEPS="ip_tunnel udp_tunnel sha512_generic drbg"
DEFAULT_TIMEOUT=300
KERNEL_BAD='Oops|Kernel panic|BUG:|WARNING:|KASAN|UBSAN|ODEBUG|general protection|Call Trace|kernel BUG|unreferenced object|possible circular locking|suspicious RCU|unregister_netdevice: waiting|refcount_t:'
# The same rule for a test that must judge its own log (faults.sh).
export KVTI_KERNEL_BAD=$KERNEL_BAD

cd "$(dirname "$0")" || exit 1
SELFTESTS=$PWD
ROOT=$(cd .. && pwd)
KO=${KVTI_KO:-$ROOT/kmod/kvti.ko}
KMEMLEAK=/sys/kernel/debug/kmemleak
DEBUG_KERNEL=
[ -e "$KMEMLEAK" ] && DEBUG_KERNEL=1
# Tests may scale their work down on the debug kernel.
export KVTI_DEBUG_KERNEL=$DEBUG_KERNEL
SCALE=${KVTI_TIMEOUT_SCALE:-${DEBUG_KERNEL:+6}}
SCALE=${SCALE:-1}
RESULTS=${KVTI_RESULTS:-$ROOT/build/vm/results}
TAP=$RESULTS/tap.txt
mkdir -p "$RESULTS/logs"
: >"$TAP"
: >"$RESULTS/dmesg.txt"

# Times without forking (a fork is expensive under TCG): microseconds.
now() { local t=${EPOCHREALTIME/./}; echo "${t#0}"; }
since() { local d=$(( ($(now) - $1) / 100000 )); echo "$((d / 10)).$((d % 10))"; }
tap() { echo "$*"; echo "$*" >>"$TAP"; }
diag() { sed 's/^/# /'; }

# Read and clear the kernel log; print its bad lines with some context.
# Exit status 0 when it had none.
kernel_log_clean() {
	local new
	new=$(dmesg -c 2>/dev/null)
	[ -n "$new" ] || return 0
	echo "$new" >>"$RESULTS/dmesg.txt"
	echo "$new" | grep -Eq "$KERNEL_BAD" || return 0
	echo "$new" | grep -E -B2 -A20 "$KERNEL_BAD" | head -n 80 | sed 's/^/# kernel: /'
	return 1
}

# A test's own output, nested four spaces under its TAP line: its check
# lines pass as they are, anything else becomes a "    # " comment.
nest() {
	sed -u -E '/^    (ok |not ok |# |1\.\.)/! s/^/    # /'
}

test_timeout() {
	local line i=0 to=$DEFAULT_TIMEOUT
	while IFS= read -r line && [ $((i++)) -lt 20 ]; do
		if [[ $line =~ ^#\ *kvti-timeout:\ *([0-9]+) ]]; then
			to=${BASH_REMATCH[1]}
			break
		fi
	done <"$1"
	[ "${KVTI_TEST_TIMEOUT:-0}" -le "$to" ] || to=$KVTI_TEST_TIMEOUT
	echo "$((to * SCALE))"
}

# "# kvti-debug: skip REASON" in a test's header: REASON, else nothing.
debug_skip() {
	local line i=0
	while IFS= read -r line && [ $((i++)) -lt 20 ]; do
		if [[ $line =~ ^#\ *kvti-debug:\ *skip\ *(.*)$ ]]; then
			echo "${BASH_REMATCH[1]:-skipped on the debug kernel}"
			return
		fi
	done <"$1"
}

# kmemleak: scan (twice: an object must stay unreferenced across scans and
# be older than 5 s), then print each reported object whose allocation
# trace runs through kvti, or through an address no module owns any more
# (kvti after rmmod).  Exit status 0 when there is none.
kmemleak_kvti() {
	local report
	[ -n "$DEBUG_KERNEL" ] || return 0
	sleep 6
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
	report=$(awk '
		/^unreferenced object/ { if (rec ~ /kvti|\] 0xffffffffc0/) printf "%s", rec; rec = "" }
		{ rec = rec $0 "\n" }
		END { if (rec ~ /kvti|\] 0xffffffffc0/) printf "%s", rec }' "$KMEMLEAK")
	[ -z "$report" ] && return 0
	echo "$report" | head -n 120 | sed 's/^/# kmemleak: /'
	return 1
}

resolve() { # NAME -> file name in selftests/, or nothing
	local n=$1
	n=${n#selftests/}
	case ${n%.sh} in lib | run_tests | check) return ;; esac
	if [ -f "$n" ]; then echo "$n"
	elif [ -f "$n.sh" ]; then echo "$n.sh"
	fi
}

if [ $# -gt 0 ]; then
	tests=("$@")
else
	mapfile -t tests < <(make -s -C "$SELFTESTS" list)
fi

run_start=$(now)
echo "# kernel $(uname -r), booted in $(cut -d' ' -f1 /proc/uptime) s${DEBUG_KERNEL:+, debug kernel (timeouts x$SCALE)}"
# What the kernel leaked while booting is not kvti's.
[ -n "$DEBUG_KERNEL" ] && echo clear >"$KMEMLEAK"
tap "TAP version 13"
tap "1..$((${#tests[@]} + 1))"

# Boot messages are not any test's fault, but they are kept.
kernel_log_clean >/dev/null

# The debug kernel: the AEADs the suite uses, instantiated and self-tested
# now (cryptomgr can take longer than the 60 s a first user waits).
if [ -n "$DEBUG_KERNEL" ]; then
	modprobe -a algif_aead authenc authencesn chacha20poly1305 des3_ede_generic \
		sha512_generic 2>/dev/null
	python3 "$SELFTESTS/cryptoalg.py" warm "rfc4106(gcm(aes))" "rfc4543(gcm(aes))" \
		"rfc7539esp(chacha20,poly1305)" "authenc(hmac(sha1),cbc(aes))" \
		"authenc(hmac(sha256),cbc(aes))" "authencesn(hmac(sha256),cbc(aes))" \
		"seqiv(rfc4106(gcm(aes)))" 2>&1 | diag
fi

no_module=
if [ ! -e "$KO" ] && [ "${KVTI_ALLOW_NO_MODULE:-0}" = 1 ]; then
	echo "# KVTI_ALLOW_NO_MODULE=1: running without $KO"
	no_module=1
else
	modprobe -a $KVTI_MODDEPS 2>/dev/null
	deps=$(modinfo -F depends "$KO" 2>/dev/null | tr , ' ')
	[ -z "$deps" ] || modprobe -a $deps
	if ! out=$(insmod "$KO" 2>&1); then
		echo "$out" | diag
		tap "Bail out! insmod $KO failed"
		kernel_log_clean
		exit 1
	fi
	if ! kernel_log_clean; then
		tap "Bail out! loading kvti.ko made the kernel complain"
		exit 1
	fi
fi

n=0
failed=0
for name in "${tests[@]}"; do
	n=$((n + 1))
	file=$(resolve "$name")
	if [ -z "$file" ]; then
		tap "not ok $n - $name # no such test in selftests/"
		failed=$((failed + 1))
		continue
	fi
	if [ -n "$DEBUG_KERNEL" ] && reason=$(debug_skip "$file") && [ -n "$reason" ]; then
		tap "ok $n - $file # SKIP debug kernel: $reason"
		continue
	fi
	to=$(test_timeout "$file")
	log=$RESULTS/logs/${file%.sh}.log
	echo "# $file (timeout ${to}s)"
	echo "<6>kvti-selftests: $file" >/dev/kmsg
	t0=$(now)

	# The test gets its own process group (timeout makes one): whatever
	# it leaves running is killed with it.  Output goes to a file, not a
	# pipe, so a leftover daemon cannot keep the runner waiting.
	if [[ $file == *.sh ]] || [ ! -x "$file" ]; then
		cmd=(bash "./$file")
	else
		cmd=("./$file")
	fi
	timeout -k 10 "$to" "${cmd[@]}" </dev/null >"$log" 2>&1 &
	pid=$!
	tail -s 0.2 -n +1 -f --pid=$pid "$log" | nest
	wait $pid
	rc=$?
	kill -KILL -- -$pid 2>/dev/null

	# Namespaces a test forgot would change the next test's world.
	left=(/run/netns/*)
	if [ -e "${left[0]}" ]; then
		echo "# $file left network namespaces behind: ${left[*]##*/} (deleted)"
		ip -all netns delete 2>/dev/null
	fi

	time="time=$(since "$t0")s"
	kernel=ok
	kernel_log_clean || kernel=bad
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		tap "not ok $n - $file # TIMEOUT after ${to}s, $time"
		failed=$((failed + 1))
	elif [ $kernel = bad ]; then
		tap "not ok $n - $file # kernel log shows a bug, exit $rc, $time"
		failed=$((failed + 1))
	elif [ $rc = 4 ]; then
		reason=$(sed -n 's/^ *1\.\.0 # SKIP *//p' "$log" | head -n1)
		tap "ok $n - $file # SKIP ${reason:-exit 4} $time"
	elif [ $rc = 0 ]; then
		tap "ok $n - $file # $time"
	else
		tap "not ok $n - $file # exit $rc, $time"
		failed=$((failed + 1))
	fi
done

# Last: the module must go away cleanly, whatever the tests did to it.
n=$((n + 1))
t0=$(now)
echo "<6>kvti-selftests: module-unload" >/dev/kmsg
if [ -n "$no_module" ]; then
	tap "ok $n - module-unload # SKIP no module"
else
	ok=1
	# Leaks while loaded name kvti's functions; after rmmod only addresses.
	kmemleak_kvti || ok=0
	if ! out=$(rmmod kvti 2>&1); then
		echo "$out" | diag
		ok=0
	fi
	kmemleak_kvti || ok=0
	kernel_log_clean || ok=0
	if [ $ok = 1 ]; then
		tap "ok $n - module-unload # time=$(since "$t0")s"
	else
		tap "not ok $n - module-unload # time=$(since "$t0")s"
		failed=$((failed + 1))
	fi
fi

echo "# $((n - failed)) passed, $failed failed, suite ran $(since "$run_start") s"
[ $failed = 0 ]
