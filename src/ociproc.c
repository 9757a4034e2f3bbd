/* config.json's "process" (ociproc.h).  Names follow the runtime spec:
 * RLIMIT_* resources, CAP_* capabilities; an unknown one is an error, not
 * silently dropped, since it would weaken or loosen the container. */
#include "ociproc.h"

#include "caps.h"
#include "plan.h"
#include "rlimit.h"
#include "error.h"
#include "util.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* "RLIMIT_NOFILE" -> "nofile=SOFT:HARD", the plan's --rlimit form, whose
 * parser knows the names (rlimit.c). */
static char *rlimit_arg(const char *type, uint64_t soft, uint64_t hard)
{
  char buf[96], *p;
  int n = snprintf(buf, sizeof buf, "%s=", type + 7);

  for (p = buf; *p != '='; p++)
    *p = (char)tolower((unsigned char)*p);
  if (soft == RLIM_INFINITY)
    n += snprintf(buf + n, sizeof buf - (size_t)n, "unlimited:");
  else
    n += snprintf(buf + n, sizeof buf - (size_t)n, "%" PRIu64 ":", soft);
  if (hard == RLIM_INFINITY)
    snprintf(buf + n, sizeof buf - (size_t)n, "unlimited");
  else
    snprintf(buf + n, sizeof buf - (size_t)n, "%" PRIu64, hard);
  return xstrdup(buf);
}

static int parse_rlimit(json_object *r, size_t i, struct oci_process *p, struct sbx_error *e)
{
  char where[48];
  const char *type;
  uint64_t soft, hard;
  bool s_set, h_set;

  snprintf(where, sizeof where, "process.rlimits[%zu]", i);
  if (!json_object_is_type(r, json_type_object))
    return sbx_fail(e, 0, "config: %s: must be an object", where);
  if (ocijson_str(r, where, "type", &type, e) < 0 ||
      ocijson_uint(r, where, "soft", UINT64_MAX, &soft, &s_set, e) < 0 ||
      ocijson_uint(r, where, "hard", UINT64_MAX, &hard, &h_set, e) < 0)
    return -1;
  if (!type || strncmp(type, "RLIMIT_", 7) != 0 || strlen(type) > 40)
    return sbx_fail(e, 0, "config: %s.type: unknown resource '%s'", where, type ? type : "");
  if (!s_set || !h_set || soft > hard)
    return sbx_fail(e, 0, "config: %s: needs soft <= hard", where);
  p->rlimits[p->n_rlimits++] = rlimit_arg(type, soft, hard);
  return 0;
}

static int parse_rlimits(json_object *obj, struct oci_process *p, struct sbx_error *e)
{
  json_object *a;

  if (ocijson_get(obj, "process", "rlimits", json_type_array, &a, e) < 0)
    return -1;
  p->rlimits = xcalloc(a ? json_object_array_length(a) + 1 : 1, sizeof *p->rlimits);
  for (size_t i = 0; a && i < json_object_array_length(a); i++)
    if (parse_rlimit(json_object_array_get_idx(a, i), i, p, e) < 0)
      return -1;
  return 0;
}

/* One capability list into a mask. */
static int cap_list(json_object *caps, const char *key, uint64_t *mask, bool *given,
                    struct sbx_error *e)
{
  _cleanup_free_ char **names = NULL;
  size_t n;

  *mask = 0;
  *given = caps && json_object_object_get_ex(caps, key, NULL);
  if (ocijson_strv(caps, "process.capabilities", key, &names, &n, e) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    uint64_t bit;
    if (caps_parse(names[i], &bit) < 0 || strcasecmp(names[i], "ALL") == 0)
      return sbx_fail(e, 0, "config: process.capabilities.%s: unknown capability '%s'", key,
                      names[i]);
    *mask |= bit;
  }
  return 0;
}

/* The plan keeps one set (bounding = permitted = effective); the
 * bounding set is the limit of what the process can ever hold, so it is
 * the one kept, cut to the permitted set when that is narrower. */
static int parse_caps(json_object *obj, struct oci_process *p, struct sbx_error *e)
{
  json_object *caps;
  uint64_t bounding, permitted, ambient;
  bool b_given, p_given, a_given;

  if (ocijson_get(obj, "process", "capabilities", json_type_object, &caps, e) < 0)
    return -1;
  if (cap_list(caps, "bounding", &bounding, &b_given, e) < 0 ||
      cap_list(caps, "permitted", &permitted, &p_given, e) < 0 ||
      cap_list(caps, "ambient", &ambient, &a_given, e) < 0)
    return -1;
  p->caps = b_given ? bounding : permitted;
  if (b_given && p_given)
    p->caps &= permitted;
  p->ambient = ambient != 0;
  return 0;
}

