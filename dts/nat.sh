#!/usr/bin/env bash
# dts: source NAT at a leak point (dts/configs/nat-overlap.conf). CUSTOMER-A and
# CUSTOMER-B both number their host 10.0.0.10/24; both reach the DNS host's UDP
# and TCP services in SHARED at the same time, from the same source port; SHARED
# sees two different pool sources (A's from 100.64.1.0/24, B's 100.64.2.1), and
# each answer reaches the customer that asked; SHARED routes only the pools; the
# customers cannot reach each other, and SHARED cannot open a flow into a
# customer through its pool (nat_no_flow); an ICMP port unreachable from SHARED
# finds its way back to the host, and one A's host sends about a late reply
# reaches SHARED's host translated (from the pool, quoting the pool's address
# and port); ICMP from a customer that no flow explains is dropped
# (nat_icmp_unmatched); B's pool of 4 ports runs out towards one peer
# (nat_pool_exhausted) while its flows go on; a commit changing an unrelated
# leak keeps the flows, one removing A's leak-nat flushes A's flows at once
# (nat_flushed) and B's go on, and changing B's pool flushes B's; `show nat
# translations`, `show ip route`, `show leak matrix` tell what happens, and
# /metrics' NAT families say what `show nat translations` says.
. "$(dirname "$0")/dts-lib.sh"
dts_init nat
PY=/usr/bin/python3
PEER="$DTS_DIR/nat_peer.py"
FWPEER="$DTS_DIR/fw_peer.py"
DNS=10.100.0.10
# both customers' hosts are 10.0.0.10 behind 10.0.0.1
for h in a b; do
	TOPO_ADDR[$h]=10.0.0.10
	TOPO_IFADDR[$h]=10.0.0.10/24
	TOPO_GW[$h]=10.0.0.1
done
dts_start "$DTS_DIR/configs/nat-overlap.conf"

