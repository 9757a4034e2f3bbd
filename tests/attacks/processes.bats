#!/usr/bin/env bats
# Attacks on the process model: signalling host processes, killing the
# reaper, forging the exit status, leaving zombies and daemons behind, and
# outliving a launcher or caller that dies at any moment.
#
# Leftovers are found with `attack subreaper` (see attack_helpers.bash):
# the launcher runs below a child subreaper, so every process that
# outlives its parent comes back to it, however it detached, and nothing
# depends on counting this user's processes (which other test runs change).

load ../integration/helpers
load attack_helpers

setup_file() {
	attack_setup_file
}

setup() {
	attack_setup
	VICTIM=
	FIX=$(fixture_dir)
}

teardown() {
	bg_cleanup
	if [[ -n ${VICTIM:-} ]]; then
		kill -KILL "$VICTIM" 2>/dev/null || true
		wait "$VICTIM" 2>/dev/null || true
	fi
	if [[ -n ${MARK:-} ]]; then
		pkill -KILL -u "$(id -u)" -f -- "$MARK" 2>/dev/null || true
	fi
}

# `kill -9 -1` inside signals every process the command may signal.  With
# a shared pid namespace that is every process of the user on the host; in
# a private one only the sandbox's.  A host process of the same user, the
# launcher and its caller, by pid, must be out of reach too (kill 0 and
# pidfd_open give ESRCH).
@test "pid/kill-host: kill -9 -1 and kill by pid from inside against host processes" {
	MARK=$(unique_marker)
	"$PROBE" sleep 60 "$MARK" 3>&- &
	VICTIM=$!
	run bounded bash -c 'exec "$@" "$$" "$PPID"' _ "${TARGET[@]}" -- /bin/sh -c \
		"$A pid-reach $VICTIM \"\$@\"; $A kill-all 9; echo after" sh
	[[ $output == *kill0-* ]] || { show_run; false; }
	blocked "a host pid reachable" no_match '^(kill0|pidfd)-[0-9]+=OK'
	blocked "the host victim was killed" proc_alive "$VICTIM"
	blocked "the caller was killed" proc_alive "$BASHPID"
}

# The reaper is the sandbox's pid 1: if the command could kill or stop it,
# the kernel would kill the whole sandbox and the launcher would report
# that instead of the command's status.  SIGKILL, SIGSTOP, SIGSEGV and the
# forwarded signals sent to pid 1 from inside must change nothing: the
# command (which ignores the forwarded ones, since a reaper may pass them
# back to it) exits 42, and that is what comes out, with nothing left.
@test "pid/reaper-kill: killing or stopping pid 1 from inside" {
	run reaped_tgt 2 -- /bin/sh -c "trap '' TERM INT HUP QUIT USR1 USR2
		kill -KILL 1; kill -STOP 1; kill -SEGV 1; kill -TERM 1; kill -HUP 1; kill -CONT 1
		sleep 0.3; echo alive; exit 42"
	assert_line alive
	blocked "the launcher reported $(reaped_status) instead of the command's 42" test "$(reaped_status)" = 42
	blocked "processes left" no_leftover
}

# The exit status is the command's, whatever its children do: a command
# killed by SIGSEGV gives 139 even though a grandchild it leaves behind
# exits 7 a moment later, and a command that exits 3 gives 3 even though
# a grandchild keeps running (which must not outlive it).
@test "pid/exit-code: the command's exit status against its leftovers" {
	run reaped_tgt 2 -- /bin/sh -c "(sleep 0.2; exit 7) & kill -SEGV \$\$"
	blocked "exit status $(reaped_status) instead of 139 for SIGSEGV" test "$(reaped_status)" = 139
	run reaped_tgt 2 -- /bin/sh -c "($P sleep 1000 >/dev/null &) ; exit 3"
	blocked "exit status $(reaped_status) instead of 3" test "$(reaped_status)" = 3
	blocked "a grandchild outlived the command" no_leftover
}

