/*
 * attack: the static helper of the attack suite (the bats files in
 * tests/attacks).
 *
 * Each subcommand performs one escape technique from inside a sandbox (or,
 * for a few, sets the scene on the host) and prints what happened as
 * "name=RESULT" lines: RESULT is OK when the step worked, or the errno
 * name (EPERM, EROFS, ...) when it was refused.  The bats files decide
 * what counts as the attack getting through; this program never judges.
 *
 * Build: cc -O2 -Wall -static -o attack tests/attacks/attack.c
 * Static, so it runs in sandboxes that hold no libc of their own.
 *
 * Everything here is written for this suite; every step is bounded (no
 * loop without a limit, no blocking call without a timeout).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/magic.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <linux/userfaultfd.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

#define ATTR_RDONLY 0x00000001ULL
#define X32_BIT 0x40000000L
#define HI_GARBAGE (0xdeadbeefUL << 32)

struct attr {
  uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* ---- output ---------------------------------------------------------- */

static const char *errname(int err)
{
  static char buf[32];
  const char *name = strerrorname_np(err);
  if (name)
    return name;
  snprintf(buf, sizeof buf, "E%d", err);
  return buf;
}

/* Prints "name=OK" for rc >= 0, else "name=ERRNO" from errno. */
static long report(const char *name, long rc)
{
  printf("%s=%s\n", name, rc < 0 ? errname(errno) : "OK");
  return rc;
}

static void report_err(const char *name, int err)
{
  printf("%s=%s\n", name, err ? errname(err) : "OK");
}

/* Lists DIR past "." and "..": 0 when an entry of its own was read, else
 * the errno that stopped the listing (EACCES; ENOENT for an empty one).
 * Opening is not enough: a /proc/PID directory may belong to the caller
 * while its entries sit behind a ptrace access check, met only after the
 * dots have been read. */
static int list_entries(const char *dir)
{
  char buf[1024];
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = ENOENT;
  long n;

  if (fd < 0)
    return errno;
  while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
    for (long off = 0; off < n;) {
      struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; }
          *d = (void *)(buf + off);
      if (strcmp(d->name, ".") != 0 && strcmp(d->name, "..") != 0) {
        close(fd);
        return 0;
      }
      off += d->reclen;
    }
  }
  if (n < 0)
    err = errno;
  close(fd);
  return err;
}

/* Writes a few bytes to path (created if need be): OK or the errno. */
static int try_write(const char *path)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = 0;
  if (fd < 0)
    return errno;
  if (write(fd, "attack\n", 7) != 7)
    err = errno ? errno : EIO;
  close(fd);
  return err;
}

/* Runs fn in a child, so that a call that works (unshare, personality)
 * changes nothing for this process.  Returns the child's exit code:
 * 0 for success or an errno; 1000+N when killed by signal N. */
static int in_child(int (*fn)(void *), void *arg)
{
  int status;
  pid_t pid;

  fflush(stdout);
  pid = fork();
  if (pid < 0)
    return errno;
  if (pid == 0)
    _exit(fn(arg));
  if (waitpid(pid, &status, 0) < 0)
    return errno;
  return WIFSIGNALED(status) ? 1000 + WTERMSIG(status) : WEXITSTATUS(status);
}

static void report_child(const char *name, int r)
{
  if (r >= 1000)
    printf("%s=SIG%s\n", name, sigabbrev_np(r - 1000));
  else
    report_err(name, r);
}

/* ---- filesystem ------------------------------------------------------ */

/* ro-remount PATH FILE: the classic ways to make a read-only bind
 * writable with mount(2), then a write to FILE under it. */
static int cmd_ro_remount(const char *path, const char *file)
{
  report("remount-bind-rw", mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL));
  report("remount-rw", mount("none", path, NULL, MS_REMOUNT, NULL));
  report("bind-over-rw", mount(path, path, NULL, MS_BIND | MS_REC, NULL));
  report_err("write", try_write(file));
  return 0;
}

/* ro-setattr PATH FILE: mount_setattr() clearing MOUNT_ATTR_RDONLY on the
 * mount and everything below it, then the write. */
static int cmd_ro_setattr(const char *path, const char *file)
{
  struct attr a = { .attr_clr = ATTR_RDONLY };
  report("mount_setattr", syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &a, sizeof a));
  report_err("write", try_write(file));
  return 0;
}

/* ro-clone PATH NAME: open_tree(OPEN_TREE_CLONE) makes a private copy of
 * the read-only mount; its flags are cleared on the copy and NAME is
 * written through it, then the copy is attached over /tmp and written
 * there too.  Also fsopen() for a fresh filesystem to mount over PATH. */
