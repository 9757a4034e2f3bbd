

#include "plan.h"

#include "error.h"
#include "rlimit.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void plan_init(struct plan *p, enum personality pers)
{
  memset(p, 0, sizeof *p);
  p->pers = pers;
  p->info_fd = p->json_status_fd = p->block_fd = p->userns_block_fd = p->sync_fd = -1;
  p->userns_fd = p->userns2_fd = p->pidns_fd = p->seccomp_fd = -1;
  net_init(&p->net);
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

void plan_add_lock_file(struct plan *p, const char *path)
{
  xgrow(&p->lock_files, &p->cap_lock_files, p->n_lock_files + 1, sizeof *p->lock_files);
  p->lock_files[p->n_lock_files++] = path;
}

void plan_add_seccomp_fd(struct plan *p, int fd)
{
  xgrow(&p->seccomp_fds, &p->cap_seccomp_fds, p->n_seccomp_fds + 1, sizeof *p->seccomp_fds);
  p->seccomp_fds[p->n_seccomp_fds++] = fd;
}

/* Whether sandbox path a is b or lies below it, compared component by
 * component, so "/proc/", "//proc" and "/./proc" all name /proc. */
static bool path_within(const char *a, const char *b)
{
  for (;;) {
    while (*a == '/' || (a[0] == '.' && (a[1] == '/' || a[1] == '\0')))
      a += 1;
    while (*b == '/' || (b[0] == '.' && (b[1] == '/' || b[1] == '\0')))
      b += 1;
    if (!*a || !*b)
      return !*b;
    size_t la = strcspn(a, "/"), lb = strcspn(b, "/");
    if (la != lb || memcmp(a, b, la) != 0)
      return false;
    a += la;
    b += lb;
  }
}

static bool path_same(const char *a, const char *b)
{
  return path_within(a, b) && path_within(b, a);
}

/* Whether an op puts something at its destination (a mount, a directory,
 * a link, a file), as against changing what is there: --remount-ro and
 * --chmod of an implicit path act on the implicit mount, and must not
 * replace it or move it after themselves. */
static bool op_places(const struct fs_op *op)
{
  return op->dest && op->kind != OP_REMOUNT_RO && op->kind != OP_CHMOD;
}

static bool dest_used(const struct plan *p, const char *path)
{
  for (size_t i = 0; i < p->n_ops; i++)
    if (op_places(&p->ops[i]) && path_same(p->ops[i].dest, path))
      return true;
  return false;
}

static bool dest_within(const struct plan *p, const char *dir)
{
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].dest && path_within(p->ops[i].dest, dir))
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
    if (op_places(&p->ops[i]) && path_same(p->ops[i].dest, "/"))
      slot = i + 1;
  return slot;
}

static struct fs_op *insert_op(struct plan *p, size_t *slot, enum op_kind kind,
                               const char *src, const char *dest)
{
  struct fs_op *op = plan_add_op(p, kind, "implicit");
  struct fs_op tmp = *op;
  memmove(&p->ops[*slot + 1], &p->ops[*slot], (p->n_ops - 1 - *slot) * sizeof *p->ops);
  tmp.flags = OPF_IMPLICIT;
  tmp.src = src;
  tmp.dest = dest;
  p->ops[*slot] = tmp;
  return &p->ops[(*slot)++];
}

bool plan_binds_host_usr(const struct plan *p)
{
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct fs_op *op = &p->ops[i];
    /* --bind-fd has no source path (op->src is NULL). */
    if (op->kind == OP_BIND && op->src && path_same(op->src, "/usr") &&
        path_same(op->dest, "/usr"))
      return true;
  }
  return false;
}

/* Merged-/usr systems have /bin -> usr/bin and friends; recreate each such
 * top-level link of the host (host.h) so a bound /usr is enough to run
 * programs. */
static void add_usr_links(struct plan *p, size_t *slot)
{
  for (size_t i = 0; i < p->host.n_usr_links; i++) {
    const struct host_link *l = &p->host.usr_links[i];
    if (!dest_used(p, l->name))
      insert_op(p, slot, OP_SYMLINK, xstrdup(l->target), xstrdup(l->name));
  }
}

/* Debian's /usr/bin/awk, which, editor, vi... are links to
 * /etc/alternatives: without it a bound /usr runs no such program.  Only
 * that directory, read-only: the rest of /etc stays the caller's choice,
 * and any op of the caller's in /etc is such a choice.  OPF_TRY, so that
 * plan_check's stat of the source is the whole test of whether the host
 * has it. */
