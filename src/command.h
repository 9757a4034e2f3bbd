/* The command: what the process that execs it does on its way there.
 * command_prepare runs before the command's vfork, in pid 1 (or in the
 * child that becomes the command): it makes what needs the heap, the
 * environment of --setenv, --unsetenv and --clearenv and the argv of
 * --argv0, so that the vforked command allocates nothing (doc/design.md,
 * "Launch cost").  command_exec runs in the process that becomes the
 * command. */
#ifndef SBX_COMMAND_H
#define SBX_COMMAND_H

#include "plan.h"

#include <sys/resource.h>
#include <sys/types.h>

struct child_args;

/* What the command gets back from the caller's state once setup is over. */
struct exec_ctx {
  const struct child_args *a;
  const char *old_cwd;  /* the caller's directory, tried as the start dir */
  mode_t umask;         /* setup runs with umask 0 */
  struct rlimit nofile; /* setup may raise the fd limit */
  int tty_slave;        /* the sandbox's own terminal, or -1 (pty.h) */
  char **argv;          /* the command's, with --argv0 (command_prepare) */
};

void command_prepare(const struct plan *p, struct exec_ctx *x);
void command_exec(const struct plan *p, const struct exec_ctx *x) __attribute__((noreturn));

#endif
