# Helpers for the tests of the bwrap personality (bwrap_diff.bats,
# bwrap_options.bats). Load after `load helpers`.
#
# Environment (set by the driver, see tests/run-tests.sh):
#   SANDBOX_BWRAP    a link named `bwrap` to the launcher under test
#   BWRAP_REFERENCE  bubblewrap to compare with (may be empty: the
#                    differential tests are then skipped)

: "${SANDBOX_BWRAP:?SANDBOX_BWRAP must be a link named bwrap to the sandbox binary}"

# The usual start of a bwrap command line: the host /usr read-only plus the
# merged-/usr links (the bwrap personality adds none by itself).
BW_BASE=(--ro-bind /usr /usr --symlink usr/lib /lib --symlink usr/lib64 /lib64
	--symlink usr/bin /bin --symlink usr/sbin /sbin)

# bw ARGS...: the bwrap personality, bounded in time.
bw() {
	timeout -k 5 "$SBX_TIMEOUT" "$SANDBOX_BWRAP" "$@"
}

# bwb ARGS...: the same with BW_BASE in front.
bwb() {
	bw "${BW_BASE[@]}" "$@"
}

# bwt ARGS...: BW_BASE plus the test root (probe, launcher) read-only.
bwt() {
	bw "${BW_BASE[@]}" --ro-bind "$TESTROOT" "$TESTROOT" "$@"
}

need_reference() {
	if [[ -z ${BWRAP_REFERENCE:-} ]]; then
		skip "BWRAP_REFERENCE is empty: no reference bubblewrap installed"
	fi
	[[ -x $BWRAP_REFERENCE ]] || skip "BWRAP_REFERENCE ($BWRAP_REFERENCE) is not executable"
}

