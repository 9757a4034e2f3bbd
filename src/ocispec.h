/* config.json onto the plan (doc/design.md, "OCI runtime"): the bundle's
 * root, mounts, namespaces, process, masked and read-only paths become
 * fs ops and plan fields, so that the existing launcher builds the
 * container.  What the plan has no field for is kept here for oci.c. */
#ifndef SBX_OCISPEC_H
#define SBX_OCISPEC_H

#include "ocijson.h"
#include "ociproc.h"

#include <stdbool.h>

struct plan;
struct sbx_error;

/* A namespace joined by path that the plan cannot join itself (ipc, uts,
 * mount, cgroup): the launcher is forked after setns to each. */
struct oci_join {
  int fd;
  int type; /* CLONE_NEW* */
};

struct oci_spec {
  json_object *config;
  const char *bundle; /* absolute */
  const char *rootfs; /* absolute */
  struct oci_process proc;
  struct oci_join joins[4]; /* ipc, uts, cgroup: each once (ocispec.c) */
  size_t n_joins;
  bool new_userns;         /* the config asks for a user namespace */
  json_object *uid_maps;   /* linux.uidMappings and gidMappings */
  json_object *gid_maps;
  json_object *seccomp;    /* linux.seccomp, or NULL */
  json_object *sysctl;     /* linux.sysctl, or NULL */
  json_object *hooks;      /* hooks, or NULL */
  json_object *annotations;
};

/* Reads BUNDLE/config.json. */
int ocispec_load(const char *bundle, struct oci_spec *s, struct sbx_error *e);
/* Fills the plan (personality PERS_OCI) from the config; the command is
 * set by the caller. */
int ocispec_to_plan(struct oci_spec *s, struct plan *p, struct sbx_error *e);
void ocispec_free(struct oci_spec *s);

#endif
