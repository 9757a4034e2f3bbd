/* The policy compiler: text (seccomp/README.md) -> rules -> libseccomp ->
 * classic BPF.
 *
 * Parsing resolves every name (system calls, constants, errno values)
 * on the spot, so each mistake is reported at its own line and column.
 * Rules are only handed to libseccomp once the whole policy, includes and
 * all, has been read: a later file's rules for a system call replace an
 * earlier file's (devel relaxes default that way), and the default action
 * is only known at the end. */


#include "policy.h"

#include "error.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_INCLUDE_DEPTH 16
#define MAX_NAMES_PER_RULE 64
#define BPF_MAX_INSNS 4096 /* the kernel's limit on one filter */

/* ---- symbolic names ------------------------------------------------------- */

struct named {
  const char *name;
  uint64_t value;
};
#define N(x) { #x, (uint64_t)(x) },

/* The default profile names it; C libraries older than the call lack it. */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Values come from this machine's headers, so they are right for the
 * native ABI; the compat ABIs the filter also covers (i386 and x32 on
 * x86_64, arm on aarch64) use the same ioctl, clone and AF_* numbers. */
static const struct named constants[] = {
  /* ioctl requests on terminals */
  N(TIOCSTI) N(TIOCLINUX) N(TIOCCONS) N(TIOCSCTTY) N(TIOCSETD) N(TIOCSLCKTRMIOS)
  /* clone and unshare flags */
  N(CLONE_NEWUSER) N(CLONE_NEWNS) N(CLONE_NEWPID) N(CLONE_NEWNET)
  N(CLONE_NEWIPC) N(CLONE_NEWUTS) N(CLONE_NEWCGROUP) N(CLONE_NEWTIME)
  N(CLONE_VM) N(CLONE_FS) N(CLONE_FILES) N(CLONE_SIGHAND) N(CLONE_THREAD)
  N(CLONE_SYSVSEM) N(CLONE_PARENT) N(CLONE_VFORK) N(CLONE_PTRACE)
  /* socket address families */
  N(AF_UNSPEC) N(AF_UNIX) N(AF_LOCAL) N(AF_INET) N(AF_INET6) N(AF_NETLINK)
  N(AF_PACKET) N(AF_KEY) N(AF_AX25) N(AF_IPX) N(AF_APPLETALK) N(AF_NETROM)
  N(AF_BRIDGE) N(AF_ATMPVC) N(AF_X25) N(AF_ROSE) N(AF_DECnet) N(AF_ATMSVC)
  N(AF_RDS) N(AF_IRDA) N(AF_LLC) N(AF_IB) N(AF_MPLS) N(AF_CAN) N(AF_TIPC)
  N(AF_BLUETOOTH) N(AF_PHONET) N(AF_IEEE802154) N(AF_ALG) N(AF_NFC)
  N(AF_VSOCK) N(AF_KCM) N(AF_QIPCRTR) N(AF_SMC) N(AF_XDP)
#ifdef AF_MCTP
  N(AF_MCTP)
#endif
  /* personality(2): execution domains and flags */
  N(PER_LINUX) N(PER_LINUX32) N(UNAME26) N(ADDR_NO_RANDOMIZE)
  N(FDPIC_FUNCPTRS) N(MMAP_PAGE_ZERO) N(ADDR_COMPAT_LAYOUT)
  N(READ_IMPLIES_EXEC) N(ADDR_LIMIT_32BIT) N(SHORT_INODE) N(WHOLE_SECONDS)
  N(STICKY_TIMEOUTS) N(ADDR_LIMIT_3GB)
};

