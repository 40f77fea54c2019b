#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kvti-timeout: 600
#
# Call admission control under an IKE_SA_INIT flood (RFC 7296 2.6; IOS
# "crypto call admission limit"): keyer g2 (max-half-open 20: COOKIEs from
# 10 half-open on; max-ike-sa 15) keys a tunnel with g1 while ns fl floods it for 10 s from 40 source
# addresses that g2 has as peers (five tunnels of eight peers, no netdev:
# the flood never gets past IKE_SA_INIT).  Ten of the sources answer the
# COOKIE they are handed, as a real peer would; the other thirty never do.
# g2 must ask for COOKIEs, hold its IKE SAs at max-ike-sa (14 half-open
# beside g1's), refuse (and count) the rest, and keep the established tunnel as it was:
# the same SPIs, and a steady ping through it loses nothing; afterwards
# it still rekeys.
#
#   ns g1 (keyer)                        ns g2 (keyer, passive)            ns fl
#   vti1 198.51.100.1 ======= ESP ======= vti1 198.51.100.2
#   e1 192.0.2.1 ------------------------ e2 192.0.2.2
#                                         f2 203.0.113.1 ------- f0 203.0.113.10-49

source "$(dirname "$0")/lib.sh"
source "$KVTI_ROOT/selftests/keyer_lib.sh"

kvti_gateways
ns_add fl
ip link add f2 netns g2 type veth peer name f0 netns fl
ip -n g2 addr add 203.0.113.1/24 dev f2
ip -n g2 link set f2 up
for i in $(seq 10 49); do echo "addr add 203.0.113.$i/24 dev f0"; done | ip -n fl -b -
ip -n fl link set f0 up
ip -n fl route add 192.0.2.0/24 via 203.0.113.1

cat >"$D/g1.conf" <<EOF
retransmit-timeout = 1000
keyring k { peer 192.0.2.2 { pre-shared-key = "admission.sh key" } }
ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k }
ipsec-profile esp { proposals = aes256gcm16 }
tunnel vti1 { local = 192.0.2.1; peer = 192.0.2.2; ike-profile = ike; ipsec-profile = esp }
EOF
{
	cat <<-EOF
	max-half-open = 20
	max-ike-sa = 15
	retransmit-timeout = 1000
	keyring k {
		peer 192.0.2.1 { pre-shared-key = "admission.sh key" }
		peer 203.0.113.0/24 { pre-shared-key = "a key the flood does not have" }
	}
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k }
	ipsec-profile esp { proposals = aes256gcm16 }
	tunnel vti1 { local = 192.0.2.2; peer = 192.0.2.1; ike-profile = ike; ipsec-profile = esp }
	EOF
	for t in 1 2 3 4 5; do
		printf 'tunnel fl%s { local = 192.0.2.2; ike-profile = ike; ipsec-profile = esp' $t
		for i in $(seq $((2 + 8 * t)) $((9 + 8 * t))); do printf '; peer = 203.0.113.%s' $i; done
		echo ' }'
	done
} >"$D/g2.conf"

half_open() { ctl 2 show | jq '[.ike_sas[] | select(.state != "established")] | length'; }
stat2() { ctl 2 stats | jq "$1"; }

check "keyer g2 starts (passive)" start 2 --passive
check "keyer g1 starts and initiates" start 1
check "g1-g2: one CHILD SA pair" eventually 60 both_have vti1 2
check "ping g1 -> g2 before the flood" ping_ok 1 198.51.100.2
spis0="$(spis 1 vti1 in) $(spis 1 vti1 out)"

# flood.py SECONDS PRF: IKE_SA_INITs from the 40 addresses, round robin
cat >"$D/flood.py" <<'EOP'
import os, select, socket, sys, time
from ikemsg import aes256gcm16, answer, ispi_of, sa_init
secs, prf = float(sys.argv[1]), int(sys.argv[2])
srcs = ["203.0.113.%d" % i for i in range(10, 50)]
dst = ("192.0.2.2", 500)
socks = []
for a in srcs:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a, 0))
    s.setblocking(False)
    socks.append(s)
returners = set(socks[:10])   # these answer a COOKIE, as a real peer does

def init(ispi, ni, cookie=None):
    # SA (aes256gcm16, the PRF asked, x25519), KE, Ni; COOKIE first if given
    return sa_init(ispi, ni, cookie, aes256gcm16(prf))

sent = answered = cookies = returned = 0
pending = {}   # ispi -> Ni, to send the cookie back with the same nonce
t0 = time.monotonic()
n = 0
while time.monotonic() - t0 < secs:
    s = socks[n % len(socks)]
    n += 1
    ispi = int.from_bytes(os.urandom(8), "big") | 1
    ni = os.urandom(32)
    try:
        s.sendto(init(ispi, ni), dst)
        sent += 1
        if s in returners:
            pending[ispi] = ni
    except BlockingIOError:
        pass
    r, _, _ = select.select(socks, [], [], 0)
    for rs in r:
        try:
            m = rs.recv(4096)
        except BlockingIOError:
            continue
        what, cookie = answer(m)
        if what == "answered":
            answered += 1
        elif what == "cookie":
            cookies += 1
            ispi = ispi_of(m)
            if rs in returners and ispi in pending:
                try:
                    rs.sendto(init(ispi, pending.pop(ispi), cookie), dst)
                    returned += 1
                except BlockingIOError:
                    pass
dt = time.monotonic() - t0
print("sent %d in %.1f s (%.0f/s) answered %d cookies %d returned %d"
      % (sent, dt, sent / dt, answered, cookies, returned))
