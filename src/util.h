/* Small helpers shared by every subsystem: cleanup attributes, allocation,
 * strict number parsing, fd handling. */
#ifndef SBX_UTIL_H
#define SBX_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

struct sbx_error;

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd)
{
  if (*fd >= 0)
    close(*fd);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* Hand ownership on, leaving the cleanup variable empty. */
static inline int steal_fd(int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}
#define steal_ptr(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure is not recoverable in a launcher: these print and exit
 * with the setup status. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Grows *array (of *cap elements of size elem) to hold at least need. */
void xgrow(void *array, size_t *cap, size_t need, size_t elem);

/* "a" + "/" + "b", newly allocated. */
char *path_join(const char *a, const char *b);

/* Strict decimal parsing: digits only, no sign, no spaces, no trailing
 * garbage, value <= max.  Returns -1 with errno EINVAL or ERANGE. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

/* Octal, digits 0-7 only, value <= max (for --perms, --chmod). */
int parse_octal(const char *s, uint64_t max, uint64_t *out);
/* Decimal, or hexadecimal after "0x", value <= max (for --size). */
int parse_size_value(const char *s, uint64_t max, uint64_t *out);

/* Makes fds 0, 1 and 2 valid (on /dev/null) so no later open lands there. */
int ensure_stdio(struct sbx_error *e);
/* Closes every fd >= 3 that is not in keep[] (unsorted, may be empty). */
void close_fds_except(const int *keep, size_t n_keep);

/* write() of the whole buffer, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* Writes a short string to a file (for /proc knobs). Returns -errno. */
int write_file_at(int dirfd, const char *path, const char *text);

/* Monotonic time in microseconds, for -v step timings. */
uint64_t now_us(void);
/* Writes v in the given base (8 or 10) at p, NUL-terminated; returns the
 * end.  For the child's setup, where stdio's formatting would fault in
 * pages the launcher never touched (doc/design.md, "Launch cost"). */
char *fmt_uint(char *p, uint64_t v, unsigned base);

/* Maps all of the program's text at once, and the stack pages just below
 * the caller's frame, writable: one system call each instead of a fault
 * per page touched later (doc/design.md, "Launch cost").  Best effort: a
 * kernel without MADV_POPULATE_READ/WRITE (before 5.14) faults as before. */
void prefault_text(void);
void prefault_stack(size_t bytes);

#endif
