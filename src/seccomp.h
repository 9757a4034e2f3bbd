/* Seccomp for the launcher: find a profile, install it, export it.
 *
 * A profile is either a built-in one (seccomp/NAME.policy, compiled to BPF
 * when the program was built and embedded in it, so a launch never runs the
 * policy compiler) or a policy file compiled at run time.  The result is raw
 * classic BPF, the array of struct sock_filter the kernel takes, which is
 * also what bubblewrap's --seccomp FD reads. */
#ifndef SBX_SECCOMP_H
#define SBX_SECCOMP_H

#include <stdbool.h>
#include <stddef.h>

struct plan;
struct sbx_error;

/* Raw struct sock_filter bytes; len is a multiple of 8.  len 0 means "no
 * filter" (the profile allows everything).  data is malloc'd: free() it. */
struct sbx_bpf {
  unsigned char *data;
  size_t len;
};

/* A name without '/' that matches a built-in profile gives its embedded BPF
 * (no libseccomp call at all); anything else is read as a policy file and
 * compiled now.  Errors are one line, "FILE:LINE:COL: message" for a
 * policy that does not compile. */
int seccomp_profile_get(const char *name_or_path, struct sbx_bpf *out, struct sbx_error *e);

/* Whether seccomp_profile_get takes name_or_path as a built-in profile. */
bool seccomp_profile_is_builtin(const char *name_or_path);

/* Installs the filter on the calling thread.  no_new_privs must already be
 * set.  len 0 installs nothing.  Safe after fork: no allocation. */
int seccomp_install(const struct sbx_bpf *f, struct sbx_error *e);

/* Installs n filters in order (see plan.h for the order). */
int seccomp_install_all(const struct sbx_bpf *f, size_t n, struct sbx_error *e);

/* Writes the raw BPF of a profile to fd (--seccomp-export).  A profile that
 * installs no filter (none) has nothing to export: that is an error. */
int seccomp_export(const char *name_or_path, int fd, struct sbx_error *e);

void sbx_bpf_free(struct sbx_bpf *f);

/* seccomp_plan.c: reads the plan's programs into p->seccomp, in the order
 * they are installed (plan.h), after plan_check. */
int seccomp_plan_load(struct plan *p, struct sbx_error *e);

#endif
