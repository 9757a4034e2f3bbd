/* What --dev creates, as bubblewrap does: a tmpfs holding the host's
 * harmless device nodes (bind-mounted: a user namespace cannot mknod),
 * the usual /proc/self/fd links, a private devpts and an empty shm dir. */

#include "mount_dev.h"

#include "error.h"
#include "mount_api.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const nodes[] = { "/dev/null", "/dev/zero",    "/dev/full",
                                     "/dev/random", "/dev/urandom", "/dev/tty" };

static const struct { const char *name, *target; } links[] = {
  { "stdin", "/proc/self/fd/0" }, { "stdout", "/proc/self/fd/1" },
  { "stderr", "/proc/self/fd/2" }, { "fd", "/proc/self/fd" },
  { "core", "/proc/kcore" },      { "ptmx", "pts/ptmx" },
};

/* Binds host_path onto an empty file NAME in dev_fd, devices allowed.
 * The destination's path is built on the stack: the child's setup avoids
 * the heap, whose first use after the clone costs copy-on-write faults. */
static int bind_node(struct mount_ctx *c, int dev_fd, const char *dev_path, const char *name,
                     const char *host_path, struct sbx_error *e)
{
  char dest_path[PATH_MAX];
  _cleanup_close_ int src = open(host_path, O_PATH | O_CLOEXEC);
  _cleanup_close_ int dest = -1;

  if (src < 0)
    return sbx_fail(e, errno, "%s", host_path);
  if (strlen(dev_path) + strlen(name) + 2 > sizeof dest_path)
    return sbx_fail(e, ENAMETOOLONG, "%s", dev_path);
  strcpy(stpcpy(stpcpy(dest_path, dev_path), "/"), name);
  /* The fd of the file just made is the mount point: /dev is the
   * sandbox's own new tmpfs, nothing else can swap the file meanwhile. */
  dest = openat(dev_fd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0444);
  if (dest < 0)
    return sbx_fail(e, errno, "create %s", name);
  return mnt_bind(c, src, dest, dest_path, ATTR_NOSUID, e) < 0 ? sbx_wrap(e, "%s", name) : 0;
}

static int make_pts(struct mount_ctx *c, int dev_fd, struct sbx_error *e)
{
  static const char *const opts[] = { "newinstance", "ptmxmode=0666", "mode=0620", NULL };
  _cleanup_close_ int pts = -1;

  if (mkdirat(dev_fd, "pts", 0755) < 0)
    return sbx_fail(e, errno, "mkdir pts");
  pts = openat(dev_fd, "pts", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (pts < 0)
    return sbx_fail(e, errno, "open pts");
  return mnt_fs(c, "devpts", opts, ATTR_NOSUID | ATTR_NOEXEC, pts, e);
}

/* /dev/console is the caller's terminal, when stdout is one and the
 * command shares it; with a terminal of its own (pty.h) it has none. */
static int make_console(struct mount_ctx *c, int dev_fd, const char *dev_path,
                        struct sbx_error *e)
{
  char tty[64];
  if (c->plan->tty_fds)
    return 0;
  if (!isatty(STDOUT_FILENO) || ttyname_r(STDOUT_FILENO, tty, sizeof tty) != 0)
    return 0;
  return bind_node(c, dev_fd, dev_path, "console", tty, e);
}

int devfs_populate(struct mount_ctx *c, int dev_fd, const char *dev_path, struct sbx_error *e)
{
  _cleanup_close_ int dir = openat(dev_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (dir < 0)
    return sbx_fail(e, errno, "open /dev");
  for (size_t i = 0; i < ARRAY_SIZE(nodes); i++)
    if (bind_node(c, dir, dev_path, nodes[i] + 5, nodes[i], e) < 0)
      return -1;
  for (size_t i = 0; i < ARRAY_SIZE(links); i++)
    if (symlinkat(links[i].target, dir, links[i].name) < 0)
      return sbx_fail(e, errno, "symlink %s", links[i].name);
  if (mkdirat(dir, "shm", 0755) < 0)
    return sbx_fail(e, errno, "mkdir shm");
  if (make_pts(c, dir, e) < 0)
    return -1;
  return make_console(c, dir, dev_path, e);
}
