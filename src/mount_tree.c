/* The new root: every filesystem op of the plan, in order, on a fresh
 * tmpfs, then a pivot into it that leaves no trace of the host root. */

#include "error.h"
#include "mount.h"
#include "mount_api.h"
#include "mount_dev.h"
#include "mount_files.h"
#include "mount_overlay.h"
#include "mount_paths.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

/* A source under /proc/self names this process's own entry (see
 * names_own_proc in plan.c), which differs from the caller's: only a
 * procfs or nsfs file is taken as such.  A path that merely goes through
 * /proc/self/root or /proc/self/cwd to a host file is checked like any
 * other source. */
static bool own_proc_entry(const struct fs_op *op, int fd)
{
  struct statfs fs;
  if (!(op->flags & OPF_OWN_PROC) || fstatfs(fd, &fs) < 0)
    return false;
  return fs.f_type == PROC_SUPER_MAGIC || fs.f_type == NSFS_MAGIC;
}

/* Each bind source is opened once, as the caller's view still stands, and
 * checked against what plan_check saw: what gets mounted is what was
 * checked. */
static int open_source(struct fs_op *op, int *out, struct sbx_error *e)
{
  struct stat st;
  char path[PATH_MAX];
  const char *src = op->src;
  int fd;

  /* --bind-fd: the fd belongs to the caller's mount namespace, where this
   * one cannot mount from; take its path, then check it is the same file. */
  if (!src) {
    char link[32];
    ssize_t n;
    fd_path(op->fd, link);
    n = readlink(link, path, sizeof path - 1);
    if (n < 0)
      return sbx_fail(e, errno, "--%s %d", op->option, op->fd);
    path[n] = '\0';
    src = path;
  }
  fd = open(src, O_PATH | O_CLOEXEC);
  if (fd < 0 && (op->flags & OPF_OWN_PROC) && (op->flags & OPF_TRY) &&
      (errno == ENOENT || errno == ENOTDIR)) {
    op->flags |= OPF_SKIP;
    return 0;
  }
  if (fd < 0)
    return sbx_fail(e, errno, "--%s: %s", op->option, src);
  if (fstat(fd, &st) < 0) {
    close(fd);
    return sbx_fail(e, errno, "--%s: %s", op->option, src);
  }
  if (own_proc_entry(op, fd)) {
    op->flags = S_ISDIR(st.st_mode) ? op->flags | OPF_SRC_DIR : op->flags & ~OPF_SRC_DIR;
  } else if (st.st_dev != op->src_dev || st.st_ino != op->src_ino) {
    close(fd);
    return sbx_fail(e, 0, "--%s: %s: changed while the sandbox was set up", op->option, src);
  }
  if (!op->src)
    close(op->fd);
  *out = fd;
  return 0;
}

/* On the new mount API the new root is attached over the host's "/", so
 * a recursive clone of "/" made after that would hold the sandbox's own
 * root: a source that is the host's root is cloned now, before.  (Only
 * those: the others are cloned when their op runs, so that mounts are
 * made, and listed in mountinfo, in the order of the ops.) */
static int clone_root_sources(struct mount_ctx *c, struct sbx_error *e)
{
  struct stat root;

  if (c->mount_fallback)
    return 0;
  if (stat("/", &root) < 0)
    return sbx_fail(e, errno, "stat /");
  for (size_t i = 0; i < c->plan->n_ops; i++) {
    int *fd = &c->src_fds[i];
    const struct fs_op *op = &c->plan->ops[i];
    /* open_source checked that the fd is the file of src_dev/src_ino, or
     * a procfs or nsfs entry of this process's, never the host's root. */
    if (*fd < 0 || op->src_dev != root.st_dev || op->src_ino != root.st_ino)
      continue;
    if (mnt_clone_tree(fd) < 0)
      return sbx_fail(e, errno, "--%s /: clone", op->option);
    c->src_cloned[i] = true;
  }
  return 0;
}

/* A thousand binds hold a thousand fds for a moment: lift the soft limit
 * to the hard one (the command gets the original back, see command.c).
 * Best effort: without it, an open past the limit fails with EMFILE and
 * names its op. */
static void raise_fd_limit(size_t need)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < need + 64 &&
      rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

static int open_sources(struct mount_ctx *c, struct sbx_error *e)
{
  const struct plan *p = c->plan;
  size_t n_binds = 0;

  if (p->n_ops <= MOUNT_FEW_OPS) {
    c->src_fds = c->few_fds;
    c->src_cloned = c->few_cloned;
  } else {
    c->src_fds = xmalloc(p->n_ops * sizeof *c->src_fds);
    c->src_cloned = xmalloc(p->n_ops * sizeof *c->src_cloned);
  }
  for (size_t i = 0; i < p->n_ops; i++) {
    c->src_fds[i] = -1;
    c->src_cloned[i] = false;
    n_binds += p->ops[i].kind == OP_BIND;
  }
  raise_fd_limit(n_binds);
  for (size_t i = 0; i < p->n_ops; i++) {
    struct fs_op *op = &p->ops[i];
    if (op->kind == OP_BIND && !(op->flags & OPF_SKIP) &&
        open_source(op, &c->src_fds[i], e) < 0)
      return -1;
  }
  return clone_root_sources(c, e);
}

