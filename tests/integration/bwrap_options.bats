#!/usr/bin/env bats
# The options of the bwrap personality (doc/design.md, "Personalities"), each with its bad
# inputs, checked against bubblewrap's documented behaviour (and, for the
# options newer than the reference bubblewrap 0.8.0, only against that).
# Everything runs as the unprivileged test user; the launcher is invoked
# through its link named bwrap.

load helpers
load bwrap_helpers

# --- helpers of this file -----------------------------------------------------

# refuse_bad_fds OPTION [ARG...]: runs `bwrap BASE [PRE...] OPTION VALUE
# [ARG...] true` for each VALUE of BAD_FDS; each must be refused with exit
# status 1 and one "bwrap: " line that names OPTION. PRE comes from the
# array BAD_FD_PRE (options the option needs), and fd 9 is open on
# /dev/null for them.
refuse_bad_fds() {
	local opt=$1 value
	shift
	for value in "${BAD_FDS[@]}"; do
		run --separate-stderr bw "${BW_BASE[@]}" "${BAD_FD_PRE[@]}" "$opt" "$value" "$@" true 9>/dev/null
		echo "# $opt '$value'" >&2
		# bubblewrap's own words for a malformed number, or for a closed
		# fd of seccomp data, name no option
		assert_bwrap_error "$opt" "Invalid fd:" "${BAD_FD_WORDS[@]}" || return 1
	done
}

# need_overlay: unprivileged overlayfs (Linux 5.11) is available.
need_overlay() {
	grep -qw overlay /proc/filesystems || skip "the kernel has no overlay file system"
	unshare -rm sh -c 'mkdir -p "$1/l" "$1/u" "$1/w" "$1/m" && mount -t overlay overlay -o "lowerdir=$1/l,upperdir=$1/u,workdir=$1/w,userxattr" "$1/m"' sh "$(fixture_dir)" 2>/dev/null ||
		skip "this kernel does not allow overlayfs in a user namespace"
}

need_python3() {
	command -v python3 >/dev/null || skip "python3 is not installed (needed to $1)"
}

# bg_sandbox MARK ARGS...: starts `bwrap BASE TESTROOT ARGS... PROBE sleep 60
# MARK` in the background and waits until the probe runs; BG_PID is the
# launcher, BG_CMD the probe's host pid.
bg_sandbox() {
	local mark=$1
	shift
	bwt "$@" "$PROBE" sleep 60 "$mark" 3>&- &
	BG_PID=$!
	# anchored: the launcher's own command line holds the same words
	wait_for_process "^$PROBE sleep 60 $mark" || return 1
	BG_CMD=$(pgrep -u "$(id -u)" -f -- "^$PROBE sleep 60 $mark")
	[[ -n $BG_CMD ]]
}

# bg_stop: ends the background sandbox started by bg_sandbox.
bg_stop() {
	[[ -n ${BG_CMD:-} ]] && kill -KILL "$BG_CMD" 2>/dev/null
	[[ -n ${BG_PID:-} ]] && wait_bounded "$BG_PID" 10
	BG_CMD='' BG_PID=''
}

teardown() {
	bg_stop
}

# ns_link PID KIND: the namespace link (kind:[inode]) of a process.
ns_link() {
	readlink "/proc/$1/ns/$2"
}

# --- invalid fd values -----------------------------------------------------------

# not a number, negative, empty, not open (77), above INT_MAX
BAD_FDS=(-1 0a '' 77 2147483648)
BAD_FD_WORDS=()

@test "fds: --args refuses -1, 0a, '', a closed fd, 2147483648" {
	BAD_FD_PRE=()
	refuse_bad_fds --args
}

@test "fds: --userns and --userns2 refuse invalid values" {
	BAD_FD_PRE=()
	refuse_bad_fds --userns
	refuse_bad_fds --userns2
}

@test "fds: --pidns refuses invalid values" {
	BAD_FD_PRE=()
	refuse_bad_fds --pidns
}

@test "fds: --info-fd and --json-status-fd refuse invalid values" {
	BAD_FD_PRE=()
	refuse_bad_fds --info-fd
	refuse_bad_fds --json-status-fd
}

@test "fds: --sync-fd and --block-fd refuse invalid values" {
	BAD_FD_PRE=()
	refuse_bad_fds --sync-fd
	refuse_bad_fds --block-fd
}

@test "fds: --userns-block-fd refuses invalid values" {
	BAD_FD_PRE=(--unshare-user --info-fd 9)
	refuse_bad_fds --userns-block-fd
}

@test "fds: --seccomp and --add-seccomp-fd refuse invalid values" {
	BAD_FD_PRE=()
	BAD_FD_WORDS=("Can't read seccomp data: Bad file descriptor")
	refuse_bad_fds --seccomp
	refuse_bad_fds --add-seccomp-fd
}

@test "fds: --file, --bind-data, --ro-bind-data refuse invalid values" {
	BAD_FD_PRE=()
	refuse_bad_fds --file /f
	refuse_bad_fds --bind-data /f
	refuse_bad_fds --ro-bind-data /f
}

@test "fds: --bind-fd and --ro-bind-fd refuse invalid values" {
	BAD_FD_PRE=()
	refuse_bad_fds --bind-fd /f
	refuse_bad_fds --ro-bind-fd /f
}

@test "fds: a sign or a blank is refused (on purpose: strict numbers)" {
	# bubblewrap parses fds with strtol, which takes "+0" and " 0"; doc/design.md ("Command line and diagnostics")
	# wants numbers without sign or anything around them. fd 0 is open, so
	# only the parsing can refuse these.
	BAD_FD_PRE=()
	BAD_FDS=(+0 ' 0' '0 ')
	refuse_bad_fds --info-fd
	refuse_bad_fds --args
	refuse_bad_fds --file /f
}

@test "fds: fd 0 is a valid value (--file 0 reads stdin)" {
	run --separate-stderr bwb --file 0 /f cat /f <<<"from stdin"
	assert_success
	assert_output_equals "from stdin"
}

# --- --size -----------------------------------------------------------------------

@test "--size: 0, 123bogus, '', -1, 2^64 are refused" {
	local v
	for v in 0 123bogus '' -1 18446744073709551616 0x 1x; do
		run --separate-stderr bwb --size "$v" --tmpfs /t true
		echo "# --size '$v'" >&2
		assert_bwrap_error --size
	done
}

@test "--size: a sign or a blank is refused (on purpose: strict numbers)" {
	# bubblewrap's strtoull skips blanks and takes a sign; doc/design.md ("Command line and diagnostics") does not
	local v
	for v in ' 5' +5 '5 '; do
		run --separate-stderr bwb --size "$v" --tmpfs /t true
		echo "# --size '$v'" >&2
		assert_bwrap_error --size
	done
}

@test "--size 1048576 --tmpfs /t: size=1024k in mountinfo" {
	run --separate-stderr bwb --proc /proc --size 1048576 --tmpfs /t cat /proc/self/mountinfo
	assert_success
	assert_mount /t tmpfs
	[[ ,$(mount_field /t superopts), == *,size=1024k,* ]] || { show_run; false; }
}

@test "--size 0x100000 is accepted (hexadecimal)" {
	run --separate-stderr bwb --proc /proc --size 0x100000 --tmpfs /t cat /proc/self/mountinfo
	assert_success
	[[ ,$(mount_field /t superopts), == *,size=1024k,* ]] || { show_run; false; }
}

