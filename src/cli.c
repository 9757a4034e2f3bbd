

#include "cli.h"

#include "error.h"
#include "util.h"

#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
  K_BIND = 256, K_BIND_TRY, K_RO_BIND, K_RO_BIND_TRY, K_DEV_BIND, K_DEV_BIND_TRY,
  K_REMOUNT_RO, K_PROC, K_DEV, K_TMPFS, K_DIR, K_SYMLINK,
  K_CHDIR, K_SETENV, K_UNSETENV, K_CLEARENV, K_HOSTNAME, K_UID, K_GID,
  K_UNSHARE_USER, K_UNSHARE_USER_TRY, K_UNSHARE_IPC, K_UNSHARE_PID, K_UNSHARE_NET,
  K_UNSHARE_UTS, K_UNSHARE_CGROUP, K_UNSHARE_CGROUP_TRY, K_UNSHARE_ALL,
  K_SHARE_NET, K_SHARE_PID, K_SHARE_IPC, K_SHARE_UTS, K_SHARE_CGROUP,
  K_BARE, K_DIE_WITH_PARENT, K_NEW_SESSION, K_AS_PID_1, K_PASS_FD,
  K_HELP, K_VERSION,
  K_VERBOSE = 'v',
};

#define GROUP(n) (n)
static const struct argp_option options[] = {
  { NULL, 0, NULL, 0, "Filesystem (applied in order):", GROUP(1) },
  { "bind", K_BIND, "SRC DEST", 0, "Bind host SRC on DEST (nosuid, nodev)", 0 },
  { "bind-try", K_BIND_TRY, "SRC DEST", 0, "Like --bind, skipped if SRC is missing", 0 },
  { "ro-bind", K_RO_BIND, "SRC DEST", 0, "Bind SRC read-only, submounts included", 0 },
  { "ro-bind-try", K_RO_BIND_TRY, "SRC DEST", 0, "Like --ro-bind, skipped if SRC is missing", 0 },
  { "dev-bind", K_DEV_BIND, "SRC DEST", 0, "Bind SRC keeping device access", 0 },
  { "dev-bind-try", K_DEV_BIND_TRY, "SRC DEST", 0, "Like --dev-bind, skipped if SRC is missing", 0 },
  { "remount-ro", K_REMOUNT_RO, "DEST", 0, "Make the mount at DEST read-only", 0 },
  { "proc", K_PROC, "DEST", 0, "Mount a new procfs on DEST", 0 },
  { "dev", K_DEV, "DEST", 0, "Mount a minimal /dev on DEST", 0 },
  { "tmpfs", K_TMPFS, "DEST", 0, "Mount a tmpfs on DEST", 0 },
  { "dir", K_DIR, "DEST", 0, "Create directory DEST", 0 },
  { "symlink", K_SYMLINK, "TARGET DEST", 0, "Create symlink DEST pointing to TARGET", 0 },
  { "bare", K_BARE, NULL, 0, "No implicit /proc, /dev, /tmp or /usr links", 0 },

  { NULL, 0, NULL, 0, "Namespaces (all are unshared by default):", GROUP(2) },
  { "share-net", K_SHARE_NET, NULL, 0, "Keep the host network", 0 },
  { "share-pid", K_SHARE_PID, NULL, 0, "Keep the host PID namespace", 0 },
  { "share-ipc", K_SHARE_IPC, NULL, 0, "Keep the host IPC namespace", 0 },
  { "share-uts", K_SHARE_UTS, NULL, 0, "Keep the host hostname namespace", 0 },
  { "share-cgroup", K_SHARE_CGROUP, NULL, 0, "Keep the host cgroup namespace", 0 },
  { "unshare-all", K_UNSHARE_ALL, NULL, 0, "Unshare every namespace", 0 },
  { "unshare-user", K_UNSHARE_USER, NULL, 0, "Unshare the user namespace", 0 },
  { "unshare-user-try", K_UNSHARE_USER_TRY, NULL, 0, "Unshare the user namespace if possible", 0 },
  { "unshare-ipc", K_UNSHARE_IPC, NULL, 0, "Unshare the IPC namespace", 0 },
  { "unshare-pid", K_UNSHARE_PID, NULL, 0, "Unshare the PID namespace", 0 },
  { "unshare-net", K_UNSHARE_NET, NULL, 0, "Unshare the network namespace", 0 },
  { "unshare-uts", K_UNSHARE_UTS, NULL, 0, "Unshare the UTS namespace", 0 },
  { "unshare-cgroup", K_UNSHARE_CGROUP, NULL, 0, "Unshare the cgroup namespace", 0 },
  { "unshare-cgroup-try", K_UNSHARE_CGROUP_TRY, NULL, 0, "Unshare the cgroup namespace if possible", 0 },

  { NULL, 0, NULL, 0, "Identity:", GROUP(3) },
  { "uid", K_UID, "UID", 0, "User id inside the sandbox (default 0)", 0 },
  { "gid", K_GID, "GID", 0, "Group id inside the sandbox (default 0)", 0 },
  { "hostname", K_HOSTNAME, "NAME", 0, "Hostname inside the sandbox", 0 },

  { NULL, 0, NULL, 0, "Environment and process:", GROUP(4) },
  { "chdir", K_CHDIR, "DIR", 0, "Working directory of the command", 0 },
  { "setenv", K_SETENV, "VAR VALUE", 0, "Set an environment variable", 0 },
  { "unsetenv", K_UNSETENV, "VAR", 0, "Unset an environment variable", 0 },
  { "clearenv", K_CLEARENV, NULL, 0, "Start from an empty environment", 0 },
  { "pass-fd", K_PASS_FD, "FD", 0, "Keep inherited FD open for the command", 0 },
  { "new-session", K_NEW_SESSION, NULL, 0, "Run the command in a new session", 0 },
  { "die-with-parent", K_DIE_WITH_PARENT, NULL, 0, "Kill the sandbox when the caller dies (default)", 0 },
  { "as-pid-1", K_AS_PID_1, NULL, 0, "Run the command as pid 1, with no reaper", 0 },

  { NULL, 0, NULL, 0, "Diagnostics:", GROUP(5) },
  { "verbose", K_VERBOSE, NULL, 0, "Print each setup step with its duration", 0 },
  { "help", K_HELP, NULL, 0, "Print this help and exit", 0 },
  { "version", K_VERSION, NULL, 0, "Print the version and built-in features", 0 },
  { NULL, 0, NULL, 0, NULL, 0 },
};

