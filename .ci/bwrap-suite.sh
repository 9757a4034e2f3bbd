#!/bin/bash
# CI: bubblewrap's own test suite against our `bwrap` name, as root and
# as the unprivileged test user.
#
# Usage: .ci/bwrap-suite.sh [BWRAP] [SUITE]
#   BWRAP  the launcher to test (default src/sandbox of this tree); it is
#          copied to a file named `bwrap`, which picks the personality and
#          survives the suite's re-execs through /proc/self/exe
#   SUITE  bubblewrap's tests/ folder (default ../shared/third_party/
#          bubblewrap-tests beside the clone); without it this prints
#          "0 passed, 0 failed, 0 skipped" and says why
#
# Each run happens in a scratch copy of the suite that its user can write.
# What is counted: every TAP "ok" line passes, "ok ... # SKIP" is
# skipped, "not ok" fails, and a script that exits non-zero with no "not
# ok", prints no "1..N" plan line, or prints a number of results other
# than N (the suite stops at the first failed assertion) counts one
# failure more.
#
# Fixtures the suite looks for on the host, made here so that its checks
# run instead of skipping: a FUSE mount of the runner's own (bindfs; the
# suite binds it into sandboxes), for which /dev/fuse is opened to the test
# user for the run, and a socket at /dev/log (bubblewrap#409: a socket
# bound onto a socket).  Both are removed again, and /dev/fuse's mode
# restored, at the end.  Without bindfs the FUSE checks skip.  Two more
# skips belong to the suite: "not sure what unreadable file to use" as
# root (root can read every file) and as the user when /root can be
# entered.
#
# The one check that counts bubblewrap's own prctl() calls ("pre-exec
# failure doesn't include exit-code in json-status": strace makes the 39th
# prctl fail, and another program makes a different number of calls) is
# skipped the way the suite itself skips it when strace cannot inject
# faults: the scripts inherit a shell function `strace` (the only use of
# strace in the suite is that check) that reports no fault injection.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
bwrap_src=${1:-$top/src/sandbox}
suite=${2:-$top/../shared/third_party/bubblewrap-tests}
test_user=${SANDBOX_TEST_USER:-sbxtest}
. "$top/.ci/counts.sh"

if [ ! -f "$suite/test-run.sh" ]; then
	echo "# no bubblewrap test suite at $suite: nothing run"
	finish
fi

# Echoes TAP from stdin and counts it; $1 names the script for messages.
count_tap() {
	local line plan= results=0 rc=0 bad=$failed
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"ok "*"# SKIP"* | "ok "*"# skip"*) skipped=$((skipped + 1)) results=$((results + 1)) ;;
		"ok "*) passed=$((passed + 1)) results=$((results + 1)) ;;
		"not ok "*) failed=$((failed + 1)) results=$((results + 1)) ;;
		1..*) plan=${line#1..} plan=${plan%% *} ;;
		"# exit "*) rc=${line#\# exit } ;;
		esac
	done
	[ "$failed" -eq "$bad" ] || return 0
	if [ "$rc" != 0 ] || [ -z "$plan" ] || [ "$plan" != "$results" ]; then
		echo "not ok - $1: exit status $rc, plan 1..${plan:-?}, $results results"
		failed=$((failed + 1))
	fi
}

work=$(mktemp -d /var/tmp/bwrap-suite.XXXXXX)
chmod 755 "$work"
fuse_mode=
made_log=

cleanup() {
	local m
	for m in $(awk -v w="$work/" 'index($2, w) == 1 {print $2}' /proc/self/mounts); do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
	[ -n "$fuse_mode" ] && chmod "$fuse_mode" /dev/fuse
	[ -n "$made_log" ] && rm -f /dev/log
	rm -rf "$work"
}
trap cleanup EXIT

# fuse_mount AS DIR: a bindfs mount at DIR/fuse, made by AS (root or user).
fuse_mount() {
	local as=$1 dir=$2
	command -v bindfs >/dev/null || return 0
	mkdir -p "$dir/fuse-src" "$dir/fuse"
	echo "on fuse" >"$dir/fuse-src/file"
	if [ "$as" = root ]; then
		bindfs "$dir/fuse-src" "$dir/fuse"
	else
		chown -R "$test_user" "$dir/fuse-src" "$dir/fuse"
		runuser -u "$test_user" -- bindfs --no-allow-other "$dir/fuse-src" "$dir/fuse"
	fi || echo "# bindfs as $as failed: the FUSE checks will skip"
}

if [ "$(id -u)" = 0 ] && [ -c /dev/fuse ]; then
	fuse_mode=$(stat -c %a /dev/fuse)
	chmod 666 /dev/fuse
fi
if [ "$(id -u)" = 0 ] && [ ! -e /dev/log ]; then
	/usr/bin/python3 -c 'import socket; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind("/dev/log")' &&
		made_log=1
fi
mkdir "$work/bin"
cp "$bwrap_src" "$work/bin/bwrap"
gcc -O2 -o "$work/bin/try-syscall" "$suite/try-syscall.c" ||
	{ echo "not ok - try-syscall.c did not build"; failed=$((failed + 1)); finish; }
id "$test_user" >/dev/null 2>&1 || useradd -m "$test_user" ||
	{ echo "not ok - no test user $test_user"; failed=$((failed + 1)); finish; }
chmod -R a+rX "$work"

# run_script DIR COMMAND...: runs COMMAND in DIR in a session of its own,
# with its stderr in DIR/log; prints "# exit N" after it, then kills what
# it left behind in that session: a script stopped by a failed assertion
# leaves its background sandboxes running, holding the output pipe open.
run_script() {
	local dir=$1 pid rc
	shift
	(cd "$dir" && exec setsid -w timeout 600 "$@" 2>>"$dir/log") &
	pid=$!
	wait "$pid"
	rc=$?
	echo "# exit $rc"
	pkill -KILL -s "$pid" 2>/dev/null
	return 0
}

# $1: root or user; prints the suite's TAP, counted.
run_as() {
	local as=$1 dir t
	dir=$(mktemp -d "$work/$as.XXXXXX")
	cp -r "$suite" "$dir/tests"
	cp "$work/bin/try-syscall" "$dir/tests/"
	chmod -R u+w,a+rX "$dir"
	[ "$as" = root ] || chown -R "$test_user" "$dir"
	fuse_mount "$as" "$dir"
	local run=(env -i HOME=/ LANG=C.UTF-8 BWRAP="$work/bin/bwrap" BWRAP_MUST_WORK=1
		PATH=/usr/local/bin:/usr/bin:/bin 'BASH_FUNC_strace%%=() { echo "a stand-in: the check would count the prctl calls of bubblewrap itself"; }')
	[ "$as" = root ] || run=(runuser -u "$test_user" -- "${run[@]}")
	for t in test-run.sh test-specifying-userns.sh test-specifying-pidns.sh; do
		echo "# $t as $as"
		: >"$dir/log"
		count_tap "$t as $as" < <(run_script "$dir/tests" "${run[@]}" bash "./$t")
		[ "$failed" -eq 0 ] || tail -n 30 "$dir/tests/log" | sed 's/^/#   /'
	done
	echo "# test-seccomp.py as $as"
	count_tap "test-seccomp.py as $as" < <(run_script "$dir" "${run[@]}" G_TEST_SRCDIR="$dir" \
		G_TEST_BUILDDIR="$dir" /usr/bin/python3 tests/test-seccomp.py)
	[ "$failed" -eq 0 ] || tail -n 30 "$dir/log" | sed 's/^/#   /'
}

run_as root
run_as user
finish
