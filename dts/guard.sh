#!/usr/bin/env bash
# dts: source validation and RFC 1812 martians end to end (issue 12 items 1
# and 2). CUSTOMER-A's host sends echo requests to the DNS host with
# CUSTOMER-B's host as their source (a reflection): CUSTOMER-A's interface
# validates strictly by default (a named VRF), so the router drops them
# (`src_invalid`) and B's host receives no reply. The same requests from A's
# own address are answered. Martian sources and destinations are not
# forwarded (`martian`), and the router still answers ping.
. "$(dirname "$0")/dts-lib.sh"
dts_init gd
PY=/usr/bin/python3
dts_start "$DTS_TOP/config/demo-shared-services.conf"

SNIFFER=()
gd_cleanup() {
	local rc=$?
	[ ${#SNIFFER[@]} -gt 0 ] && kill "${SNIFFER[@]}" 2>/dev/null
	(exit $rc)
	dts_cleanup
}
trap gd_cleanup EXIT

# sniff HOST SECONDS OUT SRC... — count, into OUT, the IPv4 packets HOST
# receives (not sends) from one of SRC... or to the martian destination this
# test uses (raw AF_PACKET).
sniff() {
	ip netns exec "$(topo_ns "$1")" "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.settimeout(0.2)
srcs = {socket.inet_aton(a) for a in sys.argv[3:]}
end, n = time.time() + float(sys.argv[1]), 0
while time.time() < end:
    try:
        f, addr = s.recvfrom(2048)
    except socket.timeout:
        continue
    ip = f[14:]
    if addr[2] == socket.PACKET_OUTGOING or len(ip) < 20:
        continue
    if ip[12:16] in srcs or ip[16:20] == socket.inet_aton("240.0.0.1"):
        n += 1
open(sys.argv[2], "w").write("%d\n" % n)
' "${@:2}" &
	SNIFFER+=($!)
}

# send HOST SRC DST N — N ICMP echo requests from HOST's namespace with IP
# source SRC (the header is ours), routed by the host's default route.
send() {
	ip netns exec "$(topo_ns "$1")" "$PY" -c '
import socket, struct, sys
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
src, dst, n = socket.inet_aton(sys.argv[1]), socket.inet_aton(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
for seq in range(n):
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x4711, seq) + b"guard" * 8
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, 1, 0, src, dst)
    try:
        s.sendto(ip + icmp, (sys.argv[2], 0))
    except OSError:
        pass
' "$2" "$3" "$4"
}

drops() { topo_ctl show dataplane | grep -o " $1=[0-9]*" | cut -d= -f2; }

src0=$(drops src_invalid)
sniff b 4 "$TOPO_RUN/b.count" 10.100.0.10
sniff dns 4 "$TOPO_RUN/dns.count" 10.2.0.10 127.0.0.1 0.1.2.3 224.0.0.9
sleep 0.5
send a 10.2.0.10 10.100.0.10 20
mart0=$(drops martian)
send a 127.0.0.1 10.100.0.10 5
send a 0.1.2.3 10.100.0.10 5 # (0.0.0.0 the kernel would replace)
send a 224.0.0.9 10.100.0.10 5
# to martian destinations: the host routes them to the router only by a route
ip -n "$(topo_ns a)" route add 240.0.0.0/4 via 10.1.0.1 2>/dev/null
send a 10.1.0.10 240.0.0.1 5
wait "${SNIFFER[@]}"
SNIFFER=()
src1=$(drops src_invalid)
mart1=$(drops martian)

check "the spoofed requests are dropped as src_invalid ($src0 -> $src1)" \
	test "$((src1 - src0))" -ge 20
check "B's host receives no reflected reply ($(cat "$TOPO_RUN/b.count"))" \
	test "$(cat "$TOPO_RUN/b.count")" = 0
check "martian sources and destinations are dropped as martian ($mart0 -> $mart1)" \
	test "$((mart1 - mart0))" -ge 20
check "the DNS host sees neither spoofed nor martian packets ($(cat "$TOPO_RUN/dns.count"))" \
	test "$(cat "$TOPO_RUN/dns.count")" = 0
check "A's host reaches the DNS host from its own address" \
	topo_in a ping -n -c 2 -W 2 10.100.0.10
check "the router answers ping" topo_in a ping -n -c 2 -W 2 10.1.0.1
check "traceroute's router hop answers (TTL 1)" output_matches 'exceeded' \
	topo_in a ping -n -c 1 -W 2 -t 1 10.100.0.10
check "show dataplane names the new drop reasons" output_matches \
	'src_invalid=[0-9]+.*directed_bcast=[0-9]+' topo_ctl show dataplane
dts_finish
