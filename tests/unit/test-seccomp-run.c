/* The whole seccomp chain without the launcher: for each built-in profile,
 * a child sets no_new_privs, installs the embedded BPF with
 * seccomp_install and execs tests/probe/sysprobe, whose report is checked
 * here.  Needs no namespace, so it runs as any user.
 *
 * The probe is found through $SBX_SYSPROBE, else next to this test as
 * ../probe/sysprobe (the build tree's layout). */
#include <stdbool.h>

#include "tap.h"

#include "error.h"
#include "seccomp.h"
#include "util.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

struct expect {
  const char *name;
  const char *value;
};

/* What the default profile answers, on every ABI the probe reaches. */
static const struct expect blocked[] = {
  { "keyctl", "EPERM" }, { "add_key", "EPERM" }, { "request_key", "EPERM" },
  { "bpf", "EPERM" }, { "userfaultfd", "EPERM" }, { "perf_event_open", "EPERM" },
  { "kexec_load", "EPERM" }, { "kexec_file_load", "EPERM" }, { "init_module", "EPERM" },
  { "finit_module", "EPERM" }, { "delete_module", "EPERM" },
  { "open_tree", "ENOSYS" }, { "move_mount", "ENOSYS" }, { "fsopen", "ENOSYS" },
  { "fsconfig", "ENOSYS" }, { "fsmount", "ENOSYS" }, { "fspick", "ENOSYS" },
  { "mount_setattr", "ENOSYS" },
  { "io_uring_setup", "EPERM" }, { "io_uring_enter", "EPERM" }, { "io_uring_register", "EPERM" },
  { "ptrace", "EPERM" }, { "process_vm_readv", "EPERM" }, { "process_vm_writev", "EPERM" },
  { "pidfd_getfd", "EPERM" }, { "acct", "EPERM" }, { "swapon", "EPERM" },
  { "swapoff", "EPERM" }, { "reboot", "EPERM" }, { "settimeofday", "EPERM" },
  { "clock_settime", "EPERM" }, { "syslog", "EPERM" }, { "open_by_handle_at", "EPERM" },
  { "ioctl(TIOCSTI)", "EPERM" }, { "ioctl(TIOCSTI|0xdeadbeef<<32)", "EPERM" },
  { "ioctl(TIOCLINUX)", "EPERM" }, { "ioctl(TIOCLINUX|0xdeadbeef<<32)", "EPERM" },
  { "unshare(CLONE_NEWUSER)", "EPERM" }, { "unshare(CLONE_NEWUSER|0xdeadbeef<<32)", "EPERM" },
  { "clone(CLONE_NEWUSER)", "EPERM" }, { "clone3", "ENOSYS" },
  { "personality(ADDR_NO_RANDOMIZE)", "EPERM" }, { "personality(READ_IMPLIES_EXEC)", "EPERM" },
  { "personality(PER_LINUX32)", "EPERM" }, { "personality(UNAME26)", "EPERM" },
  { "ioctl(TIOCSETD)", "EPERM" }, { "ioctl(TIOCCONS)", "EPERM" },
  { "ioctl(TIOCSLCKTRMIOS)", "EPERM" }, { "vhangup", "EPERM" },
  { "unshare(CLONE_NEWNS)", "EPERM" }, { "unshare(CLONE_NEWPID)", "EPERM" },
  { "unshare(CLONE_NEWNET)", "EPERM" }, { "unshare(CLONE_NEWIPC)", "EPERM" },
  { "unshare(CLONE_NEWUTS)", "EPERM" }, { "unshare(CLONE_NEWCGROUP)", "EPERM" },
  { "unshare(CLONE_NEWTIME)", "EPERM" }, { "clone(CLONE_NEWNS)", "EPERM" },
  { "clone(CLONE_NEWPID)", "EPERM" }, { "clone(CLONE_NEWNET)", "EPERM" },
  { "clone(CLONE_NEWIPC)", "EPERM" }, { "clone(CLONE_NEWUTS)", "EPERM" },
  { "clone(CLONE_NEWCGROUP)", "EPERM" }, { "setns", "EPERM" }, { "sethostname", "EPERM" },
  { "setdomainname", "EPERM" }, { "mount", "EPERM" }, { "umount2", "EPERM" },
  { "pivot_root", "EPERM" }, { "chroot", "EPERM" }, { "adjtimex", "EPERM" },
  { "clock_adjtime", "EPERM" }, { "quotactl", "EPERM" }, { "quotactl_fd", "EPERM" },
  { "lookup_dcookie", "EPERM" }, { "fanotify_init", "EPERM" },
  /* Not on every ABI. */
  { "uselib", "EPERM" }, { "iopl", "EPERM" }, { "ioperm", "EPERM" },
  { "stime", "EPERM" }, { "vm86", "EPERM" }, { "vm86old", "EPERM" },
  { "umount", "EPERM" }, { "clock_settime64", "EPERM" }, { "clock_adjtime64", "EPERM" },
  { "nfsservctl", "EPERM" }, { "create_module", "EPERM" },
};
#define N_EVERY_ABI 75

