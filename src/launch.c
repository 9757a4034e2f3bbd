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

#include "child.h"
#include "error.h"
#include "net.h"
#include "pty.h"
#include "signals.h"
#include "status.h"
#include "userns.h"
#include "util.h"
#include "wire.h"

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
  struct pty_relay tty; /* the sandbox's own terminal, when it has one */
  struct net_run net;   /* --net pasta, slirp4netns, bridge (net.h) */
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

/* recv() of one message and of the fd that comes with it, if any. */
static ssize_t recv_msg(int sock, struct sync_msg *m, int *fd)
{
  struct iovec iov = { .iov_base = m, .iov_len = sizeof *m };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl;
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf,
  };
  ssize_t n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;

  *fd = -1;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
      c->cmsg_len == CMSG_LEN(sizeof(int)))
    memcpy(fd, CMSG_DATA(c), sizeof *fd);
  return n;
}

/* One message, if one is queued; false when none is (yet). */
static bool read_sock(struct monitor *m)
{
  struct sync_msg msg;
  int fd;
  ssize_t n = recv_msg(m->sock, &msg, &fd);

  if (n < 0 && (errno == EAGAIN || errno == EINTR))
    return false;
  if (n <= 0) {
    m->sock_done = true;
    return false;
  }
  if (msg.kind == MSG_PTY && fd >= 0 && m->tty.master < 0 && !m->child_done) {
    pty_relay_start(&m->tty, fd);
    return true;
  }
  if (fd >= 0)
    close(fd);
  if (n != (ssize_t)sizeof msg)
    return true;
  if (msg.kind == MSG_ERROR)
    keep_error(m, &msg.err);
  else if (msg.kind == MSG_STATUS) {
    m->have_status = true;
    m->status = msg.status;
  }
  return true;
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
  /* With a pty of its own, the sandbox learns of a new size from its pty
   * (the kernel signals its foreground job), not from a forwarded signal. */
  if (si.ssi_signo == SIGWINCH && m->tty.master >= 0) {
    pty_relay_winch(&m->tty);
    return;
  }
  if (si.ssi_signo != SIGCHLD) {
    kill(m->child, (int)si.ssi_signo);
    return;
  }
  if (!m->child_done && waitpid(m->child, &m->wstatus, WNOHANG) == m->child)
    m->child_done = true;
}

/* Only what must be heard while the sandbox runs wakes the launcher: the
 * signals, in the bwrap personality the reaper's report that the command
 * has exited, and with a terminal of its own the pty's master, then the
 * bytes to relay.  Everything else (a setup error, the exec pipe) is
 * queued in its channel and read once the child is gone: each wakeup of
 * a sleeping launcher costs a context switch, and this loop is on the
 * launch path of every sandbox. */
static bool wants_report(const struct monitor *m)
{
  if (m->sock_done)
    return false;
  return m->plan->pers == PERS_BWRAP || (m->plan->tty_fds && m->tty.master < 0);
}

static bool finished(const struct monitor *m)
{
  return m->have_status || m->child_done;
}

static void monitor_loop(struct monitor *m)
{
  while (!finished(m)) {
    struct pollfd pfd[4] = {
      { .fd = m->sigfd, .events = POLLIN },
      { .fd = wants_report(m) ? m->sock : -1, .events = POLLIN },
    };
    size_t n_tty = pty_relay_poll(&m->tty, pfd + 2);
    if (poll(pfd, 2 + n_tty, pty_relay_timeout(&m->tty)) < 0 && errno != EINTR)
      break;
    pty_relay_foreground(&m->tty);
    if (pfd[1].revents)
      read_sock(m);
    pty_relay_handle(&m->tty, pfd + 2, n_tty);
    if (pfd[0].revents)
      handle_signal(m);
  }
}

/* The child is gone, or the reaper has reported: nobody writes to the
 * channels any more, so these reads cannot block. */
static void drain_channels(struct monitor *m)
{
  while (!m->have_error && read_sock(m))
    ;
  if (!m->exec_done && !m->exec_failed)
    read_exec_pipe(m);
}

/* Die with the caller: armed first, then checked, so there is no moment
 * at which the caller can die unnoticed.  The kernel refuses SIGKILL to no
 * one, but a caller's seccomp filter may refuse the call: then there is
 * no guard, and --die-with-parent cannot be kept. */
