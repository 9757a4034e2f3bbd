#!/usr/bin/env bats
# Seccomp: the built-in profiles, policy files, --seccomp-export, and what
# the command sees.  The static tests/probe/sysprobe makes the blocked
# calls with harmless arguments and prints "name=ERRNO" per call.

load helpers

SYSPROBE=${SYSPROBE:-$TESTROOT/sysprobe}

setup() {
	[[ -x $SYSPROBE ]] || skip "sysprobe not built at $SYSPROBE"
}

# Calls the default profile refuses with EPERM that the kernel, too,
# refuses to a command without capabilities, but answers otherwise once
# the command has every capability of its user namespace: mounts and the
# root, namespaces, host-wide settings, the terminal's settings (on fd -1),
# execution domains.  sysprobe's names; its harmless arguments make the
# kernel say EFAULT, EINVAL, EBADF, ENODEV or ENOSYS, or succeed.
CAP_CALLS=(
	mount umount2 pivot_root chroot setns sethostname setdomainname
	'unshare(CLONE_NEWNS)' 'unshare(CLONE_NEWPID)' 'unshare(CLONE_NEWNET)'
	'unshare(CLONE_NEWIPC)' 'unshare(CLONE_NEWUTS)' 'unshare(CLONE_NEWCGROUP)'
	'unshare(CLONE_NEWTIME)' 'clone(CLONE_NEWNS)' 'clone(CLONE_NEWPID)'
	'clone(CLONE_NEWNET)' 'clone(CLONE_NEWIPC)' 'clone(CLONE_NEWUTS)'
	'clone(CLONE_NEWCGROUP)' quotactl quotactl_fd adjtimex clock_adjtime
	nfsservctl create_module 'ioctl(TIOCSETD)' 'ioctl(TIOCCONS)'
	'ioctl(TIOCSLCKTRMIOS)' 'ioctl(TIOCSETD|0xdeadbeef<<32)'
	'ioctl(TIOCCONS|0xdeadbeef<<32)' 'ioctl(TIOCSLCKTRMIOS|0xdeadbeef<<32)'
	'personality(PER_LINUX32)' 'personality(UNAME26)'
	'personality(PER_LINUX32|0xdeadbeef<<32)'
)

# The answers of the default profile that every kernel gives alike.
DEFAULT_BLOCKED=(
	keyctl=EPERM add_key=EPERM request_key=EPERM bpf=EPERM userfaultfd=EPERM
	perf_event_open=EPERM kexec_load=EPERM kexec_file_load=EPERM
	init_module=EPERM finit_module=EPERM delete_module=EPERM
	open_tree=ENOSYS move_mount=ENOSYS fsopen=ENOSYS fsconfig=ENOSYS
	fsmount=ENOSYS fspick=ENOSYS mount_setattr=ENOSYS
	io_uring_setup=EPERM io_uring_enter=EPERM io_uring_register=EPERM
	ptrace=EPERM process_vm_readv=EPERM process_vm_writev=EPERM
	acct=EPERM swapon=EPERM swapoff=EPERM reboot=EPERM settimeofday=EPERM
	clock_settime=EPERM syslog=EPERM open_by_handle_at=EPERM
	'ioctl(TIOCSTI)=EPERM' 'ioctl(TIOCLINUX)=EPERM'
	'ioctl(TIOCSTI|0xdeadbeef<<32)=EPERM' 'ioctl(TIOCLINUX|0xdeadbeef<<32)=EPERM'
	'unshare(CLONE_NEWUSER)=EPERM' 'clone(CLONE_NEWUSER)=EPERM' clone3=ENOSYS
	'personality(ADDR_NO_RANDOMIZE)=EPERM' 'personality(READ_IMPLIES_EXEC)=EPERM'
	"${CAP_CALLS[@]/%/=EPERM}" vhangup=EPERM lookup_dcookie=EPERM fanotify_init=EPERM
)

