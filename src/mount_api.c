/* The mount primitives, twice: on the new mount API (open_tree,
 * mount_setattr, fsopen/fsmount, move_mount), and on the mount(2) fallback
 * for kernels without it.  The first ENOSYS switches the rest of the setup
 * to the fallback; SANDBOX_FORCE_FALLBACK=1 starts there (tests). */

#include "mount_api.h"

#include "error.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

struct mount_table {
  char **points;
  size_t n, cap;
};

void fd_path(int fd, char buf[static 32])
{
  snprintf(buf, 32, "/proc/self/fd/%d", fd);
}

/* ---- new mount API -------------------------------------------------- */

static int sys_open_tree(int dfd, const char *path, unsigned flags)
{
  return (int)syscall(SYS_open_tree, dfd, path, flags);
}

static int sys_move_mount(int from, int to)
{
  return (int)syscall(SYS_move_mount, from, "", to, "",
                      MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

static int sys_setattr(int fd, unsigned flags, unsigned attr)
{
  struct mount_attr a = { .attr_set = attr };
  return (int)syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | flags, &a, sizeof a);
}

/* ---- the root itself ------------------------------------------------ */

static void remember_root(struct mount_ctx *c)
{
  struct stat st;
  if (fstat(c->root_fd, &st) == 0) {
    c->root_dev = st.st_dev;
    c->root_ino = st.st_ino;
  }
}

static bool is_root(const struct mount_ctx *c, int fd)
{
  struct stat st;
  return fstat(fd, &st) == 0 && st.st_dev == c->root_dev && st.st_ino == c->root_ino;
}

/* A mount over the root (`--bind / /`, `--tmpfs /`) is the new root from
 * then on: later ops and the pivot must use it, not the tmpfs under it.
 * `mnt` is the new-API mount fd, or -1 after mount(2), where the root is
 * found again by its path. */
static void took_root(struct mount_ctx *c, int *mnt)
{
  if (c->root_on_slash) /* the old root_fd stays below, on "/" */
    c->under_root++;
  close(c->root_fd);
  c->root_fd = *mnt >= 0 ? steal_fd(mnt) : open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
  remember_root(c);
}

/* ---- new mount API (continued) -------------------------------------- */

static int clone_of(int fd)
{
  return sys_open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
}

int mnt_clone_tree(int *fd)
{
  int tree = clone_of(*fd);
  if (tree < 0)
    return -1;
  close(*fd);
  *fd = tree;
  return 0;
}

/* src_fd is a detached clone already (ATTR_CLONED: the caller keeps and
 * closes it), or anything else, cloned here. */
static int bind_new(struct mount_ctx *c, int src_fd, int dest_fd, unsigned attr)
{
  _cleanup_close_ int tree = (attr & ATTR_CLONED) ? dup(src_fd) : clone_of(src_fd);
  bool over_root = is_root(c, dest_fd);

  if (tree < 0)
    return -1;
  if (sys_setattr(tree, AT_RECURSIVE, attr & ~(unsigned)ATTR_CLONED) < 0)
    return -1;
  if (sys_move_mount(tree, dest_fd) < 0)
    return -1;
  if (over_root)
    took_root(c, &tree);
  return 0;
}

/* Builds a detached filesystem mount, configured with opts. */
static int fsmount_new(const char *type, const char *const *opts, unsigned attr)
{
  _cleanup_close_ int fs = (int)syscall(SYS_fsopen, type, FSOPEN_CLOEXEC);
  if (fs < 0)
    return -1;
  for (; opts && *opts; opts++) {
    char key[64];
    const char *eq = strchr(*opts, '=');
    size_t len = eq ? (size_t)(eq - *opts) : strlen(*opts);
    if (len >= sizeof key) {
      errno = EINVAL;
      return -1;
    }
    memcpy(key, *opts, len);
    key[len] = '\0';
    if (syscall(SYS_fsconfig, fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, key,
                eq ? eq + 1 : NULL, 0) < 0)
      return -1;
  }
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attr);
}

