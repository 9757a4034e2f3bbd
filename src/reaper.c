/* pid 1 of the sandbox.  It reaps orphans, passes signals on to the
 * command, and exits as soon as the command does, with its status: the
 * kernel then kills whatever the command left behind in the namespace. */


#include "error.h"
#include "sandbox.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

void forwarded_signals(sigset_t *set)
{
  static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
  sigemptyset(set);
  for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
    sigaddset(set, sigs[i]);
}

int status_to_exit(int wstatus)
{
  if (WIFSIGNALED(wstatus))
    return 128 + WTERMSIG(wstatus);
  return WEXITSTATUS(wstatus);
}

static void reap(pid_t command)
{
  int st;
  pid_t w;
  while ((w = waitpid(-1, &st, WNOHANG)) > 0)
    if (w == command)
      _exit(status_to_exit(st));
  if (w < 0 && errno == ECHILD)
    _exit(SBX_EXIT_SETUP);
}

void reaper_run(pid_t command)
{
  sigset_t set;
  siginfo_t si;

  /* Not dumpable: the command, same uid, may not ptrace us or open
   * /proc/1/mem, cwd or fds. */
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* Hold nothing the command could reach through /proc/1/fd. */
  close_fds_except(NULL, 0);
  for (int fd = 0; fd <= 2; fd++)
    close(fd);

  /* The signals arrive blocked from the launcher (see launch.c), so none
   * is lost between fork and here. */
  forwarded_signals(&set);
  sigaddset(&set, SIGCHLD);
  for (;;) {
    reap(command);
    if (sigwaitinfo(&set, &si) < 0)
      continue;
    if (si.si_signo != SIGCHLD)
      kill(command, si.si_signo);
  }
}
