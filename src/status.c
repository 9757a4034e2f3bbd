/* --info-fd and --json-status-fd, in bubblewrap's formats: the child's
 * pid (as the caller's PID namespace sees it) and the inode of each
 * namespace that was created, so a caller can tell the sandbox apart from
 * the command and a setup failure from a command that exits 1. */
#include "status.h"

#include "util.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The namespaces bubblewrap lists, in its order; user is never listed. */
static const struct { unsigned bit; const char *name; } listed[] = {
  { NS_CGROUP, "cgroup" }, { NS_IPC, "ipc" }, { NS_MOUNT, "mnt" },
  { NS_NET, "net" },       { NS_PID, "pid" }, { NS_UTS, "uts" },
};

/* Fills buf with the fields, each preceded by `sep`. */
static void fields(const struct plan *p, pid_t child, const char *sep, char *buf, size_t size)
{
  size_t used = (size_t)snprintf(buf, size, "%s\"child-pid\": %d", sep, (int)child);

  for (size_t i = 0; i < ARRAY_SIZE(listed) && used < size; i++) {
    char path[64];
    struct stat st;
    if (!(p->ns & listed[i].bit))
      continue;
    snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)child, listed[i].name);
    if (stat(path, &st) < 0)
      continue;
    used += (size_t)snprintf(buf + used, size - used, ",%s\"%s-namespace\": %llu", sep,
                             listed[i].name, (unsigned long long)st.st_ino);
  }
}

void status_write_info(const struct plan *p, pid_t child)
{
  char buf[1024], line[1100];
  int n;

  if (p->info_fd >= 0) {
    fields(p, child, "\n    ", buf, sizeof buf);
    n = snprintf(line, sizeof line, "{%s\n}\n", buf);
    write_all(p->info_fd, line, (size_t)n);
    close(p->info_fd);
  }
  if (p->json_status_fd >= 0) {
    fields(p, child, " ", buf, sizeof buf);
    n = snprintf(line, sizeof line, "{%s }\n", buf);
    write_all(p->json_status_fd, line, (size_t)n);
  }
}

void status_write_exit(const struct plan *p, int status)
{
  char line[64];
  int n;

  if (p->json_status_fd < 0)
    return;
  n = snprintf(line, sizeof line, "{ \"exit-code\": %d }\n", status);
  write_all(p->json_status_fd, line, (size_t)n);
}
