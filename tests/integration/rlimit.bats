#!/usr/bin/env bats
# --rlimit NAME=SOFT[:HARD]: the command gets exactly the limits asked for,
# pid 1 and the launcher keep the caller's, each limit really bites, and
# every bad value is refused before anything runs.

load helpers

# limits_line TEXT NAME: the "SOFT HARD" of the /proc/PID/limits row whose
# name is NAME ("Max open files"), from the limits text in TEXT.
limits_line() {
	printf '%s\n' "$1" | awk -v name="$2" '
		index($0, name) == 1 {
			rest = substr($0, length(name) + 1)
			split(rest, f, " +")
			n = (f[1] == "") ? 2 : 1
			print f[n], f[n + 1]
		}'
}

# assert_limit NAME "SOFT HARD": the limits text in $output has that row.
assert_limit() {
	local got
	got=$(limits_line "$output" "$1")
	if [[ $got != "$2" ]]; then
		echo "$1: expected '$2', got '$got'" >&2
		show_run
		return 1
	fi
}

# The caller's own limits, as this shell has them.
caller_limit() {
	limits_line "$(cat /proc/self/limits)" "$1"
}

@test "--rlimit: the command gets exactly each soft and hard limit (/proc/self/limits, ulimit)" {
	run sbx --rlimit nofile=100:200 --rlimit core=1000 --rlimit stack=4194304:8388608 \
		--rlimit cpu=100:unlimited --rlimit fsize=1000000 --rlimit msgqueue=0 \
		--rlimit nproc=500:600 -- /bin/sh -c 'cat /proc/self/limits; ulimit -Sn; ulimit -Hn'
	assert_success
	assert_limit "Max open files" "100 200"
	assert_limit "Max core file size" "1000 1000"
	assert_limit "Max stack size" "4194304 8388608"
	assert_limit "Max cpu time" "100 unlimited"
	assert_limit "Max file size" "1000000 1000000"
	assert_limit "Max msgqueue size" "0 0"
	assert_limit "Max processes" "500 600"
	# What is not named stays the caller's.
	assert_limit "Max locked memory" "$(caller_limit "Max locked memory")"
	assert_limit "Max pending signals" "$(caller_limit "Max pending signals")"
	[[ ${lines[-2]} == 100 && ${lines[-1]} == 200 ]] || {
		echo "ulimit -Sn / -Hn inside: ${lines[-2]} / ${lines[-1]}" >&2
		return 1
	}
}

@test "--rlimit: the same limits with --as-pid-1 and without a PID namespace" {
	local mode
	for mode in --as-pid-1 --share-pid; do
		run sbx "$mode" --rlimit nofile=30:40 --rlimit as=1073741824: \
			-- "$PROBE" cat /proc/self/limits
		assert_success
		assert_limit "Max open files" "30 40"
		assert_limit "Max address space" "1073741824 $(caller_limit "Max address space" | cut -d' ' -f2)"
	done
}

@test "--rlimit: SOFT: keeps the caller's hard limit, :HARD the caller's soft one, the last one wins" {
	local hard
	hard=$(caller_limit "Max open files" | cut -d' ' -f2)
	run sbx --rlimit nofile=50: -- "$PROBE" cat /proc/self/limits
	assert_success
	assert_limit "Max open files" "50 $hard"

	# The caller's soft limit set low on purpose, so that :HARD is below
	# the caller's hard limit and above its soft one.
	run bounded bash -c 'ulimit -Sn 64 && exec "$@"' _ "${SBX[@]}" --rlimit nofile=:100 \
		-- "$PROBE" cat /proc/self/limits
	assert_success
	assert_limit "Max open files" "64 100"

	run sbx --rlimit nofile=10:20 --rlimit nofile=30: -- "$PROBE" cat /proc/self/limits
	assert_success
	assert_limit "Max open files" "30 $hard"
}

