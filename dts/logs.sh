#!/usr/bin/env bash
# dts: sluiced's log (lib/log, lib/tele/tele_log.c). Start-up lines on
# stderr as before ("sluiced: ready"); every commit at notice with the uid of
# the sluicectl that asked (0 here), in `show log` and on stderr; a firewall
# denial, a link change and an unanswered ARP each become one summary line; `show log` filters
# by level and count and answers in JSON; `system syslog global facility all
# level L` sets what is kept, and deleting it restores the default.
. "$(dirname "$0")/dts-lib.sh"
dts_init lg
PY=/usr/bin/python3
cat "$DTS_TOP/config/demo-shared-services.conf" "$DTS_DIR/configs/firewall-dns-only.conf" \
	>"$TOPO_RUN/logs.conf"
# a sixth port whose tap stays here: its link is ours to pull
# shellcheck disable=SC2034 # read by scripts/netns-topology.sh
TOPO_NPORTS=6
dts_start "$TOPO_RUN/logs.conf"
spare=${TOPO_T}5

jget() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }
# wait_log REGEX [SECONDS]: `show log` holds a line matching REGEX
wait_log() {
	local i
	for ((i = 0; i < ${2:-15} * 4; i++)); do
		topo_ctl show log | grep -Eq -- "$1" && return 0
		sleep 0.25
	done
	echo "no line /$1/ in show log:"
	topo_ctl show log | tail -n 15
	return 1
}
log_count() { topo_ctl show log | grep -Ec -- "$1"; }

echo "---- start-up"
check "stderr still says 'sluiced: ready'" grep -q '^sluiced: ready: 6 ports' "$TOPO_LOG"
check "show log holds the ready line at notice" output_matches ' notice  ready: 6 ports' \
	topo_ctl show log

echo "---- commits"
check "a commit" topo_ctl configure <<<'set vrf name CUSTOMER-A description logs-test'
check "show log: the commit at notice with uid 0" \
	output_matches 'notice  commit: by uid 0: [0-9]+ bytes, 1 changed paths' topo_ctl show log
check "stderr: the same line" grep -Eq '^sluiced: commit: by uid 0: ' "$TOPO_LOG"
check_not "a refused commit" topo_ctl configure <<<'set vrf name CUSTOMER-A table 254'
check "show log: the refusal at warning, with its first error" \
	output_matches 'warning commit: by uid 0: refused, nothing changed \(1 errors; first: .*254' \
	topo_ctl show log

echo "---- show log filters"
check "level err: no notice line" test "$(topo_ctl show log level err | grep -c ' notice ')" = 0
check "level notice: no info line" test "$(topo_ctl show log level notice | grep -c ' info ')" = 0
check "count 2: two lines" test "$(topo_ctl show log count 2 | wc -l)" = 2
# (summaries of the taps moved into namespaces may come at any time: at notice)
check "level warning count 1: the newest warning (the refusal)" \
	output_matches 'refused' topo_ctl show log level warning count 1
check "--json: the same line, with level and subsystem" \
	test "$(topo_ctl --json show log level warning count 1 |
		jget "d[0]['level']+' '+d[0]['subsystem']+' '+str('refused' in d[0]['message'])")" = \
	"warning commit True"
check_not "count 0 is refused" topo_ctl show log count 0
check "help lists it" output_matches '^  show log$' topo_ctl help
# a command both sluiced's and lib/show's (show leak graph) is listed once
check "help lists no command twice" \
	test -z "$(topo_ctl help | grep -v ':$' | sed -E 's/^ +//; s/ +[[<A-Z].*$//' | sort | uniq -d)"
check "sluicectl knows its words (sh lo co 1 = show log count 1)" \
	test "$(topo_ctl sh lo co 1 | wc -l)" = 1
check "a bad level names the valid ones" output_matches "not one of err, warning, notice" \
	topo_ctl show log level loud

