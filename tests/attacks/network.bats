#!/usr/bin/env bats
# Attacks through the network and IPC namespaces: interfaces and routes,
# services listening on the host's loopback (TCP, UDP, IPv6), abstract unix
# sockets, raw sockets, System V IPC, POSIX message queues, /dev/shm and
# the hostname.  Only loopback addresses are used; every listener is the
# test's own and ends by itself.

load ../integration/helpers
load attack_helpers

setup_file() {
	attack_setup_file
}

setup() {
	attack_setup
	FIX=$(fixture_dir)
	LISTENER=
}

teardown() {
	if [[ -n ${LISTENER:-} ]]; then
		kill "$LISTENER" 2>/dev/null || true
		wait "$LISTENER" 2>/dev/null || true
	fi
	[[ -z ${MQ_NAME:-} ]] || "$ATTACK" mq "$MQ_NAME" unlink >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	[[ -z ${IPC_IDS:-} ]] || ipcrm $IPC_IDS 2>/dev/null || true
	[[ -z ${SHM_FILE:-} ]] || rm -f "$SHM_FILE"
}

# listen_host PROTO ADDR: starts the helper's listener on the host for
# 4 seconds; LISTEN_OUT is its output file, PORT its port.
listen_host() {
	LISTEN_OUT=$(mktemp "$FIX/listener.$1.XXXXXX")
	"$ATTACK" listen "$1" "$2" 4 >"$LISTEN_OUT" 2>&1 3>&- &
	LISTENER=$!
	local i
	for ((i = 0; i < 100; i++)); do
		PORT=$(sed -n 's/^port=//p' "$LISTEN_OUT" 2>/dev/null) || true
		[[ -n $PORT ]] && return 0
		grep -qs '^listen=' "$LISTEN_OUT" && break
		sleep 0.05
	done
	echo "the host listener did not start:" >&2
	cat "$LISTEN_OUT" >&2
	return 1
}

# listener_got_nothing: the host listener ended without a connection or
# datagram.
listener_got_nothing() {
	wait_bounded "$LISTENER" 10
	LISTENER=
	grep -qx none "$LISTEN_OUT"
}

# loopback_attack PROTO ADDR: connects from inside to a host listener.
loopback_attack() {
	listen_host "$1" "$2"
	run tgt -- "$A" connect "$1" "$2" "$PORT"
	ran_ok
	if [[ $1 == tcp ]]; then
		blocked "TCP connection to the host's $2 accepted" refused connect
	fi
	blocked "the host's $1 listener on $2 got data" listener_got_nothing
}

have_ipv6_loopback() {
	[[ -e /proc/net/if_inet6 ]] && grep -q ' lo$' /proc/net/if_inet6
}

# The network namespace must hold only lo: no other interface, no route
# (IPv4 or IPv6) other than loopback's, no address but 127.0.0.1 and ::1.
# A route or interface would let the command reach the host's network.
@test "net/interfaces-routes: interfaces, routes and addresses visible inside" {
	run tgt -- /bin/sh -c '
		sed -n "3,\$s/^ *\([^:]*\):.*/iface=\1/p" /proc/net/dev
		tail -n +2 /proc/net/route | sed "s/^/route4=/"
		grep -v " lo$" /proc/net/ipv6_route | sed "s/^/route6=/"
		awk "\$6 != \"lo\" { print \"addr6=\" \$1 }" /proc/net/if_inet6 2>/dev/null
		grep -o "/32 host LOCAL" /proc/net/fib_trie >/dev/null 2>&1 && grep -B1 "/32 host LOCAL" /proc/net/fib_trie | grep -v "127.0.0.1\|/32\|--" | sed "s/^/addr4=/"
		echo done'
	ran_ok
	assert_line done
	blocked "an interface other than lo" no_match '^iface=([^l]|l[^o]|lo.)'
	blocked "an IPv4 route" no_match '^route4='
	blocked "an IPv6 route other than lo" no_match '^route6='
	blocked "an IPv6 address other than ::1" no_match '^addr6='
	blocked "an IPv4 address other than 127.0.0.1" no_match '^addr4=.*[0-9]'
}

# A TCP service on the host's 127.0.0.1 (databases, dbus over TCP, X11,
# debug ports): in a private network namespace, 127.0.0.1 is the
# sandbox's own.
@test "net/tcp-loopback: a TCP listener on the host's 127.0.0.1" {
	loopback_attack tcp 127.0.0.1
	is_bwrap && return 0
	# The control: with the host's network shared, the same attack connects.
	listen_host tcp 127.0.0.1
	run tgt --share-net -- "$A" connect tcp 127.0.0.1 "$PORT"
	assert_line "connect=OK"
	! listener_got_nothing || { echo "the control connection was not seen" >&2; false; }
}

# The same with UDP, where connect() proves nothing: a datagram is sent
# and the host listener must not get it.
@test "net/udp-loopback: a UDP listener on the host's 127.0.0.1" {
	loopback_attack udp 127.0.0.1
}

# And on IPv6 loopback, TCP and UDP.
@test "net/ipv6-loopback: TCP and UDP listeners on the host's ::1" {
	have_ipv6_loopback || skip "the host has no ::1"
	loopback_attack tcp ::1
	loopback_attack udp ::1
}

