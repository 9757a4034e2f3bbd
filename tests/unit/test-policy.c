/* Unit tests of the seccomp policy parser and compiler: small policies
 * written to temporary files, compiled, and where the meaning matters,
 * installed in a child process that then makes the call.  Runs as any
 * user: a filter needs only no_new_privs. */
#include <stdbool.h>

#include "tap.h"

#include "error.h"
#include "policy.h"
#include "profiles.h"
#include "seccomp.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/test-policy.XXXXXX";
static struct sbx_error err;

/* Writes dir/name and returns its path (static buffer). */
static const char *put(const char *name, const char *text)
{
  static char path[4][256];
  static int slot;
  char *p = path[slot++ % 4];
  FILE *f;

  snprintf(p, sizeof path[0], "%s/%s", dir, name);
  f = fopen(p, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0)
    abort();
  return p;
}

static int compile(const char *text, struct sbx_bpf *out)
{
  memset(&err, 0, sizeof err);
  return seccomp_profile_get(put("p.policy", text), out, &err);
}

static bool compiles(const char *text)
{
  struct sbx_bpf b;
  int r = compile(text, &b);
  if (r < 0)
    printf("#   %s\n", err.msg);
  sbx_bpf_free(&b);
  return r == 0;
}

/* The policy p.policy fails with a message that starts
 * "p.policy:WHERE: WHAT".  With where NULL, only that it fails. */
static void fails(const char *text, const char *where, const char *what)
{
  struct sbx_bpf b;
  char want[512];
  bool r;

  snprintf(want, sizeof want, "%s/p.policy:%s: %s", dir, where ? where : "", what);
  r = compile(text, &b) < 0 && (!where || strncmp(err.msg, want, strlen(want)) == 0);
  ok(r, "error%s%s: %s", where ? " at " : "", where ? where : "", what);
  if (!r)
    printf("#   got '%s'\n", err.msg);
}

static bool has(const char *msg, const char *part)
{
  bool r = strstr(msg, part) != NULL;
  if (!r)
    printf("#   '%s' lacks '%s'\n", msg, part);
  return r;
}

/* ---- running a call under a filter ------------------------------------------ */

#define KILLED(sig) (1000 + (sig))

/* Installs f in a child, makes the call, returns its errno (0: success)
 * or KILLED(signal). */
static int run_under(const struct sbx_bpf *f, long nr, long a0, long a1, long a2)
{
  int status;
  pid_t pid = fork();

  if (pid == 0) {
    struct sbx_error e;
    long r;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_install(f, &e) < 0)
      _exit(255);
    r = syscall(nr, a0, a1, a2);
    /* Straight to the kernel: a sanitizer's _exit would make calls of
     * its own, which a strict filter refuses. */
    syscall(SYS_exit_group, r < 0 ? errno : 0);
  }
  if (pid < 0 || waitpid(pid, &status, 0) < 0)
    return -1;
  return WIFSIGNALED(status) ? KILLED(WTERMSIG(status)) : WEXITSTATUS(status);
}

/* The errno of close(fd) under the policy text; fds 1000-1001 are never
 * open, so without a filter the answer is EBADF. */
static int close_under(const char *text, long fd)
{
  struct sbx_bpf b;
  int r;

  if (compile(text, &b) < 0) {
    printf("#   %s\n", err.msg);
    return -1;
  }
  r = run_under(&b, SYS_close, fd, 0, 0);
  sbx_bpf_free(&b);
  return r;
}

static void test_operators(void)
{
  static const struct {
    const char *cond;
    long hit, miss;
  } t[] = {
    { "arg0 == 1000", 1000, 1001 },
    { "arg0 != 1000", 1001, 1000 },
    { "arg0 < 1000", 999, 1000 },
    { "arg0 <= 1000", 1000, 1001 },
    { "arg0 > 1000", 1001, 1000 },
    { "arg0 >= 1000", 1000, 999 },
    { "arg0 & 0xff == 0xe8", 1000, 1001 },
    { "arg0&0xff==0xe8", 1000, 1001 },
    /* The kernel reads close's fd as 32 bits; a masked compare sees the
     * call the kernel will make, a plain one the whole register. */
    { "arg0 & 0xffffffff == 1000", (long)0xdeadbeef000003e8, 1001 },
    { "arg0 == 1000", 1000, (long)0xdeadbeef000003e8 },
    { "arg0 == 01750", 1000, 1001 },
    { "arg0 == CLONE_NEWUSER|CLONE_NEWNS", 0x10020000, 0x10000000 },
  };
  char text[256];

  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    snprintf(text, sizeof text, "default allow\nclose: errno EXDEV if %s\n", t[i].cond);
    ok(close_under(text, t[i].hit) == EXDEV, "%s: matches 0x%lx", t[i].cond, t[i].hit);
    ok(close_under(text, t[i].miss) == EBADF, "%s: lets 0x%lx through", t[i].cond, t[i].miss);
  }
}

