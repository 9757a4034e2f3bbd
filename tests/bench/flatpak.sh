#!/bin/bash
# `flatpak run` of a tiny app with our bwrap and with bubblewrap, paired.
# Prints figures and asserts nothing.
#
# Usage: tests/bench/flatpak.sh BWRAP_UNDER_TEST [ROUNDS]
#   (as the unprivileged user that runs the launches; tests/bench/run.sh
#   calls it through runuser)
# Environment: BENCH_BWRAP, bubblewrap to compare with (default
# /usr/bin/bwrap).
#
# It builds, offline, the runtime and app of tests/clients (host programs
# in a local repository, installed for the user in a scratch HOME with a
# private session bus), then runs `flatpak run APP` ROUNDS times with each
# bwrap (FLATPAK_BWRAP), alternating, and prints the medians and the median
# of the per-round ratios, as one Markdown table row:
#   | flatpak run | OURS ms | BUBBLEWRAP ms | RATIO |
set -eu -o pipefail
trap 'echo "bench: flatpak.sh line $LINENO: $BASH_COMMAND failed" >&2' ERR
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ours=$1
rounds=${2:-30}
reference=${BENCH_BWRAP:-/usr/bin/bwrap}
APP=org.sbxtest.Bench

for c in flatpak ostree dbus-daemon xdg-dbus-proxy; do
	command -v "$c" >/dev/null || { echo "bench: $c is not installed: flatpak case not run" >&2; exit 3; }
done
FIXTURES=$(mktemp -d /var/tmp/bench-flatpak.XXXXXX)
SANDBOX_BWRAP=$ours
trap 'set +e; teardown_flatpak_user 2>/dev/null; rm -rf "$FIXTURES"' EXIT
# shellcheck source=../clients/clients_helpers.bash
. "$here/../clients/clients_helpers.bash"

setup_flatpak_user "$FIXTURES" >/dev/null
app=$FIXTURES/app
flatpak build-init "$app" "$APP" org.sbxtest.Sdk org.sbxtest.Platform 1 >/dev/null
mkdir -p "$app/files/bin"
printf '#!/bin/sh\necho hello\n' >"$app/files/bin/hello"
chmod 755 "$app/files/bin/hello"
flatpak build-finish "$app" --command=hello >/dev/null
flatpak build-export "$REPO" "$app" 1 >/dev/null
flatpak install --user -y --noninteractive local "$APP" >/dev/null

# run_once BWRAP: milliseconds of one `flatpak run`, which must say hello.
run_once() {
	local t0 t1 out
	t0=$EPOCHREALTIME
	out=$(FLATPAK_BWRAP=$1 flatpak run "$APP")
	t1=$EPOCHREALTIME
	[[ $out == hello ]] || { echo "bench: flatpak run with $1 printed '$out'" >&2; exit 1; }
	echo "$t0 $t1" | awk '{ printf "%.3f\n", ($2 - $1) * 1000 }'
}

run_once "$OUR_BWRAP" >/dev/null # the ld.so cache and the instance dirs
run_once "$reference" >/dev/null
a=() b=()
for ((i = 0; i < rounds; i++)); do
	if ((i % 2)); then
		b+=("$(run_once "$reference")")
		a+=("$(run_once "$OUR_BWRAP")")
	else
		a+=("$(run_once "$OUR_BWRAP")")
		b+=("$(run_once "$reference")")
	fi
done
paste <(printf '%s\n' "${a[@]}") <(printf '%s\n' "${b[@]}") | awk '
	function median(v, n,   i, j, t) {
		for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
		return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
	}
	{ n++; x[n] = $1; y[n] = $2; r[n] = $1 / $2 }
	END { printf "| `flatpak run` of a tiny app (%d rounds) | %.1f ms | %.1f ms | %.2f |\n", n, median(x, n), median(y, n), median(r, n) }'