static int fs_new(struct mount_ctx *c, const char *type, const char *const *opts,
                  unsigned attr, int dest_fd)
{
  _cleanup_close_ int mnt = fsmount_new(type, opts, attr);
  bool over_root = is_root(c, dest_fd);
  if (mnt < 0 || sys_move_mount(mnt, dest_fd) < 0)
    return -1;
  if (over_root)
    took_root(c, &mnt);
  return 0;
}

/* ---- mount(2) fallback ---------------------------------------------- */

/* ENOSPC from a mount means the namespace hit its mount limit. */
static int mount_error(struct sbx_error *e, const char *what, const char *type)
{
  int err = errno;
  sbx_fail(e, err, "%s%s", what, type);
  if (err == ENOSPC)
    sbx_hint(e, "too many mounts: the limit is /proc/sys/fs/mount-max");
  return -1;
}

static unsigned long attr_to_ms(unsigned attr)
{
  return (attr & ATTR_RDONLY ? MS_RDONLY : 0) | (attr & ATTR_NOSUID ? MS_NOSUID : 0) |
         (attr & ATTR_NODEV ? MS_NODEV : 0) | (attr & ATTR_NOEXEC ? MS_NOEXEC : 0);
}

/* A bind remount must repeat the flags the kernel has locked on the mount
 * (a user namespace may add restrictions, never drop them), so start from
 * what statvfs reports. */
static unsigned long current_flags(const char *path)
{
  static const struct { unsigned long st, ms; } map[] = {
    { ST_RDONLY, MS_RDONLY },   { ST_NOSUID, MS_NOSUID },       { ST_NODEV, MS_NODEV },
    { ST_NOEXEC, MS_NOEXEC },   { ST_NOATIME, MS_NOATIME },     { ST_NODIRATIME, MS_NODIRATIME },
    { ST_RELATIME, MS_RELATIME },
  };
  struct statvfs sv;
  unsigned long ms = 0;
  if (statvfs(path, &sv) < 0)
    return 0;
  for (size_t i = 0; i < ARRAY_SIZE(map); i++)
    if (sv.f_flag & map[i].st)
      ms |= map[i].ms;
  return ms;
}

static int remount_fallback(const char *path, unsigned long add)
{
  return mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | current_flags(path) | add, NULL);
}

/* mount(2) has no recursive flag change: the tree is bound with MS_REC
 * (a user namespace may not bind a mount without its locked children),
 * then each mount point below the source, from the host table read once,
 * is remounted through the new tree with the flags.  A mount hidden under
 * another at the same place keeps its flags, but nothing can reach it:
 * uncovering it takes CAP_SYS_ADMIN, and the copies are locked together. */
static bool seen_before(const struct mount_table *t, size_t i)
{
  for (size_t j = 0; j < i; j++)
    if (strcmp(t->points[j], t->points[i]) == 0)
      return true;
  return false;
}

static int remount_submounts(const struct mount_table *t, const char *real, const char *dest,
                             unsigned long add, struct sbx_error *e)
{
  size_t len = strcmp(real, "/") == 0 ? 0 : strlen(real);
  for (size_t i = 0; i < t->n; i++) {
    const char *mp = t->points[i];
    char path[PATH_MAX + 64];
    if (strncmp(mp, real, len) != 0 || mp[len] != '/' || mp[len + 1] == '\0' ||
        seen_before(t, i))
      continue;
    snprintf(path, sizeof path, "%s%s", dest, mp + len);
    /* Gone, or under a mount that hides it: nothing visible to fix. */
    if (remount_fallback(path, add) < 0 && errno != ENOENT && errno != ENOTDIR &&
        errno != EINVAL)
      return sbx_fail(e, errno, "bind mount: set the flags of the submount %s", mp);
  }
  return 0;
}

/* The remount needs the new mount, which the fd of the directory under it
 * does not name: look the destination up again. */
