/* The plan: everything the command line asked for, as plain data.
 *
 * cli.c fills it from argv without touching the system; plan.c applies the
 * personality's defaults and checks the sources as the caller; launch.c
 * carries it out.  Nothing else decides what the sandbox looks like. */
#ifndef SBX_PLAN_H
#define SBX_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include "host.h"
#include "net.h"
#include "seccomp.h"

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct sbx_error;

/* PERS_OCI: the OCI runtime (src/oci.h); its plan comes from config.json. */
enum personality { PERS_SANDBOX, PERS_BWRAP, PERS_OCI };

enum op_kind {
  OP_BIND,       /* --bind, --ro-bind, --dev-bind, --bind-fd (flags say which) */
  OP_REMOUNT_RO, /* --remount-ro */
  OP_PROC,       /* --proc */
  OP_DEV,        /* --dev */
  OP_TMPFS,      /* --tmpfs */
  OP_MQUEUE,     /* --mqueue */
  OP_DIR,        /* --dir */
  OP_SYMLINK,    /* --symlink: src is the link's target */
  OP_FILE,       /* --file: fd's contents become a file */
  OP_BIND_DATA,  /* --bind-data, --ro-bind-data */
  OP_CHMOD,      /* --chmod */
  OP_OVERLAY,    /* --overlay, --tmp-overlay, --ro-overlay */
};

enum overlay_kind { OVERLAY_RW, OVERLAY_TMP, OVERLAY_RO };

enum op_flag {
  OPF_TRY = 1 << 0,      /* -try: skip when the source does not exist */
  OPF_RDONLY = 1 << 1,   /* ro-bind */
  OPF_DEVICES = 1 << 2,  /* dev-bind: device nodes stay usable */
  OPF_IMPLICIT = 1 << 3, /* added by the personality, not the user */
  OPF_SKIP = 1 << 4,     /* -try source missing: do nothing */
  OPF_SRC_DIR = 1 << 5,  /* source is a directory (set by plan_check) */
  OPF_PERMS = 1 << 6,    /* --perms given: perms is valid */
  OPF_SIZE = 1 << 7,     /* --size given: size is valid */
  OPF_OWN_PROC = 1 << 8, /* source under /proc/self: the child's own entry */
  OPF_NOEXEC = 1 << 9,   /* bind mounted noexec (OCI "noexec") */
};

struct fs_op {
  enum op_kind kind;
  unsigned flags;
  const char *src;  /* host path (binds) or link target (symlink) */
  const char *dest; /* path inside the sandbox */
  const char *option; /* the option that created it, for messages */
  int fd;             /* --file, --bind-data, --bind-fd: the data or source */
  mode_t perms;       /* --perms, or the mode of --chmod */
  size_t size;        /* --size */
  /* --overlay*: lower layers bottom to top, and the writable pair. */
  enum overlay_kind overlay;
  const char **layers;
  size_t n_layers;
  const char *workdir; /* src is the upper dir */
  /* Identity of the source as the caller saw it; the child checks that
   * what it mounts is the same inode. */
  dev_t src_dev;
  ino_t src_ino;
};

/* Namespaces, as a bit set of our own (not CLONE_* so bwrap's "-try"
 * variants can be told apart at plan time). */
enum ns_bit {
  NS_USER = 1 << 0,
  NS_MOUNT = 1 << 1,
  NS_PID = 1 << 2,
  NS_NET = 1 << 3,
  NS_IPC = 1 << 4,
  NS_UTS = 1 << 5,
  NS_CGROUP = 1 << 6,
  NS_ALL = 0x7f,
};

enum env_kind { ENV_SET, ENV_UNSET, ENV_CLEAR };
struct env_op {
  enum env_kind kind;
  const char *name;
  const char *value;
};

/* --rlimit for one resource (see rlimit.c). */
struct plan_rlimit {
  const char *arg; /* NAME=SOFT[:HARD] as given; NULL: the caller's limits */
  bool soft_set, hard_set;
  struct rlimit lim; /* both halves filled in by plan_check */
};

