/* linux.sysctl of config.json (doc/design.md, "OCI runtime"). */
#ifndef SBX_OCISYSCTL_H
#define SBX_OCISYSCTL_H

#include "ocijson.h"

#include <sys/types.h>

struct sbx_error;

/* Writes each key of SYSCTL (an object of strings) for the container PID:
 * from a process that has joined its user, network, IPC and UTS
 * namespaces, which is whose values /proc/sys shows and sets. */
int ocisysctl_apply(json_object *sysctl, pid_t pid, struct sbx_error *e);

#endif