@test "--size limits what the tmpfs holds" {
	run --separate-stderr bwb --size 65536 --tmpfs /t sh -c 'head -c 200000 /dev/zero >/t/big 2>&-; wc -c </t/big'
	assert_success
	[[ $output -le 65536 ]] || { show_run; false; }
}

@test "--size must be followed by --tmpfs" {
	local next
	for next in "--dir /x" "--bind /usr /x" "--proc /proc" "--perms 0755 --dir /x" "--chdir /"; do
		# shellcheck disable=SC2086
		run --separate-stderr bwb --size 1024 $next true
		echo "# --size 1024 $next" >&2
		assert_bwrap_error --size
	done
}

@test "--size given twice for one --tmpfs is refused" {
	run --separate-stderr bwb --size 1024 --size 2048 --tmpfs /t true
	assert_bwrap_error --size
}

# --- --perms ---------------------------------------------------------------------

@test "--perms given twice for one action is refused" {
	run --separate-stderr bwb --perms 0755 --perms 0700 --dir /x true
	assert_bwrap_error "given twice"
}

@test "--perms followed by an option that creates no file is refused" {
	local next
	for next in "--bind /usr /x" "--symlink usr /x" "--chdir /" "--proc /proc" "--remount-ro /usr" "--setenv A B"; do
		# shellcheck disable=SC2086
		run --separate-stderr bwb --perms 0755 $next true
		echo "# --perms 0755 $next" >&2
		assert_bwrap_error --perms
	done
}

@test "--perms 8, 99999, 0x1ff, '' are refused" {
	local v
	for v in 8 99999 0x1ff '' -1 10000; do
		run --separate-stderr bwb --perms "$v" --dir /x true
		echo "# --perms '$v'" >&2
		assert_bwrap_error --perms
	done
}

@test "--perms applies to --dir, --file, --bind-data, --ro-bind-data, --tmpfs" {
	run --separate-stderr bwb --perms 0711 --dir /d --perms 0640 --file 3 /f --perms 0604 --bind-data 4 /b \
		--perms 0400 --ro-bind-data 5 /r --perms 01770 --tmpfs /t \
		stat -c '%n %a' /d /f /b /r /t 3</dev/null 4</dev/null 5</dev/null
	assert_success
	assert_output_equals "/d 711
/f 640
/b 604
/r 400
/t 1770"
}

@test "--perms and --size together, in either order" {
	run --separate-stderr bwb --proc /proc --perms 0700 --size 1048576 --tmpfs /a --size 2097152 --perms 01777 --tmpfs /b \
		sh -c 'stat -c "%n %a" /a /b; cat /proc/self/mountinfo'
	assert_success
	assert_line "/a 700"
	assert_line "/b 1777"
	[[ ,$(mount_field /a superopts), == *,size=1024k,* && ,$(mount_field /b superopts), == *,size=2048k,* ]] || { show_run; false; }
}

@test "--perms takes group and other bits off created parents" {
	run --separate-stderr bwb --perms 0700 --dir /a/b --perms 0750 --dir /c/d --perms 0705 --dir /e/f \
		--perms 0000 --dir /g/h --perms 1777 --dir /i/j stat -c '%n %a' /a /c /e /g /i /a/b /i/j
	assert_success
	assert_output_equals "/a 700
/c 750
/e 705
/g 700
/i 755
/a/b 700
/i/j 1777"
}

# --- overlays --------------------------------------------------------------------

@test "--overlay, --tmp-overlay without --overlay-src are refused" {
	local F
	F=$(fixture_dir)
	mkdir "$F/rw" "$F/work"
	run --separate-stderr bwb --overlay "$F/rw" "$F/work" /o true
	assert_bwrap_error --overlay
	run --separate-stderr bwb --tmp-overlay /o true
	assert_bwrap_error --tmp-overlay
	run --separate-stderr bwb --ro-overlay /o true
	assert_bwrap_error --ro-overlay
}

@test "--ro-overlay with one layer is refused" {
	local F
	F=$(fixture_dir)
	run --separate-stderr bwb --overlay-src "$F" --ro-overlay /o true
	assert_bwrap_error --ro-overlay
}

@test "--overlay-src followed by another kind of option is refused" {
	local F
	F=$(fixture_dir)
	run --separate-stderr bwb --overlay-src "$F" --dir /x true
	assert_bwrap_error --overlay-src
	run --separate-stderr bwb --overlay-src "$F" --bind /usr /x true
	assert_bwrap_error --overlay-src
	run --separate-stderr bwb --overlay-src "$F" true
	assert_bwrap_error --overlay-src
	run --separate-stderr bwb --overlay-src "$F"
	assert_bwrap_error --overlay-src
}

@test "--overlay: two layers, the last on top, writes go to RWSRC" {
	need_overlay
	local F
	F=$(fixture_dir)
	mkdir "$F/l1" "$F/l2" "$F/rw" "$F/work"
	echo bottom >"$F/l1/both"
	echo top >"$F/l2/both"
	echo only1 >"$F/l1/one"
	run --separate-stderr bwb --proc /proc --overlay-src "$F/l1" --overlay-src "$F/l2" --overlay "$F/rw" "$F/work" /o \
		sh -c 'cat /o/both /o/one; echo new >/o/new; echo changed >/o/one; cat /proc/self/mountinfo'
	assert_success
	assert_line top
	assert_line only1
	assert_mount /o overlay
	[[ $(cat "$F/rw/new") == new && $(cat "$F/rw/one") == changed ]] || { ls -lR "$F" >&2; false; }
	# the lower layers are untouched
	[[ $(cat "$F/l1/one") == only1 && ! -e $F/l1/new && ! -e $F/l2/new ]]
}

@test "--tmp-overlay: writes are seen inside and discarded after exit" {
	need_overlay
	local F
	F=$(fixture_dir)
	mkdir "$F/l1"
	echo lower >"$F/l1/f"
	host_snapshot
	run --separate-stderr bwb --overlay-src "$F/l1" --tmp-overlay /o sh -c 'echo upper >/o/f; echo x >/o/g; cat /o/f /o/g'
	assert_success
	assert_output_equals "upper
x"
	[[ $(cat "$F/l1/f") == lower && ! -e $F/l1/g ]]
	[[ $(ls -A "$F") == l1 ]]
	host_unchanged
	# a second run starts from the lower layer again
	run --separate-stderr bwb --overlay-src "$F/l1" --tmp-overlay /o sh -c 'cat /o/f; ls /o'
	assert_success
	assert_output_equals "lower
f"
}

@test "--ro-overlay: read-only, the last --overlay-src on top" {
	need_overlay
	local F
	F=$(fixture_dir)
	mkdir "$F/l1" "$F/l2" "$F/l3"
	echo one >"$F/l1/f"
	echo two >"$F/l2/f"
	echo three >"$F/l3/f"
	echo deep >"$F/l1/only"
	run --separate-stderr bwb --overlay-src "$F/l1" --overlay-src "$F/l2" --overlay-src "$F/l3" --ro-overlay /o \
		sh -c 'cat /o/f /o/only; (echo x >/o/new) 2>&- || echo refused'
	assert_success
	assert_output_equals "three
deep
refused"
	run --separate-stderr bwb --overlay-src "$F/l3" --overlay-src "$F/l1" --ro-overlay /o cat /o/f
	assert_success
	assert_output_equals one
}

