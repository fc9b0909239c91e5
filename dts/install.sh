#!/usr/bin/env bash
# dts: `meson install` into a scratch DESTDIR, and what it installed works:
# the binaries, man pages that render without warnings, a systemd unit that
# `systemd-analyze verify` accepts, a default configuration that checks, and
# the installed sluiced started with the installed configuration under the
# unit's own command line (its EAL options swapped for a null port) answers
# sluicectl on its socket (mode 0660, the group --socket-group names), tells
# a fake systemd notify socket READY=1 once ready, RELOADING=1 then READY=1
# around the unit's ExecReload signal, STOPPING=1 when it stops; a group
# that does not exist stops it at start.
. "$(dirname "$0")/dts-lib.sh"
dts_init in
dest=$TOPO_RUN/dest
# the installed tree goes even when a check fails (the logs stay in TOPO_RUN)
trap 'rc=$?; rm -rf "$dest"; (exit $rc); dts_cleanup' EXIT

echo "---- meson install --destdir"
nice -n 19 meson install -C "$SLUICE_BUILD" --no-rebuild --destdir "$dest" \
	>"$TOPO_RUN/install.log" 2>&1
check "meson install into a DESTDIR succeeds" test $? = 0
# where this build installs (its prefix, bindir, sysconfdir, ... as configured)
opt() {
	meson introspect --buildoptions "$SLUICE_BUILD" | /usr/bin/python3 -c \
		'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
abs() { case $1 in /*) echo "$1" ;; *) echo "$(opt prefix)/$1" ;; esac; }
bindir=$(abs "$(opt bindir)")
etcdir=$(abs "$(opt sysconfdir)")/sluice
mandir=$(abs "$(opt mandir)")
libexecdir=$(abs "$(opt libexecdir)")
find "$dest" -type f | sed "s|^$dest||" | sort
unit=$(find "$dest" -name sluiced.service -path '*/systemd/system/*' | head -n 1)

for b in sluiced sluicectl sluice-bench-control sluice-bench-tenants sluice-bench-lpm; do
	check "$bindir/$b is installed, executable" test -x "$dest$bindir/$b"
done
no_build_rpath() { ! readelf -d "$1" | grep -E 'RPATH|RUNPATH' | grep -qF "$SLUICE_BUILD"; }
command -v readelf >/dev/null &&
	check "the installed sluiced has no rpath into the build tree" no_build_rpath "$dest$bindir/sluiced"
for m in man8/sluiced.8 man8/sluicectl.8 man5/sluice.conf.5; do
	check "man page $m is installed" test -s "$dest$mandir/$m"
done
check "$etcdir/sluice.conf is installed" test -s "$dest$etcdir/sluice.conf"
check "$etcdir/sluiced.env is installed" test -s "$dest$etcdir/sluiced.env"
check "the systemd unit is installed" test -n "$unit"
check "the hugepage helper is installed, executable" test -x "$dest$libexecdir/sluice/sluice-hugepages"

echo "---- man pages"
if command -v groff >/dev/null; then
	for m in man8/sluiced.8 man8/sluicectl.8 man5/sluice.conf.5; do
		# groff -ww: every warning; none is allowed
		check "$m renders without warnings" \
			test -z "$(groff -man -Tutf8 -ww -z "$dest$mandir/$m" 2>&1)"
	done
	check "sluiced(8) documents --config and SIGHUP" output_matches 'SIGHUP' \
		groff -man -Tutf8 "$dest$mandir/man8/sluiced.8"
	check "sluicectl(8) documents show leak graph" output_matches 'show leak graph' \
		groff -man -Tutf8 "$dest$mandir/man8/sluicectl.8"
else
	echo "note: groff is not installed: the man pages are not rendered"
fi

echo "---- systemd unit"
check "Restart=on-failure" grep -qx 'Restart=on-failure' "$unit"
check "Type=notify (sluiced says READY=1)" grep -qx 'Type=notify' "$unit"
# shellcheck disable=SC2016 # the unit's own $MAINPID, literally
check "ExecReload sends SIGHUP" grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit"
check "RuntimeDirectory=sluice" grep -qx 'RuntimeDirectory=sluice' "$unit"
check "hugepages are reserved before the start" \
	grep -qx "ExecStartPre=$libexecdir/sluice/sluice-hugepages \${SLUICE_HUGEPAGES}" "$unit"
check "the unit runs the installed sluiced" grep -q "^ExecStart=$bindir/sluiced " "$unit"
if command -v systemd-analyze >/dev/null; then
	# verify checks that the executables exist: point it at the DESTDIR copies
	vdir=$TOPO_RUN/verify
	mkdir -p "$vdir"
	sed -e "s|$bindir/|$dest$bindir/|g" -e "s|$libexecdir/|$dest$libexecdir/|g" \
		-e "s|$etcdir/|$dest$etcdir/|g" "$unit" >"$vdir/sluiced.service"
	# Documentation=man:...: verify runs man(1), here on the DESTDIR's pages
	out=$(MANPATH=$dest$mandir SYSTEMD_LOG_LEVEL=warning \
		systemd-analyze verify "$vdir/sluiced.service" 2>&1)
	rc=$?
	# verify also reads the units it pulls in (network-pre.target): only
	# complaints about this unit count
	mine=$(grep -i 'sluiced.service' <<<"$out" || true)
	check "systemd-analyze verify accepts the unit (rc $rc)" test $rc = 0 -a -z "$mine"
	[ -n "$out" ] && sed 's/^/  verify: /' <<<"$out"
else
	echo "note: systemd-analyze is not installed: the unit is not verified"
fi

echo "---- the default configuration"
ctl=$dest$bindir/sluicectl
check "the installed sluicectl checks the default configuration" \
	"$ctl" --offline "$dest$etcdir/sluice.conf" check
check "it configures no VRF (a safe default)" \
	test -z "$(grep -v '^[[:space:]]*\(#\|$\)' "$dest$etcdir/sluice.conf")"
# every commented example line is a valid configuration once uncommented
sed -n 's/^# \(set .*\)/\1/p' "$dest$etcdir/sluice.conf" >"$TOPO_RUN/examples.conf"
check "the commented examples are a valid configuration" \
	"$ctl" --offline "$TOPO_RUN/examples.conf" check
check "the env file sets SLUICED_EAL" grep -q '^SLUICED_EAL=' "$dest$etcdir/sluiced.env"

echo "---- the installed sluiced under the unit's command line"
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
# systemd's expansion: the env file's values, $VAR split into words, ${VAR}
# kept whole; the test swaps the EAL options (own file-prefix, one null
# port, no PCI), the socket and the paths into the DESTDIR
set -a
# shellcheck disable=SC1090
. "$dest$etcdir/sluiced.env"
set +a
SLUICED_EAL="-l 0 $(topo_mem_args) --no-pci --file-prefix $TOPO_P --vdev net_null0"
# the socket's group: nogroup (Debian's base-passwd has it), a group this
# root process is not in
sgroup=nogroup
getent group "$sgroup" >/dev/null || sgroup=$(id -gn)
SLUICED_OPTS="$SLUICED_OPTS --socket-group $sgroup"
sock=$TOPO_RUN/s.sock
cmdline=${exec_start//\$SLUICED_EAL/$SLUICED_EAL}
cmdline=${cmdline//\$SLUICED_OPTS/$SLUICED_OPTS}
cmdline=${cmdline//\/run\/sluice\/sluiced.sock/$sock}
cmdline=${cmdline//$etcdir\//$dest$etcdir/}
cmdline=${cmdline//$bindir\//$dest$bindir/}
echo "running: $cmdline"
conf_before=$(md5sum <"$dest$etcdir/sluice.conf")
# systemd's side of Type=notify: a datagram socket in $NOTIFY_SOCKET
notes=$TOPO_RUN/notify.txt
/usr/bin/python3 "$DTS_DIR/notify_sink.py" "$TOPO_RUN/notify.sock" "$notes" &
sink=$!
for ((i = 0; i < 40; i++)); do
	[ -S "$TOPO_RUN/notify.sock" ] && break
	sleep 0.1
done
# shellcheck disable=SC2086
NOTIFY_SOCKET=$TOPO_RUN/notify.sock setsid $cmdline >"$TOPO_LOG" 2>&1 </dev/null &
TOPO_PID=$!
echo "$TOPO_PID" >"$TOPO_PIDFILE"
ready() { grep -q 'sluiced: ready' "$TOPO_LOG" && [ -S "$sock" ]; }
for ((i = 0; i < 120; i++)); do
	ready && break
	kill -0 "$TOPO_PID" 2>/dev/null || break
	sleep 0.25
done
check "the installed sluiced starts with the installed configuration" ready
check "it loaded the installed file" grep -q -- "--config $dest$etcdir/sluice.conf" <<<"$cmdline"
# notes_are A B … — the notify messages so far, in order, are exactly these
notes_are() {
	local want got i
	want=$(printf '%s\n' "$@")
	for ((i = 0; i < 40; i++)); do
		got=$(grep -v '^#' "$notes" 2>/dev/null)
		[ "$got" = "$want" ] && return 0
		sleep 0.1
	done
	printf 'want:\n%s\ngot:\n%s\n' "$want" "$got"
	return 1
}
check "systemd is told READY=1 once ready" notes_are READY=1
check "the control socket: mode 0660, group $sgroup" test "$(stat -c '%a %G' "$sock")" = "660 $sgroup"
check "sluicectl show dataplane answers on the socket (-l 0: no worker)" \
	output_matches '^workers: 0$' "$ctl" -s "$sock" show dataplane
check "show configuration: nothing configured" \
	test -z "$("$ctl" -s "$sock" show configuration)"
check "show leak graph: a DOT digraph without edges" \
	output_matches '^digraph "sluice leaks" \{' "$ctl" -s "$sock" show leak graph
kill -HUP "$TOPO_PID" # ExecReload=/bin/kill -HUP $MAINPID
for ((i = 0; i < 40; i++)); do
	grep -q 'SIGHUP: .* reloaded' "$TOPO_LOG" && break
	sleep 0.25
done
check "SIGHUP (the unit's ExecReload) reloads the file" grep -q 'SIGHUP: .* reloaded' "$TOPO_LOG"
check "sluiced survives the reload" kill -0 "$TOPO_PID"
check "the reload is told RELOADING=1, then READY=1" notes_are READY=1 RELOADING=1 READY=1
kill -TERM "$TOPO_PID"
wait "$TOPO_PID"
check "it exits 0 on SIGTERM (systemctl stop)" test $? = 0
TOPO_PID=
check "the stop is told STOPPING=1" notes_are READY=1 RELOADING=1 READY=1 STOPPING=1
kill "$sink" 2>/dev/null
wait "$sink" 2>/dev/null

echo "---- a --socket-group that does not exist"
# shellcheck disable=SC2086
out=$(setsid ${cmdline//--socket-group $sgroup/--socket-group no-such-group-$$} 2>&1 </dev/null)
rc=$?
check "sluiced refuses to start (rc $rc)" test $rc != 0
check "it names the group" grep -q -- "--socket-group no-such-group-$$: no such group" <<<"$out"
check "and leaves no socket behind" test ! -e "$sock"
check "the installed configuration is unchanged" \
	test "$(md5sum <"$dest$etcdir/sluice.conf")" = "$conf_before"

dts_finish
