/* The launcher's side of the sandbox's network (net.h; doc/design.md,
 * "Network"): checks as the caller before anything exists, then the
 * user-mode helper, pasta or slirp4netns, started against the child's
 * namespaces right after clone() and waited for while the child builds its
 * root.
 *
 * The helper is the launcher's own child: in a session of its own (the
 * terminal's signals are the command's), with PR_SET_PDEATHSIG so that it
 * dies with the launcher even when that is killed, and ended by the
 * launcher with the sandbox in every other case.  Its output goes to a
 * memfd that nobody has to drain, read only to explain a failure. */
#include "net.h"

#include "bridge.h"
#include "caps.h"
#include "error.h"
#include "plan.h"
#include "signals.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* What each helper is called and which Debian package has it. */
struct helper_def {
  const char *name;
  const char *package;
};
static const struct helper_def pasta_def = { "pasta", "passt" };
static const struct helper_def slirp_def = { "slirp4netns", "slirp4netns" };

static const struct helper_def *helper_of(const struct plan_net *n)
{
  return n->mode == NET_PASTA ? &pasta_def : n->mode == NET_SLIRP ? &slirp_def : NULL;
}

/* ---- checks as the caller ---------------------------------------------- */

/* The first executable NAME in $PATH, as execvp would find it. */
static char *find_in_path(const char *name)
{
  const char *path = getenv("PATH");

  if (!path || !*path)
    path = "/usr/local/bin:/usr/bin:/bin";
  while (*path) {
    size_t len = strcspn(path, ":");
    char *full = xmalloc(len + strlen(name) + 3);
    snprintf(full, len + strlen(name) + 3, "%.*s/%s", (int)len, len ? path : ".", name);
    if (access(full, X_OK) == 0)
      return full;
    free(full);
    path += len + (path[len] == ':');
  }
  return NULL;
}

static int check_helper(struct plan_net *n, struct sbx_error *e)
{
  const struct helper_def *h = helper_of(n);

  n->helper_path = find_in_path(h->name);
  if (!n->helper_path) {
    sbx_fail(e, 0, "%s: the helper program '%s' is not installed (not found in PATH)",
             net_mode_name(n), h->name);
    sbx_hint(e, "apt-get install %s", h->package);
    return -1;
  }
  return 0;
}

/* Both helpers open /dev/net/tun as the caller: a device only root may
 * open would otherwise fail them with a message about a tap device. */
static int check_tun(const struct plan_net *n, struct sbx_error *e)
{
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

  if (fd >= 0) {
    close(fd);
    return 0;
  }
  sbx_fail(e, errno, "%s: the helper needs /dev/net/tun", net_mode_name(n));
  if (errno == ENOENT)
    sbx_hint(e, "load the tun module: modprobe tun");
  else
    sbx_hint(e, "the TUN device must be open to every user, as udev makes it: "
                "chmod 0666 /dev/net/tun");
  return -1;
}

static void fill_sockaddr(const struct net_publish *pub, struct sockaddr_storage *ss,
                          socklen_t *len)
{
  memset(ss, 0, sizeof *ss);
  if (pub->family == AF_INET6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)pub->host_port);
    inet_pton(AF_INET6, pub->host_ip, &s6->sin6_addr);
    *len = sizeof *s6;
    return;
  }
  struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
  s4->sin_family = AF_INET;
  s4->sin_port = htons((uint16_t)pub->host_port);
  inet_pton(AF_INET, pub->host_ip, &s4->sin_addr);
  *len = sizeof *s4;
}

/* Binds the host port the way the helper will (SO_REUSEADDR for TCP, so
 * that a connection in TIME_WAIT does not count), and lets it go again:
 * a port that is taken fails here, before anything exists, with a
 * message about the port rather than the helper's about itself. */
