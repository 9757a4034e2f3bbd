/* The launcher: it creates the child with every namespace in one clone(),
 * then waits outside, forwarding signals, and turns what it hears into an
 * exit status.
 *
 *   launcher -> child (setup; then reaper as pid 1, or the command) -> command
 *
 * Two channels come back from inside.  A SOCK_SEQPACKET pair carries the
 * child's setup error, or, in the bwrap personality, the reaper's word that
 * the command has exited.  An exec pipe, close-on-exec in the command,
 * carries the command's exec error; end-of-file with no error means the
 * exec succeeded.  The socket is also the child's lifeline: if the
 * launcher dies, the child sees its end hang up. */
#include "launch.h"

#include "error.h"
#include "sandbox.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

struct monitor {
  const struct plan *plan;
  pid_t child;
  int sock, exec_fd, sigfd;
  bool child_done, sock_done, exec_done;
  bool exec_failed;
  bool have_status; /* the reaper told us the command's status */
  int status;
  int wstatus;
  bool have_error;
  struct sbx_error err;
};

static void keep_error(struct monitor *m, const struct sbx_error *e)
{
  /* The first error is the cause; later ones are consequences. */
  if (m->have_error)
    return;
  m->err = *e;
  m->err.msg[sizeof m->err.msg - 1] = '\0';
  m->have_error = true;
}

static void read_sock(struct monitor *m)
{
  struct sync_msg msg;
  ssize_t n = recv(m->sock, &msg, sizeof msg, MSG_DONTWAIT);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n <= 0) {
    m->sock_done = true;
    return;
  }
  if (n != (ssize_t)sizeof msg)
    return;
  if (msg.kind == MSG_ERROR)
    keep_error(m, &msg.err);
  else if (msg.kind == MSG_STATUS) {
    m->have_status = true;
    m->status = msg.status;
  }
}

static void read_exec_pipe(struct monitor *m)
{
  struct sbx_error e;
  ssize_t n = read(m->exec_fd, &e, sizeof e);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return;
  if (n == (ssize_t)sizeof e) {
    keep_error(m, &e);
    m->exec_failed = true;
    return;
  }
  m->exec_done = true;
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

/* Done when the child is gone and both channels are drained, or, in the
 * bwrap personality, as soon as the reaper reports the command's status. */
static bool finished(const struct monitor *m)
{
  if (m->have_status || (m->have_error && m->child_done))
    return true;
  return m->child_done && m->sock_done && (m->exec_done || m->exec_failed);
}

static void monitor_loop(struct monitor *m)
{
  while (!finished(m)) {
    struct pollfd pfd[3] = {
      { .fd = m->sigfd, .events = POLLIN },
      { .fd = m->sock_done ? -1 : m->sock, .events = POLLIN },
      { .fd = m->exec_done || m->exec_failed ? -1 : m->exec_fd, .events = POLLIN },
    };
    /* With the child gone nobody holds the other ends: poll() returns at
     * once, so this does not spin for long. */
    if (poll(pfd, 3, -1) < 0 && errno != EINTR)
      break;
    if (pfd[1].revents)
      read_sock(m);
    if (pfd[2].revents)
      read_exec_pipe(m);
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

/* --userns and --pidns: join before clone, so the child is created in
 * them (a PID namespace applies to children only). */
static int join_namespaces(const struct plan *p, struct sbx_error *e)
{
  if (p->userns_fd >= 0 && setns(p->userns_fd, CLONE_NEWUSER) < 0)
    return sbx_fail(e, errno, "--userns: setns");
  if (p->pidns_fd >= 0 && setns(p->pidns_fd, CLONE_NEWPID) < 0)
    return sbx_fail(e, errno, "--pidns: setns");
  return 0;
}

static pid_t spawn_child(const struct plan *p, struct child_args *a, struct sbx_error *e)
{
  unsigned long flags = clone_flags(p->ns);
  pid_t pid;

  /* A joined PID namespace gets its nested one from the child (child.c). */
  if (p->pidns_fd >= 0)
    flags &= ~(unsigned long)CLONE_NEWPID;
  pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
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

/* --userns-block-fd: a helper outside writes the child's id maps, then
 * sends a byte; only then may the child go on. */
static void release_child(struct monitor *m)
{
  char c;
  ssize_t n;
  while (m->plan->userns_block_fd >= 0 &&
         (n = read(m->plan->userns_block_fd, &c, 1)) < 0 && errno == EINTR)
    ;
  send_msg(m->sock, MSG_GO, 0, NULL);
}

static int open_channels(struct monitor *m, struct child_args *a, struct sbx_error *e)
{
  int sv[2], pv[2];
  sigset_t fwd;

  forwarded_signals(&fwd);
  sigaddset(&fwd, SIGCHLD);
  m->sigfd = signalfd(-1, &fwd, SFD_CLOEXEC);
  if (m->sigfd < 0)
    return sbx_fail(e, errno, "signalfd");
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return sbx_fail(e, errno, "socketpair");
  if (pipe2(pv, O_CLOEXEC) < 0)
    return sbx_fail(e, errno, "pipe");
  a->sock = sv[1];
  a->launcher_sock = m->sock = sv[0];
  m->exec_fd = pv[0];
  a->exec_fd = pv[1];
  return 0;
}

static int result(struct monitor *m, struct sbx_error *e)
{
  int status;

  /* The command is gone, so its end of the exec pipe is closed: this
   * read cannot block, and says whether the exec succeeded. */
  if (!m->exec_done && !m->exec_failed)
    read_exec_pipe(m);
  if (m->have_error) {
    *e = m->err;
    return -1;
  }
  status = m->have_status ? m->status : status_to_exit(m->wstatus);
  /* bubblewrap writes "exit-code" only for a command that really ran. */
  if (m->exec_done)
    status_write_exit(m->plan, status);
  return status;
}

int launch(const struct plan *p, pid_t caller, struct sbx_error *e)
{
  struct child_args a = {
    .plan = p, .outer_uid = getuid(), .outer_gid = getgid(),
    .filters = p->seccomp, .n_filters = p->n_seccomp,
    /* The built-in profiles allow every call left before exec, so the
     * sandbox personality installs them once, before the fork, for pid 1
     * and the command alike (each install costs the kernel a run of the
     * filter per syscall number).  Filters from the caller may allow only
     * what follows prctl, as bubblewrap promises: those go last, in each
     * process. */
    .filters_early = p->pers == PERS_SANDBOX && p->n_seccomp_fds == 0,
  };
  struct monitor m = { .plan = p, .sock = -1, .exec_fd = -1 };

  if (p->die_with_parent)
    guard_caller(caller);
  if (join_namespaces(p, e) < 0 || open_channels(&m, &a, e) < 0)
    return -1;
  m.child = spawn_child(p, &a, e);
  close(a.sock);
  close(a.exec_fd);
  if (m.child < 0)
    return -1;
  status_write_info(p, m.child);
  if (plan_child_waits(p))
    release_child(&m);
  monitor_loop(&m);
  return result(&m, e);
}
