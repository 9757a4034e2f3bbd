/* --net bridge=NAME: a veth pair between a host bridge and the sandbox,
 * over rtnetlink; doc/design.md, "Network", and sandbox(1), NETWORK. */
#ifndef SBX_BRIDGE_H
#define SBX_BRIDGE_H

#include "net.h"

#include <sys/types.h>

struct sbx_error;

/* The subnet of a bridge this program creates, unless --ip names one. */
#define BRIDGE_DEFAULT_GATEWAY 0x0a590001u /* 10.89.0.1 */
#define BRIDGE_DEFAULT_PREFIX 24

/* In the launcher: finds bridge `name` (creating it, up, with the first
 * address of the subnet, when missing), picks the sandbox's address
 * (n->ip, or the lowest one no other sandbox on the bridge holds), and
 * makes the veth pair: the host end, named into `veth`, on the bridge;
 * the other end in the network namespace of `child`, named eth0. */
int bridge_attach(const char *name, const struct plan_net *n, pid_t child, char veth[16],
                  struct net_lease *lease, struct sbx_error *e);
/* Deletes the host end, and with it the pair. */
void bridge_detach(const char *veth);
/* In the child, in its namespace: eth0 up, its address, the default
 * route through the bridge. */
int bridge_configure_inside(const struct net_lease *lease, struct sbx_error *e);

#endif
