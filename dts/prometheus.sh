#!/usr/bin/env bash
# dts: the Prometheus endpoint (`service monitoring prometheus`) on the
# shared-services topology. Off by default; once configured, GET /metrics
# passes `promtool check metrics` (or, without promtool, dts/prom_scrape.py's
# own format checks); after a known number of pings its counters equal what
# `sluicectl show interfaces|dataplane`, /sluice/stats and `show firewall`
# say; 50 concurrent scrapes during a ping flood cost no packet and leave
# sluiced up; a port in use or an address not of this host leaves the
# endpoint down with the reason in `show service monitoring`; deleting the
# configuration, or a SIGHUP reload of a file without it, closes the port.
. "$(dirname "$0")/dts-lib.sh"
PY=/usr/bin/python3
SCRAPE="$DTS_DIR/prom_scrape.py"
TELEMETRY=${DPDK_TELEMETRY:-$(command -v dpdk-telemetry.py || echo /usr/bin/dpdk-telemetry.py)}
PROMTOOL=$(command -v promtool || true)
dts_init pm
[ -x "$PY" ] || dts_skip "no $PY"
[ -x "$TELEMETRY" ] || dts_skip "no dpdk-telemetry.py (Debian package dpdk)"
# a port of this run's own: other suites may run a sluiced at the same time
PORT=$((20000 + $$ % 20000))
URL=http://127.0.0.1:$PORT/metrics
dts_start "$DTS_TOP/config/demo-shared-services.conf"

status() { "$PY" "$SCRAPE" status "$@"; }
scrape() { "$PY" "$SCRAPE" get "$URL" "$TOPO_RUN/$1.prom"; }
# val SCRAPE NAME [LABEL=VALUE…] — one sample's value
val() {
	local f=$1
	shift
	"$PY" "$SCRAPE" value "$TOPO_RUN/$f.prom" "$@"
}
# eq "description" A B — PASS when the two values are equal (and not empty)
eq() { check "$1" test -n "$2" -a "$2" = "$3"; }
json() { "$PY" -c "import json, sys; d = json.load(open(sys.argv[1])); print($2)" "$1"; }
ping_exact() {
	topo_in "$1" ping -n -q -c "$3" -i 0.01 -W 2 "$2" | grep -q " $3 received"
}

echo "---- off by default"
check "show service monitoring: disabled" output_matches '^Prometheus endpoint: disabled$' \
	topo_ctl show service monitoring
eq "no listener on 127.0.0.1:$PORT" "$(status "$URL")" 0

echo "---- configured"
check "configure the endpoint on port $PORT" topo_ctl configure - <<EOF
set service monitoring prometheus port $PORT
EOF
check "show service monitoring: up on 127.0.0.1:$PORT" \
	output_matches "^Prometheus endpoint: up \(http://127.0.0.1:$PORT/metrics\)" \
	topo_ctl show service monitoring
check "the configuration renders the line" output_matches "^set service monitoring prometheus port $PORT$" \
	topo_ctl show configuration
check "GET /metrics: 200, text/plain; version=0.0.4" scrape first
if [ -n "$PROMTOOL" ]; then
	check "promtool check metrics passes" "$PROMTOOL" check metrics <"$TOPO_RUN/first.prom"
else
	echo "SKIP: no promtool (Debian package prometheus): dts/prom_scrape.py's checks only"
fi
check "format: HELP and TYPE once per family, names, escaping, _total counters" \
	"$PY" "$SCRAPE" lint "$TOPO_RUN/first.prom"
check "every family announced in doc/operations.md" "$PY" -c "
import re, sys
doc = open(sys.argv[2]).read()
names = set(re.findall(r'^# TYPE (\S+)', open(sys.argv[1]).read(), re.M))
missing = sorted(n for n in names if n not in doc)
print('undocumented:', missing); sys.exit(1 if missing else 0)" "$TOPO_RUN/first.prom" "$DTS_TOP/doc/operations.md"
eq "GET /other: 404" "$(status "http://127.0.0.1:$PORT/other")" 404
eq "POST /metrics: 405" "$(status "$URL" POST)" 405
eq "sluice_workers is 1" "$(val first sluice_workers)" 1
eq "sluice_vrf_routes: SHARED has 2 static leaks" \
	"$(val first sluice_vrf_routes vrf=SHARED source=static-leak)" 2
eq "sluice_fpm_state: disabled" "$(val first sluice_fpm_state state=disabled)" 1
check "sluice_commits_total{result=ok} counts the start-up configuration and this one" \
	test "$(val first sluice_commits_total result=ok)" -ge 2

echo "---- counters after known traffic equal show's and telemetry's"
cat >"$TOPO_RUN/fw.conf" <<'CONF'
set firewall ipv4 name B-TO-SHARED rule 10 action accept
set firewall ipv4 name B-TO-SHARED rule 10 destination address 10.100.0.10/32
set firewall ipv4 name B-TO-SHARED default-action drop
set vrf name CUSTOMER-B leak-firewall to SHARED name B-TO-SHARED
CONF
check "configure B-TO-SHARED on the CUSTOMER-B -> SHARED leak" topo_ctl configure "$TOPO_RUN/fw.conf"
for pair in "a 10.100.0.10" "b 10.100.0.10"; do
	read -r h d <<<"$pair"
	topo_in "$h" ping -n -q -c 2 -W 2 "$d" >/dev/null 2>&1 || true
