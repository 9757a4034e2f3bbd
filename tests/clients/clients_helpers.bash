# Shared setup for the tests that run real bubblewrap clients (Flatpak,
# flatpak-builder, the GNOME thumbnailer, mat2) on the `bwrap` personality.
# Load after `load ../integration/helpers`.
#
# Environment (set by the driver, see tests/run-tests.sh):
#   SANDBOX_BWRAP  the launcher under the name `bwrap` (a link is fine: it
#                  is copied to a file named bwrap, see private_bwrap)
#   FIXTURES       scratch directory writable by this user, outside /tmp

: "${SANDBOX_BWRAP:?SANDBOX_BWRAP must be the launcher under the name bwrap}"

# The clients are Debian's, and so are the programs they run: nothing
# from /usr/local may shadow them.
export PATH=/usr/bin:/bin

# Debian's python3 is needed for its modules (gi, libmat2); another python3
# (pyenv, /usr/local) has none of them.
HOST_PYTHON=/usr/bin/python3

# Flatpak may start bwrap several levels down (flatpak-builder -> flatpak
# -> bwrap -> ...): one bound for each whole client command.
CLIENT_TIMEOUT=${CLIENT_TIMEOUT:-120}

client_bounded() {
	timeout -k 5 "$CLIENT_TIMEOUT" "$@"
}

# A client that is not installed makes the tests that need it skip, with
# the reason.  bats 1.8 cannot skip from setup_file, so setup_file records
# the reason (need_cmd and need_python_module return 1 after recording
# it) and returns; each test's setup then calls skip_if_missing.
need_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null; then
			export CLIENTS_MISSING="$c is not installed"
			return 1
		fi
	done
}

# need_python_module MODULE CODE: Debian's python3 runs CODE (which imports
# MODULE).
need_python_module() {
	if [[ ! -x $HOST_PYTHON ]]; then
		export CLIENTS_MISSING="$HOST_PYTHON is not installed"
		return 1
	fi
	if ! "$HOST_PYTHON" -c "$2" >/dev/null 2>&1; then
		export CLIENTS_MISSING="$HOST_PYTHON cannot import $1"
		return 1
	fi
}

skip_if_missing() {
	if [[ -n ${CLIENTS_MISSING:-} ]]; then
		skip "$CLIENTS_MISSING"
	fi
}

# private_bwrap DIR: a copy of the launcher named DIR/bin/bwrap, in OUR_BWRAP.
# A copy, not the driver's symlink: a re-exec through /proc/self/exe would see
# the link's target, whose name would select the other personality.  Only
# bwrap goes into DIR/bin, so putting it first on PATH hides nothing else.
private_bwrap() {
	mkdir -p "$1/bin"
	cp -L "$SANDBOX_BWRAP" "$1/bin/bwrap"
	chmod 755 "$1/bin/bwrap"
	OUR_BWRAP=$1/bin/bwrap
	export OUR_BWRAP
}

# client_home DIR: HOME and the XDG directories of a desktop session, all
# under DIR.
client_home() {
	export HOME=$1/home
	export XDG_DATA_HOME=$HOME/.local/share
	export XDG_CONFIG_HOME=$HOME/.config
	export XDG_CACHE_HOME=$HOME/.cache
	export XDG_RUNTIME_DIR=$1/run
	mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
}

