#!/usr/bin/env bats
# Flatpak on the bwrap personality, end to end and offline: an app built
# on a runtime made of host programs, exported to a local repository,
# installed for the user and run in the ways Flatpak runs apps.  The
# tests run in order and build on each other: each one checks what its
# step produced, so a broken step fails there and in those after it.

load ../integration/helpers
load clients_helpers

APP=org.sbxtest.Hello

setup_file() {
	need_cmd flatpak ostree dbus-daemon dbus-send xdg-dbus-proxy strace || return 0
	need_python_module GdkPixbuf 'import gi; gi.require_version("GdkPixbuf", "2.0")' || return 0
	FP_DIR=$(mktemp -d "$FIXTURES/fp.XXXXXX")
	export FP_DIR
	setup_flatpak_user "$FP_DIR"
	# Shared with the app through --filesystem=xdg-documents, which
	# --sandbox takes away again.
	mkdir -p "$HOME/Documents"
	echo "a document" >"$HOME/Documents/doc.txt"
	echo "XDG_DOCUMENTS_DIR=\"\$HOME/Documents\"" >"$XDG_CONFIG_HOME/user-dirs.dirs"
}

teardown_file() {
	teardown_flatpak_user
}

setup() {
	skip_if_missing
	BG_PIDS=()
}

teardown() {
	local pid
	for pid in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	return 0
}

# The app's data directory on the host.
app_data() {
	echo "$HOME/.var/app/$APP"
}

# require_step FILE: FILE, which an earlier test made, exists.
require_step() {
	if [[ ! -e $1 ]]; then
		echo "$1 is missing: an earlier test of this file failed" >&2
		return 1
	fi
}

# require_installed: later tests need the app the earlier ones installed.
require_installed() {
	if ! flatpak info --user "$APP" >/dev/null 2>&1; then
		echo "$APP is not installed: an earlier test of this file failed" >&2
		return 1
	fi
}

# start_instance WORD: runs the app in the background with a shell that
# marks itself, then sleeps with WORD (a unique number) on its command
# line; waits until flatpak lists the instance.  Sets BG (the bwrap
# process, which `flatpak run` became), INSTANCE, CHILD (the sandbox's
# first process, as flatpak ps reports it) and SLEEPER (the app's sleep).
start_instance() {
	local word=$1
	# shellcheck disable=SC2016
	flatpak run --command=sh "$APP" -c \
		'echo ready > "$XDG_DATA_HOME/ready-$1"; exec sleep "$1"' sh "$word" \
		</dev/null >"$FP_DIR/instance.log" 2>&1 3>&- &
	BG=$!
	BG_PIDS+=("$BG")
	wait_for_file_line "$(app_data)/data/ready-$word" ready 20 || return 1
	wait_for_instance "$BG" || return 1
	read -r INSTANCE _ CHILD _ <<<"$(instance_line "$BG")"
	wait_for_process "sleep $word" || return 1
	SLEEPER=$(pgrep -u "$(id -u)" -x -f "sleep $word")
	BG_PIDS+=("$SLEEPER")
}

@test "flatpak build runs a command in the build sandbox on the SDK, with /app writable" {
	run client_bounded flatpak build-init "$FP_DIR/app" "$APP" org.sbxtest.Sdk org.sbxtest.Platform 1
	assert_success

	# shellcheck disable=SC2016
	local script='
set -e
mkdir -p /app/bin /app/share/sbxtest
cat >/app/bin/hello <<"EOF"
#!/bin/sh
echo "hello from $FLATPAK_ID"
echo "usr: $(cat /usr/share/sbxtest/kind)"
echo "net: $(readlink /proc/self/ns/net)"
echo "bus: $(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId | tr -d " ")"
mkdir -p "$XDG_DATA_HOME"
echo "written by $FLATPAK_ID" >"$XDG_DATA_HOME/hello.txt"
EOF
chmod 755 /app/bin/hello
{
	echo "kind=$(cat /usr/share/sbxtest/kind)"
	echo "uid=$(id -u)"
	echo "mnt=$(readlink /proc/self/ns/mnt)"
} >/app/share/sbxtest/build-report
echo "build command done"'
	run client_bounded flatpak build "$FP_DIR/app" sh -c "$script"
	assert_success
	assert_line "build command done"

	run cat "$FP_DIR/app/files/share/sbxtest/build-report"
	assert_success
	assert_line "kind=sdk"
	# bwrap keeps the caller's uid.
	assert_line "uid=$(id -u)"
	refute_line "mnt=$(readlink /proc/self/ns/mnt)"
	[[ -x $FP_DIR/app/files/bin/hello ]]
}

