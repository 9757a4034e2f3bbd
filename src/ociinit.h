/* The container's first process before `start` (doc/design.md, "OCI
 * runtime"): the plan's command is this program, run through an fd as
 * `sandbox-oci init ...`, once the launcher has built the whole sandbox.
 * It reports that it is ready, waits on the state directory's fifo for
 * `start`, and execs the config's process.  The same last steps (the
 * console, the user) serve `exec`. */
#ifndef SBX_OCIINIT_H
#define SBX_OCIINIT_H

#include <stddef.h>
#include <sys/types.h>

struct sbx_error;

/* `init FIFO READY CONSOLE UID GID GROUPS CLOSE_FROM -- ARGS...`: never
 * returns but for a command line of the wrong form. */
int ociinit_main(int argc, char **argv);

/* The engine's --console-socket PATH, connected; -1 with an error naming
 * CMD (`create`, `exec`) otherwise. */
int ociinit_console_connect(const char *path, const char *cmd, struct sbx_error *e);
/* A pty from the devpts of the current root, its master sent over the
 * connected unix socket CONSOLE (SCM_RIGHTS), its slave made the
 * controlling terminal and fds 0-2 in a new session. */
int ociinit_console(int console, struct sbx_error *e);
/* Supplementary groups, gid and uid, in that order. */
int ociinit_user(uid_t uid, gid_t gid, const gid_t *groups, size_t n, struct sbx_error *e);
/* ARGV0 as execvp would find it in PATH (into buf), or an error (127). */
int ociinit_find(const char *argv0, char *buf, size_t size, struct sbx_error *e);

#endif
