/* OCI hooks (doc/design.md, "OCI runtime"): programs the config names,
 * run by the runtime with the state document on stdin. */
#ifndef SBX_OCIHOOKS_H
#define SBX_OCIHOOKS_H

#include "ocijson.h"

struct sbx_error;

/* Runs every hook of hooks.KIND in order; the first that fails (or
 * outlives its timeout) is the error. */
int ocihooks_run(json_object *hooks, const char *kind, const char *state_json,
                 struct sbx_error *e);

#endif
