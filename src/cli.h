/* Command line to plan: argp options, @FILE and --args splicing, strict
 * numbers.  Reads argument files and fds and nothing else, so it can be
 * unit-tested and fuzzed. */
#ifndef SBX_CLI_H
#define SBX_CLI_H

#include "plan.h"

#include <stdbool.h>

#define SBX_MAX_ARGS 9000

enum cli_result { CLI_RUN, CLI_EXIT_OK };

/* Parses argv into p (already plan_init'ed).  Returns CLI_RUN, CLI_EXIT_OK
 * after --help/--version, or -1 with e set. */
int cli_parse(int argc, char **argv, struct plan *p, struct sbx_error *e);

/* ---- shared by cli.c and cliread.c ---- */
struct argp_state;

struct cli_state {
  struct plan *plan;
  struct sbx_error *err;
  const char *argv0;
  int opt_end;        /* index after the last option and its values */
  int file_begin;     /* spliced words live in [file_begin, file_end) */
  int file_end;
  bool from_fd;       /* ...and came from --args */
  char **splice_argv; /* set when @FILE or --args asks for a re-parse */
  int splice_argc;
  int parsed_before;  /* words parsed and dropped by earlier splices */
  bool done;          /* --help or --version handled */
  unsigned char seen[512]; /* how often each option key was given */
  /* Modifiers waiting for the op they apply to. */
  bool perms_pending, size_pending;
  mode_t perms;
  size_t size;
  const char **layers;
  size_t n_layers, cap_layers;
};

/* A non-option word: @FILE to splice, or the command. */
int cli_word(struct argp_state *st, const char *arg);
/* --args FD: splice the NUL-separated words read from FD. */
int cli_splice_fd(struct argp_state *st, const char *arg);
int cli_check_count(struct cli_state *cs, int argc);
/* Sets the error for a malformed fd number given to --OPTION. */
int cli_bad_fd(struct cli_state *cs, const char *option, const char *value);

#endif
