/* Command line to plan.
 *
 * argp does the word splitting (`--opt VALUE`, `--opt=VALUE`, `--`); the
 * handlers below turn each option into plan data, in order.  Options that
 * take several words (`--bind SRC DEST`) take the extra ones from argv.
 * `@FILE` and `--args FD` splice more words in place: the parse stops, a
 * new vector is built, and argp runs again on it (see cliread.c). */
#include "cli.h"

#include "caps.h"
#include "error.h"
#include "net.h"
#include "rlimit.h"
#include "util.h"

#include <argp.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum {
  K_BIND = 256, K_BIND_TRY, K_RO_BIND, K_RO_BIND_TRY, K_DEV_BIND, K_DEV_BIND_TRY,
  K_BIND_FD, K_RO_BIND_FD,
  K_REMOUNT_RO, K_PROC, K_DEV, K_TMPFS, K_MQUEUE, K_DIR, K_SYMLINK, K_FILE,
  K_BIND_DATA, K_RO_BIND_DATA, K_CHMOD, K_PERMS, K_SIZE,
  K_OVERLAY_SRC, K_OVERLAY, K_TMP_OVERLAY, K_RO_OVERLAY,
  K_CHDIR, K_SETENV, K_UNSETENV, K_CLEARENV, K_HOSTNAME, K_UID, K_GID, K_ARGV0,
  K_UNSHARE_USER, K_UNSHARE_USER_TRY, K_UNSHARE_IPC, K_UNSHARE_PID, K_UNSHARE_NET,
  K_UNSHARE_UTS, K_UNSHARE_CGROUP, K_UNSHARE_CGROUP_TRY, K_UNSHARE_ALL,
  K_SHARE_NET, K_SHARE_PID, K_SHARE_IPC, K_SHARE_UTS, K_SHARE_CGROUP,
  K_USERNS, K_USERNS2, K_PIDNS, K_DISABLE_USERNS, K_ASSERT_USERNS_DISABLED,
  K_BARE, K_DIE_WITH_PARENT, K_NEW_SESSION, K_SHARE_TERMINAL, K_AS_PID_1, K_PASS_FD, K_LOCK_FILE,
  K_SYNC_FD, K_BLOCK_FD, K_USERNS_BLOCK_FD, K_INFO_FD, K_JSON_STATUS_FD, K_ARGS,
  K_CAP_ADD, K_CAP_DROP, K_SECCOMP, K_ADD_SECCOMP_FD, K_SECCOMP_PROFILE, K_SECCOMP_EXPORT,
  K_RLIMIT, K_NET, K_NET_HOST_LOOPBACK, K_NETNS, K_IP,
  K_EXEC_LABEL, K_FILE_LABEL, K_LEVEL_PREFIX, K_HELP, K_VERSION,
  K_LAST,
  K_VERBOSE = 'v',
  K_PUBLISH = 'p',
};