@test "--rlimit: pid 1 and the launcher keep the caller's limits" {
	local dir launcher
	dir=$(fixture_dir)
	mkfifo "$dir/hold"
	"$SANDBOX" --ro-bind /usr /usr --ro-bind "$TESTROOT" "$TESTROOT" \
		--rlimit nproc=77 --rlimit as=1073741824 --rlimit core=0:0 -- \
		/bin/sh -c 'echo ready; cat /proc/1/limits; echo ===; cat /proc/self/limits; cat >/dev/null' \
		<"$dir/hold" >"$dir/out" 2>&1 &
	launcher=$!
	exec 8>"$dir/hold"
	wait_for_file_line "$dir/out" ready || { exec 8>&-; return 1; }
	run cat "/proc/$launcher/limits"
	exec 8>&-
	wait_bounded "$launcher" 20
	((WAIT_STATUS == 0)) || { cat "$dir/out" >&2; return 1; }
	local mine
	for mine in "Max processes" "Max address space" "Max core file size"; do
		assert_limit "$mine" "$(caller_limit "$mine")"
	done
	output=$(sed -n '/^ready$/,/^===$/p' "$dir/out")
	for mine in "Max processes" "Max address space" "Max core file size"; do
		assert_limit "$mine" "$(caller_limit "$mine")"
	done
	output=$(sed -n '/^===$/,$p' "$dir/out")
	assert_limit "Max processes" "77 77"
	assert_limit "Max address space" "1073741824 1073741824"
	assert_limit "Max core file size" "0 0"
}

@test "--rlimit nofile: the command reaches EMFILE at the limit" {
	run sbx --rlimit nofile=20 -- "$PROBE" open-max
	assert_success
	# 0, 1 and 2 are open: 17 more, the last one fd 19.
	assert_line "opened 17"
	assert_line "last fd 19"
	assert_line "open EMFILE"
	run sbx -- "$PROBE" open-max
	assert_success
	refute_line "opened 17"
	assert_line "open EMFILE"
}

@test "--rlimit nofile: wins over the fd limit the setup raises for itself and gives back" {
	local hard binds=() i
	hard=$(caller_limit "Max open files" | cut -d' ' -f2)
	# A soft limit of 64 makes the setup lift its own to the hard one for
	# the binds (see src/mount_tree.c); the command must not see that.
	for ((i = 0; i < 70; i++)); do
		binds+=(--ro-bind /usr "/u$i")
	done
	run bounded bash -c 'ulimit -Sn 64 && exec "$@"' _ "${SBX[@]}" "${binds[@]}" \
		-- /bin/sh -c 'cat /proc/1/limits; echo ===; cat /proc/self/limits'
	assert_success
	local pid1 cmd
	pid1=$(sed '/^===$/,$d' <<<"$output")
	cmd=$(sed '1,/^===$/d' <<<"$output")
	[[ $(limits_line "$pid1" "Max open files") == "$hard $hard" ]] || {
		echo "precondition: pid 1 did not raise its fd limit" >&2
		show_run
		return 1
	}
	output=$cmd assert_limit "Max open files" "64 $hard"

	run bounded bash -c 'ulimit -Sn 64 && exec "$@"' _ "${SBX[@]}" "${binds[@]}" \
		--rlimit nofile=50: -- "$PROBE" cat /proc/self/limits
	assert_success
	assert_limit "Max open files" "50 $hard"
	run bounded bash -c 'ulimit -Sn 64 && exec "$@"' _ "${SBX[@]}" "${binds[@]}" \
		--rlimit nofile=:100 -- "$PROBE" cat /proc/self/limits
	assert_success
	assert_limit "Max open files" "64 100"
}

@test "--rlimit as: a 1 GiB allocation fails under as=256M and works without" {
	run sbx --rlimit as=268435456 -- "$PROBE" malloc 1073741824
	assert_success
	assert_output_equals "malloc ENOMEM"
	run sbx -- "$PROBE" malloc 1073741824
	assert_success
	assert_output_equals "malloc ok"
}