static int parse_user(json_object *obj, struct oci_process *p, struct sbx_error *e)
{
  json_object *user, *groups;
  uint64_t v;
  bool set;

  if (ocijson_get(obj, "process", "user", json_type_object, &user, e) < 0)
    return -1;
  if (ocijson_uint(user, "process.user", "uid", UINT32_MAX - 1, &v, &set, e) < 0)
    return -1;
  p->uid = set ? (uid_t)v : 0;
  if (ocijson_uint(user, "process.user", "gid", UINT32_MAX - 1, &v, &set, e) < 0)
    return -1;
  p->gid = set ? (gid_t)v : 0;
  if (ocijson_get(user, "process.user", "additionalGids", json_type_array, &groups, e) < 0)
    return -1;
  p->n_groups = groups ? json_object_array_length(groups) : 0;
  p->groups = xcalloc(p->n_groups + 1, sizeof *p->groups);
  for (size_t i = 0; i < p->n_groups; i++) {
    json_object *g = json_object_array_get_idx(groups, i);
    int64_t n = json_object_is_type(g, json_type_int) ? json_object_get_int64(g) : -1;
    if (n < 0 || n >= UINT32_MAX)
      return sbx_fail(e, 0, "config: process.user.additionalGids[%zu]: not a group id", i);
    p->groups[i] = (gid_t)n;
  }
  return 0;
}

static int parse_flags(json_object *obj, struct oci_process *p, struct sbx_error *e)
{
  json_object *v;

  if (ocijson_get(obj, "process", "terminal", json_type_boolean, &v, e) < 0)
    return -1;
  p->terminal = v && json_object_get_boolean(v);
  if (ocijson_get(obj, "process", "oomScoreAdj", json_type_int, &v, e) < 0)
    return -1;
  p->oom_set = v != NULL;
  p->oom_score_adj = v ? json_object_get_int(v) : 0;
  if (p->oom_set && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
    return sbx_fail(e, 0, "config: process.oomScoreAdj: %d is out of range (-1000 to 1000)",
                    p->oom_score_adj);
  return 0;
}

int ociproc_parse(json_object *obj, const char *where, struct oci_process *p,
                  struct sbx_error *e)
{
  memset(p, 0, sizeof *p);
  if (!obj || !json_object_is_type(obj, json_type_object))
    return sbx_fail(e, 0, "config: %s: missing, or not an object", where);
  if (ocijson_strv(obj, "process", "args", &p->args, &p->n_args, e) < 0)
    return -1;
  if (p->n_args == 0)
    return sbx_fail(e, 0, "config: process.args: no command to run");
  if (ocijson_strv(obj, "process", "env", &p->env, &p->n_env, e) < 0 ||
      ocijson_str(obj, "process", "cwd", &p->cwd, e) < 0)
    return -1;
  if (!p->cwd || p->cwd[0] != '/')
    return sbx_fail(e, 0, "config: process.cwd: must be an absolute path");
  if (parse_user(obj, p, e) < 0 || parse_caps(obj, p, e) < 0 || parse_rlimits(obj, p, e) < 0)
    return -1;
  return parse_flags(obj, p, e);
}

/* Into the plan's limits; a hard limit above this process's own is
 * raised here first where the caller may (root): the plan only ever
 * lowers them (rlimit.c). */
int ociproc_rlimits(const struct oci_process *proc, struct plan *p, struct sbx_error *e)
{
  for (size_t i = 0; i < proc->n_rlimits; i++)
    if (rlimit_parse(p, proc->rlimits[i], e) < 0)
      return sbx_wrap(e, "config: process.rlimits");
  for (int res = 0; res < RLIM_NLIMITS; res++) {
    struct rlimit cur;
    const struct plan_rlimit *r = &p->rlimits[res];
    if (r->arg && getrlimit(res, &cur) == 0 && r->lim.rlim_max > cur.rlim_max) {
      cur.rlim_max = r->lim.rlim_max;
      setrlimit(res, &cur);
    }
  }
  return 0;
}