# Zombies and orphans: 200 children never reaped and 200 orphans, then the
# command exits 3.  Nothing of the sandbox may outlive its parent, not even
# as a zombie left for the host's init (which, in a container, may never
# reap it).
@test "pid/zombies: 200 unreaped children and 200 orphans left at exit" {
	run reaped_tgt 2 -- "$A" zombies 200
	blocked "exit status $(reaped_status) instead of 3" test "$(reaped_status)" = 3
	blocked "processes left" no_leftover
	blocked "a sandbox process outlived its parent (zombie for init)" no_orphans
}

# A hostile command that tries to outlive the sandbox: a new session, a
# double fork, its parent-death signal cleared, itself a child subreaper,
# every catchable signal ignored.  When the command that started it exits,
# it must go too (bubblewrap #105: leftovers are not killed).
@test "pid/leftover-daemon: a double-forked, signal-ignoring daemon left by the command" {
	run reaped_tgt 3 -- /bin/sh -c "$A survivor $P daemon; sleep 0.3; echo command-done"
	assert_line command-done
	blocked "the daemon outlived the sandbox" no_leftover
}

# SIGKILL to the launcher itself (which cannot clean up after SIGKILL):
# with the hostile daemon running inside, nothing may survive; the same
# with --as-pid-1, where there is no reaper between the launcher and the
# command.
@test "pid/launcher-kill9: kill -9 of the launcher while a daemon runs inside" {
	local opts launcher i out=$FIX/reaped
	for opts in "" "--as-pid-1"; do
		MARK=$(unique_marker)
		# The file exists before the loop below reads it: the background
		# job's own redirection may come later.
		: >"$out"
		# shellcheck disable=SC2086
		reaped 3 "${TARGET[@]}" $opts -- /bin/sh -c "$A survivor $P $MARK; exec $P sleep 1000 $MARK-cmd" \
			</dev/null >>"$out" 2>&1 3>&- &
		BG_PID=$!
		for ((i = 0; i < 200; i++)); do
			launcher=$(sed -n 's/^subreaper-child=//p' "$out")
			[[ -n $launcher ]] && pgrep -u "$(id -u)" -f -- "^$P sleep 1000 $MARK\$" >/dev/null &&
				pgrep -u "$(id -u)" -f -- "$MARK-cmd" >/dev/null && break
			sleep 0.05
		done
		[[ -n $launcher ]] || { cat "$out" >&2; false; }
		kill -KILL "$launcher"
		wait_bounded "$BG_PID" 20
		BG_PID=
		output=$(cat "$out")
		mapfile -t lines <<<"$output"
		blocked "something outlived the killed launcher${opts:+ ($opts)}" no_leftover
	done
}

# Die-with-parent under a race: the launcher's parent is killed at a
# random moment from 0 to 25 ms after the launcher has started (during
# setup, at exec, or with the daemon already detached), 30 times.  Nothing
# may survive any of them.  (A parent that dies before the launcher's
# first own instruction cannot be noticed by anybody: launcher_started
# leaves that out.)  process.bats checks a plain command 100 times; here the command
# fights back.
@test "pid/die-with-parent-race: the caller killed at random moments while a daemon detaches" {
	local i left=0 what="" exe
	exe=$(readlink -f "${TARGET[0]}")
	for ((i = 0; i < 30; i++)); do
		run reaped 3 bash -c "$(declare -f launcher_started)"'
			exe=$1 target=$2
			shift 2
			"$@" </dev/null >/dev/null 2>&1 &
			l=$! n=0
			while ! launcher_started "$l" "$exe" "$target" && [ $n -lt 20000 ]; do n=$((n + 1)); done
			sleep "0.0$(printf %02d $((RANDOM % 26)))"
			kill -9 $$' _ "$exe" "$ATTACK_TARGET" "${TARGET[@]}" -- /bin/sh -c "$A survivor $P race; exec $P sleep 1000 race"
		if ! no_leftover; then
			left=$((left + 1))
			what+=$(printf '%s\n' "${lines[@]}" | grep '^subreaper-left=')$'\n'
		fi
	done
	output="runs with leftovers: $left of 30"$'\n'$what
	blocked "something outlived its killed caller ($left of 30 runs)" test "$left" -eq 0
}