static int cmd_ro_clone(const char *path, const char *name)
{
  struct attr a = { .attr_clr = ATTR_RDONLY };
  long fd = report("open_tree", syscall(SYS_open_tree, AT_FDCWD, path,
                                        OPEN_TREE_CLONE | AT_RECURSIVE | O_CLOEXEC));
  int wfd;

  if (fd >= 0) {
    report("clone-setattr", syscall(SYS_mount_setattr, (int)fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
                                    &a, sizeof a));
    wfd = openat((int)fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    report("clone-write", wfd);
    if (wfd >= 0) {
      if (write(wfd, "attack\n", 7) != 7)
        report("clone-write-data", -1);
      close(wfd);
    }
    report("move_mount", syscall(SYS_move_mount, (int)fd, "", AT_FDCWD, "/tmp",
                                 MOVE_MOUNT_F_EMPTY_PATH));
    close((int)fd);
  } else {
    printf("clone-setattr=SKIPPED\nclone-write=SKIPPED\nmove_mount=SKIPPED\n");
  }
  fd = report("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
  if (fd >= 0)
    close((int)fd);
  return 0;
}

/* Climbs from dirfd with ".." until the top (where ".." is the same
 * directory), at most 256 steps; returns an fd on the top. */
static int climb(int dirfd)
{
  int cur = dup(dirfd);
  for (int i = 0; i < 256 && cur >= 0; i++) {
    struct stat a, b;
    int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (up < 0)
      break;
    if (fstat(cur, &a) == 0 && fstat(up, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino) {
      close(up);
      break;
    }
    close(cur);
    cur = up;
  }
  return cur;
}

/* Whether the host-only file MARKER (an absolute host path) can be seen
 * from directory fd dirfd: straight, or after climbing to its top. */
static bool marker_from(int dirfd, const char *marker)
{
  const char *rel = marker + strspn(marker, "/");
  int top;
  bool seen;

  if (faccessat(dirfd, rel, F_OK, 0) == 0)
    return true;
  top = climb(dirfd);
  if (top < 0)
    return false;
  seen = faccessat(top, rel, F_OK, 0) == 0;
  close(top);
  return seen;
}

static const char *fd_kind(int fd)
{
  struct stat st;
  struct statfs sfs;

  if (fstat(fd, &st) < 0)
    return errno == EBADF ? "closed" : "error";
  if (fstatfs(fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC)
    return S_ISDIR(st.st_mode) ? "procdir" : "proc";
  if (S_ISDIR(st.st_mode))
    return "dir";
  if (S_ISCHR(st.st_mode))
    return st.st_rdev == makedev(1, 3) ? "devnull" : "chr";
  if (S_ISFIFO(st.st_mode))
    return "fifo";
  if (S_ISSOCK(st.st_mode))
    return "sock";
  if (S_ISREG(st.st_mode))
    return "reg";
  if (S_ISLNK(st.st_mode))
    return "symlink";
  return "anon";
}

/* The open fds, found by trying every number below the limit (so that no
 * procfs is needed), each as "fd N KIND". */
static int list_fds(int *out, int max)
{
  struct rlimit rl;
  int n = 0;
  long limit = 65536;

  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      (long)rl.rlim_cur < limit)
    limit = (long)rl.rlim_cur;
  for (int fd = 0; fd < limit && n < max; fd++)
    if (fcntl(fd, F_GETFD) >= 0)
      out[n++] = fd;
  return n;
}

/* fd-scan MARKER: the CVE-2024-21626 check.  Reports every open fd and
 * the working directory, and whether any of them leads to the host file
 * MARKER (directly or by climbing ".."): then the command holds a handle
 * on the host's filesystem. */
static int cmd_fd_scan(const char *marker)
{
  int fds[1024], n = list_fds(fds, 1024);
  int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char buf[PATH_MAX];
  ssize_t len;
  bool leak = false;

  for (int i = 0; i < n; i++) {
    const char *kind = fd_kind(fds[i]);
    bool seen = strcmp(kind, "dir") == 0 && marker_from(fds[i], marker);
    printf("fd %d %s%s\n", fds[i], kind, seen ? " HOST" : "");
    leak |= seen;
  }
  len = readlink("/proc/self/cwd", buf, sizeof buf - 1);
  buf[len < 0 ? 0 : len] = '\0';
  printf("cwd-link=%s\n", len < 0 ? errname(errno) : buf);
  if (cwd < 0) {
    printf("cwd=%s\n", errname(errno));
  } else {
    bool seen = marker_from(cwd, marker);
    printf("cwd=%s\n", seen ? "HOST" : "inside");
    leak |= seen;
    close(cwd);
  }
  /* The same through the magic links of procfs, if one is mounted. */
  for (int i = 0; i < n; i++) {
    char path[64];
    int fd;
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
      continue;
    if (marker_from(fd, marker)) {
      printf("procfd %d HOST\n", fds[i]);
      leak = true;
    }
    close(fd);
  }
  printf("marker=%s\n", leak ? "REACHED" : "unreachable");
  return 0;
}

/* chroot-escape MARKER: the textbook chroot breakout (chroot into a
 * subdirectory while holding the old root, climb out with "..", chroot
 * there), then whether the host file MARKER is visible. */
static int cmd_chroot_escape(const char *marker)
{
  int old = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char dir[64];

  snprintf(dir, sizeof dir, "/tmp/chroot-%d", (int)getpid());
  mkdir(dir, 0700);
  report("chroot", chroot(dir));
  if (old >= 0 && fchdir(old) == 0) {
    for (int i = 0; i < 256; i++)
      if (chdir("..") < 0)
        break;
    report("chroot-dot", chroot("."));
  }
  report("pivot_root", syscall(SYS_pivot_root, ".", "."));
  printf("marker=%s\n", access(marker, F_OK) == 0 || (old >= 0 && marker_from(old, marker))
                            ? "REACHED"
                            : "unreachable");
  return 0;
}

/* proc-magic PID: what the command can get from process PID ("ppid" for
 * its parent) through procfs and pidfds: its cwd, root, exe (read and
 * write), fds, memory, environment, mapped files, fds copied out with
 * pidfd_getfd, and ptrace. */
static int cmd_proc_magic(const char *pid_s)
{
  static const char *const links[] = { "cwd", "root", "exe", "fd/0", "fd/1", "fd/2", "fd/3" };
  char path[64], buf[PATH_MAX];
  pid_t pid = strcmp(pid_s, "ppid") == 0 ? getppid() : (pid_t)atoi(pid_s);
  long pidfd;
  int fd;

  printf("pid=%d\n", (int)pid);
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, links[i]);
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    snprintf(path, sizeof path, "readlink-%s", links[i]);
    report(path, n);
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, links[i]);
    fd = open(path, O_PATH | O_CLOEXEC);
    snprintf(path, sizeof path, "open-%s", links[i]);
    if (report(path, fd) >= 0)
      close(fd);
  }
  snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
  fd = open(path, O_WRONLY | O_CLOEXEC);
  if (report("exe-write", fd) >= 0)
    close(fd);
  snprintf(path, sizeof path, "/proc/%d/mem", (int)pid);
  fd = open(path, O_RDWR | O_CLOEXEC);
  if (report("mem", fd) >= 0)
    close(fd);
  snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if (report("environ", fd) >= 0)
    close(fd);
  snprintf(path, sizeof path, "/proc/%d/map_files", (int)pid);
  report_err("map_files", list_entries(path));
  pidfd = syscall(SYS_pidfd_open, pid, 0);
  report("pidfd_open", pidfd);
  if (pidfd >= 0) {
    int got = 0;
    for (int i = 0; i < 64; i++) {
      long r = syscall(SYS_pidfd_getfd, (int)pidfd, i, 0);
      if (r >= 0) {
        printf("pidfd_getfd-%d=OK %s\n", i, fd_kind((int)r));
        close((int)r);
        got++;
      }
    }
    printf("pidfd_getfd=%s\n", got ? "OK" : "none");
    close((int)pidfd);
  } else {
    printf("pidfd_getfd=none\n");
  }
  if (report("ptrace-seize", ptrace(PTRACE_SEIZE, pid, 0, 0)) == 0)
    ptrace(PTRACE_DETACH, pid, 0, 0);
  struct iovec local = { buf, 8 }, remote = { (void *)0x400000, 8 };
  report("process_vm_readv", process_vm_readv(pid, &local, 1, &remote, 1, 0));
  return 0;
}

