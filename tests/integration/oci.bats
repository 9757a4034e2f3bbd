#!/usr/bin/env bats
# The OCI runtime personality, sandbox-oci (doc/design.md, "OCI runtime"):
# the lifecycle of the runtime spec, and bad bundles, whose errors are one
# line and leave nothing behind.  As the test user here; root/oci.bats
# runs the same lifecycle as root.

load helpers
load oci_helpers

setup() {
	oci_setup
}

# create ID BUNDLE: the container's output goes to $OCI_WORK/ID.out.
create() {
	oci create --bundle "$2" --pid-file "$OCI_WORK/$1.pid" "$1" \
		>"$OCI_WORK/$1.out" 2>"$OCI_WORK/$1.err" </dev/null
}

# wait_status ID STATUS: up to 5 s.
wait_status() {
	local i
	for i in $(seq 50); do
		[[ $(oci_status "$1") == "$2" ]] && return 0
		sleep 0.1
	done
	echo "status of $1: $(oci_status "$1"), expected $2" >&2
	return 1
}

@test "oci: create builds the container and runs nothing until start" {
	local out=$OCI_WORK/shared
	mkdir "$out"
	OCI_ROOTFS=$(fixture_dir)/rootfs
	oci_rootfs "$OCI_ROOTFS"
	oci_bundle "$OCI_WORK/b" '["sh", "-c", "echo started > /out/mark; id -u; hostname; /noexec/true || echo noexec; exit 3"]' \
		"{\"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},
		 {\"destination\": \"/out\", \"type\": \"bind\", \"source\": \"$out\", \"options\": [\"rbind\"]},
		 {\"destination\": \"/noexec\", \"type\": \"bind\", \"source\": \"$OCI_ROOTFS/bin\", \"options\": [\"rbind\", \"noexec\", \"ro\"]}]}"
	create c1 "$OCI_WORK/b" || { cat "$OCI_WORK/c1.err" >&2; false; }
	local pid
	pid=$(cat "$OCI_WORK/c1.pid")
	[[ $pid -gt 1 ]]
	kill -0 "$pid"
	[[ $(oci_status c1) == created ]]
	sleep 0.2
	[[ ! -e $out/mark ]]
	run oci state c1
	assert_success
	[[ $output == *"\"pid\":$pid"* && $output == *"\"bundle\":\"$OCI_WORK/b\""* ]]
	oci start c1
	wait_status c1 stopped
	[[ $(cat "$out/mark") == started ]]
	[[ $(cat "$OCI_WORK/c1.out") == $'0\nocitest\nnoexec' ]] || { cat "$OCI_WORK/c1.out" "$OCI_WORK/c1.err" >&2; false; }
	oci delete c1
	assert_nothing_left c1
}

@test "oci: start twice fails; kill and delete end a running container" {
	oci_bundle "$OCI_WORK/b" '["sleep", "1000"]'
	create c2 "$OCI_WORK/b"
	oci start c2
	[[ $(oci_status c2) == running ]]
	run --separate-stderr oci start c2
	assert_status 1
	assert_one_error "start: container c2: is running, not created"
	run --separate-stderr oci delete c2
	assert_status 1
	assert_one_error "delete: container c2: is running"
	[[ $(oci_status c2) == running ]]
	oci kill c2 KILL
	wait_status c2 stopped
	run --separate-stderr oci kill c2 TERM
	assert_status 1
	assert_one_error "kill: container c2: is not running"
	oci delete c2
	assert_nothing_left c2
}

@test "oci: the container's process and exec'd ones start with no signal blocked; kill's TERM ends it" {
	oci_bundle "$OCI_WORK/b" '["sh", "-c", "trap \"exit 3\" TERM; grep SigBlk /proc/self/status; while :; do sleep 0.1; done"]'
	create c12 "$OCI_WORK/b"
	oci start c12
	[[ $(oci_status c12) == running ]]
	printf '%s\n' '{"args": ["grep", "SigBlk", "/proc/self/status"], "env": ["PATH=/bin"], "cwd": "/"}' \
		>"$OCI_WORK/p.json"
	run oci exec --process "$OCI_WORK/p.json" c12
	assert_success
	assert_output_equals $'SigBlk:\t0000000000000000'
	oci kill c12
	wait_status c12 stopped
	[[ $(cat "$OCI_WORK/c12.out") == $'SigBlk:\t0000000000000000' ]] || { cat "$OCI_WORK/c12.out" >&2; false; }
	oci delete c12
	assert_nothing_left c12
}

@test "oci: delete --force ends a running container; a created one is deleted as it is" {
	oci_bundle "$OCI_WORK/b" '["sleep", "1000"]'
	create c3 "$OCI_WORK/b"
	create c4 "$OCI_WORK/b"
	oci start c3
	local pid3 pid4
	pid3=$(cat "$OCI_WORK/c3.pid") pid4=$(cat "$OCI_WORK/c4.pid")
	oci delete --force c3
	oci delete c4
	! kill -0 "$pid3" 2>/dev/null || [[ $(awk '{print $3}' "/proc/$pid3/stat") == Z ]]
	! kill -0 "$pid4" 2>/dev/null || [[ $(awk '{print $3}' "/proc/$pid4/stat") == Z ]]
	assert_nothing_left c3
	assert_nothing_left c4
}

@test "oci: delete --force removes what a create killed half-way left, and the id is free again" {
	mkdir -p "$OCI_STATE/k1"
	mkfifo "$OCI_STATE/k1/exec.fifo"
	run --separate-stderr oci delete k1
	assert_status 1
	oci delete --force k1
	assert_nothing_left k1
	oci_bundle "$OCI_WORK/b" '["true"]'
	create k1 "$OCI_WORK/b"
	oci delete k1
	assert_nothing_left k1
}

@test "oci: exec runs a process in a running container; list and ps see it" {
	oci_bundle "$OCI_WORK/b" '["sleep", "1000"]'
	create c5 "$OCI_WORK/b"
	oci start c5
	cat > "$OCI_WORK/p.json" <<-'JSON'
	{"args": ["sh", "-c", "hostname; cat /proc/1/cmdline | tr '\\0' ' '; echo; pwd; ulimit -n; exit 5"],
	 "env": ["PATH=/bin"], "cwd": "/tmp", "user": {"uid": 0, "gid": 0},
	 "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 256, "hard": 512}]}
	JSON
	run oci exec --process "$OCI_WORK/p.json" c5
	assert_status 5
	[[ ${lines[0]} == ocitest && ${lines[1]} == "sleep 1000 " && ${lines[2]} == /tmp && ${lines[3]} == 256 ]] ||
		{ show_run; false; }
	run oci list --format json
	[[ $output == *'"id":"c5"'*'"status":"running"'* ]] || { show_run; false; }
	run oci ps --format json c5
	[[ $output == "[$(cat "$OCI_WORK/c5.pid")]" ]] || { show_run; false; }
	# A terminal needs the engine's console socket, and one that answers.
	run --separate-stderr oci exec --tty --process "$OCI_WORK/p.json" c5
	assert_status 1
	assert_one_error "exec: a terminal needs --console-socket"
	run --separate-stderr oci exec --tty --console-socket "$OCI_WORK/no.sock" --process "$OCI_WORK/p.json" c5
	assert_status 1
	assert_one_error "exec: --console-socket $OCI_WORK/no.sock: No such file or directory"
	# A process that does not start leaves no pid file.
	printf '%s\n' '{"args": ["no-such-program"], "env": ["PATH=/bin"], "cwd": "/"}' >"$OCI_WORK/bad.json"
	run --separate-stderr oci exec --pid-file "$OCI_WORK/x.pid" --process "$OCI_WORK/bad.json" c5
	assert_status 1
	assert_one_error "exec no-such-program: not found in"
	[[ ! -e $OCI_WORK/x.pid ]] || { echo "pid file left behind" >&2; false; }
	oci delete --force c5
	assert_nothing_left c5
}

@test "oci: the config's seccomp profile, read-only root, masked paths and limits hold inside" {
	oci_bundle "$OCI_WORK/b" '["sh", "-c", "mkdir /tmp/x; echo mkdir=$?; touch /y; echo touch=$?; cat /proc/kcore | wc -c; ulimit -n; grep -c . /proc/self/status >/dev/null && echo ok"]' \
		'{"root": {"path": "rootfs", "readonly": true},
		  "linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64"],
		   "syscalls": [{"names": ["mkdir", "mkdirat", "no_such_call"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]},
		   "namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"}],
		   "maskedPaths": ["/proc/kcore"]}}'
	if [[ $(id -u) != 0 ]]; then
		/usr/bin/python3 - "$OCI_WORK/b/config.json" "$(id -u)" "$(id -g)" <<-'PY'
		import json, sys
		c = json.load(open(sys.argv[1]))
		c["linux"]["namespaces"].append({"type": "user"})
		c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": int(sys.argv[2]), "size": 1}]
		c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": int(sys.argv[3]), "size": 1}]
		json.dump(c, open(sys.argv[1], "w"))
		PY
	fi
	create c6 "$OCI_WORK/b" || { cat "$OCI_WORK/c6.err" >&2; false; }
	oci start c6
	wait_status c6 stopped
	run cat "$OCI_WORK/c6.out"
	[[ ${lines[0]} == mkdir=1 && ${lines[1]} == touch=1 && ${lines[2]} == 0 && ${lines[3]} == 1024 && ${lines[4]} == ok ]] ||
		{ show_run; cat "$OCI_WORK/c6.err" >&2; false; }
	grep -q "Permission denied" "$OCI_WORK/c6.err"
	grep -q "Read-only file system" "$OCI_WORK/c6.err"
	oci delete c6
}

