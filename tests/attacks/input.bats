#!/usr/bin/env bats
# Attacks on the launcher's input (doc/design.md, "Command line and diagnostics"): every kind of bad command
# line, numbers that truncate or wrap, fds that are not open, --args and
# @FILE abuse, the argument limit, argc == 0.  Each must be refused before
# anything is created (setup status 125, bubblewrap's 1), the command must
# never run, and nothing may be left: every launch runs below a child
# subreaper (see attack_helpers.bash), the host is compared before and
# after.

load ../integration/helpers
load attack_helpers

setup_file() {
	attack_setup_file
}

setup() {
	attack_setup
	FIX=$(fixture_dir)
	RAN=(/bin/sh -c 'echo COMMAND-RAN')
}

# bad_input LABEL ARG...: the target with ARGS (which bring their own
# command, if any) must refuse to start: setup status, a message, no
# command run, nothing left.
bad_input() {
	local label=$1
	shift
	run --separate-stderr reaped 1 "${TARGET[@]}" "$@"
	if [[ $output == *COMMAND-RAN* || $(reaped_status) != "$TARGET_SETUP_STATUS" ]]; then
		through "$label accepted (status $(reaped_status))" || return 1
	elif [[ -z $stderr ]]; then
		echo "$label: refused without a message" >&2
		show_run
		return 1
	fi
	blocked "$label: processes left" no_leftover
	blocked "$label: a sandbox process outlived the launcher" no_orphans
}

# Numbers are parsed strictly (§2): uids and gids that wrap to 0 (the
# caller would get a root mapping it never asked for), the "no change"
# value (uid_t)-1, negative values, trailing garbage, blanks, empty; fds
# above INT_MAX (truncated they name a real fd); sizes that wrap to 0
# (an unlimited tmpfs); modes beyond 07777.
@test "input/numbers: wrapping, negative, padded and out-of-range numbers" {
	host_snapshot
	local v
	for v in 4294967295 4294967296 18446744073709551616 -1 1x ' 1' '1 ' '' +1; do
		bad_input "--uid '$v'" --uid "$v" -- "${RAN[@]}"
		bad_input "--gid '$v'" --gid "$v" -- "${RAN[@]}"
	done
	for v in 2147483648 4294967296 4294967297 -1 1x ''; do
		bad_input "--args '$v'" --args "$v" -- "${RAN[@]}"
		bad_input "--info-fd '$v'" --info-fd "$v" -- "${RAN[@]}"
		bad_input "--file '$v'" --file "$v" /f -- "${RAN[@]}"
	done
	for v in 0 -1 18446744073709551616 1x ''; do
		bad_input "--size '$v'" --size "$v" --tmpfs /t -- "${RAN[@]}"
	done
	for v in 8 99999 10000 -1 0x1ff ''; do
		bad_input "--perms '$v'" --perms "$v" --dir /d -- "${RAN[@]}"
		bad_input "--chmod '$v'" --dir /d --chmod "$v" /d -- "${RAN[@]}"
	done
	blocked "host changed" host_unchanged
}

# An option missing its last value at the end of the command line (no
# command follows), for every option that takes values.
@test "input/missing-argument: every option without its value at the end" {
	host_snapshot
	local o
	for o in "--bind /usr" "--ro-bind /usr" "--dev-bind /usr" "--bind-try /usr" "--symlink /x" \
		"--setenv A" "--chmod 0755" "--file 0" "--bind-data 0" "--ro-bind-data 0" "--bind-fd 0" \
		--tmpfs --dir --proc --dev --mqueue --chdir --hostname --uid --gid --args --perms --size \
		--remount-ro --unsetenv --argv0 --info-fd --json-status-fd --block-fd --sync-fd \
		--lock-file --cap-add --cap-drop --seccomp --add-seccomp-fd --userns --pidns; do
		# shellcheck disable=SC2086
		bad_input "'$o' at the end" $o
	done
	blocked "host changed" host_unchanged
}