struct cli_state {
  struct plan *plan;
  struct sbx_error *err;
  int opt_end;        /* index after the last option and its values */
  int file_begin;     /* arguments spliced from @FILE live in [begin, end) */
  int file_end;
  char **splice_argv; /* set when @FILE asks for a re-parse */
  int splice_argc;
  bool done;          /* --help or --version handled */
};

/* Records the error and returns what argp expects from a failed parser. */
__attribute__((format(printf, 2, 3)))
static int fail(struct argp_state *st, const char *fmt, ...)
{
  struct cli_state *cs = st->input;
  va_list ap;
  char msg[sizeof cs->err->msg];

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sbx_fail(cs->err, 0, "%s", msg);
  return EINVAL;
}

/* The extra words of a multi-argument option (`--bind SRC DEST`). */
static int take_arg(struct argp_state *st, const char *opt, const char **out)
{
  if (st->next >= st->argc)
    return fail(st, "--%s: missing argument", opt);
  *out = st->argv[st->next++];
  return 0;
}

static int parse_id(struct argp_state *st, const char *opt, const char *s, uint32_t *out)
{
  uint64_t v;
  /* (uid_t)-1 means "no change" to the kernel, so it is not a valid id. */
  if (parse_u64(s, UINT32_MAX - 1, &v) < 0)
    return fail(st, "--%s: invalid id '%s': expected 0 to 4294967294", opt, s);
  *out = (uint32_t)v;
  return 0;
}

static int parse_fd(struct argp_state *st, const char *opt, const char *s, int *out)
{
  uint64_t v;
  if (parse_u64(s, INT32_MAX, &v) < 0)
    return fail(st, "--%s: invalid fd '%s'", opt, s);
  *out = (int)v;
  return 0;
}

