#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test VM's initramfs: static busybox, tools/vm/init, and the
# modules that mount the host root over virtio-9p with an overlay, in
# dependency order.  Rebuilt only when one of those inputs changed.
#
# usage: initramfs.sh KVER OUTPUT.cpio.gz [MODROOT]
# MODROOT: where lib/modules/KVER is, for a kernel outside the package
# system (default /).  Modules built into that kernel need no file.
set -euo pipefail

KVER=${1:?usage: initramfs.sh KVER OUTPUT.cpio.gz [MODROOT]}
OUT=${2:?usage: initramfs.sh KVER OUTPUT.cpio.gz [MODROOT]}
MODROOT=${3:-/}
HERE=$(cd "$(dirname "$0")" && pwd)
MODULES="virtio_pci 9pnet_virtio 9p overlay"
BUSYBOX=$(command -v busybox || true)

[ -d "$MODROOT/lib/modules/$KVER" ] || { echo "initramfs.sh: no $MODROOT/lib/modules/$KVER" >&2; exit 1; }
[ -n "$BUSYBOX" ] || { echo "initramfs.sh: no busybox (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	echo "initramfs.sh: $BUSYBOX is not static (apt-get install busybox-static)" >&2
	exit 1
fi

# "insmod /lib/modules/.../x.ko" lines; a module may appear twice.
mods=$(modprobe -d "$MODROOT" -S "$KVER" -a --show-depends $MODULES |
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }')

# Everything the archive is made of, by content or mtime: the signature.
sig=$( { echo "$KVER $MODROOT $MODULES"; sha256sum "$HERE/init" "$0";
	 stat -L -c '%n %s %Y' "$BUSYBOX" $mods; } | sha256sum | cut -d' ' -f1)
if [ -s "$OUT" ] && [ "$(cat "$OUT.sig" 2>/dev/null)" = "$sig" ]; then
	exit 0
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,dev,proc,sys,modules}
: >"$stage/modules/order"
cp "$BUSYBOX" "$stage/bin/busybox"
install -m 0755 "$HERE/init" "$stage/init"
for m in $mods; do
	b=$(basename "$m")
	case "$b" in
	*.ko.xz)  xz -dc "$m" >"$stage/modules/${b%.xz}" ;;
	*.ko.zst) zstd -qdc "$m" >"$stage/modules/${b%.zst}" ;;
	*.ko.gz)  gzip -dc "$m" >"$stage/modules/${b%.gz}" ;;
	*)        cp "$m" "$stage/modules/$b" ;;
	esac
	b=${b%.xz}; b=${b%.zst}; b=${b%.gz}
	echo "$b" >>"$stage/modules/order"
done

mkdir -p "$(dirname "$OUT")"
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	"$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) | gzip -1 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$sig" >"$OUT.sig"
echo "  GEN     $OUT ($(echo $mods | wc -w) modules)"
