#!/usr/bin/env bats
# Attacks through file descriptors: what the caller had open, closed
# stdio that the launcher's own fds could land on, the fds the options
# themselves consume (status, args, data, sync), and asking the launcher
# to pass on an fd it opened itself.

load ../integration/helpers
load attack_helpers

setup_file() {
	attack_setup_file
}

setup() {
	attack_setup
	FIX=$(fixture_dir)
}

# The start of a `bash -c` script that closes every fd above 2 it
# inherited (bats' own among them), so that only the test's fds are open.
CLOSE_FDS='for fd in /proc/$$/fd/*; do fd=${fd##*/}; [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done; '

# only_stdio: the fd report in $output ("fd N KIND" lines) lists no fd
# but 0, 1 and 2.
only_stdio() {
	! printf '%s\n' "${lines[@]}" | grep -Eq '^fd ([3-9]|[1-9][0-9]+) '
}

# A careless caller (a desktop session, an IDE, a CI agent) holds many fds
# open without close-on-exec: a directory fd on the host root, an O_PATH
# fd, a socket, a memfd, a pipe, at high numbers, and 3-9.  Any of them in
# the command is a way out (a directory fd is a host root, CVE-2024-21626;
# a socket may be a session bus).  Only 0, 1 and 2 may arrive, with or
# without a reaper.  (security.bats checks fds 3-9 with the probe.)
@test "fd/caller-fds: directory, O_PATH, socket, memfd and pipe fds of the caller, low and high" {
	secret_dir
	local opts
	for opts in "" "--as-pid-1"; do
		# shellcheck disable=SC2086
		run bounded bash -c "$CLOSE_FDS"'exec 3</ 4<"$1" 5</dev/null 6</proc/self/status 7>/dev/null 8</usr 9< <(:); shift; exec "$@"' _ \
			"$SECRET" "$ATTACK" open-fds -- "${TARGET[@]}" $opts -- "$A" fd-scan "$MARKER"
		ran_ok
		blocked "a caller's fd reached the command${opts:+ ($opts)}" only_stdio
		blocked "the host file reached through an fd${opts:+ ($opts)}" test "$(value marker)" = unreachable
	done
}

# With stdin, stdout and stderr all closed, the first fds the launcher
# opens (a directory of the new root, a procfs fd, its socket or pipe)
# would land on 0-2 and be inherited as the command's stdio.  They must be
# /dev/null instead, with many ops that open things during setup.
@test "fd/closed-stdio: stdin, stdout and stderr all closed when the launcher starts" {
	mkdir "$FIX/out"
	run bounded bash -c "$CLOSE_FDS"'exec 0<&- 1>&- 2>&-; exec "$@"' _ "${TARGET[@]}" \
		--bind "$FIX/out" /out --tmpfs /t --dir /d --ro-bind /usr /u2 --symlink /t /l \
		-- "$A" fd-report-to /out/report
	output=$(cat "$FIX/out/report" 2>&1)
	mapfile -t lines <<<"$output"
	[[ -f $FIX/out/report ]] || { show_run; false; }
	blocked "fd 0 is not /dev/null" assert_line_quiet "fd 0 devnull"
	blocked "fd 1 is not /dev/null" assert_line_quiet "fd 1 devnull"
	blocked "fd 2 is not /dev/null" assert_line_quiet "fd 2 devnull"
	blocked "an fd of the launcher reached the command" only_stdio
}

assert_line_quiet() {
	local line
	for line in "${lines[@]}"; do
		[[ $line == "$1" ]] && return 0
	done
	return 1
}

# Every option that takes an fd: --info-fd and --json-status-fd (where the
# launcher writes), --args (read for more options), --block-fd, --sync-fd,
# --file, --bind-data, --ro-bind-data and --add-seccomp-fd (read during
# setup).  None of them may still be open in the command: the status fds
# would let it forge what the caller reads, the sync fd would let it keep
# the caller waiting.
@test "fd/option-fds: --info-fd, --json-status-fd, --args, --block-fd, --sync-fd and data fds" {
	local bpf=$FIX/filter.bpf
	"$SANDBOX" --seccomp-export default >"$bpf"
	printf -- '--dir\0/from-args\0' >"$FIX/args"
	echo file >"$FIX/file"
	echo go >"$FIX/go"
	run bounded bash -c "$CLOSE_FDS"'
		f=$1
		shift
		exec 3>"$f/info" 4>"$f/status" 5<"$f/args" 6<"$f/go" 7<"$f/file" 8<"$f/file" \
			9<"$f/file" 20<"$f/filter.bpf" 21>"$f/sync"
		exec "$@"' _ "$FIX" "${TARGET[@]}" --info-fd 3 --json-status-fd 4 --args 5 --block-fd 6 \
		--file 7 /f --bind-data 8 /bd --ro-bind-data 9 /rbd --add-seccomp-fd 20 --sync-fd 21 \
		-- "$A" fd-report
	ran_ok
	blocked "an option's fd reached the command" only_stdio
}

# The launcher opens fds of its own (socket, exec pipe, signalfd, source
# and proc fds).  A caller that has none open at 3-20 asks for each of
# those numbers with --pass-fd: each must be refused before anything
# starts, since the number names nothing of the caller's.
@test "fd/pass-fd-steal: --pass-fd of numbers only the launcher has open" {
	sandbox_only "--pass-fd"
	local n bad=()
	host_snapshot
	for ((n = 3; n <= 20; n++)); do
		run bounded bash -c "$CLOSE_FDS"'exec "$@"' _ \
			"${TARGET[@]}" --pass-fd "$n" -- "$A" fd-report
		if [[ $status -ne 125 ]]; then
			bad+=("$n: $(printf '%s ' "${lines[@]}")")
		fi
	done
	output=$(printf '%s\n' "${bad[@]}")
	blocked "--pass-fd of a launcher fd accepted" test ${#bad[@]} -eq 0
	blocked "host changed" host_unchanged
}
