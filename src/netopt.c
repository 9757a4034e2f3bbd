/* --net, --publish, --ip and --netns values into the plan, and their
 * combinations.  No system call beyond address parsing, so that the
 * command line parser stays testable and fuzzable (net.h). */
#include "net.h"

#include "error.h"
#include "plan.h"
#include "util.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

void net_init(struct plan_net *n)
{
  memset(n, 0, sizeof *n);
  n->netns_fd = -1;
}

/* The DNS forwarders the helpers answer on, inside (sandbox(1), NETWORK):
 * slirp4netns's is fixed for its default 10.0.2.0/24; pasta's is whatever
 * --dns-forward names, and a link-local address can never be a real host
 * of the sandbox's network. */
#define SLIRP_DNS "10.0.2.3"
#define PASTA_DNS "169.254.1.1"

const char *net_nameserver(const struct plan_net *n)
{
  if (n->mode == NET_PASTA)
    return PASTA_DNS;
  if (n->mode == NET_SLIRP)
    return SLIRP_DNS;
  return NULL;
}

bool net_child_waits(const struct plan *p)
{
  enum net_mode m = p->net.mode;
  return m == NET_PASTA || m == NET_SLIRP || m == NET_BRIDGE;
}

const char *net_mode_name(const struct plan_net *n)
{
  switch (n->mode) {
  case NET_PASTA: return "--net pasta";
  case NET_SLIRP: return "--net slirp4netns";
  case NET_BRIDGE: return "--net bridge";
  case NET_JOIN: return "--netns";
  case NET_HOST: return "--net host";
  case NET_NONE: break;
  }
  return "--net none";
}

/* "pasta:-a,10.0.0.2" -> { "-a", "10.0.0.2" }: one argument per
 * comma-separated word, appended to the helper's own (sandbox(1),
 * --net): a single option value that a shell needs no array for. */
static int split_helper_args(struct plan_net *n, const char *args, struct sbx_error *e)
{
  size_t cap = 0;
  const char *p = args;

  for (;;) {
    size_t len = strcspn(p, ",");
    if (len == 0)
      return sbx_fail(e, 0, "--net %s: empty helper argument", n->mode_arg);
    char *word = xmalloc(len + 1);
    memcpy(word, p, len);
    word[len] = '\0';
    xgrow(&n->helper_args, &cap, n->n_helper_args + 1, sizeof *n->helper_args);
    n->helper_args[n->n_helper_args++] = word;
    if (!p[len])
      return 0;
    p += len + 1;
  }
}

/* An interface name the kernel accepts: 1-15 bytes, no '/', ':' or
 * blank, not "." or "..". */
static bool valid_ifname(const char *s)
{
  size_t n = strlen(s);
  if (n == 0 || n > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
    return false;
  return strcspn(s, "/: \t\n\r\v\f") == n;
}

static void forget_helper_args(struct plan_net *n)
{
  for (size_t i = 0; i < n->n_helper_args; i++)
    free((char *)n->helper_args[i]);
  free(n->helper_args);
  n->helper_args = NULL;
  n->n_helper_args = 0;
}

void net_follow_share(struct plan_net *n, bool share)
{
  if (share) {
    forget_helper_args(n);
    n->mode = NET_HOST;
    n->mode_arg = "host";
    n->mode_given = true;
    n->bridge = NULL;
  } else if (n->mode == NET_HOST) {
    n->mode = NET_NONE;
    n->mode_arg = "none";
  }
}

static int parse_helper(struct plan_net *n, const char *arg, const char *name,
                        enum net_mode mode, struct sbx_error *e)
{
  size_t len = strlen(name);

  if (strncmp(arg, name, len) != 0 || (arg[len] != '\0' && arg[len] != ':'))
    return 0;
  n->mode = mode;
  if (arg[len] == ':')
    return split_helper_args(n, arg + len + 1, e) < 0 ? -1 : 1;
  return 1;
}

int net_parse_mode(struct plan_net *n, const char *arg, struct sbx_error *e)
{
  int r;

  /* The last --net wins whole, as for --share-net and --unshare-net. */
  forget_helper_args(n);
  n->mode_arg = arg;
  n->mode_given = true;
  n->bridge = NULL;
  if (strcmp(arg, "none") == 0) {
    n->mode = NET_NONE;
    return 0;
  }
  if (strcmp(arg, "host") == 0) {
    n->mode = NET_HOST;
    return 0;
  }
  if ((r = parse_helper(n, arg, "pasta", NET_PASTA, e)) != 0 ||
      (r = parse_helper(n, arg, "slirp4netns", NET_SLIRP, e)) != 0)
    return r < 0 ? -1 : 0;
  if (strncmp(arg, "bridge=", 7) == 0) {
    if (!valid_ifname(arg + 7))
      return sbx_fail(e, 0, "--net %s: invalid bridge name '%s': 1 to 15 bytes, "
                      "no '/', ':' or blank", arg, arg + 7);
    n->mode = NET_BRIDGE;
    n->bridge = arg + 7;
    return 0;
  }
  return sbx_fail(e, 0, "--net: unknown mode '%s': expected none, host, pasta[:ARGS], "
                  "slirp4netns[:ARGS] or bridge=NAME", arg);
}

static int parse_port(const char *s, size_t len, unsigned *out)
{
  char buf[8];
  uint64_t v;

  if (len == 0 || len >= sizeof buf)
    return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  if (parse_u64(buf, 65535, &v) < 0 || v == 0)
    return -1;
  *out = (unsigned)v;
  return 0;
}

/* HOSTIP as inet_pton takes it, "[v6]" bracketed; stored normalised. */
static int parse_host_ip(struct net_publish *pub, const char *s, size_t len)
{
  char buf[64];
  unsigned char bin[16];

  if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
    s++;
    len -= 2;
    pub->family = AF_INET6;
  } else {
    pub->family = AF_INET;
  }
  if (len == 0 || len >= sizeof buf)
    return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  if (inet_pton(pub->family, buf, bin) != 1)
    return -1;
  return inet_ntop(pub->family, bin, pub->host_ip, sizeof pub->host_ip) ? 0 : -1;
}

