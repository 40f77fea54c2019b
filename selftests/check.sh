#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host side of `make check`: boot the test VM once, run the suite
# (selftests/run_tests.sh) inside, stream the console, and judge.
# Fails on any failed test, a kernel Oops/WARN/BUG/KASAN line anywhere on
# the console, a boot failure, a missing exit marker, or the overall timeout.
#
# usage: selftests/check.sh [TEST...]
# env:   KVTI_TIMEOUT  overall seconds (default 3600)
#        KVER          kernel release to boot (default: the newest installed)
#        KVTI_KERNEL_DIR  boot this built kernel instead (make check-debug;
#                      see tools/vm/qemu.sh -K); host unit tests are skipped
#        KVTI_KO       the module the guest loads (default kmod/kvti.ko)
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
VM=$ROOT/build/vm
RESULTS=$VM/results
TIMEOUT=${KVTI_TIMEOUT:-3600}
KERNEL_BAD='Oops|Kernel panic|BUG:|WARNING:|KASAN|UBSAN|ODEBUG|general protection|Call Trace|kernel BUG|unreferenced object|possible circular locking|suspicious RCU|unregister_netdevice: waiting|refcount_t:'

# Hold the VM lock until the results are read (see tools/vm/qemu.sh).
mkdir -p "$VM"
exec 9>"$VM/lock"
if ! flock -n 9; then
	echo "check.sh: waiting for another VM run in this checkout to end" >&2
	flock 9
fi
export KVTI_VM_LOCKED=1

start=$(date +%s.%N)

# Host-side unit tests first (no VM): the module's pure logic, the tool and
# the keyer.  They run with the full suite only, not for make check T=...
host_passed=0 host_failed=0 host_lines=()
if [ $# = 0 ] && [ -z "${KVTI_KERNEL_DIR:-}" ]; then
	echo "== host unit tests"
	for t in "kmod-replay:make -s -C selftests/unit" \
		 "kmod-checkpatch:selftests/unit/checkpatch.sh" \
		 "kvti-tool:make -s -C tools test" \
		 "keyer:make -s -C keyer test" \
		 "keyer-fuzz:make -s -C keyer fuzz-check"; do
		name=${t%%:*}
		t0=$(date +%s.%N)
		if ${t#*:} >"$VM/host-$name.log" 2>&1; then
			host_passed=$((host_passed + 1)) ok=ok
		else
			host_failed=$((host_failed + 1)) ok="not ok"
			tail -n 40 "$VM/host-$name.log"
		fi
		dt=$(echo "$t0 $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
		host_lines+=("$(printf '  %7ss  %-7s host/%s' "$dt" "$ok" "$name")")
		echo "$ok - host/$name # time=${dt}s"
		# The fuzzers say how many inputs they ran (keyer/fuzz/run.sh).
		sed -n 's/^ok - \(fuzz_.*\)/  # \1/p' "$VM/host-$name.log"
	done
fi

qemu_args=(-t "$TIMEOUT")
if [ -n "${KVTI_KERNEL_DIR:-}" ]; then
	qemu_args+=(-K "$KVTI_KERNEL_DIR")
elif [ -n "${KVER:-}" ]; then
	qemu_args+=(-k "$KVER")
fi
tools/vm/qemu.sh "${qemu_args[@]}" -- selftests/run_tests.sh "$@"
vmrc=$?
total=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')

problems=()
case $vmrc in
0 | 1) ;;
124) problems+=("the VM hit the overall timeout (${TIMEOUT} s; KVTI_TIMEOUT=...)") ;;
125) problems+=("the VM did not report an exit status (boot failure or panic)") ;;
*) problems+=("the runner exited $vmrc") ;;
esac

tap=$RESULTS/tap.txt
passed=0 failed=0 skipped=0 planned=0
if [ -s "$tap" ]; then
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -n1)
	passed=$(grep -E '^ok ' "$tap" | grep -vc '# SKIP')
	skipped=$(grep -Ec '^ok .*# SKIP' "$tap")
	failed=$(grep -Ec '^not ok ' "$tap")
	if grep -q '^Bail out!' "$tap"; then
		problems+=("$(grep -m1 '^Bail out!' "$tap")")
	fi
else
	problems+=("no TAP output from the guest")
fi
reported=$((passed + failed + skipped))
if [ "${planned:-0}" -gt "$reported" ]; then
	last=$(sed -n 's/^# \([^ ]*\) (timeout [0-9]*s)$/\1/p' "$VM/console.log" 2>/dev/null | tail -n1)
	problems+=("only $reported of $planned tests reported${last:+; the VM stopped during $last}")
	failed=$((failed + planned - reported))
fi

# Kernel messages on the console carry a timestamp; test output never does.
bad=$(grep -aE '^\[ *[0-9]+\.[0-9]+\] ' "$VM/console.log" 2>/dev/null | grep -E "$KERNEL_BAD")
[ -z "$bad" ] || problems+=("the kernel complained on the console")

echo
echo "== kvti selftests: per test"
for l in "${host_lines[@]}"; do echo "$l"; done
if [ -s "$tap" ]; then
	awk '/^(not )?ok / {
		ok = ($1 == "ok") ? "ok" : "not ok"
		name = (ok == "ok") ? $4 : $5
		time = "-"
		if (match($0, /time=[0-9.]+s/)) time = substr($0, RSTART + 5, RLENGTH - 5)
		note = ""
		if ($0 ~ /# SKIP/) note = "(skipped)"
		if ($0 ~ /# TIMEOUT/) note = "(timeout)"
		if ($0 ~ /kernel log/) note = "(kernel log)"
		printf "  %8s  %-7s %s %s\n", time, ok, name, note
	}' "$tap"
fi

if [ "$failed" != 0 ] || [ ${#problems[@]} != 0 ]; then
	if [ -s "$RESULTS/dmesg.txt" ]; then
		# From the first test on; the boot log stays in the file.
		echo
		echo "== guest kernel log, from the first test (build/vm/results/dmesg.txt)"
		sed -n '/kvti-selftests: /,$p' "$RESULTS/dmesg.txt"
	fi
	if [ -n "$bad" ]; then
		echo
		echo "== kernel complaints on the console"
		echo "$bad"
	fi
	echo
	for p in "${problems[@]}"; do echo "check.sh: $p"; done
	echo "logs: build/vm/console.log, build/vm/results/logs/"
fi
passed=$((passed + host_passed))
failed=$((failed + host_failed))
[ "$host_failed" = 0 ] || problems+=("$host_failed host unit test(s) failed; logs in build/vm/host-*.log")
echo "$passed passed, $failed failed$([ "$skipped" = 0 ] || echo ", $skipped skipped") (total ${total} s)"
[ "$failed" = 0 ] && [ ${#problems[@]} = 0 ]
