/* argv -> plan -> launch -> exit status. */

#include "cli.h"
#include "error.h"
#include "host.h"
#include "oci.h"
#include "launch.h"
#include "net.h"
#include "plan.h"
#include "seccomp.h"
#include "signals.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

/* A setuid or file-capability install would hand the caller powers this
 * program was never written to guard; refuse to run at all. */
static int refuse_privileged_install(struct sbx_error *e)
{
  if (getauxval(AT_SECURE) || geteuid() != getuid() || getegid() != getgid())
    return sbx_fail(e, 0, "refusing to run setuid, setgid or with file capabilities");
  return 0;
}

static const char *basename_of(const char *path)
{
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* The kernel appends " (deleted)" to /proc/self/exe of a program that
 * was replaced or removed since it started (an upgrade, say). */
static bool named_bwrap(const char *path)
{
  static const char deleted[] = " (deleted)";
  const char *base = basename_of(path);
  size_t n = strlen(base);

  if (n > sizeof deleted - 1 && strcmp(base + n - (sizeof deleted - 1), deleted) == 0)
    n -= sizeof deleted - 1;
  return n == 5 && strncmp(base, "bwrap", 5) == 0;
}

/* The OCI runtime's name, "sandbox-oci" (doc/design.md, "OCI runtime"). */
static bool named_oci(const char *path)
{
  const char *base = basename_of(path);
  return strncmp(base, "sandbox-oci", 11) == 0 &&
         (base[11] == '\0' || strcmp(base + 11, " (deleted)") == 0);
}

/* The bwrap personality: --compat=bwrap first, or the program's name is
 * "bwrap", in argv[0] or in the name it was executed through (installed as
 * a hard link or a copy, that name survives a re-exec of /proc/self/exe,
 * which argv[0] need not). */
static enum personality pick_personality(int *argc, char ***argv)
{
  char exe[PATH_MAX];
  ssize_t n;

  if (*argc > 1 && strcmp((*argv)[1], "--compat=bwrap") == 0) {
    (*argv)[1] = (*argv)[0];
    (*argv)++;
    (*argc)--;
    return PERS_BWRAP;
  }
  if (named_bwrap((*argv)[0]))
    return PERS_BWRAP;
  if (named_oci((*argv)[0]))
    return PERS_OCI;
  if (strcmp(basename_of((*argv)[0]), "sandbox") == 0)
    return PERS_SANDBOX; /* the usual launch: no system call to decide */
  n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return PERS_SANDBOX;
  exe[n] = '\0';
  if (named_oci(exe))
    return PERS_OCI;
  return named_bwrap(exe) ? PERS_BWRAP : PERS_SANDBOX;
}

static int run(int argc, char **argv, pid_t caller, struct plan *plan, struct sbx_error *e)
{
  int r;

  /* Held again by launch(), just before the sandbox exists (signals.h). */
  restore_caller_mask();
  r = cli_parse(argc, argv, plan, e);
  if (r != CLI_RUN)
    return r == CLI_EXIT_OK ? 0 : -1;
  if (plan->seccomp_export)
    return seccomp_export(plan->seccomp_export, STDOUT_FILENO, e) < 0 ? -1 : 0;
  host_gather(&plan->host, plan);
  if (plan_finish(plan, e) < 0 || plan_check(plan, e) < 0 || seccomp_plan_load(plan, e) < 0 ||
      net_check(plan, e) < 0)
    return -1;
  return launch(plan, caller, e);
}

/* bubblewrap exits 1 for every failure of its own. */
static int error_status(const struct plan *p, const struct sbx_error *e)
{
  if (p->pers == PERS_BWRAP)
    return 1;
  return e->status ? e->status : SBX_EXIT_SETUP;
}

/* The caller, recorded before anything else of this program runs: a
 * caller that dies before this moment has already handed the launcher to
 * a reaper, and nothing can tell that from a reaper that really started
 * it.  .preinit_array entries run before every library constructor and
 * before main(), after glibc's own start-up; the static x86-64 build
 * records the caller earlier still, in entry.c, and this keeps what was
 * recorded there.  Keep this to plain system calls: not every
 * build has malloc, stdio or the libraries ready yet.  The forwarded
 * signals are held from here on too, and the caller's mask saved: run()
 * puts it back while the options are read, launch() holds them again
 * just before the sandbox exists, and one that comes from then on is
 * passed on to it instead of killing the launcher half-way. */
static pid_t caller;

static void record_caller(void)
{
  if (sbx_entry_done) { /* entry.c did both, earlier */
    caller = sbx_entry_caller;
    return;
  }
  caller = getppid();
  hold_forwarded_signals();
}

__attribute__((section(".preinit_array"), used))
static void (*const record_caller_early)(void) = record_caller;

int main(int argc, char **argv)
{
  struct sbx_error e = { 0 };
  struct plan plan;
  int status;

  prefault_text();
  if (argc < 1 || !argv[0]) {
    sbx_warn("no arguments");
    return SBX_EXIT_SETUP;
  }
  plan_init(&plan, pick_personality(&argc, &argv));
  if (plan.pers == PERS_BWRAP)
    sbx_prefix = "bwrap";
  if (plan.pers == PERS_OCI)
    sbx_prefix = "sandbox-oci";

  /* The caller may ignore SIGCHLD; waitpid() would then see nothing. */
  signal(SIGCHLD, SIG_DFL);
  if (refuse_privileged_install(&e) < 0 || ensure_stdio(&e) < 0) {
    sbx_error_print(&e);
    return error_status(&plan, &e);
  }
  if (plan.pers == PERS_OCI)
    status = oci_main(argc, argv, &plan, &e);
  else
    status = run(argc, argv, caller, &plan, &e);
  if (status < 0) {
    sbx_error_print(&e);
    return error_status(&plan, &e);
  }
  /* No exit handlers to run (nothing here registers one): skipping them
   * spares the faults of code the launch never touched (doc/design.md). */
  fflush(NULL);
  _exit(status);
}
