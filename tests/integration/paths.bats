#!/usr/bin/env bats
# Destinations are resolved inside the new root: no symlink and no ".." can
# make a mount, a directory or a file land on the host.

load helpers

setup() {
	FIX=$(fixture_dir)
	# A host directory the test user may write to, and which does not exist
	# inside the sandbox: an escape would create something here.
	mkdir "$FIX/victim" "$FIX/src" "$FIX/data"
	touch "$FIX/data/data-file"
	echo content >"$FIX/file"
}

# Like sbx, but only the probe binary is bound (at /probe), so that no host
# directory other than /usr (and the implicit /etc/alternatives) is visible
# inside, whatever FIXTURES is.
sbx_min() {
	timeout -k 5 "$SBX_TIMEOUT" "$SANDBOX" --ro-bind /usr /usr --ro-bind "$PROBE" /probe "$@"
}

# assert_victim_empty: nothing was created in the host's $FIX/victim.
assert_victim_empty() {
	local entries
	entries=$(ls -A "$FIX/victim")
	if [[ -n $entries ]]; then
		echo "created on the host in $FIX/victim: $entries" >&2
		show_run
		return 1
	fi
}

@test "--dir /a --symlink /etc /a/l --bind SRC /a/l/x: x lands at /etc/x inside the root, nothing in host /etc" {
	local host_etc etc_inside=sbx-escape-x
	host_etc=$(ls -A /etc)
	# The sandbox's /etc has the implicit alternatives beside x.
	[[ -d /etc/alternatives ]] && etc_inside=$'alternatives\nsbx-escape-x'
	run sbx_min --dir /a --symlink /etc /a/l --bind "$FIX/data" /a/l/sbx-escape-x -- /bin/sh -c "
		/probe ls /etc/sbx-escape-x
		readlink /a/l
		/probe ls /etc"
	assert_success
	assert_output_equals $'data-file\n/etc\n'"$etc_inside"
	[[ ! -e /etc/sbx-escape-x ]]
	[[ $(ls -A /etc) == "$host_etc" ]]
}

@test "a --symlink to a host directory that is absent inside cannot carry --dir, --bind or a file bind to the host" {
	host_snapshot
	run sbx_min --dir /a --symlink "$FIX/victim" /a/l --dir /a/l/made-dir \
		--bind "$FIX/data" /a/l/made-mount --ro-bind "$FIX/file" /a/l/made-file \
		-- /probe ls "$FIX/victim"
	assert_victim_empty
	host_unchanged
	assert_success
	assert_output_equals $'made-dir\nmade-file\nmade-mount'
}

@test "a symlink to /etc planted in a bound source tree cannot put --dir into the host's /etc" {
	ln -s /etc "$FIX/src/link"
	local host_etc
	host_etc=$(ls -A /etc)
	run sbx_min --bind "$FIX/src" /s --dir /s/link/sbx-evil -- /bin/sh -c '
		test -d /etc/sbx-evil && echo inside-root'
	[[ ! -e /etc/sbx-evil ]]
	[[ $(ls -A /etc) == "$host_etc" ]]
	assert_success
	assert_output_equals "inside-root"
}

@test "a symlink to a writable host directory planted in a bound source tree cannot leak --dir, binds or files" {
	ln -s "$FIX/victim" "$FIX/src/link"
	host_snapshot
	run sbx_min --bind "$FIX/src" /s --dir /s/link/evil-dir --bind "$FIX/data" /s/link/evil-mount \
		--ro-bind "$FIX/file" /s/link/evil-file --tmpfs /s/link/evil-tmpfs \
		--symlink /x /s/link/evil-link -- /probe ls "$FIX/victim"
	assert_victim_empty
	host_unchanged
	assert_success
	assert_output_equals $'evil-dir\nevil-file\nevil-link\nevil-mount\nevil-tmpfs'
}

@test "a relative ../ symlink in a bound source tree stays inside the new root" {
	ln -s ../victim "$FIX/src/up"
	host_snapshot
	run sbx_min --bind "$FIX/src" /s --dir /s/up/rel-dir -- /probe ls /victim
	assert_victim_empty
	host_unchanged
	assert_success
	assert_output_equals "rel-dir"
}