static int check_port(const struct net_publish *pub, struct sbx_error *e)
{
  struct sockaddr_storage ss;
  socklen_t len;
  int one = 1;
  _cleanup_close_ int s =
      socket(pub->family, (pub->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

  if (s < 0)
    return sbx_fail(e, errno, "--publish %s: socket", pub->arg);
  fill_sockaddr(pub, &ss, &len);
  if (!pub->udp)
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(s, (struct sockaddr *)&ss, len) == 0)
    return 0;
  sbx_fail(e, errno, "--publish %s: host port %u/%s on %s", pub->arg, pub->host_port,
           pub->udp ? "udp" : "tcp", pub->host_ip);
  if (errno == EACCES && pub->host_port < 1024)
    sbx_hint(e, "ports below 1024 need root, or sysctl net.ipv4.ip_unprivileged_port_start");
  else if (errno == EADDRNOTAVAIL)
    sbx_hint(e, "%s is not an address of this host", pub->host_ip);
  return -1;
}

static int check_bridge(const struct plan_net *n, struct sbx_error *e)
{
  if (geteuid() == 0 || (caps_current() & (UINT64_C(1) << CAP_NET_ADMIN)))
    return 0;
  return sbx_fail(e, 0, "--net bridge=%s needs root or CAP_NET_ADMIN: the bridge and the "
                  "veth pair are made in the host's network namespace", n->bridge);
}

int net_check(struct plan *p, struct sbx_error *e)
{
  struct plan_net *n = &p->net;

  if (n->mode == NET_JOIN)
    return netns_open(n, e);
  if (n->mode == NET_BRIDGE)
    return check_bridge(n, e);
  if (!helper_of(n))
    return 0;
  if (check_helper(n, e) < 0 || check_tun(n, e) < 0)
    return -1;
  for (size_t i = 0; i < n->n_publish; i++)
    if (check_port(&n->publish[i], e) < 0)
      return -1;
  return 0;
}

/* ---- the helper's command line ----------------------------------------- */

struct argv_buf {
  const char **v;
  size_t n, cap;
};

static void push(struct argv_buf *a, const char *s)
{
  xgrow(&a->v, &a->cap, a->n + 2, sizeof *a->v);
  a->v[a->n++] = s;
  a->v[a->n] = NULL;
}

__attribute__((format(printf, 2, 3)))
static void pushf(struct argv_buf *a, const char *fmt, ...)
{
  char *s;
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&s, fmt, ap) < 0)
    s = NULL;
  va_end(ap);
  if (!s) {
    sbx_warn("out of memory");
    _exit(SBX_EXIT_SETUP);
  }
  push(a, s);
}

/* pasta: no port forwarded either way but those published (its defaults
 * forward every port bound on either side, which would open the host's
 * loopback), the gateway not mapped to the host unless asked, and DNS
 * answered at the address of the sandbox's resolv.conf. */
static void pasta_argv(const struct plan_net *n, pid_t child, int ready_fd, struct argv_buf *a)
{
  bool tcp = false, udp = false;

  push(a, n->helper_path);
  push(a, "--foreground");
  push(a, "--quiet");
  /* Started by root, pasta would switch to nobody, who may not join the
   * sandbox's namespaces (root's); as the caller, always. */
  push(a, "--runas");
  pushf(a, "%u:%u", (unsigned)getuid(), (unsigned)getgid());
  push(a, "--config-net");
  push(a, "--ns-ifname");
  push(a, "eth0");
  push(a, "--dns-forward");
  push(a, net_nameserver(n));
  push(a, "--tcp-ns");
  push(a, "none");
  push(a, "--udp-ns");
  push(a, "none");
  if (!n->host_loopback)
    push(a, "--no-map-gw");
  for (size_t i = 0; i < n->n_publish; i++) {
    const struct net_publish *pub = &n->publish[i];
    push(a, pub->udp ? "--udp-ports" : "--tcp-ports");
    pushf(a, "%s/%u:%u", pub->host_ip, pub->host_port, pub->sandbox_port);
    tcp |= !pub->udp;
    udp |= pub->udp;
  }
  if (!tcp) {
    push(a, "--tcp-ports");
    push(a, "none");
  }
  if (!udp) {
    push(a, "--udp-ports");
    push(a, "none");
  }
  push(a, "--pid");
  pushf(a, "/proc/self/fd/%d", ready_fd);
  for (size_t i = 0; i < n->n_helper_args; i++)
    push(a, n->helper_args[i]);
  pushf(a, "%d", (int)child);
}