static void test_conjunction_and_actions(void)
{
  const char *two = "default allow\ndup3: errno EXDEV if arg0 == 1000 and arg1 == 1001\n";
  struct sbx_bpf b;

  ok(compile(two, &b) == 0, "two conditions compile");
  ok(run_under(&b, SYS_dup3, 1000, 1001, 0) == EXDEV, "both conditions true: blocked");
  ok(run_under(&b, SYS_dup3, 1000, 1002, 0) == EBADF, "one condition false: allowed");
  sbx_bpf_free(&b);

  ok(close_under("default allow\nclose: kill-process\n", 1000) == KILLED(SIGSYS),
     "kill-process kills with SIGSYS");
  ok(close_under("default allow\nclose: trap\n", 1000) == KILLED(SIGSYS), "trap raises SIGSYS");
  ok(close_under("default allow\nclose: log\n", 1000) == EBADF, "log lets the call through");
  ok(close_under("default allow\nclose: errno 18\n", 1000) == EXDEV, "numeric errno");
  ok(close_under("default errno EXDEV\nexit exit_group: allow\n", 1000) == EXDEV,
     "a default other than allow applies to unlisted calls");
}

static void test_syntax(void)
{
  ok(compiles("# comment\n\n   \t\ndefault allow   # trailing comment\n"
              "\n  keyctl   add_key:errno   EPERM#no space before it\r\n"
              "ioctl: errno EPERM if arg1 & 0xffffffff == TIOCSTI\n"),
     "comments, blank lines, CRLF and spacing");
  ok(compiles("default allow\nclose: errno EPERM"), "no newline at the end");
  ok(compiles("default allow\nsocket: errno EAFNOSUPPORT if arg0 == AF_VSOCK\n"
              "personality: errno EPERM if arg0 == READ_IMPLIES_EXEC|PER_LINUX32\n"),
     "AF_* and personality constants");
  ok(compiles("default allow\nvm86 stime: errno EPERM\n"),
     "calls that exist only on a compat ABI");

  fails("default allow\n\nkeyctll: errno EPERM\n", "3:1", "unknown system call 'keyctll'");
  fails("default allow\nkeyctl  add_keyy: errno EPERM\n", "2:9", "unknown system call 'add_keyy'");
  fails("default allow\nclose errno EPERM\n", "2:7", "expected ':' between");
  fails("default allow\nioctl: errno EPERM if arg1 == TIOCSTX\n", "2:31", "unknown constant 'TIOCSTX'");
  fails("default allow\nioctl: errno EPERM if arg1 == TIOCSTI|NOPE\n", "2:39", "unknown constant 'NOPE'");
  fails("default allow\nclose: errno EPERM if arg0 = 1\n", "2:28", "bad operator '='");
  fails("default allow\nclose: errno EPERM if arg0 => 1\n", "2:28", "bad operator '=>'");
  fails("default allow\nclose: errno EPERM if arg0 <> 1\n", "2:28", "bad operator '<>'");
  fails("default allow\nclose: errno EPERM if arg0 ~ 1\n", "2:28", "expected a comparison");
  fails("default allow\nclose: errno EPERM if arg0 & 0xff != 1\n", "2:35", "a masked comparison takes ==");
  fails("default allow\nclose: errno EPERM if arg0 & 0xf == 0x10\n", "2:37", "value 0x10 has bits outside");
  fails("default allow\nclose: errno EPERM if arg6 == 1\n", "2:23", "expected arg0 ... arg5");
  fails("default allow\nclose: errno EPERM if arg0 == 1 and arg0 == 2\n", "2:37", "arg0 is compared twice");
  fails("default allow\nclose: errno EPERM if\n", "2:22", "expected arg0 ... arg5");
  fails("default allow\nclose: errno EPERM if arg0 == 1 or arg1 == 2\n", "2:33", "expected 'and'");
  fails("default allow\nclose: errno EPERM if arg0 == 0x1ffffffffffffffff\n", "2:31", "number '0x1ffffffffffffffff' out of range");
  fails("default allow\nclose: errno EPERM if arg0 == 12ab\n", "2:31", "bad number '12ab'");
  fails("default allow\nclose: deny\n", "2:8", "unknown action 'deny'");
  fails("default allow\nclose:\n", "2:7", "expected an action");
  fails("default allow\nclose: errno EPERMS\n", "2:14", "unknown errno name 'EPERMS'");
  fails("default allow\nclose: errno 0\n", "2:14", "errno 0 out of range");
  fails("default allow\nclose: errno 4096\n", "2:14", "errno 4096 out of range");
  fails("default allow\n: errno EPERM\n", "2:1", "expected a system call name before ':'");
  fails("default allow\nclose, dup: errno EPERM\n", "2:6", "expected a system call name or ':', found ','");
  fails("default allow extra\n", "1:15", "unexpected 'extra'");
  fails("default allow\ndefault errno EPERM\n", "2:1", "default action already set at line 1");
  fails("@import default\n", "1:1", "unknown directive '@import'");
  fails("default allow\nclose: errno EPERM\nclose: errno EXDEV if arg0 == 1\n", "3:1",
        "close already has a rule at line 2");
  fails("default allow\nclose: errno EPERM\nclose: errno EPERM\n", "3:1",
        "close already has a rule at line 2");
  fails("default allow\nclose: errno EPERM \x01\n", "2:20", "expected 'if' or the end of the line, found byte 0x01");
  {
    struct sbx_bpf b;
    memset(&err, 0, sizeof err);
    ok(seccomp_profile_get(dir, &b, &err) < 0 && has(err.msg, "Is a directory"),
       "a directory is not a policy");
  }
}

