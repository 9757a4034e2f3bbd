/* The OCI seccomp profile (ociseccomp.h).  Engines pass their whole
 * default profile, which names system calls of every kernel version: a
 * name libseccomp does not know is skipped, and so is a rule libseccomp
 * refuses because it repeats the default action, as the runtime spec
 * allows (doc/design.md, "OCI runtime"). */
#include "ociseccomp.h"

#include "error.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct { const char *name; uint32_t action; } actions[] = {
  { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },
  { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
  { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
  { "SCMP_ACT_LOG", SCMP_ACT_LOG },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(EPERM) },
  { "SCMP_ACT_TRACE", SCMP_ACT_TRACE(EPERM) },
};

/* The action named NAME in OBJ, with errnoRet (or ERRNO_KEY) applied. */
static int parse_action(json_object *obj, const char *where, const char *key,
                        const char *errno_key, uint32_t *out, struct sbx_error *e)
{
  const char *name;
  uint64_t ret;
  bool set;

  if (ocijson_str(obj, where, key, &name, e) < 0 ||
      ocijson_uint(obj, where, errno_key, 4095, &ret, &set, e) < 0)
    return -1;
  for (size_t i = 0; name && i < ARRAY_SIZE(actions); i++) {
    if (strcmp(name, actions[i].name) != 0)
      continue;
    *out = actions[i].action;
    if (set && *out == SCMP_ACT_ERRNO(EPERM))
      *out = SCMP_ACT_ERRNO((uint16_t)ret);
    if (set && *out == SCMP_ACT_TRACE(EPERM))
      *out = SCMP_ACT_TRACE((uint16_t)ret);
    return 0;
  }
  return sbx_fail(e, 0, "config: %s.%s: unknown or unsupported action '%s'", where, key,
                  name ? name : "");
}

static int add_archs(scmp_filter_ctx ctx, json_object *profile, struct sbx_error *e)
{
  _cleanup_free_ char **archs = NULL;
  size_t n;

  if (ocijson_strv(profile, "linux.seccomp", "architectures", &archs, &n, e) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    const char *a = strncmp(archs[i], "SCMP_ARCH_", 10) == 0 ? archs[i] + 10 : archs[i];
    char lower[32];
    size_t k;
    for (k = 0; a[k] && k < sizeof lower - 1; k++)
      lower[k] = (char)(a[k] >= 'A' && a[k] <= 'Z' ? a[k] + 32 : a[k]);
    lower[k] = '\0';
    uint32_t arch = seccomp_arch_resolve_name(lower);
    /* An architecture libseccomp or this kernel cannot filter is skipped. */
    if (arch != 0)
      seccomp_arch_add(ctx, arch);
  }
  return 0;
}

