#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The command line of kvti(8) without a kernel module: exit statuses, the
# words of usage errors, abbreviations, help.  Each case is
#	STATUS | STDERR-SUBSTRING | ARGS...
# and must print exactly nothing on stdout unless it is a help case.
#
# Usage: test_cli.sh path/to/kvti

KVTI=${1:-./kvti}
n=0
failed=0
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

# expect STATUS PATTERN ARGS...: run kvti ARGS, check status and stderr.
expect() {
	want=$1 pattern=$2
	shift 2
	n=$((n + 1))
	"$KVTI" "$@" >"$out" 2>"$err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		why="exit status $got, want $want"
	elif [ -n "$pattern" ] && ! grep -qF -- "$pattern" "$err"; then
		why="stderr lacks \"$pattern\""
	elif [ "$want" -ne 0 ] && [ -s "$out" ]; then
		why="stdout not empty on failure"
	else
		echo "ok $n - kvti $*"
		return
	fi
	failed=$((failed + 1))
	echo "not ok $n - kvti $* ($why)"
	sed 's/^/#   stderr: /' "$err"
}

# help_ok PATTERN ARGS...: exit 0, usage on stdout containing PATTERN.
help_ok() {
	pattern=$1
	shift
	n=$((n + 1))
	if "$KVTI" "$@" >"$out" 2>"$err" && grep -qF -- "$pattern" "$out" && [ ! -s "$err" ]; then
		echo "ok $n - kvti $* prints help"
	else
		failed=$((failed + 1))
		echo "not ok $n - kvti $* prints help"
	fi
}

# 1. help, in every spelling
help_ok "Usage: kvti [OPTIONS] OBJECT" help
help_ok "Usage: kvti [OPTIONS] OBJECT" -h
help_ok "Usage: kvti [OPTIONS] OBJECT" --help
help_ok "kvti tunnel add NAME" tunnel help
help_ok "kvti tunnel add NAME" t help
help_ok "kvti tunnel add NAME" tunnel add help
help_ok "kvti tunnel del NAME" t d help

help_ok "OBJECT := { tunnel | sa | stats | session | monitor | import-ios }" help
help_ok "kvti sa add dev NAME dir in|out spi SPI" sa help
help_ok "[lifetime seconds|bytes|packets N [soft N]]..." sa add help
help_ok "kvti sa del dev NAME dir in|out spi SPI" sa d help
help_ok "kvti sa flush [dev NAME]" sa help
help_ok "kvti stats clear [dev NAME]" stats help
help_ok "kvti stats show [dev NAME]" st s help
help_ok "Usage: kvti monitor" monitor help
help_ok "Usage: kvti monitor" m help

# 2. usage errors: exit 2, a reason, then the usage
expect 2 "missing OBJECT"
expect 2 "Usage: kvti"
expect 2 'unknown object "bogus"' bogus
expect 2 'unknown command "bogus"' tunnel bogus
expect 2 'unknown option "-x"' -x tunnel show
expect 2 'unknown option "--bogus"' --bogus tunnel show
expect 2 "needs a namespace NAME" -n
expect 2 "missing tunnel NAME" tunnel add
expect 2 "Usage: kvti tunnel add NAME" tunnel add
expect 2 "missing tunnel NAME" tunnel del
expect 2 'unknown keyword "bogus"' tunnel add vti1 bogus 1
expect 2 '"key" needs a value' tunnel add vti1 key
expect 2 '"key" given twice' tunnel add vti1 key 1 key 2
expect 2 'invalid key "4294967296": expected an integer 0..4294967295' tunnel add vti1 key 4294967296
expect 2 'invalid key "0x100000000"' tunnel add vti1 key 0x100000000
expect 2 'invalid key "-1"' tunnel add vti1 key -1
expect 2 'invalid key "7x"' tunnel add vti1 key 7x
expect 2 'invalid key "0x"' tunnel add vti1 key 0x
expect 2 'invalid mtu "4294967296"' tunnel add vti1 mtu 4294967296
expect 2 'invalid replay-window "x"' tunnel add vti1 replay-window x
expect 2 'invalid sport "65536": expected an integer 0..65535' tunnel add vti1 encap udp sport 65536
expect 2 'invalid dport "-1"' tunnel add vti1 encap udp dport -1
expect 2 'invalid df-bit "maybe": expected copy|set|clear' tunnel add vti1 df-bit maybe
expect 2 'invalid encap "tcp": expected none|udp' tunnel add vti1 encap tcp
expect 2 'invalid local "192.0.2"' tunnel add vti1 local 192.0.2
expect 2 'invalid remote "example.com"' tunnel add vti1 remote example.com
expect 2 'sport and dport go with "encap udp"' tunnel add vti1 sport 4500
expect 2 'sport and dport go with "encap udp"' tunnel add vti1 encap none dport 4500
expect 2 'fd goes with "encap udp"' tunnel set vti1 fd 3
expect 2 'invalid fd "3x": expected an integer -2147483648..2147483647' tunnel set vti1 encap udp fd 3x
expect 2 'invalid fd "2147483648"' tunnel set vti1 encap udp fd 2147483648
expect 2 "either a template or made from one" tunnel add vti1 template from vti0
expect 2 'too long (at most 15 characters)' tunnel add abcdefghijklmnop local 192.0.2.1
expect 2 'unexpected "extra"' tunnel del vti1 extra
expect 2 'unexpected "extra"' tunnel show vti1 extra
expect 2 'invalid mtu "big"' tunnel set vti1 mtu big
# usage errors win over everything found later: netns, names, the module
expect 2 'invalid key "x"' -n kvti-test-no-such-netns tunnel add vti1 key x
expect 2 'invalid key "x"' tunnel add vti1 from kvti-no-such key x