static void test_nul_byte(void)
{
  struct sbx_bpf b;
  const char text[] = "default allow\nclose\0: errno EPERM\n";
  char path[256];
  int fd;

  snprintf(path, sizeof path, "%s/nul.policy", dir);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ok(fd >= 0 && write(fd, text, sizeof text - 1) == (ssize_t)sizeof text - 1, "write a NUL byte");
  close(fd);
  memset(&err, 0, sizeof err);
  ok(seccomp_profile_get(path, &b, &err) < 0 && has(err.msg, "nul.policy:2:6: ") &&
         has(err.msg, "byte 0x00"),
     "a NUL byte is refused where it is");
}

static void test_default_action(void)
{
  struct sbx_bpf b;

  fails("close: errno EPERM\n", NULL, "no default action");
  ok(has(err.msg, "no default action"), "a policy without a default action is refused");
  ok(compile("default allow\n", &b) == 0 && b.len == 0, "allow-everything compiles to no filter");
  ok(compile("default allow\nclose: allow\n", &b) == 0 && b.len == 0,
     "allow rules under default allow add nothing");
  ok(compile("default allow\nclose: log\n", &b) == 0 && b.len > 0 && b.len % 8 == 0,
     "a log rule makes a filter");
  sbx_bpf_free(&b);
}

/* ---- includes ------------------------------------------------------------------- */

static void test_includes(void)
{
  struct sbx_bpf b;
  char sub[256];

  snprintf(sub, sizeof sub, "%s/sub", dir);
  mkdir(sub, 0755);
  put("base.policy", "default allow\nclose: errno EPERM\n");
  put("sub/inc.policy", "@include ../base.policy\n");
  ok(close_under("@include sub/inc.policy\n", 1000) == EPERM,
     "includes resolve against the including file's directory");
  ok(close_under("@include base.policy\nclose: errno EXDEV if arg0 == 1000\n", 1000) == EXDEV,
     "a later file's rule replaces the included one (hit)");
  ok(close_under("@include base.policy\nclose: errno EXDEV if arg0 == 1000\n", 1001) == EBADF,
     "a later file's rule replaces the included one (the old rule is gone)");
  ok(close_under("@include base.policy\nclose: allow\n", 1000) == EBADF,
     "an allow rule takes a call back");

  put("a.policy", "default allow\n@include b.policy\n");
  put("b.policy", "# b\n@include a.policy\n");
  fails("@include a.policy\n", NULL, "include loop");
  ok(has(err.msg, "b.policy:2:10: include loop: ") && has(err.msg, "a.policy -> ") &&
         has(err.msg, "b.policy -> "),
     "an include loop is refused where it closes, with the chain");
  fails("default allow\n@include p.policy\n", "2:10", "include loop");
  fails("@include missing.policy\n", "1:10", "@include: ");
  ok(has(err.msg, "missing.policy: No such file or directory"), "a missing include names the file");
  fails("@include defualt\n", "1:10", "unknown built-in policy 'defualt'");
  fails("@include\n", "1:9", "expected a policy name or file");
  fails("@include default extra\n", "1:18", "unexpected 'extra'");

  ok(compile("@include default\n", &b) == 0 && b.len > 0, "built-in default included by name");
  sbx_bpf_free(&b);
  ok(close_under("@include default\nclose: errno EXDEV\n", 1000) == EXDEV,
     "a rule added on top of default");
  put("bad.policy", "default allow\nnosuchcall: allow\n");
  fails("@include bad.policy\n", NULL, "unknown system call in an included file");
  ok(has(err.msg, "/bad.policy:2:1: unknown system call 'nosuchcall'"),
     "an error in an included file names that file");
}

