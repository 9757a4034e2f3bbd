#!/usr/bin/env bats
# Diagnostics that carry a hint (doc/design.md, "Command line and diagnostics"): each is one line, names what
# failed, and says what to do about it.

load helpers

@test "hint: user namespaces disabled (max_user_namespaces=0 in an outer namespace)" {
	# The limit is per user namespace, so an outer one can switch it off for
	# everything inside without touching the host's setting.
	run --separate-stderr unshare -Ur sh -c \
		'echo 0 > /proc/sys/user/max_user_namespaces && exec "$@"' _ "${SBX[@]}" -- /bin/true
	assert_setup_error "create namespaces"
	[[ $stderr == *"hint: user namespaces are disabled: sysctl user.max_user_namespaces"* ]] ||
		{ show_run; false; }
}

@test "hint: a missing bind source suggests the -try form" {
	run --separate-stderr "${SBX[@]}" --bind /no/such/dir /x -- /bin/true
	assert_setup_error /no/such/dir
	[[ $stderr == *"hint: --bind-try skips a missing source"* ]] || { show_run; false; }
}

@test "hint: a bind source that is a dangling symlink says where it points" {
	local d
	d=$(fixture_dir)
	ln -s /no/such/target "$d/dangling"
	run --separate-stderr "${SBX[@]}" --ro-bind "$d/dangling" /x -- /bin/true
	assert_setup_error "$d/dangling"
	[[ $stderr == *"symlink to '/no/such/target', which does not exist"* ]] || { show_run; false; }
}

@test "hint: a program whose ELF loader is not inside the sandbox" {
	# Only /usr/bin is bound, not the merged-/usr links, so /lib64 is absent.
	run -127 --separate-stderr "$SANDBOX" --ro-bind /usr/bin /usr/bin -- /usr/bin/true
	assert_status 127
	assert_one_error_line /usr/bin/true
	[[ $stderr == *"/usr/bin/true exists but its loader /lib"*"is not inside the sandbox"* ]] ||
		{ show_run; false; }
}

@test "hint: a script whose #! interpreter is not inside the sandbox" {
	local d
	d=$(fixture_dir)
	printf '#!/no/such/interpreter\necho hi\n' > "$d/script"
	chmod 755 "$d/script"
	run -127 --separate-stderr "${SBX[@]}" --ro-bind "$d" /s -- /s/script
	assert_status 127
	assert_one_error_line /s/script
	[[ $stderr == *"loader /no/such/interpreter is not inside the sandbox"* ]] ||
		{ show_run; false; }
}

@test "a setup error in the child is reported once, by the launcher" {
	local d
	d=$(fixture_dir)
	: > "$d/file"
	# A directory op on a path below a file fails inside the child.
	run --separate-stderr "${SBX[@]}" --ro-bind "$d" /d --dir /d/file/sub -- /bin/true
	assert_setup_error /d/file/sub
}

@test "hint: a command in a root that holds nothing to run it from names the usual fix" {
	local cmd
	host_snapshot
	for cmd in bash /bin/sh; do
		run -127 --separate-stderr "$SANDBOX" -- "$cmd"
		assert_status 127
		assert_one_error_line "execute $cmd: No such file or directory"
		[[ $stderr == *"hint: the sandbox's root holds nothing to run $cmd from"*"the usual fix is --ro-bind /usr /usr)" ]] ||
			{ show_run; false; }
	done
	# A root with /usr but a PATH that names nothing inside.
	run -127 --separate-stderr "${SBX[@]}" --setenv PATH /opt/none -- awk
	assert_one_error_line "execute awk"
	[[ $stderr == *"hint: no directory of PATH (/opt/none) is inside the sandbox)" ]] || { show_run; false; }
	# The control case: a root to run from, and a command that is nowhere.
	run -127 --separate-stderr "${SBX[@]}" -- sbx-no-such-command
	assert_one_error_line "execute sbx-no-such-command: No such file or directory"
	[[ $stderr != *hint* ]] || { show_run; false; }
	host_unchanged
}

@test "hint: a command that is a link to /etc/alternatives, which is not inside" {
	[[ $(readlink /usr/bin/awk) == /etc/alternatives/awk ]] ||
		skip "the host's /usr/bin/awk is not a link to /etc/alternatives/awk"
	local hint="(hint: /usr/bin/awk is a link to /etc/alternatives/awk, which is not inside the sandbox)"
	host_snapshot
	run -127 --separate-stderr "$SANDBOX" --bare --ro-bind /usr /usr -- /usr/bin/awk 'BEGIN {}'
	assert_one_error_line "execute /usr/bin/awk: No such file or directory"
	[[ $stderr == *"$hint" ]] || { show_run; false; }
	run -127 --separate-stderr "$SANDBOX" --ro-bind /usr /usr --tmpfs /etc -- /usr/bin/awk 'BEGIN {}'
	assert_one_error_line "execute /usr/bin/awk: No such file or directory"
	[[ $stderr == *"$hint" ]] || { show_run; false; }
	# A bare name is looked up in PATH as exec did.
	run -127 --separate-stderr "$SANDBOX" --ro-bind /usr /usr --tmpfs /etc -- awk 'BEGIN {}'
	assert_one_error_line "execute awk: No such file or directory"
	[[ $stderr == *"$hint" ]] || { show_run; false; }
	host_unchanged
}

@test "hint: a chain of links names the first target missing inside, as the command sees it" {
	local d
	d=$(fixture_dir)
	chmod 755 "$d"
	ln -s b "$d/a"
	ln -s /no/such/c "$d/b"
	# There on the host, but not inside: the sandbox has $d at /s only.
	printf '#!/bin/sh\necho real\n' >"$d/real"
	chmod 755 "$d/real"
	ln -s "$d/real" "$d/host"
	host_snapshot
	run -127 --separate-stderr "$SANDBOX" --ro-bind /usr /usr --ro-bind "$d" /s -- /s/a
	assert_one_error_line "execute /s/a: No such file or directory"
	[[ $stderr == *"(hint: /s/a is a link, through /s/b, to /no/such/c, which is not inside the sandbox)" ]] ||
		{ show_run; false; }
	run -127 --separate-stderr "$SANDBOX" --ro-bind /usr /usr --ro-bind "$d" /s -- /s/host
	assert_one_error_line "execute /s/host: No such file or directory"
	[[ $stderr == *"(hint: /s/host is a link to $d/real, which is not inside the sandbox)" ]] ||
		{ show_run; false; }
	run -127 --separate-stderr "$SANDBOX" --ro-bind /usr /usr --ro-bind "$d" /s --setenv PATH /s -- a
	assert_one_error_line "execute a: No such file or directory"
	[[ $stderr == *"(hint: /s/a is a link, through /s/b, to /no/such/c, which is not inside the sandbox)" ]] ||
		{ show_run; false; }
	host_unchanged
}
