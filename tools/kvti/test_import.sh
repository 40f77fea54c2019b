#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kvti import-ios on the IOS configurations of tests/ios/, which follow the
# configuration examples of Cisco's guides (each says which in its first
# lines).  For each FIXTURE.cfg:
#  - with FIXTURE.err: the import is refused (exit 1, nothing on stdout),
#    stderr is FIXTURE.err, naming each line with its number; --force
#    imports the rest (exit 0) and prints FIXTURE.out;
#  - without: exit 0, nothing on stderr, stdout is FIXTURE.out;
#  - -o DIR writes the same keyer.conf (mode 0600) and setup.sh (0755, a
#    shell script), and kvti-keyer --check accepts the keyer.conf.
# Then: no key ever on stderr, stdin, usage errors.  The VM test
# selftests/importios.sh brings the tunnels up.
#
# Usage: test_import.sh path/to/kvti path/to/kvti-keyer
#        UPDATE=1 test_import.sh ...   rewrites the .out and .err files

KVTI=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
KEYER=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
DIR=$(cd "$(dirname "$0")/tests/ios" && pwd)
n=0
failed=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -z "$2" ] || sed 's/^/#   /' "$2"
}
# check DESC CMD...: passes if CMD exits 0
check() {
	desc=$1
	shift
	if "$@" >"$T/check.out" 2>&1; then ok "$desc"; else not_ok "$desc" "$T/check.out"; fi
}
# same DESC EXPECTED-FILE ACTUAL-FILE
same() {
	if [ -n "$UPDATE" ]; then
		cp "$3" "$2"
		ok "$1 (updated $(basename "$2"))"
	elif diff -u "$2" "$3" >"$T/diff"; then
		ok "$1"
	else
		not_ok "$1" "$T/diff"
	fi
}
# status DESC WANT CMD...: CMD's exit status is WANT; its stdout and
# stderr are left in $T/out and $T/err
status() {
	desc=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	if [ "$got" = "$want" ]; then
		ok "$desc"
	else
		echo "exit status $got, want $want" >"$T/why"
		cat "$T/err" >>"$T/why"
		not_ok "$desc" "$T/why"
	fi
}

cd "$DIR" || exit 1

# The fixtures and the examples of ../shared/cisco/003_ef38c4bc03a0bd55.txt
# (Security Configuration Guide 12.2SR) they follow:
#   static-ikev1.cfg   "Static Virtual Tunnel Interface with IPsec: Example",
#                      C7206: "crypto isakmp key Cisco12345 address 0.0.0.0 0.0.0.0"
#   static-ikev2.cfg   the same layout with crypto ikev2 blocks, and IPsec
#                      Preferred Peer's "set peer 10.1.1.1 default"
#   hub-dvti.cfg       "Dynamic Virtual Tunnel Interface Easy VPN Server:
#                      Example": "interface Virtual-Template1 type tunnel"
#   hub-vrf-ikev1.cfg  "VRF-Aware IPsec with Dynamic VTI: Example":
#                      "ip vrf forwarding test-vti1"
#   hub-fvrf.cfg       the DMVPN chapter's "Router (config-if)# tunnel vrf RED",
#                      and "Upgrade from Previous Versions": "crypto keyring
#                      VPN1-KEYS vrf VPN1", "match identity address 172.21.25.74 VPN1"
#   unsupported.cfg    "Global Expanding and Disabling of an Anti-Replay Window:
#                      Example": "crypto map mymap 10 ipsec-isakmp"