/* slirp4netns: its own sandbox and seccomp filter (it parses every packet
 * the sandbox sends), the host's loopback closed unless asked, the API
 * socket only to publish ports. */
static void slirp_argv(const struct plan_net *n, const struct net_run *r, pid_t child,
                       int ready_fd, int exit_fd, struct argv_buf *a)
{
  push(a, n->helper_path);
  push(a, "--configure");
  push(a, "--mtu=65520");
  push(a, "--enable-sandbox");
  push(a, "--enable-seccomp");
  if (!n->host_loopback)
    push(a, "--disable-host-loopback");
  pushf(a, "--ready-fd=%d", ready_fd);
  pushf(a, "--exit-fd=%d", exit_fd);
  pushf(a, "--userns-path=/proc/%d/ns/user", (int)child);
  if (r->api_dir[0])
    pushf(a, "--api-socket=%s/api.sock", r->api_dir);
  for (size_t i = 0; i < n->n_helper_args; i++)
    push(a, n->helper_args[i]);
  pushf(a, "%d", (int)child);
  push(a, "eth0");
}

/* ---- starting it --------------------------------------------------------- */

void net_run_init(struct net_run *r)
{
  memset(r, 0, sizeof *r);
  r->helper = -1;
  r->ready_fd = r->log_fd = r->exit_fd = -1;
}

/* In the vforked child, up to exec: plain system calls only. */
static void helper_exec(const char *const *argv, pid_t launcher, const int fds[4])
{
  const int keep[2] = { fds[2], fds[3] };

  setsid();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != launcher)
    _exit(127);
  unblock_all_signals();
  if (dup2(fds[0], 0) < 0 || dup2(fds[1], 1) < 0 || dup2(fds[1], 2) < 0)
    _exit(127);
  for (size_t i = 0; i < 2; i++)
    if (keep[i] >= 0)
      fcntl(keep[i], F_SETFD, 0);
  close_fds_except(keep, 2);
  execv(argv[0], (char *const *)argv);
  if (write(2, "exec failed\n", 12) < 0)
    _exit(127);
  _exit(127);
}

/* A private directory for slirp4netns's API socket, which it can only
 * bind to a path; removed as soon as the ports are set (net_after_ready). */
static int make_api_dir(struct net_run *r, struct sbx_error *e)
{
  const char *base = getenv("XDG_RUNTIME_DIR");

  if (!base || base[0] != '/' || strlen(base) > sizeof r->api_dir - 24)
    base = "/tmp";
  snprintf(r->api_dir, sizeof r->api_dir, "%s/sandbox-net.XXXXXX", base);
  if (!mkdtemp(r->api_dir)) {
    int err = errno;
    r->api_dir[0] = '\0';
    return sbx_fail(e, err, "--publish: create a directory for slirp4netns's API socket");
  }
  return 0;
}

struct helper_fds {
  int devnull, ready[2], exit_[2];
};

static void close_helper_fds(struct helper_fds *f)
{
  int *all[] = { &f->devnull, &f->ready[0], &f->ready[1], &f->exit_[0], &f->exit_[1] };
  for (size_t i = 0; i < ARRAY_SIZE(all); i++)
    if (*all[i] >= 0)
      close(steal_fd(all[i]));
}