static void add_alternatives(struct plan *p, size_t *slot)
{
  if (dest_within(p, "/etc"))
    return;
  struct fs_op *op = insert_op(p, slot, OP_BIND, "/etc/alternatives", "/etc/alternatives");
  op->flags |= OPF_RDONLY | OPF_TRY;
}

/* A helper's DNS forwarder, in /etc/resolv.conf, unless the caller
 * provides one: at that path, or with all of /etc.  The content goes
 * through a pipe made by plan_check (src holds it until then). */
static void add_resolv_conf(struct plan *p, size_t *slot)
{
  const char *ns = net_nameserver(&p->net);
  char text[64];

  if (!ns || dest_used(p, "/etc/resolv.conf") || dest_used(p, "/etc"))
    return;
  snprintf(text, sizeof text, "nameserver %s\n", ns);
  struct fs_op *op = insert_op(p, slot, OP_FILE, xstrdup(text), "/etc/resolv.conf");
  op->flags |= OPF_PERMS;
  op->perms = 0644;
  op->fd = -1;
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
  if (plan_binds_host_usr(p)) {
    add_usr_links(p, &slot);
    add_alternatives(p, &slot);
  }
  add_resolv_conf(p, &slot);
}

/* bubblewrap wants the option itself, even where it implies the namespace. */
static bool asked_for_userns(const struct plan *p)
{
  return (p->pers == PERS_SANDBOX ? p->ns : p->ns_unshare) & NS_USER;
}

static int check_combinations(const struct plan *p, struct sbx_error *e)
{
  if (p->as_pid_1 && !(p->ns & NS_PID))
    return sbx_fail(e, 0, "--as-pid-1 needs a new PID namespace (%s)",
                    p->pers == PERS_SANDBOX ? "not with --share-pid" : "--unshare-pid");
  if (p->as_pid_1 && p->n_lock_files)
    return sbx_fail(e, 0, "--as-pid-1 cannot be combined with --lock-file");
  if (p->hostname && !(p->ns & NS_UTS))
    return sbx_fail(e, 0, "--hostname needs a new UTS namespace (%s)",
                    p->pers == PERS_SANDBOX ? "not with --share-uts" : "--unshare-uts");
  if ((p->uid_set || p->gid_set) && !(p->ns & NS_USER) && p->userns_fd < 0)
    return sbx_fail(e, 0, "--%s needs a new user namespace (--unshare-user) or --userns",
                    p->uid_set ? "uid" : "gid");
  if (p->userns_fd >= 0 && (p->ns_unshare & NS_USER))
    return sbx_fail(e, 0, "--userns cannot be combined with --unshare-user");
  if (p->userns_block_fd >= 0 && (!(p->ns & NS_USER) || p->info_fd < 0))
    return sbx_fail(e, 0, "--userns-block-fd needs --unshare-user and --info-fd");
  if (p->disable_userns && !asked_for_userns(p))
    return sbx_fail(e, 0, "--disable-userns requires --unshare-user");
  if (p->disable_userns && p->userns_block_fd >= 0)
    return sbx_fail(e, 0, "--disable-userns cannot be combined with --userns-block-fd");
  return 0;
}

/* doc/design.md, "Personalities": the sandbox personality unshares everything, maps the caller
 * to root and adds the implicit mounts and the default seccomp profile. */
static void sandbox_defaults(struct plan *p)
{
  p->ns = (NS_ALL | p->ns_unshare) & ~p->ns_share;
  p->ns |= NS_USER | NS_MOUNT;
  p->ns_try = NS_CGROUP; /* where the kernel has it */
  p->die_with_parent = true;
  p->caps = p->caps_on & ~p->caps_off;
  if (!p->seccomp_profile)
    p->seccomp_profile = "default";
  if (!p->bare)
    add_implicit_ops(p);
  if (!p->share_terminal)
    p->tty_fds = p->host.tty_fds;
}

/* bubblewrap: a mount namespace, plus a user namespace for an
 * unprivileged caller, plus what was asked for; the caller's own ids. */
static void bwrap_defaults(struct plan *p)
{
  uint64_t base = 0;

  p->ns = (NS_MOUNT | p->ns_unshare) & ~p->ns_share;
  if (p->host.uid != 0 && p->userns_fd < 0)
    p->ns |= NS_USER;
  if (!p->uid_set)
    p->uid = p->host.uid;
  if (!p->gid_set)
    p->gid = p->host.gid;
  /* Real root keeps its capabilities, as bubblewrap does for rpm-ostree. */
  if (p->host.uid == 0) {
    base = p->host.caps;
    /* ...and, without a user namespace, like bubblewrap does not even
     * call capset then.  In a new one, root's caps there are all of
     * them: cut to the ones it had outside. */
    p->caps_untouched = !p->caps_on && !p->caps_off && !(p->ns & NS_USER);
  }
  p->caps = (base | p->caps_on) & ~p->caps_off;
  if (!p->seccomp_profile)
    p->seccomp_profile = "none";
}