static void test_size_limit(void)
{
  struct sbx_bpf b;
  size_t n = POLICY_MAX_BYTES;
  char *big = xmalloc(n + 2);

  /* Exactly 1 MiB: comment lines, then the default action. */
  memset(big, '#', n);
  for (size_t i = 79; i < n; i += 80)
    big[i] = '\n';
  memcpy(big + n - 15, "\ndefault allow\n", 15);
  big[n] = '\0';
  ok(compile(big, &b) == 0, "a policy of exactly 1 MiB is read");
  big[n] = '\n';
  big[n + 1] = '\0';
  ok(compile(big, &b) < 0 && has(err.msg, "p.policy: larger than 1 MiB"),
     "a policy of 1 MiB + 1 byte is refused");
  put("p2.policy", big);
  fails("@include p2.policy\n", "1:10", "@include: ");
  ok(has(err.msg, "larger than 1 MiB"), "an included file over 1 MiB is refused");
  free(big);
}

/* ---- built-in profiles ------------------------------------------------------------ */

static void test_builtins(void)
{
  struct policy_builtin lib_entries[16];
  struct policy_lib lib = { lib_entries, sbx_n_builtin_profiles };
  struct sbx_bpf b;

  ok(sbx_n_builtin_profiles >= 3 && sbx_n_builtin_profiles <= 16, "built-in profiles listed");
  for (size_t i = 0; i < sbx_n_builtin_profiles; i++)
    lib_entries[i] = (struct policy_builtin){ sbx_builtin_profiles[i].name,
                                              sbx_builtin_profiles[i].name,
                                              sbx_builtin_profiles[i].source };
  for (size_t i = 0; i < sbx_n_builtin_profiles; i++) {
    const struct sbx_builtin_profile *p = &sbx_builtin_profiles[i];
    int r = policy_compile_text(p->name, p->source, strlen(p->source), &lib, &b, &err);
    ok(r == 0 && b.len == p->len && (b.len == 0 || memcmp(b.data, p->bpf, b.len) == 0),
       "built-in %s compiles to exactly its embedded BPF (%zu bytes)", p->name, p->len);
    ok(p->len % 8 == 0, "built-in %s is whole instructions", p->name);
    sbx_bpf_free(&b);
  }
  ok(seccomp_profile_get("default", &b, &err) == 0 && b.len > 0 && b.len % 8 == 0,
     "default: %zu bytes", b.len);
  sbx_bpf_free(&b);
  ok(seccomp_profile_get("devel", &b, &err) == 0 && b.len > 0 && b.len % 8 == 0,
     "devel: %zu bytes", b.len);
  sbx_bpf_free(&b);
  ok(seccomp_profile_get("none", &b, &err) == 0 && b.len == 0 && !b.data, "none: no filter");
  ok(seccomp_profile_get("defualt", &b, &err) < 0 && has(err.msg, "defualt") &&
         has(err.msg, "default, devel, none"),
     "an unknown name lists the built-in profiles");
}

