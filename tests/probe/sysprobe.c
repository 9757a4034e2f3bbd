/* sysprobe: calls each system call the default seccomp profile blocks, with
 * arguments that make it fail harmlessly, and prints what came back, one
 * "name=RESULT" a line: an errno name, OK, or the signal that killed it.
 *
 *   sysprobe            the native calls, two controls, then (on x86_64)
 *                       the same calls through the i386 entry (int $0x80)
 *                       and with x32 numbers (__X32_SYSCALL_BIT | nr)
 *   sysprobe stacked    first installs a filter that allows everything on
 *                       top of whatever filter is there, then the same
 *   sysprobe tiocsti TEXT [hi]
 *                       pushes TEXT and a newline into the terminal on fd 0
 *                       with TIOCSTI, with garbage in the upper 32 bits of
 *                       the request when "hi" is given; prints
 *                       tiocsti=RESULT, then pending=[what the terminal's
 *                       input queue holds]
 *
 *   sysprobe tty-ioctls [i386]
 *                       TIOCSETD, TIOCCONS and TIOCSLCKTRMIOS on the
 *                       terminal on fd 0, each with what the terminal
 *                       already has, natively or through the i386 entry;
 *                       prints tiocsetd=RESULT, tioccons=..., tiocslcktrmios=...
 *                       (prefixed i386: through that entry)
 *
 * Build: gcc -O2 -Wall -static -o sysprobe tests/probe/sysprobe.c
 * Static, so it runs in a sandbox that has no libc of its own.
 *
 * Each call runs in a child process of its own, so that one that succeeds
 * (unshare, personality) changes nothing for the next, and one that the
 * filter kills shows up as SIGSYS instead of ending the probe.  Without a
 * filter, most calls give an error other than EPERM (EFAULT, EBADF,
 * EINVAL, ...), so a test can tell the filter's answer from the kernel's;
 * kexec, module loading and a few others need a capability and give EPERM
 * either way. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define X32_BIT 0x40000000L
#define NONE (-1L)
#define HI_GARBAGE (0xdeadbeefUL << 32)

/* Calls that do not exist on every native ABI. */
#ifndef SYS_uselib
#define SYS_uselib NONE
#endif
#ifndef SYS_iopl
#define SYS_iopl NONE
#endif
#ifndef SYS_ioperm
#define SYS_ioperm NONE
#endif
#ifndef SYS_kexec_file_load
#define SYS_kexec_file_load NONE
#endif
#ifndef SYS_chmod
#define SYS_chmod NONE
#endif
#ifndef SYS_nfsservctl
#define SYS_nfsservctl NONE
#endif
#ifndef SYS_create_module
#define SYS_create_module NONE
#endif
#ifndef SYS_lookup_dcookie
#define SYS_lookup_dcookie NONE
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
/* A flag no kernel knows, beside the one that lets an unprivileged caller
 * past the capability check: fanotify_init fails with EINVAL, making
 * nothing. */
#define FAN_UNKNOWN_FLAG 0x80000000UL

enum abi { NATIVE, I386, X32 };

struct call {
  const char *name;
  long nr[3]; /* native, i386, x32 (x32 without the bit); NONE: absent */
  unsigned long a[5];
};

/* i386 and x32 numbers are ABI facts from the kernel's syscall tables;
 * x32 shares the x86_64 numbers except for the calls that take pointers
 * to structures of different layout (512 and up). */
