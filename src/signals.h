/* The signals the launcher and the reaper pass on to the command, and
 * wait statuses turned into exit statuses. */
#ifndef SBX_SIGNALS_H
#define SBX_SIGNALS_H

#include <signal.h>
#include <stdint.h>

/* As a mask (bit N-1 for signal N) that entry.c's assembly can use too. */
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
/* The caller's own mask, as the kernel's 8-byte set: saved by the first
 * block of all, in entry.c or by hold_forwarded_signals. */
extern uint64_t sbx_caller_mask;
/* block_forwarded_signals, saving the caller's mask first. */
void hold_forwarded_signals(void);
/* Puts the caller's mask back: until the sandbox's first process exists
 * there is nothing to pass a signal on to, nor anything to clean up, so
 * a signal acts on the launcher as on any program (a launcher stuck
 * reading a pipe can be interrupted). */
void restore_caller_mask(void);
/* Empties the mask, for a program about to be executed: every start of
 * this binary blocks the signals above, whatever it goes on to run. */
void unblock_all_signals(void);
/* Exit status for a wait() status: the code, or 128+N for signal N. */
int status_to_exit(int wstatus);

#endif
