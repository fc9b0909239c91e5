#!/usr/bin/env bash
# sluicectl's contract without a daemon: exit statuses (0 ok, 1 configuration
# errors, 2 usage), `FILE:LINE: message` and `FILE:LINE: warning: …`, --json
# output, and the live client against a missing socket.  Usage: test_sluicectl.sh SLUICECTL SOURCE_ROOT
set -u
ctl=$1
top=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

expect() { # expect STATUS DESCRIPTION COMMAND…
	local want=$1 what=$2 got
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" = "$want" ]; then
		echo "ok: $what"
	else
		echo "FAIL: $what: exit $got, want $want"
		sed 's/^/  out| /' "$tmp/out" | head -5
		sed 's/^/  err| /' "$tmp/err" | head -5
		fails=$((fails + 1))
	fi
}

grep_out() { # grep_out FILE(out|err) REGEX DESCRIPTION
	if grep -Eq -- "$2" "$tmp/$1"; then
		echo "ok: $3"
	else
		echo "FAIL: $3: /$2/ not in std$1:"
		sed 's/^/  | /' "$tmp/$1" | head -10
		fails=$((fails + 1))
	fi
}

demo=$top/config/demo-shared-services.conf
expect 0 "check a valid file" "$ctl" --offline "$demo" check
grep_out out 'configuration OK' "check says OK"
expect 0 "show ip route vrf CUSTOMER-A" "$ctl" --offline "$demo" show ip route vrf CUSTOMER-A
grep_out out '10\.100\.0\.0/24 .*vrf SHARED' "the leaked route names its VRF"
expect 0 "--json before --offline" "$ctl" --json --offline "$demo" show ip route vrf CUSTOMER-A
if /usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/out" 2>/dev/null; then
	echo "ok: --json output parses"
else
	echo "FAIL: --json output is not JSON"
	fails=$((fails + 1))
fi
expect 0 "--json after --offline FILE" "$ctl" --offline "$demo" --json show vrf
expect 0 "--offline=FILE form" "$ctl" --offline="$demo" check

printf 'set vrf name A table 10\n\nset vrf name B table 256x\nset nonsense here\n' >"$tmp/bad.conf"
expect 1 "a file with errors" "$ctl" --offline "$tmp/bad.conf" check
grep_out err "^$tmp/bad.conf:3: " "errors are FILE:LINE: message"
grep_out err "^$tmp/bad.conf:4: " "every error line is reported"
expect 1 "a missing file" "$ctl" --offline "$tmp/none.conf" check
grep_out err "^$tmp/none.conf: " "I/O errors are FILE: message"

# warnings (issue 14 item 7): exit 0, FILE:LINE: warning: …, counted after OK
cat >"$tmp/vyos.conf" <<'EOF'
set protocols bgp system-as 65000
set vrf name A table 10
set vrf name B table 20
set vrf name A protocols bgp system-as 65000
set vrf name B protocols bgp system-as 65000
set vrf name A protocols bgp address-family ipv4-unicast label vpn export auto
set vrf name A protocols bgp address-family ipv4-unicast rd vpn export 65000:1
set vrf name B protocols bgp address-family ipv4-unicast rd vpn export 65000:1
EOF
expect 0 "check a file with warnings" "$ctl" --offline "$tmp/vyos.conf" check
grep_out err "^$tmp/vyos.conf:1: warning: 'protocols bgp system-as'" "a no-op line's notice"
grep_out err "^$tmp/vyos.conf:6: warning: 'label vpn export' has no effect" "label vpn export"
grep_out err "^$tmp/vyos.conf:8: warning: vrf B has the same rd 65000:1 as vrf A" "duplicate RD"
grep_out out "^$tmp/vyos.conf: configuration OK, 3 warnings$" "check counts the warnings"
expect 0 "show from a file with warnings" "$ctl" --offline "$tmp/vyos.conf" show vrf
if grep -q warning "$tmp/err"; then
	echo "FAIL: show prints check's warnings"
	fails=$((fails + 1))
else
	echo "ok: show is not check: no warnings"
fi
printf '%s\n' 'set vrf name A table 10' 'set vrf name A protocols bgp system-as 1' \
	'set policy route-map RM rule 10 action permit' 'set policy route-map RM rule 20 set metric 1' \
	'set vrf name A protocols bgp address-family ipv4-unicast route-map vpn import RM' \
	>"$tmp/noaction.conf"
expect 1 "a rule without action in an applied route-map" "$ctl" --offline "$tmp/noaction.conf" check
grep_out err "^$tmp/noaction.conf:4: route-map RM rule 20: no 'action'" "refused at the rule's line"

expect 2 "no command after --offline FILE" "$ctl" --offline "$demo"
expect 2 "an unknown offline command" "$ctl" --offline "$demo" frobnicate
expect 2 "an unknown show command" "$ctl" --offline "$demo" show frobnicate
grep_out err "unknown word 'frobnicate' after 'show' \(valid: bgp, configuration, firewall, ip, leak, policy, vrf\)" \
	"an unknown show word lists what is valid"

# abbreviations (issue 14 item 3): unique prefixes of keywords, errors with the choices
expect 0 "sh ip ro vrf NAME" "$ctl" --offline "$demo" sh ip ro vrf CUSTOMER-A
grep_out out '10\.100\.0\.0/24 .*vrf SHARED' "the abbreviated command is show ip route"
expect 0 "show ip rout (an abbreviation too)" "$ctl" --offline "$demo" show ip rout
expect 0 "s v (show vrf)" "$ctl" --offline "$demo" s v
grep_out out "^CUSTOMER-A " "show vrf ran"
expect 2 "show ip frob" "$ctl" --offline "$demo" show ip frob
grep_out err "unknown word 'frob' after 'show ip' \(valid: route\)" "the bad word and the choices"
expect 2 "show ip (incomplete)" "$ctl" --offline "$demo" show ip
grep_out err "incomplete command 'show ip' \(continue with one of: route\)" "what may follow"
expect 2 "an ambiguous verb" "$ctl" --offline "$demo" c
grep_out err "ambiguous 'c' \(could be: check, check-leaks\)" "the candidates of a verb"
expect 2 "an ambiguous show word (live)" "$ctl" -s "$tmp/none.sock" sh i
grep_out err "ambiguous 'i' after 'show' \(could be: interfaces, ip\)" "the daemon's commands count"
expect 1 "an abbreviated live command reaches the client" "$ctl" -s "$tmp/none.sock" sh int
grep_out err 'cannot reach sluiced at' "expanded, then sent"

expect 2 "check with arguments" "$ctl" --offline "$demo" check extra
expect 2 "an unknown option" "$ctl" --frobnicate show vrf
expect 2 "-s without a value" "$ctl" -s
expect 0 "--help" "$ctl" --help
expect 2 "no command and stdin not a terminal" "$ctl" </dev/null
expect 1 "live, no daemon at the socket" "$ctl" -s "$tmp/none.sock" show interfaces
grep_out err 'cannot reach sluiced at' "a missing daemon is named"
expect 2 "configure with two files" "$ctl" -s "$tmp/none.sock" configure a b
expect 1 "configure with a missing file" "$ctl" -s "$tmp/none.sock" configure "$tmp/none.conf"

echo "$fails failure(s)"
[ "$fails" = 0 ]
