#!/bin/bash
# Launch-time and memory benchmark of sandbox against bubblewrap and the
# unshare(1) floor (doc/design.md, "Performance targets").  Prints figures and asserts nothing.
#
# Usage: tests/bench/run.sh [BUILDDIR]     (as root; BUILDDIR holds src/sandbox,
#                                           default: the source tree)
# Environment:
#   BENCH_RESULTS  Markdown report (default: tests/bench/results.md)
#   BENCH_PLOT     PNG plot of launch time against binds (default:
#                  tests/bench/binds.png)
#   BENCH_USER     unprivileged user for the launches (default: sbxtest,
#                  created if missing and removed again at the end)
#   BENCH_BWRAP    bubblewrap binary (default: /usr/bin/bwrap; its columns
#                  are skipped when it is missing)
#   BENCH_QUICK=1  a tenth of the runs, for a quick look
#
# Every launch runs as BENCH_USER.  The binary and the timer are copied to a
# fresh directory under /var/tmp (not /tmp: the launchers mount their own
# tmpfs there).  Commands are timed by timer.c, interleaved round by round;
# see the "Method" section that this script writes into the report.  The
# network section (tests/bench/network.sh: --net pasta and slirp4netns,
# launch time and throughput through a published port) runs in a network
# namespace of its own and needs /dev/net/tun open to BENCH_USER.  About
# three minutes on 2 cores.
set -eu -o pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
builddir=$(cd "${1:-$here/../..}" && pwd)
results=${BENCH_RESULTS:-$here/results.md}
plot=${BENCH_PLOT:-$here/binds.png}
user=${BENCH_USER:-sbxtest}
bwrap=${BENCH_BWRAP:-/usr/bin/bwrap}
quick=${BENCH_QUICK:-0}

# Rounds per case: every command of a case runs once per round.
rounds_small=200      # 0, 10, 100 binds, /bin/true, unshare
rounds_1000=20        # 1000 binds (bubblewrap 0.8 needs about 1 s each)
rounds_hostmnt=200    # 0 and 1000 extra host mounts
rounds_pair=20        # batches of 200 launches, two at a time
rounds_mem=5          # memory samples per launcher
rounds_flatpak=20     # `flatpak run` with each bwrap (tests/bench/flatpak.sh)
rounds_tty=100        # launches in a pty, own pty or not (tests/bench/terminal.py)
rounds_net=100        # launches with --net none, pasta, slirp4netns (tests/bench/network.sh)
rounds_tput=5         # 1 GiB through a published port, per helper
rounds_oci=100        # create+start+delete, sandbox-oci and runc (tests/bench/oci.sh)
rounds_podman=20      # podman run --rm IMAGE true, each runtime (tests/bench/oci.sh)
if [ "$quick" = 1 ]; then
	rounds_small=20 rounds_1000=3 rounds_hostmnt=20 rounds_pair=2 rounds_mem=2 rounds_flatpak=2 rounds_tty=10
	rounds_net=10 rounds_tput=1 rounds_oci=10 rounds_podman=3
fi

log() { printf 'bench: %s\n' "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
	log "run as root: it creates the user $user and private mount namespaces"
	exit 1
fi
sandbox_bin=$builddir/src/sandbox
if [ ! -x "$sandbox_bin" ]; then
	log "$sandbox_bin not found: build first (make)"
	exit 1
fi
command -v cc >/dev/null || { log "a C compiler (cc) is needed for timer.c"; exit 1; }
for t in unshare setpriv mount; do
	command -v "$t" >/dev/null || { log "$t (util-linux) is needed"; exit 1; }
done
if ! command -v gnuplot >/dev/null && command -v apt-get >/dev/null; then
	log "installing gnuplot-nox for the plot"
	apt-get install -y -qq gnuplot-nox >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
		  apt-get install -y -qq gnuplot-nox >/dev/null 2>&1; } ||
		log "could not install gnuplot-nox: no plot"
fi
have_bwrap=0
[ -x "$bwrap" ] && have_bwrap=1

# --- setup and cleanup ------------------------------------------------------

