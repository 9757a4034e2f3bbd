# bash completion for sandbox(1)                              -*- shell-script -*-
#
# Installed as "sandbox" in bash-completion's completions directory, where
# it is loaded on the first <Tab> after "sandbox".  It needs nothing from
# bash-completion itself; when that package is loaded, the command after
# the options is completed by its own completion.

# Every option, as --help lists them.
_sandbox_options='
--bind --bind-try --ro-bind --ro-bind-try --dev-bind --dev-bind-try
--bind-fd --ro-bind-fd --remount-ro --proc --dev --tmpfs --mqueue --dir
--symlink --file --bind-data --ro-bind-data --chmod --perms --size
--overlay-src --overlay --tmp-overlay --ro-overlay --bare
--share-net --share-pid --share-ipc --share-uts --share-cgroup
--unshare-all --unshare-user --unshare-user-try --unshare-ipc --unshare-pid
--unshare-net --unshare-uts --unshare-cgroup --unshare-cgroup-try
--userns --userns2 --pidns --disable-userns --assert-userns-disabled
--uid --gid --hostname --cap-add --cap-drop --seccomp-profile
--seccomp-export --seccomp --add-seccomp-fd --exec-label --file-label
--chdir --setenv --unsetenv --clearenv --argv0 --pass-fd --new-session --share-terminal
--die-with-parent --as-pid-1 --lock-file --sync-fd --block-fd
--userns-block-fd --info-fd --json-status-fd --args --rlimit
--net -p --publish --net-host-loopback --netns --ip
-v --verbose --level-prefix --help --version
'

_sandbox_capabilities='ALL
CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF
CAP_CHECKPOINT_RESTORE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH
CAP_FOWNER CAP_FSETID CAP_IPC_LOCK CAP_IPC_OWNER CAP_KILL CAP_LEASE
CAP_LINUX_IMMUTABLE CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_MKNOD CAP_NET_ADMIN
CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW CAP_PERFMON CAP_SETFCAP
CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN CAP_SYS_BOOT
CAP_SYS_CHROOT CAP_SYS_MODULE CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE
CAP_SYS_RAWIO CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG
CAP_WAKE_ALARM'

_sandbox_profiles='default devel none'

# The resource names of --rlimit NAME=SOFT[:HARD].
_sandbox_rlimits='as core cpu data fsize locks memlock msgqueue nice nofile nproc rss
rtprio rttime sigpending stack'

# The modes of --net; those that take more after ":" or "=" end there.
_sandbox_net_modes='none host pasta pasta: slirp4netns slirp4netns: bridge='

# _sandbox_opt_args OPTION: the kinds of the values OPTION takes, one word
# per value: path (a file or directory), dir, fd, octal, cap, profile, var,
# rlimit (NAME= of --rlimit), net (a --net mode), netns (a path or an fd),
# word (anything; nothing to suggest).  Nothing for a flag.
_sandbox_opt_args()
{
	case $1 in
	--bind | --bind-try | --ro-bind | --ro-bind-try | --dev-bind | --dev-bind-try)
		echo path path ;;
	--symlink) echo path path ;;
	--bind-fd | --ro-bind-fd | --file | --bind-data | --ro-bind-data)
		echo fd path ;;
	--chmod) echo octal path ;;
	--overlay) echo dir dir path ;;
	--remount-ro | --proc | --dev | --tmpfs | --mqueue | --dir | --tmp-overlay | \
		--ro-overlay | --lock-file)
		echo path ;;
	--overlay-src | --chdir) echo dir ;;
	--perms) echo octal ;;
	--size | --uid | --gid | --hostname | --argv0 | --exec-label | --file-label)
		echo word ;;
	--userns | --userns2 | --pidns | --seccomp | --add-seccomp-fd | --pass-fd | \
		--sync-fd | --block-fd | --userns-block-fd | --info-fd | --json-status-fd | \
		--args)
		echo fd ;;
	--cap-add | --cap-drop) echo cap ;;
	--seccomp-profile | --seccomp-export) echo profile ;;
	--setenv) echo var word ;;
	--unsetenv) echo var ;;
	--rlimit) echo rlimit ;;
	--net) echo net ;;
	--netns) echo netns ;;
	-p | --publish | --ip) echo word ;;
	esac
}