done
check "clear counters" topo_ctl clear counters
check "a -> dns: 50 pings, 50 replies" ping_exact a 10.100.0.10 50
check "b -> dns: 20 pings, 20 replies" ping_exact b 10.100.0.10 20
check_not "b -> ntp: 10 pings dropped by B-TO-SHARED" \
	topo_in b ping -n -q -c 10 -i 0.01 -W 1 10.100.0.20
sleep 0.2 # the last replies' counters
topo_ctl --json show interfaces >"$TOPO_RUN/if.json"
topo_ctl --json show dataplane >"$TOPO_RUN/dp.json"
printf '/sluice/stats\n' | "$TELEMETRY" -f "$TOPO_P" >"$TOPO_RUN/tele.json"
printf '/sluice/firewall/stats\n' | "$TELEMETRY" -f "$TOPO_P" >"$TOPO_RUN/fw.json"
check "scrape after the pings" scrape known
for p in 1 2 3; do
	for f in rx_packets tx_packets rx_bytes tx_bytes; do
		eq "eth$p $f: scrape = show interfaces" "$(val known "sluice_port_${f}_total" port="eth$p")" \
			"$(json "$TOPO_RUN/if.json" "[i['$f'] for i in d if i['name'] == 'eth$p'][0]")"
	done
done
for f in rx tx forwarded leaked; do
	eq "dataplane $f: scrape = show dataplane" "$(val known "sluice_dp_${f}_packets_total")" \
		"$(json "$TOPO_RUN/dp.json" "d['$f']")"
done
for r in $(json "$TOPO_RUN/dp.json" "' '.join(d['dropped'])"); do
	eq "drops $r: scrape = show dataplane" "$(val known sluice_drops_total reason="$r")" \
		"$(json "$TOPO_RUN/dp.json" "d['dropped']['$r']")"
done
for r in $(json "$TOPO_RUN/dp.json" "' '.join(d['punted'])"); do
	eq "punts $r: scrape = show dataplane" "$(val known sluice_punts_total reason="$r")" \
		"$(json "$TOPO_RUN/dp.json" "d['punted']['$r']")"
done
for k in $(json "$TOPO_RUN/dp.json" "' '.join(d['punt_classes'])"); do
	eq "punt ring $k: scrape = show dataplane" \
		"$(val known sluice_punt_ring_packets_total class="$k")" \
		"$(json "$TOPO_RUN/dp.json" "d['punt_classes']['$k']['punted']")"
	eq "punt ring $k full: scrape = show dataplane" \
		"$(val known sluice_punt_ring_full_total class="$k")" \
		"$(json "$TOPO_RUN/dp.json" "d['punt_classes']['$k']['full']")"
done
eq "exactly 10 leak_denied drops" "$(val known sluice_drops_total reason=leak_denied)" 10
eq "dataplane forwarded: 140 (50 and 20 pings each way)" "$(val known sluice_dp_forwarded_packets_total)" 140
TELE_VRF='[v for v in list(d.values())[0]["vrfs"].values() if v["vrf"] == "%s"][0]["%s"]'
TELE_LEAK='[v for v in list(d.values())[0]["leaks"].values() if v["from"] == "%s" and v["to"] == "%s"][0]["packets"]'
for v in CUSTOMER-A CUSTOMER-B SHARED; do
	# shellcheck disable=SC2059
	eq "VRF $v rx: scrape = /sluice/stats" "$(val known sluice_vrf_rx_packets_total vrf="$v")" \
		"$(json "$TOPO_RUN/tele.json" "$(printf "$TELE_VRF" "$v" ipv4_rx)")"
	# shellcheck disable=SC2059
	eq "VRF $v forwarded: scrape = /sluice/stats" \
		"$(val known sluice_vrf_forwarded_packets_total vrf="$v")" \
		"$(json "$TOPO_RUN/tele.json" "$(printf "$TELE_VRF" "$v" forwarded)")"
done
eq "VRF CUSTOMER-A rx: 50" "$(val known sluice_vrf_rx_packets_total vrf=CUSTOMER-A)" 50
for d in "CUSTOMER-A SHARED" "SHARED CUSTOMER-A" "CUSTOMER-B SHARED"; do
	read -r f t <<<"$d"
	# shellcheck disable=SC2059
	eq "leak $f -> $t: scrape = /sluice/stats" \
		"$(val known sluice_leak_packets_total from="$f" to="$t")" \
		"$(json "$TOPO_RUN/tele.json" "$(printf "$TELE_LEAK" "$f" "$t")")"
done
eq "leak CUSTOMER-B -> SHARED: the 20 accepted" \
	"$(val known sluice_leak_packets_total from=CUSTOMER-B to=SHARED)" 20
eq "firewall rule 10 of B-TO-SHARED: 20 packets" \
	"$(val known sluice_firewall_rule_packets_total ruleset=B-TO-SHARED rule=10)" 20