# start_session_bus DIR: a private dbus-daemon for the file, its address in
# DBUS_SESSION_BUS_ADDRESS, its pid in CLIENT_DBUS_PID.  Its only
# activatable service is flatpak's session helper, so nothing of the
# host's desktop (document portal, accessibility bus) is started by the
# tests.  The same bus stands in for the system bus: `flatpak install`
# asks libmalcontent for parental controls over the system bus, and a bus
# without accountsservice answers that the service is unknown, which
# flatpak takes as "no parental controls".
start_session_bus() {
	local dir=$1 out
	mkdir -p "$dir/dbus/services"
	if [[ -f /usr/share/dbus-1/services/org.freedesktop.Flatpak.service ]]; then
		cp /usr/share/dbus-1/services/org.freedesktop.Flatpak.service "$dir/dbus/services/"
	fi
	cat >"$dir/dbus/session.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=$XDG_RUNTIME_DIR/bus</listen>
  <servicedir>$dir/dbus/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
	out=$(dbus-daemon --config-file="$dir/dbus/session.conf" --fork \
		--print-address=1 --print-pid=1 </dev/null) || return 1
	{
		read -r DBUS_SESSION_BUS_ADDRESS
		read -r CLIENT_DBUS_PID
	} <<<"$out"
	export DBUS_SESSION_BUS_ADDRESS CLIENT_DBUS_PID
	export DBUS_SYSTEM_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS
}

stop_session_bus() {
	[[ -n ${CLIENT_DBUS_PID:-} ]] || return 0
	kill "$CLIENT_DBUS_PID" 2>/dev/null
	CLIENT_DBUS_PID=
}

# make_image FILE WIDTH HEIGHT FORMAT: a plain picture (FORMAT png or jpeg).
make_image() {
	"$HOST_PYTHON" - "$@" <<'EOF'
import sys
import gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
path, width, height, fmt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
pixbuf = GdkPixbuf.Pixbuf.new(GdkPixbuf.Colorspace.RGB, False, 8, width, height)
pixbuf.fill(0x3366ccff)
pixbuf.savev(path, fmt, [], [])
EOF
}

# image_info FILE: "FORMAT WIDTHxHEIGHT" of a picture, as gdk-pixbuf reads it.
image_info() {
	"$HOST_PYTHON" - "$1" <<'EOF'
import sys
import gi
gi.require_version("GdkPixbuf", "2.0")
from gi.repository import GdkPixbuf
fmt, width, height = GdkPixbuf.Pixbuf.get_file_info(sys.argv[1])
print("%s %dx%d" % (fmt.get_name(), width, height))
EOF
}

# --- proof of which bwrap ran ---------------------------------------------

# traced LOG CMD...: CMD (bounded in time, as client_bounded) under
# strace, with every successful execve of the whole process tree
# (arguments in full) written to LOG.
traced() {
	local log=$1
	shift
	strace -f -qq -s 4096 -e trace=execve -e signal=none -o "$log.raw" \
		timeout -k 5 "$CLIENT_TIMEOUT" "$@"
	local rc=$?
	grep -v ' = -1 ' "$log.raw" | grep 'execve(' >"$log"
	rm -f "$log.raw"
	return $rc
}

# assert_bwrap_ran LOG WORD...: LOG (from traced) has an execve of OUR_BWRAP
# whose arguments contain every WORD (each as a whole quoted argument), and
# none of any other program named bwrap.
assert_bwrap_ran() {
	local log=$1 line word ok
	shift
	local others
	others=$(grep -E 'execve\("[^"]*/bwrap"' "$log" | grep -vF "execve(\"$OUR_BWRAP\"" || true)
	if [[ -n $others ]]; then
		echo "a bwrap other than $OUR_BWRAP was executed:" >&2
		printf '%s\n' "$others" >&2
		return 1
	fi
	while IFS= read -r line; do
		ok=1
		for word in "$@"; do
			[[ $line == *"\"$word\""* ]] || { ok=0; break; }
		done
		((ok)) && return 0
	done < <(grep -F "execve(\"$OUR_BWRAP\"" "$log")
	echo "no execve of $OUR_BWRAP with the arguments: $*" >&2
	echo "the bwrap executions seen:" >&2
	grep -F 'bwrap' "$log" | cut -c1-2000 >&2
	return 1
}

# --- Flatpak -----------------------------------------------------------------

RUNTIME_BINARIES=(sh cat chmod cp dbus-send env grep head id ln ls mkdir
	readlink rm sleep stat touch tr wc)

