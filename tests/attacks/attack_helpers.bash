# Shared machinery of the attack suite.  Load after ../integration/helpers.
#
# Every test in tests/attacks is one escape technique, named by the part of
# its description before the first ':' (for example "fs/ro-remount").  The
# test runs the attack from inside the launcher under test and then checks,
# with `blocked`, each way the attack could have worked, including the
# state of the host afterwards.
#
# Environment, on top of what ../integration/helpers needs:
#   ATTACK_TARGET  sandbox (default) or bwrap: the launcher under attack.
#                  With sandbox, every attack must fail.  With bwrap, an
#                  attack that gets through is reported, not failed: as a
#                  TAP diagnostic "# bwrap lets through: NAME: HOW" and as
#                  a line "NAME: HOW" in ATTACK_REPORT.
#   ATTACK_REPORT  file the bwrap run appends to (optional)
#   BWRAP          bubblewrap to attack (default: BWRAP_REFERENCE, else
#                  /usr/bin/bwrap)
#   ATTACK         the static helper built from attack.c (default
#                  $TESTROOT/attack; built on the fly when missing)
#   SYSPROBE       tests/probe/sysprobe (default $TESTROOT/sysprobe)

ATTACK_TARGET=${ATTACK_TARGET:-sandbox}
BWRAP=${BWRAP:-${BWRAP_REFERENCE:-/usr/bin/bwrap}}
SYSPROBE=${SYSPROBE:-$TESTROOT/sysprobe}

case $ATTACK_TARGET in
sandbox | bwrap) ;;
*)
	echo "ATTACK_TARGET must be sandbox or bwrap, not '$ATTACK_TARGET'" >&2
	exit 1
	;;
esac

# The helper binary: the driver's, or one built here from attack.c.
attack_binary() {
	if [[ -n ${ATTACK:-} && -x $ATTACK ]]; then
		return 0
	fi
	if [[ -x $TESTROOT/attack ]]; then
		ATTACK=$TESTROOT/attack
		return 0
	fi
	ATTACK=$BATS_FILE_TMPDIR/attack
	[[ -x $ATTACK ]] && return 0
	cc -O2 -Wall -static -o "$ATTACK" "$BATS_TEST_DIRNAME/attack.c" >&2 || return 1
}

# Inside every target the helpers sit at fixed paths, bound read-only one
# file at a time, so that no host directory (not even the test root or the
# fixtures) is visible unless a test binds it.
A=/a/attack
P=/a/probe
SP=/a/sysprobe

