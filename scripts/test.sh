#!/usr/bin/env bash
# The one command that passes sluice's tests on a fresh Debian 12 machine (as root):
# installs dependencies, reserves hugepages, then
#   1. a --werror build with gcc: every unit test and every dts/ end-to-end suite (meson test);
#   2. an ASan+UBSan build: the unit tests again, failing on any sanitizer report;
#   3. clang: a --werror build, and the libFuzzer targets: the config parser (40 s),
#      the whole commit path, parse to FIB change log (50 s), the FPM stream decoder (15 s);
#   4. the clang-format check.
# SLUICE_QUICK=1 skips 3 (for a fast local loop).
set -euo pipefail
cd "$(dirname "$0")/.."
top=$PWD

"$top/scripts/setup-deps.sh"

step() { printf '\n==== %s ====\n' "$*"; }
# meson setup quietly, but show why when it fails
setup() {
	local dir=$1
	shift
	rm -rf "$dir"
	meson setup "$dir" "$@" >"$top/.setup-$dir.log" 2>&1 || { cat "$top/.setup-$dir.log"; exit 1; }
	rm -f "$top/.setup-$dir.log"
}

step "gcc --werror build, unit and dts suites"
setup build-test --werror -Dfuzz=false
ninja -C build-test
meson test -C build-test --print-errorlogs --num-processes 2

step "ASan+UBSan build, unit suites"
setup build-asan --werror -Db_sanitize=address,undefined -Db_lundef=false -Ddts=false
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --suite unit --print-errorlogs --num-processes 2

if [ "${SLUICE_QUICK:-0}" != 1 ]; then
	step "clang --werror build and fuzzing: parser 40 s, commit path 50 s, FPM decoder 15 s"
	CC=clang
	export CC
	setup build-clang --werror -Dfuzz=true -Ddts=false
	unset CC
	ninja -C build-clang
	# fuzz NAME SECONDS SEEDS DICT (- for none): a crash fails the script with the log's tail
	fuzz() {
		local name=$1 secs=$2 seeds=$3 dict=$4
		local bin=build-clang/tests/$name/fuzz/fuzz_$name log=build-clang/fuzz-$name.log
		if [ ! -x "$bin" ]; then
			echo "fuzz target $bin not built (clang without libFuzzer?)" >&2
			exit 1
		fi
		mkdir -p "build-clang/fuzz-corpus-$name"
		local dict_arg=()
		[ "$dict" != - ] && dict_arg=(-dict="$dict")
		"$bin" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 "${dict_arg[@]}" \
			"build-clang/fuzz-corpus-$name" "$seeds" >"$log" 2>&1 ||
			{ tail -n 40 "$log"; echo "fuzz_$name found a crash ($log)" >&2; exit 1; }
		echo "fuzz_$name:"
		grep -E '^(Done|stat::)' "$log"
	}
	fuzz conf 40 tests/conf/fuzz/corpus tests/conf/fuzz/conf.dict
	# seeds and dictionary assembled from config/ and the tests' configurations
	rm -rf build-clang/fuzz-commit-seeds
	/usr/bin/python3 tests/commit/fuzz/make_corpus.py build-clang/fuzz-commit-seeds
	fuzz commit 50 build-clang/fuzz-commit-seeds/seeds build-clang/fuzz-commit-seeds/commit.dict
	fuzz fpm 15 tests/fpm/fuzz/corpus -
fi

step "clang-format check"
git ls-files -z -- '*.c' '*.h' | xargs -0 clang-format --dry-run --Werror
echo "clang-format: clean"
