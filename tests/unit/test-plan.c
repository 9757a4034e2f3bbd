/* Unit tests of the plan's decisions (plan.h: reaper, child_waits,
 * seccomp_early, new_procfs, the mount(2) fallback) and of what it takes
 * from the host, on hosts of the test's own making: linked with the
 * parser and the plan only, no seccomp, nothing probed. */
#include <stdbool.h>

#include "tap.h"

#include "cli.h"
#include "error.h"
#include "host.h"
#include "plan.h"

#include <stdlib.h>
#include <string.h>

static struct plan plan;
static struct sbx_error err;

/* A caller with a terminal on 0-2, on a kernel with everything. */
static const struct host usual = {
  .uid = 1000, .gid = 1000, .tty_fds = 7, .cgroup_ns = true, .userns = true, .mount_api = true,
};

/* Parses argv (NULL-terminated, from a static vector) for a host, and
 * finishes the plan: 0, or -1 with err set. */
static int finish_on(enum personality pers, const struct host *h, char **argv)
{
  int argc = 0;
  while (argv[argc])
    argc++;
  plan_init(&plan, pers);
  memset(&err, 0, sizeof err);
  if (cli_parse(argc, argv, &plan, &err) != CLI_RUN)
    return -1;
  plan.host = *h;
  return plan_finish(&plan, &err);
}
#define FINISH(pers, h, ...) finish_on(pers, h, (char *[]){ "sandbox", __VA_ARGS__, NULL })

static bool has_op(enum op_kind kind, const char *dest, const char *src)
{
  for (size_t i = 0; i < plan.n_ops; i++)
    if (plan.ops[i].kind == kind && strcmp(plan.ops[i].dest, dest) == 0 &&
        (!src || (plan.ops[i].src && strcmp(plan.ops[i].src, src) == 0)))
      return true;
  return false;
}

static void test_sandbox_decisions(void)
{
  ok(FINISH(PERS_SANDBOX, &usual, "true") == 0, "the sandbox personality's plan");
  ok(plan.reaper && plan.new_procfs, "a reaper, in a new PID namespace with its own procfs");
  ok(!plan.child_waits, "the child does not wait for the launcher");
  ok(plan.seccomp_early, "the built-in profile goes in once, before the fork");
  ok(!plan.mount_fallback && !plan.resolve_fallback, "the new mount API and openat2");
  ok(plan.tty_fds == 7, "the caller's terminal fds come from the host");

  ok(FINISH(PERS_SANDBOX, &usual, "--share-pid", "true") == 0 && !plan.reaper &&
         !plan.new_procfs,
     "--share-pid: no reaper, the host's /proc");
  ok(FINISH(PERS_SANDBOX, &usual, "--as-pid-1", "true") == 0 && !plan.reaper && plan.new_procfs,
     "--as-pid-1: no reaper, a new procfs still");
  ok(FINISH(PERS_SANDBOX, &usual, "--info-fd", "9", "true") == 0 && plan.child_waits,
     "--info-fd: the child waits for the launcher");
  ok(FINISH(PERS_SANDBOX, &usual, "--json-status-fd", "9", "true") == 0 && plan.child_waits,
     "--json-status-fd: the child waits too");
  ok(FINISH(PERS_SANDBOX, &usual, "--add-seccomp-fd", "9", "true") == 0 && !plan.seccomp_early,
     "a filter of the caller's: each process installs them last");
  ok(FINISH(PERS_SANDBOX, &usual, "--seccomp", "9", "true") == 0 && !plan.seccomp_early,
     "--seccomp: the same");
  ok(FINISH(PERS_SANDBOX, &usual, "--share-terminal", "true") == 0 && plan.tty_fds == 0,
     "--share-terminal: no pty, whatever the host's terminal");
}