# The open file descriptors of this shell, which a command line can hand on.
_sandbox_fds()
{
	local fd fds=()
	for fd in "/proc/$$/fd/"*; do
		fd=${fd##*/}
		[[ $fd =~ ^[0-9]+$ ]] && fds+=("$fd")
	done
	printf '%s\n' "${fds[@]}"
}

# _sandbox_value KIND CUR: fills COMPREPLY with candidates for one value.
_sandbox_value()
{
	local kind=$1 cur=$2
	case $kind in
	path)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur") ;;
	dir)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -d -- "$cur") ;;
	fd)
		mapfile -t COMPREPLY < <(compgen -W "$(_sandbox_fds)" -- "$cur") ;;
	octal)
		mapfile -t COMPREPLY < <(compgen -W '0755 0700 0644 0600 0555 0444 1777' -- "$cur") ;;
	cap)
		mapfile -t COMPREPLY < <(compgen -W "$_sandbox_capabilities" -- "${cur^^}") ;;
	profile)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -W "$_sandbox_profiles" -- "$cur"
			compgen -f -- "$cur") ;;
	var)
		mapfile -t COMPREPLY < <(compgen -e -- "$cur") ;;
	compat)
		mapfile -t COMPREPLY < <(compgen -W bwrap -- "$cur") ;;
	rlimit)
		# NAME=, then the value is typed.
		compopt -o nospace 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -W "$_sandbox_rlimits" -S = -- "$cur") ;;
	net)
		mapfile -t COMPREPLY < <(compgen -W "$_sandbox_net_modes" -- "$cur")
		# A mode that takes more is not finished by a space.
		[[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *[:=] ]] &&
			compopt -o nospace 2>/dev/null ;;
	netns)
		# A namespace file (/run/netns/NAME, /proc/PID/ns/net) or an fd.
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur"
			[[ -d /run/netns ]] && compgen -f -- "/run/netns/${cur#/run/netns/}"
			compgen -W "$(_sandbox_fds)" -- "$cur") ;;
	*)
		COMPREPLY=() ;;
	esac
}

_sandbox()
{
	local cur=${COMP_WORDS[COMP_CWORD]} t i
	local -a need=()
	local cmd=0 glue=0 just_opt=0

	# Walk the words before the cursor the way the parser does.  bash
	# splits "--opt=VALUE" and "@FILE" at "=" and "@": those pieces are put
	# back together here.
	for ((i = 1; i < COMP_CWORD; i++)); do
		t=${COMP_WORDS[i]}
		if [[ $t == = ]]; then
			# --opt=VALUE: VALUE is the option's first value; in any other
			# word (VAR=VALUE) the piece after "=" belongs to the same word.
			((just_opt)) || glue=1
			just_opt=0
			continue
		fi
		if [[ $t == @ && ${#need[@]} -eq 0 ]]; then
			glue=1 # @FILE: the file name follows
			continue
		fi
		if ((glue)); then
			glue=0
			continue
		fi
		just_opt=0
		if ((${#need[@]})); then
			need=("${need[@]:1}")
			continue
		fi
		case $t in
		--)
			cmd=$((i + 1))
			break ;;
		--compat)
			((i == 1)) && need=(compat) && just_opt=1 ;;
		@?*) ;;
		--*=*)
			# Unsplit --opt=VALUE (COMP_WORDBREAKS without "="):
			# VALUE was the first value.
			read -ra need <<<"$(_sandbox_opt_args "${t%%=*}")"
			need=("${need[@]:1}") ;;
		-*)
			read -ra need <<<"$(_sandbox_opt_args "$t")"
			just_opt=1 ;;
		*)
			cmd=$i
			break ;;
		esac
	done

	COMPREPLY=()
	if ((cmd)); then
		# The command and its arguments.
		if ((cmd == COMP_CWORD)); then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		elif declare -F _command_offset >/dev/null; then
			_command_offset "$cmd"
		else
			compopt -o default 2>/dev/null
		fi
		return 0
	fi

	if [[ $cur == = ]]; then
		# Right after "--opt=": the value is empty so far.
		cur=
		((${#need[@]})) || return 0
	elif [[ $cur == @ || ${COMP_WORDS[COMP_CWORD - 1]} == @ && $glue == 1 ]]; then
		# An options file: bash completes the part after "@".
		[[ $cur == @ ]] && cur=
		_sandbox_value path "$cur"
		return 0
	elif ((glue)); then
		return 0
	fi

	if ((${#need[@]})); then
		_sandbox_value "${need[0]}" "$cur"
	elif [[ $cur == --*=* ]]; then
		# Unsplit --opt=VALUE being typed.
		read -ra need <<<"$(_sandbox_opt_args "${cur%%=*}")"
		((${#need[@]})) || return 0
		_sandbox_value "${need[0]}" "${cur#*=}"
		COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
	elif [[ $cur == @* ]]; then
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "${cur#@}")
		COMPREPLY=("${COMPREPLY[@]/#/@}")
	elif [[ $cur == -* ]]; then
		local opts=$_sandbox_options
		((COMP_CWORD == 1)) && opts+=' --compat=bwrap'
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	else
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
	fi
	return 0
}

complete -F _sandbox sandbox