static const struct { const char *name; enum scmp_compare op; } ops[] = {
  { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
  { "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
  { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
  { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

static int parse_arg(json_object *a, const char *where, struct scmp_arg_cmp *out,
                     struct sbx_error *e)
{
  uint64_t index, value, two;
  bool set, v_set, t_set;
  const char *op;

  if (ocijson_uint(a, where, "index", 5, &index, &set, e) < 0 ||
      ocijson_uint(a, where, "value", UINT64_MAX, &value, &v_set, e) < 0 ||
      ocijson_uint(a, where, "valueTwo", UINT64_MAX, &two, &t_set, e) < 0 ||
      ocijson_str(a, where, "op", &op, e) < 0)
    return -1;
  if (!set)
    return sbx_fail(e, 0, "config: %s.index: missing", where);
  for (size_t i = 0; op && i < ARRAY_SIZE(ops); i++) {
    if (strcmp(op, ops[i].name) == 0) {
      *out = (struct scmp_arg_cmp){ (unsigned)index, ops[i].op, v_set ? value : 0,
                                    t_set ? two : 0 };
      return 0;
    }
  }
  return sbx_fail(e, 0, "config: %s.op: unknown operator '%s'", where, op ? op : "");
}

static int parse_args(json_object *rule, const char *where, struct scmp_arg_cmp *args,
                      unsigned *n, struct sbx_error *e)
{
  json_object *list;
  char name[96];

  *n = 0;
  if (ocijson_get(rule, where, "args", json_type_array, &list, e) < 0)
    return -1;
  if (list && json_object_array_length(list) > 6)
    return sbx_fail(e, 0, "config: %s.args: more than 6 comparisons", where);
  for (size_t i = 0; list && i < json_object_array_length(list); i++) {
    snprintf(name, sizeof name, "%s.args[%zu]", where, i);
    if (parse_arg(json_object_array_get_idx(list, i), name, &args[i], e) < 0)
      return -1;
    (*n)++;
  }
  return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t def, json_object *rule, size_t i,
                    struct sbx_error *e)
{
  char where[48];
  _cleanup_free_ char **names = NULL;
  struct scmp_arg_cmp args[6];
  unsigned n_args;
  uint32_t action;
  size_t n;

  snprintf(where, sizeof where, "linux.seccomp.syscalls[%zu]", i);
  if (ocijson_strv(rule, where, "names", &names, &n, e) < 0 ||
      parse_action(rule, where, "action", "errnoRet", &action, e) < 0 ||
      parse_args(rule, where, args, &n_args, e) < 0)
    return -1;
  if (action == def)
    return 0; /* nothing to add: libseccomp would refuse it */
  for (size_t k = 0; k < n; k++) {
    int nr = seccomp_syscall_resolve_name(names[k]);
    if (nr == __NR_SCMP_ERROR)
      continue; /* unknown to libseccomp: skipped, as runc does */
    int r = seccomp_rule_add_array(ctx, action, nr, n_args, args);
    if (r < 0 && r != -EDOM && r != -EEXIST)
      return sbx_fail(e, -r, "config: %s: %s", where, names[k]);
  }
  return 0;
}

static int build(scmp_filter_ctx *ctx, json_object *profile, struct sbx_error *e)
{
  json_object *rules;
  uint32_t def;

  if (parse_action(profile, "linux.seccomp", "defaultAction", "defaultErrnoRet", &def, e) < 0 ||
      ocijson_get(profile, "linux.seccomp", "syscalls", json_type_array, &rules, e) < 0)
    return -1;
  *ctx = seccomp_init(def);
  if (!*ctx)
    return sbx_fail(e, 0, "seccomp: libseccomp refused the default action");
  if (add_archs(*ctx, profile, e) < 0)
    return -1;
  /* The plan sets no_new_privs itself; the filter need not. */
  seccomp_attr_set(*ctx, SCMP_FLTATR_CTL_NNP, 0);
  for (size_t i = 0; rules && i < json_object_array_length(rules); i++)
    if (add_rule(*ctx, def, json_object_array_get_idx(rules, i), i, e) < 0)
      return -1;
  return 0;
}

static int compile(json_object *profile, const char *path, struct sbx_error *e)
{
  scmp_filter_ctx ctx = NULL;
  int fd, r;

  if (build(&ctx, profile, e) < 0) {
    if (ctx)
      seccomp_release(ctx);
    return -1;
  }
  fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    seccomp_release(ctx);
    return sbx_fail(e, errno, "seccomp: %s", path);
  }
  r = seccomp_export_bpf(ctx, fd);
  seccomp_release(ctx);
  if (r < 0 || lseek(fd, 0, SEEK_SET) < 0) {
    close(fd);
    return sbx_fail(e, r < 0 ? -r : errno, "seccomp: write %s", path);
  }
  return fd;
}

/* ---- the cache ----------------------------------------------------------
 * Compiling an engine's default profile (some 440 names on three
 * architectures) is most of what `create` costs; engines pass the same
 * profile every time.  So each compiled filter is kept in --root/.seccomp
 * under a hash of the profile's text, with that text beside it: a hit must
 * match the text exactly, so a hash collision can only cost a compile. */

static uint64_t fnv1a(const char *s)
{
  uint64_t h = UINT64_C(14695981039346656037);
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
  return h;
}

static bool same_text(const char *path, const char *text)
{
  size_t n = strlen(text);
  _cleanup_free_ char *buf = xmalloc(n + 2);
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t r = fd < 0 ? -1 : pread(fd, buf, n + 1, 0);
  return r == (ssize_t)n && memcmp(buf, text, n) == 0;
}

/* Best effort: a cache that cannot be written only costs the next create. */
static void remember(const char *dir, const char *key_json, const char *key_bpf, const char *text,
                     const char *bpf)
{
  /* ".", the pid's digits (at most 10), NUL */
  size_t size = strlen(key_json) + 12;
  _cleanup_free_ char *tmp = xmalloc(size);
  int fd;

  if (mkdir(dir, 0700) < 0 && errno != EEXIST)
    return;
  snprintf(tmp, size, "%s.%d", key_json, (int)getpid());
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  int w = write_all(fd, text, strlen(text));
  close(fd);
  unlink(key_bpf);
  if (w < 0 || link(bpf, key_bpf) < 0 || rename(tmp, key_json) < 0)
    unlink(tmp);
}

int ociseccomp_compile(json_object *profile, const char *path, const char *cache_dir,
                       struct sbx_error *e)
{
  const char *text = json_object_to_json_string_ext(profile, JSON_C_TO_STRING_PLAIN);
  char name[40];
  _cleanup_free_ char *key_json = NULL, *key_bpf = NULL;
  int fd;

  snprintf(name, sizeof name, "%016" PRIx64, fnv1a(text));
  key_json = path_join(cache_dir, name);
  key_bpf = xmalloc(strlen(key_json) + 5);
  sprintf(key_bpf, "%s.bpf", key_json);
  if (same_text(key_json, text) && link(key_bpf, path) == 0) {
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
      return fd;
  }
  fd = compile(profile, path, e);
  if (fd >= 0)
    remember(cache_dir, key_json, key_bpf, text, path);
  return fd;
}