# Calls that exist only on i386 (the x32 entry has no nfsservctl and
# create_module either).
I386_ONLY_BLOCKED=(umount=EPERM clock_settime64=EPERM clock_adjtime64=EPERM)

# Calls every profile lets through: the kernel's own answer.
CONTROLS=(
	'read(-1)=EBADF' 'chmod((char*)1)=EFAULT' getpid=OK
	'personality(PER_LINUX)=OK' 'personality(0xffffffff)=OK' 'ioctl(TIOCGWINSZ)=EBADF'
)

# assert_blocked_everywhere: $output is sysprobe's report under the default
# profile, on the native ABI and (x86_64) through the i386 and x32 entries.
assert_blocked_everywhere() {
	local line prefix prefixes=("") i386=no
	[[ $(uname -m) == x86_64 ]] && prefixes+=(x32:)
	if i386_entry_works; then
		prefixes+=(i386:) i386=yes
	elif [[ $(uname -m) == x86_64 ]]; then
		assert_line "i386:entry=faults"
	fi
	for prefix in "${prefixes[@]}"; do
		for line in "${DEFAULT_BLOCKED[@]}" "${I386_ONLY_BLOCKED[@]}"; do
			case $prefix$line in
			i386:kexec_file_load=* | i386:*'<<32)'*) continue ;;
			x32:nfsservctl=* | x32:create_module=*) continue ;;
			umount=* | clock_*64=* | x32:umount=* | x32:clock_*64=*) continue ;;
			esac
			assert_line "$prefix$line"
		done
	done
	for line in "${CONTROLS[@]}"; do
		assert_line "$line"
		[[ $i386 == yes ]] && assert_line "i386:$line"
	done
	return 0
}

# answer KEY: the RESULT of the line "KEY=RESULT" in $output.
answer() {
	local line
	for line in "${lines[@]}"; do
		if [[ $line == "$1="* ]]; then
			echo "${line#*=}"
			return 0
		fi
	done
	return 1
}

# assert_cap_calls PREFIX WANT: each call of CAP_CALLS (with the i386-only
# ones through that entry) that sysprobe makes through PREFIX's entry ("",
# i386: or x32:) answered WANT; WANT "kernel": anything but EPERM, the
# kernel's answer once the call got past the filter.
assert_cap_calls() {
	local call got calls=("${CAP_CALLS[@]}") bad=0
	[[ $1 == i386: ]] && calls+=(umount clock_settime64 clock_adjtime64)
	for call in "${calls[@]}"; do
		case $1$call in
		i386:*'<<32)' | x32:nfsservctl | x32:create_module) continue ;;
		esac
		got=$(answer "$1$call") || got=missing
		if [[ $got == missing || ($2 == kernel && $got == EPERM) ||
			($2 != kernel && $got != "$2") ]]; then
			echo "$1$call=$got, want $2" >&2
			bad=1
		fi
	done
	if ((bad)); then
		show_run
		return 1
	fi
}

# A policy file in a fresh fixture directory; prints its path.
policy_file() { # NAME TEXT
	local dir
	dir=$(fixture_dir)
	printf '%s' "$2" >"$dir/$1"
	chmod -R a+rX "$dir"
	echo "$dir/$1"
}

@test "default profile: each blocked call gives its designed errno, on every ABI" {
	run sbx -- "$SYSPROBE"
	assert_success
	assert_blocked_everywhere
	assert_line "ptrace(ATTACH)=EPERM"
}

# With every capability of the sandbox's user namespace (--cap-add ALL),
# the kernel lets the calls of CAP_CALLS go on to fail on their harmless
# arguments, or to succeed: EPERM can then only come from the filter, which
# --cap-add does not relax.  Under none the same calls reach the kernel.
@test "default profile: the calls that need a capability are refused before the kernel" {
	run sbx --cap-add ALL -- "$SYSPROBE"
	assert_success
	assert_cap_calls "" EPERM
	if [[ $(uname -m) == x86_64 ]]; then
		assert_cap_calls x32: EPERM
	fi
	run sbx --cap-add ALL --seccomp-profile none -- "$SYSPROBE"
	assert_success
	assert_cap_calls "" kernel
}