#define OPT(name, key, arg, doc) { name, key, arg, 0, doc, 0 }
#define GROUP(title, n) { NULL, 0, NULL, 0, title, n }
static const struct argp_option options[] = {
  GROUP("Filesystem (applied in order):", 1),
  OPT("bind", K_BIND, "SRC DEST", "Bind host SRC on DEST (nosuid, nodev)"),
  OPT("bind-try", K_BIND_TRY, "SRC DEST", "Like --bind, skipped if SRC is missing"),
  OPT("ro-bind", K_RO_BIND, "SRC DEST", "Bind SRC read-only, submounts included"),
  OPT("ro-bind-try", K_RO_BIND_TRY, "SRC DEST", "Like --ro-bind, skipped if SRC is missing"),
  OPT("dev-bind", K_DEV_BIND, "SRC DEST", "Bind SRC keeping device access"),
  OPT("dev-bind-try", K_DEV_BIND_TRY, "SRC DEST", "Like --dev-bind, skipped if SRC is missing"),
  OPT("bind-fd", K_BIND_FD, "FD DEST", "Bind the directory or file open on FD"),
  OPT("ro-bind-fd", K_RO_BIND_FD, "FD DEST", "Like --bind-fd, read-only"),
  OPT("remount-ro", K_REMOUNT_RO, "DEST", "Make the mount at DEST read-only"),
  OPT("proc", K_PROC, "DEST", "Mount a new procfs on DEST"),
  OPT("dev", K_DEV, "DEST", "Mount a minimal /dev on DEST"),
  OPT("tmpfs", K_TMPFS, "DEST", "Mount a tmpfs on DEST"),
  OPT("mqueue", K_MQUEUE, "DEST", "Mount a POSIX message queue filesystem on DEST"),
  OPT("dir", K_DIR, "DEST", "Create directory DEST"),
  OPT("symlink", K_SYMLINK, "TARGET DEST", "Create symlink DEST pointing to TARGET"),
  OPT("file", K_FILE, "FD DEST", "Copy the contents of FD to a new file DEST"),
  OPT("bind-data", K_BIND_DATA, "FD DEST", "Bind a file holding the contents of FD on DEST"),
  OPT("ro-bind-data", K_RO_BIND_DATA, "FD DEST", "Like --bind-data, read-only"),
  OPT("chmod", K_CHMOD, "OCTAL PATH", "Change the mode of PATH"),
  OPT("perms", K_PERMS, "OCTAL", "Mode of the next --dir, --file, --tmpfs or --*bind-data"),
  OPT("size", K_SIZE, "BYTES", "Size limit of the next --tmpfs"),
  OPT("overlay-src", K_OVERLAY_SRC, "SRC", "Add a lower layer to the next overlay"),
  OPT("overlay", K_OVERLAY, "RWSRC WORKDIR DEST", "Overlay with writes going to RWSRC"),
  OPT("tmp-overlay", K_TMP_OVERLAY, "DEST", "Overlay whose writes are discarded"),
  OPT("ro-overlay", K_RO_OVERLAY, "DEST", "Read-only overlay"),
  OPT("bare", K_BARE, NULL, "No implicit /proc, /dev, /tmp or /usr links"),

  GROUP("Namespaces (all are unshared by default; bwrap: only mount and user):", 2),
  OPT("share-net", K_SHARE_NET, NULL, "Keep the host network"),
  OPT("share-pid", K_SHARE_PID, NULL, "Keep the host PID namespace"),
  OPT("share-ipc", K_SHARE_IPC, NULL, "Keep the host IPC namespace"),
  OPT("share-uts", K_SHARE_UTS, NULL, "Keep the host hostname namespace"),
  OPT("share-cgroup", K_SHARE_CGROUP, NULL, "Keep the host cgroup namespace"),
  OPT("unshare-all", K_UNSHARE_ALL, NULL, "Unshare every namespace"),
  OPT("unshare-user", K_UNSHARE_USER, NULL, "Unshare the user namespace"),
  OPT("unshare-user-try", K_UNSHARE_USER_TRY, NULL, "Unshare the user namespace if possible"),
  OPT("unshare-ipc", K_UNSHARE_IPC, NULL, "Unshare the IPC namespace"),
  OPT("unshare-pid", K_UNSHARE_PID, NULL, "Unshare the PID namespace"),
  OPT("unshare-net", K_UNSHARE_NET, NULL, "Unshare the network namespace"),
  OPT("unshare-uts", K_UNSHARE_UTS, NULL, "Unshare the UTS namespace"),
  OPT("unshare-cgroup", K_UNSHARE_CGROUP, NULL, "Unshare the cgroup namespace"),
  OPT("unshare-cgroup-try", K_UNSHARE_CGROUP_TRY, NULL, "Unshare the cgroup namespace if possible"),
  OPT("userns", K_USERNS, "FD", "Use the user namespace open on FD"),
  OPT("userns2", K_USERNS2, "FD", "Enter the user namespace open on FD after setup"),
  OPT("pidns", K_PIDNS, "FD", "Use the PID namespace open on FD"),
  OPT("disable-userns", K_DISABLE_USERNS, NULL, "Forbid new user namespaces inside"),
  OPT("assert-userns-disabled", K_ASSERT_USERNS_DISABLED, NULL,
      "Fail unless new user namespaces are already forbidden"),

  GROUP("Network (the sandbox has only lo unless one of these says otherwise):", 3),
  OPT("net", K_NET, "MODE",
      "none, host, pasta[:ARGS], slirp4netns[:ARGS] or bridge=NAME (see sandbox(1))"),
  OPT("publish", K_PUBLISH, "[HOSTIP:]HOSTPORT:SANDBOXPORT[/tcp|/udp]",
      "Forward a host port (on 127.0.0.1 by default) into the sandbox"),
  OPT("net-host-loopback", K_NET_HOST_LOOPBACK, NULL,
      "Let the sandbox reach the host's loopback at its gateway address"),
  OPT("netns", K_NETNS, "PATH|FD", "Join an existing network namespace"),
  OPT("ip", K_IP, "ADDR/PREFIX", "The sandbox's address with --net bridge"),

  GROUP("Identity and privileges:", 4),
  OPT("uid", K_UID, "UID", "User id inside the sandbox (default 0; bwrap: yours)"),
  OPT("gid", K_GID, "GID", "Group id inside the sandbox (default 0; bwrap: yours)"),
  OPT("hostname", K_HOSTNAME, "NAME", "Hostname inside the sandbox"),
  OPT("cap-add", K_CAP_ADD, "CAP", "Keep capability CAP (or ALL) for the command"),
  OPT("cap-drop", K_CAP_DROP, "CAP", "Drop capability CAP (or ALL)"),
  OPT("seccomp-profile", K_SECCOMP_PROFILE, "NAME|PATH",
      "Seccomp policy: default, devel, none, or a policy file"),
  OPT("seccomp-export", K_SECCOMP_EXPORT, "NAME|PATH",
      "Write the compiled BPF of a policy to stdout and exit"),
  OPT("seccomp", K_SECCOMP, "FD", "Load a raw BPF seccomp program from FD"),
  OPT("add-seccomp-fd", K_ADD_SECCOMP_FD, "FD", "Add a raw BPF seccomp program from FD"),
  OPT("exec-label", K_EXEC_LABEL, "LABEL", "SELinux label of the command"),
  OPT("file-label", K_FILE_LABEL, "LABEL", "SELinux label of created files"),

  GROUP("Environment and process:", 5),
  OPT("chdir", K_CHDIR, "DIR", "Working directory of the command"),
  OPT("setenv", K_SETENV, "VAR VALUE", "Set an environment variable"),
  OPT("unsetenv", K_UNSETENV, "VAR", "Unset an environment variable"),
  OPT("clearenv", K_CLEARENV, NULL, "Start from an empty environment"),
  OPT("argv0", K_ARGV0, "VALUE", "argv[0] of the command"),
  OPT("pass-fd", K_PASS_FD, "FD", "Keep inherited FD open for the command"),
  OPT("new-session", K_NEW_SESSION, NULL, "Run the command in a new session"),
  OPT("share-terminal", K_SHARE_TERMINAL, NULL,
      "Give the command the caller's terminal, not a pty of its own"),
  OPT("die-with-parent", K_DIE_WITH_PARENT, NULL, "Kill the sandbox when the caller dies"),
  OPT("as-pid-1", K_AS_PID_1, NULL, "Run the command as pid 1, with no reaper"),
  OPT("lock-file", K_LOCK_FILE, "DEST", "Hold a read lock on DEST while the sandbox runs"),
  OPT("sync-fd", K_SYNC_FD, "FD", "Keep FD open while the sandbox runs"),
  OPT("block-fd", K_BLOCK_FD, "FD", "Wait for a byte on FD before running the command"),
  OPT("userns-block-fd", K_USERNS_BLOCK_FD, "FD",
      "Wait for a byte on FD before using the user namespace"),
  OPT("info-fd", K_INFO_FD, "FD", "Write JSON about the sandbox to FD"),
  OPT("json-status-fd", K_JSON_STATUS_FD, "FD", "Write JSON status lines to FD"),
  OPT("args", K_ARGS, "FD", "Read NUL-separated arguments from FD"),
  OPT("rlimit", K_RLIMIT, "NAME=SOFT[:HARD]",
      "Resource limit of the command (nofile, nproc, as, ...; see sandbox(1))"),

  GROUP("Diagnostics:", 6),
  OPT("verbose", K_VERBOSE, NULL, "Print each setup step with its duration"),
  OPT("level-prefix", K_LEVEL_PREFIX, NULL, "Prefix messages with <N> syslog levels"),
  OPT("help", K_HELP, NULL, "Print this help and exit"),
  OPT("version", K_VERSION, NULL, "Print the version and exit"),
  { NULL, 0, NULL, 0, NULL, 0 },
};