@test "flatpak build-finish writes the permissions and exports the desktop file and icon" {
	require_step "$FP_DIR/app/files/bin/hello"
	mkdir -p "$FP_DIR/app/files/share/icons/hicolor/64x64/apps" "$FP_DIR/app/files/share/applications"
	make_image "$FP_DIR/app/files/share/icons/hicolor/64x64/apps/$APP.png" 64 64 png
	cat >"$FP_DIR/app/files/share/applications/$APP.desktop" <<EOF
[Desktop Entry]
Type=Application
Name=Hello
Exec=hello
Icon=$APP
EOF
	run client_bounded flatpak build-finish "$FP_DIR/app" --command=hello --share=ipc \
		--socket=wayland --filesystem=xdg-documents
	assert_success
	run cat "$FP_DIR/app/metadata"
	assert_line "command=hello"
	assert_line "shared=ipc;"
	assert_line "sockets=wayland;"
	assert_line "filesystems=xdg-documents;"
	[[ -f $FP_DIR/app/export/share/icons/hicolor/64x64/apps/$APP.png ]]
	[[ -f $FP_DIR/app/export/share/applications/$APP.desktop ]]
}

@test "flatpak build-export validates the icon in bwrap and commits the app" {
	require_step "$FP_DIR/app/export/share/applications/$APP.desktop"
	run traced "$FP_DIR/export.trace" flatpak build-export "$REPO" "$FP_DIR/app" 1
	assert_success
	assert_bwrap_ran "$FP_DIR/export.trace" /usr/libexec/flatpak-validate-icon
	run ostree ls --repo="$REPO" "app/$APP/x86_64/1" "/export/share/icons/hicolor/64x64/apps/$APP.png"
	assert_success
	assert_output_contains "$APP.png"
}

@test "flatpak build-export rejects an oversized icon, as the validator in bwrap reports" {
	# The validator loads the picture inside the sandbox and reports its
	# size: the message shows that it really ran there.
	local dir=$FP_DIR/big
	run client_bounded flatpak build-init "$dir" org.sbxtest.Big org.sbxtest.Sdk org.sbxtest.Platform 1
	assert_success
	mkdir -p "$dir/files/bin" "$dir/files/share/icons/hicolor/64x64/apps" "$dir/files/share/applications"
	printf '#!/bin/sh\necho big\n' >"$dir/files/bin/big"
	chmod 755 "$dir/files/bin/big"
	make_image "$dir/files/share/icons/hicolor/64x64/apps/org.sbxtest.Big.png" 1024 1024 png
	printf '[Desktop Entry]\nType=Application\nName=Big\nExec=big\nIcon=org.sbxtest.Big\n' \
		>"$dir/files/share/applications/org.sbxtest.Big.desktop"
	run client_bounded flatpak build-finish "$dir" --command=big
	assert_success
	run client_bounded flatpak build-export "$REPO" "$dir" 1
	assert_status 1
	assert_output_contains "not a valid icon: Image too large (1024x1024)"
}

@test "flatpak install --user installs the app from the local repository" {
	run ostree refs --repo="$REPO"
	assert_line "app/$APP/x86_64/1"
	run client_bounded flatpak install --user -y --noninteractive local "$APP"
	assert_success
	run flatpak info --user "$APP"
	assert_success
	assert_output_contains "Ref: app/$APP/x86_64/1"
	# The exported desktop file is rewritten to start the app through flatpak.
	run cat "$XDG_DATA_HOME/flatpak/exports/share/applications/$APP.desktop"
	assert_success
	assert_output_contains "flatpak run"
}

@test "flatpak run: ld.so cache, D-Bus proxy and app each in a bwrap sandbox" {
	require_installed
	local host_bus_id
	host_bus_id=$(dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus \
		/org/freedesktop/DBus org.freedesktop.DBus.GetId | tr -d ' ')
	run --separate-stderr traced "$FP_DIR/run.trace" flatpak run "$APP"
	assert_success
	assert_line "hello from $APP"
	assert_line "usr: platform"
	# No --share=network: a network namespace of its own.
	refute_line "net: $(readlink /proc/self/ns/net)"
	# The app reached the session bus through xdg-dbus-proxy.
	assert_line "bus: $host_bus_id"
	run cat "$(app_data)/data/hello.txt"
	assert_success
	assert_output_equals "written by $APP"
	# ldconfig wrote the app's ld.so cache from its sandbox.
	[[ -s $(app_data)/.ld.so/active ]]
	assert_bwrap_ran "$FP_DIR/run.trace" ldconfig -X -C
	assert_bwrap_ran "$FP_DIR/run.trace" xdg-dbus-proxy
	assert_bwrap_ran "$FP_DIR/run.trace" hello
}

@test "flatpak run --sandbox --devel --die-with-parent" {
	require_installed
	local word=3000.$RANDOM$RANDOM out=$FP_DIR/devel.out parent
	# shellcheck disable=SC2016
	local launcher='flatpak run --sandbox --devel --die-with-parent --command=sh "$1" -c "$2" sh "$3" \
		>"$4" 2>&1 </dev/null &
		wait'
	# shellcheck disable=SC2016
	local app_script='cat /usr/share/sbxtest/kind
		if [ -e "$HOME/Documents/doc.txt" ]; then echo documents visible; else echo documents hidden; fi
		echo started
		exec sleep "$1"'
	# The shell in between is the parent that dies.
	bash -c "$launcher" bash "$APP" "$app_script" "$word" "$out" 3>&- &
	parent=$!
	BG_PIDS+=("$parent")
	wait_for_file_line "$out" started 20
	run cat "$out"
	# --devel: the SDK is /usr.
	assert_line sdk
	# --sandbox: none of the filesystem permissions of the app's metadata.
	assert_line "documents hidden"
	wait_for_process "sleep $word"
	kill -KILL "$parent"
	assert_no_process "sleep $word" 5
}

