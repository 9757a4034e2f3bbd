/* Installs raw classic-BPF seccomp programs, in order: the kernel runs
 * every one of them on each system call and the strictest answer wins, so
 * a later program can only restrict further. */
#include "error.h"
#include "sandbox.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int filters_install(const struct bpf_prog *f, size_t n, struct sbx_error *e)
{
  for (size_t i = 0; i < n; i++) {
    struct sock_fprog prog = {
      .len = (unsigned short)(f[i].len / sizeof(struct sock_filter)),
      .filter = (struct sock_filter *)f[i].data,
    };
    if (f[i].len == 0)
      continue;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
      continue;
    if (errno == ENOSYS && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) == 0)
      continue;
    sbx_fail(e, errno, "load seccomp filter %zu", i + 1);
    if (errno == EINVAL)
      sbx_hint(e, "the kernel needs CONFIG_SECCOMP_FILTER, and the program must be valid BPF");
    return -1;
  }
  return 0;
}