# 1. every fixture: its output, byte for byte; -o DIR; the keyer's check
for cfg in *.cfg; do
	f=${cfg%.cfg}
	if [ -f "$f.err" ]; then
		status "$f: refused, exit 1" 1 "$KVTI" import-ios "$cfg"
		check "$f: nothing on stdout when refused" test ! -s "$T/out"
		same "$f: the lines reported, with their numbers" "$f.err" "$T/err"
		status "$f: --force imports the rest, exit 0" 0 "$KVTI" import-ios --force "$cfg"
		# the same lines as warnings, then how many were left out
		grep -v '^Warning: ' "$T/err" >"$T/forced"
		grep -v '^Error: ' "$f.err" >"$T/refused"
		check "$f: --force lists the same lines" cmp "$T/refused" "$T/forced"
		check "$f: --force ends with a warning" grep -q '^Warning: .* not imported (--force)' \
			"$T/err"
		same "$f: --force output" "$f.out" "$T/out"
		force=--force
	else
		status "$f: imported, exit 0" 0 "$KVTI" import-ios "$cfg"
		check "$f: nothing on stderr" test ! -s "$T/err"
		same "$f: output" "$f.out" "$T/out"
		force=
	fi
	cp "$T/out" "$T/stdout"
	rm -rf "$T/o"
	status "$f: -o DIR" 0 "$KVTI" import-ios $force -o "$T/o" "$cfg"
	sed -n '2,/^# ==== setup.sh ====$/p' "$T/stdout" | sed '$d' >"$T/conf"
	sed '1,/^# ==== setup.sh ====$/d' "$T/stdout" >"$T/setup"
	check "$f: -o DIR/keyer.conf is stdout's keyer.conf" cmp "$T/conf" "$T/o/keyer.conf"
	check "$f: -o DIR/setup.sh is stdout's setup.sh" cmp "$T/setup" "$T/o/setup.sh"
	check "$f: keyer.conf is mode 0600 (it holds keys)" \
		test "$(stat -c %a "$T/o/keyer.conf")" = 600
	check "$f: setup.sh is mode 0755" test "$(stat -c %a "$T/o/setup.sh")" = 755
	check "$f: setup.sh is #!/bin/sh with set -e" \
		sh -c "head -n1 '$T/o/setup.sh' | grep -qx '#!/bin/sh' && grep -qx 'set -e' '$T/o/setup.sh'"
	check "$f: setup.sh is valid sh" sh -n "$T/o/setup.sh"
	check "$f: kvti-keyer --check accepts keyer.conf" "$KEYER" --check -c "$T/o/keyer.conf"
done

# 2. an unsupported line is reported with its number: the issue's three kinds
check "a crypto map, at its line" grep -qx \
	'unsupported.cfg:20: unsupported: crypto map mymap 10 ipsec-isakmp (crypto maps are policy-based IPsec; kvti is route-based: configure a VTI instead)' \
	unsupported.err
check "an AH transform, at its line" grep -q \
	'^unsupported.cfg:17: unsupported: crypto ipsec transform-set strong ah-sha-hmac .*AH (ah-sha-hmac)' \
	unsupported.err
check "an unknown crypto keyword, at its line" grep -q \
	'^unsupported.cfg:14: unsupported: crypto isakmp fragmentation (not an IPsec VTI command' \
	unsupported.err
check "an unknown ipsec profile command, at its line" grep -q \
	'^unsupported.cfg:27: unsupported: set security-association level per-host' unsupported.err
check "a tunnel command kvti lacks, at its line" grep -q \
	'^unsupported.cfg:44: unsupported: tunnel ttl 64 (not a tunnel command' unsupported.err
check "a plain GRE tunnel is none of our business" sh -c '! grep -q "tunnel key" unsupported.err'
check "the count of lines reported" grep -qx \
	'Error: 11 lines of unsupported.cfg cannot be imported; nothing written (--force writes the rest)' \
	unsupported.err

# 3. keys: in keyer.conf, never on stderr
"$KVTI" import-ios unsupported.cfg >/dev/null 2>"$T/err"
"$KVTI" import-ios --force unsupported.cfg >"$T/out" 2>>"$T/err"
check "an encrypted key is shown as <key>" grep -q 'crypto isakmp key 6 <key> address 192.0.2.3' \
	"$T/err"