/* Options whose value replaces an earlier one: bubblewrap warns. */
static const int single_value[] = {
  K_CHDIR, K_EXEC_LABEL, K_FILE_LABEL, K_SYNC_FD, K_BLOCK_FD, K_USERNS_BLOCK_FD,
  K_INFO_FD, K_JSON_STATUS_FD, K_SECCOMP, K_USERNS, K_USERNS2, K_PIDNS, K_UID, K_GID,
  K_HOSTNAME, K_NETNS, K_IP,
};

static const char *opt_name(int key)
{
  for (const struct argp_option *o = options; o->name || o->doc; o++)
    if (o->name && o->key == key)
      return o->name;
  return "?";
}

static bool has_key(const int *keys, size_t n, int key)
{
  for (size_t i = 0; i < n; i++)
    if (keys[i] == key)
      return true;
  return false;
}

/* ---- errors and values ---------------------------------------------- */

__attribute__((format(printf, 2, 3)))
static int fail(struct argp_state *st, const char *fmt, ...)
{
  struct cli_state *cs = st->input;
  char msg[sizeof cs->err->msg];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sbx_fail(cs->err, 0, "%s", msg);
  return EINVAL;
}

/* The extra words of a multi-argument option (`--bind SRC DEST`). */
static int take_arg(struct argp_state *st, int key, const char **out)
{
  if (st->next >= st->argc)
    return fail(st, "--%s: missing argument", opt_name(key));
  *out = st->argv[st->next++];
  return 0;
}

