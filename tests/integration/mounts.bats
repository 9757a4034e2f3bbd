#!/usr/bin/env bats
# Filesystem operations: binds, read-only binds, tmpfs, proc, dev, dir,
# symlink, remount-ro, and what the host sees of them.

load helpers

# Host mount point of a tmpfs that we may write to and that sits below /dev,
# so that a bind of /dev carries it along as a submount.
host_dev_shm_submount() {
	grep -q ' /dev/shm .* - tmpfs ' /proc/self/mountinfo || return 1
	[[ -w /dev/shm && -k /dev/shm ]] || return 1
}

@test "--ro-bind: creating and rewriting files fails with EROFS; the host files are untouched" {
	local fix
	fix=$(fixture_dir)
	echo original >"$fix/existing"
	run sbx --ro-bind "$fix" /ro -- /bin/sh -c "
		$PROBE write /ro/new
		$PROBE write /ro/existing
		mkdir /ro/newdir 2>/dev/null && echo mkdir-succeeded
		cat /proc/self/mountinfo"
	assert_status 0
	[[ ${lines[0]} == EROFS && ${lines[1]} == EROFS ]] || { show_run; false; }
	refute_line "mkdir-succeeded"
	mount_has_option /ro ro || { show_run; false; }
	[[ ! -e $fix/new && ! -e $fix/newdir ]]
	[[ $(cat "$fix/existing") == original ]]
}

@test "--bind is writable and the writes reach the host directory" {
	local fix
	fix=$(fixture_dir)
	run sbx --bind "$fix" /rw -- "$PROBE" write /rw/new
	assert_success
	assert_output_equals "OK"
	[[ $(cat "$fix/new") == probe ]]
}

@test "--ro-bind is recursive: a submount of the source (/dev/shm in /dev) is read-only too" {
	host_dev_shm_submount || skip "the host has no writable tmpfs mounted on /dev/shm"
	local name="sbx-ro-sub-$$-$RANDOM"
	run sbx --ro-bind /dev /hostdev -- "$PROBE" write "/hostdev/shm/$name"
	[[ ! -e /dev/shm/$name ]] || { rm -f "/dev/shm/$name"; false; }
	assert_output_equals "EROFS"
}

