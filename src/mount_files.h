/* The ops that make files rather than mounts: --file, --bind-data,
 * --chmod, --symlink. */
#ifndef SBX_MOUNT_FILES_H
#define SBX_MOUNT_FILES_H

#include "mount_api.h"
#include "plan.h"

#include <stddef.h>

struct sbx_error;

int op_file(struct mount_ctx *c, const struct fs_op *op, struct sbx_error *e);
int op_bind_data(struct mount_ctx *c, const struct fs_op *op, size_t index,
                 struct sbx_error *e);
int op_chmod(struct mount_ctx *c, const struct fs_op *op, struct sbx_error *e);
int op_symlink(struct mount_ctx *c, const struct fs_op *op, struct sbx_error *e);

#endif