@test "overlays: layer paths holding ',' and ':' and '\\'" {
	need_overlay
	local F
	F=$(fixture_dir)
	mkdir "$F/a,b:c" "$F/d\\e" "$F/rw,x" "$F/w:k"
	echo first >"$F/a,b:c/f1"
	echo second >"$F/d\\e/f2"
	run --separate-stderr bwb --overlay-src "$F/a,b:c" --overlay-src "$F/d\\e" --ro-overlay /o cat /o/f1 /o/f2
	assert_success
	assert_output_equals "first
second"
	run --separate-stderr bwb --overlay-src "$F/a,b:c" --overlay "$F/rw,x" "$F/w:k" /o sh -c 'echo w >/o/new; cat /o/f1'
	assert_success
	assert_output_equals first
	[[ $(cat "$F/rw,x/new") == w ]]
}

@test "--overlay with a missing layer is refused" {
	local F
	F=$(fixture_dir)
	run --separate-stderr bwb --overlay-src "$F/missing" --tmp-overlay /o true
	assert_bwrap_error "Can't find source path $F/missing"
}

# --- seccomp ---------------------------------------------------------------------

@test "--seccomp: data that is not a multiple of 8 bytes is refused" {
	local F
	F=$(fixture_dir)
	printf 1234567 >"$F/seven"
	run --separate-stderr bwb --seccomp 3 true 3<"$F/seven"
	assert_bwrap_error "Invalid seccomp data, must be multiple of 8"
	run --separate-stderr bwb --add-seccomp-fd 3 true 3<"$F/seven"
	assert_bwrap_error "Invalid seccomp data, must be multiple of 8"
	run --separate-stderr bwb --seccomp 3 true 3</dev/null
	assert_bwrap_error --seccomp
}

@test "--seccomp: a program longer than 4096 instructions is refused for its size, whatever its length" {
	local F
	F=$(fixture_dir)
	head -c 40000 /dev/zero >"$F/big"
	head -c 32776 /dev/zero >"$F/one-over"
	run --separate-stderr bwb --seccomp 3 true 3<"$F/big"
	assert_bwrap_error --seccomp "1 to 4096 instructions"
	run --separate-stderr bwb --add-seccomp-fd 3 true 3<"$F/one-over"
	assert_bwrap_error --add-seccomp-fd "1 to 4096 instructions"
}

@test "--seccomp with --add-seccomp-fd is refused, in either order" {
	local F
	F=$(fixture_dir)
	bpf_allow_all "$F/allow"
	run --separate-stderr bwb --seccomp 3 --add-seccomp-fd 4 true 3<"$F/allow" 4<"$F/allow"
	assert_bwrap_error --seccomp --add-seccomp-fd
	run --separate-stderr bwb --add-seccomp-fd 4 --seccomp 3 true 3<"$F/allow" 4<"$F/allow"
	assert_bwrap_error --seccomp --add-seccomp-fd
}

@test "--seccomp and --add-seccomp-fd: a program that allows everything is loaded" {
	local F
	F=$(fixture_dir)
	bpf_allow_all "$F/allow"
	run --separate-stderr bwt --proc /proc --seccomp 3 "$PROBE" caps 3<"$F/allow"
	assert_success
	assert_line "Seccomp:	2"
	run --separate-stderr bwt --proc /proc --add-seccomp-fd 3 --add-seccomp-fd 4 \
		sh -c 'grep Seccomp_filters /proc/self/status' 3<"$F/allow" 4<"$F/allow"
	assert_success
	assert_output_equals "Seccomp_filters:	2"
}

@test "--seccomp: a program that fails mkdir with EPERM" {
	local F nrs
	F=$(fixture_dir)
	nrs=$(syscall_nr mkdir mkdirat) || skip "no system call numbers for $(uname -m)"
	# shellcheck disable=SC2086
	bpf_program "$F/nomkdir" $((SECCOMP_RET_ERRNO | 1)) "$SECCOMP_RET_ALLOW" $nrs
	run --separate-stderr bwb --tmpfs /t --seccomp 3 sh -c 'mkdir /t/d 2>&1; echo x >/t/file && echo file-ok' 3<"$F/nomkdir"
	assert_success
	assert_output_contains "Operation not permitted"
	assert_line file-ok
	run --separate-stderr bwb --tmpfs /t --add-seccomp-fd 3 sh -c 'mkdir /t/d 2>&1' 3<"$F/nomkdir"
	assert_output_contains "Operation not permitted"
	# not loaded: mkdir works
	run --separate-stderr bwb --tmpfs /t sh -c 'mkdir /t/d && echo made'
	assert_output_equals made
}

@test "--seccomp: ERRNO for everything but exec and exit: the command is reached" {
	local F nrs
	F=$(fixture_dir)
	nrs=$(syscall_nr execve execveat exit exit_group write) || skip "no system call numbers for $(uname -m)"
	# shellcheck disable=SC2086
	bpf_program "$F/onlyexec" "$SECCOMP_RET_ALLOW" $((SECCOMP_RET_ERRNO | 1)) $nrs
	# The filter is the last thing before execve: the launcher gets
	# there (the exit-code line of --json-status-fd says that exec
	# succeeded), the dynamic loader of the command then cannot map libc.
	run --separate-stderr timeout -k 2 20 "$SANDBOX_BWRAP" "${BW_BASE[@]}" --json-status-fd 4 --seccomp 3 /usr/bin/true \
		3<"$F/onlyexec" 4>"$F/json"
	[[ $status -ne 0 && $status -ne 124 && $status -ne 137 ]] || { show_run; false; }
	[[ $stderr != *"bwrap: "* ]] || { show_run; false; }
	grep -qx "{ \"exit-code\": $status }" "$F/json" || { cat "$F/json" >&2; show_run; false; }
}

@test "--seccomp with a pid namespace: pid 1 gets the filter too and fails cleanly" {
	local F nrs
	F=$(fixture_dir)
	nrs=$(syscall_nr execve execveat exit exit_group write) || skip "no system call numbers for $(uname -m)"
	! asan_build || skip "ASan build: its runtime in pid 1 needs sigaltstack and mmap, which this filter forbids"
	# shellcheck disable=SC2086
	bpf_program "$F/onlyexec" "$SECCOMP_RET_ALLOW" $((SECCOMP_RET_ERRNO | 1)) $nrs
	# bubblewrap applies the programs to its pid 1 as well, so a filter
	# that forbids wait() makes the sandbox fail with exit status 1; it
	# must end, not spin.
	run --separate-stderr timeout -k 2 20 "$SANDBOX_BWRAP" "${BW_BASE[@]}" --unshare-pid --seccomp 3 /usr/bin/true 3<"$F/onlyexec"
	assert_status 1
	assert_stderr_contains "bwrap: "
}

@test "--seccomp with the launcher's own exported default profile" {
	local F
	F=$(fixture_dir)
	"$SANDBOX" --seccomp-export default >"$F/default.bpf"
	[[ -s $F/default.bpf ]]
	run --separate-stderr bwb --unshare-pid --proc /proc --seccomp 3 sh -c 'grep "^Seccomp:" /proc/self/status; unshare -U true 2>&1 || echo no-userns' 3<"$F/default.bpf"
	assert_success
	assert_line "Seccomp:	2"
	assert_line no-userns
}

