#!/usr/bin/env bash
# dts: live policy change. While host a pings the DNS host through the static
# SHARED leak at up to 1250 packets/s, CUSTOMER-B's internet leak (a default
# route into INTERNET plus INTERNET's return route) is added and removed
# DTS_LEAK_CYCLES (100) times with `sluicectl configure`. The a -> dns flow
# must lose no packet, and b -> internet must work right after each add and
# stop right after each delete (within one commit).
. "$(dirname "$0")/dts-lib.sh"
dts_init lc
dts_start "$DTS_TOP/config/demo-shared-services.conf"
cycles=${DTS_LEAK_CYCLES:-100}

add='set vrf name CUSTOMER-B protocols static route 0.0.0.0/0 next-hop 203.0.113.1 vrf INTERNET
set vrf name INTERNET protocols static route 10.2.0.0/24 interface eth2 vrf CUSTOMER-B'
del='delete vrf name CUSTOMER-B protocols static route 0.0.0.0/0
delete vrf name INTERNET protocols static route 10.2.0.0/24'

# The upstream's MAC is resolved before the clock starts.
topo_in a ping -n -c 2 -W 2 198.51.100.1 >/dev/null 2>&1 || true
check_not "before: b cannot reach the internet" topo_ping b 198.51.100.1 1

flood_log=$TOPO_RUN/flood.log
# Not through a shell function: $! must be ping itself (ip netns exec execs it).
ip netns exec "$(topo_ns a)" ping -n -i 0.0008 -W 1 10.100.0.10 >"$flood_log" 2>&1 &
flood_pid=$!
t0=$(date +%s.%N)
sleep 1

works=0 stops=0 commit_fail=0
for ((i = 1; i <= cycles; i++)); do
	((i % 10 == 0)) && echo "  cycle $i/$cycles"
	topo_ctl configure - <<<"$add" >/dev/null || commit_fail=$((commit_fail + 1))
	if topo_in b ping -n -c 1 -W 2 -I 10.2.0.10 198.51.100.1 >/dev/null 2>&1; then
		works=$((works + 1))
	else
		echo "  cycle $i: b -> internet failed right after the add"
	fi
	topo_ctl configure - <<<"$del" >/dev/null || commit_fail=$((commit_fail + 1))
	if topo_in b ping -n -c 1 -W 1 -I 10.2.0.10 198.51.100.1 >/dev/null 2>&1; then
		echo "  cycle $i: b -> internet still works after the delete"
	else
		stops=$((stops + 1))
	fi
done

sleep 1
t1=$(date +%s.%N)
# SIGTERM, not SIGINT: background jobs of a script ignore SIGINT. The summary
# is lost with it, so the counts come from the reply lines.
kill -TERM "$flood_pid" 2>/dev/null
wait "$flood_pid" 2>/dev/null

# Loss = gaps in the icmp_seq of replies (16-bit, wraps); packets still in
# flight when ping was stopped are not losses. Complete lines only ("time=").
read -r sent received lost <<<"$(awk '
	/bytes from .* time=/ && match($0, /icmp_seq=[0-9]+/) {
		s = substr($0, RSTART + 9, RLENGTH - 9) + 0
		if (n > 0) { gap = (s - prev - 1 + 65536) % 65536; lost += gap }
		prev = s; n++
	}
	END { print n + lost, n + 0, lost + 0 }' "$flood_log")"
pps=$(awk -v n="$sent" -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", n / (b - a) }')
echo "flood a -> dns: $sent sent, $received replies, $lost lost in sequence, ~$pps pps over $cycles cycles"
rm -f "$flood_log"

check "all $((2 * cycles)) commits accepted" test "$commit_fail" = 0
# What makes the test mean something is how densely the flood samples each
# commit, not its rate: a loaded machine slows ping and the commits alike.
per_commit=$((sent / (2 * cycles)))
check "the flood sampled each commit densely (>= 10 packets per commit: $per_commit)" test "$per_commit" -ge 10
check "the unaffected flow lost no packet ($lost lost)" test "$received" -gt 0 -a "$lost" = 0
check "the added leak worked after each of $cycles adds ($works)" test "$works" = "$cycles"
check "the removed leak stopped after each of $cycles deletes ($stops)" test "$stops" = "$cycles"
dts_finish
