/* The container's waiting first process (ociinit.h).  Runs inside the
 * finished sandbox, under its seccomp filter and with its capabilities:
 * it only switches user, waits and execs, so that nothing of the
 * config's program runs before `start` (doc/design.md, "OCI runtime"). */
#include "ociinit.h"

#include "error.h"
#include "pty.h"
#include "signals.h"
#include "util.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

/* The master goes with its name as data, the form engines read. */
static int send_master(int sock, int master, struct sbx_error *e)
{
  char name[64] = "/dev/ptmx";
  struct iovec iov = { .iov_base = name, .iov_len = 0 };
  union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(int))]; } ctl = { 0 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                        .msg_controllen = sizeof ctl.buf };
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

  ptsname_r(master, name, sizeof name);
  iov.iov_len = strlen(name);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &master, sizeof master);
  while (sendmsg(sock, &msg, 0) < 0)
    if (errno != EINTR)
      return sbx_fail(e, errno, "console socket: send the terminal");
  return 0;
}

int ociinit_console_connect(const char *path, const char *cmd, struct sbx_error *e)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd;

  if (strlen(path) >= sizeof sa.sun_path)
    return sbx_fail(e, ENAMETOOLONG, "%s: --console-socket %s", cmd, path);
  strcpy(sa.sun_path, path);
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    int err = errno;
    if (fd >= 0)
      close(fd);
    return sbx_fail(e, err, "%s: --console-socket %s", cmd, path);
  }
  return fd;
}

int ociinit_console(int console, struct sbx_error *e)
{
  int master, slave, r;

  if (pty_open(&master, &slave, e) < 0)
    return -1;
  r = send_master(console, master, e);
  close(master);
  close(console);
  if (r < 0) {
    close(slave);
    return -1;
  }
  return pty_attach(slave, 7, e);
}

int ociinit_user(uid_t uid, gid_t gid, const gid_t *groups, size_t n, struct sbx_error *e)
{
  /* A user namespace with setgroups denied (an unprivileged single-id
   * map) keeps the groups it has: only asking for some is an error. */
  if (setgroups(n, groups) < 0 && (n > 0 || errno != EPERM))
    return sbx_fail(e, errno, "process.user.additionalGids: setgroups");
  if (setresgid(gid, gid, gid) < 0)
    return sbx_fail(e, errno, "process.user.gid %u: setresgid", (unsigned)gid);
  if (setresuid(uid, uid, uid) < 0)
    return sbx_fail(e, errno, "process.user.uid %u: setresuid", (unsigned)uid);
  return 0;
}

static bool executable(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int ociinit_find(const char *argv0, char *buf, size_t size, struct sbx_error *e)
{
  const char *path = getenv("PATH");

  if (strchr(argv0, '/')) {
    snprintf(buf, size, "%s", argv0);
    if (access(buf, F_OK) == 0)
      return 0;
    return sbx_fail_status(e, SBX_EXIT_NOTFOUND, errno, "exec %s", argv0);
  }
  for (const char *p = path ? path : "/usr/local/bin:/usr/bin:/bin"; p && *p;) {
    size_t n = strcspn(p, ":");
    if (snprintf(buf, size, "%.*s/%s", n ? (int)n : 1, n ? p : ".", argv0) < (int)size &&
        executable(buf))
      return 0;
    p = p[n] ? p + n + 1 : NULL;
  }
  return sbx_fail_status(e, SBX_EXIT_NOTFOUND, 0, "exec %s: not found in $PATH", argv0);
}

static int parse_fd(const char *s)
{
  uint64_t v;
  if (strcmp(s, "-1") == 0)
    return -1;
  return parse_u64(s, INT_MAX, &v) < 0 ? -2 : (int)v;
}

/* READY learns the outcome of the setup: status 0, or the error. */
static void report(int ready, const struct sbx_error *e)
{
  write_all(ready, e, sizeof *e);
  close(ready);
}

static gid_t *parse_groups(const char *s, size_t *n)
{
  gid_t *g = xcalloc(strlen(s) / 2 + 2, sizeof *g);
  uint64_t v;

  *n = 0;
  for (char *tok = strtok(xstrdup(s), ","); tok; tok = strtok(NULL, ","))
    if (parse_u64(tok, UINT32_MAX - 1, &v) == 0)
      g[(*n)++] = (gid_t)v;
  return g;
}

/* Everything up to the wait: console, user, the program's path. */
static int prepare(char **argv, char *path, size_t size, struct sbx_error *e)
{
  int console = parse_fd(argv[4]);
  uint64_t uid, gid;
  size_t n;
  gid_t *groups = parse_groups(argv[7], &n);

  if (parse_u64(argv[5], UINT32_MAX - 1, &uid) < 0 || parse_u64(argv[6], UINT32_MAX - 1, &gid) < 0)
    return sbx_fail(e, 0, "init: bad arguments");
  if (console >= 0 && ociinit_console(console, e) < 0)
    return -1;
  if (ociinit_user((uid_t)uid, (gid_t)gid, groups, n, e) < 0)
    return -1;
  return ociinit_find(argv[10], path, size, e);
}

int ociinit_main(int argc, char **argv)
{
  struct sbx_error e = { 0 };
  char path[PATH_MAX], c;
  int fifo, ready, close_from;
  ssize_t r;

  if (argc < 11 || strcmp(argv[9], "--") != 0 || (close_from = parse_fd(argv[8])) < 3 || (fifo = parse_fd(argv[2])) < 0 ||
      (ready = parse_fd(argv[3])) < 0) {
    sbx_warn("init: internal command of the OCI runtime, not for direct use");
    return 2;
  }
  if (prepare(argv, path, sizeof path, &e) < 0) {
    report(ready, &e);
    _exit(e.status);
  }
  report(ready, &e);
  while ((r = read(fifo, &c, 1)) < 0 && errno == EINTR)
    ;
  if (r != 1)
    _exit(SBX_EXIT_SETUP); /* deleted before it was started */
  /* Only 0-2 and the engine's --preserve-fds reach the program. */
  syscall(SYS_close_range, (unsigned)close_from, ~0U, 0);
  close(fifo);
  unblock_all_signals();
  execve(path, argv + 10, environ);
  sbx_fail_status(&e, errno == ENOENT ? SBX_EXIT_NOTFOUND : SBX_EXIT_NOEXEC, errno, "exec %s",
                  argv[10]);
  sbx_error_print(&e);
  _exit(e.status);
}
