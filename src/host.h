/* What the plan needs to know of the machine and of the caller, gathered
 * in one place, once, before the plan is finished (doc/design.md, "File
 * map").  plan.c only reads it, so a unit test can hand the plan a host
 * of its own making (tests/unit/test-plan.c). */
#ifndef SBX_HOST_H
#define SBX_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct plan;

/* A top-level link of the host's "/" into usr/ (merged /usr). */
struct host_link {
  const char *name;   /* "/bin" */
  const char *target; /* "usr/bin" */
};

struct host {
  uid_t uid; /* the caller's */
  gid_t gid;
  uint64_t caps;          /* effective set: read for root in the bwrap personality */
  unsigned tty_fds;       /* fds 0-2 on the caller's terminal when stdin is one
                           * (sandbox personality, no --share-terminal) */
  bool cgroup_ns;         /* the kernel has cgroup namespaces */
  bool userns;            /* user namespaces can be made (read for root's -try) */
  bool force_fallback;    /* SANDBOX_FORCE_FALLBACK=1 */
  bool mount_api;         /* the kernel has mount_setattr (5.12) */
  struct host_link *usr_links; /* read when the plan binds the host's /usr */
  size_t n_usr_links;
};

/* Fills h with what the plan, as parsed, will ask: nothing is probed that
 * it will not use. */
void host_gather(struct host *h, const struct plan *p);

#endif
