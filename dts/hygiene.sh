#!/usr/bin/env bash
# dts: process hygiene. SIGHUP makes the config file the running configuration
# as one commit (a broken file is refused whole and sluiced keeps running);
# `save` never follows a symlink planted beside the config, keeps its mode;
# a start-up failure exits non-zero; a stop leaves no hugepage files and no
# DPDK runtime directory behind.
. "$(dirname "$0")/dts-lib.sh"
dts_init hy
config=$TOPO_RUN/sluiced.conf
cp "$DTS_TOP/config/demo-shared-services.conf" "$config"
chmod 0600 "$config"
dts_start "$config"

alive() { kill -0 "$TOPO_PID" 2>/dev/null; }
# wait_log N REGEX: the log holds N lines matching REGEX within 10 s
wait_log() {
	local i
	for ((i = 0; i < 40; i++)); do
		[ "$(grep -Ec -- "$2" "$TOPO_LOG")" -ge "$1" ] && return 0
		sleep 0.25
	done
	echo "fewer than $1 lines /$2/ in $TOPO_LOG:"
	tail -n 5 "$TOPO_LOG"
	return 1
}
hugefiles() { find /dev/hugepages /mnt/huge -maxdepth 1 -name "${TOPO_P}map_*" 2>/dev/null | wc -l; }

echo "---- the control thread's time slice"
# sluiced asks for a 0.1 ms slice so that it preempts on wake-up (EEVDF,
# Linux >= 6.12; older kernels keep their own slice)
slice_ok() {
	local s
	[ "$(printf '%s\n' 6.12 "$(uname -r)" | sort -V | head -n 1)" = 6.12 ] || return 0
	s=$(awk '$1 == "se.slice" {print $3}' "/proc/$TOPO_PID/sched")
	[ -z "$s" ] || [ "$s" = 100000 ] || { echo "se.slice $s"; return 1; }
}
check "the control thread runs with a 0.1 ms slice" slice_ok

echo "---- SIGHUP"
before=$(topo_ctl show configuration)
kill -HUP "$TOPO_PID"
check "an unchanged file reloads" wait_log 1 'SIGHUP: .* reloaded'
check "sluiced survives SIGHUP" alive
check "configuration unchanged" test "$(topo_ctl show configuration)" = "$before"
check_not "b cannot reach the internet yet" topo_ping b 198.51.100.1 1
cat >>"$config" <<'CONF'
set vrf name CUSTOMER-B protocols static route 0.0.0.0/0 next-hop 203.0.113.1 vrf INTERNET
set vrf name INTERNET protocols static route 10.2.0.0/24 interface eth2 vrf CUSTOMER-B
CONF
kill -HUP "$TOPO_PID"
check "the edited file reloads" wait_log 2 'SIGHUP: .* reloaded'
check "b reaches the internet after the reload" topo_ping b 198.51.100.1 2
# a removed line is removed: the reload is the whole file, not a merge
sed -i '/CUSTOMER-B protocols static route 0.0.0.0\/0/d' "$config"
kill -HUP "$TOPO_PID"
check "the shortened file reloads" wait_log 3 'SIGHUP: .* reloaded'
check "a line deleted from the file is deleted live" \
	dts_not grep -q 'CUSTOMER-B protocols static route 0.0.0.0/0' <(topo_ctl show configuration)
check_not "b lost the internet again" topo_ping b 198.51.100.1 1
good=$(topo_ctl show configuration)
echo "set vrf name CUSTOMER-B tabel 12" >>"$config"
kill -HUP "$TOPO_PID"
check "a broken file is refused, naming file and line" wait_log 1 'sluiced.conf:[0-9]+: .*tabel'
check "sluiced survives a broken reload" alive
check "the running configuration is kept" test "$(topo_ctl show configuration)" = "$good"
check "a still reaches dns" topo_ping a 10.100.0.10 2

echo "---- save"
victim=$TOPO_RUN/victim
echo "do not touch" >"$victim"
ln -s "$victim" "$config.tmp"
check "save" topo_ctl save
check "save did not write through a symlink at <config>.tmp" test "$(cat "$victim")" = "do not touch"
check "the planted symlink is still a symlink" test -L "$config.tmp"
check "the config file keeps mode 0600" test "$(stat -c %a "$config")" = 600
check "the saved file renders like the running configuration" \
	test "$("$SLUICECTL" --offline "$config" show configuration)" = "$good"
check "no temporary file left" test -z "$(find "$TOPO_RUN" -name '.sluiced.conf.*')"

echo "---- stop: nothing left behind"
running=$(hugefiles)
echo "hugepage files while running: $running"
kill -TERM "$TOPO_PID"
wait "$TOPO_PID" 2>/dev/null
check "sluiced exits 0 on SIGTERM" test $? = 0
if [ "$running" -gt 0 ]; then
	check "no hugepage files left after a stop" test "$(hugefiles)" = 0
else
	echo "note: sluiced ran with --no-huge here: the hugepage-file check does not apply"
fi
check "no DPDK runtime directory left" test ! -e "/var/run/dpdk/$TOPO_P"

echo "---- start-up failures exit non-zero and leave nothing"
# another process holds the control socket: the second sluiced must not start
sock=$TOPO_RUN/held.sock
/usr/bin/python3 -c 'import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); time.sleep(30)' "$sock" &
holder=$!
for ((i = 0; i < 20; i++)); do [ -S "$sock" ] && break; sleep 0.1; done
# shellcheck disable=SC2046
"$SLUICED" -l 0 $(topo_mem_args) --no-pci --file-prefix "$TOPO_P-f" --vdev net_null0 -- \
	--socket "$sock" >"$TOPO_RUN/fail1.log" 2>&1
rc=$?
kill "$holder" 2>/dev/null
check "control socket in use: exit status non-zero ($rc)" test "$rc" != 0
check "control socket in use: the error says so" grep -q "control socket" "$TOPO_RUN/fail1.log"
long=$TOPO_RUN/$(printf 'x%.0s' {1..120})/s.sock
# shellcheck disable=SC2046
"$SLUICED" -l 0 $(topo_mem_args) --no-pci --file-prefix "$TOPO_P-f" --vdev net_null0 -- \
	--socket "$long" >"$TOPO_RUN/fail2.log" 2>&1
rc=$?
check "socket path too long: exit status non-zero ($rc)" test "$rc" != 0
echo "set vrf name X tabel 1" >"$TOPO_RUN/bad.conf"
# shellcheck disable=SC2046
"$SLUICED" -l 0 $(topo_mem_args) --no-pci --file-prefix "$TOPO_P-f" --vdev net_null0 -- \
	--config "$TOPO_RUN/bad.conf" --socket "$TOPO_RUN/f.sock" >"$TOPO_RUN/fail3.log" 2>&1
rc=$?
check "bad config: exit status non-zero ($rc)" test "$rc" != 0
check "failed starts leave no hugepage files" \
	test -z "$(find /dev/hugepages /mnt/huge -maxdepth 1 -name "${TOPO_P}-fmap_*" 2>/dev/null)"
check "failed starts leave no runtime directory" test ! -e "/var/run/dpdk/$TOPO_P-f"
dts_finish