check "no key on stderr" sh -c "! grep -E 'FLgBaJHX|cisco123' '$T/err'"
check "the clear key is in keyer.conf" grep -q 'pre-shared-key = "cisco123"' "$T/out"

# 4. stdin, help, usage errors (exit 2), what cannot be read (exit 1)
status "FILE - reads stdin" 0 "$KVTI" import-ios - <static-ikev1.cfg
check "stdin: named so in the output" grep -q 'from stdin' "$T/out"
status "import-ios help" 0 "$KVTI" import-ios help
check "help: the usage" grep -q 'Usage: kvti import-ios \[--force\] \[-o DIR\] FILE' "$T/out"
status "the object abbreviated: import" 0 "$KVTI" import static-ikev1.cfg
status "no FILE: usage error" 2 "$KVTI" import-ios
check "no FILE: says so" grep -q 'missing FILE' "$T/err"
status "two FILEs: usage error" 2 "$KVTI" import-ios a.cfg b.cfg
status "-o without DIR: usage error" 2 "$KVTI" import-ios static-ikev1.cfg -o
status "an unknown option: usage error" 2 "$KVTI" import-ios --bogus static-ikev1.cfg
check "an unknown option: named" grep -q 'unknown option "--bogus"' "$T/err"
status "a FILE that is not there: exit 1" 1 "$KVTI" import-ios "$T/none.cfg"
check "... with the reason" grep -q "cannot read $T/none.cfg: No such file" "$T/err"
printf 'hostname r1\ninterface GigabitEthernet0/0\n ip address 192.0.2.1 255.255.255.0\n' \
	>"$T/novti.cfg"
status "a FILE without VTI: exit 1" 1 "$KVTI" import-ios "$T/novti.cfg"
check "... with the reason" grep -q 'has no IPsec VTI' "$T/err"

# 5. the reader: IOS's block rules on small configurations
# imp NAME <<EOF: imports stdin as $T/NAME.cfg; status, $T/out and $T/err
imp() { cat >"$T/$1.cfg"; "$KVTI" import-ios "$T/$1.cfg" >"$T/out" 2>"$T/err"; }
VTI='crypto ikev2 keyring K
 peer P
  address 192.0.2.2
  pre-shared-key k
crypto ikev2 profile I
 match identity remote address 192.0.2.2 255.255.255.255
 authentication remote pre-share
 authentication local pre-share
 keyring local K
crypto ipsec transform-set T esp-gcm 128
crypto ipsec profile P
 set transform-set T
 set ikev2-profile I
interface Tunnel7
 tunnel source 192.0.2.1
 tunnel destination 192.0.2.2
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile P'
imp banner <<EOF
banner motd ^C
crypto map in a banner is text
^C
$VTI
EOF
check "a banner's text is skipped" test ! -s "$T/err"
imp margin <<EOF
$VTI
crypto ipsec profile P
set pfs group20
ip route 203.0.113.0 255.255.255.0 Tunnel7
EOF
check "a profile command at the margin stays in the profile" grep -q 'pfs = ecp384' "$T/out"
check "... and a global one after it is global" grep -q 'ip route add 203.0.113.0/24 dev vti7' \
	"$T/out"
imp unknown <<EOF
$VTI
crypto ipsec profile P
 set frobnicate 3
EOF
check "an unknown profile command: reported at its line" grep -q \
	"unknown.cfg:20: unsupported: set frobnicate 3 (not a crypto ipsec profile command" "$T/err"
imp abbrev <<EOF
interface GigabitEthernet0/0
 ip address 192.0.2.1 255.255.255.0
$VTI
interface Tunnel7
 tunnel source Gi0/0
ip route 203.0.113.0 255.255.255.0 Tunnel 7 200 tag 7
EOF
check "tunnel source Gi0/0: GigabitEthernet0/0's address" grep -q \
	'kvti tunnel add vti7 local 192.0.2.1 remote 192.0.2.2' "$T/out"
