#!/usr/bin/env bats
# flatpak-builder on the bwrap personality: an app built from a manifest
# on the local runtime and SDK, installed and run, offline.

load ../integration/helpers
load clients_helpers

APP=org.sbxtest.Built

setup_file() {
	need_cmd flatpak flatpak-builder dbus-daemon strace || return 0
	FB_DIR=$(mktemp -d "$FIXTURES/fb.XXXXXX")
	export FB_DIR
	setup_flatpak_user "$FB_DIR"
}

teardown_file() {
	teardown_flatpak_user
}

setup() {
	skip_if_missing
}

@test "flatpak-builder builds a manifest in bwrap, installs the app and flatpak runs it" {
	mkdir -p "$FB_DIR/project"
	cd "$FB_DIR/project"
	# The build commands run in the build sandbox: what they record about
	# it lands in the app.
	cat >"$APP.json" <<'EOF'
{
  "app-id": "org.sbxtest.Built",
  "runtime": "org.sbxtest.Platform",
  "runtime-version": "1",
  "sdk": "org.sbxtest.Sdk",
  "command": "built",
  "finish-args": ["--share=ipc"],
  "modules": [
    {
      "name": "built",
      "buildsystem": "simple",
      "build-commands": [
        "mkdir -p /app/bin /app/share/sbxtest",
        "echo '#!/bin/sh' > /app/bin/built",
        "echo 'echo \"built by flatpak-builder, running $FLATPAK_ID on the $(cat /usr/share/sbxtest/kind)\"' >> /app/bin/built",
        "chmod 755 /app/bin/built",
        "echo \"kind=$(cat /usr/share/sbxtest/kind) uid=$(id -u) mnt=$(readlink /proc/self/ns/mnt)\" > /app/share/sbxtest/build-report"
      ]
    }
  ]
}
EOF
	# rofiles-fuse needs /dev/fuse, which an unprivileged user may not open.
	run traced "$FB_DIR/builder.trace" flatpak-builder --user --disable-rofiles-fuse \
		--force-clean --install build "$APP.json"
	assert_success
	assert_bwrap_ran "$FB_DIR/builder.trace" /bin/sh -c "chmod 755 /app/bin/built"

	run cat build/files/share/sbxtest/build-report
	assert_success
	[[ $output == "kind=sdk uid=$(id -u) mnt=mnt:["* ]] || {
		echo "expected the SDK, this user's uid and a mount namespace" >&2
		show_run
		return 1
	}
	if [[ $output == *" mnt=$(readlink /proc/self/ns/mnt)" ]]; then
		echo "the build commands ran in the host's mount namespace" >&2
		return 1
	fi

	run client_bounded flatpak run "$APP"
	assert_success
	assert_output_equals "built by flatpak-builder, running $APP on the platform"
}