eq "firewall default action of B-TO-SHARED: 10 packets" \
	"$(val known sluice_firewall_rule_packets_total ruleset=B-TO-SHARED rule=default)" 10
eq "firewall verdicts: 10 dropped" "$(val known sluice_firewall_packets_total verdict=drop)" 10
for m in entries:entries max:max created_total:created; do
	eq "conntrack ${m#*:}: scrape = /sluice/firewall/stats" \
		"$(val known "sluice_conntrack_${m%%:*}")" \
		"$(json "$TOPO_RUN/fw.json" "list(d.values())[0]['ct_${m#*:}']")"
done

echo "---- 50 concurrent scrapes during a ping flood"
topo_ctl --json show dataplane >"$TOPO_RUN/dp0.json"
"$PY" "$SCRAPE" many "$URL" 50 "$TOPO_RUN" >"$TOPO_RUN/many.out" 2>&1 &
many=$!
flood=$(topo_in a ping -n -q -f -c 3000 -W 2 10.100.0.10 2>&1)
wait $many
mrc=$?
check "50 scrapes answered 200 with well-formed text" test $mrc = 0 -a -s "$TOPO_RUN/49.txt"
[ $mrc = 0 ] || cat "$TOPO_RUN/many.out"
check "the flood: 3000 sent, 3000 received" grep -q "3000 packets transmitted, 3000 received" <<<"$flood"
topo_ctl --json show dataplane >"$TOPO_RUN/dp1.json"
check "no datapath drop meanwhile" "$PY" -c "
import json, sys
a = json.load(open(sys.argv[1]))['dropped']; b = json.load(open(sys.argv[2]))['dropped']
d = {k: b[k] - a[k] for k in a if b[k] != a[k]}
print(d); sys.exit(1 if d else 0)" "$TOPO_RUN/dp0.json" "$TOPO_RUN/dp1.json"
check "forwarded +6000" test "$(json "$TOPO_RUN/dp1.json" "d['forwarded']")" = \
	"$(($(json "$TOPO_RUN/dp0.json" "d['forwarded']") + 6000))"
check "sluiced still up" kill -0 "$TOPO_PID"
check "show service monitoring counts the scrapes" "$PY" -c "
import json, subprocess, sys
d = json.loads(subprocess.check_output(sys.argv[1:] + ['--json', 'show', 'service', 'monitoring']))['prometheus']
print(d); sys.exit(0 if d['state'] == 'up' and d['scrapes'] >= 52 and d['renders'] >= 1 else 1)" \
	"$SLUICECTL" -s "$TOPO_SOCK"

echo "---- a port in use, an address not of this host: down, with the reason"
"$PY" -c "
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen(1); time.sleep(60)" $((PORT + 1)) &
holder=$!
sleep 0.3
check "configure a port in use: the commit succeeds" topo_ctl configure - <<EOF
set service monitoring prometheus port $((PORT + 1))
EOF
check "show service monitoring: down, address already in use" \
	output_matches "error: cannot listen on 127.0.0.1:$((PORT + 1)): Address already in use" \
	topo_ctl show service monitoring
eq "the old port closed" "$(status "$URL")" 0
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check "configure 192.0.2.77 (not an address of this host)" topo_ctl configure - <<EOF
set service monitoring prometheus listen-address 192.0.2.77
set service monitoring prometheus port $PORT
EOF
check "show service monitoring: down, cannot assign the address" \
	output_matches "^Prometheus endpoint: down .*192.0.2.77.*|error: .*Cannot assign requested address" \
	topo_ctl show service monitoring
check "a bad address is refused by the commit itself" \
	output_matches "listen-address" topo_ctl configure - <<EOF
set service monitoring prometheus listen-address 300.1.2.3
EOF
check "back on 127.0.0.1:$PORT" topo_ctl configure - <<EOF
delete service monitoring prometheus listen-address
EOF
check "scrape again" scrape again
check "the new scrape lints" "$PY" "$SCRAPE" lint "$TOPO_RUN/again.prom"

echo "---- deleted: the port closes"
check "delete service monitoring" topo_ctl configure - <<EOF
delete service monitoring
EOF
eq "no listener on $PORT" "$(status "$URL")" 0
check "show service monitoring: disabled" output_matches '^Prometheus endpoint: disabled$' \
	topo_ctl show service monitoring

echo "---- SIGHUP: the file (without the endpoint) becomes the configuration"
check "configure the endpoint again" topo_ctl configure - <<EOF
set service monitoring prometheus port $PORT
EOF
eq "listening again" "$(status "$URL")" 200
kill -HUP "$TOPO_PID"
for ((i = 0; i < 40; i++)); do
	grep -q 'SIGHUP: .* reloaded' "$TOPO_LOG" && break
	sleep 0.25
done
check "the reload happened" grep -q 'SIGHUP: .* reloaded' "$TOPO_LOG"
check "show service monitoring: disabled after the reload" \
	output_matches '^Prometheus endpoint: disabled$' topo_ctl show service monitoring
eq "no listener on $PORT after the reload" "$(status "$URL")" 0
check "sluiced still up and answering" topo_ctl show dataplane

dts_finish