static const struct call calls[] = {
  { "keyctl", { SYS_keyctl, 288, 250 }, { 0x7fffffff } },
  { "add_key", { SYS_add_key, 286, 248 }, { 0 } },
  { "request_key", { SYS_request_key, 287, 249 }, { 0 } },
  { "bpf", { SYS_bpf, 357, 321 }, { 0x7fff, 0, 0 } },
  { "userfaultfd", { SYS_userfaultfd, 374, 323 }, { 0x80000001 } },
  { "perf_event_open", { SYS_perf_event_open, 336, 298 }, { 0, 0, -1UL, -1UL, 0 } },
  { "kexec_load", { SYS_kexec_load, 283, 528 }, { 0, 0, 0, 0xffffffff } },
  { "kexec_file_load", { SYS_kexec_file_load, NONE, 320 }, { -1UL, -1UL, 0, 0, 0xffff } },
  { "init_module", { SYS_init_module, 128, 175 }, { 0, 0, 0 } },
  { "finit_module", { SYS_finit_module, 350, 313 }, { -1UL, 0, 0 } },
  { "delete_module", { SYS_delete_module, 129, 176 }, { 0, 0 } },
  { "open_tree", { SYS_open_tree, 428, 428 }, { -1UL, 0, 0 } },
  { "move_mount", { SYS_move_mount, 429, 429 }, { -1UL, 0, -1UL, 0, 0 } },
  { "fsopen", { SYS_fsopen, 430, 430 }, { 0, 0 } },
  { "fsconfig", { SYS_fsconfig, 431, 431 }, { -1UL, 0xff, 0, 0, 0 } },
  { "fsmount", { SYS_fsmount, 432, 432 }, { -1UL, 0, 0 } },
  { "fspick", { SYS_fspick, 433, 433 }, { -1UL, 0, 0 } },
  { "mount_setattr", { SYS_mount_setattr, 442, 442 }, { -1UL, 0, 0, 0, 0 } },
  { "io_uring_setup", { SYS_io_uring_setup, 425, 425 }, { 1, 0 } },
  { "io_uring_enter", { SYS_io_uring_enter, 426, 426 }, { -1UL, 0, 0, 0, 0 } },
  { "io_uring_register", { SYS_io_uring_register, 427, 427 }, { -1UL, 0, 0, 0 } },
  { "ptrace", { SYS_ptrace, 26, 521 }, { PTRACE_PEEKUSER, 0x7fffffff, 0, 0 } },
  { "process_vm_readv", { SYS_process_vm_readv, 347, 539 }, { 0x7fffffff, 0, 1, 0, 1 } },
  { "process_vm_writev", { SYS_process_vm_writev, 348, 540 }, { 0x7fffffff, 0, 1, 0, 1 } },
  { "pidfd_getfd", { SYS_pidfd_getfd, 438, 438 }, { -1UL, -1UL, 0 } },
  { "acct", { SYS_acct, 51, 163 }, { 1 } },
  { "swapon", { SYS_swapon, 87, 167 }, { 0, 0 } },
  { "swapoff", { SYS_swapoff, 115, 168 }, { 0 } },
  { "reboot", { SYS_reboot, 88, 169 }, { 0, 0, 0, 0 } },
  { "settimeofday", { SYS_settimeofday, 79, 164 }, { 1, 0 } },
  { "clock_settime", { SYS_clock_settime, 264, 227 }, { CLOCK_REALTIME, 1 } },
  { "stime", { NONE, 25, NONE }, { 1 } },
  { "syslog", { SYS_syslog, 103, 103 }, { 0x7fff, 0, 0 } },
  { "uselib", { SYS_uselib, 86, NONE }, { 1 } },
  { "vm86", { NONE, 166, NONE }, { 0x7fff, 0 } },
  { "vm86old", { NONE, 113, NONE }, { 0 } },
  { "iopl", { SYS_iopl, 110, 172 }, { 4 } },
  { "ioperm", { SYS_ioperm, 101, 173 }, { 0, 0, 0 } },
  { "open_by_handle_at", { SYS_open_by_handle_at, 342, 304 }, { -1UL, 0, 0 } },
  { "ioctl(TIOCSTI)", { SYS_ioctl, 54, 514 }, { -1UL, TIOCSTI, 0 } },
  { "ioctl(TIOCSTI|0xdeadbeef<<32)", { SYS_ioctl, NONE, 514 }, { -1UL, HI_GARBAGE | TIOCSTI, 0 } },
  { "ioctl(TIOCLINUX)", { SYS_ioctl, 54, 514 }, { -1UL, TIOCLINUX, 0 } },
  { "ioctl(TIOCLINUX|0xdeadbeef<<32)", { SYS_ioctl, NONE, 514 }, { -1UL, HI_GARBAGE | TIOCLINUX, 0 } },
  { "ioctl(TIOCSETD)", { SYS_ioctl, 54, 514 }, { -1UL, TIOCSETD, 0 } },
  { "ioctl(TIOCSETD|0xdeadbeef<<32)", { SYS_ioctl, NONE, 514 }, { -1UL, HI_GARBAGE | TIOCSETD, 0 } },
  { "ioctl(TIOCCONS)", { SYS_ioctl, 54, 514 }, { -1UL, TIOCCONS, 0 } },
  { "ioctl(TIOCCONS|0xdeadbeef<<32)", { SYS_ioctl, NONE, 514 }, { -1UL, HI_GARBAGE | TIOCCONS, 0 } },
  { "ioctl(TIOCSLCKTRMIOS)", { SYS_ioctl, 54, 514 }, { -1UL, TIOCSLCKTRMIOS, 0 } },
  { "ioctl(TIOCSLCKTRMIOS|0xdeadbeef<<32)", { SYS_ioctl, NONE, 514 },
    { -1UL, HI_GARBAGE | TIOCSLCKTRMIOS, 0 } },
  { "vhangup", { SYS_vhangup, 111, 153 }, { 0 } },
  { "ioctl(TIOCGWINSZ)", { SYS_ioctl, 54, 514 }, { -1UL, TIOCGWINSZ, 0 } },
  { "unshare(CLONE_NEWUSER)", { SYS_unshare, 310, 272 }, { CLONE_NEWUSER } },
  { "unshare(CLONE_NEWUSER|0xdeadbeef<<32)", { SYS_unshare, NONE, 272 }, { HI_GARBAGE | CLONE_NEWUSER } },
  { "clone(CLONE_NEWUSER)", { SYS_clone, 120, 56 }, { CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0 } },
  { "clone3", { SYS_clone3, 435, 435 }, { 0, 0 } },
  { "unshare(CLONE_NEWNS)", { SYS_unshare, 310, 272 }, { CLONE_NEWNS } },
  { "unshare(CLONE_NEWPID)", { SYS_unshare, 310, 272 }, { CLONE_NEWPID } },
  { "unshare(CLONE_NEWNET)", { SYS_unshare, 310, 272 }, { CLONE_NEWNET } },
  { "unshare(CLONE_NEWIPC)", { SYS_unshare, 310, 272 }, { CLONE_NEWIPC } },
  { "unshare(CLONE_NEWUTS)", { SYS_unshare, 310, 272 }, { CLONE_NEWUTS } },
  { "unshare(CLONE_NEWCGROUP)", { SYS_unshare, 310, 272 }, { CLONE_NEWCGROUP } },
  { "unshare(CLONE_NEWTIME)", { SYS_unshare, 310, 272 }, { CLONE_NEWTIME } },
  { "clone(CLONE_NEWNS)", { SYS_clone, 120, 56 }, { CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0 } },
  { "clone(CLONE_NEWPID)", { SYS_clone, 120, 56 }, { CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0 } },
  { "clone(CLONE_NEWNET)", { SYS_clone, 120, 56 }, { CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0 } },
  { "clone(CLONE_NEWIPC)", { SYS_clone, 120, 56 }, { CLONE_NEWIPC | SIGCHLD, 0, 0, 0, 0 } },
  { "clone(CLONE_NEWUTS)", { SYS_clone, 120, 56 }, { CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0 } },
  { "clone(CLONE_NEWCGROUP)", { SYS_clone, 120, 56 }, { CLONE_NEWCGROUP | SIGCHLD, 0, 0, 0, 0 } },
  { "setns", { SYS_setns, 346, 308 }, { -1UL, 0 } },
  { "sethostname", { SYS_sethostname, 74, 170 }, { 0, 65 } },
  { "setdomainname", { SYS_setdomainname, 121, 171 }, { 0, 65 } },
  { "mount", { SYS_mount, 21, 165 }, { 0, 0, 0, 0, 0 } },
  { "umount", { NONE, 22, NONE }, { 0 } },
  { "umount2", { SYS_umount2, 52, 166 }, { 0, 0x10 } },
  { "pivot_root", { SYS_pivot_root, 217, 155 }, { 0, 0 } },
  { "chroot", { SYS_chroot, 61, 161 }, { 0 } },
  { "clock_settime64", { NONE, 404, NONE }, { CLOCK_REALTIME, 1 } },
  { "adjtimex", { SYS_adjtimex, 124, 159 }, { 1 } },
  { "clock_adjtime", { SYS_clock_adjtime, 343, 305 }, { CLOCK_REALTIME, 1 } },
  { "clock_adjtime64", { NONE, 405, NONE }, { CLOCK_REALTIME, 1 } },
  { "quotactl", { SYS_quotactl, 131, 179 }, { 0, 0, 0, 0 } },
  { "quotactl_fd", { SYS_quotactl_fd, 443, 443 }, { -1UL, 0, 0, 0 } },
  { "lookup_dcookie", { SYS_lookup_dcookie, 253, 212 }, { 0, 0, 0 } },
  { "nfsservctl", { SYS_nfsservctl, 169, NONE }, { 0, 0, 0 } },
  { "create_module", { SYS_create_module, 127, NONE }, { 0, 0 } },
  { "fanotify_init", { SYS_fanotify_init, 338, 300 }, { FAN_REPORT_FID | FAN_UNKNOWN_FLAG, 0 } },
  { "personality(ADDR_NO_RANDOMIZE)", { SYS_personality, 136, 135 }, { ADDR_NO_RANDOMIZE } },
  { "personality(READ_IMPLIES_EXEC)", { SYS_personality, 136, 135 }, { READ_IMPLIES_EXEC } },
  { "personality(0xffffffff)", { SYS_personality, 136, 135 }, { 0xffffffff } },
  { "personality(PER_LINUX)", { SYS_personality, 136, 135 }, { PER_LINUX } },
  { "personality(PER_LINUX32)", { SYS_personality, 136, 135 }, { PER_LINUX32 } },
  { "personality(UNAME26)", { SYS_personality, 136, 135 }, { UNAME26 } },
  { "personality(PER_LINUX32|0xdeadbeef<<32)", { SYS_personality, NONE, 135 },
    { HI_GARBAGE | PER_LINUX32 } },
  { "personality(PER_LINUX|0xdeadbeef<<32)", { SYS_personality, NONE, 135 }, { HI_GARBAGE } },
  /* Controls: calls the filter lets through, failing as the kernel says. */
  { "read(-1)", { SYS_read, 3, 0 }, { -1UL, 0, 0 } },
  { "chmod((char*)1)", { SYS_chmod, 15, 90 }, { 1, 0 } },
  { "getpid", { SYS_getpid, 20, 39 }, { 0 } },
};