static int open_helper_fds(const struct plan_net *n, struct net_run *r, struct helper_fds *f,
                           struct sbx_error *e)
{
  f->devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (f->devnull < 0)
    return sbx_fail(e, errno, "open /dev/null");
  r->log_fd = memfd_create("sandbox-net-helper", MFD_CLOEXEC);
  if (r->log_fd < 0)
    return sbx_fail(e, errno, "%s: memfd_create", net_mode_name(n));
  if (pipe2(f->ready, O_CLOEXEC) < 0)
    return sbx_fail(e, errno, "%s: pipe", net_mode_name(n));
  if (n->mode == NET_SLIRP && pipe2(f->exit_, O_CLOEXEC) < 0)
    return sbx_fail(e, errno, "%s: pipe", net_mode_name(n));
  return 0;
}

static int spawn_helper(const struct plan *p, pid_t child, struct net_run *r,
                        struct sbx_error *e)
{
  const struct plan_net *n = &p->net;
  struct helper_fds f = { -1, { -1, -1 }, { -1, -1 } };
  struct argv_buf a = { 0 };
  pid_t launcher = getpid();

  if (open_helper_fds(n, r, &f, e) < 0 || (n->mode == NET_SLIRP && n->n_publish &&
                                           make_api_dir(r, e) < 0)) {
    close_helper_fds(&f);
    return -1;
  }
  if (n->mode == NET_PASTA)
    pasta_argv(n, child, f.ready[1], &a);
  else
    slirp_argv(n, r, child, f.ready[1], f.exit_[0], &a);
  const int fds[4] = { f.devnull, r->log_fd, f.ready[1], f.exit_[0] };
  r->helper = vfork();
  if (r->helper == 0)
    helper_exec(a.v, launcher, fds);
  int err = errno;
  /* The arguments that pushf made, past the fixed ones, are left to the
   * launcher's exit: a handful of short strings. */
  free(a.v);
  r->ready_fd = steal_fd(&f.ready[0]);
  r->exit_fd = steal_fd(&f.exit_[1]);
  close_helper_fds(&f);
  if (r->helper < 0)
    return sbx_fail(e, err, "%s: fork the helper", net_mode_name(n));
  return 0;
}

int net_start(const struct plan *p, pid_t child, struct net_run *r, struct sbx_error *e)
{
  if (p->net.mode == NET_BRIDGE)
    return bridge_attach(p->net.bridge, &p->net, child, r->veth, &r->lease, e);
  return spawn_helper(p, child, r, e);
}

int net_wait_fd(const struct net_run *r)
{
  return r->ready_fd;
}

/* ---- readiness, failure ---------------------------------------------------- */

static bool says_nothing(const char *l)
{
  return strspn(l, " \t\r") == strlen(l) || strstr(l, "to syslog") ||
         strncmp(l, "WARNING:", 8) == 0;
}

/* The helper's last line that says something: its log may end with
 * complaints about a missing syslog that explain nothing, and after a bad
 * option with its usage, which the line before explains. */
static void last_words(int fd, char *out, size_t size)
{
  char buf[4096];
  ssize_t n = fd >= 0 ? pread(fd, buf, sizeof buf - 1, 0) : -1;
  char *line = NULL;

  out[0] = '\0';
  buf[n > 0 ? n : 0] = '\0';
  for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    if (strncasecmp(l, "usage:", 6) == 0 && line)
      break;
    if (!says_nothing(l))
      line = l;
  }
  if (line)
    snprintf(out, size, "%s", line);
}

static void describe_exit(int st, char *out, size_t size)
{
  if (WIFSIGNALED(st))
    snprintf(out, size, "killed by signal %d", WTERMSIG(st));
  else
    snprintf(out, size, "exit status %d", WEXITSTATUS(st));
}

int net_helper_error(const struct plan *p, struct net_run *r, const char *what,
                     struct sbx_error *e)
{
  char words[512], how[48] = "";
  int st;

  if (r->helper > 0) {
    kill(r->helper, SIGKILL);
    if (waitpid(r->helper, &st, 0) == r->helper)
      describe_exit(st, how, sizeof how);
    r->helper = -1;
  }
  last_words(r->log_fd, words, sizeof words);
  sbx_fail(e, 0, "%s: the helper %s %s%s%s%s%s%s", net_mode_name(&p->net),
           p->net.helper_path, what, how[0] ? " (" : "", how, how[0] ? ")" : "",
           words[0] ? ": " : "", words);
  return -1;
}