@test "default profile: the calls that need a capability, through the i386 entry" {
	[[ $(uname -m) == x86_64 ]] || skip "not x86_64: no i386 entry"
	i386_entry_works || skip "int \$0x80 faults on this machine with no filter: nothing to check through"
	run sbx --cap-add ALL -- "$SYSPROBE"
	assert_success
	assert_cap_calls i386: EPERM
	run sbx --cap-add ALL --seccomp-profile none -- "$SYSPROBE"
	assert_success
	assert_cap_calls i386: kernel
}

# personality: the default persona and the query stay; domains and flags
# go (setarch -R is what turns address randomisation off); devel allows
# them all, for gdb.
@test "personality: PER_LINUX and the query under default, everything under devel" {
	run sbx -- "$SYSPROBE"
	assert_success
	assert_line "personality(PER_LINUX)=OK"
	assert_line "personality(0xffffffff)=OK"
	assert_line "personality(PER_LINUX|0xdeadbeef<<32)=OK"
	assert_line "personality(ADDR_NO_RANDOMIZE)=EPERM"
	assert_line "personality(PER_LINUX32)=EPERM"
	assert_line "personality(UNAME26)=EPERM"
	run sbx -- setarch "$(uname -m)" -R true
	assert_status 1
	assert_output_contains "Operation not permitted"
	run sbx --seccomp-profile devel -- "$SYSPROBE"
	assert_success
	assert_line "personality(ADDR_NO_RANDOMIZE)=OK"
	assert_line "personality(PER_LINUX32)=OK"
	assert_line "personality(UNAME26)=OK"
	run sbx --seccomp-profile devel -- setarch "$(uname -m)" -R true
	assert_success
}

@test "gdb runs a program under devel, with address randomisation off" {
	command -v gdb >/dev/null || skip "gdb is not installed"
	run sbx --seccomp-profile devel -- gdb -batch -ex run --args /bin/true
	assert_success
	assert_output_contains "exited normally"
	if [[ $output == *"Error disabling address space randomization"* ]]; then
		show_run
		return 1
	fi
	run sbx -- gdb -batch -ex run --args /bin/true
	assert_output_contains "Error disabling address space randomization: Operation not permitted"
}

@test "--seccomp-profile default is the same as giving nothing" {
	run sbx --seccomp-profile default -- "$SYSPROBE"
	assert_success
	assert_blocked_everywhere
}

@test "the command has NoNewPrivs 1 and Seccomp 2 (filter mode)" {
	run sbx -- "$PROBE" caps
	assert_success
	assert_line "NoNewPrivs:	1"
	assert_line "Seccomp:	2"
}

@test "--seccomp-profile none installs no filter and lets the calls reach the kernel" {
	local line
	run sbx --seccomp-profile none -- "$PROBE" caps
	assert_success
	assert_line "NoNewPrivs:	1"
	assert_line "Seccomp:	0"
	run sbx --seccomp-profile none -- "$SYSPROBE"
	assert_success
	assert_line "keyctl=EOPNOTSUPP"
	assert_line "ioctl(TIOCSTI)=EBADF"
	assert_line "ioctl(TIOCSTI|0xdeadbeef<<32)=EBADF"
	assert_line "clone3=EINVAL"
	assert_line "ioctl(TIOCSETD)=EBADF"
	assert_line "mount=EFAULT"
	assert_line "ptrace(ATTACH)=OK"
	for line in "${CONTROLS[@]}"; do
		assert_line "$line"
	done
}