/* The child waits for the launcher's word when an outside helper writes
 * the id maps (--userns-block-fd), and when the launcher reports the
 * namespaces (--info-fd, --json-status-fd): it reads them from
 * /proc/CHILD/ns, which must not vanish with a command that is quick to
 * exit. */
static bool child_waits(const struct plan *p)
{
  return p->userns_block_fd >= 0 || p->info_fd >= 0 || p->json_status_fd >= 0;
}

/* A reaper is pid 1 of a new PID namespace; bubblewrap also puts one
 * between itself and the command to hold --lock-file and --sync-fd. */
static bool wants_reaper(const struct plan *p)
{
  if (p->as_pid_1)
    return false;
  return (p->ns & NS_PID) || p->n_lock_files || p->sync_fd >= 0;
}

/* The decisions of the launch, taken here once (plan.h). */
static void decide(struct plan *p)
{
  p->reaper = wants_reaper(p);
  p->child_waits = child_waits(p);
  /* The built-in profiles allow every call left before exec, so the
   * sandbox personality installs them once, before the fork, for pid 1
   * and the command alike (each install costs the kernel a run of the
   * filter per syscall number).  Filters from the caller may allow only
   * what follows prctl, as bubblewrap promises: those go last, in each
   * process.  A policy file is one too: seccomp_plan_load, which tells
   * it from a built-in, withdraws this for it. */
  p->seccomp_early = p->pers == PERS_SANDBOX && p->n_seccomp_fds == 0 && p->seccomp_fd < 0;
  /* A procfs shows the PID namespace of its mounter; without a new one
   * the kernel refuses a new instance, so the host's /proc is bound. */
  p->new_procfs = (p->ns & NS_PID) || p->pidns_fd >= 0;
  p->mount_fallback = !p->host.mount_api;
  p->resolve_fallback = p->host.force_fallback;
}

/* The OCI runtime: config.json lists every namespace, capability and
 * mount, so nothing is added.  In particular no user namespace unless the
 * config asks for one: under a rootless engine this process is root in the
 * engine's user namespace already (doc/design.md, "OCI runtime"). */
static void oci_defaults(struct plan *p)
{
  p->ns = p->ns_unshare;
  p->caps = p->caps_on & ~p->caps_off;
  if (!p->seccomp_profile)
    p->seccomp_profile = "none";
}

int plan_finish(struct plan *p, struct sbx_error *e)
{
  if (p->pers == PERS_SANDBOX)
    sandbox_defaults(p);
  else if (p->pers == PERS_OCI)
    oci_defaults(p);
  else
    bwrap_defaults(p);
  if (check_combinations(p, e) < 0)
    return -1;
  decide(p);
  return net_finish(p, e);
}

/* In the bwrap personality, a few failures are worded as bubblewrap words
 * them, since its callers and its test suite match those words; the
 * sandbox personality names the option instead (doc/design.md,
 * "Command line and diagnostics"). */
static bool bwrap_words(const struct plan *p)
{
  return p->pers == PERS_BWRAP;
}

/* A source that lstat can see but stat cannot is a dangling symlink: say
 * so, since "No such file or directory" for a path that `ls` shows is
 * confusing. */
static int source_error(const struct plan *p, const struct fs_op *op, int err,
                        struct sbx_error *e)
{
  struct stat st;
  char target[PATH_MAX];
  ssize_t n;

  if (bwrap_words(p))
    sbx_fail(e, err, "Can't find source path %s", op->src);
  else
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

/* An implicit file's content (src) into a pipe for the child's op_file:
 * small enough for the pipe's buffer, and the write end closed, so that
 * the child reads it to the end without anyone else's help. */
static int implicit_file_fd(struct fs_op *op, struct sbx_error *e)
{
  int pv[2];

  if (pipe2(pv, O_CLOEXEC) < 0)
    return sbx_fail(e, errno, "%s: pipe", op->dest);
  if (write_all(pv[1], op->src, strlen(op->src)) < 0) {
    int err = errno;
    close(pv[0]);
    close(pv[1]);
    return sbx_fail(e, err, "%s: write", op->dest);
  }
  close(pv[1]);
  op->fd = pv[0];
  return 0;
}

static int check_fd(int fd, const char *option, struct sbx_error *e)
{
  if (fd >= 0 && fcntl(fd, F_GETFD) < 0)
    return sbx_fail(e, 0, "--%s %d: fd %d is not open", option, fd, fd);
  return 0;
}

/* /proc/self and /proc/thread-self name whoever resolves them.  As in
 * bubblewrap, the sandbox's own process resolves such a source, so that
 * `--ro-bind /proc/self/ns/user X` gives the sandbox's user namespace
 * (Flatpak relies on it): there is nothing of the caller's to compare. */
static bool names_own_proc(const char *src)
{
  static const char *const own[] = { "/proc/self", "/proc/thread-self" };
  for (size_t i = 0; src && i < ARRAY_SIZE(own); i++) {
    size_t n = strlen(own[i]);
    if (strncmp(src, own[i], n) == 0 && (src[n] == '/' || src[n] == '\0'))
      return true;
  }
  return false;
}

/* An overlay's directories, checked as the caller before anything
 * exists, like a bind's source (SPEC §4.1); the kernel sees them again
 * when the child mounts the overlay. */
static int check_overlay_dir(const struct plan *p, const char *dir, const char *option,
                             struct sbx_error *e)
{
  struct stat st;
  int err = 0;