/* Splits off "/tcp" or "/udp"; returns the length of what precedes. */
static int parse_proto(struct net_publish *pub, const char *arg, size_t *len)
{
  const char *slash = strrchr(arg, '/');

  *len = strlen(arg);
  pub->udp = false;
  if (!slash)
    return 0;
  if (strcmp(slash, "/udp") != 0 && strcmp(slash, "/tcp") != 0)
    return -1;
  pub->udp = slash[1] == 'u';
  *len = (size_t)(slash - arg);
  return 0;
}

/* The two ports are the last two ':'-separated fields, so that an IPv6
 * host address in brackets may hold colons of its own. */
static int parse_publish_fields(struct net_publish *pub, const char *arg, size_t len)
{
  const char *end = arg + len, *c2 = NULL, *c1 = NULL;

  for (const char *q = end; q > arg; q--) {
    if (q[-1] != ':')
      continue;
    if (!c2)
      c2 = q - 1;
    else {
      c1 = q - 1;
      break;
    }
  }
  if (!c2 || parse_port(c2 + 1, (size_t)(end - c2 - 1), &pub->sandbox_port) < 0)
    return -1;
  if (!c1) {
    strcpy(pub->host_ip, "127.0.0.1");
    pub->family = AF_INET;
    return parse_port(arg, (size_t)(c2 - arg), &pub->host_port);
  }
  if (parse_port(c1 + 1, (size_t)(c2 - c1 - 1), &pub->host_port) < 0)
    return -1;
  return parse_host_ip(pub, arg, (size_t)(c1 - arg));
}

static bool same_host_port(const struct net_publish *a, const struct net_publish *b)
{
  return a->udp == b->udp && a->host_port == b->host_port && a->family == b->family &&
         strcmp(a->host_ip, b->host_ip) == 0;
}

int net_parse_publish(struct plan_net *n, const char *arg, struct sbx_error *e)
{
  struct net_publish pub = { .arg = arg };
  size_t len;

  if (parse_proto(&pub, arg, &len) < 0 || parse_publish_fields(&pub, arg, len) < 0)
    return sbx_fail(e, 0, "--publish '%s': expected [HOSTIP:]HOSTPORT:SANDBOXPORT[/tcp|/udp], "
                    "ports 1 to 65535, an IPv6 HOSTIP in brackets", arg);
  for (size_t i = 0; i < n->n_publish; i++)
    if (same_host_port(&n->publish[i], &pub))
      return sbx_fail(e, 0, "--publish '%s': host port %u/%s on %s is already published by '%s'",
                      arg, pub.host_port, pub.udp ? "udp" : "tcp", pub.host_ip,
                      n->publish[i].arg);
  xgrow(&n->publish, &n->cap_publish, n->n_publish + 1, sizeof *n->publish);
  n->publish[n->n_publish++] = pub;
  return 0;
}

