#!/bin/bash
# Runs the whole suite: C unit tests, then the integration suite as an
# unprivileged user, once on the new mount API and once with the mount(2)
# fallback forced, then the attack suite, then real bubblewrap clients
# (tests/clients: Flatpak, flatpak-builder, the GNOME thumbnailer, mat2)
# on the bwrap personality, once.  Prints "N passed, N failed, N skipped"
# last (a skipped test is never counted as passed); exits non-zero on any
# failure.
#
# Usage: tests/run-tests.sh BUILDDIR SRCDIR
# SANDBOX_TEST_SUITES: which parts to run, among unit, integration (with
# integration/root when run as root), attacks (with the comparison
# against Debian's bubblewrap) and clients; all of them by default.
# As root it creates (or reuses) the user sbxtest and copies the binary,
# the probe and the tests to a directory under /var/tmp that user can read
# (not /tmp: the sandbox mounts its own tmpfs there).
set -u
builddir=$(cd "${1:-.}" && pwd)
srcdir=$(cd "${2:-.}" && pwd)
test_user=${SANDBOX_TEST_USER:-sbxtest}
passed=0
failed=0
skipped=0

# Reads TAP on stdin, echoes it, adds to the counters ("ok ... # skip" to
# the skipped ones).  A run that ends
# with a non-zero "# exit" line or reports no test at all counts as a
# failure, so a suite that cannot start is never mistaken for a pass.
count_tap() {
  local line n=0
  while IFS= read -r line; do
    printf '%s\n' "$line"
    case $line in
      "ok "*"# skip"* | "ok "*"# SKIP"*) skipped=$((skipped + 1)); n=$((n + 1)) ;;
      "ok "*) passed=$((passed + 1)); n=$((n + 1)) ;;
      "not ok "*) failed=$((failed + 1)); n=$((n + 1)) ;;
      "# exit 0") ;;
      "# exit "*) failed=$((failed + 1)) ;;
    esac
  done
  [ "$n" -gt 0 ] || { echo "not ok - no test ran"; failed=$((failed + 1)); }
}

run_unit_tests() {
  local t
  for t in "$builddir"/tests/unit/test-*; do
    [ -x "$t" ] || continue
    echo "# unit: ${t##*/}"
    count_tap < <("$t" 2>&1; echo "# exit $?")
  done
  # The arrows between files go one way (doc/design.md, "File map").
  echo "# unit: tools/deps.sh"
  count_tap < <(sh "$srcdir/tools/deps.sh" "$builddir/src" "$srcdir/src" 2>&1; echo "# exit $?")
}

prepare_root() {
  testroot=$(mktemp -d /var/tmp/sandbox-tests.XXXXXX)
  cp "$builddir/src/sandbox" "$testroot/sandbox"
  # A hard link, as `make install` makes: the name survives /proc/self/exe.
  ln "$testroot/sandbox" "$testroot/bwrap"
  ln "$testroot/sandbox" "$testroot/sandbox-oci"
  cc -O2 -Wall -static -o "$testroot/probe" "$srcdir/tests/probe/probe.c" || exit 1
  cc -O2 -Wall -static -o "$testroot/sysprobe" "$srcdir/tests/probe/sysprobe.c" || exit 1
  cp -r "$srcdir/tests/integration" "$testroot/integration"
  cp -r "$srcdir/tests/attacks" "$testroot/attacks"
  if [ -d "$srcdir/tests/clients" ]; then cp -r "$srcdir/tests/clients" "$testroot/clients"; fi
  mkdir "$testroot/fuzz" && cp -r "$srcdir/tests/fuzz/regressions" "$testroot/fuzz/"
  cc -O2 -Wall -static -o "$testroot/attack" "$srcdir/tests/attacks/attack.c" || exit 1
  cp -r "$srcdir/doc" "$srcdir/completions" "$testroot/"
  if [ -f "$builddir/doc/sandbox.1" ]; then cp "$builddir/doc/sandbox.1" "$testroot/doc/"; fi
  mkdir "$testroot/fixtures"
  # A source tree may be read-only (distcheck): the copies must not be.
  chmod -R u+w "$testroot"
  if [ "$(id -u)" = 0 ]; then
    id "$test_user" >/dev/null 2>&1 || useradd -m "$test_user" || exit 1
    install -o root -m 4755 "$testroot/probe" "$testroot/probe-suid"
    install -o root -m 4755 "$testroot/sandbox" "$testroot/sandbox-suid"
    # A file-capability program for the attack suite, where setcap exists.
    if command -v setcap >/dev/null; then
      cp "$testroot/probe" "$testroot/probe-fcaps" && setcap cap_net_raw+ep "$testroot/probe-fcaps" ||
        rm -f "$testroot/probe-fcaps"
    fi
    chown "$test_user" "$testroot/fixtures"
  fi
  chmod 755 "$testroot"
  chmod -R a+rX "$testroot"
}