static int parse_id(struct argp_state *st, int key, const char *s, uint32_t *out)
{
  uint64_t v;
  /* (uid_t)-1 means "no change" to the kernel, so it is not a valid id. */
  if (parse_u64(s, UINT32_MAX - 1, &v) < 0)
    return fail(st, "--%s: invalid id '%s': expected 0 to 4294967294", opt_name(key), s);
  *out = (uint32_t)v;
  return 0;
}

static int parse_fd(struct argp_state *st, int key, const char *s, int *out)
{
  uint64_t v;
  if (parse_u64(s, INT32_MAX, &v) < 0)
    return cli_bad_fd(st->input, opt_name(key), s);
  *out = (int)v;
  return 0;
}

static int parse_mode(struct argp_state *st, int key, const char *s, mode_t *out)
{
  uint64_t v;
  if (parse_octal(s, 07777, &v) < 0)
    return fail(st, "--%s: invalid mode '%s': expected octal 0 to 7777", opt_name(key), s);
  *out = (mode_t)v;
  return 0;
}

static int parse_size(struct argp_state *st, const char *s, size_t *out)
{
  uint64_t v;
  if (parse_size_value(s, SIZE_MAX / 2, &v) < 0 || v == 0)
    return fail(st, "--size: invalid size '%s': expected 1 to %zu bytes", s, SIZE_MAX / 2);
  *out = (size_t)v;
  return 0;
}

/* ---- modifiers: --perms, --size, --overlay-src ----------------------- */

static const int takes_perms[] = { K_DIR, K_FILE, K_BIND_DATA, K_RO_BIND_DATA, K_TMPFS };
static const int takes_layers[] = { K_OVERLAY_SRC, K_OVERLAY, K_TMP_OVERLAY, K_RO_OVERLAY };

/* A modifier left pending when another option (or the command) comes. */
static int check_pending(struct argp_state *st, int key)
{
  struct cli_state *cs = st->input;

  /* The two modifiers may come in either order before their op. */
  if (cs->perms_pending && key != K_SIZE && key != K_PERMS &&
      !has_key(takes_perms, ARRAY_SIZE(takes_perms), key))
    return fail(st, "--perms must be followed by an option that creates a file");
  if (cs->size_pending && key != K_PERMS && key != K_SIZE && key != K_TMPFS)
    return fail(st, "--size must be followed by --tmpfs");
  if (cs->n_layers && !has_key(takes_layers, ARRAY_SIZE(takes_layers), key))
    return fail(st, "--overlay-src must be followed by another --overlay-src or one of "
                    "--overlay, --tmp-overlay, or --ro-overlay");
  return 0;
}

static void apply_modifiers(struct cli_state *cs, struct fs_op *op)
{
  if (cs->perms_pending) {
    op->flags |= OPF_PERMS;
    op->perms = cs->perms;
    cs->perms_pending = false;
  }
  if (cs->size_pending) {
    op->flags |= OPF_SIZE;
    op->size = cs->size;
    cs->size_pending = false;
  }
}

static int parse_modifier(struct argp_state *st, int key, const char *arg)
{
  struct cli_state *cs = st->input;

  if (key == K_PERMS) {
    if (cs->perms_pending)
      return fail(st, "--perms given twice for the same action");
    cs->perms_pending = true;
    return parse_mode(st, key, arg, &cs->perms);
  }
  if (cs->size_pending)
    return fail(st, "--size given twice for the same action");
  cs->size_pending = true;
  return parse_size(st, arg, &cs->size);
}

/* ---- filesystem ops -------------------------------------------------- */

struct op_kind_def { int key; enum op_kind kind; unsigned flags; int words; bool fd; };
static const struct op_kind_def op_defs[] = {
  { K_BIND, OP_BIND, 0, 2, false },
  { K_BIND_TRY, OP_BIND, OPF_TRY, 2, false },
  { K_RO_BIND, OP_BIND, OPF_RDONLY, 2, false },
  { K_RO_BIND_TRY, OP_BIND, OPF_RDONLY | OPF_TRY, 2, false },
  { K_DEV_BIND, OP_BIND, OPF_DEVICES, 2, false },
  { K_DEV_BIND_TRY, OP_BIND, OPF_DEVICES | OPF_TRY, 2, false },
  { K_BIND_FD, OP_BIND, 0, 2, true },
  { K_RO_BIND_FD, OP_BIND, OPF_RDONLY, 2, true },
  { K_REMOUNT_RO, OP_REMOUNT_RO, 0, 1, false },
  { K_PROC, OP_PROC, 0, 1, false },
  { K_DEV, OP_DEV, 0, 1, false },
  { K_TMPFS, OP_TMPFS, 0, 1, false },
  { K_MQUEUE, OP_MQUEUE, 0, 1, false },
  { K_DIR, OP_DIR, 0, 1, false },
  { K_SYMLINK, OP_SYMLINK, 0, 2, false },
  { K_FILE, OP_FILE, 0, 2, true },
  { K_BIND_DATA, OP_BIND_DATA, 0, 2, true },
  { K_RO_BIND_DATA, OP_BIND_DATA, OPF_RDONLY, 2, true },
  { K_CHMOD, OP_CHMOD, 0, 2, false },
};

