/* --info-fd and --json-status-fd. */
#ifndef SBX_STATUS_H
#define SBX_STATUS_H

#include "plan.h"

#include <sys/types.h>

void status_write_info(const struct plan *p, pid_t child);
void status_write_exit(const struct plan *p, int status);

#endif
