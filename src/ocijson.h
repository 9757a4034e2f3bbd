/* Reading the OCI runtime's JSON (config.json, process.json, state.json)
 * with json-c, with errors that name the file, the line and column, or the
 * member (doc/design.md, "OCI runtime"). */
#ifndef SBX_OCIJSON_H
#define SBX_OCIJSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

struct sbx_error;

/* Parses PATH with the strict tokenizer; *out is the document (put it with
 * json_object_put).  "PATH: line L, column C: reason" on a syntax error. */
int ocijson_read(const char *path, json_object **out, struct sbx_error *e);

/* Member KEY of OBJ: absent is fine (*out NULL), the wrong type is an
 * error naming WHERE.KEY. */
int ocijson_get(json_object *obj, const char *where, const char *key, json_type type,
                json_object **out, struct sbx_error *e);
/* The same for a string member (NULL when absent). */
int ocijson_str(json_object *obj, const char *where, const char *key, const char **out,
                struct sbx_error *e);
/* An unsigned integer member up to max; *set says whether it was there. */
int ocijson_uint(json_object *obj, const char *where, const char *key, uint64_t max,
                 uint64_t *out, bool *set, struct sbx_error *e);
/* Element I of ARRAY as a string, or an error naming WHERE[I]. */
int ocijson_elem_str(json_object *array, const char *where, size_t i, const char **out,
                     struct sbx_error *e);
/* A NULL-terminated copy of an array of strings (absent: an empty list). */
int ocijson_strv(json_object *obj, const char *where, const char *key, char ***out,
                 size_t *n, struct sbx_error *e);

/* Writes DOC to PATH atomically (a temporary file, then rename). */
int ocijson_write(const char *path, json_object *doc, struct sbx_error *e);

#endif
