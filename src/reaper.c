/* pid 1 of the sandbox.  It reaps orphans and passes signals on to the
 * command.  In the sandbox personality it exits as soon as the command
 * does, with its status, and the kernel kills whatever the command left
 * behind.  In the bwrap personality it reports the status to the launcher
 * and stays until its last child is gone, as bubblewrap's pid 1 does; it
 * also holds --lock-file locks and the --sync-fd there. */
#include "reaper.h"

#include "child.h"
#include "error.h"
#include "plan.h"
#include "seccomp.h"
#include "signals.h"
#include "util.h"
#include "wire.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

struct reaper {
  const struct child_args *a;
  pid_t command;
  bool command_done;
};

static void command_exited(struct reaper *r, int wstatus)
{
  int status = status_to_exit(wstatus);
  r->command_done = true;
  if (r->a->plan->pers == PERS_SANDBOX)
    _exit(status);
  send_msg(r->a->sock, MSG_STATUS, status, NULL);
}

/* A filter from the caller may forbid what pid 1 needs (bubblewrap
 * documents that filters must allow wait and write).  Spinning on the
 * refusal would be worse than stopping: say so and end the sandbox. */
static void reaper_fail(const struct reaper *r, const char *what) __attribute__((noreturn));
static void reaper_fail(const struct reaper *r, const char *what)
{
  struct sbx_error e;
  sbx_fail(&e, errno, "pid 1: %s", what);
  send_msg(r->a->sock, MSG_ERROR, 0, &e);
  _exit(e.status);
}

static void reap(struct reaper *r)
{
  int st;
  pid_t w;
  while ((w = waitpid(-1, &st, WNOHANG)) > 0)
    if (w == r->command)
      command_exited(r, st);
  if (w < 0 && errno == ECHILD)
    _exit(r->command_done ? 0 : SBX_EXIT_SETUP);
  if (w < 0 && errno != EINTR)
    reaper_fail(r, "wait");
}

/* What pid 1 keeps: in the sandbox personality only `keep` (the socket,
 * for errors; --sync-fd; the --lock-file locks); in the bwrap personality
 * also whatever the caller passed on, as bubblewrap's pid 1 does. */
static void close_inherited(const struct child_args *a, const int *keep, size_t n_keep)
{
  if (a->plan->pers == PERS_SANDBOX) {
    close_fds_except(keep, n_keep);
    for (int fd = 0; fd <= 2; fd++)
      close(fd);
    return;
  }
  close(a->exec_fd);
}

void reaper_run(const struct child_args *a, pid_t command, const int *keep, size_t n_keep)
{
  struct reaper r = { .a = a, .command = command };
  struct sbx_error e;
  sigset_t set;
  siginfo_t si;

  close_inherited(a, keep, n_keep);
  if (!a->plan->seccomp_early && seccomp_install_all(a->filters, a->n_filters, &e) < 0) {
    send_msg(a->sock, MSG_ERROR, 0, &e);
    _exit(e.status);
  }

  /* The signals arrive blocked from the launcher (see launch.c), so none
   * is lost between fork and here. */
  forwarded_signals(&set);
  sigaddset(&set, SIGCHLD);
  for (;;) {
    reap(&r);
    if (sigwaitinfo(&set, &si) < 0) {
      if (errno != EINTR)
        reaper_fail(&r, "wait for signals");
      continue;
    }
    if (si.si_signo != SIGCHLD && !r.command_done)
      kill(command, si.si_signo);
  }
}
