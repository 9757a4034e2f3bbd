/* The host's facts (host.h): each probed once, and only when the plan
 * will use it. */
#include "host.h"

#include "caps.h"
#include "plan.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Which of fds 0-2 are the caller's terminal (bit N for fd N), when stdin
 * is one: they get the sandbox's own pty (pty.h).  0 otherwise. */
static unsigned caller_terminal_fds(void)
{
  struct stat in, st;
  unsigned fds = 1;

  if (!isatty(STDIN_FILENO) || fstat(STDIN_FILENO, &in) < 0)
    return 0;
  for (int fd = 1; fd <= 2; fd++)
    if (isatty(fd) && fstat(fd, &st) == 0 && st.st_rdev == in.st_rdev)
      fds |= 1u << fd;
  return fds;
}

static bool userns_possible(void)
{
  char buf[32] = "";
  FILE *f;

  if (access("/proc/self/ns/user", F_OK) < 0)
    return false;
  f = fopen("/proc/sys/user/max_user_namespaces", "re");
  if (f) {
    if (!fgets(buf, sizeof buf, f))
      buf[0] = '\0';
    fclose(f);
  }
  return strcmp(buf, "0\n") != 0;
}

/* Merged-/usr systems have /bin -> usr/bin and friends: each such
 * top-level link of the host's, for the plan to recreate. */
static void read_usr_links(struct host *h)
{
  DIR *d = opendir("/");
  struct dirent *de;
  size_t cap = 0;

  if (!d)
    return;
  while ((de = readdir(d))) {
    char target[PATH_MAX], name[NAME_MAX + 2];
    ssize_t n;
    if (de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)
      continue;
    n = readlinkat(dirfd(d), de->d_name, target, sizeof target - 1);
    if (n <= 0)
      continue;
    target[n] = '\0';
    if (strncmp(target, "usr/", 4) != 0 && strncmp(target, "/usr/", 5) != 0)
      continue;
    snprintf(name, sizeof name, "/%s", de->d_name);
    xgrow(&h->usr_links, &cap, h->n_usr_links + 1, sizeof *h->usr_links);
    h->usr_links[h->n_usr_links++] = (struct host_link){ xstrdup(name), xstrdup(target) };
  }
  closedir(d);
}

/* mount_setattr (5.12) is the call the new mount API needs last; ENOSYS
 * means the mount(2) fallback from the start (doc/design.md, "Mounts"). */
static bool has_mount_api(void)
{
  struct mount_attr a = { 0 };
  return syscall(SYS_mount_setattr, -1, "", AT_EMPTY_PATH, &a, sizeof a) == 0 || errno != ENOSYS;
}

void host_gather(struct host *h, const struct plan *p)
{
  const char *fallback = getenv("SANDBOX_FORCE_FALLBACK");

  h->uid = getuid();
  h->gid = getgid();
  if (p->pers == PERS_BWRAP && h->uid == 0)
    h->caps = caps_current();
  if (p->pers == PERS_SANDBOX && !p->share_terminal)
    h->tty_fds = caller_terminal_fds();
  if (p->pers == PERS_SANDBOX || (p->ns_try & NS_CGROUP))
    h->cgroup_ns = access("/proc/self/ns/cgroup", F_OK) == 0;
  h->userns = !(p->ns_try & NS_USER) || h->uid != 0 || userns_possible();
  h->force_fallback = fallback && strcmp(fallback, "1") == 0;
  h->mount_api = !h->force_fallback && has_mount_api();
  if (p->pers == PERS_SANDBOX && !p->bare && plan_binds_host_usr(p))
    read_usr_links(h);
}
