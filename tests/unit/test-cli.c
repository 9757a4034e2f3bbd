/* Unit tests of the command line parser, the plan defaults and the strict
 * number parsing: argv in, plan out, no system calls that change anything. */
#include <stdbool.h>

#include "tap.h"

#include "cli.h"
#include "error.h"
#include "host.h"
#include "plan.h"
#include "rlimit.h"
#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define ARGV(...) ((char *[]){ "sandbox", __VA_ARGS__, NULL })
#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

static struct plan plan;
static struct sbx_error err;

static int parse(int argc, char **argv)
{
  int r;

  plan_init(&plan, PERS_SANDBOX);
  memset(&err, 0, sizeof err);
  r = cli_parse(argc, argv, &plan, &err);
  host_gather(&plan.host, &plan);
  return r;
}
/* The plan points into argv, so the vector must outlive the statement
 * that builds it: copy it to the heap (never freed; a test's lifetime). */
static char **keep_argv(char **v, int *argc)
{
  int n = 0;
  while (v[n])
    n++;
  char **copy = calloc((size_t)n + 1, sizeof *copy);
  memcpy(copy, v, (size_t)n * sizeof *copy);
  *argc = n;
  return copy;
}
#define PARSE(...)                                                             \
  ({                                                                           \
    int c_;                                                                    \
    char **v_ = keep_argv(ARGV(__VA_ARGS__), &c_);                             \
    parse(c_, v_);                                                             \
  })

static void test_numbers(void)
{
  uint64_t v = 99;
  ok(parse_u64("0", 10, &v) == 0 && v == 0, "0 parses");
  ok(parse_u64("4294967294", UINT32_MAX - 1, &v) == 0 && v == 4294967294u, "max uid parses");
  ok(parse_u64("4294967295", UINT32_MAX - 1, &v) < 0 && errno == ERANGE, "(uid_t)-1 refused");
  ok(parse_u64("4294967296", UINT32_MAX - 1, &v) < 0, "2^32 refused, not truncated");
  ok(parse_u64("18446744073709551616", UINT64_MAX, &v) < 0 && errno == ERANGE, "2^64 overflows");
  ok(parse_u64("", 10, &v) < 0 && errno == EINVAL, "empty refused");
  ok(parse_u64("-1", 10, &v) < 0, "sign refused");
  ok(parse_u64("+1", 10, &v) < 0, "plus sign refused");
  ok(parse_u64(" 1", 10, &v) < 0, "leading space refused");
  ok(parse_u64("1x", 10, &v) < 0, "trailing garbage refused");
  ok(parse_u64("0x10", 100, &v) < 0, "hex refused");
}

static void test_binds(void)
{
  ok(PARSE("--bind", "/a", "/b", "--ro-bind-try", "/c", "/d", "--", "true") == CLI_RUN,
     "binds parse");
  ok(plan.n_ops == 2, "two ops");
  is_str(plan.ops[0].src, "/a", "bind src");
  is_str(plan.ops[0].dest, "/b", "bind dest");
  ok(plan.ops[1].flags == (OPF_RDONLY | OPF_TRY), "ro-bind-try flags");
  is_str(plan.argv[0], "true", "command after --");

  ok(PARSE("--bind=/a", "/b", "true") == CLI_RUN, "--opt=VALUE form");
  is_str(plan.ops[0].src, "/a", "src from --bind=");
  is_str(plan.ops[0].dest, "/b", "dest from the next word");

  ok(PARSE("--bind", "/a") < 0, "--bind with one argument fails");
  is_str(err.msg, "--bind: missing argument", "message names the option");
  ok(PARSE("--dir") < 0, "--dir without argument fails");
  ok(strstr(err.msg, "--dir") != NULL, "message names --dir: %s", err.msg);
}

static void test_words(void)
{
  ok(PARSE("--frob", "true") < 0, "unknown option fails");
  is_str(err.msg, "Unknown option --frob (see --help)", "message names it");
  ok(PARSE("--", "--weird-name", "x") == CLI_RUN, "-- then an option-like command");
  is_str(plan.argv[0], "--weird-name", "command is --weird-name");
  is_str(plan.argv[1], "x", "its argument is kept");
  ok(PARSE("true", "--bind", "a") == CLI_RUN && plan.n_ops == 0,
     "options after the command belong to it");
  ok(PARSE("--setenv", "A", "--", "@/nonexistent", "true") < 0 &&
         strstr(err.msg, "@/nonexistent"),
     "an option value of -- does not end the options: @FILE after it is read");
  ok(PARSE("--dir", "/x") < 0, "no command fails");
  is_str(err.msg, "No command specified (see --help)", "no command message");
}

