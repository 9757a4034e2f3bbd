#!/usr/bin/env bats
# Rootless podman on the OCI runtime personality: `podman --runtime
# sandbox-oci` as the test user, on a busybox image imported offline.
# Each test checks an outcome inside the container.  Podman gets its own
# storage and runtime directories under $FIXTURES (no state of the user's
# is used or left), cgroupfs (no systemd here) and the vfs driver.

load helpers
load oci_helpers

setup_file() {
	command -v podman >/dev/null || return 0
	[[ -x $BUSYBOX ]] || return 0
	export PODMAN_HOME
	# Not under $FIXTURES: below the driver's root-owned test directory,
	# conmon never reports the end of a `run -it` container (with runc
	# too); a directory of the test user's own in /var/tmp works.
	PODMAN_HOME=$(mktemp -d /var/tmp/sbx-podman.XXXXXX)
	# A program, not a function: ttydrive.py runs it in a pty.
	cat > "$PODMAN_HOME/pm" <<-EOS
	#!/bin/sh
	export HOME=$PODMAN_HOME XDG_RUNTIME_DIR=$PODMAN_HOME/run XDG_CONFIG_HOME=$PODMAN_HOME/config
	export XDG_DATA_HOME=$PODMAN_HOME/data
	exec timeout -k 5 120 podman --cgroup-manager cgroupfs --events-backend file --storage-driver vfs "\$@"
	EOS
	chmod 755 "$PODMAN_HOME/pm"
	mkdir -p "$PODMAN_HOME/run" && chmod 700 "$PODMAN_HOME/run"
	local rootfs=$PODMAN_HOME/rootfs
	oci_rootfs "$rootfs"
	tar -C "$rootfs" -cf "$PODMAN_HOME/bb.tar" .
	pm import "$PODMAN_HOME/bb.tar" localhost/sbx-bb:latest >/dev/null
}

teardown_file() {
	[[ -n ${PODMAN_HOME:-} ]] || return 0
	pm rm -a -f -t 0 >/dev/null 2>&1 || true
	pm unshare rm -rf "$PODMAN_HOME/data" >/dev/null 2>&1 || true
	# The rootless pause process podman left for this runtime directory.
	local pause
	pause=$(cat "$PODMAN_HOME/run/libpod/tmp/pause.pid" 2>/dev/null) && kill "$pause" 2>/dev/null
	rm -rf "$PODMAN_HOME"
}

pm() {
	"$PODMAN_HOME/pm" "$@"
}

setup() {
	command -v podman >/dev/null || skip "no podman (Debian package podman)"
	oci_need_static
	oci_need_busybox
	grep -q "^$(id -un):" /etc/subuid || skip "no /etc/subuid range for $(id -un)"
	# No network but where one is tested: podman's default, slirp4netns,
	# needs /dev/net/tun, which Debian opens to root only.
	RUN=(pm run --rm --runtime "$OCI" --network none)
	# A podman run takes a second here, far more on a loaded machine.
	export TTYDRIVE_TIMEOUT=60
	IMAGE=localhost/sbx-bb
}

@test "podman: exit codes 0, 1, 42 and a missing program's 127 come back" {
	local code
	for code in 0 1 42; do
		run "${RUN[@]}" "$IMAGE" sh -c "exit $code"
		assert_status "$code"
	done
	run -127 --separate-stderr "${RUN[@]}" "$IMAGE" no-such-program
	assert_status 127
	[[ $stderr == *"exec no-such-program: not found in \$PATH"* ]] || { show_run; false; }
}

@test "podman: a container killed from outside exits 137" {
	pm run --name k137 --runtime "$OCI" --network none "$IMAGE" sleep 1000 >/dev/null 2>&1 &
	local runner=$! i
	for i in $(seq 100); do
		[[ $(pm inspect k137 --format '{{.State.Running}}' 2>/dev/null) == true ]] && break
		sleep 0.1
	done
	pm kill k137 >/dev/null
	local status=0
	wait "$runner" || status=$?
	assert_status 137
	pm rm -f k137 >/dev/null
}

@test "podman: run -it gets a terminal through the console socket" {
	run "${PYTHON3:-/usr/bin/python3}" "$BATS_TEST_DIRNAME/ttydrive.py" run \
		"$PODMAN_HOME/pm" run -it --rm --runtime "$OCI" --network none "$IMAGE" sh -c 'echo tty=$(tty); [ -t 0 ] && echo stdin=tty; exit 3'
	assert_line "status=3"
	assert_line "inside_tty=/dev/pts/0"
	assert_line "inside_stdin=tty"
	run "${PYTHON3:-/usr/bin/python3}" "$BATS_TEST_DIRNAME/ttydrive.py" eof \
		"$PODMAN_HOME/pm" run -it --rm --runtime "$OCI" --network none "$IMAGE"
	assert_line "echo=True"
	assert_line "status=0"
}

