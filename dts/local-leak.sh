#!/usr/bin/env bash
# dts: the router's own addresses across leaks (issue 12 item 4), with the
# demo's shared-services policy and the DNS-only leak firewall
# (config/demo-shared-services.conf + dts/configs/firewall-dns-only.conf).
# By default a router address does not answer a packet that reached it
# through a leak: CUSTOMER-A cannot ping SHARED's 10.100.0.1, the internet
# cannot ping CUSTOMER-A's 10.1.0.1, both counted as local_leak, while each
# VRF's own host pings its own router address and A's DNS query to the DNS
# host crosses the leak as the policy allows. `set vrf name V ip
# answer-across-leaks` lets V's addresses answer, after the leak point's
# firewall: the internet (no firewall on that leak) then gets its answer;
# A's ping of SHARED's address is refused by the DNS-only ruleset
# (leak_denied) until a rule accepts it.
. "$(dirname "$0")/dts-lib.sh"
dts_init ll
PY=/usr/bin/python3
PEER="$DTS_DIR/fw_peer.py"
cat "$DTS_TOP/config/demo-shared-services.conf" "$DTS_DIR/configs/firewall-dns-only.conf" \
	>"$TOPO_RUN/local-leak.conf"
dts_start "$TOPO_RUN/local-leak.conf"

SERVERS=()
ll_cleanup() {
	local rc=$?
	[ ${#SERVERS[@]} -gt 0 ] && kill "${SERVERS[@]}" 2>/dev/null
	(exit $rc)
	dts_cleanup
}
trap ll_cleanup EXIT
ip netns exec "$(topo_ns dns)" "$PY" "$PEER" serve-udp 10.100.0.10 53 "$TOPO_RUN/dns53.count" &
SERVERS+=($!)
for _ in $(seq 50); do [ -s "$TOPO_RUN/dns53.count" ] && break; sleep 0.1; done

# drop COUNTER: its value in `show dataplane`
drop() { topo_ctl show dataplane | grep -o "$1=[0-9]*" | head -n 1 | cut -d= -f2; }
pings() { topo_in "$1" ping -n -c 3 -i 0.2 -W 1 "$2" >/dev/null 2>&1; }

topo_ctl clear counters >/dev/null
check "CUSTOMER-A's host pings its own router address 10.1.0.1" pings a 10.1.0.1
check "the DNS host pings SHARED's own router address 10.100.0.1" pings dns 10.100.0.1
check "the internet host pings INTERNET's own router address 203.0.113.2" pings inet 203.0.113.2
check "traceroute's router hop: A's own address answers with TTL 1" \
	topo_in a ping -n -c 1 -t 1 -W 1 10.1.0.1
check "a router address across no leak drops nothing" test "$(drop local_leak)" = 0

check_not "CUSTOMER-A cannot ping SHARED's router address 10.100.0.1 through the leak" \
	pings a 10.100.0.1
check "... counted: local_leak = 3 (not leak_denied: $(drop leak_denied))" \
	test "$(drop local_leak)" = 3
check "A's DNS query to the DNS host crosses the leak and is answered" \
	topo_in a "$PY" "$PEER" query 10.100.0.10 53 2 40053
check_not "the internet cannot ping CUSTOMER-A's router address 10.1.0.1" pings inet 10.1.0.1
check "... counted: local_leak = 6" test "$(drop local_leak)" = 6

echo "---- set vrf name CUSTOMER-A ip answer-across-leaks"
check "the option commits" topo_ctl configure - <<<"set vrf name CUSTOMER-A ip answer-across-leaks"
check "the internet now pings CUSTOMER-A's router address (no firewall on that leak)" \
	pings inet 10.1.0.1
check_not "SHARED's address still does not answer CUSTOMER-A" pings a 10.100.0.1
check "... local_leak = 9" test "$(drop local_leak)" = 9

echo "---- set vrf name SHARED ip answer-across-leaks: the DNS-only firewall judges first"
check "the option commits" topo_ctl configure - <<<"set vrf name SHARED ip answer-across-leaks"
before=$(drop leak_denied)
check_not "CUSTOMER-A's ping of 10.100.0.1 is refused by SHARED-TO-CUSTOMER" pings a 10.100.0.1
check "... counted as leak_denied (+3), local_leak unchanged" \
	test "$(($(drop leak_denied) - before))" = 3 -a "$(drop local_leak)" = 9
check "a rule accepting ICMP to the router address commits" topo_ctl configure - <<'CONF'
set firewall ipv4 name SHARED-TO-CUSTOMER rule 5 action accept
set firewall ipv4 name SHARED-TO-CUSTOMER rule 5 protocol icmp
set firewall ipv4 name SHARED-TO-CUSTOMER rule 5 destination address 10.100.0.1/32
CONF
check "CUSTOMER-A now pings SHARED's router address 10.100.0.1" pings a 10.100.0.1
check "CUSTOMER-A's host still pings its own router address" pings a 10.1.0.1

echo "---- delete the options: back to the default"
check "the deletes commit" topo_ctl configure - <<'CONF'
delete vrf name CUSTOMER-A ip
delete vrf name SHARED ip
CONF
check_not "the internet cannot ping 10.1.0.1 again" pings inet 10.1.0.1
check_not "CUSTOMER-A cannot ping 10.100.0.1 again (the rule does not matter)" pings a 10.100.0.1
check "... local_leak = 15" test "$(drop local_leak)" = 15
dts_finish