# --- --argv0 ----------------------------------------------------------------------

@test "--argv0: the command sees it as argv[0]; the real path is executed" {
	local F
	F=$(fixture_dir)
	run --separate-stderr bwb --proc /proc --argv0 my-name /usr/bin/cat /proc/self/cmdline
	assert_success
	bwb --proc /proc --argv0 my-name /usr/bin/cat /proc/self/cmdline >"$F/cmdline"
	[[ $(tr '\0' ' ' <"$F/cmdline") == "my-name /proc/self/cmdline " ]] || { tr '\0' ' ' <"$F/cmdline" >&2; false; }
	run --separate-stderr bwb --argv0 no-such-program sh -c 'echo "$0"' zero
	assert_success
	assert_output_equals zero
}

@test "--argv0 given twice is fatal" {
	run --separate-stderr bwb --argv0 a --argv0 b true
	assert_bwrap_error --argv0
}

# --- --args -----------------------------------------------------------------------

@test "--args FD: NUL-separated arguments spliced in place, FD closed" {
	local F
	F=$(fixture_dir)
	printf -- '--setenv\0SPACED\0a b\nc\0--chdir\0/usr\0' >"$F/args"
	run --separate-stderr only_fds "3<$F/args" bwt --proc /proc --args 3 sh -c 'printf "%s|" "$SPACED"; pwd; '"$PROBE"' fds' 
	assert_success
	assert_line "a b"
	assert_line "c|/usr"
	assert_fds "0 1 2"
}

@test "--args: the data counts in the 9000-argument limit" {
	local F i
	F=$(fixture_dir)
	for ((i = 0; i < 2997; i++)); do printf -- '--setenv\0A\0B\0'; done >"$F/many"
	for ((i = 0; i < 2900; i++)); do printf -- '--setenv\0A\0B\0'; done >"$F/fewer"
	run --separate-stderr bwb --args 3 true 3<"$F/many"
	assert_bwrap_error
	run --separate-stderr bwb --args 3 sh -c 'echo "$A"' 3<"$F/fewer"
	assert_success
	assert_output_equals B
}

@test "--args inside --args data is refused" {
	local F
	F=$(fixture_dir)
	printf -- '--chdir\0/\0--args\0004\0' >"$F/nested"
	run --separate-stderr bwb --args 3 true 3<"$F/nested" 4</dev/null
	assert_bwrap_error --args
}

@test "--args: repeatable" {
	local F
	F=$(fixture_dir)
	printf -- '--setenv\0ONE\0001\0' >"$F/a1"
	printf -- '--setenv\0TWO\0002\0' >"$F/a2"
	run --separate-stderr bwb --args 3 --args 4 sh -c 'echo "$ONE$TWO"' 3<"$F/a1" 4<"$F/a2"
	assert_success
	assert_output_equals 12
}

# --- --level-prefix ----------------------------------------------------------------

@test "--level-prefix: <3> on errors" {
	BW_PREFIX="<3>"
	run --separate-stderr bw --level-prefix --no-such-option
	assert_bwrap_error --no-such-option
	run --separate-stderr bw --level-prefix "${BW_BASE[@]}" --bind /no/such/source /x true
	assert_bwrap_error /no/such/source
	run --separate-stderr bw --level-prefix "${BW_BASE[@]}" /no/such/command
	assert_bwrap_error /no/such/command
}

@test "--level-prefix: <4> on warnings" {
	run --separate-stderr bw --level-prefix "${BW_BASE[@]}" --chdir / --chdir /usr pwd
	assert_success
	assert_output_equals /usr
	[[ $stderr == "<4>bwrap: Only the last --chdir option will take effect" ]] || { show_run; false; }
}

@test "no --level-prefix: no <N> in front" {
	run --separate-stderr bwb --chdir / --chdir /usr pwd
	assert_success
	[[ $stderr == "bwrap: Only the last --chdir option will take effect" ]] || { show_run; false; }
}

@test "repeat warnings for every single-value option" {
	local opt
	local -A args=([--chdir]="/ /" [--uid]="5 6" [--gid]="5 6" [--hostname]="a b"
		[--sync-fd]="9 9" [--block-fd]="8 8" [--info-fd]="9 9" [--json-status-fd]="9 9")
	for opt in "${!args[@]}"; do
		local v
		read -ra v <<<"${args[$opt]}"
		run --separate-stderr bwb --unshare-uts "$opt" "${v[0]}" "$opt" "${v[1]}" true 8</dev/null 9>/dev/null
		echo "# $opt twice" >&2
		assert_success
		assert_stderr_line "bwrap: Only the last $opt option will take effect"
	done
}

# --- -try namespaces, labels, userns control -----------------------------------

@test "--unshare-user-try: a new user namespace" {
	run --separate-stderr bwb --unshare-user-try --proc /proc readlink /proc/self/ns/user
	assert_success
	[[ $output != "$(ns_link self user)" ]] || { show_run; false; }
}

@test "--unshare-cgroup-try: a new cgroup namespace where the kernel has them" {
	[[ -e /proc/self/ns/cgroup ]] || skip "the kernel has no cgroup namespaces"
	run --separate-stderr bwb --unshare-cgroup-try --proc /proc readlink /proc/self/ns/cgroup
	assert_success
	[[ $output == cgroup:* && $output != "$(ns_link self cgroup)" ]] || { show_run; false; }
}

@test "--exec-label and --file-label: exit 1, not supported" {
	[[ -e /sys/fs/selinux/enforce ]] && skip "SELinux is enabled on this machine: the labels may work"
	run --separate-stderr bwb --exec-label system_u:system_r:foo_t:s0 true
	assert_bwrap_error "not supported"
	run --separate-stderr bwb --file-label system_u:object_r:foo_t:s0 true
	assert_bwrap_error "not supported"
}

@test "--disable-userns: no user namespace can be created inside" {
	run --separate-stderr bwb --unshare-user --disable-userns --proc /proc sh -c 'unshare -U true 2>&- && echo created || echo refused; unshare -Ur true 2>&- || echo refused-again'
	assert_success
	assert_output_equals "refused
refused-again"
	# without it, it can
	run --separate-stderr bwb --unshare-user --proc /proc sh -c 'unshare -U true && echo created'
	assert_output_equals created
}

@test "--disable-userns needs --unshare-user, and not --userns-block-fd" {
	run --separate-stderr bwb --disable-userns true
	assert_bwrap_error --disable-userns
	run --separate-stderr bwb --unshare-user --disable-userns --info-fd 9 --userns-block-fd 8 true 8</dev/null 9>/dev/null
	assert_bwrap_error --disable-userns --userns-block-fd
}

@test "--assert-userns-disabled: fails clearly unless user namespaces are disabled" {
	run --separate-stderr bwb --assert-userns-disabled true
	assert_bwrap_error "user namespace"
	run --separate-stderr bwb --unshare-user --disable-userns --assert-userns-disabled sh -c 'echo ran'
	assert_success
	assert_output_equals ran
}

# --- joining namespaces ----------------------------------------------------------------

