/* The sandbox's own terminal: see pty.h and doc/design.md, "The terminal".
 *
 * Why a pty of the sandbox's own, and not the caller's terminal with
 * filtered ioctls: a terminal is reachable through more than ioctls on fds
 * 0-2 (open("/dev/tty"), the line discipline, the session's job control),
 * and a session of the command's own on the caller's terminal
 * (--new-session) costs an interactive shell its job control.  With a
 * pty, the command's session, /dev/tty and every ioctl act on the
 * sandbox's pty; only bytes cross to the caller's terminal. */
#include "pty.h"

#include "util.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long the launcher waits for the last output once the sandbox is
 * gone.  The slave's hang-up normally ends the wait at once; this bounds
 * it when a process outside the sandbox's PID namespace (--share-pid)
 * still holds the slave. */
#define DRAIN_SILENCE_MS 200

/* ---- the child --------------------------------------------------------- */

/* /dev/pts/ptmx of the sandbox's own devpts (--dev); /dev/ptmx when /dev
 * is the host's (--dev-bind /dev /dev), whose pts/ptmx is mode 0. */
static int open_ptmx(void)
{
  int fd = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0 && (errno == ENOENT || errno == EACCES))
    fd = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  return fd;
}

int pty_open(int *master, int *slave, struct sbx_error *e)
{
  int unlock = 0;
  struct termios t;
  struct winsize ws;

  *master = open_ptmx();
  if (*master < 0)
    return sbx_fail(e, errno, "the sandbox's terminal: no /dev/pts/ptmx in the sandbox "
                              "(--dev /dev makes one; --share-terminal does without)");
  /* TIOCGPTPEER opens the slave of this very master, with no path to look
   * up in between. */
  if (ioctl(*master, TIOCSPTLCK, &unlock) < 0 ||
      (*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
    sbx_fail(e, errno, "the sandbox's terminal");
    close(steal_fd(master));
    return -1;
  }
  /* The caller's modes (stty settings) and size carry over. */
  if (tcgetattr(STDIN_FILENO, &t) == 0)
    tcsetattr(*slave, TCSANOW, &t);
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl(*slave, TIOCSWINSZ, &ws);
  return 0;
}

int pty_send_master(int sock, int master, struct sbx_error *e)
{
  struct sync_msg m = { .kind = MSG_PTY };
  struct iovec iov = { .iov_base = &m, .iov_len = sizeof m };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl = { 0 };
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf,
  };
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &master, sizeof master);
  if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
    return sbx_fail(e, errno, "the sandbox's terminal: pass it to the launcher");
  return 0;
}

/* ---- the command ------------------------------------------------------- */