static int add_path_op(struct argp_state *st, enum op_kind kind, unsigned flags,
                       const char *opt, const char *arg, bool two)
{
  struct cli_state *cs = st->input;
  struct fs_op *op = plan_add_op(cs->plan, kind, opt);
  op->flags |= flags;
  if (two) {
    op->src = arg;
    return take_arg(st, opt, &op->dest);
  }
  op->dest = arg;
  return 0;
}

struct bind_kind { int key; const char *name; unsigned flags; };
static const struct bind_kind binds[] = {
  { K_BIND, "bind", 0 },
  { K_BIND_TRY, "bind-try", OPF_TRY },
  { K_RO_BIND, "ro-bind", OPF_RDONLY },
  { K_RO_BIND_TRY, "ro-bind-try", OPF_RDONLY | OPF_TRY },
  { K_DEV_BIND, "dev-bind", OPF_DEVICES },
  { K_DEV_BIND_TRY, "dev-bind-try", OPF_DEVICES | OPF_TRY },
};

struct ns_kind { int key; unsigned bit; bool share; };
static const struct ns_kind nss[] = {
  { K_UNSHARE_USER, NS_USER, false }, { K_UNSHARE_USER_TRY, NS_USER, false },
  { K_UNSHARE_IPC, NS_IPC, false },   { K_UNSHARE_PID, NS_PID, false },
  { K_UNSHARE_NET, NS_NET, false },   { K_UNSHARE_UTS, NS_UTS, false },
  { K_UNSHARE_CGROUP, NS_CGROUP, false }, { K_UNSHARE_CGROUP_TRY, NS_CGROUP, false },
  { K_UNSHARE_ALL, NS_ALL, false },
  { K_SHARE_NET, NS_NET, true },      { K_SHARE_PID, NS_PID, true },
  { K_SHARE_IPC, NS_IPC, true },      { K_SHARE_UTS, NS_UTS, true },
  { K_SHARE_CGROUP, NS_CGROUP, true },
};

static bool parse_namespace_key(struct plan *p, int key)
{
  for (size_t i = 0; i < ARRAY_SIZE(nss); i++) {
    if (nss[i].key != key)
      continue;
    if (nss[i].share) {
      p->ns_share |= nss[i].bit;
      p->ns_unshare &= ~nss[i].bit;
    } else {
      p->ns_unshare |= nss[i].bit;
      p->ns_share &= ~nss[i].bit;
    }
    return true;
  }
  return false;
}

static int parse_bind_key(struct argp_state *st, int key, const char *arg, bool *handled)
{
  for (size_t i = 0; i < ARRAY_SIZE(binds); i++) {
    if (binds[i].key == key) {
      *handled = true;
      return add_path_op(st, OP_BIND, binds[i].flags, binds[i].name, arg, true);
    }
  }
  *handled = false;
  return 0;
}

static int parse_fs_key(struct argp_state *st, int key, const char *arg)
{
  switch (key) {
  case K_REMOUNT_RO: return add_path_op(st, OP_REMOUNT_RO, 0, "remount-ro", arg, false);
  case K_PROC: return add_path_op(st, OP_PROC, 0, "proc", arg, false);
  case K_DEV: return add_path_op(st, OP_DEV, 0, "dev", arg, false);
  case K_TMPFS: return add_path_op(st, OP_TMPFS, 0, "tmpfs", arg, false);
  case K_DIR: return add_path_op(st, OP_DIR, 0, "dir", arg, false);
  case K_SYMLINK: return add_path_op(st, OP_SYMLINK, 0, "symlink", arg, true);
  default: return ARGP_ERR_UNKNOWN;
  }
}

