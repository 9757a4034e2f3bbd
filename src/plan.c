

#include "plan.h"

#include "caps.h"
#include "error.h"
#include "rlimit.h"
#include "util.h"

#include <dirent.h>
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

static bool dest_used(const struct plan *p, const char *path)
{
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].dest && path_same(p->ops[i].dest, path))
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
    if (p->ops[i].dest && path_same(p->ops[i].dest, "/"))
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

static bool binds_host_usr(const struct plan *p)
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
  if (binds_host_usr(p)) {
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
/* Which of fds 0-2 are the caller's terminal (bit N for fd N), when stdin
 * is one: they get the sandbox's own pty (pty.h).  0 otherwise. */
static unsigned caller_terminal_fds(void)
{
  struct stat in, st;
  unsigned fds = 1;

  if (!isatty(STDIN_FILENO) || fstat(STDIN_FILENO, &in) < 0)
    return 0;
  for (int fd = 1; fd <= 2; fd++)
    if (isatty(fd) && fstat(fd, &st) == 0 && st.st_rdev == in.st_rdev)
      fds |= 1u << fd;
  return fds;
}

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
    p->tty_fds = caller_terminal_fds();
}

/* bubblewrap: a mount namespace, plus a user namespace for an
 * unprivileged caller, plus what was asked for; the caller's own ids. */
static void bwrap_defaults(struct plan *p)
{
  uint64_t base = 0;

  p->ns = (NS_MOUNT | p->ns_unshare) & ~p->ns_share;
  if (getuid() != 0 && p->userns_fd < 0)
    p->ns |= NS_USER;
  if (!p->uid_set)
    p->uid = getuid();
  if (!p->gid_set)
    p->gid = getgid();
  /* Real root keeps its capabilities, as bubblewrap does for rpm-ostree. */
  if (getuid() == 0) {
    base = caps_current();
    /* ...and, without a user namespace, like bubblewrap does not even
     * call capset then.  In a new one, root's caps there are all of
     * them: cut to the ones it had outside. */
    p->caps_untouched = !p->caps_on && !p->caps_off && !(p->ns & NS_USER);
  }
  p->caps = (base | p->caps_on) & ~p->caps_off;
  if (!p->seccomp_profile)
    p->seccomp_profile = "none";
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

/* Records what the source is, as the caller sees it now; the child checks
 * that what it mounts is the same inode. */
static int check_source(const struct plan *p, struct fs_op *op, struct sbx_error *e)
{
  struct stat st;
  int r;

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

static bool userns_possible(void)
{
  char buf[32] = "";
  FILE *f;

  if (access("/proc/self/ns/user", F_OK) < 0)
    return false;
  f = fopen("/proc/sys/user/max_user_namespaces", "re");
  if (f) {
    if (!fgets(buf, sizeof buf, f))
      buf[0] = '\0';
    fclose(f);
  }
  return strcmp(buf, "0\n") != 0;
}

/* --unshare-*-try: keep the namespace only where the kernel has it. */
static void resolve_try_namespaces(struct plan *p)
{
  if ((p->ns & p->ns_try & NS_CGROUP) && access("/proc/self/ns/cgroup", F_OK) < 0)
    p->ns &= ~NS_CGROUP;
  if ((p->ns & p->ns_try & NS_USER) && getuid() == 0 && !userns_possible())
    p->ns &= ~NS_USER;
}

/* A raw classic-BPF program: whole sock_filter records, at most the
 * kernel's BPF_MAXINSNS (4096) of them. */
#define BPF_MAX_BYTES (4096 * 8)

static int read_bpf(const struct plan *p, int fd, const char *option, struct sbx_bpf *out,
                    struct sbx_error *e)
{
  _cleanup_free_ unsigned char *buf = xmalloc(BPF_MAX_BYTES + 1);
  size_t n = 0;
  ssize_t r;
  int err = 0;

  while (n <= BPF_MAX_BYTES && (r = read(fd, buf + n, BPF_MAX_BYTES + 1 - n)) != 0) {
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      err = errno;
      break;
    }
    n += (size_t)r;
  }
  close(fd);
  if (err && bwrap_words(p))
    return sbx_fail(e, err, "Can't read seccomp data");
  if (err)
    return sbx_fail(e, err, "--%s %d: read", option, fd);
  if (n % 8 != 0 && bwrap_words(p))
    return sbx_fail(e, 0, "Invalid seccomp data, must be multiple of 8");
  if (n % 8 != 0)
    return sbx_fail(e, 0, "--%s %d: invalid seccomp data, must be a multiple of 8 bytes",
                    option, fd);
  *out = (struct sbx_bpf){ steal_ptr(&buf), n };
  return 0;
}

static int check_bpf(const struct sbx_bpf *f, const char *option, struct sbx_error *e)
{
  if (f->len == 0 || f->len > BPF_MAX_BYTES)
    return sbx_fail(e, 0, "--%s: invalid seccomp data, must hold 1 to 4096 instructions", option);
  return 0;
}

/* The --seccomp-profile program comes first, so that on a tie the
 * caller's own --seccomp/--add-seccomp-fd programs, installed after it,
 * decide the errno.  As in bubblewrap, each fd is read and its length
 * checked in turn, and an empty program is refused only once all are
 * read. */
static int read_seccomp_programs(struct plan *p, struct sbx_error *e)
{
  const char *option = p->add_seccomp_given ? "add-seccomp-fd" : "seccomp";
  struct sbx_bpf f;
  size_t first;

  if (p->seccomp_fd >= 0)
    plan_add_seccomp_fd(p, p->seccomp_fd);
  if (seccomp_profile_get(p->seccomp_profile, &f, e) < 0)
    return -1;
  xgrow(&p->seccomp, &p->cap_seccomp, p->n_seccomp_fds + 1, sizeof *p->seccomp);
  if (f.len)
    p->seccomp[p->n_seccomp++] = f;
  first = p->n_seccomp;
  for (size_t i = 0; i < p->n_seccomp_fds; i++) {
    if (read_bpf(p, p->seccomp_fds[i], option, &p->seccomp[p->n_seccomp], e) < 0)
      return -1;
    p->n_seccomp++;
  }
  for (size_t i = first; i < p->n_seccomp; i++)
    if (check_bpf(&p->seccomp[i], option, e) < 0)
      return -1;
  return 0;
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
  return read_seccomp_programs(p, e);
}
