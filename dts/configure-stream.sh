#!/usr/bin/env bash
# dts: `sluicectl configure` takes a change larger than sluiced's request
# limit (--ctl-request-max 1, i.e. 1 MiB) by streaming it in chunks of one
# session, and commits it whole or not at all.
#   1. 40,000 static routes (2.8 MB of set lines) commit: `show ip route`
#      lists exactly them, plus the one the configuration had.
#   2. 40,000 more, with line 39,990 invalid (in the last chunk): exit 1,
#      the error names line 39990 and the bad token, and the routing table
#      is byte for byte what it was (nothing of the earlier chunks applied).
#   3. Deleting the 40,000 in one streamed change leaves the start state.
#   4. A single request over the limit is still refused with a clear error.
. "$(dirname "$0")/dts-lib.sh"

TOPO_HOSTS=()
TOPO_NPORTS=1
N=40000
BAD=39990

dts_init cs
topo_sluiced_start "$DTS_DIR/configs/stream-base.conf" --ctl-request-max 1
topo_wait_ready || { echo "FAIL: sluiced did not start"; exit 1; }

# routes PREFIX-FIRST-OCTET VERB: N lines; a prefix per line
routes() {
	awk -v a="$1" -v verb="$2" -v n="$N" 'BEGIN {
		for (i = 0; i < n; i++) {
			p = sprintf("%d.%d.%d.0/24", a, int(i / 256), i % 256)
			if (verb == "set")
				printf "set vrf name S protocols static route %s next-hop 10.1.0.9\n", p
			else
				printf "delete vrf name S protocols static route %s\n", p
		}
	}'
}

# The selected static prefixes of VRF S, sorted.
statics() { topo_ctl show ip route vrf S | awk '/^S>\* / {print $2}' | sort; }

start=$(statics)
routes 20 set >"$TOPO_RUN/add.txt"
size=$(wc -c <"$TOPO_RUN/add.txt")
check "the change ($size bytes) is larger than the 1 MiB request limit" test "$size" -gt 1048576
check "a $N-line change commits through sluicectl configure" topo_ctl configure "$TOPO_RUN/add.txt"
{ echo "$start"; awk '{print $8}' "$TOPO_RUN/add.txt"; } | sort >"$TOPO_RUN/want.txt"
statics >"$TOPO_RUN/got.txt"
check "show ip route vrf S lists exactly the $((N + 1)) statics" \
	cmp "$TOPO_RUN/want.txt" "$TOPO_RUN/got.txt"

before=$(topo_ctl show ip route vrf S)
routes 30 set | awk -v bad="$BAD" \
	'NR == bad { sub(/30\.[0-9]+\.[0-9]+\.0/, "30.300.1.0") } { print }' >"$TOPO_RUN/bad.txt"
topo_ctl configure "$TOPO_RUN/bad.txt" >"$TOPO_RUN/bad.out" 2>"$TOPO_RUN/bad.err"
rc=$?
check "a change with line $BAD invalid is refused (exit 1, got $rc)" test "$rc" = 1
check "the error names line $BAD and its token" \
	grep -Eq "^$BAD: 30\.300\.1\.0/24: not an IPv4 prefix" "$TOPO_RUN/bad.err"
check "the error is the only one" test "$(wc -l <"$TOPO_RUN/bad.err")" = 1
after=$(topo_ctl show ip route vrf S)
check "nothing of it was applied: the table is unchanged" test "$before" = "$after"
check_not "no route of its first chunk is there" grep -q '30\.0\.0\.0/24' <<<"$after"

routes 20 delete >"$TOPO_RUN/del.txt"
check "deleting the $N routes commits in one streamed change" \
	topo_ctl configure "$TOPO_RUN/del.txt"
check "the table is back to the start" test "$(statics)" = "$start"

big=$(printf '{"argv": ["show", "vrf"], "input": "%*s"}' 1100000 "")
check "a single request over the limit is refused, naming the limit" output_matches \
	'request larger than 1048576 bytes \(sluiced --ctl-request-max\)' \
	python3 -c 'import json,socket,sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
try:
    s.sendall(sys.stdin.buffer.read()); s.shutdown(socket.SHUT_WR)
except OSError:
    pass
d = b""
while True:
    c = s.recv(65536)
    if not c: break
    d += c
print(json.loads(d)["errors"])' "$TOPO_SOCK" <<<"$big"
check "sluiced is still running" kill -0 "$TOPO_PID"
dts_finish
