/* --net bridge=NAME over rtnetlink (bridge.h).
 *
 * The host end of each sandbox's veth pair is named after the address the
 * sandbox gets ("sbx" and the address in hex), so that creating it with
 * NLM_F_EXCL is the whole of the address allocation: two sandboxes that
 * pick the same address collide on the name, and the later one takes the
 * next; the lease lives exactly as long as the veth pair, which the kernel
 * deletes with the sandbox's network namespace (doc/design.md, "Network").
 * No file, no lock, nothing to clean up after a crash. */
#include "bridge.h"

#include "error.h"
#include "util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- a minimal rtnetlink message builder ---------------------------------- */

struct nl_req {
  struct nlmsghdr *h;
  char buf[1024];
};

static void nl_start(struct nl_req *r, int type, int flags, const void *body, size_t len)
{
  memset(r->buf, 0, sizeof r->buf);
  r->h = (struct nlmsghdr *)r->buf;
  r->h->nlmsg_len = NLMSG_LENGTH(len);
  r->h->nlmsg_type = (uint16_t)type;
  r->h->nlmsg_flags = (uint16_t)(NLM_F_REQUEST | NLM_F_ACK | flags);
  memcpy(NLMSG_DATA(r->h), body, len);
}

static struct rtattr *nl_attr(struct nl_req *r, int type, const void *data, size_t len)
{
  struct rtattr *a = (struct rtattr *)(r->buf + NLMSG_ALIGN(r->h->nlmsg_len));
  a->rta_type = (unsigned short)type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  if (len)
    memcpy(RTA_DATA(a), data, len);
  r->h->nlmsg_len = NLMSG_ALIGN(r->h->nlmsg_len) + RTA_ALIGN(a->rta_len);
  return a;
}

static void nl_attr_u32(struct nl_req *r, int type, uint32_t v)
{
  nl_attr(r, type, &v, sizeof v);
}

static void nl_attr_str(struct nl_req *r, int type, const char *s)
{
  nl_attr(r, type, s, strlen(s) + 1);
}

/* A nested attribute: open it, add to it, close it with nl_end. */
static struct rtattr *nl_nest(struct nl_req *r, int type)
{
  return nl_attr(r, type, NULL, 0);
}

static void nl_end(struct nl_req *r, struct rtattr *nest)
{
  nest->rta_len = (unsigned short)(r->buf + r->h->nlmsg_len - (char *)nest);
}

static int nl_open(void)
{
  return socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
}

/* Sends the request and reads its acknowledgement: 0, or -errno. */
static int nl_talk(int s, struct nl_req *r)
{
  char reply[4096];
  ssize_t n;

  if (send(s, r->buf, r->h->nlmsg_len, 0) < 0)
    return -errno;
  do
    n = recv(s, reply, sizeof reply, 0);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -errno;
  struct nlmsghdr *h = (struct nlmsghdr *)reply;
  if (!NLMSG_OK(h, (size_t)n) || h->nlmsg_type != NLMSG_ERROR)
    return -EPROTO;
  return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
}

/* ---- links ---------------------------------------------------------------- */

static int link_set(int s, unsigned ifindex, unsigned master, struct sbx_error *e)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = (int)ifindex,
                           .ifi_flags = IFF_UP, .ifi_change = IFF_UP };
  struct nl_req r;
  int err;

  nl_start(&r, RTM_NEWLINK, 0, &ifi, sizeof ifi);
  if (master)
    nl_attr_u32(&r, IFLA_MASTER, master);
  if ((err = nl_talk(s, &r)) < 0)
    return sbx_fail(e, -err, "--net bridge: bring up interface %u", ifindex);
  return 0;
}

static int add_addr(int s, unsigned ifindex, uint32_t addr, uint32_t prefix, struct sbx_error *e)
{
  struct ifaddrmsg ifa = { .ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefix,
                           .ifa_index = ifindex, .ifa_scope = RT_SCOPE_UNIVERSE };
  uint32_t be = htonl(addr), bcast = htonl(addr | ~(UINT32_MAX << (32 - prefix)));
  struct nl_req r;
  int err;

  nl_start(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof ifa);
  nl_attr(&r, IFA_LOCAL, &be, sizeof be);
  nl_attr(&r, IFA_ADDRESS, &be, sizeof be);
  nl_attr(&r, IFA_BROADCAST, &bcast, sizeof bcast);
  if ((err = nl_talk(s, &r)) < 0)
    return sbx_fail(e, -err, "--net bridge: add an address to interface %u", ifindex);
  return 0;
}

static int bridge_subnet(int s, const char *name, unsigned index, struct net_lease *l,
                         struct sbx_error *e);

