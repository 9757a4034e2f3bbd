/* Sysctls (ocisysctl.h).  The namespaced ones (net.*, kernel.shm*,
 * kernel.hostname...) are those a container may set, and only in a
 * namespace of its own: /proc/sys answers for the namespaces of the
 * process that opens the file, so a child of `create` joins the
 * container's and writes there, while the container's first process still
 * waits for `start`. */
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

/* Joins the container's NAME namespace; 1 when the container has none of
 * its own there (it is this process's, the runtime's). */
static int join(pid_t pid, const char *name, int type, struct sbx_error *e)
{
  char theirs[64], ours[64];
  struct stat a, b;
  int fd, r;

  snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int)pid, name);
  snprintf(ours, sizeof ours, "/proc/self/ns/%s", name);
  if (stat(theirs, &a) == 0 && stat(ours, &b) == 0 && a.st_ino == b.st_ino)
    return 1;
  if ((fd = open(theirs, O_RDONLY | O_CLOEXEC)) < 0)
    return sbx_fail(e, errno, "linux.sysctl: %s", theirs);
  r = setns(fd, type);
  close(fd);
  return r < 0 ? sbx_fail(e, errno, "linux.sysctl: join the container's %s namespace", name) : 0;
}

/* Which namespace a sysctl belongs to, as the kernel namespaces them
 * (a CLONE_NEW* type); 0 for one that is the whole machine's. */
static int namespace_of(const char *key)
{
  static const struct { const char *prefix; int type; } known[] = {
    { "net.", CLONE_NEWNET },         { "fs.mqueue.", CLONE_NEWIPC },
    { "kernel.shm", CLONE_NEWIPC },   { "kernel.msg", CLONE_NEWIPC },
    { "kernel.sem", CLONE_NEWIPC },   { "kernel.hostname", CLONE_NEWUTS },
    { "kernel.domainname", CLONE_NEWUTS },
  };
  for (size_t i = 0; i < ARRAY_SIZE(known); i++)
    if (strncmp(key, known[i].prefix, strlen(known[i].prefix)) == 0)
      return known[i].type;
  return 0;
}

/* "net.ipv4.ip_forward" -> /proc/sys/net/ipv4/ip_forward; no "..".  Only a
 * sysctl of a namespace the container has of its own (not in `shared`, a
 * mask of CLONE_NEW* types): any other would be set for the host. */
static int write_one(const char *key, json_object *value, int shared, struct sbx_error *e)
{
  int ns = namespace_of(key);
  char path[PATH_MAX];
  int r;

  if (!ns)
    return sbx_fail(e, 0, "config: linux.sysctl.%s: not the sysctl of a namespace", key);
  if (ns & shared)
    return sbx_fail(e, 0, "config: linux.sysctl.%s: the container has no namespace of its own for it",
                    key);
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
  static const struct { const char *name; int type; } kinds[] = {
    { "user", CLONE_NEWUSER }, { "net", CLONE_NEWNET }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
  };
  struct sbx_error e = { 0 };
  int r = 0, shared = 0;

  for (size_t i = 0; r == 0 && i < ARRAY_SIZE(kinds); i++) {
    r = join(pid, kinds[i].name, kinds[i].type, &e);
    if (r == 1)
      shared |= kinds[i].type;
    r = r < 0 ? -1 : 0;
  }
  json_object_object_foreach(sysctl, key, value) {
    if (r == 0)
      r = write_one(key, value, shared, &e);
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
