#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every attribute the uapi header defines (KVTI_A_*, KVTI_LIFE_*, KVTI_STAT_*)
# must have its name in attrs.c, or extack messages would name it by number.
#
# Usage: test_names.sh uapi/linux/kvti.h tools/kvti/attrs.c

header=$1
names=$2
n=0
failed=0

for name in $(grep -oE '^[[:space:]]*KVTI_(A|LIFE|STAT)_[A-Z0-9_]+' "$header" | sed 's/^[[:space:]]*//' | sort -u); do
	n=$((n + 1))
	if grep -q "NAME($name)" "$names"; then
		echo "ok $n - $name"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name has no entry in $(basename "$names")"
	fi
done

echo "1..$n"
[ "$n" -gt 0 ] || { echo "# no names found in $header"; exit 1; }
[ "$failed" -eq 0 ] || exit 1
