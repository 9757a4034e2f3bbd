/* Capabilities: names (through libcap) and the sets of the command. */
#ifndef SBX_CAPS_H
#define SBX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

struct sbx_error;

/* A capability name (CAP_NET_RAW, net_raw) or ALL, as a bit mask. */
int caps_parse(const char *name, uint64_t *mask);

/* Leaves the process with exactly `keep` in its bounding, permitted and
 * effective sets.  With `inherit`, in its inheritable and ambient sets
 * too, which carry them across the exec of a command that does not run
 * as uid 0 (uid 0 gets the bounding set at exec anyway); bubblewrap does
 * that whenever --cap-add or --cap-drop is given.  `held` goes into the
 * permitted set only: never effective, and gone at the next exec, since
 * the bounding set lacks it (see reaper_guard in child.c). */
int caps_set_exactly(uint64_t keep, uint64_t held, bool inherit, struct sbx_error *e);

/* The effective set right now, for bwrap's "real root keeps its caps". */
uint64_t caps_current(void);

#endif
