#!/bin/bash
# The OCI runtime section of the benchmark (tests/bench/run.sh): sandbox-oci
# against Debian's runc, paired round by round by tests/bench/timer.c, on
# (1) `podman run --rm IMAGE true` (rootless podman, --runtime each) and
# (2) `create` + `start` + `delete --force` of the same bundle, nothing
# else.  Prints Markdown on stdout, progress on stderr; asserts nothing.
#
# Usage (as root): tests/bench/oci.sh WORKDIR USER PODMAN_ROUNDS CYCLE_ROUNDS
#   WORKDIR holds sandbox and timer (run.sh puts them there), readable by
#   USER, who runs every launch (podman needs an /etc/subuid range for it).
#
# Podman gets storage of its own under WORKDIR (vfs, cgroupfs: no
# systemd here), so nothing of USER's own podman state is used.
set -eu -o pipefail

work=$1 user=$2 prounds=$3 crounds=$4
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
oci=$work/oci

log() { printf 'bench: %s\n' "$*" >&2; }
skip() {
	echo "(Not measured: $*.)"
	exit 0
}

command -v runc >/dev/null || skip "runc is not installed (apt-get install runc)"
[ -x /bin/busybox ] || skip "no /bin/busybox (apt-get install busybox-static)"
mkdir -p "$oci/cmd" "$oci/state-runc" "$oci/state-sbx" "$oci/podman/run"
ln -f "$work/sandbox" "$oci/sandbox-oci"

# The bundle: a busybox root, the config of `runc spec --rootless` for
# USER (a user namespace mapping USER to root), running `true`.
bundle=$oci/bundle
mkdir -p "$bundle/rootfs/bin"
cp /bin/busybox "$bundle/rootfs/bin/"
for a in sh true sleep; do ln -sf busybox "$bundle/rootfs/bin/$a"; done
mkdir -p "$bundle/rootfs/proc" "$bundle/rootfs/dev" "$bundle/rootfs/sys" "$bundle/rootfs/tmp"
(cd "$bundle" && runc spec --rootless)
/usr/bin/python3 - "$bundle/config.json" "$(id -u "$user")" "$(id -g "$user")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["terminal"] = False
c["process"]["args"] = ["true"]
c["linux"]["uidMappings"][0]["hostID"] = int(sys.argv[2])
c["linux"]["gidMappings"][0]["hostID"] = int(sys.argv[3])
json.dump(c, open(sys.argv[1], "w"), indent=1)
PY

# cycle RUNTIME: create, start and delete --force one container.
cat >"$oci/cycle.sh" <<'SH'
#!/bin/sh
rt=$1 root=$2 bundle=$3
"$rt" --root "$root" create --bundle "$bundle" bench </dev/null >/dev/null &&
	"$rt" --root "$root" start bench && exec "$rt" --root "$root" delete --force bench
SH
printf '%s\n' /bin/sh "$oci/cycle.sh" runc "$oci/state-runc" "$bundle" >"$oci/cmd/runc"
printf '%s\n' /bin/sh "$oci/cycle.sh" "$oci/sandbox-oci" "$oci/state-sbx" "$bundle" >"$oci/cmd/sbx"

# Podman, as USER, with storage of its own.
cat >"$oci/pm" <<SH
#!/bin/sh
export HOME=$oci/podman XDG_RUNTIME_DIR=$oci/podman/run XDG_CONFIG_HOME=$oci/podman/config
export XDG_DATA_HOME=$oci/podman/data
exec podman --cgroup-manager cgroupfs --events-backend file --storage-driver vfs "\$@"
SH
chmod 755 "$oci/pm"
chown -R "$user" "$oci"
chmod 700 "$oci/podman/run"
chmod -R a+rX "$work"
have_podman=0
if command -v podman >/dev/null && grep -q "^$user:" /etc/subuid; then
	tar -C "$bundle/rootfs" -cf "$oci/bb.tar" .
	runuser -u "$user" -- "$oci/pm" import "$oci/bb.tar" localhost/sbx-bench:latest >/dev/null
	# podman's own default network (slirp4netns), and none.
	for net in default none; do
		printf '%s\n' "$oci/pm" run --rm --network "${net/default/slirp4netns}" --runtime runc \
			localhost/sbx-bench true >"$oci/cmd/pm-$net-runc"
		printf '%s\n' "$oci/pm" run --rm --network "${net/default/slirp4netns}" --runtime \
			"$oci/sandbox-oci" localhost/sbx-bench true >"$oci/cmd/pm-$net-sbx"
	done
	have_podman=1