@test "devel allows ptrace, perf_event_open and personality, and keeps the rest" {
	run sbx --seccomp-profile devel -- "$SYSPROBE"
	assert_success
	assert_line "ptrace(ATTACH)=OK"
	assert_line "ptrace=ESRCH"
	refute_line "perf_event_open=EPERM"
	assert_line "personality(ADDR_NO_RANDOMIZE)=OK"
	assert_line "keyctl=EPERM"
	assert_line "ioctl(TIOCSTI|0xdeadbeef<<32)=EPERM"
	assert_line "unshare(CLONE_NEWUSER)=EPERM"
	assert_line "clone3=ENOSYS"
	assert_line "mount=EPERM"
	assert_line "ioctl(TIOCSETD)=EPERM"
}

@test "a permissive filter installed inside cannot undo the profile" {
	run sbx -- "$SYSPROBE" stacked
	assert_success
	assert_line "stacked=OK"
	assert_blocked_everywhere
}

@test "unshare -U fails inside the sandbox" {
	run sbx -- unshare -U true
	assert_status 1
	assert_output_contains "Operation not permitted"
	run sbx -- unshare -U --map-root-user true
	assert_status 1
}

@test "unshare -U inside works with --seccomp-profile none: it is the filter that refuses" {
	run sbx --seccomp-profile none -- unshare -U true
	[[ $status -eq 0 ]] || skip "this kernel refuses nested user namespaces by itself"
	assert_success
}

@test "a policy file is compiled at run time and applied" {
	local pol
	pol=$(policy_file mine.policy $'# mine\ndefault allow\nkeyctl add_key: errno EACCES\nioctl: errno EXDEV if arg1 & 0xffffffff == TIOCSTI\n')
	run sbx --seccomp-profile "$pol" -- "$SYSPROBE"
	assert_success
	assert_line "keyctl=EACCES"
	assert_line "add_key=EACCES"
	assert_line "ioctl(TIOCSTI|0xdeadbeef<<32)=EXDEV"
	refute_line "bpf=EPERM"
}

@test "a policy file can build on a built-in profile with @include" {
	local pol
	pol=$(policy_file relaxed.policy $'@include default\nkeyctl: allow\n')
	run sbx --seccomp-profile "$pol" -- "$SYSPROBE"
	assert_success
	assert_line "keyctl=EOPNOTSUPP"
	assert_line "bpf=EPERM"
	assert_line "clone3=ENOSYS"
}

@test "a policy file binds the command, not the sandbox's own setup" {
	local pol
	# What pid 1 and the command's preparation use: fork, chdir, setrlimit.
	pol=$(policy_file strict.policy $'default allow\nclone clone3 fork vfork: errno EPERM\nchdir fchdir: kill-process\nprlimit64 setrlimit: errno EPERM\n')
	run sbx --seccomp-profile "$pol" -- "$PROBE" ids
	assert_success
	assert_line "uid=0 euid=0 gid=0 egid=0"
	# ... and the command is bound by it.
	run sbx --seccomp-profile "$pol" -- /bin/sh -c 'exec 2>/dev/null; echo in; /bin/true; echo forked'
	[[ $status -ne 0 && $status -ne 125 ]] || { show_run; false; }
	assert_output_equals "in"
}

# run_bad_policy TEXT: runs a sandbox with TEXT as its policy file, keeping
# stderr apart; the command would print its capabilities.
run_bad_policy() {
	BAD=$(policy_file bad.policy "$1")
	host_snapshot
	run --separate-stderr sbx --seccomp-profile "$BAD" -- "$PROBE" caps
}

# assert_policy_error WHERE MESSAGE: exit 125, one line with
# "BAD:WHERE: MESSAGE", the command never ran, nothing left on the host.
assert_policy_error() {
	assert_setup_error "$BAD:$1: $2"
	if [[ -n $output ]]; then
		echo "the command ran" >&2
		show_run
		return 1
	fi
	host_unchanged
}