static int add_op(struct argp_state *st, const struct op_kind_def *d, const char *arg)
{
  struct cli_state *cs = st->input;
  struct fs_op *op = plan_add_op(cs->plan, d->kind, opt_name(d->key));
  int r = 0;

  op->flags |= d->flags;
  apply_modifiers(cs, op);
  if (d->words == 1) {
    op->dest = arg;
    return 0;
  }
  if (d->fd)
    r = parse_fd(st, d->key, arg, &op->fd);
  else if (d->key == K_CHMOD)
    r = parse_mode(st, d->key, arg, &op->perms);
  else
    op->src = arg;
  return r ? r : take_arg(st, d->key, &op->dest);
}

static int add_overlay(struct argp_state *st, int key, const char *arg)
{
  struct cli_state *cs = st->input;
  struct fs_op *op;
  size_t need = key == K_RO_OVERLAY ? 2 : 1;
  int r = 0;

  if (cs->n_layers < need)
    return fail(st, "--%s requires at least %s --overlay-src", opt_name(key),
                need == 2 ? "two" : "one");
  op = plan_add_op(cs->plan, OP_OVERLAY, opt_name(key));
  op->layers = steal_ptr(&cs->layers);
  op->n_layers = cs->n_layers;
  cs->n_layers = cs->cap_layers = 0;
  op->overlay = key == K_OVERLAY ? OVERLAY_RW : key == K_TMP_OVERLAY ? OVERLAY_TMP : OVERLAY_RO;
  if (key != K_OVERLAY) {
    op->dest = arg;
    return 0;
  }
  op->src = arg;
  if ((r = take_arg(st, key, &op->workdir)))
    return r;
  return take_arg(st, key, &op->dest);
}

static int parse_fs_key(struct argp_state *st, int key, const char *arg)
{
  struct cli_state *cs = st->input;

  for (size_t i = 0; i < ARRAY_SIZE(op_defs); i++)
    if (op_defs[i].key == key)
      return add_op(st, &op_defs[i], arg);
  switch (key) {
  case K_PERMS: case K_SIZE:
    return parse_modifier(st, key, arg);
  case K_OVERLAY_SRC:
    xgrow(&cs->layers, &cs->cap_layers, cs->n_layers + 1, sizeof *cs->layers);
    cs->layers[cs->n_layers++] = arg;
    return 0;
  case K_OVERLAY: case K_TMP_OVERLAY: case K_RO_OVERLAY:
    return add_overlay(st, key, arg);
  case K_BARE:
    cs->plan->bare = true;
    return 0;
  }
  return ARGP_ERR_UNKNOWN;
}

/* ---- namespaces ------------------------------------------------------ */

struct ns_def { int key; unsigned bit; bool share; bool try_; };
static const struct ns_def ns_defs[] = {
  { K_UNSHARE_USER, NS_USER, false, false }, { K_UNSHARE_USER_TRY, NS_USER, false, true },
  { K_UNSHARE_IPC, NS_IPC, false, false },   { K_UNSHARE_PID, NS_PID, false, false },
  { K_UNSHARE_NET, NS_NET, false, false },   { K_UNSHARE_UTS, NS_UTS, false, false },
  { K_UNSHARE_CGROUP, NS_CGROUP, false, false },
  { K_UNSHARE_CGROUP_TRY, NS_CGROUP, false, true },
  { K_SHARE_NET, NS_NET, true, false },      { K_SHARE_PID, NS_PID, true, false },
  { K_SHARE_IPC, NS_IPC, true, false },      { K_SHARE_UTS, NS_UTS, true, false },
  { K_SHARE_CGROUP, NS_CGROUP, true, false },
};

static void set_ns(struct plan *p, unsigned bit, bool share, bool try_)
{
  if (share) {
    p->ns_share |= bit;
    p->ns_unshare &= ~bit;
    p->ns_try &= ~bit;
  } else {
    p->ns_unshare |= bit;
    p->ns_share &= ~bit;
    if (try_)
      p->ns_try |= bit;
    else
      p->ns_try &= ~bit;
  }
}

