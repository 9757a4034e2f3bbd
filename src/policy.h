/* Seccomp policies: the text format described in seccomp/README.md,
 * compiled with libseccomp to classic BPF.
 *
 * One compiler serves both tools/gen-profiles (the built-in profiles, at
 * build time) and --seccomp-profile PATH (at run time), so a policy means
 * the same thing wherever it is compiled. */
#ifndef SBX_POLICY_H
#define SBX_POLICY_H

#include "seccomp.h"

#include <stddef.h>

struct sbx_error;

/* Files larger than this are refused: a policy is a page of text, and the
 * parser keeps the whole file in memory. */
#define POLICY_MAX_BYTES ((size_t)1 << 20)

/* A policy that "@include NAME" reaches by name rather than by path: the
 * built-in profiles.  path is what messages call it. */
struct policy_builtin {
  const char *name;
  const char *path;
  const char *text;
};

struct policy_lib {
  const struct policy_builtin *builtins;
  size_t n_builtins;
};

/* Compiles the policy file at path for this machine's native ABI and the
 * compat ABIs its kernel can enter.  Relative includes are resolved against
 * the file's directory, names against lib.  A policy that allows every call
 * compiles to len 0 (no filter). */
int policy_compile_file(const char *path, const struct policy_lib *lib,
                        struct sbx_bpf *out, struct sbx_error *e);

/* The same for policy text in memory (len bytes, no NUL inside); path names
 * it in messages and anchors its relative includes. */
int policy_compile_text(const char *path, const char *text, size_t len,
                        const struct policy_lib *lib, struct sbx_bpf *out,
                        struct sbx_error *e);

/* Reads a whole policy file, refusing more than POLICY_MAX_BYTES.  *text is
 * NUL-terminated and malloc'd. */
int policy_read_file(const char *path, char **text, size_t *len, struct sbx_error *e);

#endif
