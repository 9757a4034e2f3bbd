/* The last steps in the process that becomes the command: environment,
 * working directory, session, fds, then exec.  Runs after the pivot, so
 * every path here is a sandbox path. */


#include "error.h"
#include "sandbox.h"
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

void report_error(int report_fd, const struct sbx_error *e)
{
  if (send(report_fd, e, sizeof *e, MSG_NOSIGNAL) < 0)
    sbx_error_print(e); /* the launcher is gone; say it ourselves */
}

static void command_fail(int report_fd, struct sbx_error *e) __attribute__((noreturn));
static void command_fail(int report_fd, struct sbx_error *e)
{
  report_error(report_fd, e);
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

/* The report fd stays until exec closes it (it is close-on-exec). */
static void close_fds_except_plus(const int *keep, size_t n, int extra)
{
  int all[n + 1];
  memcpy(all, keep, n * sizeof *keep);
  all[n] = extra;
  close_fds_except(all, n + 1);
}

static void exec_failed(const char *prog, int err, struct sbx_error *e)
{
  int status = err == ENOENT ? SBX_EXIT_NOTFOUND : SBX_EXIT_NOEXEC;
  sbx_fail_status(e, status, err, "execute %s", prog);
  if (err == ENOENT)
    explain_missing(prog, e);
}

void command_exec(const struct plan *p, const struct exec_ctx *x)
{
  struct sbx_error e = { 0 };
  int report_fd = x->report_fd;
  sigset_t empty;

  apply_env(p);
  if (enter_workdir(p, x->old_cwd, &e) < 0)
    command_fail(report_fd, &e);
  if (p->new_session && setsid() < 0) {
    sbx_fail(&e, errno, "--new-session: setsid");
    command_fail(report_fd, &e);
  }
  close_fds_except_plus(p->pass_fds, p->n_pass_fds, report_fd);
  umask(x->umask);
  setrlimit(RLIMIT_NOFILE, &x->nofile);
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, NULL);
  execvp(p->argv[0], p->argv);
  exec_failed(p->argv[0], errno, &e);
  command_fail(report_fd, &e);
}