@test "podman: run -d, ps, exec, stop and rm; nothing stays under the runtime's root" {
	run pm run -d --name d1 --runtime "$OCI" --network none "$IMAGE" sleep 1000
	assert_success
	local id=$output
	[[ -d $PODMAN_HOME/run/sandbox-oci/$id ]]
	run pm ps --format '{{.Names}} {{.Status}}'
	[[ $output == "d1 Up"* ]] || { show_run; false; }
	run pm exec d1 sh -c 'echo exec-in; cat /proc/1/cmdline | tr "\0" " "'
	assert_success
	assert_line "exec-in"
	assert_line "sleep 1000 "
	run pm exec d1 sh -c 'exit 7'
	assert_status 7
	run "${PYTHON3:-/usr/bin/python3}" "$BATS_TEST_DIRNAME/ttydrive.py" run \
		"$PODMAN_HOME/pm" exec -it d1 sh -c 'echo tty=$(tty); exit 4'
	assert_line "status=4"
	assert_line "inside_tty=/dev/pts/0"
	run pm stop -t 1 d1
	assert_success
	[[ $(pm inspect d1 --format '{{.State.Status}}') == exited ]]
	run pm rm d1
	assert_success
	[[ ! -e $PODMAN_HOME/run/sandbox-oci/$id ]]
}

@test "podman: --read-only, -v HOSTDIR:DIR, --env, --workdir, --user, --hostname" {
	local dir
	dir=$(fixture_dir)
	echo from-host > "$dir/in"
	chmod 777 "$dir"
	run "${RUN[@]}" --read-only -v "$dir:/data" --env FOO=bar --workdir /tmp --user 1000:1000 \
		--hostname boxy "$IMAGE" sh -c 'cat /data/in; echo out > /data/out; touch /etc/x 2>/dev/null || echo ro;
		echo $FOO; pwd; id -u; id -g; hostname'
	assert_success
	[[ $output == $'from-host\nro\nbar\n/tmp\n1000\n1000\nboxy' ]] || { show_run; false; }
	[[ $(cat "$dir/out") == out ]]
}

@test "podman: --cap-drop ALL --cap-add NET_RAW leaves only that capability" {
	run "${RUN[@]}" --cap-drop all --cap-add net_raw "$IMAGE" grep -E '^Cap(Eff|Bnd)' /proc/self/status
	assert_success
	assert_line $'CapEff:\t0000000000002000'
	assert_line $'CapBnd:\t0000000000002000'
}

@test "podman: --security-opt seccomp=FILE refuses the calls it denies" {
	local profile
	profile=$(fixture_dir)/deny-mkdir.json
	cat > "$profile" <<-'JSON'
	{"defaultAction": "SCMP_ACT_ALLOW",
	 "syscalls": [{"names": ["mkdir", "mkdirat", "not_a_syscall"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
	JSON
	run "${RUN[@]}" --security-opt "seccomp=$profile" "$IMAGE" sh -c 'mkdir /tmp/d 2>/dev/null; echo mkdir=$?; touch /tmp/f; echo touch=$?'
	assert_success
	[[ $output == $'mkdir=1\ntouch=0' ]] || { show_run; false; }
	# Podman's own default profile is compiled and installed too.
	run "${RUN[@]}" "$IMAGE" grep Seccomp: /proc/self/status
	assert_line $'Seccomp:\t2'
}

@test "podman: --network none has only lo; the default slirp4netns network has a route out" {
	# Through netlink: /sys is the host's, bound (sandbox(1), OCI RUNTIME).
	run "${RUN[@]}" "$IMAGE" sh -c 'ip -o link | cut -d: -f2'
	assert_success
	[[ $output == " lo" ]] || { show_run; false; }
	command -v slirp4netns >/dev/null || skip "no slirp4netns"
	[[ -r /dev/net/tun && -w /dev/net/tun ]] || skip "/dev/net/tun is not open to $(id -un) (.ci/run makes it 0666)"
	run pm run --rm --runtime "$OCI" "$IMAGE" sh -c 'ip -4 addr show tap0 | grep -o "inet [0-9.]*"; ip route | grep default'
	assert_success
	assert_line "inet 10.0.2.100"
	[[ $output == *"default via 10.0.2.2"* ]] || { show_run; false; }
}