# build_runtime DIR ID KIND: a Flatpak runtime build directory DIR for ID,
# made of host programs and the libraries they load, plus ldconfig (with
# it, `flatpak run` builds the ld.so cache in a bwrap sandbox of its own).
# /usr/share/sbxtest/kind holds KIND, so a test can tell which runtime a
# sandbox got as /usr.
build_runtime() {
	local dir=$1 id=$2 kind=$3 b lib
	mkdir -p "$dir/files/bin" "$dir/files/lib/x86_64-linux-gnu" "$dir/files/lib64" \
		"$dir/files/share/sbxtest"
	for b in "${RUNTIME_BINARIES[@]}"; do
		cp -L "$(command -v "$b")" "$dir/files/bin/$b" || return 1
	done
	# ldconfig is static: nothing to collect for it.
	cp -L /usr/sbin/ldconfig "$dir/files/bin/ldconfig" || return 1
	for lib in $(ldd "${RUNTIME_BINARIES[@]/#/$dir/files/bin/}" |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do
		cp -L "$lib" "$dir/files/lib/x86_64-linux-gnu/" || return 1
	done
	cp -L /lib64/ld-linux-x86-64.so.2 "$dir/files/lib64/" || return 1
	echo "$kind" >"$dir/files/share/sbxtest/kind"
	cat >"$dir/metadata" <<EOF
[Runtime]
name=$id
runtime=$id/x86_64/1
sdk=$id/x86_64/1
EOF
}

# setup_flatpak_user DIR: the session of setup_file for the Flatpak tests:
# HOME and XDG dirs under DIR, a private session bus, our bwrap as
# FLATPAK_BWRAP, and a local repository (REPO, remote "local") with two
# runtimes, org.sbxtest.Platform and org.sbxtest.Sdk, installed for the
# user.  The SDK differs from the platform only in its kind file.
setup_flatpak_user() {
	local dir=$1
	client_home "$dir"
	private_bwrap "$dir"
	export FLATPAK_BWRAP=$OUR_BWRAP
	# Plain output, without terminal escapes, to compare.
	export FLATPAK_FANCY_OUTPUT=0
	start_session_bus "$dir" || return 1
	export REPO=$dir/repo
	build_runtime "$dir/platform" org.sbxtest.Platform platform || return 1
	build_runtime "$dir/sdk" org.sbxtest.Sdk sdk || return 1
	flatpak build-export --runtime --files=files "$REPO" "$dir/platform" 1 >/dev/null || return 1
	flatpak build-export --runtime --files=files "$REPO" "$dir/sdk" 1 >/dev/null || return 1
	flatpak remote-add --user --no-gpg-verify local "file://$REPO" || return 1
	client_bounded flatpak install --user -y --noninteractive local \
		org.sbxtest.Platform org.sbxtest.Sdk >/dev/null || return 1
}

# teardown_flatpak_user: ends what the file's tests left running, then
# the bus (flatpak's session helper leaves with it).
teardown_flatpak_user() {
	local inst
	if command -v flatpak >/dev/null && [[ -n ${XDG_RUNTIME_DIR:-} ]]; then
		for inst in $(flatpak ps --columns=instance 2>/dev/null); do
			flatpak kill "$inst" 2>/dev/null
		done
	fi
	stop_session_bus
}

# instance_line BWRAP_PID: the `flatpak ps` line (instance, pid, child-pid,
# application) of the instance whose bwrap process is BWRAP_PID.
instance_line() {
	flatpak ps --columns=instance,pid,child-pid,application | awk -v p="$1" '$2 == p'
}

# wait_for_instance BWRAP_PID [SECONDS]: waits until `flatpak ps` lists it.
wait_for_instance() {
	local i limit=$((${2:-20} * 10))
	for ((i = 0; i < limit; i++)); do
		[[ -n $(instance_line "$1") ]] && return 0
		proc_alive "$1" || break
		sleep 0.1
	done
	echo "flatpak ps never listed an instance with pid $1:" >&2
	flatpak ps --columns=instance,pid,child-pid,application >&2
	return 1
}
