/* JSON for the OCI runtime (ocijson.h).  json-c's strict tokenizer
 * refuses what the standard refuses, and tells where it stopped, so a
 * broken config.json gets a line and column (doc/design.md, "OCI
 * runtime"). */
#include "ocijson.h"

#include "error.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Config files are small; this bounds what a bad bundle can make us read. */
#define JSON_MAX_BYTES (16 << 20)

static char *slurp(const char *path, size_t *len, struct sbx_error *e)
{
  /* O_NONBLOCK: a FIFO in the bundle is refused below, not waited on. */
  _cleanup_close_ int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat st;
  char *buf;
  size_t n = 0;
  ssize_t r;

  if (fd < 0 || fstat(fd, &st) < 0)
    return sbx_fail(e, errno, "read %s", path), NULL;
  if (!S_ISREG(st.st_mode) || st.st_size > JSON_MAX_BYTES)
    return sbx_fail(e, 0, "read %s: not a regular file of at most 16 MiB", path), NULL;
  buf = xmalloc((size_t)st.st_size + 1);
  while (n < (size_t)st.st_size && (r = read(fd, buf + n, (size_t)st.st_size - n)) != 0) {
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(buf);
      return sbx_fail(e, errno, "read %s", path), NULL;
    }
    n += (size_t)r;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* Line and column (from 1) of byte offset OFF. */
static void position(const char *text, size_t off, unsigned *line, unsigned *col)
{
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && text[i]; i++) {
    if (text[i] == '\n') {
      (*line)++;
      *col = 1;
    } else {
      (*col)++;
    }
  }
}

static int syntax_error(const char *path, const char *text, size_t len, json_tokener *tok,
                        enum json_tokener_error err, struct sbx_error *e)
{
  unsigned line, col;
  size_t off = json_tokener_get_parse_end(tok);

  if (err == json_tokener_continue || err == json_tokener_success)
    off = len; /* ran out of text, or text after the document */
  position(text, off, &line, &col);
  return sbx_fail(e, 0, "parse %s: line %u, column %u: %s", path, line, col,
                  err == json_tokener_continue ? "unexpected end of file"
                  : err == json_tokener_success ? "text after the end of the document"
                                                : json_tokener_error_desc(err));
}

int ocijson_read(const char *path, json_object **out, struct sbx_error *e)
{
  size_t len;
  _cleanup_free_ char *text = slurp(path, &len, e);
  json_tokener *tok;
  enum json_tokener_error err;

  if (!text)
    return -1;
  tok = json_tokener_new();
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  *out = json_tokener_parse_ex(tok, text, (int)len);
  err = json_tokener_get_error(tok);
  if (*out && err == json_tokener_success && json_tokener_get_parse_end(tok) < len &&
      text[json_tokener_get_parse_end(tok) + strspn(text + json_tokener_get_parse_end(tok), " \t\r\n")])
    err = json_tokener_success, json_object_put(steal_ptr(out));
  if (!*out) {
    syntax_error(path, text, len, tok, err, e);
    json_tokener_free(tok);
    return -1;
  }
  json_tokener_free(tok);
  if (!json_object_is_type(*out, json_type_object)) {
    json_object_put(steal_ptr(out));
    return sbx_fail(e, 0, "parse %s: the document is not a JSON object", path);
  }
  return 0;
}

static const char *type_name(json_type t)
{
  switch (t) {
  case json_type_object: return "an object";
  case json_type_array: return "an array";
  case json_type_string: return "a string";
  case json_type_int: return "an integer";
  case json_type_boolean: return "true or false";
  default: return "a value";
  }
}

int ocijson_get(json_object *obj, const char *where, const char *key, json_type type,
                json_object **out, struct sbx_error *e)
{
  *out = NULL;
  if (!obj || !json_object_object_get_ex(obj, key, out) || json_object_is_type(*out, json_type_null)) {
    *out = NULL;
    return 0;
  }
  if (!json_object_is_type(*out, type))
    return sbx_fail(e, 0, "config: %s%s%s: must be %s", where, *where ? "." : "", key,
                    type_name(type));
  return 0;
}

int ocijson_str(json_object *obj, const char *where, const char *key, const char **out,
                struct sbx_error *e)
{
  json_object *v;

  *out = NULL;
  if (ocijson_get(obj, where, key, json_type_string, &v, e) < 0)
    return -1;
  if (v)
    *out = json_object_get_string(v);
  return 0;
}

int ocijson_uint(json_object *obj, const char *where, const char *key, uint64_t max,
                 uint64_t *out, bool *set, struct sbx_error *e)
{
  json_object *v;
  int64_t i;

  *set = false;
  if (ocijson_get(obj, where, key, json_type_int, &v, e) < 0)
    return -1;
  if (!v)
    return 0;
  errno = 0;
  *out = json_object_get_uint64(v);
  i = json_object_get_int64(v);
  if (i < 0 && *out == 0)
    return sbx_fail(e, 0, "config: %s.%s: %" PRId64 " is out of range (0 to %" PRIu64 ")",
                    where, key, i, max);
  if (*out > max)
    return sbx_fail(e, 0, "config: %s.%s: %" PRIu64 " is out of range (0 to %" PRIu64 ")",
                    where, key, *out, max);
  *set = true;
  return 0;
}

int ocijson_elem_str(json_object *array, const char *where, size_t i, const char **out,
                     struct sbx_error *e)
{
  json_object *v = json_object_array_get_idx(array, i);

  if (!v || !json_object_is_type(v, json_type_string))
    return sbx_fail(e, 0, "config: %s[%zu]: must be a string", where, i);
  *out = json_object_get_string(v);
  return 0;
}

int ocijson_strv(json_object *obj, const char *where, const char *key, char ***out,
                 size_t *n, struct sbx_error *e)
{
  json_object *a;
  char name[128];

  *out = NULL;
  *n = 0;
  if (ocijson_get(obj, where, key, json_type_array, &a, e) < 0)
    return -1;
  *n = a ? json_object_array_length(a) : 0;
  *out = xcalloc(*n + 1, sizeof **out);
  snprintf(name, sizeof name, "%s.%s", where, key);
  for (size_t i = 0; i < *n; i++) {
    const char *s;
    if (ocijson_elem_str(a, name, i, &s, e) < 0)
      return -1;
    (*out)[i] = (char *)s;
  }
  return 0;
}

int ocijson_write(const char *path, json_object *doc, struct sbx_error *e)
{
  _cleanup_free_ char *tmp = xmalloc(strlen(path) + 8);
  const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
  int fd;

  sprintf(tmp, "%s.tmp", path);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return sbx_fail(e, errno, "write %s", tmp);
  if (write_all(fd, text, strlen(text)) < 0 || close(fd) < 0) {
    int err = errno;
    unlink(tmp);
    return sbx_fail(e, err, "write %s", tmp);
  }
  if (rename(tmp, path) < 0) {
    int err = errno;
    unlink(tmp);
    return sbx_fail(e, err, "rename %s", tmp);
  }
  return 0;
}