@test "--rlimit fsize: writing past the limit gets SIGXFSZ, or EFBIG when it is ignored" {
	local xfsz
	xfsz=$(kill -l XFSZ)
	run sbx --rlimit fsize=1000 -- /bin/sh -c \
		'head -c 5000 /dev/zero >/tmp/f; echo "status $?"; wc -c </tmp/f'
	assert_success
	assert_line "status $((128 + xfsz))"
	assert_line "1000"
	run sbx --rlimit fsize=1000 -- /bin/sh -c \
		'trap "" XFSZ; head -c 5000 /dev/zero >/tmp/f 2>/tmp/err; echo "status $?"; wc -c </tmp/f; cat /tmp/err'
	assert_success
	assert_line "status 1"
	assert_line "1000"
	assert_output_contains "File too large"
}

@test "--rlimit cpu: the command gets SIGXCPU at its soft limit" {
	local xcpu
	xcpu=$(kill -l XCPU)
	SECONDS=0
	run sbx --rlimit cpu=1:5 -- /bin/sh -c 'while :; do :; done'
	assert_status $((128 + xcpu))
	((SECONDS < 5)) || {
		echo "took $SECONDS s" >&2
		return 1
	}
}

@test "--rlimit nproc=64: a fork bomb stops at the sandbox's 64 processes; the user's others outside are untouched" {
	local kernel
	kernel=$(uname -r)
	# Before 5.14 the kernel counted every process of the user, wherever it
	# runs, against RLIMIT_NPROC (see sandbox(1)).
	if ! printf '%s\n' 5.14 "${kernel%%-*}" | sort -V -C; then
		skip "kernel $kernel counts RLIMIT_NPROC per user, not per user namespace"
	fi
	local dir marker outside sandbox i forked
	dir=$(fixture_dir)
	marker=$(unique_marker)
	mkfifo "$dir/hold"
	# Processes of the same user outside, started first: had they counted
	# against the sandbox's limit, the bomb would get fewer children.
	for ((i = 0; i < 20; i++)); do
		"$PROBE" sleep 60 "$marker" &
		outside+=($!)
	done
	host_snapshot
	"${SBX[@]}" --rlimit nproc=64 -- "$PROBE" forkbomb 1000 <"$dir/hold" >"$dir/out" 2>&1 &
	sandbox=$!
	exec 8>"$dir/hold"
	wait_for_file_line "$dir/out" "fork EAGAIN" 20 || {
		exec 8>&-
		kill "${outside[@]}"
		return 1
	}
	# The bomb holds its children: the user can still fork outside, and
	# the processes started before are alive.
	run bash -c 'for i in 1 2 3 4 5 6 7 8 9 10; do /bin/true & done; wait; echo forked'
	local outside_fork=$output
	local alive=0
	for i in "${outside[@]}"; do
		proc_alive "$i" && alive=$((alive + 1))
	done
	exec 8>&-
	wait_bounded "$sandbox" 20
	kill "${outside[@]}"
	wait "${outside[@]}" 2>/dev/null || true
	((WAIT_STATUS == 0)) || { cat "$dir/out" >&2; return 1; }
	[[ $outside_fork == forked ]] || {
		echo "could not fork outside during the bomb: $outside_fork" >&2
		return 1
	}
	((alive == 20)) || {
		echo "only $alive of the 20 outside processes survived" >&2
		return 1
	}
	# 64 processes of the sandbox: pid 1, the bomb and 62 children.
	forked=$(sed -n 's/^forked //p' "$dir/out")
	[[ $forked == 62 ]] || {
		echo "the bomb forked '$forked' children, expected 62" >&2
		cat "$dir/out" >&2
		return 1
	}
	host_unchanged
}

# --- bad values --------------------------------------------------------------

# rlimit_refused PART ARGS...: ARGS are refused with exit 125, one line on
# stderr that names --rlimit and holds PART, nothing on stdout, and no trace
# on the host.
rlimit_refused() {
	local part=$1
	shift
	host_snapshot
	run --separate-stderr bounded "$SANDBOX" --ro-bind /usr /usr "$@" -- /bin/true
	assert_setup_error --rlimit
	[[ $stderr == *"$part"* && -z $output ]] || {
		echo "expected a diagnostic with '$part', and nothing on stdout" >&2
		show_run
		return 1
	}
	host_unchanged
}