# assert_bwrap_error WORD...: after `run --separate-stderr`: exit status 1,
# exactly one line on stderr, starting with "bwrap: " (or "<3>bwrap: " when
# BW_PREFIX is set to "<3>"), containing one of the WORDs.
assert_bwrap_error() {
	local word prefix="${BW_PREFIX:-}bwrap: "
	assert_status 1 || return 1
	if [[ ${#stderr_lines[@]} -ne 1 ]]; then
		echo "expected exactly one line on stderr, got ${#stderr_lines[@]}" >&2
		show_run
		return 1
	fi
	if [[ $stderr != "$prefix"* ]]; then
		echo "the diagnostic does not start with '$prefix'" >&2
		show_run
		return 1
	fi
	[[ $# -eq 0 ]] && return 0
	for word in "$@"; do
		[[ $stderr == *"$word"* ]] && return 0
	done
	echo "the diagnostic names none of: $*" >&2
	show_run
	return 1
}

# assert_stderr_line TEXT: some line of stderr (after run --separate-stderr)
# equals TEXT.
assert_stderr_line() {
	local line
	for line in "${stderr_lines[@]}"; do
		[[ $line == "$1" ]] && return 0
	done
	echo "no stderr line equals: $1" >&2
	show_run
	return 1
}

assert_stderr_contains() {
	if [[ $stderr != *"$1"* ]]; then
		echo "stderr does not contain: $1" >&2
		show_run
		return 1
	fi
}

# only_fds REDIRS CMD [ARG...]: runs CMD (a command or a function) with no
# fd above 2 open except those REDIRS opens (e.g. '3<file 6<dir'; evaluated
# by the shell), so that what the test runner itself has open does not
# reach a command that passes inherited fds through.
only_fds() {
	(exec_only_fds "$@")
}

# exec_only_fds REDIRS CMD [ARG...]: the same in the current (sub)shell,
# which becomes CMD when CMD is a command: `(exec_only_fds '' cmd) &` makes
# $! the pid of cmd.
exec_only_fds() {
	local redirs=$1 fd
	shift
	for fd in "/proc/$BASHPID/fd/"*; do
		fd=${fd##*/}
		if ((fd > 2)); then
			eval "exec $fd>&-"
		fi
	done
	if [[ -n $redirs ]]; then
		eval "exec $redirs" || exit 98
	fi
	if declare -F "$1" >/dev/null; then
		"$@"
		exit
	fi
	exec "$@"
}

# --- seccomp programs written by hand ---------------------------------------
#
# A classic BPF instruction is 8 bytes: u16 code, u8 jt, u8 jf, u32 k, little
# endian on every architecture these tests run on (x86-64, aarch64).

# _bpf_insn CODE JT JF K: one instruction as printf escapes.
_bpf_insn() {
	local code=$1 jt=$2 jf=$3 k=$4
	printf '\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x\\x%02x' \
		$((code & 255)) $((code >> 8 & 255)) "$jt" "$jf" \
		$((k & 255)) $((k >> 8 & 255)) $((k >> 16 & 255)) $((k >> 24 & 255))
}

BPF_LD_W_ABS=$((0x00 | 0x00 | 0x20))   # BPF_LD | BPF_W | BPF_ABS
BPF_JEQ_K=$((0x05 | 0x10 | 0x00))      # BPF_JMP | BPF_JEQ | BPF_K
BPF_RET_K=$((0x06 | 0x00))             # BPF_RET | BPF_K
SECCOMP_RET_ALLOW=$((0x7fff0000))
SECCOMP_RET_ERRNO=$((0x00050000))

# bpf_allow_all FILE: a one-instruction program that allows everything.
bpf_allow_all() {
	# shellcheck disable=SC2059
	printf "$(_bpf_insn "$BPF_RET_K" 0 0 "$SECCOMP_RET_ALLOW")" >"$1"
}

# bpf_program FILE MATCH OTHER NR...: a program that returns MATCH for the
# system calls NR... (numbers of the native ABI) and OTHER for every other
# one. The architecture is not checked: the tests make native calls only.
bpf_program() {
	local file=$1 match=$2 other=$3 nr n i prog
	shift 3
	n=$#
	# load the system call number (offset 0 of struct seccomp_data)
	prog=$(_bpf_insn "$BPF_LD_W_ABS" 0 0 0)
	i=0
	for nr in "$@"; do
		# on a match, jump over the remaining comparisons and the
		# OTHER return to the MATCH return at the end
		prog+=$(_bpf_insn "$BPF_JEQ_K" $((n - i)) 0 "$nr")
		i=$((i + 1))
	done
	prog+=$(_bpf_insn "$BPF_RET_K" 0 0 "$other")
	prog+=$(_bpf_insn "$BPF_RET_K" 0 0 "$match")
	# shellcheck disable=SC2059
	printf "$prog" >"$file"
}

# syscall_nr NAME...: the native numbers of system calls (x86-64 and
# aarch64), one a line. Names without a number on this architecture (mkdir
# on aarch64) are left out; an unknown architecture fails.
syscall_nr() {
	local name arch
	arch=$(uname -m)
	for name in "$@"; do
		case $arch:$name in
		x86_64:read) echo 0 ;;
		x86_64:write) echo 1 ;;
		x86_64:close) echo 3 ;;
		x86_64:mkdir) echo 83 ;;
		x86_64:mkdirat) echo 258 ;;
		x86_64:execve) echo 59 ;;
		x86_64:execveat) echo 322 ;;
		x86_64:exit) echo 60 ;;
		x86_64:exit_group) echo 231 ;;
		x86_64:uname) echo 63 ;;
		aarch64:read) echo 63 ;;
		aarch64:write) echo 64 ;;
		aarch64:close) echo 57 ;;
		aarch64:mkdir) ;;
		aarch64:mkdirat) echo 34 ;;
		aarch64:execve) echo 221 ;;
		aarch64:execveat) echo 281 ;;
		aarch64:exit) echo 93 ;;
		aarch64:exit_group) echo 94 ;;
		aarch64:uname) echo 160 ;;
		*) return 1 ;;
		esac
	done
}

