# fish completion for sandbox(1).  Installed in fish's vendor_completions.d,
# where fish loads it on the first <Tab> after "sandbox".

# The kinds of the values an option takes, one word per value (see
# __sandbox_want).  Nothing for a flag.
function __sandbox_opt_args
    switch $argv[1]
        case --bind --bind-try --ro-bind --ro-bind-try --dev-bind --dev-bind-try --symlink
            echo path path
        case --bind-fd --ro-bind-fd --file --bind-data --ro-bind-data
            echo fd path
        case --chmod
            echo octal path
        case --overlay
            echo dir dir path
        case --remount-ro --proc --dev --tmpfs --mqueue --dir --tmp-overlay --ro-overlay --lock-file
            echo path
        case --overlay-src --chdir
            echo dir
        case --perms
            echo octal
        case --size --uid --gid --hostname --argv0 --exec-label --file-label
            echo word
        case --userns --userns2 --pidns --seccomp --add-seccomp-fd --pass-fd --sync-fd --block-fd --userns-block-fd --info-fd --json-status-fd --args
            echo fd
        case --cap-add --cap-drop
            echo cap
        case --seccomp-profile --seccomp-export
            echo profile
        case --setenv
            echo var word
        case --unsetenv
            echo var
        case --rlimit
            echo rlimit
        case --net
            echo net
        case --netns
            echo netns
        case -p --publish --ip
            echo word
    end
end

# The modes of --net; pasta: and slirp4netns: take helper arguments after
# the colon, bridge= a bridge name.
function __sandbox_net_modes
    printf '%s\n' none host pasta slirp4netns pasta: slirp4netns: bridge=
end

# The resource names of --rlimit NAME=SOFT[:HARD], each with its "=".
function __sandbox_rlimits
    printf '%s=\n' as core cpu data fsize locks memlock msgqueue nice nofile nproc rss rtprio rttime sigpending stack
end

# Capability names, as --cap-add and --cap-drop take them.
function __sandbox_caps
    printf '%s\n' ALL CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE CAP_BLOCK_SUSPEND CAP_BPF CAP_CHECKPOINT_RESTORE CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_IPC_LOCK CAP_IPC_OWNER CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_MKNOD CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_RAW CAP_PERFMON CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYSLOG CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE CAP_SYS_NICE CAP_SYS_PACCT CAP_SYS_PTRACE CAP_SYS_RAWIO CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM
end

# What the word under the cursor is: "option" (an option may go here),
# "command" (the command's name), "args" (the command's arguments), or the
# kind of value an option is waiting for.
function __sandbox_state
    set -l words (commandline -opc)
    set -l token (commandline -ct)
    set -e words[1]
    set -l need
    set -l n 0
    for w in $words
        set n (math $n + 1)
        if set -q need[1]
            set -e need[1]
            continue
        end
        switch $w
            case --
                if test $n -eq (count $words)
                    echo command
                else
                    echo args
                end
                return
            case '--compat=*' '@*'
                continue
            case '--*=*'
                set need (string split ' ' -- (__sandbox_opt_args (string replace -r '=.*' '' -- $w)))
                set -e need[1]
            case '-*'
                set need (string split ' ' -- (__sandbox_opt_args $w))
            case '*'
                echo args
                return
        end
    end
    if set -q need[1]
        echo $need[1]
    else if string match -q -- '--*=*' $token
        echo inline # --opt=VALUE in one word: see __sandbox_inline_values
    else
        echo option
    end
end

# Candidates for the word --opt=VALUE being typed, each with its --opt=.
function __sandbox_inline_values
    set -l token (commandline -ct)
    set -l opt (string replace -r '=.*' '' -- $token)
    set -l value (string replace -r '^[^=]*=' '' -- $token)
    set -l kinds (string split ' ' -- (__sandbox_opt_args $opt))
    if test "$opt" = --compat; and test (count (commandline -opc)) -eq 1
        set kinds compat
    end
    set -l values
    switch "$kinds[1]"
        case path
            set values (__fish_complete_path $value)
        case dir
            set values (__fish_complete_directories $value | string replace -r '\t.*' '')
        case fd
            set values (__sandbox_fds)
        case octal
            set values 0755 0700 0644 0600 0555 0444 1777
        case cap
            set values (__sandbox_caps)
        case profile
            set values default devel none (__fish_complete_path $value)
        case var
            set values (set -xn)
        case compat
            set values bwrap
        case rlimit
            set values (__sandbox_rlimits)
        case net
            set values (__sandbox_net_modes)
        case netns
            set values (__fish_complete_path $value) (__sandbox_fds)
    end
    printf '%s\n' $opt=$values
