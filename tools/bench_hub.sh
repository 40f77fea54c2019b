#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench` part 2, inside the test VM with kvti.ko loaded: how a hub
# with one virtual template scales.  For each count N of KVTI_BENCH_SPOKES
# (default "50 1000"):
#
#   1. kernel memory, isolated: in a scratch namespace, N clones of a
#      template made with `kvti tunnel add ... from`, then one inbound and
#      one outbound rfc4106(gcm(aes)) SA on each; the Slab: line of
#      /proc/meminfo before and after each step, divided by N.
#   2. the keyer: ns hub (template vt, 2001:db8::1) and ns spokes, where one
#      kvti-keyer runs N static tunnels from N addresses 2001:db8::1:i (one
#      keyer instead of N: under TCG a process costs more than an IKE SA,
#      and the hub cannot tell), each offering its LAN 2001:db8:2::i/128.
#      All N initiate at once; the hub answers each with its own clone and
#      an injected route.
#   3. the same spokes against strongSwan's charon as the hub (when it is
#      installed): seconds until N CHILD SAs, charon's RSS per IKE SA, slab
#      per spoke (XFRM states and policies instead of clones).  Measured: seconds until N
#      clones carry an installed CHILD SA (spokes per second), the hub
#      keyer's RSS growth per IKE SA, the spoke keyer's per tunnel, and
#      the slab growth per spoke (hub clone and 2 SAs, spoke tunnel's 2 SAs).
#
# Not judged: figures for the closing note and README.  The table goes to
# $KVTI_RESULTS/bench_hub.txt.  IKE: aes256gcm16-prfsha384-x25519 with PSK,
# ESP aes256gcm16-esn, the same as selftests/dvti.sh.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export PATH=$ROOT/tools/kvti:$PATH
KEYER=$ROOT/keyer/kvti-keyer
CTL=$ROOT/keyer/keyer-ctl
COUNTS=${KVTI_BENCH_SPOKES:-50 1000}
OUTDIR=${KVTI_RESULTS:-$ROOT/build/bench}
mkdir -p "$OUTDIR"
OUT=$OUTDIR/bench_hub.txt
W=$(mktemp -d)
KEY=0x000102030405060708090a0b0c0d0e0f10111213
ALG='rfc4106(gcm(aes))'

log() { echo "bench-hub: $*" >&2; }
cleanup() {
	kill -9 $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null
	wait 2>/dev/null
	ip netns del hub 2>/dev/null
	ip netns del spokes 2>/dev/null
	ip netns del scratch 2>/dev/null
}
trap 'cleanup; rm -rf "$W"' EXIT
grep -q '^kvti ' /proc/modules || { log "kvti.ko is not loaded"; exit 1; }
[ -x "$KEYER" ] && [ -x "$CTL" ] || { log "kvti-keyer not built"; exit 1; }
ulimit -n 65536

slab() { awk '/^Slab:/ { print $2 }' /proc/meminfo; }	# kB
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$W/$1.pid")/status"; }	# kB
settle() { sync; echo 2 >/proc/sys/vm/drop_caches; sleep 1; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b ? a / b : 0 }'; }
spoke() { printf '2001:db8::1:%x' "$1"; }	# spoke tunnel i's address

# One `kvti` process per object would dominate under TCG: the batches are
# made by a tiny loop in one shell each, which is what an operator does too.
kernel_memory() { # N
	local n=$1 i s0 s1 s2
	ip netns add scratch
	kvti -n scratch tunnel add vt local 2001:db8::1 template
	settle
	s0=$(slab)
	for ((i = 1; i <= n; i++)); do
		kvti -n scratch tunnel add "c$i" remote "$(spoke $i)" from vt || return 1
	done
	settle
	s1=$(slab)
	for ((i = 1; i <= n; i++)); do
		kvti -n scratch sa add dev "c$i" dir in spi $((0x10000 + i)) aead "$ALG" $KEY 128 &&
			kvti -n scratch sa add dev "c$i" dir out spi $((0x20000 + i)) aead "$ALG" $KEY 128 ||
			return 1
	done
	settle
	s2=$(slab)
	K_CLONE[$n]=$(div $((s1 - s0)) "$n")
	K_SA[$n]=$(div $((s2 - s1)) $((2 * n)))
	ip netns del scratch
	log "N=$n: slab +$((s1 - s0)) kB for the clones, +$((s2 - s1)) kB for their SAs"
}