# --- the differential harness ----------------------------------------------
#
# bw_compare [OPTIONS] -- ARGS...
#
# Runs `bwrap BW_BASE ARGS...` twice, once with the reference bubblewrap and
# once with the launcher under test, each time as `bwrap` found through PATH
# (so argv[0] is `bwrap` for both), in an environment reduced to a few fixed
# variables, and compares: the exit status, stdout, the files named out*
# that the run left in its work directory, and stderr (see -s).
#
# Two directories exist during a case:
#   @F@  shared fixtures (data files, a directory tree, the args file,...)
#   @W@  the run's own work directory (one for the reference, one for the
#        launcher under test), for output files and writable binds
# Every word of ARGS and of the option values has @F@ and @W@ replaced, and
# @LIB@ in ARGS is replaced by BW_LIB (below).
# In the compared text the two paths are written @F@ and @W@ again.
#
# OPTIONS
#   -r REDIR   redirections applied to the launcher (e.g. '3<@F@/data',
#              '3>@W@/out.info'); evaluated by the shell; repeatable
#   -C DIR     working directory of the launcher (default @F@/cwd)
#   -e VAR=VAL an extra environment variable; repeatable
#   -p SCRIPT  shell run in @W@ before the launcher (fixtures of one run)
#   -P SCRIPT  shell run in @W@ after the launcher; its stdout is compared
#              too (host-side state, e.g. what a --bind wrote)
#   -s MODE    stderr: `shape` (default: both empty, or both non-empty and
#              every line of both starts with "bwrap: "), `exact`, `ignore`
#   -1         compare only the first line of stdout
#   -n         no BW_BASE in front of ARGS
#
# Inside, the command usually is `sh -c "$BW_LIB..."`: BW_LIB defines a few
# shell functions that print state: st (status lines), ns (which namespaces
# are the host's), mi (mountinfo without the mounts on /proc), mia (all of
# mountinfo), fds (open fds).

BW_ENV=(LC_ALL=C TZ=UTC LOGNAME=sbxtest USER=sbxtest TERM=dumb BWTEST_VAR=kept)

# the host's namespace links, embedded in BW_LIB so that `ns` can tell
# which namespaces are new
_bw_hostns() {
	local n
	for n in cgroup ipc mnt net pid user uts; do
		printf 'h_%s=%q\n' "$n" "$(readlink "/proc/self/ns/$n")"
	done
}

BW_LIB=$(
	_bw_hostns
	cat <<'EOF'
st() { grep -E '^(Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status; }
ns() { for n in cgroup ipc mnt net pid user uts; do eval "h=\$h_$n"; if [ "$(readlink /proc/self/ns/$n)" = "$h" ]; then echo "$n host"; else echo "$n new"; fi; done; }
mi() { grep -Ev '^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ /proc[/ ]' /proc/self/mountinfo; }
mia() { cat /proc/self/mountinfo; }
fds() { for f in /proc/self/fd/*; do printf '%s ' "${f##*/}"; done; echo; }
EOF
)

# _bw_norm W F: normalises text on stdin (see bw_compare).
_bw_norm() {
	W=$1 F=$2 perl -ne '
		BEGIN { $W = $ENV{W}; $F = $ENV{F} }
		s/\Q$W\E/\@W\@/g;
		s/\Q$F\E/\@F\@/g;
		if (/^([-dlcbps][-rwxsStT]{9}[.+]?)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\d+,\s*\d+|\d+)\s+\S+\s+\d+\s+[\d:]+\s(.*)$/s) {
			# ls -ln: the time stamp goes; so does the link count of
			# a procfs root (it counts the host processes)
			my ($mode, $links, $name) = ($1, $2, $6);
			$links = "N" if $mode eq "dr-xr-xr-x" && $name =~ /^proc\b/;
			$_ = "$mode $links $3 $4 $5 $name";
		} elsif (/^\d+ \d+ \d+:\d+ (\S+) (\S+) (\S+)((?: \S+)*?) - (\S+) (\S+) (\S+)$/) {
			# mountinfo: ids, device numbers, propagation tags and
			# the source go. bubblewrap builds the root in a
			# directory of a temporary tmpfs and copies --bind-data
			# files to that tmpfs: where a tmpfs mount is not the root
			# of its file system (and for the root mount /), its root
			# and its super options are implementation details
			my ($root, $mp, $opts, $type, $super) = ($1, $2, $3, $5, $7);
			if ($type eq "tmpfs" && ($root ne "/" || $mp eq "/")) {
				$root = "-";
				$super = "-";
			}
			$_ = "mount $mp $opts $type $root $super\n";
		}
		s/("child-pid": )\d+/${1}PID/g;
		s/("[a-z]+-namespace": )\d+/${1}INO/g;
		print;
	'
}

