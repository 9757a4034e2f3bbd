

#include "util.h"

#include "error.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

/* Older headers lack these; the kernel answers EINVAL where it lacks them. */
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#define PAGE_BYTES 4096

static void out_of_memory(void)
{
  sbx_warn("out of memory");
  _exit(SBX_EXIT_SETUP);
}

void *xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p)
    out_of_memory();
  return p;
}

void *xcalloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p)
    out_of_memory();
  return p;
}

void *xrealloc(void *p, size_t n)
{
  p = realloc(p, n ? n : 1);
  if (!p)
    out_of_memory();
  return p;
}

char *xstrdup(const char *s)
{
  char *p = strdup(s);
  if (!p)
    out_of_memory();
  return p;
}

void xgrow(void *array, size_t *cap, size_t need, size_t elem)
{
  void **a = array;
  size_t n = *cap ? *cap : 8;

  if (need <= *cap)
    return;
  while (n < need)
    n *= 2;
  *a = xrealloc(*a, n * elem);
  *cap = n;
}

char *path_join(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  char *p = xmalloc(la + lb + 2);
  memcpy(p, a, la);
  p[la] = '/';
  memcpy(p + la + 1, b, lb + 1);
  return p;
}

static int parse_base(const char *s, unsigned base, uint64_t max, uint64_t *out)
{
  uint64_t v = 0;

  if (!s || !*s) {
    errno = EINVAL;
    return -1;
  }
  for (; *s; s++) {
    unsigned d;
    if (*s >= '0' && *s <= '9')
      d = (unsigned)(*s - '0');
    else if (*s >= 'a' && *s <= 'f')
      d = (unsigned)(*s - 'a' + 10);
    else if (*s >= 'A' && *s <= 'F')
      d = (unsigned)(*s - 'A' + 10);
    else
      d = 99;
    if (d >= base) {
      errno = EINVAL;
      return -1;
    }
    if (v > (UINT64_MAX - d) / base) {
      errno = ERANGE;
      return -1;
    }
    v = v * base + d;
  }
  if (v > max) {
    errno = ERANGE;
    return -1;
  }
  *out = v;
  return 0;
}

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
  return parse_base(s, 10, max, out);
}

int parse_octal(const char *s, uint64_t max, uint64_t *out)
{
  return parse_base(s, 8, max, out);
}

int parse_size_value(const char *s, uint64_t max, uint64_t *out)
{
  if (s && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    return parse_base(s + 2, 16, max, out);
  return parse_base(s, 10, max, out);
}

int ensure_stdio(struct sbx_error *e)
{
  for (int fd = 0; fd <= 2; fd++) {
    int nfd;
    if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
      continue;
    nfd = open("/dev/null", O_RDWR);
    if (nfd < 0)
      return sbx_fail(e, errno, "open /dev/null for closed fd %d", fd);
    if (nfd != fd) {
      /* Lower fds are all open by now, so open() returned fd itself unless
       * something odd happened; move it into place anyway. */
      if (dup2(nfd, fd) < 0)
        return sbx_fail(e, errno, "dup2 /dev/null to fd %d", fd);
      close(nfd);
    }
  }
  return 0;
}

static int cmp_int(const void *a, const void *b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static void close_range_compat(unsigned lo, unsigned hi)
{
  struct rlimit rl;

  if (lo > hi)
    return;
  if (syscall(SYS_close_range, lo, hi, 0) == 0)
    return;
  /* Kernels before 5.9: close up to the soft limit, which bounds every fd
   * this process can hold.  Without the limit, the whole range is closed:
   * slower, as thorough. */
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      rl.rlim_cur - 1 < hi)
    hi = (unsigned)(rl.rlim_cur - 1);
  for (unsigned fd = lo; fd <= hi && fd < (unsigned)INT_MAX; fd++)
    close((int)fd);
}

void close_fds_except(const int *keep, size_t n_keep)
{
  int sorted[n_keep + 1];
  unsigned next = 3;

  for (size_t i = 0; i < n_keep; i++)
    sorted[i] = keep[i];
  qsort(sorted, n_keep, sizeof *sorted, cmp_int);
  for (size_t i = 0; i < n_keep; i++) {
    if (sorted[i] < (int)next)
      continue;
    close_range_compat(next, (unsigned)sorted[i] - 1);
    next = (unsigned)sorted[i] + 1;
  }
  close_range_compat(next, ~0U);
}

int write_all(int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int write_file_at(int dirfd, const char *path, const char *text)
{
  _cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  if (write_all(fd, text, strlen(text)) < 0)
    return -errno;
  return 0;
}

char *fmt_uint(char *p, uint64_t v, unsigned base)
{
  char digits[24];
  size_t n = 0;
  do
    digits[n++] = (char)('0' + v % base);
  while ((v /= base) != 0);
  while (n > 0)
    *p++ = digits[--n];
  *p = '\0';
  return p;
}

uint64_t now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void prefault_text(void)
{
  /* Both symbols come from the linker's default script. */
  extern char __executable_start[], etext[];
  uintptr_t start = (uintptr_t)__executable_start & ~(uintptr_t)(PAGE_BYTES - 1);

  madvise((void *)start, (uintptr_t)etext - start, MADV_POPULATE_READ);
}

void prefault_stack(size_t bytes)
{
  uintptr_t top = ((uintptr_t)__builtin_frame_address(0) & ~(uintptr_t)(PAGE_BYTES - 1)) + PAGE_BYTES;

  madvise((void *)(top - bytes), bytes, MADV_POPULATE_WRITE);
}
