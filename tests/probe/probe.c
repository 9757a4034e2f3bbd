/*
 * probe: a small static helper that the integration tests run inside (and
 * sometimes around) the sandbox to observe what the command really gets.
 *
 * Build: gcc -O2 -Wall -static -o probe tests/probe/probe.c
 *
 * Every subcommand prints short, stable, line-oriented text so that the bats
 * tests can compare it literally. Errors are printed as errno names (EROFS,
 * EPERM, ...) rather than messages, which do not depend on the locale.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

#define PROBE_MOUNT_ATTR_RDONLY 0x00000001ULL

struct probe_mount_attr
{
  uint64_t attr_set;
  uint64_t attr_clr;
  uint64_t propagation;
  uint64_t userns_fd;
};

static const int forwarded_signals[] = {
  SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGTERM, SIGWINCH,
};

#define N_FORWARDED (sizeof forwarded_signals / sizeof forwarded_signals[0])

static void
usage (void)
{
  fputs ("usage: probe SUBCOMMAND [ARGS...]\n"
         "  caps                 Cap* lines, NoNewPrivs, Seccomp\n"
         "  exec-twice           exec itself again, then print caps\n"
         "  sigmask              SigBlk and SigIgn lines\n"
         "  fds                  open fds as 'N TARGET'\n"
         "  fd-kind N            kind of fd N (on stderr)\n"
         "  ptrace-pid1          try to ptrace pid 1 and open /proc/1/mem\n"
         "  pid1-fds             what the command can learn of pid 1's fds\n"
         "  write FILE           create/write FILE, print OK or errno name\n"
         "  remount-rw PATH      try to make the mount at PATH writable\n"
         "  ifflags IFNAME       UP or DOWN\n"
         "  session              pid, sid, pgid\n"
         "  ids                  real and effective uid/gid\n"
         "  kill-self SIG        die by SIG\n"
         "  sleep SECONDS [TAG...]  sleep; TAGs only mark the command line\n"
         "  ls DIR               names in DIR, sorted, one a line\n"
         "  cat FILE             copy FILE to stdout\n"
         "  catch                wait for a forwarded signal, print it\n"
         "  exec-with [ign=SIG|block=SIG|dfl]... -- CMD [ARGS...]\n"
         "  run-status -- CMD [ARGS...]   print how CMD ended\n"
         "  forkbomb MAX         fork waiting children until fork fails or MAX\n"
         "                       run, print how many, hold them until stdin ends\n"
         "  open-max             open /dev/null until it fails, print the count\n"
         "  malloc BYTES         allocate BYTES, print ok or the errno name\n",
         stderr);
  exit (2);
}

static const char *
errname (int err)
{
  static char buf[32];
  const char *name = strerrorname_np (err);

  if (name != NULL)
    return name;
  snprintf (buf, sizeof buf, "E%d", err);
  return buf;
}

static int
parse_signal (const char *s)
{
  char *end;
  long n;

  if (strncmp (s, "SIG", 3) == 0)
    s += 3;
  for (int sig = 1; sig < NSIG; sig++)
    {
      const char *abbrev = sigabbrev_np (sig);
      if (abbrev != NULL && strcmp (abbrev, s) == 0)
        return sig;
    }
  errno = 0;
  n = strtol (s, &end, 10);
  if (errno != 0 || *end != '\0' || end == s || n <= 0 || n >= NSIG)
    {
      fprintf (stderr, "probe: bad signal: %s\n", s);
      exit (2);
    }
  return (int) n;
}

static void
print_status_lines (const char *const *prefixes, size_t n)
{
  char line[512];
  FILE *f = fopen ("/proc/self/status", "re");

  if (f == NULL)
    {
      printf ("status: %s\n", errname (errno));
      return;
    }
  while (fgets (line, sizeof line, f) != NULL)
    for (size_t i = 0; i < n; i++)
      if (strncmp (line, prefixes[i], strlen (prefixes[i])) == 0)
        fputs (line, stdout);
  fclose (f);
}

static int
cmd_caps (void)
{
  static const char *const keys[] = {
    "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:",
    "NoNewPrivs:", "Seccomp:",
  };
  print_status_lines (keys, sizeof keys / sizeof keys[0]);
  return 0;
}

static int
cmd_exec_twice (void)
{
  char *const args[] = { "probe", "caps", NULL };

  fflush (stdout);
  execv ("/proc/self/exe", args);
  printf ("exec: %s\n", errname (errno));
  return 1;
}

static int
cmd_sigmask (void)
{
  static const char *const keys[] = { "SigBlk:", "SigIgn:" };
  print_status_lines (keys, 2);
  return 0;
}

static int
cmd_fds (void)
{
  DIR *d = opendir ("/proc/self/fd");
  struct dirent *e;

  if (d == NULL)
    {
      printf ("opendir: %s\n", errname (errno));
      return 1;
    }
  while ((e = readdir (d)) != NULL)
    {
      char path[PATH_MAX], target[PATH_MAX];
      ssize_t len;

      if (e->d_name[0] == '.' || atoi (e->d_name) == dirfd (d))
        continue;
      snprintf (path, sizeof path, "/proc/self/fd/%s", e->d_name);
      len = readlink (path, target, sizeof target - 1);
      target[len < 0 ? 0 : len] = '\0';
      printf ("%s %s\n", e->d_name, target);
    }
  closedir (d);
  return 0;
}

static const char *
fd_kind (int fd)
{
  struct stat st;
  struct statfs sfs;

  if (fstat (fd, &st) < 0)
    return errno == EBADF ? "closed" : "error";
  if (fstatfs (fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC)
    return "procfs";
  if (S_ISDIR (st.st_mode))
    return "dir";
  if (S_ISCHR (st.st_mode))
    return st.st_rdev == makedev (1, 3) ? "devnull" : "chr";
  if (S_ISFIFO (st.st_mode))
    return "fifo";
  if (S_ISSOCK (st.st_mode))
    return "sock";
  if (S_ISREG (st.st_mode))
    return "reg";
  return "other";
}

static int
cmd_fd_kind (const char *arg)
{
  dprintf (2, "%s\n", fd_kind (atoi (arg)));
  return 0;
}

static const char *
result (int rc)
{
  return rc < 0 ? errname (errno) : "OK";
}

static const char *
try_open_mem (int flags)
{
  int fd = open ("/proc/1/mem", flags | O_CLOEXEC);

  if (fd < 0)
    return errname (errno);
  close (fd);
  return "OK";
}

static int
cmd_ptrace_pid1 (void)
{
  long rc;

  rc = ptrace (PTRACE_ATTACH, 1, NULL, NULL);
  printf ("attach=%s\n", result ((int) rc));
  if (rc == 0)
    {
      waitpid (1, NULL, __WALL);
      ptrace (PTRACE_DETACH, 1, NULL, NULL);
    }
  rc = ptrace (PTRACE_SEIZE, 1, NULL, NULL);
  printf ("seize=%s\n", result ((int) rc));
  if (rc == 0)
    ptrace (PTRACE_DETACH, 1, NULL, NULL);
  printf ("mem-read=%s\n", try_open_mem (O_RDONLY));
  printf ("mem-write=%s\n", try_open_mem (O_RDWR));
  return 0;
}

static int
cmd_pid1_fds (void)
{
  DIR *d = opendir ("/proc/1/fd");
  struct dirent *e;

  if (d == NULL)
    {
      printf ("opendir=%s\n", errname (errno));
      return 0;
    }
  while ((e = readdir (d)) != NULL)
    {
      char path[300];
      struct stat st;

      if (e->d_name[0] == '.')
        continue;
      snprintf (path, sizeof path, "/proc/1/fd/%s", e->d_name);
      if (stat (path, &st) < 0)
        printf ("%s %s\n", e->d_name, errname (errno));
      else
        printf ("%s %s\n", e->d_name, S_ISDIR (st.st_mode) ? "dir" : "nondir");
    }
  closedir (d);
  return 0;
}

static int
cmd_write (const char *file)
{
  int fd = open (file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

  if (fd < 0)
    {
      printf ("%s\n", errname (errno));
      return 1;
    }
  if (write (fd, "probe\n", 6) != 6)
    {
      printf ("%s\n", errname (errno));
      close (fd);
      return 1;
    }
  close (fd);
  printf ("OK\n");
  return 0;
}

static int
cmd_remount_rw (const char *path)
{
  struct probe_mount_attr attr = { .attr_clr = PROBE_MOUNT_ATTR_RDONLY };
  int rc;

  rc = mount (NULL, path, NULL, MS_REMOUNT | MS_BIND, NULL);
  printf ("remount=%s\n", result (rc));
  rc = (int) syscall (SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE,
                      &attr, sizeof attr);
  printf ("setattr=%s\n", result (rc));
  return 0;
}

static int
cmd_ifflags (const char *name)
{
  struct ifreq ifr;
  int s = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  if (s < 0)
    {
      printf ("socket: %s\n", errname (errno));
      return 1;
    }
  memset (&ifr, 0, sizeof ifr);
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  if (ioctl (s, SIOCGIFFLAGS, &ifr) < 0)
    {
      printf ("ioctl: %s\n", errname (errno));
      close (s);
      return 1;
    }
  close (s);
  printf ("%s\n", (ifr.ifr_flags & IFF_UP) ? "UP" : "DOWN");
  return 0;
}

static int
cmd_session (void)
{
  printf ("pid=%d sid=%d pgid=%d\n", getpid (), getsid (0), getpgrp ());
  return 0;
}

static int
cmd_ids (void)
{
  printf ("uid=%d euid=%d gid=%d egid=%d\n", getuid (), geteuid (), getgid (),
          getegid ());
  return 0;
}

static int
cmd_kill_self (const char *arg)
{
  int sig = parse_signal (arg);
  sigset_t set;

  signal (sig, SIG_DFL);
  sigemptyset (&set);
  sigaddset (&set, sig);
  sigprocmask (SIG_UNBLOCK, &set, NULL);
  fflush (stdout);
  raise (sig);
  printf ("still alive after %s\n", arg);
  return 1;
}

static int
cmd_sleep (const char *arg)
{
  struct timespec ts = { .tv_sec = atol (arg) };

  while (nanosleep (&ts, &ts) < 0 && errno == EINTR)
    ;
  return 0;
}

static int
compare_names (const struct dirent **a, const struct dirent **b)
{
  return strcmp ((*a)->d_name, (*b)->d_name);
}

static int
skip_dots (const struct dirent *e)
{
  return strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0;
}

static int
cmd_ls (const char *dir)
{
  struct dirent **names;
  int n = scandir (dir, &names, skip_dots, compare_names);

  if (n < 0)
    {
      printf ("%s\n", errname (errno));
      return 1;
    }
  for (int i = 0; i < n; i++)
    {
      printf ("%s\n", names[i]->d_name);
      free (names[i]);
    }
  free (names);
  return 0;
}

static int
cmd_cat (const char *file)
{
  char buf[8192];
  ssize_t n;
  int fd = open (file, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    {
      printf ("%s\n", errname (errno));
      return 1;
    }
  fflush (stdout);
  while ((n = read (fd, buf, sizeof buf)) > 0)
    if (write (1, buf, (size_t) n) != n)
      break;
  close (fd);
  return n < 0;
}

static volatile sig_atomic_t caught_signal;

static void
on_signal (int sig)
{
  caught_signal = sig;
}

static int
cmd_catch (void)
{
  struct sigaction sa = { .sa_handler = on_signal };
  sigset_t empty;

  sigemptyset (&sa.sa_mask);
  for (size_t i = 0; i < N_FORWARDED; i++)
    sigaction (forwarded_signals[i], &sa, NULL);
  sigemptyset (&empty);
  sigprocmask (SIG_SETMASK, &empty, NULL);
  dprintf (1, "ready\n");
  for (int i = 0; i < 600 && caught_signal == 0; i++)
    usleep (100000);
  if (caught_signal == 0)
    {
      dprintf (1, "no signal\n");
      return 1;
    }
  dprintf (1, "caught SIG%s\n", sigabbrev_np (caught_signal));
  return 0;
}

/* Changes this process's signal state as asked, then execs the command, so
   that the launcher can be started by a caller with unusual dispositions. */
