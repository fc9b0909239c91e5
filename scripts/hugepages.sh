#!/usr/bin/env bash
# Reserve 2 MiB hugepages and mount hugetlbfs (a fresh machine has none mounted).
# Usage: hugepages.sh [PAGES]   (default 1024 = 2 GiB). Idempotent.
set -euo pipefail
want=${1:-${SLUICE_HUGEPAGES:-1024}}
nr=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
if [ -w "$nr" ] && [ "$(cat "$nr")" -lt "$want" ]; then
	echo "$want" >"$nr" || true
fi
if ! mount | grep -q 'type hugetlbfs'; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages
fi
have=$(cat "$nr" 2>/dev/null || echo 0)
if [ "$have" -lt "$want" ]; then
	echo "hugepages: only $have of $want 2 MiB pages could be reserved" >&2
fi
