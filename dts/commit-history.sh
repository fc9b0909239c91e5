#!/usr/bin/env bash
# dts: the commit history. Commits with comments are listed by `show system
# commit` with the committer's uid (0: root runs the suite) and their diffs;
# `rollback N` brings revision N back (B's internet leak goes and comes
# with it); a commit prepared against an older revision (`base ID`) is
# refused when it touches what changed since, merged when not;
# `configure confirm 1` without `confirm` is undone within 70 s while a ping
# across an unrelated leak (a → dns) loses nothing; a config file broken at
# restart starts the last good revision, loudly; a missing one starts empty
# and `save` creates it. Revision ids go on across restarts.
. "$(dirname "$0")/dts-lib.sh"
dts_init ch
config=$TOPO_RUN/sluiced.conf
cp "$DTS_TOP/config/demo-shared-services.conf" "$config"
dts_start "$config"

# A request with argv words sluicectl does not send (comment, confirm, base):
# the control-socket protocol of sl_ctl.h (dts/ctl_abuse.py's client), input
# on stdin.
# shellcheck disable=SC2016
PYCTL='import json, sys
sys.path.insert(0, sys.argv[1])
from ctl_abuse import request
r = request(sys.argv[2], json.dumps({"argv": sys.argv[3:], "input": sys.stdin.read()}).encode())
sys.stdout.write(r.get("output", ""))
sys.stderr.write(r.get("errors", ""))
sys.exit(r["status"])'
ctl_in() { /usr/bin/python3 -c "$PYCTL" "$DTS_DIR" "$TOPO_SOCK" "$@"; }
rev_id() { topo_ctl show system commit id; }

leak='set vrf name CUSTOMER-B protocols static route 0.0.0.0/0 next-hop 203.0.113.1 vrf INTERNET
set vrf name INTERNET protocols static route 10.2.0.0/24 interface eth2 vrf CUSTOMER-B'

echo "---- revisions with comments, uid, diff"
start=$(rev_id)
check "the start-up configuration is revision $start" test "$start" -ge 1
check "it is listed as start-up" output_matches "^0 +$start .*start-up .*loaded $config" \
	topo_ctl show system commit
c0=$(topo_ctl show configuration)
check "configure comment: B's internet leak" ctl_in configure comment "B to the internet" <<<"$leak"
check "b reaches the internet" topo_ping b 198.51.100.1 2
check "configure comment: a description" \
	ctl_in configure comment "describe B" <<<"set vrf name CUSTOMER-B description tenant-b"
c2=$(topo_ctl show configuration)
check "two new revisions" test "$(rev_id)" = $((start + 2))
check "listed with uid 0 and their comments" output_matches \
	"^0 +$((start + 2)) .*uid 0 +\+1 -0 lines +describe B\$" topo_ctl show system commit
check "the leak's revision: uid 0, +2 lines" output_matches \
	"^1 +$((start + 1)) .*uid 0 +\+2 -0 lines +B to the internet\$" topo_ctl show system commit
check "diff 0 is the description line" test "$(topo_ctl show system commit diff 0)" = \
	"+ set vrf name CUSTOMER-B description tenant-b"
check "compare 2 0: the three lines added since" output_matches \
	"^\+ set vrf name INTERNET protocols static route 10.2.0.0/24" \
	topo_ctl show system commit compare 2 0
check "show system commit --json" output_matches '"comment": "B to the internet"' \
	topo_ctl --json show system commit
check "an unknown revision is refused" output_matches "no revision '99'" \
	topo_ctl show system commit diff 99

echo "---- rollback"
check "rollback 1" output_matches "rollback to revision $((start + 1))" topo_ctl rollback 1
check "the description is gone, the leak stays" test "$(topo_ctl show configuration)" = \
	"$(grep -v 'description tenant-b' <<<"$c2")"
check "rollback is a revision with its comment" output_matches \
	"^0 +$((start + 3)) .*uid 0 .*rollback to 1 \(revision $((start + 1))\)" \
	topo_ctl show system commit
check "rollback 3: the start-up configuration" topo_ctl rollback 3
check "the configuration is the start-up one" test "$(topo_ctl show configuration)" = "$c0"
check_not "b no longer reaches the internet" topo_ping b 198.51.100.1 1
check "rollback 2: the description and the leak are back" topo_ctl rollback 2
check "the configuration is revision $((start + 2))'s" \
	test "$(topo_ctl show configuration)" = "$c2"
check "b reaches the internet again" topo_ping b 198.51.100.1 2

echo "---- base: a commit prepared against an older revision"
base=$(rev_id)
check "someone else changes B's description" \
	ctl_in configure <<<"set vrf name CUSTOMER-B description changed"
check_not "an overlapping commit on the old base is refused" \
	ctl_in configure base "$base" <<<"set vrf name CUSTOMER-B description mine"
check "the refusal names the revision, uid, path and update" output_matches \
	"revision $((base + 1)) \(by uid 0, .*\) changed \`vrf name CUSTOMER-B description\`.*update" \
	ctl_in configure base "$base" <<<"set vrf name CUSTOMER-B description mine"
check "a commit on the old base touching other paths merges" \
	ctl_in configure base "$base" <<<"set vrf name CUSTOMER-A description a"
check "the merged change is running" grep -q "CUSTOMER-A description a" \
	<(topo_ctl show configuration)
check "and the other one still is" grep -q "CUSTOMER-B description changed" \
	<(topo_ctl show configuration)