static int parse_process_key(struct argp_state *st, int key, const char *arg)
{
  struct cli_state *cs = st->input;
  struct plan *p = cs->plan;
  const char *value = NULL;
  int fd = -1, r;

  switch (key) {
  case K_UID: p->uid_set = true; return parse_id(st, "uid", arg, &p->uid);
  case K_GID: p->gid_set = true; return parse_id(st, "gid", arg, &p->gid);
  case K_HOSTNAME: p->hostname = arg; return 0;
  case K_CHDIR: p->chdir = arg; return 0;
  case K_SETENV:
    if ((r = take_arg(st, "setenv", &value)))
      return r;
    plan_add_env(p, ENV_SET, arg, value);
    return 0;
  case K_UNSETENV: plan_add_env(p, ENV_UNSET, arg, NULL); return 0;
  case K_CLEARENV: plan_add_env(p, ENV_CLEAR, NULL, NULL); return 0;
  case K_PASS_FD:
    if ((r = parse_fd(st, "pass-fd", arg, &fd)))
      return r;
    plan_add_pass_fd(p, fd);
    return 0;
  case K_BARE: p->bare = true; return 0;
  case K_NEW_SESSION: p->new_session = true; return 0;
  case K_DIE_WITH_PARENT: p->die_with_parent = true; return 0;
  case K_AS_PID_1: p->as_pid_1 = true; return 0;
  case K_VERBOSE: p->verbose = true; return 0;
  default: return ARGP_ERR_UNKNOWN;
  }
}

static int read_args_file(struct cli_state *cs, const char *path, char ***out, int *n_out);

/* A non-option word: either @FILE to splice in place, or the command. */
static int parse_word(struct argp_state *st, const char *arg)
{
  struct cli_state *cs = st->input;
  int idx = st->next - 1;
  bool after_dashdash = idx > cs->opt_end;
  char **file_args = NULL;
  int n_file = 0;

  if (arg[0] != '@' || after_dashdash) {
    cs->plan->argv = st->argv + idx;
    st->next = st->argc; /* stop: the rest belongs to the command */
    return 0;
  }
  if (idx >= cs->file_begin && idx < cs->file_end)
    return fail(st, "%s: @FILE is not supported inside an options file", arg);
  if (read_args_file(cs, arg + 1, &file_args, &n_file) < 0)
    return EINVAL;

  /* New vector: argv[0], the file's words, then what followed @FILE. */
  int rest = st->argc - (idx + 1);
  char **v = xcalloc((size_t)(1 + n_file + rest + 1), sizeof *v);
  v[0] = st->argv[0];
  memcpy(v + 1, file_args, (size_t)n_file * sizeof *v);
  memcpy(v + 1 + n_file, st->argv + idx + 1, (size_t)rest * sizeof *v);
  free(file_args);
  cs->splice_argv = v;
  cs->splice_argc = 1 + n_file + rest;
  cs->file_begin = 1;
  cs->file_end = 1 + n_file;
  st->next = st->argc;
  return 0;
}

static int handle_meta(struct argp_state *st, int key);

static int parser(int key, char *arg, struct argp_state *st)
{
  struct cli_state *cs = st->input;
  bool handled;
  int r;

  switch (key) {
  case ARGP_KEY_ARG:
    return parse_word(st, arg);
  case ARGP_KEY_INIT: case ARGP_KEY_END: case ARGP_KEY_NO_ARGS:
  case ARGP_KEY_SUCCESS: case ARGP_KEY_FINI: case ARGP_KEY_ARGS:
    return 0;
  case ARGP_KEY_ERROR:
    return 0;
  case K_HELP: case K_VERSION:
    return handle_meta(st, key);
  }
  if (parse_namespace_key(cs->plan, key))
    r = 0;
  else if ((r = parse_bind_key(st, key, arg, &handled)), handled)
    ;
  else if ((r = parse_fs_key(st, key, arg)) == ARGP_ERR_UNKNOWN)
    r = parse_process_key(st, key, arg);
  cs->opt_end = st->next;
  return r;
}

static const char doc[] =
    "Run COMMAND in new namespaces on an empty root built from the options."
    "\vOptions apply in order.  An argument @FILE reads more options from FILE,"
    " one per line.  See sandbox(1).";

static const struct argp argp = { options, parser, "[--] COMMAND [ARGS...]", doc, NULL, NULL, NULL };

static void print_version(void)
{
  printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
}

/* --help and --version end the parse at once, like any other option would
 * stop the command; they are handled here so argp never exits on its own. */
