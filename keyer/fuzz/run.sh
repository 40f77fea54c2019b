#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run each libFuzzer target for SECONDS from its seed corpus and say how
# many inputs it ran.  Usage: run.sh SECONDS FUZZER...
# (make -C keyer fuzz-check | fuzz).  The corpus in the tree is only read:
# new inputs go to a scratch directory that is removed afterwards.  A crash
# fails the run; its input is kept as keyer/fuzz/crash-NAME-* and printed
# in hex, ready to be added to fuzz/corpus/NAME/ once fixed.
set -u
secs=$1
shift
dir=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/keyer-fuzz.XXXXXX)
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=0
# The targets run at once, one process each (a core each on the 2-core
# machines: the same fuzzing in half the wall time), then are reported in
# order.
for f in "$@"; do
	name=$(basename "$f")
	target=${name#fuzz_}
	mkdir -p "$T/$name"
	{
		"$f" -max_total_time="$secs" -print_final_stats=1 -max_len=8192 \
			-artifact_prefix="$dir/crash-$target-" "$T/$name" "$dir/corpus/$target" \
			>"$T/$name.log" 2>&1
		echo $? >"$T/$name.status"
	} &
done
wait
for f in "$@"; do
	name=$(basename "$f")
	target=${name#fuzz_}
	seeds=$dir/corpus/$target
	st=$(cat "$T/$name.status")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/$name.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$T/$name.log")
	cov=$(grep -E '^#[0-9]+' "$T/$name.log" | tail -n1 | sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1 ft \2/p')
	nseeds=$(ls "$seeds" | wc -l)
	if [ "$st" -eq 0 ]; then
		echo "ok - $name: ${execs:-?} inputs in ${secs} s (${rate:-?}/s, $nseeds seeds, ${cov:-?})"
	else
		failed=$((failed + 1))
		echo "not ok - $name: exit $st after ${execs:-?} inputs"
		grep -E 'ERROR|SUMMARY|runtime error|^    #[0-9]' "$T/$name.log" | head -n 30
		for c in "$dir"/crash-"$target"-*; do
			[ -f "$c" ] || continue
			echo "# input $c:"
			od -An -tx1 -v "$c" | tr -d ' \n' | fold -w 64
			echo
		done
	fi
done
[ "$failed" -eq 0 ]
