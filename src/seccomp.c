/* Seccomp for the launcher: built-in profiles are embedded BPF (profiles.c,
 * generated at build time), anything else is a policy file compiled now by
 * policy.c.  Installation is plain seccomp(2), so that the command's filter
 * is exactly the bytes that --seccomp-export prints. */


#include "seccomp.h"

#include "error.h"
#include "policy.h"
#include "profiles.h"
#include "util.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct sbx_builtin_profile *find_builtin(const char *name)
{
  for (size_t i = 0; i < sbx_n_builtin_profiles; i++)
    if (strcmp(sbx_builtin_profiles[i].name, name) == 0)
      return &sbx_builtin_profiles[i];
  return NULL;
}

static void hint_builtins(struct sbx_error *e)
{
  char names[256] = "";
  size_t used = 0;

  for (size_t i = 0; i < sbx_n_builtin_profiles && used < sizeof names; i++)
    used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
                             sbx_builtin_profiles[i].name);
  sbx_hint(e, "the built-in profiles are %s", names);
}

/* A run-time policy may "@include default": the built-ins' text is
 * embedded next to their BPF for that. */
static int compile_file(const char *path, struct sbx_bpf *out, struct sbx_error *e)
{
  size_t n = sbx_n_builtin_profiles;
  struct policy_builtin lib_entries[n ? n : 1];
  char labels[n ? n : 1][64];
  struct policy_lib lib = { lib_entries, n };
  _cleanup_free_ char *text = NULL;
  size_t len;

  for (size_t i = 0; i < n; i++) {
    snprintf(labels[i], sizeof labels[i], "<built-in %s>", sbx_builtin_profiles[i].name);
    lib_entries[i] = (struct policy_builtin){ sbx_builtin_profiles[i].name, labels[i],
                                              sbx_builtin_profiles[i].source };
  }
  if (policy_read_file(path, &text, &len, e) < 0) {
    sbx_wrap(e, "seccomp profile");
    if (e->errno_ == ENOENT && !strchr(path, '/'))
      hint_builtins(e);
    return -1;
  }
  return policy_compile_text(path, text, len, &lib, out, e);
}

static const struct sbx_builtin_profile *lookup(const char *name_or_path)
{
  return strchr(name_or_path, '/') ? NULL : find_builtin(name_or_path);
}

bool seccomp_profile_is_builtin(const char *name_or_path)
{
  return lookup(name_or_path) != NULL;
}

int seccomp_profile_get(const char *name_or_path, struct sbx_bpf *out, struct sbx_error *e)
{
  const struct sbx_builtin_profile *b = lookup(name_or_path);

  *out = (struct sbx_bpf){ 0 };
  if (!b)
    return compile_file(name_or_path, out, e);
  /* A copy, so that every result is freed the same way. */
  if (b->len) {
    out->data = xmalloc(b->len);
    memcpy(out->data, b->bpf, b->len);
    out->len = b->len;
  }
  return 0;
}

int seccomp_install(const struct sbx_bpf *f, struct sbx_error *e)
{
  struct sock_fprog prog;

  if (f->len == 0)
    return 0;
  if (f->len % sizeof(struct sock_filter) != 0 ||
      f->len / sizeof(struct sock_filter) > BPF_MAXINSNS)
    return sbx_fail(e, EINVAL, "seccomp filter of %zu bytes", f->len);
  /* Without no_new_privs the kernel wants CAP_SYS_ADMIN, and a setuid
   * program run later could escape the filter's intent: refuse outright. */
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
    return sbx_fail(e, 0, "install seccomp filter: no_new_privs is not set");
  prog.len = (unsigned short)(f->len / sizeof(struct sock_filter));
  prog.filter = (struct sock_filter *)f->data;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
    return 0;
  if (errno != ENOSYS) {
    sbx_fail(e, errno, "seccomp(SECCOMP_SET_MODE_FILTER)");
    if (errno == EINVAL)
      sbx_hint(e, "the kernel needs CONFIG_SECCOMP_FILTER, and the program must be valid BPF");
    return -1;
  }
  /* Kernels before 3.17 have only the prctl. */
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
    return 0;
  return sbx_fail(e, errno, "prctl(PR_SET_SECCOMP)");
}

int seccomp_install_all(const struct sbx_bpf *f, size_t n, struct sbx_error *e)
{
  for (size_t i = 0; i < n; i++)
    if (seccomp_install(&f[i], e) < 0)
      return -1;
  return 0;
}

int seccomp_export(const char *name_or_path, int fd, struct sbx_error *e)
{
  struct sbx_bpf f;
  int r = 0;

  if (seccomp_profile_get(name_or_path, &f, e) < 0)
    return -1;
  if (f.len == 0)
    r = sbx_fail(e, 0, "--seccomp-export %s: this profile allows every call and "
                 "installs no filter; there is nothing to export", name_or_path);
  else if (write_all(fd, f.data, f.len) < 0)
    r = sbx_fail(e, errno, "--seccomp-export: write");
  sbx_bpf_free(&f);
  return r;
}

void sbx_bpf_free(struct sbx_bpf *f)
{
  free(f->data);
  *f = (struct sbx_bpf){ 0 };
}
