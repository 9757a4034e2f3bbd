#!/usr/bin/env bats
# The default sandbox, the command line forms, and the simple options.

load helpers

@test "sandbox --bind /usr /usr -- bash: root inside, own hostname, own /proc, only lo, empty /tmp, no /home /root, nothing of /etc but alternatives" {
	local host_name etc=""
	host_name=$(cat /proc/sys/kernel/hostname)
	[[ -d /etc/alternatives ]] && etc=alternatives
	run "$SANDBOX" --bind /usr /usr -- bash -c '
		echo "uid=$(id -u)"
		hostname x 2>/dev/null
		echo "pid=$$"
		echo "pid1=$(cat /proc/1/comm)"
		echo "npids=$(ls /proc | grep -c "^[0-9]")"
		echo "ifaces=$(sed -n "3,\$s/^ *\([^:]*\):.*/\1/p" /proc/net/dev | tr "\n" " ")"
		echo "tmp-entries=$(ls -A /tmp | wc -l)"
		for d in /home /root; do
			if [ -e "$d" ] || [ -L "$d" ]; then echo "present $d"; fi
		done
		echo "etc=$(ls -A /etc 2>/dev/null)"
		cat /proc/self/mountinfo
	'
	assert_success
	assert_line "uid=0"
	[[ $(cat /proc/sys/kernel/hostname) == "$host_name" ]]
	refute_line "pid=1"
	[[ $output =~ (^|$'\n')pid=([0-9]+) ]]
	((BASH_REMATCH[2] <= 3)) || { show_run; false; }
	refute_line "pid1=bash"
	[[ $output =~ (^|$'\n')npids=([0-9]+) ]]
	((BASH_REMATCH[2] >= 2 && BASH_REMATCH[2] <= 6)) || { show_run; false; }
	assert_line "ifaces=lo "
	assert_line "tmp-entries=0"
	refute_line "present /home"
	refute_line "present /root"
	assert_line "etc=$etc"
	assert_mount /tmp tmpfs
	assert_mount /proc proc
}

@test "the network namespace has only lo, and lo is up" {
	run sbx -- "$PROBE" ifflags lo
	assert_success
	assert_output_equals "UP"
	run sbx -- /bin/cat /proc/net/dev
	assert_success
	[[ $(interfaces_of <<<"$output") == "lo" ]] || { show_run; false; }
}

@test "implicit /proc, /dev and /tmp are a procfs, a tmpfs /dev and an empty tmpfs" {
	run sbx -- /bin/cat /proc/self/mountinfo
	assert_success
	assert_mount /proc proc
	assert_mount /dev tmpfs
	assert_mount /tmp tmpfs
	run sbx -- "$PROBE" ls /tmp
	assert_success
	assert_output_equals ""
}

