/* The OCI runtime's command line and lifecycle (oci.h).  `create` is in
 * ocicreate.c and `exec` in ociexec.c; the rest only reads and signals
 * what the state directory describes (ocistate.h).  The runtime spec's
 * rules: `start` only a created container, `delete` a running one only
 * with --force, every command on an unknown id fails (doc/design.md,
 * "OCI runtime"). */
#include "oci.h"

#include "error.h"
#include "ocihooks.h"
#include "ociinit.h"
#include "ocispec.h"
#include "ocistate.h"
#include "plan.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Options that take a value; the rest are flags.  Each global or command
 * option an engine passes is accepted, also those this runtime has
 * nothing to do for (--systemd-cgroup, --no-pivot, --no-new-keyring). */
static const struct { const char *name; char short_; size_t off; } valued[] = {
  { "root", 0, offsetof(struct oci_opts, root) },
  { "log", 0, offsetof(struct oci_opts, log) },
  { "log-format", 0, offsetof(struct oci_opts, log_format) },
  { "bundle", 'b', offsetof(struct oci_opts, bundle) },
  { "pid-file", 0, offsetof(struct oci_opts, pid_file) },
  { "console-socket", 0, offsetof(struct oci_opts, console_socket) },
  { "process", 'p', offsetof(struct oci_opts, process) },
  { "format", 'f', offsetof(struct oci_opts, format) },
  { "signal", 's', offsetof(struct oci_opts, signal) },
  { "cgroup-manager", 0, SIZE_MAX }, { "rootless", 0, SIZE_MAX },
  { "criu", 0, SIZE_MAX }, { "process-label", 0, SIZE_MAX }, { "apparmor", 0, SIZE_MAX },
};

static const struct { const char *name; char short_; size_t off; } flags[] = {
  { "force", 'f', offsetof(struct oci_opts, force) },
  { "all", 'a', offsetof(struct oci_opts, all) },
  { "detach", 'd', offsetof(struct oci_opts, detach) },
  { "tty", 't', offsetof(struct oci_opts, tty) },
  { "debug", 0, offsetof(struct oci_opts, debug) },
  { "systemd-cgroup", 0, SIZE_MAX }, { "no-pivot", 0, SIZE_MAX },
  { "no-new-keyring", 0, SIZE_MAX }, { "no-subreaper", 0, SIZE_MAX },
  { "no-new-privs", 0, SIZE_MAX },
};

/* Matches "--NAME", "--NAME=V" or "-S" (short only where the command
 * gives it a meaning: -f is --format for list and ps, --force else). */
static bool match(const char *arg, const char *name, char s, const char **value)
{
  size_t n = strlen(name);
  *value = NULL;
  if (arg[0] == '-' && arg[1] == '-' && strncmp(arg + 2, name, n) == 0 &&
      (arg[2 + n] == '\0' || arg[2 + n] == '=')) {
    if (arg[2 + n] == '=')
      *value = arg + 3 + n;
    return true;
  }
  return s && arg[0] == '-' && arg[1] == s && arg[2] == '\0';
}

static bool lists_format(const struct oci_opts *o)
{
  return o->command && (!strcmp(o->command, "list") || !strcmp(o->command, "ps"));
}

static int take_valued(struct oci_opts *o, char **argv, int *i, size_t k, const char *v,
                       struct sbx_error *e)
{
  if (!v && !argv[*i + 1])
    return sbx_fail(e, 0, "%s: needs a value", argv[*i]);
  if (!v)
    v = argv[++*i];
  if (valued[k].off != SIZE_MAX)
    *(const char **)((char *)o + valued[k].off) = v;
  return 0;
}

/* One option at argv[*i]; 1 if it was one, 0 if not, -1 on error. */
static int take_option(struct oci_opts *o, char **argv, int *i, struct sbx_error *e)
{
  const char *arg = argv[*i], *v;

  if (match(arg, "preserve-fds", 0, &v)) {
    uint64_t n;
    if (!v && !(v = argv[++*i]))
      return sbx_fail(e, 0, "--preserve-fds: needs a value");
    if (parse_u64(v, 1024, &n) < 0)
      return sbx_fail(e, 0, "--preserve-fds %s: not a number up to 1024", v);
    o->preserve_fds = (unsigned)n;
    return 1;
  }
  for (size_t k = 0; k < ARRAY_SIZE(valued); k++) {
    char s = valued[k].short_ == 'f' && !lists_format(o) ? 0 : valued[k].short_;
    if (match(arg, valued[k].name, s, &v))
      return take_valued(o, argv, i, k, v, e) < 0 ? -1 : 1;
  }
  for (size_t k = 0; k < ARRAY_SIZE(flags); k++) {
    char s = flags[k].short_ == 'f' && lists_format(o) ? 0 : flags[k].short_;
    if (match(arg, flags[k].name, s, &v) && !v) {
      if (flags[k].off != SIZE_MAX)
        *(bool *)((char *)o + flags[k].off) = true;
      return 1;
    }
  }
  return 0;
}

