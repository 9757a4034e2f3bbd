/* Hooks (ocihooks.h).  Each runs in the runtime's own namespaces, as the
 * runtime spec says for the hooks run by the runtime; stdin is the
 * container's state. */
#include "ocihooks.h"

#include "error.h"
#include "signals.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Starts the hook with the read end of a pipe on stdin; *in is the
 * write end, non-blocking, so that wait_hook's clock runs while the state
 * is written to a hook that may never read it. */
static pid_t spawn(const char *path, char **args, char **env, int *in, struct sbx_error *e)
{
  int pv[2];
  pid_t pid;

  if (pipe2(pv, O_CLOEXEC) < 0)
    return sbx_fail(e, errno, "hook %s: pipe", path);
  pid = fork();
  if (pid < 0) {
    close(pv[0]);
    close(pv[1]);
    return sbx_fail(e, errno, "hook %s: fork", path);
  }
  if (pid == 0) {
    dup2(pv[0], 0);
    unblock_all_signals();
    execve(path, args[0] ? args : (char *[]){ (char *)path, NULL }, env);
    _exit(127);
  }
  close(pv[0]);
  signal(SIGPIPE, SIG_IGN);
  fcntl(pv[1], F_SETFL, O_NONBLOCK);
  *in = pv[1];
  return pid;
}

/* Writes what the pipe takes of the input; closes it once all is written
 * or the hook has closed its end. */
static void feed(int *in, const char **input)
{
  ssize_t n = write(*in, *input, strlen(*input));
  if (n > 0)
    *input += n;
  if ((n < 0 && errno != EAGAIN && errno != EINTR) || !**input) {
    close(*in);
    *in = -1;
  }
}

static int hook_status(pid_t pid, const char *path, struct sbx_error *e)
{
  int st;
  if (waitpid(pid, &st, 0) < 0)
    return sbx_fail(e, errno, "hook %s: wait", path);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    return sbx_fail(e, 0, "hook %s: failed with status %d", path, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
  return 0;
}

/* Feeds the input and waits for PID, at most TIMEOUT seconds in all (0:
 * no limit), through a pidfd. */
static int wait_hook(pid_t pid, int in, const char *input, int timeout, const char *path,
                     struct sbx_error *e)
{
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), st;
  uint64_t deadline = now_us() + (uint64_t)timeout * 1000000u;
  struct pollfd pfd[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = in, .events = POLLOUT } };

  if (pidfd < 0) /* no pidfd (before Linux 5.3): no clock either */
    fcntl(in, F_SETFL, 0);
  while (pidfd < 0 && in >= 0)
    feed(&in, &input);
  while (pidfd >= 0) {
    uint64_t now = now_us();
    if (timeout > 0 && now >= deadline)
      break;
    pfd[1].fd = in;
    if (poll(pfd, 2, timeout > 0 ? (int)((deadline - now) / 1000) + 1 : -1) < 0 && errno != EINTR)
      break;
    if (pfd[1].revents)
      feed(&in, &input);
    if (pfd[0].revents) {
      close(pidfd);
      pidfd = -1;
    }
  }
  if (in >= 0)
    close(in);
  if (pidfd >= 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    close(pidfd);
    return sbx_fail(e, 0, "hook %s: still running after %d s", path, timeout);
  }
  return hook_status(pid, path, e);
}

static int run_one(json_object *hook, const char *where, const char *input, struct sbx_error *e)
{
  _cleanup_free_ char **args = NULL, **env = NULL;
  const char *path;
  size_t n;
  uint64_t timeout = 0;
  bool set;
  pid_t pid;
  int in = -1;

  if (ocijson_str(hook, where, "path", &path, e) < 0 ||
      ocijson_strv(hook, where, "args", &args, &n, e) < 0 ||
      ocijson_strv(hook, where, "env", &env, &n, e) < 0 ||
      ocijson_uint(hook, where, "timeout", 3600, &timeout, &set, e) < 0)
    return -1;
  if (!path || path[0] != '/')
    return sbx_fail(e, 0, "config: %s.path: must be an absolute path", where);
  if ((pid = spawn(path, args, env, &in, e)) < 0)
    return -1;
  return wait_hook(pid, in, input, (int)timeout, path, e);
}

int ocihooks_run(json_object *hooks, const char *kind, const char *state_json,
                 struct sbx_error *e)
{
  json_object *list;
  char where[64];

  if (ocijson_get(hooks, "hooks", kind, json_type_array, &list, e) < 0)
    return -1;
  for (size_t i = 0; list && i < json_object_array_length(list); i++) {
    snprintf(where, sizeof where, "hooks.%s[%zu]", kind, i);
    if (run_one(json_object_array_get_idx(list, i), where, state_json, e) < 0)
      return -1;
  }
  return 0;
}
