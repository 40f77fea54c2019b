#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages kvti needs to build and test, if any is
# missing (`make deps`; `make` and `make check` call it).  Fast when
# nothing is missing: one dpkg-query.  The one list of packages is here.
#
# usage: tools/vm/deps.sh [-n]    (-n: only print what is missing)
set -euo pipefail

PACKAGES=(
	# build: kernel module, tool, keyer
	gcc make libc6-dev pkg-config linux-headers-amd64 sparse
	# checkpatch.pl (make check); the debug kernel's source and build tools
	linux-source-6.1 xz-utils flex bison bc libelf-dev cpio
	libnl-3-dev libnl-genl-3-dev libssl-dev
	# the keyer's libFuzzer targets (make check): clang and its fuzzer runtime,
	# which is only a Recommends of clang-14
	clang libclang-rt-14-dev
	# test VM: the kernel it boots, QEMU, the initramfs, the guest's tools
	linux-image-amd64 qemu-system-x86 busybox-static kmod util-linux procps
	iproute2 iputils-ping iperf3 jq python3
	# a NAT between gateways (NAT traversal tests): masquerade, conntrack -F
	nftables conntrack
	# reference peers inside the guest
	strongswan-charon strongswan-swanctl
	libstrongswan-standard-plugins libstrongswan-extra-plugins wireguard-tools
)

missing=()
# dpkg-query fails for a package dpkg has never heard of: that one is missing.
installed=$({ dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null ||
	true; } | awk '$2 == "ii" { print $1 }')
for p in "${PACKAGES[@]}"; do
	grep -qxF -- "$p" <<<"$installed" || missing+=("$p")
done
[ ${#missing[@]} = 0 ] && exit 0

if [ "${1:-}" = -n ]; then
	printf '%s\n' "${missing[@]}"
	exit 1
fi
echo "deps: installing ${missing[*]}"
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -q --no-install-recommends "${missing[@]}"
