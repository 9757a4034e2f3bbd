/* The mount primitives (mount_api.c), and the context that every file of
 * the mount subsystem shares while the new root is built (doc/design.md,
 * "File map"). */
#ifndef SBX_MOUNT_API_H
#define SBX_MOUNT_API_H

#include "plan.h"

#include <stdbool.h>
#include <sys/types.h>

struct sbx_error;

/* Mount attributes we set, as MOUNT_ATTR_* values. */
enum {
  ATTR_RDONLY = 0x1,
  ATTR_NOSUID = 0x2,
  ATTR_NODEV = 0x4,
  ATTR_NOEXEC = 0x8,
  ATTR_CLONED = 0x10000, /* not a mount attribute: src_fd is a detached clone */
};

struct mount_table; /* host mount points, for the mount(2) fallback only */
struct mount_ctx;

/* How the mount(2) fallback finds a destination again once it is mounted
 * over (the fd of the directory below does not name the new mount): the
 * resolver of mount_paths.c, handed down by mount_tree.c, so that the
 * primitives never call up into the files that use them (doc/design.md,
 * "File map"). */
typedef int (*mnt_reopen_fn)(struct mount_ctx *c, const char *path, int *out,
                             struct sbx_error *e);

#define MOUNT_FEW_OPS 32

struct mount_ctx {
  const struct plan *plan;
  bool mount_fallback;   /* the mount(2) fallback instead of open_tree/fsmount/
                          * move_mount; set by mnt_use_fallback only, with
                          * host_mounts */
  bool resolve_fallback; /* the fallback's component walk instead of
                          * openat2(RESOLVE_IN_ROOT) */
  int root_fd;          /* the new root: its tmpfs, or what was mounted over it */
  int base_fd;          /* the new root's tmpfs, even when mounted over: scratch
                         * files (--bind-data, --tmp-overlay) go there */
  bool root_on_slash;   /* the tmpfs is stacked on "/" (new API), not on /tmp */
  unsigned under_root;  /* mounts below root_fd in that stack on "/" */
  dev_t root_dev;       /* root_fd's identity, to notice a mount over it */
  ino_t root_ino;
  int *src_fds;         /* per op: the bind source, opened before any mount */
  bool *src_cloned;     /* per op: src_fds[i] is a detached clone already */
  /* Where those live for a short plan: no heap in the child's setup, whose
   * first use after the clone costs copy-on-write faults (doc/design.md). */
  int few_fds[MOUNT_FEW_OPS];
  bool few_cloned[MOUNT_FEW_OPS];
  /* Modes of what path_open creates for the current op: missing parents,
   * and the last component. */
  mode_t parent_mode, leaf_mode;
  struct mount_table *host_mounts; /* read whenever mount_fallback is set */
  mnt_reopen_fn reopen;
};

void fd_path(int fd, char buf[static 32]);
/* dest_path is dest_fd's path inside the root (the fallback needs it to
 * find the new mount after mounting). */
int mnt_bind(struct mount_ctx *c, int src_fd, int dest_fd, const char *dest_path,
             unsigned attr, struct sbx_error *e);
/* Mounts a new filesystem.  opts is a NULL-terminated list of "key" or
 * "key=value" strings. */
int mnt_fs(struct mount_ctx *c, const char *type, const char *const *opts, unsigned attr,
           int dest_fd, struct sbx_error *e);
int mnt_remount_ro(struct mount_ctx *c, int dest_fd, struct sbx_error *e);
/* A detached (new API) or attached-at-/tmp (fallback) tmpfs for the root. */
int mnt_new_root(struct mount_ctx *c, struct sbx_error *e);
/* Switches the rest of the setup to mount(2), which needs the host's mount
 * table: fails, and leaves the new API in use, when it cannot be read. */
int mnt_use_fallback(struct mount_ctx *c, struct sbx_error *e);
void mnt_free_host_table(struct mount_ctx *c);
/* Replaces an O_PATH fd by a detached recursive clone of its mount tree. */
int mnt_clone_tree(int *fd);

#endif