static int parse_ns_key(struct argp_state *st, int key, const char *arg)
{
  struct cli_state *cs = st->input;
  struct plan *p = cs->plan;

  for (size_t i = 0; i < ARRAY_SIZE(ns_defs); i++) {
    if (ns_defs[i].key == key) {
      set_ns(p, ns_defs[i].bit, ns_defs[i].share, ns_defs[i].try_);
      if (ns_defs[i].bit == NS_NET)
        net_follow_share(&p->net, ns_defs[i].share);
      return 0;
    }
  }
  switch (key) {
  case K_UNSHARE_ALL:
    /* bubblewrap: user and cgroup only where the kernel allows them. */
    set_ns(p, NS_USER | NS_CGROUP, false, true);
    set_ns(p, NS_IPC | NS_PID | NS_NET | NS_UTS, false, false);
    net_follow_share(&p->net, false);
    return 0;
  case K_USERNS: return parse_fd(st, key, arg, &p->userns_fd);
  case K_USERNS2: return parse_fd(st, key, arg, &p->userns2_fd);
  case K_PIDNS: return parse_fd(st, key, arg, &p->pidns_fd);
  case K_DISABLE_USERNS: p->disable_userns = true; return 0;
  case K_ASSERT_USERNS_DISABLED: p->assert_userns_disabled = true; return 0;
  }
  return ARGP_ERR_UNKNOWN;
}

/* ---- identity, privileges, seccomp ----------------------------------- */

static int parse_cap(struct argp_state *st, int key, const char *arg)
{
  struct plan *p = ((struct cli_state *)st->input)->plan;
  uint64_t mask;

  if (caps_parse(arg, &mask) < 0)
    return fail(st, "--%s: unknown capability '%s'", opt_name(key), arg);
  if (key == K_CAP_ADD) {
    p->caps_on |= mask;
    p->caps_off &= ~mask;
  } else {
    p->caps_off |= mask;
    p->caps_on &= ~mask;
  }
  return 0;
}

static int add_seccomp_fd(struct argp_state *st, int key, const char *arg)
{
  struct plan *p = ((struct cli_state *)st->input)->plan;
  int fd, r;

  if ((r = parse_fd(st, key, arg, &fd)))
    return r;
  if (key == K_SECCOMP) {
    if (p->add_seccomp_given)
      return fail(st, "--seccomp cannot be combined with --add-seccomp-fd");
    /* The last --seccomp wins; it is kept apart until plan_check. */
    p->seccomp_fd = fd;
    return 0;
  }
  if (p->seccomp_fd >= 0)
    return fail(st, "--add-seccomp-fd cannot be combined with --seccomp");
  p->add_seccomp_given = true;
  plan_add_seccomp_fd(p, fd);
  return 0;
}

static int parse_identity_key(struct argp_state *st, int key, const char *arg)
{
  struct plan *p = ((struct cli_state *)st->input)->plan;

  switch (key) {
  case K_UID: p->uid_set = true; return parse_id(st, key, arg, &p->uid);
  case K_GID: p->gid_set = true; return parse_id(st, key, arg, &p->gid);
  case K_HOSTNAME: p->hostname = arg; return 0;
  case K_CAP_ADD: case K_CAP_DROP: return parse_cap(st, key, arg);
  case K_SECCOMP: case K_ADD_SECCOMP_FD: return add_seccomp_fd(st, key, arg);
  case K_SECCOMP_PROFILE: p->seccomp_profile = arg; return 0;
  case K_SECCOMP_EXPORT: p->seccomp_export = arg; return 0;
  case K_EXEC_LABEL: case K_FILE_LABEL:
    return fail(st, "--%s: not supported: built without SELinux", opt_name(key));
  }
  return ARGP_ERR_UNKNOWN;
}

/* ---- environment and process ----------------------------------------- */

/* What setenv(3) and unsetenv(3) refuse, refused here rather than
 * ignored in the command: bubblewrap stops with its words for it. */
static int check_env_name(struct argp_state *st, int key, const char *name)
{
  if (*name && !strchr(name, '='))
    return 0;
  if (((struct cli_state *)st->input)->plan->pers == PERS_BWRAP)
    return fail(st, "%s failed", key == K_SETENV ? "setenv" : "unsetenv");
  return fail(st, "--%s: invalid variable name '%s'", opt_name(key), name);
}

static int parse_env_key(struct argp_state *st, int key, const char *arg)
{
  struct plan *p = ((struct cli_state *)st->input)->plan;
  const char *value = NULL;
  int r;

  switch (key) {
  case K_SETENV:
    if ((r = check_env_name(st, key, arg)) || (r = take_arg(st, key, &value)))
      return r;
    plan_add_env(p, ENV_SET, arg, value);
    return 0;
  case K_UNSETENV:
    if ((r = check_env_name(st, key, arg)))
      return r;
    plan_add_env(p, ENV_UNSET, arg, NULL);
    return 0;
  case K_CLEARENV: plan_add_env(p, ENV_CLEAR, NULL, NULL); return 0;
  case K_CHDIR: p->chdir = arg; return 0;
  case K_ARGV0:
    if (p->argv0)
      return fail(st, "--argv0 given twice");
    p->argv0 = arg;
    return 0;
  }
  return ARGP_ERR_UNKNOWN;
}