static void test_export_and_install(void)
{
  int fd = memfd_create("export", 0);
  struct sbx_bpf b;
  struct stat st;

  ok(seccomp_export("default", fd, &err) == 0 && fstat(fd, &st) == 0 && st.st_size > 0 &&
         st.st_size % 8 == 0,
     "export default: %lld bytes, whole instructions", (long long)st.st_size);
  ok(seccomp_export("none", fd, &err) < 0 && has(err.msg, "nothing to export"),
     "export none is refused");
  ok(seccomp_export(put("x.policy", "default allow\nclose: trap\n"), fd, &err) == 0,
     "export a policy file");
  close(fd);

  seccomp_profile_get("default", &b, &err);
  {
    pid_t pid = fork();
    int status;
    if (pid == 0) {
      /* Without no_new_privs: refused by us, whatever the caller's
       * privileges would let the kernel do. */
      struct sbx_error e;
      _exit(seccomp_install(&b, &e) < 0 && strstr(e.msg, "no_new_privs") ? 0 : 1);
    }
    ok(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0,
       "install without no_new_privs is refused");
  }
  ok(run_under(&b, SYS_keyctl, 0x7fffffff, 0, 0) == EPERM, "default installed: keyctl EPERM");
  ok(run_under(&b, SYS_read, -1, 0, 0) == EBADF, "default installed: read(-1) EBADF");
  sbx_bpf_free(&b);
  b.len = 12;
  ok(seccomp_install(&b, &err) < 0, "a filter of 12 bytes is refused");
}

/* ---- the default profile on every ABI -------------------------------------------- */

/* Runs a classic BPF program on one call, as the kernel would: what it
 * returns, or 0 (SECCOMP_RET_KILL_THREAD) for an instruction that
 * libseccomp does not emit. */
static uint32_t bpf_run(const struct sbx_bpf *f, const struct seccomp_data *d)
{
  const struct sock_filter *insn = (const void *)f->data;
  size_t n = f->len / sizeof *insn;
  uint32_t a = 0;

  for (size_t pc = 0; pc < n; pc++) {
    const struct sock_filter *i = &insn[pc];
    bool jump;
    switch (i->code) {
    case BPF_LD | BPF_W | BPF_ABS:
      if (i->k > sizeof *d - 4)
        return 0;
      memcpy(&a, (const char *)d + i->k, 4);
      continue;
    case BPF_ALU | BPF_AND | BPF_K: a &= i->k; continue;
    case BPF_JMP | BPF_JA: pc += i->k; continue;
    case BPF_RET | BPF_K: return i->k;
    case BPF_JMP | BPF_JEQ | BPF_K: jump = a == i->k; break;
    case BPF_JMP | BPF_JGT | BPF_K: jump = a > i->k; break;
    case BPF_JMP | BPF_JGE | BPF_K: jump = a >= i->k; break;
    case BPF_JMP | BPF_JSET | BPF_K: jump = (a & i->k) != 0; break;
    default: return 0;
    }
    pc += jump ? i->jt : i->jf;
  }
  return 0;
}

#if defined(__x86_64__) && !defined(__ILP32__)
/* The x86_64, i386 and x32 entries: how the kernel labels a call made
 * through each (x32 numbers carry __X32_SYSCALL_BIT, which libseccomp's
 * numbers include). */