/* Options and words in any order; the first word is the command, the
 * second the id, a third (kill's) the signal. */
static int parse(int argc, char **argv, struct oci_opts *o, struct sbx_error *e)
{
  int words = 0, r;

  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-' && argv[i][1] && (r = take_option(o, argv, &i, e)) != 0) {
      if (r < 0)
        return -1;
      continue;
    }
    if (argv[i][0] == '-' && argv[i][1] && strcmp(argv[i], "--") != 0)
      return sbx_fail(e, 0, "unknown option %s", argv[i]);
    if (strcmp(argv[i], "--") == 0)
      continue;
    if (words == 0)
      o->command = argv[i];
    else if (words == 1)
      o->id = argv[i];
    else if (words == 2 && !o->signal)
      o->signal = argv[i];
    else
      return sbx_fail(e, 0, "%s: unexpected argument '%s'", o->command, argv[i]);
    words++;
  }
  if (o->root && !*o->root)
    return sbx_fail(e, 0, "--root: empty path");
  if (!o->root)
    o->root = ocistate_default_root();
  return 0;
}

/* --log with --log-format json: one object per line, the form engines
 * read back to show the runtime's error. */
static void log_error(const struct oci_opts *o, const struct sbx_error *e)
{
  FILE *f;
  char when[32];
  time_t t = time(NULL);
  struct tm tm;

  if (!o->log || !(f = fopen(o->log, "ae")))
    return;
  gmtime_r(&t, &tm);
  strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (o->log_format && strcmp(o->log_format, "json") == 0) {
    json_object *line = json_object_new_object();
    json_object_object_add(line, "level", json_object_new_string("error"));
    json_object_object_add(line, "msg", json_object_new_string(e->msg));
    json_object_object_add(line, "time", json_object_new_string(when));
    fprintf(f, "%s\n", json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN));
    json_object_put(line);
  } else {
    fprintf(f, "%s level=error msg=\"%s\"\n", when, e->msg);
  }
  fclose(f);
}

static int need_id(const struct oci_opts *o, struct sbx_error *e)
{
  if (!o->id)
    return sbx_fail(e, 0, "%s: needs a container id", o->command);
  return ocistate_check_id(o->id, e);
}

static int cmd_state(const struct oci_opts *o, struct sbx_error *e)
{
  struct oci_state s;

  if (ocistate_load(o->root, o->id, &s, e) < 0)
    return -1;
  printf("%s\n", ocistate_json(&s, ocistate_status(&s)));
  return 0;
}

/* Hooks come from the bundle's config, read again (absent: none). */
static void run_hooks(const struct oci_state *s, const char *kind, const char *state_json,
                      bool fatal, struct sbx_error *e)
{
  struct oci_spec spec;
  struct sbx_error ignored;

  if (ocispec_load(s->bundle, &spec, &ignored) < 0)
    return;
  json_object *hooks = NULL;
  json_object_object_get_ex(spec.config, "hooks", &hooks);
  if (hooks && ocihooks_run(hooks, kind, state_json, fatal ? e : &ignored) < 0 && !fatal)
    sbx_warn("%s", ignored.msg);
  ocispec_free(&spec);
}

static int cmd_start(const struct oci_opts *o, struct sbx_error *e)
{
  struct oci_state s;
  _cleanup_free_ char *fifo = NULL;
  int fd;

  if (ocistate_load(o->root, o->id, &s, e) < 0)
    return -1;
  enum oci_status st = ocistate_status(&s);
  if (st != OCI_CREATED)
    return sbx_fail(e, 0, "start: container %s: is %s, not created", o->id,
                    ocistate_status_name(st));
  fifo = ocistate_path(&s, "exec.fifo");
  fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return sbx_fail(e, errno, "start: container %s: %s", o->id, fifo);
  if (write(fd, "", 1) != 1) {
    int err = errno;
    close(fd);
    return sbx_fail(e, err, "start: container %s: write %s", o->id, fifo);
  }
  close(fd);
  unlink(fifo);
  run_hooks(&s, "poststart", ocistate_json(&s, OCI_RUNNING), false, e);
  return 0;
}

