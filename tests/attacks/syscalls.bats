#!/usr/bin/env bats
# Attacks on the system-call filter: the calls it must refuse, used for
# what they are used for in real exploits, and the ways around a filter
# (other ABIs, flags hidden among others, stacking, exec, removal).  The
# exact errno of each call is asserted in integration/seccomp.bats; here
# each call is an attack that must fail.

load ../integration/helpers
load attack_helpers

setup_file() {
	attack_setup_file
}

# sysprobe's names of the calls the default profile refuses (the controls,
# which it lets through on purpose, are left out).
BLOCKED_NAMES='keyctl|add_key|request_key|bpf|userfaultfd|perf_event_open|kexec_load|kexec_file_load|init_module|finit_module|delete_module|open_tree|move_mount|fsopen|fsconfig|fsmount|fspick|mount_setattr|io_uring_setup|io_uring_enter|io_uring_register|ptrace|process_vm_readv|process_vm_writev|pidfd_getfd|acct|swapon|swapoff|reboot|settimeofday|clock_settime|clock_settime64|stime|adjtimex|clock_adjtime|clock_adjtime64|quotactl|quotactl_fd|syslog|uselib|vm86|vm86old|iopl|ioperm|open_by_handle_at|lookup_dcookie|nfsservctl|create_module|fanotify_init|clone3|mount|umount|umount2|pivot_root|chroot|setns|sethostname|setdomainname|vhangup|ioctl\(TIOC(STI|LINUX|SETD|CONS|SLCKTRMIOS)[^)]*\)|unshare\(CLONE_NEW[A-Z]*[^)]*\)|clone\(CLONE_NEW[A-Z]*\)|personality\((ADDR_NO_RANDOMIZE|READ_IMPLIES_EXEC|PER_LINUX32|UNAME26)[^)]*\)|ptrace\(ATTACH\)'

# Those of them whose harmless arguments make the kernel answer with an
# error other than EPERM: that error means the call got past the filter.
KERNEL_ANSWERED='keyctl|add_key|request_key|userfaultfd|io_uring_setup|io_uring_enter|io_uring_register|mount|umount|umount2|chroot|setns|quotactl|quotactl_fd|adjtimex|clock_adjtime|clock_adjtime64|clock_settime64|nfsservctl|create_module|ioctl\(TIOC(STI|LINUX|SETD|CONS|SLCKTRMIOS)[^)]*\)'

setup() {
	attack_setup
	FIX=$(fixture_dir)
}

# The whole table of refused calls (keyrings, bpf, userfaultfd, perf,
# kexec and modules, mounts, chroot and the new mount API, namespaces,
# io_uring, ptrace and process_vm_*, host-wide settings, legacy
# interfaces, the terminal ioctls and vhangup, personality domains and
# flags) through the native, i386 and x32 entries, by the static
# sysprobe.  Every one must fail, and fail with an error rather than kill
# the caller: a blocked call that works, or that reaches the kernel's own
# checks (which differ from kernel to kernel), is the attack getting
# through.
@test "sec/errno-table: every call of the default profile on every ABI" {
	[[ -x $SYSPROBE ]] || skip "sysprobe not built"
	run tgt -- "$SP"
	ran_ok
	# Calls the filter lets through on purpose (the controls) are left out.
	blocked "a blocked call worked" no_match "^([a-z0-9]+:)?($BLOCKED_NAMES)=OK\$"
	blocked "a blocked call reached the kernel" no_match "^([a-z0-9]+:)?($KERNEL_ANSWERED)=E(OPNOTSUPP|BADF|INVAL|FAULT|NOTTY|NOKEY|NODEV|NOSYS)\$"
	blocked "a blocked call killed the caller" no_match '=SIG'
}

