/* The OCI runtime's state directory, --root/ID (doc/design.md, "OCI
 * runtime"): state.json (what `state` reports, plus the process's start
 * time against pid reuse), exec.fifo while the container waits for
 * `start`, seccomp.bpf for `exec`. */
#ifndef SBX_OCISTATE_H
#define SBX_OCISTATE_H

#include "ocijson.h"

#include <stdbool.h>
#include <sys/types.h>

struct sbx_error;

enum oci_status { OCI_CREATED, OCI_RUNNING, OCI_STOPPED };

struct oci_state {
  const char *root; /* --root */
  const char *id;
  char *dir;        /* root/id */
  const char *bundle;
  pid_t pid;
  unsigned long long start_time; /* /proc/PID/stat field 22 */
  const char *created;           /* RFC 3339 */
  const char *owner;
  json_object *annotations;
  json_object *doc;              /* state.json as read */
};

/* The default --root: /run/sandbox-oci for root, else (a user, or root
 * in a user namespace with $XDG_RUNTIME_DIR set)
 * $XDG_RUNTIME_DIR/sandbox-oci, or /tmp/sandbox-oci-UID without it. */
const char *ocistate_default_root(void);
/* An id is a file name: not empty, no '/', not "." or "..". */
int ocistate_check_id(const char *id, struct sbx_error *e);
/* Makes --root (0700) if missing, then root/ID, which must not exist. */
int ocistate_create_dir(struct oci_state *s, struct sbx_error *e);
int ocistate_save(struct oci_state *s, struct sbx_error *e);
/* Reads root/ID/state.json; an unknown id is an error. */
int ocistate_load(const char *root, const char *id, struct oci_state *s, struct sbx_error *e);
enum oci_status ocistate_status(const struct oci_state *s);
const char *ocistate_status_name(enum oci_status st);
/* The runtime spec's state document, as a string that lives as long as s. */
const char *ocistate_json(struct oci_state *s, enum oci_status st);
/* root/ID/NAME, newly allocated. */
char *ocistate_path(const struct oci_state *s, const char *name);
/* Removes root/ID and everything in it. */
void ocistate_remove(const struct oci_state *s);
/* Start time of PID, 0 if it is gone; *zombie says it has exited. */
unsigned long long ocistate_proc_start(pid_t pid, bool *zombie);

#endif
