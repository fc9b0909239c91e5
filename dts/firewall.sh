#!/usr/bin/env bash
# dts: the firewall at leak points with real hosts (config/demo-shared-services.conf
# + dts/configs/firewall-dns-only.conf): the customer's DNS query reaches the DNS
# host and its answer comes back; TCP 22 is dropped; rejected flows get a TCP RST
# or ICMP administratively prohibited; SHARED's packets reach the customer only
# as replies, and only while `state established` allows them; the counters of
# `show firewall` equal the packets sent; a full conntrack table drops new flows
# and counts them while tracked flows go on; unguarded leaks are untouched;
# `show leak graph` draws the same leak directions with the same counters.
. "$(dirname "$0")/dts-lib.sh"
dts_init fw
PY=/usr/bin/python3
PEER="$DTS_DIR/fw_peer.py"
CT_MAX=16
cat "$DTS_TOP/config/demo-shared-services.conf" "$DTS_DIR/configs/firewall-dns-only.conf" \
	>"$TOPO_RUN/firewall.conf"
dts_start "$TOPO_RUN/firewall.conf" --conntrack-max "$CT_MAX"

DNS=10.100.0.10
A=10.1.0.10
# Real services on the DNS host: a UDP responder on 53 and 5353, TCP listeners
# on 22 and 23 (ip netns exec execs the server: $! is its pid, killed on exit).
SERVERS=()
serve() {
	ip netns exec "$(topo_ns dns)" "$PY" "$PEER" "$@" &
	SERVERS+=($!)
}
fw_cleanup() {
	local rc=$?
	[ ${#SERVERS[@]} -gt 0 ] && kill "${SERVERS[@]}" 2>/dev/null
	(exit $rc)
	dts_cleanup
}
trap fw_cleanup EXIT
serve serve-udp "$DNS" 53 "$TOPO_RUN/dns53.count"
serve serve-udp "$DNS" 5353 "$TOPO_RUN/dns5353.count"
serve serve-tcp "$DNS" 22 "$TOPO_RUN/ssh.count"
serve serve-tcp "$DNS" 23 "$TOPO_RUN/telnet.count"
for f in dns53 dns5353 ssh telnet; do
	for _ in $(seq 50); do [ -s "$TOPO_RUN/$f.count" ] && break; sleep 0.1; done
done
count() { cat "$TOPO_RUN/$1.count"; }

# jq-free reading of the JSON answers
fwjson() { topo_ctl --json show firewall "$@"; }
jget() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
rule_packets() { # RULESET RULE → packets
	fwjson "$1" | jget "[r['packets'] for r in d['rulesets'][0]['rules'] if r['rule']=='$2'][0]"
}
default_packets() { fwjson "$1" | jget "d['rulesets'][0]['defaultPackets']"; }
summary() { fwjson | jget "d['summary']['$1']"; }

topo_ctl clear counters >/dev/null

# 1. DNS: five queries from one socket, each answered
check "UDP 53 query from CUSTOMER-A reaches the DNS host and the reply comes back" \
	topo_in a "$PY" "$PEER" query "$DNS" 53 5 40053
check "the DNS host received exactly the 5 queries" test "$(count dns53)" = 5
check "counter: SHARED-TO-CUSTOMER rule 10 = 5 packets" test "$(rule_packets SHARED-TO-CUSTOMER 10)" = 5
check "counter: SHARED-REPLIES rule 10 (established) = 5 packets" \
	test "$(rule_packets SHARED-REPLIES 10)" = 5
check "show conntrack lists the DNS flow" output_matches \
	"udp +10\.1\.0\.10:40053 \(CUSTOMER-A\) +10\.100\.0\.10:53 \(SHARED\) +REPLIED" \
	topo_ctl show conntrack vrf CUSTOMER-A

# 2. TCP 22 to the same host: dropped silently (nc gives up, the server sees nothing)
check_not "TCP 22 from CUSTOMER-A to the DNS host is dropped" topo_in a nc -z -w 2 "$DNS" 22
check "the SSH listener saw no connection" test "$(count ssh)" = 0
check "counter: SHARED-TO-CUSTOMER default-action counted the SYNs" \
	test "$(default_packets SHARED-TO-CUSTOMER)" -ge 1

# 3. reject: TCP RST and ICMP administratively prohibited
check "TCP 23: the client gets a RST (connection refused)" \
	topo_in a "$PY" "$PEER" expect-rst "$DNS" 23
check "the telnet listener saw no connection" test "$(count telnet)" = 0
check "UDP 5353: the client gets ICMP administratively prohibited" \
	topo_in a "$PY" "$PEER" expect-icmp-prohibited "$DNS" 5353
check "the UDP 5353 responder received nothing" test "$(count dns5353)" = 0
check "counters: rules 20 and 30 rejected" \
	test "$(rule_packets SHARED-TO-CUSTOMER 20)" -ge 1 -a "$(rule_packets SHARED-TO-CUSTOMER 30)" -ge 1
check "the slow path counted the reject punts" output_matches "fw_reject" topo_ctl show dataplane

check "traceroute across the guarded leak still shows the router as hop 1" output_matches \
	"^ *1 +10\.1\.0\.1 " topo_in a traceroute -n -m 1 -q 1 -w 2 "$DNS"

# 4. SHARED → CUSTOMER-A only as replies
topo_in a "$PY" "$PEER" listen-udp "$A" 7000 3 >"$TOPO_RUN/unsolicited.out" &
lpid=$!
sleep 0.5
check "the DNS host sent 5 datagrams from port 53 to CUSTOMER-A" \
	topo_in dns "$PY" "$PEER" send "$A" 7000 5 53
wait "$lpid"
check "unsolicited UDP from the DNS host (source port 53) never reaches CUSTOMER-A" \
	test "$(cat "$TOPO_RUN/unsolicited.out")" = 0
check_not "a ping from the DNS host to CUSTOMER-A is dropped (no flow)" topo_ping dns "$A" 2
check "unguarded leak: CUSTOMER-B still pings the DNS host" topo_ping b "$DNS" 2
check "unguarded leak: CUSTOMER-A still reaches the internet" topo_ping a 198.51.100.1 2

# replies pass only while `state established` allows them
topo_ctl configure - >/dev/null <<'EOC'
delete firewall ipv4 name SHARED-REPLIES rule 10
EOC
before=$(count dns53)
check_not "without 'state established' the DNS reply is dropped" \
	topo_in a "$PY" "$PEER" query "$DNS" 53 2 40054
check "... although the queries still reach the DNS host" test "$(count dns53)" = $((before + 2))
topo_ctl configure - >/dev/null <<'EOC'
set firewall ipv4 name SHARED-REPLIES rule 10 action accept
set firewall ipv4 name SHARED-REPLIES rule 10 state established
EOC
check "with it back, replies of the tracked flow pass again" \
	topo_in a "$PY" "$PEER" query "$DNS" 53 2 40054

# 5. leak points
check "show firewall leak-points: CUSTOMER-A → SHARED guarded" output_matches \
	"CUSTOMER-A +SHARED +[0-9]+ +[0-9]+ +SHARED-TO-CUSTOMER +guarded" topo_ctl show firewall leak-points
check "show firewall leak-points: SHARED → CUSTOMER-A guarded" output_matches \
	"SHARED +CUSTOMER-A +[0-9]+ +[0-9]+ +SHARED-REPLIES +guarded" topo_ctl show firewall leak-points
check "show firewall leak-points: CUSTOMER-B → SHARED unguarded" output_matches \
	"CUSTOMER-B +SHARED +[0-9]+ +[1-9][0-9]* +- +UNGUARDED" topo_ctl show firewall leak-points

# the same directions drawn by `show leak graph` (DOT), with the same counters
lp_packets() { topo_ctl show firewall leak-points | awk -v f="$1" -v t="$2" '$1 == f && $2 == t { print $4 }'; }
graph_packets() {
	topo_ctl show leak graph | sed -n "s/^\t\"$1\" -> \"$2\" \[label=\".*\\\\n\([0-9]*\) packets\{0,1\}\".*/\1/p"
}
graph=$(topo_ctl show leak graph)
check "show leak graph: CUSTOMER-A → SHARED guarded by SHARED-TO-CUSTOMER" grep -q \
	'"CUSTOMER-A" -> "SHARED" \[label="10.100.0.0/24\\nfirewall: SHARED-TO-CUSTOMER\\n[0-9]* packets", color=darkgreen' \
	<<<"$graph"
check "show leak graph: one arrow per leak direction of show firewall leak-points" \
	test "$(grep -c '" -> "' <<<"$graph")" = \
	"$(topo_ctl show firewall leak-points | grep -cE ' (guarded|UNGUARDED)( \(no leaked route\))?$')"
for dir in "CUSTOMER-A SHARED" "SHARED CUSTOMER-A" "CUSTOMER-B SHARED"; do
	# shellcheck disable=SC2086
	check "show leak graph counts what leak-points counts: ${dir/ / → }" \
		test "$(graph_packets $dir)" = "$(lp_packets $dir)" -a -n "$(lp_packets $dir)"
done
if command -v dot >/dev/null; then
	check "dot -Tsvg accepts the live graph" dot -Tsvg -o /dev/null <<<"$graph"
fi

# 6. conntrack full: new flows dropped and counted, the tracked flow goes on
full0=$(summary conntrackFull)
entries=$(summary conntrackEntries)
room=$((CT_MAX - entries))
n=$((room + 4))
got=$(topo_in a "$PY" "$PEER" flows "$DNS" 53 "$n")
full1=$(summary conntrackFull)
check "table full ($CT_MAX flows): of $n new flows at most $room answered (got $got)" \
	test "$got" -le "$room"
check "new flows beyond the table were counted as conntrack_full ($((full1 - full0)))" \
	test $((full1 - full0)) -ge 4
check "the tracked DNS flow is unaffected by the full table" \
	topo_in a "$PY" "$PEER" query "$DNS" 53 3 40053
check "show firewall reports conntrack_full" output_matches \
	"[1-9][0-9]* new flows dropped \(conntrack_full\)" topo_ctl show firewall

# 7. --json answers parse and say the same
jcheck() { topo_ctl --json "$@" | "$PY" -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if $JQ else 1)"; }
JQ="any(l['from']=='CUSTOMER-B' and l['to']=='SHARED' and not l['guarded'] for l in d['leakPoints'])" \
	check "show firewall leak-points --json" jcheck show firewall leak-points
JQ="d['entries'] == $CT_MAX and len(d['flows']) == $CT_MAX and d['conntrackFull'] >= 4" \
	check "show conntrack --json: the full table, every flow listed" jcheck show conntrack
JQ="all(f['sourceVrf']=='CUSTOMER-A' or f['destinationVrf']=='CUSTOMER-A' for f in d['flows'])" \
	check "show conntrack vrf CUSTOMER-A --json" jcheck show conntrack vrf CUSTOMER-A
JQ="d['rulesets'][0]['name']=='SHARED-TO-CUSTOMER' and d['rulesets'][0]['leakPoints']==[{'from':'CUSTOMER-A','to':'SHARED'}]" \
	check "show firewall SHARED-TO-CUSTOMER --json: bindings" jcheck show firewall SHARED-TO-CUSTOMER
check_not "show conntrack vrf NOPE fails" topo_ctl show conntrack vrf NOPE
check_not "show firewall NOPE fails" topo_ctl show firewall NOPE

echo "---- show firewall"
topo_ctl show firewall
echo "---- show firewall leak-points"
topo_ctl show firewall leak-points
dts_finish