work=
created_user=0
holders=()
cleanup() {
	local pid
	for pid in "${holders[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	[ -n "$work" ] && rm -rf "$work"
	if [ "$created_user" = 1 ]; then
		userdel "$user" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! id "$user" >/dev/null 2>&1; then
	useradd --system --no-create-home --home-dir / \
		--shell /usr/sbin/nologin "$user"
	created_user=1
fi
uid=$(id -u "$user")
gid=$(id -g "$user")

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d /var/tmp/sandbox-bench.XXXXXX)
chmod 755 "$work"
install -m 755 "$sandbox_bin" "$work/sandbox"
cc -O2 -Wall -o "$work/timer" "$here/timer.c"
# The floor is linked like the launcher: statically when the launcher is.
floor_link=
readelf -l "$sandbox_bin" | grep -q INTERP || floor_link=-static-pie
cc -O2 -Wall $floor_link -o "$work/floor" "$here/floor.c"
mkdir "$work/cmd" "$work/out"
sbx=$work/sandbox
"$sbx" --seccomp-export default >"$work/default.bpf"
chmod 644 "$work/default.bpf"

# --- commands -----------------------------------------------------------------

# mkcmd NAME ARG...: writes one command, one argument per line, for timer.
mkcmd() {
	local name=$1
	shift
	printf '%s\n' "$@" >"$work/cmd/$name"
}

