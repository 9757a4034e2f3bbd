/* The cloned child, pid 1 of the sandbox: it runs the steps of pid1_steps[]
 * below, in that order (doc/design.md, "Launch order"), then becomes the
 * reaper and lets the command run, or becomes the command itself. */
#include "child.h"

#include "caps.h"
#include "command.h"
#include "error.h"
#include "mount.h"
#include "net.h"
#include "plan.h"
#include "pty.h"
#include "reaper.h"
#include "seccomp.h"
#include "signals.h"
#include "userns.h"
#include "util.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void child_fail(const struct child_args *a, struct sbx_error *e) __attribute__((noreturn));
static void child_fail(const struct child_args *a, struct sbx_error *e)
{
  send_msg(a->sock, MSG_ERROR, 0, e);
  _exit(e->status);
}

/* PR_SET_PDEATHSIG only covers a parent that dies after it is armed; the
 * hang-up check on an fd whose other end only the parent holds closes the
 * window before it.  The prctl fails only under a seccomp filter that
 * refuses it (the launcher's own guard would have failed first), and
 * then --die-with-parent cannot be kept: a setup error. */
static int arm_parent_death(int lifeline, struct sbx_error *e)
{
  struct pollfd pfd = { .fd = lifeline, .events = POLLRDHUP };
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
    return sbx_fail(e, errno, "--die-with-parent: prctl(PR_SET_PDEATHSIG)");
  if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLRDHUP)))
    _exit(SBX_EXIT_SETUP);
  return 0;
}

/* Waits for MSG_GO from the launcher; *m is what came. */
static int wait_for_go(const struct child_args *a, struct sync_msg *msg, struct sbx_error *e)
{
  struct sync_msg m;
  ssize_t n;
  do
    n = recv(a->sock, &m, sizeof m, 0);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t)sizeof m || m.kind != MSG_GO)
    return sbx_fail(e, n < 0 ? errno : 0, "the launcher went away");
  if (msg)
    *msg = m;
  return 0;
}

/* What the steps of pid 1 share, on its stack: each step takes it whole,
 * and nothing passes between steps outside it. */
struct pid1 {
  const struct child_args *a;
  const struct plan *p;
  struct exec_ctx x;      /* what the command gets back (command.h) */
  char *cwd;              /* PATH_MAX bytes for the caller's directory; outside
                           * the struct, so that its initializer does not
                           * write them (doc/design.md, "Launch cost") */
  int proc_fd;            /* --disable-userns: the host's /proc, until the
                           * nested user namespace step, after the pivot */
  int *keep;              /* what pid 1 holds: the socket, --sync-fd, the locks */
  size_t n_keep;
  pid_t command;          /* with a reaper, the command's pid */
};

typedef int (*step_fn)(struct pid1 *c, struct sbx_error *e);

/* The program's text and the stack setup is about to use, in two calls:
 * after the clone() each would otherwise cost pid 1 a fault per page
 * (doc/design.md, "Launch cost"). */
#define SETUP_STACK_BYTES (32 * 1024)

static int step_pages(struct pid1 *c, struct sbx_error *e)
{
  (void)c;
  (void)e;
  prefault_text();
  prefault_stack(SETUP_STACK_BYTES);
  return 0;
}

static int step_parent_death(struct pid1 *c, struct sbx_error *e)
{
  return c->p->die_with_parent ? arm_parent_death(c->a->sock, e) : 0;
}

/* The caller's state that the command gets back once setup is over. */
static int step_caller_state(struct pid1 *c, struct sbx_error *e)
{
  const struct plan *p = c->p;

  /* The status fds are the launcher's to write and close; a copy here
   * would hold them open past the launcher's end-of-file. */
  if (p->info_fd >= 0)
    close(p->info_fd);
  if (p->json_status_fd >= 0)
    close(p->json_status_fd);
  /* The caller's directory, as a path to look for inside the sandbox. */
  if (getcwd(c->cwd, PATH_MAX))
    c->x.old_cwd = c->cwd;
  /* The command gets this fd limit back (command.c); setup may raise it. */
  if (getrlimit(RLIMIT_NOFILE, &c->x.nofile) < 0)
    return sbx_fail(e, errno, "getrlimit(RLIMIT_NOFILE)");
  c->x.umask = umask(0); /* modes of created paths are exactly as asked */
  return 0;
}

