#!/usr/bin/env bash
# dts: the running configuration survives a restart. A leak is added live
# (`sluicectl configure`), `sluicectl save` writes the running configuration
# back to the --config file (the previous one kept as FILE.bak; `save FILE`
# writes elsewhere), sluiced is stopped and started again with it:
# `show configuration` is identical and the added leak still forwards.
. "$(dirname "$0")/dts-lib.sh"
dts_init sr
config=$TOPO_RUN/sluiced.conf
cp "$DTS_TOP/config/demo-shared-services.conf" "$config"
dts_start "$config"

leak='set vrf name CUSTOMER-B protocols static route 0.0.0.0/0 next-hop 203.0.113.1 vrf INTERNET
set vrf name INTERNET protocols static route 10.2.0.0/24 interface eth2 vrf CUSTOMER-B'
check_not "before: b cannot reach the internet" topo_ping b 198.51.100.1 1
check "configure adds B's internet leak" topo_ctl configure - <<<"$leak"
check "b reaches the internet" topo_ping b 198.51.100.1 2
check "save says where, and that the previous file is kept" output_matches \
	"^saved to $config \\(the previous file is $config\\.bak\\)$" topo_ctl save
check "the previous file is the one it replaced (no B leak yet)" \
	cmp -s "$config.bak" "$DTS_TOP/config/demo-shared-services.conf"
check "save FILE writes another file" topo_ctl save "$TOPO_RUN/copy.conf"
check "... the same configuration" cmp -s <(grep -v '^#' "$config") "$TOPO_RUN/copy.conf"
check_not "save with a relative FILE is refused (the daemon's directory is not ours)" \
	topo_ctl save copy.conf
check "the saved file loads offline" "$SLUICECTL" --offline "$config" check
before=$(topo_ctl show configuration)
check "the saved file renders like the running configuration" \
	test "$("$SLUICECTL" --offline "$config" show configuration)" = "$before"

echo "---- restart with the saved file"
topo_down
topo_init "$TOPO_P" "$TOPO_T" "$TOPO_RUN"
dts_start "$config"
check "show configuration is identical after the restart" \
	test "$(topo_ctl show configuration)" = "$before"
check "b still reaches the internet" topo_ping b 198.51.100.1 2
check "a still reaches dns" topo_ping a 10.100.0.10 2
check_not "b still cannot reach a" topo_ping b 10.1.0.10 1

echo "---- an invalid transaction changes nothing, on disk or live"
check_not "configure with a bad line fails" topo_ctl configure - <<<"set vrf name CUSTOMER-B table 10x"
check "running configuration unchanged" test "$(topo_ctl show configuration)" = "$before"
dts_finish