check "ip route ... Tunnel 7 200 tag 7: metric and realm" grep -q \
	'ip route add 203.0.113.0/24 dev vti7 metric 200 realms 7' "$T/out"
imp nosource <<EOF
$VTI
interface Tunnel7
 tunnel source Loopback9
EOF
check "a tunnel source the file lacks: unresolved, at its line" grep -q \
	'nosource.cfg:20: unresolved: tunnel source Loopback9: no interface Loopback9' "$T/err"
imp dhcp <<EOF
interface GigabitEthernet0/0
 ip address dhcp
$VTI
interface Tunnel7
 tunnel source GigabitEthernet0/0
EOF
check "a tunnel source with a DHCP address: unresolved" grep -q \
	'tunnel source GigabitEthernet0/0: GigabitEthernet0/0 has no IPv4 address in the file (it is dhcp' \
	"$T/err"
imp weak <<EOF
crypto ikev2 proposal W
 encryption aes-cbc-128 des
 integrity sha1 md5
 group 5 14
crypto ikev2 policy W
 proposal W
$VTI
EOF
check "IKEv2: des and md5 left out of a list, with a note" grep -q \
	'line 2: des is not offered by kvti-keyer: left out' "$T/out"
check "IKEv2: group 5 noted, and modp2048 once" grep -q \
	'proposals = aes128-sha1-modp2048$' "$T/out"
imp pfs <<EOF
$VTI
crypto ipsec profile P
 set pfs
 set security-association replay disable
EOF
check "set pfs alone is group 1: modp2048" grep -q 'pfs = modp2048' "$T/out"
check "... noted" grep -q 'line 20: DH group 1 (modp768) is not offered by kvti-keyer' "$T/out"
check "replay disable" grep -q 'replay-window = disable' "$T/out"
imp kbdisable <<EOF
$VTI
crypto ipsec profile P
 set security-association lifetime kilobytes disable
EOF
check "lifetime kilobytes disable: reported" grep -q \
	'kbdisable.cfg:20: unsupported: set security-association lifetime kilobytes disable' "$T/err"

imp ipv6 <<EOF
interface GigabitEthernet0/0
 ipv6 address FE80::1 link-local
 ipv6 address 2001:db8::1/64
ip host HUB6 2001:db8::2
$VTI
interface Tunnel7
 tunnel source GigabitEthernet0/0
 tunnel destination HUB6
 tunnel mode ipsec ipv6
 ipv6 address 2001:db8:ffff::1/64
 shutdown
crypto ikev2 keyring K
 peer P6
  address 2001:db8::2/128
  pre-shared-key k6
ipv6 route 2001:db8:2::/48 Tunnel7
EOF
check "IPv6 outer: the source interface's global IPv6 address, ip host's" grep -q \
	'kvti tunnel add vti7 local 2001:db8::1 remote 2001:db8::2' "$T/out"
check "IPv6 outer: the IKEv2 keyring's IPv6 peer" grep -q 'peer 2001:db8::2 { pre-shared-key = "k6" }' \
	"$T/out"
check "shutdown: the tunnel is made, not set up" sh -c \
	"grep -q '# shutdown: not set up' '$T/out' && ! grep -q 'link set vti7 up' '$T/out'"
# impf NAME <<EOF: the same with --force
impf() { cat >"$T/$1.cfg"; "$KVTI" import-ios --force "$T/$1.cfg" >"$T/out" 2>"$T/err"; }
impf ivrf <<EOF
crypto ipsec df-bit clear
$VTI
interface Tunnel7
 ip vrf forwarding CUST
 ip address 198.51.100.1 255.255.255.252
ip route vrf CUST 203.0.113.0 255.255.255.0 Tunnel7
ip route vrf OTHER 203.0.113.128 255.255.255.128 Tunnel7
EOF
check "ip vrf forwarding: a VRF, the tunnel in it" sh -c \
	"grep -q 'ip link add CUST type vrf table 100' '$T/out' && grep -q 'ip link set vti7 master CUST' '$T/out'"