static int
cmd_exec_with (int argc, char **argv)
{
  sigset_t set;
  int i;

  sigprocmask (SIG_SETMASK, NULL, &set);
  for (i = 0; i < argc && strcmp (argv[i], "--") != 0; i++)
    {
      if (strcmp (argv[i], "dfl") == 0)
        {
          for (int sig = 1; sig < NSIG; sig++)
            signal (sig, SIG_DFL);
          sigemptyset (&set);
        }
      else if (strncmp (argv[i], "ign=", 4) == 0)
        signal (parse_signal (argv[i] + 4), SIG_IGN);
      else if (strncmp (argv[i], "block=", 6) == 0)
        sigaddset (&set, parse_signal (argv[i] + 6));
      else
        usage ();
    }
  if (i + 1 >= argc)
    usage ();
  sigprocmask (SIG_SETMASK, &set, NULL);
  execv (argv[i + 1], argv + i + 1);
  fprintf (stderr, "probe: exec %s: %s\n", argv[i + 1], errname (errno));
  return 127;
}

static int
cmd_run_status (int argc, char **argv)
{
  int status;
  pid_t pid;

  if (argc < 2 || strcmp (argv[0], "--") != 0)
    usage ();
  pid = fork ();
  if (pid < 0)
    return 1;
  if (pid == 0)
    {
      execv (argv[1], argv + 1);
      _exit (127);
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return 1;
  if (WIFEXITED (status))
    printf ("exited %d\n", WEXITSTATUS (status));
  else if (WIFSIGNALED (status))
    printf ("signaled %d\n", WTERMSIG (status));
  return 0;
}

/* Children that wait for the sandbox to end (which kills them), with a
 * deadline in case it never does. */
static int
cmd_forkbomb (const char *arg)
{
  long max = atol (arg), n = 0;
  const char *how = "ok";
  ssize_t r;
  char c;

  while (n < max)
    {
      pid_t pid = fork ();
      if (pid < 0)
        {
          how = errname (errno);
          break;
        }
      if (pid == 0)
        {
          sleep (120);
          _exit (0);
        }
      n++;
    }
  printf ("forked %ld\nfork %s\n", n, how);
  do
    r = read (0, &c, 1);
  while (r > 0 || (r < 0 && errno == EINTR));
  return 0;
}

static int
cmd_open_max (void)
{
  long n = 0;
  int fd = -1, last = -1;

  while ((fd = open ("/dev/null", O_RDONLY)) >= 0)
    {
      last = fd;
      n++;
    }
  printf ("opened %ld\nlast fd %d\nopen %s\n", n, last, errname (errno));
  return 0;
}

static int
cmd_malloc (const char *arg)
{
  void *p = malloc ((size_t) strtoull (arg, NULL, 10));

  printf ("malloc %s\n", p ? "ok" : errname (errno));
  free (p);
  return 0;
}

int
main (int argc, char **argv)
{
  const char *cmd;

  if (argc < 2)
    usage ();
  cmd = argv[1];
  setvbuf (stdout, NULL, _IOLBF, 0);

  if (strcmp (cmd, "caps") == 0)
    return cmd_caps ();
  if (strcmp (cmd, "exec-twice") == 0)
    return cmd_exec_twice ();
  if (strcmp (cmd, "sigmask") == 0)
    return cmd_sigmask ();
  if (strcmp (cmd, "fds") == 0)
    return cmd_fds ();
  if (strcmp (cmd, "ptrace-pid1") == 0)
    return cmd_ptrace_pid1 ();
  if (strcmp (cmd, "pid1-fds") == 0)
    return cmd_pid1_fds ();
  if (strcmp (cmd, "session") == 0)
    return cmd_session ();
  if (strcmp (cmd, "ids") == 0)
    return cmd_ids ();
  if (strcmp (cmd, "catch") == 0)
    return cmd_catch ();
  if (strcmp (cmd, "exec-with") == 0)
    return cmd_exec_with (argc - 2, argv + 2);
  if (strcmp (cmd, "run-status") == 0)
    return cmd_run_status (argc - 2, argv + 2);
  if (strcmp (cmd, "sleep") == 0 && argc >= 3)
    return cmd_sleep (argv[2]);
  if (strcmp (cmd, "open-max") == 0)
    return cmd_open_max ();
  if (argc != 3)
    usage ();
  if (strcmp (cmd, "fd-kind") == 0)
    return cmd_fd_kind (argv[2]);
  if (strcmp (cmd, "write") == 0)
    return cmd_write (argv[2]);
  if (strcmp (cmd, "remount-rw") == 0)
    return cmd_remount_rw (argv[2]);
  if (strcmp (cmd, "ifflags") == 0)
    return cmd_ifflags (argv[2]);
  if (strcmp (cmd, "kill-self") == 0)
    return cmd_kill_self (argv[2]);
  if (strcmp (cmd, "ls") == 0)
    return cmd_ls (argv[2]);
  if (strcmp (cmd, "cat") == 0)
    return cmd_cat (argv[2]);
  if (strcmp (cmd, "forkbomb") == 0)
    return cmd_forkbomb (argv[2]);
  if (strcmp (cmd, "malloc") == 0)
    return cmd_malloc (argv[2]);
  usage ();
  return 2;
}