/* plan.h, child_waits: the launcher's MSG_GO first. */
static int step_wait_launcher(struct pid1 *c, struct sbx_error *e)
{
  return c->p->child_waits ? wait_for_go(c->a, NULL, e) : 0;
}

static int step_userns(struct pid1 *c, struct sbx_error *e)
{
  const struct plan *p = c->p;
  if (!(p->ns & NS_USER) || p->userns_block_fd >= 0)
    return 0;
  return userns_write_maps(p, c->a->outer_uid, c->a->outer_gid, e);
}

static int step_net(struct pid1 *c, struct sbx_error *e)
{
  return (c->p->ns & NS_NET) ? netns_loopback_up(e) : 0;
}

/* --net pasta, slirp4netns, bridge: the launcher connects the namespace
 * meanwhile (net.h).  Waited for late, so that it overlaps the building of
 * the root, and before anything that could make the namespace files of
 * this process unreachable to the helper (a nested user namespace). */
static int step_network(struct pid1 *c, struct sbx_error *e)
{
  struct sync_msg m;

  if (!net_child_waits(c->p))
    return 0;
  if (wait_for_go(c->a, &m, e) < 0)
    return -1;
  return net_configure_inside(c->p, &m.lease, e);
}

/* --disable-userns writes a sysctl of this user namespace after the
 * pivot, when the host /proc is gone: keep a handle on it until then. */
static int step_mounts(struct pid1 *c, struct sbx_error *e)
{
  if (c->p->disable_userns) {
    c->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (c->proc_fd < 0)
      return sbx_fail(e, errno, "open /proc");
  }
  return mounts_build_root(c->p, e);
}

/* The sandbox's own terminal (pty.h): made once the new root, with its
 * devpts, is in place; the master goes to the launcher, the slave stays
 * here for the command. */
static int step_terminal(struct pid1 *c, struct sbx_error *e)
{
  int master;

  if (!c->p->tty_fds)
    return 0;
  if (pty_open(&master, &c->x.tty_slave, e) < 0)
    return -1;
  int r = pty_send_master(c->a->sock, master, e);
  close(master);
  return r;
}

static int step_hostname(struct pid1 *c, struct sbx_error *e)
{
  const char *name = c->p->hostname;
  if (name && sethostname(name, strlen(name)) < 0)
    return sbx_fail(e, errno, "--hostname %s", name);
  return 0;
}

static int step_userns_late(struct pid1 *c, struct sbx_error *e)
{
  const struct plan *p = c->p;
  int r = 0;

  if (p->userns2_fd >= 0 && setns(p->userns2_fd, CLONE_NEWUSER) < 0)
    return sbx_fail(e, errno, "--userns2: setns");
  if (p->disable_userns)
    r = userns_disable(p, c->proc_fd, e);
  if (c->proc_fd >= 0)
    close(steal_fd(&c->proc_fd));
  if (r == 0 && (p->disable_userns || p->assert_userns_disabled))
    r = userns_assert_disabled(e);
  return r;
}

/* Sits between the launcher and the new pid 1: passes signals on, and
 * exits with its status. */
static void relay(pid_t child) __attribute__((noreturn));
static void relay(pid_t child)
{
  sigset_t set;
  siginfo_t si;
  int st;

  forwarded_signals(&set);
  sigaddset(&set, SIGCHLD);
  for (;;) {
    if (waitpid(child, &st, WNOHANG) == child)
      _exit(status_to_exit(st));
    if (sigwaitinfo(&set, &si) > 0 && si.si_signo != SIGCHLD)
      kill(child, si.si_signo);
  }
}

/* --pidns with --unshare-pid: only a member of a PID namespace may make a
 * namespace below it, so this process, which joined it, makes the new one
 * and forks its pid 1, then stays in between. */