static const struct {
  const char *name;
  uint32_t scmp, audit;
  size_t n_refused; /* how many of check_refused's calls it has */
} abis[] = {
  { "x86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, 25 },
  { "i386", SCMP_ARCH_X86, AUDIT_ARCH_I386, 29 },
  { "x32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64, 23 },
};

/* The default profile's answer to name(a0, a1) through abi: the errno it
 * returns, 0 for allow, -1 for anything else or a call the ABI lacks. */
static int default_answer(const struct sbx_bpf *f, size_t abi, const char *name,
                          uint64_t a0, uint64_t a1)
{
  struct seccomp_data d = { .arch = abis[abi].audit, .args = { a0, a1 } };
  uint32_t r;

  d.nr = seccomp_syscall_resolve_name_arch(abis[abi].scmp, name);
  if (d.nr < 0)
    return -1;
  r = bpf_run(f, &d);
  if (r == SECCOMP_RET_ALLOW)
    return 0;
  return (r & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO ? (int)(r & SECCOMP_RET_DATA) : -1;
}

/* Every call refused without conditions: EPERM wherever the ABI has it. */
static void check_refused(const struct sbx_bpf *f, size_t abi)
{
  static const char *const names[] = {
    "mount", "umount", "umount2", "pivot_root", "chroot", "setns", "sethostname",
    "setdomainname", "quotactl", "quotactl_fd", "acct", "swapon", "swapoff", "reboot",
    "settimeofday", "clock_settime", "clock_settime64", "stime", "adjtimex",
    "clock_adjtime", "clock_adjtime64", "vhangup", "open_by_handle_at", "iopl", "ioperm",
    "lookup_dcookie", "nfsservctl", "create_module", "fanotify_init",
  };
  size_t seen = 0, wrong = 0;

  for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
    int r;
    if (seccomp_syscall_resolve_name_arch(abis[abi].scmp, names[i]) < 0)
      continue;
    r = default_answer(f, abi, names[i], 0, 0);
    seen++;
    if (r != EPERM) {
      printf("#   %s %s: %d, want EPERM\n", abis[abi].name, names[i], r);
      wrong++;
    }
  }
  ok(wrong == 0 && seen == abis[abi].n_refused, "default, %s: %zu calls refused with EPERM",
     abis[abi].name, seen);
}

/* personality: only 0 and the query 0xffffffff pass; every other 32-bit
 * value tried (each bit alone, each bit cleared, the domains) is refused,
 * whatever the upper half of a 64-bit register holds. */
static void check_personality(const struct sbx_bpf *f, size_t abi)
{
  uint64_t hi = abi == 1 ? 0 : UINT64_C(0xdeadbeef) << 32;
  size_t wrong = 0;

  for (int b = 0; b < 32; b++) {
    uint32_t v = UINT32_C(1) << b;
    wrong += default_answer(f, abi, "personality", v, 0) != EPERM;
    wrong += default_answer(f, abi, "personality", ~v, 0) != EPERM;
    wrong += default_answer(f, abi, "personality", hi | v, 0) != EPERM;
  }
  wrong += default_answer(f, abi, "personality", 0x0008, 0) != EPERM;
  wrong += default_answer(f, abi, "personality", 0x20000, 0) != EPERM;
  wrong += default_answer(f, abi, "personality", 0, 0) != 0;
  wrong += default_answer(f, abi, "personality", 0xffffffff, 0) != 0;
  wrong += default_answer(f, abi, "personality", hi, 0) != 0;
  ok(wrong == 0, "default, %s: personality only PER_LINUX and the query (%zu wrong)",
     abis[abi].name, wrong);
}

/* The terminal ioctls (low 32 bits compared) and the namespace flags. */
static void check_conditional(const struct sbx_bpf *f, size_t abi)
{
  static const unsigned long reqs[] = { TIOCSTI, TIOCLINUX, TIOCSETD, TIOCCONS, TIOCSLCKTRMIOS };
  static const unsigned long flags[] = { CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET,
                                         CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWCGROUP };
  uint64_t hi = abi == 1 ? 0 : UINT64_C(0xdeadbeef) << 32;
  size_t wrong = 0;

  for (size_t i = 0; i < ARRAY_SIZE(reqs); i++)
    wrong += default_answer(f, abi, "ioctl", 0, hi | reqs[i]) != EPERM;
  for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
    wrong += default_answer(f, abi, "unshare", flags[i] | CLONE_FILES, 0) != EPERM;
    wrong += default_answer(f, abi, "clone", flags[i] | SIGCHLD, 0) != EPERM;
  }
  wrong += default_answer(f, abi, "unshare", 0x80 /* CLONE_NEWTIME */, 0) != EPERM;
  wrong += default_answer(f, abi, "ioctl", 0, TIOCGWINSZ) != 0;
  wrong += default_answer(f, abi, "clone", CLONE_VM | CLONE_VFORK | SIGCHLD, 0) != 0;
  wrong += default_answer(f, abi, "getpid", 0, 0) != 0;
  ok(wrong == 0, "default, %s: terminal ioctls and namespace flags refused, the rest allowed "
     "(%zu wrong)", abis[abi].name, wrong);
}

/* The filter as the kernel runs it for a call through each entry: the
 * i386 entry cannot be tried on a kernel without IA32 emulation, this
 * can. */
static void test_default_every_abi(void)
{
  struct sbx_bpf f;

  ok(seccomp_profile_get("default", &f, &err) == 0 && f.len > 0, "default compiled");
  ok(bpf_run(&f, &(struct seccomp_data){ .arch = AUDIT_ARCH_AARCH64 }) ==
         SECCOMP_RET_KILL_PROCESS,
     "default: a call through another ABI kills the process");
  for (size_t abi = 0; abi < ARRAY_SIZE(abis); abi++) {
    check_refused(&f, abi);
    check_personality(&f, abi);
    check_conditional(&f, abi);
  }
  sbx_bpf_free(&f);
}
#else
static void test_default_every_abi(void)
{
  skip("the default profile's ABIs are checked on x86_64");
}
#endif

static void cleanup(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    printf("# could not remove %s\n", dir);
}

int main(void)
{
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_syntax();
  test_nul_byte();
  test_default_action();
  test_operators();
  test_conjunction_and_actions();
  test_includes();
  test_size_limit();
  test_builtins();
  test_export_and_install();
  test_default_every_abi();
  cleanup();
  return tap_done();
}
