/* The last steps in the process that becomes the command: environment,
 * working directory, session, fds, then exec.  Runs after the pivot, so
 * every path here is a sandbox path. */

#include "command.h"

#include "child.h"
#include "error.h"
#include "pty.h"
#include "rlimit.h"
#include "seccomp.h"
#include "signals.h"
#include "util.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

/* Errors go to the exec pipe, which the launcher reads: only it prints. */
static void command_fail(const struct exec_ctx *x, struct sbx_error *e) __attribute__((noreturn));
static void command_fail(const struct exec_ctx *x, struct sbx_error *e)
{
  if (write_all(x->a->exec_fd, e, sizeof *e) < 0)
    sbx_error_print(e); /* the launcher is gone; say it ourselves */
  _exit(e->status);
}

static void apply_env(const struct plan *p)
{
  for (size_t i = 0; i < p->n_env; i++) {
    const struct env_op *op = &p->env[i];
    switch (op->kind) {
    case ENV_SET: setenv(op->name, op->value, 1); break;
    case ENV_UNSET: unsetenv(op->name); break;
    case ENV_CLEAR: clearenv(); break;
    }
  }
}

/* PWD=cwd without the heap in the vforked command: setenv() would
 * malloc, and the heap's first use costs copy-on-write faults
 * (doc/design.md, launch cost).  The command rewrites this buffer and
 * puts it in place of the PWD entry, which command_prepare made sure
 * exists: replacing an entry needs no memory, adding one would.  The
 * string must outlive this frame, until the exec. */
static char pwd_entry[sizeof "PWD=" + PATH_MAX];

static void reserve_pwd(void)
{
  if (getenv("PWD"))
    return;
  strcpy(pwd_entry, "PWD=");
  putenv(pwd_entry);
}

static void set_pwd(const char *cwd)
{
  const char *old = getenv("PWD");

  if (old && strcmp(old, cwd) == 0)
    return;
  strcpy(stpcpy(pwd_entry, "PWD="), cwd);
  putenv(pwd_entry);
}

/* --chdir, else the caller's directory if the sandbox has it, else $HOME,
 * else /.  PWD always says where the command starts. */
static int enter_workdir(const struct plan *p, const char *old_cwd, struct sbx_error *e)
{
  const char *home = getenv("HOME");
  char cwd[PATH_MAX];

  if (p->chdir) {
    if (chdir(p->chdir) < 0)
      return sbx_fail(e, errno, "--chdir %s", p->chdir);
    /* A directory reached through an inherited fd (/proc/self/fd/N) can
     * lie outside the new root: the CVE-2024-21626 class.  The kernel then
     * has no path for it from our root, and getcwd() says ENOENT. */
    if (!getcwd(cwd, sizeof cwd) && errno == ENOENT)
      return sbx_fail(e, 0, "--chdir %s: the directory is outside the sandbox", p->chdir);
  } else if (!(old_cwd && chdir(old_cwd) == 0) && !(home && chdir(home) == 0)) {
    if (chdir("/") < 0)
      return sbx_fail(e, errno, "chdir /");
  }
  if (getcwd(cwd, sizeof cwd))
    set_pwd(cwd);
  else if (getenv("PWD") == pwd_entry + 4)
    unsetenv("PWD"); /* reserve_pwd's empty entry: no PWD, as the caller had */
  return 0;
}

