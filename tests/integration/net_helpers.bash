# Shared by the network tests (network.bats, recipes.bats,
# root/network.bats): which helpers are there, and `testnet`, a network of
# the test's own.  Load after helpers.bash.

NETTOOL=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nettool.py

need_helper() { # need_helper PROGRAM PACKAGE
	command -v "$1" >/dev/null || skip "$1 is not installed (apt-get install $2)"
	[[ -r /dev/net/tun && -w /dev/net/tun ]] ||
		skip "/dev/net/tun is not open to $(id -un) (chmod 0666 /dev/net/tun)"
}

need_mode() { # need_mode pasta|slirp4netns
	case $1 in
	pasta) need_helper pasta passt ;;
	slirp4netns) need_helper slirp4netns slirp4netns ;;
	esac
}

# The gateway each helper gives the sandbox in `testnet`: pasta copies the
# namespace's own, slirp4netns has a fixed one (sandbox(1), NETWORK).
gateway_of() {
	case $1 in
	pasta) echo 10.99.0.1 ;;
	slirp4netns) echo 10.0.2.2 ;;
	esac
}

need_python() {
	command -v python3 >/dev/null || skip "python3 is not installed"
}

TESTNET_ENV=()

# The links of testnet (a script, as root of the network namespace): a
# veth pair, 10.99.0.2 on one end, its gateway 10.99.0.1 on the other.
TESTNET_LINKS='
ip link add vt0 type veth peer name vt1
ip addr add 10.99.0.2/24 dev vt0
ip addr add 10.99.0.1/24 dev vt1
ip link set vt0 up
ip link set vt1 up
ip route add default via 10.99.0.1 dev vt0
'

# What every testnet script runs first (see testnet).
TESTNET_PRELUDE='
ip link set lo up
'"$TESTNET_LINKS"'
printf "nameserver 127.0.0.1\n" >"$NETFIX/resolv.conf"
mount --bind "$NETFIX/resolv.conf" /etc/resolv.conf
S() { timeout -k 5 60 "$SANDBOX" --ro-bind /usr /usr --ro-bind "$TESTROOT" "$TESTROOT" "$@"; }
# The servers end with the script.
trap '"'"'kill $(jobs -p) 2>/dev/null || true'"'"' EXIT
# serve NAME ARGS...: runs nettool.py ARGS in the background, its output
# in $NETFIX/NAME, and waits until it says it listens.
serve() {
	local name=$1 i
	shift
	python3 "$NETTOOL" "$@" >"$NETFIX/$name" 2>&1 &
	for ((i = 0; i < 200; i++)); do
		grep -q listening "$NETFIX/$name" && return 0
		sleep 0.025
	done
	echo "$name never listened:" >&2
	cat "$NETFIX/$name" >&2
	return 1
}
'

# testnet SCRIPT: runs SCRIPT (bash -e) in a user, network and mount
# namespace of the test's own, as its root.  There, lo is up, a veth pair
# has 10.99.0.2/24 (vt0) and 10.99.0.1/24 (vt1), the default route goes
# through 10.99.0.1, and /etc/resolv.conf names 127.0.0.1, where the test
# may start a DNS responder for the helpers' forwarders to ask: traffic
# that "leaves" a sandbox ends at addresses of this namespace, never on a
# real network.  SCRIPT may use S (the sandbox with the host's /usr and
# TESTROOT) and serve (a nettool.py server in the background); the
# variables of TESTNET_ENV (VAR=VALUE words) are set too.
testnet() {
	NETFIX=$(fixture_dir)
	chmod 755 "$NETFIX"
	bounded env SANDBOX="$SANDBOX" TESTROOT="$TESTROOT" NETTOOL="$NETTOOL" NETFIX="$NETFIX" \
		${TESTNET_ENV[@]+"${TESTNET_ENV[@]}"} unshare --user --map-root-user --net --mount --propagation private \
		bash -euc "$TESTNET_PRELUDE"$'\n'"$1" 3>&-
}

need_testnet() {
	need_python
	unshare --user --map-root-user --net ip link add vt0 type veth peer name vt1 2>/dev/null ||
		skip "cannot make a veth pair in a network namespace of this user (modprobe veth)"
}

# free_port [udp]: a port nobody listens on now.
free_port() {
	python3 -c 'import socket, sys
s = socket.socket(type=socket.SOCK_DGRAM if sys.argv[1:] == ["udp"] else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$@"
}

# helpers_running: this user's live pasta and slirp4netns processes
# (pasta runs as passt.avx2 where the CPU has AVX2), one "PID COMM" a line.
helpers_running() {
	ps -u "$(id -u)" -o pid=,stat=,comm= |
		awk '$2 !~ /^Z/ && $3 ~ /^(pasta|passt|passt\.avx2|slirp4netns)$/ { print $1, $3 }'
}

# assert_no_helper: within 1 s, no helper of this user runs any more.
assert_no_helper() {
	local i left
	for ((i = 0; i < 20; i++)); do
		left=$(helpers_running)
		[[ -z $left ]] && return 0
		sleep 0.05
	done
	echo "helper processes left behind: $left" >&2
	return 1
}