static const char *errname(int err)
{
  static char buf[32];
  const char *name = strerrorname_np(err);

  if (name)
    return name;
  snprintf(buf, sizeof buf, "E%d", err);
  return buf;
}

/* Returns -errno like the kernel does. */
static long call_abi(enum abi abi, long nr, const unsigned long *a)
{
#if defined(__x86_64__)
  if (abi == I386) {
    /* The i386 entry from 64-bit code: six 32-bit registers, of which
     * five are used here (%ebp stays the frame pointer). */
    long ret;
    __asm__ volatile("int $0x80"
                     : "=a"(ret)
                     : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
                     : "memory");
    return (int)ret;
  }
  if (abi == X32)
    nr |= X32_BIT;
#else
  (void)abi;
#endif
  long r = syscall(nr, a[0], a[1], a[2], a[3], a[4]);
  return r < 0 ? -errno : r;
}

/* The call's result, from a child of its own: 0 OK, errno, or 1000+signal. */
static int run_child(enum abi abi, const struct call *c)
{
  int status;
  pid_t pid;

  fflush(stdout);
  pid = fork();
  if (pid < 0)
    return errno;
  if (pid == 0) {
    pid_t self = getpid();
    long r;
    /* No controlling terminal: vhangup, allowed to real root, would
     * otherwise hang up the terminal of whoever runs the probe. */
    setsid();
    r = call_abi(abi, c->nr[abi], c->a);
    if (getpid() != self) /* the new process of a clone that worked */
      _exit(0);
    if (r > 0 && c->nr[NATIVE] == SYS_clone)
      waitpid((pid_t)r, NULL, 0);
    _exit(r < 0 ? (int)-r : 0);
  }
  if (waitpid(pid, &status, 0) < 0)
    return errno;
  return WIFSIGNALED(status) ? 1000 + WTERMSIG(status) : WEXITSTATUS(status);
}