# 2a. sa, stats, monitor: every keyword, and what add requires
K=0x00112233445566778899aabbccddeeff01020304
GCM='rfc4106(gcm(aes))'
expect 2 'ambiguous object "s"' s
expect 2 'ambiguous object "s"' s show
expect 2 'unknown object "sx"' sx show
expect 2 'unknown command "bogus"' sa bogus
expect 2 'unknown command "bogus"' stats bogus
expect 2 'unexpected "bogus"' monitor bogus
expect 2 'Usage: kvti monitor' monitor show
expect 2 'missing "dev NAME"' sa add dir out spi 0x1001 aead "$GCM" $K 128
expect 2 'missing "dir in|out"' sa add dev vti1 spi 0x1001 aead "$GCM" $K 128
expect 2 'missing "spi SPI"' sa add dev vti1 dir out aead "$GCM" $K 128
expect 2 'missing the algorithm' sa add dev vti1 dir out spi 0x1001
expect 2 'Usage: kvti sa add dev NAME' sa add dev vti1 dir out spi 0x1001
expect 2 'invalid dev "abcdefghijklmnop"' sa add dev abcdefghijklmnop dir out spi 1 aead "$GCM" $K 128
expect 2 '"dev" needs a value' sa add dev
expect 2 'invalid dir "both": expected in|out' sa add dev vti1 dir both spi 1 aead "$GCM" $K 128
expect 2 'invalid spi "0": expected an integer 1..4294967295' sa add dev vti1 dir in spi 0 aead "$GCM" $K 128
expect 2 'invalid spi "0x100000000"' sa add dev vti1 dir in spi 0x100000000 aead "$GCM" $K 128
expect 2 'invalid spi "4097x"' sa add dev vti1 dir in spi 4097x aead "$GCM" $K 128
expect 2 '"aead" needs ALG KEYHEX ICVBITS' sa add dev vti1 dir in spi 1 aead "$GCM" $K
expect 2 'invalid aead ALG "": expected a name' sa add dev vti1 dir in spi 1 aead "" $K 128
expect 2 'invalid aead KEYHEX: an odd number of hexadecimal digits' sa add dev vti1 dir in spi 1 aead "$GCM" 0x123 128
expect 2 'invalid aead KEYHEX: expected 0x followed by hexadecimal digits' sa add dev vti1 dir in spi 1 aead "$GCM" 0x12zz 128
expect 2 'invalid aead KEYHEX: expected 0x' sa add dev vti1 dir in spi 1 aead "$GCM" 1234 128
expect 2 'invalid aead KEYHEX: expected 0x' sa add dev vti1 dir in spi 1 aead "$GCM" "" 128
expect 2 'invalid aead ICVBITS "x"' sa add dev vti1 dir in spi 1 aead "$GCM" $K x
expect 2 '"enc" needs ALG KEYHEX' sa add dev vti1 dir in spi 1 enc 'cbc(aes)'
expect 2 '"enc" needs "auth ALG KEYHEX TRUNCBITS"' sa add dev vti1 dir in spi 1 enc 'cbc(aes)' 0x00
expect 2 '"auth" needs "enc ALG KEYHEX"' sa add dev vti1 dir in spi 1 auth 'hmac(sha1)' 0x00 96
expect 2 '"auth" needs ALG KEYHEX TRUNCBITS' sa add dev vti1 dir in spi 1 enc 'cbc(aes)' 0x00 auth 'hmac(sha1)' 0x00
expect 2 'invalid enc KEYHEX: an odd number' sa add dev vti1 dir in spi 1 enc 'cbc(aes)' 0x0 auth 'hmac(sha1)' 0x00 96
expect 2 'invalid auth KEYHEX: expected 0x' sa add dev vti1 dir in spi 1 enc 'cbc(aes)' 0x auth 'hmac(sha1)' x00 96
expect 2 'invalid auth TRUNCBITS "-1"' sa add dev vti1 dir in spi 1 enc 'cbc(aes)' 0x auth 'hmac(sha1)' 0x00 -1
expect 2 '"enc" cannot go with "aead"' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 enc 'cbc(aes)' 0x00
expect 2 '"auth" cannot go with "aead"' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 auth 'hmac(sha1)' 0x00 96
expect 2 '"aead" given twice' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 aead "$GCM" $K 128
expect 2 '"esn" given twice' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 esn esn
expect 2 'invalid replay-window "x"' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 replay-window x
expect 2 'invalid idle-time "-5"' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 idle-time -5
expect 2 '"idle-time" needs a value' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 idle-time
expect 2 'invalid lifetime kind "kilobytes": expected seconds|bytes|packets' \
	sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 lifetime kilobytes 4608000
