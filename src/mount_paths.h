/* Resolving destinations inside the new root (doc/design.md, "Guarantees"). */
#ifndef SBX_MOUNT_PATHS_H
#define SBX_MOUNT_PATHS_H

#include "mount_api.h"

#include <limits.h>

struct sbx_error;

/* Resolves PATH inside the root; never leaves it, whatever the
 * symlinks and ".." say.  MK_DIR creates missing directories (the last
 * one too), MK_FILE creates missing parents and an empty file at the end. */
enum mk { MK_NONE, MK_DIR, MK_FILE };
int path_open(struct mount_ctx *c, const char *path, enum mk mk, int *out,
              struct sbx_error *e);
/* Resolves (creating) the parent of PATH and returns its fd and the last
 * component. */
int path_open_parent(struct mount_ctx *c, const char *path, int *out,
                     char base[static NAME_MAX + 1], struct sbx_error *e);

#endif
