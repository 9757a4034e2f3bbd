#!/usr/bin/env bats
# Behaviour that differs when the caller is root.  The driver runs this
# file as root, after the unprivileged runs of everything else.

load ../helpers
load ../bwrap_helpers

setup() {
	[[ $(id -u) -eq 0 ]] || skip "root only: the driver runs this file as root"
}

@test "diff as root: identity, namespaces and capabilities by default" {
	# bubblewrap run by root makes no user namespace and keeps root's
	# capabilities (rpm-ostree relies on it); so does the bwrap personality.
	bw_compare_ok -- --proc /proc sh -c '@LIB@ id -u; id -g; grep -E "^(Cap|NoNewPrivs)" /proc/self/status; ns'
	bw_compare_ok -- --unshare-user --proc /proc sh -c '@LIB@ id -u; id -g; grep -E "^(Cap|NoNewPrivs)" /proc/self/status; ns'
}

@test "diff as root: --cap-drop ALL, and --cap-drop ALL --cap-add one" {
	# The bounding set is left out on purpose: bubblewrap leaves root's
	# full, the bwrap personality cuts it to the kept caps, so that no
	# later exec can regain what was dropped (doc/design.md, "Guarantees").
	bw_compare_ok -- --proc /proc --cap-drop ALL sh -c '@LIB@ grep -E "^Cap(Prm|Eff)" /proc/self/status'
	bw_compare_ok -- --proc /proc --cap-drop ALL --cap-add CAP_CHOWN sh -c '@LIB@ grep -E "^Cap(Prm|Eff)" /proc/self/status'
}

@test "as root, the sandbox personality still maps root to root in a new user namespace with no capabilities" {
	run --separate-stderr sbx -- "$PROBE" caps
	assert_success
	assert_no_caps
}
