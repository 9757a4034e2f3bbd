/* The cloned child, pid 1 of the sandbox: builds the sandbox, then becomes
 * the reaper or the command (doc/design.md, "Launch order"). */
#ifndef SBX_CHILD_H
#define SBX_CHILD_H

#include <stddef.h>
#include <sys/types.h>

struct plan;
struct sbx_bpf;

/* The child's view of the launch. */
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
};

/* Runs in the cloned child; never returns. */
void child_main(const struct child_args *a) __attribute__((noreturn));

#endif
