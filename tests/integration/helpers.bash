# Shared setup and assertions for the sandbox integration tests.
#
# Environment (set by the driver):
#   SANDBOX   absolute path of the launcher under test
#   PROBE     absolute path of the static probe (tests/probe/probe.c)
#   TESTROOT  world-readable directory holding SANDBOX and PROBE
#   FIXTURES  directory writable by the test user, for per-test scratch dirs

bats_require_minimum_version 1.5.0

: "${SANDBOX:?SANDBOX must be the absolute path of the sandbox binary}"
: "${PROBE:?PROBE must be the absolute path of the probe binary}"
: "${TESTROOT:?TESTROOT must be the directory holding SANDBOX and PROBE}"
: "${FIXTURES:?FIXTURES must be a scratch directory writable by this user}"

# The launcher with the usual prefix: the host /usr (so /bin/sh and friends
# work through the recreated merged-/usr links) and the test root (so the
# probe can run inside).
SBX=("$SANDBOX" --ro-bind /usr /usr --ro-bind "$TESTROOT" "$TESTROOT")

# Upper bound for one sandbox run, so that a hung launcher fails the test
# instead of hanging the suite.
SBX_TIMEOUT=${SBX_TIMEOUT:-60}

SANDBOX_REAL=$(readlink -f "$SANDBOX")
export SANDBOX_REAL

sbx() {
	timeout -k 5 "$SBX_TIMEOUT" "${SBX[@]}" "$@"
}

# bounded CMD...: CMD with the same upper bound on its run time.
bounded() {
	timeout -k 5 "$SBX_TIMEOUT" "$@"
}

# A fresh scratch directory under $FIXTURES, printed on stdout.
fixture_dir() {
	mktemp -d "$FIXTURES/x.XXXXXX"
}

# --- generic assertions --------------------------------------------------

# Prints what `run` captured, so that a failing assertion explains itself.
show_run() {
	{
		echo "status: $status"
		echo "output:"
		printf '%s\n' "$output"
		if [[ -n ${stderr+x} ]]; then
			echo "stderr:"
			printf '%s\n' "$stderr"
		fi
	} >&2
}

assert_status() {
	if [[ $status -ne $1 ]]; then
		echo "expected exit status $1, got $status" >&2
		show_run
		return 1
	fi
}

assert_success() {
	assert_status 0
}

# assert_line TEXT: some line of $output is exactly TEXT.
assert_line() {
	local line
	for line in "${lines[@]}"; do
		[[ $line == "$1" ]] && return 0
	done
	echo "no output line equals: $1" >&2
	show_run
	return 1
}

# refute_line TEXT: no line of $output is exactly TEXT.
refute_line() {
	local line
	for line in "${lines[@]}"; do
		if [[ $line == "$1" ]]; then
			echo "unexpected output line: $1" >&2
			show_run
			return 1
		fi
	done
}

# assert_output_contains TEXT: $output contains TEXT somewhere.
assert_output_contains() {
	if [[ $output != *"$1"* ]]; then
		echo "output does not contain: $1" >&2
		show_run
		return 1
	fi
}

assert_output_equals() {
	if [[ $output != "$1" ]]; then
		echo "expected output: $1" >&2
		show_run
		return 1
	fi
}

# assert_stderr_empty: after `run --separate-stderr`, nothing was printed on
# stderr.
assert_stderr_empty() {
	if [[ -n $stderr ]]; then
		echo "expected no diagnostics on stderr" >&2
		show_run
		return 1
	fi
}