# Keyrings are not namespaced: the caller's session
# keyring is inherited by everything it starts.  A secret planted in it on
# the host (as a Kerberos or disk-encryption key would be) must not be
# found or read inside, and nothing may be added to it.
@test "sec/keyring: the caller's session keyring read from inside" {
	run bounded "$ATTACK" key-plant sbx-attack-key -- "${TARGET[@]}" -- "$A" key-steal sbx-attack-key
	[[ $output != *"join="* ]] || skip "cannot make a session keyring here: $output"
	ran_ok
	blocked "the host key was found" refused search
	blocked "the host key was read" no_match '^payload='
	blocked "a key was added to the caller's keyring" refused add_key
}

# What only a capability holder may do, with every capability the
# sandbox's user namespace can give (--cap-add ALL): mounting over the
# sandbox's files, unmounting what hides the host, pivot_root and chroot
# out of the root, joining or making namespaces, renaming the host, quotas,
# the clock, the terminal's line discipline and console, other execution
# domains.  The kernel would let each one go on; the filter refuses it
# with EPERM, on the native and x32 entries (i386 in a test of its own).
CAP_ATTACKS=(mount umount2 pivot_root chroot setns sethostname setdomainname
	'unshare(CLONE_NEWNS)' 'unshare(CLONE_NEWPID)' 'unshare(CLONE_NEWNET)'
	'clone(CLONE_NEWNS)' 'clone(CLONE_NEWPID)' quotactl quotactl_fd adjtimex
	clock_adjtime 'ioctl(TIOCSETD)' 'ioctl(TIOCCONS)' 'ioctl(TIOCSLCKTRMIOS)'
	'personality(PER_LINUX32)' 'personality(UNAME26)')

@test "sec/capability-calls: mounts, chroot, namespaces, clock, terminal with every capability inside" {
	[[ -x $SYSPROBE ]] || skip "sysprobe not built"
	run tgt --cap-add ALL -- "$SP"
	ran_ok
	blocked "a capability call reached the kernel" refused_with EPERM "${CAP_ATTACKS[@]}"
	if [[ $(uname -m) == x86_64 ]]; then
		blocked "a capability call reached the kernel through x32" refused_with EPERM "${CAP_ATTACKS[@]/#/x32:}"
	fi
}

@test "sec/capability-calls-i386: the same through the i386 entry" {
	[[ $(uname -m) == x86_64 ]] || skip "x86_64 only"
	[[ -x $SYSPROBE ]] || skip "sysprobe not built"
	i386_entry_works || skip "int \$0x80 faults on this machine with no filter: nothing to attack through"
	run tgt --cap-add ALL -- "$SP"
	ran_ok
	blocked "a capability call reached the kernel through i386" refused_with EPERM \
		"${CAP_ATTACKS[@]/#/i386:}" i386:umount i386:clock_settime64 i386:clock_adjtime64
}

# A filter that checks only the native ABI misses the same call made
# through the i386 entry (int 0x80, where unshare is 310) or with the x32
# bit: CLONE_NEWUSER through both, a test for each.
@test "sec/compat-abi: unshare(CLONE_NEWUSER) through the x32 entry" {
	[[ $(uname -m) == x86_64 ]] || skip "x86_64 only"
	run tgt -- "$A" compat-userns
	ran_ok
	blocked "a user namespace through x32" refused x32-unshare
}

@test "sec/compat-abi-i386: unshare(CLONE_NEWUSER) through the i386 entry" {
	[[ $(uname -m) == x86_64 ]] || skip "x86_64 only"
	i386_entry_works || skip "int \$0x80 faults on this machine with no filter: nothing to attack through"
	run tgt -- "$A" compat-userns
	ran_ok
	blocked "a user namespace through i386" refused i386-unshare
}

# A filter that compares the whole flags argument with == CLONE_NEWUSER
# misses the flag combined with others: unshare and clone with
# CLONE_NEWUSER among mount, network, IPC, UTS, pid, files and fs flags.
@test "sec/masked-flags: CLONE_NEWUSER among other unshare and clone flags" {
	run tgt -- "$A" masked-flags
	ran_ok
	blocked "a user namespace with combined flags" refused unshare-user-mnt \
		unshare-user-net-ipc-uts unshare-user-files-fs unshare-user-sysvsem clone-user-pid clone-user-ns
}

