#!/usr/bin/env bats
# Diagnostics that carry a hint (SPEC §3): each is one line, names what
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
