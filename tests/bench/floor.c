/* The kernel's floor for the minimal sandbox: the system calls that
 * `sandbox --ro-bind /usr /usr -- /bin/true` makes to build its sandbox,
 * replayed with nothing else (no option parsing, no checks of sources or
 * destinations, no error reports, no signal forwarding or status channel).
 * What sandbox costs above this program is the launcher's own work; what
 * this program costs is what the kernel charges for the sandbox itself.
 *
 * Usage: floor BPF-FILE
 *   BPF-FILE: the default seccomp profile, as `sandbox --seccomp-export
 *   default` writes it (installed like sandbox installs it, before the
 *   command's fork).
 *
 * The sequence follows the new mount API path of src/mount_api.c,
 * src/mount_dev.c and src/child.c: one clone() with every namespace and a
 * socket to notice the launcher's death; in pid 1, die-with-parent armed,
 * uid and gid maps, loopback up, a tmpfs root over "/", /proc, /dev (a
 * tmpfs, six device binds, links, shm, a devpts), a tmpfs /tmp, the
 * merged-/usr links of a Debian host (bin, sbin, lib, lib32, lib64),
 * /etc/alternatives read-only where the host has it, /usr read-only,
 * pivot_root and the old root detached, every capability
 * dropped, no_new_privs, not dumpable, the filter, then the command
 * vforked.  Build it like the launcher (run.sh links both as static PIEs
 * where it can), so neither pays a dynamic loader the other does not.
 * Exits 1 at the first failure, naming the step. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(long r, const char *what)
{
  if (r < 0) {
    perror(what);
    _exit(1);
  }
}

static void write_file(int proc, const char *name, const char *text)
{
  int fd = openat(proc, name, O_WRONLY | O_CLOEXEC);
  check(fd, name);
  check(write(fd, text, strlen(text)), name);
  close(fd);
}

static int new_fs(const char *type, const char *mode, unsigned attrs)
{
  int fs = syscall(SYS_fsopen, type, FSOPEN_CLOEXEC), mnt;
  check(fs, type);
  if (mode)
    check(syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "mode", mode, 0), "fsconfig");
  if (strcmp(type, "devpts") == 0) {
    check(syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "newinstance", NULL, 0), "newinstance");
    check(syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0), "ptmxmode");
  }
  check(syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0), "create");
  mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
  check(mnt, "fsmount");
  close(fs);
  return mnt;
}

static void attach(int mnt, int dir, const char *name)
{
  check(syscall(SYS_move_mount, mnt, "", dir, name, MOVE_MOUNT_F_EMPTY_PATH), name);
  close(mnt);
}

static void mount_fs_at(int root, const char *dir, const char *type, const char *mode,
                        unsigned attrs)
{
  check(mkdirat(root, dir, 0755), dir);
  attach(new_fs(type, mode, attrs), root, dir);
}

static void bind_at(int dir, const char *name, const char *source, unsigned attrs)
{
  struct mount_attr a = { .attr_set = attrs };
  int src = open(source, O_PATH | O_CLOEXEC), tree;
  check(src, source);
  tree = syscall(SYS_open_tree, src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                              AT_RECURSIVE);
  check(tree, source);
  check(syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof a), source);
  attach(tree, dir, name);
  close(src);
}

static void make_dev(int root)
{
  static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
  static const char *const links[][2] = {
    { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
    { "/proc/self/fd/2", "stderr" }, { "/proc/self/fd", "fd" },
    { "/proc/kcore", "core" },      { "pts/ptmx", "ptmx" },
  };
  int dev;

  mount_fs_at(root, "dev", "tmpfs", "0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  dev = openat(root, "dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  check(dev, "dev");
  for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++) {
    char host[32];
    snprintf(host, sizeof host, "/dev/%s", nodes[i]);
    close(openat(dev, nodes[i], O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444));
    bind_at(dev, nodes[i], host, MOUNT_ATTR_NOSUID);
  }
  for (size_t i = 0; i < sizeof links / sizeof *links; i++)
    check(symlinkat(links[i][0], dev, links[i][1]), links[i][1]);
  check(mkdirat(dev, "shm", 0755), "shm");
  mount_fs_at(dev, "pts", "devpts", "0620", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
  close(dev);
}

/* The sandbox binds the host's /etc/alternatives read-only next to a
 * bound /usr (Debian's /usr/bin/awk, vi... are links through it). */
