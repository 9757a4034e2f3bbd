/* The last steps in the process that becomes the command: environment,
 * working directory, session, fds, then exec.  Runs after the pivot, so
 * every path here is a sandbox path. */


#include "error.h"
#include "sandbox.h"
#include "seccomp.h"
#include "util.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
    setenv("PWD", cwd, 1);
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
static void explain_missing(const char *prog, struct sbx_error *e)
{
  char interp[PATH_MAX];
  _cleanup_close_ int fd = -1;

  if (!strchr(prog, '/'))
    return;
  fd = open(prog, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  if (!elf_interpreter(fd, interp, sizeof interp) && !script_interpreter(fd, interp, sizeof interp))
    return;
  if (access(interp, F_OK) < 0)
    sbx_hint(e, "%s exists but its loader %s is not inside the sandbox", prog, interp);
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

/* --block-fd: wait for one byte (or end of file) before going on. */
static void wait_block_fd(int fd)
{
  char c;
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

void command_exec(const struct plan *p, const struct exec_ctx *x)
{
  struct sbx_error e = { 0 };
  sigset_t empty;

  apply_env(p);
  if (p->block_fd >= 0)
    wait_block_fd(p->block_fd);
  /* Before chdir: no fd that is not passed on can serve as a way out. */
  close_fds(p, x);
  if (enter_workdir(p, x->old_cwd, &e) < 0)
    command_fail(x, &e);
  if (p->new_session && setsid() < 0) {
    sbx_fail(&e, errno, "--new-session: setsid");
    command_fail(x, &e);
  }
  umask(x->umask);
  setrlimit(RLIMIT_NOFILE, &x->nofile);
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, NULL);
  /* Last, so the steps above are not constrained by the filter. */
  if (!x->a->filters_early && seccomp_install_all(x->a->filters, x->a->n_filters, &e) < 0)
    command_fail(x, &e);
  execvp(p->argv[0], command_argv(p));
  exec_failed(p->argv[0], errno, &e);
  command_fail(x, &e);
}
