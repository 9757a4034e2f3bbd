/* The launch sequence of doc/design.md, "Launch order", in one place. */
#ifndef SBX_LAUNCH_H
#define SBX_LAUNCH_H

#include "plan.h"

/* Runs the plan.  Returns the exit status for the launcher, or -1 with e
 * set for a setup failure seen before the sandbox existed. */
int launch(const struct plan *p, pid_t caller, struct sbx_error *e);

#endif