static int op_bind(struct mount_ctx *c, const struct fs_op *op, int src_fd, bool cloned,
                   struct sbx_error *e)
{
  _cleanup_close_ int dest = -1;
  unsigned attr = ATTR_NOSUID;

  if (!(op->flags & OPF_DEVICES))
    attr |= ATTR_NODEV;
  if (op->flags & OPF_RDONLY)
    attr |= ATTR_RDONLY;
  if (op->flags & OPF_NOEXEC)
    attr |= ATTR_NOEXEC;
  if (path_open(c, op->dest, (op->flags & OPF_SRC_DIR) ? MK_DIR : MK_FILE, &dest, e) < 0)
    return -1;
  if (cloned)
    attr |= ATTR_CLONED; /* see clone_root_sources */
  return mnt_bind(c, src_fd, dest, op->dest, attr, e);
}

/* bubblewrap covers these with read-only binds when they are writable;
 * the kernel normally denies writes already, so this rarely mounts. */
static int cover_proc(struct mount_ctx *c, int proc_fd, const char *proc_path,
                      struct sbx_error *e)
{
  static const char *const covered[] = { "sys", "sysrq-trigger", "irq", "bus" };
  for (size_t i = 0; i < ARRAY_SIZE(covered); i++) {
    _cleanup_close_ int fd = -1;
    if (faccessat(proc_fd, covered[i], W_OK, 0) < 0)
      continue;
    fd = openat(proc_fd, covered[i], O_PATH | O_CLOEXEC);
    if (fd < 0)
      continue;
    _cleanup_free_ char *path = path_join(proc_path, covered[i]);
    if (mnt_bind(c, fd, fd, path, ATTR_RDONLY | ATTR_NOSUID | ATTR_NODEV, e) < 0)
      return sbx_wrap(e, "cover /proc/%s", covered[i]);
  }
  return 0;
}

/* A new procfs, or the host's /proc bound (plan.h, new_procfs). */
static int mount_proc(struct mount_ctx *c, int dest, const char *dest_path, struct sbx_error *e)
{
  const unsigned attr = ATTR_NOSUID | ATTR_NODEV | ATTR_NOEXEC;
  _cleanup_close_ int host = -1;

  if (c->plan->new_procfs)
    return mnt_fs(c, "proc", NULL, attr, dest, e);
  host = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (host < 0)
    return sbx_fail(e, errno, "open the host's /proc");
  return mnt_bind(c, host, dest, dest_path, attr, e);
}

/* mode= and size= for a tmpfs, from --perms and --size. */
static int mount_tmpfs(struct mount_ctx *c, const struct fs_op *op, int dest,
                       struct sbx_error *e)
{
  char mode[32], size[48];
  const char *opts[3] = { mode, NULL, NULL };

  strcpy(mode, "mode=0");
  fmt_uint(mode + 6, (op->flags & OPF_PERMS) ? op->perms : 0755, 8);
  if (op->flags & OPF_SIZE) {
    strcpy(size, "size=");
    fmt_uint(size + 5, op->size, 10);
    opts[1] = size;
  }
  return mnt_fs(c, "tmpfs", opts, ATTR_NOSUID | ATTR_NODEV, dest, e);
}

static int op_mount_fs(struct mount_ctx *c, const struct fs_op *op, struct sbx_error *e)
{
  static const char *const tmpfs_opts[] = { "mode=0755", NULL };
  _cleanup_close_ int dest = -1, mounted = -1;

  if (path_open(c, op->dest, MK_DIR, &dest, e) < 0)
    return -1;
  switch (op->kind) {
  case OP_TMPFS:
    return mount_tmpfs(c, op, dest, e);
  case OP_MQUEUE:
    return mnt_fs(c, "mqueue", NULL, ATTR_NOSUID | ATTR_NODEV | ATTR_NOEXEC, dest, e);
  case OP_PROC:
    if (mount_proc(c, dest, op->dest, e) < 0)
      return -1;
    break;
  case OP_DEV:
    if (mnt_fs(c, "tmpfs", tmpfs_opts, ATTR_NOSUID | ATTR_NODEV, dest, e) < 0)
      return -1;
    break;
  default:
    return 0;
  }
  /* The fd still names the directory under the new mount; reopen to get
   * the mount's root. */
  if (path_open(c, op->dest, MK_NONE, &mounted, e) < 0)
    return -1;
  return op->kind == OP_PROC ? cover_proc(c, mounted, op->dest, e)
                             : devfs_populate(c, mounted, op->dest, e);
}

/* bubblewrap's modes: directories 0755, bind mount points 0444 for
 * files; with --perms, the op's own mode, and parents lose the group and
 * other bits that mode lacks (--perms 0700 --dir /a/b makes /a 0700). */
