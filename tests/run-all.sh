#!/bin/sh
# The whole etrace test suite on a Debian 12 machine, from scratch:
#  1. installs the build dependencies and bpftrace (for the corpus test)
#     when run as root and something is missing (ETRACE_NO_INSTALL=1 skips);
#  2. normal build (gcc) and every ctest test but the selfcheck ones:
#     unit, compile, shipped, runtime (real BPF as root), faults (the
#     fault suite, as root), compat, tools, driver, corpus, vm (Debian's
#     6.1 kernel under qemu: kprobes and fentry; it downloads the kernel
#     package once per build directory);
#  3. ASan/UBSan build: unit, compile, shipped and driver tests again
#     (unit/test_rows in its reduced matrix, ETRACE_ROWS_STRIDE: the full
#     one took 16 of the stage's 17 minutes);
#  4. clang-16 libFuzzer build and the bounded fuzz run (ctest -L fuzz,
#     ETRACE_FUZZ_SECONDS, default 60; its two fuzzers side by side).
# The builds of 3 and 4 run niced in the background while 2's tests run
# (those wait on events and timers much of the time): their logs are
# printed when 2 is done, and 3 waits for them.
# Every ctest run goes through tests/ctest-ci.sh, which names the tests
# that did not run (the runtime layers exit 77, skipped, when not root or
# when a program a case needs is missing). With the environment variable
# CI set (not empty) such a test fails the suite; without CI it is
# reported and allowed.
# Build directories: build-ci, build-ci-asan, build-ci-fuzz (git-ignored).
set -eu
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
deps="cmake gcc make pkg-config flex bison libbpf-dev llvm-16-dev clang-16
libclang-16-dev libclang-rt-16-dev libelf-dev libdw-dev liblzma-dev
libcjson-dev libcunit1-dev libmicrohttpd-dev libprotobuf-c-dev libdeflate0
protobuf-c-compiler libcurl4-openssl-dev libzstd-dev zlib1g-dev libncurses-dev
libiberty-dev lld g++ systemtap-sdt-dev golang-go golang-google-grpc-dev python3 nodejs bpftrace
bpftool man-db openjdk-17-jdk-headless qemu-system-x86 busybox-static cpio
binutils xz-utils debuginfod curl gdb rustc libc6-dbg prometheus nginx-light
redis-server redis-tools wrk gnutls-bin openssl postgresql-15 mariadb-server
libcap-dev libseccomp-dev libssl-dev util-linux
libnghttp2-dev nghttp2-client python3-grpcio python3-websockets
systemd dpkg-dev python3-jsonschema python3-yaml zsh bash-completion"

install_deps() {
	missing=
	# npm (the OTLP tests' OpenTelemetry packages): Debian's, unless a
	# nodejs that brings its own is installed
	command -v npm >/dev/null 2>&1 || deps="$deps npm"
	for p in $deps; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ] || [ "${ETRACE_NO_INSTALL:-0}" = 1 ]; then
		echo "run-all: missing packages:$missing (install as root)"
		return 0
	fi
	echo "run-all: installing$missing"
	apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
}

step() {
	echo
	echo "==== $* ($(date +%T))"
}

install_deps
# the npm packages of tests/otlp (OpenTelemetry's OTLP decoders and its
# Node SDK), installed once into a cache directory (tests/otlp/setup.sh)
tests/otlp/setup.sh >/dev/null || echo "run-all: the OTLP tests' npm packages are not installed"
status=0

step "build (gcc) and all tests"
cmake -S . -B build-ci -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
make -C build-ci -j"$jobs" --no-print-directory
# the ASan/UBSan and libFuzzer builds, niced: the tests below come first
later_log=build-ci/later-builds.log
# shellcheck disable=SC2016 # $1 and $2 are the inner shell's
nice -n 19 sh -ec '
	cmake -S . -B build-ci-asan -DETRACE_SANITIZE=ON \
		-DCMAKE_BUILD_TYPE=Debug >/dev/null
	make -C build-ci-asan -j"$1" --no-print-directory
	CC=clang-16 cmake -S . -B build-ci-fuzz -DETRACE_FUZZ=ON \
		-DETRACE_FUZZ_SECONDS="$2" >/dev/null
	make -C build-ci-fuzz -j"$1" --no-print-directory fuzz_frontend \
		fuzz_artifact' sh "$jobs" "${ETRACE_FUZZ_SECONDS:-60}" \
	>"$later_log" 2>&1 </dev/null &
later=$!
# selfcheck: the suite's own slow self-tests (is bpftrace deterministic on
# every compat case, ~3 min): run them by hand with ctest -L selfcheck
# The runtime layers watch the whole machine and timers: a test that
# fails is run once more (a failure of both runs fails the suite), and the
# log shows every failed attempt.
tests/ctest-ci.sh build-ci -j"$jobs" --output-on-failure -LE selfcheck \
	--repeat until-pass:2 || status=1

step "ASan/UBSan and libFuzzer builds (run during the tests above)"
later_rc=0
wait "$later" || later_rc=$?
cat "$later_log"
[ $later_rc -eq 0 ] || exit $later_rc

step "ASan/UBSan: unit, compile, shipped and driver tests"
# unit/test_rows: each use in a quarter of the probe kinds (and until it
# compiles once) instead of all 21 (tests/unit/test_rows.c)
ETRACE_ROWS_STRIDE=4 ASAN_OPTIONS=detect_leaks=1 \
	UBSAN_OPTIONS=print_stacktrace=1 \
	tests/ctest-ci.sh build-ci-asan -j"$jobs" --output-on-failure \
	-L 'unit|compile|shipped|driver' || status=1

step "the bounded fuzz run (clang-16 libFuzzer build)"
tests/ctest-ci.sh build-ci-fuzz -j"$jobs" --output-on-failure -V -L fuzz ||
	status=1

step "done: $([ $status -eq 0 ] && echo 'all passed' || echo 'FAILURES above')"
exit $status