end

function __sandbox_want
    test (__sandbox_state) = $argv[1]
end

# The open file descriptors of this shell.
function __sandbox_fds
    for fd in /proc/$fish_pid/fd/*
        string replace -r '.*/' '' -- $fd
    end
end

# The command and its arguments, completed as if typed on their own.
function __sandbox_complete_command
    set -l words (commandline -opc)
    set -e words[1]
    set -l need
    set -l i 0
    for w in $words
        set i (math $i + 1)
        if set -q need[1]
            set -e need[1]
            continue
        end
        switch $w
            case --
                set i (math $i + 1)
                break
            case '--compat=*' '@*'
                continue
            case '--*=*'
                set need (string split ' ' -- (__sandbox_opt_args (string replace -r '=.*' '' -- $w)))
                set -e need[1]
            case '-*'
                set need (string split ' ' -- (__sandbox_opt_args $w))
            case '*'
                break
        end
    end
    set -l cmdline $words[$i..-1] (commandline -ct)
    complete -C (string join ' ' -- (string escape -- $cmdline))
end

complete -c sandbox -f

# Values of options.
complete -c sandbox -n '__sandbox_want path' -F
complete -c sandbox -n '__sandbox_want dir' -x -a '(__fish_complete_directories)'
complete -c sandbox -n '__sandbox_want fd' -x -a '(__sandbox_fds)' -d 'file descriptor'
complete -c sandbox -n '__sandbox_want octal' -x -a '0755 0700 0644 0600 0555 0444 1777'
complete -c sandbox -n '__sandbox_want cap' -x -a '(__sandbox_caps)'
complete -c sandbox -n '__sandbox_want profile' -F -a 'default devel none' -d 'built-in profile'
complete -c sandbox -n '__sandbox_want var' -x -a '(set -xn)'
complete -c sandbox -n '__sandbox_want rlimit' -x -a '(__sandbox_rlimits)' -d 'resource limit'
complete -c sandbox -n '__sandbox_want net' -x -a '(__sandbox_net_modes)' -d 'network mode'
complete -c sandbox -n '__sandbox_want netns' -F -a '(__sandbox_fds)' -d 'namespace file or fd'
complete -c sandbox -n '__sandbox_want word' -x
complete -c sandbox -n '__sandbox_want inline' -x -a '(__sandbox_inline_values)'

# The command after the options.
complete -c sandbox -n '__sandbox_want command; or __sandbox_want option' -a '(__fish_complete_command)'
complete -c sandbox -n '__sandbox_want args' -x -a '(__sandbox_complete_command)'

