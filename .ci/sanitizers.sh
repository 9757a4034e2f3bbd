#!/bin/bash
# CI: the whole test suite on a build with AddressSanitizer and
# UndefinedBehaviorSanitizer, then Valgrind's Memcheck on a few launches
# of a plain build.  Everything happens under build-asan/, from a pristine
# copy of the source tree (the tree may already hold an in-tree build,
# which a VPATH build refuses):
#
#   build-asan/source     tracked and not ignored files, autogen'd
#   build-asan/asan       gcc -fsanitize=address,undefined; `make check`
#   build-asan/plain      -O1 -g, for Valgrind (linked dynamically: Memcheck
#                         replaces malloc through the dynamic loader)
#
# Run as root like .ci/run (the test driver then runs the suite as its
# unprivileged user), or as that user.  Ends with "N passed, N failed,
# N skipped":
# the test driver's counts plus one per Valgrind case.
#
# LeakSanitizer is off in the ASan build (detect_leaks=0, compiled into
# the programs, since the driver runs them with a clean environment): the
# launcher keeps its plan, and the buffers the plan points into, until it
# exits, by design (src/plan.h), so every launch would be reported.  Leaks
# are looked for by Valgrind below instead, with exactly that plan data
# suppressed (.ci/valgrind.supp), and by the fuzz harnesses, which free
# the plan after each input and run with leak detection on.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
work=$top/build-asan
test_user=${SANDBOX_TEST_USER:-sbxtest}
. "$top/.ci/counts.sh"

# From "/", which the test user can enter wherever the clone lives.
as_test_user() {
	if [ "$(id -u)" = 0 ]; then (cd / && runuser -u "$test_user" -- "$@"); else "$@"; fi
}

if ! command -v valgrind >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >/dev/null
fi

# --- the source copy --------------------------------------------------------
rm -rf "$work"
mkdir -p "$work/source" "$work/asan" "$work/plain"
bash .ci/pristine-source.sh "$work/source" || { failed=$((failed + 1)); finish; }

# --- ASan + UBSan: the whole suite -------------------------------------------
# The sanitizer options travel inside the binaries (the driver clears the
# environment): no leak detection (see above), stop at the first error
# with a stack, and UBSan errors are fatal too.  ASan's own handlers for
# SIGSEGV, SIGBUS, SIGFPE and SIGABRT, and its alternate signal stack, are
# off: the reaper is pid 1 of its namespace, to which the kernel delivers
# a signal from inside only when pid 1 has a handler for it, so with them
# the command could kill pid 1 with `kill -SEGV 1` in this build only (and
# under a --seccomp filter that refuses sigaltstack, pid 1 could not
# start).  A crash still ends the process with its signal, which the tests
# see.
cat >"$work/asan/sanitizer-defaults.c" <<'EOF'
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__asan_default_options(void) { return "detect_leaks=0:abort_on_error=1:print_stacktrace=1:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:handle_abort=0:use_sigaltstack=0"; }
const char *__ubsan_default_options(void) { return "print_stacktrace=1:halt_on_error=1"; }
EOF
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
(
	cd "$work/asan" &&
		gcc -O1 -c sanitizer-defaults.c -o sanitizer-defaults.o &&
		"$work/source/configure" --quiet --disable-werror --disable-static-launcher CC=gcc \
			CFLAGS="-O1 -g $san" LDFLAGS="$san" LIBS="$work/asan/sanitizer-defaults.o" &&
		make -s -j"$(nproc)"
) || { echo "not ok - the ASan build failed"; failed=$((failed + 1)); finish; }
# tests/probe/sysprobe is linked -static, which cannot be combined with
# -fsanitize=address; the test driver builds the static copy it runs by
# itself, so the one `make check` builds is linked dynamically here.
log=$work/asan/check.log
# One mount path is enough here: the sanitizers watch the launcher's code,
# which the other path's run in .ci/run has already exercised (and CI
# stays well under half an hour).
(cd "$work/asan" && SANDBOX_TEST_MODES=0 make check tests_probe_sysprobe_LDFLAGS=) 2>&1 | tee "$log"
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
if [ -n "$summary" ]; then
	passed=$((passed + $(echo "$summary" | awk '{print $1}')))
	failed=$((failed + $(echo "$summary" | awk '{print $3}')))
	k=$(echo "$summary" | awk '$6 == "skipped" {print $5}')
	skipped=$((skipped + ${k:-0}))