# Abstract unix sockets have no file to bind or hide: they belong to the
# network namespace, which is all that keeps the host's (X11's
# @/tmp/.X11-unix/X0, dbus, systemd's) out of reach (bubblewrap #504,
# #330).
@test "net/abstract-unix: a host abstract unix socket" {
	local name=sbx-attack-$$-$RANDOM
	"$ATTACK" abstract-listen "$name" 4 >"$FIX/abstract" 2>&1 3>&- &
	LISTENER=$!
	wait_for_file_line "$FIX/abstract" listening 5
	run tgt -- "$A" abstract "$name"
	ran_ok
	blocked "connected to the host's abstract socket" refused connect
	wait_bounded "$LISTENER" 10
	LISTENER=
	blocked "the host's abstract socket accepted a connection" grep -qx none "$FIX/abstract"
	is_bwrap && return 0
	# The control: with the host's network shared, the same attack connects.
	"$ATTACK" abstract-listen "$name-2" 4 >"$FIX/abstract" 2>&1 3>&- &
	LISTENER=$!
	wait_for_file_line "$FIX/abstract" listening 5
	run tgt --share-net -- "$A" abstract "$name-2"
	assert_line "connect=OK"
}

# Raw and packet sockets see and forge traffic of every interface; they
# need CAP_NET_RAW, which the command must not have in any namespace.
@test "net/raw-sockets: AF_PACKET and SOCK_RAW sockets" {
	run tgt -- "$A" raw-sockets
	ran_ok
	blocked "packet socket" refused packet
	blocked "raw IP socket" refused inet-raw
}

# System V IPC objects live in the IPC namespace: a message queue, a
# shared memory segment and a semaphore set made on the host (with
# ipcmk) must not be visible (ipcs) or reachable by key inside.
@test "ipc/sysv: host System V message queue, shared memory and semaphores" {
	command -v ipcmk >/dev/null && command -v ipcs >/dev/null || skip "ipcmk/ipcs not installed"
	local out id kind
	IPC_IDS=
	for kind in -Q -M -S; do
		case $kind in
		-M) out=$(ipcmk -M 4096 -p 0600) ;;
		-S) out=$(ipcmk -S 1 -p 0600) ;;
		-Q) out=$(ipcmk -Q -p 0600) ;;
		esac
		id=${out##* }
		case $kind in
		-Q) IPC_IDS+=" -q $id" ;;
		-M) IPC_IDS+=" -m $id" ;;
		-S) IPC_IDS+=" -s $id" ;;
		esac
	done
	local keys
	keys=$(ipcs | awk '$1 ~ /^0x/ && $3 == "'"$(id -un)"'" { print $1 }' | sort -u)
	[[ -n $keys ]] || { echo "ipcmk made nothing" >&2; false; }
	run tgt -- /bin/sh -c "ipcs | awk '\$1 ~ /^0x/ { print \"seen=\" \$1 }'; for k in $(echo $keys); do $A sysv \$k; done; echo done"
	ran_ok
	assert_line done
	blocked "host IPC objects listed" no_match '^seen='
	blocked "a host IPC object opened by key" no_line "msgget=OK"
	blocked "a host IPC object opened by key" no_line "shmget=OK"
	blocked "a host IPC object opened by key" no_line "semget=OK"
	is_bwrap && return 0
	# The control: with the host's IPC namespace shared, they are there.
	run tgt --share-ipc -- /bin/sh -c "for k in $(echo $keys); do $A sysv \$k; done"
	assert_line "msgget=OK"
}

# POSIX message queues belong to the IPC namespace too: one made on the
# host must not be openable (or writable) inside, nor listed in an mqueue
# filesystem mounted inside.
@test "ipc/posix-mqueue: a host POSIX message queue" {
	MQ_NAME=/sbx-attack-$$-$RANDOM
	run "$ATTACK" mq "$MQ_NAME" create
	[[ $output == "mq_open=OK" ]] || skip "cannot create a message queue on the host ($output)"
	run tgt --mqueue /dev/mqueue -- /bin/sh -c "$A mq $MQ_NAME open; ls /dev/mqueue | sed 's/^/listed=/'"
	ran_ok
	blocked "host message queue opened" refused mq_open
	blocked "host message queue listed" no_line "listed=${MQ_NAME#/}"
}

# /dev/shm: the sandbox's /dev has its own. A file planted in the host's
# /dev/shm must not be visible, and one written inside must not appear on
# the host.
@test "ipc/dev-shm: the host's /dev/shm" {
	[[ -d /dev/shm && -w /dev/shm ]] || skip "no writable /dev/shm on the host"
	local name=sbx-attack-$$-$RANDOM
	SHM_FILE=/dev/shm/$name
	echo host >"$SHM_FILE"
	run tgt -- /bin/sh -c "ls -A /dev/shm | sed 's/^/listed=/'; cat /dev/shm/$name 2>/dev/null && echo read; echo inside >/dev/shm/$name-in 2>/dev/null; echo done"
	ran_ok
	assert_line done
	blocked "host /dev/shm file visible" no_line "listed=$name"
	blocked "host /dev/shm file read" no_line read
	blocked "file written in /dev/shm reached the host" host_absent "/dev/shm/$name-in"
	rm -f "/dev/shm/$name-in"
}

# The hostname belongs to the UTS namespace.  sethostname, setdomainname
# and /proc/sys/kernel/hostname from inside (no CAP_SYS_ADMIN), and the
# launcher's own --hostname, must leave the host's name as it was.
@test "uts/hostname: changing the host's hostname from inside" {
	local before domain_before
	before=$(cat /proc/sys/kernel/hostname)
	domain_before=$(cat /proc/sys/kernel/domainname)
	run tgt -- "$A" sethostname sbx-attacked
	ran_ok
	blocked "sethostname allowed" refused sethostname setdomainname proc-hostname
	run tgt --hostname sbx-own -- /bin/cat /proc/sys/kernel/hostname
	ran_ok
	blocked "host hostname changed" test "$(cat /proc/sys/kernel/hostname)" = "$before"
	blocked "host domainname changed" test "$(cat /proc/sys/kernel/domainname)" = "$domain_before"
}
