/* Network namespace: a new one holds only `lo`, down.  Bringing it up is
 * enough: the kernel then gives it 127.0.0.1/8 and ::1 by itself, so one
 * SIOCSIFFLAGS ioctl does the job of an rtnetlink exchange.  Also --netns,
 * below. */

#include "error.h"
#include "net.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

int netns_loopback_up(struct sbx_error *e)
{
  _cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  struct ifreq ifr;

  if (s < 0)
    return sbx_fail(e, errno, "loopback: socket");
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
    return sbx_fail(e, errno, "loopback: bring lo up");
  return 0;
}

/* ---- --netns: join an existing network namespace ------------------------------
 *
 * Joining a network namespace needs CAP_SYS_ADMIN over the user
 * namespace that owns it and over the caller's own.  An unprivileged
 * caller has neither in the host's user namespace, so it cannot join a
 * namespace that `ip netns add` made as root; but it owns the user
 * namespace of any sandbox it started, and the owner of a user namespace
 * holds every capability in it (doc/design.md, "Network").  So the launcher
 * joins the owning user namespace first when it is not its own, then the
 * network namespace, and creates the sandbox's user namespace below the
 * joined one.  Root joins any namespace directly. */

int netns_open(struct plan_net *n, struct sbx_error *e)
{
  int fd = n->netns_fd;

  if (fd < 0)
    fd = open(n->netns_arg, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  else if (fcntl(fd, F_GETFD) < 0)
    return sbx_fail(e, 0, "--netns %s: fd %d is not open", n->netns_arg, fd);
  if (fd < 0)
    return sbx_fail(e, errno, "--netns %s", n->netns_arg);
  int type = ioctl(fd, NS_GET_NSTYPE);
  if (type != CLONE_NEWNET) {
    sbx_fail(e, type < 0 ? errno : 0, "--netns %s: not a network namespace", n->netns_arg);
    sbx_hint(e, "a file such as /proc/PID/ns/net or /run/netns/NAME");
    if (n->netns_fd < 0)
      close(fd);
    return -1;
  }
  n->netns_fd = fd;
  return 0;
}

static bool same_file(int fd, const char *path)
{
  struct stat a, b;
  return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

static int join_failed(const struct plan_net *n, int err, bool own_userns, struct sbx_error *e)
{
  sbx_fail(e, err, "--netns %s: join", n->netns_arg);
  if (err != EPERM)
    return -1;
  if (own_userns && geteuid() != 0)
    sbx_hint(e, "it belongs to the host's user namespace, where joining needs "
                "CAP_SYS_ADMIN (root, as for a namespace of `ip netns add`); without "
                "privileges, join one that a sandbox of yours made, such as /proc/PID/ns/net "
                "of its command");
  else
    sbx_hint(e, "the user namespace that owns it is not yours (another user's, or one "
                "above this process), so joining needs CAP_SYS_ADMIN there");
  return -1;
}

int netns_join(const struct plan_net *n, struct sbx_error *e)
{
  _cleanup_close_ int owner = -1;
  bool own;

  if (n->mode != NET_JOIN)
    return 0;
  owner = ioctl(n->netns_fd, NS_GET_USERNS);
  if (owner < 0)
    return join_failed(n, errno, false, e);
  own = same_file(owner, "/proc/self/ns/user");
  if (!own && setns(owner, CLONE_NEWUSER) < 0)
    return join_failed(n, errno, false, e);
  if (setns(n->netns_fd, CLONE_NEWNET) < 0)
    return join_failed(n, errno, own, e);
  return 0;
}