/* Reads the PT_INTERP of an ELF file, if it has one. */
static bool elf_interpreter(int fd, char *out, size_t size)
{
  Elf64_Ehdr eh;
  if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh ||
      memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
    return false;
  for (int i = 0; i < eh.e_phnum; i++) {
    Elf64_Phdr ph;
    off_t off = (off_t)eh.e_phoff + (off_t)i * eh.e_phentsize;
    if (pread(fd, &ph, sizeof ph, off) != (ssize_t)sizeof ph)
      return false;
    if (ph.p_type != PT_INTERP || ph.p_filesz == 0 || ph.p_filesz >= size)
      continue;
    if (pread(fd, out, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
      return false;
    out[ph.p_filesz] = '\0';
    return true;
  }
  return false;
}

/* Reads the interpreter named on a #! line. */
static bool script_interpreter(int fd, char *out, size_t size)
{
  char buf[256];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n < 3 || buf[0] != '#' || buf[1] != '!')
    return false;
  buf[n] = '\0';
  char *s = buf + 2 + strspn(buf + 2, " \t");
  size_t len = strcspn(s, " \t\n");
  if (len == 0 || len >= size)
    return false;
  memcpy(out, s, len);
  out[len] = '\0';
  return true;
}

/* ENOENT from exec can mean the program or its loader is missing: tell
 * the two apart, because "bash: not found" for a bash that `ls` shows is
 * the classic confusing sandbox error. */
static void explain_loader(const char *prog, struct sbx_error *e)
{
  char interp[PATH_MAX];
  _cleanup_close_ int fd = open(prog, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return;
  if (!elf_interpreter(fd, interp, sizeof interp) && !script_interpreter(fd, interp, sizeof interp))
    return;
  if (access(interp, F_OK) < 0)
    sbx_hint(e, "%s exists but its loader %s is not inside the sandbox", prog, interp);
}

/* Turns path, a link, into the path its target t names. */
static void follow_link(char *path, size_t size, const char *t)
{
  char *slash = strrchr(path, '/');
  if (t[0] == '/' || !slash)
    snprintf(path, size, "%s", t);
  else
    snprintf(slash + 1, size - (size_t)(slash + 1 - path), "%s", t);
}

/* More than any real chain of alternatives (/usr/bin/vi -> /etc/alternatives/vi
 * -> /usr/bin/vim.basic); past it, the loader check has its say. */
#define LINK_HOPS 8

/* The other thing `ls` shows but exec cannot find: a link into what the
 * sandbox lacks (/usr/bin/awk -> /etc/alternatives/awk without /etc).
 * Follows the chain as the command sees it and names the first target
 * missing.  Returns whether it gave a hint. */
static bool explain_dangling(const char *prog, struct sbx_error *e)
{
  char path[PATH_MAX], link[PATH_MAX], target[PATH_MAX];
  struct stat st;
  ssize_t n;

  snprintf(path, sizeof path, "%s", prog);
  for (int hop = 0; hop < LINK_HOPS; hop++) {
    if (lstat(path, &st) < 0) {
      if (hop == 0 || (errno != ENOENT && errno != ENOTDIR))
        return false;
      if (hop == 1)
        sbx_hint(e, "%s is a link to %s, which is not inside the sandbox", prog, path);
      else
        sbx_hint(e, "%s is a link, through %s, to %s, which is not inside the sandbox", prog,
                 link, path);
      return true;
    }
    if (!S_ISLNK(st.st_mode) || (n = readlink(path, target, sizeof target - 1)) <= 0)
      return false;
    target[n] = '\0';
    strcpy(link, path);
    follow_link(path, sizeof path, target);
  }
  return false;
}

/* The directories execvp searched: PATH, or glibc's default without one. */
static const char *search_path(void)
{
  const char *path = getenv("PATH");
  return path ? path : "/bin:/usr/bin";
}

/* Copies the first directory of a PATH list into dir ("" is "."); returns
 * the rest of the list, or NULL after its last entry. */
static const char *next_dir(const char *list, char *dir, size_t size)
{
  size_t n = strcspn(list, ":");
  snprintf(dir, size, "%.*s", n ? (int)n : 1, n ? list : ".");
  return list[n] ? list + n + 1 : NULL;
}

/* The first PATH entry for a bare command name, as execvp tried it, so the
 * checks above can look at it; NULL when no directory holds that name. */
static const char *path_lookup(const char *name, char *out, size_t size)
{
  char dir[PATH_MAX];
  struct stat st;

  for (const char *rest = search_path(); rest;) {
    rest = next_dir(rest, dir, sizeof dir);
    if (snprintf(out, size, "%s/%s", dir, name) < (int)size && lstat(out, &st) == 0)
      return out;
  }
  return NULL;
}

static bool path_has_dir(void)
{
  char dir[PATH_MAX];

  for (const char *rest = search_path(); rest;) {
    rest = next_dir(rest, dir, sizeof dir);
    if (access(dir, F_OK) == 0)
      return true;
  }
  return false;
}

/* Nothing to run the command from at all: `sandbox bash` binds nothing,
 * and the sandbox's root is only /proc, /dev and /tmp. */
static void explain_not_found(const char *prog, struct sbx_error *e)
{
  if (path_has_dir())
    return;
  if (access("/usr", F_OK) < 0)
    sbx_hint(e, "the sandbox's root holds nothing to run %s from (no /usr, no directory of "
                "PATH): the usual fix is --ro-bind /usr /usr", prog);
  else
    sbx_hint(e, "no directory of PATH (%s) is inside the sandbox", search_path());
}

/* A bare name is looked up as execvp did, so that `sandbox ... -- awk`
 * gets the same hints as /usr/bin/awk.  A few lstat calls, and only on
 * the way out: this runs in the vforked command process. */
static void explain_missing(const char *prog, struct sbx_error *e)
{
  char found[PATH_MAX];
  struct stat st;
  const char *file = prog;

  if (!strchr(prog, '/'))
    file = path_lookup(prog, found, sizeof found);
  else if (lstat(prog, &st) < 0)
    file = NULL;
  if (!file)
    explain_not_found(prog, e);
  else if (!explain_dangling(file, e))
    explain_loader(file, e);
}

/* The sandbox personality closes every fd but 0-2 and --pass-fd ones
 * (the exec pipe closes itself at exec).  The bwrap personality passes
 * inherited fds through, as bubblewrap does, and closes only those its own
 * options consumed. */
static void close_fds(const struct plan *p, const struct exec_ctx *x)
{
  if (p->pers == PERS_SANDBOX) {
    int keep[p->n_pass_fds + 1];
    for (size_t i = 0; i < p->n_pass_fds; i++)
      keep[i] = p->pass_fds[i];
    keep[p->n_pass_fds] = x->a->exec_fd;
    close_fds_except(keep, p->n_pass_fds + 1);
    return;
  }
  const int used[] = { p->block_fd, p->userns_block_fd, p->as_pid_1 ? -1 : p->sync_fd };
  for (size_t i = 0; i < ARRAY_SIZE(used); i++)
    if (used[i] > 2)
      close(used[i]);
}

/* --block-fd: wait for one byte (or end of file) before going on, for as
 * long as the caller likes.  The forwarded signals, held until the exec
 * otherwise, are let in for the wait: one sent to the launcher then ends
 * a command that waits as it would one that runs. */
static void wait_block_fd(int fd)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  sigset_t none;
  char c;

  sigemptyset(&none);
  while (ppoll(&pfd, 1, NULL, &none) < 0 && errno == EINTR)
    ;
  while (read(fd, &c, 1) < 0 && errno == EINTR)
    ;
}

static void exec_failed(const char *prog, int err, struct sbx_error *e)
{
  int status = err == ENOENT ? SBX_EXIT_NOTFOUND : SBX_EXIT_NOEXEC;
  sbx_fail_status(e, status, err, "execute %s", prog);
  if (err == ENOENT)
    explain_missing(prog, e);
}

static char **command_argv(const struct plan *p)
{
  size_t n = 0;
  char **v;

  if (!p->argv0)
    return p->argv;
  while (p->argv[n])
    n++;
  v = xcalloc(n + 1, sizeof *v);
  memcpy(v, p->argv, n * sizeof *v);
  v[0] = (char *)p->argv0;
  return v;
}

void command_prepare(const struct plan *p, struct exec_ctx *x)
{
  apply_env(p);
  reserve_pwd();
  x->argv = command_argv(p);
}

typedef int (*command_step_fn)(const struct plan *p, const struct exec_ctx *x,
                               struct sbx_error *e);

static int step_block_fd(const struct plan *p, const struct exec_ctx *x, struct sbx_error *e)
{
  (void)x, (void)e;
  if (p->block_fd >= 0)
    wait_block_fd(p->block_fd);
  return 0;
}

/* A session of its own on the sandbox's pty (pty.h), which replaces the
 * caller's terminal on fds 0-2; --new-session is then implied. */
static int step_terminal(const struct plan *p, const struct exec_ctx *x, struct sbx_error *e)
{
  return x->tty_slave >= 0 ? pty_attach(x->tty_slave, p->tty_fds, e) : 0;
}

/* Before chdir: no fd that is not passed on can serve as a way out. */
static int step_close_fds(const struct plan *p, const struct exec_ctx *x, struct sbx_error *e)
{
  (void)e;
  close_fds(p, x);
  return 0;
}

static int step_workdir(const struct plan *p, const struct exec_ctx *x, struct sbx_error *e)
{
  return enter_workdir(p, x->old_cwd, e);
}

static int step_session(const struct plan *p, const struct exec_ctx *x, struct sbx_error *e)
{
  if (p->new_session && x->tty_slave < 0 && setsid() < 0)
    return sbx_fail(e, errno, "--new-session: setsid");
  return 0;
}

/* The caller's umask and fd limit back (--rlimit nofile may replace the
 * latter next), then --rlimit. */
static int step_limits(const struct plan *p, const struct exec_ctx *x, struct sbx_error *e)
{
  umask(x->umask);
  if (setrlimit(RLIMIT_NOFILE, &x->nofile) < 0)
    return sbx_fail(e, errno, "restore the fd limit: setrlimit(RLIMIT_NOFILE)");
  return rlimit_apply(p, e);
}

static int step_signal_mask(const struct plan *p, const struct exec_ctx *x, struct sbx_error *e)
{
  (void)p, (void)x, (void)e;
  unblock_all_signals();
  return 0;
}

/* Last, so the steps above are not constrained by the filter (plan.h,
 * seccomp_early). */
static int step_seccomp(const struct plan *p, const struct exec_ctx *x, struct sbx_error *e)
{
  if (p->seccomp_early)
    return 0;
  return seccomp_install_all(x->a->filters, x->a->n_filters, e);
}

static int step_exec(const struct plan *p, const struct exec_ctx *x, struct sbx_error *e)
{
  execvp(p->argv[0], x->argv);
  exec_failed(p->argv[0], errno, e);
  return -1;
}

/* The command's launch order (doc/design.md, "Launch order"), from the
 * fork to the exec.  A failure goes to the launcher through the exec
 * pipe (command_fail). */
static const struct { const char *name; command_step_fn fn; } command_steps[] = {
  { "--block-fd", step_block_fd },
  { "terminal", step_terminal },
  { "close fds", step_close_fds },
  { "working directory", step_workdir },
  { "session", step_session },
  { "umask and limits", step_limits },
  { "signal mask", step_signal_mask },
  { "seccomp", step_seccomp },
  { "exec", step_exec },
};

void command_exec(const struct plan *p, const struct exec_ctx *x)
{
  struct sbx_error e = { 0 };

  for (size_t i = 0; i < ARRAY_SIZE(command_steps); i++)
    if (command_steps[i].fn(p, x, &e) < 0)
      command_fail(x, &e);
  command_fail(x, &e); /* not reached: step_exec never succeeds here */
}
