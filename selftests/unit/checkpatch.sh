#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's sources pass checkpatch.pl --strict (kernel coding style).
# checkpatch comes from Debian's linux-source-6.1 tarball, extracted once
# into build/ (make deps installs the package).
set -euo pipefail
cd "$(dirname "$0")/../.."
tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n1)
[ -n "$tarball" ] || { echo "checkpatch: no /usr/src/linux-source-*.tar.xz (make deps)"; exit 1; }
dir=build/checkpatch/$(basename "$tarball" .tar.xz)
if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
	mkdir -p build/checkpatch
	tar -C build/checkpatch -xJf "$tarball" --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi
files=$(ls kmod/*.c kmod/*.h uapi/linux/kvti.h | grep -v '\.mod\.c$')
# --no-tree: out of tree; the SPDX and MAINTAINERS checks need a tree.
"$dir/scripts/checkpatch.pl" --no-tree --strict --terse --show-types -f $files \
	>build/checkpatch/report.txt || true
if grep -v '^total: 0 errors, 0 warnings, 0 checks' build/checkpatch/report.txt; then
	exit 1
fi
echo "checkpatch --strict: $(echo $files | wc -w) files clean"
