#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the debug kernel for `make check-debug` (KASAN, UBSAN, lockdep,
# PROVE_RCU, kmemleak, debug objects, refcount trackers, fault injection)
# from Debian's linux-source-6.1, once, into a cache outside the work tree.
#
# usage: tools/vm/debug-kernel.sh [-p]
#   -p  only print the cache directory the current inputs map to
# env:  KVTI_CACHE  cache root (default /var/cache/kvti)
#       JOBS        parallel jobs (default: nproc)
#
# Config: Debian's /boot/config-<stock>, trimmed by localmodconfig to the
# modules in tools/vm/debug-modules.txt (lsmod format: what the suite,
# make bench and strongSwan load), then tools/vm/debug.config merged over
# it.  tools/vm/debug-patches/*.patch are applied to the source first, in
# name order (annotations the debug options need; each says why).  The
# cache directory is named after the source package version and a hash of
# those inputs and this script; it holds:
#   linux/         the built tree (KDIR for kvti.ko)
#   bzImage        the kernel
#   root/lib/modules/<release>/   its modules (the VM bind-mounts them)
#   release        the kernel release string
#   ok             written last: the build is complete
# A second call with nothing changed prints the directory and does nothing.
# The newest complete build is also linked as $KVTI_CACHE/debug.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${KVTI_CACHE:-/var/cache/kvti}
JOBS=${JOBS:-$(nproc)}
TARBALL=/usr/src/linux-source-6.1.tar.xz
FRAG=$HERE/debug.config
MODLIST=$HERE/debug-modules.txt
PATCHES=("$HERE"/debug-patches/*.patch)
[ -e "${PATCHES[0]}" ] || PATCHES=()

[ -r "$TARBALL" ] || { echo "debug-kernel: no $TARBALL (make deps)" >&2; exit 1; }
SRCVER=$(dpkg-query -W -f='${Version}' linux-source-6.1)
STOCK=$(ls /boot/config-* 2>/dev/null | sort -V | tail -n1)
[ -n "$STOCK" ] || { echo "debug-kernel: no /boot/config-* (make deps)" >&2; exit 1; }

key=$( { echo "$SRCVER"; cat "$STOCK" "$FRAG" "$MODLIST" "$0" ${PATCHES[@]+"${PATCHES[@]}"}; } | sha256sum | cut -c1-12)
DIR=$CACHE/debug-$SRCVER-$key

if [ "${1:-}" = -p ]; then
	echo "$DIR"
	exit 0
fi
if [ -e "$DIR/ok" ]; then
	echo "debug-kernel: up to date: $DIR ($(cat "$DIR/release"))"
	ln -sfn "$DIR" "$CACHE/debug"
	exit 0
fi

start=$(date +%s)
mkdir -p "$CACHE"
# One build per cache directory at a time.
exec 8>"$CACHE/.lock-$key"
flock 8
[ -e "$DIR/ok" ] && { ln -sfn "$DIR" "$CACHE/debug"; exit 0; }

# A half-built tree from an interrupted run is reused: make picks up
# where it stopped.  Only a missing or unextracted tree is unpacked.
SRC=$DIR/linux
if [ ! -e "$SRC/.extracted" ]; then
	rm -rf "$SRC"
	mkdir -p "$SRC"
	echo "  UNTAR   $TARBALL"
	tar -xJf "$TARBALL" -C "$SRC" --strip-components=1
	for p in ${PATCHES[@]+"${PATCHES[@]}"}; do
		echo "  PATCH   $(basename "$p")"
		patch -s -p1 -d "$SRC" <"$p"
	done
	touch "$SRC/.extracted"
fi

cd "$SRC"
if [ ! -e .config.kvti ]; then
	echo "  CONFIG  $STOCK, localmodconfig, $(basename "$FRAG")"
	cp "$STOCK" .config
	make -s olddefconfig >/dev/null
	# localmodconfig asks nothing once olddefconfig has answered.
	grep -v '^#' "$MODLIST" | sed 's/$/ 0 0/' >"$DIR/lsmod"
	make -s LSMOD="$DIR/lsmod" localmodconfig </dev/null >/dev/null 2>"$DIR/localmodconfig.log" || {
		cat "$DIR/localmodconfig.log" >&2; exit 1; }
	scripts/kconfig/merge_config.sh -m .config "$FRAG" >"$DIR/merge.log"
	make -s olddefconfig >/dev/null
	# Every option the fragment sets must have survived olddefconfig.
	missing=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*) continue ;;
		esac
		opt=${want#\# }; opt=${opt%%[= ]*}
		got=$(grep -E "^($opt=|# $opt is not set)" .config || echo "# $opt is not set")
		if [ "$got" != "$want" ]; then
			# Unset and absent are the same thing.
			case "$want$got" in
			"# $opt is not set# $opt is not set") continue ;;
			esac
			echo "debug-kernel: $want did not stick (config has: $got)" >&2
			missing=1
		fi
	done <"$FRAG"
	[ $missing = 0 ] || exit 1
	cp .config .config.kvti
fi

echo "  BUILD   bzImage modules (-j$JOBS; about 40 minutes on 2 cores)"
make -s -j"$JOBS" bzImage modules >"$DIR/build.log" 2>&1 || {
	tail -n 40 "$DIR/build.log" >&2; exit 1; }
# A build interrupted at the wrong moment leaves an object whose exports
# have no version (CRC 0 in Module.symvers); the modules that use them
# then fail to load ("no symbol version for ...").  Rebuild those
# directories once, then refuse to go on if any is left.
unversioned() { awk '$1 == "0x00000000" { print $3 }' Module.symvers | sort -u; }
bad=$(unversioned)
if [ -n "$bad" ]; then
	echo "  REBUILD $(echo $bad) (exports without a version: an interrupted build)"
	for m in $bad; do
		rm -f "$(dirname "$m")"/*.o "$(dirname "$m")"/.*.o.cmd "$m.ko"
	done
	make -s -j"$JOBS" modules >>"$DIR/build.log" 2>&1 || {
		tail -n 40 "$DIR/build.log" >&2; exit 1; }
	bad=$(unversioned)
	[ -z "$bad" ] || { echo "debug-kernel: exports still without a version in $bad" >&2; exit 1; }
fi
release=$(make -s kernelrelease)
rm -rf "$DIR/root"
make -s INSTALL_MOD_PATH="$DIR/root" INSTALL_MOD_STRIP=1 modules_install >/dev/null
# The module tree's build link points at the built source, like
# /lib/modules/<release>/build on an installed system.
ln -sfn "$SRC" "$DIR/root/lib/modules/$release/build"
cp arch/x86/boot/bzImage "$DIR/bzImage"
echo "$release" >"$DIR/release"
touch "$DIR/ok"
ln -sfn "$DIR" "$CACHE/debug"
echo "debug-kernel: built $release in $(( ($(date +%s) - start) / 60 )) min: $DIR"
