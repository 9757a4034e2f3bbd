/* The launch sequence.
 *
 * Process model (SPEC §4.4):
 *   launcher (outside: forwards signals, prints errors, returns the status)
 *     -> child, created by one clone() with every namespace; it sets up the
 *        sandbox, then becomes pid 1 (the reaper) or, without a reaper, the
 *        command itself
 *       -> command
 * The launcher and the child share a SOCK_SEQPACKET pair.  The child and the
 * command send a struct sbx_error over it when they fail; the command's end
 * is close-on-exec, so end-of-file with no message means exec succeeded.
 * The same socket is the child's lifeline: if the launcher dies, the child
 * sees its end hang up. */


#include "launch.h"

#include "error.h"
#include "sandbox.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct child_args {
  const struct plan *plan;
  int sock;          /* the child's end */
  int launcher_sock; /* the launcher's end, closed in the child */
  uid_t outer_uid;
  gid_t outer_gid;
  sigset_t orig_mask;
};

static unsigned long clone_flags(unsigned ns)
{
  static const struct { unsigned bit; unsigned long flag; } map[] = {
    { NS_USER, CLONE_NEWUSER }, { NS_MOUNT, CLONE_NEWNS },  { NS_PID, CLONE_NEWPID },
    { NS_NET, CLONE_NEWNET },   { NS_IPC, CLONE_NEWIPC },   { NS_UTS, CLONE_NEWUTS },
    { NS_CGROUP, CLONE_NEWCGROUP },
  };
  unsigned long flags = 0;
  for (size_t i = 0; i < ARRAY_SIZE(map); i++)
    if (ns & map[i].bit)
      flags |= map[i].flag;
  return flags;
}

/* ---- child side ---------------------------------------------------- */

static void child_fail(int sock, struct sbx_error *e)
{
  report_error(sock, e);
  _exit(e->status);
}

/* PR_SET_PDEATHSIG only covers a parent that dies after it is armed; the
 * hang-up check closes the window before it. */
static void arm_parent_death(int sock)
{
  struct pollfd pfd = { .fd = sock, .events = POLLRDHUP };
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLRDHUP)))
    _exit(SBX_EXIT_SETUP);
}

typedef int (*step_fn)(const struct child_args *a, struct sbx_error *e);

static int step_userns(const struct child_args *a, struct sbx_error *e)
{
  return userns_write_maps(a->plan, a->outer_uid, a->outer_gid, e);
}

static int step_net(const struct child_args *a, struct sbx_error *e)
{
  return (a->plan->ns & NS_NET) ? netns_loopback_up(e) : 0;
}

static int step_mounts(const struct child_args *a, struct sbx_error *e)
{
  return mounts_build_root(a->plan, e);
}

static int step_hostname(const struct child_args *a, struct sbx_error *e)
{
  const char *name = a->plan->hostname;
  if (name && sethostname(name, strlen(name)) < 0)
    return sbx_fail(e, errno, "--hostname %s", name);
  return 0;
}

static int step_privileges(const struct child_args *a, struct sbx_error *e)
{
  (void)a;
  if (caps_drop_all(e) < 0)
    return -1;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return sbx_fail(e, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}

static const struct { const char *name; step_fn fn; } steps[] = {
  { "user namespace id maps", step_userns },
  { "loopback up", step_net },
  { "new root", step_mounts },
  { "hostname", step_hostname },
  { "drop privileges", step_privileges },
};

static void run_steps(const struct child_args *a, struct sbx_error *e)
{
  for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
    uint64_t t0 = now_us();
    if (steps[i].fn(a, e) < 0)
      child_fail(a->sock, e);
    if (a->plan->verbose)
      sbx_warn("%s: %.3f ms", steps[i].name, (double)(now_us() - t0) / 1000.0);
  }
}