launch() { # NS
	rm -f "$W/$1.sock"
	ip netns exec "$1" "$KEYER" -c "$W/$1.conf" -f -s "$W/$1.sock" \
		>/dev/null 2>"$W/$1.log" &
	echo $! >"$W/$1.pid"
	for ((j = 0; j < 600; j++)); do
		[ -S "$W/$1.sock" ] && return 0
		sleep 0.1
	done
	log "$1: keyer did not start"
	tail -5 "$W/$1.log" >&2
	return 1
}

# Clones with an installed CHILD SA, at the hub: those with carrier (an
# outbound SA), read from the module as charon_up reads XFRM, so that the
# probe does not load the keyer it measures.
hub_up() {
	kvti -n hub -j tunnel show 2>/dev/null | jq '[.[] | select(.from == "vt" and .carrier)] | length'
}

# The spokes' side, the same for both hubs: N kvti tunnels from N
# addresses in ns spokes, one keyer for all; ns hub with h0 2001:db8::1.
# The spokes' addresses sit behind a router (2001:db8::2), as a hub's
# peers do behind its upstream: one neighbour entry on each side, not one
# per spoke (with N on the link, every first packet waited for neighbour
# discovery, whose queue dropped most of a burst: one retransmission per
# spoke, at 50 spokes too, for both hubs).
setup_spokes() { # N
	local n=$1 i
	ip netns add hub
	ip netns add spokes
	ip -n hub link set lo up
	ip -n spokes link set lo up
	ip link add h0 netns hub type veth peer name e0 netns spokes
	ip -n hub addr add 2001:db8::1/64 dev h0 nodad
	ip -n hub link set h0 up
	ip -n hub route add 2001:db8::1:0/112 via 2001:db8::2 dev h0
	{
		echo "link set e0 up"
		echo "addr add 2001:db8::2/64 dev e0 nodad"
		echo "link add sp0 type dummy"
		echo "link set sp0 up"
		for ((i = 1; i <= n; i++)); do echo "addr add $(spoke $i)/128 dev sp0"; done
	} | ip -n spokes -b - || return 1
	for ((i = 1; i <= n; i++)); do
		kvti -n spokes tunnel add "t$i" local "$(spoke $i)" remote 2001:db8::1 || return 1
	done
	for ((i = 1; i <= n; i++)); do echo "link set t$i addrgenmode none up"; done |
		ip -n spokes -b - || return 1
	{
		echo 'keyring k { peer 2001:db8::1 { pre-shared-key = "bench_hub.sh key" } }'
		echo 'ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k }'
		echo 'ipsec-profile esp { proposals = aes256gcm16-esn }'
		for ((i = 1; i <= n; i++)); do
			echo "tunnel t$i { local = $(spoke $i); peer = 2001:db8::1;" \
				"local-networks = 2001:db8:2::$(printf %x "$i")/128; ike-profile = ike; ipsec-profile = esp }"
		done
	} >"$W/spokes.conf"
}

# wait_up N PROBE: start the spokes, then until PROBE says N are up (or
# nothing moved for 120 s); sets UP and SECS.
wait_up() {
	local n=$1 probe=$2 t0 t1 last=-1 stuck=0
	UP=0
	t0=$(date +%s.%N)
	launch spokes || return 1
	perf_start "$probe"
	while [ "$UP" -lt "$n" ] && [ "$stuck" -lt 60 ]; do
		sleep 1
		UP=$($probe)
		UP=${UP:-0}
		if [ "$UP" = "$last" ]; then stuck=$((stuck + 1)); else stuck=0; fi
		last=$UP
	done
	t1=$(date +%s.%N)
	SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	perf_stop "$probe" "$n"
}