# Options (as --help lists them).
complete -c sandbox -n '__sandbox_want option; and test (count (commandline -opc)) -eq 1' -l compat -d 'Select the bwrap personality (first option only)'
complete -c sandbox -n '__sandbox_want option' -l bind -d 'Bind host SRC on DEST'
complete -c sandbox -n '__sandbox_want option' -l bind-try -d 'Like --bind, skipped if SRC is missing'
complete -c sandbox -n '__sandbox_want option' -l ro-bind -d 'Bind SRC read-only, submounts included'
complete -c sandbox -n '__sandbox_want option' -l ro-bind-try -d 'Like --ro-bind, skipped if SRC is missing'
complete -c sandbox -n '__sandbox_want option' -l dev-bind -d 'Bind SRC keeping device access'
complete -c sandbox -n '__sandbox_want option' -l dev-bind-try -d 'Like --dev-bind, skipped if SRC is missing'
complete -c sandbox -n '__sandbox_want option' -l bind-fd -d 'Bind the directory or file open on FD'
complete -c sandbox -n '__sandbox_want option' -l ro-bind-fd -d 'Like --bind-fd, read-only'
complete -c sandbox -n '__sandbox_want option' -l remount-ro -d 'Make the mount at DEST read-only'
complete -c sandbox -n '__sandbox_want option' -l proc -d 'Mount a new procfs on DEST'
complete -c sandbox -n '__sandbox_want option' -l dev -d 'Mount a minimal /dev on DEST'
complete -c sandbox -n '__sandbox_want option' -l tmpfs -d 'Mount a tmpfs on DEST'
complete -c sandbox -n '__sandbox_want option' -l mqueue -d 'Mount a POSIX message queue filesystem on DEST'
complete -c sandbox -n '__sandbox_want option' -l dir -d 'Create directory DEST'
complete -c sandbox -n '__sandbox_want option' -l symlink -d 'Create symlink DEST pointing to TARGET'
complete -c sandbox -n '__sandbox_want option' -l file -d 'Copy the contents of FD to a new file DEST'
complete -c sandbox -n '__sandbox_want option' -l bind-data -d 'Bind a file holding the contents of FD on DEST'
complete -c sandbox -n '__sandbox_want option' -l ro-bind-data -d 'Like --bind-data, read-only'
complete -c sandbox -n '__sandbox_want option' -l chmod -d 'Change the mode of PATH'
complete -c sandbox -n '__sandbox_want option' -l perms -d 'Mode of the next --dir, --file, --tmpfs or --*bind-data'
complete -c sandbox -n '__sandbox_want option' -l size -d 'Size limit of the next --tmpfs'
complete -c sandbox -n '__sandbox_want option' -l overlay-src -d 'Add a lower layer to the next overlay'
complete -c sandbox -n '__sandbox_want option' -l overlay -d 'Overlay with writes going to RWSRC'
complete -c sandbox -n '__sandbox_want option' -l tmp-overlay -d 'Overlay whose writes are discarded'
complete -c sandbox -n '__sandbox_want option' -l ro-overlay -d 'Read-only overlay'
complete -c sandbox -n '__sandbox_want option' -l bare -d 'No implicit /proc, /dev, /tmp or /usr links'
complete -c sandbox -n '__sandbox_want option' -l share-net -d 'Keep the host network'
complete -c sandbox -n '__sandbox_want option' -l share-pid -d 'Keep the host PID namespace'
complete -c sandbox -n '__sandbox_want option' -l share-ipc -d 'Keep the host IPC namespace'
complete -c sandbox -n '__sandbox_want option' -l share-uts -d 'Keep the host hostname namespace'
complete -c sandbox -n '__sandbox_want option' -l share-cgroup -d 'Keep the host cgroup namespace'
complete -c sandbox -n '__sandbox_want option' -l unshare-all -d 'Unshare every namespace'
complete -c sandbox -n '__sandbox_want option' -l unshare-user -d 'Unshare the user namespace'
complete -c sandbox -n '__sandbox_want option' -l unshare-user-try -d 'Unshare the user namespace if possible'
complete -c sandbox -n '__sandbox_want option' -l unshare-ipc -d 'Unshare the IPC namespace'
complete -c sandbox -n '__sandbox_want option' -l unshare-pid -d 'Unshare the PID namespace'
complete -c sandbox -n '__sandbox_want option' -l unshare-net -d 'Unshare the network namespace'
complete -c sandbox -n '__sandbox_want option' -l unshare-uts -d 'Unshare the UTS namespace'
complete -c sandbox -n '__sandbox_want option' -l unshare-cgroup -d 'Unshare the cgroup namespace'
complete -c sandbox -n '__sandbox_want option' -l unshare-cgroup-try -d 'Unshare the cgroup namespace if possible'
complete -c sandbox -n '__sandbox_want option' -l userns -d 'Use the user namespace open on FD'
complete -c sandbox -n '__sandbox_want option' -l userns2 -d 'Enter the user namespace open on FD after setup'
complete -c sandbox -n '__sandbox_want option' -l pidns -d 'Use the PID namespace open on FD'
complete -c sandbox -n '__sandbox_want option' -l disable-userns -d 'Forbid new user namespaces inside'
complete -c sandbox -n '__sandbox_want option' -l assert-userns-disabled -d 'Fail unless new user namespaces are already forbidden'
complete -c sandbox -n '__sandbox_want option' -l uid -d 'User id inside the sandbox'
complete -c sandbox -n '__sandbox_want option' -l gid -d 'Group id inside the sandbox'
complete -c sandbox -n '__sandbox_want option' -l hostname -d 'Hostname inside the sandbox'
complete -c sandbox -n '__sandbox_want option' -l cap-add -d 'Keep capability CAP (or ALL) for the command'
complete -c sandbox -n '__sandbox_want option' -l cap-drop -d 'Drop capability CAP (or ALL)'
complete -c sandbox -n '__sandbox_want option' -l seccomp-profile -d 'Seccomp policy: default, devel, none, or a file'
complete -c sandbox -n '__sandbox_want option' -l seccomp-export -d 'Write the compiled BPF of a policy to stdout and exit'
complete -c sandbox -n '__sandbox_want option' -l seccomp -d 'Load a raw BPF seccomp program from FD'
complete -c sandbox -n '__sandbox_want option' -l add-seccomp-fd -d 'Add a raw BPF seccomp program from FD'
complete -c sandbox -n '__sandbox_want option' -l exec-label -d 'SELinux label of the command'
complete -c sandbox -n '__sandbox_want option' -l file-label -d 'SELinux label of created files'
complete -c sandbox -n '__sandbox_want option' -l chdir -d 'Working directory of the command'
complete -c sandbox -n '__sandbox_want option' -l setenv -d 'Set an environment variable'
complete -c sandbox -n '__sandbox_want option' -l unsetenv -d 'Unset an environment variable'
complete -c sandbox -n '__sandbox_want option' -l clearenv -d 'Start from an empty environment'
complete -c sandbox -n '__sandbox_want option' -l argv0 -d 'argv[0] of the command'
complete -c sandbox -n '__sandbox_want option' -l pass-fd -d 'Keep inherited FD open for the command'
complete -c sandbox -n '__sandbox_want option' -l new-session -d 'Run the command in a new session'
complete -c sandbox -n '__sandbox_want option' -l share-terminal -d 'Give the command the calling terminal, not a pty of its own'
complete -c sandbox -n '__sandbox_want option' -l die-with-parent -d 'Kill the sandbox when the caller dies'
complete -c sandbox -n '__sandbox_want option' -l as-pid-1 -d 'Run the command as pid 1, with no reaper'
complete -c sandbox -n '__sandbox_want option' -l lock-file -d 'Hold a read lock on DEST while the sandbox runs'
complete -c sandbox -n '__sandbox_want option' -l sync-fd -d 'Keep FD open while the sandbox runs'
complete -c sandbox -n '__sandbox_want option' -l block-fd -d 'Wait for a byte on FD before running the command'
complete -c sandbox -n '__sandbox_want option' -l userns-block-fd -d 'Wait for a byte on FD before using the user namespace'
complete -c sandbox -n '__sandbox_want option' -l info-fd -d 'Write JSON about the sandbox to FD'
complete -c sandbox -n '__sandbox_want option' -l json-status-fd -d 'Write JSON status lines to FD'
complete -c sandbox -n '__sandbox_want option' -l args -d 'Read NUL-separated arguments from FD'
complete -c sandbox -n '__sandbox_want option' -l rlimit -d 'Resource limit of the command'
complete -c sandbox -n '__sandbox_want option' -l net -d 'How the sandbox reaches the network'
complete -c sandbox -n '__sandbox_want option' -s p -l publish -d 'Forward a host port into the sandbox'
complete -c sandbox -n '__sandbox_want option' -l net-host-loopback -d 'Let the sandbox reach the host loopback at its gateway'
complete -c sandbox -n '__sandbox_want option' -l netns -d 'Join an existing network namespace'
complete -c sandbox -n '__sandbox_want option' -l ip -d 'The sandbox address with --net bridge'
complete -c sandbox -n '__sandbox_want option' -s v -l verbose -d 'Print each setup step with its duration'
complete -c sandbox -n '__sandbox_want option' -l level-prefix -d 'Prefix messages with <N> syslog levels'
complete -c sandbox -n '__sandbox_want option' -l help -d 'Print this help and exit'
complete -c sandbox -n '__sandbox_want option' -l version -d 'Print the version and exit'