@test "--ro-bind is recursive: every reachable mount below the destination is marked ro" {
	grep -q ' /dev/[^ ]* ' /proc/self/mountinfo || skip "the host has no mount below /dev"
	run sbx --ro-bind /dev /hostdev -- "$PROBE" cat /proc/self/mountinfo
	assert_success
	local n
	n=$(visible_mounts | perl -ne '
		my @f = split / /;
		next unless $f[4] =~ m{^/hostdev(/|$)};
		$n++;
		print STDERR "writable: $_" unless ",$f[5]," =~ /,ro,/;
		$bad++ unless ",$f[5]," =~ /,ro,/;
		END { print $bad ? "bad\n" : ($n // 0), "\n" }')
	[[ $n != bad && $n -ge 2 ]] || { show_run; false; }
}

@test "the control case: --bind of /dev leaves the /dev/shm submount writable" {
	host_dev_shm_submount || skip "the host has no writable tmpfs mounted on /dev/shm"
	local name="sbx-rw-sub-$$-$RANDOM"
	run sbx --bind /dev /hostdev -- "$PROBE" write "/hostdev/shm/$name"
	rm -f "/dev/shm/$name"
	assert_success
	assert_output_equals "OK"
}

@test "a --ro-bind cannot be made writable from inside (remount, mount_setattr, mount -o remount,rw)" {
	local fix
	fix=$(fixture_dir)
	run sbx --ro-bind "$fix" /ro -- /bin/sh -c "
		$PROBE remount-rw /ro
		/usr/bin/mount -o remount,rw /ro 2>/dev/null && echo mount-cmd-succeeded
		$PROBE write /ro/after
		true"
	assert_success
	refute_line "remount=OK"
	refute_line "setattr=OK"
	refute_line "mount-cmd-succeeded"
	[[ ${lines[0]} == remount=E* && ${lines[1]} == setattr=E* ]] || { show_run; false; }
	assert_line "EROFS"
	[[ ! -e $fix/after ]]
}

@test "the host mount table is the same before, during and after a run" {
	local fix pid
	fix=$(fixture_dir)
	host_snapshot
	"${SBX[@]}" --bind "$fix" /b --tmpfs /t --ro-bind /dev /hostdev --dir /d/e \
		-- /bin/sh -c 'touch /b/ready; exec sleep 30' \
		</dev/null >/dev/null 2>&1 3>&- &
	pid=$!
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -e $fix/ready ]] && break
		sleep 0.05
	done
	[[ -e $fix/ready ]] || { kill -KILL "$pid"; false; }
	mounts_unchanged || { kill -KILL "$pid"; false; }
	kill -TERM "$pid"
	wait_bounded "$pid" 10
	host_unchanged
}

@test "--tmpfs mounts an empty, writable tmpfs" {
	run sbx --tmpfs /scratch -- /bin/sh -c "
		$PROBE ls /scratch
		$PROBE write /scratch/f
		$PROBE ls /scratch
		cat /proc/self/mountinfo"
	assert_success
	[[ ${lines[0]} == OK && ${lines[1]} == f ]] || { show_run; false; }
	assert_mount /scratch tmpfs
	mount_has_option /scratch nodev || { show_run; false; }
}

@test "--tmpfs on top of a bind hides the bind's content" {
	local fix
	fix=$(fixture_dir)
	touch "$fix/hidden"
	run sbx --bind "$fix" /b --tmpfs /b -- "$PROBE" ls /b
	assert_success
	assert_output_equals ""
}

@test "--proc mounts a new procfs of the sandbox's pid namespace" {
	run sbx --proc /otherproc -- /bin/sh -c '
		ls /otherproc | grep -c "^[0-9]"
		test -r /otherproc/self/status && echo status-readable
		test -d /otherproc/1 && echo has-pid-1
		cat /proc/self/mountinfo'
	assert_success
	((lines[0] >= 2 && lines[0] <= 6)) || { show_run; false; }
	assert_line "status-readable"
	assert_line "has-pid-1"
	assert_mount /otherproc proc
	assert_mount /proc proc
}

@test "--dev creates a minimal /dev with working null, zero and pts" {
	run sbx --dev /d -- "$PROBE" ls /d
	assert_success
	assert_minimal_dev
	run sbx --dev /d -- /bin/sh -c "
		$PROBE write /d/null
		head -c 3 /d/zero | od -An -tx1
		test -d /d/pts && echo pts-dir
		test -d /d/shm && echo shm-dir
		readlink /d/fd
		cat /proc/self/mountinfo"
	assert_success
	assert_line "OK"
	assert_line " 00 00 00"
	assert_line "pts-dir"
	assert_line "shm-dir"
	assert_line "/proc/self/fd"
	assert_mount /d tmpfs
	assert_mount /d/pts devpts
}

@test "the implicit /dev is the same minimal /dev" {
	run sbx -- "$PROBE" ls /dev
	assert_success
	assert_minimal_dev
	run sbx -- /bin/sh -c "$PROBE write /dev/null; echo x >/dev/null && echo redirect-ok"
	assert_success
	assert_output_equals $'OK\nredirect-ok'
}

@test "the minimal /dev does not expose host devices" {
	run sbx -- "$PROBE" ls /dev
	assert_success
	refute_line "sda"
	refute_line "vda"
	refute_line "mem"
	refute_line "kmsg"
	refute_line "console"
	((${#lines[@]} <= 15)) || { show_run; false; }
}

@test "--dir creates the directory and its parents with mode 0755" {
	run sbx --dir /a/b/c -- /bin/sh -c 'stat -c "%a %F" /a /a/b /a/b/c'
	assert_success
	assert_output_equals $'755 directory\n755 directory\n755 directory'
}

@test "--dir on an existing directory is fine" {
	run sbx --dir /a --dir /a --dir /usr/share -- /bin/sh -c 'test -d /a && echo ok'
	assert_success
	assert_output_equals "ok"
}

@test "--symlink creates a symlink with the given target" {
	run sbx --symlink /usr/share /share --symlink ../rel/target /x/rel -- /bin/sh -c '
		readlink /share; readlink /x/rel; test -d /share/ && echo follows'
	assert_success
	assert_output_equals $'/usr/share\n../rel/target\nfollows'
}

@test "--symlink twice with the same target is idempotent" {
	run sbx --symlink /usr/share /share --symlink /usr/share /share -- /bin/readlink /share
	assert_success
	assert_output_equals "/usr/share"
}

@test "--symlink over a different existing symlink is a setup error naming the path" {
	run --separate-stderr sbx --symlink /usr/share /share --symlink /usr/lib /share -- /bin/true
	assert_setup_error "/share"
}

@test "--remount-ro makes an earlier mount read-only, keeping its content" {
	run sbx --tmpfs /t --dir /t/d --remount-ro /t -- /bin/sh -c "
		$PROBE write /t/x
		test -d /t/d && echo dir-kept
		cat /proc/self/mountinfo"
	assert_success
	[[ ${lines[0]} == EROFS ]] || { show_run; false; }
	assert_line "dir-kept"
	mount_has_option /t ro || { show_run; false; }
	run sbx --tmpfs /t --dir /t/d -- "$PROBE" write /t/x
	assert_success
	assert_output_equals "OK"
}

@test "--bind-try, --ro-bind-try and --dev-bind-try with a missing source are skipped" {
	local fix missing
	fix=$(fixture_dir)
	missing=$fix/does-not-exist
	touch "$fix/present"
	run sbx --bind-try "$missing" /x1 --ro-bind-try "$missing" /x2 \
		--dev-bind-try "$missing" /x3 --ro-bind-try "$fix" /x4 -- /bin/sh -c "
		$PROBE ls /
		echo ---
		$PROBE ls /x4"
	assert_success
	refute_line "x1"
	refute_line "x2"
	refute_line "x3"
	assert_line "x4"
	assert_line "present"
}

@test "--dev-bind allows device access; a plain --bind of /dev is nodev (EACCES on /dev/null)" {
	run sbx --dev-bind /dev/null /dn -- "$PROBE" write /dn
	assert_success
	assert_output_equals "OK"
	run sbx --dev-bind /dev /hdev -- "$PROBE" write /hdev/null
	assert_success
	assert_output_equals "OK"
	run sbx --bind /dev /hdev -- /bin/sh -c "$PROBE write /hdev/null; cat /proc/self/mountinfo"
	[[ ${lines[0]} == EACCES ]] || { show_run; false; }
	mount_has_option /hdev nodev || { show_run; false; }
	run sbx --ro-bind /dev/null /rn -- "$PROBE" write /rn
	[[ $output == EACCES || $output == EROFS ]] || { show_run; false; }
}

@test "an op on /tmp replaces the implicit /tmp" {
	local fix
	fix=$(fixture_dir)
	touch "$fix/from-host"
	run sbx --bind "$fix" /tmp -- "$PROBE" ls /tmp
	assert_success
	assert_output_equals "from-host"
	run sbx --dir /tmp -- /bin/sh -c 'test -d /tmp && echo is-dir; cat /proc/self/mountinfo'
	assert_success
	assert_line "is-dir"
	refute_mount /tmp
}

@test "an op on /dev or /proc replaces the implicit mount" {
	run sbx --dir /dev --dir /proc -- "$PROBE" ls /dev
	assert_success
	assert_output_equals ""
	run sbx --tmpfs /proc -- "$PROBE" ls /proc
	assert_success
	assert_output_equals ""
}

@test "--remount-ro and --chmod of / or an implicit path act on the implicit mounts" {
	run sbx --remount-ro / -- /bin/sh -c 'touch /x 2>/dev/null || echo root-ro; touch /tmp/x && echo tmp-rw; cat /proc/self/mountinfo'
	assert_success
	assert_line "root-ro"
	assert_line "tmp-rw"
	assert_mount /proc proc
	assert_mount /dev tmpfs
	run sbx --remount-ro /tmp -- /bin/sh -c 'touch /tmp/x 2>/dev/null || echo tmp-ro; cat /proc/self/mountinfo'
	assert_success
	assert_line "tmp-ro"
	assert_mount /tmp tmpfs
	mount_has_option /tmp ro || { show_run; false; }
	run sbx --chmod 1777 /tmp -- /bin/sh -c 'stat -c %a /tmp; cat /proc/self/mountinfo'
	assert_success
	assert_line "1777"
	assert_mount /tmp tmpfs
}

@test "every reachable mount in the sandbox is nosuid, and nodev except device binds and /dev nodes" {
	local fix
	fix=$(fixture_dir)
	run sbx --bind "$fix" /rw --ro-bind /dev /hostdev --tmpfs /t --proc /p --dev /d \
		--dev-bind /dev/null /dn -- "$PROBE" cat /proc/self/mountinfo
	assert_success
	local bad
	bad=$(visible_mounts | perl -ne '
		my @f = split / /;
		next unless @f > 6;
		my $o = ",$f[5],";
		print "suid allowed: $_" unless $o =~ /,nosuid,/;
		next if $f[4] eq "/dn" || $f[4] =~ m{^/(dev|d)/[a-z]+$};
		print "dev allowed: $_" unless $o =~ /,nodev,/;')
	[[ -z $bad ]] || { echo "$bad" >&2; show_run; false; }
}

@test "a setuid-root program is not honoured inside (when the driver provides one)" {
	[[ -u $TESTROOT/probe-suid ]] || skip "no setuid copy of the probe at \$TESTROOT/probe-suid (needs a root driver)"
	run sbx --uid 1000 --gid 1000 -- "$TESTROOT/probe-suid" ids
	assert_success
	assert_output_equals "uid=1000 euid=1000 gid=1000 egid=1000"
	run sbx -- "$TESTROOT/probe-suid" caps
	assert_success
	assert_no_caps
}

# --- the mount(2) fallback's host mount table ------------------------------

# A kernel before 5.12: no mount_setattr, so the launcher's probe falls
# back to mount(2) (src/mount_api.c).
NO_SETATTR='default allow
mount_setattr: errno ENOSYS'

# openat(AT_FDCWD, path, O_RDONLY|O_CLOEXEC) fails: in the launcher's
# setup that is the open of /proc/self/mountinfo alone (its other opens
# are O_PATH, or relative to a directory fd).  The probe's cat opens the
# same way, which shows that the rule hits.
NO_MOUNTINFO='openat: errno EACCES if arg0 & 0xffffffff == 0xffffff9c and arg2 & 0xffffffff == 0x80000'
# An ASan build is linked dynamically, and its loader opens libasan with
# these very flags: under this rule it cannot start at all.
NO_MOUNTINFO_ASAN="ASan build: the rule that refuses the mount table refuses the loader's open of libasan too"

@test "the control case: on the mount(2) fallback a --ro-bind's submount (/dev/shm in /dev) is read-only" {
	host_dev_shm_submount || skip "the host has no writable tmpfs mounted on /dev/shm"
	local name="sbx-fb-sub-$$-$RANDOM"
	run_nested "$NO_SETATTR" "${SBX[@]}" --ro-bind /dev /hostdev -- "$PROBE" write "/hostdev/shm/$name"
	[[ ! -e /dev/shm/$name ]] || { rm -f "/dev/shm/$name"; false; }
	assert_output_equals "EROFS"
	assert_stderr_empty
}

@test "the fallback without the host's mount table does not start (submounts would stay writable)" {
	host_dev_shm_submount || skip "the host has no writable tmpfs mounted on /dev/shm"
	! asan_build || skip "$NO_MOUNTINFO_ASAN"
	local name="sbx-fb-notable-$$-$RANDOM"
	run_nested "$NO_SETATTR
$NO_MOUNTINFO" "$PROBE" cat /proc/self/mountinfo
	assert_output_equals "EACCES"
	run_nested "$NO_SETATTR
$NO_MOUNTINFO" "${SBX[@]}" --ro-bind /dev /hostdev -- "$PROBE" write "/hostdev/shm/$name"
	[[ ! -e /dev/shm/$name ]] || { rm -f "/dev/shm/$name"; false; }
	assert_setup_error /proc/self/mountinfo
	assert_output_equals ""
}

# A filter that refuses open_tree only: the probe keeps the new API, and
# the first bind falls back to mount(2) in the middle of the setup.
@test "a fallback in the middle of the setup that cannot read the mount table says so" {
	! asan_build || skip "$NO_MOUNTINFO_ASAN"
	run_nested "default allow
open_tree: errno ENOSYS
$NO_MOUNTINFO" "${SBX[@]}" --ro-bind /dev /hostdev -- "$PROBE" write /hostdev/shm/x
	assert_setup_error /proc/self/mountinfo
	[[ $stderr == *": open /proc/self/mountinfo: Permission denied" ]] ||
		{ show_run; false; }
}

@test "a bind that fails says which op and why, in one line" {
	local fix
	fix=$(fixture_dir)
	echo data >"$fix/file"
	run --separate-stderr sbx --dir /d --bind "$fix/file" /d -- "$PROBE" ls /d
	assert_setup_error "--bind $fix/file /d: bind mount: "
	[[ $stderr == *": Not a directory" || $stderr == *": Invalid argument" ]] || { show_run; false; }
}
