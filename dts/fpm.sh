#!/usr/bin/env bash
# dts: routes from FRR's zebra over FPM. sluiced runs the demo configuration
# with `protocols fpm` listening on 127.0.0.1; dts/fpm_peer.py plays zebra
# (frames as dplane_fpm_nl writes them): 10,000 BGP routes in INTERNET's
# table, a blackhole that stops the internet host's ping to CUSTOMER-A and its
# withdrawal that restores it, multipath and next-hop-group routes, other
# tables and protocols, malformed and hostile input, a replay after a
# reconnect that sweeps what it left out, and `delete protocols fpm`.
# About 15 s besides start-up.
. "$(dirname "$0")/dts-lib.sh"
dts_init fp
PY=/usr/bin/python3
[ -x "$PY" ] || dts_skip "no $PY"
port=$((20000 + $$ % 20000))
config=$TOPO_RUN/sluiced.conf
cp "$DTS_TOP/config/demo-shared-services.conf" "$config"
cat >>"$config" <<CONF
set protocols fpm address 127.0.0.1
set protocols fpm port $port
CONF
dts_start "$config"
check "show fpm: listening" output_matches "FPM: listening on 127.0.0.1:$port" topo_ctl show fpm
check "the FPM scenario (dts/fpm_peer.py)" \
	"$PY" "$DTS_DIR/fpm_peer.py" "$port" "$SLUICECTL" "$TOPO_SOCK" "$(topo_ns a)" "$(topo_ns inet)" \
	"$TOPO_RUN/show-fpm.txt"
echo "---- show fpm before delete protocols fpm"
cat "$TOPO_RUN/show-fpm.txt" 2>/dev/null
check "sluiced is still running" kill -0 "$TOPO_PID"
dts_finish
