#!/bin/bash
# CI: the libFuzzer harnesses (tests/fuzz).  Replays every regression and
# seed input, then fuzzes the command-line parser and the seccomp policy
# compiler for FUZZ_SECONDS each (default 60), in a build directory of its
# own, build-fuzz/, configured from a pristine copy of the source tree (an
# in-tree build may already exist, which a VPATH build refuses).
#
# Needs clang and its sanitizer and libFuzzer runtimes (Debian:
# clang, libclang-rt-14-dev); installs them with apt-get when run as root
# without them.  Ends with "N passed, N failed" like the other CI steps.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
seconds=${FUZZ_SECONDS:-60}
work=$top/build-fuzz

finish() {
	if [ "$1" -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
	exit "$1"
}

need_clang() {
	echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' >"$work/probe.c"
	clang -fsanitize=fuzzer,address,undefined -o "$work/probe" "$work/probe.c" 2>/dev/null
}

mkdir -p "$work"
if ! need_clang; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-14-dev >/dev/null ||
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang >/dev/null
	fi
	need_clang || { echo "clang with libFuzzer, ASan and UBSan runtimes is needed"; finish 1; }
fi
clang --version | head -n 1

# A pristine copy of the sources: tracked and not ignored files.
rm -rf "$work/source" "$work/build"
mkdir -p "$work/source" "$work/build"
bash .ci/pristine-source.sh "$work/source" || finish 1
cd "$work/build" || finish 1
"$work/source/configure" --quiet || finish 1
make -s -j"$(nproc)" src/profiles.c || finish 1
make fuzz FUZZ_SECONDS="$seconds"
status=$?
if ls tests/fuzz/artifacts/*/* >/dev/null 2>&1; then
	echo "crash inputs (in $work/build/tests/fuzz/artifacts):"
	ls -l tests/fuzz/artifacts/*/*
fi
finish "$status"