fi

log "oci: create+start+delete, sandbox-oci and runc, $crounds rounds"
"$work/timer" -u "$user" -n "$crounds" -w 3 "sbx:$oci/cmd/sbx" "runc:$oci/cmd/runc" >"$oci/cycle.out"
if [ "$have_podman" = 1 ]; then
	log "oci: podman run --rm IMAGE true, sandbox-oci and runc, $prounds rounds"
	for net in default none; do
		"$work/timer" -u "$user" -n "$prounds" -w 2 "sbx:$oci/cmd/pm-$net-sbx" \
			"runc:$oci/cmd/pm-$net-runc" >"$oci/podman-$net.out"
	done
	runuser -u "$user" -- "$oci/pm" unshare rm -rf "$oci/podman/data" 2>/dev/null || true
	# The rootless pause process podman left for this runtime directory.
	pause=$(cat "$oci/podman/run/libpod/tmp/pause.pid" 2>/dev/null) && kill "$pause" 2>/dev/null || true
fi

# cell FILE LABEL: "median (min–max)" ms; ratio FILE: runc / sandbox-oci,
# the paired ratio inverted (timer prints sbx/runc).
cell() {
	awk -v l="$2" '$1 == "time" && $2 == l {
		if ($3 == 0) printf "failed"; else printf "%.1f (%.1f–%.1f)", $5 / 1000, $6 / 1000, $7 / 1000 }' "$1"
}
ratio() {
	awk '$1 == "ratio" && $2 == "sbx" && $3 == "runc" && $5 > 0 {
		printf "%.2f (%.2f–%.2f)", 1 / $5, 1 / $7, 1 / $6 }' "$1"
}

echo "sandbox-oci against runc $(runc --version | awk 'NR == 1 {print $3}'), as \`$user\`," \
	"interleaved by tests/bench/timer.c. *runc / sandbox-oci* is the paired" \
	"ratio of each round's two times (above 1: sandbox-oci is faster)."
echo
echo "| case | rounds | sandbox-oci ms | runc ms | runc / sandbox-oci, paired |"
echo "| --- | ---: | --- | --- | --- |"
echo "| create + start + delete --force of one bundle (\`true\`) | $crounds |" \
	"$(cell "$oci/cycle.out" sbx) | $(cell "$oci/cycle.out" runc) | $(ratio "$oci/cycle.out") |"
if [ "$have_podman" = 1 ]; then
	echo "| \`podman run --rm IMAGE true\`, rootless (podman's default network, slirp4netns) | $prounds |" \
		"$(cell "$oci/podman-default.out" sbx) | $(cell "$oci/podman-default.out" runc) |" \
		"$(ratio "$oci/podman-default.out") |"
	echo "| \`podman run --rm --network none IMAGE true\`, rootless | $prounds |" \
		"$(cell "$oci/podman-none.out" sbx) | $(cell "$oci/podman-none.out" runc) |" \
		"$(ratio "$oci/podman-none.out") |"
	# podman 4.3 can miss the container's exit file and then waits out its
	# conmon timeout: a run of `true` over 10 s, with runc as well.
	if awk '$1 == "time" && $2 == "runc" && $5 >= 10e6 { slow = 1 } END { exit !slow }' \
		"$oci"/podman-*.out; then
		echo
		echo "Runs of \`true\` took over 10 s under podman with runc as well: podman then" \
			"waits out its 20 s conmon timeout (\`--log-level debug\`: \"Exceeded conmon" \
			"timeout waiting for container to exit\"), so the podman rows time that wait," \
			"not the runtimes."
	fi
else
	echo
	echo "(podman not measured: not installed, or no /etc/subuid range for $user.)"
fi