@test "magic links (/proc/self/cwd, /proc/self/root) cannot lead setup out of the new root" {
	host_snapshot
	cd "$FIX/victim"
	run sbx_min --proc /proc --symlink /proc/self/cwd /l1 --dir /l1/via-cwd \
		--symlink "/proc/self/root$FIX/victim" /l2 --dir /l2/via-root -- /bin/true
	cd "$BATS_TEST_DIRNAME"
	assert_victim_empty
	host_unchanged
	[[ $status -eq 0 || $status -eq 125 ]] || { show_run; false; }
}

@test "--dir /../../x stays inside the new root" {
	run sbx_min --dir /../../sbx-dotdot --dir /a/../../b/../sbx-dotdot2 -- /probe ls /
	assert_success
	assert_line "sbx-dotdot"
	assert_line "sbx-dotdot2"
	[[ ! -e /sbx-dotdot && ! -e /sbx-dotdot2 ]]
}

@test "a destination climbing out with .. to a host-writable path stays inside" {
	host_snapshot
	run sbx_min --dir "/../../..$FIX/victim/dotdot-dir" --bind "$FIX/data" "/../..$FIX/victim/dotdot-mount" \
		-- /probe ls "$FIX/victim"
	assert_victim_empty
	host_unchanged
	assert_success
	assert_output_equals $'dotdot-dir\ndotdot-mount'
}

@test "legitimate in-root symlinks work: --symlink /run /var/run --bind SRC /var/run/x shows x at /run/x" {
	run sbx_min --symlink /run /var/run --bind "$FIX/data" /var/run/x -- /bin/sh -c "
		readlink /var/run
		/probe ls /run/x"
	assert_success
	assert_output_equals $'/run\ndata-file'
}

@test "a relative in-root symlink is followed inside: --symlink ../target /a/l --dir /a/l/sub" {
	run sbx_min --dir /target --symlink ../target /a/l --dir /a/l/sub -- /probe ls /target
	assert_success
	assert_output_equals "sub"
}

@test "a destination that is a dangling symlink gets its target made inside the root, for a directory and a file bind" {
	host_snapshot
	run sbx_min --symlink /t-dir /ld --bind "$FIX/data" /ld --symlink /t-file /lf \
		--ro-bind "$FIX/file" /lf --symlink "$FIX/victim/x" /lv --bind "$FIX/data" /lv \
		-- /bin/sh -c "/probe ls /t-dir; cat /t-file; readlink /ld /lf; /probe ls $FIX/victim/x"
	assert_victim_empty
	host_unchanged
	assert_success
	assert_output_equals $'data-file\ncontent\n/t-dir\n/t-file\ndata-file'
}

@test "destinations with a trailing slash, repeated slashes, '.' and '..' are made where they point, inside the root" {
	run sbx_min --bind "$FIX/data" /new1/ --bind "$FIX/data" //new2 --dir /d \
		--bind "$FIX/data" /d/./new3 --bind "$FIX/data" /d/new4/. \
		--bind "$FIX/data" /d/new5/../new6 -- /bin/sh -c '
		for d in /new1 /new2 /d/new3 /d/new4 /d/new6; do /probe ls "$d"; done
		/probe ls /d'
	assert_success
	assert_output_equals $'data-file\ndata-file\ndata-file\ndata-file\ndata-file\nnew3\nnew4\nnew5\nnew6'
}

@test "4000 --dir options in one command line work" {
	local args=() i
	for ((i = 0; i < 4000; i++)); do
		args+=(--dir "/many/d$i")
	done
	run sbx_min "${args[@]}" -- /bin/sh -c 'ls /many | wc -l; test -d /many/d3999 && echo last'
	assert_success
	assert_output_equals $'4000\nlast'
}

@test "a command line of more than 9000 arguments is refused with 125 and a clear message" {
	local args=() i
	for ((i = 0; i < 4600; i++)); do
		args+=(--dir "/many/d$i")
	done
	host_snapshot
	run --separate-stderr sbx_min "${args[@]}" -- /bin/true
	assert_setup_error "argument" "Argument"
	host_unchanged
}
