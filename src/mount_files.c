/* The ops that make files rather than mounts: --file, --bind-data,
 * --chmod, --symlink.  Paths are resolved inside the root (mount_paths.c). */
#include "mount_files.h"

#include "error.h"
#include "mount_api.h"
#include "mount_paths.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* Copies everything readable from `from` to `to`. */
static int copy_fd(int from, int to)
{
  char buf[65536];
  for (;;) {
    ssize_t n = read(from, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return (int)n;
    if (write_all(to, buf, (size_t)n) < 0)
      return -1;
  }
}

/* Opens an O_PATH fd for writing, through its /proc/self/fd link (the
 * host's /proc is still reachable during setup). */
static int reopen_for_writing(int path_fd, int flags)
{
  char path[32];
  fd_path(path_fd, path);
  return open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | flags);
}

int op_file(struct mount_ctx *c, const struct fs_op *op, struct sbx_error *e)
{
  _cleanup_close_ int dest = -1, out = -1;

  if (path_open(c, op->dest, MK_FILE, &dest, e) < 0)
    return -1;
  out = reopen_for_writing(dest, O_TRUNC);
  if (out < 0)
    return sbx_fail(e, errno, "open for writing");
  if (copy_fd(op->fd, out) < 0)
    return sbx_fail(e, errno, "copy from fd %d", op->fd);
  close(op->fd);
  return 0;
}

/* Where the data file is written: the new root's own tmpfs, or, with mount(2),
 * which cannot bind from the root there (it is unbindable, mount_api.c), a
 * scratch tmpfs on a directory of the root, detached again afterwards. */
static int data_dir(struct mount_ctx *c, const char *scratch, int *dir, struct sbx_error *e)
{
  static const char *const opts[] = { "mode=0755", NULL };
  _cleanup_close_ int at = -1;

  if (!c->mount_fallback) {
    *dir = fcntl(c->base_fd, F_DUPFD_CLOEXEC, 3);
    return *dir < 0 ? sbx_fail(e, errno, "dup") : 0;
  }
  if (mkdirat(c->base_fd, scratch, 0700) < 0)
    return sbx_fail(e, errno, "create a scratch directory");
  at = openat(c->base_fd, scratch, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (at < 0 || mnt_fs(c, "tmpfs", opts, ATTR_NOSUID | ATTR_NODEV, at, e) < 0)
    return at < 0 ? sbx_fail(e, errno, "open the scratch directory") : -1;
  *dir = openat(c->base_fd, scratch, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  return *dir < 0 ? sbx_fail(e, errno, "open the scratch tmpfs") : 0;
}

static void data_dir_remove(struct mount_ctx *c, const char *scratch, int dir, const char *name)
{
  char path[32];
  unlinkat(dir, name, 0);
  if (!c->mount_fallback)
    return;
  fd_path(dir, path);
  umount2(path, MNT_DETACH);
  unlinkat(c->base_fd, scratch, AT_REMOVEDIR);
}

static int bind_data(struct mount_ctx *c, const struct fs_op *op, int dir, const char *name,
                     struct sbx_error *e)
{
  unsigned attr = ATTR_NOSUID | ATTR_NODEV | ((op->flags & OPF_RDONLY) ? ATTR_RDONLY : 0);
  _cleanup_close_ int tmp = -1, src = -1, dest = -1;
  int r;

  tmp = openat(dir, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
               (op->flags & OPF_PERMS) ? op->perms : 0600);
  if (tmp < 0)
    return sbx_fail(e, errno, "create a file for the data");
  r = copy_fd(op->fd, tmp);
  close(op->fd);
  if (r < 0)
    return sbx_fail(e, errno, "copy from fd %d", op->fd);
  src = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (src < 0)
    return sbx_fail(e, errno, "open the data file");
  c->leaf_mode = 0444;
  if (path_open(c, op->dest, MK_FILE, &dest, e) < 0)
    return -1;
  return mnt_bind(c, src, dest, op->dest, attr, e);
}

/* The data goes to a file under a name of our own, is bound on DEST, and
 * the name is removed again: only the bind is left. */
int op_bind_data(struct mount_ctx *c, const struct fs_op *op, size_t index,
                 struct sbx_error *e)
{
  char name[64], scratch[64];
  _cleanup_close_ int dir = -1;
  int r;

  snprintf(name, sizeof name, ".sandbox-bind-data-%zu", index);
  snprintf(scratch, sizeof scratch, ".sandbox-bind-data-%zu.d", index);
  if (data_dir(c, scratch, &dir, e) < 0)
    return -1;
  r = bind_data(c, op, dir, name, e);
  data_dir_remove(c, scratch, dir, name);
  return r;
}

int op_chmod(struct mount_ctx *c, const struct fs_op *op, struct sbx_error *e)
{
  _cleanup_close_ int fd = -1;
  char path[32];

  if (path_open(c, op->dest, MK_NONE, &fd, e) < 0)
    return -1;
  fd_path(fd, path);
  if (chmod(path, op->perms) < 0)
    return sbx_fail(e, errno, "chmod 0%o", op->perms);
  return 0;
}

int op_symlink(struct mount_ctx *c, const struct fs_op *op, struct sbx_error *e)
{
  _cleanup_close_ int parent = -1;
  char base[NAME_MAX + 1], existing[PATH_MAX];
  ssize_t n;

  if (path_open_parent(c, op->dest, &parent, base, e) < 0)
    return -1;
  if (symlinkat(op->src, parent, base) == 0)
    return 0;
  if (errno != EEXIST)
    return sbx_fail(e, errno, "create symlink");
  /* The same link already there is fine: profiles may repeat it. */
  n = readlinkat(parent, base, existing, sizeof existing - 1);
  if (n < 0)
    return sbx_fail(e, 0, "Can't make symlink at %s: destination exists and is not a symlink",
                    op->dest);
  existing[n] = '\0';
  if (strcmp(existing, op->src) != 0)
    return sbx_fail(e, 0, "Can't make symlink at %s: existing destination is %s", op->dest,
                    existing);
  return 0;
}

