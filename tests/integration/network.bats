#!/usr/bin/env bats
# --net, --publish, --net-host-loopback, --netns: what the sandbox's
# network looks like with each mode, that traffic goes where it should and
# nowhere else, and that the helper (pasta, slirp4netns) lives exactly as
# long as the sandbox, however it ends.
#
# Traffic only ever goes to loopback addresses, or to addresses of a
# network namespace the test makes for itself (`testnet` in
# net_helpers.bash: a veth pair, 10.99.0.2 with its gateway 10.99.0.1, a
# DNS responder on its 127.0.0.1:53 that the helpers use as their upstream
# through a resolv.conf of its own).  No real resolver, no other host.  The
# bridge, and --netns of `ip netns add`, are tested as root in
# root/network.bats.

load helpers
load net_helpers

# --- the modes ------------------------------------------------------------------

@test "network: --net none (the default) has lo only, --net host is --share-net" {
	local host
	host=$(interfaces_of </proc/net/dev)
	run sbx --net none -- cat /proc/net/dev
	assert_success
	[[ $(interfaces_of <<<"$output") == lo ]]
	run sbx -- cat /proc/net/dev
	[[ $(interfaces_of <<<"$output") == lo ]]
	run sbx --net host -- cat /proc/net/dev
	assert_success
	[[ $(interfaces_of <<<"$output") == "$host" ]]
	[[ $host != lo ]] # the control: the host has more than lo
	run sbx --net host -- readlink /proc/self/ns/net
	[[ $output == "$(readlink /proc/self/ns/net)" ]]
	# The last of --net and --share-net wins.
	run sbx --share-net --net none -- cat /proc/net/dev
	[[ $(interfaces_of <<<"$output") == lo ]]
	run sbx --net none --share-net -- readlink /proc/self/ns/net
	[[ $output == "$(readlink /proc/self/ns/net)" ]]
}