static const struct { const char *name; int sig; } signals[] = {
  { "HUP", SIGHUP },   { "INT", SIGINT },   { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
  { "TERM", SIGTERM }, { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "STOP", SIGSTOP },
  { "CONT", SIGCONT }, { "ABRT", SIGABRT }, { "ALRM", SIGALRM }, { "PIPE", SIGPIPE },
  { "WINCH", SIGWINCH }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
};

static int parse_signal(const char *s, struct sbx_error *e)
{
  uint64_t n;

  if (!s)
    return SIGTERM;
  if (parse_u64(s, 64, &n) == 0 && n > 0)
    return (int)n;
  if (strncmp(s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
    if (strcmp(s, signals[i].name) == 0)
      return signals[i].sig;
  return sbx_fail(e, 0, "kill: unknown signal '%s'", s);
}

static int cmd_kill(const struct oci_opts *o, struct sbx_error *e)
{
  struct oci_state s;
  int sig = parse_signal(o->signal, e);

  if (sig < 0 || ocistate_load(o->root, o->id, &s, e) < 0)
    return -1;
  if (ocistate_status(&s) == OCI_STOPPED)
    return sbx_fail(e, 0, "kill: container %s: is not running", o->id);
  if (kill(s.pid, sig) < 0)
    return sbx_fail(e, errno, "kill: container %s: pid %d", o->id, (int)s.pid);
  return 0;
}

/* SIGKILL, then up to 10 s for the process to be gone or a zombie (its
 * parent, the engine, reaps it; we cannot). */
static int kill_and_wait(const struct oci_state *s, struct sbx_error *e)
{
  for (int i = 0; i < 1000 && ocistate_status(s) != OCI_STOPPED; i++) {
    kill(s->pid, SIGKILL);
    usleep(i < 100 ? 1000 : 10000);
  }
  if (ocistate_status(s) != OCI_STOPPED)
    return sbx_fail(e, 0, "delete: container %s: pid %d did not die", s->id, (int)s->pid);
  return 0;
}

/* A created container is ended as runc ends it; a running one only with
 * --force. */
static int cmd_delete(const struct oci_opts *o, struct sbx_error *e)
{
  struct oci_state s;

  if (ocistate_load(o->root, o->id, &s, e) < 0) {
    if (!o->force || !s.dir)
      return -1;
    /* --force: nothing there is what was asked.  A directory without a
     * state, left by a create killed half-way, goes too. */
    _cleanup_free_ char *state = ocistate_path(&s, "state.json");
    if (access(s.dir, F_OK) == 0 && access(state, F_OK) < 0)
      ocistate_remove(&s);
    return access(s.dir, F_OK) < 0 ? 0 : -1;
  }
  enum oci_status st = ocistate_status(&s);
  if (st == OCI_RUNNING && !o->force)
    return sbx_fail(e, 0, "delete: container %s: is running (stop it first, or --force)", o->id);
  if (st != OCI_STOPPED && kill_and_wait(&s, e) < 0)
    return -1;
  run_hooks(&s, "poststop", ocistate_json(&s, OCI_STOPPED), false, e);
  ocistate_remove(&s);
  return 0;
}

static int cmd_list(const struct oci_opts *o, struct sbx_error *e)
{
  bool json = o->format && strcmp(o->format, "json") == 0;
  json_object *all = json_object_new_array();
  DIR *d = opendir(o->root);
  struct dirent *de;

  (void)e;
  if (!json)
    printf("ID\tPID\tSTATUS\tBUNDLE\tCREATED\n");
  while (d && (de = readdir(d))) {
    struct oci_state s;
    struct sbx_error ignored;
    if (de->d_name[0] == '.' || ocistate_load(o->root, de->d_name, &s, &ignored) < 0)
      continue;
    enum oci_status st = ocistate_status(&s);
    if (json)
      json_object_array_add(all, json_tokener_parse(ocistate_json(&s, st)));
    else
      printf("%s\t%d\t%s\t%s\t%s\n", s.id, st == OCI_STOPPED ? 0 : (int)s.pid,
             ocistate_status_name(st), s.bundle, s.created);
  }
  if (d)
    closedir(d);
  if (json)
    printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN));
  return 0;
}

static bool same_ns(pid_t a, const char *b_path)
{
  char path[64];
  struct stat sa, sb;
  snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)a);
  return stat(path, &sa) == 0 && stat(b_path, &sb) == 0 && sa.st_ino == sb.st_ino &&
         sa.st_dev == sb.st_dev;
}