int net_ready(const struct plan *p, struct net_run *r, struct sbx_error *e)
{
  char buf[32];
  ssize_t n = read(r->ready_fd, buf, sizeof buf);

  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 0;
  close(steal_fd(&r->ready_fd));
  /* pasta writes its pid, slirp4netns "1"; anything else is its end. */
  if (n > 0)
    return 1;
  return net_helper_error(p, r, "stopped before the network was ready", e);
}

/* ---- slirp4netns's published ports ---------------------------------------- */

/* One request, one answer: the API wants the write side shut after each
 * request (doc/design.md, "Network"). */
static int api_call(const char *sock_path, const char *req, char *reply, size_t size)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  size_t got = 0;
  ssize_t n;

  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
  if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof sa) < 0 ||
      write_all(s, req, strlen(req)) < 0 || shutdown(s, SHUT_WR) < 0)
    return -1;
  while (got < size - 1 && ((n = read(s, reply + got, size - 1 - got)) > 0 ||
                            (n < 0 && errno == EINTR)))
    got += n > 0 ? (size_t)n : 0;
  reply[got] = '\0';
  return 0;
}

static int slirp_publish(const char *sock_path, const struct net_publish *pub,
                         struct sbx_error *e)
{
  char req[256], reply[1024];

  snprintf(req, sizeof req, "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", "
           "\"host_addr\": \"%s\", \"host_port\": %u, \"guest_port\": %u}}",
           pub->udp ? "udp" : "tcp", pub->host_ip, pub->host_port, pub->sandbox_port);
  if (api_call(sock_path, req, reply, sizeof reply) < 0)
    return sbx_fail(e, errno, "--publish %s: slirp4netns's API socket", pub->arg);
  if (strstr(reply, "\"return\""))
    return 0;
  /* Its one error for a port it cannot bind says nothing of the port. */
  reply[strcspn(reply, "\n")] = '\0';
  return sbx_fail(e, 0, "--publish %s: host port %u/%s on %s: slirp4netns could not "
                  "forward it: %s", pub->arg, pub->host_port, pub->udp ? "udp" : "tcp",
                  pub->host_ip, reply);
}

static void remove_api_dir(struct net_run *r)
{
  char path[sizeof r->api_dir + 16];

  if (!r->api_dir[0])
    return;
  snprintf(path, sizeof path, "%s/api.sock", r->api_dir);
  unlink(path);
  rmdir(r->api_dir);
  r->api_dir[0] = '\0';
}

int net_after_ready(const struct plan *p, struct net_run *r, struct sbx_error *e)
{
  char path[sizeof r->api_dir + 16];
  int ret = 0;

  if (!r->api_dir[0])
    return 0;
  snprintf(path, sizeof path, "%s/api.sock", r->api_dir);
  for (size_t i = 0; ret == 0 && i < p->net.n_publish; i++)
    ret = slirp_publish(path, &p->net.publish[i], e);
  remove_api_dir(r);
  return ret;
}

/* ---- the end ---------------------------------------------------------------- */

void net_stop(struct net_run *r)
{
  if (r->helper > 0) {
    kill(r->helper, SIGKILL);
    while (waitpid(r->helper, NULL, 0) < 0 && errno == EINTR)
      ;
    r->helper = -1;
  }
  remove_api_dir(r);
  if (r->veth[0]) {
    bridge_detach(r->veth);
    r->veth[0] = '\0';
  }
  int *fds[] = { &r->ready_fd, &r->log_fd, &r->exit_fd };
  for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
    if (*fds[i] >= 0)
      close(steal_fd(fds[i]));
}

int net_configure_inside(const struct plan *p, const struct net_lease *lease,
                         struct sbx_error *e)
{
  if (p->net.mode != NET_BRIDGE)
    return 0;
  return bridge_configure_inside(lease, e);
}
