#!/usr/bin/env bats
# The network options that need root: --net bridge=NAME, and --netns of a
# namespace that `ip netns add` made.  Everything happens in a network and
# mount namespace each test makes for itself (`rootnet`), so the bridge,
# the veth pairs and /run/netns exist there only, never on the host.

load ../helpers
load ../net_helpers

setup() {
	[[ $(id -u) -eq 0 ]] || skip "root only: the driver runs this file as root"
	command -v ip >/dev/null || skip "ip is not installed (apt-get install iproute2)"
}

# rootnet SCRIPT: runs SCRIPT (bash -e) as root in a new network namespace
# (lo up) and mount namespace with a tmpfs on /run; S is the sandbox with
# the host's /usr and the test root.
rootnet() {
	bounded env SANDBOX="$SANDBOX" TESTROOT="$TESTROOT" NETTOOL="$NETTOOL" \
		unshare --net --mount --propagation private bash -euc '
ip link set lo up
mount -t tmpfs tmpfs /run
S() { timeout -k 5 60 "$SANDBOX" --ro-bind /usr /usr --ro-bind "$TESTROOT" "$TESTROOT" "$@"; }
trap '\''kill $(jobs -p) 2>/dev/null || true'\'' EXIT
'"$1" 3>&-
}

# The veth pairs of a sandbox are named sbx and their address in hex.
VETHS='ip -o link show type veth | grep -c " sbx" || true'

@test "bridge: eth0 with an address of the bridge's subnet, the default route through it" {
	run --separate-stderr rootnet "
S --net bridge=sbxbr0 -- sh -c 'ip -4 -o addr show dev eth0; ip -4 route show default'
ip -4 -o addr show dev sbxbr0
ip -o link show sbxbr0 | grep -o '^[0-9]*: sbxbr0: <[-A-Z,_]*>'
$VETHS"
	assert_success
	[[ ${lines[0]} == *"eth0"*"inet 10.89.0.2/24 "* ]] || { show_run; return 1; }
	assert_line "default via 10.89.0.1 dev eth0 "
	# The bridge was made, up, with the first address of its subnet.
	[[ ${lines[2]} == *"sbxbr0"*"inet 10.89.0.1/24 "* ]] || { show_run; return 1; }
	[[ ${lines[3]} == *"<"*UP*">" ]] || { show_run; return 1; }
	# No veth is left once the sandbox is gone.
	[[ ${lines[-1]} == 0 ]] || { show_run; return 1; }
}

@test "bridge: traffic both ways between the host and the sandbox" {
	need_python
	local dir
	dir=$(fixture_dir)
	# The host's server listens on every address: the bridge, and with it
	# 10.89.0.1, exists only once the sandbox has made it.
	run --separate-stderr rootnet "
python3 \$NETTOOL tcp-serve 0.0.0.0 7200 from-the-host >$dir/server &
until grep -q listening $dir/server; do sleep 0.05; done
S --net bridge=sbxbr0 -- sh -c '
	python3 $NETTOOL tcp-serve 0.0.0.0 7201 from-the-sandbox &
	python3 $NETTOOL tcp-get 10.89.0.1 7200
	wait' &
for i in \$(seq 100); do
	python3 \$NETTOOL tcp-get 10.89.0.2 7201 1 2>/dev/null && break
	sleep 0.05
done
wait %2"
	assert_success
	assert_line from-the-host
	assert_line from-the-sandbox
}

@test "bridge: concurrent sandboxes get distinct addresses, --ip chooses one, all vanish" {
	local dir
	dir=$(fixture_dir)
	run --separate-stderr rootnet "
run_one() { # run_one NAME OPTION...: the sandbox prints its address and waits for $dir/go
	local name=\$1; shift
	S --net bridge=sbxbr0 \"\$@\" --bind $dir /fix -- sh -c \"
		ip -4 -o addr show dev eth0 | sed 's/.*inet \\([^ ]*\\) .*/\\1/' >/fix/\$name
		while [ ! -e /fix/go ]; do sleep 0.05; done\" &
}
run_one a
run_one b
run_one c --ip 10.89.0.77/24
for f in a b c; do
	for i in \$(seq 200); do [ -s $dir/\$f ] && break; sleep 0.05; done
done
echo \"a=\$(cat $dir/a) b=\$(cat $dir/b) c=\$(cat $dir/c)\"
echo \"veths=\$($VETHS)\"
# The address of c is taken while it runs.
S --net bridge=sbxbr0 --ip 10.89.0.77/24 -- true || echo \"taken: exit \$?\"
touch $dir/go
wait
echo \"after=\$($VETHS)\""
	assert_success
	local a b
	a=$(sed -n 's/^a=\([^ ]*\) .*/\1/p' <<<"$output")
	b=$(sed -n 's/.* b=\([^ ]*\) .*/\1/p' <<<"$output")
	[[ $a == 10.89.0.[0-9]*/24 && $b == 10.89.0.[0-9]*/24 && $a != "$b" ]] || { show_run; return 1; }
	[[ $output == *" c=10.89.0.77/24"* ]] || { show_run; return 1; }
	assert_line "veths=3"
	assert_line "taken: exit 125"
	[[ $stderr == *"--ip 10.89.0.77/24: another sandbox on bridge sbxbr0 has that address"* ]] ||
		{ show_run; return 1; }
	assert_line "after=0"
}