/* exe-write PATH: open PATH for writing straight, and by reopening an
 * O_PATH fd through /proc/self/fd (how CVE-2019-5736 reached runc). */
static int cmd_exe_write(const char *path)
{
  char again[64];
  int fd = open(path, O_WRONLY | O_CLOEXEC);

  if (report("open-write", fd) >= 0)
    close(fd);
  fd = open(path, O_PATH | O_CLOEXEC);
  if (fd >= 0) {
    snprintf(again, sizeof again, "/proc/self/fd/%d", fd);
    int w = open(again, O_WRONLY | O_CLOEXEC);
    if (report("reopen-write", w) >= 0)
      close(w);
    close(fd);
  } else {
    printf("reopen-write=%s\n", errname(errno));
  }
  return 0;
}

/* ---- privileges ------------------------------------------------------ */

static void print_caps(const char *prefix)
{
  static const char *const keys[] = { "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:",
                                      "NoNewPrivs:", "Seccomp:", "Uid:", "Gid:" };
  char line[256];
  FILE *f = fopen("/proc/self/status", "re");
  if (!f) {
    printf("%sstatus=%s\n", prefix, errname(errno));
    return;
  }
  while (fgets(line, sizeof line, f))
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
      if (strncmp(line, keys[i], strlen(keys[i])) == 0)
        printf("%s%s", prefix, line);
  fclose(f);
}

/* cap-raise: every way a process may try to get capabilities back: capset
 * to the full set, raising ambient caps, setuid games with keepcaps,
 * clearing no_new_privs; then an exec of itself ("caps") prints what is
 * left. */
static int cmd_cap_raise(const char *self)
{
  struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct d[2];
  int raised = 0;

  memset(d, 0xff, sizeof d);
  report("capset-full", syscall(SYS_capset, &h, d));
  for (int c = 0; c <= 40; c++)
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) == 0)
      raised++;
  printf("ambient-raised=%d\n", raised);
  report("keepcaps", prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
  report("setresuid-0", setresuid(0, 0, 0));
  report("setresgid-0", setresgid(0, 0, 0));
  report("clear-nnp", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
  print_caps("before-exec:");
  fflush(stdout);
  execl(self, "attack", "caps", (char *)NULL);
  report("exec", -1);
  return 1;
}

/* setfcap FILE: write a file capability (cap_net_raw+ep, v2 format) on a
 * file the command owns. */
static int cmd_setfcap(const char *file)
{
  struct {
    uint32_t magic;
    struct { uint32_t permitted, inheritable; } data[2];
  } xa = { VFS_CAP_REVISION_2 | VFS_CAP_FLAGS_EFFECTIVE, { { 1u << CAP_NET_RAW, 0 }, { 0, 0 } } };
  report("setxattr", setxattr(file, "security.capability", &xa, sizeof xa, 0));
  return 0;
}

static int do_unshare_user(void *arg)
{
  (void)arg;
  if (unshare(CLONE_NEWUSER) < 0)
    return errno;
  return 0;
}

static int clone_child(void *arg)
{
  (void)arg;
  _exit(0);
}

static int do_clone_user(void *arg)
{
  static char stack[64 * 1024] __attribute__((aligned(16)));
  int status;
  pid_t pid = clone(clone_child, stack + sizeof stack, CLONE_NEWUSER | SIGCHLD, arg);
  if (pid < 0)
    return errno;
  waitpid(pid, &status, 0);
  return 0;
}

struct clone_args3 {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

static int do_clone3_user(void *arg)
{
  struct clone_args3 ca = { .flags = CLONE_NEWUSER, .exit_signal = SIGCHLD };
  long pid;
  (void)arg;
  pid = syscall(SYS_clone3, &ca, sizeof ca);
  if (pid < 0)
    return errno;
  if (pid == 0)
    _exit(0);
  waitpid((pid_t)pid, NULL, 0);
  return 0;
}

static int write_file(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  int err = 0;
  if (fd < 0)
    return errno;
  if (write(fd, text, strlen(text)) < 0)
    err = errno;
  close(fd);
  return err;
}

/* In a new user namespace: map this uid to 0, get every capability, and
 * try to use them on the read-only mount at arg (a path), then write. */
static int do_userns_remount(void *arg)
{
  const char *path = arg;
  char map[64];
  uid_t uid = getuid();
  gid_t gid = getgid();

  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
    return errno;
  /* Failures show up as the remount below failing. */
  write_file("/proc/self/setgroups", "deny");
  snprintf(map, sizeof map, "0 %u 1", uid);
  write_file("/proc/self/uid_map", map);
  snprintf(map, sizeof map, "0 %u 1", gid);
  write_file("/proc/self/gid_map", map);
  if (!path)
    return 0;
  if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL) < 0)
    return 200; /* locked: the nested namespace could not undo it */
  return 0;
}

/* nested-userns [RO_PATH]: unshare, clone and clone3 with CLONE_NEWUSER;
 * with RO_PATH, also the full chain (new user+mount namespace, id maps,
 * remount RO_PATH read-write). */
static int cmd_nested_userns(const char *ro_path)
{
  report_child("unshare", in_child(do_unshare_user, NULL));
  report_child("clone", in_child(do_clone_user, NULL));
  report_child("clone3", in_child(do_clone3_user, NULL));
  if (ro_path) {
    int r = in_child(do_userns_remount, (void *)ro_path);
    if (r == 200)
      printf("userns-remount=LOCKED\n");
    else
      report_child("userns-remount", r);
  }
  return 0;
}