static int handle_meta(struct argp_state *st, int key)
{
  struct cli_state *cs = st->input;
  if (key == K_HELP)
    argp_help(&argp, stdout, ARGP_HELP_STD_HELP & ~ARGP_HELP_EXIT_OK, (char *)"sandbox");
  else
    print_version();
  fflush(stdout);
  cs->done = true;
  st->next = st->argc;
  return 0;
}

/* An options file: one argument per line, exactly as written (so paths may
 * hold spaces), except that a trailing CR is dropped and lines that are
 * empty or start with '#' after leading blanks are skipped. */
static int split_lines(char *buf, char ***out, int *n_out)
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
    while (*t == ' ' || *t == '\t')
      t++;
    if (*t == '\0' || *t == '#')
      continue;
    xgrow(&v, &cap, (size_t)n + 1, sizeof *v);
    v[n++] = line;
  }
  *out = v;
  *n_out = n;
  return 0;
}

#define ARGS_FILE_MAX (1 << 20)

static int read_args_file(struct cli_state *cs, const char *path, char ***out, int *n_out)
{
  FILE *f = fopen(path, "re");
  char *buf;
  size_t n;

  if (!f)
    return sbx_fail(cs->err, errno, "@%s", path);
  buf = xmalloc(ARGS_FILE_MAX + 1);
  n = fread(buf, 1, ARGS_FILE_MAX + 1, f);
  if (ferror(f)) {
    int err = errno;
    fclose(f);
    free(buf);
    return sbx_fail(cs->err, err, "@%s: read", path);
  }
  fclose(f);
  if (n > ARGS_FILE_MAX) {
    free(buf);
    return sbx_fail(cs->err, 0, "@%s: larger than %d bytes", path, ARGS_FILE_MAX);
  }
  buf[n] = '\0';
  if (memchr(buf, '\0', n)) {
    free(buf);
    return sbx_fail(cs->err, 0, "@%s: contains a NUL byte", path);
  }
  /* buf stays allocated: the plan points into it. */
  return split_lines(buf, out, n_out);
}

/* argp reports an unknown option only as EINVAL; find the word ourselves so
 * the message can name it. */
static int unknown_option(struct cli_state *cs, char **argv, int argc)
{
  int i = cs->opt_end;
  const char *word = i < argc ? argv[i] : "?";

  for (const struct argp_option *o = options; o->name || o->doc; o++) {
    size_t len = o->name ? strlen(o->name) : 0;
    if (len && strncmp(word, "--", 2) == 0 && strncmp(word + 2, o->name, len) == 0 &&
        word[2 + len] == '\0')
      return sbx_fail(cs->err, 0, "%s: missing argument", word);
  }
  return sbx_fail(cs->err, 0, "unknown option '%s' (see --help)", word);
}

static int check_count(struct cli_state *cs, int argc)
{
  if (argc - 1 > SBX_MAX_ARGS)
    return sbx_fail(cs->err, E2BIG, "too many arguments (%d, at most %d)", argc - 1,
                    SBX_MAX_ARGS);
  return 0;
}

int cli_parse(int argc, char **argv, struct plan *p, struct sbx_error *e)
{
  struct cli_state cs = { .plan = p, .err = e, .opt_end = 1 };

  if (check_count(&cs, argc) < 0)
    return -1;
  e->msg[0] = '\0';
  for (;;) {
    int r = argp_parse(&argp, argc, argv,
                       ARGP_IN_ORDER | ARGP_NO_EXIT | ARGP_NO_ERRS | ARGP_NO_HELP,
                       NULL, &cs);
    if (r != 0)
      return e->msg[0] ? -1 : unknown_option(&cs, argv, argc);
    if (cs.done)
      return CLI_EXIT_OK;
    if (!cs.splice_argv)
      break;
    argv = steal_ptr(&cs.splice_argv);
    argc = cs.splice_argc;
    cs.opt_end = 1;
    if (check_count(&cs, argc) < 0)
      return -1;
  }
  if (!p->argv || !p->argv[0])
    return sbx_fail(e, 0, "no command given (see --help)");
  return CLI_RUN;
}
