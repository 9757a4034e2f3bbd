/* `create` (doc/design.md, "OCI runtime"):
 *
 *   create ── fork ──> launcher (launch.c, unchanged) ── clone ──> container
 *     │  reads --info-fd: the container's pid                      builds the sandbox,
 *     │  (writes the id maps, when the config has a user namespace) execs `sandbox-oci init`,
 *     │  reads the ready pipe <──────────────────────────────────── which reports, then
 *     │  state.json, --pid-file, hooks                              waits on exec.fifo
 *     └─ SIGKILL to the launcher: the container is reparented to the engine
 *
 * The launcher is the existing one, fed a plan made from config.json; its
 * only part in the container's life is the setup, so it ends with
 * `create`, and the engine (a subreaper) gets the container's status. */
#include "oci.h"

#include "error.h"
#include "host.h"
#include "launch.h"
#include "net.h"
#include "ocihooks.h"
#include "ociinit.h"
#include "ocijson.h"
#include "ociseccomp.h"
#include "ocisysctl.h"
#include "ocispec.h"
#include "ocistate.h"
#include "plan.h"
#include "seccomp.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct creation {
  const struct oci_opts *o;
  struct plan *p;
  struct oci_spec spec;
  struct oci_state st;
  int low;     /* fds below this are the engine's 0-2 and --preserve-fds */
  int fifo, exe, console;
  int ready[2], info[2], block[2], err[2];
  pid_t launcher, child;
};

/* Moves FD to the lowest free number >= c->low, inheritable or not. */
static int place_fd(const struct creation *c, int fd, bool inherit, struct sbx_error *e)
{
  int moved;

  if (fd < 0)
    return sbx_fail(e, errno, "create: open");
  moved = fcntl(fd, inherit ? F_DUPFD : F_DUPFD_CLOEXEC, c->low);
  close(fd);
  if (moved < 0)
    return sbx_fail(e, errno, "create: fcntl");
  return moved;
}

static int make_pipe(struct creation *c, int pv[2], bool inherit_write, struct sbx_error *e)
{
  int raw[2];

  if (pipe2(raw, O_CLOEXEC) < 0)
    return sbx_fail(e, errno, "create: pipe");
  if ((pv[0] = place_fd(c, raw[0], false, e)) < 0 ||
      (pv[1] = place_fd(c, raw[1], inherit_write, e)) < 0)
    return -1;
  return 0;
}

static int connect_console(struct creation *c, struct sbx_error *e)
{
  int fd;

  if (!c->spec.proc.terminal)
    return 0;
  if (!c->o->console_socket)
    return sbx_fail(e, 0, "create: process.terminal is true: --console-socket is needed");
  fd = ociinit_console_connect(c->o->console_socket, "create", e);
  if (fd < 0)
    return -1;
  c->console = place_fd(c, fd, true, e);
  return c->console < 0 ? -1 : 0;
}

/* The fifo `start` writes to: the container holds it open for reading
 * and writing, so that its read waits for that byte and nothing else. */
static int open_fds(struct creation *c, struct sbx_error *e)
{
  _cleanup_free_ char *fifo = ocistate_path(&c->st, "exec.fifo");

  if (mkfifo(fifo, 0600) < 0)
    return sbx_fail(e, errno, "create: %s", fifo);
  if ((c->fifo = place_fd(c, open(fifo, O_RDWR | O_CLOEXEC), true, e)) < 0 ||
      (c->exe = place_fd(c, open("/proc/self/exe", O_PATH | O_CLOEXEC), true, e)) < 0)
    return -1;
  if (make_pipe(c, c->ready, true, e) < 0 || make_pipe(c, c->info, false, e) < 0 ||
      make_pipe(c, c->err, false, e) < 0 || connect_console(c, e) < 0)
    return -1;
  c->p->info_fd = c->info[1];
  if (c->spec.new_userns) {
    if (make_pipe(c, c->block, false, e) < 0)
      return -1;
    c->p->userns_block_fd = c->block[0];
  }
  return 0;
}

