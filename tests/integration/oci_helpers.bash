# Shared by the OCI runtime tests (oci.bats, oci_podman.bats,
# root/oci.bats): a busybox root file system, bundles, and checks that a
# failure left nothing behind.
#
# Environment: SANDBOX_OCI, the sandbox-oci link (the driver makes it
# beside SANDBOX); BUSYBOX, a static busybox (Debian's busybox-static).

OCI=${SANDBOX_OCI:-$(dirname "$SANDBOX")/sandbox-oci}
BUSYBOX=${BUSYBOX:-/bin/busybox}

# The container's first stage is sandbox-oci itself, run inside the
# container's root: a dynamically linked build (the sanitizer build of
# CI) cannot create containers, and says so (sandbox(1), OCI RUNTIME).
oci_need_static() {
	# readelf (binutils, with the compiler): file(1) is not always there.
	! readelf -l "$OCI" 2>/dev/null | grep -q "Requesting program interpreter" ||
		skip "$OCI is linked dynamically: its first stage cannot run in a container's root"
}

oci_need_busybox() {
	[[ -x $BUSYBOX ]] && ! readelf -l "$BUSYBOX" 2>/dev/null | grep -q "Requesting program interpreter" ||
		skip "no static busybox at $BUSYBOX (Debian package busybox-static)"
}

# oci_rootfs DIR: a root file system of busybox and its applets.
oci_rootfs() {
	mkdir -p "$1/bin" "$1/proc" "$1/dev" "$1/sys" "$1/tmp" "$1/etc" "$1/root"
	cp "$BUSYBOX" "$1/bin/busybox"
	local applet
	for applet in $("$BUSYBOX" --list); do
		[[ $applet == busybox ]] || ln -sf busybox "$1/bin/$applet"
	done
}

# oci_bundle DIR ARGS_JSON [EXTRA_JSON]: a bundle with a rootfs and a
# config.json running ARGS_JSON (a JSON array); EXTRA_JSON is merged into
# the top level by python (keys replace).  Unprivileged, the config has a
# user namespace mapping the caller to root, as `runc spec --rootless`.
oci_bundle() {
	local dir=$1 args=$2 extra=${3:-"{}"}
	[[ -d $OCI_ROOTFS ]] || { OCI_ROOTFS=$(fixture_dir)/rootfs; oci_rootfs "$OCI_ROOTFS"; }
	mkdir -p "$dir"
	ln -s "$OCI_ROOTFS" "$dir/rootfs"
	/usr/bin/python3 - "$dir/config.json" "$args" "$extra" "$(id -u)" "$(id -g)" <<'PY'
import json, sys
path, args, extra, uid, gid = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ns = [{"type": t} for t in ("pid", "ipc", "uts", "mount", "network")]
linux = {"namespaces": ns,
         "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/acpi", "/sys/firmware"],
         "readonlyPaths": ["/proc/sys", "/proc/sysrq-trigger"]}
if uid != 0:
    ns.append({"type": "user"})
    linux["uidMappings"] = [{"containerID": 0, "hostID": uid, "size": 1}]
    linux["gidMappings"] = [{"containerID": 0, "hostID": gid, "size": 1}]
caps = ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"]
config = {
    "ociVersion": "1.0.2",
    "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": args,
                "env": ["PATH=/bin", "TERM=xterm"], "cwd": "/",
                "capabilities": {k: caps for k in ("bounding", "effective", "permitted")},
                "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                "noNewPrivileges": True},
    "root": {"path": "rootfs", "readonly": False},
    "hostname": "ocitest",
    "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["mode=1777"]},
    ],
    "linux": linux,
}
for key, value in extra.items():
    if isinstance(value, dict) and isinstance(config.get(key), dict):
        config[key].update(value)
    else:
        config[key] = value
json.dump(config, open(path, "w"), indent=1)
PY
}

# oci ARGS...: the runtime with this test's own --root.
oci() {
	bounded "$OCI" --root "$OCI_STATE" "$@"
}

oci_setup() {
	oci_need_static
	oci_need_busybox
	OCI_WORK=$(fixture_dir)
	OCI_STATE=$OCI_WORK/state
	OCI_MOUNTS_BEFORE=$(cut -d' ' -f5 /proc/self/mountinfo | sort)
}

# Nothing left: no state directory for the id, no new host mount on a
# path under $FIXTURES (others on the machine may mount elsewhere meanwhile).
assert_nothing_left() {
	local id=$1 added
	if [[ -e $OCI_STATE/$id ]]; then
		echo "state left behind: $(ls -la "$OCI_STATE/$id")" >&2
		return 1
	fi
	added=$(comm -13 <(printf '%s\n' "$OCI_MOUNTS_BEFORE") \
		<(cut -d' ' -f5 /proc/self/mountinfo | sort) | grep -F "$FIXTURES" || true)
	if [[ -n $added ]]; then
		echo "mounts left behind: $added" >&2
		return 1
	fi
}

# assert_one_error PATTERN: stderr is one line, "sandbox-oci: ...", and
# matches the (extended) regular expression.
assert_one_error() {
	local n
	n=$(printf '%s\n' "$stderr" | grep -c .)
	if [[ $n -ne 1 || $stderr != "sandbox-oci: "* || ! $stderr =~ $1 ]]; then
		echo "expected one line matching /$1/ on stderr" >&2
		show_run
		return 1
	fi
}

# oci_status ID: the status field of `state ID`.
oci_status() {
	oci state "$1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])'
}
