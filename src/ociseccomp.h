/* linux.seccomp of config.json, compiled with libseccomp to the raw BPF
 * the plan installs (doc/design.md, "OCI runtime"). */
#ifndef SBX_OCISECCOMP_H
#define SBX_OCISECCOMP_H

#include "ocijson.h"

struct sbx_error;

/* Compiles the profile and writes its BPF to a new file PATH; returns an
 * fd open on it for reading, at its start, or -1.  CACHE_DIR keeps
 * compiled profiles for the next create (made when missing). */
int ociseccomp_compile(json_object *profile, const char *path, const char *cache_dir,
                       struct sbx_error *e);

#endif