static int step_nested_pidns(struct pid1 *c, struct sbx_error *e)
{
  const struct plan *p = c->p;
  int lifeline[2], r;
  pid_t pid;

  if (p->pidns_fd < 0 || !(p->ns & NS_PID))
    return 0;
  if (unshare(CLONE_NEWPID) < 0)
    return sbx_fail(e, errno, "--pidns: make the nested PID namespace");
  if (pipe2(lifeline, O_CLOEXEC) < 0)
    return sbx_fail(e, errno, "pipe");
  pid = fork();
  if (pid < 0)
    return sbx_fail(e, errno, "fork");
  if (pid > 0) {
    close(lifeline[0]);
    relay(pid);
  }
  close(lifeline[1]);
  r = p->die_with_parent ? arm_parent_death(lifeline[0], e) : 0;
  close(lifeline[0]);
  return r;
}

/* pid 1 is not dumpable: the command, same uid, must never ptrace it,
 * read its memory, fds or environment, nor own its /proc/1 files.  A
 * caller that asks for its pid (--info-fd, --json-status-fd) means to
 * open the /proc/PID/ns files and /proc/PID/root of it (`flatpak enter`,
 * bubblewrap's --userns and --pidns), which only a dumpable process
 * allows its owner; then pid 1 stays dumpable, as bubblewrap's always
 * is, but guarded: it keeps CAP_SYS_PTRACE of its user namespace in its
 * permitted set (never effective; outside the bounding set, so the
 * command's exec drops it), and the kernel refuses every ptrace access
 * check (ptrace, /proc/1/{mem,environ,cwd,root,fd,ns}, pidfd_getfd) to
 * a process whose capabilities do not cover the target's and that lacks
 * CAP_SYS_PTRACE over its user namespace.  The guard needs a user
 * namespace of the sandbox's own (without one, CAP_SYS_PTRACE would be
 * the host's; and root outside may open those files anyway), capability
 * sets this program sets, and a command without CAP_SYS_PTRACE;
 * otherwise pid 1 stays non-dumpable.  What a dumpable pid 1 still gives
 * the command is what bubblewrap gives: writing the owner's /proc/1
 * tunables (oom_score_adj, autogroup, coredump_filter). */
static bool reaper_inspectable(const struct plan *p)
{
  const uint64_t ptrace_cap = UINT64_C(1) << CAP_SYS_PTRACE;

  if (p->info_fd < 0 && p->json_status_fd < 0)
    return false;
  if (!(p->ns & NS_USER) && p->userns_fd < 0)
    return false;
  return !p->caps_untouched && !(p->caps & ptrace_cap);
}

static uint64_t reaper_guard(const struct plan *p)
{
  return p->reaper && reaper_inspectable(p) ? UINT64_C(1) << CAP_SYS_PTRACE : 0;
}

