# SPDX-License-Identifier: GPL-2.0
#
# kvti: route-based IPsec virtual tunnel interfaces for Linux.
#
#   make              install missing packages, build kmod/kvti.ko and kvti
#   make check        ... and run the selftests in one VM boot [T=name...]
#   make check-long   the same with the long soak and scale versions (rekey's
#                     150-rekey soak, dvti's 120 spokes, FUZZ_SECONDS of genl
#                     fuzzing, CHURN_COUNT SA cycles) [T=name...]
#   make run          ... and show two gateways talking through kvti (VM)
#   make bench        ... and compare kvti, native XFRM, WireGuard, veth (VM)
#   make debug-kernel build the KASAN/lockdep/kmemleak kernel once (cached)
#   make check-debug  the functional suite on it, kmemleak scanned at the end
#   make fuzz         ... and run the keyer's libFuzzer targets (host), then the
#                     genl fuzzer and SA churn (VM), FUZZ_SECONDS each
#   make deps         install missing Debian packages only
#   make install      module (modules_install), binaries, man pages, the
#                     systemd unit (/lib/systemd/system) [DESTDIR=]
#   make clean
#
# Knobs: KDIR (kernel build tree; default: the newest /lib/modules/*/build),
# KVER (kernel the VM boots; follows KDIR), W=1 (default; W= to drop),
# C=1 (sparse), T (tests for check), TIMEOUT (seconds for the whole VM run),
# KVTI_CACHE (where make debug-kernel keeps its builds; /var/cache/kvti).
# FUZZ_SECONDS and CHURN_COUNT (make fuzz; FUZZ_SEED replays a run).

SHELL	:= /bin/bash

KDIR	?= $(shell ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n1)
KVER	?= $(if $(filter /lib/modules/%/build,$(KDIR)),$(patsubst /lib/modules/%/build,%,$(KDIR)),$(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null))
W	?= 1
T	?=
TIMEOUT	?= 3600
PREFIX	?= /usr
FUZZ_SECONDS ?= 600
CHURN_COUNT ?= 1000000
FUZZ_SEED ?=
DESTDIR	?=

KBUILD	= $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod W=$(W) $(if $(C),C=$(C))

all: module tools keyer

module tools keyer: deps

deps:
	@tools/vm/deps.sh

