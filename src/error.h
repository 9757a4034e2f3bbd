/* One error convention for the whole program.
 *
 * A function that can fail returns a negative value and fills a struct
 * sbx_error.  The message is kept in a fixed buffer, not on the heap, so that
 * an error raised in the sandboxed child can cross to the launcher over the
 * sync socket as plain bytes, and so that filling it is safe after fork.
 * Only the launcher prints errors (sbx_error_print), so each failure is
 * reported exactly once. */
#ifndef SBX_ERROR_H
#define SBX_ERROR_H

#include <stdarg.h>
#include <stdbool.h>

/* Exit statuses (doc/design.md, "Personalities"). */
enum {
  SBX_EXIT_SETUP = 125,     /* sandbox personality; bwrap uses 1 */
  SBX_EXIT_NOEXEC = 126,
  SBX_EXIT_NOTFOUND = 127,
};

struct sbx_error {
  int errno_;   /* 0 when the message needs no strerror */
  int status;   /* exit status the launcher should use */
  char msg[1024];
};

/* Sets the error ("what failed: object"), with errno text appended when err
 * is non-zero.  Returns -1 so callers can `return sbx_fail(...)`. */
int sbx_fail(struct sbx_error *e, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, with an explicit exit status (126/127). */
int sbx_fail_status(struct sbx_error *e, int status, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prefixes context to an error already set: "bind /usr: " + old message. */
int sbx_wrap(struct sbx_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends " (hint: ...)". */
void sbx_hint(struct sbx_error *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The message prefix, "sandbox" or "bwrap", chosen by the personality. */
extern const char *sbx_prefix;
/* --level-prefix: "<3>" before errors and "<4>" before warnings, for
 * logger --prio-prefix and systemd-cat. */
extern bool sbx_level_prefix;
void sbx_error_print(const struct sbx_error *e);
/* Warnings and verbose lines go through here too, one line each. */
void sbx_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