check_interface() { # MODE ADDRESS/PREFIX GATEWAY NAMESERVER
	need_mode "$1"
	need_testnet
	run --separate-stderr testnet "S --net $1 -- sh -c 'ip -4 -o addr show dev eth0; ip -4 route show default; cat /etc/resolv.conf; ls -A /etc'"
	assert_success
	assert_stderr_empty
	[[ ${lines[0]} == *"eth0"*"inet $2 "* ]] || { show_run; return 1; }
	assert_line "default via $3 dev eth0 "
	assert_line "nameserver $4"
	# /etc holds the bound /usr's alternatives and the resolver, nothing else.
	assert_line alternatives
	assert_line resolv.conf
	[[ ${#lines[@]} -eq 5 ]] || { show_run; return 1; }
}

@test "network: --net pasta gives eth0 with an address, a default route, and resolv.conf" {
	check_interface pasta 10.99.0.2/24 10.99.0.1 169.254.1.1
}

@test "network: --net slirp4netns gives eth0 with an address, a default route, and resolv.conf" {
	check_interface slirp4netns 10.0.2.100/24 10.0.2.2 10.0.2.3
}

check_dns() { # MODE
	need_mode "$1"
	need_testnet
	run --separate-stderr testnet "serve dns dns-serve 53
S --net $1 -- sh -c 'getent hosts www.sandbox.test; getent hosts nowhere.invalid || echo \"no such host\"'
# The control: the same name from the host's side of the helper.
getent hosts www.sandbox.test"
	assert_success
	[[ ${lines[0]} == "127.0.0.77"*"www.sandbox.test" ]] || { show_run; return 1; }
	assert_line "no such host"
	[[ ${lines[2]} == "127.0.0.77"*"www.sandbox.test" ]] || { show_run; return 1; }
}

@test "network: --net pasta resolves names through the helper's DNS forwarder" {
	check_dns pasta
}

@test "network: --net slirp4netns resolves names through the helper's DNS forwarder" {
	check_dns slirp4netns
}

@test "network: a resolv.conf of the caller's, or --bare, replaces the implicit one" {
	need_mode pasta
	local dir
	dir=$(fixture_dir)
	echo "nameserver 127.0.0.53" >"$dir/resolv.conf"
	run sbx --net pasta --ro-bind "$dir/resolv.conf" /etc/resolv.conf -- cat /etc/resolv.conf
	assert_success
	assert_output_equals "nameserver 127.0.0.53"
	run sbx --net pasta --ro-bind "$dir" /etc -- cat /etc/resolv.conf
	assert_output_equals "nameserver 127.0.0.53"
	run sbx --net pasta --bare --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib \
		--symlink usr/lib64 /lib64 -- /bin/sh -c 'test -e /etc/resolv.conf || echo none'
	assert_output_equals none
	# No helper, no implicit resolver.
	run sbx -- sh -c 'test -e /etc/resolv.conf || echo none'
	assert_output_equals none
}

check_outbound() { # MODE
	need_mode "$1"
	need_testnet
	run --separate-stderr testnet "serve tcp tcp-serve 10.99.0.1 7001 tcp-through-the-helper
serve udp udp-echo 10.99.0.1 7002
S --net $1 -- sh -c 'python3 $NETTOOL tcp-get 10.99.0.1 7001; python3 $NETTOOL udp-ask 10.99.0.1 7002 udp-through-the-helper'"
	assert_success
	assert_line tcp-through-the-helper
	assert_line echo:udp-through-the-helper
	# The control: without a helper, neither gets through.
	run --separate-stderr testnet "S -- python3 $NETTOOL tcp-get 10.99.0.1 7001 1"
	assert_status 1
	assert_output_equals ENETUNREACH
}

@test "network: --net pasta carries outbound TCP and UDP through the host" {
	check_outbound pasta
}

@test "network: --net slirp4netns carries outbound TCP and UDP through the host" {
	check_outbound slirp4netns
}

check_ready_first() { # MODE: the command never starts before the network is up
	need_mode "$1"
	local i out
	for ((i = 0; i < 25; i++)); do
		out=$(sbx --net "$1" -- /usr/sbin/ip -4 route show default)
		[[ $out == "default via "*" dev eth0"* ]] || {
			echo "run $i started without a default route: '$out'" >&2
			return 1
		}
	done
}

@test "network: the command starts only once pasta has set up the network" {
	check_ready_first pasta
}

@test "network: the command starts only once slirp4netns has set up the network" {
	check_ready_first slirp4netns
}

check_with_other_waits() { # MODE: the network with the other waits of the child
	need_mode "$1"
	local dir
	dir=$(fixture_dir)
	# --info-fd makes the child wait for the launcher before its maps too;
	# --disable-userns enters a nested user namespace after the network;
	# --as-pid-1 runs the command without a reaper.
	run sbx --net "$1" --info-fd 3 --disable-userns -- /usr/sbin/ip -4 route show default \
		3>"$dir/info"
	assert_success
	[[ $output == "default via "*" dev eth0"* ]] || { show_run; return 1; }
	grep -q '"child-pid"' "$dir/info"
	run sbx --net "$1" --as-pid-1 -- /usr/sbin/ip -4 route show default
	assert_success
	[[ $output == "default via "*" dev eth0"* ]] || { show_run; return 1; }
	run --separate-stderr sbx --net "$1" -v -- /bin/true
	assert_success
	[[ $stderr == *"sandbox: network: "*" ms"* ]] || { show_run; return 1; }
	assert_no_helper
}

@test "network: pasta with --info-fd, --disable-userns, --as-pid-1 and -v" {
	check_with_other_waits pasta
}

@test "network: slirp4netns with --info-fd, --disable-userns, --as-pid-1 and -v" {
	check_with_other_waits slirp4netns
}

# --- lifecycle ---------------------------------------------------------------------

check_lifecycle_exit() { # MODE
	need_mode "$1"
	host_snapshot
	[[ -z $(helpers_running) ]] || skip "a helper of $(id -un) runs already: $(helpers_running)"
	run sbx --net "$1" -- /bin/true
	assert_success
	assert_no_helper
	# The command killed by a signal.
	run sbx --net "$1" -- /bin/sh -c 'kill -KILL $$'
	assert_status 137
	assert_no_helper
	# The command leaves a process behind: pid 1 ends it, and the helper.
	run sbx --net "$1" -- /bin/sh -c 'sleep 100 & exit 3'
	assert_status 3
	assert_no_helper
	host_unchanged
}

@test "network: pasta ends with the sandbox: normal exit, command killed" {
	check_lifecycle_exit pasta
}

@test "network: slirp4netns ends with the sandbox: normal exit, command killed" {
	check_lifecycle_exit slirp4netns
}

check_lifecycle_sigkill() { # MODE: the launcher killed with SIGKILL
	need_mode "$1"
	local marker launcher i
	[[ -z $(helpers_running) ]] || skip "a helper of $(id -un) runs already: $(helpers_running)"
	marker=$(unique_marker)
	"${SBX[@]}" --net "$1" -- "$PROBE" sleep 1000 "$marker" </dev/null >/dev/null 2>&1 3>&- &
	launcher=$!
	for ((i = 0; i < 200; i++)); do
		pgrep -u "$(id -u)" -f -- "^$PROBE sleep 1000 $marker\$" >/dev/null && break
		sleep 0.05
	done
	[[ -n $(helpers_running) ]] || { echo "no helper while the sandbox runs" >&2; return 1; }
	kill -KILL "$launcher"
	wait "$launcher" 2>/dev/null || true
	assert_no_helper
	assert_no_process "$marker" 1
}

@test "network: pasta dies with a launcher killed by SIGKILL" {
	check_lifecycle_sigkill pasta
}

@test "network: slirp4netns dies with a launcher killed by SIGKILL" {
	check_lifecycle_sigkill slirp4netns
}

check_lifecycle_failure() { # MODE
	need_mode "$1"
	host_snapshot
	[[ -z $(helpers_running) ]] || skip "a helper of $(id -un) runs already: $(helpers_running)"
	# The child fails while the helper starts: a file in the read-only /usr.
	run --separate-stderr sbx --net "$1" --dir /usr/cannot-be-made -- /bin/true
	assert_setup_error /usr/cannot-be-made
	assert_no_helper
	# The command cannot start, once the network is up.
	run -127 --separate-stderr sbx --net "$1" -- /nonexistent/command
	assert_status 127
	assert_no_helper
	# The helper itself fails: an option it does not know.
	run --separate-stderr sbx --net "$1:--no-such-option" -- /bin/true
	assert_setup_error "--net $1" "the helper"
	[[ $stderr == *"stopped before the network was ready"*"--no-such-option"* ]] ||
		{ show_run; return 1; }
	assert_no_helper
	host_unchanged
}

@test "network: a setup failure leaves no pasta behind" {
	check_lifecycle_failure pasta
}

@test "network: a setup failure leaves no slirp4netns behind" {
	check_lifecycle_failure slirp4netns
}

@test "network: ARGS reach the helper, comma-separated" {
	need_mode pasta
	need_mode slirp4netns
	# A MAC address of eth0 the defaults would not give.
	run sbx --net pasta:--ns-mac-addr,02:00:00:5a:b0:01 -- /usr/sbin/ip -o link show eth0
	assert_success
	[[ $output == *"link/ether 02:00:00:5a:b0:01 "* ]] || { show_run; return 1; }
	run sbx --net slirp4netns:--macaddress=02:00:00:5a:b0:02 -- /usr/sbin/ip -o link show eth0
	assert_success
	[[ $output == *"link/ether 02:00:00:5a:b0:02 "* ]] || { show_run; return 1; }
	run --separate-stderr sbx --net "pasta:" -- /bin/true
	assert_setup_error "--net pasta:"
	run --separate-stderr sbx --net "pasta:-d,,-q" -- /bin/true
	assert_setup_error "empty helper argument"
}

# --- --publish -----------------------------------------------------------------------

check_publish() { # MODE [OPTION...]
	local mode=$1 tport uport dir sport
	shift
	need_mode "$mode"
	need_python
	tport=$(free_port)
	uport=$(free_port udp)
	# Where pasta's UDP port differs, the version in Debian 12 loses the
	# answers to a client on the host's loopback (sandbox(1), BUGS).
	sport=5353
	[[ $mode == pasta ]] && sport=$uport
	dir=$(fixture_dir)
	# The server inside listens on all addresses: slirp4netns delivers to
	# eth0's, pasta to the sandbox's loopback.
	"${SBX[@]}" --net "$mode" "$@" -p "$tport:8080" -p "127.0.0.1:$uport:$sport/udp" -- sh -c "
		python3 $NETTOOL tcp-serve 0.0.0.0 8080 published-tcp &
		python3 $NETTOOL udp-echo 0.0.0.0 $sport &
		wait" </dev/null >"$dir/out" 2>&1 3>&- &
	local launcher=$! i
	for ((i = 0; i < 200; i++)); do
		[[ $(grep -c listening "$dir/out") -eq 2 ]] && break
		sleep 0.05
	done
	[[ $(grep -c listening "$dir/out") -eq 2 ]] || { cat "$dir/out" >&2; return 1; }
	run python3 "$NETTOOL" tcp-get 127.0.0.1 "$tport"
	assert_success
	assert_output_equals published-tcp
	run python3 "$NETTOOL" udp-ask 127.0.0.1 "$uport" published-udp
	assert_success
	assert_output_equals echo:published-udp
	wait_bounded "$launcher" 10
	[[ $WAIT_STATUS -eq 0 ]] || { cat "$dir/out" >&2; return 1; }
	assert_no_helper
	# The port is the host's again.
	run python3 "$NETTOOL" tcp-get 127.0.0.1 "$tport" 1
	assert_output_equals ECONNREFUSED
}

@test "network: --publish forwards host TCP and UDP ports into --net pasta" {
	check_publish pasta
}

@test "network: --publish forwards host TCP and UDP ports into --net slirp4netns" {
	# UDP answers to the host's loopback need it open (sandbox(1)).
	check_publish slirp4netns --net-host-loopback
	run --separate-stderr "${SBX[@]}" --net slirp4netns -p 5353:53/udp -- /bin/true
	assert_setup_error "--publish 5353:53/udp"
	[[ $stderr == *"unless --net-host-loopback"* ]] || { show_run; return 1; }
}

check_port_taken() { # MODE
	need_mode "$1"
	need_python
	local port dir server
	port=$(free_port)
	dir=$(fixture_dir)
	python3 "$NETTOOL" tcp-serve 127.0.0.1 "$port" busy >"$dir/server" 3>&- &
	server=$!
	wait_for_file_line "$dir/server" listening
	host_snapshot
	run --separate-stderr sbx --net "$1" -p "$port:80" -- /bin/true
	assert_setup_error "$port"
	[[ $stderr == *"--publish $port:80"*"Address already in use"* ]] || { show_run; return 1; }
	kill "$server"
	wait "$server" 2>/dev/null || true
	host_unchanged
}

@test "network: --publish of a port taken on the host is a setup error naming it (pasta)" {
	check_port_taken pasta
}

@test "network: --publish of a port taken on the host is a setup error naming it (slirp4netns)" {
	check_port_taken slirp4netns
}

@test "network: a bad --publish is refused before anything runs" {
	local bad
	host_snapshot
	for bad in 80 :80 80: 0:80 80:0 65536:80 a:b 1.2.3:80:80 127.0.0.1:80:80/sctp \
		'[::1:80:80' 'localhost:80:80'; do
		run --separate-stderr "${SBX[@]}" --net pasta --publish "$bad" -- /bin/true
		assert_setup_error "--publish '$bad'"
	done
	run --separate-stderr "${SBX[@]}" -p 8080:80 -- /bin/true
	assert_setup_error "--publish 8080:80"
	[[ $stderr == *"needs --net pasta or --net slirp4netns"* ]] || { show_run; return 1; }
	run --separate-stderr "${SBX[@]}" --net slirp4netns -p '[::1]:8080:80' -- /bin/true
	assert_setup_error "--publish [::1]:8080:80"
	run --separate-stderr "${SBX[@]}" --net pasta -p 8080:80 -p 8080:81 -- /bin/true
	assert_setup_error "--publish '8080:81'"
	# Sandbox personality only.
	run --separate-stderr "$SANDBOX" --compat=bwrap --net pasta -- /bin/true
	assert_status 1
	[[ $stderr == *"Unknown option --net"* ]] || { show_run; return 1; }
	host_unchanged
}

# --- the host's loopback -----------------------------------------------------------------

check_host_loopback() { # MODE
	need_mode "$1"
	need_testnet
	local gw
	gw=$(gateway_of "$1")
	run --separate-stderr testnet "serve lo tcp-serve 127.0.0.1 7003 host-loopback
for way in $gw 127.0.0.1; do
	S --net $1 -- python3 $NETTOOL tcp-get \$way 7003 2 || true
done
S --net $1 --net-host-loopback -- python3 $NETTOOL tcp-get $gw 7003"
	assert_success
	# Closed by default, both through the gateway (pasta: nothing listens
	# at the gateway's own address; slirp4netns: unreachable) and at the
	# sandbox's own 127.0.0.1; open with --net-host-loopback.
	[[ ${lines[0]} =~ ^(ECONNREFUSED|ENETUNREACH|EHOSTUNREACH|timeout)$ ]] || { show_run; return 1; }
	[[ ${lines[1]} == ECONNREFUSED ]] || { show_run; return 1; }
	[[ ${lines[2]} == host-loopback ]] || { show_run; return 1; }
	[[ ${#lines[@]} -eq 3 ]] || { show_run; return 1; }
}

@test "network: the host's loopback is closed to --net pasta unless --net-host-loopback" {
	check_host_loopback pasta
}

@test "network: the host's loopback is closed to --net slirp4netns unless --net-host-loopback" {
	check_host_loopback slirp4netns
}

@test "network: the host's abstract unix sockets are out of reach with every helper mode" {
	need_mode pasta
	need_mode slirp4netns
	local name dir server mode
	name=sbx-abstract-$$-$RANDOM
	dir=$(fixture_dir)
	python3 "$NETTOOL" unix-serve "$name" >"$dir/server" 3>&- &
	server=$!
	wait_for_file_line "$dir/server" listening
	for mode in "--net pasta" "--net slirp4netns" "--net pasta --net-host-loopback" \
		"--net slirp4netns --net-host-loopback" "--net none"; do
		# shellcheck disable=SC2086 # the mode is two words
		run sbx $mode -- python3 "$NETTOOL" unix-get "$name"
		assert_status 1
		assert_output_equals ECONNREFUSED
	done
	# The control: in the host's namespace the socket answers.
	run sbx --net host -- python3 "$NETTOOL" unix-get "$name"
	assert_success
	assert_output_equals "hello from the abstract socket"
	wait "$server"
}

@test "network: --net-host-loopback and --ip need their modes" {
	run --separate-stderr "${SBX[@]}" --net-host-loopback -- /bin/true
	assert_setup_error --net-host-loopback
	run --separate-stderr "${SBX[@]}" --net host --net-host-loopback -- /bin/true
	assert_setup_error --net-host-loopback
	run --separate-stderr "${SBX[@]}" --net pasta --ip 10.89.0.9/24 -- /bin/true
	assert_setup_error --ip
	run --separate-stderr "${SBX[@]}" --net bogus -- /bin/true
	assert_setup_error "--net: unknown mode 'bogus'"
	run --separate-stderr "${SBX[@]}" --net bridge=a/b -- /bin/true
	assert_setup_error "invalid bridge name"
	run --separate-stderr "${SBX[@]}" --net bridge=br0 --ip 10.89.0.0/24 -- /bin/true
	assert_setup_error "--ip '10.89.0.0/24'"
}

# --- errors -----------------------------------------------------------------------------------

@test "network: a missing helper is a setup error naming the package, nothing left" {
	host_snapshot
	run --separate-stderr env PATH=/nonexistent "${SBX[@]}" --net pasta -- /bin/true
	assert_setup_error "'pasta'"
	[[ $stderr == *"apt-get install passt"* ]] || { show_run; return 1; }
	run --separate-stderr env PATH=/nonexistent "${SBX[@]}" --net slirp4netns -- /bin/true
	assert_setup_error "'slirp4netns'"
	[[ $stderr == *"apt-get install slirp4netns"* ]] || { show_run; return 1; }
	host_unchanged
}

@test "network: a /dev/net/tun the caller cannot open is a setup error naming it" {
	need_mode pasta
	need_mode slirp4netns
	local mode
	# A file of real root's that this user may read but not write, over
	# the device, in a mount namespace of the test's own.
	for mode in pasta slirp4netns; do
		run --separate-stderr bounded unshare --user --map-root-user --mount bash -c \
			'mount --bind /etc/passwd /dev/net/tun && exec "$@"' _ "${SBX[@]}" --net "$mode" -- /bin/true
		assert_setup_error /dev/net/tun
		[[ $stderr == *"--net $mode"*"Permission denied"*"chmod 0666 /dev/net/tun"* ]] ||
			{ show_run; return 1; }
	done
	assert_no_helper
}

@test "network: --net bridge needs root or CAP_NET_ADMIN" {
	[[ $(id -u) -ne 0 ]] || skip "for an unprivileged caller"
	host_snapshot
	run --separate-stderr "${SBX[@]}" --net bridge=sbxtest0 -- /bin/true
	assert_setup_error "--net bridge=sbxtest0"
	[[ $stderr == *"needs root or CAP_NET_ADMIN"* ]] || { show_run; return 1; }
	host_unchanged
}

# --- --netns ----------------------------------------------------------------------------------

# Starts a sandbox whose command serves one TCP connection on its own
# loopback, and sets HOLDER_PID to the command's pid (the host's number).
start_holder() {
	local dir=$1 marker i
	marker=$(unique_marker)
	"${SBX[@]}" -- python3 "$NETTOOL" tcp-serve 127.0.0.1 7100 "$2" "$marker" \
		</dev/null >"$dir/holder" 2>&1 3>&- &
	HOLDER_LAUNCHER=$!
	wait_for_file_line "$dir/holder" listening
	HOLDER_PID=$(pgrep -u "$(id -u)" -f -- "^python3 $NETTOOL tcp-serve 127.0.0.1 7100 $2 $marker\$")
	[[ -n $HOLDER_PID ]]
}

@test "network: --netns joins the network namespace of another sandbox of the caller's" {
	need_python
	local dir
	dir=$(fixture_dir)
	start_holder "$dir" by-path
	local want
	want=$(readlink "/proc/$HOLDER_PID/ns/net")
	run --separate-stderr sbx --netns "/proc/$HOLDER_PID/ns/net" -- sh -c \
		"readlink /proc/self/ns/net; python3 $NETTOOL tcp-get 127.0.0.1 7100"
	assert_success
	assert_line "$want"
	assert_line by-path
	wait_bounded "$HOLDER_LAUNCHER" 10
	# The same through an fd the caller holds, after the first sandbox is
	# gone: the fd keeps the namespace.
	start_holder "$dir" by-fd
	exec 7<"/proc/$HOLDER_PID/ns/net"
	want=$(readlink "/proc/$HOLDER_PID/ns/net")
	run sbx --netns 7 -- sh -c "python3 $NETTOOL tcp-get 127.0.0.1 7100; readlink /proc/self/ns/net"
	assert_success
	assert_line by-fd
	wait_bounded "$HOLDER_LAUNCHER" 10
	run sbx --netns 7 -- readlink /proc/self/ns/net
	exec 7<&-
	assert_success
	assert_output_equals "$want"
	# The control: without --netns the server is not there.
	run sbx -- python3 "$NETTOOL" tcp-get 127.0.0.1 7100 1
	assert_output_equals ECONNREFUSED
}

@test "network: --netns of the host's user namespace is refused to an unprivileged caller, explained" {
	[[ $(id -u) -ne 0 ]] || skip "for an unprivileged caller"
	host_snapshot
	# The host's own namespace stands for one of `ip netns add` (as root:
	# root/network.bats): both belong to the initial user namespace.
	run --separate-stderr sbx --netns /proc/self/ns/net -- /bin/true
	assert_setup_error "--netns /proc/self/ns/net"
	[[ $stderr == *"Operation not permitted"*"CAP_SYS_ADMIN"* ]] || { show_run; return 1; }
	host_unchanged
}

@test "network: --netns checks its value and its company" {
	run --separate-stderr sbx --netns /etc/passwd -- /bin/true
	assert_setup_error "--netns /etc/passwd: not a network namespace"
	run --separate-stderr sbx --netns /nonexistent -- /bin/true
	assert_setup_error "--netns /nonexistent"
	run --separate-stderr sbx --netns 99 -- /bin/true
	assert_setup_error "--netns 99"
	run --separate-stderr sbx --net pasta --netns /proc/self/ns/net -- /bin/true
	assert_setup_error "--netns /proc/self/ns/net cannot be combined with --net pasta"
	run --separate-stderr sbx --share-net --netns /proc/self/ns/net -- /bin/true
	assert_setup_error "cannot be combined with --net host"
}