EOP
# Refusals are logged, but not one line each under a flood: 3 s of
# IKE_SA_INITs whose proposal g2 refuses (prfsha512) at a few hundred a
# second leave 10 lines, then about one a second with the count held back.
n0=$(grep -c 'NO_PROPOSAL_CHOSEN (peer offered' "$D/g2.log")
t0=$SECONDS
ip netns exec fl env PYTHONPATH="$KVTI_ROOT/selftests" python3 "$D/flood.py" 3 7 >"$D/flood2.out" 2>&1
sleep 1	# g2 drains its socket
el=$((SECONDS - t0))
nlog=$(($(grep -c 'NO_PROPOSAL_CHOSEN (peer offered' "$D/g2.log") - n0))
echo "    # refused flood: $(cat "$D/flood2.out"); g2 logged $nlog refusals in $el s"
check "a flood of refused proposals logs 10 lines, then about 1/s ($nlog in $el s)" \
	test $nlog -ge 10 -a $nlog -le $((12 + el))
check "... and says how many it held back" grep -q "more lines like the next held back" "$D/g2.log"

# A steady ping through the tunnel for the whole flood; lost = answers
# missing below the last one answered.
ip netns exec g1 ping -i 0.1 -W 2 198.51.100.2 >"$D/ping.out" 2>&1 &
echo $! >"$D/ping.pid"

ip netns exec fl env PYTHONPATH="$KVTI_ROOT/selftests" python3 "$D/flood.py" 10 6 >"$D/flood.out" 2>&1 &	# prfsha384: g2's
flood=$!
max_half=0
while kill -0 $flood 2>/dev/null; do
	h=$(half_open)
	[ "${h:-0}" -gt $max_half ] && max_half=$h
	sleep 1
done
wait $flood
kill -INT "$(cat "$D/ping.pid")"
wait "$(cat "$D/ping.pid")" 2>/dev/null
rm -f "$D/ping.pid"
echo "    # flood: $(cat "$D/flood.out")"
echo "    # g2: $(ctl 2 stats | jq -c '{cookies_sent, cookies_bad, admission: .drops.admission}')"

read -r sent rate answered cookies returned < <(sed -n \
	's/^sent \([0-9]*\) in [0-9.]* s (\([0-9]*\)\/s) answered \([0-9]*\) cookies \([0-9]*\) returned \([0-9]*\)$/\1 \2 \3 \4 \5/p' \
	"$D/flood.out")
check "the flood ran: $sent IKE_SA_INITs at $rate/s from 40 addresses" test "${sent:-0}" -gt 100
check "g2 asked for COOKIEs ($(stat2 .cookies_sent) sent, the flood saw $cookies)" \
	test "$(stat2 .cookies_sent)" -gt 0 -a "${cookies:-0}" -gt 0
check "g2 answered no more than max-ike-sa allows: 14 beside g1's ($answered IKE_SA_INIT answers)" \
	test "${answered:-999}" -le 14
check "g2's half-open IKE SAs never went above 14 (at most $max_half seen)" \
	test $max_half -le 14
check "the returned COOKIEs past the limit were refused and counted ($(stat2 .drops.admission))" \
	test "$(stat2 .drops.admission)" -gt 0
gaps=$(ping_gaps "$D/ping.out")
check_match "10 echoes/s through the tunnel during the flood: none lost ($gaps)" '^0 of [1-9][0-9]*$' "$gaps"
ike_both() { ike_up 1 vti1 && ike_up 2 vti1; }
check "g1's IKE SA is still established on both sides" ike_both
check_eq "the CHILD SA is the one from before the flood" "$spis0" \
	"$(spis 1 vti1 in) $(spis 1 vti1 out)"
ctl 1 rekey vti1 >/dev/null
rekeyed() { both_have vti1 2 && pair 1 2 vti1 && pair 2 1 vti1 && [ "$(spis 1 vti1 in) $(spis 1 vti1 out)" != "$spis0" ]; }
check "g2 still rekeys the tunnel after the flood" eventually 30 rekeyed
check "ping g1 -> g2 after the flood" ping_ok 1 198.51.100.2

# A flood faster than the keyer reads: g2's keyer stopped (SIGSTOP) while
# fl sends 9000 datagrams of 1200 bytes to its port 500, more than its
# 4 MiB receive queue holds.  Running again, g2 reads what the queue kept;
# the kernel's drops (SO_RXQ_OVFL) are logged and counted as rx_overflow,
# and the tunnel is as it was.
ovfl0=$(stat2 .rx_overflow)
kill -STOP "$(cat "$D/g2.pid")"
ip netns exec fl python3 - <<'PYEOF2'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("203.0.113.10", 0))
for _ in range(9000):
    s.sendto(bytes(1200), ("192.0.2.2", 500))
PYEOF2
kill -CONT "$(cat "$D/g2.pid")"
overflowed() { [ "$(stat2 .rx_overflow)" -gt "$ovfl0" ]; }
check "a full receive queue: g2 counts the kernel's drops ($(stat2 .rx_overflow))" eventually 30 overflowed
check "... and logs them" logged 2 "port 500: the kernel dropped [0-9]+ datagrams, receive queue full"
check "... the tunnel still carries a ping" eventually 10 ping_ok 1 198.51.100.2

keyer_logs "refused|COOKIE|admission|failed|held back|receive queue"

check "keyer g1 exits 0 on SIGTERM" stop 1
check "keyer g2 exits 0 on SIGTERM" stop 2
finish
