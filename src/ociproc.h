/* The "process" object of config.json, and exec's process.json: what
 * runs, as whom, with which capabilities and limits (doc/design.md, "OCI
 * runtime"). */
#ifndef SBX_OCIPROC_H
#define SBX_OCIPROC_H

#include "ocijson.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct sbx_error;

struct oci_process {
  char **args;
  size_t n_args;
  char **env;
  size_t n_env;
  const char *cwd;
  bool terminal;
  uid_t uid;
  gid_t gid;
  gid_t *groups;
  size_t n_groups;
  uint64_t caps;    /* the bounding set: what the process may hold */
  bool ambient;     /* ambient capabilities were asked for */
  bool oom_set;
  int oom_score_adj;
  char **rlimits;   /* as the plan's --rlimit NAME=SOFT:HARD */
  size_t n_rlimits;
};

/* Fills P from the process object OBJ (WHERE names it in errors). */
int ociproc_parse(json_object *obj, const char *where, struct oci_process *p,
                  struct sbx_error *e);
/* The process's rlimits into plan P (its --rlimit entries). */
struct plan;
int ociproc_rlimits(const struct oci_process *proc, struct plan *p, struct sbx_error *e);

#endif
