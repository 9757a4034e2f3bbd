#!/usr/bin/env bats
# The sandbox's own terminal: with a terminal on stdin, the command gets a
# pty of the sandbox's own devpts, and the launcher relays bytes between it
# and the caller's terminal.  Each test plays a scenario of ttydrive.py,
# which gives the launcher a real pty as the caller's terminal, types into
# it, and inspects it from outside (modes, line discipline, locked modes,
# pending input, foreground group).

load helpers

setup() {
	DRIVE=("${PYTHON3:-python3}" "$BATS_TEST_DIRNAME/ttydrive.py")
	host_snapshot
}

teardown() {
	host_unchanged
}

# drive SCENARIO ARGS...: the scenario with the sandbox and ARGS; output is
# the driver's key=value lines.
drive() {
	run bounded "${DRIVE[@]}" "$@"
}

# assert_lines LINE...: each is a line of the output.
assert_lines() {
	local line
	for line; do
		assert_line "$line"
	done
}

# The caller's terminal exactly as it was: modes, line discipline, locked
# modes, nothing pending in its input queue.
assert_terminal_restored() {
	assert_lines same_modes=yes same_ldisc=yes same_locked=yes same_pending=yes
}

@test "terminal: the command's stdin, stdout, stderr and /dev/tty are a pty of the sandbox's own" {
	drive identity "${SBX[@]}" --
	assert_lines status=0 fd0=other fd1=other fd2=other devtty=fd0
	# ... the pty of the sandbox's devpts.
	drive run "${SBX[@]}" -- sh -c 'echo name=$(tty)'
	assert_line inside_name=/dev/pts/0
}

@test "terminal: a redirected stdout or stderr stays as it was" {
	local fix
	fix=$(fixture_dir)
	drive run "${SBX[@]}" --bind "$fix" "$fix" -- sh -c "
		stat -L -c fd0=%t:%T /proc/self/fd/0 >$fix/out
		printf 'a\nb\n' >>$fix/out
		echo where=terminal"
	assert_line status=0
	assert_line inside_where=terminal
	run cat "$fix/out"
	assert_line fd0=88:0
	# Byte for byte: no CR added to the newlines by a terminal's modes.
	[[ $output != *$'\r'* ]] || { echo "CR in redirected output" >&2; false; }
}

@test "terminal: --share-terminal, and the bwrap personality, keep the caller's terminal" {
	drive identity "${SBX[@]}" --share-terminal --
	assert_lines status=0 fd0=caller fd1=caller devtty=fd0
	drive identity "$SANDBOX_BWRAP" --unshare-all --ro-bind / / --proc /proc --dev /dev --
	assert_lines status=0 fd0=caller fd2=caller
}

@test "terminal: started in the background and brought back with fg, the command keeps its own pty" {
	drive background "${SBX[@]}" --
	assert_lines ready=True inside_name=/dev/pts/0 fg=True got=True status=0
}

@test "terminal: without a terminal on stdin, nothing changes" {
	run sbx sh -c 'tty; ls /dev/pts | grep -vc ptmx' </dev/null
	assert_line "not a tty"
	# No pty was made: the devpts holds only its ptmx.
	assert_line 0
}

@test "terminal: every terminal ioctl from inside leaves the caller's terminal as it was" {
	drive attack "${SBX[@]}" --
	assert_line done=True
	assert_line status=0
	assert_terminal_restored
	assert_line same_fg_pgrp=yes
	# Each one acted on the sandbox's pty or was refused: the modes and
	# the foreground group changed inside, and none of it reached the
	# caller's terminal (TIOCSTI would leave input pending there).
	assert_lines inside_fd0:tcsetattr=OK inside_devtty:tcsetpgrp=OK inside_tty=/dev/pts/0
}

# The checks above can fail: with --share-terminal the command's changes
# reach the caller's terminal.
@test "terminal: the restore check notices a changed terminal (--share-terminal)" {
	drive restore-exit "${SBX[@]}" --share-terminal --
	assert_line ready=True
	refute_line same_modes=yes
}

@test "terminal: the caller's modes come back after the command exits" {
	drive restore-exit "${SBX[@]}" --
	assert_line ready=True
	assert_line status=3
	assert_terminal_restored
}

@test "terminal: the caller's modes come back after kill -9 of the command" {
	drive restore-kill9 "${SBX[@]}" --
	assert_lines ready=True found=1 status=137
	assert_terminal_restored
}

@test "terminal: the caller's modes come back after SIGTERM and SIGHUP to the launcher" {
	drive restore-sigterm "${SBX[@]}" --
	assert_line ready=True
	assert_line status=143
	assert_terminal_restored
	drive restore-sighup "${SBX[@]}" --
	assert_line ready=True
	assert_line status=129
	assert_terminal_restored
}

@test "terminal: the caller's modes come back when setup fails after the pty exists" {
	drive restore-setup-error "${SBX[@]}" --userns2 99 --
	assert_line status=125
	assert_terminal_restored
	assert_output_contains "--userns2"
}

@test "terminal: bash -i has job control: background job, ^Z and fg, ^C for the foreground job only" {
	drive job-control "${SBX[@]}" --
	assert_lines prompt=True bg_started=True stopped=True resumed=True interrupted=True bg_survived=True ps_tty=True status=0
}

@test "terminal: a password read from /dev/tty with echo off" {
	drive password "${SBX[@]}" --
	assert_lines asked=True got=True echoed=no status=0
}

@test "terminal: end-of-file (^D) ends cat" {
	drive eof "${SBX[@]}" --
	assert_line echo=True
	assert_line status=0
}

@test "terminal: output written just before the command exits all arrives" {
	drive output-after-exit "${SBX[@]}" --
	assert_line status=7
	assert_line bytes=2000000
}

@test "terminal: the window size at start and its changes reach the command" {
	drive winsize "${SBX[@]}" --
	assert_lines initial=True ready=True changed=True
}