static void child_main(const struct child_args *a) __attribute__((noreturn));
static void child_main(const struct child_args *a)
{
  const struct plan *p = a->plan;
  struct sbx_error e = { 0 };
  char old_cwd[PATH_MAX];
  struct exec_ctx x = { .report_fd = a->sock };
  pid_t cmd;

  if (p->die_with_parent)
    arm_parent_death(a->sock);
  /* The caller's directory, as a path to look for inside the sandbox. */
  if (getcwd(old_cwd, sizeof old_cwd))
    x.old_cwd = old_cwd;
  getrlimit(RLIMIT_NOFILE, &x.nofile);
  x.umask = umask(0); /* modes of created paths are exactly as asked */
  run_steps(a, &e);

  if (!(p->ns & NS_PID) || p->as_pid_1)
    command_exec(p, &x);
  cmd = fork();
  if (cmd < 0) {
    sbx_fail(&e, errno, "fork the command");
    child_fail(a->sock, &e);
  }
  if (cmd == 0)
    command_exec(p, &x);
  reaper_run(cmd);
}

/* ---- launcher side ------------------------------------------------- */

struct monitor {
  pid_t child;
  int sock;
  int sigfd;
  bool child_done;
  bool sock_done;
  int wstatus;
  bool have_error;
  struct sbx_error err;
};

static void read_report(struct monitor *m)
{
  struct sbx_error msg;
  ssize_t n = recv(m->sock, &msg, sizeof msg, MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0) {
    m->sock_done = true;
    return;
  }
  /* The first error is the cause; later ones are consequences. */
  if (!m->have_error && n == (ssize_t)sizeof msg) {
    msg.msg[sizeof msg.msg - 1] = '\0';
    m->err = msg;
    m->have_error = true;
  }
}

static void handle_signal(struct monitor *m)
{
  struct signalfd_siginfo si;

  if (read(m->sigfd, &si, sizeof si) != (ssize_t)sizeof si)
    return;
  if (si.ssi_signo != SIGCHLD) {
    kill(m->child, (int)si.ssi_signo);
    return;
  }
  if (!m->child_done && waitpid(m->child, &m->wstatus, WNOHANG) == m->child)
    m->child_done = true;
}

static void monitor_loop(struct monitor *m)
{
  while (!m->child_done || !m->sock_done) {
    struct pollfd pfd[2] = {
      { .fd = m->sigfd, .events = POLLIN },
      { .fd = m->sock_done ? -1 : m->sock, .events = POLLIN },
    };
    /* Once the child has exited nobody can still hold its end. */
    if (m->child_done) {
      read_report(m);
      if (!m->sock_done)
        continue;
      break;
    }
    if (poll(pfd, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (pfd[1].revents)
      read_report(m);
    if (pfd[0].revents)
      handle_signal(m);
  }
}

/* Die with the caller: armed first, then checked, so there is no moment
 * at which the caller can die unnoticed. */
static void guard_caller(pid_t caller)
{
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != caller)
    _exit(SBX_EXIT_SETUP);
}

static pid_t spawn_child(const struct plan *p, struct child_args *a, struct sbx_error *e)
{
  pid_t pid = (pid_t)syscall(SYS_clone, clone_flags(p->ns) | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0) {
    sbx_fail(e, errno, "create namespaces");
    userns_clone_hint(errno, e);
    return -1;
  }
  if (pid == 0) {
    close(a->launcher_sock);
    child_main(a);
  }
  return pid;
}

int launch(const struct plan *p, pid_t caller, struct sbx_error *e)
{
  struct child_args a = { .plan = p, .outer_uid = getuid(), .outer_gid = getgid() };
  struct monitor m = { .sock = -1 };
  sigset_t fwd;
  int sv[2];

  if (p->die_with_parent)
    guard_caller(caller);
  forwarded_signals(&fwd);
  sigaddset(&fwd, SIGCHLD);
  sigprocmask(SIG_BLOCK, &fwd, &a.orig_mask);
  m.sigfd = signalfd(-1, &fwd, SFD_CLOEXEC);
  if (m.sigfd < 0)
    return sbx_fail(e, errno, "signalfd");
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return sbx_fail(e, errno, "socketpair");
  a.sock = sv[1];
  a.launcher_sock = m.sock = sv[0];

  m.child = spawn_child(p, &a, e);
  close(sv[1]);
  if (m.child < 0)
    return -1;
  monitor_loop(&m);
  if (m.have_error) {
    *e = m.err;
    return -1;
  }
  return status_to_exit(m.wstatus);
}