/* Calls every profile lets through, with the kernel's own answer (not
 * checked on x32, which many kernels do not enable). */
static const struct expect allowed[] = {
  { "read(-1)", "EBADF" }, { "chmod((char*)1)", "EFAULT" }, { "getpid", "OK" },
  { "ioctl(TIOCGWINSZ)", "EBADF" }, { "personality(PER_LINUX)", "OK" },
  { "personality(0xffffffff)", "OK" },
};

static const char *probe;

/* The probe's output under profile (NULL if it did not run cleanly). */
static char *run_probe(const char *profile, const char *arg)
{
  static char out[16384];
  struct sbx_bpf f;
  struct sbx_error e;
  int pipefd[2], status;
  size_t n = 0;
  ssize_t r;
  pid_t pid;

  if (seccomp_profile_get(profile, &f, &e) < 0 || pipe(pipefd) < 0)
    return NULL;
  pid = fork();
  if (pid == 0) {
    dup2(pipefd[1], 1);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_install(&f, &e) < 0)
      _exit(126);
    execl(probe, probe, arg, (char *)NULL);
    _exit(127);
  }
  close(pipefd[1]);
  while ((r = read(pipefd[0], out + n, sizeof out - 1 - n)) > 0)
    n += (size_t)r;
  out[n] = '\0';
  close(pipefd[0]);
  sbx_bpf_free(&f);
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    printf("# probe under %s: wait status 0x%x\n", profile, status);
    return NULL;
  }
  return out;
}

/* The value of line "name=value" in out, or NULL. */
static const char *result(const char *out, const char *prefix, const char *name)
{
  static char value[64];
  char key[128];
  const char *p;
  size_t len;

  snprintf(key, sizeof key, "\n%s%s=", prefix, name);
  p = out ? strstr(out, key) : NULL;
  if (!p && out && strncmp(out, key + 1, strlen(key + 1)) == 0)
    p = out - 1;
  if (!p)
    return NULL;
  p += strlen(key);
  len = strcspn(p, "\n");
  snprintf(value, sizeof value, "%.*s", (int)len, p);
  return value;
}

/* Every entry of t that the probe reported under prefix has its value;
 * the first `required` entries must be there, and at least min_seen. */
static void check(const char *out, const char *what, const char *prefix,
                  const struct expect *t, size_t n, size_t required, size_t min_seen)
{
  size_t wrong = 0, seen = 0;

  for (size_t i = 0; i < n; i++) {
    const char *got = result(out, prefix, t[i].name);
    if (!got && i >= required)
      continue;
    seen++;
    if (!got || strcmp(got, t[i].value) != 0) {
      printf("#   %s%s=%s, want %s\n", prefix, t[i].name, got ? got : "(missing)", t[i].value);
      wrong++;
    }
  }
  ok(out && wrong == 0 && seen >= min_seen, "%s: %zu %scalls as designed", what, seen, prefix);
}