static char *fmt_num(long v)
{
  char buf[24];
  snprintf(buf, sizeof buf, "%ld", v);
  return xstrdup(buf);
}

static char *fmt_groups(const struct oci_process *proc)
{
  char *s = xcalloc(proc->n_groups + 1, 12);
  for (size_t i = 0; i < proc->n_groups; i++)
    sprintf(s + strlen(s), "%s%u", i ? "," : "", (unsigned)proc->groups[i]);
  return *s ? s : strcpy(s, "-");
}

/* The plan's command: this program, through its fd, as `init` (ociinit.h). */
static void set_command(struct creation *c)
{
  const struct oci_process *proc = &c->spec.proc;
  char **v = xcalloc(proc->n_args + 11, sizeof *v);
  char exe[32];

  snprintf(exe, sizeof exe, "/proc/self/fd/%d", c->exe);
  v[0] = xstrdup(exe);
  v[1] = "init";
  v[2] = fmt_num(c->fifo);
  v[3] = fmt_num(c->ready[1]);
  v[4] = fmt_num(c->console);
  v[5] = fmt_num((long)proc->uid);
  v[6] = fmt_num((long)proc->gid);
  v[7] = fmt_groups(proc);
  v[8] = fmt_num(c->low);
  v[9] = "--";
  memcpy(v + 10, proc->args, proc->n_args * sizeof *v);
  c->p->argv = v;
  c->p->argv0 = "sandbox-oci";
}

static int compile_seccomp(struct creation *c, struct sbx_error *e)
{
  _cleanup_free_ char *path = NULL, *cache = NULL;
  int fd;

  if (!c->spec.seccomp)
    return 0;
  path = ocistate_path(&c->st, "seccomp.bpf");
  cache = path_join(c->st.root, ".seccomp");
  if ((fd = ociseccomp_compile(c->spec.seccomp, path, cache, e)) < 0)
    return -1;
  plan_add_seccomp_fd(c->p, fd);
  return 0;
}

static int join_others(const struct creation *c, struct sbx_error *e)
{
  for (size_t i = 0; i < c->spec.n_joins; i++)
    if (setns(c->spec.joins[i].fd, c->spec.joins[i].type) < 0)
      return sbx_fail(e, errno, "create: join a namespace of linux.namespaces");
  return 0;
}

/* The launcher's own process: its error, if any, goes back to `create`,
 * which prints it (one line, once). */
static void run_launcher(struct creation *c) __attribute__((noreturn));
static void run_launcher(struct creation *c)
{
  struct sbx_error e = { 0 };
  int status;

  close(c->ready[0]);
  close(c->info[0]);
  close(c->err[0]);
  if (c->block[1] >= 0)
    close(c->block[1]);
  status = launch(c->p, getppid(), &e);
  if (status < 0)
    write_all(c->err[1], &e, sizeof e);
  _exit(status < 0 ? SBX_EXIT_SETUP : status);
}

static int start_launcher(struct creation *c, struct sbx_error *e)
{
  c->launcher = fork();
  if (c->launcher < 0)
    return sbx_fail(e, errno, "create: fork");
  if (c->launcher == 0)
    run_launcher(c);
  close(steal_fd(&c->ready[1]));
  close(steal_fd(&c->info[1]));
  close(steal_fd(&c->err[1]));
  close(steal_fd(&c->fifo));
  if (c->block[0] >= 0)
    close(steal_fd(&c->block[0]));
  if (c->console >= 0)
    close(steal_fd(&c->console));
  return 0;
}

/* The launcher's error, once it has ended without the container. */
static int launcher_error(struct creation *c, struct sbx_error *e)
{
  if (read(c->err[0], e, sizeof *e) == (ssize_t)sizeof *e)
    return -1;
  return sbx_fail(e, 0, "create: the container ended during its setup");
}

