/* The wire protocol between the launcher and the sandbox's pid 1
 * (doc/design.md, "Processes"): one socket pair, SOCK_SEQPACKET, one
 * message per send. */
#ifndef SBX_WIRE_H
#define SBX_WIRE_H

#include "error.h"
#include "net.h"

/* The child sends MSG_ERROR when setup fails; in the bwrap personality the
 * reaper sends MSG_STATUS when the command exits, since the sandbox may
 * outlive it there; the launcher sends MSG_GO after --userns-block-fd and
 * once the network is ready; the child sends MSG_PTY with the master of
 * its terminal. */
enum msg_kind { MSG_ERROR = 1, MSG_STATUS, MSG_GO, MSG_PTY };
struct sync_msg {
  int kind;
  int status;
  struct sbx_error err;
  struct net_lease lease; /* MSG_GO after the network is ready (net.h) */
};

/* Sends one message; e, when given, is the error it carries. */
void send_msg(int sock, int kind, int status, const struct sbx_error *e);

#endif
