

#include "plan.h"

#include "error.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void plan_init(struct plan *p, enum personality pers)
{
  memset(p, 0, sizeof *p);
  p->pers = pers;
}

struct fs_op *plan_add_op(struct plan *p, enum op_kind kind, const char *option)
{
  struct fs_op *op;
  xgrow(&p->ops, &p->cap_ops, p->n_ops + 1, sizeof *p->ops);
  op = &p->ops[p->n_ops++];
  memset(op, 0, sizeof *op);
  op->kind = kind;
  op->option = option;
  return op;
}

void plan_add_env(struct plan *p, enum env_kind kind, const char *name, const char *value)
{
  xgrow(&p->env, &p->cap_env, p->n_env + 1, sizeof *p->env);
  p->env[p->n_env++] = (struct env_op){ kind, name, value };
}

void plan_add_pass_fd(struct plan *p, int fd)
{
  xgrow(&p->pass_fds, &p->cap_pass_fds, p->n_pass_fds + 1, sizeof *p->pass_fds);
  p->pass_fds[p->n_pass_fds++] = fd;
}

/* Compares two sandbox paths component by component, so "/proc/",
 * "//proc" and "/./proc" all name /proc. */
static bool path_same(const char *a, const char *b)
{
  for (;;) {
    while (*a == '/' || (a[0] == '.' && (a[1] == '/' || a[1] == '\0')))
      a += (*a == '/') ? 1 : 1;
    while (*b == '/' || (b[0] == '.' && (b[1] == '/' || b[1] == '\0')))
      b += 1;
    if (!*a || !*b)
      return !*a && !*b;
    size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
    if (la != lb || memcmp(a, b, la) != 0)
      return false;
    a += la;
    b += lb;
  }
}

static bool dest_used(const struct plan *p, const char *path)
{
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].dest && path_same(p->ops[i].dest, path))
      return true;
  return false;
}

/* Implicit ops go after the last op that covers "/" (so `--bind / /` does
 * not hide them), and before every other op (so `--bind X /tmp/x` lands
 * on the implicit /tmp, not under it). */
static size_t implicit_slot(const struct plan *p)
{
  size_t slot = 0;
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].dest && path_same(p->ops[i].dest, "/"))
      slot = i + 1;
  return slot;
}

static void insert_op(struct plan *p, size_t *slot, enum op_kind kind, const char *src,
                      const char *dest)
{
  struct fs_op *op = plan_add_op(p, kind, "implicit");
  struct fs_op tmp = *op;
  memmove(&p->ops[*slot + 1], &p->ops[*slot], (p->n_ops - 1 - *slot) * sizeof *p->ops);
  tmp.flags = OPF_IMPLICIT;
  tmp.src = src;
  tmp.dest = dest;
  p->ops[(*slot)++] = tmp;
}

static bool binds_host_usr(const struct plan *p)
{
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct fs_op *op = &p->ops[i];
    if (op->kind == OP_BIND && path_same(op->src, "/usr") && path_same(op->dest, "/usr"))
      return true;
  }
  return false;
}

/* Merged-/usr systems have /bin -> usr/bin and friends; recreate each such
 * top-level link of the host so a bound /usr is enough to run programs. */
static void add_usr_links(struct plan *p, size_t *slot)
{
  DIR *d = opendir("/");
  struct dirent *de;

  if (!d)
    return;
  while ((de = readdir(d))) {
    char target[PATH_MAX], dest[NAME_MAX + 2];
    ssize_t n;
    if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
      continue;
    n = readlinkat(dirfd(d), de->d_name, target, sizeof target - 1);
    if (n <= 0)
      continue;
    target[n] = '\0';
    if (strncmp(target, "usr/", 4) != 0 && strncmp(target, "/usr/", 5) != 0)
      continue;
    snprintf(dest, sizeof dest, "/%s", de->d_name);
    if (dest_used(p, dest))
      continue;
    insert_op(p, slot, OP_SYMLINK, xstrdup(target), xstrdup(dest));
  }
  closedir(d);
}