static int read_child_pid(struct creation *c, struct sbx_error *e)
{
  char buf[1024];
  size_t n = 0;
  ssize_t r;
  const char *at;

  while (n < sizeof buf - 1 && (r = read(c->info[0], buf + n, sizeof buf - 1 - n)) != 0) {
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      return sbx_fail(e, errno, "create: read the launcher's report");
    n += (size_t)r;
  }
  buf[n] = '\0';
  if (!(at = strstr(buf, "\"child-pid\":")) || (c->child = atoi(at + 12)) <= 0)
    return launcher_error(c, e);
  return 0;
}

static int write_map(pid_t pid, const char *file, json_object *maps, struct sbx_error *e)
{
  /* The kernel takes a map in one write of less than a page. */
  char path[64], text[4096] = "";
  const char *field = file[0] == 'u' ? "uidMappings" : "gidMappings";
  size_t used = 0;

  for (size_t i = 0; maps && i < json_object_array_length(maps); i++) {
    json_object *m = json_object_array_get_idx(maps, i), *a, *b, *s;
    int n;
    if (!json_object_object_get_ex(m, "containerID", &a) ||
        !json_object_object_get_ex(m, "hostID", &b) || !json_object_object_get_ex(m, "size", &s))
      return sbx_fail(e, 0, "config: linux.%s[%zu]: needs containerID, hostID and size", field, i);
    n = snprintf(text + used, sizeof text - used, "%lld %lld %lld\n",
                 (long long)json_object_get_int64(a), (long long)json_object_get_int64(b),
                 (long long)json_object_get_int64(s));
    if (n < 0 || (size_t)n >= sizeof text - used)
      return sbx_fail(e, E2BIG, "config: linux.%s: more than a page of mappings", field);
    used += (size_t)n;
  }
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
  int r = write_file_at(AT_FDCWD, path, text);
  return r < 0 ? sbx_fail(e, -r, "create: write %s", path) : 0;
}

/* The config's id maps, written from outside as the caller; without
 * CAP_SETGID, gid_map needs setgroups denied first (user_namespaces(7)). */
static int write_maps(struct creation *c, struct sbx_error *e)
{
  char path[64];

  if (!c->spec.new_userns)
    return 0;
  if (!c->spec.uid_maps || !c->spec.gid_maps)
    return sbx_fail(e, 0, "config: linux.uidMappings and gidMappings are needed with a new "
                          "user namespace");
  if (write_map(c->child, "uid_map", c->spec.uid_maps, e) < 0)
    return -1;
  if (write_map(c->child, "gid_map", c->spec.gid_maps, e) < 0) {
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)c->child);
    if (write_file_at(AT_FDCWD, path, "deny") < 0 ||
        write_map(c->child, "gid_map", c->spec.gid_maps, e) < 0)
      return -1;
  }
  return write_all(c->block[1], "1", 1) < 0 ? sbx_fail(e, errno, "create: release") : 0;
}

static int wait_ready(struct creation *c, struct sbx_error *e)
{
  struct sbx_error report;
  ssize_t n;

  while ((n = read(c->ready[0], &report, sizeof report)) < 0 && errno == EINTR)
    ;
  if (n != (ssize_t)sizeof report)
    return launcher_error(c, e);
  if (report.msg[0]) {
    *e = report;
    return -1;
  }
  return 0;
}

