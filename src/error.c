

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

/* A message is composed at full length, then stored: one longer than
 * msg keeps its start and its end, where the reason and any hint are,
 * and loses the middle of what was named (a long path), marked "...". */
#define FULL_MSG 8192
#define KEEP_TAIL 320

static void store(struct sbx_error *e, const char *text)
{
  size_t n = strlen(text), head = sizeof e->msg - 1 - 3 - KEEP_TAIL;

  if (n < sizeof e->msg) {
    memcpy(e->msg, text, n + 1);
    return;
  }
  memcpy(e->msg, text, head);
  memcpy(e->msg + head, "...", 3);
  memcpy(e->msg + head + 3, text + n - KEEP_TAIL, KEEP_TAIL + 1);
}

static void set(struct sbx_error *e, int status, int err, const char *fmt, va_list ap)
{
  char text[FULL_MSG] = "";

  e->errno_ = err;
  e->status = status;
  append(text, sizeof text, fmt, ap);
  if (err)
    append_f(text, sizeof text, ": %s", strerror(err));
  store(e, text);
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
  char text[FULL_MSG] = "";
  va_list ap;

  va_start(ap, fmt);
  append(text, sizeof text, fmt, ap);
  va_end(ap);
  append_f(text, sizeof text, ": %s", e->msg);
  store(e, text);
  return -1;
}

void sbx_hint(struct sbx_error *e, const char *fmt, ...)
{
  char text[FULL_MSG];
  va_list ap;

  memcpy(text, e->msg, sizeof e->msg);
  append_f(text, sizeof text, " (hint: ");
  va_start(ap, fmt);
  append(text, sizeof text, fmt, ap);
  va_end(ap);
  append_f(text, sizeof text, ")");
  store(e, text);
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
