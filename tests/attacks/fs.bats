#!/usr/bin/env bats
# Attacks on the filesystem: making read-only binds writable, leading
# setup out of the new root, reaching the host's tree through a cwd, an fd
# or procfs, and leaking mounts to the host.  Each test names the escape
# it reproduces; see attack_helpers.bash for how verdicts work.

load ../integration/helpers
load attack_helpers

setup_file() {
	attack_setup_file
}

teardown() {
	bg_cleanup
}

setup() {
	attack_setup
	FIX=$(fixture_dir)
	mkdir "$FIX/victim" "$FIX/rw"
	echo original >"$FIX/rw/file"
}

victim_list() {
	ls -A "$FIX/victim" | tr '\n' ' ' | sed 's/ $//'
}

# assert_rw_untouched: after an attack on FIX/rw bound read-only at /ro,
# the host's FIX/rw/file is as it was and nothing new appeared next to it.
assert_rw_untouched() {
	blocked "host file rewritten" host_file_is "$FIX/rw/file" original
	blocked "host file created" host_absent "$FIX/rw/new"
	blocked "host file created" host_absent "$FIX/rw/x"
}

# --- read-only binds -----------------------------------------------------

# The mount(2) way: MS_REMOUNT|MS_BIND without MS_RDONLY (what `mount -o
# remount,rw,bind` does), a plain remount, and a bind of the mount over
# itself, then a write.  Stopped by the command having no CAP_SYS_ADMIN in
# its user namespace.  The probe variant is mounts.bats "a --ro-bind cannot
# be made writable from inside"; here the host file is checked too.
@test "fs/ro-remount: mount(MS_REMOUNT|MS_BIND) makes a --ro-bind writable" {
	host_snapshot
	run tgt --ro-bind "$FIX/rw" /ro -- "$A" ro-remount /ro /ro/file
	ran_ok
	blocked "remount allowed" refused remount-bind-rw remount-rw bind-over-rw
	blocked "write after remount" refused write
	assert_rw_untouched
	blocked "host changed" host_unchanged
}

# mount_setattr(2) with AT_RECURSIVE clearing MOUNT_ATTR_RDONLY on the
# bind and every submount (Linux 5.12).  The default profile answers
# ENOSYS; without it the kernel wants CAP_SYS_ADMIN.
@test "fs/ro-mount-setattr: mount_setattr(AT_RECURSIVE) clears MOUNT_ATTR_RDONLY" {
	run tgt --ro-bind "$FIX/rw" /ro -- "$A" ro-setattr /ro /ro/file
	ran_ok
	blocked "mount_setattr allowed" refused mount_setattr
	blocked "write after mount_setattr" refused write
	assert_rw_untouched
}

# open_tree(OPEN_TREE_CLONE) copies the read-only mount into a detached
# tree owned by the caller; its flags are then cleared on the copy, a file
# is written through it, and the copy is attached elsewhere with
# move_mount.  fsopen() would mount a fresh filesystem over the bind.
@test "fs/ro-open-tree-clone: a detached clone of a --ro-bind made writable" {
	run tgt --ro-bind "$FIX/rw" /ro -- "$A" ro-clone /ro new
	ran_ok
	blocked "open_tree clone" refused open_tree
	blocked "write through the clone" refused clone-write move_mount
	blocked "fsopen" refused fsopen
	assert_rw_untouched
}

# Submounts: a read-only bind must be read-only all the way down.  The
# host's /dev has a world-writable tmpfs (/dev/shm) mounted below it, and
# the host root has every writable place of the test user below it; a
# non-recursive read-only flag would leave those writable.  (mounts.bats
# checks the /dev/shm case with the probe; this one writes everywhere and
# checks the host.)
@test "fs/ro-submounts: writable host submounts below a --ro-bind" {
	local name=sbx-attack-$RANDOM$RANDOM places=() p
	for p in /dev/shm /tmp /var/tmp "$FIX/victim"; do
		[[ -d $p && -w $p ]] && places+=("$p")
	done
	host_snapshot
	run tgt --ro-bind /dev /hostdev --ro-bind / /host -- /bin/sh -c "
		test -d /host$FIX/victim && echo host-root-visible
		$A write /hostdev/shm/$name
		for p in ${places[*]}; do $A write /host\$p/$name; done"
	ran_ok
	if [[ $output != *host-root-visible* ]]; then
		echo "--ro-bind / /host does not show the host's root inside, so the" >&2
		echo "submount attack cannot be checked (a bug of the launcher)" >&2
		show_run
		return 1
	fi
	blocked "write below a read-only bind" no_line "write=OK"
	for p in "${places[@]}"; do
		blocked "created $p/$name on the host" host_absent "$p/$name"
	done
	blocked "host changed" host_unchanged
}

