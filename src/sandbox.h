/* Interfaces of the subsystems that launch.c and child.c string together.
 * Each reports failure through struct sbx_error. */
#ifndef SBX_SANDBOX_H
#define SBX_SANDBOX_H

#include "error.h"
#include "plan.h"

#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>

/* What crosses the launcher/child socket (SOCK_SEQPACKET, one message per
 * send).  The child sends MSG_ERROR when setup fails; in the bwrap
 * personality the reaper sends MSG_STATUS when the command exits, since
 * the sandbox may outlive it there; the launcher sends MSG_GO after
 * --userns-block-fd. */
enum msg_kind { MSG_ERROR = 1, MSG_STATUS, MSG_GO, MSG_PTY };
struct sync_msg {
  int kind;
  int status;
  struct sbx_error err;
  struct net_lease lease; /* MSG_GO after the network is ready (net.h) */
};

/* The child's view of the launch (child.c). */
struct child_args {
  const struct plan *plan;
  int sock;          /* the child's end of the socket */
  int launcher_sock; /* the launcher's end, closed in the child */
  int exec_fd;       /* write end of the exec pipe (see command.c) */
  uid_t outer_uid;
  gid_t outer_gid;
  /* Seccomp programs, loaded before clone so that reading a policy can
   * fail before anything exists. */
  const struct sbx_bpf *filters;
  size_t n_filters;
  bool filters_early; /* installed once, before the fork (child.c) */
};

/* What the command gets back from the caller's state once setup is over. */
struct exec_ctx {
  const struct child_args *a;
  const char *old_cwd;  /* the caller's directory, tried as the start dir */
  mode_t umask;         /* setup runs with umask 0 */
  struct rlimit nofile; /* setup may raise the fd limit */
  int tty_slave;        /* the sandbox's own terminal, or -1 (pty.h) */
  char **argv;          /* the command's, with --argv0 (command_prepare) */
};

/* child.c: runs in the cloned child; never returns. */
void child_main(const struct child_args *a) __attribute__((noreturn));
bool plan_child_waits(const struct plan *p);
void send_msg(int sock, int kind, int status, const struct sbx_error *e);

/* userns.c */
int userns_write_maps(const struct plan *p, uid_t outer_uid, gid_t outer_gid,
                      struct sbx_error *e);
/* Adds a hint explaining why clone(CLONE_NEWUSER) failed. */
void userns_clone_hint(int err, struct sbx_error *e);
/* --disable-userns: cap this namespace at the one nested namespace the
 * command then runs in, so nothing inside can create another. */
int userns_disable(const struct plan *p, int proc_fd, struct sbx_error *e);
int userns_assert_disabled(struct sbx_error *e);

/* netns.c */
int netns_loopback_up(struct sbx_error *e);

/* mount_tree.c: builds the new root from the ops and pivots into it. */
int mounts_build_root(const struct plan *p, struct sbx_error *e);


/* command.c.  command_prepare runs before the command's vfork, in pid 1
 * (or in the child that becomes the command): it makes what needs the
 * heap, the environment of --setenv, --unsetenv and --clearenv and the
 * argv of --argv0, so that the vforked command allocates nothing
 * (doc/design.md).  command_exec runs in the process that becomes the
 * command. */
void command_prepare(const struct plan *p, struct exec_ctx *x);
void command_exec(const struct plan *p, const struct exec_ctx *x) __attribute__((noreturn));

/* reaper.c: pid 1 of the sandbox. */
/* keep: the fds pid 1 holds for the sandbox's lifetime (-1 entries are
 * ignored). */
void reaper_run(const struct child_args *a, pid_t command, const int *keep, size_t n_keep)
    __attribute__((noreturn));

/* The signals the launcher and the reaper pass on to the command, as a
 * mask (bit N-1 for signal N) that entry.c's assembly can use too. */
#define SIGBIT(sig) (1ULL << ((sig) - 1))
#define FORWARDED_SIGNALS                                                                 \
  (SIGBIT(SIGINT) | SIGBIT(SIGTERM) | SIGBIT(SIGHUP) | SIGBIT(SIGQUIT) | SIGBIT(SIGUSR1) | \
   SIGBIT(SIGUSR2) | SIGBIT(SIGWINCH))
void forwarded_signals(sigset_t *set);
/* Set by entry.c's entry point, where the build uses it: the caller's pid
 * and whether it was recorded there. */
extern int sbx_entry_caller, sbx_entry_done;
/* Blocks them and SIGCHLD; the launcher and the reaper read them instead. */
void block_forwarded_signals(void);
/* Exit status for a wait() status: the code, or 128+N for signal N. */
int status_to_exit(int wstatus);

/* status.c: --info-fd and --json-status-fd. */
void status_write_info(const struct plan *p, pid_t child);
void status_write_exit(const struct plan *p, int status);

#endif