@test "policy errors: FILE:LINE:COL, exit 125, nothing started" {
	run_bad_policy $'default allow\n\nkeyctll: errno EPERM\n'
	assert_policy_error 3:1 "unknown system call 'keyctll'"
	run_bad_policy $'default allow\nioctl: errno EPERM if arg1 == TIOCSTX\n'
	assert_policy_error 2:31 "unknown constant 'TIOCSTX'"
	run_bad_policy $'default allow\nclose: errno EPERM if arg0 => 1\n'
	assert_policy_error 2:28 "bad operator '=>'"
	run_bad_policy $'default allow\nclose: errno EPERM if arg0 & 0xff != 1\n'
	assert_policy_error 2:35 "a masked comparison takes =="
	run_bad_policy $'default allow\nclose: deny\n'
	assert_policy_error 2:8 "unknown action 'deny'"
}

@test "policy errors: include loops and a missing include name where they are" {
	run_bad_policy $'default allow\n@include bad.policy\n'
	assert_policy_error 2:10 "include loop"
	run_bad_policy $'@include nope.policy\n'
	assert_policy_error 1:10 "@include"
	assert_one_error_line "No such file or directory"
}

@test "policy errors: a file over 1 MiB is refused" {
	local big
	big=$(fixture_dir)/big.policy
	{
		echo "default allow"
		head -c 1100000 /dev/zero | tr '\0' '#'
	} >"$big"
	chmod a+r "$big"
	run --separate-stderr sbx --seccomp-profile "$big" -- "$PROBE" caps
	assert_setup_error "larger than 1 MiB"
	assert_output_equals ""
}

@test "an unknown profile name is an error that lists the built-in ones" {
	run --separate-stderr sbx --seccomp-profile defualt -- true
	assert_setup_error defualt
	assert_one_error_line "default, devel, none"
}

# bpf_size FILE: the size of FILE, which must be whole BPF instructions.
bpf_size() {
	local size
	size=$(stat -c %s "$1")
	if ((size == 0 || size % 8 != 0)); then
		echo "$1: $size bytes, not whole 8-byte instructions" >&2
		return 1
	fi
	echo "$size"
}

@test "--seccomp-export writes whole BPF instructions and exits 0" {
	local dir
	dir=$(fixture_dir)
	"$SANDBOX" --seccomp-export default >"$dir/default.bpf"
	bpf_size "$dir/default.bpf"
	"$SANDBOX" --seccomp-export devel >"$dir/devel.bpf"
	bpf_size "$dir/devel.bpf"
	run cmp -s "$dir/default.bpf" "$dir/devel.bpf"
	assert_status 1
}

@test "--seccomp-export of a policy file, and of none (nothing to export: 125)" {
	local pol dir
	dir=$(fixture_dir)
	pol=$(policy_file p.policy $'default allow\nkeyctl: errno EPERM\n')
	"$SANDBOX" --seccomp-export "$pol" >"$dir/p.bpf"
	bpf_size "$dir/p.bpf"
	run --separate-stderr "$SANDBOX" --seccomp-export none
	assert_setup_error none
	run --separate-stderr "$SANDBOX" --seccomp-export "$(policy_file bad.policy $'default allow\nx: allow\n')"
	assert_setup_error "bad.policy:2:1: unknown system call 'x'"
}

@test "--seccomp-export default | bwrap --seccomp 3 blocks the same calls" {
	[[ -x /usr/bin/bwrap ]] || skip "no /usr/bin/bwrap"
	local ours
	run sbx -- "$SYSPROBE"
	assert_success
	ours=$output
	run bash -c '"$1" --seccomp-export default |
		/usr/bin/bwrap --ro-bind "$2" "$2" --seccomp 3 -- "$3" 3<&0 </dev/null' \
		_ "$SANDBOX" "$TESTROOT" "$SYSPROBE"
	assert_success
	assert_blocked_everywhere
	assert_output_equals "$ours"
}