@test "oci: linux.sysctl is set in the container's namespaces, not the host's" {
	local before
	before=$(cat /proc/sys/kernel/shmmax)
	oci_bundle "$OCI_WORK/b" '["cat", "/proc/sys/net/ipv4/ip_forward", "/proc/sys/kernel/shmmax"]' \
		'{"linux": {"sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "12345678"}}}'
	/usr/bin/python3 - "$OCI_WORK/b/config.json" <<-'PY'
	import json, sys
	c = json.load(open(sys.argv[1]))
	c["linux"]["namespaces"] = [{"type": t} for t in ("pid", "ipc", "uts", "mount", "network", "user")]
	if "uidMappings" not in c["linux"]:
	    c["linux"]["namespaces"].pop()
	json.dump(c, open(sys.argv[1], "w"))
	PY
	create s1 "$OCI_WORK/b" || { cat "$OCI_WORK/s1.err" >&2; false; }
	oci start s1
	wait_status s1 stopped
	[[ $(cat "$OCI_WORK/s1.out") == $'1\n12345678' ]] || { cat "$OCI_WORK/s1.out" "$OCI_WORK/s1.err" >&2; false; }
	[[ $(cat /proc/sys/kernel/shmmax) == "$before" ]]
	oci delete s1
	# Not without a namespace of the container's own, nor one of the
	# whole machine: either would be set outside the container.
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' '{"linux": {"sysctl": {"net.ipv4.ip_forward": "1"}}}'
	/usr/bin/python3 -c 'import json, sys; c = json.load(open(sys.argv[1]))
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
json.dump(c, open(sys.argv[1], "w"))' "$OCI_WORK/b/config.json"
	run --separate-stderr oci create --bundle "$OCI_WORK/b" s2
	assert_status 1
	assert_one_error "config: linux.sysctl.net.ipv4.ip_forward: the container has no namespace of its own for it"
	assert_nothing_left s2
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' '{"linux": {"sysctl": {"vm.swappiness": "10"}}}'
	run --separate-stderr oci create --bundle "$OCI_WORK/b" s3
	assert_status 1
	assert_one_error "config: linux.sysctl.vm.swappiness: not the sysctl of a namespace"
	assert_nothing_left s3
}