# Unknown options and near misses: a typo must never be taken for the
# command (running it unconfined-looking) or for another option.
@test "input/unknown-option: unknown options and near misses" {
	host_snapshot
	local o
	for o in --bogus --bindd --Bind ---bind -b -x --unshare-everything --ro_bind --bind-tryy \
		--seccomp-profil; do
		bad_input "'$o'" "$o" /usr /usr -- "${RAN[@]}"
	done
	blocked "host changed" host_unchanged
}

# fds that are not open (or not readable) given to every option that
# reads or writes one: refused before anything is created, never mixed up
# with an fd the launcher opens itself.
@test "input/unreadable-fd: options naming fds that are not open" {
	host_snapshot
	local o
	for o in "--args 77" "--file 77 /f" "--bind-data 77 /f" "--ro-bind-data 77 /f" \
		"--bind-fd 77 /d" "--ro-bind-fd 77 /d" "--seccomp 77" "--add-seccomp-fd 77" \
		"--block-fd 77" "--info-fd 77" "--json-status-fd 77" "--userns 77" "--pidns 77"; do
		# shellcheck disable=SC2086
		bad_input "'$o' (closed)" $o -- "${RAN[@]}" 77>&-
	done
	# A write-only fd where the launcher must read, a read-only one where it
	# must write.
	bad_input "--args of a write-only fd" --args 7 -- "${RAN[@]}" 7>"$FIX/w"
	bad_input "--file of a write-only fd" --file 7 /f -- "${RAN[@]}" 7>"$FIX/w"
	blocked "host changed" host_unchanged
}

# --args FD abuse: an --args inside --args data (not nestable), more than
# 9000 words through it, data over the 1 MiB limit, a directory fd, and
# options spliced from it that are bad themselves.
@test "input/args-fd: nested, oversized and malformed --args data" {
	host_snapshot
	printf -- '--args\0009\000--dir\000/x\000' >"$FIX/nested"
	bad_input "--args inside --args" --args 8 -- "${RAN[@]}" 8<"$FIX/nested" 9</dev/null
	local i
	for ((i = 0; i < 4600; i++)); do printf -- '--dir\0/d%d\0' "$i"; done >"$FIX/many"
	bad_input "9200 words in --args" --args 8 -- "${RAN[@]}" 8<"$FIX/many"
	head -c 1100000 /dev/zero | tr '\0' 'a' >"$FIX/huge"
	bad_input "1.1 MB of --args data" --args 8 -- "${RAN[@]}" 8<"$FIX/huge"
	bad_input "--args of a directory" --args 8 -- "${RAN[@]}" 8<"$FIX"
	printf -- '--uid\0004294967296\0' >"$FIX/baduid"
	bad_input "a wrapping uid through --args" --args 8 -- "${RAN[@]}" 8<"$FIX/baduid"
	printf -- '--bind\0/usr\0' >"$FIX/short"
	bad_input "--args data ending in the middle of an option" --args 8 8<"$FIX/short"
	blocked "host changed" host_unchanged
}

# @FILE (sandbox only): a missing file, a directory, a file holding a NUL,
# an endless file (/dev/zero: must stop at the 1 MiB limit, not eat the
# memory), @FILE inside a file, and more than 9000 arguments from a file.
@test "input/argfile: @FILE that is missing, a directory, endless, nested or too long" {
	sandbox_only "@FILE"
	host_snapshot
	printf -- '--dir\n/x\0y\n' >"$FIX/nul"
	printf -- '@%s\n' "$FIX/nul" >"$FIX/nested"
	local i
	for ((i = 0; i < 4600; i++)); do printf -- '--dir\n/d%d\n' "$i"; done >"$FIX/many"
	bad_input "@missing" "@$FIX/missing" -- "${RAN[@]}"
	bad_input "@directory" "@$FIX" -- "${RAN[@]}"
	bad_input "@file with a NUL" "@$FIX/nul" -- "${RAN[@]}"
	bad_input "@/dev/zero" @/dev/zero -- "${RAN[@]}"
	bad_input "@FILE inside @FILE" "@$FIX/nested" -- "${RAN[@]}"
	bad_input "9200 arguments from @FILE" "@$FIX/many" -- "${RAN[@]}"
	blocked "host changed" host_unchanged
}

