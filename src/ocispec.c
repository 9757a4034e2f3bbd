/* config.json -> plan (ocispec.h).  Every mount becomes an fs op of the
 * plan, in the config's order after the root; doc/design.md, "OCI
 * runtime", lists what maps to what and what is not honoured. */
#include "ocispec.h"

#include "error.h"
#include "plan.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ocispec_load(const char *bundle, struct oci_spec *s, struct sbx_error *e)
{
  char real[PATH_MAX];
  _cleanup_free_ char *path = NULL;

  memset(s, 0, sizeof *s);
  if (!realpath(bundle, real))
    return sbx_fail(e, errno, "bundle %s", bundle);
  s->bundle = xstrdup(real);
  path = path_join(s->bundle, "config.json");
  return ocijson_read(path, &s->config, e);
}

void ocispec_free(struct oci_spec *s)
{
  for (size_t i = 0; i < s->n_joins; i++)
    close(s->joins[i].fd);
  if (s->config)
    json_object_put(s->config);
  s->config = NULL;
}

static bool has_option(json_object *opts, const char *name)
{
  for (size_t i = 0; opts && i < json_object_array_length(opts); i++) {
    json_object *o = json_object_array_get_idx(opts, i);
    if (json_object_is_type(o, json_type_string) && strcmp(json_object_get_string(o), name) == 0)
      return true;
  }
  return false;
}

static const char *option_value(json_object *opts, const char *key)
{
  size_t n = strlen(key);
  for (size_t i = 0; opts && i < json_object_array_length(opts); i++) {
    const char *o = json_object_get_string(json_object_array_get_idx(opts, i));
    if (o && strncmp(o, key, n) == 0 && o[n] == '=')
      return o + n + 1;
  }
  return NULL;
}

static int parse_root(struct oci_spec *s, struct plan *p, bool *ro, struct sbx_error *e)
{
  json_object *root, *v;
  const char *path;

  if (ocijson_get(s->config, "", "root", json_type_object, &root, e) < 0 ||
      ocijson_str(root, "root", "path", &path, e) < 0 ||
      ocijson_get(root, "root", "readonly", json_type_boolean, &v, e) < 0)
    return -1;
  if (!path || !*path)
    return sbx_fail(e, 0, "config: root.path: missing");
  s->rootfs = path[0] == '/' ? xstrdup(path) : path_join(s->bundle, path);
  *ro = v && json_object_get_boolean(v);
  struct stat st;
  if (stat(s->rootfs, &st) < 0)
    return sbx_fail(e, errno, "config: root.path: %s", s->rootfs);
  if (!S_ISDIR(st.st_mode))
    return sbx_fail(e, ENOTDIR, "config: root.path: %s", s->rootfs);
  struct fs_op *op = plan_add_op(p, OP_BIND, "root.path");
  op->src = s->rootfs;
  op->dest = "/";
  return 0;
}

/* tmpfs size= in bytes, with the k/m/g suffixes mount(8) takes. */
static int tmpfs_size(const char *v, size_t *out)
{
  char *end;
  unsigned long long n;

  errno = 0;
  n = strtoull(v, &end, 10);
  if (errno || end == v)
    return -1;
  switch (*end) {
  case 'k': case 'K': n <<= 10; end++; break;
  case 'm': case 'M': n <<= 20; end++; break;
  case 'g': case 'G': n <<= 30; end++; break;
  }
  if (*end)
    return -1;
  *out = (size_t)n;
  return 0;
}

static int add_tmpfs(struct plan *p, const char *dest, json_object *opts, const char *where,
                     struct sbx_error *e)
{
  struct fs_op *op = plan_add_op(p, OP_TMPFS, where);
  const char *mode = option_value(opts, "mode"), *size = option_value(opts, "size");
  uint64_t m;

  op->dest = dest;
  if (mode) {
    if (parse_octal(mode, 07777, &m) < 0)
      return sbx_fail(e, 0, "config: %s: invalid mode=%s", where, mode);
    op->perms = (mode_t)m;
    op->flags |= OPF_PERMS;
  }
  if (size) {
    if (tmpfs_size(size, &op->size) < 0)
      return sbx_fail(e, 0, "config: %s: invalid size=%s", where, size);
    op->flags |= OPF_SIZE;
  }
  return 0;
}

static void add_bind(struct plan *p, const char *src, const char *dest, unsigned flags,
                     const char *where)
{
  struct fs_op *op = plan_add_op(p, OP_BIND, where);
  op->src = src;
  op->dest = dest;
  op->flags = flags;
}