static void print_result(const char *prefix, const char *name, int r)
{
  if (r == 0)
    printf("%s%s=OK\n", prefix, name);
  else if (r >= 1000)
    printf("%s%s=SIG%s\n", prefix, name, sigabbrev_np(r - 1000));
  else
    printf("%s%s=%s\n", prefix, name, errname(r));
}

/* The errno values the kernel returns fit in an exit status, except a few
 * above 255 that none of these calls produce. */
static void run_all(enum abi abi, const char *prefix)
{
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++)
    if (calls[i].nr[abi] != NONE)
      print_result(prefix, calls[i].name, run_child(abi, &calls[i]));
}

/* PTRACE_ATTACH to a child of our own: what a debugger does. */
static void ptrace_attach(void)
{
  pid_t target = fork();
  int r = 0;

  if (target == 0) {
    pause();
    _exit(0);
  }
  if (ptrace(PTRACE_ATTACH, target, 0, 0) < 0)
    r = errno;
  else
    waitpid(target, NULL, 0);
  kill(target, SIGKILL);
  waitpid(target, NULL, 0);
  print_result("", "ptrace(ATTACH)", r);
}

/* Whether the i386 entry exists here at all: some kernels and hypervisors
 * fault on int $0x80 from a 64-bit process (no IA32 emulation), filter or
 * no filter.  getpid through it, which every profile allows, in a child:
 * a filter answers with an errno or SIGSYS, never SIGSEGV. */