@test "oci: hooks run with the state on stdin; a failing prestart hook fails create" {
	local log=$OCI_WORK/hooks.log
	cat > "$OCI_WORK/hook" <<-'SH'
	#!/bin/sh
	state=$(cat)
	status=${state#*\"status\":\"}
	echo "$1 ${status%%\"*}" >> "$2"
	SH
	chmod 755 "$OCI_WORK/hook"
	local h="{\"path\": \"$OCI_WORK/hook\", \"args\": [\"hook\", \"KIND\", \"$log\"]}"
	oci_bundle "$OCI_WORK/b" '["sleep", "1000"]' "{\"hooks\": {
		\"prestart\": [${h/KIND/prestart}], \"createRuntime\": [${h/KIND/createRuntime}],
		\"poststart\": [${h/KIND/poststart}], \"poststop\": [${h/KIND/poststop}]}}"
	create h1 "$OCI_WORK/b" || { cat "$OCI_WORK/h1.err" >&2; false; }
	oci start h1
	oci delete --force h1
	[[ $(cat "$log") == $'prestart created\ncreateRuntime created\npoststart running\npoststop stopped' ]] ||
		{ cat "$log" >&2; false; }
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' "{\"hooks\": {\"prestart\": [{\"path\": \"/bin/false\"}]}}"
	run --separate-stderr oci create --bundle "$OCI_WORK/b" --pid-file "$OCI_WORK/h2.pid" h2
	assert_status 1
	assert_one_error "hook /bin/false: failed with status 1"
	assert_nothing_left h2
	[[ ! -e $OCI_WORK/h2.pid ]] || { echo "pid file left behind" >&2; false; }
	# The timeout holds while the state is written to a hook that does not
	# read it, however large the state (an annotation of 100 KiB here, past the pipe's 64 KiB).
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' "{\"annotations\": {\"big\": \"$(head -c 102400 /dev/zero | tr '\0' x)\"},
		\"hooks\": {\"prestart\": [{\"path\": \"/bin/sleep\", \"args\": [\"sleep\", \"30\"], \"timeout\": 1}]}}"
	SECONDS=0
	run --separate-stderr oci create --bundle "$OCI_WORK/b" h3
	assert_status 1
	assert_one_error "hook /bin/sleep: still running after 1 s"
	((SECONDS < 10)) || { echo "create took $SECONDS s" >&2; false; }
	assert_nothing_left h3
	# A hook starts with no signal blocked, as the container's process does
	# (grep itself, not a shell, which may clear its mask).
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' '{"hooks": {"prestart": [{"path": "/bin/grep",
		"args": ["grep", "SigBlk", "/proc/self/status"]}]}}'
	create h4 "$OCI_WORK/b" || { cat "$OCI_WORK/h4.err" >&2; false; }
	[[ $(cat "$OCI_WORK/h4.out") == $'SigBlk:\t0000000000000000' ]] || { cat "$OCI_WORK/h4.out" >&2; false; }
	oci delete --force h4
	assert_nothing_left h4
}

@test "oci: state, start, kill and delete of an unknown id fail with one line" {
	local cmd
	for cmd in state start kill delete; do
		run --separate-stderr oci "$cmd" nosuch
		assert_status 1
		assert_one_error "container nosuch: does not exist"
	done
	run --separate-stderr oci state ../x
	assert_status 1
	assert_one_error "container id '../x': not a valid name"
}

# bad_bundle ID PATTERN: create fails with one line matching PATTERN and
# leaves nothing behind.
bad_bundle() {
	run --separate-stderr oci create --bundle "$OCI_WORK/b" "$1"
	assert_status 1
	assert_one_error "$2"
	assert_nothing_left "$1"
}

@test "oci: bad bundles: missing config, invalid JSON, unknown or repeated namespace type, bad root path, no console, bad numbers, a FIFO, empty --root" {
	mkdir -p "$OCI_WORK/b"
	bad_bundle m1 "read $OCI_WORK/b/config.json: No such file or directory"
	printf '{\n  "ociVersion": "1.0.2",\n  "process": {,}\n}\n' > "$OCI_WORK/b/config.json"
	bad_bundle m2 "parse $OCI_WORK/b/config.json: line 3, column 15: "
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' '{"linux": {"namespaces": [{"type": "mount"}, {"type": "time2"}]}}'
	bad_bundle m3 "config: linux.namespaces\[1\].type: unknown namespace type 'time2'"
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' '{"root": {"path": "../no-such-rootfs"}}'
	bad_bundle m4 "config: root.path: $OCI_WORK/b/../no-such-rootfs: No such file or directory"
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["no-such-program"]'
	bad_bundle m5 "exec no-such-program: not found in \\\$PATH"
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' '{"mounts": [{"destination": "/x", "type": "nfs", "source": "h:/x"}]}'
	bad_bundle m6 "config: mounts\[0\]: mount type 'nfs' is not supported"
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' '{"mounts": [{"destination": "/x", "type": "bind", "source": "/no/such/dir"}]}'
	bad_bundle m7 "/no/such/dir"
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]'
	/usr/bin/python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); c["process"]["terminal"] = True