check "crypto ipsec df-bit clear: df-bit clear" grep -q 'remote 192.0.2.2 df-bit clear$' "$T/out"
check "ip route vrf CUST ... Tunnel7: into the VRF's table" grep -q \
	'ip route add 203.0.113.0/24 dev vti7 table 100' "$T/out"
check "ip route vrf OTHER ... Tunnel7: unresolved, Tunnel7 is not in it" grep -q \
	'ivrf.cfg:24: unresolved: ip route vrf OTHER 203.0.113.128 255.255.255.128 Tunnel7: Tunnel7 is not in VRF OTHER' \
	"$T/err"

impf exit <<EOF
crypto ikev2 keyring K
 peer Q
  address 192.0.2.9
  pre-shared-key q
  exit
 peer P
  address 192.0.2.2
  pre-shared-key k
  exit
 exit
crypto ikev2 profile I
 match identity remote address 192.0.2.2 255.255.255.255
 authentication remote pre-share
 authentication local pre-share
 keyring local K
 exit
crypto ipsec transform-set T esp-gcm 128
crypto ipsec profile P
 set transform-set T
 set ikev2-profile I
 exit
interface Tunnel7
 tunnel source 192.0.2.1
 tunnel destination 192.0.2.2
 tunnel mode ipsec ipv4
 tunnel protection ipsec profile P
 no tunnel protection ipsec initiate
 exit
EOF
check "exit leaves a peer, then a block, as in IOS" grep -q 'peer 192.0.2.9 { pre-shared-key = "q" }' \
	"$T/out"
check "no tunnel protection ipsec initiate: reported, with what to do instead" grep -q \
	'exit.cfg:27: unsupported: no tunnel protection ipsec initiate (kvti.s responder-only belongs to the ipsec profile' \
	"$T/err"
check "... and nothing else" test "$(grep -c 'exit.cfg:[0-9]' "$T/err")" = 1

# 6. front-door VRFs (tunnel vrf): hub-fvrf.cfg, then the checks one by one
check "hub-fvrf: tunnel vrf INET-A is the template's fvrf" \
	grep -q '^	fvrf = INET-A	# tunnel vrf, line 72$' hub-fvrf.out
check "hub-fvrf: ... the VRF made, then the template's underlay (dev INET-A)" sh -c \
	"grep -q '^ip link show INET-A .* ip link add INET-A type vrf table 100$' hub-fvrf.out &&
	 grep -q '^kvti tunnel add vt1 local 192.0.2.1 dev INET-A template$' hub-fvrf.out"
check "hub-fvrf: the tunnel source's ip vrf forwarding INET-A: its enslaving, for the operator" \
	grep -qx '# ip link set GigabitEthernet0/1.10 master INET-A' hub-fvrf.out
check "hub-fvrf: the keyring bound to INET-B is the profile's of the template in INET-B" \
	sh -c "sed -n '/^ike-profile CUST-B/,/^}/p' hub-fvrf.out | grep -q 'keyring = KEYS-B'"
# v1 NAME [SED] <LINES: an IKEv1 tunnel in front-door VRF INET (its keyring
# bound to it, line 1; its match identity, line 9; tunnel vrf, line 18),
# edited by SED, then LINES; imported with --force
V1='crypto keyring K vrf INET
 pre-shared-key address 192.0.2.2 key k
crypto isakmp policy 1
 encr aes
 authentication pre-share
 group 14
crypto isakmp profile I
 keyring K
 match identity address 192.0.2.2 255.255.255.255 INET
crypto ipsec transform-set T esp-gcm 128
crypto ipsec profile P
 set transform-set T
 set isakmp-profile I
interface Tunnel7
 tunnel source 192.0.2.1
 tunnel destination 192.0.2.2
 tunnel mode ipsec ipv4
 tunnel vrf INET
 tunnel protection ipsec profile P'