@test "--userns FD: the command runs in that user namespace" {
	local mark
	mark=$(unique_marker)
	bg_sandbox "$mark" --unshare-user --unshare-pid --disable-userns --proc /proc
	local user
	user=$(ns_link "$BG_CMD" user)
	run --separate-stderr bwb --userns 5 --proc /proc sh -c 'readlink /proc/self/ns/user; id -u' 5<"/proc/$BG_CMD/ns/user"
	assert_success
	assert_output_equals "$user
$(id -u)"
	# it was built with --disable-userns: the assertion holds there
	run --separate-stderr bwb --userns 5 --assert-userns-disabled sh -c 'echo ran' 5<"/proc/$BG_CMD/ns/user"
	assert_success
	assert_output_equals ran
}

@test "--userns with --unshare-user is refused" {
	run --separate-stderr bwb --userns 5 --unshare-user true 5</proc/self/ns/user
	assert_bwrap_error --userns
}

@test "--pidns FD: the command runs in that pid namespace, /proc shows it" {
	local mark
	mark=$(unique_marker)
	bg_sandbox "$mark" --unshare-user --unshare-pid --proc /proc
	local pidns
	pidns=$(ns_link "$BG_CMD" pid)
	run --separate-stderr bwb --userns 5 --pidns 6 --proc /proc \
		sh -c 'readlink /proc/self/ns/pid; test "$$" != 1 && echo not-pid-1; cat /proc/2/cmdline | tr "\0" " "; echo' \
		5<"/proc/$BG_CMD/ns/user" 6<"/proc/$BG_CMD/ns/pid"
	assert_success
	assert_line "$pidns"
	assert_line not-pid-1
	# pid 2 of that namespace is the first sandbox's probe
	assert_line "$PROBE sleep 60 $mark "
}

@test "--pidns FD with --unshare-pid: a new pid namespace inside the joined one" {
	local mark
	mark=$(unique_marker)
	bg_sandbox "$mark" --unshare-user --unshare-pid --proc /proc
	local pidns
	pidns=$(ns_link "$BG_CMD" pid)
	run --separate-stderr bwb --userns 5 --pidns 6 --unshare-pid --as-pid-1 --proc /proc \
		sh -c 'readlink /proc/self/ns/pid; echo "pid $$"' 5<"/proc/$BG_CMD/ns/user" 6<"/proc/$BG_CMD/ns/pid"
	assert_success
	assert_line "pid 1"
	[[ ${lines[0]} == pid:* && ${lines[0]} != "$pidns" && ${lines[0]} != "$(ns_link self pid)" ]] || { show_run; false; }
}

@test "--userns2 FD: after setup the command moves to a child user namespace" {
	need_python3 "find the parent of a user namespace (NS_GET_PARENT)"
	local mark
	mark=$(unique_marker)
	# --disable-userns nests a second user namespace: the probe runs in
	# the inner one, whose parent is the outer one
	bg_sandbox "$mark" --unshare-user --unshare-pid --disable-userns --proc /proc
	local inner
	inner=$(ns_link "$BG_CMD" user)
	run --separate-stderr python3 -c '
import fcntl, os, sys
inner = os.open("/proc/%s/ns/user" % sys.argv[1], os.O_RDONLY)
outer = fcntl.ioctl(inner, 0xb702)  # NS_GET_PARENT
# out of the way of 5 and 6 first
inner = fcntl.fcntl(inner, fcntl.F_DUPFD, 100)
outer = fcntl.fcntl(outer, fcntl.F_DUPFD, 100)
os.dup2(outer, 5)
os.dup2(inner, 6)
os.execv(sys.argv[2], sys.argv[2:])
' "$BG_CMD" "$SANDBOX_BWRAP" "${BW_BASE[@]}" --userns 5 --userns2 6 --proc /proc sh -c 'readlink /proc/self/ns/user; id -u'
	assert_success
	assert_output_equals "$inner
$(id -u)"
}

# --- --userns-block-fd, --block-fd, --sync-fd, --lock-file ------------------------------

@test "--userns-block-fd needs --info-fd" {
	run --separate-stderr bwb --unshare-user --userns-block-fd 8 true 8</dev/null
	assert_bwrap_error --userns-block-fd
}

@test "--userns-block-fd: waits for a byte; the caller writes the id maps" {
	local F
	F=$(fixture_dir)
	mkfifo "$F/info" "$F/block"
	# exec, and no timeout(1) in between: any process that stays between
	# this shell and the launcher would hold the info fd open too.
	(exec "$SANDBOX_BWRAP" "${BW_BASE[@]}" --unshare-user --info-fd 3 --userns-block-fd 4 \
		sh -c 'echo started; id -u; id -g') 3>"$F/info" 4<"$F/block" >"$F/out" 2>"$F/err" &
	BG_PID=$!
	exec 8<"$F/info" 7>"$F/block"
	# the info fd is complete (closed) before the sandbox waits
	local info
	info=$(timeout 5 cat <&8) || { echo "no EOF on the info fd; read: $info" >&2; exec 7>&- 8<&-; false; }
	exec 8<&-
	local pid
	pid=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' <<<"$info")
	[[ -n $pid ]] || { echo "info: $info" >&2; exec 7>&-; false; }
	sleep 0.3
	[[ ! -s $F/out ]] || { echo "started before the byte" >&2; cat "$F/out" >&2; exec 7>&-; false; }
	# no maps were written by the launcher: writing them works once
	echo "4321 $(id -u) 1" >"/proc/$pid/uid_map"
	echo deny >"/proc/$pid/setgroups"
	echo "8765 $(id -g) 1" >"/proc/$pid/gid_map"
	echo x >&7
	exec 7>&-
	wait_bounded "$BG_PID" 20
	BG_PID=
	[[ $WAIT_STATUS -eq 0 ]] || { cat "$F/err" >&2; false; }
	[[ $(cat "$F/out") == "started
4321
8765" ]] || { cat "$F/out" "$F/err" >&2; false; }
}

@test "--block-fd: the command starts only after a byte" {
	local F
	F=$(fixture_dir)
	mkfifo "$F/block"
	bwb --block-fd 3 sh -c 'echo started' 3<"$F/block" >"$F/out" 2>&1 &
	BG_PID=$!
	exec 7>"$F/block"
	sleep 0.5
	[[ ! -s $F/out ]] || { echo "started before the byte" >&2; cat "$F/out" >&2; exec 7>&-; false; }
	echo x >&7
	exec 7>&-
	wait_bounded "$BG_PID" 20
	BG_PID=
	[[ $WAIT_STATUS -eq 0 && $(cat "$F/out") == started ]] || { cat "$F/out" >&2; false; }
}

@test "--block-fd: EOF also releases the command" {
	local F
	F=$(fixture_dir)
	mkfifo "$F/block"
	bwb --block-fd 3 sh -c 'echo started' 3<"$F/block" >"$F/out" 2>&1 &
	BG_PID=$!
	exec 7>"$F/block"
	sleep 0.3
	[[ ! -s $F/out ]] || { exec 7>&-; false; }
	exec 7>&-
	wait_bounded "$BG_PID" 20
	BG_PID=
	[[ $WAIT_STATUS -eq 0 && $(cat "$F/out") == started ]] || { cat "$F/out" >&2; false; }
}

@test "--sync-fd: open while the sandbox runs, closed after; not in the command" {
	local F
	F=$(fixture_dir)
	mkfifo "$F/sync"
	mkdir "$F/ctl"
	only_fds "3>$F/sync" bwt --proc /proc --bind "$F/ctl" /ctl --sync-fd 3 \
		sh -c "$PROBE fds >/ctl/fds; while [ ! -e /ctl/go ]; do sleep 0.05; done" &
	BG_PID=$!
	exec 8<"$F/sync"
	# no EOF while the sandbox runs
	if timeout 1 cat <&8 >/dev/null; then
		echo "the sync fd was closed while the sandbox ran" >&2
		touch "$F/ctl/go"
		exec 8<&-
		false
	fi
	touch "$F/ctl/go"
	timeout 10 cat <&8 >/dev/null || { echo "no EOF on the sync fd after the sandbox ended" >&2; exec 8<&-; false; }
	exec 8<&-
	wait_bounded "$BG_PID" 20
	BG_PID=
	[[ $WAIT_STATUS -eq 0 ]]
	output=$(cat "$F/ctl/fds")
	mapfile -t lines <"$F/ctl/fds"
	assert_fds "0 1 2"
}

@test "--sync-fd with --as-pid-1: the command holds it" {
	run --separate-stderr only_fds "3>/dev/null" bwt --unshare-pid --as-pid-1 --proc /proc --sync-fd 3 "$PROBE" fds
	assert_success
	assert_fds "0 1 2 3"
}

@test "--lock-file: a read lock is held on the file while the sandbox runs" {
	need_python3 "test an fcntl lock from outside"
	local F
	F=$(fixture_dir)
	mkdir "$F/ctl"
	echo data >"$F/lock"
	bwb --bind "$F/lock" /lk --bind "$F/ctl" /ctl --lock-file /lk \
		sh -c 'touch /ctl/running; while [ ! -e /ctl/go ]; do sleep 0.05; done' 3>&- &
	BG_PID=$!
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -e $F/ctl/running ]] && break
		sleep 0.05
	done
	local probe_lock='
import fcntl, sys
f = open(sys.argv[1], "r+")
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("free")
except OSError:
    print("locked")
'
	# pid 1 takes the lock next to starting the command: give it a moment
	for ((i = 0; i < 40; i++)); do
		run python3 -c "$probe_lock" "$F/lock"
		[[ $output == locked ]] && break
		sleep 0.05
	done
	touch "$F/ctl/go"
	wait_bounded "$BG_PID" 20
	BG_PID=
	assert_output_equals locked
	run python3 -c "$probe_lock" "$F/lock"
	assert_output_equals free
}

