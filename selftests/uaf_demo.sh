#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TEMPORARY (issue 6): with kvti.test_uaf=1 deleting an SA reads it after
# kfree().  `make check-debug T=uaf_demo` must FAIL with a KASAN report.
source "$(dirname "$0")/lib.sh"
ns_add u
check "test_uaf parameter present" test -w /sys/module/kvti/parameters/test_uaf
echo 1 >/sys/module/kvti/parameters/test_uaf
check "tunnel" kvti -n u tunnel add vti1 local 192.0.2.1 remote 192.0.2.2
check "SA add" kvti -n u sa add dev vti1 dir out spi 0x1001 aead "rfc4106(gcm(aes))" 0x000102030405060708090a0b0c0d0e0f10111213 128
check "SA del" kvti -n u sa del dev vti1 dir out spi 0x1001
sleep 3
echo 0 >/sys/module/kvti/parameters/test_uaf
finish
