#!/usr/bin/env bats
# The documentation layer: the man page and the bash, zsh and fish
# completions list exactly the options of --help (so they cannot drift
# apart), the man page renders without warnings, the completions complete,
# and what the man page promises about -v and option files holds.
#
# Needs the source tree's doc/ and completions/: SANDBOX_SRCDIR names the
# directory holding them (tests/run-tests.sh copies them into TESTROOT).

load helpers

SRCDIR=${SANDBOX_SRCDIR:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
MAN_SCD=$SRCDIR/doc/sandbox.1.scd
MAN_PAGE=${SANDBOX_MAN_PAGE:-$SRCDIR/doc/sandbox.1}
BASH_COMPLETION=$SRCDIR/completions/sandbox.bash
ZSH_COMPLETION=$SRCDIR/completions/_sandbox
FISH_COMPLETION=$SRCDIR/completions/sandbox.fish

setup() {
	if [[ ! -f $MAN_SCD || ! -f $BASH_COMPLETION ]]; then
		skip "doc/ and completions/ not found under '$SRCDIR': set SANDBOX_SRCDIR to the source tree"
	fi
}

# --- the option lists --------------------------------------------------------

# help_options: one line per option of --help, "--name METAVAR...", sorted.
help_options() {
	"$SANDBOX" --help | perl -ne '
		next unless /^ {1,10}(?:-[a-zA-Z], )?(--[a-z0-9][a-z0-9-]*)(?:=(\S+(?: [A-Z][A-Z0-9|]*(?=\s|$))*))?(?:\s|$)/;
		print join(" ", $1, defined $2 ? split(/ /, $2) : ()), "\n";' | sort
}

# help_names: the option names of --help, one per line, sorted.
help_names() {
	help_options | cut -d' ' -f1
}

# man_options: the option headings of the man page source, "--name METAVAR..."
# (a METAVAR is a word with at least one _NAME_ in it: NAME|PATH,
# NAME=SOFT[:HARD], [HOSTIP:]HOSTPORT:SANDBOXPORT[/tcp|/udp]).
man_options() {
	perl -ne '
		next unless /^\*(?:-[a-zA-Z]\*, \*)?(--[a-z0-9][a-z0-9=-]*)\*((?: (?=[^\s*]*_[A-Z]+_)[^\s*]+)*)\s*$/;
		my ($name, $args) = ($1, $2);
		$args =~ s/_//g;
		$args =~ s/^ //;
		print join(" ", $name, split(/ /, $args)), "\n";' "$MAN_SCD" | sort
}

# same_lists WHAT EXPECTED ACTUAL: two newline-separated lists are equal;
# otherwise prints the difference.
same_lists() {
	if [[ $2 != "$3" ]]; then
		echo "$1 differs from --help (< --help, > $1):" >&2
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") >&2
		return 1
	fi
}

# The documented options beyond --help: --compat=bwrap, which only works as
# the very first argument and so is not an ordinary option.
with_compat() {
	{
		printf '%s\n' "$1"
		echo "${2:---compat=bwrap}"
	} | sort
}

@test "docs: --help lists every option, with its values" {
	run help_options
	assert_success
	# A parse that finds nothing would make the comparisons below vacuous.
	if ((${#lines[@]} < 70)); then
		echo "only ${#lines[@]} options found in --help" >&2
		show_run
		return 1
	fi
	assert_line "--bind SRC DEST"
	assert_line "--overlay RWSRC WORKDIR DEST"
	assert_line "--seccomp-profile NAME|PATH"
	assert_line "--verbose"
	run "$SANDBOX" --help
	assert_output_contains "  -v, --verbose"
}

@test "docs: the man page documents exactly the options of --help, with the same values" {
	same_lists "doc/sandbox.1.scd" "$(with_compat "$(help_options)")" "$(man_options)"
	grep -qF -- '*-v*, *--verbose*' "$MAN_SCD"
}

@test "docs: the man page has the sections a reader looks for" {
	local section
	for section in NAME SYNOPSIS DESCRIPTION OPTIONS "OPTION FILES" "PROCESS MODEL" \
		"EXIT STATUS" "SECCOMP POLICIES" SECURITY "DIFFERENCES FROM BUBBLEWRAP" \
		ENVIRONMENT EXAMPLES "SEE ALSO"; do
		grep -qx "# $section" "$MAN_SCD" || {
			echo "no section '$section' in $MAN_SCD" >&2
			return 1
		}
	done
	for word in SANDBOX_FORCE_FALLBACK '*125*' '*126*' '*127*' 'die-with-parent' \
		'4294967295' 'overflow' '0755'; do
		grep -qF -- "$word" "$MAN_SCD" || {
			echo "the man page never mentions $word" >&2
			return 1
		}
	done
}

@test "docs: the built man page renders without warnings and lists every option" {
	[[ -f $MAN_PAGE ]] || skip "$MAN_PAGE is not built (scdoc missing at configure time)"
	command -v man >/dev/null || skip "man is not installed"
	run --separate-stderr env MANWIDTH=80 LC_ALL=C.UTF-8 man --warnings -l "$MAN_PAGE"
	assert_success
	assert_stderr_empty
	local text=$output name missing=()
	for name in $(help_names); do
		# An option heading: the option first on an indented line.
		grep -qE -- "^ {7}(-[a-zA-Z], )?$name( |\$)" <<<"$text" || missing+=("$name")
	done
	if ((${#missing[@]})); then
		echo "the rendered man page has no heading for: ${missing[*]}" >&2
		echo "(is $MAN_PAGE older than doc/sandbox.1.scd?)" >&2
		return 1
	fi
}

# --- bash ------------------------------------------------------------------------

# bash_complete WORD...: the COMPREPLY of the bash completion for a command
# line whose last WORD is being completed (the words as bash splits them),
# one per line.  Runs in a fresh bash, in $FIXDIR, with fd 7 open.
bash_complete() {
	FIXDIR=${FIXDIR:-$BATS_TEST_TMPDIR} bash --norc --noprofile -c '
		cd "$FIXDIR" || exit 1
		exec 7</dev/null
		source "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		_sandbox sandbox "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$BASH_COMPLETION" "$@"
}

# assert_reply WORD: the completion output in $output has WORD as a line.
assert_reply() {
	assert_line "$1"
}

@test "docs: the bash completion offers exactly the options of --help" {
	run bash --norc -c 'source "$1" && printf "%s\n" $_sandbox_options' _ "$BASH_COMPLETION"
	assert_success
	local got
	got=$(printf '%s\n' "${lines[@]}" | grep -- '^--' | sort)
	same_lists completions/sandbox.bash "$(help_names)" "$got"
	assert_line "-v"
	# --compat=bwrap comes as the first word only.
	run bash_complete sandbox --com
	assert_success
	assert_output_equals "--compat=bwrap"
	run bash_complete sandbox --ro-bind /usr /usr --com
	assert_output_equals ""
}

@test "docs: the bash completion knows how many values each option takes" {
	local line name meta kinds n_meta n_kinds bad=()
	while read -r line; do
		name=${line%% *}
		meta=${line#"$name"}
		n_meta=$(wc -w <<<"$meta")
		kinds=$(bash --norc -c 'source "$1" && _sandbox_opt_args "$2"' _ "$BASH_COMPLETION" "$name")
		n_kinds=$(wc -w <<<"$kinds")
		((n_meta == n_kinds)) || bad+=("$name: --help says '$meta', the completion '$kinds'")
	done < <(help_options)
	if ((${#bad[@]})); then
		printf '%s\n' "${bad[@]}" >&2
		return 1
	fi
}

@test "docs: bash completes options, profiles, capabilities, fds, paths and the command" {
	FIXDIR=$(fixture_dir)
	mkdir "$FIXDIR/srcdir" "$FIXDIR/other"
	: >"$FIXDIR/my.policy"
	: >"$FIXDIR/opts file"

	run bash_complete sandbox --ro-b
	assert_success
	assert_reply --ro-bind
	assert_reply --ro-bind-try
	assert_reply --ro-bind-fd
	assert_reply --ro-bind-data
	refute_line --bind

	run bash_complete sandbox --seccomp-profile ""
	assert_reply default
	assert_reply devel
	assert_reply none
	assert_reply my.policy
	run bash_complete sandbox --seccomp-export de
	assert_reply default
	assert_reply devel
	refute_line none
	# --opt=VALUE, which bash splits at "=".
	run bash_complete sandbox --seccomp-profile = dev
	assert_output_equals devel

	run bash_complete sandbox --cap-add CAP_SYS_AD
	assert_output_equals CAP_SYS_ADMIN
	run bash_complete sandbox --cap-drop ""
	assert_line ALL
	assert_line CAP_AUDIT_CONTROL
	run bash_complete sandbox --cap-drop cap_net_ra
	assert_output_equals CAP_NET_RAW

	run bash_complete sandbox --pass-fd ""
	assert_reply 0
	assert_reply 2
	assert_reply 7
	run bash_complete sandbox --ro-bind /usr /usr --bind-data ""
	assert_reply 7

	# SRC and DEST are paths, the second value of --bind as well.
	run bash_complete sandbox --bind sr
	assert_output_equals srcdir
	run bash_complete sandbox --bind srcdir ot
	assert_output_equals other
	run bash_complete sandbox --overlay-src ""
	assert_reply srcdir
	refute_line my.policy
	run bash_complete sandbox @ "opts"
	assert_output_equals "opts file"

	# After the values, options again; then the command.
	run bash_complete sandbox --bind srcdir /src --chd
	assert_output_equals --chdir
	run bash_complete sandbox --bind srcdir /src -- ech
	assert_reply echo
	run bash_complete sandbox --setenv FOO bar ech
	assert_reply echo
	run bash_complete sandbox --setenv ""
	assert_reply PATH
}

@test "docs: the completions offer the resource names of --rlimit, each one sandbox accepts" {
	local names name args=()
	names=$(bash --norc -c 'source "$1" && printf "%s\n" $_sandbox_rlimits' _ "$BASH_COMPLETION")
	(($(wc -l <<<"$names") == 16))
	for name in $names; do
		args+=(--rlimit "$name=1")
	done
	# Options are checked in order, then --help stops the parse.
	run --separate-stderr "$SANDBOX" "${args[@]}" --help
	assert_success
	assert_stderr_empty
	run bash_complete sandbox --rlimit n
	assert_output_equals $'nice=\nnofile=\nnproc='
	run bash_complete sandbox --rlimit = nof
	assert_output_equals "nofile="
	run bash_complete sandbox --rlimit nofile = 10 --chd
	assert_output_equals --chdir
	# The zsh and fish lists are the same.
	local zsh_names fish_names
	zsh_names=$(sed -n '/^_sandbox_rlimits()/,/^}/p' "$ZSH_COMPLETION" |
		sed -n '/names=(/,/)/p' | tr -d '()' | sed 's/names=//' | tr -s ' \n' '\n' | sed '/^$/d' | sort)
	fish_names=$(sed -n '/^function __sandbox_rlimits/,/^end/p' "$FISH_COMPLETION" |
		grep printf | sed "s/.*' //" | tr ' ' '\n' | sort)
	same_lists "the zsh --rlimit names" "$(sort <<<"$names")" "$zsh_names"
	same_lists "the fish --rlimit names" "$(sort <<<"$names")" "$fish_names"
}

@test "docs: every capability the completions offer is one sandbox accepts" {
	local caps args=() cap
	caps=$(bash --norc -c 'source "$1" && printf "%s\n" $_sandbox_capabilities' _ "$BASH_COMPLETION")
	[[ $(sort <<<"$caps" | uniq -d) == "" ]]
	(($(wc -l <<<"$caps") >= 41))
	for cap in $caps; do
		args+=(--cap-add "$cap")
	done
	# Options are checked in order, then --help stops the parse.
	run --separate-stderr "$SANDBOX" "${args[@]}" --help
	assert_success
	assert_stderr_empty
	# The zsh and fish lists are the same.
	local zsh_caps fish_caps
	zsh_caps=$(grep -oE '\b(ALL|CAP_[A-Z_]+)\b' "$ZSH_COMPLETION" | sort -u)
	fish_caps=$(grep -oE '\b(ALL|CAP_[A-Z_]+)\b' "$FISH_COMPLETION" | sort -u)
	same_lists "the zsh capability list" "$(sort -u <<<"$caps")" "$zsh_caps"
	same_lists "the fish capability list" "$(sort -u <<<"$caps")" "$fish_caps"
}

# --- zsh -------------------------------------------------------------------------

# zsh_options: the options of the zsh completion's _arguments specs.
zsh_options() {
	perl -ne '
		print "$1\n" while /\x27(?:[(][^)]*[)])?\*?(--[a-z0-9][a-z0-9-]*)[=\[]/g;
		print "--verbose\n" if /\{-v,--verbose\}/;' "$ZSH_COMPLETION" | sort -u
}

@test "docs: the zsh completion parses and offers exactly the options of --help" {
	command -v zsh >/dev/null || skip "zsh is not installed (apt-get install zsh)"
	run zsh -n "$ZSH_COMPLETION"
	assert_success
	same_lists completions/_sandbox "$(with_compat "$(help_names)" --compat)" "$(zsh_options)"
}

# zsh_complete LINE: what an interactive zsh shows after LINE and <Tab>,
# with the completion loaded from its directory (driven through zpty).
zsh_complete() {
	local dir
	dir=$(dirname "$ZSH_COMPLETION")
	(cd "$FIXDIR" && timeout -k 5 30 zsh -f -c '
		zmodload zsh/zpty || exit 1
		zpty z "env -i PATH=$PATH TERM=dumb HOME=$PWD COLUMNS=300 LINES=50 zsh -f -i"
		zpty -w z "unsetopt zle_bracketed_paste; PS1=\"%% \"; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D; LISTMAX=1000; print READ\"\"Y"
		out= chunk=
		for i in {1..100}; do
			zpty -r -t z chunk && out+=$chunk
			[[ $out == *READY* ]] && break
			sleep 0.05
		done
		zpty -w -n z "$2"$'\''\t'\''
		out=
		for i in {1..30}; do
			sleep 0.1
			zpty -r -t z chunk && out+=$chunk
		done
		zpty -d z
		print -r -- "$out"' _ "$dir" "$1") |
		perl -pe 's/\e\[[?0-9;]*[A-Za-z]//g; 1 while s/[^\x08\n]\x08//; s/\r/\n/g'
}

@test "docs: zsh completes options, profiles and capabilities" {
	command -v zsh >/dev/null || skip "zsh is not installed (apt-get install zsh)"
	FIXDIR=$(fixture_dir)
	run zsh_complete "sandbox --seccomp-prof"
	assert_output_contains "sandbox --seccomp-profile="
	run zsh_complete "sandbox --seccomp-profile=dev"
	assert_output_contains "sandbox --seccomp-profile=devel"
	run zsh_complete "sandbox --ro-bind /usr /usr --cap-drop=CAP_NET_RA"
	assert_output_contains "--cap-drop=CAP_NET_RAW"
	run zsh_complete "sandbox --bind /us"
	assert_output_contains "sandbox --bind /usr/"
}

@test "docs: the completions offer the modes of --net, each one sandbox accepts" {
	local modes mode
	modes=$(bash --norc -c 'source "$1" && printf "%s\n" $_sandbox_net_modes' _ "$BASH_COMPLETION")
	(($(wc -l <<<"$modes") == 7))
	for mode in $modes; do
		# pasta: and slirp4netns: take ARGS, bridge= a NAME.
		[[ $mode == *: ]] && mode+=--quiet
		[[ $mode == *= ]] && mode+=br0
		run --separate-stderr "$SANDBOX" --net "$mode" --help
		assert_success
		assert_stderr_empty
	done
	run bash_complete sandbox --net s
	assert_output_equals $'slirp4netns\nslirp4netns:'
	run bash_complete sandbox --net = bri
	assert_output_equals "bridge="
	run bash_complete sandbox --net pasta -p 8080:80 --netns /proc/self/ns/net --chd
	assert_output_equals --chdir
	run bash_complete sandbox -p 8080:80 ""
	assert_reply echo
	if command -v zsh >/dev/null; then
		FIXDIR=$(fixture_dir)
		run zsh_complete "sandbox --net=sli"
		assert_output_contains "sandbox --net=slirp4netns"
	fi
	if command -v fish >/dev/null; then
		FIXDIR=$(fixture_dir)
		run fish_complete "sandbox --net "
		assert_line "pasta	network mode"
		assert_line "bridge=	network mode"
	fi
}

# --- fish ------------------------------------------------------------------------

fish_options() {
	perl -ne '
		next unless /^complete -c sandbox /;
		print "--$1\n" while / -l ([a-z0-9][a-z0-9-]*)/g;' "$FISH_COMPLETION" | sort -u
}

# fish_complete LINE: fish's completions for LINE, one per line.
fish_complete() {
	(cd "$FIXDIR" && HOME=$FIXDIR XDG_CONFIG_HOME=$FIXDIR XDG_DATA_HOME=$FIXDIR \
		timeout -k 5 30 fish --no-config -c 'source $argv[1]; and complete -C $argv[2]' \
		"$FISH_COMPLETION" "$1")
}

@test "docs: the fish completion parses and offers exactly the options of --help" {
	command -v fish >/dev/null || skip "fish is not installed (apt-get install fish)"
	run fish --no-execute "$FISH_COMPLETION"
	assert_success
	local names
	names=$(fish_options | grep -vx -- --compat)
	same_lists completions/sandbox.fish "$(help_names)" "$names"
	grep -q -- '-s v -l verbose' "$FISH_COMPLETION"
}

@test "docs: fish completes options, profiles, capabilities, fds and paths" {
	command -v fish >/dev/null || skip "fish is not installed (apt-get install fish)"
	FIXDIR=$(fixture_dir)
	mkdir "$FIXDIR/srcdir"
	run fish_complete "sandbox --seccomp-prof"
	assert_success
	assert_output_contains "--seccomp-profile"
	run fish_complete "sandbox --seccomp-profile de"
	assert_line "default	built-in profile"
	assert_line "devel	built-in profile"
	run fish_complete "sandbox --seccomp-export="
	assert_line "--seccomp-export=none"
	run fish_complete "sandbox --cap-add CAP_SYS_AD"
	assert_output_equals CAP_SYS_ADMIN
	run fish_complete "sandbox --ro-bind /usr /usr --pass-fd "
	assert_line "0	file descriptor"
	run fish_complete "sandbox --bind sr"
	assert_line "srcdir/"
	run fish_complete "sandbox --bind srcdir /src --ch"
	assert_output_contains "--chdir"
	run fish_complete "sandbox --bind srcdir /src -- ech"
	assert_output_contains "echo"
	run fish_complete "sandbox --compat="
	assert_output_equals "--compat=bwrap"
}

# --- what the man page promises ----------------------------------------------------

@test "docs: -v prints each setup step with its duration on stderr" {
	run --separate-stderr sbx -v -- /bin/true
	assert_success
	local line steps=0
	for line in "${stderr_lines[@]}"; do
		if [[ ! $line =~ ^sandbox:\ [A-Za-z][A-Za-z0-9\ /_-]*:\ [0-9]+\.[0-9]{3}\ ms$ ]]; then
			echo "not a step line: $line" >&2
			show_run
			return 1
		fi
		steps=$((steps + 1))
	done
	((steps >= 3)) || {
		echo "only $steps step lines" >&2
		show_run
		return 1
	}
	[[ $stderr == *"sandbox: new root: "* ]]
	[[ $stderr == *"sandbox: user namespace: "* ]]

	# The long form, and the bwrap personality's prefix.
	run --separate-stderr timeout -k 5 "$SBX_TIMEOUT" "$SANDBOX" --compat=bwrap --verbose \
		--ro-bind "$TESTROOT" "$TESTROOT" -- "$PROBE" sleep 0
	assert_success
	[[ $stderr == *"bwrap: new root: "*" ms"* ]] || {
		show_run
		return 1
	}

	# Without -v, nothing.
	run --separate-stderr sbx -- /bin/true
	assert_success
	assert_stderr_empty
}

@test "docs: option files work as the man page says" {
	local dir
	dir=$(fixture_dir)
	# Comments (also indented), blank lines, a CRLF line, blanks kept inside
	# an argument, and the command in the file.
	printf '%s\n' '# a profile' '' '  # indented comment' '--setenv' 'GREETING' \
		'two  words # not a comment' "--hostname"$'\r' 'docs-host' >"$dir/p.opts"
	run sbx "@$dir/p.opts" -- /bin/sh -c 'echo "$GREETING|$(hostname)"'
	assert_success
	assert_output_equals "two  words # not a comment|docs-host"

	# @FILE is not nestable.
	printf '@%s\n' "$dir/p.opts" >"$dir/nested.opts"
	run --separate-stderr sbx "@$dir/nested.opts" -- /bin/true
	assert_setup_error "nested.opts" "p.opts"

	# After the command, @WORD belongs to the command.
	run sbx -- /bin/echo "@$dir/p.opts"
	assert_success
	assert_output_equals "@$dir/p.opts"
}

@test "docs: the example option files are accepted" {
	local f n=0
	for f in "$SRCDIR"/doc/examples/*.opts; do
		# --help after the file: its options are parsed, then nothing runs.
		run --separate-stderr "$SANDBOX" "@$f" --help
		assert_success
		assert_stderr_empty
		n=$((n + 1))
	done
	((n >= 3))
}