expect 2 '"lifetime" needs seconds|bytes|packets N' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 lifetime seconds
expect 2 'invalid lifetime packets "1e6"' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 lifetime packets 1e6
expect 2 'invalid lifetime seconds soft "x"' \
	sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 lifetime seconds 10 soft x
expect 2 '"lifetime seconds soft" needs a value' \
	sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 lifetime seconds 10 soft
expect 2 '"lifetime bytes" given twice' \
	sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 lifetime bytes 1 soft 1 lifetime bytes 2
expect 2 'unknown keyword "soft"' sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 soft 5
expect 2 'unexpected hexadecimal value where a keyword belongs' \
	sa add dev vti1 dir in spi 1 aead "$GCM" $K 128 $K
expect 2 'missing "spi SPI"' sa del dev vti1 dir in
expect 2 'missing "dev NAME"' sa del dir in spi 1
expect 2 'unknown keyword "aead"' sa del dev vti1 dir in spi 1 aead "$GCM" $K 128
expect 2 'unknown keyword "dir"' sa show dir in
expect 2 'invalid spi "0"' sa show spi 0
expect 2 'unknown keyword "spi"' sa flush spi 1
expect 2 'unknown keyword "vti1"' sa flush vti1
expect 2 'unknown keyword "vti1"' stats show vti1
expect 2 '"dev" needs a value' stats clear dev
expect 2 '"dev" needs a value' stats dev
expect 2 'invalid dev ""' stats show dev ""
# usage errors win over the namespace and the module
expect 2 'invalid aead KEYHEX' -n kvti-test-no-such-netns sa add dev vti1 dir in spi 1 aead "$GCM" 0x1 128

# 2b. a key is never echoed, wherever it stands
hidden() {
	n=$((n + 1))
	"$KVTI" "$@" >"$out" 2>"$err"
	if [ $? -eq 2 ] && [ -s "$err" ] && ! grep -q 5ec2e7 "$err" "$out"; then
		echo "ok $n - key not shown: kvti $*"
	else
		failed=$((failed + 1))
		echo "not ok $n - key not shown: kvti $*"
	fi
}
hidden sa add dev vti1 dir in spi 1 aead "$GCM" 0x5ec2e75ec2e7z 128
hidden sa add dev vti1 dir in spi 1 aead "$GCM" 0x5ec2e75ec2e 128
hidden sa add dev vti1 dir in spi 1 aead "$GCM" 5ec2e75ec2e7 128
hidden sa add dev vti1 dir in spi 1 aead "$GCM" 0x5ec2e75ec2e7 128 0x5ec2e75ec2e7
hidden sa add dev vti1 dir in spi 1 enc 'cbc(aes)' 0x00 auth 'hmac(sha1)' 0x5ec2e7g 96

# 2c. session: its grammar; the keyer is asked only after that
help_ok "kvti session show [--cisco] [PEER | TUNNEL]" session help
help_ok "kvti session up TUNNEL" se up help
expect 2 'missing TUNNEL' --socket /nonexistent/kvti.sock session up
expect 2 'missing TUNNEL' --socket /nonexistent/kvti.sock session down
expect 2 'too many arguments: "vti2"' --socket /nonexistent/kvti.sock session up vti1 vti2
expect 2 'too many arguments: "x"' --socket /nonexistent/kvti.sock session show 192.0.2.1 x
expect 2 'unknown command "bogus"' session bogus
expect 2 'ambiguous object "s"' s show
expect 2 'option --socket needs a PATH' --socket