static const struct named errnos[] = {
  N(EPERM) N(ENOENT) N(ESRCH) N(EINTR) N(EIO) N(ENXIO) N(E2BIG) N(ENOEXEC)
  N(EBADF) N(ECHILD) N(EAGAIN) N(ENOMEM) N(EACCES) N(EFAULT) N(EBUSY)
  N(EEXIST) N(EXDEV) N(ENODEV) N(ENOTDIR) N(EISDIR) N(EINVAL) N(ENFILE)
  N(EMFILE) N(ENOTTY) N(ETXTBSY) N(EFBIG) N(ENOSPC) N(ESPIPE) N(EROFS)
  N(EMLINK) N(EPIPE) N(ERANGE) N(ENOSYS) N(ENOTSUP) N(EOPNOTSUPP)
  N(EAFNOSUPPORT) N(EPROTONOSUPPORT) N(ESOCKTNOSUPPORT) N(ENOTSOCK)
  N(EADDRNOTAVAIL) N(ENETUNREACH) N(ECONNREFUSED) N(ENOKEY)
};
#undef N

static bool lookup(const struct named *t, size_t n, const char *s, size_t len,
                   uint64_t *out)
{
  for (size_t i = 0; i < n; i++)
    if (strlen(t[i].name) == len && memcmp(t[i].name, s, len) == 0) {
      *out = t[i].value;
      return true;
    }
  return false;
}

/* ---- what the parser builds ----------------------------------------------- */

struct rule {
  int nr; /* native number, or libseccomp's pseudo number for a call
           * that exists only on a compat ABI */
  char name[48];
  uint32_t action;
  unsigned origin; /* which file read added it */
  const char *file;
  unsigned line, col;
  unsigned n_conds;
  struct scmp_arg_cmp conds[6];
  bool dead; /* replaced by a later file */
};

/* One file being read; the stack of them detects include loops. */
struct frame {
  const char *path;
  char *id; /* what makes two includes the same file */
  unsigned origin;
  unsigned default_line; /* 0: this file set no default */
};

struct parser {
  const struct policy_lib *lib;
  bool has_default;
  uint32_t default_action;
  struct rule *rules;
  size_t n_rules, cap_rules;
  char **paths; /* every path read; rules point into them */
  size_t n_paths, cap_paths;
  struct frame stack[MAX_INCLUDE_DEPTH];
  unsigned depth;
  unsigned next_origin;
};

/* The part of one line still to be read. */
struct cursor {
  struct frame *f;
  const char *line; /* its first byte, for columns */
  const char *p;
  const char *end;  /* the '\n' or the end of the text */
  unsigned lineno;
};

/* ---- errors ----------------------------------------------------------------- */