/* uid-map: rewrite the id maps and setgroups from inside, then try the
 * calls that only a wider map would allow. */
static int cmd_uid_map(void)
{
  gid_t g = 0;
  report_err("uid_map", write_file("/proc/self/uid_map", "0 0 4294967295\n"));
  report_err("gid_map", write_file("/proc/self/gid_map", "0 0 4294967295\n"));
  report_err("setgroups-allow", write_file("/proc/self/setgroups", "allow\n"));
  report_err("pid1-uid_map", write_file("/proc/1/uid_map", "0 0 4294967295\n"));
  report("setgroups", setgroups(1, &g));
  report("setuid-12345", setresuid(12345, 12345, 12345));
  return 0;
}

/* ---- terminal -------------------------------------------------------- */

static long ioctl_i386(int fd, unsigned long req, void *arg)
{
#if defined(__x86_64__)
  long ret;
  /* The i386 entry: the pointer must fit in 32 bits, which a static
   * non-PIE binary's .bss does. */
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(54L), "b"((long)fd), "c"(req), "d"(arg)
                   : "memory");
  if (ret < 0) {
    errno = (int)-ret;
    return -1;
  }
  return ret;
#else
  (void)fd, (void)req, (void)arg;
  errno = ENOSYS;
  return -1;
#endif
}

static char inject_byte; /* in .bss: below 4 GiB in a static binary */

/* tty-inject MODE TEXT: pushes TEXT and a newline into the terminal's
 * input queue with TIOCSTI (CVE-2017-5226).  MODE: plain (fd 0), fd1 or
 * fd2 (the terminal on stdout or stderr), devtty (a fresh open of
 * /dev/tty), hi (garbage in the upper 32 bits of the
 * request, CVE-2019-10063), i386 (the int 0x80 entry), x32. */
static int cmd_tty_inject(const char *mode, const char *text)
{
  int fd = 0, err = 0;
  unsigned long req = TIOCSTI;
  size_t len = strlen(text);

  if (strcmp(mode, "fd1") == 0 || strcmp(mode, "fd2") == 0)
    fd = mode[2] - '0';
  if (strcmp(mode, "devtty") == 0) {
    fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
      report("open-dev-tty", -1);
      fd = 0;
    }
  }
  if (strcmp(mode, "hi") == 0)
    req |= HI_GARBAGE;
  for (size_t i = 0; i <= len && !err; i++) {
    long r;
    inject_byte = i < len ? text[i] : '\n';
    if (strcmp(mode, "i386") == 0)
      r = ioctl_i386(fd, TIOCSTI, &inject_byte);
    else if (strcmp(mode, "x32") == 0)
      r = syscall(514 | X32_BIT, fd, req, &inject_byte);
    else
      r = syscall(SYS_ioctl, fd, req, &inject_byte);
    if (r < 0)
      err = errno;
  }
  report_err("tiocsti", err);
  return 0;
}

/* tioclinux [i386]: the console-selection ioctl (paste is subcode 3),
 * plain and with upper-half garbage, or through the i386 entry (a mode of
 * its own: where that entry faults, it kills the caller). */
static int cmd_tioclinux(const char *abi)
{
  static char sub = 3;
  if (abi) {
    report("tioclinux-i386", ioctl_i386(0, TIOCLINUX, &sub));
    return 0;
  }
  report("tioclinux", syscall(SYS_ioctl, 0, TIOCLINUX, &sub));
  report("tioclinux-hi", syscall(SYS_ioctl, 0, TIOCLINUX | HI_GARBAGE, &sub));
  return 0;
}

/* ---- network and IPC ------------------------------------------------- */

/* connect PROTO ADDR PORT: PROTO is tcp or udp; ADDR an IPv4 or IPv6
 * literal.  Sends a datagram for udp (connect alone proves nothing). */
static int cmd_connect(const char *proto, const char *addr, const char *port)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  bool udp = strcmp(proto, "udp") == 0;
  int fd;

  if (strchr(addr, ':')) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)atoi(port));
    inet_pton(AF_INET6, addr, &s6->sin6_addr);
    len = sizeof *s6;
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)atoi(port));
    inet_pton(AF_INET, addr, &s4->sin_addr);
    len = sizeof *s4;
  }
  fd = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  if (report("socket", fd) < 0)
    return 0;
  report("connect", connect(fd, (struct sockaddr *)&ss, len));
  report("send", send(fd, "sbx-attack\n", 11, MSG_NOSIGNAL | MSG_DONTWAIT));
  close(fd);
  return 0;
}

/* abstract NAME: connect to the abstract unix socket "\0NAME". */
static int cmd_abstract(const char *name)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  size_t n = strlen(name);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

  if (n > sizeof sa.sun_path - 1)
    n = sizeof sa.sun_path - 1;
  memcpy(sa.sun_path + 1, name, n);
  if (report("socket", fd) < 0)
    return 0;
  report("connect", connect(fd, (struct sockaddr *)&sa,
                            (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)));
  report("send", send(fd, "sbx-attack\n", 11, MSG_NOSIGNAL | MSG_DONTWAIT));
  close(fd);
  return 0;
}

/* abstract-listen NAME SECONDS (host side): listens on "\0NAME" and prints
 * "accepted" if anybody connects within SECONDS, else "none". */
static int cmd_abstract_listen(const char *name, const char *secs)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  size_t n = strlen(name);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct pollfd pfd;

  if (n > sizeof sa.sun_path - 1)
    n = sizeof sa.sun_path - 1;
  memcpy(sa.sun_path + 1, name, n);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa,
                     (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0 ||
      listen(fd, 4) < 0) {
    printf("listen=%s\n", errname(errno));
    return 1;
  }
  printf("listening\n");
  fflush(stdout);
  pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
  printf("%s\n", poll(&pfd, 1, atoi(secs) * 1000) > 0 ? "accepted" : "none");
  return 0;
}