check_not "a base newer than the running revision is refused" \
	ctl_in configure base 999999 <<<"set vrf name CUSTOMER-A description b"

echo "---- commit-confirm"
check "configure confirm 1 + confirm: it stays" \
	ctl_in configure confirm 1 <<<"set vrf name CUSTOMER-A description confirmed"
check "confirm" output_matches "confirmed" topo_ctl confirm
check_not "confirm again: nothing pending" topo_ctl confirm
check_not "a refused configure confirm 1 …" ctl_in configure confirm 1 <<<"set vrf name CUSTOMER-A tabel 1"
check_not "… arms nothing" topo_ctl confirm
before=$(topo_ctl show configuration)
check "the configuration stays" grep -q "description confirmed" <<<"$before"
check "B's internet leak goes (rollback-free state for the timeout test)" \
	ctl_in configure <<<"delete vrf name CUSTOMER-B protocols static route 0.0.0.0/0"
before=$(topo_ctl show configuration)
# a → dns crosses the CUSTOMER-A/SHARED leak, which no commit below touches
topo_in a ping -n -q -c 350 -i 0.2 -W 1 -I "${TOPO_ADDR[a]}" 10.100.0.10 \
	>"$TOPO_RUN/ping.txt" 2>&1 &
pinger=$!
t0=$SECONDS
check "configure confirm 1: B's internet leak" output_matches "commit-confirm pending" \
	ctl_in configure confirm 1 comment "try the leak" <<<"$leak"
check "b reaches the internet" topo_ping b 198.51.100.1 2
check "show system commit says a confirm is pending" output_matches \
	"commit-confirm pending" topo_ctl show system commit
back=0
while [ $((SECONDS - t0)) -le 70 ]; do
	if [ "$(topo_ctl show configuration)" = "$before" ]; then
		back=1
		break
	fi
	sleep 1
done
check "the previous configuration is back within 70 s ($((SECONDS - t0)) s)" test $back = 1
check "not before a minute" test $((SECONDS - t0)) -ge 59
check_not "b no longer reaches the internet" topo_ping b 198.51.100.1 1
check "the revert is a revision by confirm-timeout" output_matches \
	"^0 .* confirm-timeout .*commit-confirm timed out" topo_ctl show system commit
check "the log says so loudly" grep -q "NOT CONFIRMED" "$TOPO_LOG"
wait "$pinger"
check "a → dns lost nothing meanwhile ($(grep -o '[0-9]* received' "$TOPO_RUN/ping.txt"))" \
	grep -q " 0% packet loss" "$TOPO_RUN/ping.txt"

echo "---- restart with a broken config file: the last good revision"
running=$(topo_ctl show configuration)
last=$(rev_id)
check "save" topo_ctl save
echo "set vrf name CUSTOMER-B tabel 12" >>"$config"
topo_down
topo_init "$TOPO_P" "$TOPO_T" "$TOPO_RUN"
dts_start "$config"
check "the log says the file failed and which revision runs" \
	grep -q "WARNING: $config failed to load: started on revision $last" "$TOPO_LOG"
check "the running configuration is the last good one" \
	test "$(topo_ctl show configuration)" = "$running"
check "show system commit marks it" output_matches "^WARNING: .*failed to load" \
	topo_ctl show system commit
check "the revision in use is marked" output_matches "^0 +$last .*\[start-up fallback\]" \
	topo_ctl show system commit
check "a still reaches dns" topo_ping a 10.100.0.10 2
TELEMETRY=${DPDK_TELEMETRY:-$(command -v dpdk-telemetry.py || echo /usr/bin/dpdk-telemetry.py)}
if [ -x "$TELEMETRY" ]; then
	info=$(printf '/sluice/info\n' | "$TELEMETRY" -f "$TOPO_P" | head -n 1)
	# shellcheck disable=SC2016
	check "telemetry /sluice/info: fallback_revision $last, revision $last" /usr/bin/python3 -c '
import json, sys
r = list(json.loads(sys.argv[1]).values())[0]
sys.exit(0 if r["fallback_revision"] == r["revision"] == int(sys.argv[2]) else 1)' "$info" "$last"
fi
check "a commit after the restart gets a new id" \
	ctl_in configure <<<"set vrf name CUSTOMER-A description after-restart"
check "ids go on across restarts" test "$(rev_id)" = $((last + 1))
check "save writes the good configuration back" topo_ctl save
check_not "the fallback warning is gone" output_matches "^WARNING" topo_ctl show system commit

echo "---- restart without the file: empty, and save creates it"
topo_down
rm -f "$config"
topo_init "$TOPO_P" "$TOPO_T" "$TOPO_RUN"
topo_sluiced_start "$config"
topo_wait_ready || { echo "FAIL: sluiced did not start"; exit 1; }
check "the log says the file does not exist" grep -q "$config does not exist: starting with an empty" \
	"$TOPO_LOG"
check "the configuration is empty" test -z "$(topo_ctl show configuration)"
check "rollback 1 brings the saved configuration back" topo_ctl rollback 1
check "save creates the file" topo_ctl save
check "the file holds the running configuration" \
	test "$("$SLUICECTL" --offline "$config" show configuration)" = "$(topo_ctl show configuration)"
check "history files: at most 100" test "$(find "$TOPO_RUN/commits" -name '*.commit' | wc -l)" -le 100
dts_finish
