#!/usr/bin/env bash
# dts: the router's own ping counts honestly (issue 12 item 5). While
# `sluicectl ping ADDR vrf CUSTOMER-B` runs, the internet host floods the
# router's INTERNET address with forged echo replies: from ADDR itself (a
# spoofed source), for every identifier the router's first sessions use and
# every sequence number, with a payload of its own. A ping of an address
# with no host stays at 100 % loss, and a ping of the DNS host counts its 3
# replies, never more.
. "$(dirname "$0")/dts-lib.sh"
dts_init rp
PY=/usr/bin/python3
dts_start "$DTS_TOP/config/demo-shared-services.conf"

FORGER=()
rp_cleanup() {
	local rc=$?
	[ ${#FORGER[@]} -gt 0 ] && kill "${FORGER[@]}" 2>/dev/null
	(exit $rc)
	dts_cleanup
}
trap rp_cleanup EXIT

# forge SPOOFED_SRC SECONDS — echo replies to 203.0.113.2, IP header ours.
forge() {
	ip netns exec "$(topo_ns inet)" "$PY" -c '
import os, socket, struct, sys, time
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
src, dst = socket.inet_aton(sys.argv[1]), socket.inet_aton("203.0.113.2")
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    for ident in range(0x5100, 0x5110):
        for seq in range(1, 5):
            icmp = struct.pack("!BBHHH", 0, 0, 0, ident, seq) + os.urandom(56)
            icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, 1, 0, src, dst)
            s.sendto(ip + icmp, ("203.0.113.2", 0))
    time.sleep(0.05)
' "$1" "$2" &
	FORGER+=($!)
}

# ping_summary ADDR — the router's ping of ADDR in CUSTOMER-B, 3 requests.
ping_summary() { topo_ctl ping "$1" vrf CUSTOMER-B count 3 2>&1 | grep 'packets transmitted'; }

forge 10.100.0.99 6
out=$(ping_summary 10.100.0.99)
check "forged replies: a ping of an address with no host stays at 100 % loss ($out)" \
	test "$out" = "3 packets transmitted, 0 received, 100% packet loss"
forge 10.100.0.10 6
out=$(ping_summary 10.100.0.10)
check "forged replies: a ping of the DNS host counts its 3 replies, no more ($out)" \
	test "$out" = "3 packets transmitted, 3 received, 0% packet loss"
check "the forged replies reached the router (punted to it)" output_matches \
	'punted: arp=[0-9]+ local=[1-9][0-9]{2,}' topo_ctl show dataplane
dts_finish