# The merged-/usr links of the host, as bubblewrap options (the sandbox
# personality recreates them by itself when /usr is bound).
usr_link_opts() {
	local l t
	for l in /*; do
		[[ -L $l ]] || continue
		t=$(readlink "$l")
		[[ $t == usr/* || $t == /usr/* ]] && printf '%s\n' --symlink "$t" "$l"
	done
}

# target_init: sets TARGET, the launcher command line that every attack
# starts from.  The two are equivalent: all namespaces, die-with-parent,
# root inside, /usr read-only with its links, a fresh /proc, a minimal
# /dev and an empty /tmp, plus the helpers.
target_init() {
	local helpers=(--ro-bind "$ATTACK" "$A" --ro-bind "$PROBE" "$P")
	[[ -x $SYSPROBE ]] && helpers+=(--ro-bind "$SYSPROBE" "$SP")
	if [[ $ATTACK_TARGET == sandbox ]]; then
		TARGET=("$SANDBOX" --ro-bind /usr /usr "${helpers[@]}")
		TARGET_SETUP_STATUS=125
	else
		local links
		mapfile -t links < <(usr_link_opts)
		TARGET=("$BWRAP" --unshare-all --die-with-parent --uid 0 --gid 0
			--ro-bind /usr /usr "${links[@]}" --proc /proc --dev /dev --tmpfs /tmp
			"${helpers[@]}")
		TARGET_SETUP_STATUS=1
	fi
}

# attack_setup_file: for each file's setup_file.
attack_setup_file() {
	if [[ $ATTACK_TARGET == bwrap && ! -x $BWRAP ]]; then
		skip "no bubblewrap at $BWRAP"
	fi
	attack_binary || return 1
	export ATTACK
}

# attack_setup: for each test's setup.
attack_setup() {
	attack_binary || return 1
	target_init
}

# tgt OPTION... -- COMMAND...: runs the target with extra options, bounded.
tgt() {
	timeout -k 5 "$SBX_TIMEOUT" "${TARGET[@]}" "$@"
}

# bg_target OPTION... -- COMMAND...: starts the target in the background,
# BG_PID being the launcher itself.  The command must end by itself within
# a bounded time; teardown kills what is left.
bg_target() {
	"${TARGET[@]}" "$@" </dev/null >/dev/null 2>&1 3>&- &
	BG_PID=$!
}

# bg_cleanup: for teardown: the background launcher and its process group
# of helpers, if still there.
bg_cleanup() {
	if [[ -n ${BG_PID:-} ]]; then
		kill -KILL "$BG_PID" 2>/dev/null || true
		wait "$BG_PID" 2>/dev/null || true
		BG_PID=
	fi
}

# reaped SECONDS COMMAND...: runs COMMAND under `attack subreaper`, which
# collects every process of its tree that outlives its parent and, SECONDS
# after COMMAND exits, lists and kills what is still alive (see attack.c).
# Use with `run`; then `no_leftover` and `no_orphans` check the report.
reaped() {
	local secs=$1
	shift
	timeout -k 5 "$SBX_TIMEOUT" "$ATTACK" subreaper "$secs" -- "$@"
}

# reaped_tgt SECONDS OPTION... -- COMMAND...: the target under `reaped`.
reaped_tgt() {
	local secs=$1
	shift
	reaped "$secs" "${TARGET[@]}" "$@"
}

# no_leftover: the subreaper found nothing alive after the command.
no_leftover() {
	local v
	v=$(value subreaper-leftover) || return 2
	[[ $v == 0 ]]
}

# no_orphans: no process of the tree outlived its parent, not even
# briefly (a launcher that exits before its own child did leaves a zombie
# for init to reap).
no_orphans() {
	local v
	v=$(value subreaper-orphans) || return 2
	[[ $v == 0 ]]
}

# reaped_status: the status of the command run under `reaped`.
reaped_status() {
	value subreaper-status
}

is_bwrap() {
	[[ $ATTACK_TARGET == bwrap ]]
}

# sandbox_only WHY: the attack needs an option bubblewrap does not have.
sandbox_only() {
	is_bwrap && skip "sandbox only: $1"
	return 0
}

# --- verdicts ----------------------------------------------------------------

attack_name() {
	echo "${BATS_TEST_DESCRIPTION%%:*}"
}

# through HOW: the attack got through.  Fails the test against sandbox;
# against bwrap, reports it and lets the test go on.
through() {
	local what
	what="$(attack_name): $1"
	if is_bwrap; then
		echo "# bwrap lets through: $what" >&3
		if [[ -n ${ATTACK_REPORT:-} ]]; then
			echo "$what" >>"$ATTACK_REPORT"
		fi
		return 0
	fi
	echo "ATTACK GOT THROUGH: $what" >&2
	show_run
	return 1
}

# blocked HOW CHECK...: CHECK must succeed; status 1 means the attack got
# through (see `through`); any other failure is an error of the test.
blocked() {
	local how=$1 rc=0
	shift
	"$@" || rc=$?
	case $rc in
	0) return 0 ;;
	1) through "$how" ;;
	*)
		echo "the check '$*' could not be made (status $rc)" >&2
		show_run
		return 1
		;;
	esac
}

# value KEY: the RESULT of the last "KEY=RESULT" line in $output.
value() {
	local line v="" found=1
	for line in "${lines[@]}"; do
		if [[ $line == "$1="* ]]; then
			v=${line#*=}
			found=0
		fi
	done
	printf '%s\n' "$v"
	return $found
}

# refused KEY...: every KEY has a "KEY=..." line in $output and none says
# OK.  Status 2 when a line is missing (the attack did not run as meant).
refused() {
	local key v
	for key in "$@"; do
		if ! v=$(value "$key"); then
			echo "no '$key=' line in the output" >&2
			return 2
		fi
		[[ $v != OK* ]] || return 1
	done
}

# refused_with ERRNO KEY...: every KEY failed, with exactly ERRNO.  Another
# error still means the call was refused, by the kernel rather than by the
# sandbox's filter: status 1, the attack reached the kernel.
refused_with() {
	local want=$1 key v
	shift
	for key in "$@"; do
		if ! v=$(value "$key"); then
			echo "no '$key=' line in the output" >&2
			return 2
		fi
		[[ $v == "$want" ]] || return 1
	done
}

# no_line TEXT: no line of $output is TEXT.
no_line() {
	local line
	for line in "${lines[@]}"; do
		[[ $line != "$1" ]] || return 1
	done
}

# no_match REGEX: no line of $output matches REGEX.
no_match() {
	local line
	for line in "${lines[@]}"; do
		[[ ! $line =~ $1 ]] || return 1
	done
}

# ran_ok: the target ran the attack (it did not fail to start).
ran_ok() {
	if [[ $status -eq $TARGET_SETUP_STATUS || $status -ge 124 && $status -le 127 ]]; then
		echo "the target did not run the attack (status $status)" >&2
		show_run
		return 1
	fi
}

# host_file_is FILE CONTENT: FILE still holds exactly CONTENT.
host_file_is() {
	[[ -f $1 && $(cat "$1") == "$2" ]]
}

# host_absent PATH: nothing exists at PATH on the host.
host_absent() {
	[[ ! -e $1 && ! -L $1 ]]
}

# dir_listing DIR: the sorted names in DIR, for before/after comparisons.
dir_listing() {
	ls -A "$1" 2>&1
}

# secret_dir: a fresh host directory that no target binds, holding a file
# with a unique name; sets SECRET (the dir) and MARKER (the file).
secret_dir() {
	SECRET=$(fixture_dir)
	MARKER=$SECRET/marker-$RANDOM$RANDOM
	echo "host secret" >"$MARKER"
}