static int guard_caller(pid_t caller, struct sbx_error *e)
{
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
    return sbx_fail(e, errno, "--die-with-parent: prctl(PR_SET_PDEATHSIG)");
  if (getppid() != caller)
    _exit(SBX_EXIT_SETUP);
  return 0;
}

/* --userns and --pidns: join before clone, so the child is created in
 * them (a PID namespace applies to children only). */
static int join_namespaces(const struct plan *p, struct sbx_error *e)
{
  if (p->userns_fd >= 0 && setns(p->userns_fd, CLONE_NEWUSER) < 0)
    return sbx_fail(e, errno, "--userns: setns");
  if (p->pidns_fd >= 0 && setns(p->pidns_fd, CLONE_NEWPID) < 0)
    return sbx_fail(e, errno, "--pidns: setns");
  return netns_join(&p->net, e);
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

/* The helper is given this long to connect the sandbox: it normally takes
 * milliseconds, and the child waits for it without a clock of its own. */
#define NET_READY_TIMEOUT_MS 10000

static int wait_network(struct monitor *m, struct sbx_error *e)
{
  uint64_t deadline = now_us() + NET_READY_TIMEOUT_MS * UINT64_C(1000);
  int fd;

  while ((fd = net_wait_fd(&m->net)) >= 0 && !m->child_done) {
    struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN }, { .fd = m->sigfd, .events = POLLIN } };
    uint64_t now = now_us();
    if (now >= deadline)
      return net_helper_error(m->plan, &m->net, "was not ready within 10 s", e);
    if (poll(pfd, 2, (int)((deadline - now) / 1000) + 1) < 0 && errno != EINTR)
      return sbx_fail(e, errno, "%s: poll", net_mode_name(&m->plan->net));
    if (pfd[1].revents)
      handle_signal(m);
    if (pfd[0].revents && net_ready(m->plan, &m->net, e) < 0)
      return -1;
  }
  return 0;
}

/* --net pasta, slirp4netns and bridge are set up from outside, right after
 * clone(), while the child builds its root; the child waits for a MSG_GO
 * that carries the bridge's lease (doc/design.md, "Network").  A failure
 * ends the child first: its own error, if it had one, is the cause. */
static void start_network(struct monitor *m)
{
  struct sync_msg go = { .kind = MSG_GO };
  struct sbx_error e;

  if (!net_child_waits(m->plan))
    return;
  if (net_start(m->plan, m->child, &m->net, &e) < 0 || wait_network(m, &e) < 0 ||
      (!m->child_done && net_after_ready(m->plan, &m->net, &e) < 0)) {
    kill(m->child, SIGKILL);
    if (!m->child_done && waitpid(m->child, &m->wstatus, 0) == m->child)
      m->child_done = true;
    while (!m->have_error && read_sock(m))
      ;
    keep_error(m, &e);
    net_stop(&m->net);
    return;
  }
  go.lease = m->net.lease;
  if (!m->child_done && write(m->sock, &go, sizeof go) < 0)
    return; /* the child is gone: its status says why */
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

  drain_channels(m);
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
    .plan = p, .outer_uid = p->host.uid, .outer_gid = p->host.gid,
    .filters = p->seccomp, .n_filters = p->n_seccomp,
  };
  struct monitor m = { .plan = p, .sock = -1, .exec_fd = -1 };

  /* From here on a signal is passed on to the sandbox, once it exists. */
  block_forwarded_signals();
  net_run_init(&m.net);
  if (p->die_with_parent && guard_caller(caller, e) < 0)
    return -1;
  if (join_namespaces(p, e) < 0 || open_channels(&m, &a, e) < 0)
    return -1;
  /* --netns may have joined the namespace's owning user namespace: the
   * child's id maps name the caller as seen from there. */
  if (p->net.mode == NET_JOIN) {
    a.outer_uid = getuid();
    a.outer_gid = getgid();
  }
  pty_relay_init(&m.tty, p->tty_fds);
  m.child = spawn_child(p, &a, e);
  close(a.sock);
  close(a.exec_fd);
  if (m.child < 0)
    return -1;
  status_write_info(p, m.child);
  if (p->child_waits)
    release_child(&m);
  start_network(&m);
  monitor_loop(&m);
  net_stop(&m.net);
  /* The caller's terminal is back as it was before any error is shown. */
  pty_relay_finish(&m.tty);
  return result(&m, e);
}
