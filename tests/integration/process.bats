#!/usr/bin/env bats
# The process model: die-with-parent, leftovers, sessions, pid 1, and which
# namespaces are private.

load helpers

# wait_for_command MARKER: waits until the sandboxed `probe sleep N MARKER`
# runs (the launcher's own command line also holds MARKER, so the match is
# anchored on the probe's path).
wait_for_command() {
	local i
	for ((i = 0; i < 200; i++)); do
		pgrep -u "$(id -u)" -f -- "^$PROBE sleep [0-9]+ $1\$" >/dev/null && return 0
		sleep 0.05
	done
	echo "the sandboxed command with $1 never started" >&2
	return 1
}

# kill_parent_once MARKER [OPTION...]: a bash parent starts the launcher in
# the background, waits until the sandboxed command runs, and is killed.
kill_parent_once() {
	local marker=$1
	shift
	bash -c '"$@" </dev/null >/dev/null 2>&1 & wait' _ \
		"${SBX[@]}" "$@" -- "$PROBE" sleep 1000 "$marker" 3>&- &
	local parent=$!
	wait_for_command "$marker" || { kill -KILL "$parent"; return 1; }
	kill -KILL "$parent"
	wait "$parent" 2>/dev/null || true
}

# NS_SCRIPT prints "NAME LINK" for each namespace of the shell running it.
NS_SCRIPT='for n in user mnt pid uts ipc net cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'

# ns_compare [OPTION...]: runs the sandbox and sets NS_SHARED to the
# namespaces it shares with the host (space separated, in NS_SCRIPT order).
ns_compare() {
	local n link shared=()
	local -A host_ns
	while read -r n link; do host_ns[$n]=$link; done < <(bash -c "$NS_SCRIPT")
	run sbx "$@" -- /bin/sh -c "$NS_SCRIPT"
	assert_success
	while read -r n link; do
		[[ -n ${host_ns[$n]} && ${host_ns[$n]} == "$link" ]] && shared+=("$n")
	done <<<"$output"
	NS_SHARED="${shared[*]}"
	if [[ $(wc -l <<<"$output") -ne 7 ]]; then
		echo "could not read the namespaces inside" >&2
		show_run
		return 1
	fi
}

# assert_shared_ns EXPECTED: NS_SHARED is EXPECTED.
assert_shared_ns() {
	if [[ $NS_SHARED != "$1" ]]; then
		echo "namespaces shared with the host: '$NS_SHARED', expected '$1'" >&2
		show_run
		return 1
	fi
}

@test "killing the launcher's parent leaves no sandbox process (die-with-parent is the default)" {
	local marker
	marker=$(unique_marker)
	host_snapshot
	kill_parent_once "$marker"
	assert_no_process "$marker" 3
	host_unchanged
}

@test "killing the launcher's parent leaves no sandbox process with an explicit --die-with-parent" {
	local marker
	marker=$(unique_marker)
	kill_parent_once "$marker" --die-with-parent
	assert_no_process "$marker" 3
}

