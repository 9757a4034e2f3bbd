/* `exec` (doc/design.md, "OCI runtime"): a new process in a running
 * container.  It joins the container's namespaces through /proc/PID/ns,
 * forks (a PID namespace applies to children only), then takes the
 * process.json's user, capabilities, limits and the container's seccomp
 * filter, as `create` gave them to the first process. */
#include "oci.h"

#include "caps.h"
#include "error.h"
#include "ociinit.h"
#include "ociproc.h"
#include "ocistate.h"
#include "plan.h"
#include "rlimit.h"
#include "seccomp.h"
#include "signals.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const struct { const char *name; int type; } ns_order[] = {
  { "user", CLONE_NEWUSER }, { "ipc", CLONE_NEWIPC },     { "uts", CLONE_NEWUTS },
  { "net", CLONE_NEWNET },   { "pid", CLONE_NEWPID },     { "cgroup", CLONE_NEWCGROUP },
  { "mnt", CLONE_NEWNS },
};

static bool same_file(const char *a, const char *b)
{
  struct stat sa, sb;
  return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
         sa.st_dev == sb.st_dev;
}

/* Each namespace of the container that is not already ours, in an order
 * where the user namespace comes first (it grants the rest) and the
 * mount namespace last (it changes what paths mean). */
static int join_container(pid_t pid, struct sbx_error *e)
{
  int fds[ARRAY_SIZE(ns_order)];

  for (size_t i = 0; i < ARRAY_SIZE(ns_order); i++) {
    char theirs[64], ours[64];
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, ns_order[i].name);
    snprintf(ours, sizeof ours, "/proc/self/ns/%s", ns_order[i].name);
    fds[i] = same_file(theirs, ours) ? -1 : open(theirs, O_RDONLY | O_CLOEXEC);
  }
  for (size_t i = 0; i < ARRAY_SIZE(ns_order); i++) {
    if (fds[i] >= 0 && setns(fds[i], ns_order[i].type) < 0)
      return sbx_fail(e, errno, "exec: join the container's %s namespace", ns_order[i].name);
    if (fds[i] >= 0)
      close(fds[i]);
  }
  return 0;
}

/* The console for a process with a terminal, -1 for one without; -2
 * after an error. */
static int connect_console(const struct oci_opts *o, bool terminal, struct sbx_error *e)
{
  int fd;

  if (!terminal)
    return -1;
  if (!o->console_socket)
    return sbx_fail(e, 0, "exec: a terminal needs --console-socket"), -2;
  fd = ociinit_console_connect(o->console_socket, "exec", e);
  return fd < 0 ? -2 : fd;
}

/* The container's filter, as `create` compiled it (none: no file). */
static int load_filter(const struct oci_state *s, struct sbx_bpf *f, struct sbx_error *e)
{
  _cleanup_free_ char *path = ocistate_path(s, "seccomp.bpf");
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;

  *f = (struct sbx_bpf){ NULL, 0 };
  if (fd < 0)
    return errno == ENOENT ? 0 : sbx_fail(e, errno, "exec: %s", path);
  if (fstat(fd, &st) < 0 || st.st_size % 8 != 0)
    return sbx_fail(e, 0, "exec: %s: not a filter", path);
  f->data = xmalloc((size_t)st.st_size + 1);
  f->len = (size_t)st.st_size;
  if (pread(fd, f->data, f->len, 0) != (ssize_t)f->len)
    return sbx_fail(e, errno, "exec: read %s", path);
  return 0;
}

