/* What --dev puts in its tmpfs. */
#ifndef SBX_MOUNT_DEV_H
#define SBX_MOUNT_DEV_H

#include "mount_api.h"

struct sbx_error;

int devfs_populate(struct mount_ctx *c, int dev_fd, const char *dev_path,
                   struct sbx_error *e);

#endif
