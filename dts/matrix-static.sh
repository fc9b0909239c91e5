#!/usr/bin/env bash
# dts: the shared-services topology with static cross-VRF leaks
# (config/demo-shared-services.conf): the whole ping matrix, TTL, traceroute,
# ICMP unreachable and sluicectl ping/show against real Linux hosts.
. "$(dirname "$0")/dts-lib.sh"
. "$DTS_DIR/matrix-checks.sh"
dts_init ms
dts_start "$DTS_TOP/config/demo-shared-services.conf" --ctl-request-max 1
matrix_checks
dts_finish
