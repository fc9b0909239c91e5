# shellcheck shell=bash
# Common set-up of the dts/ bash suites: skip (exit 77) without root, network
# namespaces or sluiced; a per-run prefix for namespaces, taps and the DPDK
# file-prefix; cleanup on every exit; check/summary helpers.
#
# Usage (from a suite): . "$(dirname "$0")/dts-lib.sh"; dts_init NAME; dts_start CONFIG

set -uo pipefail
DTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DTS_TOP=$(cd "$DTS_DIR/.." && pwd)
# shellcheck source=scripts/netns-topology.sh
. "$DTS_TOP/scripts/netns-topology.sh"

DTS_FAILS=0
DTS_CHECKS=0

dts_skip() {
	echo "SKIP: $*"
	[ -n "${TOPO_RUN:-}" ] && rmdir "$TOPO_RUN" 2>/dev/null
	exit 77
}

# dts_init SHORTNAME (a few letters: it goes into 15-character tap names)
dts_init() {
	local name=$1 id=$(($$ % 100000))
	[ "$(id -u)" = 0 ] || dts_skip "needs root (network namespaces, taps, hugepages)"
	ip netns add "sl-probe-$$" 2>/dev/null || dts_skip "network namespaces unavailable"
	ip netns del "sl-probe-$$"
	topo_init "sl-dts-$name-$id" "t${name}${id}p" "${DTS_RUN:-/tmp/sluice-dts}/$name-$id"
	[ -x "$SLUICED" ] || dts_skip "no sluiced at $SLUICED (built only when DPDK is found)"
	[ -x "$SLUICECTL" ] || dts_skip "no sluicectl at $SLUICECTL"
	trap dts_cleanup EXIT
	trap 'exit 130' INT TERM
}

dts_cleanup() {
	local rc=$?
	if [ $rc != 0 ] && [ $rc != 77 ] && [ -f "$TOPO_LOG" ]; then
		echo "---- sluiced log (last 40 lines of $TOPO_LOG)"
		tail -n 40 "$TOPO_LOG"
	fi
	topo_down
	[ $rc = 0 ] && rm -rf "$TOPO_RUN"
	exit $rc
}

# dts_start CONFIG [SLUICED ARGS] — sluiced + hosts, ARP warmed up.
dts_start() {
	topo_sluiced_start "$@"
	topo_wait_ready || { echo "FAIL: sluiced did not start"; exit 1; }
	topo_hosts_up
	dts_warm
}

# Resolve every host's gateway so first packets do not race ARP.
dts_warm() {
	local h i
	for h in "${TOPO_HOSTS[@]}"; do
		# retried: on a loaded machine a first ping can time out before the
		# router's ARP exchange completes, leaving the neighbour unresolved
		for ((i = 0; i < 4; i++)); do
			topo_in "$h" ping -n -c 1 -W 2 "${TOPO_GW[$h]}" >/dev/null 2>&1 && break
		done
	done
}

# check "description" COMMAND… — PASS when the command succeeds. The
# command's output is shown only when the check fails.
check() {
	local what=$1 out
	shift
	DTS_CHECKS=$((DTS_CHECKS + 1))
	if out=$("$@" 2>&1); then
		echo "PASS: $what"
	else
		echo "FAIL: $what"
		[ -n "$out" ] && sed 's/^/  | /' <<<"$out" | head -n 40
		DTS_FAILS=$((DTS_FAILS + 1))
	fi
}

# check_not "description" COMMAND… — PASS when the command fails.
check_not() {
	local what=$1
	shift
	check "$what" dts_not "$@"
}

dts_not() { ! "$@"; }

# dts_wait SECONDS COMMAND… — COMMAND again every 0.1 s until it succeeds
# (0) or SECONDS pass (1): wait for an event, not a guessed time.
dts_wait() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# Output of a command matches an extended regex.
output_matches() {
	local re=$1 out
	shift
	out=$("$@" 2>&1)
	if grep -Eq -- "$re" <<<"$out"; then
		return 0
	fi
	printf 'expected /%s/ in the output of: %s\n' "$re" "$*"
	printf '%s\n' "$out"
	return 1
}

dts_finish() {
	echo "$((DTS_CHECKS - DTS_FAILS))/$DTS_CHECKS checks passed"
	[ $DTS_FAILS = 0 ]
	exit $?
}
