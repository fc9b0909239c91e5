#!/usr/bin/env bash
# Install sluice on a fresh Debian 12 machine (root): the build packages,
# meson setup --prefix=/usr --sysconfdir=/etc, ninja, meson install, a group
# "sluice" for the control socket, systemctl daemon-reload when systemd runs.
# An existing /etc/sluice/sluice.conf or sluiced.env is kept (the new default
# is left beside it as FILE.dist). The service is not enabled or started:
# choose the ports in /etc/sluice/sluiced.env first, then
#   systemctl enable --now sluiced
#
#   scripts/install.sh [BUILD_DIR]     (default build-install)
# SLUICE_DESTDIR=DIR installs under DIR instead (no group, no systemctl);
# SLUICE_JOBS=N limits the build's parallel jobs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-install}
dest=${SLUICE_DESTDIR:-}

if [ "$(id -u)" != 0 ] && [ -z "$dest" ]; then
	echo "install.sh: run as root (apt-get, /usr, /etc, systemd): sudo $0 $*" >&2
	exit 1
fi

# build and run-time packages only (scripts/setup-deps.sh adds the test tools)
pkgs=(build-essential pkg-config meson ninja-build dpdk dpdk-dev libdpdk-dev libnuma-dev
	libpcap-dev libjansson-dev libedit-dev libmicrohttpd-dev libsystemd-dev python3-pyelftools
	systemd)
if [ "$(id -u)" = 0 ]; then
	missing=()
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		echo "install.sh: installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
fi

if [ -d "$build" ]; then
	meson configure "$build" --prefix=/usr --sysconfdir=/etc -Dtests=false >/dev/null
else
	meson setup "$build" "$top" --prefix=/usr --sysconfdir=/etc --buildtype=release \
		-Dtests=false >/dev/null
fi
ninja -C "$build" ${SLUICE_JOBS:+-j "$SLUICE_JOBS"}

# meson install overwrites files in /etc: keep the administrator's
etc=$dest/etc/sluice
keep=$(mktemp -d)
trap 'rm -rf "$keep"' EXIT
for f in sluice.conf sluiced.env; do
	[ -f "$etc/$f" ] && cp -p "$etc/$f" "$keep/$f"
done
if [ -n "$dest" ]; then
	meson install -C "$build" --no-rebuild --destdir "$dest" >/dev/null
else
	meson install -C "$build" --no-rebuild >/dev/null
fi
for f in sluice.conf sluiced.env; do
	[ -f "$keep/$f" ] || continue
	if ! cmp -s "$keep/$f" "$etc/$f"; then
		mv "$etc/$f" "$etc/$f.dist"
		cp -p "$keep/$f" "$etc/$f"
		echo "install.sh: kept $etc/$f (the new default is $etc/$f.dist)"
	fi
done
# a new configuration: readable by root and the group sluice only
[ -f "$keep/sluice.conf" ] || chmod 0640 "$etc/sluice.conf"

if [ -z "$dest" ]; then
	getent group sluice >/dev/null || groupadd --system sluice
	[ -f "$keep/sluice.conf" ] || chgrp sluice "$etc/sluice.conf"
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload
		echo "install.sh: sluiced.service installed; choose the ports in" \
			"/etc/sluice/sluiced.env, then: systemctl enable --now sluiced"
	else
		echo "install.sh: systemd is not running here: start sluiced by hand (sluiced(8))"
	fi
fi
echo "install.sh: done: $(command -v sluiced 2>/dev/null || echo "$dest/usr/bin/sluiced")"
