/* The sandbox's own terminal (doc/design.md, "The terminal").
 * Whether there is one is the plan's decision (plan->tty_fds).
 *
 * When the command's stdin is a terminal (sandbox personality, no
 * --share-terminal), the command never touches the caller's terminal: pid 1
 * opens a pseudo-terminal on the sandbox's own devpts, hands its master to
 * the launcher and its slave to the command, and the launcher relays bytes
 * between the caller's terminal, in raw mode, and the master.
 *
 *   child:    pty_open() after the new root is entered, pty_send_master()
 *   command:  pty_attach(), before the exec
 *   launcher: pty_relay_* in its wait loop */
#ifndef SANDBOX_PTY_H
#define SANDBOX_PTY_H

#include "error.h"

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

/* child.c: a new pty on the devpts at /dev/pts of the current root, its
 * slave set to the caller's terminal modes and window size. */
int pty_open(int *master, int *slave, struct sbx_error *e);
/* Passes the master to the launcher over the socket (SCM_RIGHTS). */
int pty_send_master(int sock, int master, struct sbx_error *e);
/* command.c: a new session with the slave as controlling terminal, on the
 * fds of `fds` (pty_caller_fds's mask). */
int pty_attach(int slave, unsigned fds, struct sbx_error *e);

/* launch.c: the relay. */
struct pty_relay {
  int master;         /* -1 until the child sends it */
  bool hung_up;       /* every slave fd is closed: nothing more to relay */
  int in, out;        /* the caller's terminal: read from, write to */
  bool in_done;       /* the caller's side hung up or closed */
  bool raw;           /* the caller's modes are saved in `saved`, and its
                       * input is relayed */
  struct termios saved;
  size_t n_pending;   /* bytes of `pending` not yet written to the master */
  char pending[4096];
};

void pty_relay_init(struct pty_relay *r, unsigned fds);
/* Takes the master received from the child; puts the caller's terminal in
 * raw mode. */
void pty_relay_start(struct pty_relay *r, int master);
/* In the caller's foreground now, the relay takes the keyboard (raw mode,
 * input relayed), if it has not yet. */
void pty_relay_foreground(struct pty_relay *r);
/* poll()'s timeout while the relay waits to be in the foreground: `fg`
 * of a running job sends no signal, so the launcher looks; -1 otherwise. */
int pty_relay_timeout(const struct pty_relay *r);
/* Fills up to 2 pollfds; returns how many. */
size_t pty_relay_poll(const struct pty_relay *r, struct pollfd *pfd);
/* Acts on what poll() said about the fds pty_relay_poll gave. */
void pty_relay_handle(struct pty_relay *r, const struct pollfd *pfd, size_t n);
/* SIGWINCH: the caller's window size, passed on to the sandbox's pty. */
void pty_relay_winch(const struct pty_relay *r);
/* The sandbox is over: copies what output is left, restores the caller's
 * terminal modes. */
void pty_relay_finish(struct pty_relay *r);

#endif