/* listen PROTO ADDR SECONDS (host side): a TCP or UDP listener on an
 * ephemeral port of loopback address ADDR.  Prints "port=N" at once, then
 * "received" if a connection or datagram arrives within SECONDS, else
 * "none". */
static int cmd_listen(const char *proto, const char *addr, const char *secs)
{
  struct sockaddr_storage ss = { 0 };
  socklen_t len;
  bool udp = strcmp(proto, "udp") == 0;
  struct pollfd pfd;
  int fd, port;

  if (strchr(addr, ':')) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    inet_pton(AF_INET6, addr, &s6->sin6_addr);
    len = sizeof *s6;
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    inet_pton(AF_INET, addr, &s4->sin_addr);
    len = sizeof *s4;
  }
  fd = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || (!udp && listen(fd, 4) < 0) ||
      getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
    printf("listen=%s\n", errname(errno));
    return 1;
  }
  port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                  : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  printf("port=%d\n", port);
  fflush(stdout);
  pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
  printf("%s\n", poll(&pfd, 1, atoi(secs) * 1000) > 0 ? "received" : "none");
  return 0;
}

/* mq NAME create|open|unlink: POSIX message queues by name. */
static int cmd_mq(const char *name, const char *what)
{
  mqd_t q;
  if (strcmp(what, "unlink") == 0)
    return report("mq_unlink", mq_unlink(name)) < 0;
  if (strcmp(what, "create") == 0)
    q = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
  else
    q = mq_open(name, O_RDWR);
  report("mq_open", q == (mqd_t)-1 ? -1 : 0);
  if (q != (mqd_t)-1) {
    if (strcmp(what, "open") == 0)
      report("mq_send", mq_send(q, "sbx-attack", 10, 0));
    mq_close(q);
  }
  return 0;
}

/* sysv KEY: look up System V message queue, shared memory segment and
 * semaphore set KEY, and try to attach the segment. */
static int cmd_sysv(const char *key_s)
{
  key_t key = (key_t)strtoul(key_s, NULL, 0);
  int id = msgget(key, 0);
  report("msgget", id);
  id = shmget(key, 0, 0);
  if (report("shmget", id) >= 0) {
    void *p = shmat(id, NULL, 0);
    report("shmat", p == (void *)-1 ? -1 : 0);
  }
  report("semget", semget(key, 0, 0));
  return 0;
}

/* raw-sockets: sockets that need CAP_NET_RAW or reach devices. */
static int cmd_raw_sockets(void)
{
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(0x0003));
  if (report("packet", fd) >= 0)
    close(fd);
  fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (report("inet-raw", fd) >= 0)
    close(fd);
  return 0;
}

/* sethostname NAME: the UTS names of the namespace, by the calls and by
 * procfs. */
static int cmd_sethostname(const char *name)
{
  report("sethostname", sethostname(name, strlen(name)));
  report("setdomainname", setdomainname(name, strlen(name)));
  report_err("proc-hostname", write_file("/proc/sys/kernel/hostname", name));
  return 0;
}

/* ---- processes ------------------------------------------------------- */

/* kill-all SIG: kill(-1, SIG): every process this one may signal. */
static int cmd_kill_all(const char *sig)
{
  report("kill-1", kill(-1, atoi(sig)));
  return 0;
}

/* pid-reach PID...: signal 0 and pidfd_open on pids from the host. */
static int cmd_pid_reach(int argc, char **argv)
{
  for (int i = 0; i < argc; i++) {
    char name[64];
    pid_t pid = (pid_t)atoi(argv[i]);
    snprintf(name, sizeof name, "kill0-%s", argv[i]);
    report(name, kill(pid, 0));
    snprintf(name, sizeof name, "pidfd-%s", argv[i]);
    long fd = syscall(SYS_pidfd_open, pid, 0);
    if (report(name, fd) >= 0)
      close((int)fd);
  }
  return 0;
}

/* zombies N: leaves N unreaped children and N orphans behind, and exits. */
static int cmd_zombies(const char *n_s)
{
  int n = atoi(n_s);
  for (int i = 0; i < n && i < 512; i++) {
    pid_t p = fork();
    if (p == 0)
      _exit(0); /* a zombie until its parent goes */
    p = fork();
    if (p == 0) {
      if (fork() == 0)
        _exit(0); /* an orphan that exits at once */
      _exit(0);
    }
  }
  printf("forked=%d\n", n);
  return 3;
}

/* survivor PROBE MARKER: a hostile command that tries to outlive the
 * sandbox: new session, double fork, parent-death signal cleared, child
 * subreaper, every catchable signal ignored; the survivor then runs
 * "PROBE sleep 1000 MARKER". */
static int cmd_survivor(const char *probe, const char *marker)
{
  pid_t p = fork();
  if (p < 0)
    return 1;
  if (p > 0) {
    printf("survivor=%d\n", (int)p);
    fflush(stdout);
    return 0;
  }
  setsid();
  if (fork() != 0)
    _exit(0);
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  for (int s = 1; s < NSIG; s++)
    if (s != SIGKILL && s != SIGSTOP)
      signal(s, SIG_IGN);
  int null = open("/dev/null", O_RDWR);
  if (null >= 0) {
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
  }
  execl(probe, probe, "sleep", "1000", marker, (char *)NULL);
  _exit(127);
}

/* The command lines of this process's children, for a report. */
static void print_children(const char *prefix)
{
  char path[64], buf[4096];
  FILE *f;
  int pid;

  snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
  f = fopen(path, "re");
  if (!f)
    return;
  while (fscanf(f, "%d", &pid) == 1) {
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
      close(fd);
    for (ssize_t i = 0; i < n; i++)
      if (buf[i] == '\0')
        buf[i] = ' ';
    buf[n > 0 ? n : 0] = '\0';
    printf("%s%d %s\n", prefix, pid, buf);
  }
  fclose(f);
}

