/* Shared by the libFuzzer harnesses: an allocation tracker and fake file
 * access for the code under test.
 *
 * The objects under test are linked with some of their symbols renamed
 * (objcopy --redefine-sym, see the fuzzing block of Makefile.am):
 * xmalloc, xcalloc, xrealloc, xstrdup, xgrow and free go to the tracker
 * below, so that what the code keeps on purpose (the parsed plan points
 * into the buffers it read, and a launcher never frees it) is released
 * after each input and LeakSanitizer can stay on for everything else;
 * open, read and close go to fakes, so that an input naming a real file
 * or fd (@/dev/tty, --args 0, --args 2, @include /dev/stdin) can neither
 * block the fuzzer nor read or close the fuzzer's own fds. */
#ifndef SBX_FUZZ_COMMON_H
#define SBX_FUZZ_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* An invariant the launcher relies on is broken: abort, so that libFuzzer
 * keeps the input. */
#define CHECK(cond)                                                                     \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      fprintf(stderr, "invariant broken: %s (%s:%d)\n", #cond, __FILE__, __LINE__);    \
      abort();                                                                          \
    }                                                                                   \
  } while (0)

/* ---- allocations ----------------------------------------------------- */

static void **fz_ptrs;
static size_t fz_n, fz_cap;

static void fz_track(void *p)
{
  if (!p)
    return;
  if (fz_n == fz_cap) {
    fz_cap = fz_cap ? fz_cap * 2 : 256;
    fz_ptrs = realloc(fz_ptrs, fz_cap * sizeof *fz_ptrs);
    if (!fz_ptrs)
      abort();
  }
  fz_ptrs[fz_n++] = p;
}

/* Forgets p; false if it was not tracked (allocated elsewhere). */
static int fz_untrack(void *p)
{
  for (size_t i = fz_n; i-- > 0;)
    if (fz_ptrs[i] == p) {
      fz_ptrs[i] = fz_ptrs[--fz_n];
      return 1;
    }
  return 0;
}

/* Frees everything the code under test still holds. */
static void fz_release_all(void)
{
  for (size_t i = 0; i < fz_n; i++)
    free(fz_ptrs[i]);
  fz_n = 0;
}

void *fuzz_xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p)
    abort();
  fz_track(p);
  return p;
}

void *fuzz_xcalloc(size_t n, size_t size)
{
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p)
    abort();
  fz_track(p);
  return p;
}

void *fuzz_xrealloc(void *old, size_t n)
{
  void *p;
  if (old && !fz_untrack(old))
    abort(); /* realloc of memory the tracker never saw */
  p = realloc(old, n ? n : 1);
  if (!p)
    abort();
  fz_track(p);
  return p;
}

char *fuzz_xstrdup(const char *s)
{
  char *p = strdup(s);
  if (!p)
    abort();
  fz_track(p);
  return p;
}

/* The same contract as util.c's xgrow. */
void fuzz_xgrow(void *array, size_t *cap, size_t need, size_t elem)
{
  void **a = array;
  size_t c = *cap;
  if (need <= c)
    return;
  c = c ? c : 8;
  while (c < need)
    c *= 2;
  *a = fuzz_xrealloc(*a, c * elem);
  *cap = c;
}

/* free() of the code under test: it may also free what libc allocated
 * for it (asprintf, realpath), which the tracker never saw. */
void fuzz_free(void *p)
{
  if (p)
    fz_untrack(p);
  free(p);
}

/* ---- files and fds ------------------------------------------------------ */

/* The "payload": what every fake file and fd holds for this input. */
static const uint8_t *fz_payload;
static size_t fz_payload_len;

/* fds that fuzz_open made (real memfds), each served by the real calls. */
#define FZ_MAX_FDS 64
static int fz_real_fds[FZ_MAX_FDS];
static size_t fz_n_real;
/* Read offsets of the pretend fds (any other number), and which of them
 * have been read as such since the last close. */
#define FZ_PRETEND 1024
static size_t fz_offset[FZ_PRETEND];
static unsigned char fz_pretended[FZ_PRETEND];

static int fz_is_real(int fd)
{
  for (size_t i = 0; i < fz_n_real; i++)
    if (fz_real_fds[i] == fd)
      return 1;
  return 0;
}

/* open(): a memfd holding the payload for paths that contain "fuzz"
 * (as the seed corpus uses them), ENOENT for every other path. */
int fuzz_open(const char *path, int flags, ...)
{
  int fd;
  (void)flags;
  if (!strstr(path, "fuzz") || fz_n_real == FZ_MAX_FDS) {
    errno = ENOENT;
    return -1;
  }
  fd = memfd_create("fuzz-file", MFD_CLOEXEC);
  if (fd < 0)
    return -1; /* (an fd leak would show as EMFILE here) */
  if (fz_payload_len && write(fd, fz_payload, fz_payload_len) != (ssize_t)fz_payload_len)
    abort();
  lseek(fd, 0, SEEK_SET);
  fz_real_fds[fz_n_real++] = fd;
  return fd;
}

/* read(): the real call on a fuzz_open fd; otherwise every fd number from
 * 0 to FZ_PRETEND-1 reads as the payload (each from its own offset) and
 * any other as not open. */
ssize_t fuzz_read(int fd, void *buf, size_t n)
{
  size_t left;
  if (fz_is_real(fd))
    return read(fd, buf, n);
  if (fd < 0 || fd >= FZ_PRETEND) {
    errno = EBADF;
    return -1;
  }
  fz_pretended[fd] = 1;
  left = fz_payload_len - fz_offset[fd];
  if (n > left)
    n = left;
  memcpy(buf, fz_payload + fz_offset[fd], n);
  fz_offset[fd] += n;
  return (ssize_t)n;
}

/* close(): a pretend fd (one read as the payload) is only rewound, so
 * that an input's "--args 2" never closes the fuzzer's stderr; any other
 * fd is one the code under test opened itself (a memfd, say) and is
 * really closed. */
int fuzz_close(int fd)
{
  for (size_t i = 0; i < fz_n_real; i++)
    if (fz_real_fds[i] == fd) {
      fz_real_fds[i] = fz_real_fds[--fz_n_real];
      return close(fd);
    }
  if (fd >= 0 && fd < FZ_PRETEND && fz_pretended[fd]) {
    fz_pretended[fd] = 0;
    fz_offset[fd] = 0;
    return 0;
  }
  return close(fd);
}

/* Sets the payload and forgets every fake fd of the previous input. */
static void fz_files_reset(const uint8_t *payload, size_t len)
{
  while (fz_n_real)
    close(fz_real_fds[--fz_n_real]);
  memset(fz_offset, 0, sizeof fz_offset);
  memset(fz_pretended, 0, sizeof fz_pretended);
  fz_payload = payload;
  fz_payload_len = len;
}

/* The lowest fd number not in use: when the code under test leaks an fd,
 * this changes from one input to the next. */
static int fz_lowest_free_fd(void)
{
  int fd = dup(0);
  if (fd >= 0)
    close(fd);
  return fd;
}

/* Where the payload starts: after the first three NULs in a row, if any. */
static size_t fz_split(const uint8_t *data, size_t size)
{
  for (size_t i = 0; i + 2 < size; i++)
    if (!data[i] && !data[i + 1] && !data[i + 2])
      return i;
  return size;
}

#endif
