#!/usr/bin/env bats
# Bad input: each is refused before anything runs, with one diagnostic line
# that names the option or path, exit status 125, and no trace on the host.

load helpers

# refused_cleanly WORD... -- ARGS...: runs the launcher with ARGS and checks
# the refusal (see assert_setup_error) and that the host is unchanged.
refused_cleanly() {
	local words=()
	while [[ $1 != -- ]]; do
		words+=("$1")
		shift
	done
	shift
	host_snapshot
	run --separate-stderr timeout -k 5 "$SBX_TIMEOUT" "$SANDBOX" "$@"
	assert_setup_error "${words[@]}"
	host_unchanged
}

@test "error: a missing bind source" {
	refused_cleanly /no/such/source -- --ro-bind /usr /usr --bind /no/such/source /x -- /bin/true
}

@test "error: a missing --ro-bind and --dev-bind source" {
	refused_cleanly /no/such/ro -- --ro-bind /usr /usr --ro-bind /no/such/ro /x -- /bin/true
	refused_cleanly /no/such/dev -- --ro-bind /usr /usr --dev-bind /no/such/dev /x -- /bin/true
}

@test "error: a missing overlay layer, upper or work directory, or a layer that is a file" {
	local F
	F=$(fixture_dir)
	mkdir "$F/up" "$F/work"
	refused_cleanly "--overlay-src: /no/such/layer: No such file" -- --ro-bind /usr /usr \
		--overlay-src /usr --overlay-src /no/such/layer --tmp-overlay /x -- /bin/true
	refused_cleanly "--overlay-src: /usr/bin/true: Not a directory" -- --ro-bind /usr /usr \
		--overlay-src /usr --overlay-src /usr/bin/true --ro-overlay /x -- /bin/true
	refused_cleanly "--overlay: /no/such/upper" -- --ro-bind /usr /usr \
		--overlay-src /usr --overlay /no/such/upper "$F/work" /x -- /bin/true
	refused_cleanly "--overlay: /no/such/work" -- --ro-bind /usr /usr \
		--overlay-src /usr --overlay "$F/up" /no/such/work /x -- /bin/true
}

@test "error: a missing argument (--bind /usr)" {
	refused_cleanly --bind -- --bind /usr
}

@test "error: a missing argument at the end of the options (--hostname)" {
	refused_cleanly --hostname -- --ro-bind /usr /usr --hostname
}

@test "error: an unknown option" {
	refused_cleanly --no-such-option -- --ro-bind /usr /usr --no-such-option -- /bin/true
}

@test "error: --uid abc" {
	refused_cleanly --uid -- --ro-bind /usr /usr --uid abc -- /bin/true
}

@test "error: --uid -1" {
	refused_cleanly --uid -- --ro-bind /usr /usr --uid -1 -- /bin/true
}

@test "error: --uid 4294967295" {
	refused_cleanly --uid -- --ro-bind /usr /usr --uid 4294967295 -- /bin/true
}

@test "error: --uid 4294967296" {
	refused_cleanly --uid -- --ro-bind /usr /usr --uid 4294967296 -- /bin/true
}

@test "error: --uid with an empty value" {
	refused_cleanly --uid -- --ro-bind /usr /usr --uid '' -- /bin/true
}

@test "error: --uid 1x and --uid ' 1' (trailing garbage, leading blank)" {
	refused_cleanly --uid -- --ro-bind /usr /usr --uid 1x -- /bin/true
	refused_cleanly --uid -- --ro-bind /usr /usr --uid ' 1' -- /bin/true
	refused_cleanly --uid -- --ro-bind /usr /usr --uid +1 -- /bin/true
}

@test "error: --gid abc and --gid 4294967295" {
	refused_cleanly --gid -- --ro-bind /usr /usr --gid abc -- /bin/true
	refused_cleanly --gid -- --ro-bind /usr /usr --gid 4294967295 -- /bin/true
}

@test "error: a 4097-byte source path" {
	local long
	long=/$(printf 'a%.0s' {1..4096})
	((${#long} == 4097))
	refused_cleanly --bind "${long:0:40}" -- --ro-bind /usr /usr --bind "$long" /x -- /bin/true
}

@test "error: a long missing source keeps its reason and hint; the middle of the path gives way" {
	local long
	long=/no/$(printf 'd%.0s' {1..1500})/x
	refused_cleanly "No such file or directory" -- --ro-bind /usr /usr --bind "$long" /x -- /bin/true
	[[ $stderr == "sandbox: --bind: /no/ddd"*"..."*"ddd/x: No such file or directory (hint: "*")" ]] ||
		{ show_run; false; }
}

@test "error: a 4097-byte destination path" {
	local long
	long=/$(printf 'b%.0s' {1..4096})
	refused_cleanly --dir "${long:0:40}" -- --ro-bind /usr /usr --dir "$long" -- /bin/true
}

@test "error: a source that is a dangling symlink" {
	local fix
	fix=$(fixture_dir)
	ln -s "$fix/nowhere" "$fix/dangling"
	refused_cleanly "$fix/dangling" "$fix/nowhere" -- --ro-bind /usr /usr --bind "$fix/dangling" /x -- /bin/true
}

@test "error: --pass-fd of a closed fd" {
	host_snapshot
	run --separate-stderr bounded bash -c 'exec 7<&-; exec "$@"' _ "${SBX[@]}" --pass-fd 7 -- /bin/true
	assert_setup_error --pass-fd
	host_unchanged
}

@test "error: --pass-fd abc" {
	refused_cleanly --pass-fd -- --ro-bind /usr /usr --pass-fd abc -- /bin/true
}

@test "error: no command" {
	host_snapshot
	run --separate-stderr "$SANDBOX" --ro-bind /usr /usr
	[[ $status -eq 125 ]] || { show_run; false; }
	[[ $stderr == "sandbox: "* ]] || { show_run; false; }
	host_unchanged
}

@test "error: a missing bind source after many valid ops leaves no trace" {
	local fix
	fix=$(fixture_dir)
	refused_cleanly /no/such/late-source -- --ro-bind /usr /usr --bind "$fix" /b --tmpfs /t \
		--dir /d --symlink /usr /u --bind /no/such/late-source /late -- /bin/true
	[[ -z $(ls -A "$fix") ]]
}

@test "error: a failure during setup (--symlink over an existing file) leaves no trace" {
	refused_cleanly /usr/bin -- --ro-bind /usr /usr --symlink /x /usr/bin -- /bin/true
}

@test "error: --chdir to a missing directory leaves no trace" {
	refused_cleanly /nonexistent-dir --chdir -- --ro-bind /usr /usr --chdir /nonexistent-dir -- /bin/true
}
