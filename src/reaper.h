/* pid 1 of the sandbox once the command runs: reaps, passes signals on. */
#ifndef SBX_REAPER_H
#define SBX_REAPER_H

#include "child.h"

#include <stddef.h>
#include <sys/types.h>

/* keep: the fds pid 1 holds for the sandbox's lifetime (-1 entries are
 * ignored). */
void reaper_run(const struct child_args *a, pid_t command, const int *keep, size_t n_keep)
    __attribute__((noreturn));

#endif