# Datagrams the namespace's UDP dropped for a full receive queue: each
# costs its sender a retransmission timeout.
udp_drops() { # NS
	ip netns exec "$1" cat /proc/net/snmp /proc/net/snmp6 |
		awk '$1 == "Udp6RcvbufErrors" { v6 = $2 }
		     $1 == "Udp:" && $2 ~ /^[0-9]+$/ { v4 = $6 }
		     END { printf "UDP receive-queue drops %d", v4 + v6 }'
}
spoke_stats() {
	"$CTL" "$W/spokes.sock" stats |
		jq -r '"retransmits \(.retransmits), give-ups \(.give_ups), rx_overflow \(.rx_overflow)"'
}

# Why some spokes are not up: both keyers' counters, the states their IKE
# and CHILD SAs are in, and the hub's warnings by kind.
not_up() {
	log "hub stats: $("$CTL" "$W/hub.sock" stats | jq -c .)"
	log "spokes stats: $("$CTL" "$W/spokes.sock" stats | jq -c .)"
	log "spokes' IKE SAs by state: $("$CTL" "$W/spokes.sock" show | jq -c '[.ike_sas[] |
		"\(.state)/\([.child_sas[].state] | join(","))"] | group_by(.) | map({(.[0]): length}) | add')"
	log "hub warnings: $(warn_kinds hub)"
	log "spokes warnings: $(warn_kinds spokes)"
}
warn_kinds() { # NAME: its keyer's warnings, numbers masked, counted by kind
	grep -iE 'warn|fail|refus|error' "$W/$1.log" |
		sed -E 's/[0-9a-f:]{6,}|0x[0-9a-f]+|[0-9]+/N/g' | sort | uniq -c | sort -rn | head -15
}

# KVTI_BENCH_PERF=1: a system-wide profile (perf, cpu-clock, call graphs)
# of each bring-up, reported by process and symbol to
# $KVTI_RESULTS/bench_hub_perf_PROBE_N.txt.  Not part of the figures: the
# sampling slows the run.
perf_start() { # PROBE
	[ -n "${KVTI_BENCH_PERF:-}" ] || return 0
	rm -f "$W/perf.stop"
	# system-wide for as long as the command runs: until perf_stop
	perf record -q -a -g -F 250 -e cpu-clock -o "$W/perf.data" -- \
		sh -c "while [ ! -e '$W/perf.stop' ]; do sleep 0.2; done" 2>"$W/perf.err" &
	PERF_PID=$!
}
perf_stop() { # PROBE N
	local f=$OUTDIR/bench_hub_perf_${1}_$2.txt who
	[ -n "${KVTI_BENCH_PERF:-}" ] || return 0
	touch "$W/perf.stop"
	wait "$PERF_PID" 2>/dev/null
	{
		cat "$W/perf.err"
		perf report -i "$W/perf.data" --stdio --no-children --sort comm,dso -g none 2>&1 | head -40
		perf report -i "$W/perf.data" --stdio --no-children --sort comm,sym -g none 2>&1 | head -120
		if [ "$1" = hub_up ]; then
			who="--pid $(cat "$W/hub.pid")"
		else
			who="--comm charon"
		fi
		# shellcheck disable=SC2086 # two words
		perf report -i "$W/perf.data" --stdio --children $who --sort sym \
			-g caller,0.5,callee --percent-limit 2 2>&1 | head -400
	} >"$f"
	log "perf profile in $f"
}