struct plan {
  enum personality pers;
  unsigned ns_unshare; /* --unshare-* given */
  unsigned ns_share;   /* --share-* given */
  unsigned ns_try;     /* --unshare-*-try: only where the kernel allows */
  unsigned ns;         /* resolved set (plan_finish) */

  bool uid_set, gid_set;
  uid_t uid; /* inside the sandbox */
  gid_t gid;
  const char *hostname;

  struct fs_op *ops;
  size_t n_ops, cap_ops;

  struct env_op *env;
  size_t n_env, cap_env;

  int *pass_fds;
  size_t n_pass_fds, cap_pass_fds;

  /* Status and synchronisation fds (-1 when not given). */
  int info_fd, json_status_fd, block_fd, userns_block_fd, sync_fd;
  int userns_fd, userns2_fd, pidns_fd;
  const char **lock_files;
  size_t n_lock_files, cap_lock_files;

  /* --cap-add and --cap-drop, folded in order: a bit is in caps_on if the
   * last option naming it added it, in caps_off if it dropped it.  The kept
   * set is (base | caps_on) & ~caps_off, base being the personality's. */
  uint64_t caps_on, caps_off;
  uint64_t caps; /* the kept set (plan_finish) */
  bool caps_untouched; /* bwrap, real root, no --cap-*: leave the sets alone */

  /* Raw classic-BPF programs, in the order they are installed: the
   * profile's, then those read from --add-seccomp-fd or --seccomp fds. */
  struct sbx_bpf *seccomp;
  size_t n_seccomp, cap_seccomp;
  int *seccomp_fds;
  size_t n_seccomp_fds, cap_seccomp_fds;
  int seccomp_fd;            /* --seccomp (one program, last wins) */
  bool add_seccomp_given;    /* --add-seccomp-fd */
  const char *seccomp_profile; /* --seccomp-profile; NULL = personality default */
  const char *seccomp_export;  /* --seccomp-export: print and exit */

  const char *argv0;
  bool disable_userns;
  bool assert_userns_disabled;
  bool level_prefix;
  const char *chdir;
  bool bare;
  bool die_with_parent;
  bool new_session;
  bool share_terminal; /* --share-terminal: the caller's terminal, not a pty */
  unsigned tty_fds;    /* fds 0-2 that get the sandbox's pty (pty.h); 0: none */
  bool as_pid_1;
  bool verbose;
  struct plan_rlimit rlimits[RLIM_NLIMITS]; /* indexed by RLIMIT_* */
  struct plan_net net; /* --net, --publish, --netns... (net.h) */

  char **argv; /* the command and its arguments, NULL-terminated */

  struct host host; /* the machine and the caller (host_gather) */

  /* Decided once, by plan_finish, and only read from then on
   * (doc/design.md, "Launch order"). */
  bool reaper;           /* pid 1 stays as a reaper and forks the command */
  bool child_waits;      /* the child waits for the launcher's MSG_GO first */
  bool seccomp_early;    /* filters go in once, before the fork, for pid 1 and
                          * the command alike; else in each, last.  Only
                          * for a built-in profile: seccomp_plan_load
                          * withdraws it for a policy file */
  bool new_procfs;       /* /proc is a new procfs, not the host's bound */
  bool mount_fallback;   /* the mount(2) fallback from the start */
  bool resolve_fallback; /* the fallback's path walk from the start */
};

void plan_init(struct plan *p, enum personality pers);
struct fs_op *plan_add_op(struct plan *p, enum op_kind kind, const char *option);
void plan_add_env(struct plan *p, enum env_kind kind, const char *name, const char *value);
void plan_add_pass_fd(struct plan *p, int fd);
void plan_add_lock_file(struct plan *p, const char *path);
void plan_add_seccomp_fd(struct plan *p, int fd);

/* Whether an op binds the host's /usr at /usr (host_gather reads the
 * merged-/usr links for it). */
bool plan_binds_host_usr(const struct plan *p);
/* Applies the personality's defaults (namespace set, implicit mounts) and
 * takes the decisions above.  p->host must be filled (host_gather, or a
 * test's own). */
int plan_finish(struct plan *p, struct sbx_error *e);
/* Checks every source and --rlimit as the caller, before anything is
 * created. */
int plan_check(struct plan *p, struct sbx_error *e);

#endif
