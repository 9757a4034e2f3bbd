/* --rlimit: the command's resource limits.
 *
 * cli.c parses each option into the plan, plan_check resolves the result
 * against the caller's own limits before anything is created, and the
 * process that becomes the command sets them just before exec. */
#ifndef SBX_RLIMIT_H
#define SBX_RLIMIT_H

struct plan;
struct sbx_error;

/* One --rlimit NAME=SOFT[:HARD] value; replaces any earlier one for NAME. */
int rlimit_parse(struct plan *p, const char *arg, struct sbx_error *e);
/* Fills in the half a one-sided value left out, from the caller's limit,
 * and refuses what the command could not be given. */
int rlimit_resolve(struct plan *p, struct sbx_error *e);
/* In the command, before exec. */
int rlimit_apply(const struct plan *p, struct sbx_error *e);

#endif