static int bind_fallback(struct mount_ctx *c, int src_fd, int dest_fd, const char *dest_path,
                        unsigned attr, struct sbx_error *e)
{
  char src[32], dest[32], real[PATH_MAX];
  _cleanup_close_ int top = -1;
  ssize_t n;
  unsigned long add = attr_to_ms(attr);

  int none = -1;
  bool over_root = is_root(c, dest_fd);

  fd_path(src_fd, src);
  fd_path(dest_fd, dest);
  if (mount(src, dest, NULL, MS_BIND | MS_REC, NULL) < 0)
    return mount_error(e, "bind mount", "");
  if (over_root)
    took_root(c, &none);
  if (c->reopen(c, dest_path, &top, e) < 0)
    return -1;
  fd_path(top, dest);
  if (remount_fallback(dest, add) < 0)
    return sbx_fail(e, errno, "bind mount: set its flags");
  n = readlink(src, real, sizeof real - 1);
  if (n <= 0 || real[0] != '/')
    return 0; /* not a path (anonymous): no host submounts to fix */
  real[n] = '\0';
  return remount_submounts(c->host_mounts, real, dest, add, e);
}

static int fs_fallback(struct mount_ctx *c, const char *type, const char *const *opts,
                      unsigned attr, int dest_fd, struct sbx_error *e)
{
  char dest[32], data[512] = "";
  bool over_root = is_root(c, dest_fd);
  int none = -1;

  fd_path(dest_fd, dest);
  for (; opts && *opts; opts++) {
    size_t used = strlen(data);
    snprintf(data + used, sizeof data - used, "%s%s", used ? "," : "", *opts);
  }
  if (mount(type, dest, type, attr_to_ms(attr), data) < 0)
    return mount_error(e, "mount ", type);
  if (over_root)
    took_root(c, &none);
  return 0;
}

/* Unescapes the octal escapes (\040) of a mountinfo field in place. */
static void unescape(char *s)
{
  char *o = s;
  for (; *s; s++) {
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
      *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
      s += 3;
    } else {
      *o++ = *s;
    }
  }
  *o = '\0';
}

void mnt_free_host_table(struct mount_ctx *c)
{
  struct mount_table *t = c->host_mounts;
  if (!t)
    return;
  for (size_t i = 0; i < t->n; i++)
    free(t->points[i]);
  free(t->points);
  free(t);
  c->host_mounts = NULL;
}

/* The mount points of /proc/self/mountinfo, in its order; a read error is
 * the caller's to report (-1, errno set). */
static int read_mount_points(FILE *f, struct mount_table *t)
{
  char *line = NULL;
  size_t cap = 0;
  int err;

  errno = 0;
  while (getline(&line, &cap, f) > 0) {
    char mp[PATH_MAX];
    if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
      continue;
    unescape(mp);
    xgrow(&t->points, &t->cap, t->n + 1, sizeof *t->points);
    t->points[t->n++] = xstrdup(mp);
  }
  err = ferror(f) ? (errno ? errno : EIO) : 0;
  free(line);
  errno = err;
  return err ? -1 : 0;
}

static int load_host_table(struct mount_ctx *c, struct sbx_error *e)
{
  FILE *f = fopen("/proc/self/mountinfo", "re");
  int r;

  if (!f)
    return sbx_fail(e, errno, "open /proc/self/mountinfo");
  c->host_mounts = xcalloc(1, sizeof *c->host_mounts);
  r = read_mount_points(f, c->host_mounts);
  if (r < 0)
    sbx_fail(e, errno, "read /proc/self/mountinfo");
  fclose(f);
  return r;
}

/* mount(2) makes a --ro-bind read-only all the way down only with the
 * host's table of mount points (remount_submounts): no table, no
 * fallback, and the setup stops rather than leave submounts writable.
 * So mount_fallback is set here only, and only once the table is read. */
int mnt_use_fallback(struct mount_ctx *c, struct sbx_error *e)
{
  if (c->mount_fallback)
    return 0;
  if (load_host_table(c, e) < 0)
    return sbx_wrap(e, "mount(2) fallback");
  c->mount_fallback = true;
  return 0;
}

