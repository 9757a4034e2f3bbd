#!/usr/bin/env bats
# Attacks on resources: filling a size-limited tmpfs (and trying to grow
# it), wearing the launcher down with 500 launches to find what each one
# leaves behind, and inheriting the limits that setup raised for itself.

load ../integration/helpers
load attack_helpers

setup_file() {
	attack_setup_file
}

setup() {
	attack_setup
	FIX=$(fixture_dir)
}

# --size caps a tmpfs, which lives in the host's memory: the command
# writes 2 MiB into a 1 MiB tmpfs in one file, then in many small ones,
# and tries to remount it bigger.  Writes must stop with ENOSPC at about
# 1 MiB.  (bwrap_options.bats checks the size= option; this is the fill.)
@test "res/tmpfs-size: filling and growing a --size 1048576 tmpfs" {
	run tgt --size 1048576 --tmpfs /t -- /bin/sh -c "
		$A fill /t/big 2097152
		rm -f /t/big
		i=0
		while [ \$i -lt 400 ] && head -c 8192 /dev/zero >/t/f\$i 2>/dev/null; do i=\$((i + 1)); done
		echo small-files=\$i
		mount -o remount,size=104857600 /t 2>/dev/null && echo remounted
		rm -f /t/f*
		$A fill /t/big 2097152 | sed 's/^/again-/'"
	ran_ok
	blocked "2 MiB written into a 1 MiB tmpfs" test "$(value fill)" = ENOSPC
	blocked "more than 1 MiB stored ($(value written) bytes)" test "$(value written)" -le 1048576
	blocked "more than 1 MiB stored in small files" test "$(value small-files)" -le 128
	blocked "the tmpfs was remounted bigger" no_line remounted
	blocked "more than 1 MiB stored after the remount" test "$(value again-written)" -le 1048576
}

# 500 launches of the kinds a busy caller makes (a plain command, binds
# and a tmpfs, a failing command, a missing command, a setup error,
# --as-pid-1) must leave nothing: no process or zombie (all run below a
# subreaper), no mount in the caller's mount table, no fd in the calling
# shell, nothing in /tmp or /var/tmp.
@test "res/launch-500: what 500 launches leave behind" {
	local fds_before fds_after
	host_snapshot
	fds_before=$(ls /proc/$BASHPID/fd | sort -n | tr '\n' ' ')
	run reaped 2 bash -c '
		fix=$1
		shift
		for i in $(seq 1 500); do
			case $((i % 6)) in
			0) "$@" -- /bin/true ;;
			1) "$@" --bind "$fix" /b --tmpfs /t --dir /d -- /bin/true ;;
			2) "$@" -- /bin/false ;;
			3) "$@" -- /nonexistent/program ;;
			4) "$@" --bind "$fix/missing" /b -- /bin/true ;;
			5) "$@" --as-pid-1 -- /bin/true ;;
			esac </dev/null >/dev/null 2>&1
		done
		echo launched' _ "$FIX" "${TARGET[@]}"
	assert_line launched
	fds_after=$(ls /proc/$BASHPID/fd | sort -n | tr '\n' ' ')
	blocked "processes left" no_leftover
	blocked "sandbox processes outlived their parents (zombies for init)" no_orphans
	blocked "the calling shell's fds changed" test "$fds_after" = "$fds_before"
	blocked "host changed" host_unchanged
}

# Setup may raise RLIMIT_NOFILE to hold a source fd per bind; the command
# must get the caller's limits back, even after 1100 binds, or a program
# that relies on select() limits (or a caller that lowered the limit on
# purpose) is changed behind its back.
@test "res/rlimit-nofile: the command's fd limit after setup raised it" {
	local soft hard args=() i
	soft=$(ulimit -Sn)
	hard=$(ulimit -Hn)
	[[ $soft == unlimited || $hard == unlimited ]] && skip "unlimited fd limit"
	for ((i = 0; i < 1100; i++)); do
		args+=(--ro-bind /usr/share "/b/$i")
	done
	run tgt "${args[@]}" -- "$A" rlimit
	ran_ok
	blocked "fd limit $(value nofile) instead of the caller's $soft $hard" test "$(value nofile)" = "$soft $hard"
	run bounded bash -c 'ulimit -Sn 64; exec "$@"' _ "${TARGET[@]}" "${args[@]:0:200}" -- "$A" rlimit
	ran_ok
	blocked "fd limit $(value nofile) instead of the caller's 64 $hard" test "$(value nofile)" = "64 $hard"
}