/* subreaper SECONDS -- CMD...: runs CMD as a child subreaper, so that
 * every process of CMD's tree that outlives its parent is re-parented
 * here, whatever namespaces or sessions it went through (short of the
 * sandbox's own pid 1).  After CMD exits, waits up to SECONDS for the rest
 * of the tree, then reports:
 *   subreaper-child=PID        CMD's pid (printed at once)
 *   subreaper-status=N         how CMD ended (128+N for signal N)
 *   subreaper-orphans=N        processes that outlived their parent but
 *                              were gone by the deadline (late exits,
 *                              zombies nobody reaped)
 *   subreaper-leftover=N       processes still alive at the deadline,
 *                              each listed as "subreaper-left=PID ARGS",
 *                              then killed
 * and exits with CMD's status. */
static int cmd_subreaper(const char *secs, char **cmd)
{
  int status = 0, cmd_status = -1, orphans = 0, leftover = 0;
  struct timespec t0, now;
  pid_t child, w;

  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
    perror("PR_SET_CHILD_SUBREAPER");
    return 125;
  }
  fflush(stdout);
  child = fork();
  if (child < 0)
    return 125;
  if (child == 0) {
    execvp(cmd[0], cmd);
    perror(cmd[0]);
    _exit(127);
  }
  printf("subreaper-child=%d\n", (int)child);
  fflush(stdout);
  while (cmd_status < 0) {
    w = waitpid(-1, &status, 0);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      break;
    if (w == child)
      cmd_status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    else
      orphans++;
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    w = waitpid(-1, &status, WNOHANG);
    if (w > 0) {
      orphans++;
      continue;
    }
    if (w < 0)
      break; /* ECHILD: the tree is gone */
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - t0.tv_sec >= atoi(secs)) {
      print_children("subreaper-left=");
      char path[64];
      FILE *f;
      int pid;
      snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)getpid(), (int)getpid());
      if ((f = fopen(path, "re"))) {
        while (fscanf(f, "%d", &pid) == 1) {
          kill(pid, SIGKILL);
          leftover++;
        }
        fclose(f);
      }
      while (waitpid(-1, &status, 0) > 0)
        ;
      break;
    }
    usleep(20000);
  }
  printf("subreaper-status=%d\nsubreaper-orphans=%d\nsubreaper-leftover=%d\n", cmd_status,
         orphans, leftover);
  return cmd_status < 0 ? 125 : cmd_status;
}

/* ---- fds --------------------------------------------------------------- */

/* fd-report: every open fd as "fd N KIND". */
static int cmd_fd_report(void)
{
  int fds[1024], n = list_fds(fds, 1024);
  for (int i = 0; i < n; i++)
    printf("fd %d %s\n", fds[i], fd_kind(fds[i]));
  return 0;
}

/* fd-report-to FILE: the same, written to FILE, for a command whose
 * stdout is one of the fds under test. */
static int cmd_fd_report_to(const char *file)
{
  int fds[1024], n = list_fds(fds, 1024);
  FILE *f = fopen(file, "we");
  if (!f) {
    printf("open=%s\n", errname(errno));
    return 1;
  }
  for (int i = 0; i < n; i++)
    fprintf(f, "fd %d %s\n", fds[i], fd_kind(fds[i]));
  fclose(f);
  return 0;
}

/* open-fds -- CMD...: host side; opens exotic fds at low and high
 * numbers (a directory, O_PATH on /, a socket pair, an eventfd-like
 * memfd, a pipe, an fd with close-on-exec cleared twice) and execs CMD. */
static int cmd_open_fds(char **cmd)
{
  int sv[2], pv[2];
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  int path = open("/", O_PATH);
  int mem = memfd_create("sbx-attack", 0);

  if (dir < 0 || path < 0 || mem < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ||
      pipe(pv) < 0) {
    perror("open-fds");
    return 1;
  }
  dup2(dir, 100);
  dup2(path, 255);
  dup2(sv[0], 1000);
  dup2(mem, 1001);
  dup2(pv[0], 1023);
  execvp(cmd[0], cmd);
  perror(cmd[0]);
  return 127;
}

/* ---- seccomp targets --------------------------------------------------- */

/* key-plant NAME -- CMD... (host side): joins a new session keyring,
 * puts a "user" key NAME holding a secret in it, and runs CMD, which
 * inherits the session keyring as a sandboxed command would. */
static int cmd_key_plant(const char *name, char **cmd)
{
  long id;
  if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, "sbx-attack") < 0) {
    printf("join=%s\n", errname(errno));
  } else {
    id = syscall(SYS_add_key, "user", name, "sbx-secret", 10, KEY_SPEC_SESSION_KEYRING);
    if (id < 0)
      printf("add_key=%s\n", errname(errno));
  }
  fflush(stdout);
  execvp(cmd[0], cmd);
  perror(cmd[0]);
  return 127;
}

/* key-steal NAME: finds key NAME in the session keyring and reads it. */
static int cmd_key_steal(const char *name)
{
  char buf[64] = "";
  long id = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING, "user", name, 0);
  report("search", id);
  if (id >= 0) {
    long n = syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof buf - 1);
    report("read", n);
    if (n > 0)
      printf("payload=%.*s\n", (int)n, buf);
  }
  id = syscall(SYS_add_key, "user", "sbx-attack-new", "x", 1, KEY_SPEC_SESSION_KEYRING);
  report("add_key", id);
  return 0;
}

/* io-uring: sets up a ring; if that works, submits one NOP through it. */
static int cmd_io_uring(void)
{
  struct io_uring_params p = { 0 };
  long fd = syscall(SYS_io_uring_setup, 4, &p);
  report("io_uring_setup", fd);
  if (fd >= 0) {
    report("io_uring_enter", syscall(SYS_io_uring_enter, (int)fd, 0, 0, 0, NULL, 0));
    close((int)fd);
  }
  return 0;
}

/* uffd: a userfaultfd, user-mode-only (which the kernel grants to
 * unprivileged callers) and plain. */
static int cmd_uffd(void)
{
  long fd = syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
  if (report("userfaultfd-user", fd) >= 0)
    close((int)fd);
  fd = syscall(SYS_userfaultfd, O_CLOEXEC);
  if (report("userfaultfd", fd) >= 0)
    close((int)fd);
  return 0;
}

/* perf: a user-space-only software counter on this process, which
 * perf_event_paranoid <= 2 allows to anybody. */