else
	echo "not ok - make check on the ASan build gave no summary"
	failed=$((failed + 1))
fi
if grep -qE '^(==[0-9]+==ERROR: AddressSanitizer|.*runtime error:)' "$log"; then
	echo "not ok - sanitizer reports in the log ($log):"
	grep -E '^(==[0-9]+==ERROR: AddressSanitizer|.*runtime error:)' "$log" | sort | uniq -c
	failed=$((failed + 1))
fi

# --- Valgrind: a few launches of a plain build --------------------------------
if ! command -v valgrind >/dev/null; then
	echo "not ok - valgrind is not installed"
	failed=$((failed + 1))
	finish
fi
(cd "$work/plain" && "$work/source/configure" --quiet --disable-static-launcher CFLAGS="-O1 -g" && make -s -j"$(nproc)" src/sandbox) ||
	{ echo "not ok - the plain build failed"; failed=$((failed + 1)); finish; }
vgdir=$(mktemp -d /var/tmp/sandbox-valgrind.XXXXXX)
trap 'rm -rf "$vgdir"' EXIT
cp "$work/plain/src/sandbox" "$top/.ci/valgrind.supp" "$vgdir/"
mkdir "$vgdir/src"
echo data >"$vgdir/src/f"
printf -- '--dir\0/from-args\0' >"$vgdir/args"
printf -- '--tmpfs\n/t2\n' >"$vgdir/opts"
printf 'default allow\nkeyctl: errno EPERM\n' >"$vgdir/p.policy"
chmod -R a+rX "$vgdir"
if [ "$(id -u)" = 0 ]; then
	chown "$test_user" "$vgdir"
fi

# vg NAME ARGS...: the launcher under Memcheck (children that it forks, the
# setup child and the reaper, included; exec'd programs not).  Any report
# (an invalid access, uninitialised data in a syscall, a leak not
# suppressed) is a failure, whatever the exit status.
vg() {
	local name=$1 out=$vgdir/out.$1 rc=0
	shift
	as_test_user env SANDBOX_FORCE_FALLBACK="$fb" valgrind -q --trace-children=no \
		--error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --suppressions="$vgdir/valgrind.supp" \
		"$vgdir/sandbox" "$@" >"$out" 2>&1 || rc=$?
	if [ "$rc" = 99 ] || grep -qE '^==[0-9]+== ' "$out"; then
		echo "not ok - valgrind $name (fallback $fb, status $rc)"
		sed 's/^/# /' "$out"
		failed=$((failed + 1))
	else
		echo "ok - valgrind $name (fallback $fb, status $rc)"
		passed=$((passed + 1))
	fi
}

base=(--ro-bind /usr /usr)
# (Valgrind has no fsopen or openat2, so the launcher takes its mount(2)
# fallback under it either way; both settings are still run.)
for fb in 0 1; do
	vg plain "${base[@]}" -- /bin/true
	vg every-op "${base[@]}" --bind "$vgdir/src" /s --ro-bind "$vgdir/src" /r --tmpfs /t \
		--perms 0700 --size 65536 --tmpfs /t3 --dir /d/e --symlink /d /l --file 5 /f \
		--bind-data 6 /bd --ro-bind-data 7 /rbd --chmod 0700 /d --remount-ro /r --mqueue /mq \
		--hostname vg --setenv A B --unsetenv HOME --chdir /d -- /bin/true \
		5<"$vgdir/src/f" 6<"$vgdir/src/f" 7<"$vgdir/src/f"
	vg args-and-file "${base[@]}" --args 5 "@$vgdir/opts" -- /bin/true 5<"$vgdir/args"
	vg setup-error "${base[@]}" --bind "$vgdir/missing" /m -- /bin/true
	vg not-found "${base[@]}" -- /nonexistent
	# Valgrind has no seccomp(2), through which libseccomp probes the
	# kernel when the parsed policy is turned into a filter: this case
	# ends in a setup error (125) after the policy reader has run.
	vg policy-file "${base[@]}" --seccomp-profile "$vgdir/p.policy" -- /bin/true
	vg export --seccomp-export default
	vg as-pid-1 "${base[@]}" --as-pid-1 -- /bin/sh -c 'exit 3'
	vg bwrap --compat=bwrap --unshare-all --ro-bind /usr /usr --symlink usr/bin /bin \
		--symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev \
		--info-fd 8 --json-status-fd 9 -- /bin/true 8>/dev/null 9>/dev/null
	vg bad-option --bogus
done
finish
