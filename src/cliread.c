/* Words that come from somewhere else than argv: `@FILE` (one argument per
 * line) and `--args FD` (NUL-separated).  Both are spliced in place: a new
 * vector holds argv[0], the new words, then whatever followed, and the
 * parse starts again on it.  Neither may appear inside the other's words,
 * so splicing cannot loop. */
#include "cli.h"

#include "error.h"
#include "util.h"

#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define ARGS_DATA_MAX (1 << 20)

/* bubblewrap's callers and tests match its exact words for this one. */
int cli_bad_fd(struct cli_state *cs, const char *option, const char *value)
{
  if (cs->plan->pers == PERS_BWRAP)
    sbx_fail(cs->err, 0, "Invalid fd: %s", value);
  else
    sbx_fail(cs->err, 0, "--%s: invalid fd '%s'", option, value);
  return EINVAL;
}

/* Reads all of fd, up to ARGS_DATA_MAX bytes. */
static int read_all(int fd, char **out, size_t *len)
{
  size_t cap = 4096, n = 0;
  char *buf = xmalloc(cap + 1);

  for (;;) {
    ssize_t r;
    if (n == cap && cap >= ARGS_DATA_MAX) {
      /* Exactly ARGS_DATA_MAX bytes is allowed: only one more is too many. */
      char extra;
      while ((r = read(fd, &extra, 1)) < 0 && errno == EINTR)
        ;
      if (r == 0)
        break;
      free(buf);
      if (r > 0)
        errno = EFBIG;
      return -1;
    }
    if (n == cap) {
      cap *= 2;
      buf = xrealloc(buf, cap + 1);
    }
    r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(buf);
      return -1;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  *out = buf;
  *len = n;
  return 0;
}

/* One argument per line, exactly as written (so paths may hold spaces),
 * except that a trailing CR is dropped and lines that are empty or start
 * with '#' after leading blanks are skipped. */
static int split_lines(char *buf, char ***out)
{
  char **v = NULL;
  size_t cap = 0;
  int n = 0;

  for (char *line = buf, *nl; line && *line; line = nl) {
    const char *t = line;
    nl = strchr(line, '\n');
    if (nl)
      *nl++ = '\0';
    size_t len = strlen(line);
    if (len && line[len - 1] == '\r')
      line[len - 1] = '\0';
    t += strspn(t, " \t");
    if (*t == '\0' || *t == '#')
      continue;
    xgrow(&v, &cap, (size_t)n + 1, sizeof *v);
    v[n++] = line;
  }
  *out = v;
  return n;
}

static int split_nul(char *buf, size_t len, char ***out)
{
  char **v = NULL;
  size_t cap = 0;
  int n = 0;

  for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
    xgrow(&v, &cap, (size_t)n + 1, sizeof *v);
    v[n++] = buf + i;
  }
  *out = v;
  return n;
}

/* Replaces argv[idx] (and, for --args, its value) by words. */
/* The words before were parsed already: the new vector is argv[0], the
 * spliced words, then argv from index `after` on. */
static void splice_words(struct argp_state *st, int after, char **words, int n, bool fd)
{
  struct cli_state *cs = st->input;
  int rest = st->argc - after;
  char **v = xcalloc((size_t)(1 + n + rest + 1), sizeof *v);

  v[0] = st->argv[0];
  cs->parsed_before += after - 1; /* they still count towards the limit */
  if (n > 0) /* an empty file or fd has no words, and words is NULL */
    memcpy(v + 1, words, (size_t)n * sizeof *v);
  memcpy(v + 1 + n, st->argv + after, (size_t)rest * sizeof *v);
  cs->splice_argv = v;
  cs->splice_argc = 1 + n + rest;
  cs->file_begin = 1;
  cs->file_end = 1 + n;
  cs->from_fd = fd;
  st->next = st->argc;
}

static bool in_spliced(const struct cli_state *cs, int idx)
{
  return idx >= cs->file_begin && idx < cs->file_end;
}

int cli_check_count(struct cli_state *cs, int argc)
{
  int total = cs->parsed_before + argc - 1;
  if (total > SBX_MAX_ARGS)
    return sbx_fail(cs->err, E2BIG, "too many arguments (%d, at most %d)", total,
                    SBX_MAX_ARGS);
  return 0;
}

static int read_args_file(struct cli_state *cs, const char *path, char ***words)
{
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  char *buf;
  size_t len;

  if (fd < 0)
    return sbx_fail(cs->err, errno, "@%s", path);
  if (read_all(fd, &buf, &len) < 0)
    return sbx_fail(cs->err, errno, "@%s", path);
  if (memchr(buf, '\0', len)) {
    free(buf);
    return sbx_fail(cs->err, 0, "@%s: contains a NUL byte", path);
  }
  /* buf stays allocated: the plan points into it. */
  return split_lines(buf, words);
}

int cli_word(struct argp_state *st, const char *arg)
{
  struct cli_state *cs = st->input;
  int idx = st->next - 1;
  char **words = NULL;
  int n;

  /* A gap after the last option is the "--" that getopt swallowed. */
  if (arg[0] != '@' || idx > cs->opt_end) {
    cs->plan->argv = st->argv + idx;
    st->next = st->argc; /* stop: the rest belongs to the command */
    return 0;
  }
  if (in_spliced(cs, idx))
    return sbx_fail(cs->err, 0, "%s: @FILE is not supported inside %s", arg,
                    cs->from_fd ? "--args data" : "an options file"), EINVAL;
  n = read_args_file(cs, arg + 1, &words);
  if (n < 0)
    return EINVAL;
  splice_words(st, idx + 1, words, n, false);
  free(words);
  return 0;
}

int cli_splice_fd(struct argp_state *st, const char *arg)
{
  struct cli_state *cs = st->input;
  uint64_t fd;
  char *buf, **words = NULL;
  size_t len;
  int n;

  if (parse_u64(arg, INT32_MAX, &fd) < 0)
    return cli_bad_fd(cs, "args", arg);
  if (in_spliced(cs, cs->opt_end) && cs->from_fd)
    return sbx_fail(cs->err, 0, "--args not supported in arguments file"), EINVAL;
  if (read_all((int)fd, &buf, &len) < 0)
    return sbx_fail(cs->err, errno, "--args %s", arg), EINVAL;
  close((int)fd);
  n = split_nul(buf, len, &words);
  splice_words(st, st->next, words, n, true);
  free(words);
  return 0;
}