# Zero warnings: any "warning:" from the compiler, sparse or modpost fails
# the build, and the objects are removed so the next build sees it again.
module:
	@test -n "$(KDIR)" -a -d "$(KDIR)" || { echo "no kernel build tree (KDIR=$(KDIR)); make deps" >&2; exit 1; }
	@mkdir -p build
	@set -o pipefail; $(KBUILD) modules 2>&1 | tee build/kmod.log
	@if grep -qi 'warning:' build/kmod.log; then \
		echo "error: the kernel module build printed warnings (zero-warning policy):" >&2; \
		grep -i 'warning:' build/kmod.log >&2; \
		rm -f kmod/*.o kmod/kvti.ko; \
		exit 1; \
	fi

tools:
	@$(MAKE) -C tools
	@$(MAKE) -C selftests/fuzz

keyer:
	@$(MAKE) -s -C keyer

check: all
	@KVER=$(KVER) KVTI_TIMEOUT=$(TIMEOUT) selftests/check.sh $(T)

# KVTI_LONG=1 picks each test's long version; every test may take an hour.
check-long: all
	@KVER=$(KVER) KVTI_TIMEOUT=$$(( $(TIMEOUT) * 4 )) KVTI_TEST_TIMEOUT=3600 KVTI_LONG=1 \
		KVTI_SPOKES=$${KVTI_SPOKES:-120} KVTI_FUZZ_SECONDS=$(FUZZ_SECONDS) \
		KVTI_CHURN_COUNT=$(CHURN_COUNT) selftests/check.sh $(T)

run: all
	@tools/vm/qemu.sh -k $(KVER) -t $(TIMEOUT) -- bash -c \
		'modprobe -a ip_tunnel udp_tunnel sha512_generic drbg; insmod kmod/kvti.ko && exec bash tools/demo.sh'

# selftests/fuzz.sh and churn.sh, long: FUZZ_SECONDS of fuzzing in all,
# CHURN_COUNT SA add/del cycles.  Same judging as make check (kernel log).
fuzz: all
	@$(MAKE) -s -C keyer fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)
	@KVER=$(KVER) KVTI_TIMEOUT=$$(( $(FUZZ_SECONDS) + 2400 )) \
		KVTI_TEST_TIMEOUT=$$(( $(FUZZ_SECONDS) + 1200 )) \
		KVTI_FUZZ_SECONDS=$(FUZZ_SECONDS) KVTI_CHURN_COUNT=$(CHURN_COUNT) \
		$(if $(FUZZ_SEED),KVTI_FUZZ_SEED=$(FUZZ_SEED)) \
		selftests/check.sh fuzz churn

# Table on the console and in build/vm/results/bench.txt (tools/bench.sh);
# copied to build/bench.txt, since the next VM run empties results/.
# Then the hub's scale (tools/bench_hub.sh: spokes per second, kernel and
# keyer memory per clone, SA and IKE SA at KVTI_BENCH_SPOKES="50 1000");
# `make bench-hub` runs that part alone.
bench: all
	@tools/vm/qemu.sh -k $(KVER) -t $(TIMEOUT) -- bash -c \
		'modprobe -a ip_tunnel udp_tunnel sha512_generic drbg esp4 xfrm_user xfrm_interface wireguard; insmod kmod/kvti.ko && { bash tools/bench.sh; r=$$?; bash tools/bench_hub.sh || r=1; exit $$r; }'; \
		rc=$$?; cp -f build/vm/results/bench*.txt build/ 2>/dev/null; exit $$rc

bench-hub: all
	@tools/vm/qemu.sh -k $(KVER) -t $(TIMEOUT) -- bash -c \
		'insmod kmod/kvti.ko && exec bash tools/bench_hub.sh'; \
		rc=$$?; cp -f build/vm/results/bench_hub.txt build/ 2>/dev/null; exit $$rc

# The debug kernel (tools/vm/debug-kernel.sh): a no-op when it is built.
debug-kernel: deps
	@tools/vm/debug-kernel.sh

# kvti.ko for the debug kernel, built from a copy of kmod/ so that the
# stock build in kmod/ stays as it is.  Same zero-warning rule.
DEBUG_DIR	= $(shell tools/vm/debug-kernel.sh -p)
DEBUG_KMOD	= $(CURDIR)/build/debug/kmod
DEBUG_TIMEOUT	?= 14400

debug-module: debug-kernel
	@mkdir -p $(DEBUG_KMOD)
	@ln -sfn ../../uapi build/debug/uapi
	@cp -p $(filter-out %.mod.c,$(wildcard kmod/*.c)) kmod/*.h kmod/Kbuild $(DEBUG_KMOD)/
	@set -o pipefail; $(MAKE) -C $(DEBUG_DIR)/linux M=$(DEBUG_KMOD) W=$(W) modules 2>&1 | tee build/debug/kmod.log
	@if grep -qi 'warning:' build/debug/kmod.log; then \
		echo "error: the kernel module build printed warnings (zero-warning policy):" >&2; \
		grep -i 'warning:' build/debug/kmod.log >&2; \
		rm -f $(DEBUG_KMOD)/*.o $(DEBUG_KMOD)/kvti.ko; \
		exit 1; \
	fi

check-debug: debug-module tools keyer
	@KVTI_KERNEL_DIR=$(DEBUG_DIR) KVTI_KO=$(DEBUG_KMOD)/kvti.ko \
		KVTI_TIMEOUT=$(DEBUG_TIMEOUT) selftests/check.sh $(T)

# Unsigned: Debian's signing key is not in the headers package.  depmod
# only for a real install; a DESTDIR is for packaging.
modules_install: module
	$(KBUILD) CONFIG_MODULE_SIG_ALL= $(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR)) modules_install
	$(if $(DESTDIR),,depmod -a $(KVER))

install: modules_install tools keyer
	$(MAKE) -C tools install PREFIX=$(PREFIX) SBINDIR=$(PREFIX)/sbin DESTDIR=$(DESTDIR)
	$(MAKE) -C keyer install PREFIX=$(PREFIX) SBINDIR=$(PREFIX)/sbin DESTDIR=$(DESTDIR)

clean:
	@if [ -d "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR)/kmod clean; fi
	@$(MAKE) -C tools clean
	@$(MAKE) -C selftests/fuzz clean
	@$(MAKE) -s -C keyer clean
	rm -rf build

.PHONY: all deps module tools keyer check run bench bench-hub fuzz debug-kernel debug-module \
	check-debug check-long modules_install install clean
