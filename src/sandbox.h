/* Interfaces of the subsystems that launch.c strings together.  Each runs in
 * the sandboxed child unless it says otherwise, and reports failure through
 * struct sbx_error. */
#ifndef SBX_SANDBOX_H
#define SBX_SANDBOX_H

#include "plan.h"

#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>

struct sbx_error;

/* userns.c */
int userns_write_maps(const struct plan *p, uid_t outer_uid, gid_t outer_gid,
                      struct sbx_error *e);
/* Adds a hint explaining why clone(CLONE_NEWUSER) failed. */
void userns_clone_hint(int err, struct sbx_error *e);

/* netns.c */
int netns_loopback_up(struct sbx_error *e);

/* mounts.c: builds the new root from the ops and pivots into it. */
int mounts_build_root(const struct plan *p, struct sbx_error *e);

/* caps.c */
int caps_drop_all(struct sbx_error *e);

/* What the command gets back from the caller's state once setup is over. */
struct exec_ctx {
  const char *old_cwd;   /* the caller's directory, tried as the start dir */
  mode_t umask;          /* setup runs with umask 0 */
  struct rlimit nofile;  /* setup may raise the fd limit */
  int report_fd;         /* errors go here; close-on-exec */
};

/* command.c: runs in the process that becomes the command; never returns. */
void command_exec(const struct plan *p, const struct exec_ctx *x) __attribute__((noreturn));
/* Sends an error to the launcher, who prints it. */
void report_error(int report_fd, const struct sbx_error *e);

/* reaper.c: pid 1 of the sandbox; exits with the command's status. */
void reaper_run(pid_t command) __attribute__((noreturn));

/* The signals the launcher and the reaper pass on to the command. */
void forwarded_signals(sigset_t *set);
/* Exit status for a wait() status: the code, or 128+N for signal N. */
int status_to_exit(int wstatus);

#endif