int net_parse_ip(struct plan_net *n, const char *arg, struct sbx_error *e)
{
  const char *slash = strchr(arg, '/');
  char addr[16];
  struct in_addr in;
  uint64_t prefix;

  if (!slash || (size_t)(slash - arg) >= sizeof addr)
    return sbx_fail(e, 0, "--ip '%s': expected an IPv4 ADDR/PREFIX, as 10.89.0.7/24", arg);
  memcpy(addr, arg, (size_t)(slash - arg));
  addr[slash - arg] = '\0';
  if (inet_pton(AF_INET, addr, &in) != 1 || parse_u64(slash + 1, 30, &prefix) < 0 || prefix < 8)
    return sbx_fail(e, 0, "--ip '%s': expected an IPv4 ADDR/PREFIX, PREFIX 8 to 30", arg);
  n->ip.addr = ntohl(in.s_addr);
  n->ip.prefix = (uint32_t)prefix;
  uint32_t host = n->ip.addr & ~(UINT32_MAX << (32 - prefix));
  if (host == 0 || host == ~(UINT32_MAX << (32 - prefix)))
    return sbx_fail(e, 0, "--ip '%s': the network or broadcast address of its subnet", arg);
  n->ip_set = true;
  return 0;
}

int net_parse_netns(struct plan_net *n, const char *arg, struct sbx_error *e)
{
  uint64_t fd;

  if (!*arg)
    return sbx_fail(e, 0, "--netns: empty value: expected a path or an fd number");
  n->netns_arg = arg;
  n->netns_fd = -1;
  /* A number is an fd, as for every other namespace option; a path in
   * the current directory named by digits is ./123. */
  if (arg[strspn(arg, "0123456789")] == '\0') {
    if (parse_u64(arg, INT32_MAX, &fd) < 0)
      return sbx_fail(e, 0, "--netns: invalid fd '%s'", arg);
    n->netns_fd = (int)fd;
  }
  return 0;
}

/* ---- combinations ----------------------------------------------------- */

static int check_helper_only(const struct plan_net *n, struct sbx_error *e)
{
  bool helper = n->mode == NET_PASTA || n->mode == NET_SLIRP;

  if (n->n_publish && !helper)
    return sbx_fail(e, 0, "--publish %s needs --net pasta or --net slirp4netns (not %s)",
                    n->publish[0].arg, net_mode_name(n));
  if (n->host_loopback && !helper)
    return sbx_fail(e, 0, "--net-host-loopback needs --net pasta or --net slirp4netns (not %s)",
                    net_mode_name(n));
  for (size_t i = 0; n->mode == NET_SLIRP && i < n->n_publish; i++) {
    const struct net_publish *pub = &n->publish[i];
    if (pub->family != AF_INET)
      return sbx_fail(e, 0, "--publish %s: slirp4netns publishes IPv4 host addresses only",
                      pub->arg);
    /* Its answers go back to the client's address, which for a client on
     * the host's loopback is the host's loopback: closed to the sandbox. */
    if (pub->udp && strncmp(pub->host_ip, "127.", 4) == 0 && !n->host_loopback)
      return sbx_fail(e, 0, "--publish %s: slirp4netns cannot answer UDP clients on the "
                      "host's loopback unless --net-host-loopback (or use --net pasta)", pub->arg);
  }
  return 0;
}

int net_finish(struct plan *p, struct sbx_error *e)
{
  struct plan_net *n = &p->net;

  if (n->netns_arg) {
    if (n->mode_given && n->mode != NET_NONE)
      return sbx_fail(e, 0, "--netns %s cannot be combined with --net %s", n->netns_arg,
                      n->mode == NET_HOST ? "host or --share-net" : n->mode_arg);
    n->mode = NET_JOIN;
    p->ns &= ~(unsigned)NS_NET;
  }
  if (n->ip_set && n->mode != NET_BRIDGE)
    return sbx_fail(e, 0, "--ip needs --net bridge=NAME");
  if ((n->mode == NET_PASTA || n->mode == NET_SLIRP || n->mode == NET_BRIDGE) &&
      !(p->ns & NS_NET))
    return sbx_fail(e, 0, "--net %s needs a network namespace of its own: not with --share-net",
                    n->mode_arg);
  return check_helper_only(n, e);
}
