#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the keyer's unit tests (TAP programs) and sum up; exit 1 if any
# program failed or crashed.  Usage: run.sh TEST...   (make -C keyer test)
set -u

# Make every sanitizer finding fatal and loud.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

srcdir=$(dirname "$0")
failed=0
total=0
for t in "$@"; do
	name=$(basename "$t")
	total=$((total + 1))
	echo "# $name"
	# Tests that read files (config) find them relative to tests/.
	if (cd "$srcdir" && "$t"); then
		echo "# $name: PASS"
	else
		echo "# $name: FAIL"
		failed=$((failed + 1))
	fi
done
echo "# keyer unit tests: $((total - failed)) of $total programs passed"
[ "$failed" -eq 0 ]
