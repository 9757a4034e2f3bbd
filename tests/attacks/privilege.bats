#!/usr/bin/env bats
# Attacks on privileges: getting capabilities back, setuid and
# file-capability programs, nested user namespaces, reaching into the
# reaper or the launcher (ptrace, /proc/PID/mem, /proc/PID/exe), the id
# maps, and what the sandbox's processes hold as seen from the host.

load ../integration/helpers
load attack_helpers

setup_file() {
	attack_setup_file
}

setup() {
	attack_setup
	FIX=$(fixture_dir)
}

teardown() {
	bg_cleanup
}

# sbin_tool NAME: the path of a tool that may live in an sbin directory
# outside the test user's PATH.
sbin_tool() {
	local d
	command -v "$1" && return 0
	for d in /usr/sbin /sbin; do
		[[ -x $d/$1 ]] && echo "$d/$1" && return 0
	done
	return 1
}

# caps_all_zero: the Cap* lines of `attack caps` in $output (the last
# ones, after any "before-exec:" copy) are all zero, and NoNewPrivs is 1.
caps_all_zero() {
	local key v
	for key in CapInh CapPrm CapEff CapBnd CapAmb; do
		v=$(printf '%s\n' "${lines[@]}" | sed -n "s/^$key:[[:space:]]*//p" | tail -n 1)
		[[ -n $v ]] || return 2
		[[ $v == 0000000000000000 ]] || return 1
	done
	v=$(printf '%s\n' "${lines[@]}" | sed -n 's/^NoNewPrivs:[[:space:]]*//p' | tail -n 1)
	[[ $v == 1 ]]
}

# Root inside the user namespace asking for capabilities back: capset to
# the full set, PR_CAP_AMBIENT_RAISE of every cap, setresuid(0) with
# keepcaps, clearing no_new_privs; then an exec (where a root process
# regains its bounding set) and a second exec through a shell.  The
# plain check is in security.bats; this one attacks first.
@test "priv/caps-after-exec: capset, ambient raise, keepcaps and exec as uid 0" {
	run tgt -- "$A" cap-raise "$A"
	ran_ok
	blocked "capset to the full set" refused capset-full
	blocked "ambient capabilities raised" test "$(value ambient-raised)" = 0
	blocked "no_new_privs cleared" refused clear-nnp
	blocked "capabilities after exec" caps_all_zero
	run tgt -- /bin/sh -c "exec /bin/sh -c 'exec $A caps'"
	ran_ok
	blocked "capabilities after a second exec" caps_all_zero
}

# A setuid-root program inside: the test driver makes $TESTROOT/probe-suid
# when it runs as root.  Every mount is nosuid, no_new_privs is set, and
# the owner (host root) is not even mapped; the effective uid must stay.
# Bound read-only, read-write and as a device bind (still nosuid).
@test "priv/setuid-binary: a setuid-root program run inside" {
	local suid=$TESTROOT/probe-suid opt
	[[ -u $suid ]] || skip "no setuid-root probe (the driver makes one when run as root)"
	for opt in --ro-bind --bind --dev-bind; do
		run tgt "$opt" "$suid" /a/suid -- /a/suid ids
		ran_ok
		[[ $output =~ ^uid=([0-9]+)\ euid=([0-9]+) ]] || { show_run; false; }
		blocked "euid changed with $opt" test "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}"
	done
}

# A program with file capabilities: the driver makes $TESTROOT/probe-fcaps
# (cap_net_raw+ep) when it runs as root and setcap exists.  The capability
# must not be granted inside.
@test "priv/file-caps: a program with file capabilities (cap_net_raw+ep) run inside" {
	local fcaps=$TESTROOT/probe-fcaps
	[[ -x $fcaps ]] && "$(sbin_tool getcap)" "$fcaps" 2>/dev/null | grep -q cap_net_raw ||
		skip "no probe with file capabilities (the driver makes one when run as root)"
	run tgt --ro-bind "$fcaps" /a/fcaps -- /a/fcaps caps
	ran_ok
	blocked "file capability granted" caps_all_zero
	run tgt --ro-bind "$fcaps" /a/fcaps -- /bin/sh -c "exec /a/fcaps caps"
	ran_ok
	blocked "file capability granted through a shell" caps_all_zero
}

