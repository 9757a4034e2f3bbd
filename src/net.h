/* The sandbox's network: --net, --publish, --net-host-loopback, --netns,
 * --ip (sandbox personality; doc/design.md, "Network").
 *
 * netopt.c turns the option values into plan data without touching the
 * system (unit-tested, fuzzed).  net.c checks the plan as the caller
 * (helper binary, /dev/net/tun, host ports) and, in the launcher, runs the
 * user-mode helper (pasta or slirp4netns) against the child's network
 * namespace while the child builds its root.  bridge.c does --net bridge
 * over rtnetlink; netns.c brings up lo and joins --netns. */
#ifndef SBX_NET_H
#define SBX_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct plan;
struct sbx_error;

enum net_mode {
  NET_NONE,   /* a namespace of its own with lo only (the default) */
  NET_HOST,   /* the caller's namespace (--share-net) */
  NET_PASTA,  /* pasta connects a namespace of its own */
  NET_SLIRP,  /* slirp4netns does */
  NET_BRIDGE, /* a veth pair to a host bridge (root or CAP_NET_ADMIN) */
  NET_JOIN,   /* --netns: an existing namespace */
};

/* One --publish [HOSTIP:]HOSTPORT:SANDBOXPORT[/tcp|/udp]. */
struct net_publish {
  const char *arg;  /* as given, for messages */
  int family;       /* AF_INET or AF_INET6 */
  char host_ip[46]; /* INET6_ADDRSTRLEN, in the form inet_ntop gives */
  unsigned host_port, sandbox_port;
  bool udp;
};

/* IPv4, host byte order, for --ip and the bridge's lease. */
struct net_lease {
  uint32_t addr;    /* the sandbox's address on eth0 */
  uint32_t gateway; /* the bridge's address: the default route */
  uint32_t prefix;  /* of both */
};

struct plan_net {
  enum net_mode mode;
  const char *mode_arg;  /* the --net value as given, for messages */
  bool mode_given;       /* --net or --share-net said which */
  const char **helper_args; /* pasta:ARGS, slirp4netns:ARGS, split at commas */
  size_t n_helper_args;
  struct net_publish *publish;
  size_t n_publish, cap_publish;
  bool host_loopback;    /* --net-host-loopback */
  const char *bridge;    /* --net bridge=NAME */
  bool ip_set;           /* --ip ADDR/PREFIX */
  struct net_lease ip;   /* .addr and .prefix */
  const char *netns_arg; /* --netns PATH|FD as given */
  int netns_fd;          /* --netns FD, or -1 */
  const char *helper_path; /* the helper binary, found in PATH (net_check) */
};

/* ---- netopt.c: option values to plan data ---- */
void net_init(struct plan_net *n);
/* --share-net is --net host; --unshare-net and --unshare-all undo it. */
void net_follow_share(struct plan_net *n, bool share);
/* --net MODE; the caller sets the namespace bit from n->mode. */
int net_parse_mode(struct plan_net *n, const char *arg, struct sbx_error *e);
int net_parse_publish(struct plan_net *n, const char *arg, struct sbx_error *e);
int net_parse_ip(struct plan_net *n, const char *arg, struct sbx_error *e);
int net_parse_netns(struct plan_net *n, const char *arg, struct sbx_error *e);
/* Combinations, once the namespace set is known (plan_finish). */
int net_finish(struct plan *p, struct sbx_error *e);
/* The helper's DNS forwarder, for the implicit /etc/resolv.conf; NULL
 * when the mode has none. */
const char *net_nameserver(const struct plan_net *n);
/* The child waits for the launcher's word that the network is ready. */
bool net_child_waits(const struct plan *p);
/* The option that chose the mode, for messages: "--net pasta". */
const char *net_mode_name(const struct plan_net *n);

/* ---- net.c: checks as the caller, and the launcher's side ---- */
/* Helper binary, /dev/net/tun, host ports: before anything exists. */
int net_check(struct plan *p, struct sbx_error *e);

/* What the launcher holds for the sandbox's lifetime. */
struct net_run {
  pid_t helper;     /* pasta or slirp4netns, or -1 */
  int ready_fd;     /* its readiness pipe, -1 once read */
  int log_fd;       /* a memfd with its stdout and stderr */
  int exit_fd;      /* slirp4netns --exit-fd: our end; it exits when we do */
  char api_dir[64]; /* slirp4netns's API socket directory while ports are set */
  char veth[16];    /* --net bridge: the host end (IFNAMSIZ) */
  struct net_lease lease; /* --net bridge: sent to the child with MSG_GO */
};
void net_run_init(struct net_run *r);
/* Starts the helper, or attaches the bridge, for the child's namespaces. */
int net_start(const struct plan *p, pid_t child, struct net_run *r, struct sbx_error *e);
/* The fd to poll until the network is ready, or -1 when it already is. */
int net_wait_fd(const struct net_run *r);
/* Called when net_wait_fd is readable: 1 ready, 0 not yet, -1 failed. */
int net_ready(const struct plan *p, struct net_run *r, struct sbx_error *e);
/* What comes after readiness: slirp4netns's published ports. */
int net_after_ready(const struct plan *p, struct net_run *r, struct sbx_error *e);
/* Ends the helper (and waits for it), removes the veth. Idempotent. */
void net_stop(struct net_run *r);
/* The helper failed or timed out: its last words, for the message. */
int net_helper_error(const struct plan *p, struct net_run *r, const char *what,
                     struct sbx_error *e);

/* ---- netns.c: lo, --netns ---- */
/* In the child: brings up lo in its new network namespace. */
int netns_loopback_up(struct sbx_error *e);
/* Opens the path (or checks the fd) as the caller: a network namespace. */
int netns_open(struct plan_net *n, struct sbx_error *e);
/* In the launcher, before clone: joins it, through its owning user
 * namespace when that is not the caller's. */
int netns_join(const struct plan_net *n, struct sbx_error *e);

/* ---- in the child, once the launcher's MSG_GO has come ---- */
int net_configure_inside(const struct plan *p, const struct net_lease *lease,
                         struct sbx_error *e);

#endif
