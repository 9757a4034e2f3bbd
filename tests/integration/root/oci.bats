#!/usr/bin/env bats
# containerd on the OCI runtime personality, as root: `ctr run
# --runc-binary sandbox-oci` through containerd's runc shim, on a busybox
# image imported offline.  containerd runs with its own root, state and
# socket under /var/tmp, started here and stopped at the end.  (The
# runtime's lifecycle as root is oci.bats, which the driver runs as root
# too.)

load ../helpers
load ../oci_helpers

setup_file() {
	[[ $(id -u) -eq 0 ]] && command -v containerd >/dev/null && command -v ctr >/dev/null &&
		[[ -x $BUSYBOX ]] || return 0
	export CTRD_DIR CTRD_PID CTRD_RUN_NEW=0
	# The runc shim names the runtime's --root under /run/containerd, and
	# containerd its fifos and shim sockets,
	# whatever its own state directory: removed after if they are new.
	[[ -e /run/containerd ]] || CTRD_RUN_NEW=1
	CTRD_DIR=$(mktemp -d /var/tmp/sbx-containerd.XXXXXX)
	cat > "$CTRD_DIR/config.toml" <<-EOS
	version = 2
	root = "$CTRD_DIR/root"
	state = "$CTRD_DIR/state"
	disabled_plugins = ["io.containerd.grpc.v1.cri"]
	[grpc]
	  address = "$CTRD_DIR/sock"
	[ttrpc]
	  address = "$CTRD_DIR/sock.ttrpc"
	EOS
	containerd --config "$CTRD_DIR/config.toml" >"$CTRD_DIR/log" 2>&1 &
	CTRD_PID=$!
	local i
	for i in $(seq 100); do
		[[ -S $CTRD_DIR/sock ]] && break
		sleep 0.1
	done
	oci_rootfs "$CTRD_DIR/rootfs"
	tar -C "$CTRD_DIR/rootfs" -cf "$CTRD_DIR/rootfs.tar" .
	/usr/bin/python3 "$BATS_TEST_DIRNAME/../ociimage.py" "$CTRD_DIR/rootfs.tar" \
		"$CTRD_DIR/image.tar" localhost/sbx-bb:latest
	ctr -a "$CTRD_DIR/sock" images import "$CTRD_DIR/image.tar" >/dev/null
}

teardown_file() {
	[[ -n ${CTRD_PID:-} ]] || return 0
	kill "$CTRD_PID" 2>/dev/null
	wait "$CTRD_PID" 2>/dev/null || true
	rm -rf "$CTRD_DIR"
	if [[ $CTRD_RUN_NEW == 1 ]]; then
		rmdir /run/containerd/runc/default /run/containerd/runc /run/containerd/fifo \
			/run/containerd/s /run/containerd 2>/dev/null || true
	fi
}

setup() {
	[[ $(id -u) -eq 0 ]] || skip "root only: the driver runs this file as root"
	command -v containerd >/dev/null && command -v ctr >/dev/null ||
		skip "no containerd (Debian package containerd)"
	oci_need_static
	oci_need_busybox
	[[ -S $CTRD_DIR/sock ]] || { cat "$CTRD_DIR/log" >&2; false; }
	CTR=(bounded ctr -a "$CTRD_DIR/sock")
}

@test "containerd: ctr run returns the container's exit code and output" {
	run "${CTR[@]}" run --rm --runc-binary "$OCI" localhost/sbx-bb:latest c1 \
		sh -c 'echo pid=$$; id -u; cat /proc/1/cmdline | tr "\0" " "; exit 42'
	assert_status 42
	assert_line "pid=1"
	assert_line "0"
	run "${CTR[@]}" run --rm --runc-binary "$OCI" localhost/sbx-bb:latest c2 true
	assert_success
}

@test "containerd: a detached task is listed, killed (137) and deleted" {
	"${CTR[@]}" run -d --runc-binary "$OCI" localhost/sbx-bb:latest c3 sleep 1000 >/dev/null
	run "${CTR[@]}" task ls
	[[ $output == *"c3"*"RUNNING"* ]] || { show_run; false; }
	run "${CTR[@]}" task exec --exec-id e1 c3 sh -c 'echo from-exec; exit 6'
	assert_status 6
	assert_line "from-exec"
	"${CTR[@]}" task kill -s SIGKILL c3
	local i
	for i in $(seq 50); do
		"${CTR[@]}" task ls | grep -q "c3.*STOPPED" && break
		sleep 0.1
	done
	run "${CTR[@]}" task delete c3
	assert_success
	[[ $output == *"137"* ]] || { show_run; false; }
	"${CTR[@]}" container delete c3
}
