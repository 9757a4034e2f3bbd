/* The built-in seccomp profiles, compiled from the seccomp/NAME.policy
 * files at build time by tools/gen-profiles into profiles.c.
 *
 * bpf/len is the raw classic BPF for the build machine's native ABI and its
 * compat ABIs; len 0 means the profile installs no filter (none).  source
 * is the policy text, kept so that a run-time policy can "@include default"
 * without the seccomp/ directory being installed. */
#ifndef SBX_PROFILES_H
#define SBX_PROFILES_H

#include <stddef.h>

struct sbx_builtin_profile {
  const char *name;
  const unsigned char *bpf;
  size_t len;
  const char *source;
};

extern const struct sbx_builtin_profile sbx_builtin_profiles[];
extern const size_t sbx_n_builtin_profiles;

#endif
