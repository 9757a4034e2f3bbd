#!/usr/bin/env bats
# Attacks through the terminal the sandbox inherits: pushing input into the
# caller's shell with TIOCSTI (and its disguises) and the console ioctl
# TIOCLINUX.  Each runs under script(1), in a real pseudo-terminal, with a
# "victim" shell that, once the sandbox has exited, reads one line from the
# terminal and runs it, as an interactive shell would.

load ../integration/helpers
load attack_helpers

setup_file() {
	attack_setup_file
	command -v script >/dev/null || skip "script(1) is not installed"
}

setup() {
	attack_setup
	FIX=$(fixture_dir)
	PWNED=$FIX/pwned
	# The sandbox personality gives the command a pty of its own; the
	# filter must hold where the caller's terminal is shared too.
	TTY_MODES=("")
	if [[ $ATTACK_TARGET == sandbox ]]; then
		TTY_MODES+=(--share-terminal)
	fi
}

# victim_pty OPTION... -- COMMAND...: in a new pseudo-terminal, a bash
# runs the target with COMMAND, then reads a line from the terminal for up
# to 2 seconds and evaluates it.  Output in $output, CRs removed.
victim_pty() {
	local cmd q
	printf -v q '%q ' "${TARGET[@]}" "$@"
	cmd="$q; read -r -t 2 line && eval \"\$line\"; echo victim-done"
	run timeout -k 5 "$SBX_TIMEOUT" script -qec "bash --norc --noprofile -c $(printf %q "$cmd")" /dev/null </dev/null
	# script(1) types its EOF character when its stdin ends; a pty of the
	# sandbox's own, which gets every byte typed, echoes it as ^@.
	output=${output//$'\r'/}
	output=${output//^@/}
	mapfile -t lines <<<"$output"
}

# tty_attack MODE [REDIRECTS]: injects "touch PWNED" with MODE; checks the
# victim ran nothing.
tty_attack() {
	local mode=$1 how
	for how in "${TTY_MODES[@]}"; do
		rm -f "$PWNED"
		victim_pty $how -- "$A" tty-inject "$mode" "touch $PWNED"
		assert_output_contains victim-done
		[[ -n $(value tiocsti) ]] || { show_run; false; }
		if [[ $(value tiocsti) == EIO ]]; then
			skip "TIOCSTI disabled by dev.tty.legacy_tiocsti"
		fi
		blocked "TIOCSTI ($mode ${how:-own pty}) accepted" refused tiocsti
		blocked "the caller's shell ran the injected command ($mode ${how:-own pty})" \
			host_absent "$PWNED"
	done
}

# CVE-2017-5226: the sandboxed program pushes "touch FILE\n" into the
# terminal's input queue with TIOCSTI; the caller's shell reads it as typed
# once the sandbox exits.  Through stdin, and through a fresh open of
# /dev/tty (the controlling terminal).  The injection check of the pending
# input itself is in integration/seccomp.bats.
@test "tty/tiocsti: TIOCSTI into the caller's shell through stdin and /dev/tty (CVE-2017-5226)" {
	tty_attack plain
	tty_attack devtty
}

# The same through stdout or stderr: a filter or a caller that only
# guards stdin (for example by redirecting it from /dev/null) misses the
# terminal on fds 1 and 2.
@test "tty/tiocsti-other-fds: TIOCSTI through stdout and stderr" {
	tty_attack fd1
	tty_attack fd2
}

# CVE-2019-10063 (Flatpak): the kernel reads the ioctl request as 32 bits,
# a filter that compares all 64 bits misses TIOCSTI with garbage in the
# upper half.
@test "tty/tiocsti-high-bits: TIOCSTI with garbage in the upper 32 bits (CVE-2019-10063)" {
	tty_attack hi
}

# TIOCSTI through the other system call entries of x86_64: the i386
# int 0x80 entry (ioctl is number 54 there) and x32, which a filter that
# checks only the native architecture misses; a test for each.
@test "tty/tiocsti-compat-abi: TIOCSTI through the x32 entry" {
	[[ $(uname -m) == x86_64 ]] || skip "x86_64 only"
	rm -f "$PWNED"
	victim_pty -- "$A" tty-inject x32 "touch $PWNED"
	if [[ $(value tiocsti) == ENOSYS ]]; then
		: # the kernel has no x32 entry: nothing to inject through
	else
		blocked "TIOCSTI through x32 accepted" refused tiocsti
	fi
	blocked "the caller's shell ran the injected command (x32)" host_absent "$PWNED"
}

@test "tty/tiocsti-compat-abi-i386: TIOCSTI through the i386 entry" {
	[[ $(uname -m) == x86_64 ]] || skip "x86_64 only"
	i386_entry_works || skip "int \$0x80 faults on this machine with no filter: nothing to inject through"
	tty_attack i386
}

# TIOCLINUX: on a virtual console, subcode 3 pastes the selection into the
# input queue (the same injection), and other subcodes read the screen.
# The default profile refuses it with EPERM, with upper-half garbage and
# through the i386 entry too (a test of its own).  A kernel answer (ENOTTY on a pty, EINVAL)
# means the request reached the console code: reported as getting
# through, since on a console it would work.
@test "tty/tioclinux: TIOCLINUX paste, plain and with high bits" {
	victim_pty -- "$A" tioclinux
	assert_output_contains victim-done
	blocked "TIOCLINUX reaches the kernel" refused_with EPERM tioclinux tioclinux-hi
}

@test "tty/tioclinux-i386: TIOCLINUX paste through the i386 entry" {
	[[ $(uname -m) == x86_64 ]] || skip "x86_64 only"
	i386_entry_works || skip "int \$0x80 faults on this machine with no filter: nothing to attack through"
	victim_pty -- "$A" tioclinux i386
	assert_output_contains victim-done
	blocked "TIOCLINUX through i386 reaches the kernel" refused_with EPERM tioclinux-i386
}

# The caller's terminal reconfigured from inside: TIOCSETD attaches
# another line discipline, whose kernel code then runs on the caller's
# terminal (the n_hdlc race, CVE-2017-2636); TIOCCONS takes the console's
# output; TIOCSLCKTRMIOS locks its settings.  The probe asks for what the
# terminal already has, so nothing changes if one gets through.  Each must
# be refused by the filter (EPERM) before the terminal code runs: a kernel
# answer is reported as getting through.
@test "tty/ldisc-console: TIOCSETD, TIOCCONS and TIOCSLCKTRMIOS on the caller's terminal" {
	[[ -x $SYSPROBE ]] || skip "sysprobe not built"
	victim_pty -- "$SP" tty-ioctls
	assert_output_contains victim-done
	blocked "a terminal ioctl reached the caller's terminal" refused_with EPERM \
		tiocsetd tioccons tiocslcktrmios
}

@test "tty/ldisc-console-i386: the same through the i386 entry" {
	[[ $(uname -m) == x86_64 ]] || skip "x86_64 only"
	[[ -x $SYSPROBE ]] || skip "sysprobe not built"
	i386_entry_works || skip "int \$0x80 faults on this machine with no filter: nothing to attack through"
	victim_pty -- "$SP" tty-ioctls i386
	assert_output_contains victim-done
	blocked "a terminal ioctl reached the caller's terminal through i386" refused_with EPERM \
		i386:tiocsetd i386:tioccons i386:tiocslcktrmios
}