v1() { { echo "$V1" | sed "${2:-}"; cat; } | impf "$1"; }
# 6.1 the tunnel alone: imported; a source address names no interface
v1 fvrf </dev/null
check "tunnel vrf INET: imported, nothing reported" test ! -s "$T/err"
check "... kvti tunnel add ... dev INET, after the VRF is made" sh -c \
	"grep -A1 '^# tunnel vrf INET: a VRF, table 100' '$T/out' | grep -q 'ip link add INET type vrf' &&
	 grep -q '^kvti tunnel add vti7 local 192.0.2.1 remote 192.0.2.2 dev INET$' '$T/out'"
check "... the uplink to enslave, for the operator" grep -q \
	'# before kvti-keyer starts: ip link set UPLINK master INET' "$T/out"
check "... no interface named for it: the source is an address" sh -c "! grep -q '^# UPLINK is' '$T/out'"
# 6.2 the same name as FVRF and IVRF: one VRF device
printf 'interface Tunnel7\n ip vrf forwarding INET\n' | v1 same
check "tunnel vrf INET and ip vrf forwarding INET: one VRF" sh -c \
	"grep -q '^# ip vrf forwarding INET, tunnel vrf INET: a VRF, table 100' '$T/out' &&
	 [ \$(grep -c 'ip link add' '$T/out') = 1 ] && grep -q 'ip link set vti7 master INET' '$T/out'"
# 6.3-6.5 a keyring bound elsewhere, or to no VRF; a match identity in another VRF
v1 kvrf 's/^crypto keyring K vrf INET$/crypto keyring K vrf OTHER/' </dev/null
check "a keyring bound to another VRF: unresolved, at tunnel vrf, with the keyring's line" grep -q \
	'kvrf.cfg:18: unresolved: Tunnel7: tunnel vrf INET, but its keyring K (line 1) is bound to vrf OTHER: IOS uses a keyring only for IKE in its VRF' \
	"$T/err"
v1 kglobal 's/^crypto keyring K vrf INET$/crypto keyring K/' </dev/null
check "a keyring bound to no VRF: unresolved" grep -q \
	'kglobal.cfg:18: unresolved: Tunnel7: tunnel vrf INET, but its keyring K (line 1) is bound to no VRF' \
	"$T/err"
v1 mvrf '9s/ INET$/ OTHER/' </dev/null
check "match identity address ... OTHER: unresolved, with its line" grep -q \
	'mvrf.cfg:18: unresolved: Tunnel7: tunnel vrf INET, but crypto isakmp profile I matches peers in vrf OTHER (line 9)' \
	"$T/err"
# 6.6 the tunnel source an interface in another VRF
printf 'interface GigabitEthernet0/1\n ip vrf forwarding OTHER\n ip address 192.0.2.1 255.255.255.0\ninterface Tunnel7\n tunnel source GigabitEthernet0/1\n' |
	v1 src
check "a tunnel source in another VRF: unresolved" grep -q \
	'src.cfg:18: unresolved: Tunnel7: tunnel vrf INET, but its tunnel source GigabitEthernet0/1 is in VRF OTHER (line 21)' \
	"$T/err"
# 6.7 a keyring bound to a VRF no tunnel is in: converted, noted, accepted
printf 'crypto keyring SPARE vrf LAB\n pre-shared-key address 192.0.2.9 key s\n' | v1 spare
check "a keyring in a VRF no tunnel is in: converted" grep -q '^keyring SPARE {' "$T/out"
check "... with a note" grep -q \
	'^# note: line 20: crypto keyring SPARE is bound to vrf LAB, which is no' "$T/out"
sed -n '2,/^# ==== setup.sh ====$/p' "$T/out" | sed '$d' >"$T/spare.conf"
check "... and kvti-keyer --check accepts it" "$KEYER" --check -c "$T/spare.conf"
# 6.8 an isakmp profile's vrf: the inside VRF, or a conflict with ip vrf forwarding
printf 'crypto isakmp profile I\n vrf CUST\n' | v1 pvrf
check "an isakmp profile's vrf CUST: the tunnel's inside VRF" sh -c \
	"grep -q 'ip link set vti7 master CUST' '$T/out' &&
	 grep -q '^# note: line 21: vrf CUST of crypto isakmp profile I is the inside VRF of Tunnel7' '$T/out'"
