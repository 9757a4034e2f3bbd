/* State of OCI containers (ocistate.h).  A container is alive while its
 * pid runs with the start time recorded at `create`: a pid reused by
 * another process after the container ended reads as stopped. */
#include "ocistate.h"

#include "error.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Root of the host's user namespace, whose map is the identity. */
static bool host_root(void)
{
  char line[64] = "";
  unsigned long a, b, n;
  FILE *f = fopen("/proc/self/uid_map", "re");

  if (f) {
    if (!fgets(line, sizeof line, f))
      line[0] = '\0';
    fclose(f);
  }
  return geteuid() == 0 && sscanf(line, "%lu %lu %lu", &a, &b, &n) == 3 && a == 0 && b == 0 &&
         n == 4294967295UL;
}

/* As runc: real root gets a directory under /run; a user, or root in a
 * rootless engine's user namespace, one under $XDG_RUNTIME_DIR. */
const char *ocistate_default_root(void)
{
  const char *xdg = getenv("XDG_RUNTIME_DIR");
  static char buf[PATH_MAX];

  if (host_root() || (geteuid() == 0 && !(xdg && *xdg)))
    return "/run/sandbox-oci";
  if (xdg && *xdg)
    snprintf(buf, sizeof buf, "%s/sandbox-oci", xdg);
  else
    snprintf(buf, sizeof buf, "/tmp/sandbox-oci-%u", (unsigned)geteuid());
  return buf;
}

int ocistate_check_id(const char *id, struct sbx_error *e)
{
  if (!id || !*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, "..") ||
      strlen(id) > 255)
    return sbx_fail(e, 0, "container id '%s': not a valid name", id ? id : "");
  return 0;
}

char *ocistate_path(const struct oci_state *s, const char *name)
{
  return path_join(s->dir, name);
}

/* mkdir -p: engines name a --root whose parents may not exist yet
 * (containerd's /run/containerd/runc/NAMESPACE). */
static int make_root(const char *root, struct sbx_error *e)
{
  _cleanup_free_ char *path = xstrdup(root);

  for (char *p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
      return sbx_fail(e, errno, "state directory %s", path);
    *p = '/';
  }
  if (mkdir(path, 0700) < 0 && errno != EEXIST)
    return sbx_fail(e, errno, "state directory %s", path);
  return 0;
}

int ocistate_create_dir(struct oci_state *s, struct sbx_error *e)
{
  if (make_root(s->root, e) < 0)
    return -1;
  _cleanup_free_ char *dir = path_join(s->root, s->id);
  if (mkdir(dir, 0700) < 0) {
    if (errno == EEXIST)
      return sbx_fail(e, 0, "create: container %s: already exists", s->id);
    return sbx_fail(e, errno, "state directory %s", dir);
  }
  /* Only now: what a failure removes is what this create made. */
  s->dir = steal_ptr(&dir);
  return 0;
}

unsigned long long ocistate_proc_start(pid_t pid, bool *zombie)
{
  char path[64], buf[1024], *p;
  unsigned long long start = 0;
  char state;
  ssize_t n;
  int fd;

  *zombie = false;
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
    return 0;
  n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  /* The command name may hold anything: fields start after its last ')'. */
  if (!(p = strrchr(buf, ')')) ||
      sscanf(p + 2, "%c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
             &state, &start) != 2)
    return 0;
  *zombie = state == 'Z' || state == 'X';
  return start;
}

enum oci_status ocistate_status(const struct oci_state *s)
{
  bool zombie;
  _cleanup_free_ char *fifo = ocistate_path(s, "exec.fifo");

  if (s->pid <= 0 || ocistate_proc_start(s->pid, &zombie) != s->start_time || zombie)
    return OCI_STOPPED;
  return access(fifo, F_OK) == 0 ? OCI_CREATED : OCI_RUNNING;
}

const char *ocistate_status_name(enum oci_status st)
{
  static const char *const names[] = { "created", "running", "stopped" };
  return names[st];
}

static void now_rfc3339(char *buf, size_t size)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, size - n, ".%09ldZ", ts.tv_nsec);
}

int ocistate_save(struct oci_state *s, struct sbx_error *e)
{
  char created[64];
  json_object *doc = json_object_new_object();
  _cleanup_free_ char *path = ocistate_path(s, "state.json");

  if (!s->created) {
    now_rfc3339(created, sizeof created);
    s->created = xstrdup(created);
  }
  json_object_object_add(doc, "id", json_object_new_string(s->id));
  json_object_object_add(doc, "pid", json_object_new_int(s->pid));
  json_object_object_add(doc, "bundle", json_object_new_string(s->bundle));
  json_object_object_add(doc, "created", json_object_new_string(s->created));
  json_object_object_add(doc, "startTime", json_object_new_uint64(s->start_time));
  if (s->annotations)
    json_object_object_add(doc, "annotations", json_object_get(s->annotations));
  int r = ocijson_write(path, doc, e);
  json_object_put(doc);
  return r;
}

static int bad_state(const char *path, struct sbx_error *e)
{
  return sbx_fail(e, 0, "read %s: not a state file of this runtime", path);
}

int ocistate_load(const char *root, const char *id, struct oci_state *s, struct sbx_error *e)
{
  _cleanup_free_ char *path = NULL;
  json_object *v;

  memset(s, 0, sizeof *s);
  if (ocistate_check_id(id, e) < 0)
    return -1;
  s->root = root;
  s->id = id;
  s->dir = path_join(root, id);
  path = ocistate_path(s, "state.json");
  if (access(s->dir, F_OK) < 0)
    return sbx_fail(e, 0, "container %s: does not exist", id);
  if (ocijson_read(path, &s->doc, e) < 0)
    return -1;
  if (!json_object_object_get_ex(s->doc, "pid", &v))
    return bad_state(path, e);
  s->pid = json_object_get_int(v);
  if (!json_object_object_get_ex(s->doc, "startTime", &v))
    return bad_state(path, e);
  s->start_time = json_object_get_uint64(v);
  s->bundle = json_object_object_get_ex(s->doc, "bundle", &v) ? json_object_get_string(v) : "";
  s->created = json_object_object_get_ex(s->doc, "created", &v) ? json_object_get_string(v) : "";
  json_object_object_get_ex(s->doc, "annotations", &s->annotations);
  return 0;
}

const char *ocistate_json(struct oci_state *s, enum oci_status st)
{
  json_object *doc = json_object_new_object();

  json_object_object_add(doc, "ociVersion", json_object_new_string("1.0.2"));
  json_object_object_add(doc, "id", json_object_new_string(s->id));
  json_object_object_add(doc, "status", json_object_new_string(ocistate_status_name(st)));
  if (st != OCI_STOPPED)
    json_object_object_add(doc, "pid", json_object_new_int(s->pid));
  json_object_object_add(doc, "bundle", json_object_new_string(s->bundle ? s->bundle : ""));
  json_object_object_add(doc, "created", json_object_new_string(s->created ? s->created : ""));
  json_object_object_add(doc, "annotations",
                         s->annotations ? json_object_get(s->annotations) : json_object_new_object());
  /* Kept until the process exits: the callers print it once. */
  return json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
}

void ocistate_remove(const struct oci_state *s)
{
  DIR *d;
  struct dirent *de;

  if (!s->dir || !(d = opendir(s->dir)))
    return;
  while ((de = readdir(d)))
    if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
      unlinkat(dirfd(d), de->d_name, 0);
  closedir(d);
  rmdir(s->dir);
}