static int cmd_perf(void)
{
  struct perf_event_attr a = {
    .type = PERF_TYPE_SOFTWARE, .size = sizeof a, .config = PERF_COUNT_SW_TASK_CLOCK,
    .disabled = 1, .exclude_kernel = 1, .exclude_hv = 1,
  };
  long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
  if (report("perf_event_open", fd) >= 0)
    close((int)fd);
  return 0;
}

static int do_personality(void *arg)
{
  unsigned long v = (unsigned long)arg;
  if (syscall(SYS_personality, v) < 0)
    return errno;
  /* Did it stick? */
  return (syscall(SYS_personality, 0xffffffffUL) & (long)v) == (long)v ? 0 : 254;
}

/* personality: turn off address randomisation, make reads imply exec. */
static int cmd_personality(void)
{
  report_child("addr_no_randomize", in_child(do_personality, (void *)(unsigned long)ADDR_NO_RANDOMIZE));
  report_child("read_implies_exec", in_child(do_personality, (void *)(unsigned long)READ_IMPLIES_EXEC));
  return 0;
}

/* bpf: load the smallest socket filter program, and create a map. */
static int cmd_bpf(void)
{
  struct bpf_insn prog[] = {
    { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
    { .code = BPF_JMP | BPF_EXIT },
  };
  union bpf_attr a;
  long fd;

  memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
  a.insn_cnt = 2;
  a.insns = (uint64_t)(uintptr_t)prog;
  a.license = (uint64_t)(uintptr_t)"GPL";
  fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a);
  if (report("prog_load", fd) >= 0)
    close((int)fd);
  memset(&a, 0, sizeof a);
  a.map_type = BPF_MAP_TYPE_ARRAY;
  a.key_size = 4;
  a.value_size = 4;
  a.max_entries = 1;
  fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a);
  if (report("map_create", fd) >= 0)
    close((int)fd);
  return 0;
}

static int do_unshare_i386(void *arg)
{
#if defined(__x86_64__)
  long ret;
  (void)arg;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(310L), "b"((long)CLONE_NEWUSER) : "memory");
  return ret < 0 ? (int)-ret : 0;
#else
  (void)arg;
  return ENOSYS;
#endif
}

static int do_unshare_x32(void *arg)
{
  (void)arg;
  return syscall(272 | X32_BIT, CLONE_NEWUSER) < 0 ? errno : 0;
}

static int do_unshare_flags(void *arg)
{
  return syscall(SYS_unshare, (unsigned long)arg) < 0 ? errno : 0;
}

static int do_clone_flags(void *arg)
{
  long pid = syscall(SYS_clone, (unsigned long)arg | SIGCHLD, 0, 0, 0, 0);
  if (pid < 0)
    return errno;
  if (pid == 0)
    _exit(0);
  waitpid((pid_t)pid, NULL, 0);
  return 0;
}

/* compat-userns: CLONE_NEWUSER through the i386 and x32 entries. */
static int cmd_compat_userns(void)
{
  report_child("i386-unshare", in_child(do_unshare_i386, NULL));
  report_child("x32-unshare", in_child(do_unshare_x32, NULL));
  return 0;
}

/* masked-flags: CLONE_NEWUSER hidden among other flags, so that a filter
 * comparing the whole argument with == would miss it. */
static int cmd_masked_flags(void)
{
  static const struct { const char *name; unsigned long flags; } v[] = {
    { "unshare-user-mnt", CLONE_NEWUSER | CLONE_NEWNS },
    { "unshare-user-net-ipc-uts", CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS },
    { "unshare-user-files-fs", CLONE_NEWUSER | CLONE_FILES | CLONE_FS },
    { "unshare-user-sysvsem", CLONE_NEWUSER | CLONE_SYSVSEM },
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    report_child(v[i].name, in_child(do_unshare_flags, (void *)v[i].flags));
  report_child("clone-user-pid", in_child(do_clone_flags, (void *)(unsigned long)(CLONE_NEWUSER | CLONE_NEWPID)));
  report_child("clone-user-ns", in_child(do_clone_flags, (void *)(unsigned long)(CLONE_NEWUSER | CLONE_NEWNS)));
  return 0;
}

/* filter-removal SELF: tries to get rid of or get around the filter: a
 * stacked allow-everything filter, the flags the kernel offers
 * (SECCOMP_FILTER_FLAG_TSYNC, _SPEC_ALLOW), clearing no_new_privs, then
 * whether a blocked call (unshare(CLONE_NEWUSER)) still is blocked here,
 * in a vfork child, and after an exec and an execveat of this program. */
static int cmd_filter_removal(const char *self, const char *stage)
{
  struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = { 1, &allow };

  if (strcmp(stage, "start") == 0) {
    report("stack-allow", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog));
    report("stack-tsync", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                                  SECCOMP_FILTER_FLAG_TSYNC, &prog));
    report("stack-spec-allow", syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                                       SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog));
    report("clear-nnp", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0));
    report("mode-disabled", prctl(PR_SET_SECCOMP, 0, 0, 0, 0));
  }
  char name[64];
  snprintf(name, sizeof name, "%s-unshare", stage);
  report_child(name, in_child(do_unshare_user, NULL));
  if (strcmp(stage, "start") == 0) {
    int status = 0;
    pid_t p = vfork();
    if (p == 0)
      _exit(unshare(CLONE_NEWUSER) < 0 ? errno : 0);
    waitpid(p, &status, 0);
    report_child("vfork-unshare", WEXITSTATUS(status));
    fflush(stdout);
    p = fork();
    if (p == 0) {
      execl(self, "attack", "filter-removal", self, "exec", (char *)NULL);
      _exit(127);
    }
    waitpid(p, NULL, 0);
    p = fork();
    if (p == 0) {
      int fd = open(self, O_RDONLY | O_CLOEXEC);
      char *argv[] = { "attack", "filter-removal", (char *)self, "execveat", NULL };
      syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
      _exit(127);
    }
    waitpid(p, NULL, 0);
  }
  return 0;
}

/* ---- resources --------------------------------------------------------- */

/* fill FILE BYTES: writes up to BYTES to FILE in 64 KiB blocks; prints how
 * much went in and the error that stopped it. */
