#!/usr/bin/env bash
# dts: the same topology and matrix with route-target leaking instead of
# static leaks (dts/configs/shared-services-rt.conf).
. "$(dirname "$0")/dts-lib.sh"
. "$DTS_DIR/matrix-checks.sh"
dts_init mr
dts_start "$DTS_DIR/configs/shared-services-rt.conf" --ctl-request-max 1
check "show bgp ipv4 vpn lists SHARED's RD" output_matches '65000:20' topo_ctl show bgp ipv4 vpn
matrix_checks
dts_finish
