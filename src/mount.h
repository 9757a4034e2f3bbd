/* The mount subsystem, as pid 1 sees it: the new root, built from the
 * plan's ops, then pivoted into (doc/design.md, "File map"). */
#ifndef SBX_MOUNT_H
#define SBX_MOUNT_H

#include "plan.h"

struct sbx_error;

/* Builds the new root from the ops and pivots into it. */
int mounts_build_root(const struct plan *p, struct sbx_error *e);

#endif
