#!/usr/bin/env bats
# Exit status of the launcher, and signals between caller, launcher and
# command.

load helpers

# start_in_background OUTFILE CMD...: starts CMD with default signal
# dispositions and an empty mask (as an interactive shell would), output to
# OUTFILE; the pid is left in BG_PID.
start_in_background() {
	local out=$1
	shift
	"$PROBE" exec-with dfl -- "$@" >"$out" 2>&1 </dev/null 3>&- &
	BG_PID=$!
}

@test "exit 42 in the command gives exit status 42; true gives 0, false 1, exit 255 gives 255" {
	run sbx -- /bin/sh -c 'exit 42'
	assert_status 42
	run sbx -- /bin/true
	assert_status 0
	run sbx -- /bin/false
	assert_status 1
	run sbx -- /bin/sh -c 'exit 255'
	assert_status 255
}

@test "a command killed by SIGKILL (kill -9 \$\$) makes the launcher exit 137" {
	run bounded "$PROBE" run-status -- "${SBX[@]}" -- /bin/sh -c 'kill -9 $$'
	assert_success
	assert_output_equals "exited 137"
}

@test "a command killed by signal N makes the launcher exit with 128+N (TERM, SEGV, USR1, ABRT)" {
	local sig num
	for sig in TERM SEGV USR1 ABRT; do
		num=$(kill -l "$sig")
		run bounded "$PROBE" run-status -- "${SBX[@]}" -- "$PROBE" kill-self "$sig"
		assert_success
		assert_output_equals "exited $((128 + num))"
	done
}

@test "a missing command gives 127 and one message naming it" {
	run -127 --separate-stderr sbx -- /no/such/program
	assert_one_error_line "/no/such/program"
	run -127 --separate-stderr sbx -- no-such-program-in-path
	assert_one_error_line "no-such-program-in-path"
}

@test "a command that exists but is not executable gives 126 and one message naming it" {
	local fix
	fix=$(fixture_dir)
	printf '#!/bin/sh\necho should-not-run\n' >"$fix/not-exec"
	chmod 644 "$fix/not-exec"
	run --separate-stderr sbx --ro-bind "$fix" /f -- /f/not-exec
	assert_status 126
	assert_one_error_line "/f/not-exec"
	run --separate-stderr sbx -- /usr
	assert_status 126
	assert_one_error_line "/usr"
}

@test "a setup error (missing bind source) gives 125, not the command's status" {
	run --separate-stderr sbx --bind /no/such/source /x -- /bin/sh -c 'exit 3'
	assert_setup_error "/no/such/source"
}

@test "SIGTERM sent to the launcher reaches the command: its TERM trap prints and exits 7, the launcher exits 7" {
	local out
	out=$(fixture_dir)/out
	start_in_background "$out" "${SBX[@]}" -- /bin/bash -c '
		trap "echo got-term; exit 7" TERM
		echo ready
		while :; do sleep 0.1; done'
	wait_for_file_line "$out" ready || { kill -KILL "$BG_PID"; false; }
	kill -TERM "$BG_PID"
	wait_bounded "$BG_PID" 20
	[[ $WAIT_STATUS -eq 7 ]] || { echo "launcher exited $WAIT_STATUS" >&2; cat "$out" >&2; false; }
	grep -qx got-term "$out"
}

@test "SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH sent to the launcher reach the command" {
	local out sig dir
	dir=$(fixture_dir)
	for sig in INT HUP QUIT USR1 USR2 WINCH; do
		# A fresh file each time: the background redirection that would
		# truncate a reused one may run after the wait below has begun.
		out=$dir/out-$sig
		start_in_background "$out" "${SBX[@]}" -- "$PROBE" catch
		wait_for_file_line "$out" ready || { kill -KILL "$BG_PID"; false; }
		kill -s "$sig" "$BG_PID"
		wait_bounded "$BG_PID" 20
		if [[ $WAIT_STATUS -ne 0 ]] || ! grep -qx "caught SIG$sig" "$out"; then
			echo "SIG$sig: launcher exited $WAIT_STATUS, command printed:" >&2
			cat "$out" >&2
			return 1
		fi
	done
}

@test "a caller that ignores SIGCHLD still gets the command's exit status" {
	run bounded "$PROBE" exec-with ign=CHLD -- "${SBX[@]}" -- /bin/sh -c 'exit 3'
	assert_status 3
	run bounded "$PROBE" exec-with ign=CHLD -- "${SBX[@]}" -- /bin/sh -c 'kill -9 $$'
	assert_status 137
	run bounded "$PROBE" exec-with ign=CHLD -- "${SBX[@]}" -- /bin/sh -c 'sleep 0.2 & wait; exit 4'
	assert_status 4
}

@test "a caller that ignores SIGCHLD does not pass that on: the command has SIGCHLD at its default" {
	run bounded "$PROBE" exec-with ign=CHLD -- "${SBX[@]}" -- "$PROBE" sigmask
	assert_success
	local ign
	ign=$(status_field SigIgn)
	! sigset_has "$ign" "$(kill -l CHLD)" || { show_run; false; }
}

@test "a caller that blocks SIGTERM, SIGINT and SIGCHLD still gets the command's exit status" {
	run bounded "$PROBE" exec-with block=TERM block=INT block=CHLD -- "${SBX[@]}" -- /bin/sh -c 'exit 5'
	assert_status 5
	run bounded "$PROBE" exec-with block=CHLD -- "${SBX[@]}" -- /bin/sh -c 'kill -9 $$'
	assert_status 137
}

@test "the command starts with an empty signal mask even when the caller blocks signals" {
	run bounded "$PROBE" exec-with block=TERM block=INT block=CHLD block=HUP -- "${SBX[@]}" -- "$PROBE" sigmask
	assert_success
	assert_line "SigBlk:	0000000000000000"
}

@test "an ignored SIGHUP is inherited by the command, so nohup keeps working" {
	run bounded "$PROBE" exec-with ign=HUP -- "${SBX[@]}" -- "$PROBE" sigmask
	assert_success
	sigset_has "$(status_field SigIgn)" "$(kill -l HUP)" || { show_run; false; }
}
