#!/usr/bin/env bats
# What the command gets: capabilities, no_new_privs, file descriptors, and
# what it can do to the pid-1 reaper.

load helpers

# run_with_fds CMD...: runs CMD with fds 3-9 open (files, a directory, a
# procfs file, a pipe), as a careless caller would.
run_with_fds() {
	run bounded bash -c '
		exec 3</dev/null 4<"$0" 5</proc/self/status 6</ 7>/dev/null 8</usr 9< <(:)
		exec "$@"' "$BATS_TEST_FILENAME" "$@"
}

@test "the command has no capability in any set (inh, prm, eff, bnd, amb) and NoNewPrivs 1" {
	run sbx -- "$PROBE" caps
	assert_success
	assert_no_caps
}

@test "capabilities stay empty after a second exec" {
	run sbx -- "$PROBE" exec-twice
	assert_success
	assert_no_caps
	run sbx -- /bin/sh -c "$PROBE caps"
	assert_success
	assert_no_caps
}

@test "capabilities are empty with --uid, --as-pid-1 and the --share-* options too" {
	run sbx --uid 1000 --gid 1000 -- "$PROBE" caps
	assert_success
	assert_no_caps
	run sbx --as-pid-1 -- "$PROBE" caps
	assert_success
	assert_no_caps
	run sbx --share-net --share-pid --share-ipc --share-uts --share-cgroup -- "$PROBE" caps
	assert_success
	assert_no_caps
}

@test "only fds 0, 1 and 2 reach the command when the caller had fds 3-9 open" {
	run_with_fds "${SBX[@]}" -- "$PROBE" fds
	assert_success
	assert_fds "0 1 2"
}

@test "only fds 0, 1 and 2 reach the command with --as-pid-1 either" {
	run_with_fds "${SBX[@]}" --as-pid-1 -- "$PROBE" fds
	assert_success
	assert_fds "0 1 2"
}

@test "--pass-fd 5 keeps exactly fd 5 besides 0, 1 and 2, and it still works" {
	local fix
	fix=$(fixture_dir)
	echo passed-content >"$fix/f"
	run bounded bash -c '
		exec 3</dev/null 4</dev/null 5<"$0" 6</ 7</dev/null 8</dev/null 9</dev/null
		exec "$@"' "$fix/f" "${SBX[@]}" --pass-fd 5 -- /bin/sh -c "$PROBE fds; /bin/cat <&5"
	assert_success
	assert_fds "0 1 2 5"
	assert_line "passed-content"
}

@test "with the caller's stdin closed, fd 0 in the command is /dev/null, not a directory or procfs fd" {
	run bounded bash -c 'exec 0<&-; exec "$@"' _ "${SBX[@]}" -- "$PROBE" fd-kind 0
	assert_success
	assert_output_equals "devnull"
	run bounded bash -c 'exec 0<&-; exec "$@"' _ "${SBX[@]}" --bind "$TESTROOT" /b --tmpfs /t \
		--dir /d --proc /p -- "$PROBE" fd-kind 0
	assert_success
	assert_output_equals "devnull"
}

@test "with the caller's stdout closed, fd 1 in the command is /dev/null" {
	run bounded bash -c 'exec 1>&-; exec "$@"' _ "${SBX[@]}" -- "$PROBE" fd-kind 1
	assert_success
	assert_output_equals "devnull"
}

@test "the pid-1 reaper cannot be ptraced, nor its /proc/1/mem opened, from the command" {
	run sbx -- "$PROBE" ptrace-pid1
	assert_success
	local key value
	for key in attach seize mem-read mem-write; do
		value=$(printf '%s\n' "$output" | sed -n "s/^$key=//p")
		if [[ -z $value || $value == OK ]]; then
			echo "$key on pid 1: '${value:-no result}'" >&2
			show_run
			return 1
		fi
	done
}

@test "the pid-1 reaper is protected from the very start: 500 launches, no ptrace or /proc/1/mem access" {
	local i out
	for ((i = 1; i <= 500; i++)); do
		out=$(bounded "${SBX[@]}" -- "$PROBE" ptrace-pid1)
		if [[ $out == *=OK* || $out != *attach=* ]]; then
			echo "launch $i of 500: the command got at pid 1:" >&2
			echo "$out" >&2
			return 1
		fi
	done
}

@test "the pid-1 reaper holds no directory fd the command could reach" {
	run sbx -- "$PROBE" pid1-fds
	assert_success
	refute_line "opendir=OK"
	local line
	for line in "${lines[@]}"; do
		[[ $line != *" dir" ]] || { show_run; false; }
	done
}

@test "--uid 4294967296 is refused with 125, not truncated to 0" {
	run --separate-stderr sbx --uid 4294967296 -- /bin/sh -c 'id -u'
	assert_setup_error "--uid"
	[[ $output != 0 ]] || { show_run; false; }
}

@test "--gid 4294967296 is refused with 125, not truncated to 0" {
	run --separate-stderr sbx --gid 4294967296 -- /bin/sh -c 'id -g'
	assert_setup_error "--gid"
	[[ $output != 0 ]] || { show_run; false; }
}