static bool i386_entry_works(void)
{
#if defined(__x86_64__)
  static const struct call getpid_call = { "getpid", { SYS_getpid, 20, SYS_getpid }, { 0 } };
  return run_child(I386, &getpid_call) != 1000 + SIGSEGV;
#else
  return false;
#endif
}

static void probe_all(void)
{
  run_all(NATIVE, "");
  ptrace_attach();
#if defined(__x86_64__)
  if (i386_entry_works())
    run_all(I386, "i386:");
  else
    printf("i386:entry=faults\n");
  run_all(X32, "x32:");
#endif
}

/* A filter whose only instruction allows everything: stacked on top, it
 * must not undo what the filter below refuses. */
static void stack_permissive_filter(void)
{
  struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = { 1, &allow };
  int r = 0;

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
    r = errno;
  print_result("", "stacked", r);
}

/* What is waiting in the terminal's input queue: injected bytes land
 * there, where the next reader of the terminal (the caller's shell) would
 * take them as typed.  An end-of-file mark (^D, which script(1) sends when
 * its own input ends) reads as 0 bytes and may come first: read on. */
static void print_pending(void)
{
  char buf[256];
  size_t n = 0;
  struct pollfd pfd = { .fd = 0, .events = POLLIN };

  for (int i = 0; i < 16 && n < sizeof buf - 1; i++) {
    ssize_t r;
    if (poll(&pfd, 1, 300) <= 0 || !(pfd.revents & POLLIN))
      break;
    r = read(0, buf + n, sizeof buf - 1 - n);
    if (r < 0)
      break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  buf[strcspn(buf, "\r\n")] = '\0';
  printf("pending=[%s]\n", buf);
}

static int inject(unsigned long req, char c)
{
  return syscall(SYS_ioctl, 0, req, &c) < 0 ? errno : 0;
}

/* Injects TEXT and a newline, then shows what the terminal holds. */
static int tiocsti(const char *text, int hi)
{
  unsigned long req = TIOCSTI | (hi ? HI_GARBAGE : 0);
  int r = 0;

  for (const char *p = text; *p && r == 0; p++)
    r = inject(req, *p);
  if (r == 0)
    r = inject(req, '\n');
  print_result("", "tiocsti", r);
  print_pending();
  return 0;
}

/* The terminal ioctls the default profile refuses, on the terminal on fd
 * 0: the line discipline and the locks it already has, so that they change
 * nothing if they go through.  TIOCCONS, which only real root gets past the
 * kernel, moves the console's output to this terminal until it closes. */
static int tty_ioctls(enum abi abi)
{
  static int ldisc;      /* in .bss: below 4 GiB, for the i386 entry */
  static char locks[64]; /* the kernel's struct termios, with room */
  const char *prefix = abi == I386 ? "i386:" : "";
  const struct { const char *name; unsigned long req; void *arg; } t[] = {
    { "tiocsetd", TIOCSETD, &ldisc },
    { "tioccons", TIOCCONS, NULL },
    { "tiocslcktrmios", TIOCSLCKTRMIOS, locks },
  };

  if (ioctl(0, TIOCGETD, &ldisc) < 0 || ioctl(0, TIOCGLCKTRMIOS, locks) < 0) {
    print_result("", "terminal", errno);
    return 1;
  }
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    struct call c = { t[i].name, { SYS_ioctl, 54, 514 }, { 0, t[i].req, (unsigned long)t[i].arg } };
    print_result(prefix, t[i].name, run_child(abi, &c));
  }
  return 0;
}

int main(int argc, char **argv)
{
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 1) {
    probe_all();
    return 0;
  }
  if (strcmp(argv[1], "stacked") == 0 && argc == 2) {
    stack_permissive_filter();
    probe_all();
    return 0;
  }
  if (strcmp(argv[1], "i386-entry") == 0 && argc == 2)
    return i386_entry_works() ? 0 : 1;
  if (strcmp(argv[1], "tiocsti") == 0 && (argc == 3 || argc == 4))
    return tiocsti(argv[2], argc == 4 && strcmp(argv[3], "hi") == 0);
  if (strcmp(argv[1], "tty-ioctls") == 0 && argc == 2)
    return tty_ioctls(NATIVE);
  if (strcmp(argv[1], "tty-ioctls") == 0 && argc == 3 && strcmp(argv[2], "i386") == 0)
    return tty_ioctls(I386);
  fprintf(stderr, "usage: sysprobe [stacked | i386-entry | tiocsti TEXT [hi] | tty-ioctls [i386]]\n");
  return 2;
}