static int cmd_fill(const char *file, const char *bytes_s)
{
  static char block[65536];
  unsigned long long want = strtoull(bytes_s, NULL, 0), done = 0;
  int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = 0;

  if (fd < 0) {
    printf("open=%s\n", errname(errno));
    return 0;
  }
  memset(block, 'x', sizeof block);
  while (done < want) {
    size_t n = want - done < sizeof block ? (size_t)(want - done) : sizeof block;
    ssize_t r = write(fd, block, n);
    if (r <= 0) {
      err = r < 0 ? errno : EIO;
      break;
    }
    done += (unsigned long long)r;
  }
  if (!err && fsync(fd) < 0)
    err = errno;
  close(fd);
  printf("written=%llu\n", done);
  report_err("fill", err);
  return 0;
}

/* rlimit: the RLIMIT_NOFILE the command got. */
static int cmd_rlimit(void)
{
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  printf("nofile=%llu %llu\n", (unsigned long long)rl.rlim_cur, (unsigned long long)rl.rlim_max);
  return 0;
}

/* ---- launcher input ---------------------------------------------------- */

/* exec-argc0 PROGRAM: runs PROGRAM with an empty argv (argc 0), with
 * option-looking strings in the environment, which a launcher that reads
 * past argv[0] would take as arguments (the CVE-2021-4034 pattern). */
static int cmd_exec_argc0(const char *prog)
{
  char *argv[] = { NULL };
  char *envp[] = { "--bind", "/", "/", "--", "/bin/sh", "-c", "echo ARGC0-ESCAPE", NULL };
  execve(prog, argv, envp);
  perror(prog);
  return 127;
}

/* ---- main -------------------------------------------------------------- */

static void usage(void)
{
  fputs("usage: attack SUBCOMMAND [ARGS...]; see the comments in attack.c\n", stderr);
  exit(2);
}

int main(int argc, char **argv)
{
  const char *c;

  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2)
    usage();
  c = argv[1];
#define IS(name, n) (strcmp(c, name) == 0 && argc == (n) + 2)
  if (IS("ro-remount", 2)) return cmd_ro_remount(argv[2], argv[3]);
  if (IS("ro-setattr", 2)) return cmd_ro_setattr(argv[2], argv[3]);
  if (IS("ro-clone", 2)) return cmd_ro_clone(argv[2], argv[3]);
  if (IS("write", 1)) { report_err("write", try_write(argv[2])); return 0; }
  if (IS("fd-scan", 1)) return cmd_fd_scan(argv[2]);
  if (IS("chroot-escape", 1)) return cmd_chroot_escape(argv[2]);
  if (IS("proc-magic", 1)) return cmd_proc_magic(argv[2]);
  if (IS("sethostname", 1)) return cmd_sethostname(argv[2]);
  if (IS("fd-report-to", 1)) return cmd_fd_report_to(argv[2]);
  if (IS("exe-write", 1)) return cmd_exe_write(argv[2]);
  if (IS("caps", 0)) { print_caps(""); return 0; }
  if (IS("cap-raise", 1)) return cmd_cap_raise(argv[2]);
  if (IS("setfcap", 1)) return cmd_setfcap(argv[2]);
  if (IS("nested-userns", 0)) return cmd_nested_userns(NULL);
  if (IS("nested-userns", 1)) return cmd_nested_userns(argv[2]);
  if (IS("uid-map", 0)) return cmd_uid_map();
  if (IS("tty-inject", 2)) return cmd_tty_inject(argv[2], argv[3]);
  if (IS("tioclinux", 0)) return cmd_tioclinux(NULL);
  if (IS("tioclinux", 1) && strcmp(argv[2], "i386") == 0) return cmd_tioclinux(argv[2]);
  if (IS("connect", 3)) return cmd_connect(argv[2], argv[3], argv[4]);
  if (IS("listen", 3)) return cmd_listen(argv[2], argv[3], argv[4]);
  if (IS("abstract", 1)) return cmd_abstract(argv[2]);
  if (IS("abstract-listen", 2)) return cmd_abstract_listen(argv[2], argv[3]);
  if (IS("mq", 2)) return cmd_mq(argv[2], argv[3]);
  if (IS("sysv", 1)) return cmd_sysv(argv[2]);
  if (IS("raw-sockets", 0)) return cmd_raw_sockets();
  if (IS("kill-all", 1)) return cmd_kill_all(argv[2]);
  if (strcmp(c, "pid-reach") == 0) return cmd_pid_reach(argc - 2, argv + 2);
  if (IS("zombies", 1)) return cmd_zombies(argv[2]);
  if (IS("survivor", 2)) return cmd_survivor(argv[2], argv[3]);
  if (IS("fd-report", 0)) return cmd_fd_report();
  if (strcmp(c, "subreaper") == 0 && argc > 4 && strcmp(argv[3], "--") == 0)
    return cmd_subreaper(argv[2], argv + 4);
  if (strcmp(c, "open-fds") == 0 && argc > 3 && strcmp(argv[2], "--") == 0)
    return cmd_open_fds(argv + 3);
  if (strcmp(c, "key-plant") == 0 && argc > 4 && strcmp(argv[3], "--") == 0)
    return cmd_key_plant(argv[2], argv + 4);
  if (IS("key-steal", 1)) return cmd_key_steal(argv[2]);
  if (IS("io-uring", 0)) return cmd_io_uring();
  if (IS("uffd", 0)) return cmd_uffd();
  if (IS("perf", 0)) return cmd_perf();
  if (IS("personality", 0)) return cmd_personality();
  if (IS("bpf", 0)) return cmd_bpf();
  if (IS("compat-userns", 0)) return cmd_compat_userns();
  if (IS("masked-flags", 0)) return cmd_masked_flags();
  if (IS("filter-removal", 1)) return cmd_filter_removal(argv[2], "start");
  if (IS("filter-removal", 2)) return cmd_filter_removal(argv[2], argv[3]);
  if (IS("fill", 2)) return cmd_fill(argv[2], argv[3]);
  if (IS("rlimit", 0)) return cmd_rlimit();
  if (IS("exec-argc0", 1)) return cmd_exec_argc0(argv[2]);
#undef IS
  usage();
  return 2;
}