# _bw_fixtures F: the shared fixtures of a differential case.
_bw_fixtures() {
	local F=$1
	mkdir -p "$F/cwd" "$F/home" "$F/dir/sub" "$F/empty"
	printf 'hello\n' >"$F/data"
	printf 'in dir\n' >"$F/dir/f"
	printf '1234567' >"$F/seven"
	printf 'x' >"$F/byte"
	printf -- '--setenv\0FROM_ARGS\0yes\0--chdir\0/usr\0' >"$F/args"
	printf -- '--args\0003\0' >"$F/args-nested"
	bpf_allow_all "$F/allow.bpf"
	local nrs
	if nrs=$(syscall_nr execve execveat exit exit_group write); then
		# shellcheck disable=SC2086
		bpf_program "$F/onlyexec.bpf" "$SECCOMP_RET_ALLOW" $((SECCOMP_RET_ERRNO | 1)) $nrs
	fi
}

# _bw_run_one LAUNCHER W: one run; leaves W/stdout, W/stderr, W/status and
# W/post.
_bw_run_one() {
	local launcher=$1 W=$2 status
	mkdir -p "$W/bin"
	ln -s "$launcher" "$W/bin/bwrap"
	local -a args=() redirs=() envs=()
	local a
	for a in "${_bwc_args[@]}"; do
		a=${a//@W@/$W}
		a=${a//@LIB@/$BW_LIB$'\n'}
		args+=("${a//@F@/$_bwc_F}")
	done
	for a in "${_bwc_redirs[@]}"; do
		a=${a//@W@/$W}
		redirs+=("${a//@F@/$_bwc_F}")
	done
	for a in "${_bwc_env[@]}"; do
		a=${a//@W@/$W}
		envs+=("${a//@F@/$_bwc_F}")
	done
	local cwd=${_bwc_cwd//@W@/$W}
	cwd=${cwd//@F@/$_bwc_F}
	if [[ -n $_bwc_pre ]]; then
		(cd "$W" && W=$W F=$_bwc_F eval "$_bwc_pre") || {
			echo "the -p script failed in $W" >&2
			return 1
		}
	fi
	(
		cd "$cwd" || exit 99
		exec </dev/null
		# only the fds the case asks for reach the launcher
		only_fds "${redirs[*]}" timeout -k 5 "$SBX_TIMEOUT" env -i PATH="$W/bin:/usr/bin:/bin" \
			HOME="$_bwc_F/home" "${BW_ENV[@]}" "${envs[@]}" \
			bwrap "${args[@]}"
	) >"$W/stdout" 2>"$W/stderr"
	status=$?
	echo "$status" >"$W/status"
	: >"$W/post"
	if [[ -n $_bwc_post ]]; then
		(cd "$W" && W=$W F=$_bwc_F eval "$_bwc_post") >"$W/post" 2>&1
	fi
	return 0
}

# _bw_stderr_shape FILE: prints "empty", "bwrap" (every line starts with
# "bwrap: ") or "other".
_bw_stderr_shape() {
	if [[ ! -s $1 ]]; then
		echo empty
	elif grep -qv '^bwrap: ' "$1"; then
		echo other
	else
		echo bwrap
	fi
}

bw_compare() {
	need_reference
	_bwc_redirs=() _bwc_env=() _bwc_args=()
	_bwc_cwd=@F@/cwd _bwc_pre='' _bwc_post=''
	local mode=shape first=0 base=1 opt
	while [[ $# -gt 0 && $1 != -- ]]; do
		opt=$1
		shift
		case $opt in
		-r) _bwc_redirs+=("$1"); shift ;;
		-C) _bwc_cwd=$1; shift ;;
		-e) _bwc_env+=("$1"); shift ;;
		-p) _bwc_pre=$1; shift ;;
		-P) _bwc_post=$1; shift ;;
		-s) mode=$1; shift ;;
		-1) first=1 ;;
		-n) base=0 ;;
		*) echo "bw_compare: unknown option $opt" >&2; return 2 ;;
		esac
	done
	[[ $1 == -- ]] || { echo "bw_compare: -- missing" >&2; return 2; }
	shift
	if ((base)); then
		_bwc_args=("${BW_BASE[@]}" "$@")
	else
		_bwc_args=("$@")
	fi
	_bwc_F=$(fixture_dir)
	_bw_fixtures "$_bwc_F"
	local ref=$_bwc_F/ref our=$_bwc_F/our
	_bw_run_one "$BWRAP_REFERENCE" "$ref" || return 1
	_bw_run_one "$SANDBOX_BWRAP" "$our" || return 1

	local fail=0 w f
	for w in "$ref" "$our"; do
		{
			echo "status: $(cat "$w/status")"
			echo "--- stdout"
			if ((first)); then
				head -n 1 "$w/stdout"
			else
				cat "$w/stdout"
			fi
			for f in "$w"/out*; do
				[[ -e $f ]] || continue
				echo "--- file ${f##*/}"
				cat "$f"
			done
			if [[ -s $w/post ]]; then
				echo "--- host after the run"
				cat "$w/post"
			fi
			case $mode in
			exact) echo "--- stderr"; cat "$w/stderr" ;;
			shape) echo "--- stderr: $(_bw_stderr_shape "$w/stderr")" ;;
			esac
		} | _bw_norm "$w" "$_bwc_F" >"$w/compared"
	done
	if ! cmp -s "$ref/compared" "$our/compared"; then
		fail=1
		{
			echo "bubblewrap and the bwrap personality differ"
			echo "args: ${_bwc_args[*]}"
			diff -u --label bubblewrap --label sandbox "$ref/compared" "$our/compared"
			echo "--- bubblewrap stderr:"
			cat "$ref/stderr"
			echo "--- sandbox stderr:"
			cat "$our/stderr"
		} >&2
	fi
	if [[ $mode == shape && $(_bw_stderr_shape "$ref/stderr") == other ]]; then
		echo "bw_compare: the reference printed something that is not a bwrap: diagnostic; use -s exact or -s ignore" >&2
		cat "$ref/stderr" >&2
		fail=1
	fi
	# the launcher under test exits 1 on setup failure like bubblewrap:
	# a case that expects a failure has to see one
	BWC_REF_STATUS=$(cat "$ref/status")
	BWC_OUR_STATUS=$(cat "$our/status")
	BWC_REF_STDOUT=$(cat "$ref/stdout")
	BWC_OUR_STDOUT=$(cat "$our/stdout")
	BWC_OUR_STDERR=$(cat "$our/stderr")
	return "$fail"
}

# bw_compare_fails [bw_compare args]: as bw_compare, and both exit 1.
bw_compare_fails() {
	bw_compare "$@" || return 1
	if [[ $BWC_REF_STATUS != 1 ]]; then
		echo "the reference exited $BWC_REF_STATUS, expected a setup failure (1)" >&2
		return 1
	fi
}

# bw_compare_ok [bw_compare args]: as bw_compare, and both exit 0 with
# something on stdout (so a case that silently broke cannot pass).
bw_compare_ok() {
	bw_compare "$@" || return 1
	if [[ $BWC_REF_STATUS != 0 || -z $BWC_REF_STDOUT ]]; then
		echo "the reference exited $BWC_REF_STATUS with stdout '$BWC_REF_STDOUT': the case is broken" >&2
		return 1
	fi
}