static int write_pid_file(const struct creation *c, struct sbx_error *e)
{
  char num[24];
  int r;

  if (!c->o->pid_file)
    return 0;
  snprintf(num, sizeof num, "%d", (int)c->child);
  unlink(c->o->pid_file);
  r = write_file_at(AT_FDCWD, c->o->pid_file, num);
  if (r == -ENOENT) {
    int fd = open(c->o->pid_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    r = fd < 0 ? -errno : write_all(fd, num, strlen(num));
    if (fd >= 0)
      close(fd);
  }
  return r < 0 ? sbx_fail(e, r == -1 ? errno : -r, "create: --pid-file %s", c->o->pid_file) : 0;
}

/* The container is built and waiting: record it, tell the engine. */
static int finish(struct creation *c, struct sbx_error *e)
{
  bool zombie;
  char path[64], adj[16];

  c->st.pid = c->child;
  c->st.start_time = ocistate_proc_start(c->child, &zombie);
  if (c->spec.proc.oom_set) {
    snprintf(path, sizeof path, "/proc/%d/oom_score_adj", (int)c->child);
    snprintf(adj, sizeof adj, "%d", c->spec.proc.oom_score_adj);
    int r = write_file_at(AT_FDCWD, path, adj);
    if (r < 0)
      return sbx_fail(e, -r, "create: process.oomScoreAdj %s", adj);
  }
  if (ocisysctl_apply(c->spec.sysctl, c->child, e) < 0 || ocistate_save(&c->st, e) < 0)
    return -1;
  const char *state = ocistate_json(&c->st, OCI_CREATED);
  if (ocihooks_run(c->spec.hooks, "prestart", state, e) < 0 ||
      ocihooks_run(c->spec.hooks, "createRuntime", state, e) < 0)
    return -1;
  /* Last: a create that fails leaves no pid file behind. */
  return write_pid_file(c, e);
}

/* `init` runs this very program inside the container's root, where there
 * is no dynamic loader or library of the host's: only a static build
 * (the default where the toolchain links one, configure.ac) can. */
static int check_static(struct sbx_error *e)
{
  if (getauxval(AT_BASE) == 0)
    return 0;
  sbx_fail(e, 0, "create: this sandbox-oci is linked dynamically, and its first stage runs "
                 "inside the container's root");
  sbx_hint(e, "build the static launcher: ./configure --enable-static-launcher");
  return -1;
}

static int build(struct creation *c, struct sbx_error *e)
{
  if (check_static(e) < 0 || ocistate_create_dir(&c->st, e) < 0)
    return -1;
  /* Only 0-2 and --preserve-fds go on to the container. */
  syscall(SYS_close_range, (unsigned)c->low, ~0U, CLOSE_RANGE_CLOEXEC);
  if (open_fds(c, e) < 0 || compile_seccomp(c, e) < 0)
    return -1;
  set_command(c);
  host_gather(&c->p->host, c->p);
  if (plan_finish(c->p, e) < 0 || plan_check(c->p, e) < 0 || seccomp_plan_load(c->p, e) < 0 ||
      net_check(c->p, e) < 0 || join_others(c, e) < 0 || start_launcher(c, e) < 0)
    return -1;
  if (read_child_pid(c, e) < 0 || write_maps(c, e) < 0 || wait_ready(c, e) < 0)
    return -1;
  return finish(c, e);
}

/* After a failure nothing stays: no process, no state directory (the
 * container's mounts die with its mount namespace). */
static void undo(struct creation *c)
{
  int st;
  if (c->child > 0)
    kill(c->child, SIGKILL);
  if (c->launcher > 0) {
    kill(c->launcher, SIGKILL);
    waitpid(c->launcher, &st, 0);
  }
  if (c->st.dir)
    ocistate_remove(&c->st);
}

int oci_create(const struct oci_opts *o, struct plan *plan, struct sbx_error *e)
{
  struct creation c = {
    .o = o, .p = plan, .low = 3 + (int)o->preserve_fds, .fifo = -1, .exe = -1, .console = -1,
    .ready = { -1, -1 }, .info = { -1, -1 }, .block = { -1, -1 }, .err = { -1, -1 },
  };
  int st;

  if (ocispec_load(o->bundle ? o->bundle : ".", &c.spec, e) < 0 ||
      ocispec_to_plan(&c.spec, plan, e) < 0)
    return -1;
  c.st = (struct oci_state){ .root = o->root, .id = o->id, .bundle = c.spec.bundle,
                             .annotations = c.spec.annotations };
  if (build(&c, e) < 0) {
    undo(&c);
    return -1;
  }
  /* The launcher's part is over; the container goes to the engine. */
  kill(c.launcher, SIGKILL);
  waitpid(c.launcher, &st, 0);
  return 0;
}