json.dump(c, open(sys.argv[1], "w"))' "$OCI_WORK/b/config.json"
	bad_bundle m8 "create: process.terminal is true: --console-socket is needed"
	run --separate-stderr oci create --bundle "$OCI_WORK/b" --console-socket "$OCI_WORK/no.sock" m9
	assert_status 1
	assert_one_error "create: --console-socket $OCI_WORK/no.sock: No such file or directory"
	assert_nothing_left m9
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]'
	/usr/bin/python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); l = c["linux"]
if {"type": "user"} not in l["namespaces"]: l["namespaces"].append({"type": "user"})
l["uidMappings"] = [{"containerID": i, "hostID": 100000 + i, "size": 1} for i in range(400)]
l["gidMappings"] = l["uidMappings"]
json.dump(c, open(sys.argv[1], "w"))' "$OCI_WORK/b/config.json"
	bad_bundle m10 "config: linux.uidMappings: more than a page of mappings: Argument list too long"
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' '{"linux": {"namespaces": [{"type": "mount"},
		{"type": "ipc", "path": "/proc/self/ns/ipc"}, {"type": "uts", "path": "/proc/self/ns/uts"},
		{"type": "ipc", "path": "/proc/self/ns/ipc"}, {"type": "uts", "path": "/proc/self/ns/uts"},
		{"type": "cgroup", "path": "/proc/self/ns/cgroup"}]}}'
	bad_bundle m11 "config: linux.namespaces\[3\].type: namespace type 'ipc' given twice"
	rm -rf "$OCI_WORK/b"
	oci_bundle "$OCI_WORK/b" '["true"]' '{"process": {"user": {"uid": -1, "gid": 0}}}'
	bad_bundle m12 "config: process.user.uid: -1 is out of range"
	rm "$OCI_WORK/b/config.json"
	mkfifo "$OCI_WORK/b/config.json"
	bad_bundle m13 "read $OCI_WORK/b/config.json: not a regular file"
	run --separate-stderr "$OCI" --root "" state m11
	assert_status 1
	assert_one_error "--root: empty path"
	[[ -z $(ls "$OCI_STATE") ]]
}

@test "oci: a duplicate id fails and leaves the first container alone" {
	oci_bundle "$OCI_WORK/b" '["sleep", "1000"]'
	create d1 "$OCI_WORK/b"
	run --separate-stderr oci create --bundle "$OCI_WORK/b" d1
	assert_status 1
	assert_one_error "create: container d1: already exists"
	[[ $(oci_status d1) == created ]]
	oci delete d1
	assert_nothing_left d1
}

@test "oci: the name survives /proc/self/exe, and features is JSON" {
	run --separate-stderr "$OCI" features
	assert_success
	/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert "pid" in d["linux"]["namespaces"]' "$output"
	# Through /proc/self/exe, as a re-exec would reach it: still sandbox-oci.
	run --separate-stderr bounded sh -c 'exec "$1" state nosuch' sh "/proc/$$/fd/9" 9<"$OCI"
	[[ $stderr == "sandbox-oci: container nosuch: does not exist" ]] || { show_run; false; }
}