static int create_bridge(int s, const char *name, struct net_lease *l, unsigned *index,
                         struct sbx_error *e)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  struct nl_req r;
  int err;

  nl_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
  nl_attr_str(&r, IFLA_IFNAME, name);
  struct rtattr *info = nl_nest(&r, IFLA_LINKINFO);
  nl_attr_str(&r, IFLA_INFO_KIND, "bridge");
  nl_end(&r, info);
  /* Another sandbox may have made it meanwhile: then use theirs. */
  if ((err = nl_talk(s, &r)) < 0 && err != -EEXIST)
    return sbx_fail(e, -err, "--net bridge=%s: create the bridge", name);
  if (!(*index = if_nametoindex(name)))
    return sbx_fail(e, errno, "--net bridge=%s: find the bridge", name);
  if (err == -EEXIST) /* theirs: its subnet, once they have given it one */
    return bridge_subnet(s, name, *index, l, e);
  if (add_addr(s, *index, l->gateway, l->prefix, e) < 0)
    return -1;
  return link_set(s, *index, 0, e);
}

/* ---- the bridge's subnet ------------------------------------------------------ */

/* The first IPv4 address of interface `index`, from an RTM_GETADDR dump. */
static int scan_addrs(int s, unsigned index, struct net_lease *l)
{
  char buf[16384];
  ssize_t n;
  int found = 0;

  while ((n = recv(s, buf, sizeof buf, 0)) > 0 || (n < 0 && errno == EINTR)) {
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; n > 0 && NLMSG_OK(h, (size_t)n);
         h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
        return found ? 0 : -ENOENT;
      struct ifaddrmsg *ifa = NLMSG_DATA(h);
      if (h->nlmsg_type != RTM_NEWADDR || ifa->ifa_index != index || found)
        continue;
      int len = (int)IFA_PAYLOAD(h);
      for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == IFA_LOCAL || (a->rta_type == IFA_ADDRESS && !found)) {
          uint32_t be;
          memcpy(&be, RTA_DATA(a), sizeof be);
          l->gateway = ntohl(be);
          l->prefix = ifa->ifa_prefixlen;
          found = 1;
        }
    }
  }
  return -errno;
}

static int read_subnet(int s, unsigned index, struct net_lease *l)
{
  struct ifaddrmsg ifa = { .ifa_family = AF_INET };
  struct nl_req r;

  nl_start(&r, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof ifa);
  r.h->nlmsg_flags &= (uint16_t)~NLM_F_ACK;
  if (send(s, r.buf, r.h->nlmsg_len, 0) < 0)
    return -errno;
  return scan_addrs(s, index, l);
}

/* A bridge that another sandbox has just created gets its address a
 * moment after the link: sandboxes started together wait that moment
 * (up to half a second) before calling the bridge unusable. */
#define SUBNET_TRIES 50
#define SUBNET_TRY_US 10000

static int bridge_subnet(int s, const char *name, unsigned index, struct net_lease *l,
                         struct sbx_error *e)
{
  for (int i = 0;; i++) {
    int err = read_subnet(s, index, l);
    if (err == 0 && l->prefix <= 30)
      return 0;
    if (err < 0 && err != -ENOENT)
      return sbx_fail(e, -err, "--net bridge=%s: read its addresses", name);
    if (i == SUBNET_TRIES)
      return sbx_fail(e, 0, "--net bridge=%s: the bridge has no IPv4 subnet to give addresses "
                      "from (hint: ip addr add 10.89.0.1/24 dev %s)", name, name);
    usleep(SUBNET_TRY_US);
  }
}

/* ---- the veth pair ------------------------------------------------------------ */

static void veth_name(uint32_t addr, char out[16])
{
  snprintf(out, 16, "sbx%08x", addr);
}

static int create_veth(int s, const char *host, pid_t child)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  struct nl_req r;

  nl_start(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof ifi);
  nl_attr_str(&r, IFLA_IFNAME, host);
  struct rtattr *info = nl_nest(&r, IFLA_LINKINFO);
  nl_attr_str(&r, IFLA_INFO_KIND, "veth");
  struct rtattr *data = nl_nest(&r, IFLA_INFO_DATA);
  struct rtattr *peer = nl_nest(&r, VETH_INFO_PEER);
  /* The peer's attributes follow an ifinfomsg of its own. */
  r.h->nlmsg_len += NLMSG_ALIGN(sizeof ifi);
  nl_attr_str(&r, IFLA_IFNAME, "eth0");
  nl_attr_u32(&r, IFLA_NET_NS_PID, (uint32_t)child);
  nl_end(&r, peer);
  nl_end(&r, data);
  nl_end(&r, info);
  return nl_talk(s, &r);
}

static bool in_subnet(uint32_t addr, const struct net_lease *l)
{
  uint32_t mask = UINT32_MAX << (32 - l->prefix);
  return (addr & mask) == (l->gateway & mask);
}

static void show_addr(uint32_t addr, char out[16])
{
  struct in_addr in = { htonl(addr) };
  inet_ntop(AF_INET, &in, out, 16);
}