static int parse_process_key(struct argp_state *st, int key, const char *arg)
{
  struct plan *p = ((struct cli_state *)st->input)->plan;
  int fd = -1, r;

  switch (key) {
  case K_PASS_FD:
    if ((r = parse_fd(st, key, arg, &fd)))
      return r;
    plan_add_pass_fd(p, fd);
    return 0;
  case K_NEW_SESSION: p->new_session = true; return 0;
  case K_SHARE_TERMINAL: p->share_terminal = true; return 0;
  case K_DIE_WITH_PARENT: p->die_with_parent = true; return 0;
  case K_AS_PID_1: p->as_pid_1 = true; return 0;
  case K_LOCK_FILE: plan_add_lock_file(p, arg); return 0;
  case K_SYNC_FD: return parse_fd(st, key, arg, &p->sync_fd);
  case K_BLOCK_FD: return parse_fd(st, key, arg, &p->block_fd);
  case K_USERNS_BLOCK_FD: return parse_fd(st, key, arg, &p->userns_block_fd);
  case K_INFO_FD: return parse_fd(st, key, arg, &p->info_fd);
  case K_JSON_STATUS_FD: return parse_fd(st, key, arg, &p->json_status_fd);
  case K_VERBOSE: p->verbose = true; return 0;
  case K_LEVEL_PREFIX: p->level_prefix = sbx_level_prefix = true; return 0;
  }
  return ARGP_ERR_UNKNOWN;
}

/* ---- options of the sandbox personality only -------------------------- */

/* bubblewrap has none of these: the bwrap personality neither lists nor
 * accepts them, and refuses them as unknown, as bubblewrap does. */
static const int sandbox_only[] = {
  K_RLIMIT, K_NET, K_PUBLISH, K_NET_HOST_LOOPBACK, K_NETNS, K_IP,
};

static bool bwrap_lacks(const struct cli_state *cs, int key)
{
  return cs->plan->pers == PERS_BWRAP && has_key(sandbox_only, ARRAY_SIZE(sandbox_only), key);
}

static int parse_net_key(struct cli_state *cs, int key, const char *arg)
{
  struct plan_net *n = &cs->plan->net;

  switch (key) {
  case K_NET:
    if (net_parse_mode(n, arg, cs->err) < 0)
      return -1;
    set_ns(cs->plan, NS_NET, n->mode == NET_HOST, false);
    return 0;
  case K_PUBLISH: return net_parse_publish(n, arg, cs->err);
  case K_NET_HOST_LOOPBACK: n->host_loopback = true; return 0;
  case K_NETNS: return net_parse_netns(n, arg, cs->err);
  case K_IP: return net_parse_ip(n, arg, cs->err);
  }
  return ARGP_ERR_UNKNOWN;
}

static int parse_sandbox_key(struct argp_state *st, int key, const char *arg)
{
  struct cli_state *cs = st->input;
  int r;

  if (key == K_RLIMIT)
    return rlimit_parse(cs->plan, arg, cs->err) < 0 ? EINVAL : 0;
  r = parse_net_key(cs, key, arg);
  return r < 0 ? EINVAL : r;
}

/* ---- the argp parser ------------------------------------------------- */

static int handle_meta(struct argp_state *st, int key);
static int unknown_option(struct cli_state *cs, char **argv, int argc);

static int parse_option(struct argp_state *st, int key, char *arg)
{
  static int (*const groups[])(struct argp_state *, int, const char *) = {
    parse_fs_key, parse_ns_key, parse_identity_key, parse_env_key, parse_process_key,
    parse_sandbox_key,
  };
  struct cli_state *cs = st->input;
  int r;

  if (key == K_HELP || key == K_VERSION)
    return handle_meta(st, key);
  if (bwrap_lacks(cs, key)) {
    unknown_option(cs, st->argv, st->argc);
    return EINVAL;
  }
  if ((r = check_pending(st, key)))
    return r;
  if (key == K_ARGS)
    return cli_splice_fd(st, arg);
  if (key > 0 && key < K_LAST && has_key(single_value, ARRAY_SIZE(single_value), key) &&
      cs->seen[key]++)
    sbx_warn("Only the last --%s option will take effect", opt_name(key));
  for (size_t i = 0; i < ARRAY_SIZE(groups); i++) {
    r = groups[i](st, key, arg);
    if (r != ARGP_ERR_UNKNOWN)
      return r;
  }
  return ARGP_ERR_UNKNOWN;
}

static int parser(int key, char *arg, struct argp_state *st)
{
  struct cli_state *cs = st->input;
  int r;

  switch (key) {
  case ARGP_KEY_ARG:
    return cli_word(st, arg);
  case ARGP_KEY_INIT: case ARGP_KEY_END: case ARGP_KEY_NO_ARGS: case ARGP_KEY_SUCCESS:
  case ARGP_KEY_FINI: case ARGP_KEY_ARGS: case ARGP_KEY_ERROR:
    return 0;
  }
  r = parse_option(st, key, arg);
  cs->opt_end = st->next;
  return r;
}