  if (strlen(dir) >= PATH_MAX)
    err = ENAMETOOLONG;
  else if (stat(dir, &st) < 0)
    err = errno;
  else if (!S_ISDIR(st.st_mode))
    err = ENOTDIR;
  if (!err)
    return 0;
  if (bwrap_words(p))
    return sbx_fail(e, err, "Can't find source path %s", dir);
  return sbx_fail(e, err, "--%s: %s", option, dir);
}

static int check_overlay(const struct plan *p, const struct fs_op *op, struct sbx_error *e)
{
  for (size_t i = 0; i < op->n_layers; i++)
    if (check_overlay_dir(p, op->layers[i], "overlay-src", e) < 0)
      return -1;
  if (op->src && check_overlay_dir(p, op->src, op->option, e) < 0)
    return -1;
  return op->workdir ? check_overlay_dir(p, op->workdir, op->option, e) : 0;
}

/* Records what the source is, as the caller sees it now; the child checks
 * that what it mounts is the same inode. */
static int check_source(const struct plan *p, struct fs_op *op, struct sbx_error *e)
{
  struct stat st;
  int r;

  if (op->kind == OP_OVERLAY)
    return check_overlay(p, op, e);
  if (op->kind == OP_FILE && (op->flags & OPF_IMPLICIT))
    return implicit_file_fd(op, e);
  if (op->kind == OP_FILE || op->kind == OP_BIND_DATA)
    return check_fd(op->fd, op->option, e);
  if (op->kind != OP_BIND)
    return 0;
  if (names_own_proc(op->src))
    op->flags |= OPF_OWN_PROC;
  r = op->src ? stat(op->src, &st) : fstat(op->fd, &st);
  if (r < 0 && !op->src)
    return sbx_fail(e, errno, "--%s %d", op->option, op->fd);
  if (r < 0) {
    if ((op->flags & OPF_TRY) && (errno == ENOENT || errno == ENOTDIR)) {
      op->flags |= OPF_SKIP;
      return 0;
    }
    return source_error(p, op, errno, e);
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

static int check_status_fds(const struct plan *p, struct sbx_error *e)
{
  const struct { int fd; const char *option; } fds[] = {
    { p->info_fd, "info-fd" },     { p->json_status_fd, "json-status-fd" },
    { p->block_fd, "block-fd" },   { p->userns_block_fd, "userns-block-fd" },
    { p->sync_fd, "sync-fd" },     { p->userns_fd, "userns" },
    { p->userns2_fd, "userns2" },  { p->pidns_fd, "pidns" },
  };
  for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
    if (check_fd(fds[i].fd, fds[i].option, e) < 0)
      return -1;
  for (size_t i = 0; i < p->n_pass_fds; i++)
    if (check_fd(p->pass_fds[i], "pass-fd", e) < 0)
      return -1;
  return 0;
}

/* --unshare-*-try: keep the namespace only where the kernel has it. */
static void resolve_try_namespaces(struct plan *p)
{
  if ((p->ns & p->ns_try & NS_CGROUP) && !p->host.cgroup_ns)
    p->ns &= ~NS_CGROUP;
  if ((p->ns & p->ns_try & NS_USER) && !p->host.userns)
    p->ns &= ~NS_USER;
}

int plan_check(struct plan *p, struct sbx_error *e)
{
  for (size_t i = 0; i < p->n_ops; i++) {
    if (check_path_length(&p->ops[i], e) < 0 || check_source(p, &p->ops[i], e) < 0)
      return -1;
  }
  if (check_status_fds(p, e) < 0 || rlimit_resolve(p, e) < 0)
    return -1;
  resolve_try_namespaces(p);
  return 0;
}