static int step_privileges(struct pid1 *c, struct sbx_error *e)
{
  const struct plan *p = c->p;
  bool inherit = p->caps_on || p->caps_off; /* --cap-add or --cap-drop given */

  if (!p->caps_untouched && caps_set_exactly(p->caps, reaper_guard(p), inherit, e) < 0)
    return -1;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sbx_fail(e, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  if (p->seccomp_early)
    return seccomp_install_all(c->a->filters, c->a->n_filters, e);
  return 0;
}

/* --lock-file: read locks that pid 1 holds for the sandbox's lifetime
 * (fcntl locks belong to the process that takes them, and are not passed
 * on by fork: the command has none of them). */
static int take_locks(const struct plan *p, int *fds, struct sbx_error *e)
{
  for (size_t i = 0; i < p->n_lock_files; i++) {
    struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
    fds[i] = open(p->lock_files[i], O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0 || fcntl(fds[i], F_SETLK, &fl) < 0)
      return sbx_fail(e, errno, "--lock-file %s", p->lock_files[i]);
  }
  return 0;
}

/* command.h: what needs the heap, made before the vfork. */
static int step_prepare(struct pid1 *c, struct sbx_error *e)
{
  (void)e;
  command_prepare(c->p, &c->x);
  return 0;
}

/* What pid 1 holds, with a reaper: the socket, --sync-fd and the locks. */
static int step_locks(struct pid1 *c, struct sbx_error *e)
{
  if (!c->p->reaper)
    return 0;
  c->keep[0] = c->a->sock;
  c->keep[1] = c->p->sync_fd;
  return take_locks(c->p, c->keep + 2, e);
}

/* Before the fork, so that the command never sees a dumpable pid 1;
 * not earlier: the id maps are written through /proc/self, which a
 * non-dumpable process no longer owns.  The command becomes dumpable
 * again when it execs. */
static int step_not_dumpable(struct pid1 *c, struct sbx_error *e)
{
  if (!c->p->reaper || reaper_inspectable(c->p))
    return 0;
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return sbx_fail(e, errno, "prctl(PR_SET_DUMPABLE)");
  return 0;
}

/* vfork: the command only makes system calls on its way to exec (what
 * needs the heap was made by step_prepare; a failed exec reads the program
 * to explain why, then exits), so it may borrow pid 1's memory meanwhile
 * (pid 1 waits, and uses none of what the command changes); no page tables
 * to copy, no copy-on-write faults.  Measured: 4% of the whole launch.
 * Not with --block-fd: the command then waits for the caller's byte, and a
 * pid 1 suspended for as long would pass no signal on and reap nothing;
 * fork() keeps it running (doc/design.md, "Processes").  The command never
 * returns here: it execs or exits inside command_exec. */
static int step_fork(struct pid1 *c, struct sbx_error *e)
{
  if (!c->p->reaper)
    return 0;
  c->command = c->p->block_fd >= 0 ? fork() : vfork();
  if (c->command < 0)
    return sbx_fail(e, errno, "fork the command");
  if (c->command == 0)
    command_exec(c->p, &c->x);
  return 0;
}

/* pid 1's launch order (doc/design.md, "Launch order"), every step in
 * turn; then pid 1 reaps (reaper.c), or, without a reaper, becomes the
 * command (command.c). */
static const struct { const char *name; step_fn fn; } pid1_steps[] = {
  { "pages", step_pages },
  { "parent death", step_parent_death },
  { "caller state", step_caller_state },
  { "wait for the launcher", step_wait_launcher },
  { "user namespace", step_userns },
  { "nested PID namespace", step_nested_pidns },
  { "loopback up", step_net },
  { "new root", step_mounts },
  { "terminal", step_terminal },
  { "hostname", step_hostname },
  { "network", step_network },
  { "nested user namespaces", step_userns_late },
  { "privileges", step_privileges },
  { "command prepared", step_prepare },
  { "locks", step_locks },
  { "not dumpable", step_not_dumpable },
  { "fork the command", step_fork },
};

static void run_steps(struct pid1 *c)
{
  struct sbx_error e = { 0 };

  for (size_t i = 0; i < ARRAY_SIZE(pid1_steps); i++) {
    /* The clock only when asked: the first read faults in the vDSO. */
    uint64_t t0 = c->p->verbose ? now_us() : 0;
    if (pid1_steps[i].fn(c, &e) < 0)
      child_fail(c->a, &e);
    if (c->p->verbose)
      sbx_warn("%s: %.3f ms", pid1_steps[i].name, (double)(now_us() - t0) / 1000.0);
  }
}

void child_main(const struct child_args *a)
{
  const struct plan *p = a->plan;
  int keep[p->n_lock_files + 2];
  char cwd[PATH_MAX];
  struct pid1 c = {
    .a = a, .p = p, .cwd = cwd, .proc_fd = -1, .keep = keep, .n_keep = p->n_lock_files + 2,
  };

  c.x.a = a;
  c.x.tty_slave = -1;
  run_steps(&c);
  if (!p->reaper)
    command_exec(p, &c.x);
  reaper_run(a, c.command, c.keep, c.n_keep);
}