static void test_ids(void)
{
  ok(PARSE("--uid", "4294967296", "true") < 0, "--uid 2^32 refused");
  ok(strstr(err.msg, "--uid") && strstr(err.msg, "4294967296"), "message: %s", err.msg);
  ok(PARSE("--gid", "-1", "true") < 0, "--gid -1 refused");
  ok(PARSE("--uid", "1000", "--gid", "100", "true") == CLI_RUN && plan.uid == 1000 &&
         plan.gid == 100 && plan.uid_set,
     "ids parse");
  ok(PARSE("--pass-fd", "0", "true") == CLI_RUN && plan.n_pass_fds == 1 &&
         plan.pass_fds[0] == 0,
     "fd 0 is honoured");
  ok(PARSE("--pass-fd", "2147483648", "true") < 0, "fd above INT_MAX refused");
  ok(PARSE("--pass-fd", "3a", "true") < 0, "fd with garbage refused");
}

static char *write_file(const char *text)
{
  static char path[] = "/tmp/sbx-unit-XXXXXX";
  int fd;
  strcpy(path, "/tmp/sbx-unit-XXXXXX");
  fd = mkstemp(path);
  if (fd < 0 || write(fd, text, strlen(text)) < 0)
    abort();
  close(fd);
  return path;
}

static void test_args_file(void)
{
  char at[64];
  char *f = write_file("# a profile\n--ro-bind\n/usr\n/usr\n\n  # indented comment\n"
                       "--setenv\nA B\nvalue with spaces\r\n");
  snprintf(at, sizeof at, "@%s", f);
  ok(PARSE(at, "--dir", "/x", "true") == CLI_RUN, "@FILE parses");
  ok(plan.n_ops == 2 && plan.ops[0].kind == OP_BIND && plan.ops[1].kind == OP_DIR,
     "file ops come in place, before the ones after it");
  ok(plan.n_env == 1, "setenv from the file");
  is_str(plan.env[0].name, "A B", "one argument per line, spaces kept");
  is_str(plan.env[0].value, "value with spaces", "trailing CR dropped");
  is_str(plan.argv[0], "true", "command after the spliced words");
  unlink(f);

  f = write_file("@/etc/passwd\n");
  snprintf(at, sizeof at, "@%s", f);
  ok(PARSE(at, "true") < 0, "@FILE inside a file refused");
  unlink(f);
  ok(PARSE("@/nonexistent/file", "true") < 0, "missing @FILE fails");
  ok(strstr(err.msg, "/nonexistent/file") != NULL, "message names it: %s", err.msg);
  ok(PARSE("--", "@notafile") == CLI_RUN, "@word after -- is the command");
  is_str(plan.argv[0], "@notafile", "command @notafile");
}

static void test_limit(void)
{
  int n = SBX_MAX_ARGS + 2;
  char **v = calloc((size_t)n + 1, sizeof *v);
  v[0] = "sandbox";
  for (int i = 1; i < n; i++)
    v[i] = (i % 2) ? "--dir" : "/x";
  v[n - 1] = "true";
  ok(parse(n, v) < 0, "%d arguments refused", n - 1);
  ok(strstr(err.msg, "too many arguments") != NULL, "message: %s", err.msg);
  v[SBX_MAX_ARGS - 1] = "--bare";
  v[SBX_MAX_ARGS] = "true";
  v[SBX_MAX_ARGS + 1] = NULL;
  ok(parse(SBX_MAX_ARGS + 1, v) == CLI_RUN, "exactly %d arguments accepted", SBX_MAX_ARGS);
  free(v);
}

static const struct fs_op *find_op(enum op_kind kind, const char *dest)
{
  for (size_t i = 0; i < plan.n_ops; i++)
    if (plan.ops[i].kind == kind && strcmp(plan.ops[i].dest, dest) == 0)
      return &plan.ops[i];
  return NULL;
}

static bool has_dest(enum op_kind kind, const char *dest)
{
  return find_op(kind, dest) != NULL;
}