static void test_fallback(void)
{
  struct host old = usual, forced = usual;

  old.mount_api = false;
  ok(FINISH(PERS_SANDBOX, &old, "true") == 0 && plan.mount_fallback && !plan.resolve_fallback,
     "a kernel without mount_setattr: mount(2) from the start, openat2 still tried");
  forced.mount_api = false;
  forced.force_fallback = true;
  ok(FINISH(PERS_SANDBOX, &forced, "true") == 0 && plan.mount_fallback && plan.resolve_fallback,
     "SANDBOX_FORCE_FALLBACK=1: mount(2) and the path walk");
}

static void test_bwrap_decisions(void)
{
  struct host root = usual;

  ok(FINISH(PERS_BWRAP, &usual, "true") == 0, "the bwrap personality's plan");
  ok(!plan.reaper && !plan.new_procfs && !plan.seccomp_early,
     "no PID namespace: no reaper, the host's /proc; no early filter");
  ok((plan.ns & NS_USER) && plan.uid == 1000 && plan.gid == 1000,
     "an unprivileged caller gets a user namespace, as itself");
  ok(plan.tty_fds == 0, "the caller's terminal stays the command's");
  ok(FINISH(PERS_BWRAP, &usual, "--lock-file", "/x", "true") == 0 && plan.reaper,
     "--lock-file: a reaper to hold it, without a PID namespace");
  ok(FINISH(PERS_BWRAP, &usual, "--sync-fd", "9", "true") == 0 && plan.reaper,
     "--sync-fd: the same");
  ok(FINISH(PERS_BWRAP, &usual, "--unshare-pid", "true") == 0 && plan.reaper && plan.new_procfs,
     "--unshare-pid: a reaper, a new procfs");

  root.uid = root.gid = 0;
  root.caps = 0x3;
  ok(FINISH(PERS_BWRAP, &root, "true") == 0 && !(plan.ns & NS_USER) && plan.caps == 0x3 &&
         plan.caps_untouched,
     "real root: no user namespace, its own capabilities, left alone");
}

static void test_usr_links(void)
{
  static struct host_link links[] = { { "/bin", "usr/bin" }, { "/lib64", "usr/lib64" } };
  struct host h = usual;

  h.usr_links = links;
  h.n_usr_links = 2;
  ok(FINISH(PERS_SANDBOX, &h, "--ro-bind", "/usr", "/usr", "true") == 0 &&
         has_op(OP_SYMLINK, "/bin", "usr/bin") && has_op(OP_SYMLINK, "/lib64", "usr/lib64"),
     "the host's merged-/usr links recreated with a bound /usr");
  ok(FINISH(PERS_SANDBOX, &h, "--ro-bind", "/usr", "/usr", "--dir", "/bin", "true") == 0 &&
         !has_op(OP_SYMLINK, "/bin", NULL) && has_op(OP_SYMLINK, "/lib64", NULL),
     "...but not over an op of the caller's");
  ok(FINISH(PERS_SANDBOX, &h, "--bare", "--ro-bind", "/usr", "/usr", "true") == 0 &&
         !has_op(OP_SYMLINK, "/bin", NULL),
     "...and not with --bare");
}

static void test_try_namespaces(void)
{
  struct host h = usual;

  h.cgroup_ns = false;
  ok(FINISH(PERS_SANDBOX, &h, "true") == 0 && plan_check(&plan, &err) == 0 &&
         !(plan.ns & NS_CGROUP),
     "no cgroup namespace where the kernel has none: %s", err.msg);
  ok(FINISH(PERS_SANDBOX, &usual, "true") == 0 && plan_check(&plan, &err) == 0 &&
         (plan.ns & NS_CGROUP),
     "a cgroup namespace where it has one: %s", err.msg);
  h = usual;
  h.uid = h.gid = 0;
  h.userns = false;
  ok(FINISH(PERS_BWRAP, &h, "--unshare-user-try", "true") == 0 &&
         plan_check(&plan, &err) == 0 && !(plan.ns & NS_USER),
     "--unshare-user-try as root where none can be made: none: %s", err.msg);
}

int main(void)
{
  test_sandbox_decisions();
  test_fallback();
  test_bwrap_decisions();
  test_usr_links();
  test_try_namespaces();
  return tap_done();
}