SERVERS=()
nat_cleanup() {
	local rc=$?
	[ ${#SERVERS[@]} -gt 0 ] && kill "${SERVERS[@]}" 2>/dev/null
	(exit $rc)
	dts_cleanup
}
trap nat_cleanup EXIT
ip netns exec "$(topo_ns dns)" "$PY" "$PEER" serve-udp "$DNS" 53 "$TOPO_RUN/udp.log" &
SERVERS+=($!)
ip netns exec "$(topo_ns dns)" "$PY" "$PEER" serve-tcp "$DNS" 8080 "$TOPO_RUN/tcp.log" &
SERVERS+=($!)
for f in udp tcp; do
	for _ in $(seq 50); do [ -e "$TOPO_RUN/$f.log" ] && break; sleep 0.1; done
done
natjson() { topo_ctl --json show nat translations; }
jget() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
counter() { natjson | jget "d['counters']['$1']"; }

check "SHARED routes A's pool back into CUSTOMER-A, by itself" output_matches \
	"^N>\* 100\.64\.1\.0/24 .*\(vrf CUSTOMER-A\)" topo_ctl show ip route vrf SHARED
check "SHARED has no route for the customers' 10.0.0.0/24" dts_not output_matches \
	"10\.0\.0\.0/24" topo_ctl show ip route vrf SHARED
check "show leak vrf SHARED: the NAT pools it routes back" output_matches \
	"100\.64\.1\.0/24 +sources of CUSTOMER-A" topo_ctl show leak vrf SHARED
check "show leak matrix: the NATed leak has its return path by construction" output_matches \
	"return path: by NAT \(sources leave as 100\.64\.2\.1/32" topo_ctl show leak matrix

# 1. both customers at once, same host address, same source port
topo_in a "$PY" "$PEER" udp "$DNS" 53 40053 A 5 >"$TOPO_RUN/a.udp" 2>&1 &
pa=$!
topo_in b "$PY" "$PEER" udp "$DNS" 53 40053 B 5 >"$TOPO_RUN/b.udp" 2>&1 &
pb=$!
wait "$pa"
ra=$?
wait "$pb"
rb=$?
check "UDP: CUSTOMER-A's 5 queries are each answered (to A)" test "$ra" = 0
check "UDP: CUSTOMER-B's 5 queries, sent at the same time, each answered (to B)" test "$rb" = 0
check "UDP: the DNS host saw A's queries from 100.64.1.0/24 (not 10.0.0.10)" \
	test "$(grep -c '^100\.64\.1\.' "$TOPO_RUN/udp.log")" = 5
check "UDP: ... and B's from 100.64.2.1, one source port each" \
	test "$(grep '^100\.64\.2\.1:' "$TOPO_RUN/udp.log" | sort -u | wc -l)" = 1 -a \
	"$(grep -c '^100\.64\.2\.1:2000[0-3]$' "$TOPO_RUN/udp.log")" = 5
check "UDP: nothing arrived from a customer's own address" dts_not grep -q '^10\.0\.0\.' \
	"$TOPO_RUN/udp.log"
topo_in a "$PY" "$PEER" tcp "$DNS" 8080 45000 tokA >"$TOPO_RUN/a.tcp" 2>&1 &
pa=$!
topo_in b "$PY" "$PEER" tcp "$DNS" 8080 45000 tokB >"$TOPO_RUN/b.tcp" 2>&1 &
pb=$!
wait "$pa"
ra=$?
wait "$pb"
rb=$?
check "TCP: CUSTOMER-A's connection gets A's answer ($(cat "$TOPO_RUN/a.tcp"))" test "$ra" = 0
check "TCP: CUSTOMER-B's, at the same time from the same port, gets B's ($(cat "$TOPO_RUN/b.tcp"))" \
	test "$rb" = 0
check "TCP: the DNS host saw two sources, one per pool" test \
	"$(grep -cE '^(100\.64\.1\.[0-9]+|100\.64\.2\.1):' "$TOPO_RUN/tcp.log")" = 2 -a \
	"$(cut -d: -f1 "$TOPO_RUN/tcp.log" | sort -u | wc -l)" = 2
check "ping (ICMP echo) from both customers' 10.0.0.10 to the DNS host" \
	topo_in a ping -n -c 2 -i 0.2 -W 2 "$DNS"
check "... and from B" topo_in b ping -n -c 2 -i 0.2 -W 2 "$DNS"
check "show nat translations lists A's UDP flow with its pool source" output_matches \
	"udp +10\.0\.0\.10:40053 \(CUSTOMER-A\) +100\.64\.1\.[0-9]+:[0-9]+ +10\.100\.0\.10:53 \(SHARED\)" \
	topo_ctl show nat translations
check "show nat translations vrf CUSTOMER-B lists B's TCP flow" output_matches \
	"tcp +10\.0\.0\.10:45000 \(CUSTOMER-B\) +100\.64\.2\.1:2000[0-3]" \
	topo_ctl show nat translations vrf CUSTOMER-B

# 2. ICMP errors quoting a translated packet come back to the host
check "UDP to a closed port of the DNS host: A's host gets port unreachable" \
	topo_in a "$PY" "$PEER" expect-refused "$DNS" 5999

# ... and the other way: A's host reports an answer that came too late (its
# socket closed); SHARED's host gets the port unreachable, from A's pool
# address, quoting its answer to the pool's address and port
um0=$(counter natIcmpUnmatched)
ip netns exec "$(topo_ns dns)" "$PY" "$PEER" late-reply "$DNS" 5400 1 "$TOPO_RUN/late" &
lpid=$!
SERVERS+=($lpid)
for _ in $(seq 50); do [ -e "$TOPO_RUN/late.ready" ] && break; sleep 0.1; done
topo_in a "$PY" "$PEER" send-close "$DNS" 5400 41000
wait "$lpid"
late=$(cat "$TOPO_RUN/late" 2>/dev/null)
read -r late_res late_src late_peer <<<"$late"
check "A's host's port unreachable about a late answer reaches SHARED's host ($late)" \
	test "$late_res" = refused
check "... from the pool address the flow used, not 10.0.0.10" \
	test "$late_src" = "${late_peer%:*}" -a "${late_src#100.64.1.}" != "$late_src"
check "ICMP errors about a flow are not counted as unmatched" \
	test "$(counter natIcmpUnmatched)" = "$um0"
topo_in a "$PY" "$PEER" icmp-send "$DNS" 13
sleep 0.3
check "an ICMP timestamp request from A (no flow can take it) is nat_icmp_unmatched" \
	test "$(counter natIcmpUnmatched)" = $((um0 + 1))

# 3. isolation
check_not "CUSTOMER-A cannot reach B's pool address 100.64.2.1" \
	topo_in a ping -n -c 1 -W 1 100.64.2.1
nsf0=$(counter natNoFlow)
topo_in a "$PY" "$FWPEER" listen-udp 10.0.0.10 7000 3 >"$TOPO_RUN/a.unsolicited" &
lpid=$!
sleep 0.5
topo_in dns "$PY" "$FWPEER" send 100.64.1.10 7000 5 5300 >/dev/null
wait "$lpid"
check "SHARED cannot open a flow into CUSTOMER-A through its pool" \
	test "$(cat "$TOPO_RUN/a.unsolicited")" = 0
check "... those datagrams are counted as nat_no_flow" \
	test "$(counter natNoFlow)" -ge $((nsf0 + 5))

# 4. B's pool of 4 ports towards DNS:53 runs out; existing flows go on
ex0=$(counter natPoolExhausted)
got=$(topo_in b "$PY" "$FWPEER" flows "$DNS" 53 6)
check "B's pool (1 address, 4 ports, one in use): of 6 new flows 3 answered (got $got)" \
	test "$got" = 3
check "nat_pool_exhausted counted the 3 others" test "$(counter natPoolExhausted)" -ge $((ex0 + 3))
check "B's first flow still translates both ways" \
	topo_in b "$PY" "$PEER" udp "$DNS" 53 40053 B2 2
check "A is not affected by B's pool" topo_in a "$PY" "$PEER" udp "$DNS" 53 40054 A2 2
check "show nat translations counts the exhaustion" output_matches \
	"[1-9][0-9]* nat_pool_exhausted" topo_ctl show nat translations
TELEMETRY=${DPDK_TELEMETRY:-$(command -v dpdk-telemetry.py || echo /usr/bin/dpdk-telemetry.py)}
if [ -x "$TELEMETRY" ]; then
	ex=$(counter natPoolExhausted)
	tel=$(printf '/sluice/firewall/stats\n' | "$TELEMETRY" -f "$TOPO_P" |
		"$PY" -c "import json,sys; r=list(json.loads(sys.stdin.readline()).values())[0]; print(r['nat_pool_exhausted'], r['nat_entries'] > 0)")
	check "telemetry /sluice/firewall/stats: nat_pool_exhausted = $ex, flows in use ($tel)" \
		test "$tel" = "$ex True"
fi

# 5. commits: an unrelated leak keeps every flow; removing A's leak-nat
# flushes A's flows at once (not at expiry), B's go on; B's pool changed
# flushes B's. (Older flows may expire meanwhile: the counts are bounded by
# the flows listed, and two fresh UDP flows are followed by name.)
nflows() { topo_ctl --json show nat translations vrf "$1" | jget "len(d['translations'])"; }
A_FLOW="udp +10\.0\.0\.10:40055 \(CUSTOMER-A\)"
B_FLOW="udp +10\.0\.0\.10:40053 \(CUSTOMER-B\)"
topo_in a "$PY" "$PEER" udp "$DNS" 53 40055 A3 1 >/dev/null
topo_in b "$PY" "$PEER" udp "$DNS" 53 40053 B3 1 >/dev/null
fl0=$(counter flushed)
check "a commit adding an unrelated leak" topo_ctl configure - \
	<<<"set vrf name CUSTOMER-B protocols static route 10.101.0.0/24 interface eth3 vrf SHARED"
check "... flushes nothing" test "$(counter flushed)" = "$fl0"
check "... A's flow is still there" output_matches "$A_FLOW" topo_ctl show nat translations
check "... and B's" output_matches "$B_FLOW" topo_ctl show nat translations
na=$(nflows CUSTOMER-A)
check "a commit removing A's leak-nat ($na flows of A listed)" topo_ctl configure - \
	<<<"delete vrf name CUSTOMER-A leak-nat"
fl1=$(counter flushed)
check "... flushes A's flows at once" test "$(nflows CUSTOMER-A)" = 0
check "... counted: flushed grew by $((fl1 - fl0)), at least A's fresh flow, at most $na" \
	test $((fl1 - fl0)) -ge 1 -a $((fl1 - fl0)) -le "$na"
check "... B's flow goes on" output_matches "$B_FLOW" topo_ctl show nat translations
check "... and still translates both ways" topo_in b "$PY" "$PEER" udp "$DNS" 53 40053 B4 2
check "show nat translations says so" output_matches \
	"flows: [0-9]+ created, [0-9]+ expired, $fl1 flushed" topo_ctl show nat translations
check "a commit moving B's pool to 100.64.2.2/32" topo_ctl configure - \
	<<<"set vrf name CUSTOMER-B leak-nat to SHARED source translation address 100.64.2.2/32"
fl2=$(counter flushed)
check "... flushes B's flows ($((fl2 - fl1)))" test "$(nflows CUSTOMER-B)" = 0 -a "$fl2" -gt "$fl1"
: >"$TOPO_RUN/udp.log"
check "B's next flow leaves from the new pool" \
	topo_in b "$PY" "$PEER" udp "$DNS" 53 40053 B5 1
check "... the DNS host saw 100.64.2.2" grep -q '^100\.64\.2\.2:' "$TOPO_RUN/udp.log"
if [ -x "$TELEMETRY" ]; then
	tel=$(printf '/sluice/firewall/stats\n' | "$TELEMETRY" -f "$TOPO_P" |
		"$PY" -c "import json,sys; r=list(json.loads(sys.stdin.readline()).values())[0]; print(r['nat_flushed'])")
	check "telemetry /sluice/firewall/stats: nat_flushed = $tel" test "$tel" = "$fl2"
fi

# 6. /metrics: every NAT figure `show nat translations` has, and B's pool
# (its flow now, 4 pairs); A's leak-nat is gone, and so is its series
SCRAPE="$DTS_DIR/prom_scrape.py"
PORT=$((20000 + $$ % 20000))
check "configure the Prometheus endpoint on 127.0.0.1:$PORT" topo_ctl configure - \
	<<<"set service monitoring prometheus port $PORT"
check "scrape /metrics" "$PY" "$SCRAPE" get "http://127.0.0.1:$PORT/metrics" "$TOPO_RUN/nat.prom"
natjson >"$TOPO_RUN/nat.json"
check "the scrape is well-formed" "$PY" "$SCRAPE" lint "$TOPO_RUN/nat.prom"
pval() { "$PY" "$SCRAPE" value "$TOPO_RUN/nat.prom" "$@"; }
ncount() { jget "d['counters']['$1']" <"$TOPO_RUN/nat.json"; }
for m in translatedOut:sluice_nat_translated_packets_total:direction=out \
	translatedIn:sluice_nat_translated_packets_total:direction=in \
	created:sluice_nat_flows_created_total expired:sluice_nat_flows_expired_total \
	flushed:sluice_nat_flows_flushed_total \
	natPoolExhausted:sluice_nat_dropped_packets_total:reason=pool_exhausted \
	natFull:sluice_nat_dropped_packets_total:reason=full \
	natNoFlow:sluice_nat_dropped_packets_total:reason=no_flow \
	natUntranslatable:sluice_nat_dropped_packets_total:reason=untranslatable \
	natIcmpUnmatched:sluice_nat_dropped_packets_total:reason=icmp_unmatched; do
	IFS=: read -r key name label <<<"$m"
	got=$(pval "$name" ${label:+"$label"})
	check "$name${label:+ $label} = show nat translations' $key ($got)" \
		test -n "$got" -a "$got" = "$(ncount "$key")"
done
check "flushed, exhausted and icmp_unmatched are not 0 here" test \
	"$(ncount flushed)" -gt 0 -a "$(ncount natPoolExhausted)" -gt 0 -a "$(ncount natIcmpUnmatched)" -gt 0
check "sluice_nat_entries = show nat translations' entries" \
	test "$(pval sluice_nat_entries)" = "$(jget "d['entries']" <"$TOPO_RUN/nat.json")"
B_POOL=(from=CUSTOMER-B to=SHARED pool=100.64.2.2/32)
check "sluice_nat_pool_flows of B's pool: the flows of B listed" test \
	"$(pval sluice_nat_pool_flows "${B_POOL[@]}")" = "$(nflows CUSTOMER-B)"
check "sluice_nat_pool_pairs of B's pool: 1 address x 4 ports" \
	test "$(pval sluice_nat_pool_pairs "${B_POOL[@]}")" = 4
check "no NAT pool series for A's deleted leak-nat" dts_not \
	grep -q '^sluice_nat_pool_[a-z]*{from="CUSTOMER-A"' "$TOPO_RUN/nat.prom"
check "... B's is there" grep -q '^sluice_nat_pool_flows{from="CUSTOMER-B"' "$TOPO_RUN/nat.prom"

dts_finish