# in_pty COMMAND: runs the shell command line in a new pseudo-terminal that
# tests/integration/ttydrive.py makes (it types nothing, unlike script(1),
# which types its EOF character when its own stdin ends); output and lines
# are the command's KEY=VALUE lines.
in_pty() {
	run bounded "${PYTHON3:-python3}" "$BATS_TEST_DIRNAME/ttydrive.py" run bash -c "$1"
	output=$(sed -n 's/^inside_//p' <<<"$output")
	mapfile -t lines <<<"$output"
}

@test "TIOCSTI through a real terminal injects nothing, with or without garbage in the upper 32 bits" {
	local cmd="${SBX[*]} -- $SYSPROBE tiocsti INJECTED"
	in_pty "$cmd"
	assert_line "tiocsti=EPERM"
	assert_line "pending=[]"
	in_pty "$cmd hi"
	assert_line "tiocsti=EPERM"
	assert_line "pending=[]"
}

@test "TIOCSTI injection is what the probe detects without the filter" {
	in_pty "${SBX[*]} --seccomp-profile none -- $SYSPROBE tiocsti INJECTED"
	[[ $output != *"tiocsti=EIO"* ]] || skip "TIOCSTI disabled by dev.tty.legacy_tiocsti"
	assert_line "tiocsti=OK"
	assert_line "pending=[INJECTED]"
}

# The terminal ioctls with the arguments the terminal already has: the
# filter answers EPERM; without it TIOCSETD reaches the terminal (the other
# two need CAP_SYS_ADMIN of the initial namespace: refused by the kernel
# too, and sysprobe's calls on fd -1 show the filter answers first).
@test "TIOCSETD, TIOCCONS and TIOCSLCKTRMIOS on a real terminal are refused" {
	in_pty "${SBX[*]} -- $SYSPROBE tty-ioctls"
	assert_line "tiocsetd=EPERM"
	assert_line "tioccons=EPERM"
	assert_line "tiocslcktrmios=EPERM"
	in_pty "${SBX[*]} --seccomp-profile none -- $SYSPROBE tty-ioctls"
	assert_line "tiocsetd=OK"
}

@test "TIOCSETD, TIOCCONS and TIOCSLCKTRMIOS on a real terminal, through the i386 entry" {
	[[ $(uname -m) == x86_64 ]] || skip "not x86_64: no i386 entry"
	i386_entry_works || skip "int \$0x80 faults on this machine with no filter: nothing to check through"
	in_pty "${SBX[*]} -- $SYSPROBE tty-ioctls i386"
	assert_line "i386:tiocsetd=EPERM"
	assert_line "i386:tioccons=EPERM"
	assert_line "i386:tiocslcktrmios=EPERM"
	in_pty "${SBX[*]} --seccomp-profile none -- $SYSPROBE tty-ioctls i386"
	assert_line "i386:tiocsetd=OK"
}

@test "an interactive shell in the sandbox keeps job control" {
	local input='set -o | grep "^monitor"; sleep 0.3 & jobs; fg; echo fg-status=$?; exit'
	run timeout -k 5 "$SBX_TIMEOUT" script -qec "${SBX[*]} -- /bin/bash --norc --noprofile -i" /dev/null <<<"$input"
	output=${output//$'\r'/}
	assert_output_contains "fg-status=0"
	assert_output_contains "sleep 0.3"
	if [[ $output == *"no job control"* || $output == *"cannot set terminal process group"* ||
		! $output =~ monitor[[:space:]]+on ]]; then
		echo "the shell lost job control" >&2
		show_run
		return 1
	fi
}

@test "the i386 entry exists here, so the checks above cover it" {
	[[ $(uname -m) == x86_64 ]] || skip "not x86_64: no i386 entry to check"
	i386_entry_works || skip "int \$0x80 faults on this machine with no filter: the i386 checks were not made"
}