static const char doc[] =
    "Run COMMAND in new namespaces on an empty root built from the options."
    "\vOptions apply in order.  An argument @FILE reads more options from FILE,"
    " one per line.  See sandbox(1).";

static const struct argp argp = { options, parser, "[--] COMMAND [ARGS...]", doc, NULL, NULL, NULL };

/* The bwrap personality's help leaves out what it refuses. */
static void print_help(struct cli_state *cs)
{
  struct argp_option shown[ARRAY_SIZE(options)];
  struct argp a = argp;

  memcpy(shown, options, sizeof options);
  for (size_t i = 0; i < ARRAY_SIZE(shown); i++)
    if (shown[i].name && bwrap_lacks(cs, shown[i].key))
      shown[i].flags |= OPTION_HIDDEN;
  a.options = shown;
  argp_help(&a, stdout, ARGP_HELP_STD_HELP & ~ARGP_HELP_EXIT_OK,
            (char *)(cs->plan->pers == PERS_BWRAP ? cs->argv0 : "sandbox"));
}

/* bubblewrap's callers grep for its usage line, so the bwrap personality
 * starts its help with it. */
static int handle_meta(struct argp_state *st, int key)
{
  struct cli_state *cs = st->input;

  if (key == K_VERSION) {
    if (cs->plan->pers == PERS_BWRAP)
      printf("bubblewrap %s (%s %s)\n", BWRAP_COMPAT_VERSION, PACKAGE_NAME, PACKAGE_VERSION);
    else
      printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
  } else {
    if (cs->plan->pers == PERS_BWRAP)
      printf("usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n", cs->argv0);
    print_help(cs);
  }
  fflush(stdout);
  cs->done = true;
  st->next = st->argc;
  return 0;
}

/* argp reports an unknown option only as EINVAL; find the word ourselves so
 * the message can name it. */
static int unknown_option(struct cli_state *cs, char **argv, int argc)
{
  const char *word = cs->opt_end < argc ? argv[cs->opt_end] : "?";

  char matches[256] = "";
  int n = 0;

  for (const struct argp_option *o = options; o->name || o->doc; o++) {
    if (!o->name || bwrap_lacks(cs, o->key) || strncmp(word, "--", 2) != 0)
      continue;
    if (strcmp(word + 2, o->name) == 0)
      return sbx_fail(cs->err, 0, "%s: missing argument", word);
    /* getopt refuses a prefix of several options the same way. */
    if (word[2] && strncmp(o->name, word + 2, strlen(word + 2)) == 0 && n++ < 4) {
      size_t used = strlen(matches);
      snprintf(matches + used, sizeof matches - used, "%s--%s", used ? ", " : "", o->name);
    }
  }
  if (n > 1)
    return sbx_fail(cs->err, 0, "ambiguous option %s (%s%s)", word, matches, n > 4 ? ", ..." : "");
  return sbx_fail(cs->err, 0, "Unknown option %s (see --help)", word);
}

static int check_end(struct cli_state *cs)
{
  struct argp_state st = { .input = cs };
  /* bubblewrap only checks a modifier when another option follows it, so
   * `--perms 0700 COMMAND` runs there; the sandbox personality says no. */
  if (cs->plan->pers == PERS_BWRAP)
    cs->perms_pending = cs->size_pending = false;
  if (check_pending(&st, 0))
    return -1;
  /* --seccomp-export prints and exits: it runs nothing. */
  if ((!cs->plan->argv || !cs->plan->argv[0]) && !cs->plan->seccomp_export)
    return sbx_fail(cs->err, 0, "No command specified (see --help)");
  return 0;
}

int cli_parse(int argc, char **argv, struct plan *p, struct sbx_error *e)
{
  struct cli_state cs = { .plan = p, .err = e, .opt_end = 1, .argv0 = argv[0] };

  if (cli_check_count(&cs, argc) < 0)
    return -1;
  e->msg[0] = '\0';
  for (;;) {
    int r = argp_parse(&argp, argc, argv,
                       ARGP_IN_ORDER | ARGP_NO_EXIT | ARGP_NO_ERRS | ARGP_NO_HELP, NULL, &cs);
    if (r != 0)
      return e->msg[0] ? -1 : unknown_option(&cs, argv, argc);
    if (cs.done)
      return CLI_EXIT_OK;
    if (!cs.splice_argv)
      break;
    argv = steal_ptr(&cs.splice_argv);
    argc = cs.splice_argc;
    cs.opt_end = 1;
    if (cli_check_count(&cs, argc) < 0)
      return -1;
  }
  free(cs.layers);
  return check_end(&cs) < 0 ? -1 : CLI_RUN;
}