static void check_abis(const char *out, const char *what)
{
  check(out, what, "", blocked, ARRAY_SIZE(blocked), N_EVERY_ABI, N_EVERY_ABI);
  check(out, what, "", allowed, ARRAY_SIZE(allowed), ARRAY_SIZE(allowed), ARRAY_SIZE(allowed));
#if defined(__x86_64__)
  /* Some calls or variants do not exist on a compat ABI: at least 40. */
  if (result(out, "i386:", "entry")) {
    skip("%s: the i386 entry faults on this machine, with no filter", what);
  } else {
    check(out, what, "i386:", blocked, ARRAY_SIZE(blocked), 0, 40);
    check(out, what, "i386:", allowed, ARRAY_SIZE(allowed), ARRAY_SIZE(allowed),
          ARRAY_SIZE(allowed));
  }
  check(out, what, "x32:", blocked, ARRAY_SIZE(blocked), 0, 40);
#endif
}

static void test_default(void)
{
  const char *out = run_probe("default", NULL);

  ok(out != NULL, "sysprobe ran under default");
  check_abis(out, "default");
  is_str(result(out, "", "ptrace(ATTACH)"), "EPERM", "default: no debugger attaches");
  out = run_probe("default", "stacked");
  is_str(result(out, "", "stacked"), "OK", "a permissive filter installs on top of default");
  check_abis(out, "default + permissive filter on top");
}

static void test_devel(void)
{
  const char *out = run_probe("devel", NULL);

  is_str(result(out, "", "ptrace(ATTACH)"), "OK", "devel: a debugger attaches");
  is_str(result(out, "", "ptrace"), "ESRCH", "devel: ptrace reaches the kernel");
  ok(result(out, "", "perf_event_open") && strcmp(result(out, "", "perf_event_open"), "EPERM"),
     "devel: perf_event_open reaches the kernel");
  is_str(result(out, "", "personality(ADDR_NO_RANDOMIZE)"), "OK", "devel: gdb may disable ASLR");
  is_str(result(out, "", "personality(PER_LINUX32)"), "OK", "devel: any execution domain");
  is_str(result(out, "", "mount"), "EPERM", "devel keeps mount refused");
  is_str(result(out, "", "keyctl"), "EPERM", "devel keeps default's other rules");
  is_str(result(out, "", "clone3"), "ENOSYS", "devel keeps clone3 ENOSYS");
}

static void test_none(void)
{
  const char *out = run_probe("none", NULL);

  is_str(result(out, "", "keyctl"), "EOPNOTSUPP", "none: keyctl reaches the kernel");
  is_str(result(out, "", "ioctl(TIOCSTI|0xdeadbeef<<32)"), "EBADF", "none: TIOCSTI reaches the kernel");
  is_str(result(out, "", "clone3"), "EINVAL", "none: clone3 reaches the kernel");
  is_str(result(out, "", "open_tree"), "EFAULT", "none: open_tree reaches the kernel");
  is_str(result(out, "", "mount"), "EFAULT", "none: mount reaches the kernel");
  is_str(result(out, "", "ioctl(TIOCSETD)"), "EBADF", "none: TIOCSETD reaches the kernel");
}

int main(int argc, char **argv)
{
  static char path[PATH_MAX];

  (void)argc;
  probe = getenv("SBX_SYSPROBE");
  if (!probe) {
    char *copy = xstrdup(argv[0]);
    snprintf(path, sizeof path, "%s/../probe/sysprobe", dirname(copy));
    free(copy);
    probe = path;
  }
  ok(access(probe, X_OK) == 0, "sysprobe at %s", probe);
  test_default();
  test_devel();
  test_none();
  return tap_done();
}