/* --ip: that address or nothing. */
static int veth_for_ip(int s, const struct plan_net *n, pid_t child, struct net_lease *l,
                       char veth[16], struct sbx_error *e)
{
  char a[16];
  int err;

  show_addr(n->ip.addr, a);
  if (!in_subnet(n->ip.addr, l) || n->ip.addr == l->gateway)
    return sbx_fail(e, 0, "--ip %s/%u: not a free address of bridge %s's subnet", a,
                    n->ip.prefix, n->bridge);
  veth_name(n->ip.addr, veth);
  if ((err = create_veth(s, veth, child)) == -EEXIST)
    return sbx_fail(e, 0, "--ip %s/%u: another sandbox on bridge %s has that address", a,
                    n->ip.prefix, n->bridge);
  if (err < 0)
    return sbx_fail(e, -err, "--net bridge=%s: create the veth pair", n->bridge);
  l->addr = n->ip.addr;
  return 0;
}

/* The lowest address of the subnet whose veth name is free. */
static int veth_any(int s, const struct plan_net *n, pid_t child, struct net_lease *l,
                    char veth[16], struct sbx_error *e)
{
  uint32_t mask = UINT32_MAX << (32 - l->prefix);
  uint32_t first = (l->gateway & mask) + 1, last = (l->gateway | ~mask) - 1;

  for (uint32_t a = first; a <= last; a++) {
    if (a == l->gateway)
      continue;
    veth_name(a, veth);
    int err = create_veth(s, veth, child);
    if (err == -EEXIST)
      continue;
    if (err < 0)
      return sbx_fail(e, -err, "--net bridge=%s: create the veth pair", n->bridge);
    l->addr = a;
    return 0;
  }
  return sbx_fail(e, 0, "--net bridge=%s: every address of its subnet is taken", n->bridge);
}

int bridge_attach(const char *name, const struct plan_net *n, pid_t child, char veth[16],
                  struct net_lease *lease, struct sbx_error *e)
{
  _cleanup_close_ int s = nl_open();
  unsigned br = if_nametoindex(name), host;
  struct net_lease l = { .gateway = BRIDGE_DEFAULT_GATEWAY, .prefix = BRIDGE_DEFAULT_PREFIX };

  if (s < 0)
    return sbx_fail(e, errno, "--net bridge=%s: rtnetlink socket", name);
  if (!br && n->ip_set) { /* a new bridge gets --ip's subnet */
    l.prefix = n->ip.prefix;
    l.gateway = (n->ip.addr & (UINT32_MAX << (32 - l.prefix))) + 1;
  }
  if (!br ? create_bridge(s, name, &l, &br, e) < 0 : bridge_subnet(s, name, br, &l, e) < 0)
    return -1;
  if ((n->ip_set ? veth_for_ip : veth_any)(s, n, child, &l, veth, e) < 0) {
    veth[0] = '\0';
    return -1;
  }
  if (!(host = if_nametoindex(veth)) || link_set(s, host, br, e) < 0) {
    if (!host)
      sbx_fail(e, errno, "--net bridge=%s: find %s", name, veth);
    bridge_detach(veth);
    veth[0] = '\0';
    return -1;
  }
  *lease = l;
  return 0;
}

void bridge_detach(const char *veth)
{
  struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
  _cleanup_close_ int s = nl_open();
  struct nl_req r;

  if (s < 0)
    return;
  nl_start(&r, RTM_DELLINK, 0, &ifi, sizeof ifi);
  nl_attr_str(&r, IFLA_IFNAME, veth);
  nl_talk(s, &r);
}

/* ---- inside ------------------------------------------------------------------- */

static int add_default_route(int s, unsigned ifindex, uint32_t gateway, struct sbx_error *e)
{
  struct rtmsg rt = { .rtm_family = AF_INET, .rtm_table = RT_TABLE_MAIN,
                      .rtm_protocol = RTPROT_BOOT, .rtm_scope = RT_SCOPE_UNIVERSE,
                      .rtm_type = RTN_UNICAST };
  uint32_t be = htonl(gateway);
  struct nl_req r;
  int err;

  nl_start(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rt, sizeof rt);
  nl_attr(&r, RTA_GATEWAY, &be, sizeof be);
  nl_attr_u32(&r, RTA_OIF, ifindex);
  if ((err = nl_talk(s, &r)) < 0)
    return sbx_fail(e, -err, "--net bridge: add the default route");
  return 0;
}

int bridge_configure_inside(const struct net_lease *l, struct sbx_error *e)
{
  _cleanup_close_ int s = nl_open();
  unsigned eth0 = if_nametoindex("eth0");

  if (s < 0)
    return sbx_fail(e, errno, "--net bridge: rtnetlink socket");
  if (!eth0)
    return sbx_fail(e, errno, "--net bridge: find eth0");
  if (add_addr(s, eth0, l->addr, l->prefix, e) < 0 || link_set(s, eth0, 0, e) < 0)
    return -1;
  return add_default_route(s, eth0, l->gateway, e);
}