@test "--rlimit: an unknown name, a missing value, a bad number: exit 125, one line" {
	rlimit_refused "'bogus': expected one of as, core, cpu" --rlimit bogus=1
	rlimit_refused "'nofile': expected NAME=SOFT[:HARD]" --rlimit nofile
	rlimit_refused "'abc' in 'nofile=abc'" --rlimit nofile=abc
	rlimit_refused "'-1'" --rlimit nofile=-1
	rlimit_refused "'18446744073709551616'" --rlimit nofile=18446744073709551616
	rlimit_refused "'99999999999999999999999999999999'" --rlimit as=99999999999999999999999999999999
	rlimit_refused "'': expected NAME=SOFT[:HARD]" --rlimit ''
	rlimit_refused "'nofile='" --rlimit nofile=
	rlimit_refused "'nofile=:'" --rlimit nofile=:
	rlimit_refused "'2:3'" --rlimit nofile=1:2:3
	rlimit_refused "'1x'" --rlimit nofile=1x
	# Last on the line: the word after it would be its value.
	run --separate-stderr bounded "$SANDBOX" --rlimit
	assert_setup_error "--rlimit: missing argument"
}

@test "--rlimit: soft above hard is refused: exit 125, one line" {
	rlimit_refused "'nofile=10:5': the soft limit is above the hard limit" --rlimit nofile=10:5
	rlimit_refused "'nproc=unlimited:5'" --rlimit nproc=unlimited:5
}

@test "--rlimit: raising a hard limit above the caller's fails before anything runs" {
	local dir
	dir=$(fixture_dir)
	host_snapshot
	# The caller lowers its own limits first, so the case does not
	# depend on the limits this test starts with.
	run --separate-stderr bounded bash -c 'ulimit -n 500 && exec "$@"' _ "$SANDBOX" \
		--ro-bind /usr /usr --bind "$dir" /out --rlimit nofile=100:600 -- /bin/touch /out/ran
	assert_setup_error "'nofile=100:600'"
	[[ $stderr == *"above the caller's (500)"* ]] || { show_run; return 1; }
	[[ -z $output && ! -e $dir/ran ]]
	run --separate-stderr bounded bash -c 'ulimit -n 500 && exec "$@"' _ "$SANDBOX" \
		--ro-bind /usr /usr --bind "$dir" /out --rlimit nofile=unlimited -- /bin/touch /out/ran
	assert_setup_error "'nofile=unlimited'"
	run --separate-stderr bounded bash -c 'ulimit -n 500 && exec "$@"' _ "$SANDBOX" \
		--ro-bind /usr /usr --bind "$dir" /out --rlimit nofile=501: -- /bin/touch /out/ran
	assert_setup_error "'nofile=501:'"
	# :HARD below the caller's soft limit leaves the soft one above it.
	run --separate-stderr bounded bash -c 'ulimit -Sn 200 && exec "$@"' _ "$SANDBOX" \
		--ro-bind /usr /usr --bind "$dir" /out --rlimit nofile=:100 -- /bin/touch /out/ran
	assert_setup_error "'nofile=:100'"
	[[ $stderr == *"soft limit (200)"* ]] || { show_run; return 1; }
	[[ ! -e $dir/ran ]]
	host_unchanged
}

@test "--rlimit is unknown to the bwrap personality, as to bubblewrap" {
	run --separate-stderr bounded "$SANDBOX" --compat=bwrap --ro-bind /usr /usr \
		--rlimit nofile=10 -- /bin/true
	assert_status 1
	[[ $stderr == "bwrap: Unknown option --rlimit (see --help)" ]] || { show_run; return 1; }
	run --separate-stderr bounded "$SANDBOX" --compat=bwrap --rlimit
	assert_status 1
	[[ $stderr == "bwrap: Unknown option --rlimit (see --help)" ]] || { show_run; return 1; }
	run "$SANDBOX" --compat=bwrap --help
	assert_success
	[[ $output != *rlimit* ]] || { echo "the bwrap help lists --rlimit" >&2; return 1; }
	run "$SANDBOX" --help
	assert_output_contains "--rlimit=NAME=SOFT[:HARD]"
}
