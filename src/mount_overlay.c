/* --overlay, --tmp-overlay and --ro-overlay: overlayfs in the user
 * namespace (userxattr).  Layers are host paths; the kernel takes them as
 * strings, so "\", "," and ":" in them are escaped with a backslash. */
#include "mount_overlay.h"

#include "error.h"
#include "mount_api.h"
#include "mount_paths.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

/* Appends key=value (value escaped) to a fresh string. */
static char *option(const char *key, const char *const *values, size_t n, bool reverse)
{
  size_t len = strlen(key) + 2;
  char *s, *o;

  for (size_t i = 0; i < n; i++)
    len += 2 * strlen(values[i]) + 1;
  s = o = xmalloc(len);
  o += sprintf(o, "%s=", key);
  for (size_t i = 0; i < n; i++) {
    const char *v = values[reverse ? n - 1 - i : i];
    if (i)
      *o++ = ':';
    for (; *v; v++) {
      if (*v == '\\' || *v == ',' || *v == ':')
        *o++ = '\\';
      *o++ = *v;
    }
  }
  *o = '\0';
  return s;
}

/* --tmp-overlay: the writable layers live on a tmpfs of their own, on a
 * scratch directory of the root; once the overlay holds them (it keeps
 * private clones), the scratch mount and directory are removed. */
struct scratch {
  char name[64];
  int mnt;
  char upper[32], work[32];
  int upper_fd, work_fd;
};

static int scratch_make(struct mount_ctx *c, size_t index, struct scratch *s,
                        struct sbx_error *e)
{
  static const char *const opts[] = { "mode=0755", NULL };
  _cleanup_close_ int dir = -1;

  snprintf(s->name, sizeof s->name, ".sandbox-tmp-overlay-%zu", index);
  if (mkdirat(c->base_fd, s->name, 0700) < 0)
    return sbx_fail(e, errno, "create a scratch directory");
  dir = openat(c->base_fd, s->name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0 || mnt_fs(c, "tmpfs", opts, ATTR_NOSUID | ATTR_NODEV, dir, e) < 0)
    return dir < 0 ? sbx_fail(e, errno, "open the scratch directory") : -1;
  s->mnt = openat(c->base_fd, s->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (s->mnt < 0 || mkdirat(s->mnt, "upper", 0755) < 0 || mkdirat(s->mnt, "work", 0755) < 0)
    return sbx_fail(e, errno, "prepare the scratch tmpfs");
  s->upper_fd = openat(s->mnt, "upper", O_PATH | O_CLOEXEC);
  s->work_fd = openat(s->mnt, "work", O_PATH | O_CLOEXEC);
  if (s->upper_fd < 0 || s->work_fd < 0)
    return sbx_fail(e, errno, "open the scratch layers");
  fd_path(s->upper_fd, s->upper);
  fd_path(s->work_fd, s->work);
  return 0;
}

static void scratch_remove(struct mount_ctx *c, struct scratch *s)
{
  char path[32];
  if (s->mnt >= 0) {
    fd_path(s->mnt, path);
    umount2(path, MNT_DETACH);
  }
  for (int *fd = &s->mnt; fd <= &s->work_fd; fd++)
    if (*fd >= 0)
      close(*fd);
  if (s->name[0])
    unlinkat(c->base_fd, s->name, AT_REMOVEDIR);
}

static int mount_overlay(struct mount_ctx *c, const struct fs_op *op, const char *upper,
                         const char *work, struct sbx_error *e)
{
  _cleanup_free_ char *lower = option("lowerdir", op->layers, op->n_layers, true);
  _cleanup_free_ char *up = upper ? option("upperdir", &upper, 1, false) : NULL;
  _cleanup_free_ char *wk = work ? option("workdir", &work, 1, false) : NULL;
  const char *opts[] = { lower, "userxattr", up, wk, NULL };
  _cleanup_close_ int dest = -1;

  if (path_open(c, op->dest, MK_DIR, &dest, e) < 0)
    return -1;
  if (mnt_fs(c, "overlay", opts, ATTR_NOSUID | ATTR_NODEV, dest, e) == 0)
    return 0;
  if (e->errno_ == ELOOP)
    return sbx_fail(e, ELOOP, "overlay directories may not overlap");
  return -1;
}

int op_overlay(struct mount_ctx *c, const struct fs_op *op, size_t index, struct sbx_error *e)
{
  struct scratch s = { .mnt = -1, .upper_fd = -1, .work_fd = -1 };
  int r;

  if (op->overlay == OVERLAY_RO)
    return mount_overlay(c, op, NULL, NULL, e);
  if (op->overlay == OVERLAY_RW)
    return mount_overlay(c, op, op->src, op->workdir, e);
  r = scratch_make(c, index, &s, e);
  if (r == 0)
    r = mount_overlay(c, op, s.upper, s.work, e);
  scratch_remove(c, &s);
  return r;
}