static int fail_at(const struct cursor *c, const char *at, struct sbx_error *e,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail_at(const struct cursor *c, const char *at, struct sbx_error *e,
                   const char *fmt, ...)
{
  char msg[sizeof e->msg];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return sbx_fail(e, 0, "%s:%u:%u: %s", c->f->path, c->lineno,
                  (unsigned)(at - c->line) + 1, msg);
}

/* The token at p, for messages: up to a blank or a comment. */
static int token_len(const struct cursor *c, const char *p)
{
  const char *q = p;
  while (q < c->end && !isspace((unsigned char)*q) && *q != '#')
    q++;
  return q > p ? (int)(q - p) : 0;
}

static int fail_unexpected(const struct cursor *c, const char *at, const char *want,
                           struct sbx_error *e)
{
  if (at >= c->end || *at == '#')
    return fail_at(c, at, e, "expected %s before the end of the line", want);
  if (!isprint((unsigned char)*at))
    return fail_at(c, at, e, "expected %s, found byte 0x%02x", want, (unsigned char)*at);
  return fail_at(c, at, e, "expected %s, found '%.*s'", want, token_len(c, at), at);
}

/* ---- lexing ------------------------------------------------------------------ */

static void skip_blank(struct cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r'))
    c->p++;
}

static bool at_eol(struct cursor *c)
{
  skip_blank(c);
  return c->p >= c->end || *c->p == '#';
}

static bool is_word_char(char ch)
{
  return isalnum((unsigned char)ch) || ch == '_' || ch == '-';
}

/* A name, keyword or number; returns its length (0: none here). */
static size_t word(struct cursor *c, const char **start)
{
  skip_blank(c);
  *start = c->p;
  while (c->p < c->end && is_word_char(*c->p))
    c->p++;
  return (size_t)(c->p - *start);
}

static bool word_is(const char *w, size_t len, const char *kw)
{
  return strlen(kw) == len && memcmp(w, kw, len) == 0;
}

static bool eat(struct cursor *c, char ch)
{
  skip_blank(c);
  if (c->p < c->end && *c->p == ch) {
    c->p++;
    return true;
  }
  return false;
}

static int expect_eol(struct cursor *c, struct sbx_error *e)
{
  if (at_eol(c))
    return 0;
  if (!isprint((unsigned char)*c->p))
    return fail_at(c, c->p, e, "unexpected byte 0x%02x", (unsigned char)*c->p);
  return fail_at(c, c->p, e, "unexpected '%.*s' after the end of the statement",
                 token_len(c, c->p), c->p);
}

/* ---- values ------------------------------------------------------------------ */

/* C syntax: 0x1f, 017, 42. */
static int parse_number(struct cursor *c, const char *w, size_t len, uint64_t *out,
                        struct sbx_error *e)
{
  char buf[32];
  char *end;

  if (len >= sizeof buf)
    return fail_at(c, w, e, "number '%.*s' out of range", (int)len, w);
  memcpy(buf, w, len);
  buf[len] = '\0';
  errno = 0;
  *out = strtoull(buf, &end, 0);
  if (*end != '\0')
    return fail_at(c, w, e, "bad number '%s'", buf);
  if (errno == ERANGE)
    return fail_at(c, w, e, "number '%s' out of range", buf);
  return 0;
}

static int parse_term(struct cursor *c, uint64_t *out, struct sbx_error *e)
{
  const char *w;
  size_t len = word(c, &w);

  if (len == 0)
    return fail_unexpected(c, w, "a number or a constant", e);
  if (isdigit((unsigned char)*w))
    return parse_number(c, w, len, out, e);
  if (!lookup(constants, ARRAY_SIZE(constants), w, len, out))
    return fail_at(c, w, e, "unknown constant '%.*s'", (int)len, w);
  return 0;
}

/* TERM { '|' TERM }: flags are naturally written CLONE_NEWUSER|CLONE_NEWNS. */
static int parse_value(struct cursor *c, uint64_t *out, struct sbx_error *e)
{
  uint64_t v;

  if (parse_term(c, out, e) < 0)
    return -1;
  while (eat(c, '|')) {
    if (parse_term(c, &v, e) < 0)
      return -1;
    *out |= v;
  }
  return 0;
}

/* ---- actions and conditions ---------------------------------------------------- */

static int parse_errno(struct cursor *c, uint32_t *action, struct sbx_error *e)
{
  const char *w;
  size_t len = word(c, &w);
  uint64_t v;

  if (len == 0)
    return fail_unexpected(c, w, "an errno name such as EPERM", e);
  if (isdigit((unsigned char)*w)) {
    if (parse_number(c, w, len, &v, e) < 0)
      return -1;
    if (v < 1 || v > 4095)
      return fail_at(c, w, e, "errno %.*s out of range (1-4095)", (int)len, w);
  } else if (!lookup(errnos, ARRAY_SIZE(errnos), w, len, &v)) {
    return fail_at(c, w, e, "unknown errno name '%.*s'", (int)len, w);
  }
  *action = SCMP_ACT_ERRNO((uint32_t)v);
  return 0;
}

static int parse_action(struct cursor *c, uint32_t *action, struct sbx_error *e)
{
  static const struct { const char *kw; uint32_t action; } simple[] = {
    { "allow", SCMP_ACT_ALLOW },
    { "kill-process", SCMP_ACT_KILL_PROCESS },
    { "trap", SCMP_ACT_TRAP },
    { "log", SCMP_ACT_LOG },
  };
  const char *w;
  size_t len = word(c, &w);

  if (word_is(w, len, "errno"))
    return parse_errno(c, action, e);
  for (size_t i = 0; i < ARRAY_SIZE(simple); i++)
    if (word_is(w, len, simple[i].kw)) {
      *action = simple[i].action;
      return 0;
    }
  if (len == 0)
    return fail_unexpected(c, w, "an action (allow, errno NAME, kill-process, trap, log)", e);
  return fail_at(c, w, e, "unknown action '%.*s' (allow, errno NAME, kill-process, trap, log)",
                 (int)len, w);
}

/* One of == != < <= > >= and '&', which starts a masked comparison. */
static int parse_operator(struct cursor *c, enum scmp_compare *op, struct sbx_error *e)
{
  static const struct { const char *s; enum scmp_compare op; } ops[] = {
    { "==", SCMP_CMP_EQ }, { "!=", SCMP_CMP_NE }, { "<", SCMP_CMP_LT },
    { "<=", SCMP_CMP_LE }, { ">", SCMP_CMP_GT },  { ">=", SCMP_CMP_GE },
    { "&", SCMP_CMP_MASKED_EQ },
  };
  const char *start;
  size_t len;

  skip_blank(c);
  start = c->p;
  while (c->p < c->end && *c->p && strchr("=!<>&", *c->p))
    c->p++;
  len = (size_t)(c->p - start);
  for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
    if (len > 0 && word_is(start, len, ops[i].s)) {
      *op = ops[i].op;
      return 0;
    }
  if (len == 0)
    return fail_unexpected(c, start, "a comparison (==, !=, <, <=, >, >=, & MASK ==)", e);
  return fail_at(c, start, e, "bad operator '%.*s' (==, !=, <, <=, >, >=, & MASK ==)",
                 (int)len, start);
}

/* argN OP VALUE, or argN & MASK == VALUE. */
static int parse_cond(struct cursor *c, struct scmp_arg_cmp *cmp, struct sbx_error *e)
{
  const char *w, *at;
  size_t len = word(c, &w);
  enum scmp_compare op;
  uint64_t a, b = 0;

  if (len != 4 || memcmp(w, "arg", 3) != 0 || w[3] < '0' || w[3] > '5')
    return len ? fail_at(c, w, e, "expected arg0 ... arg5, found '%.*s'", (int)len, w)
               : fail_unexpected(c, w, "arg0 ... arg5", e);
  if (parse_operator(c, &op, e) < 0 || parse_value(c, &a, e) < 0)
    return -1;
  if (op == SCMP_CMP_MASKED_EQ) {
    enum scmp_compare eq;
    skip_blank(c);
    at = c->p;
    if (parse_operator(c, &eq, e) < 0)
      return -1;
    if (eq != SCMP_CMP_EQ)
      return fail_at(c, at, e, "a masked comparison takes ==: arg%c & MASK == VALUE", w[3]);
    skip_blank(c);
    at = c->p;
    if (parse_value(c, &b, e) < 0)
      return -1;
    if (b & ~a)
      return fail_at(c, at, e, "value 0x%llx has bits outside mask 0x%llx: never true",
                     (unsigned long long)b, (unsigned long long)a);
  }
  *cmp = (struct scmp_arg_cmp){ .arg = (unsigned)(w[3] - '0'), .op = op,
                                .datum_a = a, .datum_b = b };
  return 0;
}

/* [if COND { and COND }] to the end of the line. */
static int parse_conds(struct cursor *c, struct rule *r, struct sbx_error *e)
{
  const char *w;
  size_t len;

  if (at_eol(c))
    return 0;
  len = word(c, &w);
  if (!word_is(w, len, "if"))
    return fail_unexpected(c, w, "'if' or the end of the line", e);
  do {
    const char *at;
    skip_blank(c);
    at = c->p;
    if (r->n_conds == ARRAY_SIZE(r->conds))
      return fail_at(c, at, e, "more than 6 conditions in one rule");
    if (parse_cond(c, &r->conds[r->n_conds], e) < 0)
      return -1;
    for (unsigned i = 0; i < r->n_conds; i++)
      if (r->conds[i].arg == r->conds[r->n_conds].arg)
        return fail_at(c, at, e, "arg%u is compared twice in one rule "
                       "(libseccomp allows one comparison per argument)",
                       r->conds[i].arg);
    r->n_conds++;
    if (at_eol(c))
      return 0;
    len = word(c, &w);
  } while (word_is(w, len, "and"));
  return fail_unexpected(c, w, "'and' or the end of the line", e);
}

/* ---- rules ------------------------------------------------------------------ */

/* A file's rules for a system call replace those an earlier file gave it;
 * within one file they add up, except that a rule without conditions must
 * be the only one (libseccomp would silently let it swallow the others). */
static int add_rule(struct parser *ps, const struct cursor *c, const char *at,
                    const struct rule *r, struct sbx_error *e)
{
  for (size_t i = 0; i < ps->n_rules; i++) {
    struct rule *q = &ps->rules[i];
    if (q->dead || q->nr != r->nr)
      continue;
    if (q->origin != r->origin) {
      q->dead = true;
      continue;
    }
    if (q->n_conds == 0 || r->n_conds == 0)
      return fail_at(c, at, e, "%s already has a rule at line %u; a rule without "
                     "conditions must be the only one for its system call",
                     r->name, q->line);
  }
  xgrow(&ps->rules, &ps->cap_rules, ps->n_rules + 1, sizeof *ps->rules);
  ps->rules[ps->n_rules++] = *r;
  return 0;
}

static bool is_action(const char *w, size_t len)
{
  return word_is(w, len, "allow") || word_is(w, len, "errno") || word_is(w, len, "trap") ||
         word_is(w, len, "log") || word_is(w, len, "kill-process");
}

/* NAME... ':' ACTION [if COND {and COND}] */
static int parse_rule(struct parser *ps, struct cursor *c, struct sbx_error *e)
{
  struct { const char *at; int nr; size_t len; } names[MAX_NAMES_PER_RULE];
  size_t n = 0;
  struct rule r = { .origin = c->f->origin, .file = c->f->path, .line = c->lineno };

  while (!eat(c, ':')) {
    const char *w;
    size_t len = word(c, &w);
    char buf[sizeof r.name];

    if (len == 0)
      return fail_unexpected(c, w, n ? "a system call name or ':'" : "a system call name", e);
    if (n == ARRAY_SIZE(names))
      return fail_at(c, w, e, "more than %d system calls in one rule", MAX_NAMES_PER_RULE);
    snprintf(buf, sizeof buf, "%.*s", (int)len, w);
    names[n].at = w;
    names[n].len = len;
    names[n].nr = seccomp_syscall_resolve_name(buf);
    if (len >= sizeof buf || names[n].nr == __NR_SCMP_ERROR)
      return is_action(w, len) && n > 0
                 ? fail_at(c, w, e, "expected ':' between the system calls and the action")
                 : fail_at(c, w, e, "unknown system call '%.*s'", (int)len, w);
    n++;
  }
  if (n == 0)
    return fail_at(c, c->p - 1, e, "expected a system call name before ':'");
  if (parse_action(c, &r.action, e) < 0 || parse_conds(c, &r, e) < 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    r.nr = names[i].nr;
    r.col = (unsigned)(names[i].at - c->line) + 1;
    snprintf(r.name, sizeof r.name, "%.*s", (int)names[i].len, names[i].at);
    if (add_rule(ps, c, names[i].at, &r, e) < 0)
      return -1;
  }
  return 0;
}

static int parse_default(struct parser *ps, struct cursor *c, const char *at,
                         struct sbx_error *e)
{
  if (c->f->default_line)
    return fail_at(c, at, e, "default action already set at line %u", c->f->default_line);
  if (parse_action(c, &ps->default_action, e) < 0 || expect_eol(c, e) < 0)
    return -1;
  c->f->default_line = c->lineno;
  ps->has_default = true;
  return 0;
}

/* ---- files and includes ----------------------------------------------------- */

static int parse_text(struct parser *ps, const char *path, char *id, const char *text,
                      size_t len, struct sbx_error *e);

int policy_read_file(const char *path, char **text, size_t *len, struct sbx_error *e)
{
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  _cleanup_free_ char *buf = NULL;
  size_t n = 0;

  if (fd < 0)
    return sbx_fail(e, errno, "%s", path);
  /* Read one byte past the limit: a pipe or /proc file has no size. */
  buf = xmalloc(POLICY_MAX_BYTES + 2);
  while (n <= POLICY_MAX_BYTES) {
    ssize_t r = read(fd, buf + n, POLICY_MAX_BYTES + 1 - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return sbx_fail(e, errno, "%s", path);
    if (r == 0)
      break;
    n += (size_t)r;
  }
  if (n > POLICY_MAX_BYTES)
    return sbx_fail(e, 0, "%s: larger than 1 MiB, not a policy", path);
  buf[n] = '\0';
  *len = n;
  *text = xrealloc(steal_ptr(&buf), n + 1);
  return 0;
}

/* A path that outlives the parse (rules point into it). */
static char *keep_path(struct parser *ps, char *path)
{
  xgrow(&ps->paths, &ps->cap_paths, ps->n_paths + 1, sizeof *ps->paths);
  ps->paths[ps->n_paths++] = path;
  return path;
}

static char *file_id(const char *path)
{
  char *real = realpath(path, NULL);
  char *id;

  if (asprintf(&id, "file:%s", real ? real : path) < 0)
    id = NULL;
  free(real);
  return id ? id : xstrdup(path);
}

static const struct policy_builtin *find_builtin(const struct policy_lib *lib, const char *name)
{
  for (size_t i = 0; lib && i < lib->n_builtins; i++)
    if (strcmp(lib->builtins[i].name, name) == 0)
      return &lib->builtins[i];
  return NULL;
}

/* "a -> b -> a", for the include loop message. */
static void loop_chain(const struct parser *ps, unsigned from, const char *last,
                       char *buf, size_t size)
{
  size_t used = 0;
  buf[0] = '\0';
  for (unsigned i = from; i < ps->depth && used < size; i++)
    used += (size_t)snprintf(buf + used, size - used, "%s -> ", ps->stack[i].path);
  if (used < size)
    snprintf(buf + used, size - used, "%s", last);
}

static int check_loop(struct parser *ps, const struct cursor *c, const char *at,
                      const char *id, const char *path, struct sbx_error *e)
{
  char chain[512];

  for (unsigned i = 0; i < ps->depth; i++)
    if (strcmp(ps->stack[i].id, id) == 0) {
      loop_chain(ps, i, path, chain, sizeof chain);
      return fail_at(c, at, e, "include loop: %s", chain);
    }
  if (ps->depth == MAX_INCLUDE_DEPTH)
    return fail_at(c, at, e, "includes nested deeper than %d", MAX_INCLUDE_DEPTH);
  return 0;
}

static char *relative_to(const char *including, const char *name)
{
  const char *slash = strrchr(including, '/');
  char *p;

  if (name[0] == '/' || !slash)
    return xstrdup(name);
  if (asprintf(&p, "%.*s/%s", (int)(slash - including), including, name) < 0)
    return xstrdup(name);
  return p;
}

static int include_builtin(struct parser *ps, const struct cursor *c, const char *at,
                           const char *name, struct sbx_error *e)
{
  const struct policy_builtin *b = find_builtin(ps->lib, name);
  char *id;

  if (!b)
    return fail_at(c, at, e, "unknown built-in policy '%s' (a file needs a '/' or "
                   "the .policy suffix)", name);
  if (asprintf(&id, "builtin:%s", name) < 0)
    id = xstrdup(name);
  if (check_loop(ps, c, at, id, b->path, e) < 0) {
    free(id);
    return -1;
  }
  return parse_text(ps, b->path, id, b->text, strlen(b->text), e);
}

static bool has_suffix(const char *s, const char *suffix)
{
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* @include NAME: a built-in by name, or a file relative to this one. */
static int parse_include(struct parser *ps, struct cursor *c, struct sbx_error *e)
{
  const char *at;
  char name[PATH_MAX];
  _cleanup_free_ char *text = NULL;
  char *path, *id;
  size_t len;

  skip_blank(c);
  at = c->p;
  len = (size_t)token_len(c, at);
  if (len == 0)
    return fail_unexpected(c, at, "a policy name or file after @include", e);
  if (len >= sizeof name)
    return fail_at(c, at, e, "include path too long");
  memcpy(name, at, len);
  name[len] = '\0';
  c->p += len;
  if (expect_eol(c, e) < 0)
    return -1;
  if (!strchr(name, '/') && !has_suffix(name, ".policy"))
    return include_builtin(ps, c, at, name, e);

  path = keep_path(ps, relative_to(c->f->path, name));
  id = file_id(path);
  if (check_loop(ps, c, at, id, path, e) < 0) {
    free(id);
    return -1;
  }
  if (policy_read_file(path, &text, &len, e) < 0) {
    free(id);
    return sbx_wrap(e, "%s:%u:%u: @include", c->f->path, c->lineno,
                    (unsigned)(at - c->line) + 1);
  }
  return parse_text(ps, path, id, text, len, e);
}

static int parse_line(struct parser *ps, struct cursor *c, struct sbx_error *e)
{
  const char *w;
  size_t len;

  if (at_eol(c))
    return 0;
  if (*c->p == '@') {
    const char *at = c->p++;
    len = word(c, &w);
    if (w != at + 1 || !word_is(w, len, "include"))
      return fail_at(c, at, e, "unknown directive '%.*s' (only @include)",
                     token_len(c, at), at);
    return parse_include(ps, c, e);
  }
  len = word(c, &w);
  if (word_is(w, len, "default"))
    return parse_default(ps, c, w, e);
  c->p = w;
  return parse_rule(ps, c, e);
}

/* Takes ownership of id. */
static int parse_text(struct parser *ps, const char *path, char *id, const char *text,
                      size_t len, struct sbx_error *e)
{
  struct frame *f = &ps->stack[ps->depth++];
  struct cursor c = { .f = f, .line = text, .lineno = 1 };
  const char *end = text + len;
  int r = 0;

  *f = (struct frame){ .path = path, .id = id, .origin = ps->next_origin++ };
  while (r == 0 && c.line < end) {
    const char *nl = memchr(c.line, '\n', (size_t)(end - c.line));
    c.end = nl ? nl : end;
    c.p = c.line;
    r = parse_line(ps, &c, e);
    c.line = c.end + 1;
    c.lineno++;
  }
  free(f->id);
  ps->depth--;
  return r;
}

/* ---- compiling ---------------------------------------------------------------- */

/* Every ABI the kernel can be entered through: a filter that only knew the
 * native one would let the same call through int $0x80 or the x32 bit. */
static const uint32_t compat_arches[] = {
#if defined(__x86_64__) && !defined(__ILP32__)
  SCMP_ARCH_X86, SCMP_ARCH_X32,
#elif defined(__x86_64__)
  SCMP_ARCH_X86_64, SCMP_ARCH_X86,
#elif defined(__aarch64__)
  SCMP_ARCH_ARM,
#endif
};

static int export_bpf(scmp_filter_ctx ctx, const char *path, struct sbx_bpf *out,
                      struct sbx_error *e)
{
  _cleanup_close_ int fd = memfd_create("sandbox-seccomp", MFD_CLOEXEC);
  _cleanup_free_ unsigned char *buf = NULL;
  off_t size;
  int r;

  if (fd < 0)
    return sbx_fail(e, errno, "memfd_create");
  r = seccomp_export_bpf(ctx, fd);
  if (r < 0)
    return sbx_fail(e, -r, "%s: seccomp_export_bpf", path);
  size = lseek(fd, 0, SEEK_END);
  if (size < 0)
    return sbx_fail(e, errno, "%s: seccomp_export_bpf", path);
  if (size % 8 != 0 || size == 0 || size / 8 > BPF_MAX_INSNS)
    return sbx_fail(e, 0, "%s: compiles to %lld bytes of BPF; the kernel takes 1 to %d "
                    "instructions of 8 bytes", path, (long long)size, BPF_MAX_INSNS);
  buf = xmalloc((size_t)size);
  if (pread(fd, buf, (size_t)size, 0) != size)
    return sbx_fail(e, errno, "%s: read back the BPF", path);
  out->data = steal_ptr(&buf);
  out->len = (size_t)size;
  return 0;
}

static int fail_rule(const struct rule *r, int err, struct sbx_error *e)
{
  return sbx_fail(e, 0, "%s:%u:%u: libseccomp refused the rule for %s: %s", r->file,
                  r->line, r->col, r->name, strerror(err));
}

static int add_to_filter(scmp_filter_ctx ctx, const struct parser *ps, struct sbx_error *e)
{
  int r;

  r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  if (r == 0)
    r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  /* A binary tree over the syscall numbers instead of a list: each call
   * walks a few branches, and so does the kernel, which runs the filter
   * for every syscall number when it is installed to build its cache. */
  if (r == 0)
    r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
  for (size_t i = 0; r == 0 && i < ARRAY_SIZE(compat_arches); i++)
    r = seccomp_arch_add(ctx, compat_arches[i]);
  if (r < 0)
    return sbx_fail(e, -r, "set up the seccomp filter");
  for (size_t i = 0; i < ps->n_rules; i++) {
    const struct rule *q = &ps->rules[i];
    /* A rule with the default action only matters for replacing the
     * rules of an earlier file, which parsing already did. */
    if (q->dead || q->action == ps->default_action)
      continue;
    r = seccomp_rule_add_array(ctx, q->action, q->nr, q->n_conds, q->conds);
    if (r < 0)
      return fail_rule(q, -r, e);
  }
  return 0;
}

static bool allows_everything(const struct parser *ps)
{
  if (ps->default_action != SCMP_ACT_ALLOW)
    return false;
  for (size_t i = 0; i < ps->n_rules; i++)
    if (!ps->rules[i].dead && ps->rules[i].action != SCMP_ACT_ALLOW)
      return false;
  return true;
}

static int compile(const struct parser *ps, const char *path, struct sbx_bpf *out,
                   struct sbx_error *e)
{
  scmp_filter_ctx ctx;
  int r;

  *out = (struct sbx_bpf){ 0 };
  if (!ps->has_default)
    return sbx_fail(e, 0, "%s: no default action (add a line such as 'default allow', "
                    "or @include a policy that has one)", path);
  if (allows_everything(ps))
    return 0;
  ctx = seccomp_init(ps->default_action);
  if (!ctx)
    return sbx_fail(e, ENOMEM, "seccomp_init");
  r = add_to_filter(ctx, ps, e);
  if (r == 0)
    r = export_bpf(ctx, path, out, e);
  seccomp_release(ctx);
  return r;
}

static void parser_free(struct parser *ps)
{
  for (size_t i = 0; i < ps->n_paths; i++)
    free(ps->paths[i]);
  free(ps->paths);
  free(ps->rules);
}

static char *top_id(const struct policy_lib *lib, const char *path)
{
  char *id;
  /* A built-in compiled from its file (by gen-profiles) is the same policy
   * as the built-in name, for loop detection. */
  for (size_t i = 0; lib && i < lib->n_builtins; i++)
    if (strcmp(lib->builtins[i].path, path) == 0 &&
        asprintf(&id, "builtin:%s", lib->builtins[i].name) >= 0)
      return id;
  return file_id(path);
}

int policy_compile_text(const char *path, const char *text, size_t len,
                        const struct policy_lib *lib, struct sbx_bpf *out,
                        struct sbx_error *e)
{
  struct parser ps = { .lib = lib };
  int r;

  path = keep_path(&ps, xstrdup(path));
  r = parse_text(&ps, path, top_id(lib, path), text, len, e);
  if (r == 0)
    r = compile(&ps, path, out, e);
  parser_free(&ps);
  return r;
}

int policy_compile_file(const char *path, const struct policy_lib *lib,
                        struct sbx_bpf *out, struct sbx_error *e)
{
  _cleanup_free_ char *text = NULL;
  size_t len;

  if (policy_read_file(path, &text, &len, e) < 0)
    return -1;
  return policy_compile_text(path, text, len, lib, out, e);
}
