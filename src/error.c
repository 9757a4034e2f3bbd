

#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *sbx_prefix = "sandbox";
bool sbx_level_prefix;

static void append(char *buf, size_t size, const char *fmt, va_list ap)
{
  size_t used = strnlen(buf, size);
  if (used + 1 < size)
    vsnprintf(buf + used, size - used, fmt, ap);
}

static void append_f(char *buf, size_t size, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  append(buf, size, fmt, ap);
  va_end(ap);
}

static void set(struct sbx_error *e, int status, int err, const char *fmt, va_list ap)
{
  e->errno_ = err;
  e->status = status;
  e->msg[0] = '\0';
  append(e->msg, sizeof e->msg, fmt, ap);
  if (err)
    append_f(e->msg, sizeof e->msg, ": %s", strerror(err));
}

int sbx_fail(struct sbx_error *e, int err, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  set(e, SBX_EXIT_SETUP, err, fmt, ap);
  va_end(ap);
  return -1;
}

int sbx_fail_status(struct sbx_error *e, int status, int err, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  set(e, status, err, fmt, ap);
  va_end(ap);
  return -1;
}

int sbx_wrap(struct sbx_error *e, const char *fmt, ...)
{
  char old[sizeof e->msg];
  va_list ap;

  memcpy(old, e->msg, sizeof old);
  e->msg[0] = '\0';
  va_start(ap, fmt);
  append(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  append_f(e->msg, sizeof e->msg, ": %s", old);
  return -1;
}

void sbx_hint(struct sbx_error *e, const char *fmt, ...)
{
  va_list ap;
  append_f(e->msg, sizeof e->msg, " (hint: ");
  va_start(ap, fmt);
  append(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  append_f(e->msg, sizeof e->msg, ")");
}

/* One write per line, so lines from several processes never interleave. */
static void emit(int level, const char *line)
{
  char buf[1200];
  int n = snprintf(buf, sizeof buf, "%s%s: %s\n",
                   !sbx_level_prefix ? "" : level == 3 ? "<3>" : "<4>", sbx_prefix, line);
  if (n > (int)sizeof buf - 1) {
    n = sizeof buf - 1;
    buf[n - 1] = '\n';
  }
  if (write(STDERR_FILENO, buf, n) < 0)
    return;
}

void sbx_error_print(const struct sbx_error *e)
{
  emit(3, e->msg);
}

void sbx_warn(const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  emit(4, line);
}
