/* The forwarded signals and exit statuses (signals.h), shared by the
 * launcher, the reaper and entry.c. */
#include "signals.h"

#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>

void forwarded_signals(sigset_t *set)
{
  sigemptyset(set);
  for (int sig = 1; sig < 64; sig++)
    if (FORWARDED_SIGNALS & SIGBIT(sig))
      sigaddset(set, sig);
}

uint64_t sbx_caller_mask;

/* Unchecked: sigprocmask fails only for a bad `how` or pointer (EINVAL,
 * EFAULT), and this runs before main(), with nobody to tell yet. */
static void block_saving(sigset_t *old)
{
  sigset_t set;
  forwarded_signals(&set);
  sigaddset(&set, SIGCHLD);
  sigprocmask(SIG_BLOCK, &set, old);
}

void block_forwarded_signals(void)
{
  block_saving(NULL);
}

void hold_forwarded_signals(void)
{
  sigset_t old;
  block_saving(&old);
  sbx_caller_mask = 0;
  for (int sig = 1; sig <= 64; sig++)
    if (sigismember(&old, sig) == 1)
      sbx_caller_mask |= SIGBIT(sig);
}

void restore_caller_mask(void)
{
  sigset_t set;
  sigemptyset(&set);
  for (int sig = 1; sig <= 64; sig++)
    if (sbx_caller_mask & SIGBIT(sig))
      sigaddset(&set, sig);
  sigprocmask(SIG_SETMASK, &set, NULL);
}

void unblock_all_signals(void)
{
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
}

int status_to_exit(int wstatus)
{
  if (WIFSIGNALED(wstatus))
    return 128 + WTERMSIG(wstatus);
  return WEXITSTATUS(wstatus);
}
