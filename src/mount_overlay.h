/* --overlay, --tmp-overlay and --ro-overlay. */
#ifndef SBX_MOUNT_OVERLAY_H
#define SBX_MOUNT_OVERLAY_H

#include "mount_api.h"
#include "plan.h"

#include <stddef.h>

struct sbx_error;

int op_overlay(struct mount_ctx *c, const struct fs_op *op, size_t index,
               struct sbx_error *e);

#endif
