/* libFuzzer harness of the seccomp policy compiler: policy text to BPF.
 *
 * Input: the text of a policy file, "/fuzz/main.policy".  If it holds a
 * NUL, the text ends there and what follows is the content of every other
 * file whose path contains "fuzz" (so "@include other.policy" reads it);
 * every other path does not exist (see fuzz_common.h), so that an
 * "@include /dev/stdin" cannot block the fuzzer.  The built-in profiles
 * are available to "@include NAME" as in the launcher.
 *
 * Checks: a policy that compiles gives whole 8-byte BPF instructions (or
 * nothing, for one that allows everything); one that does not has a
 * one-line message. */
#include "fuzz_common.h"

#include "error.h"
#include "policy.h"
#include "profiles.h"
#include "seccomp.h"

static struct policy_builtin builtins[16];
static char labels[16][64];
static struct policy_lib lib;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc, (void)argv;
  int null = open("/dev/null", O_RDWR);
  if (null >= 0 && null != 0) {
    dup2(null, 0);
    close(null);
  }
  for (size_t i = 0; i < sbx_n_builtin_profiles && i < 16; i++) {
    snprintf(labels[i], sizeof labels[i], "<built-in %s>", sbx_builtin_profiles[i].name);
    builtins[i] = (struct policy_builtin){ sbx_builtin_profiles[i].name, labels[i],
                                           sbx_builtin_profiles[i].source };
    lib.n_builtins = i + 1;
  }
  lib.builtins = builtins;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const uint8_t *nul = memchr(data, '\0', size);
  size_t len = nul ? (size_t)(nul - data) : size;
  char *text = malloc(len + 1);
  struct sbx_bpf out = { 0 };
  struct sbx_error e = { 0 };
  int r;

  memcpy(text, data, len);
  text[len] = '\0';
  int lowest_free = fz_lowest_free_fd();
  if (nul)
    fz_files_reset(nul + 1, size - len - 1);
  else
    fz_files_reset(NULL, 0);

  r = policy_compile_text("/fuzz/main.policy", text, len, &lib, &out, &e);
  if (r == 0) {
    CHECK(out.len % 8 == 0);
    CHECK(out.len == 0 || out.data != NULL);
    CHECK(out.len / 8 <= 4096);
  } else {
    CHECK(r < 0);
    CHECK(memchr(e.msg, '\0', sizeof e.msg) != NULL);
    CHECK(e.msg[0] != '\0');
    CHECK(strchr(e.msg, '\n') == NULL);
  }
  fuzz_free(out.data); /* allocated through the tracker */
  fz_release_all();
  fz_files_reset(NULL, 0);
  CHECK(fz_lowest_free_fd() == lowest_free); /* no fd leaked */
  free(text);
  return 0;
}