static void make_alternatives(int root)
{
  int etc;

  if (access("/etc/alternatives", F_OK) < 0)
    return;
  check(mkdirat(root, "etc", 0755), "etc");
  etc = openat(root, "etc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  check(etc, "etc");
  check(mkdirat(etc, "alternatives", 0755), "alternatives");
  bind_at(etc, "alternatives", "/etc/alternatives",
          MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  close(etc);
}

static void make_root(void)
{
  static const char *const usr_links[][2] = {
    { "usr/bin", "bin" }, { "usr/sbin", "sbin" }, { "usr/lib", "lib" },
    { "usr/lib32", "lib32" }, { "usr/lib64", "lib64" },
  };
  int root;

  check(mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL), "slave");
  /* The root stays reachable through its mount fd only: "/" still
   * names the host's root until pivot_root. */
  root = new_fs("tmpfs", "0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  check(syscall(SYS_move_mount, root, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH), "root");
  mount_fs_at(root, "proc", "proc", NULL,
              MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
  make_dev(root);
  mount_fs_at(root, "tmp", "tmpfs", "0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  for (size_t i = 0; i < sizeof usr_links / sizeof *usr_links; i++)
    check(symlinkat(usr_links[i][0], root, usr_links[i][1]), usr_links[i][1]);
  make_alternatives(root);
  check(mkdirat(root, "usr", 0755), "usr");
  bind_at(root, "usr", "/usr", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  check(fchdir(root), "chdir");
  check(syscall(SYS_pivot_root, ".", "."), "pivot_root");
  check(umount2(".", MNT_DETACH), "umount");
  check(chdir("/"), "chdir /");
  close(root);
}

/* The bounding set up to the last capability the kernel knows, the
 * ambient set, then the permitted, effective and inheritable sets. */
static void drop_capabilities(void)
{
  struct __user_cap_header_struct head = { .version = _LINUX_CAPABILITY_VERSION_3 };
  struct __user_cap_data_struct data[2] = { { 0 } };

  for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_DROP, cap) == 0; cap++)
    ;
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  check(syscall(SYS_capset, &head, data), "capset");
}

static int pid1(struct sock_fprog *filter, uid_t uid, gid_t gid, int lifeline)
{
  struct pollfd pfd = { .fd = lifeline, .events = POLLRDHUP };
  char map[64];
  int proc = open("/proc/self", O_PATH | O_DIRECTORY | O_CLOEXEC), sock, status;
  struct ifreq ifr = { .ifr_name = "lo", .ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING };
  pid_t cmd;

  /* Die with the launcher, and notice if it is gone already. */
  check(prctl(PR_SET_PDEATHSIG, SIGKILL), "pdeathsig");
  if (poll(&pfd, 1, 0) > 0)
    _exit(1);
  check(proc, "/proc/self");
  snprintf(map, sizeof map, "0 %u 1\n", uid);
  write_file(proc, "uid_map", map);
  write_file(proc, "setgroups", "deny");
  snprintf(map, sizeof map, "0 %u 1\n", gid);
  write_file(proc, "gid_map", map);
  close(proc);
  sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  check(sock, "socket");
  check(ioctl(sock, SIOCSIFFLAGS, &ifr), "lo up");
  close(sock);
  make_root();
  drop_capabilities();
  check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs");
  check(prctl(PR_SET_DUMPABLE, 0), "dumpable");
  check(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, filter), "seccomp");
  cmd = vfork();
  if (cmd == 0) {
    execl("/bin/true", "true", (char *)NULL);
    _exit(127);
  }
  check(cmd, "vfork");
  check(waitpid(cmd, &status, 0), "waitpid");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static struct sock_fprog read_filter(const char *path)
{
  static struct sock_filter insns[4096];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n;

  check(fd, path);
  n = read(fd, insns, sizeof insns);
  check(n, path);
  close(fd);
  return (struct sock_fprog){ .len = n / sizeof *insns, .filter = insns };
}

int main(int argc, char **argv)
{
  struct sock_fprog filter;
  uid_t uid = getuid();
  gid_t gid = getgid();
  int status, lifeline[2];
  pid_t child;

  if (argc != 2) {
    fprintf(stderr, "usage: floor BPF-FILE\n");
    return 2;
  }
  filter = read_filter(argv[1]);
  check(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, lifeline), "socketpair");
  child = syscall(SYS_clone, CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |
                                 CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | SIGCHLD,
                  NULL, NULL, NULL, NULL);
  check(child, "clone");
  if (child == 0) {
    close(lifeline[0]);
    _exit(pid1(&filter, uid, gid, lifeline[1]));
  }
  close(lifeline[1]);
  check(waitpid(child, &status, 0), "waitpid");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