# From "/": the clone may live where the test user cannot enter (under
# /root, mode 0700), and bats returns to its starting directory.
as_test_user() {
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u "$test_user" -- "$@")
  else
    "$@"
  fi
}

# $1: 0 or 1, SANDBOX_FORCE_FALLBACK; $2: the directory of .bats files;
# $3: "root" to run them as root instead of the test user; more
# VAR=VALUE words may follow.
run_integration() {
  local fallback=$1 dir=$2 as=as_test_user
  [ "${3:-}" = root ] && as=
  shift 3
  echo "# ${dir##*/}, SANDBOX_FORCE_FALLBACK=$fallback $*"
  count_tap < <($as env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/ \
    SANDBOX="$testroot/sandbox" PROBE="$testroot/probe" TESTROOT="$testroot" \
    SANDBOX_BWRAP="$testroot/bwrap" BWRAP_REFERENCE="$(command -v bwrap || true)" \
    SANDBOX_OCI="$testroot/sandbox-oci" SANDBOX_SRCDIR="$testroot" \
    FIXTURES="$testroot/fixtures" SANDBOX_FORCE_FALLBACK="$fallback" "$@" \
    bats --tap "$dir" 2>&1; echo "# exit $?")
}

suites=" ${SANDBOX_TEST_SUITES:-unit integration attacks clients} "
want() { case $suites in *" $1 "*) return 0 ;; esac; return 1; }

want unit && run_unit_tests
prepare_root
trap 'rm -rf "$testroot"' EXIT
# The same attacks on Debian's bubblewrap check the attacks themselves:
# what gets through there is reported (in the file below), not failed.
attack_bwrap() {
  local report="$testroot/fixtures/bwrap-lets-through.txt"
  [ -x /usr/bin/bwrap ] || { echo "# no /usr/bin/bwrap: attacks not run against it"; return; }
  : >"$report" && chmod 666 "$report"
  run_integration 0 "$testroot/attacks" user ATTACK_TARGET=bwrap ATTACK_REPORT="$report" \
    BWRAP=/usr/bin/bwrap
  echo "# attacks that bubblewrap lets through and sandbox blocks:"
  sed 's/^/#   /' "$report"
}

# SANDBOX_TEST_MODES: which mount paths to run (0 new API, 1 fallback);
# both by default.  The bwrap comparison of the attacks runs with both.
for fallback in ${SANDBOX_TEST_MODES:-0 1}; do
  want integration && run_integration "$fallback" "$testroot/integration" user
  want attacks && run_integration "$fallback" "$testroot/attacks" user
done
if [ "$(id -u)" = 0 ] && want integration; then
  run_integration 0 "$testroot/integration/root" root
  # The OCI runtime's lifecycle as root too (an engine runs it as either).
  run_integration 0 "$testroot/integration/oci.bats" root
fi
[ "${SANDBOX_TEST_MODES:-0 1}" = "0 1" ] && want attacks && attack_bwrap
# The clients run once, on the new mount API: building their apps takes a
# while, and the mount(2) fallback is the integration suite's to cover.
# A source tree without them (a tarball whose EXTRA_DIST lacks
# tests/clients) counts as a failure, not as a pass.
if want clients; then
  if [ -d "$testroot/clients" ]; then
    run_integration 0 "$testroot/clients" user
  else
    echo "not ok - tests/clients is missing from $srcdir"
    failed=$((failed + 1))
  fi
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