# Namespaced file capabilities (v3, Linux 4.14): any user can, in a user
# namespace of its own, put cap_net_raw+ep on its own file "for" the
# namespaces whose root is its uid, which is exactly what the sandbox's
# root is.  Such a file run inside must get nothing; and the command
# itself must not be able to write a file capability.
@test "priv/userns-file-caps: v3 file capabilities rooted at the caller's uid" {
	local setcap
	setcap=$(sbin_tool setcap) || skip "setcap is not installed"
	cp "$PROBE" "$FIX/fc"
	if ! unshare -Ur "$setcap" cap_net_raw+ep "$FIX/fc" 2>/dev/null; then
		skip "cannot set namespaced file capabilities here"
	fi
	run tgt --ro-bind "$FIX/fc" /a/fc -- /a/fc caps
	ran_ok
	blocked "namespaced file capability granted" caps_all_zero
	run tgt --bind "$FIX" /w -- /bin/sh -c "cp $P /tmp/mine && $A setfcap /tmp/mine; $A setfcap /w/fc"
	ran_ok
	blocked "the command wrote a file capability" refused setxattr
}

# A second user namespace gives its creator every capability in it: the
# gateway to most unprivileged kernel exploits, and in it a mount
# namespace whose mounts could be changed.  unshare, clone and clone3 with
# CLONE_NEWUSER, and the whole chain (id maps written, then a remount of
# the read-only /usr, which the kernel keeps locked).
@test "priv/nested-userns: a user namespace inside the sandbox" {
	run tgt -- "$A" nested-userns /usr
	ran_ok
	blocked "unshare(CLONE_NEWUSER)" refused unshare
	blocked "clone(CLONE_NEWUSER)" refused clone
	blocked "clone3(CLONE_NEWUSER)" refused clone3
	blocked "nested namespace with mapped root" refused userns-remount
}

# CVE-2016-8659 and CVE-2020-5291 were bubblewrap's pid 1 left dumpable
# and ptrace-able.  From the command: PTRACE_ATTACH and PTRACE_SEIZE of
# pid 1, /proc/1/mem read and write, process_vm_readv, /proc/1/exe for
# writing, and copying its fds out with pidfd_getfd.  (security.bats runs
# the probe's ptrace-pid1 500 times against the start-up race.)
@test "priv/ptrace-reaper: ptrace, /proc/1/mem and pidfd_getfd on pid 1" {
	run tgt -- "$P" ptrace-pid1
	ran_ok
	blocked "ptrace of pid 1" refused attach seize
	blocked "/proc/1/mem opened" refused mem-read mem-write
	run tgt -- "$A" proc-magic 1
	ran_ok
	blocked "/proc/1/mem opened for writing" refused mem
	blocked "fds of pid 1 copied with pidfd_getfd" test "$(value pidfd_getfd)" = none
	blocked "process_vm_readv of pid 1" refused process_vm_readv
}

# The launcher runs outside every namespace; reaching it is reaching the
# host.  By default it is outside the sandbox's pid namespace: its pid (and
# its caller's) must give nothing.  With --share-pid it is the command's
# parent, in the same pid namespace: /proc/PPID/{mem,cwd,root,exe,fd},
# ptrace and pidfd_getfd must still be refused.
@test "priv/ptrace-launcher: the launcher and its caller from inside" {
	run bounded bash -c 'exec "$@" "$$" "$PPID"' _ "${TARGET[@]}" -- "$A" pid-reach
	ran_ok
	[[ $output == *kill0-* ]] || { show_run; false; }
	blocked "the launcher's or its caller's pid reachable" no_match '^(kill0|pidfd)-[0-9]+=OK'
	is_bwrap && return 0 # bubblewrap has no --share-pid
	run tgt --share-pid -- "$A" proc-magic ppid
	ran_ok
	blocked "the launcher's /proc/PID links" refused readlink-cwd open-cwd readlink-root open-root \
		readlink-exe readlink-fd/0 open-fd/0
	blocked "the launcher's memory" refused mem process_vm_readv
	blocked "the launcher's exe for writing" refused exe-write
	blocked "ptrace of the launcher" refused ptrace-seize
	blocked "the launcher's fds with pidfd_getfd" test "$(value pidfd_getfd)" = none
	run tgt --share-pid -- "$A" proc-magic "$BASHPID"
	ran_ok
	blocked "the caller's /proc/PID links" refused readlink-cwd open-cwd readlink-root open-root mem
	blocked "the caller's fds with pidfd_getfd" test "$(value pidfd_getfd)" = none
}