static void test_defaults(void)
{
  ok(PARSE("--bind", "/x", "/x", "true") == CLI_RUN && plan_finish(&plan, &err) == 0,
     "plan_finish");
  ok(has_dest(OP_PROC, "/proc") && has_dest(OP_DEV, "/dev") && has_dest(OP_TMPFS, "/tmp"),
     "implicit /proc, /dev, /tmp");
  ok(plan.ops[plan.n_ops - 1].kind == OP_BIND, "implicit ops come before the user's");
  ok(plan.ns == NS_ALL || plan.ns == (NS_ALL & ~0u), "every namespace by default");
  ok(plan.die_with_parent, "die-with-parent on");

  ok(PARSE("--tmpfs", "/tmp/", "--bind", "/", "/", "--share-net", "true") == CLI_RUN &&
         plan_finish(&plan, &err) == 0,
     "plan_finish with / bound");
  ok(plan.ops[0].kind == OP_TMPFS && plan.ops[1].kind == OP_BIND &&
         plan.ops[2].kind == OP_PROC,
     "implicit ops after the bind of /, user's /tmp/ suppresses the implicit one");
  ok(!(plan.ns & NS_NET) && (plan.ns & NS_PID), "--share-net drops only the net ns");

  ok(PARSE("--bare", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 && plan.n_ops == 0,
     "--bare adds nothing");
  ok(PARSE("--share-pid", "--as-pid-1", "true") == CLI_RUN && plan_finish(&plan, &err) < 0,
     "--as-pid-1 without a pid namespace refused");
  ok(PARSE("--share-uts", "--hostname", "x", "true") == CLI_RUN &&
         plan_finish(&plan, &err) < 0,
     "--hostname without a uts namespace refused");
}

/* The host's /etc/alternatives, for the links of a bound /usr: only then,
 * and only while the command line leaves /etc alone. */
static void test_alternatives(void)
{
  const unsigned want = OPF_IMPLICIT | OPF_RDONLY | OPF_TRY;
  const struct fs_op *op;

  ok(PARSE("--bind", "/usr", "/usr", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         (op = find_op(OP_BIND, "/etc/alternatives")) != NULL,
     "--bind /usr /usr adds /etc/alternatives");
  ok(op && strcmp(op->src, "/etc/alternatives") == 0 && (op->flags & want) == want,
     "from the host's, read-only, skipped when missing");
  ok(op && op < &plan.ops[plan.n_ops - 1] && plan.ops[plan.n_ops - 1].kind == OP_BIND &&
         strcmp(plan.ops[plan.n_ops - 1].dest, "/usr") == 0,
     "before the user's ops");
  ok(PARSE("--ro-bind", "/usr/", "//usr", "--bind", "/x", "/etcetera", "true") == CLI_RUN &&
         plan_finish(&plan, &err) == 0 && find_op(OP_BIND, "/etc/alternatives"),
     "--ro-bind /usr/ //usr adds it too, /etcetera is not below /etc");
  ok(PARSE("--bind", "/x", "/x", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         !find_op(OP_BIND, "/etc/alternatives"),
     "not without /usr");
  ok(PARSE("--bind", "/opt", "/usr", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         !find_op(OP_BIND, "/etc/alternatives"),
     "not when /usr is not the host's");
  ok(PARSE("--bare", "--bind", "/usr", "/usr", "true") == CLI_RUN &&
         plan_finish(&plan, &err) == 0 && plan.n_ops == 1,
     "not with --bare");
  const char *etc_dests[] = { "/etc", "/etc/", "/./etc", "/etc/alternatives", "/etc/ssl/certs" };
  for (size_t i = 0; i < ARRAY_SIZE(etc_dests); i++)
    ok(PARSE("--bind", "/usr", "/usr", "--tmpfs", (char *)etc_dests[i], "true") == CLI_RUN &&
           plan_finish(&plan, &err) == 0 && !find_op(OP_BIND, "/etc/alternatives"),
       "not with an op on %s", etc_dests[i]);
  ok(PARSE("--bind", "/usr", "/usr", "--bind", "/", "/", "true") == CLI_RUN &&
         plan_finish(&plan, &err) == 0 && (op = find_op(OP_BIND, "/etc/alternatives")) &&
         op == &plan.ops[plan.n_ops - 1],
     "after an op on /");

  char *v[] = { "bwrap", "--bind", "/usr", "/usr", "true", NULL };
  plan_init(&plan, PERS_BWRAP);
  ok(cli_parse(ARGC(v), v, &plan, &err) == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         plan.n_ops == 1,
     "bwrap personality: nothing implicit");
}

static void test_modifiers(void)
{
  ok(PARSE("--perms", "0700", "--size", "4096", "--tmpfs", "/t", "true") == CLI_RUN &&
         plan.n_ops == 1 && plan.ops[0].perms == 0700 && plan.ops[0].size == 4096 &&
         (plan.ops[0].flags & (OPF_PERMS | OPF_SIZE)) == (OPF_PERMS | OPF_SIZE),
     "--perms and --size apply to the next --tmpfs");
  ok(PARSE("--size", "0x1000", "--perms", "01777", "--tmpfs", "/t", "true") == CLI_RUN &&
         plan.ops[0].size == 4096 && plan.ops[0].perms == 01777,
     "either order, hexadecimal size");
  ok(PARSE("--perms", "0700", "--dir", "/a", "--dir", "/b", "true") == CLI_RUN &&
         (plan.ops[0].flags & OPF_PERMS) && !(plan.ops[1].flags & OPF_PERMS),
     "--perms applies to the next op only");
  ok(PARSE("--perms", "0700", "--perms", "0700", "--dir", "/a", "true") < 0, "--perms twice refused");
  is_str(err.msg, "--perms given twice for the same action", "its message");
  ok(PARSE("--perms", "0700", "--bind", "/a", "/b", "true") < 0, "--perms before --bind refused");
  ok(PARSE("--perms", "0700", "true") < 0, "--perms before the command refused");
  ok(PARSE("--size", "4096", "--dir", "/a", "true") < 0, "--size before --dir refused");
  is_str(err.msg, "--size must be followed by --tmpfs", "its message");
  ok(PARSE("--perms", "8", "--dir", "/a", "true") < 0, "--perms 8 (not octal) refused");
  ok(PARSE("--perms", "17777", "--dir", "/a", "true") < 0, "--perms above 07777 refused");
  const char *bad_sizes[] = { "0", "123bogus", "", "-1", "18446744073709551616", "0x" };
  for (size_t i = 0; i < ARRAY_SIZE(bad_sizes); i++)
    ok(PARSE("--size", (char *)bad_sizes[i], "--tmpfs", "/t", "true") < 0, "--size '%s' refused",
       bad_sizes[i]);
}

static void test_overlay(void)
{
  ok(PARSE("--overlay-src", "/a", "--overlay-src", "/b", "--overlay", "/rw", "/w", "/o", "true") ==
         CLI_RUN && plan.n_ops == 1 && plan.ops[0].kind == OP_OVERLAY &&
         plan.ops[0].n_layers == 2 && plan.ops[0].overlay == OVERLAY_RW,
     "--overlay takes the pending layers");
  is_str(plan.ops[0].src, "/rw", "upper dir");
  is_str(plan.ops[0].workdir, "/w", "work dir");
  is_str(plan.ops[0].dest, "/o", "destination");
  ok(PARSE("--overlay", "/rw", "/w", "/o", "true") < 0, "--overlay without --overlay-src refused");
  ok(PARSE("--overlay-src", "/a", "--ro-overlay", "/o", "true") < 0,
     "--ro-overlay with one layer refused");
  ok(PARSE("--overlay-src", "/a", "--dir", "/x", "true") < 0,
     "--overlay-src followed by another op refused");
  ok(PARSE("--overlay-src", "/a", "--tmp-overlay", "/o", "--tmp-overlay", "/p", "true") < 0,
     "layers are used up by one overlay");
}

static void test_bwrap_options(void)
{
  ok(PARSE("--seccomp", "3", "--add-seccomp-fd", "4", "true") < 0,
     "--seccomp then --add-seccomp-fd refused");
  ok(PARSE("--add-seccomp-fd", "4", "--seccomp", "3", "true") < 0,
     "--add-seccomp-fd then --seccomp refused");
  ok(PARSE("--argv0", "a", "--argv0", "b", "true") < 0, "--argv0 twice refused");
  ok(PARSE("--exec-label", "x", "true") < 0 && strstr(err.msg, "not supported"),
     "--exec-label: not supported without SELinux");
  ok(PARSE("--cap-add", "CAP_NET_RAW", "--cap-add", "cap_sys_admin", "--cap-drop", "CAP_NET_RAW",
           "true") == CLI_RUN &&
         plan.caps_on == (UINT64_C(1) << 21) && plan.caps_off == (UINT64_C(1) << 13),
     "--cap-add and --cap-drop fold in order");
  ok(PARSE("--cap-add", "CAP_BOGUS", "true") < 0, "unknown capability refused");
  ok(PARSE("--setenv", "A=B", "x", "true") < 0 && strstr(err.msg, "--setenv: invalid variable name 'A=B'"),
     "--setenv of a name with '=' refused");
  ok(PARSE("--setenv", "", "x", "true") < 0 && PARSE("--unsetenv", "", "true") < 0 &&
         PARSE("--unsetenv", "A=B", "true") < 0,
     "--setenv and --unsetenv of an empty name refused");
  ok(PARSE("--cap-drop", "cap_sys_admin,cap_net_admin", "true") < 0 &&
         strstr(err.msg, "'cap_sys_admin,cap_net_admin'"),
     "a list of capabilities is refused, not read as its first name");
  ok(PARSE("--cap-add", "cap_net_admin+eip", "true") < 0, "a name with a tail is refused");
  ok(PARSE("--cap-add", "12", "true") < 0, "a known capability's number is refused");
  ok(PARSE("--cap-drop", "all", "--cap-add", "Cap_Net_Admin", "true") == CLI_RUN &&
         plan.caps_on == (UINT64_C(1) << 12),
     "names in any case, ALL in any case");
  ok(PARSE("--info-fd", "-1", "true") < 0, "fd -1 refused");
  ok(PARSE("--sync-fd", "0a", "true") < 0, "fd 0a refused");
  ok(PARSE("--unshare-all", "--share-net", "true") == CLI_RUN &&
         plan.ns_unshare == (NS_ALL & ~NS_NET & ~NS_MOUNT) && (plan.ns_try & NS_USER),
     "--unshare-all then --share-net; user and cgroup are -try");
  ok(PARSE("--seccomp-export", "default") == CLI_RUN, "--seccomp-export needs no command");
  ok(PARSE("--bind-fd", "0", "/usr", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         plan.ops[plan.n_ops - 1].src == NULL,
     "--bind-fd onto /usr: no source path, and the /usr links check copes (fuzz regression)");
}

static void test_args_fd(void)
{
  int fds[2];
  static const char data[] = "--dir\0/from-fd\0--setenv\0A\0B\0";
  ok(pipe(fds) == 0 && write(fds[1], data, sizeof data - 1) == (ssize_t)(sizeof data - 1),
     "pipe for --args");
  close(fds[1]);
  char fd[16];
  snprintf(fd, sizeof fd, "%d", fds[0]);
  ok(PARSE("--args", fd, "--dir", "/after", "true") == CLI_RUN && plan.n_ops == 2 &&
         strcmp(plan.ops[0].dest, "/from-fd") == 0 && strcmp(plan.ops[1].dest, "/after") == 0 &&
         plan.n_env == 1,
     "--args splices NUL-separated words in place");
}

/* A file of n bytes of --args: "--setenv A xxx...x", NUL-separated. */
static int args_file(size_t n)
{
  char path[] = "/tmp/test-cli-args-XXXXXX";
  static const char head[] = "--setenv\0A\0";
  char *data = malloc(n);
  int fd = mkstemp(path);

  memcpy(data, head, sizeof head - 1);
  memset(data + sizeof head - 1, 'x', n - sizeof head);
  data[n - 1] = '\0';
  if (fd < 0 || write(fd, data, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0)
    fd = -1;
  unlink(path);
  free(data);
  return fd;
}

static void test_args_limit(void)
{
  char fd[16];
  int f = args_file(1 << 20);

  snprintf(fd, sizeof fd, "%d", f);
  ok(f >= 0 && PARSE("--args", fd, "true") == CLI_RUN && plan.n_env == 1,
     "--args: exactly 1 MiB is read");
  close(f);
  f = args_file((1 << 20) + 1);
  snprintf(fd, sizeof fd, "%d", f);
  ok(f >= 0 && PARSE("--args", fd, "true") < 0 && strstr(err.msg, "too large"),
     "--args: one byte more is refused");
  close(f);
}

/* --rlimit NAME=SOFT[:HARD] into plan.rlimits[RLIMIT_*]. */
static bool limit_is(int res, bool soft_set, rlim_t soft, bool hard_set, rlim_t hard)
{
  const struct plan_rlimit *r = &plan.rlimits[res];
  return r->arg && r->soft_set == soft_set && r->hard_set == hard_set &&
         (!soft_set || r->lim.rlim_cur == soft) && (!hard_set || r->lim.rlim_max == hard);
}

static void test_rlimit_forms(void)
{
  ok(PARSE("--rlimit", "nofile=100:200", "true") == CLI_RUN &&
         limit_is(RLIMIT_NOFILE, true, 100, true, 200),
     "nofile=100:200: soft and hard");
  ok(PARSE("--rlimit=nproc=64", "true") == CLI_RUN && limit_is(RLIMIT_NPROC, true, 64, true, 64),
     "nproc=64: one value sets both");
  ok(PARSE("--rlimit", "core=unlimited", "true") == CLI_RUN &&
         limit_is(RLIMIT_CORE, true, RLIM_INFINITY, true, RLIM_INFINITY),
     "core=unlimited");
  ok(PARSE("--rlimit", "fsize=0:unlimited", "true") == CLI_RUN &&
         limit_is(RLIMIT_FSIZE, true, 0, true, RLIM_INFINITY),
     "fsize=0:unlimited");
  ok(PARSE("--rlimit", "stack=8192:", "true") == CLI_RUN &&
         limit_is(RLIMIT_STACK, true, 8192, false, 0),
     "stack=8192: sets the soft limit only");
  ok(PARSE("--rlimit", "as=:1048576", "true") == CLI_RUN &&
         limit_is(RLIMIT_AS, false, 0, true, 1048576),
     "as=:1048576 sets the hard limit only");
  ok(PARSE("--rlimit", "cpu=18446744073709551614", "true") == CLI_RUN &&
         limit_is(RLIMIT_CPU, true, UINT64_MAX - 1, true, UINT64_MAX - 1),
     "the largest number that is not 'unlimited'");
  ok(PARSE("--rlimit", "nofile=10:20", "--rlimit", "nofile=:30", "true") == CLI_RUN &&
         limit_is(RLIMIT_NOFILE, false, 0, true, 30),
     "the last --rlimit for a name replaces the earlier one whole");
  ok(PARSE("--rlimit", "nofile=10", "--rlimit", "nproc=20", "true") == CLI_RUN &&
         limit_is(RLIMIT_NOFILE, true, 10, true, 10) && limit_is(RLIMIT_NPROC, true, 20, true, 20),
     "different names add up");
  ok(PARSE("true") == CLI_RUN && !plan.rlimits[RLIMIT_NOFILE].arg, "none by default");

  static const struct { const char *name; int res; } names[] = {
    { "as", RLIMIT_AS },         { "core", RLIMIT_CORE },         { "cpu", RLIMIT_CPU },
    { "data", RLIMIT_DATA },     { "fsize", RLIMIT_FSIZE },       { "locks", RLIMIT_LOCKS },
    { "memlock", RLIMIT_MEMLOCK }, { "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
    { "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },       { "rss", RLIMIT_RSS },
    { "rtprio", RLIMIT_RTPRIO }, { "rttime", RLIMIT_RTTIME },
    { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
  };
  for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
    char arg[32];
    snprintf(arg, sizeof arg, "%s=7:9", names[i].name);
    ok(PARSE("--rlimit", arg, "true") == CLI_RUN && limit_is(names[i].res, true, 7, true, 9),
       "--rlimit %s", arg);
  }
}

static void test_rlimit_errors(void)
{
  static const struct { const char *arg, *part; } bad[] = {
    { "bogus=1", "'bogus'" },         { "NOFILE=1", "'NOFILE'" },
    { "nofile", "'nofile'" },         { "", "''" },
    { "=5", "'=5'" },                 { "nofile=", "'nofile='" },
    { "nofile=:", "'nofile=:'" },     { "nofile=abc", "'abc'" },
    { "nofile=-1", "'-1'" },          { "nofile=+1", "'+1'" },
    { "nofile= 1", "' 1'" },          { "nofile=1x", "'1x'" },
    { "nofile=0x10", "'0x10'" },      { "nofile=1:2:3", "'2:3'" },
    { "nofile=10:5", "'nofile=10:5'" }, { "nofile=unlimited:5", "'nofile=unlimited:5'" },
    { "nofile=18446744073709551615", "'18446744073709551615'" },
    { "nofile=18446744073709551616", "'18446744073709551616'" },
    { "nofile=99999999999999999999999999999999999999", "invalid value" },
    { "nofile=infinity", "'infinity'" },
  };
  for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
    ok(PARSE("--rlimit", (char *)bad[i].arg, "true") < 0 && strncmp(err.msg, "--rlimit: ", 10) == 0 &&
           strstr(err.msg, bad[i].part) && !strchr(err.msg, '\n'),
       "--rlimit '%s' refused, naming %s: %s", bad[i].arg, bad[i].part, err.msg);
  }
  ok(PARSE("--rlimit") < 0, "--rlimit without a value");
  is_str(err.msg, "--rlimit: missing argument", "message names the option");

  char *v[] = { "bwrap", "--rlimit", "nofile=1", "true", NULL };
  plan_init(&plan, PERS_BWRAP);
  ok(cli_parse(ARGC(v), v, &plan, &err) < 0, "bwrap personality: no --rlimit");
  is_str(err.msg, "Unknown option --rlimit (see --help)", "as bubblewrap, an unknown option");
  char *w[] = { "bwrap", "--rlimit", NULL };
  plan_init(&plan, PERS_BWRAP);
  ok(cli_parse(ARGC(w), w, &plan, &err) < 0 &&
         strcmp(err.msg, "Unknown option --rlimit (see --help)") == 0,
     "...not even a missing argument: %s", err.msg);
}

/* The one-sided forms take the other half from the caller's limits, and a
 * hard limit is never raised. */
static void test_rlimit_resolve(void)
{
  struct rlimit cur;
  char arg[64];

  getrlimit(RLIMIT_NOFILE, &cur);
  ok(PARSE("--rlimit", "nofile=1:", "true") == CLI_RUN && rlimit_resolve(&plan, &err) == 0 &&
         plan.rlimits[RLIMIT_NOFILE].lim.rlim_cur == 1 &&
         plan.rlimits[RLIMIT_NOFILE].lim.rlim_max == cur.rlim_max,
     "nofile=1: keeps the caller's hard limit");
  snprintf(arg, sizeof arg, "nofile=:%ju", (uintmax_t)cur.rlim_cur);
  ok(PARSE("--rlimit", arg, "true") == CLI_RUN && rlimit_resolve(&plan, &err) == 0 &&
         plan.rlimits[RLIMIT_NOFILE].lim.rlim_cur == cur.rlim_cur &&
         plan.rlimits[RLIMIT_NOFILE].lim.rlim_max == cur.rlim_cur,
     "%s keeps the caller's soft limit", arg);
  if (cur.rlim_cur == 0) {
    skip("the soft fd limit is 0: no lower hard limit to test");
  } else {
    snprintf(arg, sizeof arg, "nofile=:%ju", (uintmax_t)cur.rlim_cur - 1);
    ok(PARSE("--rlimit", arg, "true") == CLI_RUN && rlimit_resolve(&plan, &err) < 0 &&
           strstr(err.msg, "--rlimit: the caller's soft limit") && strstr(err.msg, arg),
       "%s below the caller's soft limit refused: %s", arg, err.msg);
  }
  if (cur.rlim_max == RLIM_INFINITY) {
    skip("the hard fd limit is unlimited: nothing above it");
  } else {
    snprintf(arg, sizeof arg, "nofile=1:%ju", (uintmax_t)cur.rlim_max + 1);
    ok(PARSE("--rlimit", arg, "true") == CLI_RUN && rlimit_resolve(&plan, &err) < 0 &&
           strstr(err.msg, "hard limit") && strstr(err.msg, arg),
       "%s above the caller's hard limit refused: %s", arg, err.msg);
    ok(PARSE("--rlimit", "nofile=unlimited:", "true") == CLI_RUN &&
           rlimit_resolve(&plan, &err) < 0 && strstr(err.msg, "soft limit"),
       "a soft limit above the caller's hard one refused: %s", err.msg);
  }
}

/* --net, --publish, --ip, --netns into plan.net; the combinations once
 * plan_finish knows the namespaces. */
static void test_net_modes(void)
{
  ok(PARSE("true") == CLI_RUN && plan_finish(&plan, &err) == 0 && plan.net.mode == NET_NONE &&
         (plan.ns & NS_NET) && !find_op(OP_FILE, "/etc/resolv.conf"),
     "no --net: a namespace of its own, no resolv.conf");
  ok(PARSE("--net", "host", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         !(plan.ns & NS_NET),
     "--net host shares the namespace");
  ok(PARSE("--net", "pasta", "--share-net", "true") == CLI_RUN && plan.net.mode == NET_HOST,
     "--share-net after --net pasta: host, the last wins");
  ok(PARSE("--share-net", "--net=none", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         (plan.ns & NS_NET),
     "--net=none after --share-net: a namespace of its own");
  ok(PARSE("--net", "pasta:-a,10.0.0.2,--mtu=1500", "true") == CLI_RUN &&
         plan.net.mode == NET_PASTA && plan.net.n_helper_args == 3 &&
         strcmp(plan.net.helper_args[1], "10.0.0.2") == 0 &&
         strcmp(plan.net.helper_args[2], "--mtu=1500") == 0,
     "pasta:ARGS split at commas");
  ok(PARSE("--net", "slirp4netns", "--net", "slirp4netns:--enable-ipv6", "true") == CLI_RUN &&
         plan.net.mode == NET_SLIRP && plan.net.n_helper_args == 1,
     "the last --net replaces the arguments too");
  ok(PARSE("--net", "slirp4netns", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         find_op(OP_FILE, "/etc/resolv.conf") && strcmp(find_op(OP_FILE, "/etc/resolv.conf")->src,
                                                 "nameserver 10.0.2.3\n") == 0,
     "slirp4netns: the implicit resolv.conf names its forwarder");
  ok(PARSE("--net", "pasta", "--ro-bind", "/x", "/etc", "true") == CLI_RUN &&
         plan_finish(&plan, &err) == 0 && find_op(OP_BIND, "/etc") && !find_op(OP_FILE, "/etc/resolv.conf"),
     "an op on /etc: no implicit resolv.conf");
  ok(PARSE("--net", "pasta", "--bare", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         !find_op(OP_FILE, "/etc/resolv.conf"),
     "--bare: no implicit resolv.conf");
  ok(PARSE("--net", "bridge=br0", "--ip", "10.1.2.3/16", "true") == CLI_RUN &&
         plan_finish(&plan, &err) == 0 && strcmp(plan.net.bridge, "br0") == 0 &&
         plan.net.ip.addr == 0x0a010203 && plan.net.ip.prefix == 16,
     "bridge=NAME with --ip");
  ok(PARSE("--netns", "7", "true") == CLI_RUN && plan_finish(&plan, &err) == 0 &&
         plan.net.mode == NET_JOIN && plan.net.netns_fd == 7 && !(plan.ns & NS_NET),
     "--netns FD joins instead of creating");
  ok(PARSE("--netns", "/run/netns/x", "true") == CLI_RUN && plan.net.netns_fd == -1 &&
         strcmp(plan.net.netns_arg, "/run/netns/x") == 0,
     "--netns PATH");
}

static const struct net_publish *last_publish(void)
{
  return plan.net.n_publish ? &plan.net.publish[plan.net.n_publish - 1] : NULL;
}

static void test_publish(void)
{
  ok(PARSE("-p", "8080:80", "true") == CLI_RUN && last_publish() &&
         strcmp(last_publish()->host_ip, "127.0.0.1") == 0 && last_publish()->host_port == 8080 &&
         last_publish()->sandbox_port == 80 && !last_publish()->udp,
     "HOSTPORT:SANDBOXPORT on 127.0.0.1, tcp");
  ok(PARSE("--publish=0.0.0.0:53:5353/udp", "true") == CLI_RUN &&
         strcmp(last_publish()->host_ip, "0.0.0.0") == 0 && last_publish()->udp &&
         last_publish()->sandbox_port == 5353,
     "HOSTIP:HOSTPORT:SANDBOXPORT/udp");
  ok(PARSE("-p", "[::1]:8080:80/tcp", "true") == CLI_RUN &&
         last_publish()->family == AF_INET6 && strcmp(last_publish()->host_ip, "::1") == 0,
     "an IPv6 HOSTIP in brackets");
  ok(PARSE("-p", "1:2", "-p", "3:4/udp", "-p", "1:5/udp", "true") == CLI_RUN &&
         plan.net.n_publish == 3,
     "repeated; the same port for tcp and udp");
  static const char *const bad[] = {
    "80", ":80", "80:", "0:80", "80:0", "65536:80", "a:b", "1.2.3:80:80",
    "127.0.0.1:80:80/sctp", "[::1:80:80", "::1:80:80", "localhost:80:80", "8080:80/", "-1:80",
    "+80:80", "080 :80",
  };
  for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
    ok(PARSE("-p", (char *)bad[i], "true") < 0 && strncmp(err.msg, "--publish '", 11) == 0,
       "--publish '%s' refused: %s", bad[i], err.msg);
  ok(PARSE("-p", "8080:80", "-p", "127.0.0.1:8080:81", "true") < 0 &&
         strstr(err.msg, "already published"),
     "the same host port twice: %s", err.msg);
}

static void test_net_errors(void)
{
  static const struct { const char *args[4]; const char *part; } bad[] = {
    { { "--net", "bogus" }, "unknown mode 'bogus'" },
    { { "--net", "pasta:" }, "empty helper argument" },
    { { "--net", "pasta:a,,b" }, "empty helper argument" },
    { { "--net", "pastax" }, "unknown mode" },
    { { "--net", "bridge=" }, "invalid bridge name" },
    { { "--net", "bridge=0123456789abcdef" }, "invalid bridge name" },
    { { "--net", "bridge=a b" }, "invalid bridge name" },
    { { "--ip", "10.0.0.1" }, "--ip '10.0.0.1'" },
    { { "--ip", "10.0.0.1/31" }, "PREFIX 8 to 30" },
    { { "--ip", "10.0.0.0/24" }, "network or broadcast" },
    { { "--ip", "10.0.0.255/24" }, "network or broadcast" },
    { { "--ip", "300.0.0.1/24" }, "--ip '300.0.0.1/24'" },
    { { "--netns", "" }, "--netns: empty value" },
    { { "--netns", "99999999999" }, "--netns: invalid fd" },
  };
  for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
    ok(PARSE((char *)bad[i].args[0], (char *)bad[i].args[1], "true") < 0 &&
           strstr(err.msg, bad[i].part) && !strchr(err.msg, '\n'),
       "%s '%s' refused: %s", bad[i].args[0], bad[i].args[1], err.msg);

  static const struct { const char *args[6]; const char *part; } combos[] = {
    { { "-p", "80:80" }, "needs --net pasta or --net slirp4netns" },
    { { "--net", "host", "-p", "80:80" }, "needs --net pasta" },
    { { "--net-host-loopback" }, "--net-host-loopback needs" },
    { { "--net", "pasta", "--ip", "10.0.0.2/24" }, "--ip needs --net bridge" },
    { { "--net", "slirp4netns", "-p", "[::1]:1:2" }, "IPv4 host addresses only" },
    { { "--net", "slirp4netns", "-p", "1:2/udp" }, "unless --net-host-loopback" },
    { { "--net", "pasta", "--netns", "3" }, "cannot be combined with --net pasta" },
    { { "--share-net", "--netns", "3" }, "cannot be combined with --net host" },
  };
  for (size_t i = 0; i < ARRAY_SIZE(combos); i++) {
    char *v[8] = { "sandbox" };
    int n = 1;
    for (; n <= 6 && combos[i].args[n - 1]; n++)
      v[n] = (char *)combos[i].args[n - 1];
    v[n++] = "true";
    ok(parse(n, keep_argv(v, &n)) == CLI_RUN && plan_finish(&plan, &err) < 0 &&
           strstr(err.msg, combos[i].part),
       "%s ... refused by plan_finish: %s", combos[i].args[0], err.msg);
  }
  ok(PARSE("--net", "slirp4netns", "--net-host-loopback", "-p", "1:2/udp", "true") == CLI_RUN &&
         plan_finish(&plan, &err) == 0,
     "slirp4netns UDP on the loopback with --net-host-loopback");

  char *v[] = { "bwrap", "--net", "pasta", "true", NULL };
  plan_init(&plan, PERS_BWRAP);
  ok(cli_parse(ARGC(v), v, &plan, &err) < 0 &&
         strcmp(err.msg, "Unknown option --net (see --help)") == 0,
     "bwrap personality: no --net: %s", err.msg);
}

int main(void)
{
  test_modifiers();
  test_overlay();
  test_bwrap_options();
  test_args_fd();
  test_args_limit();
  test_numbers();
  test_binds();
  test_words();
  test_ids();
  test_args_file();
  test_limit();
  test_defaults();
  test_alternatives();
  test_rlimit_forms();
  test_rlimit_errors();
  test_rlimit_resolve();
  test_net_modes();
  test_publish();
  test_net_errors();
  return tap_done();
}