printf 'crypto isakmp profile I\n vrf CUST\ninterface Tunnel7\n ip vrf forwarding OTHER\n' | v1 pvrf2
check "... and another ip vrf forwarding: unresolved" grep -q \
	'pvrf2.cfg:23: unresolved: Tunnel7: ip vrf forwarding OTHER, but its crypto isakmp profile I has vrf CUST (line 21)' \
	"$T/err"
# 6.9 IKEv1 without a profile: the keys of the tunnels' FVRF, which must be one
impf implicit <<EOF
crypto isakmp policy 1
 encr aes
 authentication pre-share
 group 14
crypto isakmp key g address 192.0.2.4
crypto keyring KA vrf A
 pre-shared-key address 192.0.2.2 key a
crypto keyring KB vrf B
 pre-shared-key address 192.0.2.3 key b
crypto ipsec transform-set T esp-gcm 128
crypto ipsec profile P
 set transform-set T
interface Tunnel1
 tunnel source 192.0.2.1
 tunnel destination 192.0.2.2
 tunnel mode ipsec ipv4
 tunnel vrf A
 tunnel protection ipsec profile P
EOF
check "no isakmp profile, tunnel vrf A: the keyring bound to A" sh -c \
	"test ! -s '$T/err' && sed -n '/^ike-profile ikev1-default/,/^}/p' '$T/out' | grep -q 'keyring = KA'"
check "... the global keys left out, noted" grep -q \
	'^# note: line 5: crypto isakmp key: global keys, which IOS does not use for IKE in vrf A' "$T/out"
{ cat "$T/implicit.cfg"; sed -e '1,12d' -e 's/Tunnel1/Tunnel2/' -e 's/192.0.2.2/192.0.2.3/' \
	-e 's/vrf A$/vrf B/' "$T/implicit.cfg"; } | impf implicit2
check "... two tunnels in two FVRFs: unresolved, both lines" grep -q \
	'implicit2.cfg:23: unresolved: Tunnel2: tunnel vrf B, but Tunnel1 has tunnel vrf A (line 17), and both use IKEv1 without a crypto isakmp profile, which names no keyring: give each front-door VRF a crypto isakmp profile with its keyring' \
	"$T/err"
# 6.10 IKEv2: a profile's match fvrf; a policy's, for the profiles of its VRF only
POL='crypto ikev2 proposal PA
 encryption aes-cbc-256
 integrity sha256
 group 19
crypto ikev2 policy POLA
 match fvrf INET
 proposal PA'
printf '%s\n%s\ncrypto ikev2 profile I\n match fvrf INET\ninterface Tunnel7\n tunnel vrf INET\n' \
	"$POL" "$VTI" | impf fvrf2
check "IKEv2 match fvrf INET, tunnel vrf INET: imported" test ! -s "$T/err"
check "... with the proposals of the policy that has match fvrf INET" grep -q \
	'proposals = aes256-sha256-ecp256$' "$T/out"
printf '%s\n%s\ncrypto ikev2 profile I\n match fvrf INET\n' "$POL" "$VTI" | impf fvrf2bad
check "... without tunnel vrf: unresolved, with match fvrf's line" grep -q \
	'fvrf2bad.cfg:21: unresolved: Tunnel7: no tunnel vrf, but crypto ikev2 profile I has match fvrf INET (line 27)' \
	"$T/err"
check "... and the policy of INET does not apply" grep -q \
	'crypto ikev2 profile I: no crypto ikev2 policy with a proposal applies' "$T/out"

echo "1..$n"
[ "$failed" = 0 ] || echo "# $failed of $n failed"
[ "$failed" = 0 ]