teardown() {
	kill -TERM $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null
	wait 2>/dev/null
	rm -f "$W"/*.pid
	ip netns del hub
	ip netns del spokes
}

keyer_scale() { # N
	local n=$1 r0 r1 rs s0 s1
	setup_spokes "$n" || return 1
	kvti -n hub tunnel add vt local 2001:db8::1 template
	cat >"$W/hub.conf" <<-EOF
	keyring k { peer 2001:db8::/32 { pre-shared-key = "bench_hub.sh key" } }
	ike-profile ike { proposals = aes256gcm16-prfsha384-x25519; keyring = k }
	ipsec-profile esp { proposals = aes256gcm16-esn }
	template vt { local = 2001:db8::1; match-peer = 2001:db8::1:0/112
		ike-profile = ike; ipsec-profile = esp }
	EOF
	launch hub || return 1
	settle
	r0=$(rss hub) s0=$(slab)
	wait_up "$n" hub_up || return 1
	settle
	r1=$(rss hub) rs=$(rss spokes) s1=$(slab)
	H_UP[$n]=$UP
	H_SECS[$n]=$SECS
	H_RATE[$n]=$(div "$UP" "$SECS")
	H_RSS[$n]=$(div $((r1 - r0)) "$UP")
	H_SPOKE_RSS[$n]=$(div "$rs" "$n")
	H_SLAB[$n]=$(div $((s1 - s0)) "$UP")
	H_CLONES[$n]=$(kvti -n hub -j tunnel show | jq '[.[] | select(.from == "vt")] | length')
	H_ROUTES[$n]=$(ip -n hub -6 route show proto 201 | wc -l)
	log "N=$n: $UP up in $SECS s; hub RSS $r0 -> $r1 kB; slab +$((s1 - s0)) kB"
	[ "$UP" = "$n" ] || not_up
	log "N=$n: $(udp_drops hub) hub, $(udp_drops spokes) spokes; hub keyer" \
		"$("$CTL" "$W/hub.sock" stats | jq -r '"rx_overflow \(.rx_overflow), replays \(.replays)"');" \
		"spokes' keyer $(spoke_stats)"
	teardown
}

# strongSwan as the hub, for comparison: charon (5.9, kernel-netlink) with
# one connection for any spoke of 2001:db8::1:0/112, CHILD SAs narrowed to
# the spoke's LAN, on an xfrm interface (if_id 42) as a route-based hub
# would use; no route injection (charon's updown would do it).  Tuned as
# strongSwan advises for many peers: an IKE SA hash table of 4096 rows in
# 16 segments, and no COOKIE challenge (the kvti hub keeps its default:
# COOKIEs from 32 half-open SAs on, one more round trip for most spokes).
CHARON=/usr/lib/ipsec/charon
charon_up() { # CHILD SAs installed at the hub: XFRM states, 2 each
	echo $(($(ip -n hub xfrm state 2>/dev/null | grep -c '^src') / 2))
}
charon_scale() { # N
	local n=$1 r0 r1 s0 s1 i
	setup_spokes "$n" || return 1
	ip -n hub link add xfrm42 type xfrm dev h0 if_id 42
	ip -n hub link set xfrm42 up
	cat >"$W/strongswan.conf" <<-EOF
	charon {
		port = 500
		port_nat_t = 4500
		install_routes = no
		install_virtual_ip = no
		ikesa_table_size = 4096
		ikesa_table_segments = 16
		dos_protection = no
		load = random nonce openssl kdf kernel-netlink socket-default vici
		plugins {
			vici {
				socket = unix://$W/charon.vici
			}
		}
		filelog {
			charon {
				path = $W/charon.log
				default = 0
			}
		}
	}
	EOF
	cat >"$W/swanctl.conf" <<-EOF
	connections {
		hub {
			version = 2
			local_addrs = 2001:db8::1
			remote_addrs = 2001:db8::1:0/112
			proposals = aes256gcm16-prfsha384-x25519
			mobike = no
			rekey_time = 0
			local {
				auth = psk
				id = 2001:db8::1
			}
			remote {
				auth = psk
			}
			children {
				net {
					local_ts = ::/0
					remote_ts = 2001:db8:2::/64
					esp_proposals = aes256gcm16-esn
					if_id_in = 42
					if_id_out = 42
					rekey_time = 0
				}
			}
		}
	}
	secrets {
		ike-spokes {
			secret = "bench_hub.sh key"
		}
	}
	EOF
	rm -f "$W/charon.vici"
	ip netns exec hub unshare -m sh -c "mount -t tmpfs tmpfs /run &&
		STRONGSWAN_CONF=$W/strongswan.conf exec $CHARON" >/dev/null 2>"$W/charon.err" &
	echo $! >"$W/charon.pid"
	for ((i = 0; i < 600; i++)); do
		[ -S "$W/charon.vici" ] && break
		sleep 0.1
	done
	ip netns exec hub swanctl --load-all --noprompt --file "$W/swanctl.conf" \
		--uri "unix://$W/charon.vici" >/dev/null 2>&1 || { log "swanctl failed"; return 1; }
	settle
	r0=$(rss charon) s0=$(slab)
	wait_up "$n" charon_up || return 1
	settle
	r1=$(rss charon) s1=$(slab)
	S_UP[$n]=$UP
	S_SECS[$n]=$SECS
	S_RATE[$n]=$(div "$UP" "$SECS")
	S_RSS[$n]=$(div $((r1 - r0)) "$UP")
	S_SLAB[$n]=$(div $((s1 - s0)) "$UP")
	log "N=$n: strongSwan hub: $UP up in $SECS s; charon RSS $r0 -> $r1 kB; slab +$((s1 - s0)) kB"
	log "N=$n: strongSwan hub: $(udp_drops hub) hub, $(udp_drops spokes) spokes;" \
		"spokes' keyer $(spoke_stats)"
	teardown
}

declare -A K_CLONE K_SA H_UP H_SECS H_RATE H_RSS H_SPOKE_RSS H_SLAB H_CLONES H_ROUTES \
	S_UP S_SECS S_RATE S_RSS S_SLAB
# KVTI_BENCH_ONLY="keyer charon kernel" (any of them): those steps alone
# (profiling, debugging); the run then judges nothing.
ONLY=${KVTI_BENCH_ONLY:-}
step() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }
for n in $COUNTS; do
	if step kernel; then
		log "N=$n: kernel memory per clone and per SA"
		kernel_memory "$n" || log "N=$n: kernel memory step failed"
	fi
	if step keyer; then
		log "N=$n: $n spokes against one hub"
		keyer_scale "$n" || log "N=$n: keyer step failed"
	fi
	if step charon && [ -x "$CHARON" ] && command -v swanctl >/dev/null; then
		log "N=$n: $n spokes against a strongSwan hub"
		charon_scale "$n" || log "N=$n: strongSwan step failed"
	fi
done

{
	echo "kvti hub scale: $(uname -r), $(nproc) vCPU (QEMU/TCG), $(free -m | awk '/^Mem:/ { print $2 }') MiB," \
		"$(date -u '+%F %T') UTC"
	echo "IKE aes256gcm16-prfsha384-x25519 PSK, ESP aes256gcm16-esn; spokes: one keyer, N tunnels"
	echo "(IPv6 outer); kernel kB from /proc/meminfo Slab:; keyer kB from VmRSS."
	echo
	printf '%6s %6s %6s %6s %8s %9s %10s %10s %11s %11s %11s\n' spokes up clones routes \
		"time s" spokes/s "kB/clone" "kB/SA" "hub kB/IKE" "spoke kB/t" "slab kB/sp"
	for n in $COUNTS; do
		printf '%6s %6s %6s %6s %8s %9s %10s %10s %11s %11s %11s\n' "$n" "${H_UP[$n]:--}" \
			"${H_CLONES[$n]:--}" "${H_ROUTES[$n]:--}" "${H_SECS[$n]:--}" "${H_RATE[$n]:--}" "${K_CLONE[$n]:--}" \
			"${K_SA[$n]:--}" "${H_RSS[$n]:--}" "${H_SPOKE_RSS[$n]:--}" "${H_SLAB[$n]:--}"
	done
	echo
	echo "kB/clone, kB/SA: isolated (kvti tunnel add from, kvti sa add); slab kB/sp: per spoke"
	echo "up, with the hub's clone and 2 SAs and the spoke tunnel's 2 SAs (tunnels made before)."
	if [ "${#S_UP[@]}" -gt 0 ]; then
		echo
		echo "The same spokes against strongSwan $(swanctl --version 2>/dev/null | awk '{ print $NF }') as the hub (XFRM, one xfrm interface, no per-peer netdev nor route):"
		printf '%6s %6s %8s %9s %11s %11s\n' spokes up "time s" spokes/s "hub kB/IKE" "slab kB/sp"
		for n in $COUNTS; do
			printf '%6s %6s %8s %9s %11s %11s\n' "$n" "${S_UP[$n]:--}" "${S_SECS[$n]:--}" \
				"${S_RATE[$n]:--}" "${S_RSS[$n]:--}" "${S_SLAB[$n]:--}"
		done
	fi
} | tee "$OUT"
for n in $COUNTS; do
	[ -n "$ONLY" ] || [ "${H_UP[$n]:-0}" = "$n" ] || exit 1
	[ "${#S_UP[@]}" = 0 ] || [ "${S_UP[$n]:-0}" = "$n" ] || exit 1
done
exit 0