@test "bridge: the veth pair vanishes when the launcher is killed with SIGKILL" {
	run --separate-stderr rootnet "
\"\$SANDBOX\" --ro-bind /usr /usr --net bridge=sbxbr0 -- sleep 100 &
launcher=\$!
for i in \$(seq 200); do [ \"\$($VETHS)\" = 1 ] && break; sleep 0.05; done
echo \"running=\$($VETHS)\"
kill -KILL \$launcher
for i in \$(seq 40); do [ \"\$($VETHS)\" = 0 ] && break; sleep 0.05; done
echo \"after=\$($VETHS)\""
	assert_success
	assert_line "running=1"
	assert_line "after=0"
}

@test "bridge: an existing bridge's subnet is used; --ip outside it or a bridge without one is refused" {
	run --separate-stderr rootnet "
ip link add br1 type bridge
ip addr add 192.168.77.1/26 dev br1
ip link set br1 up
S --net bridge=br1 -- ip -4 -o addr show dev eth0
S --net bridge=br1 --ip 10.0.0.5/24 -- true || echo \"outside: exit \$?\"
ip link add br2 type bridge
S --net bridge=br2 -- true || echo \"no subnet: exit \$?\"
echo \"veths=\$($VETHS)\""
	assert_success
	[[ ${lines[0]} == *"inet 192.168.77.2/26 "* ]] || { show_run; return 1; }
	assert_line "outside: exit 125"
	assert_line "no subnet: exit 125"
	[[ $stderr == *"--ip 10.0.0.5/24: not a free address of bridge br1's subnet"* ]] ||
		{ show_run; return 1; }
	[[ $stderr == *"--net bridge=br2: the bridge has no IPv4 subnet"* ]] || { show_run; return 1; }
	assert_line "veths=0"
}

@test "bridge: a new bridge takes --ip's subnet" {
	run --separate-stderr rootnet "
S --net bridge=sbxbr9 --ip 172.31.9.20/28 -- sh -c 'ip -4 -o addr show dev eth0; ip -4 route show default'
ip -4 -o addr show dev sbxbr9"
	assert_success
	[[ ${lines[0]} == *"inet 172.31.9.20/28 "* ]] || { show_run; return 1; }
	assert_line "default via 172.31.9.17 dev eth0 "
	[[ ${lines[2]} == *"inet 172.31.9.17/28 "* ]] || { show_run; return 1; }
}

# An unprivileged user for the parts that must be refused: the driver's.
test_user() {
	local u=${SANDBOX_TEST_USER:-sbxtest}
	id "$u" >/dev/null 2>&1 || skip "no unprivileged user $u (SANDBOX_TEST_USER)"
	echo "$u"
}

@test "--netns: root joins a namespace of ip netns add; an unprivileged caller is told why not" {
	local user
	user=$(test_user)
	run --separate-stderr rootnet "
ip netns add sbxtest
ip -n sbxtest link set lo up
ip netns exec sbxtest python3 \$NETTOOL tcp-serve 127.0.0.1 7300 in-the-named-namespace >/dev/null &
sleep 0.5
want=\$(ip netns exec sbxtest readlink /proc/self/ns/net)
got=\$(S --netns /run/netns/sbxtest -- readlink /proc/self/ns/net)
[ \"\$want\" = \"\$got\" ] && echo same-namespace
S --netns /run/netns/sbxtest -- python3 $NETTOOL tcp-get 127.0.0.1 7300
setpriv --reuid=$user --regid=$user --init-groups -- \"\$SANDBOX\" --ro-bind /usr /usr --netns /run/netns/sbxtest -- true || echo \"user: exit \$?\"
ip netns del sbxtest"
	assert_success
	assert_line same-namespace
	assert_line in-the-named-namespace
	assert_line "user: exit 125"
	[[ $stderr == *"sandbox: --netns /run/netns/sbxtest: join: Operation not permitted"*"CAP_SYS_ADMIN"* ]] ||
		{ show_run; return 1; }
	[[ $(grep -c '^sandbox: ' <<<"$stderr") -eq 1 ]] || { show_run; return 1; }
}

@test "pasta and slirp4netns serve a root caller too, and end with the sandbox" {
	need_mode pasta
	need_mode slirp4netns
	run --separate-stderr rootnet "$TESTNET_LINKS
for m in pasta slirp4netns; do
	S --net \$m -- sh -c 'ip -4 -o addr show dev eth0 | grep -o \"inet [^ ]*\"'
done
ps -u 0 -o stat=,comm= | awk '\$1 !~ /^Z/ && \$2 ~ /^(pasta|passt|passt.avx2|slirp4netns)\$/' | wc -l"
	assert_success
	assert_line "inet 10.99.0.2/24"
	assert_line "inet 10.0.2.100/24"
	[[ ${lines[-1]} == 0 ]] || { show_run; return 1; }
}