# The argument limit (bubblewrap's 9000, the "poisoned NUL" precedent)
# counted over argv and --args together: 4600 words in each, neither over
# the limit on its own.  (paths.bats checks 9200 words in argv alone.)
@test "input/arg-limit: 9000 arguments split between argv and --args" {
	host_snapshot
	local i argv=()
	for ((i = 0; i < 2300; i++)); do argv+=(--dir "/a$i"); done
	for ((i = 0; i < 2300; i++)); do printf -- '--dir\0/b%d\0' "$i"; done >"$FIX/half"
	bad_input "4600 argv words plus 4600 --args words" "${argv[@]}" --args 8 -- "${RAN[@]}" 8<"$FIX/half"
	blocked "host changed" host_unchanged
}

# argc == 0 (CVE-2021-4034, pkexec): a program that assumes argv[0]
# exists reads past the end of argv into the environment, where the
# attacker put option-looking strings ("--bind / / -- /bin/sh -c ...").
# The launcher must refuse, and nothing of the environment may act as an
# argument.
@test "input/argc0: the launcher started with an empty argv" {
	host_snapshot
	run --separate-stderr reaped 1 "$ATTACK" exec-argc0 "${TARGET[0]}"
	blocked "argc 0: environment strings taken as arguments" no_match 'ARGC0-ESCAPE'
	blocked "argc 0 accepted (status $(reaped_status))" test "$(reaped_status)" -ne 0
	blocked "argc 0: processes left" no_leftover
	blocked "host changed" host_unchanged
}

# Paths the kernel cannot take or that name nothing: a 4097-byte
# destination and source (PATH_MAX + 1), an empty destination, an empty
# source, a destination that is only "..", each refused cleanly, with no
# partial sandbox left.
@test "input/bad-paths: empty, PATH_MAX+1 and '..'-only paths" {
	host_snapshot
	local long
	long=/$(printf 'x%.0s' $(seq 1 4096))
	bad_input "a 4097-byte destination" --dir "$long" -- "${RAN[@]}"
	bad_input "a 4097-byte source" --bind "$long" /x -- "${RAN[@]}"
	bad_input "an empty destination" --bind /usr "" -- "${RAN[@]}"
	bad_input "an empty source" --bind "" /x -- "${RAN[@]}"
	bad_input "an empty --symlink destination" --symlink /x "" -- "${RAN[@]}"
	bad_input "an empty --chdir" --chdir "" -- "${RAN[@]}"
	blocked "host changed" host_unchanged
}

# The command lines that crashed the parser under the fuzzer
# (tests/fuzz/regressions/cli, NUL-terminated words; a payload after three
# NULs is left out), given to the real launcher with fds 3-9 open on
# /dev/null: it must answer with a status, never die by a signal (a
# segfault in the launcher is a crash an attacker may be able to steer),
# and leave nothing.  `make fuzz-regressions` runs the same files through
# the harness.
@test "input/fuzz-regressions: command lines that crashed the parser, given to the launcher" {
	sandbox_only "the inputs are sandbox command lines"
	local dir=${FUZZ_REGRESSIONS:-$BATS_TEST_DIRNAME/../fuzz/regressions/cli} f words=() w prev
	[[ -d $dir ]] || skip "no regression inputs at $dir"
	for f in "$dir"/*; do
		[[ -s $f ]] || continue
		words=()
		prev=x
		while IFS= read -r -d '' w; do
			[[ -z $w && -z $prev ]] && break
			words+=("$w")
			prev=$w
		done <"$f"
		[[ ${words[-1]-x} == "" ]] && unset 'words[-1]'
		# (The status is the subreaper's report; `|| true` keeps bats from
		# warning about a command that exits 127.)
		run --separate-stderr bash -c '"$@" || true' _ timeout -k 5 "$SBX_TIMEOUT" \
			"$ATTACK" subreaper 1 -- "$SANDBOX" "${words[@]}" \
			3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null 8</dev/null 9</dev/null
		blocked "${f##*/}: the launcher died by a signal (status $(reaped_status))" \
			test "$(reaped_status)" -lt 128
		blocked "${f##*/}: processes left" no_leftover
	done
}
