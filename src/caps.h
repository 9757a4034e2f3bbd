/* Capabilities: names (through libcap) and the sets of the command. */
#ifndef SBX_CAPS_H
#define SBX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

struct sbx_error;

/* A capability name (CAP_NET_RAW, net_raw) or ALL, as a bit mask. */
int caps_parse(const char *name, uint64_t *mask);

/* Leaves the process with exactly `keep` in its bounding, permitted,
 * effective, inheritable and ambient sets (ambient so that they survive
 * exec as uid 0 and as any other uid). */
int caps_set_exactly(uint64_t keep, struct sbx_error *e);

/* The effective set right now, for bwrap's "real root keeps its caps". */
uint64_t caps_current(void);

#endif