@test "die-with-parent has no window: parent killed 0-15 ms after the launcher starts, 100 times, leaves nothing" {
	local marker i
	marker=$(unique_marker)
	host_snapshot
	for ((i = 0; i < 100; i++)); do
		# The subshell keeps bash's "Killed" report out of the test output.
		(bash -c "$(declare -f launcher_started)"'
			"$@" </dev/null >/dev/null 2>&1 &
			l=$! n=0
			while ! launcher_started "$l" "$SANDBOX_REAL"; do
				n=$((n + 1))
				[ "$n" -lt 20000 ] || break
			done
			sleep "0.$(printf %03d $((RANDOM % 16)))"
			kill -9 $$' _ "${SBX[@]}" --die-with-parent -- "$PROBE" sleep 1000 "$marker-$i" \
			3>&- || true) 2>/dev/null
	done
	assert_no_process "$marker" 5
	host_unchanged
}

@test "a background process left by the command does not outlive it" {
	local marker
	marker=$(unique_marker)
	host_snapshot
	run timeout 20 "${SBX[@]}" -- /bin/sh -c "
		$PROBE sleep 1000 $marker-bg </dev/null >/dev/null 2>&1 &
		setsid $PROBE sleep 1000 $marker-setsid </dev/null >/dev/null 2>&1 &
		sleep 0.2
		echo started"
	assert_success
	assert_output_equals "started"
	assert_no_process "$marker" 2
	host_unchanged
}

@test "with --as-pid-1, processes left by the command die with it too" {
	local marker
	marker=$(unique_marker)
	run timeout 20 "${SBX[@]}" --as-pid-1 -- /bin/sh -c "
		$PROBE sleep 1000 $marker </dev/null >/dev/null 2>&1 &
		sleep 0.2
		echo started"
	assert_success
	assert_output_equals "started"
	assert_no_process "$marker" 2
}

@test "--new-session makes the command a session leader; without it, it is not" {
	run sbx --new-session -- "$PROBE" session
	assert_success
	[[ $output =~ ^pid=([0-9]+)\ sid=([0-9]+) ]] || { show_run; false; }
	[[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]] || { show_run; false; }
	run sbx -- "$PROBE" session
	assert_success
	[[ $output =~ ^pid=([0-9]+)\ sid=([0-9]+) ]] || { show_run; false; }
	[[ ${BASH_REMATCH[1]} != "${BASH_REMATCH[2]}" ]] || { show_run; false; }
}

@test "--new-session with --share-pid: the command's session differs from the launcher's" {
	local my_sid
	my_sid=$(ps -o sid= -p $$ | tr -d ' ')
	run sbx --share-pid --new-session -- "$PROBE" session
	assert_success
	[[ $output =~ ^pid=([0-9]+)\ sid=([0-9]+) ]] || { show_run; false; }
	[[ ${BASH_REMATCH[2]} != "$my_sid" && ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]] || { show_run; false; }
}

@test "--as-pid-1 runs the command as pid 1; by default a reaper is pid 1" {
	run sbx --as-pid-1 -- /bin/sh -c 'echo $$'
	assert_success
	assert_output_equals "1"
	run sbx -- /bin/sh -c 'echo $$; cat /proc/1/comm'
	assert_success
	[[ ${lines[0]} != 1 && ${lines[1]} != sh ]] || { show_run; false; }
}

@test "by default every namespace is private: user, mnt, pid, uts, ipc, net, cgroup" {
	ns_compare
	assert_shared_ns ""
}

@test "--share-net keeps the host network namespace and its interfaces" {
	ns_compare --share-net
	assert_shared_ns net
	local host_ifaces
	host_ifaces=$(interfaces_of </proc/net/dev)
	run sbx --share-net -- /bin/cat /proc/net/dev
	assert_success
	[[ $(interfaces_of <<<"$output") == "$host_ifaces" ]] || { show_run; false; }
	[[ $host_ifaces == lo ]] && skip "the host has only lo, so seeing more than lo cannot be checked"
	[[ $(interfaces_of <<<"$output") != lo ]] || { show_run; false; }
}

@test "--share-pid keeps the host pid namespace" {
	ns_compare --share-pid
	assert_shared_ns pid
	run sbx --share-pid -- /bin/sh -c 'ls /proc | grep -c "^[0-9]"'
	assert_success
	((output > 6)) || { show_run; false; }
}

@test "--share-ipc keeps the host ipc namespace" {
	ns_compare --share-ipc
	assert_shared_ns ipc
}

@test "--share-uts keeps the host uts namespace and hostname" {
	ns_compare --share-uts
	assert_shared_ns uts
	run sbx --share-uts -- /bin/cat /proc/sys/kernel/hostname
	assert_success
	assert_output_equals "$(cat /proc/sys/kernel/hostname)"
}

@test "--share-cgroup keeps the host cgroup namespace" {
	[[ -e /proc/self/ns/cgroup ]] || skip "the kernel has no cgroup namespaces"
	ns_compare --share-cgroup
	assert_shared_ns cgroup
}

# --- --block-fd ------------------------------------------------------------------

# block_fd_signalled LAUNCHER-ARGS...: starts the launcher with --block-fd
# on a pipe that never gets a byte (this shell holds a writer), waits for
# the process that will become the command, sends SIGTERM to the launcher
# and expects the sandbox to end as the command would, by SIGTERM (143),
# without the command having run.
block_fd_signalled() {
	local F pid kids=() i
	F=$(fixture_dir)
	mkfifo "$F/pipe"
	"$@" --block-fd 3 -- "$PROBE" ids 3<>"$F/pipe" >"$F/out" 2>&1 &
	pid=$!
	for ((i = 0; i < 200 && ${#kids[@]} == 0; i++)); do
		sleep 0.05
		mapfile -t kids < <(pgrep -P "$pid")
		# with a reaper, the command is its child
		[[ -z ${REAPER:-} || ${#kids[@]} -eq 0 ]] || mapfile -t kids < <(pgrep -P "${kids[0]}")
	done
	[[ ${#kids[@]} -gt 0 ]] || { echo "no command process appeared" >&2; kill -KILL "$pid"; false; }
	sleep 0.2
	kill -TERM "$pid"
	wait_bounded "$pid" 5
	if [[ $WAIT_STATUS -ne 143 || -s $F/out ]]; then
		echo "expected status 143 and no output, got $WAIT_STATUS:" >&2
		cat "$F/out" >&2
		return 1
	fi
}

# The command waits for the byte after setup, before its exec; a signal to
# the launcher must reach it then too.  With a reaper (PID namespace), pid
# 1 is the one that passes it on, so it must not be suspended meanwhile.
@test "--block-fd: a signal to the launcher while the command waits for the byte ends the sandbox" {
	REAPER=1 block_fd_signalled "${SBX[@]}"
}

@test "--block-fd without a reaper (bwrap, no --unshare-pid): the signal ends the sandbox too" {
	block_fd_signalled "$SANDBOX_BWRAP" --ro-bind / / --die-with-parent
}

# --- before the sandbox exists --------------------------------------------------

# launcher_interrupted ARGS...: the launcher waits on a pipe that never
# ends (this shell holds a writer) while it reads its options; SIGTERM
# ends it at once (143), and nothing was started.
launcher_interrupted() {
	local F pid
	F=$(fixture_dir)
	mkfifo "$F/pipe"
	host_snapshot
	"$SANDBOX" "$@" 3<>"$F/pipe" >"$F/out" 2>&1 &
	pid=$!
	sleep 0.3
	[[ $(awk '{print $3}' "/proc/$pid/stat") == S ]] || { echo "the launcher is not waiting" >&2; false; }
	kill -TERM "$pid"
	wait_bounded "$pid" 5
	[[ $WAIT_STATUS -eq 143 && ! -s $F/out ]] ||
		{ echo "expected status 143 and no output, got $WAIT_STATUS:" >&2; cat "$F/out" >&2; false; }
	host_unchanged
}

@test "a launcher waiting on --args or --seccomp input is ended by SIGTERM" {
	launcher_interrupted --args 3 -- /bin/true
	launcher_interrupted --seccomp-profile none --seccomp 3 --ro-bind /usr /usr -- /bin/true
}

# --- calls a caller's seccomp filter refuses ---------------------------------

# A die-with-parent that cannot be armed is not kept: the sandbox does not
# start rather than outlive its caller.  (prctl option 1 is
# PR_SET_PDEATHSIG.)
@test "die-with-parent that the kernel refuses to arm is a setup error" {
	run_nested 'default allow
prctl: errno EPERM if arg0 == 1' "${SBX[@]}" -- "$PROBE" ids
	assert_setup_error PR_SET_PDEATHSIG
	assert_output_equals ""
}

# The command gets the caller's fd limit back; a limit that cannot be read
# is an error, not a limit of 0.  (prlimit64 with no new limit, on
# RLIMIT_NOFILE, 7, is getrlimit.)
@test "an fd limit that cannot be read is a setup error, not a limit of 0" {
	run_nested 'default allow
prlimit64: errno EPERM if arg1 == 7 and arg2 == 0' "${SBX[@]}" -- "$PROBE" cat /proc/self/limits
	assert_setup_error RLIMIT_NOFILE
	assert_output_equals ""
}