# Getting rid of the filter: a stacked filter that allows everything
# (also with TSYNC and SPEC_ALLOW), clearing no_new_privs, PR_SET_SECCOMP
# 0; then whether a blocked call still is, in this process, in a vfork
# child, after execve and after execveat.  Against bubblewrap, which has no
# filter of its own, the same BPF is given with --seccomp, so that the
# attack is on the filter and not on its absence.
@test "sec/filter-removal: stacking, clearing and exec to get rid of the filter" {
	if is_bwrap; then
		"$SANDBOX" --seccomp-export default >"$FIX/default.bpf"
		TARGET+=(--seccomp 9)
		exec 9<"$FIX/default.bpf"
	fi
	run tgt -- "$A" filter-removal "$A"
	is_bwrap && exec 9<&-
	ran_ok
	blocked "no_new_privs cleared or filter mode left" refused clear-nnp mode-disabled
	blocked "a blocked call works after stacking allow-all filters" refused start-unshare
	blocked "a blocked call works in a vfork child" refused vfork-unshare
	blocked "a blocked call works after execve" refused exec-unshare
	blocked "a blocked call works after execveat" refused execveat-unshare
}

# io_uring runs requests (openat, connect, ...) without system calls, so a
# filter cannot see them, and it has been a rich source of kernel exploits.
# Setting up a ring must fail.
@test "sec/io-uring: io_uring_setup and a request through the ring" {
	run tgt -- "$A" io-uring
	ran_ok
	blocked "an io_uring was set up" refused io_uring_setup
}

# userfaultfd holds the kernel at a page fault of the attacker's choosing,
# the usual way to win a kernel race.  The user-mode-only flavour is open
# to unprivileged callers when vm.unprivileged_userfaultfd is 0.
@test "sec/userfaultfd: a userfaultfd, user-mode-only and plain" {
	run tgt -- "$A" uffd
	ran_ok
	blocked "a userfaultfd was made" refused userfaultfd-user userfaultfd
}

# perf_event_open: side channels on other processes and a long record of
# privilege escalations; a user-only software counter is allowed to anyone
# by perf_event_paranoid 2.
@test "sec/perf-event: perf_event_open of a user-space counter" {
	run tgt -- "$A" perf
	ran_ok
	blocked "a perf event was opened" refused perf_event_open
}

# personality(ADDR_NO_RANDOMIZE) turns address randomisation off for what
# the command runs next (including a setuid program, were there one), and
# READ_IMPLIES_EXEC makes every readable mapping executable.
@test "sec/personality: switching off ASLR and NX with personality(2)" {
	run tgt -- "$A" personality
	ran_ok
	blocked "ASLR switched off" refused addr_no_randomize
	blocked "READ_IMPLIES_EXEC set" refused read_implies_exec
}

# eBPF: the verifier is a large attack surface.  Loading the smallest
# socket filter and creating an array map must fail (the kernel refuses
# them too when kernel.unprivileged_bpf_disabled is set).
@test "sec/bpf: loading an eBPF program and creating a map" {
	run tgt -- "$A" bpf
	ran_ok
	blocked "an eBPF program was loaded" refused prog_load
	blocked "an eBPF map was created" refused map_create
}

# ptrace of one's own child: before Linux 4.8 a tracer could change a
# system call after the filter had allowed it, and any tracer can make its
# tracee run calls the tracer itself is not allowed.
@test "sec/ptrace-bypass: PTRACE_ATTACH to a child of the command" {
	[[ -x $SYSPROBE ]] || skip "sysprobe not built"
	run tgt -- "$SP"
	ran_ok
	blocked "ptrace of a child" refused "ptrace(ATTACH)"
}