@test "flatpak run without --sandbox shares the documents directory" {
	require_installed
	run client_bounded flatpak run --command=cat "$APP" "$HOME/Documents/doc.txt"
	assert_success
	assert_output_equals "a document"
}

@test "flatpak run --device=all --share=network --persist=somedir" {
	require_installed
	rm -rf "$(app_data)/somedir"
	# shellcheck disable=SC2016
	run --separate-stderr client_bounded flatpak run --device=all --share=network --persist=somedir \
		--command=sh "$APP" -c '
		echo persisted >"$HOME/somedir/file"
		echo "net: $(readlink /proc/self/ns/net)"
		ls /dev'
	assert_success
	assert_line "net: $(readlink /proc/self/ns/net)"
	local host_dev
	host_dev=$(ls /dev)
	if [[ $(printf '%s\n' "${lines[@]:1}") != "$host_dev" ]]; then
		echo "with --device=all the app's /dev should list what the host's does:" >&2
		diff <(printf '%s\n' "$host_dev") <(printf '%s\n' "${lines[@]:1}") >&2
		return 1
	fi
	run cat "$(app_data)/somedir/file"
	assert_success
	assert_output_equals persisted
}

@test "flatpak ps lists a running instance run by our bwrap" {
	require_installed
	start_instance "3001.$RANDOM$RANDOM"
	[[ -n $INSTANCE && -n $CHILD ]]
	run flatpak ps --columns=instance,application
	assert_line "$INSTANCE	$APP"
	[[ /proc/$BG/exe -ef $OUR_BWRAP ]] || {
		echo "the instance's pid $BG runs $(readlink "/proc/$BG/exe"), not $OUR_BWRAP" >&2
		return 1
	}
	# The instance's pid namespace is its own, and the app's sleep is in it.
	[[ $(readlink "/proc/$CHILD/ns/pid") != "$(readlink /proc/self/ns/pid)" ]]
	[[ $(readlink "/proc/$SLEEPER/ns/pid") == "$(readlink "/proc/$CHILD/ns/pid")" ]] || {
		echo "app process $SLEEPER: $(readlink "/proc/$SLEEPER/ns/pid")" >&2
		echo "instance's first process $CHILD: $(readlink "/proc/$CHILD/ns/pid")" >&2
		ps -o pid,ppid,args -p "$CHILD,$SLEEPER" >&2
		return 1
	}
}

@test "flatpak enter runs a command in the namespaces of a running instance" {
	require_installed
	local word=3002.$RANDOM$RANDOM
	start_instance "$word"
	run client_bounded flatpak enter "$INSTANCE" sh -c '
		readlink /proc/self/ns/mnt
		readlink /proc/self/ns/pid
		readlink /proc/self/ns/user
		grep "^instance-id=" /.flatpak-info
		cat /proc/[0-9]*/cmdline | tr "\0" " "'
	assert_success
	assert_line "$(readlink "/proc/$SLEEPER/ns/mnt")"
	assert_line "$(readlink "/proc/$SLEEPER/ns/pid")"
	assert_line "$(readlink "/proc/$SLEEPER/ns/user")"
	assert_line "instance-id=$INSTANCE"
	assert_output_contains "sleep $word"
}

@test "flatpak run --parent-pid --parent-share-pids joins the parent's pid namespace" {
	require_installed
	local word=3003.$RANDOM$RANDOM
	start_instance "$word"
	# The pid a portal passes: a process of the parent app.
	run client_bounded flatpak run --parent-pid="$SLEEPER" --parent-share-pids \
		--command=sh "$APP" -c '
		readlink /proc/self/ns/pid
		readlink /proc/self/ns/user
		cat /proc/[0-9]*/cmdline | tr "\0" " "'
	assert_success
	assert_line "$(readlink "/proc/$SLEEPER/ns/pid")"
	# --userns: the parent's user namespace, not a new one.
	assert_line "$(readlink "/proc/$SLEEPER/ns/user")"
	assert_output_contains "sleep $word"
}

@test "flatpak kill ends a running instance" {
	require_installed
	local word=3004.$RANDOM$RANDOM i
	start_instance "$word"
	run client_bounded flatpak kill "$INSTANCE"
	assert_success
	for ((i = 0; i < 100; i++)); do
		proc_alive "$BG" || break
		sleep 0.1
	done
	if proc_alive "$BG"; then
		echo "the instance's bwrap (pid $BG) still runs after flatpak kill" >&2
		return 1
	fi
	assert_no_process "sleep $word" 5
	wait "$BG" 2>/dev/null || true
	# flatpak counts an instance as running while its first process
	# exists, zombies too: give a slow reaper of orphans some time.
	for ((i = 0; i < 100; i++)); do
		[[ -z $(instance_line "$BG") ]] && break
		sleep 0.1
	done
	run flatpak ps --columns=instance
	refute_line "$INSTANCE"
}