int pty_attach(int slave, unsigned fds, struct sbx_error *e)
{
  if (setsid() < 0)
    return sbx_fail(e, errno, "the sandbox's terminal: setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0)
    return sbx_fail(e, errno, "the sandbox's terminal: make it the controlling terminal");
  for (int fd = 0; fd <= 2; fd++)
    if ((fds & (1u << fd)) && dup2(slave, fd) < 0)
      return sbx_fail(e, errno, "the sandbox's terminal: dup2");
  if (slave > 2)
    close(slave);
  return 0;
}

/* ---- the launcher's relay ---------------------------------------------- */

void pty_relay_init(struct pty_relay *r, unsigned fds)
{
  r->master = -1;
  r->hung_up = false;
  r->in = STDIN_FILENO;
  /* Output goes where the command's output went: stdout when it is this
   * terminal, else stderr, else stdin's own fd (terminals open O_RDWR). */
  r->out = (fds & 2u) ? STDOUT_FILENO : (fds & 4u) ? STDERR_FILENO : STDIN_FILENO;
  r->in_done = false;
  r->raw = false;
  r->n_pending = 0;
}

void pty_relay_start(struct pty_relay *r, int master)
{
  r->master = master;
  fcntl(master, F_SETFL, O_NONBLOCK);
  pty_relay_foreground(r);
}

void pty_relay_foreground(struct pty_relay *r)
{
  struct termios raw;

  /* A launcher in the background (`sandbox ... &`) must not change the
   * modes under the shell in the foreground: it relays output only, and
   * takes the keyboard once `fg` brings it to the foreground (see
   * pty_relay_timeout). */
  if (r->raw || r->master < 0 || tcgetpgrp(r->in) != getpgrp())
    return;
  /* Raw: every key, ^C and ^Z included, reaches the sandbox's pty, whose
   * line discipline (with the caller's modes) turns them into signals
   * for the sandbox's foreground job, and output is passed unchanged. */
  if (tcgetattr(r->in, &r->saved) < 0)
    return;
  raw = r->saved;
  cfmakeraw(&raw);
  r->raw = tcsetattr(r->in, TCSANOW, &raw) == 0;
}

/* How soon `fg` takes effect; and only a launcher in the background
 * wakes this way. */
#define FOREGROUND_CHECK_MS 100

int pty_relay_timeout(const struct pty_relay *r)
{
  return r->master >= 0 && !r->hung_up && !r->raw ? FOREGROUND_CHECK_MS : -1;
}

size_t pty_relay_poll(const struct pty_relay *r, struct pollfd *pfd)
{
  if (r->master < 0 || r->hung_up)
    return 0;
  /* Input waits while the pty's input queue is full: no read from the
   * caller until what was read is written. */
  pfd[0] = (struct pollfd){ .fd = !r->raw || r->in_done || r->n_pending ? -1 : r->in,
                            .events = POLLIN };
  pfd[1] = (struct pollfd){ .fd = r->master,
                            .events = (short)(POLLIN | (r->n_pending ? POLLOUT : 0)) };
  return 2;
}

/* The master stays open until the end: closing it hangs the slave up,
 * and the kernel would send SIGHUP to a command that has closed its fds
 * but not yet exited (cat does). */
static void hang_up(struct pty_relay *r)
{
  r->hung_up = true;
}

static void copy_output(struct pty_relay *r)
{
  char buf[65536];
  ssize_t n = read(r->master, buf, sizeof buf);

  if (n > 0)
    write_all(r->out, buf, (size_t)n);
  else if (n == 0 || (errno != EAGAIN && errno != EINTR))
    hang_up(r); /* EIO: every slave fd is closed */
}

static void flush_pending(struct pty_relay *r)
{
  ssize_t n = write(r->master, r->pending, r->n_pending);

  if (n > 0) {
    r->n_pending -= (size_t)n;
    memmove(r->pending, r->pending + n, r->n_pending);
  } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
    r->n_pending = 0;
  }
}

static void copy_input(struct pty_relay *r)
{
  ssize_t n = read(r->in, r->pending, sizeof r->pending);

  if (n > 0) {
    r->n_pending = (size_t)n;
    flush_pending(r);
  } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
    r->in_done = true; /* the caller's terminal hung up */
  }
}

void pty_relay_handle(struct pty_relay *r, const struct pollfd *pfd, size_t n)
{
  if (n < 2)
    return;
  if (pfd[0].revents)
    copy_input(r);
  if (pfd[1].revents & POLLOUT)
    flush_pending(r);
  if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))
    copy_output(r);
}

void pty_relay_winch(const struct pty_relay *r)
{
  struct winsize ws;
  if (r->master >= 0 && ioctl(r->in, TIOCGWINSZ, &ws) == 0)
    ioctl(r->master, TIOCSWINSZ, &ws);
}

void pty_relay_finish(struct pty_relay *r)
{
  /* The kernel moves what the command wrote last to the master's side
   * asynchronously: read until the slave's hang-up says it is all there. */
  while (r->master >= 0 && !r->hung_up) {
    struct pollfd p = { .fd = r->master, .events = POLLIN };
    if (poll(&p, 1, DRAIN_SILENCE_MS) <= 0)
      break;
    copy_output(r);
  }
  if (r->master >= 0)
    close(steal_fd(&r->master));
  if (r->raw)
    tcsetattr(r->in, TCSADRAIN, &r->saved);
  r->raw = false;
}
