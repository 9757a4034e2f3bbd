#!/bin/bash
# The network section of the benchmark (tests/bench/run.sh): the launch
# time that --net pasta and --net slirp4netns add to --net none, paired
# round by round, and the TCP throughput from the host into the sandbox
# through a published port on the loopback.  Prints Markdown on stdout,
# progress on stderr; asserts nothing.
#
# Usage (as root): tests/bench/network.sh WORKDIR USER LAUNCH_ROUNDS TPUT_ROUNDS
#   WORKDIR holds sandbox and timer (run.sh puts them there), readable by
#   USER, who runs every launch.
#
# Everything runs in a network namespace of this script's own, with a veth
# pair (10.99.0.2, gateway 10.99.0.1) so that the helpers find an
# interface with a default route: nothing is sent to any real network, and
# the namespace goes away with the script.
set -eu -o pipefail

work=$1 user=$2 rounds=$3 trounds=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bytes=1073741824

log() { printf 'bench: %s\n' "$*" >&2; }
skip() {
	echo "(Not measured: $*.)"
	exit 0
}

command -v pasta >/dev/null || skip "pasta is not installed (apt-get install passt)"
command -v slirp4netns >/dev/null || skip "slirp4netns is not installed (apt-get install slirp4netns)"
runuser -u "$user" -- sh -c 'exec 3<>/dev/net/tun' 2>/dev/null ||
	skip "/dev/net/tun is not open to $user (chmod 0666 /dev/net/tun)"

net=$work/net
mkdir -p "$net/cmd"
cc -O2 -Wall -o "$work/tcpbench" "$here/tcpbench.c"
chmod -R a+rX "$work"

# in_net CMD...: CMD as root in a fresh network namespace with lo up and
# the veth pair of the tests' testnet (TESTNET_LINKS).
# shellcheck source=../integration/net_helpers.bash
. "$here/../integration/net_helpers.bash"
NET_SETUP="ip link set lo up
$TESTNET_LINKS"
in_net() {
	unshare --net -- bash -euc "$NET_SETUP"'exec "$@"' _ "$@"
}

# --- launch time ----------------------------------------------------------------

for mode in none pasta slirp4netns; do
	printf '%s\n' "$work/sandbox" --ro-bind /usr /usr --net "$mode" -- /bin/true >"$net/cmd/$mode"
done
log "network: launch time with --net none, pasta, slirp4netns, $rounds rounds"
rm -f "$net/raw"
in_net "$work/timer" -u "$user" -r "$net/raw" -n "$rounds" -w 5 \
	"none:$net/cmd/none" "pasta:$net/cmd/pasta" "slirp4netns:$net/cmd/slirp4netns" \
	>"$net/launch.out"

# launch_cell MODE: "median (min–max)" ms of MODE, from the timer's output.
launch_cell() {
	awk -v l="$1" '$1 == "time" && $2 == l {
		printf "%.1f (%.1f–%.1f)", $5 / 1000, $6 / 1000, $7 / 1000 }' "$net/launch.out"
}
# stats FORMAT: "median (min–max)" of the numbers on stdin, one a line,
# printed with FORMAT (a printf format of three numbers); "—" for none.
stats() {
	sort -g | awk -v fmt="$1" '{ v[++k] = $1 }
		END {
			if (!k) { printf "—"; exit }
			m = k % 2 ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
			printf fmt, m, v[1], v[k]
		}'
}
# added_cell MODE: the paired difference MODE - none, per round, in ms.
added_cell() {
	awk -F'\t' -v l="$1" '
		$2 == l { t[$1] = $3 }
		$2 == "none" { n[$1] = $3 }
		END { for (r in t) if (r in n) print (t[r] - n[r]) / 1000 }' "$net/raw" |
		stats "+%.1f (%+.1f to %+.1f)"
}

# --- throughput ----------------------------------------------------------------------

# One script in the namespace: each round sends 1 GiB over the plain
# loopback, then into a sandbox through each helper's published port, and
# prints "tput LABEL MIB_PER_S".
TPUT='
as_user() { runuser -u "$USER_" -- "$@"; }
for ((r = 0; r < ROUNDS; r++)); do
	as_user "$WORK/tcpbench" sink 5001 >/dev/null &
	sleep 0.2
	echo "tput loopback $(as_user "$WORK/tcpbench" send 127.0.0.1 5001 "$BYTES" | cut -d" " -f3)"
	wait
	for mode in pasta slirp4netns; do
		out=$(mktemp)
		as_user "$WORK/sandbox" --ro-bind /usr /usr --ro-bind "$WORK" "$WORK" --net "$mode" \
			-p 127.0.0.1:5002:5000 -- "$WORK/tcpbench" sink 5000 >"$out" &
		until grep -q listening "$out"; do sleep 0.02; done
		echo "tput $mode $(as_user "$WORK/tcpbench" send 127.0.0.1 5002 "$BYTES" | cut -d" " -f3)"
		wait
		rm -f "$out"
	done
done
'
log "network: TCP throughput, $trounds rounds of 1 GiB per path"
in_net env WORK="$work" USER_="$user" ROUNDS="$trounds" BYTES="$bytes" bash -euc "$TPUT" \
	>"$net/tput.out"

tput_cell() {
	awk -v l="$1" '$1 == "tput" && $2 == l { print $3 }' "$net/tput.out" | stats "%.0f (%.0f–%.0f)"
}

# --- the report -------------------------------------------------------------------------

echo "Launches of \`sandbox --ro-bind /usr /usr --net MODE -- /bin/true\`," \
	"$rounds rounds interleaved by tests/bench/timer.c (5 warm-up rounds" \
	"discarded), as \`$user\`, in a network namespace of the benchmark's own" \
	"with a veth pair (the helpers need an interface with a default route;" \
	"nothing leaves the machine). *Added* is the per-round difference to" \
	"\`--net none\` measured in the same round, median and extremes over the rounds."
echo
echo "| --net | launch ms, median (min–max) | added to --net none, paired, ms |"
echo "| --- | --- | --- |"
echo "| none | $(launch_cell none) | |"
echo "| pasta | $(launch_cell pasta) | $(added_cell pasta) |"
echo "| slirp4netns | $(launch_cell slirp4netns) | $(added_cell slirp4netns) |"
echo
echo "TCP throughput from the host into the sandbox: tests/bench/tcpbench.c sends" \
	"1 GiB to 127.0.0.1:5002, published to a sink on port 5000 inside" \
	"(\`-p 127.0.0.1:5002:5000\`); the time runs from \`connect\` to the sink's" \
	"acknowledgement of the last byte. $trounds rounds, the paths interleaved."
echo
echo "| path | MiB/s, median (min–max) |"
echo "| --- | --- |"
echo "| loopback, no sandbox | $(tput_cell loopback) |"
echo "| --net pasta | $(tput_cell pasta) |"
echo "| --net slirp4netns | $(tput_cell slirp4netns) |"