@test "--lock-file: a missing file fails the sandbox" {
	run --separate-stderr bwb --lock-file /no/such/lock true
	assert_bwrap_error /no/such/lock
}

@test "--lock-file with --as-pid-1 is refused" {
	run --separate-stderr bwb --unshare-pid --as-pid-1 --lock-file /usr true
	assert_bwrap_error --lock-file --as-pid-1
}

# --- --info-fd, --json-status-fd ---------------------------------------------------

@test "--info-fd: child-pid and the unshared namespaces, in bubblewrap's format" {
	local F
	F=$(fixture_dir)
	run --separate-stderr bwb --unshare-pid --unshare-net --info-fd 3 true 3>"$F/info"
	assert_success
	output=$(cat "$F/info")
	[[ $output =~ ^\{$'\n'\ \ \ \ \"child-pid\":\ [0-9]+,$'\n'\ \ \ \ \"mnt-namespace\":\ [0-9]+,$'\n'\ \ \ \ \"net-namespace\":\ [0-9]+,$'\n'\ \ \ \ \"pid-namespace\":\ [0-9]+$'\n'\}$ ]] || { show_run; false; }
}

@test "--json-status-fd: exit-code after a successful exec" {
	local F
	F=$(fixture_dir)
	run --separate-stderr bwb --json-status-fd 3 sh -c 'exit 7' 3>"$F/json"
	assert_status 7
	mapfile -t lines <"$F/json"
	output=$(cat "$F/json")
	[[ ${#lines[@]} -eq 2 && ${lines[0]} =~ ^\{\ \"child-pid\":\ [0-9]+,\ \"mnt-namespace\":\ [0-9]+\ \}$ && ${lines[1]} == '{ "exit-code": 7 }' ]] || { show_run; false; }
}

@test "--json-status-fd: no exit-code when the command is not found" {
	local F
	F=$(fixture_dir)
	run --separate-stderr bwb --json-status-fd 3 /no/such/command 3>"$F/json"
	assert_bwrap_error /no/such/command
	mapfile -t lines <"$F/json"
	output=$(cat "$F/json")
	[[ ${#lines[@]} -eq 1 && ${lines[0]} == '{ "child-pid": '* ]] || { show_run; false; }
}

# --- --help, --version ---------------------------------------------------------

@test "--help through the link: usage on stdout, exit 0" {
	run --separate-stderr env PATH="$TESTROOT:$PATH" bwrap --help
	assert_success
	assert_stderr_empty
	[[ ${lines[0]} == "usage: bwrap [OPTIONS...] [--] COMMAND [ARGS...]" ]] || { show_run; false; }
	run --separate-stderr "$SANDBOX_BWRAP" --help
	assert_success
	[[ ${lines[0]} == "usage: $SANDBOX_BWRAP [OPTIONS...] [--] COMMAND [ARGS...]" ]] || { show_run; false; }
}

@test "--help with --compat=bwrap shows the invoked name" {
	run --separate-stderr "$SANDBOX" --compat=bwrap --help
	assert_success
	assert_stderr_empty
	[[ ${lines[0]} == "usage: $SANDBOX [OPTIONS...] [--] COMMAND [ARGS...]" ]] || { show_run; false; }
}

@test "--version: exit 0" {
	run --separate-stderr bw --version
	assert_success
	[[ -n $output ]]
}

# --- file descriptors ----------------------------------------------------------

@test "inherited fds pass through, readable inside" {
	local F
	F=$(fixture_dir)
	echo inherited >"$F/data"
	run --separate-stderr only_fds "3<$F/data 6<$F" bwt --proc /proc sh -c "cat <&3; $PROBE fds"
	assert_success
	assert_line inherited
	assert_fds "0 1 2 3 6"
}

@test "the launcher's own fds never reach the command" {
	local F
	F=$(fixture_dir)
	echo data >"$F/data"
	bpf_allow_all "$F/allow"
	printf -- '--setenv\0X\0Y\0' >"$F/args"
	run --separate-stderr only_fds "10<$F/args 11<$F/data 12<$F/data 13<$F/data 14>/dev/null 15>/dev/null 16<$F/data 17>/dev/null 18<$F/allow 19<$F 3<$F/data" \
		bwt --unshare-pid --unshare-net --proc /proc --dev /dev \
		--args 10 --file 11 /f --bind-data 12 /bd --ro-bind-data 13 /rbd --info-fd 14 --json-status-fd 15 \
		--block-fd 16 --sync-fd 17 --seccomp 18 --ro-bind-fd 19 /rbf --lock-file /f \
		"$PROBE" fds
	assert_success
	assert_fds "0 1 2 3"
}

@test "closed stdin, stdout or stderr: nothing of the launcher lands on 0-2" {
	local F
	F=$(fixture_dir)
	# stdin closed: the launcher opens /dev/null on it
	run --separate-stderr only_fds "0<&-" bwt --proc /proc "$PROBE" fds
	assert_success
	assert_fds "0 1 2"
	assert_line "0 /dev/null"
	# stdout closed: /dev/null on it (the probe says so on stderr)
	run --separate-stderr only_fds "1>&-" bwt --proc /proc "$PROBE" fd-kind 1
	assert_success
	[[ $stderr == devnull ]] || { show_run; false; }
	# stderr closed
	run --separate-stderr only_fds "2>&-" bwt --proc /proc "$PROBE" fds
	assert_success
	assert_fds "0 1 2"
	assert_line "2 /dev/null"
}

# --- capabilities, lifecycle ----------------------------------------------------

@test "--cap-add CAP_NET_RAW: in CapEff and CapAmb, nothing else" {
	run --separate-stderr bwt --proc /proc --cap-add CAP_NET_RAW "$PROBE" caps
	assert_success
	assert_line "CapEff:	0000000000002000"
	assert_line "CapAmb:	0000000000002000"
	assert_line "CapPrm:	0000000000002000"
	assert_line "CapBnd:	0000000000002000"
	assert_line "NoNewPrivs:	1"
}

@test "default: no capabilities, no_new_privs, no seccomp" {
	run --separate-stderr bwt --proc /proc "$PROBE" caps
	assert_success
	assert_no_caps
	assert_line "Seccomp:	0"
}

@test "default: nothing implicit, not even with /usr bound: no /etc/alternatives, no links, no /proc /dev /tmp" {
	local top=${TESTROOT#/}
	top=${top%%/*}
	run --separate-stderr bw --ro-bind /usr /usr --ro-bind "$TESTROOT" "$TESTROOT" "$PROBE" ls /
	assert_success
	assert_output_equals "$(printf '%s\n' usr "$top" | sort -u)"
}

@test "--die-with-parent: the sandbox goes when the launcher's parent dies" {
	local mark
	mark=$(unique_marker)
	bash -c '"$@" & echo $! >"'"$BATS_TEST_TMPDIR"'/launcher"; wait' _ \
		"$SANDBOX_BWRAP" "${BW_BASE[@]}" --ro-bind "$TESTROOT" "$TESTROOT" --unshare-pid --die-with-parent "$PROBE" sleep 60 "$mark" 3>&- &
	local parent=$!
	wait_for_process "^$PROBE sleep 60 $mark"
	kill -KILL "$parent"
	wait "$parent" 2>/dev/null || true
	assert_no_process "$mark" 5
}

@test "no --die-with-parent: bubblewrap's default, the command outlives the launcher's parent" {
	local mark
	mark=$(unique_marker)
	bash -c '"$@" & wait' _ "$SANDBOX_BWRAP" "${BW_BASE[@]}" --ro-bind "$TESTROOT" "$TESTROOT" "$PROBE" sleep 60 "$mark" 3>&- &
	local parent=$!
	wait_for_process "^$PROBE sleep 60 $mark"
	kill -KILL "$parent"
	wait "$parent" 2>/dev/null || true
	sleep 0.5
	local pids
	pids=$(pgrep -u "$(id -u)" -f -- "$PROBE sleep 60 $mark")
	[[ -n $pids ]] || { echo "the command died with the launcher's parent" >&2; false; }
	# shellcheck disable=SC2086
	kill -KILL $pids
}

@test "SIGTERM and SIGINT to the launcher reach the command (on purpose: bubblewrap does not forward)" {
	# bubblewrap 0.8-0.11 do not forward signals (issue #369); doc/design.md ("Processes")
	# makes the launcher forward SIGINT, SIGTERM, ... in both personalities.
	local F sig ns
	for ns in --unshare-pid --unshare-ipc; do
		for sig in TERM INT; do
			F=$(fixture_dir)
			# the launcher itself must get the signal, not a wrapper
			(exec_only_fds "" "$SANDBOX_BWRAP" "${BW_BASE[@]}" --ro-bind "$TESTROOT" "$TESTROOT" $ns "$PROBE" catch) >"$F/out" 2>&1 &
			BG_PID=$!
			wait_for_file_line "$F/out" ready
			kill -"$sig" "$BG_PID"
			wait_bounded "$BG_PID" 10
			BG_PID=
			echo "# SIG$sig with $ns" >&2
			[[ $(cat "$F/out") == *"caught SIG$sig"* && $WAIT_STATUS -eq 0 ]] || { cat "$F/out" >&2; false; }
		done
	done
}

# --- as root -----------------------------------------------------------------------

@test "a setuid copy of the launcher refuses to run, in both personalities (on purpose)" {
	# bubblewrap <= 0.11 runs setuid; doc/design.md ("Guarantees") refuses to.  The driver,
	# as root, installs a setuid-root copy next to the launcher.
	[[ -u $TESTROOT/sandbox-suid ]] || skip "no setuid copy: the driver was not run as root"
	run --separate-stderr "$TESTROOT/sandbox-suid" --ro-bind /usr /usr -- /usr/bin/true
	assert_status 125
	assert_stderr_contains "sandbox: refusing to run setuid"
	run --separate-stderr "$TESTROOT/sandbox-suid" --compat=bwrap "${BW_BASE[@]}" /usr/bin/true
	assert_bwrap_error setuid
}

# --- recursion --------------------------------------------------------------------

@test "the bwrap personality inside its own sandbox" {
	# like bubblewrap, the mount(2) fallback builds the new root on /tmp,
	# so the outer sandbox has one
	run --separate-stderr bwt --unshare-pid --proc /proc --tmpfs /tmp -- \
		"$SANDBOX_BWRAP" "${BW_BASE[@]}" --unshare-pid --proc /proc sh -c 'echo inner; id -u; readlink /proc/self/ns/mnt'
	assert_success
	assert_line inner
	assert_line "$(id -u)"
	run --separate-stderr bwt --unshare-all --proc /proc --dev /dev --tmpfs /tmp -- \
		"$SANDBOX_BWRAP" "${BW_BASE[@]}" --unshare-all --proc /proc --dev /dev --uid 0 id -u
	assert_success
	assert_output_equals 0
}

# --- bind-fd (0.10) and --symlink idempotence (0.9) --------------------------------

@test "--bind-fd and --ro-bind-fd: bind what the fd is open on; fd closed" {
	local F
	F=$(fixture_dir)
	mkdir "$F/d1" "$F/d2"
	echo one >"$F/d1/f"
	echo two >"$F/d2/f"
	run --separate-stderr only_fds "5<$F/d1 6<$F/d2" bwt --proc /proc --bind-fd 5 /a --ro-bind-fd 6 /b \
		sh -c "cat /a/f /b/f; echo new >/a/new; (echo x >/b/new) 2>&- || echo ro; $PROBE fds"
	assert_success
	assert_line one
	assert_line two
	assert_line ro
	assert_fds "0 1 2"
	[[ $(cat "$F/d1/new") == new && ! -e $F/d2/new ]]
}

@test "--bind-fd follows the object, not the path it was opened by" {
	local F
	F=$(fixture_dir)
	mkdir "$F/orig"
	echo original >"$F/orig/f"
	exec 5<"$F/orig"
	mv "$F/orig" "$F/moved"
	mkdir "$F/orig"
	echo impostor >"$F/orig/f"
	run --separate-stderr bwb --bind-fd 5 /a cat /a/f
	exec 5<&-
	assert_success
	assert_output_equals original
}

@test "--symlink: an identical existing link is accepted (0.9)" {
	run --separate-stderr bwb --symlink usr/bin /x --symlink usr/bin /x readlink /x
	assert_success
	assert_output_equals usr/bin
	run --separate-stderr bwb --symlink usr/bin /x --symlink usr/lib /x true
	assert_bwrap_error /x
}

# --- what real clients rely on ---------------------------------------------------

# Flatpak binds /proc/self/ns/user to learn the sandbox's own user
# namespace: the source is resolved by the sandbox's process, as in
# bubblewrap, not compared with what the caller saw.
@test "--ro-bind-try /proc/self/ns/user names the sandbox's user namespace" {
	run --separate-stderr bwb --unshare-user --dir /run --ro-bind-try /proc/self/ns/user /run/.userns \
		--ro-bind /proc/self/ns /run/ns --proc /proc \
		sh -c 'echo "bound=$(stat -L -c %i /run/.userns) own=$(stat -L -c %i /proc/self/ns/user) dir=$(stat -L -c %i /run/ns/user)"'
	assert_success
	local own
	own=$(stat -L -c %i /proc/self/ns/user)
	[[ $output =~ ^bound=([0-9]+)\ own=([0-9]+)\ dir=([0-9]+)$ ]] || { show_run; false; }
	[[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" && ${BASH_REMATCH[1]} != "$own" ]] || { show_run; false; }
	[[ ${BASH_REMATCH[3]} == "${BASH_REMATCH[2]}" ]] || { show_run; false; }
}

# Installed as a copy (or hard link) named bwrap, a re-exec through
# /proc/self/exe, which resolves to that file, is bwrap again.
@test "a copy named bwrap stays bwrap when re-executed through /proc/self/exe" {
	local F
	F=$(fixture_dir)
	cp "$SANDBOX_REAL" "$F/bwrap"
	run --separate-stderr bounded "$F/bwrap" "${BW_BASE[@]}" --ro-bind "$F" "$F" --proc /proc \
		/proc/self/exe --no-such-option
	assert_bwrap_error --no-such-option
	# and the sandbox name stays sandbox through /proc/self/exe
	cp "$SANDBOX_REAL" "$F/sandbox"
	run --separate-stderr bounded "$F/sandbox" --ro-bind /usr /usr --ro-bind "$F" "$F" \
		/proc/self/exe --no-such-option
	assert_status 125
	[[ $stderr == "sandbox: "*"--no-such-option"* && ${#stderr_lines[@]} -eq 1 ]] || { show_run; false; }
}

# A bwrap replaced or removed while it runs (an upgrade) shows in
# /proc/self/exe as "bwrap (deleted)": still the bwrap name.
@test "a deleted copy named bwrap, run through an fd, is still bwrap" {
	local F
	F=$(fixture_dir)
	cp "$SANDBOX_REAL" "$F/bwrap"
	run --separate-stderr bounded bash -c 'exec 3<"$1" && rm "$1" && exec /proc/self/fd/3 --no-such-option' _ "$F/bwrap"
	assert_bwrap_error --no-such-option
}

# A program that makes its own user namespace inside the sandbox: the
# sandbox's process must be rooted at the top of its root, even when an op
# mounts over "/" (a root below it counts as a chroot to the kernel).
@test "inside --ro-bind / / with --unshare-user, unshare -U and a nested bwrap work" {
	command -v unshare >/dev/null || skip "no unshare(1)"
	run --separate-stderr bw --ro-bind / / --dev /dev --proc /proc --unshare-user --unshare-pid \
		--die-with-parent --new-session sh -c '
		unshare -U readlink /proc/self/ns/user && readlink /proc/self/ns/user
		"$1" --ro-bind / / --unshare-user --unshare-pid --proc /proc --dev /dev readlink /proc/self/ns/user' \
		_ "$SANDBOX_BWRAP"
	assert_success
	[[ ${#lines[@]} -eq 3 ]] || { show_run; false; }
	[[ ${lines[0]} == user:* && ${lines[0]} != "${lines[1]}" && ${lines[2]} != "${lines[1]}" ]] ||
		{ show_run; false; }
	[[ ${lines[1]} != "$(readlink /proc/self/ns/user)" ]] || { show_run; false; }
}

# `flatpak enter` and bubblewrap's --userns/--pidns: the caller opens the
# namespaces of the child-pid that --info-fd reports and joins them; the
# command inside still cannot reach pid 1's (tests/attacks go further).
@test "the caller joins the namespaces of the --info-fd child-pid; the command cannot" {
	command -v nsenter >/dev/null || skip "no nsenter(1)"
	local F mark pid ns
	F=$(fixture_dir)
	mark=$(unique_marker)
	bg_sandbox "$mark" --unshare-user --unshare-pid --unshare-net --unshare-uts --hostname inside \
		--proc /proc --info-fd 9 9>"$F/info"
	pid=$(sed -n 's/.*"child-pid": \([0-9]*\).*/\1/p' "$F/info")
	[[ -n $pid ]] || { cat "$F/info" >&2; false; }
	for ns in user mnt net pid uts ipc cgroup; do
		[[ -r /proc/$pid/ns/$ns ]] || { echo "cannot open /proc/$pid/ns/$ns" >&2; false; }
	done
	run --separate-stderr bounded nsenter -t "$pid" -U -m -n -u --preserve-credentials hostname
	assert_success
	assert_output_equals inside
	run --separate-stderr bounded nsenter -t "$pid" -U -n --preserve-credentials readlink /proc/self/ns/net
	assert_success
	assert_output_equals "$(readlink "/proc/$pid/ns/net")"
	run --separate-stderr bwt --unshare-pid --proc /proc sh -c \
		'readlink /proc/1/ns/user || echo refused; cat /proc/1/environ >/dev/null 2>&1 || echo refused'
	assert_output_equals "$(printf 'refused\nrefused')"
}

# bubblewrap's callers and its own tests match these words exactly.
@test "messages in bubblewrap's words" {
	local F
	F=$(fixture_dir)
	run --separate-stderr bwb --symlink /dev/null /x --symlink /dev/full /x true
	assert_bwrap_error "Can't make symlink at /x: existing destination is /dev/null"
	run --separate-stderr bwb --dir /x --symlink /dev/full /x true
	assert_bwrap_error "Can't make symlink at /x: destination exists and is not a symlink"
	run --separate-stderr bwb --bind "$F/missing" /m true
	assert_bwrap_error "bwrap: Can't find source path $F/missing: No such file or directory"
	run --separate-stderr bwb --add-seccomp-fd -1 true
	assert_bwrap_error "bwrap: Invalid fd: -1"
	run --separate-stderr bwb --seccomp 0a true
	assert_bwrap_error "bwrap: Invalid fd: 0a"
	run --separate-stderr bwb --add-seccomp-fd 3 --add-seccomp-fd 3 true 3</dev/null
	assert_bwrap_error "bwrap: Can't read seccomp data: Bad file descriptor"
	run --separate-stderr bwb --overlay "$F" "$F" /o true
	assert_bwrap_error "bwrap: --overlay requires at least one --overlay-src"
	run --separate-stderr bwb --overlay-src "$F" --ro-overlay /o true
	assert_bwrap_error "bwrap: --ro-overlay requires at least two --overlay-src"
	run --separate-stderr bwb --overlay-src "$F" --chdir / true
	assert_bwrap_error "bwrap: --overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay"
}