static void add_implicit_ops(struct plan *p)
{
  size_t slot = implicit_slot(p);
  if (!dest_used(p, "/proc"))
    insert_op(p, &slot, OP_PROC, NULL, "/proc");
  if (!dest_used(p, "/dev"))
    insert_op(p, &slot, OP_DEV, NULL, "/dev");
  if (!dest_used(p, "/tmp"))
    insert_op(p, &slot, OP_TMPFS, NULL, "/tmp");
  if (binds_host_usr(p))
    add_usr_links(p, &slot);
}

static int check_combinations(const struct plan *p, struct sbx_error *e)
{
  if (p->as_pid_1 && !(p->ns & NS_PID))
    return sbx_fail(e, 0, "--as-pid-1 needs a new PID namespace (drop --share-pid)");
  if (p->hostname && !(p->ns & NS_UTS))
    return sbx_fail(e, 0, "--hostname needs a new UTS namespace (drop --share-uts)");
  return 0;
}

int plan_finish(struct plan *p, struct sbx_error *e)
{
  p->ns = (NS_ALL | p->ns_unshare) & ~p->ns_share;
  p->ns |= NS_USER | NS_MOUNT;
  p->die_with_parent = true;
  if (check_combinations(p, e) < 0)
    return -1;
  if (!p->bare)
    add_implicit_ops(p);
  return 0;
}

/* A source that lstat can see but stat cannot is a dangling symlink: say
 * so, since "No such file or directory" for a path that `ls` shows is
 * confusing. */
static int source_error(const struct fs_op *op, int err, struct sbx_error *e)
{
  struct stat st;
  char target[PATH_MAX];
  ssize_t n;

  sbx_fail(e, err, "--%s: %s", op->option, op->src);
  if (err == ENOENT && lstat(op->src, &st) == 0 && S_ISLNK(st.st_mode)) {
    n = readlink(op->src, target, sizeof target - 1);
    target[n > 0 ? n : 0] = '\0';
    sbx_hint(e, "it is a symlink to '%s', which does not exist", target);
  } else if (err == ENOENT) {
    sbx_hint(e, "--%s-try skips a missing source", op->option);
  }
  return -1;
}

static int check_source(struct fs_op *op, struct sbx_error *e)
{
  struct stat st;

  if (op->kind != OP_BIND)
    return 0;
  if (stat(op->src, &st) < 0) {
    if ((op->flags & OPF_TRY) && (errno == ENOENT || errno == ENOTDIR)) {
      op->flags |= OPF_SKIP;
      return 0;
    }
    return source_error(op, errno, e);
  }
  op->src_dev = st.st_dev;
  op->src_ino = st.st_ino;
  if (S_ISDIR(st.st_mode))
    op->flags |= OPF_SRC_DIR;
  return 0;
}

static int check_path_length(const struct fs_op *op, struct sbx_error *e)
{
  if (op->dest && strlen(op->dest) >= PATH_MAX)
    return sbx_fail(e, ENAMETOOLONG, "--%s: destination '%.40s...'", op->option, op->dest);
  if (op->src && strlen(op->src) >= PATH_MAX)
    return sbx_fail(e, ENAMETOOLONG, "--%s: source '%.40s...'", op->option, op->src);
  return 0;
}

int plan_check(struct plan *p, struct sbx_error *e)
{
  for (size_t i = 0; i < p->n_ops; i++) {
    if (check_path_length(&p->ops[i], e) < 0 || check_source(&p->ops[i], e) < 0)
      return -1;
  }
  for (size_t i = 0; i < p->n_pass_fds; i++) {
    if (fcntl(p->pass_fds[i], F_GETFD) < 0)
      return sbx_fail(e, errno, "--pass-fd %d", p->pass_fds[i]);
  }
  /* Older kernels have no cgroup namespace; the default set degrades. */
  if ((p->ns & NS_CGROUP) && access("/proc/self/ns/cgroup", F_OK) < 0)
    p->ns &= ~NS_CGROUP;
  return 0;
}