# assert_one_error_line WORD...: after `run --separate-stderr`, stderr is
# exactly one line, it starts with "sandbox: ", and it contains at least one
# of the WORDs (the option or the path the error is about).
assert_one_error_line() {
	local word
	if [[ ${#stderr_lines[@]} -ne 1 ]]; then
		echo "expected exactly one line on stderr, got ${#stderr_lines[@]}" >&2
		show_run
		return 1
	fi
	if [[ $stderr != "sandbox: "* ]]; then
		echo "the diagnostic does not start with 'sandbox: '" >&2
		show_run
		return 1
	fi
	for word in "$@"; do
		[[ $stderr == *"$word"* ]] && return 0
	done
	echo "the diagnostic names none of: $*" >&2
	show_run
	return 1
}

# assert_setup_error WORD...: exit status 125 plus assert_one_error_line.
assert_setup_error() {
	assert_status 125
	assert_one_error_line "$@"
}

# --- capability and status checks -----------------------------------------

# assert_no_caps: $output holds the probe's `caps` report of a command that
# has no capability at all and no_new_privs set.
assert_no_caps() {
	local key
	for key in CapInh CapPrm CapEff CapBnd CapAmb; do
		assert_line "$key:	0000000000000000"
	done
	assert_line "NoNewPrivs:	1"
}

# fd_numbers: the fd numbers from the probe's `fds` report in $output, space
# separated, ascending.
fd_numbers() {
	local line
	for line in "${lines[@]}"; do
		[[ $line =~ ^([0-9]+)\  ]] && echo "${BASH_REMATCH[1]}"
	done | sort -n | tr '\n' ' ' | sed 's/ $//'
}

assert_fds() {
	local got
	got=$(fd_numbers)
	if [[ $got != "$1" ]]; then
		echo "expected open fds '$1', got '$got'" >&2
		show_run
		return 1
	fi
}

# --- mountinfo parsing (of a mountinfo captured in $output) ----------------

# mount_field MOUNTPOINT FIELD: prints a field of the topmost mount at
# MOUNTPOINT in the mountinfo text in $output. FIELD is one of
# fstype, source, mountopts, superopts.
mount_field() {
	printf '%s\n' "$output" | MP="$1" FIELD="$2" perl -ne '
		my @f = split / /;
		next unless @f > 6 && $f[4] eq $ENV{MP};
		my $i = 6;
		$i++ while $i < @f && $f[$i] ne "-";
		my %v = (mountopts => $f[5], fstype => $f[$i + 1],
		         source => $f[$i + 2], superopts => $f[$i + 3]);
		chomp $v{superopts};
		$last = $v{$ENV{FIELD}};
		END { print "$last\n" if defined $last }'
}

# assert_mount MOUNTPOINT FSTYPE: the mountinfo in $output has a mount of
# type FSTYPE on top of MOUNTPOINT.
assert_mount() {
	local got
	got=$(mount_field "$1" fstype)
	if [[ $got != "$2" ]]; then
		echo "expected a $2 mount on $1, found '${got:-nothing}'" >&2
		show_run
		return 1
	fi
}

refute_mount() {
	local got
	got=$(mount_field "$1" fstype)
	if [[ -n $got ]]; then
		echo "expected no mount on $1, found $got" >&2
		show_run
		return 1
	fi
}

# mount_has_option MOUNTPOINT OPTION: the per-mount options of the topmost
# mount at MOUNTPOINT include OPTION.
mount_has_option() {
	local opts
	opts=$(mount_field "$1" mountopts)
	[[ ,$opts, == *",$2,"* ]]
}

# visible_mounts: the mountinfo lines in $output of the mounts that can be
# reached, i.e. the topmost one at each mount point (a mount stacked on the
# same point comes later in mountinfo).
visible_mounts() {
	printf '%s\n' "$output" | perl -ne '
		my @f = split / /;
		next unless @f > 6;
		push @order, $f[4] unless exists $top{$f[4]};
		$top{$f[4]} = $_;
		END { print $top{$_} for @order }'
}

# --- the minimal /dev ------------------------------------------------------

# assert_minimal_dev DIR: $output is `ls -A DIR` of a minimal /dev.
assert_minimal_dev() {
	local node
	for node in null zero full random urandom tty pts ptmx shm fd stdin stdout stderr; do
		assert_line "$node"
	done
}

# --- host state ------------------------------------------------------------

_snap_mounts() {
	# Mount and parent ids are renumbered when a host daemon remounts
	# something, so they are left out; everything else must match.
	cut -d' ' -f3- /proc/self/mountinfo | grep -v ' - autofs ' | sort
}

# This user's entries at the top level of /tmp and /var/tmp (whatever the
# sandbox could leave there belongs to the caller). Left out: what another
# run of bats or of the test driver, or a compiler, may create or remove
# meanwhile (bats-run-*, sandbox-tests.*, sandbox-ci.*, gcc's cc*.s).
_snap_tmp() {
	local d
	for d in /tmp /var/tmp; do
		echo "$d:"
		find "$d" -mindepth 1 -maxdepth 1 -user "$(id -u)" -printf '%f\n' | sort |
			grep -Ev '^(cc[A-Za-z0-9]{6}\.[a-z.]+|bats-run-[A-Za-z0-9]{6}|sandbox-(tests|ci)\.[A-Za-z0-9]{6})$' ||
			true
	done
}

# This user's live processes as "PID ARGS". Left out: zombies, the calling
# shell's ancestors (bats itself, the test) and descendants (the ps
# pipeline), and the process trees of other bats runs of the same user.
_snap_procs() {
	local self=$BASHPID
	ps -u "$(id -u)" -o pid=,ppid=,stat=,args= | SELF=$self perl -ne '
		my ($pid, $ppid, $stat, $args) = /^\s*(\d+)\s+(\d+)\s+(\S+)\s?(.*)$/ or next;
		$parent{$pid} = $ppid;
		$args{$pid} = $args;
		$zombie{$pid} = 1 if $stat =~ /^Z/;
		END {
			my (%mine, %skip);
			for (my $p = $ENV{SELF}; $p; $p = $parent{$p}) { $mine{$p} = 1 }
			for my $pid (keys %parent) {
				for (my $p = $pid; $p; $p = $parent{$p}) {
					last if $mine{$p} && $p != $ENV{SELF};
					if ($p == $ENV{SELF} || $args{$p} =~ m{bats-core/|/bin/bats\b}) {
						$skip{$pid} = 1;
						last;
					}
				}
			}
			print "$_ $args{$_}\n" for sort { $a <=> $b }
			  grep { !$skip{$_} && !$mine{$_} && !$zombie{$_} } keys %parent;
		}'
}

# host_snapshot: remembers the host's mount table, the top level of /tmp and
# /var/tmp, and this user's processes.
host_snapshot() {
	SNAP_MOUNTS=$(_snap_mounts)
	SNAP_TMP=$(_snap_tmp)
	SNAP_PROCS=$(_snap_procs)
}

# _new_procs: processes now running that were not in the snapshot.
_new_procs() {
	local now line
	local -A before
	while IFS= read -r line; do
		[[ -n $line ]] && before[$line]=1
	done <<<"$SNAP_PROCS"
	now=$(_snap_procs)
	while IFS= read -r line; do
		if [[ -n $line && -z ${before[$line]} ]]; then
			echo "$line"
		fi
	done <<<"$now"
}

# mounts_unchanged: the host mount table equals the snapshot.
mounts_unchanged() {
	local now
	now=$(_snap_mounts)
	if [[ $now != "$SNAP_MOUNTS" ]]; then
		echo "host mount table changed:" >&2
		diff <(printf '%s\n' "$SNAP_MOUNTS") <(printf '%s\n' "$now") >&2
		return 1
	fi
}

# host_unchanged: the host looks as it did at host_snapshot. New processes
# get about a second to go away.
host_unchanged() {
	local i now extra
	mounts_unchanged || return 1
	now=$(_snap_tmp)
	if [[ $now != "$SNAP_TMP" ]]; then
		echo "host /tmp or /var/tmp changed:" >&2
		diff <(printf '%s\n' "$SNAP_TMP") <(printf '%s\n' "$now") >&2
		return 1
	fi
	for ((i = 0; i < 20; i++)); do
		extra=$(_new_procs)
		[[ -z $extra ]] && return 0
		sleep 0.05
	done
	echo "processes left behind:" >&2
	printf '%s\n' "$extra" >&2
	return 1
}

# --- processes ---------------------------------------------------------------

# asan_build: the launcher under test is built with AddressSanitizer
# (.ci/sanitizers.sh).  Its runtime needs system calls of its own in every
# process (sigaltstack and mmap before a noreturn call), which a test's
# deliberately starving seccomp filter can forbid.
asan_build() {
	LC_ALL=C grep -qa __asan_init "$SANDBOX_REAL"
}

# launcher_started PID EXE [bwrap]: PID has started the launcher EXE, and,
# for sandbox, has run its first own instruction, the moment from which
# die-with-parent holds (src/main.c records the caller and holds the
# forwarded signals there; the held signals show in /proc/PID/status).
# In the static x86-64 build that is the program's first instructions
# (src/entry.c); elsewhere glibc's start-up comes first, and in a
# sanitizer build the sanitizer's runtime too.  bubblewrap has no such mark: for it the exec is
# the start.  Used inside `bash -c` scripts: "$(declare -f launcher_started)".
launcher_started() {
	local k v
	[ "/proc/$1/exe" -ef "$2" ] || return 1
	[ "${3:-}" != bwrap ] || return 0
	while read -r k v; do
		if [ "$k" = SigBlk: ]; then
			# HUP INT QUIT USR1 USR2 TERM CHLD WINCH: the launcher's own
			# mask, not one the caller handed down.
			(((16#$v & 0x8014a07) == 0x8014a07))
			return
		fi
	done 2>/dev/null <"/proc/$1/status"
	return 1
}

# unique_marker: a word to put on a sandboxed command line so that its
# processes can be found from the host.
unique_marker() {
	echo "sbxmark-$$-$BATS_TEST_NUMBER-$RANDOM$RANDOM"
}

# wait_for_process PATTERN [SECONDS]: waits until some process of this user
# has PATTERN in its command line.
wait_for_process() {
	local i limit=$((${2:-10} * 20))
	for ((i = 0; i < limit; i++)); do
		pgrep -u "$(id -u)" -f -- "$1" >/dev/null && return 0
		sleep 0.05
	done
	echo "no process matching $1 appeared" >&2
	return 1
}

# assert_no_process PATTERN [SECONDS]: within SECONDS (default 2) no process
# of this user has PATTERN in its command line any more. Leftovers are listed
# and killed so that they do not disturb later tests.
assert_no_process() {
	local i limit=$((${2:-2} * 20))
	for ((i = 0; i < limit; i++)); do
		pgrep -u "$(id -u)" -f -- "$1" >/dev/null || return 0
		sleep 0.05
	done
	echo "processes left behind:" >&2
	local pids
	pids=$(pgrep -d' ' -u "$(id -u)" -f -- "$1")
	[[ -n $pids ]] || return 0
	ps -o pid,ppid,stat,args -p "${pids// /,}" >&2
	# shellcheck disable=SC2086
	kill -KILL $pids 2>/dev/null
	return 1
}

# run_nested POLICY CMD...: `run --separate-stderr` of CMD, typically the
# launcher again, as the command of a sandbox whose seccomp policy is the
# text POLICY: that is how a test makes the launcher meet a kernel without
# a call, or a call that fails.  CMD runs as the caller's uid (a launcher
# inside maps it; mapping root would need CAP_SETFCAP outside), sees the
# host's /dev, /dev/shm included, and has a /proc of its own.
run_nested() {
	local dir
	dir=$(fixture_dir)
	printf '%s\n' "$1" >"$dir/p.policy"
	chmod -R a+rX "$dir"
	shift
	run --separate-stderr sbx --uid "$(id -u)" --gid "$(id -g)" \
		--seccomp-profile "$dir/p.policy" --dev-bind /dev /dev --proc /proc -- "$@"
}

# wait_for_file_line FILE TEXT [SECONDS]: waits until FILE has a line TEXT.
wait_for_file_line() {
	local i limit=$((${3:-10} * 20))
	for ((i = 0; i < limit; i++)); do
		grep -qxF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "'$2' never appeared in $1; it holds:" >&2
	cat "$1" >&2
	return 1
}

# host_interfaces: interface names in /proc/net/dev text on stdin.
interfaces_of() {
	sed -n '3,$s/^ *\([^:]*\):.*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//'
}

# proc_alive PID: PID exists and is not a zombie.
proc_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat:0:1} != Z ]]
}

# wait_bounded PID SECONDS: waits for the background child PID, killing it
# after SECONDS; its exit status is left in WAIT_STATUS.
wait_bounded() {
	local i
	for ((i = 0; i < $2 * 20; i++)); do
		proc_alive "$1" || break
		sleep 0.05
	done
	if proc_alive "$1"; then
		echo "process $1 still running after $2 s; killed" >&2
		kill -KILL "$1" 2>/dev/null
	fi
	WAIT_STATUS=0
	wait "$1" || WAIT_STATUS=$?
}

# sigset_has HEXMASK SIGNUM: the /proc/PID/status signal mask has SIGNUM.
sigset_has() {
	(((16#$1 >> ($2 - 1)) & 1))
}

# status_field NAME: the value of the "NAME:" line in $output.
status_field() {
	local line
	for line in "${lines[@]}"; do
		if [[ $line == "$1:"* ]]; then
			line=${line#*:}
			echo "${line//[[:space:]]/}"
			return 0
		fi
	done
	return 1
}

# i386_entry_works: the kernel takes system calls through int $0x80 from a
# 64-bit process.  Some kernels and hypervisors fault on it whatever the
# filter (no IA32 emulation); the i386 halves of the seccomp checks are
# then not made, and a test of their own in seccomp.bats and
# attacks/syscalls.bats reports that as a skip.
i386_entry_works() {
	[[ $(uname -m) == x86_64 ]] && "${SYSPROBE:-$TESTROOT/sysprobe}" i386-entry
}