static void set_modes(struct mount_ctx *c, const struct fs_op *op)
{
  mode_t parent = 0755;

  if (op->flags & OPF_PERMS) {
    if (!(op->perms & 0070))
      parent &= ~(mode_t)0050;
    if (!(op->perms & 0007))
      parent &= ~(mode_t)0005;
  }
  c->parent_mode = parent;
  if (op->flags & OPF_PERMS)
    c->leaf_mode = op->perms;
  else if (op->kind == OP_FILE)
    c->leaf_mode = 0666;
  else if (op->kind == OP_BIND && !(op->flags & OPF_SRC_DIR))
    c->leaf_mode = 0444;
  else
    c->leaf_mode = 0755;
}

static int run_op(struct mount_ctx *c, size_t i, struct sbx_error *e)
{
  const struct fs_op *op = &c->plan->ops[i];
  _cleanup_close_ int fd = -1;

  set_modes(c, op);
  switch (op->kind) {
  case OP_BIND:
    return (op->flags & OPF_SKIP) ? 0 : op_bind(c, op, c->src_fds[i], c->src_cloned[i], e);
  case OP_REMOUNT_RO:
    if (path_open(c, op->dest, MK_NONE, &fd, e) < 0)
      return -1;
    return mnt_remount_ro(c, fd, e);
  case OP_PROC: case OP_DEV: case OP_TMPFS: case OP_MQUEUE:
    return op_mount_fs(c, op, e);
  case OP_DIR:
    return path_open(c, op->dest, MK_DIR, &fd, e);
  case OP_SYMLINK:
    return op_symlink(c, op, e);
  case OP_FILE:
    return op_file(c, op, e);
  case OP_BIND_DATA:
    return op_bind_data(c, op, i, e);
  case OP_CHMOD:
    return op_chmod(c, op, e);
  case OP_OVERLAY:
    return op_overlay(c, op, i, e);
  }
  return 0;
}

/* pivot_root(".", ".") makes root_fd's mount the root and stacks the old
 * root on it; detaching that leaves the new root alone, with nothing of
 * the host reachable.  When the new root's tmpfs sits on the host's "/"
 * (new API) and ops mounted over it (`--bind / /`), the tmpfs and those
 * mounts go along with the old root as mounts stacked on the new root in
 * turn: each is detached from the top, or "/.." would walk up into them,
 * the old root among them (an escape to the host), and the kernel would
 * refuse new user namespaces to a process not rooted at the top mount. */
static int enter_root(struct mount_ctx *c, struct sbx_error *e)
{
  if (fchdir(c->root_fd) < 0)
    return sbx_fail(e, errno, "chdir to the new root");
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return sbx_fail(e, errno, "pivot_root");
  for (unsigned i = 0; i <= c->under_root; i++)
    if (umount2(".", MNT_DETACH) < 0)
      return sbx_fail(e, errno, "detach the old root");
  if (chdir("/") < 0)
    return sbx_fail(e, errno, "chdir /");
  return 0;
}

static void ctx_free(struct mount_ctx *c)
{
  for (size_t i = 0; c->src_fds && i < c->plan->n_ops; i++)
    if (c->src_fds[i] >= 0)
      close(c->src_fds[i]);
  if (c->src_fds != c->few_fds) {
    free(c->src_fds);
    free(c->src_cloned);
  }
  mnt_free_host_table(c);
  if (c->root_fd >= 0)
    close(c->root_fd);
  if (c->base_fd >= 0)
    close(c->base_fd);
}

static int describe(const struct fs_op *op, struct sbx_error *e)
{
  if (op->flags & OPF_IMPLICIT)
    return sbx_wrap(e, "implicit %s", op->dest);
  if (op->src && op->kind == OP_BIND)
    return sbx_wrap(e, "--%s %s %s", op->option, op->src, op->dest);
  return sbx_wrap(e, "--%s %s", op->option, op->dest);
}

static int build(struct mount_ctx *c, struct sbx_error *e)
{
  /* Receive host mount events, never send any back. */
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
    return sbx_fail(e, errno, "make / a slave mount");
  if (c->plan->mount_fallback && mnt_use_fallback(c, e) < 0)
    return -1;
  if (open_sources(c, e) < 0 || mnt_new_root(c, e) < 0)
    return -1;
  for (size_t i = 0; i < c->plan->n_ops; i++) {
    if (run_op(c, i, e) < 0)
      return describe(&c->plan->ops[i], e);
  }
  return enter_root(c, e);
}

/* mnt_reopen_fn: an existing path, resolved inside the root. */
static int reopen_dest(struct mount_ctx *c, const char *path, int *out, struct sbx_error *e)
{
  return path_open(c, path, MK_NONE, out, e);
}

int mounts_build_root(const struct plan *p, struct sbx_error *e)
{
  struct mount_ctx c = {
    .plan = p,
    .reopen = reopen_dest,
    .resolve_fallback = p->resolve_fallback,
    .root_fd = -1,
    .base_fd = -1,
  };
  int r = build(&c, e);
  ctx_free(&c);
  return r;
}
