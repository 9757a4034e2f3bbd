/* Command line to plan: argp options, @FILE splicing, strict numbers.
 * Reads argument files and nothing else, so it can be unit-tested and
 * fuzzed. */
#ifndef SBX_CLI_H
#define SBX_CLI_H

#include "plan.h"

#define SBX_MAX_ARGS 9000

enum cli_result { CLI_RUN, CLI_EXIT_OK };

/* Parses argv into p (already plan_init'ed).  Returns CLI_RUN, CLI_EXIT_OK
 * after --help/--version, or -1 with e set. */
int cli_parse(int argc, char **argv, struct plan *p, struct sbx_error *e);

#endif