# --- destinations that lead out of the new root ------------------------

# A chain of symlinks made by the options themselves: absolute, relative
# with more ".." than there are levels, through a directory that exists
# only on the host, ending at a host directory the test user may write.
# Every kind of op is then aimed through the chain.  The one-hop cases are
# in paths.bats; this is the chained form bubblewrap's GHSA-pxhw-h44j-8pfx
# walked, plus a symlink loop that must fail cleanly.
@test "fs/symlink-chain: chained, relative and looping symlinks as destinations" {
	local up=../../../../../../../..
	host_snapshot
	exec 6<<<"file-data"
	run tgt --symlink /l2 /l1 --symlink "$up$FIX" /l2 \
		--dir /l1/victim/chain-dir --bind "$FIX/rw" /l1/victim/chain-mount \
		--file 6 /l1/victim/chain-file --tmpfs /l1/victim/chain-tmpfs \
		--symlink /x /l1/victim/chain-link -- /bin/true
	exec 6<&-
	blocked "created in the host victim dir: $(victim_list)" test -z "$(victim_list)"
	blocked "host changed" host_unchanged
	run tgt --symlink /loop2 /loop1 --symlink /loop1 /loop2 --dir /loop1/x -- /bin/true
	[[ $status -ne 0 ]] || { echo "a symlink loop as destination worked" >&2; show_run; false; }
	blocked "host changed after the loop" host_unchanged
}

# ".." in the destination of every op that creates or changes something,
# climbing above the new root to a host directory the test user owns,
# including --chmod, which would change the host directory's mode.
@test "fs/dotdot-every-op: /../.. destinations for every kind of op" {
	local v="/../../../../..$FIX/victim" mode_before
	mode_before=$(stat -c %a "$FIX/victim")
	host_snapshot
	exec 6<<<"file-data" 8<<<"bind-data" 9<<<"ro-bind-data"
	run tgt --dir "$v/dd-dir" --file 6 "$v/dd-file" --bind-data 8 "$v/dd-bind-data" \
		--ro-bind-data 9 "$v/dd-ro-bind-data" --tmpfs "$v/dd-tmpfs" \
		--symlink /x "$v/dd-link" --bind "$FIX/rw" "$v/dd-bind" --remount-ro "$v/dd-bind" \
		--chmod 0777 "$v" -- /bin/true
	exec 6<&- 8<&- 9<&-
	blocked "created in the host victim dir: $(victim_list)" test -z "$(victim_list)"
	blocked "mode of the host dir changed" test "$(stat -c %a "$FIX/victim")" = "$mode_before"
	blocked "host changed" host_unchanged
}

# The names that setup itself uses, as symlink targets: the intermediate
# roots bubblewrap had (/oldroot, /newroot), the pid-1 and self links of
# procfs (resolved while setup runs, they are the host's view), and the
# fd links of the launcher.  A --dir through any of them must stay inside.
@test "fs/setup-path-names: /oldroot, /newroot, /proc/self/{root,cwd,fd/N}, /proc/1/root as link targets" {
	local targets=("/oldroot$FIX/victim" "/newroot$FIX/victim" "/proc/self/root$FIX/victim"
		"/proc/1/root$FIX/victim" "/proc/self/cwd" "/proc/self/fd/3" "/proc/self/fd/4"
		"/proc/self/fd/5" "/proc/self/fd/6" "/proc/self/fd/7") t i=0 opts=()
	for t in "${targets[@]}"; do
		opts+=(--symlink "$t" "/s$i" --dir "/s$i/made-$i")
		i=$((i + 1))
	done
	host_snapshot
	cd "$FIX/victim"
	local n
	for ((n = 0; n < i; n++)); do
		run tgt "${opts[@]:$((n * 5)):5}" -- /bin/true
	done
	cd "$BATS_TEST_DIRNAME"
	blocked "created in the host victim dir: $(victim_list)" test -z "$(victim_list)"
	blocked "host changed" host_unchanged
}