# 3. failures of the system: exit 1
expect 1 'kvti-keyer is not running (no socket at /nonexistent/kvti.sock)' \
	--socket /nonexistent/kvti.sock session show
expect 1 'kvti-keyer is not running (no socket at /nonexistent/kvti.sock)' \
	--socket /nonexistent/kvti.sock -j session clear 192.0.2.1
KVTI_KEYER_SOCKET=/nonexistent/env.sock \
	expect 1 'kvti-keyer is not running (no socket at /nonexistent/env.sock)' session up vti1
expect 1 'no such tunnel "kvti-no-such"' tunnel add vti1 from kvti-no-such
expect 1 'cannot enter network namespace "kvti-test-no-such-netns"' \
	-n kvti-test-no-such-netns tunnel show
expect 1 'cannot enter network namespace "kvti-test-no-such-netns"' \
	-n kvti-test-no-such-netns sa show
expect 1 'cannot enter network namespace "kvti-test-no-such-netns"' \
	-n kvti-test-no-such-netns monitor

# 4. requests that parse: the module decides.  Without it, that is said.
if [ -d /sys/module/kvti ]; then
	echo "# kvti module loaded: module-absent cases skipped"
else
	nomod='Error: kvti module not loaded (generic netlink family "kvti" not found)'
	expect 1 "$nomod" tunnel show
	expect 1 "$nomod" t s
	expect 1 "$nomod" t
	expect 1 "$nomod" -j -p -s tunnel show vti1
	expect 1 "$nomod" --json --pretty --stats tunnel show
	expect 1 "$nomod" tunnel add vti1 local 192.0.2.1 remote 198.51.100.2 key 7 \
		mtu 1438 df-bit copy replay-window 64 encap udp sport 4500 dport 4500
	# families are not compared here: mixing them is the kernel's refusal
	expect 1 "$nomod" tunnel add vti1 local 192.0.2.1 remote 2001:db8::2
	expect 1 "$nomod" tunnel add vti0 local 2001:db8::1 template
	expect 1 "$nomod" tunnel add vti1 key 0xffffffff replay-window 0x400
	expect 1 "$nomod" tunnel add vti1 mtu 1
	expect 1 "$nomod" tunnel add vti1 from lo
	expect 1 "$nomod" tunnel se vti1 mtu 1400
	expect 1 "$nomod" tunnel de vti1
	expect 1 "$nomod" tunnel delete vti1
	expect 1 "$nomod" tun sh vti1
	expect 1 "$nomod" sa
	expect 1 "$nomod" sa show
	expect 1 "$nomod" -j -s sa show dev vti1 spi 0x1001
	expect 1 "$nomod" sa s spi 4294967295
	expect 1 "$nomod" sa add dev vti1 dir out spi 0x1001 aead "$GCM" $K 128
	expect 1 "$nomod" sa a dev vti1 dir in spi 0x2001 aead "$GCM" 0X${K#0x} 64 esn \
		replay-window 1024 idle-time 60 lifetime seconds 3600 soft 3000 \
		lifetime packets 100 soft 50 lifetime bytes 1000000
	# the kernel refuses reserved SPIs and unknown algorithms, in its words
	expect 1 "$nomod" sa add dev vti1 dir in spi 1 aead 'gcm(nosuch)' $K 100
	expect 1 "$nomod" sa add dev vti1 dir in spi 0x3001 enc 'ecb(cipher_null)' 0x \
		auth 'hmac(sha256)' 0x0011 128
	expect 1 "$nomod" sa add lifetime packets 10 soft 20 spi 0x3001 dir in dev vti1 \
		enc 'cbc(aes)' 0x00 auth 'hmac(sha1)' 0x00 96
	expect 1 "$nomod" sa del dev vti1 dir in spi 0x2001
	expect 1 "$nomod" sa delete dev vti1 dir out spi 0x1001
	expect 1 "$nomod" sa flush
	expect 1 "$nomod" sa f dev vti1
	expect 1 "$nomod" stats
	expect 1 "$nomod" stats show
	expect 1 "$nomod" -j st s dev vti1
	expect 1 "$nomod" stats dev vti1
	expect 1 "$nomod" stats clear
	expect 1 "$nomod" stats c dev vti1
	expect 1 "$nomod" monitor
	expect 1 "$nomod" m
	expect 1 "$nomod" -j monitor
fi

echo "1..$n"
[ "$failed" -eq 0 ] || { echo "# $failed of $n failed"; exit 1; }