/* The container's processes: those in its PID namespace. */
static int cmd_ps(const struct oci_opts *o, struct sbx_error *e)
{
  struct oci_state s;
  char ns[64];
  DIR *d;
  struct dirent *de;
  json_object *pids = json_object_new_array();
  uint64_t pid;

  if (ocistate_load(o->root, o->id, &s, e) < 0)
    return -1;
  if (ocistate_status(&s) == OCI_STOPPED)
    return sbx_fail(e, 0, "ps: container %s: is not running", o->id);
  snprintf(ns, sizeof ns, "/proc/%d/ns/pid", (int)s.pid);
  bool own = !same_ns(getpid(), ns);
  if (!(d = opendir("/proc")))
    return sbx_fail(e, errno, "ps: /proc");
  while ((de = readdir(d)))
    if (parse_u64(de->d_name, INT32_MAX, &pid) == 0 &&
        ((own && same_ns((pid_t)pid, ns)) || (pid_t)pid == s.pid))
      json_object_array_add(pids, json_object_new_int((int)pid));
  closedir(d);
  if (o->format && strcmp(o->format, "json") == 0) {
    printf("%s\n", json_object_to_json_string_ext(pids, JSON_C_TO_STRING_PLAIN));
    return 0;
  }
  printf("PID\n");
  for (size_t i = 0; i < json_object_array_length(pids); i++)
    printf("%d\n", json_object_get_int(json_object_array_get_idx(pids, i)));
  return 0;
}

static int cmd_features(void)
{
  printf("%s\n",
         "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.0.2\","
         "\"hooks\":[\"prestart\",\"createRuntime\",\"poststart\",\"poststop\"],"
         "\"mountOptions\":[\"bind\",\"rbind\",\"ro\",\"nodev\",\"nosuid\",\"mode\",\"size\"],"
         "\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\",\"network\",\"pid\",\"user\",\"uts\"],"
         "\"cgroup\":{\"v1\":false,\"v2\":false,\"systemd\":false,\"systemdUser\":false},"
         "\"seccomp\":{\"enabled\":true,\"actions\":[\"SCMP_ACT_ALLOW\",\"SCMP_ACT_ERRNO\","
         "\"SCMP_ACT_KILL\",\"SCMP_ACT_KILL_PROCESS\",\"SCMP_ACT_KILL_THREAD\",\"SCMP_ACT_LOG\","
         "\"SCMP_ACT_TRACE\",\"SCMP_ACT_TRAP\"],\"operators\":[\"SCMP_CMP_EQ\",\"SCMP_CMP_GE\","
         "\"SCMP_CMP_GT\",\"SCMP_CMP_LE\",\"SCMP_CMP_LT\",\"SCMP_CMP_MASKED_EQ\",\"SCMP_CMP_NE\"]}},"
         "\"annotations\":{\"org.opencontainers.runc.version\":\"sandbox-oci\"}}");
  return 0;
}

static int dispatch(struct oci_opts *o, struct plan *plan, struct sbx_error *e)
{
  static const struct { const char *name; int (*fn)(const struct oci_opts *, struct sbx_error *); }
  by_id[] = { { "state", cmd_state }, { "start", cmd_start }, { "kill", cmd_kill },
              { "delete", cmd_delete }, { "ps", cmd_ps }, { "exec", oci_exec } };

  if (!o->command)
    return sbx_fail(e, 0, "no command (create, start, state, kill, delete, exec, list, ps, features)");
  if (!strcmp(o->command, "list"))
    return cmd_list(o, e);
  if (!strcmp(o->command, "features"))
    return cmd_features();
  if (!strcmp(o->command, "create"))
    return need_id(o, e) < 0 ? -1 : oci_create(o, plan, e);
  for (size_t i = 0; i < ARRAY_SIZE(by_id); i++)
    if (!strcmp(o->command, by_id[i].name))
      return need_id(o, e) < 0 ? -1 : by_id[i].fn(o, e);
  return sbx_fail(e, 0, "unknown command '%s'", o->command);
}

int oci_main(int argc, char **argv, struct plan *plan, struct sbx_error *e)
{
  struct oci_opts o = { 0 };
  int r;

  if (argc > 1 && strcmp(argv[1], "init") == 0)
    return ociinit_main(argc, argv);
  r = parse(argc, argv, &o, e);
  if (r == 0)
    r = dispatch(&o, plan, e);
  fflush(stdout);
  if (r >= 0)
    return r;
  sbx_error_print(e);
  log_error(&o, e);
  return 1;
}
