/* --rlimit NAME=SOFT[:HARD]: resource limits of the command only.
 *
 * The forms are prlimit(1)'s: one value sets both limits, SOFT:HARD each,
 * SOFT: only the soft one and :HARD only the hard one, the other staying
 * the caller's.  The command starts from the caller's limits (setup runs
 * with them; see command.c for the fd limit), so the launcher can resolve
 * the one-sided forms and refuse what cannot be given before clone, where
 * an error leaves nothing behind.  A hard limit can only be lowered: the
 * command holds no capability in the host's user namespace, which is where
 * the kernel checks the right to raise it. */
#include "rlimit.h"

#include "error.h"
#include "plan.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The names prlimit(1) and the man page use. */
static const struct { const char *name; int resource; } resources[] = {
  { "as", RLIMIT_AS },           { "core", RLIMIT_CORE },
  { "cpu", RLIMIT_CPU },         { "data", RLIMIT_DATA },
  { "fsize", RLIMIT_FSIZE },     { "locks", RLIMIT_LOCKS },
  { "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE },
  { "nice", RLIMIT_NICE },       { "nofile", RLIMIT_NOFILE },
  { "nproc", RLIMIT_NPROC },     { "rss", RLIMIT_RSS },
  { "rtprio", RLIMIT_RTPRIO },   { "rttime", RLIMIT_RTTIME },
  { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
};

static int lookup(const char *name, size_t len)
{
  for (size_t i = 0; i < ARRAY_SIZE(resources); i++)
    if (strlen(resources[i].name) == len && memcmp(resources[i].name, name, len) == 0)
      return resources[i].resource;
  return -1;
}

static int unknown_name(const char *name, size_t len, struct sbx_error *e)
{
  char names[256] = "";

  for (size_t i = 0; i < ARRAY_SIZE(resources); i++) {
    size_t used = strlen(names);
    snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "", resources[i].name);
  }
  return sbx_fail(e, 0, "--rlimit: unknown resource '%.*s': expected one of %s", (int)len, name,
                  names);
}

/* One side of SOFT:HARD: "unlimited", or a decimal number that is not the
 * kernel's "unlimited" in disguise.  Empty means "not given". */
static int parse_side(const char *s, size_t len, bool *set, rlim_t *out)
{
  char buf[32];
  uint64_t v;

  *set = len > 0;
  if (len == 0)
    return 0;
  if (len >= sizeof buf)
    return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  if (strcmp(buf, "unlimited") == 0) {
    *out = RLIM_INFINITY;
    return 0;
  }
  if (parse_u64(buf, (uint64_t)RLIM_INFINITY - 1, &v) < 0)
    return -1;
  *out = (rlim_t)v;
  return 0;
}

static int bad_value(const char *arg, const char *s, size_t len, struct sbx_error *e)
{
  return sbx_fail(e, 0, "--rlimit: invalid value '%.*s' in '%s': expected 0 to %" PRIu64
                  " or unlimited", (int)len, s, arg, (uint64_t)RLIM_INFINITY - 1);
}

static int bad_form(const char *arg, struct sbx_error *e)
{
  return sbx_fail(e, 0, "--rlimit: invalid limit '%s': expected NAME=SOFT[:HARD]", arg);
}

int rlimit_parse(struct plan *p, const char *arg, struct sbx_error *e)
{
  const char *eq = strchr(arg, '='), *soft, *hard, *colon;
  struct plan_rlimit r = { .arg = arg };
  size_t n_soft, n_hard;
  int res;

  if (!eq || eq == arg)
    return bad_form(arg, e);
  if ((res = lookup(arg, (size_t)(eq - arg))) < 0)
    return unknown_name(arg, (size_t)(eq - arg), e);
  soft = eq + 1;
  colon = strchr(soft, ':');
  n_soft = colon ? (size_t)(colon - soft) : strlen(soft);
  hard = colon ? colon + 1 : soft; /* one value: both limits */
  n_hard = colon ? strlen(hard) : n_soft;
  if (colon && n_soft == 0 && n_hard == 0)
    return bad_form(arg, e);
  if (!colon && n_soft == 0)
    return bad_value(arg, soft, 0, e);
  if (parse_side(soft, n_soft, &r.soft_set, &r.lim.rlim_cur) < 0)
    return bad_value(arg, soft, n_soft, e);
  if (parse_side(hard, n_hard, &r.hard_set, &r.lim.rlim_max) < 0)
    return bad_value(arg, hard, n_hard, e);
  if (r.soft_set && r.hard_set && r.lim.rlim_cur > r.lim.rlim_max)
    return sbx_fail(e, 0, "--rlimit: invalid limit '%s': the soft limit is above the hard limit",
                    arg);
  p->rlimits[res] = r;
  return 0;
}

static const char *show(rlim_t v, char *buf, size_t size)
{
  if (v == RLIM_INFINITY)
    return "unlimited";
  snprintf(buf, size, "%" PRIu64, (uint64_t)v);
  return buf;
}

static int resolve_one(struct plan_rlimit *r, int res, struct sbx_error *e)
{
  struct rlimit cur;
  char buf[24];

  if (getrlimit(res, &cur) < 0)
    return sbx_fail(e, errno, "--rlimit: '%s': getrlimit", r->arg);
  if (!r->soft_set)
    r->lim.rlim_cur = cur.rlim_cur;
  if (!r->hard_set)
    r->lim.rlim_max = cur.rlim_max;
  if (r->lim.rlim_max > cur.rlim_max)
    return sbx_fail(e, 0, "--rlimit: the hard limit in '%s' is above the caller's (%s): "
                    "a hard limit can only be lowered", r->arg, show(cur.rlim_max, buf, sizeof buf));
  if (r->lim.rlim_cur <= r->lim.rlim_max)
    return 0;
  if (r->soft_set)
    return sbx_fail(e, 0, "--rlimit: the soft limit in '%s' is above the caller's hard limit (%s)",
                    r->arg, show(cur.rlim_max, buf, sizeof buf));
  sbx_fail(e, 0, "--rlimit: the caller's soft limit (%s) is above the hard limit in '%s'",
           show(cur.rlim_cur, buf, sizeof buf), r->arg);
  sbx_hint(e, "give both, as NAME=SOFT:HARD");
  return -1;
}

int rlimit_resolve(struct plan *p, struct sbx_error *e)
{
  for (int res = 0; res < RLIM_NLIMITS; res++)
    if (p->rlimits[res].arg && resolve_one(&p->rlimits[res], res, e) < 0)
      return -1;
  return 0;
}

int rlimit_apply(const struct plan *p, struct sbx_error *e)
{
  for (int res = 0; res < RLIM_NLIMITS; res++) {
    const struct plan_rlimit *r = &p->rlimits[res];
    if (r->arg && setrlimit(res, &r->lim) < 0)
      return sbx_fail(e, errno, "--rlimit: '%s': setrlimit", r->arg);
  }
  return 0;
}
