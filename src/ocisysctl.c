/* Sysctls (ocisysctl.h).  The namespaced ones (net.*, kernel.shm*,
 * kernel.hostname...) are those a container may set: /proc/sys answers
 * for the namespaces of the process that opens the file, so a child of
 * `create` joins the container's and writes there, while the container's
 * first process still waits for `start`. */
#include "ocisysctl.h"

#include "error.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int join(pid_t pid, const char *name, int type, struct sbx_error *e)
{
  char theirs[64], ours[64];
  struct stat a, b;
  int fd, r;

  snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, name);
  snprintf(ours, sizeof ours, "/proc/self/ns/%s", name);
  if (stat(theirs, &a) == 0 && stat(ours, &b) == 0 && a.st_ino == b.st_ino)
    return 0;
  if ((fd = open(theirs, O_RDONLY | O_CLOEXEC)) < 0)
    return sbx_fail(e, errno, "linux.sysctl: %s", theirs);
  r = setns(fd, type);
  close(fd);
  return r < 0 ? sbx_fail(e, errno, "linux.sysctl: join the container's %s namespace", name) : 0;
}

/* "net.ipv4.ip_forward" -> /proc/sys/net/ipv4/ip_forward; no ".." */
static int write_one(const char *key, json_object *value, struct sbx_error *e)
{
  char path[PATH_MAX];
  int r;

  if (!json_object_is_type(value, json_type_string))
    return sbx_fail(e, 0, "config: linux.sysctl.%s: must be a string", key);
  if (strstr(key, "..") || strchr(key, '/') || snprintf(path, sizeof path, "/proc/sys/%s", key) >= (int)sizeof path)
    return sbx_fail(e, 0, "config: linux.sysctl: invalid name '%s'", key);
  for (char *p = path + 10; *p; p++)
    if (*p == '.')
      *p = '/';
  r = write_file_at(AT_FDCWD, path, json_object_get_string(value));
  return r < 0 ? sbx_fail(e, -r, "linux.sysctl: %s", key) : 0;
}

static void child(json_object *sysctl, pid_t pid, int errfd) __attribute__((noreturn));
static void child(json_object *sysctl, pid_t pid, int errfd)
{
  struct sbx_error e = { 0 };
  int r = 0;

  if (join(pid, "user", CLONE_NEWUSER, &e) < 0 || join(pid, "net", CLONE_NEWNET, &e) < 0 ||
      join(pid, "ipc", CLONE_NEWIPC, &e) < 0 || join(pid, "uts", CLONE_NEWUTS, &e) < 0)
    r = -1;
  json_object_object_foreach(sysctl, key, value) {
    if (r == 0)
      r = write_one(key, value, &e);
  }
  if (r < 0)
    write_all(errfd, &e, sizeof e);
  _exit(r < 0);
}

int ocisysctl_apply(json_object *sysctl, pid_t pid, struct sbx_error *e)
{
  int pv[2], st;
  pid_t p;

  if (!sysctl || json_object_object_length(sysctl) == 0)
    return 0;
  if (pipe2(pv, O_CLOEXEC) < 0)
    return sbx_fail(e, errno, "linux.sysctl: pipe");
  if ((p = fork()) < 0)
    return sbx_fail(e, errno, "linux.sysctl: fork");
  if (p == 0)
    child(sysctl, pid, pv[1]);
  close(pv[1]);
  ssize_t n = read(pv[0], e, sizeof *e);
  close(pv[0]);
  waitpid(p, &st, 0);
  return n == (ssize_t)sizeof *e ? -1 : 0;
}