static bool under(const char *path, const char *dir)
{
  size_t n = strlen(dir);
  return strncmp(path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

/* A bind's source is relative to the bundle when not absolute. */
static int map_bind(struct oci_spec *s, struct plan *p, const char *src, const char *dest,
                    json_object *opts, const char *where, struct sbx_error *e)
{
  unsigned flags = 0;

  if (!src)
    return sbx_fail(e, 0, "config: %s: a bind mount needs a source", where);
  if (has_option(opts, "ro"))
    flags |= OPF_RDONLY;
  if (!has_option(opts, "nodev"))
    flags |= OPF_DEVICES;
  if (has_option(opts, "noexec"))
    flags |= OPF_NOEXEC;
  add_bind(p, src[0] == '/' ? src : path_join(s->bundle, src), dest, flags, where);
  return 0;
}

/* The sandbox's own /dev (a tmpfs with the harmless host nodes, a devpts
 * of its own, ptmx, shm) stands for the config's tmpfs on /dev; the
 * config's devpts on /dev/pts is then that one. */
static bool has_dev(const struct plan *p)
{
  for (size_t i = 0; i < p->n_ops; i++)
    if (p->ops[i].kind == OP_DEV)
      return true;
  return false;
}

static int map_mount(struct oci_spec *s, struct plan *p, json_object *m, size_t i,
                     struct sbx_error *e)
{
  char where[40];
  const char *type, *src, *dest;
  json_object *opts;

  snprintf(where, sizeof where, "mounts[%zu]", i);
  if (ocijson_str(m, where, "type", &type, e) < 0 || ocijson_str(m, where, "source", &src, e) < 0 ||
      ocijson_str(m, where, "destination", &dest, e) < 0 ||
      ocijson_get(m, where, "options", json_type_array, &opts, e) < 0)
    return -1;
  if (!dest || dest[0] != '/')
    return sbx_fail(e, 0, "config: %s.destination: must be an absolute path", where);
  const char *name = xstrdup(where);
  if (has_option(opts, "bind") || has_option(opts, "rbind") || (type && !strcmp(type, "bind")))
    return map_bind(s, p, src, dest, opts, name, e);
  if (!type)
    return sbx_fail(e, 0, "config: %s.type: missing", where);
  if (!strcmp(type, "proc"))
    plan_add_op(p, OP_PROC, name)->dest = dest;
  else if (!strcmp(type, "tmpfs") && !strcmp(dest, "/dev"))
    plan_add_op(p, OP_DEV, name)->dest = dest;
  else if (!strcmp(type, "tmpfs"))
    return add_tmpfs(p, dest, opts, name, e);
  else if (!strcmp(type, "devpts") && !strcmp(dest, "/dev/pts") && has_dev(p))
    return 0;
  else if (!strcmp(type, "mqueue"))
    plan_add_op(p, OP_MQUEUE, name)->dest = dest;
  else if (!strcmp(type, "sysfs"))
    add_bind(p, "/sys", dest, OPF_RDONLY, name);
  else if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2"))
    return 0; /* best effort: /sys, bound read-only, already holds the host's */
  else
    return sbx_fail(e, 0, "config: %s: mount type '%s' is not supported", where, type);
  if (has_option(opts, "ro") && strcmp(type, "sysfs") != 0)
    plan_add_op(p, OP_REMOUNT_RO, name)->dest = dest;
  return 0;
}

static int map_mounts(struct oci_spec *s, struct plan *p, struct sbx_error *e)
{
  json_object *mounts;

  if (ocijson_get(s->config, "", "mounts", json_type_array, &mounts, e) < 0)
    return -1;
  for (size_t i = 0; mounts && i < json_object_array_length(mounts); i++) {
    json_object *m = json_object_array_get_idx(mounts, i);
    if (!json_object_is_type(m, json_type_object))
      return sbx_fail(e, 0, "config: mounts[%zu]: must be an object", i);
    if (map_mount(s, p, m, i, e) < 0)
      return -1;
  }
  return 0;
}

/* Where a masked or read-only path is found as the host sees it: /proc
 * and /sys inside are the kernel's own (their content is the same), the
 * rest is the root file system's. */
static const char *host_path(const struct oci_spec *s, const char *path)
{
  if (under(path, "/proc") || under(path, "/sys"))
    return path;
  return path_join(s->rootfs, path);
}

/* maskedPaths: /dev/null over a file, an empty read-only tmpfs over a
 * directory; a path that does not exist needs no mask. */
static int map_masked(struct oci_spec *s, struct plan *p, const char *path)
{
  const char *src = host_path(s, path);
  struct stat st;

  if (stat(src, &st) < 0)
    return 0;
  if (!S_ISDIR(st.st_mode)) {
    add_bind(p, "/dev/null", path, OPF_DEVICES | OPF_RDONLY | OPF_TRY, "linux.maskedPaths");
    return 0;
  }
  struct fs_op *op = plan_add_op(p, OP_TMPFS, "linux.maskedPaths");
  op->dest = path;
  op->flags |= OPF_SIZE;
  op->size = 4096;
  plan_add_op(p, OP_REMOUNT_RO, "linux.maskedPaths")->dest = path;
  return 0;
}

static int map_paths(struct oci_spec *s, struct plan *p, json_object *linux_, struct sbx_error *e)
{
  _cleanup_free_ char **masked = NULL, **ro = NULL;
  size_t n_masked, n_ro;

  if (ocijson_strv(linux_, "linux", "maskedPaths", &masked, &n_masked, e) < 0 ||
      ocijson_strv(linux_, "linux", "readonlyPaths", &ro, &n_ro, e) < 0)
    return -1;
  for (size_t i = 0; i < n_ro; i++)
    add_bind(p, host_path(s, ro[i]), ro[i], OPF_RDONLY | OPF_TRY, "linux.readonlyPaths");
  for (size_t i = 0; i < n_masked; i++)
    map_masked(s, p, masked[i]);
  return 0;
}

/* Devices the sandbox's /dev lacks: the host's node of the same path,
 * bound (no mknod in a user namespace); absent on the host, skipped. */
static int map_devices(struct plan *p, json_object *linux_, struct sbx_error *e)
{
  static const char *const have[] = { "/dev/null", "/dev/zero", "/dev/full",
                                      "/dev/random", "/dev/urandom", "/dev/tty" };
  json_object *devs;
  const char *path;

  if (ocijson_get(linux_, "linux", "devices", json_type_array, &devs, e) < 0)
    return -1;
  for (size_t i = 0; devs && i < json_object_array_length(devs); i++) {
    bool known = false;
    if (ocijson_str(json_object_array_get_idx(devs, i), "linux.devices", "path", &path, e) < 0)
      return -1;
    for (size_t j = 0; path && j < ARRAY_SIZE(have); j++)
      known |= strcmp(path, have[j]) == 0 && has_dev(p);
    if (path && !known)
      add_bind(p, path, path, OPF_DEVICES | OPF_TRY, "linux.devices");
  }
  return 0;
}

static const struct { const char *name; unsigned bit; int clone; } ns_types[] = {
  { "pid", NS_PID, CLONE_NEWPID },       { "network", NS_NET, CLONE_NEWNET },
  { "mount", NS_MOUNT, CLONE_NEWNS },    { "ipc", NS_IPC, CLONE_NEWIPC },
  { "uts", NS_UTS, CLONE_NEWUTS },       { "user", NS_USER, CLONE_NEWUSER },
  { "cgroup", NS_CGROUP, CLONE_NEWCGROUP },
};

static int open_ns(const char *path, const char *where, struct sbx_error *e)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    sbx_fail(e, errno, "config: %s.path: %s", where, path);
  return fd;
}

/* A namespace given by path is joined: by the plan where it can (network,
 * user, pid), by oci.c before the launch otherwise. */
static int join_ns(struct oci_spec *s, struct plan *p, size_t k, const char *path,
                   const char *where, struct sbx_error *e)
{
  int fd;

  if (ns_types[k].bit == NS_NET) {
    p->net.netns_arg = path;
    return 0;
  }
  if ((fd = open_ns(path, where, e)) < 0)
    return -1;
  if (ns_types[k].bit == NS_USER)
    p->userns_fd = fd;
  else if (ns_types[k].bit == NS_PID)
    p->pidns_fd = fd;
  else if (ns_types[k].bit == NS_MOUNT)
    return close(fd), sbx_fail(e, 0, "config: %s: joining a mount namespace is not supported", where);
  else
    s->joins[s->n_joins++] = (struct oci_join){ fd, ns_types[k].clone };
  return 0;
}

/* Each type at most once, as the runtime spec requires; that also bounds
 * s->joins to the types joined by oci.c (ipc, uts, cgroup). */
static int map_namespace(struct oci_spec *s, struct plan *p, json_object *ns, size_t i,
                         unsigned *seen, struct sbx_error *e)
{
  char where[40];
  const char *type, *path;
  size_t k;

  snprintf(where, sizeof where, "linux.namespaces[%zu]", i);
  if (ocijson_str(ns, where, "type", &type, e) < 0 || ocijson_str(ns, where, "path", &path, e) < 0)
    return -1;
  for (k = 0; type && k < ARRAY_SIZE(ns_types); k++)
    if (strcmp(type, ns_types[k].name) == 0)
      break;
  if (!type || k == ARRAY_SIZE(ns_types))
    return sbx_fail(e, 0, "config: %s.type: unknown namespace type '%s'", where,
                    type ? type : "");
  if (*seen & ns_types[k].bit)
    return sbx_fail(e, 0, "config: %s.type: namespace type '%s' given twice", where, type);
  *seen |= ns_types[k].bit;
  if (path && *path)
    return join_ns(s, p, k, xstrdup(path), where, e);
  p->ns_unshare |= ns_types[k].bit;
  if (ns_types[k].bit == NS_USER)
    s->new_userns = true;
  return 0;
}

static int map_namespaces(struct oci_spec *s, struct plan *p, json_object *linux_,
                          struct sbx_error *e)
{
  json_object *list;
  unsigned seen = 0;

  if (ocijson_get(linux_, "linux", "namespaces", json_type_array, &list, e) < 0)
    return -1;
  for (size_t i = 0; list && i < json_object_array_length(list); i++)
    if (map_namespace(s, p, json_object_array_get_idx(list, i), i, &seen, e) < 0)
      return -1;
  if (!(p->ns_unshare & NS_MOUNT))
    return sbx_fail(e, 0, "config: linux.namespaces: a new mount namespace is required");
  if (s->n_joins && p->userns_fd >= 0)
    return sbx_fail(e, 0, "config: linux.namespaces: joining a user namespace and others by path is not supported");
  return 0;
}

static int map_linux(struct oci_spec *s, struct plan *p, struct sbx_error *e)
{
  json_object *linux_;
  const char *prop;

  if (ocijson_get(s->config, "", "linux", json_type_object, &linux_, e) < 0 ||
      ocijson_get(linux_, "linux", "uidMappings", json_type_array, &s->uid_maps, e) < 0 ||
      ocijson_get(linux_, "linux", "gidMappings", json_type_array, &s->gid_maps, e) < 0 ||
      ocijson_get(linux_, "linux", "seccomp", json_type_object, &s->seccomp, e) < 0 ||
      ocijson_get(linux_, "linux", "sysctl", json_type_object, &s->sysctl, e) < 0 ||
      ocijson_str(linux_, "linux", "rootfsPropagation", &prop, e) < 0)
    return -1;
  if (prop && strcmp(prop, "private") && strcmp(prop, "rprivate") && strcmp(prop, "slave") &&
      strcmp(prop, "rslave"))
    return sbx_fail(e, 0, "config: linux.rootfsPropagation: '%s' is not supported (private "
                          "and slave are)", prop);
  if (map_namespaces(s, p, linux_, e) < 0 || map_devices(p, linux_, e) < 0)
    return -1;
  return map_paths(s, p, linux_, e);
}

static int map_process(struct oci_spec *s, struct plan *p, struct sbx_error *e)
{
  json_object *proc;
  const char *host;

  if (ocijson_get(s->config, "", "process", json_type_object, &proc, e) < 0 ||
      ociproc_parse(proc, "process", &s->proc, e) < 0)
    return -1;
  if (ocijson_str(s->config, "", "hostname", &host, e) < 0)
    return -1;
  p->hostname = host && *host ? host : NULL;
  p->chdir = s->proc.cwd;
  plan_add_env(p, ENV_CLEAR, NULL, NULL);
  for (size_t i = 0; i < s->proc.n_env; i++) {
    char *kv = s->proc.env[i], *eq = strchr(kv, '=');
    if (!eq || eq == kv)
      return sbx_fail(e, 0, "config: process.env[%zu]: not NAME=VALUE", i);
    plan_add_env(p, ENV_SET, xstrdup(kv), eq + 1);
    ((char *)p->env[p->n_env - 1].name)[eq - kv] = '\0';
  }
  p->caps_on = s->proc.caps;
  return ociproc_rlimits(&s->proc, p, e);
}

int ocispec_to_plan(struct oci_spec *s, struct plan *p, struct sbx_error *e)
{
  bool ro_root = false;
  const char *version;

  if (ocijson_str(s->config, "", "ociVersion", &version, e) < 0)
    return -1;
  if (!version)
    return sbx_fail(e, 0, "config: ociVersion: missing");
  if (ocijson_get(s->config, "", "hooks", json_type_object, &s->hooks, e) < 0 ||
      ocijson_get(s->config, "", "annotations", json_type_object, &s->annotations, e) < 0)
    return -1;
  if (parse_root(s, p, &ro_root, e) < 0 || map_process(s, p, e) < 0 || map_mounts(s, p, e) < 0 ||
      map_linux(s, p, e) < 0)
    return -1;
  /* Last, so that the mount points above could still be made in it. */
  if (ro_root)
    plan_add_op(p, OP_REMOUNT_RO, "root.readonly")->dest = "/";
  p->die_with_parent = false; /* the container outlives `create` */
  p->as_pid_1 = (p->ns_unshare & NS_PID) != 0;
  return 0;
}
