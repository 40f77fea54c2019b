#!/bin/bash
# THROWAWAY (deleted after use): live check of kvti sa/stats/monitor in the VM.
#   ns g1: vti1 198.51.100.1, veth e1 192.0.2.1  <->  ns g2: vti1 198.51.100.2, e2 192.0.2.2
cd "$(dirname "$0")/../.."
R=${KVTI_RESULTS:-/tmp}
PATH=$PWD/tools/kvti:$PATH
modprobe -a ip_tunnel udp_tunnel sha512_generic drbg 2>/dev/null
insmod kmod/kvti.ko || { echo "insmod failed"; exit 1; }
n=0 fail=0
ok() { n=$((n+1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else fail=$((fail+1)); echo "not ok $n - $2"; fi; }
eq() { [ "$2" = "$3" ]; r=$?; ok $r "$1"; [ $r = 0 ] || echo "#   want [$2] got [$3]"; }
has() { grep -qE -- "$2" <<<"$3"; r=$?; ok $r "$1"; [ $r = 0 ] || { echo "#   want /$2/ in:"; sed 's/^/#   /' <<<"$3"; }; }

ip netns add g1; ip netns add g2
ip -n g1 link set lo up; ip -n g2 link set lo up
# no IPv6 autoconf chatter: the packet counts below are exact
for ns in g1 g2; do ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1; done
ip link add e1 netns g1 type veth peer name e2 netns g2
ip -n g1 addr add 192.0.2.1/24 dev e1; ip -n g2 addr add 192.0.2.2/24 dev e2
ip -n g1 link set e1 up; ip -n g2 link set e2 up

kvti -n g1 -j monitor >$R/mon.json 2>$R/mon.json.err & MJ=$!
kvti -n g1 monitor >$R/mon.txt 2>$R/mon.txt.err & MT=$!
sleep 1

kvti -n g1 tunnel add vti1 local 192.0.2.1 remote 192.0.2.2
kvti -n g2 tunnel add vti1 local 192.0.2.2 remote 192.0.2.1
ip -n g1 addr add 198.51.100.1/32 peer 198.51.100.2/32 dev vti1
ip -n g2 addr add 198.51.100.2/32 peer 198.51.100.1/32 dev vti1
ip -n g1 link set vti1 up; ip -n g2 link set vti1 up
KA=0x11111111111111111111111111111111aaaaaaaa
KB=0x22222222222222222222222222222222bbbbbbbb
GCM="rfc4106(gcm(aes))"

# ACQUIRE: a packet into a tunnel without an outbound SA
ip netns exec g1 ping -c 1 -W 1 198.51.100.2 >/dev/null 2>&1

kvti -n g1 sa add dev vti1 dir out spi 0x1001 aead "$GCM" $KA 128 lifetime packets 3 soft 2 idle-time 2; ok $? "sa add out with lifetime, idle-time"
kvti -n g1 sa add dev vti1 dir in spi 0x2001 enc 'cbc(aes)' 0x000102030405060708090a0b0c0d0e0f auth 'hmac(sha256)' 0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf 128 esn replay-window 1024; ok $? "sa add in enc/auth esn"
kvti -n g2 sa add dev vti1 dir in spi 0x1001 aead "$GCM" $KA 128; ok $? "g2 in"
kvti -n g2 sa add dev vti1 dir out spi 0x2001 enc 'cbc(aes)' 0x000102030405060708090a0b0c0d0e0f auth 'hmac(sha256)' 0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf 128 esn; ok $? "g2 out"
ip netns exec g1 ping -c 2 -i 0.3 -W 2 198.51.100.2 >/dev/null; ok $? "ping 2 through kvti"

echo "# sa show (text, -s):"; kvti -n g1 -s sa show | sed 's/^/#   /'
j=$(kvti -n g1 -j -s sa show)
echo "# json: $j"
eq "two SAs" 2 "$(jq length <<<"$j")"
eq "out keys" "id,dev,dir,spi,aead,enc_key_bits,icv_bits,esn,seq_out,lifetime,idle_time,age,idle,stats" \
	"$(jq -r '.[] | select(.dir=="out") | keys_unsorted | join(",")' <<<"$j")"
eq "in keys" "id,dev,dir,spi,enc,auth,enc_key_bits,auth_key_bits,icv_bits,esn,replay_window,replay_top,lifetime,idle_time,age,idle,stats" \
	"$(jq -r '.[] | select(.dir=="in") | keys_unsorted | join(",")' <<<"$j")"
eq "seq_out 2" 2 "$(jq -r '.[] | select(.dir=="out") | .seq_out' <<<"$j")"
eq "hard packets 3" 3 "$(jq -r '.[] | select(.dir=="out") | .lifetime.hard.packets' <<<"$j")"
eq "soft packets 2" 2 "$(jq -r '.[] | select(.dir=="out") | .lifetime.soft.packets' <<<"$j")"
eq "in esn" true "$(jq -r '.[] | select(.dir=="in") | .esn' <<<"$j")"
eq "in replay_window 1024" 1024 "$(jq -r '.[] | select(.dir=="in") | .replay_window' <<<"$j")"
eq "in auth_key_bits 256" 256 "$(jq -r '.[] | select(.dir=="in") | .auth_key_bits' <<<"$j")"
eq "in rx 2" 2 "$(jq -r '.[] | select(.dir=="in") | .stats.rx_packets' <<<"$j")"
has "text: spi in hex" "vti1 out spi 0x00001001 id [0-9]+ rfc4106\(gcm\(aes\)\) key 128 bits icv 128" "$(kvti -n g1 sa show)"
has "text: lifetime" "lifetime 2/3 packets \(soft 2\)" "$(kvti -n g1 sa show)"
has "text -s: traffic" "tx packets 2 bytes" "$(kvti -n g1 -s sa show spi 0x1001)"
eq "filter spi" 1 "$(kvti -n g1 -j sa show spi 0x2001 | jq length)"
eq "filter dev" 2 "$(kvti -n g1 -j sa show dev vti1 | jq length)"
out=$(kvti -n g1 sa show dev nosuch 2>&1); rc=$?
ok $((rc != 1)) "filter on a missing dev: exit 1"; has "  its message" "no such device" "$out"
out=$(kvti -n g1 sa add dev vti1 dir in spi 255 aead "$GCM" $KB 128 2>&1); rc=$?
ok $((rc != 1)) "reserved SPI: exit 1"; has "  kernel's words" "KVTI_A_SA_SPI.*reserved" "$out"
out=$(kvti -n g1 sa add dev vti1 dir in spi 0x3001 aead "$GCM" 0x1122 128 2>&1); rc=$?
ok $((rc != 1)) "bad key length: exit 1"; has "  kernel's words" "KEY" "$out"
ok $(echo "$out" | grep -c 1122) "  the key is not echoed"
out=$(kvti -n g1 sa add dev vti1 dir in spi 0x3001 aead "$GCM" $KB 128 lifetime packets 10 soft 20 2>&1); rc=$?
ok $((rc != 1)) "soft above hard: exit 1"; has "  names the nest" "KVTI_A_SA_LIFE_SOFT" "$out"
out=$(kvti -n g1 sa add dev vti1 dir in spi 0x3001 enc 'ecb(cipher_null)' 0x auth 'hmac(sha256)' 0xa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf 128 2>&1)
ok $? "ESP-NULL with the empty key 0x"; [ -z "$out" ] || echo "# $out"
kvti -n g1 sa del dev vti1 dir in spi 0x3001; ok $? "sa del"
out=$(kvti -n g1 sa del dev vti1 dir in spi 0x3001 2>&1); rc=$?
ok $((rc != 1)) "del again: exit 1"; has "  why" "no SA with this SPI" "$out"

# stats
has "stats show text" "^vti1:" "$(kvti -n g1 stats show)"
eq "stats show dev json tx" 2 "$(kvti -n g1 -j stats show dev vti1 | jq -r '.[0].stats.tx_packets')"
eq "stats dev (no show) json" vti1 "$(kvti -n g1 -j stats dev vti1 | jq -r '.[0].ifname')"
eq "stats json keys" "ifname,ifindex,stats" "$(kvti -n g1 -j stats show | jq -r '.[0] | keys_unsorted | join(",")')"
kvti -n g1 stats clear dev vti1; ok $? "stats clear dev"
eq "cleared" 0 "$(kvti -n g1 -j stats show dev vti1 | jq -r '.[0].stats.tx_packets')"
kvti -n g1 stats clear; ok $? "stats clear (all)"

# the third packet reaches the hard limit: soft fired at 2 already
ip netns exec g1 ping -c 1 -W 2 198.51.100.2 >/dev/null; ok $? "third packet passes"
sleep 0.5
eq "hard-expired SA gone" 0 "$(kvti -n g1 -j sa show spi 0x1001 | jq length)"
# idle: an outbound SA with idle-time 1 and no traffic
kvti -n g1 sa add dev vti1 dir out spi 0x1002 aead "$GCM" $KA 128 idle-time 1; ok $? "sa add idle-time 1"
sleep 3
# invalid SPI: g2 sends with 0x2001 after g1 flushed its inbound SA
kvti -n g1 sa del dev vti1 dir in spi 0x2001
ip netns exec g2 ping -c 1 -W 1 198.51.100.1 >/dev/null 2>&1
sleep 0.5

# many SAs: a dump across several messages
for i in $(seq 1 150); do kvti -n g2 sa add dev vti1 dir in spi $((0x10000 + i)) aead "$GCM" $KB 128 || break; done
eq "dump of 152 SAs" 152 "$(kvti -n g2 -j sa show | jq length)"
eq "text dump lines" 304 "$(kvti -n g2 sa show | wc -l)"
kvti -n g2 sa flush dev vti1; ok $? "sa flush dev"
eq "flushed" 0 "$(kvti -n g2 -j sa show | jq length)"

kvti -n g1 tunnel del vti1
sleep 1
kill -INT $MT; wait $MT; ok $? "monitor exits 0 on SIGINT"
kill -TERM $MJ; wait $MJ; ok $? "monitor -j exits 0 on SIGTERM"
echo "# monitor text:"; sed 's/^/#   /' $R/mon.txt; cat $R/mon.txt.err
echo "# monitor json:"; sed 's/^/#   /' $R/mon.json; cat $R/mon.json.err
t=$(cat $R/mon.txt)
has "event tunnel new" "^tunnel new vti1 local 192.0.2.1 remote 192.0.2.2$" "$t"
has "event acquire" "^acquire dev vti1 local 192.0.2.1 remote 192.0.2.2$" "$t"
has "event soft expire" "^expire soft dev vti1 dir out spi 0x00001001 id [0-9]+$" "$t"
has "event hard expire" "^expire hard dev vti1 dir out spi 0x00001001 id [0-9]+$" "$t"
has "event idle" "^idle dev vti1 dir out spi 0x00001002 id [0-9]+$" "$t"
has "event invalid-spi" "^invalid-spi dev vti1 spi 0x00002001 from 192.0.2.2 to 192.0.2.1$" "$t"
has "event tunnel del" "^tunnel del vti1$" "$t"
ok $(jq -e . $R/mon.json >/dev/null; echo $?) "every JSON line parses"
eq "json events" "$(wc -l <$R/mon.txt)" "$(wc -l <$R/mon.json)"
has "json expire" '^\{"event":"expire","hard":true,"dev":"vti1","dir":"out","spi":4097,"id":[0-9]+\}$' "$(cat $R/mon.json)"
# a monitor in another namespace sees nothing of g1's
kvti -n g2 monitor >$R/mon2.txt & M2=$!
sleep 0.5; kvti -n g1 tunnel add vti9 local 192.0.2.1 remote 192.0.2.9; sleep 0.5
kill $M2; wait $M2
eq "no event from another netns" 0 "$(wc -l <$R/mon2.txt)"
dmesg | grep -E "Oops|BUG:|WARNING:|Call Trace" && ok 1 "kernel log clean" || ok 0 "kernel log clean"
echo "1..$n"
[ $fail = 0 ]
