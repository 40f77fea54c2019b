#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# What `make install` puts in place for the keyer, and the systemd side of
# it, on the host:  install.sh KVTI-KEYER
#   - make -C keyer install DESTDIR=...: binary, man pages, unit, example
#   - the man pages render with groff -ww without a warning
#   - the unit names the installed binary; systemd-analyze verify accepts it
#     (skipped where systemd-analyze is missing)
#   - sd_notify by hand: READY=1 after start, RELOADING=1 then READY=1 on
#     SIGHUP, STOPPING=1 on SIGTERM, over a $NOTIFY_SOCKET datagram socket
set -u

KEYER=$(readlink -f "$1")
SRC=$(cd "$(dirname "$0")/.." && pwd)
. "$(dirname "$0")/lib.sh"
workdir keyer-install

D=$T/root
make -s -C "$SRC" install DESTDIR="$D" PREFIX=/usr SBINDIR=/usr/sbin >"$T/make.log" 2>&1
ok $? "make -C keyer install DESTDIR=... PREFIX=/usr"
for f in usr/sbin/kvti-keyer usr/share/man/man8/kvti-keyer.8 usr/share/man/man5/keyer.conf.5 \
	 lib/systemd/system/kvti-keyer.service usr/share/doc/kvti/keyer.conf.example; do
	check "installed: /$f" test -s "$D/$f"
done
check "the binary is executable" test -x "$D/usr/sbin/kvti-keyer"
check "the unit starts /usr/sbin/kvti-keyer -f" \
	grep -q '^ExecStart=/usr/sbin/kvti-keyer -f -c /etc/kvti/keyer.conf$' "$D/lib/systemd/system/kvti-keyer.service"
check "the unit reloads with SIGHUP" grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' \
	"$D/lib/systemd/system/kvti-keyer.service"
check "no @VARIABLE@ left in the unit" sh -c "! grep -q '@[A-Z_]*@' '$D/lib/systemd/system/kvti-keyer.service'"
for m in usr/share/man/man8/kvti-keyer.8 usr/share/man/man5/keyer.conf.5; do
	w=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww "$D/$m" 2>&1 >/dev/null)
	check "$m renders without a warning${w:+: $w}" test -z "$w"
done
check "the example in the tree passes --check" sh -c "'$KEYER' --check -c '$SRC/keyer.conf.example' >/dev/null"

if command -v systemd-analyze >/dev/null; then
	# Pointed at the binary just installed, since /usr/sbin has none here.
	sed "s|/usr/sbin/|$D/usr/sbin/|g" "$D/lib/systemd/system/kvti-keyer.service" \
		>"$T/kvti-keyer.service"
	out=$(systemd-analyze verify --man=no "$T/kvti-keyer.service" 2>&1)
	check "systemd-analyze verify accepts the unit${out:+: $out}" test -z "$out"
else
	echo "# SKIP systemd-analyze verify: not installed"
fi

# sd_notify: a datagram socket of ours stands in for systemd's.
if command -v python3 >/dev/null; then
	cat >"$T/k.conf" <<-EOF
	ike-port = 15900
	nat-t-port = 15901
	keyring k { peer 127.0.0.3 { pre-shared-key = "install key" } }
	ike-profile ike { keyring = k }
	ipsec-profile esp { }
	tunnel vti1 { local = 127.0.0.2; peer = 127.0.0.3; ike-profile = ike; ipsec-profile = esp }
	EOF
	python3 - "$T/notify.sock" >"$T/notify.out" 2>&1 <<-'EOP' &
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
	s.bind(sys.argv[1])
	s.settimeout(20)
	print("listening", flush=True)
	try:
	    while True:
	        m = s.recv(4096).decode()
	        print(m.replace("\n", " "), flush=True)
	        if "STOPPING=1" in m:
	            break
	except socket.timeout:
	    print("timeout", flush=True)
	EOP
	echo $! >"$T/py.pid"
	i=0
	while ! grep -q listening "$T/notify.out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	NOTIFY_SOCKET=$T/notify.sock unshare -rn sh -c "ip link set lo up; exec '$KEYER' -f --passive \
		--decoupled -c '$T/k.conf' -s '$T/k.sock'" 2>"$T/k.log" &
	echo $! >"$T/k.pid"
	i=0
	while ! grep -q READY "$T/notify.out" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kill -HUP "$(cat "$T/k.pid")"
	i=0
	while [ "$(grep -c READY "$T/notify.out")" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	kill -TERM "$(cat "$T/k.pid")"
	wait "$(cat "$T/k.pid")"
	ok $? "the keyer exits 0 under NOTIFY_SOCKET"
	wait "$(cat "$T/py.pid")"
	rm -f "$T/k.pid" "$T/py.pid"
	got=$(grep -v listening "$T/notify.out" | tr '\n' '|')
	check "sd_notify: READY=1, RELOADING=1, READY=1, STOPPING=1 in order ($got)" \
		test "$got" = "READY=1|RELOADING=1|READY=1|STOPPING=1|"
else
	echo "# SKIP sd_notify: no python3"
fi

echo "1..$n"
[ $failed -eq 0 ] || echo "# $failed of $n failed (files in $T)"
[ $failed -eq 0 ]