/* ---- the primitives ------------------------------------------------- */

/* Each primitive tries the new API first unless mount(2) is in use, and
 * on failure reports through here, with errno from the new-API call:
 * ENOSYS (a kernel or a seccomp filter without the call) switches the rest
 * of the setup to mount(2), and the caller does the op there (0); any
 * other error is the op's own (-1). */
static int new_api_failed(struct mount_ctx *c, const char *what, const char *type,
                          struct sbx_error *e)
{
  if (errno != ENOSYS)
    return mount_error(e, what, type);
  return mnt_use_fallback(c, e);
}

int mnt_bind(struct mount_ctx *c, int src_fd, int dest_fd, const char *dest_path,
             unsigned attr, struct sbx_error *e)
{
  if (!c->mount_fallback) {
    if (bind_new(c, src_fd, dest_fd, attr) == 0)
      return 0;
    if (new_api_failed(c, "bind mount", "", e) < 0)
      return -1;
  }
  return bind_fallback(c, src_fd, dest_fd, dest_path, attr, e);
}

int mnt_fs(struct mount_ctx *c, const char *type, const char *const *opts, unsigned attr,
           int dest_fd, struct sbx_error *e)
{
  if (!c->mount_fallback) {
    if (fs_new(c, type, opts, attr, dest_fd) == 0)
      return 0;
    if (new_api_failed(c, "mount ", type, e) < 0)
      return -1;
  }
  return fs_fallback(c, type, opts, attr, dest_fd, e);
}

int mnt_remount_ro(struct mount_ctx *c, int dest_fd, struct sbx_error *e)
{
  char path[32];

  if (!c->mount_fallback) {
    if (sys_setattr(dest_fd, 0, ATTR_RDONLY) == 0)
      return 0;
    if (new_api_failed(c, "remount read-only", "", e) < 0)
      return -1;
  }
  fd_path(dest_fd, path);
  if (remount_fallback(path, MS_RDONLY) < 0)
    return sbx_fail(e, errno, "remount read-only");
  return 0;
}

static int keep_base(struct mount_ctx *c, struct sbx_error *e)
{
  remember_root(c);
  c->base_fd = fcntl(c->root_fd, F_DUPFD_CLOEXEC, 3);
  return c->base_fd < 0 ? sbx_fail(e, errno, "new root: dup") : 0;
}

/* New API: the tmpfs goes over "/" of this mount namespace, where it
 * hides nothing from path lookups, which start below it. */
static int new_root_on_slash(struct mount_ctx *c)
{
  static const char *const opts[] = { "mode=0755", NULL };
  _cleanup_close_ int mnt = fsmount_new("tmpfs", opts, ATTR_NOSUID | ATTR_NODEV);

  if (mnt < 0 || syscall(SYS_move_mount, mnt, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return -1;
  c->root_fd = steal_fd(&mnt);
  c->root_on_slash = true;
  return 0;
}

/* mount(2) needs a path: /tmp, whose shadowing is no loss, since the
 * sources are opened before this. */
static int new_root_on_tmp(struct mount_ctx *c, struct sbx_error *e)
{
  if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
    return mount_error(e, "new root: mount tmpfs on /tmp", "");
  /* Unbindable: a recursive bind of "/" or "/tmp" made after this must not
   * take the sandbox's own root along. */
  if (mount(NULL, "/tmp", NULL, MS_UNBINDABLE, NULL) < 0)
    return sbx_fail(e, errno, "new root: make it unbindable");
  c->root_fd = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (c->root_fd < 0)
    return sbx_fail(e, errno, "new root: open /tmp");
  return 0;
}

int mnt_new_root(struct mount_ctx *c, struct sbx_error *e)
{
  if (!c->mount_fallback) {
    if (new_root_on_slash(c) == 0)
      return keep_base(c, e);
    if (new_api_failed(c, "new root: mount ", "tmpfs", e) < 0)
      return -1;
  }
  if (new_root_on_tmp(c, e) < 0)
    return -1;
  return keep_base(c, e);
}
