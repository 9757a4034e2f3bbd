/* The OCI runtime personality: `sandbox-oci`, runc's command line
 * (doc/design.md, "OCI runtime"; sandbox(1), "OCI RUNTIME"). */
#ifndef SBX_OCI_H
#define SBX_OCI_H

#include <stdbool.h>

struct plan;
struct sbx_error;

/* The options of a runtime command line, global and per command. */
struct oci_opts {
  const char *root, *log, *log_format;
  const char *command, *id;
  const char *bundle, *pid_file, *console_socket, *process, *format, *signal;
  unsigned preserve_fds;
  bool force, all, detach, tty, debug;
};

/* argv -> exit status; errors are printed here (and to --log). */
int oci_main(int argc, char **argv, struct plan *plan, struct sbx_error *e);

/* ocicreate.c: `create`. */
int oci_create(const struct oci_opts *o, struct plan *plan, struct sbx_error *e);
/* ociexec.c: `exec`; returns the exit status of a process waited for. */
int oci_exec(const struct oci_opts *o, struct sbx_error *e);

#endif