static int apply_process(const struct oci_process *p, struct sbx_error *e)
{
  if (chdir(p->cwd) < 0)
    return sbx_fail(e, errno, "exec: process.cwd %s", p->cwd);
  clearenv();
  for (size_t i = 0; i < p->n_env; i++)
    putenv(p->env[i]);
  struct plan limits; /* only its rlimits: the parser and setter of --rlimit */
  plan_init(&limits, PERS_OCI);
  if (ociproc_rlimits(p, &limits, e) < 0 || rlimit_resolve(&limits, e) < 0 ||
      rlimit_apply(&limits, e) < 0)
    return -1;
  if (caps_set_exactly(p->caps, 0, p->ambient, e) < 0)
    return -1;
  if (ociinit_user(p->uid, p->gid, p->groups, p->n_groups, e) < 0)
    return -1;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sbx_fail(e, errno, "exec: prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}

/* The new process: errors go up the pipe, to be printed by `exec`. */
static void run_process(const struct oci_process *p, int console, const struct sbx_bpf *f,
                        int errfd) __attribute__((noreturn));
static void run_process(const struct oci_process *p, int console, const struct sbx_bpf *f,
                        int errfd)
{
  struct sbx_error e = { 0 };
  char path[PATH_MAX];

  if ((console < 0 || ociinit_console(console, &e) == 0) && apply_process(p, &e) == 0 &&
      ociinit_find(p->args[0], path, sizeof path, &e) == 0 &&
      seccomp_install(f, &e) == 0) {
    unblock_all_signals();
    execve(path, p->args, environ);
    sbx_fail_status(&e, errno == ENOENT ? SBX_EXIT_NOTFOUND : SBX_EXIT_NOEXEC, errno,
                    "exec %s", p->args[0]);
  }
  write_all(errfd, &e, sizeof e);
  _exit(e.status ? e.status : SBX_EXIT_SETUP);
}

/* The pid file is opened before the container's mount namespace is
 * joined: its path is the engine's.  So is its directory, where the file
 * is removed again if the process does not start. */
struct pid_file {
  int fd, dir;
  const char *name; /* in dir */
};

static int open_pid_file(const char *file, struct pid_file *pf, struct sbx_error *e)
{
  const char *slash = file ? strrchr(file, '/') : NULL;
  _cleanup_free_ char *dir = NULL;

  *pf = (struct pid_file){ -1, -1, NULL };
  if (!file)
    return 0;
  pf->fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (pf->fd < 0)
    return sbx_fail(e, errno, "exec: --pid-file %s", file);
  if (slash) {
    dir = xstrdup(file);
    dir[slash - file + 1] = '\0';
  }
  pf->dir = open(dir ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  pf->name = slash ? slash + 1 : file;
  return 0;
}

static void drop_pid_file(const struct pid_file *pf)
{
  if (pf->fd >= 0 && pf->dir >= 0)
    unlinkat(pf->dir, pf->name, 0);
}

static int write_pid(int fd, pid_t pid, struct sbx_error *e)
{
  char num[24];
  int r;

  if (fd < 0)
    return 0;
  snprintf(num, sizeof num, "%d", (int)pid);
  r = write_all(fd, num, strlen(num));
  close(fd);
  return r < 0 ? sbx_fail(e, errno, "exec: write the pid file") : 0;
}

/* Forks the process; returns its exit status, or 0 at once with --detach. */
static int spawn(const struct oci_opts *o, const struct oci_process *p, int console,
                 int pid_fd, const struct sbx_bpf *f, struct sbx_error *e)
{
  int pv[2], st;
  pid_t pid;
  ssize_t n;

  if (pipe2(pv, O_CLOEXEC) < 0)
    return sbx_fail(e, errno, "exec: pipe");
  if ((pid = fork()) < 0)
    return sbx_fail(e, errno, "exec: fork");
  if (pid == 0) {
    close(pv[0]);
    run_process(p, console, f, pv[1]);
  }
  close(pv[1]);
  if (console >= 0)
    close(console);
  while ((n = read(pv[0], e, sizeof *e)) < 0 && errno == EINTR)
    ;
  close(pv[0]);
  if (n == (ssize_t)sizeof *e) {
    waitpid(pid, &st, 0);
    return -1;
  }
  if (write_pid(pid_fd, pid, e) < 0)
    return -1;
  if (o->detach)
    return 0;
  if (waitpid(pid, &st, 0) < 0)
    return sbx_fail(e, errno, "exec: wait");
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int oci_exec(const struct oci_opts *o, struct sbx_error *e)
{
  struct oci_state s;
  struct oci_process p;
  struct sbx_bpf f;
  json_object *doc;
  struct pid_file pf;
  int console, status = -1;

  if (ocistate_load(o->root, o->id, &s, e) < 0)
    return -1;
  if (ocistate_status(&s) == OCI_STOPPED)
    return sbx_fail(e, 0, "exec: container %s: is not running", o->id);
  if (!o->process)
    return sbx_fail(e, 0, "exec: --process FILE is needed");
  if (ocijson_read(o->process, &doc, e) < 0 || ociproc_parse(doc, "process", &p, e) < 0)
    return -1;
  p.terminal |= o->tty;
  if ((console = connect_console(o, p.terminal, e)) == -2 ||
      open_pid_file(o->pid_file, &pf, e) < 0)
    return -1;
  if (load_filter(&s, &f, e) == 0 && join_container(s.pid, e) == 0)
    status = spawn(o, &p, console, pf.fd, &f, e);
  if (status < 0)
    drop_pid_file(&pf);
  return status;
}