@test "the host's top-level links into usr/ are recreated when /usr is bound" {
	local l links=() script=""
	for l in /bin /sbin /lib /lib32 /lib64 /libx32; do
		if [[ -L $l && $(readlink "$l") == usr/* ]]; then
			links+=("$l")
			script+="echo $l=\$(readlink $l);"
		fi
	done
	if ((${#links[@]} == 0)); then
		skip "the host has no merged-/usr links"
	fi
	run sbx -- /usr/bin/sh -c "$script"
	assert_success
	for l in "${links[@]}"; do
		assert_line "$l=$(readlink "$l")"
	done
}

@test "a dynamically linked program from /bin runs through the recreated links" {
	run sbx -- /bin/sh -c 'echo hi'
	assert_success
	assert_output_equals "hi"
}

need_alternatives() {
	[[ -d /etc/alternatives ]] || skip "the host has no /etc/alternatives"
}

# alternative NAME: the host's /usr/bin/NAME is a link through
# /etc/alternatives to a program that is there.
alternative() {
	[[ $(readlink "/usr/bin/$1") == "/etc/alternatives/$1" && -x /usr/bin/$1 ]]
}

@test "sandbox --bind /usr /usr: awk, which and editor run through the host's /etc/alternatives" {
	need_alternatives
	local name names=()
	for name in awk which editor; do
		alternative "$name" && names+=("$name")
	done
	((${#names[@]} > 0)) || skip "none of awk, which, editor is a link through /etc/alternatives here"
	run "$SANDBOX" --bind /usr /usr -- bash -c '
		for name; do
			case $name in
			awk) echo "awk:$(awk "BEGIN { print 1 + 1 }")" ;;
			which) echo "which:$(which sh)" ;;
			editor) editor --version </dev/null >/dev/null 2>&1; echo "editor:$?" ;;
			esac
		done' _ "${names[@]}"
	assert_success
	for name in "${names[@]}"; do
		case $name in
		awk) assert_line "awk:2" ;;
		which) assert_line "which:/usr/bin/sh" ;;
		editor) assert_line "editor:0" ;;
		esac
	done
}

@test "the implicit /etc/alternatives is the host's links, read-only; /etc holds nothing else" {
	need_alternatives
	run sbx -- /bin/sh -c "
		echo etc=\$(ls -A /etc)
		stat -c etc-mode=%a /etc
		test -e /etc/passwd || echo no-passwd
		$PROBE write /etc/alternatives/sbx-test
		mkdir /etc/alternatives/sbx-test 2>&1 | grep -q 'Read-only file system' && echo mkdir-EROFS
		ls -A /etc/alternatives | sed 's/^/alt=/'
		cat /proc/self/mountinfo"
	assert_success
	assert_line "etc=alternatives"
	assert_line "etc-mode=755"
	assert_line "no-passwd"
	[[ ${lines[3]} == EROFS && ${lines[4]} == mkdir-EROFS ]] || { show_run; false; }
	mount_has_option /etc/alternatives ro || { show_run; false; }
	[[ $(printf '%s\n' "${lines[@]}" | sed -n 's/^alt=//p') == "$(ls -A /etc/alternatives)" ]] ||
		{ show_run; false; }
	[[ ! -e /etc/alternatives/sbx-test ]]
}

@test "--bind /etc /etc, --tmpfs /etc, an op below /etc or --bare: no implicit /etc/alternatives" {
	need_alternatives
	# The whole of /etc, as bound: no mount of its own on /etc/alternatives.
	run sbx --bind /etc /etc -- /bin/sh -c 'test -e /etc/passwd && echo passwd; cat /proc/self/mountinfo'
	assert_success
	assert_line "passwd"
	refute_mount /etc/alternatives
	run sbx --tmpfs /etc -- "$PROBE" ls /etc
	assert_success
	assert_output_equals ""
	run sbx --dir /etc/ssl -- "$PROBE" ls /etc
	assert_success
	assert_output_equals "ssl"
	run sbx --bare -- "$PROBE" ls /
	assert_success
	refute_line "etc"
}

@test "no implicit /etc/alternatives without the host's /usr on /usr" {
	need_alternatives
	run "$SANDBOX" --ro-bind "$TESTROOT" "$TESTROOT" -- "$PROBE" ls /
	assert_success
	refute_line "etc"
	run "$SANDBOX" --ro-bind /usr/share /usr --ro-bind "$TESTROOT" "$TESTROOT" -- "$PROBE" ls /
	assert_success
	refute_line "etc"
}

@test "--help prints the usage on stdout and exits 0" {
	run --separate-stderr "$SANDBOX" --help
	assert_success
	[[ ${output,,} == *usage* ]] || { show_run; false; }
	assert_output_contains "--bind"
	assert_output_contains "--ro-bind"
}

@test "--version prints a version and exits 0" {
	run --separate-stderr "$SANDBOX" --version
	assert_success
	[[ $output =~ [0-9]+\.[0-9]+ ]] || { show_run; false; }
}

@test "-v and --verbose print the setup steps on stderr; without them a good run prints nothing" {
	local flag
	for flag in -v --verbose; do
		run --separate-stderr sbx "$flag" -- /bin/sh -c 'echo out'
		assert_success
		assert_output_equals "out"
		if ((${#stderr_lines[@]} < 3)); then
			echo "expected several setup steps on stderr with $flag" >&2
			show_run
			return 1
		fi
		[[ ${stderr,,} =~ mount|bind|pivot|namespace ]] || { show_run; false; }
		[[ $stderr =~ [0-9] ]] || { show_run; false; }
	done
	run --separate-stderr sbx -- /bin/sh -c 'echo out'
	assert_success
	assert_stderr_empty
}

@test "long options accept the --opt=VALUE form" {
	run sbx --hostname=eq-host --chdir=/usr/bin --uid=7 --gid=8 --tmpfs=/eqtmp \
		--setenv=EQ2 two -- /bin/sh -c '
		cat /proc/sys/kernel/hostname; pwd; id -u; id -g
		grep -c " /eqtmp " /proc/self/mountinfo
		echo "EQ2=$EQ2"'
	assert_success
	assert_line "eq-host"
	assert_line "/usr/bin"
	assert_line "7"
	assert_line "8"
	assert_line "1"
	assert_line "EQ2=two"
}

@test "@FILE reads options one per line, skipping comments and blank lines" {
	local fix
	fix=$(fixture_dir)
	cat >"$fix/profile" <<-'EOF'
		# a reusable profile: one argument a line

		--setenv
		PROFILE_VAR
		value with spaces
		# the hostname comes next

		--hostname
		from-profile
		--dir
		/made-by-profile
	EOF
	run sbx @"$fix/profile" -- /bin/sh -c '
		echo "var=$PROFILE_VAR"
		cat /proc/sys/kernel/hostname
		test -d /made-by-profile && echo dir-ok'
	assert_success
	assert_line "var=value with spaces"
	assert_line "from-profile"
	assert_line "dir-ok"
}

@test "-- ends the options: a program named --weird-name is run" {
	local fix
	fix=$(fixture_dir)
	printf '#!/bin/sh\necho "weird:$*"\n' >"$fix/--weird-name"
	chmod 755 "$fix/--weird-name"
	chmod 755 "$fix"
	run sbx --ro-bind "$fix" /wbin --setenv PATH /wbin:/usr/bin -- --weird-name a --b
	assert_success
	assert_output_equals "weird:a --b"
}

@test "-- --weird-name that does not exist is 'not found' (127) and the message names it" {
	run -127 --separate-stderr sbx -- --weird-name
	assert_one_error_line "--weird-name"
}

@test "--setenv sets, --unsetenv removes, --clearenv empties the environment" {
	export SBX_TEST_KEEP=kept SBX_TEST_DROP=dropped
	run sbx --setenv SBX_TEST_NEW 'a b=c' --unsetenv SBX_TEST_DROP -- /usr/bin/env
	assert_success
	assert_line "SBX_TEST_NEW=a b=c"
	assert_line "SBX_TEST_KEEP=kept"
	[[ $output != *SBX_TEST_DROP* ]] || { show_run; false; }

	run sbx --clearenv --setenv ONLY one -- /usr/bin/env
	assert_success
	assert_line "ONLY=one"
	[[ $output != *SBX_TEST_KEEP* ]] || { show_run; false; }
	[[ $output != *PATH=* ]] || { show_run; false; }
	local line
	for line in "${lines[@]}"; do
		[[ $line == ONLY=one || $line == PWD=* ]] || { show_run; false; }
	done
}

@test "--setenv after --clearenv is applied in order" {
	run sbx --setenv FIRST 1 --clearenv --setenv SECOND 2 -- /usr/bin/env
	assert_success
	assert_line "SECOND=2"
	[[ $output != *FIRST=* ]] || { show_run; false; }
}

@test "--chdir sets the working directory of the command" {
	run sbx --chdir /usr/share -- /bin/sh -c 'pwd; /bin/pwd -P'
	assert_success
	assert_output_equals $'/usr/share\n/usr/share'
}

@test "--chdir to a missing directory is a setup error naming it" {
	run --separate-stderr sbx --chdir /no/such/dir -- /bin/true
	assert_setup_error "/no/such/dir" "--chdir"
}

@test "--hostname sets the hostname inside only" {
	local host_name
	host_name=$(cat /proc/sys/kernel/hostname)
	run sbx --hostname inner-name -- /bin/sh -c 'cat /proc/sys/kernel/hostname; hostname'
	assert_success
	assert_output_equals $'inner-name\ninner-name'
	[[ $(cat /proc/sys/kernel/hostname) == "$host_name" ]]
}

@test "--uid and --gid set the ids the command runs as" {
	run sbx --uid 1234 --gid 4321 -- /bin/sh -c 'id -u; id -g'
	assert_success
	assert_output_equals $'1234\n4321'
	run sbx -- /bin/sh -c 'id -u; id -g'
	assert_success
	assert_output_equals $'0\n0'
}

@test "--uid 4294967294, the largest valid id, is accepted" {
	run sbx --uid 4294967294 -- /bin/sh -c 'id -u'
	assert_success
	assert_output_equals "4294967294"
}

@test "--unshare-* options are accepted and change nothing in this personality" {
	run sbx --unshare-all --unshare-user --unshare-ipc --unshare-pid \
		--unshare-net --unshare-uts --unshare-cgroup -- /bin/sh -c 'echo $$; cat /proc/net/dev'
	assert_success
	[[ ${lines[0]} != 1 && ${lines[0]} -le 3 ]] || { show_run; false; }
	[[ $(printf '%s\n' "${lines[@]:1}" | interfaces_of) == lo ]] || { show_run; false; }
}

@test "--bare adds no /proc, /dev or /tmp" {
	run sbx --bare -- "$PROBE" ls /
	assert_success
	assert_line "usr"
	refute_line "proc"
	refute_line "dev"
	refute_line "tmp"
}

@test "--bare with --proc and --tmpfs gets only what was asked for" {
	run sbx --bare --proc /proc --tmpfs /tmp -- "$PROBE" ls /
	assert_success
	assert_line "proc"
	assert_line "tmp"
	refute_line "dev"
	run sbx --bare --proc /proc -- "$PROBE" cat /proc/self/mountinfo
	assert_success
	assert_mount /proc proc
	refute_mount /dev
	refute_mount /tmp
}

@test "--die-with-parent is accepted" {
	run sbx --die-with-parent -- /bin/sh -c 'echo ok'
	assert_success
	assert_output_equals "ok"
}