# CVE-2019-12439: bubblewrap built its root in /tmp/.bubblewrap-UID (or
# under $XDG_RUNTIME_DIR) and followed whatever another user had planted
# there.  The attacker plants symlinks to its own directory at every such
# name; launches must neither use nor follow them.
@test "fs/tmp-root-planted: symlinks planted where a launcher might build its root (CVE-2019-12439)" {
	local uid names=() n planted=()
	uid=$(id -u)
	names=("/tmp/.bubblewrap-$uid" "/tmp/.sandbox-$uid" "/tmp/sandbox-$uid" "/tmp/.sandbox")
	[[ -n ${XDG_RUNTIME_DIR:-} && -w ${XDG_RUNTIME_DIR:-/nonexistent} ]] &&
		names+=("$XDG_RUNTIME_DIR/.bubblewrap" "$XDG_RUNTIME_DIR/.sandbox")
	host_snapshot
	for n in "${names[@]}"; do
		if [[ ! -e $n && ! -L $n ]] && ln -s "$FIX/victim" "$n" 2>/dev/null; then
			planted+=("$n")
		fi
	done
	run tgt --dir /newdir --tmpfs /t --ro-bind "$FIX/rw" /ro -- /bin/sh -c 'echo ran'
	rm -f "${planted[@]}"
	[[ ${#planted[@]} -gt 0 ]] || skip "could not plant any link in /tmp"
	[[ $status -eq 0 && $output == ran ]] || { show_run; false; }
	blocked "followed a planted link" test -z "$(ls -A "$FIX/victim")"
	blocked "host changed" host_unchanged
}

# --- bind sources swapped under the launcher -----------------------------

# CVE-2024-42472 (Flatpak --persist): a sandbox with a writable bind of
# its persistent directory replaces a subdirectory with a symlink to a
# host directory it must not see; the next launch binds that subdirectory.
# A caller that passes it as --ro-bind-fd of an O_PATH|O_NOFOLLOW fd (the
# fix Flatpak adopted) must get a refusal, and a caller that opened the
# real directory before the swap must get that directory, never the
# symlink's target.
@test "fs/bind-source-swap: a bind source replaced by a symlink between two runs (CVE-2024-42472)" {
	secret_dir
	mkdir "$FIX/persist" "$FIX/persist/data"
	echo mine >"$FIX/persist/data/own-file"
	exec 7<"$FIX/persist/data"
	run tgt --bind "$FIX/persist" /persist -- /bin/sh -c \
		"mv /persist/data /persist/data.old && ln -s '$SECRET' /persist/data && echo swapped"
	[[ $output == swapped ]] || { exec 7<&-; show_run; false; }
	# The careful caller: O_PATH|O_NOFOLLOW, then --ro-bind-fd.
	run python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_PATH | os.O_NOFOLLOW)
os.dup2(fd, 9)
os.execvp(sys.argv[2], sys.argv[2:])' "$FIX/persist/data" "${TARGET[@]}" --ro-bind-fd 9 /data -- /bin/ls -A /data
	blocked "bound the symlink's target through an O_NOFOLLOW fd" no_line "${MARKER##*/}"
	# The caller that held the real directory open from before the swap.
	run tgt --ro-bind-fd 7 /data -- /bin/ls -A /data
	exec 7<&-
	blocked "bound the symlink's target through an fd opened before the swap" no_line "${MARKER##*/}"
	[[ $status -ne 0 || $output == own-file ]] || { show_run; false; }
}

# The same swap as a race: one sandbox flips its bind source between the
# real directory and a symlink to the secret as fast as it can, while the
# caller launches 40 sandboxes with --ro-bind-fd of the real directory.
# Each launch must see the directory's own file or refuse to start.
@test "fs/bind-source-race: a bind source flipped to a symlink while sandboxes start" {
	secret_dir
	mkdir "$FIX/persist" "$FIX/persist/data"
	echo mine >"$FIX/persist/data/own-file"
	tgt --bind "$FIX/persist" /persist -- /bin/sh -c "
		end=\$((\$(date +%s) + 8))
		while [ \$(date +%s) -lt \$end ]; do
			mv /persist/data /persist/data.x 2>/dev/null
			ln -s '$SECRET' /persist/data 2>/dev/null
			rm -f /persist/data
			mv /persist/data.x /persist/data 2>/dev/null
		done" >/dev/null 2>&1 3>&- &
	local flipper=$! i leaked=0 out real
	real=$(stat -c %d:%i "$FIX/persist/data")
	for ((i = 0; i < 40; i++)); do
		# The real directory may be at either name at any moment, and the
		# name may be the symlink: keep only an fd on the real directory,
		# as a careful caller would.
		{ exec 7<"$FIX/persist/data" || exec 7<"$FIX/persist/data.x"; } 2>/dev/null || continue
		if [[ $(stat -L -c %d:%i /proc/$BASHPID/fd/7) != "$real" ]]; then
			exec 7<&-
			continue
		fi
		out=$(tgt --ro-bind-fd 7 /data -- /bin/ls -A /data 2>&1) || true
		exec 7<&-
		[[ $out == *"${MARKER##*/}"* ]] && leaked=$((leaked + 1))
	done
	wait_bounded "$flipper" 20
	output="leaked $leaked times of 40"
	blocked "bound the secret during the race" test "$leaked" -eq 0
}

# --- leaving the root --------------------------------------------------------

# The textbook chroot(2) escape: chroot into a subdirectory while holding
# an fd on the old root, fchdir back, climb with "..", chroot again; and
# pivot_root.  Without CAP_SYS_CHROOT every step fails; the check is that
# a host-only file never becomes visible.
@test "fs/chroot-escape: chroot into a subdirectory, climb out with .., chroot again" {
	secret_dir
	run tgt -- "$A" chroot-escape "$MARKER"
	ran_ok
	blocked "chroot allowed" refused chroot chroot-dot pivot_root
	blocked "host file reached" test "$(value marker)" = unreachable
}

# An op whose destination is "/" stacks a mount on the new root's tmpfs.
# If the launcher pivots into it and detaches only the topmost mount on
# "/", the host's old root stays stacked above the new root, and ".." of
# "/" (which enters every mount stacked there) is the host's root,
# writable.  From inside: `cd -P /..`, then a write through a relative
# path to a host directory that the sandbox shows read-only, or not at
# all.  Every shape of a root op, one after another and stacked.
@test "fs/root-stack-escape: '..' of / after ops on / reaches the host's old root" {
	local launcher=("$SANDBOX") proc=() shape rel=${FIX#/}/rw
	is_bwrap && launcher=("$BWRAP" --unshare-all --die-with-parent) proc=(--proc /proc)
	local shapes=("--ro-bind / /" "--ro-bind / / --ro-bind / /"
		"--ro-bind / / --tmpfs / --ro-bind /usr /usr $(usr_link_opts | tr '\n' ' ')"
		"--tmpfs / --ro-bind /usr /usr $(usr_link_opts | tr '\n' ' ')")
	for shape in "${shapes[@]}"; do
		# shellcheck disable=SC2086 # the shape is a list of options
		run bounded "${launcher[@]}" $shape "${proc[@]}" -- /bin/sh -c '
			exec 3</; cd -P /.. && exec 4<.
			echo "stacked=$(grep mnt_id /proc/self/fdinfo/3 | tr -d "\t ")-$(grep mnt_id /proc/self/fdinfo/4 | tr -d "\t ")"
			if echo x >"$1/escaped" 2>/dev/null; then echo "write=OK"; else echo "write=refused"; fi' _ "$rel"
		[[ $status -eq 0 ]] || { show_run; false; }
		local ids
		ids=$(value stacked)
		[[ $ids == mnt_id:*-mnt_id:* ]] || { show_run; false; }
		blocked "$shape: /.. is another mount than /" test "${ids%-*}" = "${ids#*-}"
		blocked "$shape: host directory written from /.." refused write
		blocked "$shape: host file created" host_absent "$FIX/rw/escaped"
	done
}

# The host's /proc: a new procfs must show only the sandbox's processes,
# not a process the test runs on the host, and its host-wide files must
# stay read-only; mounting another procfs (which would show the host's
# pids if the pid namespace were shared) must fail.
@test "fs/host-proc: host processes and host-wide /proc files from inside" {
	local marker half
	marker=$(unique_marker)
	half=$((${#marker} / 2))
	"$PROBE" sleep 60 "$marker" 3>&- &
	local victim=$!
	# The pattern is anchored on the probe's path, so that the shell's own
	# command line does not match.
	run tgt -- /bin/sh -c "
		for f in /proc/[0-9]*/cmdline; do
			case \$(tr '\\0' ' ' <\$f 2>/dev/null) in
			'$PROBE sleep 60 ${marker:0:half}''${marker:half}'*) echo seen=\$f ;;
			esac
		done
		[ -e /proc/$victim ] && echo seen-pid=$victim
		for f in /proc/sysrq-trigger /proc/sys/kernel/core_pattern /proc/sys/kernel/modprobe \
			/proc/sys/vm/drop_caches; do
			( echo x > \$f ) 2>/dev/null && echo wrote=\$f
		done
		mkdir -p /tmp/p && mount -t proc proc /tmp/p 2>/dev/null && echo mounted=proc
		echo done"
	kill "$victim" 2>/dev/null
	wait "$victim" 2>/dev/null || true
	ran_ok
	assert_line done
	blocked "host process visible" no_match '^seen'
	blocked "host-wide /proc file written" no_match '^wrote='
	blocked "procfs mounted" no_line "mounted=proc"
}

# --- the working directory and fds (CVE-2024-21626 class) ---------------

# The caller's working directory is a host directory that is not inside
# the sandbox, and the caller holds fds on host directories (one at a
# number the launcher itself would use, one high).  runc leaked such a
# directory fd into the container and let its cwd be set through it; from
# there ".." climbs the host's tree.  The command's cwd and every fd it
# has are checked for a way to the host file MARKER.
@test "fs/cwd-leak: the caller's cwd and host directory fds reaching the command (CVE-2024-21626)" {
	secret_dir
	cd "$SECRET"
	run bounded bash -c 'exec 3<"$1" 4<"$1" 5</ 7<"$1"; exec 200<"$1"; shift; exec "$@"' _ \
		"$SECRET" "${TARGET[@]}" -- "$A" fd-scan "$MARKER"
	cd "$BATS_TEST_DIRNAME"
	ran_ok
	blocked "the cwd is the host directory" test "$(value cwd)" = inside
	blocked "a host directory fd leads to the host file" no_match '^(fd|procfd) [0-9]+ .*HOST$'
	blocked "the host file was reached" test "$(value marker)" = unreachable
	blocked "an fd on a host directory reached the command" no_match '^fd [0-9]+ dir'
}

# The runc exploit itself: the working directory given as a magic link to
# an fd (--chdir /proc/self/fd/N), with the caller holding a host
# directory on N, so that the kernel resolves it to the host directory
# even though the fd is closed before exec; and the quieter variant where
# the caller's own cwd path inside is a --symlink to such a link.
@test "fs/cwd-magic-link: --chdir /proc/self/fd/N onto a leaked host directory fd (CVE-2024-21626)" {
	secret_dir
	local n
	for n in 5 9; do
		run bounded bash -c 'exec 5<"$1" 9<"$1"; shift; exec "$@"' _ "$SECRET" \
			"${TARGET[@]}" --chdir "/proc/self/fd/$n" -- "$A" fd-scan "$MARKER"
		if [[ $status -eq 0 ]]; then
			blocked "--chdir /proc/self/fd/$n: cwd on the host" test "$(value cwd)" = inside
			blocked "--chdir /proc/self/fd/$n: host file reached" test "$(value marker)" = unreachable
		fi
	done
	mkdir -p "$FIX/cwd"
	cd "$FIX/cwd"
	run bounded bash -c 'exec 6<"$1"; shift; exec "$@"' _ "$SECRET" \
		"${TARGET[@]}" --symlink /proc/self/fd/6 "$FIX/cwd" -- "$A" fd-scan "$MARKER"
	cd "$BATS_TEST_DIRNAME"
	if [[ $status -eq 0 ]]; then
		blocked "cwd symlinked to /proc/self/fd/6: cwd on the host" test "$(value cwd)" = inside
		blocked "cwd symlinked to /proc/self/fd/6: host file reached" test "$(value marker)" = unreachable
	fi
}

# pid 1's magic links: /proc/1/cwd and /proc/1/root of the reaper (which
# ran setup, and would be a way back to the host if it kept a host
# directory), its fds, environment and mapped files, all refused, both
# with a non-dumpable reaper (the default) and with the guarded dumpable
# one that a caller asking for its pid gets (--info-fd, see reaper_guard
# in src/child.c), also when the command has the capabilities the guard
# relies on.  (security.bats checks ptrace and /proc/1/mem with the probe;
# priv/ptrace-reaper goes further.)
@test "fs/proc1-magic-links: /proc/1/{cwd,root,fd,environ,map_files} of the reaper" {
	run tgt -- "$A" proc-magic 1
	ran_ok
	blocked "/proc/1/cwd or root readable" refused readlink-cwd open-cwd readlink-root open-root
	blocked "/proc/1/fd readable" refused readlink-fd/0 open-fd/0 readlink-fd/1 open-fd/1 \
		readlink-fd/2 open-fd/2
	blocked "/proc/1/environ readable" refused environ
	blocked "/proc/1/map_files readable" refused map_files
	local extra
	for extra in "--info-fd 9" "--info-fd 9 --cap-add CAP_SYS_PTRACE" "--json-status-fd 9"; do
		is_bwrap && [[ $extra == *--cap-add* ]] && continue # bubblewrap keeps caps of --cap-add for pid 1 too
		# shellcheck disable=SC2086 # a list of options
		run tgt $extra -- "$A" proc-magic 1 9>/dev/null
		ran_ok
		blocked "$extra: /proc/1/cwd or root readable" refused readlink-cwd open-cwd readlink-root open-root
		blocked "$extra: /proc/1/fd readable" refused readlink-fd/0 open-fd/0 readlink-fd/1 open-fd/1
		blocked "$extra: /proc/1/environ readable" refused environ
		blocked "$extra: /proc/1/mem opened" refused mem
		blocked "$extra: fds of pid 1 copied with pidfd_getfd" test "$(value pidfd_getfd)" = none
	done
}

# pid 1's tunables in /proc/1 belong to its owner once it is dumpable:
# oom_score_adj, autogroup (shared with the caller's session: renicing it
# slows the caller's shell down), coredump_filter, clear_refs, sched.  The
# default reaper is not dumpable, so none of them can be written.
@test "fs/proc1-tunables: writing pid 1's oom_score_adj, autogroup, coredump_filter, clear_refs, sched" {
	run tgt -- /bin/sh -c 'for f in oom_score_adj:1000 autogroup:19 coredump_filter:0x3f clear_refs:1 sched:0; do
			if echo "${f#*:}" 2>/dev/null >"/proc/1/${f%%:*}"; then echo "${f%%:*}=OK"; else echo "${f%%:*}=refused"; fi
		done'
	ran_ok
	blocked "pid 1's tunables written" refused oom_score_adj autogroup coredump_filter clear_refs sched
}

# Mount propagation to the host: while a sandbox with binds, a tmpfs
# inside a bind and a --remount-ro runs, the host's mount table, the bind
# source (still the same directory on the host) and the launcher's own
# mount namespace must be exactly as before; the command's attempts to
# make / shared and mount on the bind must fail.
@test "fs/mount-propagation: mounts made for or by the sandbox reaching the host" {
	local marker src_id launcher
	marker=$(unique_marker)
	src_id=$(stat -c %d:%i "$FIX/rw")
	host_snapshot
	bg_target --bind "$FIX/rw" /rw --tmpfs /rw/inner --ro-bind "$FIX/victim" /v --remount-ro /v -- \
		/bin/sh -c "mount --make-rshared / 2>/dev/null && echo shared >/rw/inner/x
			mount -t tmpfs none /rw 2>/dev/null && echo mounted >/rw/inner/y
			exec $P sleep 30 $marker"
	launcher=$BG_PID
	wait_for_process "$P sleep 30 $marker"
	blocked "host mount table changed while running" mounts_unchanged
	blocked "the bind source got a mount on the host" test "$(stat -c %d:%i "$FIX/rw")" = "$src_id"
	# (The mount point itself is created in the bind source, as bubblewrap
	# does; what is mounted on it must stay inside.)
	blocked "the tmpfs reached the host" test -z "$(ls -A "$FIX/rw/inner" 2>/dev/null)"
	blocked "the launcher's mount namespace changed" \
		test "$(readlink /proc/$launcher/ns/mnt)" = "$(readlink /proc/self/ns/mnt)"
	pkill -KILL -u "$(id -u)" -f -- "$P sleep 30 $marker" || true
	wait_bounded "$launcher" 10
	BG_PID=
	blocked "host changed" host_unchanged
}