echo "---- summaries"
# ICMP from CUSTOMER-A into SHARED: the default action drops it (4 packets)
# the packets the summary lines have counted so far
denied() {
	topo_ctl show log | grep -Eo 'firewall: [0-9,]+ packets denied' | tr -dc '0-9\n' |
		awk '{ s += $1 } END { print s + 0 }'
}
# ... and the firewall's own count (a ping the tap lost under load is in neither)
fw_denied() { topo_ctl --json show firewall | jget "d['summary']['dropped']+d['summary']['rejected']"; }
# wait_denied: the lines add up to the firewall's count within 15 s
wait_denied() {
	local i
	for ((i = 0; i < 60; i++)); do
		[ "$(denied)" = "$(fw_denied)" ] && return 0
		sleep 0.25
	done
	echo "the summary lines count $(denied) packets, the firewall $(fw_denied):"
	topo_ctl show log | grep 'packets denied'
	return 1
}
topo_in a ping -n -c 4 -i 0.2 -W 1 "${TOPO_ADDR[dns]}" >/dev/null 2>&1
check "firewall denials: a summary line" \
	wait_log 'notice  firewall: [0-9,]+ packets denied at leak points in the last [0-9]+ s'
check "... naming the ruleset and the leak direction it guards" output_matches \
	'packets denied at leak points in the last [0-9]+ s; [0-9,]+ by SHARED-TO-CUSTOMER \(CUSTOMER-A→SHARED\)$' \
	topo_ctl show log
# more denials right away: summed into the next line, not one line each
topo_in a ping -n -c 3 -i 0.2 -W 1 "${TOPO_ADDR[dns]}" >/dev/null 2>&1
check "within 10 s of the first line: no second one" test "$(log_count 'packets denied')" = 1
check "after 10 s: the lines count every denied packet" wait_denied
check "... in two lines" test "$(log_count 'packets denied')" = 2
check "... at least 4 of the 7 pings (a tap may lose some under load)" test "$(denied)" -ge 4

# a next hop that never answers ARP: the router's own ping of an empty address
topo_ctl ping 10.100.0.99 vrf SHARED count 1 >/dev/null 2>&1
check "an unanswered ARP: a neighbour summary on eth3" \
	wait_log 'warning neighbour: eth3: 1 next hops did not answer ARP in the last [0-9]+ s' 10

ip link set "$spare" down
check "link down: a summary line" wait_log 'notice  ports: port 5: link down'
ip link set "$spare" up
check "link up again: said (within the 10 s of its port)" wait_log 'ports: port 5: link up' 15

echo "---- --log-level"
bad=$("$SLUICED" --no-huge -m 64 --no-pci --file-prefix "${TOPO_P}x" -- --log-level loud 2>&1)
check "--log-level loud: exit 2" test $? = 2
check "... naming the valid levels" output_matches \
	"^sluiced: --log-level: 'loud' is not one of err, warning, notice, info, debug" echo "$bad"

echo "---- level from the configuration"
check "set system syslog global facility all level warning" \
	topo_ctl configure <<<'set system syslog global facility all level warning'
check "the change of level is said" wait_log 'notice  log: level warning \(system syslog\)' 2
before=$(log_count 'commit: by uid')
check "a commit" topo_ctl configure <<<'set vrf name CUSTOMER-A description quiet'
check "at level warning the commit line is not kept" test "$(log_count 'commit: by uid')" = "$before"
check "show configuration renders it" output_matches \
	'^set system syslog global facility all level warning$' topo_ctl show configuration
check_not "a level VyOS does not have is refused" \
	topo_ctl configure <<<'set system syslog global facility all level loud'
check "delete system syslog" topo_ctl configure <<<'delete system syslog'
check "back to the default level" wait_log 'log: level info \(--log-level or the default\)' 2
check "a commit is kept again" topo_ctl configure <<<'set vrf name CUSTOMER-A description loud'
check "... at notice" test "$(log_count 'commit: by uid 0')" -gt "$before"

dts_finish