# CVE-2019-5736 (runc): the container wrote the runtime's own binary
# through /proc/PID/exe, re-opening an O_PATH fd for writing.  Here the
# launcher is a copy owned by the test user, so that file permissions do
# not stop the write; pid 1 (the reaper, an image of the launcher) is
# attacked through /proc/1/exe, straight and by re-opening.  The copy on
# the host must be byte for byte the same afterwards.
@test "priv/exe-overwrite: the launcher binary through /proc/1/exe (CVE-2019-5736)" {
	cp "${TARGET[0]}" "$FIX/launcher"
	chmod 0755 "$FIX/launcher"
	local sum
	sum=$(sha256sum <"$FIX/launcher")
	TARGET[0]=$FIX/launcher
	run tgt -- "$A" exe-write /proc/1/exe
	ran_ok
	blocked "/proc/1/exe opened for writing" refused open-write reopen-write
	run tgt -- /bin/sh -c "$A exe-write /proc/1/exe; $A proc-magic 1"
	ran_ok
	blocked "/proc/1/exe opened for writing from a shell" refused open-write exe-write
	blocked "the launcher binary changed" test "$(sha256sum <"$FIX/launcher")" = "$sum"
}

# The id maps are written once, by the launcher.  The command tries to
# widen them (map all of the host's uids), to allow setgroups, to write
# pid 1's maps, and the calls only a wider map would allow.
@test "priv/uid-map: rewriting uid_map, gid_map and setgroups from inside" {
	run tgt -- "$A" uid-map
	ran_ok
	blocked "uid_map or gid_map rewritten" refused uid_map gid_map pid1-uid_map
	blocked "setgroups allowed" refused setgroups-allow setgroups
	blocked "an unmapped uid reached" refused setuid-12345
}

# From the host, every process of the sandbox (launcher, reaper,
# command) must run as the caller's uid and gid in all four slots and
# hold no capability (effective, permitted, inheritable, ambient): a
# launcher that kept privileges for setup would show here.
@test "priv/host-credentials: /proc/PID/status of launcher, reaper and command, from the host" {
	local marker pids=() p all key v uid gid
	marker=$(unique_marker)
	uid=$(id -u)
	gid=$(id -g)
	bg_target -- "$P" sleep 30 "$marker"
	wait_for_process "$P sleep 30 $marker"
	pids=("$BG_PID")
	for ((p = 0; p < ${#pids[@]} && p < 8; p++)); do
		for all in $(cat /proc/"${pids[p]}"/task/*/children 2>/dev/null); do
			pids+=("$all")
		done
	done
	output=$(for p in "${pids[@]}"; do echo "== $p $(cat /proc/$p/comm)"; grep -E '^(Uid|Gid|Cap)' /proc/$p/status; done)
	mapfile -t lines <<<"$output"
	[[ ${#pids[@]} -ge 2 ]] || { echo "found only ${pids[*]}" >&2; show_run; false; }
	for p in "${pids[@]}"; do
		[[ -r /proc/$p/status ]] || continue
		v=$(awk '/^Uid:/ { print $2, $3, $4, $5 }' /proc/$p/status)
		blocked "pid $p runs as uid '$v'" test "$v" = "$uid $uid $uid $uid"
		v=$(awk '/^Gid:/ { print $2, $3, $4, $5 }' /proc/$p/status)
		blocked "pid $p runs as gid '$v'" test "$v" = "$gid $gid $gid $gid"
		for key in CapInh CapPrm CapEff CapAmb; do
			v=$(awk -v k="$key:" '$1 == k { print $2 }' /proc/$p/status)
			blocked "pid $p has $key $v" test "$v" = 0000000000000000
		done
	done
	pkill -KILL -u "$uid" -f -- "$P sleep 30 $marker" || true
	wait_bounded "$BG_PID" 10
	BG_PID=
}
