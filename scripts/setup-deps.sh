#!/usr/bin/env bash
# Install every Debian 12 package sluice builds, tests and demos with, and
# reserve hugepages. Idempotent; quiet when everything is already there.
set -euo pipefail

PKGS=(
	build-essential pkg-config meson ninja-build clang libclang-rt-14-dev clang-format
	dpdk dpdk-dev dpdk-doc libdpdk-dev libnuma-dev libpcap-dev libcmocka-dev python3-pyelftools
	libjansson-dev libedit-dev libmicrohttpd-dev libsystemd-dev
	iproute2 iputils-ping traceroute tcpdump netcat-openbsd procps
	python3-pytest python3-scapy
	frr exabgp
	prometheus # promtool: dts/prometheus.sh checks sluiced's /metrics with `promtool check metrics`
	graphviz # `dot`: tests/show and dts/firewall.sh check show leak graph's DOT (skipped without)
	gnuplot-nox # scripts/bench-plot.py: the benchmark's plots in doc/ (tests/bench: bench-plot)
)

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps: run as root (apt-get and hugepages need it)" >&2
	exit 1
fi

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "setup-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# dts/frr.sh runs its own zebra and bgpd in namespaces (pathspace -N); a
	# system FRR started by the package would only get in the way: forbid
	# service starts during the install, then leave the service disabled.
	norc=/usr/sbin/policy-rc.d
	[ -e $norc ] || { printf '#!/bin/sh\nexit 101\n' >$norc && chmod +x $norc && trap 'rm -f $norc' EXIT; }
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	# the same for the Prometheus server: only its promtool is wanted
	for svc in frr prometheus; do
		[[ " ${missing[*]} " == *" $svc "* ]] || continue
		if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
			systemctl disable --now $svc >/dev/null 2>&1 || true
		else
			update-rc.d $svc disable >/dev/null 2>&1 || true
		fi
	done
fi

"$(dirname "$0")/hugepages.sh"