# The merged-/usr links of the host, derived like sandbox does: top-level
# symlinks of / that point into usr/.
bwrap_links=()
for l in /*; do
	[ -L "$l" ] || continue
	target=$(readlink "$l")
	case $target in
		usr/* | /usr/*) bwrap_links+=(--symlink "$target" "$l") ;;
	esac
done
binds() { # binds N: N extra --ro-bind /usr /mI
	local i
	for ((i = 1; i <= $1; i++)); do
		printf '%s\n' --ro-bind /usr "/m$i"
	done
}
for n in 0 10 100 1000; do
	mapfile -t extra < <(binds "$n")
	mkcmd "sbx$n" "$sbx" --ro-bind /usr /usr ${extra[@]+"${extra[@]}"} -- /bin/true
	mkcmd "bwrap$n" "$bwrap" --unshare-all --die-with-parent --ro-bind /usr /usr \
		"${bwrap_links[@]}" --proc /proc --dev /dev --tmpfs /tmp \
		${extra[@]+"${extra[@]}"} /bin/true
done
mkcmd unshare /usr/bin/unshare -Urmpiun --fork /bin/true
mkcmd floor "$work/floor" "$work/default.bpf"
mkcmd true /bin/true

# --- timing -------------------------------------------------------------------

declare -A TN TF TMED TMIN TMAX RMED RMIN RMAX

# timeit OUTNAME TIMER-ARGS...: runs the timer as root (each launch drops to
# the user) and loads its output into the arrays above.
timeit() {
	local out=$work/out/$1 kind f1 f2 f3 f4 f5 f6
	shift
	"$work/timer" -u "$user" -r "$work/out/raw" "$@" >"$out"
	while read -r kind f1 f2 f3 f4 f5 f6; do
		case $kind in
			# time LABEL SAMPLES FAILED MEDIAN MIN MAX
			time) TN[$f1]=$f2 TF[$f1]=$f3 TMED[$f1]=$f4 TMIN[$f1]=$f5 TMAX[$f1]=$f6 ;;
			# ratio A B PAIRS MEDIAN MIN MAX
			ratio) RMED[$f1/$f2]=$f4 RMIN[$f1/$f2]=$f5 RMAX[$f1/$f2]=$f6 ;;
		esac
	done <"$out"
}

# Commands, sandbox first so that every ratio reads sandbox/other.
with_bwrap() { [ "$have_bwrap" = 1 ] && printf '%s\n' "$@"; true; }

log "launch time, 0/10/100 binds, $rounds_small rounds"
mapfile -t specs < <(
	for n in 0 10 100; do
		echo "sbx$n:$work/cmd/sbx$n"
		with_bwrap "bwrap$n:$work/cmd/bwrap$n"
	done
	echo "unshare:$work/cmd/unshare"
	echo "floor:$work/cmd/floor"
	echo "true:$work/cmd/true")
timeit small -n "$rounds_small" -w 10 "${specs[@]}"

log "launch time, 1000 binds, $rounds_1000 rounds"
mapfile -t specs < <(echo "sbx1000:$work/cmd/sbx1000"
	with_bwrap "bwrap1000:$work/cmd/bwrap1000")
timeit binds1000 -n "$rounds_1000" -w 1 "${specs[@]}"

# A bwrap that cannot start here counts as missing from now on.
if [ "$have_bwrap" = 1 ] && [ "${TN[bwrap0]:-0}" = 0 ]; then
	have_bwrap=0
	bwrap_failed=1
fi

# Host mounts: two holder processes, each in a private mount namespace of
# its own (nothing propagates to the host), one with 1000 extra tmpfs mounts
# under $work/hostmounts and one without.  Each launch joins one of them, so
# both cases are interleaved in the same run.  The namespaces die with the
# holders, which cleanup kills (and which get SIGKILL should this script
# die first).
holder_pid=
start_holder() { # start_holder NMOUNTS; sets holder_pid
	local n=$1 ready=$work/ready.$1 tries=0
	# shellcheck disable=SC2016 # expanded by the inner bash
	setpriv --pdeathsig KILL -- unshare -m --propagation private -- /bin/bash -c '
		set -e
		for ((i = 1; i <= $2; i++)); do
			mount -t tmpfs -o size=4k,mode=755 sbxbench "$1/h$i"
		done
		: >"$3"
		exec sleep infinity' holder "$work/hostmounts" "$n" "$ready" \
		</dev/null >/dev/null &
	holder_pid=$!
	holders+=("$holder_pid")
	until [ -e "$ready" ]; do
		if ! kill -0 "$holder_pid" 2>/dev/null || ((++tries > 1200)); then
			log "could not prepare $n host mounts"
			exit 1
		fi
		sleep 0.05
	done
}
hostmounts=1000
log "preparing $hostmounts host mounts in a private mount namespace"
mkdir "$work/hostmounts"
(cd "$work/hostmounts" && mkdir $(seq -f 'h%.0f' 1 "$hostmounts"))
start_holder 0
ns0=/proc/$holder_pid/ns/mnt
start_holder "$hostmounts"
ns1=/proc/$holder_pid/ns/mnt
host_lines0=$(wc -l <"${ns0%/ns/mnt}/mountinfo")
host_lines1=$(wc -l <"${ns1%/ns/mnt}/mountinfo")

log "launch time, 0 and $hostmounts host mounts, $rounds_hostmnt rounds"
mapfile -t specs < <(
	for h in 0 1; do
		ns=$ns0
		[ "$h" = 1 ] && ns=$ns1
		echo "sbx_h$h:$work/cmd/sbx0:$ns"
		with_bwrap "bwrap_h$h:$work/cmd/bwrap0:$ns"
		echo "unshare_h$h:$work/cmd/unshare:$ns"
	done)
timeit hostmounts -n "$rounds_hostmnt" -w 2 "${specs[@]}"
for pid in "${holders[@]}"; do
	kill "$pid"
	wait "$pid" 2>/dev/null || true
done
holders=()

log "200 launches two at a time, $rounds_pair batches each"
mapfile -t specs < <(echo "sbx_j2:$work/cmd/sbx0"
	with_bwrap "bwrap_j2:$work/cmd/bwrap0"
	echo "unshare_j2:$work/cmd/unshare")
timeit pairs -n "$rounds_pair" -w 1 -j 2 -b 200 "${specs[@]}"

# --- memory -------------------------------------------------------------------

# tree ROOT: ROOT and its descendants, one "pid comm" a line, ROOT first.
tree() {
	local f s rest pid comm p c
	local -A parent name
	for f in /proc/[0-9]*/stat; do
		{ read -r s <"$f"; } 2>/dev/null || continue
		pid=${s%% *}
		comm=${s#*(}
		comm=${comm%)*}
		rest=${s##*) }
		rest=${rest#* }
		parent[$pid]=${rest%% *}
		name[$pid]=$comm
	done
	local queue=("$1")
	while [ "${#queue[@]}" -gt 0 ]; do
		p=${queue[0]}
		queue=("${queue[@]:1}")
		[ -n "${name[$p]:-}" ] && echo "$p ${name[$p]}"
		for c in "${!parent[@]}"; do
			[ "${parent[$c]}" = "$p" ] && queue+=("$c")
		done
	done
	return 0
}
# mem_kb PID: "PRIVATE DIRTY PSS" in kB from smaps_rollup, where PRIVATE is
# Private_Clean + Private_Dirty and DIRTY is Private_Dirty alone.
mem_kb() {
	awk '/^Private_(Clean|Dirty):/ {priv += $2} /^Private_Dirty:/ {dirty = $2}
	     /^Pss:/ {pss = $2} END {print priv + 0, dirty + 0, pss + 0}' \
		"/proc/$1/smaps_rollup"
}
# sample_memory LABEL PID: appends "label outside_priv outside_dirty
# total_priv total_dirty total_pss nprocs" for the launcher processes of the
# tree rooted at PID (all of it but the command).
sample_memory() {
	local label=$1 root=$2 tries=0 pid comm priv dirty pss
	local out_priv=0 out_dirty=0 tot_priv=0 tot_dirty=0 tot_pss=0 n=0
	until tree "$root" | grep ' sleep$' >/dev/null; do
		((++tries > 100)) && { log "$label: command did not start"; return 0; }
		sleep 0.02
	done
	sleep 0.3
	while read -r pid comm; do
		read -r priv dirty pss < <(mem_kb "$pid") || continue
		if [ "$pid" = "$root" ]; then
			out_priv=$priv out_dirty=$dirty
		fi
		tot_priv=$((tot_priv + priv))
		tot_dirty=$((tot_dirty + dirty))
		tot_pss=$((tot_pss + pss))
		n=$((n + 1))
	done < <(tree "$root" | grep -v ' sleep$')
	echo "$label $out_priv $out_dirty $tot_priv $tot_dirty $tot_pss $n" \
		>>"$work/out/memory"
}
log "launcher memory while the command sleeps, $rounds_mem samples each"
: >"$work/out/memory"
for ((r = 0; r < rounds_mem; r++)); do
	pids=()
	mapfile -t argv <"$work/cmd/sbx0"
	(cd / && exec setpriv --reuid="$uid" --regid="$gid" --init-groups -- \
		"${argv[@]:0:${#argv[@]}-1}" /bin/sleep 2 </dev/null >/dev/null) &
	sbx_pid=$!
	pids+=("$sbx_pid")
	if [ "$have_bwrap" = 1 ]; then
		mapfile -t argv <"$work/cmd/bwrap0"
		(cd / && exec setpriv --reuid="$uid" --regid="$gid" --init-groups -- \
			"${argv[@]:0:${#argv[@]}-1}" /bin/sleep 2 </dev/null >/dev/null) &
		bwrap_pid=$!
		pids+=("$bwrap_pid")
	fi
	sample_memory sandbox "$sbx_pid"
	[ "$have_bwrap" = 1 ] && sample_memory bwrap "$bwrap_pid"
	for pid in "${pids[@]}"; do
		wait "$pid" || true
	done
done
declare -A MEM
for label in sandbox bwrap; do
	for col in 2 3 4 5 6 7; do
		MEM[$label.$col]=$(awk -v l="$label" -v c="$col" '$1 == l {print $c}' \
			"$work/out/memory" | sort -n |
			awk '{v[NR] = $1}
			     END {if (NR % 2) print v[(NR + 1) / 2]
				  else if (NR) print (v[NR / 2] + v[NR / 2 + 1]) / 2}')
	done
done

# --- report -------------------------------------------------------------------

# ms US: microseconds as milliseconds with sensible precision.
ms() {
	awk -v u="$1" 'BEGIN {m = u / 1000; if (m < 10) printf "%.2f", m;
		else if (m < 100) printf "%.1f", m; else printf "%.0f", m}'
}
# cell LABEL: "median (min–max)" in ms, or a dash when not measured.
cell() {
	if [ "${TN[$1]:-0}" = 0 ]; then
		printf '—'
	else
		printf '%s (%s–%s)' "$(ms "${TMED[$1]}")" "$(ms "${TMIN[$1]}")" \
			"$(ms "${TMAX[$1]}")"
	fi
}
# ratio A B: paired ratio "median (min–max)" of A/B.
ratio() {
	local k=$1/$2
	if [ -z "${RMED[$k]:-}" ]; then
		printf '—'
	else
		awk -v m="${RMED[$k]}" -v a="${RMIN[$k]}" -v b="${RMAX[$k]}" \
			'BEGIN {printf "%.2f (%.2f–%.2f)", m, a, b}'
	fi
}
# inverse_ratio A B: the paired ratio B/A, from the ratio A/B the timer
# printed (the median of reciprocals is the reciprocal of the median).
inverse_ratio() {
	local k=$1/$2
	if [ -z "${RMED[$k]:-}" ]; then
		printf '—'
	else
		awk -v m="${RMED[$k]}" -v a="${RMIN[$k]}" -v b="${RMAX[$k]}" \
			'BEGIN {printf "%.2f (%.2f–%.2f)", 1 / m, 1 / b, 1 / a}'
	fi
}
# slope A B N: (median B - median A) / N in microseconds.
slope() {
	if [ "${TN[$1]:-0}" = 0 ] || [ "${TN[$2]:-0}" = 0 ]; then
		printf '—'
	else
		awk -v a="${TMED[$1]}" -v b="${TMED[$2]}" -v n="$3" \
			'BEGIN {printf "%.1f", (b - a) / n}'
	fi
}

revision=$(git -C "$here" describe --always --dirty 2>/dev/null || true)
[ -n "$revision" ] && revision=" (source tree at $revision)"
total_failed=0
for l in "${!TF[@]}"; do
	total_failed=$((total_failed + TF[$l]))
done
bwrap_version='bwrap not installed'
[ -x "$bwrap" ] && bwrap_version=$("$bwrap" --version 2>/dev/null | head -n1 || true)
bwrap_note=
if [ "${bwrap_failed:-0}" = 1 ]; then
	bwrap_note="$bwrap could not start a sandbox here: its columns are skipped (—)."
elif [ "$have_bwrap" = 0 ]; then
	bwrap_note="$bwrap is not installed: its columns are skipped (—)."
fi
mem_cell() { # mem_cell LABEL COL
	local v=${MEM[$1.$2]:-}
	[ -n "$v" ] && printf '%s' "$v" || printf '—'
}

# `flatpak run` with each bwrap, when Flatpak is installed: the scripts
# are copied where the unprivileged user can read them.
flatpak_row=
if [ "$have_bwrap" = 1 ] && command -v flatpak >/dev/null; then
	log "flatpak run, $rounds_flatpak rounds"
	mkdir -p "$work/bench" "$work/clients"
	cp "$here/flatpak.sh" "$work/bench/"
	cp "$here/../clients/clients_helpers.bash" "$work/clients/"
	chmod -R a+rX "$work/bench" "$work/clients"
	flatpak_row=$(runuser -u "$user" -- env -i PATH=/usr/bin:/bin HOME=/ BENCH_BWRAP="$bwrap" \
		bash "$work/bench/flatpak.sh" "$sbx" "$rounds_flatpak" 2>"$work/flatpak.err") ||
		{ log "flatpak case failed (exit $?): $(tail -n 3 "$work/flatpak.err" | tr '\n' ' ')"; flatpak_row=; }
fi

# The sandbox's own terminal: the launch with a pty on stdin, and the
# relay's throughput against script(1)'s, on a 100 MB file of text lines.
tty_rows=
if command -v python3 >/dev/null && command -v script >/dev/null; then
	log "terminal, $rounds_tty rounds"
	mkdir -p "$work/bench"
	cp "$here/terminal.py" "$work/bench/"
	head -c 75000000 /dev/urandom | base64 -w 99 >"$work/bench/lines.txt"
	chmod -R a+rX "$work/bench"
	tty_rows=$(runuser -u "$user" -- env -i PATH=/usr/bin:/bin HOME=/ \
		python3 "$work/bench/terminal.py" "$sbx" "$work/bench/lines.txt" "$rounds_tty" \
		2>"$work/tty.err") ||
		{ log "terminal case failed (exit $?): $(tail -n 3 "$work/tty.err" | tr '\n' ' ')"; tty_rows=; }
fi

# The network: what --net pasta and --net slirp4netns add to a launch,
# and their TCP throughput through a published port, in a network
# namespace of the script's own (tests/bench/network.sh).
log "network, $rounds_net launch rounds, $rounds_tput throughput rounds"
net_rows=$(bash "$here/network.sh" "$work" "$user" "$rounds_net" "$rounds_tput" 2>"$work/net.err") ||
	{ log "network case failed (exit $?): $(tail -n 3 "$work/net.err" | tr '\n' ' ')"; net_rows=; }

# The OCI runtime personality against runc: the runtime's own lifecycle,
# and rootless podman on each (tests/bench/oci.sh).
log "oci runtime, $rounds_oci lifecycle rounds, $rounds_podman podman rounds"
oci_rows=$(bash "$here/oci.sh" "$work" "$user" "$rounds_podman" "$rounds_oci" 2>"$work/oci.err") ||
	{ log "oci case failed (exit $?): $(tail -n 3 "$work/oci.err" | tr '\n' ' ')"; oci_rows=; }

mkdir -p "$(dirname "$results")" "$(dirname "$plot")"
results=$(cd "$(dirname "$results")" && pwd)/$(basename "$results")
plot=$(cd "$(dirname "$plot")" && pwd)/$(basename "$plot")
plot_ref=$plot
[ "$(dirname "$plot")" = "$(dirname "$results")" ] && plot_ref=$(basename "$plot")
{
	echo "# sandbox launch benchmark"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'); $("$sbx" --version | head -n1)$revision;" \
		"$bwrap_version; kernel $(uname -r);" \
		"$(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo));" \
		"load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
	[ -n "$bwrap_note" ] && { echo; echo "$bwrap_note"; }
	if awk -v l="${load_start%% *}" -v n="$(nproc)" 'BEGIN {exit !(l >= n / 2)}'; then
		echo
		echo "Other work was running (load average ${load_start%% *} on $(nproc) CPUs" \
			"at the start): absolute times are inflated and spreads wide; the paired" \
			"ratios and the minima are the more telling figures."
	fi
	[ "$quick" = 1 ] && { echo; echo "BENCH_QUICK=1: a tenth of the usual runs."; }
	echo
	echo "## Method"
	echo
	echo "- Every launch runs as the unprivileged user \`$user\` (the timer" \
		"drops to it in each child before exec, like \`setpriv --init-groups\`)," \
		"with the binary copied under /var/tmp."
	echo "- tests/bench/timer.c runs the commands of a case interleaved:" \
		"each round runs every command once, in the given order on even rounds" \
		"and in reverse on odd ones; warm-up rounds are discarded. One sample" \
		"is the wall time (CLOCK_MONOTONIC) from before fork to after waitpid."
	echo "- Times are medians with the min–max spread over the rounds, in ms."
	echo "- **Paired ratio** = median over rounds of the per-round ratio" \
		"t(sandbox)/t(other), both measured in the same round (not a ratio of" \
		"medians); min–max of the per-round ratios in parentheses."
	echo "- sandbox: \`sandbox --ro-bind /usr /usr [--ro-bind /usr /mN ...] -- /bin/true\`."
	echo "- bwrap: \`bwrap --unshare-all --die-with-parent --ro-bind /usr /usr" \
		"${bwrap_links[*]} --proc /proc --dev /dev --tmpfs /tmp" \
		"[--ro-bind /usr /mN ...] /bin/true\`."
	echo "- unshare: \`unshare -Urmpiun --fork /bin/true\`, the cost of creating" \
		"the namespaces; \`/bin/true\` alone is the cost of fork+exec+wait."
	echo "- kernel floor: tests/bench/floor.c makes the system calls of the" \
		"minimal sandbox (the same namespaces, mounts, pivot, seccomp filter and" \
		"vfork of the command) with nothing else: what the kernel charges for" \
		"the sandbox itself, whatever launcher builds it."
	[ "$total_failed" -gt 0 ] &&
		echo "- **$total_failed launches exited non-zero while timed**;" \
			"their times are included."
	echo
	echo "## Minimal sandbox ($rounds_small rounds)"
	echo
	echo "| command | median ms (min–max) | sandbox / it, paired |"
	echo "| --- | --- | --- |"
	echo "| sandbox | $(cell sbx0) | |"
	echo "| bwrap | $(cell bwrap0) | $(ratio sbx0 bwrap0) |"
	echo "| unshare -Urmpiun --fork | $(cell unshare) | $(ratio sbx0 unshare) |"
	echo "| kernel floor (floor.c) | $(cell floor) | $(ratio sbx0 floor) |"
	echo "| /bin/true | $(cell true) | $(ratio sbx0 true) |"
	echo
	echo "Targets (doc/design.md): sandbox ≤ 0.65 × bwrap and ≤ 1.3 × unshare." \
		"The kernel floor itself takes $(inverse_ratio bwrap0 floor) × bwrap's" \
		"time, paired: that is the least any launcher can reach with these" \
		"mounts on this kernel."
	if [ -n "$flatpak_row" ]; then
		echo
		echo "A real client: \`flatpak run\` of a tiny app (tests/bench/flatpak.sh:" \
			"the runtime and app of tests/clients, a private session bus, so" \
			"each run is two bwrap launches, the app's and xdg-dbus-proxy's)," \
			"FLATPAK_BWRAP alternating between the two, wall time of the whole" \
			"\`flatpak run\`."
		echo
		echo "| case | with sandbox's bwrap | with bubblewrap | paired ratio |"
		echo "| --- | --- | --- | --- |"
		echo "$flatpak_row"
	fi
	if [ -n "$tty_rows" ]; then
		echo
		echo "## The sandbox's own terminal"
		echo
		echo "tests/bench/terminal.py: each command runs on a new pty that the" \
			"script reads as fast as it can; times include the script's fork" \
			"(a Python process), so the difference is the figure to read." \
			"Launches of \`sandbox --ro-bind /usr /usr -- /bin/true\` alternate" \
			"with and without --share-terminal; throughput is \`cat\` of the" \
			"file through the sandbox's relay, through script(1), and straight" \
			"on the pty."
		echo
		echo "$tty_rows"
	fi
	if [ -n "$net_rows" ]; then
		echo
		echo "## Network"
		echo
		echo "$net_rows"
	fi
	if [ -n "$oci_rows" ]; then
		echo
		echo "## OCI runtime (sandbox-oci) against runc"
		echo
		echo "$oci_rows"
	fi
	echo
	echo "## Extra \`--ro-bind /usr /mN\`"
	echo
	echo "$rounds_small rounds for 0, 10 and 100 binds; $rounds_1000 for 1000."
	echo
	echo "| binds | sandbox ms | bwrap ms | sandbox / bwrap, paired |"
	echo "| ---: | --- | --- | --- |"
	for n in 0 10 100 1000; do
		echo "| $n | $(cell "sbx$n") | $(cell "bwrap$n") | $(ratio "sbx$n" "bwrap$n") |"
	done
	echo
	echo "Cost per bind, (median at 1000 − median at 0) / 1000:" \
		"sandbox $(slope sbx0 sbx1000 1000) µs, bwrap $(slope bwrap0 bwrap1000 1000) µs." \
		"sandbox with 1000 binds: $(ms "${TMED[sbx1000]}") ms in all," \
		"$(awk -v a="${TMED[sbx0]}" -v b="${TMED[sbx1000]}" 'BEGIN {printf "%.1f", (b - a) / 1000}') ms" \
		"more than without (target: 1000 binds in under 30 ms)."
	echo
	if command -v gnuplot >/dev/null; then
		echo "![launch time against binds]($plot_ref)"
	else
		echo "(No plot: gnuplot is not installed.)"
	fi
	echo
	echo "## Host mount table ($rounds_hostmnt rounds)"
	echo
	echo "Minimal sandbox, launched in a private mount namespace prepared by root" \
		"with 0 or $hostmounts extra tmpfs mounts ($host_lines0 and $host_lines1" \
		"lines of mountinfo); the host's own mount table is untouched."
	echo
	echo "| command | 0 extra host mounts | $hostmounts extra | µs per host mount | sandbox / it, paired (0 ; $hostmounts) |"
	echo "| --- | --- | --- | ---: | --- |"
	echo "| sandbox | $(cell sbx_h0) | $(cell sbx_h1) | $(slope sbx_h0 sbx_h1 "$hostmounts") | |"
	echo "| bwrap | $(cell bwrap_h0) | $(cell bwrap_h1) | $(slope bwrap_h0 bwrap_h1 "$hostmounts") | $(ratio sbx_h0 bwrap_h0) ; $(ratio sbx_h1 bwrap_h1) |"
	echo "| unshare -Urmpiun --fork | $(cell unshare_h0) | $(cell unshare_h1) | $(slope unshare_h0 unshare_h1 "$hostmounts") | $(ratio sbx_h0 unshare_h0) ; $(ratio sbx_h1 unshare_h1) |"
	echo
	echo "µs per host mount = (median with $hostmounts − median with 0) / $hostmounts." \
		"unshare's figure is the kernel's cost of copying the mount table into" \
		"a new namespace, which every launcher pays. Target: at most 5 µs per host mount."
	echo
	echo "## 200 launches, two at a time ($rounds_pair batches)"
	echo
	echo "| command | batch wall time ms (min–max) | ms per launch | sandbox / it, paired |"
	echo "| --- | --- | ---: | --- |"
	for c in sbx bwrap unshare; do
		name=$c
		[ "$c" = sbx ] && name=sandbox
		[ "$c" = unshare ] && name='unshare -Urmpiun --fork'
		per='—'
		[ "${TN[${c}_j2]:-0}" != 0 ] && per=$(awk -v t="${TMED[${c}_j2]}" 'BEGIN {printf "%.2f", t / 200 / 1000}')
		r=
		[ "$c" != sbx ] && r=$(ratio sbx_j2 "${c}_j2")
		echo "| $name | $(cell "${c}_j2") | $per | $r |"
	done
	echo
	echo "## Launcher memory while the command runs ($rounds_mem samples, medians)"
	echo
	echo "\`... -- /bin/sleep 2\` in the background; Private_Clean + Private_Dirty" \
		"and Pss from /proc/PID/smaps_rollup of the launcher's own processes," \
		"not the command: for sandbox the launcher outside and the pid-1 reaper," \
		"for bwrap its monitor outside and its pid 1. Private_Clean counts" \
		"file pages that no other process maps at that moment, so it drops" \
		"while other copies of the same binary run; Private_Dirty (the" \
		"process's own written memory) does not depend on that. sandbox is" \
		"a static executable: its libc code is in its own file, which no" \
		"other program maps, so with one sandbox running the code pages its" \
		"processes touched count as Private_Clean, where bubblewrap's libc" \
		"pages are shared with every process on the machine. What each" \
		"further launch costs in memory is its Private_Dirty."
	echo
	echo "| launcher | outside launcher: private kB (dirty) | all launcher processes: private kB (dirty) | all launcher processes, Pss kB | processes |"
	echo "| --- | ---: | ---: | ---: | ---: |"
	for l in sandbox bwrap; do
		echo "| $l | $(mem_cell $l 2) ($(mem_cell $l 3)) | $(mem_cell $l 4) ($(mem_cell $l 5)) | $(mem_cell $l 6) | $(mem_cell $l 7) |"
	done
} >"$results"

# --- plot ---------------------------------------------------------------------

if command -v gnuplot >/dev/null; then
	dat=$work/out/binds.dat
	for n in 0 10 100 1000; do
		printf '%s' "$n"
		for c in sbx bwrap; do
			if [ "${TN[$c$n]:-0}" = 0 ]; then
				printf ' NaN NaN NaN'
			else
				awk -v a="${TMED[$c$n]}" -v b="${TMIN[$c$n]}" -v c="${TMAX[$c$n]}" \
					'BEGIN {printf " %.4f %.4f %.4f", a / 1000, b / 1000, c / 1000}'
			fi
		done
		echo
	done >"$dat"
	floor=$(awk -v a="${TMED[unshare]}" 'BEGIN {printf "%.4f", a / 1000}')
	bw_plot=
	[ "$have_bwrap" = 1 ] &&
		bw_plot=", '$dat' using (\$0 + 0.04):5:6:7 with yerrorlines lw 2 pt 5 lc rgb '#c0392b' title '$bwrap_version'"
	if gnuplot <<-EOF; then
		set terminal pngcairo size 900,600 font ',11'
		set output '$plot'
		set title 'Launch time against extra --ro-bind (median, bars min–max)'
		set xlabel 'extra --ro-bind /usr /mN (categories, not to scale)'
		set ylabel 'launch time, ms (log scale)'
		set logscale y
		set grid ytics mytics
		set key top left
		set xrange [-0.3:3.3]
		plot '$dat' using 0:2:3:4:xtic(1) with yerrorlines lw 2 pt 7 lc rgb '#1f77b4' title 'sandbox'$bw_plot, \
		     $floor with lines dt 2 lc rgb '#555555' title 'unshare -Urmpiun --fork /bin/true'
	EOF
		log "plot: $plot"
	else
		log "gnuplot failed: no plot"
	fi
else
	log "gnuplot missing: no plot"
fi

cat "$results"
log "report: $results"
